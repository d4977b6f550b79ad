/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Scaling: every format pair scaled down and up (odd sizes, 1x1, 2x2) with
 * every filter; a constant-colour source must give a constant destination
 * equal (within 2) to the same conversion without scaling. I420 and BGRA
 * scaling must equal libyuv's I420Scale / ARGBScale byte for byte (the plan
 * adds no error of its own) except where vtcore replaces libyuv's truncating
 * box filter: there the output must equal an exactly rounded area average.
 * A gradient scaled up stays monotonic.
 */
#include <stdio.h>

#include "config.h"
#include "convert_test_util.h"
#include "vt_test.h"

#if HAVE_LIBYUV
#include <libyuv/scale.h>
#include <libyuv/scale_argb.h>
#endif

/* A colour inside every gamut, as the source format's samples. */
static void fill_constant(TImage *t, int matrix) {
    double yuv[3];
    int bits = t_bits(t->tf), max = (1 << bits) - 1;
    t_ref_rgb_to_yuv(180, 90, 40, bits, t->full, matrix, yuv);
    for (int y = 0; y < t->im.height; y++)
        for (int x = 0; x < t->im.width; x++) {
            if (t_is_rgb(t->tf))
                t_set_rgb(t, x, y, 180, 90, 40, 200);
            else
                t_set_yuv(t, x, y, t_clampi(yuv[0], max), t_clampi(yuv[1], max),
                          t_clampi(yuv[2], max));
        }
}

static void sample(const TImage *t, int x, int y, int v[4]) {
    if (t_is_rgb(t->tf)) {
        t_get_rgb(t, x, y, v);
    } else {
        t_get_yuv(t, x, y, &v[0], &v[1], &v[2]);
        v[3] = 0;
    }
}

/* Converts a constant image sw x sh -> dw x dh and checks every output
 * pixel against the unscaled conversion. Returns the number of bad pixels. */
static int constant_case(const TFormat *sf, const TFormat *df, int sw, int sh, int dw, int dh,
                         VTScaleFilter filter, int average) {
    TImage s, d, ref, s1;
    char label[128];
    int bad = 0;
    snprintf(label, sizeof(label), "%s %dx%d -> %s %dx%d filter %d %s", sf->name, sw, sh, df->name,
             dw, dh, (int)filter, average ? "avg" : "dec");
    if (!t_image_alloc(&s, sf->fourcc, sw, sh, 5) || !t_image_alloc(&d, df->fourcc, dw, dh, 3) ||
        !t_image_alloc(&s1, sf->fourcc, 2, 2, 0) || !t_image_alloc(&ref, df->fourcc, 2, 2, 0)) {
        CHECK_MSG(0, "%s: allocation", label);
        return 1;
    }
    fill_constant(&s, 1);
    fill_constant(&s1, 1);
    VTConvertOptions o;
    vt_convert_options_init(&o);
    o.src_matrix = o.dst_matrix = VT_MATRIX_BT709;
    o.filter = filter;
    o.downsampling = average ? VT_DOWNSAMPLE_AVERAGE : VT_DOWNSAMPLE_DECIMATE;
    CHECK_STATUS(vt_convert_image(&s1.im, &ref.im, &o), 0);
    OSStatus st = vt_convert_image(&s.im, &d.im, &o);
    CHECK_MSG(st == 0, "%s: status %d", label, (int)st);
    if (st == 0) {
        int want[4], got[4], tol = t_bits(df) == 10 ? 8 : 2;
        sample(&ref, 0, 0, want);
        for (int y = 0; y < dh; y++)
            for (int x = 0; x < dw; x++) {
                sample(&d, x, y, got);
                for (int k = 0; k < 4; k++)
                    if (abs(got[k] - want[k]) > tol) {
                        if (bad++ < 3)
                            fprintf(stderr, "  %s: (%d,%d)[%d] = %d, want %d\n", label, x, y, k,
                                    got[k], want[k]);
                        break;
                    }
            }
        CHECK_MSG(bad == 0, "%s: %d pixels not constant", label, bad);
        if (df->kind == TK_P010)
            CHECK_MSG(t_p010_low_bits_clear(&d), "%s: P010 low bits", label);
    }
    t_image_free(&s);
    t_image_free(&d);
    t_image_free(&s1);
    t_image_free(&ref);
    return bad;
}

