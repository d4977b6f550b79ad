/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * CFArray / CFMutableArray: a growable vector of pointers with callbacks.
 * NULL callback members mean no retain/release and identity equality;
 * callbacks are never invoked on NULL values.
 */
#include "config.h"

#include <string.h>

#include "cf/cf_internal.h"
#include "log.h"
#include "mem.h"

static const void *cf_type_retain(CFAllocatorRef allocator, const void *value) {
    (void)allocator;
    return value ? CFRetain(value) : NULL;
}

static void cf_type_release(CFAllocatorRef allocator, const void *value) {
    (void)allocator;
    if (value)
        CFRelease(value);
}

const CFArrayCallBacks kCFTypeArrayCallBacks = {
    0, cf_type_retain, cf_type_release, CFCopyDescription, CFEqual,
};

struct __CFArray {
    VTObject base;
    Boolean is_mutable;
    CFArrayCallBacks cb;
    CFIndex count;
    CFIndex capacity;
    const void **values;
};

static const void *retain_value(const struct __CFArray *a, const void *v) {
    return (v && a->cb.retain) ? a->cb.retain(NULL, v) : v;
}

static void release_value(const struct __CFArray *a, const void *v) {
    if (v && a->cb.release)
        a->cb.release(NULL, v);
}

static Boolean values_equal(const struct __CFArray *a, const void *x, const void *y) {
    if (x == y)
        return TRUE;
    if (!x || !y || !a->cb.equal)
        return FALSE;
    return a->cb.equal(x, y);
}

static void array_finalize(CFTypeRef obj) {
    struct __CFArray *a = (struct __CFArray *)obj;
    CFIndex i;
    for (i = 0; i < a->count; i++)
        release_value(a, a->values[i]);
    vt_free(a->values);
}

static Boolean array_equal(CFTypeRef x, CFTypeRef y) {
    const struct __CFArray *a = x, *b = y;
    CFIndex i;
    if (a->count != b->count)
        return FALSE;
    for (i = 0; i < a->count; i++)
        if (!values_equal(a, a->values[i], b->values[i]))
            return FALSE;
    return TRUE;
}

static CFHashCode array_hash(CFTypeRef obj) {
    return (CFHashCode)((const struct __CFArray *)obj)->count;
}

static CFStringRef array_copy_description(CFTypeRef obj) {
    const struct __CFArray *a = obj;
    VTStrBuf sb = {0};
    CFIndex i;
    vt_strbuf_append_cstr(&sb, "(");
    for (i = 0; i < a->count; i++) {
        const void *v = a->values[i];
        vt_strbuf_append_cstr(&sb, i ? ", " : " ");
        if (v && a->cb.copyDescription) {
            CFStringRef s = a->cb.copyDescription(v);
            if (vt_object_is(s, &vt_cfstring_class))
                vt_strbuf_append(&sb, s->cstr, (size_t)s->byte_length);
            else if (!s && a->cb.copyDescription == CFCopyDescription)
                sb.failed = 1; /* allocation failure: fail the whole description */
            else
                vt_strbuf_appendf(&sb, "<%p>", v);
            if (s)
                CFRelease(s);
        } else if (v) {
            vt_strbuf_appendf(&sb, "<%p>", v);
        } else {
            vt_strbuf_append_cstr(&sb, "(null)");
        }
    }
    vt_strbuf_append_cstr(&sb, " )");
    return vt_strbuf_finish(&sb);
}

const VTClass vt_cfarray_class = {
    .name = "CFArray",
    .type_id = VT_TYPE_ID_ARRAY,
    .finalize = array_finalize,
    .equal = array_equal,
    .hash = array_hash,
    .copy_description = array_copy_description,
};

CFTypeID CFArrayGetTypeID(void) {
    return VT_TYPE_ID_ARRAY;
}

static int reserve(struct __CFArray *a, CFIndex needed) {
    CFIndex cap;
    size_t bytes;
    const void **p;
    if (needed <= a->capacity)
        return 1;
    cap = a->capacity ? a->capacity : 4;
    while (cap < needed) {
        if (cap > LONG_MAX / 2)
            return 0;
        cap *= 2;
    }
    if (!vt_size_mul((size_t)cap, sizeof(*p), &bytes))
        return 0;
    p = vt_realloc(a->values, bytes);
    if (!p)
        return 0;
    a->values = p;
    a->capacity = cap;
    return 1;
}

