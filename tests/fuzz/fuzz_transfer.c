/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The pixel transfer: the conversion/scaling engine (convert/convert.h)
 * directly, and VTPixelTransferSessionTransferImage once the session's
 * Create works. Bytes pick the source and destination formats from the
 * table, sizes (1, 2, odd, up to ~100), strides (padding, bottom-up),
 * options (downsampling, filter, matrices, threads), the scaling geometry
 * (mode, clean apertures and pixel aspect ratios, NaN and infinities
 * included); the rest is pixel data.
 *
 * Every plane is allocated to exactly what its stride and rows need, so
 * AddressSanitizer catches any access outside. Checked: the geometry's
 * rectangles lie inside the images and are not empty; a plan's output is
 * byte-identical for 1 and 3 worker threads (documented); runs with
 * mismatched images are refused.
 */
#include <string.h>

#include <CoreVideo/CoreVideo.h>
#include <VideoToolbox/VideoToolbox.h>

#include "cf/cf_internal.h"
#include "convert/convert.h"
#include "cv/pixel_format.h"
#include "fuzz_common.h"

typedef struct Planes {
    VTImage img;
    uint8_t *block[3];
    size_t size[3];
} Planes;

static int fz_dim(FuzzInput *in) {
    static const int special[] = {1, 2, 3, 4, 5, 7, 8, 15, 16, 17, 31, 33, 64, 99};
    uint8_t sel = fz_u8(in);
    if (sel < 64)
        return special[sel % (sizeof(special) / sizeof(special[0]))];
    return 1 + sel % 100;
}

static void planes_free(Planes *p) {
    int i;
    for (i = 0; i < 3; i++)
        free(p->block[i]);
    memset(p, 0, sizeof(*p));
}

/* Allocates the planes of fmt at w x h with exact sizes; strides padded by
 * pad bytes, negative (bottom-up) when flip. Fills them from the input. */
static Boolean planes_alloc(FuzzInput *in, Planes *p, const VTPixelFormatInfo *fmt, int w, int h,
                            int pad, Boolean flip) {
    unsigned i, n = vt_pixel_format_plane_count(fmt);
    memset(p, 0, sizeof(*p));
    /* 16-bit samples need even strides (and addresses): odd ones are refused
     * by vt_convert_plan_run, as convert.h says (H3 in docs/hardening.md;
     * checked below). */
    if (fmt->bit_depth > 8)
        pad &= ~1;
    p->img.fmt = fmt;
    p->img.width = w;
    p->img.height = h;
    for (i = 0; i < n; i++) {
        size_t row = vt_pixel_format_min_bytes_per_row(fmt, i, (size_t)w);
        size_t rows = vt_pixel_format_plane_height(fmt, i, (size_t)h);
        size_t stride = row + (size_t)pad, k, got;
        const uint8_t *src;
        if (!row || !rows)
            return FALSE;
        p->size[i] = stride * (rows - 1) + row;
        p->block[i] = malloc(p->size[i]);
        if (!p->block[i])
            return FALSE;
        /* Content: input bytes, repeated; a constant when the input is out. */
        src = fz_bytes(in, p->size[i] < 512 ? p->size[i] : 512, &got);
        for (k = 0; k < p->size[i]; k++)
            p->block[i][k] = got ? src[k % got] : (uint8_t)(k * 7);
        p->img.stride[i] = (int)stride * (flip ? -1 : 1);
        p->img.data[i] = flip ? p->block[i] + stride * (rows - 1) : p->block[i];
    }
    return TRUE;
}

/* Byte offset, in the last 4-byte block of a row, of the luma sample that
 * does not exist when a packed 4:2:2 image has an odd width (-1: none). */
static int phantom_luma(const VTPixelFormatInfo *f, int width) {
    if (f->block_width != 2 || !(width & 1))
        return -1;
    return f->fourcc == 0x32767579 /* 2vuy: Cb Y0 Cr Y1 */ ? 3 : 2 /* yuvs/yuvf: Y0 Cb Y1 Cr */;
}

