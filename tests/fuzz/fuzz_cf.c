/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * CoreFoundation driven by bytes: a small machine with 8 object slots runs
 * one operation per input byte (create values, mutable dictionaries, arrays
 * and data; set/add/replace/remove/get; copies; out-of-range indices and
 * ranges; descriptions, formats, equality/hash). Invariants checked on the
 * way: counts follow the operations, equal objects hash alike, copies are
 * equal to their source, and nothing leaks or overflows (sanitizers).
 */
#include <string.h>

#include <CoreFoundation/CoreFoundation.h>

#include "fuzz_common.h"

#define SLOTS 8

typedef struct Machine {
    FuzzInput in;
    CFTypeRef slot[SLOTS];
} Machine;

static void put(Machine *m, size_t i, CFTypeRef v) {
    if (m->slot[i])
        CFRelease(m->slot[i]);
    m->slot[i] = v;
}

static CFTypeRef slot_of(Machine *m, CFTypeID type) {
    size_t i, start = fz_below(&m->in, SLOTS);
    for (i = 0; i < SLOTS; i++) {
        CFTypeRef v = m->slot[(start + i) % SLOTS];
        if (v && (type == 0 || CFGetTypeID(v) == type))
            return v;
    }
    return NULL;
}

/* Mutable containers are only ever created by this machine into the slots
 * marked here, so "mutable" operations never hit an immutable object. */
static Boolean is_mutable[SLOTS];

static CFTypeRef mutable_of(Machine *m, CFTypeID type) {
    size_t i, start = fz_below(&m->in, SLOTS);
    for (i = 0; i < SLOTS; i++) {
        size_t k = (start + i) % SLOTS;
        if (m->slot[k] && is_mutable[k] && CFGetTypeID(m->slot[k]) == type)
            return m->slot[k];
    }
    return NULL;
}

static void put_fresh(Machine *m, size_t i, CFTypeRef v, Boolean mut) {
    put(m, i, v);
    is_mutable[i] = v ? mut : FALSE;
}

static CFIndex fz_index(FuzzInput *in, CFIndex count) {
    uint8_t sel = fz_u8(in);
    if (sel < 200)
        return count ? (CFIndex)(fz_u8(in) % (count + 1)) : 0; /* count itself: one past */
    if (sel < 230)
        return -1 - (CFIndex)fz_u8(in);
    return (CFIndex)fz_int(in);
}

static CFRange fz_range(FuzzInput *in, CFIndex count) {
    CFRange r;
    r.location = fz_index(in, count);
    r.length = fz_u8(in) < 220 ? (CFIndex)(fz_u8(in) % (count + 2)) : (CFIndex)fz_int(in);
    return r;
}

static void op_dict(Machine *m) {
    CFMutableDictionaryRef d = (CFMutableDictionaryRef)mutable_of(m, CFDictionaryGetTypeID());
    CFTypeRef key, value;
    CFIndex before;
    if (!d)
        return;
    key = fz_u8(&m->in) < 128 ? CFRetain(fz_constant(&m->in)) : fz_cf_value(&m->in, 1);
    if (!key)
        return;
    value = fz_cf_value(&m->in, 1);
    before = CFDictionaryGetCount(d);
    switch (fz_u8(&m->in) % 9) {
    case 0:
        if (value) {
            Boolean had = CFDictionaryContainsKey(d, key);
            CFDictionarySetValue(d, key, value);
            FUZZ_CHECK(CFDictionaryGetCount(d) == before + (had ? 0 : 1));
            FUZZ_CHECK(CFDictionaryGetValue(d, key) == value);
        }
        break;
    case 1:
        if (value) {
            Boolean had = CFDictionaryContainsKey(d, key);
            CFDictionaryAddValue(d, key, value);
            FUZZ_CHECK(CFDictionaryGetCount(d) == before + (had ? 0 : 1));
        }
        break;
    case 2:
        if (value) {
            Boolean had = CFDictionaryContainsKey(d, key);
            CFDictionaryReplaceValue(d, key, value);
            FUZZ_CHECK(CFDictionaryGetCount(d) == before);
            if (had)
                FUZZ_CHECK(CFDictionaryGetValue(d, key) == value);
        }
        break;
    case 3:
        CFDictionaryRemoveValue(d, key);
        FUZZ_CHECK(!CFDictionaryContainsKey(d, key));
        break;
    case 4: {
        const void *out = NULL;
        Boolean found = CFDictionaryGetValueIfPresent(d, key, &out);
        FUZZ_CHECK(found == CFDictionaryContainsKey(d, key));
        FUZZ_CHECK(CFDictionaryGetCountOfKey(d, key) == (found ? 1 : 0));
        if (value)
            (void)CFDictionaryGetCountOfValue(d, value);
        break;
    }
    case 5: {
        CFIndex n = CFDictionaryGetCount(d), i;
        const void **keys = calloc((size_t)n + 1, sizeof(*keys));
        const void **values = calloc((size_t)n + 1, sizeof(*values));
        if (keys && values) {
            CFDictionaryGetKeysAndValues(d, keys, values);
            for (i = 0; i < n; i++)
                FUZZ_CHECK(CFDictionaryGetValue(d, keys[i]) == values[i]);
            CFDictionaryGetKeysAndValues(d, NULL, values);
            CFDictionaryGetKeysAndValues(d, keys, NULL);
        }
        free(keys);
        free(values);
        break;
    }
    case 6:
        CFDictionaryRemoveAllValues(d);
        FUZZ_CHECK(CFDictionaryGetCount(d) == 0);
        break;
    case 7:
        if (value)
            (void)CFDictionaryContainsValue(d, value);
        break;
    default: {
        /* Key NULL / value NULL: must be refused without crashing. */
        CFDictionarySetValue(d, NULL, value);
        (void)CFDictionaryGetValue(d, NULL);
        CFDictionaryRemoveValue(d, NULL);
        break;
    }
    }
    CFRelease(key);
    if (value)
        CFRelease(value);
}

