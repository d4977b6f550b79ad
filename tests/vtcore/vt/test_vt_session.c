/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The table-driven property engine and the VTSession* dispatch, exercised
 * through a test-only session class with one row of every kind. The main
 * walk is driven by a table of expectations (one entry per row): default
 * readback, valid value + readback, NULL restores the default, wrong CF
 * type, out of range, read-only, key given as a created string.
 */
#include <math.h>
#include <pthread.h>

#include <VideoToolbox/VTErrors.h>
#include <VideoToolbox/VTSession.h>
#include <vtcore/vtcore.h>

#include "cf/cf_internal.h"
#include "vt/property.h"
#include "vt/session.h"
#include "vt_test.h"

/* ---- the test session class ---- */

VT_DEFINE_CONST_STRING(kTestKey_Flag, "Flag");
VT_DEFINE_CONST_STRING(kTestKey_OptFlag, "OptFlag");
VT_DEFINE_CONST_STRING(kTestKey_Count, "Count");
VT_DEFINE_CONST_STRING(kTestKey_OptCount, "OptCount");
VT_DEFINE_CONST_STRING(kTestKey_Big, "Big");
VT_DEFINE_CONST_STRING(kTestKey_Ratio, "Ratio");
VT_DEFINE_CONST_STRING(kTestKey_OptRatio, "OptRatio");
VT_DEFINE_CONST_STRING(kTestKey_Mode, "Mode");
VT_DEFINE_CONST_STRING(kTestKey_OptMode, "OptMode");
VT_DEFINE_CONST_STRING(kTestKey_Limits, "Limits");
VT_DEFINE_CONST_STRING(kTestKey_Blob, "Blob");
VT_DEFINE_CONST_STRING(kTestKey_Any, "Any");
VT_DEFINE_CONST_STRING(kTestKey_ReadOnly, "ReadOnly");
VT_DEFINE_CONST_STRING(kTestKey_Computed, "Computed");
VT_DEFINE_CONST_STRING(kTestKey_Hidden, "Hidden");
VT_DEFINE_CONST_STRING(kTestKey_Extra, "Extra");

VT_DEFINE_CONST_STRING(kTestMode_A, "ModeA");
VT_DEFINE_CONST_STRING(kTestMode_B, "ModeB");
VT_DEFINE_CONST_STRING(kTestMode_BAlias, "ModeBAlias");

typedef struct TestConfig {
    Boolean flag;
    VTOptBool opt_flag;
    int32_t count;
    VTOptInt32 opt_count;
    int64_t big;
    double ratio;
    VTOptDouble opt_ratio;
    int32_t mode;
    VTOptInt32 opt_mode;
    CFTypeRef limits;
    CFTypeRef blob;
    CFTypeRef any;
    int32_t read_only;
    int32_t hidden;
    int32_t extra;
    int32_t shadowed;
} TestConfig;

typedef struct TestSession {
    VTSessionBase base;
    TestConfig config;
    int will_set_calls;
    int did_set_calls;
    int computed;
} TestSession;

enum { CAP_A = 1u << 0, CAP_B = 1u << 1 };

static const VTPropEnum test_modes[] = {
    {&kTestMode_A, 1},
    {&kTestMode_B, 2},
    {&kTestMode_BAlias, 2},
    {NULL, 0},
};

static OSStatus get_computed(VTSessionBase *s, const VTPropertySpec *row, CFTypeRef *out) {
    (void)row;
    *out = vt_cf_number_int32(((TestSession *)s)->computed);
    return *out ? noErr : kVTAllocationFailedErr;
}

#define CFG(f) offsetof(TestConfig, f)

/* clang-format off */
static const VTPropertySpec test_rows[] = {
    {.key = &kTestKey_Flag, .kind = VT_PROP_BOOL, .offset = CFG(flag), .def = 1,
     .flags = VT_PROP_SERIALIZABLE, .doc = "a boolean"},
    {.key = &kTestKey_OptFlag, .kind = VT_PROP_BOOL, .offset = CFG(opt_flag),
     .flags = VT_PROP_NULLABLE | VT_PROP_SERIALIZABLE},
    {.key = &kTestKey_Count, .kind = VT_PROP_INT32, .offset = CFG(count), .min = 0, .max = 100,
     .def = 10, .flags = VT_PROP_LIVE | VT_PROP_SERIALIZABLE, .caps = CAP_A},
    {.key = &kTestKey_OptCount, .kind = VT_PROP_INT32, .offset = CFG(opt_count), .def = -1,
     .flags = VT_PROP_NULLABLE},
    {.key = &kTestKey_Big, .kind = VT_PROP_INT64, .offset = CFG(big), .min = -1, .max = 1e12,
     .def = -1},
    {.key = &kTestKey_Ratio, .kind = VT_PROP_DOUBLE, .offset = CFG(ratio), .min = 0, .max = 1,
     .def = 0.5, .flags = VT_PROP_LIVE | VT_PROP_SERIALIZABLE},
    {.key = &kTestKey_OptRatio, .kind = VT_PROP_DOUBLE, .offset = CFG(opt_ratio),
     .flags = VT_PROP_NULLABLE},
    {.key = &kTestKey_Mode, .kind = VT_PROP_ENUM, .offset = CFG(mode), .enums = test_modes,
     .def = 1, .flags = VT_PROP_SERIALIZABLE},
    {.key = &kTestKey_OptMode, .kind = VT_PROP_ENUM, .offset = CFG(opt_mode),
     .enums = test_modes, .flags = VT_PROP_NULLABLE},
    {.key = &kTestKey_Limits, .kind = VT_PROP_CFTYPE, .offset = CFG(limits),
     .type_id = VT_TYPE_ID_ARRAY, .min = 0, .max = 4,
     .validate = vt_prop_validate_even_number_array, .flags = VT_PROP_SERIALIZABLE},
    {.key = &kTestKey_Blob, .kind = VT_PROP_CFTYPE, .offset = CFG(blob),
     .type_id = VT_TYPE_ID_DATA, .min = 4, .max = 4},
    {.key = &kTestKey_Any, .kind = VT_PROP_CFTYPE, .offset = CFG(any)},
    {.key = &kTestKey_ReadOnly, .kind = VT_PROP_INT32, .offset = CFG(read_only), .def = 7,
     .flags = VT_PROP_READONLY | VT_PROP_SERIALIZABLE},
    {.key = &kTestKey_Computed, .kind = VT_PROP_INT32, .offset = VT_PROP_NO_STORAGE,
     .flags = VT_PROP_READONLY, .get = get_computed},
    {.key = &kTestKey_Hidden, .kind = VT_PROP_INT32, .offset = CFG(hidden), .caps = CAP_B},
};
/* A second table: keys are looked up across tables; a repeated key is
 * shadowed by the first table. */
