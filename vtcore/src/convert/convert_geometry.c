/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Geometry of the pixel transfer's scaling modes (normal, crop to clean
 * aperture, letterbox, trim), sub-images on the chroma grid, and black fills
 * in every destination format.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "convert_internal.h"
#include "log.h"

/* Horizontal / vertical alignment of rectangle edges for a layout. */
static int align_x(const VTLayout *l) {
    if (!l)
        return 1;
    return (l->kind == VT_LAYOUT_PACKED422 || (vt_layout_is_yuv(l) && l->sx)) ? 2 : 1;
}

static int align_y(const VTLayout *l) {
    if (!l)
        return 1;
    return (vt_layout_is_yuv(l) && l->sy) ? 2 : 1;
}

typedef struct DRect {
    double x, y, w, h;
} DRect;

static DRect aperture(const VTCleanAperture *a, int w, int h) {
    DRect r = {0.0, 0.0, (double)w, (double)h};
    if (!a || !a->valid || !(a->width > 0.0) || !(a->height > 0.0))
        return r;
    r.w = a->width < w ? a->width : w;
    r.h = a->height < h ? a->height : h;
    r.x = (w - r.w) / 2.0 + a->horizontal_offset;
    r.y = (h - r.h) / 2.0 + a->vertical_offset;
    if (!(r.x >= 0.0))
        r.x = 0.0;
    if (!(r.y >= 0.0))
        r.y = 0.0;
    if (r.x > w - r.w)
        r.x = w - r.w;
    if (r.y > h - r.h)
        r.y = h - r.h;
    return r;
}

/* One axis of a rectangle onto the integer grid with alignment a. */
/* Rounds v to the nearest integer in [0, size]. NaN, infinities and huge
 * values (from hostile aperture or aspect attachments) clamp before any
 * conversion to an integer type, which would be undefined for them. */
static long snap_round(double v, int size) {
    if (!(v > 0.0))
        return 0;
    if (v >= (double)size)
        return size;
    return (long)floor(v + 0.5);
}

static void snap_axis(double pos, double len, int size, int a, int *o0, int *olen) {
    long lo = snap_round(pos, size);
    long hi = snap_round(pos + len, size);
    if (lo < 0)
        lo = 0;
    if (lo > size - 1)
        lo = size - 1;
    lo -= lo % a;
    if (hi > size)
        hi = size;
    if (hi < size) {
        hi = (hi + a / 2) / a * a;
        if (hi > size)
            hi = size;
    }
    if (hi <= lo)
        hi = lo + a > size ? size : lo + a;
    *o0 = (int)lo;
    *olen = (int)(hi - lo);
}

static VTRect snap(DRect r, int w, int h, const VTLayout *l) {
    VTRect o;
    snap_axis(r.x, r.w, w, align_x(l), &o.x, &o.width);
    snap_axis(r.y, r.h, h, align_y(l), &o.y, &o.height);
    return o;
}

static double par(double hs, double vs) {
    return hs > 0.0 && vs > 0.0 ? hs / vs : 0.0;
}

