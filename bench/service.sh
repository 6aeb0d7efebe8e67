#!/usr/bin/env bash
# The service part of bench/run.sh: starts the bare gRPC echo server and
# moderationd (default rules) side by side on the server CPUs, and drives
# both with loadgen from the client CPUs, alternating echo and moderationd
# within every repetition so drift on a noisy host hits both alike.
#
# Scenarios (the names the report uses):
#   unary-closed      Moderate, closed loop, 16 calls in flight (maximum QPS)
#   batch-closed      ModerateBatch of 32 posts, 4 calls in flight
#   stream-closed     ModerateStream, 256 posts in flight on one stream
#   unary-c1          Moderate, one call in flight (latency without queueing)
#   unary-open-50pct  Moderate, open loop at half of moderationd's median
#                     unary-closed QPS; latency from the scheduled send time
#   pulse-ab          Moderate, closed loop, 16 calls in flight, against
#                     moderationd with the community pulse on (label
#                     pulse-on, the default) and a second one started with
#                     --pulse=false (pulse-off); the order alternates with
#                     each repetition (issue 12: on and off side by side)
#
# Appends one JSON object per loadgen run to $RUN_DIR/service.jsonl.
# Environment (set by bench/run.sh): BUILD_DIR RUN_DIR REPS LOAD_SECONDS
# WARMUP SERVER_CPUS CLIENT_CPUS THREADS; optional RULES_CACHE (the Hyperscan
# cache, default $BUILD_DIR/cache), POST_BYTES (1024) and ABUSIVE_EVERY (20).
set -euo pipefail

: "${BUILD_DIR:?}" "${RUN_DIR:?}" "${REPS:?}" "${LOAD_SECONDS:?}" "${WARMUP:?}"
SERVER_CPUS="${SERVER_CPUS:-0}"
CLIENT_CPUS="${CLIENT_CPUS:-1}"
THREADS="${THREADS:-2}"
RULES_CACHE="${RULES_CACHE:-$BUILD_DIR/cache}"
# Every run sends the same pool: 1 KiB German posts (as the engine
# benchmarks' headline size), one in 20 opening with an insult, so the
# answers carry matches as real traffic does (the echo server answers ALLOW
# to all of them).
POST_BYTES="${POST_BYTES:-1024}"
ABUSIVE_EVERY="${ABUSIVE_EVERY:-20}"
PY=/usr/bin/python3
LOADGEN="$BUILD_DIR/bench/loadgen"
OUT="$RUN_DIR/service.jsonl"
: >"$OUT"

# shellcheck source=bench/pin.sh
source "$(dirname "${BASH_SOURCE[0]}")/pin.sh"
mapfile -t SERVER_PIN < <(pin_prefix "$SERVER_CPUS")
mapfile -t CLIENT_PIN < <(pin_prefix "$CLIENT_CPUS")

pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT

# wait_port FILE: the gRPC port from a --port_file, once the server wrote it.
wait_port() {
  local file="$1" i
  for ((i = 0; i < 3000; i++)); do
    if [[ -s "$file" ]]; then
      "$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["grpc"])' "$file" && return 0
    fi
    sleep 0.1
  done
  echo "service: no port in $file after 300 s" >&2
  return 1
}

rm -f "$RUN_DIR/echo.port" "$RUN_DIR/moderationd.port" "$RUN_DIR/moderationd-pulse-off.port"
"${SERVER_PIN[@]}" "$BUILD_DIR/bench/echo_server" --listen 127.0.0.1:0 --threads "$THREADS" \
  --port_file "$RUN_DIR/echo.port" 2>"$RUN_DIR/echo.log" &
pids+=($!)
"${SERVER_PIN[@]}" "$BUILD_DIR/server/moderationd" --rules rules --cache_dir "$RULES_CACHE" \
  --listen 127.0.0.1:0 --metrics_listen 127.0.0.1:0 --threads "$THREADS" --log_level warning \
  --port_file "$RUN_DIR/moderationd.port" 2>"$RUN_DIR/moderationd.log" &
