/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * CoreVideo internals shared with the rest of the library (compression and
 * transfer sessions, converters, CoreMedia) and with the unit tests:
 * the pixel buffer and pool layouts, lock-free plane access, pool helpers.
 */
#ifndef VTCORE_CV_INTERNAL_H
#define VTCORE_CV_INTERNAL_H

#include <pthread.h>
#include <stdint.h>

#include <CoreVideo/CoreVideo.h>

#include "cv/pixel_format.h"
#include "runtime.h"

extern const VTClass vt_cvpixelbuffer_class;
extern const VTClass vt_cvpixelbufferpool_class;

/* Widths and heights above this are kCVReturnInvalidSize. */
#define VT_CV_MAX_DIMENSION 65536

/* Geometry of a buffer vtcore allocates: one memory block holding an optional
 * planar header and the planes. Offsets are from the start of the block. */
typedef struct VTPixelBufferLayout {
    const VTPixelFormatInfo *fmt;
    size_t width, height;
    size_t ext_left, ext_right, ext_top, ext_bottom; /* in pixels, as requested */
    unsigned plane_count;                            /* memory planes: 1 for packed */
    size_t header_size;     /* CVPlanarPixelBufferInfo space (planar formats), else 0 */
    size_t plane_offset[3]; /* offset of the first visible pixel of plane p */
    size_t bytes_per_row[3];
    size_t plane_width[3], plane_height[3]; /* visible, in elements */
    size_t total_size;                      /* bytes of the block */
    size_t alignment;                       /* block (and plane) alignment */
} VTPixelBufferLayout;

/* Where a buffer's pixel memory comes from. */
typedef enum VTPixelBufferMemory {
    VT_PB_MEMORY_OWNED = 0, /* block allocated by vtcore, freed with the buffer */
    VT_PB_MEMORY_POOL,      /* block of a pool, returned to it */
    VT_PB_MEMORY_BYTES,     /* CVPixelBufferCreateWithBytes */
    VT_PB_MEMORY_PLANAR,    /* CVPixelBufferCreateWithPlanarBytes */
    VT_PB_MEMORY_EXTERNAL,  /* memory elsewhere (a VA surface), mapped on demand */
} VTPixelBufferMemory;

/* Memory that lives outside vtcore's heap (a VA-API surface): the CPU sees it
 * only while it is mapped. A buffer of this kind maps it on the first
 * CVPixelBufferLockBaseAddress (or the first internal plane access, see
 * vt_pixel_buffer_get_planes) and unmaps it on the last unlock (or when the
 * owner of the memory needs it back, vt_pixel_buffer_external_unmap). Its
 * base addresses are NULL while unmapped and may differ from one mapping to
 * the next. Every callback runs with the buffer's lock held. */
typedef struct VTPixelBufferExternalOps {
    /* Maps the memory: the first pixel and bytes per row of each memory
     * plane, and the mapped size. kCVReturnSuccess or an error. */
    CVReturn (*map)(void *refcon, CVPixelBufferRef pb, uint8_t *data[3], size_t stride[3],
                    size_t *size);
    /* Ends the CPU access of a successful map(). */
    void (*unmap)(void *refcon);
    /* The buffer is gone (its memory is unmapped): gives refcon back. */
    void (*release)(void *refcon);
} VTPixelBufferExternalOps;

/* The supplier of an external pool's memory (see
 * vt_pixel_buffer_pool_create_external). */
typedef struct VTPixelBufferPoolSource {
    const VTPixelBufferExternalOps *ops;
    /* The memory of one more buffer, in *refcon (released with
     * ops->release). kCVReturnSuccess or kCVReturnPoolAllocationFailed. */
    CVReturn (*acquire)(void *ctx, void **refcon);
    /* CVPixelBufferPoolFlush: drop idle memory (all of it, or what exceeds
     * the pool's needs). May be NULL. */
    void (*flush)(void *ctx, Boolean all);
    /* The pool is destroyed (every refcon has been released). */
    void (*finalize)(void *ctx);
} VTPixelBufferPoolSource;

