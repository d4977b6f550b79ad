/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * CVPixelBufferPool: memory reuse, lifetime (the pool outlives its buffers),
 * allocation threshold, flushing and aging, attributes, threads, NULL
 * arguments and allocation failures.
 */
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include <CoreVideo/CoreVideo.h>
#include <vtcore/vtcore.h>

#include "cf/cf_internal.h"
#include "cv/cv_internal.h"
#include "vt_test.h"

static void set_num(CFMutableDictionaryRef d, CFStringRef key, double v) {
    CFNumberRef n =
        (v == (double)(int64_t)v) ? vt_cf_number_int64((int64_t)v) : vt_cf_number_double(v);
    CFDictionarySetValue(d, key, n);
    CFRelease(n);
}

static CFMutableDictionaryRef pb_attrs(OSType format, size_t w, size_t h) {
    CFMutableDictionaryRef d = vt_cf_dict_new();
    set_num(d, kCVPixelBufferPixelFormatTypeKey, format);
    set_num(d, kCVPixelBufferWidthKey, (double)w);
    set_num(d, kCVPixelBufferHeightKey, (double)h);
    return d;
}

static CVPixelBufferPoolRef make_pool(OSType format, size_t w, size_t h, double max_age,
                                      long min_count) {
    CFMutableDictionaryRef attrs = pb_attrs(format, w, h);
    CFMutableDictionaryRef pool_attrs = vt_cf_dict_new();
    CVPixelBufferPoolRef pool = NULL;
    if (max_age >= 0)
        set_num(pool_attrs, kCVPixelBufferPoolMaximumBufferAgeKey, max_age);
    if (min_count >= 0)
        set_num(pool_attrs, kCVPixelBufferPoolMinimumBufferCountKey, (double)min_count);
    CHECK_STATUS(CVPixelBufferPoolCreate(NULL, pool_attrs, attrs, &pool), kCVReturnSuccess);
    CFRelease(attrs);
    CFRelease(pool_attrs);
    return pool;
}

static void test_reuse(void) {
    CVPixelBufferPoolRef pool =
        make_pool(kCVPixelFormatType_420YpCbCr8BiPlanarVideoRange, 1280, 720, 3600, -1);
    CVPixelBufferRef pb = NULL, pb2 = NULL, pb3 = NULL;
    void *y, *uv;

    CHECK_EQ_INT(CFGetTypeID(pool), CVPixelBufferPoolGetTypeID());
    CHECK(CVPixelBufferPoolGetTypeID() != CVPixelBufferGetTypeID());
    CHECK_STATUS(CVPixelBufferPoolCreatePixelBuffer(NULL, pool, &pb), kCVReturnSuccess);
    CHECK_EQ_INT(CVPixelBufferGetWidth(pb), 1280);
    CHECK_EQ_INT(CVPixelBufferGetHeight(pb), 720);
    CHECK_EQ_INT(CVPixelBufferGetPixelFormatType(pb),
                 kCVPixelFormatType_420YpCbCr8BiPlanarVideoRange);
    CHECK_EQ_INT(CVPixelBufferGetBytesPerRowOfPlane(pb, 0), 1280);
    CHECK(((uintptr_t)CVPixelBufferGetBaseAddressOfPlane(pb, 1) % 64) == 0);
    CHECK(vt_pixel_buffer_is_from_pool(pb, pool));
    CHECK_EQ_INT(vt_pixel_buffer_pool_outstanding_count(pool), 1);
    y = CVPixelBufferGetBaseAddressOfPlane(pb, 0);
    uv = CVPixelBufferGetBaseAddressOfPlane(pb, 1);
    memset(y, 1, 1280 * 720);
    memset(uv, 2, 1280 * 360);
    /* A buffer with stale attachments... */
    CVBufferSetAttachment(pb, kCVImageBufferYCbCrMatrixKey, kCVImageBufferYCbCrMatrix_ITU_R_709_2,
                          kCVAttachmentMode_ShouldPropagate);
    CVPixelBufferRelease(pb);
    CHECK_EQ_INT(vt_pixel_buffer_pool_outstanding_count(pool), 0);
    CHECK_EQ_INT(vt_pixel_buffer_pool_free_count(pool), 1);

    /* ...comes back with the same memory and without the attachments. */
    CHECK_STATUS(CVPixelBufferPoolCreatePixelBuffer(NULL, pool, &pb2), kCVReturnSuccess);
    CHECK(CVPixelBufferGetBaseAddressOfPlane(pb2, 0) == y);
    CHECK(CVPixelBufferGetBaseAddressOfPlane(pb2, 1) == uv);
    CHECK(!CVBufferHasAttachment(pb2, kCVImageBufferYCbCrMatrixKey));
    CHECK_EQ_INT(vt_pixel_buffer_pool_free_count(pool), 0);
    /* A second outstanding buffer gets different memory. */
    CHECK_STATUS(CVPixelBufferPoolCreatePixelBuffer(NULL, pool, &pb3), kCVReturnSuccess);
    CHECK(CVPixelBufferGetBaseAddressOfPlane(pb3, 0) != y);
    CHECK_EQ_INT(vt_pixel_buffer_pool_outstanding_count(pool), 2);
    /* Most recently returned first. */
    y = CVPixelBufferGetBaseAddressOfPlane(pb3, 0);
    CVPixelBufferRelease(pb2);
    CVPixelBufferRelease(pb3);
    CHECK_STATUS(CVPixelBufferPoolCreatePixelBuffer(NULL, pool, &pb), kCVReturnSuccess);
    CHECK(CVPixelBufferGetBaseAddressOfPlane(pb, 0) == y);
    CVPixelBufferRelease(pb);
    CVPixelBufferPoolRelease(pool);
}

