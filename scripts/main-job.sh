#!/usr/bin/env bash
# The README's main job, run by `scripts/setup.sh main` after the build:
# a real GStreamer pipeline through the uninstalled vtcore plugin,
#
#   videotestsrc num-buffers=300 ! vttransfer ! video/x-raw,format=NV12,width=1280,height=720
#     ! vtenc bitrate=2000 ! h264parse ! mp4mux ! filesink location=vtcore-demo/main-job.mp4
#
# then checks the file's frame count and prints where it is and how to check
# it. Exits non-zero if the pipeline fails or the frame count is wrong.
# Environment: VTCORE_OUT (output folder, default ./vtcore-demo),
# VTCORE_FRAMES (default 300).
set -euo pipefail

builddir=${1:-build}
case "$builddir" in /*) ;; *) builddir="$PWD/$builddir" ;; esac
out_dir=${VTCORE_OUT:-$PWD/vtcore-demo}
frames=${VTCORE_FRAMES:-300}
out="$out_dir/main-job.mp4"
plugin_dir="$builddir/gst"

die() { echo "main job: $*" >&2; exit 1; }

[ -f "$plugin_dir/libgstvtcore.so" ] ||
    die "$plugin_dir/libgstvtcore.so was not built (GStreamer development packages missing?)"
command -v gst-launch-1.0 >/dev/null || die "gst-launch-1.0 not found (package gstreamer1.0-tools)"

# The uninstalled plugin, found through GST_PLUGIN_PATH (the system plugin
# path stays, for videotestsrc, h264parse and mp4mux), with a registry of
# its own so the user's registry does not remember the build tree.
export GST_PLUGIN_PATH="$plugin_dir${GST_PLUGIN_PATH:+:$GST_PLUGIN_PATH}"
export GST_REGISTRY_1_0="$plugin_dir/registry.bin"

gst-inspect-1.0 vtenc >/dev/null 2>&1 || die "the vtcore plugin in $plugin_dir does not load (try: GST_DEBUG=2 gst-inspect-1.0 vtcore)"
for el in videotestsrc mp4mux; do
    gst-inspect-1.0 --exists $el || die "GStreamer element $el missing (packages gstreamer1.0-plugins-base/-good)"
done
parse="! h264parse"
if ! gst-inspect-1.0 --exists h264parse; then
    # vtenc's avc output (with codec_data) goes into mp4mux as it is.
    echo "main job: h264parse not installed (gstreamer1.0-plugins-bad); muxing vtenc's output directly"
    parse=""
fi

mkdir -p "$out_dir"
rm -f "$out"
pipeline="videotestsrc num-buffers=$frames ! vttransfer ! video/x-raw,format=NV12,width=1280,height=720 ! vtenc bitrate=2000 $parse ! mp4mux ! filesink location=$out"
echo "main job: gst-launch-1.0 $pipeline"
log="$out_dir/main-job.log"
# shellcheck disable=SC2086
if ! gst-launch-1.0 -e $pipeline >"$log" 2>&1 || grep -q '^ERROR' "$log"; then
    cat "$log" >&2
    die "the pipeline failed (log: $log)"
fi

# Count the frames in the file: ffprobe when installed, else GStreamer's
# own demuxer (one buffer per frame).
if command -v ffprobe >/dev/null; then
    counted=$(ffprobe -v error -count_frames -select_streams v:0 \
        -show_entries stream=nb_read_frames -of csv=p=0 "$out")
else
    counted=$(gst-launch-1.0 -v filesrc location="$out" ! qtdemux ! fakesink silent=false 2>&1 |
        grep -c 'chain   \*\*\*\*\*\*\*' || true)
fi
[ "$counted" = "$frames" ] || die "$out has $counted frames, expected $frames"

echo
echo "main job: $frames frames of 1280x720 H.264 at 2 Mbit/s, encoded by vtenc (vtcore)"
echo "  playable file: $out ($(stat -c %s "$out") bytes)"
echo "  check it:      ffprobe -v error -count_frames -show_entries stream=codec_name,profile,width,height,nb_read_frames $out"
echo "  play it:       ffplay $out   (or: gst-play-1.0 $out)"
