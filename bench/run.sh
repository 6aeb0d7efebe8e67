#!/usr/bin/env bash
# The benchmark harness, one command: builds in Release mode, runs the engine
# microbenchmarks, the community pulse's per-post cost, the service load
# tests against moderationd (with the pulse on and off) and a bare gRPC echo
# server, and the npm peers on the same corpus, then writes
# bench/results/<date>-<machine>-<size>.md and .json.
#
#   bench/run.sh [small|default|full]        (default: default)
#
#   small    what CI runs as a smoke test (never asserts timings). It took
#            441 s in CI's RelWithDebInfo build on 2 cores while it compiled
#            rules/ three times (engine set, reload warm-up, servers; the
#            first two are one compile now even without a cache); with a
#            warm BENCH_RULES_CACHE, as scripts/test.sh runs it, none of them
#   default  about 9 min: up to 10,000 rules, 5 repetitions, 5 s load runs
#   full     about 19 min: adds 50,000 rules, 10 s load runs, the 50,000-post corpus
# (times measured on an existing Release build; the first run also builds it).
#
# Environment:
#   BENCH_BUILD_DIR    build directory (default build-release)
#   BENCH_BUILD_TYPE   CMake build type (default Release)
#   BENCH_OUT_DIR      where the report goes (default bench/results)
#   BENCH_SERVER_CPUS  CPUs for the servers, taskset list (default 0)
#   BENCH_CLIENT_CPUS  CPUs for loadgen (default 1)
#   BENCH_THREADS      --threads for both servers (default 2)
#   BENCH_PARTS        which parts to run (default "engine pulse service peers")
#   BENCH_RULES_CACHE  Hyperscan cache for the shipped rules, shared by the
#                      engine's default-rules benchmarks and the servers
#                      (default <build dir>/cache; scripts/test.sh passes the
#                      tests' cache, which ctest has filled). A cold compile
#                      of rules/ is never part of a timed figure; the peers
#                      part measures its own in an empty cache.
#
# Every part runs even if an earlier one failed; the report says what is
# missing and the script exits 1 if any part failed.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

SIZE="${1:-${BENCH_SIZE:-default}}"
BUILD_DIR="${BENCH_BUILD_DIR:-build-release}"
BUILD_TYPE="${BENCH_BUILD_TYPE:-Release}"
OUT_DIR="${BENCH_OUT_DIR:-bench/results}"
SERVER_CPUS="${BENCH_SERVER_CPUS:-0}"
CLIENT_CPUS="${BENCH_CLIENT_CPUS:-1}"
THREADS="${BENCH_THREADS:-2}"
PARTS="${BENCH_PARTS:-engine pulse service peers}"
RULES_CACHE="${BENCH_RULES_CACHE:-$ROOT/$BUILD_DIR/cache}"
PY=/usr/bin/python3 # Debian's python; `python3` on PATH may be another one

# PULSE_FILTER: the pulse benchmarks run (1,000 communities take a few
# seconds to warm up, so small leaves them out).
case "$SIZE" in
  small) REPS=2 MIN_TIME=0.05 LOAD_SECONDS=1 WARMUP=0.5 PEER_REPEAT=1 PULSE_FILTER='communities:100$' ;;
  default) REPS=5 MIN_TIME=0.5 LOAD_SECONDS=5 WARMUP=1 PEER_REPEAT=3 PULSE_FILTER='communities:(100|1000)$' ;;
  full) REPS=5 MIN_TIME=1 LOAD_SECONDS=10 WARMUP=2 PEER_REPEAT=3 PULSE_FILTER='communities:(100|1000)$' ;;
  *)
    echo "usage: bench/run.sh [small|default|full]" >&2
    exit 2
    ;;
esac

RUN_DIR="$ROOT/$BUILD_DIR/bench-run/$SIZE-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$RUN_DIR"
LOG() { printf '\nbench: %s\n' "$*"; }

