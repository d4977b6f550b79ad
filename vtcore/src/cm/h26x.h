/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * H.264 / HEVC parameter-set parsing and the ISO/IEC 14496-15 decoder
 * configuration records (avcC, hvcC) used by CMFormatDescription. Every
 * parser is bounds-checked: garbage gives VT_H26X_INVALID, never an
 * over-read.
 */
#ifndef VTCORE_CM_H26X_H
#define VTCORE_CM_H26X_H

#include <stddef.h>
#include <stdint.h>

#include "cm/h264_profile.h"

enum {
    VT_H26X_OK = 0,
    VT_H26X_INVALID = -1,
    VT_H26X_NOMEM = -2,
};

/* NAL unit types used here. */
enum {
    VT_H264_NAL_SPS = 7,
    VT_H264_NAL_PPS = 8,
    VT_H264_NAL_SPS_EXT = 13,
    VT_HEVC_NAL_VPS = 32,
    VT_HEVC_NAL_SPS = 33,
    VT_HEVC_NAL_PPS = 34,
    VT_HEVC_NAL_SEI_PREFIX = 39,
    VT_HEVC_NAL_SEI_SUFFIX = 40,
};

/* Video usability information (the parts a format description carries). */
typedef struct VTCMVideoVUI {
    int has_sar;
    uint32_t sar_num, sar_den;
    int has_signal_type;
    int full_range;
    int has_colour;
    uint8_t primaries, transfer, matrix; /* ITU-T H.273 code points */
    int has_chroma_loc;
    uint32_t chroma_loc_top, chroma_loc_bottom; /* 0..5 */
} VTCMVideoVUI;

typedef struct VTCMH264SPS {
    uint8_t profile_idc;
    uint8_t constraint_flags;
    uint8_t level_idc;
    uint32_t sps_id;
    uint32_t chroma_format_idc; /* 0..3 */
    int separate_colour_plane;
    uint32_t bit_depth_luma;   /* 8..14 */
    uint32_t bit_depth_chroma; /* 8..14 */
    int frame_mbs_only;
    int32_t coded_width, coded_height;                     /* macroblock-aligned */
    int32_t width, height;                                 /* after frame cropping */
    uint32_t crop_left, crop_right, crop_top, crop_bottom; /* in luma samples */
    VTCMVideoVUI vui;                                      /* zeroed when absent or unreadable */
} VTCMH264SPS;

/* nal: a complete SPS NAL unit including its 1-byte header, with
 * emulation-prevention bytes. Returns VT_H26X_OK, VT_H26X_INVALID or
 * VT_H26X_NOMEM. */
int vt_cm_h264_parse_sps(const uint8_t *nal, size_t size, VTCMH264SPS *out);

typedef struct VTCMHEVCSPS {
    /* general_profile_space .. general_level_idc, 12 bytes as in hvcC */
    uint8_t ptl[12];
    uint32_t max_sub_layers_minus1;
    int temporal_id_nesting;
    uint32_t sps_id;
    uint32_t chroma_format_idc;
    int separate_colour_plane;
    int32_t coded_width, coded_height;
    int32_t width, height; /* after the conformance window */
    uint32_t bit_depth_luma, bit_depth_chroma;
} VTCMHEVCSPS;

/* nal: a complete SPS NAL unit including its 2-byte header. Parsed up to
 * the bit depths (no VUI). */
int vt_cm_hevc_parse_sps(const uint8_t *nal, size_t size, VTCMHEVCSPS *out);

/* Parameter sets held by a configuration record: one allocation; data[i]
 * points into it. */
typedef struct VTCMParamSets {
    size_t count;
    const uint8_t **data;
    size_t *sizes;
    int nal_length; /* 1..4 */
    void *storage;  /* vt_free'd by vt_cm_param_sets_clear */
} VTCMParamSets;

void vt_cm_param_sets_clear(VTCMParamSets *ps);

/* Extracts the NAL units of an avcC (order: SPS..., PPS..., SPS-ext...) or
 * an hvcC (array order). Returns VT_H26X_OK, VT_H26X_INVALID (malformed or
 * no parameter set) or VT_H26X_NOMEM. */
int vt_cm_avcc_parse(const uint8_t *rec, size_t size, VTCMParamSets *out);
int vt_cm_hvcc_parse(const uint8_t *rec, size_t size, VTCMParamSets *out);

/* Builds an avcC from the sets (already sorted: n_sps SPS, n_pps PPS,
 * n_ext SPS extensions) and the parsed first SPS. *out is vt_malloc'd. */
int vt_cm_avcc_build(const uint8_t *const *sets, const size_t *sizes, size_t n_sps, size_t n_pps,
                     size_t n_ext, int nal_length, const VTCMH264SPS *sps, uint8_t **out,
                     size_t *out_size);

/* Builds an hvcC with one array per NAL type in the order VPS, SPS, PPS,
 * SEI prefix, SEI suffix. types[i] is the NAL type of sets[i]. */
int vt_cm_hvcc_build(const uint8_t *const *sets, const size_t *sizes, const uint8_t *types,
                     size_t count, int nal_length, const VTCMHEVCSPS *sps, uint8_t **out,
                     size_t *out_size);

#endif /* VTCORE_CM_H26X_H */
