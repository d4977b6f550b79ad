/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * offline_transcode: Apple's "encoding video for offline transcoding" recipe
 * end to end, public API only (docs/multipass.md walks through it).
 *
 *   offline_transcode IN.yuv WIDTH HEIGHT FPS BITRATE OUT.h264
 *
 * IN.yuv holds raw I420 frames ("synthetic" generates 90 frames instead).
 * The encoder runs as many passes as it asks for, every pass re-reading the
 * source frames inside the time ranges it wants; the encoded samples of each
 * pass go into a VTFrameSilo, which replaces the samples of re-encoded
 * ranges. OUT.h264 (Annex B) is written from the silo at the end.
 *
 * Exit status: 0 done, 1 error, 77 no multi-pass encoder (a skip for the
 * test harness that runs this program).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CoreFoundation/CoreFoundation.h>
#include <CoreMedia/CoreMedia.h>
#include <CoreVideo/CoreVideo.h>
#include <VideoToolbox/VideoToolbox.h>

#define SYNTHETIC_FRAMES 90

typedef struct Source {
    FILE *file; /* NULL: synthetic */
    int width, height, frames;
    size_t frame_size; /* bytes of one I420 frame */
} Source;

/* The output callback: every encoded frame of the current pass goes into
 * the silo (decode order, as the session emits them). */
typedef struct Output {
    VTFrameSiloRef silo;
    OSStatus status; /* first error seen */
} Output;

static void on_output(void *refcon, void *frameRefcon, OSStatus status, VTEncodeInfoFlags flags,
                      CMSampleBufferRef sampleBuffer) {
    Output *out = refcon;
    (void)frameRefcon;
    if (status == noErr && sampleBuffer && !(flags & kVTEncodeInfo_FrameDropped))
        status = VTFrameSiloAddSampleBuffer(out->silo, sampleBuffer);
    if (status != noErr && out->status == noErr)
        out->status = status;
}

/* Fills an I420 pixel buffer with frame `index` of the source. */
static int read_frame(Source *src, int index, CVPixelBufferRef pb) {
    int ok = 1;
    CVPixelBufferLockBaseAddress(pb, 0);
    if (src->file && fseek(src->file, (long)((size_t)index * src->frame_size), SEEK_SET) != 0)
        ok = 0;
    for (int p = 0; p < 3 && ok; p++) {
        uint8_t *base = CVPixelBufferGetBaseAddressOfPlane(pb, (size_t)p);
        size_t stride = CVPixelBufferGetBytesPerRowOfPlane(pb, (size_t)p);
        int w = p ? (src->width + 1) / 2 : src->width;
        int h = p ? (src->height + 1) / 2 : src->height;
        for (int y = 0; y < h && ok; y++) {
            uint8_t *row = base + (size_t)y * stride;
            if (src->file) {
                ok = fread(row, 1, (size_t)w, src->file) == (size_t)w;
            } else {
                for (int x = 0; x < w; x++) /* a moving diagonal gradient */
                    row[x] = p ? (uint8_t)(128 + (x - y) / 4) : (uint8_t)(x + y + 3 * index);
            }
        }
    }
    CVPixelBufferUnlockBaseAddress(pb, 0);
    return ok;
}

/* Encodes the source frames whose presentation time lies in one of the
 * ranges (all frames when count is 0). */
static OSStatus encode_ranges(VTCompressionSessionRef session, Source *src, int fps,
                              CMItemCount count, const CMTimeRange *ranges) {
    for (int i = 0; i < src->frames; i++) {
        CMTime pts = CMTimeMake(i, fps);
        int wanted = count == 0;
        for (CMItemCount r = 0; r < count && !wanted; r++)
            wanted = CMTimeRangeContainsTime(ranges[r], pts);
        if (!wanted)
            continue;
        CVPixelBufferRef pb = NULL;
        if (CVPixelBufferCreate(NULL, (size_t)src->width, (size_t)src->height,
                                kCVPixelFormatType_420YpCbCr8Planar, NULL, &pb) != kCVReturnSuccess)
            return kVTAllocationFailedErr;
        OSStatus st = read_frame(src, i, pb)
                          ? VTCompressionSessionEncodeFrame(session, pb, pts, CMTimeMake(1, fps),
                                                            NULL, NULL, NULL)
                          : kVTParameterErr;
        CVPixelBufferRelease(pb);
        if (st != noErr)
            return st;
    }
    return noErr;
}

