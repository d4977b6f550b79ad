/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The geometry layer of the pixel transfer: rectangles for the four scaling
 * modes (with clean apertures and pixel aspect ratios), letterbox and trim
 * run end to end and checked pixel by pixel (black borders in every
 * destination format, content colour inside), black fills of odd
 * rectangles, and sub-images on the chroma grid.
 */
#include <stdio.h>

#include "config.h"
#include "convert_test_util.h"
#include "vt_test.h"

static int rect_eq(VTRect r, int x, int y, int w, int h) {
    return r.x == x && r.y == y && r.width == w && r.height == h;
}

#define CHECK_RECT(r, X, Y, W, H)                                                                 \
    CHECK_MSG(rect_eq(r, X, Y, W, H), "%s = {%d,%d,%d,%d}, want {%d,%d,%d,%d}", #r, (r).x, (r).y, \
              (r).width, (r).height, X, Y, W, H)

static VTGeometryRequest request(VTScalingMode mode, OSType sf, int sw, int sh, OSType df, int dw,
                                 int dh) {
    VTGeometryRequest q;
    memset(&q, 0, sizeof(q));
    q.mode = mode;
    q.src_fmt = vt_pixel_format_lookup(sf);
    q.dst_fmt = vt_pixel_format_lookup(df);
    q.src_width = sw;
    q.src_height = sh;
    q.dst_width = dw;
    q.dst_height = dh;
    return q;
}

