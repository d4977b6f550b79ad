/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * VTPixelTransferSessionTransferImage for every pair of pixel formats, the
 * way a client calls it: buffers made with CVPixelBufferCreateWithBytes /
 * CreateWithPlanarBytes over guarded planes (a PROT_NONE page right after
 * the last row and before the first: an over-read or over-write faults)
 * with odd row padding.
 *
 * For every pair, at the same size (13x7) and scaled (13x7 -> 6x9):
 *   - a flat colour survives: the destination pixel, read back through the
 *     float reference (BT.601, the source's tag), is within 3 of the colour
 *     (luma only when grey is involved);
 *   - every visible sample is written (two runs into destinations prefilled
 *     with 0x00 and 0xFF agree), the row padding is never written, the
 *     source is not modified, the low 6 bits of P010 samples stay 0.
 * Spot checks against the float reference on random content (tolerance 2,
 * exact for pure repacking): I420 -> BGRA, BGRA -> NV12 (Decimate and
 * Average), NV12 full -> RGBA (BT.2020), P010 -> BGRA, I420 <-> NV12,
 * YUY2 -> UYVY. The plain copy path (same format and size) is byte exact.
 * kVTCorePixelTransferPropertyKey_ThreadCount gives identical output for
 * 1, 2, 3, 4 and automatic threads at 1080p-class sizes.
 */
#include <stdlib.h>

#include "transfer_test_util.h"
#include "vt/transfer_internal.h"

#define FLAT_R 180.0
#define FLAT_G 100.0
#define FLAT_B 60.0

/* Luma (0..255, full range) of pixel (x, y) and whether it is meaningful. */
static double luma_of(const TBuf *b, int x, int y) {
    const TImage *t = &b->t;
    if (t_is_rgb(t->tf)) {
        int c[4];
        t_get_rgb(t, x, y, c);
        return 0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2];
    }
    int Y, U, V;
    t_get_yuv(t, x, y, &Y, &U, &V);
    int bits = t_bits(t->tf);
    double lo, span, cm, cs;
    t_quant(t_is_gray(t->tf) ? 1 : t->full, bits, &lo, &span, &cm, &cs);
    return (Y - lo) / span * 255.0;
}

/* Copies of the source planes, to prove the source is left alone. */
typedef struct Snapshot {
    uint8_t *p[3];
    size_t n[3];
} Snapshot;

static void snap_take(Snapshot *s, const TBuf *b) {
    memset(s, 0, sizeof(*s));
    for (int p = 0; p < b->t.nplanes; p++) {
        s->n[p] = (size_t)b->t.im.stride[p] * (size_t)(b->t.ph[p] - 1) +
                  (size_t)b->t.pw[p] * (size_t)b->t.bpe[p];
        s->p[p] = malloc(s->n[p]);
        memcpy(s->p[p], b->t.im.data[p], s->n[p]);
    }
}

static int snap_same(const Snapshot *s, const TBuf *b) {
    int same = 1;
    for (int p = 0; p < b->t.nplanes; p++)
        same &= memcmp(s->p[p], b->t.im.data[p], s->n[p]) == 0;
    return same;
}

static void snap_free(Snapshot *s) {
    for (int p = 0; p < 3; p++)
        free(s->p[p]);
}

/* Every visible sample of a and b (same format and size) is equal. */
static int samples_equal(const TBuf *a, const TBuf *b) {
    for (int y = 0; y < a->t.im.height; y++)
        for (int x = 0; x < a->t.im.width; x++) {
            if (t_is_rgb(a->t.tf)) {
                int ca[4], cb[4];
                t_get_rgb(&a->t, x, y, ca);
                t_get_rgb(&b->t, x, y, cb);
                if (memcmp(ca, cb, sizeof(ca)))
                    return 0;
            } else {
                int ya, ua, va, yb, ub, vb;
                t_get_yuv(&a->t, x, y, &ya, &ua, &va);
                t_get_yuv(&b->t, x, y, &yb, &ub, &vb);
                if (ya != yb || ua != ub || va != vb)
                    return 0;
            }
        }
    return 1;
}

