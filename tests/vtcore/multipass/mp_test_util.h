/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Helpers of the multi-pass session tests (public API only): a synthetic
 * clip whose difficulty changes over time, I420 CVPixelBuffers of it, an
 * output callback collecting the samples of a pass (optionally into a
 * VTFrameSilo), and the session set-up with the skip (exit 77) used while
 * the compression session cannot multi-pass.
 */
#ifndef VTCORE_TESTS_MP_TEST_UTIL_H
#define VTCORE_TESTS_MP_TEST_UTIL_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CoreFoundation/CoreFoundation.h>
#include <CoreMedia/CoreMedia.h>
#include <CoreVideo/CoreVideo.h>
#include <VideoToolbox/VideoToolbox.h>

#include "vt_test.h"

#define MP_CODEC_H264  0x61766331u /* 'avc1' */
#define MP_FORMAT_I420 0x79343230u /* 'y420' */

/* ---- synthetic clip ---- */

static inline uint32_t mp_hash(uint32_t x) {
    x ^= x >> 16;
    x *= 0x7feb352dU;
    x ^= x >> 15;
    x *= 0x846ca68bU;
    x ^= x >> 16;
    return x;
}

/* Luma of pixel (x, y) of frame i of a clip of `frames` frames: an easy
 * third (a slowly moving gradient), a hard third (a detailed texture moving
 * fast, plus some fresh grain), a medium third (texture moving slowly with a
 * bouncing box). The rate control has to move bits between the thirds. */
static inline uint8_t mp_luma(int i, int frames, int x, int y) {
    int third = i * 3 / frames;
    if (third == 0)
        return (uint8_t)(40 + ((x + y + i) * 160 / 480) % 160);
    if (third == 1) {
        uint32_t t = mp_hash((uint32_t)((x + 7 * i) / 2) * 7919u + (uint32_t)((y + 3 * i) / 2));
        uint32_t g = mp_hash((uint32_t)(x * 131 + y * 977 + i * 7907)) & 15;
        return (uint8_t)(32 + (t & 127) + g);
    }
    {
        int bx = (i * 4) % 200, by = (i * 3) % 120;
        uint32_t t = mp_hash((uint32_t)((x + i) / 4) * 104729u + (uint32_t)(y / 4));
        if (x >= bx && x < bx + 60 && y >= by && y < by + 60)
            return 230;
        return (uint8_t)(60 + (t & 63) + (x / 8));
    }
}

static inline uint8_t mp_chroma(int i, int x, int y, int plane) {
    return (uint8_t)(plane ? 128 + ((x + i) % 32) - 16 : 128 + ((y + i) % 24) - 12);
}

/* A +1 I420 pixel buffer holding frame i. NULL on failure. */
static inline CVPixelBufferRef mp_make_frame(int i, int frames, int w, int h) {
    CVPixelBufferRef pb = NULL;
    if (CVPixelBufferCreate(NULL, (size_t)w, (size_t)h, MP_FORMAT_I420, NULL, &pb) !=
        kCVReturnSuccess)
        return NULL;
    CVPixelBufferLockBaseAddress(pb, 0);
    for (int p = 0; p < 3; p++) {
        uint8_t *base = CVPixelBufferGetBaseAddressOfPlane(pb, (size_t)p);
        size_t stride = CVPixelBufferGetBytesPerRowOfPlane(pb, (size_t)p);
        int pw = p ? (w + 1) / 2 : w, ph = p ? (h + 1) / 2 : h;
        for (int y = 0; y < ph; y++) {
            uint8_t *row = base + (size_t)y * stride;
            for (int x = 0; x < pw; x++)
                row[x] = p ? mp_chroma(i, x, y, p - 1) : mp_luma(i, frames, x, y);
        }
    }
    CVPixelBufferUnlockBaseAddress(pb, 0);
    return pb;
}

/* ---- output collection ---- */

#define MP_MAX_SAMPLES 1024

typedef struct MPCollector {
    CMSampleBufferRef samples[MP_MAX_SAMPLES]; /* retained, decode order */
    int count;
    int callbacks;
    int errors;          /* callbacks with status != noErr */
    int dropped;         /* callbacks with kVTEncodeInfo_FrameDropped */
    VTFrameSiloRef silo; /* when set, every sample is also added here */
    OSStatus silo_status;
} MPCollector;

