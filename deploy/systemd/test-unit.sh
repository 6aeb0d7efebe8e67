#!/usr/bin/env bash
# Checks deploy/systemd/moderationd.service without a running systemd:
#   - `systemd-analyze verify` in a root that holds the unit, the server
#     binary at its ExecStart path and the host's own units, must print
#     nothing (unknown keys, bad values and missing binaries all print);
#   - `systemd-analyze security --offline` must rate the sandbox at most
#     MAX_EXPOSURE (systemd's 0-10 scale, 10 = unprotected);
#   - the hardening the issue asks for is spelt out in the unit;
#   - a unit with a misspelt key fails the same check, so a pass means
#     something.
# It cannot start the unit: that needs systemd as PID 1, which this machine
# (a container) does not run; deploy/systemd/test-in-container.sh does that
# in a podman container (minutes, so not in CI).
#
#   bash deploy/systemd/test-unit.sh [--root DIR]
#
# --root DIR: verify the unit inside an unpacked Debian package instead of
# the source tree's unit and build/server/moderationd.
# Environment: MODERATIOND (default build/server/moderationd), MAX_EXPOSURE
# (default 2.0).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
MODERATIOND="${MODERATIOND:-$repo/build/server/moderationd}"
MAX_EXPOSURE="${MAX_EXPOSURE:-2.0}"
UNIT=moderationd.service
package_root=""
if [[ "${1:-}" == "--root" ]]; then package_root="$2"; fi

fail() { echo "test-unit: FAIL: $*" >&2; exit 1; }
command -v systemd-analyze >/dev/null || fail "systemd-analyze not found (Debian package systemd)"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# A root for `verify --root`: the host's units (sysinit.target and friends,
# which every service depends on), /bin/kill for ExecReload, and the unit
# with its binary, from the package or from the tree.
make_root() { # make_root DIR UNIT_FILE
  local root="$1"
  mkdir -p "$root/lib/systemd/system" "$root/usr/bin" "$root/bin" "$root/etc/moderationd/rules"
  cp -r /lib/systemd/system/. "$root/lib/systemd/system/"
  cp /bin/kill "$root/bin/kill"
  if [[ -n "$package_root" ]]; then
    cp -a "$package_root/." "$root/"
  else
    [[ -x "$MODERATIOND" ]] || fail "no server binary at $MODERATIOND (build it, or set MODERATIOND)"
    cp "$MODERATIOND" "$root/usr/bin/moderationd"
    cp "$2" "$root/lib/systemd/system/$UNIT"
  fi
}

verify_output() { # verify_output ROOT: everything verify says
  systemd-analyze verify --root="$1" "$UNIT" 2>&1 || echo "(exit $?)"
}

root="$work/root"
make_root "$root" "$here/$UNIT"
out="$(verify_output "$root")"
[[ -z "$out" ]] || fail "systemd-analyze verify:"$'\n'"$out"
echo "test-unit: systemd-analyze verify: clean"

exposure="$(systemd-analyze security --offline=yes --root="$root" "$UNIT" 2>&1 |
  sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')"
[[ -n "$exposure" ]] || fail "systemd-analyze security printed no exposure level"
awk -v e="$exposure" -v m="$MAX_EXPOSURE" 'BEGIN { exit !(e <= m) }' ||
  fail "exposure $exposure is above $MAX_EXPOSURE"
echo "test-unit: systemd-analyze security: exposure $exposure (at most $MAX_EXPOSURE)"

unit_file="$root/lib/systemd/system/$UNIT"
for setting in DynamicUser=yes ProtectSystem=strict NoNewPrivileges=yes \
               'SystemCallFilter=@system-service' 'ReadOnlyPaths=/etc/moderationd/rules' \
               CacheDirectory=moderationd 'ExecReload=/bin/kill -HUP $MAINPID' \
               'CapabilityBoundingSet=' PrivateDevices=yes; do
  grep -qxF "$setting" "$unit_file" || fail "$UNIT lacks '$setting'"
done
grep -q '^ExecStart=/usr/bin/moderationd .*--rules=/etc/moderationd/rules' "$unit_file" ||
  fail "ExecStart does not run /usr/bin/moderationd on /etc/moderationd/rules"
echo "test-unit: required settings present"

# The check itself must be able to fail.
broken="$work/broken"
make_root "$broken" "$here/$UNIT"
sed -i 's/^ProtectSystem=strict/ProtectSytem=strict/' "$broken/lib/systemd/system/$UNIT"
out="$(verify_output "$broken")"
[[ "$out" == *"Unknown key 'ProtectSytem'"* ]] || fail "a misspelt key went unnoticed: '$out'"
echo "test-unit: a misspelt key is reported"
echo "test-unit: ok"
