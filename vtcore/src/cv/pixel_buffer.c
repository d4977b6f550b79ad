/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * CVPixelBuffer: creation (allocated, wrapping client bytes, wrapping client
 * planes), accessors, locking, extended pixels. Every size and stride comes
 * from the pixel-format table (pixel_format.c) through
 * vt_pixel_buffer_layout_init().
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <CoreVideo/CVPixelBuffer.h>

#include "cf/cf_internal.h"
#include "cv/cv_internal.h"
#include "log.h"
#include "mem.h"

/* clang-format off */
VT_DEFINE_CONST_STRING(kCVPixelBufferPixelFormatTypeKey, "PixelFormatType");
VT_DEFINE_CONST_STRING(kCVPixelBufferMemoryAllocatorKey, "MemoryAllocator");
VT_DEFINE_CONST_STRING(kCVPixelBufferWidthKey, "Width");
VT_DEFINE_CONST_STRING(kCVPixelBufferHeightKey, "Height");
VT_DEFINE_CONST_STRING(kCVPixelBufferExtendedPixelsLeftKey, "ExtendedPixelsLeft");
VT_DEFINE_CONST_STRING(kCVPixelBufferExtendedPixelsTopKey, "ExtendedPixelsTop");
VT_DEFINE_CONST_STRING(kCVPixelBufferExtendedPixelsRightKey, "ExtendedPixelsRight");
VT_DEFINE_CONST_STRING(kCVPixelBufferExtendedPixelsBottomKey, "ExtendedPixelsBottom");
VT_DEFINE_CONST_STRING(kCVPixelBufferBytesPerRowAlignmentKey, "BytesPerRowAlignment");
VT_DEFINE_CONST_STRING(kCVPixelBufferPlaneAlignmentKey, "PlaneAlignment");
VT_DEFINE_CONST_STRING(kCVPixelBufferCGBitmapContextCompatibilityKey, "CGBitmapContextCompatibility");
VT_DEFINE_CONST_STRING(kCVPixelBufferCGImageCompatibilityKey, "CGImageCompatibility");
VT_DEFINE_CONST_STRING(kCVPixelBufferOpenGLCompatibilityKey, "OpenGLCompatibility");
VT_DEFINE_CONST_STRING(kCVPixelBufferOpenGLESCompatibilityKey, "OpenGLESCompatibility");
VT_DEFINE_CONST_STRING(kCVPixelBufferOpenGLESTextureCacheCompatibilityKey, "OpenGLESTextureCacheCompatibility");
VT_DEFINE_CONST_STRING(kCVPixelBufferMetalCompatibilityKey, "MetalCompatibility");
VT_DEFINE_CONST_STRING(kCVPixelBufferIOSurfacePropertiesKey, "IOSurfaceProperties");
VT_DEFINE_CONST_STRING(kCVPixelBufferIOSurfaceOpenGLTextureCompatibilityKey, "IOSurfaceOpenGLTextureCompatibility");
VT_DEFINE_CONST_STRING(kCVPixelBufferIOSurfaceOpenGLFBOCompatibilityKey, "IOSurfaceOpenGLFBOCompatibility");
VT_DEFINE_CONST_STRING(kCVPixelBufferIOSurfaceCoreAnimationCompatibilityKey, "IOSurfaceCoreAnimationCompatibility");
VT_DEFINE_CONST_STRING(kCVPixelBufferIOSurfaceOpenGLESTextureCompatibilityKey, "IOSurfaceOpenGLESTextureCompatibility");
VT_DEFINE_CONST_STRING(kCVPixelBufferIOSurfaceOpenGLESFBOCompatibilityKey, "IOSurfaceOpenGLESFBOCompatibility");
/* clang-format on */

/* Alignment attributes above this are rejected. */
#define MAX_ALIGNMENT 65536

/* ---- class ---- */

static void pixel_buffer_finalize(CFTypeRef obj) {
    struct __CVBuffer *pb = (struct __CVBuffer *)obj;
    int mode;

    if (pb->lock_count)
        vt_debug("CVPixelBuffer %p destroyed while locked (%ld locks)", (void *)pb, pb->lock_count);
    for (mode = 0; mode < 2; mode++) {
        if (pb->attachments[mode])
            CFRelease(pb->attachments[mode]);
    }
    switch (pb->memory) {
    case VT_PB_MEMORY_OWNED:
        vt_pixel_buffer_block_free(pb->block);
        break;
    case VT_PB_MEMORY_POOL:
        vt_pixel_buffer_pool_return_block(pb->pool, pb->block);
        CFRelease(pb->pool);
        break;
    case VT_PB_MEMORY_BYTES:
        if (pb->release_bytes)
            pb->release_bytes(pb->release_refcon, pb->base_address);
        break;
    case VT_PB_MEMORY_EXTERNAL:
        if (pb->ext_mapped)
            pb->ext_ops->unmap(pb->ext_refcon);
        pb->ext_mapped = FALSE;
        pb->ext_ops->release(pb->ext_refcon);
        vt_pixel_buffer_pool_return_block(pb->pool, NULL);
        CFRelease(pb->pool);
        break;
    case VT_PB_MEMORY_PLANAR:
        if (pb->release_planar)
            pb->release_planar(pb->release_refcon, pb->data_ptr, pb->data_size, pb->num_planes_arg,
                               pb->plane_addresses);
        break;
    }
    pthread_mutex_destroy(&pb->lock);
}

