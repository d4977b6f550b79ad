/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * HEVC (H.265) parameter-set and slice-segment-header writers (our own code,
 * written from ITU-T H.265 sections 7.3, 7.4 and E.2). Used by the VA-API
 * HEVC backend for the packed VPS/SPS/PPS/slice headers it hands to the
 * driver, so the stream carries what vtcore asked for (colour VUI, full
 * range, SAR, timing) whatever the driver would have written.
 *
 * The generic bit writer (u(n), ue(v), se(v), trailing bits) is the one of
 * h264_bitwriter.h; only the HEVC syntax lives here. Nothing here allocates
 * and nothing depends on libva.
 *
 * Supported subset: one layer, one temporal sub-layer, 4:2:0, no scaling
 * lists, no tiles / wavefronts, no long-term references, short-term
 * reference picture sets coded in the slice header (the SPS carries none).
 */
#ifndef VTCORE_ENCODER_H265_BITWRITER_H
#define VTCORE_ENCODER_H265_BITWRITER_H

#include <stddef.h>
#include <stdint.h>

#include "encoder/h264_bitwriter.h"

/* nal_unit_type values (Table 7-1). */
enum {
    VT_H265_NAL_TRAIL_N = 0,
    VT_H265_NAL_TRAIL_R = 1,
    VT_H265_NAL_IDR_W_RADL = 19,
    VT_H265_NAL_IDR_N_LP = 20,
    VT_H265_NAL_VPS = 32,
    VT_H265_NAL_SPS = 33,
    VT_H265_NAL_PPS = 34,
    VT_H265_NAL_AUD = 35,
    VT_H265_NAL_SEI_PREFIX = 39,
};

/* slice_type values (Table 7-7). */
enum { VT_H265_SLICE_B = 0, VT_H265_SLICE_P = 1, VT_H265_SLICE_I = 2 };

/* general_profile_idc values. */
enum { VT_H265_PROFILE_IDC_MAIN = 1, VT_H265_PROFILE_IDC_MAIN10 = 2 };

typedef struct VTH265VUI {
    uint8_t aspect_ratio_info_present_flag;
    uint8_t aspect_ratio_idc; /* Table E-1; 255 = Extended_SAR */
    uint16_t sar_width, sar_height;
    uint8_t video_signal_type_present_flag;
    uint8_t video_format; /* 5 = unspecified */
    uint8_t video_full_range_flag;
    uint8_t colour_description_present_flag;
    uint8_t colour_primaries, transfer_characteristics, matrix_coeffs;
    uint8_t timing_info_present_flag;
    uint32_t num_units_in_tick, time_scale; /* time_scale / num_units_in_tick = frame rate */
    uint8_t bitstream_restriction_flag;
    uint8_t motion_vectors_over_pic_boundaries_flag;
    uint8_t restricted_ref_pic_lists_flag;
    uint8_t log2_max_mv_length_horizontal, log2_max_mv_length_vertical;
} VTH265VUI;

typedef struct VTH265SPS {
    /* profile_tier_level() (also written into the VPS) */
    uint8_t general_profile_idc;
    uint8_t general_tier_flag;
    uint8_t general_level_idc;       /* 30 * level */
    uint32_t general_profile_compat; /* bit j (MSB first: 1u << (31 - j)) = flag j */
    uint8_t vps_id, sps_id;
    uint8_t chroma_format_idc;      /* 1 */
    uint32_t pic_width, pic_height; /* luma samples, multiples of MinCbSizeY */
    uint8_t conformance_window_flag;
    uint32_t conf_win_left, conf_win_right, conf_win_top, conf_win_bottom; /* chroma units */
    uint8_t bit_depth_luma_minus8, bit_depth_chroma_minus8;
    uint8_t log2_max_poc_lsb_minus4;
    uint8_t max_dec_pic_buffering_minus1, max_num_reorder_pics, max_latency_increase_plus1;
    uint8_t log2_min_cb_minus3, log2_diff_max_min_cb;
    uint8_t log2_min_tb_minus2, log2_diff_max_min_tb;
    uint8_t max_transform_hierarchy_depth_inter, max_transform_hierarchy_depth_intra;
    uint8_t amp_enabled_flag, sample_adaptive_offset_enabled_flag;
    uint8_t pcm_enabled_flag;
    uint8_t pcm_bit_depth_luma_minus1, pcm_bit_depth_chroma_minus1;
    uint8_t log2_min_pcm_cb_minus3, log2_diff_max_min_pcm_cb;
    uint8_t pcm_loop_filter_disabled_flag;
    uint8_t sps_temporal_mvp_enabled_flag, strong_intra_smoothing_enabled_flag;
    uint8_t vui_parameters_present_flag;
    VTH265VUI vui;
} VTH265SPS;

