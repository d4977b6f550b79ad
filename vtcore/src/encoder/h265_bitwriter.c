/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * HEVC parameter-set and slice-segment-header writers: see h265_bitwriter.h.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "encoder/h264.h"
#include "encoder/h265_bitwriter.h"

void vt_h265_sps_init(VTH265SPS *sps, unsigned profile_idc, unsigned level_idc, unsigned width,
                      unsigned height) {
    unsigned cw = (width + 7) & ~7u, ch = (height + 7) & ~7u;
    memset(sps, 0, sizeof(*sps));
    sps->general_profile_idc = (uint8_t)profile_idc;
    sps->general_level_idc = (uint8_t)level_idc;
    /* a Main stream also conforms to Main10 */
    sps->general_profile_compat = 1u << (31 - profile_idc);
    if (profile_idc == VT_H265_PROFILE_IDC_MAIN)
        sps->general_profile_compat |= 1u << (31 - VT_H265_PROFILE_IDC_MAIN10);
    sps->chroma_format_idc = 1;
    sps->pic_width = cw;
    sps->pic_height = ch;
    if (cw != width || ch != height) {
        sps->conformance_window_flag = 1;
        sps->conf_win_right = (cw - width) / 2;
        sps->conf_win_bottom = (ch - height) / 2;
    }
    if (profile_idc == VT_H265_PROFILE_IDC_MAIN10) {
        sps->bit_depth_luma_minus8 = 2;
        sps->bit_depth_chroma_minus8 = 2;
    }
    sps->log2_max_poc_lsb_minus4 = 4;
    sps->max_dec_pic_buffering_minus1 = 1;
    sps->max_latency_increase_plus1 = 0;
    sps->log2_min_cb_minus3 = 0;
    sps->log2_diff_max_min_cb = 2;
    sps->log2_min_tb_minus2 = 0;
    sps->log2_diff_max_min_tb = 3;
    sps->max_transform_hierarchy_depth_inter = 2;
    sps->max_transform_hierarchy_depth_intra = 2;
    sps->pcm_bit_depth_luma_minus1 = (uint8_t)(7 + sps->bit_depth_luma_minus8);
    sps->pcm_bit_depth_chroma_minus1 = (uint8_t)(7 + sps->bit_depth_chroma_minus8);
    sps->strong_intra_smoothing_enabled_flag = 1;
}

void vt_h265_vui_set_sar(VTH265VUI *vui, unsigned sar_width, unsigned sar_height) {
    VTH264VUI v; /* Table E-1 is the same in both standards */
    memset(&v, 0, sizeof(v));
    vt_h264_vui_set_sar(&v, sar_width, sar_height);
    vui->aspect_ratio_info_present_flag = v.aspect_ratio_info_present_flag;
    vui->aspect_ratio_idc = v.aspect_ratio_idc;
    vui->sar_width = v.sar_width;
    vui->sar_height = v.sar_height;
}

/* Table A.8 (general tier and level limits), Main tier. */
/* clang-format off */
static const struct {
    uint8_t level_idc;
    uint32_t max_luma_ps;    /* samples */
    uint64_t max_luma_sr;    /* samples per second (Table A.9) */
    uint32_t max_br;         /* kbit/s, Main tier, CpbVclFactor 1000 */
} h265_levels[] = {
    {  30,    36864,     552960,    128 },
    {  60,   122880,    3686400,   1500 },
    {  63,   245760,    7372800,   3000 },
    {  90,   552960,   16588800,   6000 },
    {  93,   983040,   33177600,  10000 },
    { 120,  2228224,   66846720,  12000 },
    { 123,  2228224,  133693440,  20000 },
    { 150,  8912896,  267386880,  25000 },
    { 153,  8912896,  534773760,  40000 },
    { 156,  8912896, 1069547520,  60000 },
    { 180, 35651584, 1069547520,  60000 },
    { 183, 35651584, 2139095040, 120000 },
    { 186, 35651584, 4278190080u, 240000 },
};
/* clang-format on */

