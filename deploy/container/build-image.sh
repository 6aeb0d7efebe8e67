#!/usr/bin/env bash
# Builds the moderationd container image from Debian's archive, without a
# registry base image and without a Docker engine, in the "distroless" way:
#   1. the packages the image needs are the moderationd .deb
#      (deploy/packaging) and the Debian packages that own every shared
#      library its binaries load (ldd, then dpkg -S on this Debian 12 host),
#      plus base-files and the dictionaries the default rules' lexicon reads
#      (wngerman, wamerican);
#   2. mmdebstrap --variant=extract unpacks those, and what apt says they
#      depend on, from the archive, and a hook unpacks the .deb: no
#      Essential set, no maintainer scripts run, no package database; about
#      100 MB, most of it ICU data;
#   3. hooks add the unprivileged user 65532 ("moderationd") and the cache
#      directory it may write, and run the packaged modctl on the packaged
#      rules inside the new root (every library present, the rules valid);
#   4. `podman import` turns the tarball into an image with the entrypoint,
#      default flags, user and ports (the OCI config a Dockerfile would set).
#
#   bash deploy/container/build-image.sh [--deb FILE] [--tag NAME] [--tar FILE]
#
# --deb: the package (default: the one in $BUILD_DIR/package, built with
# `cpack -G DEB` when missing). --tag: image name (default
# localhost/moderationd:<package version>). --tar: keep the root file system
# tarball there. Needs root (mmdebstrap --mode=root), network access to a
# Debian mirror (the host's apt sources), and podman for the import.
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

# The packages that own the libraries the binaries load, transitively.
dpkg-deb -x "$deb" "$work/pkg"
for binary in "$work"/pkg/usr/bin/*; do
  ldd "$binary" | awk '$3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }'
done | sort -u >"$work/libs"
while read -r lib; do
  real="$(readlink -f "$lib")"
  printf '%s\n%s\n%s\n' "$lib" "$real" "${real#/usr}"
done <"$work/libs" | sort -u | { xargs dpkg -S 2>/dev/null || true; } | sed -n 's/^\([^:,]*\)\(:[a-z0-9]*\)\?: .*/\1/p' |
  sort -u >"$work/packages"
[[ -s "$work/packages" ]] || die "found no packages for the libraries of $(basename "$deb")"
# The dictionaries of the default rules' lexicon are data, not libraries;
# ca-certificates is the trust store an https pulse webhook is verified
# against.
packages="base-files,wngerman,wamerican,ca-certificates,$(paste -sd, "$work/packages")"

echo "build-image: mmdebstrap --variant=extract bookworm: $(basename "$deb") + $packages"
start=$SECONDS
mmdebstrap --mode=root --variant=extract --format=tar --include="$packages" \
  --extract-hook="dpkg-deb -x '$deb' \"\$1\"" \
  --extract-hook='printf "root:x:0:0:root:/root:/usr/sbin/nologin\nmoderationd:x:65532:65532:moderationd:/nonexistent:/usr/sbin/nologin\n" >"$1/etc/passwd"' \
  --extract-hook='printf "root:x:0:\nmoderationd:x:65532:\n" >"$1/etc/group"' \
  --extract-hook='mkdir -p "$1/var/cache/moderationd" "$1/tmp" && chown 65532:65532 "$1/var/cache/moderationd" && chmod 1777 "$1/tmp"' \
  --extract-hook='chroot "$1" /usr/bin/modctl validate /etc/moderationd/rules/ >/dev/null' \
  --extract-hook='cat "$1"/usr/share/ca-certificates/mozilla/*.crt >"$1/etc/ssl/certs/ca-certificates.crt" && mkdir -p "$1/usr/lib/ssl" && ln -sfn /etc/ssl/certs "$1/usr/lib/ssl/certs" && ln -sfn /etc/ssl/certs/ca-certificates.crt "$1/usr/lib/ssl/cert.pem"' \
  bookworm "$rootfs" - <"$sources"
echo "build-image: root file system $(du -h "$rootfs" | cut -f1) in $((SECONDS - start)) s"
# update-ca-certificates, which writes the bundle, is a maintainer script
# that the extract variant never runs: the hook above writes it, and
# OpenSSL's default paths (/usr/lib/ssl, from the openssl package the image
# leaves out) point at it.
# (The listing goes to a file: `grep -q` on a pipe stops tar early, and
# pipefail then fails the check.)
tar -tf "$rootfs" >"$work/rootfs.list"
grep -qE '^(\./)?etc/ssl/certs/ca-certificates\.crt$' "$work/rootfs.list" ||
  die "the image has no CA bundle (/etc/ssl/certs/ca-certificates.crt)"

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
