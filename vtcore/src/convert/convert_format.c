/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Memory layouts the converter understands, and the mapping from rows of
 * the pixel-format table (cv/pixel_format.h) to them, by fourcc (Apple's
 * kCVPixelFormatType_* and vtcore's kVTCorePixelFormatType_* planar
 * extensions).
 */
#include "config.h"

#include <string.h>

#include <CoreVideo/CVPixelBuffer.h>

#include "convert_internal.h"
#include "log.h"

/* clang-format off */
#define PLANAR(n, x, y, cb, cr)  { n, VT_LAYOUT_PLANAR, x, y, cb, cr, 0, {0, 0, 0, 0} }
#define SEMI(n, x, y, swap)      { n, VT_LAYOUT_SEMI, x, y, 1, 1, swap, {0, 0, 0, 0} }
#define PACKED(n, y0, u, y1, v)  { n, VT_LAYOUT_PACKED422, 1, 0, 0, 0, 0, {y0, u, y1, v} }
#define RGB(n, r, g, b, a)       { n, VT_LAYOUT_RGB32, 0, 0, 0, 0, 0, {r, g, b, a} }

const VTLayout vt_layout_i420 = PLANAR("I420", 1, 1, 1, 2);
const VTLayout vt_layout_i422 = PLANAR("I422", 1, 0, 1, 2);
const VTLayout vt_layout_i444 = PLANAR("I444", 0, 0, 1, 2);
const VTLayout vt_layout_gray = { "GRAY8", VT_LAYOUT_GRAY, 0, 0, 0, 0, 0, {0, 0, 0, 0} };
const VTLayout vt_layout_planar16_420 = { "P16-420", VT_LAYOUT_PLANAR16, 1, 1, 1, 2, 0, {0, 0, 0, 0} };
const VTLayout vt_layout_bgra = RGB("BGRA", 2, 1, 0, 3);

static const VTLayout layout_yv12 = PLANAR("YV12", 1, 1, 2, 1);
const VTLayout vt_layout_nv12 = SEMI("NV12", 1, 1, 0);
static const VTLayout layout_nv21 = SEMI("NV21", 1, 1, 1);
static const VTLayout layout_nv16 = SEMI("NV16", 1, 0, 0);
static const VTLayout layout_nv24 = SEMI("NV24", 0, 0, 0);
static const VTLayout layout_uyvy = PACKED("UYVY", 1, 0, 3, 2);
static const VTLayout layout_yuy2 = PACKED("YUY2", 0, 1, 2, 3);
static const VTLayout layout_rgba = RGB("RGBA", 0, 1, 2, 3);
static const VTLayout layout_argb = RGB("ARGB", 1, 2, 3, 0);
static const VTLayout layout_abgr = RGB("ABGR", 3, 2, 1, 0);
static const VTLayout layout_p010 = { "P010", VT_LAYOUT_SEMI16, 1, 1, 1, 1, 0, {0, 0, 0, 0} };

static const VTLayout layout_rgb24 = { "RGB24", VT_LAYOUT_RGB24, 0, 0, 0, 0, 0, {0, 1, 2, 3} };
static const VTLayout layout_bgr24 = { "BGR24", VT_LAYOUT_RGB24, 0, 0, 0, 0, 0, {2, 1, 0, 3} };

