# Sourced by the scripts that fetch or build into the cache (~/.cache/meshscope): the steps they share. Each sets out
# (what it makes) and log() first.
#
# reuse_if <test...>: when the test holds, says that $out is reused, prints it and ends the script.
reuse_if() {
    if "$@"; then
        log "reusing $out"
        echo "$out"
        exit 0
    fi
}

# lock_and_stage <folder> <test...>: takes the folder's lock for the rest of the script, since another run may be
# filling it; when the test holds now (that run made it meanwhile), prints $out and ends the script. Else sets start
# (for the time taken) and staging, a fresh folder beside the cached ones, removed on exit unless moved into place.
lock_and_stage() {
    local folder=$1
    shift
    mkdir -p "$folder"
    exec 9>"$folder/.lock"
    flock 9
    if "$@"; then
        echo "$out"
        exit 0
    fi
    start=$SECONDS
    staging=$(mktemp -d "$folder/.incoming.XXXXXX")
    trap 'rm -rf "$staging"' EXIT
}
