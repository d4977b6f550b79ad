#!/usr/bin/env python3
# vtcore - VideoToolbox programming model on Linux
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Writes the hand-made seed inputs of the fuzz targets from real streams, so
the fuzzers start from valid parameter sets instead of noise. The committed
corpus (corpus/<target>/seed-*) was made with it:

  ffmpeg -f lavfi -i testsrc=size=64x48 -frames 2 -pix_fmt yuv420p -c:v libx264 base.h264
  ffmpeg -i base.h264 -c copy base.mp4          (and likewise for .hevc with -tag:v hvc1)
  python3 tests/fuzz/seeds.py tests/fuzz/corpus base.h264 base.mp4 main.hevc main.mp4 ...

Annex B inputs (.h264/.264/.hevc/.265) give parameter-set seeds (modes 0/1
of fuzz_format_description, mode 3 SPS seeds) and AVCC sample seeds for
fuzz_avcc; .mp4 inputs give avcC/hvcC record seeds (modes 2 and 3)."""
import pathlib
import struct
import sys


def annexb_nals(data):
    """NAL units of an Annex B stream (start codes removed)."""
    nals, i, n = [], 0, len(data)
    starts = []
    while i + 3 <= n:
        if data[i:i + 3] == b"\0\0\1":
            starts.append(i + 3)
            i += 3
        else:
            i += 1
    for k, s in enumerate(starts):
        e = starts[k + 1] - 3 if k + 1 < len(starts) else n
        nal = data[s:e].rstrip(b"\0")
        if nal:
            nals.append(nal)
    return nals


def box(data, name):
    """Payload of the first box called `name` (4 ASCII bytes) in an mp4."""
    i = data.find(name)
    if i < 4:
        return None
    size = struct.unpack(">I", data[i - 4:i])[0]
    return data[i + 4:i - 4 + size]


def chunks(sets):
    return b"".join(struct.pack("<H", len(s)) + s for s in sets)


def write(out_dir, target, name, payload):
    d = pathlib.Path(out_dir) / target
    d.mkdir(parents=True, exist_ok=True)
    (d / ("seed-" + name)).write_bytes(payload)


def generic(out):
    """Seeds that need no input stream."""
    encode = bytes([7, 0, 0, 0, 0, 1])   # op_encode: pool buffer, next pts, 1/30 duration
    complete = bytes([9, 1])            # CompleteFrames(kCMTimeInvalid)
    describe = bytes([6, 1, 1])         # supported + serializable, restore both ways
    sets = b"".join(bytes([0, 0, k, 1, 3, 5 + k]) for k in range(0, 60, 3))  # key x SInt32
    cs = bytes([1, 0, 0, 24, 16, 0])    # compression session 64x48
    write(out, "fuzz_properties", "engine", bytes([0]) + sets + describe + bytes([10, 255]) + sets)
    write(out, "fuzz_properties", "compression-encode", cs + encode * 5 + complete)
    write(out, "fuzz_properties", "compression-props",
          cs + sets + describe + encode * 3 + sets + encode * 2 + complete + bytes([10, 255]) + sets)
    write(out, "fuzz_properties", "transfer", bytes([2]) + sets + encode * 4 + describe)
    write(out, "fuzz_properties", "rotation", bytes([3]) + sets + encode * 4 + describe)
    for i in range(5):  # fuzz_pixel_buffer: each mode once, small formats and sizes
        write(out, "fuzz_pixel_buffer", "mode%d" % i,
              bytes([i, 0, 3 * i, 40, 33, 40, 17, 130, 2, 0, 5, 0, 9]) * 2)
    write(out, "fuzz_cf", "ops", bytes(range(256)))
    # fuzz_caps: each element with a plain format at 64x48, 30/1 and three frames;
    # vttransfer also with downstream caps (NV12 32x24).
    fmts = ["I420", "NV12", "NV21", "YV12", "Y42B", "Y444", "NV16", "NV24", "YUY2", "UYVY",
            "BGRA", "RGBA", "ARGB", "ABGR", "BGRx", "RGB", "BGR", "GRAY8", "P010_10LE"]
    for e in range(3):
        for f in (0, 1, 8, 10, 18):
            caps = bytes([0x0f, 0, f, 100, 63, 100, 47, 100, 29, 1, 0])
            sink = bytes([200])
            if e == 1 and f == 10:
                sink = bytes([10, 100, 0x07, 0, 1, 100, 31, 100, 23, 0])
            write(out, "fuzz_caps", "e%d-%s" % (e, fmts[f]),
                  bytes([e, 0, 100]) + caps + sink + bytes([3, 0, 0x80, 0, 0x40, 0, 0x20]))
    # fuzz_transfer: format pairs (indices into the table, taken modulo its size), same
    # size / scaled, every scaling mode, 1 or 3 threads; pixel data from the tail.
    for i in range(24):
        body = bytes([i % 3, i, (i * 7 + 3) % 48, 70 + i, 40 + i, 64 if i % 2 else 200,
                      90 - i, 50 + i, i % 2, i % 4, i % 8, (i + 3) % 8, i % 3, i % 4])
        write(out, "fuzz_transfer", "pair%02d" % i, body + bytes(range(0, 256, 3)) * 2)


def main():
    out = sys.argv[1]
    generic(out)
    for path in map(pathlib.Path, sys.argv[2:]):
        data = path.read_bytes()
        stem = path.stem
        if path.suffix in (".h264", ".264"):
            nals = annexb_nals(data)
            ps = [x for x in nals if x[0] & 0x1F in (7, 8)]
            # mode 0, NAL length 4 (selector 0), flags 0
            write(out, "fuzz_format_description", stem + "-h264-sets", b"\0\0\0" + chunks(ps))
            write(out, "fuzz_format_description", stem + "-h264-sets-nal2",
                  b"\0\2\0" + chunks(ps))
            sps = [x for x in ps if x[0] & 0x1F == 7]
            if sps:  # mode 3, flags 0: vt_cm_h264_parse_sps
                write(out, "fuzz_format_description", stem + "-h264-sps", b"\3\0\0" + sps[0])
            sample = b"".join(struct.pack(">I", len(x)) + x for x in nals)
            # fuzz_avcc: mode 0 (Annex B), mode 1 (AVCC, 4-byte lengths), mode 2 (avcC build)
            write(out, "fuzz_avcc", stem + "-annexb", b"\0\0" + data[:3000])
            write(out, "fuzz_avcc", stem + "-avcc", b"\1\0" + sample[:3000])
            pps = [x for x in ps if x[0] & 0x1F == 8]
            if sps and pps and len(sps[0]) < 256 and len(pps[0]) < 256:
                write(out, "fuzz_avcc", stem + "-config",
                      b"\2\0" + bytes([len(sps[0])]) + sps[0] + bytes([len(pps[0])]) + pps[0])
            # fuzz_sample_buffer: slot 0 = CMBlockBufferCreateWithMemoryBlock over the
            # AVCC sample, then (0xff) one sample over slot 0 with 4-byte NAL lengths.
            smp = sample[:2000]
            n = len(smp)
            write(out, "fuzz_sample_buffer", stem + "-avcc",
                  b"\0\0\1\0\0" + struct.pack("<H", n) + smp +
                  b"\0" + struct.pack("<H", 0) + b"\0" + struct.pack("<H", n) + b"\0\0\0\0" +
                  b"\xff\0\0\3\0\0\1\1\2" + b"\5\1\x1e\0" * 3 + b"\0" + struct.pack("<H", n))
        elif path.suffix in (".hevc", ".265"):
            nals = annexb_nals(data)
            ps = [x for x in nals if (x[0] >> 1) & 0x3F in (32, 33, 34)]
            write(out, "fuzz_format_description", stem + "-hevc-sets", b"\1\0\0" + chunks(ps))
            sps = [x for x in ps if (x[0] >> 1) & 0x3F == 33]
            if sps:  # mode 3, flags 1: vt_cm_hevc_parse_sps
                write(out, "fuzz_format_description", stem + "-hevc-sps", b"\3\0\1" + sps[0])
        elif path.suffix == ".mp4":
            avcc, hvcc = box(data, b"avcC"), box(data, b"hvcC")
            if avcc:
                # mode 2, flags 0 (avc1, "avcC"); width/height 64x48
                write(out, "fuzz_format_description", stem + "-avcC",
                      b"\2\0\0" + struct.pack("<HH", 64, 48) + avcc)
                write(out, "fuzz_format_description", stem + "-avcC-parse", b"\3\0\2" + avcc)
            if hvcc:
                # mode 2, flags 5 (hvc1, "hvcC")
                write(out, "fuzz_format_description", stem + "-hvcC",
                      b"\2\0\5" + struct.pack("<HH", 64, 48) + hvcc)
                write(out, "fuzz_format_description", stem + "-hvcC-parse", b"\3\0\3" + hvcc)


if __name__ == "__main__":
    main()
