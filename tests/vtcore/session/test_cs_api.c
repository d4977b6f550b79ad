/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * VTCompressionSession through the public API, like a macOS client: argument
 * checking of every entry point, calls after Invalidate, the pixel buffer
 * pool, the encoder list, the compression property table (walk: set /
 * read back / NULL restores the default / wrong types / read-only keys),
 * callback accounting (one per accepted frame, also when invalidating or
 * releasing with frames in flight), callbacks running without the session
 * locked, and create/encode/invalidate cycles for the leak checkers.
 */
#include <math.h>
#include <stdarg.h>
#include <pthread.h>
#include <time.h>

#include <vtcore/vtcore.h>

#include "cs_test_util.h"

static int g_have_hw;

/* ------------------------------------------------------------------ */

static CFDictionaryRef dict1(CFStringRef key, CFTypeRef value) {
    const void *k[1] = {key}, *v[1] = {value};
    return CFDictionaryCreate(NULL, k, v, 1, &kCFTypeDictionaryKeyCallBacks,
                              &kCFTypeDictionaryValueCallBacks);
}

static void test_encoder_list(void) {
    CFArrayRef list = NULL;
    CHECK_STATUS(VTCopyVideoEncoderList(NULL, NULL), kVTParameterErr);
    CHECK_STATUS(VTCopyVideoEncoderList(NULL, &list), noErr);
    CHECK(list != NULL);
    if (!list)
        return;
    int h264 = 0;
    for (CFIndex i = 0; i < CFArrayGetCount(list); i++) {
        CFDictionaryRef e = CFArrayGetValueAtIndex(list, i);
        CHECK(CFGetTypeID(e) == CFDictionaryGetTypeID());
        CFNumberRef codec = CFDictionaryGetValue(e, kVTVideoEncoderList_CodecType);
        int32_t c = 0;
        CHECK(codec && CFNumberGetValue(codec, kCFNumberSInt32Type, &c));
        CFStringRef id = CFDictionaryGetValue(e, kVTVideoEncoderList_EncoderID);
        CHECK(id && CFGetTypeID(id) == CFStringGetTypeID());
        CHECK(CFDictionaryGetValue(e, kVTVideoEncoderList_EncoderName) != NULL);
        CHECK(CFDictionaryGetValue(e, kVTVideoEncoderList_CodecName) != NULL);
        CHECK(CFDictionaryGetValue(e, kVTVideoEncoderList_DisplayName) != NULL);
        CFBooleanRef hw = CFDictionaryGetValue(e, kVTVideoEncoderList_IsHardwareAccelerated);
        CHECK(hw == kCFBooleanTrue || hw == kCFBooleanFalse);
        if (hw == kCFBooleanTrue)
            g_have_hw = 1;
        CHECK(CFDictionaryGetValue(e, kVTVideoEncoderList_SupportsFrameReordering) != NULL);
        if ((uint32_t)c == CODEC_H264) {
            h264++;
            CHECK(CFEqual(CFDictionaryGetValue(e, kVTVideoEncoderList_CodecName), CFSTR("H.264")));
            /* the id selects that encoder */
            CFDictionaryRef spec = dict1(kVTVideoEncoderSpecification_EncoderID, id);
            CFStringRef got = NULL;
            CFDictionaryRef props = NULL;
            CHECK_STATUS(VTCopySupportedPropertyDictionaryForEncoder(640, 480, CODEC_H264, spec,
                                                                     &got, &props),
                         noErr);
            CHECK(got && CFEqual(got, id));
            CHECK(props &&
                  CFDictionaryContainsKey(props, kVTCompressionPropertyKey_AverageBitRate));
            CHECK(props && CFDictionaryContainsKey(props, kVTCompressionPropertyKey_ProfileLevel));
            if (got)
                CFRelease(got);
            if (props)
                CFRelease(props);
            /* every encoder is 4:2:0: odd sizes are refused, with no output */
            got = (CFStringRef)CFSTR("x");
            props = (CFDictionaryRef)CFSTR("x");
            CHECK_STATUS(VTCopySupportedPropertyDictionaryForEncoder(321, 240, CODEC_H264, spec,
                                                                     &got, &props),
                         kVTParameterErr);
            CHECK(got == NULL && props == NULL);
            VTCompressionSessionRef s = (VTCompressionSessionRef)CFSTR("x");
            CHECK_STATUS(VTCompressionSessionCreate(NULL, 64, 63, CODEC_H264, spec, NULL, NULL,
                                                    cs_output_cb, NULL, &s),
                         kVTParameterErr);
            CHECK(s == NULL);
            CHECK_STATUS(VTCompressionSessionCreate(NULL, 64, 64, CODEC_H264, spec, NULL, NULL,
                                                    cs_output_cb, NULL, &s),
                         noErr);
            if (s) {
                CFStringRef sid = NULL;
                CHECK_STATUS(
                    VTSessionCopyProperty(s, kVTCompressionPropertyKey_EncoderID, NULL, &sid),
                    noErr);
                CHECK(sid && CFEqual(sid, id));
                if (sid)
                    CFRelease(sid);
                CHECK_EQ_INT(
                    cs_get_bool(s, kVTCompressionPropertyKey_UsingHardwareAcceleratedVideoEncoder),
                    hw == kCFBooleanTrue);
                VTCompressionSessionInvalidate(s);
                CFRelease(s);
            }
            CFRelease(spec);
        }
    }
    CHECK(h264 >= 1);
    CFRelease(list);

    /* VTCopySupportedPropertyDictionaryForEncoder arguments */
    CFStringRef id = (CFStringRef)CFSTR("x");
    CFDictionaryRef props = (CFDictionaryRef)CFSTR("x");
    CHECK_STATUS(VTCopySupportedPropertyDictionaryForEncoder(0, 480, CODEC_H264, NULL, &id, &props),
                 kVTParameterErr);
    CHECK(id == NULL && props == NULL);
    /* odd sizes: H.264 4:2:0 cannot represent them exactly */
    {
        static const int32_t odd[][2] = {{321, 241}, {321, 240}, {320, 241}, {1, 1}, {1, 2}};
        for (size_t i = 0; i < sizeof(odd) / sizeof(odd[0]); i++) {
            id = (CFStringRef)CFSTR("x");
            props = (CFDictionaryRef)CFSTR("x");
            CHECK_STATUS(VTCopySupportedPropertyDictionaryForEncoder(odd[i][0], odd[i][1],
                                                                     CODEC_H264, NULL, &id, &props),
                         kVTParameterErr);
            CHECK(id == NULL && props == NULL);
            CHECK_STATUS(VTCopySupportedPropertyDictionaryForEncoder(odd[i][0], odd[i][1],
                                                                     CODEC_H264, NULL, NULL, NULL),
                         kVTParameterErr);
        }
    }
    /* an odd size with a codec nobody encodes: the codec is reported first */
    CHECK_STATUS(
        VTCopySupportedPropertyDictionaryForEncoder(321, 241, CODEC_HEVC, NULL, &id, &props),
        kVTCouldNotFindVideoEncoderErr);
    CHECK(id == NULL && props == NULL);
    CHECK_STATUS(VTCopySupportedPropertyDictionaryForEncoder(2, 2, CODEC_H264, NULL, NULL, NULL),
                 noErr);
    CHECK_STATUS(
        VTCopySupportedPropertyDictionaryForEncoder(640, 480, CODEC_HEVC, NULL, &id, &props),
        kVTCouldNotFindVideoEncoderErr);
    CHECK(id == NULL && props == NULL);
    CHECK_STATUS(
        VTCopySupportedPropertyDictionaryForEncoder(640, 480, CODEC_H264, NULL, NULL, NULL), noErr);
    CHECK_STATUS(
        VTCopySupportedPropertyDictionaryForEncoder(640, 480, CODEC_H264, NULL, &id, &props),
        noErr);
    CHECK(id && props);
    if (props) {
        CFDictionaryRef d = CFDictionaryGetValue(props, kVTCompressionPropertyKey_Quality);
        CHECK(d && CFDictionaryGetValue(d, kVTPropertyTypeKey) == kVTPropertyType_Number);
        d = CFDictionaryGetValue(props, kVTCompressionPropertyKey_NumberOfPendingFrames);
        CHECK(d && CFEqual(CFDictionaryGetValue(d, kVTPropertyReadWriteStatusKey),
                           kVTPropertyReadWriteStatus_ReadOnly));
        CFRelease(props);
    }
    if (id)
        CFRelease(id);
}

/* ------------------------------------------------------------------ */

/* Keeps the last warning vtcore logged. */
static char g_last_warning[512];

static void capture_log(void *user_data, int level, const char *fmt, va_list args) {
    (void)user_data;
    if (level <= VTCORE_LOG_WARNING)
        vsnprintf(g_last_warning, sizeof(g_last_warning), fmt, args);
}

