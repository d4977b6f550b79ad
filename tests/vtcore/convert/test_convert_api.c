/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The converter's interface: argument validation, the matrix of every pair
 * of rows of the pixel-format table (each must plan, none may report
 * kVTPixelTransferNotSupportedErr), unknown formats, images that do not
 * match the plan, plan descriptions of the direct paths, allocation
 * failures (no leaks: ASan), no allocation per frame, bottom-up images.
 */
#include <stdio.h>

#include <vtcore/vtcore.h>

#include "config.h"
#include "convert_test_util.h"
#include "vt_test.h"

static VTImage desc(OSType fourcc, int w, int h) {
    VTImage im;
    memset(&im, 0, sizeof(im));
    im.fmt = vt_pixel_format_lookup(fourcc);
    im.width = w;
    im.height = h;
    return im;
}

static void arguments(void) {
    VTConvertPlan *plan = (VTConvertPlan *)&plan;
    VTImage s = desc(kCVPixelFormatType_32BGRA, 16, 16), d = desc(kCVPixelFormatType_32BGRA, 8, 8);
    VTConvertOptions o;
    vt_convert_options_init(NULL);
    vt_convert_options_init(&o);
    CHECK(o.downsampling == VT_DOWNSAMPLE_DECIMATE && o.filter == VT_SCALE_FILTER_AUTO &&
          o.n_threads == 1);
    CHECK_STATUS(vt_convert_plan_create(&s, &d, &o, NULL), VT_CONVERT_ERR_PARAM);
    CHECK_STATUS(vt_convert_plan_create(NULL, &d, &o, &plan), VT_CONVERT_ERR_PARAM);
    CHECK(plan == NULL);
    CHECK_STATUS(vt_convert_plan_create(&s, NULL, &o, &plan), VT_CONVERT_ERR_PARAM);
    VTImage nofmt = s;
    nofmt.fmt = NULL;
    CHECK_STATUS(vt_convert_plan_create(&nofmt, &d, &o, &plan), VT_CONVERT_ERR_PARAM);
    static const int bad_sizes[][2] = {{0, 1}, {1, 0}, {-4, 4}, {4, -4}, {16385, 4}, {4, 16385}};
    for (unsigned i = 0; i < sizeof(bad_sizes) / sizeof(bad_sizes[0]); i++) {
        VTImage b = s;
        b.width = bad_sizes[i][0];
        b.height = bad_sizes[i][1];
        CHECK_STATUS(vt_convert_plan_create(&b, &d, &o, &plan), VT_CONVERT_ERR_PARAM);
        CHECK_STATUS(vt_convert_plan_create(&s, &b, &o, &plan), VT_CONVERT_ERR_PARAM);
    }
    VTConvertOptions bad = o;
    bad.downsampling = (VTChromaDownsampling)5;
    CHECK_STATUS(vt_convert_plan_create(&s, &d, &bad, &plan), VT_CONVERT_ERR_PARAM);
    bad = o;
    bad.filter = (VTScaleFilter)9;
    CHECK_STATUS(vt_convert_plan_create(&s, &d, &bad, &plan), VT_CONVERT_ERR_PARAM);
    bad = o;
    bad.n_threads = -1;
    CHECK_STATUS(vt_convert_plan_create(&s, &d, &bad, &plan), VT_CONVERT_ERR_PARAM);
    bad.n_threads = VT_CONVERT_MAX_THREADS + 1;
    CHECK_STATUS(vt_convert_plan_create(&s, &d, &bad, &plan), VT_CONVERT_ERR_PARAM);
    /* NULL options = defaults; extreme but legal sizes */
    VTImage one = desc(kCVPixelFormatType_420YpCbCr8Planar, 1, 1);
    VTImage huge =
        desc(kCVPixelFormatType_420YpCbCr8Planar, HAVE_LIBYUV ? 16384 : 1, HAVE_LIBYUV ? 2 : 1);
    CHECK_STATUS(vt_convert_plan_create(&one, &huge, NULL, &plan), 0);
    vt_convert_plan_destroy(plan);
    vt_convert_plan_destroy(NULL);
    CHECK_STATUS(vt_convert_plan_run(NULL, &s, &d), VT_CONVERT_ERR_PARAM);
    CHECK_STATUS(vt_convert_image(NULL, &d, NULL), VT_CONVERT_ERR_PARAM);
    CHECK_STATUS(vt_convert_image(&s, NULL, NULL), VT_CONVERT_ERR_PARAM);
    CHECK(strcmp(vt_convert_plan_describe(NULL), "") == 0);
    CHECK(vt_convert_plan_step_count(NULL) == 0);
    CHECK(vt_convert_plan_scratch_bytes(NULL) == 0);
}

