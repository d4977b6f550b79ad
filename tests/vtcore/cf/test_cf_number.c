/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * CFNumber and CFBoolean: every CFNumberType, conversions at the edges
 * (clamping, lossy return values, NaN), comparison, equality and hashing
 * across types, the internal typed readers, NULL arguments.
 */
#include <float.h>
#include <math.h>

#include <CoreFoundation/CoreFoundation.h>

#include "cf/cf_internal.h"
#include "vt_test.h"

static CFNumberRef num(CFNumberType t, const void *v) {
    CFNumberRef n = CFNumberCreate(NULL, t, v);
    CHECK(n != NULL);
    return n;
}

static void test_booleans(void) {
    CHECK(kCFBooleanTrue != NULL && kCFBooleanFalse != NULL);
    CHECK(kCFBooleanTrue != kCFBooleanFalse);
    CHECK(CFBooleanGetValue(kCFBooleanTrue) == TRUE);
    CHECK(CFBooleanGetValue(kCFBooleanFalse) == FALSE);
    CHECK(CFGetTypeID(kCFBooleanTrue) == CFBooleanGetTypeID());
    CHECK(CFBooleanGetTypeID() != CFNumberGetTypeID());
    CHECK(CFRetain(kCFBooleanTrue) == kCFBooleanTrue);
    CFRelease(kCFBooleanTrue);
    CFRelease(kCFBooleanTrue);
    CHECK(CFGetRetainCount(kCFBooleanTrue) >= 0x10000000L); /* immortal */
    CHECK(CFEqual(kCFBooleanTrue, kCFBooleanTrue));
    CHECK(!CFEqual(kCFBooleanTrue, kCFBooleanFalse));
    CHECK(CFHash(kCFBooleanTrue) != CFHash(kCFBooleanFalse));
    CHECK(CFBooleanGetValue(NULL) == FALSE);
    CHECK(CFBooleanGetValue((CFBooleanRef)CFSTR("true")) == FALSE);
    {
        Boolean b = 2;
        CHECK(vt_cf_get_bool(kCFBooleanTrue, &b) && b == TRUE);
        CHECK(vt_cf_get_bool(kCFBooleanFalse, &b) && b == FALSE);
        CHECK(!vt_cf_get_bool(NULL, &b));
        CHECK(!vt_cf_get_bool(CFSTR("x"), &b));
        CHECK(!vt_cf_get_bool(kCFBooleanTrue, NULL));
    }
}

/* Every type round-trips through its own type, with the canonical type and
 * byte size reported. */
