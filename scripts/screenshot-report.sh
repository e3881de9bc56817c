#!/usr/bin/env bash
# Screenshot a fangxian HTML report with headless Chromium (Debian's `chromium` package).
#
#   scripts/screenshot-report.sh REPORT.html OUT.png [WIDTHxHEIGHT]
#
# The window is tall by default (1200x4000) so the whole report fits one image; pass a size
# to change it. Chromium runs with no network features and a throw-away profile.
set -euo pipefail

if [ $# -lt 2 ]; then
  echo "usage: $0 REPORT.html OUT.png [WIDTHxHEIGHT]" >&2
  exit 2
fi
report=$1
out=$2
size=${3:-1200x4000}
chromium=${CHROMIUM:-/usr/bin/chromium}

if [ ! -x "$chromium" ]; then
  echo "error: $chromium not found" >&2
  echo "hint: apt-get install -y --no-install-recommends chromium" >&2
  exit 2
fi
[ -f "$report" ] || { echo "error: no such file: $report" >&2; exit 2; }

abs_report=$(cd "$(dirname "$report")" && pwd)/$(basename "$report")
case "$out" in /*) abs_out=$out ;; *) abs_out=$PWD/$out ;; esac
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT

timeout 120 "$chromium" --headless --no-sandbox --disable-gpu \
  --disable-background-networking --disable-component-update --disable-sync --no-first-run \
  --hide-scrollbars --user-data-dir="$profile" \
  --window-size="${size/x/,}" --screenshot="$abs_out" "file://$abs_report" 2>/dev/null

[ -s "$abs_out" ] || { echo "error: no screenshot written" >&2; exit 1; }
echo "$abs_out"
