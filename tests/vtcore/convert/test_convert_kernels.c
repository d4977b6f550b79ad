/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * vtcore's own 8-bit RGB32 <-> YCbCr kernels, bit for bit: every output
 * sample of a conversion must equal the fixed-point formulas documented at
 * VTYuvToRgb / VTRgbToYuv (convert_internal.h), written out here one sample
 * at a time. Covers the four RGB32 byte orders, every 8-bit chroma layout
 * (4:2:0, 4:2:2, 4:4:4; planar, Cb/Cr-swapped, interleaved either way),
 * averaged and decimated chroma, the three matrices and both ranges, widths
 * around the vector sizes (the AVX-512 and AVX2 kernels do whole runs of
 * 128 and 64 pixels, the portable ones the rest), odd heights and odd row
 * addresses; at every kernel level (baseline, AVX2, AVX-512: those the CPU
 * lacks run the level below). Cases where the plan picks a libyuv kernel
 * (BT.601 averaged RGB -> YCbCr, full-range YCbCr -> RGB) are checked for
 * the levels agreeing only.
 */
#include <stdio.h>

#include "config.h"
#include "convert/convert_internal.h"
#include "convert_test_util.h"
#include "vt_test.h"

static inline int16_t mulhi_s16(int16_t a, int16_t b) {
    return (int16_t)(((int32_t)a * b) >> 16);
}

static inline uint16_t mulhi_u16(uint16_t a, uint16_t b) {
    return (uint16_t)(((uint32_t)a * b) >> 16);
}

static inline int clamp8(int v) {
    return v < 0 ? 0 : v > 255 ? 255 : v;
}

/* ---- the formulas --------------------------------------------------------------- */

static int ref_y(const VTRgbToYuv *k, int r, int g, int b) {
    uint16_t s =
        (uint16_t)(mulhi_u16((uint16_t)(r << 8), k->yr) + mulhi_u16((uint16_t)(g << 8), k->yg) +
                   mulhi_u16((uint16_t)(b << 8), k->yb) + k->yoff);
    return s >> 8;
}

/* Cb or Cr from channel sums of 1 << sh samples. */
static int ref_c(const VTRgbToYuv *k, int cr, int rs, int gs, int bs, int sh) {
    int16_t R = (int16_t)(uint16_t)(rs << (7 - sh)), G = (int16_t)(uint16_t)(gs << (7 - sh)),
            B = (int16_t)(uint16_t)(bs << (7 - sh));
    int16_t c =
        cr ? (int16_t)(mulhi_s16(R, k->vr) + mulhi_s16(G, k->vg) + mulhi_s16(B, k->vb) + k->coff)
           : (int16_t)(mulhi_s16(R, k->ur) + mulhi_s16(G, k->ug) + mulhi_s16(B, k->ub) + k->coff);
    return clamp8((int16_t)(c >> 6));
}

static void ref_rgb(const VTYuvToRgb *k, int Y, int U, int V, int rgb[3]) {
    int16_t l = (int16_t)(mulhi_u16((uint16_t)(Y * 257), k->yk) + k->yb);
    int16_t u = (int16_t)((U - 128) * 256), v = (int16_t)((V - 128) * 256);
    int16_t cb = mulhi_s16(u, k->bu), cr = mulhi_s16(v, k->rv);
    int16_t cg = (int16_t)(mulhi_s16(u, k->gu) + mulhi_s16(v, k->gv));
    rgb[0] = clamp8((int16_t)((int16_t)(l + cr) >> 5));
    rgb[1] = clamp8((int16_t)((int16_t)(l - cg) >> 5));
    rgb[2] = clamp8((int16_t)((int16_t)(l + cb) >> 5));
}

/* ---- checks ----------------------------------------------------------------------- */

static long failures_logged;

enum { LEVELS = VT_KERNELS_LEVEL_AVX512 + 1 };

static int convert(TImage *s, TImage *d, int matrix, int average, int level) {
    VTConvertOptions o;
    vt_convert_options_init(&o);
    o.src_matrix = o.dst_matrix = matrix;
    o.downsampling = average ? VT_DOWNSAMPLE_AVERAGE : VT_DOWNSAMPLE_DECIMATE;
    vt_kernels_force_level(level);
    OSStatus st = vt_convert_image(&s->im, &d->im, &o);
    vt_kernels_force_level(-1);
    CHECK_STATUS(st, 0);
    return st == 0;
}

