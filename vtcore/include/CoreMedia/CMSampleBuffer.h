/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * CMSampleBuffer: zero or more media samples (in a CMBlockBuffer) or one
 * image (a CVImageBuffer) with a format description, per-sample timing,
 * sizes and attachments, plus buffer-level attachments (CMAttachment.h).
 * Written for vtcore from the documented Apple API; names, struct layout,
 * numeric values and key strings follow Apple.
 *
 * Timing/size arrays: 0 entries (none), 1 entry (applies to every sample;
 * sample i of a one-timing-entry buffer starts at pts + i * duration) or
 * one entry per sample. Accessors are thread-safe.
 */
#ifndef VTCORE_COREMEDIA_CMSAMPLEBUFFER_H
#define VTCORE_COREMEDIA_CMSAMPLEBUFFER_H

#include <CoreMedia/CMBase.h>
#include <CoreMedia/CMTime.h>
#include <CoreMedia/CMBlockBuffer.h>
#include <CoreMedia/CMFormatDescription.h>
#include <CoreMedia/CMAttachment.h>
#include <CoreVideo/CVImageBuffer.h>

CF_EXTERN_C_BEGIN

enum {
    kCMSampleBufferError_AllocationFailed = -12730,
    kCMSampleBufferError_RequiredParameterMissing = -12731,
    kCMSampleBufferError_AlreadyHasDataBuffer = -12732,
    kCMSampleBufferError_BufferNotReady = -12733,
    kCMSampleBufferError_SampleIndexOutOfRange = -12734,
    kCMSampleBufferError_BufferHasNoSampleSizes = -12735,
    kCMSampleBufferError_BufferHasNoSampleTimingInfo = -12736,
    kCMSampleBufferError_ArrayTooSmall = -12737,
    kCMSampleBufferError_InvalidEntryCount = -12738,
    kCMSampleBufferError_CannotSubdivide = -12739,
    kCMSampleBufferError_SampleTimingInfoInvalid = -12740,
    kCMSampleBufferError_InvalidMediaTypeForOperation = -12741,
    kCMSampleBufferError_InvalidSampleData = -12742,
    kCMSampleBufferError_InvalidMediaFormat = -12743,
    kCMSampleBufferError_Invalidated = -12744,
    kCMSampleBufferError_DataFailed = -16750,
    kCMSampleBufferError_DataCanceled = -16751,
};

typedef struct opaqueCMSampleBuffer *CMSampleBufferRef;

#pragma pack(push, 4)
/* 72 bytes: duration at 0, presentationTimeStamp at 24, decodeTimeStamp at
 * 48. decodeTimeStamp may be kCMTimeInvalid (decode order = presentation
 * order). */
typedef struct {
    CMTime duration;
    CMTime presentationTimeStamp;
    CMTime decodeTimeStamp;
} CMSampleTimingInfo;
#pragma pack(pop)

/* All three times kCMTimeInvalid. */
CM_EXPORT const CMSampleTimingInfo kCMTimingInfoInvalid;

/* Called by CMSampleBufferMakeDataReady for a buffer that is not ready;
 * returns noErr once the data is ready. */
typedef OSStatus (*CMSampleBufferMakeDataReadyCallback)(CMSampleBufferRef sbuf,
                                                        void *makeDataReadyRefcon);
/* Called once by CMSampleBufferInvalidate. */
typedef void (*CMSampleBufferInvalidateCallback)(CMSampleBufferRef sbuf, uint64_t invalidateRefCon);

CM_EXPORT CFTypeID CMSampleBufferGetTypeID(void);

/* Creates a sample buffer (dataBuffer, formatDescription are retained; all
 * may be NULL). 0 <= numSamples <= 1048576 (1 << 20, vtcore's limit);
 * numSampleTimingEntries and numSampleSizeEntries must be 0, 1 or numSamples,
 * with non-NULL arrays when non-zero. Errors:
 * kCMSampleBufferError_RequiredParameterMissing (NULL out, NULL array with a
 * non-zero count), kCMSampleBufferError_InvalidEntryCount (negative or wrong
 * counts, numSamples above the limit), kCMSampleBufferError_InvalidMediaFormat
 * (formatDescription is not a format description, dataBuffer not a block
 * buffer), kCMSampleBufferError_AllocationFailed. Out is +1. */
