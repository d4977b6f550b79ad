/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * AVX2 and AVX-512BW versions of the hottest row kernels: 8-bit RGB32 <->
 * YCbCr. The portable kernels (convert_kernels_impl.h) work on planes: the
 * row ops first split pixels into R, G, B rows, sum chroma into 16-bit rows,
 * upsample chroma terms and so on, each a pass of its own, and the
 * auto-vectorised C spends most of its time taking 4-byte pixels apart and
 * putting them back together. These do one pass straight from / to the
 * pixels with byte shuffles, keeping samples in whatever order inside a
 * vector makes the shuffles cheapest. The AVX-512 versions are the AVX2 ones
 * on four 128-bit lanes instead of two (vpshufb, vpunpck* and vpack* work per
 * lane), with other fix-ups across lanes.
 *
 * Each computes exactly the fixed-point formulas documented at VTYuvToRgb /
 * VTRgbToYuv in convert_internal.h, bit for bit what the portable kernels
 * give (test_convert_kernels holds every level to the formulas,
 * test_convert_threads compares them on whole conversions). They do the
 * first n pixels of a row; the row ops in convert_ops.c do the rest with the
 * narrower kernels. Compiled with target pragmas and called only when the
 * CPU has the instructions (vt_kernels_level); empty on other compilers and
 * architectures.
 */
#include "config.h"

#include "convert_internal.h"

#if VT_KERNELS_AVX2

#include <immintrin.h>

#define AVX_INLINE static inline __attribute__((always_inline))

/* ---- the four RGB32 orders ------------------------------------------------------- */

/* The orders, by the byte R is in: 0 RGBA, 1 ARGB, 2 BGRA, 3 ABGR; G and B
 * are then at these bytes. */
static const uint8_t g_at[4] = {1, 2, 1, 2}, b_at[4] = {2, 3, 0, 1};

/* Index of the order in the tables, or -1 if off is none of the four. */
static int order_index(const uint8_t off[4]) {
    int r = off[0];
    if (r > 3 || off[1] != g_at[r] || off[2] != b_at[r])
        return -1;
    return r;
}

/* Taking the channels out of the pixels: byte 1 of each pixel ("mid") with
 * an AND (the dword is then that byte << 8) and a pack; the other two
 * colour bytes ("x", "y": bytes 0 and 2 with alpha last, 2 and 3 with alpha
 * first) with one byte shuffle per vector. Which colour each is, per order
 * (0 R, 1 G, 2 B): */
static const uint8_t mid_ch[4] = {1, 0, 1, 2}, x_ch[4] = {0, 1, 2, 1}, y_ch[4] = {2, 2, 0, 0};

#define Z 0x80 /* vpshufb: zero */
/* For a lane of 4 pixels (two lanes alike): words 0-3 byte c0 of pixels 0-3,
 * words 4-7 byte c1, in the high bytes (the sample << 8). */
#define PX(c, i)    (4 * (i) + (c))
#define HI4(c)      Z, PX(c, 0), Z, PX(c, 1), Z, PX(c, 2), Z, PX(c, 3)
#define HI8(c0, c1) HI4(c0), HI4(c1), HI4(c0), HI4(c1)
/* Bytes 0-3, 4-7, 8-11: bytes cb, cg, cr of pixels 0-3 (neighbours side by
 * side), 12-15 zero. */
#define GR4(c)            PX(c, 0), PX(c, 1), PX(c, 2), PX(c, 3)
#define GROUP(cb, cg, cr) GR4(cb), GR4(cg), GR4(cr), Z, Z, Z, Z
/* clang-format off */
static const uint8_t mask_xy[2][32] = { /* alpha last, alpha first */
    {HI8(0, 2)}, {HI8(2, 3)},
};
static const uint8_t mask_group[4][32] = {
    {GROUP(2, 1, 0), GROUP(2, 1, 0)}, {GROUP(3, 2, 1), GROUP(3, 2, 1)},
    {GROUP(0, 1, 2), GROUP(0, 1, 2)}, {GROUP(1, 2, 3), GROUP(1, 2, 3)},
};
/* clang-format on */
#undef Z

/* ---- YCbCr -> RGB32: shuffles ---------------------------------------------------- */

/* Inside a block of 16 (AVX2) or 32 (AVX-512) pixels the chroma terms and
 * luma are kept in the order [0-3 8-11 | 4-7 12-15] (AVX2) or, on lane k,
 * pixels [4k..4k+3 16+4k..16+4k+3] (AVX-512): the byte/word interleaving that
 * builds the pixels then yields them in order without lane permutes. */
#define Z 0x80
/* clang-format off */
/* 16 bytes broadcast to both lanes -> words with byte s in the high byte */
#define H(s) Z, s
static const uint8_t mask_c1[32] = { /* sx = 1: samples [0 1 4 5 8 9 12 13 | 2 3 ..] */
    H(0), H(1), H(4), H(5), H(8), H(9), H(12), H(13),
    H(2), H(3), H(6), H(7), H(10), H(11), H(14), H(15),
};
static const uint8_t mask_c0[32] = { /* sx = 0: samples [0-3 8-11 | 4-7 12-15] */
    H(0), H(1), H(2), H(3), H(8), H(9), H(10), H(11),
    H(4), H(5), H(6), H(7), H(12), H(13), H(14), H(15),
};
static const uint8_t mask_even[32] = { /* interleaved pairs: first byte of each */
    H(0), H(2), H(4), H(6), H(8), H(10), H(12), H(14),
    H(0), H(2), H(4), H(6), H(8), H(10), H(12), H(14),
};
static const uint8_t mask_odd[32] = {
    H(1), H(3), H(5), H(7), H(9), H(11), H(13), H(15),
    H(1), H(3), H(5), H(7), H(9), H(11), H(13), H(15),
};
/* luma bytes -> Y * 257 words, pixels [0-3 8-11 | 4-7 12-15] */
#define D(s) s, s
static const uint8_t mask_y[32] = {
    D(0), D(1), D(2), D(3), D(8), D(9), D(10), D(11),
    D(4), D(5), D(6), D(7), D(12), D(13), D(14), D(15),
};
/* 16 bytes: bytes 0-7 -> words with the byte high, or doubled */
static const uint8_t mask_hi8[16] = {H(0), H(1), H(2), H(3), H(4), H(5), H(6), H(7)};
static const uint8_t mask_dbl8[16] = {D(0), D(1), D(2), D(3), D(4), D(5), D(6), D(7)};
/* clang-format on */
#undef D
#undef H
#undef Z

