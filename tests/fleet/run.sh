#!/usr/bin/env bash
# The multi-replica test (fleet_test.py): 3 moderationd replicas behind
# HAProxy, under load, through SIGKILL + restart, rolling rule changes and
# SIGTERM drains.
#
#   bash tests/fleet/run.sh [short|full] [extra fleet_test.py arguments]
#
# short (CI, scripts/test.sh): one round, 1 s of load between events, about
#   15-25 s in all.
# full: 6 rounds (each replica killed and drained twice, 6 rollouts), 5 s of
#   load between events, more clients; about 4 minutes (359,062 posts in one
#   run on the shared 2-core machine).
#
# Environment: BUILD_DIR (default build), HAPROXY (default haproxy).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
BUILD_DIR="${BUILD_DIR:-$repo/build}"
form="${1:-short}"
[[ $# -gt 0 ]] && shift

case "$form" in
  short) args=(--rounds 1 --phase-seconds 1 --unary-workers 4 --stream-workers 2) ;;
  full) args=(--rounds 6 --phase-seconds 5 --unary-workers 8 --stream-workers 4) ;;
  *) echo "usage: $0 [short|full] [fleet_test.py arguments]" >&2; exit 2 ;;
esac
command -v "${HAPROXY:-haproxy}" >/dev/null || { echo "run.sh: haproxy not found (Debian package haproxy)" >&2; exit 2; }

# The check logic first: it must catch lost, unversioned and stale answers.
/usr/bin/python3 "$here/fleet_check_test.py"

# The integration tests' Hyperscan cache: the rules compile once per build.
cache="$BUILD_DIR/tests/moderationd_test_cache"
mkdir -p "$cache"
exec /usr/bin/python3 "$here/fleet_test.py" --server "$BUILD_DIR/server/moderationd" \
  --gen "$BUILD_DIR/proto/python" --rules "$repo/rules" --cache-dir "$cache" \
  --haproxy "${HAPROXY:-haproxy}" "${args[@]}" "$@"
