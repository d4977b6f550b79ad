/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * CVPixelBufferPool: a free list of memory blocks of one layout. Pixel buffer
 * objects are created per CreatePixelBuffer call (so they start without
 * attachments); their memory block comes from the free list and goes back to
 * it in the buffer's finalize (vt_pixel_buffer_pool_return_block). Every pool
 * buffer holds a reference on its pool, so the pool outlives its buffers.
 */
#include "config.h"

#include <string.h>
#include <time.h>

#include <CoreVideo/CVPixelBufferPool.h>

#include "cf/cf_internal.h"
#include "cv/cv_internal.h"
#include "log.h"
#include "mem.h"

VT_DEFINE_CONST_STRING(kCVPixelBufferPoolMinimumBufferCountKey, "MinimumBufferCount");
VT_DEFINE_CONST_STRING(kCVPixelBufferPoolMaximumBufferAgeKey, "MaximumBufferAge");
VT_DEFINE_CONST_STRING(kCVPixelBufferPoolAllocationThresholdKey, "BufferPoolAllocationThreshold");
VT_DEFINE_CONST_STRING(kCVPixelBufferPoolFreeBufferNotification,
                       "BufferPoolFreeBufferNotification");

#define DEFAULT_MAX_AGE 1.0

typedef struct VTPoolBlock {
    void *block;
    double returned_at; /* CLOCK_MONOTONIC seconds */
} VTPoolBlock;

struct __CVPixelBufferPool {
    VTObject base;
    pthread_mutex_t lock;
    CFDictionaryRef attributes;    /* pool attributes as given (or empty) */
    CFDictionaryRef pb_attributes; /* resolved pixel buffer attributes */
    VTPixelBufferLayout layout;
    size_t min_count;
    double max_age; /* seconds; 0 = never age out */
    /* Guarded by lock: */
    VTPoolBlock *free_list; /* LIFO: the last entry is handed out first */
    size_t free_count, free_capacity;
    size_t outstanding; /* pool buffers alive */
    /* External pools (vt_pixel_buffer_pool_create_external): the supplier of
     * the buffers' memory; the free list above stays empty. */
    const VTPixelBufferPoolSource *src;
    void *src_ctx;
};

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* With the lock held: frees the free blocks that are older than the maximum
 * age (all of them when `all`), keeping min_count buffers in the pool
 * (outstanding + free). The oldest blocks are at the front. */
static void purge_locked(CVPixelBufferPoolRef pool, Boolean all) {
    double now = all ? 0 : now_seconds();
    size_t n = 0, i;

    while (n < pool->free_count) {
        if (!all) {
            if (pool->max_age <= 0 || now - pool->free_list[n].returned_at < pool->max_age)
                break;
            if (pool->outstanding + pool->free_count - n <= pool->min_count)
                break;
        }
        vt_pixel_buffer_block_free(pool->free_list[n].block);
        n++;
    }
    if (n) {
        for (i = n; i < pool->free_count; i++)
            pool->free_list[i - n] = pool->free_list[i];
        pool->free_count -= n;
    }
}

static void pool_finalize(CFTypeRef obj) {
    struct __CVPixelBufferPool *pool = (struct __CVPixelBufferPool *)obj;
    size_t i;

    /* No buffer can be alive here: each one holds a pool reference. */
    for (i = 0; i < pool->free_count; i++)
        vt_pixel_buffer_block_free(pool->free_list[i].block);
    vt_free(pool->free_list);
    if (pool->src)
        pool->src->finalize(pool->src_ctx);
    if (pool->attributes)
        CFRelease(pool->attributes);
    if (pool->pb_attributes)
        CFRelease(pool->pb_attributes);
    pthread_mutex_destroy(&pool->lock);
}

const VTClass vt_cvpixelbufferpool_class = {
    .name = "CVPixelBufferPool",
    .type_id = VT_TYPE_ID_PIXEL_BUFFER_POOL,
    .finalize = pool_finalize,
};

CFTypeID CVPixelBufferPoolGetTypeID(void) {
    return VT_TYPE_ID_PIXEL_BUFFER_POOL;
}

static Boolean is_pool(CFTypeRef obj) {
    return vt_object_is(obj, &vt_cvpixelbufferpool_class);
}

