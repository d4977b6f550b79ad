/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Every pair of pixel formats the transfer supports, converted at the same
 * size and compared pixel by pixel with a model computed here in floating
 * point (convert_test_util.h), for BT.601 / BT.709 / BT.2020, video and full
 * range, both chroma downsampling modes, odd and tiny sizes, unaligned
 * strides and guard pages after the last row.
 *
 * The model:
 *   YCbCr -> RGB: chroma of a pixel is the sample covering it (nearest);
 *     exact matrix maths, rounded and clamped. Tolerance 2.
 *   RGB -> YCbCr: Y per pixel; chroma from the co-sited top-left pixel
 *     (Decimate) or the mean RGB of the block's pixels inside the image
 *     (Average). Tolerance 2 (8 for 10-bit samples, which come from 8-bit
 *     RGB through an 8-bit intermediate: 2 LSB of 8 bits).
 *   YCbCr -> YCbCr, same matrix: re-quantisation between ranges / depths;
 *     chroma decimated / averaged (rounded mean) / replicated between
 *     subsamplings. Exact when the range stays (pure repacking such as
 *     NV12 <-> I420, UYVY <-> I422, and 8 <-> 10 bit); tolerance 1 (4 for
 *     10-bit destinations) across ranges.
 *   YCbCr -> YCbCr with a different matrix: through rounded RGB. Tolerance 3.
 *   RGB -> RGB: exact, alpha kept where both have it (255 otherwise).
 */
#include <stdio.h>

#include "convert_test_util.h"
#include "vt_test.h"

typedef struct Model {
    int ms, md;  /* matrices */
    int average; /* Average downsampling */
} Model;

/* Per-pixel source value: R, G, B (0..255) or Y, Cb, Cr at the source depth. */
static void src_pixel(const TImage *s, int x, int y, double out[3]) {
    if (t_is_rgb(s->tf)) {
        int c[4];
        t_get_rgb(s, x, y, c);
        out[0] = c[0];
        out[1] = c[1];
        out[2] = c[2];
    } else {
        int Y, U, V;
        t_get_yuv(s, x, y, &Y, &U, &V);
        if (t_is_gray(s->tf))
            U = V = 1 << (t_bits(s->tf) - 1);
        out[0] = Y;
        out[1] = U;
        out[2] = V;
    }
}

/* Source pixel as RGB (rounded and clamped when it comes from YCbCr). */
static void src_rgb(const TImage *s, const Model *m, int x, int y, double rgb[3]) {
    double v[3];
    src_pixel(s, x, y, v);
    if (t_is_rgb(s->tf)) {
        memcpy(rgb, v, sizeof(v));
        return;
    }
    t_ref_yuv_to_rgb((int)v[0], (int)v[1], (int)v[2], t_bits(s->tf), s->full, m->ms, rgb);
    for (int c = 0; c < 3; c++)
        rgb[c] = t_clampi(rgb[c], 255);
}

static const char *const comp_names[4] = {"R", "G", "B", "A"};

static int report(int *bad, const char *label, const char *what, int x, int y, double want,
                  int got) {
    if ((*bad)++ < 4)
        fprintf(stderr, "  %s: %s at (%d,%d): want %.2f got %d\n", label, what, x, y, want, got);
    return 0;
}