static int g_pairs_bad;

static void one_pair(VTPixelTransferSessionRef s, const TFormat *sf, const TFormat *df, int sw,
                     int sh, int dw, int dh) {
    TBuf src, d0, d1;
    if (!tb_alloc(&src, sf->fourcc, sw, sh, 5) || !tb_alloc(&d0, df->fourcc, dw, dh, 3) ||
        !tb_alloc(&d1, df->fourcc, dw, dh, 3)) {
        CHECK_MSG(0, "allocation %s -> %s", sf->name, df->name);
        return;
    }
    tb_fill_rgb(&src, 6, FLAT_R, FLAT_G, FLAT_B);
    if (!t_is_rgb(sf))
        CVBufferSetAttachment(src.pb, kCVImageBufferYCbCrMatrixKey,
                              kCVImageBufferYCbCrMatrix_ITU_R_601_4,
                              kCVAttachmentMode_ShouldPropagate);
    Snapshot snap;
    snap_take(&snap, &src);
    tb_memset(&d0, 0x00);
    tb_memset(&d1, 0xFF);
    OSStatus st0 = VTPixelTransferSessionTransferImage(s, src.pb, d0.pb);
    OSStatus st1 = VTPixelTransferSessionTransferImage(s, src.pb, d1.pb);
    int bad = 0;
    CHECK_MSG(st0 == noErr && st1 == noErr, "%s %dx%d -> %s %dx%d: %d %d", sf->name, sw, sh,
              df->name, dw, dh, (int)st0, (int)st1);
    if (st0 == noErr && st1 == noErr) {
        if (!samples_equal(&d0, &d1)) {
            CHECK_MSG(0, "%s -> %s %dx%d: not every sample written", sf->name, df->name, dw, dh);
            bad++;
        }
        CHECK_MSG(tb_padding_is(&d0, 0x00) && tb_padding_is(&d1, 0xFF),
                  "%s -> %s: row padding written", sf->name, df->name);
        CHECK_MSG(snap_same(&snap, &src), "%s -> %s: source modified", sf->name, df->name);
        if (df->kind == TK_P010)
            CHECK_MSG(t_p010_low_bits_clear(&d0.t), "%s -> P010: low bits set", sf->name);
        int grey = t_is_gray(sf) || t_is_gray(df);
        double want_l = 0.299 * FLAT_R + 0.587 * FLAT_G + 0.114 * FLAT_B;
        for (int y = 0; y < dh && bad < 3; y++)
            for (int x = 0; x < dw && bad < 3; x++) {
                if (grey) {
                    double l = luma_of(&d0, x, y);
                    if (fabs(l - want_l) > 3) {
                        CHECK_MSG(0, "%s -> %s (%d,%d): luma %.1f want %.1f", sf->name, df->name, x,
                                  y, l, want_l);
                        bad++;
                    }
                    if (t_is_gray(sf) && !t_is_gray(df)) {
                        double rgb[3];
                        tb_rgb(&d0, 6, x, y, rgb);
                        if (fabs(rgb[0] - rgb[1]) > 3 || fabs(rgb[2] - rgb[1]) > 3) {
                            CHECK_MSG(0, "%s -> %s: grey has colour", sf->name, df->name);
                            bad++;
                        }
                    }
                    continue;
                }
                double rgb[3], want[3] = {FLAT_R, FLAT_G, FLAT_B};
                tb_rgb(&d0, 6, x, y, rgb);
                for (int c = 0; c < 3; c++)
                    if (fabs(rgb[c] - want[c]) > 3) {
                        CHECK_MSG(0, "%s -> %s %dx%d (%d,%d) c%d: %.1f want %.1f", sf->name,
                                  df->name, dw, dh, x, y, c, rgb[c], want[c]);
                        bad++;
                        break;
                    }
            }
    }
    g_pairs_bad += bad;
    snap_free(&snap);
    tb_free(&src);
    tb_free(&d0);
    tb_free(&d1);
}

