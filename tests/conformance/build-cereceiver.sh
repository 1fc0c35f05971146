#!/usr/bin/env bash
# Builds cereceiver (tests/conformance/cereceiver: an HTTP receiver that decodes with the official CloudEvents Go
# SDK, github.com/cloudevents/sdk-go/v2, pinned in its go.mod and go.sum) into the cache, or reuses the binary
# already built from the same sources. Progress goes to stderr; the last line on stdout is the binary's path.
# Safe to run again and concurrently; milliseconds when warm.
set -euo pipefail

src=$(cd "$(dirname "$0")/cereceiver" && pwd)
cache=${XDG_CACHE_HOME:-$HOME/.cache}/meshscope/conformance
# The sources' hash names the build, so an edited main.go or a new SDK pin builds afresh.
hash=$(cat "$src/main.go" "$src/go.mod" "$src/go.sum" | sha256sum | cut -c1-16)
out=$cache/cereceiver-$hash/cereceiver
log() { echo "build-cereceiver: $*" >&2; }

if [ -x "$out" ]; then
    log "reusing $out"
    echo "$out"
    exit 0
fi
command -v go >/dev/null || { log "no Go toolchain on PATH: cannot build the CloudEvents SDK receiver"; exit 1; }
export GOTOOLCHAIN=local GOFLAGS=-mod=mod GOWORK=off CGO_ENABLED=0 GOMODCACHE=$cache/gomodcache
mkdir -p "$cache"
exec 9>"$cache/.lock"
flock 9
if [ -x "$out" ]; then
    echo "$out"
    exit 0
fi
start=$SECONDS
staging=$(mktemp -d "$cache/.incoming.XXXXXX")
trap 'rm -rf "$staging"' EXIT
# Building from a copy keeps the checkout clean: the go command may touch go.sum.
cp "$src/main.go" "$src/go.mod" "$src/go.sum" "$staging/"
log "go build ($(sed -n 's/^require \(github.com\/cloudevents\/sdk-go\/v2 .*\)/\1/p' "$src/go.mod"))"
(cd "$staging" && go build -trimpath -o cereceiver .)
rm "$staging"/*.go "$staging"/go.mod "$staging"/go.sum
rm -rf "$(dirname "$out")"
mv "$staging" "$(dirname "$out")"
trap - EXIT
log "built $out in $((SECONDS - start)) s"
echo "$out"
