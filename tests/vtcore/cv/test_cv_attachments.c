/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * CVBuffer attachments (modes, propagation, thread safety), CVImageBuffer
 * geometry, key strings and the H.273 code point tables.
 */
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include <CoreVideo/CoreVideo.h>

#include "cf/cf_internal.h"
#include "cv/cv_internal.h"
#include "vt_test.h"

static CVPixelBufferRef new_buffer(size_t w, size_t h) {
    CVPixelBufferRef pb = NULL;
    CHECK_STATUS(
        CVPixelBufferCreate(NULL, w, h, kCVPixelFormatType_420YpCbCr8BiPlanarVideoRange, NULL, &pb),
        kCVReturnSuccess);
    return pb;
}

static Boolean str_is(CFTypeRef s, const char *expected) {
    const char *c;
    if (!s || CFGetTypeID(s) != CFStringGetTypeID())
        return FALSE;
    c = CFStringGetCStringPtr(s, kCFStringEncodingUTF8);
    return c && !strcmp(c, expected);
}

static void test_basic(void) {
    CVPixelBufferRef pb = new_buffer(16, 16);
    CVAttachmentMode mode = (CVAttachmentMode)99;
    CFTypeRef v;
    CFDictionaryRef d;
    CFIndex rc;

    /* Nothing attached yet. */
    CHECK(CVBufferGetAttachment(pb, kCVImageBufferYCbCrMatrixKey, &mode) == NULL);
    CHECK_EQ_INT(mode, 99);
    CHECK(!CVBufferHasAttachment(pb, kCVImageBufferYCbCrMatrixKey));
    CHECK(CVBufferCopyAttachments(pb, kCVAttachmentMode_ShouldPropagate) == NULL);
    d = CVBufferGetAttachments(pb, kCVAttachmentMode_ShouldPropagate);
    CHECK(d != NULL && CFDictionaryGetCount(d) == 0);

    CVBufferSetAttachment(pb, kCVImageBufferYCbCrMatrixKey, kCVImageBufferYCbCrMatrix_ITU_R_709_2,
                          kCVAttachmentMode_ShouldPropagate);
    v = CVBufferGetAttachment(pb, kCVImageBufferYCbCrMatrixKey, &mode);
    CHECK(v == kCVImageBufferYCbCrMatrix_ITU_R_709_2);
    CHECK_EQ_INT(mode, kCVAttachmentMode_ShouldPropagate);
    CHECK(CVBufferHasAttachment(pb, kCVImageBufferYCbCrMatrixKey));
    /* Literal keys match the exported constants by content. */
    v = CVBufferGetAttachment(pb, CFSTR("CVImageBufferYCbCrMatrix"), NULL);
    CHECK(v == kCVImageBufferYCbCrMatrix_ITU_R_709_2);

    /* Copy returns +1. */
    {
        CFNumberRef n = vt_cf_number_double(2.2);
        CVBufferSetAttachment(pb, kCVImageBufferGammaLevelKey, n,
                              kCVAttachmentMode_ShouldNotPropagate);
        rc = CFGetRetainCount(n);
        v = CVBufferCopyAttachment(pb, kCVImageBufferGammaLevelKey, &mode);
        CHECK(v == n);
        CHECK_EQ_INT(mode, kCVAttachmentMode_ShouldNotPropagate);
        CHECK_EQ_INT(CFGetRetainCount(n), rc + 1);
        CFRelease(v);
        CFRelease(n);
    }

    /* Setting a key in the other mode moves it. */
    CVBufferSetAttachment(pb, kCVImageBufferYCbCrMatrixKey, kCVImageBufferYCbCrMatrix_ITU_R_601_4,
                          kCVAttachmentMode_ShouldNotPropagate);
    v = CVBufferGetAttachment(pb, kCVImageBufferYCbCrMatrixKey, &mode);
    CHECK(v == kCVImageBufferYCbCrMatrix_ITU_R_601_4);
    CHECK_EQ_INT(mode, kCVAttachmentMode_ShouldNotPropagate);
    CHECK(CVBufferCopyAttachments(pb, kCVAttachmentMode_ShouldPropagate) == NULL);
    d = CVBufferCopyAttachments(pb, kCVAttachmentMode_ShouldNotPropagate);
    CHECK(d != NULL && CFDictionaryGetCount(d) == 2);
    if (d)
        CFRelease(d);

    /* Invalid modes and arguments are ignored. */
    CVBufferSetAttachment(pb, kCVImageBufferColorPrimariesKey, kCVImageBufferColorPrimaries_P22,
                          (CVAttachmentMode)7);
    CHECK(!CVBufferHasAttachment(pb, kCVImageBufferColorPrimariesKey));
    CHECK(CVBufferCopyAttachments(pb, (CVAttachmentMode)7) == NULL);
    CHECK(CVBufferGetAttachments(pb, (CVAttachmentMode)7) == NULL);
    CVBufferSetAttachment(pb, NULL, kCFBooleanTrue, kCVAttachmentMode_ShouldPropagate);
    CVBufferSetAttachment(pb, (CFStringRef)kCFBooleanTrue, kCFBooleanTrue,
                          kCVAttachmentMode_ShouldPropagate);
    CHECK(CVBufferGetAttachment(pb, NULL, NULL) == NULL);

    /* NULL value removes. */
    CVBufferSetAttachment(pb, kCVImageBufferGammaLevelKey, NULL, kCVAttachmentMode_ShouldPropagate);
    CHECK(!CVBufferHasAttachment(pb, kCVImageBufferGammaLevelKey));

    CVBufferRemoveAttachment(pb, kCVImageBufferYCbCrMatrixKey);
    CHECK(!CVBufferHasAttachment(pb, kCVImageBufferYCbCrMatrixKey));
    CVBufferRemoveAttachment(pb, kCVImageBufferYCbCrMatrixKey); /* absent: no-op */

    /* SetAttachments / RemoveAll. */
    {
        CFMutableDictionaryRef many = vt_cf_dict_new();
        CFDictionarySetValue(many, kCVImageBufferColorPrimariesKey,
                             kCVImageBufferColorPrimaries_ITU_R_2020);
        CFDictionarySetValue(many, kCVImageBufferTransferFunctionKey,
                             kCVImageBufferTransferFunction_SMPTE_ST_2084_PQ);
        CVBufferSetAttachments(pb, many, kCVAttachmentMode_ShouldPropagate);
        CHECK(CVBufferGetAttachment(pb, kCVImageBufferTransferFunctionKey, &mode) ==
              kCVImageBufferTransferFunction_SMPTE_ST_2084_PQ);
        CHECK_EQ_INT(mode, kCVAttachmentMode_ShouldPropagate);
        CVBufferSetAttachments(pb, NULL, kCVAttachmentMode_ShouldPropagate);
        CVBufferSetAttachments(pb, many, (CVAttachmentMode)5);
        CFRelease(many);
    }
    CVBufferRemoveAllAttachments(pb);
    CHECK(!CVBufferHasAttachment(pb, kCVImageBufferColorPrimariesKey));
    CHECK(CVBufferCopyAttachments(pb, kCVAttachmentMode_ShouldPropagate) == NULL);
    CVBufferRemoveAllAttachments(pb);

    /* Attached values are released with the buffer (LSan checks). */
    {
        CFNumberRef n = vt_cf_number_int32(2);
        CVBufferSetAttachment(pb, kCVImageBufferFieldCountKey, n,
                              kCVAttachmentMode_ShouldPropagate);
        CFRelease(n);
    }
    CVPixelBufferRelease(pb);
}

