/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * VTCompressionSession.h: encoding CVImageBuffers into compressed
 * CMSampleBuffers. Properties (VTSessionSetProperty) are listed in
 * VTCompressionProperties.h.
 *
 * Output contract: one callback per successfully submitted frame, in decode
 * order, possibly on another thread, carrying that frame's
 * sourceFrameRefcon -- also for dropped frames (kVTEncodeInfo_FrameDropped,
 * NULL sample buffer) and failures (status != noErr). H.264/HEVC payloads are
 * length-prefixed NAL units; the parameter sets are in the sample's format
 * description.
 */
#ifndef VTCORE_VIDEOTOOLBOX_VTCOMPRESSIONSESSION_H
#define VTCORE_VIDEOTOOLBOX_VTCOMPRESSIONSESSION_H

#include <CoreFoundation/CoreFoundation.h>
#include <CoreMedia/CMBase.h>
#include <CoreMedia/CMFormatDescription.h>
#include <CoreMedia/CMSampleBuffer.h>
#include <CoreMedia/CMTime.h>
#include <CoreMedia/CMTimeRange.h>
#include <CoreVideo/CVImageBuffer.h>
#include <CoreVideo/CVPixelBuffer.h>
#include <CoreVideo/CVPixelBufferPool.h>
#include <VideoToolbox/VTBase.h>
#include <VideoToolbox/VTCompressionProperties.h>
#include <VideoToolbox/VTErrors.h>
#include <VideoToolbox/VTSession.h>

CF_EXTERN_C_BEGIN

/* A CF object and a VTSessionRef: CFRetain / CFRelease, VTSession*. */
typedef struct OpaqueVTCompressionSession *VTCompressionSessionRef;

#ifndef VTCORE_CMTAGGEDBUFFERGROUPREF_DEFINED
#define VTCORE_CMTAGGEDBUFFERGROUPREF_DEFINED 1
/* A group of tagged buffers (multi-view input); opaque here. */
typedef struct OpaqueCMTaggedBufferGroup *CMTaggedBufferGroupRef;
#endif

/* Receives each encoded frame. outputCallbackRefCon is the refcon given to
 * VTCompressionSessionCreate, sourceFrameRefCon the one given to EncodeFrame.
 * sampleBuffer is not retained for the callback's caller beyond the call
 * (CFRetain it to keep it); it is NULL when status != noErr or the frame was
 * dropped (kVTEncodeInfo_FrameDropped in infoFlags). */
typedef void (*VTCompressionOutputCallback)(void *outputCallbackRefCon, void *sourceFrameRefCon,
                                            OSStatus status, VTEncodeInfoFlags infoFlags,
                                            CMSampleBufferRef sampleBuffer);

/* Key of the encoderSpecification dictionary: CFString, use exactly the
 * encoder with this id (kVTVideoEncoderList_EncoderID). The other keys are in
 * VTCompressionProperties.h. */
VT_EXPORT const CFStringRef kVTVideoEncoderSpecification_EncoderID;

/* Creates (+1 in *compressionSessionOut) a session encoding width x height
 * frames to codecType. width and height must be even, 2..16384: every vtcore
 * encoder produces H.264 4:2:0, which crops only in 2-pixel steps, so an odd
 * size is refused with kVTParameterErr. encoderSpecification (may be NULL)
 * selects the encoder (kVTVideoEncoderSpecification_* keys);
 * sourceImageBufferAttributes (may be NULL) describes the buffers the client
 * will submit and shapes the session's pixel buffer pool. The allocators are
 * ignored. outputCallback may be NULL only if every frame is submitted with
 * an output handler. Returns noErr, kVTParameterErr,
 * kVTCouldNotFindVideoEncoderErr (no encoder matches codec and
 * specification), kVTCouldNotCreateInstanceErr or kVTAllocationFailedErr. */
VT_EXPORT OSStatus VTCompressionSessionCreate(
    CFAllocatorRef allocator, int32_t width, int32_t height, CMVideoCodecType codecType,
    CFDictionaryRef encoderSpecification, CFDictionaryRef sourceImageBufferAttributes,
    CFAllocatorRef compressedDataAllocator, VTCompressionOutputCallback outputCallback,
    void *outputCallbackRefCon, VTCompressionSessionRef *compressionSessionOut);

/* Stops the session: pending frames are completed or dropped and no callback
 * runs after this returns. Later calls return kVTInvalidSessionErr. The
 * object itself is still released with CFRelease. NULL-safe. */
VT_EXPORT void VTCompressionSessionInvalidate(VTCompressionSessionRef session);

VT_EXPORT CFTypeID VTCompressionSessionGetTypeID(void);

/* The pool of buffers best suited to this session (not retained; NULL if the
 * session is invalid). It may change when properties change. */
VT_EXPORT CVPixelBufferPoolRef
VTCompressionSessionGetPixelBufferPool(VTCompressionSessionRef session);

/* Optionally prepares the encoder before the first frame (repeated calls do
 * nothing). Returns noErr, kVTParameterErr, kVTInvalidSessionErr or an
 * encoder error. */
VT_EXPORT OSStatus VTCompressionSessionPrepareToEncodeFrames(VTCompressionSessionRef session);

