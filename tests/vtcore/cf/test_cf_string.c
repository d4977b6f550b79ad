/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * CFString: CFSTR interning, creation and encodings, lengths, comparison,
 * formatting, file system representation, NULL arguments.
 */
#include <math.h>

#include <CoreFoundation/CoreFoundation.h>

#include "cf/cf_internal.h"
#include "vt_test.h"

VT_DEFINE_CONST_STRING(kTestConstKey, "TestConstKey");

static const char *cstr(CFStringRef s) {
    const char *p = CFStringGetCStringPtr(s, kCFStringEncodingUTF8);
    return p ? p : "(null)";
}

#define CHECK_STR(s, expected)                                                           \
    do {                                                                                 \
        CFStringRef s_ = (s);                                                            \
        CHECK_MSG(s_ &&strcmp(cstr(s_), (expected)) == 0, "got \"%s\", expected \"%s\"", \
                  s_ ? cstr(s_) : "(NULL string)", (expected));                          \
        if (s_)                                                                          \
            CFRelease(s_);                                                               \
    } while (0)

static void test_cfstr_interning(void) {
    CFStringRef a = CFSTR("RealTime");
    CFStringRef b = CFSTR("RealTime");
    CFStringRef c = CFSTR("AverageBitRate");
    const char *lit = "Real"
                      "Time";
    CHECK(a != NULL);
    CHECK(a == b);
    CHECK(a != c);
    CHECK(__CFStringMakeConstantString(lit) == a);
    CHECK(CFGetTypeID(a) == CFStringGetTypeID());
    /* Immortal: retain/release do nothing, the count stays huge. */
    CHECK(CFGetRetainCount(a) >= 0x10000000L);
    CFRetain(a);
    CFRelease(a);
    CFRelease(a);
    CHECK(CFGetRetainCount(a) >= 0x10000000L);
    CHECK(strcmp(cstr(a), "RealTime") == 0);
    CHECK(CFSTR("") != NULL);
    CHECK_EQ_INT(CFStringGetLength(CFSTR("")), 0);
    CHECK(__CFStringMakeConstantString(NULL) == NULL);
    /* Many distinct literals force the intern table to grow. */
    {
        char buf[32];
        CFStringRef first = NULL;
        int i, ok = 1;
        for (i = 0; i < 2000; i++) {
            CFStringRef s;
            snprintf(buf, sizeof(buf), "intern-%d", i);
            s = __CFStringMakeConstantString(buf);
            if (!s || strcmp(cstr(s), buf) != 0)
                ok = 0;
            if (i == 0)
                first = s;
        }
        CHECK(ok);
        CHECK(__CFStringMakeConstantString("intern-0") == first);
    }
}

static void test_const_and_created_equal(void) {
    CFStringRef created = CFStringCreateWithCString(NULL, "TestConstKey", kCFStringEncodingUTF8);
    CFStringRef lit = CFSTR("TestConstKey");
    CHECK(created != NULL);
    CHECK(created != kTestConstKey);
    CHECK(CFEqual(created, kTestConstKey));
    CHECK(CFEqual(kTestConstKey, lit));
    CHECK(CFEqual(lit, created));
    CHECK(CFHash(created) == CFHash(kTestConstKey));
    CHECK(CFHash(lit) == CFHash(kTestConstKey));
    CHECK(CFHash(created) != 0);
    CHECK(!CFEqual(created, CFSTR("TestConstKeY")));
    CHECK(!CFEqual(created, CFSTR("TestConstKe")));
    CHECK_EQ_INT(CFGetRetainCount(created), 1);
    /* CFCopyDescription of a string is the string itself, +1. */
    {
        CFStringRef d = CFCopyDescription(created);
        CHECK(d == created);
        CHECK_EQ_INT(CFGetRetainCount(created), 2);
        CFRelease(d);
    }
    /* CreateCopy of an immutable string retains it. */
    {
        CFStringRef copy = CFStringCreateCopy(NULL, created);
        CHECK(copy == created);
        CHECK_EQ_INT(CFGetRetainCount(created), 2);
        CFRelease(copy);
    }
    CHECK(CFStringCreateCopy(NULL, kTestConstKey) == kTestConstKey);
    CHECK_EQ_INT(CFGetRetainCount(created), 1);
    CFRelease(created);
}

