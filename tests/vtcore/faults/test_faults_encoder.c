/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Encoder backend faults through the public API (docs/hardening.md). The
 * test hook vtcore_debug_fail_encoder() makes a backend's instance creation,
 * frame encoding or drain fail as a real failure would; the VA-API variant
 * also uses the test VA driver's own fault switches (docs/vaapi.md). For
 * every fault:
 *
 *   - the documented status comes back: kVTCouldNotCreateInstanceErr from
 *     PrepareToEncodeFrames / EncodeFrame when the instance cannot be
 *     created, kVTVideoEncoderMalfunctionErr from EncodeFrame (the failing
 *     frame) or on the callbacks of the frames pending inside the encoder;
 *   - every accepted frame gets exactly one callback (an error callback has
 *     no sample buffer), a refused frame none, nothing comes twice;
 *   - afterwards the session is usable (an instance that could not be
 *     created is tried again with the next frame) or cleanly refuses
 *     frames (a failed encoder: kVTVideoEncoderMalfunctionErr, the client
 *     recreates the session); Invalidate and release work; a new session
 *     encodes normally;
 *   - nothing hangs: an alarm turns a hang into a failure.
 *
 * Arguments: [--encoder ID] (default: the x264 backend) [--env] (the
 * VTCORE_FAULT_ENCODER environment variable instead of the hook: run with
 * VTCORE_FAULT_ENCODER=open,encode:3,bogus) [--driver-faults] (VA-API test
 * driver switches; needs the driver environment of tests/vtcore/vaapi).
 */
#include <signal.h>
#include <stdint.h>
#include <unistd.h>

#include <CoreFoundation/CoreFoundation.h>
#include <CoreMedia/CoreMedia.h>
#include <CoreVideo/CoreVideo.h>
#include <VideoToolbox/VideoToolbox.h>
#include <vtcore/vtcore.h>

#include "vt_test.h"

/* The live-reconfiguration fault kind, until <vtcore/vtcore.h> names it
 * (encoder/backend.c). */
#define W          64
#define H          48
#define MAX_FRAMES 64

static const char *encoder_id = "org.vtcore.x264.h264";

/* ---- output accounting: refcon = frame index + 1 ---- */

typedef struct Tracker {
    int calls[MAX_FRAMES];
    OSStatus status[MAX_FRAMES];
    int accepted[MAX_FRAMES];
    int total, errors, error_with_sample, empty_success, unknown;
} Tracker;

static void on_output(void *refcon, void *frame_refcon, OSStatus status, VTEncodeInfoFlags flags,
                      CMSampleBufferRef sbuf) {
    Tracker *t = refcon;
    intptr_t i = (intptr_t)frame_refcon - 1;
    t->total++;
    if (i < 0 || i >= MAX_FRAMES) {
        t->unknown++;
        return;
    }
    t->calls[i]++;
    t->status[i] = status;
    if (status != noErr) {
        t->errors++;
        if (sbuf)
            t->error_with_sample++;
    } else if (!sbuf && !(flags & kVTEncodeInfo_FrameDropped)) {
        t->empty_success++;
    }
}

/* Every accepted frame exactly once, every refused frame never. */
static void check_once(const Tracker *t, int frames, const char *what) {
    for (int i = 0; i < frames; i++)
        CHECK_MSG(t->calls[i] == (t->accepted[i] ? 1 : 0), "%s: frame %d (%s) got %d callback(s)",
                  what, i, t->accepted[i] ? "accepted" : "refused", t->calls[i]);
    CHECK_MSG(t->unknown == 0, "%s: %d callback(s) with an unknown refcon", what, t->unknown);
    CHECK_MSG(t->error_with_sample == 0, "%s: error callback with a sample buffer", what);
    CHECK_MSG(t->empty_success == 0, "%s: noErr callback without a sample buffer", what);
}

static CVPixelBufferRef frame_buffer;

