/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * What a VTCompressionSession emits (the output contract), checked through
 * the public API: the cookie probe, AVCC samples with their format
 * description (parameter sets, avcC, extensions), decode order with correct
 * PTS/DTS with and without B-frames, sample attachments, keyframe placement
 * (ForceKeyFrame, MaxKeyFrameInterval[Duration], AllowTemporalCompression),
 * zero delay in the realtime recipe, inputs of other formats and sizes,
 * odd sizes (refused) and cropped even sizes, live and non-live property changes, colour tags from
 * buffer attachments, timescales, concurrent use.
 */
#include <math.h>
#include <pthread.h>

#include "cs_test_util.h"

static CFDictionaryRef dict1(CFStringRef key, CFTypeRef value) {
    const void *k[1] = {key}, *v[1] = {value};
    return CFDictionaryCreate(NULL, k, v, 1, &kCFTypeDictionaryKeyCallBacks,
                              &kCFTypeDictionaryValueCallBacks);
}

/* Checks common to every encoded output of c: status, one AVCC sample,
 * no parameter sets in the payload, decode order, DTS <= PTS, format
 * description with SPS/PPS. Returns the number of B slices seen. */
static int check_outputs(const CSCollector *c, int expect_count) {
    int b = 0;
    CMTime last_dts = kCMTimeInvalid;
    CHECK_EQ_INT(c->count, expect_count);
    for (int i = 0; i < c->count; i++) {
        const CSOut *o = &c->items[i];
        CHECK_EQ_INT(o->status, noErr);
        CHECK(o->sample != NULL);
        if (!o->sample)
            continue;
        CHECK_EQ_INT(CMSampleBufferGetNumSamples(o->sample), 1);
        CHECK(CMSampleBufferDataIsReady(o->sample));
        CMTime pts = CMSampleBufferGetPresentationTimeStamp(o->sample);
        CMTime dts = CMSampleBufferGetDecodeTimeStamp(o->sample);
        CHECK(CMTIME_IS_NUMERIC(pts) && CMTIME_IS_NUMERIC(dts));
        CHECK_MSG(CMTimeCompare(dts, pts) <= 0, "frame %d: dts after pts", i);
        if (CMTIME_IS_VALID(last_dts))
            CHECK_MSG(CMTimeCompare(dts, last_dts) > 0, "frame %d: dts not increasing", i);
        last_dts = dts;
        CSSampleInfo info = cs_sample_info(o->sample);
        CHECK(info.well_formed);
        CHECK_MSG((info.nal_mask & ((1u << 7) | (1u << 8) | (1u << 9))) == 0,
                  "parameter sets / AUD in sample %d", i);
        CHECK(info.nal_mask & ((1u << 1) | (1u << 5)));
        if (info.slice_type == 1)
            b++;
        /* sync samples are IDR with DependsOnOthers = false */
        CFDictionaryRef att = cs_sample_attachments(o->sample);
        CHECK(att != NULL);
        if (cs_is_sync(o->sample)) {
            CHECK(info.nal_mask & (1u << 5));
            CHECK(att && CFDictionaryGetValue(att, kCMSampleAttachmentKey_DependsOnOthers) ==
                             kCFBooleanFalse);
            CHECK(att && CFDictionaryGetValue(att, kCMSampleAttachmentKey_IsDependedOnByOthers) ==
                             kCFBooleanTrue);
        } else {
            CHECK(att &&
                  CFDictionaryGetValue(att, kCMSampleAttachmentKey_NotSync) == kCFBooleanTrue);
            CHECK(att && CFDictionaryGetValue(att, kCMSampleAttachmentKey_DependsOnOthers) ==
                             kCFBooleanTrue);
        }
        CMFormatDescriptionRef fd = CMSampleBufferGetFormatDescription(o->sample);
        size_t count = 0;
        int nal_len = 0;
        CHECK(fd && CMFormatDescriptionGetMediaSubType(fd) == CODEC_H264);
        CHECK_STATUS(
            CMVideoFormatDescriptionGetH264ParameterSetAtIndex(fd, 0, NULL, NULL, &count, &nal_len),
            noErr);
        CHECK_EQ_INT(count, 2);
        CHECK_EQ_INT(nal_len, 4);
    }
    return b;
}

static int sync_at(const CSCollector *c, int64_t frame) {
    for (int i = 0; i < c->count; i++) {
        CMSampleBufferRef sb = c->items[i].sample;
        if (sb && CMSampleBufferGetPresentationTimeStamp(sb).value == frame)
            return cs_is_sync(sb);
    }
    return -1;
}

static int sync_count(const CSCollector *c) {
    int n = 0;
    for (int i = 0; i < c->count; i++)
        n += c->items[i].sample && cs_is_sync(c->items[i].sample);
    return n;
}

/* ------------------------------------------------------------------ */

/* FFmpeg's / HandBrake's probe: one uninitialised pool buffer, then
 * CompleteFrames, then the parameter sets. */