static const VTPropertySpec extra_rows[] = {
    {.key = &kTestKey_Extra, .kind = VT_PROP_INT32, .offset = CFG(extra), .def = 3},
    {.key = &kTestKey_Flag, .kind = VT_PROP_INT32, .offset = CFG(shadowed)},
};
/* clang-format on */

VT_PROP_TABLE_DEFINE_STATIC(test_table, test_rows);
VT_PROP_TABLE_DEFINE_STATIC(extra_table, extra_rows);

static void *test_config(VTSessionBase *s) {
    return &((TestSession *)s)->config;
}

/* Hooks: will_set refuses Count = 42, and non-live rows once started;
 * did_set fails for Count = 13 and for Any = kVetoValue (rollback). */
static CFStringRef veto_value;

static OSStatus test_will_set(VTSessionBase *s, const VTPropertySpec *row, CFTypeRef value) {
    int32_t v;
    ((TestSession *)s)->will_set_calls++;
    if (s->started && !(row->flags & VT_PROP_LIVE))
        return kVTPropertyNotSupportedErr;
    if (*row->key == kTestKey_Count && value && vt_cf_get_int32(value, &v) && v == 42)
        return kVTPropertyNotSupportedErr;
    return noErr;
}

static OSStatus test_did_set(VTSessionBase *s, const VTPropertySpec *row) {
    TestSession *t = (TestSession *)s;
    t->did_set_calls++;
    if (*row->key == kTestKey_Count && t->config.count == 13)
        return kVTVideoEncoderMalfunctionErr;
    if (*row->key == kTestKey_Any && t->config.any && CFEqual(t->config.any, veto_value))
        return kVTVideoEncoderMalfunctionErr;
    return noErr;
}

static void test_finalize(CFTypeRef obj) {
    vt_session_base_finalize((VTSessionBase *)obj);
}

static const VTSessionClass test_class = {
    .base = {.name = "TestSession",
             .type_id = VT_TYPE_ID_PIXEL_ROTATION_SESSION,
             .finalize = test_finalize},
    .tables = (const VTPropertyTable *const[]){&test_table, &extra_table},
    .n_tables = 2,
    .config = test_config,
    .will_set = test_will_set,
    .did_set = test_did_set,
};

/* Same rows, no hooks. */
static const VTSessionClass plain_class = {
    .base = {.name = "PlainSession",
             .type_id = VT_TYPE_ID_PIXEL_TRANSFER_SESSION,
             .finalize = test_finalize},
    .tables = (const VTPropertyTable *const[]){&test_table},
    .n_tables = 1,
    .config = test_config,
};

static TestSession *session_new(const VTSessionClass *klass, uint32_t caps) {
    TestSession *s = vt_object_alloc(&klass->base, sizeof(TestSession));
    if (!s)
        return NULL;
    if (vt_session_base_init(&s->base, klass, caps) != noErr) {
        CFRelease(s);
        return NULL;
    }
    return s;
}

/* ---- CF helpers ---- */

