#!/usr/bin/env bash
# End-to-end pipelines judged by tools we did not write (judging-h264.md):
#   videotestsrc/filesrc ! vttransfer ! vtenc ! h264parse ! mp4mux ! filesink
# checked with ffprobe (frame count, profile, packet timestamps), ffmpeg
# (no decode errors, PSNR against the exact source frames), ffmpeg's
# trace_headers (profile_idc, B slices, IDR spacing) and avdec_h264 (frame
# count and PSNR of GStreamer's own decode).
set -u
if [ -n "${VTC_GST_SANITIZED:-}" ]; then
    echo "SKIP: ${VTC_GST_SANITIZED} build: the system's GStreamer tools cannot load the instrumented plugin"
    exit 77
fi
for tool in gst-launch-1.0 gst-inspect-1.0 ffprobe ffmpeg python3; do
    command -v $tool >/dev/null || { echo "SKIP: $tool not installed"; exit 77; }
done
for el in h264parse mp4mux qtdemux avdec_h264 rawvideoparse videotestsrc; do
    gst-inspect-1.0 --exists $el || { echo "SKIP: GStreamer element $el not installed"; exit 77; }
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
W=320 H=240 N=60

note() { echo "$*"; }
bad() { echo "FAIL: $*"; fail=1; }

launch() {
    # gst-launch exits 0 on many errors; also reject ERROR lines.
    if ! gst-launch-1.0 -q "$@" >"$tmp/launch.log" 2>&1 || grep -q "ERROR" "$tmp/launch.log"; then
        bad "pipeline failed: $*"
        cat "$tmp/launch.log"
        return 1
    fi
}

frames() {
    ffprobe -v error -count_frames -select_streams v:0 -show_entries stream=nb_read_frames -of csv=p=0 "$1"
}

decode_errors() {
    ffmpeg -hide_banner -nostdin -v error -i "$1" -f null - 2>&1 | wc -l
}

headers() {
    ffmpeg -hide_banner -nostdin -v info -i "$1" -map 0:v:0 -c:v copy -bsf:v trace_headers -f null - 2>&1 \
        | awk '/^\[trace_headers/ && NF>=7 {print $5"="$NF}' \
        | grep -E '^(profile_idc|slice_type|nal_unit_type)=' | sort | uniq -c
}

psnr_vs_src() { # file.mp4|yuv, [rawvideo]
    local in_opts=()
    [ "${2:-}" = raw ] && in_opts=(-f rawvideo -pix_fmt yuv420p -s "${W}x${H}" -framerate 30)
    ffmpeg -hide_banner -nostdin "${in_opts[@]}" -i "$1" -f rawvideo -pix_fmt yuv420p -s ${W}x${H} -framerate 30 -i "$tmp/src.yuv" \
        -lavfi "[0:v]settb=1/30,setpts=N[a];[1:v]settb=1/30,setpts=N[b];[a][b]psnr" -f null - 2>&1 \
        | sed -n 's/.*PSNR.* average:\([0-9.inf]*\).*/\1/p' | tail -1
}

ge() { python3 -c "import sys; sys.exit(0 if float('$1' if '$1' != 'inf' else 1e9) >= float('$2') else 1)"; }

# Source frames, kept to judge the encodes (deterministic moving ball).
launch videotestsrc pattern=ball num-buffers=$N ! video/x-raw,format=I420,width=$W,height=$H,framerate=30/1 \
    ! filesink location="$tmp/src.yuv" || exit 1

# 1. I420 -> vttransfer -> NV12 -> vtenc (main) -> h264parse -> mp4mux.
launch filesrc location="$tmp/src.yuv" ! rawvideoparse format=i420 width=$W height=$H framerate=30/1 \
    ! vttransfer ! video/x-raw,format=NV12 ! vtenc bitrate=1000 ! video/x-h264,profile=main \
    ! h264parse ! mp4mux ! filesink location="$tmp/a.mp4"
n=$(frames "$tmp/a.mp4"); [ "$n" = "$N" ] || bad "a.mp4: $n frames, expected $N"
p=$(ffprobe -v error -select_streams v:0 -show_entries stream=profile -of csv=p=0 "$tmp/a.mp4")
[ "$p" = "Main" ] || bad "a.mp4: profile '$p', expected Main"
e=$(decode_errors "$tmp/a.mp4"); [ "$e" = 0 ] || bad "a.mp4: $e decoder error lines"
ts=$(ffprobe -v error -select_streams v:0 -show_entries packet=pts,dts,flags -of csv=p=0 "$tmp/a.mp4" \
    | awk -F, 'BEGIN{p=-1e18} {if($2<=p)b++; if($1<$2)b++; p=$2} END{print b+0}')
