#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) and fuzzes each for
# a while, one target at a time, at low priority.
#
#   tests/fuzz/run.sh [MINUTES_PER_TARGET] [TARGET...]
#   tests/fuzz/run.sh 30                          # every target, 30 min each
#   tests/fuzz/run.sh 5 normalizer moderate
#
# Targets: normalizer, rule_loader, moderate, proto_convert (README.md says
# what each checks). Defaults: 10 minutes, every target; 0 minutes only
# builds.
#
# Inputs: corpus/<target> (checked-in seeds) and regressions/<target> (every
# past crash) are read, never written. New inputs the fuzzer finds go to
# $FUZZ_WORK/<target>/corpus, outside git, and are reused by the next run;
# crashes go to $FUZZ_WORK/<target>/crashes/. With FUZZ_KEEP=1 the run ends by
# merging into corpus/<target> only the new inputs that add coverage (review
# them with `git status` before committing).
#
# Prints, per target: executions, executions per second, new corpus inputs,
# and the crash files found (each one is a finding: reproduce it with
#   $FUZZ_BUILD/tests/fuzz/<target>_fuzzer <crash file>
# and, after the fix, add it to regressions/<target>/).
#
# Environment: FUZZ_BUILD (default build-fuzz), FUZZ_WORK (default
# $FUZZ_BUILD/fuzz-work), FUZZ_KEEP (default 0), FUZZ_NICE (default 10),
# FUZZ_SKIP_BUILD=1 (reuse the last build), plus scripts/build.sh's variables.
# Needs clang and libclang-rt-14-dev (both in scripts/install-deps.sh).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"

MINUTES="${1:-10}"
shift || true
ALL_TARGETS=(normalizer rule_loader moderate proto_convert)
TARGETS=("$@")
[[ ${#TARGETS[@]} -gt 0 ]] || TARGETS=("${ALL_TARGETS[@]}")
FUZZ_BUILD="${FUZZ_BUILD:-build-fuzz}"
FUZZ_WORK="${FUZZ_WORK:-$FUZZ_BUILD/fuzz-work}"
FUZZ_KEEP="${FUZZ_KEEP:-0}"
FUZZ_NICE="${FUZZ_NICE:-10}"

for t in "${TARGETS[@]}"; do
  [[ " ${ALL_TARGETS[*]} " == *" $t "* ]] || { echo "run.sh: unknown target '$t'" >&2; exit 2; }
done

# Per target: longest input, and the time after which one input is a hang.
# Compiling a fuzzed rule file runs Hyperscan, hence the larger limits there.
max_len() { case "$1" in rule_loader) echo 8192 ;; *) echo 4096 ;; esac; }
timeout_s() { case "$1" in rule_loader) echo 30 ;; *) echo 10 ;; esac; }

if [[ "${FUZZ_SKIP_BUILD:-0}" != 1 ]]; then
  SAN="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined"
  BUILD_DIR="$FUZZ_BUILD" BUILD_TARGETS="${TARGETS[*]/%/_fuzzer}" \
    nice -n "$FUZZ_NICE" bash scripts/build.sh \
    -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
    -DCMAKE_CXX_FLAGS="$SAN -fno-omit-frame-pointer -gline-tables-only" \
    -DMODERATION_FUZZING=ON -DMODERATION_WERROR=OFF -DMODERATION_JEMALLOC=OFF
fi

if [[ "$MINUTES" == 0 ]]; then
  echo "run.sh: built ${TARGETS[*]/%/_fuzzer} in $FUZZ_BUILD/tests/fuzz (0 minutes: no fuzzing)"
  exit 0
fi

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
# The Hyperscan database cache of the moderate and proto targets.
export MODERATION_FUZZ_CACHE="${MODERATION_FUZZ_CACHE:-$FUZZ_WORK/hs_cache}"

stat_of() { sed -n "s/^stat::$1: *//p" "$2" | tail -1; }

summary=()
for t in "${TARGETS[@]}"; do
  work="$FUZZ_WORK/$t"
  mkdir -p "$work/corpus" "$work/crashes" "$MODERATION_FUZZ_CACHE"
  log="$work/fuzz-$(date +%Y%m%dT%H%M%S).log"
  before=$(find "$work/corpus" -type f | wc -l)
  echo "run.sh: fuzzing $t for $MINUTES min (log: $log)"
  start=$SECONDS
  rc=0
  nice -n "$FUZZ_NICE" "$FUZZ_BUILD/tests/fuzz/${t}_fuzzer" \
    -max_total_time=$((MINUTES * 60)) -max_len="$(max_len "$t")" -timeout="$(timeout_s "$t")" \
    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$work/crashes/" \
    "$work/corpus" "tests/fuzz/corpus/$t" "tests/fuzz/regressions/$t" >"$log" 2>&1 || rc=$?
  seconds=$((SECONDS - start))
  execs=$(stat_of number_of_executed_units "$log")
  after=$(find "$work/corpus" -type f | wc -l)
  crashes=$(find "$work/crashes" -type f -newer "$log" 2>/dev/null | wc -l)
  crashes_all=$(find "$work/crashes" -type f | wc -l)
  line=$(printf '%-14s %6ss %12s execs %8s/s  +%s corpus  %s new crash file(s) (%s in total)  exit %s' \
    "$t" "$seconds" "${execs:-?}" "$(( ${execs:-0} / (seconds > 0 ? seconds : 1) ))" \
    "$((after - before))" "$crashes" "$crashes_all" "$rc")
  summary+=("$line")
  echo "run.sh: $line"
  if [[ $rc -ne 0 ]]; then
    echo "run.sh: $t stopped on a finding; the report:"
    grep -m1 -B2 -A30 -E 'ERROR: |invariant broken|runtime error|deadly signal|timeout' "$log" || tail -40 "$log"
  fi
  if [[ "$FUZZ_KEEP" == 1 ]]; then
    echo "run.sh: merging inputs of $t that add coverage into tests/fuzz/corpus/$t"
    nice -n "$FUZZ_NICE" "$FUZZ_BUILD/tests/fuzz/${t}_fuzzer" -merge=1 -max_len="$(max_len "$t")" \
      "tests/fuzz/corpus/$t" "$work/corpus" >>"$log" 2>&1
  fi
done

echo
echo "run.sh: summary ($(git rev-parse --short HEAD), $MINUTES min per target)"
printf '  %s\n' "${summary[@]}"
