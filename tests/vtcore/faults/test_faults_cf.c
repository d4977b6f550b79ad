/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Allocation-failure injection over every CoreFoundation creator and copier
 * (fault_harness.h): each returns NULL on an injected failure and leaks
 * nothing. The void mutators (CFDictionarySetValue, CFArrayAppendValue,
 * CFDataAppendBytes) cannot report a failure: for them the container must
 * stay consistent (the value either fully there or absent).
 */
#include <CoreFoundation/CFError.h>
#include <CoreFoundation/CFURL.h>
#include <CoreFoundation/CoreFoundation.h>

#include "cf/cf_internal.h"
#include "fault_harness.h"

#define CF_NULL_ONLY \
    { FAULT_NULL, 0, 0, 0 }

/* ---- inputs shared by several cases (built in setup, outside the window) ---- */

static CFDictionaryRef make_dict(void) {
    const void *k[3] = {CFSTR("alpha"), CFSTR("beta"), CFSTR("gamma")};
    CFNumberRef n = vt_cf_number_int32(7);
    const void *v[3] = {kCFBooleanTrue, n, CFSTR("three")};
    CFDictionaryRef d = CFDictionaryCreate(NULL, k, v, 3, &kCFTypeDictionaryKeyCallBacks,
                                           &kCFTypeDictionaryValueCallBacks);
    CFRelease(n);
    return d;
}

static void *setup_dict(void) {
    return (void *)make_dict();
}

static void *setup_array(void) {
    CFDictionaryRef d = make_dict();
    const void *v[4] = {CFSTR("a"), kCFBooleanFalse, d, CFSTR("d")};
    CFArrayRef a = CFArrayCreate(NULL, v, 4, &kCFTypeArrayCallBacks);
    CFRelease(d);
    return (void *)a;
}

static void *setup_data(void) {
    static const UInt8 bytes[300] = {1, 2, 3};
    return (void *)CFDataCreate(NULL, bytes, sizeof(bytes));
}

static void *setup_string(void) {
    return (void *)CFStringCreateWithCString(NULL, "a string to copy, long enough",
                                             kCFStringEncodingUTF8);
}

static void *setup_error(void) {
    CFErrorRef e;
    CFDictionaryRef info;
    const void *k[2] = {kCFErrorLocalizedDescriptionKey, kCFErrorLocalizedFailureReasonKey};
    const void *v[2] = {CFSTR("description"), CFSTR("reason")};
    info = CFDictionaryCreate(NULL, k, v, 2, &kCFTypeDictionaryKeyCallBacks,
                              &kCFTypeDictionaryValueCallBacks);
    e = CFErrorCreate(NULL, kCFErrorDomainOSStatus, -12902, info);
    CFRelease(info);
    return (void *)e;
}

static void *setup_url(void) {
    return (void *)CFURLCreateWithFileSystemPath(NULL, CFSTR("/tmp/some dir/file.mp4"),
                                                 kCFURLPOSIXPathStyle, FALSE);
}

static void release_ctx(void *ctx) {
    if (ctx)
        CFRelease((CFTypeRef)ctx);
}

/* ---- strings ---- */

static int32_t run_string_cstring(void *ctx, CFTypeRef *out) {
    (void)ctx;
    return fault_cf_result(
        CFStringCreateWithCString(NULL, "allocation failure test \xc3\xa9", kCFStringEncodingUTF8),
        out);
}

static int32_t run_string_bytes(void *ctx, CFTypeRef *out) {
    static const UInt8 latin1[] = {'c', 'a', 'f', 0xe9, ' ', 'n', 'o', 'i', 'r'};
    (void)ctx;
    return fault_cf_result(
        CFStringCreateWithBytes(NULL, latin1, sizeof(latin1), kCFStringEncodingISOLatin1, FALSE),
        out);
}

static int32_t run_string_copy(void *ctx, CFTypeRef *out) {
    return fault_cf_result(CFStringCreateCopy(NULL, (CFStringRef)ctx), out);
}

static Boolean verify_string_copy(void *ctx, CFTypeRef out) {
    return CFEqual(ctx, out);
}

static int32_t run_string_format(void *ctx, CFTypeRef *out) {
    return fault_cf_result(CFStringCreateWithFormat(NULL, NULL, CFSTR("%@ / %d / %s / %5.2f"),
                                                    (CFTypeRef)ctx, 42, "text", 2.5),
                           out);
}

static int32_t run_string_fsrep(void *ctx, CFTypeRef *out) {
    (void)ctx;
    return fault_cf_result(CFStringCreateWithFileSystemRepresentation(NULL, "/tmp/caf\xc3\xa9"),
                           out);
}

static int32_t run_copy_description(void *ctx, CFTypeRef *out) {
    return fault_cf_result(CFCopyDescription((CFTypeRef)ctx), out);
}

static int32_t run_type_description(void *ctx, CFTypeRef *out) {
    (void)ctx;
    return fault_cf_result(CFCopyTypeIDDescription(CFDictionaryGetTypeID()), out);
}

