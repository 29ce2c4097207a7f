#!/usr/bin/env python3
"""TensorFlow Lite reference fixtures for the TFLite reader (issue 14): small keras.applications models converted by
tf.lite.TFLiteConverter as float32, float16, dynamic-range int8 and full int8, with what TensorFlow says about them.
Nothing here is written by netviz; netviz's numbers are checked against it.

Run from the project root with a virtualenv outside the repo (CI never needs it):
    python3 -m venv /tmp/tf && /tmp/tf/bin/pip install tensorflow-cpu
    /tmp/tf/bin/python Tools/make-tflite-fixtures.py

Writes Tests/NetVizTests/Fixtures/tflite/:
- <model>.keras.json: the Keras model's config (model.to_json()), so netviz can count the same model from Keras;
- <model>.<variant>.tflite for variant in float32, float16, dynamic_int8, full_int8;
- <model>.input.npy (seeded), <model>.float32.output.npy and <model>.float16.output.npy (the interpreter's outputs);
- expected.json: per model, Keras's params (total, trainable, and in BatchNormalization layers) and, per file, its
  size, the interpreter's operators (in order, and counted) and its tensors' types.

The models are small on purpose (classes=10, alpha 0.25 / 0.35) so the committed files stay a few MB.

`--only NAME` regenerates one model (its files and its entry in expected.json).
`--article DIR` converts the seed article's model instead (Sources/NetViz/Zoo/ArticleMobileNet.swift: full width,
224 px, 1000 classes, the channels_first AvgPool2D and Dense on a rank-4 tensor) into DIR, which is not committed:
its four files take about 37 MB. DIR/article.json holds Keras's params and output shape; Docs/counting.md gives
netviz's counts of the files.
"""
import json
import os
import sys
from collections import Counter

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

OUT = "Tests/NetVizTests/Fixtures/tflite"
os.makedirs(OUT, exist_ok=True)
keras = tf.keras


def article_mini():
    """The article's model in miniature (16 px, one block, 10 classes): its stem and a block as written, then its
    head exactly as written, AvgPool2D(data_format='channels_first') and Dense on the rank-4 result, which the
    converter turns into TRANSPOSEs and RESHAPEs around FULLY_CONNECTED (the full model: --article)."""
    L = keras.layers
    inputs = L.Input(shape=(16, 16, 3))
    x = L.ReLU()(L.BatchNormalization()(L.Conv2D(filters=8, kernel_size=3, strides=2, padding="same")(inputs)))
    x = L.ReLU()(L.BatchNormalization()(L.DepthwiseConv2D(kernel_size=3, strides=2, padding="same")(x)))
    x = L.ReLU()(L.BatchNormalization()(L.Conv2D(filters=16, kernel_size=1, strides=1)(x)))
    x = L.AvgPool2D(pool_size=4, strides=1, data_format="channels_first")(x)
    return keras.Model(inputs, L.Dense(units=10, activation="softmax")(x), name="article_mini")


def models():
    return {
        "mobilenet_025_128": keras.applications.MobileNet(
            input_shape=(128, 128, 3), alpha=0.25, weights=None, classes=10),
        "mobilenet_v2_035_96": keras.applications.MobileNetV2(
            input_shape=(96, 96, 3), alpha=0.35, weights=None, classes=10),
        "article_mini_16": article_mini(),
    }


def seeded(model, seed):
    """Seeded weights (and BatchNormalization statistics), so outputs are not all the same class."""
    rng = np.random.default_rng(seed)
    model.set_weights([rng.uniform(0.5, 1.5, w.shape).astype(np.float32) if "variance" in v.path
                       else rng.uniform(-0.3, 0.3, w.shape).astype(np.float32)
                       for v, w in zip(model.weights, model.get_weights())])
    return model


def convert(model, variant, shape):
    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    if variant == "float16":
        converter.optimizations = [tf.lite.Optimize.DEFAULT]
        converter.target_spec.supported_types = [tf.float16]
    elif variant == "dynamic_int8":
        converter.optimizations = [tf.lite.Optimize.DEFAULT]
    elif variant == "full_int8":
        rng = np.random.default_rng(1)

        def representative():
            for _ in range(8):
                yield [rng.uniform(-1, 1, (1,) + shape).astype(np.float32)]

        converter.optimizations = [tf.lite.Optimize.DEFAULT]
        converter.representative_dataset = representative
        converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
        converter.inference_input_type = tf.int8
        converter.inference_output_type = tf.int8
    return converter.convert()


