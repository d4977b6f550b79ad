#!/usr/bin/env python3
# vtcore - VideoToolbox programming model on Linux
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Issue 8 benchmark driver: vtcore and its GStreamer elements side by side
with the GStreamer peers, in one run, interleaved A B A B.

Run it through scripts/bench (which builds what it needs); directly:

    tests/bench/bench.py --builddir BUILD [--quick] [--reps N] [--only LIST]
                         [--outdir DIR] [--shm DIR] [--keep-frames]

What it does, in order:
  1. prepares raw frames once in /dev/shm (ffmpeg: testsrc2 with temporal
     noise, so encoders see motion, texture and noise);
  2. for rep in 1..N: for every comparison row: runs ours, then the peer,
     each in its own process (GStreamer pipelines through bench_gst, C
     programs directly), recording per-run fps, CPU time and the process's
     peak RSS (wait4);
  3. (untimed) one quality run per encoder row: output kept, PSNR against the
     source with ffmpeg, and the x264 settings every encoder was opened with
     (LD_PRELOAD libx264_param_log.so) compared between ours and the peer;
  4. prints markdown tables (medians, min-max, ratios, targets), writes
     results.md, results.json and ratios.png (a bar chart of the ratios) to
     the output directory (default BUILD/bench).

Sections (--only): convert, transfer, encode, e2e, latency, capi.
Nothing here asserts a wall-clock threshold; targets are reported, not enforced.
"""

import argparse
import json
import os
import platform
import re
import shlex
import shutil
import statistics
import struct
import subprocess
import sys
import time
import zlib

W1080, H1080 = 1920, 1080
W720, H720 = 1280, 720
FPS = 30
BITRATE = {1080: 6000, 720: 3000}  # kbit/s: ABR target for every encoder row
X264_KEYINT_INFINITE = 1 << 30  # X264_KEYINT_MAX_INFINITE: what vtcore uses

# ------------------------------------------------------------------------
# helpers


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def median(v):
    return statistics.median(v) if v else float("nan")


def fmt_ratio(x, target=None):
    """A ratio with 2 decimals, 3 when 2 would round a miss up to the target."""
    if x is None or x != x:
        return "n/a"
    if target is not None and x < target <= round(x, 2):
        return f"{x:.3f}"
    return f"{x:.2f}"


def fmt(x, nd=1):
    if x is None or x != x:
        return "n/a"
    return f"{x:.{nd}f}"


def parse_kv(line):
    out = {}
    for tok in line.split():
        if "=" in tok:
            k, v = tok.split("=", 1)
            try:
                out[k] = float(v)
            except ValueError:
                out[k] = v
    return out


class Runner:
    def __init__(self, args):
        self.args = args
        b = args.builddir
        self.bench_gst = os.path.join(b, "tests", "bench", "bench_gst")
        self.bench_enc = os.path.join(b, "tests", "bench", "bench_encode_api")
        self.bench_xfer = os.path.join(b, "tests", "bench", "bench_transfer_api")
        self.shim = os.path.join(b, "tests", "bench", "libx264_param_log.so")
        self.env = dict(os.environ)
        self.env["GST_PLUGIN_PATH"] = os.path.join(b, "gst")
        self.env["GST_PLUGIN_PATH_1_0"] = os.path.join(b, "gst")
        self.env["GST_REGISTRY_1_0"] = os.path.join(args.outdir, "registry.bin")
        self.env["GST_REGISTRY"] = self.env["GST_REGISTRY_1_0"]
        self.env.pop("GST_DEBUG", None)
        self.env["VTCORE_LOG"] = "1"
        self.failures = []

    def run(self, argv, extra_env=None, what=""):
        """Runs one measurement process; returns its key=value dict plus
        maxrss_kb from wait4 (the child's own peak RSS)."""
        env = self.env if not extra_env else {**self.env, **extra_env}
        t0 = time.monotonic()
        p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        out, err = p.communicate()
        # communicate() reaped the child; its rusage is gone. Use the
        # helper's own getrusage report (maxrss_kb) instead; wall is ours.
        wall = time.monotonic() - t0
        res = {}
        for line in out.decode(errors="replace").splitlines():
            if "=" in line:
                res.update(parse_kv(line))
        res["wall_s"] = wall
        res["rc"] = p.returncode
        if "frames_in" in res:  # bench_encode_api names
            res["in_frames"], res["out_frames"] = res["frames_in"], res["frames_out"]
        if p.returncode != 0:
            msg = f"{what or argv[0]}: exit {p.returncode}: {err.decode(errors='replace')[-600:]}"
            self.failures.append(msg)
            log("  FAILED " + msg)
        return res

    def gst(self, pipeline, extra_env=None, what=""):
        return self.run([self.bench_gst, pipeline], extra_env, what)


# ------------------------------------------------------------------------
# raw frames


class Frames:
    def __init__(self, args, n_conv, n_enc):
        self.dir = args.shm
        self.n = max(n_conv, n_enc)
        os.makedirs(self.dir, exist_ok=True)
        self.files = {}

    def path(self, fmt, h):
        return os.path.join(self.dir, f"{fmt}_{h}p_{self.n}.raw")

    def prepare(self):
        src = {
            1080: f"testsrc2=size={W1080}x{H1080}:rate={FPS},noise=alls=8:allf=t",
            720: f"testsrc2=size={W720}x{H720}:rate={FPS},noise=alls=8:allf=t",
        }
        want = [("i420", 1080, "yuv420p"), ("nv12", 1080, "nv12"), ("bgra", 1080, "bgra"),
                ("i420", 720, "yuv420p")]
        for fmt_, h, pix in want:
            p = self.path(fmt_, h)
            self.files[(fmt_, h)] = p
            if os.path.exists(p) and os.path.getsize(p) == self.n * frame_bytes(fmt_, h):
                continue
            log(f"preparing {p} ({self.n} frames)")
            subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", src[h],
                            "-frames:v", str(self.n), "-pix_fmt", pix, "-f", "rawvideo", p],
                           check=True)

    def get(self, fmt_, h):
        return self.files[(fmt_, h)]


def frame_bytes(fmt_, h):
    w = W1080 if h == 1080 else W720
    return w * h * 4 if fmt_ == "bgra" else w * h * 3 // 2


def src_desc(path, fmt_, h, nbuf=None):
    w = W1080 if h == 1080 else W720
    nb = f" num-buffers={nbuf}" if nbuf else ""
    return (f"filesrc name=src location={path} blocksize={frame_bytes(fmt_, h)}{nb} ! "
            f"rawvideoparse width={w} height={h} format={fmt_} framerate={FPS}/1")


# ------------------------------------------------------------------------
# row definitions: each row has variants (label -> callable returning a
# result dict); reps run row by row, variant by variant (A B A B).