/* Submits one frame. presentationTimeStamp must increase strictly;
 * duration may be kCMTimeInvalid; frameProperties (may be NULL) holds
 * kVTEncodeFrameOptionKey_* options. The session retains imageBuffer as long
 * as it needs it: do not modify its pixels afterwards. infoFlagsOut (may be
 * NULL) receives kVTEncodeInfo_* flags. Returns noErr, kVTParameterErr,
 * kVTInvalidSessionErr, kVTVideoEncoderMalfunctionErr or
 * kVTAllocationFailedErr. */
VT_EXPORT OSStatus VTCompressionSessionEncodeFrame(VTCompressionSessionRef session,
                                                   CVImageBufferRef imageBuffer,
                                                   CMTime presentationTimeStamp, CMTime duration,
                                                   CFDictionaryRef frameProperties,
                                                   void *sourceFrameRefcon,
                                                   VTEncodeInfoFlags *infoFlagsOut);

/* Emits every pending frame with a presentation time up to
 * completeUntilPresentationTimeStamp (all of them if it is not numeric, e.g.
 * kCMTimeInvalid or kCMTimeIndefinite) and returns after their callbacks
 * returned. The session stays usable. Returns noErr, kVTParameterErr,
 * kVTInvalidSessionErr or an encoder error. */
VT_EXPORT OSStatus VTCompressionSessionCompleteFrames(VTCompressionSessionRef session,
                                                      CMTime completeUntilPresentationTimeStamp);

/* Whether stereo MV-HEVC encoding is available (false in vtcore). */
VT_EXPORT Boolean VTIsStereoMVHEVCEncodeSupported(void);

/* Submits a multi-image frame (MV-HEVC). Same contract as EncodeFrame;
 * vtcore has no multi-view encoder and returns
 * kVTCouldNotFindVideoEncoderErr. */
VT_EXPORT OSStatus VTCompressionSessionEncodeMultiImageFrame(
    VTCompressionSessionRef session, CMTaggedBufferGroupRef taggedBufferGroup,
    CMTime presentationTimeStamp, CMTime duration, CFDictionaryRef frameProperties,
    void *sourceFrameRefcon, VTEncodeInfoFlags *infoFlagsOut);

/* ---- Multi-pass encoding (needs kVTCompressionPropertyKey_MultiPassStorage) ---- */

typedef CF_OPTIONS(uint32_t, VTCompressionSessionOptionFlags) {
    kVTCompressionSessionBeginFinalPass = 1 << 0,
};

/* Starts a pass (flags 0 for an analysis pass, kVTCompressionSessionBeginFinalPass
 * for the last). reserved must be NULL. Returns noErr, kVTParameterErr
 * (also: no multi-pass storage set), kVTInvalidSessionErr or an encoder
 * error. */
VT_EXPORT OSStatus VTCompressionSessionBeginPass(VTCompressionSessionRef session,
                                                 VTCompressionSessionOptionFlags beginPassFlags,
                                                 uint32_t *reserved);

/* Ends a pass; *furtherPassesRequestedOut says whether another pass would
 * help (pass NULL to declare this the final pass). reserved must be NULL.
 * Returns noErr, kVTParameterErr, kVTInvalidSessionErr or an encoder error. */
VT_EXPORT OSStatus VTCompressionSessionEndPass(VTCompressionSessionRef session,
                                               Boolean *furtherPassesRequestedOut,
                                               uint32_t *reserved);

/* The time ranges (start included, end excluded) the next pass must encode.
 * The array belongs to the session and stays valid until the next EndPass
 * or invalidation. Returns noErr, kVTParameterErr or kVTInvalidSessionErr. */
VT_EXPORT OSStatus VTCompressionSessionGetTimeRangesForNextPass(
    VTCompressionSessionRef session, CMItemCount *timeRangeCountOut,
    const CMTimeRange **timeRangeArrayOut);

#if defined(__BLOCKS__)
/* Block-based output. Only declared for compilers with blocks support; the
 * library is built without blocks, so these functions are NOT available in
 * vtcore (the declarations exist so blocks-enabled client code compiles). */
typedef void (^VTCompressionOutputHandler)(OSStatus status, VTEncodeInfoFlags infoFlags,
                                           CMSampleBufferRef sampleBuffer);

VT_EXPORT OSStatus VTCompressionSessionEncodeFrameWithOutputHandler(
    VTCompressionSessionRef session, CVImageBufferRef imageBuffer, CMTime presentationTimeStamp,
    CMTime duration, CFDictionaryRef frameProperties, VTEncodeInfoFlags *infoFlagsOut,
    VTCompressionOutputHandler outputHandler);

VT_EXPORT OSStatus VTCompressionSessionEncodeMultiImageFrameWithOutputHandler(
    VTCompressionSessionRef session, CMTaggedBufferGroupRef taggedBufferGroup,
    CMTime presentationTimeStamp, CMTime duration, CFDictionaryRef frameProperties,
    VTEncodeInfoFlags *infoFlagsOut, VTCompressionOutputHandler outputHandler);
#endif /* __BLOCKS__: unavailable otherwise */

CF_EXTERN_C_END

#endif /* VTCORE_VIDEOTOOLBOX_VTCOMPRESSIONSESSION_H */