/* ---- numbers ---- */

static int32_t run_number(void *ctx, CFTypeRef *out) {
    double d = 29.97;
    (void)ctx;
    return fault_cf_result(CFNumberCreate(NULL, kCFNumberFloat64Type, &d), out);
}

/* ---- dictionaries ---- */

static int32_t run_dict_create(void *ctx, CFTypeRef *out) {
    (void)ctx;
    return fault_cf_result(make_dict(), out);
}

static Boolean verify_dict3(void *ctx, CFTypeRef out) {
    (void)ctx;
    return CFDictionaryGetCount(out) == 3 &&
           CFEqual(CFDictionaryGetValue(out, CFSTR("gamma")), CFSTR("three"));
}

static int32_t run_dict_copy(void *ctx, CFTypeRef *out) {
    return fault_cf_result(CFDictionaryCreateCopy(NULL, (CFDictionaryRef)ctx), out);
}

static int32_t run_dict_mutable_copy(void *ctx, CFTypeRef *out) {
    return fault_cf_result(CFDictionaryCreateMutableCopy(NULL, 0, (CFDictionaryRef)ctx), out);
}

/* 40 insertions (growth included); a missing entry means a failure inside
 * the void setter: the dictionary must still be consistent. */
static int32_t run_dict_fill(void *ctx, CFTypeRef *out) {
    CFMutableDictionaryRef d = CFDictionaryCreateMutable(
        NULL, 0, &kCFCopyStringDictionaryKeyCallBacks, &kCFTypeDictionaryValueCallBacks);
    int i;
    (void)ctx;
    *out = NULL;
    if (!d)
        return FAULT_NULL;
    for (i = 0; i < 40; i++) {
        char key[16];
        CFStringRef k;
        snprintf(key, sizeof(key), "key%d", i);
        k = CFStringCreateWithCString(NULL, key, kCFStringEncodingUTF8);
        if (k) {
            CFDictionarySetValue(d, k, kCFBooleanTrue);
            CFRelease(k);
        }
    }
    if (CFDictionaryGetCount(d) != 40) {
        /* Consistency: every entry counted is retrievable. */
        CFIndex n = CFDictionaryGetCount(d), j;
        const void **keys = calloc((size_t)n + 1, sizeof(*keys));
        if (keys) {
            CFDictionaryGetKeysAndValues(d, keys, NULL);
            for (j = 0; j < n; j++)
                CHECK(CFDictionaryGetValue(d, keys[j]) == kCFBooleanTrue);
            free(keys);
        }
        CFRelease(d);
        return FAULT_NULL;
    }
    *out = d;
    return 0;
}

/* ---- arrays ---- */

static int32_t run_array_copy(void *ctx, CFTypeRef *out) {
    return fault_cf_result(CFArrayCreateCopy(NULL, (CFArrayRef)ctx), out);
}

static int32_t run_array_mutable_copy(void *ctx, CFTypeRef *out) {
    return fault_cf_result(CFArrayCreateMutableCopy(NULL, 0, (CFArrayRef)ctx), out);
}

static Boolean verify_array4(void *ctx, CFTypeRef out) {
    return CFEqual(ctx, out);
}

static int32_t run_array_fill(void *ctx, CFTypeRef *out) {
    CFMutableArrayRef a = CFArrayCreateMutable(NULL, 0, &kCFTypeArrayCallBacks);
    int i;
    (void)ctx;
    *out = NULL;
    if (!a)
        return FAULT_NULL;
    for (i = 0; i < 100; i++)
        CFArrayAppendValue(a, kCFNull);
    for (i = 0; i < 10; i++)
        CFArrayInsertValueAtIndex(a, 0, kCFBooleanTrue);
    if (CFArrayGetCount(a) != 110) {
        CHECK(CFArrayGetCount(a) < 110);
        CFRelease(a);
        return FAULT_NULL;
    }
    *out = a;
    return 0;
}

/* ---- data ---- */

static int32_t run_data_copy(void *ctx, CFTypeRef *out) {
    return fault_cf_result(CFDataCreateCopy(NULL, (CFDataRef)ctx), out);
}

static int32_t run_data_mutable_copy(void *ctx, CFTypeRef *out) {
    return fault_cf_result(CFDataCreateMutableCopy(NULL, 0, (CFDataRef)ctx), out);
}

static int32_t run_data_append(void *ctx, CFTypeRef *out) {
    static const UInt8 chunk[1000];
    CFMutableDataRef d = CFDataCreateMutable(NULL, 0);
    int i;
    (void)ctx;
    *out = NULL;
    if (!d)
        return FAULT_NULL;
    for (i = 0; i < 20; i++)
        CFDataAppendBytes(d, chunk, sizeof(chunk));
    CFDataSetLength(d, 30000);
    if (CFDataGetLength(d) != 30000) {
        CHECK(CFDataGetLength(d) % 1000 == 0);
        CFRelease(d);
        return FAULT_NULL;
    }
    *out = d;
    return 0;
}