class Row:
    def __init__(self, section, name, variants, **meta):
        self.section = section
        self.name = name
        self.variants = variants  # list of (label, fn)
        self.meta = meta
        self.results = {label: [] for label, _ in variants}


CONV_CASES = [
    # name, in fmt, in h, out fmt, out w, out h, target ratio
    ("I420->NV12", "i420", 1080, "NV12", W1080, H1080, 3.0),
    ("NV12->I420", "nv12", 1080, "I420", W1080, H1080, 2.0),
    ("I420->BGRA", "i420", 1080, "BGRA", W1080, H1080, 3.0),
    ("BGRA->I420", "bgra", 1080, "I420", W1080, H1080, 3.0),
    ("BGRA->NV12", "bgra", 1080, "NV12", W1080, H1080, 3.0),
    ("NV12->BGRA", "nv12", 1080, "BGRA", W1080, H1080, 3.0),
    ("I420 1080p->720p", "i420", 1080, "I420", W720, H720, 1.2),
    ("I420 720p->1080p", "i420", 720, "I420", W1080, H1080, 1.2),
]

# recipe -> (vtenc properties, x264enc speed-preset, zerolatency)
RECIPES = {
    "medium": ("", "medium", False),
    "veryfast": ("realtime=true", "veryfast", False),
    "medium-zl": ("max-frame-delay=0", "medium", True),
    "veryfast-zl": ("realtime=true allow-frame-reordering=false", "veryfast", True),
}


def vtenc_desc(recipe, h, name="enc"):
    props = RECIPES[recipe][0]
    return f"vtenc name={name} encoder=x264 bitrate={BITRATE[h]} {props}".strip()


def x264enc_desc(recipe, h, name="enc", threads=None, preset=None):
    _, p, zl = RECIPES[recipe]
    preset = preset or p
    tune = " tune=zerolatency" if zl else ""
    th = f" threads={threads}" if threads else ""
    # vtcore's mapping: ABR with VBV maxrate = bitrate, buffer 2 s (1 s low
    # delay), infinite keyint, no scene cuts, no AUD.
    return (f"x264enc name={name} speed-preset={preset}{tune} bitrate={BITRATE[h]} "
            f"vbv-buf-capacity={1000 if zl else 2000} key-int-max={X264_KEYINT_INFINITE} "
            f"aud=false option-string=scenecut=0{th}")


# Encoding rows (section 3): the same x264 preset, tune and thread count on
# both sides, through vtenc's speed-preset / tune / threads (vtcore's
# X264Preset / X264Tune / ThreadCount keys) and x264enc's properties of the
# same names. name -> (preset, zerolatency, threads; 0 = auto)
ENC_PRESETS = ("ultrafast", "veryfast", "medium")
ENC_RECIPES = {}
for _p in ENC_PRESETS:
    for _zl in (False, True):
        for _t in (0, 1):
            ENC_RECIPES[_p + ("-zl" if _zl else "") + ("-t1" if _t else "")] = (_p, _zl, _t)


def enc_common(zl, threads):
    tune = " tune=zerolatency" if zl else ""
    th = f" threads={threads}" if threads else ""
    return tune + th


def vtenc_enc_desc(recipe, h, name="enc"):
    preset, zl, threads = ENC_RECIPES[recipe]
    return (f"vtenc name={name} encoder=x264 bitrate={BITRATE[h]} "
            f"speed-preset={preset}{enc_common(zl, threads)}")


def x264enc_enc_desc(recipe, h, name="enc"):
    preset, zl, threads = ENC_RECIPES[recipe]
    # vtcore's rate control mapping: ABR with VBV maxrate = bitrate, buffer
    # 2 s (1 s with zero delay), infinite keyint, no scene cuts, no AUD.
    return (f"x264enc name={name} speed-preset={preset}{enc_common(zl, threads)} "
            f"bitrate={BITRATE[h]} vbv-buf-capacity={1000 if zl else 2000} "
            f"key-int-max={X264_KEYINT_INFINITE} aud=false option-string=scenecut=0")


