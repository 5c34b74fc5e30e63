#!/usr/bin/env bash
# Proves the browser check can fail: the CLI's ReportWriterTest leaves a good page and one with a
# chart that has no data under cli/target/report-fixtures/; check.sh must pass the first and
# reject the second.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
fixtures="$here/../../cli/target/report-fixtures"
[ -f "$fixtures/good/report.html" ] || { echo "error: run the cli tests first (ReportWriterTest)" >&2; exit 1; }
"$here/check.sh" "$fixtures/good/report.html" --require pue-year,cooling-by-component
if "$here/check.sh" "$fixtures/broken/report.html" >/dev/null 2>&1; then
  echo "FAIL: the browser check passed a report whose chart has no data" >&2
  exit 1
fi
echo "browser check rejects a chart without data: OK"