static CFStringRef pixel_buffer_copy_description(CFTypeRef obj) {
    const struct __CVBuffer *pb = obj;
    char buf[160];
    OSType f = pb->fmt->fourcc;
    snprintf(buf, sizeof(buf), "<CVPixelBuffer %p %zux%zu %s (0x%08x) planes=%u>", obj, pb->width,
             pb->height, pb->fmt->name, (unsigned)f, pb->plane_count);
    return CFStringCreateWithCString(NULL, buf, kCFStringEncodingUTF8);
}

const VTClass vt_cvpixelbuffer_class = {
    .name = "CVPixelBuffer",
    .type_id = VT_TYPE_ID_PIXEL_BUFFER,
    .finalize = pixel_buffer_finalize,
    .copy_description = pixel_buffer_copy_description,
};

CFTypeID CVPixelBufferGetTypeID(void) {
    return VT_TYPE_ID_PIXEL_BUFFER;
}

/* ---- attribute parsing ---- */

/* A non-negative integer attribute; absent = `dflt`. FALSE for a value of
 * the wrong type, negative, or above `max`. */
static Boolean attr_size(CFDictionaryRef attributes, CFStringRef key, size_t dflt, size_t max,
                         size_t *out) {
    CFTypeRef value = attributes ? vt_cf_dict_get(attributes, key) : NULL;
    int64_t v;

    *out = dflt;
    if (!value)
        return TRUE;
    if (!vt_cf_get_int64(value, &v) || v < 0 || (uint64_t)v > max) {
        vt_debug("pixel buffer attribute %s: invalid value", vt_cfstring_cstr(key));
        return FALSE;
    }
    *out = (size_t)v;
    return TRUE;
}

CVReturn vt_cv_attributes_get_format(CFDictionaryRef attributes, OSType *format) {
    CFTypeRef value =
        attributes ? vt_cf_dict_get(attributes, kCVPixelBufferPixelFormatTypeKey) : NULL;
    int64_t v;

    if (!value)
        return kCVReturnInvalidPixelBufferAttributes;
    if (CFGetTypeID(value) == CFArrayGetTypeID()) {
        CFIndex i, n = CFArrayGetCount(value);
        Boolean have_first = FALSE;
        OSType first = 0;
        for (i = 0; i < n; i++) {
            if (!vt_cf_get_int64(CFArrayGetValueAtIndex(value, i), &v))
                return kCVReturnInvalidPixelBufferAttributes;
            if (vt_pixel_format_lookup((OSType)v)) {
                *format = (OSType)v;
                return kCVReturnSuccess;
            }
            if (!have_first) {
                first = (OSType)v;
                have_first = TRUE;
            }
        }
        if (!have_first)
            return kCVReturnInvalidPixelBufferAttributes;
        *format = first;
        return kCVReturnSuccess;
    }
    if (!vt_cf_get_int64(value, &v))
        return kCVReturnInvalidPixelBufferAttributes;
    *format = (OSType)v;
    return kCVReturnSuccess;
}

static size_t round_up(size_t v, size_t align) {
    size_t r = v % align;
    return r ? v + (align - r) : v;
}

static size_t round_up_pow2(size_t v) {
    size_t p = 1;
    while (p < v)
        p <<= 1;
    return p;
}

/* Extended pixels of plane p in elements (x) / rows (y): the chroma planes
 * of subsampled formats get the rounded-up share. */
static void plane_ext(const VTPixelFormatInfo *f, unsigned p, size_t left, size_t right, size_t top,
                      size_t bottom, size_t out[4]) {
    out[0] = vt_pixel_format_plane_width(f, p, left);
    out[1] = vt_pixel_format_plane_width(f, p, right);
    out[2] = vt_pixel_format_plane_height(f, p, top);
    out[3] = vt_pixel_format_plane_height(f, p, bottom);
}

