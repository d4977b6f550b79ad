/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Allocation-failure injection over VideoToolbox (fault_harness.h): the
 * VTSession property calls, VTCompressionSessionCreate, encoding (the
 * failure must surface as kVTAllocationFailedErr from EncodeFrame or as the
 * status of that frame's callback, and no frame may be lost or delivered
 * twice), the encoder list, frame silos and multi-pass storage, and the
 * pixel transfer / rotation sessions when they exist. Sessions whose Create
 * does not work yet (placeholders) are skipped with a message.
 */
#include <CoreMedia/CoreMedia.h>
#include <CoreVideo/CoreVideo.h>
#include <VideoToolbox/VideoToolbox.h>

#include "cf/cf_internal.h"
#include "fault_harness.h"

#define VT_FAILED \
    { kVTAllocationFailedErr, 0, 0, 0 }

typedef struct Frames {
    long accepted, delivered, failed;
} Frames;

static void on_output(void *refcon, void *frame_refcon, OSStatus status, VTEncodeInfoFlags flags,
                      CMSampleBufferRef sbuf) {
    Frames *f = refcon;
    (void)frame_refcon;
    (void)flags;
    f->delivered++;
    if (status != noErr) {
        CHECK_MSG(status == kVTAllocationFailedErr || status == kVTVideoEncoderMalfunctionErr,
                  "frame callback status %d", (int)status);
        f->failed++;
    } else if (sbuf) {
        CHECK(CMSampleBufferIsValid(sbuf));
    }
}

typedef struct CSCtx {
    VTCompressionSessionRef session;
    Frames frames;
    CVPixelBufferRef frame;
    CFDictionaryRef props;
    CFArrayRef limits;
    int64_t pts;
} CSCtx;

static Boolean cs_available;

/* Pixel memory is not initialised by CVPixelBufferCreate: give every byte of
 * every plane (padding included) a value, so valgrind sees no encoder or
 * converter reading undefined memory. */
static void fill_planes(CVPixelBufferRef pb) {
    size_t p, planes;
    if (!pb)
        return;
    planes = CVPixelBufferGetPlaneCount(pb);
    CVPixelBufferLockBaseAddress(pb, 0);
    for (p = 0; p < (planes ? planes : 1); p++) {
        uint8_t *base =
            planes ? CVPixelBufferGetBaseAddressOfPlane(pb, p) : CVPixelBufferGetBaseAddress(pb);
        size_t bpr =
            planes ? CVPixelBufferGetBytesPerRowOfPlane(pb, p) : CVPixelBufferGetBytesPerRow(pb);
        size_t rows = planes ? CVPixelBufferGetHeightOfPlane(pb, p) : CVPixelBufferGetHeight(pb);
        memset(base, (int)(0x40 + 0x20 * p), bpr * rows);
    }
    CVPixelBufferUnlockBaseAddress(pb, 0);
}

static VTCompressionSessionRef make_session(Frames *frames) {
    VTCompressionSessionRef s = NULL;
    if (VTCompressionSessionCreate(NULL, 64, 48, kCMVideoCodecType_H264, NULL, NULL, NULL,
                                   on_output, frames, &s) != noErr)
        return NULL;
    return s;
}

static void *setup_cs(void) {
    CSCtx *c = calloc(1, sizeof(*c));
    CFNumberRef n1 = vt_cf_number_int32(100000), n2 = vt_cf_number_double(1.0);
    const void *lv[2] = {n1, n2};
    CFNumberRef kbps = vt_cf_number_int32(300000), gop = vt_cf_number_int32(12);
    const void *pk[3] = {kVTCompressionPropertyKey_AverageBitRate,
                         kVTCompressionPropertyKey_MaxKeyFrameInterval,
                         kVTCompressionPropertyKey_RealTime};
    const void *pv[3] = {kbps, gop, kCFBooleanTrue};
    c->session = make_session(&c->frames);
    c->limits = CFArrayCreate(NULL, lv, 2, &kCFTypeArrayCallBacks);
    c->props = CFDictionaryCreate(NULL, pk, pv, 3, &kCFTypeDictionaryKeyCallBacks,
                                  &kCFTypeDictionaryValueCallBacks);
    CVPixelBufferCreate(NULL, 64, 48, kCVPixelFormatType_420YpCbCr8BiPlanarVideoRange, NULL,
                        &c->frame);
    fill_planes(c->frame);
    CFRelease(n1);
    CFRelease(n2);
    CFRelease(kbps);
    CFRelease(gop);
    return c;
}

