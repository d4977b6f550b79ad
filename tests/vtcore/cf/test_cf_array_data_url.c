/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * CFArray (kCFType and NULL callbacks, every accessor, out-of-range indexes),
 * CFData (copying, borrowing, adopting, every mutator) and CFURL (file URL
 * round trips), each with its NULL-argument behaviour.
 */
#include <stdlib.h>
#include <unistd.h>

#include <CoreFoundation/CoreFoundation.h>

#include "cf/cf_internal.h"
#include "vt_test.h"

/* ---- CFArray ---- */

static void count_applier(const void *value, void *ctx) {
    int *n = ctx;
    if (value)
        (*n)++;
}

static void test_array_cftype(void) {
    CFNumberRef n1 = vt_cf_number_int32(1), n2 = vt_cf_number_int32(2);
    CFStringRef s = CFStringCreateWithCString(NULL, "three", kCFStringEncodingUTF8);
    const void *vals[3] = {n1, n2, s};
    const void *out[3] = {0};
    CFArrayRef a = CFArrayCreate(NULL, vals, 3, &kCFTypeArrayCallBacks);
    CFMutableArrayRef m;
    int applied = 0;
    CHECK(a != NULL);
    CHECK(CFGetTypeID(a) == CFArrayGetTypeID());
    CHECK_EQ_INT(CFArrayGetCount(a), 3);
    CHECK_EQ_INT(CFGetRetainCount(n1), 2);
    CHECK(CFArrayGetValueAtIndex(a, 0) == n1);
    CHECK(CFArrayGetValueAtIndex(a, 2) == s);
    CHECK(CFArrayGetValueAtIndex(a, 3) == NULL);
    CHECK(CFArrayGetValueAtIndex(a, -1) == NULL);
    CFArrayGetValues(a, CFRangeMake(1, 2), out);
    CHECK(out[0] == n2 && out[1] == s);
    CFArrayGetValues(a, CFRangeMake(2, 2), out); /* out of range: nothing */
    CHECK(out[0] == n2);
    CHECK(CFArrayContainsValue(a, CFRangeMake(0, 3), CFSTR("three"))); /* CFEqual */
    CHECK(!CFArrayContainsValue(a, CFRangeMake(0, 2), CFSTR("three")));
    CHECK(!CFArrayContainsValue(a, CFRangeMake(0, 4), n1)); /* bad range */
    CHECK_EQ_INT(CFArrayGetFirstIndexOfValue(a, CFRangeMake(0, 3), s), 2);
    CHECK_EQ_INT(CFArrayGetFirstIndexOfValue(a, CFRangeMake(1, 2), n1), kCFNotFound);
    {
        double two = 2.0;
        CFNumberRef probe = CFNumberCreate(NULL, kCFNumberFloat64Type, &two);
        CHECK_EQ_INT(CFArrayGetFirstIndexOfValue(a, CFRangeMake(0, 3), probe), 1);
        CFRelease(probe);
    }
    CFArrayApplyFunction(a, CFRangeMake(0, 3), count_applier, &applied);
    CHECK_EQ_INT(applied, 3);
    applied = 0;
    CFArrayApplyFunction(a, CFRangeMake(1, 1), count_applier, &applied);
    CHECK_EQ_INT(applied, 1);
    {
        CFStringRef d = CFCopyDescription(a);
        CHECK(d && strcmp(vt_cfstring_cstr(d), "( 1, 2, three )") == 0);
        if (d)
            CFRelease(d);
    }
    /* Immutable: mutators log and do nothing. */
    CFArrayAppendValue((CFMutableArrayRef)a, n1);
    CFArrayRemoveAllValues((CFMutableArrayRef)a);
    CHECK_EQ_INT(CFArrayGetCount(a), 3);

    m = CFArrayCreateMutableCopy(NULL, 0, a);
    CHECK(m && CFEqual(m, a));
    CHECK(CFHash(m) == CFHash(a));
    CFArrayAppendValue(m, kCFBooleanTrue);
    CHECK_EQ_INT(CFArrayGetCount(m), 4);
    CHECK(!CFEqual(m, a));
    CFArrayInsertValueAtIndex(m, 0, kCFBooleanFalse);
    CHECK(CFArrayGetValueAtIndex(m, 0) == kCFBooleanFalse);
    CHECK(CFArrayGetValueAtIndex(m, 1) == n1);
    CFArrayInsertValueAtIndex(m, 6, n1); /* out of range */
    CFArrayInsertValueAtIndex(m, -1, n1);
    CHECK_EQ_INT(CFArrayGetCount(m), 5);
    CFArraySetValueAtIndex(m, 1, n2);
    CHECK(CFArrayGetValueAtIndex(m, 1) == n2);
    CHECK_EQ_INT(CFGetRetainCount(n1), 2);
    CFArraySetValueAtIndex(m, 5, n1); /* one past the end appends */
    CHECK_EQ_INT(CFArrayGetCount(m), 6);
    CFArraySetValueAtIndex(m, 9, n1); /* out of range */
    CHECK_EQ_INT(CFArrayGetCount(m), 6);
    CFArrayRemoveValueAtIndex(m, 0);
    CHECK(CFArrayGetValueAtIndex(m, 0) == n2);
    CFArrayRemoveValueAtIndex(m, 5);
    CFArrayRemoveValueAtIndex(m, -1);
    CHECK_EQ_INT(CFArrayGetCount(m), 5);
    CFArrayRemoveValueAtIndex(m, 4);
    CHECK_EQ_INT(CFArrayGetCount(m), 4);
    CFArrayAppendValue(m, NULL); /* NULL values are stored, not retained */
    CHECK_EQ_INT(CFArrayGetCount(m), 5);
    CHECK(CFArrayGetValueAtIndex(m, 4) == NULL);
    CFArrayRemoveAllValues(m);
    CHECK_EQ_INT(CFArrayGetCount(m), 0);
    CFRelease(m);

    {
        CFArrayRef c = CFArrayCreateCopy(NULL, a);
        CHECK(c && c != a && CFEqual(c, a));
        CFArrayAppendValue((CFMutableArrayRef)c, n1); /* immutable copy */
        CHECK_EQ_INT(CFArrayGetCount(c), 3);
        CFRelease(c);
    }
    CFRelease(a);
    CHECK_EQ_INT(CFGetRetainCount(n1), 1);
    CHECK_EQ_INT(CFGetRetainCount(n2), 1);
    CHECK_EQ_INT(CFGetRetainCount(s), 1);
    CFRelease(n1);
    CFRelease(n2);
    CFRelease(s);
}