/* Every row of the pixel-format table converts to every other, same size
 * and scaled: no kVTPixelTransferNotSupportedErr anywhere. */
static void table_matrix(void) {
    size_t n = 0;
    const VTPixelFormatInfo *all = vt_pixel_format_all(&n);
    int unsupported = 0, failed = 0;
    CHECK(n > 0);
    for (size_t i = 0; i < n; i++) {
        CHECK_MSG(vt_convert_format_supported(&all[i]), "format %s 0x%08x not supported",
                  all[i].name, (unsigned)all[i].fourcc);
        for (size_t j = 0; j < n; j++) {
            static const int sizes[][4] = {{33, 17, 33, 17}, {33, 17, 16, 9}, {1, 1, 3, 5}};
            for (unsigned k = 0; k < 3; k++) {
                VTImage s, d;
                VTConvertPlan *plan = NULL;
                memset(&s, 0, sizeof(s));
                memset(&d, 0, sizeof(d));
                s.fmt = &all[i];
                d.fmt = &all[j];
                s.width = sizes[k][0];
                s.height = sizes[k][1];
                d.width = sizes[k][2];
                d.height = sizes[k][3];
                OSStatus st = vt_convert_plan_create(&s, &d, NULL, &plan);
                if (st == VT_CONVERT_ERR_NOT_SUPPORTED && HAVE_LIBYUV)
                    unsupported++;
                else if (st && HAVE_LIBYUV)
                    failed++;
                if (st == 0)
                    CHECK(plan && vt_convert_plan_step_count(plan) >= 1);
                else if (!HAVE_LIBYUV)
                    CHECK(st == VT_CONVERT_ERR_NOT_SUPPORTED && k > 0); /* scaling needs libyuv */
                vt_convert_plan_destroy(plan);
            }
        }
    }
    CHECK_MSG(unsupported == 0, "%d plans not supported", unsupported);
    CHECK_MSG(failed == 0, "%d plans failed", failed);

    /* a format vtcore does not know */
    VTPixelFormatInfo v210;
    memset(&v210, 0, sizeof(v210));
    v210.fourcc = 0x76323130; /* 'v210' */
    v210.name = "v210";
    v210.bit_depth = 10;
    v210.block_width = 6;
    VTImage s = desc(kCVPixelFormatType_32BGRA, 16, 16), d = s;
    d.fmt = &v210;
    VTConvertPlan *plan = NULL;
    CHECK_STATUS(vt_convert_plan_create(&s, &d, NULL, &plan), VT_CONVERT_ERR_NOT_SUPPORTED);
    CHECK_STATUS(vt_convert_plan_create(&d, &s, NULL, &plan), VT_CONVERT_ERR_NOT_SUPPORTED);
    CHECK(!vt_convert_format_supported(&v210));
    CHECK(!vt_convert_format_supported(NULL));
    /* a known fourcc whose row disagrees with the layout is refused too */
    VTPixelFormatInfo odd = *vt_pixel_format_lookup(kCVPixelFormatType_420YpCbCr8Planar);
    odd.planes = 2;
    CHECK(!vt_convert_format_supported(&odd));
}

