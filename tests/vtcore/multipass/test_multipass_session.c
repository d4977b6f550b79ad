/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The BeginPass / EndPass / GetTimeRangesForNextPass workflow of
 * VTCompressionSession (HandBrake's sequence and Apple's offline-transcoding
 * recipe with a VTFrameSilo): two passes with AverageBitRate, the statistics
 * in the storage, the range for the next pass, the silo holding the final
 * pass, the cases where no second pass is asked for (Quality, a drain in the
 * middle of a pass, EndPass(NULL), a final pass without statistics), and the
 * bad calls. Exits 77 while the session cannot multi-pass.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mp_test_util.h"
#include "vt/multipass_internal.h"

#define W 160
#define H 120
#define N 60

static MPCollector g_out;

static Boolean exists(const char *path) {
    struct stat st;
    return stat(path, &st) == 0;
}

/* Decode timestamps increase, the first sample is a sync sample. */
static void check_stream(const MPCollector *c, int expected) {
    CHECK_EQ_INT(c->count, expected);
    CHECK_EQ_INT(c->errors, 0);
    CHECK_EQ_INT(c->dropped, 0);
    for (int i = 0; i < c->count; i++) {
        CMTime dts = CMSampleBufferGetDecodeTimeStamp(c->samples[i]);
        if (i > 0)
            CHECK(CMTimeCompare(dts, CMSampleBufferGetDecodeTimeStamp(c->samples[i - 1])) > 0);
    }
    if (c->count > 0) {
        CFArrayRef a = CMSampleBufferGetSampleAttachmentsArray(c->samples[0], FALSE);
        CFDictionaryRef d = a && CFArrayGetCount(a) ? CFArrayGetValueAtIndex(a, 0) : NULL;
        CHECK(!d || !CFDictionaryGetValue(d, kCMSampleAttachmentKey_NotSync));
    }
}

typedef struct SiloCheck {
    const MPCollector *expect;
    int index, mismatches;
} SiloCheck;

/* The silo returns exactly the samples of the final pass, in order. */
static OSStatus silo_compare(void *refcon, CMSampleBufferRef sb) {
    SiloCheck *sc = refcon;
    const MPCollector *e = sc->expect;
    if (sc->index >= e->count) {
        sc->mismatches++;
        return noErr;
    }
    CMSampleBufferRef want = e->samples[sc->index++];
    size_t n = CMSampleBufferGetTotalSampleSize(sb);
    if (n != CMSampleBufferGetTotalSampleSize(want) ||
        CMTimeCompare(CMSampleBufferGetPresentationTimeStamp(sb),
                      CMSampleBufferGetPresentationTimeStamp(want)) != 0 ||
        !CFEqual(CMSampleBufferGetFormatDescription(sb),
                 CMSampleBufferGetFormatDescription(want))) {
        sc->mismatches++;
        return noErr;
    }
    uint8_t *a = malloc(n), *b = malloc(n);
    if (a && b &&
        (CMBlockBufferCopyDataBytes(CMSampleBufferGetDataBuffer(sb), 0, n, a) != noErr ||
         CMBlockBufferCopyDataBytes(CMSampleBufferGetDataBuffer(want), 0, n, b) != noErr ||
         memcmp(a, b, n) != 0))
        sc->mismatches++;
    free(a);
    free(b);
    return noErr;
}