static void test_every_pair(void) {
    VTPixelTransferSessionRef s = NULL;
    CHECK_STATUS(VTPixelTransferSessionCreate(NULL, &s), noErr);
    if (!s)
        return;
    int pairs = 0;
    for (int i = 0; i < T_NFORMATS; i++)
        for (int j = 0; j < T_NFORMATS; j++) {
            one_pair(s, &t_formats[i], &t_formats[j], 13, 7, 13, 7);
            one_pair(s, &t_formats[i], &t_formats[j], 13, 7, 6, 9);
            pairs++;
        }
    printf("every pair: %d pairs x 2 sizes, %d bad pixels\n", pairs, g_pairs_bad);
    CHECK(pairs == T_NFORMATS * T_NFORMATS);
    VTPixelTransferSessionInvalidate(s);
    CFRelease(s);
}

/* ---- spot checks on random content ------------------------------------- */

static int max_err_yuv_to_rgb(const TBuf *src, const TBuf *dst, int matrix) {
    int worst = 0;
    for (int y = 0; y < dst->t.im.height; y++)
        for (int x = 0; x < dst->t.im.width; x++) {
            double ref[3];
            int c[4];
            tb_rgb(src, matrix, x, y, ref);
            t_get_rgb(&dst->t, x, y, c);
            for (int k = 0; k < 3; k++) {
                int e = abs(c[k] - t_clampi(ref[k], 255));
                if (e > worst)
                    worst = e;
            }
            if (c[3] != 255)
                worst = 999;
        }
    return worst;
}

static int max_err_rgb_to_yuv(const TBuf *src, const TBuf *dst, int matrix, int average) {
    const TImage *d = &dst->t;
    int worst = 0, bits = t_bits(d->tf), max = (1 << bits) - 1;
    for (int y = 0; y < d->im.height; y++)
        for (int x = 0; x < d->im.width; x++) {
            int c[4], Y, U, V;
            double yuv[3];
            t_get_rgb(&src->t, x, y, c);
            t_ref_rgb_to_yuv(c[0], c[1], c[2], bits, d->full, matrix, yuv);
            t_get_yuv(d, x, y, &Y, &U, &V);
            int e = abs(Y - t_clampi(yuv[0], max));
            worst = e > worst ? e : worst;
            /* chroma of the block covering (x, y) */
            int bx = x >> d->tf->sx << d->tf->sx, by = y >> d->tf->sy << d->tf->sy;
            double acc[3] = {0, 0, 0};
            int n = 0;
            for (int yy = by; yy < by + (1 << d->tf->sy) && yy < d->im.height; yy++)
                for (int xx = bx; xx < bx + (1 << d->tf->sx) && xx < d->im.width; xx++) {
                    if (!average && (xx != bx || yy != by))
                        continue;
                    t_get_rgb(&src->t, xx, yy, c);
                    acc[0] += c[0];
                    acc[1] += c[1];
                    acc[2] += c[2];
                    n++;
                }
            t_ref_rgb_to_yuv(acc[0] / n, acc[1] / n, acc[2] / n, bits, d->full, matrix, yuv);
            e = abs(U - t_clampi(yuv[1], max));
            worst = e > worst ? e : worst;
            e = abs(V - t_clampi(yuv[2], max));
            worst = e > worst ? e : worst;
        }
    return worst;
}

static void tag_matrix(CVPixelBufferRef pb, int matrix) {
    CVBufferSetAttachment(pb, kCVImageBufferYCbCrMatrixKey, tt_matrix_string(matrix),
                          kCVAttachmentMode_ShouldPropagate);
}