/* Checks dst against the model; returns the number of bad samples. */
static int check(const TImage *s, const TImage *d, const Model *m, const char *label) {
    int w = d->im.width, h = d->im.height, bad = 0;
    const TFormat *sf = s->tf, *df = d->tf;
    int db = t_bits(df), dmax = (1 << db) - 1, sb = t_bits(sf);
    int matrix_change = t_is_yuv(sf) && t_is_yuv(df) && m->ms != m->md;

    if (t_is_rgb(df)) {
        int tol = t_is_rgb(sf) ? 0 : 2;
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                double want[4];
                int got[4];
                if (t_is_rgb(sf)) {
                    int c[4];
                    t_get_rgb(s, x, y, c);
                    for (int k = 0; k < 4; k++)
                        want[k] = c[k];
                    if (df->kind == TK_RGB32 && sf->kind != TK_RGB32)
                        want[3] = 255;
                } else {
                    double v[3];
                    src_pixel(s, x, y, v);
                    t_ref_yuv_to_rgb((int)v[0], (int)v[1], (int)v[2], sb, s->full, m->ms, want);
                    for (int k = 0; k < 3; k++)
                        want[k] = t_clampi(want[k], 255);
                    want[3] = 255;
                }
                t_get_rgb(d, x, y, got);
                for (int k = 0; k < (df->kind == TK_RGB32 ? 4 : 3); k++)
                    if (fabs(want[k] - got[k]) > (k == 3 ? 0 : tol))
                        report(&bad, label, comp_names[k], x, y, want[k], got[k]);
            }
        return bad;
    }

    /* luma */
    double ytol;
    if (t_is_rgb(sf))
        ytol = db == 10 ? 8 : 2;
    else if (matrix_change)
        ytol = db == 10 ? 12 : 3;
    else if (s->full == d->full)
        ytol = 0; /* repacking, depth change or chroma resampling only: exact */
    else
        ytol = db == 10 ? 4 : 1;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            double want;
            if (t_is_rgb(sf) || matrix_change) {
                double rgb[3], yuv[3];
                src_rgb(s, m, x, y, rgb);
                t_ref_rgb_to_yuv(rgb[0], rgb[1], rgb[2], db, d->full, m->md, yuv);
                want = t_clampi(yuv[0], dmax);
            } else {
                double v[3];
                src_pixel(s, x, y, v);
                want = t_clampi(t_requant(v[0], 0, s->full, sb, d->full, db), dmax);
            }
            int Y, U, V;
            t_get_yuv(d, x, y, &Y, &U, &V);
            if (fabs(want - Y) > ytol)
                report(&bad, label, "Y", x, y, want, Y);
        }
    if (t_is_gray(df))
        return bad;

    /* chroma: one check per destination chroma sample */
    double ctol = ytol;
    /* 8-bit chroma averaged (rounded to 8 bits) before widening to 10 bits */
    if (ctol == 0 && db == 10 && sb == 8 && m->average)
        ctol = 2;
    int bw = 1 << df->sx, bh = 1 << df->sy;
    for (int cy = 0; cy * bh < h; cy++)
        for (int cx = 0; cx * bw < w; cx++) {
            int x0 = cx * bw, y0 = cy * bh;
            int x1 = x0 + bw < w ? x0 + bw : w, y1 = y0 + bh < h ? y0 + bh : h;
            if (!m->average) {
                x1 = x0 + 1;
                y1 = y0 + 1;
            }
            double wu, wv;
            if (t_is_gray(sf)) {
                wu = wv = 1 << (db - 1);
            } else if (t_is_rgb(sf) || matrix_change) {
                double acc[3] = {0, 0, 0}, yuv[3];
                int n = 0;
                for (int y = y0; y < y1; y++)
                    for (int x = x0; x < x1; x++) {
                        double rgb[3];
                        src_rgb(s, m, x, y, rgb);
                        for (int k = 0; k < 3; k++)
                            acc[k] += rgb[k];
                        n++;
                    }
                t_ref_rgb_to_yuv(acc[0] / n, acc[1] / n, acc[2] / n, db, d->full, m->md, yuv);
                wu = t_clampi(yuv[1], dmax);
                wv = t_clampi(yuv[2], dmax);
            } else {
                /* Same matrix: a coarser source chroma is replicated, a finer one
                 * decimated / averaged over the destination block. */
                double au = 0, av = 0;
                int n = 0;
                int dec_x1 = x1, dec_y1 = y1;
                if (!m->average || (sf->sx >= df->sx && sf->sy >= df->sy)) {
                    dec_x1 = x0 + 1;
                    dec_y1 = y0 + 1;
                }
                for (int y = y0; y < dec_y1; y++)
                    for (int x = x0; x < dec_x1; x++) {
                        double v[3];
                        src_pixel(s, x, y, v);
                        au += v[1];
                        av += v[2];
                        n++;
                    }
                wu = t_clampi(t_requant(au / n, 1, s->full, sb, d->full, db), dmax);
                wv = t_clampi(t_requant(av / n, 1, s->full, sb, d->full, db), dmax);
            }
            int Y, U, V;
            t_get_yuv(d, x0, y0, &Y, &U, &V);
            if (fabs(wu - U) > ctol)
                report(&bad, label, "Cb", x0, y0, wu, U);
            if (fabs(wv - V) > ctol)
                report(&bad, label, "Cr", x0, y0, wv, V);
        }
    return bad;
}

