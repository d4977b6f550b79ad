/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * CMSampleBuffer: timing, sizes, sample attachments, readiness and
 * invalidation, copies, image-buffer samples, CMAttachment on sample and
 * pixel buffers, the encoder helper, NULL arguments, threads.
 */
#include <pthread.h>
#include <stddef.h>

#include <CoreMedia/CoreMedia.h>
#include <CoreVideo/CoreVideo.h>
#include <vtcore/vtcore.h>

#include "cm/cm_internal.h"
#include "mem.h"
#include "vt_test.h"

#define CHECK_TIME_EQ(a, b)                                                            \
    CHECK_MSG(CMTimeCompare((a), (b)) == 0, "%s: {%lld/%d}", #a, (long long)(a).value, \
              (int)(a).timescale)

static CMBlockBufferRef make_block(size_t size) {
    CMBlockBufferRef bb = NULL;
    CHECK_STATUS(CMBlockBufferCreateWithMemoryBlock(NULL, NULL, size, NULL, NULL, 0, size, 0, &bb),
                 noErr);
    if (bb)
        CMBlockBufferFillDataBytes(0x11, bb, 0, size);
    return bb;
}

static CMSampleTimingInfo timing(int64_t dur, int64_t pts, int64_t dts, int32_t ts) {
    CMSampleTimingInfo t;
    t.duration = CMTimeMake(dur, ts);
    t.presentationTimeStamp = CMTimeMake(pts, ts);
    t.decodeTimeStamp = dts < 0 ? kCMTimeInvalid : CMTimeMake(dts, ts);
    return t;
}

static void test_layout(void) {
    CHECK_EQ_INT(sizeof(CMSampleTimingInfo), 72);
    CHECK_EQ_INT(offsetof(CMSampleTimingInfo, presentationTimeStamp), 24);
    CHECK_EQ_INT(offsetof(CMSampleTimingInfo, decodeTimeStamp), 48);
    CHECK(CMTIME_IS_INVALID(kCMTimingInfoInvalid.duration) &&
          CMTIME_IS_INVALID(kCMTimingInfoInvalid.presentationTimeStamp) &&
          CMTIME_IS_INVALID(kCMTimingInfoInvalid.decodeTimeStamp));
    CHECK_EQ_INT(kCMSampleBufferError_Invalidated, -12744);
    CHECK_EQ_INT(kCMSampleBufferError_DataCanceled, -16751);
    CHECK(CFEqual(kCMSampleAttachmentKey_NotSync, CFSTR("NotSync")));
    CHECK(CFEqual(kCMSampleAttachmentKey_DependsOnOthers, CFSTR("DependsOnOthers")));
    CHECK(CFEqual(kCMSampleAttachmentKey_IsDependedOnByOthers, CFSTR("IsDependedOnByOthers")));
    CHECK(CFEqual(kCMSampleAttachmentKey_EarlierDisplayTimesAllowed,
                  CFSTR("EarlierDisplayTimesAllowed")));
    CHECK(CFEqual(kCMSampleAttachmentKey_PartialSync, CFSTR("PartialSync")));
    CHECK(CFEqual(kCMSampleAttachmentKey_DisplayImmediately, CFSTR("DisplayImmediately")));
    CHECK(CFEqual(kCMSampleAttachmentKey_DoNotDisplay, CFSTR("DoNotDisplay")));
    CHECK(CFEqual(kCMSampleAttachmentKey_HasRedundantCoding, CFSTR("HasRedundantCoding")));
    CHECK(CFEqual(kCMSampleBufferAttachmentKey_DrainAfterDecoding, CFSTR("DrainAfterDecoding")));
}

static void test_single_sample(void) {
    CMBlockBufferRef bb = make_block(100);
    CMFormatDescriptionRef fd = NULL;
    CMSampleBufferRef sb = NULL;
    CMSampleTimingInfo t = timing(1, 5, 4, 30), got;
    size_t size = 100, sizes[2];
    CMItemCount needed = -1;

    CHECK_STATUS(CMVideoFormatDescriptionCreate(NULL, kCMVideoCodecType_H264, 64, 48, NULL, &fd),
                 noErr);
    CHECK_STATUS(CMSampleBufferCreateReady(NULL, bb, fd, 1, 1, &t, 1, &size, &sb), noErr);
    if (!sb)
        return;
    CHECK(CFGetTypeID(sb) == CMSampleBufferGetTypeID());
    CHECK(CMSampleBufferGetDataBuffer(sb) == bb);
    CHECK(CMSampleBufferGetFormatDescription(sb) == fd);
    CHECK(CMSampleBufferGetImageBuffer(sb) == NULL);
    CHECK_EQ_INT(CFGetRetainCount(bb), 2); /* retained by the sample buffer */
    CHECK_EQ_INT(CFGetRetainCount(fd), 2);
    CHECK(CMSampleBufferIsValid(sb));
    CHECK(CMSampleBufferDataIsReady(sb));
    CHECK_EQ_INT(CMSampleBufferGetNumSamples(sb), 1);
    CHECK_TIME_EQ(CMSampleBufferGetPresentationTimeStamp(sb), CMTimeMake(5, 30));
    CHECK_TIME_EQ(CMSampleBufferGetDecodeTimeStamp(sb), CMTimeMake(4, 30));
    CHECK_TIME_EQ(CMSampleBufferGetDuration(sb), CMTimeMake(1, 30));
    CHECK_TIME_EQ(CMSampleBufferGetOutputPresentationTimeStamp(sb), CMTimeMake(5, 30));
    CHECK_TIME_EQ(CMSampleBufferGetOutputDecodeTimeStamp(sb), CMTimeMake(4, 30));
    CHECK_TIME_EQ(CMSampleBufferGetOutputDuration(sb), CMTimeMake(1, 30));
    CHECK_EQ_INT(CMSampleBufferGetTotalSampleSize(sb), 100);
    CHECK_EQ_INT(CMSampleBufferGetSampleSize(sb, 0), 100);
    CHECK_EQ_INT(CMSampleBufferGetSampleSize(sb, 1), 0);
    CHECK_EQ_INT(CMSampleBufferGetSampleSize(sb, -1), 0);

    CHECK_STATUS(CMSampleBufferGetSampleTimingInfo(sb, 0, &got), noErr);
    CHECK(memcmp(&got, &t, sizeof(t)) == 0);
    CHECK_STATUS(CMSampleBufferGetSampleTimingInfo(sb, 1, &got),
                 kCMSampleBufferError_SampleIndexOutOfRange);
    CHECK(CMTIME_IS_INVALID(got.presentationTimeStamp));
    CHECK_STATUS(CMSampleBufferGetSampleTimingInfo(sb, -1, &got),
                 kCMSampleBufferError_SampleIndexOutOfRange);
    CHECK_STATUS(CMSampleBufferGetSampleTimingInfo(sb, 0, NULL),
                 kCMSampleBufferError_RequiredParameterMissing);
    CHECK_STATUS(CMSampleBufferGetSampleTimingInfoArray(sb, 0, NULL, &needed), noErr);
    CHECK_EQ_INT(needed, 1);
    CHECK_STATUS(CMSampleBufferGetSampleTimingInfoArray(sb, 1, &got, NULL), noErr);
    CHECK(memcmp(&got, &t, sizeof(t)) == 0);
    CHECK_STATUS(CMSampleBufferGetSampleSizeArray(sb, 2, sizes, &needed), noErr);
    CHECK(needed == 1 && sizes[0] == 100);

    /* output timeline */
    CHECK_STATUS(CMSampleBufferSetOutputPresentationTimeStamp(sb, CMTimeMake(50, 30)), noErr);
    CHECK_TIME_EQ(CMSampleBufferGetOutputPresentationTimeStamp(sb), CMTimeMake(50, 30));
    CHECK_TIME_EQ(CMSampleBufferGetOutputDecodeTimeStamp(sb), CMTimeMake(49, 30));
    CHECK_TIME_EQ(CMSampleBufferGetPresentationTimeStamp(sb), CMTimeMake(5, 30));
    CHECK_STATUS(CMSampleBufferGetOutputSampleTimingInfoArray(sb, 1, &got, &needed), noErr);
    CHECK_TIME_EQ(got.presentationTimeStamp, CMTimeMake(50, 30));
    CHECK_TIME_EQ(got.decodeTimeStamp, CMTimeMake(49, 30));

    /* a second data buffer is refused */
    CHECK_STATUS(CMSampleBufferSetDataBuffer(sb, bb), kCMSampleBufferError_AlreadyHasDataBuffer);
    CFRelease(sb);
    CHECK_EQ_INT(CFGetRetainCount(bb), 1);
    CHECK_EQ_INT(CFGetRetainCount(fd), 1);
    CFRelease(bb);
    CFRelease(fd);
}

