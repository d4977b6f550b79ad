/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * CMSampleBuffer. Immutable after creation except for: the data buffer
 * (once), readiness, failure status, invalidation, the output presentation
 * time, the lazily created sample-attachments array and the buffer-level
 * attachments. Those are guarded by a per-buffer mutex; callbacks run
 * without it.
 */
#include "config.h"

#include <pthread.h>
#include <string.h>

#include <CoreMedia/CMAttachment.h>
#include <CoreMedia/CMSampleBuffer.h>

#include "cf/cf_internal.h"
#include "cm/cm_internal.h"
#include "log.h"
#include "mem.h"
#include "runtime.h"

/* clang-format off */
VT_DEFINE_CONST_STRING(kCMSampleAttachmentKey_NotSync, "NotSync");
VT_DEFINE_CONST_STRING(kCMSampleAttachmentKey_PartialSync, "PartialSync");
VT_DEFINE_CONST_STRING(kCMSampleAttachmentKey_HasRedundantCoding, "HasRedundantCoding");
VT_DEFINE_CONST_STRING(kCMSampleAttachmentKey_IsDependedOnByOthers, "IsDependedOnByOthers");
VT_DEFINE_CONST_STRING(kCMSampleAttachmentKey_DependsOnOthers, "DependsOnOthers");
VT_DEFINE_CONST_STRING(kCMSampleAttachmentKey_EarlierDisplayTimesAllowed, "EarlierDisplayTimesAllowed");
VT_DEFINE_CONST_STRING(kCMSampleAttachmentKey_DisplayImmediately, "DisplayImmediately");
VT_DEFINE_CONST_STRING(kCMSampleAttachmentKey_DoNotDisplay, "DoNotDisplay");
VT_DEFINE_CONST_STRING(kCMSampleAttachmentKey_HEVCTemporalLevelInfo, "HEVCTemporalLevelInfo");
VT_DEFINE_CONST_STRING(kCMSampleAttachmentKey_HEVCTemporalSubLayerAccess, "HEVCTemporalSubLayerAccess");
VT_DEFINE_CONST_STRING(kCMSampleAttachmentKey_HEVCStepwiseTemporalSubLayerAccess, "HEVCStepwiseTemporalSubLayerAccess");
VT_DEFINE_CONST_STRING(kCMSampleAttachmentKey_HEVCSyncSampleNALUnitType, "HEVCSyncSampleNALUnitType");
VT_DEFINE_CONST_STRING(kCMSampleAttachmentKey_HDR10PlusPerFrameData, "HDR10PlusPerFrameData");
VT_DEFINE_CONST_STRING(kCMSampleAttachmentKey_CryptorSubsampleAuxiliaryData, "CryptorSubsampleAuxiliaryData");

VT_DEFINE_CONST_STRING(kCMHEVCTemporalLevelInfoKey_TemporalLevel, "TemporalLevel");
VT_DEFINE_CONST_STRING(kCMHEVCTemporalLevelInfoKey_ProfileSpace, "ProfileSpace");
VT_DEFINE_CONST_STRING(kCMHEVCTemporalLevelInfoKey_TierFlag, "TierFlag");
VT_DEFINE_CONST_STRING(kCMHEVCTemporalLevelInfoKey_ProfileIndex, "ProfileIndex");
VT_DEFINE_CONST_STRING(kCMHEVCTemporalLevelInfoKey_ProfileCompatibilityFlags, "ProfileCompatibilityFlags");
VT_DEFINE_CONST_STRING(kCMHEVCTemporalLevelInfoKey_ConstraintIndicatorFlags, "ConstraintIndicatorFlags");
VT_DEFINE_CONST_STRING(kCMHEVCTemporalLevelInfoKey_LevelIndex, "LevelIndex");

VT_DEFINE_CONST_STRING(kCMSampleBufferAttachmentKey_ResetDecoderBeforeDecoding, "ResetDecoderBeforeDecoding");
VT_DEFINE_CONST_STRING(kCMSampleBufferAttachmentKey_DrainAfterDecoding, "DrainAfterDecoding");
VT_DEFINE_CONST_STRING(kCMSampleBufferAttachmentKey_PostNotificationWhenConsumed, "PostNotificationWhenConsumed");
VT_DEFINE_CONST_STRING(kCMSampleBufferAttachmentKey_ResumeOutput, "ResumeOutput");
VT_DEFINE_CONST_STRING(kCMSampleBufferAttachmentKey_TransitionID, "TransitionID");
VT_DEFINE_CONST_STRING(kCMSampleBufferAttachmentKey_TrimDurationAtStart, "TrimDurationAtStart");
VT_DEFINE_CONST_STRING(kCMSampleBufferAttachmentKey_TrimDurationAtEnd, "TrimDurationAtEnd");
VT_DEFINE_CONST_STRING(kCMSampleBufferAttachmentKey_SpeedMultiplier, "SpeedMultiplier");
VT_DEFINE_CONST_STRING(kCMSampleBufferAttachmentKey_Reverse, "Reverse");
VT_DEFINE_CONST_STRING(kCMSampleBufferAttachmentKey_FillDiscontinuitiesWithSilence, "FillDiscontinuitiesWithSilence");
VT_DEFINE_CONST_STRING(kCMSampleBufferAttachmentKey_EmptyMedia, "EmptyMedia");
VT_DEFINE_CONST_STRING(kCMSampleBufferAttachmentKey_PermanentEmptyMedia, "PermanentEmptyMedia");
VT_DEFINE_CONST_STRING(kCMSampleBufferAttachmentKey_DisplayEmptyMediaImmediately, "DisplayEmptyMediaImmediately");
VT_DEFINE_CONST_STRING(kCMSampleBufferAttachmentKey_EndsPreviousSampleDuration, "EndsPreviousSampleDuration");
VT_DEFINE_CONST_STRING(kCMSampleBufferAttachmentKey_SampleReferenceURL, "SampleReferenceURL");
VT_DEFINE_CONST_STRING(kCMSampleBufferAttachmentKey_SampleReferenceByteOffset, "SampleReferenceByteOffset");
VT_DEFINE_CONST_STRING(kCMSampleBufferAttachmentKey_GradualDecoderRefresh, "GradualDecoderRefresh");
VT_DEFINE_CONST_STRING(kCMSampleBufferAttachmentKey_DroppedFrameReason, "DroppedFrameReason");
VT_DEFINE_CONST_STRING(kCMSampleBufferAttachmentKey_DroppedFrameReasonInfo, "DroppedFrameReasonInfo");
VT_DEFINE_CONST_STRING(kCMSampleBufferAttachmentKey_ForceKeyFrame, "ForceKeyFrame");