static void test_create_arguments(void) {
    CSCollector c;
    cs_collector_init(&c);
    VTCompressionSessionRef s = (VTCompressionSessionRef)CFSTR("garbage");

    CHECK_STATUS(VTCompressionSessionCreate(NULL, 640, 480, CODEC_H264, NULL, NULL, NULL,
                                            cs_output_cb, &c, NULL),
                 kVTParameterErr);
    const int32_t bad[][2] = {{0, 480},     {640, 0},     {-2, 480},     {640, -480},
                              {16386, 480}, {640, 16386}, {INT32_MIN, 1}};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        s = (VTCompressionSessionRef)CFSTR("garbage");
        CHECK_STATUS(VTCompressionSessionCreate(NULL, bad[i][0], bad[i][1], CODEC_H264, NULL, NULL,
                                                NULL, cs_output_cb, &c, &s),
                     kVTParameterErr);
        CHECK(s == NULL);
    }
    CHECK_STATUS(VTCompressionSessionCreate(NULL, 640, 480, CODEC_HEVC, NULL, NULL, NULL,
                                            cs_output_cb, &c, &s),
                 kVTCouldNotFindVideoEncoderErr);
    CHECK(s == NULL);
    CHECK_STATUS(
        VTCompressionSessionCreate(NULL, 640, 480, 0, NULL, NULL, NULL, cs_output_cb, &c, &s),
        kVTCouldNotFindVideoEncoderErr);
    CHECK_STATUS(VTCompressionSessionCreate(NULL, 640, 480, CODEC_H264,
                                            (CFDictionaryRef)CFSTR("spec"), NULL, NULL,
                                            cs_output_cb, &c, &s),
                 kVTParameterErr);
    CHECK_STATUS(VTCompressionSessionCreate(NULL, 640, 480, CODEC_H264, NULL,
                                            (CFDictionaryRef)CFSTR("attrs"), NULL, cs_output_cb, &c,
                                            &s),
                 kVTParameterErr);

    /* encoder specification */
    CFDictionaryRef spec = dict1(kVTVideoEncoderSpecification_EncoderID, CFSTR("no.such.encoder"));
    CHECK_STATUS(VTCompressionSessionCreate(NULL, 640, 480, CODEC_H264, spec, NULL, NULL,
                                            cs_output_cb, &c, &s),
                 kVTCouldNotFindVideoEncoderErr);
    CFRelease(spec);
    spec = dict1(kVTVideoEncoderSpecification_EncoderID, kCFBooleanTrue);
    CHECK_STATUS(VTCompressionSessionCreate(NULL, 640, 480, CODEC_H264, spec, NULL, NULL,
                                            cs_output_cb, &c, &s),
                 kVTParameterErr);
    CFRelease(spec);
    spec = dict1(kVTVideoEncoderSpecification_EnableHardwareAcceleratedVideoEncoder, CFSTR("yes"));
    CHECK_STATUS(VTCompressionSessionCreate(NULL, 640, 480, CODEC_H264, spec, NULL, NULL,
                                            cs_output_cb, &c, &s),
                 kVTParameterErr);
    CFRelease(spec);

    spec =
        dict1(kVTVideoEncoderSpecification_RequireHardwareAcceleratedVideoEncoder, kCFBooleanTrue);
    OSStatus st = VTCompressionSessionCreate(NULL, 640, 480, CODEC_H264, spec, NULL, NULL,
                                             cs_output_cb, &c, &s);
    if (g_have_hw) {
        CHECK_STATUS(st, noErr);
        CHECK_EQ_INT(cs_get_bool(s, kVTCompressionPropertyKey_UsingHardwareAcceleratedVideoEncoder),
                     1);
        if (s)
            CFRelease(s);
    } else {
        CHECK_STATUS(st, kVTCouldNotFindVideoEncoderErr);
        CHECK(s == NULL);
    }
    CFRelease(spec);

    /* software only: never hardware */
    spec =
        dict1(kVTVideoEncoderSpecification_EnableHardwareAcceleratedVideoEncoder, kCFBooleanFalse);
    CHECK_STATUS(VTCompressionSessionCreate(NULL, 640, 480, CODEC_H264, spec, NULL, NULL,
                                            cs_output_cb, &c, &s),
                 noErr);
    CHECK_EQ_INT(cs_get_bool(s, kVTCompressionPropertyKey_UsingHardwareAcceleratedVideoEncoder), 0);
    CFRelease(s);
    CFRelease(spec);

    /* FFmpeg style: NULL-callback dictionary, several keys */
    {
        const void *k[2] = {kVTVideoEncoderSpecification_EnableHardwareAcceleratedVideoEncoder,
                            kVTVideoEncoderSpecification_EnableLowLatencyRateControl};
        const void *v[2] = {kCFBooleanTrue, kCFBooleanTrue};
        spec = CFDictionaryCreate(NULL, k, v, 2, NULL, NULL);
        CHECK_STATUS(VTCompressionSessionCreate(NULL, 640, 480, CODEC_H264, spec, NULL, NULL,
                                                cs_output_cb, &c, &s),
                     noErr);
        if (s)
            CFRelease(s);
        CFRelease(spec);
    }

    /* odd sizes are refused: H.264 4:2:0 crops in 2-pixel steps only */
    {
        /* ... and the log says why */
        g_last_warning[0] = '\0';
        vtcore_set_log_callback(capture_log, NULL, VTCORE_LOG_WARNING);
        CHECK_STATUS(VTCompressionSessionCreate(NULL, 321, 241, CODEC_H264, NULL, NULL, NULL,
                                                cs_output_cb, &c, &s),
                     kVTParameterErr);
        CHECK_MSG(strstr(g_last_warning, "321x241") && strstr(g_last_warning, "4:2:0") &&
                      strstr(g_last_warning, "even"),
                  "log: '%s'", g_last_warning);
        g_last_warning[0] = '\0';
        CHECK_STATUS(
            VTCopySupportedPropertyDictionaryForEncoder(640, 481, CODEC_H264, NULL, NULL, NULL),
            kVTParameterErr);
        CHECK_MSG(strstr(g_last_warning, "640x481") && strstr(g_last_warning, "even"), "log: '%s'",
                  g_last_warning);
        vtcore_set_log_callback(NULL, NULL, 0);

        static const int32_t odd[][2] = {{321, 241}, {321, 240}, {320, 241},    {1, 1},
                                         {1, 2},     {2, 1},     {16383, 16384}};
        for (size_t i = 0; i < sizeof(odd) / sizeof(odd[0]); i++) {
            s = (VTCompressionSessionRef)CFSTR("x");
            CHECK_STATUS(VTCompressionSessionCreate(NULL, odd[i][0], odd[i][1], CODEC_H264, NULL,
                                                    NULL, NULL, cs_output_cb, &c, &s),
                         kVTParameterErr);
            CHECK(s == NULL);
        }
        /* also with source attributes naming the same odd size */
        CFNumberRef w = cs_num_i32(321), h = cs_num_i32(241);
        const void *k[2] = {kCVPixelBufferWidthKey, kCVPixelBufferHeightKey}, *v[2] = {w, h};
        CFDictionaryRef attrs = CFDictionaryCreate(NULL, k, v, 2, &kCFTypeDictionaryKeyCallBacks,
                                                   &kCFTypeDictionaryValueCallBacks);
        s = (VTCompressionSessionRef)CFSTR("x");
        CHECK_STATUS(VTCompressionSessionCreate(NULL, 321, 241, CODEC_H264, NULL, attrs, NULL,
                                                cs_output_cb, &c, &s),
                     kVTParameterErr);
        CHECK(s == NULL);
        CFRelease(attrs);
        CFRelease(w);
        CFRelease(h);
        /* a codec without an encoder is reported before the size */
        CHECK_STATUS(VTCompressionSessionCreate(NULL, 321, 241, CODEC_HEVC, NULL, NULL, NULL,
                                                cs_output_cb, &c, &s),
                     kVTCouldNotFindVideoEncoderErr);
        CHECK(s == NULL);
        CHECK_EQ_INT(c.count, 0);
    }
    /* the smallest size */
    CHECK_STATUS(
        VTCompressionSessionCreate(NULL, 2, 2, CODEC_H264, NULL, NULL, NULL, cs_output_cb, &c, &s),
        noErr);
    if (s) {
        CHECK_EQ_INT(cs_encode_pattern(s, 0, 2, 2, 0, 3, NULL), 3);
        CHECK_STATUS(VTCompressionSessionCompleteFrames(s, kCMTimeInvalid), noErr);
        CHECK_EQ_INT(c.count, 3);
        CFRelease(s);
    }
    cs_collector_reset(&c);

    /* no output callback: creation works, frames cannot be delivered */
    CHECK_STATUS(
        VTCompressionSessionCreate(NULL, 64, 64, CODEC_H264, NULL, NULL, NULL, NULL, NULL, &s),
        noErr);
    if (s) {
        CVPixelBufferRef pb = cs_make_buffer(FOURCC_I420, 64, 64, 0);
        CHECK_STATUS(
            VTCompressionSessionEncodeFrame(s, pb, kCMTimeZero, kCMTimeInvalid, NULL, NULL, NULL),
            kVTParameterErr);
        CVPixelBufferRelease(pb);
        CFRelease(s);
    }

    s = cs_create(64, 64, NULL, NULL, &c);
    CHECK(s && CFGetTypeID(s) == VTCompressionSessionGetTypeID());
    CHECK(VTCompressionSessionGetTypeID() != CVPixelBufferGetTypeID());
    if (s)
        CFRelease(s);
    cs_collector_free(&c);
}

/* ------------------------------------------------------------------ */

