/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Helpers of the VTPixelTransferSession tests. Images come from the
 * converter tests' helpers (../convert/convert_test_util.h: guard pages
 * around every plane, per-pixel accessors, the float reference) and are
 * handed to the session the way a client would: wrapped with
 * CVPixelBufferCreateWithPlanarBytes (planar formats) or
 * CVPixelBufferCreateWithBytes (packed formats), with the TImage's strides.
 */
#ifndef VTCORE_TESTS_TRANSFER_TEST_UTIL_H
#define VTCORE_TESTS_TRANSFER_TEST_UTIL_H

#include <stdio.h>

#include <CoreVideo/CoreVideo.h>
#include <VideoToolbox/VideoToolbox.h>

#include "../convert/convert_test_util.h"
#include "vt_test.h"

/* Wraps t (positive strides) as a CVPixelBuffer (+1); NULL on failure. The
 * buffer does not own the memory: release it before t_image_free(). */
static inline CVPixelBufferRef tt_wrap(TImage *t) {
    CVPixelBufferRef pb = NULL;
    CVReturn r;
    if (t->nplanes > 1) {
        void *base[3] = {NULL, NULL, NULL};
        size_t w[3] = {0, 0, 0}, h[3] = {0, 0, 0}, bpr[3] = {0, 0, 0};
        for (int p = 0; p < t->nplanes; p++) {
            base[p] = t->im.data[p];
            w[p] = (size_t)t->pw[p];
            h[p] = (size_t)t->ph[p];
            bpr[p] = (size_t)t->im.stride[p];
        }
        r = CVPixelBufferCreateWithPlanarBytes(NULL, (size_t)t->im.width, (size_t)t->im.height,
                                               t->tf->fourcc, NULL, 0, (size_t)t->nplanes, base, w,
                                               h, bpr, NULL, NULL, NULL, &pb);
    } else {
        r = CVPixelBufferCreateWithBytes(NULL, (size_t)t->im.width, (size_t)t->im.height,
                                         t->tf->fourcc, t->im.data[0], (size_t)t->im.stride[0],
                                         NULL, NULL, NULL, &pb);
    }
    if (r != kCVReturnSuccess) {
        fprintf(stderr, "wrap %s %dx%d failed (%d)\n", t->tf->name, t->im.width, t->im.height,
                (int)r);
        return NULL;
    }
    return pb;
}

/* A guarded image and its CVPixelBuffer. */
typedef struct TBuf {
    TImage t;
    CVPixelBufferRef pb;
} TBuf;

static inline int tb_alloc(TBuf *b, OSType fourcc, int w, int h, int pad) {
    memset(b, 0, sizeof(*b));
    if (!t_image_alloc(&b->t, fourcc, w, h, pad))
        return 0;
    b->pb = tt_wrap(&b->t);
    if (!b->pb) {
        t_image_free(&b->t);
        return 0;
    }
    return 1;
}

static inline void tb_free(TBuf *b) {
    if (b->pb)
        CVPixelBufferRelease(b->pb);
    t_image_free(&b->t);
    memset(b, 0, sizeof(*b));
}

/* Fills every byte of every plane, padding included, with v. */
static inline void tb_memset(TBuf *b, int v) {
    for (int p = 0; p < b->t.nplanes; p++) {
        size_t row = (size_t)b->t.pw[p] * (size_t)b->t.bpe[p];
        size_t stride = (size_t)b->t.im.stride[p];
        memset(b->t.im.data[p], v, stride * (size_t)(b->t.ph[p] - 1) + row);
    }
}

/* TRUE when the padding bytes after each row (up to the stride) still hold
 * v: nothing was written outside the planes' rows. */
static inline int tb_padding_is(const TBuf *b, int v) {
    for (int p = 0; p < b->t.nplanes; p++) {
        size_t row = (size_t)b->t.pw[p] * (size_t)b->t.bpe[p];
        size_t stride = (size_t)b->t.im.stride[p];
        for (int y = 0; y + 1 < b->t.ph[p]; y++) {
            const uint8_t *r = b->t.im.data[p] + stride * (size_t)y;
            for (size_t x = row; x < stride; x++)
                if (r[x] != (uint8_t)v)
                    return 0;
        }
    }
    return 1;
}

/* Pixel (x, y) as R, G, B (0..255) by the float reference: RGB as stored,
 * YCbCr through `matrix`, grey as R = G = B = its (full-range) level. */