static void geometry_rects(void) {
    const OSType I420 = kCVPixelFormatType_420YpCbCr8Planar;
    const OSType NV12 = kCVPixelFormatType_420YpCbCr8BiPlanarVideoRange;
    const OSType BGRA = kCVPixelFormatType_32BGRA;
    VTRect s, d;
    VTGeometryRequest q;

    /* Normal: whole to whole, apertures ignored */
    q = request(VT_SCALING_NORMAL, I420, 1920, 1080, NV12, 1280, 720);
    q.src_aperture = (VTCleanAperture){1, 100, 100, 0, 0};
    CHECK_STATUS(vt_convert_compute_geometry(&q, &s, &d), 0);
    CHECK_RECT(s, 0, 0, 1920, 1080);
    CHECK_RECT(d, 0, 0, 1280, 720);

    /* Letterbox 16:9 into a square: bars top and bottom, centred, even */
    q = request(VT_SCALING_LETTERBOX, I420, 1920, 1080, NV12, 1000, 1000);
    CHECK_STATUS(vt_convert_compute_geometry(&q, &s, &d), 0);
    CHECK_RECT(s, 0, 0, 1920, 1080);
    CHECK_RECT(d, 0, 218, 1000, 564);

    /* Letterbox 4:3 into 16:9: pillars */
    q = request(VT_SCALING_LETTERBOX, BGRA, 640, 480, BGRA, 1920, 1080);
    CHECK_STATUS(vt_convert_compute_geometry(&q, &s, &d), 0);
    CHECK_RECT(d, 240, 0, 1440, 1080);

    /* Trim 16:9 into a square: the centre square of the source */
    q = request(VT_SCALING_TRIM, I420, 1920, 1080, NV12, 1000, 1000);
    CHECK_STATUS(vt_convert_compute_geometry(&q, &s, &d), 0);
    CHECK_RECT(s, 420, 0, 1080, 1080);
    CHECK_RECT(d, 0, 0, 1000, 1000);

    /* Anamorphic 1440x1080 with 4:3 pixels: into a square-pixel 1920x1080
     * destination it fills the frame; with the destination keeping the
     * source's pixel aspect it stays 1440 wide */
    q = request(VT_SCALING_LETTERBOX, I420, 1440, 1080, NV12, 1920, 1080);
    q.src_par_h = 4;
    q.src_par_v = 3;
    q.dst_par_h = q.dst_par_v = 1;
    CHECK_STATUS(vt_convert_compute_geometry(&q, &s, &d), 0);
    CHECK_RECT(d, 0, 0, 1920, 1080);
    q.dst_par_h = q.dst_par_v = 0;
    CHECK_STATUS(vt_convert_compute_geometry(&q, &s, &d), 0);
    CHECK_RECT(d, 240, 0, 1440, 1080);

    /* Crop to clean apertures: snapped outward to the 4:2:0 grid */
    q = request(VT_SCALING_CROP_SOURCE_TO_CLEAN_APERTURE, I420, 1920, 1080, BGRA, 1280, 720);
    q.src_aperture = (VTCleanAperture){1, 1888, 1062, 0, 0};
    q.dst_aperture = (VTCleanAperture){1, 1270, 715, 1, 0};
    CHECK_STATUS(vt_convert_compute_geometry(&q, &s, &d), 0);
    CHECK_RECT(s, 16, 8, 1888, 1064);
    CHECK_RECT(d, 6, 3, 1270, 715);

    /* Aperture bigger than the image or pushed outside is clamped */
    q.src_aperture = (VTCleanAperture){1, 5000, 5000, 300, 300};
    CHECK_STATUS(vt_convert_compute_geometry(&q, &s, &d), 0);
    CHECK_RECT(s, 0, 0, 1920, 1080);

    /* Letterbox inside a destination aperture */
    q = request(VT_SCALING_LETTERBOX, BGRA, 100, 100, BGRA, 400, 300);
    q.dst_aperture = (VTCleanAperture){1, 200, 100, -50, 0};
    CHECK_STATUS(vt_convert_compute_geometry(&q, &s, &d), 0);
    CHECK_RECT(d, 100, 100, 100, 100);

    /* degenerate requests */
    q = request(VT_SCALING_TRIM, I420, 1, 1, NV12, 1, 1);
    CHECK_STATUS(vt_convert_compute_geometry(&q, &s, &d), 0);
    CHECK_RECT(s, 0, 0, 1, 1);
    CHECK_RECT(d, 0, 0, 1, 1);
    q = request(VT_SCALING_LETTERBOX, I420, 3000, 2, NV12, 2, 2);
    CHECK_STATUS(vt_convert_compute_geometry(&q, &s, &d), 0);
    CHECK(d.width >= 1 && d.height >= 1);
    q.mode = (VTScalingMode)7;
    CHECK_STATUS(vt_convert_compute_geometry(&q, &s, &d), VT_CONVERT_ERR_PARAM);
    q.mode = VT_SCALING_NORMAL;
    q.src_width = 0;
    CHECK_STATUS(vt_convert_compute_geometry(&q, &s, &d), VT_CONVERT_ERR_PARAM);
    CHECK_STATUS(vt_convert_compute_geometry(NULL, &s, &d), VT_CONVERT_ERR_PARAM);
    CHECK_STATUS(vt_convert_compute_geometry(&q, NULL, &d), VT_CONVERT_ERR_PARAM);
}

/* Black in the format's own terms: RGB 0,0,0 (alpha 255), Y 16 / 0, C 128. */
static int is_black(const TImage *t, int x, int y) {
    if (t_is_rgb(t->tf)) {
        int c[4];
        t_get_rgb(t, x, y, c);
        return c[0] == 0 && c[1] == 0 && c[2] == 0 && c[3] == 255;
    }
    int Y, U, V, sh = t_bits(t->tf) - 8;
    t_get_yuv(t, x, y, &Y, &U, &V);
    return Y == (t->full ? 0 : 16 << sh) && U == 128 << sh && V == 128 << sh;
}

#if HAVE_LIBYUV
static void sample(const TImage *t, int x, int y, int v[4]) {
    if (t_is_rgb(t->tf)) {
        t_get_rgb(t, x, y, v);
    } else {
        t_get_yuv(t, x, y, &v[0], &v[1], &v[2]);
        v[3] = 0;
    }
}

/* Runs a whole transfer the way VTPixelTransferSession does: geometry,
 * borders, plan on the sub-images. */