static void spot_yuv_to_rgb(VTPixelTransferSessionRef s, OSType sfmt, OSType dfmt, int matrix,
                            int w, int h) {
    TBuf src, dst;
    if (!tb_alloc(&src, sfmt, w, h, 7) || !tb_alloc(&dst, dfmt, w, h, 1))
        return;
    t_fill_random(&src.t, 1234u + sfmt);
    tag_matrix(src.pb, matrix);
    CHECK_STATUS(VTPixelTransferSessionTransferImage(s, src.pb, dst.pb), noErr);
    int e = max_err_yuv_to_rgb(&src, &dst, matrix);
    CHECK_MSG(e <= 2, "%s -> %s %dx%d matrix %d: max error %d", src.t.tf->name, dst.t.tf->name, w,
              h, matrix, e);
    tb_free(&src);
    tb_free(&dst);
}

static void spot_rgb_to_yuv(VTPixelTransferSessionRef s, OSType sfmt, OSType dfmt, int matrix,
                            int average, int w, int h) {
    TBuf src, dst;
    if (!tb_alloc(&src, sfmt, w, h, 3) || !tb_alloc(&dst, dfmt, w, h, 9))
        return;
    t_fill_random(&src.t, 99u + dfmt);
    CHECK_STATUS(VTSessionSetProperty(s, kVTPixelTransferPropertyKey_DestinationYCbCrMatrix,
                                      tt_matrix_string(matrix)),
                 noErr);
    CHECK_STATUS(
        VTSessionSetProperty(s, kVTPixelTransferPropertyKey_DownsamplingMode,
                             average ? kVTDownsamplingMode_Average : kVTDownsamplingMode_Decimate),
        noErr);
    CHECK_STATUS(VTPixelTransferSessionTransferImage(s, src.pb, dst.pb), noErr);
    int e = max_err_rgb_to_yuv(&src, &dst, matrix, average);
    CHECK_MSG(e <= 2 * (1 << (t_bits(dst.t.tf) - 8)), "%s -> %s %dx%d matrix %d avg %d: max %d",
              src.t.tf->name, dst.t.tf->name, w, h, matrix, average, e);
    VTSessionSetProperty(s, kVTPixelTransferPropertyKey_DestinationYCbCrMatrix, NULL);
    VTSessionSetProperty(s, kVTPixelTransferPropertyKey_DownsamplingMode, NULL);
    tb_free(&src);
    tb_free(&dst);
}

/* Pure repacking: every sample equal. */
static void spot_exact(VTPixelTransferSessionRef s, OSType sfmt, OSType dfmt, int w, int h) {
    TBuf src, dst;
    if (!tb_alloc(&src, sfmt, w, h, 11) || !tb_alloc(&dst, dfmt, w, h, 5))
        return;
    t_fill_random(&src.t, 7u);
    CHECK_STATUS(VTPixelTransferSessionTransferImage(s, src.pb, dst.pb), noErr);
    int bad = 0;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            int a[3], b[3];
            t_get_yuv(&src.t, x, y, &a[0], &a[1], &a[2]);
            t_get_yuv(&dst.t, x, y, &b[0], &b[1], &b[2]);
            bad += memcmp(a, b, sizeof(a)) != 0;
        }
    CHECK_MSG(bad == 0, "%s -> %s %dx%d: %d pixels differ", src.t.tf->name, dst.t.tf->name, w, h,
              bad);
    tb_free(&src);
    tb_free(&dst);
}

