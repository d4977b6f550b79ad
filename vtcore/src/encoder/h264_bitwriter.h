/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * H.264 bit writer and parameter-set / slice-header writers (our own code,
 * written from ITU-T H.264 sections 7.3 and E.1). Used by the VA-API backend
 * to produce the packed headers it hands to the driver, so the bitstream
 * carries exactly what vtcore asked for (colour VUI, full range, SAR, timing,
 * HRD, bitstream restriction), whatever the driver would have written.
 *
 * Nothing here allocates: writers fill caller buffers and report overflow.
 * Nothing here depends on libva.
 */
#ifndef VTCORE_ENCODER_H264_BITWRITER_H
#define VTCORE_ENCODER_H264_BITWRITER_H

#include <stddef.h>
#include <stdint.h>

#include "encoder/h264.h"

/* ---- bit writer (RBSP level, no emulation prevention) ------------------ */

typedef struct VTBitWriter {
    uint8_t *buf;
    size_t size;  /* capacity in bytes */
    size_t bits;  /* bits written so far */
    int overflow; /* set once a write did not fit; further writes are dropped */
} VTBitWriter;

void vt_bs_init(VTBitWriter *bs, uint8_t *buf, size_t size);
/* Writes the n (0..32) low bits of value, most significant first: u(n). */
void vt_bs_write(VTBitWriter *bs, unsigned n, uint32_t value);
void vt_bs_write1(VTBitWriter *bs, unsigned bit);
/* ue(v), 0 .. 2^32 - 2. */
void vt_bs_write_ue(VTBitWriter *bs, uint32_t value);
/* se(v), -(2^31 - 1) .. 2^31 - 1. */
void vt_bs_write_se(VTBitWriter *bs, int32_t value);
/* rbsp_trailing_bits(): a one bit, then zero bits up to the byte boundary. */
void vt_bs_rbsp_trailing(VTBitWriter *bs);
/* Zero bits up to the next byte boundary (no stop bit). */
void vt_bs_align_zero(VTBitWriter *bs);
static inline size_t vt_bs_bytes(const VTBitWriter *bs) {
    return (bs->bits + 7) / 8;
}

/* Number of bits ue(v) takes for value. */
unsigned vt_bs_ue_bits(uint32_t value);

/* ---- NAL units --------------------------------------------------------- */

/* nal_unit_type values: VT_H264_NAL_* from encoder/h264.h. */

/* Wraps an RBSP of rbsp_bits bits into a NAL unit in out: an optional
 * 4-byte start code (00 00 00 01), the one-byte NAL header, then the RBSP
 * with emulation prevention bytes inserted. A last partial byte is padded
 * with zero bits and escaped like a full byte. Returns the number of bytes
 * written, or 0 if out_size is too small (worst case: 5 + rbsp bytes * 3 / 2). */
size_t vt_h264_nal_write(uint8_t *out, size_t out_size, int start_code, unsigned nal_ref_idc,
                         unsigned nal_unit_type, const uint8_t *rbsp, size_t rbsp_bits);

/* ---- levels (Table A-1) ------------------------------------------------ */

typedef struct VTH264LevelRow {
    uint8_t level_idc;    /* 9 for level 1b in its High-profile coding; 10 * level otherwise */
    uint32_t max_mbps;    /* macroblocks per second */
    uint32_t max_fs;      /* frame size in macroblocks */
    uint32_t max_dpb_mbs; /* decoded picture buffer, macroblocks */
    uint32_t max_br;      /* kbit/s (x1.25 for High, "cpbBrVclFactor") */
    uint32_t max_cpb;     /* kbit (same factor) */
} VTH264LevelRow;

/* The row for level_idc (10, 11, ... 62; 9 = 1b), or NULL. */
const VTH264LevelRow *vt_h264_level_row(unsigned level_idc);
/* Smallest level that fits width x height pixels at fps frames/s (0 =
 * unknown, assumes 30), bitrate_bps (0 = unknown) and dpb_frames reference
 * frames, for profile_idc (High scales the bitrate limit). Returns 0 when
 * nothing up to 6.2 fits. Never returns 1b (9). */
unsigned vt_h264_level_pick(unsigned profile_idc, unsigned width, unsigned height, double fps,
                            uint64_t bitrate_bps, unsigned dpb_frames);
/* MaxDpbFrames for a level and frame size in macroblocks (A.3.1 h), capped at 16. */
unsigned vt_h264_level_max_dpb_frames(unsigned level_idc, unsigned frame_mbs);

/* ---- parameter sets ---------------------------------------------------- */

