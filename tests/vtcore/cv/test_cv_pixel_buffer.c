/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * CVPixelBuffer: every format of the table at several sizes (geometry,
 * alignment, planar header, every byte writable), attributes, wrapping client
 * memory (release callbacks), locking, extended pixels, NULL arguments and
 * allocation failures.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <CoreVideo/CoreVideo.h>
#include <vtcore/vtcore.h>

#include "cf/cf_internal.h"
#include "cv/cv_internal.h"
#include "vt_test.h"

static CFNumberRef num(long long v) {
    return vt_cf_number_int64((int64_t)v);
}

/* A dictionary of n key/number pairs (kCFType callbacks). */
static CFDictionaryRef dict_of(int n, const CFStringRef *keys, const long long *values) {
    CFMutableDictionaryRef d = vt_cf_dict_new();
    int i;
    for (i = 0; i < n; i++) {
        CFNumberRef v = num(values[i]);
        CFDictionarySetValue(d, keys[i], v);
        CFRelease(v);
    }
    return d;
}

/* ---- expected geometry, written independently of the table ---- */

typedef struct Expect {
    unsigned planes;   /* CVPixelBufferGetPlaneCount */
    size_t w[3], h[3]; /* plane sizes in elements */
    size_t bpe[3];     /* bytes per element */
} Expect;

static Expect expect_for(const char *name, size_t w, size_t h) {
    Expect e;
    size_t cw = (w + 1) / 2, ch = (h + 1) / 2;
    memset(&e, 0, sizeof(e));
    if (!strcmp(name, "NV12") || !strcmp(name, "NV21")) {
        e = (Expect){2, {w, cw, 0}, {h, ch, 0}, {1, 2, 0}};
    } else if (!strcmp(name, "I420") || !strcmp(name, "YV12")) {
        e = (Expect){3, {w, cw, cw}, {h, ch, ch}, {1, 1, 1}};
    } else if (!strcmp(name, "NV16")) {
        e = (Expect){2, {w, cw, 0}, {h, h, 0}, {1, 2, 0}};
    } else if (!strcmp(name, "NV24")) {
        e = (Expect){2, {w, w, 0}, {h, h, 0}, {1, 2, 0}};
    } else if (!strcmp(name, "Y42B")) {
        e = (Expect){3, {w, cw, cw}, {h, h, h}, {1, 1, 1}};
    } else if (!strcmp(name, "Y444")) {
        e = (Expect){3, {w, w, w}, {h, h, h}, {1, 1, 1}};
    } else if (!strcmp(name, "P010_10LE")) {
        e = (Expect){2, {w, cw, 0}, {h, ch, 0}, {2, 4, 0}};
    } else if (!strcmp(name, "UYVY") || !strcmp(name, "YUY2")) {
        e = (Expect){0, {cw, 0, 0}, {h, 0, 0}, {4, 0, 0}};
    } else if (!strcmp(name, "RGB") || !strcmp(name, "BGR")) {
        e = (Expect){0, {w, 0, 0}, {h, 0, 0}, {3, 0, 0}};
    } else if (!strcmp(name, "GRAY8")) {
        e = (Expect){0, {w, 0, 0}, {h, 0, 0}, {1, 0, 0}};
    } else {
        e = (Expect){0, {w, 0, 0}, {h, 0, 0}, {4, 0, 0}}; /* 32-bit RGB */
    }
    return e;
}