static int run_pair(const TFormat *sf, const TFormat *df, int w, int h, int pad, const Model *m,
                    int threads, uint32_t seed) {
    TImage s, d;
    char label[160];
    VTConvertOptions o;
    int bad = 0;
    snprintf(label, sizeof(label), "%s -> %s %dx%d m%d->%d %s", sf->name, df->name, w, h, m->ms,
             m->md, m->average ? "avg" : "dec");
    if (!t_image_alloc(&s, sf->fourcc, w, h, pad) || !t_image_alloc(&d, df->fourcc, w, h, pad)) {
        CHECK_MSG(0, "%s: allocation", label);
        return 1;
    }
    t_fill_random(&s, seed);
    vt_convert_options_init(&o);
    o.src_matrix = m->ms;
    o.dst_matrix = m->md;
    o.downsampling = m->average ? VT_DOWNSAMPLE_AVERAGE : VT_DOWNSAMPLE_DECIMATE;
    o.n_threads = threads;
    OSStatus st = vt_convert_image(&s.im, &d.im, &o);
    CHECK_MSG(st == 0, "%s: status %d", label, (int)st);
    if (st == 0) {
        bad = check(&s, &d, m, label);
        CHECK_MSG(bad == 0, "%s: %d samples out of tolerance", label, bad);
        if (df->kind == TK_P010)
            CHECK_MSG(t_p010_low_bits_clear(&d), "%s: P010 low bits set", label);
    }
    t_image_free(&s);
    t_image_free(&d);
    return bad;
}

/* All pairs at one size. */
static void all_pairs(int w, int h, int pad, const Model *m, uint32_t seed) {
    for (int i = 0; i < T_NFORMATS; i++)
        for (int j = 0; j < T_NFORMATS; j++)
            run_pair(&t_formats[i], &t_formats[j], w, h, pad, m, 1, seed + (uint32_t)(i * 97 + j));
}

/* Exhaustive-ish YCbCr -> RGB: every (Cb, Cr) with Y in steps, through
 * every RGB byte order and the 4:4:4 paths. */
static void sweep_yuv_to_rgb(void) {
    static const OSType srcs[] = {kVTCorePixelFormatType_444YpCbCr8Planar,
                                  kVTCorePixelFormatType_444YpCbCr8PlanarFullRange,
                                  kCVPixelFormatType_444YpCbCr8BiPlanarVideoRange,
                                  kCVPixelFormatType_444YpCbCr8BiPlanarFullRange};
    static const OSType dsts[] = {kCVPixelFormatType_32BGRA, kCVPixelFormatType_32RGBA,
                                  kCVPixelFormatType_32ARGB, kCVPixelFormatType_32ABGR};
    static const int matrices[] = {6, 1, 9};
    for (unsigned si = 0; si < 4; si++)
        for (unsigned di = 0; di < 4; di++)
            for (unsigned mi = 0; mi < 3; mi++) {
                TImage s, d;
                const TFormat *sf = t_format(srcs[si]), *df = t_format(dsts[di]);
                if (!t_image_alloc(&s, sf->fourcc, 256, 256, 0) ||
                    !t_image_alloc(&d, df->fourcc, 256, 256, 0)) {
                    CHECK(0);
                    continue;
                }
                VTConvertOptions o;
                VTConvertPlan *plan = NULL;
                vt_convert_options_init(&o);
                o.src_matrix = matrices[mi];
                CHECK_STATUS(vt_convert_plan_create(&s.im, &d.im, &o, &plan), 0);
                int maxerr = 0;
                for (int Y = 0; Y < 256 && plan; Y += 15) {
                    for (int y = 0; y < 256; y++)
                        for (int x = 0; x < 256; x++)
                            t_set_yuv(&s, x, y, Y, x, y);
                    CHECK_STATUS(vt_convert_plan_run(plan, &s.im, &d.im), 0);
                    for (int y = 0; y < 256; y++)
                        for (int x = 0; x < 256; x++) {
                            double want[3];
                            int got[4];
                            t_ref_yuv_to_rgb(Y, x, y, 8, s.full, matrices[mi], want);
                            t_get_rgb(&d, x, y, got);
                            for (int k = 0; k < 3; k++) {
                                int e = abs(t_clampi(want[k], 255) - got[k]);
                                if (e > maxerr)
                                    maxerr = e;
                            }
                            if (got[3] != 255)
                                maxerr = 999;
                        }
                }
                CHECK_MSG(maxerr <= 2, "sweep %s -> %s matrix %d: max error %d", sf->name, df->name,
                          matrices[mi], maxerr);
                vt_convert_plan_destroy(plan);
                t_image_free(&s);
                t_image_free(&d);
            }
}

