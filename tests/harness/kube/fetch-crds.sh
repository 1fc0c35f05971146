#!/usr/bin/env bash
# Fetches Knative's CustomResourceDefinitions for the integration tests from the Go modules of Knative 1.16
# (eventing, serving and the Kafka broker) with `go mod download`, or reuses the ones already in the cache. Only
# the YAML files under config/ whose kind is CustomResourceDefinition are copied, named <module>-<file>.yaml.
# Progress goes to stderr; the last line on stdout is the folder of CRDs. Safe to run again and concurrently.
#
# Module zips leave out symbolic links: serving's certificate, image, ingress and serverlessservice CRDs, links
# to knative.dev/networking and caching in the repository, do not arrive; no test needs them.
set -euo pipefail
source "$(dirname "$0")/../../cachelock.sh"

# module version h1-sum: the sum is checked here because the proxy's checksum database does not answer for every
# version (the Kafka broker's), so the go command is told not to ask it for these three.
modules=(
    "knative.dev/eventing v0.43.3 h1:xt10rMoe6t1hFPPrnsR5NYe/vWRXQqLgRK8lS6n5mU8="
    "knative.dev/serving v0.43.0 h1:S+nCHYBaKo8r1kge6zF7hDxQrag5rwMkQTSZyDmrYIc="
    "knative.dev/eventing-kafka-broker v0.43.1 h1:7HYTqWIWBV/ZCkExvmpBzMTV0TO8S5Ih9hDvsaUkZNE="
)
cache=${XDG_CACHE_HOME:-$HOME/.cache}/meshscope/kube/crds
name=knative
for entry in "${modules[@]}"; do
    read -r path version _ <<<"$entry"
    name+=-${path#knative.dev/}-$version
done
out=$cache/$name
log() { echo "fetch-crds: $*" >&2; }

if [ -d "$out" ]; then
    log "reusing $(find "$out" -name '*.yaml' | wc -l) CRDs in $out"
    echo "$out"
    exit 0
fi
command -v go >/dev/null || { log "no Go toolchain on PATH: cannot fetch Knative's CRDs"; exit 1; }
export GOTOOLCHAIN=local
export GONOSUMDB=${GONOSUMDB:+$GONOSUMDB,}knative.dev/eventing,knative.dev/serving,knative.dev/eventing-kafka-broker
lock_and_stage "$cache" test -d "$out"
cd "$cache"
for entry in "${modules[@]}"; do
    read -r path version sum <<<"$entry"
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
    prefix=${path#knative.dev/}
    count=0
    while IFS= read -r -d '' file; do
        grep -q '^kind: CustomResourceDefinition' "$file" || continue
        install -m 644 "$file" "$staging/$prefix-$(basename "$file")"
        count=$((count + 1))
    done < <(find "$dir" -path "$dir/vendor" -prune -o -path '*/config/*' -name '*.yaml' -type f -print0)
    log "$count CRDs from $path@$version ($dir)"
done
mv "$staging" "$out"
trap - EXIT
log "$(find "$out" -name '*.yaml' | wc -l) CRDs in $out, took $((SECONDS - start)) s"
echo "$out"