CVReturn vt_pixel_buffer_layout_init(VTPixelBufferLayout *layout, OSType format, size_t width,
                                     size_t height, CFDictionaryRef attributes) {
    const VTPixelFormatInfo *f = vt_pixel_format_lookup(format);
    size_t row_align, plane_align, off;
    unsigned p;

    memset(layout, 0, sizeof(*layout));
    if (!f)
        return kCVReturnInvalidPixelFormat;
    if (width == 0 || height == 0 || width > VT_CV_MAX_DIMENSION || height > VT_CV_MAX_DIMENSION)
        return kCVReturnInvalidSize;
    if (!attr_size(attributes, kCVPixelBufferBytesPerRowAlignmentKey, 0, MAX_ALIGNMENT,
                   &row_align) ||
        !attr_size(attributes, kCVPixelBufferPlaneAlignmentKey, 0, MAX_ALIGNMENT, &plane_align) ||
        !attr_size(attributes, kCVPixelBufferExtendedPixelsLeftKey, 0, VT_CV_MAX_DIMENSION,
                   &layout->ext_left) ||
        !attr_size(attributes, kCVPixelBufferExtendedPixelsRightKey, 0, VT_CV_MAX_DIMENSION,
                   &layout->ext_right) ||
        !attr_size(attributes, kCVPixelBufferExtendedPixelsTopKey, 0, VT_CV_MAX_DIMENSION,
                   &layout->ext_top) ||
        !attr_size(attributes, kCVPixelBufferExtendedPixelsBottomKey, 0, VT_CV_MAX_DIMENSION,
                   &layout->ext_bottom))
        return kCVReturnInvalidPixelBufferAttributes;
    if (row_align == 0)
        row_align = VT_PLANE_ALIGN;
    plane_align = round_up_pow2(plane_align);
    if (plane_align < VT_PLANE_ALIGN)
        plane_align = VT_PLANE_ALIGN;

    layout->fmt = f;
    layout->width = width;
    layout->height = height;
    layout->alignment = plane_align;
    layout->plane_count = vt_pixel_format_plane_count(f);
    if (f->planes == 3)
        layout->header_size = round_up(sizeof(CVPlanarPixelBufferInfo_YCbCrPlanar), plane_align);
    else if (f->planes == 2)
        layout->header_size = round_up(sizeof(CVPlanarPixelBufferInfo_YCbCrBiPlanar), plane_align);

    /* Bounded by VT_CV_MAX_DIMENSION and MAX_ALIGNMENT, none of these can
     * overflow a 64-bit size_t; the checks keep 32-bit builds honest. */
    off = layout->header_size;
    for (p = 0; p < layout->plane_count; p++) {
        size_t ext[4], bpe = f->plane[p].bytes_per_element, elems, row_bytes, rows, plane_bytes;
        plane_ext(f, p, layout->ext_left, layout->ext_right, layout->ext_top, layout->ext_bottom,
                  ext);
        layout->plane_width[p] = vt_pixel_format_plane_width(f, p, width);
        layout->plane_height[p] = vt_pixel_format_plane_height(f, p, height);
        elems = ext[0] + layout->plane_width[p] + ext[1];
        rows = ext[2] + layout->plane_height[p] + ext[3];
        if (!vt_size_mul(elems, bpe, &row_bytes) ||
            !vt_size_add(row_bytes, row_align - 1, &row_bytes))
            return kCVReturnInvalidSize;
        layout->bytes_per_row[p] = row_bytes - row_bytes % row_align;
        if (!vt_size_add(off, plane_align - 1, &off))
            return kCVReturnInvalidSize;
        off -= off % plane_align;
        if (!vt_size_mul(rows, layout->bytes_per_row[p], &plane_bytes))
            return kCVReturnInvalidSize;
        layout->plane_offset[p] = off + ext[2] * layout->bytes_per_row[p] + ext[0] * bpe;
        if (!vt_size_add(off, plane_bytes, &off))
            return kCVReturnInvalidSize;
    }
    layout->total_size = off;
    return kCVReturnSuccess;
}

/* ---- construction ---- */

struct __CVBuffer *vt_pixel_buffer_alloc(const VTPixelFormatInfo *fmt, size_t width,
                                         size_t height) {
    struct __CVBuffer *pb = vt_object_alloc(&vt_cvpixelbuffer_class, sizeof(*pb));
    if (!pb)
        return NULL;
    if (pthread_mutex_init(&pb->lock, NULL) != 0) {
        vt_free(pb);
        return NULL;
    }
    pb->fmt = fmt;
    pb->width = width;
    pb->height = height;
    pb->plane_count = vt_pixel_format_plane_count(fmt);
    /* Until memory is attached the buffer owns nothing (block NULL). */
    pb->memory = VT_PB_MEMORY_OWNED;
    return pb;
}

static void write_be32(uint8_t *dst, uint32_t v) {
    dst[0] = (uint8_t)(v >> 24);
    dst[1] = (uint8_t)(v >> 16);
    dst[2] = (uint8_t)(v >> 8);
    dst[3] = (uint8_t)v;
}

void vt_pixel_buffer_attach_block(struct __CVBuffer *pb, const VTPixelBufferLayout *layout,
                                  void *block) {
    uint8_t *base = block;
    unsigned p;

    pb->block = block;
    pb->data_size = layout->total_size;
    pb->ext_left = layout->ext_left;
    pb->ext_right = layout->ext_right;
    pb->ext_top = layout->ext_top;
    pb->ext_bottom = layout->ext_bottom;
    for (p = 0; p < layout->plane_count; p++) {
        pb->plane[p] = base + layout->plane_offset[p];
        pb->bytes_per_row[p] = layout->bytes_per_row[p];
        pb->plane_width[p] = layout->plane_width[p];
        pb->plane_height[p] = layout->plane_height[p];
        /* The CVPlanarComponentInfo array at the base address. The offsets
         * fit easily in 31 bits for the sizes allowed... except for huge
         * planar buffers (over 2 GiB); then the header is left zeroed. */
        if (layout->header_size && layout->plane_offset[p] <= INT32_MAX &&
            layout->bytes_per_row[p] <= UINT32_MAX) {
            write_be32(base + p * sizeof(CVPlanarComponentInfo), (uint32_t)layout->plane_offset[p]);
            write_be32(base + p * sizeof(CVPlanarComponentInfo) + 4,
                       (uint32_t)layout->bytes_per_row[p]);
        }
    }
    if (layout->header_size) {
        memset(base + layout->plane_count * sizeof(CVPlanarComponentInfo), 0,
               layout->header_size - layout->plane_count * sizeof(CVPlanarComponentInfo));
        pb->base_address = base;
    } else {
        pb->base_address = pb->plane[0];
    }
}

