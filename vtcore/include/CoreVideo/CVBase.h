/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * CoreVideo base types and export macro.
 */
#ifndef VTCORE_CV_BASE_H
#define VTCORE_CV_BASE_H

#include <CoreFoundation/CFBase.h>

#define CV_EXPORT CF_EXPORT
#define CV_INLINE CF_INLINE

CF_EXTERN_C_BEGIN

typedef uint64_t CVOptionFlags;

CF_EXTERN_C_END

#endif /* VTCORE_CV_BASE_H */
