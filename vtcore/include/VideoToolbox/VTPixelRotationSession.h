/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * VTPixelRotationSession.h: rotating and flipping CVPixelBuffers by multiples
 * of 90 degrees. Properties are in VTPixelRotationProperties.h.
 */
#ifndef VTCORE_VIDEOTOOLBOX_VTPIXELROTATIONSESSION_H
#define VTCORE_VIDEOTOOLBOX_VTPIXELROTATIONSESSION_H

#include <CoreFoundation/CoreFoundation.h>
#include <CoreVideo/CVPixelBuffer.h>
#include <VideoToolbox/VTBase.h>
#include <VideoToolbox/VTErrors.h>
#include <VideoToolbox/VTPixelRotationProperties.h>
#include <VideoToolbox/VTSession.h>

CF_EXTERN_C_BEGIN

/* A CF object and a VTSessionRef: CFRetain / CFRelease, VTSession*. */
typedef struct OpaqueVTPixelRotationSession *VTPixelRotationSessionRef;

/* Creates (+1 in *pixelRotationSessionOut) a session (rotation 0, no flip).
 * Returns noErr, kVTParameterErr or kVTAllocationFailedErr. */
VT_EXPORT OSStatus VTPixelRotationSessionCreate(CFAllocatorRef allocator,
                                                VTPixelRotationSessionRef *pixelRotationSessionOut);

/* Releases the session's resources; later calls return kVTInvalidSessionErr.
 * NULL-safe. */
VT_EXPORT void VTPixelRotationSessionInvalidate(VTPixelRotationSessionRef session);

VT_EXPORT CFTypeID VTPixelRotationSessionGetTypeID(void);

/* Rotates sourceBuffer into destinationBuffer (whose width and height must be
 * swapped for 90 and 270 degrees, equal for 0 and 180). Returns noErr,
 * kVTParameterErr, kVTInvalidSessionErr, kVTPixelRotationNotSupportedErr or
 * kVTAllocationFailedErr. */
VT_EXPORT OSStatus VTPixelRotationSessionRotateImage(VTPixelRotationSessionRef session,
                                                     CVPixelBufferRef sourceBuffer,
                                                     CVPixelBufferRef destinationBuffer);

CF_EXTERN_C_END

#endif /* VTCORE_VIDEOTOOLBOX_VTPIXELROTATIONSESSION_H */
