/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * CFNumber and CFBoolean. A number keeps its value in a wide canonical form
 * (int64_t for the integer types, double for the float types) plus the
 * fixed-width type it was created with. Conversions follow Apple: clamp to
 * the destination range, and return FALSE whenever the value read back
 * differs from the stored one. Numbers of different types compare and hash
 * by value (5 as SInt32 equals 5.0 as Float64).
 */
#include "config.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cf/cf_internal.h"
#include "log.h"
#include "mem.h"

/* ---- CFBoolean ---- */

struct __CFBoolean {
    VTObject base;
    Boolean value;
};

static struct __CFString true_string = VT_CONST_STRING_INIT("true");
static struct __CFString false_string = VT_CONST_STRING_INIT("false");

static CFStringRef boolean_copy_description(CFTypeRef obj) {
    const struct __CFBoolean *b = obj;
    return b->value ? &true_string : &false_string; /* immortal: no retain needed */
}

static CFHashCode boolean_hash(CFTypeRef obj) {
    const struct __CFBoolean *b = obj;
    return b->value ? 0x1f1f1f1ful : 0x2e2e2e2eul;
}

const VTClass vt_cfboolean_class = {
    .name = "CFBoolean",
    .type_id = VT_TYPE_ID_BOOLEAN,
    .equal = NULL, /* two singletons: identity */
    .hash = boolean_hash,
    .copy_description = boolean_copy_description,
};

static struct __CFBoolean boolean_true = {VT_OBJECT_STATIC_INIT(&vt_cfboolean_class), TRUE};
static struct __CFBoolean boolean_false = {VT_OBJECT_STATIC_INIT(&vt_cfboolean_class), FALSE};

const CFBooleanRef kCFBooleanTrue = &boolean_true;
const CFBooleanRef kCFBooleanFalse = &boolean_false;

CFTypeID CFBooleanGetTypeID(void) {
    return VT_TYPE_ID_BOOLEAN;
}

Boolean CFBooleanGetValue(CFBooleanRef boolean) {
    VT_CHECK_ARG(vt_object_is(boolean, &vt_cfboolean_class), FALSE);
    return boolean->value;
}

/* ---- CFNumber ---- */

struct __CFNumber {
    VTObject base;
    CFNumberType type; /* canonical: SInt8/16/32/64 or Float32/64 */
    Boolean is_float;
    union {
        int64_t i;
        double d;
    } v;
};

/* Canonical fixed-width type of each CFNumberType (0: invalid). */
static CFNumberType canonical_type(CFNumberType t) {
    switch (t) {
    case kCFNumberSInt8Type:
    case kCFNumberCharType:
        return kCFNumberSInt8Type;
    case kCFNumberSInt16Type:
    case kCFNumberShortType:
        return kCFNumberSInt16Type;
    case kCFNumberSInt32Type:
    case kCFNumberIntType:
        return sizeof(int) == 4 ? kCFNumberSInt32Type : kCFNumberSInt64Type;
    case kCFNumberSInt64Type:
    case kCFNumberLongLongType:
        return kCFNumberSInt64Type;
    case kCFNumberLongType:
    case kCFNumberCFIndexType:
    case kCFNumberNSIntegerType:
        return sizeof(long) == 8 ? kCFNumberSInt64Type : kCFNumberSInt32Type;
    case kCFNumberFloat32Type:
    case kCFNumberFloatType:
        return kCFNumberFloat32Type;
    case kCFNumberFloat64Type:
    case kCFNumberDoubleType:
        return kCFNumberFloat64Type;
    case kCFNumberCGFloatType:
        return sizeof(void *) == 8 ? kCFNumberFloat64Type : kCFNumberFloat32Type;
    default:
        return 0;
    }
}

static CFIndex type_size(CFNumberType canonical) {
    switch (canonical) {
    case kCFNumberSInt8Type:
        return 1;
    case kCFNumberSInt16Type:
        return 2;
    case kCFNumberSInt32Type:
    case kCFNumberFloat32Type:
        return 4;
    default:
        return 8;
    }
}

static int type_is_float(CFNumberType canonical) {
    return canonical == kCFNumberFloat32Type || canonical == kCFNumberFloat64Type;
}

/* 2^63 as a double: the first value above INT64_MAX. */
#define TWO_POW_63 9223372036854775808.0

/* Exact three-way comparison of an integer and a double (not NaN). */
static int cmp_int_double(int64_t i, double d) {
    double t;
    int64_t ti;
    if (d >= TWO_POW_63)
        return -1;
    if (d < -TWO_POW_63)
        return 1;
    t = trunc(d);
    ti = (int64_t)t;
    if (i < ti)
        return -1;
    if (i > ti)
        return 1;
    if (d > t)
        return -1;
    if (d < t)
        return 1;
    return 0;
}