void vt_pixel_buffer_block_free(void *block) {
    vt_free_aligned(block);
}

static Boolean valid_attributes(CFDictionaryRef attributes) {
    return attributes == NULL || CFGetTypeID(attributes) == CFDictionaryGetTypeID();
}

CVReturn CVPixelBufferCreate(CFAllocatorRef allocator, size_t width, size_t height,
                             OSType pixelFormatType, CFDictionaryRef pixelBufferAttributes,
                             CVPixelBufferRef *pixelBufferOut) {
    VTPixelBufferLayout layout;
    struct __CVBuffer *pb;
    void *block;
    CVReturn ret;

    (void)allocator;
    VT_CHECK_ARG(pixelBufferOut != NULL, kCVReturnInvalidArgument);
    *pixelBufferOut = NULL;
    VT_CHECK_ARG(valid_attributes(pixelBufferAttributes), kCVReturnInvalidPixelBufferAttributes);
    ret =
        vt_pixel_buffer_layout_init(&layout, pixelFormatType, width, height, pixelBufferAttributes);
    if (ret != kCVReturnSuccess) {
        vt_debug("CVPixelBufferCreate %zux%zu 0x%08x: %d", width, height, (unsigned)pixelFormatType,
                 (int)ret);
        return ret;
    }
    pb = vt_pixel_buffer_alloc(layout.fmt, width, height);
    if (!pb)
        return kCVReturnAllocationFailed;
    block = vt_malloc_aligned(layout.total_size, layout.alignment);
    if (!block) {
        CFRelease(pb);
        return kCVReturnAllocationFailed;
    }
    vt_pixel_buffer_attach_block(pb, &layout, block);
    if (!vt_pixel_buffer_apply_attribute_attachments(pb, pixelBufferAttributes)) {
        CFRelease(pb);
        return kCVReturnAllocationFailed;
    }
    *pixelBufferOut = pb;
    return kCVReturnSuccess;
}

/* Common checks of the two wrapping constructors. */
static CVReturn check_wrap_args(size_t width, size_t height, OSType format,
                                CFDictionaryRef attributes, const VTPixelFormatInfo **fmt) {
    *fmt = vt_pixel_format_lookup(format);
    if (!valid_attributes(attributes))
        return kCVReturnInvalidPixelBufferAttributes;
    if (!*fmt)
        return kCVReturnInvalidPixelFormat;
    if (width == 0 || height == 0 || width > VT_CV_MAX_DIMENSION || height > VT_CV_MAX_DIMENSION)
        return kCVReturnInvalidSize;
    return kCVReturnSuccess;
}

CVReturn CVPixelBufferCreateWithBytes(CFAllocatorRef allocator, size_t width, size_t height,
                                      OSType pixelFormatType, void *baseAddress, size_t bytesPerRow,
                                      CVPixelBufferReleaseBytesCallback releaseCallback,
                                      void *releaseRefCon, CFDictionaryRef pixelBufferAttributes,
                                      CVPixelBufferRef *pixelBufferOut) {
    const VTPixelFormatInfo *fmt;
    struct __CVBuffer *pb;
    CVReturn ret;

    (void)allocator;
    VT_CHECK_ARG(pixelBufferOut != NULL, kCVReturnInvalidArgument);
    *pixelBufferOut = NULL;
    VT_CHECK_ARG(baseAddress != NULL, kCVReturnInvalidArgument);
    ret = check_wrap_args(width, height, pixelFormatType, pixelBufferAttributes, &fmt);
    if (ret != kCVReturnSuccess)
        return ret;
    if (fmt->planes != 0) {
        vt_debug("CVPixelBufferCreateWithBytes: %s is planar", fmt->name);
        return kCVReturnInvalidPixelFormat;
    }
    if (bytesPerRow < vt_pixel_format_min_bytes_per_row(fmt, 0, width)) {
        vt_debug("CVPixelBufferCreateWithBytes: bytesPerRow %zu < %zu", bytesPerRow,
                 vt_pixel_format_min_bytes_per_row(fmt, 0, width));
        return kCVReturnInvalidArgument;
    }
    pb = vt_pixel_buffer_alloc(fmt, width, height);
    if (!pb)
        return kCVReturnAllocationFailed;
    pb->memory = VT_PB_MEMORY_BYTES;
    pb->plane[0] = baseAddress;
    pb->bytes_per_row[0] = bytesPerRow;
    pb->plane_width[0] = vt_pixel_format_plane_width(fmt, 0, width);
    pb->plane_height[0] = height;
    pb->base_address = baseAddress;
    pb->data_size = bytesPerRow * height;
    if (!vt_pixel_buffer_apply_attribute_attachments(pb, pixelBufferAttributes)) {
        CFRelease(pb); /* no callback installed yet: the client keeps its memory */
        return kCVReturnAllocationFailed;
    }
    pb->release_bytes = releaseCallback;
    pb->release_refcon = releaseRefCon;
    *pixelBufferOut = pb;
    return kCVReturnSuccess;
}