/* ---- AVX2 ----------------------------------------------------------------------------- */

#pragma GCC push_options
#pragma GCC target("avx2")

#define LOADU(p)     _mm256_loadu_si256((const __m256i *)(const void *)(p))
#define STOREU(p, v) _mm256_storeu_si256((__m256i *)(void *)(p), (v))

static inline __m256i mask_xy_for(int order) {
    return LOADU(mask_xy[order & 1]); /* ARGB and ABGR have alpha first */
}

/* mid, x, y << 8 of 16 pixels (p0: 0-7, p1: 8-15) as words in the order
 * [0-3 8-11 | 4-7 12-15]. */
AVX_INLINE void channel_words(__m256i p0, __m256i p1, __m256i mxy, __m256i *mid, __m256i *x,
                              __m256i *y) {
    const __m256i byte1 = _mm256_set1_epi32(0xff00);
    __m256i xy0 = _mm256_shuffle_epi8(p0, mxy), xy1 = _mm256_shuffle_epi8(p1, mxy);
    *mid = _mm256_packus_epi32(_mm256_and_si256(p0, byte1), _mm256_and_si256(p1, byte1));
    *x = _mm256_unpacklo_epi64(xy0, xy1);
    *y = _mm256_unpackhi_epi64(xy0, xy1);
}

/* ---- RGB32 -> Y ------------------------------------------------------------- */

typedef struct YK {
    __m256i mid, x, y, off;
} YK;

AVX_INLINE __m256i luma16(const uint8_t *s, __m256i mxy, const YK *c) {
    __m256i m, x, y;
    channel_words(LOADU(s), LOADU(s + 32), mxy, &m, &x, &y);
    __m256i s0 = _mm256_add_epi16(_mm256_mulhi_epu16(m, c->mid), _mm256_mulhi_epu16(x, c->x));
    __m256i s1 = _mm256_add_epi16(_mm256_mulhi_epu16(y, c->y), c->off);
    return _mm256_srli_epi16(_mm256_add_epi16(s0, s1), 8);
}

/* Y = (mulhi_u16(R << 8, yr) + mulhi_u16(G << 8, yg) + mulhi_u16(B << 8, yb) + yoff) >> 8
 * (the three terms in any order: the sum is the same mod 2^16). 32 pixels
 * per iteration; vpermd puts the two halves' orders right. */
int vt_k_rgb32_to_y_avx2(const uint8_t *src, uint8_t *y, int n, const uint8_t off[4],
                         const VTRgbToYuv *k) {
    int o = order_index(off);
    if (o < 0)
        return 0;
    const uint16_t ck[3] = {k->yr, k->yg, k->yb};
    const YK c = {_mm256_set1_epi16((short)ck[mid_ch[o]]), _mm256_set1_epi16((short)ck[x_ch[o]]),
                  _mm256_set1_epi16((short)ck[y_ch[o]]), _mm256_set1_epi16((short)k->yoff)};
    const __m256i mxy = mask_xy_for(o);
    const __m256i order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
    for (int x = 0; x < n; x += 32) {
        const uint8_t *s = src + 4 * (size_t)x;
        __m256i y0 = luma16(s, mxy, &c), y1 = luma16(s + 64, mxy, &c);
        STOREU(y + x, _mm256_permutevar8x32_epi32(_mm256_packus_epi16(y0, y1), order));
    }
    return 1;
}

/* ---- RGB32 -> Cb, Cr ---------------------------------------------------------------- */

/* Coefficients of three channel words (in uv16's argument order) for Cb and
 * Cr, and coff. */
typedef struct UvK {
    __m256i u0, u1, u2, v0, v1, v2, off;
} UvK;

static UvK uv_coeffs(const VTRgbToYuv *k, int c0, int c1, int c2) {
    const int16_t cu[3] = {k->ur, k->ug, k->ub}, cv[3] = {k->vr, k->vg, k->vb};
    UvK c = {_mm256_set1_epi16(cu[c0]), _mm256_set1_epi16(cu[c1]), _mm256_set1_epi16(cu[c2]),
             _mm256_set1_epi16(cv[c0]), _mm256_set1_epi16(cv[c1]), _mm256_set1_epi16(cv[c2]),
             _mm256_set1_epi16(k->coff)};
    return c;
}

/* Cb, Cr words from three channels' R', G', B' (1/128 units, any order
 * matching the coefficients): (sum of mulhi_s16 + coff) >> 6, clamped at
 * the pack. */
AVX_INLINE void uv16(__m256i a, __m256i b, __m256i d, const UvK *c, __m256i *u, __m256i *v) {
    __m256i cu = _mm256_add_epi16(
        _mm256_add_epi16(_mm256_mulhi_epi16(a, c->u0), _mm256_mulhi_epi16(b, c->u1)),
        _mm256_add_epi16(_mm256_mulhi_epi16(d, c->u2), c->off));
    __m256i cv = _mm256_add_epi16(
        _mm256_add_epi16(_mm256_mulhi_epi16(a, c->v0), _mm256_mulhi_epi16(b, c->v1)),
        _mm256_add_epi16(_mm256_mulhi_epi16(d, c->v2), c->off));
    *u = _mm256_srai_epi16(cu, 6);
    *v = _mm256_srai_epi16(cv, 6);
}

/* Two 16-sample word vectors in the order [0 1 4 5 8 9 12 13 | 2 3 6 7 10 11
 * 14 15] -> 32 bytes in order. After packus the 16-bit units (sample pairs)
 * are [0 2 4 .. 14 | 1 3 .. 15]; vpermq + vpshufb interleave them. */