static void test_multi_sample(void) {
    CMBlockBufferRef bb = make_block(60);
    CMSampleBufferRef sb = NULL;
    CMSampleTimingInfo one = timing(1001, 0, 0, 30000), got, arr[3];
    CMSampleTimingInfo three[3] = {timing(1, 0, -1, 30), timing(1, 2, -1, 30),
                                   timing(1, 1, -1, 30)}; /* I P B presentation order */
    size_t sizes[3] = {10, 20, 30}, out_sizes[3];
    CMItemCount needed = 0;

    /* one timing entry for three samples */
    CHECK_STATUS(CMSampleBufferCreateReady(NULL, bb, NULL, 3, 1, &one, 3, sizes, &sb), noErr);
    if (sb) {
        CHECK_EQ_INT(CMSampleBufferGetNumSamples(sb), 3);
        CHECK_TIME_EQ(CMSampleBufferGetDuration(sb), CMTimeMake(3003, 30000));
        CHECK_STATUS(CMSampleBufferGetSampleTimingInfo(sb, 2, &got), noErr);
        CHECK_TIME_EQ(got.presentationTimeStamp, CMTimeMake(2002, 30000));
        CHECK_TIME_EQ(got.decodeTimeStamp, CMTimeMake(2002, 30000));
        CHECK_TIME_EQ(got.duration, CMTimeMake(1001, 30000));
        CHECK_STATUS(CMSampleBufferGetSampleTimingInfoArray(sb, 3, arr, &needed), noErr);
        CHECK_EQ_INT(needed, 1);
        CHECK_EQ_INT(CMSampleBufferGetTotalSampleSize(sb), 60);
        CHECK_EQ_INT(CMSampleBufferGetSampleSize(sb, 1), 20);
        CHECK_STATUS(CMSampleBufferGetSampleSizeArray(sb, 2, out_sizes, &needed),
                     kCMSampleBufferError_ArrayTooSmall);
        CHECK_EQ_INT(needed, 3);
        CHECK_STATUS(CMSampleBufferGetSampleSizeArray(sb, 3, out_sizes, &needed), noErr);
        CHECK(out_sizes[2] == 30);
        CHECK(CMSampleBufferGetFormatDescription(sb) == NULL);
        CFRelease(sb);
    }
    /* one entry per sample, out of presentation order; one size for all */
    sizes[0] = 7;
    CHECK_STATUS(CMSampleBufferCreateReady(NULL, bb, NULL, 3, 3, three, 1, sizes, &sb), noErr);
    if (sb) {
        CHECK_TIME_EQ(CMSampleBufferGetPresentationTimeStamp(sb), CMTimeMake(0, 30));
        CHECK(CMTIME_IS_INVALID(CMSampleBufferGetDecodeTimeStamp(sb)));
        CHECK_TIME_EQ(CMSampleBufferGetDuration(sb), CMTimeMake(3, 30));
        CHECK_STATUS(CMSampleBufferGetSampleTimingInfo(sb, 2, &got), noErr);
        CHECK_TIME_EQ(got.presentationTimeStamp, CMTimeMake(1, 30));
        CHECK_STATUS(CMSampleBufferGetSampleTimingInfoArray(sb, 2, arr, &needed),
                     kCMSampleBufferError_ArrayTooSmall);
        CHECK_EQ_INT(needed, 3);
        CHECK_EQ_INT(CMSampleBufferGetTotalSampleSize(sb), 21);
        CHECK_EQ_INT(CMSampleBufferGetSampleSize(sb, 2), 7);
        CFRelease(sb);
    }
    /* bad entry counts */
    CHECK_STATUS(CMSampleBufferCreateReady(NULL, bb, NULL, 3, 2, three, 0, NULL, &sb),
                 kCMSampleBufferError_InvalidEntryCount);
    CHECK(sb == NULL);
    CHECK_STATUS(CMSampleBufferCreateReady(NULL, bb, NULL, 3, 0, NULL, 2, sizes, &sb),
                 kCMSampleBufferError_InvalidEntryCount);
    CHECK_STATUS(CMSampleBufferCreateReady(NULL, bb, NULL, 3, -1, three, 0, NULL, &sb),
                 kCMSampleBufferError_InvalidEntryCount);
    CHECK_STATUS(CMSampleBufferCreateReady(NULL, bb, NULL, -1, 0, NULL, 0, NULL, &sb),
                 kCMSampleBufferError_InvalidEntryCount);
    CHECK_STATUS(CMSampleBufferCreateReady(NULL, bb, NULL, 3, 1, NULL, 0, NULL, &sb),
                 kCMSampleBufferError_RequiredParameterMissing);
    CHECK_STATUS(CMSampleBufferCreateReady(NULL, bb, NULL, 3, 0, NULL, 1, NULL, &sb),
                 kCMSampleBufferError_RequiredParameterMissing);
    CHECK_STATUS(CMSampleBufferCreateReady(NULL, bb, NULL, 1, 0, NULL, 0, NULL, NULL),
                 kCMSampleBufferError_RequiredParameterMissing);
    CHECK_STATUS(CMSampleBufferCreateReady(NULL, (CMBlockBufferRef)CFSTR("x"), NULL, 1, 0, NULL, 0,
                                           NULL, &sb),
                 kCMSampleBufferError_InvalidSampleData);
    CHECK_STATUS(
        CMSampleBufferCreateReady(NULL, bb, (CMFormatDescriptionRef)bb, 1, 0, NULL, 0, NULL, &sb),
        kCMSampleBufferError_InvalidMediaFormat);

    /* no timing, no sizes */
    CHECK_STATUS(CMSampleBufferCreateReady(NULL, bb, NULL, 1, 0, NULL, 0, NULL, &sb), noErr);
    if (sb) {
        CHECK(CMTIME_IS_INVALID(CMSampleBufferGetPresentationTimeStamp(sb)));
        CHECK(CMTIME_IS_INVALID(CMSampleBufferGetDuration(sb)));
        CHECK(CMTIME_IS_INVALID(CMSampleBufferGetOutputPresentationTimeStamp(sb)));
        CHECK_STATUS(CMSampleBufferGetSampleTimingInfo(sb, 0, &got),
                     kCMSampleBufferError_BufferHasNoSampleTimingInfo);
        CHECK_STATUS(CMSampleBufferGetSampleTimingInfoArray(sb, 1, arr, &needed),
                     kCMSampleBufferError_BufferHasNoSampleTimingInfo);
        CHECK_EQ_INT(needed, 0);
        CHECK_STATUS(CMSampleBufferGetSampleSizeArray(sb, 1, out_sizes, &needed),
                     kCMSampleBufferError_BufferHasNoSampleSizes);
        CHECK_EQ_INT(CMSampleBufferGetTotalSampleSize(sb), 0);
        CHECK_EQ_INT(CMSampleBufferGetSampleSize(sb, 0), 0);
        CFRelease(sb);
    }
    /* zero samples: a marker buffer */
    CHECK_STATUS(CMSampleBufferCreateReady(NULL, NULL, NULL, 0, 0, NULL, 0, NULL, &sb), noErr);
    if (sb) {
        CHECK(CMSampleBufferGetSampleAttachmentsArray(sb, TRUE) == NULL);
        CHECK_STATUS(CMSampleBufferGetSampleTimingInfo(sb, 0, &got),
                     kCMSampleBufferError_SampleIndexOutOfRange);
        CFRelease(sb);
    }
    CFRelease(bb);
}