unsigned vt_h265_level_pick(unsigned width, unsigned height, double fps, uint64_t bitrate_bps) {
    uint64_t ps = (uint64_t)width * height;
    if (!(fps > 0.0))
        fps = 30.0;
    for (size_t i = 0; i < sizeof(h265_levels) / sizeof(h265_levels[0]); i++) {
        double side = sqrt(8.0 * h265_levels[i].max_luma_ps);
        if (ps > h265_levels[i].max_luma_ps || width > side || height > side)
            continue;
        if ((double)ps * fps > (double)h265_levels[i].max_luma_sr * 1.0001)
            continue;
        if (bitrate_bps && bitrate_bps > (uint64_t)h265_levels[i].max_br * 1000u)
            continue;
        return h265_levels[i].level_idc;
    }
    return 0;
}

/* profile_tier_level(1, 0) */
static void write_ptl(VTBitWriter *bs, const VTH265SPS *s) {
    vt_bs_write(bs, 2, 0); /* general_profile_space */
    vt_bs_write(bs, 1, s->general_tier_flag);
    vt_bs_write(bs, 5, s->general_profile_idc);
    vt_bs_write(bs, 32, s->general_profile_compat);
    vt_bs_write(bs, 1, 1);  /* general_progressive_source_flag */
    vt_bs_write(bs, 1, 0);  /* general_interlaced_source_flag */
    vt_bs_write(bs, 1, 0);  /* general_non_packed_constraint_flag */
    vt_bs_write(bs, 1, 1);  /* general_frame_only_constraint_flag */
    vt_bs_write(bs, 32, 0); /* general_reserved_zero_43bits ... */
    vt_bs_write(bs, 11, 0);
    vt_bs_write(bs, 1, 0); /* general_inbld_flag / reserved */
    vt_bs_write(bs, 8, s->general_level_idc);
}

static int finish(VTBitWriter *bs) {
    vt_bs_rbsp_trailing(bs);
    return bs->overflow ? -1 : 0;
}

int vt_h265_write_vps(VTBitWriter *bs, const VTH265SPS *s) {
    if (s->vps_id > 15)
        return -1;
    vt_bs_write(bs, 4, s->vps_id);
    vt_bs_write(bs, 1, 1); /* vps_base_layer_internal_flag */
    vt_bs_write(bs, 1, 1); /* vps_base_layer_available_flag */
    vt_bs_write(bs, 6, 0); /* vps_max_layers_minus1 */
    vt_bs_write(bs, 3, 0); /* vps_max_sub_layers_minus1 */
    vt_bs_write(bs, 1, 1); /* vps_temporal_id_nesting_flag */
    vt_bs_write(bs, 16, 0xffff);
    write_ptl(bs, s);
    vt_bs_write(bs, 1, 0); /* vps_sub_layer_ordering_info_present_flag */
    vt_bs_write_ue(bs, s->max_dec_pic_buffering_minus1);
    vt_bs_write_ue(bs, s->max_num_reorder_pics);
    vt_bs_write_ue(bs, s->max_latency_increase_plus1);
    vt_bs_write(bs, 6, 0); /* vps_max_layer_id */
    vt_bs_write_ue(bs, 0); /* vps_num_layer_sets_minus1 */
    vt_bs_write(bs, 1, 0); /* vps_timing_info_present_flag */
    vt_bs_write(bs, 1, 0); /* vps_extension_flag */
    return finish(bs);
}

