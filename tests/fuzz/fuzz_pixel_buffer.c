/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * CVPixelBuffer and CVPixelBufferPool with random formats (every row of the
 * table plus unknown fourccs), sizes (0, 1, odd, limits, huge), strides,
 * attribute dictionaries (alignment, extended pixels, random keys and
 * values) and attachments.
 *
 * Every buffer that is created is checked against its own description: each
 * plane's rows (bytes-per-row x height, extended pixels included) are written
 * end to end, so AddressSanitizer proves the memory is really there; the
 * reported geometry agrees with the pixel-format table; client memory is
 * released exactly once. Buffers are also tagged with random attachments
 * and turned into format descriptions and sample buffers. Allocations the
 * library would really make are capped (64 MiB) so the fuzzer does not
 * measure the machine's memory; sizes past the limits must be refused.
 */
#include <string.h>

#include <CoreMedia/CoreMedia.h>
#include <CoreVideo/CoreVideo.h>

#include "cf/cf_internal.h"
#include "cv/cv_internal.h"
#include "cv/pixel_format.h"
#include "fuzz_common.h"

#define MAX_BYTES (64u << 20)

static long release_calls;

static void release_bytes(void *refcon, const void *base) {
    (void)base;
    release_calls++;
    free(refcon);
}

typedef struct PlanarMemory {
    void *plane[3];
} PlanarMemory;

static void release_planar(void *refcon, const void *data, size_t size, size_t planes,
                           const void *addresses[]) {
    PlanarMemory *m = refcon;
    size_t p;
    (void)data;
    (void)size;
    (void)addresses;
    release_calls++;
    for (p = 0; p < 3; p++)
        free(m->plane[p]);
    free(m);
}

static OSType fz_format(FuzzInput *in) {
    size_t count;
    const VTPixelFormatInfo *all = vt_pixel_format_all(&count);
    uint8_t sel = fz_u8(in);
    if (sel < 240)
        return all[fz_below(in, count)].fourcc;
    return fz_u32(in);
}

/* A dimension: mostly small or odd, sometimes a limit or beyond. */
static size_t fz_dim(FuzzInput *in) {
    static const size_t special[] = {0, 1, 2, 3, 5, 15, 16, 17, 65535, 65536, 65537, SIZE_MAX};
    uint8_t sel = fz_u8(in);
    if (sel < 32)
        return special[sel % (sizeof(special) / sizeof(special[0]))];
    if (sel < 224)
        return (size_t)(fz_u8(in) % 130);
    return fz_size(in);
}

/* Random attributes (may be NULL), with the geometry keys drawn from
 * interesting values. +1. */
static CFDictionaryRef fz_attributes(FuzzInput *in) {
    static const CFStringRef *const size_keys[] = {
        &kCVPixelBufferBytesPerRowAlignmentKey, &kCVPixelBufferPlaneAlignmentKey,
        &kCVPixelBufferExtendedPixelsLeftKey,   &kCVPixelBufferExtendedPixelsTopKey,
        &kCVPixelBufferExtendedPixelsRightKey,  &kCVPixelBufferExtendedPixelsBottomKey,
    };
    CFMutableDictionaryRef d;
    CFDictionaryRef base;
    size_t i, n;
    uint8_t sel = fz_u8(in);
    if (sel < 48)
        return NULL;
    base = sel < 128 ? NULL : fz_cf_dictionary(in, 2);
    d = base ? CFDictionaryCreateMutableCopy(NULL, 0, base)
             : CFDictionaryCreateMutable(NULL, 0, &kCFTypeDictionaryKeyCallBacks,
                                         &kCFTypeDictionaryValueCallBacks);
    if (base)
        CFRelease(base);
    if (!d)
        return NULL;
    n = fz_u8(in) % 4;
    for (i = 0; i < n; i++) {
        const CFStringRef key = *size_keys[fz_below(in, sizeof(size_keys) / sizeof(size_keys[0]))];
        CFTypeRef v =
            fz_u8(in) < 200 ? (CFTypeRef)vt_cf_number_int64(fz_int(in) % 300) : fz_cf_value(in, 1);
        if (v) {
            CFDictionarySetValue(d, key, v);
            CFRelease(v);
        }
    }
    return d;
}