static void count_values(const void *value, void *context) {
    (void)value;
    (*(CFIndex *)context)++;
}

static void op_array(Machine *m) {
    CFMutableArrayRef a = (CFMutableArrayRef)mutable_of(m, CFArrayGetTypeID());
    CFTypeRef value;
    CFIndex count, idx;
    if (!a)
        return;
    value = fz_cf_value(&m->in, 1);
    count = CFArrayGetCount(a);
    switch (fz_u8(&m->in) % 8) {
    case 0:
        if (value) {
            CFArrayAppendValue(a, value);
            FUZZ_CHECK(CFArrayGetCount(a) == count + 1);
            FUZZ_CHECK(CFArrayGetValueAtIndex(a, count) == value);
        }
        break;
    case 1:
        idx = fz_index(&m->in, count);
        CFArrayInsertValueAtIndex(a, idx, value);
        if (value && idx >= 0 && idx <= count)
            FUZZ_CHECK(CFArrayGetCount(a) == count + 1);
        else
            FUZZ_CHECK(CFArrayGetCount(a) <= count + 1);
        break;
    case 2:
        idx = fz_index(&m->in, count);
        CFArraySetValueAtIndex(a, idx, value);
        break;
    case 3:
        idx = fz_index(&m->in, count);
        CFArrayRemoveValueAtIndex(a, idx);
        if (idx >= 0 && idx < count)
            FUZZ_CHECK(CFArrayGetCount(a) == count - 1);
        else
            FUZZ_CHECK(CFArrayGetCount(a) == count);
        break;
    case 4: {
        CFRange r = fz_range(&m->in, count);
        CFIndex applied = 0;
        CFArrayApplyFunction(a, r, count_values, &applied);
        if (value) {
            (void)CFArrayContainsValue(a, r, value);
            (void)CFArrayGetFirstIndexOfValue(a, r, value);
        }
        FUZZ_CHECK(applied <= count);
        break;
    }
    case 5: {
        CFRange r = fz_range(&m->in, count);
        const void **values = calloc((size_t)count + 1, sizeof(*values));
        /* Only in-bounds ranges may write into the buffer (count entries). */
        if (values)
            CFArrayGetValues(a, r, values);
        free(values);
        break;
    }
    case 6:
        (void)CFArrayGetValueAtIndex(a, fz_index(&m->in, count));
        break;
    default:
        CFArrayRemoveAllValues(a);
        FUZZ_CHECK(CFArrayGetCount(a) == 0);
        break;
    }
    if (value)
        CFRelease(value);
}