static CFNumberRef num_i32(int32_t v) {
    return CFNumberCreate(NULL, kCFNumberSInt32Type, &v);
}
static CFNumberRef num_i64(int64_t v) {
    return CFNumberCreate(NULL, kCFNumberSInt64Type, &v);
}
static CFNumberRef num_f64(double v) {
    return CFNumberCreate(NULL, kCFNumberFloat64Type, &v);
}
static CFStringRef str(const char *s) {
    return CFStringCreateWithCString(NULL, s, kCFStringEncodingUTF8);
}
static CFArrayRef array_of(CFIndex n, const CFTypeRef *values) {
    return CFArrayCreate(NULL, (const void **)values, n, &kCFTypeArrayCallBacks);
}
static CFDataRef data_of(CFIndex n) {
    static const UInt8 bytes[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    return CFDataCreate(NULL, bytes, n);
}

static Boolean cf_equal_or_null(CFTypeRef a, CFTypeRef b) {
    if (!a || !b)
        return a == b;
    return CFEqual(a, b);
}

static void release_if(CFTypeRef cf) {
    if (cf)
        CFRelease(cf);
}

/* ---- the row walk ---- */

typedef struct RowCase {
    const CFStringRef *key;
    Boolean read_only;
    CFTypeRef def;          /* expected default readback (NULL = no value) */
    CFTypeRef valid;        /* a valid value */
    CFTypeRef valid_back;   /* its readback */
    CFTypeRef wrong_type;   /* a value of the wrong CF type (NULL: none) */
    CFTypeRef out_of_range; /* NULL: the row has no range */
} RowCase;

static void walk_row(VTSessionRef session, const RowCase *c) {
    const char *name = vt_cfstring_cstr(*c->key);
    CFTypeRef v = NULL;
    CFStringRef created_key;

    CHECK_STATUS(VTSessionCopyProperty(session, *c->key, NULL, &v), noErr);
    CHECK_MSG(cf_equal_or_null(v, c->def), "%s: default readback", name);
    release_if(v);

    if (c->read_only) {
        CHECK_STATUS(VTSessionSetProperty(session, *c->key, c->valid), kVTPropertyReadOnlyErr);
        CHECK_STATUS(VTSessionSetProperty(session, *c->key, NULL), kVTPropertyReadOnlyErr);
        if (c->wrong_type) /* read-only is reported before the type */
            CHECK_STATUS(VTSessionSetProperty(session, *c->key, c->wrong_type),
                         kVTPropertyReadOnlyErr);
        return;
    }

    CHECK_STATUS(VTSessionSetProperty(session, *c->key, c->valid), noErr);
    v = NULL;
    CHECK_STATUS(VTSessionCopyProperty(session, *c->key, NULL, &v), noErr);
    CHECK_MSG(cf_equal_or_null(v, c->valid_back), "%s: valid readback", name);
    release_if(v);

    if (c->wrong_type) {
        CHECK_STATUS(VTSessionSetProperty(session, *c->key, c->wrong_type), kVTParameterErr);
        v = NULL; /* unchanged */
        CHECK_STATUS(VTSessionCopyProperty(session, *c->key, NULL, &v), noErr);
        CHECK_MSG(cf_equal_or_null(v, c->valid_back), "%s: kept after wrong type", name);
        release_if(v);
    }
    if (c->out_of_range) {
        CHECK_STATUS(VTSessionSetProperty(session, *c->key, c->out_of_range), kVTParameterErr);
        v = NULL;
        CHECK_STATUS(VTSessionCopyProperty(session, *c->key, NULL, &v), noErr);
        CHECK_MSG(cf_equal_or_null(v, c->valid_back), "%s: kept after out of range", name);
        release_if(v);
    }

    CHECK_STATUS(VTSessionSetProperty(session, *c->key, NULL), noErr);
    v = NULL;
    CHECK_STATUS(VTSessionCopyProperty(session, *c->key, NULL, &v), noErr);
    CHECK_MSG(cf_equal_or_null(v, c->def), "%s: NULL restores the default", name);
    release_if(v);

    /* A key with the same contents, created at run time. */
    created_key = str(name);
    CHECK_STATUS(VTSessionSetProperty(session, created_key, c->valid), noErr);
    v = NULL;
    CHECK_STATUS(VTSessionCopyProperty(session, created_key, NULL, &v), noErr);
    CHECK_MSG(cf_equal_or_null(v, c->valid_back), "%s: created key", name);
    release_if(v);
    v = NULL;
    CHECK_STATUS(VTSessionCopyProperty(session, *c->key, NULL, &v), noErr);
    CHECK_MSG(cf_equal_or_null(v, c->valid_back), "%s: created key stores", name);
    release_if(v);
    CHECK_STATUS(VTSessionSetProperty(session, created_key, NULL), noErr);
    CFRelease(created_key);
}

static void test_row_walk(void) {
    TestSession *s = session_new(&plain_class, CAP_A);
    CFNumberRef n0 = num_i32(0), n1 = num_i32(1), n7 = num_i32(7), n10 = num_i32(10),
                n55 = num_i32(55), n101 = num_i32(101), nm1 = num_i32(-1), n12 = num_i32(12);
    CFNumberRef big = num_i64(5000000000LL), big_over = num_i64(2000000000000LL);
    CFNumberRef f05 = num_f64(0.5), f025 = num_f64(0.25), f15 = num_f64(1.5),
                f_huge = num_f64(1e10);
    CFTypeRef limit_vals[] = {n10, n1};
    CFArrayRef limits = array_of(2, limit_vals);
    CFTypeRef odd_vals[] = {n10, n1, n7};
    CFArrayRef odd = array_of(3, odd_vals);
    CFDataRef blob4 = data_of(4), blob5 = data_of(5);
    CFStringRef text = str("hello");
    size_t i;

    CHECK(s != NULL);
    if (!s)
        return;
    {
        /* clang-format off */
        const RowCase cases[] = {
            /* key                 RO     default          valid       readback        wrong type  range */
            {&kTestKey_Flag,      FALSE, kCFBooleanTrue,  kCFBooleanFalse, kCFBooleanFalse, text, NULL},
            {&kTestKey_OptFlag,   FALSE, NULL,            kCFBooleanTrue,  kCFBooleanTrue,  text, n7},
            {&kTestKey_Count,     FALSE, n10,             n55,        n55,            kCFBooleanTrue, n101},
            {&kTestKey_OptCount,  FALSE, NULL,            nm1,        nm1,            text,       f_huge},
            {&kTestKey_Big,       FALSE, nm1,             big,        big,            text,       big_over},
            {&kTestKey_Ratio,     FALSE, f05,             f025,       f025,           text,       f15},
            {&kTestKey_OptRatio,  FALSE, NULL,            f15,        f15,            text,       NULL},
            {&kTestKey_Mode,      FALSE, kTestMode_A,     kTestMode_B, kTestMode_B,   n1,         text},
            {&kTestKey_OptMode,   FALSE, NULL,            kTestMode_BAlias, kTestMode_B, n1,      text},
            {&kTestKey_Limits,    FALSE, NULL,            limits,     limits,         n1,         odd},
            {&kTestKey_Blob,      FALSE, NULL,            blob4,      blob4,          text,       blob5},
            {&kTestKey_Any,       FALSE, NULL,            text,       text,           NULL,       NULL},
            {&kTestKey_ReadOnly,  TRUE,  n7,              n1,         NULL,           text,       NULL},
            {&kTestKey_Computed,  TRUE,  n0,              n12,        NULL,           NULL,       NULL},
        };
        /* clang-format on */
        for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
            walk_row((VTSessionRef)s, &cases[i]);
        /* Every visible row of the table was walked. */
        CHECK_EQ_INT(sizeof(cases) / sizeof(cases[0]), test_table.count - 1);
    }

    CFRelease(s);
    CFRelease(n0), CFRelease(n1), CFRelease(n7), CFRelease(n10), CFRelease(n55);
    CFRelease(n101), CFRelease(nm1), CFRelease(n12), CFRelease(big), CFRelease(big_over);
    CFRelease(f05), CFRelease(f025), CFRelease(f15), CFRelease(f_huge);
    CFRelease(limits), CFRelease(odd), CFRelease(blob4), CFRelease(blob5), CFRelease(text);
}

/* ---- conversions ---- */

static void check_count_accepts(VTSessionRef session, CFNumberType type, const void *value,
                                int32_t expect) {
    CFNumberRef n = CFNumberCreate(NULL, type, value);
    int32_t got = -12345;
    CFTypeRef v = NULL;
    CHECK_STATUS(VTSessionSetProperty(session, kTestKey_Count, n), noErr);
    CHECK_STATUS(VTSessionCopyProperty(session, kTestKey_Count, NULL, &v), noErr);
    CHECK(v != NULL && CFGetTypeID(v) == CFNumberGetTypeID());
    CHECK(vt_cf_get_int32(v, &got));
    CHECK_MSG(got == expect, "type %d: got %d expected %d", (int)type, got, expect);
    release_if(v);
    CFRelease(n);
}

static void test_conversions(void) {
    TestSession *s = session_new(&plain_class, CAP_A);
    VTSessionRef session = (VTSessionRef)s;
    int8_t i8 = 5;
    int16_t i16 = 6;
    int64_t i64 = 7;
    float f32 = 8.9f;
    double f64 = 99.99;
    long l = 11;
    CFNumberRef n;
    CFTypeRef v = NULL;
    double d = 0;

    CHECK(s != NULL);
    if (!s)
        return;
    /* Any CFNumberType; floats truncate toward zero. */
    check_count_accepts(session, kCFNumberSInt8Type, &i8, 5);
    check_count_accepts(session, kCFNumberSInt16Type, &i16, 6);
    check_count_accepts(session, kCFNumberSInt64Type, &i64, 7);
    check_count_accepts(session, kCFNumberFloat32Type, &f32, 8);
    check_count_accepts(session, kCFNumberDoubleType, &f64, 99);
    check_count_accepts(session, kCFNumberLongType, &l, 11);
    CHECK_EQ_INT(s->config.count, 11);

    /* Integers into a double row. */
    n = num_i32(1);
    CHECK_STATUS(VTSessionSetProperty(session, kTestKey_Ratio, n), noErr);
    CFRelease(n);
    CHECK_STATUS(VTSessionCopyProperty(session, kTestKey_Ratio, NULL, &v), noErr);
    CHECK(v && CFNumberIsFloatType(v) && vt_cf_get_double(v, &d) && d == 1.0);
    release_if(v);

    /* NaN is refused even without a range. */
    n = num_f64(NAN);
    CHECK_STATUS(VTSessionSetProperty(session, kTestKey_OptRatio, n), kVTParameterErr);
    CHECK_STATUS(VTSessionSetProperty(session, kTestKey_OptCount, n), kVTParameterErr);
    CFRelease(n);

    /* int32 storage bounds apply without a range; int64 rows hold more. */
    n = num_i64(5000000000LL);
    CHECK_STATUS(VTSessionSetProperty(session, kTestKey_OptCount, n), kVTParameterErr);
    CHECK_STATUS(VTSessionSetProperty(session, kTestKey_Big, n), noErr);
    CHECK(s->config.big == 5000000000LL);
    CFRelease(n);
    n = num_i32(INT32_MIN);
    CHECK_STATUS(VTSessionSetProperty(session, kTestKey_OptCount, n), noErr);
    CHECK(s->config.opt_count.set && s->config.opt_count.value == INT32_MIN);
    CFRelease(n);

    /* Booleans: CFBoolean, or a CFNumber holding exactly 0 or 1. */
    n = num_i32(0);
    CHECK_STATUS(VTSessionSetProperty(session, kTestKey_Flag, n), noErr);
    CHECK(s->config.flag == FALSE);
    CFRelease(n);
    n = num_f64(1.0);
    CHECK_STATUS(VTSessionSetProperty(session, kTestKey_Flag, n), noErr);
    CHECK(s->config.flag == TRUE);
    CFRelease(n);
    n = num_i32(2);
    CHECK_STATUS(VTSessionSetProperty(session, kTestKey_Flag, n), kVTParameterErr);
    CFRelease(n);
    v = NULL;
    CHECK_STATUS(VTSessionCopyProperty(session, kTestKey_Flag, NULL, &v), noErr);
    CHECK(v == kCFBooleanTrue); /* the singleton */
    release_if(v);

    /* Nullable storage: .set and the effective .value. */
    CHECK(!s->config.opt_count.set || s->config.opt_count.value == INT32_MIN);
    CHECK_STATUS(VTSessionSetProperty(session, kTestKey_OptCount, NULL), noErr);
    CHECK(!s->config.opt_count.set && s->config.opt_count.value == -1);
    CHECK_STATUS(VTSessionSetProperty(session, kTestKey_OptFlag, kCFBooleanFalse), noErr);
    CHECK(s->config.opt_flag.set && !s->config.opt_flag.value);

    /* Enumerations: literal and created strings, the internal value, and the
     * first string listed for an internal value on readback. */
    CHECK_STATUS(VTSessionSetProperty(session, kTestKey_Mode, CFSTR("ModeBAlias")), noErr);
    CHECK_EQ_INT(s->config.mode, 2);
    v = NULL;
    CHECK_STATUS(VTSessionCopyProperty(session, kTestKey_Mode, NULL, &v), noErr);
    CHECK(v == kTestMode_B);
    release_if(v);
    CHECK_STATUS(VTSessionSetProperty(session, kTestKey_Mode, CFSTR("modea")), kVTParameterErr);
    CHECK_EQ_INT(s->config.mode, 2);

    CFRelease(s);
}

/* ---- CF values: copies, validators, rollback ---- */

static void test_cf_values(void) {
    TestSession *s = session_new(&test_class, CAP_A);
    VTSessionRef session = (VTSessionRef)s;
    CFNumberRef n1 = num_i32(1), n2 = num_i32(2), neg = num_i32(-5);
    CFMutableArrayRef m = CFArrayCreateMutable(NULL, 0, &kCFTypeArrayCallBacks);
    CFTypeRef v = NULL;
    CFStringRef before = str("before");

    CHECK(s != NULL && m != NULL);
    if (!s || !m)
        return;
    /* Mutable values are copied: later mutation does not reach the session. */
    CFArrayAppendValue(m, n1);
    CFArrayAppendValue(m, n2);
    CHECK_STATUS(VTSessionSetProperty(session, kTestKey_Limits, m), noErr);
    CFArrayAppendValue(m, n1);
    CFArrayAppendValue(m, n2);
    CHECK_STATUS(VTSessionCopyProperty(session, kTestKey_Limits, NULL, &v), noErr);
    CHECK(v && CFArrayGetCount(v) == 2);
    CHECK(v != (CFTypeRef)m);
    release_if(v);
    /* Too many entries for the row's count range (4 max). */
    CFArrayAppendValue(m, n1);
    CFArrayAppendValue(m, n2);
    CHECK_STATUS(VTSessionSetProperty(session, kTestKey_Limits, m), kVTParameterErr);
    /* Validator: non-numbers and negative numbers. */
    {
        CFTypeRef vals1[] = {n1, CFSTR("x")};
        CFTypeRef vals2[] = {neg, n1};
        CFArrayRef a1 = array_of(2, vals1), a2 = array_of(2, vals2), empty = array_of(0, NULL);
        CHECK_STATUS(VTSessionSetProperty(session, kTestKey_Limits, a1), kVTParameterErr);
        CHECK_STATUS(VTSessionSetProperty(session, kTestKey_Limits, a2), kVTParameterErr);
        CHECK_STATUS(VTSessionSetProperty(session, kTestKey_Limits, empty), noErr);
        CFRelease(a1), CFRelease(a2), CFRelease(empty);
    }

    /* Non-property-list objects are retained, not copied. */
    {
        CFIndex rc = CFGetRetainCount(n2);
        CHECK_STATUS(VTSessionSetProperty(session, kTestKey_Any, n2), noErr);
        CHECK_EQ_INT(CFGetRetainCount(n2), rc + 1);
        CHECK_STATUS(VTSessionSetProperty(session, kTestKey_Any, NULL), noErr);
        CHECK_EQ_INT(CFGetRetainCount(n2), rc);
    }

    /* did_set failure rolls back (CF value and plain value). */
    veto_value = CFSTR("veto");
    CHECK_STATUS(VTSessionSetProperty(session, kTestKey_Any, before), noErr);
    CHECK_STATUS(VTSessionSetProperty(session, kTestKey_Any, CFSTR("veto")),
                 kVTVideoEncoderMalfunctionErr);
    v = NULL;
    CHECK_STATUS(VTSessionCopyProperty(session, kTestKey_Any, NULL, &v), noErr);
    CHECK(v && CFEqual(v, before));
    release_if(v);
    CHECK(vt_session_property_is_set(&s->base, kTestKey_Any));
    {
        CFNumberRef n13 = num_i32(13), n20 = num_i32(20);
        uint32_t seq;
        CHECK_STATUS(VTSessionSetProperty(session, kTestKey_Count, n20), noErr);
        seq = s->base.config_seq;
        CHECK_STATUS(VTSessionSetProperty(session, kTestKey_Count, n13),
                     kVTVideoEncoderMalfunctionErr);
        CHECK_EQ_INT(s->config.count, 20);
        CHECK(s->base.config_seq != seq); /* readers notice and re-read */
        CFRelease(n13), CFRelease(n20);
    }

    CFRelease(s);
    CFRelease(m), CFRelease(n1), CFRelease(n2), CFRelease(neg), CFRelease(before);
}

/* ---- hooks, started, force, caps, second table ---- */

static void test_hooks_and_caps(void) {
    TestSession *s = session_new(&test_class, CAP_A);
    VTSessionRef session = (VTSessionRef)s;
    CFNumberRef n42 = num_i32(42), n5 = num_i32(5), n99 = num_i32(99);
    CFTypeRef v = NULL;
    int calls;

    CHECK(s != NULL);
    if (!s)
        return;
    /* will_set veto. */
    CHECK_STATUS(VTSessionSetProperty(session, kTestKey_Count, n42), kVTPropertyNotSupportedErr);
    CHECK_EQ_INT(s->config.count, 10);
    CHECK(s->will_set_calls > 0);

    /* Once started, the hook refuses non-live rows; live ones still work. */
    vt_session_set_started(&s->base, TRUE);
    CHECK_STATUS(VTSessionSetProperty(session, kTestKey_Flag, kCFBooleanFalse),
                 kVTPropertyNotSupportedErr);
    CHECK_STATUS(VTSessionSetProperty(session, kTestKey_Count, n5), noErr);
    vt_session_set_started(&s->base, FALSE);
    CHECK_STATUS(VTSessionSetProperty(session, kTestKey_Flag, kCFBooleanFalse), noErr);

    /* Without hooks, a started session accepts every writable row. */
    {
        TestSession *p = session_new(&plain_class, CAP_A);
        CHECK(p != NULL);
        if (p) {
            vt_session_set_started(&p->base, TRUE);
            CHECK_STATUS(VTSessionSetProperty((VTSessionRef)p, kTestKey_Flag, kCFBooleanFalse),
                         noErr);
            CFRelease(p);
        }
    }

    /* Internal forced set: read-only rows, no hooks. */
    calls = s->will_set_calls + s->did_set_calls;
    CHECK_STATUS(vt_session_set_property(&s->base, kTestKey_ReadOnly, n99, VT_SESSION_SET_FORCE),
                 noErr);
    CHECK_EQ_INT(s->config.read_only, 99);
    CHECK_EQ_INT(s->will_set_calls + s->did_set_calls, calls);
    CHECK_STATUS(vt_session_set_property(&s->base, kTestKey_ReadOnly, n99, 0),
                 kVTPropertyReadOnlyErr);
    CHECK_STATUS(
        vt_session_set_property(&s->base, kTestKey_ReadOnly, CFSTR("x"), VT_SESSION_SET_FORCE),
        kVTParameterErr);

    /* Computed row. */
    s->computed = 77;
    CHECK_STATUS(VTSessionCopyProperty(session, kTestKey_Computed, NULL, &v), noErr);
    CHECK(v && vt_cf_get_int32(v, &calls) && calls == 77);
    release_if(v);

    /* Hidden by caps: unknown for every entry point. */
    v = NULL;
    CHECK_STATUS(VTSessionSetProperty(session, kTestKey_Hidden, n5), kVTPropertyNotSupportedErr);
    CHECK_STATUS(VTSessionCopyProperty(session, kTestKey_Hidden, NULL, &v),
                 kVTPropertyNotSupportedErr);
    CHECK(v == NULL);
    CHECK(vt_session_find_property(&s->base, kTestKey_Hidden) == NULL);
    CHECK(vt_session_find_property(&s->base, CFSTR("Count")) == &test_rows[2]);

    /* Second table; a key repeated there is shadowed by the first table. */
    CHECK_STATUS(VTSessionCopyProperty(session, kTestKey_Extra, NULL, &v), noErr);
    CHECK(v && vt_cf_get_int32(v, &calls) && calls == 3);
    release_if(v);
    CHECK(vt_session_find_property(&s->base, kTestKey_Flag) == &test_rows[0]);

    /* is_set tracking. */
    CHECK(vt_session_property_is_set(&s->base, kTestKey_Count));
    CHECK(!vt_session_property_is_set(&s->base, kTestKey_Ratio));
    CHECK_STATUS(VTSessionSetProperty(session, kTestKey_Count, NULL), noErr);
    CHECK(!vt_session_property_is_set(&s->base, kTestKey_Count));

    CFRelease(s);
    /* Count needs CAP_A: a session without it does not know the row. */
    s = session_new(&plain_class, 0);
    CHECK(s != NULL);
    if (s) {
        CHECK_STATUS(VTSessionSetProperty((VTSessionRef)s, kTestKey_Count, n5),
                     kVTPropertyNotSupportedErr);
        CFRelease(s);
    }
    CFRelease(n42), CFRelease(n5), CFRelease(n99);
}

/* ---- unknown keys, bad arguments, invalidation ---- */

static void test_arguments(void) {
    TestSession *s = session_new(&test_class, CAP_A);
    VTSessionRef session = (VTSessionRef)s;
    CFTypeRef v = (CFTypeRef)1;
    CFDictionaryRef d = (CFDictionaryRef)1;
    CFNumberRef n = num_i32(1);
    CFStringRef not_session = str("not a session");

    CHECK(s != NULL);
    if (!s)
        return;
    CHECK_STATUS(VTSessionSetProperty(session, CFSTR("NoSuchKey"), n), kVTPropertyNotSupportedErr);
    CHECK_STATUS(VTSessionSetProperty(session, CFSTR("NoSuchKey"), NULL),
                 kVTPropertyNotSupportedErr);
    CHECK_STATUS(VTSessionCopyProperty(session, CFSTR("NoSuchKey"), NULL, &v),
                 kVTPropertyNotSupportedErr);
    CHECK(v == NULL);

    CHECK_STATUS(VTSessionSetProperty(NULL, kTestKey_Count, n), kVTParameterErr);
    CHECK_STATUS(VTSessionSetProperty(not_session, kTestKey_Count, n), kVTParameterErr);
    CHECK_STATUS(VTSessionSetProperty(session, NULL, n), kVTParameterErr);
    CHECK_STATUS(VTSessionSetProperty(session, (CFStringRef)n, n), kVTParameterErr);
    v = (CFTypeRef)1;
    CHECK_STATUS(VTSessionCopyProperty(NULL, kTestKey_Count, NULL, &v), kVTParameterErr);
    CHECK(v == NULL);
    CHECK_STATUS(VTSessionCopyProperty(not_session, kTestKey_Count, NULL, &v), kVTParameterErr);
    CHECK_STATUS(VTSessionCopyProperty(session, NULL, NULL, &v), kVTParameterErr);
    CHECK_STATUS(VTSessionCopyProperty(session, kTestKey_Count, NULL, NULL), kVTParameterErr);
    CHECK_STATUS(VTSessionSetProperties(NULL, NULL), kVTParameterErr);
    CHECK_STATUS(VTSessionSetProperties(session, NULL), kVTParameterErr);
    CHECK_STATUS(VTSessionSetProperties(session, (CFDictionaryRef)n), kVTParameterErr);
    CHECK_STATUS(VTSessionCopySupportedPropertyDictionary(session, NULL), kVTParameterErr);
    CHECK_STATUS(VTSessionCopySupportedPropertyDictionary(NULL, &d), kVTParameterErr);
    CHECK(d == NULL);
    CHECK_STATUS(VTSessionCopySerializableProperties(session, NULL, NULL), kVTParameterErr);
    d = (CFDictionaryRef)1;
    CHECK_STATUS(VTSessionCopySerializableProperties(not_session, NULL, &d), kVTParameterErr);
    CHECK(d == NULL);

    /* Invalidation: every entry point reports it; values are released. */
    CHECK_STATUS(VTSessionSetProperty(session, kTestKey_Any, not_session), noErr);
    vt_session_base_invalidate(&s->base);
    vt_session_base_invalidate(&s->base); /* idempotent */
    CHECK(s->config.any == NULL);
    CHECK_STATUS(VTSessionSetProperty(session, kTestKey_Count, n), kVTInvalidSessionErr);
    CHECK_STATUS(VTSessionSetProperty(session, CFSTR("NoSuchKey"), n), kVTInvalidSessionErr);
    v = (CFTypeRef)1;
    CHECK_STATUS(VTSessionCopyProperty(session, kTestKey_Count, NULL, &v), kVTInvalidSessionErr);
    CHECK(v == NULL);
    {
        const void *keys[] = {kTestKey_Count};
        const void *vals[] = {n};
        CFDictionaryRef dict = CFDictionaryCreate(NULL, keys, vals, 1, NULL, NULL);
        CHECK_STATUS(VTSessionSetProperties(session, dict), kVTInvalidSessionErr);
        CFRelease(dict);
    }
    d = (CFDictionaryRef)1;
    CHECK_STATUS(VTSessionCopySupportedPropertyDictionary(session, &d), kVTInvalidSessionErr);
    CHECK(d == NULL);
    d = (CFDictionaryRef)1;
    CHECK_STATUS(VTSessionCopySerializableProperties(session, NULL, &d), kVTInvalidSessionErr);
    CHECK(d == NULL);

    CFRelease(s);
    CFRelease(n);
    CFRelease(not_session);
}

/* ---- SetProperties ---- */

static void test_set_properties(void) {
    TestSession *s = session_new(&plain_class, CAP_A);
    VTSessionRef session = (VTSessionRef)s;
    CFNumberRef n30 = num_i32(30), n200 = num_i32(200), f02 = num_f64(0.2);
    CFStringRef created_key = str("Mode");

    CHECK(s != NULL);
    if (!s)
        return;
    {
        /* kCFType callbacks, a created key among the constants. */
        const void *keys[] = {kTestKey_Count, kTestKey_Ratio, created_key};
        const void *vals[] = {n30, f02, kTestMode_B};
        CFDictionaryRef dict = CFDictionaryCreate(
            NULL, keys, vals, 3, &kCFTypeDictionaryKeyCallBacks, &kCFTypeDictionaryValueCallBacks);
        CHECK_STATUS(VTSessionSetProperties(session, dict), noErr);
        CHECK_EQ_INT(s->config.count, 30);
        CHECK(s->config.ratio == 0.2);
        CHECK_EQ_INT(s->config.mode, 2);
        CFRelease(dict);
    }
    {
        /* NULL callbacks (FFmpeg, ttLibC), trailing NULL entries (OBS). */
        const void *keys[] = {kTestKey_Flag, kTestKey_OptFlag, NULL, NULL};
        const void *vals[] = {kCFBooleanFalse, kCFBooleanTrue, NULL, NULL};
        CFDictionaryRef dict = CFDictionaryCreate(NULL, keys, vals, 4, NULL, NULL);
        CHECK(dict != NULL);
        CHECK_STATUS(VTSessionSetProperties(session, dict), noErr);
        CHECK(s->config.flag == FALSE);
        CHECK(s->config.opt_flag.set && s->config.opt_flag.value);
        release_if(dict);
    }
    {
        /* Every pair is attempted; the first error is returned. */
        const void *keys[] = {kTestKey_Count, CFSTR("NoSuchKey"), kTestKey_ReadOnly,
                              kTestKey_Ratio};
        const void *vals[] = {n200, n30, n30, n30};
        CFDictionaryRef dict = CFDictionaryCreate(NULL, keys, vals, 4, NULL, NULL);
        OSStatus st = VTSessionSetProperties(session, dict);
        CHECK_STATUS(st, kVTParameterErr); /* Count 200: out of range, first in order */
        CHECK_EQ_INT(s->config.count, 30);
        CHECK(s->config.ratio == 0.2); /* 30 is out of range for Ratio as well */
        CFRelease(dict);
    }
    {
        const void *keys[] = {CFSTR("NoSuchKey"), kTestKey_Count};
        const void *vals[] = {n30, NULL}; /* NULL value: restore default */
        CFDictionaryRef dict = CFDictionaryCreate(NULL, keys, vals, 2, NULL, NULL);
        CHECK_STATUS(VTSessionSetProperties(session, dict), kVTPropertyNotSupportedErr);
        CHECK_EQ_INT(s->config.count, 10);
        CFRelease(dict);
    }
    CFRelease(s);
    CFRelease(n30), CFRelease(n200), CFRelease(f02), CFRelease(created_key);
}

/* ---- supported dictionary and serializable properties ---- */

static void check_description(CFDictionaryRef supported, const VTPropertySpec *row) {
    const char *name = vt_prop_name(row);
    CFDictionaryRef desc = CFDictionaryGetValue(supported, *row->key);
    CFTypeRef type, rw, ser, min, max, list, doc;
    CHECK_MSG(desc != NULL && CFGetTypeID(desc) == CFDictionaryGetTypeID(), "%s listed", name);
    if (!desc)
        return;
    type = CFDictionaryGetValue(desc, kVTPropertyTypeKey);
    rw = CFDictionaryGetValue(desc, kVTPropertyReadWriteStatusKey);
    ser = CFDictionaryGetValue(desc, kVTPropertyShouldBeSerializedKey);
    min = CFDictionaryGetValue(desc, kVTPropertySupportedValueMinimumKey);
    max = CFDictionaryGetValue(desc, kVTPropertySupportedValueMaximumKey);
    list = CFDictionaryGetValue(desc, kVTPropertySupportedValueListKey);
    doc = CFDictionaryGetValue(desc, kVTPropertyDocumentationKey);

    switch (row->kind) {
    case VT_PROP_BOOL:
        CHECK_MSG(type == kVTPropertyType_Boolean, "%s type", name);
        break;
    case VT_PROP_INT32:
    case VT_PROP_INT64:
    case VT_PROP_DOUBLE:
        CHECK_MSG(type == kVTPropertyType_Number, "%s type", name);
        break;
    case VT_PROP_ENUM:
        CHECK_MSG(type == kVTPropertyType_Enumeration, "%s type", name);
        break;
    case VT_PROP_CFTYPE:
        CHECK_MSG(type == NULL, "%s type", name);
        break;
    }
    CHECK_MSG(rw == ((row->flags & VT_PROP_READONLY) ? kVTPropertyReadWriteStatus_ReadOnly
                                                     : kVTPropertyReadWriteStatus_ReadWrite),
              "%s read/write", name);
    CHECK_MSG(ser == ((row->flags & VT_PROP_SERIALIZABLE) ? kCFBooleanTrue : kCFBooleanFalse),
              "%s serializable", name);
    if (row->kind != VT_PROP_CFTYPE && row->kind != VT_PROP_BOOL && row->kind != VT_PROP_ENUM &&
        !(row->min == 0 && row->max == 0)) {
        double lo = NAN, hi = NAN;
        CHECK_MSG(min && vt_cf_get_double(min, &lo) && lo == row->min, "%s minimum", name);
        CHECK_MSG(max && vt_cf_get_double(max, &hi) && hi == row->max, "%s maximum", name);
    } else {
        CHECK_MSG(min == NULL && max == NULL, "%s no range", name);
    }
    if (row->kind == VT_PROP_ENUM) {
        CHECK_MSG(list && CFGetTypeID(list) == CFArrayGetTypeID() && CFArrayGetCount(list) == 3,
                  "%s list", name);
        if (list) {
            CHECK(CFArrayGetValueAtIndex(list, 0) == kTestMode_A);
            CHECK(CFArrayGetValueAtIndex(list, 2) == kTestMode_BAlias);
        }
    } else {
        CHECK_MSG(list == NULL, "%s no list", name);
    }
    if (row->doc) {
        CHECK_MSG(doc && CFGetTypeID(doc) == CFStringGetTypeID() &&
                      strcmp(vt_cfstring_cstr(doc), row->doc) == 0,
                  "%s documentation", name);
    } else {
        CHECK_MSG(doc == NULL, "%s no documentation", name);
    }
}

static void test_supported_and_serializable(void) {
    TestSession *s = session_new(&test_class, CAP_A);
    VTSessionRef session = (VTSessionRef)s;
    CFDictionaryRef supported = NULL, ser = NULL;
    CFNumberRef n1 = num_i32(1), n2 = num_i32(2), n44 = num_i32(44);
    size_t i;

    CHECK(s != NULL);
    if (!s)
        return;
    CHECK_STATUS(VTSessionCopySupportedPropertyDictionary(session, &supported), noErr);
    CHECK(supported != NULL);
    if (supported) {
        /* Every visible row of both tables; the hidden one and the shadowed
         * duplicate are not there. */
        CHECK_EQ_INT(CFDictionaryGetCount(supported), test_table.count - 1 + 1);
        for (i = 0; i < test_table.count; i++) {
            if (test_rows[i].caps & ~CAP_A)
                CHECK(!CFDictionaryContainsKey(supported, *test_rows[i].key));
            else
                check_description(supported, &test_rows[i]);
        }
        check_description(supported, &extra_rows[0]);
        CHECK(CFDictionaryContainsKey(supported, CFSTR("Extra")));
        CFRelease(supported);
    }

    /* Without a session (VTCopySupportedPropertyDictionaryForEncoder). */
    {
        CFDictionaryRef same = NULL, all = NULL, none = NULL;
        supported = NULL;
        CHECK_STATUS(VTSessionCopySupportedPropertyDictionary(session, &supported), noErr);
        CHECK_STATUS(vt_session_class_copy_supported(&test_class, CAP_A, &same), noErr);
        CHECK(supported && same && CFEqual(supported, same));
        CHECK_STATUS(vt_session_class_copy_supported(&test_class, CAP_A | CAP_B, &all), noErr);
        CHECK(all && CFDictionaryGetCount(all) == 16 &&
              CFDictionaryContainsKey(all, kTestKey_Hidden));
        CHECK_STATUS(vt_session_class_copy_supported(&test_class, 0, &none), noErr);
        CHECK(none && CFDictionaryGetCount(none) == 14 &&
              !CFDictionaryContainsKey(none, kTestKey_Count));
        release_if(none);
        CHECK_STATUS(vt_session_class_copy_supported(NULL, 0, &none), kVTParameterErr);
        CHECK(none == NULL);
        CHECK_STATUS(vt_session_class_copy_supported(&test_class, 0, NULL), kVTParameterErr);
        release_if(supported), release_if(same), release_if(all);
    }

    /* Serializable: writable rows flagged serializable that have a value. */
    CHECK_STATUS(VTSessionCopySerializableProperties(session, NULL, &ser), noErr);
    CHECK(ser != NULL);
    if (ser) {
        CHECK_EQ_INT(CFDictionaryGetCount(ser), 4); /* Flag, Count, Ratio, Mode */
        CHECK(CFDictionaryGetValue(ser, kTestKey_Flag) == kCFBooleanTrue);
        CHECK(!CFDictionaryContainsKey(ser, kTestKey_OptFlag)); /* unset */
        CHECK(!CFDictionaryContainsKey(ser, kTestKey_Limits));  /* unset */
        CHECK(!CFDictionaryContainsKey(ser, kTestKey_ReadOnly));
        CFRelease(ser);
    }
    {
        CFTypeRef vals[] = {n1, n2};
        CFArrayRef limits = array_of(2, vals);
        CHECK_STATUS(VTSessionSetProperty(session, kTestKey_Limits, limits), noErr);
        CHECK_STATUS(VTSessionSetProperty(session, kTestKey_OptFlag, kCFBooleanFalse), noErr);
        CHECK_STATUS(VTSessionSetProperty(session, kTestKey_Count, n44), noErr);
        ser = NULL;
        CHECK_STATUS(VTSessionCopySerializableProperties(session, NULL, &ser), noErr);
        CHECK(ser && CFDictionaryGetCount(ser) == 6);
        if (ser) {
            CHECK(CFEqual(CFDictionaryGetValue(ser, kTestKey_Limits), limits));
            CHECK(CFDictionaryGetValue(ser, kTestKey_OptFlag) == kCFBooleanFalse);
            /* Round trip into another session. */
            {
                TestSession *other = session_new(&test_class, CAP_A);
                CHECK(other != NULL);
                if (other) {
                    CHECK_STATUS(VTSessionSetProperties((VTSessionRef)other, ser), noErr);
                    CHECK_EQ_INT(other->config.count, 44);
                    CHECK(other->config.opt_flag.set && !other->config.opt_flag.value);
                    CHECK(other->config.limits && CFEqual(other->config.limits, limits));
                    CFRelease(other);
                }
            }
            CFRelease(ser);
        }
        CFRelease(limits);
    }
    CFRelease(s);
    CFRelease(n1), CFRelease(n2), CFRelease(n44);
}

/* ---- allocation failures ---- */

static void test_allocation_failures(void) {
    int n, ok = 0;
    for (n = 1; n < 5000 && ok < 3; n++) {
        TestSession *s = session_new(&test_class, CAP_A);
        CFDictionaryRef d = NULL;
        CFArrayRef a;
        CFTypeRef vals[2];
        OSStatus st1, st2, st3;
        CFNumberRef n1 = num_i32(1);
        if (!s || !n1) {
            release_if(s), release_if(n1);
            continue;
        }
        vals[0] = vals[1] = n1;
        a = array_of(2, vals);
        vtcore_debug_fail_allocation_after(n);
        st1 = VTSessionCopySupportedPropertyDictionary((VTSessionRef)s, &d);
        release_if(d);
        d = NULL;
        st2 = a ? VTSessionSetProperty((VTSessionRef)s, kTestKey_Limits, a) : noErr;
        st3 = VTSessionCopySerializableProperties((VTSessionRef)s, NULL, &d);
        release_if(d);
        vtcore_debug_fail_allocation_after(0);
        CHECK(st1 == noErr || st1 == kVTAllocationFailedErr);
        CHECK(st2 == noErr || st2 == kVTAllocationFailedErr);
        CHECK(st3 == noErr || st3 == kVTAllocationFailedErr);
        if (st1 == noErr && st2 == noErr && st3 == noErr)
            ok++;
        release_if(a);
        CFRelease(n1);
        CFRelease(s);
    }
    CHECK(ok == 3); /* eventually every step succeeds */
}

/* ---- threads ---- */

static void *hammer(void *arg) {
    VTSessionRef session = arg;
    int i;
    for (i = 0; i < 2000; i++) {
        CFNumberRef n = num_i32(i % 101);
        CFTypeRef v = NULL;
        CFTypeRef vals[2] = {n, n};
        CFArrayRef a = array_of(2, vals);
        if (VTSessionSetProperty(session, kTestKey_Count, n) != noErr)
            return (void *)1;
        if (VTSessionSetProperty(session, kTestKey_Limits, (i & 1) ? a : NULL) != noErr)
            return (void *)1;
        if (VTSessionCopyProperty(session, kTestKey_Limits, NULL, &v) != noErr)
            return (void *)1;
        release_if(v);
        v = NULL;
        if (VTSessionCopyProperty(session, kTestKey_Count, NULL, &v) != noErr || !v)
            return (void *)1;
        CFRelease(v);
        CFRelease(a);
        CFRelease(n);
    }
    return NULL;
}

static void test_threads(void) {
    TestSession *s = session_new(&plain_class, CAP_A);
    pthread_t th[4];
    int i, started = 0;
    CHECK(s != NULL);
    if (!s)
        return;
    for (i = 0; i < 4; i++)
        if (pthread_create(&th[i], NULL, hammer, s) == 0)
            started++;
    CHECK_EQ_INT(started, 4);
    for (i = 0; i < started; i++) {
        void *ret = (void *)1;
        pthread_join(th[i], &ret);
        CHECK(ret == NULL);
    }
    CHECK(s->config.count >= 0 && s->config.count <= 100);
    CFRelease(s);
}

static void test_base_lifecycle(void) {
    /* A half-built session (init never ran) finalizes cleanly. */
    TestSession *s = vt_object_alloc(&test_class.base, sizeof(TestSession));
    CHECK(s != NULL);
    if (s) {
        CHECK(vt_session_from_ref(s) == NULL); /* not initialised: not a session yet */
        CFRelease(s);
    }
    CHECK_STATUS(vt_session_base_init(NULL, &test_class, 0), kVTParameterErr);
    s = session_new(&test_class, CAP_A);
    CHECK(s != NULL);
    if (s) {
        CHECK(vt_session_from_ref(s) == &s->base);
        CHECK(vt_session_is(s, &test_class));
        CHECK(!vt_session_is(s, &plain_class));
        CHECK(vt_session_config(&s->base) == &s->config);
        /* Defaults were written at init. */
        CHECK(s->config.flag == TRUE && s->config.count == 10 && s->config.big == -1);
        CHECK(s->config.ratio == 0.5 && s->config.mode == 1 && s->config.read_only == 7);
        CHECK(!s->config.opt_count.set && s->config.opt_count.value == -1);
        CHECK(!s->config.opt_mode.set && s->config.limits == NULL);
        CFRelease(s);
    }
    CHECK(vt_session_from_ref(NULL) == NULL);
    CHECK(vt_session_from_ref(kCFBooleanTrue) == NULL);
}

int main(void) {
    test_base_lifecycle();
    test_row_walk();
    test_conversions();
    test_cf_values();
    test_hooks_and_caps();
    test_arguments();
    test_set_properties();
    test_supported_and_serializable();
    test_allocation_failures();
    test_threads();
    return vt_test_result();
}