static int transfer(VTScalingMode mode, const TImage *s, TImage *d, VTRect *content) {
    VTGeometryRequest q = request(mode, s->tf->fourcc, s->im.width, s->im.height, d->tf->fourcc,
                                  d->im.width, d->im.height);
    VTRect sr, dr;
    VTImage ss, ds;
    if (vt_convert_compute_geometry(&q, &sr, &dr) || vt_convert_fill_borders(&d->im, dr) ||
        vt_convert_image_crop(&s->im, sr, &ss) || vt_convert_image_crop(&d->im, dr, &ds))
        return -1;
    *content = dr;
    return vt_convert_image(&ss, &ds, NULL);
}

static void letterbox_end_to_end(void) {
    static const OSType srcs[] = {kCVPixelFormatType_32BGRA, kCVPixelFormatType_420YpCbCr8Planar};
    for (unsigned si = 0; si < 2; si++)
        for (int j = 0; j < T_NFORMATS; j++) {
            const TFormat *df = &t_formats[j];
            TImage s, d, one, ref;
            if (!t_image_alloc(&s, srcs[si], 64, 48, 0) ||
                !t_image_alloc(&d, df->fourcc, 101, 61, 3) ||
                !t_image_alloc(&one, srcs[si], 2, 2, 0) ||
                !t_image_alloc(&ref, df->fourcc, 2, 2, 0)) {
                CHECK(0);
                return;
            }
            const TImage *fill[2] = {&s, &one};
            for (int k = 0; k < 2; k++)
                for (int y = 0; y < fill[k]->im.height; y++)
                    for (int x = 0; x < fill[k]->im.width; x++) {
                        if (si == 0)
                            t_set_rgb((TImage *)fill[k], x, y, 30, 200, 120, 255);
                        else
                            t_set_yuv((TImage *)fill[k], x, y, 140, 90, 70);
                    }
            t_fill_random(&d, 3); /* borders must be painted, not left over */
            VTRect c;
            CHECK_STATUS(transfer(VT_SCALING_LETTERBOX, &s, &d, &c), 0);
            CHECK_STATUS(vt_convert_image(&one.im, &ref.im, NULL), 0);
            /* 4:3 into 101x61: pillars left and right */
            CHECK_MSG(c.y == 0 && c.height == 61 && c.width >= 80 && c.width <= 83 &&
                          abs(2 * c.x + c.width - 101) <= 2,
                      "content {%d,%d,%d,%d}", c.x, c.y, c.width, c.height);
            int want[4], got[4], bad = 0;
            int tol = t_bits(df) == 10 ? 8 : 2;
            sample(&ref, 0, 0, want);
            for (int y = 0; y < 61; y++)
                for (int x = 0; x < 101; x++) {
                    int inside = x >= c.x && x < c.x + c.width && y >= c.y && y < c.y + c.height;
                    if (!inside) {
                        if (!is_black(&d, x, y) && bad++ < 3)
                            fprintf(stderr, "  %s: (%d,%d) not black\n", df->name, x, y);
                        continue;
                    }
                    sample(&d, x, y, got);
                    for (int k = 0; k < 4; k++)
                        if (abs(got[k] - want[k]) > tol) {
                            if (bad++ < 3)
                                fprintf(stderr, "  %s: (%d,%d)[%d] = %d want %d\n", df->name, x, y,
                                        k, got[k], want[k]);
                            break;
                        }
                }
            CHECK_MSG(bad == 0, "letterbox %s -> %s: %d bad pixels", t_format(srcs[si])->name,
                      df->name, bad);
            t_image_free(&s);
            t_image_free(&d);
            t_image_free(&one);
            t_image_free(&ref);
        }
}

/* Trim: source stripes red | green | blue with the green square exactly
 * in the middle; the square destination shows only green. */