static void test_sample_attachments(void) {
    CMSampleBufferRef sb = NULL;
    CFArrayRef a, b;
    CFMutableDictionaryRef d;
    CHECK_STATUS(CMSampleBufferCreateReady(NULL, NULL, NULL, 2, 0, NULL, 0, NULL, &sb), noErr);
    if (!sb)
        return;
    CHECK(CMSampleBufferGetSampleAttachmentsArray(sb, FALSE) == NULL);
    a = CMSampleBufferGetSampleAttachmentsArray(sb, TRUE);
    CHECK(a != NULL && CFGetTypeID(a) == CFArrayGetTypeID() && CFArrayGetCount(a) == 2);
    if (!a) {
        CFRelease(sb);
        return;
    }
    b = CMSampleBufferGetSampleAttachmentsArray(sb, TRUE);
    CHECK(a == b);
    CHECK(CMSampleBufferGetSampleAttachmentsArray(sb, FALSE) == a);
    d = (CFMutableDictionaryRef)CFArrayGetValueAtIndex(a, 1);
    CHECK(d && CFGetTypeID(d) == CFDictionaryGetTypeID() && CFDictionaryGetCount(d) == 0);
    CFDictionarySetValue(d, kCMSampleAttachmentKey_NotSync, kCFBooleanTrue);
    b = CMSampleBufferGetSampleAttachmentsArray(sb, FALSE);
    CHECK(CFDictionaryGetValue(CFArrayGetValueAtIndex(b, 1), CFSTR("NotSync")) == kCFBooleanTrue);
    CHECK(CFDictionaryGetCount(CFArrayGetValueAtIndex(b, 0)) == 0);
    CFRelease(sb);
}

typedef struct {
    int calls;
    OSStatus result;
    CMSampleBufferRef seen;
    uint64_t refcon;
} CallbackLog;

static OSStatus make_ready(CMSampleBufferRef sbuf, void *refcon) {
    CallbackLog *log = refcon;
    log->calls++;
    log->seen = sbuf;
    return log->result;
}

static void on_invalidate(CMSampleBufferRef sbuf, uint64_t refcon) {
    static CallbackLog *log;
    if (!sbuf) { /* setup call */
        log = (CallbackLog *)(uintptr_t)refcon;
        return;
    }
    log->calls++;
    log->seen = sbuf;
    log->refcon = refcon;
}