static void test_pool_outlives_buffers(void) {
    CVPixelBufferPoolRef pool = make_pool(kCVPixelFormatType_420YpCbCr8Planar, 33, 17, -1, -1);
    CVPixelBufferRef a = NULL, b = NULL;

    CHECK_STATUS(CVPixelBufferPoolCreatePixelBuffer(NULL, pool, &a), kCVReturnSuccess);
    CHECK_STATUS(CVPixelBufferPoolCreatePixelBuffer(NULL, pool, &b), kCVReturnSuccess);
    CVPixelBufferRelease(b); /* one block in the free list */
    CVPixelBufferPoolRelease(pool);
    /* The buffer still works and its pool is still alive. */
    CHECK(vt_pixel_buffer_is_from_pool(a, pool));
    CHECK_EQ_INT(vt_pixel_buffer_pool_outstanding_count(pool), 1);
    memset(CVPixelBufferGetBaseAddressOfPlane(a, 2), 7, 17 * 9);
    CVPixelBufferRelease(a); /* last reference: pool and both blocks freed (LSan) */
}

static void test_threshold(void) {
    CVPixelBufferPoolRef pool = make_pool(kCVPixelFormatType_32BGRA, 64, 64, 3600, -1);
    CFMutableDictionaryRef aux = vt_cf_dict_new();
    CVPixelBufferRef a = NULL, b = NULL, c = (CVPixelBufferRef)(uintptr_t)1;

    set_num(aux, kCVPixelBufferPoolAllocationThresholdKey, 2);
    CHECK_STATUS(CVPixelBufferPoolCreatePixelBufferWithAuxAttributes(NULL, pool, aux, &a),
                 kCVReturnSuccess);
    CHECK_STATUS(CVPixelBufferPoolCreatePixelBufferWithAuxAttributes(NULL, pool, aux, &b),
                 kCVReturnSuccess);
    CHECK_STATUS(CVPixelBufferPoolCreatePixelBufferWithAuxAttributes(NULL, pool, aux, &c),
                 kCVReturnWouldExceedAllocationThreshold);
    CHECK(c == NULL);
    CHECK_EQ_INT(vt_pixel_buffer_pool_outstanding_count(pool), 2);
    /* Without the aux attribute there is no limit. */
    CHECK_STATUS(CVPixelBufferPoolCreatePixelBufferWithAuxAttributes(NULL, pool, NULL, &c),
                 kCVReturnSuccess);
    CVPixelBufferRelease(c);
    CVPixelBufferRelease(a);
    CHECK_STATUS(CVPixelBufferPoolCreatePixelBufferWithAuxAttributes(NULL, pool, aux, &a),
                 kCVReturnSuccess);
    CVPixelBufferRelease(a);
    CVPixelBufferRelease(b);

    set_num(aux, kCVPixelBufferPoolAllocationThresholdKey, 0);
    CHECK_STATUS(CVPixelBufferPoolCreatePixelBufferWithAuxAttributes(NULL, pool, aux, &a),
                 kCVReturnWouldExceedAllocationThreshold);
    CFDictionarySetValue(aux, kCVPixelBufferPoolAllocationThresholdKey, CFSTR("two"));
    CHECK_STATUS(CVPixelBufferPoolCreatePixelBufferWithAuxAttributes(NULL, pool, aux, &a),
                 kCVReturnInvalidArgument);
    CHECK(a == NULL);
    CHECK_EQ_INT(vt_pixel_buffer_pool_outstanding_count(pool), 0);
    CFRelease(aux);
    CVPixelBufferPoolRelease(pool);
}

