/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Benchmark (issue 8, item 2; not a test): VTPixelTransferSessionTransferImage
 * through the public C API against libyuv's raw kernel doing the same work and
 * a memcpy of the destination's bytes (the limit), at 1080p, for the pairs the
 * GStreamer comparison uses. Per iteration the four variants run interleaved,
 * in a rotating order:
 *   api1    the session, ThreadCount 1 (attachments, colour resolution,
 *           geometry, plan cache, locks: everything a caller pays);
 *   api2    the session, ThreadCount 2;
 *   libyuv  the raw libyuv kernel (BT.601 video range; 2x2 averaged chroma
 *           = kVTDownsamplingMode_Average; box/bilinear scaling);
 *   memcpy  a memcpy of as many bytes as the destination holds.
 * The sessions run with DownsamplingMode Average and BT.601 (source
 * attachment and DestinationYCbCrMatrix) so they do the kernel's job; the
 * "709" rows repeat the RGB pairs with BT.709, the matrix of the 1080p
 * GStreamer comparison (rows marked * time libyuv's BT.601 kernel: libyuv
 * 1857 has no BT.709 RGB -> YCbCr one). For YCbCr -> BGRA, vtcore runs its
 * own exact kernel (libyuv's video-range kernels are off by up to 3 codes):
 * those rows compare two implementations of the same conversion.
 *
 *   bench_transfer_api [iterations]          (default 50, or VTCORE_BENCH_ITERATIONS)
 *
 * Prints a human table, then one "result" line per pair with key=value
 * fields (medians, min and max in ms) for tests/bench/bench.py.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libyuv.h>

#include <CoreVideo/CoreVideo.h>
#include <VideoToolbox/VideoToolbox.h>

enum { V_API1, V_API2, V_RAW, V_MEMCPY, N_VARIANTS };
static const char *const variant_names[N_VARIANTS] = {"api1", "api2", "libyuv", "memcpy"};

typedef enum {
    RAW_I420_TO_NV12,
    RAW_NV12_TO_I420,
    RAW_I420_TO_BGRA,
    RAW_BGRA_TO_I420,
    RAW_BGRA_TO_NV12,
    RAW_NV12_TO_BGRA,
    RAW_SCALE_DOWN,
    RAW_SCALE_UP,
} RawKind;

typedef struct Case {
    const char *name;
    OSType src, dst;
    int sw, sh, dw, dh;
    RawKind raw;
    int bt709; /* BT.709 on the session; libyuv's 709 kernel where it has one */
} Case;

/* Planes of a locked buffer (packed formats: one plane). */
typedef struct Planes {
    uint8_t *data[3];
    int stride[3];
    size_t bytes; /* stride x rows summed over planes */
} Planes;

static double now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec * 1e-6;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median_sorted(const double *v, int n) {
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

static void get_planes(CVPixelBufferRef pb, Planes *p) {
    memset(p, 0, sizeof(*p));
    if (CVPixelBufferIsPlanar(pb)) {
        size_t n = CVPixelBufferGetPlaneCount(pb);
        for (size_t i = 0; i < n && i < 3; i++) {
            p->data[i] = CVPixelBufferGetBaseAddressOfPlane(pb, i);
            p->stride[i] = (int)CVPixelBufferGetBytesPerRowOfPlane(pb, i);
            p->bytes += (size_t)p->stride[i] * CVPixelBufferGetHeightOfPlane(pb, i);
        }
    } else {
        p->data[0] = CVPixelBufferGetBaseAddress(pb);
        p->stride[0] = (int)CVPixelBufferGetBytesPerRow(pb);
        p->bytes = (size_t)p->stride[0] * CVPixelBufferGetHeight(pb);
    }
}

/* Smooth moving gradients plus a little noise: every byte in range, no
 * constant areas a kernel could skip. */
static void fill(const Planes *p, int nplanes, CVPixelBufferRef pb) {
    uint32_t seed = 12345;
    for (int i = 0; i < nplanes; i++) {
        size_t rows = CVPixelBufferIsPlanar(pb) ? CVPixelBufferGetHeightOfPlane(pb, (size_t)i)
                                                : CVPixelBufferGetHeight(pb);
        for (size_t y = 0; y < rows; y++) {
            uint8_t *row = p->data[i] + y * (size_t)p->stride[i];
            for (int x = 0; x < p->stride[i]; x++) {
                seed = seed * 1664525u + 1013904223u;
                row[x] = (uint8_t)(32 + ((x + 2 * (int)y) & 127) + ((seed >> 28) & 15));
            }
        }
    }
}

static void run_raw(const Case *c, const Planes *a, const Planes *b) {
    int w = c->sw, h = c->sh;
    switch (c->raw) {
    case RAW_I420_TO_NV12:
        I420ToNV12(a->data[0], a->stride[0], a->data[1], a->stride[1], a->data[2], a->stride[2],
                   b->data[0], b->stride[0], b->data[1], b->stride[1], w, h);
        break;
    case RAW_NV12_TO_I420:
        NV12ToI420(a->data[0], a->stride[0], a->data[1], a->stride[1], b->data[0], b->stride[0],
                   b->data[1], b->stride[1], b->data[2], b->stride[2], w, h);
        break;
    case RAW_I420_TO_BGRA:
        I420ToARGBMatrix(a->data[0], a->stride[0], a->data[1], a->stride[1], a->data[2],
                         a->stride[2], b->data[0], b->stride[0],
                         c->bt709 ? &kYuvH709Constants : &kYuvI601Constants, w, h);
        break;
    case RAW_BGRA_TO_I420:
        ARGBToI420(a->data[0], a->stride[0], b->data[0], b->stride[0], b->data[1], b->stride[1],
                   b->data[2], b->stride[2], w, h);
        break;
    case RAW_BGRA_TO_NV12:
        ARGBToNV12(a->data[0], a->stride[0], b->data[0], b->stride[0], b->data[1], b->stride[1], w,
                   h);
        break;
    case RAW_NV12_TO_BGRA:
        NV12ToARGBMatrix(a->data[0], a->stride[0], a->data[1], a->stride[1], b->data[0],
                         b->stride[0], c->bt709 ? &kYuvH709Constants : &kYuvI601Constants, w, h);
        break;
    case RAW_SCALE_DOWN:
    case RAW_SCALE_UP:
        I420Scale(a->data[0], a->stride[0], a->data[1], a->stride[1], a->data[2], a->stride[2], w,
                  h, b->data[0], b->stride[0], b->data[1], b->stride[1], b->data[2], b->stride[2],
                  c->dw, c->dh, c->raw == RAW_SCALE_DOWN ? kFilterBox : kFilterBilinear);
        break;
    }
}

static VTPixelTransferSessionRef make_session(int threads, int bt709) {
    VTPixelTransferSessionRef s = NULL;
    if (VTPixelTransferSessionCreate(NULL, &s) != noErr)
        return NULL;
    CFNumberRef n = CFNumberCreate(NULL, kCFNumberIntType, &threads);
    OSStatus st = VTSessionSetProperty(s, kVTCorePixelTransferPropertyKey_ThreadCount, n);
    CFRelease(n);
    if (st == noErr)
        st = VTSessionSetProperty(s, kVTPixelTransferPropertyKey_DownsamplingMode,
                                  kVTDownsamplingMode_Average);
    if (st == noErr)
        st = VTSessionSetProperty(s, kVTPixelTransferPropertyKey_DestinationYCbCrMatrix,
                                  bt709 ? kCVImageBufferYCbCrMatrix_ITU_R_709_2
                                        : kCVImageBufferYCbCrMatrix_ITU_R_601_4);
    if (st != noErr) {
        fprintf(stderr, "transfer session property: %d\n", (int)st);
        CFRelease(s);
        return NULL;
    }
    return s;
}

static int run_case(const Case *c, int iters) {
    CVPixelBufferRef src = NULL, dst = NULL;
    if (CVPixelBufferCreate(NULL, (size_t)c->sw, (size_t)c->sh, c->src, NULL, &src) != 0 ||
        CVPixelBufferCreate(NULL, (size_t)c->dw, (size_t)c->dh, c->dst, NULL, &dst) != 0) {
        fprintf(stderr, "%s: CVPixelBufferCreate failed\n", c->name);
        return 1;
    }
    CVBufferSetAttachment(src, kCVImageBufferYCbCrMatrixKey,
                          c->bt709 ? kCVImageBufferYCbCrMatrix_ITU_R_709_2
                                   : kCVImageBufferYCbCrMatrix_ITU_R_601_4,
                          kCVAttachmentMode_ShouldPropagate);
    VTPixelTransferSessionRef s1 = make_session(1, c->bt709), s2 = make_session(2, c->bt709);
    if (!s1 || !s2)
        return 1;
    Planes ps, pd;
    CVPixelBufferLockBaseAddress(src, 0);
    CVPixelBufferLockBaseAddress(dst, 0);
    get_planes(src, &ps);
    get_planes(dst, &pd);
    fill(&ps, CVPixelBufferIsPlanar(src) ? (int)CVPixelBufferGetPlaneCount(src) : 1, src);
    CVPixelBufferUnlockBaseAddress(dst, 0);
    uint8_t *m0 = malloc(pd.bytes), *m1 = malloc(pd.bytes);
    double *t[N_VARIANTS];
    for (int v = 0; v < N_VARIANTS; v++)
        t[v] = calloc((size_t)iters, sizeof(double));
    if (!m0 || !m1 || !t[0] || !t[1] || !t[2] || !t[3]) {
        fprintf(stderr, "out of memory\n");
        return 1;
    }
    memset(m0, 1, pd.bytes);
    int bad = 0;
    for (int i = -3; i < iters; i++) { /* 3 warm-up rounds */
        for (int k = 0; k < N_VARIANTS; k++) {
            int v = (k + (i < 0 ? 0 : i)) % N_VARIANTS; /* rotate the order */
            double t0 = now_ms();
            switch (v) {
            case V_API1:
                bad |= VTPixelTransferSessionTransferImage(s1, src, dst) != noErr;
                break;
            case V_API2:
                bad |= VTPixelTransferSessionTransferImage(s2, src, dst) != noErr;
                break;
            case V_RAW:
                /* the destination is not locked here: the bench writes the
                 * planes the API writes, as a kernel call would */
                run_raw(c, &ps, &pd);
                break;
            default:
                memcpy(m1, m0, pd.bytes);
                break;
            }
            double dt = now_ms() - t0;
            if (i >= 0)
                t[v][i] = dt;
        }
    }
    double med[N_VARIANTS], lo[N_VARIANTS], hi[N_VARIANTS];
    for (int v = 0; v < N_VARIANTS; v++) {
        qsort(t[v], (size_t)iters, sizeof(double), cmp_double);
        med[v] = median_sorted(t[v], iters);
        lo[v] = t[v][0];
        hi[v] = t[v][iters - 1];
    }
    printf("%-16s %8.3f %8.3f %8.3f %8.3f   %6.2f %6.2f %6.2f%s\n", c->name, med[V_API1],
           med[V_API2], med[V_RAW], med[V_MEMCPY], med[V_API1] / med[V_RAW],
           med[V_RAW] / med[V_MEMCPY], med[V_API1] / med[V_MEMCPY], bad ? "  (ERRORS)" : "");
    printf("result case=%s iters=%d", c->name, iters);
    for (int v = 0; v < N_VARIANTS; v++)
        printf(" %s_med=%.4f %s_min=%.4f %s_max=%.4f", variant_names[v], med[v], variant_names[v],
               lo[v], variant_names[v], hi[v]);
    printf(" errors=%d\n", bad);
    fflush(stdout);
    for (int v = 0; v < N_VARIANTS; v++)
        free(t[v]);
    free(m0);
    free(m1);
    CVPixelBufferUnlockBaseAddress(src, 0);
    VTPixelTransferSessionInvalidate(s1);
    VTPixelTransferSessionInvalidate(s2);
    CFRelease(s1);
    CFRelease(s2);
    CVPixelBufferRelease(src);
    CVPixelBufferRelease(dst);
    return bad;
}

int main(int argc, char **argv) {
    const OSType I420 = kCVPixelFormatType_420YpCbCr8Planar;
    const OSType NV12 = kCVPixelFormatType_420YpCbCr8BiPlanarVideoRange;
    const OSType BGRA = kCVPixelFormatType_32BGRA;
    /* clang-format off */
    const Case cases[] = {
        {"I420->NV12",      I420, NV12, 1920, 1080, 1920, 1080, RAW_I420_TO_NV12},
        {"NV12->I420",      NV12, I420, 1920, 1080, 1920, 1080, RAW_NV12_TO_I420},
        {"I420->BGRA",      I420, BGRA, 1920, 1080, 1920, 1080, RAW_I420_TO_BGRA},
        {"BGRA->I420",      BGRA, I420, 1920, 1080, 1920, 1080, RAW_BGRA_TO_I420},
        {"BGRA->NV12",      BGRA, NV12, 1920, 1080, 1920, 1080, RAW_BGRA_TO_NV12},
        {"NV12->BGRA",      NV12, BGRA, 1920, 1080, 1920, 1080, RAW_NV12_TO_BGRA},
        {"I420 1080p->720p", I420, I420, 1920, 1080, 1280, 720, RAW_SCALE_DOWN},
        {"I420 720p->1080p", I420, I420, 1280, 720, 1920, 1080, RAW_SCALE_UP},
        /* BT.709, what the 1080p GStreamer pipelines run. libyuv 1857 has no
         * BT.709 RGB -> YCbCr kernel: those rows time its BT.601 kernel (the
         * same work with other coefficients). */
        {"I420->BGRA 709",  I420, BGRA, 1920, 1080, 1920, 1080, RAW_I420_TO_BGRA, 1},
        {"BGRA->I420 709*", BGRA, I420, 1920, 1080, 1920, 1080, RAW_BGRA_TO_I420, 1},
        {"BGRA->NV12 709*", BGRA, NV12, 1920, 1080, 1920, 1080, RAW_BGRA_TO_NV12, 1},
        {"NV12->BGRA 709",  NV12, BGRA, 1920, 1080, 1920, 1080, RAW_NV12_TO_BGRA, 1},
    };
    /* clang-format on */
    int iters = 50;
    const char *env = getenv("VTCORE_BENCH_ITERATIONS");
    if (argc > 1)
        iters = atoi(argv[1]);
    else if (env)
        iters = atoi(env);
    if (iters < 1)
        iters = 1;
    printf("VTPixelTransferSession C API vs libyuv kernel vs memcpy, 1080p, %d iterations "
           "interleaved; medians in ms per frame\n",
           iters);
    printf("%-16s %8s %8s %8s %8s   %6s %6s %6s\n", "pair", "api 1t", "api 2t", "libyuv", "memcpy",
           "api/yuv", "yuv/mc", "api/mc");
    int bad = 0;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        bad |= run_case(&cases[i], iters);
    return bad;
}
