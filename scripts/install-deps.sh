#!/usr/bin/env bash
# Installs the Debian 12 packages this project needs to build, test and run.
#
# Idempotent and quick when everything is present: it asks dpkg which packages
# are missing and only then runs `apt-get update` and `apt-get install`.
# Works without a terminal (CI: no stdin). Needs root, or sudo without a
# password. Set MODERATION_SKIP_DEPS=1 to skip it (e.g. on a non-Debian host
# where you installed the libraries yourself).
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config
  libhyperscan-dev libre2-dev libabsl-dev libfyaml-dev libicu-dev
  libutf8proc-dev nlohmann-json3-dev
  libssl-dev # SHA-256 (engine/util) and the pulse webhook's https:// (server/pulse_webhook_http.h)
  libsimdjson-dev # modctl scan parses its JSON Lines input with simdjson (server/modctl/fast_post_reader.h)
  libjemalloc-dev # moderationd and modctl allocate with jemalloc (CMakeLists.txt: MODERATION_JEMALLOC)
  libgtest-dev libgmock-dev libbenchmark-dev
  libgrpc++-dev libprotobuf-dev protobuf-compiler protobuf-compiler-grpc
  python3
  wngerman wamerican # the lexicon: dictionary words rules must not punish (engine/text/lexicon.h)
  fortunes-de # clean German text for the evaluation corpus (tests/corpus/)
  libcivetweb-dev # the /metrics, /healthz and /readyz HTTP listener
  python3-grpcio python3-protobuf # the Python example client and its integration test
  prometheus # promtool: /metrics exposition, alert rules and their unit tests (deploy/prometheus)
  python3-yaml # deploy/prometheus/check_metrics.py reads the alert rules
  openssl # test certificates for the TLS integration tests
  ccache # repeated builds (CI, sanitizer and fuzz builds) reuse object files
  clang-format # scripts/check-format.sh
  clang libclang-rt-14-dev # ASan/UBSan builds (scripts/sanitize.sh asan-ci, in scripts/test.sh) and libFuzzer (tests/fuzz/run.sh)
  systemd # systemd-analyze verify/security for deploy/systemd
  haproxy # the L7 gRPC load balancer of the fleet test (tests/fleet)
  mmdebstrap podman runc # the container image from Debian's archive (deploy/container)
  chromium poppler-utils fonts-dejavu-core # report.pdf (tools/report-charts/pdf.sh, tests/reports) and the /pulse page test (tests/moderationd_crisis_test.cc): headless Chromium
)

if [[ "${MODERATION_SKIP_DEPS:-0}" == "1" ]]; then
  echo "install-deps: skipped (MODERATION_SKIP_DEPS=1)"
  exit 0
fi

# Tools that may come from outside Debian's archive (a newer Node.js bundles
# npm, and Debian's npm package would conflict with it): install the Debian
# package only when the command is missing.
COMMAND_PACKAGES=(
  node:nodejs npm:npm # bench/peers: the npm filters we compare against
)

missing=()
for pkg in "${PACKAGES[@]}"; do
  status="$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)"
  if [[ "$status" != "installed" ]]; then
    missing+=("$pkg")
  fi
done
for entry in "${COMMAND_PACKAGES[@]}"; do
  command -v "${entry%%:*}" >/dev/null 2>&1 || missing+=("${entry#*:}")
done

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "install-deps: all ${#PACKAGES[@]} Debian packages and ${#COMMAND_PACKAGES[@]} tools already installed"
  exit 0
fi

echo "install-deps: installing ${#missing[@]} missing package(s): ${missing[*]}"

SUDO=()
if [[ "$(id -u)" -ne 0 ]]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo -n)
  else
    echo "install-deps: not root and no sudo; install these yourself: ${missing[*]}" >&2
    exit 1
  fi
fi

export DEBIAN_FRONTEND=noninteractive
APT_OPTS=(-y -q -o Dpkg::Use-Pty=0 -o DPkg::Lock::Timeout=300
          -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)

"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q -o DPkg::Lock::Timeout=300 </dev/null
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
  apt-get install "${APT_OPTS[@]}" --no-install-recommends "${missing[@]}" </dev/null

# Check again, so a package apt silently skipped cannot slip through.
still_missing=()
for pkg in "${missing[@]}"; do
  status="$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)"
  [[ "$status" == "installed" ]] || still_missing+=("$pkg")
done
for entry in "${COMMAND_PACKAGES[@]}"; do
  command -v "${entry%%:*}" >/dev/null 2>&1 || still_missing+=("${entry%%:*} (command)")
done
if [[ ${#still_missing[@]} -ne 0 ]]; then
  echo "install-deps: still missing after apt-get install: ${still_missing[*]}" >&2
  exit 1
fi
echo "install-deps: done"
