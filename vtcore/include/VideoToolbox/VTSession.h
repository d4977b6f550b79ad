/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * VTSession.h: the property interface shared by every VideoToolbox session
 * type (compression, pixel transfer, pixel rotation).
 */
#ifndef VTCORE_VIDEOTOOLBOX_VTSESSION_H
#define VTCORE_VIDEOTOOLBOX_VTSESSION_H

#include <CoreFoundation/CoreFoundation.h>
#include <VideoToolbox/VTBase.h>
#include <VideoToolbox/VTErrors.h>

CF_EXTERN_C_BEGIN

/* Any VideoToolbox session: a VTCompressionSessionRef, a
 * VTPixelTransferSessionRef or a VTPixelRotationSessionRef. */
typedef CFTypeRef VTSessionRef;

/*
 * Common behaviour of the functions below:
 * - keys are matched by string contents (CFEqual), so a key built with
 *   CFSTR() or CFStringCreateWithCString() works like the exported constant;
 * - numbers may arrive in any CFNumberType and are converted;
 * - a NULL or non-session `session`, or a NULL key/out-pointer, returns
 *   kVTParameterErr; a session that was invalidated returns
 *   kVTInvalidSessionErr;
 * - all functions are thread-safe.
 */

/* Sets one property. A NULL propertyValue restores the property's default.
 * Returns noErr, kVTPropertyNotSupportedErr (unknown key or not supported by
 * this session/encoder), kVTPropertyReadOnlyErr, kVTParameterErr (wrong CF
 * type, value out of range or not one of the allowed values),
 * kVTInvalidSessionErr or kVTAllocationFailedErr. The session keeps its own
 * reference (or immutable copy) of object values. */
VT_EXPORT OSStatus VTSessionSetProperty(VTSessionRef session, CFStringRef propertyKey,
                                        CFTypeRef propertyValue);

/* Copies one property value into *(CFTypeRef *)propertyValueOut (+1: the
 * caller releases it). A property that has no value (an unset optional
 * property, e.g. RealTime before it was set) yields noErr with NULL. The
 * allocator is ignored. Returns noErr, kVTPropertyNotSupportedErr,
 * kVTParameterErr, kVTInvalidSessionErr or kVTAllocationFailedErr. */
VT_EXPORT OSStatus VTSessionCopyProperty(VTSessionRef session, CFStringRef propertyKey,
                                         CFAllocatorRef allocator, void *propertyValueOut);

/* Applies every key/value pair of propertyDictionary as VTSessionSetProperty
 * would (a NULL key is skipped; a NULL value restores the default).
 * Dictionaries created with NULL callbacks are accepted. Every pair is
 * attempted; the first error met is returned (noErr if all succeeded). */
VT_EXPORT OSStatus VTSessionSetProperties(VTSessionRef session, CFDictionaryRef propertyDictionary);

/* Copies (+1) a dictionary whose keys are the property keys this session
 * supports and whose values are description dictionaries using the
 * kVTProperty*Key keys below. Returns noErr, kVTParameterErr,
 * kVTInvalidSessionErr or kVTAllocationFailedErr. */
VT_EXPORT OSStatus VTSessionCopySupportedPropertyDictionary(
    VTSessionRef session, CFDictionaryRef *supportedPropertyDictionaryOut);

/* Copies (+1) the current values of the serializable properties (those whose
 * description has kVTPropertyShouldBeSerializedKey = true and that currently
 * have a value), suitable for VTSessionSetProperties on another session.
 * Returns noErr, kVTParameterErr, kVTInvalidSessionErr or
 * kVTAllocationFailedErr. */
VT_EXPORT OSStatus VTSessionCopySerializableProperties(VTSessionRef session,
                                                       CFAllocatorRef allocator,
                                                       CFDictionaryRef *dictionaryOut);

/* Keys and values of the property description dictionaries. */
VT_EXPORT const CFStringRef kVTPropertyTypeKey;            /* one of the three below */
VT_EXPORT const CFStringRef kVTPropertyType_Enumeration;   /* value is one of a list of CFStrings */
VT_EXPORT const CFStringRef kVTPropertyType_Boolean;       /* value is a CFBoolean */
VT_EXPORT const CFStringRef kVTPropertyType_Number;        /* value is a CFNumber */
VT_EXPORT const CFStringRef kVTPropertyReadWriteStatusKey; /* one of the two below */
VT_EXPORT const CFStringRef kVTPropertyReadWriteStatus_ReadOnly;
VT_EXPORT const CFStringRef kVTPropertyReadWriteStatus_ReadWrite;
VT_EXPORT const CFStringRef kVTPropertyShouldBeSerializedKey;    /* CFBoolean (absent: false) */
VT_EXPORT const CFStringRef kVTPropertySupportedValueMinimumKey; /* CFNumber */
VT_EXPORT const CFStringRef kVTPropertySupportedValueMaximumKey; /* CFNumber */
VT_EXPORT const CFStringRef kVTPropertySupportedValueListKey;    /* CFArray of allowed values */
VT_EXPORT const CFStringRef kVTPropertyDocumentationKey;         /* CFString for developers */

CF_EXTERN_C_END

#endif /* VTCORE_VIDEOTOOLBOX_VTSESSION_H */