static void test_all_types(void) {
    SInt8 i8 = -100;
    SInt16 i16 = -30000;
    SInt32 i32 = -2000000000;
    SInt64 i64 = INT64_MIN + 5;
    Float32 f32 = 1.25f;
    Float64 f64 = -3.5e300;
    char c = 'x';
    short sh = 1234;
    int in = 77;
    long lo = -5;
    long long ll = 1LL << 40;
    float fl = 0.5f;
    double db = 0.1;
    CFIndex ix = 123456789;
    long nsi = -99;
    double cgf = 2.75;
    struct {
        CFNumberType type;
        const void *value;
        size_t size;
        CFNumberType canonical;
        Boolean is_float;
    } cases[] = {
        {kCFNumberSInt8Type, &i8, 1, kCFNumberSInt8Type, FALSE},
        {kCFNumberSInt16Type, &i16, 2, kCFNumberSInt16Type, FALSE},
        {kCFNumberSInt32Type, &i32, 4, kCFNumberSInt32Type, FALSE},
        {kCFNumberSInt64Type, &i64, 8, kCFNumberSInt64Type, FALSE},
        {kCFNumberFloat32Type, &f32, 4, kCFNumberFloat32Type, TRUE},
        {kCFNumberFloat64Type, &f64, 8, kCFNumberFloat64Type, TRUE},
        {kCFNumberCharType, &c, 1, kCFNumberSInt8Type, FALSE},
        {kCFNumberShortType, &sh, 2, kCFNumberSInt16Type, FALSE},
        {kCFNumberIntType, &in, 4, kCFNumberSInt32Type, FALSE},
        {kCFNumberLongType, &lo, sizeof(long), kCFNumberSInt64Type, FALSE},
        {kCFNumberLongLongType, &ll, 8, kCFNumberSInt64Type, FALSE},
        {kCFNumberFloatType, &fl, 4, kCFNumberFloat32Type, TRUE},
        {kCFNumberDoubleType, &db, 8, kCFNumberFloat64Type, TRUE},
        {kCFNumberCFIndexType, &ix, sizeof(CFIndex), kCFNumberSInt64Type, FALSE},
        {kCFNumberNSIntegerType, &nsi, sizeof(long), kCFNumberSInt64Type, FALSE},
        {kCFNumberCGFloatType, &cgf, 8, kCFNumberFloat64Type, TRUE},
    };
    size_t i;
    CHECK_EQ_INT(sizeof(cases) / sizeof(cases[0]), kCFNumberMaxType);
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        unsigned char out[8] = {0};
        CFNumberRef n = num(cases[i].type, cases[i].value);
        if (!n)
            continue;
        CHECK(CFGetTypeID(n) == CFNumberGetTypeID());
        CHECK_EQ_INT(CFNumberGetType(n), cases[i].canonical);
        CHECK_EQ_INT(CFNumberGetByteSize(n), (CFIndex)cases[i].size);
        CHECK_EQ_INT(CFNumberIsFloatType(n), cases[i].is_float);
        CHECK_MSG(CFNumberGetValue(n, cases[i].type, out), "type %d", (int)cases[i].type);
        CHECK_MSG(memcmp(out, cases[i].value, cases[i].size) == 0, "type %d", (int)cases[i].type);
        CHECK_EQ_INT(CFGetRetainCount(n), 1);
        CFRelease(n);
    }
    /* Invalid types. */
    CHECK(CFNumberCreate(NULL, (CFNumberType)0, &i32) == NULL);
    CHECK(CFNumberCreate(NULL, (CFNumberType)17, &i32) == NULL);
    CHECK(CFNumberCreate(NULL, (CFNumberType)-1, &i32) == NULL);
    CHECK(CFNumberCreate(NULL, kCFNumberSInt32Type, NULL) == NULL);
    {
        CFNumberRef n = num(kCFNumberSInt32Type, &i32);
        SInt32 out = 0;
        CHECK(!CFNumberGetValue(n, (CFNumberType)99, &out));
        CHECK(!CFNumberGetValue(n, kCFNumberSInt32Type, NULL));
        CFRelease(n);
    }
}

static void test_integer_edges(void) {
    SInt64 big = (SInt64)INT32_MAX + 1, small = (SInt64)INT32_MIN - 1, v64;
    SInt32 v32 = 0;
    SInt16 v16 = 0;
    SInt8 v8 = 0;
    CFNumberRef n;

    n = num(kCFNumberSInt64Type, &big);
    CHECK(!CFNumberGetValue(n, kCFNumberSInt32Type, &v32));
    CHECK_EQ_INT(v32, INT32_MAX); /* saturated */
    CHECK(CFNumberGetValue(n, kCFNumberSInt64Type, &v64) && v64 == big);
    CHECK(!CFNumberGetValue(n, kCFNumberSInt8Type, &v8));
    CHECK_EQ_INT(v8, 127);
    CFRelease(n);

    n = num(kCFNumberSInt64Type, &small);
    CHECK(!CFNumberGetValue(n, kCFNumberSInt32Type, &v32));
    CHECK_EQ_INT(v32, INT32_MIN);
    CHECK(!CFNumberGetValue(n, kCFNumberSInt16Type, &v16));
    CHECK_EQ_INT(v16, INT16_MIN);
    CFRelease(n);

    /* SInt8 range: -128..127 exactly. */
    {
        SInt32 vals[] = {-129, -128, 127, 128, -1, 0};
        Boolean ok[] = {FALSE, TRUE, TRUE, FALSE, TRUE, TRUE};
        SInt8 expect[] = {-128, -128, 127, 127, -1, 0};
        size_t i;
        for (i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
            n = num(kCFNumberSInt32Type, &vals[i]);
            v8 = 55;
            CHECK_MSG(CFNumberGetValue(n, kCFNumberSInt8Type, &v8) == ok[i], "value %d",
                      (int)vals[i]);
            CHECK_EQ_INT(v8, expect[i]);
            CFRelease(n);
        }
    }

    /* Exact INT32 bounds convert without loss. */
    v32 = INT32_MAX;
    n = num(kCFNumberSInt32Type, &v32);
    CHECK(CFNumberGetValue(n, kCFNumberSInt64Type, &v64) && v64 == INT32_MAX);
    {
        double d = 0;
        float f = 0;
        CHECK(CFNumberGetValue(n, kCFNumberFloat64Type, &d) && d == 2147483647.0);
        /* 2^31-1 is not representable as a float. */
        CHECK(!CFNumberGetValue(n, kCFNumberFloat32Type, &f));
        CHECK(f == 2147483648.0f);
    }
    CFRelease(n);

    /* Int64 extremes to double: 2^53+1 loses precision. */
    v64 = (1LL << 53) + 1;
    n = num(kCFNumberSInt64Type, &v64);
    {
        double d;
        CHECK(!CFNumberGetValue(n, kCFNumberFloat64Type, &d));
        CHECK(d == 9007199254740992.0);
    }
    CFRelease(n);
    v64 = INT64_MAX;
    n = num(kCFNumberSInt64Type, &v64);
    {
        double d;
        SInt64 back;
        CHECK(!CFNumberGetValue(n, kCFNumberFloat64Type, &d));
        CHECK(CFNumberGetValue(n, kCFNumberLongLongType, &back) && back == INT64_MAX);
    }
    CFRelease(n);
}

