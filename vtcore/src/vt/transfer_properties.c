/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * THE pixel transfer property table: one row per kVTPixelTransferPropertyKey_*
 * a VTPixelTransferSession supports, pointing into VTTransferConfig
 * (transfer_internal.h). VTSessionSetProperty / CopyProperty /
 * CopySupportedPropertyDictionary / CopySerializableProperties are all
 * generated from it. Every value applies from the next transfer on.
 *
 * The colour rows share the value lists of the compression session
 * (compression_internal.h: H.273 code points). DestinationICCProfile is
 * listed but any non-NULL value is refused by the session's will_set hook
 * (vtcore has no colour management; docs/transfer.md).
 *
 * Also here: vtcore's extension key kVTCorePixelTransferPropertyKey_ThreadCount.
 */
#include "config.h"

#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include <CoreVideo/CVImageBuffer.h>
#include <VideoToolbox/VTErrors.h>
#include <VideoToolbox/VTPixelTransferProperties.h>

#include "cf/cf_internal.h"
#include "convert/convert.h"
#include "vt/compression_internal.h"
#include "vt/transfer_internal.h"

/* vtcore extension key (VTPixelTransferProperties.h). */
VT_DEFINE_CONST_STRING(kVTCorePixelTransferPropertyKey_ThreadCount, "vtcore.ThreadCount");

/* ---- value lists ---- */

/* clang-format off */
const VTPropEnum vt_transfer_scaling_modes[] = {
    { &kVTScalingMode_Normal,                    VT_SCALING_NORMAL },
    { &kVTScalingMode_CropSourceToCleanAperture, VT_SCALING_CROP_SOURCE_TO_CLEAN_APERTURE },
    { &kVTScalingMode_Letterbox,                 VT_SCALING_LETTERBOX },
    { &kVTScalingMode_Trim,                      VT_SCALING_TRIM },
    { NULL, 0 },
};

const VTPropEnum vt_transfer_downsampling_modes[] = {
    { &kVTDownsamplingMode_Decimate, VT_DOWNSAMPLE_DECIMATE },
    { &kVTDownsamplingMode_Average,  VT_DOWNSAMPLE_AVERAGE },
    { NULL, 0 },
};
/* clang-format on */

/* ---- value checks of the CFTYPE rows ---- */

static Boolean dict_number(CFDictionaryRef d, CFStringRef key, double *out) {
    return vt_cf_get_double(vt_cf_dict_get(d, key), out) && isfinite(*out);
}

/* DestinationCleanAperture: Width and Height finite and >= 1 (pixels);
 * offsets optional (0), finite. */
static OSStatus validate_clean_aperture(const VTPropertySpec *row, CFTypeRef value) {
    double w, h, o;
    CFDictionaryRef d = value;
    (void)row;
    if (!dict_number(d, kCVImageBufferCleanApertureWidthKey, &w) ||
        !dict_number(d, kCVImageBufferCleanApertureHeightKey, &h) || !(w >= 1) || !(h >= 1))
        return kVTParameterErr;
    if (vt_cf_dict_get(d, kCVImageBufferCleanApertureHorizontalOffsetKey) &&
        !dict_number(d, kCVImageBufferCleanApertureHorizontalOffsetKey, &o))
        return kVTParameterErr;
    if (vt_cf_dict_get(d, kCVImageBufferCleanApertureVerticalOffsetKey) &&
        !dict_number(d, kCVImageBufferCleanApertureVerticalOffsetKey, &o))
        return kVTParameterErr;
    return noErr;
}

/* DestinationPixelAspectRatio: HorizontalSpacing and VerticalSpacing, both
 * finite and > 0 (fractions allowed), ratio within 1:10000 .. 10000:1. */
static OSStatus validate_pixel_aspect_ratio(const VTPropertySpec *row, CFTypeRef value) {
    double h, v;
    (void)row;
    if (!dict_number(value, kCVImageBufferPixelAspectRatioHorizontalSpacingKey, &h) ||
        !dict_number(value, kCVImageBufferPixelAspectRatioVerticalSpacingKey, &v))
        return kVTParameterErr;
    if (!(h > 0) || !(v > 0) || !(h / v >= VT_TRANSFER_MIN_PAR) ||
        !(h / v <= 1.0 / VT_TRANSFER_MIN_PAR))
        return kVTParameterErr;
    return noErr;
}