CVReturn CVPixelBufferCreateWithPlanarBytes(
    CFAllocatorRef allocator, size_t width, size_t height, OSType pixelFormatType, void *dataPtr,
    size_t dataSize, size_t numberOfPlanes, void *planeBaseAddress[], size_t planeWidth[],
    size_t planeHeight[], size_t planeBytesPerRow[],
    CVPixelBufferReleasePlanarBytesCallback releaseCallback, void *releaseRefCon,
    CFDictionaryRef pixelBufferAttributes, CVPixelBufferRef *pixelBufferOut) {
    const VTPixelFormatInfo *fmt;
    struct __CVBuffer *pb;
    CVReturn ret;
    size_t p;

    (void)allocator;
    (void)planeWidth;
    (void)planeHeight;
    VT_CHECK_ARG(pixelBufferOut != NULL, kCVReturnInvalidArgument);
    *pixelBufferOut = NULL;
    VT_CHECK_ARG(planeBaseAddress != NULL && planeBytesPerRow != NULL, kCVReturnInvalidArgument);
    ret = check_wrap_args(width, height, pixelFormatType, pixelBufferAttributes, &fmt);
    if (ret != kCVReturnSuccess)
        return ret;
    if (fmt->planes == 0) {
        vt_debug("CVPixelBufferCreateWithPlanarBytes: %s is not planar", fmt->name);
        return kCVReturnInvalidPixelFormat;
    }
    if (numberOfPlanes != fmt->planes) {
        vt_debug("CVPixelBufferCreateWithPlanarBytes: %zu planes for %s (%u)", numberOfPlanes,
                 fmt->name, fmt->planes);
        return kCVReturnInvalidArgument;
    }
    for (p = 0; p < numberOfPlanes; p++) {
        if (!planeBaseAddress[p] ||
            planeBytesPerRow[p] < vt_pixel_format_min_bytes_per_row(fmt, (unsigned)p, width)) {
            vt_debug("CVPixelBufferCreateWithPlanarBytes: plane %zu: NULL or row too short", p);
            return kCVReturnInvalidArgument;
        }
    }
    pb = vt_pixel_buffer_alloc(fmt, width, height);
    if (!pb)
        return kCVReturnAllocationFailed;
    pb->memory = VT_PB_MEMORY_PLANAR;
    for (p = 0; p < numberOfPlanes; p++) {
        pb->plane[p] = planeBaseAddress[p];
        pb->plane_addresses[p] = planeBaseAddress[p];
        pb->bytes_per_row[p] = planeBytesPerRow[p];
        pb->plane_width[p] = vt_pixel_format_plane_width(fmt, (unsigned)p, width);
        pb->plane_height[p] = vt_pixel_format_plane_height(fmt, (unsigned)p, height);
    }
    pb->num_planes_arg = numberOfPlanes;
    pb->data_ptr = dataPtr;
    pb->data_size = dataSize;
    pb->base_address = dataPtr ? dataPtr : pb->plane[0];
    if (!vt_pixel_buffer_apply_attribute_attachments(pb, pixelBufferAttributes)) {
        CFRelease(pb); /* no callback installed yet */
        return kCVReturnAllocationFailed;
    }
    pb->release_planar = releaseCallback;
    pb->release_refcon = releaseRefCon;
    *pixelBufferOut = pb;
    return kCVReturnSuccess;
}

CVPixelBufferRef CVPixelBufferRetain(CVPixelBufferRef texture) {
    return CVBufferRetain(texture);
}

void CVPixelBufferRelease(CVPixelBufferRef texture) {
    CVBufferRelease(texture);
}

/* ---- external memory ---- */

/* With pb->lock held: maps an external buffer if it is not mapped yet. */
static CVReturn external_map_locked(struct __CVBuffer *pb) {
    uint8_t *data[3] = {NULL, NULL, NULL};
    size_t stride[3] = {0, 0, 0}, size = 0;
    CVReturn r;
    unsigned p;

    if (pb->memory != VT_PB_MEMORY_EXTERNAL || pb->ext_mapped)
        return kCVReturnSuccess;
    r = pb->ext_ops->map(pb->ext_refcon, pb, data, stride, &size);
    if (r != kCVReturnSuccess)
        return r;
    for (p = 0; p < pb->plane_count; p++) {
        pb->plane[p] = data[p];
        pb->bytes_per_row[p] = stride[p];
    }
    pb->base_address = pb->plane[0];
    pb->data_size = size;
    pb->ext_mapped = TRUE;
    return kCVReturnSuccess;
}

