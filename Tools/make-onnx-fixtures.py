#!/usr/bin/env python3
"""ONNX reference fixtures for the ONNX reader (issue 12): PyTorch exports with both exporters, the counts torch
itself reports, and onnxruntime's outputs. Nothing here is written by netviz; netviz's numbers are checked against it.

Run from the project root with a virtualenv outside the repo:
    python3 -m venv /tmp/onnx-venv && /tmp/onnx-venv/bin/pip install torch torchvision onnx onnxruntime onnxscript
    /tmp/onnx-venv/bin/python Tools/make-onnx-fixtures.py

Writes Tests/NetVizTests/Fixtures/onnx/:
- <model>.<exporter>.onnx for small models with their (seeded) weights inside, and <model>.input.npy /
  <model>.<exporter>.output.npy (onnxruntime on a seeded input) for `netviz verify`;
- <model>.<exporter>.onnx for torchvision's mobilenet_v2 and resnet18 with weights=None, saved with external data
  whose .data file is NOT kept: the graph alone (tens of KB), which is all a summary needs (params come from the
  initializers' dims, never their bytes);
- expected.json: per file, the exporter, opset, torch's parameter count, and MACs = torch.utils.flop_counter / 2
  (torch counts 2 FLOPs per multiply-accumulate of conv, linear and matmul, bias excluded), plus torchvision's
  published GFLOPS where it has them.
"""
import json
import os
import tempfile

import numpy as np
import onnx
import onnxruntime as ort
import torch
import torchvision
from torch import nn
from torch.utils.flop_counter import FlopCounterMode

OUT = "Tests/NetVizTests/Fixtures/onnx"
os.makedirs(OUT, exist_ok=True)
torch.manual_seed(0)
# nn.TransformerEncoderLayer's inference fast path is one fused op that neither the FLOP counter nor the classic
# exporter sees into; the plain path is the same math (onnxruntime's outputs below match torch's).
torch.backends.mha.set_fastpath_enabled(False)


class ResidualBlock(nn.Module):
    """torchvision's BasicBlock with a projection shortcut: the ResNet pattern at a small size."""

    def __init__(self):
        super().__init__()
        downsample = nn.Sequential(nn.Conv2d(8, 16, 1, stride=2, bias=False), nn.BatchNorm2d(16))
        self.block = torchvision.models.resnet.BasicBlock(8, 16, stride=2, downsample=downsample)

    def forward(self, x):
        return self.block(x)


def seeded(model):
    """Seeded weights, as training would leave them: not torchvision's initial zeros and ones (whose outputs are near
    zero, and whose identical tensors the classic exporter stores once), nor TransformerEncoder's deep copies of one
    layer."""
    with torch.no_grad():
        for parameter in model.parameters():
            parameter.uniform_(-0.3, 0.3)
        for module in model.modules():
            if isinstance(module, nn.BatchNorm2d):
                module.running_mean.uniform_(-0.1, 0.1)
                module.running_var.uniform_(0.5, 1.5)
    return model


def small_models():
    encoder_layer = nn.TransformerEncoderLayer(d_model=32, nhead=4, dim_feedforward=64, dropout=0.0, batch_first=True)
    encoder = nn.TransformerEncoder(encoder_layer, num_layers=2, enable_nested_tensor=False)
    models = {
        "mobilenet_v2_w025": (torchvision.models.mobilenet_v2(width_mult=0.25, num_classes=10), (1, 3, 32, 32)),
        "resnet_block": (ResidualBlock(), (1, 8, 16, 16)),
        "transformer_encoder": (encoder, (1, 10, 32)),
    }
    for model, _ in models.values():
        seeded(model)
    return models


def full_models():
    return {
        "mobilenet_v2": (seeded(torchvision.models.mobilenet_v2(weights=None)), (1, 3, 224, 224), 0.301),
        "resnet18": (seeded(torchvision.models.resnet18(weights=None)), (1, 3, 224, 224), 1.814),
    }


def counts(model, shape):
    """Torch's own figures: parameters (each tensor once) and MACs = FLOPs / 2 on one sample."""
    params = sum(p.numel() for p in model.parameters())
    with FlopCounterMode(display=False) as counter, torch.no_grad():
        model(torch.zeros(shape))
    return params, counter.get_total_flops() // 2