static void write_vui(VTBitWriter *bs, const VTH265VUI *v) {
    vt_bs_write(bs, 1, v->aspect_ratio_info_present_flag);
    if (v->aspect_ratio_info_present_flag) {
        vt_bs_write(bs, 8, v->aspect_ratio_idc);
        if (v->aspect_ratio_idc == 255) {
            vt_bs_write(bs, 16, v->sar_width);
            vt_bs_write(bs, 16, v->sar_height);
        }
    }
    vt_bs_write(bs, 1, 0); /* overscan_info_present_flag */
    vt_bs_write(bs, 1, v->video_signal_type_present_flag);
    if (v->video_signal_type_present_flag) {
        vt_bs_write(bs, 3, v->video_format);
        vt_bs_write(bs, 1, v->video_full_range_flag);
        vt_bs_write(bs, 1, v->colour_description_present_flag);
        if (v->colour_description_present_flag) {
            vt_bs_write(bs, 8, v->colour_primaries);
            vt_bs_write(bs, 8, v->transfer_characteristics);
            vt_bs_write(bs, 8, v->matrix_coeffs);
        }
    }
    vt_bs_write(bs, 1, 0); /* chroma_loc_info_present_flag */
    vt_bs_write(bs, 1, 0); /* neutral_chroma_indication_flag */
    vt_bs_write(bs, 1, 0); /* field_seq_flag */
    vt_bs_write(bs, 1, 0); /* frame_field_info_present_flag */
    vt_bs_write(bs, 1, 0); /* default_display_window_flag */
    vt_bs_write(bs, 1, v->timing_info_present_flag);
    if (v->timing_info_present_flag) {
        vt_bs_write(bs, 32, v->num_units_in_tick);
        vt_bs_write(bs, 32, v->time_scale);
        vt_bs_write(bs, 1, 0); /* vui_poc_proportional_to_timing_flag */
        vt_bs_write(bs, 1, 0); /* vui_hrd_parameters_present_flag */
    }
    vt_bs_write(bs, 1, v->bitstream_restriction_flag);
    if (v->bitstream_restriction_flag) {
        vt_bs_write(bs, 1, 0); /* tiles_fixed_structure_flag */
        vt_bs_write(bs, 1, v->motion_vectors_over_pic_boundaries_flag);
        vt_bs_write(bs, 1, v->restricted_ref_pic_lists_flag);
        vt_bs_write_ue(bs, 0); /* min_spatial_segmentation_idc */
        vt_bs_write_ue(bs, 0); /* max_bytes_per_pic_denom */
        vt_bs_write_ue(bs, 0); /* max_bits_per_min_cu_denom */
        vt_bs_write_ue(bs, v->log2_max_mv_length_horizontal);
        vt_bs_write_ue(bs, v->log2_max_mv_length_vertical);
    }
}

