/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * VTBase.h: the export macro and the few plain value types shared by every
 * VideoToolbox header. Declarations written for vtcore from the documented
 * Apple API (names and values follow Apple).
 */
#ifndef VTCORE_VIDEOTOOLBOX_VTBASE_H
#define VTCORE_VIDEOTOOLBOX_VTBASE_H

#include <CoreFoundation/CFBase.h>

/* Every public VideoToolbox function and constant carries VT_EXPORT (the
 * library is built with -fvisibility=hidden). */
#define VT_EXPORT CF_EXPORT
#define VT_INLINE CF_INLINE

CF_EXTERN_C_BEGIN

/* An integer point and size (pixel coordinates). */
typedef struct {
    int32_t x;
    int32_t y;
} VTInt32Point;

typedef struct {
    int32_t width;
    int32_t height;
} VTInt32Size;

CF_EXTERN_C_END

#endif /* VTCORE_VIDEOTOOLBOX_VTBASE_H */