static Boolean same_row(const uint8_t *a, const uint8_t *b, size_t row, int phantom) {
    if (phantom < 0)
        return memcmp(a, b, row) == 0;
    return memcmp(a, b, row - 4 + (size_t)phantom) == 0 &&
           memcmp(a + row - 4 + phantom + 1, b + row - 4 + phantom + 1, (size_t)(3 - phantom)) == 0;
}

/* Visible bytes of two images of the same shape are equal. */
static Boolean same_pixels(const VTImage *a, const VTImage *b) {
    unsigned i, n = vt_pixel_format_plane_count(a->fmt);
    int phantom = phantom_luma(a->fmt, a->width);
    for (i = 0; i < n; i++) {
        size_t row = vt_pixel_format_min_bytes_per_row(a->fmt, i, (size_t)a->width);
        size_t rows = vt_pixel_format_plane_height(a->fmt, i, (size_t)a->height), r;
        for (r = 0; r < rows; r++) {
            if (!same_row(a->data[i] + (ptrdiff_t)r * a->stride[i],
                          b->data[i] + (ptrdiff_t)r * b->stride[i], row, phantom)) {
                if (getenv("VTCORE_FUZZ_VERBOSE")) {
                    size_t k;
                    fprintf(stderr, "plane %u row %zu differs:\n", i, r);
                    for (k = 0; k < row; k++)
                        fprintf(stderr, " %02x/%02x", a->data[i][(ptrdiff_t)r * a->stride[i] + k],
                                b->data[i][(ptrdiff_t)r * b->stride[i] + k]);
                    fprintf(stderr, "\n");
                }
                return FALSE;
            }
        }
    }
    return TRUE;
}

static VTCleanAperture fz_aperture(FuzzInput *in, int w, int h) {
    VTCleanAperture a;
    memset(&a, 0, sizeof(a));
    a.valid = fz_u8(in) % 2;
    if (fz_u8(in) < 200) {
        a.width = w - fz_u8(in) % (w + 1);
        a.height = h - fz_u8(in) % (h + 1);
        a.horizontal_offset = (double)((int8_t)fz_u8(in)) / 2;
        a.vertical_offset = (double)((int8_t)fz_u8(in)) / 2;
    } else {
        a.width = fz_double(in);
        a.height = fz_double(in);
        a.horizontal_offset = fz_double(in);
        a.vertical_offset = fz_double(in);
    }
    return a;
}