static void test_float_edges(void) {
    double d;
    float f;
    SInt32 v32;
    SInt64 v64;
    SInt8 v8;
    CFNumberRef n;

    d = 1.5;
    n = num(kCFNumberFloat64Type, &d);
    CHECK(!CFNumberGetValue(n, kCFNumberSInt32Type, &v32)); /* fraction lost */
    CHECK_EQ_INT(v32, 1);
    CHECK(CFNumberGetValue(n, kCFNumberFloat32Type, &f) && f == 1.5f);
    CFRelease(n);

    d = -1.5;
    n = num(kCFNumberFloat64Type, &d);
    CHECK(!CFNumberGetValue(n, kCFNumberSInt32Type, &v32));
    CHECK_EQ_INT(v32, -1); /* truncation toward zero */
    CFRelease(n);

    d = 3.0;
    n = num(kCFNumberFloat64Type, &d);
    CHECK(CFNumberGetValue(n, kCFNumberSInt32Type, &v32) && v32 == 3);
    CFRelease(n);

    d = NAN;
    n = num(kCFNumberFloat64Type, &d);
    v32 = 99;
    CHECK(!CFNumberGetValue(n, kCFNumberSInt32Type, &v32));
    CHECK_EQ_INT(v32, 0);
    CHECK(!CFNumberGetValue(n, kCFNumberSInt64Type, &v64));
    CHECK_EQ_INT(v64, 0);
    CHECK(CFNumberGetValue(n, kCFNumberFloat32Type, &f) && isnan(f));
    CHECK(CFNumberGetValue(n, kCFNumberFloat64Type, &d) && isnan(d));
    CFRelease(n);

    d = INFINITY;
    n = num(kCFNumberFloat64Type, &d);
    CHECK(!CFNumberGetValue(n, kCFNumberSInt32Type, &v32));
    CHECK_EQ_INT(v32, INT32_MAX);
    CHECK(!CFNumberGetValue(n, kCFNumberSInt64Type, &v64));
    CHECK(v64 == INT64_MAX);
    CHECK(CFNumberGetValue(n, kCFNumberFloat32Type, &f) && isinf(f) && f > 0);
    CFRelease(n);

    d = -1e30;
    n = num(kCFNumberFloat64Type, &d);
    CHECK(!CFNumberGetValue(n, kCFNumberSInt64Type, &v64));
    CHECK(v64 == INT64_MIN);
    CHECK(!CFNumberGetValue(n, kCFNumberSInt8Type, &v8));
    CHECK_EQ_INT(v8, -128);
    /* In float range, but not exactly representable: rounded, lossy. */
    CHECK(!CFNumberGetValue(n, kCFNumberFloat32Type, &f));
    CHECK(f == -1e30f);
    CFRelease(n);

    /* 2^63 as a double does not fit an SInt64; -2^63 does. */
    d = 9223372036854775808.0;
    n = num(kCFNumberFloat64Type, &d);
    CHECK(!CFNumberGetValue(n, kCFNumberSInt64Type, &v64) && v64 == INT64_MAX);
    CFRelease(n);
    d = -9223372036854775808.0;
    n = num(kCFNumberFloat64Type, &d);
    CHECK(CFNumberGetValue(n, kCFNumberSInt64Type, &v64) && v64 == INT64_MIN);
    CFRelease(n);

    /* float <-> double. */
    d = 0.1;
    n = num(kCFNumberFloat64Type, &d);
    CHECK(!CFNumberGetValue(n, kCFNumberFloat32Type, &f)); /* precision lost */
    CHECK(f == 0.1f);
    CFRelease(n);
    d = 1e300;
    n = num(kCFNumberFloat64Type, &d);
    CHECK(!CFNumberGetValue(n, kCFNumberFloat32Type, &f));
    CHECK(f == FLT_MAX); /* saturated */
    CFRelease(n);
    f = 0.1f;
    n = num(kCFNumberFloat32Type, &f);
    CHECK(CFNumberGetValue(n, kCFNumberFloat64Type, &d) && d == (double)0.1f);
    CHECK(CFNumberGetValue(n, kCFNumberFloatType, &f) && f == 0.1f);
    CFRelease(n);
}

