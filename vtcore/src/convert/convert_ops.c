/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The steps a conversion plan is made of. Each row op works on a band of
 * image rows [y0, y1) (y0 even) and touches only the buffer rows of that
 * band, so bands can run on different threads with identical results.
 * libyuv does the repacking, scaling and the colour conversions it computes
 * accurately; the rest are the portable kernels of convert_kernels.c.
 */
#include "config.h"

#include <string.h>

#if HAVE_LIBYUV
#include <libyuv/convert.h>
#include <libyuv/convert_argb.h>
#include <libyuv/convert_from.h>
#include <libyuv/convert_from_argb.h>
#include <libyuv/planar_functions.h>
#include <libyuv/scale.h>
#include <libyuv/scale_argb.h>
#endif

#include "convert_internal.h"

#define ALIGN64(x) (((x) + 63) & ~(size_t)63)

/* Carves 64-byte aligned pieces out of the per-thread temporary block. */
static void *carve(uint8_t **cur, size_t bytes) {
    void *p = *cur;
    *cur += ALIGN64(bytes);
    return p;
}

static inline VTBuf *B(VTBuf *bufs, const VTOp *op, int i) {
    return op->b[i] >= 0 ? &bufs[op->b[i]] : NULL;
}

/* ---- copy, split, merge, packed 4:2:2 ------------------------------------- */

void vt_op_copy(const VTOp *op, VTBuf *bufs, uint8_t *tmp, int y0, int y1) {
    VTBuf *s = B(bufs, op, 0), *d = B(bufs, op, 1);
    int r0, r1;
    (void)tmp;
    vt_buf_rows(d, y0, y1, &r0, &r1);
    size_t bytes = (size_t)d->w * d->bpe;
#if HAVE_LIBYUV
    CopyPlane(vt_buf_row(s, r0), (int)s->stride, vt_buf_row(d, r0), (int)d->stride, (int)bytes,
              r1 - r0);
#else
    for (int r = r0; r < r1; r++)
        memcpy(vt_buf_row(d, r), vt_buf_row(s, r), bytes);
#endif
}

void vt_op_split_uv(const VTOp *op, VTBuf *bufs, uint8_t *tmp, int y0, int y1) {
    VTBuf *s = B(bufs, op, 0), *u = B(bufs, op, 1), *v = B(bufs, op, 2);
    int r0, r1;
    (void)tmp;
    vt_buf_rows(u, y0, y1, &r0, &r1);
    if (op->i[0]) {
#if HAVE_LIBYUV
        SplitUVPlane_16((const uint16_t *)vt_buf_row(s, r0), (int)(s->stride / 2),
                        (uint16_t *)vt_buf_row(u, r0), (int)(u->stride / 2),
                        (uint16_t *)vt_buf_row(v, r0), (int)(v->stride / 2), u->w, r1 - r0, 16);
#else
        for (int r = r0; r < r1; r++)
            vt_k_deinterleave16((const uint16_t *)vt_buf_row(s, r), (uint16_t *)vt_buf_row(u, r),
                                (uint16_t *)vt_buf_row(v, r), u->w);
#endif
    } else {
#if HAVE_LIBYUV
        SplitUVPlane(vt_buf_row(s, r0), (int)s->stride, vt_buf_row(u, r0), (int)u->stride,
                     vt_buf_row(v, r0), (int)v->stride, u->w, r1 - r0);
#else
        for (int r = r0; r < r1; r++)
            vt_k_deinterleave8(vt_buf_row(s, r), vt_buf_row(u, r), vt_buf_row(v, r), u->w);
#endif
    }
}

void vt_op_merge_uv(const VTOp *op, VTBuf *bufs, uint8_t *tmp, int y0, int y1) {
    VTBuf *u = B(bufs, op, 0), *v = B(bufs, op, 1), *d = B(bufs, op, 2);
    int r0, r1;
    (void)tmp;
    vt_buf_rows(d, y0, y1, &r0, &r1);
    if (op->i[0]) {
#if HAVE_LIBYUV
        MergeUVPlane_16((const uint16_t *)vt_buf_row(u, r0), (int)(u->stride / 2),
                        (const uint16_t *)vt_buf_row(v, r0), (int)(v->stride / 2),
                        (uint16_t *)vt_buf_row(d, r0), (int)(d->stride / 2), d->w, r1 - r0, 16);
#else
        for (int r = r0; r < r1; r++)
            vt_k_interleave16((const uint16_t *)vt_buf_row(u, r),
                              (const uint16_t *)vt_buf_row(v, r), (uint16_t *)vt_buf_row(d, r),
                              d->w);
#endif
    } else {
#if HAVE_LIBYUV
        MergeUVPlane(vt_buf_row(u, r0), (int)u->stride, vt_buf_row(v, r0), (int)v->stride,
                     vt_buf_row(d, r0), (int)d->stride, d->w, r1 - r0);
#else
        for (int r = r0; r < r1; r++)
            vt_k_interleave8(vt_buf_row(u, r), vt_buf_row(v, r), vt_buf_row(d, r), d->w);
#endif
    }
}

void vt_op_unpack422(const VTOp *op, VTBuf *bufs, uint8_t *tmp, int y0, int y1) {
    const VTLayout *l = op->p;
    VTBuf *s = B(bufs, op, 0), *y = B(bufs, op, 1), *u = B(bufs, op, 2), *v = B(bufs, op, 3);
    (void)tmp;
#if HAVE_LIBYUV
    if (l->off[0] == 0)
        YUY2ToI422(vt_buf_row(s, y0), (int)s->stride, vt_buf_row(y, y0), (int)y->stride,
                   vt_buf_row(u, y0), (int)u->stride, vt_buf_row(v, y0), (int)v->stride, op->w,
                   y1 - y0);
    else
        UYVYToI422(vt_buf_row(s, y0), (int)s->stride, vt_buf_row(y, y0), (int)y->stride,
                   vt_buf_row(u, y0), (int)u->stride, vt_buf_row(v, y0), (int)v->stride, op->w,
                   y1 - y0);
#else
    for (int r = y0; r < y1; r++) {
        const uint8_t *p = vt_buf_row(s, r);
        uint8_t *py = vt_buf_row(y, r), *pu = vt_buf_row(u, r), *pv = vt_buf_row(v, r);
        for (int x = 0; x < op->w; x += 2) {
            const uint8_t *g = p + 2 * x;
            py[x] = g[l->off[0]];
            if (x + 1 < op->w)
                py[x + 1] = g[l->off[2]];
            pu[x >> 1] = g[l->off[1]];
            pv[x >> 1] = g[l->off[3]];
        }
    }
#endif
}