static inline void tb_rgb(const TBuf *b, int matrix, int x, int y, double rgb[3]) {
    const TImage *t = &b->t;
    if (t_is_rgb(t->tf)) {
        int c[4];
        t_get_rgb(t, x, y, c);
        for (int i = 0; i < 3; i++)
            rgb[i] = c[i];
        return;
    }
    int Y, U, V;
    t_get_yuv(t, x, y, &Y, &U, &V);
    if (t_is_gray(t->tf)) {
        rgb[0] = rgb[1] = rgb[2] = Y;
        return;
    }
    t_ref_yuv_to_rgb(Y, U, V, t_bits(t->tf), t->full, matrix, rgb);
}

/* Writes colour (r, g, b) to pixel (x, y) by the float reference (YCbCr
 * through `matrix`, grey = the matrix's luma, full range). */
static inline void tb_set_rgb(TBuf *b, int matrix, int x, int y, double r, double g, double bl) {
    TImage *t = &b->t;
    if (t_is_rgb(t->tf)) {
        t_set_rgb(t, x, y, t_clampi(r, 255), t_clampi(g, 255), t_clampi(bl, 255), 255);
        return;
    }
    double yuv[3];
    int bits = t_bits(t->tf), max = (1 << bits) - 1;
    t_ref_rgb_to_yuv(r, g, bl, bits, t_is_gray(t->tf) ? 1 : t->full, matrix, yuv);
    t_set_yuv(t, x, y, t_clampi(yuv[0], max), t_clampi(yuv[1], max), t_clampi(yuv[2], max));
}

/* Fills the whole image with one colour. */
static inline void tb_fill_rgb(TBuf *b, int matrix, double r, double g, double bl) {
    for (int y = 0; y < b->t.im.height; y++)
        for (int x = 0; x < b->t.im.width; x++)
            tb_set_rgb(b, matrix, x, y, r, g, bl);
}

/* H.273 matrix code of a kCVImageBufferYCbCrMatrix_* string. */
static inline CFStringRef tt_matrix_string(int matrix) {
    switch (matrix) {
    case 1:
        return kCVImageBufferYCbCrMatrix_ITU_R_709_2;
    case 9:
        return kCVImageBufferYCbCrMatrix_ITU_R_2020;
    default:
        return kCVImageBufferYCbCrMatrix_ITU_R_601_4;
    }
}

static inline CFNumberRef tt_num(double v) {
    return CFNumberCreate(NULL, kCFNumberFloat64Type, &v);
}

/* A 2-entry or 4-entry dictionary of numbers (+1). */
static inline CFDictionaryRef tt_dict(int n, const CFStringRef *keys, const double *vals) {
    CFMutableDictionaryRef d = CFDictionaryCreateMutable(NULL, 0, &kCFTypeDictionaryKeyCallBacks,
                                                         &kCFTypeDictionaryValueCallBacks);
    for (int i = 0; i < n; i++) {
        CFNumberRef v = tt_num(vals[i]);
        CFDictionarySetValue(d, keys[i], v);
        CFRelease(v);
    }
    return d;
}

static inline CFDictionaryRef tt_aperture(double w, double h, double ho, double vo) {
    CFStringRef k[4] = {kCVImageBufferCleanApertureWidthKey, kCVImageBufferCleanApertureHeightKey,
                        kCVImageBufferCleanApertureHorizontalOffsetKey,
                        kCVImageBufferCleanApertureVerticalOffsetKey};
    double v[4] = {w, h, ho, vo};
    return tt_dict(4, k, v);
}

static inline CFDictionaryRef tt_par(double h, double v) {
    CFStringRef k[2] = {kCVImageBufferPixelAspectRatioHorizontalSpacingKey,
                        kCVImageBufferPixelAspectRatioVerticalSpacingKey};
    double vals[2] = {h, v};
    return tt_dict(2, k, vals);
}

/* Number stored under key in dictionary d, or NAN. */
static inline double tt_dict_num(CFTypeRef d, CFStringRef key) {
    double v = NAN;
    if (!d || CFGetTypeID(d) != CFDictionaryGetTypeID())
        return NAN;
    CFTypeRef n = CFDictionaryGetValue((CFDictionaryRef)d, key);
    if (!n || CFGetTypeID(n) != CFNumberGetTypeID() ||
        !CFNumberGetValue((CFNumberRef)n, kCFNumberFloat64Type, &v))
        return NAN;
    return v;
}

static inline OSStatus tt_set_int(VTSessionRef s, CFStringRef key, int v) {
    CFNumberRef n = CFNumberCreate(NULL, kCFNumberIntType, &v);
    OSStatus st = VTSessionSetProperty(s, key, n);
    CFRelease(n);
    return st;
}

#endif /* VTCORE_TESTS_TRANSFER_TEST_UTIL_H */