def article():
    """The article's code as written (conv layers with Keras's default bias, plain ReLU)."""
    L = keras.layers

    def block(x, filters, strides):
        x = L.DepthwiseConv2D(kernel_size=3, strides=strides, padding="same")(x)
        x = L.ReLU()(L.BatchNormalization()(x))
        x = L.Conv2D(filters=filters, kernel_size=1, strides=1)(x)
        return L.ReLU()(L.BatchNormalization()(x))

    inputs = L.Input(shape=(224, 224, 3))
    x = L.ReLU()(L.BatchNormalization()(L.Conv2D(filters=32, kernel_size=3, strides=2, padding="same")(inputs)))
    for filters, strides in [(64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2)] + [(512, 1)] * 5 + [(1024, 2), (1024, 1)]:
        x = block(x, filters, strides)
    x = L.AvgPool2D(pool_size=7, strides=1, data_format="channels_first")(x)
    return keras.Model(inputs, L.Dense(units=1000, activation="softmax")(x))


if "--article" in sys.argv:
    folder = sys.argv[sys.argv.index("--article") + 1]
    os.makedirs(folder, exist_ok=True)
    model = seeded(article(), 0)
    for variant in ("float32", "float16", "dynamic_int8", "full_int8"):
        with open(f"{folder}/article.{variant}.tflite", "wb") as f:
            f.write(convert(model, variant, (224, 224, 3)))
    with open(f"{folder}/article.json", "w") as f:
        json.dump({"keras_params": int(model.count_params()), "output_shape": list(model.output_shape)}, f, indent=2)
    sys.exit(0)

# --only NAME regenerates one model's files and its entry, keeping the others'.
only = sys.argv[sys.argv.index("--only") + 1] if "--only" in sys.argv else None
expected = {"tensorflow": tf.__version__, "models": {}}
if only and os.path.exists(f"{OUT}/expected.json"):
    with open(f"{OUT}/expected.json") as f:
        expected["models"] = json.load(f)["models"]
for name, model in models().items():
    if only and name != only:
        continue
    seeded(model, 0)
    shape = tuple(model.input_shape[1:])
    with open(f"{OUT}/{name}.keras.json", "w") as f:
        f.write(model.to_json())
    bn_params = sum(int(np.prod(w.shape)) for layer in model.layers
                    if isinstance(layer, keras.layers.BatchNormalization) for w in layer.weights)
    entry = {"input_shape": list(shape), "keras_params": int(model.count_params()),
             "keras_trainable_params": int(sum(np.prod(w.shape) for w in model.trainable_weights)),
             "keras_batchnorm_params": bn_params, "files": {}}
    x = np.random.default_rng(0).uniform(-1, 1, (1,) + shape).astype(np.float32)
    np.save(f"{OUT}/{name}.input.npy", x)
    for variant in ("float32", "float16", "dynamic_int8", "full_int8"):
        content = convert(model, variant, shape)
        path = f"{OUT}/{name}.{variant}.tflite"
        with open(path, "wb") as f:
            f.write(content)
        # Without XNNPACK, which would replace runs of operators by DELEGATE nodes: the file's own operators.
        interpreter = tf.lite.Interpreter(
            model_content=content,
            experimental_op_resolver_type=tf.lite.experimental.OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES)
        interpreter.allocate_tensors()
        operators = [op["op_name"] for op in interpreter._get_ops_details()]
        tensor_types = Counter(np.dtype(t["dtype"]).name for t in interpreter.get_tensor_details())
        info = {"bytes": len(content), "operators": operators, "operator_counts": dict(Counter(operators)),
                "tensor_types": dict(tensor_types)}
        if variant in ("float32", "float16"):
            interpreter.set_tensor(interpreter.get_input_details()[0]["index"], x)
            interpreter.invoke()
            y = interpreter.get_tensor(interpreter.get_output_details()[0]["index"])
            np.save(f"{OUT}/{name}.{variant}.output.npy", y.astype(np.float32))
            info["keras_vs_interpreter_max_abs"] = float(np.abs(model(x).numpy() - y).max())
        entry["files"][os.path.basename(path)] = info
    expected["models"][name] = entry

with open(f"{OUT}/expected.json", "w") as f:
    json.dump(expected, f, indent=2, sort_keys=True)
    f.write("\n")
print(json.dumps({k: {"params": v["keras_params"], "files": {f: i["bytes"] for f, i in v["files"].items()}}
                  for k, v in expected["models"].items()}, indent=2))