static void make_frame(void) {
    CHECK_STATUS(CVPixelBufferCreate(NULL, W, H, kCVPixelFormatType_420YpCbCr8BiPlanarVideoRange,
                                     NULL, &frame_buffer),
                 kCVReturnSuccess);
    if (!frame_buffer)
        exit(1);
    CVPixelBufferLockBaseAddress(frame_buffer, 0);
    for (size_t p = 0; p < 2; p++) {
        uint8_t *base = CVPixelBufferGetBaseAddressOfPlane(frame_buffer, p);
        size_t bpr = CVPixelBufferGetBytesPerRowOfPlane(frame_buffer, p);
        size_t rows = CVPixelBufferGetHeightOfPlane(frame_buffer, p);
        for (size_t r = 0; r < rows; r++)
            for (size_t c = 0; c < bpr; c++)
                base[r * bpr + c] = (uint8_t)(r * 3 + c * 5 + p * 60);
    }
    CVPixelBufferUnlockBaseAddress(frame_buffer, 0);
}

typedef enum {
    MODE_LOW_LATENCY, /* RealTime, no reordering: nothing stays inside the encoder */
    MODE_DEFAULT,     /* look-ahead and B-frames: frames stay pending */
} Mode;

static VTCompressionSessionRef session_new(Tracker *t, Mode mode) {
    VTCompressionSessionRef s = NULL;
    CFStringRef id = CFStringCreateWithCString(NULL, encoder_id, kCFStringEncodingUTF8);
    const void *k[1] = {kVTVideoEncoderSpecification_EncoderID};
    const void *v[1] = {id};
    CFDictionaryRef spec = CFDictionaryCreate(NULL, k, v, 1, &kCFTypeDictionaryKeyCallBacks,
                                              &kCFTypeDictionaryValueCallBacks);
    memset(t, 0, sizeof(*t));
    OSStatus st = VTCompressionSessionCreate(NULL, W, H, kCMVideoCodecType_H264, spec, NULL, NULL,
                                             on_output, t, &s);
    CFRelease(spec);
    CFRelease(id);
    CHECK_MSG(st == noErr, "VTCompressionSessionCreate (%s): %s", encoder_id,
              vtcore_status_string(st));
    if (!s)
        exit(1);
    if (mode == MODE_LOW_LATENCY) {
        CHECK_STATUS(VTSessionSetProperty(s, kVTCompressionPropertyKey_RealTime, kCFBooleanTrue),
                     noErr);
        CHECK_STATUS(VTSessionSetProperty(s, kVTCompressionPropertyKey_AllowFrameReordering,
                                          kCFBooleanFalse),
                     noErr);
    }
    return s;
}

static void session_free(VTCompressionSessionRef s) {
    VTCompressionSessionInvalidate(s);
    CFRelease(s);
}

static OSStatus encode(VTCompressionSessionRef s, Tracker *t, int i) {
    OSStatus st =
        VTCompressionSessionEncodeFrame(s, frame_buffer, CMTimeMake(i, 30), CMTimeMake(1, 30), NULL,
                                        (void *)(intptr_t)(i + 1), NULL);
    t->accepted[i] = st == noErr;
    return st;
}

static long pending_frames(VTCompressionSessionRef s) {
    CFNumberRef n = NULL;
    long v = -1;
    if (VTSessionCopyProperty(s, kVTCompressionPropertyKey_NumberOfPendingFrames, NULL, &n) ==
            noErr &&
        n) {
        CFNumberGetValue(n, kCFNumberLongType, &v);
        CFRelease(n);
    }
    return v;
}

/* A session with nothing injected works end to end (and proves the hook is
 * disarmed). */
static void check_fresh_session_works(const char *what) {
    Tracker t;
    VTCompressionSessionRef s = session_new(&t, MODE_DEFAULT);
    for (int i = 0; i < 8; i++)
        CHECK_MSG(encode(s, &t, i) == noErr, "%s: new session, frame %d", what, i);
    CHECK_STATUS(VTCompressionSessionCompleteFrames(s, kCMTimeInvalid), noErr);
    check_once(&t, 8, what);
    CHECK_EQ_INT(t.errors, 0);
    session_free(s);
}

static void disarm(void) {
    vtcore_debug_fail_encoder(VTCORE_FAULT_ENCODER_OPEN, 0);
    vtcore_debug_fail_encoder(VTCORE_FAULT_ENCODER_ENCODE, 0);
    vtcore_debug_fail_encoder(VTCORE_FAULT_ENCODER_FLUSH, 0);
    vtcore_debug_fail_encoder(VTCORE_FAULT_ENCODER_RECONFIGURE, 0);
}

/* ---- the hook itself ---- */

