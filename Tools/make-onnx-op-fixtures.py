#!/usr/bin/env python3
"""Small ONNX graphs that use, between them, every op netviz's ONNX rules know, with onnxruntime's outputs.

Written with onnx.helper (not exported from PyTorch) so each op appears with the attributes that matter: explicit
pads, SAME_UPPER, ceil_mode, strided and negative-step slices, broadcasting. Tests/NetVizTests/Formats/ONNXOpTests
checks netviz's shapes (against onnxruntime's output shapes) and its kernels (against onnxruntime's values).
    /work/venv-fx/bin/python Tools/make-onnx-op-fixtures.py     (onnx, onnxruntime, numpy)
"""
import json
import os

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper

out = "Tests/NetVizTests/Fixtures/onnx/ops"
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(7)


def weight(name, *shape):
    return numpy_helper.from_array(rng.standard_normal(shape).astype(np.float32) * 0.3, name)


def ints(name, values):
    return numpy_helper.from_array(np.array(values, dtype=np.int64), name)


def floats(name, values):
    return numpy_helper.from_array(np.array(values, dtype=np.float32), name)


def save(name, nodes, input_shape, initializers, outputs, opset=18):
    graph = helper.make_graph(
        nodes, name, [helper.make_tensor_value_info("x", TensorProto.FLOAT, input_shape)],
        [helper.make_tensor_value_info(o, TensorProto.FLOAT, None) for o in outputs], initializer=initializers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    model.ir_version = 10 if opset >= 21 else 9
    # Output shapes are left for the reader to infer (the checker wants them stated); onnxruntime checks the graph.
    path = f"{out}/{name}.onnx"
    onnx.save(model, path)
    x = rng.standard_normal(input_shape).astype(np.float32)
    np.save(f"{out}/{name}.input.npy", x)
    session = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    results = session.run(None, {"x": x})
    for o, value in zip(outputs, results):
        np.save(f"{out}/{name}.{o}.npy", value.astype(np.float32))
    return {o: list(v.shape) for o, v in zip(outputs, results)}


facts = {}
# A CNN: windows with every padding kind, transposed conv, normalisations, resize and pad. Opset 21, where
# GroupNormalization's scale and bias are per channel (per group before).
facts["cnn"] = save("cnn", [
    helper.make_node("Conv", ["x", "w1", "b1"], ["c1"], pads=[1, 2, 1, 0], strides=[2, 1]),
    helper.make_node("InstanceNormalization", ["c1", "g1", "h1"], ["n1"], epsilon=1e-5),
    helper.make_node("LeakyRelu", ["n1"], ["a1"], alpha=0.2),
    helper.make_node("Conv", ["a1", "w2"], ["c2"], auto_pad="SAME_UPPER", strides=[2, 2], group=2),
    helper.make_node("GroupNormalization", ["c2", "g2", "h2"], ["n2"], num_groups=2, epsilon=1e-5),
    helper.make_node("HardSwish", ["n2"], ["a2"]),
    helper.make_node("MaxPool", ["a2"], ["p1"], kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1], ceil_mode=1),
    helper.make_node("AveragePool", ["a2"], ["p2"], kernel_shape=[2, 3], strides=[1, 2], pads=[0, 1, 1, 1]),
    helper.make_node("ConvTranspose", ["p1", "wt", "bt"], ["t1"], strides=[2, 2], pads=[1, 1, 1, 1], output_padding=[1, 1]),
    helper.make_node("Resize", ["t1", "", "scales"], ["r1"], mode="nearest"),
    helper.make_node("Pad", ["p2", "pads"], ["q1"], mode="constant"),
    helper.make_node("Sigmoid", ["q1"], ["s1"]),
    helper.make_node("GlobalMaxPool", ["r1"], ["gm"]),
    helper.make_node("Flatten", ["gm"], ["f1"]),
    helper.make_node("Gemm", ["f1", "wf", "bf"], ["y"], transB=1),
], [1, 3, 12, 10], [
    weight("w1", 4, 3, 3, 3), weight("b1", 4), weight("g1", 4), weight("h1", 4), weight("w2", 6, 2, 3, 3),
    weight("g2", 6), weight("h2", 6), weight("wt", 6, 5, 3, 3), weight("bt", 5), floats("scales", [1, 1, 2, 2]),
    ints("pads", [0, 1, 2, 0, 0, 0, 1, 1]), weight("wf", 7, 5), weight("bf", 7),
], ["y", "s1", "p2"], opset=21)