static void test_propagate(void) {
    CVPixelBufferRef src = new_buffer(8, 8), dst = new_buffer(8, 8);
    CVAttachmentMode mode;

    CVBufferSetAttachment(src, kCVImageBufferColorPrimariesKey,
                          kCVImageBufferColorPrimaries_ITU_R_709_2,
                          kCVAttachmentMode_ShouldPropagate);
    CVBufferSetAttachment(src, kCVImageBufferTransferFunctionKey,
                          kCVImageBufferTransferFunction_ITU_R_709_2,
                          kCVAttachmentMode_ShouldPropagate);
    CVBufferSetAttachment(src, kCVImageBufferGammaLevelKey, kCFBooleanTrue,
                          kCVAttachmentMode_ShouldNotPropagate);
    CVBufferSetAttachment(dst, kCVImageBufferColorPrimariesKey, kCVImageBufferColorPrimaries_P22,
                          kCVAttachmentMode_ShouldNotPropagate);
    CVBufferSetAttachment(dst, kCVImageBufferICCProfileKey, kCFBooleanFalse,
                          kCVAttachmentMode_ShouldPropagate);

    CVBufferPropagateAttachments(src, dst);
    CHECK(CVBufferGetAttachment(dst, kCVImageBufferColorPrimariesKey, &mode) ==
          kCVImageBufferColorPrimaries_ITU_R_709_2);
    CHECK_EQ_INT(mode, kCVAttachmentMode_ShouldPropagate);
    CHECK(CVBufferGetAttachment(dst, kCVImageBufferTransferFunctionKey, NULL) ==
          kCVImageBufferTransferFunction_ITU_R_709_2);
    CHECK(!CVBufferHasAttachment(dst, kCVImageBufferGammaLevelKey));
    /* Existing destination attachments stay. */
    CHECK(CVBufferGetAttachment(dst, kCVImageBufferICCProfileKey, NULL) == kCFBooleanFalse);
    /* Source unchanged. */
    CHECK(CVBufferHasAttachment(src, kCVImageBufferGammaLevelKey));

    CVBufferPropagateAttachments(src, src);
    CVBufferPropagateAttachments(NULL, dst);
    CVBufferPropagateAttachments(src, NULL);
    CVPixelBufferRelease(src);
    CVPixelBufferRelease(dst);
}

