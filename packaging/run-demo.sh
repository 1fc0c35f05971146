#!/usr/bin/env bash
# One command for a new user: install what is missing, build, and launch the embedded demo mesh.
set -euo pipefail
cd "$(dirname "$0")/.."
packaging/install-deps.sh
# ccache keys on paths relative to the checkout, so a fresh clone elsewhere still hits the cache in ~/.cache.
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=true
cmake --preset dev
cmake --build --preset dev --target meshscope
exec build/dev/app/meshscope --demo "$@"
