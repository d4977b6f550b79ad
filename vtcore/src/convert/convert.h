/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The pixel conversion and scaling engine under VTPixelTransferSession,
 * working on plain plane pointers (no CF/CV objects).
 *
 * Usage (what VTPixelTransferSessionTransferImage does):
 *
 *   VTConvertOptions o;
 *   vt_convert_options_init(&o);            // Decimate, auto filter, 1 thread
 *   o.src_matrix = VT_MATRIX_BT709; ...
 *   VTConvertPlan *plan;
 *   st = vt_convert_plan_create(&src_desc, &dst_desc, &o, &plan); // once per geometry
 *   st = vt_convert_plan_run(plan, &src_img, &dst_img);           // every frame
 *   vt_convert_plan_destroy(plan);
 *
 * A plan is built once for (source format and size, destination format and
 * size, options) and holds everything a frame needs: the chosen kernels, the
 * scratch planes of intermediate steps and the worker threads. Running it
 * allocates nothing. Strides and plane pointers are given per frame; rows
 * need no alignment and strides may be anything >= the minimum row size
 * (negative strides address bottom-up images), with one exception: planes
 * of the 16-bit layouts (P010 and its kin) need an even plane address and
 * an even stride, since their samples are read and written whole; an odd
 * one is refused with VT_CONVERT_ERR_PARAM.
 *
 * Scaling modes (letterbox, trim, clean apertures) are a geometry layer on
 * top: vt_convert_compute_geometry() gives the source and destination
 * rectangles, vt_convert_image_crop() turns them into sub-images the plan runs
 * on, and vt_convert_fill_borders() paints the rest of the destination black.
 *
 * Only the files in this folder include libyuv.
 */
#ifndef VTCORE_CONVERT_CONVERT_H
#define VTCORE_CONVERT_CONVERT_H

#include <stddef.h>
#include <stdint.h>

#include <CoreFoundation/CFBase.h>
#include <VideoToolbox/VTErrors.h>

#include "cv/pixel_format.h"

/* OSStatus values returned here. */
#define VT_CONVERT_ERR_PARAM         kVTParameterErr                 /* -12902 */
#define VT_CONVERT_ERR_ALLOC         kVTAllocationFailedErr          /* -12904 */
#define VT_CONVERT_ERR_NOT_SUPPORTED kVTPixelTransferNotSupportedErr /* -12905 */

/* Largest width or height accepted (keeps every byte offset in an int). */
#define VT_CONVERT_MAX_DIMENSION 16384
/* Largest thread count a plan accepts. */
#define VT_CONVERT_MAX_THREADS 16

/* One image: a format row and up to three planes. Plane p holds the rows of
 * plane p of the format (for packed formats plane 0 is the whole image).
 * stride[p] is in bytes and may be negative (bottom-up); for 16-bit formats
 * data[p] and stride[p] must be even. */
typedef struct VTImage {
    const VTPixelFormatInfo *fmt;
    int width, height;
    uint8_t *data[3];
    int stride[3];
} VTImage;

typedef struct VTRect {
    int x, y, width, height;
} VTRect;

/* YCbCr matrices, as ITU-T H.273 MatrixCoefficients code points. 0 and 2
 * (and any other value) mean "unspecified": the plan then uses BT.709 for
 * images at least 1280 wide or 720 high and BT.601 below (the YUV side's
 * size decides). 5 (BT.470BG) is the same matrix as 6. */
enum {
    VT_MATRIX_UNSPECIFIED = 2,
    VT_MATRIX_BT709 = 1,
    VT_MATRIX_BT470BG = 5,
    VT_MATRIX_BT601 = 6,
    VT_MATRIX_BT2020 = 9,
};

/* kVTPixelTransferPropertyKey_DownsamplingMode: how chroma is reduced when
 * the destination has fewer chroma samples than the source (4:4:4 or RGB to
 * 4:2:2 / 4:2:0, 4:2:2 to 4:2:0). DECIMATE keeps the co-sited (top-left)
 * sample; AVERAGE takes the centred mean of the 2 or 4 samples. */
