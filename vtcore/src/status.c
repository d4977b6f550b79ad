/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Names of the OSStatus / CVReturn codes vtcore can return: every VT code
 * (VTErrors.h), every CVReturn, the CMBlockBuffer, CMFormatDescription,
 * CMSampleBuffer and CMSimpleQueue errors, and noErr. One table of numeric
 * literals (Apple's values); the unit test checks it against the header
 * constants. Where two names share a value (kVTImageRotationNotSupportedErr
 * = kVTPixelRotationNotSupportedErr, kCVReturnFirst = kCVReturnError,
 * kCMBlockBufferNoErr = kCVReturnSuccess = noErr) the table lists the current
 * name only.
 */
#include "config.h"

#include <stdio.h>

#include <vtcore/vtcore.h>

typedef struct StatusName {
    OSStatus value;
    const char *name;
    const char *text; /* "name (value)" */
} StatusName;

#define S(name, value) \
    { value, #name, #name " (" #value ")" }

/* clang-format off */
static const StatusName status_names[] = {
    S(noErr, 0),

    /* VideoToolbox (VTErrors.h) */
    S(kVTPropertyNotSupportedErr, -12900),
    S(kVTPropertyReadOnlyErr, -12901),
    S(kVTParameterErr, -12902),
    S(kVTInvalidSessionErr, -12903),
    S(kVTAllocationFailedErr, -12904),
    S(kVTPixelTransferNotSupportedErr, -12905),
    S(kVTCouldNotFindVideoDecoderErr, -12906),
    S(kVTCouldNotCreateInstanceErr, -12907),
    S(kVTCouldNotFindVideoEncoderErr, -12908),
    S(kVTVideoDecoderBadDataErr, -12909),
    S(kVTVideoDecoderUnsupportedDataFormatErr, -12910),
    S(kVTVideoDecoderMalfunctionErr, -12911),
    S(kVTVideoEncoderMalfunctionErr, -12912),
    S(kVTVideoDecoderNotAvailableNowErr, -12913),
    S(kVTPixelRotationNotSupportedErr, -12914),
    S(kVTVideoEncoderNotAvailableNowErr, -12915),
    S(kVTFormatDescriptionChangeNotSupportedErr, -12916),
    S(kVTInsufficientSourceColorDataErr, -12917),
    S(kVTCouldNotCreateColorCorrectionDataErr, -12918),
    S(kVTColorSyncTransformConvertFailedErr, -12919),
    S(kVTVideoDecoderAuthorizationErr, -12210),
    S(kVTVideoEncoderAuthorizationErr, -12211),
    S(kVTColorCorrectionPixelTransferFailedErr, -12212),
    S(kVTMultiPassStorageIdentifierMismatchErr, -12213),
    S(kVTMultiPassStorageInvalidErr, -12214),
    S(kVTFrameSiloInvalidTimeStampErr, -12215),
    S(kVTFrameSiloInvalidTimeRangeErr, -12216),
    S(kVTCouldNotFindTemporalFilterErr, -12217),
    S(kVTPixelTransferNotPermittedErr, -12218),
    S(kVTColorCorrectionImageRotationFailedErr, -12219),
    S(kVTVideoDecoderRemovedErr, -17690),
    S(kVTSessionMalfunctionErr, -17691),
    S(kVTVideoDecoderNeedsRosettaErr, -17692),
    S(kVTVideoEncoderNeedsRosettaErr, -17693),
    S(kVTVideoDecoderReferenceMissingErr, -17694),
    S(kVTVideoDecoderCallbackMessagingErr, -17695),
    S(kVTVideoDecoderUnknownErr, -17696),
    S(kVTExtensionDisabledErr, -17697),
    S(kVTVideoEncoderMVHEVCVideoLayerIDsMismatchErr, -17698),
    S(kVTCouldNotOutputTaggedBufferGroupErr, -17699),
    S(kVTCouldNotFindExtensionErr, -19510),
    S(kVTExtensionConflictErr, -19511),
    S(kVTVideoEncoderAutoWhiteBalanceNotLockedErr, -19512),

    /* CoreVideo (CVReturn.h) */
    S(kCVReturnError, -6660),
    S(kCVReturnInvalidArgument, -6661),
    S(kCVReturnAllocationFailed, -6662),
    S(kCVReturnUnsupported, -6663),
    S(kCVReturnInvalidDisplay, -6670),
    S(kCVReturnDisplayLinkAlreadyRunning, -6671),
    S(kCVReturnDisplayLinkNotRunning, -6672),
    S(kCVReturnDisplayLinkCallbacksNotSet, -6673),
    S(kCVReturnInvalidPixelFormat, -6680),
    S(kCVReturnInvalidSize, -6681),
    S(kCVReturnInvalidPixelBufferAttributes, -6682),
    S(kCVReturnPixelBufferNotOpenGLCompatible, -6683),
    S(kCVReturnPixelBufferNotMetalCompatible, -6684),
    S(kCVReturnWouldExceedAllocationThreshold, -6689),
    S(kCVReturnPoolAllocationFailed, -6690),
    S(kCVReturnInvalidPoolAttributes, -6691),
    S(kCVReturnRetry, -6692),
    S(kCVReturnLast, -6699),

    /* CMBlockBuffer */
    S(kCMBlockBufferStructureAllocationFailedErr, -12700),
    S(kCMBlockBufferBlockAllocationFailedErr, -12701),
    S(kCMBlockBufferBadCustomBlockSourceErr, -12702),
    S(kCMBlockBufferBadOffsetParameterErr, -12703),
    S(kCMBlockBufferBadLengthParameterErr, -12704),
    S(kCMBlockBufferBadPointerParameterErr, -12705),
    S(kCMBlockBufferEmptyBBufErr, -12706),
    S(kCMBlockBufferUnallocatedBlockErr, -12707),
    S(kCMBlockBufferInsufficientSpaceErr, -12708),

    /* CMFormatDescription */
    S(kCMFormatDescriptionError_InvalidParameter, -12710),
    S(kCMFormatDescriptionError_AllocationFailed, -12711),
    S(kCMFormatDescriptionBridgeError_InvalidParameter, -12712),
    S(kCMFormatDescriptionBridgeError_AllocationFailed, -12713),
    S(kCMFormatDescriptionBridgeError_InvalidSerializedSampleDescription, -12714),
    S(kCMFormatDescriptionBridgeError_InvalidFormatDescription, -12715),
    S(kCMFormatDescriptionBridgeError_IncompatibleFormatDescription, -12716),
    S(kCMFormatDescriptionBridgeError_UnsupportedSampleDescriptionFlavor, -12717),
    S(kCMFormatDescriptionError_ValueNotAvailable, -12718),

    /* CMSampleBuffer */
    S(kCMSampleBufferError_AllocationFailed, -12730),
    S(kCMSampleBufferError_RequiredParameterMissing, -12731),
    S(kCMSampleBufferError_AlreadyHasDataBuffer, -12732),
    S(kCMSampleBufferError_BufferNotReady, -12733),
    S(kCMSampleBufferError_SampleIndexOutOfRange, -12734),
    S(kCMSampleBufferError_BufferHasNoSampleSizes, -12735),
    S(kCMSampleBufferError_BufferHasNoSampleTimingInfo, -12736),
    S(kCMSampleBufferError_ArrayTooSmall, -12737),
    S(kCMSampleBufferError_InvalidEntryCount, -12738),
    S(kCMSampleBufferError_CannotSubdivide, -12739),
    S(kCMSampleBufferError_SampleTimingInfoInvalid, -12740),
    S(kCMSampleBufferError_InvalidMediaTypeForOperation, -12741),
    S(kCMSampleBufferError_InvalidSampleData, -12742),
    S(kCMSampleBufferError_InvalidMediaFormat, -12743),
    S(kCMSampleBufferError_Invalidated, -12744),
    S(kCMSampleBufferError_DataFailed, -16750),
    S(kCMSampleBufferError_DataCanceled, -16751),

    /* CMSimpleQueue */
    S(kCMSimpleQueueError_AllocationFailed, -12770),
    S(kCMSimpleQueueError_RequiredParameterMissing, -12771),
    S(kCMSimpleQueueError_ParameterOutOfRange, -12772),
    S(kCMSimpleQueueError_QueueIsFull, -12773),
};
/* clang-format on */

#undef S

static const StatusName *find_status(OSStatus status) {
    size_t i;
    for (i = 0; i < sizeof(status_names) / sizeof(status_names[0]); i++) {
        if (status_names[i].value == status)
            return &status_names[i];
    }
    return NULL;
}

const char *vtcore_status_name(OSStatus status) {
    const StatusName *s = find_status(status);
    return s ? s->name : NULL;
}

const char *vtcore_status_string(OSStatus status) {
    static _Thread_local char unknown[40];
    const StatusName *s = find_status(status);
    if (s)
        return s->text;
    snprintf(unknown, sizeof(unknown), "unknown status (%d)", (int)status);
    return unknown;
}