/* Total order: NaN equals NaN and sorts below every other number. */
static int number_cmp(const struct __CFNumber *a, const struct __CFNumber *b) {
    if (!a->is_float && !b->is_float)
        return (a->v.i > b->v.i) - (a->v.i < b->v.i);
    if (a->is_float && b->is_float) {
        double x = a->v.d, y = b->v.d;
        if (isnan(x) || isnan(y))
            return isnan(x) ? (isnan(y) ? 0 : -1) : 1;
        return (x > y) - (x < y);
    }
    if (a->is_float) {
        if (isnan(a->v.d))
            return -1;
        return -cmp_int_double(b->v.i, a->v.d);
    }
    if (isnan(b->v.d))
        return 1;
    return cmp_int_double(a->v.i, b->v.d);
}

static Boolean number_equal(CFTypeRef a, CFTypeRef b) {
    return number_cmp(a, b) == 0;
}

static CFHashCode hash_int(int64_t v) {
    uint64_t h = (uint64_t)v;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    return (CFHashCode)h;
}

static CFHashCode number_hash(CFTypeRef obj) {
    const struct __CFNumber *n = obj;
    double d;
    if (!n->is_float)
        return hash_int(n->v.i);
    d = n->v.d;
    if (isnan(d))
        return 0x7ff8;
    /* Integral values hash like the equal integer. */
    if (d >= -TWO_POW_63 && d < TWO_POW_63 && trunc(d) == d)
        return hash_int((int64_t)d);
    return vt_cf_hash_bytes(&d, sizeof(d));
}

static CFStringRef number_copy_description(CFTypeRef obj) {
    const struct __CFNumber *n = obj;
    if (n->is_float)
        return vt_cf_string_create_printf("%.*g", n->type == kCFNumberFloat32Type ? 9 : 17, n->v.d);
    return vt_cf_string_create_printf("%lld", (long long)n->v.i);
}

const VTClass vt_cfnumber_class = {
    .name = "CFNumber",
    .type_id = VT_TYPE_ID_NUMBER,
    .equal = number_equal,
    .hash = number_hash,
    .copy_description = number_copy_description,
};

CFTypeID CFNumberGetTypeID(void) {
    return VT_TYPE_ID_NUMBER;
}

CFNumberRef CFNumberCreate(CFAllocatorRef allocator, CFNumberType theType, const void *valuePtr) {
    CFNumberType canon = canonical_type(theType);
    struct __CFNumber *n;
    (void)allocator;
    if (!canon) {
        vt_error("CFNumberCreate: invalid number type %ld", (long)theType);
        return NULL;
    }
    VT_CHECK_ARG(valuePtr != NULL, NULL);
    n = vt_object_alloc(&vt_cfnumber_class, sizeof(*n));
    if (!n)
        return NULL;
    n->type = canon;
    n->is_float = (Boolean)type_is_float(canon);
    switch (canon) {
    case kCFNumberSInt8Type: {
        int8_t v;
        memcpy(&v, valuePtr, sizeof(v));
        n->v.i = v;
        break;
    }
    case kCFNumberSInt16Type: {
        int16_t v;
        memcpy(&v, valuePtr, sizeof(v));
        n->v.i = v;
        break;
    }
    case kCFNumberSInt32Type: {
        int32_t v;
        memcpy(&v, valuePtr, sizeof(v));
        n->v.i = v;
        break;
    }
    case kCFNumberSInt64Type: {
        int64_t v;
        memcpy(&v, valuePtr, sizeof(v));
        n->v.i = v;
        break;
    }
    case kCFNumberFloat32Type: {
        float v;
        memcpy(&v, valuePtr, sizeof(v));
        n->v.d = v;
        break;
    }
    default: {
        double v;
        memcpy(&v, valuePtr, sizeof(v));
        n->v.d = v;
        break;
    }
    }
    return n;
}

#define CHECK_NUMBER(n, err) VT_CHECK_ARG(vt_object_is((n), &vt_cfnumber_class), err)

CFNumberType CFNumberGetType(CFNumberRef number) {
    CHECK_NUMBER(number, (CFNumberType)0);
    return number->type;
}

CFIndex CFNumberGetByteSize(CFNumberRef number) {
    CHECK_NUMBER(number, 0);
    return type_size(number->type);
}

Boolean CFNumberIsFloatType(CFNumberRef number) {
    CHECK_NUMBER(number, FALSE);
    return number->is_float;
}

/* Integer conversion to [lo, hi]: clamps, reports exactness. */
static int64_t to_int_range(const struct __CFNumber *n, int64_t lo, int64_t hi, Boolean *exact) {
    if (!n->is_float) {
        if (n->v.i < lo) {
            *exact = FALSE;
            return lo;
        }
        if (n->v.i > hi) {
            *exact = FALSE;
            return hi;
        }
        *exact = TRUE;
        return n->v.i;
    } else {
        double d = n->v.d, t;
        if (isnan(d)) {
            *exact = FALSE;
            return 0;
        }
        if (d < (double)lo) { /* (double)lo is exact for the ranges used */
            *exact = FALSE;
            return lo;
        }
        /* hi + 1 as a double is exact (a power of two), unlike (double)hi for INT64. */
        if (d >= ((double)(hi / 2 + 1)) * 2.0) {
            *exact = FALSE;
            return hi;
        }
        t = trunc(d);
        *exact = t == d;
        return (int64_t)t;
    }
}