static void test_compare_equal_hash(void) {
    SInt32 five32 = 5;
    SInt8 five8 = 5;
    double five_d = 5.0, five_half = 5.5, nan_d = NAN, neg_zero = -0.0;
    float five_f = 5.0f;
    SInt64 six = 6, zero = 0, big = INT64_MAX;
    double big_d = 9223372036854775807.0; /* rounds to 2^63 */
    CFNumberRef a = num(kCFNumberSInt32Type, &five32);
    CFNumberRef b = num(kCFNumberFloat64Type, &five_d);
    CFNumberRef c = num(kCFNumberSInt8Type, &five8);
    CFNumberRef f = num(kCFNumberFloat32Type, &five_f);
    CFNumberRef h = num(kCFNumberFloat64Type, &five_half);
    CFNumberRef s = num(kCFNumberSInt64Type, &six);
    CFNumberRef nan1 = num(kCFNumberFloat64Type, &nan_d);
    CFNumberRef nan2 = num(kCFNumberFloat64Type, &nan_d);
    CFNumberRef z = num(kCFNumberSInt64Type, &zero);
    CFNumberRef nz = num(kCFNumberFloat64Type, &neg_zero);
    CFNumberRef bi = num(kCFNumberSInt64Type, &big);
    CFNumberRef bd = num(kCFNumberFloat64Type, &big_d);

    CHECK(CFEqual(a, b));
    CHECK(CFEqual(b, a));
    CHECK(CFEqual(a, c));
    CHECK(CFEqual(a, f));
    CHECK(CFHash(a) == CFHash(b));
    CHECK(CFHash(a) == CFHash(c));
    CHECK(CFHash(a) == CFHash(f));
    CHECK(!CFEqual(a, h));
    CHECK(!CFEqual(a, s));
    CHECK(CFEqual(z, nz));
    CHECK(CFHash(z) == CFHash(nz));
    CHECK(CFEqual(nan1, nan2));
    CHECK(CFHash(nan1) == CFHash(nan2));
    CHECK(!CFEqual(bi, bd)); /* INT64_MAX < 2^63 exactly */
    CHECK(!CFEqual(a, kCFBooleanTrue));

    CHECK_EQ_INT(CFNumberCompare(a, b, NULL), kCFCompareEqualTo);
    CHECK_EQ_INT(CFNumberCompare(a, h, NULL), kCFCompareLessThan);
    CHECK_EQ_INT(CFNumberCompare(h, a, NULL), kCFCompareGreaterThan);
    CHECK_EQ_INT(CFNumberCompare(h, s, NULL), kCFCompareLessThan);
    CHECK_EQ_INT(CFNumberCompare(s, h, NULL), kCFCompareGreaterThan);
    CHECK_EQ_INT(CFNumberCompare(bi, bd, NULL), kCFCompareLessThan);
    CHECK_EQ_INT(CFNumberCompare(bd, bi, NULL), kCFCompareGreaterThan);
    CHECK_EQ_INT(CFNumberCompare(nan1, a, NULL), kCFCompareLessThan);
    CHECK_EQ_INT(CFNumberCompare(a, nan1, NULL), kCFCompareGreaterThan);
    CHECK_EQ_INT(CFNumberCompare(nan1, nan2, NULL), kCFCompareEqualTo);
    CHECK_EQ_INT(CFNumberCompare(NULL, a, NULL), kCFCompareLessThan);
    CHECK_EQ_INT(CFNumberCompare(a, NULL, NULL), kCFCompareGreaterThan);

    /* Descriptions (used by %@). */
    {
        CFStringRef d1 = CFCopyDescription(a), d2 = CFCopyDescription(h);
        CHECK(d1 && strcmp(vt_cfstring_cstr(d1), "5") == 0);
        CHECK(d2 && strcmp(vt_cfstring_cstr(d2), "5.5") == 0);
        if (d1)
            CFRelease(d1);
        if (d2)
            CFRelease(d2);
    }

    CFRelease(a);
    CFRelease(b);
    CFRelease(c);
    CFRelease(f);
    CFRelease(h);
    CFRelease(s);
    CFRelease(nan1);
    CFRelease(nan2);
    CFRelease(z);
    CFRelease(nz);
    CFRelease(bi);
    CFRelease(bd);
}