static void trim_end_to_end(void) {
    TImage s, d;
    if (!t_image_alloc(&s, kCVPixelFormatType_32BGRA, 160, 90, 0) ||
        !t_image_alloc(&d, kCVPixelFormatType_420YpCbCr8BiPlanarFullRange, 50, 50, 0)) {
        CHECK(0);
        return;
    }
    for (int y = 0; y < 90; y++)
        for (int x = 0; x < 160; x++) {
            if (x < 35)
                t_set_rgb(&s, x, y, 255, 0, 0, 255);
            else if (x < 125)
                t_set_rgb(&s, x, y, 0, 255, 0, 255);
            else
                t_set_rgb(&s, x, y, 0, 0, 255, 255);
        }
    VTRect c;
    CHECK_STATUS(transfer(VT_SCALING_TRIM, &s, &d, &c), 0);
    CHECK_RECT(c, 0, 0, 50, 50);
    double yuv[3];
    t_ref_rgb_to_yuv(0, 255, 0, 8, 1, 6, yuv); /* 50x50 -> BT.601 by default */
    int bad = 0;
    for (int y = 0; y < 50; y++)
        for (int x = 0; x < 50; x++) {
            int Y, U, V;
            t_get_yuv(&d, x, y, &Y, &U, &V);
            if (abs(Y - t_clampi(yuv[0], 255)) > 1 || abs(U - t_clampi(yuv[1], 255)) > 1 ||
                abs(V - t_clampi(yuv[2], 255)) > 1)
                bad++;
        }
    CHECK_MSG(bad == 0, "trim: %d pixels are not the green centre", bad);
    t_image_free(&s);
    t_image_free(&d);
}

#endif /* HAVE_LIBYUV */

/* fill_black on odd rectangles: luma / RGB exactly inside, untouched
 * outside; every chroma sample touching the rectangle neutral, the others
 * untouched. */
static void fill_black_all_formats(void) {
    const VTRect r = {3, 3, 5, 4};
    for (int j = 0; j < T_NFORMATS; j++) {
        const TFormat *f = &t_formats[j];
        TImage t, orig;
        if (!t_image_alloc(&t, f->fourcc, 13, 11, 1) ||
            !t_image_alloc(&orig, f->fourcc, 13, 11, 1)) {
            CHECK(0);
            return;
        }
        t_fill_random(&t, 9);
        t_fill_random(&orig, 9);
        CHECK_STATUS(vt_convert_fill_black(&t.im, r), 0);
        int bad = 0;
        for (int y = 0; y < 11; y++)
            for (int x = 0; x < 13; x++) {
                int in = x >= r.x && x < r.x + r.width && y >= r.y && y < r.y + r.height;
                if (t_is_rgb(f)) {
                    int a[4], b[4];
                    t_get_rgb(&t, x, y, a);
                    t_get_rgb(&orig, x, y, b);
                    if (in ? !is_black(&t, x, y) : memcmp(a, b, sizeof(a)) != 0)
                        bad++;
                    continue;
                }
                int Y, U, V, Y0, U0, V0, sh = t_bits(f) - 8;
                t_get_yuv(&t, x, y, &Y, &U, &V);
                t_get_yuv(&orig, x, y, &Y0, &U0, &V0);
                int black_y = t.full ? 0 : 16 << sh;
                if (in ? Y != black_y : Y != Y0)
                    bad++;
                if (t_is_gray(f))
                    continue;
                /* does this pixel's chroma sample touch the rectangle? */
                int cx0 = (x >> f->sx) << f->sx, cy0 = (y >> f->sy) << f->sy;
                int touch = cx0 < r.x + r.width && cx0 + (1 << f->sx) > r.x &&
                            cy0 < r.y + r.height && cy0 + (1 << f->sy) > r.y;
                if (touch ? (U != 128 << sh || V != 128 << sh) : (U != U0 || V != V0))
                    bad++;
            }
        CHECK_MSG(bad == 0, "fill_black %s: %d bad samples", f->name, bad);
        /* rectangles are clamped; empty ones paint nothing */
        VTRect big = {-5, -5, 100, 100}, empty = {4, 4, 0, 3};
        CHECK_STATUS(vt_convert_fill_black(&t.im, empty), 0);
        CHECK_STATUS(vt_convert_fill_black(&t.im, big), 0);
        int all = 1;
        for (int y = 0; y < 11; y++)
            for (int x = 0; x < 13; x++)
                all &= is_black(&t, x, y);
        CHECK_MSG(all, "fill_black %s: clamped full fill", f->name);
        t_image_free(&t);
        t_image_free(&orig);
    }
    VTImage none;
    memset(&none, 0, sizeof(none));
    CHECK_STATUS(vt_convert_fill_black(NULL, (VTRect){0, 0, 1, 1}), VT_CONVERT_ERR_PARAM);
    CHECK_STATUS(vt_convert_fill_black(&none, (VTRect){0, 0, 1, 1}), VT_CONVERT_ERR_PARAM);
}

