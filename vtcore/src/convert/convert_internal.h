/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Internals of the conversion engine, shared by the files of convert/ only.
 *
 * A plan is a list of steps ("ops") over plane buffers. A buffer is either a
 * plane of the source image, a plane of the destination image, or a scratch
 * plane owned by the plan. Row-local ops (repacking, colour conversion,
 * chroma 2:1 resampling, LUTs) run on horizontal bands of even height, one
 * band per thread; scaling ops run whole (one task per plane, or split by
 * destination rows where libyuv computes clipped output exactly).
 */
#ifndef VTCORE_CONVERT_CONVERT_INTERNAL_H
#define VTCORE_CONVERT_CONVERT_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "convert.h"

/* ---- layouts ----------------------------------------------------------- */

typedef enum VTLayoutKind {
    VT_LAYOUT_PLANAR = 0,    /* 8-bit Y, Cb, Cr planes: I420, YV12, I422, I444 */
    VT_LAYOUT_SEMI = 1,      /* 8-bit Y + interleaved CbCr: NV12, NV21, NV16, NV24 */
    VT_LAYOUT_PACKED422 = 2, /* YUY2 (yuvs), UYVY (2vuy) */
    VT_LAYOUT_GRAY = 3,      /* 8-bit Y only (L008) */
    VT_LAYOUT_RGB32 = 4,     /* 4 bytes per pixel: BGRA, RGBA, ARGB, ABGR */
    VT_LAYOUT_SEMI16 = 5,    /* P010: 16-bit Y + interleaved CbCr, 10 bits in the MSBs */
    VT_LAYOUT_PLANAR16 = 6,  /* internal only: 16-bit Y, Cb, Cr planes, MSB-aligned */
    VT_LAYOUT_RGB24 = 7,     /* 3 bytes per pixel: 24RGB, 24BGR */
} VTLayoutKind;

typedef struct VTLayout {
    const char *name;
    uint8_t kind;   /* VTLayoutKind */
    uint8_t sx, sy; /* chroma subsampling (log2) */
    /* PLANAR: data[] index of the Cb and Cr planes (YV12 swaps them).
     * SEMI, SEMI16: 1 when Cr comes first (NV21). */
    uint8_t cb_plane, cr_plane, swap_uv;
    /* PACKED422: byte offsets of Y0, Cb, Y1, Cr in a 4-byte group.
     * RGB32, RGB24: byte offsets of R, G, B, A in a pixel (A unused for 24). */
    uint8_t off[4];
} VTLayout;

/* The layout of a format row, or NULL if the converter does not know it. */
const VTLayout *vt_convert_layout_for(const VTPixelFormatInfo *fmt);
/* Internal layouts for scratch images. */
extern const VTLayout vt_layout_i420, vt_layout_i422, vt_layout_i444, vt_layout_gray,
    vt_layout_planar16_420, vt_layout_bgra, vt_layout_nv12;

static inline int vt_layout_is_rgb(const VTLayout *l) {
    return l->kind == VT_LAYOUT_RGB32 || l->kind == VT_LAYOUT_RGB24;
}
static inline int vt_layout_is_yuv(const VTLayout *l) {
    return !vt_layout_is_rgb(l) && l->kind != VT_LAYOUT_GRAY;
}
static inline int vt_layout_is_16bit(const VTLayout *l) {
    return l->kind == VT_LAYOUT_SEMI16 || l->kind == VT_LAYOUT_PLANAR16;
}
/* Number of memory planes of an image in this layout. */
int vt_layout_plane_count(const VTLayout *l);
/* Geometry of memory plane p for a w x h image: size in elements, bytes per
 * element and log2 vertical subsampling. */
void vt_layout_plane_geometry(const VTLayout *l, int p, int w, int h, int *pw, int *ph, int *bpe,
                              int *psy);

/* ---- colour coefficients ----------------------------------------------- */