void vt_op_pack422(const VTOp *op, VTBuf *bufs, uint8_t *tmp, int y0, int y1) {
    const VTLayout *l = op->p;
    VTBuf *y = B(bufs, op, 0), *u = B(bufs, op, 1), *v = B(bufs, op, 2), *d = B(bufs, op, 3);
    (void)tmp;
#if HAVE_LIBYUV
    if (l->off[0] == 0)
        I422ToYUY2(vt_buf_row(y, y0), (int)y->stride, vt_buf_row(u, y0), (int)u->stride,
                   vt_buf_row(v, y0), (int)v->stride, vt_buf_row(d, y0), (int)d->stride, op->w,
                   y1 - y0);
    else
        I422ToUYVY(vt_buf_row(y, y0), (int)y->stride, vt_buf_row(u, y0), (int)u->stride,
                   vt_buf_row(v, y0), (int)v->stride, vt_buf_row(d, y0), (int)d->stride, op->w,
                   y1 - y0);
#else
    for (int r = y0; r < y1; r++) {
        uint8_t *p = vt_buf_row(d, r);
        const uint8_t *py = vt_buf_row(y, r), *pu = vt_buf_row(u, r), *pv = vt_buf_row(v, r);
        for (int x = 0; x < op->w; x += 2) {
            uint8_t *g = p + 2 * x;
            g[l->off[0]] = py[x];
            g[l->off[2]] = x + 1 < op->w ? py[x + 1] : py[x];
            g[l->off[1]] = pu[x >> 1];
            g[l->off[3]] = pv[x >> 1];
        }
    }
#endif
}

/* ---- LUTs and fills --------------------------------------------------------- */

void vt_op_lut8(const VTOp *op, VTBuf *bufs, uint8_t *tmp, int y0, int y1) {
    VTBuf *s = B(bufs, op, 0), *d = B(bufs, op, 1);
    int r0, r1;
    (void)tmp;
    vt_buf_rows(d, y0, y1, &r0, &r1);
    for (int r = r0; r < r1; r++)
        vt_k_lut8(vt_buf_row(s, r), vt_buf_row(d, r), d->w * d->bpe, op->p);
}

void vt_op_lut16to8(const VTOp *op, VTBuf *bufs, uint8_t *tmp, int y0, int y1) {
    VTBuf *s = B(bufs, op, 0), *d = B(bufs, op, 1);
    int r0, r1;
    (void)tmp;
    vt_buf_rows(d, y0, y1, &r0, &r1);
    for (int r = r0; r < r1; r++)
        vt_k_lut_16_to_8((const uint16_t *)vt_buf_row(s, r), vt_buf_row(d, r), d->w * d->bpe,
                         op->p);
}

void vt_op_lut8to16(const VTOp *op, VTBuf *bufs, uint8_t *tmp, int y0, int y1) {
    VTBuf *s = B(bufs, op, 0), *d = B(bufs, op, 1);
    int r0, r1;
    (void)tmp;
    vt_buf_rows(d, y0, y1, &r0, &r1);
    for (int r = r0; r < r1; r++)
        vt_k_lut_8_to_16(vt_buf_row(s, r), (uint16_t *)vt_buf_row(d, r), s->w * s->bpe, op->p);
}

void vt_op_lut16to16(const VTOp *op, VTBuf *bufs, uint8_t *tmp, int y0, int y1) {
    VTBuf *s = B(bufs, op, 0), *d = B(bufs, op, 1);
    int r0, r1;
    (void)tmp;
    vt_buf_rows(d, y0, y1, &r0, &r1);
    for (int r = r0; r < r1; r++)
        vt_k_lut_16_to_16((const uint16_t *)vt_buf_row(s, r), (uint16_t *)vt_buf_row(d, r),
                          d->w * d->bpe / 2, op->p);
}

void vt_op_fill(const VTOp *op, VTBuf *bufs, uint8_t *tmp, int y0, int y1) {
    VTBuf *d = B(bufs, op, 0);
    int r0, r1;
    (void)tmp;
    vt_buf_rows(d, y0, y1, &r0, &r1);
    if (op->i[1] == 2) {
        int n = d->w * d->bpe / 2;
        for (int r = r0; r < r1; r++) {
            uint16_t *p = (uint16_t *)vt_buf_row(d, r);
            for (int x = 0; x < n; x++)
                p[x] = (uint16_t)op->i[0];
        }
    } else {
        for (int r = r0; r < r1; r++)
            memset(vt_buf_row(d, r), op->i[0], (size_t)d->w * d->bpe);
    }
}

/* ---- 2:1 chroma resampling -------------------------------------------------- */

void vt_op_chroma_down(const VTOp *op, VTBuf *bufs, uint8_t *tmp, int y0, int y1) {
    VTBuf *s = B(bufs, op, 0), *d = B(bufs, op, 1);
    int dx = op->i[0], dy = op->i[1], avg = op->i[2];
    int r0, r1;
    (void)tmp;
    vt_buf_rows(d, y0, y1, &r0, &r1);
    for (int r = r0; r < r1; r++) {
        uint8_t *o = vt_buf_row(d, r);
        if (dy) {
            const uint8_t *a = vt_buf_row(s, 2 * r);
            const uint8_t *b = vt_buf_row(s, 2 * r + 1 < s->h ? 2 * r + 1 : 2 * r);
            if (dx)
                vt_k_down2_hv(a, b, o, d->w, s->w, avg);
            else if (avg)
                vt_k_avg2(a, b, o, d->w);
            else
                memcpy(o, a, (size_t)d->w);
        } else {
            const uint8_t *a = vt_buf_row(s, r);
            if (dx)
                vt_k_down2_h(a, o, d->w, s->w, avg);
            else
                memcpy(o, a, (size_t)d->w);
        }
    }
}

