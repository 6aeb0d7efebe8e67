#!/usr/bin/env bash
# Builds the moderationd container image from Debian's archive, without a
# registry base image and without a Docker engine:
#   1. mmdebstrap makes a Debian 12 root file system: the Essential packages,
#      the moderationd .deb (deploy/packaging) and exactly the libraries its
#      Depends name, resolved by apt; documentation and locales left out;
#   2. hooks add the unprivileged user 65532 ("moderationd") and the cache
#      directory it may write, and run the packaged modctl on the packaged
#      rules inside the new root (every library present, the rules valid);
#   3. `podman import` turns the tarball into an image with the entrypoint,
#      default flags, user and ports (the OCI config a Dockerfile would set).
#
#   bash deploy/container/build-image.sh [--deb FILE] [--tag NAME] [--tar FILE]
#
# --deb: the package (default: the one in $BUILD_DIR/package, built with
# `cpack -G DEB` when missing). --tag: image name (default
# localhost/moderationd:<package version>). --tar: keep the root file system
# tarball there. Needs root (mmdebstrap --mode=root) and network access to a
# Debian mirror (the host's apt sources), podman for the import.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BUILD_DIR="${BUILD_DIR:-$repo/build}"
deb="" tag="" tar=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --deb) deb="$2"; shift 2 ;;
    --tag) tag="$2"; shift 2 ;;
    --tar) tar="$2"; shift 2 ;;
    *) echo "usage: $0 [--deb FILE] [--tag NAME] [--tar FILE]" >&2; exit 2 ;;
  esac
done
die() { echo "build-image: $*" >&2; exit 1; }
for tool in mmdebstrap podman; do
  command -v "$tool" >/dev/null || die "$tool not found (Debian package $tool)"
done
[[ "$(id -u)" -eq 0 ]] || die "needs root (mmdebstrap --mode=root)"

if [[ -z "$deb" ]]; then
  shopt -s nullglob
  debs=("$BUILD_DIR"/package/moderationd_*.deb)
  if [[ ${#debs[@]} -eq 0 ]]; then
    cpack -G DEB --config "$BUILD_DIR/CPackConfig.cmake" -B "$BUILD_DIR/package" >/dev/null
    debs=("$BUILD_DIR"/package/moderationd_*.deb)
  fi
  [[ ${#debs[@]} -eq 1 ]] || die "expected one package in $BUILD_DIR/package, found ${#debs[@]}"
  deb="${debs[0]}"
fi
deb="$(readlink -f "$deb")"
version="$(dpkg-deb --field "$deb" Version)"
tag="${tag:-localhost/moderationd:${version//+/_}}"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
rootfs="${tar:-$work/rootfs.tar}"

# The mirror: the host's own apt sources (deb822 or one-line format), so
# the image is built from the same archive the host installs from.
sources="$work/sources.list"
cat /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null >"$sources" || true
[[ -s "$sources" ]] || die "no apt sources found on this host"

echo "build-image: mmdebstrap bookworm + $(basename "$deb")"
start=$SECONDS
mmdebstrap --mode=root --variant=essential --format=tar \
  --aptopt='APT::Install-Recommends "false"' \
  --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/moderationd/*' \
  --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/locale/*' \
  --dpkgopt='path-exclude=/usr/share/info/*' \
  --hook-dir=/usr/share/mmdebstrap/hooks/file-mirror-automount --include="$deb" \
  --customize-hook='echo "moderationd:x:65532:65532:moderationd:/nonexistent:/usr/sbin/nologin" >>"$1/etc/passwd"' \
  --customize-hook='echo "moderationd:x:65532:" >>"$1/etc/group"' \
  --customize-hook='mkdir -p "$1/var/cache/moderationd" && chown 65532:65532 "$1/var/cache/moderationd"' \
  --customize-hook='chroot "$1" /usr/bin/modctl validate /etc/moderationd/rules/ >/dev/null' \
  bookworm "$rootfs" - <"$sources"
echo "build-image: root file system $(du -h "$rootfs" | cut -f1) in $((SECONDS - start)) s"

podman import \
  --change 'USER 65532:65532' \
  --change 'WORKDIR /' \
  --change 'ENTRYPOINT ["/usr/bin/moderationd"]' \
  --change 'CMD ["--listen=0.0.0.0:50051", "--metrics_listen=0.0.0.0:9464", "--rules=/etc/moderationd/rules", "--cache_dir=/var/cache/moderationd"]' \
  --change 'EXPOSE 50051/tcp' --change 'EXPOSE 9464/tcp' \
  --change 'STOPSIGNAL SIGTERM' \
  --change "LABEL org.opencontainers.image.title=moderationd" \
  --change "LABEL org.opencontainers.image.version=$version" \
  --change "LABEL org.opencontainers.image.description=real-time content moderation over gRPC, built from Debian 12 packages" \
  "$rootfs" "$tag" >/dev/null
echo "build-image: $tag"
