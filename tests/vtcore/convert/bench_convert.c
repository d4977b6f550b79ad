/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Benchmark (meson benchmark 'convert', not a test): at 1080p, times a
 * conversion plan against the raw libyuv kernel doing the same work and a
 * memcpy of the destination's bytes, interleaved A B C per iteration, and
 * prints medians and ratios. Iterations: VTCORE_BENCH_ITERATIONS (default 30);
 * VTCORE_KERNEL_LEVEL=0/1/2 caps vtcore's own kernels at the baseline, AVX2
 * or AVX-512 (default: what the CPU has).
 *
 *   meson test -C <build> --benchmark --suite vtcore convert -v
 *   VTCORE_BENCH_ITERATIONS=200 <build>/tests/vtcore/convert/bench_convert
 *
 * "same work": libyuv's BT.601 video-range YCbCr -> RGB kernels are off by up
 * to 3 (BT.709/2020: 18), so the plan runs vtcore's own kernel there; those
 * rows compare different code doing the same job. Rows marked "=" run the
 * same libyuv kernel inside the plan.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libyuv.h>

#include "convert/convert_internal.h"
#include "convert_test_util.h"

static double now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec * 1e-6;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, int n) {
    qsort(v, (size_t)n, sizeof(double), cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

typedef enum {
    RAW_I420_TO_NV12,
    RAW_NV12_TO_I420,
    RAW_I420_TO_BGRA,
    RAW_J420_TO_BGRA,
    RAW_BGRA_TO_I420,
    RAW_BGRA_TO_NV12,
    RAW_NV12_TO_BGRA,
    RAW_SCALE_I420,
} RawKind;

typedef struct Case {
    const char *name;
    OSType src, dst;
    int sw, sh, dw, dh;
    RawKind raw;
    int matrix;
    int average;
    int filter;
    int same_kernel; /* the plan runs this very libyuv kernel */
} Case;

static void run_raw(RawKind k, TImage *s, TImage *d) {
    VTImage *a = &s->im, *b = &d->im;
    switch (k) {
    case RAW_I420_TO_NV12:
        I420ToNV12(a->data[0], a->stride[0], a->data[1], a->stride[1], a->data[2], a->stride[2],
                   b->data[0], b->stride[0], b->data[1], b->stride[1], a->width, a->height);
        break;
    case RAW_NV12_TO_I420:
        NV12ToI420(a->data[0], a->stride[0], a->data[1], a->stride[1], b->data[0], b->stride[0],
                   b->data[1], b->stride[1], b->data[2], b->stride[2], a->width, a->height);
        break;
    case RAW_I420_TO_BGRA:
        I420ToARGB(a->data[0], a->stride[0], a->data[1], a->stride[1], a->data[2], a->stride[2],
                   b->data[0], b->stride[0], a->width, a->height);
        break;
    case RAW_J420_TO_BGRA:
        J420ToARGB(a->data[0], a->stride[0], a->data[1], a->stride[1], a->data[2], a->stride[2],
                   b->data[0], b->stride[0], a->width, a->height);
        break;
    case RAW_BGRA_TO_I420:
        ARGBToI420(a->data[0], a->stride[0], b->data[0], b->stride[0], b->data[1], b->stride[1],
                   b->data[2], b->stride[2], a->width, a->height);
        break;
    case RAW_BGRA_TO_NV12:
        ARGBToNV12(a->data[0], a->stride[0], b->data[0], b->stride[0], b->data[1], b->stride[1],
                   a->width, a->height);
        break;
    case RAW_NV12_TO_BGRA:
        NV12ToARGB(a->data[0], a->stride[0], a->data[1], a->stride[1], b->data[0], b->stride[0],
                   a->width, a->height);
        break;
    case RAW_SCALE_I420:
        I420Scale(a->data[0], a->stride[0], a->data[1], a->stride[1], a->data[2], a->stride[2],
                  a->width, a->height, b->data[0], b->stride[0], b->data[1], b->stride[1],
                  b->data[2], b->stride[2], b->width, b->height, kFilterBilinear);
        break;
    }
}

static size_t image_bytes(const TImage *t) {
    size_t n = 0;
    for (int p = 0; p < t->nplanes; p++)
        n += (size_t)t->pw[p] * t->bpe[p] * t->ph[p];
    return n;
}

int main(void) {
    int iters = 30;
    const char *env = getenv("VTCORE_BENCH_ITERATIONS");
    if (env && atoi(env) > 0)
        iters = atoi(env);
    const OSType I420 = kCVPixelFormatType_420YpCbCr8Planar;
    const OSType J420 = kCVPixelFormatType_420YpCbCr8PlanarFullRange;
    const OSType NV12 = kCVPixelFormatType_420YpCbCr8BiPlanarVideoRange;
    const OSType BGRA = kCVPixelFormatType_32BGRA;
    const int B = VT_SCALE_FILTER_BILINEAR;
    /* clang-format off */
    const Case cases[] = {
        {"I420->NV12",            I420, NV12, 1920, 1080, 1920, 1080, RAW_I420_TO_NV12, 6, 1, 0, 1},
        {"NV12->I420",            NV12, I420, 1920, 1080, 1920, 1080, RAW_NV12_TO_I420, 6, 1, 0, 1},
        {"I420->BGRA 601",        I420, BGRA, 1920, 1080, 1920, 1080, RAW_I420_TO_BGRA, 6, 1, 0, 0},
        {"I420->BGRA 709",        I420, BGRA, 1920, 1080, 1920, 1080, RAW_I420_TO_BGRA, 1, 1, 0, 0},
        {"I420f->BGRA 601",       J420, BGRA, 1920, 1080, 1920, 1080, RAW_J420_TO_BGRA, 6, 1, 0, 1},
        {"BGRA->I420 601 avg",    BGRA, I420, 1920, 1080, 1920, 1080, RAW_BGRA_TO_I420, 6, 1, 0, 1},
        {"BGRA->I420 601 dec",    BGRA, I420, 1920, 1080, 1920, 1080, RAW_BGRA_TO_I420, 6, 0, 0, 0},
        {"BGRA->I420 709 avg",    BGRA, I420, 1920, 1080, 1920, 1080, RAW_BGRA_TO_I420, 1, 1, 0, 0},
        {"BGRA->NV12 601 avg",    BGRA, NV12, 1920, 1080, 1920, 1080, RAW_BGRA_TO_NV12, 6, 1, 0, 1},
        {"BGRA->NV12 709 dec",    BGRA, NV12, 1920, 1080, 1920, 1080, RAW_BGRA_TO_NV12, 1, 0, 0, 0},
        {"NV12->BGRA 601",        NV12, BGRA, 1920, 1080, 1920, 1080, RAW_NV12_TO_BGRA, 6, 1, 0, 0},
        {"NV12->BGRA 709",        NV12, BGRA, 1920, 1080, 1920, 1080, RAW_NV12_TO_BGRA, 1, 1, 0, 0},
        {"I420 1080p->720p bil",  I420, I420, 1920, 1080, 1280,  720, RAW_SCALE_I420,   6, 1, B, 1},
        {"I420 720p->1080p bil",  I420, I420, 1280,  720, 1920, 1080, RAW_SCALE_I420,   6, 1, B, 1},
    };
    /* clang-format on */
    int ncases = (int)(sizeof(cases) / sizeof(cases[0]));
    double *tp = malloc(sizeof(double) * (size_t)iters),
           *tp2 = malloc(sizeof(double) * (size_t)iters);
    double *tr = malloc(sizeof(double) * (size_t)iters),
           *tm = malloc(sizeof(double) * (size_t)iters);
    if (!tp || !tp2 || !tr || !tm)
        return 1;
    const char *lv = getenv("VTCORE_KERNEL_LEVEL");
    if (lv && *lv)
        vt_kernels_force_level(atoi(lv));
    static const char *const level_names[] = {"baseline C", "AVX2", "AVX-512"};
    int level = vt_kernels_level();
    printf("1080p, %d iterations, medians in ms (fps); plan/raw = cost ratio; '=' marks rows where "
           "the plan runs the same libyuv kernel; vtcore kernels: %s\n",
           iters, level >= 0 && level <= 2 ? level_names[level] : "?");
    printf("%-22s %15s %15s %15s %11s %9s %9s\n", "work", "plan 1 thread", "plan 2 threads",
           "raw libyuv", "memcpy", "plan/raw", "raw/memcpy");
    for (int c = 0; c < ncases; c++) {
        const Case *k = &cases[c];
        TImage s, d, d2, m1;
        if (!t_image_alloc(&s, k->src, k->sw, k->sh, 0) ||
            !t_image_alloc(&d, k->dst, k->dw, k->dh, 0) ||
            !t_image_alloc(&d2, k->dst, k->dw, k->dh, 0)) {
            fprintf(stderr, "allocation failed\n");
            return 1;
        }
        t_fill_random(&s, 1234 + (uint32_t)c);
        size_t bytes = image_bytes(&d);
        uint8_t *mem_a = malloc(bytes), *mem_b = malloc(bytes);
        memset(mem_a, 1, bytes);
        VTConvertOptions o;
        VTConvertPlan *p1 = NULL, *p2 = NULL;
        vt_convert_options_init(&o);
        o.src_matrix = o.dst_matrix = k->matrix;
        o.downsampling = k->average ? VT_DOWNSAMPLE_AVERAGE : VT_DOWNSAMPLE_DECIMATE;
        o.filter = (VTScaleFilter)k->filter;
        if (vt_convert_plan_create(&s.im, &d.im, &o, &p1) != 0)
            return 1;
        o.n_threads = 2;
        if (vt_convert_plan_create(&s.im, &d2.im, &o, &p2) != 0)
            return 1;
        (void)m1;
        /* warm up */
        vt_convert_plan_run(p1, &s.im, &d.im);
        vt_convert_plan_run(p2, &s.im, &d2.im);
        run_raw(k->raw, &s, &d);
        for (int i = 0; i < iters; i++) {
            double t0 = now_ms();
            vt_convert_plan_run(p1, &s.im, &d.im);
            double t1 = now_ms();
            vt_convert_plan_run(p2, &s.im, &d2.im);
            double t2 = now_ms();
            run_raw(k->raw, &s, &d);
            double t3 = now_ms();
            memcpy(mem_b, mem_a, bytes);
            double t4 = now_ms();
            tp[i] = t1 - t0;
            tp2[i] = t2 - t1;
            tr[i] = t3 - t2;
            tm[i] = t4 - t3;
        }
        double mp = median(tp, iters), mp2 = median(tp2, iters), mr = median(tr, iters),
               mm = median(tm, iters);
        printf("%-22s %6.3f (%5.0f) %6.3f (%5.0f) %6.3f (%5.0f) %5.3f %c%8.2f %9.2f\n", k->name, mp,
               1e3 / mp, mp2, 1e3 / mp2, mr, 1e3 / mr, mm, k->same_kernel ? '=' : ' ', mp / mr,
               mr / mm);
        fflush(stdout);
        vt_convert_plan_destroy(p1);
        vt_convert_plan_destroy(p2);
        free(mem_a);
        free(mem_b);
        t_image_free(&s);
        t_image_free(&d);
        t_image_free(&d2);
    }
    free(tp);
    free(tp2);
    free(tr);
    free(tm);
    return 0;
}
