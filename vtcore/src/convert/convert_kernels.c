/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Portable C row kernels of the converter: the colour conversions libyuv
 * lacks or gets wrong (YCbCr -> RGB for video-range BT.601/709/2020 and
 * 10-bit, RGB -> YCbCr for every matrix, range and chroma mode), range LUTs,
 * 2:1 chroma resampling, 8 <-> 10 bit. Written as simple loops over
 * restrict-qualified rows with 16/32-bit integer math so that the compiler
 * vectorises them; on x86-64 with GCC each kernel is compiled twice, for
 * the baseline ISA and for AVX2, and picked once per process from the CPU's
 * features (plain function calls: no ifunc, which would export symbols and
 * break ThreadSanitizer builds). No libyuv here. The hottest 8-bit RGB32 <->
 * YCbCr paths also have hand-written AVX2 and AVX-512 versions
 * (convert_kernels_x86.c) that the row ops call for the bulk of each row.
 */
#include "config.h"

#if defined(__GNUC__) && !defined(__clang__)
/* The build's -O2 uses GCC's "very cheap" vectoriser, which leaves most of
 * these loops scalar (measured 4-10x slower). */
#pragma GCC optimize("O3")
#endif

#include <string.h>

#include "convert_internal.h"

/* Clamp on 16-bit lanes: the vectoriser turns this into min/max + pack
 * (the same clamp written on int costs twice as much). */
static inline uint8_t sat8(int16_t v) {
    v = v < 0 ? 0 : v;
    v = v > 255 ? 255 : v;
    return (uint8_t)v;
}

static inline int16_t mulhi_s16(int16_t a, int16_t b) {
    return (int16_t)(((int32_t)a * b) >> 16);
}

static inline uint16_t mulhi_u16(uint16_t a, uint16_t b) {
    return (uint16_t)(((uint32_t)a * b) >> 16);
}

/* a[2i] + a[2i + 1], reading the pair as one little-endian 16-bit word so the
 * loop vectorises with contiguous loads. */
static inline uint16_t pair_sum(const uint8_t *p) {
    uint16_t w;
    memcpy(&w, p, 2);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    w = (uint16_t)((w >> 8) | (w << 8));
#endif
    return (uint16_t)((w & 255) + (w >> 8));
}

/* ---- the two compilations of the kernels --------------------------------- */

#define VT_KN(name) name##_c
#include "convert_kernels_impl.h"
#undef VT_KN

#if VT_KERNELS_AVX2
#pragma GCC push_options
#pragma GCC target("avx2")
#define VT_KN(name) name##_avx2
#include "convert_kernels_impl.h"
#undef VT_KN
#pragma GCC pop_options
#endif

/* Highest kernel level the tests allow (-1: whatever the CPU has). */
static int level_cap = -1;

void vt_kernels_force_level(int max_level) {
    __atomic_store_n(&level_cap, max_level < 0 ? -1 : max_level, __ATOMIC_RELAXED);
}

void vt_kernels_force_baseline(int on) {
    vt_kernels_force_level(on ? 0 : -1);
}