/* Reads the pool attributes. */
static CVReturn parse_pool_attributes(CFDictionaryRef attrs, size_t *min_count, double *max_age) {
    CFTypeRef value;
    int64_t count;

    *min_count = 0;
    *max_age = DEFAULT_MAX_AGE;
    if (!attrs)
        return kCVReturnSuccess;
    if (CFGetTypeID(attrs) != CFDictionaryGetTypeID())
        return kCVReturnInvalidPoolAttributes;
    value = vt_cf_dict_get(attrs, kCVPixelBufferPoolMinimumBufferCountKey);
    if (value) {
        if (!vt_cf_get_int64(value, &count) || count < 0)
            return kCVReturnInvalidPoolAttributes;
        *min_count = (size_t)count;
    }
    value = vt_cf_dict_get(attrs, kCVPixelBufferPoolMaximumBufferAgeKey);
    if (value) {
        if (!vt_cf_get_double(value, max_age) || !(*max_age >= 0))
            return kCVReturnInvalidPoolAttributes;
    }
    return kCVReturnSuccess;
}

static void copy_applier(const void *key, const void *value, void *context) {
    /* Client dictionaries built with NULL callbacks hold plain pointers:
     * only CFString keys with a value are taken over (and retained). */
    if (vt_object_is(key, &vt_cfstring_class) && value)
        CFDictionarySetValue((CFMutableDictionaryRef)context, key, value);
}

/* A kCFType-callback copy of `src` (may be NULL: empty), so the pool owns
 * references to every value whatever callbacks the client used. */
static CFMutableDictionaryRef copy_attributes(CFDictionaryRef src) {
    CFMutableDictionaryRef d = vt_cf_dict_new();
    if (d && src)
        CFDictionaryApplyFunction(src, copy_applier, d);
    return d;
}

/* The pixel buffer attributes the pool reports: a copy of the given ones with
 * width, height and the format actually used. NULL on allocation failure. */
static CFDictionaryRef resolve_pb_attributes(CFDictionaryRef given, OSType format, size_t width,
                                             size_t height) {
    CFMutableDictionaryRef d = copy_attributes(given);
    CFNumberRef n[3] = {NULL, NULL, NULL};
    Boolean ok;
    int i;

    if (!d)
        return NULL;
    n[0] = vt_cf_number_int64((int64_t)format);
    n[1] = vt_cf_number_int64((int64_t)width);
    n[2] = vt_cf_number_int64((int64_t)height);
    ok = n[0] && n[1] && n[2];
    if (ok) {
        CFDictionarySetValue(d, kCVPixelBufferPixelFormatTypeKey, n[0]);
        CFDictionarySetValue(d, kCVPixelBufferWidthKey, n[1]);
        CFDictionarySetValue(d, kCVPixelBufferHeightKey, n[2]);
        ok = CFDictionaryGetValue(d, kCVPixelBufferPixelFormatTypeKey) == n[0] &&
             CFDictionaryGetValue(d, kCVPixelBufferWidthKey) == n[1] &&
             CFDictionaryGetValue(d, kCVPixelBufferHeightKey) == n[2];
    }
    for (i = 0; i < 3; i++) {
        if (n[i])
            CFRelease(n[i]);
    }
    if (!ok) {
        CFRelease(d);
        return NULL;
    }
    return d;
}

/* Pool creation from already-decoded parameters. */
static CVReturn pool_create(CFDictionaryRef pool_attrs, CFDictionaryRef given_pb_attrs,
                            OSType format, size_t width, size_t height, CVPixelBufferPoolRef *out) {
    struct __CVPixelBufferPool *pool;
    VTPixelBufferLayout layout;
    size_t min_count;
    double max_age;
    CVReturn ret;

    ret = parse_pool_attributes(pool_attrs, &min_count, &max_age);
    if (ret != kCVReturnSuccess)
        return ret;
    ret = vt_pixel_buffer_layout_init(&layout, format, width, height, given_pb_attrs);
    if (ret != kCVReturnSuccess)
        return ret;
    pool = vt_object_alloc(&vt_cvpixelbufferpool_class, sizeof(*pool));
    if (!pool)
        return kCVReturnAllocationFailed;
    if (pthread_mutex_init(&pool->lock, NULL) != 0) {
        vt_free(pool);
        return kCVReturnAllocationFailed;
    }
    pool->layout = layout;
    pool->min_count = min_count;
    pool->max_age = max_age;
    pool->attributes = copy_attributes(pool_attrs);
    pool->pb_attributes = resolve_pb_attributes(given_pb_attrs, format, width, height);
    if (!pool->attributes || !pool->pb_attributes) {
        CFRelease(pool);
        return kCVReturnAllocationFailed;
    }
    *out = pool;
    return kCVReturnSuccess;
}