VT_DEFINE_CONST_STRING(kCMSampleBufferDroppedFrameReason_FrameWasLate, "FrameWasLate");
VT_DEFINE_CONST_STRING(kCMSampleBufferDroppedFrameReason_OutOfBuffers, "OutOfBuffers");
VT_DEFINE_CONST_STRING(kCMSampleBufferDroppedFrameReason_Discontinuity, "Discontinuity");
/* clang-format on */

const CMSampleTimingInfo kCMTimingInfoInvalid = {
    {0, 0, 0, 0},
    {0, 0, 0, 0},
    {0, 0, 0, 0},
};

struct opaqueCMSampleBuffer {
    VTObject base;
    pthread_mutex_t lock;
    CMBlockBufferRef data;
    CVImageBufferRef image;
    CMFormatDescriptionRef format;
    CMItemCount num_samples;
    CMItemCount num_timing;
    CMSampleTimingInfo *timing; /* &timing1 when num_timing == 1 */
    CMSampleTimingInfo timing1;
    CMItemCount num_sizes;
    size_t *sizes; /* &size1 when num_sizes == 1 */
    size_t size1;
    /* guarded by lock: */
    CFArrayRef sample_attachments;
    CFMutableDictionaryRef attachments[2]; /* by CMAttachmentMode */
    Boolean data_ready;
    Boolean invalidated;
    Boolean has_failed;
    Boolean has_output_pts;
    OSStatus failure;
    CMTime output_pts;
    CMSampleBufferMakeDataReadyCallback make_ready;
    void *make_ready_refcon;
    CMSampleBufferInvalidateCallback on_invalidate;
    uint64_t on_invalidate_refcon;
};

static void sbuf_finalize(CFTypeRef obj) {
    struct opaqueCMSampleBuffer *sb = (struct opaqueCMSampleBuffer *)obj;
    if (sb->data)
        CFRelease(sb->data);
    if (sb->image)
        CFRelease(sb->image);
    if (sb->format)
        CFRelease(sb->format);
    if (sb->timing != &sb->timing1)
        vt_free(sb->timing);
    if (sb->sizes != &sb->size1)
        vt_free(sb->sizes);
    if (sb->sample_attachments)
        CFRelease(sb->sample_attachments);
    if (sb->attachments[0])
        CFRelease(sb->attachments[0]);
    if (sb->attachments[1])
        CFRelease(sb->attachments[1]);
    pthread_mutex_destroy(&sb->lock);
}

static const VTClass sample_buffer_class = {
    .name = "CMSampleBuffer",
    .type_id = VT_TYPE_ID_SAMPLE_BUFFER,
    .finalize = sbuf_finalize,
};

CFTypeID CMSampleBufferGetTypeID(void) {
    return VT_TYPE_ID_SAMPLE_BUFFER;
}

Boolean vt_cm_is_sample_buffer(CFTypeRef obj) {
    return vt_object_is(obj, &sample_buffer_class);
}

static Boolean is_sbuf(CFTypeRef obj) {
    return vt_object_is(obj, &sample_buffer_class);
}

static Boolean is_invalidated(CMSampleBufferRef sb) {
    Boolean inv;
    pthread_mutex_lock(&sb->lock);
    inv = sb->invalidated;
    pthread_mutex_unlock(&sb->lock);
    return inv;
}

/* ---- creation ---- */

/* Largest numSamples accepted (CMSampleBuffer.h): per-sample attachment
 * dictionaries and size/timing arrays are made on demand, so the count must
 * stay far from what memory can hold (H2 in docs/hardening.md). */
#define VT_CM_MAX_SAMPLES ((CMItemCount)1 << 20)

static OSStatus check_entries(CMItemCount entries, CMItemCount samples, const void *array) {
    if (entries < 0)
        return kCMSampleBufferError_InvalidEntryCount;
    if (entries != 0 && entries != 1 && entries != samples)
        return kCMSampleBufferError_InvalidEntryCount;
    if (entries > 0 && !array)
        return kCMSampleBufferError_RequiredParameterMissing;
    return noErr;
}

static struct opaqueCMSampleBuffer *sbuf_alloc(void) {
    struct opaqueCMSampleBuffer *sb = vt_object_alloc(&sample_buffer_class, sizeof(*sb));
    if (!sb)
        return NULL;
    if (pthread_mutex_init(&sb->lock, NULL) != 0) {
        /* no finalize yet: free the raw object */
        sb->base.cls = NULL;
        vt_free(sb);
        return NULL;
    }
    sb->timing = &sb->timing1;
    sb->sizes = &sb->size1;
    sb->output_pts = kCMTimeInvalid;
    return sb;
}

/* Stores the timing entries (copied). */
static OSStatus set_timing(struct opaqueCMSampleBuffer *sb, CMItemCount n,
                           const CMSampleTimingInfo *timing) {
    size_t bytes;
    if (sb->timing != &sb->timing1)
        vt_free(sb->timing);
    sb->timing = &sb->timing1;
    sb->num_timing = 0;
    if (n == 0)
        return noErr;
    if (n > 1) {
        if (!vt_size_mul((size_t)n, sizeof(*timing), &bytes))
            return kCMSampleBufferError_AllocationFailed;
        sb->timing = vt_malloc(bytes);
        if (!sb->timing) {
            sb->timing = &sb->timing1;
            return kCMSampleBufferError_AllocationFailed;
        }
    }
    memcpy(sb->timing, timing, (size_t)n * sizeof(*timing));
    sb->num_timing = n;
    return noErr;
}