void vt_op_chroma_up(const VTOp *op, VTBuf *bufs, uint8_t *tmp, int y0, int y1) {
    VTBuf *s = B(bufs, op, 0), *d = B(bufs, op, 1);
    int dx = op->i[0], dy = op->i[1];
    int r0, r1;
    (void)tmp;
    vt_buf_rows(d, y0, y1, &r0, &r1);
    for (int r = r0; r < r1; r++) {
        const uint8_t *a = vt_buf_row(s, dy ? r >> 1 : r);
        if (dx)
            vt_k_up2_u8(a, vt_buf_row(d, r), d->w);
        else
            memcpy(vt_buf_row(d, r), a, (size_t)d->w);
    }
}

/* ---- interleaving rows of 4-byte pixels ------------------------------------------ */

/* comp[i] = byte i of each pixel; a NULL comp[3] drops byte 3. */
static void split_row(const uint8_t *src, uint8_t *const comp[4], int w) {
#if HAVE_LIBYUV
    SplitARGBPlane(src, 0, comp[2], 0, comp[1], 0, comp[0], 0, comp[3], 0, w, 1);
#else
    for (int x = 0; x < w; x++) {
        comp[0][x] = src[4 * x];
        comp[1][x] = src[4 * x + 1];
        comp[2][x] = src[4 * x + 2];
        if (comp[3])
            comp[3][x] = src[4 * x + 3];
    }
#endif
}

/* ---- YCbCr -> RGB --------------------------------------------------------------- */

enum {
    FAST_NONE = 0,
    FAST_I420_ARGB,
    FAST_I420_RGBA,
    FAST_I422_ARGB,
    FAST_I422_RGBA,
    FAST_I444_ARGB,
    FAST_NV12_ARGB,
    FAST_NV21_ARGB,
};

size_t vt_op_yuv2rgb_tmp(int w) {
    size_t n = (size_t)w;
    /* one output row; 3 chroma-term rows and 3 upsampled ones (int16);
     * 2 deinterleaved chroma rows (16-bit); the AVX2 kernel's terms */
    return ALIGN64(4 * n) + 6 * ALIGN64(2 * n) + 2 * ALIGN64(2 * n) + ALIGN64(6 * n) + 64;
}

void vt_op_yuv2rgb_select(VTYuv2RgbParams *p, int kind, int sx, int sy, int cr_first, int matrix,
                          int full_range) {
    p->fast = FAST_NONE;
    p->fast_swap = 0;
    p->fast_k = NULL;
#if HAVE_LIBYUV
    /* libyuv's video-range constants clamp the Cb->B coefficient to 127/64
     * (errors up to 3 for BT.601 and 18 for BT.709/2020); its full-range
     * 8-bit kernels are within 2 of exact. */
    if (!full_range || (kind != VT_YUV_PLANAR8 && kind != VT_YUV_SEMI8))
        return;
    const struct YuvConstants *k, *kvu;
    switch (matrix) {
    case VT_MATRIX_BT709:
        k = &kYuvF709Constants;
        kvu = &kYvuF709Constants;
        break;
    case VT_MATRIX_BT2020:
        k = &kYuvV2020Constants;
        kvu = &kYvuV2020Constants;
        break;
    default:
        k = &kYuvJPEGConstants;
        kvu = &kYvuJPEGConstants;
        break;
    }
    /* Which libyuv byte order the output is: "ARGB" = B,G,R,A; "RGBA" = A,B,G,R
     * (and the mirrored ones with Cb/Cr swapped). */
    const uint8_t *o = p->off;
    int family = -1, swap = 0;
    if (o[0] == 2 && o[1] == 1 && o[2] == 0 && o[3] == 3) {
        family = 0; /* BGRA */
    } else if (o[0] == 0 && o[1] == 1 && o[2] == 2 && o[3] == 3) {
        family = 0; /* RGBA: BGRA with R and B swapped */
        swap = 1;
    } else if (o[0] == 3 && o[1] == 2 && o[2] == 1 && o[3] == 0) {
        family = 1; /* ABGR = libyuv "RGBA" */
    } else if (o[0] == 1 && o[1] == 2 && o[2] == 3 && o[3] == 0) {
        family = 1; /* ARGB = libyuv "BGRA" */
        swap = 1;
    }
    if (family < 0)
        return;
    if (kind == VT_YUV_PLANAR8) {
        if (sx == 1 && sy == 1)
            p->fast = family ? FAST_I420_RGBA : FAST_I420_ARGB;
        else if (sx == 1 && sy == 0)
            p->fast = family ? FAST_I422_RGBA : FAST_I422_ARGB;
        else if (sx == 0 && sy == 0 && family == 0)
            p->fast = FAST_I444_ARGB;
        p->fast_swap = swap;
    } else if (kind == VT_YUV_SEMI8 && sx == 1 && sy == 1 && family == 0) {
        /* NV12 -> RGBA is NV21 -> BGRA with mirrored constants, and so on. */
        p->fast = (cr_first ^ swap) ? FAST_NV21_ARGB : FAST_NV12_ARGB;
    }
    if (p->fast)
        p->fast_k = swap ? kvu : k;
#else
    (void)kind;
    (void)sx;
    (void)sy;
    (void)cr_first;
    (void)matrix;
    (void)full_range;
#endif
}

#if HAVE_LIBYUV
static void yuv2rgb_fast(const VTOp *op, const VTYuv2RgbParams *p, VTBuf *bufs, int y0, int y1) {
    VTBuf *by = B(bufs, op, 0), *bu = B(bufs, op, 1), *bv = B(bufs, op, 2), *bo = B(bufs, op, 3);
    const struct YuvConstants *k = p->fast_k;
    int sy = op->i[2], w = op->w, h = y1 - y0;
    const uint8_t *y = vt_buf_row(by, y0);
    const uint8_t *u = vt_buf_row(bu, y0 >> sy);
    uint8_t *o = vt_buf_row(bo, y0);
    int ys = (int)by->stride, us = (int)bu->stride, os = (int)bo->stride;
    if (p->fast == FAST_NV12_ARGB) {
        NV12ToARGBMatrix(y, ys, u, us, o, os, k, w, h);
        return;
    }
    if (p->fast == FAST_NV21_ARGB) {
        NV21ToARGBMatrix(y, ys, u, us, o, os, k, w, h);
        return;
    }
    const uint8_t *v = vt_buf_row(bv, y0 >> sy);
    int vs = (int)bv->stride;
    if (p->fast_swap) {
        const uint8_t *t = u;
        u = v;
        v = t;
        int ts = us;
        us = vs;
        vs = ts;
    }
    switch (p->fast) {
    case FAST_I420_ARGB:
        I420ToARGBMatrix(y, ys, u, us, v, vs, o, os, k, w, h);
        break;
    case FAST_I420_RGBA:
        I420ToRGBAMatrix(y, ys, u, us, v, vs, o, os, k, w, h);
        break;
    case FAST_I422_ARGB:
        I422ToARGBMatrix(y, ys, u, us, v, vs, o, os, k, w, h);
        break;
    case FAST_I422_RGBA:
        I422ToRGBAMatrix(y, ys, u, us, v, vs, o, os, k, w, h);
        break;
    default:
        I444ToARGBMatrix(y, ys, u, us, v, vs, o, os, k, w, h);
        break;
    }
}
#endif

