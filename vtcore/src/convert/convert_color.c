/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Colour maths of the converter: fixed-point coefficients for YCbCr <-> RGB
 * per matrix (BT.601, BT.709, BT.2020), range and bit depth, and range /
 * bit-depth LUTs. Derived from the matrix definitions (Kr, Kb) and the
 * quantisation ranges of ITU-T H.273:
 *   video range, n bits: Y = (16 + 219 E'y) << (n - 8), C = (128 + 224 E'c) << (n - 8)
 *   full range, n bits:  Y = (2^n - 1) E'y,            C = (2^n - 1) E'c + 2^(n-1)
 */
#include "config.h"

#include <math.h>

#include "convert_internal.h"

static void matrix_kr_kb(int matrix, double *kr, double *kb) {
    switch (matrix) {
    case VT_MATRIX_BT709:
        *kr = 0.2126;
        *kb = 0.0722;
        break;
    case VT_MATRIX_BT2020:
        *kr = 0.2627;
        *kb = 0.0593;
        break;
    default: /* BT.601 / BT.470BG */
        *kr = 0.299;
        *kb = 0.114;
        break;
    }
}

/* Quantisation of a range at a bit depth (8 or 10). */
typedef struct Quant {
    double ylo, yspan, cmid, cspan;
} Quant;

static Quant quant(int full_range, int bits) {
    Quant q;
    double scale = (double)(1 << (bits - 8));
    if (full_range) {
        double max = (double)((1 << bits) - 1);
        q.ylo = 0.0;
        q.yspan = max;
        q.cmid = (double)(1 << (bits - 1));
        q.cspan = max;
    } else {
        q.ylo = 16.0 * scale;
        q.yspan = 219.0 * scale;
        q.cmid = 128.0 * scale;
        q.cspan = 224.0 * scale;
    }
    return q;
}

static long lrnd(double v) {
    return (long)floor(v + 0.5);
}

void vt_color_yuv_to_rgb_coeffs(int matrix, int full_range, int depth, VTYuvToRgb *k) {
    double kr, kb, kg;
    matrix_kr_kb(matrix, &kr, &kb);
    kg = 1.0 - kr - kb;
    int bits = depth == 16 ? 10 : 8;
    Quant q = quant(full_range, bits);
    /* Normalisation of the samples to 16 bits (see VTYuvToRgb). */
    double ym = depth == 16 ? 64.0 + 1.0 / 16.0 : 257.0;
    double cm = depth == 16 ? 64.0 : 256.0;
    double unit = 32.0 * 255.0; /* 1/32 of an 8-bit step */
    k->yk = (uint16_t)lrnd(unit / q.yspan * 65536.0 / ym);
    k->yb = (int16_t)lrnd(-unit * q.ylo / q.yspan + 16.0);
    double c = unit / q.cspan * 65536.0 / cm;
    k->rv = (int16_t)lrnd(2.0 * (1.0 - kr) * c);
    k->bu = (int16_t)lrnd(2.0 * (1.0 - kb) * c);
    k->gu = (int16_t)lrnd(2.0 * kb * (1.0 - kb) / kg * c);
    k->gv = (int16_t)lrnd(2.0 * kr * (1.0 - kr) / kg * c);
}

void vt_color_rgb_to_yuv_coeffs(int matrix, int full_range, VTRgbToYuv *k) {
    double kr, kb, kg;
    matrix_kr_kb(matrix, &kr, &kb);
    kg = 1.0 - kr - kb;
    Quant q = quant(full_range, 8);
    double ys = q.yspan / 255.0, cs = q.cspan / 255.0;
    /* Y: Q16 coefficients on R << 8, result in 1/256 units */
    k->yr = (uint16_t)lrnd(kr * ys * 65536.0);
    k->yg = (uint16_t)lrnd(kg * ys * 65536.0);
    k->yb = (uint16_t)lrnd(kb * ys * 65536.0);
    k->yoff = (uint16_t)lrnd(q.ylo * 256.0 + 128.0);
    /* Cb = (B - Y) / (2 (1 - Kb)), Cr = (R - Y) / (2 (1 - Kr)): Q15
     * coefficients on R << 7, result in 1/64 units */
    double db = 2.0 * (1.0 - kb), dr = 2.0 * (1.0 - kr), one = 32768.0;
    k->ur = (int16_t)lrnd(-kr / db * cs * one);
    k->ug = (int16_t)lrnd(-kg / db * cs * one);
    k->ub = (int16_t)lrnd((1.0 - kb) / db * cs * one);
    k->vr = (int16_t)lrnd((1.0 - kr) / dr * cs * one);
    k->vg = (int16_t)lrnd(-kg / dr * cs * one);
    k->vb = (int16_t)lrnd(-kb / dr * cs * one);
    k->coff = (int16_t)lrnd(q.cmid * 64.0 + 32.0);
    k->y_only = 0;
}

/* Value v of (src range, src bits) re-quantised for (dst range, dst bits). */
static long requant(double v, int chroma, int src_full, int src_bits, int dst_full, int dst_bits) {
    Quant s = quant(src_full, src_bits), d = quant(dst_full, dst_bits);
    double e, out;
    long max = (1L << dst_bits) - 1;
    if (chroma) {
        e = (v - s.cmid) / s.cspan;
        out = d.cmid + e * d.cspan;
    } else {
        e = (v - s.ylo) / s.yspan;
        out = d.ylo + e * d.yspan;
    }
    long r = lrnd(out);
    return r < 0 ? 0 : r > max ? max : r;
}

void vt_color_lut8(int chroma, int src_full, int dst_full, uint8_t lut[256]) {
    for (int i = 0; i < 256; i++)
        lut[i] = (uint8_t)requant(i, chroma, src_full, 8, dst_full, 8);
}

void vt_color_lut_10_to_8(int chroma, int src_full, int dst_full, uint8_t lut[1024]) {
    for (int i = 0; i < 1024; i++)
        lut[i] = (uint8_t)requant(i, chroma, src_full, 10, dst_full, 8);
}

void vt_color_lut_8_to_16(int chroma, int src_full, int dst_full, uint16_t lut[256]) {
    for (int i = 0; i < 256; i++)
        lut[i] = (uint16_t)(requant(i, chroma, src_full, 8, dst_full, 10) << 6);
}

void vt_color_lut_10_to_16(int chroma, int src_full, int dst_full, uint16_t lut[1024]) {
    for (int i = 0; i < 1024; i++)
        lut[i] = (uint16_t)(requant(i, chroma, src_full, 10, dst_full, 10) << 6);
}