/* ---- errors and URLs ---- */

static int32_t run_error_create(void *ctx, CFTypeRef *out) {
    return fault_cf_result(
        CFErrorCreate(NULL, kCFErrorDomainOSStatus, -12902, (CFDictionaryRef)ctx), out);
}

static int32_t run_error_copy_user_info(void *ctx, CFTypeRef *out) {
    return fault_cf_result(CFErrorCopyUserInfo((CFErrorRef)ctx), out);
}

static int32_t run_error_copy_description(void *ctx, CFTypeRef *out) {
    return fault_cf_result(CFErrorCopyDescription((CFErrorRef)ctx), out);
}

static int32_t run_url_create(void *ctx, CFTypeRef *out) {
    (void)ctx;
    return fault_cf_result(CFURLCreateWithFileSystemPath(NULL, CFSTR("relative/path/x.h264"),
                                                         kCFURLPOSIXPathStyle, FALSE),
                           out);
}

static int32_t run_url_fsrep(void *ctx, CFTypeRef *out) {
    static const UInt8 path[] = "/var/tmp/out.mov";
    (void)ctx;
    return fault_cf_result(
        CFURLCreateFromFileSystemRepresentation(NULL, path, sizeof(path) - 1, FALSE), out);
}

static int32_t run_url_copy_path(void *ctx, CFTypeRef *out) {
    return fault_cf_result(CFURLCopyFileSystemPath((CFURLRef)ctx, kCFURLPOSIXPathStyle), out);
}

static const FaultCase cases[] = {
    {"CFStringCreateWithCString", NULL, run_string_cstring, NULL, NULL, CF_NULL_ONLY},
    {"CFStringCreateWithBytes", NULL, run_string_bytes, NULL, NULL, CF_NULL_ONLY},
    {"CFStringCreateCopy", setup_string, run_string_copy, verify_string_copy, release_ctx,
     CF_NULL_ONLY},
    {"CFStringCreateWithFormat", setup_dict, run_string_format, NULL, release_ctx, CF_NULL_ONLY},
    {"CFStringCreateWithFileSystemRepresentation", NULL, run_string_fsrep, NULL, NULL,
     CF_NULL_ONLY},
    {"CFCopyDescription(array)", setup_array, run_copy_description, NULL, release_ctx,
     CF_NULL_ONLY},
    {"CFCopyDescription(error)", setup_error, run_copy_description, NULL, release_ctx,
     CF_NULL_ONLY},
    {"CFCopyTypeIDDescription", NULL, run_type_description, NULL, NULL, CF_NULL_ONLY},
    {"CFNumberCreate", NULL, run_number, NULL, NULL, CF_NULL_ONLY},
    {"CFDictionaryCreate", NULL, run_dict_create, verify_dict3, NULL, CF_NULL_ONLY},
    {"CFDictionaryCreateCopy", setup_dict, run_dict_copy, verify_dict3, release_ctx, CF_NULL_ONLY},
    {"CFDictionaryCreateMutableCopy", setup_dict, run_dict_mutable_copy, verify_dict3, release_ctx,
     CF_NULL_ONLY},
    {"CFDictionarySetValue x40", NULL, run_dict_fill, NULL, NULL, CF_NULL_ONLY},
    {"CFArrayCreateCopy", setup_array, run_array_copy, verify_array4, release_ctx, CF_NULL_ONLY},
    {"CFArrayCreateMutableCopy", setup_array, run_array_mutable_copy, verify_array4, release_ctx,
     CF_NULL_ONLY},
    {"CFArrayAppendValue/InsertValueAtIndex x110", NULL, run_array_fill, NULL, NULL, CF_NULL_ONLY},
    {"CFDataCreateCopy", setup_data, run_data_copy, NULL, release_ctx, CF_NULL_ONLY},
    {"CFDataCreateMutableCopy", setup_data, run_data_mutable_copy, NULL, release_ctx, CF_NULL_ONLY},
    {"CFDataAppendBytes/SetLength", NULL, run_data_append, NULL, NULL, CF_NULL_ONLY},
    {"CFErrorCreate", setup_dict, run_error_create, NULL, release_ctx, CF_NULL_ONLY},
    {"CFErrorCopyUserInfo", setup_error, run_error_copy_user_info, NULL, release_ctx, CF_NULL_ONLY},
    {"CFErrorCopyDescription", setup_error, run_error_copy_description, NULL, release_ctx,
     CF_NULL_ONLY},
    {"CFURLCreateWithFileSystemPath", NULL, run_url_create, NULL, NULL, CF_NULL_ONLY},
    {"CFURLCreateFromFileSystemRepresentation", NULL, run_url_fsrep, NULL, NULL, CF_NULL_ONLY},
    {"CFURLCopyFileSystemPath", setup_url, run_url_copy_path, NULL, release_ctx, CF_NULL_ONLY},
};

int main(int argc, char **argv) {
    fault_init(argc, argv);
    fault_run_all(cases, sizeof(cases) / sizeof(cases[0]));
    return vt_test_result();
}