static void test_cookie_probe(void) {
    CSCollector c;
    cs_collector_init(&c);
    VTCompressionSessionRef s = cs_create(640, 480, NULL, NULL, &c);
    if (!s)
        return;
    CVPixelBufferPoolRef pool = VTCompressionSessionGetPixelBufferPool(s);
    CVPixelBufferRef pb = NULL;
    CHECK(pool && CVPixelBufferPoolCreatePixelBuffer(NULL, pool, &pb) == kCVReturnSuccess);
    CHECK_STATUS(
        VTCompressionSessionEncodeFrame(s, pb, kCMTimeZero, kCMTimeInvalid, NULL, NULL, NULL),
        noErr);
    CVPixelBufferRelease(pb);
    CHECK_STATUS(VTCompressionSessionCompleteFrames(s, kCMTimeIndefinite), noErr);
    check_outputs(&c, 1);
    if (c.count == 1 && c.items[0].sample) {
        CMSampleBufferRef sb = c.items[0].sample;
        CHECK(cs_is_sync(sb));
        CHECK(CMSampleBufferGetImageBuffer(sb) == NULL);
        CHECK(!CMTIME_IS_VALID(CMSampleBufferGetDuration(sb)));
        CHECK_EQ_INT(CMTimeCompare(CMSampleBufferGetPresentationTimeStamp(sb), kCMTimeZero), 0);
        CMFormatDescriptionRef fd = CMSampleBufferGetFormatDescription(sb);
        const uint8_t *sps = NULL, *pps = NULL;
        size_t sps_size = 0, pps_size = 0;
        CHECK_STATUS(
            CMVideoFormatDescriptionGetH264ParameterSetAtIndex(fd, 0, &sps, &sps_size, NULL, NULL),
            noErr);
        CHECK_STATUS(
            CMVideoFormatDescriptionGetH264ParameterSetAtIndex(fd, 1, &pps, &pps_size, NULL, NULL),
            noErr);
        CHECK(sps && sps_size > 4 && (sps[0] & 0x1f) == 7);
        CHECK(pps && pps_size > 1 && (pps[0] & 0x1f) == 8);
        CMVideoDimensions dim = CMVideoFormatDescriptionGetDimensions(fd);
        CHECK(dim.width == 640 && dim.height == 480);
        CHECK_EQ_INT(CMFormatDescriptionGetMediaType(fd), 0x76696465 /* 'vide' */);
        CFDictionaryRef atoms = CMFormatDescriptionGetExtension(
            fd, kCMFormatDescriptionExtension_SampleDescriptionExtensionAtoms);
        CFDataRef avcc = atoms ? CFDictionaryGetValue(atoms, CFSTR("avcC")) : NULL;
        CHECK(avcc && CFGetTypeID(avcc) == CFDataGetTypeID() && CFDataGetLength(avcc) > 8);
        if (avcc) {
            const uint8_t *r = CFDataGetBytePtr(avcc);
            CHECK(r[0] == 1 && r[1] == sps[1] && r[3] == sps[3]); /* version, profile, level */
            CHECK((r[4] & 3) == 3);                               /* 4-byte NAL lengths */
        }
        CHECK(CMFormatDescriptionGetExtension(fd, kCMFormatDescriptionExtension_FullRangeVideo) ==
              kCFBooleanFalse);
    }
    VTCompressionSessionInvalidate(s);
    CFRelease(s);
    cs_collector_free(&c);
}

/* Default settings: B-frames, decode order, timing. */
static void test_reordering(void) {
    CSCollector c;
    cs_collector_init(&c);
    VTCompressionSessionRef s = cs_create(320, 240, NULL, NULL, &c);
    if (!s)
        return;
    CHECK_EQ_INT(cs_get_bool(s, kVTCompressionPropertyKey_AllowFrameReordering), 1);
    CHECK_EQ_INT(cs_encode_pattern(s, 0, 320, 240, 0, 60, NULL), 60);
    CHECK_STATUS(VTCompressionSessionCompleteFrames(s, kCMTimeInvalid), noErr);
    int b = check_outputs(&c, 60);
    CHECK_MSG(b > 0, "no B-frames with AllowFrameReordering (default)");
    int reordered = 0, droppable = 0;
    CMFormatDescriptionRef fd0 =
        c.count ? CMSampleBufferGetFormatDescription(c.items[0].sample) : NULL;
    int seen[60] = {0};
    for (int i = 0; i < c.count; i++) {
        CMSampleBufferRef sb = c.items[i].sample;
        if (!sb)
            continue;
        CMTime pts = CMSampleBufferGetPresentationTimeStamp(sb);
        CHECK(pts.timescale == 30 && pts.value >= 0 && pts.value < 60);
        if (pts.value >= 0 && pts.value < 60)
            seen[pts.value]++;
        CHECK_EQ_INT((intptr_t)c.items[i].refcon, pts.value + 1);
        CMTime dur = CMSampleBufferGetDuration(sb);
        CHECK(dur.value == 1 && dur.timescale == 30);
        if (i > 0 &&
            CMTimeCompare(pts, CMSampleBufferGetPresentationTimeStamp(c.items[i - 1].sample)) < 0)
            reordered++;
        CFDictionaryRef att = cs_sample_attachments(sb);
        CHECK(att && CFDictionaryGetValue(att, kCMSampleAttachmentKey_EarlierDisplayTimesAllowed) ==
                         kCFBooleanTrue);
        if (att && CFDictionaryGetValue(att, kCMSampleAttachmentKey_IsDependedOnByOthers) ==
                       kCFBooleanFalse) {
            droppable++;
            CHECK(cs_sample_info(sb).slice_type == 1);
        }
        /* the same format description object while nothing changes */
        CHECK(CMSampleBufferGetFormatDescription(sb) == fd0);
    }
    for (int i = 0; i < 60; i++)
        CHECK_EQ_INT(seen[i], 1);
    CHECK(reordered > 0);
    CHECK(droppable > 0);
    CHECK_EQ_INT(sync_count(&c), 1);
    VTCompressionSessionInvalidate(s);
    CFRelease(s);
    cs_collector_free(&c);
}

