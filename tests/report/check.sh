#!/usr/bin/env bash
# Opens a Factory Twin report in headless Chromium and checks that every chart was drawn with
# data: each <figure data-chart> must carry data-rendered > 0 after the page's script ran, and
# none may carry data-error. With --require ID,ID,... the named charts must also be present.
#
#   tests/report/check.sh out/report.html [--require pue-year,agent-gpu-temperature]
#
# Chromium runs with the flags that keep it off the network on this machine (see the machine
# notes): no background networking, no component updates, a fresh profile folder.
set -euo pipefail
report=${1:?usage: check.sh REPORT.html [--require ID,...]}
require=""
if [ "${2:-}" = "--require" ]; then
  require=${3:?--require needs a comma-separated list of chart ids}
fi
[ -f "$report" ] || { echo "error: no report at $report" >&2; exit 1; }
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
  echo "error: Chromium is not installed; on Debian: apt-get install -y chromium" >&2
  exit 1
fi
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
dom="$profile/dom.html"
timeout 120 "$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$profile" --virtual-time-budget=5000 \
  --dump-dom "file://$(cd "$(dirname "$report")" && pwd)/$(basename "$report")" >"$dom" 2>"$profile/chromium.log" || {
  echo "error: Chromium failed; its log:" >&2
  tail -n 20 "$profile/chromium.log" >&2
  exit 1
}
node "$(dirname "$0")/check-dom.mjs" "$dom" "$require"