#if VT_KERNELS_AVX2
/* The hand-written kernels on the leading columns of a row: AVX-512 on whole
 * runs of VT_K_AVX512_PIXELS, then AVX2 on whole runs of VT_K_AVX2_PIXELS,
 * as far as the level allows. They return the columns done; the portable
 * kernels do the rest. */
static int simd_run(int level, int need, int run, int w, int x) {
    return level >= need ? (w - x) & ~(run - 1) : 0;
}

static int simd_rgb32_to_y(int level, const uint8_t *s, uint8_t *y, int w,
                           const VTRgb2YuvParams *p) {
    int x = 0, n = simd_run(level, VT_KERNELS_LEVEL_AVX512, VT_K_AVX512_PIXELS, w, 0);
    if (n && vt_k_rgb32_to_y_avx512(s, y, n, p->off, &p->k))
        x = n;
    n = simd_run(level, VT_KERNELS_LEVEL_AVX2, VT_K_AVX2_PIXELS, w, x);
    if (n && vt_k_rgb32_to_y_avx2(s + 4 * (size_t)x, y + x, n, p->off, &p->k))
        x += n;
    return x;
}

static int simd_rgb32_to_uv(int level, const uint8_t *a, const uint8_t *b, int w, int sx, int dec,
                            const VTRgb2YuvParams *p, uint8_t *u, uint8_t *v, int step) {
    int x = 0, n = simd_run(level, VT_KERNELS_LEVEL_AVX512, VT_K_AVX512_PIXELS, w, 0);
    if (n && vt_k_rgb32_to_uv_avx512(a, b, n, sx, dec, p->off, &p->k, u, v, step))
        x = n;
    n = simd_run(level, VT_KERNELS_LEVEL_AVX2, VT_K_AVX2_PIXELS, w, x);
    size_t c = (size_t)(x >> sx) * (size_t)step, o = 4 * (size_t)x;
    if (n && vt_k_rgb32_to_uv_avx2(a + o, b + o, n, sx, dec, p->off, &p->k, u + c, v + c, step))
        x += n;
    return x;
}

static int simd_yuv8_rows(int level, const uint8_t *l0, const uint8_t *l1, const uint8_t *u,
                          const uint8_t *v, int step, int sx, uint8_t *o0, uint8_t *o1, int w,
                          const VTYuv2RgbParams *p, int16_t *terms) {
    int x = 0, n = simd_run(level, VT_KERNELS_LEVEL_AVX512, VT_K_AVX512_PIXELS, w, 0);
    if (n && vt_k_yuv8_rows_avx512(l0, l1, u, v, step, sx, o0, o1, n, p->off, &p->k, terms))
        x = n;
    n = simd_run(level, VT_KERNELS_LEVEL_AVX2, VT_K_AVX2_PIXELS, w, x);
    size_t c = (size_t)(x >> sx) * (size_t)step, o = 4 * (size_t)x;
    if (n && vt_k_yuv8_rows_avx2(l0 + x, l1 ? l1 + x : NULL, u + c, v + c, step, sx, o0 + o,
                                 o1 ? o1 + o : NULL, n, p->off, &p->k, terms))
        x += n;
    return x;
}
#endif

/* Luma + full-resolution chroma terms -> w pixels at out, through the
 * 2-byte aligned row when out is not. */
static void luma_row(VTLumaPackedFn luma, const void *y, const int16_t *cb, const int16_t *cg,
                     const int16_t *cr, uint8_t *out, int w, const VTYuvToRgb *k, uint16_t *row) {
    if (((uintptr_t)out & 1) == 0) {
        luma(y, cb, cg, cr, (uint16_t *)(void *)out, w, k);
    } else {
        luma(y, cb, cg, cr, row, w, k);
        memcpy(out, row, 4 * (size_t)w);
    }
}

/* 8-bit planar / semi-planar: per chroma row, the hand-written kernels do
 * the leading columns of its luma rows and the portable kernels (chroma
 * terms, 2:1 upsampling, luma) the rest. */
