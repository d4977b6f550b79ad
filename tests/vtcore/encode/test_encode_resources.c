/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * What a compression session keeps alive and how often it opens its
 * encoder (issue 8, peak RSS and set-up cost):
 *  - x264 copies the pixels inside x264_encoder_encode, so no source
 *    buffer (converted or native) is retained past EncodeFrame while its
 *    frame is still inside the encoder; every refcon still comes back
 *    exactly once;
 *  - PrepareToEncodeFrames opens x264 once: the first frame (another
 *    timescale, the pixel format, colour attachments) does not open a
 *    second instance when the x264 parameters come out the same, and does
 *    when they differ.
 * Public API plus the vtcore_debug_fail_encoder counter.
 */
#include "../session/cs_test_util.h"

#include <vtcore/vtcore.h>

#define W 320
#define H 240
#define N 12

static CFDictionaryRef dict1(CFStringRef key, CFTypeRef value) {
    const void *k[1] = {key}, *v[1] = {value};
    return CFDictionaryCreate(NULL, k, v, 1, &kCFTypeDictionaryKeyCallBacks,
                              &kCFTypeDictionaryValueCallBacks);
}

/* Every refcon 1..n back exactly once, without errors. */
static void check_refcons(const CSCollector *c, int n) {
    CHECK_EQ_INT(c->count, n);
    int seen[N + 1] = {0};
    for (int i = 0; i < c->count; i++) {
        intptr_t r = (intptr_t)c->items[i].refcon;
        CHECK_EQ_INT(c->items[i].status, noErr);
        CHECK(c->items[i].sample != NULL);
        CHECK(r >= 1 && r <= n);
        if (r >= 1 && r <= n)
            seen[r]++;
    }
    for (int i = 1; i <= n; i++)
        CHECK_EQ_INT(seen[i], 1);
}

/* format: BGRA (converted) or I420 (native). With B-frames (the default)
 * x264 holds frames, so the first frames are still pending when checked. */
static void run_retention(OSType format, int converted) {
    CSCollector c;
    cs_collector_init(&c);
    VTCompressionSessionRef s = cs_create(W, H, NULL, NULL, &c);
    if (!s) {
        CHECK(0);
        return;
    }
    CVPixelBufferRef bufs[N];
    int pending_seen = 0;
    for (int i = 0; i < N; i++) {
        bufs[i] = cs_make_buffer(format, W, H, i);
        CHECK(bufs[i] != NULL);
        if (!bufs[i])
            break;
        CHECK_EQ_INT(CFGetRetainCount(bufs[i]), 1);
        int before = c.count;
        CHECK_STATUS(VTCompressionSessionEncodeFrame(s, bufs[i], CMTimeMake(i, 30),
                                                     CMTimeMake(1, 30), NULL,
                                                     (void *)(intptr_t)(i + 1), NULL),
                     noErr);
        /* still inside the encoder: no output for it yet */
        Boolean pending = TRUE;
        for (int k = before; k < c.count; k++)
            if ((intptr_t)c.items[k].refcon == i + 1)
                pending = FALSE;
        if (pending) {
            pending_seen++;
            CHECK_MSG(CFGetRetainCount(bufs[i]) == 1, "%s source %d still retained while pending",
                      converted ? "converted" : "native", i);
        }
    }
    CHECK(pending_seen > 0);
    CHECK_STATUS(VTCompressionSessionCompleteFrames(s, kCMTimeInvalid), noErr);
    check_refcons(&c, N);
    /* after the callbacks nobody but us holds a source buffer */
    for (int i = 0; i < N; i++)
        if (bufs[i]) {
            CHECK_EQ_INT(CFGetRetainCount(bufs[i]), 1);
            CVPixelBufferRelease(bufs[i]);
        }
    VTCompressionSessionInvalidate(s);
    CFRelease(s);
    cs_collector_free(&c);
}

static void test_converted_source_released(void) {
    run_retention(FOURCC_BGRA, 1);
    run_retention(FOURCC_UYVY, 1);
    run_retention(FOURCC_I420, 0);
    run_retention(FOURCC_NV12, 0);
}