static OSStatus set_sizes(struct opaqueCMSampleBuffer *sb, CMItemCount n, const size_t *sizes) {
    size_t bytes;
    if (n == 0)
        return noErr;
    if (n > 1) {
        if (!vt_size_mul((size_t)n, sizeof(*sizes), &bytes))
            return kCMSampleBufferError_AllocationFailed;
        sb->sizes = vt_malloc(bytes);
        if (!sb->sizes) {
            sb->sizes = &sb->size1;
            return kCMSampleBufferError_AllocationFailed;
        }
    }
    memcpy(sb->sizes, sizes, (size_t)n * sizeof(*sizes));
    sb->num_sizes = n;
    return noErr;
}

OSStatus CMSampleBufferCreate(CFAllocatorRef allocator, CMBlockBufferRef dataBuffer,
                              Boolean dataReady,
                              CMSampleBufferMakeDataReadyCallback makeDataReadyCallback,
                              void *makeDataReadyRefcon, CMFormatDescriptionRef formatDescription,
                              CMItemCount numSamples, CMItemCount numSampleTimingEntries,
                              const CMSampleTimingInfo *sampleTimingArray,
                              CMItemCount numSampleSizeEntries, const size_t *sampleSizeArray,
                              CMSampleBufferRef *sampleBufferOut) {
    struct opaqueCMSampleBuffer *sb;
    OSStatus st;
    VT_CHECK_ARG(sampleBufferOut != NULL, kCMSampleBufferError_RequiredParameterMissing);
    *sampleBufferOut = NULL;
    VT_CHECK_ARG(numSamples >= 0, kCMSampleBufferError_InvalidEntryCount);
    if (numSamples > VT_CM_MAX_SAMPLES) {
        vt_debug("CMSampleBufferCreate: %ld samples (at most %ld)", (long)numSamples,
                 (long)VT_CM_MAX_SAMPLES);
        return kCMSampleBufferError_InvalidEntryCount;
    }
    st = check_entries(numSampleTimingEntries, numSamples, sampleTimingArray);
    if (st == noErr)
        st = check_entries(numSampleSizeEntries, numSamples, sampleSizeArray);
    if (st != noErr)
        return st;
    if (dataBuffer && CFGetTypeID(dataBuffer) != CMBlockBufferGetTypeID())
        return kCMSampleBufferError_InvalidSampleData;
    if (formatDescription && CFGetTypeID(formatDescription) != CMFormatDescriptionGetTypeID())
        return kCMSampleBufferError_InvalidMediaFormat;

    sb = sbuf_alloc();
    if (!sb)
        return kCMSampleBufferError_AllocationFailed;
    st = set_timing(sb, numSampleTimingEntries, sampleTimingArray);
    if (st == noErr)
        st = set_sizes(sb, numSampleSizeEntries, sampleSizeArray);
    if (st != noErr) {
        CFRelease(sb);
        return st;
    }
    sb->data = dataBuffer ? (CMBlockBufferRef)CFRetain(dataBuffer) : NULL;
    sb->format = formatDescription ? (CMFormatDescriptionRef)CFRetain(formatDescription) : NULL;
    sb->num_samples = numSamples;
    sb->data_ready = dataReady;
    sb->make_ready = makeDataReadyCallback;
    sb->make_ready_refcon = makeDataReadyRefcon;
    *sampleBufferOut = sb;
    return noErr;
}

OSStatus CMSampleBufferCreateReady(CFAllocatorRef allocator, CMBlockBufferRef dataBuffer,
                                   CMFormatDescriptionRef formatDescription, CMItemCount numSamples,
                                   CMItemCount numSampleTimingEntries,
                                   const CMSampleTimingInfo *sampleTimingArray,
                                   CMItemCount numSampleSizeEntries, const size_t *sampleSizeArray,
                                   CMSampleBufferRef *sampleBufferOut) {
    return CMSampleBufferCreate(allocator, dataBuffer, TRUE, NULL, NULL, formatDescription,
                                numSamples, numSampleTimingEntries, sampleTimingArray,
                                numSampleSizeEntries, sampleSizeArray, sampleBufferOut);
}

OSStatus CMSampleBufferCreateForImageBuffer(
    CFAllocatorRef allocator, CVImageBufferRef imageBuffer, Boolean dataReady,
    CMSampleBufferMakeDataReadyCallback makeDataReadyCallback, void *makeDataReadyRefcon,
    CMVideoFormatDescriptionRef formatDescription, const CMSampleTimingInfo *sampleTiming,
    CMSampleBufferRef *sampleBufferOut) {
    struct opaqueCMSampleBuffer *sb;
    CMSampleBufferRef out;
    OSStatus st;
    VT_CHECK_ARG(sampleBufferOut != NULL, kCMSampleBufferError_RequiredParameterMissing);
    *sampleBufferOut = NULL;
    VT_CHECK_ARG(imageBuffer != NULL, kCMSampleBufferError_RequiredParameterMissing);
    VT_CHECK_ARG(formatDescription != NULL, kCMSampleBufferError_RequiredParameterMissing);
    VT_CHECK_ARG(sampleTiming != NULL, kCMSampleBufferError_RequiredParameterMissing);
    if (CFGetTypeID(formatDescription) != CMFormatDescriptionGetTypeID() ||
        !CMVideoFormatDescriptionMatchesImageBuffer(formatDescription, imageBuffer))
        return kCMSampleBufferError_InvalidMediaFormat;
    st =
        CMSampleBufferCreate(allocator, NULL, dataReady, makeDataReadyCallback, makeDataReadyRefcon,
                             formatDescription, 1, 1, sampleTiming, 0, NULL, &out);
    if (st != noErr)
        return st;
    sb = (struct opaqueCMSampleBuffer *)out;
    sb->image = (CVImageBufferRef)CFRetain(imageBuffer);
    *sampleBufferOut = out;
    return noErr;
}

OSStatus CMSampleBufferCreateReadyWithImageBuffer(CFAllocatorRef allocator,
                                                  CVImageBufferRef imageBuffer,
                                                  CMVideoFormatDescriptionRef formatDescription,
                                                  const CMSampleTimingInfo *sampleTiming,
                                                  CMSampleBufferRef *sampleBufferOut) {
    return CMSampleBufferCreateForImageBuffer(allocator, imageBuffer, TRUE, NULL, NULL,
                                              formatDescription, sampleTiming, sampleBufferOut);
}

