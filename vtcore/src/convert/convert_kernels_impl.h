/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Bodies of the converter's row kernels. convert_kernels.c includes this
 * file twice: once for the baseline target and, on x86-64 with GCC, once
 * under `#pragma GCC target("avx2")`; VT_KN(name) gives each copy its
 * suffix. Not a header of its own: no include guard on purpose.
 */

#ifndef VT_KERNELS_IMPL_MACROS
#define VT_KERNELS_IMPL_MACROS
/* Luma + chroma terms -> 4-byte pixels written as two 16-bit words per
 * pixel (bytes 0,1 and 2,3): this vectorises to 16-bit lanes without a
 * separate interleaving pass. One function per byte order (R, G, B or A in
 * each byte) and luma depth. out must be 2-byte aligned. */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define VT_PAIR(lo, hi) ((uint16_t)((hi) | ((lo) << 8)))
#else
#define VT_PAIR(lo, hi) ((uint16_t)((lo) | ((hi) << 8)))
#endif
#define VT_Y8(v)  ((uint16_t)((v)*257))
#define VT_Y16(v) ((uint16_t)((v) | ((v) >> 10)))
#define VT_LUMA_PACKED(name, T, YN, P0, P1, P2, P3)                                          \
    static void name(const void *yv, const int16_t *restrict cb, const int16_t *restrict cg, \
                     const int16_t *restrict cr, uint16_t *restrict out, int w,              \
                     const VTYuvToRgb *k) {                                                  \
        const T *restrict y = yv;                                                            \
        const uint16_t yk = k->yk;                                                           \
        const int16_t yb = k->yb;                                                            \
        for (int x = 0; x < w; x++) {                                                        \
            int16_t l = (int16_t)(mulhi_u16(YN(y[x]), yk) + yb);                             \
            uint16_t B = sat8((int16_t)((int16_t)(l + cb[x]) >> 5));                         \
            uint16_t G = sat8((int16_t)((int16_t)(l - cg[x]) >> 5));                         \
            uint16_t R = sat8((int16_t)((int16_t)(l + cr[x]) >> 5));                         \
            uint16_t A = 255;                                                                \
            (void)A;                                                                         \
            out[2 * x] = VT_PAIR(P0, P1);                                                    \
            out[2 * x + 1] = VT_PAIR(P2, P3);                                                \
        }                                                                                    \
    }

#endif

static void VT_KN(vt_k_cterms8)(const uint8_t *restrict u, const uint8_t *restrict v, int n,
                                int16_t *restrict cb, int16_t *restrict cg, int16_t *restrict cr,
                                const VTYuvToRgb *k) {
    const int16_t rv = k->rv, gu = k->gu, gv = k->gv, bu = k->bu;
    for (int x = 0; x < n; x++) {
        int16_t U = (int16_t)((u[x] - 128) * 256);
        int16_t V = (int16_t)((v[x] - 128) * 256);
        cb[x] = mulhi_s16(U, bu);
        cr[x] = mulhi_s16(V, rv);
        cg[x] = (int16_t)(mulhi_s16(U, gu) + mulhi_s16(V, gv));
    }
}

static void VT_KN(vt_k_cterms16)(const uint16_t *restrict u, const uint16_t *restrict v, int n,
                                 int16_t *restrict cb, int16_t *restrict cg, int16_t *restrict cr,
                                 const VTYuvToRgb *k) {
    const int16_t rv = k->rv, gu = k->gu, gv = k->gv, bu = k->bu;
    for (int x = 0; x < n; x++) {
        int16_t U = (int16_t)(u[x] - 32768);
        int16_t V = (int16_t)(v[x] - 32768);
        cb[x] = mulhi_s16(U, bu);
        cr[x] = mulhi_s16(V, rv);
        cg[x] = (int16_t)(mulhi_s16(U, gu) + mulhi_s16(V, gv));
    }
}

static void VT_KN(vt_k_up2_s16)(const int16_t *restrict s, int16_t *restrict d, int w) {
    int half = w >> 1;
    for (int x = 0; x < half; x++) {
        d[2 * x] = s[x];
        d[2 * x + 1] = s[x];
    }
    if (w & 1)
        d[w - 1] = s[half];
}

static void VT_KN(vt_k_up2_u8)(const uint8_t *restrict s, uint8_t *restrict d, int w) {
    int half = w >> 1;
    for (int x = 0; x < half; x++) {
        d[2 * x] = s[x];
        d[2 * x + 1] = s[x];
    }
    if (w & 1)
        d[w - 1] = s[half];
}