static void constant_all_pairs(void) {
    for (int i = 0; i < T_NFORMATS; i++)
        for (int j = 0; j < T_NFORMATS; j++) {
            const TFormat *sf = &t_formats[i], *df = &t_formats[j];
            constant_case(sf, df, 33, 17, 20, 11, VT_SCALE_FILTER_AUTO, 1);
            constant_case(sf, df, 20, 11, 33, 17, VT_SCALE_FILTER_AUTO, 0);
            constant_case(sf, df, 17, 9, 18, 8, VT_SCALE_FILTER_AUTO, 1); /* mixed */
        }
}

static void constant_tiny_and_filters(void) {
    static const OSType fmts[] = {kCVPixelFormatType_420YpCbCr8BiPlanarVideoRange,
                                  kCVPixelFormatType_420YpCbCr8Planar,
                                  kCVPixelFormatType_32BGRA,
                                  kCVPixelFormatType_422YpCbCr8,
                                  kCVPixelFormatType_420YpCbCr10BiPlanarFullRange,
                                  kVTCorePixelFormatType_444YpCbCr8Planar,
                                  kCVPixelFormatType_24RGB,
                                  kCVPixelFormatType_OneComponent8};
    static const int sizes[][4] = {{1, 1, 7, 5}, {7, 5, 1, 1}, {2, 2, 1, 1},
                                   {1, 1, 2, 2}, {3, 1, 1, 3}, {64, 2, 3, 40}};
    static const VTScaleFilter filters[] = {VT_SCALE_FILTER_AUTO, VT_SCALE_FILTER_POINT,
                                            VT_SCALE_FILTER_BILINEAR, VT_SCALE_FILTER_BOX};
    int n = (int)(sizeof(fmts) / sizeof(fmts[0]));
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++)
            for (unsigned s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++)
                for (unsigned f = 0; f < 4; f++)
                    constant_case(t_format(fmts[i]), t_format(fmts[j]), sizes[s][0], sizes[s][1],
                                  sizes[s][2], sizes[s][3], filters[f], (int)(f & 1));
}

/* Area average over the integer source block of each destination pixel,
 * rounded half up: what an exact box filter computes. */
static void box_reference(const uint8_t *src, int ss, int sw, int sh, uint8_t *dst, int ds, int dw,
                          int dh, int ch) {
    for (int y = 0; y < dh; y++) {
        int y0 = (int)((long long)y * sh / dh), y1 = (int)((long long)(y + 1) * sh / dh);
        for (int x = 0; x < dw; x++) {
            int x0 = (int)((long long)x * sw / dw), x1 = (int)((long long)(x + 1) * sw / dw);
            for (int c = 0; c < ch; c++) {
                double sum = 0;
                for (int yy = y0; yy < y1; yy++)
                    for (int xx = x0; xx < x1; xx++)
                        sum += src[(ptrdiff_t)yy * ss + xx * ch + c];
                dst[(ptrdiff_t)y * ds + x * ch + c] =
                    (uint8_t)floor(sum / ((y1 - y0) * (x1 - x0)) + 0.5);
            }
        }
    }
}

