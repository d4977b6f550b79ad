/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * VTUtilities.h: free-standing VideoToolbox functions. vtcore has no video
 * decoders, no professional-workflow plug-ins and no CoreGraphics: these are
 * declared so macOS code compiles, and report the absence.
 */
#ifndef VTCORE_VIDEOTOOLBOX_VTUTILITIES_H
#define VTCORE_VIDEOTOOLBOX_VTUTILITIES_H

#include <CoreFoundation/CoreFoundation.h>
#include <CoreMedia/CMBase.h>
#include <CoreMedia/CMFormatDescription.h>
#include <CoreVideo/CVPixelBuffer.h>
#include <VideoToolbox/VTBase.h>
#include <VideoToolbox/VTErrors.h>

CF_EXTERN_C_BEGIN

#ifndef VTCORE_CGIMAGEREF_DEFINED
#define VTCORE_CGIMAGEREF_DEFINED 1
/* CoreGraphics image (opaque; vtcore cannot create one). */
typedef struct CGImage *CGImageRef;
#endif

/* Would create a CGImage from a pixel buffer. vtcore has no CoreGraphics:
 * sets *imageOut to NULL and returns kVTParameterErr for NULL arguments,
 * kVTPixelTransferNotSupportedErr otherwise. */
VT_EXPORT OSStatus VTCreateCGImageFromCVPixelBuffer(CVPixelBufferRef pixelBuffer,
                                                    CFDictionaryRef options, CGImageRef *imageOut);

/* Registers the professional video workflow encoders/decoders (macOS). A
 * no-op in vtcore: every encoder is always registered. */
VT_EXPORT void VTRegisterProfessionalVideoWorkflowVideoEncoders(void);
VT_EXPORT void VTRegisterProfessionalVideoWorkflowVideoDecoders(void);

/* Registers a supplemental decoder for codecType if one exists (macOS). A
 * no-op in vtcore. */
VT_EXPORT void VTRegisterSupplementalVideoDecoderIfAvailable(CMVideoCodecType codecType);

/* Whether hardware decoding of codecType is available: always false (vtcore
 * has no decoders). */
VT_EXPORT Boolean VTIsHardwareDecodeSupported(CMVideoCodecType codecType);

/* Properties of the decoder / RAW processor extension for a format (macOS).
 * vtcore has no extensions: *propertiesOut = NULL and
 * kVTCouldNotFindExtensionErr (kVTParameterErr for NULL arguments). */
VT_EXPORT OSStatus VTCopyVideoDecoderExtensionProperties(CMFormatDescriptionRef formatDesc,
                                                         CFDictionaryRef *extensionPropertiesOut);
VT_EXPORT OSStatus VTCopyRAWProcessorExtensionProperties(CMFormatDescriptionRef formatDesc,
                                                         CFDictionaryRef *extensionPropertiesOut);

CF_EXTERN_C_END

#endif /* VTCORE_VIDEOTOOLBOX_VTUTILITIES_H */