CVReturn CVPixelBufferPoolCreate(CFAllocatorRef allocator, CFDictionaryRef poolAttributes,
                                 CFDictionaryRef pixelBufferAttributes,
                                 CVPixelBufferPoolRef *poolOut) {
    int64_t w, h;
    OSType format;
    CVReturn ret;

    (void)allocator;
    VT_CHECK_ARG(poolOut != NULL, kCVReturnInvalidArgument);
    *poolOut = NULL;
    VT_CHECK_ARG(pixelBufferAttributes != NULL &&
                     CFGetTypeID(pixelBufferAttributes) == CFDictionaryGetTypeID(),
                 kCVReturnInvalidPixelBufferAttributes);
    ret = vt_cv_attributes_get_format(pixelBufferAttributes, &format);
    if (ret != kCVReturnSuccess) {
        vt_debug("CVPixelBufferPoolCreate: no usable kCVPixelBufferPixelFormatTypeKey");
        return ret;
    }
    if (!vt_cf_get_int64(vt_cf_dict_get(pixelBufferAttributes, kCVPixelBufferWidthKey), &w) ||
        !vt_cf_get_int64(vt_cf_dict_get(pixelBufferAttributes, kCVPixelBufferHeightKey), &h)) {
        vt_debug("CVPixelBufferPoolCreate: width/height missing");
        return kCVReturnInvalidPixelBufferAttributes;
    }
    if (w <= 0 || h <= 0 || w > VT_CV_MAX_DIMENSION || h > VT_CV_MAX_DIMENSION)
        return kCVReturnInvalidSize;
    return pool_create(poolAttributes, pixelBufferAttributes, format, (size_t)w, (size_t)h,
                       poolOut);
}

CVReturn vt_pixel_buffer_pool_create(OSType format, size_t width, size_t height,
                                     CFDictionaryRef extra, CVPixelBufferPoolRef *out) {
    VT_CHECK_ARG(out != NULL, kCVReturnInvalidArgument);
    *out = NULL;
    if (extra && CFGetTypeID(extra) != CFDictionaryGetTypeID())
        extra = NULL;
    return pool_create(NULL, extra, format, width, height, out);
}

CVReturn vt_pixel_buffer_pool_create_external(OSType format, size_t width, size_t height,
                                              CFDictionaryRef extra,
                                              const VTPixelBufferPoolSource *src, void *ctx,
                                              CVPixelBufferPoolRef *out) {
    CVReturn r;
    VT_CHECK_ARG(out != NULL, kCVReturnInvalidArgument);
    *out = NULL;
    VT_CHECK_ARG(src && src->ops && src->acquire && src->finalize, kCVReturnInvalidArgument);
    if (extra && CFGetTypeID(extra) != CFDictionaryGetTypeID())
        extra = NULL;
    r = pool_create(NULL, extra, format, width, height, out);
    if (r == kCVReturnSuccess) {
        (*out)->src = src;
        (*out)->src_ctx = ctx;
    }
    return r;
}

CVPixelBufferPoolRef CVPixelBufferPoolRetain(CVPixelBufferPoolRef pixelBufferPool) {
    if (!pixelBufferPool)
        return NULL;
    return (CVPixelBufferPoolRef)CFRetain(pixelBufferPool);
}

void CVPixelBufferPoolRelease(CVPixelBufferPoolRef pixelBufferPool) {
    if (pixelBufferPool)
        CFRelease(pixelBufferPool);
}

CFDictionaryRef CVPixelBufferPoolGetAttributes(CVPixelBufferPoolRef pool) {
    return is_pool(pool) ? pool->attributes : NULL;
}

CFDictionaryRef CVPixelBufferPoolGetPixelBufferAttributes(CVPixelBufferPoolRef pool) {
    return is_pool(pool) ? pool->pb_attributes : NULL;
}