int vt_h265_write_sps(VTBitWriter *bs, const VTH265SPS *s) {
    unsigned min_cb = 1u << (s->log2_min_cb_minus3 + 3);
    if (s->vps_id > 15 || s->sps_id > 15 || s->chroma_format_idc != 1 || !s->pic_width ||
        !s->pic_height || s->pic_width % min_cb || s->pic_height % min_cb ||
        s->log2_max_poc_lsb_minus4 > 12)
        return -1;
    vt_bs_write(bs, 4, s->vps_id);
    vt_bs_write(bs, 3, 0); /* sps_max_sub_layers_minus1 */
    vt_bs_write(bs, 1, 1); /* sps_temporal_id_nesting_flag */
    write_ptl(bs, s);
    vt_bs_write_ue(bs, s->sps_id);
    vt_bs_write_ue(bs, s->chroma_format_idc);
    vt_bs_write_ue(bs, s->pic_width);
    vt_bs_write_ue(bs, s->pic_height);
    vt_bs_write(bs, 1, s->conformance_window_flag);
    if (s->conformance_window_flag) {
        vt_bs_write_ue(bs, s->conf_win_left);
        vt_bs_write_ue(bs, s->conf_win_right);
        vt_bs_write_ue(bs, s->conf_win_top);
        vt_bs_write_ue(bs, s->conf_win_bottom);
    }
    vt_bs_write_ue(bs, s->bit_depth_luma_minus8);
    vt_bs_write_ue(bs, s->bit_depth_chroma_minus8);
    vt_bs_write_ue(bs, s->log2_max_poc_lsb_minus4);
    vt_bs_write(bs, 1, 0); /* sps_sub_layer_ordering_info_present_flag */
    vt_bs_write_ue(bs, s->max_dec_pic_buffering_minus1);
    vt_bs_write_ue(bs, s->max_num_reorder_pics);
    vt_bs_write_ue(bs, s->max_latency_increase_plus1);
    vt_bs_write_ue(bs, s->log2_min_cb_minus3);
    vt_bs_write_ue(bs, s->log2_diff_max_min_cb);
    vt_bs_write_ue(bs, s->log2_min_tb_minus2);
    vt_bs_write_ue(bs, s->log2_diff_max_min_tb);
    vt_bs_write_ue(bs, s->max_transform_hierarchy_depth_inter);
    vt_bs_write_ue(bs, s->max_transform_hierarchy_depth_intra);
    vt_bs_write(bs, 1, 0); /* scaling_list_enabled_flag */
    vt_bs_write(bs, 1, s->amp_enabled_flag);
    vt_bs_write(bs, 1, s->sample_adaptive_offset_enabled_flag);
    vt_bs_write(bs, 1, s->pcm_enabled_flag);
    if (s->pcm_enabled_flag) {
        vt_bs_write(bs, 4, s->pcm_bit_depth_luma_minus1);
        vt_bs_write(bs, 4, s->pcm_bit_depth_chroma_minus1);
        vt_bs_write_ue(bs, s->log2_min_pcm_cb_minus3);
        vt_bs_write_ue(bs, s->log2_diff_max_min_pcm_cb);
        vt_bs_write(bs, 1, s->pcm_loop_filter_disabled_flag);
    }
    vt_bs_write_ue(bs, 0); /* num_short_term_ref_pic_sets */
    vt_bs_write(bs, 1, 0); /* long_term_ref_pics_present_flag */
    vt_bs_write(bs, 1, s->sps_temporal_mvp_enabled_flag);
    vt_bs_write(bs, 1, s->strong_intra_smoothing_enabled_flag);
    vt_bs_write(bs, 1, s->vui_parameters_present_flag);
    if (s->vui_parameters_present_flag)
        write_vui(bs, &s->vui);
    vt_bs_write(bs, 1, 0); /* sps_extension_present_flag */
    return finish(bs);
}

int vt_h265_write_pps(VTBitWriter *bs, const VTH265PPS *p) {
    if (p->pps_id > 63 || p->sps_id > 15)
        return -1;
    vt_bs_write_ue(bs, p->pps_id);
    vt_bs_write_ue(bs, p->sps_id);
    vt_bs_write(bs, 1, 0); /* dependent_slice_segments_enabled_flag */
    vt_bs_write(bs, 1, 0); /* output_flag_present_flag */
    vt_bs_write(bs, 3, 0); /* num_extra_slice_header_bits */
    vt_bs_write(bs, 1, p->sign_data_hiding_enabled_flag);
    vt_bs_write(bs, 1, p->cabac_init_present_flag);
    vt_bs_write_ue(bs, p->num_ref_idx_l0_default_active_minus1);
    vt_bs_write_ue(bs, p->num_ref_idx_l1_default_active_minus1);
    vt_bs_write_se(bs, p->init_qp_minus26);
    vt_bs_write(bs, 1, p->constrained_intra_pred_flag);
    vt_bs_write(bs, 1, p->transform_skip_enabled_flag);
    vt_bs_write(bs, 1, p->cu_qp_delta_enabled_flag);
    if (p->cu_qp_delta_enabled_flag)
        vt_bs_write_ue(bs, p->diff_cu_qp_delta_depth);
    vt_bs_write_se(bs, p->cb_qp_offset);
    vt_bs_write_se(bs, p->cr_qp_offset);
    vt_bs_write(bs, 1, p->slice_chroma_qp_offsets_present_flag);
    vt_bs_write(bs, 1, p->weighted_pred_flag);
    vt_bs_write(bs, 1, p->weighted_bipred_flag);
    vt_bs_write(bs, 1, p->transquant_bypass_enabled_flag);
    vt_bs_write(bs, 1, 0); /* tiles_enabled_flag */
    vt_bs_write(bs, 1, 0); /* entropy_coding_sync_enabled_flag */
    vt_bs_write(bs, 1, p->loop_filter_across_slices_enabled_flag);
    vt_bs_write(bs, 1, p->deblocking_filter_control_present_flag);
    if (p->deblocking_filter_control_present_flag) {
        vt_bs_write(bs, 1, p->deblocking_filter_override_enabled_flag);
        vt_bs_write(bs, 1, p->pps_deblocking_filter_disabled_flag);
        if (!p->pps_deblocking_filter_disabled_flag) {
            vt_bs_write_se(bs, p->beta_offset_div2);
            vt_bs_write_se(bs, p->tc_offset_div2);
        }
    }
    vt_bs_write(bs, 1, 0); /* pps_scaling_list_data_present_flag */
    vt_bs_write(bs, 1, 0); /* lists_modification_present_flag */
    vt_bs_write_ue(bs, p->log2_parallel_merge_level_minus2);
    vt_bs_write(bs, 1, 0); /* slice_segment_header_extension_present_flag */
    vt_bs_write(bs, 1, 0); /* pps_extension_present_flag */
    return finish(bs);
}

