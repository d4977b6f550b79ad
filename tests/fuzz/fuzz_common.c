/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <string.h>

#include <vtcore/vtcore.h>

#include "fuzz_common.h"

void fz_init(FuzzInput *in, const uint8_t *data, size_t size) {
    in->data = data;
    in->size = data ? size : 0;
    in->pos = 0;
}

size_t fz_left(const FuzzInput *in) {
    return in->size - in->pos;
}

uint8_t fz_u8(FuzzInput *in) {
    return in->pos < in->size ? in->data[in->pos++] : 0;
}

uint16_t fz_u16(FuzzInput *in) {
    uint16_t v = fz_u8(in);
    return (uint16_t)(v | fz_u8(in) << 8);
}

uint32_t fz_u32(FuzzInput *in) {
    uint32_t v = fz_u16(in);
    return v | (uint32_t)fz_u16(in) << 16;
}

uint64_t fz_u64(FuzzInput *in) {
    uint64_t v = fz_u32(in);
    return v | (uint64_t)fz_u32(in) << 32;
}

Boolean fz_bool(FuzzInput *in) {
    return fz_u8(in) & 1;
}

size_t fz_below(FuzzInput *in, size_t n) {
    if (n <= 1)
        return 0;
    if (n <= 256)
        return fz_u8(in) % n;
    if (n <= 65536)
        return fz_u16(in) % n;
    return fz_u32(in) % n;
}

const uint8_t *fz_bytes(FuzzInput *in, size_t max, size_t *len) {
    const uint8_t *p = in->data + in->pos;
    size_t n = fz_left(in);
    if (n > max)
        n = max;
    in->pos += n;
    *len = n;
    return n ? p : (const uint8_t *)"";
}

int64_t fz_int(FuzzInput *in) {
    static const int64_t special[] = {
        0,         1,         -1,        2,         7,          127,
        128,       -128,      255,       256,       32767,      -32768,
        65535,     65536,     INT32_MAX, INT32_MIN, UINT32_MAX, (int64_t)UINT32_MAX + 1,
        INT64_MAX, INT64_MIN, 1000,      1000000,   30,         60,
        -2,        3,         4096,
    };
    uint8_t sel = fz_u8(in);
    if (sel < 128)
        return special[sel % (sizeof(special) / sizeof(special[0]))];
    if (sel < 192)
        return (int8_t)fz_u8(in);
    if (sel < 224)
        return (int32_t)fz_u32(in);
    return (int64_t)fz_u64(in);
}

double fz_double(FuzzInput *in) {
    static const double special[] = {
        0.0,
        -0.0,
        1.0,
        -1.0,
        0.5,
        0.25,
        1.5,
        2.0,
        29.97,
        30.0,
        1e-300,
        DBL_MIN,
        DBL_MIN / 4,
        DBL_MAX,
        -DBL_MAX,
        1e300,
        2147483648.0,
        -2147483649.0,
        9223372036854775808.0,
        4294967296.0,
        1e6,
        100.0,
        0.999999,
        1.0000001,
    };
    uint8_t sel = fz_u8(in);
    uint64_t bits;
    double d;
    switch (sel % 8) {
    case 0:
        return NAN;
    case 1:
        return sel & 8 ? -INFINITY : INFINITY;
    case 2:
    case 3:
        bits = fz_u64(in);
        memcpy(&d, &bits, sizeof(d));
        return d;
    case 4:
        return (double)fz_int(in);
    default:
        return special[fz_u8(in) % (sizeof(special) / sizeof(special[0]))];
    }
}

size_t fz_size(FuzzInput *in) {
    static const size_t special[] = {
        0,
        1,
        2,
        3,
        4,
        5,
        7,
        8,
        15,
        16,
        17,
        31,
        33,
        63,
        64,
        65,
        127,
        129,
        255,
        1023,
        1920,
        1080,
        4095,
        4097,
        8191,
        16384,
        65535,
        65536,
        65537,
        1u << 20,
        (size_t)INT32_MAX,
        (size_t)UINT32_MAX,
        (size_t)UINT32_MAX + 1,
        SIZE_MAX / 2,
        SIZE_MAX - 1,
        SIZE_MAX,
    };
    uint8_t sel = fz_u8(in);
    if (sel < 96)
        return special[sel % (sizeof(special) / sizeof(special[0]))];
    if (sel < 224)
        return fz_u16(in) % 4097;
    return (size_t)fz_u64(in);
}