/* ---- writing the silo's samples as Annex B ---- */

static const uint8_t start_code[4] = {0, 0, 0, 1};

static OSStatus write_sample(void *refcon, CMSampleBufferRef sb) {
    FILE *f = refcon;
    CMFormatDescriptionRef fmt = CMSampleBufferGetFormatDescription(sb);
    CMBlockBufferRef data = CMSampleBufferGetDataBuffer(sb);
    CFArrayRef att = CMSampleBufferGetSampleAttachmentsArray(sb, FALSE);
    CFDictionaryRef a0 = att && CFArrayGetCount(att) > 0 ? CFArrayGetValueAtIndex(att, 0) : NULL;
    size_t sets = 0, length = data ? CMBlockBufferGetDataLength(data) : 0;
    int nal_header = 4;
    uint8_t *bytes;

    /* parameter sets (from the format description) before each sync sample */
    if (!a0 || !CFDictionaryGetValue(a0, kCMSampleAttachmentKey_NotSync)) {
        if (CMVideoFormatDescriptionGetH264ParameterSetAtIndex(fmt, 0, NULL, NULL, &sets,
                                                               &nal_header) != noErr)
            return kVTParameterErr;
        for (size_t i = 0; i < sets; i++) {
            const uint8_t *ps;
            size_t ps_size;
            if (CMVideoFormatDescriptionGetH264ParameterSetAtIndex(fmt, i, &ps, &ps_size, NULL,
                                                                   NULL) != noErr)
                return kVTParameterErr;
            fwrite(start_code, 1, 4, f);
            fwrite(ps, 1, ps_size, f);
        }
    }
    /* length-prefixed NAL units -> start codes */
    if (length == 0 || !(bytes = malloc(length)))
        return kVTAllocationFailedErr;
    if (CMBlockBufferCopyDataBytes(data, 0, length, bytes) != kCMBlockBufferNoErr) {
        free(bytes);
        return kVTParameterErr;
    }
    for (size_t off = 0; off + (size_t)nal_header <= length;) {
        size_t n = 0;
        for (int k = 0; k < nal_header; k++)
            n = n << 8 | bytes[off + (size_t)k];
        off += (size_t)nal_header;
        if (n > length - off)
            break;
        fwrite(start_code, 1, 4, f);
        fwrite(bytes + off, 1, n, f);
        off += n;
    }
    free(bytes);
    return ferror(f) ? kVTParameterErr : noErr;
}

static CFNumberRef number(double v) {
    return CFNumberCreate(NULL, kCFNumberDoubleType, &v);
}

