/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef VTCORE_CV_RETURN_H
#define VTCORE_CV_RETURN_H

#include <CoreVideo/CVBase.h>

CF_EXTERN_C_BEGIN

typedef int32_t CVReturn;

/* TODO(cv): kCVReturn* values */

CF_EXTERN_C_END

#endif /* VTCORE_CV_RETURN_H */