/* profile_idc values (VTH264Profile in backend.h is the VideoToolbox-level choice). */
enum {
    VT_H264_PROFILE_IDC_BASELINE = 66,
    VT_H264_PROFILE_IDC_MAIN = 77,
    VT_H264_PROFILE_IDC_EXTENDED = 88,
    VT_H264_PROFILE_IDC_HIGH = 100,
    VT_H264_PROFILE_IDC_HIGH10 = 110,
};

/* Bits of VTH264SPS.constraint_flags: constraint_set0_flag is bit 0. */
enum {
    VT_H264_CONSTRAINT_SET0 = 1 << 0,
    VT_H264_CONSTRAINT_SET1 = 1 << 1,
    VT_H264_CONSTRAINT_SET2 = 1 << 2,
    VT_H264_CONSTRAINT_SET3 = 1 << 3,
    VT_H264_CONSTRAINT_SET4 = 1 << 4,
    VT_H264_CONSTRAINT_SET5 = 1 << 5,
};

/* HRD parameters (E.1.2) with a single CPB (cpb_cnt_minus1 = 0). */
typedef struct VTH264HRD {
    uint8_t bit_rate_scale;
    uint8_t cpb_size_scale;
    uint32_t bit_rate_value_minus1;
    uint32_t cpb_size_value_minus1;
    uint8_t cbr_flag;
    uint8_t initial_cpb_removal_delay_length_minus1;
    uint8_t cpb_removal_delay_length_minus1;
    uint8_t dpb_output_delay_length_minus1;
    uint8_t time_offset_length;
} VTH264HRD;

typedef struct VTH264VUI {
    uint8_t aspect_ratio_info_present_flag;
    uint8_t aspect_ratio_idc; /* 255 = Extended_SAR: sar_width/sar_height follow */
    uint16_t sar_width, sar_height;
    uint8_t overscan_info_present_flag, overscan_appropriate_flag;
    uint8_t video_signal_type_present_flag;
    uint8_t video_format; /* 5 = unspecified */
    uint8_t video_full_range_flag;
    uint8_t colour_description_present_flag;
    uint8_t colour_primaries, transfer_characteristics, matrix_coefficients;
    uint8_t chroma_loc_info_present_flag;
    uint8_t chroma_sample_loc_type_top_field, chroma_sample_loc_type_bottom_field;
    uint8_t timing_info_present_flag;
    uint32_t num_units_in_tick, time_scale;
    uint8_t fixed_frame_rate_flag;
    uint8_t nal_hrd_parameters_present_flag;
    uint8_t vcl_hrd_parameters_present_flag;
    VTH264HRD nal_hrd, vcl_hrd;
    uint8_t low_delay_hrd_flag;
    uint8_t pic_struct_present_flag;
    uint8_t bitstream_restriction_flag;
    uint8_t motion_vectors_over_pic_boundaries_flag;
    uint8_t max_bytes_per_pic_denom, max_bits_per_mb_denom;
    uint8_t log2_max_mv_length_horizontal, log2_max_mv_length_vertical;
    uint8_t max_num_reorder_frames, max_dec_frame_buffering;
} VTH264VUI;

typedef struct VTH264SPS {
    uint8_t profile_idc;
    uint8_t constraint_flags; /* VT_H264_CONSTRAINT_SET* */
    uint8_t level_idc;
    uint8_t seq_parameter_set_id;
    /* Written only for the High family (profile_idc 100, 110, 122, 244, ...). */
    uint8_t chroma_format_idc; /* 1 = 4:2:0 */
    uint8_t bit_depth_luma_minus8, bit_depth_chroma_minus8;
    uint8_t log2_max_frame_num_minus4;
    uint8_t pic_order_cnt_type; /* 0 or 2 (type 1 is not written) */
    uint8_t log2_max_pic_order_cnt_lsb_minus4;
    uint8_t max_num_ref_frames;
    uint8_t gaps_in_frame_num_value_allowed_flag;
    uint16_t pic_width_in_mbs_minus1, pic_height_in_map_units_minus1;
    uint8_t frame_mbs_only_flag; /* must be 1: vtcore writes progressive frames */
    uint8_t direct_8x8_inference_flag;
    uint8_t frame_cropping_flag;
    uint16_t frame_crop_left_offset, frame_crop_right_offset;
    uint16_t frame_crop_top_offset, frame_crop_bottom_offset;
    uint8_t vui_parameters_present_flag;
    VTH264VUI vui;
} VTH264SPS;

