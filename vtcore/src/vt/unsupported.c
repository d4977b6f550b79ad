/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * TEMPORARY definitions of the VideoToolbox functions whose implementation
 * belongs to later issues, so that the library links and every declared
 * function exists. Each one reports that the feature is missing:
 *
 *   family                      status returned (other results)
 *   compression session         kVTCouldNotFindVideoEncoderErr (NULL / false)
 *   pixel transfer session      kVTPixelTransferNotSupportedErr
 *   pixel rotation session      kVTPixelRotationNotSupportedErr
 *   multi-pass storage / silo   Create: kVTCouldNotCreateInstanceErr; others:
 *                               kVTParameterErr (no valid object can exist)
 *   encoder list                kVTCouldNotFindVideoEncoderErr
 *
 * NULL out-pointers of Create functions return kVTParameterErr; out-values
 * are cleared. GetTypeID functions return the final type ids. When a family
 * is implemented, delete its block here (one function per block).
 */
#include "config.h"

#include <VideoToolbox/VideoToolbox.h>

#include "runtime.h"

/* ======== compression session ======== */

/* placeholder: replaced by the VTCompressionSession issue */
OSStatus VTCompressionSessionCreate(
    CFAllocatorRef allocator, int32_t width, int32_t height, CMVideoCodecType codecType,
    CFDictionaryRef encoderSpecification, CFDictionaryRef sourceImageBufferAttributes,
    CFAllocatorRef compressedDataAllocator, VTCompressionOutputCallback outputCallback,
    void *outputCallbackRefCon, VTCompressionSessionRef *compressionSessionOut) {
    (void)allocator, (void)width, (void)height, (void)codecType, (void)encoderSpecification;
    (void)sourceImageBufferAttributes, (void)compressedDataAllocator, (void)outputCallback;
    (void)outputCallbackRefCon;
    if (!compressionSessionOut)
        return kVTParameterErr;
    *compressionSessionOut = NULL;
    return kVTCouldNotFindVideoEncoderErr;
}

/* placeholder: replaced by the VTCompressionSession issue */
void VTCompressionSessionInvalidate(VTCompressionSessionRef session) {
    (void)session;
}

/* placeholder: replaced by the VTCompressionSession issue */
CFTypeID VTCompressionSessionGetTypeID(void) {
    return VT_TYPE_ID_COMPRESSION_SESSION;
}

/* placeholder: replaced by the VTCompressionSession issue */
CVPixelBufferPoolRef VTCompressionSessionGetPixelBufferPool(VTCompressionSessionRef session) {
    (void)session;
    return NULL;
}

/* placeholder: replaced by the VTCompressionSession issue */
OSStatus VTCompressionSessionPrepareToEncodeFrames(VTCompressionSessionRef session) {
    (void)session;
    return kVTCouldNotFindVideoEncoderErr;
}

/* placeholder: replaced by the VTCompressionSession issue */
OSStatus VTCompressionSessionEncodeFrame(VTCompressionSessionRef session,
                                         CVImageBufferRef imageBuffer, CMTime presentationTimeStamp,
                                         CMTime duration, CFDictionaryRef frameProperties,
                                         void *sourceFrameRefcon, VTEncodeInfoFlags *infoFlagsOut) {
    (void)session, (void)imageBuffer, (void)presentationTimeStamp, (void)duration;
    (void)frameProperties, (void)sourceFrameRefcon;
    if (infoFlagsOut)
        *infoFlagsOut = 0;
    return kVTCouldNotFindVideoEncoderErr;
}

/* placeholder: replaced by the VTCompressionSession issue */
OSStatus VTCompressionSessionCompleteFrames(VTCompressionSessionRef session,
                                            CMTime completeUntilPresentationTimeStamp) {
    (void)session, (void)completeUntilPresentationTimeStamp;
    return kVTCouldNotFindVideoEncoderErr;
}

/* placeholder: replaced by the VTCompressionSession issue */
Boolean VTIsStereoMVHEVCEncodeSupported(void) {
    return FALSE;
}