/* pool_create_buffer for an external pool: pb gets its memory from the
 * pool's source (nothing mapped yet). */
static CVReturn pool_create_external_buffer(CVPixelBufferPoolRef pool, struct __CVBuffer *pb,
                                            size_t threshold, CVPixelBufferRef *out) {
    void *refcon = NULL;
    CVReturn r;

    pthread_mutex_lock(&pool->lock);
    if (threshold && pool->outstanding >= threshold) {
        pthread_mutex_unlock(&pool->lock);
        CFRelease(pb);
        return kCVReturnWouldExceedAllocationThreshold;
    }
    pool->outstanding++;
    pthread_mutex_unlock(&pool->lock);

    r = pool->src->acquire(pool->src_ctx, &refcon);
    if (r != kCVReturnSuccess) {
        pthread_mutex_lock(&pool->lock);
        pool->outstanding--;
        pthread_mutex_unlock(&pool->lock);
        CFRelease(pb);
        return r;
    }
    pb->memory = VT_PB_MEMORY_EXTERNAL;
    pb->ext_ops = pool->src->ops;
    pb->ext_refcon = refcon;
    pb->pool = CVPixelBufferPoolRetain(pool);
    for (unsigned p = 0; p < pool->layout.plane_count; p++) {
        pb->plane_width[p] = pool->layout.plane_width[p];
        pb->plane_height[p] = pool->layout.plane_height[p];
    }
    /* From here the buffer's finalize releases the memory and the count. */
    if (!vt_pixel_buffer_apply_attribute_attachments(pb, pool->pb_attributes)) {
        CFRelease(pb);
        return kCVReturnAllocationFailed;
    }
    *out = pb;
    return kCVReturnSuccess;
}

/* Creates a buffer, or returns kCVReturnWouldExceedAllocationThreshold when
 * `threshold` (0 = none) buffers are already outstanding. */
static CVReturn pool_create_buffer(CVPixelBufferPoolRef pool, size_t threshold,
                                   CVPixelBufferRef *out) {
    struct __CVBuffer *pb;
    void *block = NULL;

    pb = vt_pixel_buffer_alloc(pool->layout.fmt, pool->layout.width, pool->layout.height);
    if (!pb)
        return kCVReturnAllocationFailed;
    if (pool->src)
        return pool_create_external_buffer(pool, pb, threshold, out);

    pthread_mutex_lock(&pool->lock);
    if (threshold && pool->outstanding >= threshold) {
        pthread_mutex_unlock(&pool->lock);
        CFRelease(pb);
        return kCVReturnWouldExceedAllocationThreshold;
    }
    purge_locked(pool, FALSE);
    if (pool->free_count)
        block = pool->free_list[--pool->free_count].block;
    /* Counted now so a concurrent threshold check sees this buffer. */
    pool->outstanding++;
    pthread_mutex_unlock(&pool->lock);

    if (!block)
        block = vt_malloc_aligned(pool->layout.total_size, pool->layout.alignment);
    if (!block) {
        pthread_mutex_lock(&pool->lock);
        pool->outstanding--;
        pthread_mutex_unlock(&pool->lock);
        CFRelease(pb);
        return kCVReturnPoolAllocationFailed;
    }
    vt_pixel_buffer_attach_block(pb, &pool->layout, block);
    pb->memory = VT_PB_MEMORY_POOL;
    pb->pool = CVPixelBufferPoolRetain(pool);
    /* From here the buffer's finalize returns the block and the count. */
    if (!vt_pixel_buffer_apply_attribute_attachments(pb, pool->pb_attributes)) {
        CFRelease(pb);
        return kCVReturnAllocationFailed;
    }
    *out = pb;
    return kCVReturnSuccess;
}

CVReturn CVPixelBufferPoolCreatePixelBuffer(CFAllocatorRef allocator,
                                            CVPixelBufferPoolRef pixelBufferPool,
                                            CVPixelBufferRef *pixelBufferOut) {
    return CVPixelBufferPoolCreatePixelBufferWithAuxAttributes(allocator, pixelBufferPool, NULL,
                                                               pixelBufferOut);
}