static void test_array_null_callbacks_and_growth(void) {
    CFMutableArrayRef m = CFArrayCreateMutable(NULL, 0, NULL);
    CFStringRef s = CFStringCreateWithCString(NULL, "x", kCFStringEncodingUTF8);
    int ints[1000], i, ok = 1;
    CFArrayAppendValue(m, s);
    CHECK_EQ_INT(CFGetRetainCount(s), 1);
    CHECK(!CFArrayContainsValue(m, CFRangeMake(0, 1), CFSTR("x"))); /* identity */
    CHECK(CFArrayContainsValue(m, CFRangeMake(0, 1), s));
    CFArrayRemoveAllValues(m);
    for (i = 0; i < 1000; i++)
        CFArrayAppendValue(m, &ints[i]);
    CHECK_EQ_INT(CFArrayGetCount(m), 1000);
    for (i = 0; i < 1000; i++)
        if (CFArrayGetValueAtIndex(m, i) != &ints[i])
            ok = 0;
    CHECK(ok);
    CFRelease(m);
    CFRelease(s);

    m = CFArrayCreateMutable(NULL, 1000000000L, &kCFTypeArrayCallBacks); /* a hint */
    CHECK(m != NULL);
    if (m)
        CFRelease(m);
    {
        CFArrayRef e = CFArrayCreate(NULL, NULL, 0, &kCFTypeArrayCallBacks);
        CHECK(e && CFArrayGetCount(e) == 0);
        CHECK(e && !CFArrayContainsValue(e, CFRangeMake(0, 0), s));
        if (e)
            CFRelease(e);
    }
}

