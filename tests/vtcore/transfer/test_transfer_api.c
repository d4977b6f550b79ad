/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * VTPixelTransferSession as an object and through VTSession*: creation,
 * type id, NULL and bad arguments (documented errors, never a crash), the
 * property table (defaults, set / read back, NULL restores the default,
 * wrong types and values refused, literal keys, the supported-property and
 * serializable dictionaries), DestinationICCProfile refused, invalidation,
 * 100 create / transfer / invalidate cycles (the LSan build catches leaks)
 * and concurrent transfers on one session.
 */
#include <pthread.h>

#include "cv/cv_internal.h"
#include "transfer_test_util.h"

static VTPixelTransferSessionRef new_session(void) {
    VTPixelTransferSessionRef s = NULL;
    CHECK_STATUS(VTPixelTransferSessionCreate(NULL, &s), noErr);
    CHECK(s != NULL);
    return s;
}

static void test_create(void) {
    VTPixelTransferSessionRef s = (VTPixelTransferSessionRef)(uintptr_t)1;
    CHECK_STATUS(VTPixelTransferSessionCreate(NULL, NULL), kVTParameterErr);
    CHECK_STATUS(VTPixelTransferSessionCreate(kCFAllocatorDefault, &s), noErr);
    CHECK(s != NULL);
    CHECK_EQ_INT(VTPixelTransferSessionGetTypeID(), VT_TYPE_ID_PIXEL_TRANSFER_SESSION);
    CHECK_EQ_INT(CFGetTypeID(s), VTPixelTransferSessionGetTypeID());
    CHECK(CFGetTypeID(s) != CFStringGetTypeID());
    CFRetain(s);
    CFRelease(s);
    /* released without Invalidate: finalize cleans up */
    CFRelease(s);
    VTPixelTransferSessionInvalidate(NULL);
    /* A non-session object is ignored by Invalidate. */
    CFStringRef str = CFSTR("not a session");
    VTPixelTransferSessionInvalidate((VTPixelTransferSessionRef)str);
}

/* ---- properties ------------------------------------------------------- */

static int cf_equal_str(CFTypeRef v, CFStringRef want) {
    return v && CFGetTypeID(v) == CFStringGetTypeID() && CFEqual(v, want);
}

static void check_copy_str(VTSessionRef s, CFStringRef key, CFStringRef want) {
    CFTypeRef v = NULL;
    CHECK_STATUS(VTSessionCopyProperty(s, key, NULL, &v), noErr);
    if (want)
        CHECK_MSG(cf_equal_str(v, want), "%s", CFStringGetCStringPtr(key, kCFStringEncodingUTF8));
    else
        CHECK_MSG(v == NULL, "%s not NULL", CFStringGetCStringPtr(key, kCFStringEncodingUTF8));
    if (v)
        CFRelease(v);
}

static int copy_int(VTSessionRef s, CFStringRef key) {
    CFTypeRef v = NULL;
    int out = -12345;
    if (VTSessionCopyProperty(s, key, NULL, &v) == noErr && v) {
        if (CFGetTypeID(v) == CFNumberGetTypeID())
            CFNumberGetValue(v, kCFNumberIntType, &out);
        CFRelease(v);
    }
    return out;
}

static void test_enum_row(VTSessionRef s, CFStringRef key, const CFStringRef *values, int n,
                          CFStringRef def) {
    check_copy_str(s, key, def);
    for (int i = 0; i < n; i++) {
        CHECK_STATUS(VTSessionSetProperty(s, key, values[i]), noErr);
        check_copy_str(s, key, values[i]);
    }
    /* equal strings that are not the exported constants */
    if (n > 0) {
        CFStringRef copy = CFStringCreateWithCString(
            NULL, CFStringGetCStringPtr(values[0], kCFStringEncodingUTF8), kCFStringEncodingUTF8);
        CHECK_STATUS(VTSessionSetProperty(s, key, copy), noErr);
        check_copy_str(s, key, values[0]);
        CFRelease(copy);
    }
    CHECK_STATUS(VTSessionSetProperty(s, key, CFSTR("NoSuchValue")), kVTParameterErr);
    CFNumberRef num = tt_num(1);
    CHECK_STATUS(VTSessionSetProperty(s, key, num), kVTParameterErr);
    CFRelease(num);
    CHECK_STATUS(VTSessionSetProperty(s, key, kCFBooleanTrue), kVTParameterErr);
    CHECK_STATUS(VTSessionSetProperty(s, key, NULL), noErr);
    check_copy_str(s, key, def);
}

