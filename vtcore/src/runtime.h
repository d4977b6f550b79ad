/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The CF object model every vtcore object is built on: a class pointer and an
 * atomic retain count at the start of each object (VTObject), one VTClass per
 * CFTypeID with finalize/equal/hash/describe hooks. Constant objects (CFSTR
 * strings, exported keys, booleans) are immortal: retain/release skip them.
 */
#ifndef VTCORE_RUNTIME_H
#define VTCORE_RUNTIME_H

#include <limits.h>

#include <CoreFoundation/CFBase.h>

/* Stable type ids. CFGetTypeID() returns these; the *GetTypeID() functions
 * of each type return the same value. Append only. */
enum VTTypeID {
    VT_TYPE_ID_NOT_A_TYPE = 0,
    VT_TYPE_ID_ALLOCATOR,
    VT_TYPE_ID_STRING,
    VT_TYPE_ID_NUMBER,
    VT_TYPE_ID_BOOLEAN,
    VT_TYPE_ID_DICTIONARY,
    VT_TYPE_ID_ARRAY,
    VT_TYPE_ID_DATA,
    VT_TYPE_ID_URL,
    VT_TYPE_ID_NULL,
    VT_TYPE_ID_ERROR,
    VT_TYPE_ID_BLOCK_BUFFER,
    VT_TYPE_ID_FORMAT_DESCRIPTION,
    VT_TYPE_ID_SAMPLE_BUFFER,
    VT_TYPE_ID_SIMPLE_QUEUE,
    VT_TYPE_ID_PIXEL_BUFFER,
    VT_TYPE_ID_PIXEL_BUFFER_POOL,
    VT_TYPE_ID_COMPRESSION_SESSION,
    VT_TYPE_ID_PIXEL_TRANSFER_SESSION,
    VT_TYPE_ID_PIXEL_ROTATION_SESSION,
    VT_TYPE_ID_MULTI_PASS_STORAGE,
    VT_TYPE_ID_FRAME_SILO,
    VT_TYPE_ID_COUNT
};

typedef struct VTClass {
    const char *name;  /* "CFString", "CVPixelBuffer", ... */
    CFTypeID type_id;  /* one of enum VTTypeID */
    /* Releases what the object owns. The runtime frees the object memory
     * itself afterwards. May be NULL. */
    void (*finalize)(CFTypeRef obj);
    /* Called only for two objects of this class; NULL means identity. */
    Boolean (*equal)(CFTypeRef a, CFTypeRef b);
    /* Must agree with equal; NULL means a pointer hash. */
    CFHashCode (*hash)(CFTypeRef obj);
    /* +1 CFString; NULL means "<name 0x...>". */
    CFStringRef (*copy_description)(CFTypeRef obj);
} VTClass;

typedef struct VTObject {
    const VTClass *cls;
    long refcount; /* accessed with __atomic builtins only */
} VTObject;

#define VT_REFCOUNT_IMMORTAL (LONG_MAX / 2)
#define VT_OBJECT_STATIC_INIT(class_ptr) {(class_ptr), VT_REFCOUNT_IMMORTAL}

/* Allocates a zeroed object of `size` bytes (>= sizeof(VTObject)) with a
 * retain count of 1, through vt_malloc. Returns NULL on allocation failure. */
void *vt_object_alloc(const VTClass *cls, size_t size);

/* True when obj is a live vtcore object of exactly this class. NULL-safe. */
static inline Boolean vt_object_is(CFTypeRef obj, const VTClass *cls) {
    return obj != NULL && ((const VTObject *)obj)->cls == cls;
}

static inline CFTypeID vt_object_type_id(CFTypeRef obj) {
    return obj ? ((const VTObject *)obj)->cls->type_id : VT_TYPE_ID_NOT_A_TYPE;
}

/* Name of a type id for descriptions and logs ("CFString"). */
const char *vt_type_id_name(CFTypeID type_id);

#endif /* VTCORE_RUNTIME_H */