static void test_array_null_arguments(void) {
    const void *out[1];
    int n = 0;
    CHECK(CFArrayCreate(NULL, NULL, 2, NULL) == NULL);
    CHECK(CFArrayCreate(NULL, out, -1, NULL) == NULL);
    CHECK(CFArrayCreateCopy(NULL, NULL) == NULL);
    CHECK(CFArrayCreateMutable(NULL, -1, NULL) == NULL);
    CHECK(CFArrayCreateMutableCopy(NULL, 0, NULL) == NULL);
    CHECK_EQ_INT(CFArrayGetCount(NULL), 0);
    CHECK(CFArrayGetValueAtIndex(NULL, 0) == NULL);
    CFArrayGetValues(NULL, CFRangeMake(0, 1), out);
    CHECK(!CFArrayContainsValue(NULL, CFRangeMake(0, 1), NULL));
    CHECK_EQ_INT(CFArrayGetFirstIndexOfValue(NULL, CFRangeMake(0, 1), NULL), kCFNotFound);
    CFArrayApplyFunction(NULL, CFRangeMake(0, 1), count_applier, &n);
    CFArrayAppendValue(NULL, NULL);
    CFArrayInsertValueAtIndex(NULL, 0, NULL);
    CFArraySetValueAtIndex(NULL, 0, NULL);
    CFArrayRemoveValueAtIndex(NULL, 0);
    CFArrayRemoveAllValues(NULL);
    CHECK_EQ_INT(CFArrayGetCount((CFArrayRef)CFSTR("not an array")), 0);
    CHECK_EQ_INT(n, 0);
}

/* ---- CFData ---- */

