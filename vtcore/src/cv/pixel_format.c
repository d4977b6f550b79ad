/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The pixel-format table (see pixel_format.h). Names are GStreamer video
 * format names, which like Apple's fourccs describe the byte order in memory
 * ('BGRA' = B,G,R,A bytes = GStreamer "BGRA"; kCVPixelFormatType_32ARGB =
 * A,R,G,B bytes = "ARGB"). Video- and full-range variants share a name and
 * differ in full_range. RGB and GRAY rows are full range (full_range = 1).
 */
#include "config.h"

#include <CoreVideo/CVPixelBuffer.h>

#include "cv/pixel_format.h"
#include "mem.h"

/* clang-format off */
#define YUV  VT_COLOR_YUV
#define RGB  VT_COLOR_RGB
#define GRAY VT_COLOR_GRAY

/* Plane shapes: {bytes per element, log2 horizontal, log2 vertical subsampling}. */
#define P_LUMA8   {1, 0, 0}
#define P_C8_420  {1, 1, 1}
#define P_C8_422  {1, 1, 0}
#define P_C8_444  {1, 0, 0}
#define P_CC8_420 {2, 1, 1}
#define P_CC8_422 {2, 1, 0}
#define P_CC8_444 {2, 0, 0}
#define P_NONE    {0, 0, 0}
/* clang-format on */

/* clang-format off */
static const VTPixelFormatInfo formats[] = {
    /* fourcc                                                name        planes bits full family alpha block csx csy  planes */
    {kCVPixelFormatType_420YpCbCr8BiPlanarVideoRange,        "NV12",      2, 8,  0, YUV,  0, 1, 1, 1, {P_LUMA8, P_CC8_420, P_NONE}},
    {kCVPixelFormatType_420YpCbCr8BiPlanarFullRange,         "NV12",      2, 8,  1, YUV,  0, 1, 1, 1, {P_LUMA8, P_CC8_420, P_NONE}},
    {kCVPixelFormatType_420YpCbCr8Planar,                    "I420",      3, 8,  0, YUV,  0, 1, 1, 1, {P_LUMA8, P_C8_420, P_C8_420}},
    {kCVPixelFormatType_420YpCbCr8PlanarFullRange,           "I420",      3, 8,  1, YUV,  0, 1, 1, 1, {P_LUMA8, P_C8_420, P_C8_420}},
    {kVTCorePixelFormatType_420YpCbCr8PlanarYV12,            "YV12",      3, 8,  0, YUV,  0, 1, 1, 1, {P_LUMA8, P_C8_420, P_C8_420}},
    {kVTCorePixelFormatType_420YpCbCr8PlanarYV12FullRange,   "YV12",      3, 8,  1, YUV,  0, 1, 1, 1, {P_LUMA8, P_C8_420, P_C8_420}},
    {kVTCorePixelFormatType_420YpCbCr8BiPlanarNV21VideoRange,"NV21",      2, 8,  0, YUV,  0, 1, 1, 1, {P_LUMA8, P_CC8_420, P_NONE}},
    {kVTCorePixelFormatType_420YpCbCr8BiPlanarNV21FullRange, "NV21",      2, 8,  1, YUV,  0, 1, 1, 1, {P_LUMA8, P_CC8_420, P_NONE}},
    {kCVPixelFormatType_422YpCbCr8BiPlanarVideoRange,        "NV16",      2, 8,  0, YUV,  0, 1, 1, 0, {P_LUMA8, P_CC8_422, P_NONE}},
    {kCVPixelFormatType_422YpCbCr8BiPlanarFullRange,         "NV16",      2, 8,  1, YUV,  0, 1, 1, 0, {P_LUMA8, P_CC8_422, P_NONE}},
    {kCVPixelFormatType_444YpCbCr8BiPlanarVideoRange,        "NV24",      2, 8,  0, YUV,  0, 1, 0, 0, {P_LUMA8, P_CC8_444, P_NONE}},
    {kCVPixelFormatType_444YpCbCr8BiPlanarFullRange,         "NV24",      2, 8,  1, YUV,  0, 1, 0, 0, {P_LUMA8, P_CC8_444, P_NONE}},
    {kVTCorePixelFormatType_422YpCbCr8Planar,                "Y42B",      3, 8,  0, YUV,  0, 1, 1, 0, {P_LUMA8, P_C8_422, P_C8_422}},
    {kVTCorePixelFormatType_422YpCbCr8PlanarFullRange,       "Y42B",      3, 8,  1, YUV,  0, 1, 1, 0, {P_LUMA8, P_C8_422, P_C8_422}},
    {kVTCorePixelFormatType_444YpCbCr8Planar,                "Y444",      3, 8,  0, YUV,  0, 1, 0, 0, {P_LUMA8, P_C8_444, P_C8_444}},
    {kVTCorePixelFormatType_444YpCbCr8PlanarFullRange,       "Y444",      3, 8,  1, YUV,  0, 1, 0, 0, {P_LUMA8, P_C8_444, P_C8_444}},
    {kCVPixelFormatType_420YpCbCr10BiPlanarVideoRange,       "P010_10LE", 2, 10, 0, YUV,  0, 1, 1, 1, {{2, 0, 0}, {4, 1, 1}, P_NONE}},
    {kCVPixelFormatType_420YpCbCr10BiPlanarFullRange,        "P010_10LE", 2, 10, 1, YUV,  0, 1, 1, 1, {{2, 0, 0}, {4, 1, 1}, P_NONE}},
    {kCVPixelFormatType_422YpCbCr8,                          "UYVY",      0, 8,  0, YUV,  0, 2, 1, 0, {{4, 0, 0}, P_NONE, P_NONE}},
    {kCVPixelFormatType_422YpCbCr8_yuvs,                     "YUY2",      0, 8,  0, YUV,  0, 2, 1, 0, {{4, 0, 0}, P_NONE, P_NONE}},
    {kCVPixelFormatType_422YpCbCr8FullRange,                 "YUY2",      0, 8,  1, YUV,  0, 2, 1, 0, {{4, 0, 0}, P_NONE, P_NONE}},
    {kCVPixelFormatType_32BGRA,                              "BGRA",      0, 8,  1, RGB,  1, 1, 0, 0, {{4, 0, 0}, P_NONE, P_NONE}},
    {kCVPixelFormatType_32RGBA,                              "RGBA",      0, 8,  1, RGB,  1, 1, 0, 0, {{4, 0, 0}, P_NONE, P_NONE}},
    {kCVPixelFormatType_32ARGB,                              "ARGB",      0, 8,  1, RGB,  1, 1, 0, 0, {{4, 0, 0}, P_NONE, P_NONE}},
    {kCVPixelFormatType_32ABGR,                              "ABGR",      0, 8,  1, RGB,  1, 1, 0, 0, {{4, 0, 0}, P_NONE, P_NONE}},
    {kCVPixelFormatType_24RGB,                               "RGB",       0, 8,  1, RGB,  0, 1, 0, 0, {{3, 0, 0}, P_NONE, P_NONE}},
    {kCVPixelFormatType_24BGR,                               "BGR",       0, 8,  1, RGB,  0, 1, 0, 0, {{3, 0, 0}, P_NONE, P_NONE}},
    {kCVPixelFormatType_OneComponent8,                       "GRAY8",     0, 8,  1, GRAY, 0, 1, 0, 0, {P_LUMA8, P_NONE, P_NONE}},
};
/* clang-format on */

