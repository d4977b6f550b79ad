/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Concurrency load on VTCompressionSession (public API only), meant to be
 * run under ThreadSanitizer as well (docs/hardening.md has the recipe):
 *
 *   parallel  8 sessions, one per thread, each encoding with live property
 *             changes: every accepted frame comes back exactly once, in
 *             decode order (monotonic DTS), with its own refcon.
 *   racing    one session; 2 threads encode (shared PTS counter), 1 thread
 *             sets and copies properties, 1 calls CompleteFrames, 1 copies
 *             the supported/serializable dictionaries. Callbacks never
 *             overlap, nothing is lost or duplicated.
 *   invalidate  frames in flight on 2 threads while the main thread
 *             invalidates: afterwards every call returns
 *             kVTInvalidSessionErr, and no callback comes after Invalidate
 *             has returned.
 *   reentrant the callback itself sets/copies properties and completes.
 *   transfer  one VTPixelTransferSession used by 4 threads at once while a
 *             fifth changes its properties.
 *
 * No timing assertions: only counts and orderings.
 * VTCORE_STRESS_FRAMES scales the frame counts (default 30).
 */
#include <pthread.h>
#include <stdatomic.h>

#include <CoreMedia/CoreMedia.h>
#include <CoreVideo/CoreVideo.h>
#include <VideoToolbox/VideoToolbox.h>
#include <vtcore/vtcore.h>

#include "vt_test.h"

static int frames_per_thread = 30;

/* vt_test.h's counters are plain ints: worker threads use these instead,
 * and main() adds them up. */
static atomic_int thread_checks, thread_failures;

