#!/usr/bin/env bash
# Builds the Debian package from a build directory with CPack, unpacks it into a scratch root with dpkg -x (nothing
# is installed) and checks what it holds: the binary runs and prints the project's version, the desktop file,
# metainfo and icon are where desktop environments look, and Depends names the runtime libraries' packages.
# Usage: test-deb.sh <build dir> <version> <app id>
set -euo pipefail
build=$1 version=$2 id=$3
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
fail() { echo "test-deb: $*" >&2; exit 1; }

cpack --config "$build/CPackConfig.cmake" -G DEB -B "$scratch/out" >"$scratch/cpack.log" 2>&1 \
    || { cat "$scratch/cpack.log" >&2; fail "cpack failed"; }
debs=("$scratch"/out/*.deb)
[ ${#debs[@]} -eq 1 ] && [ -f "${debs[0]}" ] || fail "expected one .deb, found: ${debs[*]}"
deb=${debs[0]}
echo "test-deb: built $(basename "$deb") ($(du -k "$deb" | cut -f1) KiB)"

[ "$(dpkg-deb -f "$deb" Package)" = meshscope ] || fail "package name is not meshscope"
[ "$(dpkg-deb -f "$deb" Version)" = "$version" ] || fail "package version $(dpkg-deb -f "$deb" Version) != $version"
depends=$(dpkg-deb -f "$deb" Depends)
echo "test-deb: Depends: $depends"
for package in libqt6core6 libqt6gui6 libqt6widgets6 libqt6network6 libqt6charts6 libqt6svg6 librdkafka1 \
    libyaml-cpp0.7 libqt6keychain1; do
    grep -Eq "(^|, )$package( |,|$)" <<<"$depends" || fail "Depends lacks $package"
done

root=$scratch/root
dpkg -x "$deb" "$root"
for file in usr/bin/meshscope "usr/share/applications/$id.desktop" "usr/share/metainfo/$id.metainfo.xml" \
    "usr/share/icons/hicolor/scalable/apps/$id.svg"; do
    [ -f "$root/$file" ] || fail "the package lacks /$file"
done
unexpected=$(cd "$root" && find . -type f | sed 's|^\./|/|' | grep -Ev '^/usr/(bin/meshscope|share/(applications|metainfo|icons/hicolor/scalable/apps)/)' || true)
[ -z "$unexpected" ] || fail "the package holds unexpected files: $unexpected"
grep -q "^Exec=meshscope " "$root/usr/share/applications/$id.desktop" || fail "the desktop file does not run meshscope"
grep -q "<release version=\"$version\"" "$root/usr/share/metainfo/$id.metainfo.xml" \
    || fail "the metainfo's release is not $version"

# The packaged binary finds its libraries in the system paths alone.
printed=$(env -u LD_LIBRARY_PATH QT_QPA_PLATFORM=offscreen "$root/usr/bin/meshscope" --version)
[ "$printed" = "meshscope $version" ] || fail "meshscope --version printed \"$printed\", not \"meshscope $version\""
echo "test-deb: ok"
