#!/usr/bin/env bash
# Builds the Debian package with CPack and checks it with dpkg-deb:
#   - control: name, version, architecture, and Depends naming the package of
#     every shared library the binaries load (from dpkg-shlibdeps) and the
#     dictionaries the default rules' lexicon reads;
#   - contents: the binaries, the unit, the default rules and
#     /etc/default/moderationd where they belong, with root ownership and the
#     right modes, nothing else under /etc or /var, and stripped binaries;
#   - conffiles: every file under /etc; the maintainer scripts parse;
#   - the unpacked package works: its modctl validates its own rules, and
#     its unit passes deploy/systemd/test-unit.sh --root;
#   - apt accepts it: `apt-get install --simulate` resolves its dependencies.
#
#   bash deploy/packaging/test-deb.sh
#
# Environment: BUILD_DIR (default build; configured and built already).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BUILD_DIR="${BUILD_DIR:-build}"
cd "$repo"

fail() { echo "test-deb: FAIL: $*" >&2; exit 1; }
[[ -f "$BUILD_DIR/CPackConfig.cmake" ]] || fail "$BUILD_DIR/CPackConfig.cmake missing: configure first (scripts/build.sh)"

out="$BUILD_DIR/package"
rm -rf "$out"
cpack -G DEB --config "$BUILD_DIR/CPackConfig.cmake" -B "$out" >"$out.log" 2>&1 ||
  { cat "$out.log" >&2; fail "cpack -G DEB failed"; }
debs=("$out"/moderationd_*.deb)
[[ ${#debs[@]} -eq 1 && -f "${debs[0]}" ]] || fail "expected one moderationd_*.deb in $out, found: ${debs[*]}"
deb="${debs[0]}"
echo "test-deb: built $deb ($(du -h "$deb" | cut -f1))"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# --- control fields
field() { dpkg-deb --field "$deb" "$1"; }
[[ "$(field Package)" == moderationd ]] || fail "Package is '$(field Package)'"
[[ "$(field Architecture)" == "$(dpkg --print-architecture)" ]] || fail "Architecture is '$(field Architecture)'"
[[ "$(field Version)" =~ ^[0-9] ]] || fail "Version '$(field Version)' does not start with a digit"
depends="$(field Depends)"
echo "test-deb: Depends: $depends"
# The default rules' dictionaries (lexicon: de / en).
for dict in wngerman wamerican; do
  [[ ", $depends," == *", $dict,"* || ", $depends," == *", $dict ("* ]] || fail "Depends does not name $dict (the default rules' lexicon)"
done

# Every library a binary links directly (DT_NEEDED) comes from a package
# named in Depends; libraries those pull in are their packages' business.
# One `dpkg -S` for all paths (it reads the whole database on each call);
# with merged /usr, dpkg may know a library under /lib or under /usr/lib.
dpkg-deb -x "$deb" "$work/root"
: >"$work/needed"
for binary in moderationd modctl; do
  ldd "$work/root/usr/bin/$binary" >"$work/ldd" || fail "ldd $binary failed"
  for soname in $(readelf -d "$work/root/usr/bin/$binary" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
    lib="$(awk -v s="$soname" '$1 == s && $3 ~ /^\// { print $3 }' "$work/ldd")"
    [[ -n "$lib" ]] || fail "$binary needs $soname, which does not resolve here"
    real="$(readlink -f "$lib")"
    echo "$binary $soname $lib $real ${real#/usr}" >>"$work/needed"
  done
done
awk '{ print $3; print $4; print $5 }' "$work/needed" | sort -u >"$work/paths"
xargs dpkg -S <"$work/paths" 2>/dev/null | sed -n 's/^\([^:,]*\)\(:[a-z0-9]*\)\?: \(\/.*\)$/\3 \1/p' >"$work/owners" || true
while read -r binary soname lib real stripped; do
  pkg="$(awk -v a="$lib" -v b="$real" -v c="$stripped" '$1 == a || $1 == b || $1 == c { print $2; exit }' "$work/owners")"
  [[ -n "$pkg" ]] || fail "$binary needs $lib, which no Debian package owns"
  [[ ", $depends," == *", $pkg "* || ", $depends," == *", $pkg,"* ]] ||
    fail "$binary needs $soname from $pkg, which Depends does not name"
done <"$work/needed"
echo "test-deb: every shared library of moderationd and modctl is in Depends"

# --- contents
dpkg-deb --contents "$deb" | awk '{ print $1, $2, $6 }' >"$work/contents"
expect() { # expect MODE PATH
  grep -qxF -e "$1 root/root ./$2" "$work/contents" || fail "package lacks $1 root/root ./$2"
}
expect -rwxr-xr-x usr/bin/moderationd
expect -rwxr-xr-x usr/bin/modctl
expect -rw-r--r-- lib/systemd/system/moderationd.service
expect -rw-r--r-- etc/default/moderationd
expect -rw-r--r-- usr/share/doc/moderationd/README.md
for rule in rules/*.yaml; do
  expect -rw-r--r-- "etc/moderationd/rules/$(basename "$rule")"
  cmp -s "$rule" "$work/root/etc/moderationd/rules/$(basename "$rule")" || fail "packaged $rule differs"
done
unexpected="$(awk '$3 ~ /^\.\/(etc|var)\// && $1 !~ /^d/' "$work/contents" |
  grep -v -E '\./etc/(default/moderationd|moderationd/rules/[a-z_-]+(\.[a-z_-]+)*\.yaml)$' || true)"
[[ -z "$unexpected" ]] || fail "unexpected files under /etc or /var:"$'\n'"$unexpected"
grep -q ' \./usr/local' "$work/contents" && fail "files under /usr/local"
for binary in moderationd modctl; do
  readelf -S "$work/root/usr/bin/$binary" | grep -q '\.debug_info' && fail "$binary is not stripped"
done
echo "test-deb: contents as expected ($(grep -c -v '^d' "$work/contents") files)"

# --- conffiles and maintainer scripts
dpkg-deb --ctrl-tarfile "$deb" | tar -x -C "$work" ./conffiles ./postinst ./prerm ./postrm
for file in $(awk '$3 ~ /^\.\/etc\// && $1 !~ /^d/ { sub(/^\./, "", $3); print $3 }' "$work/contents"); do
  grep -qxF "$file" "$work/conffiles" || fail "$file is not a conffile"
done
for script in postinst prerm postrm; do
  sh -n "$work/$script" || fail "$script does not parse"
done
echo "test-deb: every /etc file is a conffile; maintainer scripts parse"

# --- the unpacked package works
"$work/root/usr/bin/modctl" validate "$work/root/etc/moderationd/rules/" >"$work/validate.log" 2>&1 ||
  { cat "$work/validate.log" >&2; fail "the packaged modctl rejects the packaged rules"; }
echo "test-deb: packaged modctl validates the packaged rules"
bash "$repo/deploy/systemd/test-unit.sh" --root "$work/root"

# --- apt resolves its dependencies (against the installed system and the
# archive lists, when present)
if compgen -G "/var/lib/apt/lists/*_Packages*" >/dev/null; then
  apt-get install --simulate --no-install-recommends "$(readlink -f "$deb")" >"$work/apt.log" 2>&1 ||
    { cat "$work/apt.log" >&2; fail "apt-get cannot install the package"; }
  grep -q '^Inst moderationd ' "$work/apt.log" || fail "apt-get did not plan to install moderationd"
  echo "test-deb: apt-get install --simulate resolves the dependencies"
else
  echo "test-deb: no apt lists (apt-get update never ran): dependency resolution not simulated"
fi
echo "test-deb: ok"
