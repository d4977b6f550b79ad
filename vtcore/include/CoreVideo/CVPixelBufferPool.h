/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * CVPixelBufferPool: recycles the memory of pixel buffers that share one set
 * of attributes. A pixel buffer made by a pool keeps the pool alive (it holds
 * a reference); when its last reference goes away its memory goes back to the
 * pool's free list instead of being freed, and the next CreatePixelBuffer
 * hands the same memory out again (most recently returned first). The new
 * buffer object carries no attachments from its previous use, only those
 * requested by the pool's pixel buffer attributes. Free memory older than
 * kCVPixelBufferPoolMaximumBufferAgeKey (default 1 s; 0 = never) is freed
 * lazily, keeping at least kCVPixelBufferPoolMinimumBufferCountKey buffers.
 * All functions are thread-safe.
 */
#ifndef VTCORE_COREVIDEO_CVPIXELBUFFERPOOL_H
#define VTCORE_COREVIDEO_CVPIXELBUFFERPOOL_H

#include <CoreVideo/CVPixelBuffer.h>

CF_EXTERN_C_BEGIN

typedef struct __CVPixelBufferPool *CVPixelBufferPoolRef;

/* Pool attribute keys. */
/* CFNumber: number of free buffers never aged out (default 0). */
CV_EXPORT const CFStringRef kCVPixelBufferPoolMinimumBufferCountKey; /* "MinimumBufferCount" */
/* CFNumber, seconds (default 1.0; 0 disables aging). */
CV_EXPORT const CFStringRef kCVPixelBufferPoolMaximumBufferAgeKey; /* "MaximumBufferAge" */

/* Auxiliary attribute key (CVPixelBufferPoolCreatePixelBufferWithAuxAttributes):
 * CFNumber, the maximum number of buffers of this pool that may be
 * outstanding (alive) at once, counting the one being created. */
CV_EXPORT const CFStringRef kCVPixelBufferPoolAllocationThresholdKey;
/* "BufferPoolAllocationThreshold" */
/* Notification name (vtcore posts no notifications; declared for compilation). */
CV_EXPORT const CFStringRef kCVPixelBufferPoolFreeBufferNotification;
/* "BufferPoolFreeBufferNotification" */

typedef CF_OPTIONS(CVOptionFlags, CVPixelBufferPoolFlushFlags) {
    kCVPixelBufferPoolFlushExcessBuffers = 1,
};

CV_EXPORT CFTypeID CVPixelBufferPoolGetTypeID(void);

/* Creates a pool (+1 in *poolOut). pixelBufferAttributes must contain
 * kCVPixelBufferPixelFormatTypeKey (CFNumber, or CFArray of CFNumbers: the
 * first format vtcore can allocate is used), kCVPixelBufferWidthKey and
 * kCVPixelBufferHeightKey; its other keys apply as in CVPixelBufferCreate.
 * Returns kCVReturnInvalidArgument (poolOut NULL),
 * kCVReturnInvalidPixelBufferAttributes (NULL attributes, a required key
 * missing or of the wrong type), kCVReturnInvalidPixelFormat (no usable
 * format), kCVReturnInvalidSize, kCVReturnInvalidPoolAttributes (a pool
 * attribute of the wrong type or negative), kCVReturnAllocationFailed. */
CV_EXPORT CVReturn CVPixelBufferPoolCreate(CFAllocatorRef allocator, CFDictionaryRef poolAttributes,
                                           CFDictionaryRef pixelBufferAttributes,
                                           CVPixelBufferPoolRef *poolOut);

/* +1; returns the pool. NULL-safe. */
CV_EXPORT CVPixelBufferPoolRef CVPixelBufferPoolRetain(CVPixelBufferPoolRef pixelBufferPool);
/* -1. NULL-safe. The pool is destroyed once it is released and none of its
 * buffers is alive any more. */
CV_EXPORT void CVPixelBufferPoolRelease(CVPixelBufferPoolRef pixelBufferPool);

/* The pool attributes as given (NOT retained; an empty dictionary when none
 * were given), or NULL for a NULL pool. */
CV_EXPORT CFDictionaryRef CVPixelBufferPoolGetAttributes(CVPixelBufferPoolRef pool);
/* The pixel buffer attributes (NOT retained): a copy of those given, with
 * kCVPixelBufferWidthKey, kCVPixelBufferHeightKey and
 * kCVPixelBufferPixelFormatTypeKey always present (the format as a CFNumber of
 * the format actually used). NULL for a NULL pool. */
CV_EXPORT CFDictionaryRef CVPixelBufferPoolGetPixelBufferAttributes(CVPixelBufferPoolRef pool);

/* A buffer from the pool (+1 in *pixelBufferOut). Returns
 * kCVReturnInvalidArgument (NULL pool or out-pointer),
 * kCVReturnPoolAllocationFailed / kCVReturnAllocationFailed. */
CV_EXPORT CVReturn CVPixelBufferPoolCreatePixelBuffer(CFAllocatorRef allocator,
                                                      CVPixelBufferPoolRef pixelBufferPool,
                                                      CVPixelBufferRef *pixelBufferOut);
/* As CVPixelBufferPoolCreatePixelBuffer, honouring
 * kCVPixelBufferPoolAllocationThresholdKey in auxAttributes (may be NULL):
 * when the number of buffers of this pool alive would exceed it, returns
 * kCVReturnWouldExceedAllocationThreshold and sets *pixelBufferOut to NULL.
 * A threshold of the wrong type is kCVReturnInvalidArgument. */
CV_EXPORT CVReturn CVPixelBufferPoolCreatePixelBufferWithAuxAttributes(
    CFAllocatorRef allocator, CVPixelBufferPoolRef pixelBufferPool, CFDictionaryRef auxAttributes,
    CVPixelBufferRef *pixelBufferOut);

/* Frees free (not outstanding) buffer memory: with
 * kCVPixelBufferPoolFlushExcessBuffers all of it, otherwise only the memory
 * older than the maximum buffer age. Buffers in use are not affected.
 * NULL-safe. */
CV_EXPORT void CVPixelBufferPoolFlush(CVPixelBufferPoolRef pool,
                                      CVPixelBufferPoolFlushFlags options);

CF_EXTERN_C_END

#endif /* VTCORE_COREVIDEO_CVPIXELBUFFERPOOL_H */