static void test_properties(void) {
    VTPixelTransferSessionRef s = new_session();
    if (!s)
        return;

    const CFStringRef modes[] = {kVTScalingMode_Normal, kVTScalingMode_CropSourceToCleanAperture,
                                 kVTScalingMode_Letterbox, kVTScalingMode_Trim};
    test_enum_row(s, kVTPixelTransferPropertyKey_ScalingMode, modes, 4, kVTScalingMode_Normal);
    const CFStringRef down[] = {kVTDownsamplingMode_Decimate, kVTDownsamplingMode_Average};
    test_enum_row(s, kVTPixelTransferPropertyKey_DownsamplingMode, down, 2,
                  kVTDownsamplingMode_Decimate);
    const CFStringRef prim[] = {
        kCVImageBufferColorPrimaries_ITU_R_709_2, kCVImageBufferColorPrimaries_EBU_3213,
        kCVImageBufferColorPrimaries_SMPTE_C,     kCVImageBufferColorPrimaries_P22,
        kCVImageBufferColorPrimaries_DCI_P3,      kCVImageBufferColorPrimaries_P3_D65,
        kCVImageBufferColorPrimaries_ITU_R_2020};
    test_enum_row(s, kVTPixelTransferPropertyKey_DestinationColorPrimaries, prim, 7, NULL);
    const CFStringRef tf[] = {kCVImageBufferTransferFunction_ITU_R_709_2,
                              kCVImageBufferTransferFunction_SMPTE_240M_1995,
                              kCVImageBufferTransferFunction_UseGamma,
                              kCVImageBufferTransferFunction_ITU_R_2020,
                              kCVImageBufferTransferFunction_SMPTE_ST_428_1,
                              kCVImageBufferTransferFunction_SMPTE_ST_2084_PQ,
                              kCVImageBufferTransferFunction_ITU_R_2100_HLG,
                              kCVImageBufferTransferFunction_Linear,
                              kCVImageBufferTransferFunction_sRGB};
    test_enum_row(s, kVTPixelTransferPropertyKey_DestinationTransferFunction, tf, 9, NULL);
    const CFStringRef mat[] = {
        kCVImageBufferYCbCrMatrix_ITU_R_709_2,     kCVImageBufferYCbCrMatrix_ITU_R_601_4,
        kCVImageBufferYCbCrMatrix_SMPTE_240M_1995, kCVImageBufferYCbCrMatrix_ITU_R_2020,
        kCVImageBufferYCbCrMatrix_DCI_P3,          kCVImageBufferYCbCrMatrix_P3_D65};
    test_enum_row(s, kVTPixelTransferPropertyKey_DestinationYCbCrMatrix, mat, 6, NULL);

    /* literal keys (clients hard-code the strings) */
    CHECK_STATUS(VTSessionSetProperty(s, CFSTR("ScalingMode"), CFSTR("Letterbox")), noErr);
    check_copy_str(s, kVTPixelTransferPropertyKey_ScalingMode, kVTScalingMode_Letterbox);
    CHECK_STATUS(VTSessionSetProperty(s, CFSTR("ScalingMode"), NULL), noErr);

    /* RealTime: unset by default, booleans and 0/1 numbers */
    CFTypeRef v = (CFTypeRef)(uintptr_t)1;
    CHECK_STATUS(VTSessionCopyProperty(s, kVTPixelTransferPropertyKey_RealTime, NULL, &v), noErr);
    CHECK(v == NULL);
    CHECK_STATUS(VTSessionSetProperty(s, kVTPixelTransferPropertyKey_RealTime, kCFBooleanTrue),
                 noErr);
    CHECK_STATUS(VTSessionCopyProperty(s, kVTPixelTransferPropertyKey_RealTime, NULL, &v), noErr);
    CHECK(v == kCFBooleanTrue);
    if (v)
        CFRelease(v);
    CHECK_STATUS(VTSessionSetProperty(s, kVTPixelTransferPropertyKey_RealTime, CFSTR("yes")),
                 kVTParameterErr);
    CHECK_STATUS(VTSessionSetProperty(s, kVTPixelTransferPropertyKey_RealTime, NULL), noErr);

    /* ThreadCount: default 1, 0..16 */
    CHECK_EQ_INT(copy_int(s, kVTCorePixelTransferPropertyKey_ThreadCount), 1);
    CHECK(CFEqual(kVTCorePixelTransferPropertyKey_ThreadCount, CFSTR("vtcore.ThreadCount")));
    CHECK_STATUS(tt_set_int(s, kVTCorePixelTransferPropertyKey_ThreadCount, 4), noErr);
    CHECK_EQ_INT(copy_int(s, kVTCorePixelTransferPropertyKey_ThreadCount), 4);
    CHECK_STATUS(tt_set_int(s, kVTCorePixelTransferPropertyKey_ThreadCount, 0), noErr);
    CHECK_EQ_INT(copy_int(s, kVTCorePixelTransferPropertyKey_ThreadCount), 0);
    CHECK_STATUS(tt_set_int(s, kVTCorePixelTransferPropertyKey_ThreadCount, 17), kVTParameterErr);
    CHECK_STATUS(tt_set_int(s, kVTCorePixelTransferPropertyKey_ThreadCount, -1), kVTParameterErr);
    CHECK_STATUS(VTSessionSetProperty(s, kVTCorePixelTransferPropertyKey_ThreadCount, CFSTR("4")),
                 kVTParameterErr);
    CHECK_EQ_INT(copy_int(s, kVTCorePixelTransferPropertyKey_ThreadCount), 0);
    CHECK_STATUS(VTSessionSetProperty(s, CFSTR("vtcore.ThreadCount"), NULL), noErr);
    CHECK_EQ_INT(copy_int(s, kVTCorePixelTransferPropertyKey_ThreadCount), 1);

    /* DestinationCleanAperture */
    CFDictionaryRef ca = tt_aperture(100, 50, 2, -3);
    CHECK_STATUS(VTSessionSetProperty(s, kVTPixelTransferPropertyKey_DestinationCleanAperture, ca),
                 noErr);
    CHECK_STATUS(
        VTSessionCopyProperty(s, kVTPixelTransferPropertyKey_DestinationCleanAperture, NULL, &v),
        noErr);
    CHECK(v && CFEqual(v, ca));
    CHECK(tt_dict_num(v, kCVImageBufferCleanApertureWidthKey) == 100);
    if (v)
        CFRelease(v);
    CFRelease(ca);
    ca = tt_aperture(0.5, 50, 0, 0); /* below one pixel */
    CHECK_STATUS(VTSessionSetProperty(s, kVTPixelTransferPropertyKey_DestinationCleanAperture, ca),
                 kVTParameterErr);
    CFRelease(ca);
    ca = tt_aperture(0, 50, 0, 0);
    CHECK_STATUS(VTSessionSetProperty(s, kVTPixelTransferPropertyKey_DestinationCleanAperture, ca),
                 kVTParameterErr);
    CFRelease(ca);
    CFStringRef wk[1] = {kCVImageBufferCleanApertureWidthKey};
    double wv[1] = {10};
    ca = tt_dict(1, wk, wv); /* no height */
    CHECK_STATUS(VTSessionSetProperty(s, kVTPixelTransferPropertyKey_DestinationCleanAperture, ca),
                 kVTParameterErr);
    CFRelease(ca);
    CHECK_STATUS(
        VTSessionSetProperty(s, kVTPixelTransferPropertyKey_DestinationCleanAperture, CFSTR("x")),
        kVTParameterErr);
    CHECK_STATUS(
        VTSessionSetProperty(s, kVTPixelTransferPropertyKey_DestinationCleanAperture, NULL), noErr);
    CHECK_STATUS(
        VTSessionCopyProperty(s, kVTPixelTransferPropertyKey_DestinationCleanAperture, NULL, &v),
        noErr);
    CHECK(v == NULL);

    /* DestinationPixelAspectRatio */
    CFDictionaryRef par = tt_par(4, 3);
    CHECK_STATUS(
        VTSessionSetProperty(s, kVTPixelTransferPropertyKey_DestinationPixelAspectRatio, par),
        noErr);
    CHECK_STATUS(
        VTSessionCopyProperty(s, kVTPixelTransferPropertyKey_DestinationPixelAspectRatio, NULL, &v),
        noErr);
    CHECK(v && tt_dict_num(v, kCVImageBufferPixelAspectRatioVerticalSpacingKey) == 3);
    if (v)
        CFRelease(v);
    CFRelease(par);
    par = tt_par(1e5, 1); /* beyond 10000:1 */
    CHECK_STATUS(
        VTSessionSetProperty(s, kVTPixelTransferPropertyKey_DestinationPixelAspectRatio, par),
        kVTParameterErr);
    CFRelease(par);
    par = tt_par(-1, 3);
    CHECK_STATUS(
        VTSessionSetProperty(s, kVTPixelTransferPropertyKey_DestinationPixelAspectRatio, par),
        kVTParameterErr);
    CFRelease(par);
    CHECK_STATUS(
        VTSessionSetProperty(s, kVTPixelTransferPropertyKey_DestinationPixelAspectRatio, NULL),
        noErr);

    /* DestinationICCProfile: refused (no colour management), NULL accepted */
    uint8_t icc[16] = {0};
    CFDataRef data = CFDataCreate(NULL, icc, sizeof(icc));
    CHECK_STATUS(VTSessionSetProperty(s, kVTPixelTransferPropertyKey_DestinationICCProfile, data),
                 kVTPropertyNotSupportedErr);
    CFRelease(data);
    CHECK_STATUS(
        VTSessionSetProperty(s, kVTPixelTransferPropertyKey_DestinationICCProfile, CFSTR("x")),
        kVTParameterErr);
    CHECK_STATUS(VTSessionSetProperty(s, kVTPixelTransferPropertyKey_DestinationICCProfile, NULL),
                 noErr);
    CHECK_STATUS(
        VTSessionCopyProperty(s, kVTPixelTransferPropertyKey_DestinationICCProfile, NULL, &v),
        noErr);
    CHECK(v == NULL);

    /* unknown keys, bad arguments */
    CHECK_STATUS(VTSessionSetProperty(s, CFSTR("NoSuchKey"), kCFBooleanTrue),
                 kVTPropertyNotSupportedErr);
    CHECK_STATUS(VTSessionSetProperty(s, kVTCompressionPropertyKey_AverageBitRate, NULL),
                 kVTPropertyNotSupportedErr);
    CHECK_STATUS(VTSessionCopyProperty(s, CFSTR("NoSuchKey"), NULL, &v),
                 kVTPropertyNotSupportedErr);
    CHECK_STATUS(VTSessionCopyProperty(s, kVTPixelTransferPropertyKey_ScalingMode, NULL, NULL),
                 kVTParameterErr);
    CHECK_STATUS(VTSessionSetProperty(NULL, kVTPixelTransferPropertyKey_ScalingMode, NULL),
                 kVTParameterErr);

    /* VTSessionSetProperties: several at once */
    const void *keys[2] = {kVTPixelTransferPropertyKey_ScalingMode,
                           kVTPixelTransferPropertyKey_DownsamplingMode};
    const void *vals[2] = {kVTScalingMode_Trim, kVTDownsamplingMode_Average};
    CFDictionaryRef many = CFDictionaryCreate(NULL, keys, vals, 2, &kCFTypeDictionaryKeyCallBacks,
                                              &kCFTypeDictionaryValueCallBacks);
    CHECK_STATUS(VTSessionSetProperties(s, many), noErr);
    CFRelease(many);
    check_copy_str(s, kVTPixelTransferPropertyKey_ScalingMode, kVTScalingMode_Trim);
    check_copy_str(s, kVTPixelTransferPropertyKey_DownsamplingMode, kVTDownsamplingMode_Average);

    /* supported properties: every key, described */
    CFDictionaryRef sup = NULL;
    CHECK_STATUS(VTSessionCopySupportedPropertyDictionary(s, &sup), noErr);
    const CFStringRef all[] = {
        kVTPixelTransferPropertyKey_ScalingMode,
        kVTPixelTransferPropertyKey_DestinationCleanAperture,
        kVTPixelTransferPropertyKey_DestinationPixelAspectRatio,
        kVTPixelTransferPropertyKey_DownsamplingMode,
        kVTPixelTransferPropertyKey_DestinationColorPrimaries,
        kVTPixelTransferPropertyKey_DestinationTransferFunction,
        kVTPixelTransferPropertyKey_DestinationYCbCrMatrix,
        kVTPixelTransferPropertyKey_DestinationICCProfile,
        kVTPixelTransferPropertyKey_RealTime,
        kVTCorePixelTransferPropertyKey_ThreadCount,
    };
    if (sup) {
        CHECK_EQ_INT(CFDictionaryGetCount(sup), (long)(sizeof(all) / sizeof(all[0])));
        for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
            CHECK(CFDictionaryGetValue(sup, all[i]) != NULL);
        CFDictionaryRef d = CFDictionaryGetValue(sup, kVTPixelTransferPropertyKey_ScalingMode);
        CHECK(d &&
              CFEqual(CFDictionaryGetValue(d, kVTPropertyTypeKey), kVTPropertyType_Enumeration));
        CFArrayRef list = d ? CFDictionaryGetValue(d, kVTPropertySupportedValueListKey) : NULL;
        CHECK(list && CFArrayGetCount(list) == 4);
        d = CFDictionaryGetValue(sup, kVTCorePixelTransferPropertyKey_ThreadCount);
        CHECK(d && tt_dict_num(d, kVTPropertySupportedValueMaximumKey) == 16);
        CFRelease(sup);
    }
    CFDictionaryRef ser = NULL;
    CHECK_STATUS(VTSessionCopySerializableProperties(s, NULL, &ser), noErr);
    CHECK(ser && CFEqual(CFDictionaryGetValue(ser, kVTPixelTransferPropertyKey_ScalingMode),
                         kVTScalingMode_Trim));
    if (ser)
        CFRelease(ser);

    VTPixelTransferSessionInvalidate(s);
    CFRelease(s);
}