static void box_exact(void) {
    static const int sizes[][4] = {{640, 360, 100, 50}, {640, 360, 321, 179}, {33, 17, 5, 3},
                                   {1920, 1080, 1, 1},  {7, 100, 7, 9},       {255, 3, 2, 1}};
    for (unsigned si = 0; si < sizeof(sizes) / sizeof(sizes[0]); si++) {
        const int *z = sizes[si];
        TImage s, d, sb, db;
        if (!t_image_alloc(&s, kCVPixelFormatType_OneComponent8, z[0], z[1], 3) ||
            !t_image_alloc(&d, kCVPixelFormatType_OneComponent8, z[2], z[3], 1) ||
            !t_image_alloc(&sb, kCVPixelFormatType_32BGRA, z[0], z[1], 0) ||
            !t_image_alloc(&db, kCVPixelFormatType_32BGRA, z[2], z[3], 0)) {
            CHECK(0);
            return;
        }
        t_fill_random(&s, 77 + si);
        t_fill_random(&sb, 78 + si);
        uint8_t *r = malloc((size_t)z[2] * z[3] * 4), *rb = malloc((size_t)z[2] * z[3] * 4);
        box_reference(s.im.data[0], s.im.stride[0], z[0], z[1], r, z[2], z[2], z[3], 1);
        box_reference(sb.im.data[0], sb.im.stride[0], z[0], z[1], rb, z[2] * 4, z[2], z[3], 4);
        for (int threads = 1; threads <= 4; threads += 3) {
            VTConvertOptions o;
            vt_convert_options_init(&o);
            o.filter = VT_SCALE_FILTER_BOX;
            o.n_threads = threads;
            CHECK_STATUS(vt_convert_image(&s.im, &d.im, &o), 0);
            CHECK_STATUS(vt_convert_image(&sb.im, &db.im, &o), 0);
            int diff = 0, diffb = 0;
            for (int y = 0; y < z[3]; y++) {
                diff += memcmp(t_row(&d, 0, y), r + (size_t)y * z[2], (size_t)z[2]) != 0;
                diffb += memcmp(t_row(&db, 0, y), rb + (size_t)y * z[2] * 4, (size_t)z[2] * 4) != 0;
            }
            CHECK_MSG(diff == 0 && diffb == 0,
                      "box %dx%d -> %dx%d threads %d: %d grey rows, %d BGRA rows differ from the "
                      "area average",
                      z[0], z[1], z[2], z[3], threads, diff, diffb);
        }
        free(r);
        free(rb);
        t_image_free(&s);
        t_image_free(&d);
        t_image_free(&sb);
        t_image_free(&db);
    }
}

#if HAVE_LIBYUV
/* libyuv turns box into bilinear unless an axis shrinks below 1/2; below
 * that vtcore uses its own exact area average. */
static int own_box(int sw, int sh, int dw, int dh) {
    return dw <= sw && dh <= sh && (dw * 2 < sw || dh * 2 < sh);
}

