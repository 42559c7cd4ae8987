#!/bin/sh
# Render one person's digest from the bundled demo as Telegram would show it
# (`demo --format html`), wrapped in a phone-width page, and take a headless
# Chromium screenshot of it: docs/digest.png.
#   scripts/digest-screenshot.sh [PERSON] [OUT.png]
# Needs a built onedigest (BIN, default target/debug/onedigest) and chromium
# (Debian: apt-get install -y chromium).
set -eu
person="${1:-韦振华}"
out="${2:-docs/digest.png}"
bin="${BIN:-${CARGO_TARGET_DIR:-target}/debug/onedigest}"
page="$(mktemp --suffix=.html)"
trap 'rm -f "$page"' EXIT
{
  printf '%s\n' '<!doctype html><meta charset="utf-8"><style>
body{margin:0;background:#dfe7ef;font:15px/1.45 system-ui,"Noto Sans CJK SC",sans-serif}
.msg{background:#fff;margin:12px;padding:10px 12px;border-radius:12px;white-space:pre-wrap;box-shadow:0 1px 2px #0002}
a{color:#2a6fb0;text-decoration:none}
</style>'
  # The last digest of PERSON that has items: one message per part.
  "$bin" demo --format html | awk -v p="$person" '
    /^<b>📋 / { keep = index($0, p) > 0; if (keep) { buf = $0; next } }
    keep && /^(════|── warning)/ { keep = 0; if (buf ~ /\n[0-9]+\. /) last = buf; buf = ""; next }
    keep { buf = buf "\n" $0 }
    END { if (buf ~ /\n[0-9]+\. /) last = buf; sub(/\n+$/, "", last); print "<div class=\"msg\">" last "</div>" }'
} > "$page"
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars \
  --screenshot="$out" --window-size=420,900 "file://$page" 2>/dev/null
echo "wrote $out"