/* ---- the table ---- */

#define CFG(f) offsetof(VTTransferConfig, f)
#define KEY(k) .key = &kVTPixelTransferPropertyKey_##k
#define SER    (VT_PROP_SERIALIZABLE)
#define OPT    (VT_PROP_NULLABLE)

/* clang-format off */
static const VTPropertySpec transfer_rows[] = {
    { KEY(ScalingMode),      .kind = VT_PROP_ENUM, .offset = CFG(scaling_mode), .flags = SER,
      .enums = vt_transfer_scaling_modes, .def = VT_SCALING_NORMAL },
    { KEY(DestinationCleanAperture), .kind = VT_PROP_CFTYPE, .offset = CFG(dst_clean_aperture),
      .flags = SER, .type_id = VT_TYPE_ID_DICTIONARY, .validate = validate_clean_aperture,
      .doc = "Ignored in Normal mode; NULL = the whole destination." },
    { KEY(DestinationPixelAspectRatio), .kind = VT_PROP_CFTYPE,
      .offset = CFG(dst_pixel_aspect_ratio), .flags = SER, .type_id = VT_TYPE_ID_DICTIONARY,
      .validate = validate_pixel_aspect_ratio,
      .doc = "Ignored in Normal mode; NULL = 1:1 for CropSourceToCleanAperture, the source's "
             "for Letterbox and Trim." },
    { KEY(DownsamplingMode), .kind = VT_PROP_ENUM, .offset = CFG(downsampling_mode), .flags = SER,
      .enums = vt_transfer_downsampling_modes, .def = VT_DOWNSAMPLE_DECIMATE },
    { KEY(DestinationColorPrimaries),   .kind = VT_PROP_ENUM, .offset = CFG(dst_color_primaries),
      .flags = SER | OPT, .enums = vt_cs_color_primaries, .def = 2,
      .doc = "Tag only: a transfer between two different known primaries is refused with "
             "kVTPixelTransferNotSupportedErr (no colour matching)." },
    { KEY(DestinationTransferFunction), .kind = VT_PROP_ENUM, .offset = CFG(dst_transfer_function),
      .flags = SER | OPT, .enums = vt_cs_transfer_functions, .def = 2,
      .doc = "Tag only: a transfer between two different known transfer functions is refused "
             "with kVTPixelTransferNotSupportedErr (no colour matching)." },
    { KEY(DestinationYCbCrMatrix),      .kind = VT_PROP_ENUM, .offset = CFG(dst_ycbcr_matrix),
      .flags = SER | OPT, .enums = vt_cs_ycbcr_matrices, .def = 2,
      .doc = "Conversions use BT.601, BT.709 or BT.2020; SMPTE 240M and the P3 matrices are "
             "tags only." },
    { KEY(DestinationICCProfile), .kind = VT_PROP_CFTYPE, .offset = CFG(dst_icc_profile),
      .flags = SER, .type_id = VT_TYPE_ID_DATA,
      .doc = "Not supported (no colour management): any value but NULL is refused with "
             "kVTPropertyNotSupportedErr." },
    { KEY(RealTime), .kind = VT_PROP_BOOL, .offset = CFG(real_time), .flags = SER | OPT,
      .doc = "Accepted and stored; transfers run on the calling thread either way." },
    { .key = &kVTCorePixelTransferPropertyKey_ThreadCount, .kind = VT_PROP_INT32,
      .offset = CFG(thread_count), .flags = SER, .min = 0, .max = VT_TRANSFER_MAX_THREADS,
      .def = VT_TRANSFER_DEFAULT_THREADS,
      .doc = "vtcore extension: worker threads of one transfer (0 = automatic). The output is "
             "identical for every value." },
};
/* clang-format on */

VT_PROP_TABLE_DEFINE(vt_transfer_table, transfer_rows);
