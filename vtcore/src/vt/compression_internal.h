/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Internals of VTCompressionSession shared by compression_session.c (the
 * session and its entry points), compression_properties.c (THE property
 * table, data only) and encoder_list.c (VTCopySupportedPropertyDictionary-
 * ForEncoder describes the same table).
 *
 * VTCompressionConfig is the storage the property rows point into (see
 * vt/property.h for the value kinds). It holds the client's values as set;
 * compression_session.c turns it into the backend's VTEncoderConfig
 * (encoder/backend.h) when the encoder is opened or reconfigured.
 */
#ifndef VTCORE_VT_COMPRESSION_INTERNAL_H
#define VTCORE_VT_COMPRESSION_INTERNAL_H

#include <stdint.h>

#include <CoreFoundation/CoreFoundation.h>

#include "vt/property.h"
#include "vt/session.h"

/* Internal value of a kVTProfileLevel_H264_* enum entry: VTH264Profile * 100
 * + level_idc (0 = AutoLevel). */
#define VT_CS_PROFILE_LEVEL(profile, level_idc) ((int32_t)(profile)*100 + (level_idc))
#define VT_CS_PROFILE_OF(internal)              ((internal) / 100)
#define VT_CS_LEVEL_OF(internal)                ((internal) % 100)

/* Colour enum entries store ITU-T H.273 code points. Values with no code
 * point (UseGamma, the P3 YCbCr matrices) use codes at or above this one and
 * reach the bitstream as "unspecified" (2); the format description still
 * carries the client's string. */
#define VT_CS_COLOR_NO_CODE 1000

typedef struct VTCompressionConfig {
    /* rate control */
    int32_t average_bit_rate;   /* AverageBitRate, bits/s, 0 = encoder decides */
    CFTypeRef data_rate_limits; /* DataRateLimits: CFArray [bytes, seconds, ...] or NULL */
    int32_t constant_bit_rate;  /* ConstantBitRate, bits/s, 0 = off */
    VTOptDouble quality;        /* Quality 0..1 */
    VTOptInt32 min_qp, max_qp;  /* Min/MaxAllowedFrameQP */

    /* frame dependency */
    int32_t max_key_frame_interval;         /* frames, 0 = encoder decides */
    double max_key_frame_interval_duration; /* seconds, 0 = no limit */
    Boolean allow_frame_reordering;         /* default true */
    Boolean allow_temporal_compression;     /* default true */
    VTOptBool allow_open_gop;               /* H.264 default false */
    VTOptInt32 reference_buffer_count;

    /* bitstream */
    VTOptInt32 profile_level; /* VT_CS_PROFILE_LEVEL(), unset = encoder decides */
    VTOptInt32 entropy_mode;  /* VTEntropyMode */
    int32_t max_slice_bytes;  /* MaxH264SliceBytes, 0 = no limit */

    /* runtime hints */
    VTOptBool real_time;
    double expected_frame_rate;    /* 0 = unknown */
    int32_t max_frame_delay_count; /* kVTUnlimitedFrameDelayCount (-1) = no limit */
    VTOptBool prioritize_speed;
    VTOptBool maximize_power_efficiency;
    Boolean more_frames_before_start;
    Boolean more_frames_after_end;
    int64_t source_frame_count; /* 0 = unknown */
    double expected_duration;   /* seconds, 0 = unknown */

    /* multi-pass */
    CFTypeRef multi_pass_storage; /* MultiPassStorage: VTMultiPassStorageRef or NULL */

    /* format description / VUI */
    VTOptInt32 color_primaries; /* H.273 code points (see VT_CS_COLOR_NO_CODE) */
    VTOptInt32 transfer_function;
    VTOptInt32 ycbcr_matrix;
    CFTypeRef pixel_aspect_ratio; /* CFDictionary (HorizontalSpacing, VerticalSpacing) */
    CFTypeRef clean_aperture;     /* CFDictionary (Width, Height, Horizontal/VerticalOffset) */
} VTCompressionConfig;

/* THE compression property table (compression_properties.c). */
extern const VTPropertyTable vt_compression_table;