/* YCbCr -> RGB in 16-bit fixed point. Samples are first normalised to 16 bits
 * (8-bit: Y * 257, (C - 128) << 8; 16-bit MSB-aligned: Y | Y >> 10,
 * C - 32768). Then in units of 1/32 of an 8-bit RGB step:
 *   L = mulhi_u16(Y16, yk) + yb      (yb includes the +0.5 rounding)
 *   R = L + mulhi_s16(Cr16, rv); B = L + mulhi_s16(Cb16, bu);
 *   G = L - mulhi_s16(Cb16, gu) - mulhi_s16(Cr16, gv);   out = clamp(x >> 5). */
typedef struct VTYuvToRgb {
    uint16_t yk;
    int16_t yb;
    int16_t rv, gu, gv, bu;
} VTYuvToRgb;

/* RGB -> YCbCr in 16-bit fixed point:
 *   Y  = (mulhi_u16(R << 8, yr) + mulhi_u16(G << 8, yg) + mulhi_u16(B << 8, yb) + yoff) >> 8
 *        (yr, yg, yb in Q16; yoff = black << 8 + 128)
 *   Cb = (mulhi_s16(R' , ur) + mulhi_s16(G', ug) + mulhi_s16(B', ub) + coff) >> 6, clamped,
 *        with R' = (sum of 1 << sh samples) << (7 - sh), coefficients in Q15 and
 *        coff = 128 << 6 + 32. */
typedef struct VTRgbToYuv {
    uint16_t yr, yg, yb, yoff;
    int16_t ur, ug, ub, vr, vg, vb, coff;
    int y_only; /* grey destination */
} VTRgbToYuv;

/* matrix: resolved H.273 code (1, 6 or 9); depth: 8 or 16 (MSB-aligned 10-bit). */
void vt_color_yuv_to_rgb_coeffs(int matrix, int full_range, int depth, VTYuvToRgb *k);
void vt_color_rgb_to_yuv_coeffs(int matrix, int full_range, VTRgbToYuv *k);
/* Range LUTs. Y/C 8-bit -> 8-bit between ranges. */
void vt_color_lut8(int chroma, int src_full, int dst_full, uint8_t lut[256]);
/* 10-bit (index) -> 8-bit. */
void vt_color_lut_10_to_8(int chroma, int src_full, int dst_full, uint8_t lut[1024]);
/* 8-bit -> 10-bit, stored MSB-aligned (<< 6). */
void vt_color_lut_8_to_16(int chroma, int src_full, int dst_full, uint16_t lut[256]);
/* 10-bit -> 10-bit MSB-aligned (range change and rounding of 16-bit data). */
void vt_color_lut_10_to_16(int chroma, int src_full, int dst_full, uint16_t lut[1024]);
/* Black: Y value for a range; chroma 128. */
static inline int vt_color_black_y8(int full_range) {
    return full_range ? 0 : 16;
}

/* ---- portable C row kernels (convert_kernels.c) -------------------------- */

/* x86-64 with GCC: the kernels also exist compiled for AVX2, and the
 * hottest ones hand-written for AVX2 and AVX-512BW (convert_kernels_x86.c),
 * picked once per process from the CPU's features. */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
#define VT_KERNELS_AVX2 1
#else
#define VT_KERNELS_AVX2 0
#endif

/* Kernel levels: the portable C as compiled for the baseline ISA; the same
 * compiled for AVX2 plus the hand-written AVX2 kernels; and the AVX-512BW
 * kernels on top (x86-64 with GCC only; used on CPUs that also have
 * AVX512VBMI). */
enum { VT_KERNELS_BASELINE = 0, VT_KERNELS_LEVEL_AVX2 = 1, VT_KERNELS_LEVEL_AVX512 = 2 };
/* The level in use: the best the CPU has, unless capped. Row ops ask once
 * per band. */
int vt_kernels_level(void);
/* Tests: cap the level (-1: no cap), to compare the implementations;
 * force_baseline(1) = force_level(0), force_baseline(0) = force_level(-1). */