/* clang-format off */
VT_LUMA_PACKED(VT_KN(vt_k_luma_bgra8), uint8_t, VT_Y8, B, G, R, A)
VT_LUMA_PACKED(VT_KN(vt_k_luma_rgba8), uint8_t, VT_Y8, R, G, B, A)
VT_LUMA_PACKED(VT_KN(vt_k_luma_argb8), uint8_t, VT_Y8, A, R, G, B)
VT_LUMA_PACKED(VT_KN(vt_k_luma_abgr8), uint8_t, VT_Y8, A, B, G, R)
VT_LUMA_PACKED(VT_KN(vt_k_luma_bgra16), uint16_t, VT_Y16, B, G, R, A)
VT_LUMA_PACKED(VT_KN(vt_k_luma_rgba16), uint16_t, VT_Y16, R, G, B, A)
VT_LUMA_PACKED(VT_KN(vt_k_luma_argb16), uint16_t, VT_Y16, A, R, G, B)
VT_LUMA_PACKED(VT_KN(vt_k_luma_abgr16), uint16_t, VT_Y16, A, B, G, R)
/* clang-format on */

static void VT_KN(vt_k_rgb_to_y)(const uint8_t *restrict r, const uint8_t *restrict g,
                                 const uint8_t *restrict b, uint8_t *restrict y, int w,
                                 const VTRgbToYuv *k) {
    const uint16_t yr = k->yr, yg = k->yg, yb = k->yb, yoff = k->yoff;
    for (int x = 0; x < w; x++) {
        uint16_t s = (uint16_t)(mulhi_u16((uint16_t)(r[x] * 256), yr) +
                                mulhi_u16((uint16_t)(g[x] * 256), yg) +
                                mulhi_u16((uint16_t)(b[x] * 256), yb) + yoff);
        y[x] = (uint8_t)(s >> 8);
    }
}

static void VT_KN(vt_k_chroma_sum)(const uint8_t *restrict a, const uint8_t *restrict b, int w,
                                   int n, int sx, int decimate, uint16_t *restrict out) {
    if (!sx) {
        if (b && !decimate) {
            for (int i = 0; i < n; i++)
                out[i] = (uint16_t)(a[i] + b[i]);
        } else {
            for (int i = 0; i < n; i++)
                out[i] = a[i];
        }
        return;
    }
    int pairs = w >> 1; /* output samples with two input columns */
    if (decimate) {
        for (int i = 0; i < n; i++)
            out[i] = a[2 * i];
        return;
    }
    if (b) {
        for (int i = 0; i < pairs; i++)
            out[i] = (uint16_t)(pair_sum(a + 2 * i) + pair_sum(b + 2 * i));
        if (n > pairs)
            out[pairs] = (uint16_t)(2 * (a[2 * pairs] + b[2 * pairs]));
    } else {
        for (int i = 0; i < pairs; i++)
            out[i] = pair_sum(a + 2 * i);
        if (n > pairs)
            out[pairs] = (uint16_t)(2 * a[2 * pairs]);
    }
}

static void VT_KN(vt_k_rgb_sums_to_uv)(const uint16_t *restrict rs, const uint16_t *restrict gs,
                                       const uint16_t *restrict bs, uint8_t *restrict u,
                                       uint8_t *restrict v, int n, int sh, const VTRgbToYuv *k) {
    const int16_t ur = k->ur, ug = k->ug, ub = k->ub, vr = k->vr, vg = k->vg, vb = k->vb;
    const int16_t off = k->coff;
    const uint16_t up = (uint16_t)(1u << (7 - sh)); /* sums of 1 << sh samples -> 1/128 units */
    for (int i = 0; i < n; i++) {
        int16_t R = (int16_t)(uint16_t)(rs[i] * up), G = (int16_t)(uint16_t)(gs[i] * up),
                Bv = (int16_t)(uint16_t)(bs[i] * up);
        int16_t cu = (int16_t)(mulhi_s16(R, ur) + mulhi_s16(G, ug) + mulhi_s16(Bv, ub) + off);
        int16_t cv = (int16_t)(mulhi_s16(R, vr) + mulhi_s16(G, vg) + mulhi_s16(Bv, vb) + off);
        u[i] = sat8((int16_t)(cu >> 6));
        v[i] = sat8((int16_t)(cv >> 6));
    }
}

static void VT_KN(vt_k_down2_h)(const uint8_t *restrict s, uint8_t *restrict d, int n, int w,
                                int avg) {
    int pairs = w >> 1;
    if (avg) {
        for (int i = 0; i < pairs; i++)
            d[i] = (uint8_t)((s[2 * i] + s[2 * i + 1] + 1) >> 1);
    } else {
        for (int i = 0; i < pairs; i++)
            d[i] = s[2 * i];
    }
    if (n > pairs)
        d[pairs] = s[2 * pairs];
}

