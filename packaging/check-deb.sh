#!/usr/bin/env bash
# Installs the meshscope Debian package on this machine, checks it as a desktop would use it, then uninstalls it:
# - dpkg -i (the dependencies must be installed already: apt-get install -f fetches them otherwise);
# - the installed desktop file and metainfo validate, and the icon the desktop file names is in the hicolor theme;
# - the desktop file's Exec line, run from PATH as a menu runs it, prints the package's version with --version, and
#   with --demo paints its main window (MESHSCOPE_REPORT_FIRST_PAINT=1 makes it quit after the first paint);
# - dpkg --purge leaves none of the package's files behind.
# Changes the system, so CI does not run it; tests/packaging_deb checks the package without installing it.
# Usage: packaging/check-deb.sh [package.deb | build dir]   (default: build/release, packaged with cpack)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
target=${1:-$here/../build/release}
scratch=$(mktemp -d)
installed=false
cleanup() {
    if $installed; then dpkg --purge meshscope >/dev/null || true; fi
    rm -rf "$scratch"
}
trap cleanup EXIT
fail() { echo "check-deb: $*" >&2; exit 1; }
as_root=()
if [ "$(id -u)" -ne 0 ]; then as_root=(sudo); fi

if [ -d "$target" ]; then
    cpack --config "$target/CPackConfig.cmake" -G DEB -B "$scratch/out" >"$scratch/cpack.log" 2>&1 \
        || { cat "$scratch/cpack.log" >&2; fail "cpack failed"; }
    deb=$(ls "$scratch"/out/*.deb)
else
    deb=$target
fi
version=$(dpkg-deb -f "$deb" Version)
if dpkg-query -W -f='${Status}' meshscope 2>/dev/null | grep -q 'install ok installed'; then
    fail "meshscope is installed already; this check would remove it: dpkg -r meshscope first"
fi

echo "check-deb: installing $(basename "$deb")"
"${as_root[@]}" dpkg -i "$deb" || fail "dpkg -i failed (missing dependencies? apt-get install -f)"
installed=true
mapfile -t files < <(dpkg -L meshscope | while read -r path; do [ -f "$path" ] && echo "$path"; done)
echo "check-deb: installed ${#files[@]} files: ${files[*]}"

desktop=$(printf '%s\n' "${files[@]}" | grep '^/usr/share/applications/.*\.desktop$')
metainfo=$(printf '%s\n' "${files[@]}" | grep '^/usr/share/metainfo/.*\.metainfo\.xml$')
desktop-file-validate "$desktop"
appstreamcli validate --no-net "$metainfo" >/dev/null || fail "the installed metainfo does not validate"
icon=$(sed -n 's/^Icon=//p' "$desktop")
[ -f "/usr/share/icons/hicolor/scalable/apps/$icon.svg" ] || fail "no icon $icon in the hicolor theme"

# The menu runs the Exec line with its field codes (%F: the files dropped on the launcher) removed.
exec_line=$(sed -n 's/^Exec=//p' "$desktop" | sed 's/ *%[fFuUick]//g')
runtime=(env -i PATH=/usr/local/bin:/usr/bin:/bin HOME="$scratch/home" XDG_RUNTIME_DIR="$scratch/run"
    QT_QPA_PLATFORM=offscreen)
mkdir -p "$scratch/home" "$scratch/run" && chmod 700 "$scratch/run"
printed=$("${runtime[@]}" sh -c "$exec_line --version")
[ "$printed" = "meshscope $version" ] || fail "'$exec_line --version' printed '$printed', not 'meshscope $version'"
painted=$("${runtime[@]}" MESHSCOPE_REPORT_FIRST_PAINT=1 timeout 60 sh -c "$exec_line --demo" 2>/dev/null)
grep -q '"firstPaintMs"' <<<"$painted" || fail "'$exec_line --demo' did not paint its window"
echo "check-deb: launched from the desktop file: --version printed '$printed'; the demo painted: $painted"

"${as_root[@]}" dpkg --purge meshscope
installed=false
dpkg-query -W -f='${Status}' meshscope 2>/dev/null | grep -q 'installed' && fail "meshscope is still installed"
for file in "${files[@]}"; do
    [ ! -e "$file" ] || fail "$file is left after dpkg --purge"
done
command -v meshscope >/dev/null && fail "meshscope is still on PATH"
echo "check-deb: ok: installed, validated, launched and uninstalled cleanly"