static struct __CFArray *array_alloc(Boolean is_mutable, CFIndex capacity,
                                     const CFArrayCallBacks *cb) {
    struct __CFArray *a = vt_object_alloc(&vt_cfarray_class, sizeof(*a));
    if (!a)
        return NULL;
    a->is_mutable = is_mutable;
    if (cb)
        a->cb = *cb;
    if (capacity > 0 && !reserve(a, capacity)) {
        vt_free(a);
        return NULL;
    }
    return a;
}

CFArrayRef CFArrayCreate(CFAllocatorRef allocator, const void **values, CFIndex numValues,
                         const CFArrayCallBacks *callBacks) {
    struct __CFArray *a;
    CFIndex i;
    (void)allocator;
    VT_CHECK_ARG(numValues >= 0, NULL);
    VT_CHECK_ARG(numValues == 0 || values != NULL, NULL);
    a = array_alloc(FALSE, numValues, callBacks);
    if (!a)
        return NULL;
    for (i = 0; i < numValues; i++)
        a->values[i] = retain_value(a, values[i]);
    a->count = numValues;
    return a;
}

#define CHECK_ARRAY(a, err) VT_CHECK_ARG(vt_object_is((a), &vt_cfarray_class), err)

static struct __CFArray *copy_array(CFArrayRef src, Boolean is_mutable, CFIndex capacity) {
    struct __CFArray *a;
    CFIndex i;
    if (capacity < src->count)
        capacity = src->count;
    /* Mutable capacity is only a hint: do not preallocate absurd sizes. */
    if (is_mutable && capacity > 65536 && capacity > src->count)
        capacity = src->count > 65536 ? src->count : 65536;
    a = array_alloc(is_mutable, capacity, &src->cb);
    if (!a)
        return NULL;
    for (i = 0; i < src->count; i++)
        a->values[i] = retain_value(a, src->values[i]);
    a->count = src->count;
    return a;
}

CFArrayRef CFArrayCreateCopy(CFAllocatorRef allocator, CFArrayRef theArray) {
    (void)allocator;
    CHECK_ARRAY(theArray, NULL);
    return copy_array(theArray, FALSE, 0);
}

CFMutableArrayRef CFArrayCreateMutable(CFAllocatorRef allocator, CFIndex capacity,
                                       const CFArrayCallBacks *callBacks) {
    (void)allocator;
    VT_CHECK_ARG(capacity >= 0, NULL);
    if (capacity > 65536)
        capacity = 65536; /* a hint */
    return array_alloc(TRUE, capacity, callBacks);
}

CFMutableArrayRef CFArrayCreateMutableCopy(CFAllocatorRef allocator, CFIndex capacity,
                                           CFArrayRef theArray) {
    (void)allocator;
    VT_CHECK_ARG(capacity >= 0, NULL);
    CHECK_ARRAY(theArray, NULL);
    return copy_array(theArray, TRUE, capacity);
}

CFIndex CFArrayGetCount(CFArrayRef theArray) {
    CHECK_ARRAY(theArray, 0);
    return theArray->count;
}

const void *CFArrayGetValueAtIndex(CFArrayRef theArray, CFIndex idx) {
    CHECK_ARRAY(theArray, NULL);
    if (idx < 0 || idx >= theArray->count) {
        vt_error("CFArrayGetValueAtIndex: index %ld out of range (count %ld)", (long)idx,
                 (long)theArray->count);
        return NULL;
    }
    return theArray->values[idx];
}

static int range_ok(CFArrayRef a, CFRange r, const char *func) {
    if (r.location < 0 || r.length < 0 || r.location > a->count ||
        r.length > a->count - r.location) {
        vt_error("%s: range {%ld, %ld} out of bounds (count %ld)", func, (long)r.location,
                 (long)r.length, (long)a->count);
        return 0;
    }
    return 1;
}

void CFArrayGetValues(CFArrayRef theArray, CFRange range, const void **values) {
    if (!vt_object_is(theArray, &vt_cfarray_class) || !values) {
        vt_debug("CFArrayGetValues: invalid argument");
        return;
    }
    if (!range_ok(theArray, range, __func__))
        return;
    if (range.length)
        memcpy(values, theArray->values + range.location, (size_t)range.length * sizeof(*values));
}

