#!/usr/bin/env bash
# Builds one of the Go test tools beside this script into the cache, or reuses the binary already built from the same
# sources, and prints its path as the last line on stdout (progress goes to stderr). Safe to run again and
# concurrently; milliseconds when warm. The tools, each with its modules pinned in its go.mod and go.sum:
#   cereceiver     an HTTP receiver that decodes with the official CloudEvents Go SDK, github.com/cloudevents/sdk-go/v2;
#   cekafkareader  reads a Kafka topic with Sarama and decodes every record with the same SDK's Kafka binding,
#                  github.com/cloudevents/sdk-go/protocol/kafka_sarama/v2.
#
# Usage: build-go-tool.sh <tool>
# Exit status: 0 built or reused; 2 the Go toolchain or a module is not to be had on this machine (the tests that can
# do without skip); 1 anything else (a build error: the tests fail).
set -euo pipefail
source "$(dirname "$0")/../cachelock.sh"

tool=${1:?usage: build-go-tool.sh <tool>}
src=$(cd "$(dirname "$0")/$tool" && pwd)
cache=${XDG_CACHE_HOME:-$HOME/.cache}/meshscope/conformance
# The sources' hash names the build, so an edited main.go or a new pin builds afresh.
hash=$(cat "$src/main.go" "$src/go.mod" "$src/go.sum" | sha256sum | cut -c1-16)
out=$cache/$tool-$hash/$tool
log() { echo "build-go-tool $tool: $*" >&2; }

reuse_if test -x "$out"
command -v go >/dev/null || { log "no Go toolchain on PATH"; exit 2; }
export GOTOOLCHAIN=local GOFLAGS=-mod=mod GOWORK=off CGO_ENABLED=0 GOMODCACHE=$cache/gomodcache
lock_and_stage "$cache" test -x "$out"
# Building from a copy keeps the checkout clean: the go command may touch go.sum.
cp "$src/main.go" "$src/go.mod" "$src/go.sum" "$staging/"
log "go mod download ($(sed -n 's/^\(require \|\t\)\(github.com\/cloudevents\/sdk-go\/[^ ]* v[^ ]*\).*/\2/p' "$src/go.mod" | paste -sd ' '))"
# The go.sum pins every module, so the checksum database is not needed; a module the proxy refuses is "unavailable".
if ! (cd "$staging" && GONOSUMDB='*' GOFLAGS=-mod=readonly go mod download 2>"$staging/download.log"); then
    log "cannot fetch the modules through the Go module proxy:"
    sed 's/^/    /' "$staging/download.log" >&2
    exit 2
fi
log "go build"
(cd "$staging" && go build -trimpath -o "$tool" .)
rm -f "$staging"/*.go "$staging"/go.mod "$staging"/go.sum "$staging/download.log"
rm -rf "$(dirname "$out")"
mv "$staging" "$(dirname "$out")"
trap - EXIT
log "built $out in $((SECONDS - start)) s"
echo "$out"
