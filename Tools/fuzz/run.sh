#!/usr/bin/env bash
# make fuzz: builds the libFuzzer target and runs it over every format reader netviz has (the recognisers, Keras JSON
# and archives, the ONNX reader, TFLite FlatBuffers,
# safetensors, npy, HDF5 .h5 files), FUZZ_SECONDS each (default 60), each on its own seed corpus of real files.
# FUZZ_TARGETS="npy" limits the run. Crashes are written to Tools/fuzz/artifacts/<target>- and fail the run.
set -euo pipefail
cd "$(dirname "$0")"
seconds=${FUZZ_SECONDS:-60}
targets=${FUZZ_TARGETS:-keras onnx safetensors npy tflite h5}
flags=(--scratch-path .build -c release -Xswiftc -sanitize=fuzzer,address -Xswiftc -g -Xswiftc -enable-testing)
swift build "${flags[@]}" --product netviz-fuzz 2>&1 | tail -3
bin=$(swift build "${flags[@]}" --show-bin-path)/netviz-fuzz
fixtures=../../Tests/NetVizTests/Fixtures
mkdir -p artifacts
for target in $targets; do
    seeds=.build/seeds/$target
    corpus=.build/corpus/$target
    mkdir -p "$seeds" "$corpus"
    case $target in
    # The real configs and archives (kept below 1 MB so mutation stays quick) and the bad inputs.
    keras) find "$fixtures/keras/configs" "$fixtures/keras/extra" "$fixtures/keras2" "$fixtures/bad-input" "$fixtures/formats" \
        "$fixtures/fuzz-regressions" -type f \( -name '*.json' -o -name '*.keras' -o -path '*/formats/*' \) \
        ! -name '*.expected.json' -size -1000k -exec cp {} "$seeds/" \; ;;
    onnx) find "$fixtures/onnx" -type f -name '*.onnx' -size -300k -exec cp {} "$seeds/" \; ;;
    # The converter's files (the int8 ones are the smallest), the recognised-only sample and kept crashes.
    tflite) find "$fixtures/tflite" "$fixtures/formats" "$fixtures/fuzz-regressions" -type f \
        \( -name '*.tflite' -o -name 'tflite-*' \) -size -700k -exec cp {} "$seeds/" \; ;;
    safetensors) find "$fixtures/tf" -type f -name '*.safetensors' -size -200k -exec cp --backup=numbered {} "$seeds/" \; ;;
    # Keras 2 .h5 models, the hostile ones, and the model.weights.h5 of the Keras 3 archives (not the file on which
    # HDF5 itself loops forever: every run would start with a timeout).
    h5) find "$fixtures/keras2" "$fixtures/formats" -type f -name '*.h5' -size -1000k -exec cp --backup=numbered {} "$seeds/" \;
        for archive in "$fixtures"/keras2/*.keras; do
            python3 -c 'import sys, zipfile; sys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read("model.weights.h5"))' \
                "$archive" > "$seeds/$(basename "$archive" .keras).weights.h5"
        done ;;
    # No .npy fixtures are kept: a few small arrays, written the way numpy writes them.
    npy) python3 - "$seeds" <<'PY'
import struct, sys
def npy(path, descr, shape, count, width, fortran="False"):
    header = "{'descr': '%s', 'fortran_order': %s, 'shape': %s, }" % (descr, fortran, shape)
    header += " " * ((64 - (10 + len(header) + 1) % 64) % 64) + "\n"
    with open(path, "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode() + bytes(count * width))
npy(sys.argv[1] + "/f4.npy", "<f4", "(2, 3)", 6, 4)
npy(sys.argv[1] + "/f8.npy", "<f8", "(4,)", 4, 8)
npy(sys.argv[1] + "/f2.npy", "<f2", "(1, 2, 2, 1)", 4, 2)
npy(sys.argv[1] + "/scalar.npy", "<f4", "()", 1, 4)
PY
    ;;
    esac
    echo "== $target: ${seconds}s"
    # Traps are reported by libFuzzer, not Swift's backtracer (which ASan flags itself); lsan.supp names the leaks
    # that are not netviz's.
    export SWIFT_BACKTRACE=enable=no LSAN_OPTIONS=suppressions=$PWD/lsan.supp
    # libhdf5 itself loops forever and copies with overlapping buffers on some corrupt files (HDF5File.swift; the CLI
    # reads HDF5 in a child process for that reason): fork mode records them and goes on, and each crash is then
    # triaged by its first frame: inside libhdf5 is HDF5's, anything else is netviz's and fails the run.
    extra=()
    if [ "$target" = h5 ]; then extra=(-fork=1 -ignore_timeouts=1 -ignore_crashes=1 -ignore_ooms=1); fi
    NETVIZ_FUZZ_TARGET=$target "$bin" "$corpus" "$seeds" -max_total_time="$seconds" -max_len=1048576 -timeout=10 \
        -rss_limit_mb=2048 -artifact_prefix="artifacts/$target-" -print_final_stats=1 "${extra[@]}" 2>&1 | tail -12 \
        || [ "$target" = h5 ]
    if [ "$target" = h5 ]; then
        ours=0
        for crash in artifacts/h5-crash-* artifacts/h5-leak-*; do
            [ -s "$crash" ] || continue
            # The first frame outside the sanitizer runtime and libc says whose the bug is.
            frame=$(NETVIZ_FUZZ_TARGET=h5 timeout 60 "$bin" "$crash" 2>&1 | grep -E '^ +#[0-9]+ ' \
                | grep -v -E 'compiler-rt|libclang_rt|sysdeps|libc\.so' | head -1 || true)
            # A leak found in fork mode may come from the inputs before it in the same job: alone it may not recur.
            if [ -z "$frame" ]; then echo "not reproduced alone: $crash"
            elif grep -q libhdf5 <<<"$frame"; then echo "libhdf5's: $crash"
            else echo "NETVIZ'S: $crash: $frame"; ours=1; fi
        done
        [ "$ours" = 0 ] || exit 1
    fi
done