static void test_creation_attachments(void) {
    CFMutableDictionaryRef attrs = vt_cf_dict_new();
    CFMutableDictionaryRef prop = vt_cf_dict_new(), nonprop = vt_cf_dict_new();
    CVPixelBufferRef pb = NULL;
    CVAttachmentMode mode;

    CFDictionarySetValue(prop, kCVImageBufferYCbCrMatrixKey, kCVImageBufferYCbCrMatrix_ITU_R_2020);
    CFDictionarySetValue(nonprop, kCVImageBufferFieldDetailKey,
                         kCVImageBufferFieldDetailTemporalTopFirst);
    CFDictionarySetValue(attrs, kCVBufferPropagatedAttachmentsKey, prop);
    CFDictionarySetValue(attrs, kCVBufferNonPropagatedAttachmentsKey, nonprop);
    CHECK_STATUS(CVPixelBufferCreate(NULL, 4, 4, kCVPixelFormatType_32BGRA, attrs, &pb),
                 kCVReturnSuccess);
    CHECK(CVBufferGetAttachment(pb, kCVImageBufferYCbCrMatrixKey, &mode) ==
          kCVImageBufferYCbCrMatrix_ITU_R_2020);
    CHECK_EQ_INT(mode, kCVAttachmentMode_ShouldPropagate);
    CHECK(CVBufferGetAttachment(pb, kCVImageBufferFieldDetailKey, &mode) ==
          kCVImageBufferFieldDetailTemporalTopFirst);
    CHECK_EQ_INT(mode, kCVAttachmentMode_ShouldNotPropagate);
    CVPixelBufferRelease(pb);
    CFRelease(attrs);
    CFRelease(prop);
    CFRelease(nonprop);
}

/* ---- threads ---- */

typedef struct ThreadArg {
    CVPixelBufferRef pb, other;
    CFStringRef own_key;  /* ShouldNotPropagate only: never propagated back stale */
    CFStringRef mode_key; /* switches modes every iteration */
    int id;
    int errors;
} ThreadArg;

#define ITERATIONS 20000