def build_rows(args, R, frames, quick):
    rows = []
    n_enc = args.enc_frames
    only = set(args.only.split(",")) if args.only else None

    def want(s):
        return only is None or s in only

    if want("convert"):
        bases = {}
        for key in [("i420", 1080), ("nv12", 1080), ("bgra", 1080), ("i420", 720)]:
            path = frames.get(*key)
            desc = src_desc(path, *key, nbuf=args.conv_frames) + " ! fakesink name=sink"
            bases[key] = Row("convert-base", f"read {key[0].upper()} {key[1]}p",
                             [("read", lambda d=desc: R.gst(d, what="baseline"))])
            rows.append(bases[key])
        for threads in (1, 2):
            for name, f_in, h_in, f_out, ow, oh, target in CONV_CASES:
                s = src_desc(frames.get(f_in, h_in), f_in, h_in, nbuf=args.conv_frames)
                caps = f"video/x-raw,format={f_out},width={ow},height={oh}"
                ours = f"{s} ! vttransfer n-threads={threads} ! {caps} ! fakesink name=sink"
                peer = f"{s} ! videoconvertscale n-threads={threads} ! {caps} ! fakesink name=sink"
                rows.append(Row("convert", f"{name} {threads}t",
                                [("vttransfer", lambda d=ours: R.gst(d, what="vttransfer")),
                                 ("videoconvertscale",
                                  lambda d=peer: R.gst(d, what="videoconvertscale"))],
                                pair=name, threads=threads, target=target,
                                base=bases[(f_in, h_in)]))

    if want("encode"):
        res_list = [720, 1080]
        for h in res_list:
            path = frames.get("i420", h)
            for recipe in ENC_RECIPES:
                if quick and h == 1080 and recipe.startswith("medium"):
                    continue  # the slowest rows; the full run has them
                s = src_desc(path, "i420", h, nbuf=n_enc)
                ours = f"{s} ! {vtenc_enc_desc(recipe, h)} ! fakesink name=sink"
                peer = f"{s} ! {x264enc_enc_desc(recipe, h)} ! fakesink name=sink"
                rows.append(Row("encode", f"{h}p {recipe}",
                                [("vtenc", lambda d=ours: R.gst(d, what="vtenc")),
                                 ("x264enc", lambda d=peer: R.gst(d, what="x264enc"))],
                                h=h, recipe=recipe, target=1.0, src=path,
                                q_ours=(f"{s} ! {vtenc_enc_desc(recipe, h)} ! h264parse ! "
                                        "video/x-h264,stream-format=byte-stream ! "
                                        "filesink name=sink location={out}"),
                                q_peer=(f"{s} ! {x264enc_enc_desc(recipe, h)} ! "
                                        "video/x-h264,stream-format=byte-stream ! "
                                        "filesink name=sink location={out}")))

    if want("e2e"):
        h = 1080
        path = frames.get("bgra", h)
        for recipe in (["veryfast"] if quick else ["veryfast", "medium"]):
            s = src_desc(path, "bgra", h, nbuf=n_enc)
            a1 = (f"{s} ! vttransfer ! video/x-raw,format=NV12 ! {vtenc_desc(recipe, h)} ! "
                  "fakesink name=sink")
            a2 = f"{s} ! {vtenc_desc(recipe, h)} ! fakesink name=sink"
            b = (f"{s} ! videoconvertscale ! video/x-raw,format=I420 ! "
                 f"{x264enc_desc(recipe, h)} ! fakesink name=sink")
            variants = [("vttransfer ! vtenc", lambda d=a1: R.gst(d, what="e2e vt")),
                        ("vtenc (BGRA in)", lambda d=a2: R.gst(d, what="e2e vtenc")),
                        ("videoconvertscale ! x264enc", lambda d=b: R.gst(d, what="e2e peer"))]
            if not quick:
                b2 = (f"{s} ! videoconvertscale n-threads=2 ! video/x-raw,format=I420 ! "
                      f"{x264enc_desc(recipe, h)} ! fakesink name=sink")
                variants.append(("videoconvertscale n-threads=2 ! x264enc",
                                 lambda d=b2: R.gst(d, what="e2e peer 2t")))
            rows.append(Row("e2e", f"BGRA {h}p {recipe}", variants, recipe=recipe, target=1.15))

    if want("latency"):
        h = 720
        path = frames.get("i420", h)
        s = src_desc(path, "i420", h, nbuf=args.lat_frames) + " ! identity sync=true"
        v_zl = f"{s} ! {vtenc_desc('veryfast-zl', h)} ! fakesink name=sink"
        v_rt = f"{s} ! {vtenc_desc('veryfast', h)} ! fakesink name=sink"
        x_zl = f"{s} ! {x264enc_desc('veryfast-zl', h)} ! fakesink name=sink"
        rows.append(Row("latency", f"{h}p{FPS} live, GStreamer",
                        [("vtenc realtime=true allow-frame-reordering=false",
                          lambda d=v_zl: R.gst(d, what="latency vtenc zl")),
                         ("vtenc realtime=true", lambda d=v_rt: R.gst(d, what="latency vtenc rt")),
                         ("x264enc tune=zerolatency veryfast",
                          lambda d=x_zl: R.gst(d, what="latency x264enc"))]))
        api = [R.bench_enc, "--input", path, "--width", str(W720), "--height", str(H720),
               "--frames", str(args.lat_frames), "--recipe", "veryfast-zl", "--pace", str(FPS),
               "--bitrate", str(BITRATE[h])]
        rows.append(Row("latency", f"{h}p{FPS} live, C API",
                        [("VTCompressionSession (RealTime, no reordering)",
                          lambda a=api: R.run(a + ["--mode", "vt"], what="latency capi vt")),
                         ("x264 direct (veryfast, zerolatency)",
                          lambda a=api: R.run(a + ["--mode", "x264"], what="latency capi x264"))]))

    if want("capi"):
        for h in ([720] if quick else [720, 1080]):
            path = frames.get("i420", h)
            w = W1080 if h == 1080 else W720
            for recipe in RECIPES:
                api = [R.bench_enc, "--input", path, "--width", str(w), "--height", str(h),
                       "--frames", str(n_enc), "--recipe", recipe, "--bitrate", str(BITRATE[h])]
                rows.append(Row("capi", f"{h}p {recipe}",
                                [("vtcore session", lambda a=api: R.run(a + ["--mode", "vt"],
                                                                        what="capi vt")),
                                 ("x264 direct", lambda a=api: R.run(a + ["--mode", "x264"],
                                                                     what="capi x264"))],
                                h=h, recipe=recipe, api=api, target=1.0))
    return rows


# ------------------------------------------------------------------------
# quality and settings (untimed)


def psnr(ref, enc, w, h, nframes):
    """Average PSNR of the decoded stream against the source, frames paired
    by index in display order (raw H.264 carries no reliable timestamps)."""
    p = subprocess.run(["ffmpeg", "-hide_banner", "-nostats", "-v", "info", "-f", "rawvideo",
                        "-pix_fmt", "yuv420p", "-s", f"{w}x{h}", "-r", str(FPS), "-i", ref,
                        "-i", enc, "-frames:v", str(nframes), "-lavfi",
                        ("[1:v]format=yuv420p,settb=1/30,setpts=N[d];[0:v]settb=1/30,setpts=N[r];"
                         "[d][r]psnr=shortest=1"), "-f", "null", "-"],
                       capture_output=True, text=True)
    m = re.search(r"PSNR y:([\d.inf]+) u:([\d.inf]+) v:([\d.inf]+) average:([\d.inf]+)", p.stderr)
    decoded = None
    m2 = re.findall(r"frame=\s*(\d+)", p.stderr)
    if m2:
        decoded = int(m2[-1])
    return (float(m.group(4)) if m else float("nan")), decoded


def x264_settings(R, argv_or_desc, is_gst, out):
    """Runs once with the param-log shim; returns the settings lines."""
    log_path = out + ".params"
    if os.path.exists(log_path):
        os.unlink(log_path)
    extra = {"LD_PRELOAD": R.shim, "BENCH_X264_PARAMS": log_path}
    if is_gst:
        res = R.gst(argv_or_desc.replace("{out}", out), extra, what="quality run")
    else:
        res = R.run(argv_or_desc + ["--out", out], extra, what="quality run")
    lines = []
    if os.path.exists(log_path):
        with open(log_path) as f:
            lines = [ln.strip() for ln in f if ln.strip()]
        os.unlink(log_path)
    return res, lines


def settings_diff(a, b):
    """Differences between two x264_param2string texts (last encoder opened)."""
    if not a or not b:
        return "not captured"
    ta = dict(t.split("=", 1) if "=" in t else (t, "") for t in a[-1].split())
    tb = dict(t.split("=", 1) if "=" in t else (t, "") for t in b[-1].split())
    diffs = []
    for k in sorted(set(ta) | set(tb)):
        if ta.get(k) != tb.get(k):
            diffs.append(f"{k}: {ta.get(k, '-')} vs {tb.get(k, '-')}")
    if not diffs:
        return "identical"
    if len(diffs) == 1 and diffs[0].startswith("timebase:"):
        # x264enc always sets b_vfr_input=0 when the caps have a frame rate
        # (timebase = 1/fps); vtcore keeps VFR input unless low delay.
        return "identical except VFR/CFR input (" + diffs[0] + ")"
    return "; ".join(diffs)