/* ---- bad input -------------------------------------------------------- */

static void test_bad_input(void) {
    VTPixelTransferSessionRef s = new_session();
    TBuf a, b;
    if (!s || !tb_alloc(&a, kCVPixelFormatType_32BGRA, 16, 16, 0) ||
        !tb_alloc(&b, kCVPixelFormatType_420YpCbCr8Planar, 16, 16, 0))
        return;
    CHECK_STATUS(VTPixelTransferSessionTransferImage(NULL, a.pb, b.pb), kVTParameterErr);
    CHECK_STATUS(VTPixelTransferSessionTransferImage(s, NULL, b.pb), kVTParameterErr);
    CHECK_STATUS(VTPixelTransferSessionTransferImage(s, a.pb, NULL), kVTParameterErr);
    CHECK_STATUS(VTPixelTransferSessionTransferImage(s, NULL, NULL), kVTParameterErr);
    /* objects of other types */
    CFStringRef str = CFSTR("not a buffer");
    CHECK_STATUS(VTPixelTransferSessionTransferImage(s, (CVPixelBufferRef)str, b.pb),
                 kVTParameterErr);
    CHECK_STATUS(VTPixelTransferSessionTransferImage(s, a.pb, (CVPixelBufferRef)str),
                 kVTParameterErr);
    CHECK_STATUS(VTPixelTransferSessionTransferImage((VTPixelTransferSessionRef)str, a.pb, b.pb),
                 kVTParameterErr);
    /* in place */
    CHECK_STATUS(VTPixelTransferSessionTransferImage(s, a.pb, a.pb), kVTParameterErr);

    /* Unknown formats and empty buffers cannot even be created ... */
    CVPixelBufferRef pb = NULL;
    CHECK_STATUS(CVPixelBufferCreate(NULL, 16, 16, 0x7A7A7A7A, NULL, &pb),
                 kCVReturnInvalidPixelFormat);
    CHECK_STATUS(CVPixelBufferCreate(NULL, 0, 16, kCVPixelFormatType_32BGRA, NULL, &pb),
                 kCVReturnInvalidSize);
    /* ... but the session still refuses an empty destination (forced). */
    size_t saved = b.pb->width;
    b.pb->width = 0;
    CHECK_STATUS(VTPixelTransferSessionTransferImage(s, a.pb, b.pb), kVTParameterErr);
    b.pb->width = saved;
    saved = a.pb->height;
    a.pb->height = 0;
    CHECK_STATUS(VTPixelTransferSessionTransferImage(s, a.pb, b.pb), kVTParameterErr);
    a.pb->height = saved;
    CHECK_STATUS(VTPixelTransferSessionTransferImage(s, a.pb, b.pb), noErr);

    /* larger than the converter's 16384 limit: not supported */
    CVPixelBufferRef wide = NULL;
    CHECK_STATUS(CVPixelBufferCreate(NULL, 16400, 2, kCVPixelFormatType_32BGRA, NULL, &wide),
                 kCVReturnSuccess);
    if (wide) {
        CHECK_STATUS(VTPixelTransferSessionTransferImage(s, a.pb, wide),
                     kVTPixelTransferNotSupportedErr);
        CHECK_STATUS(VTPixelTransferSessionTransferImage(s, wide, b.pb),
                     kVTPixelTransferNotSupportedErr);
        CVPixelBufferRelease(wide);
    }

    /* P010 planes must be 2-byte aligned: an odd stride is refused */
    uint8_t *mem = calloc(1, 4096);
    void *planes[2] = {mem + 2, mem + 2048};
    size_t pw[2] = {8, 4}, ph[2] = {8, 4}, bpr[2] = {17, 33};
    CVPixelBufferRef p010 = NULL;
    CHECK_STATUS(CVPixelBufferCreateWithPlanarBytes(
                     NULL, 8, 8, kCVPixelFormatType_420YpCbCr10BiPlanarVideoRange, NULL, 0, 2,
                     planes, pw, ph, bpr, NULL, NULL, NULL, &p010),
                 kCVReturnSuccess);
    if (p010) {
        CHECK_STATUS(VTPixelTransferSessionTransferImage(s, a.pb, p010), kVTParameterErr);
        CHECK_STATUS(VTPixelTransferSessionTransferImage(s, p010, b.pb), kVTParameterErr);
        CVPixelBufferRelease(p010);
    }
    free(mem);

    /* A refused transfer leaves the destination's attachments alone. */
    CVBufferSetAttachment(b.pb, CFSTR("Marker"), kCFBooleanTrue, kCVAttachmentMode_ShouldPropagate);
    CHECK_STATUS(VTPixelTransferSessionTransferImage(s, a.pb, a.pb), kVTParameterErr);
    CVBufferSetAttachment(a.pb, kCVImageBufferColorPrimariesKey,
                          kCVImageBufferColorPrimaries_ITU_R_709_2,
                          kCVAttachmentMode_ShouldPropagate);
    VTSessionSetProperty(s, kVTPixelTransferPropertyKey_DestinationColorPrimaries,
                         kCVImageBufferColorPrimaries_ITU_R_2020);
    CHECK_STATUS(VTPixelTransferSessionTransferImage(s, a.pb, b.pb),
                 kVTPixelTransferNotSupportedErr);
    CHECK(CVBufferGetAttachment(b.pb, CFSTR("Marker"), NULL) == kCFBooleanTrue);

    VTPixelTransferSessionInvalidate(s);
    CFRelease(s);
    tb_free(&a);
    tb_free(&b);
}