static void test_hook_counts(void) {
    Tracker t;
    CHECK_EQ_INT(vtcore_debug_fail_encoder(0, 1), -1);
    CHECK_EQ_INT(vtcore_debug_fail_encoder(VTCORE_FAULT_ENCODER_RECONFIGURE + 1, 1), -1);
    disarm();
    VTCompressionSessionRef s = session_new(&t, MODE_LOW_LATENCY);
    CHECK_STATUS(VTCompressionSessionPrepareToEncodeFrames(s), noErr);
    for (int i = 0; i < 5; i++)
        CHECK_STATUS(encode(s, &t, i), noErr);
    CHECK_STATUS(VTCompressionSessionCompleteFrames(s, kCMTimeInvalid), noErr);
    /* one instance, five frames reached the encoder */
    CHECK_EQ_INT(vtcore_debug_fail_encoder(VTCORE_FAULT_ENCODER_OPEN, 0), 1);
    CHECK_EQ_INT(vtcore_debug_fail_encoder(VTCORE_FAULT_ENCODER_ENCODE, 0), 5);
    CHECK_EQ_INT(vtcore_debug_fail_encoder(VTCORE_FAULT_ENCODER_ENCODE, 0), 0);
    check_once(&t, 5, "hook counts");
    session_free(s);
}

/* ---- open ---- */

/* PrepareToEncodeFrames reports the instance that could not be created;
 * the next call creates it. */
static void test_open_prepare(void) {
    Tracker t;
    VTCompressionSessionRef s = session_new(&t, MODE_DEFAULT);
    vtcore_debug_fail_encoder(VTCORE_FAULT_ENCODER_OPEN, 1);
    CHECK_STATUS(VTCompressionSessionPrepareToEncodeFrames(s), kVTCouldNotCreateInstanceErr);
    CHECK_EQ_INT(t.total, 0);
    CHECK_STATUS(VTCompressionSessionPrepareToEncodeFrames(s), noErr);
    for (int i = 0; i < 10; i++)
        CHECK_STATUS(encode(s, &t, i), noErr);
    CHECK_STATUS(VTCompressionSessionCompleteFrames(s, kCMTimeInvalid), noErr);
    check_once(&t, 10, "open (prepare)");
    CHECK_EQ_INT(t.errors, 0);
    session_free(s);
}

/* Without Prepare the first EncodeFrame opens: that frame is refused with
 * the status, the next one opens again and everything continues. */
static void test_open_first_frame(void) {
    Tracker t;
    VTCompressionSessionRef s = session_new(&t, MODE_DEFAULT);
    vtcore_debug_fail_encoder(VTCORE_FAULT_ENCODER_OPEN, 1);
    CHECK_STATUS(encode(s, &t, 0), kVTCouldNotCreateInstanceErr);
    for (int i = 1; i < 10; i++)
        CHECK_STATUS(encode(s, &t, i), noErr);
    CHECK_STATUS(VTCompressionSessionCompleteFrames(s, kCMTimeInvalid), noErr);
    check_once(&t, 10, "open (first frame)");
    CHECK_EQ_INT(t.errors, 0);
    CHECK_EQ_INT(t.total, 9);
    session_free(s);
}

/* Every instance creation fails (a device gone for good): each frame is
 * refused with kVTCouldNotCreateInstanceErr, never a callback, never a
 * hang; once the fault is gone the same session encodes. */
static void test_open_always(void) {
    Tracker t;
    VTCompressionSessionRef s = session_new(&t, MODE_LOW_LATENCY);
    vtcore_debug_fail_encoder(VTCORE_FAULT_ENCODER_OPEN, -1);
    for (int i = 0; i < 5; i++)
        CHECK_STATUS(encode(s, &t, i), kVTCouldNotCreateInstanceErr);
    CHECK_STATUS(VTCompressionSessionCompleteFrames(s, kCMTimeInvalid), noErr);
    CHECK_STATUS(VTCompressionSessionPrepareToEncodeFrames(s), kVTCouldNotCreateInstanceErr);
    CHECK_EQ_INT(t.total, 0);
    CHECK(vtcore_debug_fail_encoder(VTCORE_FAULT_ENCODER_OPEN, 0) >= 6);
    for (int i = 5; i < 10; i++)
        CHECK_STATUS(encode(s, &t, i), noErr);
    CHECK_STATUS(VTCompressionSessionCompleteFrames(s, kCMTimeInvalid), noErr);
    check_once(&t, 10, "open (always)");
    session_free(s);
}

