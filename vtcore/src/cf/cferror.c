/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * CFError (immutable domain/code/userInfo) and the CFNull singleton.
 */
#include "config.h"

#include <CoreFoundation/CFError.h>

#include "cf/cf_internal.h"
#include "log.h"
#include "mem.h"

/* ---- CFNull ---- */

struct __CFNull {
    VTObject base;
};

static struct __CFString null_description = VT_CONST_STRING_INIT("<CFNull>");

static CFStringRef null_copy_description(CFTypeRef obj) {
    (void)obj;
    return &null_description;
}

static const VTClass null_class = {
    .name = "CFNull",
    .type_id = VT_TYPE_ID_NULL,
    .copy_description = null_copy_description,
};

static struct __CFNull null_singleton = {VT_OBJECT_STATIC_INIT(&null_class)};
const CFNullRef kCFNull = &null_singleton;

CFTypeID CFNullGetTypeID(void) {
    return VT_TYPE_ID_NULL;
}

/* ---- CFError ---- */

VT_DEFINE_CONST_STRING(kCFErrorDomainPOSIX, "NSPOSIXErrorDomain");
VT_DEFINE_CONST_STRING(kCFErrorDomainOSStatus, "NSOSStatusErrorDomain");
VT_DEFINE_CONST_STRING(kCFErrorDomainMach, "NSMachErrorDomain");
VT_DEFINE_CONST_STRING(kCFErrorDomainCocoa, "NSCocoaErrorDomain");
VT_DEFINE_CONST_STRING(kCFErrorLocalizedDescriptionKey, "NSLocalizedDescription");
VT_DEFINE_CONST_STRING(kCFErrorLocalizedFailureReasonKey, "NSLocalizedFailureReason");
VT_DEFINE_CONST_STRING(kCFErrorLocalizedRecoverySuggestionKey, "NSLocalizedRecoverySuggestion");
VT_DEFINE_CONST_STRING(kCFErrorDescriptionKey, "NSDescription");
VT_DEFINE_CONST_STRING(kCFErrorUnderlyingErrorKey, "NSUnderlyingError");

struct __CFError {
    VTObject base;
    CFStringRef domain;
    CFIndex code;
    CFDictionaryRef user_info; /* may be NULL */
};

static void error_finalize(CFTypeRef obj) {
    struct __CFError *e = (struct __CFError *)obj;
    if (e->domain)
        CFRelease(e->domain);
    if (e->user_info)
        CFRelease(e->user_info);
}

static Boolean error_equal(CFTypeRef a, CFTypeRef b) {
    const struct __CFError *x = a, *y = b;
    if (x->code != y->code || !CFEqual(x->domain, y->domain))
        return FALSE;
    if (!x->user_info || !y->user_info)
        return (!x->user_info || CFDictionaryGetCount(x->user_info) == 0) &&
               (!y->user_info || CFDictionaryGetCount(y->user_info) == 0);
    return CFEqual(x->user_info, y->user_info);
}

static CFHashCode error_hash(CFTypeRef obj) {
    const struct __CFError *e = obj;
    return (CFHashCode)e->code ^ CFHash(e->domain);
}

static CFStringRef error_copy_description(CFTypeRef obj) {
    return CFErrorCopyDescription((CFErrorRef)obj);
}

static const VTClass error_class = {
    .name = "CFError",
    .type_id = VT_TYPE_ID_ERROR,
    .finalize = error_finalize,
    .equal = error_equal,
    .hash = error_hash,
    .copy_description = error_copy_description,
};

CFTypeID CFErrorGetTypeID(void) {
    return VT_TYPE_ID_ERROR;
}

CFErrorRef CFErrorCreate(CFAllocatorRef allocator, CFErrorDomain domain, CFIndex code,
                         CFDictionaryRef userInfo) {
    struct __CFError *e;
    (void)allocator;
    VT_CHECK_ARG(vt_object_is(domain, &vt_cfstring_class), NULL);
    VT_CHECK_ARG(userInfo == NULL || vt_object_is(userInfo, &vt_cfdictionary_class), NULL);
    e = vt_object_alloc(&error_class, sizeof(*e));
    if (!e)
        return NULL;
    e->code = code;
    e->domain = CFStringCreateCopy(NULL, domain);
    if (userInfo) {
        e->user_info = CFDictionaryCreateCopy(NULL, userInfo);
        if (!e->user_info) {
            CFRelease(e);
            return NULL;
        }
    }
    return e;
}

#define CHECK_ERROR(e, err) VT_CHECK_ARG(vt_object_is((e), &error_class), err)

CFErrorDomain CFErrorGetDomain(CFErrorRef err) {
    CHECK_ERROR(err, NULL);
    return err->domain;
}

CFIndex CFErrorGetCode(CFErrorRef err) {
    CHECK_ERROR(err, 0);
    return err->code;
}

CFDictionaryRef CFErrorCopyUserInfo(CFErrorRef err) {
    CHECK_ERROR(err, NULL);
    if (err->user_info)
        return CFRetain(err->user_info);
    return CFDictionaryCreate(NULL, NULL, NULL, 0, &kCFTypeDictionaryKeyCallBacks,
                              &kCFTypeDictionaryValueCallBacks);
}

static CFStringRef user_info_string(CFErrorRef err, CFStringRef key) {
    const void *v;
    if (!err->user_info)
        return NULL;
    v = CFDictionaryGetValue(err->user_info, key);
    return vt_object_is(v, &vt_cfstring_class) ? CFRetain(v) : NULL;
}

CFStringRef CFErrorCopyFailureReason(CFErrorRef err) {
    CHECK_ERROR(err, NULL);
    return user_info_string(err, kCFErrorLocalizedFailureReasonKey);
}

CFStringRef CFErrorCopyRecoverySuggestion(CFErrorRef err) {
    CHECK_ERROR(err, NULL);
    return user_info_string(err, kCFErrorLocalizedRecoverySuggestionKey);
}

static struct __CFString reason_format =
    VT_CONST_STRING_INIT("The operation couldn't be completed. %@");
static struct __CFString code_format =
    VT_CONST_STRING_INIT("The operation couldn't be completed. (%@ error %ld.)");

CFStringRef CFErrorCopyDescription(CFErrorRef err) {
    CFStringRef s, reason;
    CHECK_ERROR(err, NULL);
    s = user_info_string(err, kCFErrorLocalizedDescriptionKey);
    if (s)
        return s;
    reason = user_info_string(err, kCFErrorLocalizedFailureReasonKey);
    if (reason) {
        s = CFStringCreateWithFormat(NULL, NULL, &reason_format, reason);
        CFRelease(reason);
        return s;
    }
    return CFStringCreateWithFormat(NULL, NULL, &code_format, err->domain, (long)err->code);
}