/* ---- invalidation and cycles --------------------------------------------- */

static void test_invalidate(void) {
    VTPixelTransferSessionRef s = new_session();
    TBuf a, b;
    if (!s || !tb_alloc(&a, kCVPixelFormatType_32BGRA, 8, 8, 0) ||
        !tb_alloc(&b, kCVPixelFormatType_420YpCbCr8Planar, 8, 8, 0))
        return;
    CHECK_STATUS(VTPixelTransferSessionTransferImage(s, a.pb, b.pb), noErr);
    VTPixelTransferSessionInvalidate(s);
    CHECK_STATUS(VTPixelTransferSessionTransferImage(s, a.pb, b.pb), kVTInvalidSessionErr);
    CHECK_STATUS(
        VTSessionSetProperty(s, kVTPixelTransferPropertyKey_ScalingMode, kVTScalingMode_Trim),
        kVTInvalidSessionErr);
    CFTypeRef v = NULL;
    CHECK_STATUS(VTSessionCopyProperty(s, kVTPixelTransferPropertyKey_ScalingMode, NULL, &v),
                 kVTInvalidSessionErr);
    VTPixelTransferSessionInvalidate(s); /* idempotent */
    CHECK_STATUS(VTPixelTransferSessionTransferImage(s, a.pb, b.pb), kVTInvalidSessionErr);
    CFRelease(s);
    tb_free(&a);
    tb_free(&b);
}