/* A property change the running encoder cannot take live (the profile)
 * drains it and creates a new instance: when that fails, the frame that
 * triggered it is refused and the next frame tries again. The frames of the
 * first instance all came out before. */
static void test_open_on_reconfigure(void) {
    Tracker t;
    VTCompressionSessionRef s = session_new(&t, MODE_DEFAULT);
    int i;
    for (i = 0; i < 6; i++)
        CHECK_STATUS(encode(s, &t, i), noErr);
    CHECK_STATUS(VTSessionSetProperty(s, kVTCompressionPropertyKey_ProfileLevel,
                                      kVTProfileLevel_H264_Main_AutoLevel),
                 noErr);
    vtcore_debug_fail_encoder(VTCORE_FAULT_ENCODER_OPEN, 1);
    CHECK_STATUS(encode(s, &t, i), kVTCouldNotCreateInstanceErr);
    CHECK_EQ_INT(vtcore_debug_fail_encoder(VTCORE_FAULT_ENCODER_OPEN, 0), 1);
    for (int k = 0; k < 6; k++)
        CHECK_MSG(t.calls[k] == 1, "reconfigure: frame %d not drained before the reopen", k);
    for (i++; i < 12; i++)
        CHECK_STATUS(encode(s, &t, i), noErr);
    CHECK_STATUS(VTCompressionSessionCompleteFrames(s, kCMTimeInvalid), noErr);
    check_once(&t, 12, "open (reconfigure)");
    CHECK_EQ_INT(t.errors, 0);
    session_free(s);
}

/* After a drain (CompleteFrames) a backend may start a new instance with
 * the next frame (x264 does): a failure there refuses that frame only. */
static void test_open_after_drain(void) {
    Tracker t;
    VTCompressionSessionRef s = session_new(&t, MODE_DEFAULT);
    int i;
    for (i = 0; i < 5; i++)
        CHECK_STATUS(encode(s, &t, i), noErr);
    CHECK_STATUS(VTCompressionSessionCompleteFrames(s, kCMTimeInvalid), noErr);
    CHECK_EQ_INT(t.total, 5);
    vtcore_debug_fail_encoder(VTCORE_FAULT_ENCODER_OPEN, 1);
    OSStatus st = encode(s, &t, i++);
    long opens = vtcore_debug_fail_encoder(VTCORE_FAULT_ENCODER_OPEN, 0);
    if (opens > 0)
        CHECK_STATUS(st, kVTCouldNotCreateInstanceErr);
    else
        CHECK_STATUS(st, noErr); /* this backend keeps its instance */
    for (; i < 12; i++)
        CHECK_STATUS(encode(s, &t, i), noErr);
    CHECK_STATUS(VTCompressionSessionCompleteFrames(s, kCMTimeInvalid), noErr);
    check_once(&t, 12, "open (after drain)");
    CHECK_EQ_INT(t.errors, 0);
    printf("open after a drain: %s\n", opens > 0 ? "new instance, refused once" : "no reopen");
    session_free(s);
}

/* ---- live reconfiguration ---- */

static void set_bitrate(VTCompressionSessionRef s, int32_t bps) {
    CFNumberRef n = CFNumberCreate(NULL, kCFNumberSInt32Type, &bps);
    CHECK_STATUS(VTSessionSetProperty(s, kVTCompressionPropertyKey_AverageBitRate, n), noErr);
    CFRelease(n);
}

static int32_t get_bitrate(VTCompressionSessionRef s) {
    CFNumberRef n = NULL;
    int32_t v = -1;
    CHECK_STATUS(VTSessionCopyProperty(s, kVTCompressionPropertyKey_AverageBitRate, NULL, &n),
                 noErr);
    if (n) {
        CFNumberGetValue(n, kCFNumberSInt32Type, &v);
        CFRelease(n);
    }
    return v;
}

/* A live property change (AverageBitRate) that the running encoder refuses
 * when the session applies it, before the next frame (x264:
 * x264_encoder_reconfig failing). VTSessionSetProperty has already
 * succeeded (the value is stored; the backend sees it with the next frame):
 * that frame is refused with kVTParameterErr and gets no callback; the
 * frames inside the encoder are not touched (no error callback, all come
 * out); the change is tried again with the next frame and then applied.
 * Sticky (every reconfiguration refused): every frame is refused the same
 * way, CompleteFrames still delivers the pending frames, Invalidate works,
 * nothing hangs; a session created afterwards works. */
