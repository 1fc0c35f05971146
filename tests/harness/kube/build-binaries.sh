#!/usr/bin/env bash
# Builds kube-apiserver and etcd for the integration tests from their Go modules, or reuses the ones already in the
# cache. Neither is in Debian in a usable version. Progress goes to stderr; the last line on stdout is the folder
# that holds both binaries. Safe to run again and from several processes at once.
#
# Environment: MESHSCOPE_KUBE_VERSION and MESHSCOPE_ETCD_VERSION override the pinned versions (kube-apiserver 1.31
# and later needs etcd 3.5.11 or newer). GOFLAGS, GOMAXPROCS and the Go caches are the caller's.
set -euo pipefail

kube_version=${MESHSCOPE_KUBE_VERSION:-v1.35.4}
etcd_version=${MESHSCOPE_ETCD_VERSION:-v3.5.35}
cache=${XDG_CACHE_HOME:-$HOME/.cache}/meshscope/kube
out=$cache/bin/kube-apiserver-$kube_version-etcd-$etcd_version
log() { echo "build-binaries: $*" >&2; }

if [ -x "$out/kube-apiserver" ] && [ -x "$out/etcd" ]; then
    log "reusing $out"
    echo "$out"
    exit 0
fi
command -v go >/dev/null || { log "no Go toolchain on PATH: cannot build kube-apiserver and etcd"; exit 1; }
# A go.mod that asks for a newer Go must fail here, not download a toolchain.
export GOTOOLCHAIN=local
mkdir -p "$out" "$cache/src"
exec 9>"$cache/bin/.lock"
flock 9
timed() {
    local what=$1 start=$SECONDS
    shift
    "$@"
    log "$what took $((SECONDS - start)) s"
}

# A scratch module whose go.mod maps every k8s.io staging module of kubernetes to its published v0.X.Y release,
# as kubernetes' own go.mod maps them to ./staging, which a module dependency cannot use.
build_kube_apiserver() {
    local src=$cache/src/kube-apiserver-$kube_version staging=v0.${kube_version#v1.}
    log "building kube-apiserver $kube_version (staging modules $staging) in $src with $(go version)"
    local gomod
    gomod=$(go mod download -json "k8s.io/kubernetes@$kube_version" | sed -n 's/^\s*"GoMod": "\(.*\)",\?$/\1/p')
    [ -f "$gomod" ] || { log "go mod download k8s.io/kubernetes@$kube_version gave no go.mod"; return 1; }
    mkdir -p "$src"
    {
        echo "module meshscope.local/kube-apiserver"
        echo
        sed -n 's/^go \(.*\)$/go \1/p' "$gomod"
        echo
        echo "replace ("
        sed -n 's#^\s*\(k8s\.io/[^ ]*\) => \./staging/src/.*$#\t\1 => \1 '"$staging"'#p' "$gomod"
        echo ")"
    } >"$src/go.mod"
    log "$(grep -c ' => ' "$src/go.mod") replace directives from kubernetes' go.mod"
    (cd "$src" && timed "go get k8s.io/kubernetes/cmd/kube-apiserver@$kube_version" \
        go get "k8s.io/kubernetes/cmd/kube-apiserver@$kube_version")
    local ldflags="-X k8s.io/component-base/version.gitVersion=$kube_version"
    ldflags+=" -X k8s.io/component-base/version.gitMajor=1"
    ldflags+=" -X k8s.io/component-base/version.gitMinor=$(echo "$kube_version" | cut -d. -f2)"
    (cd "$src" && timed "go build kube-apiserver" \
        go build -trimpath -ldflags "$ldflags" -o "$out/kube-apiserver.new" k8s.io/kubernetes/cmd/kube-apiserver)
    mv "$out/kube-apiserver.new" "$out/kube-apiserver"
}

build_etcd() {
    local src=$cache/src/etcd-$etcd_version
    log "building etcd $etcd_version in $src with $(go version)"
    mkdir -p "$src"
    printf 'module meshscope.local/etcd\n\ngo 1.22\n' >"$src/go.mod"
    (cd "$src" && timed "go get go.etcd.io/etcd/server/v3@$etcd_version" \
        go get "go.etcd.io/etcd/server/v3@$etcd_version")
    (cd "$src" && timed "go build etcd" go build -trimpath -o "$out/etcd.new" go.etcd.io/etcd/server/v3)
    mv "$out/etcd.new" "$out/etcd"
}

# Another process may have built them while this one waited for the lock.
[ -x "$out/etcd" ] || build_etcd
[ -x "$out/kube-apiserver" ] || build_kube_apiserver
log "binaries in $out"
echo "$out"