static void test_cycles(void) {
    CVPixelBufferRef src = NULL, dst = NULL;
    CHECK_STATUS(CVPixelBufferCreate(NULL, 64, 48, kCVPixelFormatType_420YpCbCr8BiPlanarVideoRange,
                                     NULL, &src),
                 kCVReturnSuccess);
    CHECK_STATUS(CVPixelBufferCreate(NULL, 40, 30, kCVPixelFormatType_32BGRA, NULL, &dst),
                 kCVReturnSuccess);
    if (!src || !dst)
        return;
    CVBufferSetAttachment(src, CFSTR("Tag"), CFSTR("value"), kCVAttachmentMode_ShouldPropagate);
    CFDictionaryRef ca = tt_aperture(60, 40, 0, 0);
    int ok = 0;
    for (int i = 0; i < 100; i++) {
        VTPixelTransferSessionRef s = NULL;
        if (VTPixelTransferSessionCreate(NULL, &s) != noErr)
            break;
        VTSessionSetProperty(s, kVTPixelTransferPropertyKey_ScalingMode,
                             (i & 1) ? kVTScalingMode_Letterbox : kVTScalingMode_Normal);
        VTSessionSetProperty(s, kVTPixelTransferPropertyKey_DestinationCleanAperture, ca);
        tt_set_int(s, kVTCorePixelTransferPropertyKey_ThreadCount, i % 3);
        ok += VTPixelTransferSessionTransferImage(s, src, dst) == noErr;
        if (i % 4)
            VTPixelTransferSessionInvalidate(s);
        CFRelease(s);
    }
    CHECK_EQ_INT(ok, 100);
    CFRelease(ca);
    CVPixelBufferRelease(src);
    CVPixelBufferRelease(dst);
}

