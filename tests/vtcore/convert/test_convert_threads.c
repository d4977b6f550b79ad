/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Slice-parallel execution: for every format pair (same size, scaled down,
 * scaled up; odd heights; scaled sizes whose chroma planes keep their size
 * across a change of subsampling), and for 1080p conversions with every filter, the
 * output with 2, 3 and 4 threads must be byte-identical to one thread; and
 * the baseline, AVX2 and AVX-512 levels of vtcore's own kernels must give
 * the same bytes. Also runs many plans concurrently.
 */
#include <pthread.h>
#include <stdio.h>

#include "config.h"
#include "convert/convert_internal.h"
#include "convert_test_util.h"
#include "vt_test.h"

static int same_bytes(const TImage *a, const TImage *b) {
    for (int p = 0; p < a->nplanes; p++)
        for (int y = 0; y < a->ph[p]; y++)
            if (memcmp(t_row(a, p, y), t_row(b, p, y), (size_t)a->pw[p] * a->bpe[p]))
                return 0;
    return 1;
}

static void compare_threads(const TFormat *sf, const TFormat *df, int sw, int sh, int dw, int dh,
                            VTScaleFilter filter, int average) {
    TImage s, ref, d;
    if (!t_image_alloc(&s, sf->fourcc, sw, sh, 3) || !t_image_alloc(&ref, df->fourcc, dw, dh, 0) ||
        !t_image_alloc(&d, df->fourcc, dw, dh, 5)) {
        CHECK(0);
        return;
    }
    t_fill_random(&s, (uint32_t)(sw * 31 + dh));
    VTConvertOptions o;
    vt_convert_options_init(&o);
    o.filter = filter;
    o.downsampling = average ? VT_DOWNSAMPLE_AVERAGE : VT_DOWNSAMPLE_DECIMATE;
    o.n_threads = 1;
    CHECK_STATUS(vt_convert_image(&s.im, &ref.im, &o), 0);
    for (int n = 2; n <= 4; n++) {
        VTConvertPlan *plan = NULL;
        o.n_threads = n;
        CHECK_STATUS(vt_convert_plan_create(&s.im, &d.im, &o, &plan), 0);
        if (!plan)
            continue;
        for (int rep = 0; rep < 2; rep++) {
            memset(d.im.data[0], 0, 1); /* make stale output visible */
            CHECK_STATUS(vt_convert_plan_run(plan, &s.im, &d.im), 0);
            CHECK_MSG(same_bytes(&ref, &d), "%s %dx%d -> %s %dx%d filter %d: %d threads differ",
                      sf->name, sw, sh, df->name, dw, dh, (int)filter, n);
        }
        vt_convert_plan_destroy(plan);
    }
    t_image_free(&s);
    t_image_free(&ref);
    t_image_free(&d);
}

/* Kernel levels (baseline, AVX2, AVX-512; capped at what the CPU has):
 * same bytes. */
static void compare_kernel_variants(const TFormat *sf, const TFormat *df, int sw, int sh, int dw,
                                    int dh, VTScaleFilter filter, int average) {
    TImage s, a, b;
    if (!t_image_alloc(&s, sf->fourcc, sw, sh, 1) || !t_image_alloc(&a, df->fourcc, dw, dh, 0) ||
        !t_image_alloc(&b, df->fourcc, dw, dh, 0)) {
        CHECK(0);
        return;
    }
    t_fill_random(&s, (uint32_t)(sw + 7 * dw));
    VTConvertOptions o;
    vt_convert_options_init(&o);
    o.filter = filter;
    o.downsampling = average ? VT_DOWNSAMPLE_AVERAGE : VT_DOWNSAMPLE_DECIMATE;
    o.src_matrix = o.dst_matrix = VT_MATRIX_BT709;
    vt_kernels_force_baseline(1);
    CHECK_STATUS(vt_convert_image(&s.im, &a.im, &o), 0);
    for (int level = VT_KERNELS_LEVEL_AVX2; level <= VT_KERNELS_LEVEL_AVX512; level++) {
        vt_kernels_force_level(level);
        CHECK_STATUS(vt_convert_image(&s.im, &b.im, &o), 0);
        CHECK_MSG(same_bytes(&a, &b), "%s %dx%d -> %s %dx%d: baseline and level %d kernels differ",
                  sf->name, sw, sh, df->name, dw, dh, level);
    }
    vt_kernels_force_level(-1);
    t_image_free(&s);
    t_image_free(&a);
    t_image_free(&b);
}

typedef struct Job {
    int index;
    int ok;
} Job;

/* Many plans at once, each with its own threads. */
static void *concurrent_job(void *arg) {
    Job *job = arg;
    const TFormat *sf = &t_formats[job->index % T_NFORMATS];
    const TFormat *df = &t_formats[(job->index * 7 + 3) % T_NFORMATS];
    TImage s, a, b;
    int dw = HAVE_LIBYUV ? 50 : 96, dh = HAVE_LIBYUV ? 33 : 61;
    job->ok = 0;
    if (!t_image_alloc(&s, sf->fourcc, 96, 61, 0) || !t_image_alloc(&a, df->fourcc, dw, dh, 0) ||
        !t_image_alloc(&b, df->fourcc, dw, dh, 0))
        return NULL;
    t_fill_random(&s, (uint32_t)job->index);
    VTConvertOptions o;
    vt_convert_options_init(&o);
    o.n_threads = 1;
    int ok = vt_convert_image(&s.im, &a.im, &o) == 0;
    o.n_threads = 3;
    for (int i = 0; i < 5 && ok; i++)
        ok = vt_convert_image(&s.im, &b.im, &o) == 0 && same_bytes(&a, &b);
    job->ok = ok;
    t_image_free(&s);
    t_image_free(&a);
    t_image_free(&b);
    return NULL;
}

