/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Helpers shared by the converter tests. Everything here is the tests' own
 * knowledge of the formats, independent of vtcore/src/convert:
 *   - images whose planes are mmap'ed so that the last row ends exactly at a
 *     page end followed by a PROT_NONE page (and one before the first row):
 *     any over-read or over-write faults;
 *   - per-pixel accessors for every format (YCbCr samples at native depth,
 *     or R, G, B, A);
 *   - the floating-point reference for YCbCr <-> RGB (BT.601 / 709 / 2020,
 *     video / full range, 8 / 10 bits) straight from the matrix definitions.
 */
#ifndef VTCORE_TESTS_CONVERT_TEST_UTIL_H
#define VTCORE_TESTS_CONVERT_TEST_UTIL_H

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <CoreVideo/CVPixelBuffer.h>

#include "convert/convert.h"
#include "cv/pixel_format.h"

/* ---- format knowledge (the test's own) ----------------------------------- */

enum { TK_PLANAR, TK_SEMI, TK_PACKED, TK_GRAY, TK_RGB32, TK_RGB24, TK_P010 };

typedef struct TFormat {
    OSType fourcc;
    const char *name;
    int kind;
    int sx, sy; /* chroma subsampling */
    int swap;   /* PLANAR: Cr plane before Cb (YV12); SEMI: Cr first (NV21) */
    int off[4]; /* PACKED: Y0 Cb Y1 Cr offsets; RGB: R G B A offsets */
} TFormat;

/* clang-format off */
static const TFormat t_formats[] = {
    { kCVPixelFormatType_420YpCbCr8BiPlanarVideoRange, "NV12 video", TK_SEMI, 1, 1, 0, {0} },
    { kCVPixelFormatType_420YpCbCr8BiPlanarFullRange, "NV12 full", TK_SEMI, 1, 1, 0, {0} },
    { kCVPixelFormatType_420YpCbCr8Planar, "I420 video", TK_PLANAR, 1, 1, 0, {0} },
    { kCVPixelFormatType_420YpCbCr8PlanarFullRange, "I420 full", TK_PLANAR, 1, 1, 0, {0} },
    { kVTCorePixelFormatType_420YpCbCr8PlanarYV12, "YV12 video", TK_PLANAR, 1, 1, 1, {0} },
    { kVTCorePixelFormatType_420YpCbCr8PlanarYV12FullRange, "YV12 full", TK_PLANAR, 1, 1, 1, {0} },
    { kVTCorePixelFormatType_420YpCbCr8BiPlanarNV21VideoRange, "NV21 video", TK_SEMI, 1, 1, 1, {0} },
    { kVTCorePixelFormatType_420YpCbCr8BiPlanarNV21FullRange, "NV21 full", TK_SEMI, 1, 1, 1, {0} },
    { kCVPixelFormatType_422YpCbCr8BiPlanarVideoRange, "NV16 video", TK_SEMI, 1, 0, 0, {0} },
    { kCVPixelFormatType_422YpCbCr8BiPlanarFullRange, "NV16 full", TK_SEMI, 1, 0, 0, {0} },
    { kCVPixelFormatType_444YpCbCr8BiPlanarVideoRange, "NV24 video", TK_SEMI, 0, 0, 0, {0} },
    { kCVPixelFormatType_444YpCbCr8BiPlanarFullRange, "NV24 full", TK_SEMI, 0, 0, 0, {0} },
    { kVTCorePixelFormatType_422YpCbCr8Planar, "I422 video", TK_PLANAR, 1, 0, 0, {0} },
    { kVTCorePixelFormatType_422YpCbCr8PlanarFullRange, "I422 full", TK_PLANAR, 1, 0, 0, {0} },
    { kVTCorePixelFormatType_444YpCbCr8Planar, "I444 video", TK_PLANAR, 0, 0, 0, {0} },
    { kVTCorePixelFormatType_444YpCbCr8PlanarFullRange, "I444 full", TK_PLANAR, 0, 0, 0, {0} },
    { kCVPixelFormatType_420YpCbCr10BiPlanarVideoRange, "P010 video", TK_P010, 1, 1, 0, {0} },
    { kCVPixelFormatType_420YpCbCr10BiPlanarFullRange, "P010 full", TK_P010, 1, 1, 0, {0} },
    { kCVPixelFormatType_422YpCbCr8, "UYVY video", TK_PACKED, 1, 0, 0, {1, 0, 3, 2} },
    { kCVPixelFormatType_422YpCbCr8_yuvs, "YUY2 video", TK_PACKED, 1, 0, 0, {0, 1, 2, 3} },
    { kCVPixelFormatType_422YpCbCr8FullRange, "YUY2 full", TK_PACKED, 1, 0, 0, {0, 1, 2, 3} },
    { kCVPixelFormatType_32BGRA, "BGRA", TK_RGB32, 0, 0, 0, {2, 1, 0, 3} },
    { kCVPixelFormatType_32RGBA, "RGBA", TK_RGB32, 0, 0, 0, {0, 1, 2, 3} },
    { kCVPixelFormatType_32ARGB, "ARGB", TK_RGB32, 0, 0, 0, {1, 2, 3, 0} },
    { kCVPixelFormatType_32ABGR, "ABGR", TK_RGB32, 0, 0, 0, {3, 2, 1, 0} },
    { kCVPixelFormatType_24RGB, "24RGB", TK_RGB24, 0, 0, 0, {0, 1, 2, -1} },
    { kCVPixelFormatType_24BGR, "24BGR", TK_RGB24, 0, 0, 0, {2, 1, 0, -1} },
    { kCVPixelFormatType_OneComponent8, "GRAY8", TK_GRAY, 0, 0, 0, {0} },
};
/* clang-format on */
#define T_NFORMATS ((int)(sizeof(t_formats) / sizeof(t_formats[0])))