static void yuv8_to_rgb(const VTOp *op, const VTYuv2RgbParams *p, VTBuf *bufs, uint8_t *cur, int y0,
                        int y1) {
    VTBuf *by = B(bufs, op, 0), *bu = B(bufs, op, 1), *bv = B(bufs, op, 2), *bo = B(bufs, op, 3);
    int semi = op->i[0] == VT_YUV_SEMI8, sx = op->i[1], sy = op->i[2], cr_first = op->i[3];
    int w = op->w, cw = (w + (1 << sx) - 1) >> sx;
    uint16_t *row = carve(&cur, 4 * (size_t)w); /* for destination rows at odd addresses */
    int16_t *tcb = carve(&cur, 2 * (size_t)w), *tcg = carve(&cur, 2 * (size_t)w),
            *tcr = carve(&cur, 2 * (size_t)w);
    int16_t *fcb = carve(&cur, 2 * (size_t)w), *fcg = carve(&cur, 2 * (size_t)w),
            *fcr = carve(&cur, 2 * (size_t)w);
    uint8_t *du = carve(&cur, (size_t)w), *dv = carve(&cur, (size_t)w);
    VTLumaPackedFn luma = vt_k_luma_packed(p->off, 0);
#if VT_KERNELS_AVX2
    int16_t *terms = carve(&cur, 6 * (size_t)w);
    int level = vt_kernels_level();
#endif
    if (!sx) {
        fcb = tcb;
        fcg = tcg;
        fcr = tcr;
    }
    int rows = 1 << sy;
    for (int y = y0; y < y1; y += rows) {
        int cy = y >> sy, two = rows == 2 && y + 1 < y1;
        const uint8_t *u = vt_buf_row(bu, cy), *v = semi ? NULL : vt_buf_row(bv, cy);
        uint8_t *o0 = vt_buf_row(bo, y), *o1 = two ? vt_buf_row(bo, y + 1) : NULL;
        const uint8_t *l0 = vt_buf_row(by, y), *l1 = two ? vt_buf_row(by, y + 1) : NULL;
        int x = 0;
#if VT_KERNELS_AVX2
        x = simd_yuv8_rows(level, l0, l1, semi ? u + cr_first : u, semi ? u + !cr_first : v,
                           semi ? 2 : 1, sx, o0, o1, w, p, terms);
#endif
        if (x == w)
            continue;
        int c0 = x >> sx; /* first chroma sample left */
        if (semi) {
#if HAVE_LIBYUV
            SplitUVPlane(u + 2 * (size_t)c0, 0, du, 0, dv, 0, cw - c0, 1);
#else
            vt_k_deinterleave8(u + 2 * (size_t)c0, du, dv, cw - c0);
#endif
            vt_k_cterms8(cr_first ? dv : du, cr_first ? du : dv, cw - c0, tcb, tcg, tcr, &p->k);
        } else {
            vt_k_cterms8(u + c0, v + c0, cw - c0, tcb, tcg, tcr, &p->k);
        }
        if (sx) {
            vt_k_up2_s16(tcb, fcb, w - x);
            vt_k_up2_s16(tcg, fcg, w - x);
            vt_k_up2_s16(tcr, fcr, w - x);
        }
        luma_row(luma, l0 + x, fcb, fcg, fcr, o0 + 4 * (size_t)x, w - x, &p->k, row);
        if (two)
            luma_row(luma, l1 + x, fcb, fcg, fcr, o1 + 4 * (size_t)x, w - x, &p->k, row);
    }
}

void vt_op_yuv2rgb(const VTOp *op, VTBuf *bufs, uint8_t *tmp, int y0, int y1) {
    const VTYuv2RgbParams *p = op->p;
#if HAVE_LIBYUV
    if (p->fast) {
        yuv2rgb_fast(op, p, bufs, y0, y1);
        return;
    }
#endif
    VTBuf *by = B(bufs, op, 0), *bu = B(bufs, op, 1), *bv = B(bufs, op, 2), *bo = B(bufs, op, 3);
    int kind = op->i[0], sx = op->i[1], sy = op->i[2], cr_first = op->i[3];
    int w = op->w, cw = (w + (1 << sx) - 1) >> sx;
    uint8_t *cur = (uint8_t *)(((uintptr_t)tmp + 63) & ~(uintptr_t)63);
    if (kind == VT_YUV_PLANAR8 || kind == VT_YUV_SEMI8) {
        yuv8_to_rgb(op, p, bufs, cur, y0, y1);
        return;
    }
    uint16_t *row = carve(&cur, 4 * (size_t)w); /* for destination rows at odd addresses */
    int16_t *tcb = carve(&cur, 2 * (size_t)w), *tcg = carve(&cur, 2 * (size_t)w),
            *tcr = carve(&cur, 2 * (size_t)w);
    int16_t *fcb = carve(&cur, 2 * (size_t)w), *fcg = carve(&cur, 2 * (size_t)w),
            *fcr = carve(&cur, 2 * (size_t)w);
    uint8_t *du = carve(&cur, 2 * (size_t)w), *dv = carve(&cur, 2 * (size_t)w);
    int b16 = kind == VT_YUV_PLANAR16 || kind == VT_YUV_SEMI16;
    VTLumaPackedFn luma = vt_k_luma_packed(p->off, b16);
    if (!sx) {
        fcb = tcb;
        fcg = tcg;
        fcr = tcr;
    }
    if (kind == VT_YUV_GRAY8) {
        memset(fcb, 0, 2 * (size_t)w);
        memset(fcg, 0, 2 * (size_t)w);
        memset(fcr, 0, 2 * (size_t)w);
    }
    int last_cy = -1;
    for (int y = y0; y < y1; y++) {
        int cy = y >> sy;
        if (b16 && cy != last_cy) {
            last_cy = cy;
            if (kind == VT_YUV_PLANAR16) {
                vt_k_cterms16((const uint16_t *)vt_buf_row(bu, cy),
                              (const uint16_t *)vt_buf_row(bv, cy), cw, tcb, tcg, tcr, &p->k);
            } else { /* VT_YUV_SEMI16 */
                vt_k_deinterleave16((const uint16_t *)vt_buf_row(bu, cy), (uint16_t *)du,
                                    (uint16_t *)dv, cw);
                vt_k_cterms16((const uint16_t *)(cr_first ? dv : du),
                              (const uint16_t *)(cr_first ? du : dv), cw, tcb, tcg, tcr, &p->k);
            }
            if (sx) {
                vt_k_up2_s16(tcb, fcb, w);
                vt_k_up2_s16(tcg, fcg, w);
                vt_k_up2_s16(tcr, fcr, w);
            }
        }
        luma_row(luma, vt_buf_row(by, y), fcb, fcg, fcr, vt_buf_row(bo, y), w, &p->k, row);
    }
}

/* ---- RGB -> YCbCr ---------------------------------------------------------------- */

enum {
    FASTR_NONE = 0,
    FASTR_ARGBToI420,
    FASTR_ABGRToI420,
    FASTR_BGRAToI420,
    FASTR_RGBAToI420,
    FASTR_ARGBToNV12,
    FASTR_ABGRToNV12,
    FASTR_ARGBToNV21,
    FASTR_ABGRToNV21,
    FASTR_ARGBToI422,
    FASTR_ARGBToI444,
    FASTR_ARGBToI400,
    FASTR_ARGBToJ420,
    FASTR_ABGRToJ420,
    FASTR_ARGBToJ422,
    FASTR_ABGRToJ422,
    FASTR_ARGBToJ400,
    FASTR_ABGRToJ400,
    FASTR_RGBAToJ400,
};

size_t vt_op_rgb2yuv_tmp(int w) {
    size_t n = (size_t)w;
    /* 2 x (r, g, b), a dummy row, 3 sums (16-bit), 2 chroma rows */
    return 7 * ALIGN64(n) + 3 * ALIGN64(2 * n) + 2 * ALIGN64(n) + 64;
}