static OSType pool_format(CVPixelBufferPoolRef pool, int64_t *w, int64_t *h) {
    CFDictionaryRef a = CVPixelBufferPoolGetPixelBufferAttributes(pool);
    int64_t f = 0;
    *w = *h = 0;
    if (!a)
        return 0;
    CFNumberRef n = CFDictionaryGetValue(a, kCVPixelBufferPixelFormatTypeKey);
    if (n && CFGetTypeID(n) == CFNumberGetTypeID())
        CFNumberGetValue(n, kCFNumberSInt64Type, &f);
    n = CFDictionaryGetValue(a, kCVPixelBufferWidthKey);
    if (n)
        CFNumberGetValue(n, kCFNumberSInt64Type, w);
    n = CFDictionaryGetValue(a, kCVPixelBufferHeightKey);
    if (n)
        CFNumberGetValue(n, kCFNumberSInt64Type, h);
    return (OSType)f;
}

static int is_native(VTCompressionSessionRef s, OSType f) {
    CFDictionaryRef a = NULL;
    int found = 0;
    if (VTSessionCopyProperty(s, kVTCompressionPropertyKey_VideoEncoderPixelBufferAttributes, NULL,
                              &a) != noErr ||
        !a)
        return 0;
    CFArrayRef formats = CFDictionaryGetValue(a, kCVPixelBufferPixelFormatTypeKey);
    for (CFIndex i = 0; formats && i < CFArrayGetCount(formats); i++) {
        int64_t v = 0;
        CFNumberGetValue(CFArrayGetValueAtIndex(formats, i), kCFNumberSInt64Type, &v);
        found |= (OSType)v == f;
    }
    CFRelease(a);
    return found;
}

static VTCompressionSessionRef create_with_attrs(CSCollector *c, int w, int h, CFDictionaryRef a) {
    return cs_create(w, h, NULL, a, c);
}

static void test_pool(void) {
    CSCollector c;
    cs_collector_init(&c);
    int64_t w, h;

    CHECK(VTCompressionSessionGetPixelBufferPool(NULL) == NULL);
    CHECK(VTCompressionSessionGetPixelBufferPool((VTCompressionSessionRef)CFSTR("x")) == NULL);

    /* no attributes: a usable pool in the encoder's own format */
    VTCompressionSessionRef s = create_with_attrs(&c, 640, 480, NULL);
    CVPixelBufferPoolRef pool = s ? VTCompressionSessionGetPixelBufferPool(s) : NULL;
    CHECK(pool != NULL);
    if (pool) {
        OSType f = pool_format(pool, &w, &h);
        CHECK(is_native(s, f));
        CHECK(w == 640 && h == 480);
        CVPixelBufferRef pb = NULL;
        CHECK_EQ_INT(CVPixelBufferPoolCreatePixelBuffer(NULL, pool, &pb), kCVReturnSuccess);
        CHECK(pb && CVPixelBufferGetWidth(pb) == 640 && CVPixelBufferGetHeight(pb) == 480);
        if (pb)
            CVPixelBufferRelease(pb);
        CHECK_EQ_INT(cs_get_bool(s, kVTCompressionPropertyKey_PixelBufferPoolIsShared), 1);
        /* the same pool every time */
        CHECK(VTCompressionSessionGetPixelBufferPool(s) == pool);
    }
    if (s) {
        VTCompressionSessionInvalidate(s);
        CHECK(VTCompressionSessionGetPixelBufferPool(s) == NULL);
        CFRelease(s);
    }

    /* ttLibC style: NULL-callback dictionary with format and size */
    {
        int32_t fmt = (int32_t)FOURCC_I420_FR, ww = 640, hh = 480;
        CFNumberRef nf = cs_num_i32(fmt), nw = cs_num_i32(ww), nh = cs_num_i32(hh);
        const void *k[3] = {kCVPixelBufferPixelFormatTypeKey, kCVPixelBufferWidthKey,
                            kCVPixelBufferHeightKey};
        const void *v[3] = {nf, nw, nh};
        CFDictionaryRef a = CFDictionaryCreate(NULL, k, v, 3, NULL, NULL);
        s = create_with_attrs(&c, 640, 480, a);
        pool = s ? VTCompressionSessionGetPixelBufferPool(s) : NULL;
        CHECK(pool && pool_format(pool, &w, &h) == FOURCC_I420_FR);
        CHECK_EQ_INT(cs_get_bool(s, kVTCompressionPropertyKey_PixelBufferPoolIsShared), 1);
        if (s)
            CFRelease(s);
        CFRelease(a);
        CFRelease(nf);
        CFRelease(nw);
        CFRelease(nh);
    }

    /* a list: the native entry wins */
    {
        CFNumberRef n[2] = {cs_num_i32((int32_t)FOURCC_BGRA), cs_num_i32((int32_t)FOURCC_NV12)};
        CFArrayRef list = CFArrayCreate(NULL, (const void **)n, 2, &kCFTypeArrayCallBacks);
        CFDictionaryRef a = dict1(kCVPixelBufferPixelFormatTypeKey, list);
        s = create_with_attrs(&c, 640, 480, a);
        pool = s ? VTCompressionSessionGetPixelBufferPool(s) : NULL;
        CHECK(pool && pool_format(pool, &w, &h) == FOURCC_NV12);
        if (s)
            CFRelease(s);
        CFRelease(a);
        CFRelease(list);
        CFRelease(n[0]);
        CFRelease(n[1]);
    }

    /* a format the encoder does not take: the pool follows the client */
    {
        CFNumberRef n = cs_num_i32((int32_t)FOURCC_BGRA);
        CFDictionaryRef a = dict1(kCVPixelBufferPixelFormatTypeKey, n);
        s = create_with_attrs(&c, 640, 480, a);
        pool = s ? VTCompressionSessionGetPixelBufferPool(s) : NULL;
        CHECK(pool && pool_format(pool, &w, &h) == FOURCC_BGRA);
        CHECK_EQ_INT(cs_get_bool(s, kVTCompressionPropertyKey_PixelBufferPoolIsShared), 0);
        if (s) {
            /* and its buffers encode */
            CHECK_EQ_INT(cs_encode_pattern(s, 0, 640, 480, 0, 3, NULL), 3);
            CHECK_STATUS(VTCompressionSessionCompleteFrames(s, kCMTimeIndefinite), noErr);
            CHECK_EQ_INT(c.count, 3);
            for (int i = 0; i < c.count; i++)
                CHECK(c.items[i].status == noErr && c.items[i].sample);
            cs_collector_reset(&c);
            CFRelease(s);
        }
        CFRelease(a);
        CFRelease(n);
    }

    /* a different size */
    {
        CFNumberRef nw = cs_num_i32(320), nh = cs_num_i32(240);
        const void *k[2] = {kCVPixelBufferWidthKey, kCVPixelBufferHeightKey};
        const void *v[2] = {nw, nh};
        CFDictionaryRef a = CFDictionaryCreate(NULL, k, v, 2, &kCFTypeDictionaryKeyCallBacks,
                                               &kCFTypeDictionaryValueCallBacks);
        s = create_with_attrs(&c, 640, 480, a);
        pool = s ? VTCompressionSessionGetPixelBufferPool(s) : NULL;
        CHECK(pool && is_native(s, pool_format(pool, &w, &h)) && w == 320 && h == 240);
        CHECK_EQ_INT(cs_get_bool(s, kVTCompressionPropertyKey_PixelBufferPoolIsShared), 0);
        if (s)
            CFRelease(s);
        CFRelease(a);
        CFRelease(nw);
        CFRelease(nh);
    }
    cs_collector_free(&c);
}

/* ------------------------------------------------------------------ */

static void test_invalidated(void) {
    CSCollector c;
    cs_collector_init(&c);
    VTCompressionSessionRef s = cs_create(64, 64, NULL, NULL, &c);
    if (!s)
        return;
    CHECK_EQ_INT(cs_encode_pattern(s, 0, 64, 64, 0, 2, NULL), 2);
    VTCompressionSessionInvalidate(s);
    int count = c.count;
    CHECK_EQ_INT(count, 2);

    CVPixelBufferRef pb = cs_make_buffer(FOURCC_I420, 64, 64, 5);
    VTEncodeInfoFlags flags = 99;
    CHECK_STATUS(VTCompressionSessionEncodeFrame(s, pb, CMTimeMake(10, 30), kCMTimeInvalid, NULL,
                                                 NULL, &flags),
                 kVTInvalidSessionErr);
    CHECK_EQ_INT(flags, 0);
    CHECK_STATUS(
        VTCompressionSessionEncodeFrame(s, NULL, kCMTimeInvalid, kCMTimeInvalid, NULL, NULL, NULL),
        kVTInvalidSessionErr);
    CHECK_STATUS(VTCompressionSessionCompleteFrames(s, kCMTimeInvalid), kVTInvalidSessionErr);
    CHECK_STATUS(VTCompressionSessionPrepareToEncodeFrames(s), kVTInvalidSessionErr);
    CHECK(VTCompressionSessionGetPixelBufferPool(s) == NULL);
    CHECK_STATUS(cs_set_i32(s, kVTCompressionPropertyKey_AverageBitRate, 1000000),
                 kVTInvalidSessionErr);
    CFTypeRef v = (CFTypeRef)CFSTR("x");
    CHECK_STATUS(VTSessionCopyProperty(s, kVTCompressionPropertyKey_AverageBitRate, NULL, &v),
                 kVTInvalidSessionErr);
    CHECK(v == NULL);
    CFDictionaryRef d = dict1(kVTCompressionPropertyKey_RealTime, kCFBooleanTrue);
    CHECK_STATUS(VTSessionSetProperties(s, d), kVTInvalidSessionErr);
    CFRelease(d);
    CHECK_STATUS(VTSessionCopySupportedPropertyDictionary(s, &d), kVTInvalidSessionErr);
    CHECK_STATUS(VTSessionCopySerializableProperties(s, NULL, &d), kVTInvalidSessionErr);
    CHECK_STATUS(VTCompressionSessionBeginPass(s, 0, NULL), kVTInvalidSessionErr);
    Boolean further = TRUE;
    CHECK_STATUS(VTCompressionSessionEndPass(s, &further, NULL), kVTInvalidSessionErr);
    CMItemCount n = 3;
    const CMTimeRange *ranges = (const CMTimeRange *)&n;
    CHECK_STATUS(VTCompressionSessionGetTimeRangesForNextPass(s, &n, &ranges),
                 kVTInvalidSessionErr);
    CHECK_STATUS(VTCompressionSessionEncodeMultiImageFrame(s, NULL, kCMTimeZero, kCMTimeInvalid,
                                                           NULL, NULL, NULL),
                 kVTInvalidSessionErr);
    VTCompressionSessionInvalidate(s); /* twice is fine */
    CHECK_EQ_INT(c.count, count);      /* no callback after Invalidate returned */
    CVPixelBufferRelease(pb);
    CFRelease(s);
    cs_collector_free(&c);
}