static void test_readiness_and_invalidation(void) {
    CMBlockBufferRef bb = make_block(8);
    CMSampleBufferRef sb = NULL;
    CallbackLog ready = {0, -1, NULL, 0}, inv = {0, 0, NULL, 0};
    OSStatus failure = 0;
    CMSampleTimingInfo t = timing(1, 0, -1, 1), got;

    CHECK_STATUS(
        CMSampleBufferCreate(NULL, NULL, FALSE, make_ready, &ready, NULL, 1, 1, &t, 0, NULL, &sb),
        noErr);
    if (!sb)
        return;
    CHECK(!CMSampleBufferDataIsReady(sb));
    CHECK(CMSampleBufferGetDataBuffer(sb) == NULL);
    CHECK_STATUS(CMSampleBufferMakeDataReady(sb), -1); /* callback error */
    CHECK(ready.calls == 1 && ready.seen == sb && !CMSampleBufferDataIsReady(sb));
    ready.result = noErr;
    CHECK_STATUS(CMSampleBufferSetDataBuffer(sb, bb), noErr);
    CHECK(CMSampleBufferGetDataBuffer(sb) == bb);
    CHECK_STATUS(CMSampleBufferMakeDataReady(sb), noErr);
    CHECK(ready.calls == 2 && CMSampleBufferDataIsReady(sb));
    CHECK_STATUS(CMSampleBufferMakeDataReady(sb), noErr);
    CHECK_EQ_INT(ready.calls, 2); /* already ready: not called */

    CHECK(!CMSampleBufferHasDataFailed(sb, &failure));
    CHECK_STATUS(CMSampleBufferSetDataFailed(sb, -42), noErr);
    CHECK(CMSampleBufferHasDataFailed(sb, &failure) && failure == -42);
    CHECK(CMSampleBufferHasDataFailed(sb, NULL));

    on_invalidate(NULL, (uint64_t)(uintptr_t)&inv);
    CHECK_STATUS(CMSampleBufferSetInvalidateCallback(sb, on_invalidate, 77), noErr);
    CHECK_STATUS(CMSampleBufferSetInvalidateCallback(sb, NULL, 77),
                 kCMSampleBufferError_RequiredParameterMissing);
    CHECK_STATUS(CMSampleBufferInvalidate(sb), noErr);
    CHECK(inv.calls == 1 && inv.seen == sb && inv.refcon == 77);
    CHECK(!CMSampleBufferIsValid(sb));
    CHECK_STATUS(CMSampleBufferInvalidate(sb), kCMSampleBufferError_Invalidated);
    CHECK_EQ_INT(inv.calls, 1);
    CHECK(CMSampleBufferGetDataBuffer(sb) == NULL);
    CHECK(!CMSampleBufferDataIsReady(sb));
    CHECK(CMTIME_IS_INVALID(CMSampleBufferGetPresentationTimeStamp(sb)));
    CHECK(CMSampleBufferGetSampleAttachmentsArray(sb, TRUE) == NULL);
    CHECK_STATUS(CMSampleBufferSetDataReady(sb), kCMSampleBufferError_Invalidated);
    CHECK_STATUS(CMSampleBufferMakeDataReady(sb), kCMSampleBufferError_Invalidated);
    CHECK_STATUS(CMSampleBufferGetSampleTimingInfo(sb, 0, &got), kCMSampleBufferError_Invalidated);
    CHECK_STATUS(CMSampleBufferSetInvalidateCallback(sb, on_invalidate, 1),
                 kCMSampleBufferError_Invalidated);
    CHECK_STATUS(CMSampleBufferSetOutputPresentationTimeStamp(sb, kCMTimeZero),
                 kCMSampleBufferError_Invalidated);
    {
        CMSampleBufferRef copy = NULL;
        CHECK_STATUS(CMSampleBufferCreateCopy(NULL, sb, &copy), kCMSampleBufferError_Invalidated);
        CHECK(copy == NULL);
    }
    CFRelease(sb);

    /* not ready, no callback */
    CHECK_STATUS(CMSampleBufferCreate(NULL, bb, FALSE, NULL, NULL, NULL, 1, 0, NULL, 0, NULL, &sb),
                 noErr);
    CHECK_STATUS(CMSampleBufferMakeDataReady(sb), kCMSampleBufferError_BufferNotReady);
    CHECK_STATUS(CMSampleBufferSetDataReady(sb), noErr);
    CHECK(CMSampleBufferDataIsReady(sb));
    CFRelease(sb);
    CFRelease(bb);
}

static void test_copy(void) {
    CMBlockBufferRef bb = make_block(8);
    CMSampleBufferRef sb = NULL, copy = NULL;
    CMSampleTimingInfo t = timing(1, 3, 2, 10), nt = timing(2, 30, 20, 100), got;
    size_t size = 8;
    CFMutableDictionaryRef d;
    CMAttachmentMode mode = 99;

    CHECK_STATUS(CMSampleBufferCreateReady(NULL, bb, NULL, 1, 1, &t, 1, &size, &sb), noErr);
    if (!sb)
        return;
    d = (CFMutableDictionaryRef)CFArrayGetValueAtIndex(
        CMSampleBufferGetSampleAttachmentsArray(sb, TRUE), 0);
    CFDictionarySetValue(d, kCMSampleAttachmentKey_DependsOnOthers, kCFBooleanFalse);
    CMSetAttachment(sb, kCMSampleBufferAttachmentKey_DrainAfterDecoding, kCFBooleanTrue,
                    kCMAttachmentMode_ShouldPropagate);
    CHECK_STATUS(CMSampleBufferCreateCopy(NULL, sb, &copy), noErr);
    if (copy) {
        CFArrayRef a = CMSampleBufferGetSampleAttachmentsArray(copy, FALSE);
        CHECK(copy != sb && CMSampleBufferGetDataBuffer(copy) == bb);
        CHECK(a && a != CMSampleBufferGetSampleAttachmentsArray(sb, FALSE));
        CHECK(a && CFArrayGetValueAtIndex(a, 0) != d);
        CHECK(a && CFDictionaryGetValue(CFArrayGetValueAtIndex(a, 0),
                                        kCMSampleAttachmentKey_DependsOnOthers) == kCFBooleanFalse);
        CHECK(CMGetAttachment(copy, CFSTR("DrainAfterDecoding"), &mode) == kCFBooleanTrue);
        CHECK_EQ_INT(mode, kCMAttachmentMode_ShouldPropagate);
        CHECK_STATUS(CMSampleBufferGetSampleTimingInfo(copy, 0, &got), noErr);
        CHECK(memcmp(&got, &t, sizeof(t)) == 0);
        CHECK_EQ_INT(CMSampleBufferGetTotalSampleSize(copy), 8);
        CHECK(CMSampleBufferDataIsReady(copy));
        CFRelease(copy);
    }
    CHECK_STATUS(CMSampleBufferCreateCopyWithNewTiming(NULL, sb, 1, &nt, &copy), noErr);
    if (copy) {
        CHECK_TIME_EQ(CMSampleBufferGetPresentationTimeStamp(copy), CMTimeMake(30, 100));
        CHECK_TIME_EQ(CMSampleBufferGetPresentationTimeStamp(sb), CMTimeMake(3, 10));
        CFRelease(copy);
    }
    CHECK_STATUS(CMSampleBufferCreateCopyWithNewTiming(NULL, sb, 2, &nt, &copy),
                 kCMSampleBufferError_InvalidEntryCount);
    CHECK_STATUS(CMSampleBufferCreateCopy(NULL, NULL, &copy),
                 kCMSampleBufferError_RequiredParameterMissing);
    CHECK_STATUS(CMSampleBufferCreateCopy(NULL, sb, NULL),
                 kCMSampleBufferError_RequiredParameterMissing);
    CFRelease(sb);
    CFRelease(bb);
}

