/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * CoreMedia base types and export macro. Every CoreMedia header includes
 * this one. Structs exchanged by value (CMTime, CMTimeRange, ...) are
 * declared inside `#pragma pack(push, 4)` like Apple's, so field offsets
 * match Apple's layout.
 */
#ifndef VTCORE_CM_BASE_H
#define VTCORE_CM_BASE_H

#include <CoreFoundation/CoreFoundation.h>

#define CM_EXPORT CF_EXPORT
#define CM_INLINE CF_INLINE

#ifndef CM_RETURNS_RETAINED
#define CM_RETURNS_RETAINED
#endif
#ifndef CM_RETURNS_NOT_RETAINED
#define CM_RETURNS_NOT_RETAINED
#endif
#ifndef CM_NONNULL
#define CM_NONNULL
#endif
#ifndef CM_NULLABLE
#define CM_NULLABLE
#endif

CF_EXTERN_C_BEGIN

/* Counts and indexes of items (samples, parameter sets, entries). */
typedef CFIndex CMItemCount;
typedef CFIndex CMItemIndex;

/* Four-character codes: big-endian character packing, 'avc1' = 0x61766331. */
typedef FourCharCode CMMediaType;
typedef FourCharCode CMVideoCodecType;
typedef FourCharCode CMPixelFormatType;

/* Version field of CoreMedia class/callback structs. */
typedef CFIndex CMBaseClassVersion;
typedef CFIndex CMStructVersion;

CF_EXTERN_C_END

#endif /* VTCORE_CM_BASE_H */