static void *attach_thread(void *p) {
    ThreadArg *a = p;
    int i;
    for (i = 0; i < ITERATIONS; i++) {
        CFNumberRef n = vt_cf_number_int32(i);
        CFTypeRef v;
        int32_t got;
        CVBufferSetAttachment(a->pb, a->own_key, n, kCVAttachmentMode_ShouldNotPropagate);
        CVBufferSetAttachment(a->pb, a->mode_key, n,
                              (i & 1) ? kCVAttachmentMode_ShouldPropagate
                                      : kCVAttachmentMode_ShouldNotPropagate);
        CVBufferSetAttachment(a->pb, kCVImageBufferYCbCrMatrixKey,
                              a->id ? kCVImageBufferYCbCrMatrix_ITU_R_709_2
                                    : kCVImageBufferYCbCrMatrix_ITU_R_601_4,
                              kCVAttachmentMode_ShouldPropagate);
        CFRelease(n);
        /* Our own key always reads back our last value. */
        v = CVBufferCopyAttachment(a->pb, a->own_key, NULL);
        if (!v || !vt_cf_get_int32(v, &got) || got != i)
            a->errors++;
        if (v)
            CFRelease(v);
        if (!CVBufferHasAttachment(a->pb, a->mode_key))
            a->errors++;
        /* The shared key holds one of the two values. */
        v = CVBufferCopyAttachment(a->pb, kCVImageBufferYCbCrMatrixKey, NULL);
        if (v != kCVImageBufferYCbCrMatrix_ITU_R_709_2 &&
            v != kCVImageBufferYCbCrMatrix_ITU_R_601_4)
            a->errors++;
        if (v)
            CFRelease(v);
        if ((i % 16) == 0) {
            CFDictionaryRef d = CVBufferCopyAttachments(a->pb, kCVAttachmentMode_ShouldPropagate);
            if (d)
                CFRelease(d);
            /* Opposite directions in the two threads: must not deadlock. */
            if (a->id)
                CVBufferPropagateAttachments(a->pb, a->other);
            else
                CVBufferPropagateAttachments(a->other, a->pb);
            v = CVBufferCopyAttachment(a->other, kCVImageBufferYCbCrMatrixKey, NULL);
            if (v && v != kCVImageBufferYCbCrMatrix_ITU_R_709_2 &&
                v != kCVImageBufferYCbCrMatrix_ITU_R_601_4)
                a->errors++;
            if (v)
                CFRelease(v);
        }
    }
    return NULL;
}

static void test_threads(void) {
    CVPixelBufferRef pb = new_buffer(8, 8), other = new_buffer(8, 8);
    ThreadArg args[2] = {
        {pb, other, CFSTR("vtcore.test.key0"), CFSTR("vtcore.test.mode0"), 0, 0},
        {pb, other, CFSTR("vtcore.test.key1"), CFSTR("vtcore.test.mode1"), 1, 0},
    };
    pthread_t th[2];
    int i;

    for (i = 0; i < 2; i++)
        CHECK(pthread_create(&th[i], NULL, attach_thread, &args[i]) == 0);
    for (i = 0; i < 2; i++)
        pthread_join(th[i], NULL);
    CHECK_EQ_INT(args[0].errors, 0);
    CHECK_EQ_INT(args[1].errors, 0);
    for (i = 0; i < 2; i++) {
        CFTypeRef v = CVBufferGetAttachment(pb, args[i].own_key, NULL);
        int32_t got = -1;
        CHECK(vt_cf_get_int32(v, &got) && got == ITERATIONS - 1);
        /* Never propagated. */
        CHECK(!CVBufferHasAttachment(other, args[i].own_key));
    }
    CVPixelBufferRelease(pb);
    CVPixelBufferRelease(other);
}

/* ---- image buffer ---- */

static CFDictionaryRef number_dict2(CFStringRef k1, double v1, CFStringRef k2, double v2) {
    CFMutableDictionaryRef d = vt_cf_dict_new();
    CFNumberRef a = vt_cf_number_double(v1), b = vt_cf_number_double(v2);
    CFDictionarySetValue(d, k1, a);
    CFDictionarySetValue(d, k2, b);
    CFRelease(a);
    CFRelease(b);
    return d;
}

