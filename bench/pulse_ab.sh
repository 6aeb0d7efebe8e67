#!/usr/bin/env bash
# Moderate with the community pulse on and off, side by side (issue 12):
# starts moderationd with --pulse=true and --pulse=false in turn (the order
# alternates each round, the host drifts), drives each with loadgen
# (closed loop, unary Moderate) and prints one line per run.
#
#   BUILD_DIR=build ROUNDS=3 SECONDS_PER_RUN=5 bash bench/pulse_ab.sh
#
# Needs build/server/moderationd and build/bench/loadgen. Uses 127.0.0.1
# with ephemeral ports only.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${BUILD_DIR:-$ROOT/build}"
[[ "$BUILD" = /* ]] || BUILD="$ROOT/$BUILD"
ROUNDS="${ROUNDS:-3}"
SECONDS_PER_RUN="${SECONDS_PER_RUN:-5}"
CACHE="${MODERATIOND_CACHE_DIR:-$BUILD/tests/moderationd_test_cache}"

run() {
  local pulse="$1" dir pid port result
  dir="$(mktemp -d)"
  "$BUILD/server/moderationd" --listen=127.0.0.1:0 --metrics_listen=127.0.0.1:0 \
    --rules="$ROOT/rules" --cache_dir="$CACHE" --port_file="$dir/ports.json" \
    --pulse="$pulse" --log_level=error 2>"$dir/stderr" &
  pid=$!
  for _ in $(seq 1 600); do [[ -s "$dir/ports.json" ]] && break; sleep 0.1; done
  port="$(/usr/bin/python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['grpc'])" "$dir/ports.json")"
  result="$("$BUILD/bench/loadgen" --target "127.0.0.1:$port" --rpc moderate --concurrency 16 \
    --seconds "$SECONDS_PER_RUN" 2>/dev/null | sed -n 's/^RESULT //p')"
  kill "$pid"
  wait "$pid" 2>/dev/null || true
  rm -rf "$dir"
  /usr/bin/python3 -c 'import json,sys; r=json.loads(sys.argv[2]); print("pulse=%-5s qps=%8.1f p50_us=%6d p99_us=%6d" % (sys.argv[1], r["qps"], r["p50_us"], r["p99_us"]))' "$pulse" "$result"
}

for round in $(seq 1 "$ROUNDS"); do
  if (( round % 2 )); then order="true false"; else order="false true"; fi
  for pulse in $order; do
    printf 'round=%d ' "$round"
    run "$pulse"
  done
done
