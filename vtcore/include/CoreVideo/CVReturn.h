/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * CVReturn: the status type of the CoreVideo functions, with Apple's values
 * (the range -6660 ... -6699).
 */
#ifndef VTCORE_CV_RETURN_H
#define VTCORE_CV_RETURN_H

#include <CoreVideo/CVBase.h>

CF_EXTERN_C_BEGIN

typedef int32_t CVReturn;

enum {
    kCVReturnSuccess = 0,

    kCVReturnFirst = -6660,
    /* Unspecified failure. */
    kCVReturnError = kCVReturnFirst,
    /* A NULL or otherwise invalid argument. */
    kCVReturnInvalidArgument = -6661,
    /* Memory allocation failed. */
    kCVReturnAllocationFailed = -6662,
    /* The operation is not supported (by vtcore or by this object). */
    kCVReturnUnsupported = -6663,

    /* CVDisplayLink codes (no display links in vtcore; listed for completeness). */
    kCVReturnInvalidDisplay = -6670,
    kCVReturnDisplayLinkAlreadyRunning = -6671,
    kCVReturnDisplayLinkNotRunning = -6672,
    kCVReturnDisplayLinkCallbacksNotSet = -6673,

    /* The pixel format is unknown or not allowed for this call. */
    kCVReturnInvalidPixelFormat = -6680,
    /* Width/height are zero or too large. */
    kCVReturnInvalidSize = -6681,
    /* A pixel buffer attribute dictionary is missing a required key or holds
     * a value of the wrong type. */
    kCVReturnInvalidPixelBufferAttributes = -6682,
    kCVReturnPixelBufferNotOpenGLCompatible = -6683,
    kCVReturnPixelBufferNotMetalCompatible = -6684,

    /* CVPixelBufferPoolCreatePixelBufferWithAuxAttributes: the allocation
     * threshold would be exceeded. */
    kCVReturnWouldExceedAllocationThreshold = -6689,
    /* The pool could not allocate a buffer. */
    kCVReturnPoolAllocationFailed = -6690,
    /* The pool attribute dictionary holds a value of the wrong type. */
    kCVReturnInvalidPoolAttributes = -6691,
    /* A transient failure; the call may be retried. */
    kCVReturnRetry = -6692,

    kCVReturnLast = -6699
};

CF_EXTERN_C_END

#endif /* VTCORE_CV_RETURN_H */