static void test_reconfigure(Mode mode, Boolean sticky) {
    Tracker t;
    VTCompressionSessionRef s = session_new(&t, mode);
    const char *what = sticky ? "reconfigure (sticky)" : "reconfigure";
    int i;
    set_bitrate(s, 200000);
    for (i = 0; i < 8; i++)
        CHECK_STATUS(encode(s, &t, i), noErr);
    long pending = pending_frames(s);
    int out_before = t.total;
    set_bitrate(s, 100000);
    CHECK_EQ_INT(get_bitrate(s), 100000);
    vtcore_debug_fail_encoder(VTCORE_FAULT_ENCODER_RECONFIGURE, sticky ? -1 : 1);
    OSStatus st = encode(s, &t, i++);
    long checks = vtcore_debug_fail_encoder(VTCORE_FAULT_ENCODER_RECONFIGURE, sticky ? -1 : 0);
    if (checks == 0) {
        /* a backend without a live reconfiguration step (VA-API stores the
         * new rate control for the next frame's parameters: its failure is
         * an ENCODE fault) */
        printf("%s: no live reconfiguration in %s, fault not reached\n", what, encoder_id);
        CHECK_STATUS(st, noErr);
        disarm();
    } else {
        CHECK_EQ_INT(checks, 1);
        CHECK_STATUS(st, kVTParameterErr);
        CHECK_EQ_INT(t.errors, 0);
        CHECK_EQ_INT(t.total, out_before); /* the refused frame: no callback */
        CHECK_EQ_INT(pending_frames(s), pending);
        if (sticky) {
            for (int k = 0; k < 3; k++)
                CHECK_STATUS(encode(s, &t, i++), kVTParameterErr);
            CHECK_EQ_INT(vtcore_debug_fail_encoder(VTCORE_FAULT_ENCODER_RECONFIGURE, 0), 3);
        }
    }
    /* CompleteFrames delivers the pending frames even while the change
     * cannot be applied */
    CHECK_STATUS(VTCompressionSessionCompleteFrames(s, kCMTimeInvalid), noErr);
    CHECK_EQ_INT(t.errors, 0);
    check_once(&t, i, what);
    disarm();
    /* the change is applied with the next frame; encoding goes on */
    int first_after = i;
    for (; i < first_after + 8; i++)
        CHECK_MSG(encode(s, &t, i) == noErr, "%s: frame %d after the refusal", what, i);
    CHECK_STATUS(VTCompressionSessionCompleteFrames(s, kCMTimeInvalid), noErr);
    CHECK_EQ_INT(get_bitrate(s), 100000);
    check_once(&t, i, what);
    CHECK_EQ_INT(t.errors, 0);
    session_free(s);
    CHECK_EQ_INT(t.total, i - (checks ? (sticky ? 4 : 1) : 0));
    check_fresh_session_works(what);
}

/* ---- encode ---- */

/* Nothing pending: the failing frame is refused with
 * kVTVideoEncoderMalfunctionErr, the frames before it came out normally,
 * and the session refuses every further frame the same way. */
static void test_encode_low_latency(void) {
    Tracker t;
    VTCompressionSessionRef s = session_new(&t, MODE_LOW_LATENCY);
    int i;
    for (i = 0; i < 5; i++)
        CHECK_STATUS(encode(s, &t, i), noErr);
    CHECK_EQ_INT(t.total, 5); /* zero delay: all out already */
    vtcore_debug_fail_encoder(VTCORE_FAULT_ENCODER_ENCODE, 1);
    CHECK_STATUS(encode(s, &t, i++), kVTVideoEncoderMalfunctionErr);
    CHECK_EQ_INT(t.total, 5);
    for (; i < 9; i++)
        CHECK_STATUS(encode(s, &t, i), kVTVideoEncoderMalfunctionErr);
    CHECK_STATUS(VTCompressionSessionCompleteFrames(s, kCMTimeInvalid), noErr);
    check_once(&t, 9, "encode (low latency)");
    CHECK_EQ_INT(t.errors, 0);
    VTCompressionSessionInvalidate(s);
    CHECK_STATUS(encode(s, &t, 10), kVTInvalidSessionErr);
    CHECK_STATUS(VTCompressionSessionCompleteFrames(s, kCMTimeInvalid), kVTInvalidSessionErr);
    CHECK_EQ_INT(t.total, 5);
    CFRelease(s);
    check_fresh_session_works("after an encoder malfunction");
}