/* +1 mutable copy with kCFType callbacks, or NULL on allocation failure. */
static CFMutableDictionaryRef dict_copy(CFDictionaryRef src) {
    CFMutableDictionaryRef d =
        src ? CFDictionaryCreateMutableCopy(NULL, 0, src)
            : CFDictionaryCreateMutable(NULL, 0, &kCFTypeDictionaryKeyCallBacks,
                                        &kCFTypeDictionaryValueCallBacks);
    if (d && src && CFDictionaryGetCount(d) != CFDictionaryGetCount(src)) {
        CFRelease(d);
        return NULL;
    }
    return d;
}

static CFArrayRef copy_sample_attachments(CFArrayRef src) {
    CFIndex i, n = CFArrayGetCount(src);
    CFMutableArrayRef arr = CFArrayCreateMutable(NULL, n, &kCFTypeArrayCallBacks);
    if (!arr)
        return NULL;
    for (i = 0; i < n; i++) {
        CFMutableDictionaryRef d = dict_copy(CFArrayGetValueAtIndex(src, i));
        if (!d) {
            CFRelease(arr);
            return NULL;
        }
        CFArrayAppendValue(arr, d);
        CFRelease(d);
    }
    if (CFArrayGetCount(arr) != n) {
        CFRelease(arr);
        return NULL;
    }
    return arr;
}

OSStatus CMSampleBufferCreateCopyWithNewTiming(CFAllocatorRef allocator,
                                               CMSampleBufferRef originalSBuf,
                                               CMItemCount numSampleTimingEntries,
                                               const CMSampleTimingInfo *sampleTimingArray,
                                               CMSampleBufferRef *sampleBufferOut) {
    struct opaqueCMSampleBuffer *sb;
    CMSampleBufferRef out;
    CMBlockBufferRef data;
    OSStatus st;
    int m;
    VT_CHECK_ARG(sampleBufferOut != NULL, kCMSampleBufferError_RequiredParameterMissing);
    *sampleBufferOut = NULL;
    VT_CHECK_ARG(is_sbuf(originalSBuf), kCMSampleBufferError_RequiredParameterMissing);
    if (is_invalidated(originalSBuf))
        return kCMSampleBufferError_Invalidated;
    st = check_entries(numSampleTimingEntries, originalSBuf->num_samples, sampleTimingArray);
    if (st != noErr)
        return st;
    pthread_mutex_lock(&originalSBuf->lock);
    data = originalSBuf->data ? (CMBlockBufferRef)CFRetain(originalSBuf->data) : NULL;
    pthread_mutex_unlock(&originalSBuf->lock);
    st = CMSampleBufferCreate(allocator, data, FALSE, NULL, NULL, originalSBuf->format,
                              originalSBuf->num_samples, numSampleTimingEntries, sampleTimingArray,
                              originalSBuf->num_sizes, originalSBuf->sizes, &out);
    if (data)
        CFRelease(data);
    if (st != noErr)
        return st;
    sb = (struct opaqueCMSampleBuffer *)out;
    if (originalSBuf->image)
        sb->image = (CVImageBufferRef)CFRetain(originalSBuf->image);
    pthread_mutex_lock(&originalSBuf->lock);
    sb->data_ready = originalSBuf->data_ready;
    sb->make_ready = originalSBuf->make_ready;
    sb->make_ready_refcon = originalSBuf->make_ready_refcon;
    sb->has_failed = originalSBuf->has_failed;
    sb->failure = originalSBuf->failure;
    if (originalSBuf->sample_attachments) {
        sb->sample_attachments = copy_sample_attachments(originalSBuf->sample_attachments);
        if (!sb->sample_attachments)
            st = kCMSampleBufferError_AllocationFailed;
    }
    for (m = 0; m < 2 && st == noErr; m++) {
        if (originalSBuf->attachments[m]) {
            sb->attachments[m] = dict_copy(originalSBuf->attachments[m]);
            if (!sb->attachments[m])
                st = kCMSampleBufferError_AllocationFailed;
        }
    }
    pthread_mutex_unlock(&originalSBuf->lock);
    if (st != noErr) {
        CFRelease(out);
        return st;
    }
    *sampleBufferOut = out;
    return noErr;
}

OSStatus CMSampleBufferCreateCopy(CFAllocatorRef allocator, CMSampleBufferRef sbuf,
                                  CMSampleBufferRef *sampleBufferOut) {
    VT_CHECK_ARG(sampleBufferOut != NULL, kCMSampleBufferError_RequiredParameterMissing);
    *sampleBufferOut = NULL;
    VT_CHECK_ARG(is_sbuf(sbuf), kCMSampleBufferError_RequiredParameterMissing);
    return CMSampleBufferCreateCopyWithNewTiming(allocator, sbuf, sbuf->num_timing, sbuf->timing,
                                                 sampleBufferOut);
}

/* ---- data, image, format ---- */

OSStatus CMSampleBufferSetDataBuffer(CMSampleBufferRef sbuf, CMBlockBufferRef dataBuffer) {
    OSStatus st = noErr;
    VT_CHECK_ARG(is_sbuf(sbuf), kCMSampleBufferError_RequiredParameterMissing);
    VT_CHECK_ARG(dataBuffer != NULL, kCMSampleBufferError_RequiredParameterMissing);
    if (CFGetTypeID(dataBuffer) != CMBlockBufferGetTypeID())
        return kCMSampleBufferError_InvalidSampleData;
    pthread_mutex_lock(&sbuf->lock);
    if (sbuf->invalidated)
        st = kCMSampleBufferError_Invalidated;
    else if (sbuf->data || sbuf->image)
        st = kCMSampleBufferError_AlreadyHasDataBuffer;
    else
        sbuf->data = (CMBlockBufferRef)CFRetain(dataBuffer);
    pthread_mutex_unlock(&sbuf->lock);
    return st;
}

CMBlockBufferRef CMSampleBufferGetDataBuffer(CMSampleBufferRef sbuf) {
    CMBlockBufferRef data = NULL;
    if (!is_sbuf(sbuf))
        return NULL;
    pthread_mutex_lock(&sbuf->lock);
    if (!sbuf->invalidated)
        data = sbuf->data;
    pthread_mutex_unlock(&sbuf->lock);
    return data;
}