static int same_bytes(const TImage *a, const TImage *b) {
    for (int p = 0; p < a->nplanes; p++)
        for (int y = 0; y < a->ph[p]; y++)
            if (memcmp(t_row(a, p, y), t_row(b, p, y), (size_t)a->pw[p] * a->bpe[p]))
                return 0;
    return 1;
}

/* The pixel's R, G, B, clamping to the image (edges replicate). */
static void rgb_at(const TImage *t, int x, int y, int rgb[4]) {
    x = x < t->im.width ? x : t->im.width - 1;
    y = y < t->im.height ? y : t->im.height - 1;
    t_get_rgb(t, x, y, rgb);
}

static void check_rgb_to_yuv(const TFormat *sf, const TFormat *df, int w, int h, int matrix,
                             int average, int pad) {
    int formula = !t_is_gray(df); /* grey: the levels agree only */
    /* the plan runs libyuv for BT.601 averaged chroma and for BT.601 I444:
     * no formula to hold those to */
    if (matrix == VT_MATRIX_BT601 && average && (df->sx || df->sy))
        formula = 0;
    if (matrix == VT_MATRIX_BT601 && !df->sx && !df->sy && !df->swap && df->kind == TK_PLANAR)
        formula = 0;
    TImage s, d[LEVELS];
    if (!t_image_alloc(&s, sf->fourcc, w, h, pad)) {
        CHECK(0);
        return;
    }
    for (int l = 0; l < LEVELS; l++)
        if (!t_image_alloc(&d[l], df->fourcc, w, h, l == 1 ? 0 : pad)) {
            CHECK(0);
            return;
        }
    t_fill_random(&s, (uint32_t)(w * 977 + h * 31 + matrix + 7 * average + pad));
    VTRgbToYuv k;
    vt_color_rgb_to_yuv_coeffs(matrix, d[0].full, &k);
    for (int l = 0; l < LEVELS; l++) {
        if (!convert(&s, &d[l], matrix, average, l))
            continue;
        if (l > 0)
            CHECK_MSG(same_bytes(&d[0], &d[l]),
                      "%s -> %s %dx%d m%d avg%d: kernel levels 0 and %d differ", sf->name, df->name,
                      w, h, matrix, average, l);
        int bad = 0;
        for (int y = 0; y < h && !bad && formula; y++)
            for (int x = 0; x < w && !bad; x++) {
                int rgb[4], Y, U, V;
                t_get_rgb(&s, x, y, rgb);
                t_get_yuv(&d[l], x, y, &Y, &U, &V);
                int ey = ref_y(&k, rgb[0], rgb[1], rgb[2]);
                /* chroma of the block holding (x, y) */
                int bx = (x >> df->sx) << df->sx, by = (y >> df->sy) << df->sy;
                int rs = 0, gs = 0, bs = 0, n = 0;
                for (int j = 0; j <= (average ? df->sy : 0); j++)
                    for (int i = 0; i <= (average ? df->sx : 0); i++, n++) {
                        int p[4];
                        rgb_at(&s, bx + i, by + j, p);
                        rs += p[0];
                        gs += p[1];
                        bs += p[2];
                    }
                int sh = n == 4 ? 2 : n == 2 ? 1 : 0;
                int eu = ref_c(&k, 0, rs, gs, bs, sh), ev = ref_c(&k, 1, rs, gs, bs, sh);
                if (Y != ey || U != eu || V != ev) {
                    bad = 1;
                    if (failures_logged++ < 20)
                        fprintf(stderr,
                                "%s -> %s %dx%d m%d avg%d pad%d level %d at (%d,%d): YCbCr %d %d "
                                "%d, formula %d %d %d\n",
                                sf->name, df->name, w, h, matrix, average, pad, l, x, y, Y, U, V,
                                ey, eu, ev);
                }
            }
        CHECK_MSG(!bad, "%s -> %s %dx%d m%d avg%d level %d: output differs from the formulas",
                  sf->name, df->name, w, h, matrix, average, l);
    }
    t_image_free(&s);
    for (int l = 0; l < LEVELS; l++)
        t_image_free(&d[l]);
}