void vt_op_rgb2yuv_select(VTRgb2YuvParams *p, int kind, int sx, int sy, int cr_first, int decimate,
                          int matrix, int full_range) {
    p->fast = FASTR_NONE;
#if HAVE_LIBYUV
    /* libyuv converts RGB to BT.601 only; its 4:2:x kernels average the 2 or 4
     * samples (kVTDownsamplingMode_Average). */
    if (matrix != VT_MATRIX_BT601 && matrix != VT_MATRIX_BT470BG)
        return;
    const uint8_t *o = p->off;
    int order; /* libyuv name of the input: 0 ARGB, 1 ABGR, 2 BGRA, 3 RGBA */
    if (o[0] == 2 && o[1] == 1 && o[2] == 0)
        order = 0; /* CV BGRA */
    else if (o[0] == 0 && o[1] == 1 && o[2] == 2)
        order = 1; /* CV RGBA */
    else if (o[0] == 1 && o[1] == 2 && o[2] == 3)
        order = 2; /* CV ARGB */
    else if (o[0] == 3 && o[1] == 2 && o[2] == 1)
        order = 3; /* CV ABGR */
    else
        return;
    int sub = sx || sy;
    if (sub && decimate)
        return;
    if (!full_range) {
        if (kind == VT_YUV_PLANAR8 && sx == 1 && sy == 1) {
            static const int f[4] = {FASTR_ARGBToI420, FASTR_ABGRToI420, FASTR_BGRAToI420,
                                     FASTR_RGBAToI420};
            p->fast = f[order];
        } else if (kind == VT_YUV_SEMI8 && sx == 1 && sy == 1 && order <= 1) {
            if (cr_first)
                p->fast = order ? FASTR_ABGRToNV21 : FASTR_ARGBToNV21;
            else
                p->fast = order ? FASTR_ABGRToNV12 : FASTR_ARGBToNV12;
        } else if (kind == VT_YUV_PLANAR8 && sx == 1 && sy == 0 && order == 0) {
            p->fast = FASTR_ARGBToI422;
        } else if (kind == VT_YUV_PLANAR8 && !sub && order == 0) {
            p->fast = FASTR_ARGBToI444;
        } else if (kind == VT_YUV_GRAY8 && order == 0) {
            p->fast = FASTR_ARGBToI400;
        }
    } else {
        if (kind == VT_YUV_PLANAR8 && sx == 1 && sy == 1 && order <= 1)
            p->fast = order ? FASTR_ABGRToJ420 : FASTR_ARGBToJ420;
        else if (kind == VT_YUV_PLANAR8 && sx == 1 && sy == 0 && order <= 1)
            p->fast = order ? FASTR_ABGRToJ422 : FASTR_ARGBToJ422;
        else if (kind == VT_YUV_GRAY8 && order != 2)
            p->fast = order == 0   ? FASTR_ARGBToJ400
                      : order == 1 ? FASTR_ABGRToJ400
                                   : FASTR_RGBAToJ400;
    }
#else
    (void)kind;
    (void)sx;
    (void)sy;
    (void)cr_first;
    (void)decimate;
    (void)matrix;
    (void)full_range;
#endif
}

#if HAVE_LIBYUV
static void rgb2yuv_fast(const VTOp *op, const VTRgb2YuvParams *p, VTBuf *bufs, int y0, int y1) {
    VTBuf *bs = B(bufs, op, 0), *by = B(bufs, op, 1), *bu = B(bufs, op, 2), *bv = B(bufs, op, 3);
    int sy = op->i[2], w = op->w, h = y1 - y0;
    const uint8_t *s = vt_buf_row(bs, y0);
    int ss = (int)bs->stride, ys = (int)by->stride;
    uint8_t *y = vt_buf_row(by, y0);
    uint8_t *u = bu ? vt_buf_row(bu, y0 >> sy) : NULL, *v = bv ? vt_buf_row(bv, y0 >> sy) : NULL;
    int us = bu ? (int)bu->stride : 0, vs = bv ? (int)bv->stride : 0;
    switch (p->fast) {
    case FASTR_ARGBToI420:
        ARGBToI420(s, ss, y, ys, u, us, v, vs, w, h);
        break;
    case FASTR_ABGRToI420:
        ABGRToI420(s, ss, y, ys, u, us, v, vs, w, h);
        break;
    case FASTR_BGRAToI420:
        BGRAToI420(s, ss, y, ys, u, us, v, vs, w, h);
        break;
    case FASTR_RGBAToI420:
        RGBAToI420(s, ss, y, ys, u, us, v, vs, w, h);
        break;
    case FASTR_ARGBToNV12:
        ARGBToNV12(s, ss, y, ys, u, us, w, h);
        break;
    case FASTR_ABGRToNV12:
        ABGRToNV12(s, ss, y, ys, u, us, w, h);
        break;
    case FASTR_ARGBToNV21:
        ARGBToNV21(s, ss, y, ys, u, us, w, h);
        break;
    case FASTR_ABGRToNV21:
        ABGRToNV21(s, ss, y, ys, u, us, w, h);
        break;
    case FASTR_ARGBToI422:
        ARGBToI422(s, ss, y, ys, u, us, v, vs, w, h);
        break;
    case FASTR_ARGBToI444:
        ARGBToI444(s, ss, y, ys, u, us, v, vs, w, h);
        break;
    case FASTR_ARGBToI400:
        ARGBToI400(s, ss, y, ys, w, h);
        break;
    case FASTR_ARGBToJ420:
        ARGBToJ420(s, ss, y, ys, u, us, v, vs, w, h);
        break;
    case FASTR_ABGRToJ420:
        ABGRToJ420(s, ss, y, ys, u, us, v, vs, w, h);
        break;
    case FASTR_ARGBToJ422:
        ARGBToJ422(s, ss, y, ys, u, us, v, vs, w, h);
        break;
    case FASTR_ABGRToJ422:
        ABGRToJ422(s, ss, y, ys, u, us, v, vs, w, h);
        break;
    case FASTR_ARGBToJ400:
        ARGBToJ400(s, ss, y, ys, w, h);
        break;
    case FASTR_ABGRToJ400:
        ABGRToJ400(s, ss, y, ys, w, h);
        break;
    default:
        RGBAToJ400(s, ss, y, ys, w, h);
        break;
    }
}
#endif

