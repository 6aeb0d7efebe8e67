#!/usr/bin/env bash
# End to end: a generated fortnight of decision logs from two replicas ->
# modctl report (Markdown, CSV, --dsa) -> Vega-Lite charts. Checks that the
# directory is complete, every chart is an SVG linked from report.md,
# report.html inlines them and refers to no other file, and rendering twice
# leaves one "## Charts" section. About 5 s (npm ci once).
#
#   bash tests/reports/run.sh build/server/modctl/modctl
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
MODCTL="${1:-build/server/modctl/modctl}"
fail() { echo "reports: FAIL: $*" >&2; exit 1; }
[ -x "$MODCTL" ] || fail "modctl not found at $MODCTL"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
/usr/bin/python3 tests/reports/generate_decision_log.py --out "$tmp/logs" >/dev/null
"$MODCTL" report --period week --date 2026-11-25 --dsa --out "$tmp/week" "$tmp"/logs/r*.jsonl
for f in report.md volume_per_day.csv categories.csv rules.csv heatmap.csv trend.csv \
         ruleset_versions.csv alerts.csv statements.jsonl transparency.md transparency.csv; do
  [ -s "$tmp/week/$f" ] || fail "$f missing or empty"
done
bash tools/report-charts/render.sh "$tmp/week"
bash tools/report-charts/render.sh "$tmp/week" >/dev/null   # idempotent
[ "$(grep -c '^## Charts$' "$tmp/week/report.md")" = 1 ] || fail "report.md has not exactly one Charts section"
links=$(grep -o '([a-z0-9_.-]*\.svg)' "$tmp/week/report.md" | tr -d '()' | sort -u)
[ "$(echo "$links" | wc -l)" = 12 ] || fail "expected 12 chart links (3 charts x 4 sections), got: $links"
for svg in $links; do
  head -c 5 "$tmp/week/$svg" | grep -q '^<svg' || fail "$svg is not an SVG"
  grep -q 'class="marks"' "$tmp/week/$svg" || fail "$svg has no marks"
done
# The news-de volume chart has one bar per decision and day: 3 x 7 rects in its mark group.
bars=$(grep -o 'aria-label="day (UTC): [^"]*"' "$tmp/week/volume-news-de.svg" | sort -u | wc -l)
[ "$bars" = 21 ] || fail "volume-news-de.svg has $bars bars, expected 21"
html="$tmp/week/report.html"
[ -s "$html" ] || fail "report.html missing"
[ "$(grep -o '<svg' "$html" | wc -l)" = 12 ] || fail "report.html does not inline the 12 charts"
! grep -Eq '(src|href)=' "$html" || fail "report.html refers to other files: $(grep -Eo '(src|href)="[^"]*"' "$html" | head -3)"
grep -q '<title>Moderation report: week 2026-11-23 .. 2026-11-29</title>' "$html" || fail "report.html title"
grep -q '<h2>Community news-de</h2>' "$html" || fail "report.html lacks the news-de section"
"$MODCTL" report --period day --date 2027-01-05 --out "$tmp/empty" "$tmp"/logs/r*.jsonl >/dev/null
bash tools/report-charts/render.sh "$tmp/empty" | grep -q "0 SVG file" || fail "empty period drew charts"
grep -q "No decisions in this period: no charts." "$tmp/empty/report.md" || fail "empty period not said"
echo "reports: OK (report directory, DSA export, 12 charts, self-contained report.html, empty period)"