/* CVBuffer == CVImageBuffer == CVPixelBuffer. */
struct __CVBuffer {
    VTObject base;
    pthread_mutex_t lock; /* attachments and lock counts */
    /* [kCVAttachmentMode_ShouldNotPropagate], [kCVAttachmentMode_ShouldPropagate];
     * created on first use. */
    CFMutableDictionaryRef attachments[2];
    long lock_count;    /* outstanding locks of either kind */
    long ro_lock_count; /* of which read-only */

    const VTPixelFormatInfo *fmt;
    size_t width, height;
    unsigned plane_count; /* memory planes: 1 for packed formats */
    uint8_t *plane[3];    /* first visible pixel of each plane */
    size_t bytes_per_row[3];
    size_t plane_width[3], plane_height[3];
    size_t ext_left, ext_right, ext_top, ext_bottom;
    void *base_address;
    size_t data_size;

    VTPixelBufferMemory memory;
    void *block;               /* OWNED / POOL: the memory block */
    CVPixelBufferPoolRef pool; /* POOL: retained */
    /* BYTES / PLANAR: the client's release callback and its arguments. */
    CVPixelBufferReleaseBytesCallback release_bytes;
    CVPixelBufferReleasePlanarBytesCallback release_planar;
    void *release_refcon;
    void *data_ptr;
    size_t num_planes_arg;
    const void *plane_addresses[3];
    /* EXTERNAL: the memory's callbacks, their argument, whether mapped now
     * (pb->lock). */
    const VTPixelBufferExternalOps *ext_ops;
    void *ext_refcon;
    Boolean ext_mapped;
};

/* TRUE for a live pixel buffer. NULL-safe. */
static inline Boolean vt_is_pixel_buffer(CFTypeRef obj) {
    return vt_object_is(obj, &vt_cvpixelbuffer_class);
}

/* ---- Accessors for other modules (no locking needed: the geometry and the
 * plane pointers never change after creation). All NULL-safe. ---- */

/* The format row of a buffer, or NULL for NULL / not a pixel buffer. */
const VTPixelFormatInfo *vt_pixel_buffer_format(CVPixelBufferRef pb);
/* Memory planes (1 for packed formats, 2 or 3 for planar), 0 for NULL. */
unsigned vt_pixel_buffer_plane_count(CVPixelBufferRef pb);
/* First visible pixel / bytes per row of memory plane p (p = 0 for packed
 * formats, unlike CVPixelBufferGetBaseAddressOfPlane); NULL / 0 when out of
 * range. */
uint8_t *vt_pixel_buffer_plane_data(CVPixelBufferRef pb, unsigned p);
size_t vt_pixel_buffer_plane_stride(CVPixelBufferRef pb, unsigned p);
/* Fills data[3] / stride[3] (unused planes: NULL / 0); returns the plane
 * count (0 for an invalid buffer). An external buffer (VT_PB_MEMORY_EXTERNAL)
 * that is not mapped gets mapped here and stays mapped until its last unlock
 * or vt_pixel_buffer_external_unmap (NULL planes when mapping fails). */
unsigned vt_pixel_buffer_get_planes(CVPixelBufferRef pb, uint8_t *data[3], size_t stride[3]);

/* ---- External memory (VT_PB_MEMORY_EXTERNAL) ---- */

/* The refcon of an external buffer whose memory callbacks are `ops`, NULL
 * for any other buffer. */
void *vt_pixel_buffer_external_refcon(CVPixelBufferRef pb, const VTPixelBufferExternalOps *ops);
/* Whether an external buffer is mapped for the CPU now. */
Boolean vt_pixel_buffer_external_is_mapped(CVPixelBufferRef pb);
/* The device is about to read an external buffer's memory: ends the CPU
 * access now when nobody holds a lock (unmapped afterwards). TRUE when the
 * memory holds everything the CPU wrote: no lock, or read-only locks only
 * (their mapping stays until the last unlock; they write nothing). FALSE
 * when a read-write lock is held or pb is not external. */