/* ---- concurrent transfers on one session ----------------------------------- */

typedef struct Worker {
    VTPixelTransferSessionRef s;
    CVPixelBufferRef src;
    int failures;
} Worker;

static void *worker_main(void *arg) {
    Worker *w = arg;
    CVPixelBufferRef dst = NULL;
    if (CVPixelBufferCreate(NULL, 96, 64, kCVPixelFormatType_420YpCbCr8Planar, NULL, &dst)) {
        w->failures++;
        return NULL;
    }
    for (int i = 0; i < 50; i++) {
        if (VTPixelTransferSessionTransferImage(w->s, w->src, dst) != noErr) {
            w->failures++;
            continue;
        }
        /* the colour of the source: BT.601 (below 720p) of (200, 50, 100) */
        CVPixelBufferLockBaseAddress(dst, kCVPixelBufferLock_ReadOnly);
        const uint8_t *y = CVPixelBufferGetBaseAddressOfPlane(dst, 0);
        double yuv[3];
        t_ref_rgb_to_yuv(200, 50, 100, 8, 0, 6, yuv);
        if (abs(y[37] - t_clampi(yuv[0], 255)) > 2)
            w->failures++;
        CVPixelBufferUnlockBaseAddress(dst, kCVPixelBufferLock_ReadOnly);
    }
    CVPixelBufferRelease(dst);
    return NULL;
}