static void test_create_encodings(void) {
    CFStringRef s;
    char buf[64];
    /* "é" in Latin-1 is 0xE9; in UTF-8 0xC3 0xA9; in MacRoman 0x8E. */
    const UInt8 latin1[] = {'c', 'a', 'f', 0xe9};
    const UInt8 macroman[] = {'c', 'a', 'f', 0x8e, ' ', 0xdb}; /* 0xDB: euro sign */
    const UInt8 bad_utf8[] = {'a', 0xc3};
    const UInt8 overlong[] = {0xc0, 0xaf};
    const UInt8 surrogate[] = {0xed, 0xa0, 0x80};
    const UInt8 bom[] = {0xef, 0xbb, 0xbf, 'h', 'i'};
    const UInt8 with_nul[] = {'a', 0, 'b'};

    s = CFStringCreateWithBytes(NULL, latin1, 4, kCFStringEncodingISOLatin1, FALSE);
    CHECK(s && strcmp(cstr(s), "caf\xc3\xa9") == 0);
    CHECK_EQ_INT(CFStringGetLength(s), 4);
    CHECK(CFStringGetCString(s, buf, sizeof(buf), kCFStringEncodingISOLatin1));
    CHECK(memcmp(buf, latin1, 4) == 0 && buf[4] == 0);
    CHECK(CFStringGetCString(s, buf, sizeof(buf), kCFStringEncodingMacRoman));
    CHECK((unsigned char)buf[3] == 0x8e);
    CHECK(!CFStringGetCString(s, buf, sizeof(buf), kCFStringEncodingASCII));
    CHECK(CFStringGetCStringPtr(s, kCFStringEncodingASCII) == NULL);
    CHECK(CFStringGetCStringPtr(s, kCFStringEncodingUTF8) != NULL);
    CFRelease(s);

    s = CFStringCreateWithBytes(NULL, macroman, 6, kCFStringEncodingMacRoman, FALSE);
    CHECK(s && strcmp(cstr(s), "caf\xc3\xa9 \xe2\x82\xac") == 0);
    CHECK(CFStringGetCString(s, buf, sizeof(buf), kCFStringEncodingMacRoman));
    CHECK(memcmp(buf, macroman, 6) == 0);
    /* The euro sign has no Latin-1 form. */
    CHECK(!CFStringGetCString(s, buf, sizeof(buf), kCFStringEncodingISOLatin1));
    CFRelease(s);

    CHECK(CFStringCreateWithBytes(NULL, bad_utf8, 2, kCFStringEncodingUTF8, FALSE) == NULL);
    CHECK(CFStringCreateWithBytes(NULL, overlong, 2, kCFStringEncodingUTF8, FALSE) == NULL);
    CHECK(CFStringCreateWithBytes(NULL, surrogate, 3, kCFStringEncodingUTF8, FALSE) == NULL);
    CHECK(CFStringCreateWithCString(NULL, "caf\xe9", kCFStringEncodingUTF8) == NULL);
    CHECK(CFStringCreateWithCString(NULL, "caf\xe9", kCFStringEncodingASCII) == NULL);
    CHECK(CFStringCreateWithCString(NULL, "abc", 0x12345678u) == NULL);

    s = CFStringCreateWithBytes(NULL, bom, 5, kCFStringEncodingUTF8, TRUE);
    CHECK(s && strcmp(cstr(s), "hi") == 0);
    if (s)
        CFRelease(s);
    s = CFStringCreateWithBytes(NULL, bom, 5, kCFStringEncodingUTF8, FALSE);
    CHECK(s && CFStringGetLength(s) == 3); /* BOM kept as U+FEFF */
    if (s)
        CFRelease(s);

    s = CFStringCreateWithBytes(NULL, with_nul, 3, kCFStringEncodingUTF8, FALSE);
    CHECK(s && CFStringGetLength(s) == 3);
    if (s)
        CFRelease(s);

    s = CFStringCreateWithBytes(NULL, NULL, 0, kCFStringEncodingUTF8, FALSE);
    CHECK(s && CFStringGetLength(s) == 0 && strcmp(cstr(s), "") == 0);
    if (s)
        CFRelease(s);
    CHECK(CFStringCreateWithBytes(NULL, NULL, 3, kCFStringEncodingUTF8, FALSE) == NULL);
    CHECK(CFStringCreateWithBytes(NULL, latin1, -1, kCFStringEncodingUTF8, FALSE) == NULL);
}

