/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Allocation-failure injection over CoreVideo (fault_harness.h): pixel
 * buffers (allocated, wrapping client bytes, wrapping client planes), pools
 * and their buffers, attachments and resolved attributes. On an injected
 * failure: kCVReturnAllocationFailed (pools: also
 * kCVReturnPoolAllocationFailed), a NULL out-parameter, no leak, and a
 * client's release callback is NOT called (its memory stays the client's).
 */
#include <CoreVideo/CoreVideo.h>

#include "cf/cf_internal.h"
#include "fault_harness.h"

#define CV_ALLOC_FAILED \
    { kCVReturnAllocationFailed, 0, 0, 0 }
#define CV_POOL_FAILED \
    { kCVReturnAllocationFailed, kCVReturnPoolAllocationFailed, 0, 0 }

/* Attributes with alignment, extended pixels and attachments to apply. */
static CFDictionaryRef make_attributes(void) {
    CFMutableDictionaryRef d = vt_cf_dict_new();
    CFMutableDictionaryRef prop = vt_cf_dict_new();
    CFNumberRef n16 = vt_cf_number_int32(16), n8 = vt_cf_number_int32(8);
    CFDictionarySetValue(prop, kCVImageBufferColorPrimariesKey,
                         kCVImageBufferColorPrimaries_ITU_R_709_2);
    CFDictionarySetValue(prop, kCVImageBufferYCbCrMatrixKey, kCVImageBufferYCbCrMatrix_ITU_R_709_2);
    CFDictionarySetValue(d, kCVBufferPropagatedAttachmentsKey, prop);
    CFDictionarySetValue(d, kCVPixelBufferBytesPerRowAlignmentKey, n16);
    CFDictionarySetValue(d, kCVPixelBufferExtendedPixelsLeftKey, n8);
    CFDictionarySetValue(d, kCVPixelBufferExtendedPixelsBottomKey, n8);
    CFRelease(prop);
    CFRelease(n16);
    CFRelease(n8);
    return d;
}

static void *setup_attributes(void) {
    return (void *)make_attributes();
}

static void release_ctx(void *ctx) {
    if (ctx)
        CFRelease((CFTypeRef)ctx);
}

/* ---- CVPixelBufferCreate ---- */

static int32_t run_create_bgra(void *ctx, CFTypeRef *out) {
    CVPixelBufferRef pb = NULL;
    CVReturn r = CVPixelBufferCreate(NULL, 64, 48, kCVPixelFormatType_32BGRA, NULL, &pb);
    (void)ctx;
    *out = pb;
    return r;
}

static int32_t run_create_nv12_attrs(void *ctx, CFTypeRef *out) {
    CVPixelBufferRef pb = NULL;
    CVReturn r = CVPixelBufferCreate(NULL, 33, 17, kCVPixelFormatType_420YpCbCr8BiPlanarVideoRange,
                                     (CFDictionaryRef)ctx, &pb);
    *out = pb;
    return r;
}

static Boolean verify_nv12_attrs(void *ctx, CFTypeRef out) {
    (void)ctx;
    /* The propagated attachments of the attributes were applied. */
    return CVBufferGetAttachment((CVBufferRef)out, kCVImageBufferColorPrimariesKey, NULL) != NULL &&
           CVPixelBufferGetPlaneCount((CVPixelBufferRef)out) == 2;
}

/* ---- wrapping client memory ---- */

typedef struct ClientMemory {
    void *mem;
    void *planes[3];
    int released;
    CFDictionaryRef attrs;
} ClientMemory;

static void release_bytes(void *refcon, const void *base) {
    ClientMemory *m = refcon;
    (void)base;
    m->released++;
    free(m->mem);
    m->mem = NULL;
}

static void release_planar(void *refcon, const void *data, size_t size, size_t n,
                           const void *addresses[]) {
    ClientMemory *m = refcon;
    size_t p;
    (void)data, (void)size, (void)n, (void)addresses;
    m->released++;
    for (p = 0; p < 3; p++) {
        free(m->planes[p]);
        m->planes[p] = NULL;
    }
}

static void *setup_client(void) {
    ClientMemory *m = calloc(1, sizeof(*m));
    size_t p;
    m->mem = malloc(64 * 4 * 48);
    for (p = 0; p < 3; p++)
        m->planes[p] = malloc(64 * 48);
    m->attrs = make_attributes();
    return m;
}