static void test_image_geometry(void) {
    CVPixelBufferRef pb = new_buffer(1920, 1080);
    CGSize s;
    CGRect r;
    CFMutableDictionaryRef ap;
    CFDictionaryRef par;

    s = CVImageBufferGetEncodedSize(pb);
    CHECK(s.width == 1920 && s.height == 1080);
    s = CVImageBufferGetDisplaySize(pb);
    CHECK(s.width == 1920 && s.height == 1080);
    r = CVImageBufferGetCleanRect(pb);
    CHECK(r.origin.x == 0 && r.origin.y == 0 && r.size.width == 1920 && r.size.height == 1080);
    CHECK(!CVImageBufferIsFlipped(pb));

    ap = (CFMutableDictionaryRef)number_dict2(kCVImageBufferCleanApertureWidthKey, 1800,
                                              kCVImageBufferCleanApertureHeightKey, 1000);
    {
        CFNumberRef h = vt_cf_number_double(10), v = vt_cf_number_double(-4);
        CFDictionarySetValue(ap, kCVImageBufferCleanApertureHorizontalOffsetKey, h);
        CFDictionarySetValue(ap, kCVImageBufferCleanApertureVerticalOffsetKey, v);
        CFRelease(h);
        CFRelease(v);
    }
    CVBufferSetAttachment(pb, kCVImageBufferCleanApertureKey, ap,
                          kCVAttachmentMode_ShouldPropagate);
    r = CVImageBufferGetCleanRect(pb);
    CHECK(r.origin.x == 70 && r.origin.y == 36 && r.size.width == 1800 && r.size.height == 1000);
    s = CVImageBufferGetDisplaySize(pb);
    CHECK(s.width == 1800 && s.height == 1000);

    par = number_dict2(kCVImageBufferPixelAspectRatioHorizontalSpacingKey, 4,
                       kCVImageBufferPixelAspectRatioVerticalSpacingKey, 3);
    CVBufferSetAttachment(pb, kCVImageBufferPixelAspectRatioKey, par,
                          kCVAttachmentMode_ShouldPropagate);
    s = CVImageBufferGetDisplaySize(pb);
    CHECK(s.width == 2400 && s.height == 1000);
    /* An invalid clean aperture is ignored. */
    CVBufferSetAttachment(pb, kCVImageBufferCleanApertureKey, kCFBooleanTrue,
                          kCVAttachmentMode_ShouldPropagate);
    r = CVImageBufferGetCleanRect(pb);
    CHECK(r.size.width == 1920 && r.size.height == 1080);
    CFRelease(ap);
    CFRelease(par);
    CVPixelBufferRelease(pb);
}