static void test_flush_and_age(void) {
    CVPixelBufferPoolRef pool = make_pool(kCVPixelFormatType_32BGRA, 16, 16, 3600, -1);
    CVPixelBufferRef bufs[3];
    struct timespec ms = {0, 2000000};
    int i;

    for (i = 0; i < 3; i++)
        CHECK_STATUS(CVPixelBufferPoolCreatePixelBuffer(NULL, pool, &bufs[i]), kCVReturnSuccess);
    for (i = 0; i < 3; i++)
        CVPixelBufferRelease(bufs[i]);
    CHECK_EQ_INT(vt_pixel_buffer_pool_free_count(pool), 3);
    CVPixelBufferPoolFlush(pool, 0); /* nothing is an hour old */
    CHECK_EQ_INT(vt_pixel_buffer_pool_free_count(pool), 3);
    CVPixelBufferPoolFlush(pool, kCVPixelBufferPoolFlushExcessBuffers);
    CHECK_EQ_INT(vt_pixel_buffer_pool_free_count(pool), 0);
    /* Outstanding buffers are untouched by a flush. */
    CHECK_STATUS(CVPixelBufferPoolCreatePixelBuffer(NULL, pool, &bufs[0]), kCVReturnSuccess);
    CVPixelBufferPoolFlush(pool, kCVPixelBufferPoolFlushExcessBuffers);
    memset(CVPixelBufferGetBaseAddress(bufs[0]), 0, 16 * 64);
    CVPixelBufferRelease(bufs[0]);
    CHECK_EQ_INT(vt_pixel_buffer_pool_free_count(pool), 1);
    CVPixelBufferPoolRelease(pool);

    /* Aging: a 1 us maximum age, minimum count 1. After a 2 ms sleep every
     * returned block is old; one is kept. */
    pool = make_pool(kCVPixelFormatType_32BGRA, 16, 16, 0.000001, 1);
    for (i = 0; i < 3; i++)
        CHECK_STATUS(CVPixelBufferPoolCreatePixelBuffer(NULL, pool, &bufs[i]), kCVReturnSuccess);
    for (i = 0; i < 3; i++)
        CVPixelBufferRelease(bufs[i]);
    nanosleep(&ms, NULL);
    CVPixelBufferPoolFlush(pool, 0);
    CHECK_EQ_INT(vt_pixel_buffer_pool_free_count(pool), 1);
    CVPixelBufferPoolRelease(pool);

    /* Maximum age 0 disables aging. */
    pool = make_pool(kCVPixelFormatType_32BGRA, 16, 16, 0, -1);
    for (i = 0; i < 2; i++)
        CHECK_STATUS(CVPixelBufferPoolCreatePixelBuffer(NULL, pool, &bufs[i]), kCVReturnSuccess);
    for (i = 0; i < 2; i++)
        CVPixelBufferRelease(bufs[i]);
    nanosleep(&ms, NULL);
    CVPixelBufferPoolFlush(pool, 0);
    CHECK_EQ_INT(vt_pixel_buffer_pool_free_count(pool), 2);
    CVPixelBufferPoolRelease(pool);
}

