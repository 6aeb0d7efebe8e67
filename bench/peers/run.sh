#!/usr/bin/env bash
# Runs the peers benchmark (peers.mjs) end to end: installs the pinned npm
# packages if needed, generates the corpus if none is given, runs the tools.
#
#   bash bench/peers/run.sh [extra peers.mjs arguments]
#
# Environment:
#   SIZE      small | default | full: corpus size (default: default)
#   SEED      corpus seed (default: 1)
#   CORPUS    use this corpus file instead of generating one
#   MODCTL    modctl binary (default: build/server/modctl/modctl)
#   RULES     product rules directory (default: rules/)
#   OUT_JSON  also write the results as JSON to this file
#   REPEAT    timed runs per tool (default: 5)
# Works without a terminal (CI=true, no stdin).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
SIZE="${SIZE:-default}"
SEED="${SEED:-1}"
MODCTL="${MODCTL:-$repo/build/server/modctl/modctl}"
RULES="${RULES:-$repo/rules}"
REPEAT="${REPEAT:-5}"
OUT_JSON="${OUT_JSON:-}"
CORPUS="${CORPUS:-}"

die() { echo "run.sh: $*" >&2; exit 2; }

case "$SIZE" in small|default|full) ;; *) die "SIZE must be small, default or full (got '$SIZE')";; esac
command -v node >/dev/null || die "node not found (Node.js 18 or newer is needed)"
command -v npm >/dev/null || die "npm not found"
[ -x "$MODCTL" ] || die "modctl not found at $MODCTL: build it (scripts/build.sh) or set MODCTL"

# npm ci when node_modules is missing or older than the lock file. npm keeps
# its own record of the installed tree in node_modules/.package-lock.json.
installed="$here/node_modules/.package-lock.json"
if [ ! -f "$installed" ] || [ "$here/package-lock.json" -nt "$installed" ] \
   || [ "$here/package.json" -nt "$installed" ]; then
  echo "run.sh: installing the pinned packages (npm ci) in $here" >&2
  (cd "$here" && npm ci --no-audit --no-fund </dev/null) >&2
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
if [ -z "$CORPUS" ]; then
  CORPUS="$tmp/corpus-$SIZE-$SEED.jsonl"
  /usr/bin/python3 "$repo/tests/corpus/generate_corpus.py" --seed "$SEED" --size "$SIZE" --out "$CORPUS" </dev/null
fi

args=(--corpus "$CORPUS" --modctl "$MODCTL" --rules "$RULES" --repeat "$REPEAT")
[ -n "$OUT_JSON" ] && args+=(--json "$OUT_JSON")
node "$here/peers.mjs" "${args[@]}" "$@" </dev/null