static void test_no_reordering(void) {
    CSCollector c;
    cs_collector_init(&c);
    VTCompressionSessionRef s = cs_create(320, 240, NULL, NULL, &c);
    if (!s)
        return;
    CHECK_STATUS(
        VTSessionSetProperty(s, kVTCompressionPropertyKey_AllowFrameReordering, kCFBooleanFalse),
        noErr);
    CHECK_STATUS(VTCompressionSessionPrepareToEncodeFrames(s), noErr);
    CHECK_EQ_INT(cs_get_bool(s, kVTCompressionPropertyKey_AllowFrameReordering), 0);
    CHECK_EQ_INT(cs_encode_pattern(s, 0, 320, 240, 0, 40, NULL), 40);
    CHECK_STATUS(VTCompressionSessionCompleteFrames(s, kCMTimeInvalid), noErr);
    CHECK_EQ_INT(check_outputs(&c, 40), 0);
    for (int i = 0; i < c.count; i++) {
        CMSampleBufferRef sb = c.items[i].sample;
        if (!sb)
            continue;
        CMTime pts = CMSampleBufferGetPresentationTimeStamp(sb);
        CHECK_EQ_INT(pts.value, i);
        CHECK_EQ_INT(CMTimeCompare(CMSampleBufferGetDecodeTimeStamp(sb), pts), 0);
        CFDictionaryRef att = cs_sample_attachments(sb);
        CHECK(att &&
              !CFDictionaryContainsKey(att, kCMSampleAttachmentKey_EarlierDisplayTimesAllowed));
    }
    VTCompressionSessionInvalidate(s);
    CFRelease(s);
    cs_collector_free(&c);
}

/* ------------------------------------------------------------------ */
/* Keyframes                                                           */

static void test_force_keyframe(void) {
    CSCollector c;
    cs_collector_init(&c);
    VTCompressionSessionRef s = cs_create(320, 240, NULL, NULL, &c);
    if (!s)
        return;
    /* FFmpeg builds the dictionary with NULL callbacks; Chromium passes
     * ForceKeyFrame = false on every other frame. */
    const void *k[1] = {kVTEncodeFrameOptionKey_ForceKeyFrame};
    const void *v_true[1] = {kCFBooleanTrue}, *v_false[1] = {kCFBooleanFalse};
    CFDictionaryRef force = CFDictionaryCreate(NULL, k, v_true, 1, NULL, NULL);
    CFDictionaryRef noforce = CFDictionaryCreate(
        NULL, k, v_false, 1, &kCFTypeDictionaryKeyCallBacks, &kCFTypeDictionaryValueCallBacks);
    int n = 0;
    for (int i = 0; i < 60; i++) {
        CFDictionaryRef props = (i == 17 || i == 41) ? force : (i % 2 ? noforce : NULL);
        n += cs_encode_pattern(s, 0, 320, 240, i, 1, props);
    }
    CHECK_EQ_INT(n, 60);
    CHECK_STATUS(VTCompressionSessionCompleteFrames(s, kCMTimeInvalid), noErr);
    check_outputs(&c, 60);
    CHECK_EQ_INT(sync_at(&c, 0), 1);
    CHECK_EQ_INT(sync_at(&c, 17), 1);
    CHECK_EQ_INT(sync_at(&c, 41), 1);
    CHECK_EQ_INT(sync_count(&c), 3);
    CFRelease(force);
    CFRelease(noforce);
    VTCompressionSessionInvalidate(s);
    CFRelease(s);
    cs_collector_free(&c);
}