static void test_attributes(void) {
    CFMutableDictionaryRef attrs = vt_cf_dict_new(), pool_attrs = vt_cf_dict_new();
    CVPixelBufferPoolRef pool = NULL;
    CFDictionaryRef got;
    CFTypeRef v;
    int64_t n;

    /* PixelFormatType as an array: the first format vtcore knows wins. */
    {
        CFNumberRef f[2] = {vt_cf_number_int64(0x78787878),
                            vt_cf_number_int64(kCVPixelFormatType_32BGRA)};
        CFArrayRef arr = CFArrayCreate(NULL, (const void **)f, 2, &kCFTypeArrayCallBacks);
        CFDictionarySetValue(attrs, kCVPixelBufferPixelFormatTypeKey, arr);
        CFRelease(arr);
        CFRelease(f[0]);
        CFRelease(f[1]);
    }
    set_num(attrs, kCVPixelBufferWidthKey, 320);
    set_num(attrs, kCVPixelBufferHeightKey, 240);
    set_num(attrs, kCVPixelBufferBytesPerRowAlignmentKey, 1);
    set_num(pool_attrs, kCVPixelBufferPoolMinimumBufferCountKey, 3);
    CHECK_STATUS(CVPixelBufferPoolCreate(NULL, pool_attrs, attrs, &pool), kCVReturnSuccess);
    got = CVPixelBufferPoolGetPixelBufferAttributes(pool);
    CHECK(got != NULL);
    v = CFDictionaryGetValue(got, kCVPixelBufferPixelFormatTypeKey);
    CHECK(v && CFGetTypeID(v) == CFNumberGetTypeID());
    CHECK(vt_cf_get_int64(v, &n) && n == kCVPixelFormatType_32BGRA);
    CHECK(vt_cf_get_int64(CFDictionaryGetValue(got, kCVPixelBufferWidthKey), &n) && n == 320);
    CHECK(vt_cf_get_int64(CFDictionaryGetValue(got, kCVPixelBufferHeightKey), &n) && n == 240);
    CHECK(CFDictionaryContainsKey(got, kCVPixelBufferBytesPerRowAlignmentKey));
    got = CVPixelBufferPoolGetAttributes(pool);
    CHECK(vt_cf_get_int64(CFDictionaryGetValue(got, kCVPixelBufferPoolMinimumBufferCountKey), &n) &&
          n == 3);
    {
        CVPixelBufferRef pb = NULL;
        CHECK_STATUS(CVPixelBufferPoolCreatePixelBuffer(NULL, pool, &pb), kCVReturnSuccess);
        CHECK_EQ_INT(CVPixelBufferGetPixelFormatType(pb), kCVPixelFormatType_32BGRA);
        CHECK_EQ_INT(CVPixelBufferGetBytesPerRow(pb), 1280);
        CVPixelBufferRelease(pb);
    }
    CVPixelBufferPoolRelease(pool);

    /* Pool attributes absent: GetAttributes is an empty dictionary. */
    pool = NULL;
    CHECK_STATUS(CVPixelBufferPoolCreate(NULL, NULL, attrs, &pool), kCVReturnSuccess);
    got = CVPixelBufferPoolGetAttributes(pool);
    CHECK(got != NULL && CFDictionaryGetCount(got) == 0);
    CVPixelBufferPoolRelease(pool);

    /* Pixel buffer attributes with propagated attachments: every buffer gets them. */
    {
        CFMutableDictionaryRef att = vt_cf_dict_new();
        CVPixelBufferRef pb = NULL;
        CVAttachmentMode mode;
        CFDictionarySetValue(att, kCVImageBufferColorPrimariesKey,
                             kCVImageBufferColorPrimaries_ITU_R_2020);
        CFDictionarySetValue(attrs, kCVBufferPropagatedAttachmentsKey, att);
        CFRelease(att);
        CHECK_STATUS(CVPixelBufferPoolCreate(NULL, NULL, attrs, &pool), kCVReturnSuccess);
        CHECK_STATUS(CVPixelBufferPoolCreatePixelBuffer(NULL, pool, &pb), kCVReturnSuccess);
        CHECK(CVBufferGetAttachment(pb, kCVImageBufferColorPrimariesKey, &mode) ==
              kCVImageBufferColorPrimaries_ITU_R_2020);
        CVBufferRemoveAllAttachments(pb);
        CVPixelBufferRelease(pb);
        CHECK_STATUS(CVPixelBufferPoolCreatePixelBuffer(NULL, pool, &pb), kCVReturnSuccess);
        CHECK(CVBufferHasAttachment(pb, kCVImageBufferColorPrimariesKey));
        CVPixelBufferRelease(pb);
        CVPixelBufferPoolRelease(pool);
    }
    CFRelease(attrs);
    CFRelease(pool_attrs);

    /* A client dictionary with NULL callbacks (ttLibC): the keys are vtcore's
     * constants, the values plain CFNumbers the client releases afterwards. */
    {
        CFNumberRef f = vt_cf_number_int32(kCVPixelFormatType_420YpCbCr8BiPlanarFullRange);
        CFNumberRef w = vt_cf_number_int32(176), h = vt_cf_number_int32(144);
        const void *keys[] = {kCVPixelBufferPixelFormatTypeKey, kCVPixelBufferWidthKey,
                              kCVPixelBufferHeightKey};
        const void *values[] = {f, w, h};
        CFDictionaryRef d = CFDictionaryCreate(NULL, keys, values, 3, NULL, NULL);
        CVPixelBufferRef pb = NULL;
        CHECK_STATUS(CVPixelBufferPoolCreate(NULL, NULL, d, &pool), kCVReturnSuccess);
        CFRelease(d);
        CFRelease(f);
        CFRelease(w);
        CFRelease(h);
        got = CVPixelBufferPoolGetPixelBufferAttributes(pool);
        CHECK(vt_cf_get_int64(CFDictionaryGetValue(got, kCVPixelBufferWidthKey), &n) && n == 176);
        CHECK_STATUS(CVPixelBufferPoolCreatePixelBuffer(NULL, pool, &pb), kCVReturnSuccess);
        CHECK_EQ_INT(CVPixelBufferGetWidth(pb), 176);
        CVPixelBufferRelease(pb);
        CVPixelBufferPoolRelease(pool);
    }
}

