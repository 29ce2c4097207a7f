#!/usr/bin/env bash
# make fuzz: builds the libFuzzer target and runs it for FUZZ_SECONDS (default 60) on a seed corpus of real configs.
# Crashes are written to Tools/fuzz/artifacts/ and fail the run.
set -euo pipefail
cd "$(dirname "$0")"
seconds=${FUZZ_SECONDS:-60}
flags=(--scratch-path .build -c release -Xswiftc -sanitize=fuzzer,address -Xswiftc -g -Xswiftc -enable-testing)
swift build "${flags[@]}" --product netviz-fuzz 2>&1 | tail -3
bin=$(swift build "${flags[@]}" --show-bin-path)/netviz-fuzz
fixtures=../../Tests/NetVizTests/Fixtures
seeds=.build/seeds
corpus=.build/corpus
mkdir -p "$seeds" "$corpus" artifacts
# Seeds: the real configs and archives (kept below 1 MB so mutation stays quick) and the bad inputs.
find "$fixtures/keras/configs" "$fixtures/keras/extra" "$fixtures/bad-input" "$fixtures/formats" "$fixtures/onnx" -type f \
    \( -name '*.json' -o -name '*.keras' -o -path '*/formats/*' -o -name '*.onnx' \) ! -name '*.expected.json' -size -1000k -exec cp {} "$seeds/" \;
# Traps are reported by libFuzzer, not Swift's backtracer (which ASan flags itself); lsan.supp names the leaks
# that are not netviz's.
export SWIFT_BACKTRACE=enable=no LSAN_OPTIONS=suppressions=$PWD/lsan.supp
"$bin" "$corpus" "$seeds" -max_total_time="$seconds" -max_len=1048576 -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix=artifacts/ -print_final_stats=1 2>&1 | tail -25