static void test_attachments(void) {
    CMSampleBufferRef sb = NULL, other = NULL;
    CMAttachmentMode mode = 99;
    CFDictionaryRef d;
    CVPixelBufferRef pb = NULL;
    CFStringRef key =
        CFStringCreateWithCString(NULL, "ResetDecoderBeforeDecoding", kCFStringEncodingUTF8);

    CHECK_STATUS(CMSampleBufferCreateReady(NULL, NULL, NULL, 1, 0, NULL, 0, NULL, &sb), noErr);
    CHECK_STATUS(CMSampleBufferCreateReady(NULL, NULL, NULL, 1, 0, NULL, 0, NULL, &other), noErr);
    if (!sb || !other)
        return;
    CHECK(CMCopyDictionaryOfAttachments(NULL, sb, kCMAttachmentMode_ShouldPropagate) == NULL);
    CMSetAttachment(sb, kCMSampleBufferAttachmentKey_ResetDecoderBeforeDecoding, kCFBooleanTrue,
                    kCMAttachmentMode_ShouldPropagate);
    CMSetAttachment(sb, CFSTR("Private"), kCFBooleanFalse, kCMAttachmentMode_ShouldNotPropagate);
    CHECK(CMGetAttachment(sb, key, &mode) == kCFBooleanTrue); /* found by content */
    CHECK_EQ_INT(mode, kCMAttachmentMode_ShouldPropagate);
    CHECK(CMGetAttachment(sb, CFSTR("Private"), &mode) == kCFBooleanFalse);
    CHECK_EQ_INT(mode, kCMAttachmentMode_ShouldNotPropagate);
    CHECK(CMGetAttachment(sb, CFSTR("Private"), NULL) == kCFBooleanFalse);
    mode = 99;
    CHECK(CMGetAttachment(sb, CFSTR("Missing"), &mode) == NULL);
    CHECK_EQ_INT(mode, 99);
    d = CMCopyDictionaryOfAttachments(NULL, sb, kCMAttachmentMode_ShouldPropagate);
    CHECK(d && CFDictionaryGetCount(d) == 1);
    if (d)
        CFRelease(d);
    /* moving a key to the other mode */
    CMSetAttachment(sb, CFSTR("Private"), kCFBooleanTrue, kCMAttachmentMode_ShouldPropagate);
    d = CMCopyDictionaryOfAttachments(NULL, sb, kCMAttachmentMode_ShouldPropagate);
    CHECK(d && CFDictionaryGetCount(d) == 2);
    if (d)
        CFRelease(d);
    CHECK(CMCopyDictionaryOfAttachments(NULL, sb, kCMAttachmentMode_ShouldNotPropagate) == NULL);
    CMPropagateAttachments(sb, other);
    CHECK(CMGetAttachment(other, CFSTR("Private"), &mode) == kCFBooleanTrue);
    CHECK_EQ_INT(mode, kCMAttachmentMode_ShouldPropagate);
    CMRemoveAttachment(sb, CFSTR("Private"));
    CHECK(CMGetAttachment(sb, CFSTR("Private"), NULL) == NULL);
    CMRemoveAllAttachments(sb);
    CHECK(CMGetAttachment(sb, key, NULL) == NULL);
    /* CMSetAttachments */
    d = CMCopyDictionaryOfAttachments(NULL, other, kCMAttachmentMode_ShouldPropagate);
    CMSetAttachments(sb, d, kCMAttachmentMode_ShouldNotPropagate);
    CHECK(CMGetAttachment(sb, key, &mode) == kCFBooleanTrue);
    CHECK_EQ_INT(mode, kCMAttachmentMode_ShouldNotPropagate);
    if (d)
        CFRelease(d);

    /* NULL / non-bearer / bad mode arguments are harmless */
    CMSetAttachment(NULL, key, kCFBooleanTrue, kCMAttachmentMode_ShouldPropagate);
    CMSetAttachment(sb, NULL, kCFBooleanTrue, kCMAttachmentMode_ShouldPropagate);
    CMSetAttachment(sb, key, NULL, kCMAttachmentMode_ShouldPropagate);
    CMSetAttachment(sb, CFSTR("BadMode"), kCFBooleanTrue, 7);
    CHECK(CMGetAttachment(sb, CFSTR("BadMode"), NULL) == NULL);
    CMSetAttachment(key, key, kCFBooleanTrue, kCMAttachmentMode_ShouldPropagate);
    CHECK(CMGetAttachment(key, key, NULL) == NULL);
    CHECK(CMGetAttachment(NULL, key, NULL) == NULL);
    CHECK(CMGetAttachment(sb, NULL, NULL) == NULL);
    CHECK(CMCopyDictionaryOfAttachments(NULL, NULL, 0) == NULL);
    CHECK(CMCopyDictionaryOfAttachments(NULL, sb, 5) == NULL);
    CMRemoveAttachment(NULL, key);
    CMRemoveAttachment(sb, NULL);
    CMRemoveAllAttachments(NULL);
    CMSetAttachments(sb, NULL, 0);
    CMSetAttachments(NULL, NULL, 0);
    CMPropagateAttachments(NULL, sb);
    CMPropagateAttachments(sb, NULL);
    CMPropagateAttachments(sb, sb);

    /* CVPixelBuffers: forwarded to the CVBuffer attachment API */
    CHECK_STATUS(CVPixelBufferCreate(NULL, 16, 16, kCVPixelFormatType_420YpCbCr8BiPlanarVideoRange,
                                     NULL, &pb),
                 kCVReturnSuccess);
    if (pb) {
        CVAttachmentMode cv_mode = 9;
        CMSetAttachment(pb, kCVImageBufferColorPrimariesKey,
                        kCVImageBufferColorPrimaries_ITU_R_709_2,
                        kCMAttachmentMode_ShouldPropagate);
        CHECK(CVBufferGetAttachment(pb, kCVImageBufferColorPrimariesKey, &cv_mode) ==
              kCVImageBufferColorPrimaries_ITU_R_709_2);
        CHECK_EQ_INT(cv_mode, kCVAttachmentMode_ShouldPropagate);
        CVBufferSetAttachment(pb, CFSTR("NP"), kCFBooleanTrue,
                              kCVAttachmentMode_ShouldNotPropagate);
        CHECK(CMGetAttachment(pb, CFSTR("NP"), &mode) == kCFBooleanTrue);
        CHECK_EQ_INT(mode, kCMAttachmentMode_ShouldNotPropagate);
        d = CMCopyDictionaryOfAttachments(NULL, pb, kCMAttachmentMode_ShouldPropagate);
        CHECK(d && CFDictionaryGetCount(d) >= 1);
        if (d)
            CFRelease(d);
        /* pixel buffer -> sample buffer propagation */
        CMPropagateAttachments(pb, other);
        CHECK(CMGetAttachment(other, kCVImageBufferColorPrimariesKey, NULL) ==
              kCVImageBufferColorPrimaries_ITU_R_709_2);
        CHECK(CMGetAttachment(other, CFSTR("NP"), NULL) == NULL);
        CMRemoveAttachment(pb, CFSTR("NP"));
        CHECK(CVBufferGetAttachment(pb, CFSTR("NP"), NULL) == NULL);
        CMRemoveAllAttachments(pb);
        CHECK(CVBufferGetAttachment(pb, kCVImageBufferColorPrimariesKey, NULL) == NULL);
        CVPixelBufferRelease(pb);
    }
    CFRelease(key);
    CFRelease(sb);
    CFRelease(other);
}