CM_EXPORT OSStatus
CMSampleBufferCreate(CFAllocatorRef allocator, CMBlockBufferRef dataBuffer, Boolean dataReady,
                     CMSampleBufferMakeDataReadyCallback makeDataReadyCallback,
                     void *makeDataReadyRefcon, CMFormatDescriptionRef formatDescription,
                     CMItemCount numSamples, CMItemCount numSampleTimingEntries,
                     const CMSampleTimingInfo *sampleTimingArray, CMItemCount numSampleSizeEntries,
                     const size_t *sampleSizeArray, CMSampleBufferRef *sampleBufferOut);

/* CMSampleBufferCreate with dataReady TRUE and no callback. */
CM_EXPORT OSStatus CMSampleBufferCreateReady(
    CFAllocatorRef allocator, CMBlockBufferRef dataBuffer, CMFormatDescriptionRef formatDescription,
    CMItemCount numSamples, CMItemCount numSampleTimingEntries,
    const CMSampleTimingInfo *sampleTimingArray, CMItemCount numSampleSizeEntries,
    const size_t *sampleSizeArray, CMSampleBufferRef *sampleBufferOut);

/* One-sample buffer holding an image buffer. imageBuffer, formatDescription,
 * sampleTiming and the out pointer are required
 * (kCMSampleBufferError_RequiredParameterMissing); the description must match
 * the image (CMVideoFormatDescriptionMatchesImageBuffer), else
 * kCMSampleBufferError_InvalidMediaFormat. Out is +1. */
CM_EXPORT OSStatus CMSampleBufferCreateForImageBuffer(
    CFAllocatorRef allocator, CVImageBufferRef imageBuffer, Boolean dataReady,
    CMSampleBufferMakeDataReadyCallback makeDataReadyCallback, void *makeDataReadyRefcon,
    CMVideoFormatDescriptionRef formatDescription, const CMSampleTimingInfo *sampleTiming,
    CMSampleBufferRef *sampleBufferOut);
CM_EXPORT OSStatus CMSampleBufferCreateReadyWithImageBuffer(
    CFAllocatorRef allocator, CVImageBufferRef imageBuffer,
    CMVideoFormatDescriptionRef formatDescription, const CMSampleTimingInfo *sampleTiming,
    CMSampleBufferRef *sampleBufferOut);

/* A new buffer sharing sbuf's data, image, format description, timing,
 * sizes, readiness, buffer attachments and (copies of the) sample
 * attachments. Errors: kCMSampleBufferError_RequiredParameterMissing,
 * kCMSampleBufferError_Invalidated, kCMSampleBufferError_AllocationFailed. */
CM_EXPORT OSStatus CMSampleBufferCreateCopy(CFAllocatorRef allocator, CMSampleBufferRef sbuf,
                                            CMSampleBufferRef *sampleBufferOut);

/* Like CreateCopy with new timing (entry count 0, 1 or numSamples). */
CM_EXPORT OSStatus CMSampleBufferCreateCopyWithNewTiming(
    CFAllocatorRef allocator, CMSampleBufferRef originalSBuf, CMItemCount numSampleTimingEntries,
    const CMSampleTimingInfo *sampleTimingArray, CMSampleBufferRef *sampleBufferOut);

/* Sets the data buffer of a buffer created without one (retained). Errors:
 * kCMSampleBufferError_RequiredParameterMissing,
 * kCMSampleBufferError_AlreadyHasDataBuffer, kCMSampleBufferError_Invalidated. */
CM_EXPORT OSStatus CMSampleBufferSetDataBuffer(CMSampleBufferRef sbuf, CMBlockBufferRef dataBuffer);

/* Not retained; NULL when absent or for NULL. */
CM_EXPORT CMBlockBufferRef CMSampleBufferGetDataBuffer(CMSampleBufferRef sbuf);
CM_EXPORT CVImageBufferRef CMSampleBufferGetImageBuffer(CMSampleBufferRef sbuf);
CM_EXPORT CMFormatDescriptionRef CMSampleBufferGetFormatDescription(CMSampleBufferRef sbuf);

