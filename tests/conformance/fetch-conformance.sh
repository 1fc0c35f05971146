#!/usr/bin/env bash
# Fetches the CloudEvents conformance suite (the Go module github.com/cloudevents/conformance) with `go mod download`,
# or reuses the copy already in the cache, and keeps its format/ folder (format/json/valid-events.json,
# invalid-events.json, valid-batches.json, invalid-batches.json, ...). Progress goes to stderr; the last line on
# stdout is the folder that holds format/. Safe to run again and concurrently; milliseconds when warm.
#
# MESHSCOPE_CE_CONFORMANCE_MODULE="<version> <h1-sum>" pins another version of the module than the one below.
#
# The format vectors were added to the suite in 2023 (first on its format-tests branch), after v0.4.1 (March 2022),
# the newest tagged version the module proxy serves here, which therefore has none: the script says so and fails
# rather than let a test check nothing.
set -euo pipefail
source "$(dirname "$0")/../cachelock.sh"

path=github.com/cloudevents/conformance
# version h1-sum: checked here, so the go command is not asked to consult the checksum database.
read -r version sum <<<"${MESHSCOPE_CE_CONFORMANCE_MODULE:-v0.4.1 h1:MMq+jviOHHNINGWQdvr2yj4g8CdeL59M81ODjEs9M20=}"
cache=${XDG_CACHE_HOME:-$HOME/.cache}/meshscope/conformance
out=$cache/ce-conformance-$version
log() { echo "fetch-conformance: $*" >&2; }

reuse_if test -f "$out/format/json/valid-events.json"
command -v go >/dev/null || { log "no Go toolchain on PATH: cannot fetch $path"; exit 1; }
export GOTOOLCHAIN=local GOFLAGS=-mod=mod GOMODCACHE=$cache/gomodcache
export GONOSUMDB=${GONOSUMDB:+$GONOSUMDB,}$path
lock_and_stage "$cache" test -f "$out/format/json/valid-events.json"
cd "$cache"
log "go mod download $path@$version"
json=$(go mod download -json "$path@$version" || true)
field() { echo "$json" | sed -n 's/^\s*"'"$1"'": "\(.*\)",\?$/\1/p'; }
if [ -n "$(field Error)" ] || [ -z "$(field Dir)" ]; then
    log "cannot download $path@$version: $(field Error)"
    exit 1
fi
if [ "$(field Sum)" != "$sum" ]; then
    log "$path@$version has sum $(field Sum), expected $sum"
    exit 1
fi
dir=$(field Dir)
if [ ! -f "$dir/format/json/valid-events.json" ]; then
    log "$path@$version has no format/json/valid-events.json: the JSON format vectors are not in this version" \
        "(they were added in 2023, after v0.4.1); pin a version that has them with MESHSCOPE_CE_CONFORMANCE_MODULE=\"<version> <h1-sum>\""
    # A distinct code: the suite is reachable but this version lacks the vectors, which the test reports as such.
    exit 3
fi
cp -R "$dir/format" "$staging/"
[ -f "$dir/LICENSE" ] && cp "$dir/LICENSE" "$staging/"
chmod -R u+w "$staging"
rm -rf "$out"
mv "$staging" "$out"
trap - EXIT
log "$(find "$out/format" -name '*.json' | wc -l) vector files from $path@$version in $out, took $((SECONDS - start)) s"
echo "$out"