static void VT_KN(vt_k_avg2)(const uint8_t *restrict a, const uint8_t *restrict b,
                             uint8_t *restrict d, int n) {
    for (int i = 0; i < n; i++)
        d[i] = (uint8_t)((a[i] + b[i] + 1) >> 1);
}

static void VT_KN(vt_k_down2_hv)(const uint8_t *restrict a, const uint8_t *restrict b,
                                 uint8_t *restrict d, int n, int w, int avg) {
    int pairs = w >> 1;
    if (!avg) {
        for (int i = 0; i < n; i++)
            d[i] = a[2 * i];
        return;
    }
    for (int i = 0; i < pairs; i++)
        d[i] = (uint8_t)((a[2 * i] + a[2 * i + 1] + b[2 * i] + b[2 * i + 1] + 2) >> 2);
    if (n > pairs)
        d[pairs] = (uint8_t)((a[2 * pairs] + b[2 * pairs] + 1) >> 1);
}

static void VT_KN(vt_k_interleave8)(const uint8_t *restrict u, const uint8_t *restrict v,
                                    uint8_t *restrict uv, int n) {
    for (int i = 0; i < n; i++) {
        uv[2 * i] = u[i];
        uv[2 * i + 1] = v[i];
    }
}

static void VT_KN(vt_k_deinterleave8)(const uint8_t *restrict uv, uint8_t *restrict u,
                                      uint8_t *restrict v, int n) {
    for (int i = 0; i < n; i++) {
        u[i] = uv[2 * i];
        v[i] = uv[2 * i + 1];
    }
}

static void VT_KN(vt_k_interleave16)(const uint16_t *restrict u, const uint16_t *restrict v,
                                     uint16_t *restrict uv, int n) {
    for (int i = 0; i < n; i++) {
        uv[2 * i] = u[i];
        uv[2 * i + 1] = v[i];
    }
}

static void VT_KN(vt_k_deinterleave16)(const uint16_t *restrict uv, uint16_t *restrict u,
                                       uint16_t *restrict v, int n) {
    for (int i = 0; i < n; i++) {
        u[i] = uv[2 * i];
        v[i] = uv[2 * i + 1];
    }
}

static void VT_KN(acc_row8)(uint32_t *restrict acc, const uint8_t *restrict p, int n) {
    for (int i = 0; i < n; i++)
        acc[i] += p[i];
}

static void VT_KN(acc_row16)(uint32_t *restrict acc, const uint16_t *restrict p, int n) {
    for (int i = 0; i < n; i++)
        acc[i] += p[i];
}

static void VT_KN(vt_k_box_scale)(const uint8_t *src, ptrdiff_t src_stride, int sw, int sh,
                                  uint8_t *dst, ptrdiff_t dst_stride, int dw, int dh, int channels,
                                  int b16, int r0, int r1, uint32_t *acc) {
    const int n = sw * channels;
    const int bw = sw / dw, rem = sw % dw;
    const uint64_t limit = b16 ? 256 : 4096; /* reciprocal exact below this count */
    for (int y = r0; y < r1; y++) {
        int y0 = (int)((int64_t)y * sh / dh), y1 = (int)((int64_t)(y + 1) * sh / dh);
        if (y1 <= y0)
            y1 = y0 + 1;
        memset(acc, 0, (size_t)n * sizeof(*acc));
        for (int r = y0; r < y1; r++) {
            const uint8_t *row = src + (ptrdiff_t)r * src_stride;
            if (b16)
                VT_KN(acc_row16)(acc, (const uint16_t *)row, n);
            else
                VT_KN(acc_row8)(acc, row, n);
        }
        const uint64_t bh = (uint64_t)(y1 - y0);
        const uint64_t c0 = bw * bh, c1 = (bw + 1) * bh;
        const uint64_t m0 = c0 ? ((1ull << 32) + c0 - 1) / c0 : 0,
                       m1 = ((1ull << 32) + c1 - 1) / c1;
        uint8_t *out = dst + (ptrdiff_t)y * dst_stride;
        int x0 = 0, e = 0;
        for (int x = 0; x < dw; x++) {
            int wx = bw;
            e += rem;
            if (e >= dw) {
                e -= dw;
                wx++;
            }
            const uint64_t c = wx == bw ? c0 : c1, m = wx == bw ? m0 : m1;
            for (int ch = 0; ch < channels; ch++) {
                uint64_t sum = 0;
                for (int k = x0; k < x0 + wx; k++)
                    sum += acc[k * channels + ch];
                sum += c / 2;
                uint64_t v = c < limit ? (sum * m) >> 32 : sum / c;
                if (b16)
                    ((uint16_t *)out)[x * channels + ch] = (uint16_t)v;
                else
                    out[x * channels + ch] = (uint8_t)v;
            }
            x0 += wx;
        }
    }
}