void vt_kernels_force_level(int max_level);
void vt_kernels_force_baseline(int on);

void vt_k_cterms8(const uint8_t *u, const uint8_t *v, int n, int16_t *cb, int16_t *cg, int16_t *cr,
                  const VTYuvToRgb *k);
void vt_k_cterms16(const uint16_t *u, const uint16_t *v, int n, int16_t *cb, int16_t *cg,
                   int16_t *cr, const VTYuvToRgb *k);
/* d[x] = s[x >> 1] for x < w. */
void vt_k_up2_s16(const int16_t *s, int16_t *d, int w);
void vt_k_up2_u8(const uint8_t *s, uint8_t *d, int w);
/* Luma + chroma terms straight into 4-byte pixels (out: 2-byte aligned,
 * 2 * w words). y is uint8_t (8-bit) or uint16_t (16-bit MSB-aligned). */
typedef void (*VTLumaPackedFn)(const void *y, const int16_t *cb, const int16_t *cg,
                               const int16_t *cr, uint16_t *out, int w, const VTYuvToRgb *k);
/* The kernel for an RGB32 layout (byte offsets of R, G, B, A) and depth. */
VTLumaPackedFn vt_k_luma_packed(const uint8_t off[4], int depth16);
void vt_k_rgb_to_y(const uint8_t *r, const uint8_t *g, const uint8_t *b, uint8_t *y, int w,
                   const VTRgbToYuv *k);

#if VT_KERNELS_AVX2
/* Hand-written kernels for 8-bit RGB32 <-> YCbCr (convert_kernels_x86.c),
 * one version per vector width: one pass over the pixels, bit for bit the
 * results of the portable kernels (the split / sum / convert chain). They do
 * the first n pixels of a row, n a multiple of VT_K_AVX2_PIXELS or
 * VT_K_AVX512_PIXELS; the caller does the rest with the narrower ones and the
 * portable kernels. off: byte offsets of R, G, B, A (one of the four RGB32
 * orders). Each returns 0, doing nothing, when it does not handle the
 * parameters. */
#define VT_K_AVX2_PIXELS   64
#define VT_K_AVX512_PIXELS 128
/* Luma of n pixels. */
int vt_k_rgb32_to_y_avx2(const uint8_t *src, uint8_t *y, int n, const uint8_t off[4],
                         const VTRgbToYuv *k);
int vt_k_rgb32_to_y_avx512(const uint8_t *src, uint8_t *y, int n, const uint8_t off[4],
                           const VTRgbToYuv *k);
/* Cb, Cr of the first n pixels of rows a and b (b = a for a chroma row of
 * one luma row): n >> sx samples, each the average of the (1 << sx) x 2
 * pixels or, with dec, the top-left one; they go to u[i * step], v[i * step]
 * (step 1 planar, 2 interleaved). */
int vt_k_rgb32_to_uv_avx2(const uint8_t *a, const uint8_t *b, int n, int sx, int dec,
                          const uint8_t off[4], const VTRgbToYuv *k, uint8_t *u, uint8_t *v,
                          int step);
int vt_k_rgb32_to_uv_avx512(const uint8_t *a, const uint8_t *b, int n, int sx, int dec,
                            const uint8_t off[4], const VTRgbToYuv *k, uint8_t *u, uint8_t *v,
                            int step);
/* The first n pixels of one row of 8-bit chroma (u[i * step], v[i * step],
 * 1 << sx pixels each, sx <= 1) and the one or two rows of luma using it
 * (y1, out1 NULL if one) -> 4-byte pixels at any address. terms: 3 * n
 * int16_t of scratch. */
int vt_k_yuv8_rows_avx2(const uint8_t *y0, const uint8_t *y1, const uint8_t *u, const uint8_t *v,
                        int step, int sx, uint8_t *out0, uint8_t *out1, int n, const uint8_t off[4],
                        const VTYuvToRgb *k, int16_t *terms);