/* Frames pending inside the encoder when it fails: each gets its one
 * callback with kVTVideoEncoderMalfunctionErr and no sample (before
 * EncodeFrame returns: callbacks are synchronous); the failing frame none. */
static void test_encode_in_flight(void) {
    Tracker t;
    VTCompressionSessionRef s = session_new(&t, MODE_DEFAULT);
    const int before = 20;
    int i;
    for (i = 0; i < before; i++)
        CHECK_STATUS(encode(s, &t, i), noErr);
    long pending = pending_frames(s);
    CHECK_MSG(pending > 0, "no frame pending inside the encoder (%ld)", pending);
    CHECK_EQ_INT(t.total + pending, before);
    int out_before = t.total;
    vtcore_debug_fail_encoder(VTCORE_FAULT_ENCODER_ENCODE, 1);
    CHECK_STATUS(encode(s, &t, i++), kVTVideoEncoderMalfunctionErr);
    CHECK_EQ_INT(t.total, before);
    CHECK_EQ_INT(t.errors, before - out_before);
    for (int k = 0; k < before; k++) {
        if (t.status[k] != noErr)
            CHECK_STATUS(t.status[k], kVTVideoEncoderMalfunctionErr);
    }
    CHECK_EQ_INT(pending_frames(s), 0);
    CHECK_STATUS(encode(s, &t, i++), kVTVideoEncoderMalfunctionErr);
    VTCompressionSessionCompleteFrames(s, kCMTimeInvalid); /* must not hang */
    check_once(&t, i, "encode (frames in flight)");
    printf("encode failure with %ld frame(s) in flight: %d error callback(s)\n", pending, t.errors);
    session_free(s);
    CHECK_EQ_INT(t.total, before);
}

/* Sticky: the 3rd and every later frame fail (the hook's negative nth). */
static void test_encode_sticky(void) {
    Tracker t;
    VTCompressionSessionRef s = session_new(&t, MODE_LOW_LATENCY);
    vtcore_debug_fail_encoder(VTCORE_FAULT_ENCODER_ENCODE, -3);
    CHECK_STATUS(encode(s, &t, 0), noErr);
    CHECK_STATUS(encode(s, &t, 1), noErr);
    CHECK_STATUS(encode(s, &t, 2), kVTVideoEncoderMalfunctionErr);
    CHECK_STATUS(encode(s, &t, 3), kVTVideoEncoderMalfunctionErr);
    session_free(s);
    check_once(&t, 4, "encode (sticky)");
    /* still armed: a new session's first frame fails too */
    s = session_new(&t, MODE_LOW_LATENCY);
    CHECK_STATUS(encode(s, &t, 0), kVTVideoEncoderMalfunctionErr);
    session_free(s);
    CHECK_EQ_INT(t.total, 0);
    disarm();
    check_fresh_session_works("after a sticky encode fault");
}

/* Invalidate and the final release of a failed session with frames that
 * were in flight: no callback twice, no callback after Invalidate. */
static void test_encode_then_release(void) {
    Tracker t;
    VTCompressionSessionRef s = session_new(&t, MODE_DEFAULT);
    int i;
    for (i = 0; i < 12; i++)
        CHECK_STATUS(encode(s, &t, i), noErr);
    vtcore_debug_fail_encoder(VTCORE_FAULT_ENCODER_ENCODE, 1);
    CHECK_STATUS(encode(s, &t, i++), kVTVideoEncoderMalfunctionErr);
    int total = t.total;
    CFRelease(s); /* without Invalidate */
    CHECK_EQ_INT(t.total, total);
    check_once(&t, i, "encode (release)");
}

/* ---- flush ---- */

/* The encoder fails while draining: CompleteFrames returns
 * kVTVideoEncoderMalfunctionErr and every pending frame's callback carries
 * it; the encoder then refuses frames. */