typedef struct VTH264PPS {
    uint8_t pic_parameter_set_id, seq_parameter_set_id;
    uint8_t entropy_coding_mode_flag; /* 1 = CABAC */
    uint8_t bottom_field_pic_order_in_frame_present_flag;
    uint8_t num_ref_idx_l0_default_active_minus1, num_ref_idx_l1_default_active_minus1;
    uint8_t weighted_pred_flag, weighted_bipred_idc;
    int8_t pic_init_qp_minus26, pic_init_qs_minus26;
    int8_t chroma_qp_index_offset;
    uint8_t deblocking_filter_control_present_flag;
    uint8_t constrained_intra_pred_flag;
    uint8_t redundant_pic_cnt_present_flag;
    /* The High-profile tail (transform_8x8_mode_flag onwards) is written when
     * more_rbsp_data is set (needed for transform_8x8_mode_flag = 1 or a
     * second chroma offset that differs). */
    uint8_t more_rbsp_data;
    uint8_t transform_8x8_mode_flag;
    int8_t second_chroma_qp_index_offset;
} VTH264PPS;

enum {
    VT_H264_SLICE_P = 0,
    VT_H264_SLICE_B = 1,
    VT_H264_SLICE_I = 2,
};

/* Adaptive reference picture marking operation (7.3.3.3). */
typedef struct VTH264MMCO {
    uint8_t op; /* memory_management_control_operation 1..6 */
    uint32_t difference_of_pic_nums_minus1;
    uint32_t long_term_pic_num;
    uint32_t long_term_frame_idx;
    uint32_t max_long_term_frame_idx_plus1;
} VTH264MMCO;

/* Reference list modification (7.3.3.1). */
typedef struct VTH264RefMod {
    uint8_t modification_of_pic_nums_idc; /* 0, 1 (short-term), 2 (long-term) */
    uint32_t value;                       /* abs_diff_pic_num_minus1 or long_term_pic_num */
} VTH264RefMod;

#define VT_H264_MAX_REF_MODS 8
#define VT_H264_MAX_MMCOS    8

typedef struct VTH264SliceHeader {
    uint8_t nal_unit_type; /* 1 or 5 */
    uint8_t nal_ref_idc;
    uint32_t first_mb_in_slice;
    uint8_t slice_type; /* VT_H264_SLICE_*, +5 when all slices of the picture share it */
    uint8_t pic_parameter_set_id;
    uint32_t frame_num;
    uint32_t idr_pic_id;
    uint32_t pic_order_cnt_lsb;
    uint8_t direct_spatial_mv_pred_flag;
    uint8_t num_ref_idx_active_override_flag;
    uint8_t num_ref_idx_l0_active_minus1, num_ref_idx_l1_active_minus1;
    uint8_t num_ref_mods_l0, num_ref_mods_l1; /* ref_pic_list_modification_flag_lX = count > 0 */
    VTH264RefMod ref_mods_l0[VT_H264_MAX_REF_MODS], ref_mods_l1[VT_H264_MAX_REF_MODS];
    uint8_t no_output_of_prior_pics_flag, long_term_reference_flag; /* IDR */
    uint8_t adaptive_ref_pic_marking_mode_flag;
    uint8_t num_mmcos;
    VTH264MMCO mmcos[VT_H264_MAX_MMCOS];
    uint8_t cabac_init_idc;
    int8_t slice_qp_delta;
    uint8_t disable_deblocking_filter_idc;
    int8_t slice_alpha_c0_offset_div2, slice_beta_offset_div2;
} VTH264SliceHeader;

/* SPS with sensible defaults for a progressive 4:2:0 8-bit stream of
 * width x height pixels: macroblock-rounded size, cropping for sizes that are
 * not multiples of 16, POC type 0, frame_mbs_only, direct_8x8_inference. */
void vt_h264_sps_init(VTH264SPS *sps, unsigned profile_idc, unsigned level_idc, unsigned width,
                      unsigned height);
/* Sets aspect_ratio_idc from sar (one of the Table E-1 ratios, else 255). */
void vt_h264_vui_set_sar(VTH264VUI *vui, unsigned sar_width, unsigned sar_height);

/* Each writes the RBSP (including rbsp_trailing_bits) into bs; returns 0, or
 * -1 on overflow or a value the syntax cannot carry. */
int vt_h264_write_sps(VTBitWriter *bs, const VTH264SPS *sps);
int vt_h264_write_pps(VTBitWriter *bs, const VTH264SPS *sps, const VTH264PPS *pps);
/* slice_header() only: no slice data and no trailing bits, so the caller (or
 * the VA driver, for a packed slice header) continues at bs->bits. */
int vt_h264_write_slice_header(VTBitWriter *bs, const VTH264SPS *sps, const VTH264PPS *pps,
                               const VTH264SliceHeader *sh);
/* access_unit_delimiter_rbsp() with primary_pic_type (0 = I, 1 = I/P, 2 = I/P/B). */
int vt_h264_write_aud(VTBitWriter *bs, unsigned primary_pic_type);

#endif /* VTCORE_ENCODER_H264_BITWRITER_H */