CVImageBufferRef CMSampleBufferGetImageBuffer(CMSampleBufferRef sbuf) {
    if (!is_sbuf(sbuf) || is_invalidated(sbuf))
        return NULL;
    return sbuf->image;
}

CMFormatDescriptionRef CMSampleBufferGetFormatDescription(CMSampleBufferRef sbuf) {
    if (!is_sbuf(sbuf) || is_invalidated(sbuf))
        return NULL;
    return sbuf->format;
}

/* ---- readiness and validity ---- */

Boolean CMSampleBufferDataIsReady(CMSampleBufferRef sbuf) {
    Boolean ready;
    if (!is_sbuf(sbuf))
        return FALSE;
    pthread_mutex_lock(&sbuf->lock);
    ready = sbuf->data_ready && !sbuf->invalidated;
    pthread_mutex_unlock(&sbuf->lock);
    return ready;
}

OSStatus CMSampleBufferSetDataReady(CMSampleBufferRef sbuf) {
    OSStatus st = noErr;
    VT_CHECK_ARG(is_sbuf(sbuf), kCMSampleBufferError_RequiredParameterMissing);
    pthread_mutex_lock(&sbuf->lock);
    if (sbuf->invalidated)
        st = kCMSampleBufferError_Invalidated;
    else
        sbuf->data_ready = TRUE;
    pthread_mutex_unlock(&sbuf->lock);
    return st;
}

OSStatus CMSampleBufferMakeDataReady(CMSampleBufferRef sbuf) {
    CMSampleBufferMakeDataReadyCallback cb;
    void *refcon;
    OSStatus st;
    VT_CHECK_ARG(is_sbuf(sbuf), kCMSampleBufferError_RequiredParameterMissing);
    pthread_mutex_lock(&sbuf->lock);
    if (sbuf->invalidated) {
        pthread_mutex_unlock(&sbuf->lock);
        return kCMSampleBufferError_Invalidated;
    }
    if (sbuf->data_ready) {
        pthread_mutex_unlock(&sbuf->lock);
        return noErr;
    }
    cb = sbuf->make_ready;
    refcon = sbuf->make_ready_refcon;
    pthread_mutex_unlock(&sbuf->lock);
    if (!cb)
        return kCMSampleBufferError_BufferNotReady;
    st = cb(sbuf, refcon);
    if (st == noErr)
        st = CMSampleBufferSetDataReady(sbuf);
    return st;
}

OSStatus CMSampleBufferSetDataFailed(CMSampleBufferRef sbuf, OSStatus status) {
    OSStatus st = noErr;
    VT_CHECK_ARG(is_sbuf(sbuf), kCMSampleBufferError_RequiredParameterMissing);
    pthread_mutex_lock(&sbuf->lock);
    if (sbuf->invalidated) {
        st = kCMSampleBufferError_Invalidated;
    } else {
        sbuf->has_failed = TRUE;
        sbuf->failure = status;
    }
    pthread_mutex_unlock(&sbuf->lock);
    return st;
}

Boolean CMSampleBufferHasDataFailed(CMSampleBufferRef sbuf, OSStatus *statusOut) {
    Boolean failed = FALSE;
    if (statusOut)
        *statusOut = noErr;
    if (!is_sbuf(sbuf))
        return FALSE;
    pthread_mutex_lock(&sbuf->lock);
    failed = sbuf->has_failed;
    if (failed && statusOut)
        *statusOut = sbuf->failure;
    pthread_mutex_unlock(&sbuf->lock);
    return failed;
}

OSStatus CMSampleBufferSetInvalidateCallback(CMSampleBufferRef sbuf,
                                             CMSampleBufferInvalidateCallback invalidateCallback,
                                             uint64_t invalidateRefCon) {
    OSStatus st = noErr;
    VT_CHECK_ARG(is_sbuf(sbuf), kCMSampleBufferError_RequiredParameterMissing);
    VT_CHECK_ARG(invalidateCallback != NULL, kCMSampleBufferError_RequiredParameterMissing);
    pthread_mutex_lock(&sbuf->lock);
    if (sbuf->invalidated) {
        st = kCMSampleBufferError_Invalidated;
    } else {
        sbuf->on_invalidate = invalidateCallback;
        sbuf->on_invalidate_refcon = invalidateRefCon;
    }
    pthread_mutex_unlock(&sbuf->lock);
    return st;
}

OSStatus CMSampleBufferInvalidate(CMSampleBufferRef sbuf) {
    CMSampleBufferInvalidateCallback cb;
    uint64_t refcon;
    VT_CHECK_ARG(is_sbuf(sbuf), kCMSampleBufferError_RequiredParameterMissing);
    pthread_mutex_lock(&sbuf->lock);
    if (sbuf->invalidated) {
        pthread_mutex_unlock(&sbuf->lock);
        return kCMSampleBufferError_Invalidated;
    }
    sbuf->invalidated = TRUE;
    cb = sbuf->on_invalidate;
    refcon = sbuf->on_invalidate_refcon;
    sbuf->on_invalidate = NULL;
    pthread_mutex_unlock(&sbuf->lock);
    if (cb)
        cb(sbuf, refcon);
    return noErr;
}

Boolean CMSampleBufferIsValid(CMSampleBufferRef sbuf) {
    return is_sbuf(sbuf) && !is_invalidated(sbuf);
}

/* ---- samples, sizes, timing ---- */

CMItemCount CMSampleBufferGetNumSamples(CMSampleBufferRef sbuf) {
    return is_sbuf(sbuf) ? sbuf->num_samples : 0;
}

/* Timing of sample i (0 <= i < max(num_samples, 1)); needs num_timing > 0. */
static CMSampleTimingInfo sample_timing(CMSampleBufferRef sb, CMItemIndex i) {
    CMSampleTimingInfo t;
    if (sb->num_timing > 1)
        return sb->timing[i];
    t = sb->timing[0];
    if (i > 0 && i <= INT32_MAX) {
        CMTime offset = CMTimeMultiply(t.duration, (int32_t)i);
        t.presentationTimeStamp = CMTimeAdd(t.presentationTimeStamp, offset);
        t.decodeTimeStamp = CMTimeAdd(t.decodeTimeStamp, offset);
    } else if (i > 0) {
        t = kCMTimingInfoInvalid;
    }
    return t;
}