static void test_key_strings(void) {
    static const struct {
        const CFStringRef *key;
        const char *value;
    } keys[] = {
        {&kCVBufferPropagatedAttachmentsKey, "PropagatedAttachments"},
        {&kCVBufferNonPropagatedAttachmentsKey, "NonPropagatedAttachments"},
        {&kCVPixelBufferPixelFormatTypeKey, "PixelFormatType"},
        {&kCVPixelBufferWidthKey, "Width"},
        {&kCVPixelBufferHeightKey, "Height"},
        {&kCVPixelBufferExtendedPixelsLeftKey, "ExtendedPixelsLeft"},
        {&kCVPixelBufferExtendedPixelsTopKey, "ExtendedPixelsTop"},
        {&kCVPixelBufferExtendedPixelsRightKey, "ExtendedPixelsRight"},
        {&kCVPixelBufferExtendedPixelsBottomKey, "ExtendedPixelsBottom"},
        {&kCVPixelBufferBytesPerRowAlignmentKey, "BytesPerRowAlignment"},
        {&kCVPixelBufferPlaneAlignmentKey, "PlaneAlignment"},
        {&kCVPixelBufferCGBitmapContextCompatibilityKey, "CGBitmapContextCompatibility"},
        {&kCVPixelBufferCGImageCompatibilityKey, "CGImageCompatibility"},
        {&kCVPixelBufferOpenGLCompatibilityKey, "OpenGLCompatibility"},
        {&kCVPixelBufferOpenGLESCompatibilityKey, "OpenGLESCompatibility"},
        {&kCVPixelBufferMetalCompatibilityKey, "MetalCompatibility"},
        {&kCVPixelBufferIOSurfacePropertiesKey, "IOSurfaceProperties"},
        {&kCVPixelBufferMemoryAllocatorKey, "MemoryAllocator"},
        {&kCVPixelBufferPoolMinimumBufferCountKey, "MinimumBufferCount"},
        {&kCVPixelBufferPoolMaximumBufferAgeKey, "MaximumBufferAge"},
        {&kCVPixelBufferPoolAllocationThresholdKey, "BufferPoolAllocationThreshold"},
        {&kCVImageBufferColorPrimariesKey, "CVImageBufferColorPrimaries"},
        {&kCVImageBufferTransferFunctionKey, "CVImageBufferTransferFunction"},
        {&kCVImageBufferYCbCrMatrixKey, "CVImageBufferYCbCrMatrix"},
        {&kCVImageBufferGammaLevelKey, "CVImageBufferGammaLevel"},
        {&kCVImageBufferICCProfileKey, "CVImageBufferICCProfile"},
        {&kCVImageBufferCleanApertureKey, "CVCleanAperture"},
        {&kCVImageBufferCleanApertureWidthKey, "Width"},
        {&kCVImageBufferCleanApertureHeightKey, "Height"},
        {&kCVImageBufferCleanApertureHorizontalOffsetKey, "HorizontalOffset"},
        {&kCVImageBufferCleanApertureVerticalOffsetKey, "VerticalOffset"},
        {&kCVImageBufferPixelAspectRatioKey, "CVPixelAspectRatio"},
        {&kCVImageBufferPixelAspectRatioHorizontalSpacingKey, "HorizontalSpacing"},
        {&kCVImageBufferPixelAspectRatioVerticalSpacingKey, "VerticalSpacing"},
        {&kCVImageBufferFieldCountKey, "CVFieldCount"},
        {&kCVImageBufferFieldDetailKey, "CVFieldDetail"},
        {&kCVImageBufferFieldDetailTemporalTopFirst, "TemporalTopFirst"},
        {&kCVImageBufferFieldDetailTemporalBottomFirst, "TemporalBottomFirst"},
        {&kCVImageBufferFieldDetailSpatialFirstLineEarly, "SpatialFirstLineEarly"},
        {&kCVImageBufferFieldDetailSpatialFirstLineLate, "SpatialFirstLineLate"},
        {&kCVImageBufferChromaLocationTopFieldKey, "CVImageBufferChromaLocationTopField"},
        {&kCVImageBufferChromaLocationBottomFieldKey, "CVImageBufferChromaLocationBottomField"},
        {&kCVImageBufferChromaLocation_Left, "Left"},
        {&kCVImageBufferChromaLocation_Center, "Center"},
        {&kCVImageBufferChromaLocation_TopLeft, "TopLeft"},
        {&kCVImageBufferChromaLocation_Top, "Top"},
        {&kCVImageBufferChromaLocation_BottomLeft, "BottomLeft"},
        {&kCVImageBufferChromaLocation_Bottom, "Bottom"},
        {&kCVImageBufferChromaLocation_DV420, "DV 4:2:0"},
        {&kCVImageBufferDisplayDimensionsKey, "CVDisplayDimensions"},
        {&kCVImageBufferAlphaChannelModeKey, "CVImageBufferAlphaChannelMode"},
        {&kCVImageBufferMasteringDisplayColorVolumeKey, "MasteringDisplayColorVolume"},
        {&kCVImageBufferContentLightLevelInfoKey, "ContentLightLevelInfo"},
        {&kCVImageBufferColorPrimaries_ITU_R_709_2, "ITU_R_709_2"},
        {&kCVImageBufferColorPrimaries_EBU_3213, "EBU_3213"},
        {&kCVImageBufferColorPrimaries_SMPTE_C, "SMPTE_C"},
        {&kCVImageBufferColorPrimaries_P22, "P22"},
        {&kCVImageBufferColorPrimaries_DCI_P3, "DCI_P3"},
        {&kCVImageBufferColorPrimaries_P3_D65, "P3_D65"},
        {&kCVImageBufferColorPrimaries_ITU_R_2020, "ITU_R_2020"},
        {&kCVImageBufferTransferFunction_ITU_R_709_2, "ITU_R_709_2"},
        {&kCVImageBufferTransferFunction_SMPTE_240M_1995, "SMPTE_240M_1995"},
        {&kCVImageBufferTransferFunction_UseGamma, "UseGamma"},
        {&kCVImageBufferTransferFunction_ITU_R_2020, "ITU_R_2020"},
        {&kCVImageBufferTransferFunction_SMPTE_ST_428_1, "SMPTE_ST_428_1"},
        {&kCVImageBufferTransferFunction_SMPTE_ST_2084_PQ, "SMPTE_ST_2084_PQ"},
        {&kCVImageBufferTransferFunction_ITU_R_2100_HLG, "ITU_R_2100_HLG"},
        {&kCVImageBufferTransferFunction_Linear, "Linear"},
        {&kCVImageBufferTransferFunction_sRGB, "IEC_sRGB"},
        {&kCVImageBufferYCbCrMatrix_ITU_R_709_2, "ITU_R_709_2"},
        {&kCVImageBufferYCbCrMatrix_ITU_R_601_4, "ITU_R_601_4"},
        {&kCVImageBufferYCbCrMatrix_SMPTE_240M_1995, "SMPTE_240M_1995"},
        {&kCVImageBufferYCbCrMatrix_ITU_R_2020, "ITU_R_2020"},
    };
    size_t i;
    for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        CHECK_MSG(str_is(*keys[i].key, keys[i].value), "expected \"%s\"", keys[i].value);
        /* Immortal constants. */
        CFRelease(*keys[i].key);
        CHECK(str_is(*keys[i].key, keys[i].value));
    }
}