static void mismatches(void) {
    TImage s, d, other;
    VTConvertPlan *plan = NULL;
    if (!t_image_alloc(&s, kCVPixelFormatType_420YpCbCr10BiPlanarVideoRange, 32, 18, 0) ||
        !t_image_alloc(&d, kCVPixelFormatType_420YpCbCr8BiPlanarVideoRange, 32, 18, 0) ||
        !t_image_alloc(&other, kCVPixelFormatType_420YpCbCr8BiPlanarFullRange, 32, 18, 0)) {
        CHECK(0);
        return;
    }
    t_fill_random(&s, 1);
    CHECK_STATUS(vt_convert_plan_create(&s.im, &d.im, NULL, &plan), 0);
    if (!plan)
        return;
    CHECK_STATUS(vt_convert_plan_run(plan, &s.im, &d.im), 0);
    CHECK_STATUS(vt_convert_plan_run(plan, &s.im, NULL), VT_CONVERT_ERR_PARAM);
    /* wrong range (other fourcc), wrong size */
    CHECK_STATUS(vt_convert_plan_run(plan, &s.im, &other.im), VT_CONVERT_ERR_PARAM);
    VTImage t = d.im;
    t.width = 30;
    CHECK_STATUS(vt_convert_plan_run(plan, &s.im, &t), VT_CONVERT_ERR_PARAM);
    t = d.im;
    t.data[1] = NULL;
    CHECK_STATUS(vt_convert_plan_run(plan, &s.im, &t), VT_CONVERT_ERR_PARAM);
    t = d.im;
    t.stride[0] = 31;
    CHECK_STATUS(vt_convert_plan_run(plan, &s.im, &t), VT_CONVERT_ERR_PARAM);
    t = s.im;
    t.stride[1] = 2 * 32 * 2 + 1; /* odd stride on a 16-bit plane */
    CHECK_STATUS(vt_convert_plan_run(plan, &t, &d.im), VT_CONVERT_ERR_PARAM);
    t = s.im;
    t.data[0] += 1; /* misaligned 16-bit plane */
    CHECK_STATUS(vt_convert_plan_run(plan, &t, &d.im), VT_CONVERT_ERR_PARAM);
    t = s.im;
    t.fmt = vt_pixel_format_lookup(kCVPixelFormatType_420YpCbCr10BiPlanarFullRange);
    CHECK_STATUS(vt_convert_plan_run(plan, &t, &d.im), VT_CONVERT_ERR_PARAM);
    /* a copy of the table row is accepted (same fourcc and range) */
    VTPixelFormatInfo row = *d.im.fmt;
    t = d.im;
    t.fmt = &row;
    CHECK_STATUS(vt_convert_plan_run(plan, &s.im, &t), 0);
    vt_convert_plan_destroy(plan);
    t_image_free(&s);
    t_image_free(&d);
    t_image_free(&other);
}

static int plan_info(OSType sf, int sw, int sh, OSType df, int dw, int dh, int matrix, int avg,
                     char *out, size_t outlen, size_t *scratch) {
    VTImage s = desc(sf, sw, sh), d = desc(df, dw, dh);
    VTConvertOptions o;
    VTConvertPlan *plan = NULL;
    vt_convert_options_init(&o);
    o.src_matrix = o.dst_matrix = matrix;
    o.downsampling = avg ? VT_DOWNSAMPLE_AVERAGE : VT_DOWNSAMPLE_DECIMATE;
    if (vt_convert_plan_create(&s, &d, &o, &plan))
        return -1;
    snprintf(out, outlen, "%s", vt_convert_plan_describe(plan));
    *scratch = vt_convert_plan_scratch_bytes(plan);
    int steps = vt_convert_plan_step_count(plan);
    vt_convert_plan_destroy(plan);
    return steps;
}