static void teardown_cs(void *ctx) {
    CSCtx *c = ctx;
    if (c->session) {
        VTCompressionSessionInvalidate(c->session);
        CFRelease(c->session);
    }
    CFRelease(c->limits);
    CFRelease(c->props);
    CVPixelBufferRelease(c->frame);
    free(c);
}

/* A session with some values set (something to serialize). */
static void *setup_cs_props(void) {
    CSCtx *c = setup_cs();
    VTSessionSetProperties(c->session, c->props);
    return c;
}

static int32_t run_cs_create(void *ctx, CFTypeRef *out) {
    CSCtx *c = ctx;
    VTCompressionSessionRef s = NULL;
    OSStatus st = VTCompressionSessionCreate(NULL, 64, 48, kCMVideoCodecType_H264, NULL, NULL, NULL,
                                             on_output, &c->frames, &s);
    *out = s;
    return st;
}

static int32_t run_set_array(void *ctx, CFTypeRef *out) {
    CSCtx *c = ctx;
    CFTypeRef back = NULL;
    OSStatus st;
    *out = NULL;
    st = VTSessionSetProperty(c->session, kVTCompressionPropertyKey_DataRateLimits, c->limits);
    if (st != noErr) {
        /* The old value (none) is still in place. */
        CHECK_EQ_INT(VTSessionCopyProperty(c->session, kVTCompressionPropertyKey_DataRateLimits,
                                           NULL, &back),
                     noErr);
        CHECK(back == NULL);
        if (back)
            CFRelease(back);
    }
    return st;
}

static int32_t run_set_many(void *ctx, CFTypeRef *out) {
    CSCtx *c = ctx;
    *out = NULL;
    return VTSessionSetProperties(c->session, c->props);
}

static int32_t run_copy_number(void *ctx, CFTypeRef *out) {
    CSCtx *c = ctx;
    CFTypeRef v = (CFTypeRef)(uintptr_t)1;
    OSStatus st =
        VTSessionCopyProperty(c->session, kVTCompressionPropertyKey_AverageBitRate, NULL, &v);
    *out = st == noErr ? v : NULL;
    if (st != noErr)
        CHECK(v == NULL);
    return st;
}

static int32_t run_copy_supported(void *ctx, CFTypeRef *out) {
    CSCtx *c = ctx;
    CFDictionaryRef d = (CFDictionaryRef)(uintptr_t)1;
    OSStatus st = VTSessionCopySupportedPropertyDictionary(c->session, &d);
    *out = st == noErr ? d : NULL;
    if (st != noErr)
        CHECK(d == NULL);
    return st;
}

static int32_t run_copy_serializable(void *ctx, CFTypeRef *out) {
    CSCtx *c = ctx;
    CFDictionaryRef d = (CFDictionaryRef)(uintptr_t)1;
    OSStatus st = VTSessionCopySerializableProperties(c->session, NULL, &d);
    *out = st == noErr ? d : NULL;
    if (st != noErr)
        CHECK(d == NULL);
    return st;
}

/* Five frames and a flush: every accepted frame comes back exactly once, a
 * failure shows up as the call's status or the frame's callback status. */
static int32_t run_encode(void *ctx, CFTypeRef *out) {
    CSCtx *c = ctx;
    OSStatus st = noErr, first = noErr;
    int i;
    *out = NULL;
    for (i = 0; i < 5; i++) {
        st = VTCompressionSessionEncodeFrame(c->session, c->frame, CMTimeMake(++c->pts, 30),
                                             CMTimeMake(1, 30), NULL, NULL, NULL);
        if (st == noErr)
            c->frames.accepted++;
        else if (first == noErr)
            first = st;
    }
    st = VTCompressionSessionCompleteFrames(c->session, kCMTimeInvalid);
    if (st == noErr)
        CHECK_EQ_INT(c->frames.delivered, c->frames.accepted);
    else if (first == noErr)
        first = st;
    if (first == noErr && c->frames.failed)
        first = kVTAllocationFailedErr;
    return first;
}