static void teardown_client(void *ctx) {
    ClientMemory *m = ctx;
    size_t p;
    /* After a failed create the callback must not have run: we free. */
    free(m->mem);
    for (p = 0; p < 3; p++)
        free(m->planes[p]);
    CFRelease(m->attrs);
    free(m);
}

static int32_t run_with_bytes(void *ctx, CFTypeRef *out) {
    ClientMemory *m = ctx;
    CVPixelBufferRef pb = NULL;
    CVReturn r = CVPixelBufferCreateWithBytes(NULL, 64, 48, kCVPixelFormatType_32BGRA, m->mem,
                                              64 * 4, release_bytes, m, m->attrs, &pb);
    *out = pb;
    if (r != kCVReturnSuccess)
        CHECK_EQ_INT(m->released, 0);
    return r;
}

static int32_t run_with_planar_bytes(void *ctx, CFTypeRef *out) {
    ClientMemory *m = ctx;
    CVPixelBufferRef pb = NULL;
    size_t w[3] = {64, 32, 32}, h[3] = {48, 24, 24}, bpr[3] = {64, 32, 32};
    CVReturn r = CVPixelBufferCreateWithPlanarBytes(
        NULL, 64, 48, kCVPixelFormatType_420YpCbCr8Planar, NULL, 0, 3, m->planes, w, h, bpr,
        release_planar, m, m->attrs, &pb);
    *out = pb;
    if (r != kCVReturnSuccess)
        CHECK_EQ_INT(m->released, 0);
    return r;
}

/* ---- pools ---- */

static CFDictionaryRef make_pool_pb_attrs(void) {
    CFDictionaryRef base = make_attributes();
    CFMutableDictionaryRef d = CFDictionaryCreateMutableCopy(NULL, 0, base);
    CFNumberRef w = vt_cf_number_int32(40), h = vt_cf_number_int32(30);
    const void *fmts[2];
    CFNumberRef f1 = vt_cf_number_int32(0x12345678),
                f2 = vt_cf_number_int32(kCVPixelFormatType_420YpCbCr8Planar);
    CFArrayRef list;
    fmts[0] = f1;
    fmts[1] = f2;
    list = CFArrayCreate(NULL, fmts, 2, &kCFTypeArrayCallBacks);
    CFDictionarySetValue(d, kCVPixelBufferWidthKey, w);
    CFDictionarySetValue(d, kCVPixelBufferHeightKey, h);
    CFDictionarySetValue(d, kCVPixelBufferPixelFormatTypeKey, list);
    CFRelease(base);
    CFRelease(w);
    CFRelease(h);
    CFRelease(f1);
    CFRelease(f2);
    CFRelease(list);
    return d;
}

typedef struct PoolCtx {
    CFDictionaryRef pool_attrs, pb_attrs, aux;
    CVPixelBufferPoolRef pool;
    CVPixelBufferRef held;
} PoolCtx;

static void *setup_pool_args(void) {
    PoolCtx *c = calloc(1, sizeof(*c));
    CFNumberRef three = vt_cf_number_int32(3), age = vt_cf_number_double(0.5);
    CFNumberRef threshold = vt_cf_number_int32(2);
    const void *k[2] = {kCVPixelBufferPoolMinimumBufferCountKey,
                        kCVPixelBufferPoolMaximumBufferAgeKey};
    const void *v[2] = {three, age};
    const void *ak[1] = {kCVPixelBufferPoolAllocationThresholdKey};
    const void *av[1] = {threshold};
    c->pool_attrs = CFDictionaryCreate(NULL, k, v, 2, &kCFTypeDictionaryKeyCallBacks,
                                       &kCFTypeDictionaryValueCallBacks);
    c->aux = CFDictionaryCreate(NULL, ak, av, 1, &kCFTypeDictionaryKeyCallBacks,
                                &kCFTypeDictionaryValueCallBacks);
    c->pb_attrs = make_pool_pb_attrs();
    CFRelease(three);
    CFRelease(age);
    CFRelease(threshold);
    return c;
}