/* Direct paths: one kernel, no scratch, no copies around it. */
static void direct_paths(void) {
    char text[1024];
    size_t scratch = 99;
    const OSType I420 = kCVPixelFormatType_420YpCbCr8Planar,
                 NV12 = kCVPixelFormatType_420YpCbCr8BiPlanarVideoRange;
    const OSType BGRA = kCVPixelFormatType_32BGRA;
    CHECK_EQ_INT(plan_info(I420, 1920, 1080, NV12, 1920, 1080, 6, 0, text, sizeof(text), &scratch),
                 2);
    CHECK(scratch == 0 && strstr(text, "copy Y") && strstr(text, "merge CbCr"));
    CHECK_EQ_INT(plan_info(NV12, 1920, 1080, I420, 1920, 1080, 6, 0, text, sizeof(text), &scratch),
                 2);
    CHECK(scratch == 0 && strstr(text, "split CbCr"));
    CHECK_EQ_INT(plan_info(BGRA, 1920, 1080, I420, 1920, 1080, 6, 1, text, sizeof(text), &scratch),
                 1);
    CHECK_MSG(scratch == 0 && (!HAVE_LIBYUV || strstr(text, "(libyuv)")), "%s", text);
    CHECK_EQ_INT(plan_info(BGRA, 1920, 1080, NV12, 1920, 1080, 6, 1, text, sizeof(text), &scratch),
                 1);
    CHECK_EQ_INT(plan_info(I420, 1920, 1080, BGRA, 1920, 1080, 1, 0, text, sizeof(text), &scratch),
                 1);
    CHECK(scratch == 0);
    CHECK_EQ_INT(plan_info(NV12, 1920, 1080, BGRA, 1920, 1080, 1, 0, text, sizeof(text), &scratch),
                 1);
    CHECK(scratch == 0);
    CHECK_EQ_INT(plan_info(kCVPixelFormatType_420YpCbCr8PlanarFullRange, 64, 64, BGRA, 64, 64, 1, 0,
                           text, sizeof(text), &scratch),
                 1);
    CHECK_MSG(!HAVE_LIBYUV || strstr(text, "(libyuv)"), "%s", text);
    CHECK_EQ_INT(plan_info(BGRA, 64, 64, BGRA, 64, 64, 6, 0, text, sizeof(text), &scratch), 1);
    CHECK(strstr(text, "copy") != NULL);
    CHECK_EQ_INT(plan_info(kCVPixelFormatType_422YpCbCr8, 64, 64,
                           kVTCorePixelFormatType_422YpCbCr8Planar, 64, 64, 6, 0, text,
                           sizeof(text), &scratch),
                 1);
    CHECK(scratch == 0);
#if HAVE_LIBYUV
    CHECK_EQ_INT(plan_info(I420, 1920, 1080, I420, 1280, 720, 6, 0, text, sizeof(text), &scratch),
                 3);
    CHECK(scratch == 0);
#endif
}

/* Plan creation under allocation failure: every failure point returns
 * VT_CONVERT_ERR_ALLOC cleanly (LSan checks for leaks); running a plan
 * allocates nothing. */