/* Encoder opens from PrepareToEncodeFrames to the end, frames given at
 * `timescale` in `format`. */
static long opens_for(Boolean expected_rate, OSType format, int32_t timescale, Boolean realtime,
                      Boolean reorder) {
    CSCollector c;
    cs_collector_init(&c);
    VTCompressionSessionRef s = cs_create(W, H, NULL, NULL, &c);
    if (!s)
        return -1;
    CHECK_STATUS(cs_set_i32(s, kVTCompressionPropertyKey_AverageBitRate, 500000), noErr);
    if (expected_rate)
        CHECK_STATUS(cs_set_f64(s, kVTCompressionPropertyKey_ExpectedFrameRate, 30.0), noErr);
    CHECK_STATUS(VTSessionSetProperty(s, kVTCompressionPropertyKey_RealTime,
                                      realtime ? kCFBooleanTrue : kCFBooleanFalse),
                 noErr);
    CHECK_STATUS(VTSessionSetProperty(s, kVTCompressionPropertyKey_AllowFrameReordering,
                                      reorder ? kCFBooleanTrue : kCFBooleanFalse),
                 noErr);
    vtcore_debug_fail_encoder(VTCORE_FAULT_ENCODER_OPEN, 0); /* reset the count */
    CHECK_STATUS(VTCompressionSessionPrepareToEncodeFrames(s), noErr);
    for (int i = 0; i < N; i++) {
        CVPixelBufferRef pb = cs_make_buffer(format, W, H, i);
        CHECK(pb != NULL);
        if (!pb)
            break;
        int64_t tick = timescale / 30;
        CHECK_STATUS(VTCompressionSessionEncodeFrame(s, pb, CMTimeMake(i * tick, timescale),
                                                     CMTimeMake(tick, timescale), NULL,
                                                     (void *)(intptr_t)(i + 1), NULL),
                     noErr);
        CVPixelBufferRelease(pb);
    }
    CHECK_STATUS(VTCompressionSessionCompleteFrames(s, kCMTimeInvalid), noErr);
    long opens = vtcore_debug_fail_encoder(VTCORE_FAULT_ENCODER_OPEN, 0);
    check_refcons(&c, N);
    VTCompressionSessionInvalidate(s);
    CFRelease(s);
    cs_collector_free(&c);
    return opens;
}

static void test_single_open(void) {
    /* GStreamer's case: nanosecond timestamps, frame rate known */
    CHECK_EQ_INT(opens_for(TRUE, FOURCC_I420, 1000000000, FALSE, TRUE), 1);
    CHECK_EQ_INT(opens_for(TRUE, FOURCC_NV12, 1000000000, TRUE, TRUE), 1);
    CHECK_EQ_INT(opens_for(TRUE, FOURCC_BGRA, 90000, FALSE, TRUE), 1);
    /* zero delay (CFR whatever the frame rate hint) */
    CHECK_EQ_INT(opens_for(FALSE, FOURCC_I420, 1000000000, TRUE, FALSE), 1);
    /* a real difference still gets a new instance: full-range frames change
     * the stream's VUI from what was opened for video range */
    CHECK_EQ_INT(opens_for(TRUE, FOURCC_NV12_FR, 1000000000, FALSE, TRUE), 2);
}

int main(void) {
    VTCompressionSessionRef probe = NULL;
    CFDictionaryRef spec =
        dict1(kVTVideoEncoderSpecification_EncoderID, CFSTR("org.vtcore.x264.h264"));
    OSStatus st = VTCompressionSessionCreate(NULL, W, H, CODEC_H264, spec, NULL, NULL, cs_output_cb,
                                             NULL, &probe);
    CFRelease(spec);
    if (st != noErr)
        VT_TEST_SKIP("x264 encoder not available (%d)", (int)st);
    VTCompressionSessionInvalidate(probe);
    CFRelease(probe);

    test_converted_source_released();
    test_single_open();
    return vt_test_result();
}
