/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The one pixel-format table. Every plane count, plane size, stride and
 * chroma subsampling in vtcore (CVPixelBuffer allocation, pools, the pixel
 * transfer session, encoder backends) is derived from these rows.
 */
#ifndef VTCORE_CV_PIXEL_FORMAT_H
#define VTCORE_CV_PIXEL_FORMAT_H

#include <stddef.h>
#include <stdint.h>

#include <CoreFoundation/CFBase.h>

typedef enum VTColorFamily {
    VT_COLOR_YUV = 0,
    VT_COLOR_RGB = 1,
    VT_COLOR_GRAY = 2,
} VTColorFamily;

typedef struct VTPlaneInfo {
    /* Bytes per pixel-column of this plane, counted on the plane's own
     * (subsampled) grid: Y of NV12 = 1, CbCr of NV12 = 2 (Cb+Cr pair),
     * BGRA = 4, P010 Y = 2, P010 CbCr = 4, UYVY = 4 per 2 pixels -> see
     * VTPixelFormatInfo.block_width. */
    uint8_t bytes_per_element;
    uint8_t shift_x; /* plane width  = ceil(width  / (1 << shift_x)) */
    uint8_t shift_y; /* plane height = ceil(height / (1 << shift_y)) */
} VTPlaneInfo;

typedef struct VTPixelFormatInfo {
    OSType fourcc;      /* kCVPixelFormatType_* */
    const char *name;   /* "NV12", "I420", "BGRA", ... (GStreamer-style name) */
    uint8_t planes;     /* 0 for packed (one buffer, CVPixelBufferIsPlanar false) */
    uint8_t bit_depth;  /* significant bits per component: 8 or 10 */
    uint8_t full_range; /* YUV: 1 = full range, 0 = video range */
    uint8_t family;     /* VTColorFamily */
    uint8_t has_alpha;
    /* Packed 4:2:2 (2vuy, yuvs): 2 pixels share one 4-byte element, so the
     * width is rounded up to block_width and the row holds width/2 elements.
     * 1 for everything else. */
    uint8_t block_width;
    /* Chroma subsampling of the format as a whole (log2): 4:2:0 = 1,1;
     * 4:2:2 = 1,0; 4:4:4 and RGB = 0,0. */
    uint8_t chroma_shift_x, chroma_shift_y;
    /* Per plane; for packed formats plane[0] describes the single buffer. */
    VTPlaneInfo plane[3];
} VTPixelFormatInfo;

/* The row for a fourcc, or NULL if vtcore does not know it (pixel_format.c
 * lists every row; the vtcore-specific planar fourccs are declared in
 * <CoreVideo/CVPixelBuffer.h> as kVTCorePixelFormatType_*). */
const VTPixelFormatInfo *vt_pixel_format_lookup(OSType fourcc);
/* All rows, for tests and enumeration; *count receives the number. */
const VTPixelFormatInfo *vt_pixel_format_all(size_t *count);

/* Number of memory planes: `planes`, or 1 for a packed format. */
static inline unsigned vt_pixel_format_plane_count(const VTPixelFormatInfo *f) {
    return f->planes ? f->planes : 1;
}
/* Width/height in elements of plane p for an image of width x height
 * (subsampled planes round up; packed 4:2:2 counts 2-pixel blocks). 0 for a
 * NULL format or p out of range. */
size_t vt_pixel_format_plane_width(const VTPixelFormatInfo *f, unsigned p, size_t width);
size_t vt_pixel_format_plane_height(const VTPixelFormatInfo *f, unsigned p, size_t height);
/* Minimum bytes per row of plane p (no padding); 0 for a NULL format, p out
 * of range or on overflow (CV limits widths far below that). */
size_t vt_pixel_format_min_bytes_per_row(const VTPixelFormatInfo *f, unsigned p, size_t width);

#endif /* VTCORE_CV_PIXEL_FORMAT_H */