static void test_invalid_create(void) {
    CVPixelBufferPoolRef pool = (CVPixelBufferPoolRef)(uintptr_t)1;
    CFMutableDictionaryRef attrs = pb_attrs(kCVPixelFormatType_32BGRA, 64, 64);
    CFMutableDictionaryRef bad_pool = vt_cf_dict_new();

    CHECK_STATUS(CVPixelBufferPoolCreate(NULL, NULL, NULL, &pool),
                 kCVReturnInvalidPixelBufferAttributes);
    CHECK(pool == NULL);
    CHECK_STATUS(CVPixelBufferPoolCreate(NULL, NULL, attrs, NULL), kCVReturnInvalidArgument);
    CFDictionarySetValue(bad_pool, kCVPixelBufferPoolMinimumBufferCountKey, CFSTR("3"));
    CHECK_STATUS(CVPixelBufferPoolCreate(NULL, bad_pool, attrs, &pool),
                 kCVReturnInvalidPoolAttributes);
    CFDictionaryRemoveAllValues(bad_pool);
    set_num(bad_pool, kCVPixelBufferPoolMaximumBufferAgeKey, -1);
    CHECK_STATUS(CVPixelBufferPoolCreate(NULL, bad_pool, attrs, &pool),
                 kCVReturnInvalidPoolAttributes);
    CHECK_STATUS(CVPixelBufferPoolCreate(NULL, (CFDictionaryRef)kCFBooleanTrue, attrs, &pool),
                 kCVReturnInvalidPoolAttributes);

    CFDictionaryRemoveValue(attrs, kCVPixelBufferWidthKey);
    CHECK_STATUS(CVPixelBufferPoolCreate(NULL, NULL, attrs, &pool),
                 kCVReturnInvalidPixelBufferAttributes);
    set_num(attrs, kCVPixelBufferWidthKey, 0);
    CHECK_STATUS(CVPixelBufferPoolCreate(NULL, NULL, attrs, &pool), kCVReturnInvalidSize);
    set_num(attrs, kCVPixelBufferWidthKey, 64);
    CFDictionaryRemoveValue(attrs, kCVPixelBufferPixelFormatTypeKey);
    CHECK_STATUS(CVPixelBufferPoolCreate(NULL, NULL, attrs, &pool),
                 kCVReturnInvalidPixelBufferAttributes);
    set_num(attrs, kCVPixelBufferPixelFormatTypeKey, 0x78787878);
    CHECK_STATUS(CVPixelBufferPoolCreate(NULL, NULL, attrs, &pool), kCVReturnInvalidPixelFormat);
    CFDictionarySetValue(attrs, kCVPixelBufferPixelFormatTypeKey, CFSTR("BGRA"));
    CHECK_STATUS(CVPixelBufferPoolCreate(NULL, NULL, attrs, &pool),
                 kCVReturnInvalidPixelBufferAttributes);
    {
        CFArrayRef empty = CFArrayCreate(NULL, NULL, 0, &kCFTypeArrayCallBacks);
        CFDictionarySetValue(attrs, kCVPixelBufferPixelFormatTypeKey, empty);
        CHECK_STATUS(CVPixelBufferPoolCreate(NULL, NULL, attrs, &pool),
                     kCVReturnInvalidPixelBufferAttributes);
        CFRelease(empty);
    }
    CHECK(pool == NULL);
    CFRelease(attrs);
    CFRelease(bad_pool);
}