static void test_keyframe_interval(void) {
    CSCollector c;
    cs_collector_init(&c);
    VTCompressionSessionRef s = cs_create(320, 240, NULL, NULL, &c);
    if (!s)
        return;
    CHECK_STATUS(cs_set_i32(s, kVTCompressionPropertyKey_MaxKeyFrameInterval, 10), noErr);
    CHECK_EQ_INT(cs_encode_pattern(s, 0, 320, 240, 0, 45, NULL), 45);
    CHECK_STATUS(VTCompressionSessionCompleteFrames(s, kCMTimeInvalid), noErr);
    check_outputs(&c, 45);
    for (int i = 0; i < 45; i++)
        CHECK_MSG(sync_at(&c, i) == (i % 10 == 0), "frame %d sync %d", i, sync_at(&c, i));
    VTCompressionSessionInvalidate(s);
    CFRelease(s);
    cs_collector_reset(&c);

    /* by duration: 0.5 s at 30 fps = 15 frames */
    s = cs_create(320, 240, NULL, NULL, &c);
    CHECK_STATUS(cs_set_f64(s, kVTCompressionPropertyKey_MaxKeyFrameIntervalDuration, 0.5), noErr);
    CHECK_EQ_INT(cs_encode_pattern(s, 0, 320, 240, 0, 46, NULL), 46);
    CHECK_STATUS(VTCompressionSessionCompleteFrames(s, kCMTimeInvalid), noErr);
    check_outputs(&c, 46);
    for (int i = 0; i < 46; i++)
        CHECK_MSG(sync_at(&c, i) == (i % 15 == 0), "frame %d sync %d", i, sync_at(&c, i));
    CFRelease(s);
    cs_collector_reset(&c);

    /* all intra */
    s = cs_create(320, 240, NULL, NULL, &c);
    CHECK_STATUS(VTSessionSetProperty(s, kVTCompressionPropertyKey_AllowTemporalCompression,
                                      kCFBooleanFalse),
                 noErr);
    CHECK_EQ_INT(cs_encode_pattern(s, 0, 320, 240, 0, 12, NULL), 12);
    CHECK_STATUS(VTCompressionSessionCompleteFrames(s, kCMTimeInvalid), noErr);
    check_outputs(&c, 12);
    CHECK_EQ_INT(sync_count(&c), 12);
    CFRelease(s);
    cs_collector_free(&c);
}

/* ------------------------------------------------------------------ */
/* Latency                                                             */

static void check_zero_delay(VTCompressionSessionRef s, CSCollector *c, int first, int frames) {
    CSImage img;
    cs_image_alloc(&img, 320, 240);
    CVPixelBufferPoolRef pool = VTCompressionSessionGetPixelBufferPool(s);
    for (int i = first; i < first + frames; i++) {
        CVPixelBufferRef pb = NULL;
        CVPixelBufferPoolCreatePixelBuffer(NULL, pool, &pb);
        cs_pattern(&img, i);
        cs_fill_buffer(pb, &img);
        VTEncodeInfoFlags flags = 99;
        CHECK_STATUS(VTCompressionSessionEncodeFrame(s, pb, CMTimeMake(i, 30), CMTimeMake(1, 30),
                                                     NULL, (void *)(intptr_t)(i + 1), &flags),
                     noErr);
        CHECK_EQ_INT(flags, 0);
        CVPixelBufferRelease(pb);
        CHECK_MSG(c->count == i - first + 1, "frame %d: %d outputs after EncodeFrame returned", i,
                  c->count);
        CHECK_EQ_INT(cs_get_i64(s, kVTCompressionPropertyKey_NumberOfPendingFrames, -1), 0);
    }
    cs_image_free(&img);
}

static void test_realtime_recipe(void) {
    CSCollector c;
    cs_collector_init(&c);
    CFDictionaryRef spec =
        dict1(kVTVideoEncoderSpecification_EnableLowLatencyRateControl, kCFBooleanTrue);
    VTCompressionSessionRef s = cs_create(320, 240, spec, NULL, &c);
    CFRelease(spec);
    if (!s)
        return;
    CHECK_STATUS(VTSessionSetProperty(s, kVTCompressionPropertyKey_RealTime, kCFBooleanTrue),
                 noErr);
    CHECK_STATUS(
        VTSessionSetProperty(s, kVTCompressionPropertyKey_AllowFrameReordering, kCFBooleanFalse),
        noErr);
    CHECK_STATUS(cs_set_i32(s, kVTCompressionPropertyKey_AverageBitRate, 600000), noErr);
    CHECK_STATUS(cs_set_f64(s, kVTCompressionPropertyKey_ExpectedFrameRate, 30), noErr);
    CHECK_STATUS(VTSessionSetProperty(s, kVTCompressionPropertyKey_ProfileLevel,
                                      kVTProfileLevel_H264_ConstrainedBaseline_AutoLevel),
                 noErr);
    CHECK_STATUS(VTCompressionSessionPrepareToEncodeFrames(s), noErr);
    check_zero_delay(s, &c, 0, 30);
    CHECK_EQ_INT(check_outputs(&c, 30), 0);
    /* a bit-rate change mid-stream keeps the zero delay */
    CHECK_STATUS(cs_set_i32(s, kVTCompressionPropertyKey_AverageBitRate, 300000), noErr);
    cs_collector_reset(&c);
    check_zero_delay(s, &c, 30, 1);
    VTCompressionSessionInvalidate(s);
    CFRelease(s);
    cs_collector_reset(&c);

    /* MaxFrameDelayCount = 0 alone */
    s = cs_create(320, 240, NULL, NULL, &c);
    CHECK_STATUS(cs_set_i32(s, kVTCompressionPropertyKey_MaxFrameDelayCount, 0), noErr);
    check_zero_delay(s, &c, 0, 10);
    CFRelease(s);
    cs_collector_free(&c);
}