int vt_kernels_level(void) {
#if VT_KERNELS_AVX2
    static int cached = -1;
    int v = __atomic_load_n(&cached, __ATOMIC_RELAXED);
    if (v < 0) {
        /* AVX-512 only where it comes with VBMI (Ice Lake, Zen 4 and later):
         * the Skylake-SP generation lowers the clock for 512-bit code, which
         * would cost the code around the conversion more than it saves. */
        __builtin_cpu_init();
        v = VT_KERNELS_BASELINE;
        if (__builtin_cpu_supports("avx2"))
            v = VT_KERNELS_LEVEL_AVX2;
        if (v && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vbmi"))
            v = VT_KERNELS_LEVEL_AVX512;
        __atomic_store_n(&cached, v, __ATOMIC_RELAXED);
    }
    int cap = __atomic_load_n(&level_cap, __ATOMIC_RELAXED);
    return cap >= 0 && cap < v ? cap : v;
#else
    return VT_KERNELS_BASELINE;
#endif
}

#if VT_KERNELS_AVX2
#define VT_PICK(name) (vt_kernels_level() >= VT_KERNELS_LEVEL_AVX2 ? name##_avx2 : name##_c)
#else
#define VT_PICK(name) name##_c
#endif

/* ---- dispatching wrappers ---------------------------------------------------- */

void vt_k_cterms8(const uint8_t *restrict u, const uint8_t *restrict v, int n, int16_t *restrict cb,
                  int16_t *restrict cg, int16_t *restrict cr, const VTYuvToRgb *k) {
    VT_PICK(vt_k_cterms8)(u, v, n, cb, cg, cr, k);
}

void vt_k_cterms16(const uint16_t *restrict u, const uint16_t *restrict v, int n,
                   int16_t *restrict cb, int16_t *restrict cg, int16_t *restrict cr,
                   const VTYuvToRgb *k) {
    VT_PICK(vt_k_cterms16)(u, v, n, cb, cg, cr, k);
}

void vt_k_up2_s16(const int16_t *restrict s, int16_t *restrict d, int w) {
    VT_PICK(vt_k_up2_s16)(s, d, w);
}

void vt_k_up2_u8(const uint8_t *restrict s, uint8_t *restrict d, int w) {
    VT_PICK(vt_k_up2_u8)(s, d, w);
}

void vt_k_rgb_to_y(const uint8_t *restrict r, const uint8_t *restrict g, const uint8_t *restrict b,
                   uint8_t *restrict y, int w, const VTRgbToYuv *k) {
    VT_PICK(vt_k_rgb_to_y)(r, g, b, y, w, k);
}

void vt_k_chroma_sum(const uint8_t *restrict a, const uint8_t *restrict b, int w, int n, int sx,
                     int decimate, uint16_t *restrict out) {
    VT_PICK(vt_k_chroma_sum)(a, b, w, n, sx, decimate, out);
}

void vt_k_rgb_sums_to_uv(const uint16_t *restrict rs, const uint16_t *restrict gs,
                         const uint16_t *restrict bs, uint8_t *restrict u, uint8_t *restrict v,
                         int n, int sh, const VTRgbToYuv *k) {
    VT_PICK(vt_k_rgb_sums_to_uv)(rs, gs, bs, u, v, n, sh, k);
}

void vt_k_down2_h(const uint8_t *restrict s, uint8_t *restrict d, int n, int w, int avg) {
    VT_PICK(vt_k_down2_h)(s, d, n, w, avg);
}

void vt_k_avg2(const uint8_t *restrict a, const uint8_t *restrict b, uint8_t *restrict d, int n) {
    VT_PICK(vt_k_avg2)(a, b, d, n);
}

void vt_k_down2_hv(const uint8_t *restrict a, const uint8_t *restrict b, uint8_t *restrict d, int n,
                   int w, int avg) {
    VT_PICK(vt_k_down2_hv)(a, b, d, n, w, avg);
}

void vt_k_interleave8(const uint8_t *restrict u, const uint8_t *restrict v, uint8_t *restrict uv,
                      int n) {
    VT_PICK(vt_k_interleave8)(u, v, uv, n);
}

void vt_k_deinterleave8(const uint8_t *restrict uv, uint8_t *restrict u, uint8_t *restrict v,
                        int n) {
    VT_PICK(vt_k_deinterleave8)(uv, u, v, n);
}

void vt_k_interleave16(const uint16_t *restrict u, const uint16_t *restrict v,
                       uint16_t *restrict uv, int n) {
    VT_PICK(vt_k_interleave16)(u, v, uv, n);
}

void vt_k_deinterleave16(const uint16_t *restrict uv, uint16_t *restrict u, uint16_t *restrict v,
                         int n) {
    VT_PICK(vt_k_deinterleave16)(uv, u, v, n);
}

void vt_k_box_scale(const uint8_t *src, ptrdiff_t src_stride, int sw, int sh, uint8_t *dst,
                    ptrdiff_t dst_stride, int dw, int dh, int channels, int b16, int r0, int r1,
                    uint32_t *acc) {
    VT_PICK(vt_k_box_scale)
    (src, src_stride, sw, sh, dst, dst_stride, dw, dh, channels, b16, r0, r1, acc);
}

/* ---- pickers and scalar kernels ------------------------------------------------ */

VTLumaPackedFn vt_k_luma_packed(const uint8_t off[4], int depth16) {
    switch (off[0]) { /* the byte R goes to tells the four layouts apart */
    case 2:
        return depth16 ? VT_PICK(vt_k_luma_bgra16) : VT_PICK(vt_k_luma_bgra8);
    case 0:
        return depth16 ? VT_PICK(vt_k_luma_rgba16) : VT_PICK(vt_k_luma_rgba8);
    case 1:
        return depth16 ? VT_PICK(vt_k_luma_argb16) : VT_PICK(vt_k_luma_argb8);
    default:
        return depth16 ? VT_PICK(vt_k_luma_abgr16) : VT_PICK(vt_k_luma_abgr8);
    }
}

/* ---- LUTs, 8 <-> 16 bit ------------------------------------------------------ */

void vt_k_lut8(const uint8_t *restrict s, uint8_t *restrict d, int n, const uint8_t *lut) {
    for (int i = 0; i < n; i++)
        d[i] = lut[s[i]];
}

void vt_k_lut_16_to_8(const uint16_t *restrict s, uint8_t *restrict d, int n,
                      const uint8_t *lut1024) {
    for (int i = 0; i < n; i++)
        d[i] = lut1024[s[i] >> 6];
}

void vt_k_lut_8_to_16(const uint8_t *restrict s, uint16_t *restrict d, int n,
                      const uint16_t *lut256) {
    for (int i = 0; i < n; i++)
        d[i] = lut256[s[i]];
}

void vt_k_lut_16_to_16(const uint16_t *restrict s, uint16_t *restrict d, int n,
                       const uint16_t *lut1024) {
    for (int i = 0; i < n; i++) {
        unsigned idx = ((unsigned)s[i] + 32u) >> 6; /* round 16-bit data to 10 bits */
        d[i] = lut1024[idx > 1023u ? 1023u : idx];
    }
}