static Boolean has_timing(CMSampleBufferRef sbuf) {
    return is_sbuf(sbuf) && sbuf->num_timing > 0 && !is_invalidated(sbuf);
}

CMTime CMSampleBufferGetPresentationTimeStamp(CMSampleBufferRef sbuf) {
    CMTime best;
    CMItemIndex i;
    if (!has_timing(sbuf))
        return kCMTimeInvalid;
    best = sbuf->timing[0].presentationTimeStamp;
    for (i = 1; i < sbuf->num_timing; i++)
        best = CMTimeMinimum(best, sbuf->timing[i].presentationTimeStamp);
    /* one shared entry: later samples start later for positive durations */
    if (sbuf->num_timing == 1 && sbuf->num_samples > 1 &&
        CMTimeCompare(sbuf->timing[0].duration, kCMTimeZero) < 0)
        best = sample_timing(sbuf, sbuf->num_samples - 1).presentationTimeStamp;
    return best;
}

CMTime CMSampleBufferGetDecodeTimeStamp(CMSampleBufferRef sbuf) {
    if (!has_timing(sbuf))
        return kCMTimeInvalid;
    return sbuf->timing[0].decodeTimeStamp;
}

CMTime CMSampleBufferGetDuration(CMSampleBufferRef sbuf) {
    CMTime total;
    CMItemIndex i;
    if (!has_timing(sbuf))
        return kCMTimeInvalid;
    if (sbuf->num_timing == 1) {
        if (sbuf->num_samples <= 1)
            return sbuf->timing[0].duration;
        if (sbuf->num_samples > INT32_MAX)
            return kCMTimeInvalid;
        return CMTimeMultiply(sbuf->timing[0].duration, (int32_t)sbuf->num_samples);
    }
    total = sbuf->timing[0].duration;
    for (i = 1; i < sbuf->num_timing; i++)
        total = CMTimeAdd(total, sbuf->timing[i].duration);
    return total;
}

/* Offset of the output timeline (output PTS - PTS), or invalid when none. */
static CMTime output_offset(CMSampleBufferRef sbuf) {
    CMTime out = kCMTimeInvalid;
    Boolean has;
    pthread_mutex_lock(&sbuf->lock);
    has = sbuf->has_output_pts;
    if (has)
        out = sbuf->output_pts;
    pthread_mutex_unlock(&sbuf->lock);
    if (!has)
        return kCMTimeInvalid;
    return CMTimeSubtract(out, CMSampleBufferGetPresentationTimeStamp(sbuf));
}

CMTime CMSampleBufferGetOutputDuration(CMSampleBufferRef sbuf) {
    return CMSampleBufferGetDuration(sbuf);
}

CMTime CMSampleBufferGetOutputPresentationTimeStamp(CMSampleBufferRef sbuf) {
    CMTime out;
    if (!is_sbuf(sbuf) || is_invalidated(sbuf))
        return kCMTimeInvalid;
    pthread_mutex_lock(&sbuf->lock);
    out = sbuf->has_output_pts ? sbuf->output_pts : kCMTimeInvalid;
    pthread_mutex_unlock(&sbuf->lock);
    if (CMTIME_IS_VALID(out))
        return out;
    return CMSampleBufferGetPresentationTimeStamp(sbuf);
}

CMTime CMSampleBufferGetOutputDecodeTimeStamp(CMSampleBufferRef sbuf) {
    CMTime dts = CMSampleBufferGetDecodeTimeStamp(sbuf), off;
    if (!CMTIME_IS_VALID(dts))
        return dts;
    off = output_offset(sbuf);
    return CMTIME_IS_VALID(off) ? CMTimeAdd(dts, off) : dts;
}

OSStatus CMSampleBufferSetOutputPresentationTimeStamp(CMSampleBufferRef sbuf,
                                                      CMTime outputPresentationTimeStamp) {
    OSStatus st = noErr;
    VT_CHECK_ARG(is_sbuf(sbuf), kCMSampleBufferError_RequiredParameterMissing);
    pthread_mutex_lock(&sbuf->lock);
    if (sbuf->invalidated) {
        st = kCMSampleBufferError_Invalidated;
    } else {
        sbuf->output_pts = outputPresentationTimeStamp;
        sbuf->has_output_pts = CMTIME_IS_VALID(outputPresentationTimeStamp);
    }
    pthread_mutex_unlock(&sbuf->lock);
    return st;
}

static OSStatus copy_timing_array(CMSampleBufferRef sbuf, CMItemCount entries,
                                  CMSampleTimingInfo *out, CMItemCount *needed, int output) {
    CMItemIndex i;
    CMTime off = kCMTimeInvalid;
    if (needed)
        *needed = 0;
    VT_CHECK_ARG(is_sbuf(sbuf), kCMSampleBufferError_RequiredParameterMissing);
    if (is_invalidated(sbuf))
        return kCMSampleBufferError_Invalidated;
    if (sbuf->num_timing == 0)
        return kCMSampleBufferError_BufferHasNoSampleTimingInfo;
    if (needed)
        *needed = sbuf->num_timing;
    if (!out || entries == 0)
        return noErr;
    if (entries < sbuf->num_timing)
        return kCMSampleBufferError_ArrayTooSmall;
    if (output)
        off = output_offset(sbuf);
    for (i = 0; i < sbuf->num_timing; i++) {
        out[i] = sbuf->timing[i];
        if (CMTIME_IS_VALID(off)) {
            out[i].presentationTimeStamp = CMTimeAdd(out[i].presentationTimeStamp, off);
            if (CMTIME_IS_VALID(out[i].decodeTimeStamp))
                out[i].decodeTimeStamp = CMTimeAdd(out[i].decodeTimeStamp, off);
        }
    }
    return noErr;
}

OSStatus CMSampleBufferGetSampleTimingInfoArray(CMSampleBufferRef sbuf,
                                                CMItemCount numSampleTimingEntries,
                                                CMSampleTimingInfo *timingArrayOut,
                                                CMItemCount *timingArrayEntriesNeededOut) {
    return copy_timing_array(sbuf, numSampleTimingEntries, timingArrayOut,
                             timingArrayEntriesNeededOut, 0);
}