def quality(R, rows, args):
    for row in rows:
        if row.section == "encode":
            h = row.meta["h"]
            w = W1080 if h == 1080 else W720
            q = {}
            for label, key in (("vtenc", "q_ours"), ("x264enc", "q_peer")):
                out = os.path.join(args.shm, f"q_{h}_{row.meta['recipe']}_{label}.h264")
                res, lines = x264_settings(R, row.meta[key], True, out)
                p, dec = psnr(row.meta["src"], out, w, h, args.enc_frames)
                q[label] = {"psnr": p, "decoded": dec, "params": lines,
                            "bytes": os.path.getsize(out) if os.path.exists(out) else 0}
                if os.path.exists(out):
                    os.unlink(out)
            q["settings"] = settings_diff(q["vtenc"]["params"], q["x264enc"]["params"])
            row.meta["quality"] = q
        elif row.section == "capi":
            h = row.meta["h"]
            w = W1080 if h == 1080 else W720
            q = {}
            for label, mode in (("vt", "vt"), ("x264", "x264")):
                out = os.path.join(args.shm, f"qc_{h}_{row.meta['recipe']}_{label}.h264")
                res, lines = x264_settings(R, row.meta["api"] + ["--mode", mode], False, out)
                p, dec = psnr(row.meta["api"][2], out, w, h, args.enc_frames)
                q[label] = {"psnr": p, "decoded": dec, "params": lines}
                if os.path.exists(out):
                    os.unlink(out)
            q["settings"] = settings_diff(q["vt"]["params"], q["x264"]["params"])
            row.meta["quality"] = q


# ------------------------------------------------------------------------
# summarising


def stat(results, key):
    v = [r[key] for r in results if r.get("rc") == 0 and key in r]
    if not v:
        return float("nan"), float("nan"), float("nan")
    return median(v), min(v), max(v)


def cpu_per_frame(results):
    """Median CPU ms per output frame over the runs (cpu_run_ms / frames)."""
    v = []
    for r in results:
        n = r.get("frames", r.get("frames_out", 0))
        if r.get("rc") == 0 and r.get("cpu_run_ms", -1) >= 0 and n:
            v.append(r["cpu_run_ms"] / n)
    return median(v)


def fps_ms(fps):
    return 1e3 / fps if fps and fps == fps and fps > 0 else float("nan")


