/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * VTErrors.h: the OSStatus codes returned by VideoToolbox functions and the
 * encode/decode information flags. Values are Apple's, so code ported from
 * macOS can keep comparing against them. vtcore_status_string() in
 * <vtcore/vtcore.h> names every code.
 */
#ifndef VTCORE_VIDEOTOOLBOX_VTERRORS_H
#define VTCORE_VIDEOTOOLBOX_VTERRORS_H

#include <CoreFoundation/CFBase.h>
#include <VideoToolbox/VTBase.h>

CF_EXTERN_C_BEGIN

/* clang-format off */
enum {
    kVTPropertyNotSupportedErr                     = -12900, /* unknown key, or not supported by this session/encoder */
    kVTPropertyReadOnlyErr                         = -12901, /* the property cannot be set */
    kVTParameterErr                                = -12902, /* NULL/invalid argument, wrong CF type, value out of range */
    kVTInvalidSessionErr                           = -12903, /* the session was invalidated */
    kVTAllocationFailedErr                         = -12904, /* out of memory */
    kVTPixelTransferNotSupportedErr                = -12905, /* no conversion between these buffers */
    kVTCouldNotFindVideoDecoderErr                 = -12906,
    kVTCouldNotCreateInstanceErr                   = -12907, /* the encoder/object could not be instantiated */
    kVTCouldNotFindVideoEncoderErr                 = -12908, /* no encoder matches codec and specification */
    kVTVideoDecoderBadDataErr                      = -12909,
    kVTVideoDecoderUnsupportedDataFormatErr        = -12910,
    kVTVideoDecoderMalfunctionErr                  = -12911,
    kVTVideoEncoderMalfunctionErr                  = -12912, /* the encoder failed mid-stream */
    kVTVideoDecoderNotAvailableNowErr              = -12913,
    kVTImageRotationNotSupportedErr                = -12914, /* deprecated name of kVTPixelRotationNotSupportedErr */
    kVTPixelRotationNotSupportedErr                = -12914,
    kVTVideoEncoderNotAvailableNowErr              = -12915,
    kVTFormatDescriptionChangeNotSupportedErr      = -12916,
    kVTInsufficientSourceColorDataErr              = -12917,
    kVTCouldNotCreateColorCorrectionDataErr        = -12918,
    kVTColorSyncTransformConvertFailedErr          = -12919,
    kVTVideoDecoderAuthorizationErr                = -12210,
    kVTVideoEncoderAuthorizationErr                = -12211,
    kVTColorCorrectionPixelTransferFailedErr       = -12212,
    kVTMultiPassStorageIdentifierMismatchErr       = -12213,
    kVTMultiPassStorageInvalidErr                  = -12214,
    kVTFrameSiloInvalidTimeStampErr                = -12215,
    kVTFrameSiloInvalidTimeRangeErr                = -12216,
    kVTCouldNotFindTemporalFilterErr               = -12217,
    kVTPixelTransferNotPermittedErr                = -12218,
    kVTColorCorrectionImageRotationFailedErr       = -12219,
    kVTVideoDecoderRemovedErr                      = -17690,
    kVTSessionMalfunctionErr                       = -17691,
    kVTVideoDecoderNeedsRosettaErr                 = -17692,
    kVTVideoEncoderNeedsRosettaErr                 = -17693,
    kVTVideoDecoderReferenceMissingErr             = -17694,
    kVTVideoDecoderCallbackMessagingErr            = -17695,
    kVTVideoDecoderUnknownErr                      = -17696,
    kVTExtensionDisabledErr                        = -17697,
    kVTVideoEncoderMVHEVCVideoLayerIDsMismatchErr  = -17698,
    kVTCouldNotOutputTaggedBufferGroupErr          = -17699,
    kVTCouldNotFindExtensionErr                    = -19510,
    kVTExtensionConflictErr                        = -19511,
    kVTVideoEncoderAutoWhiteBalanceNotLockedErr    = -19512,
    /* kVTLogTransferFunctionMismatchErr (macOS 27 beta) is not declared: its
     * value is not published yet. */
};
/* clang-format on */

/* Reported through VTCompressionOutputCallback and EncodeFrame's infoFlagsOut. */
typedef CF_OPTIONS(UInt32, VTEncodeInfoFlags) {
    kVTEncodeInfo_Asynchronous = 1UL << 0, /* the frame is being encoded asynchronously */
    kVTEncodeInfo_FrameDropped = 1UL << 1, /* the frame was dropped (sampleBuffer is NULL) */
};

/* Decode-side flags, declared for source compatibility (vtcore has no
 * decompression session). */
typedef CF_OPTIONS(uint32_t, VTDecodeFrameFlags) {
    kVTDecodeFrame_EnableAsynchronousDecompression = 1 << 0,
    kVTDecodeFrame_DoNotOutputFrame = 1 << 1,
    kVTDecodeFrame_1xRealTimePlayback = 1 << 2,
    kVTDecodeFrame_EnableTemporalProcessing = 1 << 3,
};

typedef CF_OPTIONS(UInt32, VTDecodeInfoFlags) {
    kVTDecodeInfo_Asynchronous = 1UL << 0,
    kVTDecodeInfo_FrameDropped = 1UL << 1,
    kVTDecodeInfo_ImageBufferModifiable = 1UL << 2,
    kVTDecodeInfo_SkippedLeadingFrameDropped = 1UL << 3,
};

CF_EXTERN_C_END

#endif /* VTCORE_VIDEOTOOLBOX_VTERRORS_H */