/* Exhaustive-ish RGB -> YCbCr: R and G over the image, B in steps, both
 * downsampling modes, planar / semi-planar / grey destinations. */
static void sweep_rgb_to_yuv(void) {
    static const OSType dsts[] = {
        kCVPixelFormatType_420YpCbCr8Planar, kCVPixelFormatType_420YpCbCr8BiPlanarFullRange,
        kVTCorePixelFormatType_444YpCbCr8Planar, kCVPixelFormatType_OneComponent8};
    static const int matrices[] = {6, 1, 9};
    for (unsigned di = 0; di < 4; di++)
        for (unsigned mi = 0; mi < 3; mi++)
            for (int avg = 0; avg < 2; avg++) {
                TImage s, d;
                const TFormat *df = t_format(dsts[di]);
                if (!t_image_alloc(&s, kCVPixelFormatType_32BGRA, 256, 256, 0) ||
                    !t_image_alloc(&d, df->fourcc, 256, 256, 0)) {
                    CHECK(0);
                    continue;
                }
                Model m = {matrices[mi], matrices[mi], avg};
                char label[96];
                snprintf(label, sizeof(label), "sweep BGRA -> %s m%d %s", df->name, m.md,
                         avg ? "avg" : "dec");
                for (int b = 0; b < 256; b += 51) {
                    for (int y = 0; y < 256; y++)
                        for (int x = 0; x < 256; x++)
                            t_set_rgb(&s, x, y, x, y, (b + x * 7 + y * 3) & 255, 255);
                    VTConvertOptions o;
                    vt_convert_options_init(&o);
                    o.dst_matrix = m.md;
                    o.downsampling = avg ? VT_DOWNSAMPLE_AVERAGE : VT_DOWNSAMPLE_DECIMATE;
                    CHECK_STATUS(vt_convert_image(&s.im, &d.im, &o), 0);
                    int bad = check(&s, &d, &m, label);
                    CHECK_MSG(bad == 0, "%s: %d bad samples", label, bad);
                }
                t_image_free(&s);
                t_image_free(&d);
            }
}

/* I420 -> BGRA -> I420 gives the I420 back (within 2) for every matrix and
 * range, when the I420 holds colours RGB can represent (made here from RGB
 * that is constant over each 2x2 block). */