typedef enum VTChromaDownsampling {
    VT_DOWNSAMPLE_DECIMATE = 0, /* Apple's default */
    VT_DOWNSAMPLE_AVERAGE = 1,
} VTChromaDownsampling;

/* Resampling filter for scaling. AUTO: bilinear when the destination has at
 * least as many pixels as the source, otherwise point sampling with
 * DECIMATE and box filtering with AVERAGE. BOX is libyuv's box filter where
 * libyuv computes it (it becomes bilinear when no axis shrinks below 1/2)
 * and vtcore's exactly rounded area average where an axis shrinks below 1/2
 * (libyuv's truncates, so a flat area would not stay flat). */
typedef enum VTScaleFilter {
    VT_SCALE_FILTER_AUTO = 0,
    VT_SCALE_FILTER_POINT = 1,
    VT_SCALE_FILTER_BILINEAR = 2,
    VT_SCALE_FILTER_BOX = 3,
} VTScaleFilter;

typedef struct VTConvertOptions {
    VTChromaDownsampling downsampling;
    VTScaleFilter filter;
    /* Matrix of the source's / destination's YCbCr (ignored for RGB and
     * grey). A YCbCr -> YCbCr transfer with two different matrices goes
     * through RGB. An unspecified destination matrix means "same as the
     * source" for YCbCr -> YCbCr. */
    int src_matrix, dst_matrix;
    /* Worker threads for one frame: 0 or 1 = the calling thread only. The
     * output is byte-identical for every thread count. Parallel: every
     * row-local step (repacking, colour conversion, chroma 2:1 steps, LUTs)
     * in horizontal bands of even height; scaling one task per plane, RGB
     * and box scaling also in destination bands. Planar bilinear/point
     * scaling of one plane is not split (libyuv has no exact clipped form). */
    int n_threads;
} VTConvertOptions;

typedef struct VTConvertPlan VTConvertPlan;

/* Defaults: DECIMATE, AUTO filter, unspecified matrices, one thread. */
void vt_convert_options_init(VTConvertOptions *opts);

/* Builds the plan that converts images shaped like src (format, width,
 * height; data/stride ignored) into images shaped like dst. opts may be NULL
 * (defaults). Returns noErr and *plan_out, VT_CONVERT_ERR_PARAM for NULL
 * arguments or sizes outside 1..VT_CONVERT_MAX_DIMENSION,
 * VT_CONVERT_ERR_NOT_SUPPORTED (reason logged) for a format vtcore cannot
 * convert, VT_CONVERT_ERR_ALLOC. */
OSStatus vt_convert_plan_create(const VTImage *src, const VTImage *dst,
                                const VTConvertOptions *opts, VTConvertPlan **plan_out);

/* Converts one frame. src and dst must have the plan's formats and sizes
 * (VT_CONVERT_ERR_PARAM otherwise, or for NULL plane pointers, for
 * |stride| below the plane's minimum row size, or for an odd plane address
 * or stride of a 16-bit format). A plan runs one frame at a
 * time: callers serialise concurrent use. Returns noErr. */
OSStatus vt_convert_plan_run(VTConvertPlan *plan, const VTImage *src, VTImage *dst);

/* Stops the plan's threads and frees it. NULL is ignored. */
void vt_convert_plan_destroy(VTConvertPlan *plan);

/* One line per step, e.g. "copy Y; merge UV", for logs and tests. Valid
 * until the plan is destroyed. */
const char *vt_convert_plan_describe(const VTConvertPlan *plan);
/* Number of steps, and how many of them run band-parallel. */
int vt_convert_plan_step_count(const VTConvertPlan *plan);
/* Bytes of scratch memory the plan owns (0 for one-step conversions). */
size_t vt_convert_plan_scratch_bytes(const VTConvertPlan *plan);

/* One-shot convenience: create, run, destroy. */
OSStatus vt_convert_image(const VTImage *src, VTImage *dst, const VTConvertOptions *opts);