static void test_data(void) {
    const UInt8 bytes[5] = {1, 2, 3, 4, 5};
    UInt8 buf[8] = {0};
    CFDataRef d = CFDataCreate(NULL, bytes, 5);
    CFMutableDataRef m;
    CHECK(d != NULL);
    CHECK(CFGetTypeID(d) == CFDataGetTypeID());
    CHECK_EQ_INT(CFDataGetLength(d), 5);
    CHECK(CFDataGetBytePtr(d) != bytes);
    CHECK(memcmp(CFDataGetBytePtr(d), bytes, 5) == 0);
    CHECK(CFDataGetMutableBytePtr((CFMutableDataRef)d) == NULL); /* immutable */
    CFDataGetBytes(d, CFRangeMake(1, 3), buf);
    CHECK(buf[0] == 2 && buf[2] == 4);
    memset(buf, 0, sizeof(buf));
    CFDataGetBytes(d, CFRangeMake(3, 3), buf); /* out of range: nothing */
    CHECK(buf[0] == 0);
    CFDataAppendBytes((CFMutableDataRef)d, bytes, 5); /* immutable: ignored */
    CHECK_EQ_INT(CFDataGetLength(d), 5);

    m = CFDataCreateMutableCopy(NULL, 0, d);
    CHECK(m && CFEqual(m, d) && CFHash(m) == CFHash(d));
    CFDataAppendBytes(m, bytes, 5);
    CHECK_EQ_INT(CFDataGetLength(m), 10);
    CHECK(CFDataGetBytePtr(m)[9] == 5);
    CHECK(!CFEqual(m, d));
    CFDataDeleteBytes(m, CFRangeMake(0, 5));
    CHECK(CFEqual(m, d));
    CFDataReplaceBytes(m, CFRangeMake(1, 2), (const UInt8 *)"\xaa\xbb\xcc", 3);
    {
        const UInt8 expect[6] = {1, 0xaa, 0xbb, 0xcc, 4, 5};
        CHECK_EQ_INT(CFDataGetLength(m), 6);
        CHECK(memcmp(CFDataGetBytePtr(m), expect, 6) == 0);
    }
    /* Appending bytes from the data's own buffer (which may move). */
    {
        int i;
        for (i = 0; i < 8; i++)
            CFDataAppendBytes(m, CFDataGetBytePtr(m), CFDataGetLength(m));
        CHECK_EQ_INT(CFDataGetLength(m), 6 * 256);
        CHECK(CFDataGetBytePtr(m)[6 * 255 + 1] == 0xaa);
    }
    CFDataSetLength(m, 3);
    CHECK_EQ_INT(CFDataGetLength(m), 3);
    CFDataIncreaseLength(m, 4);
    CHECK_EQ_INT(CFDataGetLength(m), 7);
    CHECK(CFDataGetBytePtr(m)[3] == 0 && CFDataGetBytePtr(m)[6] == 0); /* zero-filled */
    CHECK(CFDataGetMutableBytePtr(m) == CFDataGetBytePtr(m));
    CFDataGetMutableBytePtr(m)[0] = 9;
    CHECK(CFDataGetBytePtr(m)[0] == 9);
    CFDataSetLength(m, -1);
    CFDataIncreaseLength(m, -1);
    CFDataReplaceBytes(m, CFRangeMake(5, 5), bytes, 1);
    CFDataReplaceBytes(m, CFRangeMake(0, 1), NULL, 1);
    CHECK_EQ_INT(CFDataGetLength(m), 7);
    {
        CFDataRef c = CFDataCreateCopy(NULL, m);
        CHECK(c && CFEqual(c, m));
        CFDataAppendBytes((CFMutableDataRef)c, bytes, 1);
        CHECK_EQ_INT(CFDataGetLength(c), 7);
        CFRelease(c);
    }
    {
        CFStringRef desc = CFCopyDescription(d);
        CHECK(desc && strstr(vt_cfstring_cstr(desc), "0102030405"));
        if (desc)
            CFRelease(desc);
    }
    CFRelease(m);
    CFRelease(d);

    /* Empty data. */
    d = CFDataCreate(NULL, NULL, 0);
    CHECK(d && CFDataGetLength(d) == 0);
    if (d)
        CFRelease(d);
    m = CFDataCreateMutable(NULL, 0);
    CHECK(m && CFDataGetLength(m) == 0);
    CFDataAppendBytes(m, NULL, 0);
    CHECK(m && CFDataGetLength(m) == 0);
    if (m)
        CFRelease(m);
}

static void test_data_no_copy(void) {
    UInt8 stack_bytes[4] = {9, 8, 7, 6};
    UInt8 *heap = malloc(16);
    CFDataRef d;
    /* kCFAllocatorNull: borrowed, never freed (stack memory would crash free()). */
    d = CFDataCreateWithBytesNoCopy(NULL, stack_bytes, 4, kCFAllocatorNull);
    CHECK(d && CFDataGetBytePtr(d) == stack_bytes);
    stack_bytes[0] = 1;
    CHECK(d && CFDataGetBytePtr(d)[0] == 1);
    if (d)
        CFRelease(d);
    /* Default deallocator: adopted and freed with the data (LSan checks). */
    memset(heap, 0x5a, 16);
    d = CFDataCreateWithBytesNoCopy(NULL, heap, 16, kCFAllocatorDefault);
    CHECK(d && CFDataGetBytePtr(d) == heap);
    if (d)
        CFRelease(d);
    else
        free(heap);
    CHECK(CFDataCreateWithBytesNoCopy(NULL, NULL, 4, kCFAllocatorNull) == NULL);
}