static void equals_libyuv(void) {
    static const int sizes[][4] = {{1920, 1080, 1280, 720},
                                   {1280, 720, 1920, 1080},
                                   {33, 17, 20, 11},
                                   {101, 37, 640, 359},
                                   {640, 360, 321, 179}};
    static const struct {
        VTScaleFilter ours;
        enum FilterMode theirs;
    } filters[] = {{VT_SCALE_FILTER_POINT, kFilterNone},
                   {VT_SCALE_FILTER_BILINEAR, kFilterBilinear},
                   {VT_SCALE_FILTER_BOX, kFilterBox}};
    for (unsigned si = 0; si < sizeof(sizes) / sizeof(sizes[0]); si++)
        for (unsigned fi = 0; fi < 3; fi++)
            for (int threads = 1; threads <= 3; threads += 2) {
                const int *z = sizes[si];
                TImage s, d, r, sb, db, rb;
                if (filters[fi].ours == VT_SCALE_FILTER_BOX && own_box(z[0], z[1], z[2], z[3]))
                    continue; /* box_exact() checks these */
                if (!t_image_alloc(&s, kCVPixelFormatType_420YpCbCr8Planar, z[0], z[1], 7) ||
                    !t_image_alloc(&d, kCVPixelFormatType_420YpCbCr8Planar, z[2], z[3], 1) ||
                    !t_image_alloc(&r, kCVPixelFormatType_420YpCbCr8Planar, z[2], z[3], 1) ||
                    !t_image_alloc(&sb, kCVPixelFormatType_32BGRA, z[0], z[1], 4) ||
                    !t_image_alloc(&db, kCVPixelFormatType_32BGRA, z[2], z[3], 0) ||
                    !t_image_alloc(&rb, kCVPixelFormatType_32BGRA, z[2], z[3], 0)) {
                    CHECK(0);
                    return;
                }
                t_fill_random(&s, 5 + si);
                t_fill_random(&sb, 6 + si);
                VTConvertOptions o;
                vt_convert_options_init(&o);
                o.filter = filters[fi].ours;
                o.n_threads = threads;
                CHECK_STATUS(vt_convert_image(&s.im, &d.im, &o), 0);
                CHECK_STATUS(vt_convert_image(&sb.im, &db.im, &o), 0);
                I420Scale(s.im.data[0], s.im.stride[0], s.im.data[1], s.im.stride[1], s.im.data[2],
                          s.im.stride[2], z[0], z[1], r.im.data[0], r.im.stride[0], r.im.data[1],
                          r.im.stride[1], r.im.data[2], r.im.stride[2], z[2], z[3],
                          filters[fi].theirs);
                ARGBScale(sb.im.data[0], sb.im.stride[0], z[0], z[1], rb.im.data[0],
                          rb.im.stride[0], z[2], z[3], filters[fi].theirs);
                int diff = 0, diffb = 0;
                for (int p = 0; p < 3; p++)
                    for (int y = 0; y < d.ph[p]; y++)
                        diff += memcmp(t_row(&d, p, y), t_row(&r, p, y), (size_t)d.pw[p]) != 0;
                for (int y = 0; y < db.ph[0]; y++)
                    diffb += memcmp(t_row(&db, 0, y), t_row(&rb, 0, y), (size_t)db.pw[0] * 4) != 0;
                CHECK_MSG(diff == 0,
                          "I420 %dx%d -> %dx%d filter %d threads %d: %d rows differ "
                          "from I420Scale",
                          z[0], z[1], z[2], z[3], (int)filters[fi].ours, threads, diff);
                CHECK_MSG(diffb == 0,
                          "BGRA %dx%d -> %dx%d filter %d threads %d: %d rows differ "
                          "from ARGBScale",
                          z[0], z[1], z[2], z[3], (int)filters[fi].ours, threads, diffb);
                t_image_free(&s);
                t_image_free(&d);
                t_image_free(&r);
                t_image_free(&sb);
                t_image_free(&db);
                t_image_free(&rb);
            }
}
#endif

/* A horizontal luma ramp scaled up bilinearly stays non-decreasing and keeps
 * its end points; chroma stays put. */
static void gradient(void) {
    TImage s, d;
    if (!t_image_alloc(&s, kCVPixelFormatType_420YpCbCr8BiPlanarVideoRange, 64, 8, 0) ||
        !t_image_alloc(&d, kCVPixelFormatType_32BGRA, 301, 21, 0)) {
        CHECK(0);
        return;
    }
    for (int y = 0; y < 8; y++)
        for (int x = 0; x < 64; x++)
            t_set_yuv(&s, x, y, 16 + x * 3, 128, 128);
    VTConvertOptions o;
    vt_convert_options_init(&o);
    CHECK_STATUS(vt_convert_image(&s.im, &d.im, &o), 0);
    int ok = 1, rgba[4], prev;
    for (int y = 0; y < 21; y++) {
        prev = -1;
        for (int x = 0; x < 301; x++) {
            t_get_rgb(&d, x, y, rgba);
            if (rgba[0] < prev || rgba[0] != rgba[1] || rgba[1] != rgba[2])
                ok = 0;
            prev = rgba[0];
        }
    }
    CHECK_MSG(ok, "ramp not monotonic / not grey after scaling up");
    t_get_rgb(&d, 0, 0, rgba);
    CHECK(rgba[0] <= 1);
    t_get_rgb(&d, 300, 0, rgba);
    int last = t_clampi((16 + 63 * 3 - 16) * 255.0 / 219.0, 255);
    CHECK_MSG(rgba[0] <= last && rgba[0] >= last - 4, "right end %d, last sample %d", rgba[0],
              last);
    t_image_free(&s);
    t_image_free(&d);
}

int main(void) {
#if !HAVE_LIBYUV
    VT_TEST_SKIP("scaling needs libyuv (built without it)");
#endif
    constant_all_pairs();
    constant_tiny_and_filters();
#if HAVE_LIBYUV
    equals_libyuv();
#endif
    box_exact();
    gradient();
    return vt_test_result();
}