static void test_code_points(void) {
    int code;

    CHECK_EQ_INT(CVYCbCrMatrixGetIntegerCodePointForString(kCVImageBufferYCbCrMatrix_ITU_R_709_2),
                 1);
    CHECK_EQ_INT(CVYCbCrMatrixGetIntegerCodePointForString(kCVImageBufferYCbCrMatrix_ITU_R_601_4),
                 6);
    CHECK_EQ_INT(
        CVYCbCrMatrixGetIntegerCodePointForString(kCVImageBufferYCbCrMatrix_SMPTE_240M_1995), 7);
    CHECK_EQ_INT(CVYCbCrMatrixGetIntegerCodePointForString(kCVImageBufferYCbCrMatrix_ITU_R_2020),
                 9);
    CHECK_EQ_INT(CVYCbCrMatrixGetIntegerCodePointForString(kCVImageBufferYCbCrMatrix_P3_D65), 2);
    CHECK_EQ_INT(CVYCbCrMatrixGetIntegerCodePointForString(CFSTR("ITU_R_709_2")), 1);
    CHECK_EQ_INT(CVYCbCrMatrixGetIntegerCodePointForString(NULL), 2);
    CHECK_EQ_INT(CVYCbCrMatrixGetIntegerCodePointForString(CFSTR("bogus")), 2);
    CHECK_EQ_INT(CVYCbCrMatrixGetIntegerCodePointForString((CFStringRef)kCFBooleanTrue), 2);

    CHECK_EQ_INT(
        CVColorPrimariesGetIntegerCodePointForString(kCVImageBufferColorPrimaries_ITU_R_709_2), 1);
    CHECK_EQ_INT(
        CVColorPrimariesGetIntegerCodePointForString(kCVImageBufferColorPrimaries_EBU_3213), 5);
    CHECK_EQ_INT(CVColorPrimariesGetIntegerCodePointForString(kCVImageBufferColorPrimaries_SMPTE_C),
                 6);
    CHECK_EQ_INT(
        CVColorPrimariesGetIntegerCodePointForString(kCVImageBufferColorPrimaries_ITU_R_2020), 9);
    CHECK_EQ_INT(CVColorPrimariesGetIntegerCodePointForString(kCVImageBufferColorPrimaries_DCI_P3),
                 11);
    CHECK_EQ_INT(CVColorPrimariesGetIntegerCodePointForString(kCVImageBufferColorPrimaries_P3_D65),
                 12);
    CHECK_EQ_INT(CVColorPrimariesGetIntegerCodePointForString(kCVImageBufferColorPrimaries_P22),
                 22);
    CHECK_EQ_INT(CVColorPrimariesGetIntegerCodePointForString(NULL), 2);

    CHECK_EQ_INT(
        CVTransferFunctionGetIntegerCodePointForString(kCVImageBufferTransferFunction_ITU_R_709_2),
        1);
    CHECK_EQ_INT(CVTransferFunctionGetIntegerCodePointForString(
                     kCVImageBufferTransferFunction_SMPTE_240M_1995),
                 7);
    CHECK_EQ_INT(
        CVTransferFunctionGetIntegerCodePointForString(kCVImageBufferTransferFunction_Linear), 8);
    CHECK_EQ_INT(
        CVTransferFunctionGetIntegerCodePointForString(kCVImageBufferTransferFunction_sRGB), 13);
    CHECK_EQ_INT(CVTransferFunctionGetIntegerCodePointForString(CFSTR("IEC_sRGB")), 13);
    CHECK_EQ_INT(CVTransferFunctionGetIntegerCodePointForString(CFSTR("sRGB")), 2);
    CHECK_EQ_INT(
        CVTransferFunctionGetIntegerCodePointForString(kCVImageBufferTransferFunction_ITU_R_2020),
        14);
    CHECK_EQ_INT(CVTransferFunctionGetIntegerCodePointForString(
                     kCVImageBufferTransferFunction_SMPTE_ST_2084_PQ),
                 16);
    CHECK_EQ_INT(CVTransferFunctionGetIntegerCodePointForString(
                     kCVImageBufferTransferFunction_SMPTE_ST_428_1),
                 17);
    CHECK_EQ_INT(CVTransferFunctionGetIntegerCodePointForString(
                     kCVImageBufferTransferFunction_ITU_R_2100_HLG),
                 18);
    CHECK_EQ_INT(
        CVTransferFunctionGetIntegerCodePointForString(kCVImageBufferTransferFunction_UseGamma), 2);

    CHECK(CVYCbCrMatrixGetStringForIntegerCodePoint(5) == kCVImageBufferYCbCrMatrix_ITU_R_601_4);
    CHECK(CVColorPrimariesGetStringForIntegerCodePoint(7) == kCVImageBufferColorPrimaries_SMPTE_C);
    CHECK(CVTransferFunctionGetStringForIntegerCodePoint(6) ==
          kCVImageBufferTransferFunction_ITU_R_709_2);
    CHECK(CVTransferFunctionGetStringForIntegerCodePoint(15) ==
          kCVImageBufferTransferFunction_ITU_R_2020);

    /* Round trips: string -> code -> the same string; code -> string -> a
     * code that maps to the same string. */
    for (code = -2; code < 40; code++) {
        CFStringRef s;
        s = CVYCbCrMatrixGetStringForIntegerCodePoint(code);
        if (code == 2)
            CHECK(s == NULL);
        if (s)
            CHECK(CVYCbCrMatrixGetStringForIntegerCodePoint(
                      CVYCbCrMatrixGetIntegerCodePointForString(s)) == s);
        s = CVColorPrimariesGetStringForIntegerCodePoint(code);
        if (code == 2)
            CHECK(s == NULL);
        if (s)
            CHECK(CVColorPrimariesGetStringForIntegerCodePoint(
                      CVColorPrimariesGetIntegerCodePointForString(s)) == s);
        s = CVTransferFunctionGetStringForIntegerCodePoint(code);
        if (code == 2)
            CHECK(s == NULL);
        if (s)
            CHECK(CVTransferFunctionGetStringForIntegerCodePoint(
                      CVTransferFunctionGetIntegerCodePointForString(s)) == s);
    }
    CHECK(CVColorPrimariesGetStringForIntegerCodePoint(0) == NULL);
    CHECK(CVTransferFunctionGetStringForIntegerCodePoint(-1) == NULL);
    CHECK(CVYCbCrMatrixGetStringForIntegerCodePoint(99) == NULL);
}