CVReturn CVPixelBufferPoolCreatePixelBufferWithAuxAttributes(CFAllocatorRef allocator,
                                                             CVPixelBufferPoolRef pixelBufferPool,
                                                             CFDictionaryRef auxAttributes,
                                                             CVPixelBufferRef *pixelBufferOut) {
    size_t threshold = 0;
    CFTypeRef value;
    int64_t v;

    (void)allocator;
    VT_CHECK_ARG(pixelBufferOut != NULL, kCVReturnInvalidArgument);
    *pixelBufferOut = NULL;
    VT_CHECK_ARG(is_pool(pixelBufferPool), kCVReturnInvalidArgument);
    if (auxAttributes) {
        VT_CHECK_ARG(CFGetTypeID(auxAttributes) == CFDictionaryGetTypeID(),
                     kCVReturnInvalidArgument);
        value = vt_cf_dict_get(auxAttributes, kCVPixelBufferPoolAllocationThresholdKey);
        if (value) {
            VT_CHECK_ARG(vt_cf_get_int64(value, &v), kCVReturnInvalidArgument);
            /* A threshold of 0 or less admits no buffer at all. */
            if (v <= 0)
                return kCVReturnWouldExceedAllocationThreshold;
            threshold = (size_t)v;
        }
    }
    return pool_create_buffer(pixelBufferPool, threshold, pixelBufferOut);
}

void vt_pixel_buffer_pool_return_block(CVPixelBufferPoolRef pool, void *block) {
    Boolean stored = FALSE;

    pthread_mutex_lock(&pool->lock);
    if (pool->outstanding)
        pool->outstanding--;
    if (block) {
        if (pool->free_count == pool->free_capacity) {
            size_t cap = pool->free_capacity ? pool->free_capacity * 2 : 4;
            VTPoolBlock *list = vt_realloc(pool->free_list, cap * sizeof(*list));
            if (list) {
                pool->free_list = list;
                pool->free_capacity = cap;
            }
        }
        if (pool->free_count < pool->free_capacity) {
            pool->free_list[pool->free_count].block = block;
            pool->free_list[pool->free_count].returned_at = now_seconds();
            pool->free_count++;
            stored = TRUE;
        }
    }
    pthread_mutex_unlock(&pool->lock);
    if (block && !stored)
        vt_pixel_buffer_block_free(block); /* no room in the free list: just free it */
}

void CVPixelBufferPoolFlush(CVPixelBufferPoolRef pool, CVPixelBufferPoolFlushFlags options) {
    if (!is_pool(pool)) {
        vt_debug("CVPixelBufferPoolFlush: invalid pool");
        return;
    }
    pthread_mutex_lock(&pool->lock);
    purge_locked(pool, (options & kCVPixelBufferPoolFlushExcessBuffers) != 0);
    pthread_mutex_unlock(&pool->lock);
    if (pool->src && pool->src->flush)
        pool->src->flush(pool->src_ctx, (options & kCVPixelBufferPoolFlushExcessBuffers) != 0);
}

/* ---- internal helpers ---- */

Boolean vt_pixel_buffer_is_from_pool(CVPixelBufferRef pb, CVPixelBufferPoolRef pool) {
    return vt_is_pixel_buffer(pb) && is_pool(pool) && pb->memory == VT_PB_MEMORY_POOL &&
           pb->pool == pool;
}

const VTPixelFormatInfo *vt_pixel_buffer_pool_format(CVPixelBufferPoolRef pool) {
    return is_pool(pool) ? pool->layout.fmt : NULL;
}

void vt_pixel_buffer_pool_get_size(CVPixelBufferPoolRef pool, size_t *width, size_t *height) {
    Boolean ok = is_pool(pool);
    if (width)
        *width = ok ? pool->layout.width : 0;
    if (height)
        *height = ok ? pool->layout.height : 0;
}

size_t vt_pixel_buffer_pool_free_count(CVPixelBufferPoolRef pool) {
    size_t n;
    if (!is_pool(pool))
        return 0;
    pthread_mutex_lock(&pool->lock);
    n = pool->free_count;
    pthread_mutex_unlock(&pool->lock);
    return n;
}

size_t vt_pixel_buffer_pool_outstanding_count(CVPixelBufferPoolRef pool) {
    size_t n;
    if (!is_pool(pool))
        return 0;
    pthread_mutex_lock(&pool->lock);
    n = pool->outstanding;
    pthread_mutex_unlock(&pool->lock);
    return n;
}