static void test_data_null_arguments(void) {
    UInt8 buf[4];
    CHECK(CFDataCreate(NULL, NULL, 4) == NULL);
    CHECK(CFDataCreate(NULL, buf, -1) == NULL);
    CHECK(CFDataCreateCopy(NULL, NULL) == NULL);
    CHECK(CFDataCreateMutable(NULL, -1) == NULL);
    CHECK(CFDataCreateMutableCopy(NULL, 0, NULL) == NULL);
    CHECK_EQ_INT(CFDataGetLength(NULL), 0);
    CHECK(CFDataGetBytePtr(NULL) == NULL);
    CHECK(CFDataGetMutableBytePtr(NULL) == NULL);
    CFDataGetBytes(NULL, CFRangeMake(0, 1), buf);
    CFDataSetLength(NULL, 1);
    CFDataIncreaseLength(NULL, 1);
    CFDataAppendBytes(NULL, buf, 1);
    CFDataReplaceBytes(NULL, CFRangeMake(0, 0), buf, 1);
    CFDataDeleteBytes(NULL, CFRangeMake(0, 1));
    CHECK_EQ_INT(CFDataGetLength((CFDataRef)CFSTR("x")), 0);
    {
        CFDataRef d = CFDataCreate(NULL, buf, 4);
        CFDataGetBytes(d, CFRangeMake(0, 4), NULL);
        CFRelease(d);
    }
}

/* ---- CFURL ---- */

static void check_url(CFURLRef u, const char *path, const char *string, Boolean dir) {
    UInt8 buf[512];
    CFStringRef p;
    CHECK(u != NULL);
    if (!u)
        return;
    CHECK(CFGetTypeID(u) == CFURLGetTypeID());
    CHECK(CFURLGetFileSystemRepresentation(u, TRUE, buf, sizeof(buf)));
    CHECK_MSG(strcmp((const char *)buf, path) == 0, "path %s, expected %s", buf, path);
    p = CFURLCopyFileSystemPath(u, kCFURLPOSIXPathStyle);
    CHECK(p && strcmp(vt_cfstring_cstr(p), path) == 0);
    if (p)
        CFRelease(p);
    CHECK_MSG(strcmp(vt_cfstring_cstr(CFURLGetString(u)), string) == 0, "string %s, expected %s",
              vt_cfstring_cstr(CFURLGetString(u)), string);
    CHECK_EQ_INT(CFURLHasDirectoryPath(u), dir);
}