/* placeholder: replaced by the VTCompressionSession issue */
OSStatus VTCompressionSessionEncodeMultiImageFrame(VTCompressionSessionRef session,
                                                   CMTaggedBufferGroupRef taggedBufferGroup,
                                                   CMTime presentationTimeStamp, CMTime duration,
                                                   CFDictionaryRef frameProperties,
                                                   void *sourceFrameRefcon,
                                                   VTEncodeInfoFlags *infoFlagsOut) {
    (void)session, (void)taggedBufferGroup, (void)presentationTimeStamp, (void)duration;
    (void)frameProperties, (void)sourceFrameRefcon;
    if (infoFlagsOut)
        *infoFlagsOut = 0;
    return kVTCouldNotFindVideoEncoderErr;
}

/* placeholder: replaced by the multi-pass issue */
OSStatus VTCompressionSessionBeginPass(VTCompressionSessionRef session,
                                       VTCompressionSessionOptionFlags beginPassFlags,
                                       uint32_t *reserved) {
    (void)session, (void)beginPassFlags, (void)reserved;
    return kVTCouldNotFindVideoEncoderErr;
}

/* placeholder: replaced by the multi-pass issue */
OSStatus VTCompressionSessionEndPass(VTCompressionSessionRef session,
                                     Boolean *furtherPassesRequestedOut, uint32_t *reserved) {
    (void)session, (void)reserved;
    if (furtherPassesRequestedOut)
        *furtherPassesRequestedOut = FALSE;
    return kVTCouldNotFindVideoEncoderErr;
}

/* placeholder: replaced by the multi-pass issue */
OSStatus VTCompressionSessionGetTimeRangesForNextPass(VTCompressionSessionRef session,
                                                      CMItemCount *timeRangeCountOut,
                                                      const CMTimeRange **timeRangeArrayOut) {
    (void)session;
    if (timeRangeCountOut)
        *timeRangeCountOut = 0;
    if (timeRangeArrayOut)
        *timeRangeArrayOut = NULL;
    return kVTCouldNotFindVideoEncoderErr;
}

/* ======== pixel transfer session ======== */

/* placeholder: replaced by the VTPixelTransferSession issue */
OSStatus VTPixelTransferSessionCreate(CFAllocatorRef allocator,
                                      VTPixelTransferSessionRef *pixelTransferSessionOut) {
    (void)allocator;
    if (!pixelTransferSessionOut)
        return kVTParameterErr;
    *pixelTransferSessionOut = NULL;
    return kVTPixelTransferNotSupportedErr;
}

/* placeholder: replaced by the VTPixelTransferSession issue */
void VTPixelTransferSessionInvalidate(VTPixelTransferSessionRef session) {
    (void)session;
}

/* placeholder: replaced by the VTPixelTransferSession issue */
CFTypeID VTPixelTransferSessionGetTypeID(void) {
    return VT_TYPE_ID_PIXEL_TRANSFER_SESSION;
}

/* placeholder: replaced by the VTPixelTransferSession issue */
OSStatus VTPixelTransferSessionTransferImage(VTPixelTransferSessionRef session,
                                             CVPixelBufferRef sourceBuffer,
                                             CVPixelBufferRef destinationBuffer) {
    (void)session, (void)sourceBuffer, (void)destinationBuffer;
    return kVTPixelTransferNotSupportedErr;
}

/* ======== pixel rotation session ======== */

/* placeholder: replaced by the VTPixelRotationSession issue */
OSStatus VTPixelRotationSessionCreate(CFAllocatorRef allocator,
                                      VTPixelRotationSessionRef *pixelRotationSessionOut) {
    (void)allocator;
    if (!pixelRotationSessionOut)
        return kVTParameterErr;
    *pixelRotationSessionOut = NULL;
    return kVTPixelRotationNotSupportedErr;
}

/* placeholder: replaced by the VTPixelRotationSession issue */
void VTPixelRotationSessionInvalidate(VTPixelRotationSessionRef session) {
    (void)session;
}

/* placeholder: replaced by the VTPixelRotationSession issue */
CFTypeID VTPixelRotationSessionGetTypeID(void) {
    return VT_TYPE_ID_PIXEL_ROTATION_SESSION;
}

/* placeholder: replaced by the VTPixelRotationSession issue */
OSStatus VTPixelRotationSessionRotateImage(VTPixelRotationSessionRef session,
                                           CVPixelBufferRef sourceBuffer,
                                           CVPixelBufferRef destinationBuffer) {
    (void)session, (void)sourceBuffer, (void)destinationBuffer;
    return kVTPixelRotationNotSupportedErr;
}

