#!/usr/bin/env bash
# vtcore set-up: installs the Debian 12 packages, builds, and runs either the
# main job or the whole test suite. Idempotent and non-interactive.
#
#   scripts/setup.sh main            install, build, run the main job
#   scripts/setup.sh test            install, build, run every test
#   options: --werror (CI), --builddir DIR (default: build), --no-install
set -euo pipefail

mode=${1:-}
shift || true
werror=false
install=true
builddir=build
while [ $# -gt 0 ]; do
    case "$1" in
    --werror) werror=true ;;
    --no-install) install=false ;;
    --builddir) builddir=$2; shift ;;
    *) echo "setup.sh: unknown option $1" >&2; exit 2 ;;
    esac
    shift
done
case "$mode" in
main | test) ;;
*)
    echo "usage: scripts/setup.sh main|test [--werror] [--builddir DIR] [--no-install]" >&2
    exit 2
    ;;
esac

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

# What the build needs, and what the tests use to judge our output.
build_pkgs=(meson ninja-build pkg-config gcc g++ python3
    libx264-dev libyuv-dev libva-dev
    libgstreamer1.0-dev libgstreamer-plugins-base1.0-dev
    gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good
    gstreamer1.0-plugins-bad gstreamer1.0-libav ffmpeg)
# The tests also use gst-check, GStreamer's codec parsers and valgrind.
test_pkgs=(libgstreamer-plugins-bad1.0-dev valgrind)

pkgs=("${build_pkgs[@]}")
[ "$mode" = test ] && pkgs+=("${test_pkgs[@]}")

if $install; then
    missing=()
    for p in "${pkgs[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        sudo=""
        [ "$(id -u)" -ne 0 ] && sudo="sudo"
        echo ">> installing: ${missing[*]}"
        export DEBIAN_FRONTEND=noninteractive
        $sudo apt-get update -q </dev/null
        $sudo apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null
    fi
fi

setup_args=()
$werror && setup_args+=(--werror)
if [ -f "$builddir/build.ninja" ]; then
    meson setup --reconfigure "$builddir" "${setup_args[@]}" >/dev/null
else
    meson setup "$builddir" "${setup_args[@]}"
fi
ninja -C "$builddir"

if [ "$mode" = test ]; then
    exec meson test -C "$builddir" --print-errorlogs --num-processes 2
fi

# Main job.
exec "$top/scripts/main-job.sh" "$builddir"