/* Readiness. SetDataReady marks the data ready; MakeDataReady calls the
 * make-data-ready callback if the buffer is not ready (noErr if ready,
 * kCMSampleBufferError_BufferNotReady if there is no callback, or the
 * callback's error). SetDataFailed records a failure status
 * (HasDataFailed reports it). All return
 * kCMSampleBufferError_RequiredParameterMissing for NULL and
 * kCMSampleBufferError_Invalidated after Invalidate. */
CM_EXPORT Boolean CMSampleBufferDataIsReady(CMSampleBufferRef sbuf);
CM_EXPORT OSStatus CMSampleBufferSetDataReady(CMSampleBufferRef sbuf);
CM_EXPORT OSStatus CMSampleBufferMakeDataReady(CMSampleBufferRef sbuf);
CM_EXPORT OSStatus CMSampleBufferSetDataFailed(CMSampleBufferRef sbuf, OSStatus status);
CM_EXPORT Boolean CMSampleBufferHasDataFailed(CMSampleBufferRef sbuf, OSStatus *statusOut);

/* Invalidate calls the invalidate callback (once) and makes the buffer
 * unusable: data accessors return errors/NULL. A second Invalidate returns
 * kCMSampleBufferError_Invalidated. SetInvalidateCallback fails with
 * kCMSampleBufferError_Invalidated after Invalidate and with
 * kCMSampleBufferError_RequiredParameterMissing for NULL sbuf/callback. */
CM_EXPORT OSStatus CMSampleBufferInvalidate(CMSampleBufferRef sbuf);
CM_EXPORT OSStatus CMSampleBufferSetInvalidateCallback(
    CMSampleBufferRef sbuf, CMSampleBufferInvalidateCallback invalidateCallback,
    uint64_t invalidateRefCon);
/* FALSE for NULL or an invalidated buffer. */
CM_EXPORT Boolean CMSampleBufferIsValid(CMSampleBufferRef sbuf);

/* 0 for NULL. */
CM_EXPORT CMItemCount CMSampleBufferGetNumSamples(CMSampleBufferRef sbuf);

/* Timing summaries (kCMTimeInvalid for NULL or without timing):
 * Duration: sum of the sample durations (invalid if any is invalid).
 * PresentationTimeStamp: the earliest presentation time of all samples.
 * DecodeTimeStamp: the decode time of the first sample.
 * Output*: the same values, with the output presentation time overridden by
 * CMSampleBufferSetOutputPresentationTimeStamp (the output decode time moves
 * by the same offset). Trim/speed attachments are not applied. */
CM_EXPORT CMTime CMSampleBufferGetDuration(CMSampleBufferRef sbuf);
CM_EXPORT CMTime CMSampleBufferGetPresentationTimeStamp(CMSampleBufferRef sbuf);
CM_EXPORT CMTime CMSampleBufferGetDecodeTimeStamp(CMSampleBufferRef sbuf);
CM_EXPORT CMTime CMSampleBufferGetOutputDuration(CMSampleBufferRef sbuf);
CM_EXPORT CMTime CMSampleBufferGetOutputPresentationTimeStamp(CMSampleBufferRef sbuf);
CM_EXPORT CMTime CMSampleBufferGetOutputDecodeTimeStamp(CMSampleBufferRef sbuf);
CM_EXPORT OSStatus CMSampleBufferSetOutputPresentationTimeStamp(CMSampleBufferRef sbuf,
                                                                CMTime outputPresentationTimeStamp);

/* Copies the stored timing entries (0, 1 or numSamples). With a NULL array
 * (or 0 entries) only *timingArrayEntriesNeededOut is set. Errors:
 * kCMSampleBufferError_RequiredParameterMissing,
 * kCMSampleBufferError_BufferHasNoSampleTimingInfo (entries needed = 0),
 * kCMSampleBufferError_ArrayTooSmall, kCMSampleBufferError_Invalidated. */