/* ======== multi-pass storage ======== */

/* placeholder: replaced by the multi-pass issue */
CFTypeID VTMultiPassStorageGetTypeID(void) {
    return VT_TYPE_ID_MULTI_PASS_STORAGE;
}

/* placeholder: replaced by the multi-pass issue */
OSStatus VTMultiPassStorageCreate(CFAllocatorRef allocator, CFURLRef fileURL, CMTimeRange timeRange,
                                  CFDictionaryRef options,
                                  VTMultiPassStorageRef *multiPassStorageOut) {
    (void)allocator, (void)fileURL, (void)timeRange, (void)options;
    if (!multiPassStorageOut)
        return kVTParameterErr;
    *multiPassStorageOut = NULL;
    return kVTCouldNotCreateInstanceErr;
}

/* placeholder: replaced by the multi-pass issue */
OSStatus VTMultiPassStorageClose(VTMultiPassStorageRef multiPassStorage) {
    (void)multiPassStorage;
    return kVTParameterErr;
}

/* ======== frame silo ======== */

/* placeholder: replaced by the multi-pass issue */
CFTypeID VTFrameSiloGetTypeID(void) {
    return VT_TYPE_ID_FRAME_SILO;
}

/* placeholder: replaced by the multi-pass issue */
OSStatus VTFrameSiloCreate(CFAllocatorRef allocator, CFURLRef fileURL, CMTimeRange timeRange,
                           CFDictionaryRef options, VTFrameSiloRef *frameSiloOut) {
    (void)allocator, (void)fileURL, (void)timeRange, (void)options;
    if (!frameSiloOut)
        return kVTParameterErr;
    *frameSiloOut = NULL;
    return kVTCouldNotCreateInstanceErr;
}

/* placeholder: replaced by the multi-pass issue */
OSStatus VTFrameSiloAddSampleBuffer(VTFrameSiloRef silo, CMSampleBufferRef sampleBuffer) {
    (void)silo, (void)sampleBuffer;
    return kVTParameterErr;
}

/* placeholder: replaced by the multi-pass issue */
OSStatus VTFrameSiloSetTimeRangesForNextPass(VTFrameSiloRef silo, CMItemCount timeRangeCount,
                                             const CMTimeRange *timeRangeArray) {
    (void)silo, (void)timeRangeCount, (void)timeRangeArray;
    return kVTParameterErr;
}

/* placeholder: replaced by the multi-pass issue */
OSStatus VTFrameSiloGetProgressOfCurrentPass(VTFrameSiloRef silo, Float32 *progressOut) {
    (void)silo;
    if (progressOut)
        *progressOut = 0;
    return kVTParameterErr;
}

/* placeholder: replaced by the multi-pass issue */
OSStatus VTFrameSiloCallFunctionForEachSampleBuffer(
    VTFrameSiloRef silo, CMTimeRange timeRange, void *refcon,
    OSStatus (*callback)(void *refcon, CMSampleBufferRef sampleBuffer)) {
    (void)silo, (void)timeRange, (void)refcon, (void)callback;
    return kVTParameterErr;
}

/* ======== encoder list ======== */

/* placeholder: replaced by the encoder backend issue */
OSStatus VTCopyVideoEncoderList(CFDictionaryRef options, CFArrayRef *listOfVideoEncodersOut) {
    (void)options;
    if (!listOfVideoEncodersOut)
        return kVTParameterErr;
    *listOfVideoEncodersOut = NULL;
    return kVTCouldNotFindVideoEncoderErr;
}

/* placeholder: replaced by the encoder backend issue */
OSStatus VTCopySupportedPropertyDictionaryForEncoder(int32_t width, int32_t height,
                                                     CMVideoCodecType codecType,
                                                     CFDictionaryRef encoderSpecification,
                                                     CFStringRef *encoderIDOut,
                                                     CFDictionaryRef *supportedPropertiesOut) {
    (void)width, (void)height, (void)codecType, (void)encoderSpecification;
    if (encoderIDOut)
        *encoderIDOut = NULL;
    if (supportedPropertiesOut)
        *supportedPropertiesOut = NULL;
    return kVTCouldNotFindVideoEncoderErr;
}