int vt_k_yuv8_rows_avx512(const uint8_t *y0, const uint8_t *y1, const uint8_t *u, const uint8_t *v,
                          int step, int sx, uint8_t *out0, uint8_t *out1, int n,
                          const uint8_t off[4], const VTYuvToRgb *k, int16_t *terms);
#endif

/* Chroma sums: out[i] = sum of 1, 2 or 4 samples of (a, b) around column
 * i << sx (b may be NULL: one row); decimate takes the co-sited sample only
 * (counted as if averaged: scaled by the same sample count). Odd edges
 * replicate the last column. n = output count; w = input width. */
void vt_k_chroma_sum(const uint8_t *a, const uint8_t *b, int w, int n, int sx, int decimate,
                     uint16_t *out);
void vt_k_rgb_sums_to_uv(const uint16_t *rs, const uint16_t *gs, const uint16_t *bs, uint8_t *u,
                         uint8_t *v, int n, int sh, const VTRgbToYuv *k);
void vt_k_lut8(const uint8_t *s, uint8_t *d, int n, const uint8_t *lut);
void vt_k_lut_16_to_8(const uint16_t *s, uint8_t *d, int n, const uint8_t *lut1024);
void vt_k_lut_8_to_16(const uint8_t *s, uint16_t *d, int n, const uint16_t *lut256);
void vt_k_lut_16_to_16(const uint16_t *s, uint16_t *d, int n, const uint16_t *lut1024);
/* 2:1 horizontal: d[i] from s[2i], s[2i+1] (edge replicated); avg or decimate. */
void vt_k_down2_h(const uint8_t *s, uint8_t *d, int n, int w, int avg);
/* Vertical average of two rows (rounded). */
void vt_k_avg2(const uint8_t *a, const uint8_t *b, uint8_t *d, int n);
/* 2:1 horizontal and vertical in one go. */
void vt_k_down2_hv(const uint8_t *a, const uint8_t *b, uint8_t *d, int n, int w, int avg);
void vt_k_interleave8(const uint8_t *u, const uint8_t *v, uint8_t *uv, int n);
void vt_k_deinterleave8(const uint8_t *uv, uint8_t *u, uint8_t *v, int n);
void vt_k_interleave16(const uint16_t *u, const uint16_t *v, uint16_t *uv, int n);
void vt_k_deinterleave16(const uint16_t *uv, uint16_t *u, uint16_t *v, int n);
/* Box (area average) downscale, dw <= sw and dh <= sh, exactly rounded:
 * destination rows [r0, r1). channels 1 or 4 (8-bit) or 1 (16-bit, b16).
 * acc: sw * channels uint32_t of scratch. */
void vt_k_box_scale(const uint8_t *src, ptrdiff_t src_stride, int sw, int sh, uint8_t *dst,
                    ptrdiff_t dst_stride, int dw, int dh, int channels, int b16, int r0, int r1,
                    uint32_t *acc);

/* ---- buffers and ops --------------------------------------------------- */

enum { VT_BUF_SCRATCH = 0, VT_BUF_SRC = 1, VT_BUF_DST = 2 };

typedef struct VTBuf {
    uint8_t *data;
    ptrdiff_t stride;
    int w, h;    /* in elements */
    uint8_t bpe; /* bytes per element */
    uint8_t sy;  /* log2 vertical subsampling relative to its image */
    uint8_t ext; /* VT_BUF_* */
    uint8_t plane;
} VTBuf;

#define VT_OP_MAX_BUFS 6

typedef struct VTOp VTOp;
/* Row-local op: rows [y0, y1) of the op's luma grid (y0 even). */
typedef void (*VTOpRows)(const VTOp *op, VTBuf *bufs, uint8_t *tmp, int y0, int y1);
/* Whole op (scaling): part `part` of `parts`. */
typedef void (*VTOpWhole)(const VTOp *op, VTBuf *bufs, uint8_t *tmp, int part, int parts);

