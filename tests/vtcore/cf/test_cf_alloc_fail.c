/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Allocation-failure injection: every CF create call, run with its n-th
 * allocation failing for n = 1, 2, ... until it no longer allocates that
 * many times, must return NULL or a valid object, never crash, and never
 * leak (the ASan/LSan and valgrind builds check the leaks).
 */
#include <vtcore/vtcore.h>

#include <CoreFoundation/CFError.h>
#include <CoreFoundation/CoreFoundation.h>

#include "cf/cf_internal.h"
#include "vt_test.h"

/* A scenario returns the object it built (or NULL) and leaves nothing else
 * allocated. `check` validates a non-NULL result. */
typedef struct {
    const char *name;
    CFTypeRef (*run)(void);
    int (*check)(CFTypeRef obj);
} Scenario;

static CFTypeRef run_string(void) {
    return CFStringCreateWithCString(NULL, "allocation test", kCFStringEncodingUTF8);
}
static int check_string(CFTypeRef o) {
    return CFEqual(o, CFSTR("allocation test"));
}

static CFTypeRef run_latin1(void) {
    return CFStringCreateWithCString(NULL, "caf\xe9", kCFStringEncodingISOLatin1);
}
static int check_latin1(CFTypeRef o) {
    return CFEqual(o, CFSTR("caf\xc3\xa9"));
}

static CFTypeRef run_format(void) {
    CFNumberRef n = vt_cf_number_int32(12);
    CFStringRef s;
    if (!n)
        return NULL;
    s = CFStringCreateWithFormat(NULL, NULL, CFSTR("n=%@ s=%s d=%d"), n, "abc", 5);
    CFRelease(n);
    return s;
}
static int check_format(CFTypeRef o) {
    return CFEqual(o, CFSTR("n=12 s=abc d=5"));
}

static int literal_counter;
static CFTypeRef run_intern(void) {
    char buf[48];
    /* A fresh literal each time, so interning really allocates. */
    snprintf(buf, sizeof(buf), "fresh-literal-%d", literal_counter++);
    return __CFStringMakeConstantString(buf);
}
static int check_intern(CFTypeRef o) {
    return CFStringHasPrefix(o, CFSTR("fresh-literal-"));
}

static CFTypeRef run_number(void) {
    double d = 2.5;
    return CFNumberCreate(NULL, kCFNumberFloat64Type, &d);
}
static int check_number(CFTypeRef o) {
    double d = 0;
    return CFNumberGetValue(o, kCFNumberFloat64Type, &d) && d == 2.5;
}

static CFTypeRef run_dict_create(void) {
    const void *k[3] = {CFSTR("a"), CFSTR("b"), CFSTR("c")};
    const void *v[3] = {kCFBooleanTrue, kCFBooleanFalse, CFSTR("x")};
    return CFDictionaryCreate(NULL, k, v, 3, &kCFTypeDictionaryKeyCallBacks,
                              &kCFTypeDictionaryValueCallBacks);
}
static int check_dict_create(CFTypeRef o) {
    return CFDictionaryGetCount(o) == 3 && CFDictionaryGetValue(o, CFSTR("c")) != NULL;
}

/* A mutable dictionary filled past several growths: failed growths drop
 * values (logged) but the table stays consistent. */
static CFTypeRef run_dict_fill(void) {
    CFMutableDictionaryRef d = vt_cf_dict_new();
    int i;
    if (!d)
        return NULL;
    for (i = 0; i < 40; i++) {
        CFNumberRef n = vt_cf_number_int32(i);
        if (!n)
            continue;
        CFDictionarySetValue(d, n, n);
        CFRelease(n);
    }
    return d;
}
static int check_dict_fill(CFTypeRef o) {
    CFIndex count = CFDictionaryGetCount(o), found = 0;
    int i;
    for (i = 0; i < 40; i++) {
        int32_t v = -1;
        CFNumberRef n = vt_cf_number_int32(i);
        if (vt_cf_get_int32(CFDictionaryGetValue(o, n), &v) && v == i)
            found++;
        CFRelease(n);
    }
    return found == count && count <= 40;
}

static CFTypeRef run_dict_copy(void) {
    CFTypeRef src = run_dict_create(), copy;
    if (!src)
        return NULL;
    copy = CFDictionaryCreateMutableCopy(NULL, 0, src);
    CFRelease(src);
    return copy;
}

static CFTypeRef run_dict_description(void) {
    CFTypeRef d = run_dict_create(), s;
    if (!d)
        return NULL;
    s = CFCopyDescription(d);
    CFRelease(d);
    return s;
}
static int check_dict_description(CFTypeRef o) {
    return CFStringHasPrefix(o, CFSTR("{ a = true;"));
}

static CFTypeRef run_array(void) {
    CFMutableArrayRef a = CFArrayCreateMutable(NULL, 0, &kCFTypeArrayCallBacks);
    int i;
    if (!a)
        return NULL;
    for (i = 0; i < 20; i++)
        CFArrayAppendValue(a, kCFBooleanTrue);
    return a;
}
static int check_array(CFTypeRef o) {
    CFIndex n = CFArrayGetCount(o), i;
    for (i = 0; i < n; i++)
        if (CFArrayGetValueAtIndex(o, i) != kCFBooleanTrue)
            return 0;
    return n <= 20;
}

