/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * TEST FIXTURE ONLY. HEVC syntax helpers of the test VA driver
 * (vtcoretest_drv_video.c): parsers for the VPS, SPS, PPS and slice segment
 * header the backend sends as packed headers (written independently of
 * vtcore's h265_bitwriter, so the driver checks the backend's headers with a
 * second implementation), and the slice data the driver writes behind them:
 * CABAC-coded CTUs whose coding units are all PCM (I slices), or skipped
 * (merge candidate 0, which is a zero motion vector on reference 0 here)
 * when they equal the co-located block of the reference, else PCM (P
 * slices). Lossless, so the output decodes to exactly the input.
 */
#ifndef VTCORETEST_DRV_HEVC_H
#define VTCORETEST_DRV_HEVC_H

#include <stddef.h>
#include <stdint.h>

#include "drv_h264.h"

typedef struct DrvHevcVPS {
    int valid;
    unsigned vps_id, profile_idc, tier, level_idc;
    unsigned max_dec_pic_buffering_minus1, max_num_reorder, max_latency_plus1;
} DrvHevcVPS;

typedef struct DrvHevcSPS {
    int valid;
    unsigned vps_id, sps_id, profile_idc, tier, level_idc, compat;
    unsigned chroma_format_idc, width, height;
    unsigned conf, conf_left, conf_right, conf_top, conf_bottom;
    unsigned bit_depth_luma, bit_depth_chroma, log2_max_poc_lsb;
    unsigned max_dec_pic_buffering_minus1, max_num_reorder, max_latency_plus1;
    unsigned log2_min_cb, log2_ctb, log2_min_tb, log2_max_tb, depth_inter, depth_intra;
    unsigned scaling_list, amp, sao, pcm, pcm_bd_luma, pcm_bd_chroma, log2_min_pcm, log2_max_pcm;
    unsigned pcm_loop_filter_disabled, num_st_rps, long_term, tmvp, strong_intra;
    unsigned vui, aspect_ratio_info, aspect_ratio_idc, sar_width, sar_height;
    unsigned video_signal_type, video_format, full_range, colour_description;
    unsigned colour_primaries, transfer_characteristics, matrix_coeffs;
    unsigned timing, num_units_in_tick, time_scale;
    unsigned bitstream_restriction, mv_over_pic_boundaries, restricted_ref_pic_lists;
    unsigned log2_max_mv_length_horizontal, log2_max_mv_length_vertical;
} DrvHevcSPS;

typedef struct DrvHevcPPS {
    int valid;
    unsigned pps_id, sps_id, dependent_slices, output_flag_present, num_extra_bits;
    unsigned sign_data_hiding, cabac_init_present, num_ref_idx_l0_default, num_ref_idx_l1_default;
    int init_qp, cb_qp_offset, cr_qp_offset, beta_offset_div2, tc_offset_div2;
    unsigned constrained_intra, transform_skip, cu_qp_delta, diff_cu_qp_delta_depth;
    unsigned slice_chroma_qp_offsets_present, weighted_pred, weighted_bipred, transquant_bypass;
    unsigned tiles, entropy_sync, loop_filter_across_slices, deblocking_control;
    unsigned deblocking_override_enabled, deblocking_disabled, scaling_list, lists_modification;
    unsigned log2_parallel_merge_level, slice_header_extension;
} DrvHevcPPS;

#define DRV_HEVC_MAX_RPS 16

typedef struct DrvHevcSliceHeader {
    unsigned nal_unit_type, first_slice, no_output_of_prior_pics, pps_id, slice_type, poc_lsb;
    unsigned num_negative, num_positive;
    int delta_s0[DRV_HEVC_MAX_RPS], delta_s1[DRV_HEVC_MAX_RPS]; /* POC differences (<0, >0) */
    unsigned used_s0[DRV_HEVC_MAX_RPS], used_s1[DRV_HEVC_MAX_RPS];
    unsigned tmvp, sao_luma, sao_chroma, override;
    unsigned num_ref_idx_l0, num_ref_idx_l1; /* active minus1, effective */
    unsigned mvd_l1_zero, cabac_init_flag, collocated_from_l0, collocated_ref_idx;
    unsigned max_num_merge_cand;
    int slice_qp_delta, cb_qp_offset, cr_qp_offset, beta_offset_div2, tc_offset_div2;
    unsigned deblocking_override, deblocking_disabled, loop_filter_across_slices;
    size_t header_bits; /* slice_segment_header() including byte_alignment() */
} DrvHevcSliceHeader;

/* Parsers take the RBSP after the 2-byte NAL header. NULL on success, else a
 * static message describing the first problem. */
const char *drv_hevc_parse_vps(const uint8_t *rbsp, size_t bits, DrvHevcVPS *vps);
const char *drv_hevc_parse_sps(const uint8_t *rbsp, size_t bits, DrvHevcSPS *sps);
const char *drv_hevc_parse_pps(const uint8_t *rbsp, size_t bits, DrvHevcPPS *pps);
/* sps/pps: tables indexed by id (16 and 64 entries). */
const char *drv_hevc_parse_slice_header(const uint8_t *rbsp, size_t bits, unsigned nal_unit_type,
                                        const DrvHevcSPS *sps_table, const DrvHevcPPS *pps_table,
                                        DrvHevcSliceHeader *sh);

/* A picture in a surface: NV12 (bps 1) or P010 (bps 2). */
typedef struct DrvHevcPlanes {
    const uint8_t *data;
    unsigned pitch;   /* bytes per row, both planes */
    size_t uv_offset; /* bytes */
    unsigned bps;     /* bytes per sample */
} DrvHevcPlanes;

typedef struct DrvHevcStats {
    unsigned pcm, skipped; /* coding units */
} DrvHevcStats;

/* Appends slice_segment_data() + rbsp_slice_segment_trailing_bits() for one
 * slice covering the whole picture. slice_type 0 B, 1 P, 2 I (B is coded as
 * all PCM). ref: the picture RefPicList0[0] names (P slices). Returns 0, or
 * -1 when the SPS/PPS need a tool the driver does not code. */
int drv_hevc_slice_data(DrvBitWriter *bw, const DrvHevcSPS *sps, const DrvHevcPPS *pps,
                        const DrvHevcSliceHeader *sh, const DrvHevcPlanes *in,
                        const DrvHevcPlanes *ref, DrvHevcStats *stats);

#endif /* VTCORETEST_DRV_HEVC_H */
