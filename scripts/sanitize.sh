#!/usr/bin/env bash
# Builds tests with sanitizers in their own build directory and runs them
# (issue 11 §4). gcc, ccache when present, and a build directory per mode, so
# the normal build/ is never touched and a rerun recompiles only what changed.
#
#   scripts/sanitize.sh asan-engine   ASan+UBSan: the engine's unit tests,
#                                     then every seed and past crash input of
#                                     the engine's fuzz targets (normalizer,
#                                     rule_loader, moderate; tests/fuzz)
#   scripts/sanitize.sh asan          ASan+UBSan: every C++ test (unit and
#                                     integration, all four fuzz replays
#                                     included); builds the whole tree
#
# Environment:
#   SANITIZE_JOBS   parallel build jobs (default: nproc)
#   SANITIZE_ROOT   parent of the build directories (default: the checkout);
#                   each mode builds into $SANITIZE_ROOT/build-<mode>
#   MODERATION_FUZZ_CACHE  Hyperscan cache the moderate replay loads the
#                   shipped rules from (default: inside the build directory,
#                   so a cold one compiles them first); scripts/test.sh
#                   passes its build's warm cache
#
# Timing of a cold asan-engine run on the shared 2-core host (fresh build
# directory, CCACHE_DISABLE=1 as on a new CI clone, SANITIZE_JOBS=2, normal
# priority, 2026-12-03 06:33 to 07:16 UTC, beside other sessions' builds and
# valgrind runs: load average 3.9 to 11.3, mean 8.3). Seconds since the
# start when each binary had been built; each then passed in 0 to 5 s:
#   configure 2, engine_util_test 12, engine_text_test 268,
#   engine_rules_test 782, engine_match_test 1046, engine_policy_test 1104,
#   engine_test 1974, statement_of_reasons_test 2032; replays: normalizer
#   (33 inputs) 2110, rule_loader (18) 2181, moderate (164) 2236, which then
#   took 298 s to compile the shipped rules into its cold cache (0.4 s to
#   replay). Passed in 2534 s wall.
# CPU (/usr/bin/time): 1617 s user + 63 s system = 1680 s. On an idle
# 2-core machine that is at least 14 minutes (both cores busy throughout),
# about 12.5 with a warm rules cache; over the ~8 minutes CI can spend on
# it (the whole scripts/test.sh takes ~24 minutes cold and should stay under
# 30), so scripts/test.sh runs it only with TEST_SANITIZERS=1.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

MODE="${1:-asan-engine}"
JOBS="${SANITIZE_JOBS:-$(nproc)}"
BUILD_DIR="${SANITIZE_ROOT:-$ROOT}/build-$MODE"

# UBSan findings abort like ASan's, so a test fails on any of them. gcc 12
# reports false -Wrestrict/-Wstringop-overflow/-Wmaybe-uninitialized/
# -Warray-bounds warnings in libstdc++ code under -fsanitize (char_traits
# memcpy "accessing 9223372036854775810 or more bytes"); the normal build
# keeps them as errors.
ASAN_FLAGS="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer \
-Wno-restrict -Wno-stringop-overflow -Wno-maybe-uninitialized -Wno-array-bounds"
ENGINE_TESTS=(engine_util_test engine_text_test engine_rules_test engine_match_test
  engine_policy_test engine_test statement_of_reasons_test)
# The fuzz targets that link only the engine (tests/fuzz): their corpora and
# every past crash input, replayed like CTest's fuzz_replay.<target>.
ENGINE_FUZZ_TARGETS=(normalizer rule_loader moderate)

case "$MODE" in
  asan-engine | asan)
    FLAGS="$ASAN_FLAGS"
    ;;
  *)
    echo "sanitize: unknown mode '$MODE' (asan-engine or asan)" >&2
    exit 2
    ;;
esac

LAUNCHER=()
if command -v ccache >/dev/null 2>&1; then
  LAUNCHER=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
  export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$ROOT}"
fi

# run_binary NAME [ARGS...]: runs the test binary NAME of the build.
run_binary() {
  local name="$1" binary
  shift
  binary="$(find "$BUILD_DIR" -name "$name" -type f -perm -u+x -not -path '*/CMakeFiles/*' | head -1)"
  [[ -n "$binary" ]] || { echo "sanitize: $name was not built" >&2; return 1; }
  echo "sanitize: running $name ($((SECONDS - start)) s)"
  "$binary" "$@"
}

build() { # build TARGET...
  echo "sanitize: building $* ($((SECONDS - start)) s)"
  cmake --build "$BUILD_DIR" --parallel "$JOBS" --target "$@"
}

asan_engine() {
  # Test binary by test binary, lowest module first, so a finding in a lower
  # layer shows before the upper ones are built. The binaries themselves run:
  # ctest names tests by suite, not by binary.
  local name target
  for name in "${ENGINE_TESTS[@]}"; do
    build "$name"
    run_binary "$name" --gtest_brief=1
  done
  # Every seed and past crash input of the engine's fuzz targets: the gcc
  # build replays them in CTest too, but only here does a memory error in one
  # of them fail.
  for target in "${ENGINE_FUZZ_TARGETS[@]}"; do
    build "${target}_fuzz_replay"
    run_binary "${target}_fuzz_replay" "tests/fuzz/corpus/$target" "tests/fuzz/regressions/$target"
  done
}

asan_all() {
  echo "sanitize: building everything with $JOBS job(s)"
  cmake --build "$BUILD_DIR" --parallel "$JOBS"
  ctest --test-dir "$BUILD_DIR" --output-on-failure -j "$JOBS" --timeout 600 --no-tests=error
}

start=$SECONDS
echo "sanitize: configuring $BUILD_DIR ($MODE)"
cmake -G Ninja -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS="$FLAGS" \
  -DCMAKE_EXE_LINKER_FLAGS="$FLAGS" -DCMAKE_SHARED_LINKER_FLAGS="$FLAGS" \
  ${LAUNCHER[@]+"${LAUNCHER[@]}"} >/dev/null
echo "sanitize: configured ($((SECONDS - start)) s)"
# detect_leaks: the tests must not leak either. halt_on_error: the first
# finding fails the test that caused it.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:halt_on_error=1:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
case "$MODE" in
  asan-engine) asan_engine ;;
  asan) asan_all ;;
esac
echo "sanitize: $MODE passed in $((SECONDS - start)) s"
