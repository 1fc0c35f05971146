#!/usr/bin/env bash
# Builds and runs every test: unit, GUI (offscreen) and integration tests in the dev preset, the unit tests
# again under AddressSanitizer and UBSan, and each fuzz target for a bounded time. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
packaging/install-deps.sh
# ccache keys on paths relative to the checkout, so a fresh clone elsewhere still hits the cache in ~/.cache.
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=true

jobs=$(nproc)
werror=()
# CI treats warnings as errors; a developer's build only shows them.
if [ "${CI:-}" = "true" ]; then werror=(-DMESHSCOPE_WERROR=ON); fi

echo "== kube: kube-apiserver, etcd and Knative's CRDs for the integration tests (built once, then cached)"
tests/harness/kube/build-binaries.sh
tests/harness/kube/fetch-crds.sh
echo "== brokers: Kafka's jars for the integration tests (fetched once with Maven, then cached)"
tests/harness/kafka/fetch-kafka.sh
echo "== conformance: the CloudEvents Go SDK receiver (built once, then cached)"
tests/conformance/build-go-tool.sh cereceiver
echo "== cesql: the CloudEvents SQL TCK from the sdk-go sql/v2 module (fetched once, then cached)"
tests/harness/fetch-cesql-tck.sh

echo "== dev: build and run unit, gui and integration tests"
cmake --preset dev "${werror[@]}"
cmake --build --preset dev -j "$jobs"
passed=0
count_passed() { sed -n 's/.*tests passed, 0 tests failed out of \([0-9]*\).*/\1/p' "$1" | tail -n 1; }
log=$(mktemp)
trap 'rm -f "$log"' EXIT
ctest --preset dev -j "$jobs" | tee "$log"
passed=$((passed + $(count_passed "$log")))

echo "== asan: unit tests under AddressSanitizer and UndefinedBehaviorSanitizer"
cmake --preset asan "${werror[@]}"
cmake --build --preset asan -j "$jobs"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --preset asan -j "$jobs" | tee "$log"
passed=$((passed + $(count_passed "$log")))

echo "== fuzz: every parser of outside input for a bounded time"
cmake --preset fuzz "${werror[@]}"
cmake --build --preset fuzz -j "$jobs"
fuzz_seconds=${MESHSCOPE_FUZZ_SECONDS:-30}
corpus_root=${XDG_CACHE_HOME:-$HOME/.cache}/meshscope/fuzz-corpus
fuzzed=0
for target in build/fuzz/tests/fuzz/fuzz_*; do
    [ -f "$target" ] && [ -x "$target" ] || continue
    name=$(basename "$target")
    mkdir -p "$corpus_root/$name"
    seeds=tests/fuzz/corpus/${name#fuzz_}
    "$target" -max_total_time="$fuzz_seconds" -timeout=10 -rss_limit_mb=2048 "$corpus_root/$name" \
        $( [ -d "$seeds" ] && echo "$seeds" ) 2>&1 | tail -n 3
    fuzzed=$((fuzzed + 1))
done
echo "run-all: $fuzzed fuzz targets ran without a crash"
echo "$((passed + fuzzed)) passed, 0 failed"
