/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef VTCORE_CV_BUFFER_H
#define VTCORE_CV_BUFFER_H

#include <CoreFoundation/CoreFoundation.h>
#include <CoreVideo/CVBase.h>
#include <CoreVideo/CVReturn.h>

CF_EXTERN_C_BEGIN

typedef struct __CVBuffer *CVBufferRef;

/* TODO(cv): attachments API */

CF_EXTERN_C_END

#endif /* VTCORE_CV_BUFFER_H */
