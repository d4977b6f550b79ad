/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Benchmark (meson benchmark 'transfer', not a test): what the C API costs on
 * top of the conversion engine. At 1080p, for I420 -> NV12, NV12 -> I420,
 * BGRA -> I420 (Decimate, the default, and Average) and I420 -> BGRA (BT.601,
 * video range), interleaved per iteration (api and plan alternate which runs
 * first):
 *   api     VTPixelTransferSessionTransferImage on CVPixelBufferCreate
 *           buffers (ThreadCount 1: attachments, colour resolution,
 *           geometry, plan cache lookup, locks included);
 *   plan    vt_convert_plan_run on the same planes (the engine alone);
 *   libyuv  the raw libyuv kernel for the same conversion;
 *   memcpy  a memcpy of the destination's bytes;
 *   api-mt  the API with ThreadCount 0 (automatic).
 * Prints medians (ms per frame) and ratios. Iterations:
 * VTCORE_BENCH_ITERATIONS (default 50).
 *
 *   meson test -C <build> --benchmark --suite vtcore transfer -v
 *   VTCORE_BENCH_ITERATIONS=200 <build>/tests/vtcore/transfer/bench_transfer
 *
 * I420 -> BGRA: libyuv's BT.601 video-range YCbCr -> RGB kernel is off by up
 * to 3 codes, so the engine runs its own kernel there; that row compares
 * different code doing the same job. libyuv's ARGBToI420 averages each 2x2
 * block (kVTDownsamplingMode_Average); the default Decimate keeps the
 * top-left sample, which the engine does with its own kernel.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libyuv.h>

#include <CoreVideo/CoreVideo.h>
#include <VideoToolbox/VideoToolbox.h>

#include "convert/convert.h"
#include "cv/cv_internal.h"

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

typedef enum { RAW_I420_TO_NV12, RAW_NV12_TO_I420, RAW_BGRA_TO_I420, RAW_I420_TO_BGRA } RawKind;

typedef struct Case {
    const char *name;
    OSType src, dst;
    RawKind raw;
    int average; /* kVTDownsamplingMode_Average */
} Case;

static void image_of(CVPixelBufferRef pb, VTImage *img) {
    uint8_t *data[3];
    size_t stride[3];
    unsigned n = vt_pixel_buffer_get_planes(pb, data, stride);
    memset(img, 0, sizeof(*img));
    img->fmt = vt_pixel_buffer_format(pb);
    img->width = (int)CVPixelBufferGetWidth(pb);
    img->height = (int)CVPixelBufferGetHeight(pb);
    for (unsigned i = 0; i < n; i++) {
        img->data[i] = data[i];
        img->stride[i] = (int)stride[i];
    }
}

static void run_raw(RawKind k, const VTImage *a, VTImage *b) {
    switch (k) {
    case RAW_I420_TO_NV12:
        I420ToNV12(a->data[0], a->stride[0], a->data[1], a->stride[1], a->data[2], a->stride[2],
                   b->data[0], b->stride[0], b->data[1], b->stride[1], a->width, a->height);
        break;
    case RAW_NV12_TO_I420:
        NV12ToI420(a->data[0], a->stride[0], a->data[1], a->stride[1], b->data[0], b->stride[0],
                   b->data[1], b->stride[1], b->data[2], b->stride[2], a->width, a->height);
        break;
    case RAW_BGRA_TO_I420:
        ARGBToI420(a->data[0], a->stride[0], b->data[0], b->stride[0], b->data[1], b->stride[1],
                   b->data[2], b->stride[2], a->width, a->height);
        break;
    case RAW_I420_TO_BGRA:
        I420ToARGB(a->data[0], a->stride[0], a->data[1], a->stride[1], a->data[2], a->stride[2],
                   b->data[0], b->stride[0], a->width, a->height);
        break;
    }
}

static size_t buffer_bytes(const VTImage *im) {
    size_t total = 0;
    for (unsigned p = 0; p < vt_pixel_format_plane_count(im->fmt); p++)
        total +=
            (size_t)im->stride[p] * vt_pixel_format_plane_height(im->fmt, p, (size_t)im->height);
    return total;
}

static void fill(CVPixelBufferRef pb) {
    uint8_t *data[3];
    size_t stride[3];
    unsigned n = vt_pixel_buffer_get_planes(pb, data, stride);
    uint32_t s = 12345;
    for (unsigned p = 0; p < n; p++) {
        size_t rows = CVPixelBufferGetHeightOfPlane(pb, p);
        if (!CVPixelBufferIsPlanar(pb))
            rows = CVPixelBufferGetHeight(pb);
        for (size_t i = 0; i < stride[p] * rows; i++) {
            s = s * 1664525u + 1013904223u;
            data[p][i] = (uint8_t)(64 + ((s >> 24) & 127));
        }
    }
}

