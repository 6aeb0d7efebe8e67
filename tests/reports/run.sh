#!/usr/bin/env bash
# End to end: a generated fortnight of decision logs from two replicas ->
# modctl report (Markdown, CSV, --dsa) -> Vega-Lite charts. Checks that the
# directory is complete, every chart is an SVG linked from report.md,
# report.html inlines them and refers to no other file, and rendering twice
# leaves one "## Charts" section. Then headless Chromium prints report.html
# to report.pdf (tools/report-charts/pdf.sh), and poppler's pdfinfo and
# pdftotext check its pages: A4, each section on a page of its own headed by
# its title, the figures of report.md in its text. pdftoppm draws the first
# pages as PNG; they and the PDF are kept in REPORTS_ARTIFACTS (default
# build/artifacts/reports) for a person to look at. The DSA export is checked
# on its own by check_statements.py. About 10 s (npm ci once).
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
# The DSA export, checked without modctl's code against counts from the logs.
/usr/bin/python3 tests/reports/check_statements.py "$tmp/week/statements.jsonl" \
  2026-11-23 2026-11-30 "$tmp"/logs/r*.jsonl >/dev/null
bash tools/report-charts/render.sh "$tmp/week"
bash tools/report-charts/render.sh "$tmp/week" >/dev/null   # idempotent
[ "$(grep -c '^## Charts$' "$tmp/week/report.md")" = 1 ] || fail "report.md has not exactly one Charts section"
links=$(grep -o '([a-z0-9_.-]*\.svg)' "$tmp/week/report.md" | tr -d '()' | sort -u)
[ "$(echo "$links" | wc -l)" = 12 ] || fail "expected 12 chart links (3 charts x 4 sections), got: $links"
for svg in $links; do
  [ "$(head -c 4 "$tmp/week/$svg")" = '<svg' ] || fail "$svg is not an SVG"
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

# The PDF: one page or more per "## " section, each section starting a page.
command -v pdftotext >/dev/null || fail "pdftotext not found (Debian poppler-utils)"
bash tools/report-charts/pdf.sh "$tmp/week" >/dev/null
pdf="$tmp/week/report.pdf"
info="$(pdfinfo "$pdf")"
pages=$(awk '/^Pages:/ {print $2}' <<<"$info")
grep -q '^Page size: *59[0-9].* x 84[0-9].*(A4)' <<<"$info" || fail "report.pdf is not A4"
mapfile -t sections < <(sed -n 's/^## //p' "$tmp/week/report.md")
[ "${#sections[@]}" -ge 5 ] || fail "report.md has only ${#sections[@]} sections"
[ "$pages" -ge "${#sections[@]}" ] && [ "$pages" -le 40 ] \
  || fail "report.pdf has $pages pages for ${#sections[@]} sections"
tops=""
for ((p = 1; p <= pages; ++p)); do
  page_text="$(pdftotext -f $p -l $p -layout "$pdf" -)"
  tops+="$(awk 'NF { sub(/^ +/, ""); sub(/ +$/, ""); print; exit }' <<<"$page_text")"$'\n'
done
for ((i = 1; i < ${#sections[@]}; ++i)); do
  grep -qxF "${sections[$i]}" <<<"$tops" || fail "section '${sections[$i]}' does not start a page"
done
text="$(pdftotext "$pdf" -)"
grep -qF 'Moderation report: week 2026-11-23 .. 2026-11-29' <<<"$text" || fail "report.pdf lacks the title"
posts_line="$(grep -m1 '^Posts: ' "$tmp/week/report.md")"
grep -qF "$posts_line" <<<"$text" || fail "report.pdf lacks '$posts_line'"
restrictions_line="$(grep -m1 '^Restrictions (statements of reasons): ' "$tmp/week/transparency.md")"
grep -qF "$restrictions_line" <<<"$text" || fail "report.pdf lacks the transparency summary"
artifacts="${REPORTS_ARTIFACTS:-build/artifacts/reports}"
mkdir -p "$artifacts"
cp "$pdf" "$artifacts/report-week.pdf"
pdftoppm -r 60 -f 1 -l 2 -png "$pdf" "$artifacts/report-week-page"
[ "$(find "$artifacts" -name 'report-week-page-*.png' -size +2k | wc -l)" = 2 ] \
  || fail "pdftoppm did not draw pages 1 and 2"

"$MODCTL" report --period day --date 2027-01-05 --out "$tmp/empty" "$tmp"/logs/r*.jsonl >/dev/null
empty_render="$(bash tools/report-charts/render.sh "$tmp/empty")"
grep -q "0 SVG file" <<<"$empty_render" || fail "empty period drew charts"
grep -q "No decisions in this period: no charts." "$tmp/empty/report.md" || fail "empty period not said"
echo "reports: OK (report directory, DSA export, 12 charts, self-contained report.html, report.pdf with $pages pages for ${#sections[@]} sections, empty period; PDF and PNGs in $artifacts)"