static void test_lengths_and_cstring(void) {
    /* UTF-16 code units: é is 1, U+1F600 is a surrogate pair (2). */
    CFStringRef s =
        CFStringCreateWithCString(NULL, "a\xc3\xa9\xf0\x9f\x98\x80z", kCFStringEncodingUTF8);
    char buf[16];
    CHECK(s != NULL);
    CHECK_EQ_INT(CFStringGetLength(s), 5);
    CHECK_EQ_INT(CFStringGetLength(CFSTR("hello")), 5);
    /* UTF-8 needs 8 bytes + NUL. */
    CHECK(!CFStringGetCString(s, buf, 8, kCFStringEncodingUTF8));
    CHECK(buf[0] == '\0');
    CHECK(CFStringGetCString(s, buf, 9, kCFStringEncodingUTF8));
    CHECK(strcmp(buf, "a\xc3\xa9\xf0\x9f\x98\x80z") == 0);
    CHECK(!CFStringGetCString(s, buf, sizeof(buf), kCFStringEncodingISOLatin1));
    CHECK(CFStringGetCString(CFSTR("abc"), buf, 4, kCFStringEncodingASCII));
    CHECK(!CFStringGetCString(CFSTR("abc"), buf, 3, kCFStringEncodingASCII));
    CHECK(!CFStringGetCString(CFSTR("abc"), buf, 0, kCFStringEncodingUTF8));
    CHECK(!CFStringGetCString(CFSTR("abc"), buf, sizeof(buf), 0x7777u));
    CHECK(strcmp(CFStringGetCStringPtr(CFSTR("abc"), kCFStringEncodingASCII), "abc") == 0);
    CHECK(CFStringGetCStringPtr(CFSTR("abc"), 0x7777u) == NULL);
    CHECK_EQ_INT(CFStringGetMaximumSizeForEncoding(10, kCFStringEncodingUTF8), 30);
    CHECK_EQ_INT(CFStringGetMaximumSizeForEncoding(10, kCFStringEncodingASCII), 10);
    CHECK_EQ_INT(CFStringGetMaximumSizeForEncoding(-1, kCFStringEncodingUTF8), kCFNotFound);
    CHECK_EQ_INT(CFStringGetMaximumSizeForEncoding(LONG_MAX, kCFStringEncodingUTF8), kCFNotFound);
    CFRelease(s);
}

static void test_compare(void) {
    CFStringRef abc = CFStringCreateWithCString(NULL, "abc", kCFStringEncodingUTF8);
    CHECK_EQ_INT(CFStringCompare(abc, CFSTR("abc"), 0), kCFCompareEqualTo);
    CHECK_EQ_INT(CFStringCompare(abc, CFSTR("abd"), 0), kCFCompareLessThan);
    CHECK_EQ_INT(CFStringCompare(abc, CFSTR("ab"), 0), kCFCompareGreaterThan);
    CHECK_EQ_INT(CFStringCompare(CFSTR("ab"), abc, 0), kCFCompareLessThan);
    CHECK_EQ_INT(CFStringCompare(abc, CFSTR("ABC"), 0), kCFCompareGreaterThan);
    CHECK_EQ_INT(CFStringCompare(abc, CFSTR("ABC"), kCFCompareCaseInsensitive), kCFCompareEqualTo);
    CHECK_EQ_INT(CFStringCompare(CFSTR("ABD"), abc, kCFCompareCaseInsensitive),
                 kCFCompareGreaterThan);
    /* Code-point order: é (U+00E9) sorts after z. */
    CHECK_EQ_INT(CFStringCompare(CFSTR("\xc3\xa9"), CFSTR("z"), 0), kCFCompareGreaterThan);
    CHECK_EQ_INT(CFStringCompare(CFSTR("file9"), CFSTR("file10"), 0), kCFCompareGreaterThan);
    CHECK_EQ_INT(CFStringCompare(CFSTR("file9"), CFSTR("file10"), kCFCompareNumerically),
                 kCFCompareLessThan);
    CHECK_EQ_INT(CFStringCompare(CFSTR("v007"), CFSTR("v7"), kCFCompareNumerically),
                 kCFCompareEqualTo);
    CHECK_EQ_INT(CFStringCompare(CFSTR("a20b"), CFSTR("a20c"), kCFCompareNumerically),
                 kCFCompareLessThan);
    CHECK_EQ_INT(CFStringCompare(NULL, abc, 0), kCFCompareLessThan);
    CHECK_EQ_INT(CFStringCompare(abc, NULL, 0), kCFCompareGreaterThan);
    CHECK_EQ_INT(CFStringCompare(NULL, NULL, 0), kCFCompareEqualTo);

    CHECK(CFStringHasPrefix(CFSTR("kVTProfileLevel_H264_Main"), CFSTR("kVTProfileLevel_H264")));
    CHECK(!CFStringHasPrefix(CFSTR("kVT"), CFSTR("kVTProfile")));
    CHECK(!CFStringHasPrefix(abc, CFSTR(""))); /* as on Apple */
    CHECK(CFStringHasPrefix(abc, abc));
    CHECK(CFStringHasSuffix(CFSTR("Apple H.264 (HW)"), CFSTR("(HW)")));
    CHECK(!CFStringHasSuffix(CFSTR("Apple H.264 (HW)"), CFSTR("(SW)")));
    CHECK(!CFStringHasSuffix(CFSTR("W)"), CFSTR("(HW)")));
    CHECK(!CFStringHasSuffix(abc, CFSTR("")));
    CHECK(!CFStringHasPrefix(NULL, abc));
    CHECK(!CFStringHasPrefix(abc, NULL));
    CHECK(!CFStringHasSuffix(NULL, abc));
    CHECK(!CFStringHasSuffix(abc, NULL));
    CFRelease(abc);
}