[ "$ts" = 0 ] || bad "a.mp4: $ts timestamp violations (DTS not increasing or PTS < DTS)"
q=$(psnr_vs_src "$tmp/a.mp4")
if [ -z "$q" ] || ! ge "$q" 35; then bad "a.mp4: PSNR '$q' dB below 35"; fi
note "a.mp4: $n frames, profile $p, PSNR $q dB"

# The same file decoded by GStreamer's avdec_h264.
launch filesrc location="$tmp/a.mp4" ! qtdemux ! h264parse ! avdec_h264 ! video/x-raw,format=I420 \
    ! filesink location="$tmp/dec.yuv"
size=$(stat -c %s "$tmp/dec.yuv" 2>/dev/null || echo 0)
[ "$size" = $((N * W * H * 3 / 2)) ] || bad "avdec_h264 decoded $((size / (W * H * 3 / 2))) frames, expected $N"
q2=$(psnr_vs_src "$tmp/dec.yuv" raw)
if [ -z "$q2" ] || ! ge "$q2" 35; then bad "avdec_h264 decode: PSNR '$q2' dB below 35"; fi
note "avdec_h264: $((size / (W * H * 3 / 2))) frames, PSNR $q2 dB"

# 2. The README main job, shortened: BGRA 640x480 scaled to NV12 1280x720.
launch videotestsrc num-buffers=30 ! video/x-raw,format=BGRA,width=640,height=480,framerate=30/1 \
    ! vttransfer ! video/x-raw,format=NV12,width=1280,height=720 ! vtenc bitrate=2000 \
    ! h264parse ! mp4mux ! filesink location="$tmp/b.mp4"
n=$(frames "$tmp/b.mp4"); [ "$n" = 30 ] || bad "b.mp4: $n frames, expected 30"
wh=$(ffprobe -v error -select_streams v:0 -show_entries stream=width,height -of csv=p=0 "$tmp/b.mp4")
[ "$wh" = "1280,720" ] || bad "b.mp4: size $wh, expected 1280,720"
e=$(decode_errors "$tmp/b.mp4"); [ "$e" = 0 ] || bad "b.mp4: $e decoder error lines"
note "b.mp4: $n frames, $wh"

# 3. Byte-stream to a file, baseline: SPS says 66, no B slices.
launch videotestsrc num-buffers=30 ! video/x-raw,width=$W,height=$H,framerate=30/1 ! vtenc \
    ! video/x-h264,stream-format=byte-stream,profile=baseline ! filesink location="$tmp/c.h264"
n=$(frames "$tmp/c.h264"); [ "$n" = 30 ] || bad "c.h264: $n frames, expected 30"
h=$(headers "$tmp/c.h264")
echo "$h" | grep -q 'profile_idc=66' || bad "c.h264: profile_idc is not 66: $h"
echo "$h" | grep -Eq 'slice_type=(1|6)$' && bad "c.h264: B slices in a baseline stream"
note "c.h264: $n frames, baseline"

# 4. Live low-latency recipe: no B-frames, an IDR every 10 frames.
launch filesrc location="$tmp/src.yuv" ! rawvideoparse format=i420 width=$W height=$H framerate=30/1 \
    ! vtenc realtime=true allow-frame-reordering=false max-keyframe-interval=10 bitrate=800 \
    ! video/x-h264,stream-format=byte-stream ! filesink location="$tmp/d.h264"
n=$(frames "$tmp/d.h264"); [ "$n" = "$N" ] || bad "d.h264: $n frames, expected $N"
h=$(headers "$tmp/d.h264")
echo "$h" | grep -Eq 'slice_type=(1|6)$' && bad "d.h264: B slices with allow-frame-reordering=false"
idr=$(echo "$h" | awk '$2=="nal_unit_type=5"{print $1}')
[ "${idr:-0}" -ge $((N / 10)) ] || bad "d.h264: ${idr:-0} IDR slices for $N frames with max-keyframe-interval=10"
note "d.h264: $n frames, ${idr:-0} IDR slices"

# 5. A harder source (moving zone plate) at 500 kbit/s: quality floor.
launch videotestsrc pattern=zone-plate kx2=20 ky2=20 kt=1 num-buffers=$N \
    ! video/x-raw,format=I420,width=$W,height=$H,framerate=30/1 ! filesink location="$tmp/src.yuv"
launch filesrc location="$tmp/src.yuv" ! rawvideoparse format=i420 width=$W height=$H framerate=30/1 \
    ! vttransfer ! video/x-raw,format=NV12 ! vtenc bitrate=500 ! h264parse ! mp4mux ! filesink location="$tmp/e.mp4"
n=$(frames "$tmp/e.mp4"); [ "$n" = "$N" ] || bad "e.mp4: $n frames, expected $N"
q=$(psnr_vs_src "$tmp/e.mp4")
if [ -z "$q" ] || ! ge "$q" 38; then bad "e.mp4 (zone plate, 500 kbit/s): PSNR '$q' dB below 38"; fi
note "e.mp4: zone plate at 500 kbit/s, PSNR $q dB"

