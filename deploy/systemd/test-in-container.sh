#!/usr/bin/env bash
# Runs the packaged unit under a real systemd (PID 1 in a podman container),
# which test-unit.sh cannot do on a machine without systemd:
#   1. mmdebstrap: Debian 12 with systemd and the moderationd package (its
#      postinst enables the unit, as on a real host);
#   2. podman runs /lib/systemd/systemd as the container's init, without
#      network access;
#   3. checks: systemd started the unit at boot; it runs as a dynamic user
#      (not root) inside the sandbox (SystemCallFilter, MemoryDenyWriteExecute,
#      ProtectSystem=strict ...) and logs `serving` with ready=true; the cache
#      directory belongs to that user; `systemctl reload` reloads the rules
#      (SIGHUP); `systemctl stop` drains and exits 0.
#
#   bash deploy/systemd/test-in-container.sh
#
# Needs root, mmdebstrap, podman, runc and a Debian mirror; takes a few
# minutes (mostly mmdebstrap), so it is not a step of scripts/test.sh.
# Environment: BUILD_DIR (default build; the package is built if missing).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BUILD_DIR="${BUILD_DIR:-$repo/build}"
fail() { echo "test-in-container: FAIL: $*" >&2; exit 1; }
for tool in mmdebstrap podman runc; do command -v "$tool" >/dev/null || fail "$tool not found"; done

shopt -s nullglob
debs=("$BUILD_DIR"/package/moderationd_*.deb)
if [[ ${#debs[@]} -eq 0 ]]; then
  cpack -G DEB --config "$BUILD_DIR/CPackConfig.cmake" -B "$BUILD_DIR/package" >/dev/null
  debs=("$BUILD_DIR"/package/moderationd_*.deb)
fi
[[ ${#debs[@]} -eq 1 ]] || fail "expected one package in $BUILD_DIR/package"
deb="$(readlink -f "${debs[0]}")"

work="$(mktemp -d)"
tag="localhost/moderationd-systemd-test:$$"
name="moderationd-systemd-test-$$"
cleanup() {
  podman rm -f "$name" >/dev/null 2>&1 || true
  podman rmi -f "$tag" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

cat /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null >"$work/sources" || true
mmdebstrap --mode=root --variant=essential --format=tar --aptopt='APT::Install-Recommends "false"' \
  --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/man/*' \
  --dpkgopt='path-exclude=/usr/share/locale/*' \
  --include=systemd,systemd-sysv,dbus,procps \
  --hook-dir=/usr/share/mmdebstrap/hooks/file-mirror-automount --include="$deb" \
  bookworm "$work/root.tar" - <"$work/sources"
podman import "$work/root.tar" "$tag" >/dev/null

# runc and lowered rlimits: this machine is itself a container (see
# deploy/container/test-image.sh).
podman --runtime runc run -d --name "$name" --systemd=always --network=none \
  --ulimit nofile=4096:4096 --ulimit nproc=4096:4096 "$tag" /lib/systemd/systemd >/dev/null
inside() { podman exec "$name" "$@"; }
journal() { inside journalctl -u moderationd --no-pager -o cat; }
wait_for() { # wait_for WHAT COMMAND...: up to 180 s
  local what="$1"; shift
  for _ in $(seq 1 1800); do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done
  journal >&2 || true
  fail "timed out waiting for $what"
}

# "degraded" is fine: some units of a full system fail in a container.
wait_for "systemd to boot" sh -c "podman exec $name systemctl is-system-running | grep -qxE 'running|degraded'"
[[ "$(inside systemctl is-enabled moderationd)" == enabled ]] || fail "the package did not enable the unit"
wait_for "the serving event" sh -c "podman exec $name journalctl -u moderationd -o cat | grep -q '\"event\":\"serving\".*\"ready\":true'"
# Numeric ids: a dynamic user has a name only while nss-systemd serves it.
user="$(inside ps -o uid= -C moderationd | tr -d ' ')"
[[ -n "$user" && "$user" != 0 ]] || fail "moderationd runs as uid '$user'"
owner="$(inside stat -c %u /var/cache/private/moderationd)"
[[ "$owner" == "$user" ]] || fail "the cache belongs to uid $owner, the service runs as uid $user"
echo "test-in-container: started at boot, serving, as dynamic uid $user; cache owned by it"

inside systemctl reload moderationd
wait_for "a second rules_loaded event (SIGHUP)" sh -c \
  "[ \$(podman exec $name journalctl -u moderationd -o cat | grep -c '\"event\":\"rules_loaded\"') -ge 2 ]"
journal | grep '"event":"reload_triggered","reason":"SIGHUP"' >/dev/null || fail "no SIGHUP reload in the log"
echo "test-in-container: systemctl reload reloaded the rules"

inside systemctl stop moderationd
result="$(inside systemctl show moderationd -p Result --value) $(inside systemctl show moderationd -p ExecMainStatus --value)"
[[ "$result" == "success 0" ]] || { journal >&2; fail "stop gave '$result'"; }
journal | grep '"event":"stopped"' >/dev/null || fail "no stopped event"
echo "test-in-container: systemctl stop drained and exited 0"
echo "test-in-container: ok"
