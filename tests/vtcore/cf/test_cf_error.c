/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * CFError (domain, code, userInfo, descriptions) and CFNull.
 */
#include <CoreFoundation/CFError.h>
#include <CoreFoundation/CoreFoundation.h>

#include "cf/cf_internal.h"
#include "vt_test.h"

static void test_null(void) {
    CHECK(kCFNull != NULL);
    CHECK(CFGetTypeID(kCFNull) == CFNullGetTypeID());
    CHECK(CFNullGetTypeID() != CFBooleanGetTypeID());
    CHECK(CFRetain(kCFNull) == kCFNull);
    CFRelease(kCFNull);
    CFRelease(kCFNull);
    CHECK(CFGetRetainCount(kCFNull) >= 0x10000000L);
    CHECK(CFEqual(kCFNull, kCFNull));
    CHECK(!CFEqual(kCFNull, kCFBooleanFalse));
    {
        CFStringRef d = CFCopyDescription(kCFNull);
        CHECK(d != NULL);
        if (d)
            CFRelease(d);
    }
}

static void test_error_osstatus(void) {
    CFErrorRef e = CFErrorCreate(NULL, kCFErrorDomainOSStatus, -12902, NULL);
    CFStringRef desc;
    CFDictionaryRef info;
    CHECK(e != NULL);
    if (!e)
        return;
    CHECK(CFGetTypeID(e) == CFErrorGetTypeID());
    CHECK(CFErrorGetDomain(e) == kCFErrorDomainOSStatus);
    CHECK(CFEqual(CFErrorGetDomain(e), CFSTR("NSOSStatusErrorDomain")));
    CHECK_EQ_INT(CFErrorGetCode(e), -12902);
    desc = CFErrorCopyDescription(e);
    CHECK(desc && strcmp(vt_cfstring_cstr(desc),
                         "The operation couldn't be completed. (NSOSStatusErrorDomain error "
                         "-12902.)") == 0);
    if (desc)
        CFRelease(desc);
    info = CFErrorCopyUserInfo(e);
    CHECK(info && CFDictionaryGetCount(info) == 0);
    if (info)
        CFRelease(info);
    CHECK(CFErrorCopyFailureReason(e) == NULL);
    CHECK(CFErrorCopyRecoverySuggestion(e) == NULL);
    {
        CFErrorRef same = CFErrorCreate(NULL, CFSTR("NSOSStatusErrorDomain"), -12902, NULL);
        CFErrorRef other = CFErrorCreate(NULL, kCFErrorDomainPOSIX, -12902, NULL);
        CHECK(CFEqual(e, same) && CFHash(e) == CFHash(same));
        CHECK(!CFEqual(e, other));
        CFRelease(same);
        CFRelease(other);
    }
    CHECK_EQ_INT(CFGetRetainCount(e), 1);
    CFRelease(e);
}

static void test_error_user_info(void) {
    CFMutableDictionaryRef info = vt_cf_dict_new();
    CFErrorRef e;
    CFStringRef s;
    CFDictionarySetValue(info, kCFErrorLocalizedFailureReasonKey, CFSTR("disk full"));
    CFDictionarySetValue(info, kCFErrorLocalizedRecoverySuggestionKey, CFSTR("free space"));
    e = CFErrorCreate(NULL, kCFErrorDomainPOSIX, 28, info);
    CHECK(e != NULL);
    /* userInfo is copied: later changes do not show. */
    CFDictionarySetValue(info, kCFErrorLocalizedDescriptionKey, CFSTR("changed"));
    s = CFErrorCopyDescription(e);
    CHECK(s && strcmp(vt_cfstring_cstr(s), "The operation couldn't be completed. disk full") == 0);
    if (s)
        CFRelease(s);
    s = CFErrorCopyFailureReason(e);
    CHECK(s && CFEqual(s, CFSTR("disk full")));
    if (s)
        CFRelease(s);
    s = CFErrorCopyRecoverySuggestion(e);
    CHECK(s && CFEqual(s, CFSTR("free space")));
    if (s)
        CFRelease(s);
    CFRelease(e);

    e = CFErrorCreate(NULL, kCFErrorDomainCocoa, 1, info);
    s = CFErrorCopyDescription(e);
    CHECK(s && CFEqual(s, CFSTR("changed")));
    if (s)
        CFRelease(s);
    s = CFCopyDescription(e);
    CHECK(s && CFEqual(s, CFSTR("changed")));
    if (s)
        CFRelease(s);
    CFRelease(e);
    CFRelease(info);

    CHECK(CFEqual(kCFErrorDomainMach, CFSTR("NSMachErrorDomain")));
    CHECK(CFEqual(kCFErrorDomainCocoa, CFSTR("NSCocoaErrorDomain")));
    CHECK(CFEqual(kCFErrorDescriptionKey, CFSTR("NSDescription")));
    CHECK(CFEqual(kCFErrorUnderlyingErrorKey, CFSTR("NSUnderlyingError")));
    CHECK(CFEqual(kCFErrorLocalizedDescriptionKey, CFSTR("NSLocalizedDescription")));
}

static void test_error_null_arguments(void) {
    CHECK(CFErrorCreate(NULL, NULL, 1, NULL) == NULL);
    CHECK(CFErrorCreate(NULL, kCFErrorDomainPOSIX, 1, (CFDictionaryRef)CFSTR("x")) == NULL);
    CHECK(CFErrorGetDomain(NULL) == NULL);
    CHECK_EQ_INT(CFErrorGetCode(NULL), 0);
    CHECK(CFErrorCopyUserInfo(NULL) == NULL);
    CHECK(CFErrorCopyDescription(NULL) == NULL);
    CHECK(CFErrorCopyFailureReason(NULL) == NULL);
    CHECK(CFErrorCopyRecoverySuggestion(NULL) == NULL);
    CHECK(CFErrorGetDomain((CFErrorRef)CFSTR("x")) == NULL);
}

int main(void) {
    test_null();
    test_error_osstatus();
    test_error_user_info();
    test_error_null_arguments();
    return vt_test_result();
}