OSStatus vt_convert_compute_geometry(const VTGeometryRequest *req, VTRect *src_rect,
                                     VTRect *dst_rect) {
    VT_CHECK_ARG(req != NULL && src_rect != NULL && dst_rect != NULL, VT_CONVERT_ERR_PARAM);
    if (req->src_width < 1 || req->src_height < 1 || req->dst_width < 1 || req->dst_height < 1)
        return VT_CONVERT_ERR_PARAM;
    const VTLayout *sl = req->src_fmt ? vt_convert_layout_for(req->src_fmt) : NULL;
    const VTLayout *dl = req->dst_fmt ? vt_convert_layout_for(req->dst_fmt) : NULL;
    DRect full_s = {0.0, 0.0, req->src_width, req->src_height};
    DRect full_d = {0.0, 0.0, req->dst_width, req->dst_height};
    DRect s = full_s, d = full_d;
    if (req->mode != VT_SCALING_NORMAL) {
        s = aperture(&req->src_aperture, req->src_width, req->src_height);
        d = aperture(&req->dst_aperture, req->dst_width, req->dst_height);
    }
    if (req->mode == VT_SCALING_LETTERBOX || req->mode == VT_SCALING_TRIM) {
        double spar = par(req->src_par_h, req->src_par_v);
        double dpar = par(req->dst_par_h, req->dst_par_v);
        if (spar == 0.0)
            spar = 1.0;
        if (dpar == 0.0)
            dpar = spar; /* the output keeps the source's pixel aspect */
        /* sizes in display units */
        double sw = s.w * spar, sh = s.h, dw = d.w * dpar, dh = d.h;
        double kx = dw / sw, ky = dh / sh;
        if (req->mode == VT_SCALING_LETTERBOX) {
            double k = kx < ky ? kx : ky;
            double cw = sw * k / dpar, ch = sh * k;
            d.x += (d.w - cw) / 2.0;
            d.y += (d.h - ch) / 2.0;
            d.w = cw;
            d.h = ch;
        } else {
            double k = kx > ky ? kx : ky;
            double vw = dw / k / spar, vh = dh / k;
            s.x += (s.w - vw) / 2.0;
            s.y += (s.h - vh) / 2.0;
            s.w = vw;
            s.h = vh;
        }
    } else if (req->mode != VT_SCALING_NORMAL &&
               req->mode != VT_SCALING_CROP_SOURCE_TO_CLEAN_APERTURE) {
        return VT_CONVERT_ERR_PARAM;
    }
    *src_rect = snap(s, req->src_width, req->src_height, sl);
    *dst_rect = snap(d, req->dst_width, req->dst_height, dl);
    return 0;
}

static int clamp_rect(VTRect *r, int w, int h) {
    long x0 = r->x, y0 = r->y;
    long x1 = (long)r->x + r->width, y1 = (long)r->y + r->height;
    if (x0 < 0)
        x0 = 0;
    if (y0 < 0)
        y0 = 0;
    if (x1 > w)
        x1 = w;
    if (y1 > h)
        y1 = h;
    if (r->width <= 0 || r->height <= 0 || x1 <= x0 || y1 <= y0)
        return 0;
    r->x = (int)x0;
    r->y = (int)y0;
    r->width = (int)(x1 - x0);
    r->height = (int)(y1 - y0);
    return 1;
}

OSStatus vt_convert_image_crop(const VTImage *img, VTRect rect, VTImage *out) {
    VT_CHECK_ARG(img != NULL && out != NULL && img->fmt != NULL, VT_CONVERT_ERR_PARAM);
    const VTLayout *l = vt_convert_layout_for(img->fmt);
    if (!l)
        return VT_CONVERT_ERR_NOT_SUPPORTED;
    if (!clamp_rect(&rect, img->width, img->height))
        return VT_CONVERT_ERR_PARAM;
    int ax = align_x(l), ay = align_y(l);
    int x1 = rect.x + rect.width, y1 = rect.y + rect.height;
    int x0 = rect.x - rect.x % ax, y0 = rect.y - rect.y % ay;
    *out = *img;
    out->width = x1 - x0;
    out->height = y1 - y0;
    for (int p = 0; p < vt_layout_plane_count(l); p++) {
        int pw, ph, bpe, psy;
        vt_layout_plane_geometry(l, p, img->width, img->height, &pw, &ph, &bpe, &psy);
        long xo;
        if (l->kind == VT_LAYOUT_PACKED422)
            xo = x0 / 2;
        else if (p > 0)
            xo = x0 >> l->sx;
        else
            xo = x0;
        out->data[p] = img->data[p] + (ptrdiff_t)(y0 >> psy) * img->stride[p] + xo * bpe;
    }
    return 0;
}

static void fill8(uint8_t *base, int stride, int x0, int x1, int y0, int y1, int v) {
    for (int y = y0; y < y1; y++)
        memset(base + (ptrdiff_t)y * stride + x0, v, (size_t)(x1 - x0));
}

static void fill16(uint8_t *base, int stride, int x0, int x1, int y0, int y1, uint16_t v) {
    for (int y = y0; y < y1; y++) {
        uint16_t *row = (uint16_t *)(base + (ptrdiff_t)y * stride);
        for (int x = x0; x < x1; x++)
            row[x] = v;
    }
}