static void test_internal_create(void) {
    CVPixelBufferPoolRef pool = NULL, other = NULL;
    CVPixelBufferRef pb = NULL, plain = NULL;
    CFMutableDictionaryRef extra = pb_attrs(kCVPixelFormatType_32BGRA, 16, 16);
    size_t w, h;

    set_num(extra, kCVPixelBufferBytesPerRowAlignmentKey, 1);
    CHECK_STATUS(
        vt_pixel_buffer_pool_create(kCVPixelFormatType_420YpCbCr8Planar, 100, 50, extra, &pool),
        kCVReturnSuccess);
    CHECK(vt_pixel_buffer_pool_format(pool) ==
          vt_pixel_format_lookup(kCVPixelFormatType_420YpCbCr8Planar));
    vt_pixel_buffer_pool_get_size(pool, &w, &h);
    CHECK(w == 100 && h == 50);
    CHECK_STATUS(CVPixelBufferPoolCreatePixelBuffer(NULL, pool, &pb), kCVReturnSuccess);
    CHECK_EQ_INT(CVPixelBufferGetPixelFormatType(pb), kCVPixelFormatType_420YpCbCr8Planar);
    CHECK_EQ_INT(CVPixelBufferGetWidth(pb), 100);
    CHECK_EQ_INT(CVPixelBufferGetBytesPerRowOfPlane(pb, 1), 50);
    {
        int64_t f;
        CHECK(vt_cf_get_int64(CFDictionaryGetValue(CVPixelBufferPoolGetPixelBufferAttributes(pool),
                                                   kCVPixelBufferPixelFormatTypeKey),
                              &f) &&
              f == kCVPixelFormatType_420YpCbCr8Planar);
    }
    CHECK_STATUS(
        vt_pixel_buffer_pool_create(kCVPixelFormatType_420YpCbCr8Planar, 100, 50, NULL, &other),
        kCVReturnSuccess);
    CHECK(vt_pixel_buffer_is_from_pool(pb, pool));
    CHECK(!vt_pixel_buffer_is_from_pool(pb, other));
    CHECK_STATUS(
        CVPixelBufferCreate(NULL, 100, 50, kCVPixelFormatType_420YpCbCr8Planar, NULL, &plain),
        kCVReturnSuccess);
    CHECK(!vt_pixel_buffer_is_from_pool(plain, pool));
    CHECK(!vt_pixel_buffer_is_from_pool(NULL, pool));
    CHECK(!vt_pixel_buffer_is_from_pool(pb, NULL));
    CVPixelBufferPoolRelease(other);
    CHECK_STATUS(vt_pixel_buffer_pool_create(0x78787878, 100, 50, NULL, &other),
                 kCVReturnInvalidPixelFormat);
    CHECK(other == NULL);
    CHECK_STATUS(vt_pixel_buffer_pool_create(kCVPixelFormatType_32BGRA, 0, 50, NULL, &other),
                 kCVReturnInvalidSize);
    CHECK_STATUS(vt_pixel_buffer_pool_create(kCVPixelFormatType_32BGRA, 1, 1, NULL, NULL),
                 kCVReturnInvalidArgument);
    CVPixelBufferRelease(plain);
    CVPixelBufferRelease(pb);
    CVPixelBufferPoolRelease(pool);
    CFRelease(extra);
}