AVX_INLINE __m256i uv_bytes(__m256i a, __m256i b) {
    const __m256i fix = _mm256_setr_epi8(0, 1, 8, 9, 2, 3, 10, 11, 4, 5, 12, 13, 6, 7, 14, 15, 0, 1,
                                         8, 9, 2, 3, 10, 11, 4, 5, 12, 13, 6, 7, 14, 15);
    __m256i p = _mm256_permute4x64_epi64(_mm256_packus_epi16(a, b), 0xD8);
    return _mm256_shuffle_epi8(p, fix);
}

/* 32 Cb and 32 Cr bytes in order to u[i * step], v[i * step]. */
AVX_INLINE void store_uv_bytes(__m256i u, __m256i v, uint8_t *pu, uint8_t *pv, int step, int i) {
    if (step == 1) {
        STOREU(pu + i, u);
        STOREU(pv + i, v);
        return;
    }
    uint8_t *base = pu < pv ? pu : pv;
    __m256i first = pu < pv ? u : v, second = pu < pv ? v : u;
    __m256i lo = _mm256_unpacklo_epi8(first, second), hi = _mm256_unpackhi_epi8(first, second);
    STOREU(base + 2 * (size_t)i, _mm256_permute2x128_si256(lo, hi, 0x20));
    STOREU(base + 2 * (size_t)i + 32, _mm256_permute2x128_si256(lo, hi, 0x31));
}

AVX_INLINE void store_uv(__m256i u0, __m256i u1, __m256i v0, __m256i v1, uint8_t *pu, uint8_t *pv,
                         int step, int i) {
    store_uv_bytes(uv_bytes(u0, u1), uv_bytes(v0, v1), pu, pv, step, i);
}

/* Decimate: the channels << 7 of the even pixels of 32 pixels, 16 samples in
 * the uv16 order. vshufps takes pixels [0 2 8 10 | 4 6 12 14] = samples
 * [0 1 4 5 | 2 3 6 7] out of two vectors. */
AVX_INLINE void dec16(const uint8_t *q, __m256i mxy, const UvK *c, __m256i *u, __m256i *v) {
    __m256i e0 = _mm256_castps_si256(
        _mm256_shuffle_ps(_mm256_castsi256_ps(LOADU(q)), _mm256_castsi256_ps(LOADU(q + 32)), 0x88));
    __m256i e1 = _mm256_castps_si256(_mm256_shuffle_ps(_mm256_castsi256_ps(LOADU(q + 64)),
                                                       _mm256_castsi256_ps(LOADU(q + 96)), 0x88));
    __m256i m, x, y;
    channel_words(e0, e1, mxy, &m, &x, &y);
    uv16(_mm256_srli_epi16(m, 1), _mm256_srli_epi16(x, 1), _mm256_srli_epi16(y, 1), c, u, v);
}

/* Average: channel sums of the 2x2 blocks of 32 pixels of rows a and b, << 5
 * (maddubs by 32), 16 samples in the uv16 order (B, G, R). */
AVX_INLINE __m256i pair_sums(const uint8_t *a, const uint8_t *b, __m256i group, __m256i k32) {
    /* per lane words [B01 B23 G01 G23 R01 R23 0 0] */
    __m256i sa = _mm256_maddubs_epi16(_mm256_shuffle_epi8(LOADU(a), group), k32);
    __m256i sb = _mm256_maddubs_epi16(_mm256_shuffle_epi8(LOADU(b), group), k32);
    return _mm256_add_epi16(sa, sb);
}

AVX_INLINE void avg16(const uint8_t *a, const uint8_t *b, __m256i group, __m256i k32, const UvK *c,
                      __m256i *u, __m256i *v) {
    __m256i s0 = pair_sums(a, b, group, k32), s1 = pair_sums(a + 32, b + 32, group, k32);
    __m256i s2 = pair_sums(a + 64, b + 64, group, k32), s3 = pair_sums(a + 96, b + 96, group, k32);
    /* dwords per lane [B G R 0], each two samples -> words per channel */
    __m256i t0 = _mm256_unpacklo_epi32(s0, s1), t1 = _mm256_unpacklo_epi32(s2, s3);
    __m256i t2 = _mm256_unpackhi_epi32(s0, s1), t3 = _mm256_unpackhi_epi32(s2, s3);
    uv16(_mm256_unpacklo_epi64(t0, t1), _mm256_unpackhi_epi64(t0, t1),
         _mm256_unpacklo_epi64(t2, t3), c, u, v);
}

/* 4:4:4: the channels << 7 of 16 pixels, Cb and Cr in the order
 * [0-3 8-11 | 4-7 12-15]. */
AVX_INLINE void full16(const uint8_t *q, __m256i mxy, const UvK *c, __m256i *u, __m256i *v) {
    __m256i m, x, y;
    channel_words(LOADU(q), LOADU(q + 32), mxy, &m, &x, &y);
    uv16(_mm256_srli_epi16(m, 1), _mm256_srli_epi16(x, 1), _mm256_srli_epi16(y, 1), c, u, v);
}