OSStatus vt_convert_fill_black(VTImage *dst, VTRect rect) {
    VT_CHECK_ARG(dst != NULL && dst->fmt != NULL, VT_CONVERT_ERR_PARAM);
    const VTLayout *l = vt_convert_layout_for(dst->fmt);
    if (!l)
        return VT_CONVERT_ERR_NOT_SUPPORTED;
    for (int p = 0; p < vt_layout_plane_count(l); p++)
        if (!dst->data[p])
            return VT_CONVERT_ERR_PARAM;
    if (!clamp_rect(&rect, dst->width, dst->height))
        return 0; /* nothing to paint */
    int full = dst->fmt->full_range ? 1 : 0;
    int x0 = rect.x, y0 = rect.y, x1 = rect.x + rect.width, y1 = rect.y + rect.height;
    int cx0 = x0 >> l->sx, cy0 = y0 >> l->sy;
    int cx1 = (x1 + (1 << l->sx) - 1) >> l->sx, cy1 = (y1 + (1 << l->sy) - 1) >> l->sy;
    int yb = vt_color_black_y8(full);
    switch (l->kind) {
    case VT_LAYOUT_PLANAR:
        fill8(dst->data[0], dst->stride[0], x0, x1, y0, y1, yb);
        fill8(dst->data[1], dst->stride[1], cx0, cx1, cy0, cy1, 128);
        fill8(dst->data[2], dst->stride[2], cx0, cx1, cy0, cy1, 128);
        break;
    case VT_LAYOUT_SEMI:
        fill8(dst->data[0], dst->stride[0], x0, x1, y0, y1, yb);
        fill8(dst->data[1], dst->stride[1], 2 * cx0, 2 * cx1, cy0, cy1, 128);
        break;
    case VT_LAYOUT_GRAY:
        fill8(dst->data[0], dst->stride[0], x0, x1, y0, y1, yb);
        break;
    case VT_LAYOUT_SEMI16:
        fill16(dst->data[0], dst->stride[0], x0, x1, y0, y1, (uint16_t)(full ? 0 : 64 << 6));
        fill16(dst->data[1], dst->stride[1], 2 * cx0, 2 * cx1, cy0, cy1, 0x8000);
        break;
    case VT_LAYOUT_PACKED422:
        for (int y = y0; y < y1; y++) {
            uint8_t *row = dst->data[0] + (ptrdiff_t)y * dst->stride[0];
            for (int x = x0; x < x1; x++) {
                uint8_t *g = row + 2 * (x & ~1);
                g[(x & 1) ? l->off[2] : l->off[0]] = (uint8_t)yb;
                g[l->off[1]] = 128;
                g[l->off[3]] = 128;
            }
        }
        break;
    case VT_LAYOUT_RGB32:
        for (int y = y0; y < y1; y++) {
            uint8_t *row = dst->data[0] + (ptrdiff_t)y * dst->stride[0];
            for (int x = x0; x < x1; x++) {
                uint8_t *px = row + 4 * x;
                px[l->off[0]] = 0;
                px[l->off[1]] = 0;
                px[l->off[2]] = 0;
                px[l->off[3]] = 255;
            }
        }
        break;
    case VT_LAYOUT_RGB24:
        fill8(dst->data[0], dst->stride[0], 3 * x0, 3 * x1, y0, y1, 0);
        break;
    default:
        return VT_CONVERT_ERR_NOT_SUPPORTED;
    }
    return 0;
}

OSStatus vt_convert_fill_borders(VTImage *dst, VTRect content) {
    VT_CHECK_ARG(dst != NULL && dst->fmt != NULL, VT_CONVERT_ERR_PARAM);
    int w = dst->width, h = dst->height;
    VTRect c = content;
    if (!clamp_rect(&c, w, h)) {
        VTRect all = {0, 0, w, h};
        return vt_convert_fill_black(dst, all);
    }
    VTRect bands[4] = {
        {0, 0, w, c.y},
        {0, c.y + c.height, w, h - (c.y + c.height)},
        {0, c.y, c.x, c.height},
        {c.x + c.width, c.y, w - (c.x + c.width), c.height},
    };
    for (int i = 0; i < 4; i++) {
        if (bands[i].width <= 0 || bands[i].height <= 0)
            continue;
        OSStatus st = vt_convert_fill_black(dst, bands[i]);
        if (st)
            return st;
    }
    return 0;
}