void vt_op_rgb2yuv(const VTOp *op, VTBuf *bufs, uint8_t *tmp, int y0, int y1) {
    const VTRgb2YuvParams *p = op->p;
#if HAVE_LIBYUV
    if (p->fast) {
        rgb2yuv_fast(op, p, bufs, y0, y1);
        return;
    }
#endif
    VTBuf *bs = B(bufs, op, 0), *by = B(bufs, op, 1), *bu = B(bufs, op, 2), *bv = B(bufs, op, 3);
    int kind = op->i[0], sx = op->i[1], sy = op->i[2], cr_first = op->i[3], dec = op->i[4];
    int w = op->w, cw = (w + (1 << sx) - 1) >> sx;
    uint8_t *cur = (uint8_t *)(((uintptr_t)tmp + 63) & ~(uintptr_t)63);
    uint8_t *c0[4], *c1[4];
    uint8_t *r0 = carve(&cur, (size_t)w), *g0 = carve(&cur, (size_t)w),
            *b0 = carve(&cur, (size_t)w);
    uint8_t *r1 = carve(&cur, (size_t)w), *g1 = carve(&cur, (size_t)w),
            *b1 = carve(&cur, (size_t)w);
    uint8_t *dummy = carve(&cur, (size_t)w);
    uint16_t *rs = carve(&cur, 2 * (size_t)w), *gs = carve(&cur, 2 * (size_t)w),
             *bsum = carve(&cur, 2 * (size_t)w);
    uint8_t *tu = carve(&cur, (size_t)w), *tv = carve(&cur, (size_t)w);
    c0[0] = c0[1] = c0[2] = c0[3] = dummy;
    c1[0] = c1[1] = c1[2] = c1[3] = dummy;
    c0[p->off[0]] = r0;
    c0[p->off[1]] = g0;
    c0[p->off[2]] = b0;
    c1[p->off[0]] = r1;
    c1[p->off[1]] = g1;
    c1[p->off[2]] = b1;
    if (p->off[3] == 3)
        c0[3] = c1[3] = NULL;
    int step = 1 << sy;
    int sh = dec ? 0 : sx + sy;
    /* The hand-written kernels do the leading columns straight from the
     * pixels (luma of each row; chroma of the row pair, where a single row
     * counts twice: the same sums, one more shift); the portable kernels
     * split the rest into R, G, B rows and work from those. */
#if VT_KERNELS_AVX2
    int level = vt_kernels_level();
#endif
    for (int y = y0; y < y1; y += step) {
        const uint8_t *sa = vt_buf_row(bs, y), *sb = NULL;
        uint8_t *ya = vt_buf_row(by, y), *yb = NULL;
        if (sy && y + 1 < op->h) {
            sb = vt_buf_row(bs, y + 1);
            yb = vt_buf_row(by, y + 1);
        }
        int cy = y >> sy, ny = 0, nc = 0; /* columns done: luma, chroma */
        uint8_t *pu = NULL, *pv = NULL;   /* Cb and Cr of the row (interleaved: every other) */
        if (kind == VT_YUV_PLANAR8) {
            pu = vt_buf_row(bu, cy);
            pv = vt_buf_row(bv, cy);
        } else if (kind == VT_YUV_SEMI8) {
            pu = vt_buf_row(bu, cy) + cr_first;
            pv = vt_buf_row(bu, cy) + !cr_first;
        }
#if VT_KERNELS_AVX2
        ny = simd_rgb32_to_y(level, sa, ya, w, p);
        if (yb && simd_rgb32_to_y(level, sb, yb, w, p) != ny)
            ny = 0; /* (cannot happen: same row width and order) */
        if (pu)
            nc = simd_rgb32_to_uv(level, sa, sb ? sb : sa, w, sx, dec, p, pu, pv,
                                  kind == VT_YUV_SEMI8 ? 2 : 1);
#endif
        if (!pu)
            nc = w;                 /* grey: no chroma */
        int xs = ny < nc ? ny : nc; /* the portable kernels start here */
        if (xs == w)
            continue;
        size_t so = 4 * (size_t)xs;
        const uint8_t *ra = r0, *ga = g0, *ba = b0, *rb = NULL, *gb = NULL, *bb = NULL;
        split_row(sa + so, c0, w - xs);
        if (ny < w)
            vt_k_rgb_to_y(r0 + (ny - xs), g0 + (ny - xs), b0 + (ny - xs), ya + ny, w - ny, &p->k);
        if (sy) {
            if (sb) {
                split_row(sb + so, c1, w - xs);
                if (ny < w)
                    vt_k_rgb_to_y(r1 + (ny - xs), g1 + (ny - xs), b1 + (ny - xs), yb + ny, w - ny,
                                  &p->k);
                rb = r1;
                gb = g1;
                bb = b1;
            } else {
                rb = r0; /* odd last row: it stands for both */
                gb = g0;
                bb = b0;
            }
        }
        if (nc == w)
            continue;
        int d = nc - xs, ci = nc >> sx, cn = cw - ci; /* chroma samples left */
        vt_k_chroma_sum(ra + d, rb ? rb + d : NULL, w - nc, cn, sx, dec, rs);
        vt_k_chroma_sum(ga + d, gb ? gb + d : NULL, w - nc, cn, sx, dec, gs);
        vt_k_chroma_sum(ba + d, bb ? bb + d : NULL, w - nc, cn, sx, dec, bsum);
        if (kind == VT_YUV_PLANAR8) {
            vt_k_rgb_sums_to_uv(rs, gs, bsum, pu + ci, pv + ci, cn, sh, &p->k);
        } else {
            uint8_t *uv = vt_buf_row(bu, cy) + 2 * (size_t)ci;
            vt_k_rgb_sums_to_uv(rs, gs, bsum, tu, tv, cn, sh, &p->k);
#if HAVE_LIBYUV
            MergeUVPlane(cr_first ? tv : tu, 0, cr_first ? tu : tv, 0, uv, 0, cn, 1);
#else
            vt_k_interleave8(cr_first ? tv : tu, cr_first ? tu : tv, uv, cn);
#endif
        }
    }
}

/* ---- RGB byte order ----------------------------------------------------------------- */