static void fuzz_engine(FuzzInput *in, const VTPixelFormatInfo *sf, const VTPixelFormatInfo *df) {
    static const int matrices[] = {0, 1, 2, 5, 6, 9, 4, 99};
    VTGeometryRequest req;
    VTConvertOptions opts;
    VTRect src_rect, dst_rect;
    Planes src, dst, dst2;
    VTImage src_sub, dst_sub, dst2_sub;
    VTConvertPlan *plan = NULL;
    int sw = fz_dim(in), sh = fz_dim(in), dw, dh, pad;
    Boolean flip;
    OSStatus st;

    if (fz_u8(in) < 64) {
        dw = sw;
        dh = sh;
    } else {
        dw = fz_dim(in);
        dh = fz_dim(in);
    }
    vt_convert_options_init(&opts);
    opts.downsampling = (VTChromaDownsampling)(fz_u8(in) % 2);
    opts.filter = (VTScaleFilter)(fz_u8(in) % 4);
    opts.src_matrix = matrices[fz_u8(in) % 8];
    opts.dst_matrix = matrices[fz_u8(in) % 8];
    opts.n_threads = fz_u8(in) % 3;

    memset(&req, 0, sizeof(req));
    req.mode = (VTScalingMode)(fz_u8(in) % 4);
    req.src_fmt = sf;
    req.dst_fmt = df;
    req.src_width = sw;
    req.src_height = sh;
    req.dst_width = dw;
    req.dst_height = dh;
    req.src_aperture = fz_aperture(in, sw, sh);
    req.dst_aperture = fz_aperture(in, dw, dh);
    if (fz_u8(in) > 200) {
        req.src_par_h = fz_double(in);
        req.src_par_v = fz_double(in);
        req.dst_par_h = fz_double(in);
        req.dst_par_v = fz_double(in);
    }
    st = vt_convert_compute_geometry(&req, &src_rect, &dst_rect);
    if (st != noErr)
        return;
    FUZZ_CHECK(src_rect.width > 0 && src_rect.height > 0 && dst_rect.width > 0 &&
               dst_rect.height > 0);
    FUZZ_CHECK(src_rect.x >= 0 && src_rect.y >= 0 && src_rect.x + src_rect.width <= sw &&
               src_rect.y + src_rect.height <= sh);
    FUZZ_CHECK(dst_rect.x >= 0 && dst_rect.y >= 0 && dst_rect.x + dst_rect.width <= dw &&
               dst_rect.y + dst_rect.height <= dh);

    pad = fz_u8(in) % 40;
    flip = fz_u8(in) > 200;
    memset(&src, 0, sizeof(src));
    memset(&dst, 0, sizeof(dst));
    memset(&dst2, 0, sizeof(dst2));
    if (!planes_alloc(in, &src, sf, sw, sh, pad, flip) ||
        !planes_alloc(in, &dst, df, dw, dh, fz_u8(in) % 40, fz_u8(in) > 220) ||
        !planes_alloc(in, &dst2, df, dw, dh, 0, FALSE))
        goto done;
    if (vt_convert_image_crop(&src.img, src_rect, &src_sub) != noErr ||
        vt_convert_image_crop(&dst.img, dst_rect, &dst_sub) != noErr ||
        vt_convert_image_crop(&dst2.img, dst_rect, &dst2_sub) != noErr)
        goto done;
    FUZZ_CHECK(src_sub.width >= 1 && src_sub.width <= sw && src_sub.height <= sh);
    (void)vt_convert_fill_borders(&dst.img, dst_rect);
    (void)vt_convert_fill_borders(&dst2.img, dst_rect);

    if (getenv("VTCORE_FUZZ_VERBOSE"))
        fprintf(stderr,
                "%s %dx%d [%d,%d %dx%d] -> %s %dx%d [%d,%d %dx%d] mode %d down %d filter %d "
                "matrix %d/%d threads %d\n",
                sf->name, sw, sh, src_rect.x, src_rect.y, src_rect.width, src_rect.height, df->name,
                dw, dh, dst_rect.x, dst_rect.y, dst_rect.width, dst_rect.height, (int)req.mode,
                (int)opts.downsampling, (int)opts.filter, opts.src_matrix, opts.dst_matrix,
                opts.n_threads);
    st = vt_convert_plan_create(&src_sub, &dst_sub, &opts, &plan);
    if (st != noErr) {
        FUZZ_CHECK(st == VT_CONVERT_ERR_NOT_SUPPORTED || st == VT_CONVERT_ERR_PARAM ||
                   st == VT_CONVERT_ERR_ALLOC);
        goto done;
    }
    (void)vt_convert_plan_describe(plan);
    (void)vt_convert_plan_step_count(plan);
    (void)vt_convert_plan_scratch_bytes(plan);
    FUZZ_CHECK(vt_convert_plan_run(plan, &src_sub, &dst_sub) == noErr);
    /* H3 (documented in convert.h): an odd stride of a 16-bit plane is
     * refused. One byte less than the real stride, so the memory would be
     * there anyway (ASan). Reads no input: corpora keep their meaning. */
    if (sf->bit_depth > 8) {
        VTImage odd = src_sub;
        size_t row = vt_pixel_format_min_bytes_per_row(sf, 0, (size_t)odd.width);
        long mag = odd.stride[0] < 0 ? -(long)odd.stride[0] : (long)odd.stride[0];
        if (mag - 1 >= (long)row) {
            odd.stride[0] += odd.stride[0] < 0 ? 1 : -1;
            FUZZ_CHECK(vt_convert_plan_run(plan, &odd, &dst_sub) == VT_CONVERT_ERR_PARAM);
        }
    }
    vt_convert_plan_destroy(plan);
    plan = NULL;

    /* The same conversion with 3 threads gives the same bytes. */
    opts.n_threads = opts.n_threads == 3 ? 1 : 3;
    if (vt_convert_plan_create(&src_sub, &dst2_sub, &opts, &plan) == noErr) {
        FUZZ_CHECK(vt_convert_plan_run(plan, &src_sub, &dst2_sub) == noErr);
        FUZZ_CHECK(same_pixels(&dst.img, &dst2.img));
        /* An image of another shape is refused. */
        if (src_sub.width > 1) {
            VTImage wrong = src_sub;
            wrong.width--;
            FUZZ_CHECK(vt_convert_plan_run(plan, &wrong, &dst2_sub) == VT_CONVERT_ERR_PARAM);
        }
        {
            VTImage bad = dst2_sub;
            bad.stride[0] = 1;
            if (vt_pixel_format_min_bytes_per_row(df, 0, (size_t)bad.width) > 1)
                FUZZ_CHECK(vt_convert_plan_run(plan, &src_sub, &bad) == VT_CONVERT_ERR_PARAM);
        }
    }
done:
    vt_convert_plan_destroy(plan);
    planes_free(&src);
    planes_free(&dst);
    planes_free(&dst2);
}