static void round_trip(void) {
    static const OSType yuv[] = {kCVPixelFormatType_420YpCbCr8Planar,
                                 kCVPixelFormatType_420YpCbCr8PlanarFullRange,
                                 kCVPixelFormatType_420YpCbCr8BiPlanarVideoRange};
    static const int matrices[] = {6, 1, 9};
    for (unsigned fi = 0; fi < 3; fi++)
        for (unsigned mi = 0; mi < 3; mi++)
            for (int avg = 0; avg < 2; avg++) {
                TImage rgb, a, mid, b;
                int w = 65, h = 37;
                if (!t_image_alloc(&rgb, kCVPixelFormatType_32BGRA, w, h, 0) ||
                    !t_image_alloc(&a, yuv[fi], w, h, 13) ||
                    !t_image_alloc(&mid, kCVPixelFormatType_32BGRA, w, h, 13) ||
                    !t_image_alloc(&b, yuv[fi], w, h, 0)) {
                    CHECK(0);
                    return;
                }
                uint32_t seed = 99 + fi * 10 + mi;
                for (int y = 0; y < h; y += 2)
                    for (int x = 0; x < w; x += 2) {
                        int r = t_rand(&seed) & 255, g = t_rand(&seed) & 255,
                            bl = t_rand(&seed) & 255;
                        for (int dy = 0; dy < 2 && y + dy < h; dy++)
                            for (int dx = 0; dx < 2 && x + dx < w; dx++)
                                t_set_rgb(&rgb, x + dx, y + dy, r, g, bl, 255);
                    }
                VTConvertOptions o;
                vt_convert_options_init(&o);
                o.src_matrix = o.dst_matrix = matrices[mi];
                o.downsampling = avg ? VT_DOWNSAMPLE_AVERAGE : VT_DOWNSAMPLE_DECIMATE;
                CHECK_STATUS(vt_convert_image(&rgb.im, &a.im, &o), 0);
                CHECK_STATUS(vt_convert_image(&a.im, &mid.im, &o), 0);
                CHECK_STATUS(vt_convert_image(&mid.im, &b.im, &o), 0);
                int maxe = 0;
                for (int y = 0; y < h; y++)
                    for (int x = 0; x < w; x++) {
                        int p[3], q[3];
                        t_get_yuv(&a, x, y, &p[0], &p[1], &p[2]);
                        t_get_yuv(&b, x, y, &q[0], &q[1], &q[2]);
                        for (int k = 0; k < 3; k++)
                            if (abs(p[k] - q[k]) > maxe)
                                maxe = abs(p[k] - q[k]);
                    }
                CHECK_MSG(maxe <= 2, "round trip %s matrix %d %s: max error %d",
                          t_format(yuv[fi])->name, matrices[mi], avg ? "avg" : "dec", maxe);
                t_image_free(&rgb);
                t_image_free(&a);
                t_image_free(&mid);
                t_image_free(&b);
            }
}

int main(void) {
    static const Model models[] = {
        {6, 6, 0}, {6, 6, 1}, {1, 1, 0}, {1, 1, 1}, {9, 9, 0}, {9, 9, 1}, {6, 1, 1}, {9, 6, 0},
    };
    /* All pairs, odd size, unaligned strides, every matrix / mode. */
    for (unsigned i = 0; i < sizeof(models) / sizeof(models[0]); i++)
        all_pairs(33, 17, 13, &models[i], 1000 + i);
    /* Tiny and even sizes. */
    all_pairs(1, 1, 0, &models[2], 7);
    all_pairs(2, 2, 3, &models[3], 8);
    all_pairs(7, 5, 1, &models[0], 9);
    all_pairs(6, 4, 0, &models[5], 10);

    /* A few at 1080p. */
    static const OSType hd[][2] = {
        {kCVPixelFormatType_420YpCbCr8BiPlanarVideoRange, kCVPixelFormatType_32BGRA},
        {kCVPixelFormatType_420YpCbCr8Planar, kCVPixelFormatType_32BGRA},
        {kCVPixelFormatType_32BGRA, kCVPixelFormatType_420YpCbCr8Planar},
        {kCVPixelFormatType_32BGRA, kCVPixelFormatType_420YpCbCr8BiPlanarVideoRange},
        {kCVPixelFormatType_420YpCbCr10BiPlanarVideoRange, kCVPixelFormatType_32BGRA},
    };
    for (unsigned i = 0; i < sizeof(hd) / sizeof(hd[0]); i++) {
        Model m = {1, 1, (int)(i & 1)};
        run_pair(t_format(hd[i][0]), t_format(hd[i][1]), 1920, 1080, 0, &m, 2, 42 + i);
    }

    sweep_yuv_to_rgb();
    sweep_rgb_to_yuv();
    round_trip();
    return vt_test_result();
}
