#!/usr/bin/env bash
# The "main job": installs missing Debian packages, builds, and runs the
# moderation engine on its default rules (rules/).
#
# For now (until the gRPC server exists) it checks two sample posts with
# `modctl check` and prints the decisions with their explanations. When the
# server lands, add a "server" case to main_job() below and make it the
# default; everything before it stays the same.
#
#   scripts/run.sh                 build, then check the sample posts
#   scripts/run.sh "some text"     build, then check the given text(s) instead
#
# Environment: BUILD_DIR (default build), RULES_DIR (default rules),
# RUN_MODE (default check), and everything scripts/build.sh reads.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

BUILD_DIR="${BUILD_DIR:-build}"
RULES_DIR="${RULES_DIR:-rules}"
RUN_MODE="${RUN_MODE:-check}"
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
    # server)  # planned: start the gRPC service on the default rules, e.g.
    #   exec "$BUILD_DIR/server/<server binary>" --rules "$RULES_DIR/" ;;
    *)
      echo "run: unknown RUN_MODE '$RUN_MODE' (supported: check)" >&2
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
