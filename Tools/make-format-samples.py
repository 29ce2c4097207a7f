#!/usr/bin/env python3
"""Small files of the formats netviz recognises (some it does not read yet), for Tests/NetVizTests/FormatTests.swift.

Made with each format's own library where one is light (onnx, h5py, flatbuffers); the SavedModel protobuf head is
encoded by hand (TensorFlow is too large to install for a few bytes). Run from the project root:
    python3 -m venv /tmp/fx && /tmp/fx/bin/pip install onnx h5py flatbuffers numpy
    /tmp/fx/bin/python Tools/make-format-samples.py
"""
import os
import random

import flatbuffers
import h5py
import numpy as np
import onnx
from onnx import TensorProto, helper

out = "Tests/NetVizTests/Fixtures/formats"
os.makedirs(out, exist_ok=True)

# ONNX: a one-node Relu model, as onnx.save writes it.
graph = helper.make_graph(
    [helper.make_node("Relu", ["x"], ["y"])], "tiny",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4])])
model = helper.make_model(graph, producer_name="netviz-fixture", opset_imports=[helper.make_opsetid("", 17)])
onnx.checker.check_model(model)
onnx.save(model, f"{out}/tiny.onnx")
# The same bytes under a name that says nothing: recognised by content.
onnx.save(model, f"{out}/onnx-model.bin")

# ONNX with an op no one defines ("Celu2") between two Relus, its output shape stated in value_info and a symbolic
# batch: what --allow-unknown reads.
graph = helper.make_graph(
    [helper.make_node("Relu", ["x"], ["a"]), helper.make_node("Celu2", ["a"], ["b"]), helper.make_node("Relu", ["b"], ["y"])],
    "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 4])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", 4])],
    value_info=[helper.make_tensor_value_info("b", TensorProto.FLOAT, ["batch", 4])])
onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), f"{out}/unknown-op.onnx")

# HDF5: what Keras 2's model.save("m.h5") writes at its top (a model_config attribute) with h5py.
with h5py.File(f"{out}/tiny.h5", "w") as f:
    f.attrs["model_config"] = '{"class_name": "Sequential", "config": {"layers": []}}'
    f.create_dataset("model_weights/dense/kernel", data=np.zeros((2, 2), dtype=np.float32))

# TFLite: a FlatBuffer finished with TFLite's file identifier (a root table with only its version: no subgraphs).
builder = flatbuffers.Builder(64)
builder.StartObject(1)
builder.PrependUint32Slot(0, 3, 0)  # Model.version = 3
builder.Finish(builder.EndObject(), file_identifier=b"TFL3")
with open(f"{out}/tiny.tflite", "wb") as f:
    f.write(builder.Output())

# TensorFlow SavedModel's saved_model.pb head: field 1 saved_model_schema_version = 1, field 2 meta_graphs.
meta_graph = bytes([0x0A, 0x02, 0x08, 0x01])  # a MetaGraphDef holding a small meta_info_def
with open(f"{out}/saved_model.pb", "wb") as f:
    f.write(bytes([0x08, 0x01, 0x12, len(meta_graph)]) + meta_graph)

# Bytes no format claims (seeded, so the file is stable).
random.seed(7)
with open(f"{out}/random.bin", "wb") as f:
    f.write(bytes([0x7F, 0x45, 0x4C, 0x46]) + bytes(random.randrange(256) for _ in range(252)))