/* MaxFrameDelayCount M: when EncodeFrame(N) returns, frame N - M is out. */
static void test_max_frame_delay(void) {
    static const int32_t delays[] = {1, 3};
    for (size_t d = 0; d < sizeof(delays) / sizeof(delays[0]); d++) {
        CSCollector c;
        cs_collector_init(&c);
        VTCompressionSessionRef s = cs_create(320, 240, NULL, NULL, &c);
        if (!s)
            return;
        CHECK_STATUS(cs_set_i32(s, kVTCompressionPropertyKey_MaxFrameDelayCount, delays[d]), noErr);
        CHECK_EQ_INT(cs_get_i64(s, kVTCompressionPropertyKey_MaxFrameDelayCount, 0), delays[d]);
        int worst = 0;
        for (int i = 0; i < 40; i++) {
            CHECK_EQ_INT(cs_encode_pattern(s, 0, 320, 240, i, 1, NULL), 1);
            if (i + 1 - c.count > worst)
                worst = i + 1 - c.count;
        }
        CHECK_MSG(worst <= delays[d], "MaxFrameDelayCount %d: %d frames held", delays[d], worst);
        CHECK_STATUS(VTCompressionSessionCompleteFrames(s, kCMTimeInvalid), noErr);
        check_outputs(&c, 40);
        CFRelease(s);
        cs_collector_free(&c);
    }
}

/* ------------------------------------------------------------------ */
/* Inputs                                                              */

static void test_input_formats(void) {
    static const OSType formats[] = {FOURCC_I420, FOURCC_NV12, FOURCC_I420_FR, FOURCC_NV12_FR,
                                     FOURCC_BGRA, FOURCC_UYVY, FOURCC_YUY2};
    for (size_t f = 0; f < sizeof(formats) / sizeof(formats[0]); f++) {
        CSCollector c;
        cs_collector_init(&c);
        VTCompressionSessionRef s = cs_create(320, 240, NULL, NULL, &c);
        if (!s)
            return;
        CHECK_EQ_INT(cs_encode_pattern(s, formats[f], 320, 240, 0, 8, NULL), 8);
        /* a second size in the same session: scaled */
        CHECK_EQ_INT(cs_encode_pattern(s, formats[f], 160, 120, 8, 4, NULL), 4);
        CHECK_EQ_INT(cs_encode_pattern(s, formats[f], 640, 360, 12, 4, NULL), 4);
        CHECK_STATUS(VTCompressionSessionCompleteFrames(s, kCMTimeInvalid), noErr);
        check_outputs(&c, 16);
        for (int i = 0; i < c.count; i++) {
            CMFormatDescriptionRef fd = CMSampleBufferGetFormatDescription(c.items[i].sample);
            CMVideoDimensions d = CMVideoFormatDescriptionGetDimensions(fd);
            CHECK(d.width == 320 && d.height == 240);
        }
        VTCompressionSessionInvalidate(s);
        CFRelease(s);
        cs_collector_free(&c);
    }
}

static void test_odd_size(void) {
    CSCollector c;
    cs_collector_init(&c);

    /* odd sessions are refused: H.264 4:2:0 crops in 2-pixel steps only */
    VTCompressionSessionRef s = (VTCompressionSessionRef)CFSTR("x");
    CHECK_STATUS(VTCompressionSessionCreate(NULL, 321, 241, CODEC_H264, NULL, NULL, NULL,
                                            cs_output_cb, &c, &s),
                 kVTParameterErr);
    CHECK(s == NULL);

    /* even, not a multiple of 16: coded in macroblocks, cropped to the size */
    s = cs_create(322, 242, NULL, NULL, &c);
    if (!s) {
        cs_collector_free(&c);
        return;
    }
    CVPixelBufferPoolRef pool = VTCompressionSessionGetPixelBufferPool(s);
    CVPixelBufferRef pb = NULL;
    CHECK_STATUS(CVPixelBufferPoolCreatePixelBuffer(NULL, pool, &pb), kCVReturnSuccess);
    CHECK(pb && CVPixelBufferGetWidth(pb) == 322 && CVPixelBufferGetHeight(pb) == 242);
    if (pb)
        CVPixelBufferRelease(pb);
    CHECK_EQ_INT(cs_encode_pattern(s, 0, 322, 242, 0, 6, NULL), 6);
    CHECK_EQ_INT(cs_encode_pattern(s, FOURCC_BGRA, 322, 242, 6, 3, NULL), 3);
    /* an odd source buffer is scaled to the (even) session size */
    CHECK_EQ_INT(cs_encode_pattern(s, FOURCC_I420, 321, 241, 9, 3, NULL), 3);
    CHECK_STATUS(VTCompressionSessionCompleteFrames(s, kCMTimeInvalid), noErr);
    check_outputs(&c, 12);
    for (int i = 0; i < c.count; i++) {
        if (!c.items[i].sample)
            continue;
        CMFormatDescriptionRef fd = CMSampleBufferGetFormatDescription(c.items[i].sample);
        CMVideoDimensions d = CMVideoFormatDescriptionGetDimensions(fd);
        CHECK_MSG(d.width == 322 && d.height == 242, "sample %d: %dx%d", i, (int)d.width,
                  (int)d.height);
        /* the picture is exact: no clean aperture is needed */
        CHECK(CMFormatDescriptionGetExtension(fd, kCMFormatDescriptionExtension_CleanAperture) ==
              NULL);
    }
    VTCompressionSessionInvalidate(s);
    CFRelease(s);
    cs_collector_free(&c);
}