static CFTypeRef run_array_copy(void) {
    const void *v[2] = {CFSTR("x"), kCFBooleanTrue};
    CFArrayRef a = CFArrayCreate(NULL, v, 2, &kCFTypeArrayCallBacks), c;
    if (!a)
        return NULL;
    c = CFArrayCreateCopy(NULL, a);
    CFRelease(a);
    return c;
}
static int check_array_copy(CFTypeRef o) {
    return CFArrayGetCount(o) == 2 && CFArrayGetValueAtIndex(o, 1) == kCFBooleanTrue;
}

static CFTypeRef run_data(void) {
    CFMutableDataRef d = CFDataCreateMutable(NULL, 0);
    int i;
    if (!d)
        return NULL;
    for (i = 0; i < 10; i++)
        CFDataAppendBytes(d, (const UInt8 *)"0123456789", 10);
    CFDataReplaceBytes(d, CFRangeMake(0, 5), CFDataGetBytePtr(d) + 10, 20);
    return d;
}
static int check_data(CFTypeRef o) {
    CFIndex n = CFDataGetLength(o);
    return n % 5 == 0 && n <= 115;
}

static CFTypeRef run_url(void) {
    return CFURLCreateWithFileSystemPath(NULL, CFSTR("/tmp/a b/c"), kCFURLPOSIXPathStyle, TRUE);
}
static int check_url(CFTypeRef o) {
    return CFEqual(CFURLGetString(o), CFSTR("file:///tmp/a%20b/c/"));
}

static CFTypeRef run_url_relative(void) {
    return CFURLCreateFromFileSystemRepresentation(NULL, (const UInt8 *)"rel", 3, FALSE);
}
static int check_url_relative(CFTypeRef o) {
    return CFStringHasSuffix(CFURLGetString(o), CFSTR("/rel"));
}

static CFTypeRef run_error(void) {
    const void *k[1] = {kCFErrorLocalizedFailureReasonKey}, *v[1] = {CFSTR("why")};
    CFDictionaryRef info = CFDictionaryCreate(NULL, k, v, 1, &kCFTypeDictionaryKeyCallBacks,
                                              &kCFTypeDictionaryValueCallBacks);
    CFErrorRef e;
    CFStringRef s;
    if (!info)
        return NULL;
    e = CFErrorCreate(NULL, kCFErrorDomainOSStatus, -1, info);
    CFRelease(info);
    if (!e)
        return NULL;
    s = CFErrorCopyDescription(e);
    CFRelease(e);
    return s;
}
static int check_error(CFTypeRef o) {
    return CFStringHasSuffix(o, CFSTR("completed. why"));
}

/* clang-format off */
static const Scenario scenarios[] = {
    {"string", run_string, check_string},
    {"latin1", run_latin1, check_latin1},
    {"format", run_format, check_format},
    {"intern", run_intern, check_intern},
    {"number", run_number, check_number},
    {"dict_create", run_dict_create, check_dict_create},
    {"dict_fill", run_dict_fill, check_dict_fill},
    {"dict_copy", run_dict_copy, check_dict_create},
    {"dict_description", run_dict_description, check_dict_description},
    {"array", run_array, check_array},
    {"array_copy", run_array_copy, check_array_copy},
    {"data", run_data, check_data},
    {"url", run_url, check_url},
    {"url_relative", run_url_relative, check_url_relative},
    {"error", run_error, check_error},
};
/* clang-format on */

static long logged_errors;

static void quiet_log(void *user_data, int level, const char *fmt, va_list args) {
    (void)user_data;
    (void)fmt;
    (void)args;
    if (level == VTCORE_LOG_ERROR)
        logged_errors++;
}

int main(void) {
    size_t s;
    /* Warm-up without injected failures: interns every CFSTR literal the
     * scenarios use, so the loops below only exercise the create calls. */
    for (s = 0; s < sizeof(scenarios) / sizeof(scenarios[0]); s++) {
        CFTypeRef obj = scenarios[s].run();
        CHECK_MSG(obj && scenarios[s].check(obj), "%s: fails without injection", scenarios[s].name);
        if (obj)
            CFRelease(obj);
    }
    /* The injected failures log errors by design: count them quietly. */
    vtcore_set_log_callback(quiet_log, NULL, VTCORE_LOG_ERROR);
    for (s = 0; s < sizeof(scenarios) / sizeof(scenarios[0]); s++) {
        const Scenario *sc = &scenarios[s];
        long n, made;
        int failures_seen = 0, bad = 0, completed = 0;
        for (n = 1; n < 10000; n++) {
            CFTypeRef obj;
            vtcore_debug_fail_allocation_after(n);
            obj = sc->run();
            made = vtcore_debug_fail_allocation_after(0);
            if (obj) {
                if (!sc->check(obj))
                    bad++;
                if (CFGetRetainCount(obj) < 0x10000000L)
                    CFRelease(obj);
            } else {
                failures_seen++;
            }
            if (made < n) { /* the injected failure never happened: done */
                completed = obj != NULL;
                break;
            }
        }
        CHECK_MSG(bad == 0, "%s: %d invalid results", sc->name, bad);
        CHECK_MSG(completed, "%s: never completed without a failure", sc->name);
        CHECK_MSG(failures_seen > 0, "%s: no allocation failure ever surfaced", sc->name);
    }
    vtcore_set_log_callback(NULL, NULL, 0);
    CHECK(logged_errors > 0);
    return vt_test_result();
}