pids+=($!)
ECHO_PORT="$(wait_port "$RUN_DIR/echo.port")"
MOD_PORT="$(wait_port "$RUN_DIR/moderationd.port")"
# The same server without the community pulse, for pulse-ab only; started
# once the first is up, so it loads the rules from the cache the first one
# wrote instead of compiling them on the same CPU at the same time.
"${SERVER_PIN[@]}" "$BUILD_DIR/server/moderationd" --rules rules --cache_dir "$RULES_CACHE" \
  --listen 127.0.0.1:0 --metrics_listen 127.0.0.1:0 --threads "$THREADS" --log_level warning \
  --pulse=false --port_file "$RUN_DIR/moderationd-pulse-off.port" \
  2>"$RUN_DIR/moderationd-pulse-off.log" &
pids+=($!)
OFF_PORT="$(wait_port "$RUN_DIR/moderationd-pulse-off.port")"
echo "service: echo on :$ECHO_PORT, moderationd on :$MOD_PORT (pulse off: :$OFF_PORT; CPUs $SERVER_CPUS), loadgen on CPUs $CLIENT_CPUS"

# load SCENARIO LABEL PORT REP loadgen-args...: one run, its RESULT line
# tagged with scenario and repetition.
load() {
  local scenario="$1" label="$2" port="$3" rep="$4" line
  shift 4
  line="$("${CLIENT_PIN[@]}" "$LOADGEN" --target "127.0.0.1:$port" --label "$label" \
    --seconds "$LOAD_SECONDS" --warmup "$WARMUP" --post_bytes "$POST_BYTES" \
    --abusive_every "$ABUSIVE_EVERY" "$@" | tee -a /dev/stderr | grep '^RESULT ' | tail -1)"
  [[ -n "$line" ]] || { echo "service: loadgen printed no RESULT ($scenario, $label)" >&2; return 1; }
  "$PY" -c 'import json,sys; r=json.loads(sys.argv[1]); r.update(scenario=sys.argv[2], rep=int(sys.argv[3])); print(json.dumps(r))' \
    "${line#RESULT }" "$scenario" "$rep" >>"$OUT"
}

both() { # both SCENARIO REP args...: echo then moderationd
  local scenario="$1" rep="$2"
  shift 2
  load "$scenario" echo "$ECHO_PORT" "$rep" "$@"
  load "$scenario" moderationd "$MOD_PORT" "$rep" "$@"
}

pulse_ab() { # pulse_ab REP: the pulse on and off, the order alternating by repetition
  local rep="$1" args=(--rpc moderate --loop closed --concurrency 16)
  if ((rep % 2)); then
    load pulse-ab pulse-on "$MOD_PORT" "$rep" "${args[@]}"
    load pulse-ab pulse-off "$OFF_PORT" "$rep" "${args[@]}"
  else
    load pulse-ab pulse-off "$OFF_PORT" "$rep" "${args[@]}"
    load pulse-ab pulse-on "$MOD_PORT" "$rep" "${args[@]}"
  fi
}

for ((rep = 1; rep <= REPS; rep++)); do
  echo "service: repetition $rep of $REPS"
  both unary-closed "$rep" --rpc moderate --loop closed --concurrency 16
  both batch-closed "$rep" --rpc batch --batch 32 --loop closed --concurrency 4
  both stream-closed "$rep" --rpc stream --loop closed --window 256
  both unary-c1 "$rep" --rpc moderate --loop closed --concurrency 1
  pulse_ab "$rep"
done

# Half of moderationd's maximum unary QPS, measured above.
RATE="$("$PY" - "$OUT" <<'EOF'
import json, statistics, sys
qps = [r["qps"] for r in map(json.loads, open(sys.argv[1]))
       if r.get("scenario") == "unary-closed" and r.get("label") == "moderationd"]
print(int(statistics.median(qps) / 2) if qps else 0)
EOF
)"
if [[ "$RATE" -le 0 ]]; then
  echo "service: no unary-closed result to derive the half-load rate from" >&2
  exit 1
fi
echo "service: open loop at $RATE requests/s (half of moderationd's maximum)"
for ((rep = 1; rep <= REPS; rep++)); do
  both unary-open-50pct "$rep" --rpc moderate --loop open --rate "$RATE"
done