OSStatus CMSampleBufferGetOutputSampleTimingInfoArray(CMSampleBufferRef sbuf,
                                                      CMItemCount timingArrayEntries,
                                                      CMSampleTimingInfo *timingArrayOut,
                                                      CMItemCount *timingArrayEntriesNeededOut) {
    return copy_timing_array(sbuf, timingArrayEntries, timingArrayOut, timingArrayEntriesNeededOut,
                             1);
}

OSStatus CMSampleBufferGetSampleTimingInfo(CMSampleBufferRef sbuf, CMItemIndex sampleIndex,
                                           CMSampleTimingInfo *timingInfoOut) {
    VT_CHECK_ARG(timingInfoOut != NULL, kCMSampleBufferError_RequiredParameterMissing);
    *timingInfoOut = kCMTimingInfoInvalid;
    VT_CHECK_ARG(is_sbuf(sbuf), kCMSampleBufferError_RequiredParameterMissing);
    if (is_invalidated(sbuf))
        return kCMSampleBufferError_Invalidated;
    if (sampleIndex < 0 || sampleIndex >= sbuf->num_samples)
        return kCMSampleBufferError_SampleIndexOutOfRange;
    if (sbuf->num_timing == 0)
        return kCMSampleBufferError_BufferHasNoSampleTimingInfo;
    *timingInfoOut = sample_timing(sbuf, sampleIndex);
    return noErr;
}

OSStatus CMSampleBufferGetSampleSizeArray(CMSampleBufferRef sbuf, CMItemCount sizeArrayEntries,
                                          size_t *sizeArrayOut,
                                          CMItemCount *sizeArrayEntriesNeededOut) {
    if (sizeArrayEntriesNeededOut)
        *sizeArrayEntriesNeededOut = 0;
    VT_CHECK_ARG(is_sbuf(sbuf), kCMSampleBufferError_RequiredParameterMissing);
    if (is_invalidated(sbuf))
        return kCMSampleBufferError_Invalidated;
    if (sbuf->num_sizes == 0)
        return kCMSampleBufferError_BufferHasNoSampleSizes;
    if (sizeArrayEntriesNeededOut)
        *sizeArrayEntriesNeededOut = sbuf->num_sizes;
    if (!sizeArrayOut || sizeArrayEntries == 0)
        return noErr;
    if (sizeArrayEntries < sbuf->num_sizes)
        return kCMSampleBufferError_ArrayTooSmall;
    memcpy(sizeArrayOut, sbuf->sizes, (size_t)sbuf->num_sizes * sizeof(size_t));
    return noErr;
}

size_t CMSampleBufferGetSampleSize(CMSampleBufferRef sbuf, CMItemIndex sampleIndex) {
    if (!is_sbuf(sbuf) || is_invalidated(sbuf) || sbuf->num_sizes == 0 || sampleIndex < 0 ||
        sampleIndex >= sbuf->num_samples)
        return 0;
    return sbuf->num_sizes == 1 ? sbuf->sizes[0] : sbuf->sizes[sampleIndex];
}

size_t CMSampleBufferGetTotalSampleSize(CMSampleBufferRef sbuf) {
    size_t total = 0, v;
    CMItemIndex i;
    if (!is_sbuf(sbuf) || is_invalidated(sbuf) || sbuf->num_sizes == 0)
        return 0;
    if (sbuf->num_sizes == 1)
        return vt_size_mul(sbuf->sizes[0], (size_t)sbuf->num_samples, &v) ? v : SIZE_MAX;
    for (i = 0; i < sbuf->num_sizes; i++)
        if (!vt_size_add(total, sbuf->sizes[i], &total))
            return SIZE_MAX;
    return total;
}

CFArrayRef CMSampleBufferGetSampleAttachmentsArray(CMSampleBufferRef sbuf,
                                                   Boolean createIfNecessary) {
    CFArrayRef arr;
    CFMutableArrayRef made;
    CMItemIndex i;
    if (!is_sbuf(sbuf))
        return NULL;
    pthread_mutex_lock(&sbuf->lock);
    arr = sbuf->invalidated ? NULL : sbuf->sample_attachments;
    if (arr || sbuf->invalidated || !createIfNecessary || sbuf->num_samples == 0) {
        pthread_mutex_unlock(&sbuf->lock);
        return arr;
    }
    made = CFArrayCreateMutable(NULL, sbuf->num_samples, &kCFTypeArrayCallBacks);
    for (i = 0; made && i < sbuf->num_samples; i++) {
        CFMutableDictionaryRef d = CFDictionaryCreateMutable(
            NULL, 0, &kCFTypeDictionaryKeyCallBacks, &kCFTypeDictionaryValueCallBacks);
        if (!d)
            break;
        CFArrayAppendValue(made, d);
        CFRelease(d);
    }
    if (made && CFArrayGetCount(made) == sbuf->num_samples) {
        sbuf->sample_attachments = made;
    } else if (made) {
        CFRelease(made);
    }
    arr = sbuf->sample_attachments;
    pthread_mutex_unlock(&sbuf->lock);
    return arr;
}

/* ---- buffer-level attachments (used by CMAttachment.c) ---- */

void vt_cm_sbuf_set_attachment(CMSampleBufferRef sbuf, CFStringRef key, CFTypeRef value,
                               CMAttachmentMode mode) {
    int m = mode == kCMAttachmentMode_ShouldPropagate ? 1 : 0;
    pthread_mutex_lock(&sbuf->lock);
    if (sbuf->attachments[!m])
        CFDictionaryRemoveValue(sbuf->attachments[!m], key);
    if (!sbuf->attachments[m])
        sbuf->attachments[m] = CFDictionaryCreateMutable(NULL, 0, &kCFTypeDictionaryKeyCallBacks,
                                                         &kCFTypeDictionaryValueCallBacks);
    if (sbuf->attachments[m])
        CFDictionarySetValue(sbuf->attachments[m], key, value);
    else
        vt_error("CMSetAttachment: out of memory");
    pthread_mutex_unlock(&sbuf->lock);
}