static void crop(void) {
    TImage t;
    VTImage o;
    VTRect r = {5, 3, 10, 7};
    /* NV12: origin rounded down to (4, 2), far edge kept */
    if (!t_image_alloc(&t, kCVPixelFormatType_420YpCbCr8BiPlanarVideoRange, 40, 30, 3)) {
        CHECK(0);
        return;
    }
    CHECK_STATUS(vt_convert_image_crop(&t.im, r, &o), 0);
    CHECK(o.width == 11 && o.height == 8);
    CHECK(o.data[0] == t.im.data[0] + 2 * t.im.stride[0] + 4);
    CHECK(o.data[1] == t.im.data[1] + 1 * t.im.stride[1] + 4);
    CHECK(o.stride[0] == t.im.stride[0] && o.fmt == t.im.fmt);
    t_image_free(&t);
    /* P010: 2-byte samples */
    if (!t_image_alloc(&t, kCVPixelFormatType_420YpCbCr10BiPlanarVideoRange, 40, 30, 0))
        return;
    CHECK_STATUS(vt_convert_image_crop(&t.im, r, &o), 0);
    CHECK(o.data[0] == t.im.data[0] + 2 * t.im.stride[0] + 8);
    CHECK(o.data[1] == t.im.data[1] + 1 * t.im.stride[1] + 8);
    t_image_free(&t);
    /* UYVY: horizontal only */
    if (!t_image_alloc(&t, kCVPixelFormatType_422YpCbCr8, 40, 30, 0))
        return;
    CHECK_STATUS(vt_convert_image_crop(&t.im, r, &o), 0);
    CHECK(o.width == 11 && o.height == 7);
    CHECK(o.data[0] == t.im.data[0] + 3 * t.im.stride[0] + 8);
    t_image_free(&t);
    /* I444 / BGRA / 24RGB: no rounding */
    if (!t_image_alloc(&t, kCVPixelFormatType_24RGB, 40, 30, 0))
        return;
    CHECK_STATUS(vt_convert_image_crop(&t.im, r, &o), 0);
    CHECK(o.width == 10 && o.height == 7);
    CHECK(o.data[0] == t.im.data[0] + 3 * t.im.stride[0] + 15);
    /* clamping and empty rectangles */
    VTRect outside = {35, 25, 100, 100}, empty = {100, 100, 5, 5};
    CHECK_STATUS(vt_convert_image_crop(&t.im, outside, &o), 0);
    CHECK(o.width == 5 && o.height == 5);
    CHECK_STATUS(vt_convert_image_crop(&t.im, empty, &o), VT_CONVERT_ERR_PARAM);
    CHECK_STATUS(vt_convert_image_crop(NULL, r, &o), VT_CONVERT_ERR_PARAM);
    CHECK_STATUS(vt_convert_image_crop(&t.im, r, NULL), VT_CONVERT_ERR_PARAM);
    t_image_free(&t);
}

int main(void) {
    geometry_rects();
#if HAVE_LIBYUV
    letterbox_end_to_end();
    trim_end_to_end();
#endif
    fill_black_all_formats();
    crop();
    return vt_test_result();
}
