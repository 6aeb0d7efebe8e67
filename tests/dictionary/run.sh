#!/usr/bin/env bash
# The dictionary test step: installs the pinned word lists (npm ci) and runs
# measure.py with the targets of issue 9 as checks. Usage: run.sh MODCTL
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
MODCTL="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
for package in naughty-words @2toad/profanity washyourmouthoutwithsoap; do
  if [[ ! -d "$HERE/node_modules/$package" ]]; then
    (cd "$HERE" && npm ci --no-audit --no-fund --loglevel=error)
    break
  fi
done
# Targets (issue 9): LDNOOBW German in compound mode with the lexicon
# <= 0.05 % of wngerman, word mode no worse. English: the target was 0.2 % of
# wamerican in compound mode, but the English list's own words and their
# plurals and possessives are 0.25 % of wamerican (they are meant to be
# flagged), so the check there is that no other word is flagged, plus a
# ceiling at today's 0.25 % so a regression shows.
# The two German lists translated by machine (measure.py) hold ordinary
# nouns, so only their other words are checked, at today's share plus a
# little: 76 and 51 of wngerman's words in compound mode, none in word mode.
exec /usr/bin/python3 "$HERE/measure.py" --modctl "$MODCTL" --lists de,en,de-2toad,de-wash \
  --check de-compound-lexicon=0.0005 --check de-word-lexicon=0.0005 \
  --check de-compound-lexicon-other=0.00005 \
  --check en-compound-lexicon-other=0.0001 --check en-compound-lexicon=0.0026 \
  --check de-2toad-compound-lexicon-other=0.00025 --check de-2toad-word-lexicon-other=0.00001 \
  --check de-wash-compound-lexicon-other=0.00016 --check de-wash-word-lexicon-other=0.00001
