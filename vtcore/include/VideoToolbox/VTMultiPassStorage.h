/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * VTMultiPassStorage.h: the analysis store a compression session uses for
 * multi-pass encoding (set it as kVTCompressionPropertyKey_MultiPassStorage).
 */
#ifndef VTCORE_VIDEOTOOLBOX_VTMULTIPASSSTORAGE_H
#define VTCORE_VIDEOTOOLBOX_VTMULTIPASSSTORAGE_H

#include <CoreFoundation/CoreFoundation.h>
#include <CoreMedia/CMBase.h>
#include <CoreMedia/CMTime.h>
#include <CoreMedia/CMTimeRange.h>
#include <VideoToolbox/VTBase.h>
#include <VideoToolbox/VTErrors.h>

CF_EXTERN_C_BEGIN

/* A CF object: CFRetain / CFRelease. */
typedef struct OpaqueVTMultiPassStorage *VTMultiPassStorageRef;

VT_EXPORT CFTypeID VTMultiPassStorageGetTypeID(void);

/* Creates (+1 in *multiPassStorageOut) a multi-pass store backed by fileURL
 * (NULL: a temporary file, deleted on close). timeRange (may be
 * kCMTimeRangeInvalid) hints at the frames to be stored. options may hold
 * kVTMultiPassStorageCreationOption_DoNotDelete. Returns noErr,
 * kVTParameterErr, kVTAllocationFailedErr or kVTCouldNotCreateInstanceErr. */
VT_EXPORT OSStatus VTMultiPassStorageCreate(CFAllocatorRef allocator, CFURLRef fileURL,
                                            CMTimeRange timeRange, CFDictionaryRef options,
                                            VTMultiPassStorageRef *multiPassStorageOut);

/* Flushes and closes the store; it can no longer be used by a session (the
 * object itself is still released with CFRelease). Returns noErr,
 * kVTParameterErr or kVTMultiPassStorageInvalidErr. */
VT_EXPORT OSStatus VTMultiPassStorageClose(VTMultiPassStorageRef multiPassStorage);

/* CFBoolean, default false: keep a file (given by URL, not pre-existing) on
 * close. */
VT_EXPORT const CFStringRef kVTMultiPassStorageCreationOption_DoNotDelete;

CF_EXTERN_C_END

#endif /* VTCORE_VIDEOTOOLBOX_VTMULTIPASSSTORAGE_H */