static void test_bad_arguments(void) {
    CSCollector c;
    cs_collector_init(&c);
    VTCompressionSessionRef s = cs_create(64, 64, NULL, NULL, &c);
    if (!s)
        return;
    CVPixelBufferRef pb = cs_make_buffer(FOURCC_I420, 64, 64, 0);
    VTEncodeInfoFlags flags = 77;
    CFTypeRef not_session = CFSTR("not a session");

    CHECK_STATUS(
        VTCompressionSessionEncodeFrame(NULL, pb, kCMTimeZero, kCMTimeInvalid, NULL, NULL, &flags),
        kVTParameterErr);
    CHECK_EQ_INT(flags, 0);
    CHECK_STATUS(VTCompressionSessionEncodeFrame((VTCompressionSessionRef)not_session, pb,
                                                 kCMTimeZero, kCMTimeInvalid, NULL, NULL, NULL),
                 kVTParameterErr);
    CHECK_STATUS(
        VTCompressionSessionEncodeFrame(s, NULL, kCMTimeZero, kCMTimeInvalid, NULL, NULL, NULL),
        kVTParameterErr);
    CHECK_STATUS(VTCompressionSessionEncodeFrame(s, (CVImageBufferRef)not_session, kCMTimeZero,
                                                 kCMTimeInvalid, NULL, NULL, NULL),
                 kVTParameterErr);
    CHECK_STATUS(
        VTCompressionSessionEncodeFrame(s, pb, kCMTimeInvalid, kCMTimeInvalid, NULL, NULL, NULL),
        kVTParameterErr);
    CHECK_STATUS(
        VTCompressionSessionEncodeFrame(s, pb, kCMTimeIndefinite, kCMTimeInvalid, NULL, NULL, NULL),
        kVTParameterErr);
    CHECK_STATUS(
        VTCompressionSessionEncodeFrame(s, pb, kCMTimeZero, CMTimeMake(-1, 30), NULL, NULL, NULL),
        kVTParameterErr);
    CHECK_STATUS(VTCompressionSessionEncodeFrame(s, pb, kCMTimeZero, kCMTimeInvalid,
                                                 (CFDictionaryRef)not_session, NULL, NULL),
                 kVTParameterErr);
    CHECK_EQ_INT(c.count, 0);

    /* presentation time stamps must increase strictly */
    CHECK_STATUS(VTCompressionSessionEncodeFrame(s, pb, CMTimeMake(5, 30), kCMTimeInvalid, NULL,
                                                 (void *)1, &flags),
                 noErr);
    CHECK_EQ_INT(flags & kVTEncodeInfo_Asynchronous, 0);
    CHECK_STATUS(VTCompressionSessionEncodeFrame(s, pb, CMTimeMake(5, 30), kCMTimeInvalid, NULL,
                                                 (void *)2, NULL),
                 kVTParameterErr);
    CHECK_STATUS(VTCompressionSessionEncodeFrame(s, pb, CMTimeMake(10, 60), kCMTimeInvalid, NULL,
                                                 (void *)2, NULL),
                 kVTParameterErr);
    CHECK_STATUS(VTCompressionSessionEncodeFrame(s, pb, CMTimeMake(4, 30), kCMTimeInvalid, NULL,
                                                 (void *)2, NULL),
                 kVTParameterErr);
    CHECK_STATUS(VTCompressionSessionEncodeFrame(s, pb, CMTimeMake(6, 30), kCMTimeInvalid, NULL,
                                                 (void *)3, NULL),
                 noErr);
    /* a finer timescale in between is fine */
    CHECK_STATUS(VTCompressionSessionEncodeFrame(s, pb, CMTimeMake(6001, 30000), kCMTimeInvalid,
                                                 NULL, (void *)4, NULL),
                 noErr);
    CHECK_STATUS(VTCompressionSessionCompleteFrames(s, kCMTimeInvalid), noErr);
    CHECK_EQ_INT(c.count, 3);
    for (int i = 0; i < c.count; i++)
        CHECK(c.items[i].status == noErr && c.items[i].sample != NULL);

    CHECK_STATUS(VTCompressionSessionCompleteFrames(NULL, kCMTimeInvalid), kVTParameterErr);
    CHECK_STATUS(
        VTCompressionSessionCompleteFrames((VTCompressionSessionRef)not_session, kCMTimeInvalid),
        kVTParameterErr);
    CHECK_STATUS(VTCompressionSessionPrepareToEncodeFrames(NULL), kVTParameterErr);
    VTCompressionSessionInvalidate(NULL);
    VTCompressionSessionInvalidate((VTCompressionSessionRef)not_session);

    /* unsupported families, documented */
    CHECK(!VTIsStereoMVHEVCEncodeSupported());
    flags = 5;
    CHECK_STATUS(VTCompressionSessionEncodeMultiImageFrame(s, NULL, kCMTimeZero, kCMTimeInvalid,
                                                           NULL, NULL, &flags),
                 kVTCouldNotFindVideoEncoderErr);
    CHECK_EQ_INT(flags, 0);
    CHECK_STATUS(VTCompressionSessionEncodeMultiImageFrame(NULL, NULL, kCMTimeZero, kCMTimeInvalid,
                                                           NULL, NULL, NULL),
                 kVTParameterErr);
    /* multi-pass without kVTCompressionPropertyKey_MultiPassStorage (the
     * workflow itself: tests/vtcore/multipass) */
    CHECK_STATUS(VTCompressionSessionBeginPass(s, kVTCompressionSessionBeginFinalPass, NULL),
                 kVTParameterErr);
    Boolean further = TRUE;
    CHECK_STATUS(VTCompressionSessionEndPass(s, &further, NULL), kVTParameterErr);
    CHECK(!further);
    CMItemCount n = 4;
    const CMTimeRange *ranges = (const CMTimeRange *)&n;
    CHECK_STATUS(VTCompressionSessionGetTimeRangesForNextPass(s, &n, &ranges), kVTParameterErr);
    CHECK(n == 0 && ranges == NULL);
    CHECK_STATUS(VTCompressionSessionBeginPass(NULL, 0, NULL), kVTParameterErr);
    CHECK_STATUS(VTCompressionSessionEndPass(NULL, NULL, NULL), kVTParameterErr);
    CHECK_STATUS(VTCompressionSessionGetTimeRangesForNextPass(NULL, NULL, NULL), kVTParameterErr);

    /* VTSession* with a NULL / wrong handle */
    CHECK_STATUS(cs_set_i32(NULL, kVTCompressionPropertyKey_AverageBitRate, 1), kVTParameterErr);

    CVPixelBufferRelease(pb);
    VTCompressionSessionInvalidate(s);
    CFRelease(s);
    cs_collector_free(&c);
}

/* ------------------------------------------------------------------ */
/* Property table walk                                                 */

typedef struct PropCase {
    CFStringRef *key;
    enum { K_BOOL, K_INT, K_DOUBLE, K_STRING, K_OTHER } kind;
    double value;       /* K_BOOL / K_INT / K_DOUBLE */
    CFStringRef string; /* K_STRING: a valid value */
    int nullable;       /* default reads back as NULL */
    double def;         /* default for non-nullable numbers/bools */
} PropCase;

static CFTypeRef make_value(const PropCase *pc) {
    switch (pc->kind) {
    case K_BOOL:
        return CFRetain(pc->value != 0 ? kCFBooleanTrue : kCFBooleanFalse);
    case K_INT:
        return cs_num_i32((int32_t)pc->value);
    case K_DOUBLE:
        return cs_num_f64(pc->value);
    case K_STRING:
        return CFRetain(pc->string);
    default:
        return NULL;
    }
}