static void test_image_buffer_sample(void) {
    CVPixelBufferRef pb = NULL;
    CMVideoFormatDescriptionRef fd = NULL, wrong = NULL;
    CMSampleBufferRef sb = NULL;
    CMSampleTimingInfo t = timing(1, 0, -1, 30);
    CHECK_STATUS(CVPixelBufferCreate(NULL, 32, 16, kCVPixelFormatType_420YpCbCr8BiPlanarVideoRange,
                                     NULL, &pb),
                 kCVReturnSuccess);
    if (!pb)
        return;
    CHECK_STATUS(CMVideoFormatDescriptionCreateForImageBuffer(NULL, pb, &fd), noErr);
    CHECK_STATUS(CMSampleBufferCreateReadyWithImageBuffer(NULL, pb, fd, &t, &sb), noErr);
    if (sb) {
        CHECK(CMSampleBufferGetImageBuffer(sb) == pb);
        CHECK(CMSampleBufferGetDataBuffer(sb) == NULL);
        CHECK(CMSampleBufferGetFormatDescription(sb) == fd);
        CHECK_EQ_INT(CMSampleBufferGetNumSamples(sb), 1);
        CHECK_TIME_EQ(CMSampleBufferGetDuration(sb), CMTimeMake(1, 30));
        CHECK_STATUS(CMSampleBufferSetDataBuffer(sb, NULL),
                     kCMSampleBufferError_RequiredParameterMissing);
        CHECK_EQ_INT(CFGetRetainCount(pb), 2);
        CFRelease(sb);
        CHECK_EQ_INT(CFGetRetainCount(pb), 1);
    }
    CHECK_STATUS(CMVideoFormatDescriptionCreate(
                     NULL, kCVPixelFormatType_420YpCbCr8BiPlanarVideoRange, 33, 16, NULL, &wrong),
                 noErr);
    CHECK_STATUS(CMSampleBufferCreateForImageBuffer(NULL, pb, TRUE, NULL, NULL, wrong, &t, &sb),
                 kCMSampleBufferError_InvalidMediaFormat);
    CHECK(sb == NULL);
    CHECK_STATUS(CMSampleBufferCreateForImageBuffer(NULL, pb, TRUE, NULL, NULL, fd, NULL, &sb),
                 kCMSampleBufferError_RequiredParameterMissing);
    CHECK_STATUS(CMSampleBufferCreateForImageBuffer(NULL, NULL, TRUE, NULL, NULL, fd, &t, &sb),
                 kCMSampleBufferError_RequiredParameterMissing);
    CHECK_STATUS(CMSampleBufferCreateForImageBuffer(NULL, pb, TRUE, NULL, NULL, NULL, &t, &sb),
                 kCMSampleBufferError_RequiredParameterMissing);
    CHECK_STATUS(CMSampleBufferCreateForImageBuffer(NULL, pb, TRUE, NULL, NULL, fd, &t, NULL),
                 kCMSampleBufferError_RequiredParameterMissing);
    CFRelease(wrong);
    CFRelease(fd);
    CVPixelBufferRelease(pb);
}

