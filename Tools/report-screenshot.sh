#!/usr/bin/env bash
# Makes Docs/images/report-mobilenet.png, the README's picture of `netviz report`, with headless chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --product netviz >/dev/null
page="$(mktemp -d)/mobilenet.html"
.build/debug/netviz report mobilenet -o "$page"
chromium --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --hide-scrollbars --window-size=1200,760 \
    --screenshot=Docs/images/report-mobilenet.png "file://$page#layer=conv_pw_13&colour=macs" 2>/dev/null
rm -rf "$(dirname "$page")"
echo "wrote Docs/images/report-mobilenet.png"