CFIndex CFArrayGetFirstIndexOfValue(CFArrayRef theArray, CFRange range, const void *value) {
    CFIndex i;
    CHECK_ARRAY(theArray, kCFNotFound);
    if (!range_ok(theArray, range, __func__))
        return kCFNotFound;
    for (i = range.location; i < range.location + range.length; i++)
        if (values_equal(theArray, theArray->values[i], value))
            return i;
    return kCFNotFound;
}

Boolean CFArrayContainsValue(CFArrayRef theArray, CFRange range, const void *value) {
    CHECK_ARRAY(theArray, FALSE);
    if (!range_ok(theArray, range, __func__))
        return FALSE;
    return CFArrayGetFirstIndexOfValue(theArray, range, value) != kCFNotFound;
}

void CFArrayApplyFunction(CFArrayRef theArray, CFRange range, CFArrayApplierFunction applier,
                          void *context) {
    CFIndex i;
    if (!vt_object_is(theArray, &vt_cfarray_class) || !applier) {
        vt_debug("CFArrayApplyFunction: invalid argument");
        return;
    }
    if (!range_ok(theArray, range, __func__))
        return;
    for (i = range.location; i < range.location + range.length && i < theArray->count; i++)
        applier(theArray->values[i], context);
}

/* ---- mutation ---- */

static struct __CFArray *mutable_array(CFMutableArrayRef a, const char *func) {
    if (!vt_object_is(a, &vt_cfarray_class)) {
        vt_debug("%s: invalid array", func);
        return NULL;
    }
    if (!a->is_mutable) {
        vt_error("%s: array %p is immutable", func, (void *)a);
        return NULL;
    }
    return a;
}

void CFArrayInsertValueAtIndex(CFMutableArrayRef theArray, CFIndex idx, const void *value) {
    struct __CFArray *a = mutable_array(theArray, __func__);
    if (!a)
        return;
    if (idx < 0 || idx > a->count) {
        vt_error("CFArrayInsertValueAtIndex: index %ld out of range (count %ld)", (long)idx,
                 (long)a->count);
        return;
    }
    if (!reserve(a, a->count + 1)) {
        vt_error("CFArrayInsertValueAtIndex: allocation failed, value not stored");
        return;
    }
    memmove(a->values + idx + 1, a->values + idx, (size_t)(a->count - idx) * sizeof(*a->values));
    a->values[idx] = retain_value(a, value);
    a->count++;
}

void CFArrayAppendValue(CFMutableArrayRef theArray, const void *value) {
    struct __CFArray *a = mutable_array(theArray, __func__);
    if (a)
        CFArrayInsertValueAtIndex(a, a->count, value);
}

void CFArraySetValueAtIndex(CFMutableArrayRef theArray, CFIndex idx, const void *value) {
    struct __CFArray *a = mutable_array(theArray, __func__);
    const void *old;
    if (!a)
        return;
    if (idx == a->count) { /* Apple allows setting one past the end: append */
        CFArrayInsertValueAtIndex(a, idx, value);
        return;
    }
    if (idx < 0 || idx > a->count) {
        vt_error("CFArraySetValueAtIndex: index %ld out of range (count %ld)", (long)idx,
                 (long)a->count);
        return;
    }
    old = a->values[idx];
    a->values[idx] = retain_value(a, value);
    release_value(a, old);
}

void CFArrayRemoveValueAtIndex(CFMutableArrayRef theArray, CFIndex idx) {
    struct __CFArray *a = mutable_array(theArray, __func__);
    const void *old;
    if (!a)
        return;
    if (idx < 0 || idx >= a->count) {
        vt_error("CFArrayRemoveValueAtIndex: index %ld out of range (count %ld)", (long)idx,
                 (long)a->count);
        return;
    }
    old = a->values[idx];
    memmove(a->values + idx, a->values + idx + 1,
            (size_t)(a->count - idx - 1) * sizeof(*a->values));
    a->count--;
    release_value(a, old);
}

void CFArrayRemoveAllValues(CFMutableArrayRef theArray) {
    struct __CFArray *a = mutable_array(theArray, __func__);
    CFIndex i, n;
    if (!a)
        return;
    n = a->count;
    a->count = 0;
    for (i = 0; i < n; i++)
        release_value(a, a->values[i]);
}