static inline const TFormat *t_format(OSType fourcc) {
    for (int i = 0; i < T_NFORMATS; i++)
        if (t_formats[i].fourcc == fourcc)
            return &t_formats[i];
    return NULL;
}

static inline int t_is_rgb(const TFormat *f) {
    return f->kind == TK_RGB32 || f->kind == TK_RGB24;
}
static inline int t_is_gray(const TFormat *f) {
    return f->kind == TK_GRAY;
}
static inline int t_is_yuv(const TFormat *f) {
    return !t_is_rgb(f) && !t_is_gray(f);
}
static inline int t_bits(const TFormat *f) {
    return f->kind == TK_P010 ? 10 : 8;
}

/* ---- guarded images -------------------------------------------------------- */

typedef struct TImage {
    VTImage im;
    const TFormat *tf;
    int full;
    int nplanes;
    int pw[3], ph[3], bpe[3]; /* plane width in elements, height, bytes per element */
    void *map[3];
    size_t maplen[3];
} TImage;

static inline void t_plane_geometry(const TFormat *f, int w, int h, int *n, int pw[3], int ph[3],
                                    int bpe[3]) {
    int cw = (w + (1 << f->sx) - 1) >> f->sx, ch = (h + (1 << f->sy) - 1) >> f->sy;
    pw[0] = w;
    ph[0] = h;
    switch (f->kind) {
    case TK_PLANAR:
        *n = 3;
        bpe[0] = bpe[1] = bpe[2] = 1;
        pw[1] = pw[2] = cw;
        ph[1] = ph[2] = ch;
        break;
    case TK_SEMI:
        *n = 2;
        bpe[0] = 1;
        bpe[1] = 2;
        pw[1] = cw;
        ph[1] = ch;
        break;
    case TK_P010:
        *n = 2;
        bpe[0] = 2;
        bpe[1] = 4;
        pw[1] = cw;
        ph[1] = ch;
        break;
    case TK_PACKED:
        *n = 1;
        bpe[0] = 4;
        pw[0] = (w + 1) / 2;
        break;
    case TK_RGB32:
        *n = 1;
        bpe[0] = 4;
        break;
    case TK_RGB24:
        *n = 1;
        bpe[0] = 3;
        break;
    default:
        *n = 1;
        bpe[0] = 1;
        break;
    }
}