static void test_format(void) {
    CFStringRef name = CFStringCreateWithCString(NULL, "x264", kCFStringEncodingUTF8);
    int32_t i32 = 42;
    double dv = 2.5;
    CFNumberRef n = CFNumberCreate(NULL, kCFNumberSInt32Type, &i32);
    CFNumberRef d = CFNumberCreate(NULL, kCFNumberFloat64Type, &dv);

    CHECK_STR(CFStringCreateWithFormat(NULL, NULL, CFSTR("plain")), "plain");
    CHECK_STR(CFStringCreateWithFormat(NULL, NULL, CFSTR("%d|%5d|%-3d|%03d"), -7, 12, 1, 5),
              "-7|   12|1  |005");
    CHECK_STR(CFStringCreateWithFormat(NULL, NULL, CFSTR("%u %x %X %o"), 10u, 255u, 255u, 8u),
              "10 ff FF 10");
    CHECK_STR(CFStringCreateWithFormat(NULL, NULL, CFSTR("%ld %lld %qd %zu %hhd %hd"), -1L,
                                       (long long)INT64_MIN, 3LL, (size_t)7, 300, 70000),
              "-1 -9223372036854775808 3 7 44 4464");
    CHECK_STR(CFStringCreateWithFormat(NULL, NULL, CFSTR("%.2f %g %e %*d %.*f"), 1.005, 0.5, 1000.0,
                                       4, 7, 1, 2.25),
              "1.00 0.5 1.000000e+03    7 2.2");
    CHECK_STR(CFStringCreateWithFormat(NULL, NULL, CFSTR("%s/%c/%%/%5s"), "abc", 'z', "r"),
              "abc/z/%/    r");
    CHECK_STR(CFStringCreateWithFormat(NULL, NULL, CFSTR("[%@] [%@] [%@] [%@]"), name, n, d, NULL),
              "[x264] [42] [2.5] [(null)]");
    CHECK_STR(CFStringCreateWithFormat(NULL, NULL, CFSTR("%@ %@"), kCFBooleanTrue, kCFBooleanFalse),
              "true false");
    CHECK_STR(CFStringCreateWithFormat(NULL, NULL, CFSTR("%C%C"), 0xe9, 'A'), "\xc3\xa9"
                                                                              "A");
    CHECK_STR(CFStringCreateWithFormat(NULL, NULL, CFSTR("%s"), "caf\xe9"), "caf\xef\xbf\xbd");
    CHECK_STR(CFStringCreateWithFormat(NULL, NULL, CFSTR("%Lf"), (long double)0.5), "0.500000");
    /* Unsupported or broken formats return NULL. */
    CHECK(CFStringCreateWithFormat(NULL, NULL, CFSTR("%1$d"), 1) == NULL);
    CHECK(CFStringCreateWithFormat(NULL, NULL, CFSTR("abc %")) == NULL);
    CHECK(CFStringCreateWithFormat(NULL, NULL, CFSTR("%n"), (int *)NULL) == NULL);
    CHECK(CFStringCreateWithFormat(NULL, NULL, CFSTR("%S"), (void *)NULL) == NULL);
    CHECK(CFStringCreateWithFormat(NULL, NULL, NULL) == NULL);
    /* Long output grows the buffer. */
    {
        char big[3000];
        CFStringRef s;
        memset(big, 'q', sizeof(big) - 1);
        big[sizeof(big) - 1] = 0;
        s = CFStringCreateWithFormat(NULL, NULL, CFSTR("<%s><%s>"), big, big);
        CHECK(s && CFStringGetLength(s) == 2 * 2999 + 4);
        if (s)
            CFRelease(s);
    }
    /* The objects passed to %@ are not consumed. */
    CHECK_EQ_INT(CFGetRetainCount(name), 1);
    CHECK_EQ_INT(CFGetRetainCount(n), 1);
    CFRelease(name);
    CFRelease(n);
    CFRelease(d);
    /* vtcore's internal printf helper. */
    CHECK_STR(vt_cf_string_create_printf("%s-%d", "a", 1), "a-1");
}