/* With pb->lock held: unmaps an external buffer. */
static void external_unmap_locked(struct __CVBuffer *pb) {
    unsigned p;
    if (pb->memory != VT_PB_MEMORY_EXTERNAL || !pb->ext_mapped)
        return;
    pb->ext_ops->unmap(pb->ext_refcon);
    pb->ext_mapped = FALSE;
    for (p = 0; p < 3; p++)
        pb->plane[p] = NULL;
    pb->base_address = NULL;
}

void *vt_pixel_buffer_external_refcon(CVPixelBufferRef pb, const VTPixelBufferExternalOps *ops) {
    return vt_is_pixel_buffer(pb) && pb->memory == VT_PB_MEMORY_EXTERNAL && pb->ext_ops == ops
               ? pb->ext_refcon
               : NULL;
}

Boolean vt_pixel_buffer_external_is_mapped(CVPixelBufferRef pb) {
    Boolean mapped;
    if (!vt_is_pixel_buffer(pb) || pb->memory != VT_PB_MEMORY_EXTERNAL)
        return FALSE;
    pthread_mutex_lock(&pb->lock);
    mapped = pb->ext_mapped;
    pthread_mutex_unlock(&pb->lock);
    return mapped;
}

Boolean vt_pixel_buffer_external_unmap(CVPixelBufferRef pb) {
    Boolean ok;
    if (!vt_is_pixel_buffer(pb) || pb->memory != VT_PB_MEMORY_EXTERNAL)
        return FALSE;
    pthread_mutex_lock(&pb->lock);
    /* Read-only locks write nothing: the memory is complete; their mapping
     * stays until the last of them is released. */
    ok = pb->lock_count == pb->ro_lock_count;
    if (pb->lock_count == 0)
        external_unmap_locked(pb);
    pthread_mutex_unlock(&pb->lock);
    return ok;
}

/* ---- locking ---- */

CVReturn CVPixelBufferLockBaseAddress(CVPixelBufferRef pixelBuffer,
                                      CVPixelBufferLockFlags lockFlags) {
    VT_CHECK_ARG(vt_is_pixel_buffer(pixelBuffer), kCVReturnInvalidArgument);
    pthread_mutex_lock(&pixelBuffer->lock);
    CVReturn r = external_map_locked(pixelBuffer);
    if (r != kCVReturnSuccess) {
        pthread_mutex_unlock(&pixelBuffer->lock);
        vt_warn("CVPixelBufferLockBaseAddress: mapping buffer %p failed (%d)", (void *)pixelBuffer,
                (int)r);
        return r;
    }
    pixelBuffer->lock_count++;
    if (lockFlags & kCVPixelBufferLock_ReadOnly)
        pixelBuffer->ro_lock_count++;
    pthread_mutex_unlock(&pixelBuffer->lock);
    return kCVReturnSuccess;
}

CVReturn CVPixelBufferUnlockBaseAddress(CVPixelBufferRef pixelBuffer,
                                        CVPixelBufferLockFlags unlockFlags) {
    Boolean read_only = (unlockFlags & kCVPixelBufferLock_ReadOnly) != 0;
    CVReturn ret = kCVReturnSuccess;
    Boolean mismatch = FALSE;

    VT_CHECK_ARG(vt_is_pixel_buffer(pixelBuffer), kCVReturnInvalidArgument);
    pthread_mutex_lock(&pixelBuffer->lock);
    if (pixelBuffer->lock_count == 0) {
        ret = kCVReturnInvalidArgument;
    } else {
        long rw = pixelBuffer->lock_count - pixelBuffer->ro_lock_count;
        if (read_only && pixelBuffer->ro_lock_count == 0)
            mismatch = TRUE; /* only read-write locks: release one of those */
        else if (!read_only && rw == 0)
            mismatch = TRUE; /* only read-only locks: release one of those */
        if (read_only != mismatch)
            pixelBuffer->ro_lock_count--;
        pixelBuffer->lock_count--;
        if (pixelBuffer->lock_count == 0)
            external_unmap_locked(pixelBuffer); /* the CPU is done with it */
    }
    pthread_mutex_unlock(&pixelBuffer->lock);
    if (ret != kCVReturnSuccess)
        vt_warn("CVPixelBufferUnlockBaseAddress: buffer %p is not locked", (void *)pixelBuffer);
    else if (mismatch)
        vt_warn("CVPixelBufferUnlockBaseAddress: %s unlock of a buffer locked %s",
                read_only ? "read-only" : "read-write", read_only ? "read-write" : "read-only");
    return ret;
}

/* ---- accessors ---- */

size_t CVPixelBufferGetWidth(CVPixelBufferRef pixelBuffer) {
    return vt_is_pixel_buffer(pixelBuffer) ? pixelBuffer->width : 0;
}

size_t CVPixelBufferGetHeight(CVPixelBufferRef pixelBuffer) {
    return vt_is_pixel_buffer(pixelBuffer) ? pixelBuffer->height : 0;
}

OSType CVPixelBufferGetPixelFormatType(CVPixelBufferRef pixelBuffer) {
    return vt_is_pixel_buffer(pixelBuffer) ? pixelBuffer->fmt->fourcc : 0;
}