Boolean CFNumberGetValue(CFNumberRef number, CFNumberType theType, void *valuePtr) {
    CFNumberType canon = canonical_type(theType);
    Boolean exact = TRUE;
    CHECK_NUMBER(number, FALSE);
    VT_CHECK_ARG(valuePtr != NULL, FALSE);
    if (!canon) {
        vt_error("CFNumberGetValue: invalid number type %ld", (long)theType);
        return FALSE;
    }
    switch (canon) {
    case kCFNumberSInt8Type: {
        int8_t v = (int8_t)to_int_range(number, INT8_MIN, INT8_MAX, &exact);
        memcpy(valuePtr, &v, sizeof(v));
        break;
    }
    case kCFNumberSInt16Type: {
        int16_t v = (int16_t)to_int_range(number, INT16_MIN, INT16_MAX, &exact);
        memcpy(valuePtr, &v, sizeof(v));
        break;
    }
    case kCFNumberSInt32Type: {
        int32_t v = (int32_t)to_int_range(number, INT32_MIN, INT32_MAX, &exact);
        memcpy(valuePtr, &v, sizeof(v));
        break;
    }
    case kCFNumberSInt64Type: {
        int64_t v = to_int_range(number, INT64_MIN, INT64_MAX, &exact);
        memcpy(valuePtr, &v, sizeof(v));
        break;
    }
    case kCFNumberFloat32Type: {
        float v;
        if (number->is_float) {
            double d = number->v.d;
            if (isnan(d) || isinf(d)) {
                v = (float)d; /* NaN and infinities are representable */
            } else if (d > FLT_MAX) {
                v = FLT_MAX;
                exact = FALSE;
            } else if (d < -FLT_MAX) {
                v = -FLT_MAX;
                exact = FALSE;
            } else {
                v = (float)d;
                exact = (double)v == d;
            }
        } else {
            v = (float)number->v.i;
            exact = cmp_int_double(number->v.i, (double)v) == 0;
        }
        memcpy(valuePtr, &v, sizeof(v));
        break;
    }
    default: {
        double v;
        if (number->is_float) {
            v = number->v.d;
        } else {
            v = (double)number->v.i;
            exact = cmp_int_double(number->v.i, v) == 0;
        }
        memcpy(valuePtr, &v, sizeof(v));
        break;
    }
    }
    return exact;
}

CFComparisonResult CFNumberCompare(CFNumberRef number, CFNumberRef otherNumber, void *context) {
    int a = vt_object_is(number, &vt_cfnumber_class);
    int b = vt_object_is(otherNumber, &vt_cfnumber_class);
    int c;
    (void)context;
    if (!a || !b) {
        vt_debug("CFNumberCompare: invalid argument");
        if (a == b)
            return kCFCompareEqualTo;
        return a ? kCFCompareGreaterThan : kCFCompareLessThan;
    }
    c = number_cmp(number, otherNumber);
    return c < 0 ? kCFCompareLessThan : c > 0 ? kCFCompareGreaterThan : kCFCompareEqualTo;
}

/* ---- internal helpers ---- */

Boolean vt_cf_get_bool(CFTypeRef value, Boolean *out) {
    if (!out || !vt_object_is(value, &vt_cfboolean_class))
        return FALSE;
    *out = ((const struct __CFBoolean *)value)->value;
    return TRUE;
}

Boolean vt_cf_get_int32(CFTypeRef value, int32_t *out) {
    if (!out || !vt_object_is(value, &vt_cfnumber_class))
        return FALSE;
    CFNumberGetValue(value, kCFNumberSInt32Type, out);
    return TRUE;
}

Boolean vt_cf_get_int64(CFTypeRef value, int64_t *out) {
    if (!out || !vt_object_is(value, &vt_cfnumber_class))
        return FALSE;
    CFNumberGetValue(value, kCFNumberSInt64Type, out);
    return TRUE;
}

Boolean vt_cf_get_double(CFTypeRef value, double *out) {
    if (!out || !vt_object_is(value, &vt_cfnumber_class))
        return FALSE;
    CFNumberGetValue(value, kCFNumberFloat64Type, out);
    return TRUE;
}

CFNumberRef vt_cf_number_int32(int32_t v) {
    return CFNumberCreate(NULL, kCFNumberSInt32Type, &v);
}

CFNumberRef vt_cf_number_int64(int64_t v) {
    return CFNumberCreate(NULL, kCFNumberSInt64Type, &v);
}

CFNumberRef vt_cf_number_double(double v) {
    return CFNumberCreate(NULL, kCFNumberFloat64Type, &v);
}
