#!/usr/bin/env bash
# The "main job": installs missing Debian packages, builds, and starts the
# moderation service (moderationd) on its default rules (rules/), in the
# foreground: gRPC on 127.0.0.1:50051, /metrics, /healthz and /readyz on
# 127.0.0.1:9464. Stop it with Ctrl-C (a graceful shutdown). Extra arguments
# are passed to moderationd (e.g. --listen=0.0.0.0:50051).
#
#   scripts/run.sh                         build, then serve
#   RUN_MODE=check scripts/run.sh          build, then `modctl check` two sample posts
#   RUN_MODE=check scripts/run.sh "text"   build, then check the given text(s)
#
# Environment: BUILD_DIR (default build), RULES_DIR (default rules),
# RUN_MODE (default server), and everything scripts/build.sh reads. The
# Hyperscan database cache lives in $BUILD_DIR/cache, so only the first start
# compiles the rules.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

BUILD_DIR="${BUILD_DIR:-build}"
RULES_DIR="${RULES_DIR:-rules}"
RUN_MODE="${RUN_MODE:-server}"
MODERATIOND="$BUILD_DIR/server/moderationd"
MODCTL="$BUILD_DIR/server/modctl/modctl"

SAMPLES=(
  # Abusive, with evasions: leetspeak, a compound and a Cyrillic "а" (Lаckaffe).
  "Du bist so ein V0ll1d10t, du Oberblödmann! Halt die Klappe, du Lаckaffe."
  # Civil, with harmless look-alike words.
  "Danke für den Hinweis! In unserer Nachbarschaft ist die Tischlampe wieder heil."
)

check_text() {
  local text="$1" rc=0
  printf '\n=== modctl check: %s\n' "$text"
  "$MODCTL" check --rules "$RULES_DIR/" "$text" </dev/null || rc=$?
  # modctl check exits 0 whenever the text was judged, whatever the decision;
  # 1 means the rules failed to load or the text is invalid, 2 a usage error.
  if [[ $rc -ne 0 ]]; then
    echo "run: modctl check failed with exit code $rc" >&2
    return "$rc"
  fi
}

main_job() {
  case "$RUN_MODE" in
    check)
      if [[ $# -gt 0 ]]; then
        for text in "$@"; do check_text "$text"; done
      else
        for text in "${SAMPLES[@]}"; do check_text "$text"; done
      fi
      ;;
    server)
      echo "run: starting moderationd on $RULES_DIR/ (Ctrl-C stops it)" >&2
      echo "run: try it: /usr/bin/python3 examples/python_client.py --gen $BUILD_DIR/proto/python --community news-de \"Du Oberblödmann!\"" >&2
      exec "$MODERATIOND" --rules="$RULES_DIR" --cache_dir="$BUILD_DIR/cache" "$@"
      ;;
    *)
      echo "run: unknown RUN_MODE '$RUN_MODE' (supported: server, check)" >&2
      return 2
      ;;
  esac
}

bash "$ROOT/scripts/build.sh"
if [[ ! -x "$MODCTL" ]]; then
  echo "run: $MODCTL was not built" >&2
  exit 1
fi
main_job "$@"
