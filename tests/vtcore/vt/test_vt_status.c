/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * vtcore_status_name() / vtcore_status_string(): every status constant of
 * the public headers maps to its own name ("value round trip"), names are
 * unique over the whole status range, unknown values are reported as such.
 */
#include <stdio.h>
#include <string.h>

#include <CoreMedia/CMBlockBuffer.h>
#include <CoreMedia/CMFormatDescription.h>
#include <CoreMedia/CMSampleBuffer.h>
#include <CoreMedia/CMSimpleQueue.h>
#include <CoreVideo/CVReturn.h>
#include <VideoToolbox/VideoToolbox.h>
#include <vtcore/vtcore.h>

#include "vt_test.h"

typedef struct Expected {
    const char *name;
    long value;
} Expected;

#define E(c) \
    { #c, (long)(c) }

/* clang-format off */
static const Expected expected[] = {
    E(noErr),
    E(kVTPropertyNotSupportedErr), E(kVTPropertyReadOnlyErr), E(kVTParameterErr),
    E(kVTInvalidSessionErr), E(kVTAllocationFailedErr), E(kVTPixelTransferNotSupportedErr),
    E(kVTCouldNotFindVideoDecoderErr), E(kVTCouldNotCreateInstanceErr),
    E(kVTCouldNotFindVideoEncoderErr), E(kVTVideoDecoderBadDataErr),
    E(kVTVideoDecoderUnsupportedDataFormatErr), E(kVTVideoDecoderMalfunctionErr),
    E(kVTVideoEncoderMalfunctionErr), E(kVTVideoDecoderNotAvailableNowErr),
    E(kVTPixelRotationNotSupportedErr), E(kVTVideoEncoderNotAvailableNowErr),
    E(kVTFormatDescriptionChangeNotSupportedErr), E(kVTInsufficientSourceColorDataErr),
    E(kVTCouldNotCreateColorCorrectionDataErr), E(kVTColorSyncTransformConvertFailedErr),
    E(kVTVideoDecoderAuthorizationErr), E(kVTVideoEncoderAuthorizationErr),
    E(kVTColorCorrectionPixelTransferFailedErr), E(kVTMultiPassStorageIdentifierMismatchErr),
    E(kVTMultiPassStorageInvalidErr), E(kVTFrameSiloInvalidTimeStampErr),
    E(kVTFrameSiloInvalidTimeRangeErr), E(kVTCouldNotFindTemporalFilterErr),
    E(kVTPixelTransferNotPermittedErr), E(kVTColorCorrectionImageRotationFailedErr),
    E(kVTVideoDecoderRemovedErr), E(kVTSessionMalfunctionErr), E(kVTVideoDecoderNeedsRosettaErr),
    E(kVTVideoEncoderNeedsRosettaErr), E(kVTVideoDecoderReferenceMissingErr),
    E(kVTVideoDecoderCallbackMessagingErr), E(kVTVideoDecoderUnknownErr),
    E(kVTExtensionDisabledErr), E(kVTVideoEncoderMVHEVCVideoLayerIDsMismatchErr),
    E(kVTCouldNotOutputTaggedBufferGroupErr), E(kVTCouldNotFindExtensionErr),
    E(kVTExtensionConflictErr), E(kVTVideoEncoderAutoWhiteBalanceNotLockedErr),

    E(kCVReturnError), E(kCVReturnInvalidArgument), E(kCVReturnAllocationFailed),
    E(kCVReturnUnsupported), E(kCVReturnInvalidDisplay), E(kCVReturnDisplayLinkAlreadyRunning),
    E(kCVReturnDisplayLinkNotRunning), E(kCVReturnDisplayLinkCallbacksNotSet),
    E(kCVReturnInvalidPixelFormat), E(kCVReturnInvalidSize),
    E(kCVReturnInvalidPixelBufferAttributes), E(kCVReturnPixelBufferNotOpenGLCompatible),
    E(kCVReturnPixelBufferNotMetalCompatible), E(kCVReturnWouldExceedAllocationThreshold),
    E(kCVReturnPoolAllocationFailed), E(kCVReturnInvalidPoolAttributes), E(kCVReturnRetry),
    E(kCVReturnLast),

    E(kCMBlockBufferStructureAllocationFailedErr), E(kCMBlockBufferBlockAllocationFailedErr),
    E(kCMBlockBufferBadCustomBlockSourceErr), E(kCMBlockBufferBadOffsetParameterErr),
    E(kCMBlockBufferBadLengthParameterErr), E(kCMBlockBufferBadPointerParameterErr),
    E(kCMBlockBufferEmptyBBufErr), E(kCMBlockBufferUnallocatedBlockErr),
    E(kCMBlockBufferInsufficientSpaceErr),

    E(kCMFormatDescriptionError_InvalidParameter), E(kCMFormatDescriptionError_AllocationFailed),
    E(kCMFormatDescriptionError_ValueNotAvailable),
    E(kCMFormatDescriptionBridgeError_InvalidParameter),
    E(kCMFormatDescriptionBridgeError_AllocationFailed),
    E(kCMFormatDescriptionBridgeError_InvalidSerializedSampleDescription),
    E(kCMFormatDescriptionBridgeError_InvalidFormatDescription),
    E(kCMFormatDescriptionBridgeError_IncompatibleFormatDescription),
    E(kCMFormatDescriptionBridgeError_UnsupportedSampleDescriptionFlavor),

    E(kCMSampleBufferError_AllocationFailed), E(kCMSampleBufferError_RequiredParameterMissing),
    E(kCMSampleBufferError_AlreadyHasDataBuffer), E(kCMSampleBufferError_BufferNotReady),
    E(kCMSampleBufferError_SampleIndexOutOfRange), E(kCMSampleBufferError_BufferHasNoSampleSizes),
    E(kCMSampleBufferError_BufferHasNoSampleTimingInfo), E(kCMSampleBufferError_ArrayTooSmall),
    E(kCMSampleBufferError_InvalidEntryCount), E(kCMSampleBufferError_CannotSubdivide),
    E(kCMSampleBufferError_SampleTimingInfoInvalid),
    E(kCMSampleBufferError_InvalidMediaTypeForOperation),
    E(kCMSampleBufferError_InvalidSampleData), E(kCMSampleBufferError_InvalidMediaFormat),
    E(kCMSampleBufferError_Invalidated), E(kCMSampleBufferError_DataFailed),
    E(kCMSampleBufferError_DataCanceled),

    E(kCMSimpleQueueError_AllocationFailed), E(kCMSimpleQueueError_RequiredParameterMissing),
    E(kCMSimpleQueueError_ParameterOutOfRange), E(kCMSimpleQueueError_QueueIsFull),
};

/* Aliases: same value as a listed name, which the table reports instead. */
static const Expected aliases[] = {
    {"kVTPixelRotationNotSupportedErr", kVTImageRotationNotSupportedErr},
    {"kCVReturnError", kCVReturnFirst},
    {"noErr", kCVReturnSuccess},
    {"noErr", kCMBlockBufferNoErr},
};
/* clang-format on */

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static void test_known(void) {
    size_t i;
    char text[160];
    for (i = 0; i < COUNT(expected); i++) {
        const char *name = vtcore_status_name((OSStatus)expected[i].value);
        const char *s = vtcore_status_string((OSStatus)expected[i].value);
        CHECK_MSG(name && strcmp(name, expected[i].name) == 0, "%ld: %s, expected %s",
                  expected[i].value, name ? name : "(null)", expected[i].name);
        snprintf(text, sizeof(text), "%s (%ld)", expected[i].name, expected[i].value);
        CHECK_MSG(s && strcmp(s, text) == 0, "string %s, expected %s", s ? s : "(null)", text);
    }
    for (i = 0; i < COUNT(aliases); i++) {
        const char *name = vtcore_status_name((OSStatus)aliases[i].value);
        CHECK(name && strcmp(name, aliases[i].name) == 0);
    }
    /* A few spelled out, independently of the header constants. */
    CHECK(strcmp(vtcore_status_string(-12900), "kVTPropertyNotSupportedErr (-12900)") == 0);
    CHECK(strcmp(vtcore_status_string(-6661), "kCVReturnInvalidArgument (-6661)") == 0);
    CHECK(strcmp(vtcore_status_string(0), "noErr (0)") == 0);
}

static void test_unique_and_complete(void) {
    /* Every code vtcore names lies in [-20000, 0]; walk that range. */
    static const char *seen_name[20001];
    int v, named = 0;
    size_t i;
    for (v = -20000; v <= 0; v++) {
        const char *name = vtcore_status_name(v);
        const char *s = vtcore_status_string(v);
        CHECK(s != NULL);
        if (!name) {
            char text[64];
            snprintf(text, sizeof(text), "unknown status (%d)", v);
            CHECK_MSG(strcmp(s, text) == 0, "%d: %s", v, s);
            continue;
        }
        named++;
        seen_name[v + 20000] = name;
        /* the string starts with the name */
        CHECK(strncmp(s, name, strlen(name)) == 0);
    }
    /* Names are unique. */
    for (v = 0; v <= 20000; v++) {
        int w;
        if (!seen_name[v])
            continue;
        for (w = v + 1; w <= 20000; w++)
            CHECK_MSG(!seen_name[w] || strcmp(seen_name[v], seen_name[w]) != 0, "%s twice",
                      seen_name[v]);
    }
    /* Every named value is one of the expected constants, and vice versa. */
    CHECK_EQ_INT(named, COUNT(expected));
    for (i = 0; i < COUNT(expected); i++)
        CHECK(expected[i].value >= -20000 && expected[i].value <= 0);
}

static void test_unknown(void) {
    CHECK(vtcore_status_name(1) == NULL);
    CHECK(vtcore_status_name(-1) == NULL);
    CHECK(vtcore_status_name(-12899) == NULL);
    CHECK(strcmp(vtcore_status_string(12345), "unknown status (12345)") == 0);
    CHECK(strcmp(vtcore_status_string(INT32_MIN), "unknown status (-2147483648)") == 0);
}

int main(void) {
    test_known();
    test_unique_and_complete();
    test_unknown();
    return vt_test_result();
}
