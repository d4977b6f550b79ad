/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * VTFrameSilo.h: a store of encoded sample buffers for multi-pass encoding;
 * samples added in a later pass replace those of the ranges re-encoded.
 */
#ifndef VTCORE_VIDEOTOOLBOX_VTFRAMESILO_H
#define VTCORE_VIDEOTOOLBOX_VTFRAMESILO_H

#include <CoreFoundation/CoreFoundation.h>
#include <CoreMedia/CMBase.h>
#include <CoreMedia/CMSampleBuffer.h>
#include <CoreMedia/CMTime.h>
#include <CoreMedia/CMTimeRange.h>
#include <VideoToolbox/VTBase.h>
#include <VideoToolbox/VTErrors.h>

CF_EXTERN_C_BEGIN

/* A CF object: CFRetain / CFRelease. */
typedef struct OpaqueVTFrameSilo *VTFrameSiloRef;

VT_EXPORT CFTypeID VTFrameSiloGetTypeID(void);

/* Creates (+1 in *frameSiloOut) a silo backed by fileURL (NULL: a temporary
 * file). timeRange (may be kCMTimeRangeInvalid) hints at the range of the
 * samples; options is reserved (NULL). Returns noErr, kVTParameterErr,
 * kVTAllocationFailedErr or kVTCouldNotCreateInstanceErr. */
VT_EXPORT OSStatus VTFrameSiloCreate(CFAllocatorRef allocator, CFURLRef fileURL,
                                     CMTimeRange timeRange, CFDictionaryRef options,
                                     VTFrameSiloRef *frameSiloOut);

/* Adds a sample buffer (retained or copied). Decode timestamps must increase
 * strictly within a pass, else kVTFrameSiloInvalidTimeStampErr. Returns noErr,
 * kVTParameterErr, kVTFrameSiloInvalidTimeStampErr or kVTAllocationFailedErr. */
VT_EXPORT OSStatus VTFrameSiloAddSampleBuffer(VTFrameSiloRef silo, CMSampleBufferRef sampleBuffer);

/* Starts a new pass over timeRangeArray (numeric, sorted, non-overlapping,
 * else kVTFrameSiloInvalidTimeRangeErr): the samples inside these ranges are
 * deleted, to be replaced by the next pass. Returns noErr, kVTParameterErr or
 * kVTFrameSiloInvalidTimeRangeErr. */
VT_EXPORT OSStatus VTFrameSiloSetTimeRangesForNextPass(VTFrameSiloRef silo,
                                                       CMItemCount timeRangeCount,
                                                       const CMTimeRange *timeRangeArray);

/* Progress of the current pass (0.0-1.0) in *progressOut. Returns noErr or
 * kVTParameterErr. */
VT_EXPORT OSStatus VTFrameSiloGetProgressOfCurrentPass(VTFrameSiloRef silo, Float32 *progressOut);

/* Calls callback for every sample buffer inside timeRange
 * (kCMTimeRangeInvalid: all) in decode order. A non-noErr return from the
 * callback stops the iteration and is returned. Returns noErr,
 * kVTParameterErr or the callback's status. */
VT_EXPORT OSStatus VTFrameSiloCallFunctionForEachSampleBuffer(
    VTFrameSiloRef silo, CMTimeRange timeRange, void *refcon,
    OSStatus (*callback)(void *refcon, CMSampleBufferRef sampleBuffer));

#if defined(__BLOCKS__)
/* Block variant: only declared for compilers with blocks support; NOT
 * available in vtcore (built without blocks). */
VT_EXPORT OSStatus
VTFrameSiloCallBlockForEachSampleBuffer(VTFrameSiloRef silo, CMTimeRange timeRange,
                                        OSStatus (^handler)(CMSampleBufferRef sampleBuffer));
#endif /* __BLOCKS__: unavailable otherwise */

CF_EXTERN_C_END

#endif /* VTCORE_VIDEOTOOLBOX_VTFRAMESILO_H */