CFTypeRef vt_cm_sbuf_get_attachment(CMSampleBufferRef sbuf, CFStringRef key,
                                    CMAttachmentMode *mode_out) {
    CFTypeRef v = NULL;
    int m;
    pthread_mutex_lock(&sbuf->lock);
    for (m = 0; m < 2 && !v; m++) {
        if (sbuf->attachments[m]) {
            v = vt_cf_dict_get(sbuf->attachments[m], key);
            if (v && mode_out)
                *mode_out =
                    m ? kCMAttachmentMode_ShouldPropagate : kCMAttachmentMode_ShouldNotPropagate;
        }
    }
    pthread_mutex_unlock(&sbuf->lock);
    return v;
}

void vt_cm_sbuf_remove_attachment(CMSampleBufferRef sbuf, CFStringRef key) {
    int m;
    pthread_mutex_lock(&sbuf->lock);
    for (m = 0; m < 2; m++)
        if (sbuf->attachments[m])
            CFDictionaryRemoveValue(sbuf->attachments[m], key);
    pthread_mutex_unlock(&sbuf->lock);
}

void vt_cm_sbuf_remove_all_attachments(CMSampleBufferRef sbuf) {
    int m;
    pthread_mutex_lock(&sbuf->lock);
    for (m = 0; m < 2; m++)
        if (sbuf->attachments[m])
            CFDictionaryRemoveAllValues(sbuf->attachments[m]);
    pthread_mutex_unlock(&sbuf->lock);
}

CFDictionaryRef vt_cm_sbuf_copy_attachments(CMSampleBufferRef sbuf, CMAttachmentMode mode) {
    CFDictionaryRef copy = NULL;
    int m = mode == kCMAttachmentMode_ShouldPropagate ? 1 : 0;
    pthread_mutex_lock(&sbuf->lock);
    if (sbuf->attachments[m] && CFDictionaryGetCount(sbuf->attachments[m]) > 0)
        copy = dict_copy(sbuf->attachments[m]);
    pthread_mutex_unlock(&sbuf->lock);
    return copy;
}

/* ---- encoder helper ---- */

OSStatus vt_cm_sample_buffer_create_encoded(void *data, size_t size, CMFormatDescriptionRef format,
                                            CMTime pts, CMTime dts, CMTime duration, uint32_t flags,
                                            CFDictionaryRef extra_attachments,
                                            CMSampleBufferRef *out) {
    CMBlockBufferRef bb;
    CMSampleBufferRef sb;
    CMSampleTimingInfo timing;
    CFArrayRef arr;
    CFMutableDictionaryRef d;
    OSStatus st;

    if (!out) {
        vt_free(data);
        return kCMSampleBufferError_RequiredParameterMissing;
    }
    *out = NULL;
    st = vt_cm_block_buffer_create_owned(data, size, &bb); /* takes `data` in every case */
    if (st != noErr)
        return st;
    timing.duration = duration;
    timing.presentationTimeStamp = pts;
    timing.decodeTimeStamp = dts;
    st = CMSampleBufferCreateReady(NULL, bb, format, 1, 1, &timing, 1, &size, &sb);
    CFRelease(bb);
    if (st != noErr)
        return st;

    arr = CMSampleBufferGetSampleAttachmentsArray(sb, TRUE);
    d = arr ? (CFMutableDictionaryRef)CFArrayGetValueAtIndex(arr, 0) : NULL;
    if (!d) {
        CFRelease(sb);
        return kCMSampleBufferError_AllocationFailed;
    }
    if (extra_attachments) {
        CFIndex i, n = CFDictionaryGetCount(extra_attachments);
        const void **kv = vt_calloc((size_t)n + 1, 2 * sizeof(void *));
        Boolean ok = kv != NULL;
        if (kv) {
            CFDictionaryGetKeysAndValues(extra_attachments, kv, kv + n);
            for (i = 0; i < n && ok; i++) {
                if (kv[i] && kv[n + i]) {
                    CFDictionarySetValue(d, kv[i], kv[n + i]);
                    ok = CFDictionaryGetValue(d, kv[i]) != NULL;
                }
            }
            vt_free(kv);
        }
        if (!ok) {
            CFRelease(sb);
            return kCMSampleBufferError_AllocationFailed;
        }
    }
    if (flags & VT_CM_SAMPLE_SYNC)
        CFDictionaryRemoveValue(d, kCMSampleAttachmentKey_NotSync);
    else
        CFDictionarySetValue(d, kCMSampleAttachmentKey_NotSync, kCFBooleanTrue);
    CFDictionarySetValue(d, kCMSampleAttachmentKey_DependsOnOthers,
                         (flags & (VT_CM_SAMPLE_SYNC | VT_CM_SAMPLE_INTRA)) ? kCFBooleanFalse
                                                                            : kCFBooleanTrue);
    CFDictionarySetValue(d, kCMSampleAttachmentKey_IsDependedOnByOthers,
                         (flags & VT_CM_SAMPLE_DROPPABLE) ? kCFBooleanFalse : kCFBooleanTrue);
    if (flags & VT_CM_SAMPLE_PARTIAL_SYNC)
        CFDictionarySetValue(d, kCMSampleAttachmentKey_PartialSync, kCFBooleanTrue);
    if (flags & VT_CM_SAMPLE_EARLIER_DISPLAY_TIMES_ALLOWED)
        CFDictionarySetValue(d, kCMSampleAttachmentKey_EarlierDisplayTimesAllowed, kCFBooleanTrue);
    /* Allocation failures inside CFDictionarySetValue are silent: verify. */
    if (CFDictionaryGetValue(d, kCMSampleAttachmentKey_DependsOnOthers) == NULL ||
        CFDictionaryGetValue(d, kCMSampleAttachmentKey_IsDependedOnByOthers) == NULL ||
        (!(flags & VT_CM_SAMPLE_SYNC) &&
         CFDictionaryGetValue(d, kCMSampleAttachmentKey_NotSync) == NULL) ||
        ((flags & VT_CM_SAMPLE_PARTIAL_SYNC) &&
         CFDictionaryGetValue(d, kCMSampleAttachmentKey_PartialSync) == NULL) ||
        ((flags & VT_CM_SAMPLE_EARLIER_DISPLAY_TIMES_ALLOWED) &&
         CFDictionaryGetValue(d, kCMSampleAttachmentKey_EarlierDisplayTimesAllowed) == NULL)) {
        CFRelease(sb);
        return kCMSampleBufferError_AllocationFailed;
    }
    *out = sb;
    return noErr;
}