typedef struct VTH265PPS {
    uint8_t pps_id, sps_id;
    uint8_t sign_data_hiding_enabled_flag, cabac_init_present_flag;
    uint8_t num_ref_idx_l0_default_active_minus1, num_ref_idx_l1_default_active_minus1;
    int8_t init_qp_minus26;
    uint8_t constrained_intra_pred_flag, transform_skip_enabled_flag;
    uint8_t cu_qp_delta_enabled_flag, diff_cu_qp_delta_depth;
    int8_t cb_qp_offset, cr_qp_offset;
    uint8_t slice_chroma_qp_offsets_present_flag;
    uint8_t weighted_pred_flag, weighted_bipred_flag, transquant_bypass_enabled_flag;
    uint8_t loop_filter_across_slices_enabled_flag;
    uint8_t deblocking_filter_control_present_flag;
    uint8_t deblocking_filter_override_enabled_flag, pps_deblocking_filter_disabled_flag;
    int8_t beta_offset_div2, tc_offset_div2;
    uint8_t log2_parallel_merge_level_minus2;
} VTH265PPS;

#define VT_H265_MAX_RPS 8

typedef struct VTH265SliceHeader {
    uint8_t nal_unit_type;
    uint8_t slice_type;
    uint8_t no_output_of_prior_pics_flag; /* IRAP only */
    uint32_t pic_order_cnt_lsb;           /* non-IDR */
    /* short_term_ref_pic_set() coded in the header (non-IDR): POC distances
     * (positive numbers) of the negative / positive pictures, nearest first */
    uint8_t num_negative_pics, num_positive_pics;
    uint16_t delta_poc_s0[VT_H265_MAX_RPS], delta_poc_s1[VT_H265_MAX_RPS];
    uint8_t used_s0[VT_H265_MAX_RPS], used_s1[VT_H265_MAX_RPS];
    uint8_t slice_temporal_mvp_enabled_flag;
    uint8_t slice_sao_luma_flag, slice_sao_chroma_flag;
    uint8_t num_ref_idx_active_override_flag;
    uint8_t num_ref_idx_l0_active_minus1, num_ref_idx_l1_active_minus1;
    uint8_t mvd_l1_zero_flag, cabac_init_flag;
    uint8_t collocated_from_l0_flag, collocated_ref_idx;
    uint8_t five_minus_max_num_merge_cand;
    int8_t slice_qp_delta, slice_cb_qp_offset, slice_cr_qp_offset;
    uint8_t deblocking_filter_override_flag, slice_deblocking_filter_disabled_flag;
    int8_t slice_beta_offset_div2, slice_tc_offset_div2;
    uint8_t slice_loop_filter_across_slices_enabled_flag;
} VTH265SliceHeader;

/* SPS defaults for a Main/Main10 stream of width x height (any size: the
 * coded size is rounded up to 8 and cropped back with the conformance
 * window, which needs an even width/height for 4:2:0): CTB 32, CB 8..32,
 * TB 4..32, no PCM/SAO/AMP, 1 reference, POC lsb 8 bits, no VUI. */
void vt_h265_sps_init(VTH265SPS *sps, unsigned profile_idc, unsigned level_idc, unsigned width,
                      unsigned height);
/* Pixel aspect ratio -> VUI (Table E-1 index when one matches, else 255). */
void vt_h265_vui_set_sar(VTH265VUI *vui, unsigned sar_width, unsigned sar_height);
/* Smallest general_level_idc (Main tier, Table A.8) for width x height at
 * fps (0 = 30) and bitrate_bps (0 = unknown); 0 if nothing up to 6.2 fits. */
unsigned vt_h265_level_pick(unsigned width, unsigned height, double fps, uint64_t bitrate_bps);

/* RBSP writers (trailing bits included; the slice header ends with
 * byte_alignment()). Return 0, or -1 when the writer overflowed or a field
 * is out of range. The VPS is derived from the SPS (same profile, tier,
 * level and DPB sizes). */
int vt_h265_write_vps(VTBitWriter *bs, const VTH265SPS *sps);
int vt_h265_write_sps(VTBitWriter *bs, const VTH265SPS *sps);
int vt_h265_write_pps(VTBitWriter *bs, const VTH265PPS *pps);
int vt_h265_write_slice_header(VTBitWriter *bs, const VTH265SPS *sps, const VTH265PPS *pps,
                               const VTH265SliceHeader *sh);

/* Wraps a byte-aligned RBSP into a NAL unit: optional 4-byte start code, the
 * 2-byte header (nuh_layer_id 0, nuh_temporal_id_plus1 1), then the RBSP with
 * emulation prevention. Returns the bytes written or 0 if out_size is too
 * small (worst case 6 + rbsp_bytes * 3 / 2). */
size_t vt_h265_nal_write(uint8_t *out, size_t out_size, int start_code, unsigned nal_unit_type,
                         const uint8_t *rbsp, size_t rbsp_bytes);

#endif /* VTCORE_ENCODER_H265_BITWRITER_H */
