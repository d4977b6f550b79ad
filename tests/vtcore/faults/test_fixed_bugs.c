/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Regression checks for the hardening bugs fixed after issue 9's first
 * campaigns (docs/hardening.md, "Bugs found"), stated directly rather than
 * found again by a fuzzer or the fault harness:
 *
 *   H2  CMSampleBufferCreate refuses more than 1 << 20 samples with
 *       kCMSampleBufferError_InvalidEntryCount (documented in
 *       CMSampleBuffer.h), so CMSampleBufferGetSampleAttachmentsArray(TRUE)
 *       can no longer be asked for billions of dictionaries.
 *   H5  VTPixelTransferSessionTransferImage returns kVTAllocationFailedErr
 *       (never noErr) when the result's describing attachments could not be
 *       attached, for every allocation that can fail while attaching them.
 */
#include <limits.h>

#include <CoreFoundation/CoreFoundation.h>
#include <CoreMedia/CoreMedia.h>
#include <CoreVideo/CoreVideo.h>
#include <VideoToolbox/VideoToolbox.h>
#include <vtcore/vtcore.h>

#include "vt_test.h"

#define LIMIT ((CMItemCount)1 << 20)

static void test_h2_sample_count(void) {
    CMSampleBufferRef sb = NULL;
    CMSampleTimingInfo timing = {CMTimeMake(1, 30), CMTimeMake(0, 30), kCMTimeInvalid};
    size_t size = 1;
    const CMItemCount refused[] = {LIMIT + 1, (CMItemCount)1 << 30, (CMItemCount)INT32_MAX,
                                   (CMItemCount)LONG_MAX};
    for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
        sb = (CMSampleBufferRef)(uintptr_t)1;
        CHECK_STATUS(CMSampleBufferCreate(NULL, NULL, TRUE, NULL, NULL, NULL, refused[i], 1,
                                          &timing, 1, &size, &sb),
                     kCMSampleBufferError_InvalidEntryCount);
        CHECK(sb == NULL);
        CHECK_STATUS(CMSampleBufferCreateReady(NULL, NULL, NULL, refused[i], 0, NULL, 0, NULL, &sb),
                     kCMSampleBufferError_InvalidEntryCount);
        CHECK(sb == NULL);
    }
    /* the limit itself is accepted; the per-sample queries answer for it */
    CHECK_STATUS(
        CMSampleBufferCreate(NULL, NULL, TRUE, NULL, NULL, NULL, LIMIT, 1, &timing, 1, &size, &sb),
        noErr);
    if (sb) {
        CHECK_EQ_INT(CMSampleBufferGetNumSamples(sb), LIMIT);
        CHECK_EQ_INT(CMSampleBufferGetTotalSampleSize(sb), LIMIT);
        CHECK(CMSampleBufferGetSampleAttachmentsArray(sb, FALSE) == NULL);
        CFRelease(sb);
    }
}

/* H5: every allocation of a transfer is failed in turn; whenever the call
 * says noErr, the result must be fully described. */
static void test_h5_transfer_attachments(void) {
    VTPixelTransferSessionRef ts = NULL;
    CVPixelBufferRef src = NULL, dst = NULL;
    CHECK_STATUS(VTPixelTransferSessionCreate(NULL, &ts), noErr);
    CHECK_STATUS(CVPixelBufferCreate(NULL, 64, 48, kCVPixelFormatType_32BGRA, NULL, &src),
                 kCVReturnSuccess);
    CHECK_STATUS(CVPixelBufferCreate(NULL, 32, 24, kCVPixelFormatType_420YpCbCr8BiPlanarVideoRange,
                                     NULL, &dst),
                 kCVReturnSuccess);
    if (!ts || !src || !dst)
        return;
    /* a propagated attachment of the source travels to the result (the
     * untagged BGRA source gives no colour primaries, only a matrix) */
    CVBufferSetAttachment(src, kCVImageBufferFieldCountKey, kCFBooleanTrue,
                          kCVAttachmentMode_ShouldPropagate);
    vtcore_debug_fail_allocation_after(0);
    CHECK_STATUS(VTPixelTransferSessionTransferImage(ts, src, dst), noErr);
    long allocations = vtcore_debug_fail_allocation_after(0);
    CHECK(allocations > 0);
    int refused = 0, succeeded = 0;
    for (long n = 1; n <= allocations + 1; n++) {
        vtcore_debug_fail_allocation_after(n);
        OSStatus st = VTPixelTransferSessionTransferImage(ts, src, dst);
        vtcore_debug_fail_allocation_after(0);
        if (st == noErr) {
            succeeded++;
            CHECK_MSG(CVBufferGetAttachment(dst, kCVImageBufferYCbCrMatrixKey, NULL) &&
                          CVBufferGetAttachment(dst, kCVImageBufferChromaSubsamplingKey, NULL) &&
                          CVBufferGetAttachment(dst, kCVImageBufferFieldCountKey, NULL),
                      "allocation %ld failed: noErr with an undescribed result", n);
        } else {
            refused++;
            CHECK_MSG(st == kVTAllocationFailedErr, "allocation %ld failed: %s", n,
                      vtcore_status_string(st));
        }
    }
    printf("H5: %ld allocations per transfer, %d injected failures refused, %d tolerated\n",
           allocations, refused, succeeded);
    CHECK(refused > 0);
    CVPixelBufferRelease(src);
    CVPixelBufferRelease(dst);
    VTPixelTransferSessionInvalidate(ts);
    CFRelease(ts);
}

static void quiet_log(void *user_data, int level, const char *fmt, va_list args) {
    (void)user_data;
    (void)level;
    (void)fmt;
    (void)args;
}

int main(void) {
    vtcore_set_log_callback(quiet_log, NULL, VTCORE_LOG_TRACE);
    test_h2_sample_count();
    test_h5_transfer_attachments();
    return vt_test_result();
}