static void op_data(Machine *m) {
    CFMutableDataRef d = (CFMutableDataRef)mutable_of(m, CFDataGetTypeID());
    CFIndex len;
    size_t n;
    const uint8_t *bytes;
    if (!d)
        return;
    len = CFDataGetLength(d);
    switch (fz_u8(&m->in) % 6) {
    case 0:
        bytes = fz_bytes(&m->in, fz_u8(&m->in), &n);
        CFDataAppendBytes(d, bytes, (CFIndex)n);
        FUZZ_CHECK(CFDataGetLength(d) == len + (CFIndex)n || CFDataGetLength(d) == len);
        break;
    case 1: {
        CFIndex new_len =
            fz_u8(&m->in) < 240 ? (CFIndex)fz_u16(&m->in) % 8192 : (CFIndex)fz_int(&m->in);
        /* Lengths beyond a few MiB would be real (huge) allocations. */
        if (new_len > (1 << 22))
            new_len = -new_len;
        CFDataSetLength(d, new_len);
        if (new_len >= 0)
            FUZZ_CHECK(CFDataGetLength(d) == new_len || CFDataGetLength(d) == len);
        break;
    }
    case 2: {
        CFIndex extra = (CFIndex)(fz_u16(&m->in) % 4096);
        if (fz_u8(&m->in) > 240)
            extra = -extra;
        CFDataIncreaseLength(d, extra);
        break;
    }
    case 3: {
        CFRange r = fz_range(&m->in, len);
        bytes = fz_bytes(&m->in, fz_u8(&m->in), &n);
        CFDataReplaceBytes(d, r, bytes, (CFIndex)n);
        break;
    }
    case 4: {
        CFRange r = fz_range(&m->in, len);
        CFDataDeleteBytes(d, r);
        break;
    }
    default: {
        CFRange r = fz_range(&m->in, len);
        uint8_t *buf = malloc((size_t)len + 1);
        if (buf)
            CFDataGetBytes(d, r, buf);
        free(buf);
        break;
    }
    }
    len = CFDataGetLength(d);
    FUZZ_CHECK(len >= 0);
    if (len) {
        const UInt8 *p = CFDataGetBytePtr(d);
        volatile UInt8 sink = p[0] ^ p[len - 1];
        (void)sink;
    }
}

static void op_string(Machine *m) {
    CFStringRef s = slot_of(m, CFStringGetTypeID());
    CFStringRef t = slot_of(m, CFStringGetTypeID());
    char buf[300];
    CFIndex len;
    if (!s)
        return;
    len = CFStringGetLength(s);
    FUZZ_CHECK(len >= 0);
    switch (fz_u8(&m->in) % 6) {
    case 0: {
        CFIndex size = (CFIndex)(fz_u16(&m->in) % sizeof(buf));
        static const CFStringEncoding enc[] = {kCFStringEncodingUTF8, kCFStringEncodingASCII,
                                               kCFStringEncodingISOLatin1,
                                               kCFStringEncodingMacRoman, 0x0100};
        if (CFStringGetCString(s, buf, size, enc[fz_u8(&m->in) % 5]))
            FUZZ_CHECK(memchr(buf, '\0', (size_t)size) != NULL);
        break;
    }
    case 1: {
        const char *p = CFStringGetCStringPtr(s, kCFStringEncodingUTF8);
        if (p)
            FUZZ_CHECK(strlen(p) <
                       (size_t)CFStringGetMaximumSizeForEncoding(len + 1, kCFStringEncodingUTF8));
        break;
    }
    case 2:
        if (t) {
            CFComparisonResult r1 = CFStringCompare(s, t, 0), r2 = CFStringCompare(t, s, 0);
            FUZZ_CHECK(r1 == -r2);
            FUZZ_CHECK((r1 == kCFCompareEqualTo) == CFEqual(s, t));
            (void)CFStringCompare(s, t, fz_u32(&m->in));
            if (CFStringHasPrefix(s, t) && CFStringHasSuffix(s, t))
                FUZZ_CHECK(CFStringGetLength(t) <= len);
        }
        break;
    case 3: {
        CFIndex max = CFStringGetMaximumSizeOfFileSystemRepresentation(s);
        CFIndex size = fz_bool(&m->in) ? max : (CFIndex)(fz_u8(&m->in) % sizeof(buf));
        if (size > (CFIndex)sizeof(buf))
            size = sizeof(buf);
        (void)CFStringGetFileSystemRepresentation(s, buf, size);
        break;
    }
    case 4: {
        /* %@ with every kind of object, plus plain conversions. */
        CFTypeRef any = slot_of(m, 0);
        /* One read per statement: argument evaluation order differs between
         * compilers, and the corpus must mean the same everywhere. */
        int i1 = (int)fz_int(&m->in);
        double d1 = fz_double(&m->in);
        long long i2 = (long long)fz_int(&m->in);
        unsigned u1 = fz_u32(&m->in);
        CFStringRef f =
            CFStringCreateWithFormat(NULL, NULL, CFSTR("%@|%@|%d|%s|%5.2f|%lld|%%|%x"), s,
                                     any ? any : (CFTypeRef)kCFNull, i1, "str", d1, i2, u1);
        if (f)
            CFRelease(f);
        break;
    }
    default: {
        size_t n;
        const uint8_t *p = fz_bytes(&m->in, 64, &n);
        memcpy(buf, p, n);
        buf[n] = '\0';
        {
            CFStringRef fs = CFStringCreateWithFileSystemRepresentation(NULL, buf);
            if (fs)
                CFRelease(fs);
        }
        break;
    }
    }
}