static void check_yuv_to_rgb(const TFormat *sf, const TFormat *df, int w, int h, int matrix,
                             int pad) {
    TImage s, d[LEVELS];
    if (!t_image_alloc(&s, sf->fourcc, w, h, pad)) {
        CHECK(0);
        return;
    }
    for (int l = 0; l < LEVELS; l++)
        if (!t_image_alloc(&d[l], df->fourcc, w, h, l == 1 ? 0 : pad)) {
            CHECK(0);
            return;
        }
    t_fill_random(&s, (uint32_t)(w * 577 + h * 13 + matrix + pad));
    VTYuvToRgb k;
    vt_color_yuv_to_rgb_coeffs(matrix, 0, 8, &k);
    for (int l = 0; l < LEVELS; l++) {
        if (!convert(&s, &d[l], matrix, 0, l))
            continue;
        if (l > 0)
            CHECK_MSG(same_bytes(&d[0], &d[l]), "%s -> %s %dx%d m%d: kernel levels 0 and %d differ",
                      sf->name, df->name, w, h, matrix, l);
        int bad = 0;
        for (int y = 0; y < h && !bad && !s.full; y++) /* full range: may be libyuv */
            for (int x = 0; x < w && !bad; x++) {
                int Y, U, V, got[4], exp[3];
                t_get_yuv(&s, x, y, &Y, &U, &V);
                t_get_rgb(&d[l], x, y, got);
                ref_rgb(&k, Y, U, V, exp);
                if (got[0] != exp[0] || got[1] != exp[1] || got[2] != exp[2] || got[3] != 255) {
                    bad = 1;
                    if (failures_logged++ < 20)
                        fprintf(stderr,
                                "%s -> %s %dx%d m%d pad%d level %d at (%d,%d): RGBA %d %d %d %d, "
                                "formula %d %d %d 255\n",
                                sf->name, df->name, w, h, matrix, pad, l, x, y, got[0], got[1],
                                got[2], got[3], exp[0], exp[1], exp[2]);
                }
            }
        CHECK_MSG(!bad, "%s -> %s %dx%d m%d level %d: output differs from the formulas", sf->name,
                  df->name, w, h, matrix, l);
    }
    t_image_free(&s);
    for (int l = 0; l < LEVELS; l++)
        t_image_free(&d[l]);
}

static int is_yuv8(const TFormat *f) {
    return f->kind == TK_PLANAR || f->kind == TK_SEMI;
}

int main(void) {
    /* widths around 32, 64, 128 (vector runs, narrower runs, portable rest),
     * heights with an odd last row */
    static const int widths[] = {1,  2,   5,   31,  32,  33,  63,  64,  65,  66,
                                 95, 127, 128, 130, 193, 200, 258, 320, 383, 450};
    static const int heights[] = {1, 2, 3, 6};
    static const int matrices[] = {VT_MATRIX_BT601, VT_MATRIX_BT709, VT_MATRIX_BT2020};
    int cases = 0;
    for (int a = 0; a < T_NFORMATS; a++) {
        const TFormat *rgb = &t_formats[a];
        if (rgb->kind != TK_RGB32)
            continue;
        for (int b = 0; b < T_NFORMATS; b++) {
            const TFormat *yuv = &t_formats[b];
            if (!is_yuv8(yuv))
                continue;
            for (unsigned wi = 0; wi < sizeof(widths) / sizeof(widths[0]); wi++)
                for (unsigned hi = 0; hi < sizeof(heights) / sizeof(heights[0]); hi++) {
                    int w = widths[wi], h = heights[hi];
                    int m = matrices[(wi + hi + (unsigned)a) % 3];
                    int pad = (int)((wi + hi) & 1) * 3; /* odd strides: odd row addresses */
                    check_rgb_to_yuv(rgb, yuv, w, h, m, 0, pad);
                    check_rgb_to_yuv(rgb, yuv, w, h, matrices[(wi + hi + 1) % 3], 1, pad);
                    check_yuv_to_rgb(yuv, rgb, w, h, m, pad);
                    cases += 3;
                }
            /* two 1080p row pairs of each */
            check_rgb_to_yuv(rgb, yuv, 1920, 4, VT_MATRIX_BT709, 1, 1);
            check_rgb_to_yuv(rgb, yuv, 1920, 4, VT_MATRIX_BT601, 0, 0);
            check_yuv_to_rgb(yuv, rgb, 1920, 4, VT_MATRIX_BT709, 1);
            cases += 3;
        }
    }
    for (int a = 0; a < T_NFORMATS; a++) { /* RGB32 -> grey: luma kernels */
        const TFormat *rgb = &t_formats[a], *grey = t_format(kCVPixelFormatType_OneComponent8);
        if (rgb->kind != TK_RGB32 || !grey)
            continue;
        for (unsigned wi = 0; wi < sizeof(widths) / sizeof(widths[0]); wi++) {
            check_rgb_to_yuv(rgb, grey, widths[wi], 3, VT_MATRIX_BT709, 0, (int)(wi & 1));
            cases++;
        }
    }
    printf("%d conversions checked\n", cases);
    return vt_test_result();
}