static void touch_range(uint8_t *p, size_t n, uint8_t v) {
    if (n) {
        p[0] = v;
        p[n - 1] = v;
        if (n > 2)
            memset(p + 1, v, n - 2 < 256 ? n - 2 : 256);
    }
}

/* Writes every row of every plane (and the extended pixels) of pb. */
static void check_geometry(CVPixelBufferRef pb, OSType format, size_t width, size_t height) {
    const VTPixelFormatInfo *f = vt_pixel_format_lookup(format);
    size_t planes, p, l = 0, r = 0, t = 0, b = 0;
    FUZZ_CHECK(f != NULL);
    FUZZ_CHECK(CVPixelBufferGetPixelFormatType(pb) == format);
    FUZZ_CHECK(CVPixelBufferGetWidth(pb) == width && CVPixelBufferGetHeight(pb) == height);
    FUZZ_CHECK(CVPixelBufferIsPlanar(pb) == (f->planes != 0));
    planes = CVPixelBufferGetPlaneCount(pb);
    FUZZ_CHECK(planes == f->planes);
    CVPixelBufferGetExtendedPixels(pb, &l, &r, &t, &b);
    FUZZ_CHECK(CVPixelBufferLockBaseAddress(pb, 0) == kCVReturnSuccess);
    (void)CVPixelBufferGetDataSize(pb);
    for (p = 0; p < vt_pixel_format_plane_count(f); p++) {
        uint8_t *base =
            planes ? CVPixelBufferGetBaseAddressOfPlane(pb, p) : CVPixelBufferGetBaseAddress(pb);
        size_t bpr =
            planes ? CVPixelBufferGetBytesPerRowOfPlane(pb, p) : CVPixelBufferGetBytesPerRow(pb);
        size_t w =
            planes ? CVPixelBufferGetWidthOfPlane(pb, p) : vt_pixel_format_plane_width(f, 0, width);
        size_t h = planes ? CVPixelBufferGetHeightOfPlane(pb, p) : height;
        size_t min_bpr = vt_pixel_format_min_bytes_per_row(f, (unsigned)p, width);
        size_t bpe = f->plane[p].bytes_per_element;
        size_t el = 0, er = 0, et = 0, eb = 0, row;
        FUZZ_CHECK(base != NULL);
        FUZZ_CHECK(bpr >= min_bpr && min_bpr > 0);
        FUZZ_CHECK(h == vt_pixel_format_plane_height(f, (unsigned)p, height));
        if (planes)
            FUZZ_CHECK(w == vt_pixel_format_plane_width(f, (unsigned)p, width));
        /* Extended pixels in this plane's elements, rounded down: the least
         * any layout honouring the request must provide. */
        el = (l >> f->plane[p].shift_x) / f->block_width;
        er = (r >> f->plane[p].shift_x) / f->block_width;
        et = t >> f->plane[p].shift_y;
        eb = b >> f->plane[p].shift_y;
        /* Visible rows, end to end. */
        for (row = 0; row < h; row++)
            touch_range(base + row * bpr, min_bpr, (uint8_t)row);
        /* The two far corners of the extended area. */
        if (el || er || et || eb) {
            uint8_t *first = base - et * bpr - el * bpe;
            uint8_t *last = base + (h - 1 + eb) * bpr + (w + er) * bpe - 1;
            *first = 1;
            *last = 1;
        }
    }
    FUZZ_CHECK(CVPixelBufferUnlockBaseAddress(pb, 0) == kCVReturnSuccess);
    (void)CVPixelBufferFillExtendedPixels(pb);
}