# 6. bitrate is in kbit/s: 4 s of noise at 500 kbit/s is about 250 kB.
launch videotestsrc pattern=snow num-buffers=120 ! video/x-raw,format=I420,width=$W,height=$H,framerate=30/1 \
    ! vtenc bitrate=500 ! h264parse ! mp4mux ! filesink location="$tmp/f.mp4"
size=$(stat -c %s "$tmp/f.mp4")
{ [ "$size" -ge 125000 ] && [ "$size" -le 400000 ]; } || bad "f.mp4: $size bytes for 4 s at 500 kbit/s (expected 125-400 kB)"
note "f.mp4: $size bytes for 4 s of noise at 500 kbit/s"

# 7. Colorimetry and PAR from caps end up in the VUI.
launch videotestsrc num-buffers=5 ! video/x-raw,format=I420,width=$W,height=$H,framerate=30/1,colorimetry=bt709,pixel-aspect-ratio=4/3 \
    ! vtenc ! video/x-h264,stream-format=byte-stream ! filesink location="$tmp/g.h264"
launch videotestsrc num-buffers=5 ! video/x-raw,format=I420,width=$W,height=$H,framerate=30/1,colorimetry=1:4:0:0 \
    ! vtenc ! video/x-h264,stream-format=byte-stream ! filesink location="$tmp/h.h264"
vui() {
    ffmpeg -hide_banner -nostdin -v info -i "$1" -map 0:v:0 -c:v copy -bsf:v trace_headers -f null - 2>&1 \
        | awk '/^\[trace_headers/ && NF>=7 {print $5"="$NF}' \
        | grep -E '^(colour_primaries|transfer_characteristics|matrix_coefficients|video_full_range_flag|aspect_ratio_idc)=' | sort -u | tr '\n' ' '
}
v=$(vui "$tmp/g.h264")
for want in colour_primaries=1 transfer_characteristics=1 matrix_coefficients=1 video_full_range_flag=0 aspect_ratio_idc=14; do
    case " $v" in *" $want "*) ;; *) bad "g.h264 (bt709, PAR 4/3): no $want in the VUI: $v" ;; esac
done
v=$(vui "$tmp/h.h264")
for want in matrix_coefficients=6 video_full_range_flag=1; do
    case " $v" in *" $want "*) ;; *) bad "h.h264 (BT.601 full range): no $want in the VUI: $v" ;; esac
done
note "VUI: bt709 + PAR 4/3 and full-range BT.601 signalled"

# 8. Sizes: an even size that is not a multiple of 16 is cropped in the SPS
# to exactly that size; an odd size is refused at negotiation with an error
# that says why (H.264 4:2:0 crops only in 2-pixel steps).
launch videotestsrc num-buffers=10 ! video/x-raw,format=I420,width=322,height=242,framerate=30/1 \
    ! vtenc ! video/x-h264,stream-format=byte-stream ! filesink location="$tmp/i.h264"
wh=$(ffprobe -v error -select_streams v:0 -show_entries stream=width,height -of csv=p=0 "$tmp/i.h264")
[ "$wh" = "322,242" ] || bad "i.h264: size $wh, expected 322,242"
n=$(frames "$tmp/i.h264"); [ "$n" = 10 ] || bad "i.h264: $n frames, expected 10"
crop=$(ffmpeg -hide_banner -nostdin -v info -i "$tmp/i.h264" -map 0:v:0 -c:v copy -bsf:v trace_headers -f null - 2>&1 \
    | awk '/^\[trace_headers/ && NF>=7 {print $5"="$NF}' | grep -E '^frame_crop' | sort -u | tr '\n' ' ')
for want in frame_cropping_flag=1 frame_crop_right_offset=7 frame_crop_bottom_offset=7; do
    case " $crop" in *" $want "*) ;; *) bad "i.h264 (322x242): no $want in the SPS: $crop" ;; esac
done
note "i.h264: 322x242, $n frames, SPS cropping $crop"
if gst-launch-1.0 -q videotestsrc num-buffers=3 ! video/x-raw,format=I420,width=321,height=241,framerate=30/1 \
        ! vtenc ! fakesink >"$tmp/odd.log" 2>&1 && ! grep -q "ERROR" "$tmp/odd.log"; then
    bad "321x241 was accepted by vtenc"
fi
why='^ERROR: from element .*Odd frame size 321x241 .*needs an even width and height'
grep -Eq "$why" "$tmp/odd.log" || { bad "321x241: no error from vtenc saying why"; cat "$tmp/odd.log"; }
grep -Eiq "critical|segmentation|abort" "$tmp/odd.log" && { bad "321x241: crash or critical"; cat "$tmp/odd.log"; }
note "321x241 refused: $(grep -Em1 "$why" "$tmp/odd.log")"

exit $fail