/* The colour value lists of the table (ColorPrimaries, TransferFunction,
 * YCbCrMatrix), also used to read the same strings from image buffer
 * attachments. */
extern const VTPropEnum vt_cs_color_primaries[];
extern const VTPropEnum vt_cs_transfer_functions[];
extern const VTPropEnum vt_cs_ycbcr_matrices[];

/* Internal value of `value` in a 0-terminated enum list (pointer match, then
 * CFEqual). FALSE if value is not a CFString of the list. */
Boolean vt_cs_enum_lookup(const VTPropEnum *list, CFTypeRef value, int32_t *internal);
/* The string of an internal value (the first listed), or NULL. */
CFStringRef vt_cs_enum_string(const VTPropEnum *list, int32_t internal);

/* Limits of one H.264 level (ITU-T H.264 Table A-1). */
typedef struct VTH264LevelLimits {
    int32_t level_idc;   /* 10 * level; 9 = level 1b */
    int64_t max_mbps;    /* macroblocks per second */
    int32_t max_fs;      /* frame size in macroblocks */
    int32_t max_dpb_mbs; /* decoded picture buffer in macroblocks */
    int32_t max_br;      /* kbit/s (x1000 bits/s for Baseline/Main, x1250 for High) */
} VTH264LevelLimits;

/* The limits of level_idc, or NULL for an unknown level. */
const VTH264LevelLimits *vt_h264_level_limits(int32_t level_idc);

/* Row getters and validators referenced by the table. The getters are
 * defined by compression_session.c (they read the session object); they
 * run with the session lock held. */
OSStatus vt_cs_get_pending_frames(VTSessionBase *s, const VTPropertySpec *row, CFTypeRef *out);
OSStatus vt_cs_get_using_hardware(VTSessionBase *s, const VTPropertySpec *row, CFTypeRef *out);
OSStatus vt_cs_get_encoder_id(VTSessionBase *s, const VTPropertySpec *row, CFTypeRef *out);
OSStatus vt_cs_get_pool_is_shared(VTSessionBase *s, const VTPropertySpec *row, CFTypeRef *out);
OSStatus vt_cs_get_encoder_pixel_buffer_attributes(VTSessionBase *s, const VTPropertySpec *row,
                                                   CFTypeRef *out);
OSStatus vt_cs_get_allow_frame_reordering(VTSessionBase *s, const VTPropertySpec *row,
                                          CFTypeRef *out);

/* Chooses the encoder for codec_type and an encoderSpecification (may be
 * NULL; keys looked up with the exported constants first, so dictionaries
 * with NULL callbacks work): EncoderID, Enable/RequireHardwareAccelerated-
 * VideoEncoder, RequiredEncoderGPURegistryID (= require hardware),
 * EnableLowLatencyRateControl (the encoder must have VT_CAP_LOW_LATENCY).
 * Returns noErr, kVTParameterErr (badly typed values) or
 * kVTCouldNotFindVideoEncoderErr (encoder_list.c). */
struct VTEncoderBackend;
OSStatus vt_cs_select_encoder(uint32_t codec_type, CFDictionaryRef spec,
                              const struct VTEncoderBackend **backend_out,
                              Boolean *low_latency_out);

/* Refuses odd sizes: every encoder vtcore has produces H.264 4:2:0, whose
 * SPS can only crop in 2-pixel steps, so an odd width or height cannot be
 * represented exactly. Logs why (caller = the public function's name) and
 * returns kVTParameterErr; noErr for even sizes. */
OSStatus vt_cs_check_even_size(const char *caller, int32_t width, int32_t height);

/* The pixel buffer attributes an encoder prefers: kCVPixelBufferPixelFormatTypeKey
 * (CFArray of its native formats, preferred first), Width, Height. +1 or
 * NULL on allocation failure. */
CFDictionaryRef vt_cs_copy_native_attributes(const uint32_t *native_formats, int32_t width,
                                             int32_t height);

#endif /* VTCORE_VT_COMPRESSION_INTERNAL_H */