CM_EXPORT OSStatus CMSampleBufferGetSampleTimingInfoArray(CMSampleBufferRef sbuf,
                                                          CMItemCount numSampleTimingEntries,
                                                          CMSampleTimingInfo *timingArrayOut,
                                                          CMItemCount *timingArrayEntriesNeededOut);
CM_EXPORT OSStatus CMSampleBufferGetOutputSampleTimingInfoArray(
    CMSampleBufferRef sbuf, CMItemCount timingArrayEntries, CMSampleTimingInfo *timingArrayOut,
    CMItemCount *timingArrayEntriesNeededOut);

/* Timing of one sample. Errors: kCMSampleBufferError_RequiredParameterMissing,
 * kCMSampleBufferError_SampleIndexOutOfRange,
 * kCMSampleBufferError_BufferHasNoSampleTimingInfo,
 * kCMSampleBufferError_Invalidated. On error *timingInfoOut = kCMTimingInfoInvalid. */
CM_EXPORT OSStatus CMSampleBufferGetSampleTimingInfo(CMSampleBufferRef sbuf,
                                                     CMItemIndex sampleIndex,
                                                     CMSampleTimingInfo *timingInfoOut);

/* Like GetSampleTimingInfoArray for the size entries (error
 * kCMSampleBufferError_BufferHasNoSampleSizes when there are none). */
CM_EXPORT OSStatus CMSampleBufferGetSampleSizeArray(CMSampleBufferRef sbuf,
                                                    CMItemCount sizeArrayEntries,
                                                    size_t *sizeArrayOut,
                                                    CMItemCount *sizeArrayEntriesNeededOut);

/* Size of one sample; 0 for NULL, an index out of range or no sizes. */
CM_EXPORT size_t CMSampleBufferGetSampleSize(CMSampleBufferRef sbuf, CMItemIndex sampleIndex);

/* Sum of the sample sizes; 0 when there are none. */
CM_EXPORT size_t CMSampleBufferGetTotalSampleSize(CMSampleBufferRef sbuf);

/* An immutable CFArray with one CFMutableDictionary per sample (change the
 * dictionaries to change the attachments). Created on the first call with
 * createIfNecessary TRUE; afterwards the same array is always returned.
 * NULL when absent and !createIfNecessary, for 0 samples, NULL or an
 * invalidated buffer. Not retained. */
CM_EXPORT CFArrayRef CMSampleBufferGetSampleAttachmentsArray(CMSampleBufferRef sbuf,
                                                             Boolean createIfNecessary);

/* ---- per-sample attachment keys (value strings = the suffix) ---- */

CM_EXPORT const CFStringRef kCMSampleAttachmentKey_NotSync;                    /* CFBoolean */
CM_EXPORT const CFStringRef kCMSampleAttachmentKey_PartialSync;                /* CFBoolean */
CM_EXPORT const CFStringRef kCMSampleAttachmentKey_HasRedundantCoding;         /* CFBoolean */
CM_EXPORT const CFStringRef kCMSampleAttachmentKey_IsDependedOnByOthers;       /* CFBoolean */
CM_EXPORT const CFStringRef kCMSampleAttachmentKey_DependsOnOthers;            /* CFBoolean */
CM_EXPORT const CFStringRef kCMSampleAttachmentKey_EarlierDisplayTimesAllowed; /* CFBoolean */
CM_EXPORT const CFStringRef kCMSampleAttachmentKey_DisplayImmediately;         /* CFBoolean */
CM_EXPORT const CFStringRef kCMSampleAttachmentKey_DoNotDisplay;               /* CFBoolean */
CM_EXPORT const CFStringRef kCMSampleAttachmentKey_HEVCTemporalLevelInfo;      /* CFDictionary */
CM_EXPORT const CFStringRef kCMSampleAttachmentKey_HEVCTemporalSubLayerAccess;
CM_EXPORT const CFStringRef kCMSampleAttachmentKey_HEVCStepwiseTemporalSubLayerAccess;
CM_EXPORT const CFStringRef kCMSampleAttachmentKey_HEVCSyncSampleNALUnitType; /* CFNumber */
CM_EXPORT const CFStringRef kCMSampleAttachmentKey_HDR10PlusPerFrameData;     /* CFData */
CM_EXPORT const CFStringRef kCMSampleAttachmentKey_CryptorSubsampleAuxiliaryData;