struct VTOp {
    VTOpRows rows;
    VTOpWhole whole;
    char name[48];
    int w, h;      /* luma grid of a row-local op */
    int max_parts; /* whole ops: how many parts it may be split into */
    int16_t b[VT_OP_MAX_BUFS];
    int i[8];         /* small parameters, meaning per op */
    const void *p;    /* parameter block owned by the plan (coefficients, LUT) */
    size_t tmp_bytes; /* per-thread temporary memory it needs */
};

static inline uint8_t *vt_buf_row(const VTBuf *b, int y) {
    return b->data + (ptrdiff_t)y * b->stride;
}
/* Rows of b touched by image rows [y0, y1) (y0 even). */
static inline void vt_buf_rows(const VTBuf *b, int y0, int y1, int *r0, int *r1) {
    *r0 = y0 >> b->sy;
    *r1 = (y1 + (1 << b->sy) - 1) >> b->sy;
    if (*r1 > b->h)
        *r1 = b->h;
}

/* ---- op parameter blocks ------------------------------------------------ */

/* Input kinds of vt_op_yuv2rgb (i[0]) and output kinds of vt_op_rgb2yuv. */
enum {
    VT_YUV_PLANAR8 = 0,
    VT_YUV_SEMI8 = 1,
    VT_YUV_PLANAR16 = 2,
    VT_YUV_SEMI16 = 3,
    VT_YUV_GRAY8 = 4,
};

typedef struct VTYuv2RgbParams {
    VTYuvToRgb k;
    uint8_t off[4];     /* output byte offsets of R, G, B, A */
    int fast;           /* libyuv kernel (convert_ops.c), 0 = own kernels */
    int fast_swap;      /* pass Cr as Cb (mirrored constants) */
    const void *fast_k; /* libyuv YuvConstants */
} VTYuv2RgbParams;

typedef struct VTRgb2YuvParams {
    VTRgbToYuv k;
    uint8_t off[4]; /* input byte offsets of R, G, B, A */
    int fast;       /* libyuv kernel, 0 = own kernels */
} VTRgb2YuvParams;

typedef struct VTShuffleParams {
    uint8_t mask[16];  /* libyuv ARGBShuffle mask */
    uint8_t src_of[4]; /* output byte i = input byte src_of[i] */
} VTShuffleParams;

/* ---- ops (convert_ops.c) -------------------------------------------------- */
/* Buffers b[] and integer parameters i[] per op:
 *   copy         b0 -> b1
 *   split_uv     b0 (interleaved) -> b1, b2;       i0 = 16-bit
 *   merge_uv     b0, b1 -> b2 (interleaved);        i0 = 16-bit
 *   unpack422    b0 (packed) -> b1 Y, b2 Cb, b3 Cr;  p = layout
 *   pack422      b0 Y, b1 Cb, b2 Cr -> b3 (packed);  p = layout
 *   lut8         b0 -> b1, 8-bit elements;        p = uint8_t[256]
 *   lut16to8     b0 -> b1;                         p = uint8_t[1024]
 *   lut8to16     b0 -> b1;                         p = uint16_t[256]
 *   lut16to16    b0 -> b1 (may be the same);       p = uint16_t[1024]
 *   fill         b0;                               i0 = value (element-sized)
 *   chroma_down  b0 -> b1;  i0 = dx, i1 = dy (0/1), i2 = average
 *   chroma_up    b0 -> b1;  i0 = dx, i1 = dy (0/1)
 *   yuv2rgb      b0 Y, b1 Cb or CbCr, b2 Cr -> b3;  i0 = VT_YUV_*, i1 = sx, i2 = sy,
 *                i3 = Cr first (semi); p = VTYuv2RgbParams
 *   rgb2yuv      b0 -> b1 Y, b2 Cb or CbCr, b3 Cr;  i0 = VT_YUV_*, i1 = sx, i2 = sy,
 *                i3 = Cr first (semi), i4 = decimate; p = VTRgb2YuvParams
 *   shuffle      b0 -> b1;                         p = VTShuffleParams
 *   rgb24        b0 -> b1; i0 = 0: 3-byte -> BGRA, 1: BGRA -> 3-byte; p = 3-byte layout
 *   scale (whole) b0 -> b1; i0 = VTScaleFilter (resolved), i1 = bytes per element (1, 2, 4);
 *                box downscales below 1/2 on an axis use vt_k_box_scale (libyuv's box
 *                truncates: a flat area would come out up to 1 lower, unevenly) */