static void test_flush(void) {
    Tracker t;
    VTCompressionSessionRef s = session_new(&t, MODE_DEFAULT);
    int i;
    for (i = 0; i < 15; i++)
        CHECK_STATUS(encode(s, &t, i), noErr);
    long pending = pending_frames(s);
    int out_before = t.total;
    vtcore_debug_fail_encoder(VTCORE_FAULT_ENCODER_FLUSH, 1);
    OSStatus st = VTCompressionSessionCompleteFrames(s, kCMTimeInvalid);
    long flushes = vtcore_debug_fail_encoder(VTCORE_FAULT_ENCODER_FLUSH, 0);
    if (pending > 0) {
        CHECK_EQ_INT(flushes, 1);
        CHECK_STATUS(st, kVTVideoEncoderMalfunctionErr);
        CHECK_EQ_INT(t.errors, 15 - out_before);
        CHECK_STATUS(encode(s, &t, i++), kVTVideoEncoderMalfunctionErr);
    } else {
        printf("flush: nothing pending with %s, drain fault not reached\n", encoder_id);
        CHECK_STATUS(st, noErr);
    }
    CHECK_EQ_INT(pending_frames(s), 0);
    check_once(&t, i, "flush");
    session_free(s);
    check_fresh_session_works("after a drain failure");
}

/* ---- VTCORE_FAULT_ENCODER (run with "open,encode:3,bogus") ---- */

static void test_environment(void) {
    Tracker t;
    const char *env = getenv("VTCORE_FAULT_ENCODER");
    if (!env || strcmp(env, "open,encode:3,bogus") != 0)
        VT_TEST_SKIP("--env needs VTCORE_FAULT_ENCODER=open,encode:3,bogus");
    VTCompressionSessionRef s = session_new(&t, MODE_LOW_LATENCY);
    CHECK_STATUS(VTCompressionSessionPrepareToEncodeFrames(s), kVTCouldNotCreateInstanceErr);
    CHECK_STATUS(VTCompressionSessionPrepareToEncodeFrames(s), noErr);
    CHECK_STATUS(encode(s, &t, 0), noErr);
    CHECK_STATUS(encode(s, &t, 1), noErr);
    CHECK_STATUS(encode(s, &t, 2), kVTVideoEncoderMalfunctionErr);
    CHECK_STATUS(encode(s, &t, 3), kVTVideoEncoderMalfunctionErr);
    /* counted from the start; the failed encoder refuses frame 3 itself */
    CHECK_EQ_INT(vtcore_debug_fail_encoder(VTCORE_FAULT_ENCODER_OPEN, 0), 2);
    CHECK_EQ_INT(vtcore_debug_fail_encoder(VTCORE_FAULT_ENCODER_ENCODE, 0), 3);
    session_free(s);
    check_once(&t, 4, "environment");
    check_fresh_session_works("environment, afterwards");
}

/* ---- the VA-API test driver's own faults (docs/vaapi.md) ---- */

static void test_driver_end_picture(Mode mode, const char *fail) {
    Tracker t;
    char what[64];
    snprintf(what, sizeof(what), "driver vaEndPicture %s (%s)", fail,
             mode == MODE_DEFAULT ? "B-frames" : "low latency");
    setenv("VTCORETEST_DRV_FAIL_END_PICTURE", fail, 1);
    VTCompressionSessionRef s = session_new(&t, mode);
    CHECK_STATUS(VTCompressionSessionPrepareToEncodeFrames(s), noErr);
    int refused_at = -1, i;
    for (i = 0; i < 12; i++) {
        OSStatus st = encode(s, &t, i);
        if (st != noErr) {
            CHECK_STATUS(st, kVTVideoEncoderMalfunctionErr);
            if (refused_at < 0)
                refused_at = i;
        } else {
            CHECK_MSG(refused_at < 0, "%s: frame %d accepted after the failure", what, i);
        }
    }
    unsetenv("VTCORETEST_DRV_FAIL_END_PICTURE");
    VTCompressionSessionCompleteFrames(s, kCMTimeInvalid);
    CHECK_MSG(refused_at >= 0 || t.errors > 0, "%s: the fault did not surface", what);
    for (int k = 0; k < i; k++) {
        if (t.calls[k] && t.status[k] != noErr)
            CHECK_STATUS(t.status[k], kVTVideoEncoderMalfunctionErr);
    }
    check_once(&t, i, what);
    printf("%s: first refused frame %d, %d error callback(s)\n", what, refused_at, t.errors);
    session_free(s);
}

