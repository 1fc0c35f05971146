#!/usr/bin/env bash
# Fetches the CloudEvents SQL TCK (the YAML test cases in the Go module github.com/cloudevents/sdk-go/sql/v2, folder
# test/tck) with `go mod download`, or reuses the copy already in the cache. Progress goes to stderr; the last line
# on stdout is the folder of the TCK's *.yaml files. Safe to run again and concurrently; milliseconds when warm.
set -euo pipefail
source "$(dirname "$0")/../cachelock.sh"

# module version h1-sum: checked here, so the go command is not asked to consult the checksum database.
module="github.com/cloudevents/sdk-go/sql/v2 v2.16.2 h1:ufWHXiH1ZVd0WDbzTX9Nod9Sdq5wcnaqyL0iA1fBwYs="
read -r path version sum <<<"$module"
cache=${XDG_CACHE_HOME:-$HOME/.cache}/meshscope/cesql
out=$cache/tck-sql-$version
log() { echo "fetch-cesql-tck: $*" >&2; }

if [ -d "$out" ]; then
    log "reusing $(find "$out" -name '*.yaml' | wc -l) TCK files in $out"
    echo "$out"
    exit 0
fi
command -v go >/dev/null || { log "no Go toolchain on PATH: cannot fetch the CESQL TCK"; exit 1; }
export GOTOOLCHAIN=local GOFLAGS=-mod=mod GOMODCACHE=$cache/gomodcache
export GONOSUMDB=${GONOSUMDB:+$GONOSUMDB,}$path
lock_and_stage "$cache" test -d "$out"
cd "$cache"
log "go mod download $path@$version"
json=$(go mod download -json "$path@$version")
field() { echo "$json" | sed -n 's/^\s*"'"$1"'": "\(.*\)",\?$/\1/p'; }
if [ -n "$(field Error)" ]; then
    log "$(field Error)"
    exit 1
fi
if [ "$(field Sum)" != "$sum" ]; then
    log "$path@$version has sum $(field Sum), expected $sum"
    exit 1
fi
dir=$(field Dir)
tck=$dir/test/tck
if ! compgen -G "$tck/*.yaml" >/dev/null; then
    log "no TCK files in $tck"
    exit 1
fi
install -m 644 "$tck"/*.yaml "$staging/"
[ -f "$tck/README.md" ] && install -m 644 "$tck/README.md" "$staging/"
# The module cache is read-only and only needed for this copy.
chmod -R u+w "$cache/gomodcache" && rm -rf "$cache/gomodcache"
mv "$staging" "$out"
trap - EXIT
log "$(find "$out" -name '*.yaml' | wc -l) TCK files from $path@$version in $out, took $((SECONDS - start)) s"
echo "$out"
