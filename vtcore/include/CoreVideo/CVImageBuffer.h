/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef VTCORE_CV_IMAGE_BUFFER_H
#define VTCORE_CV_IMAGE_BUFFER_H

#include <CoreVideo/CVBuffer.h>

CF_EXTERN_C_BEGIN

typedef CVBufferRef CVImageBufferRef;

/* TODO(cv): kCVImageBuffer* attachment keys and values */

CF_EXTERN_C_END

#endif /* VTCORE_CV_IMAGE_BUFFER_H */