static void attachments(FuzzInput *in, CVPixelBufferRef pb, CVPixelBufferRef other) {
    size_t i, n = fz_u8(in) % 6;
    for (i = 0; i < n; i++) {
        CFStringRef key =
            fz_u8(in) < 200 ? fz_constant_matching(in, "ImageBuffer") : fz_constant(in);
        CFTypeRef v = fz_cf_value(in, 2);
        CVAttachmentMode mode = fz_u8(in) % 3;
        CVAttachmentMode got = 99;
        CFTypeRef c;
        CVBufferSetAttachment(pb, key, v, mode);
        if (v && mode < 2) {
            FUZZ_CHECK(CVBufferGetAttachment(pb, key, &got) == v && got == mode);
            FUZZ_CHECK(CVBufferHasAttachment(pb, key));
        }
        c = CVBufferCopyAttachment(pb, key, NULL);
        if (c)
            CFRelease(c);
        if (v)
            CFRelease(v);
        if (fz_u8(in) > 220)
            CVBufferRemoveAttachment(pb, key);
    }
    {
        CFDictionaryRef d = fz_cf_dictionary(in, 2);
        if (d) {
            CVBufferSetAttachments(pb, d, fz_u8(in) % 3);
            CFRelease(d);
        }
    }
    for (i = 0; i < 3; i++) {
        CFDictionaryRef d = CVBufferCopyAttachments(pb, (CVAttachmentMode)i);
        (void)CVBufferGetAttachments(pb, (CVAttachmentMode)i);
        if (d) {
            fz_cf_touch(d);
            CFRelease(d);
        }
    }
    /* The image-buffer views read the attachments (clean aperture, pixel
     * aspect ratio, display dimensions): NaN / inf / huge values included. */
    (void)CVImageBufferGetEncodedSize(pb);
    (void)CVImageBufferGetDisplaySize(pb);
    (void)CVImageBufferGetCleanRect(pb);
    (void)CVImageBufferIsFlipped(pb);
    if (other)
        CVBufferPropagateAttachments(pb, other);
    CVBufferPropagateAttachments(pb, pb);
    if (fz_u8(in) > 230)
        CVBufferRemoveAllAttachments(pb);
}

static void media(FuzzInput *in, CVPixelBufferRef pb) {
    CMVideoFormatDescriptionRef fd = NULL;
    CFDictionaryRef attrs;
    if (CMVideoFormatDescriptionCreateForImageBuffer(NULL, pb, &fd) == noErr) {
        CMSampleTimingInfo timing = {CMTimeMake(1, 30), CMTimeMake((int64_t)fz_u16(in), 30),
                                     kCMTimeInvalid};
        CMSampleBufferRef sbuf = NULL;
        FUZZ_CHECK(CMVideoFormatDescriptionMatchesImageBuffer(fd, pb));
        if (CMSampleBufferCreateReadyWithImageBuffer(NULL, pb, fd, &timing, &sbuf) == noErr) {
            FUZZ_CHECK(CMSampleBufferGetImageBuffer(sbuf) == pb);
            CFRelease(sbuf);
        }
        CFRelease(fd);
    }
    attrs = fz_attributes(in);
    (void)CVPixelBufferIsCompatibleWithAttributes(pb, attrs);
    if (attrs)
        CFRelease(attrs);
}

/* Expected result of an allocating creation, or -1 when the layout is fine
 * but too big to try (the call is then skipped). */
static CVReturn expected_layout(OSType format, size_t width, size_t height, CFDictionaryRef attrs) {
    VTPixelBufferLayout layout;
    CVReturn r = vt_pixel_buffer_layout_init(&layout, format, width, height, attrs);
    if (r == kCVReturnSuccess && layout.total_size > MAX_BYTES)
        return -1;
    return r;
}

static void fuzz_create(FuzzInput *in) {
    OSType format = fz_format(in);
    size_t width = fz_dim(in), height = fz_dim(in);
    CFDictionaryRef attrs = fz_attributes(in);
    CVPixelBufferRef pb = (CVPixelBufferRef)(uintptr_t)1, other = NULL;
    CVReturn expect = expected_layout(format, width, height, attrs), ret;
    if (attrs && CFGetTypeID(attrs) != CFDictionaryGetTypeID())
        expect = kCVReturnInvalidPixelBufferAttributes;
    if (expect == -1) {
        if (attrs)
            CFRelease(attrs);
        return;
    }
    ret = CVPixelBufferCreate(NULL, width, height, format, attrs, &pb);
    if (ret == kCVReturnSuccess) {
        FUZZ_CHECK(expect == kCVReturnSuccess);
        check_geometry(pb, format, width, height);
        if (CVPixelBufferCreate(NULL, 2, 2, kCVPixelFormatType_32BGRA, NULL, &other) != 0)
            other = NULL;
        attachments(in, pb, other);
        media(in, pb);
        CVPixelBufferRelease(pb);
        if (other)
            CVPixelBufferRelease(other);
    } else {
        FUZZ_CHECK(pb == NULL);
        /* Refused for the reason the layout gives (or out of memory). */
        FUZZ_CHECK(ret == expect || ret == kCVReturnAllocationFailed);
    }
    if (attrs)
        CFRelease(attrs);
}