static void test_encoder_helper(void) {
    CMFormatDescriptionRef fd = NULL;
    CMSampleBufferRef sb = NULL;
    CFDictionaryRef att;
    CFMutableDictionaryRef extra;
    uint8_t *data;
    char *p = NULL;
    size_t len = 0;
    long n;
    int ok;

    CHECK_STATUS(CMVideoFormatDescriptionCreate(NULL, kCMVideoCodecType_H264, 64, 48, NULL, &fd),
                 noErr);

    /* key frame */
    data = vt_malloc(16);
    memset(data, 0xab, 16);
    CHECK_STATUS(vt_cm_sample_buffer_create_encoded(data, 16, fd, CMTimeMake(0, 30),
                                                    CMTimeMake(0, 30), CMTimeMake(1, 30),
                                                    VT_CM_SAMPLE_SYNC, NULL, &sb),
                 noErr);
    if (sb) {
        CHECK_EQ_INT(CMSampleBufferGetNumSamples(sb), 1);
        CHECK(CMSampleBufferDataIsReady(sb));
        CHECK(CMSampleBufferGetFormatDescription(sb) == fd);
        CHECK_EQ_INT(CMSampleBufferGetTotalSampleSize(sb), 16);
        CHECK_STATUS(
            CMBlockBufferGetDataPointer(CMSampleBufferGetDataBuffer(sb), 0, &len, NULL, &p), noErr);
        CHECK(p == (char *)data && len == 16); /* no copy, one contiguous block */
        att = CFArrayGetValueAtIndex(CMSampleBufferGetSampleAttachmentsArray(sb, FALSE), 0);
        CHECK(!CFDictionaryContainsKey(att, kCMSampleAttachmentKey_NotSync));
        CHECK(CFDictionaryGetValue(att, kCMSampleAttachmentKey_DependsOnOthers) == kCFBooleanFalse);
        CHECK(CFDictionaryGetValue(att, kCMSampleAttachmentKey_IsDependedOnByOthers) ==
              kCFBooleanTrue);
        CHECK(!CFDictionaryContainsKey(att, kCMSampleAttachmentKey_PartialSync));
        CHECK_TIME_EQ(CMSampleBufferGetDuration(sb), CMTimeMake(1, 30));
        CFRelease(sb);
    }
    /* non-reference B frame with extra attachments and reordering */
    extra = CFDictionaryCreateMutable(NULL, 0, &kCFTypeDictionaryKeyCallBacks,
                                      &kCFTypeDictionaryValueCallBacks);
    CFDictionarySetValue(extra, CFSTR("vtcore.test"), kCFBooleanTrue);
    data = vt_malloc(4);
    memset(data, 0, 4);
    CHECK_STATUS(vt_cm_sample_buffer_create_encoded(
                     data, 4, fd, CMTimeMake(1, 30), CMTimeMake(2, 30), kCMTimeInvalid,
                     VT_CM_SAMPLE_DROPPABLE | VT_CM_SAMPLE_EARLIER_DISPLAY_TIMES_ALLOWED, extra,
                     &sb),
                 noErr);
    if (sb) {
        att = CFArrayGetValueAtIndex(CMSampleBufferGetSampleAttachmentsArray(sb, FALSE), 0);
        CHECK(CFDictionaryGetValue(att, kCMSampleAttachmentKey_NotSync) == kCFBooleanTrue);
        CHECK(CFDictionaryGetValue(att, kCMSampleAttachmentKey_DependsOnOthers) == kCFBooleanTrue);
        CHECK(CFDictionaryGetValue(att, kCMSampleAttachmentKey_IsDependedOnByOthers) ==
              kCFBooleanFalse);
        CHECK(CFDictionaryGetValue(att, kCMSampleAttachmentKey_EarlierDisplayTimesAllowed) ==
              kCFBooleanTrue);
        CHECK(CFDictionaryGetValue(att, CFSTR("vtcore.test")) == kCFBooleanTrue);
        CHECK(CMTIME_IS_INVALID(CMSampleBufferGetDuration(sb)));
        CHECK_TIME_EQ(CMSampleBufferGetDecodeTimeStamp(sb), CMTimeMake(2, 30));
        CFRelease(sb);
    }
    /* open-GOP I frame */
    data = vt_malloc(4);
    memset(data, 0, 4);
    CHECK_STATUS(vt_cm_sample_buffer_create_encoded(
                     data, 4, fd, CMTimeMake(1, 30), CMTimeMake(1, 30), CMTimeMake(1, 30),
                     VT_CM_SAMPLE_INTRA | VT_CM_SAMPLE_PARTIAL_SYNC, NULL, &sb),
                 noErr);
    if (sb) {
        att = CFArrayGetValueAtIndex(CMSampleBufferGetSampleAttachmentsArray(sb, FALSE), 0);
        CHECK(CFDictionaryGetValue(att, kCMSampleAttachmentKey_NotSync) == kCFBooleanTrue);
        CHECK(CFDictionaryGetValue(att, kCMSampleAttachmentKey_PartialSync) == kCFBooleanTrue);
        CHECK(CFDictionaryGetValue(att, kCMSampleAttachmentKey_DependsOnOthers) == kCFBooleanFalse);
        CFRelease(sb);
    }
    /* errors: the data is consumed in every case (LSan checks) */
    CHECK_STATUS(vt_cm_sample_buffer_create_encoded(vt_malloc(4), 4, fd, kCMTimeZero, kCMTimeZero,
                                                    kCMTimeZero, 0, NULL, NULL),
                 kCMSampleBufferError_RequiredParameterMissing);
    CHECK_STATUS(vt_cm_sample_buffer_create_encoded(vt_malloc(4), 0, fd, kCMTimeZero, kCMTimeZero,
                                                    kCMTimeZero, 0, NULL, &sb),
                 kCMBlockBufferBadLengthParameterErr);
    CHECK(sb == NULL);
    /* allocation failures at every step */
    ok = 0;
    for (n = 1; n < 100 && !ok; n++) {
        OSStatus st;
        data = vt_malloc(8);
        memset(data, 1, 8);
        sb = NULL;
        vtcore_debug_fail_allocation_after(n);
        st = vt_cm_sample_buffer_create_encoded(data, 8, fd, kCMTimeZero, kCMTimeZero, kCMTimeZero,
                                                0, extra, &sb);
        vtcore_debug_fail_allocation_after(0);
        CHECK_MSG(st == noErr || st == kCMSampleBufferError_AllocationFailed ||
                      st == kCMBlockBufferStructureAllocationFailedErr,
                  "n=%ld st=%d", n, (int)st);
        if (st == noErr) {
            ok = 1;
            att = CFArrayGetValueAtIndex(CMSampleBufferGetSampleAttachmentsArray(sb, FALSE), 0);
            CHECK(CFDictionaryGetValue(att, kCMSampleAttachmentKey_NotSync) == kCFBooleanTrue);
            CFRelease(sb);
        } else {
            CHECK(sb == NULL);
        }
    }
    CHECK(ok);
    CFRelease(extra);
    CHECK_EQ_INT(CFGetRetainCount(fd), 1);
    CFRelease(fd);
}