/* 32 samples (64 pixels with sx = 1) per iteration. */
int vt_k_rgb32_to_uv_avx2(const uint8_t *a, const uint8_t *b, int n, int sx, int dec,
                          const uint8_t off[4], const VTRgbToYuv *k, uint8_t *u, uint8_t *v,
                          int step) {
    int o = order_index(off);
    if (sx > 1 || o < 0)
        return 0;
    __m256i u0, u1, v0, v1;
    if (!sx) {
        /* Each pixel << 7: decimating, or averaging a row with itself (4:4:4
         * has one luma row per chroma row); 4:4:0 is no layout here. */
        if (!dec && a != b)
            return 0;
        const UvK c = uv_coeffs(k, mid_ch[o], x_ch[o], y_ch[o]);
        const __m256i mxy = mask_xy_for(o), order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
        for (int i = 0; i < n; i += 32) {
            const uint8_t *s = a + 4 * (size_t)i;
            full16(s, mxy, &c, &u0, &v0);
            full16(s + 64, mxy, &c, &u1, &v1);
            store_uv_bytes(_mm256_permutevar8x32_epi32(_mm256_packus_epi16(u0, u1), order),
                           _mm256_permutevar8x32_epi32(_mm256_packus_epi16(v0, v1), order), u, v,
                           step, i);
        }
        return 1;
    }
    const int samples = n >> 1;
    if (dec) {
        const UvK c = uv_coeffs(k, mid_ch[o], x_ch[o], y_ch[o]);
        const __m256i mxy = mask_xy_for(o);
        for (int i = 0; i < samples; i += 32) {
            const uint8_t *s = a + 8 * (size_t)i;
            dec16(s, mxy, &c, &u0, &v0);
            dec16(s + 128, mxy, &c, &u1, &v1);
            store_uv(u0, u1, v0, v1, u, v, step, i);
        }
        return 1;
    }
    const UvK c = uv_coeffs(k, 2, 1, 0);
    const __m256i group = LOADU(mask_group[o]), k32 = _mm256_set1_epi8(32);
    for (int i = 0; i < samples; i += 32) {
        size_t at = 8 * (size_t)i;
        avg16(a + at, b + at, group, k32, &c, &u0, &v0);
        avg16(a + at + 128, b + at + 128, group, k32, &c, &u1, &v1);
        store_uv(u0, u1, v0, v1, u, v, step, i);
    }
    return 1;
}

/* ---- YCbCr -> RGB32 ------------------------------------------------------------------ */

AVX_INLINE __m256i bcast16(const uint8_t *p) {
    return _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)(const void *)p));
}

typedef struct CtK {
    __m256i rv, gu, gv, bu, bias;
} CtK;

/* Terms of 16 chroma words ((C << 8) before the - 128 << 8). */
AVX_INLINE void cterms16(__m256i U, __m256i V, const CtK *c, __m256i *tb, __m256i *tg,
                         __m256i *tr) {
    U = _mm256_xor_si256(U, c->bias); /* (C - 128) << 8 */
    V = _mm256_xor_si256(V, c->bias);
    *tb = _mm256_mulhi_epi16(U, c->bu);
    *tr = _mm256_mulhi_epi16(V, c->rv);
    *tg = _mm256_add_epi16(_mm256_mulhi_epi16(U, c->gu), _mm256_mulhi_epi16(V, c->gv));
}

/* Chroma terms of pixels [0, n) (n a multiple of 32) in blocks of 16 in the
 * block order. */
static void terms_rows(const uint8_t *u, const uint8_t *v, int step, int sx, int n, int16_t *cb,
                       int16_t *cg, int16_t *cr, const VTYuvToRgb *k) {
    const CtK c = {_mm256_set1_epi16(k->rv), _mm256_set1_epi16(k->gu), _mm256_set1_epi16(k->gv),
                   _mm256_set1_epi16(k->bu), _mm256_set1_epi16((short)0x8000)};
    const __m256i mc = LOADU(sx ? mask_c1 : mask_c0);
    const __m256i me = LOADU(mask_even), mo = LOADU(mask_odd);
    /* interleaved: dwords (two samples) [0 2 4 6 | 1 3 5 7] (sx = 1) or
     * [0 1 4 5 | 2 3 6 7] (sx = 0) */
    const __m256i dw =
        sx ? _mm256_setr_epi32(0, 2, 4, 6, 1, 3, 5, 7) : _mm256_setr_epi32(0, 1, 4, 5, 2, 3, 6, 7);
    const uint8_t *base = u < v ? u : v;
    const int u_first = u < v;
    for (int x = 0; x < n; x += 16 << sx) {
        int i = x >> sx; /* 16 samples from i */
        __m256i U, V, tb, tg, tr;
        if (step == 1) {
            U = _mm256_shuffle_epi8(bcast16(u + i), mc);
            V = _mm256_shuffle_epi8(bcast16(v + i), mc);
        } else {
            __m256i p = _mm256_permutevar8x32_epi32(LOADU(base + 2 * (size_t)i), dw);
            __m256i e = _mm256_shuffle_epi8(p, me), o = _mm256_shuffle_epi8(p, mo);
            U = u_first ? e : o;
            V = u_first ? o : e;
        }
        cterms16(U, V, &c, &tb, &tg, &tr);
        if (!sx) {
            STOREU(cb + x, tb);
            STOREU(cg + x, tg);
            STOREU(cr + x, tr);
            continue;
        }
        /* [0 1 4 5 8 9 12 13 | 2 3 6 7 ..] doubled: blocks 0-15 and 16-31 */
        STOREU(cb + x, _mm256_unpacklo_epi16(tb, tb));
        STOREU(cb + x + 16, _mm256_unpackhi_epi16(tb, tb));
        STOREU(cg + x, _mm256_unpacklo_epi16(tg, tg));
        STOREU(cg + x + 16, _mm256_unpackhi_epi16(tg, tg));
        STOREU(cr + x, _mm256_unpacklo_epi16(tr, tr));
        STOREU(cr + x + 16, _mm256_unpackhi_epi16(tr, tr));
    }
}

/* 16 pixels: bytes [X G Y A] (alpha_last) or [A X G Y] with X = l + cx >> 5,
 * Y = l + cy >> 5, G = l - cg >> 5 (cx, cy = cb, cr or cr, cb). */
AVX_INLINE void rgb32_block(const uint8_t *y, const int16_t *cx, const int16_t *cg,
                            const int16_t *cy, uint8_t *out, __m256i my, __m256i yk, __m256i yb,
                            __m256i alpha, int alpha_last) {
    __m256i l = _mm256_add_epi16(_mm256_mulhi_epu16(_mm256_shuffle_epi8(bcast16(y), my), yk), yb);
    __m256i X = _mm256_srai_epi16(_mm256_add_epi16(l, LOADU(cx)), 5);
    __m256i G = _mm256_srai_epi16(_mm256_sub_epi16(l, LOADU(cg)), 5);
    __m256i Y = _mm256_srai_epi16(_mm256_add_epi16(l, LOADU(cy)), 5);
    __m256i p02, p13; /* bytes 0 and 2, 1 and 3 of the pixels (packus clamps) */
    if (alpha_last) {
        p02 = _mm256_packus_epi16(X, Y);
        p13 = _mm256_packus_epi16(G, alpha);
    } else {
        p02 = _mm256_packus_epi16(alpha, G);
        p13 = _mm256_packus_epi16(X, Y);
    }
    __m256i b01 = _mm256_unpacklo_epi8(p02, p13), b23 = _mm256_unpackhi_epi8(p02, p13);
    STOREU(out, _mm256_unpacklo_epi16(b01, b23));      /* pixels 0-7 */
    STOREU(out + 32, _mm256_unpackhi_epi16(b01, b23)); /* pixels 8-15 */
}