static int32_t run_encoder_list(void *ctx, CFTypeRef *out) {
    CFArrayRef list = (CFArrayRef)(uintptr_t)1;
    OSStatus st = VTCopyVideoEncoderList(NULL, &list);
    (void)ctx;
    *out = st == noErr ? list : NULL;
    if (st != noErr)
        CHECK(list == NULL);
    return st;
}

static int32_t run_encoder_properties(void *ctx, CFTypeRef *out) {
    CFStringRef id = NULL;
    CFDictionaryRef props = NULL;
    OSStatus st = VTCopySupportedPropertyDictionaryForEncoder(64, 48, kCMVideoCodecType_H264, NULL,
                                                              &id, &props);
    (void)ctx;
    *out = NULL;
    if (st == noErr) {
        CFRelease(id);
        *out = props;
    } else {
        CHECK(id == NULL && props == NULL);
    }
    return st;
}

static int32_t run_silo(void *ctx, CFTypeRef *out) {
    VTFrameSiloRef silo = NULL;
    OSStatus st = VTFrameSiloCreate(NULL, NULL, kCMTimeRangeInvalid, NULL, &silo);
    (void)ctx;
    *out = silo;
    return st;
}

static int32_t run_multipass(void *ctx, CFTypeRef *out) {
    VTMultiPassStorageRef mp = NULL;
    OSStatus st = VTMultiPassStorageCreate(NULL, NULL, kCMTimeRangeInvalid, NULL, &mp);
    (void)ctx;
    *out = NULL;
    if (st == noErr) {
        CHECK_EQ_INT(VTMultiPassStorageClose(mp), noErr);
        *out = mp;
    }
    return st;
}

/* ---- transfer / rotation ---- */

typedef struct ImgCtx {
    CVPixelBufferRef src, dst;
    CFTypeRef session;
} ImgCtx;

static void *setup_images(void) {
    ImgCtx *c = calloc(1, sizeof(*c));
    CVPixelBufferCreate(NULL, 48, 32, kCVPixelFormatType_32BGRA, NULL, &c->src);
    fill_planes(c->src);
    CVPixelBufferCreate(NULL, 32, 48, kCVPixelFormatType_420YpCbCr8BiPlanarVideoRange, NULL,
                        &c->dst);
    return c;
}

static void teardown_images(void *ctx) {
    ImgCtx *c = ctx;
    if (c->session) {
        if (CFGetTypeID(c->session) == VTPixelTransferSessionGetTypeID())
            VTPixelTransferSessionInvalidate((VTPixelTransferSessionRef)c->session);
        else
            VTPixelRotationSessionInvalidate((VTPixelRotationSessionRef)c->session);
        CFRelease(c->session);
    }
    CVPixelBufferRelease(c->src);
    CVPixelBufferRelease(c->dst);
    free(c);
}

static int32_t run_transfer_create(void *ctx, CFTypeRef *out) {
    VTPixelTransferSessionRef s = NULL;
    OSStatus st = VTPixelTransferSessionCreate(NULL, &s);
    (void)ctx;
    *out = s;
    return st;
}

static void *setup_transfer(void) {
    ImgCtx *c = setup_images();
    VTPixelTransferSessionCreate(NULL, (VTPixelTransferSessionRef *)&c->session);
    return c;
}

/* Letterboxing into a destination aperture with another matrix and 2
 * worker threads: geometry, conversion plan and scratch planes. */