int main(void) {
#if !HAVE_LIBYUV
    int scale = 0;
#else
    int scale = 1;
#endif
    for (int i = 0; i < T_NFORMATS; i++)
        for (int j = 0; j < T_NFORMATS; j++) {
            const TFormat *sf = &t_formats[i], *df = &t_formats[j];
            compare_threads(sf, df, 67, 51, 67, 51, VT_SCALE_FILTER_AUTO, (i + j) & 1);
            if (scale) {
                compare_threads(sf, df, 67, 51, 40, 37, VT_SCALE_FILTER_AUTO, 1);
                compare_threads(sf, df, 40, 31, 101, 77, VT_SCALE_FILTER_AUTO, 0);
                /* Scaled images whose chroma planes keep their size across a
                 * change of subsampling (4:2:0 3x3 and 4:2:2 4x2 both have
                 * 2x2 chroma; 4:2:0 8x8 and 4:4:4 4x4 both 4x4): no chroma
                 * resampling, but the bands must still line up (bug H6). */
                static const int same_chroma[][4] = {
                    {3, 3, 4, 2}, {4, 2, 3, 3}, {7, 7, 8, 4}, {8, 4, 7, 7},
                    {8, 8, 4, 4}, {4, 4, 8, 8}, {5, 9, 6, 5}, {6, 5, 5, 9},
                };
                for (unsigned k = 0; k < sizeof(same_chroma) / sizeof(same_chroma[0]); k++)
                    compare_threads(sf, df, same_chroma[k][0], same_chroma[k][1], same_chroma[k][2],
                                    same_chroma[k][3], VT_SCALE_FILTER_AUTO, (int)(k & 1));
            }
        }
    for (int i = 0; i < T_NFORMATS; i++)
        for (int j = 0; j < T_NFORMATS; j++) {
            compare_kernel_variants(&t_formats[i], &t_formats[j], 131, 9, 131, 9,
                                    VT_SCALE_FILTER_AUTO, (i + j) & 1);
            /* 128 + 64 + 58 columns: every kernel width in one row */
            compare_kernel_variants(&t_formats[i], &t_formats[j], 250, 5, 250, 5,
                                    VT_SCALE_FILTER_AUTO, !((i + j) & 1));
            if (scale)
                compare_kernel_variants(&t_formats[i], &t_formats[j], 131, 67, 40, 21,
                                        VT_SCALE_FILTER_BOX, 1);
        }

    static const OSType hd[][2] = {
        {kCVPixelFormatType_420YpCbCr8BiPlanarVideoRange, kCVPixelFormatType_32BGRA},
        {kCVPixelFormatType_32BGRA, kCVPixelFormatType_420YpCbCr8BiPlanarVideoRange},
        {kCVPixelFormatType_32BGRA, kCVPixelFormatType_32RGBA},
        {kCVPixelFormatType_420YpCbCr10BiPlanarVideoRange, kCVPixelFormatType_422YpCbCr8},
    };
    static const VTScaleFilter filters[] = {VT_SCALE_FILTER_POINT, VT_SCALE_FILTER_BILINEAR,
                                            VT_SCALE_FILTER_BOX};
    for (unsigned k = 0; k < sizeof(hd) / sizeof(hd[0]); k++) {
        const TFormat *sf = t_format(hd[k][0]), *df = t_format(hd[k][1]);
        compare_threads(sf, df, 1920, 1080, 1920, 1080, VT_SCALE_FILTER_AUTO, 1);
        for (unsigned f = 0; f < 3 && scale; f++) {
            compare_threads(sf, df, 1920, 1080, 1280, 719, filters[f], 1);
            compare_threads(sf, df, 1920, 1080, 640, 361, filters[f], 1);
            compare_threads(sf, df, 1280, 720, 1920, 1081, filters[f], 0);
        }
    }

    /* 1080p-class YCbCr -> RGB32 at every kernel level: rows that start
     * 64-byte aligned (1920) and rows that mostly do not (1930) */
    static const OSType streamed[][2] = {
        {kCVPixelFormatType_420YpCbCr8Planar, kCVPixelFormatType_32BGRA},
        {kCVPixelFormatType_420YpCbCr8BiPlanarVideoRange, kCVPixelFormatType_32ARGB},
    };
    for (unsigned k = 0; k < sizeof(streamed) / sizeof(streamed[0]); k++) {
        const TFormat *sf = t_format(streamed[k][0]), *df = t_format(streamed[k][1]);
        compare_kernel_variants(sf, df, 1920, 1088, 1920, 1088, VT_SCALE_FILTER_AUTO, 0);
        compare_kernel_variants(sf, df, 1930, 1090, 1930, 1090, VT_SCALE_FILTER_AUTO, 0);
        compare_threads(sf, df, 1920, 1088, 1920, 1088, VT_SCALE_FILTER_AUTO, 0);
    }

    pthread_t th[6];
    Job jobs[6];
    for (int i = 0; i < 6; i++) {
        jobs[i].index = i * 5 + 1;
        CHECK(pthread_create(&th[i], NULL, concurrent_job, &jobs[i]) == 0);
    }
    for (int i = 0; i < 6; i++) {
        pthread_join(th[i], NULL);
        CHECK_MSG(jobs[i].ok, "concurrent plan %d", i);
    }
    return vt_test_result();
}
