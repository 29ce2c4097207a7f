#!/usr/bin/env bash
# Installs what netviz needs on a fresh Debian machine: Graphviz's C libraries (cgraph/gvc), zlib (ZIPFoundation
# inflates .keras archives with it), HDF5's C library (Keras 2 .h5 files and the weights in .keras archives),
# pkg-config, and Debian's chromium, which the browser tests of `netviz report` drive headless.
# Swift itself is expected on PATH (the machine image ships it).
set -euo pipefail
if ! command -v swift >/dev/null 2>&1; then
    echo "install-deps: swift is not on PATH; install Swift 6 first (https://www.swift.org/install/)" >&2
    exit 1
fi
packages=()
if ! { command -v pkg-config >/dev/null 2>&1 && pkg-config --exists libgvc zlib; }; then
    packages+=(libgraphviz-dev zlib1g-dev pkg-config)
fi
if ! { command -v pkg-config >/dev/null 2>&1 && pkg-config --exists hdf5; }; then
    packages+=(libhdf5-dev pkg-config)
fi
if ! command -v chromium >/dev/null 2>&1; then
    packages+=(chromium)
fi
if [ "${#packages[@]}" -eq 0 ]; then
    exit 0
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
echo "install-deps: installing ${packages[*]} with apt-get" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
pkg-config --exists libgvc zlib hdf5
command -v chromium >/dev/null