static const struct {
    OSType fourcc;
    const VTLayout *layout;
} by_fourcc[] = {
    { kCVPixelFormatType_420YpCbCr8BiPlanarVideoRange, &vt_layout_nv12 },
    { kCVPixelFormatType_420YpCbCr8BiPlanarFullRange, &vt_layout_nv12 },
    { kCVPixelFormatType_420YpCbCr8Planar, &vt_layout_i420 },
    { kCVPixelFormatType_420YpCbCr8PlanarFullRange, &vt_layout_i420 },
    { kCVPixelFormatType_422YpCbCr8BiPlanarVideoRange, &layout_nv16 },
    { kCVPixelFormatType_422YpCbCr8BiPlanarFullRange, &layout_nv16 },
    { kCVPixelFormatType_444YpCbCr8BiPlanarVideoRange, &layout_nv24 },
    { kCVPixelFormatType_444YpCbCr8BiPlanarFullRange, &layout_nv24 },
    { kCVPixelFormatType_420YpCbCr10BiPlanarVideoRange, &layout_p010 },
    { kCVPixelFormatType_420YpCbCr10BiPlanarFullRange, &layout_p010 },
    { kCVPixelFormatType_422YpCbCr8, &layout_uyvy },
    { kCVPixelFormatType_422YpCbCr8_yuvs, &layout_yuy2 },
    { kCVPixelFormatType_422YpCbCr8FullRange, &layout_yuy2 },
    { kCVPixelFormatType_32BGRA, &vt_layout_bgra },
    { kCVPixelFormatType_32RGBA, &layout_rgba },
    { kCVPixelFormatType_32ARGB, &layout_argb },
    { kCVPixelFormatType_32ABGR, &layout_abgr },
    { kCVPixelFormatType_24RGB, &layout_rgb24 },
    { kCVPixelFormatType_24BGR, &layout_bgr24 },
    { kCVPixelFormatType_OneComponent8, &vt_layout_gray },
    { kVTCorePixelFormatType_422YpCbCr8Planar, &vt_layout_i422 },
    { kVTCorePixelFormatType_422YpCbCr8PlanarFullRange, &vt_layout_i422 },
    { kVTCorePixelFormatType_444YpCbCr8Planar, &vt_layout_i444 },
    { kVTCorePixelFormatType_444YpCbCr8PlanarFullRange, &vt_layout_i444 },
    { kVTCorePixelFormatType_420YpCbCr8PlanarYV12, &layout_yv12 },
    { kVTCorePixelFormatType_420YpCbCr8PlanarYV12FullRange, &layout_yv12 },
    { kVTCorePixelFormatType_420YpCbCr8BiPlanarNV21VideoRange, &layout_nv21 },
    { kVTCorePixelFormatType_420YpCbCr8BiPlanarNV21FullRange, &layout_nv21 },
};
/* clang-format on */

int vt_layout_plane_count(const VTLayout *l) {
    switch (l->kind) {
    case VT_LAYOUT_PLANAR:
    case VT_LAYOUT_PLANAR16:
        return 3;
    case VT_LAYOUT_SEMI:
    case VT_LAYOUT_SEMI16:
        return 2;
    default:
        return 1;
    }
}

void vt_layout_plane_geometry(const VTLayout *l, int p, int w, int h, int *pw, int *ph, int *bpe,
                              int *psy) {
    int cw = (w + (1 << l->sx) - 1) >> l->sx;
    int ch = (h + (1 << l->sy) - 1) >> l->sy;
    *pw = w;
    *ph = h;
    *psy = 0;
    switch (l->kind) {
    case VT_LAYOUT_PLANAR:
    case VT_LAYOUT_PLANAR16:
        *bpe = l->kind == VT_LAYOUT_PLANAR16 ? 2 : 1;
        if (p > 0) {
            *pw = cw;
            *ph = ch;
            *psy = l->sy;
        }
        break;
    case VT_LAYOUT_SEMI:
    case VT_LAYOUT_SEMI16:
        *bpe = l->kind == VT_LAYOUT_SEMI16 ? 2 : 1;
        if (p > 0) {
            *pw = cw;
            *ph = ch;
            *psy = l->sy;
            *bpe *= 2;
        }
        break;
    case VT_LAYOUT_PACKED422:
        *pw = (w + 1) >> 1;
        *bpe = 4;
        break;
    case VT_LAYOUT_RGB32:
        *bpe = 4;
        break;
    case VT_LAYOUT_RGB24:
        *bpe = 3;
        break;
    default:
        *bpe = 1;
        break;
    }
}

const VTLayout *vt_convert_layout_for(const VTPixelFormatInfo *fmt) {
    const VTLayout *l = NULL;
    if (!fmt)
        return NULL;
    for (size_t i = 0; i < sizeof(by_fourcc) / sizeof(by_fourcc[0]); i++) {
        if (by_fourcc[i].fourcc == fmt->fourcc) {
            l = by_fourcc[i].layout;
            break;
        }
    }
    if (!l)
        return NULL;
    /* The table row must agree with the layout, or the planes would be
     * misread. */
    unsigned planes = vt_pixel_format_plane_count(fmt);
    if ((int)planes != vt_layout_plane_count(l) ||
        (vt_layout_is_16bit(l) ? fmt->bit_depth <= 8 : fmt->bit_depth != 8)) {
        vt_debug("convert: format '%s' (0x%08x) has an unexpected table row", fmt->name,
                 (unsigned)fmt->fourcc);
        return NULL;
    }
    return l;
}

int vt_convert_format_supported(const VTPixelFormatInfo *fmt) {
    return vt_convert_layout_for(fmt) != NULL;
}