static void *setup_transfer_scaled(void) {
    ImgCtx *c = setup_transfer();
    CFMutableDictionaryRef ap = CFDictionaryCreateMutable(NULL, 0, &kCFTypeDictionaryKeyCallBacks,
                                                          &kCFTypeDictionaryValueCallBacks);
    CFNumberRef w = vt_cf_number_int32(24), h = vt_cf_number_int32(40), z = vt_cf_number_int32(0);
    CFNumberRef two = vt_cf_number_int32(2);
    CFDictionarySetValue(ap, kCVImageBufferCleanApertureWidthKey, w);
    CFDictionarySetValue(ap, kCVImageBufferCleanApertureHeightKey, h);
    CFDictionarySetValue(ap, kCVImageBufferCleanApertureHorizontalOffsetKey, z);
    CFDictionarySetValue(ap, kCVImageBufferCleanApertureVerticalOffsetKey, z);
    VTSessionSetProperty(c->session, kVTPixelTransferPropertyKey_ScalingMode,
                         kVTScalingMode_Letterbox);
    VTSessionSetProperty(c->session, kVTPixelTransferPropertyKey_DestinationCleanAperture, ap);
    VTSessionSetProperty(c->session, kVTPixelTransferPropertyKey_DestinationYCbCrMatrix,
                         kCVImageBufferYCbCrMatrix_ITU_R_601_4);
    VTSessionSetProperty(c->session, kVTPixelTransferPropertyKey_DownsamplingMode,
                         kVTDownsamplingMode_Average);
    VTSessionSetProperty(c->session, kVTCorePixelTransferPropertyKey_ThreadCount, two);
    CVBufferSetAttachment(c->src, kCVImageBufferYCbCrMatrixKey,
                          kCVImageBufferYCbCrMatrix_ITU_R_709_2, kCVAttachmentMode_ShouldPropagate);
    CFRelease(ap);
    CFRelease(w);
    CFRelease(h);
    CFRelease(z);
    CFRelease(two);
    return c;
}

static int32_t run_transfer_property(void *ctx, CFTypeRef *out) {
    ImgCtx *c = ctx;
    CFMutableDictionaryRef ap = NULL;
    CFNumberRef n = NULL;
    OSStatus st = kVTAllocationFailedErr;
    *out = NULL;
    /* The value is built inside the window too: its failures count. */
    ap = CFDictionaryCreateMutable(NULL, 0, &kCFTypeDictionaryKeyCallBacks,
                                   &kCFTypeDictionaryValueCallBacks);
    n = vt_cf_number_int32(16);
    if (ap && n) {
        CFDictionarySetValue(ap, kCVImageBufferCleanApertureWidthKey, n);
        CFDictionarySetValue(ap, kCVImageBufferCleanApertureHeightKey, n);
        CFDictionarySetValue(ap, kCVImageBufferCleanApertureHorizontalOffsetKey, n);
        CFDictionarySetValue(ap, kCVImageBufferCleanApertureVerticalOffsetKey, n);
        st = CFDictionaryGetCount(ap) == 4
                 ? VTSessionSetProperty(c->session,
                                        kVTPixelTransferPropertyKey_DestinationCleanAperture, ap)
                 : kVTAllocationFailedErr;
    }
    if (ap)
        CFRelease(ap);
    if (n)
        CFRelease(n);
    return st;
}

static int32_t run_transfer(void *ctx, CFTypeRef *out) {
    ImgCtx *c = ctx;
    *out = NULL;
    return VTPixelTransferSessionTransferImage((VTPixelTransferSessionRef)c->session, c->src,
                                               c->dst);
}

/* A successful transfer describes its result: the destination (NV12) has
 * its matrix and chroma subsampling attached. */
static Boolean verify_transfer(void *ctx, CFTypeRef out) {
    ImgCtx *c = ctx;
    (void)out;
    return CVBufferGetAttachment(c->dst, kCVImageBufferYCbCrMatrixKey, NULL) != NULL &&
           CVBufferGetAttachment(c->dst, kCVImageBufferChromaSubsamplingKey, NULL) != NULL;
}

static int32_t run_rotation_create(void *ctx, CFTypeRef *out) {
    VTPixelRotationSessionRef s = NULL;
    OSStatus st = VTPixelRotationSessionCreate(NULL, &s);
    (void)ctx;
    *out = s;
    return st;
}

static void *setup_rotation(void) {
    ImgCtx *c = setup_images();
    VTPixelRotationSessionCreate(NULL, (VTPixelRotationSessionRef *)&c->session);
    if (c->session)
        VTSessionSetProperty(c->session, kVTPixelRotationPropertyKey_Rotation, kVTRotation_CW90);
    return c;
}

static int32_t run_rotation(void *ctx, CFTypeRef *out) {
    ImgCtx *c = ctx;
    *out = NULL;
    return VTPixelRotationSessionRotateImage((VTPixelRotationSessionRef)c->session, c->src, c->dst);
}