static void test_spot_checks(void) {
    VTPixelTransferSessionRef s = NULL;
    CHECK_STATUS(VTPixelTransferSessionCreate(NULL, &s), noErr);
    if (!s)
        return;
    static const int sizes[][2] = {{1, 1}, {2, 2}, {3, 5}, {33, 17}, {64, 36}};
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        int w = sizes[i][0], h = sizes[i][1];
        spot_yuv_to_rgb(s, kCVPixelFormatType_420YpCbCr8Planar, kCVPixelFormatType_32BGRA, 6, w, h);
        spot_yuv_to_rgb(s, kCVPixelFormatType_420YpCbCr8BiPlanarFullRange,
                        kCVPixelFormatType_32RGBA, 9, w, h);
        spot_yuv_to_rgb(s, kCVPixelFormatType_420YpCbCr10BiPlanarVideoRange,
                        kCVPixelFormatType_32BGRA, 9, w, h);
        spot_yuv_to_rgb(s, kCVPixelFormatType_422YpCbCr8, kCVPixelFormatType_32ARGB, 1, w, h);
        spot_rgb_to_yuv(s, kCVPixelFormatType_32BGRA,
                        kCVPixelFormatType_420YpCbCr8BiPlanarVideoRange, 1, 0, w, h);
        spot_rgb_to_yuv(s, kCVPixelFormatType_32BGRA,
                        kCVPixelFormatType_420YpCbCr8BiPlanarVideoRange, 1, 1, w, h);
        spot_rgb_to_yuv(s, kCVPixelFormatType_32ABGR, kCVPixelFormatType_420YpCbCr8PlanarFullRange,
                        6, 1, w, h);
        spot_exact(s, kCVPixelFormatType_420YpCbCr8Planar,
                   kCVPixelFormatType_420YpCbCr8BiPlanarVideoRange, w, h);
        spot_exact(s, kCVPixelFormatType_420YpCbCr8BiPlanarVideoRange,
                   kCVPixelFormatType_420YpCbCr8Planar, w, h);
        spot_exact(s, kCVPixelFormatType_422YpCbCr8_yuvs, kCVPixelFormatType_422YpCbCr8, w, h);
    }
    VTPixelTransferSessionInvalidate(s);
    CFRelease(s);
}

/* ---- plain copy ------------------------------------------------------ */

static int plan_is_copy(VTPixelTransferSessionRef s) {
    char buf[256];
    if (!vt_transfer_session_copy_last_plan(s, buf, sizeof(buf)))
        return 0;
    const char *steps = strchr(buf, ':');
    if (!steps)
        return 0;
    /* "...: copy; copy plane; copy plane" */
    for (const char *p = steps + 1; *p;) {
        while (*p == ' ' || *p == ';')
            p++;
        if (!*p)
            break;
        if (strncmp(p, "copy", 4) != 0) {
            fprintf(stderr, "plan: %s\n", buf);
            return 0;
        }
        p = strchr(p, ';');
        if (!p)
            break;
    }
    return 1;
}

static void test_plain_copy(void) {
    static const OSType fmts[] = {
        kCVPixelFormatType_420YpCbCr8Planar, kCVPixelFormatType_420YpCbCr8BiPlanarFullRange,
        kCVPixelFormatType_32BGRA,           kCVPixelFormatType_420YpCbCr10BiPlanarVideoRange,
        kCVPixelFormatType_422YpCbCr8,       kCVPixelFormatType_OneComponent8,
    };
    VTPixelTransferSessionRef s = NULL;
    CHECK_STATUS(VTPixelTransferSessionCreate(NULL, &s), noErr);
    if (!s)
        return;
    for (size_t i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++) {
        TBuf src, dst;
        if (!tb_alloc(&src, fmts[i], 37, 21, 3) || !tb_alloc(&dst, fmts[i], 37, 21, 12))
            continue;
        t_fill_random(&src.t, 5u + (uint32_t)i);
        CHECK_STATUS(VTPixelTransferSessionTransferImage(s, src.pb, dst.pb), noErr);
        CHECK_MSG(samples_equal(&src, &dst), "%s copy differs", src.t.tf->name);
        CHECK_MSG(plan_is_copy(s), "%s: not a plain copy", src.t.tf->name);
        tb_free(&src);
        tb_free(&dst);
    }
    /* A matrix change is not a plain copy. */
    TBuf a, b;
    if (tb_alloc(&a, kCVPixelFormatType_420YpCbCr8Planar, 16, 16, 0) &&
        tb_alloc(&b, kCVPixelFormatType_420YpCbCr8Planar, 16, 16, 0)) {
        t_fill_random(&a.t, 3);
        tag_matrix(a.pb, 6);
        tag_matrix(b.pb, 1);
        CHECK_STATUS(VTPixelTransferSessionTransferImage(s, a.pb, b.pb), noErr);
        CHECK(!plan_is_copy(s));
        CHECK(!samples_equal(&a, &b));
    }
    tb_free(&a);
    tb_free(&b);
    VTPixelTransferSessionInvalidate(s);
    CFRelease(s);
}

