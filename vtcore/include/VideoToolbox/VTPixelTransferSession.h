/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * VTPixelTransferSession.h: copying pixels between CVPixelBuffers with
 * pixel format conversion, scaling and cropping. Properties (set with
 * VTSessionSetProperty) are in VTPixelTransferProperties.h.
 */
#ifndef VTCORE_VIDEOTOOLBOX_VTPIXELTRANSFERSESSION_H
#define VTCORE_VIDEOTOOLBOX_VTPIXELTRANSFERSESSION_H

#include <CoreFoundation/CoreFoundation.h>
#include <CoreVideo/CVPixelBuffer.h>
#include <VideoToolbox/VTBase.h>
#include <VideoToolbox/VTErrors.h>
#include <VideoToolbox/VTPixelTransferProperties.h>
#include <VideoToolbox/VTSession.h>

CF_EXTERN_C_BEGIN

/* A CF object and a VTSessionRef: CFRetain / CFRelease, VTSession*. */
typedef struct OpaqueVTPixelTransferSession *VTPixelTransferSessionRef;

/* Creates (+1 in *pixelTransferSessionOut) a session with default
 * properties. Returns noErr, kVTParameterErr (NULL out-pointer) or
 * kVTAllocationFailedErr. */
VT_EXPORT OSStatus VTPixelTransferSessionCreate(CFAllocatorRef allocator,
                                                VTPixelTransferSessionRef *pixelTransferSessionOut);

/* Releases the session's resources; later calls return kVTInvalidSessionErr.
 * The object itself is still released with CFRelease. NULL-safe. */
VT_EXPORT void VTPixelTransferSessionInvalidate(VTPixelTransferSessionRef session);

VT_EXPORT CFTypeID VTPixelTransferSessionGetTypeID(void);

/* Copies sourceBuffer into destinationBuffer, converting the pixel format and
 * scaling to the destination size as the session properties say. The
 * destination's attachments are replaced by ones describing the result;
 * other source attachments are propagated. Returns noErr, kVTParameterErr,
 * kVTInvalidSessionErr, kVTPixelTransferNotSupportedErr (no conversion
 * between these formats) or kVTAllocationFailedErr. */
VT_EXPORT OSStatus VTPixelTransferSessionTransferImage(VTPixelTransferSessionRef session,
                                                       CVPixelBufferRef sourceBuffer,
                                                       CVPixelBufferRef destinationBuffer);

CF_EXTERN_C_END

#endif /* VTCORE_VIDEOTOOLBOX_VTPIXELTRANSFERSESSION_H */
