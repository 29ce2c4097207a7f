"""Peers for `make bench-peers`: the same work done by Keras / TensorFlow, one job per process.

    python Tools/bench-peers.py summary-mobilenet            # keras.applications.MobileNet + model.summary()
    python Tools/bench-peers.py plot-mobilenet DPI OUT.png   # keras.utils.plot_model(show_shapes=True, dpi=DPI)
    python Tools/bench-peers.py summary-config CONFIG.json   # model_from_json + model.summary()
    python Tools/bench-peers.py forward-mobilenet RUNS       # tf.function forward, batch 1: prints median ms
    python Tools/bench-peers.py onnx-tool-summary FILE.onnx  # onnx-tool: load, shape inference, profile, print

Timing is done by the caller (netviz-bench) around the whole process, except forward-mobilenet, which times the
forward pass in-process like netviz's executor does. Needs tensorflow-cpu and pydot (and Graphviz's dot for plots).
"""
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def main(argv):
    job = argv[1] if len(argv) > 1 else ""
    if job == "onnx-tool-summary":
        # onnx-tool's own path to a per-node table with params and MACs (its README's "profile" example).
        import onnx_tool

        model = onnx_tool.Model(argv[2])
        model.graph.shape_infer()
        model.graph.profile()
        model.graph.print_node_map()
        return
    import keras  # noqa: imported here so a bad command fails before the slow import

    if job == "summary-mobilenet":
        keras.applications.MobileNet(weights=None).summary()
    elif job == "plot-mobilenet":
        model = keras.applications.MobileNet(weights=None)
        keras.utils.plot_model(model, to_file=argv[3], show_shapes=True, dpi=int(argv[2]))
    elif job == "summary-config":
        with open(argv[2]) as f:
            keras.models.model_from_json(f.read()).summary()
    elif job == "forward-mobilenet":
        import numpy as np
        import tensorflow as tf

        model = keras.applications.MobileNet(weights=None)
        forward = tf.function(lambda x: model(x, training=False))
        x = tf.constant(np.random.default_rng(0).standard_normal((1, 224, 224, 3), dtype=np.float32))
        forward(x)
        times = []
        for _ in range(int(argv[2])):
            start = time.perf_counter()
            forward(x).numpy()
            times.append((time.perf_counter() - start) * 1000)
        times.sort()
        print(f"{times[len(times) // 2]:.2f}")
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
