/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * VTPixelTransferProperties.h: the property keys of VTPixelTransferSession
 * and their value constants. String contents are the names without their
 * family prefix (kVTScalingMode_Letterbox is "Letterbox").
 */
#ifndef VTCORE_VIDEOTOOLBOX_VTPIXELTRANSFERPROPERTIES_H
#define VTCORE_VIDEOTOOLBOX_VTPIXELTRANSFERPROPERTIES_H

#include <CoreFoundation/CoreFoundation.h>
#include <VideoToolbox/VTBase.h>

CF_EXTERN_C_BEGIN

/* 0: vtcore has no colour matching. Primaries and transfer functions are
 * tags only (a transfer that would need to convert them is refused with
 * kVTPixelTransferNotSupportedErr), and ICC profiles are not supported.
 * YCbCr matrix and range conversions are done. */
#define VT_SUPPORT_COLORSYNC_PIXEL_TRANSFER 0

/* CFString, one of kVTScalingMode_*: how the source maps onto the
 * destination. Default kVTScalingMode_Normal. */
VT_EXPORT const CFStringRef kVTPixelTransferPropertyKey_ScalingMode;

/* The whole source is stretched to the whole destination (default); the
 * source clean aperture and pixel aspect ratio are scaled alike. */
VT_EXPORT const CFStringRef kVTScalingMode_Normal;
/* The source clean aperture is scaled to the destination clean aperture. */
VT_EXPORT const CFStringRef kVTScalingMode_CropSourceToCleanAperture;
/* The source clean aperture is fitted inside the destination clean aperture,
 * preserving its aspect; the rest is filled with black. */
VT_EXPORT const CFStringRef kVTScalingMode_Letterbox;
/* The source clean aperture is scaled to fill the destination clean aperture,
 * preserving its aspect; the excess is cropped. */
VT_EXPORT const CFStringRef kVTScalingMode_Trim;

/* CFDictionary with kCVImageBufferCleanAperture* keys: the destination clean
 * aperture (ignored in Normal mode; NULL = the full destination). */
VT_EXPORT const CFStringRef kVTPixelTransferPropertyKey_DestinationCleanAperture;
/* CFDictionary with kCVImageBufferPixelAspectRatio* keys (ignored in Normal
 * mode). */
VT_EXPORT const CFStringRef kVTPixelTransferPropertyKey_DestinationPixelAspectRatio;

/* CFString, one of kVTDownsamplingMode_*: how chroma is reduced when the
 * destination has less chroma resolution than the source. */
VT_EXPORT const CFStringRef kVTPixelTransferPropertyKey_DownsamplingMode;
/* Drop the extra chroma samples (default). */
VT_EXPORT const CFStringRef kVTDownsamplingMode_Decimate;
/* Average the chroma samples (centred). */
VT_EXPORT const CFStringRef kVTDownsamplingMode_Average;

/* CFString (kCVImageBufferColorPrimaries_* value): destination primaries. */
VT_EXPORT const CFStringRef kVTPixelTransferPropertyKey_DestinationColorPrimaries;
/* CFString (kCVImageBufferTransferFunction_* value): destination transfer
 * function. */
VT_EXPORT const CFStringRef kVTPixelTransferPropertyKey_DestinationTransferFunction;
/* CFData: destination ICC profile. */
VT_EXPORT const CFStringRef kVTPixelTransferPropertyKey_DestinationICCProfile;
/* CFString (kCVImageBufferYCbCrMatrix_* value): matrix for YCbCr<->RGB
 * conversions involving the destination. */
VT_EXPORT const CFStringRef kVTPixelTransferPropertyKey_DestinationYCbCrMatrix;
/* CFBoolean, default unset: real-time (true) or background (false) priority. */
VT_EXPORT const CFStringRef kVTPixelTransferPropertyKey_RealTime;

/* ---- vtcore extension (not part of Apple's VideoToolbox) ---- */

/* CFNumber (integer 0..16), default 1: worker threads one transfer may use
 * ("vtcore.ThreadCount"). 1 = the calling thread only; 0 = vtcore decides
 * (one thread below 1280x720, else up to 8, at most the online CPUs). The
 * output is identical for every value. */
VT_EXPORT const CFStringRef kVTCorePixelTransferPropertyKey_ThreadCount;

CF_EXTERN_C_END

#endif /* VTCORE_VIDEOTOOLBOX_VTPIXELTRANSFERPROPERTIES_H */
