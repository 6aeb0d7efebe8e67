#!/usr/bin/env bash
# The test command: installs missing Debian packages, builds, and runs every
# test. This is what CI runs (.ci/run). Exits non-zero if anything fails.
#
# Steps (each reported in the summary at the end):
#   1. build                      scripts/build.sh
#      format check               scripts/check-format.sh (clang-format 14)
#   2. ctest                      every C++ unit test
#   3. modctl validate rules/     the default rule sets must load cleanly
#   4. modctl test rules/         every rule's embedded examples must pass
#   5. corpus generator self-test tests/corpus/test_generate_corpus.py
#   6. corpus smoke evaluation    small generated corpus through modctl scan
#   7. benchmark smoke            bench/run.sh small on this build: every part of
#                                 the harness runs and writes its report; timings
#                                 are never asserted
#
# Environment: BUILD_DIR (default build), RULES_DIR (default rules),
# CORPUS_SEED (default 1), CORPUS_SIZE (default small),
# CORPUS_MIN_RECALL (default 0.9), CORPUS_MAX_FP (default 0.02),
# and everything scripts/build.sh reads.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

BUILD_DIR="${BUILD_DIR:-build}"
RULES_DIR="${RULES_DIR:-rules}"
MODCTL="$BUILD_DIR/server/modctl/modctl"
PY=/usr/bin/python3 # Debian's python; `python3` on PATH may be another one
CORPUS_SEED="${CORPUS_SEED:-1}"
CORPUS_SIZE="${CORPUS_SIZE:-small}"
CORPUS_MIN_RECALL="${CORPUS_MIN_RECALL:-0.9}"
CORPUS_MAX_FP="${CORPUS_MAX_FP:-0.02}"
CORPUS_FILE="$BUILD_DIR/corpus/corpus-$CORPUS_SIZE-seed$CORPUS_SEED.jsonl"

names=()
results=()
failed=0
record() { # record NAME STATUS
  names+=("$1")
  results+=("$2")
  [[ "$2" == PASS ]] || failed=$((failed + 1))
}
step() { # step NAME command...: runs a step, records it, never aborts the script
  local name="$1"
  shift
  printf '\n===== %s\n' "$name"
  local start=$SECONDS rc=0
  "$@" </dev/null || rc=$?
  if [[ $rc -eq 0 ]]; then
    record "$name" PASS
  else
    record "$name" "FAIL (exit $rc)"
  fi
  printf '===== %s: %s (%ds)\n' "$name" "${results[-1]}" $((SECONDS - start))
}
summary() {
  local i passed=$(( ${#names[@]} - failed ))
  printf '\n===== Summary\n'
  for i in "${!names[@]}"; do
    printf '  %-32s %s\n' "${names[$i]}" "${results[$i]}"
  done
  if [[ $failed -eq 0 ]]; then
    echo "ALL STEPS PASSED"
  else
    echo "SOME STEPS FAILED"
  fi
  echo "steps: $passed passed, $failed failed"
}

corpus_smoke() {
  "$PY" tests/corpus/generate_corpus.py --seed "$CORPUS_SEED" \
    --size "$CORPUS_SIZE" --out "$CORPUS_FILE" &&
  "$PY" tests/corpus/evaluate.py --modctl "$MODCTL" --rules "$RULES_DIR/" \
    --corpus "$CORPUS_FILE" --json "$BUILD_DIR/corpus/evaluation-$CORPUS_SIZE.json" \
    --min-recall "$CORPUS_MIN_RECALL" --max-fp "$CORPUS_MAX_FP"
}

# The build type scripts/build.sh configured, so the benchmark smoke keeps it.
build_type() { sed -n 's/^CMAKE_BUILD_TYPE:STRING=//p' "$BUILD_DIR/CMakeCache.txt"; }

step "build" bash scripts/build.sh
if [[ "${results[-1]}" != PASS ]]; then
  # Nothing else can run without a build.
  summary
  exit 1
fi

step "format check" bash scripts/check-format.sh
step "ctest" ctest --test-dir "$BUILD_DIR" --output-on-failure -j2 --timeout 300 \
  --no-tests=error
step "modctl validate $RULES_DIR/" "$MODCTL" validate "$RULES_DIR/"
step "modctl test $RULES_DIR/" "$MODCTL" test "$RULES_DIR/"
step "corpus generator self-test" "$PY" tests/corpus/test_generate_corpus.py
step "corpus smoke evaluation" corpus_smoke
# The harness builds Release on its own; the smoke run reuses this build so
# CI compiles once. Its report goes under the build directory, not into git.
step "benchmark smoke" env BENCH_BUILD_DIR="$BUILD_DIR" BENCH_BUILD_TYPE="$(build_type)" \
  BENCH_OUT_DIR="$BUILD_DIR/bench-results" bash bench/run.sh small

summary
[[ $failed -eq 0 ]]
