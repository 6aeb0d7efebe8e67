#!/usr/bin/env bash
# Prints a report directory's report.html (written by render.sh) to
# report.pdf with headless Chromium (Debian's `chromium`): A4, one section
# per community starting on a new page, the charts as vectors. For people
# who want a file to attach, print or archive rather than a web page.
#
#   bash tools/report-charts/pdf.sh build/reports-demo/week   # -> .../week/report.pdf
#
# Offline: the page refers to no other file, the browser gets a throw-away
# profile and no network is needed. About 2 s; bounded by a 120 s timeout.
set -euo pipefail
die() { echo "pdf.sh: $*" >&2; exit 1; }
[ $# -eq 1 ] || die "usage: pdf.sh REPORT_DIR"
dir="$(cd "$1" && pwd)" || die "no directory $1"
[ -s "$dir/report.html" ] || die "$dir/report.html missing: run tools/report-charts/render.sh first"
browser="$(command -v chromium || command -v chromium-browser || true)"
[ -n "$browser" ] || die "chromium not found (Debian package chromium; scripts/install-deps.sh)"
profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT
flags=(--headless --disable-gpu --no-first-run --disable-extensions --disable-sync
       --disable-background-networking --user-data-dir="$profile"
       --no-pdf-header-footer --print-to-pdf="$dir/report.pdf")
# Chromium refuses to run as root with its sandbox (containers, CI).
[ "$(id -u)" -ne 0 ] || flags+=(--no-sandbox)
rm -f "$dir/report.pdf"
log="$profile/chromium.log"
if ! timeout 120 "$browser" "${flags[@]}" "file://$dir/report.html" >"$log" 2>&1 \
   || [ ! -s "$dir/report.pdf" ]; then
  tail -20 "$log" >&2
  die "chromium did not print $dir/report.pdf"
fi
echo "pdf: $dir/report.pdf"
