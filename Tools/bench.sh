#!/usr/bin/env bash
# make bench: netviz's speed targets (Docs/benchmarks.md). Release build; figures are medians of repeated runs.
#   - `netviz summary mobilenet` as a whole process: target < 30 ms wall, < 30 MiB peak RSS
#   - build + count of synthetic chains in-process: target < 50 ms at 10,000 layers, growing linearly
# Usage: bash Tools/bench.sh [--smoke]   (--smoke: the smallest case once, for CI)
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product netviz >/dev/null
swift build -c release --product netviz-bench >/dev/null
bin=.build/release
runs=21
if [ "${1:-}" = "--smoke" ]; then runs=3; fi

echo "## netviz summary mobilenet (whole process, $runs runs after 3 warm-ups)"
for _ in 1 2 3; do "$bin/netviz" summary mobilenet >/dev/null; done
times=()
for _ in $(seq "$runs"); do
    start=$(date +%s%N)
    "$bin/netviz" summary mobilenet >/dev/null
    end=$(date +%s%N)
    times+=($(( (end - start) / 1000 )))
done
sorted=($(printf '%s\n' "${times[@]}" | sort -n))
median=${sorted[$(( ${#sorted[@]} / 2 ))]}
rss=$(/usr/bin/time -f '%M' "$bin/netviz" summary mobilenet 2>&1 >/dev/null | tail -1)
printf 'wall: median %.1f ms (min %.1f, max %.1f) | peak RSS: %.1f MiB\n' \
    "$(echo "$median / 1000" | bc -l)" "$(echo "${sorted[0]} / 1000" | bc -l)" \
    "$(echo "${sorted[-1]} / 1000" | bc -l)" "$(echo "$rss / 1024" | bc -l)"
echo
echo "## build + count of synthetic chains (in-process)"
if [ "${1:-}" = "--smoke" ]; then "$bin/netviz-bench" 1000; else "$bin/netviz-bench"; fi