/* Two passes the way Apple's offline-transcoding recipe does it. */
static void test_two_passes_with_silo(void) {
    VTMultiPassStorageRef storage = NULL;
    VTFrameSiloRef silo = NULL;
    CMTimeRange clip = CMTimeRangeMake(kCMTimeZero, CMTimeMake(N, 30));
    CMItemCount count = 0;
    const CMTimeRange *ranges = NULL;
    Boolean further = FALSE;
    char stats[1024];

    CHECK_STATUS(VTMultiPassStorageCreate(NULL, NULL, clip, NULL, &storage), noErr);
    CHECK_STATUS(VTFrameSiloCreate(NULL, NULL, clip, NULL, &silo), noErr);
    if (!storage || !silo)
        return;
    snprintf(stats, sizeof(stats), "%s", vt_multipass_storage_get_stats_path(storage));
    g_out.silo = silo;
    VTCompressionSessionRef s = mp_session(W, H, 300000, storage, &g_out);
    {
        CFTypeRef back = NULL;
        CHECK_STATUS(
            VTSessionCopyProperty(s, kVTCompressionPropertyKey_MultiPassStorage, NULL, &back),
            noErr);
        CHECK(back == storage);
        if (back)
            CFRelease(back);
    }

    /* pass 1: analysis */
    CHECK_STATUS(VTCompressionSessionBeginPass(s, 0, NULL), noErr);
    CHECK_STATUS(mp_encode(s, 0, N, N, W, H), noErr);
    CHECK_STATUS(VTCompressionSessionCompleteFrames(s, kCMTimeInvalid), noErr);
    CHECK_STATUS(VTCompressionSessionEndPass(s, &further, NULL), noErr);
    CHECK(further);
    check_stream(&g_out, N);
    CHECK_STATUS(g_out.silo_status, noErr);
    CHECK(vt_multipass_storage_has_statistics(storage));
    CHECK_EQ_INT(vt_multipass_storage_get_completed_passes(storage), 1);
    CHECK(exists(stats));

    CHECK_STATUS(VTCompressionSessionGetTimeRangesForNextPass(s, &count, &ranges), noErr);
    CHECK_EQ_INT(count, 1);
    if (count == 1 && ranges) {
        CHECK(CMTimeCompare(ranges[0].start, kCMTimeZero) == 0);
        CHECK(CMTimeCompare(CMTimeRangeGetEnd(ranges[0]), CMTimeMake(N, 30)) == 0);
        CHECK_STATUS(VTFrameSiloSetTimeRangesForNextPass(silo, count, ranges), noErr);
    }

    /* pass 2: final (HandBrake passes the flag) */
    mp_collector_reset(&g_out);
    CHECK_STATUS(VTCompressionSessionBeginPass(s, kVTCompressionSessionBeginFinalPass, NULL),
                 noErr);
    CHECK_STATUS(mp_encode(s, 0, N, N, W, H), noErr); /* timestamps start again */
    /* a frame outside the requested range is refused */
    CHECK_STATUS(mp_encode(s, N, N + 1, N, W, H), kVTParameterErr);
    CHECK_STATUS(VTCompressionSessionCompleteFrames(s, kCMTimeInvalid), noErr);
    CHECK_STATUS(VTCompressionSessionEndPass(s, NULL, NULL), noErr);
    check_stream(&g_out, N);
    CHECK_STATUS(g_out.silo_status, noErr);
    CHECK_STATUS(VTCompressionSessionGetTimeRangesForNextPass(s, &count, &ranges), kVTParameterErr);
    CHECK_EQ_INT(vt_multipass_storage_get_completed_passes(storage), 1);

    /* the silo now holds exactly the final pass */
    SiloCheck sc = {&g_out, 0, 0};
    CHECK_STATUS(
        VTFrameSiloCallFunctionForEachSampleBuffer(silo, kCMTimeRangeInvalid, &sc, silo_compare),
        noErr);
    CHECK_EQ_INT(sc.index, N);
    CHECK_EQ_INT(sc.mismatches, 0);

    VTCompressionSessionInvalidate(s);
    CFRelease(s);
    CHECK_STATUS(VTMultiPassStorageClose(storage), noErr);
    CHECK(!exists(stats));
    CFRelease(storage);
    g_out.silo = NULL;
    mp_collector_reset(&g_out);
    CFRelease(silo);
}

