#!/bin/sh
# Render the burden report of a scenario as its self-contained HTML page
# (`report --format html`, charts as inline SVG) and take a headless
# Chromium screenshot of it: docs/report.png.
#   scripts/report-screenshot.sh [LOG] [OUT.png]
# Default LOG: the dev scenario ../shared/corpus/scenarios/dev-zh-township-culture.jsonl
# (read in place, never copied into the project).
# Needs a built onedigest (BIN, default target/debug/onedigest), chromium and
# a CJK font, which both the page's labels and the charts' measuring use
# (Debian: apt-get install -y chromium fonts-noto-cjk).
set -eu
log="${1:-../shared/corpus/scenarios/dev-zh-township-culture.jsonl}"
out="${2:-docs/report.png}"
bin="${BIN:-${CARGO_TARGET_DIR:-target}/debug/onedigest}"
page="$(mktemp --suffix=.html)"
trap 'rm -f "$page"' EXIT
"$bin" report --log "$log" --format html --out "$page"
# The charts must be there, not the note that a font is missing.
grep -q '<svg' "$page" || { echo "the report has no charts: $(grep -o 'class="note">[^<]*' "$page")" >&2; exit 1; }
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars \
  --screenshot="$out" --window-size=1000,1500 "file://$page" 2>/dev/null
echo "wrote $out"