static double number_of(CFTypeRef v) {
    double d = NAN;
    if (v && CFGetTypeID(v) == CFNumberGetTypeID())
        CFNumberGetValue(v, kCFNumberFloat64Type, &d);
    else if (v && CFGetTypeID(v) == CFBooleanGetTypeID())
        d = CFBooleanGetValue(v) ? 1 : 0;
    return d;
}

static void test_property_walk(void) {
    CSCollector c;
    cs_collector_init(&c);
    VTCompressionSessionRef s = cs_create(640, 480, NULL, NULL, &c);
    if (!s)
        return;

    /* clang-format off */
    const PropCase cases[] = {
        { (CFStringRef *)&kVTCompressionPropertyKey_AverageBitRate, K_INT, 2000000, NULL, 0, 0 },
        { (CFStringRef *)&kVTCompressionPropertyKey_ConstantBitRate, K_INT, 1500000, NULL, 0, 0 },
        { (CFStringRef *)&kVTCompressionPropertyKey_Quality, K_DOUBLE, 0.75, NULL, 1, 0 },
        { (CFStringRef *)&kVTCompressionPropertyKey_MaxKeyFrameInterval, K_INT, 60, NULL, 0, 0 },
        { (CFStringRef *)&kVTCompressionPropertyKey_MaxKeyFrameIntervalDuration, K_DOUBLE, 2.5, NULL, 0, 0 },
        { (CFStringRef *)&kVTCompressionPropertyKey_AllowFrameReordering, K_BOOL, 0, NULL, 0, 1 },
        { (CFStringRef *)&kVTCompressionPropertyKey_AllowTemporalCompression, K_BOOL, 0, NULL, 0, 1 },
        { (CFStringRef *)&kVTCompressionPropertyKey_AllowOpenGOP, K_BOOL, 1, NULL, 1, 0 },
        { (CFStringRef *)&kVTCompressionPropertyKey_ProfileLevel, K_STRING, 0, NULL, 1, 0 },
        { (CFStringRef *)&kVTCompressionPropertyKey_H264EntropyMode, K_STRING, 0, NULL, 1, 0 },
        { (CFStringRef *)&kVTCompressionPropertyKey_RealTime, K_BOOL, 1, NULL, 1, 0 },
        { (CFStringRef *)&kVTCompressionPropertyKey_ExpectedFrameRate, K_DOUBLE, 29.97, NULL, 0, 0 },
        { (CFStringRef *)&kVTCompressionPropertyKey_MaxFrameDelayCount, K_INT, 3, NULL, 0, -1 },
        { (CFStringRef *)&kVTCompressionPropertyKey_PrioritizeEncodingSpeedOverQuality, K_BOOL, 1, NULL, 1, 0 },
        { (CFStringRef *)&kVTCompressionPropertyKey_MaximizePowerEfficiency, K_BOOL, 1, NULL, 1, 0 },
        { (CFStringRef *)&kVTCompressionPropertyKey_MinAllowedFrameQP, K_INT, 10, NULL, 1, 0 },
        { (CFStringRef *)&kVTCompressionPropertyKey_MaxAllowedFrameQP, K_INT, 40, NULL, 1, 0 },
        { (CFStringRef *)&kVTCompressionPropertyKey_ReferenceBufferCount, K_INT, 2, NULL, 1, 0 },
        { (CFStringRef *)&kVTCompressionPropertyKey_ColorPrimaries, K_STRING, 0, NULL, 1, 0 },
        { (CFStringRef *)&kVTCompressionPropertyKey_TransferFunction, K_STRING, 0, NULL, 1, 0 },
        { (CFStringRef *)&kVTCompressionPropertyKey_YCbCrMatrix, K_STRING, 0, NULL, 1, 0 },
        { (CFStringRef *)&kVTCompressionPropertyKey_MoreFramesBeforeStart, K_BOOL, 1, NULL, 0, 0 },
        { (CFStringRef *)&kVTCompressionPropertyKey_MoreFramesAfterEnd, K_BOOL, 1, NULL, 0, 0 },
        { (CFStringRef *)&kVTCompressionPropertyKey_SourceFrameCount, K_INT, 300, NULL, 0, 0 },
        { (CFStringRef *)&kVTCompressionPropertyKey_ExpectedDuration, K_DOUBLE, 10.0, NULL, 0, 0 },
        { (CFStringRef *)&kVTCompressionPropertyKey_MaxH264SliceBytes, K_INT, 1200, NULL, 0, 0 },
    };
    /* clang-format on */
    CFStringRef strings[] = {kVTProfileLevel_H264_High_4_1, kVTH264EntropyMode_CAVLC,
                             kCVImageBufferColorPrimaries_ITU_R_709_2,
                             kCVImageBufferTransferFunction_ITU_R_709_2,
                             kCVImageBufferYCbCrMatrix_ITU_R_601_4};
    size_t si = 0;

    CFDictionaryRef supported = NULL;
    CHECK_STATUS(VTSessionCopySupportedPropertyDictionary(s, &supported), noErr);

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        PropCase pc = cases[i];
        CFStringRef key = *pc.key;
        if (pc.kind == K_STRING)
            pc.string = strings[si++];
        CHECK_MSG(supported && CFDictionaryContainsKey(supported, key), "%s not supported",
                  CFStringGetCStringPtr(key, kCFStringEncodingUTF8));
        CFDictionaryRef desc = supported ? CFDictionaryGetValue(supported, key) : NULL;
        CHECK(desc && CFEqual(CFDictionaryGetValue(desc, kVTPropertyReadWriteStatusKey),
                              kVTPropertyReadWriteStatus_ReadWrite));

        /* default */
        CFTypeRef v = NULL;
        CHECK_STATUS(VTSessionCopyProperty(s, key, NULL, &v), noErr);
        if (pc.nullable) {
            CHECK_MSG(v == NULL, "%s default not NULL", CFStringGetCStringPtr(key, 0x08000100));
        } else {
            CHECK_MSG(v && number_of(v) == pc.def, "%s default",
                      CFStringGetCStringPtr(key, 0x08000100));
        }
        if (v)
            CFRelease(v);

        /* set / read back */
        CFTypeRef value = make_value(&pc);
        CHECK_STATUS(VTSessionSetProperty(s, key, value), noErr);
        v = NULL;
        CHECK_STATUS(VTSessionCopyProperty(s, key, NULL, &v), noErr);
        if (pc.kind == K_STRING)
            CHECK_MSG(v && CFEqual(v, value), "%s read back",
                      CFStringGetCStringPtr(key, 0x08000100));
        else
            CHECK_MSG(v && fabs(number_of(v) - pc.value) < 1e-9, "%s read back %g",
                      CFStringGetCStringPtr(key, 0x08000100), number_of(v));
        if (v)
            CFRelease(v);

        /* wrong type */
        CFTypeRef wrong =
            pc.kind == K_STRING ? (CFTypeRef)cs_num_i32(1) : (CFTypeRef)CFRetain(CFSTR("wrong"));
        CHECK_STATUS(VTSessionSetProperty(s, key, wrong), kVTParameterErr);
        CFRelease(wrong);

        /* NULL restores the default */
        CHECK_STATUS(VTSessionSetProperty(s, key, NULL), noErr);
        v = NULL;
        CHECK_STATUS(VTSessionCopyProperty(s, key, NULL, &v), noErr);
        if (pc.nullable)
            CHECK(v == NULL);
        else
            CHECK(v && number_of(v) == pc.def);
        if (v)
            CFRelease(v);
        CFRelease(value);
    }

    /* read-only keys */
    CFStringRef ro[] = {kVTCompressionPropertyKey_NumberOfPendingFrames,
                        kVTCompressionPropertyKey_UsingHardwareAcceleratedVideoEncoder,
                        kVTCompressionPropertyKey_EncoderID,
                        kVTCompressionPropertyKey_PixelBufferPoolIsShared,
                        kVTCompressionPropertyKey_VideoEncoderPixelBufferAttributes};
    for (size_t i = 0; i < sizeof(ro) / sizeof(ro[0]); i++) {
        CFTypeRef v = NULL;
        CHECK(supported && CFDictionaryContainsKey(supported, ro[i]));
        CHECK_STATUS(VTSessionCopyProperty(s, ro[i], NULL, &v), noErr);
        CHECK(v != NULL);
        CHECK_STATUS(VTSessionSetProperty(s, ro[i], v), kVTPropertyReadOnlyErr);
        CHECK_STATUS(VTSessionSetProperty(s, ro[i], NULL), kVTPropertyReadOnlyErr);
        if (v)
            CFRelease(v);
    }
    CHECK_EQ_INT(cs_get_i64(s, kVTCompressionPropertyKey_NumberOfPendingFrames, -1), 0);
    if (supported)
        CFRelease(supported);

    /* DataRateLimits: Apple's array semantics */
    {
        CFNumberRef n[6] = {cs_num_i32(250000), cs_num_f64(1.0), cs_num_i32(1000000),
                            cs_num_i32(5),      cs_num_i32(0),   cs_num_i32(1)};
        CFArrayRef ok = CFArrayCreate(NULL, (const void **)n, 4, &kCFTypeArrayCallBacks);
        CFArrayRef odd = CFArrayCreate(NULL, (const void **)n, 3, &kCFTypeArrayCallBacks);
        CFArrayRef zero = CFArrayCreate(NULL, (const void **)&n[4], 2, &kCFTypeArrayCallBacks);
        CFArrayRef three = CFArrayCreate(NULL, (const void **)n, 6, &kCFTypeArrayCallBacks);
        CFArrayRef empty = CFArrayCreate(NULL, NULL, 0, &kCFTypeArrayCallBacks);
        const void *mixed_v[2] = {n[0], CFSTR("s")};
        CFArrayRef mixed = CFArrayCreate(NULL, mixed_v, 2, &kCFTypeArrayCallBacks);
        CHECK_STATUS(VTSessionSetProperty(s, kVTCompressionPropertyKey_DataRateLimits, ok), noErr);
        CFTypeRef v = NULL;
        CHECK_STATUS(VTSessionCopyProperty(s, kVTCompressionPropertyKey_DataRateLimits, NULL, &v),
                     noErr);
        CHECK(v && CFEqual(v, ok));
        if (v)
            CFRelease(v);
        CHECK_STATUS(VTSessionSetProperty(s, kVTCompressionPropertyKey_DataRateLimits, odd),
                     kVTParameterErr);
        CHECK_STATUS(VTSessionSetProperty(s, kVTCompressionPropertyKey_DataRateLimits, zero),
                     kVTParameterErr);
        CHECK_STATUS(VTSessionSetProperty(s, kVTCompressionPropertyKey_DataRateLimits, three),
                     kVTParameterErr);
        CHECK_STATUS(VTSessionSetProperty(s, kVTCompressionPropertyKey_DataRateLimits, mixed),
                     kVTParameterErr);
        CHECK_STATUS(VTSessionSetProperty(s, kVTCompressionPropertyKey_DataRateLimits, empty),
                     noErr);
        CHECK_STATUS(VTSessionSetProperty(s, kVTCompressionPropertyKey_DataRateLimits, NULL),
                     noErr);
        CHECK_STATUS(VTSessionCopyProperty(s, kVTCompressionPropertyKey_DataRateLimits, NULL, &v),
                     noErr);
        CHECK(v == NULL);
        CFRelease(ok);
        CFRelease(odd);
        CFRelease(zero);
        CFRelease(three);
        CFRelease(empty);
        CFRelease(mixed);
        for (int i = 0; i < 6; i++)
            CFRelease(n[i]);
    }

    /* rate-control modes exclude each other: the last one set wins */
    CHECK_STATUS(cs_set_i32(s, kVTCompressionPropertyKey_AverageBitRate, 1000000), noErr);
    CHECK_STATUS(cs_set_i32(s, kVTCompressionPropertyKey_ConstantBitRate, 2000000), noErr);
    CHECK_EQ_INT(cs_get_i64(s, kVTCompressionPropertyKey_AverageBitRate, -1), 0);
    CHECK_EQ_INT(cs_get_i64(s, kVTCompressionPropertyKey_ConstantBitRate, -1), 2000000);
    CHECK_STATUS(cs_set_i32(s, kVTCompressionPropertyKey_AverageBitRate, 1000000), noErr);
    CHECK_EQ_INT(cs_get_i64(s, kVTCompressionPropertyKey_ConstantBitRate, -1), 0);
    CHECK_STATUS(VTSessionSetProperty(s, kVTCompressionPropertyKey_AverageBitRate, NULL), noErr);

    /* ranges */
    CHECK_STATUS(cs_set_f64(s, kVTCompressionPropertyKey_Quality, 1.5), kVTParameterErr);
    CHECK_STATUS(cs_set_f64(s, kVTCompressionPropertyKey_Quality, NAN), kVTParameterErr);
    CHECK_STATUS(cs_set_i32(s, kVTCompressionPropertyKey_MaxKeyFrameInterval, -1), kVTParameterErr);
    CHECK_STATUS(cs_set_i32(s, kVTCompressionPropertyKey_AverageBitRate, -5), kVTParameterErr);
    CHECK_STATUS(cs_set_i32(s, kVTCompressionPropertyKey_MaxFrameDelayCount, -2), kVTParameterErr);
    CHECK_STATUS(cs_set_i32(s, kVTCompressionPropertyKey_MaxAllowedFrameQP, 52), kVTParameterErr);
    CHECK_STATUS(
        cs_set_i32(s, kVTCompressionPropertyKey_MaxFrameDelayCount, kVTUnlimitedFrameDelayCount),
        noErr);
    CHECK_STATUS(cs_set_i32(s, kVTCompressionPropertyKey_MinAllowedFrameQP, 30), noErr);
    CHECK_STATUS(cs_set_i32(s, kVTCompressionPropertyKey_MaxAllowedFrameQP, 20), kVTParameterErr);
    CHECK_STATUS(VTSessionSetProperty(s, kVTCompressionPropertyKey_MinAllowedFrameQP, NULL), noErr);
    /* numbers of any type, also where integers are expected */
    {
        int64_t big = 3000000;
        float fps = 25.0f;
        CFNumberRef n64 = CFNumberCreate(NULL, kCFNumberSInt64Type, &big);
        CFNumberRef nf = CFNumberCreate(NULL, kCFNumberFloat32Type, &fps);
        CHECK_STATUS(VTSessionSetProperty(s, kVTCompressionPropertyKey_AverageBitRate, n64), noErr);
        CHECK_EQ_INT(cs_get_i64(s, kVTCompressionPropertyKey_AverageBitRate, -1), 3000000);
        CHECK_STATUS(VTSessionSetProperty(s, kVTCompressionPropertyKey_ExpectedFrameRate, nf),
                     noErr);
        CHECK_STATUS(VTSessionSetProperty(s, kVTCompressionPropertyKey_MaxKeyFrameInterval, nf),
                     noErr);
        CHECK_EQ_INT(cs_get_i64(s, kVTCompressionPropertyKey_MaxKeyFrameInterval, -1), 25);
        CFRelease(n64);
        CFRelease(nf);
    }

    /* unknown keys, literal keys */
    CHECK_STATUS(VTSessionSetProperty(s, CFSTR("NoSuchProperty"), kCFBooleanTrue),
                 kVTPropertyNotSupportedErr);
    CHECK_STATUS(VTSessionSetProperty(s, kCVImageBufferGammaLevelKey, NULL),
                 kVTPropertyNotSupportedErr);
    CHECK_STATUS(VTSessionSetProperty(s, kVTCompressionPropertyKey_MultiPassStorage, NULL), noErr);
    CHECK_STATUS(VTSessionSetProperty(s, kVTCompressionPropertyKey_MultiPassStorage, CFSTR("x")),
                 kVTParameterErr);
    CHECK_STATUS(VTSessionSetProperty(s, CFSTR("RealTime"), kCFBooleanTrue), noErr);
    CHECK_EQ_INT(cs_get_bool(s, kVTCompressionPropertyKey_RealTime), 1);
    CHECK_STATUS(VTSessionSetProperty(s, CFSTR("ProfileLevel"), CFSTR("H264_Main_AutoLevel")),
                 noErr);
    CHECK_STATUS(VTSessionSetProperty(s, kVTCompressionPropertyKey_ProfileLevel,
                                      kVTProfileLevel_HEVC_Main_AutoLevel),
                 kVTParameterErr);
    CHECK_STATUS(
        VTSessionSetProperty(s, kVTCompressionPropertyKey_ColorPrimaries, CFSTR("NotAColour")),
        kVTParameterErr);
    CHECK_STATUS(
        VTSessionSetProperty(s, kVTCompressionPropertyKey_TransferFunction, CFSTR("IEC_sRGB")),
        noErr);

    /* every H.264 profile/level constant; a level too small for 640x480 is refused */
    {
        struct {
            CFStringRef value;
            int fits_vga;
        } pls[] = {
            {kVTProfileLevel_H264_Baseline_1_3, 0},
            {kVTProfileLevel_H264_Baseline_3_0, 1},
            {kVTProfileLevel_H264_Baseline_3_1, 1},
            {kVTProfileLevel_H264_Baseline_3_2, 1},
            {kVTProfileLevel_H264_Baseline_4_0, 1},
            {kVTProfileLevel_H264_Baseline_4_1, 1},
            {kVTProfileLevel_H264_Baseline_4_2, 1},
            {kVTProfileLevel_H264_Baseline_5_0, 1},
            {kVTProfileLevel_H264_Baseline_5_1, 1},
            {kVTProfileLevel_H264_Baseline_5_2, 1},
            {kVTProfileLevel_H264_Baseline_AutoLevel, 1},
            {kVTProfileLevel_H264_ConstrainedBaseline_AutoLevel, 1},
            {kVTProfileLevel_H264_Main_3_0, 1},
            {kVTProfileLevel_H264_Main_3_1, 1},
            {kVTProfileLevel_H264_Main_3_2, 1},
            {kVTProfileLevel_H264_Main_4_0, 1},
            {kVTProfileLevel_H264_Main_4_1, 1},
            {kVTProfileLevel_H264_Main_4_2, 1},
            {kVTProfileLevel_H264_Main_5_0, 1},
            {kVTProfileLevel_H264_Main_5_1, 1},
            {kVTProfileLevel_H264_Main_5_2, 1},
            {kVTProfileLevel_H264_Main_AutoLevel, 1},
            {kVTProfileLevel_H264_Extended_5_0, 1},
            {kVTProfileLevel_H264_Extended_AutoLevel, 1},
            {kVTProfileLevel_H264_High_3_0, 1},
            {kVTProfileLevel_H264_High_3_1, 1},
            {kVTProfileLevel_H264_High_3_2, 1},
            {kVTProfileLevel_H264_High_4_0, 1},
            {kVTProfileLevel_H264_High_4_1, 1},
            {kVTProfileLevel_H264_High_4_2, 1},
            {kVTProfileLevel_H264_High_5_0, 1},
            {kVTProfileLevel_H264_High_5_1, 1},
            {kVTProfileLevel_H264_High_5_2, 1},
            {kVTProfileLevel_H264_High_AutoLevel, 1},
            {kVTProfileLevel_H264_ConstrainedHigh_AutoLevel, 1},
        };
        for (size_t i = 0; i < sizeof(pls) / sizeof(pls[0]); i++) {
            CHECK_STATUS(
                VTSessionSetProperty(s, kVTCompressionPropertyKey_ProfileLevel, pls[i].value),
                pls[i].fits_vga ? noErr : kVTParameterErr);
            if (pls[i].fits_vga) {
                CFTypeRef v = NULL;
                VTSessionCopyProperty(s, kVTCompressionPropertyKey_ProfileLevel, NULL, &v);
                CHECK(v && CFEqual(v, pls[i].value));
                if (v)
                    CFRelease(v);
            }
        }
    }
    /* AllowFrameReordering reads back what the encoder will do */
    CHECK_STATUS(
        VTSessionSetProperty(s, kVTCompressionPropertyKey_AllowFrameReordering, kCFBooleanTrue),
        noErr);
    CHECK_STATUS(VTSessionSetProperty(s, kVTCompressionPropertyKey_ProfileLevel,
                                      kVTProfileLevel_H264_Baseline_AutoLevel),
                 noErr);
    CHECK_EQ_INT(cs_get_bool(s, kVTCompressionPropertyKey_AllowFrameReordering), 0);
    CHECK_STATUS(VTSessionSetProperty(s, kVTCompressionPropertyKey_ProfileLevel,
                                      kVTProfileLevel_H264_High_AutoLevel),
                 noErr);
    CHECK_EQ_INT(cs_get_bool(s, kVTCompressionPropertyKey_AllowFrameReordering), 1);

    /* PixelAspectRatio / CleanAperture dictionaries */
    {
        CFNumberRef h = cs_num_i32(4), v = cs_num_i32(3), zero = cs_num_i32(0);
        const void *k[2] = {kCMFormatDescriptionKey_PixelAspectRatioHorizontalSpacing,
                            kCMFormatDescriptionKey_PixelAspectRatioVerticalSpacing};
        const void *vals[2] = {h, v}, *bad[2] = {h, zero};
        CFDictionaryRef par = CFDictionaryCreate(NULL, k, vals, 2, &kCFTypeDictionaryKeyCallBacks,
                                                 &kCFTypeDictionaryValueCallBacks);
        CFDictionaryRef par_bad = CFDictionaryCreate(
            NULL, k, bad, 2, &kCFTypeDictionaryKeyCallBacks, &kCFTypeDictionaryValueCallBacks);
        CHECK_STATUS(VTSessionSetProperty(s, kVTCompressionPropertyKey_PixelAspectRatio, par),
                     noErr);
        CFTypeRef got = NULL;
        VTSessionCopyProperty(s, kVTCompressionPropertyKey_PixelAspectRatio, NULL, &got);
        CHECK(got && CFEqual(got, par));
        if (got)
            CFRelease(got);
        CHECK_STATUS(VTSessionSetProperty(s, kVTCompressionPropertyKey_PixelAspectRatio, par_bad),
                     kVTParameterErr);
        CHECK_STATUS(VTSessionSetProperty(s, kVTCompressionPropertyKey_CleanAperture, par_bad),
                     kVTParameterErr);
        CFRelease(par);
        CFRelease(par_bad);
        CFRelease(h);
        CFRelease(v);
        CFRelease(zero);
    }

    /* SetProperties; serialisable properties reflect what was set */
    {
        CFNumberRef br = cs_num_i32(1234000);
        const void *k[3] = {kVTCompressionPropertyKey_AverageBitRate,
                            kVTCompressionPropertyKey_RealTime,
                            kVTCompressionPropertyKey_AllowFrameReordering};
        const void *v[3] = {br, kCFBooleanFalse, kCFBooleanFalse};
        CFDictionaryRef d = CFDictionaryCreate(NULL, k, v, 3, &kCFTypeDictionaryKeyCallBacks,
                                               &kCFTypeDictionaryValueCallBacks);
        CHECK_STATUS(VTSessionSetProperties(s, d), noErr);
        CHECK_EQ_INT(cs_get_i64(s, kVTCompressionPropertyKey_AverageBitRate, -1), 1234000);
        CHECK_EQ_INT(cs_get_bool(s, kVTCompressionPropertyKey_AllowFrameReordering), 0);
        CFDictionaryRef ser = NULL;
        CHECK_STATUS(VTSessionCopySerializableProperties(s, NULL, &ser), noErr);
        CHECK(ser &&
              CFEqual(CFDictionaryGetValue(ser, kVTCompressionPropertyKey_AverageBitRate), br));
        CHECK(ser &&
              !CFDictionaryContainsKey(ser, kVTCompressionPropertyKey_NumberOfPendingFrames));
        if (ser)
            CFRelease(ser);
        CFRelease(d);
        CFRelease(br);
    }
    CFRelease(s);

    /* a level that fits a small session */
    s = cs_create(176, 144, NULL, NULL, &c);
    if (s) {
        CHECK_STATUS(VTSessionSetProperty(s, kVTCompressionPropertyKey_ProfileLevel,
                                          kVTProfileLevel_H264_Baseline_1_3),
                     noErr);
        /* ... but not with a bit rate above the level's maximum: refused when the
         * encoder starts */
        CHECK_STATUS(cs_set_i32(s, kVTCompressionPropertyKey_AverageBitRate, 5000000), noErr);
        CHECK_STATUS(VTCompressionSessionPrepareToEncodeFrames(s), kVTParameterErr);
        CHECK_STATUS(cs_set_i32(s, kVTCompressionPropertyKey_AverageBitRate, 500000), noErr);
        CHECK_STATUS(VTCompressionSessionPrepareToEncodeFrames(s), noErr);
        CHECK_STATUS(VTCompressionSessionPrepareToEncodeFrames(s), noErr);
        CFRelease(s);
    }
    cs_collector_free(&c);
}

