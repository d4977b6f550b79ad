/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * THE compression property table: one row per kVTCompressionPropertyKey_*
 * a VTCompressionSession supports, pointing into VTCompressionConfig
 * (compression_internal.h). VTSessionSetProperty / CopyProperty /
 * CopySupportedPropertyDictionary / CopySerializableProperties and
 * VTCopySupportedPropertyDictionaryForEncoder are all generated from it.
 *
 * Rows whose `caps` the selected encoder lacks are hidden (SetProperty and
 * CopyProperty give kVTPropertyNotSupportedErr, the supported-property
 * dictionary leaves them out). VT_PROP_LIVE marks the values the running
 * encoder takes at the next frame without draining; every other value set
 * after the encoder started is applied at the next frame by draining the
 * encoder and reopening it (docs/compression.md).
 *
 * Also here: the value lists (profiles/levels, entropy modes, colour tags)
 * and the H.264 level limits (Table A-1), and vtcore's extension keys
 * kVTCoreCompressionPropertyKey_ThreadCount / _X264Preset / _X264Tune
 * (<vtcore/vtcore.h>). Those rows have no storage in VTCompressionConfig:
 * compression_session.c keeps their values (cs_will_set stores a value the
 * engine accepted, the class's copy_dynamic hook reads it back).
 */
#include "config.h"

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <CoreMedia/CMFormatDescription.h>
#include <CoreVideo/CVImageBuffer.h>
#include <VideoToolbox/VTCompressionProperties.h>
#include <VideoToolbox/VTErrors.h>

#include <vtcore/vtcore.h>

#include "cf/cf_internal.h"
#include "encoder/backend.h"
#include "vt/compression_internal.h"

/* ---- value lists ---- */

#define PL(p, l) VT_CS_PROFILE_LEVEL(VT_H264_PROFILE_##p, l)

/* clang-format off */
static const VTPropEnum h264_profile_levels[] = {
    { &kVTProfileLevel_H264_Baseline_1_3,                PL(BASELINE, 13) },
    { &kVTProfileLevel_H264_Baseline_3_0,                PL(BASELINE, 30) },
    { &kVTProfileLevel_H264_Baseline_3_1,                PL(BASELINE, 31) },
    { &kVTProfileLevel_H264_Baseline_3_2,                PL(BASELINE, 32) },
    { &kVTProfileLevel_H264_Baseline_4_0,                PL(BASELINE, 40) },
    { &kVTProfileLevel_H264_Baseline_4_1,                PL(BASELINE, 41) },
    { &kVTProfileLevel_H264_Baseline_4_2,                PL(BASELINE, 42) },
    { &kVTProfileLevel_H264_Baseline_5_0,                PL(BASELINE, 50) },
    { &kVTProfileLevel_H264_Baseline_5_1,                PL(BASELINE, 51) },
    { &kVTProfileLevel_H264_Baseline_5_2,                PL(BASELINE, 52) },
    { &kVTProfileLevel_H264_Baseline_AutoLevel,          PL(BASELINE, 0) },
    { &kVTProfileLevel_H264_ConstrainedBaseline_AutoLevel, PL(CONSTRAINED_BASELINE, 0) },
    { &kVTProfileLevel_H264_Main_3_0,                    PL(MAIN, 30) },
    { &kVTProfileLevel_H264_Main_3_1,                    PL(MAIN, 31) },
    { &kVTProfileLevel_H264_Main_3_2,                    PL(MAIN, 32) },
    { &kVTProfileLevel_H264_Main_4_0,                    PL(MAIN, 40) },
    { &kVTProfileLevel_H264_Main_4_1,                    PL(MAIN, 41) },
    { &kVTProfileLevel_H264_Main_4_2,                    PL(MAIN, 42) },
    { &kVTProfileLevel_H264_Main_5_0,                    PL(MAIN, 50) },
    { &kVTProfileLevel_H264_Main_5_1,                    PL(MAIN, 51) },
    { &kVTProfileLevel_H264_Main_5_2,                    PL(MAIN, 52) },
    { &kVTProfileLevel_H264_Main_AutoLevel,              PL(MAIN, 0) },
    { &kVTProfileLevel_H264_Extended_5_0,                PL(EXTENDED, 50) },
    { &kVTProfileLevel_H264_Extended_AutoLevel,          PL(EXTENDED, 0) },
    { &kVTProfileLevel_H264_High_3_0,                    PL(HIGH, 30) },
    { &kVTProfileLevel_H264_High_3_1,                    PL(HIGH, 31) },
    { &kVTProfileLevel_H264_High_3_2,                    PL(HIGH, 32) },
    { &kVTProfileLevel_H264_High_4_0,                    PL(HIGH, 40) },
    { &kVTProfileLevel_H264_High_4_1,                    PL(HIGH, 41) },
    { &kVTProfileLevel_H264_High_4_2,                    PL(HIGH, 42) },
    { &kVTProfileLevel_H264_High_5_0,                    PL(HIGH, 50) },
    { &kVTProfileLevel_H264_High_5_1,                    PL(HIGH, 51) },
    { &kVTProfileLevel_H264_High_5_2,                    PL(HIGH, 52) },
    { &kVTProfileLevel_H264_High_AutoLevel,              PL(HIGH, 0) },
    { &kVTProfileLevel_H264_ConstrainedHigh_AutoLevel,   PL(CONSTRAINED_HIGH, 0) },
    /* HEVC sessions only (compression_session.c refuses them for H.264 and
     * the H.264 values for HEVC) */
    { &kVTProfileLevel_HEVC_Main_AutoLevel,   VT_CS_PROFILE_LEVEL(VT_HEVC_PROFILE_MAIN, 0) },
    { &kVTProfileLevel_HEVC_Main10_AutoLevel, VT_CS_PROFILE_LEVEL(VT_HEVC_PROFILE_MAIN10, 0) },
    { NULL, 0 },
};

static const VTPropEnum h264_entropy_modes[] = {
    { &kVTH264EntropyMode_CAVLC, VT_ENTROPY_CAVLC },
    { &kVTH264EntropyMode_CABAC, VT_ENTROPY_CABAC },
    { NULL, 0 },
};

/* H.273 code points; the same mapping as the CoreMedia format descriptions
 * derived from a VUI. */
const VTPropEnum vt_cs_color_primaries[] = {
    { &kCVImageBufferColorPrimaries_ITU_R_709_2, 1 },
    { &kCVImageBufferColorPrimaries_EBU_3213,    5 },
    { &kCVImageBufferColorPrimaries_SMPTE_C,     6 },
    { &kCVImageBufferColorPrimaries_ITU_R_2020,  9 },
    { &kCVImageBufferColorPrimaries_DCI_P3,      11 },
    { &kCVImageBufferColorPrimaries_P3_D65,      12 },
    { &kCVImageBufferColorPrimaries_P22,         22 },
    { NULL, 0 },
};

const VTPropEnum vt_cs_transfer_functions[] = {
    { &kCVImageBufferTransferFunction_ITU_R_709_2,      1 },
    { &kCVImageBufferTransferFunction_SMPTE_240M_1995,  7 },
    { &kCVImageBufferTransferFunction_Linear,           8 },
    { &kCVImageBufferTransferFunction_sRGB,             13 },
    { &kCVImageBufferTransferFunction_ITU_R_2020,       14 },
    { &kCVImageBufferTransferFunction_SMPTE_ST_2084_PQ, 16 },
    { &kCVImageBufferTransferFunction_SMPTE_ST_428_1,   17 },
    { &kCVImageBufferTransferFunction_ITU_R_2100_HLG,   18 },
    { &kCVImageBufferTransferFunction_UseGamma,         VT_CS_COLOR_NO_CODE },
    { NULL, 0 },
};

const VTPropEnum vt_cs_ycbcr_matrices[] = {
    { &kCVImageBufferYCbCrMatrix_ITU_R_709_2,     1 },
    { &kCVImageBufferYCbCrMatrix_ITU_R_601_4,     6 },
    { &kCVImageBufferYCbCrMatrix_SMPTE_240M_1995, 7 },
    { &kCVImageBufferYCbCrMatrix_ITU_R_2020,      9 },
    { &kCVImageBufferYCbCrMatrix_DCI_P3,          VT_CS_COLOR_NO_CODE },
    { &kCVImageBufferYCbCrMatrix_P3_D65,          VT_CS_COLOR_NO_CODE + 1 },
    { NULL, 0 },
};
/* clang-format on */

Boolean vt_cs_enum_lookup(const VTPropEnum *list, CFTypeRef value, int32_t *internal) {
    const VTPropEnum *e;
    if (vt_object_type_id(value) != VT_TYPE_ID_STRING)
        return FALSE;
    for (e = list; e->value; e++) {
        if (*e->value == (CFStringRef)value) {
            *internal = e->internal;
            return TRUE;
        }
    }
    for (e = list; e->value; e++) {
        if (CFEqual(*e->value, value)) {
            *internal = e->internal;
            return TRUE;
        }
    }
    return FALSE;
}

CFStringRef vt_cs_enum_string(const VTPropEnum *list, int32_t internal) {
    const VTPropEnum *e;
    for (e = list; e->value; e++) {
        if (e->internal == internal)
            return *e->value;
    }
    return NULL;
}

/* ---- H.264 levels (Table A-1) ---- */

/* clang-format off */
static const VTH264LevelLimits h264_levels[] = {
    /* level  MaxMBPS   MaxFS   MaxDpbMbs  MaxBR */
    { 10,     1485,     99,     396,       64 },
    {  9,     1485,     99,     396,       128 },  /* 1b */
    { 11,     3000,     396,    900,       192 },
    { 12,     6000,     396,    2376,      384 },
    { 13,     11880,    396,    2376,      768 },
    { 20,     11880,    396,    2376,      2000 },
    { 21,     19800,    792,    4752,      4000 },
    { 22,     20250,    1620,   8100,      4000 },
    { 30,     40500,    1620,   8100,      10000 },
    { 31,     108000,   3600,   18000,     14000 },
    { 32,     216000,   5120,   20480,     20000 },
    { 40,     245760,   8192,   32768,     20000 },
    { 41,     245760,   8192,   32768,     50000 },
    { 42,     522240,   8704,   34816,     50000 },
    { 50,     589824,   22080,  110400,    135000 },
    { 51,     983040,   36864,  184320,    240000 },
    { 52,     2073600,  36864,  184320,    240000 },
    { 60,     4177920,  139264, 696320,    240000 },
    { 61,     8355840,  139264, 696320,    480000 },
    { 62,     16711680, 139264, 696320,    800000 },
};
/* clang-format on */

const VTH264LevelLimits *vt_h264_level_limits(int32_t level_idc) {
    size_t i;
    for (i = 0; i < sizeof(h264_levels) / sizeof(h264_levels[0]); i++) {
        if (h264_levels[i].level_idc == level_idc)
            return &h264_levels[i];
    }
    return NULL;
}

/* ---- value checks of the CFTYPE rows ---- */

/* DataRateLimits: [bytes, seconds] pairs, at most two, every number finite
 * and > 0. (An empty array means "no limits".) */
static OSStatus validate_data_rate_limits(const VTPropertySpec *row, CFTypeRef value) {
    CFIndex i, n;
    OSStatus status = vt_prop_validate_even_number_array(row, value);
    if (status != noErr)
        return status;
    n = CFArrayGetCount((CFArrayRef)value);
    for (i = 0; i < n; i++) {
        double d = 0;
        (void)vt_cf_get_double(CFArrayGetValueAtIndex((CFArrayRef)value, i), &d);
        if (!(d > 0.0))
            return kVTParameterErr;
    }
    return noErr;
}

static Boolean dict_number(CFDictionaryRef d, CFStringRef key, double *out) {
    return vt_cf_get_double(vt_cf_dict_get(d, key), out) && isfinite(*out);
}

/* PixelAspectRatio: HorizontalSpacing and VerticalSpacing, integers 1..65535. */
static OSStatus validate_pixel_aspect_ratio(const VTPropertySpec *row, CFTypeRef value) {
    double h, v;
    (void)row;
    if (!dict_number(value, kCMFormatDescriptionKey_PixelAspectRatioHorizontalSpacing, &h) ||
        !dict_number(value, kCMFormatDescriptionKey_PixelAspectRatioVerticalSpacing, &v))
        return kVTParameterErr;
    if (h < 1 || v < 1 || h > 65535 || v > 65535 || h != floor(h) || v != floor(v))
        return kVTParameterErr;
    return noErr;
}

/* CleanAperture: Width and Height > 0; offsets optional, finite. */
static OSStatus validate_clean_aperture(const VTPropertySpec *row, CFTypeRef value) {
    double w, h, o;
    CFDictionaryRef d = value;
    (void)row;
    if (!dict_number(d, kCMFormatDescriptionKey_CleanApertureWidth, &w) ||
        !dict_number(d, kCMFormatDescriptionKey_CleanApertureHeight, &h) || !(w > 0) || !(h > 0))
        return kVTParameterErr;
    if (vt_cf_dict_get(d, kCMFormatDescriptionKey_CleanApertureHorizontalOffset) &&
        !dict_number(d, kCMFormatDescriptionKey_CleanApertureHorizontalOffset, &o))
        return kVTParameterErr;
    if (vt_cf_dict_get(d, kCMFormatDescriptionKey_CleanApertureVerticalOffset) &&
        !dict_number(d, kCMFormatDescriptionKey_CleanApertureVerticalOffset, &o))
        return kVTParameterErr;
    return noErr;
}

/* ---- vtcore extension keys ---- */

VT_DEFINE_CONST_STRING(kVTCoreCompressionPropertyKey_ThreadCount, "vtcore.ThreadCount");
VT_DEFINE_CONST_STRING(kVTCoreCompressionPropertyKey_X264Preset, "vtcore.X264Preset");
VT_DEFINE_CONST_STRING(kVTCoreCompressionPropertyKey_X264Tune, "vtcore.X264Tune");

/* X264Preset: one of x264's preset names (checked by x264.c, which alone
 * sees x264.h); without x264 any short non-empty string (ignored). */
static OSStatus validate_x264_preset(const VTPropertySpec *row, CFTypeRef value) {
    const char *name = vt_cfstring_cstr(value);
    (void)row;
    if (!name[0] || strlen(name) >= VT_X264_PRESET_MAX)
        return kVTParameterErr;
#if HAVE_X264
    if (!vt_x264_preset_is_valid(name))
        return kVTParameterErr;
#endif
    return noErr;
}

/* X264Tune: comma-separated x264 tune names (checked by x264.c). */
static OSStatus validate_x264_tune(const VTPropertySpec *row, CFTypeRef value) {
    const char *tune = vt_cfstring_cstr(value);
    (void)row;
    if (!tune[0] || strlen(tune) >= VT_X264_TUNE_MAX)
        return kVTParameterErr;
#if HAVE_X264
    if (!vt_x264_tune_is_valid(tune))
        return kVTParameterErr;
#endif
    return noErr;
}

/* ---- the table ---- */

#define CFG(f)  offsetof(VTCompressionConfig, f)
#define KEY(k)  .key = &kVTCompressionPropertyKey_##k
#define RO      (VT_PROP_READONLY)
#define LIVE    (VT_PROP_LIVE)
#define SER     (VT_PROP_SERIALIZABLE)
#define OPT     (VT_PROP_NULLABLE)
#define NOSTORE .offset = VT_PROP_NO_STORAGE

/* Largest kVTCoreCompressionPropertyKey_ThreadCount (x264's X264_THREAD_MAX). */
#define VT_CS_MAX_THREADS 128

/* clang-format off */
static const VTPropertySpec compression_rows[] = {
    /* ---- buffers (read-only, computed) ---- */
    { KEY(NumberOfPendingFrames),             .kind = VT_PROP_INT32, NOSTORE, .flags = RO,
      .get = vt_cs_get_pending_frames,
      .doc = "Frames accepted by EncodeFrame whose output callback has not returned yet." },
    { KEY(PixelBufferPoolIsShared),           .kind = VT_PROP_BOOL, NOSTORE, .flags = RO,
      .get = vt_cs_get_pool_is_shared,
      .doc = "True when the session's pool buffers reach the encoder without conversion." },
    { KEY(VideoEncoderPixelBufferAttributes), .kind = VT_PROP_CFTYPE, NOSTORE, .flags = RO,
      .type_id = VT_TYPE_ID_DICTIONARY, .get = vt_cs_get_encoder_pixel_buffer_attributes },

    /* ---- encoder information (read-only, fixed at creation) ---- */
    { KEY(UsingHardwareAcceleratedVideoEncoder), .kind = VT_PROP_BOOL, NOSTORE, .flags = RO,
      .get = vt_cs_get_using_hardware },
    { KEY(EncoderID),                         .kind = VT_PROP_CFTYPE, NOSTORE, .flags = RO,
      .type_id = VT_TYPE_ID_STRING, .get = vt_cs_get_encoder_id },

    /* ---- rate control ---- */
    { KEY(AverageBitRate),   .kind = VT_PROP_INT32,  .offset = CFG(average_bit_rate),
      .flags = LIVE | SER, .min = 0, .max = INT32_MAX },
    { KEY(DataRateLimits),   .kind = VT_PROP_CFTYPE, .offset = CFG(data_rate_limits),
      .flags = LIVE | SER, .type_id = VT_TYPE_ID_ARRAY, .min = 0, .max = 4,
      .validate = validate_data_rate_limits, .caps = VT_CAP_DATA_RATE,
      .doc = "[bytes, seconds] pairs (at most two): hard limits mapped to the encoder's VBV." },
    { KEY(ConstantBitRate),  .kind = VT_PROP_INT32,  .offset = CFG(constant_bit_rate),
      .flags = LIVE | SER, .min = 0, .max = INT32_MAX, .caps = VT_CAP_CBR,
      .doc = "Setting it resets AverageBitRate and DataRateLimits, and vice versa." },
    { KEY(Quality),          .kind = VT_PROP_DOUBLE, .offset = CFG(quality),
      .flags = LIVE | SER | OPT, .min = 0, .max = 1, .def = -1, .caps = VT_CAP_CRF },
    { KEY(MinAllowedFrameQP), .kind = VT_PROP_INT32, .offset = CFG(min_qp),
      .flags = SER | OPT, .min = 0, .max = 51, .def = -1, .caps = VT_CAP_QP_RANGE },
    { KEY(MaxAllowedFrameQP), .kind = VT_PROP_INT32, .offset = CFG(max_qp),
      .flags = SER | OPT, .min = 0, .max = 51, .def = -1, .caps = VT_CAP_QP_RANGE },

    /* ---- frame dependency ---- */
    { KEY(MaxKeyFrameInterval),         .kind = VT_PROP_INT32,  .offset = CFG(max_key_frame_interval),
      .flags = LIVE | SER, .min = 0, .max = INT32_MAX },
    { KEY(MaxKeyFrameIntervalDuration), .kind = VT_PROP_DOUBLE, .offset = CFG(max_key_frame_interval_duration),
      .flags = LIVE | SER, .min = 0, .max = 1e9 },
    { KEY(AllowFrameReordering),        .kind = VT_PROP_BOOL,   .offset = CFG(allow_frame_reordering),
      .flags = SER, .def = 1, .get = vt_cs_get_allow_frame_reordering,
      .doc = "Reads back whether B-frames are actually possible with the current settings." },
    { KEY(AllowTemporalCompression),    .kind = VT_PROP_BOOL,   .offset = CFG(allow_temporal_compression),
      .flags = SER, .def = 1 },
    { KEY(AllowOpenGOP),                .kind = VT_PROP_BOOL,   .offset = CFG(allow_open_gop),
      .flags = SER | OPT, .def = 0, .caps = VT_CAP_OPEN_GOP },
    { KEY(ReferenceBufferCount),        .kind = VT_PROP_INT32,  .offset = CFG(reference_buffer_count),
      .flags = SER | OPT, .min = 1, .max = 16, .def = 0 },

    /* ---- bitstream ---- */
    { KEY(ProfileLevel),      .kind = VT_PROP_ENUM,  .offset = CFG(profile_level),
      .flags = SER | OPT, .enums = h264_profile_levels,
      .doc = "An explicit level is enforced: frame size (at set time), bit rate, frame rate and "
             "reference count (when the encoder starts) must fit it, else kVTParameterErr." },
    { KEY(H264EntropyMode),   .kind = VT_PROP_ENUM,  .offset = CFG(entropy_mode),
      .flags = SER | OPT, .enums = h264_entropy_modes, .def = VT_ENTROPY_AUTO },
    { KEY(MaxH264SliceBytes), .kind = VT_PROP_INT32, .offset = CFG(max_slice_bytes),
      .flags = SER, .min = 0, .max = INT32_MAX, .caps = VT_CAP_SLICE_BYTES },

    /* ---- runtime hints ---- */
    { KEY(RealTime),            .kind = VT_PROP_BOOL,   .offset = CFG(real_time), .flags = SER | OPT },
    { KEY(ExpectedFrameRate),   .kind = VT_PROP_DOUBLE, .offset = CFG(expected_frame_rate),
      .flags = LIVE | SER, .min = 0, .max = 1000 },
    { KEY(MaxFrameDelayCount),  .kind = VT_PROP_INT32,  .offset = CFG(max_frame_delay_count),
      .flags = SER, .min = -1, .max = INT32_MAX, .def = -1 },
    { KEY(PrioritizeEncodingSpeedOverQuality), .kind = VT_PROP_BOOL, .offset = CFG(prioritize_speed),
      .flags = SER | OPT },
    { KEY(MaximizePowerEfficiency), .kind = VT_PROP_BOOL, .offset = CFG(maximize_power_efficiency),
      .flags = SER | OPT },
    { KEY(MoreFramesBeforeStart), .kind = VT_PROP_BOOL,  .offset = CFG(more_frames_before_start),
      .flags = LIVE | SER },
    { KEY(MoreFramesAfterEnd),    .kind = VT_PROP_BOOL,  .offset = CFG(more_frames_after_end),
      .flags = LIVE | SER },
    { KEY(SourceFrameCount),      .kind = VT_PROP_INT64, .offset = CFG(source_frame_count),
      .flags = LIVE | SER, .min = 0, .max = 9e15 },
    { KEY(ExpectedDuration),      .kind = VT_PROP_DOUBLE, .offset = CFG(expected_duration),
      .flags = LIVE | SER, .min = 0, .max = 1e12 },
    { KEY(MultiPassStorage),      .kind = VT_PROP_CFTYPE, .offset = CFG(multi_pass_storage),
      .type_id = VT_TYPE_ID_MULTI_PASS_STORAGE, .caps = VT_CAP_MULTIPASS,
      .doc = "Enables VTCompressionSessionBeginPass/EndPass (two passes with AverageBitRate). "
             "Cannot change while a pass runs." },

    /* ---- format description / VUI ---- */
    { KEY(ColorPrimaries),   .kind = VT_PROP_ENUM, .offset = CFG(color_primaries),
      .flags = SER | OPT, .enums = vt_cs_color_primaries, .def = 2 },
    { KEY(TransferFunction), .kind = VT_PROP_ENUM, .offset = CFG(transfer_function),
      .flags = SER | OPT, .enums = vt_cs_transfer_functions, .def = 2 },
    { KEY(YCbCrMatrix),      .kind = VT_PROP_ENUM, .offset = CFG(ycbcr_matrix),
      .flags = SER | OPT, .enums = vt_cs_ycbcr_matrices, .def = 2 },
    { KEY(PixelAspectRatio), .kind = VT_PROP_CFTYPE, .offset = CFG(pixel_aspect_ratio),
      .flags = SER, .type_id = VT_TYPE_ID_DICTIONARY, .validate = validate_pixel_aspect_ratio },
    { KEY(CleanAperture),    .kind = VT_PROP_CFTYPE, .offset = CFG(clean_aperture),
      .flags = LIVE | SER, .type_id = VT_TYPE_ID_DICTIONARY, .validate = validate_clean_aperture },

    /* ---- vtcore extensions (values kept by compression_session.c) ---- */
    { .key = &kVTCoreCompressionPropertyKey_ThreadCount, .kind = VT_PROP_INT32, NOSTORE,
      .flags = SER, .min = 0, .max = VT_CS_MAX_THREADS,
      .doc = "vtcore extension: encoder worker threads, 0 = automatic. Not live: a change "
             "after the first frame drains the encoder and opens a new one." },
    { .key = &kVTCoreCompressionPropertyKey_X264Preset, .kind = VT_PROP_CFTYPE, NOSTORE,
      .flags = SER, .type_id = VT_TYPE_ID_STRING, .validate = validate_x264_preset,
      .doc = "vtcore extension: x264 preset name (ultrafast ... placebo), applied before the "
             "VideoToolbox properties. Ignored by hardware encoders." },
    { .key = &kVTCoreCompressionPropertyKey_X264Tune, .kind = VT_PROP_CFTYPE, NOSTORE,
      .flags = SER, .type_id = VT_TYPE_ID_STRING, .validate = validate_x264_tune,
      .doc = "vtcore extension: x264 tune names separated by commas (film, ..., zerolatency). "
             "Ignored by hardware encoders." },
};
/* clang-format on */

VT_PROP_TABLE_DEFINE(vt_compression_table, compression_rows);
