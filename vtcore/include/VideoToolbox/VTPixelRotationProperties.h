/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * VTPixelRotationProperties.h: the property keys of VTPixelRotationSession
 * and their value constants.
 */
#ifndef VTCORE_VIDEOTOOLBOX_VTPIXELROTATIONPROPERTIES_H
#define VTCORE_VIDEOTOOLBOX_VTPIXELROTATIONPROPERTIES_H

#include <CoreFoundation/CoreFoundation.h>
#include <VideoToolbox/VTBase.h>

CF_EXTERN_C_BEGIN

/* CFString, one of kVTRotation_*; default kVTRotation_0. */
VT_EXPORT const CFStringRef kVTPixelRotationPropertyKey_Rotation;
VT_EXPORT const CFStringRef kVTRotation_0;     /* "Rotation0" */
VT_EXPORT const CFStringRef kVTRotation_CW90;  /* "RotationCW90": clockwise */
VT_EXPORT const CFStringRef kVTRotation_180;   /* "Rotation180" */
VT_EXPORT const CFStringRef kVTRotation_CCW90; /* "RotationCCW90": counter-clockwise */

/* CFBoolean, default false: mirror left-right, applied after the rotation. */
VT_EXPORT const CFStringRef kVTPixelRotationPropertyKey_FlipHorizontalOrientation;
/* CFBoolean, default false: mirror top-bottom, applied after the rotation. */
VT_EXPORT const CFStringRef kVTPixelRotationPropertyKey_FlipVerticalOrientation;

CF_EXTERN_C_END

#endif /* VTCORE_VIDEOTOOLBOX_VTPIXELROTATIONPROPERTIES_H */
