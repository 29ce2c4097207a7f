# netviz: `make run` installs what is missing, builds and shows MobileNet; `make test` runs every test.
SWIFT ?= swift
RELEASE := .build/release/netviz

.PHONY: deps build run test bench clean

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

# Speed targets live here, never in unit tests (Docs/benchmarks.md).
bench: deps
	bash Tools/bench.sh

clean:
	rm -rf .build
