/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * CFData / CFMutableData: a byte buffer. Immutable data owns a copy of its
 * bytes, or borrows them (CFDataCreateWithBytesNoCopy with kCFAllocatorNull),
 * or adopts them (any other deallocator: freed with free()).
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cf/cf_internal.h"
#include "log.h"
#include "mem.h"

enum { BYTES_OWNED, BYTES_BORROWED, BYTES_ADOPTED };

struct __CFData {
    VTObject base;
    Boolean is_mutable;
    int ownership;
    UInt8 *bytes;
    CFIndex length;
    CFIndex capacity;
};

static void data_finalize(CFTypeRef obj) {
    struct __CFData *d = (struct __CFData *)obj;
    if (d->ownership == BYTES_OWNED)
        vt_free(d->bytes);
    else if (d->ownership == BYTES_ADOPTED)
        free(d->bytes); /* the client allocated these with malloc */
}

static Boolean data_equal(CFTypeRef a, CFTypeRef b) {
    const struct __CFData *x = a, *y = b;
    return x->length == y->length &&
           (x->length == 0 || memcmp(x->bytes, y->bytes, (size_t)x->length) == 0);
}

static CFHashCode data_hash(CFTypeRef obj) {
    const struct __CFData *d = obj;
    /* Length plus the first 80 bytes, like Apple (cheap for big buffers). */
    size_t n = d->length < 80 ? (size_t)d->length : 80;
    return vt_cf_hash_bytes(d->bytes ? (const void *)d->bytes : "", n) ^ (CFHashCode)d->length;
}

static CFStringRef data_copy_description(CFTypeRef obj) {
    const struct __CFData *d = obj;
    VTStrBuf sb = {0};
    CFIndex i, n = d->length < 64 ? d->length : 64;
    vt_strbuf_appendf(&sb, "<CFData %p>{length = %ld, bytes = 0x", obj, (long)d->length);
    for (i = 0; i < n; i++)
        vt_strbuf_appendf(&sb, "%02x", d->bytes[i]);
    vt_strbuf_append_cstr(&sb, d->length > n ? "...}" : "}");
    return vt_strbuf_finish(&sb);
}

const VTClass vt_cfdata_class = {
    .name = "CFData",
    .type_id = VT_TYPE_ID_DATA,
    .finalize = data_finalize,
    .equal = data_equal,
    .hash = data_hash,
    .copy_description = data_copy_description,
};

CFTypeID CFDataGetTypeID(void) {
    return VT_TYPE_ID_DATA;
}

/* Grows an owned buffer to hold `needed` bytes. */
static int reserve(struct __CFData *d, CFIndex needed) {
    CFIndex cap;
    UInt8 *p;
    if (needed <= d->capacity)
        return 1;
    cap = d->capacity ? d->capacity : 16;
    while (cap < needed) {
        if (cap > LONG_MAX / 2) {
            cap = needed;
            break;
        }
        cap *= 2;
    }
    p = vt_realloc(d->bytes, (size_t)cap);
    if (!p)
        return 0;
    d->bytes = p;
    d->capacity = cap;
    return 1;
}

static struct __CFData *data_new(Boolean is_mutable, const UInt8 *bytes, CFIndex length,
                                 CFIndex capacity) {
    struct __CFData *d = vt_object_alloc(&vt_cfdata_class, sizeof(*d));
    if (!d)
        return NULL;
    d->is_mutable = is_mutable;
    d->ownership = BYTES_OWNED;
    if (capacity < length)
        capacity = length;
    if (!reserve(d, capacity > 0 ? capacity : 1)) {
        vt_free(d);
        return NULL;
    }
    if (length)
        memcpy(d->bytes, bytes, (size_t)length);
    d->length = length;
    return d;
}

CFDataRef CFDataCreate(CFAllocatorRef allocator, const UInt8 *bytes, CFIndex length) {
    (void)allocator;
    VT_CHECK_ARG(length >= 0, NULL);
    VT_CHECK_ARG(bytes != NULL || length == 0, NULL);
    return data_new(FALSE, bytes, length, 0);
}

CFDataRef CFDataCreateWithBytesNoCopy(CFAllocatorRef allocator, const UInt8 *bytes, CFIndex length,
                                      CFAllocatorRef bytesDeallocator) {
    struct __CFData *d;
    (void)allocator;
    VT_CHECK_ARG(length >= 0, NULL);
    VT_CHECK_ARG(bytes != NULL || length == 0, NULL);
    /* On failure the bytes stay the caller's. */
    d = vt_object_alloc(&vt_cfdata_class, sizeof(*d));
    if (!d)
        return NULL;
    d->is_mutable = FALSE;
    d->ownership = bytesDeallocator == kCFAllocatorNull ? BYTES_BORROWED : BYTES_ADOPTED;
    d->bytes = (UInt8 *)bytes;
    d->length = length;
    d->capacity = length;
    return d;
}

#define CHECK_DATA(d, err) VT_CHECK_ARG(vt_object_is((d), &vt_cfdata_class), err)

CFDataRef CFDataCreateCopy(CFAllocatorRef allocator, CFDataRef theData) {
    (void)allocator;
    CHECK_DATA(theData, NULL);
    return data_new(FALSE, theData->bytes, theData->length, 0);
}

CFMutableDataRef CFDataCreateMutable(CFAllocatorRef allocator, CFIndex capacity) {
    (void)allocator;
    VT_CHECK_ARG(capacity >= 0, NULL);
    if (capacity > (1 << 20))
        capacity = 1 << 20; /* a hint: do not preallocate absurd sizes */
    return data_new(TRUE, NULL, 0, capacity);
}