static void fuzz_with_bytes(FuzzInput *in) {
    OSType format = fz_format(in);
    size_t width = fz_dim(in), height = fz_dim(in);
    const VTPixelFormatInfo *f = vt_pixel_format_lookup(format);
    size_t min_bpr = f ? vt_pixel_format_min_bytes_per_row(f, 0, width) : width * 4;
    size_t bpr = min_bpr + (fz_u8(in) < 200 ? fz_u8(in) % 65 : 0);
    CFDictionaryRef attrs = fz_attributes(in);
    CVPixelBufferRef pb = NULL;
    uint8_t *mem = NULL;
    long before = release_calls;
    CVReturn ret;
    if (fz_u8(in) > 230 && bpr)
        bpr = bpr - 1 - fz_u8(in) % bpr; /* too short a row: must be refused */
    if (height <= 65536 && bpr <= MAX_BYTES / (height ? height : 1))
        mem = malloc(bpr && height ? bpr * height : 1);
    if (!mem)
        goto done;
    ret = CVPixelBufferCreateWithBytes(NULL, width, height, format, mem, bpr, release_bytes, mem,
                                       attrs, &pb);
    if (ret == kCVReturnSuccess) {
        FUZZ_CHECK(f != NULL && f->planes == 0 && bpr >= min_bpr);
        FUZZ_CHECK(CVPixelBufferGetBytesPerRow(pb) == bpr);
        FUZZ_CHECK(CVPixelBufferGetBaseAddress(pb) == mem);
        check_geometry(pb, format, width, height);
        attachments(in, pb, NULL);
        media(in, pb);
        CVPixelBufferRelease(pb);
        FUZZ_CHECK(release_calls == before + 1);
    } else {
        FUZZ_CHECK(pb == NULL && release_calls == before);
        free(mem);
    }
done:
    if (attrs)
        CFRelease(attrs);
}

static void fuzz_with_planar_bytes(FuzzInput *in) {
    OSType format = fz_format(in);
    size_t width = fz_dim(in), height = fz_dim(in);
    const VTPixelFormatInfo *f = vt_pixel_format_lookup(format);
    size_t planes = f && f->planes ? f->planes : 2, p;
    size_t n_planes = fz_u8(in) < 230 ? planes : fz_u8(in) % 5;
    void *addr[4] = {NULL, NULL, NULL, NULL};
    size_t pw[4] = {0}, ph[4] = {0}, bpr[4] = {0};
    PlanarMemory *m = calloc(1, sizeof(*m));
    CFDictionaryRef attrs = fz_attributes(in);
    CVPixelBufferRef pb = NULL;
    long before = release_calls;
    CVReturn ret;
    if (!m || n_planes > 3)
        goto fail;
    for (p = 0; p < n_planes; p++) {
        size_t min = f && p < 3 ? vt_pixel_format_min_bytes_per_row(f, (unsigned)p, width) : width;
        size_t rows = f ? vt_pixel_format_plane_height(f, (unsigned)p, height) : height;
        bpr[p] = min + (fz_u8(in) < 200 ? fz_u8(in) % 65 : 0);
        if (fz_u8(in) > 240 && bpr[p])
            bpr[p] -= 1; /* too short: must be refused */
        /* The caller's memory: bytes-per-row x the rows the format needs. */
        if (rows > 65536 || (rows && bpr[p] > MAX_BYTES / rows))
            goto fail;
        pw[p] = f ? vt_pixel_format_plane_width(f, (unsigned)p, width) : width;
        ph[p] = rows;
        if (fz_u8(in) < 250) {
            m->plane[p] = malloc(bpr[p] && rows ? bpr[p] * rows : 1);
            if (!m->plane[p])
                goto fail;
        }
        addr[p] = m->plane[p];
    }
    ret = CVPixelBufferCreateWithPlanarBytes(NULL, width, height, format, fz_bool(in) ? NULL : m, 0,
                                             n_planes, addr, pw, ph, bpr, release_planar, m, attrs,
                                             &pb);
    if (ret == kCVReturnSuccess) {
        FUZZ_CHECK(f != NULL && f->planes != 0 && n_planes == f->planes);
        for (p = 0; p < n_planes; p++) {
            FUZZ_CHECK(CVPixelBufferGetBaseAddressOfPlane(pb, p) == addr[p]);
            FUZZ_CHECK(CVPixelBufferGetBytesPerRowOfPlane(pb, p) == bpr[p]);
        }
        check_geometry(pb, format, width, height);
        attachments(in, pb, NULL);
        media(in, pb);
        CVPixelBufferRelease(pb);
        FUZZ_CHECK(release_calls == before + 1);
        m = NULL; /* freed by release_planar */
    } else {
        FUZZ_CHECK(pb == NULL && release_calls == before);
    }
fail:
    if (m) {
        for (p = 0; p < 3; p++)
            free(m->plane[p]);
        free(m);
    }
    if (attrs)
        CFRelease(attrs);
}