Boolean vt_pixel_buffer_external_unmap(CVPixelBufferRef pb);
/* A pool whose buffers' memory comes from `src` (ctx is its argument):
 * format x width x height, `extra` as for vt_pixel_buffer_pool_create. On
 * success the pool owns ctx (src->finalize) and *out is +1; on failure the
 * caller keeps ctx. Returns the CVPixelBufferPoolCreate codes. */
CVReturn vt_pixel_buffer_pool_create_external(OSType format, size_t width, size_t height,
                                              CFDictionaryRef extra,
                                              const VTPixelBufferPoolSource *src, void *ctx,
                                              CVPixelBufferPoolRef *out);

/* TRUE when pb's memory belongs to pool. */
Boolean vt_pixel_buffer_is_from_pool(CVPixelBufferRef pb, CVPixelBufferPoolRef pool);

/* Pool for sessions: a pool of format x width x height buffers. `extra`
 * (may be NULL) is a pixel buffer attribute dictionary whose other keys
 * (alignment, extended pixels, attachments) apply; its format/size keys are
 * overridden. Pool attributes are the defaults. Returns the
 * CVPixelBufferPoolCreate codes; on success *out is +1. */
CVReturn vt_pixel_buffer_pool_create(OSType format, size_t width, size_t height,
                                     CFDictionaryRef extra, CVPixelBufferPoolRef *out);
/* The format row and size of a pool's buffers (NULL / 0 for NULL). */
const VTPixelFormatInfo *vt_pixel_buffer_pool_format(CVPixelBufferPoolRef pool);
void vt_pixel_buffer_pool_get_size(CVPixelBufferPoolRef pool, size_t *width, size_t *height);
/* Test hooks: memory blocks waiting in the free list / buffers alive. */
size_t vt_pixel_buffer_pool_free_count(CVPixelBufferPoolRef pool);
size_t vt_pixel_buffer_pool_outstanding_count(CVPixelBufferPoolRef pool);

/* ---- Shared by the cv/ sources ---- */

/* Reads the pixel format of an attribute dictionary: a CFNumber, or the
 * first entry of a CFArray of CFNumbers that vt_pixel_format_lookup knows
 * (the first entry when none is known). Returns kCVReturnSuccess,
 * kCVReturnInvalidPixelBufferAttributes when the key is missing or of the
 * wrong type. */
CVReturn vt_cv_attributes_get_format(CFDictionaryRef attributes, OSType *format);

/* Computes the layout of an allocated buffer from the table and the
 * alignment / extended-pixel attributes (attributes may be NULL). Returns
 * kCVReturnSuccess, kCVReturnInvalidSize, kCVReturnInvalidPixelFormat,
 * kCVReturnInvalidPixelBufferAttributes. */
CVReturn vt_pixel_buffer_layout_init(VTPixelBufferLayout *layout, OSType format, size_t width,
                                     size_t height, CFDictionaryRef attributes);

/* Allocates a pixel buffer object (no memory attached yet): geometry from
 * fmt/width/height, mutex initialised. NULL on allocation failure. */
struct __CVBuffer *vt_pixel_buffer_alloc(const VTPixelFormatInfo *fmt, size_t width, size_t height);
/* Points a freshly allocated buffer at `block` laid out as `layout` and
 * writes the planar header. */
void vt_pixel_buffer_attach_block(struct __CVBuffer *pb, const VTPixelBufferLayout *layout,
                                  void *block);
/* Applies kCVBufferPropagatedAttachmentsKey / NonPropagated from a pixel
 * buffer attribute dictionary (may be NULL; values that are not dictionaries
 * are ignored). FALSE on allocation failure. */
Boolean vt_pixel_buffer_apply_attribute_attachments(CVBufferRef pb, CFDictionaryRef attributes);

/* Pool side of a pool buffer's destruction: takes the block back (or frees
 * it), and drops the buffer's count. Called by the buffer's finalize before it
 * releases its pool reference. */
void vt_pixel_buffer_pool_return_block(CVPixelBufferPoolRef pool, void *block);
/* Frees a memory block allocated for `layout` (vt_free_aligned). */
void vt_pixel_buffer_block_free(void *block);

#endif /* VTCORE_CV_INTERNAL_H */