/* ------------------------------------------------------------------ */
/* Property changes mid-stream                                         */

static double avg_size(const CSCollector *c, int from, int to) {
    double sum = 0;
    int n = 0;
    for (int i = 0; i < c->count; i++) {
        CMSampleBufferRef sb = c->items[i].sample;
        if (!sb)
            continue;
        int64_t p = CMSampleBufferGetPresentationTimeStamp(sb).value;
        if (p >= from && p < to && !cs_is_sync(sb)) {
            sum += (double)CMSampleBufferGetTotalSampleSize(sb);
            n++;
        }
    }
    return n ? sum / n : 0;
}

static void test_live_bitrate(void) {
    CSCollector c;
    cs_collector_init(&c);
    VTCompressionSessionRef s = cs_create(320, 240, NULL, NULL, &c);
    if (!s)
        return;
    CHECK_STATUS(cs_set_i32(s, kVTCompressionPropertyKey_AverageBitRate, 150000), noErr);
    CHECK_STATUS(cs_set_f64(s, kVTCompressionPropertyKey_ExpectedFrameRate, 30), noErr);
    CHECK_EQ_INT(cs_encode_pattern(s, 0, 320, 240, 0, 100, NULL), 100);
    CHECK(cs_get_i64(s, kVTCompressionPropertyKey_NumberOfPendingFrames, 0) > 0);
    CHECK_STATUS(cs_set_i32(s, kVTCompressionPropertyKey_AverageBitRate, 1500000), noErr);
    CHECK_EQ_INT(cs_encode_pattern(s, 0, 320, 240, 100, 100, NULL), 100);
    CHECK_STATUS(VTCompressionSessionCompleteFrames(s, kCMTimeInvalid), noErr);
    check_outputs(&c, 200);
    /* live: no drain, so no new IDR and the same parameter sets (frames
     * still in the encoder's look-ahead at the change get the new rate) */
    CHECK_EQ_INT(sync_count(&c), 1);
    double lo = avg_size(&c, 10, 50), hi = avg_size(&c, 160, 200);
    CHECK_MSG(hi > 3 * lo, "bit rate change not applied: %.0f -> %.0f bytes/frame", lo, hi);
    CFRelease(s);
    cs_collector_free(&c);
}

static void test_non_live_change(void) {
    CSCollector c;
    cs_collector_init(&c);
    VTCompressionSessionRef s = cs_create(320, 240, NULL, NULL, &c);
    if (!s)
        return;
    CHECK_EQ_INT(cs_encode_pattern(s, 0, 320, 240, 0, 20, NULL), 20);
    CHECK_STATUS(VTSessionSetProperty(s, kVTCompressionPropertyKey_H264EntropyMode,
                                      kVTH264EntropyMode_CAVLC),
                 noErr);
    CHECK_EQ_INT(cs_encode_pattern(s, 0, 320, 240, 20, 20, NULL), 20);
    CHECK_STATUS(VTCompressionSessionCompleteFrames(s, kCMTimeInvalid), noErr);
    check_outputs(&c, 40);
    CHECK_EQ_INT(sync_at(&c, 20), 1);
    CMFormatDescriptionRef a = NULL, b = NULL;
    for (int i = 0; i < c.count; i++) {
        int64_t p = CMSampleBufferGetPresentationTimeStamp(c.items[i].sample).value;
        if (p == 0)
            a = CMSampleBufferGetFormatDescription(c.items[i].sample);
        if (p == 20)
            b = CMSampleBufferGetFormatDescription(c.items[i].sample);
    }
    CHECK(a && b && a != b && !CMFormatDescriptionEqual(a, b));
    CFRelease(s);
    cs_collector_free(&c);
}

/* ------------------------------------------------------------------ */
/* Format description extensions                                       */

