#!/usr/bin/env bash
# Checks that every C++ file in git matches .clang-format (Debian's
# clang-format 14). Prints the files that differ and exits 1 if there are any.
#
#   bash scripts/check-format.sh          # check
#   bash scripts/check-format.sh --fix    # rewrite the files in place
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if ! command -v clang-format >/dev/null 2>&1; then
  echo "check-format: clang-format is missing (scripts/install-deps.sh installs it)" >&2
  exit 1
fi
mapfile -t files < <(git ls-files '*.cc' '*.h')
if [[ "${1:-}" == "--fix" ]]; then
  clang-format -i "${files[@]}"
  echo "check-format: formatted ${#files[@]} files"
  exit 0
fi
bad=()
for f in "${files[@]}"; do
  clang-format "$f" | cmp -s - "$f" || bad+=("$f")
done
if [[ ${#bad[@]} -ne 0 ]]; then
  printf 'check-format: %d of %d files differ from .clang-format:\n' "${#bad[@]}" "${#files[@]}"
  printf '  %s\n' "${bad[@]}"
  echo "check-format: run 'bash scripts/check-format.sh --fix'"
  exit 1
fi
echo "check-format: all ${#files[@]} files match .clang-format ($(clang-format --version))"