/* ------------------------------------------------------------------ */
/* Callback accounting                                                 */

static int count_refcon(const CSCollector *c, void *refcon) {
    int n = 0;
    for (int i = 0; i < c->count; i++)
        n += c->items[i].refcon == refcon;
    return n;
}

static void test_callback_accounting(void) {
    CSCollector c;
    cs_collector_init(&c);

    /* all frames come out once, with their refcons */
    VTCompressionSessionRef s = cs_create(320, 240, NULL, NULL, &c);
    if (!s)
        return;
    CHECK_EQ_INT(cs_encode_pattern(s, 0, 320, 240, 0, 20, NULL), 20);
    int64_t pending = cs_get_i64(s, kVTCompressionPropertyKey_NumberOfPendingFrames, -1);
    CHECK_EQ_INT(pending + c.count, 20);
    CHECK(pending > 0); /* the default configuration has a look-ahead */
    CHECK_STATUS(VTCompressionSessionCompleteFrames(s, kCMTimeIndefinite), noErr);
    CHECK_EQ_INT(c.count, 20);
    CHECK_EQ_INT(cs_get_i64(s, kVTCompressionPropertyKey_NumberOfPendingFrames, -1), 0);
    for (int i = 1; i <= 20; i++)
        CHECK_EQ_INT(count_refcon(&c, (void *)(intptr_t)i), 1);
    for (int i = 0; i < c.count; i++) {
        CHECK(c.items[i].status == noErr && c.items[i].sample);
        CHECK_EQ_INT(c.items[i].flags, 0);
    }
    /* the session stays usable after CompleteFrames */
    CHECK_EQ_INT(cs_encode_pattern(s, 0, 320, 240, 20, 10, NULL), 10);
    CHECK_STATUS(VTCompressionSessionCompleteFrames(s, kCMTimePositiveInfinity), noErr);
    CHECK_EQ_INT(c.count, 30);
    CHECK_STATUS(VTCompressionSessionCompleteFrames(s, kCMTimeInvalid), noErr); /* nothing left */
    CHECK_EQ_INT(c.count, 30);
    cs_collector_reset(&c);

    /* numeric completion time: everything up to it is out when it returns */
    CHECK_EQ_INT(cs_encode_pattern(s, 0, 320, 240, 30, 30, NULL), 30);
    CHECK_STATUS(VTCompressionSessionCompleteFrames(s, CMTimeMake(40, 30)), noErr);
    for (int i = 30; i <= 40; i++)
        CHECK_EQ_INT(count_refcon(&c, (void *)(intptr_t)(i + 1)), 1);
    int after = c.count;
    CHECK(after >= 11);
    /* a time before every pending frame emits nothing new */
    CHECK_EQ_INT(cs_encode_pattern(s, 0, 320, 240, 60, 5, NULL), 5);
    int before_noop = c.count;
    CHECK_STATUS(VTCompressionSessionCompleteFrames(s, CMTimeMake(40, 30)), noErr);
    CHECK(c.count >= before_noop);
    CHECK_STATUS(VTCompressionSessionCompleteFrames(s, kCMTimeInvalid), noErr);
    CHECK_EQ_INT(c.count, 35);
    cs_collector_reset(&c);

    /* Invalidate with frames in flight: one callback each, dropped ones flagged */
    CHECK_EQ_INT(cs_encode_pattern(s, 0, 320, 240, 100, 10, NULL), 10);
    pending = cs_get_i64(s, kVTCompressionPropertyKey_NumberOfPendingFrames, -1);
    CHECK(pending > 0);
    VTCompressionSessionInvalidate(s);
    CHECK_EQ_INT(c.count, 10);
    int dropped = 0;
    for (int i = 101; i <= 110; i++)
        CHECK_EQ_INT(count_refcon(&c, (void *)(intptr_t)i), 1);
    for (int i = 0; i < c.count; i++) {
        if (c.items[i].flags & kVTEncodeInfo_FrameDropped) {
            dropped++;
            CHECK(c.items[i].sample == NULL);
        } else {
            CHECK(c.items[i].sample != NULL && c.items[i].status == noErr);
        }
    }
    CHECK_EQ_INT(dropped, pending);
    CFRelease(s);
    CHECK_EQ_INT(c.count, 10);
    cs_collector_reset(&c);

    /* CFRelease without Invalidate: the same, during the release */
    s = cs_create(320, 240, NULL, NULL, &c);
    if (s) {
        CHECK_EQ_INT(cs_encode_pattern(s, 0, 320, 240, 0, 8, NULL), 8);
        CFRelease(s);
        CHECK_EQ_INT(c.count, 8);
        for (int i = 1; i <= 8; i++)
            CHECK_EQ_INT(count_refcon(&c, (void *)(intptr_t)i), 1);
    }
    cs_collector_free(&c);
}