static uint32_t read_be32(const uint8_t *p) {
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static size_t round_up(size_t v, size_t a) {
    return (v + a - 1) / a * a;
}

/* Fills every byte of every row (bytes_per_row * height) of each plane with a
 * pattern and reads it back: ASan reports any plane that is too small. */
static void check_writable(CVPixelBufferRef pb, unsigned nplanes, const Expect *e) {
    unsigned p;
    for (p = 0; p < nplanes; p++) {
        uint8_t *data = vt_pixel_buffer_plane_data(pb, p);
        size_t stride = vt_pixel_buffer_plane_stride(pb, p), y, x, bad = 0;
        for (y = 0; y < e->h[p]; y++)
            memset(data + y * stride, (int)(0x11 * (p + 1) + y), stride);
        for (y = 0; y < e->h[p]; y++)
            for (x = 0; x < stride; x++)
                bad += data[y * stride + x] != (uint8_t)(0x11 * (p + 1) + y);
        CHECK_EQ_INT(bad, 0);
    }
}

static void check_format_size(const VTPixelFormatInfo *f, size_t w, size_t h) {
    CVPixelBufferRef pb = NULL;
    Expect e = expect_for(f->name, w, h);
    unsigned n = e.planes ? e.planes : 1, p;
    size_t sum = 0;

    CHECK_STATUS(CVPixelBufferCreate(NULL, w, h, f->fourcc, NULL, &pb), kCVReturnSuccess);
    if (!pb)
        return;
    CHECK_EQ_INT(CFGetTypeID(pb), CVPixelBufferGetTypeID());
    CHECK_EQ_INT(CVPixelBufferGetWidth(pb), w);
    CHECK_EQ_INT(CVPixelBufferGetHeight(pb), h);
    CHECK_EQ_INT(CVPixelBufferGetPixelFormatType(pb), f->fourcc);
    CHECK_EQ_INT(CVPixelBufferIsPlanar(pb), e.planes != 0);
    CHECK_EQ_INT(CVPixelBufferGetPlaneCount(pb), e.planes);
    CHECK_EQ_INT(f->planes, e.planes);
    CHECK(vt_pixel_buffer_format(pb) == f);
    CHECK_EQ_INT(vt_pixel_buffer_plane_count(pb), n);

    for (p = 0; p < n; p++) {
        uint8_t *data = vt_pixel_buffer_plane_data(pb, p);
        size_t stride = vt_pixel_buffer_plane_stride(pb, p);
        size_t min_row = e.w[p] * e.bpe[p];
        CHECK_MSG(stride == round_up(min_row, 64), "%s %zux%zu plane %u stride %zu min %zu",
                  f->name, w, h, p, stride, min_row);
        CHECK_EQ_INT(vt_pixel_format_plane_width(f, p, w), e.w[p]);
        CHECK_EQ_INT(vt_pixel_format_plane_height(f, p, h), e.h[p]);
        CHECK_EQ_INT(vt_pixel_format_min_bytes_per_row(f, p, w), min_row);
        CHECK_MSG(((uintptr_t)data % 64) == 0, "%s plane %u not 64-byte aligned", f->name, p);
        if (e.planes) {
            CHECK(CVPixelBufferGetBaseAddressOfPlane(pb, p) == data);
            CHECK_EQ_INT(CVPixelBufferGetBytesPerRowOfPlane(pb, p), stride);
            CHECK_EQ_INT(CVPixelBufferGetWidthOfPlane(pb, p), e.w[p]);
            CHECK_EQ_INT(CVPixelBufferGetHeightOfPlane(pb, p), e.h[p]);
        }
        if (p > 0) {
            uint8_t *prev = vt_pixel_buffer_plane_data(pb, p - 1);
            CHECK(data >= prev + vt_pixel_buffer_plane_stride(pb, p - 1) * e.h[p - 1]);
        }
        sum += stride * e.h[p];
    }
    CHECK(CVPixelBufferGetDataSize(pb) >= sum);
    if (e.planes) {
        /* Planar header at the base address: big-endian offsets + row bytes. */
        uint8_t *base = CVPixelBufferGetBaseAddress(pb);
        CHECK(base != NULL && ((uintptr_t)base % 64) == 0);
        for (p = 0; p < e.planes && base; p++) {
            CHECK(base + read_be32(base + 8 * p) == CVPixelBufferGetBaseAddressOfPlane(pb, p));
            CHECK_EQ_INT(read_be32(base + 8 * p + 4), CVPixelBufferGetBytesPerRowOfPlane(pb, p));
        }
        CHECK_EQ_INT(CVPixelBufferGetBytesPerRow(pb), CVPixelBufferGetBytesPerRowOfPlane(pb, 0));
        CHECK(CVPixelBufferGetBaseAddressOfPlane(pb, e.planes) == NULL);
        CHECK_EQ_INT(CVPixelBufferGetWidthOfPlane(pb, e.planes), 0);
        CHECK_EQ_INT(CVPixelBufferGetBytesPerRowOfPlane(pb, 7), 0);
    } else {
        CHECK(CVPixelBufferGetBaseAddress(pb) == vt_pixel_buffer_plane_data(pb, 0));
        CHECK_EQ_INT(CVPixelBufferGetBytesPerRow(pb), vt_pixel_buffer_plane_stride(pb, 0));
        CHECK(CVPixelBufferGetBaseAddressOfPlane(pb, 0) == NULL);
        CHECK_EQ_INT(CVPixelBufferGetWidthOfPlane(pb, 0), 0);
        CHECK_EQ_INT(CVPixelBufferGetHeightOfPlane(pb, 0), 0);
        CHECK_EQ_INT(CVPixelBufferGetBytesPerRowOfPlane(pb, 0), 0);
    }
    CHECK_STATUS(CVPixelBufferLockBaseAddress(pb, 0), kCVReturnSuccess);
    check_writable(pb, n, &e);
    CHECK_STATUS(CVPixelBufferUnlockBaseAddress(pb, 0), kCVReturnSuccess);
    CVPixelBufferRelease(pb);
}

static void test_all_formats(void) {
    static const size_t sizes[][2] = {{1, 1},  {2, 2},  {3, 5},     {17, 9},     {64, 64},
                                      {65, 1}, {1, 33}, {640, 480}, {1279, 719}, {1920, 1080}};
    size_t count, i, s;
    const VTPixelFormatInfo *all = vt_pixel_format_all(&count);

    CHECK(count >= 28);
    for (i = 0; i < count; i++) {
        CHECK(vt_pixel_format_lookup(all[i].fourcc) == &all[i]);
        CHECK(all[i].name != NULL);
        for (s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++)
            check_format_size(&all[i], sizes[s][0], sizes[s][1]);
    }
    /* Every format the brief names is in the table, with its GStreamer name. */
    {
        static const struct {
            OSType fourcc;
            const char *name;
            int full;
        } named[] = {
            {0x34323076, "NV12", 0},
            {0x34323066, "NV12", 1},
            {0x79343230, "I420", 0},
            {0x66343230, "I420", 1},
            {0x32767579, "UYVY", 0},
            {0x79757673, "YUY2", 0},
            {0x79757666, "YUY2", 1},
            {0x42475241, "BGRA", 1},
            {0x52474241, "RGBA", 1},
            {0x00000020, "ARGB", 1},
            {0x41424752, "ABGR", 1},
            {0x4c303038, "GRAY8", 1},
            {0x78343230, "P010_10LE", 0},
            {0x78663230, "P010_10LE", 1},
            {0x34323276, "NV16", 0},
            {0x34323266, "NV16", 1},
            {0x34343476, "NV24", 0},
            {0x34343466, "NV24", 1},
            {kVTCorePixelFormatType_422YpCbCr8Planar, "Y42B", 0},
            {kVTCorePixelFormatType_422YpCbCr8PlanarFullRange, "Y42B", 1},
            {kVTCorePixelFormatType_444YpCbCr8Planar, "Y444", 0},
            {kVTCorePixelFormatType_444YpCbCr8PlanarFullRange, "Y444", 1},
            {kVTCorePixelFormatType_420YpCbCr8PlanarYV12, "YV12", 0},
            {kVTCorePixelFormatType_420YpCbCr8PlanarYV12FullRange, "YV12", 1},
            {kVTCorePixelFormatType_420YpCbCr8BiPlanarNV21VideoRange, "NV21", 0},
            {kVTCorePixelFormatType_420YpCbCr8BiPlanarNV21FullRange, "NV21", 1},
            {0x00000018, "RGB", 1},
            {0x32344247, "BGR", 1},
        };
        for (i = 0; i < sizeof(named) / sizeof(named[0]); i++) {
            const VTPixelFormatInfo *f = vt_pixel_format_lookup(named[i].fourcc);
            CHECK_MSG(f != NULL, "format 0x%08x missing", (unsigned)named[i].fourcc);
            if (f) {
                CHECK_MSG(!strcmp(f->name, named[i].name), "0x%08x named %s",
                          (unsigned)named[i].fourcc, f->name);
                CHECK_EQ_INT(f->full_range, named[i].full);
            }
        }
    }
    /* The vtcore extension fourccs collide with no Apple fourcc vtcore declares. */
    CHECK((OSType)kVTCorePixelFormatType_422YpCbCr8Planar !=
          (OSType)kCVPixelFormatType_422YpCbCr8_yuvs);
    CHECK(vt_pixel_format_lookup(kCVPixelFormatType_422YpCbCr10) == NULL);
    CHECK(vt_pixel_format_plane_width(NULL, 0, 10) == 0);
    CHECK(vt_pixel_format_plane_height(vt_pixel_format_lookup(0x42475241), 1, 10) == 0);
    CHECK(vt_pixel_format_min_bytes_per_row(NULL, 0, 10) == 0);
}

static void test_alignment_attributes(void) {
    CVPixelBufferRef pb = NULL;
    CFDictionaryRef attrs;

    /* No padding when the row is already a multiple of 64 (ttLibC copies
     * planes assuming bytesPerRow == width). */
    CHECK_STATUS(CVPixelBufferCreate(NULL, 640, 480,
                                     kCVPixelFormatType_420YpCbCr8BiPlanarVideoRange, NULL, &pb),
                 kCVReturnSuccess);
    CHECK_EQ_INT(CVPixelBufferGetBytesPerRowOfPlane(pb, 0), 640);
    CHECK_EQ_INT(CVPixelBufferGetBytesPerRowOfPlane(pb, 1), 640);
    CVPixelBufferRelease(pb);

    /* Row alignment 1: tightly packed rows. */
    {
        CFStringRef k[] = {kCVPixelBufferBytesPerRowAlignmentKey};
        long long v[] = {1};
        attrs = dict_of(1, k, v);
    }
    CHECK_STATUS(CVPixelBufferCreate(NULL, 33, 7, kCVPixelFormatType_420YpCbCr8Planar, attrs, &pb),
                 kCVReturnSuccess);
    CHECK_EQ_INT(CVPixelBufferGetBytesPerRowOfPlane(pb, 0), 33);
    CHECK_EQ_INT(CVPixelBufferGetBytesPerRowOfPlane(pb, 1), 17);
    CHECK(((uintptr_t)CVPixelBufferGetBaseAddressOfPlane(pb, 2) % 64) == 0);
    {
        Expect e = expect_for("I420", 33, 7);
        check_writable(pb, 3, &e);
    }
    CVPixelBufferRelease(pb);
    CFRelease(attrs);

    /* Row alignment 16 and plane alignment 4096 (100 rounds up to 128). */
    {
        CFStringRef k[] = {kCVPixelBufferBytesPerRowAlignmentKey, kCVPixelBufferPlaneAlignmentKey};
        long long v[] = {16, 4096};
        attrs = dict_of(2, k, v);
    }
    CHECK_STATUS(CVPixelBufferCreate(NULL, 33, 7, kCVPixelFormatType_420YpCbCr8BiPlanarFullRange,
                                     attrs, &pb),
                 kCVReturnSuccess);
    CHECK_EQ_INT(CVPixelBufferGetBytesPerRowOfPlane(pb, 0), 48);
    CHECK_EQ_INT(CVPixelBufferGetBytesPerRowOfPlane(pb, 1), 48);
    CHECK(((uintptr_t)CVPixelBufferGetBaseAddressOfPlane(pb, 0) % 4096) == 0);
    CHECK(((uintptr_t)CVPixelBufferGetBaseAddressOfPlane(pb, 1) % 4096) == 0);
    CVPixelBufferRelease(pb);
    CFRelease(attrs);
    {
        CFStringRef k[] = {kCVPixelBufferPlaneAlignmentKey};
        long long v[] = {100};
        attrs = dict_of(1, k, v);
    }
    CHECK_STATUS(CVPixelBufferCreate(NULL, 8, 8, kCVPixelFormatType_420YpCbCr8Planar, attrs, &pb),
                 kCVReturnSuccess);
    CHECK(((uintptr_t)CVPixelBufferGetBaseAddressOfPlane(pb, 1) % 128) == 0);
    CVPixelBufferRelease(pb);
    CFRelease(attrs);

    /* Compatibility / IOSurface keys are accepted; a NULL-callback client
     * dictionary (ttLibC, FFmpeg) is read through the exported constants. */
    {
        CFDictionaryRef empty = vt_cf_dict_new();
        const void *keys[] = {
            kCVPixelBufferIOSurfacePropertiesKey, kCVPixelBufferOpenGLCompatibilityKey,
            kCVPixelBufferCGImageCompatibilityKey, kCVPixelBufferMetalCompatibilityKey,
            kCVPixelBufferBytesPerRowAlignmentKey};
        CFNumberRef one = num(1);
        const void *values[] = {empty, kCFBooleanTrue, kCFBooleanTrue, kCFBooleanTrue, one};
        attrs = CFDictionaryCreate(NULL, keys, values, 5, NULL, NULL);
        CHECK_STATUS(CVPixelBufferCreate(NULL, 10, 2, kCVPixelFormatType_32BGRA, attrs, &pb),
                     kCVReturnSuccess);
        CHECK_EQ_INT(CVPixelBufferGetBytesPerRow(pb), 40);
        CVPixelBufferRelease(pb);
        CFRelease(attrs);
        CFRelease(one);
        CFRelease(empty);
    }
}

static void test_invalid_create(void) {
    CVPixelBufferRef pb = (CVPixelBufferRef)(uintptr_t)1;
    CFDictionaryRef attrs;
    CFArrayRef arr = CFArrayCreate(NULL, NULL, 0, &kCFTypeArrayCallBacks);

    CHECK_STATUS(CVPixelBufferCreate(NULL, 16, 16, 0x78787878, NULL, &pb),
                 kCVReturnInvalidPixelFormat);
    CHECK(pb == NULL);
    CHECK_STATUS(CVPixelBufferCreate(NULL, 16, 16, kCVPixelFormatType_422YpCbCr10, NULL, &pb),
                 kCVReturnInvalidPixelFormat);
    CHECK_STATUS(CVPixelBufferCreate(NULL, 0, 16, kCVPixelFormatType_32BGRA, NULL, &pb),
                 kCVReturnInvalidSize);
    CHECK_STATUS(CVPixelBufferCreate(NULL, 16, 0, kCVPixelFormatType_32BGRA, NULL, &pb),
                 kCVReturnInvalidSize);
    CHECK_STATUS(CVPixelBufferCreate(NULL, 65537, 16, kCVPixelFormatType_32BGRA, NULL, &pb),
                 kCVReturnInvalidSize);
    CHECK_STATUS(CVPixelBufferCreate(NULL, 16, (size_t)-1, kCVPixelFormatType_32BGRA, NULL, &pb),
                 kCVReturnInvalidSize);
    CHECK_STATUS(CVPixelBufferCreate(NULL, 16, 16, kCVPixelFormatType_32BGRA, NULL, NULL),
                 kCVReturnInvalidArgument);
    CHECK_STATUS(
        CVPixelBufferCreate(NULL, 16, 16, kCVPixelFormatType_32BGRA, (CFDictionaryRef)arr, &pb),
        kCVReturnInvalidPixelBufferAttributes);
    CHECK(pb == NULL);
    {
        CFStringRef k[] = {kCVPixelBufferExtendedPixelsLeftKey};
        long long v[] = {-1};
        attrs = dict_of(1, k, v);
        CHECK_STATUS(CVPixelBufferCreate(NULL, 16, 16, kCVPixelFormatType_32BGRA, attrs, &pb),
                     kCVReturnInvalidPixelBufferAttributes);
        CFRelease(attrs);
    }
    {
        CFMutableDictionaryRef d = vt_cf_dict_new();
        CFDictionarySetValue(d, kCVPixelBufferBytesPerRowAlignmentKey, CFSTR("sixty-four"));
        CHECK_STATUS(CVPixelBufferCreate(NULL, 16, 16, kCVPixelFormatType_32BGRA, d, &pb),
                     kCVReturnInvalidPixelBufferAttributes);
        CFRelease(d);
    }
    CFRelease(arr);
}

/* ---- client memory ---- */

typedef struct ReleaseLog {
    int calls;
    void *refcon;
    const void *base;
    const void *data_ptr;
    size_t data_size, planes;
    const void *plane_addresses[3];
} ReleaseLog;

static void release_bytes_cb(void *refcon, const void *base) {
    ReleaseLog *log = refcon;
    log->calls++;
    log->refcon = refcon;
    log->base = base;
}

static void release_planar_cb(void *refcon, const void *data_ptr, size_t data_size, size_t planes,
                              const void *plane_addresses[]) {
    ReleaseLog *log = refcon;
    size_t i;
    log->calls++;
    log->refcon = refcon;
    log->data_ptr = data_ptr;
    log->data_size = data_size;
    log->planes = planes;
    for (i = 0; i < planes && i < 3; i++)
        log->plane_addresses[i] = plane_addresses[i];
}

static void test_create_with_bytes(void) {
    ReleaseLog log = {0};
    CVPixelBufferRef pb = NULL;
    uint8_t *mem = malloc(512 * 50);
    uint8_t *uyvy = malloc(16 * 3);

    CHECK_STATUS(CVPixelBufferCreateWithBytes(NULL, 100, 50, kCVPixelFormatType_32BGRA, mem, 512,
                                              release_bytes_cb, &log, NULL, &pb),
                 kCVReturnSuccess);
    CHECK(CVPixelBufferGetBaseAddress(pb) == mem);
    CHECK_EQ_INT(CVPixelBufferGetBytesPerRow(pb), 512);
    CHECK_EQ_INT(CVPixelBufferGetDataSize(pb), 512 * 50);
    CHECK_EQ_INT(CVPixelBufferGetWidth(pb), 100);
    CHECK_EQ_INT(CVPixelBufferGetPlaneCount(pb), 0);
    CHECK(!CVPixelBufferIsPlanar(pb));
    CHECK(vt_pixel_buffer_plane_data(pb, 0) == mem);
    CHECK_STATUS(CVPixelBufferFillExtendedPixels(pb), kCVReturnSuccess);
    CVPixelBufferRetain(pb);
    CVPixelBufferRelease(pb);
    CHECK_EQ_INT(log.calls, 0);
    CVPixelBufferRelease(pb);
    CHECK_EQ_INT(log.calls, 1);
    CHECK(log.refcon == &log);
    CHECK(log.base == mem);

    /* Packed 4:2:2, odd width: 7 pixels = 4 blocks of 4 bytes = 16 bytes. */
    memset(&log, 0, sizeof(log));
    CHECK_STATUS(CVPixelBufferCreateWithBytes(NULL, 7, 3, kCVPixelFormatType_422YpCbCr8, uyvy, 16,
                                              release_bytes_cb, &log, NULL, &pb),
                 kCVReturnSuccess);
    CVPixelBufferRelease(pb);
    CHECK_EQ_INT(log.calls, 1);
    /* Failures never call the callback. */
    memset(&log, 0, sizeof(log));
    pb = (CVPixelBufferRef)(uintptr_t)1;
    CHECK_STATUS(CVPixelBufferCreateWithBytes(NULL, 7, 3, kCVPixelFormatType_422YpCbCr8, uyvy, 15,
                                              release_bytes_cb, &log, NULL, &pb),
                 kCVReturnInvalidArgument);
    CHECK(pb == NULL);
    CHECK_STATUS(CVPixelBufferCreateWithBytes(NULL, 16, 16,
                                              kCVPixelFormatType_420YpCbCr8BiPlanarVideoRange, mem,
                                              512, release_bytes_cb, &log, NULL, &pb),
                 kCVReturnInvalidPixelFormat);
    CHECK_STATUS(CVPixelBufferCreateWithBytes(NULL, 16, 16, 0x78787878, mem, 512, release_bytes_cb,
                                              &log, NULL, &pb),
                 kCVReturnInvalidPixelFormat);
    CHECK_STATUS(CVPixelBufferCreateWithBytes(NULL, 16, 16, kCVPixelFormatType_32BGRA, NULL, 512,
                                              release_bytes_cb, &log, NULL, &pb),
                 kCVReturnInvalidArgument);
    CHECK_STATUS(CVPixelBufferCreateWithBytes(NULL, 0, 16, kCVPixelFormatType_32BGRA, mem, 512,
                                              release_bytes_cb, &log, NULL, &pb),
                 kCVReturnInvalidSize);
    CHECK_STATUS(CVPixelBufferCreateWithBytes(NULL, 16, 16, kCVPixelFormatType_32BGRA, mem, 512,
                                              release_bytes_cb, &log, NULL, NULL),
                 kCVReturnInvalidArgument);
    CHECK_EQ_INT(log.calls, 0);
    /* A NULL callback is fine. */
    CHECK_STATUS(CVPixelBufferCreateWithBytes(NULL, 16, 16, kCVPixelFormatType_32BGRA, mem, 64,
                                              NULL, NULL, NULL, &pb),
                 kCVReturnSuccess);
    CVPixelBufferRelease(pb);
    free(mem);
    free(uyvy);
}

static void test_create_with_planar_bytes(void) {
    ReleaseLog log = {0};
    CVPixelBufferRef pb = NULL;
    size_t w = 33, h = 17;
    size_t strides[3] = {64, 40, 48};
    size_t pw[3] = {33, 17, 17}, ph[3] = {17, 9, 9};
    uint8_t *block = malloc(64 * 17 + 40 * 9 + 48 * 9);
    void *planes[3] = {block, block + 64 * 17, block + 64 * 17 + 40 * 9};
    size_t nv_strides[2] = {33, 34};
    uint8_t *nv = malloc(33 * 17 + 34 * 9);
    void *nv_planes[2] = {nv, nv + 33 * 17};
    unsigned p;

    CHECK_STATUS(CVPixelBufferCreateWithPlanarBytes(NULL, w, h, kCVPixelFormatType_420YpCbCr8Planar,
                                                    block, 4242, 3, planes, pw, ph, strides,
                                                    release_planar_cb, &log, NULL, &pb),
                 kCVReturnSuccess);
    CHECK(CVPixelBufferIsPlanar(pb));
    CHECK_EQ_INT(CVPixelBufferGetPlaneCount(pb), 3);
    CHECK(CVPixelBufferGetBaseAddress(pb) == block);
    CHECK_EQ_INT(CVPixelBufferGetDataSize(pb), 4242);
    for (p = 0; p < 3; p++) {
        CHECK(CVPixelBufferGetBaseAddressOfPlane(pb, p) == planes[p]);
        CHECK_EQ_INT(CVPixelBufferGetBytesPerRowOfPlane(pb, p), strides[p]);
        CHECK_EQ_INT(CVPixelBufferGetWidthOfPlane(pb, p), pw[p]);
        CHECK_EQ_INT(CVPixelBufferGetHeightOfPlane(pb, p), ph[p]);
    }
    CHECK_STATUS(CVPixelBufferLockBaseAddress(pb, kCVPixelBufferLock_ReadOnly), kCVReturnSuccess);
    CHECK_STATUS(CVPixelBufferUnlockBaseAddress(pb, kCVPixelBufferLock_ReadOnly), kCVReturnSuccess);
    CVPixelBufferRelease(pb);
    CHECK_EQ_INT(log.calls, 1);
    CHECK(log.refcon == &log);
    CHECK(log.data_ptr == block);
    CHECK_EQ_INT(log.data_size, 4242);
    CHECK_EQ_INT(log.planes, 3);
    for (p = 0; p < 3; p++)
        CHECK(log.plane_addresses[p] == planes[p]);

    /* NV12 without dataPtr and without plane sizes: base address = plane 0. */
    memset(&log, 0, sizeof(log));
    CHECK_STATUS(CVPixelBufferCreateWithPlanarBytes(
                     NULL, w, h, kCVPixelFormatType_420YpCbCr8BiPlanarFullRange, NULL, 0, 2,
                     nv_planes, NULL, NULL, nv_strides, release_planar_cb, &log, NULL, &pb),
                 kCVReturnSuccess);
    CHECK(CVPixelBufferGetBaseAddress(pb) == nv);
    CHECK_EQ_INT(CVPixelBufferGetWidthOfPlane(pb, 1), 17);
    CHECK_EQ_INT(CVPixelBufferGetHeightOfPlane(pb, 1), 9);
    CVPixelBufferRelease(pb);
    CHECK_EQ_INT(log.calls, 1);
    CHECK(log.data_ptr == NULL);
    CHECK(log.plane_addresses[1] == nv_planes[1]);

    /* Failures: no callback. */
    memset(&log, 0, sizeof(log));
    CHECK_STATUS(CVPixelBufferCreateWithPlanarBytes(NULL, w, h, kCVPixelFormatType_420YpCbCr8Planar,
                                                    block, 0, 2, planes, NULL, NULL, strides,
                                                    release_planar_cb, &log, NULL, &pb),
                 kCVReturnInvalidArgument);
    CHECK_STATUS(CVPixelBufferCreateWithPlanarBytes(NULL, w, h, kCVPixelFormatType_32BGRA, block, 0,
                                                    1, planes, NULL, NULL, strides,
                                                    release_planar_cb, &log, NULL, &pb),
                 kCVReturnInvalidPixelFormat);
    {
        size_t short_strides[3] = {64, 16, 48};
        CHECK_STATUS(CVPixelBufferCreateWithPlanarBytes(
                         NULL, w, h, kCVPixelFormatType_420YpCbCr8Planar, block, 0, 3, planes, NULL,
                         NULL, short_strides, release_planar_cb, &log, NULL, &pb),
                     kCVReturnInvalidArgument);
    }
    {
        void *bad_planes[3] = {block, NULL, block};
        CHECK_STATUS(CVPixelBufferCreateWithPlanarBytes(
                         NULL, w, h, kCVPixelFormatType_420YpCbCr8Planar, block, 0, 3, bad_planes,
                         NULL, NULL, strides, release_planar_cb, &log, NULL, &pb),
                     kCVReturnInvalidArgument);
    }
    CHECK_STATUS(CVPixelBufferCreateWithPlanarBytes(NULL, w, h, kCVPixelFormatType_420YpCbCr8Planar,
                                                    block, 0, 3, NULL, NULL, NULL, strides,
                                                    release_planar_cb, &log, NULL, &pb),
                 kCVReturnInvalidArgument);
    CHECK_STATUS(CVPixelBufferCreateWithPlanarBytes(NULL, w, h, kCVPixelFormatType_420YpCbCr8Planar,
                                                    block, 0, 3, planes, NULL, NULL, NULL,
                                                    release_planar_cb, &log, NULL, &pb),
                 kCVReturnInvalidArgument);
    CHECK_STATUS(CVPixelBufferCreateWithPlanarBytes(NULL, w, h, kCVPixelFormatType_420YpCbCr8Planar,
                                                    block, 0, 3, planes, NULL, NULL, strides,
                                                    release_planar_cb, &log, NULL, NULL),
                 kCVReturnInvalidArgument);
    CHECK_STATUS(CVPixelBufferCreateWithPlanarBytes(NULL, w, 0, kCVPixelFormatType_420YpCbCr8Planar,
                                                    block, 0, 3, planes, NULL, NULL, strides,
                                                    release_planar_cb, &log, NULL, &pb),
                 kCVReturnInvalidSize);
    CHECK_EQ_INT(log.calls, 0);
    free(block);
    free(nv);
}

static void test_locking(void) {
    CVPixelBufferRef pb = NULL;
    CHECK_STATUS(CVPixelBufferCreate(NULL, 8, 8, kCVPixelFormatType_32BGRA, NULL, &pb),
                 kCVReturnSuccess);
    CHECK_STATUS(CVPixelBufferUnlockBaseAddress(pb, 0), kCVReturnInvalidArgument);
    CHECK_STATUS(CVPixelBufferLockBaseAddress(pb, kCVPixelBufferLock_ReadOnly), kCVReturnSuccess);
    CHECK_STATUS(CVPixelBufferLockBaseAddress(pb, kCVPixelBufferLock_ReadOnly), kCVReturnSuccess);
    CHECK_STATUS(CVPixelBufferLockBaseAddress(pb, 0), kCVReturnSuccess);
    CHECK_EQ_INT(pb->lock_count, 3);
    CHECK_EQ_INT(pb->ro_lock_count, 2);
    CHECK_STATUS(CVPixelBufferUnlockBaseAddress(pb, kCVPixelBufferLock_ReadOnly), kCVReturnSuccess);
    CHECK_EQ_INT(pb->ro_lock_count, 1);
    CHECK_STATUS(CVPixelBufferUnlockBaseAddress(pb, 0), kCVReturnSuccess);
    CHECK_EQ_INT(pb->lock_count, 1);
    CHECK_EQ_INT(pb->ro_lock_count, 1);
    /* Mismatched flags: tolerated, the read-only lock is released. */
    CHECK_STATUS(CVPixelBufferUnlockBaseAddress(pb, 0), kCVReturnSuccess);
    CHECK_EQ_INT(pb->lock_count, 0);
    CHECK_EQ_INT(pb->ro_lock_count, 0);
    CHECK_STATUS(CVPixelBufferUnlockBaseAddress(pb, kCVPixelBufferLock_ReadOnly),
                 kCVReturnInvalidArgument);
    CHECK_STATUS(CVPixelBufferLockBaseAddress(pb, 0), kCVReturnSuccess);
    CHECK_STATUS(CVPixelBufferUnlockBaseAddress(pb, kCVPixelBufferLock_ReadOnly), kCVReturnSuccess);
    CHECK_EQ_INT(pb->lock_count, 0);
    CHECK_EQ_INT(pb->ro_lock_count, 0);
    /* Released while locked: no leak, no crash. */
    CHECK_STATUS(CVPixelBufferLockBaseAddress(pb, 0), kCVReturnSuccess);
    CVPixelBufferRelease(pb);
}

static void test_extended_pixels(void) {
    static const OSType fmts[] = {kCVPixelFormatType_420YpCbCr8BiPlanarVideoRange,
                                  kCVPixelFormatType_32BGRA, kCVPixelFormatType_422YpCbCr8,
                                  kCVPixelFormatType_420YpCbCr8Planar,
                                  kCVPixelFormatType_420YpCbCr10BiPlanarVideoRange};
    CFStringRef k[] = {kCVPixelBufferExtendedPixelsLeftKey, kCVPixelBufferExtendedPixelsRightKey,
                       kCVPixelBufferExtendedPixelsTopKey, kCVPixelBufferExtendedPixelsBottomKey};
    long long v[] = {16, 8, 4, 6};
    CFDictionaryRef attrs = dict_of(4, k, v);
    size_t f;

    for (f = 0; f < sizeof(fmts) / sizeof(fmts[0]); f++) {
        CVPixelBufferRef pb = NULL;
        size_t l, r, t, b, w = 13, h = 7;
        unsigned p, n;
        CHECK_STATUS(CVPixelBufferCreate(NULL, w, h, fmts[f], attrs, &pb), kCVReturnSuccess);
        if (!pb)
            continue;
        CVPixelBufferGetExtendedPixels(pb, &l, &r, &t, &b);
        CHECK(l == 16 && r == 8 && t == 4 && b == 6);
        n = vt_pixel_buffer_plane_count(pb);
        for (p = 0; p < n; p++) {
            const VTPixelFormatInfo *fi = vt_pixel_buffer_format(pb);
            size_t bpe = fi->plane[p].bytes_per_element;
            size_t el = vt_pixel_format_plane_width(fi, p, 16);
            size_t er = vt_pixel_format_plane_width(fi, p, 8);
            size_t et = vt_pixel_format_plane_height(fi, p, 4);
            size_t eb = vt_pixel_format_plane_height(fi, p, 6);
            size_t pw = vt_pixel_format_plane_width(fi, p, w);
            size_t ph = vt_pixel_format_plane_height(fi, p, h);
            size_t stride = vt_pixel_buffer_plane_stride(pb, p), x, y, bad = 0;
            uint8_t *d = vt_pixel_buffer_plane_data(pb, p);
            uint8_t *first = d - et * stride - el * bpe;
            CHECK(stride >= (el + pw + er) * bpe);
            /* Whole extended area writable (ASan). */
            for (y = 0; y < et + ph + eb; y++)
                memset(first + y * stride, 0, (el + pw + er) * bpe);
            /* Visible pixels: distinct values. */
            for (y = 0; y < ph; y++)
                for (x = 0; x < pw * bpe; x++)
                    d[y * stride + x] = (uint8_t)(y * 31 + x + 1);
            CHECK_STATUS(CVPixelBufferFillExtendedPixels(pb), kCVReturnSuccess);
            /* Every extended element equals the nearest edge element. */
            for (y = 0; y < et + ph + eb; y++) {
                size_t sy = y < et ? 0 : (y - et >= ph ? ph - 1 : y - et);
                for (x = 0; x < el + pw + er; x++) {
                    size_t sx = x < el ? 0 : (x - el >= pw ? pw - 1 : x - el);
                    bad +=
                        memcmp(first + y * stride + x * bpe, d + sy * stride + sx * bpe, bpe) != 0;
                }
            }
            CHECK_MSG(bad == 0, "format 0x%08x plane %u: %zu wrong", (unsigned)fmts[f], p, bad);
        }
        CVPixelBufferRelease(pb);
    }
    CFRelease(attrs);
}

static void test_resolved_attributes(void) {
    CFDictionaryRef out = (CFDictionaryRef)(uintptr_t)1, a, b;
    CFArrayRef arr;
    CFStringRef ka[] = {kCVPixelBufferWidthKey, kCVPixelBufferHeightKey};
    long long va[] = {100, 200};
    CFStringRef kb[] = {kCVPixelBufferHeightKey, kCVPixelBufferPixelFormatTypeKey};
    long long vb[] = {300, kCVPixelFormatType_32BGRA};
    int64_t v;

    a = dict_of(2, ka, va);
    b = dict_of(2, kb, vb);
    {
        const void *values[] = {a, b};
        arr = CFArrayCreate(NULL, values, 2, &kCFTypeArrayCallBacks);
    }
    CHECK_STATUS(CVPixelBufferCreateResolvedAttributesDictionary(NULL, arr, &out),
                 kCVReturnSuccess);
    CHECK_EQ_INT(CFDictionaryGetCount(out), 3);
    CHECK(vt_cf_get_int64(CFDictionaryGetValue(out, kCVPixelBufferWidthKey), &v) && v == 100);
    CHECK(vt_cf_get_int64(CFDictionaryGetValue(out, kCVPixelBufferHeightKey), &v) && v == 300);
    CFRelease(out);
    CFRelease(arr);

    CHECK_STATUS(CVPixelBufferCreateResolvedAttributesDictionary(NULL, NULL, &out),
                 kCVReturnSuccess);
    CHECK(out != NULL && CFDictionaryGetCount(out) == 0);
    if (out)
        CFRelease(out);
    {
        const void *values[] = {a, kCFBooleanTrue};
        arr = CFArrayCreate(NULL, values, 2, &kCFTypeArrayCallBacks);
    }
    CHECK_STATUS(CVPixelBufferCreateResolvedAttributesDictionary(NULL, arr, &out),
                 kCVReturnInvalidArgument);
    CHECK(out == NULL);
    CHECK_STATUS(CVPixelBufferCreateResolvedAttributesDictionary(NULL, arr, NULL),
                 kCVReturnInvalidArgument);
    CHECK_STATUS(CVPixelBufferCreateResolvedAttributesDictionary(NULL, (CFArrayRef)a, &out),
                 kCVReturnInvalidArgument);
    CFRelease(arr);

    /* IsCompatibleWithAttributes. */
    {
        CVPixelBufferRef pb = NULL;
        CFStringRef kc[] = {kCVPixelBufferWidthKey, kCVPixelBufferHeightKey,
                            kCVPixelBufferPixelFormatTypeKey};
        long long vc[] = {100, 300, kCVPixelFormatType_32BGRA};
        CFDictionaryRef c = dict_of(3, kc, vc);
        CHECK_STATUS(CVPixelBufferCreate(NULL, 100, 300, kCVPixelFormatType_32BGRA, NULL, &pb),
                     kCVReturnSuccess);
        CHECK(CVPixelBufferIsCompatibleWithAttributes(pb, c));
        CHECK(CVPixelBufferIsCompatibleWithAttributes(pb, NULL));
        CHECK(!CVPixelBufferIsCompatibleWithAttributes(pb, a)); /* height 200 */
        CHECK(!CVPixelBufferIsCompatibleWithAttributes(NULL, c));
        CFRelease(c);
        CVPixelBufferRelease(pb);
    }
    CFRelease(a);
    CFRelease(b);
}

static void test_null_arguments(void) {
    size_t l = 9, r = 9, t = 9, b = 9;
    CFStringRef not_a_buffer = CFSTR("not a buffer");
    CVPixelBufferRef fake = (CVPixelBufferRef)not_a_buffer;

    CHECK(CVPixelBufferGetTypeID() != 0);
    CHECK(CVPixelBufferRetain(NULL) == NULL);
    CVPixelBufferRelease(NULL);
    CHECK(CVBufferRetain(NULL) == NULL);
    CVBufferRelease(NULL);
    CHECK_STATUS(CVPixelBufferLockBaseAddress(NULL, 0), kCVReturnInvalidArgument);
    CHECK_STATUS(CVPixelBufferUnlockBaseAddress(NULL, 0), kCVReturnInvalidArgument);
    CHECK_STATUS(CVPixelBufferLockBaseAddress(fake, 0), kCVReturnInvalidArgument);
    CHECK_EQ_INT(CVPixelBufferGetWidth(NULL), 0);
    CHECK_EQ_INT(CVPixelBufferGetHeight(NULL), 0);
    CHECK_EQ_INT(CVPixelBufferGetWidth(fake), 0);
    CHECK_EQ_INT(CVPixelBufferGetPixelFormatType(NULL), 0);
    CHECK(CVPixelBufferGetBaseAddress(NULL) == NULL);
    CHECK(CVPixelBufferGetBaseAddress(fake) == NULL);
    CHECK_EQ_INT(CVPixelBufferGetBytesPerRow(NULL), 0);
    CHECK_EQ_INT(CVPixelBufferGetDataSize(NULL), 0);
    CHECK(!CVPixelBufferIsPlanar(NULL));
    CHECK_EQ_INT(CVPixelBufferGetPlaneCount(NULL), 0);
    CHECK_EQ_INT(CVPixelBufferGetWidthOfPlane(NULL, 0), 0);
    CHECK_EQ_INT(CVPixelBufferGetHeightOfPlane(NULL, 0), 0);
    CHECK(CVPixelBufferGetBaseAddressOfPlane(NULL, 0) == NULL);
    CHECK_EQ_INT(CVPixelBufferGetBytesPerRowOfPlane(NULL, 0), 0);
    CVPixelBufferGetExtendedPixels(NULL, &l, &r, &t, &b);
    CHECK(l == 0 && r == 0 && t == 0 && b == 0);
    CVPixelBufferGetExtendedPixels(NULL, NULL, NULL, NULL, NULL);
    CHECK_STATUS(CVPixelBufferFillExtendedPixels(NULL), kCVReturnInvalidArgument);
    CHECK(!CVPixelBufferIsCompatibleWithAttributes(NULL, NULL));
    CHECK(vt_pixel_buffer_format(NULL) == NULL);
    CHECK_EQ_INT(vt_pixel_buffer_plane_count(NULL), 0);
    CHECK(vt_pixel_buffer_plane_data(NULL, 0) == NULL);
    CHECK_EQ_INT(vt_pixel_buffer_plane_stride(NULL, 0), 0);
    {
        uint8_t *data[3] = {(uint8_t *)1, (uint8_t *)1, (uint8_t *)1};
        size_t stride[3] = {1, 1, 1};
        CHECK_EQ_INT(vt_pixel_buffer_get_planes(NULL, data, stride), 0);
        CHECK(data[0] == NULL && stride[2] == 0);
    }
    {
        CGSize s = CVImageBufferGetEncodedSize(NULL);
        CGRect rc = CVImageBufferGetCleanRect(NULL);
        CHECK(s.width == 0 && s.height == 0);
        s = CVImageBufferGetDisplaySize(NULL);
        CHECK(s.width == 0 && s.height == 0);
        CHECK(rc.size.width == 0 && rc.origin.x == 0);
        CHECK(!CVImageBufferIsFlipped(NULL));
    }
}

static void test_allocation_failures(void) {
    long n;
    CFMutableDictionaryRef attrs = vt_cf_dict_new();
    CFMutableDictionaryRef att = vt_cf_dict_new();
    CFDictionarySetValue(att, kCVImageBufferYCbCrMatrixKey, kCVImageBufferYCbCrMatrix_ITU_R_709_2);
    CFDictionarySetValue(attrs, kCVBufferPropagatedAttachmentsKey, att);

    for (n = 1; n < 64; n++) {
        CVPixelBufferRef pb = NULL;
        ReleaseLog log = {0};
        uint8_t mem[64 * 4];
        CVReturn ret;
        long made;

        vtcore_debug_fail_allocation_after(n);
        ret = CVPixelBufferCreate(NULL, 16, 16, kCVPixelFormatType_420YpCbCr8Planar, attrs, &pb);
        CHECK(ret == kCVReturnSuccess || ret == kCVReturnAllocationFailed);
        CHECK((ret == kCVReturnSuccess) == (pb != NULL));
        CVPixelBufferRelease(pb);
        pb = NULL;
        ret = CVPixelBufferCreateWithBytes(NULL, 16, 4, kCVPixelFormatType_32BGRA, mem, 64,
                                           release_bytes_cb, &log, attrs, &pb);
        CHECK(ret == kCVReturnSuccess || ret == kCVReturnAllocationFailed);
        CVPixelBufferRelease(pb);
        /* Exactly one callback when created, none when creation failed. */
        CHECK_EQ_INT(log.calls, ret == kCVReturnSuccess ? 1 : 0);
        made = vtcore_debug_fail_allocation_after(0);
        if (made < n)
            break;
    }
    CHECK(n < 64);
    CFRelease(att);
    CFRelease(attrs);
}

int main(void) {
    test_all_formats();
    test_alignment_attributes();
    test_invalid_create();
    test_create_with_bytes();
    test_create_with_planar_bytes();
    test_locking();
    test_extended_pixels();
    test_resolved_attributes();
    test_null_arguments();
    test_allocation_failures();
    return vt_test_result();
}