static void test_file_system_representation(void) {
    char buf[64];
    CFStringRef s = CFStringCreateWithFileSystemRepresentation(NULL, "/tmp/vid\xc3\xa9o.h264");
    CHECK(s != NULL);
    CHECK(CFStringGetMaximumSizeOfFileSystemRepresentation(s) >= 18);
    CHECK(CFStringGetFileSystemRepresentation(s, buf, sizeof(buf)));
    CHECK(strcmp(buf, "/tmp/vid\xc3\xa9o.h264") == 0);
    CHECK(!CFStringGetFileSystemRepresentation(s, buf, 5));
    CHECK(!CFStringGetFileSystemRepresentation(s, NULL, 64));
    CHECK(!CFStringGetFileSystemRepresentation(NULL, buf, 64));
    CHECK_EQ_INT(CFStringGetMaximumSizeOfFileSystemRepresentation(NULL), kCFNotFound);
    CHECK(CFStringCreateWithFileSystemRepresentation(NULL, NULL) == NULL);
    CFRelease(s);
}

static void test_null_arguments(void) {
    char buf[8];
    CHECK(CFStringCreateWithCString(NULL, NULL, kCFStringEncodingUTF8) == NULL);
    CHECK(CFStringCreateCopy(NULL, NULL) == NULL);
    CHECK(CFStringCreateCopy(NULL, (CFStringRef)kCFBooleanTrue) == NULL); /* wrong type */
    CHECK_EQ_INT(CFStringGetLength(NULL), 0);
    CHECK_EQ_INT(CFStringGetLength((CFStringRef)kCFBooleanTrue), 0);
    CHECK(!CFStringGetCString(NULL, buf, sizeof(buf), kCFStringEncodingUTF8));
    CHECK(!CFStringGetCString(CFSTR("a"), NULL, 8, kCFStringEncodingUTF8));
    CHECK(CFStringGetCStringPtr(NULL, kCFStringEncodingUTF8) == NULL);
    CHECK(strcmp(vt_cfstring_cstr(NULL), "") == 0);
    CHECK(strcmp(vt_cfstring_cstr(CFSTR("k")), "k") == 0);
    /* Runtime functions on NULL. */
    CHECK(CFRetain(NULL) == NULL);
    CFRelease(NULL);
    CHECK_EQ_INT(CFGetRetainCount(NULL), 0);
    CHECK_EQ_INT(CFGetTypeID(NULL), 0);
    CHECK(CFEqual(NULL, NULL));
    CHECK(!CFEqual(CFSTR("a"), NULL));
    CHECK(!CFEqual(NULL, CFSTR("a")));
    CHECK_EQ_INT(CFHash(NULL), 0);
    CHECK(CFCopyDescription(NULL) == NULL);
    CHECK(!CFEqual(CFSTR("1"), kCFBooleanTrue)); /* different types */
    {
        CFStringRef t = CFCopyTypeIDDescription(CFStringGetTypeID());
        CHECK_STR(t, "CFString");
    }
}

static void test_retain_release_balance(void) {
    CFStringRef s = CFStringCreateWithCString(NULL, "count me", kCFStringEncodingUTF8);
    int i;
    CHECK_EQ_INT(CFGetRetainCount(s), 1);
    for (i = 0; i < 10; i++)
        CHECK(CFRetain(s) == s);
    CHECK_EQ_INT(CFGetRetainCount(s), 11);
    for (i = 0; i < 10; i++)
        CFRelease(s);
    CHECK_EQ_INT(CFGetRetainCount(s), 1);
    CHECK(CFAutorelease(s) == s); /* no pool: keeps the reference */
    CHECK_EQ_INT(CFGetRetainCount(s), 1);
    CFRelease(s);
}

int main(void) {
    test_cfstr_interning();
    test_const_and_created_equal();
    test_create_encodings();
    test_lengths_and_cstring();
    test_compare();
    test_format();
    test_file_system_representation();
    test_null_arguments();
    test_retain_release_balance();
    return vt_test_result();
}
