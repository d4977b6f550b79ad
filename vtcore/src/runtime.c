/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <CoreFoundation/CoreFoundation.h>

#include "cf/cf_internal.h"
#include "log.h"
#include "mem.h"
#include "runtime.h"

static const char *const type_names[VT_TYPE_ID_COUNT] = {
    [VT_TYPE_ID_NOT_A_TYPE] = "NotAType",
    [VT_TYPE_ID_ALLOCATOR] = "CFAllocator",
    [VT_TYPE_ID_STRING] = "CFString",
    [VT_TYPE_ID_NUMBER] = "CFNumber",
    [VT_TYPE_ID_BOOLEAN] = "CFBoolean",
    [VT_TYPE_ID_DICTIONARY] = "CFDictionary",
    [VT_TYPE_ID_ARRAY] = "CFArray",
    [VT_TYPE_ID_DATA] = "CFData",
    [VT_TYPE_ID_URL] = "CFURL",
    [VT_TYPE_ID_NULL] = "CFNull",
    [VT_TYPE_ID_ERROR] = "CFError",
    [VT_TYPE_ID_BLOCK_BUFFER] = "CMBlockBuffer",
    [VT_TYPE_ID_FORMAT_DESCRIPTION] = "CMFormatDescription",
    [VT_TYPE_ID_SAMPLE_BUFFER] = "CMSampleBuffer",
    [VT_TYPE_ID_SIMPLE_QUEUE] = "CMSimpleQueue",
    [VT_TYPE_ID_PIXEL_BUFFER] = "CVPixelBuffer",
    [VT_TYPE_ID_PIXEL_BUFFER_POOL] = "CVPixelBufferPool",
    [VT_TYPE_ID_COMPRESSION_SESSION] = "VTCompressionSession",
    [VT_TYPE_ID_PIXEL_TRANSFER_SESSION] = "VTPixelTransferSession",
    [VT_TYPE_ID_PIXEL_ROTATION_SESSION] = "VTPixelRotationSession",
    [VT_TYPE_ID_MULTI_PASS_STORAGE] = "VTMultiPassStorage",
    [VT_TYPE_ID_FRAME_SILO] = "VTFrameSilo",
};

const char *vt_type_id_name(CFTypeID type_id) {
    if (type_id >= VT_TYPE_ID_COUNT || !type_names[type_id])
        return "NotAType";
    return type_names[type_id];
}

void *vt_object_alloc(const VTClass *cls, size_t size) {
    VTObject *obj;
    if (size < sizeof(VTObject))
        size = sizeof(VTObject);
    obj = vt_calloc(1, size);
    if (!obj)
        return NULL;
    obj->cls = cls;
    obj->refcount = 1;
    return obj;
}

/* ---- allocators: immortal tokens; vtcore always allocates through vt_malloc ---- */

struct __CFAllocator {
    VTObject base;
    const char *name;
};

static const VTClass allocator_class = {
    .name = "CFAllocator",
    .type_id = VT_TYPE_ID_ALLOCATOR,
};

static struct __CFAllocator alloc_system = {VT_OBJECT_STATIC_INIT(&allocator_class), "system"};
static struct __CFAllocator alloc_malloc = {VT_OBJECT_STATIC_INIT(&allocator_class), "malloc"};
static struct __CFAllocator alloc_null = {VT_OBJECT_STATIC_INIT(&allocator_class), "null"};
static struct __CFAllocator alloc_context = {VT_OBJECT_STATIC_INIT(&allocator_class), "context"};

const CFAllocatorRef kCFAllocatorSystemDefault = &alloc_system;
const CFAllocatorRef kCFAllocatorMalloc = &alloc_malloc;
const CFAllocatorRef kCFAllocatorNull = &alloc_null;
const CFAllocatorRef kCFAllocatorUseContext = &alloc_context;

CFTypeID CFAllocatorGetTypeID(void) {
    return VT_TYPE_ID_ALLOCATOR;
}

CFAllocatorRef CFAllocatorGetDefault(void) {
    return kCFAllocatorSystemDefault;
}

/* ---- CFType lifetime ---- */

CFTypeRef CFRetain(CFTypeRef cf) {
    VTObject *obj = (VTObject *)cf;
    if (!obj) {
        vt_error("CFRetain called with NULL");
        return NULL;
    }
    if (__atomic_load_n(&obj->refcount, __ATOMIC_RELAXED) >= VT_REFCOUNT_IMMORTAL)
        return cf;
    __atomic_fetch_add(&obj->refcount, 1, __ATOMIC_RELAXED);
    return cf;
}

void CFRelease(CFTypeRef cf) {
    VTObject *obj = (VTObject *)cf;
    long prev;
    if (!obj) {
        vt_error("CFRelease called with NULL");
        return;
    }
    if (__atomic_load_n(&obj->refcount, __ATOMIC_RELAXED) >= VT_REFCOUNT_IMMORTAL)
        return;
    prev = __atomic_fetch_sub(&obj->refcount, 1, __ATOMIC_ACQ_REL);
    if (prev == 1) {
        if (obj->cls->finalize)
            obj->cls->finalize(cf);
        vt_free(obj);
    } else if (prev <= 0) {
        vt_error("CFRelease: over-release of %s %p", obj->cls->name, cf);
    }
}

CFTypeRef CFAutorelease(CFTypeRef cf) {
    /* There is no autorelease pool on Linux: the reference is kept. */
    return cf;
}

CFIndex CFGetRetainCount(CFTypeRef cf) {
    const VTObject *obj = cf;
    long rc;
    if (!obj)
        return 0;
    rc = __atomic_load_n(&obj->refcount, __ATOMIC_RELAXED);
    return rc >= VT_REFCOUNT_IMMORTAL ? (CFIndex)LONG_MAX : (CFIndex)rc;
}

CFTypeID CFGetTypeID(CFTypeRef cf) {
    return vt_object_type_id(cf);
}

CFAllocatorRef CFGetAllocator(CFTypeRef cf) {
    (void)cf;
    return kCFAllocatorSystemDefault;
}

Boolean CFEqual(CFTypeRef cf1, CFTypeRef cf2) {
    const VTObject *a = cf1, *b = cf2;
    if (a == b)
        return TRUE;
    if (!a || !b || a->cls != b->cls)
        return FALSE;
    return a->cls->equal ? a->cls->equal(cf1, cf2) : FALSE;
}

CFHashCode CFHash(CFTypeRef cf) {
    const VTObject *obj = cf;
    if (!obj)
        return 0;
    if (obj->cls->hash)
        return obj->cls->hash(cf);
    return (CFHashCode)(uintptr_t)cf >> 4;
}

CFStringRef CFCopyDescription(CFTypeRef cf) {
    const VTObject *obj = cf;
    char buf[96];
    if (!obj)
        return NULL;
    if (obj->cls->copy_description)
        return obj->cls->copy_description(cf);
    snprintf(buf, sizeof(buf), "<%s %p>", obj->cls->name, cf);
    return CFStringCreateWithCString(NULL, buf, kCFStringEncodingUTF8);
}

CFStringRef CFCopyTypeIDDescription(CFTypeID type_id) {
    return CFStringCreateWithCString(NULL, vt_type_id_name(type_id), kCFStringEncodingUTF8);
}