void vt_op_shuffle(const VTOp *op, VTBuf *bufs, uint8_t *tmp, int y0, int y1) {
    const VTShuffleParams *p = op->p;
    VTBuf *s = B(bufs, op, 0), *d = B(bufs, op, 1);
    (void)tmp;
#if HAVE_LIBYUV
    ARGBShuffle(vt_buf_row(s, y0), (int)s->stride, vt_buf_row(d, y0), (int)d->stride, p->mask,
                op->w, y1 - y0);
#else
    for (int r = y0; r < y1; r++) {
        const uint8_t *a = vt_buf_row(s, r);
        uint8_t *o = vt_buf_row(d, r);
        for (int x = 0; x < op->w; x++) {
            o[4 * x + 0] = a[4 * x + p->src_of[0]];
            o[4 * x + 1] = a[4 * x + p->src_of[1]];
            o[4 * x + 2] = a[4 * x + p->src_of[2]];
            o[4 * x + 3] = a[4 * x + p->src_of[3]];
        }
    }
#endif
}

void vt_op_rgb24(const VTOp *op, VTBuf *bufs, uint8_t *tmp, int y0, int y1) {
    const VTLayout *l = op->p; /* the 3-byte side */
    VTBuf *s = B(bufs, op, 0), *d = B(bufs, op, 1);
    int rgb_order = l->off[0] == 0; /* R,G,B bytes = libyuv "RAW" */
    (void)tmp;
#if HAVE_LIBYUV
    if (op->i[0] == 0) {
        if (rgb_order)
            RAWToARGB(vt_buf_row(s, y0), (int)s->stride, vt_buf_row(d, y0), (int)d->stride, op->w,
                      y1 - y0);
        else
            RGB24ToARGB(vt_buf_row(s, y0), (int)s->stride, vt_buf_row(d, y0), (int)d->stride, op->w,
                        y1 - y0);
    } else {
        if (rgb_order)
            ARGBToRAW(vt_buf_row(s, y0), (int)s->stride, vt_buf_row(d, y0), (int)d->stride, op->w,
                      y1 - y0);
        else
            ARGBToRGB24(vt_buf_row(s, y0), (int)s->stride, vt_buf_row(d, y0), (int)d->stride, op->w,
                        y1 - y0);
    }
#else
    (void)rgb_order;
    for (int r = y0; r < y1; r++) {
        const uint8_t *a = vt_buf_row(s, r);
        uint8_t *o = vt_buf_row(d, r);
        for (int x = 0; x < op->w; x++) {
            if (op->i[0] == 0) {
                o[4 * x + 2] = a[3 * x + l->off[0]];
                o[4 * x + 1] = a[3 * x + l->off[1]];
                o[4 * x + 0] = a[3 * x + l->off[2]];
                o[4 * x + 3] = 255;
            } else {
                o[3 * x + l->off[0]] = a[4 * x + 2];
                o[3 * x + l->off[1]] = a[4 * x + 1];
                o[3 * x + l->off[2]] = a[4 * x + 0];
            }
        }
    }
#endif
}

/* ---- scaling --------------------------------------------------------------------------- */

/* Own exact box: every axis shrinks and at least one below 1/2 (libyuv
 * itself switches box to bilinear when neither axis goes below 1/2). */
static int use_own_box(int filter, int sw, int sh, int dw, int dh) {
    return filter == VT_SCALE_FILTER_BOX && dw <= sw && dh <= sh &&
           ((long long)dw * 2 < sw || (long long)dh * 2 < sh);
}

int vt_op_can_scale(int filter, int sw, int sh, int dw, int dh) {
    return HAVE_LIBYUV || use_own_box(filter, sw, sh, dw, dh);
}

int vt_op_scale_max_parts(int bpe, int filter, int sw, int sh, int dw, int dh) {
    /* Bands of the destination computed exactly as the full scale does: the
     * box filter is row-independent, ARGBScaleClip clips the same computation
     * (tested); the planar libyuv scalers have no clipped variant. */
    if (dh < 16)
        return 1;
    if (!use_own_box(filter, sw, sh, dw, dh) && bpe != 4)
        return 1;
    return dh / 8 < VT_CONVERT_MAX_THREADS ? dh / 8 : VT_CONVERT_MAX_THREADS;
}

size_t vt_op_scale_tmp(int bpe, int filter, int sw, int sh, int dw, int dh) {
    if (!use_own_box(filter, sw, sh, dw, dh))
        return 0;
    return (size_t)sw * (bpe == 4 ? 4 : 1) * sizeof(uint32_t) + 64;
}

void vt_op_scale(const VTOp *op, VTBuf *bufs, uint8_t *tmp, int part, int parts) {
    VTBuf *s = B(bufs, op, 0), *d = B(bufs, op, 1);
    int bpe = op->i[1];
    if (use_own_box(op->i[0], s->w, s->h, d->w, d->h)) {
        int band = (d->h + parts - 1) / parts;
        int r0 = part * band, r1 = r0 + band > d->h ? d->h : r0 + band;
        uint32_t *acc = (uint32_t *)(((uintptr_t)tmp + 63) & ~(uintptr_t)63);
        if (r0 < r1)
            vt_k_box_scale(s->data, s->stride, s->w, s->h, d->data, d->stride, d->w, d->h,
                           bpe == 4 ? 4 : 1, bpe == 2, r0, r1, acc);
        return;
    }
#if HAVE_LIBYUV
    enum FilterMode f = kFilterBilinear;
    switch (op->i[0]) {
    case VT_SCALE_FILTER_POINT:
        f = kFilterNone;
        break;
    case VT_SCALE_FILTER_BOX:
        f = kFilterBox;
        break;
    default:
        f = kFilterBilinear;
        break;
    }
    switch (bpe) {
    case 1:
        ScalePlane(s->data, (int)s->stride, s->w, s->h, d->data, (int)d->stride, d->w, d->h, f);
        break;
    case 2:
        ScalePlane_16((const uint16_t *)s->data, (int)(s->stride / 2), s->w, s->h,
                      (uint16_t *)d->data, (int)(d->stride / 2), d->w, d->h, f);
        break;
    default:
        if (parts <= 1) {
            ARGBScale(s->data, (int)s->stride, s->w, s->h, d->data, (int)d->stride, d->w, d->h, f);
        } else {
            int band = (d->h + parts - 1) / parts;
            int r0 = part * band, r1 = r0 + band > d->h ? d->h : r0 + band;
            if (r0 < r1)
                ARGBScaleClip(s->data, (int)s->stride, s->w, s->h, d->data, (int)d->stride, d->w,
                              d->h, 0, r0, d->w, r1 - r0, f);
        }
        break;
    }
#else
    (void)bpe;
#endif
}