/* VTPixelTransferSessionTransferImage with random properties and attachments. */
static void fuzz_session(FuzzInput *in, OSType sfmt, OSType dfmt) {
    VTPixelTransferSessionRef s = NULL;
    CVPixelBufferRef src = NULL, dst = NULL;
    size_t i, n;
    OSStatus st;
    if (VTPixelTransferSessionCreate(NULL, &s) != noErr)
        return;
    if (CVPixelBufferCreate(NULL, (size_t)fz_dim(in), (size_t)fz_dim(in), sfmt, NULL, &src) !=
            kCVReturnSuccess ||
        CVPixelBufferCreate(NULL, (size_t)fz_dim(in), (size_t)fz_dim(in), dfmt, NULL, &dst) !=
            kCVReturnSuccess)
        goto done;
    n = fz_u8(in) % 5;
    for (i = 0; i < n; i++) {
        CFStringRef key = fz_constant_matching(in, "PixelTransferPropertyKey");
        CFTypeRef v = fz_cf_value(in, 2);
        (void)VTSessionSetProperty(s, key, v);
        if (v)
            CFRelease(v);
    }
    n = fz_u8(in) % 4;
    for (i = 0; i < n; i++) {
        CFTypeRef v = fz_cf_value(in, 2);
        if (v) {
            CVBufferSetAttachment(src, fz_constant_matching(in, "ImageBuffer"), v,
                                  kCVAttachmentMode_ShouldPropagate);
            CFRelease(v);
        }
    }
    st = VTPixelTransferSessionTransferImage(s, src, dst);
    FUZZ_CHECK(st == noErr || st == kVTParameterErr || st == kVTPixelTransferNotSupportedErr ||
               st == kVTAllocationFailedErr);
    if (fz_bool(in)) {
        VTPixelTransferSessionInvalidate(s);
        FUZZ_CHECK(VTPixelTransferSessionTransferImage(s, src, dst) == kVTInvalidSessionErr);
    }
done:
    if (src)
        CVPixelBufferRelease(src);
    if (dst)
        CVPixelBufferRelease(dst);
    VTPixelTransferSessionInvalidate(s);
    CFRelease(s);
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc;
    (void)argv;
    fz_quiet_logs();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    FuzzInput in;
    size_t count;
    const VTPixelFormatInfo *all = vt_pixel_format_all(&count), *sf, *df;
    uint8_t mode;
    fz_init(&in, data, size);
    mode = fz_u8(&in);
    sf = &all[fz_below(&in, count)];
    df = &all[fz_below(&in, count)];
    if (mode % 4 == 3)
        fuzz_session(&in, sf->fourcc, df->fourcc);
    else if (vt_convert_format_supported(sf) && vt_convert_format_supported(df))
        fuzz_engine(&in, sf, df);
    return 0;
}