/* The callback runs without the session locked: another thread can use the
 * session while a callback is running. */
typedef struct OtherThreadArgs {
    VTCompressionSessionRef session;
    OSStatus set_status, copy_status;
} OtherThreadArgs;

static void *other_thread(void *arg) {
    OtherThreadArgs *a = arg;
    a->set_status = cs_set_i32(a->session, kVTCompressionPropertyKey_AverageBitRate, 800000);
    CFTypeRef v = NULL;
    a->copy_status = VTSessionCopyProperty(
        a->session, kVTCompressionPropertyKey_NumberOfPendingFrames, NULL, &v);
    if (v)
        CFRelease(v);
    return NULL;
}

static int g_hook_runs, g_hook_timeouts, g_hook_failures;

static void hook_use_session_elsewhere(CSCollector *c, const CSOut *o) {
    (void)o;
    OtherThreadArgs a = {c->user, -1, -1};
    pthread_t t;
    if (pthread_create(&t, NULL, other_thread, &a) != 0)
        return;
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += 10;
    if (pthread_timedjoin_np(t, NULL, &deadline) != 0) {
        g_hook_timeouts++; /* deadlock: the thread is leaked on purpose */
        return;
    }
    g_hook_runs++;
    if (a.set_status != noErr || a.copy_status != noErr)
        g_hook_failures++;
    /* and on this thread too */
    if (cs_set_i32(c->user, kVTCompressionPropertyKey_ExpectedFrameRate, 30) != noErr)
        g_hook_failures++;
}