/* Allocates an image; stride = minimum row bytes + pad (pad rounded up to
 * even for 16-bit planes). With invert, the image is bottom-up (negative
 * strides, data[] points at the last row in memory). Returns 0 on failure. */
static inline int t_image_alloc_ex(TImage *t, OSType fourcc, int w, int h, int pad, int invert) {
    long page = sysconf(_SC_PAGESIZE);
    memset(t, 0, sizeof(*t));
    t->tf = t_format(fourcc);
    t->im.fmt = vt_pixel_format_lookup(fourcc);
    if (!t->tf || !t->im.fmt)
        return 0;
    t->full = t->im.fmt->full_range;
    t->im.width = w;
    t->im.height = h;
    t_plane_geometry(t->tf, w, h, &t->nplanes, t->pw, t->ph, t->bpe);
    for (int p = 0; p < t->nplanes; p++) {
        size_t row = (size_t)t->pw[p] * t->bpe[p];
        size_t stride = row + (size_t)pad;
        if (t->bpe[p] % 2 == 0 && stride % 2)
            stride++;
        size_t total = stride * (size_t)(t->ph[p] - 1) + row;
        size_t pages = (total + (size_t)page - 1) / (size_t)page;
        size_t len = (pages + 2) * (size_t)page;
        uint8_t *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (m == MAP_FAILED)
            return 0;
        mprotect(m, (size_t)page, PROT_NONE);
        mprotect(m + (pages + 1) * (size_t)page, (size_t)page, PROT_NONE);
        uint8_t *base = m + (pages + 1) * (size_t)page - total; /* first row in memory */
        /* 16-bit planes need 2-byte alignment: total is even for them */
        t->map[p] = m;
        t->maplen[p] = len;
        if (invert) {
            t->im.data[p] = base + stride * (size_t)(t->ph[p] - 1);
            t->im.stride[p] = -(int)stride;
        } else {
            t->im.data[p] = base;
            t->im.stride[p] = (int)stride;
        }
        memset(base, 0xA5, total);
    }
    return 1;
}

static inline int t_image_alloc(TImage *t, OSType fourcc, int w, int h, int pad) {
    return t_image_alloc_ex(t, fourcc, w, h, pad, 0);
}

static inline void t_image_free(TImage *t) {
    for (int p = 0; p < 3; p++)
        if (t->map[p])
            munmap(t->map[p], t->maplen[p]);
    memset(t, 0, sizeof(*t));
}

static inline uint8_t *t_row(const TImage *t, int p, int y) {
    return t->im.data[p] + (ptrdiff_t)y * t->im.stride[p];
}

/* ---- pixel access ------------------------------------------------------------ */

static inline void t_get_yuv(const TImage *t, int x, int y, int *Y, int *U, int *V) {
    const TFormat *f = t->tf;
    int cx = x >> f->sx, cy = y >> f->sy;
    switch (f->kind) {
    case TK_PLANAR:
        *Y = t_row(t, 0, y)[x];
        *U = t_row(t, f->swap ? 2 : 1, cy)[cx];
        *V = t_row(t, f->swap ? 1 : 2, cy)[cx];
        break;
    case TK_SEMI:
        *Y = t_row(t, 0, y)[x];
        *U = t_row(t, 1, cy)[2 * cx + (f->swap ? 1 : 0)];
        *V = t_row(t, 1, cy)[2 * cx + (f->swap ? 0 : 1)];
        break;
    case TK_P010: {
        const uint16_t *ry = (const uint16_t *)t_row(t, 0, y);
        const uint16_t *rc = (const uint16_t *)t_row(t, 1, cy);
        *Y = ry[x] >> 6;
        *U = rc[2 * cx] >> 6;
        *V = rc[2 * cx + 1] >> 6;
        break;
    }
    case TK_PACKED: {
        const uint8_t *g = t_row(t, 0, y) + 4 * (x >> 1);
        *Y = g[(x & 1) ? f->off[2] : f->off[0]];
        *U = g[f->off[1]];
        *V = g[f->off[3]];
        break;
    }
    case TK_GRAY:
        *Y = t_row(t, 0, y)[x];
        *U = *V = 128;
        break;
    default:
        *Y = *U = *V = -1;
        break;
    }
}