const VTPixelFormatInfo *vt_pixel_format_lookup(OSType fourcc) {
    size_t i;
    for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
        if (formats[i].fourcc == fourcc)
            return &formats[i];
    }
    return NULL;
}

const VTPixelFormatInfo *vt_pixel_format_all(size_t *count) {
    if (count)
        *count = sizeof(formats) / sizeof(formats[0]);
    return formats;
}

/* ceil(v / 2^shift) without overflow. */
static size_t ceil_shift(size_t v, unsigned shift) {
    size_t mask = ((size_t)1 << shift) - 1;
    return (v >> shift) + ((v & mask) != 0);
}

size_t vt_pixel_format_plane_width(const VTPixelFormatInfo *f, unsigned p, size_t width) {
    size_t w;
    if (!f || p >= vt_pixel_format_plane_count(f))
        return 0;
    w = ceil_shift(width, f->plane[p].shift_x);
    if (f->block_width > 1)
        w = w / f->block_width + (w % f->block_width != 0);
    return w;
}

size_t vt_pixel_format_plane_height(const VTPixelFormatInfo *f, unsigned p, size_t height) {
    if (!f || p >= vt_pixel_format_plane_count(f))
        return 0;
    return ceil_shift(height, f->plane[p].shift_y);
}

size_t vt_pixel_format_min_bytes_per_row(const VTPixelFormatInfo *f, unsigned p, size_t width) {
    size_t bytes;
    if (!f || p >= vt_pixel_format_plane_count(f))
        return 0;
    if (!vt_size_mul(vt_pixel_format_plane_width(f, p, width), f->plane[p].bytes_per_element,
                     &bytes))
        return 0;
    return bytes;
}