# Element-wise ops with broadcasting, reductions, layout and selection.
facts["tensor_ops"] = save("tensor_ops", [
    helper.make_node("Split", ["x", "split"], ["s0", "s1"], axis=1),
    helper.make_node("Mul", ["s0", "k1"], ["m1"]),
    helper.make_node("Sub", ["m1", "s1"], ["d1"]),
    helper.make_node("Abs", ["d1"], ["ab"]),
    helper.make_node("Add", ["ab", "one"], ["ap"]),
    helper.make_node("Pow", ["ap", "half"], ["pw"]),
    helper.make_node("Div", ["pw", "k2"], ["dv"]),
    helper.make_node("Tanh", ["dv"], ["th"]),
    helper.make_node("Erf", ["th"], ["er"]),
    helper.make_node("Exp", ["er"], ["ex"]),
    helper.make_node("Neg", ["ex"], ["ng"]),
    helper.make_node("PRelu", ["ng", "slope"], ["pr"]),
    helper.make_node("Greater", ["pr", "zero"], ["gt"]),
    helper.make_node("Where", ["gt", "pr", "s1"], ["wh"]),
    helper.make_node("Transpose", ["wh"], ["tr"], perm=[0, 2, 1]),
    helper.make_node("Slice", ["tr", "starts", "ends", "axes", "steps"], ["sl"]),
    helper.make_node("Unsqueeze", ["sl", "ax0"], ["us"]),
    helper.make_node("Expand", ["us", "shape"], ["xp"]),
    helper.make_node("Tile", ["xp", "reps"], ["tl"]),
    helper.make_node("ReduceSum", ["tl", "ax2"], ["rs"], keepdims=0),
    helper.make_node("ReduceMax", ["tl", "ax3"], ["rm"], keepdims=1),
    helper.make_node("Concat", ["x", "x"], ["cc"], axis=2),
    helper.make_node("Gather", ["cc", "idx"], ["ga"], axis=2),
    helper.make_node("Softmax", ["ga"], ["y"], axis=-1),
    helper.make_node("Clip", ["rs", "lo", "hi"], ["cl"]),
    helper.make_node("HardSigmoid", ["rm"], ["hs"], alpha=0.3, beta=0.4),
    helper.make_node("Max", ["hs", "rm"], ["mx"]),
], [2, 6, 5], [
    ints("split", [3, 3]), floats("k1", [1.5]), floats("one", [1.0]), floats("half", [0.5]), floats("k2", [2.0, 3.0, 4.0, 5.0, 6.0]),
    floats("slope", [0.1]), floats("zero", [0.0]), ints("starts", [4, 0]), ints("ends", [-100, 3]), ints("axes", [1, 2]),
    ints("steps", [-2, 2]), ints("ax0", [1]), ints("shape", [2, 3, 3, 2]), ints("reps", [1, 1, 1, 2]), ints("ax2", [2]),
    ints("ax3", [3]), ints("idx", [[0, 9], [3, 4]]), floats("lo", [-0.5]), floats("hi", [0.7]),
], ["y", "cl", "mx"])

with open(f"{out}/expected.json", "w") as f:
    json.dump({"onnxruntime": ort.__version__, "onnx": onnx.__version__, "output_shapes": facts}, f, indent=2, sort_keys=True)
print(json.dumps(facts))