static void rgb32_row(const uint8_t *y, const int16_t *cx, const int16_t *cg, const int16_t *cy,
                      uint8_t *out, int n, const VTYuvToRgb *k, int alpha_last) {
    const __m256i my = LOADU(mask_y), yk = _mm256_set1_epi16((short)k->yk);
    const __m256i yb = _mm256_set1_epi16(k->yb), alpha = _mm256_set1_epi16(255);
    if (alpha_last) {
        for (int x = 0; x < n; x += 16)
            rgb32_block(y + x, cx + x, cg + x, cy + x, out + 4 * (size_t)x, my, yk, yb, alpha, 1);
    } else {
        for (int x = 0; x < n; x += 16)
            rgb32_block(y + x, cx + x, cg + x, cy + x, out + 4 * (size_t)x, my, yk, yb, alpha, 0);
    }
}

int vt_k_yuv8_rows_avx2(const uint8_t *y0, const uint8_t *y1, const uint8_t *u, const uint8_t *v,
                        int step, int sx, uint8_t *out0, uint8_t *out1, int n, const uint8_t off[4],
                        const VTYuvToRgb *k, int16_t *terms) {
    int o = order_index(off);
    if (o < 0 || sx > 1)
        return 0;
    /* byte 0 (or 1 with alpha first) is X: R there means X = R */
    int alpha_last = !(o & 1);
    int x_is_r = off[0] == (alpha_last ? 0 : 1);
    int16_t *cb = terms, *cg = terms + n, *cr = terms + 2 * (size_t)n;
    terms_rows(u, v, step, sx, n, cb, cg, cr, k);
    const int16_t *cx = x_is_r ? cr : cb, *cy = x_is_r ? cb : cr;
    rgb32_row(y0, cx, cg, cy, out0, n, k, alpha_last);
    if (y1)
        rgb32_row(y1, cx, cg, cy, out1, n, k, alpha_last);
    return 1;
}

#undef LOADU
#undef STOREU
#pragma GCC pop_options

/* ---- AVX-512BW ------------------------------------------------------------------------ */

#pragma GCC push_options
#pragma GCC target("avx512bw")

#define LOADZ(p)     _mm512_loadu_si512((const void *)(p))
#define STOREZ(p, v) _mm512_storeu_si512((void *)(p), (v))

/* A 16-byte pattern on all four lanes. */
static inline __m512i lanes4(const uint8_t *p) {
    return _mm512_broadcast_i32x4(_mm_loadu_si128((const __m128i *)(const void *)p));
}

/* 32 bytes into the low half (the upper half undefined: for permutes that
 * only read the low half). */
static inline __m512i load32(const uint8_t *p) {
    return _mm512_castsi256_si512(_mm256_loadu_si256((const __m256i *)(const void *)p));
}

/* clang-format off */
/* dword groups: lane k holds groups [k 4+k 8+k 12+k] -> in order */
static const uint32_t idx_groups[16] = {0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15};
/* 16-bit units: position 8k + j holds unit 4j + k -> in order */
static const uint16_t idx_pairs[32] = {
    0, 8, 16, 24, 1, 9, 17, 25, 2, 10, 18, 26, 3, 11, 19, 27,
    4, 12, 20, 28, 5, 13, 21, 29, 6, 14, 22, 30, 7, 15, 23, 31,
};
/* lane k <- 16-bit units [k 4+k 8+k 12+k] of 32 bytes (sample pairs) */
static const uint16_t idx_units_c1[32] = {
    0, 4, 8, 12, 0, 0, 0, 0, 1, 5, 9, 13, 0, 0, 0, 0,
    2, 6, 10, 14, 0, 0, 0, 0, 3, 7, 11, 15, 0, 0, 0, 0,
};
/* lane k <- dwords [k 4+k] of 32 bytes (4 samples / pixels each) */
static const uint32_t idx_dw_c0[16] = {0, 4, 0, 0, 1, 5, 0, 0, 2, 6, 0, 0, 3, 7, 0, 0};
/* interleaved chroma, lane k <- dwords (two Cb/Cr pairs each) [k 4+k 8+k 12+k] (sx = 1) or
 * [2k 2k+1 8+2k 9+2k] (sx = 0) */
static const uint32_t idx_semi_c1[16] = {0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15};
static const uint32_t idx_semi_c0[16] = {0, 1, 8, 9, 2, 3, 10, 11, 4, 5, 12, 13, 6, 7, 14, 15};
/* clang-format on */

/* mid, x, y << 8 of 32 pixels (p0: 0-15, p1: 16-31) as words, on lane k
 * pixels [4k..4k+3 16+4k..16+4k+3]. */
AVX_INLINE void channel_words_z(__m512i p0, __m512i p1, __m512i mxy, __m512i *mid, __m512i *x,
                                __m512i *y) {
    const __m512i byte1 = _mm512_set1_epi32(0xff00);
    __m512i xy0 = _mm512_shuffle_epi8(p0, mxy), xy1 = _mm512_shuffle_epi8(p1, mxy);
    *mid = _mm512_packus_epi32(_mm512_and_si512(p0, byte1), _mm512_and_si512(p1, byte1));
    *x = _mm512_unpacklo_epi64(xy0, xy1);
    *y = _mm512_unpackhi_epi64(xy0, xy1);
}

/* ---- RGB32 -> Y (AVX-512) ---- */

