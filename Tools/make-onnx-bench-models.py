#!/usr/bin/env python3
"""Full-size ONNX models for `make bench` (not committed: ViT-B/16 alone is 347 MB).

torchvision's vit_b_16, resnet18 and mobilenet_v2 with seeded random weights (the counts do not depend on the weights),
exported by the classic exporter at opset 17 with a symbolic batch, into the folder given (default .bench-models):
    make bench-onnx-models     (a virtualenv .venv-onnx with torch, torchvision, onnx and onnx-tool)
"""
import os
import sys

import torch
import torchvision

out = sys.argv[1] if len(sys.argv) > 1 else ".bench-models"
os.makedirs(out, exist_ok=True)
torch.manual_seed(0)
x = torch.randn(1, 3, 224, 224)
for name in ["vit_b_16", "resnet18", "mobilenet_v2"]:
    path = os.path.join(out, f"{name}.onnx")
    if os.path.exists(path):
        continue
    model = getattr(torchvision.models, name)(weights=None).eval()
    torch.onnx.export(model, (x,), path, dynamo=False, opset_version=17, input_names=["input"], output_names=["output"],
                      dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}})
    print(path, os.path.getsize(path), "bytes")