def summarize(rows, transfer, args):
    md = []
    chart = []  # (label, ratio, target, higher_is_better)
    targets = []

    def rss_mb(results):
        v = [r.get("maxrss_kb", 0) for r in results if r.get("rc") == 0]
        return max(v) / 1024 if v else float("nan")

    # 1. conversion
    conv = [r for r in rows if r.section == "convert"]
    if conv:
        md.append("## 1. Conversion at 1080p: vttransfer vs videoconvertscale (GStreamer)\n")
        md.append(f"{args.conv_frames} frames per run from /dev/shm, {args.reps} runs each, "
                  "interleaved. fps = frames / (first buffer read -> EOS at fakesink); "
                  "median (min-max). net = per-frame time minus the read-only baseline "
                  "(filesrc ! rawvideoparse ! fakesink of the same file).\n")
        md.append("CPU = user+system time of the pipeline process over the same interval, per "
                  "frame: on a loaded machine it moves less than wall time (a single-threaded "
                  "pipeline's throughput on an idle core is 1/CPU per frame).\n")
        md.append("cap = peer CPU / baseline CPU per frame: the gross CPU ratio a converter "
                  "costing nothing would reach, because both pipelines pay the read.\n")
        md.append("| pair | threads | vttransfer fps | videoconvertscale fps | ratio gross | "
                  "ratio net | CPU ms/frame ours/peer | CPU ratio gross | CPU ratio net | cap | "
                  "target (fps gross) | peak RSS MB ours/peer |")
        md.append("|---|---|---|---|---|---|---|---|---|---|---|---|")
        for r in conv:
            a, alo, ahi = stat(r.results["vttransfer"], "fps")
            b, blo, bhi = stat(r.results["videoconvertscale"], "fps")
            base, _, _ = stat(r.meta["base"].results["read"], "fps")
            gross = a / b
            na = fps_ms(a) - fps_ms(base)
            nb = fps_ms(b) - fps_ms(base)
            net = nb / na if na > 0 else float("nan")
            t = r.meta["target"]
            ok = gross >= t
            ca = cpu_per_frame(r.results["vttransfer"])
            cb = cpu_per_frame(r.results["videoconvertscale"])
            cbase = cpu_per_frame(r.meta["base"].results["read"])
            cnet = (cb - cbase) / (ca - cbase) if ca > cbase else float("nan")
            md.append(f"| {r.meta['pair']} | {r.meta['threads']} | {fmt(a, 0)} ({fmt(alo, 0)}-"
                      f"{fmt(ahi, 0)}) | {fmt(b, 0)} ({fmt(blo, 0)}-{fmt(bhi, 0)}) | "
                      f"**{fmt_ratio(gross, t)}x** | {fmt(net, 2)}x | {fmt(ca, 2)}/{fmt(cb, 2)} | "
                      f"{fmt(cb / ca, 2)}x | {fmt(cnet, 2)}x | {fmt(cb / cbase, 2)}x | "
                      f">= {t}x {'ok' if ok else 'MISSED'}"
                      f" | {fmt(rss_mb(r.results['vttransfer']))}/"
                      f"{fmt(rss_mb(r.results['videoconvertscale']))} |")
            chart.append((f"CONV {r.meta['pair']} {r.meta['threads']}T", gross, t, cb / ca))
            targets.append((f"vttransfer {r.meta['pair']} n-threads={r.meta['threads']}",
                            f">= {t}x", f"{fmt_ratio(gross, t)}x gross ({fmt(net, 2)}x net); CPU "
                            f"{fmt(cb / ca, 2)}x gross, {fmt(cnet, 2)}x net", ok))
            rss_ok = rss_mb(r.results["vttransfer"]) <= rss_mb(r.results["videoconvertscale"])
            if r.meta["threads"] == 1:
                targets.append((f"peak RSS vttransfer {r.meta['pair']}", "<= videoconvertscale",
                                f"{fmt(rss_mb(r.results['vttransfer']))} vs "
                                f"{fmt(rss_mb(r.results['videoconvertscale']))} MB", rss_ok))
        bases = [r for r in rows if r.section == "convert-base"]
        md.append("\nRead-only baselines: " + ", ".join(
            f"{r.name} {fmt(stat(r.results['read'], 'fps')[0], 0)} fps "
            f"({fmt(cpu_per_frame(r.results['read']), 2)} ms CPU/frame)" for r in bases) + "\n")

    # 2. transfer C API
    if transfer:
        md.append("## 2. VTPixelTransferSession C API vs libyuv kernel vs memcpy (1080p)\n")
        md.append(f"One process, {transfer[0].get('iters', 0):.0f} iterations, the four variants "
                  "interleaved in rotating order; ms per frame, median (min-max). "
                  "api = VTPixelTransferSessionTransferImage (ThreadCount 1 / 2).\n")
        md.append("| pair | api 1 thread | api 2 threads | libyuv kernel | memcpy | api/libyuv | "
                  "libyuv/memcpy | target api/libyuv |")
        md.append("|---|---|---|---|---|---|---|---|")
        for t in transfer:
            def cell(v):
                return (f"{t[v + '_med']:.3f} ({t[v + '_min']:.3f}-{t[v + '_max']:.3f})")
            ratio = t["api1_med"] / t["libyuv_med"]
            ok = ratio <= 1.5
            md.append(f"| {t['case']} | {cell('api1')} | {cell('api2')} | {cell('libyuv')} | "
                      f"{cell('memcpy')} | **{ratio:.2f}x** | "
                      f"{t['libyuv_med'] / t['memcpy_med']:.2f}x | <= 1.5x "
                      f"{'ok' if ok else 'MISSED'} |")
            chart.append((f"API {t['case']} LIBYUV/API", t["libyuv_med"] / t["api1_med"],
                          1 / 1.5, None))
            targets.append((f"C API transfer {t['case']}", "<= 1.5x libyuv", f"{ratio:.2f}x", ok))
        md.append("")

    # 3. encoding
    enc = [r for r in rows if r.section == "encode"]
    if enc:
        md.append("## 3. Encoding: vtenc vs x264enc, identical x264 settings\n")
        md.append(f"{args.enc_frames} I420 frames per run, ABR {BITRATE[720]} kbit/s (720p) / "
                  f"{BITRATE[1080]} kbit/s (1080p). Recipe = x264 preset, '-zl' = "
                  "tune=zerolatency, '-t1' = threads=1 (else threads auto), given to both "
                  "elements with the same property names (vtenc: speed-preset, tune, threads). "
                  "fps median (min-max). 'settings' compares the x264_param2string of the "
                  "encoder each element opened (LD_PRELOAD shim).\n")
        md.append("| res | recipe | vtenc fps | x264enc fps | ratio | CPU ms/frame v/x | "
                  "frames out v/x | kbit/s v/x | PSNR dB v/x | peak RSS MB v/x | x264 settings |")
        md.append("|---|---|---|---|---|---|---|---|---|---|---|")
        for r in enc:
            a, alo, ahi = stat(r.results["vtenc"], "fps")
            b, blo, bhi = stat(r.results["x264enc"], "fps")
            fa = stat(r.results["vtenc"], "frames")[0]
            fb = stat(r.results["x264enc"], "frames")[0]
            ka = stat(r.results["vtenc"], "bytes")[0] * 8 / (fa / FPS) / 1e3 if fa else 0
            kb = stat(r.results["x264enc"], "bytes")[0] * 8 / (fb / FPS) / 1e3 if fb else 0
            q = r.meta.get("quality", {})
            pa = q.get("vtenc", {}).get("psnr", float("nan"))
            pb = q.get("x264enc", {}).get("psnr", float("nan"))
            ratio = a / b
            ok = ratio >= 1.0
            ra, rb = rss_mb(r.results["vtenc"]), rss_mb(r.results["x264enc"])
            md.append(f"| {r.meta['h']}p | {r.meta['recipe']} | {fmt(a)} ({fmt(alo)}-{fmt(ahi)})"
                      f" | {fmt(b)} ({fmt(blo)}-{fmt(bhi)}) | **{fmt(ratio, 2)}x** | "
                      f"{fmt(cpu_per_frame(r.results['vtenc']), 1)}/"
                      f"{fmt(cpu_per_frame(r.results['x264enc']), 1)} | "
                      f"{fmt(fa, 0)}/{fmt(fb, 0)} | {fmt(ka, 0)}/{fmt(kb, 0)} | "
                      f"{fmt(pa, 2)}/{fmt(pb, 2)} | {fmt(ra)}/{fmt(rb)} | "
                      f"{q.get('settings', 'not checked')} |")
            cr = cpu_per_frame(r.results["x264enc"]) / cpu_per_frame(r.results["vtenc"])
            chart.append((f"ENC {r.meta['h']}P {r.meta['recipe']}", ratio, 1.0, cr))
            targets.append((f"vtenc {r.meta['h']}p {r.meta['recipe']}", ">= 1.00x x264enc",
                            f"{fmt(ratio, 2)}x fps; CPU {fmt(cr, 2)}x", ok))
            targets.append((f"peak RSS vtenc {r.meta['h']}p {r.meta['recipe']}", "<= x264enc",
                            f"{fmt(ra)} vs {fmt(rb)} MB", ra <= rb))
        md.append("")

    # 4. end to end
    e2e = [r for r in rows if r.section == "e2e"]
    if e2e:
        md.append("## 4. End to end from BGRA 1080p\n")
        md.append("Element defaults otherwise (vttransfer n-threads=0 = auto, videoconvertscale "
                  "n-threads=1); ours hands NV12 (x264's native layout) to the encoder, the "
                  "peer I420. fps median (min-max); ratio against videoconvertscale ! x264enc.\n")
        md.append("| recipe | pipeline | fps | ratio | CPU ms/frame | peak RSS MB |")
        md.append("|---|---|---|---|---|---|")
        for r in e2e:
            peer_label = "videoconvertscale ! x264enc"
            b = stat(r.results[peer_label], "fps")[0]
            for label, _ in r.variants:
                a, alo, ahi = stat(r.results[label], "fps")
                ratio = a / b
                md.append(f"| {r.meta['recipe']} | `{label}` | {fmt(a)} ({fmt(alo)}-{fmt(ahi)})"
                          f" | {fmt(ratio, 2)}x | {fmt(cpu_per_frame(r.results[label]), 1)} | "
                          f"{fmt(rss_mb(r.results[label]))} |")
                if label.startswith("vt"):
                    cr = (cpu_per_frame(r.results[peer_label]) /
                          cpu_per_frame(r.results[label]))
                    chart.append((f"E2E {r.meta['recipe']} {label.split()[0].upper()}"
                                  f"{' ALONE' if label.startswith('vtenc') else ''}",
                                  ratio, 1.15, cr))
                    targets.append((f"end to end {r.meta['recipe']}: {label}",
                                    ">= 1.15x", f"{fmt(ratio, 2)}x fps; CPU {fmt(cr, 2)}x",
                                    ratio >= 1.15))
                    targets.append((f"peak RSS end to end {r.meta['recipe']}: {label}",
                                    "<= peer", f"{fmt(rss_mb(r.results[label]))} vs "
                                    f"{fmt(rss_mb(r.results[peer_label]))} MB",
                                    rss_mb(r.results[label]) <= rss_mb(r.results[peer_label])))
        md.append("")

    # 5. latency
    lat = [r for r in rows if r.section == "latency"]
    if lat:
        md.append("## 5. Latency (live source paced at 30 fps)\n")
        md.append("delay = frames submitted before the first output came out, minus one "
                  "(0: frame N's output is out before frame N+1 goes in); latency = submit of a "
                  "frame -> its output, median / max over the frames, medians over runs.\n")
        md.append("| setup | encoder | delay frames | latency median ms | latency max ms | "
                  "frames in/out |")
        md.append("|---|---|---|---|---|---|")
        for r in lat:
            for label, _ in r.variants:
                res = r.results[label]
                d = stat(res, "delay_frames")
                md.append(f"| {r.name} | {label} | {fmt(d[0], 0)} ({fmt(d[1], 0)}-{fmt(d[2], 0)})"
                          f" | {fmt(stat(res, 'lat_med_ms')[0], 2)} | "
                          f"{fmt(stat(res, 'lat_max_ms')[0], 2)} | "
                          f"{fmt(stat(res, 'in_frames')[0], 0)}/"
                          f"{fmt(stat(res, 'out_frames')[0], 0)} |")
                if "allow-frame-reordering=false" in label or "no reordering" in label:
                    targets.append((f"realtime recipe delay ({r.name})", "0 frames",
                                    fmt(d[2], 0) + " (max over runs)", d[2] == 0))
        md.append("")

    # 6. C API overhead
    capi = [r for r in rows if r.section == "capi"]
    if capi:
        md.append("## 6. C API: VTCompressionSession vs x264 called directly, same frames\n")
        md.append("Frames wrapped without copy on both sides; encoder opened before the clock; "
                  "clock stops after the flush. overhead = (time vt - time x264) / frames.\n")
        md.append("| res | recipe | session fps | x264 fps | ratio | overhead ms/frame | "
                  "CPU ms/frame v/x | PSNR v/x | peak RSS MB v/x | x264 settings |")
        md.append("|---|---|---|---|---|---|---|---|---|---|")
        for r in capi:
            a, alo, ahi = stat(r.results["vtcore session"], "fps")
            b, blo, bhi = stat(r.results["x264 direct"], "fps")
            ma = stat(r.results["vtcore session"], "ms")[0]
            mb = stat(r.results["x264 direct"], "ms")[0]
            n = stat(r.results["vtcore session"], "frames_out")[0]
            q = r.meta.get("quality", {})
            md.append(f"| {r.meta['h']}p | {r.meta['recipe']} | {fmt(a)} ({fmt(alo)}-{fmt(ahi)})"
                      f" | {fmt(b)} ({fmt(blo)}-{fmt(bhi)}) | **{fmt(a / b, 3)}x** | "
                      f"{fmt((ma - mb) / n if n else float('nan'), 3)} | "
                      f"{fmt(cpu_per_frame(r.results['vtcore session']), 2)}/"
                      f"{fmt(cpu_per_frame(r.results['x264 direct']), 2)} | "
                      f"{fmt(q.get('vt', {}).get('psnr'), 2)}/"
                      f"{fmt(q.get('x264', {}).get('psnr'), 2)} | "
                      f"{fmt(rss_mb(r.results['vtcore session']))}/"
                      f"{fmt(rss_mb(r.results['x264 direct']))} | "
                      f"{q.get('settings', 'not checked')} |")
            chart.append((f"CAPI {r.meta['h']}P {r.meta['recipe']}", a / b, 1.0,
                          cpu_per_frame(r.results["x264 direct"]) /
                          cpu_per_frame(r.results["vtcore session"])))
        md.append("")

    if targets:
        md.insert(0, "## Targets of issue 8 (this run)\n\n| target | wanted | measured | |\n"
                  "|---|---|---|---|\n" + "\n".join(
                      f"| {t[0]} | {t[1]} | {t[2]} | {'ok' if t[3] else '**MISSED**'} |"
                      for t in targets) + "\n")
    return "\n".join(md), chart