/* ---- thread count ------------------------------------------------------ */

static int bytes_equal(const TBuf *a, const TBuf *b) {
    for (int p = 0; p < a->t.nplanes; p++) {
        size_t row = (size_t)a->t.pw[p] * (size_t)a->t.bpe[p];
        for (int y = 0; y < a->t.ph[p]; y++)
            if (memcmp(t_row(&a->t, p, y), t_row(&b->t, p, y), row))
                return 0;
    }
    return 1;
}

static void threads_case(OSType sfmt, int sw, int sh, OSType dfmt, int dw, int dh, int average) {
    static const int counts[] = {2, 3, 4, 0};
    TBuf src, ref;
    if (!tb_alloc(&src, sfmt, sw, sh, 1) || !tb_alloc(&ref, dfmt, dw, dh, 0))
        return;
    t_fill_random(&src.t, 42u);
    VTPixelTransferSessionRef s = NULL;
    CHECK_STATUS(VTPixelTransferSessionCreate(NULL, &s), noErr);
    if (average)
        VTSessionSetProperty(s, kVTPixelTransferPropertyKey_DownsamplingMode,
                             kVTDownsamplingMode_Average);
    CHECK_STATUS(tt_set_int(s, kVTCorePixelTransferPropertyKey_ThreadCount, 1), noErr);
    CHECK_STATUS(VTPixelTransferSessionTransferImage(s, src.pb, ref.pb), noErr);
    for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
        TBuf out;
        if (!tb_alloc(&out, dfmt, dw, dh, 2))
            continue;
        tb_memset(&out, 0x5A);
        CHECK_STATUS(tt_set_int(s, kVTCorePixelTransferPropertyKey_ThreadCount, counts[i]), noErr);
        CHECK_STATUS(VTPixelTransferSessionTransferImage(s, src.pb, out.pb), noErr);
        CHECK_MSG(bytes_equal(&ref, &out), "%s %dx%d -> %s %dx%d: %d threads differ",
                  src.t.tf->name, sw, sh, ref.t.tf->name, dw, dh, counts[i]);
        tb_free(&out);
    }
    VTPixelTransferSessionInvalidate(s);
    CFRelease(s);
    tb_free(&src);
    tb_free(&ref);
}

static void test_threads(void) {
    threads_case(kCVPixelFormatType_420YpCbCr8Planar, 1921, 1081, kCVPixelFormatType_32BGRA, 1280,
                 720, 0);
    threads_case(kCVPixelFormatType_32BGRA, 1920, 1080,
                 kCVPixelFormatType_420YpCbCr8BiPlanarVideoRange, 1920, 1080, 1);
    threads_case(kCVPixelFormatType_420YpCbCr8BiPlanarVideoRange, 1920, 1080,
                 kCVPixelFormatType_420YpCbCr8Planar, 1280, 720, 1);
    threads_case(kCVPixelFormatType_422YpCbCr8_yuvs, 1279, 723,
                 kVTCorePixelFormatType_444YpCbCr8Planar, 1279, 723, 0);
    threads_case(kCVPixelFormatType_420YpCbCr10BiPlanarVideoRange, 1280, 720,
                 kCVPixelFormatType_420YpCbCr8BiPlanarFullRange, 1920, 1080, 0);
}

int main(void) {
    test_every_pair();
    test_spot_checks();
    test_plain_copy();
    test_threads();
    return vt_test_result();
}