#define TCHECK_MSG(cond, ...)                                                        \
    do {                                                                             \
        atomic_fetch_add(&thread_checks, 1);                                         \
        if (!(cond)) {                                                               \
            atomic_fetch_add(&thread_failures, 1);                                   \
            fprintf(stderr, "%s:%d: CHECK failed: %s: ", __FILE__, __LINE__, #cond); \
            fprintf(stderr, __VA_ARGS__);                                            \
            fputc('\n', stderr);                                                     \
        }                                                                            \
    } while (0)
#define TCHECK_EQ(a, b)                                                   \
    do {                                                                  \
        long long va_ = (long long)(a), vb_ = (long long)(b);             \
        TCHECK_MSG(va_ == vb_, "%s = %lld, expected %lld", #a, va_, vb_); \
    } while (0)

/* ---- shared output accounting ---- */

typedef struct Output {
    atomic_long delivered;
    atomic_long errors;
    atomic_int in_callback; /* callbacks of one session must not overlap */
    atomic_int overlaps;
    atomic_int after_invalidate;
    atomic_int invalidated;
    atomic_int bad_refcon;
    atomic_int dts_backwards;
    CMTime last_dts; /* written only inside (non-overlapping) callbacks */
    int have_dts;
    void *expected_refcon;
    VTCompressionSessionRef reenter; /* non-NULL: the callback calls back in */
} Output;

static void output_init(Output *o, void *refcon) {
    memset(o, 0, sizeof(*o));
    atomic_init(&o->delivered, 0);
    atomic_init(&o->errors, 0);
    atomic_init(&o->in_callback, 0);
    atomic_init(&o->overlaps, 0);
    atomic_init(&o->after_invalidate, 0);
    atomic_init(&o->invalidated, 0);
    atomic_init(&o->bad_refcon, 0);
    atomic_init(&o->dts_backwards, 0);
    o->expected_refcon = refcon;
}

static void on_output(void *refcon, void *frame_refcon, OSStatus status, VTEncodeInfoFlags flags,
                      CMSampleBufferRef sbuf) {
    Output *o = refcon;
    (void)flags;
    if (atomic_fetch_add(&o->in_callback, 1) != 0)
        atomic_fetch_add(&o->overlaps, 1);
    if (atomic_load(&o->invalidated))
        atomic_fetch_add(&o->after_invalidate, 1);
    if (frame_refcon != o->expected_refcon)
        atomic_fetch_add(&o->bad_refcon, 1);
    if (status != noErr) {
        atomic_fetch_add(&o->errors, 1);
    } else if (sbuf) {
        CMTime dts = CMSampleBufferGetDecodeTimeStamp(sbuf);
        if (!CMTIME_IS_VALID(dts))
            dts = CMSampleBufferGetPresentationTimeStamp(sbuf);
        if (o->have_dts && CMTimeCompare(dts, o->last_dts) < 0)
            atomic_fetch_add(&o->dts_backwards, 1);
        o->last_dts = dts;
        o->have_dts = 1;
    }
    if (o->reenter) {
        CFTypeRef v = NULL;
        CFNumberRef rate = CFNumberCreate(NULL, kCFNumberIntType, &(int){250000});
        VTSessionSetProperty(o->reenter, kVTCompressionPropertyKey_AverageBitRate, rate);
        CFRelease(rate);
        if (VTSessionCopyProperty(o->reenter, kVTCompressionPropertyKey_NumberOfPendingFrames, NULL,
                                  &v) == noErr &&
            v)
            CFRelease(v);
    }
    atomic_fetch_add(&o->delivered, 1);
    atomic_fetch_sub(&o->in_callback, 1);
}

static CVPixelBufferRef make_frame(int w, int h, int seed) {
    CVPixelBufferRef pb = NULL;
    size_t p;
    if (CVPixelBufferCreate(NULL, (size_t)w, (size_t)h,
                            kCVPixelFormatType_420YpCbCr8BiPlanarVideoRange, NULL, &pb) != 0)
        return NULL;
    CVPixelBufferLockBaseAddress(pb, 0);
    for (p = 0; p < 2; p++) {
        uint8_t *base = CVPixelBufferGetBaseAddressOfPlane(pb, p);
        size_t bpr = CVPixelBufferGetBytesPerRowOfPlane(pb, p);
        size_t rows = CVPixelBufferGetHeightOfPlane(pb, p), r, c;
        for (r = 0; r < rows; r++)
            for (c = 0; c < bpr; c++)
                base[r * bpr + c] = (uint8_t)(r * 3 + c * 5 + (size_t)seed * 7);
    }
    CVPixelBufferUnlockBaseAddress(pb, 0);
    return pb;
}

static VTCompressionSessionRef make_session(int w, int h, Output *o) {
    VTCompressionSessionRef s = NULL;
    OSStatus st = VTCompressionSessionCreate(NULL, w, h, kCMVideoCodecType_H264, NULL, NULL, NULL,
                                             on_output, o, &s);
    TCHECK_MSG(st == noErr, "VTCompressionSessionCreate %dx%d: %s", w, h, vtcore_status_string(st));
    return st == noErr ? s : NULL;
}

static void set_int(VTCompressionSessionRef s, CFStringRef key, int v) {
    CFNumberRef n = CFNumberCreate(NULL, kCFNumberIntType, &v);
    OSStatus st = VTSessionSetProperty(s, key, n);
    TCHECK_MSG(st == noErr || st == kVTInvalidSessionErr, "set %d: %d", v, (int)st);
    CFRelease(n);
}

/* ---- 1. eight sessions in parallel ---- */

typedef struct Parallel {
    int index;
    long accepted;
    Output out;
} Parallel;

static void *parallel_thread(void *arg) {
    Parallel *p = arg;
    int w = 48 + 16 * (p->index % 4), h = 32 + 16 * (p->index % 3), i;
    VTCompressionSessionRef s;
    CVPixelBufferRef frames[4];
    output_init(&p->out, p);
    s = make_session(w, h, &p->out);
    if (!s)
        return NULL;
    for (i = 0; i < 4; i++)
        frames[i] = make_frame(w, h, i + p->index);
    if (p->index % 2)
        VTSessionSetProperty(s, kVTCompressionPropertyKey_AllowFrameReordering, kCFBooleanFalse);
    for (i = 0; i < frames_per_thread; i++) {
        OSStatus st;
        if (i % 7 == 3)
            set_int(s, kVTCompressionPropertyKey_AverageBitRate, 100000 + 20000 * (i % 5));
        if (i % 11 == 5) {
            const void *k[1] = {kVTEncodeFrameOptionKey_ForceKeyFrame};
            const void *v[1] = {kCFBooleanTrue};
            CFDictionaryRef opt = CFDictionaryCreate(NULL, k, v, 1, &kCFTypeDictionaryKeyCallBacks,
                                                     &kCFTypeDictionaryValueCallBacks);
            st = VTCompressionSessionEncodeFrame(s, frames[i % 4], CMTimeMake(i, 30),
                                                 CMTimeMake(1, 30), opt, p, NULL);
            CFRelease(opt);
        } else {
            st = VTCompressionSessionEncodeFrame(s, frames[i % 4], CMTimeMake(i, 30),
                                                 CMTimeMake(1, 30), NULL, p, NULL);
        }
        TCHECK_MSG(st == noErr, "session %d frame %d: %s", p->index, i, vtcore_status_string(st));
        if (st == noErr)
            p->accepted++;
    }
    TCHECK_EQ(VTCompressionSessionCompleteFrames(s, kCMTimeInvalid), noErr);
    TCHECK_EQ(atomic_load(&p->out.delivered), p->accepted);
    VTCompressionSessionInvalidate(s);
    CFRelease(s);
    for (i = 0; i < 4; i++)
        CVPixelBufferRelease(frames[i]);
    return NULL;
}

static void test_parallel_sessions(void) {
    pthread_t t[8];
    Parallel p[8];
    int i;
    memset(p, 0, sizeof(p));
    for (i = 0; i < 8; i++) {
        p[i].index = i;
        CHECK(pthread_create(&t[i], NULL, parallel_thread, &p[i]) == 0);
    }
    for (i = 0; i < 8; i++) {
        pthread_join(t[i], NULL);
        CHECK_EQ_INT(atomic_load(&p[i].out.errors), 0);
        CHECK_EQ_INT(atomic_load(&p[i].out.overlaps), 0);
        CHECK_EQ_INT(atomic_load(&p[i].out.bad_refcon), 0);
        CHECK_EQ_INT(atomic_load(&p[i].out.dts_backwards), 0);
        CHECK_EQ_INT(p[i].accepted, frames_per_thread);
    }
}

/* ---- 2. racing calls on one session ---- */

typedef struct Race {
    VTCompressionSessionRef s;
    Output out;
    atomic_long pts;
    atomic_long accepted;
    atomic_long refused;
    atomic_int stop;
    int w, h;
} Race;

static void *race_encoder(void *arg) {
    Race *r = arg;
    CVPixelBufferRef pb = make_frame(r->w, r->h, 1);
    int i;
    for (i = 0; i < frames_per_thread * 2; i++) {
        long pts = atomic_fetch_add(&r->pts, 1);
        OSStatus st = VTCompressionSessionEncodeFrame(r->s, pb, CMTimeMake(pts, 30), kCMTimeInvalid,
                                                      NULL, r, NULL);
        if (st == noErr)
            atomic_fetch_add(&r->accepted, 1);
        else {
            /* The other thread got a later PTS in first: refused, not lost. */
            TCHECK_MSG(st == kVTParameterErr, "EncodeFrame: %s", vtcore_status_string(st));
            atomic_fetch_add(&r->refused, 1);
        }
    }
    CVPixelBufferRelease(pb);
    return NULL;
}

static void *race_properties(void *arg) {
    Race *r = arg;
    int i = 0;
    while (!atomic_load(&r->stop)) {
        CFTypeRef v = NULL;
        double limits_v[2] = {50000.0 + i % 7 * 1000.0, 1.0};
        CFNumberRef a = CFNumberCreate(NULL, kCFNumberDoubleType, &limits_v[0]);
        CFNumberRef b = CFNumberCreate(NULL, kCFNumberDoubleType, &limits_v[1]);
        const void *lv[2] = {a, b};
        CFArrayRef limits = CFArrayCreate(NULL, lv, 2, &kCFTypeArrayCallBacks);
        set_int(r->s, kVTCompressionPropertyKey_AverageBitRate, 80000 + (i % 9) * 10000);
        VTSessionSetProperty(r->s, kVTCompressionPropertyKey_DataRateLimits, i % 3 ? limits : NULL);
        set_int(r->s, kVTCompressionPropertyKey_MaxKeyFrameInterval, 5 + i % 20);
        if (VTSessionCopyProperty(r->s, kVTCompressionPropertyKey_DataRateLimits, NULL, &v) ==
                noErr &&
            v)
            CFRelease(v);
        if (VTSessionCopyProperty(r->s, kVTCompressionPropertyKey_NumberOfPendingFrames, NULL,
                                  &v) == noErr &&
            v)
            CFRelease(v);
        CFRelease(limits);
        CFRelease(a);
        CFRelease(b);
        i++;
        sched_yield();
    }
    return NULL;
}

static void *race_complete(void *arg) {
    Race *r = arg;
    while (!atomic_load(&r->stop)) {
        OSStatus st =
            VTCompressionSessionCompleteFrames(r->s, CMTimeMake(atomic_load(&r->pts) - 3, 30));
        TCHECK_MSG(st == noErr, "CompleteFrames: %s", vtcore_status_string(st));
        sched_yield();
    }
    return NULL;
}

static void *race_describe(void *arg) {
    Race *r = arg;
    while (!atomic_load(&r->stop)) {
        CFDictionaryRef d = NULL;
        if (VTSessionCopySupportedPropertyDictionary(r->s, &d) == noErr)
            CFRelease(d);
        d = NULL;
        if (VTSessionCopySerializableProperties(r->s, NULL, &d) == noErr)
            CFRelease(d);
        sched_yield();
    }
    return NULL;
}

static void test_racing_calls(void) {
    Race r;
    pthread_t enc[2], other[3];
    int i;
    memset(&r, 0, sizeof(r));
    r.w = 64;
    r.h = 48;
    output_init(&r.out, &r);
    atomic_init(&r.pts, 0);
    atomic_init(&r.accepted, 0);
    atomic_init(&r.refused, 0);
    atomic_init(&r.stop, 0);
    r.s = make_session(r.w, r.h, &r.out);
    if (!r.s)
        return;
    CHECK(pthread_create(&other[0], NULL, race_properties, &r) == 0);
    CHECK(pthread_create(&other[1], NULL, race_complete, &r) == 0);
    CHECK(pthread_create(&other[2], NULL, race_describe, &r) == 0);
    for (i = 0; i < 2; i++)
        CHECK(pthread_create(&enc[i], NULL, race_encoder, &r) == 0);
    for (i = 0; i < 2; i++)
        pthread_join(enc[i], NULL);
    atomic_store(&r.stop, 1);
    for (i = 0; i < 3; i++)
        pthread_join(other[i], NULL);
    CHECK_STATUS(VTCompressionSessionCompleteFrames(r.s, kCMTimeInvalid), noErr);
    CHECK_EQ_INT(atomic_load(&r.out.delivered), atomic_load(&r.accepted));
    CHECK_EQ_INT(atomic_load(&r.accepted) + atomic_load(&r.refused), 4 * frames_per_thread);
    CHECK(atomic_load(&r.accepted) > 0);
    CHECK_EQ_INT(atomic_load(&r.out.overlaps), 0);
    CHECK_EQ_INT(atomic_load(&r.out.bad_refcon), 0);
    CHECK_EQ_INT(atomic_load(&r.out.errors), 0);
    CHECK_EQ_INT(atomic_load(&r.out.dts_backwards), 0);
    VTCompressionSessionInvalidate(r.s);
    CFRelease(r.s);
}

/* ---- 3. Invalidate with frames in flight ---- */

static void *inflight_encoder(void *arg) {
    Race *r = arg;
    CVPixelBufferRef pb = make_frame(r->w, r->h, 2);
    int i;
    for (i = 0; i < frames_per_thread * 4; i++) {
        long pts = atomic_fetch_add(&r->pts, 1);
        OSStatus st = VTCompressionSessionEncodeFrame(r->s, pb, CMTimeMake(pts, 30), kCMTimeInvalid,
                                                      NULL, r, NULL);
        if (st == noErr)
            atomic_fetch_add(&r->accepted, 1);
        else if (st == kVTInvalidSessionErr)
            break;
        else
            TCHECK_MSG(st == kVTParameterErr, "EncodeFrame: %s", vtcore_status_string(st));
    }
    /* After Invalidate every call fails cleanly. The loop may end before the
     * main thread invalidates (all frames submitted): wait for it first. */
    while (!atomic_load(&r->out.invalidated))
        sched_yield();
    TCHECK_EQ(VTCompressionSessionEncodeFrame(r->s, pb, CMTimeMake(1 << 30, 30), kCMTimeInvalid,
                                              NULL, r, NULL),
              kVTInvalidSessionErr);
    CVPixelBufferRelease(pb);
    return NULL;
}

static void test_invalidate_in_flight(void) {
    Race r;
    pthread_t t[2];
    CFTypeRef v = (CFTypeRef)(uintptr_t)1;
    int i;
    memset(&r, 0, sizeof(r));
    r.w = 96;
    r.h = 64;
    output_init(&r.out, &r);
    atomic_init(&r.pts, 0);
    atomic_init(&r.accepted, 0);
    r.s = make_session(r.w, r.h, &r.out);
    if (!r.s)
        return;
    for (i = 0; i < 2; i++)
        CHECK(pthread_create(&t[i], NULL, inflight_encoder, &r) == 0);
    /* Wait (without a clock) until frames are really in flight. */
    while (atomic_load(&r.accepted) < 8 && atomic_load(&r.pts) < frames_per_thread * 8)
        sched_yield();
    VTCompressionSessionInvalidate(r.s);
    atomic_store(&r.out.invalidated, 1);
    for (i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    CHECK_EQ_INT(atomic_load(&r.out.after_invalidate), 0);
    CHECK(atomic_load(&r.out.delivered) <= atomic_load(&r.accepted));
    CHECK_EQ_INT(atomic_load(&r.out.overlaps), 0);
    CHECK_STATUS(VTCompressionSessionCompleteFrames(r.s, kCMTimeInvalid), kVTInvalidSessionErr);
    CHECK_STATUS(VTSessionCopyProperty(r.s, kVTCompressionPropertyKey_AverageBitRate, NULL, &v),
                 kVTInvalidSessionErr);
    CHECK(v == NULL);
    VTCompressionSessionInvalidate(r.s); /* idempotent */
    CFRelease(r.s);
}

/* ---- 4. re-entrant callbacks ---- */

static void test_reentrant_callback(void) {
    Output out;
    VTCompressionSessionRef s;
    CVPixelBufferRef pb = make_frame(64, 48, 3);
    int i;
    long accepted = 0;
    output_init(&out, &out);
    s = make_session(64, 48, &out);
    if (!s || !pb)
        goto done;
    out.reenter = s;
    for (i = 0; i < frames_per_thread; i++) {
        if (VTCompressionSessionEncodeFrame(s, pb, CMTimeMake(i, 30), kCMTimeInvalid, NULL, &out,
                                            NULL) == noErr)
            accepted++;
    }
    CHECK_STATUS(VTCompressionSessionCompleteFrames(s, kCMTimeInvalid), noErr);
    CHECK_EQ_INT(atomic_load(&out.delivered), accepted);
    CHECK_EQ_INT(accepted, frames_per_thread);
    CHECK_EQ_INT(atomic_load(&out.overlaps), 0);
    VTCompressionSessionInvalidate(s);
done:
    if (s)
        CFRelease(s);
    if (pb)
        CVPixelBufferRelease(pb);
}

/* ---- 5. one pixel transfer session, four threads ---- */

typedef struct TransferRace {
    VTPixelTransferSessionRef s;
    atomic_int stop;
    atomic_long done;
} TransferRace;

static void *transfer_worker(void *arg) {
    TransferRace *t = arg;
    CVPixelBufferRef src = make_frame(96, 64, 4), dst = NULL;
    int i;
    if (CVPixelBufferCreate(NULL, 40 + 8 * (int)(atomic_load(&t->done) % 3), 30,
                            kCVPixelFormatType_32BGRA, NULL, &dst) != 0)
        dst = NULL;
    for (i = 0; src && dst && i < frames_per_thread; i++) {
        OSStatus st = VTPixelTransferSessionTransferImage(t->s, src, dst);
        TCHECK_MSG(st == noErr, "TransferImage: %s", vtcore_status_string(st));
        atomic_fetch_add(&t->done, 1);
    }
    if (src)
        CVPixelBufferRelease(src);
    if (dst)
        CVPixelBufferRelease(dst);
    return NULL;
}

static void *transfer_properties(void *arg) {
    TransferRace *t = arg;
    const CFStringRef modes[4] = {kVTScalingMode_Normal, kVTScalingMode_Letterbox,
                                  kVTScalingMode_Trim, kVTScalingMode_CropSourceToCleanAperture};
    int i = 0;
    while (!atomic_load(&t->stop)) {
        CFTypeRef v = NULL;
        OSStatus st =
            VTSessionSetProperty(t->s, kVTPixelTransferPropertyKey_ScalingMode, modes[i % 4]);
        TCHECK_MSG(st == noErr, "set ScalingMode: %s", vtcore_status_string(st));
        VTSessionSetProperty(t->s, kVTPixelTransferPropertyKey_DownsamplingMode,
                             i % 2 ? kVTDownsamplingMode_Average : kVTDownsamplingMode_Decimate);
        if (VTSessionCopyProperty(t->s, kVTPixelTransferPropertyKey_ScalingMode, NULL, &v) ==
                noErr &&
            v)
            CFRelease(v);
        i++;
        sched_yield();
    }
    return NULL;
}

static void test_transfer_racing(void) {
    TransferRace t;
    pthread_t w[4], p;
    int i;
    memset(&t, 0, sizeof(t));
    atomic_init(&t.stop, 0);
    atomic_init(&t.done, 0);
    if (VTPixelTransferSessionCreate(NULL, &t.s) != noErr) {
        printf("not tested: VTPixelTransferSessionCreate does not work\n");
        return;
    }
    CHECK(pthread_create(&p, NULL, transfer_properties, &t) == 0);
    for (i = 0; i < 4; i++)
        CHECK(pthread_create(&w[i], NULL, transfer_worker, &t) == 0);
    for (i = 0; i < 4; i++)
        pthread_join(w[i], NULL);
    atomic_store(&t.stop, 1);
    pthread_join(p, NULL);
    CHECK_EQ_INT(atomic_load(&t.done), 4 * frames_per_thread);
    VTPixelTransferSessionInvalidate(t.s);
    CFRelease(t.s);
}

int main(void) {
    const char *env = getenv("VTCORE_STRESS_FRAMES");
    VTCompressionSessionRef probe = NULL;
    Output o;
    if (env && atoi(env) > 0)
        frames_per_thread = atoi(env);
    output_init(&o, NULL);
    if (VTCompressionSessionCreate(NULL, 64, 48, kCMVideoCodecType_H264, NULL, NULL, NULL,
                                   on_output, &o, &probe) != noErr)
        VT_TEST_SKIP("no H.264 encoder available (VTCompressionSessionCreate fails)");
    VTCompressionSessionInvalidate(probe);
    CFRelease(probe);

    test_parallel_sessions();
    test_racing_calls();
    test_invalidate_in_flight();
    test_reentrant_callback();
    test_transfer_racing();
    vt_test_checks += atomic_load(&thread_checks);
    vt_test_failures += atomic_load(&thread_failures);
    return vt_test_result();
}
