#!/usr/bin/env bash
# Proto lint and compatibility: `buf lint` and `buf breaking` on proto/ with
# proto/buf.yaml, using the buf pinned in proto/buf-tool/package-lock.json
# (npm package @bufbuild/buf; `npm ci` installs it there on first use).
#
#   scripts/check-proto.sh
#
# `buf breaking` compares the tree with a baseline in this repository's git
# history: the newest release tag (v*) if there is one, else the first
# commit that added proto/moderation/v1/moderation.proto (there is no
# release tag yet, so today that commit). A breaking change belongs in a new
# package (moderation.v2), not in v1.
#
# Needs the git history (a shallow clone fails with a clear message) and
# node/npm (scripts/install-deps.sh).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOL_DIR="$ROOT/proto/buf-tool"
BUF="$TOOL_DIR/node_modules/.bin/buf"

if [[ ! -x "$BUF" ]]; then
  echo "check-proto: installing the pinned buf (npm ci) in $TOOL_DIR" >&2
  (cd "$TOOL_DIR" && npm ci --no-audit --no-fund </dev/null) >&2
fi

baseline="$(git -C "$ROOT" describe --tags --abbrev=0 --match 'v*' 2>/dev/null || true)"
baseline_name="release tag $baseline"
if [[ -z "$baseline" ]]; then
  baseline="$(git -C "$ROOT" log --diff-filter=A --format=%H -- proto/moderation/v1/moderation.proto | tail -1)"
  baseline_name="first commit with the proto (${baseline:0:12}; no release tag)"
fi
if [[ -z "$baseline" ]] || ! git -C "$ROOT" cat-file -e "$baseline^{commit}" 2>/dev/null; then
  echo "check-proto: no baseline for buf breaking in the git history (shallow clone?)" >&2
  exit 1
fi

cd "$ROOT/proto"
echo "check-proto: buf $("$BUF" --version) lint"
"$BUF" lint
echo "check-proto: buf breaking against the $baseline_name"
# buf reads the baseline from git itself; a worktree's .git is a file, so
# point it at the common git directory.
git_dir="$(git -C "$ROOT" rev-parse --path-format=absolute --git-common-dir)"
"$BUF" breaking --against "$git_dir#ref=$baseline,subdir=proto"
echo "check-proto: ok"