static void test_url(void) {
    CFURLRef u, v;
    UInt8 small[4];
    char cwd[1024], expect_path[1200], expect_str[1300];

    u = CFURLCreateWithFileSystemPath(NULL, CFSTR("/tmp/pass.log"), kCFURLPOSIXPathStyle, FALSE);
    check_url(u, "/tmp/pass.log", "file:///tmp/pass.log", FALSE);
    CHECK(!CFURLGetFileSystemRepresentation(u, TRUE, small, sizeof(small)));
    CHECK(CFURLCopyFileSystemPath(u, kCFURLWindowsPathStyle) == NULL);
    {
        CFStringRef d = CFCopyDescription(u);
        CHECK(d && strcmp(vt_cfstring_cstr(d), "file:///tmp/pass.log") == 0);
        if (d)
            CFRelease(d);
    }

    /* Round trip through the file system representation. */
    v = CFURLCreateFromFileSystemRepresentation(NULL, (const UInt8 *)"/tmp/pass.log", 13, FALSE);
    check_url(v, "/tmp/pass.log", "file:///tmp/pass.log", FALSE);
    CHECK(CFEqual(u, v));
    CHECK(CFHash(u) == CFHash(v));
    CFRelease(v);
    CFRelease(u);

    /* Directories, percent-encoding, UTF-8. */
    u = CFURLCreateWithFileSystemPath(NULL, CFSTR("/tmp/my dir/"), kCFURLPOSIXPathStyle, TRUE);
    check_url(u, "/tmp/my dir", "file:///tmp/my%20dir/", TRUE);
    CFRelease(u);
    u = CFURLCreateWithFileSystemPath(NULL, CFSTR("/var/data"), kCFURLPOSIXPathStyle, TRUE);
    check_url(u, "/var/data", "file:///var/data/", TRUE);
    CFRelease(u);
    u = CFURLCreateWithFileSystemPath(NULL, CFSTR("/"), kCFURLPOSIXPathStyle, FALSE);
    check_url(u, "/", "file:///", TRUE);
    CFRelease(u);
    {
        const char *weird = "/tmp/vid\xc3\xa9o%#?.mov";
        u = CFURLCreateFromFileSystemRepresentation(NULL, (const UInt8 *)weird,
                                                    (CFIndex)strlen(weird), FALSE);
    }
    check_url(u, "/tmp/vid\xc3\xa9o%#?.mov", "file:///tmp/vid%C3%A9o%25%23%3F.mov", FALSE);
    CFRelease(u);
    /* bufLen larger than the string: stops at the NUL. */
    u = CFURLCreateFromFileSystemRepresentation(NULL, (const UInt8 *)"/a\0garbage", 10, FALSE);
    check_url(u, "/a", "file:///a", FALSE);
    CFRelease(u);

    /* Relative paths resolve against the current directory. */
    if (getcwd(cwd, sizeof(cwd))) {
        snprintf(expect_path, sizeof(expect_path), "%s/rel/file.bin",
                 strcmp(cwd, "/") == 0 ? "" : cwd);
        u = CFURLCreateWithFileSystemPath(NULL, CFSTR("rel/file.bin"), kCFURLPOSIXPathStyle, FALSE);
        CHECK(u != NULL);
        if (u) {
            UInt8 buf[1300];
            CHECK(CFURLGetFileSystemRepresentation(u, TRUE, buf, sizeof(buf)));
            CHECK(strcmp((const char *)buf, expect_path) == 0);
            snprintf(expect_str, sizeof(expect_str), "file://%s", expect_path);
            if (!strchr(expect_path, ' ') && !strchr(expect_path, '%'))
                CHECK(strcmp(vt_cfstring_cstr(CFURLGetString(u)), expect_str) == 0);
            CFRelease(u);
        }
    }

    /* Unsupported styles, empty and invalid paths, NULL arguments. */
    CHECK(CFURLCreateWithFileSystemPath(NULL, CFSTR("C:\\x"), kCFURLWindowsPathStyle, FALSE) ==
          NULL);
    CHECK(CFURLCreateWithFileSystemPath(NULL, CFSTR("x"), kCFURLHFSPathStyle, FALSE) == NULL);
    CHECK(CFURLCreateWithFileSystemPath(NULL, CFSTR(""), kCFURLPOSIXPathStyle, FALSE) == NULL);
    CHECK(CFURLCreateWithFileSystemPath(NULL, NULL, kCFURLPOSIXPathStyle, FALSE) == NULL);
    CHECK(CFURLCreateFromFileSystemRepresentation(NULL, NULL, 3, FALSE) == NULL);
    CHECK(CFURLCreateFromFileSystemRepresentation(NULL, (const UInt8 *)"/\xff", 2, FALSE) == NULL);
    CHECK(CFURLCreateFromFileSystemRepresentation(NULL, (const UInt8 *)"/x", -1, FALSE) == NULL);
    CHECK(!CFURLGetFileSystemRepresentation(NULL, TRUE, small, sizeof(small)));
    CHECK(CFURLCopyFileSystemPath(NULL, kCFURLPOSIXPathStyle) == NULL);
    CHECK(CFURLGetString(NULL) == NULL);
    CHECK(!CFURLHasDirectoryPath(NULL));
    CHECK(CFURLGetString((CFURLRef)CFSTR("file:///x")) == NULL);
}

int main(void) {
    test_array_cftype();
    test_array_null_callbacks_and_growth();
    test_array_null_arguments();
    test_data();
    test_data_no_copy();
    test_data_null_arguments();
    test_url();
    return vt_test_result();
}