int main(int argc, char **argv) {
    Source src = {0};
    Output out = {NULL, noErr};
    VTMultiPassStorageRef storage = NULL;
    VTCompressionSessionRef session = NULL;
    CFNumberRef rate = NULL, fps_number = NULL;
    CMItemCount range_count = 0;
    const CMTimeRange *ranges = NULL;
    Boolean further = TRUE;
    OSStatus st;
    int fps, bitrate, passes = 0, result = 1;
    FILE *f;

    if (argc != 7) {
        fprintf(stderr, "usage: %s IN.yuv|synthetic WIDTH HEIGHT FPS BITRATE OUT.h264\n", argv[0]);
        return 1;
    }
    src.width = atoi(argv[2]);
    src.height = atoi(argv[3]);
    fps = atoi(argv[4]);
    bitrate = atoi(argv[5]);
    if (src.width <= 0 || src.height <= 0 || fps <= 0 || bitrate <= 0)
        return 1;
    src.frame_size = (size_t)src.width * (size_t)src.height +
                     2 * (size_t)((src.width + 1) / 2) * (size_t)((src.height + 1) / 2);
    if (strcmp(argv[1], "synthetic") == 0) {
        src.frames = SYNTHETIC_FRAMES;
    } else {
        if (!(src.file = fopen(argv[1], "rb")) || fseek(src.file, 0, SEEK_END) != 0)
            return 1;
        src.frames = (int)((size_t)ftell(src.file) / src.frame_size);
    }
    CMTimeRange clip = CMTimeRangeMake(kCMTimeZero, CMTimeMake(src.frames, fps));

    /* 1. the stores: encoder statistics and encoded samples (temporary files) */
    if (VTMultiPassStorageCreate(NULL, NULL, clip, NULL, &storage) != noErr ||
        VTFrameSiloCreate(NULL, NULL, clip, NULL, &out.silo) != noErr)
        goto done;

    /* 2. the session, with a target bit rate and the storage */
    st = VTCompressionSessionCreate(NULL, src.width, src.height, kCMVideoCodecType_H264, NULL, NULL,
                                    NULL, on_output, &out, &session);
    if (st != noErr) {
        fprintf(stderr, "no H.264 encoder (%d)\n", (int)st);
        result = 77;
        goto done;
    }
    rate = number(bitrate);
    fps_number = number(fps);
    VTSessionSetProperty(session, kVTCompressionPropertyKey_AverageBitRate, rate);
    VTSessionSetProperty(session, kVTCompressionPropertyKey_ExpectedFrameRate, fps_number);
    st = VTSessionSetProperty(session, kVTCompressionPropertyKey_MultiPassStorage, storage);
    if (st != noErr) {
        fprintf(stderr, "this encoder cannot do multi-pass (%d)\n", (int)st);
        result = 77;
        goto done;
    }

    /* 3. the passes: all frames first, then the ranges the encoder asks for */
    while (further) {
        st = VTCompressionSessionBeginPass(session, 0, NULL);
        if (st == noErr)
            st = encode_ranges(session, &src, fps, range_count, ranges);
        if (st == noErr)
            st = VTCompressionSessionCompleteFrames(session, kCMTimeInvalid);
        if (st == noErr)
            st = VTCompressionSessionEndPass(session, &further, NULL);
        if (st == noErr && out.status != noErr)
            st = out.status;
        if (st != noErr) {
            fprintf(stderr, "pass %d failed (%d)\n", passes + 1, (int)st);
            goto done;
        }
        passes++;
        if (further) {
            /* the next pass replaces the samples of these ranges in the silo */
            st = VTCompressionSessionGetTimeRangesForNextPass(session, &range_count, &ranges);
            if (st == noErr)
                st = VTFrameSiloSetTimeRangesForNextPass(out.silo, range_count, ranges);
            if (st != noErr)
                goto done;
        }
    }

    /* 4. the final stream, in decode order */
    if (!(f = fopen(argv[6], "wb")))
        goto done;
    st = VTFrameSiloCallFunctionForEachSampleBuffer(out.silo, kCMTimeRangeInvalid, f, write_sample);
    if (fclose(f) == 0 && st == noErr) {
        printf("%d frames, %d pass(es) -> %s\n", src.frames, passes, argv[6]);
        result = 0;
    }

done:
    if (session) {
        VTCompressionSessionInvalidate(session);
        CFRelease(session);
    }
    if (storage) {
        VTMultiPassStorageClose(storage); /* deletes the statistics */
        CFRelease(storage);
    }
    if (out.silo)
        CFRelease(out.silo);
    if (rate)
        CFRelease(rate);
    if (fps_number)
        CFRelease(fps_number);
    if (src.file)
        fclose(src.file);
    return result;
}