static const FaultCase cs_cases[] = {
    {"VTCompressionSessionCreate", setup_cs, run_cs_create, NULL, teardown_cs, VT_FAILED},
    {"VTSessionSetProperty (CFArray value)", setup_cs, run_set_array, NULL, teardown_cs, VT_FAILED},
    {"VTSessionSetProperties", setup_cs, run_set_many, NULL, teardown_cs, VT_FAILED},
    {"VTSessionCopyProperty (CFNumber)", setup_cs, run_copy_number, NULL, teardown_cs, VT_FAILED},
    {"VTSessionCopySupportedPropertyDictionary", setup_cs, run_copy_supported, NULL, teardown_cs,
     VT_FAILED},
    {"VTSessionCopySerializableProperties", setup_cs_props, run_copy_serializable, NULL,
     teardown_cs, VT_FAILED},
    {"VTCompressionSessionEncodeFrame x5 + CompleteFrames",
     setup_cs,
     run_encode,
     NULL,
     teardown_cs,
     {kVTAllocationFailedErr, kVTVideoEncoderMalfunctionErr, 0, 0}},
    {"VTCopySupportedPropertyDictionaryForEncoder", NULL, run_encoder_properties, NULL, NULL,
     VT_FAILED},
};

static const FaultCase other_cases[] = {
    {"VTCopyVideoEncoderList", NULL, run_encoder_list, NULL, NULL, VT_FAILED},
    {"VTFrameSiloCreate", NULL, run_silo, NULL, NULL, VT_FAILED},
    {"VTMultiPassStorageCreate + Close", NULL, run_multipass, NULL, NULL, VT_FAILED},
};

static const FaultCase transfer_cases[] = {
    {"VTPixelTransferSessionCreate", NULL, run_transfer_create, NULL, NULL, VT_FAILED},
    {"VTPixelTransferSessionTransferImage", setup_transfer, run_transfer, verify_transfer,
     teardown_images, VT_FAILED},
    {"VTPixelTransferSessionTransferImage (letterbox, matrix, 2 threads)", setup_transfer_scaled,
     run_transfer, verify_transfer, teardown_images, VT_FAILED},
    {"VTSessionSetProperty (DestinationCleanAperture)", setup_transfer, run_transfer_property, NULL,
     teardown_images, VT_FAILED},
};

static const FaultCase rotation_cases[] = {
    {"VTPixelRotationSessionCreate", NULL, run_rotation_create, NULL, NULL, VT_FAILED},
    {"VTPixelRotationSessionRotateImage", setup_rotation, run_rotation, NULL, teardown_images,
     VT_FAILED},
};

/* TRUE (with the reason printed otherwise) when Create works at all. */
static Boolean available(const char *what, OSStatus st, CFTypeRef obj) {
    if (obj)
        CFRelease(obj);
    if (st != noErr)
        printf("not tested: %s does not work yet (%s)\n", what, vtcore_status_string(st));
    return st == noErr;
}

int main(int argc, char **argv) {
    Frames frames = {0, 0, 0};
    VTCompressionSessionRef cs = NULL;
    VTPixelTransferSessionRef ts = NULL;
    VTPixelRotationSessionRef rs = NULL;
    OSStatus st;

    fault_init(argc, argv);
    fault_run_all(other_cases, sizeof(other_cases) / sizeof(other_cases[0]));

    st = VTCompressionSessionCreate(NULL, 64, 48, kCMVideoCodecType_H264, NULL, NULL, NULL,
                                    on_output, &frames, &cs);
    if (cs)
        VTCompressionSessionInvalidate(cs);
    cs_available = available("VTCompressionSession", st, cs);
    if (cs_available)
        fault_run_all(cs_cases, sizeof(cs_cases) / sizeof(cs_cases[0]));

    st = VTPixelTransferSessionCreate(NULL, &ts);
    if (ts)
        VTPixelTransferSessionInvalidate(ts);
    if (available("VTPixelTransferSession", st, ts))
        fault_run_all(transfer_cases, sizeof(transfer_cases) / sizeof(transfer_cases[0]));

    st = VTPixelRotationSessionCreate(NULL, &rs);
    if (rs)
        VTPixelRotationSessionInvalidate(rs);
    if (available("VTPixelRotationSession", st, rs))
        fault_run_all(rotation_cases, sizeof(rotation_cases) / sizeof(rotation_cases[0]));
    return vt_test_result();
}
