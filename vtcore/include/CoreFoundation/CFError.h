/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * CFError: an immutable (domain, code, userInfo) triple. Clients such as OBS
 * wrap an OSStatus in one to log it (CFErrorCreate + CFErrorCopyDescription).
 */
#ifndef VTCORE_CF_ERROR_H
#define VTCORE_CF_ERROR_H

#include <CoreFoundation/CFBase.h>
#include <CoreFoundation/CFDictionary.h>
#include <CoreFoundation/CFString.h>

CF_EXTERN_C_BEGIN

typedef struct __CFError *CFErrorRef;
typedef CFStringRef CFErrorDomain;

/* Domains ("NSPOSIXErrorDomain", "NSOSStatusErrorDomain", "NSMachErrorDomain",
 * "NSCocoaErrorDomain"). */
CF_EXPORT const CFErrorDomain kCFErrorDomainPOSIX;
CF_EXPORT const CFErrorDomain kCFErrorDomainOSStatus;
CF_EXPORT const CFErrorDomain kCFErrorDomainMach;
CF_EXPORT const CFErrorDomain kCFErrorDomainCocoa;

/* userInfo keys. */
CF_EXPORT const CFStringRef kCFErrorLocalizedDescriptionKey;   /* "NSLocalizedDescription" */
CF_EXPORT const CFStringRef kCFErrorLocalizedFailureReasonKey; /* "NSLocalizedFailureReason" */
CF_EXPORT const CFStringRef
    kCFErrorLocalizedRecoverySuggestionKey;             /* "NSLocalizedRecoverySuggestion" */
CF_EXPORT const CFStringRef kCFErrorDescriptionKey;     /* "NSDescription" */
CF_EXPORT const CFStringRef kCFErrorUnderlyingErrorKey; /* "NSUnderlyingError" */

CF_EXPORT CFTypeID CFErrorGetTypeID(void);
/* +1 error; userInfo (may be NULL) is copied. NULL for a NULL domain or on
 * allocation failure. */
CF_EXPORT CFErrorRef CFErrorCreate(CFAllocatorRef allocator, CFErrorDomain domain, CFIndex code,
                                   CFDictionaryRef userInfo);
/* Not retained. NULL for an invalid error. */
CF_EXPORT CFErrorDomain CFErrorGetDomain(CFErrorRef err);
/* 0 for an invalid error. */
CF_EXPORT CFIndex CFErrorGetCode(CFErrorRef err);
/* +1 dictionary (empty when the error has no userInfo); NULL for an invalid error. */
CF_EXPORT CFDictionaryRef CFErrorCopyUserInfo(CFErrorRef err);
/* +1 string: the kCFErrorLocalizedDescriptionKey value if present, otherwise
 * "The operation couldn't be completed." followed by the failure reason or
 * "(<domain> error <code>.)". NULL for an invalid error. */
CF_EXPORT CFStringRef CFErrorCopyDescription(CFErrorRef err);
/* +1 string from kCFErrorLocalizedFailureReasonKey, or NULL. */
CF_EXPORT CFStringRef CFErrorCopyFailureReason(CFErrorRef err);
/* +1 string from kCFErrorLocalizedRecoverySuggestionKey, or NULL. */
CF_EXPORT CFStringRef CFErrorCopyRecoverySuggestion(CFErrorRef err);

CF_EXTERN_C_END

#endif /* VTCORE_CF_ERROR_H */