/* Low 6 bits of P010 samples must stay zero. */
static inline int t_p010_low_bits_clear(const TImage *t) {
    for (int p = 0; p < 2; p++)
        for (int y = 0; y < t->ph[p]; y++) {
            const uint16_t *r = (const uint16_t *)t_row(t, p, y);
            for (int x = 0; x < t->pw[p] * t->bpe[p] / 2; x++)
                if (r[x] & 63)
                    return 0;
        }
    return 1;
}

/* Sets the luma of (x, y) and the chroma sample that covers it. */
static inline void t_set_yuv(TImage *t, int x, int y, int Y, int U, int V) {
    const TFormat *f = t->tf;
    int cx = x >> f->sx, cy = y >> f->sy;
    switch (f->kind) {
    case TK_PLANAR:
        t_row(t, 0, y)[x] = (uint8_t)Y;
        t_row(t, f->swap ? 2 : 1, cy)[cx] = (uint8_t)U;
        t_row(t, f->swap ? 1 : 2, cy)[cx] = (uint8_t)V;
        break;
    case TK_SEMI:
        t_row(t, 0, y)[x] = (uint8_t)Y;
        t_row(t, 1, cy)[2 * cx + (f->swap ? 1 : 0)] = (uint8_t)U;
        t_row(t, 1, cy)[2 * cx + (f->swap ? 0 : 1)] = (uint8_t)V;
        break;
    case TK_P010:
        ((uint16_t *)t_row(t, 0, y))[x] = (uint16_t)(Y << 6);
        ((uint16_t *)t_row(t, 1, cy))[2 * cx] = (uint16_t)(U << 6);
        ((uint16_t *)t_row(t, 1, cy))[2 * cx + 1] = (uint16_t)(V << 6);
        break;
    case TK_PACKED: {
        uint8_t *g = t_row(t, 0, y) + 4 * (x >> 1);
        g[(x & 1) ? f->off[2] : f->off[0]] = (uint8_t)Y;
        g[f->off[1]] = (uint8_t)U;
        g[f->off[3]] = (uint8_t)V;
        if (x + 1 == t->im.width && !(x & 1))
            g[f->off[2]] = (uint8_t)Y; /* padding luma of an odd last column */
        break;
    }
    case TK_GRAY:
        t_row(t, 0, y)[x] = (uint8_t)Y;
        break;
    default:
        break;
    }
}

static inline void t_get_rgb(const TImage *t, int x, int y, int rgba[4]) {
    const TFormat *f = t->tf;
    if (f->kind == TK_RGB32) {
        const uint8_t *p = t_row(t, 0, y) + 4 * x;
        for (int c = 0; c < 4; c++)
            rgba[c] = p[f->off[c]];
    } else {
        const uint8_t *p = t_row(t, 0, y) + 3 * x;
        for (int c = 0; c < 3; c++)
            rgba[c] = p[f->off[c]];
        rgba[3] = 255;
    }
}

static inline void t_set_rgb(TImage *t, int x, int y, int r, int g, int b, int a) {
    const TFormat *f = t->tf;
    int v[4] = {r, g, b, a};
    if (f->kind == TK_RGB32) {
        uint8_t *p = t_row(t, 0, y) + 4 * x;
        for (int c = 0; c < 4; c++)
            p[f->off[c]] = (uint8_t)v[c];
    } else {
        uint8_t *p = t_row(t, 0, y) + 3 * x;
        for (int c = 0; c < 3; c++)
            p[f->off[c]] = (uint8_t)v[c];
    }
}

/* Deterministic pseudo-random numbers. */
static inline uint32_t t_rand(uint32_t *s) {
    *s = *s * 1664525u + 1013904223u;
    return *s >> 8;
}

/* Random content: every sample of every plane (including chroma of pixels
 * that share it), in the format's legal code range. */
