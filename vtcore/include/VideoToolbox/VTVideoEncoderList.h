/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * VTVideoEncoderList.h: enumerating the available encoders and the
 * properties each one supports.
 */
#ifndef VTCORE_VIDEOTOOLBOX_VTVIDEOENCODERLIST_H
#define VTCORE_VIDEOTOOLBOX_VTVIDEOENCODERLIST_H

#include <CoreFoundation/CoreFoundation.h>
#include <CoreMedia/CMBase.h>
#include <VideoToolbox/VTBase.h>

CF_EXTERN_C_BEGIN

/* Copies (+1) an array with one CFDictionary per available encoder, using
 * the kVTVideoEncoderList_* keys below. options may be NULL or hold
 * kVTVideoEncoderListOption_* keys. Returns noErr, kVTParameterErr (NULL
 * out-pointer) or kVTAllocationFailedErr. */
VT_EXPORT OSStatus VTCopyVideoEncoderList(CFDictionaryRef options,
                                          CFArrayRef *listOfVideoEncodersOut);

/* Finds the encoder VTCompressionSessionCreate would select for these
 * arguments and copies (+1) its encoder id and its supported property
 * dictionary (as VTSessionCopySupportedPropertyDictionary would return).
 * Both out-pointers may be NULL. Returns noErr,
 * kVTCouldNotFindVideoEncoderErr, kVTParameterErr (also for a width or
 * height that is not positive, or odd, as VTCompressionSessionCreate) or
 * kVTAllocationFailedErr. */
VT_EXPORT OSStatus VTCopySupportedPropertyDictionaryForEncoder(
    int32_t width, int32_t height, CMVideoCodecType codecType, CFDictionaryRef encoderSpecification,
    CFStringRef *encoderIDOut, CFDictionaryRef *supportedPropertiesOut);

/* Option: CFBoolean, include standard-definition DV encoders (default false). */
VT_EXPORT const CFStringRef kVTVideoEncoderListOption_IncludeStandardDefinitionDVEncoders;

/* Keys of each encoder dictionary. */
VT_EXPORT const CFStringRef kVTVideoEncoderList_CodecType;     /* CFNumber: the codec fourcc */
VT_EXPORT const CFStringRef kVTVideoEncoderList_EncoderID;     /* CFString: reverse-DNS id */
VT_EXPORT const CFStringRef kVTVideoEncoderList_CodecName;     /* CFString: "H.264" */
VT_EXPORT const CFStringRef kVTVideoEncoderList_EncoderName;   /* CFString */
VT_EXPORT const CFStringRef kVTVideoEncoderList_DisplayName;   /* CFString */
VT_EXPORT const CFStringRef kVTVideoEncoderList_GPURegistryID; /* CFNumber, optional */
VT_EXPORT const CFStringRef
    kVTVideoEncoderList_SupportedSelectionProperties;                  /* CFDictionary, optional */
VT_EXPORT const CFStringRef kVTVideoEncoderList_PerformanceRating;     /* CFNumber, optional */
VT_EXPORT const CFStringRef kVTVideoEncoderList_QualityRating;         /* CFNumber, optional */
VT_EXPORT const CFStringRef kVTVideoEncoderList_InstanceLimit;         /* CFBoolean, optional */
VT_EXPORT const CFStringRef kVTVideoEncoderList_IsHardwareAccelerated; /* CFBoolean, optional */
/* CFBoolean, optional; true if absent. */
VT_EXPORT const CFStringRef kVTVideoEncoderList_SupportsFrameReordering;
/* CFBoolean, optional; false if absent. */
VT_EXPORT const CFStringRef kVTVideoEncoderList_SupportsMultiPass;

CF_EXTERN_C_END

#endif /* VTCORE_VIDEOTOOLBOX_VTVIDEOENCODERLIST_H */