/* Keys of the HEVCTemporalLevelInfo dictionary (CFNumber / CFData values). */
CM_EXPORT const CFStringRef kCMHEVCTemporalLevelInfoKey_TemporalLevel;
CM_EXPORT const CFStringRef kCMHEVCTemporalLevelInfoKey_ProfileSpace;
CM_EXPORT const CFStringRef kCMHEVCTemporalLevelInfoKey_TierFlag;
CM_EXPORT const CFStringRef kCMHEVCTemporalLevelInfoKey_ProfileIndex;
CM_EXPORT const CFStringRef kCMHEVCTemporalLevelInfoKey_ProfileCompatibilityFlags;
CM_EXPORT const CFStringRef kCMHEVCTemporalLevelInfoKey_ConstraintIndicatorFlags;
CM_EXPORT const CFStringRef kCMHEVCTemporalLevelInfoKey_LevelIndex;

/* ---- buffer-level attachment keys (CMSetAttachment on the sample buffer;
 * value strings = the suffix, not all verified against Apple) ---- */

CM_EXPORT const CFStringRef kCMSampleBufferAttachmentKey_ResetDecoderBeforeDecoding;
CM_EXPORT const CFStringRef kCMSampleBufferAttachmentKey_DrainAfterDecoding;
CM_EXPORT const CFStringRef kCMSampleBufferAttachmentKey_PostNotificationWhenConsumed;
CM_EXPORT const CFStringRef kCMSampleBufferAttachmentKey_ResumeOutput;
CM_EXPORT const CFStringRef kCMSampleBufferAttachmentKey_TransitionID;
CM_EXPORT const CFStringRef kCMSampleBufferAttachmentKey_TrimDurationAtStart;
CM_EXPORT const CFStringRef kCMSampleBufferAttachmentKey_TrimDurationAtEnd;
CM_EXPORT const CFStringRef kCMSampleBufferAttachmentKey_SpeedMultiplier;
CM_EXPORT const CFStringRef kCMSampleBufferAttachmentKey_Reverse;
CM_EXPORT const CFStringRef kCMSampleBufferAttachmentKey_FillDiscontinuitiesWithSilence;
CM_EXPORT const CFStringRef kCMSampleBufferAttachmentKey_EmptyMedia;
CM_EXPORT const CFStringRef kCMSampleBufferAttachmentKey_PermanentEmptyMedia;
CM_EXPORT const CFStringRef kCMSampleBufferAttachmentKey_DisplayEmptyMediaImmediately;
CM_EXPORT const CFStringRef kCMSampleBufferAttachmentKey_EndsPreviousSampleDuration;
CM_EXPORT const CFStringRef kCMSampleBufferAttachmentKey_SampleReferenceURL;
CM_EXPORT const CFStringRef kCMSampleBufferAttachmentKey_SampleReferenceByteOffset;
CM_EXPORT const CFStringRef kCMSampleBufferAttachmentKey_GradualDecoderRefresh;
CM_EXPORT const CFStringRef kCMSampleBufferAttachmentKey_DroppedFrameReason;
CM_EXPORT const CFStringRef kCMSampleBufferAttachmentKey_DroppedFrameReasonInfo;
CM_EXPORT const CFStringRef kCMSampleBufferAttachmentKey_ForceKeyFrame;

/* Values of DroppedFrameReason: "FrameWasLate", "OutOfBuffers",
 * "Discontinuity". */
CM_EXPORT const CFStringRef kCMSampleBufferDroppedFrameReason_FrameWasLate;
CM_EXPORT const CFStringRef kCMSampleBufferDroppedFrameReason_OutOfBuffers;
CM_EXPORT const CFStringRef kCMSampleBufferDroppedFrameReason_Discontinuity;

CF_EXTERN_C_END

#endif /* VTCORE_COREMEDIA_CMSAMPLEBUFFER_H */
