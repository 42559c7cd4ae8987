#!/bin/sh
# Render one person's digest from the bundled demo as Telegram would show it
# (`demo --format html`), wrapped in a phone-width page, and take a headless
# Chromium screenshot of it: docs/digest.png.
#   scripts/digest-screenshot.sh [PERSON] [WHEN] [OUT.png]
# (WHEN as the digest's header shows it, e.g. "4月9日 07:30"; default: that
# person's digest of 9 April, which has conflicts, a "maybe" and overdue items.)
# Needs a built onedigest (BIN, default target/debug/onedigest) and chromium
# (Debian: apt-get install -y chromium).
set -eu
person="${1:-韦振华}"
when="${2:-4月9日 07:30}"
out="${3:-docs/digest.png}"
bin="${BIN:-${CARGO_TARGET_DIR:-target}/debug/onedigest}"
page="$(mktemp --suffix=.html)"
trap 'rm -f "$page"' EXIT
{
  printf '%s\n' '<!doctype html><meta charset="utf-8"><style>
body{margin:0;background:#dfe7ef;font:15px/1.45 system-ui,"Noto Sans CJK SC",sans-serif}
.msg{background:#fff;margin:12px;padding:10px 12px;border-radius:12px;white-space:pre-wrap;box-shadow:0 1px 2px #0002}
a{color:#2a6fb0;text-decoration:none}
</style>'
  # PERSON's digest at WHEN, as Telegram HTML (one message: its first part).
  "$bin" demo --format html | awk -v p="$person" -v w="$when" '
    /^<b>📋 / { keep = index($0, p) > 0 && index($0, w) > 0 }
    keep && /^(════|── warning)/ { keep = 0 }
    keep { buf = buf $0 "\n" }
    END { sub(/\n+$/, "", buf); print "<div class=\"msg\">" buf "</div>" }'
} > "$page"
grep -q '[0-9]\. ' "$page" || { echo "no digest of $person at $when" >&2; exit 1; }
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars \
  --screenshot="$out" --window-size=420,900 "file://$page" 2>/dev/null
echo "wrote $out"
