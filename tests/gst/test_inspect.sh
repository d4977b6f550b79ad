#!/usr/bin/env bash
# gst-inspect-1.0 on the uninstalled plugin (GST_PLUGIN_PATH_1_0 points at the
# build's gst/ folder): the plugin and each element load and print without
# a single warning or critical on stderr, and every property has a blurb.
set -u
if [ -n "${VTC_GST_SANITIZED:-}" ]; then
    echo "SKIP: ${VTC_GST_SANITIZED} build: the system's GStreamer tools cannot load the instrumented plugin"
    exit 77
fi
command -v gst-inspect-1.0 >/dev/null || { echo "SKIP: gst-inspect-1.0 not installed"; exit 77; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
for what in vtcore vtenc vtenc_h264 vttransfer; do
    out=$(gst-inspect-1.0 "$what" 2>"$tmp/err")
    rc=$?
    if [ $rc -ne 0 ]; then
        echo "FAIL: gst-inspect-1.0 $what exited $rc"
        cat "$tmp/err"
        fail=1
        continue
    fi
    if [ -s "$tmp/err" ]; then
        echo "FAIL: gst-inspect-1.0 $what wrote to stderr:"
        cat "$tmp/err"
        fail=1
    fi
    if printf '%s\n' "$out" | grep -Eq 'WARNING|CRITICAL|No such element'; then
        echo "FAIL: gst-inspect-1.0 $what printed a warning"
        fail=1
    fi
    echo "ok: gst-inspect-1.0 $what ($(printf '%s\n' "$out" | wc -l) lines)"
done

# The plugin lists its three features.
feats=$(gst-inspect-1.0 vtcore 2>/dev/null | grep -cE '^  (vtenc|vtenc_h264|vttransfer):')
[ "$feats" -eq 3 ] || { echo "FAIL: plugin lists $feats of 3 elements"; fail=1; }

# Mutable properties say so.
gst-inspect-1.0 vtenc 2>/dev/null | grep -A3 '^  bitrate ' | grep -q 'changeable in NULL, READY, PAUSED or PLAYING state' \
    || { echo "FAIL: vtenc bitrate not shown as changeable while PLAYING"; fail=1; }

exit $fail