static int run_case(const Case *c, int iters) {
    const int w = 1920, h = 1080;
    CVPixelBufferRef src = NULL, dst = NULL;
    if (CVPixelBufferCreate(NULL, w, h, c->src, NULL, &src) ||
        CVPixelBufferCreate(NULL, w, h, c->dst, NULL, &dst))
        return 1;
    fill(src);
    CVBufferSetAttachment(src, kCVImageBufferYCbCrMatrixKey, kCVImageBufferYCbCrMatrix_ITU_R_601_4,
                          kCVAttachmentMode_ShouldPropagate);
    VTPixelTransferSessionRef s1 = NULL, smt = NULL;
    VTPixelTransferSessionCreate(NULL, &s1);
    VTPixelTransferSessionCreate(NULL, &smt);
    if (!s1 || !smt)
        return 1;
    int zero = 0;
    CFNumberRef nz = CFNumberCreate(NULL, kCFNumberIntType, &zero);
    VTSessionSetProperty(smt, kVTCorePixelTransferPropertyKey_ThreadCount, nz);
    CFRelease(nz);
    VTSessionSetProperty(s1, kVTPixelTransferPropertyKey_DestinationYCbCrMatrix,
                         kCVImageBufferYCbCrMatrix_ITU_R_601_4);
    VTSessionSetProperty(smt, kVTPixelTransferPropertyKey_DestinationYCbCrMatrix,
                         kCVImageBufferYCbCrMatrix_ITU_R_601_4);
    if (c->average) {
        VTSessionSetProperty(s1, kVTPixelTransferPropertyKey_DownsamplingMode,
                             kVTDownsamplingMode_Average);
        VTSessionSetProperty(smt, kVTPixelTransferPropertyKey_DownsamplingMode,
                             kVTDownsamplingMode_Average);
    }

    VTImage si, di;
    image_of(src, &si);
    image_of(dst, &di);
    VTConvertOptions o;
    vt_convert_options_init(&o);
    o.src_matrix = VT_MATRIX_BT601;
    o.dst_matrix = VT_MATRIX_BT601;
    o.downsampling = c->average ? VT_DOWNSAMPLE_AVERAGE : VT_DOWNSAMPLE_DECIMATE;
    VTConvertPlan *plan = NULL;
    if (vt_convert_plan_create(&si, &di, &o, &plan) != noErr)
        return 1;
    size_t bytes = buffer_bytes(&di);
    uint8_t *m0 = malloc(bytes), *m1 = malloc(bytes);
    memset(m0, 1, bytes);
    memset(m1, 2, bytes);

    double *t[5];
    for (int k = 0; k < 5; k++)
        t[k] = calloc((size_t)iters, sizeof(double));
    int bad = 0;
    for (int i = -3; i < iters; i++) { /* 3 warm-up rounds */
        double ta, tp;
        if (i & 1) { /* alternate which of api / plan runs first */
            double t0 = now_ms();
            bad |= VTPixelTransferSessionTransferImage(s1, src, dst) != noErr;
            double t1 = now_ms();
            vt_convert_plan_run(plan, &si, &di);
            tp = now_ms() - t1;
            ta = t1 - t0;
        } else {
            double t0 = now_ms();
            vt_convert_plan_run(plan, &si, &di);
            double t1 = now_ms();
            bad |= VTPixelTransferSessionTransferImage(s1, src, dst) != noErr;
            ta = now_ms() - t1;
            tp = t1 - t0;
        }
        double r0 = now_ms();
        run_raw(c->raw, &si, &di);
        double d = now_ms();
        memcpy(m1, m0, bytes);
        double e = now_ms();
        bad |= VTPixelTransferSessionTransferImage(smt, src, dst) != noErr;
        double f = now_ms();
        if (i >= 0) {
            t[0][i] = ta;
            t[1][i] = tp;
            t[2][i] = d - r0;
            t[3][i] = e - d;
            t[4][i] = f - e;
        }
    }
    double api = median(t[0], iters), pl = median(t[1], iters), raw = median(t[2], iters);
    double mc = median(t[3], iters), mt = median(t[4], iters);
    printf("%-14s api %7.3f  plan %7.3f  libyuv %7.3f  memcpy %7.3f  api-mt %7.3f ms | "
           "api/plan %.2f  api/libyuv %.2f  api/memcpy %.2f%s\n",
           c->name, api, pl, raw, mc, mt, api / pl, api / raw, api / mc, bad ? "  (ERRORS)" : "");
    for (int k = 0; k < 5; k++)
        free(t[k]);
    free(m0);
    free(m1);
    vt_convert_plan_destroy(plan);
    VTPixelTransferSessionInvalidate(s1);
    VTPixelTransferSessionInvalidate(smt);
    CFRelease(s1);
    CFRelease(smt);
    CVPixelBufferRelease(src);
    CVPixelBufferRelease(dst);
    return bad;
}

int main(void) {
    static const Case cases[] = {
        {"I420->NV12", kCVPixelFormatType_420YpCbCr8Planar,
         kCVPixelFormatType_420YpCbCr8BiPlanarVideoRange, RAW_I420_TO_NV12},
        {"NV12->I420", kCVPixelFormatType_420YpCbCr8BiPlanarVideoRange,
         kCVPixelFormatType_420YpCbCr8Planar, RAW_NV12_TO_I420},
        {"BGRA->I420", kCVPixelFormatType_32BGRA, kCVPixelFormatType_420YpCbCr8Planar,
         RAW_BGRA_TO_I420},
        {"BGRA->I420 avg", kCVPixelFormatType_32BGRA, kCVPixelFormatType_420YpCbCr8Planar,
         RAW_BGRA_TO_I420, 1},
        {"I420->BGRA", kCVPixelFormatType_420YpCbCr8Planar, kCVPixelFormatType_32BGRA,
         RAW_I420_TO_BGRA},
    };
    const char *env = getenv("VTCORE_BENCH_ITERATIONS");
    int iters = env ? atoi(env) : 50;
    if (iters < 1)
        iters = 1;
    printf("1920x1080, %d iterations, medians (ms per frame)\n", iters);
    int bad = 0;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        bad |= run_case(&cases[i], iters);
    return bad;
}
