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
/* All zero, like no_range. */
static const CMTimeRange no_range;

/* placeholder: replaced by the VTCompressionSession issue */
static void test_compression(void) {
    VTCompressionSessionRef s = (VTCompressionSessionRef)&dummy_object;
    VTEncodeInfoFlags flags = 77;
    CHECK_STATUS(
        VTCompressionSessionCreate(NULL, 640, 480, 0x61766331, NULL, NULL, NULL, NULL, NULL, &s),
        kVTCouldNotFindVideoEncoderErr);
    CHECK(s == NULL);
    CHECK_STATUS(
        VTCompressionSessionCreate(NULL, 640, 480, 0x61766331, NULL, NULL, NULL, NULL, NULL, NULL),
        kVTParameterErr);
    CHECK_EQ_INT(VTCompressionSessionGetTypeID(), VT_TYPE_ID_COMPRESSION_SESSION);
    CHECK(VTCompressionSessionGetPixelBufferPool(NULL) == NULL);
    CHECK_STATUS(VTCompressionSessionPrepareToEncodeFrames(NULL), kVTCouldNotFindVideoEncoderErr);
    CHECK_STATUS(VTCompressionSessionEncodeFrame(NULL, NULL, kCMTimeZero, kCMTimeInvalid, NULL,
                                                 NULL, &flags),
                 kVTCouldNotFindVideoEncoderErr);
    CHECK_EQ_INT(flags, 0);
    CHECK_STATUS(VTCompressionSessionCompleteFrames(NULL, kCMTimeInvalid),
                 kVTCouldNotFindVideoEncoderErr);
    VTCompressionSessionInvalidate(NULL);
    CHECK(!VTIsStereoMVHEVCEncodeSupported());
    flags = 77;
    CHECK_STATUS(VTCompressionSessionEncodeMultiImageFrame(NULL, NULL, kCMTimeZero, kCMTimeInvalid,
                                                           NULL, NULL, &flags),
                 kVTCouldNotFindVideoEncoderErr);
    CHECK_EQ_INT(flags, 0);
}

/* placeholder: replaced by the multi-pass issue */
static void test_multipass(void) {
    Boolean further = TRUE;
    CMItemCount count = 5;
    const CMTimeRange *ranges = (const CMTimeRange *)&dummy_object;
    VTMultiPassStorageRef storage = (VTMultiPassStorageRef)&dummy_object;
    VTFrameSiloRef silo = (VTFrameSiloRef)&dummy_object;
    Float32 progress = 3;

    CHECK_STATUS(VTCompressionSessionBeginPass(NULL, kVTCompressionSessionBeginFinalPass, NULL),
                 kVTCouldNotFindVideoEncoderErr);
    CHECK_STATUS(VTCompressionSessionEndPass(NULL, &further, NULL), kVTCouldNotFindVideoEncoderErr);
    CHECK(further == FALSE);
    CHECK_STATUS(VTCompressionSessionGetTimeRangesForNextPass(NULL, &count, &ranges),
                 kVTCouldNotFindVideoEncoderErr);
    CHECK(count == 0 && ranges == NULL);

    CHECK_EQ_INT(VTMultiPassStorageGetTypeID(), VT_TYPE_ID_MULTI_PASS_STORAGE);
    CHECK_STATUS(VTMultiPassStorageCreate(NULL, NULL, no_range, NULL, &storage),
                 kVTCouldNotCreateInstanceErr);
    CHECK(storage == NULL);
    CHECK_STATUS(VTMultiPassStorageCreate(NULL, NULL, no_range, NULL, NULL), kVTParameterErr);
    CHECK_STATUS(VTMultiPassStorageClose(NULL), kVTParameterErr);

    CHECK_EQ_INT(VTFrameSiloGetTypeID(), VT_TYPE_ID_FRAME_SILO);
    CHECK_STATUS(VTFrameSiloCreate(NULL, NULL, no_range, NULL, &silo),
                 kVTCouldNotCreateInstanceErr);
    CHECK(silo == NULL);
    CHECK_STATUS(VTFrameSiloCreate(NULL, NULL, no_range, NULL, NULL), kVTParameterErr);
    CHECK_STATUS(VTFrameSiloAddSampleBuffer(NULL, NULL), kVTParameterErr);
    CHECK_STATUS(VTFrameSiloSetTimeRangesForNextPass(NULL, 0, NULL), kVTParameterErr);
    CHECK_STATUS(VTFrameSiloGetProgressOfCurrentPass(NULL, &progress), kVTParameterErr);
    CHECK(progress == 0);
    CHECK_STATUS(VTFrameSiloCallFunctionForEachSampleBuffer(NULL, no_range, NULL, NULL),
                 kVTParameterErr);
}

/* placeholder: replaced by the VTPixelTransferSession issue */
static void test_transfer(void) {
    VTPixelTransferSessionRef s = (VTPixelTransferSessionRef)&dummy_object;
    CHECK_STATUS(VTPixelTransferSessionCreate(NULL, &s), kVTPixelTransferNotSupportedErr);
    CHECK(s == NULL);
    CHECK_STATUS(VTPixelTransferSessionCreate(NULL, NULL), kVTParameterErr);
    CHECK_EQ_INT(VTPixelTransferSessionGetTypeID(), VT_TYPE_ID_PIXEL_TRANSFER_SESSION);
    CHECK_STATUS(VTPixelTransferSessionTransferImage(NULL, NULL, NULL),
                 kVTPixelTransferNotSupportedErr);
    VTPixelTransferSessionInvalidate(NULL);
}

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
static void test_encoder_list(void) {
    CFArrayRef list = (CFArrayRef)&dummy_object;
    CFStringRef id = (CFStringRef)&dummy_object;
    CFDictionaryRef props = (CFDictionaryRef)&dummy_object;
    CHECK_STATUS(VTCopyVideoEncoderList(NULL, &list), kVTCouldNotFindVideoEncoderErr);
    CHECK(list == NULL);
    CHECK_STATUS(VTCopyVideoEncoderList(NULL, NULL), kVTParameterErr);
    CHECK_STATUS(
        VTCopySupportedPropertyDictionaryForEncoder(640, 480, 0x61766331, NULL, &id, &props),
        kVTCouldNotFindVideoEncoderErr);
    CHECK(id == NULL && props == NULL);
}

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
    test_compression();
    test_multipass();
    test_transfer();
    test_rotation();
    test_encoder_list();
    test_utilities();
    return vt_test_result();
}
