/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * CoreMedia base types and export macro.
 */
#ifndef VTCORE_CM_BASE_H
#define VTCORE_CM_BASE_H

#include <CoreFoundation/CFBase.h>

#define CM_EXPORT CF_EXPORT
#define CM_INLINE CF_INLINE

CF_EXTERN_C_BEGIN

typedef CFIndex CMItemCount;
typedef CFIndex CMItemIndex;
typedef FourCharCode CMMediaType;
typedef FourCharCode CMVideoCodecType;
typedef FourCharCode CMPixelFormatType;

CF_EXTERN_C_END

#endif /* VTCORE_CM_BASE_H */