# ------------------------------------------------------------------------
# PNG bar chart without any library (zlib + a 5x7 bitmap font)

FONT_ROWS = """
A .###. #...# #...# ##### #...# #...# #...#
B ####. #...# #...# ####. #...# #...# ####.
C .###. #...# #.... #.... #.... #...# .###.
D ####. #...# #...# #...# #...# #...# ####.
E ##### #.... #.... ####. #.... #.... #####
F ##### #.... #.... ####. #.... #.... #....
G .###. #...# #.... #.### #...# #...# .####
H #...# #...# #...# ##### #...# #...# #...#
I .###. ..#.. ..#.. ..#.. ..#.. ..#.. .###.
J ..### ...#. ...#. ...#. ...#. #..#. .##..
K #...# #..#. #.#.. ##... #.#.. #..#. #...#
L #.... #.... #.... #.... #.... #.... #####
M #...# ##.## #.#.# #.#.# #...# #...# #...#
N #...# #...# ##..# #.#.# #..## #...# #...#
O .###. #...# #...# #...# #...# #...# .###.
P ####. #...# #...# ####. #.... #.... #....
Q .###. #...# #...# #...# #.#.# #..#. .##.#
R ####. #...# #...# ####. #.#.. #..#. #...#
S .#### #.... #.... .###. ....# ....# ####.
T ##### ..#.. ..#.. ..#.. ..#.. ..#.. ..#..
U #...# #...# #...# #...# #...# #...# .###.
V #...# #...# #...# #...# #...# .#.#. ..#..
W #...# #...# #...# #.#.# #.#.# #.#.# .#.#.
X #...# #...# .#.#. ..#.. .#.#. #...# #...#
Y #...# #...# .#.#. ..#.. ..#.. ..#.. ..#..
Z ##### ....# ...#. ..#.. .#... #.... #####
0 .###. #...# #..## #.#.# ##..# #...# .###.
1 ..#.. .##.. ..#.. ..#.. ..#.. ..#.. .###.
2 .###. #...# ....# ...#. ..#.. .#... #####
3 ##### ...#. ..#.. ...#. ....# #...# .###.
4 ...#. ..##. .#.#. #..#. ##### ...#. ...#.
5 ##### #.... ####. ....# ....# #...# .###.
6 ..##. .#... #.... ####. #...# #...# .###.
7 ##### ....# ...#. ..#.. .#... .#... .#...
8 .###. #...# #...# .###. #...# #...# .###.
9 .###. #...# #...# .#### ....# ...#. .##..
. ..... ..... ..... ..... ..... .##.. .##..
- ..... ..... ..... ##### ..... ..... .....
> .#... ..#.. ...#. ....# ...#. ..#.. .#...
< ...#. ..#.. .#... #.... .#... ..#.. ...#.
( ...#. ..#.. .#... .#... .#... ..#.. ...#.
) .#... ..#.. ...#. ...#. ...#. ..#.. .#...
/ ....# ...#. ...#. ..#.. .#... .#... #....
: ..... .##.. .##.. ..... .##.. .##.. .....
= ..... ..... ##### ..... ##### ..... .....
+ ..... ..#.. ..#.. ##### ..#.. ..#.. .....
, ..... ..... ..... ..... .##.. ..#.. .#...
% ##... ##..# ...#. ..#.. .#... #..## ...##
_ ..... ..... ..... ..... ..... ..... #####
! ..#.. ..#.. ..#.. ..#.. ..#.. ..... ..#..
* ..... ..#.. #.#.# .###. #.#.# ..#.. .....
? .###. #...# ....# ...#. ..#.. ..... ..#..
"""
FONT = {ln[0]: "".join(ln[2:].split()) for ln in FONT_ROWS.strip("\n").splitlines()}
FONT[" "] = "." * 35


