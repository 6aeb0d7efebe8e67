#!/usr/bin/env bash
# Adds SVG charts and a self-contained report.html to a `modctl report`
# directory (charts.mjs: Vega-Lite and marked),
# installing the pinned npm packages first when they are missing or stale.
#
#   bash tools/report-charts/render.sh build/reports-demo/week
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
die() { echo "render.sh: $*" >&2; exit 1; }
[ $# -eq 1 ] || die "usage: render.sh REPORT_DIR"
command -v node >/dev/null || die "node not found (Node.js 18 or newer is needed)"
command -v npm >/dev/null || die "npm not found"
installed="$here/node_modules/.package-lock.json"
if [ ! -f "$installed" ] || [ "$here/package-lock.json" -nt "$installed" ] \
   || [ "$here/package.json" -nt "$installed" ]; then
  echo "render.sh: installing the pinned packages (npm ci) in $here" >&2
  (cd "$here" && npm ci --no-audit --no-fund </dev/null) >&2
fi
exec node "$here/charts.mjs" "$1"
