#!/usr/bin/env python3
"""Makes Keras reference fixtures for netviz's importer (issue 6): for each model, its config JSON
(`model.to_json()`, compacted) and an expected JSON in the format of ../shared/reference/keras/expected
(total/trainable/non-trainable params and, per summary row, name, class_name, output_shape, params, inbound).

Needs TensorFlow (CI never does): python3 -m venv /work/venv-tf6 && /work/venv-tf6/bin/pip install tensorflow-cpu
Usage: /work/venv-tf6/bin/python Tools/make-keras-configs.py [OUT_DIR] [MODEL ...]
OUT_DIR defaults to Tests/NetVizTests/Fixtures/keras/extra. Weights are never loaded (weights=None).
"""
import io
import json
import os
import sys
import contextlib

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")
import keras  # noqa: E402
from keras import layers, ops  # noqa: E402


def mix_model():
    """A small functional model with the classes the applications leave out: nested Sequential and Functional
    sub-models, keras.ops nodes, LayerNormalization, Normalization with and without statistics, a frozen layer."""
    inner = keras.Sequential(
        [keras.Input((32, 32, 3)), layers.Conv2D(8, 3, padding="same", name="inner_conv"),
         layers.BatchNormalization(name="inner_bn"), layers.ReLU(name="inner_relu")],
        name="stem_seq")
    b_in = keras.Input((16, 16, 8), name="block_in")
    b = layers.DepthwiseConv2D(3, padding="same", use_bias=False, name="block_dw")(b_in)
    b = layers.Conv2D(16, 1, name="block_pw")(b)
    block = keras.Model(b_in, b, name="block_fn")
    inp = keras.Input((32, 32, 3), name="image")
    x = layers.Normalization(axis=-1, name="norm_adapt")(inp)
    x = layers.Normalization(mean=[1.0, 2.0, 3.0], variance=[1.0, 4.0, 9.0], name="norm_given")(x)
    x = inner(x)
    x = layers.MaxPooling2D(2, name="pool")(x)
    x = block(x)
    y = x + 3.0
    y = layers.ReLU(6.0, name="relu6")(y) * (1.0 / 6.0)
    x = layers.Multiply(name="gate")([x, y])
    x = layers.Cropping2D(((1, 1), (2, 0)), name="crop")(x)
    x = layers.LayerNormalization(epsilon=1e-6, name="ln")(x)
    frozen = layers.Conv2D(4, 3, name="frozen_conv")
    frozen.trainable = False
    x = frozen(x)
    x = layers.GlobalMaxPooling2D(name="gmp")(x)
    x = layers.Dense(10, activation="softmax", name="head")(x)
    return keras.Model(inp, x, name="mix")


def sequential_model():
    return keras.Sequential(
        [keras.Input((28, 28, 1)), layers.Conv2D(16, 3, activation="relu"), layers.MaxPooling2D(),
         layers.Flatten(), layers.Dropout(0.5), layers.Dense(10, activation="softmax")], name="small_sequential")


MODELS = {
    "DenseNet121": lambda: keras.applications.DenseNet121(weights=None),
    "Xception": lambda: keras.applications.Xception(weights=None),
    "EfficientNetB0": lambda: keras.applications.EfficientNetB0(weights=None),
    "NASNetMobile": lambda: keras.applications.NASNetMobile(weights=None),
    "ConvNeXtTiny": lambda: keras.applications.ConvNeXtTiny(weights=None),
    "MobileNetV3Small": lambda: keras.applications.MobileNetV3Small(input_shape=(224, 224, 3), weights=None),
    "Mix": mix_model,
    "SmallSequential": sequential_model,
}


def shape(s):
    return [None if d is None else int(d) for d in s]


def rows(model):
    """The rows model.summary() prints (keras/src/utils/summary_utils.py), without nesting."""
    ops_list = model.layers if isinstance(model, keras.Sequential) else model._operations
    relevant = set()
    if isinstance(model, keras.Sequential):
        for op in ops_list:
            relevant.update(id(n) for n in op._inbound_nodes)
    else:
        for v in model._nodes_by_depth.values():
            relevant.update(id(n) for n in v)
    out = []
    for op in ops_list:
        inbound = []
        for node in op._inbound_nodes:
            if id(node) not in relevant:
                continue
            for kt in node.input_tensors:
                h = kt._keras_history
                inbound.append(f"{h.operation.name}[{h.node_index}][{h.tensor_index}]")
        try:
            out_shape = shape(op.output.shape)
        except Exception:
            out_shape = None
        params = op.count_params() if hasattr(op, "count_params") and op.built else 0
        trainable = sum(int(w.numpy().size) for w in op.trainable_weights) if hasattr(op, "trainable_weights") else 0
        out.append({
            "name": op.name, "class_name": op.__class__.__name__, "output_shape": out_shape,
            "params": int(params), "trainable_params": int(trainable), "non_trainable_params": int(params - trainable),
            "inbound": inbound,
        })
    return out


def count(weights):
    return int(sum(int(w.numpy().size) for w in weights))


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else "Tests/NetVizTests/Fixtures/keras/extra"
    names = sys.argv[2:] or list(MODELS)
    os.makedirs(out_dir, exist_ok=True)
    for name in names:
        model = MODELS[name]()
        config = json.loads(model.to_json())
        with open(os.path.join(out_dir, f"{name}.json"), "w") as f:
            json.dump(config, f, separators=(",", ":"))
        summary = io.StringIO()
        nested = any(isinstance(l, keras.Model) for l in model.layers)
        with contextlib.redirect_stdout(summary):
            model.summary(line_length=200, expand_nested=nested)
        total, trainable = count(model.weights), count(model.trainable_weights)
        expected = {
            "model": name, "keras_name": model.name, "keras_version": keras.__version__,
            "total_params": total, "trainable_params": trainable, "non_trainable_params": total - trainable,
            "num_summary_rows": len(rows(model)), "layers": rows(model),
        }
        with open(os.path.join(out_dir, f"{name}.expected.json"), "w") as f:
            json.dump(expected, f, separators=(",", ":"))
        if nested:
            with open(os.path.join(out_dir, f"{name}_expanded_summary.txt"), "w") as f:
                f.write(summary.getvalue())
        if name in ("Mix", "SmallSequential"):
            model.save(os.path.join(out_dir, f"{name}.keras"))
        print(f"{name}: {len(expected['layers'])} rows, {total:,} params", file=sys.stderr)


if __name__ == "__main__":
    main()