static void test_colour_and_geometry(void) {
    CSCollector c;
    cs_collector_init(&c);

    /* from the first buffer's attachments */
    VTCompressionSessionRef s = cs_create(160, 120, NULL, NULL, &c);
    if (!s)
        return;
    CVPixelBufferRef pb = cs_make_buffer(FOURCC_I420, 160, 120, 0);
    CVBufferSetAttachment(pb, kCVImageBufferColorPrimariesKey,
                          kCVImageBufferColorPrimaries_ITU_R_2020,
                          kCVAttachmentMode_ShouldPropagate);
    CVBufferSetAttachment(pb, kCVImageBufferTransferFunctionKey,
                          kCVImageBufferTransferFunction_ITU_R_2100_HLG,
                          kCVAttachmentMode_ShouldPropagate);
    CVBufferSetAttachment(pb, kCVImageBufferYCbCrMatrixKey, kCVImageBufferYCbCrMatrix_ITU_R_2020,
                          kCVAttachmentMode_ShouldPropagate);
    CHECK_STATUS(
        VTCompressionSessionEncodeFrame(s, pb, kCMTimeZero, kCMTimeInvalid, NULL, NULL, NULL),
        noErr);
    CVPixelBufferRelease(pb);
    CHECK_STATUS(VTCompressionSessionCompleteFrames(s, kCMTimeInvalid), noErr);
    check_outputs(&c, 1);
    if (c.count) {
        CMFormatDescriptionRef fd = CMSampleBufferGetFormatDescription(c.items[0].sample);
        CFTypeRef p =
            CMFormatDescriptionGetExtension(fd, kCMFormatDescriptionExtension_ColorPrimaries);
        CFTypeRef t =
            CMFormatDescriptionGetExtension(fd, kCMFormatDescriptionExtension_TransferFunction);
        CFTypeRef m =
            CMFormatDescriptionGetExtension(fd, kCMFormatDescriptionExtension_YCbCrMatrix);
        CHECK(p && CFEqual(p, CFSTR("ITU_R_2020")));
        CHECK(t && CFEqual(t, CFSTR("ITU_R_2100_HLG")));
        CHECK(m && CFEqual(m, CFSTR("ITU_R_2020")));
    }
    CFRelease(s);
    cs_collector_reset(&c);

    /* properties win over attachments; PAR and clean aperture; full range */
    int32_t fmt = (int32_t)FOURCC_NV12_FR;
    CFNumberRef nf = cs_num_i32(fmt);
    CFDictionaryRef attrs = dict1(kCVPixelBufferPixelFormatTypeKey, nf);
    s = cs_create(160, 120, NULL, attrs, &c);
    CFRelease(attrs);
    CFRelease(nf);
    if (!s)
        return;
    CHECK_STATUS(VTSessionSetProperty(s, kVTCompressionPropertyKey_ColorPrimaries,
                                      kCVImageBufferColorPrimaries_ITU_R_709_2),
                 noErr);
    CHECK_STATUS(VTSessionSetProperty(s, kVTCompressionPropertyKey_TransferFunction,
                                      kCVImageBufferTransferFunction_ITU_R_709_2),
                 noErr);
    CHECK_STATUS(VTSessionSetProperty(s, kVTCompressionPropertyKey_YCbCrMatrix,
                                      kCVImageBufferYCbCrMatrix_ITU_R_709_2),
                 noErr);
    CFNumberRef h = cs_num_i32(16), v = cs_num_i32(11);
    const void *k[2] = {kCMFormatDescriptionKey_PixelAspectRatioHorizontalSpacing,
                        kCMFormatDescriptionKey_PixelAspectRatioVerticalSpacing};
    const void *vals[2] = {h, v};
    CFDictionaryRef par = CFDictionaryCreate(NULL, k, vals, 2, &kCFTypeDictionaryKeyCallBacks,
                                             &kCFTypeDictionaryValueCallBacks);
    CHECK_STATUS(VTSessionSetProperty(s, kVTCompressionPropertyKey_PixelAspectRatio, par), noErr);
    CFNumberRef cw = cs_num_i32(150), ch = cs_num_i32(110), zero = cs_num_i32(0);
    const void *ck[4] = {kCMFormatDescriptionKey_CleanApertureWidth,
                         kCMFormatDescriptionKey_CleanApertureHeight,
                         kCMFormatDescriptionKey_CleanApertureHorizontalOffset,
                         kCMFormatDescriptionKey_CleanApertureVerticalOffset};
    const void *cv[4] = {cw, ch, zero, zero};
    CFDictionaryRef ca = CFDictionaryCreate(NULL, ck, cv, 4, &kCFTypeDictionaryKeyCallBacks,
                                            &kCFTypeDictionaryValueCallBacks);
    CHECK_STATUS(VTSessionSetProperty(s, kVTCompressionPropertyKey_CleanAperture, ca), noErr);
    CHECK_EQ_INT(cs_encode_pattern(s, 0, 160, 120, 0, 3, NULL), 3);
    CHECK_STATUS(VTCompressionSessionCompleteFrames(s, kCMTimeInvalid), noErr);
    check_outputs(&c, 3);
    if (c.count) {
        CMFormatDescriptionRef fd = CMSampleBufferGetFormatDescription(c.items[0].sample);
        CFTypeRef p =
            CMFormatDescriptionGetExtension(fd, kCMFormatDescriptionExtension_ColorPrimaries);
        CHECK(p && CFEqual(p, CFSTR("ITU_R_709_2")));
        CFDictionaryRef gp =
            CMFormatDescriptionGetExtension(fd, kCMFormatDescriptionExtension_PixelAspectRatio);
        CHECK(gp && CFEqual(CFDictionaryGetValue(
                                gp, kCMFormatDescriptionKey_PixelAspectRatioHorizontalSpacing),
                            h));
        CFDictionaryRef gca =
            CMFormatDescriptionGetExtension(fd, kCMFormatDescriptionExtension_CleanAperture);
        CHECK(gca && CFEqual(gca, ca));
        CHECK(CMFormatDescriptionGetExtension(fd, kCMFormatDescriptionExtension_FullRangeVideo) ==
              kCFBooleanTrue);
    }
    CFRelease(par);
    CFRelease(ca);
    CFRelease(h);
    CFRelease(v);
    CFRelease(cw);
    CFRelease(ch);
    CFRelease(zero);
    CFRelease(s);
    cs_collector_free(&c);
}