static void *setup_pool(void) {
    PoolCtx *c = setup_pool_args();
    CHECK_EQ_INT(CVPixelBufferPoolCreate(NULL, c->pool_attrs, c->pb_attrs, &c->pool),
                 kCVReturnSuccess);
    /* One buffer out and one back in the free list: both paths are used. */
    {
        CVPixelBufferRef a = NULL;
        CVPixelBufferPoolCreatePixelBuffer(NULL, c->pool, &a);
        CVPixelBufferPoolCreatePixelBuffer(NULL, c->pool, &c->held);
        if (a)
            CVPixelBufferRelease(a);
    }
    return c;
}

static void teardown_pool(void *ctx) {
    PoolCtx *c = ctx;
    if (c->held)
        CVPixelBufferRelease(c->held);
    if (c->pool)
        CVPixelBufferPoolRelease(c->pool);
    CFRelease(c->pool_attrs);
    CFRelease(c->pb_attrs);
    CFRelease(c->aux);
    free(c);
}

static int32_t run_pool_create(void *ctx, CFTypeRef *out) {
    PoolCtx *c = ctx;
    CVPixelBufferPoolRef pool = NULL;
    CVReturn r = CVPixelBufferPoolCreate(NULL, c->pool_attrs, c->pb_attrs, &pool);
    *out = pool;
    return r;
}

static Boolean verify_pool(void *ctx, CFTypeRef out) {
    (void)ctx;
    return CFDictionaryGetValue(
               CVPixelBufferPoolGetPixelBufferAttributes((CVPixelBufferPoolRef)out),
               kCVPixelBufferPixelFormatTypeKey) != NULL;
}

static int32_t run_pool_buffer(void *ctx, CFTypeRef *out) {
    PoolCtx *c = ctx;
    CVPixelBufferRef pb = NULL;
    CVReturn r = CVPixelBufferPoolCreatePixelBuffer(NULL, c->pool, &pb);
    *out = pb;
    return r;
}

/* Two buffers: the first reuses the free one, the second allocates. */
static int32_t run_pool_two_buffers(void *ctx, CFTypeRef *out) {
    PoolCtx *c = ctx;
    CVPixelBufferRef a = NULL, b = NULL;
    CVReturn r = CVPixelBufferPoolCreatePixelBufferWithAuxAttributes(NULL, c->pool, c->aux, &a);
    *out = NULL;
    if (r != kCVReturnSuccess) {
        CHECK(a == NULL);
        return r;
    }
    r = CVPixelBufferPoolCreatePixelBufferWithAuxAttributes(NULL, c->pool, NULL, &b);
    CVPixelBufferRelease(a);
    *out = b;
    return r;
}

static Boolean verify_pool_buffer(void *ctx, CFTypeRef out) {
    (void)ctx;
    return CVPixelBufferGetWidth((CVPixelBufferRef)out) == 40 &&
           CVPixelBufferGetPixelFormatType((CVPixelBufferRef)out) ==
               kCVPixelFormatType_420YpCbCr8Planar &&
           CVBufferGetAttachment((CVBufferRef)out, kCVImageBufferYCbCrMatrixKey, NULL) != NULL;
}

/* ---- attachments ---- */

static void *setup_buffer(void) {
    CVPixelBufferRef pb = NULL;
    CFDictionaryRef attrs = make_attributes();
    CVPixelBufferCreate(NULL, 16, 16, kCVPixelFormatType_32BGRA, attrs, &pb);
    CFRelease(attrs);
    CVBufferSetAttachment(pb, kCVImageBufferFieldCountKey, kCFBooleanTrue,
                          kCVAttachmentMode_ShouldNotPropagate);
    return pb;
}

static int32_t run_copy_attachments(void *ctx, CFTypeRef *out) {
    return fault_cf_result(
        CVBufferCopyAttachments((CVBufferRef)ctx, kCVAttachmentMode_ShouldPropagate), out);
}

static int32_t run_copy_attachment(void *ctx, CFTypeRef *out) {
    return fault_cf_result(
        CVBufferCopyAttachment((CVBufferRef)ctx, kCVImageBufferColorPrimariesKey, NULL), out);
}

/* Void setters: either set or not, never half. Reported as FAULT_NULL when
 * an attachment is missing afterwards. */