class Canvas:
    def __init__(self, w, h):
        self.w, self.h = w, h
        self.px = bytearray(b"\xff" * (w * h * 3))

    def rect(self, x0, y0, x1, y1, c):
        x0, x1 = max(0, int(x0)), min(self.w, int(x1))
        y0, y1 = max(0, int(y0)), min(self.h, int(y1))
        if x1 <= x0:
            return
        row = bytes(c) * (x1 - x0)
        for y in range(y0, y1):
            o = (y * self.w + x0) * 3
            self.px[o:o + len(row)] = row

    def text(self, x, y, s, c=(0, 0, 0), scale=2):
        for ch in s.upper():
            g = FONT.get(ch, FONT["?"])
            for gy in range(7):
                for gx in range(5):
                    if g[gy * 5 + gx] == "#":
                        self.rect(x + gx * scale, y + gy * scale, x + (gx + 1) * scale,
                                  y + (gy + 1) * scale, c)
            x += 6 * scale

    def png(self, path):
        raw = b"".join(b"\x00" + bytes(self.px[y * self.w * 3:(y + 1) * self.w * 3])
                       for y in range(self.h))

        def chunk(t, d):
            return (struct.pack(">I", len(d)) + t + d +
                    struct.pack(">I", zlib.crc32(t + d) & 0xffffffff))
        data = (b"\x89PNG\r\n\x1a\n" +
                chunk(b"IHDR", struct.pack(">IIBBBBB", self.w, self.h, 8, 2, 0, 0, 0)) +
                chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))
        with open(path, "wb") as f:
            f.write(data)


def chart_png(items, path, title):
    """items: (label, ratio ours/peer (>1 = ours better), target or None,
    CPU-time ratio or None)."""
    items = [i for i in items if i[1] == i[1]]
    if not items:
        return
    label_w, bar_w, row_h, top, pad = 430, 520, 26, 66, 20
    w = label_w + bar_w + 150
    h = top + row_h * len(items) + 50
    c = Canvas(w, h)
    c.text(pad, 12, title, scale=2)
    c.text(pad, 34, "RATIO OURS/PEER, >1 = OURS FASTER. THICK BAR: THROUGHPUT (FPS), GREEN = "
           "TARGET MET, RED = MISSED, GREY = NO TARGET.", (80, 80, 80), scale=1)
    c.text(pad, 46, "THIN DARK BAR: SAME RATIO IN CPU TIME PER FRAME. BLUE TICK: TARGET. "
           "BLACK LINE: 1.0 (PARITY).", (80, 80, 80), scale=1)
    vmax = max(max(max(i[1], i[3] or 0) for i in items),
               max((i[2] or 0) for i in items), 1.0) * 1.08
    x0 = label_w

    def xv(v):
        return x0 + min(v, vmax) / vmax * bar_w
    c.rect(xv(1.0), top - 4, xv(1.0) + 2, top + row_h * len(items), (0, 0, 0))
    for i, (label, r, t, cpu) in enumerate(items):
        y = top + i * row_h
        c.text(pad, y + 3, label[:34], scale=2)
        color = (150, 150, 150) if t is None else ((60, 170, 80) if r >= t else (210, 60, 50))
        c.rect(x0, y + 2, xv(r), y + row_h - 10, color)
        if cpu is not None and cpu == cpu:
            c.rect(x0, y + row_h - 8, xv(cpu), y + row_h - 4, (60, 60, 60))
        if t is not None:
            c.rect(xv(t) - 1, y, xv(t) + 2, y + row_h - 2, (40, 80, 220))
        c.text(max(xv(r), xv(cpu or 0)) + 6, y + 3, f"{fmt_ratio(r, t)}X", scale=2)
    axis_y = top + row_h * len(items) + 6
    c.rect(x0, axis_y, x0 + bar_w, axis_y + 1, (0, 0, 0))
    step = 0.5 if vmax < 5 else 1.0 if vmax < 10 else 2.0
    v = 0.0
    while v <= vmax:
        c.rect(xv(v), axis_y, xv(v) + 1, axis_y + 5, (0, 0, 0))
        c.text(xv(v) - 8, axis_y + 9, f"{v:g}", scale=1)
        v += step
    c.png(path)


# ------------------------------------------------------------------------