void *CVPixelBufferGetBaseAddress(CVPixelBufferRef pixelBuffer) {
    return vt_is_pixel_buffer(pixelBuffer) ? pixelBuffer->base_address : NULL;
}

size_t CVPixelBufferGetBytesPerRow(CVPixelBufferRef pixelBuffer) {
    return vt_is_pixel_buffer(pixelBuffer) ? pixelBuffer->bytes_per_row[0] : 0;
}

size_t CVPixelBufferGetDataSize(CVPixelBufferRef pixelBuffer) {
    return vt_is_pixel_buffer(pixelBuffer) ? pixelBuffer->data_size : 0;
}

Boolean CVPixelBufferIsPlanar(CVPixelBufferRef pixelBuffer) {
    return vt_is_pixel_buffer(pixelBuffer) && pixelBuffer->fmt->planes != 0;
}

size_t CVPixelBufferGetPlaneCount(CVPixelBufferRef pixelBuffer) {
    return vt_is_pixel_buffer(pixelBuffer) ? pixelBuffer->fmt->planes : 0;
}

/* TRUE when planeIndex names a plane of a planar buffer. */
static Boolean valid_plane(CVPixelBufferRef pb, size_t planeIndex) {
    return vt_is_pixel_buffer(pb) && planeIndex < pb->fmt->planes;
}

size_t CVPixelBufferGetWidthOfPlane(CVPixelBufferRef pixelBuffer, size_t planeIndex) {
    return valid_plane(pixelBuffer, planeIndex) ? pixelBuffer->plane_width[planeIndex] : 0;
}

size_t CVPixelBufferGetHeightOfPlane(CVPixelBufferRef pixelBuffer, size_t planeIndex) {
    return valid_plane(pixelBuffer, planeIndex) ? pixelBuffer->plane_height[planeIndex] : 0;
}

void *CVPixelBufferGetBaseAddressOfPlane(CVPixelBufferRef pixelBuffer, size_t planeIndex) {
    return valid_plane(pixelBuffer, planeIndex) ? pixelBuffer->plane[planeIndex] : NULL;
}

size_t CVPixelBufferGetBytesPerRowOfPlane(CVPixelBufferRef pixelBuffer, size_t planeIndex) {
    return valid_plane(pixelBuffer, planeIndex) ? pixelBuffer->bytes_per_row[planeIndex] : 0;
}

void CVPixelBufferGetExtendedPixels(CVPixelBufferRef pixelBuffer, size_t *extraColumnsOnLeft,
                                    size_t *extraColumnsOnRight, size_t *extraRowsOnTop,
                                    size_t *extraRowsOnBottom) {
    Boolean ok = vt_is_pixel_buffer(pixelBuffer);
    if (extraColumnsOnLeft)
        *extraColumnsOnLeft = ok ? pixelBuffer->ext_left : 0;
    if (extraColumnsOnRight)
        *extraColumnsOnRight = ok ? pixelBuffer->ext_right : 0;
    if (extraRowsOnTop)
        *extraRowsOnTop = ok ? pixelBuffer->ext_top : 0;
    if (extraRowsOnBottom)
        *extraRowsOnBottom = ok ? pixelBuffer->ext_bottom : 0;
}

CVReturn CVPixelBufferFillExtendedPixels(CVPixelBufferRef pixelBuffer) {
    unsigned p;

    VT_CHECK_ARG(vt_is_pixel_buffer(pixelBuffer), kCVReturnInvalidArgument);
    if (!pixelBuffer->ext_left && !pixelBuffer->ext_right && !pixelBuffer->ext_top &&
        !pixelBuffer->ext_bottom)
        return kCVReturnSuccess;
    for (p = 0; p < pixelBuffer->plane_count; p++) {
        const VTPixelFormatInfo *f = pixelBuffer->fmt;
        size_t ext[4], bpe = f->plane[p].bytes_per_element, stride = pixelBuffer->bytes_per_row[p];
        size_t pw = pixelBuffer->plane_width[p], ph = pixelBuffer->plane_height[p], x, y, len;
        uint8_t *data = pixelBuffer->plane[p], *first;

        plane_ext(f, p, pixelBuffer->ext_left, pixelBuffer->ext_right, pixelBuffer->ext_top,
                  pixelBuffer->ext_bottom, ext);
        /* Left and right: replicate the edge element of every visible row. */
        for (y = 0; y < ph; y++) {
            uint8_t *row = data + y * stride;
            for (x = 1; x <= ext[0]; x++)
                memcpy(row - x * bpe, row, bpe);
            for (x = 0; x < ext[1]; x++)
                memcpy(row + (pw + x) * bpe, row + (pw - 1) * bpe, bpe);
        }
        /* Top and bottom: replicate the whole (extended) edge rows. */
        first = data - ext[0] * bpe;
        len = (ext[0] + pw + ext[1]) * bpe;
        for (y = 1; y <= ext[2]; y++)
            memcpy(first - y * stride, first, len);
        for (y = 0; y < ext[3]; y++)
            memcpy(first + (ph + y) * stride, first + (ph - 1) * stride, len);
    }
    return kCVReturnSuccess;
}

