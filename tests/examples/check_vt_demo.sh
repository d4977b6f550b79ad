#!/bin/sh
# Runs vt_demo on 60 frames and judges the file with ffprobe (not ours).
set -eu
demo=$1
out=$2
mkdir -p "$out"
"$demo" "$out" 60
file="$out/vt_demo.h264"
if ! command -v ffprobe >/dev/null 2>&1; then
    echo "SKIP: ffprobe not installed; vt_demo ran but its output was not judged"
    exit 77
fi
frames=$(ffprobe -v error -count_frames -select_streams v:0 -show_entries stream=nb_read_frames \
    -of csv=p=0 "$file")
info=$(ffprobe -v error -select_streams v:0 -show_entries stream=codec_name,profile,width,height \
    -of csv=p=0 "$file")
errors=$(ffmpeg -hide_banner -nostdin -v error -i "$file" -f null - 2>&1 | wc -l)
echo "frames=$frames stream=$info decode-errors=$errors"
[ "$frames" = 60 ] && [ "$info" = "h264,High,1280,720" ] && [ "$errors" = 0 ]
