/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Zero-copy input of the VA-API backends: the CVPixelBufferPool that
 * VTCompressionSessionGetPixelBufferPool hands out when a VA backend encodes.
 *
 * Each pool buffer is backed by a VA surface (NV12, or P010 for Main10) of
 * the encode size, created on the encoder context's display. The display is
 * shared (VTVaapiDevice, reference counted) so the pool and its buffers may
 * outlive the encoder.
 *
 * CPU access follows libva's rules: an image derived from a surface
 * (vaDeriveImage) and mapped (vaMapBuffer) is how the CPU reaches the surface
 * memory, and some drivers map through a linear shadow copy that reaches the
 * surface only at vaUnmapBuffer (Intel's iHD with tiled surfaces), so the
 * surface must be unmapped before the GPU reads it. Hence:
 *  - CVPixelBufferLockBaseAddress maps (vaSyncSurface, vaDeriveImage,
 *    vaMapBuffer; strides and plane offsets from the VAImage), the last
 *    CVPixelBufferUnlockBaseAddress unmaps (vaUnmapBuffer, vaDestroyImage).
 *    Base addresses are NULL while the buffer is not locked, and may change
 *    from one lock to the next;
 *  - the compression session asks the encoder first (takes_buffer ->
 *    vt_vaapi_pool_take): a buffer of the encoder's own pools is passed by
 *    identity, never mapped by the session, and encoded from its surface:
 *    no copy, no vaPutImage, no CPU mapping per frame. vtcore's internal
 *    plane accessors map too; a frame given with plane pointers (direct
 *    backend callers) is still recognised by its mapping
 *    (vt_vaapi_pool_claim);
 *  - the compression session retains the buffer until the frame's output
 *    callback, so the surface is not handed out again while the encoder may
 *    still read it; released buffers return their surface to the pool's free
 *    list (reused LIFO); CVPixelBufferPoolFlush and the pool's end destroy
 *    the idle surfaces.
 * Drivers that cannot derive an image of the surface format get no such
 * pool (the session keeps its system-memory pool, and the backend uploads).
 */
#include "config.h"

#include <pthread.h>
#include <string.h>

#include <CoreVideo/CoreVideo.h>
#include <va/va.h>

#include "cf/cf_internal.h"
#include "cv/cv_internal.h"
#include "encoder/vaapi.h"
#include "log.h"
#include "mem.h"

struct VTVaapiDevice {
    VTVaapiDisplay disp;
    long refs; /* atomic */
    pthread_mutex_t lock;
    struct VaSlot *slots; /* every surface of every pool on this display (lock) */
};

typedef struct VaPool VaPool;

/* One surface of a pool. */
typedef struct VaSlot {
    struct VaSlot *next;      /* device list (dev->lock) */
    struct VaSlot *next_free; /* pool free list (pool->lock) */
    VaPool *pool;
    VASurfaceID surface;
    /* While mapped (dev->lock for readers outside the buffer's lock): */
    Boolean mapped;
    VAImage image;
    const uint8_t *addr; /* first luma sample: the key of vt_vaapi_pool_claim */
    CVPixelBufferRef pb; /* the buffer that mapped it (not retained) */
} VaSlot;

struct VaPool {
    VTVaapiDevice *dev; /* reference */
    Boolean p010;
    int enc_width, enc_height;
    pthread_mutex_t lock;
    VaSlot *free_slots;
    size_t n_slots; /* alive (free or in a buffer) */
};

/* ------------------------------------------------------------------ */
/* Shared display                                                      */

VTVaapiDevice *vt_vaapi_device_adopt(VTVaapiDisplay *d) {
    VTVaapiDevice *dev;
    if (!d || !d->dpy)
        return NULL;
    dev = vt_calloc(1, sizeof(*dev));
    if (!dev)
        return NULL;
    if (pthread_mutex_init(&dev->lock, NULL) != 0) {
        vt_free(dev);
        return NULL;
    }
    dev->disp = *d;
    dev->refs = 1;
    return dev;
}

VTVaapiDevice *vt_vaapi_device_ref(VTVaapiDevice *dev) {
    __atomic_add_fetch(&dev->refs, 1, __ATOMIC_RELAXED);
    return dev;
}

const VTVaapiDisplay *vt_vaapi_device_display(const VTVaapiDevice *dev) {
    return &dev->disp;
}

void vt_vaapi_device_unref(VTVaapiDevice *dev) {
    if (!dev || __atomic_sub_fetch(&dev->refs, 1, __ATOMIC_ACQ_REL) != 0)
        return;
    /* every pool holds a reference: no slot is left here */
    vt_vaapi_display_close(&dev->disp);
    pthread_mutex_destroy(&dev->lock);
    vt_free(dev);
}

/* ------------------------------------------------------------------ */
/* Surfaces                                                            */

static uint32_t pool_fourcc(const VaPool *p) {
    return p->p010 ? VA_FOURCC_P010 : VA_FOURCC_NV12;
}

/* A new surface (not yet in any list). */
static VaSlot *slot_create(VaPool *p) {
    VADisplay dpy = p->dev->disp.dpy;
    VASurfaceAttrib attr;
    VaSlot *s = vt_calloc(1, sizeof(*s));
    VAStatus st;

    if (!s)
        return NULL;
    memset(&attr, 0, sizeof(attr));
    attr.type = VASurfaceAttribPixelFormat;
    attr.flags = VA_SURFACE_ATTRIB_SETTABLE;
    attr.value.type = VAGenericValueTypeInteger;
    attr.value.value.i = (int)pool_fourcc(p);
    st =
        vaCreateSurfaces(dpy, p->p010 ? VA_RT_FORMAT_YUV420_10 : VA_RT_FORMAT_YUV420,
                         (unsigned)p->enc_width, (unsigned)p->enc_height, &s->surface, 1, &attr, 1);
    if (st != VA_STATUS_SUCCESS) {
        vt_vaapi_status(st, "vaCreateSurfaces (pool)", FALSE);
        vt_free(s);
        return NULL;
    }
    s->pool = p;
    pthread_mutex_lock(&p->dev->lock);
    s->next = p->dev->slots;
    p->dev->slots = s;
    pthread_mutex_unlock(&p->dev->lock);
    return s;
}

/* Destroys an idle (unmapped, free) surface. */
static void slot_destroy(VaSlot *s) {
    VTVaapiDevice *dev = s->pool->dev;
    pthread_mutex_lock(&dev->lock);
    for (VaSlot **pp = &dev->slots; *pp; pp = &(*pp)->next) {
        if (*pp == s) {
            *pp = s->next;
            break;
        }
    }
    pthread_mutex_unlock(&dev->lock);
    vaDestroySurfaces(dev->disp.dpy, &s->surface, 1);
    vt_free(s);
}

/* Derives and maps the surface's image. */
static VAStatus slot_map(VaSlot *s, VAImage *image, uint8_t **addr) {
    VADisplay dpy = s->pool->dev->disp.dpy;
    void *p = NULL;
    VAStatus st = vaSyncSurface(dpy, s->surface);
    if (st != VA_STATUS_SUCCESS)
        return st;
    st = vaDeriveImage(dpy, s->surface, image);
    if (st != VA_STATUS_SUCCESS)
        return st;
    if (image->format.fourcc != pool_fourcc(s->pool) || image->num_planes != 2 ||
        image->width < s->pool->enc_width || image->height < s->pool->enc_height) {
        vaDestroyImage(dpy, image->image_id);
        return VA_STATUS_ERROR_INVALID_IMAGE_FORMAT;
    }
    st = vaMapBuffer(dpy, image->buf, &p);
    if (st != VA_STATUS_SUCCESS) {
        vaDestroyImage(dpy, image->image_id);
        return st;
    }
    *addr = p;
    return VA_STATUS_SUCCESS;
}

static void slot_unmap_image(VaSlot *s, const VAImage *image) {
    VADisplay dpy = s->pool->dev->disp.dpy;
    VAStatus st = vaUnmapBuffer(dpy, image->buf);
    if (st != VA_STATUS_SUCCESS)
        vt_vaapi_status(st, "vaUnmapBuffer (pool)", FALSE);
    st = vaDestroyImage(dpy, image->image_id);
    if (st != VA_STATUS_SUCCESS)
        vt_vaapi_status(st, "vaDestroyImage (pool)", FALSE);
}

/* ------------------------------------------------------------------ */
/* CVPixelBuffer memory callbacks (the buffer's lock is held)          */

static CVReturn buf_map(void *refcon, CVPixelBufferRef pb, uint8_t *data[3], size_t stride[3],
                        size_t *size) {
    VaSlot *s = refcon;
    VTVaapiDevice *dev = s->pool->dev;
    VAImage image;
    uint8_t *addr = NULL;
    VAStatus st = slot_map(s, &image, &addr);
    if (st != VA_STATUS_SUCCESS) {
        vt_vaapi_status(st, "mapping a pool surface", FALSE);
        return kCVReturnError;
    }
    data[0] = addr + image.offsets[0];
    data[1] = addr + image.offsets[1];
    stride[0] = image.pitches[0];
    stride[1] = image.pitches[1];
    *size = image.data_size;
    pthread_mutex_lock(&dev->lock);
    s->image = image;
    s->addr = data[0];
    s->pb = pb;
    s->mapped = TRUE;
    pthread_mutex_unlock(&dev->lock);
    return kCVReturnSuccess;
}

static void buf_unmap(void *refcon) {
    VaSlot *s = refcon;
    VTVaapiDevice *dev = s->pool->dev;
    VAImage image;
    pthread_mutex_lock(&dev->lock);
    image = s->image;
    s->mapped = FALSE;
    s->addr = NULL;
    s->pb = NULL;
    pthread_mutex_unlock(&dev->lock);
    slot_unmap_image(s, &image);
}

static void buf_release(void *refcon) {
    VaSlot *s = refcon;
    VaPool *p = s->pool;
    pthread_mutex_lock(&p->lock);
    s->next_free = p->free_slots;
    p->free_slots = s;
    pthread_mutex_unlock(&p->lock);
}

static const VTPixelBufferExternalOps buf_ops = {
    .map = buf_map,
    .unmap = buf_unmap,
    .release = buf_release,
};

/* ------------------------------------------------------------------ */
/* Pool callbacks                                                      */

static CVReturn pool_acquire(void *ctx, void **refcon) {
    VaPool *p = ctx;
    VaSlot *s;
    pthread_mutex_lock(&p->lock);
    s = p->free_slots;
    if (s)
        p->free_slots = s->next_free;
    pthread_mutex_unlock(&p->lock);
    if (!s) {
        s = slot_create(p);
        if (!s)
            return kCVReturnPoolAllocationFailed;
        pthread_mutex_lock(&p->lock);
        p->n_slots++;
        pthread_mutex_unlock(&p->lock);
    }
    s->next_free = NULL;
    *refcon = s;
    return kCVReturnSuccess;
}

/* Destroys the idle surfaces. */
static void pool_flush(void *ctx, Boolean all) {
    VaPool *p = ctx;
    VaSlot *list;
    (void)all; /* idle VA surfaces are never kept on purpose: drop them all */
    pthread_mutex_lock(&p->lock);
    list = p->free_slots;
    p->free_slots = NULL;
    pthread_mutex_unlock(&p->lock);
    while (list) {
        VaSlot *next = list->next_free;
        slot_destroy(list);
        pthread_mutex_lock(&p->lock);
        p->n_slots--;
        pthread_mutex_unlock(&p->lock);
        list = next;
    }
}

static void pool_finalize(void *ctx) {
    VaPool *p = ctx;
    pool_flush(p, TRUE);
    if (p->n_slots)
        vt_warn("vaapi: pool destroyed with %zu surface(s) in use", p->n_slots);
    vt_vaapi_device_unref(p->dev);
    pthread_mutex_destroy(&p->lock);
    vt_free(p);
}

static const VTPixelBufferPoolSource pool_source = {
    .ops = &buf_ops,
    .acquire = pool_acquire,
    .flush = pool_flush,
    .finalize = pool_finalize,
};

/* ------------------------------------------------------------------ */
/* Entry points                                                        */

OSStatus vt_vaapi_pool_create(VTVaapiDevice *dev, Boolean p010, int enc_width, int enc_height,
                              uint32_t format, int32_t width, int32_t height,
                              const void *attributes, struct __CVPixelBufferPool **pool) {
    VaPool *p;
    VaSlot *s;
    VAImage image;
    uint8_t *addr = NULL;
    VAStatus st;
    CVReturn r;

    if (!pool)
        return kVTParameterErr;
    *pool = NULL;
    if (!dev || width <= 0 || height <= 0 || width > enc_width || height > enc_height)
        return kVTPropertyNotSupportedErr;
    if (vt_vaapi_format_is_p010(format) != p010 ||
        (!p010 && format != VT_ENC_FORMAT_NV12 && format != VT_ENC_FORMAT_NV12_FR))
        return kVTPropertyNotSupportedErr;

    p = vt_calloc(1, sizeof(*p));
    if (!p)
        return kVTAllocationFailedErr;
    if (pthread_mutex_init(&p->lock, NULL) != 0) {
        vt_free(p);
        return kVTAllocationFailedErr;
    }
    p->dev = vt_vaapi_device_ref(dev);
    p->p010 = p010;
    p->enc_width = enc_width;
    p->enc_height = enc_height;

    /* The first surface tells whether the driver maps surfaces at all. */
    s = slot_create(p);
    if (!s) {
        pool_finalize(p);
        return kVTPropertyNotSupportedErr;
    }
    p->n_slots = 1;
    st = slot_map(s, &image, &addr);
    if (st != VA_STATUS_SUCCESS) {
        vt_debug("vaapi: no VA-surface pool (%s): the session keeps system memory", vaErrorStr(st));
        slot_destroy(s);
        p->n_slots = 0;
        pool_finalize(p);
        return kVTPropertyNotSupportedErr;
    }
    slot_unmap_image(s, &image);
    s->next_free = NULL;
    p->free_slots = s;

    r = vt_pixel_buffer_pool_create_external((OSType)format, (size_t)width, (size_t)height,
                                             (CFDictionaryRef)attributes, &pool_source, p, pool);
    if (r != kCVReturnSuccess) {
        pool_finalize(p);
        return r == kCVReturnAllocationFailed ? kVTAllocationFailedErr : kVTPropertyNotSupportedErr;
    }
    vt_debug("vaapi: VA-surface pool %dx%d (%s surfaces %dx%d)", width, height,
             p010 ? "P010" : "NV12", enc_width, enc_height);
    return noErr;
}

Boolean vt_vaapi_pool_claim(VTVaapiDevice *dev, const VTEncoderFrame *frame, Boolean p010,
                            int enc_width, int enc_height, VASurfaceID *surface) {
    CVPixelBufferRef pb = NULL;
    VASurfaceID id = VA_INVALID_SURFACE;

    if (!dev || !frame || !frame->planes[0] || !surface)
        return FALSE;
    if (vt_vaapi_format_is_p010(frame->pixel_format) != p010)
        return FALSE;
    pthread_mutex_lock(&dev->lock);
    for (VaSlot *s = dev->slots; s; s = s->next) {
        if (s->mapped && s->addr == frame->planes[0] && s->pool->p010 == p010 &&
            s->pool->enc_width == enc_width && s->pool->enc_height == enc_height) {
            pb = s->pb;
            id = s->surface;
            break;
        }
    }
    pthread_mutex_unlock(&dev->lock);
    /* The session holds pb until the frame's output: it cannot go away. The
     * mapping ends here (or with the last read-only lock, such as the
     * session's own around encode()) so that the surface holds what the CPU
     * wrote; a read-write lock held now means the CPU may still be writing:
     * upload then. */
    if (!pb || !vt_pixel_buffer_external_unmap(pb))
        return FALSE;
    *surface = id;
    return TRUE;
}

Boolean vt_vaapi_pool_take(VTVaapiDevice *dev, const void *pixel_buffer, Boolean p010,
                           int enc_width, int enc_height) {
    CVPixelBufferRef pb = (CVPixelBufferRef)pixel_buffer;
    const VaSlot *s;
    if (!dev || !pb)
        return FALSE;
    s = vt_pixel_buffer_external_refcon(pb, &buf_ops);
    if (!s || s->pool->dev != dev || s->pool->p010 != p010 || s->pool->enc_width != enc_width ||
        s->pool->enc_height != enc_height)
        return FALSE;
    /* mapped: end the mapping so the surface holds what the CPU wrote; a
     * read-write lock held now means the CPU may still be writing */
    if (vt_pixel_buffer_external_is_mapped(pb) && !vt_pixel_buffer_external_unmap(pb))
        return FALSE;
    return TRUE;
}

VASurfaceID vt_vaapi_pixel_buffer_surface(const void *pixel_buffer) {
    CVPixelBufferRef pb = (CVPixelBufferRef)pixel_buffer;
    const VaSlot *s = vt_pixel_buffer_external_refcon(pb, &buf_ops);
    return s ? s->surface : VA_INVALID_SURFACE;
}