void vt_op_copy(const VTOp *op, VTBuf *bufs, uint8_t *tmp, int y0, int y1);
void vt_op_split_uv(const VTOp *op, VTBuf *bufs, uint8_t *tmp, int y0, int y1);
void vt_op_merge_uv(const VTOp *op, VTBuf *bufs, uint8_t *tmp, int y0, int y1);
void vt_op_unpack422(const VTOp *op, VTBuf *bufs, uint8_t *tmp, int y0, int y1);
void vt_op_pack422(const VTOp *op, VTBuf *bufs, uint8_t *tmp, int y0, int y1);
void vt_op_lut8(const VTOp *op, VTBuf *bufs, uint8_t *tmp, int y0, int y1);
void vt_op_lut16to8(const VTOp *op, VTBuf *bufs, uint8_t *tmp, int y0, int y1);
void vt_op_lut8to16(const VTOp *op, VTBuf *bufs, uint8_t *tmp, int y0, int y1);
void vt_op_lut16to16(const VTOp *op, VTBuf *bufs, uint8_t *tmp, int y0, int y1);
void vt_op_fill(const VTOp *op, VTBuf *bufs, uint8_t *tmp, int y0, int y1);
void vt_op_chroma_down(const VTOp *op, VTBuf *bufs, uint8_t *tmp, int y0, int y1);
void vt_op_chroma_up(const VTOp *op, VTBuf *bufs, uint8_t *tmp, int y0, int y1);
void vt_op_yuv2rgb(const VTOp *op, VTBuf *bufs, uint8_t *tmp, int y0, int y1);
void vt_op_rgb2yuv(const VTOp *op, VTBuf *bufs, uint8_t *tmp, int y0, int y1);
void vt_op_shuffle(const VTOp *op, VTBuf *bufs, uint8_t *tmp, int y0, int y1);
void vt_op_rgb24(const VTOp *op, VTBuf *bufs, uint8_t *tmp, int y0, int y1);
void vt_op_scale(const VTOp *op, VTBuf *bufs, uint8_t *tmp, int part, int parts);

/* Per-thread temporary bytes the row ops need for images w pixels wide. */
size_t vt_op_yuv2rgb_tmp(int w);
size_t vt_op_rgb2yuv_tmp(int w);
/* Choose a libyuv kernel for the parameters when one computes the same
 * result within tolerance (full-range 8-bit YCbCr -> RGB; BT.601 RGB ->
 * YCbCr with averaged chroma). in/out kinds as in the ops. */
void vt_op_yuv2rgb_select(VTYuv2RgbParams *p, int kind, int sx, int sy, int cr_first, int matrix,
                          int full_range);
void vt_op_rgb2yuv_select(VTRgb2YuvParams *p, int kind, int sx, int sy, int cr_first, int decimate,
                          int matrix, int full_range);
/* Whether scaling from sw x sh to dw x dh with the filter is available
 * (libyuv, or the exact box filter). */
int vt_op_can_scale(int filter, int sw, int sh, int dw, int dh);
/* In how many destination bands the scale may run (exactly the same
 * output): the box filter and ARGBScaleClip split; planar libyuv does not. */
int vt_op_scale_max_parts(int bpe, int filter, int sw, int sh, int dw, int dh);
/* Per-thread temporary bytes of a scale op. */
size_t vt_op_scale_tmp(int bpe, int filter, int sw, int sh, int dw, int dh);

#endif /* VTCORE_CONVERT_CONVERT_INTERNAL_H */
