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

# Median wall time in ms of a command run $2 times (after one warm-up).
median_ms() {
    local cmd=$1 n=$2 t=()
    eval "$cmd" >/dev/null 2>&1
    for _ in $(seq "$n"); do
        local s e
        s=$(date +%s%N); eval "$cmd" >/dev/null 2>&1; e=$(date +%s%N)
        t+=($(( (e - s) / 1000 )))
    done
    local sorted=($(printf '%s\n' "${t[@]}" | sort -n))
    printf '%.1f' "$(echo "${sorted[$(( ${#sorted[@]} / 2 ))]} / 1000" | bc -l)"
}

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
echo "## netviz compare: the 16-variant alpha x resolution grid (whole process; target < 100 ms)"
printf 'median %s ms\n' "$(median_ms "$bin/netviz compare mobilenet --alpha 1,0.75,0.5,0.25 --resolution 224,192,160,128" $runs)"

echo
echo "## netviz plot mobilenet (whole process) beside Graphviz's own dot on the same DOT text"
tmp=$(mktemp -d)
plot_runs=7
if [ "${1:-}" = "--smoke" ]; then plot_runs=1; fi
"$bin/netviz" plot mobilenet -o "$tmp/m.dot"
"$bin/netviz" plot mobilenet --dpi 200 -o "$tmp/m200.dot"
for dpi in 96 200; do
    netviz_ms=$(median_ms "$bin/netviz plot mobilenet --dpi $dpi -o $tmp/m.png" $plot_runs)
    dot_file="$tmp/m.dot"; [ "$dpi" = 200 ] && dot_file="$tmp/m200.dot"
    if command -v dot >/dev/null 2>&1; then
        dot_ms=$(median_ms "dot -Tpng $dot_file -o $tmp/d.png" $plot_runs)
        printf 'dpi %s: netviz plot %s ms | dot -Tpng %s ms | ratio %.2f (median of %s)\n' "$dpi" "$netviz_ms" "$dot_ms" \
            "$(echo "$netviz_ms / $dot_ms" | bc -l)" "$plot_runs"
    else
        printf 'dpi %s: netviz plot %s ms | dot -Tpng: missing (apt-get install graphviz) (median of %s)\n' "$dpi" "$netviz_ms" "$plot_runs"
    fi
done
rm -rf "$tmp"

echo
echo "## Graphviz layout + SVG of synthetic chains (in-process), plain and --collapse-repeats"
if [ "${1:-}" = "--smoke" ]; then "$bin/netviz-bench" plot 100; else "$bin/netviz-bench" plot; fi

echo
echo "## build + count of synthetic chains (in-process)"
if [ "${1:-}" = "--smoke" ]; then "$bin/netviz-bench" 1000; else "$bin/netviz-bench"; fi