static void test_driver_faults(void) {
    Tracker t;
    test_driver_end_picture(MODE_LOW_LATENCY, "4");
    test_driver_end_picture(MODE_DEFAULT, "5");
    /* the context cannot be created (the driver says
     * VA_STATUS_ERROR_ALLOCATION_FAILED, which the backend reports as
     * kVTAllocationFailedErr): no instance; then it can */
    setenv("VTCORETEST_DRV_FAIL_CREATE_CONTEXT", "1", 1);
    VTCompressionSessionRef s = session_new(&t, MODE_DEFAULT);
    CHECK_STATUS(VTCompressionSessionPrepareToEncodeFrames(s), kVTAllocationFailedErr);
    CHECK_STATUS(encode(s, &t, 0), kVTAllocationFailedErr);
    unsetenv("VTCORETEST_DRV_FAIL_CREATE_CONTEXT");
    for (int i = 1; i < 8; i++)
        CHECK_STATUS(encode(s, &t, i), noErr);
    CHECK_STATUS(VTCompressionSessionCompleteFrames(s, kCMTimeInvalid), noErr);
    check_once(&t, 8, "driver context");
    CHECK_EQ_INT(t.errors, 0);
    session_free(s);
    /* the driver does not initialise */
    setenv("VTCORETEST_DRV_FAIL_INIT", "1", 1);
    s = session_new(&t, MODE_DEFAULT);
    CHECK_STATUS(encode(s, &t, 0), kVTCouldNotCreateInstanceErr);
    unsetenv("VTCORETEST_DRV_FAIL_INIT");
    CHECK_STATUS(encode(s, &t, 1), noErr);
    CHECK_STATUS(VTCompressionSessionCompleteFrames(s, kCMTimeInvalid), noErr);
    check_once(&t, 2, "driver init");
    session_free(s);
}

static void quiet_log(void *user_data, int level, const char *fmt, va_list args) {
    (void)user_data;
    (void)level;
    if (getenv("VTCORE_FAULT_LOG")) {
        vfprintf(stderr, fmt, args);
        fputc('\n', stderr);
    }
}

int main(int argc, char **argv) {
    Boolean env_mode = FALSE, driver_faults = FALSE;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--encoder") && i + 1 < argc)
            encoder_id = argv[++i];
        else if (!strcmp(argv[i], "--env"))
            env_mode = TRUE;
        else if (!strcmp(argv[i], "--driver-faults"))
            driver_faults = TRUE;
    }
    /* a hang fails the test (SIGALRM's default action ends the process) */
    alarm(240);
    /* the injected failures log errors on purpose */
    vtcore_set_log_callback(quiet_log, NULL, VTCORE_LOG_TRACE);
    make_frame();

    {
        /* the encoder must exist here (VA-API: the test driver's environment) */
        Tracker t;
        CFStringRef id = CFStringCreateWithCString(NULL, encoder_id, kCFStringEncodingUTF8);
        const void *k[1] = {kVTVideoEncoderSpecification_EncoderID};
        const void *v[1] = {id};
        CFDictionaryRef spec = CFDictionaryCreate(NULL, k, v, 1, &kCFTypeDictionaryKeyCallBacks,
                                                  &kCFTypeDictionaryValueCallBacks);
        VTCompressionSessionRef s = NULL;
        OSStatus st = VTCompressionSessionCreate(NULL, W, H, kCMVideoCodecType_H264, spec, NULL,
                                                 NULL, on_output, &t, &s);
        CFRelease(spec);
        CFRelease(id);
        if (st != noErr)
            VT_TEST_SKIP("encoder %s not available: %s", encoder_id, vtcore_status_string(st));
        session_free(s);
    }

    if (env_mode) {
        test_environment();
    } else {
        test_hook_counts();
        test_open_prepare();
        test_open_first_frame();
        test_open_always();
        disarm();
        test_open_on_reconfigure();
        test_open_after_drain();
        test_reconfigure(MODE_DEFAULT, FALSE);
        test_reconfigure(MODE_LOW_LATENCY, FALSE);
        test_reconfigure(MODE_DEFAULT, TRUE);
        test_encode_low_latency();
        test_encode_in_flight();
        test_encode_sticky();
        test_encode_then_release();
        test_flush();
        disarm();
        if (driver_faults)
            test_driver_faults();
        check_fresh_session_works("at the end");
    }
    CVPixelBufferRelease(frame_buffer);
    return vt_test_result();
}