failed=()
part() { # part NAME function: runs a part, records a failure, never aborts
  local name="$1" rc=0
  shift
  [[ " $PARTS " == *" $name "* ]] || { LOG "$name: skipped (BENCH_PARTS)"; return 0; }
  LOG "===== $name"
  "$@" </dev/null || rc=$?
  if [[ $rc -ne 0 ]]; then
    failed+=("$name")
    LOG "$name: FAILED (exit $rc)"
  fi
}

# shellcheck source=bench/pin.sh
source "$ROOT/bench/pin.sh"
mapfile -t ENGINE_PIN < <(pin_prefix "$SERVER_CPUS")

build() {
  BUILD_DIR="$BUILD_DIR" BUILD_TYPE="$BUILD_TYPE" \
    BUILD_TARGETS="engine_bench pulse_bench loadgen echo_server moderationd modctl" bash scripts/build.sh
}

machine_info() {
  BUILD_DIR="$BUILD_DIR" BUILD_TYPE="$BUILD_TYPE" SIZE="$SIZE" SERVER_CPUS="$SERVER_CPUS" \
    CLIENT_CPUS="$CLIENT_CPUS" THREADS="$THREADS" "$PY" bench/machine_info.py >"$RUN_DIR/machine.json"
}

engine() {
  MODERATION_BENCH_SIZE="$SIZE" MODERATION_BENCH_RULES_CACHE="$RULES_CACHE" \
    "${ENGINE_PIN[@]}" "$BUILD_DIR/bench/engine_bench" \
    --benchmark_repetitions="$REPS" --benchmark_min_time="$MIN_TIME" \
    --benchmark_out="$RUN_DIR/engine.json" --benchmark_out_format=json
}

# The pulse's whole per-post path (issue 12: at most 1 us per post on top
# of Evaluate), the Record and ObserveActivity parts of it, and the memory
# of 10,000 communities (pulse_memory: about 0.8 GB held while it runs).
pulse() {
  "${ENGINE_PIN[@]}" "$BUILD_DIR/bench/pulse_bench" \
    --benchmark_filter="^((pulse_per_post|pulse_record|pulse_observe_activity)/$PULSE_FILTER|pulse_memory/)" \
    --benchmark_repetitions="$REPS" --benchmark_min_time="$MIN_TIME" \
    --benchmark_out="$RUN_DIR/pulse.json" --benchmark_out_format=json
}

service() {
  BUILD_DIR="$BUILD_DIR" RULES_CACHE="$RULES_CACHE" RUN_DIR="$RUN_DIR" REPS="$REPS" LOAD_SECONDS="$LOAD_SECONDS" \
    WARMUP="$WARMUP" SERVER_CPUS="$SERVER_CPUS" CLIENT_CPUS="$CLIENT_CPUS" THREADS="$THREADS" \
    bash bench/service.sh
}

peers() {
  SIZE="$SIZE" MODCTL="$ROOT/$BUILD_DIR/server/modctl/modctl" OUT_JSON="$RUN_DIR/peers.json" \
    REPEAT="$PEER_REPEAT" bash bench/peers/run.sh
}

report() {
  local machine name
  machine="$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["machine_id"])' "$RUN_DIR/machine.json")"
  name="$(date +%Y-%m-%d)-$machine-$SIZE"
  "$PY" bench/report.py --run "$RUN_DIR" --out "$OUT_DIR/$name"
}

LOG "===== build"
if ! build </dev/null; then
  echo "bench: the build failed; nothing to measure" >&2
  exit 1
fi
machine_info
part engine engine
part pulse pulse
part service service
part peers peers
report
if [[ ${#failed[@]} -ne 0 ]]; then
  echo "bench: FAILED parts: ${failed[*]} (raw outputs in $RUN_DIR)" >&2
  exit 1
fi
echo "bench: done (raw outputs in $RUN_DIR)"
