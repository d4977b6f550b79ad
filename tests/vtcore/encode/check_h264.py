#!/usr/bin/env python3
# vtcore - VideoToolbox programming model on Linux
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Judges the x264 backend's output with tools vtcore did not write.

Runs `test_encode_x264 --outdir DIR` (which checks its own outputs and writes
NAME.h264 + NAME.json per scenario), then for every manifest checks with
ffmpeg/ffprobe (see docs judging-h264.md):
  - `ffmpeg -v error` decodes with empty stderr,
  - the exact frame count and the decoded size,
  - key frames (display order) where the encoder said they are,
  - no B pictures when the scenario had none,
  - SPS/PPS/slice header fields through the trace_headers bitstream filter,
  - SAR, PSNR against the raw source, bit-exact decode for lossless,
  - the bit rate from the file size.
Exit 77 (skip) when ffmpeg or ffprobe is missing.

usage: check_h264.py TEST_EXE OUTDIR [FFMPEG FFPROBE]
"""
import glob
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

TRACE_RE = re.compile(r"^\[trace_headers @ [^\]]+\]\s+\d+\s+(\S+)\s+[01]+\s+=\s+(-?\d+)\s*$")


class Checker:
    def __init__(self):
        self.checks = 0
        self.failures = 0
        self.lock = threading.Lock()

    def check(self, name, cond, msg):
        with self.lock:
            self.checks += 1
            if not cond:
                self.failures += 1
                print(f"FAIL {name}: {msg}", flush=True)
        return cond

    def info(self, msg):
        with self.lock:
            print(msg, flush=True)


def run(cmd, **kw):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)


def trace_headers(ffmpeg, path):
    p = run([ffmpeg, "-hide_banner", "-nostdin", "-v", "info", "-f", "h264", "-i", path,
             "-map", "0:v:0", "-c:v", "copy", "-bsf:v", "trace_headers", "-f", "null", "-"])
    fields = {}
    for line in p.stderr.splitlines():
        m = TRACE_RE.match(line)
        if m:
            fields.setdefault(m.group(1), []).append(int(m.group(2)))
    return fields


def psnr(ffmpeg, path, yuv, w, h, fps):
    p = run([ffmpeg, "-hide_banner", "-nostdin", "-f", "h264", "-i", path,
             "-f", "rawvideo", "-pix_fmt", "yuv420p", "-s", f"{w}x{h}", "-framerate", str(fps),
             "-i", yuv, "-lavfi",
             f"[0:v]settb=1/{fps},setpts=N[a];[1:v]settb=1/{fps},setpts=N[b];[a][b]psnr",
             "-f", "null", "-"])
    m = re.search(r"Parsed_psnr.*average:(\S+)", p.stderr)
    if not m:
        return None
    return float("inf") if m.group(1) == "inf" else float(m.group(1))


def md5_file(path):
    h = hashlib.md5()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def gst_decode_md5(gst_launch, path, decoder):
    p = subprocess.run([gst_launch, "-q", "filesrc", f"location={path}", "!", "h264parse", "!",
                        decoder, "!", "video/x-raw,format=I420", "!", "fdsink", "fd=1"],
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    return hashlib.md5(p.stdout).hexdigest() if p.returncode == 0 and p.stdout else None


def find_gst_decoders():
    """gst-launch-1.0 if both avdec_h264 and openh264dec are installed, else None."""
    launch, inspect = shutil.which("gst-launch-1.0"), shutil.which("gst-inspect-1.0")
    if not launch or not inspect:
        return None
    for element in ("avdec_h264", "openh264dec", "h264parse"):
        if run([inspect, "--exists", element]).returncode != 0:
            return None
    return launch


def judge(c, ffmpeg, ffprobe, outdir, m, gst_launch=None):
    name = m["name"]
    path = os.path.join(outdir, m["h264"])

    # 1. clean decode
    p = run([ffmpeg, "-hide_banner", "-nostdin", "-v", "error", "-f", "h264", "-i", path,
             "-f", "null", "-"])
    c.check(name, p.returncode == 0 and p.stderr.strip() == "",
            f"decoder complained (rc {p.returncode}): {p.stderr.strip()[:400]}")

    # 2. frame count, size, picture types and key frames (display order)
    p = run([ffprobe, "-v", "error", "-select_streams", "v:0",
             "-show_entries", "stream=width,height,sample_aspect_ratio:frame=key_frame,pict_type",
             "-of", "json", "-f", "h264", path])
    try:
        info = json.loads(p.stdout)
        st = info["streams"][0]
        frames = info.get("frames", [])
    except (ValueError, KeyError, IndexError):
        c.check(name, False, f"ffprobe failed: {p.stderr.strip()[:200]}")
        return
    c.check(name, len(frames) == m["frames"],
            f"{len(frames)} frames decoded, expected {m['frames']}")
    c.check(name, (st.get("width"), st.get("height")) == (m["width"], m["height"]),
            f"decoded size {st.get('width')}x{st.get('height')}, expected "
            f"{m['width']}x{m['height']}")
    if "sar" in m:
        c.check(name, st.get("sample_aspect_ratio") == m["sar"],
                f"SAR {st.get('sample_aspect_ratio')}, expected {m['sar']}")
    keys = [i for i, f in enumerate(frames) if int(f.get("key_frame", 0)) == 1]
    c.check(name, keys == m["keyframes"], f"key frames at {keys}, expected {m['keyframes']}")
    if m.get("no_b"):
        nb = sum(1 for f in frames if f.get("pict_type") == "B")
        c.check(name, nb == 0, f"{nb} B pictures although the encoder reported none")

    # 4. header fields
    fields = trace_headers(ffmpeg, path)
    slice_types = fields.get("slice_type", [])
    c.check(name, len(slice_types) >= m["frames"], f"only {len(slice_types)} slices traced")
    if m.get("no_b"):
        c.check(name, not any(t % 5 == 1 for t in slice_types), "B slices found")
    for key, want in m.get("headers", {}).items():
        if "=" in key:  # "nal_unit_type=5": N occurrences
            fname, value = key.split("=")
            got = fields.get(fname, []).count(int(value))
            c.check(name, got == want, f"{key} occurs {got} times, expected {want}")
            continue
        values = set(fields.get(key, []))
        c.check(name, values == {want}, f"{key} = {sorted(values)}, expected {want}")

    # 5. quality against the source
    if "psnr_min" in m:
        value = psnr(ffmpeg, path, os.path.join(outdir, m["yuv"]), m["width"], m["height"],
                     m["fps"])
        c.check(name, value is not None and value >= m["psnr_min"],
                f"PSNR {value} dB, expected >= {m['psnr_min']}")
        if value is not None:
            c.info(f"{name}: PSNR {value:.2f} dB")
    if m.get("lossless"):
        dec = os.path.join(outdir, name + ".decoded.yuv")
        p = run([ffmpeg, "-hide_banner", "-nostdin", "-v", "error", "-y", "-f", "h264", "-i", path,
                 "-f", "rawvideo", "-pix_fmt", "yuv420p", dec])
        same = p.returncode == 0 and os.path.exists(dec) and \
            md5_file(dec) == md5_file(os.path.join(outdir, m["yuv"]))
        c.check(name, same, "lossless stream does not decode to the exact source")
        if same:
            os.remove(dec)

    # 6. a second, independent decoder agrees bit for bit (streams without B
    #    frames only: openh264 differs from libavcodec on B-frame streams)
    if m.get("second_decoder") and m.get("no_b") and gst_launch:
        a = gst_decode_md5(gst_launch, path, "avdec_h264")
        b = gst_decode_md5(gst_launch, path, "openh264dec")
        c.check(name, a is not None and a == b, f"avdec_h264 ({a}) and openh264dec ({b}) differ")

    # 7. bit rate from the file (parameter sets included, a few bytes per IDR)
    if "bitrate" in m:
        rate = os.path.getsize(path) * 8.0 * m["fps"] / m["frames"]
        tol = m.get("bitrate_tolerance", 0.10)
        c.check(name, abs(rate - m["bitrate"]) <= tol * m["bitrate"],
                f"file bit rate {rate:.0f}, target {m['bitrate']} +-{tol * 100:.0f}%")
        c.info(f"{name}: {rate:.0f} bit/s (target {m['bitrate']})")


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    exe, outdir = sys.argv[1], sys.argv[2]
    ffmpeg = sys.argv[3] if len(sys.argv) > 3 and sys.argv[3] else shutil.which("ffmpeg")
    ffprobe = sys.argv[4] if len(sys.argv) > 4 and sys.argv[4] else shutil.which("ffprobe")
    if not ffmpeg or not ffprobe:
        print("SKIP: ffmpeg/ffprobe not found; the bitstream cannot be judged")
        return 77

    os.makedirs(outdir, exist_ok=True)
    for old in glob.glob(os.path.join(outdir, "*")):
        if old.endswith((".h264", ".json", ".yuv")):
            os.remove(old)

    env = dict(os.environ, VTCORE_TEST_QUICK="0")  # every scenario, even under a wrapper
    p = subprocess.run([exe, "--outdir", outdir], env=env)
    c = Checker()
    if p.returncode == 77:
        print("SKIP: the encoder test skipped")
        return 77
    c.check("encoder", p.returncode == 0, f"{exe} exited with {p.returncode}")

    manifests = sorted(glob.glob(os.path.join(outdir, "*.json")))
    c.check("encoder", len(manifests) >= 10, f"only {len(manifests)} scenarios written")
    gst_launch = find_gst_decoders()
    if not gst_launch:
        print("note: GStreamer avdec_h264/openh264dec not found; second-decoder checks skipped")
    loaded = []
    for path in manifests:
        with open(path) as f:
            loaded.append(json.load(f))
    # the biggest streams first, the rest in parallel around them
    loaded.sort(key=lambda m: -m["frames"] * m["width"] * m["height"])
    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
        for fut in [pool.submit(judge, c, ffmpeg, ffprobe, outdir, m, gst_launch) for m in loaded]:
            fut.result()

    print(f"{c.checks} checks, {c.failures} failed")
    if c.failures == 0:  # the raw sources are large; keep them only to debug a failure
        for yuv in glob.glob(os.path.join(outdir, "*.yuv")):
            os.remove(yuv)
    return 1 if c.failures else 0


if __name__ == "__main__":
    sys.exit(main())
