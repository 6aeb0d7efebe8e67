#!/usr/bin/env bash
# The dictionary test step: installs the pinned word lists (npm ci) and runs
# measure.py with the targets of issue 9 as checks. Usage: run.sh MODCTL
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
MODCTL="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
if [[ ! -d "$HERE/node_modules/naughty-words" ]]; then
  (cd "$HERE" && npm ci --no-audit --no-fund --loglevel=error)
fi
# Targets: LDNOOBW German in compound mode with the lexicon <= 0.05 % of
# wngerman; English <= 0.2 % of wamerican; the German list in word mode
# stays at least as precise.
exec /usr/bin/python3 "$HERE/measure.py" --modctl "$MODCTL" \
  --check de-compound-lexicon=0.0005 --check de-word-lexicon=0.0005 \
  --check en-compound-lexicon=0.0020
