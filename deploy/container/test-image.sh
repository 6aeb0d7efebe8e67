#!/usr/bin/env bash
# Builds the container image (build-image.sh) and runs it the way the
# Kubernetes manifests do: user 65532, read-only root file system, every
# capability dropped, no new privileges, the cache on a tmpfs. Checks that
# the server becomes ready, judges a post with the packaged rules, and exits
# 0 on SIGTERM (`podman stop`); then removes the image.
#
#   bash deploy/container/test-image.sh
#
# Environment: BUILD_DIR (default build), PYTHON_GEN (generated Python
# modules, default $BUILD_DIR/proto/python), KEEP_IMAGE=1 to keep the image.
#
# This machine is itself a container: it lacks CAP_SYS_RESOURCE (so the
# container's rlimits may only be lowered) and has a hybrid cgroup v1
# hierarchy that crun refuses; hence runc and explicit --ulimit values.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BUILD_DIR="${BUILD_DIR:-$repo/build}"
PYTHON_GEN="${PYTHON_GEN:-$BUILD_DIR/proto/python}"
tag="localhost/moderationd:test-$$"
fail() { echo "test-image: FAIL: $*" >&2; exit 1; }

work="$(mktemp -d)"
chmod 777 "$work"  # the container's user 65532 writes its port file here
container=""
cleanup() {
  [[ -n "$container" ]] && podman rm -f "$container" >/dev/null 2>&1 || true
  [[ "${KEEP_IMAGE:-0}" == 1 ]] || podman rmi -f "$tag" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

bash "$repo/deploy/container/build-image.sh" --tag "$tag"

PODMAN=(podman --runtime "${PODMAN_RUNTIME:-runc}")
RUN_FLAGS=(--ulimit nofile=4096:4096 --ulimit nproc=4096:4096
           --read-only --cap-drop=ALL --security-opt=no-new-privileges
           --mount type=tmpfs,destination=/var/cache/moderationd,tmpfs-mode=1777)

# The image's user, entrypoint and default flags, as imported.
config="$(podman image inspect "$tag" --format '{{.Config.User}} {{json .Config.Entrypoint}}')"
[[ "$config" == '65532:65532 ["/usr/bin/moderationd"]' ]] || fail "image config is '$config'"

# modctl in the image validates the packaged rules (no network at all).
"${PODMAN[@]}" run --rm --network=none "${RUN_FLAGS[@]}" --entrypoint /usr/bin/modctl "$tag" \
  validate /etc/moderationd/rules/ >"$work/validate.log" 2>&1 ||
  { cat "$work/validate.log" >&2; fail "modctl in the image rejects the packaged rules"; }
echo "test-image: modctl in the image validates /etc/moderationd/rules"

# The server on the host's loopback (ephemeral ports, reported in a port file).
container="$("${PODMAN[@]}" run -d --network=host "${RUN_FLAGS[@]}" -v "$work:/run/test" "$tag" \
  --listen=127.0.0.1:0 --metrics_listen=127.0.0.1:0 --rules=/etc/moderationd/rules \
  --cache_dir=/var/cache/moderationd --port_file=/run/test/ports.json)"
for _ in $(seq 1 1200); do
  [[ -s "$work/ports.json" ]] && break
  [[ "$(podman inspect "$container" --format '{{.State.Running}}')" == true ]] ||
    { podman logs "$container" >&2; fail "the server exited"; }
  sleep 0.1
done
[[ -s "$work/ports.json" ]] || { podman logs "$container" >&2; fail "no port file within 120 s"; }
/usr/bin/python3 - "$work/ports.json" "$PYTHON_GEN" <<'PY' || { podman logs "$container" >&2; fail "the server in the image did not judge a post"; }
import json, sys, time, urllib.request
ports = json.load(open(sys.argv[1]))
sys.path.insert(0, sys.argv[2])
import grpc
from moderation.v1 import moderation_pb2 as pb2, moderation_pb2_grpc as pb2_grpc
deadline = time.monotonic() + 120
while True:
    try:
        with urllib.request.urlopen("http://127.0.0.1:%d/readyz" % ports["metrics"], timeout=1) as r:
            if r.status == 200:
                break
    except OSError:
        pass
    if time.monotonic() > deadline:
        sys.exit("not ready within 120 s")
    time.sleep(0.1)
with grpc.insecure_channel("127.0.0.1:%d" % ports["grpc"]) as channel:
    stub = pb2_grpc.ModerationServiceStub(channel)
    answer = stub.Moderate(pb2.ModerateRequest(post=pb2.Post(
        post_id="image-1", community="news-de", body="Du Oberbl0edm@nn, ich bring dich um!".encode())), timeout=10)
assert answer.decision == pb2.DECISION_BLOCK, answer
assert answer.ruleset.version, answer
print("test-image: the server in the image answered BLOCK with rules %s" % answer.ruleset.version)
PY
podman stop --time 20 "$container" >/dev/null
code="$(podman inspect "$container" --format '{{.State.ExitCode}}')"
[[ "$code" == 0 ]] || { podman logs "$container" >&2; fail "exit code $code after SIGTERM"; }
echo "test-image: SIGTERM (podman stop): exit 0"
echo "test-image: ok"