/* ------------------------------------------------------------------ */
/* Timestamps in any timescale come back exactly                       */

static void test_timescales(void) {
    static const int32_t scales[] = {1000, 90000, 1000000, 600};
    for (size_t t = 0; t < sizeof(scales) / sizeof(scales[0]); t++) {
        CSCollector c;
        cs_collector_init(&c);
        VTCompressionSessionRef s = cs_create(160, 120, NULL, NULL, &c);
        if (!s)
            return;
        int32_t ts = scales[t];
        for (int i = 0; i < 20; i++) {
            CVPixelBufferRef pb = cs_make_buffer(FOURCC_NV12, 160, 120, i);
            /* irregular spacing, like a camera */
            int64_t v = (int64_t)i * ts / 30 + (i % 3) * (ts / 1000 + 1) + 7;
            CMTime dur = i % 2 ? kCMTimeInvalid : CMTimeMake(ts / 30, ts);
            CHECK_STATUS(VTCompressionSessionEncodeFrame(s, pb, CMTimeMake(v, ts), dur, NULL,
                                                         (void *)(intptr_t)v, NULL),
                         noErr);
            CVPixelBufferRelease(pb);
        }
        CHECK_STATUS(VTCompressionSessionCompleteFrames(s, kCMTimeInvalid), noErr);
        check_outputs(&c, 20);
        for (int i = 0; i < c.count; i++) {
            CMTime pts = CMSampleBufferGetPresentationTimeStamp(c.items[i].sample);
            CHECK(pts.timescale == ts && pts.value == (intptr_t)c.items[i].refcon);
            CMTime dts = CMSampleBufferGetDecodeTimeStamp(c.items[i].sample);
            CHECK(dts.timescale == ts);
        }
        CFRelease(s);
        cs_collector_free(&c);
    }
}

/* ------------------------------------------------------------------ */
/* One thread encodes while another changes properties and reads state. */

typedef struct Poker {
    VTCompressionSessionRef s;
    int stop; /* __atomic */
    int errors;
} Poker;

static void *poke(void *arg) {
    Poker *p = arg;
    int i = 0;
    while (!__atomic_load_n(&p->stop, __ATOMIC_SEQ_CST)) {
        if (cs_set_i32(p->s, kVTCompressionPropertyKey_AverageBitRate,
                       200000 + (i++ % 5) * 100000) != noErr)
            p->errors++;
        if (cs_get_i64(p->s, kVTCompressionPropertyKey_NumberOfPendingFrames, -1) < 0)
            p->errors++;
    }
    return NULL;
}

static void test_concurrent_properties(void) {
    CSCollector c;
    cs_collector_init(&c);
    VTCompressionSessionRef s = cs_create(160, 120, NULL, NULL, &c);
    if (!s)
        return;
    Poker p = {s, 0, 0};
    pthread_t t;
    pthread_create(&t, NULL, poke, &p);
    CHECK_EQ_INT(cs_encode_pattern(s, 0, 160, 120, 0, 60, NULL), 60);
    CHECK_STATUS(VTCompressionSessionCompleteFrames(s, kCMTimeInvalid), noErr);
    __atomic_store_n(&p.stop, 1, __ATOMIC_SEQ_CST);
    pthread_join(t, NULL);
    CHECK_EQ_INT(p.errors, 0);
    check_outputs(&c, 60);
    CFRelease(s);
    cs_collector_free(&c);
}

int main(void) {
    test_cookie_probe();
    test_reordering();
    test_no_reordering();
    test_force_keyframe();
    test_keyframe_interval();
    test_realtime_recipe();
    test_max_frame_delay();
    test_input_formats();
    test_odd_size();
    test_live_bitrate();
    test_non_live_change();
    test_colour_and_geometry();
    test_timescales();
    test_concurrent_properties();
    return vt_test_result();
}