CFMutableDataRef CFDataCreateMutableCopy(CFAllocatorRef allocator, CFIndex capacity,
                                         CFDataRef theData) {
    (void)allocator;
    VT_CHECK_ARG(capacity >= 0, NULL);
    CHECK_DATA(theData, NULL);
    if (capacity > (1 << 20))
        capacity = 1 << 20;
    return data_new(TRUE, theData->bytes, theData->length, capacity);
}

CFIndex CFDataGetLength(CFDataRef theData) {
    CHECK_DATA(theData, 0);
    return theData->length;
}

const UInt8 *CFDataGetBytePtr(CFDataRef theData) {
    CHECK_DATA(theData, NULL);
    return theData->bytes;
}

UInt8 *CFDataGetMutableBytePtr(CFMutableDataRef theData) {
    CHECK_DATA(theData, NULL);
    if (!theData->is_mutable) {
        vt_error("CFDataGetMutableBytePtr: data %p is immutable", (void *)theData);
        return NULL;
    }
    return theData->bytes;
}

void CFDataGetBytes(CFDataRef theData, CFRange range, UInt8 *buffer) {
    if (!vt_object_is(theData, &vt_cfdata_class) || !buffer) {
        vt_debug("CFDataGetBytes: invalid argument");
        return;
    }
    if (range.location < 0 || range.length < 0 || range.location > theData->length ||
        range.length > theData->length - range.location) {
        vt_error("CFDataGetBytes: range {%ld, %ld} out of bounds (length %ld)",
                 (long)range.location, (long)range.length, (long)theData->length);
        return;
    }
    if (range.length)
        memcpy(buffer, theData->bytes + range.location, (size_t)range.length);
}

/* ---- mutation ---- */

static struct __CFData *mutable_data(CFMutableDataRef d, const char *func) {
    if (!vt_object_is(d, &vt_cfdata_class)) {
        vt_debug("%s: invalid data", func);
        return NULL;
    }
    if (!d->is_mutable) {
        vt_error("%s: data %p is immutable", func, (void *)d);
        return NULL;
    }
    return d;
}

void CFDataSetLength(CFMutableDataRef theData, CFIndex length) {
    struct __CFData *d = mutable_data(theData, __func__);
    if (!d)
        return;
    if (length < 0) {
        vt_error("CFDataSetLength: negative length %ld", (long)length);
        return;
    }
    if (!reserve(d, length)) {
        vt_error("CFDataSetLength: allocation failed");
        return;
    }
    if (length > d->length)
        memset(d->bytes + d->length, 0, (size_t)(length - d->length));
    d->length = length;
}

void CFDataIncreaseLength(CFMutableDataRef theData, CFIndex extraLength) {
    struct __CFData *d = mutable_data(theData, __func__);
    if (!d)
        return;
    if (extraLength < 0 || extraLength > LONG_MAX - d->length) {
        vt_error("CFDataIncreaseLength: invalid length %ld", (long)extraLength);
        return;
    }
    CFDataSetLength(d, d->length + extraLength);
}

void CFDataReplaceBytes(CFMutableDataRef theData, CFRange range, const UInt8 *newBytes,
                        CFIndex newLength) {
    struct __CFData *d = mutable_data(theData, __func__);
    UInt8 *tmp = NULL;
    CFIndex new_total;
    if (!d)
        return;
    if (range.location < 0 || range.length < 0 || range.location > d->length ||
        range.length > d->length - range.location || newLength < 0 ||
        (newLength > 0 && !newBytes)) {
        vt_error("CFDataReplaceBytes: invalid range {%ld, %ld} or bytes (length %ld)",
                 (long)range.location, (long)range.length, (long)d->length);
        return;
    }
    if (newLength > LONG_MAX - (d->length - range.length)) {
        vt_error("CFDataReplaceBytes: length overflow");
        return;
    }
    new_total = d->length - range.length + newLength;
    /* The new bytes may point into our own buffer, which may move. */
    if (newLength > 0 && d->bytes && (uintptr_t)newBytes >= (uintptr_t)d->bytes &&
        (uintptr_t)newBytes < (uintptr_t)d->bytes + (uintptr_t)d->capacity) {
        tmp = vt_malloc((size_t)newLength);
        if (!tmp) {
            vt_error("CFDataReplaceBytes: allocation failed");
            return;
        }
        memcpy(tmp, newBytes, (size_t)newLength);
        newBytes = tmp;
    }
    if (!reserve(d, new_total)) {
        vt_error("CFDataReplaceBytes: allocation failed");
        vt_free(tmp);
        return;
    }
    memmove(d->bytes + range.location + newLength, d->bytes + range.location + range.length,
            (size_t)(d->length - range.location - range.length));
    if (newLength)
        memcpy(d->bytes + range.location, newBytes, (size_t)newLength);
    d->length = new_total;
    vt_free(tmp);
}

void CFDataAppendBytes(CFMutableDataRef theData, const UInt8 *bytes, CFIndex length) {
    struct __CFData *d = mutable_data(theData, __func__);
    if (!d)
        return;
    CFDataReplaceBytes(d, CFRangeMake(d->length, 0), bytes, length);
}

void CFDataDeleteBytes(CFMutableDataRef theData, CFRange range) {
    CFDataReplaceBytes(theData, range, NULL, 0);
}