/* Whether vtcore's converter knows fmt at all (every pair of known formats
 * converts). */
int vt_convert_format_supported(const VTPixelFormatInfo *fmt);

/* ---- geometry ---------------------------------------------------------- */

/* kVTPixelTransferPropertyKey_ScalingMode values. */
typedef enum VTScalingMode {
    VT_SCALING_NORMAL = 0,
    VT_SCALING_CROP_SOURCE_TO_CLEAN_APERTURE = 1,
    VT_SCALING_LETTERBOX = 2,
    VT_SCALING_TRIM = 3,
} VTScalingMode;

/* A clean aperture as CoreVideo describes it: size, and the offset of its
 * centre from the centre of the image (kCVImageBufferCleanAperture*Key). */
typedef struct VTCleanAperture {
    int valid; /* 0 = none: the whole image */
    double width, height, horizontal_offset, vertical_offset;
} VTCleanAperture;

typedef struct VTGeometryRequest {
    VTScalingMode mode;
    const VTPixelFormatInfo *src_fmt, *dst_fmt; /* for chroma alignment; may be NULL */
    int src_width, src_height, dst_width, dst_height;
    VTCleanAperture src_aperture; /* source buffer's clean aperture attachment */
    VTCleanAperture dst_aperture; /* DestinationCleanAperture property */
    /* Pixel aspect ratios as horizontal:vertical spacing; 0 = unknown (1:1). */
    double src_par_h, src_par_v;
    double dst_par_h, dst_par_v; /* DestinationPixelAspectRatio property */
} VTGeometryRequest;

/* Computes which source rectangle maps onto which destination rectangle:
 *   NORMAL: whole source -> whole destination (apertures ignored);
 *   CROP_SOURCE_TO_CLEAN_APERTURE: source aperture -> destination aperture;
 *   LETTERBOX: source aperture fitted inside the destination aperture,
 *     preserving the picture aspect (pixel aspect ratios included), centred;
 *   TRIM: source aperture cropped (centred) so that it fills the
 *     destination aperture with the picture aspect preserved.
 * Apertures are clamped to the images. Rectangles are snapped to the chroma
 * grid of their format (origins to even coordinates where subsampled, sizes
 * rounded to even except where they end at the image edge) and are never
 * empty. Destination pixels outside *dst_rect are to be painted black
 * (vt_convert_fill_borders). Returns noErr or VT_CONVERT_ERR_PARAM. */
OSStatus vt_convert_compute_geometry(const VTGeometryRequest *req, VTRect *src_rect,
                                     VTRect *dst_rect);

/* A sub-image of img covering rect (clamped to the image). With horizontal
 * chroma subsampling (4:2:x, packed 4:2:2) an odd x is rounded down to even,
 * with vertical subsampling an odd y likewise, keeping the far edge: the
 * sub-image then starts one pixel earlier and is one pixel larger.
 * Returns noErr, or VT_CONVERT_ERR_PARAM for an empty rectangle. */
OSStatus vt_convert_image_crop(const VTImage *img, VTRect rect, VTImage *out);

/* Paints rect of dst black in dst's format: Y 16 (video range) or 0 (full),
 * Cb = Cr = 128 (P010: 64 << 6 / 0, 512 << 6), RGB 0,0,0 with alpha 255,
 * grey 16 or 0 following the format's range. The rectangle is clamped to the
 * image; on subsampled planes every chroma sample touching the rectangle is
 * painted. Returns noErr or VT_CONVERT_ERR_PARAM / _NOT_SUPPORTED. */
OSStatus vt_convert_fill_black(VTImage *dst, VTRect rect);

/* Paints everything of dst outside content black (up to four bands). Call it
 * before running the plan on the content sub-image: where a content edge is
 * odd on a subsampled format, the shared chroma sample then ends up with the
 * content's chroma. */
OSStatus vt_convert_fill_borders(VTImage *dst, VTRect content);

#endif /* VTCORE_CONVERT_CONVERT_H */