static void fuzz_pool(FuzzInput *in) {
    OSType format = fz_format(in);
    size_t width = fz_dim(in), height = fz_dim(in), i, n;
    CFDictionaryRef extra = fz_attributes(in);
    CFMutableDictionaryRef pb_attrs = NULL, pool_attrs = NULL;
    CFDictionaryRef aux = NULL;
    CVPixelBufferPoolRef pool = NULL;
    CVPixelBufferRef bufs[8];
    CFTypeRef v;
    CVReturn ret;

    memset(bufs, 0, sizeof(bufs));
    pb_attrs = extra ? CFDictionaryCreateMutableCopy(NULL, 0, extra)
                     : CFDictionaryCreateMutable(NULL, 0, &kCFTypeDictionaryKeyCallBacks,
                                                 &kCFTypeDictionaryValueCallBacks);
    pool_attrs = CFDictionaryCreateMutable(NULL, 0, &kCFTypeDictionaryKeyCallBacks,
                                           &kCFTypeDictionaryValueCallBacks);
    if (!pb_attrs || !pool_attrs)
        goto done;
    /* Size and format as numbers of random types (or random values). */
    if (fz_u8(in) < 240) {
        CFNumberRef w = vt_cf_number_int64((int64_t)width), h = vt_cf_number_int64((int64_t)height);
        CFNumberRef fmt = vt_cf_number_int64((int64_t)format);
        if (w && h && fmt) {
            CFDictionarySetValue(pb_attrs, kCVPixelBufferWidthKey, w);
            CFDictionarySetValue(pb_attrs, kCVPixelBufferHeightKey, h);
            if (fz_u8(in) < 200) {
                CFDictionarySetValue(pb_attrs, kCVPixelBufferPixelFormatTypeKey, fmt);
            } else {
                const void *one[2] = {fmt, fmt};
                CFArrayRef list = CFArrayCreate(NULL, one, 1 + fz_bool(in), &kCFTypeArrayCallBacks);
                if (list) {
                    CFDictionarySetValue(pb_attrs, kCVPixelBufferPixelFormatTypeKey, list);
                    CFRelease(list);
                }
            }
        }
        if (w)
            CFRelease(w);
        if (h)
            CFRelease(h);
        if (fmt)
            CFRelease(fmt);
    } else {
        v = fz_cf_value(in, 1);
        if (v) {
            CFDictionarySetValue(pb_attrs, kCVPixelBufferWidthKey, v);
            CFRelease(v);
        }
    }
    v = fz_u8(in) < 128 ? (CFTypeRef)vt_cf_number_int64(fz_int(in) % 10) : fz_cf_value(in, 1);
    if (v) {
        CFDictionarySetValue(pool_attrs, kCVPixelBufferPoolMinimumBufferCountKey, v);
        CFRelease(v);
    }
    v = fz_u8(in) < 128 ? (CFTypeRef)vt_cf_number_double(fz_double(in)) : fz_cf_value(in, 1);
    if (v) {
        CFDictionarySetValue(pool_attrs, kCVPixelBufferPoolMaximumBufferAgeKey, v);
        CFRelease(v);
    }
    /* Only try what could be allocated: same layout as a single buffer. */
    if (expected_layout(format, width, height, pb_attrs) == -1)
        goto done;
    {
        VTPixelBufferLayout layout;
        if (vt_pixel_buffer_layout_init(&layout, format, width, height, pb_attrs) ==
                kCVReturnSuccess &&
            layout.total_size > MAX_BYTES / 10)
            goto done; /* MinimumBufferCount may preallocate up to 9 */
    }
    ret = CVPixelBufferPoolCreate(NULL, fz_u8(in) < 240 ? pool_attrs : NULL, pb_attrs, &pool);
    if (ret != kCVReturnSuccess) {
        FUZZ_CHECK(pool == NULL);
        goto done;
    }
    FUZZ_CHECK(CVPixelBufferPoolGetAttributes(pool) != NULL);
    fz_cf_touch(CVPixelBufferPoolGetPixelBufferAttributes(pool));
    {
        CFNumberRef t = vt_cf_number_int32((int32_t)(fz_u8(in) % 6));
        const void *k[1] = {kCVPixelBufferPoolAllocationThresholdKey};
        const void *vals[1] = {t};
        if (t) {
            aux = CFDictionaryCreate(NULL, k, vals, 1, &kCFTypeDictionaryKeyCallBacks,
                                     &kCFTypeDictionaryValueCallBacks);
            CFRelease(t);
        }
    }
    n = fz_u8(in) % 8 + 1;
    for (i = 0; i < n && fz_left(in); i++) {
        size_t k = fz_below(in, 8);
        if (bufs[k]) {
            CVPixelBufferRelease(bufs[k]);
            bufs[k] = NULL;
            continue;
        }
        ret = fz_bool(in)
                  ? CVPixelBufferPoolCreatePixelBuffer(NULL, pool, &bufs[k])
                  : CVPixelBufferPoolCreatePixelBufferWithAuxAttributes(NULL, pool, aux, &bufs[k]);
        if (ret == kCVReturnSuccess) {
            size_t pw = 0, ph = 0;
            FUZZ_CHECK(vt_pixel_buffer_is_from_pool(bufs[k], pool));
            vt_pixel_buffer_pool_get_size(pool, &pw, &ph);
            check_geometry(bufs[k], CVPixelBufferGetPixelFormatType(bufs[k]), pw, ph);
            if (fz_u8(in) > 200)
                attachments(in, bufs[k], NULL);
        } else {
            FUZZ_CHECK(bufs[k] == NULL);
            FUZZ_CHECK(ret == kCVReturnWouldExceedAllocationThreshold ||
                       ret == kCVReturnAllocationFailed || ret == kCVReturnPoolAllocationFailed);
        }
        if (fz_u8(in) > 240)
            CVPixelBufferPoolFlush(pool, fz_u8(in) % 2);
    }
    /* Released pool, live buffers: the pool stays until the last one goes. */
    CVPixelBufferPoolRelease(pool);
    for (i = 0; i < 8; i++) {
        if (bufs[i])
            CVPixelBufferRelease(bufs[i]);
    }
done:
    if (aux)
        CFRelease(aux);
    if (extra)
        CFRelease(extra);
    if (pb_attrs)
        CFRelease(pb_attrs);
    if (pool_attrs)
        CFRelease(pool_attrs);
}