typedef struct YKz {
    __m512i mid, x, y, off;
} YKz;

AVX_INLINE __m512i luma32(const uint8_t *s, __m512i mxy, const YKz *c) {
    __m512i m, x, y;
    channel_words_z(LOADZ(s), LOADZ(s + 64), mxy, &m, &x, &y);
    __m512i s0 = _mm512_add_epi16(_mm512_mulhi_epu16(m, c->mid), _mm512_mulhi_epu16(x, c->x));
    __m512i s1 = _mm512_add_epi16(_mm512_mulhi_epu16(y, c->y), c->off);
    return _mm512_srli_epi16(_mm512_add_epi16(s0, s1), 8);
}

/* 64 pixels per iteration; after the pack lane k holds the 4-pixel groups
 * [k 4+k 8+k 12+k]. */
int vt_k_rgb32_to_y_avx512(const uint8_t *src, uint8_t *y, int n, const uint8_t off[4],
                           const VTRgbToYuv *k) {
    int o = order_index(off);
    if (o < 0)
        return 0;
    const uint16_t ck[3] = {k->yr, k->yg, k->yb};
    const YKz c = {_mm512_set1_epi16((short)ck[mid_ch[o]]), _mm512_set1_epi16((short)ck[x_ch[o]]),
                   _mm512_set1_epi16((short)ck[y_ch[o]]), _mm512_set1_epi16((short)k->yoff)};
    const __m512i mxy = lanes4(mask_xy[o & 1]), order = LOADZ(idx_groups);
    for (int x = 0; x < n; x += 64) {
        const uint8_t *s = src + 4 * (size_t)x;
        __m512i y0 = luma32(s, mxy, &c), y1 = luma32(s + 128, mxy, &c);
        STOREZ(y + x, _mm512_permutexvar_epi32(order, _mm512_packus_epi16(y0, y1)));
    }
    return 1;
}

/* ---- RGB32 -> Cb, Cr (AVX-512) ---- */

typedef struct UvKz {
    __m512i u0, u1, u2, v0, v1, v2, off;
} UvKz;

static UvKz uv_coeffs_z(const VTRgbToYuv *k, int c0, int c1, int c2) {
    const int16_t cu[3] = {k->ur, k->ug, k->ub}, cv[3] = {k->vr, k->vg, k->vb};
    UvKz c = {_mm512_set1_epi16(cu[c0]), _mm512_set1_epi16(cu[c1]), _mm512_set1_epi16(cu[c2]),
              _mm512_set1_epi16(cv[c0]), _mm512_set1_epi16(cv[c1]), _mm512_set1_epi16(cv[c2]),
              _mm512_set1_epi16(k->coff)};
    return c;
}

AVX_INLINE void uv32(__m512i a, __m512i b, __m512i d, const UvKz *c, __m512i *u, __m512i *v) {
    __m512i cu = _mm512_add_epi16(
        _mm512_add_epi16(_mm512_mulhi_epi16(a, c->u0), _mm512_mulhi_epi16(b, c->u1)),
        _mm512_add_epi16(_mm512_mulhi_epi16(d, c->u2), c->off));
    __m512i cv = _mm512_add_epi16(
        _mm512_add_epi16(_mm512_mulhi_epi16(a, c->v0), _mm512_mulhi_epi16(b, c->v1)),
        _mm512_add_epi16(_mm512_mulhi_epi16(d, c->v2), c->off));
    *u = _mm512_srai_epi16(cu, 6);
    *v = _mm512_srai_epi16(cv, 6);
}

/* 64 Cb and 64 Cr bytes in order to u[i * step], v[i * step]. */
AVX_INLINE void store_uv_bytes_z(__m512i u, __m512i v, uint8_t *pu, uint8_t *pv, int step, int i) {
    if (step == 1) {
        STOREZ(pu + i, u);
        STOREZ(pv + i, v);
        return;
    }
    /* lane k of lo: samples 16k..16k+7 interleaved, of hi: 16k+8..16k+15 */
    const __m512i first_half = _mm512_setr_epi64(0, 1, 8, 9, 2, 3, 10, 11);
    const __m512i second_half = _mm512_setr_epi64(4, 5, 12, 13, 6, 7, 14, 15);
    uint8_t *base = pu < pv ? pu : pv;
    __m512i first = pu < pv ? u : v, second = pu < pv ? v : u;
    __m512i lo = _mm512_unpacklo_epi8(first, second), hi = _mm512_unpackhi_epi8(first, second);
    STOREZ(base + 2 * (size_t)i, _mm512_permutex2var_epi64(lo, first_half, hi));
    STOREZ(base + 2 * (size_t)i + 64, _mm512_permutex2var_epi64(lo, second_half, hi));
}

/* Two 32-sample vectors with lane k holding samples [2k 2k+1 8+2k 9+2k
 * 16+2k 17+2k 24+2k 25+2k] -> 64 bytes in order (after the pack, position
 * 8k + j holds the sample pair 4j + k). */
AVX_INLINE __m512i uv_bytes_z(__m512i a, __m512i b) {
    return _mm512_permutexvar_epi16(LOADZ(idx_pairs), _mm512_packus_epi16(a, b));
}

/* Decimate: 64 pixels -> 32 samples in the uv_bytes_z order. */
AVX_INLINE void dec32(const uint8_t *q, __m512i mxy, const UvKz *c, __m512i *u, __m512i *v) {
    __m512i e0 = _mm512_castps_si512(
        _mm512_shuffle_ps(_mm512_castsi512_ps(LOADZ(q)), _mm512_castsi512_ps(LOADZ(q + 64)), 0x88));
    __m512i e1 = _mm512_castps_si512(_mm512_shuffle_ps(_mm512_castsi512_ps(LOADZ(q + 128)),
                                                       _mm512_castsi512_ps(LOADZ(q + 192)), 0x88));
    __m512i m, x, y;
    channel_words_z(e0, e1, mxy, &m, &x, &y);
    uv32(_mm512_srli_epi16(m, 1), _mm512_srli_epi16(x, 1), _mm512_srli_epi16(y, 1), c, u, v);
}