def machine_info():
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            for ln in f:
                if ln.startswith("model name"):
                    cpu = ln.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    load = os.getloadavg() if hasattr(os, "getloadavg") else (0, 0, 0)
    gst = subprocess.run(["gst-inspect-1.0", "--version"], capture_output=True, text=True).stdout
    gstv = re.search(r"GStreamer ([\d.]+)", gst)
    return {"cpu": cpu, "cores": os.cpu_count(), "kernel": platform.release(),
            "load_before": [round(x, 2) for x in load],
            "gstreamer": gstv.group(1) if gstv else "?"}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--builddir", help="meson build directory with the plugin and the "
                    "benchmark programs (scripts/bench passes it)")
    ap.add_argument("--outdir")
    ap.add_argument("--quick", action="store_true", help="fewer frames and runs (a few minutes)")
    ap.add_argument("--reps", type=int)
    ap.add_argument("--only", help="comma list: convert,transfer,encode,e2e,latency,capi")
    ap.add_argument("--conv-frames", type=int, help="frames per conversion run")
    ap.add_argument("--enc-frames", type=int, help="frames per encoding run")
    ap.add_argument("--lat-frames", type=int, help="frames per latency run (paced at 30 fps)")
    ap.add_argument("--shm", default=f"/dev/shm/vtcore-bench-{os.getuid()}")
    ap.add_argument("--keep-frames", action="store_true", help="leave the raw frames in --shm")
    ap.add_argument("--from-json", help="only rebuild results.md and ratios.png from this "
                    "results.json (written to --outdir, default: the json's folder)")
    args = ap.parse_args()
    if not args.builddir and not args.from_json:
        ap.error("--builddir is required (unless --from-json)")
    args.builddir = os.path.abspath(args.builddir or ".")
    if args.from_json and not args.outdir:
        args.outdir = os.path.dirname(os.path.abspath(args.from_json))
    args.outdir = os.path.abspath(args.outdir or os.path.join(args.builddir, "bench"))
    os.makedirs(args.outdir, exist_ok=True)
    if args.from_json:
        return from_json(args)
    quick = args.quick
    args.reps = args.reps or (3 if quick else 5)
    args.conv_frames = args.conv_frames or (60 if quick else 150)
    args.enc_frames = args.enc_frames or (40 if quick else 150)
    args.lat_frames = args.lat_frames or (45 if quick else 90)
    only = set(args.only.split(",")) if args.only else None

    R = Runner(args)
    for exe in (R.bench_gst, R.bench_enc, R.bench_xfer, R.shim):
        if not os.path.exists(exe):
            sys.exit(f"bench.py: {exe} is missing: build it first (scripts/bench does)")
    for tool in ("ffmpeg", "gst-inspect-1.0"):
        if not shutil.which(tool):
            sys.exit(f"bench.py: {tool} not found (scripts/bench installs it)")
    for el in ("vtenc", "vttransfer", "x264enc", "videoconvertscale", "h264parse"):
        p = subprocess.run(["gst-inspect-1.0", el], capture_output=True, env=R.env)
        if p.returncode != 0:
            sys.exit(f"bench.py: GStreamer element {el} not found")

    info = machine_info()
    info.update({"mode": "quick" if quick else "full", "reps": args.reps,
                 "builddir": args.builddir, "command": " ".join(shlex.quote(a) for a in sys.argv)})
    t_start = time.time()
    frames = Frames(args, args.conv_frames, max(args.enc_frames, args.lat_frames))
    frames.prepare()
    rows = build_rows(args, R, frames, quick)

    transfer = []
    want_transfer = only is None or "transfer" in only
    for rep in range(args.reps):
        log(f"rep {rep + 1}/{args.reps} ({len(rows)} rows)")
        for i, row in enumerate(rows):
            for label, fn in row.variants:
                row.results[label].append(fn())
            if want_transfer and rep == 0 and i == len(rows) // 2:
                transfer = run_transfer(R, quick)
    if want_transfer and not transfer:
        transfer = run_transfer(R, quick)
    log("quality runs (untimed): PSNR and x264 settings")
    quality(R, rows, args)
    info["load_after"] = [round(x, 2) for x in os.getloadavg()]
    info["minutes"] = round((time.time() - t_start) / 60, 1)

    report(args, info, rows, transfer, R.failures)
    if not args.keep_frames:
        shutil.rmtree(args.shm, ignore_errors=True)
    return 0


def report(args, info, rows, transfer, failures, write_json=True):
    """Prints the markdown and writes results.md, results.json, ratios.png."""
    md, chart = summarize(rows, transfer, args)
    head = (f"# vtcore benchmark ({info['mode']}, {args.reps} runs per variant, interleaved)\n\n"
            f"Machine: {info['cpu']}, {info['cores']} cores, Linux {info['kernel']}, GStreamer "
            f"{info['gstreamer']}; load average {info['load_before']} before, "
            f"{info['load_after']} after; {info['minutes']} min. Shared, noisy machine: "
            "compare the ratios (same run), not the absolute numbers.\n\n"
            f"Command: `{info['command']}`\n")
    if failures:
        head += "\n**Failed runs** (excluded from the medians):\n" + "\n".join(
            f"- {f.splitlines()[0][:300]}" for f in failures) + "\n"
    text = head + "\n" + md
    print(text)
    with open(os.path.join(args.outdir, "results.md"), "w") as f:
        f.write(text)
    if write_json:
        info["frames"] = {"conv": args.conv_frames, "enc": args.enc_frames,
                          "lat": args.lat_frames}
        with open(os.path.join(args.outdir, "results.json"), "w") as f:
            json.dump({"info": info, "transfer": transfer,
                       "rows": [{"section": r.section, "name": r.name,
                                 "variants": [label for label, _ in r.variants],
                                 "meta": {k: v for k, v in r.meta.items()
                                          if k not in ("base",) and not callable(v)},
                                 "results": r.results} for r in rows],
                       "failures": failures}, f, indent=1, default=str)
    png = os.path.join(args.outdir, "ratios.png")
    chart_png(chart, png, f"VTCORE VS GSTREAMER PEERS ({info['mode'].upper()})")
    log(f"wrote {os.path.join(args.outdir, 'results.md')}, results.json and {png}")


def from_json(args):
    """Rebuilds the tables and the chart from a results.json (no measuring)."""
    with open(args.from_json) as f:
        data = json.load(f)
    info = data["info"]
    fr = info.get("frames", {})
    args.reps = info.get("reps", 0)
    args.conv_frames = fr.get("conv", args.conv_frames or (60 if info["mode"] == "quick" else 150))
    args.enc_frames = fr.get("enc", args.enc_frames or (40 if info["mode"] == "quick" else 150))
    args.lat_frames = fr.get("lat", args.lat_frames or 0)
    rows, bases = [], {}
    for d in data["rows"]:
        labels = d.get("variants") or list(d["results"].keys())
        row = Row(d["section"], d["name"], [(label, None) for label in labels], **d["meta"])
        row.results = d["results"]
        rows.append(row)
        if row.section == "convert-base":
            bases[row.name] = row
    pair_in = {c[0]: (c[1], c[2]) for c in CONV_CASES}
    for row in rows:
        if row.section == "convert":
            fmt_, h = pair_in[row.meta["pair"]]
            row.meta["base"] = bases[f"read {fmt_.upper()} {h}p"]
    report(args, info, rows, data.get("transfer", []), data.get("failures", []),
           write_json=False)
    return 0


def run_transfer(R, quick):
    log("transfer: C API vs libyuv vs memcpy")
    p = subprocess.run([R.bench_xfer, "30" if quick else "100"], capture_output=True, text=True,
                       env=R.env)
    res = []
    for ln in p.stdout.splitlines():
        if ln.startswith("result "):
            kv = parse_kv(ln[len("result "):].replace("case=", "case=", 1))
            # the case name has spaces: take it from the text between case= and iters=
            m = re.search(r"case=(.*?) iters=", ln)
            if m:
                kv["case"] = m.group(1)
            res.append(kv)
    if p.returncode != 0:
        R.failures.append(f"bench_transfer_api exit {p.returncode}: {p.stderr[-300:]}")
    return res


if __name__ == "__main__":
    sys.exit(main())