int vt_h265_write_slice_header(VTBitWriter *bs, const VTH265SPS *s, const VTH265PPS *p,
                               const VTH265SliceHeader *sh) {
    const int irap = sh->nal_unit_type >= 16 && sh->nal_unit_type <= 23;
    const int idr =
        sh->nal_unit_type == VT_H265_NAL_IDR_W_RADL || sh->nal_unit_type == VT_H265_NAL_IDR_N_LP;
    if (sh->slice_type > 2 || sh->num_negative_pics > VT_H265_MAX_RPS ||
        sh->num_positive_pics > VT_H265_MAX_RPS || (irap && sh->slice_type != VT_H265_SLICE_I))
        return -1;
    vt_bs_write(bs, 1, 1); /* first_slice_segment_in_pic_flag */
    if (irap)
        vt_bs_write(bs, 1, sh->no_output_of_prior_pics_flag);
    vt_bs_write_ue(bs, p->pps_id);
    vt_bs_write_ue(bs, sh->slice_type);
    if (!idr) {
        unsigned prev = 0;
        vt_bs_write(bs, s->log2_max_poc_lsb_minus4 + 4u, sh->pic_order_cnt_lsb);
        vt_bs_write(bs, 1, 0); /* short_term_ref_pic_set_sps_flag */
        /* st_ref_pic_set(num_short_term_ref_pic_sets = 0): no prediction */
        vt_bs_write_ue(bs, sh->num_negative_pics);
        vt_bs_write_ue(bs, sh->num_positive_pics);
        for (unsigned i = 0; i < sh->num_negative_pics; i++) {
            if (sh->delta_poc_s0[i] <= prev)
                return -1;
            vt_bs_write_ue(bs, sh->delta_poc_s0[i] - prev - 1u);
            vt_bs_write(bs, 1, sh->used_s0[i]);
            prev = sh->delta_poc_s0[i];
        }
        prev = 0;
        for (unsigned i = 0; i < sh->num_positive_pics; i++) {
            if (sh->delta_poc_s1[i] <= prev)
                return -1;
            vt_bs_write_ue(bs, sh->delta_poc_s1[i] - prev - 1u);
            vt_bs_write(bs, 1, sh->used_s1[i]);
            prev = sh->delta_poc_s1[i];
        }
        if (s->sps_temporal_mvp_enabled_flag)
            vt_bs_write(bs, 1, sh->slice_temporal_mvp_enabled_flag);
    }
    if (s->sample_adaptive_offset_enabled_flag) {
        vt_bs_write(bs, 1, sh->slice_sao_luma_flag);
        vt_bs_write(bs, 1, sh->slice_sao_chroma_flag);
    }
    if (sh->slice_type != VT_H265_SLICE_I) {
        vt_bs_write(bs, 1, sh->num_ref_idx_active_override_flag);
        if (sh->num_ref_idx_active_override_flag) {
            vt_bs_write_ue(bs, sh->num_ref_idx_l0_active_minus1);
            if (sh->slice_type == VT_H265_SLICE_B)
                vt_bs_write_ue(bs, sh->num_ref_idx_l1_active_minus1);
        }
        if (sh->slice_type == VT_H265_SLICE_B)
            vt_bs_write(bs, 1, sh->mvd_l1_zero_flag);
        if (p->cabac_init_present_flag)
            vt_bs_write(bs, 1, sh->cabac_init_flag);
        if (sh->slice_temporal_mvp_enabled_flag) {
            unsigned l0 = sh->num_ref_idx_active_override_flag
                              ? sh->num_ref_idx_l0_active_minus1
                              : p->num_ref_idx_l0_default_active_minus1;
            unsigned l1 = sh->num_ref_idx_active_override_flag
                              ? sh->num_ref_idx_l1_active_minus1
                              : p->num_ref_idx_l1_default_active_minus1;
            if (sh->slice_type == VT_H265_SLICE_B)
                vt_bs_write(bs, 1, sh->collocated_from_l0_flag);
            if ((sh->collocated_from_l0_flag || sh->slice_type == VT_H265_SLICE_P) ? l0 > 0
                                                                                   : l1 > 0)
                vt_bs_write_ue(bs, sh->collocated_ref_idx);
        }
        if ((p->weighted_pred_flag && sh->slice_type == VT_H265_SLICE_P) ||
            (p->weighted_bipred_flag && sh->slice_type == VT_H265_SLICE_B))
            return -1; /* pred_weight_table() not supported */
        if (sh->five_minus_max_num_merge_cand > 4)
            return -1;
        vt_bs_write_ue(bs, sh->five_minus_max_num_merge_cand);
    }
    vt_bs_write_se(bs, sh->slice_qp_delta);
    if (p->slice_chroma_qp_offsets_present_flag) {
        vt_bs_write_se(bs, sh->slice_cb_qp_offset);
        vt_bs_write_se(bs, sh->slice_cr_qp_offset);
    }
    if (p->deblocking_filter_override_enabled_flag)
        vt_bs_write(bs, 1, sh->deblocking_filter_override_flag);
    int deblock_off = p->pps_deblocking_filter_disabled_flag;
    if (sh->deblocking_filter_override_flag && p->deblocking_filter_override_enabled_flag) {
        vt_bs_write(bs, 1, sh->slice_deblocking_filter_disabled_flag);
        deblock_off = sh->slice_deblocking_filter_disabled_flag;
        if (!sh->slice_deblocking_filter_disabled_flag) {
            vt_bs_write_se(bs, sh->slice_beta_offset_div2);
            vt_bs_write_se(bs, sh->slice_tc_offset_div2);
        }
    }
    if (p->loop_filter_across_slices_enabled_flag &&
        (sh->slice_sao_luma_flag || sh->slice_sao_chroma_flag || !deblock_off))
        vt_bs_write(bs, 1, sh->slice_loop_filter_across_slices_enabled_flag);
    /* byte_alignment(): alignment_bit_equal_to_one, then zeros */
    vt_bs_rbsp_trailing(bs);
    return bs->overflow ? -1 : 0;
}

size_t vt_h265_nal_write(uint8_t *out, size_t out_size, int start_code, unsigned nal_unit_type,
                         const uint8_t *rbsp, size_t rbsp_bytes) {
    size_t n = 0, need = vt_h264_escape(rbsp, rbsp_bytes, NULL, 0);
    size_t head = (start_code ? 4u : 0u) + 2u;
    if (nal_unit_type > 63 || out_size < head || out_size - head < need)
        return 0;
    if (start_code) {
        memcpy(out, "\0\0\0\1", 4);
        n = 4;
    }
    out[n++] = (uint8_t)(nal_unit_type << 1);
    out[n++] = 1; /* nuh_layer_id 0, nuh_temporal_id_plus1 1 */
    n += vt_h264_escape(rbsp, rbsp_bytes, out + n, out_size - n);
    return n;
}