static void op_copy(Machine *m) {
    CFTypeRef v = slot_of(m, 0);
    size_t dst = fz_below(&m->in, SLOTS);
    CFTypeID t;
    CFTypeRef copy = NULL;
    Boolean mut = FALSE;
    if (!v)
        return;
    t = CFGetTypeID(v);
    if (t == CFArrayGetTypeID()) {
        if (fz_bool(&m->in)) {
            copy = CFArrayCreateMutableCopy(NULL, 0, v);
            mut = TRUE;
        } else {
            copy = CFArrayCreateCopy(NULL, v);
        }
    } else if (t == CFDictionaryGetTypeID()) {
        if (fz_bool(&m->in)) {
            copy = CFDictionaryCreateMutableCopy(NULL, 0, v);
            mut = TRUE;
        } else {
            copy = CFDictionaryCreateCopy(NULL, v);
        }
    } else if (t == CFDataGetTypeID()) {
        if (fz_bool(&m->in)) {
            copy = CFDataCreateMutableCopy(NULL, 0, v);
            mut = TRUE;
        } else {
            copy = CFDataCreateCopy(NULL, v);
        }
    } else if (t == CFStringGetTypeID()) {
        copy = CFStringCreateCopy(NULL, v);
    } else {
        copy = CFRetain(v);
    }
    if (copy) {
        FUZZ_CHECK(CFEqual(copy, v) || !CFEqual(v, v));
        FUZZ_CHECK(CFHash(copy) == CFHash(v) || !CFEqual(copy, v));
    }
    /* v may live in dst: put() releases it only after the copy was made. */
    put_fresh(m, dst, copy, mut);
}

static void op_number(Machine *m) {
    CFNumberRef n = slot_of(m, CFNumberGetTypeID());
    CFNumberRef o = slot_of(m, CFNumberGetTypeID());
    uint8_t out[16];
    CFNumberType t;
    if (!n)
        return;
    t = (CFNumberType)(fz_u8(&m->in) % 18);
    memset(out, 0, sizeof(out));
    (void)CFNumberGetValue(n, t, out);
    (void)CFNumberGetType(n);
    FUZZ_CHECK(CFNumberGetByteSize(n) <= 16);
    (void)CFNumberIsFloatType(n);
    if (o) {
        CFComparisonResult r1 = CFNumberCompare(n, o, NULL), r2 = CFNumberCompare(o, n, NULL);
        FUZZ_CHECK(r1 == -r2);
    }
}

static void run(Machine *m) {
    while (fz_left(&m->in)) {
        uint8_t op = fz_u8(&m->in);
        size_t dst = fz_below(&m->in, SLOTS);
        switch (op % 14) {
        case 0:
        case 1:
            put_fresh(m, dst, fz_cf_value(&m->in, 3), FALSE);
            break;
        case 2: {
            CFIndex capacity = (CFIndex)(fz_u8(&m->in) % 16);
            const CFDictionaryKeyCallBacks *keys = fz_bool(&m->in)
                                                       ? &kCFCopyStringDictionaryKeyCallBacks
                                                       : &kCFTypeDictionaryKeyCallBacks;
            put_fresh(
                m, dst,
                CFDictionaryCreateMutable(NULL, capacity, keys, &kCFTypeDictionaryValueCallBacks),
                TRUE);
            break;
        }
        case 3:
            put_fresh(
                m, dst,
                CFArrayCreateMutable(NULL, (CFIndex)(fz_u8(&m->in) % 16), &kCFTypeArrayCallBacks),
                TRUE);
            break;
        case 4:
            put_fresh(m, dst, CFDataCreateMutable(NULL, (CFIndex)(fz_u8(&m->in) % 64)), TRUE);
            break;
        case 5:
        case 6:
            op_dict(m);
            break;
        case 7:
        case 8:
            op_array(m);
            break;
        case 9:
            op_data(m);
            break;
        case 10:
            op_string(m);
            break;
        case 11:
            op_copy(m);
            break;
        case 12:
            op_number(m);
            break;
        default: {
            CFTypeRef v = slot_of(m, 0);
            fz_cf_touch(v);
            if (v && fz_bool(&m->in)) {
                /* Put the container into itself's neighbour slot. */
                CFTypeRef w = slot_of(m, 0);
                if (w)
                    FUZZ_CHECK(CFEqual(v, w) == CFEqual(w, v));
            }
            break;
        }
        }
    }
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc;
    (void)argv;
    fz_quiet_logs();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    Machine m;
    size_t i;
    memset(&m, 0, sizeof(m));
    memset(is_mutable, 0, sizeof(is_mutable));
    fz_init(&m.in, data, size);
    run(&m);
    for (i = 0; i < SLOTS; i++)
        put(&m, i, NULL);
    return 0;
}