static void fuzz_resolve(FuzzInput *in) {
    CFMutableArrayRef list = CFArrayCreateMutable(NULL, 0, &kCFTypeArrayCallBacks);
    CFDictionaryRef resolved = NULL;
    size_t i, n = fz_u8(in) % 4;
    if (!list)
        return;
    for (i = 0; i < n; i++) {
        CFTypeRef v = fz_u8(in) < 200 ? (CFTypeRef)fz_attributes(in) : fz_cf_value(in, 1);
        if (v) {
            CFArrayAppendValue(list, v);
            CFRelease(v);
        }
    }
    if (CVPixelBufferCreateResolvedAttributesDictionary(NULL, fz_bool(in) ? list : NULL,
                                                        &resolved) == kCVReturnSuccess &&
        resolved) {
        fz_cf_touch(resolved);
        CFRelease(resolved);
    }
    CFRelease(list);
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc;
    (void)argv;
    fz_quiet_logs();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    FuzzInput in;
    int rounds = 0;
    fz_init(&in, data, size);
    while (fz_left(&in) && rounds++ < 8) {
        switch (fz_u8(&in) % 5) {
        case 0:
            fuzz_create(&in);
            break;
        case 1:
            fuzz_with_bytes(&in);
            break;
        case 2:
            fuzz_with_planar_bytes(&in);
            break;
        case 3:
            fuzz_pool(&in);
            break;
        default:
            fuzz_resolve(&in);
            break;
        }
    }
    return 0;
}