static void test_null_arguments(void) {
    CMSampleTimingInfo t;
    CMItemCount needed = 5;
    size_t sizes[1];
    OSStatus st = 1;
    CHECK(CMSampleBufferGetDataBuffer(NULL) == NULL);
    CHECK(CMSampleBufferGetImageBuffer(NULL) == NULL);
    CHECK(CMSampleBufferGetFormatDescription(NULL) == NULL);
    CHECK_EQ_INT(CMSampleBufferGetNumSamples(NULL), 0);
    CHECK(CMTIME_IS_INVALID(CMSampleBufferGetPresentationTimeStamp(NULL)));
    CHECK(CMTIME_IS_INVALID(CMSampleBufferGetDecodeTimeStamp(NULL)));
    CHECK(CMTIME_IS_INVALID(CMSampleBufferGetDuration(NULL)));
    CHECK(CMTIME_IS_INVALID(CMSampleBufferGetOutputPresentationTimeStamp(NULL)));
    CHECK(CMTIME_IS_INVALID(CMSampleBufferGetOutputDecodeTimeStamp(NULL)));
    CHECK(CMTIME_IS_INVALID(CMSampleBufferGetOutputDuration(NULL)));
    CHECK_EQ_INT(CMSampleBufferGetTotalSampleSize(NULL), 0);
    CHECK_EQ_INT(CMSampleBufferGetSampleSize(NULL, 0), 0);
    CHECK(CMSampleBufferGetSampleAttachmentsArray(NULL, TRUE) == NULL);
    CHECK(!CMSampleBufferDataIsReady(NULL));
    CHECK(!CMSampleBufferIsValid(NULL));
    CHECK(!CMSampleBufferHasDataFailed(NULL, &st));
    CHECK_EQ_INT(st, 0);
    CHECK_STATUS(CMSampleBufferSetDataReady(NULL), kCMSampleBufferError_RequiredParameterMissing);
    CHECK_STATUS(CMSampleBufferMakeDataReady(NULL), kCMSampleBufferError_RequiredParameterMissing);
    CHECK_STATUS(CMSampleBufferSetDataFailed(NULL, 1),
                 kCMSampleBufferError_RequiredParameterMissing);
    CHECK_STATUS(CMSampleBufferInvalidate(NULL), kCMSampleBufferError_RequiredParameterMissing);
    CHECK_STATUS(CMSampleBufferSetInvalidateCallback(NULL, on_invalidate, 0),
                 kCMSampleBufferError_RequiredParameterMissing);
    CHECK_STATUS(CMSampleBufferSetDataBuffer(NULL, NULL),
                 kCMSampleBufferError_RequiredParameterMissing);
    CHECK_STATUS(CMSampleBufferSetOutputPresentationTimeStamp(NULL, kCMTimeZero),
                 kCMSampleBufferError_RequiredParameterMissing);
    CHECK_STATUS(CMSampleBufferGetSampleTimingInfo(NULL, 0, &t),
                 kCMSampleBufferError_RequiredParameterMissing);
    CHECK_STATUS(CMSampleBufferGetSampleTimingInfoArray(NULL, 1, &t, &needed),
                 kCMSampleBufferError_RequiredParameterMissing);
    CHECK_EQ_INT(needed, 0);
    CHECK_STATUS(CMSampleBufferGetOutputSampleTimingInfoArray(NULL, 1, &t, NULL),
                 kCMSampleBufferError_RequiredParameterMissing);
    CHECK_STATUS(CMSampleBufferGetSampleSizeArray(NULL, 1, sizes, NULL),
                 kCMSampleBufferError_RequiredParameterMissing);
    CHECK_STATUS(
        CMSampleBufferCreate(NULL, NULL, TRUE, NULL, NULL, NULL, 0, 0, NULL, 0, NULL, NULL),
        kCMSampleBufferError_RequiredParameterMissing);
    CHECK_STATUS(CMSampleBufferCreateCopyWithNewTiming(NULL, NULL, 0, NULL, NULL),
                 kCMSampleBufferError_RequiredParameterMissing);
    /* a non-sample-buffer object is rejected */
    CHECK_EQ_INT(CMSampleBufferGetNumSamples((CMSampleBufferRef)(void *)CFSTR("x")), 0);
}

/* Several threads race to create the attachments array: all get the same. */
static CMSampleBufferRef race_sbuf;
static void *race_thread(void *arg) {
    CFArrayRef *out = arg;
    *out = CMSampleBufferGetSampleAttachmentsArray(race_sbuf, TRUE);
    CMSetAttachment(race_sbuf, CFSTR("k"), kCFBooleanTrue, kCMAttachmentMode_ShouldPropagate);
    (void)CMGetAttachment(race_sbuf, CFSTR("k"), NULL);
    return NULL;
}

static void test_threads(void) {
    pthread_t th[8];
    CFArrayRef got[8];
    int i;
    CHECK_STATUS(CMSampleBufferCreateReady(NULL, NULL, NULL, 4, 0, NULL, 0, NULL, &race_sbuf),
                 noErr);
    if (!race_sbuf)
        return;
    for (i = 0; i < 8; i++)
        pthread_create(&th[i], NULL, race_thread, &got[i]);
    for (i = 0; i < 8; i++)
        pthread_join(th[i], NULL);
    for (i = 0; i < 8; i++)
        CHECK(got[i] != NULL && got[i] == got[0]);
    CFRelease(race_sbuf);
}

int main(void) {
    test_layout();
    test_single_sample();
    test_multi_sample();
    test_sample_attachments();
    test_readiness_and_invalidation();
    test_copy();
    test_attachments();
    test_image_buffer_sample();
    test_encoder_helper();
    test_null_arguments();
    test_threads();
    return vt_test_result();
}