/* Cases where one pass is all there is. */
static void test_single_pass_cases(void) {
    VTMultiPassStorageRef storage = NULL;
    VTCompressionSessionRef s;
    Boolean further = TRUE;
    CMItemCount count = 7;
    const CMTimeRange *ranges = NULL;
    CFNumberRef q = mp_number(0.6);

    /* Quality (no AverageBitRate): the first pass is final */
    CHECK_STATUS(VTMultiPassStorageCreate(NULL, NULL, kCMTimeRangeInvalid, NULL, &storage), noErr);
    s = mp_session(W, H, 0, storage, &g_out);
    CHECK_STATUS(VTSessionSetProperty(s, kVTCompressionPropertyKey_Quality, q), noErr);
    CHECK_STATUS(VTCompressionSessionBeginPass(s, 0, NULL), noErr);
    CHECK_STATUS(mp_encode(s, 0, 20, 20, W, H), noErr);
    CHECK_STATUS(VTCompressionSessionEndPass(s, &further, NULL), noErr);
    CHECK(!further);
    check_stream(&g_out, 20);
    CHECK_STATUS(VTCompressionSessionGetTimeRangesForNextPass(s, &count, &ranges), kVTParameterErr);
    CHECK(count == 0 && ranges == NULL);
    VTCompressionSessionInvalidate(s);
    CFRelease(s);
    CFRelease(storage);
    mp_collector_reset(&g_out);

    /* a drain in the middle of the analysis pass: statistics incomplete */
    CHECK_STATUS(VTMultiPassStorageCreate(NULL, NULL, kCMTimeRangeInvalid, NULL, &storage), noErr);
    s = mp_session(W, H, 200000, storage, &g_out);
    CHECK_STATUS(VTCompressionSessionBeginPass(s, 0, NULL), noErr);
    CHECK_STATUS(mp_encode(s, 0, 20, 40, W, H), noErr);
    CHECK_STATUS(VTCompressionSessionCompleteFrames(s, kCMTimeInvalid), noErr);
    CHECK_STATUS(mp_encode(s, 20, 40, 40, W, H), noErr);
    further = TRUE;
    CHECK_STATUS(VTCompressionSessionEndPass(s, &further, NULL), noErr);
    CHECK(!further);
    CHECK_EQ_INT(g_out.count, 40);
    CHECK_EQ_INT(g_out.errors, 0);
    CHECK_EQ_INT(vt_multipass_storage_get_completed_passes(storage), 0);
    mp_collector_reset(&g_out);

    /* a final pass without statistics encodes in one pass */
    CHECK_STATUS(VTCompressionSessionBeginPass(s, kVTCompressionSessionBeginFinalPass, NULL),
                 noErr);
    CHECK_STATUS(mp_encode(s, 0, 20, 20, W, H), noErr);
    further = TRUE;
    CHECK_STATUS(VTCompressionSessionEndPass(s, &further, NULL), noErr);
    CHECK(!further);
    check_stream(&g_out, 20);
    mp_collector_reset(&g_out);

    /* frames outside any pass: an ordinary encode */
    CHECK_STATUS(mp_encode(s, 0, 10, 10, W, H), noErr);
    CHECK_STATUS(VTCompressionSessionCompleteFrames(s, kCMTimeInvalid), noErr);
    check_stream(&g_out, 10);
    mp_collector_reset(&g_out);
    /* ... and a pass after them starts from scratch */
    CHECK_STATUS(VTCompressionSessionBeginPass(s, 0, NULL), noErr);
    CHECK_STATUS(mp_encode(s, 0, 10, 10, W, H), noErr);
    /* EndPass(NULL): the client ends with this pass */
    CHECK_STATUS(VTCompressionSessionEndPass(s, NULL, NULL), noErr);
    check_stream(&g_out, 10);
    CHECK_STATUS(VTCompressionSessionGetTimeRangesForNextPass(s, &count, &ranges), kVTParameterErr);
    VTCompressionSessionInvalidate(s);
    CFRelease(s);
    CFRelease(storage);
    mp_collector_reset(&g_out);
    CFRelease(q);
}