static void test_concurrent(void) {
    VTPixelTransferSessionRef s = new_session();
    CVPixelBufferRef src = NULL;
    if (!s || CVPixelBufferCreate(NULL, 128, 72, kCVPixelFormatType_32BGRA, NULL, &src))
        return;
    CVPixelBufferLockBaseAddress(src, 0);
    uint8_t *p = CVPixelBufferGetBaseAddress(src);
    size_t bpr = CVPixelBufferGetBytesPerRow(src);
    for (int y = 0; y < 72; y++)
        for (int x = 0; x < 128; x++) {
            uint8_t *px = p + (size_t)y * bpr + 4 * (size_t)x;
            px[0] = 100;
            px[1] = 50;
            px[2] = 200;
            px[3] = 255;
        }
    CVPixelBufferUnlockBaseAddress(src, 0);
    tt_set_int(s, kVTCorePixelTransferPropertyKey_ThreadCount, 2);
    Worker w[4];
    pthread_t th[4];
    for (int i = 0; i < 4; i++) {
        w[i].s = s;
        w[i].src = src;
        w[i].failures = 0;
        pthread_create(&th[i], NULL, worker_main, &w[i]);
    }
    /* properties change meanwhile */
    for (int i = 0; i < 50; i++)
        VTSessionSetProperty(s, kVTPixelTransferPropertyKey_DownsamplingMode,
                             (i & 1) ? kVTDownsamplingMode_Average : kVTDownsamplingMode_Decimate);
    for (int i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
        CHECK_EQ_INT(w[i].failures, 0);
    }
    VTPixelTransferSessionInvalidate(s);
    CFRelease(s);
    CVPixelBufferRelease(src);
}

int main(void) {
    test_create();
    test_properties();
    test_bad_input();
    test_invalidate();
    test_cycles();
    test_concurrent();
    return vt_test_result();
}