/* ---- threads ---- */

typedef struct PoolThread {
    CVPixelBufferPoolRef pool;
    CFDictionaryRef aux;
    int errors, created;
} PoolThread;

static void *pool_thread(void *p) {
    PoolThread *t = p;
    int i;
    for (i = 0; i < 2000; i++) {
        CVPixelBufferRef a = NULL, b = NULL;
        CVReturn r = CVPixelBufferPoolCreatePixelBufferWithAuxAttributes(NULL, t->pool, t->aux, &a);
        if (r == kCVReturnSuccess) {
            uint8_t *d = CVPixelBufferGetBaseAddressOfPlane(a, 0);
            d[0] = (uint8_t)i;
            t->created++;
        } else if (r != kCVReturnWouldExceedAllocationThreshold || a != NULL) {
            t->errors++;
        }
        if (CVPixelBufferPoolCreatePixelBuffer(NULL, t->pool, &b) != kCVReturnSuccess)
            t->errors++;
        if ((i % 100) == 0)
            CVPixelBufferPoolFlush(t->pool, kCVPixelBufferPoolFlushExcessBuffers);
        CVPixelBufferRelease(a);
        CVPixelBufferRelease(b);
    }
    return NULL;
}

static void test_threads(void) {
    CVPixelBufferPoolRef pool =
        make_pool(kCVPixelFormatType_420YpCbCr8BiPlanarVideoRange, 64, 32, -1, -1);
    CFMutableDictionaryRef aux = vt_cf_dict_new();
    PoolThread t[4];
    pthread_t th[4];
    int i;

    set_num(aux, kCVPixelBufferPoolAllocationThresholdKey, 6);
    for (i = 0; i < 4; i++) {
        t[i] = (PoolThread){pool, aux, 0, 0};
        CHECK(pthread_create(&th[i], NULL, pool_thread, &t[i]) == 0);
    }
    for (i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
        CHECK_EQ_INT(t[i].errors, 0);
        CHECK(t[i].created > 0);
    }
    CHECK_EQ_INT(vt_pixel_buffer_pool_outstanding_count(pool), 0);
    CHECK(vt_pixel_buffer_pool_free_count(pool) <= 8);
    CFRelease(aux);
    CVPixelBufferPoolRelease(pool);
}