static void test_bad_calls(void) {
    VTMultiPassStorageRef storage = NULL, other = NULL;
    VTCompressionSessionRef s, s2;
    Boolean further = TRUE;
    CMItemCount count = 3;
    const CMTimeRange *ranges = (const CMTimeRange *)&count;

    CHECK_STATUS(VTCompressionSessionBeginPass(NULL, 0, NULL), kVTParameterErr);
    CHECK_STATUS(VTCompressionSessionEndPass(NULL, &further, NULL), kVTParameterErr);
    CHECK(!further);
    CHECK_STATUS(VTCompressionSessionGetTimeRangesForNextPass(NULL, &count, &ranges),
                 kVTParameterErr);
    CHECK(count == 0 && ranges == NULL);

    /* no storage */
    s = mp_session(W, H, 200000, NULL, &g_out);
    CHECK_STATUS(VTCompressionSessionBeginPass(s, 0, NULL), kVTParameterErr);
    CHECK_STATUS(VTCompressionSessionBeginPass(s, kVTCompressionSessionBeginFinalPass, NULL),
                 kVTParameterErr);
    CHECK_STATUS(VTCompressionSessionEndPass(s, &further, NULL), kVTParameterErr);
    CHECK_STATUS(VTCompressionSessionGetTimeRangesForNextPass(s, &count, &ranges), kVTParameterErr);
    /* a storage of the wrong type */
    CHECK_STATUS(VTSessionSetProperty(s, kVTCompressionPropertyKey_MultiPassStorage, CFSTR("x")),
                 kVTParameterErr);

    CHECK_STATUS(VTMultiPassStorageCreate(NULL, NULL, kCMTimeRangeInvalid, NULL, &storage), noErr);
    CHECK_STATUS(VTMultiPassStorageCreate(NULL, NULL, kCMTimeRangeInvalid, NULL, &other), noErr);
    CHECK_STATUS(VTSessionSetProperty(s, kVTCompressionPropertyKey_MultiPassStorage, storage),
                 noErr);
    /* EndPass without BeginPass */
    CHECK_STATUS(VTCompressionSessionEndPass(s, &further, NULL), kVTParameterErr);
    CHECK_STATUS(VTCompressionSessionGetTimeRangesForNextPass(s, NULL, &ranges), kVTParameterErr);
    CHECK_STATUS(VTCompressionSessionGetTimeRangesForNextPass(s, &count, NULL), kVTParameterErr);
    CHECK_STATUS(VTCompressionSessionBeginPass(s, 0, NULL), noErr);
    /* a second BeginPass, a storage change during the pass */
    CHECK_STATUS(VTCompressionSessionBeginPass(s, 0, NULL), kVTParameterErr);
    CHECK_STATUS(VTSessionSetProperty(s, kVTCompressionPropertyKey_MultiPassStorage, other),
                 kVTParameterErr);
    CHECK_STATUS(VTSessionSetProperty(s, kVTCompressionPropertyKey_MultiPassStorage, NULL),
                 kVTParameterErr);
    CHECK_STATUS(mp_encode(s, 0, 10, 10, W, H), noErr);
    /* timestamps out of order inside a pass */
    CHECK_STATUS(mp_encode(s, 5, 6, 10, W, H), kVTParameterErr);
    /* no time ranges before the pass has ended */
    CHECK_STATUS(VTCompressionSessionGetTimeRangesForNextPass(s, &count, &ranges), kVTParameterErr);
    CHECK_STATUS(VTCompressionSessionEndPass(s, &further, NULL), noErr);
    CHECK(further);
    CHECK_STATUS(VTCompressionSessionEndPass(s, &further, NULL), kVTParameterErr);
    CHECK(!further);
    mp_collector_reset(&g_out);

    /* the storage is bound to this configuration: another size is refused */
    s2 = mp_session(W * 2, H, 200000, storage, &g_out);
    CHECK_STATUS(VTCompressionSessionBeginPass(s2, 0, NULL),
                 kVTMultiPassStorageIdentifierMismatchErr);
    VTCompressionSessionInvalidate(s2);
    CFRelease(s2);

    /* a closed storage */
    CHECK_STATUS(VTSessionSetProperty(s, kVTCompressionPropertyKey_MultiPassStorage, other), noErr);
    CHECK_STATUS(VTMultiPassStorageClose(other), noErr);
    CHECK_STATUS(VTCompressionSessionBeginPass(s, 0, NULL), kVTMultiPassStorageInvalidErr);

    /* a pass still running at Invalidate leaves no statistics behind */
    CHECK_STATUS(VTSessionSetProperty(s, kVTCompressionPropertyKey_MultiPassStorage, storage),
                 noErr);
    CHECK_STATUS(VTCompressionSessionBeginPass(s, kVTCompressionSessionBeginFinalPass, NULL),
                 noErr);
    CHECK_STATUS(mp_encode(s, 0, 5, 10, W, H), noErr);
    VTCompressionSessionInvalidate(s);
    CHECK(!vt_multipass_storage_pass_active(storage));
    CHECK_STATUS(VTCompressionSessionBeginPass(s, 0, NULL), kVTInvalidSessionErr);
    CHECK_STATUS(VTCompressionSessionEndPass(s, &further, NULL), kVTInvalidSessionErr);
    CHECK_STATUS(VTCompressionSessionGetTimeRangesForNextPass(s, &count, &ranges),
                 kVTInvalidSessionErr);
    CFRelease(s);
    CFRelease(storage);
    CFRelease(other);
    mp_collector_reset(&g_out);
}

/* Exits 77 unless the session supports the multi-pass calls. */
static void probe(void) {
    VTMultiPassStorageRef storage = NULL;
    Boolean further;
    CHECK_STATUS(VTMultiPassStorageCreate(NULL, NULL, kCMTimeRangeInvalid, NULL, &storage), noErr);
    if (!storage)
        VT_TEST_SKIP("VTMultiPassStorageCreate failed");
    VTCompressionSessionRef s = mp_session(W, H, 200000, storage, &g_out);
    OSStatus st = VTCompressionSessionBeginPass(s, 0, NULL);
    if (st == kVTPropertyNotSupportedErr)
        VT_TEST_SKIP("VTCompressionSessionBeginPass is not implemented yet");
    CHECK_STATUS(st, noErr);
    CHECK_STATUS(VTCompressionSessionEndPass(s, &further, NULL), noErr);
    VTCompressionSessionInvalidate(s);
    CFRelease(s);
    CFRelease(storage);
}

int main(void) {
    char tmpl[] = "/tmp/vtcore-mp-session-XXXXXX";
    char *dir = mkdtemp(tmpl);
    if (!dir)
        VT_TEST_SKIP("cannot create a temporary directory");
    setenv("TMPDIR", dir, 1);
    probe();
    test_bad_calls();
    test_two_passes_with_silo();
    test_single_pass_cases();
    CHECK_MSG(rmdir(dir) == 0, "%s not empty", dir);
    return vt_test_result();
}
