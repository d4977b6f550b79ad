/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * TEMPORARY definitions of the VideoToolbox functions whose implementation
 * belongs to later issues, so that the library links and every declared
 * function exists. Each one reports that the feature is missing:
 *
 *   family                      status returned (other results)
 *   pixel rotation session      kVTPixelRotationNotSupportedErr
 *
 * NULL out-pointers of Create functions return kVTParameterErr; out-values
 * are cleared. GetTypeID functions return the final type ids. When a family
 * is implemented, delete its block here (one function per block).
 */
#include "config.h"

#include <VideoToolbox/VideoToolbox.h>

#include "runtime.h"

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