/* The constants the library really defines (weak references to missing
 * ones are NULL), built once. */
static const FuzzConstant *defined_constants(size_t *count) {
    static FuzzConstant *list;
    static size_t n;
    size_t i;
    if (!list) {
        FuzzConstant *l = calloc(fuzz_constant_count + 1, sizeof(*l));
        if (!l)
            abort();
        for (i = 0; i < fuzz_constant_count; i++) {
            if (fuzz_constants[i].value)
                l[n++] = fuzz_constants[i];
        }
        list = l;
    }
    *count = n;
    return list;
}

CFStringRef fz_constant(FuzzInput *in) {
    size_t n;
    const FuzzConstant *list = defined_constants(&n);
    if (!n)
        return CFSTR("no constants");
    return *list[fz_below(in, n)].value;
}

CFStringRef fz_constant_matching(FuzzInput *in, const char *part) {
    size_t i, n, matching = 0, pick;
    const FuzzConstant *list = defined_constants(&n);
    for (i = 0; i < n; i++)
        matching += strstr(list[i].name, part) != NULL;
    if (!matching)
        return fz_constant(in);
    pick = fz_below(in, matching);
    for (i = 0; i < n; i++) {
        if (strstr(list[i].name, part) && pick-- == 0)
            return *list[i].value;
    }
    return fz_constant(in);
}

CFStringRef fz_cf_string(FuzzInput *in) {
    static const CFStringEncoding encodings[] = {
        kCFStringEncodingUTF8,
        kCFStringEncodingASCII,
        kCFStringEncodingISOLatin1,
        kCFStringEncodingMacRoman,
        0x0100 /* UTF-16, unsupported by vtcore */,
        0xffffffffu,
    };
    uint8_t sel = fz_u8(in);
    const uint8_t *bytes;
    size_t len;
    CFStringEncoding enc;
    char buf[256];

    if (sel < 128)
        return CFStringCreateCopy(NULL, fz_constant(in));
    enc = encodings[fz_u8(in) % (sizeof(encodings) / sizeof(encodings[0]))];
    bytes = fz_bytes(in, fz_u8(in) % 64, &len);
    if (sel < 192)
        return CFStringCreateWithBytes(NULL, bytes, (CFIndex)len, enc, fz_bool(in));
    /* NUL-terminated C string (an embedded NUL ends it early). */
    memcpy(buf, bytes, len);
    buf[len] = '\0';
    return CFStringCreateWithCString(NULL, buf, enc);
}

CFNumberRef fz_cf_number(FuzzInput *in) {
    uint8_t type = fz_u8(in);
    union {
        int8_t i8;
        int16_t i16;
        int32_t i32;
        int64_t i64;
        float f;
        double d;
        long l;
        long long ll;
        char c;
        short s;
        int i;
        uint8_t pad[16];
    } v;
    CFNumberType t = (CFNumberType)(type % 18); /* 0 and 17 are invalid types */
    memset(&v, 0, sizeof(v));
    switch (t) {
    case kCFNumberFloat32Type:
    case kCFNumberFloatType:
        v.f = (float)fz_double(in);
        break;
    case kCFNumberFloat64Type:
    case kCFNumberDoubleType:
    case kCFNumberCGFloatType:
        v.d = fz_double(in);
        break;
    default: {
        int64_t i = fz_int(in);
        switch (t) {
        case kCFNumberSInt8Type:
            v.i8 = (int8_t)i;
            break;
        case kCFNumberCharType:
            v.c = (char)i;
            break;
        case kCFNumberSInt16Type:
        case kCFNumberShortType:
            v.i16 = (int16_t)i;
            break;
        case kCFNumberSInt32Type:
        case kCFNumberIntType:
            v.i32 = (int32_t)i;
            break;
        default:
            v.i64 = i;
            break;
        }
        break;
    }
    }
    return CFNumberCreate(NULL, t, &v);
}

