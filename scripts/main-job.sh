#!/usr/bin/env bash
# The README's main job, run by `scripts/setup.sh main` after the build.
set -euo pipefail
builddir=${1:-build}
out=${VTCORE_OUT:-$PWD/vtcore-demo}
mkdir -p "$out"
demo="$builddir/tests/examples/vt_demo"
if [ ! -x "$demo" ]; then
    echo "main job: $demo was not built" >&2
    exit 1
fi
"$demo" "$out"
