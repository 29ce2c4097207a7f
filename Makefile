# netviz: `make run` installs what is missing, builds and shows MobileNet; `make test` runs every test.
SWIFT ?= swift
RELEASE := .build/release/netviz

.PHONY: deps build run test bench bench-peers bench-onnx-models bench-smoke clean fuzz

deps:
	@bash Tools/install-deps.sh

build: deps
	$(SWIFT) build -c release --product netviz

run: build
	$(RELEASE) summary mobilenet
	$(RELEASE) plot mobilenet --rankdir TB -o model.png
	@echo "wrote model.png"

test: deps
	$(SWIFT) test

# Speed targets live here, never in unit tests: `make bench` measures and writes Docs/benchmarks.md.
BENCH := .build/release/netviz-bench
PEERS_VENV := .venv-bench
ONNX_VENV := .venv-onnx

bench: deps
	$(SWIFT) build -c release --product netviz
	$(SWIFT) build -c release --product netviz-bench
	$(BENCH) run --docs Docs/benchmarks.md $(if $(wildcard $(PEERS_VENV)/bin/python),--peers $(PEERS_VENV)/bin/python,) \
		$(if $(wildcard $(ONNX_VENV)/bin/python),--onnx-peer $(ONNX_VENV)/bin/python,)

# Also times Keras, TensorFlow and Graphviz's dot on the same work (a virtualenv with tensorflow-cpu and pydot).
bench-peers: deps
	command -v dot >/dev/null || (apt-get install -y -qq graphviz || sudo apt-get install -y -qq graphviz)
	test -x $(PEERS_VENV)/bin/python || python3 -m venv $(PEERS_VENV)
	$(PEERS_VENV)/bin/python -c "import tensorflow, pydot" 2>/dev/null || $(PEERS_VENV)/bin/pip install -q tensorflow-cpu pydot
	$(MAKE) bench

# Full-size ONNX models for the ONNX figures (ViT-B/16 is 347 MB, so they are made, not committed), and onnx-tool
# as their peer: a virtualenv with torch, torchvision, onnx and onnx-tool (large; kept out of the repository).
bench-onnx-models:
	test -x $(ONNX_VENV)/bin/python || python3 -m venv $(ONNX_VENV)
	$(ONNX_VENV)/bin/python -c "import torch, torchvision, onnx, onnx_tool" 2>/dev/null || $(ONNX_VENV)/bin/pip install -q torch torchvision onnx onnx-tool
	$(ONNX_VENV)/bin/python Tools/make-onnx-bench-models.py .bench-models
	$(MAKE) bench

# The runner on its smallest cases (what CI runs): a debug build is enough.
bench-smoke: deps
	$(SWIFT) build --product netviz
	$(SWIFT) build --product netviz-bench
	.build/debug/netviz-bench run --smoke

clean:
	rm -rf .build

# libFuzzer runs of every format reader: Keras JSON and archives, ONNX, TFLite, safetensors, npy, HDF5 (Tools/fuzz, a separate package:
# never part of `swift test`).
# FUZZ_SECONDS=600 make fuzz for a longer run (each reader that long); FUZZ_TARGETS=npy for one.
fuzz:
	bash Tools/fuzz/run.sh