def export(model, shape, path, dynamo, external):
    args = (torch.zeros(shape),)
    kwargs = dict(input_names=["input"], output_names=["output"])
    if dynamo:
        program = torch.onnx.export(model, args, dynamo=True, opset_version=18, **kwargs)
        program.save(path, external_data=external)
    else:
        torch.onnx.export(model, args, path, dynamo=False, opset_version=17, **kwargs)
        if external:
            onnx.save(onnx.load(path), path, save_as_external_data=True, all_tensors_to_one_file=True,
                      location=os.path.basename(path) + ".data", size_threshold=0)
    loaded = onnx.load(path, load_external_data=False)
    return {"opset": max(o.version for o in loaded.opset_import if o.domain in ("", "ai.onnx")),
            "producer": f"{loaded.producer_name} {loaded.producer_version}",
            "initializer_params": initializer_params(loaded.graph),
            "constant_node_params": constant_node_params(loaded.graph),
            "nodes": len(loaded.graph.node),
            "op_types": sorted({n.op_type for n in loaded.graph.node})}


def constant_node_params(graph):
    """Float tensors of more than one element held by Constant nodes (the classic exporter stores some weights so)."""
    total = 0
    for node in graph.node:
        if node.op_type != "Constant":
            continue
        for attribute in node.attribute:
            if attribute.name == "value" and attribute.t.data_type in FLOAT_TYPES:
                elements = int(np.prod(attribute.t.dims)) if attribute.t.dims else 1
                total += elements if elements > 1 else 0
    return total


FLOAT_TYPES = {onnx.TensorProto.FLOAT, onnx.TensorProto.FLOAT16, onnx.TensorProto.BFLOAT16, onnx.TensorProto.DOUBLE}


def initializer_params(graph):
    """The counting rule of issue 12, computed with the onnx library: elements of float initializers, each once,
    1-element scalars (sqrt(2), 0.5, the attention scale) left out. The classic exporter folds BatchNorm into the
    convolutions, so this differs from torch's parameter count."""
    total = 0
    for tensor in graph.initializer:
        elements = int(np.prod(tensor.dims)) if tensor.dims else 1
        if tensor.data_type in FLOAT_TYPES and elements > 1:
            total += elements
    return total


expected = {}
for name, (model, shape) in small_models().items():
    model.eval()
    params, macs = counts(model, shape)
    x = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
    np.save(f"{OUT}/{name}.input.npy", x)
    for exporter, dynamo in (("classic", False), ("dynamo", True)):
        path = f"{OUT}/{name}.{exporter}.onnx"
        info = export(model, shape, path, dynamo, external=False)
        session = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
        y = session.run(None, {session.get_inputs()[0].name: x})[0]
        np.save(f"{OUT}/{name}.{exporter}.output.npy", y.astype(np.float32))
        with torch.no_grad():
            reference = model(torch.from_numpy(x)).numpy()
        expected[os.path.basename(path)] = dict(
            info, exporter=exporter, input_shape=list(shape), torch_params=params, torch_macs=macs,
            ort_vs_torch_max_abs=float(np.abs(y - reference).max()), output_max_abs=float(np.abs(y).max()))

for name, (model, shape, published) in full_models().items():
    model.eval()
    params, macs = counts(model, shape)
    for exporter, dynamo in (("classic", False), ("dynamo", True)):
        path = f"{OUT}/{name}.{exporter}.onnx"
        with tempfile.TemporaryDirectory() as scratch:
            scratch_path = os.path.join(scratch, os.path.basename(path))
            info = export(model, shape, scratch_path, dynamo, external=True)
            # Keep the graph; drop the weights file (a summary reads only the initializers' dims).
            with open(scratch_path, "rb") as source, open(path, "wb") as target:
                target.write(source.read())
        expected[os.path.basename(path)] = dict(
            info, exporter=exporter, input_shape=list(shape), torch_params=params, torch_macs=macs,
            torchvision_published_gflops=published, weights="external, not kept")

with open(f"{OUT}/expected.json", "w") as f:
    json.dump({"torch": torch.__version__, "torchvision": torchvision.__version__, "onnx": onnx.__version__,
               "onnxruntime": ort.__version__, "files": expected}, f, indent=2, sort_keys=True)
    f.write("\n")
print(json.dumps(expected, indent=2, sort_keys=True))