static inline void t_fill_random(TImage *t, uint32_t seed) {
    uint32_t s = seed;
    for (int y = 0; y < t->im.height; y++)
        for (int x = 0; x < t->im.width; x++) {
            if (t_is_rgb(t->tf))
                t_set_rgb(t, x, y, t_rand(&s) & 255, t_rand(&s) & 255, t_rand(&s) & 255,
                          t_rand(&s) & 255);
            else if (t->tf->kind == TK_P010)
                t_set_yuv(t, x, y, t_rand(&s) & 1023, t_rand(&s) & 1023, t_rand(&s) & 1023);
            else
                t_set_yuv(t, x, y, t_rand(&s) & 255, t_rand(&s) & 255, t_rand(&s) & 255);
        }
}

/* ---- float reference ------------------------------------------------------- */

static inline void t_kr_kb(int matrix, double *kr, double *kb) {
    if (matrix == 1) {
        *kr = 0.2126;
        *kb = 0.0722;
    } else if (matrix == 9) {
        *kr = 0.2627;
        *kb = 0.0593;
    } else {
        *kr = 0.299;
        *kb = 0.114;
    }
}

/* H.273 quantisation of the range at `bits`. */
static inline void t_quant(int full, int bits, double *ylo, double *yspan, double *cmid,
                           double *cspan) {
    double s = (double)(1 << (bits - 8));
    if (full) {
        *ylo = 0;
        *yspan = (1 << bits) - 1;
        *cmid = 1 << (bits - 1);
        *cspan = (1 << bits) - 1;
    } else {
        *ylo = 16 * s;
        *yspan = 219 * s;
        *cmid = 128 * s;
        *cspan = 224 * s;
    }
}

/* YCbCr samples -> R, G, B in 0..255 (unclamped). */
static inline void t_ref_yuv_to_rgb(int Y, int U, int V, int bits, int full, int matrix,
                                    double rgb[3]) {
    double kr, kb, ylo, ys, cm, cs;
    t_kr_kb(matrix, &kr, &kb);
    t_quant(full, bits, &ylo, &ys, &cm, &cs);
    double kg = 1 - kr - kb;
    double e = (Y - ylo) / ys, pb = (U - cm) / cs, pr = (V - cm) / cs;
    double r = e + 2 * (1 - kr) * pr, b = e + 2 * (1 - kb) * pb;
    double g = (e - kr * r - kb * b) / kg;
    rgb[0] = 255 * r;
    rgb[1] = 255 * g;
    rgb[2] = 255 * b;
}

/* R, G, B in 0..255 -> YCbCr samples (unrounded, unclamped). */
static inline void t_ref_rgb_to_yuv(double r, double g, double b, int bits, int full, int matrix,
                                    double yuv[3]) {
    double kr, kb, ylo, ys, cm, cs;
    t_kr_kb(matrix, &kr, &kb);
    t_quant(full, bits, &ylo, &ys, &cm, &cs);
    double kg = 1 - kr - kb;
    r /= 255;
    g /= 255;
    b /= 255;
    double e = kr * r + kg * g + kb * b;
    yuv[0] = ylo + ys * e;
    yuv[1] = cm + cs * (b - e) / (2 * (1 - kb));
    yuv[2] = cm + cs * (r - e) / (2 * (1 - kr));
}

/* Re-quantise a sample between ranges / depths. */
static inline double t_requant(double v, int chroma, int sfull, int sbits, int dfull, int dbits) {
    double a, b, c, d, e, f, g, h;
    if (sfull == dfull && sbits == dbits)
        return v; /* no rounding noise on identities */
    t_quant(sfull, sbits, &a, &b, &c, &d);
    t_quant(dfull, dbits, &e, &f, &g, &h);
    return chroma ? g + (v - c) / d * h : e + (v - a) / b * f;
}

static inline int t_clampi(double v, int max) {
    long r = lround(v);
    return (int)(r < 0 ? 0 : r > max ? max : r);
}

#endif /* VTCORE_TESTS_CONVERT_TEST_UTIL_H */