static int32_t run_set_attachments(void *ctx, CFTypeRef *out) {
    CVBufferRef b = (CVBufferRef)ctx;
    CVPixelBufferRef dst = NULL;
    *out = NULL;
    CVBufferRemoveAllAttachments(b);
    CVBufferSetAttachment(b, kCVImageBufferGammaLevelKey, kCFBooleanFalse,
                          kCVAttachmentMode_ShouldPropagate);
    CVBufferSetAttachment(b, kCVImageBufferChromaLocationTopFieldKey,
                          kCVImageBufferChromaLocation_Left, kCVAttachmentMode_ShouldNotPropagate);
    if (CVPixelBufferCreate(NULL, 8, 8, kCVPixelFormatType_32BGRA, NULL, &dst) != 0)
        return kCVReturnAllocationFailed;
    CVBufferPropagateAttachments(b, dst);
    if (!CVBufferHasAttachment(b, kCVImageBufferGammaLevelKey) ||
        !CVBufferHasAttachment(b, kCVImageBufferChromaLocationTopFieldKey) ||
        !CVBufferHasAttachment(dst, kCVImageBufferGammaLevelKey)) {
        CVPixelBufferRelease(dst);
        return FAULT_NULL;
    }
    *out = dst;
    return 0;
}

static void *setup_resolve(void) {
    CFDictionaryRef a = make_attributes(), b = make_pool_pb_attrs();
    const void *list[2] = {a, b};
    CFArrayRef arr = CFArrayCreate(NULL, list, 2, &kCFTypeArrayCallBacks);
    CFRelease(a);
    CFRelease(b);
    return (void *)arr;
}

static int32_t run_resolve(void *ctx, CFTypeRef *out) {
    CFDictionaryRef r = NULL;
    CVReturn ret = CVPixelBufferCreateResolvedAttributesDictionary(NULL, (CFArrayRef)ctx, &r);
    *out = r;
    return ret;
}

static const FaultCase cases[] = {
    {"CVPixelBufferCreate BGRA", NULL, run_create_bgra, NULL, NULL, CV_ALLOC_FAILED},
    {"CVPixelBufferCreate NV12 + attributes", setup_attributes, run_create_nv12_attrs,
     verify_nv12_attrs, release_ctx, CV_ALLOC_FAILED},
    {"CVPixelBufferCreateWithBytes", setup_client, run_with_bytes, NULL, teardown_client,
     CV_ALLOC_FAILED},
    {"CVPixelBufferCreateWithPlanarBytes", setup_client, run_with_planar_bytes, NULL,
     teardown_client, CV_ALLOC_FAILED},
    {"CVPixelBufferPoolCreate", setup_pool_args, run_pool_create, verify_pool, teardown_pool,
     CV_POOL_FAILED},
    {"CVPixelBufferPoolCreatePixelBuffer", setup_pool, run_pool_buffer, verify_pool_buffer,
     teardown_pool, CV_POOL_FAILED},
    {"CVPixelBufferPoolCreatePixelBufferWithAuxAttributes x2",
     setup_pool,
     run_pool_two_buffers,
     verify_pool_buffer,
     teardown_pool,
     {kCVReturnAllocationFailed, kCVReturnPoolAllocationFailed,
      kCVReturnWouldExceedAllocationThreshold, 0}},
    {"CVBufferCopyAttachments",
     setup_buffer,
     run_copy_attachments,
     NULL,
     release_ctx,
     {FAULT_NULL, 0, 0, 0}},
    {"CVBufferCopyAttachment",
     setup_buffer,
     run_copy_attachment,
     NULL,
     release_ctx,
     {FAULT_NULL, 0, 0, 0}},
    {"CVBufferSetAttachment/PropagateAttachments",
     setup_buffer,
     run_set_attachments,
     NULL,
     release_ctx,
     {FAULT_NULL, kCVReturnAllocationFailed, 0, 0}},
    {"CVPixelBufferCreateResolvedAttributesDictionary", setup_resolve, run_resolve, NULL,
     release_ctx, CV_ALLOC_FAILED},
};

int main(int argc, char **argv) {
    fault_init(argc, argv);
    fault_run_all(cases, sizeof(cases) / sizeof(cases[0]));
    return vt_test_result();
}