static void test_callback_unlocked(void) {
    CSCollector c;
    cs_collector_init(&c);
    VTCompressionSessionRef s = cs_create(160, 120, NULL, NULL, &c);
    if (!s)
        return;
    c.user = (void *)s;
    c.hook = hook_use_session_elsewhere;
    CHECK_EQ_INT(cs_encode_pattern(s, 0, 160, 120, 0, 6, NULL), 6);
    CHECK_STATUS(VTCompressionSessionCompleteFrames(s, kCMTimeInvalid), noErr);
    CHECK_EQ_INT(c.count, 6);
    CHECK_EQ_INT(g_hook_runs, 6);
    CHECK_EQ_INT(g_hook_timeouts, 0);
    CHECK_EQ_INT(g_hook_failures, 0);
    c.hook = NULL;
    VTCompressionSessionInvalidate(s);
    CFRelease(s);
    cs_collector_free(&c);
}

/* Invalidate from inside the callback: the rest come out before it returns. */
static void hook_invalidate(CSCollector *c, const CSOut *o) {
    (void)o;
    if (c->count == 2)
        VTCompressionSessionInvalidate(c->user);
}

static void test_invalidate_in_callback(void) {
    CSCollector c;
    cs_collector_init(&c);
    VTCompressionSessionRef s = cs_create(160, 120, NULL, NULL, &c);
    if (!s)
        return;
    c.user = (void *)s;
    c.hook = hook_invalidate;
    CHECK_EQ_INT(cs_encode_pattern(s, 0, 160, 120, 0, 6, NULL), 6);
    CHECK_STATUS(VTCompressionSessionCompleteFrames(s, kCMTimeInvalid), noErr);
    CHECK_EQ_INT(c.count, 6);
    for (int i = 1; i <= 6; i++)
        CHECK_EQ_INT(count_refcon(&c, (void *)(intptr_t)i), 1);
    CHECK_STATUS(VTCompressionSessionCompleteFrames(s, kCMTimeInvalid), kVTInvalidSessionErr);
    CFRelease(s);
    cs_collector_free(&c);
}

/* A thread submitting while another thread's callback runs is not blocked
 * by it: its output is delivered by the delivering thread, in order. */
typedef struct SubmitArgs {
    VTCompressionSessionRef session;
    OSStatus status;
} SubmitArgs;

static void *submit_second(void *arg) {
    SubmitArgs *a = arg;
    CVPixelBufferRef pb = cs_make_buffer(FOURCC_I420, 160, 120, 1);
    a->status = VTCompressionSessionEncodeFrame(a->session, pb, CMTimeMake(1, 30), kCMTimeInvalid,
                                                NULL, (void *)2, NULL);
    CVPixelBufferRelease(pb);
    return NULL;
}

static int g_submit_timeouts;
static OSStatus g_submit_status = -1;

static void hook_submit_elsewhere(CSCollector *c, const CSOut *o) {
    if (o->refcon != (void *)1)
        return;
    SubmitArgs a = {c->user, -1};
    pthread_t t;
    if (pthread_create(&t, NULL, submit_second, &a) != 0)
        return;
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += 10;
    if (pthread_timedjoin_np(t, NULL, &deadline) != 0) {
        g_submit_timeouts++;
        return;
    }
    g_submit_status = a.status;
}

static void test_submit_during_callback(void) {
    CSCollector c;
    cs_collector_init(&c);
    VTCompressionSessionRef s = cs_create(160, 120, NULL, NULL, &c);
    if (!s)
        return;
    CHECK_STATUS(cs_set_i32(s, kVTCompressionPropertyKey_MaxFrameDelayCount, 0), noErr);
    c.user = (void *)s;
    c.hook = hook_submit_elsewhere;
    CVPixelBufferRef pb = cs_make_buffer(FOURCC_I420, 160, 120, 0);
    CHECK_STATUS(
        VTCompressionSessionEncodeFrame(s, pb, kCMTimeZero, kCMTimeInvalid, NULL, (void *)1, NULL),
        noErr);
    CVPixelBufferRelease(pb);
    CHECK_EQ_INT(g_submit_timeouts, 0);
    CHECK_STATUS(g_submit_status, noErr);
    /* both delivered, in order, before the first EncodeFrame returned */
    CHECK_EQ_INT(c.count, 2);
    if (c.count == 2)
        CHECK(c.items[0].refcon == (void *)1 && c.items[1].refcon == (void *)2);
    c.hook = NULL;
    CFRelease(s);
    cs_collector_free(&c);
}

/* ------------------------------------------------------------------ */

/* Encoder and pool lifetimes: ASan/LSan and valgrind report any leak. */
static void test_cycles(void) {
    CSCollector c;
    cs_collector_init(&c);
    CFNumberRef bgra = cs_num_i32((int32_t)FOURCC_BGRA);
    CFDictionaryRef attrs = dict1(kCVPixelBufferPixelFormatTypeKey, bgra);
    int outputs = 0;
    for (int i = 0; i < 100; i++) {
        VTCompressionSessionRef s = cs_create(64, 48, NULL, (i % 3 == 2) ? attrs : NULL, &c);
        if (!s) {
            CHECK(s != NULL);
            break;
        }
        if (i % 4 == 1)
            cs_set_i32(s, kVTCompressionPropertyKey_AverageBitRate, 300000);
        CHECK_EQ_INT(cs_encode_pattern(s, 0, 64, 48, 0, 3, NULL), 3);
        if (i % 2)
            VTCompressionSessionInvalidate(s);
        CFRelease(s);
        outputs += c.count;
        cs_collector_reset(&c);
    }
    CHECK_EQ_INT(outputs, 300);
    CFRelease(attrs);
    CFRelease(bgra);
    cs_collector_free(&c);
}

int main(void) {
    test_encoder_list();
    test_create_arguments();
    test_pool();
    test_invalidated();
    test_bad_arguments();
    test_property_walk();
    test_callback_accounting();
    test_callback_unlocked();
    test_invalidate_in_callback();
    test_submit_during_callback();
    test_cycles();
    return vt_test_result();
}