static void test_null_arguments(void) {
    CVPixelBufferRef pb = (CVPixelBufferRef)(uintptr_t)1;
    CFStringRef fake = CFSTR("not a pool");

    CHECK(CVPixelBufferPoolRetain(NULL) == NULL);
    CVPixelBufferPoolRelease(NULL);
    CHECK(CVPixelBufferPoolGetAttributes(NULL) == NULL);
    CHECK(CVPixelBufferPoolGetPixelBufferAttributes(NULL) == NULL);
    CHECK(CVPixelBufferPoolGetAttributes((CVPixelBufferPoolRef)fake) == NULL);
    CVPixelBufferPoolFlush(NULL, kCVPixelBufferPoolFlushExcessBuffers);
    CVPixelBufferPoolFlush((CVPixelBufferPoolRef)fake, 0);
    CHECK_STATUS(CVPixelBufferPoolCreatePixelBuffer(NULL, NULL, &pb), kCVReturnInvalidArgument);
    CHECK(pb == NULL);
    CHECK_STATUS(CVPixelBufferPoolCreatePixelBuffer(NULL, (CVPixelBufferPoolRef)fake, &pb),
                 kCVReturnInvalidArgument);
    CHECK_STATUS(CVPixelBufferPoolCreatePixelBufferWithAuxAttributes(NULL, NULL, NULL, NULL),
                 kCVReturnInvalidArgument);
    CHECK(vt_pixel_buffer_pool_format(NULL) == NULL);
    CHECK_EQ_INT(vt_pixel_buffer_pool_free_count(NULL), 0);
    CHECK_EQ_INT(vt_pixel_buffer_pool_outstanding_count(NULL), 0);
    {
        size_t w = 5, h = 5;
        vt_pixel_buffer_pool_get_size(NULL, &w, &h);
        CHECK(w == 0 && h == 0);
    }
    {
        CVPixelBufferPoolRef pool = make_pool(kCVPixelFormatType_32BGRA, 8, 8, -1, -1);
        CHECK_STATUS(CVPixelBufferPoolCreatePixelBuffer(NULL, pool, NULL),
                     kCVReturnInvalidArgument);
        CHECK_STATUS(CVPixelBufferPoolCreatePixelBufferWithAuxAttributes(
                         NULL, pool, (CFDictionaryRef)kCFBooleanTrue, &pb),
                     kCVReturnInvalidArgument);
        CHECK(CVPixelBufferPoolRetain(pool) == pool);
        CVPixelBufferPoolRelease(pool);
        CVPixelBufferPoolRelease(pool);
    }
}

static void test_allocation_failures(void) {
    CFMutableDictionaryRef attrs =
        pb_attrs(kCVPixelFormatType_420YpCbCr8BiPlanarVideoRange, 32, 32);
    CFMutableDictionaryRef att = vt_cf_dict_new();
    long n;

    CFDictionarySetValue(att, kCVImageBufferYCbCrMatrixKey, kCVImageBufferYCbCrMatrix_ITU_R_709_2);
    CFDictionarySetValue(attrs, kCVBufferPropagatedAttachmentsKey, att);
    for (n = 1; n < 200; n++) {
        CVPixelBufferPoolRef pool = NULL;
        CVPixelBufferRef a = NULL, b = NULL;
        CVReturn ret;
        long made;

        vtcore_debug_fail_allocation_after(n);
        ret = CVPixelBufferPoolCreate(NULL, NULL, attrs, &pool);
        CHECK(ret == kCVReturnSuccess || ret == kCVReturnAllocationFailed);
        CHECK((ret == kCVReturnSuccess) == (pool != NULL));
        if (pool) {
            ret = CVPixelBufferPoolCreatePixelBuffer(NULL, pool, &a);
            CHECK(ret == kCVReturnSuccess || ret == kCVReturnAllocationFailed ||
                  ret == kCVReturnPoolAllocationFailed);
            CVPixelBufferRelease(a);
            ret = CVPixelBufferPoolCreatePixelBuffer(NULL, pool, &b);
            CHECK(ret == kCVReturnSuccess || ret == kCVReturnAllocationFailed ||
                  ret == kCVReturnPoolAllocationFailed);
            CVPixelBufferRelease(b);
            CHECK_EQ_INT(vt_pixel_buffer_pool_outstanding_count(pool), 0);
            CVPixelBufferPoolRelease(pool);
        }
        made = vtcore_debug_fail_allocation_after(0);
        if (made < n)
            break;
    }
    CHECK(n < 200);
    CFRelease(att);
    CFRelease(attrs);
}

int main(void) {
    test_reuse();
    test_pool_outlives_buffers();
    test_threshold();
    test_flush_and_age();
    test_attributes();
    test_invalid_create();
    test_internal_create();
    test_threads();
    test_null_arguments();
    test_allocation_failures();
    return vt_test_result();
}