static void test_internal_readers(void) {
    int32_t i32 = 0;
    int64_t i64 = 0;
    double d = 0;
    CFNumberRef n = vt_cf_number_double(2.75);
    CFNumberRef m = vt_cf_number_int64((int64_t)1 << 40);
    CFNumberRef k = vt_cf_number_int32(-3);
    CHECK(n && m && k);
    CHECK(vt_cf_get_int32(n, &i32) && i32 == 2); /* lossy allowed */
    CHECK(vt_cf_get_double(n, &d) && d == 2.75);
    CHECK(vt_cf_get_int64(m, &i64) && i64 == (int64_t)1 << 40);
    CHECK(vt_cf_get_int32(m, &i32) && i32 == INT32_MAX);
    CHECK(vt_cf_get_int32(k, &i32) && i32 == -3);
    CHECK(vt_cf_get_double(k, &d) && d == -3.0);
    CHECK(!vt_cf_get_int32(NULL, &i32));
    CHECK(!vt_cf_get_int32(kCFBooleanTrue, &i32));
    CHECK(!vt_cf_get_int64(CFSTR("5"), &i64));
    CHECK(!vt_cf_get_double(NULL, &d));
    CHECK(!vt_cf_get_double(n, NULL));
    CHECK_EQ_INT(CFNumberGetType(n), kCFNumberFloat64Type);
    CHECK_EQ_INT(CFNumberGetType(m), kCFNumberSInt64Type);
    CHECK_EQ_INT(CFNumberGetType(k), kCFNumberSInt32Type);
    CFRelease(n);
    CFRelease(m);
    CFRelease(k);
}

static void test_null_arguments(void) {
    SInt32 v = 0;
    CHECK_EQ_INT(CFNumberGetType(NULL), 0);
    CHECK_EQ_INT(CFNumberGetByteSize(NULL), 0);
    CHECK(!CFNumberIsFloatType(NULL));
    CHECK(!CFNumberGetValue(NULL, kCFNumberSInt32Type, &v));
    CHECK(!CFNumberGetValue((CFNumberRef)kCFBooleanTrue, kCFNumberSInt32Type, &v));
    CHECK_EQ_INT(CFNumberCompare(NULL, NULL, NULL), kCFCompareEqualTo);
}

int main(void) {
    test_booleans();
    test_all_types();
    test_integer_edges();
    test_float_edges();
    test_compare_equal_hash();
    test_internal_readers();
    test_null_arguments();
    return vt_test_result();
}