/* ---- attribute dictionaries ---- */

static void merge_applier(const void *key, const void *value, void *context) {
    if (key && value)
        CFDictionarySetValue((CFMutableDictionaryRef)context, key, value);
}

CVReturn CVPixelBufferCreateResolvedAttributesDictionary(CFAllocatorRef allocator,
                                                         CFArrayRef attributes,
                                                         CFDictionaryRef *resolvedDictionaryOut) {
    CFMutableDictionaryRef result;
    CFIndex i, n;

    (void)allocator;
    VT_CHECK_ARG(resolvedDictionaryOut != NULL, kCVReturnInvalidArgument);
    *resolvedDictionaryOut = NULL;
    VT_CHECK_ARG(attributes == NULL || CFGetTypeID(attributes) == CFArrayGetTypeID(),
                 kCVReturnInvalidArgument);
    n = attributes ? CFArrayGetCount(attributes) : 0;
    for (i = 0; i < n; i++) {
        CFTypeRef d = CFArrayGetValueAtIndex(attributes, i);
        VT_CHECK_ARG(d != NULL && CFGetTypeID(d) == CFDictionaryGetTypeID(),
                     kCVReturnInvalidArgument);
    }
    result = vt_cf_dict_new();
    if (!result)
        return kCVReturnAllocationFailed;
    for (i = 0; i < n; i++)
        CFDictionaryApplyFunction(CFArrayGetValueAtIndex(attributes, i), merge_applier, result);
    *resolvedDictionaryOut = result;
    return kCVReturnSuccess;
}

Boolean CVPixelBufferIsCompatibleWithAttributes(CVPixelBufferRef pixelBuffer,
                                                CFDictionaryRef attributes) {
    CFTypeRef value;
    int64_t v;

    if (!vt_is_pixel_buffer(pixelBuffer))
        return FALSE;
    if (!attributes)
        return TRUE;
    if (CFGetTypeID(attributes) != CFDictionaryGetTypeID())
        return FALSE;
    value = vt_cf_dict_get(attributes, kCVPixelBufferWidthKey);
    if (value && (!vt_cf_get_int64(value, &v) || (uint64_t)v != pixelBuffer->width))
        return FALSE;
    value = vt_cf_dict_get(attributes, kCVPixelBufferHeightKey);
    if (value && (!vt_cf_get_int64(value, &v) || (uint64_t)v != pixelBuffer->height))
        return FALSE;
    value = vt_cf_dict_get(attributes, kCVPixelBufferPixelFormatTypeKey);
    if (value) {
        Boolean found = FALSE;
        if (CFGetTypeID(value) == CFArrayGetTypeID()) {
            CFIndex i, n = CFArrayGetCount(value);
            for (i = 0; i < n && !found; i++)
                found = vt_cf_get_int64(CFArrayGetValueAtIndex(value, i), &v) &&
                        (OSType)v == pixelBuffer->fmt->fourcc;
        } else {
            found = vt_cf_get_int64(value, &v) && (OSType)v == pixelBuffer->fmt->fourcc;
        }
        if (!found)
            return FALSE;
    }
    return TRUE;
}

/* ---- internal accessors ---- */

const VTPixelFormatInfo *vt_pixel_buffer_format(CVPixelBufferRef pb) {
    return vt_is_pixel_buffer(pb) ? pb->fmt : NULL;
}

unsigned vt_pixel_buffer_plane_count(CVPixelBufferRef pb) {
    return vt_is_pixel_buffer(pb) ? pb->plane_count : 0;
}

/* Maps an external buffer for an internal reader (no-op for the others). */
static void external_map_for_access(CVPixelBufferRef pb) {
    if (pb->memory != VT_PB_MEMORY_EXTERNAL)
        return;
    pthread_mutex_lock(&pb->lock);
    if (external_map_locked(pb) != kCVReturnSuccess)
        vt_warn("CVPixelBuffer %p: mapping failed", (void *)pb);
    pthread_mutex_unlock(&pb->lock);
}

uint8_t *vt_pixel_buffer_plane_data(CVPixelBufferRef pb, unsigned p) {
    if (!vt_is_pixel_buffer(pb) || p >= pb->plane_count)
        return NULL;
    external_map_for_access(pb);
    return pb->plane[p];
}

size_t vt_pixel_buffer_plane_stride(CVPixelBufferRef pb, unsigned p) {
    if (!vt_is_pixel_buffer(pb) || p >= pb->plane_count)
        return 0;
    external_map_for_access(pb);
    return pb->bytes_per_row[p];
}

unsigned vt_pixel_buffer_get_planes(CVPixelBufferRef pb, uint8_t *data[3], size_t stride[3]) {
    unsigned p, n = vt_pixel_buffer_plane_count(pb);
    if (n)
        external_map_for_access(pb);
    for (p = 0; p < 3; p++) {
        if (data)
            data[p] = p < n ? pb->plane[p] : NULL;
        if (stride)
            stride[p] = p < n ? pb->bytes_per_row[p] : 0;
    }
    return n;
}