static void allocation(void) {
    TImage s, d;
    if (!t_image_alloc(&s, kCVPixelFormatType_420YpCbCr8BiPlanarVideoRange, 128, 72, 0) ||
        !t_image_alloc(&d, kCVPixelFormatType_32RGBA, HAVE_LIBYUV ? 64 : 128, HAVE_LIBYUV ? 36 : 72,
                       0)) {
        CHECK(0);
        return;
    }
    VTConvertOptions o;
    vt_convert_options_init(&o);
    o.n_threads = 3;
    int failures = 0, ok = 0;
    for (long n = 1; n <= 40 && !ok; n++) {
        VTConvertPlan *plan = NULL;
        vtcore_debug_fail_allocation_after(n);
        OSStatus st = vt_convert_plan_create(&s.im, &d.im, &o, &plan);
        vtcore_debug_fail_allocation_after(0);
        if (st == VT_CONVERT_ERR_ALLOC) {
            failures++;
            CHECK(plan == NULL);
        } else {
            CHECK_STATUS(st, 0);
            ok = 1;
        }
        vt_convert_plan_destroy(plan);
    }
    CHECK(failures >= 2 && ok);
    VTConvertPlan *plan = NULL;
    CHECK_STATUS(vt_convert_plan_create(&s.im, &d.im, &o, &plan), 0);
    vtcore_debug_fail_allocation_after(0);
    for (int i = 0; i < 10; i++)
        CHECK_STATUS(vt_convert_plan_run(plan, &s.im, &d.im), 0);
    CHECK_EQ_INT(vtcore_debug_fail_allocation_after(0), 0); /* nothing allocated per frame */
    vt_convert_plan_destroy(plan);
    t_image_free(&s);
    t_image_free(&d);
}

static int same_pixels(const TImage *a, const TImage *b) {
    for (int y = 0; y < a->im.height; y++)
        for (int x = 0; x < a->im.width; x++) {
            int p[4], q[4];
            if (t_is_rgb(a->tf)) {
                t_get_rgb(a, x, y, p);
                t_get_rgb(b, x, y, q);
            } else {
                t_get_yuv(a, x, y, &p[0], &p[1], &p[2]);
                t_get_yuv(b, x, y, &q[0], &q[1], &q[2]);
                p[3] = q[3] = 0;
            }
            if (memcmp(p, q, sizeof(p)))
                return 0;
        }
    return 1;
}

/* Bottom-up images (negative strides) give the same pixels. */
static void inverted(void) {
    static const OSType pairs[][2] = {
        {kCVPixelFormatType_420YpCbCr8BiPlanarVideoRange, kCVPixelFormatType_32BGRA},
        {kCVPixelFormatType_32BGRA, kCVPixelFormatType_420YpCbCr8Planar},
        {kCVPixelFormatType_420YpCbCr10BiPlanarVideoRange, kCVPixelFormatType_422YpCbCr8},
        {kCVPixelFormatType_24RGB, kVTCorePixelFormatType_420YpCbCr8BiPlanarNV21FullRange},
    };
    static const int sizes[][4] = {{37, 21, 37, 21}, {37, 21, 20, 11}};
    for (unsigned i = 0; i < 4; i++)
        for (unsigned k = 0; k < (HAVE_LIBYUV ? 2u : 1u); k++) {
            TImage s, si, d, di;
            const int *z = sizes[k];
            if (!t_image_alloc(&s, pairs[i][0], z[0], z[1], 2) ||
                !t_image_alloc_ex(&si, pairs[i][0], z[0], z[1], 2, 1) ||
                !t_image_alloc(&d, pairs[i][1], z[2], z[3], 0) ||
                !t_image_alloc_ex(&di, pairs[i][1], z[2], z[3], 6, 1)) {
                CHECK(0);
                return;
            }
            t_fill_random(&s, 11);
            t_fill_random(&si, 11);
            CHECK(same_pixels(&s, &si));
            VTConvertOptions o;
            vt_convert_options_init(&o);
            o.n_threads = 2;
            CHECK_STATUS(vt_convert_image(&s.im, &d.im, &o), 0);
            CHECK_STATUS(vt_convert_image(&si.im, &di.im, &o), 0);
            CHECK_MSG(same_pixels(&d, &di), "inverted %s -> %s %dx%d", s.tf->name, d.tf->name, z[2],
                      z[3]);
            t_image_free(&s);
            t_image_free(&si);
            t_image_free(&d);
            t_image_free(&di);
        }
}

int main(void) {
    arguments();
    table_matrix();
    mismatches();
    direct_paths();
    allocation();
    inverted();
    return vt_test_result();
}