CFDictionaryRef fz_cf_dictionary(FuzzInput *in, int depth) {
    CFMutableDictionaryRef dict;
    size_t i, n = fz_u8(in) % 8;
    dict = CFDictionaryCreateMutable(NULL, 0, &kCFTypeDictionaryKeyCallBacks,
                                     &kCFTypeDictionaryValueCallBacks);
    if (!dict)
        return NULL;
    for (i = 0; i < n && fz_left(in); i++) {
        CFTypeRef key = fz_u8(in) < 200 ? CFRetain(fz_constant(in)) : fz_cf_value(in, depth - 1);
        CFTypeRef value = fz_cf_value(in, depth - 1);
        if (key && value)
            CFDictionarySetValue(dict, key, value);
        if (key)
            CFRelease(key);
        if (value)
            CFRelease(value);
    }
    return dict;
}

CFTypeRef fz_cf_value(FuzzInput *in, int depth) {
    uint8_t sel = fz_u8(in);
    switch (sel % 12) {
    case 0:
        return NULL;
    case 1:
    case 2:
    case 3:
        return fz_cf_number(in);
    case 4:
        return CFRetain(fz_bool(in) ? kCFBooleanTrue : kCFBooleanFalse);
    case 5:
    case 6:
        return fz_cf_string(in);
    case 7: {
        size_t len;
        const uint8_t *bytes = fz_bytes(in, fz_u8(in), &len);
        return CFDataCreate(NULL, bytes, (CFIndex)len);
    }
    case 8:
        if (depth > 0) {
            CFMutableArrayRef array = CFArrayCreateMutable(NULL, 0, &kCFTypeArrayCallBacks);
            size_t i, n = fz_u8(in) % 8;
            for (i = 0; array && i < n && fz_left(in); i++) {
                CFTypeRef v = fz_cf_value(in, depth - 1);
                if (v) {
                    CFArrayAppendValue(array, v);
                    CFRelease(v);
                }
            }
            return array;
        }
        return fz_cf_number(in);
    case 9:
        if (depth > 0)
            return fz_cf_dictionary(in, depth);
        return fz_cf_string(in);
    case 10:
        return CFRetain(kCFNull);
    default:
        return CFRetain(fz_constant(in));
    }
}

static CFTypeRef copy_value(CFTypeRef v) {
    CFTypeID t = CFGetTypeID(v);
    if (t == CFArrayGetTypeID())
        return CFArrayCreateCopy(NULL, v);
    if (t == CFDictionaryGetTypeID())
        return CFDictionaryCreateCopy(NULL, v);
    if (t == CFDataGetTypeID())
        return CFDataCreateCopy(NULL, v);
    if (t == CFStringGetTypeID())
        return CFStringCreateCopy(NULL, v);
    return CFRetain(v);
}

void fz_cf_touch(CFTypeRef value) {
    CFStringRef desc;
    CFTypeRef copy;
    if (!value)
        return;
    desc = CFCopyDescription(value);
    if (desc) {
        char buf[64];
        (void)CFStringGetCString(desc, buf, sizeof(buf), kCFStringEncodingUTF8);
        CFRelease(desc);
    }
    FUZZ_CHECK(CFEqual(value, value));
    copy = copy_value(value);
    if (copy) {
        /* A copy is equal and hashes alike (NaN numbers excepted: not equal). */
        if (CFEqual(value, copy))
            FUZZ_CHECK(CFHash(value) == CFHash(copy));
        FUZZ_CHECK(CFGetTypeID(copy) == CFGetTypeID(value));
        CFRelease(copy);
    }
    FUZZ_CHECK(CFGetRetainCount(value) >= 1);
}

static void discard_log(void *user_data, int level, const char *fmt, va_list args) {
    char buf[512];
    (void)user_data;
    (void)level;
    vsnprintf(buf, sizeof(buf), fmt, args);
}

void fz_quiet_logs(void) {
    if (getenv("VTCORE_FUZZ_VERBOSE"))
        return;
    vtcore_set_log_callback(discard_log, NULL, VTCORE_LOG_TRACE);
}