AVX_INLINE __m512i pair_sums_z(const uint8_t *a, const uint8_t *b, __m512i group, __m512i k32) {
    __m512i sa = _mm512_maddubs_epi16(_mm512_shuffle_epi8(LOADZ(a), group), k32);
    __m512i sb = _mm512_maddubs_epi16(_mm512_shuffle_epi8(LOADZ(b), group), k32);
    return _mm512_add_epi16(sa, sb);
}

/* Average: 64 pixels of rows a and b -> 32 samples in the uv_bytes_z order. */
AVX_INLINE void avg32(const uint8_t *a, const uint8_t *b, __m512i group, __m512i k32, const UvKz *c,
                      __m512i *u, __m512i *v) {
    __m512i s0 = pair_sums_z(a, b, group, k32), s1 = pair_sums_z(a + 64, b + 64, group, k32);
    __m512i s2 = pair_sums_z(a + 128, b + 128, group, k32);
    __m512i s3 = pair_sums_z(a + 192, b + 192, group, k32);
    __m512i t0 = _mm512_unpacklo_epi32(s0, s1), t1 = _mm512_unpacklo_epi32(s2, s3);
    __m512i t2 = _mm512_unpackhi_epi32(s0, s1), t3 = _mm512_unpackhi_epi32(s2, s3);
    uv32(_mm512_unpacklo_epi64(t0, t1), _mm512_unpackhi_epi64(t0, t1),
         _mm512_unpacklo_epi64(t2, t3), c, u, v);
}

/* 4:4:4: 32 pixels -> 32 samples in the channel_words_z order. */
AVX_INLINE void full32(const uint8_t *q, __m512i mxy, const UvKz *c, __m512i *u, __m512i *v) {
    __m512i m, x, y;
    channel_words_z(LOADZ(q), LOADZ(q + 64), mxy, &m, &x, &y);
    uv32(_mm512_srli_epi16(m, 1), _mm512_srli_epi16(x, 1), _mm512_srli_epi16(y, 1), c, u, v);
}

int vt_k_rgb32_to_uv_avx512(const uint8_t *a, const uint8_t *b, int n, int sx, int dec,
                            const uint8_t off[4], const VTRgbToYuv *k, uint8_t *u, uint8_t *v,
                            int step) {
    int o = order_index(off);
    if (sx > 1 || o < 0)
        return 0;
    __m512i u0, u1, v0, v1;
    if (!sx) { /* as in vt_k_rgb32_to_uv_avx2 */
        if (!dec && a != b)
            return 0;
        const UvKz c = uv_coeffs_z(k, mid_ch[o], x_ch[o], y_ch[o]);
        const __m512i mxy = lanes4(mask_xy[o & 1]), order = LOADZ(idx_groups);
        for (int i = 0; i < n; i += 64) {
            const uint8_t *s = a + 4 * (size_t)i;
            full32(s, mxy, &c, &u0, &v0);
            full32(s + 128, mxy, &c, &u1, &v1);
            store_uv_bytes_z(_mm512_permutexvar_epi32(order, _mm512_packus_epi16(u0, u1)),
                             _mm512_permutexvar_epi32(order, _mm512_packus_epi16(v0, v1)), u, v,
                             step, i);
        }
        return 1;
    }
    const int samples = n >> 1;
    if (dec) {
        const UvKz c = uv_coeffs_z(k, mid_ch[o], x_ch[o], y_ch[o]);
        const __m512i mxy = lanes4(mask_xy[o & 1]);
        for (int i = 0; i < samples; i += 64) {
            const uint8_t *s = a + 8 * (size_t)i;
            dec32(s, mxy, &c, &u0, &v0);
            dec32(s + 256, mxy, &c, &u1, &v1);
            store_uv_bytes_z(uv_bytes_z(u0, u1), uv_bytes_z(v0, v1), u, v, step, i);
        }
        return 1;
    }
    const UvKz c = uv_coeffs_z(k, 2, 1, 0);
    const __m512i group = lanes4(mask_group[o]), k32 = _mm512_set1_epi8(32);
    for (int i = 0; i < samples; i += 64) {
        size_t at = 8 * (size_t)i;
        avg32(a + at, b + at, group, k32, &c, &u0, &v0);
        avg32(a + at + 256, b + at + 256, group, k32, &c, &u1, &v1);
        store_uv_bytes_z(uv_bytes_z(u0, u1), uv_bytes_z(v0, v1), u, v, step, i);
    }
    return 1;
}

/* ---- YCbCr -> RGB32 (AVX-512) ---- */

typedef struct CtKz {
    __m512i rv, gu, gv, bu, bias;
} CtKz;

AVX_INLINE void cterms32(__m512i U, __m512i V, const CtKz *c, __m512i *tb, __m512i *tg,
                         __m512i *tr) {
    U = _mm512_xor_si512(U, c->bias); /* (C - 128) << 8 */
    V = _mm512_xor_si512(V, c->bias);
    *tb = _mm512_mulhi_epi16(U, c->bu);
    *tr = _mm512_mulhi_epi16(V, c->rv);
    *tg = _mm512_add_epi16(_mm512_mulhi_epi16(U, c->gu), _mm512_mulhi_epi16(V, c->gv));
}

/* Chroma terms of ns samples (a multiple of 32), for pixels [0, ns << sx) in
 * blocks of 32 in the block order. */
