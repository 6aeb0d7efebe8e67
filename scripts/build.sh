#!/usr/bin/env bash
# Installs missing Debian packages, then configures and builds the project.
#
#   scripts/build.sh [extra cmake configure args...]
#
# Environment:
#   BUILD_DIR            build directory (default: build)
#   BUILD_TYPE           CMAKE_BUILD_TYPE (default: RelWithDebInfo)
#   BUILD_JOBS           parallel jobs (default: nproc)
#   BUILD_TARGETS        space-separated targets (default: all)
#   MODERATION_SKIP_DEPS=1  skip scripts/install-deps.sh
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

BUILD_DIR="${BUILD_DIR:-build}"
BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}"
BUILD_JOBS="${BUILD_JOBS:-$(nproc)}"
read -r -a TARGET_ARGS <<<"${BUILD_TARGETS:+--target $BUILD_TARGETS}"

bash "$ROOT/scripts/install-deps.sh"

# ccache makes rebuilds of unchanged files (other build types, sanitizer and
# fuzz builds, a fresh clone on the same machine) nearly free.
LAUNCHER=()
if command -v ccache >/dev/null 2>&1; then
  LAUNCHER=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
  # Paths under the checkout are hashed relative to it, so clones elsewhere hit.
  export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$ROOT}"
fi

echo "build: configuring $BUILD_DIR ($BUILD_TYPE)"
cmake -G Ninja -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE="$BUILD_TYPE" ${LAUNCHER[@]+"${LAUNCHER[@]}"} "$@"

echo "build: building with $BUILD_JOBS job(s)"
cmake --build "$BUILD_DIR" --parallel "$BUILD_JOBS" ${TARGET_ARGS[@]+"${TARGET_ARGS[@]}"}
echo "build: ok"