static inline void mp_output(void *refcon, void *frame_refcon, OSStatus status,
                             VTEncodeInfoFlags flags, CMSampleBufferRef sb) {
    MPCollector *c = refcon;
    (void)frame_refcon;
    c->callbacks++;
    if (status != noErr) {
        c->errors++;
        return;
    }
    if (flags & kVTEncodeInfo_FrameDropped || !sb) {
        c->dropped++;
        return;
    }
    if (c->silo) {
        OSStatus st = VTFrameSiloAddSampleBuffer(c->silo, sb);
        if (st != noErr && c->silo_status == noErr)
            c->silo_status = st;
    }
    if (c->count < MP_MAX_SAMPLES)
        c->samples[c->count++] = (CMSampleBufferRef)CFRetain(sb);
}

static inline void mp_collector_reset(MPCollector *c) {
    for (int i = 0; i < c->count; i++)
        CFRelease(c->samples[i]);
    VTFrameSiloRef silo = c->silo;
    memset(c, 0, sizeof(*c));
    c->silo = silo;
}

static inline size_t mp_collector_bytes(const MPCollector *c) {
    size_t total = 0;
    for (int i = 0; i < c->count; i++)
        total += CMSampleBufferGetTotalSampleSize(c->samples[i]);
    return total;
}

/* ---- session ---- */

static inline CFNumberRef mp_number(double v) {
    return CFNumberCreate(NULL, kCFNumberDoubleType, &v);
}

static inline OSStatus mp_set_number(VTCompressionSessionRef s, CFStringRef key, double v) {
    CFNumberRef n = mp_number(v);
    OSStatus st = VTSessionSetProperty(s, key, n);
    if (n)
        CFRelease(n);
    return st;
}

/* A session (w x h H.264, 30 fps) with AverageBitRate = bitrate (0: none)
 * and, when storage != NULL, kVTCompressionPropertyKey_MultiPassStorage.
 * Exits 77 when there is no encoder or the session cannot multi-pass. */
static inline VTCompressionSessionRef mp_session(int w, int h, int bitrate,
                                                 VTMultiPassStorageRef storage, MPCollector *c) {
    VTCompressionSessionRef s = NULL;
    OSStatus st =
        VTCompressionSessionCreate(NULL, w, h, MP_CODEC_H264, NULL, NULL, NULL, mp_output, c, &s);
    if (st != noErr)
        VT_TEST_SKIP("no H.264 encoder (VTCompressionSessionCreate: %d)", (int)st);
    CHECK_STATUS(mp_set_number(s, kVTCompressionPropertyKey_ExpectedFrameRate, 30), noErr);
    if (bitrate > 0)
        CHECK_STATUS(mp_set_number(s, kVTCompressionPropertyKey_AverageBitRate, bitrate), noErr);
    if (storage) {
        st = VTSessionSetProperty(s, kVTCompressionPropertyKey_MultiPassStorage, storage);
        if (st == kVTPropertyNotSupportedErr)
            VT_TEST_SKIP("the compression session cannot multi-pass yet "
                         "(kVTCompressionPropertyKey_MultiPassStorage not supported)");
        CHECK_STATUS(st, noErr);
    }
    return s;
}

/* Encodes frames [first, last) of a clip of `frames` frames (pts i/30);
 * returns the first error. */
static inline OSStatus mp_encode(VTCompressionSessionRef s, int first, int last, int frames, int w,
                                 int h) {
    for (int i = first; i < last; i++) {
        CVPixelBufferRef pb = mp_make_frame(i, frames, w, h);
        OSStatus st;
        if (!pb)
            return kVTAllocationFailedErr;
        st = VTCompressionSessionEncodeFrame(s, pb, CMTimeMake(i, 30), CMTimeMake(1, 30), NULL,
                                             NULL, NULL);
        CVPixelBufferRelease(pb);
        if (st != noErr)
            return st;
    }
    return noErr;
}

#endif /* VTCORE_TESTS_MP_TEST_UTIL_H */
