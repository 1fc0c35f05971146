#!/usr/bin/env bash
# Builds cekafkareader (tests/conformance/cekafkareader: reads a Kafka topic with Sarama and decodes every record
# with the official CloudEvents Go SDK's Kafka binding, github.com/cloudevents/sdk-go/protocol/kafka_sarama/v2,
# pinned with Sarama and the SDK in its go.mod and go.sum) into the cache, or reuses the binary already built from
# the same sources. Progress goes to stderr; the last line on stdout is the binary's path. Safe to run again and
# concurrently; milliseconds when warm.
#
# Exit status: 0 built or reused; 2 the Go toolchain or a module is not to be had on this machine (the tests skip);
# 1 anything else (a build error: the tests fail).
set -euo pipefail

src=$(cd "$(dirname "$0")/cekafkareader" && pwd)
cache=${XDG_CACHE_HOME:-$HOME/.cache}/meshscope/conformance
# The sources' hash names the build, so an edited main.go or a new pin builds afresh.
hash=$(cat "$src/main.go" "$src/go.mod" "$src/go.sum" | sha256sum | cut -c1-16)
out=$cache/cekafkareader-$hash/cekafkareader
log() { echo "build-cekafkareader: $*" >&2; }

if [ -x "$out" ]; then
    log "reusing $out"
    echo "$out"
    exit 0
fi
command -v go >/dev/null || { log "no Go toolchain on PATH: cannot build the CloudEvents SDK Kafka reader"; exit 2; }
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
log "go mod download ($(sed -n 's/^\t\(github.com\/cloudevents\/sdk-go\/protocol\/kafka_sarama\/v2 .*\)/\1/p' "$src/go.mod"))"
# The go.sum pins every module, so the checksum database is not needed; a module the proxy refuses is "unavailable".
if ! (cd "$staging" && GONOSUMDB='*' GOFLAGS=-mod=readonly go mod download 2>"$staging/download.log"); then
    log "cannot fetch the modules through the Go module proxy:"
    sed 's/^/    /' "$staging/download.log" >&2
    exit 2
fi
log "go build"
(cd "$staging" && go build -trimpath -o cekafkareader .)
rm -f "$staging"/*.go "$staging"/go.mod "$staging"/go.sum "$staging/download.log"
rm -rf "$(dirname "$out")"
mv "$staging" "$(dirname "$out")"
trap - EXIT
log "built $out in $((SECONDS - start)) s"
echo "$out"