static void test_null_arguments(void) {
    CVAttachmentMode mode = (CVAttachmentMode)42;
    CFStringRef fake = CFSTR("not a buffer");

    CVBufferSetAttachment(NULL, kCVImageBufferYCbCrMatrixKey, kCFBooleanTrue,
                          kCVAttachmentMode_ShouldPropagate);
    CVBufferSetAttachment((CVBufferRef)fake, kCVImageBufferYCbCrMatrixKey, kCFBooleanTrue,
                          kCVAttachmentMode_ShouldPropagate);
    CHECK(CVBufferGetAttachment(NULL, kCVImageBufferYCbCrMatrixKey, &mode) == NULL);
    CHECK_EQ_INT(mode, 42);
    CHECK(CVBufferCopyAttachment(NULL, kCVImageBufferYCbCrMatrixKey, NULL) == NULL);
    CHECK(!CVBufferHasAttachment(NULL, kCVImageBufferYCbCrMatrixKey));
    CVBufferRemoveAttachment(NULL, kCVImageBufferYCbCrMatrixKey);
    CVBufferRemoveAllAttachments(NULL);
    CHECK(CVBufferGetAttachments(NULL, kCVAttachmentMode_ShouldPropagate) == NULL);
    CHECK(CVBufferCopyAttachments(NULL, kCVAttachmentMode_ShouldPropagate) == NULL);
    CVBufferSetAttachments(NULL, NULL, kCVAttachmentMode_ShouldPropagate);
    CVBufferPropagateAttachments(NULL, NULL);
    {
        CVPixelBufferRef pb = new_buffer(2, 2);
        CVBufferRemoveAttachment(pb, NULL);
        CHECK(!CVBufferHasAttachment(pb, NULL));
        CHECK(CVBufferCopyAttachment(pb, NULL, NULL) == NULL);
        CVPixelBufferRelease(pb);
    }
}

int main(void) {
    test_basic();
    test_propagate();
    test_creation_attachments();
    test_threads();
    test_image_geometry();
    test_key_strings();
    test_code_points();
    test_null_arguments();
    return vt_test_result();
}
