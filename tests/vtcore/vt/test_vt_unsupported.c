/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The temporary definitions of vtcore/src/vt/unsupported.c return their
 * documented statuses and clear their outputs, and the permanent stand-ins of
 * VTUtilities.h behave as documented.
 *
 * When a family is implemented, delete its block here together with its
 * block in unsupported.c (each block carries the same "placeholder" note).
 */
#include <VideoToolbox/VideoToolbox.h>

#include "runtime.h"
#include "vt_test.h"

static int dummy_object; /* any non-NULL pointer: placeholders never dereference */

/* placeholder: replaced by the VTCompressionSession issue */
/* placeholder: replaced by the VTPixelRotationSession issue */
static void test_rotation(void) {
    VTPixelRotationSessionRef s = (VTPixelRotationSessionRef)&dummy_object;
    CHECK_STATUS(VTPixelRotationSessionCreate(NULL, &s), kVTPixelRotationNotSupportedErr);
    CHECK(s == NULL);
    CHECK_STATUS(VTPixelRotationSessionCreate(NULL, NULL), kVTParameterErr);
    CHECK_EQ_INT(VTPixelRotationSessionGetTypeID(), VT_TYPE_ID_PIXEL_ROTATION_SESSION);
    CHECK_STATUS(VTPixelRotationSessionRotateImage(NULL, NULL, NULL),
                 kVTPixelRotationNotSupportedErr);
    VTPixelRotationSessionInvalidate(NULL);
}

/* placeholder: replaced by the encoder backend issue */
/* Permanent (VTUtilities.h). */
static void test_utilities(void) {
    CGImageRef image = (CGImageRef)&dummy_object;
    CFDictionaryRef props = (CFDictionaryRef)&dummy_object;
    CVPixelBufferRef pb = NULL;
    CMFormatDescriptionRef fd = NULL;

    CHECK_STATUS(VTCreateCGImageFromCVPixelBuffer(NULL, NULL, &image), kVTParameterErr);
    CHECK(image == NULL);
    CHECK_STATUS(VTCreateCGImageFromCVPixelBuffer(NULL, NULL, NULL), kVTParameterErr);
    if (CVPixelBufferCreate(NULL, 16, 16, 0x42475241 /* BGRA */, NULL, &pb) == kCVReturnSuccess) {
        image = (CGImageRef)&dummy_object;
        CHECK_STATUS(VTCreateCGImageFromCVPixelBuffer(pb, NULL, &image),
                     kVTPixelTransferNotSupportedErr);
        CHECK(image == NULL);
        CVPixelBufferRelease(pb);
    }
    VTRegisterProfessionalVideoWorkflowVideoEncoders();
    VTRegisterProfessionalVideoWorkflowVideoDecoders();
    VTRegisterSupplementalVideoDecoderIfAvailable(0x61766331);
    CHECK(!VTIsHardwareDecodeSupported(0x61766331));
    CHECK(!VTIsHardwareDecodeSupported(0x68766331));

    CHECK_STATUS(VTCopyVideoDecoderExtensionProperties(NULL, &props), kVTParameterErr);
    CHECK(props == NULL);
    CHECK_STATUS(VTCopyRAWProcessorExtensionProperties(NULL, NULL), kVTParameterErr);
    if (CMVideoFormatDescriptionCreate(NULL, 0x61766331, 64, 64, NULL, &fd) == noErr && fd) {
        props = (CFDictionaryRef)&dummy_object;
        CHECK_STATUS(VTCopyVideoDecoderExtensionProperties(fd, &props),
                     kVTCouldNotFindExtensionErr);
        CHECK(props == NULL);
        props = (CFDictionaryRef)&dummy_object;
        CHECK_STATUS(VTCopyRAWProcessorExtensionProperties(fd, &props),
                     kVTCouldNotFindExtensionErr);
        CHECK(props == NULL);
        CFRelease(fd);
    }
}

int main(void) {
    test_rotation();
    test_utilities();
    return vt_test_result();
}