static void terms_rows_z(const uint8_t *u, const uint8_t *v, int step, int sx, int ns, int16_t *cb,
                         int16_t *cg, int16_t *cr, const VTYuvToRgb *k) {
    const CtKz c = {_mm512_set1_epi16(k->rv), _mm512_set1_epi16(k->gu), _mm512_set1_epi16(k->gv),
                    _mm512_set1_epi16(k->bu), _mm512_set1_epi16((short)0x8000)};
    const __m512i hi8 = lanes4(mask_hi8), me = lanes4(mask_even), mo = lanes4(mask_odd);
    const __m512i units = LOADZ(idx_units_c1), dw0 = LOADZ(idx_dw_c0);
    const __m512i semi = LOADZ(sx ? idx_semi_c1 : idx_semi_c0);
    const uint8_t *base = u < v ? u : v;
    const int u_first = u < v;
    for (int i = 0; i < ns; i += 32) {
        /* 32 samples from i, on lane k samples [2k 2k+1 8+2k 9+2k 16+2k 17+2k
         * 24+2k 25+2k] (sx = 1) or [4k..4k+3 16+4k..16+4k+3] (sx = 0) */
        __m512i U, V, tb, tg, tr;
        if (step == 1) {
            __m512i pu = load32(u + i), pv = load32(v + i);
            if (sx) {
                pu = _mm512_permutexvar_epi16(units, pu);
                pv = _mm512_permutexvar_epi16(units, pv);
            } else {
                pu = _mm512_permutexvar_epi32(dw0, pu);
                pv = _mm512_permutexvar_epi32(dw0, pv);
            }
            U = _mm512_shuffle_epi8(pu, hi8);
            V = _mm512_shuffle_epi8(pv, hi8);
        } else {
            __m512i p = _mm512_permutexvar_epi32(semi, LOADZ(base + 2 * (size_t)i));
            __m512i e = _mm512_shuffle_epi8(p, me), od = _mm512_shuffle_epi8(p, mo);
            U = u_first ? e : od;
            V = u_first ? od : e;
        }
        cterms32(U, V, &c, &tb, &tg, &tr);
        int px = i << sx; /* first pixel */
        if (!sx) {
            STOREZ(cb + px, tb);
            STOREZ(cg + px, tg);
            STOREZ(cr + px, tr);
            continue;
        }
        /* doubled: the blocks of pixels px..px+31 and px+32..px+63 */
        STOREZ(cb + px, _mm512_unpacklo_epi16(tb, tb));
        STOREZ(cb + px + 32, _mm512_unpackhi_epi16(tb, tb));
        STOREZ(cg + px, _mm512_unpacklo_epi16(tg, tg));
        STOREZ(cg + px + 32, _mm512_unpackhi_epi16(tg, tg));
        STOREZ(cr + px, _mm512_unpacklo_epi16(tr, tr));
        STOREZ(cr + px + 32, _mm512_unpackhi_epi16(tr, tr));
    }
}

/* 32 pixels in the block order -> bytes [X G Y A] or [A X G Y] (see
 * rgb32_block). */
AVX_INLINE void rgb32_block_z(const uint8_t *y, const int16_t *cx, const int16_t *cg,
                              const int16_t *cy, uint8_t *out, __m512i dw0, __m512i dbl, __m512i yk,
                              __m512i yb, __m512i alpha, int alpha_last) {
    __m512i yy = _mm512_shuffle_epi8(_mm512_permutexvar_epi32(dw0, load32(y)), dbl); /* Y * 257 */
    __m512i l = _mm512_add_epi16(_mm512_mulhi_epu16(yy, yk), yb);
    __m512i X = _mm512_srai_epi16(_mm512_add_epi16(l, LOADZ(cx)), 5);
    __m512i G = _mm512_srai_epi16(_mm512_sub_epi16(l, LOADZ(cg)), 5);
    __m512i Y = _mm512_srai_epi16(_mm512_add_epi16(l, LOADZ(cy)), 5);
    __m512i p02, p13;
    if (alpha_last) {
        p02 = _mm512_packus_epi16(X, Y);
        p13 = _mm512_packus_epi16(G, alpha);
    } else {
        p02 = _mm512_packus_epi16(alpha, G);
        p13 = _mm512_packus_epi16(X, Y);
    }
    __m512i b01 = _mm512_unpacklo_epi8(p02, p13), b23 = _mm512_unpackhi_epi8(p02, p13);
    STOREZ(out, _mm512_unpacklo_epi16(b01, b23));      /* pixels 0-15 */
    STOREZ(out + 64, _mm512_unpackhi_epi16(b01, b23)); /* pixels 16-31 */
}

static void rgb32_row_z(const uint8_t *y, const int16_t *cx, const int16_t *cg, const int16_t *cy,
                        uint8_t *out, int n, const VTYuvToRgb *k, int alpha_last) {
    const __m512i dw0 = LOADZ(idx_dw_c0), dbl = lanes4(mask_dbl8);
    const __m512i yk = _mm512_set1_epi16((short)k->yk), yb = _mm512_set1_epi16(k->yb);
    const __m512i alpha = _mm512_set1_epi16(255);
    if (alpha_last) {
        for (int x = 0; x < n; x += 32)
            rgb32_block_z(y + x, cx + x, cg + x, cy + x, out + 4 * (size_t)x, dw0, dbl, yk, yb,
                          alpha, 1);
    } else {
        for (int x = 0; x < n; x += 32)
            rgb32_block_z(y + x, cx + x, cg + x, cy + x, out + 4 * (size_t)x, dw0, dbl, yk, yb,
                          alpha, 0);
    }
}

int vt_k_yuv8_rows_avx512(const uint8_t *y0, const uint8_t *y1, const uint8_t *u, const uint8_t *v,
                          int step, int sx, uint8_t *out0, uint8_t *out1, int n,
                          const uint8_t off[4], const VTYuvToRgb *k, int16_t *terms) {
    int o = order_index(off);
    if (o < 0 || sx > 1)
        return 0;
    int alpha_last = !(o & 1);
    int x_is_r = off[0] == (alpha_last ? 0 : 1);
    int16_t *cb = terms, *cg = terms + n, *cr = terms + 2 * (size_t)n;
    terms_rows_z(u, v, step, sx, n >> sx, cb, cg, cr, k);
    const int16_t *cx = x_is_r ? cr : cb, *cy = x_is_r ? cb : cr;
    rgb32_row_z(y0, cx, cg, cy, out0, n, k, alpha_last);
    if (y1)
        rgb32_row_z(y1, cx, cg, cy, out1, n, k, alpha_last);
    return 1;
}

#undef LOADZ
#undef STOREZ
#pragma GCC pop_options

#else
typedef int vt_convert_kernels_x86_unused; /* ISO C: no empty translation unit */
#endif
