/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * VTUtilities.h: functions that exist for source compatibility. vtcore has
 * no decoders, no decoder/RAW extensions, no professional-workflow plug-ins
 * and no CoreGraphics, so these report that (permanently, by design).
 */
#include "config.h"

#include <VideoToolbox/VTUtilities.h>

#include "log.h"

OSStatus VTCreateCGImageFromCVPixelBuffer(CVPixelBufferRef pixelBuffer, CFDictionaryRef options,
                                          CGImageRef *imageOut) {
    (void)options;
    VT_CHECK_ARG(imageOut != NULL, kVTParameterErr);
    *imageOut = NULL;
    VT_CHECK_ARG(pixelBuffer != NULL, kVTParameterErr);
    return kVTPixelTransferNotSupportedErr;
}

void VTRegisterProfessionalVideoWorkflowVideoEncoders(void) {
    /* Every vtcore encoder is always registered. */
}

void VTRegisterProfessionalVideoWorkflowVideoDecoders(void) {
}

void VTRegisterSupplementalVideoDecoderIfAvailable(CMVideoCodecType codecType) {
    (void)codecType;
}

Boolean VTIsHardwareDecodeSupported(CMVideoCodecType codecType) {
    (void)codecType;
    return FALSE;
}

OSStatus VTCopyVideoDecoderExtensionProperties(CMFormatDescriptionRef formatDesc,
                                               CFDictionaryRef *extensionPropertiesOut) {
    VT_CHECK_ARG(extensionPropertiesOut != NULL, kVTParameterErr);
    *extensionPropertiesOut = NULL;
    VT_CHECK_ARG(formatDesc != NULL, kVTParameterErr);
    return kVTCouldNotFindExtensionErr;
}

OSStatus VTCopyRAWProcessorExtensionProperties(CMFormatDescriptionRef formatDesc,
                                               CFDictionaryRef *extensionPropertiesOut) {
    VT_CHECK_ARG(extensionPropertiesOut != NULL, kVTParameterErr);
    *extensionPropertiesOut = NULL;
    VT_CHECK_ARG(formatDesc != NULL, kVTParameterErr);
    return kVTCouldNotFindExtensionErr;
}
