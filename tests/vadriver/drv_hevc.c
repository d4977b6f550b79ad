/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * TEST FIXTURE ONLY. HEVC syntax helpers of the test VA driver: see
 * drv_hevc.h. Written from ITU-T H.265 (7.3 syntax, 9.3 CABAC).
 */
#include <stdlib.h>
#include <string.h>

#include "drv_hevc.h"

#define FAIL(msg)     \
    do {              \
        return (msg); \
    } while (0)
#define CHECK(cond, msg) \
    do {                 \
        if (!(cond))     \
            FAIL(msg);   \
    } while (0)

/* ---- parsers ------------------------------------------------------------ */

/* profile_tier_level(1, max_sub_layers_minus1) */
static const char *parse_ptl(DrvBitReader *br, unsigned max_sub_layers_minus1, unsigned *profile,
                             unsigned *tier, unsigned *level, unsigned *compat) {
    unsigned sub_profile[8], sub_level[8];
    CHECK(drv_br_u(br, 2) == 0, "general_profile_space != 0");
    *tier = drv_br_u(br, 1);
    *profile = drv_br_u(br, 5);
    *compat = drv_br_u(br, 32);
    CHECK(drv_br_u(br, 1) == 1, "general_progressive_source_flag 0");
    drv_br_u(br, 1); /* interlaced */
    drv_br_u(br, 1); /* non_packed */
    drv_br_u(br, 1); /* frame_only */
    CHECK(drv_br_u(br, 32) == 0 && drv_br_u(br, 11) == 0, "general reserved bits not zero");
    drv_br_u(br, 1); /* inbld / reserved */
    *level = drv_br_u(br, 8);
    for (unsigned i = 0; i < max_sub_layers_minus1; i++) {
        sub_profile[i] = drv_br_u(br, 1);
        sub_level[i] = drv_br_u(br, 1);
    }
    if (max_sub_layers_minus1 > 0)
        for (unsigned i = max_sub_layers_minus1; i < 8; i++)
            drv_br_u(br, 2);
    for (unsigned i = 0; i < max_sub_layers_minus1; i++) {
        if (sub_profile[i]) {
            drv_br_u(br, 32);
            drv_br_u(br, 32);
            drv_br_u(br, 24);
        }
        if (sub_level[i])
            drv_br_u(br, 8);
    }
    return NULL;
}

static const char *trailing(DrvBitReader *br) {
    CHECK(!br->error, "truncated");
    CHECK(drv_br_u(br, 1) == 1, "rbsp_stop_one_bit missing");
    while (br->pos % 8)
        CHECK(drv_br_u(br, 1) == 0, "rbsp_alignment_zero_bit not zero");
    CHECK(br->pos == br->bits, "data after rbsp_trailing_bits");
    return NULL;
}

const char *drv_hevc_parse_vps(const uint8_t *rbsp, size_t bits, DrvHevcVPS *v) {
    DrvBitReader br;
    const char *e;
    unsigned compat, max_sub, ordering;
    memset(v, 0, sizeof(*v));
    drv_br_init(&br, rbsp, bits);
    v->vps_id = drv_br_u(&br, 4);
    CHECK(drv_br_u(&br, 1) == 1, "VPS: vps_base_layer_internal_flag 0");
    CHECK(drv_br_u(&br, 1) == 1, "VPS: vps_base_layer_available_flag 0");
    CHECK(drv_br_u(&br, 6) == 0, "VPS: more than one layer");
    max_sub = drv_br_u(&br, 3);
    CHECK(max_sub == 0, "VPS: temporal sub-layers (not supported by the test driver)");
    drv_br_u(&br, 1);
    CHECK(drv_br_u(&br, 16) == 0xffff, "VPS: vps_reserved_0xffff_16bits");
    if ((e = parse_ptl(&br, max_sub, &v->profile_idc, &v->tier, &v->level_idc, &compat)))
        return e;
    ordering = drv_br_u(&br, 1);
    (void)ordering;
    v->max_dec_pic_buffering_minus1 = drv_br_ue(&br);
    v->max_num_reorder = drv_br_ue(&br);
    v->max_latency_plus1 = drv_br_ue(&br);
    CHECK(v->max_num_reorder <= v->max_dec_pic_buffering_minus1, "VPS: reorder > DPB");
    CHECK(drv_br_u(&br, 6) == 0, "VPS: vps_max_layer_id");
    CHECK(drv_br_ue(&br) == 0, "VPS: layer sets (not supported by the test driver)");
    if (drv_br_u(&br, 1)) { /* timing */
        drv_br_u(&br, 32);
        drv_br_u(&br, 32);
        if (drv_br_u(&br, 1))
            drv_br_ue(&br);
        CHECK(drv_br_ue(&br) == 0, "VPS: HRD parameters (not supported by the test driver)");
    }
    CHECK(drv_br_u(&br, 1) == 0, "VPS: extension");
    if ((e = trailing(&br)))
        return e;
    v->valid = 1;
    return NULL;
}

static const char *parse_vui(DrvBitReader *br, DrvHevcSPS *s) {
    s->aspect_ratio_info = drv_br_u(br, 1);
    if (s->aspect_ratio_info) {
        s->aspect_ratio_idc = drv_br_u(br, 8);
        if (s->aspect_ratio_idc == 255) {
            s->sar_width = drv_br_u(br, 16);
            s->sar_height = drv_br_u(br, 16);
        }
    }
    if (drv_br_u(br, 1))
        drv_br_u(br, 1); /* overscan_appropriate */
    s->video_signal_type = drv_br_u(br, 1);
    if (s->video_signal_type) {
        s->video_format = drv_br_u(br, 3);
        s->full_range = drv_br_u(br, 1);
        s->colour_description = drv_br_u(br, 1);
        if (s->colour_description) {
            s->colour_primaries = drv_br_u(br, 8);
            s->transfer_characteristics = drv_br_u(br, 8);
            s->matrix_coeffs = drv_br_u(br, 8);
        }
    }
    if (drv_br_u(br, 1)) { /* chroma_loc_info */
        drv_br_ue(br);
        drv_br_ue(br);
    }
    drv_br_u(br, 1); /* neutral_chroma_indication_flag */
    CHECK(drv_br_u(br, 1) == 0, "VUI: field_seq_flag");
    drv_br_u(br, 1);       /* frame_field_info_present_flag */
    if (drv_br_u(br, 1)) { /* default display window */
        drv_br_ue(br);
        drv_br_ue(br);
        drv_br_ue(br);
        drv_br_ue(br);
    }
    s->timing = drv_br_u(br, 1);
    if (s->timing) {
        s->num_units_in_tick = drv_br_u(br, 32);
        s->time_scale = drv_br_u(br, 32);
        CHECK(s->num_units_in_tick && s->time_scale, "VUI: zero timing");
        if (drv_br_u(br, 1))
            drv_br_ue(br);
        CHECK(drv_br_u(br, 1) == 0, "VUI: HRD parameters (not supported by the test driver)");
    }
    s->bitstream_restriction = drv_br_u(br, 1);
    if (s->bitstream_restriction) {
        drv_br_u(br, 1); /* tiles_fixed_structure_flag */
        s->mv_over_pic_boundaries = drv_br_u(br, 1);
        s->restricted_ref_pic_lists = drv_br_u(br, 1);
        drv_br_ue(br);
        drv_br_ue(br);
        drv_br_ue(br);
        s->log2_max_mv_length_horizontal = drv_br_ue(br);
        s->log2_max_mv_length_vertical = drv_br_ue(br);
        CHECK(s->log2_max_mv_length_horizontal <= 15 && s->log2_max_mv_length_vertical <= 15,
              "VUI: log2_max_mv_length > 15");
    }
    return NULL;
}

const char *drv_hevc_parse_sps(const uint8_t *rbsp, size_t bits, DrvHevcSPS *s) {
    DrvBitReader br;
    const char *e;
    unsigned max_sub, min_cb;
    memset(s, 0, sizeof(*s));
    drv_br_init(&br, rbsp, bits);
    s->vps_id = drv_br_u(&br, 4);
    max_sub = drv_br_u(&br, 3);
    CHECK(max_sub == 0, "SPS: temporal sub-layers (not supported by the test driver)");
    drv_br_u(&br, 1);
    if ((e = parse_ptl(&br, max_sub, &s->profile_idc, &s->tier, &s->level_idc, &s->compat)))
        return e;
    s->sps_id = drv_br_ue(&br);
    CHECK(s->sps_id < 16, "SPS: sps_seq_parameter_set_id > 15");
    s->chroma_format_idc = drv_br_ue(&br);
    CHECK(s->chroma_format_idc == 1, "SPS: chroma_format_idc != 1");
    s->width = drv_br_ue(&br);
    s->height = drv_br_ue(&br);
    s->conf = drv_br_u(&br, 1);
    if (s->conf) {
        s->conf_left = drv_br_ue(&br);
        s->conf_right = drv_br_ue(&br);
        s->conf_top = drv_br_ue(&br);
        s->conf_bottom = drv_br_ue(&br);
    }
    s->bit_depth_luma = drv_br_ue(&br) + 8;
    s->bit_depth_chroma = drv_br_ue(&br) + 8;
    CHECK(s->bit_depth_luma <= 10 && s->bit_depth_chroma == s->bit_depth_luma,
          "SPS: bit depth (8 or 10, equal for luma and chroma)");
    s->log2_max_poc_lsb = drv_br_ue(&br) + 4;
    CHECK(s->log2_max_poc_lsb <= 16, "SPS: log2_max_pic_order_cnt_lsb_minus4 > 12");
    drv_br_u(&br, 1); /* sub_layer_ordering_info_present */
    s->max_dec_pic_buffering_minus1 = drv_br_ue(&br);
    s->max_num_reorder = drv_br_ue(&br);
    s->max_latency_plus1 = drv_br_ue(&br);
    CHECK(s->max_num_reorder <= s->max_dec_pic_buffering_minus1, "SPS: reorder > DPB");
    s->log2_min_cb = drv_br_ue(&br) + 3;
    s->log2_ctb = s->log2_min_cb + drv_br_ue(&br);
    CHECK(s->log2_ctb >= 4 && s->log2_ctb <= 6, "SPS: CTB size outside 16..64");
    s->log2_min_tb = drv_br_ue(&br) + 2;
    s->log2_max_tb = s->log2_min_tb + drv_br_ue(&br);
    CHECK(s->log2_min_tb < s->log2_min_cb, "SPS: MinTbLog2SizeY >= MinCbLog2SizeY");
    CHECK(s->log2_max_tb <= 5 && s->log2_max_tb <= s->log2_ctb, "SPS: MaxTbLog2SizeY too large");
    s->depth_inter = drv_br_ue(&br);
    s->depth_intra = drv_br_ue(&br);
    CHECK(s->depth_inter <= s->log2_ctb - s->log2_min_tb &&
              s->depth_intra <= s->log2_ctb - s->log2_min_tb,
          "SPS: max_transform_hierarchy_depth out of range");
    min_cb = 1u << s->log2_min_cb;
    CHECK(s->width && s->height && s->width % min_cb == 0 && s->height % min_cb == 0,
          "SPS: picture size not a multiple of MinCbSizeY");
    CHECK(2 * (s->conf_left + s->conf_right) < s->width &&
              2 * (s->conf_top + s->conf_bottom) < s->height,
          "SPS: conformance window larger than the picture");
    s->scaling_list = drv_br_u(&br, 1);
    CHECK(!s->scaling_list, "SPS: scaling lists (not supported by the test driver)");
    s->amp = drv_br_u(&br, 1);
    s->sao = drv_br_u(&br, 1);
    s->pcm = drv_br_u(&br, 1);
    if (s->pcm) {
        s->pcm_bd_luma = drv_br_u(&br, 4) + 1;
        s->pcm_bd_chroma = drv_br_u(&br, 4) + 1;
        s->log2_min_pcm = drv_br_ue(&br) + 3;
        s->log2_max_pcm = s->log2_min_pcm + drv_br_ue(&br);
        s->pcm_loop_filter_disabled = drv_br_u(&br, 1);
        CHECK(s->pcm_bd_luma <= s->bit_depth_luma && s->pcm_bd_chroma <= s->bit_depth_chroma,
              "SPS: PCM bit depth above the bit depth");
        CHECK(s->log2_max_pcm <= 5 && s->log2_max_pcm <= s->log2_ctb,
              "SPS: Log2MaxIpcmCbSizeY > Min(CtbLog2SizeY, 5)");
    }
    s->num_st_rps = drv_br_ue(&br);
    CHECK(s->num_st_rps == 0, "SPS: short-term RPS in the SPS (not supported by the test driver)");
    s->long_term = drv_br_u(&br, 1);
    CHECK(!s->long_term, "SPS: long-term references (not supported by the test driver)");
    s->tmvp = drv_br_u(&br, 1);
    s->strong_intra = drv_br_u(&br, 1);
    s->vui = drv_br_u(&br, 1);
    if (s->vui && (e = parse_vui(&br, s)))
        return e;
    CHECK(drv_br_u(&br, 1) == 0, "SPS: extensions");
    if ((e = trailing(&br)))
        return e;
    s->valid = 1;
    return NULL;
}

const char *drv_hevc_parse_pps(const uint8_t *rbsp, size_t bits, DrvHevcPPS *p) {
    DrvBitReader br;
    memset(p, 0, sizeof(*p));
    drv_br_init(&br, rbsp, bits);
    p->pps_id = drv_br_ue(&br);
    CHECK(p->pps_id < 64, "PPS: pps_pic_parameter_set_id > 63");
    p->sps_id = drv_br_ue(&br);
    CHECK(p->sps_id < 16, "PPS: pps_seq_parameter_set_id > 15");
    p->dependent_slices = drv_br_u(&br, 1);
    p->output_flag_present = drv_br_u(&br, 1);
    p->num_extra_bits = drv_br_u(&br, 3);
    p->sign_data_hiding = drv_br_u(&br, 1);
    p->cabac_init_present = drv_br_u(&br, 1);
    p->num_ref_idx_l0_default = drv_br_ue(&br);
    p->num_ref_idx_l1_default = drv_br_ue(&br);
    CHECK(p->num_ref_idx_l0_default < 15 && p->num_ref_idx_l1_default < 15,
          "PPS: num_ref_idx_default_active_minus1 > 14");
    p->init_qp = 26 + drv_br_se(&br);
    p->constrained_intra = drv_br_u(&br, 1);
    p->transform_skip = drv_br_u(&br, 1);
    p->cu_qp_delta = drv_br_u(&br, 1);
    if (p->cu_qp_delta)
        p->diff_cu_qp_delta_depth = drv_br_ue(&br);
    p->cb_qp_offset = drv_br_se(&br);
    p->cr_qp_offset = drv_br_se(&br);
    CHECK(p->cb_qp_offset >= -12 && p->cb_qp_offset <= 12 && p->cr_qp_offset >= -12 &&
              p->cr_qp_offset <= 12,
          "PPS: chroma QP offset outside -12..12");
    p->slice_chroma_qp_offsets_present = drv_br_u(&br, 1);
    p->weighted_pred = drv_br_u(&br, 1);
    p->weighted_bipred = drv_br_u(&br, 1);
    p->transquant_bypass = drv_br_u(&br, 1);
    p->tiles = drv_br_u(&br, 1);
    p->entropy_sync = drv_br_u(&br, 1);
    CHECK(!p->tiles && !p->entropy_sync,
          "PPS: tiles / wavefronts (not supported by the test driver)");
    p->loop_filter_across_slices = drv_br_u(&br, 1);
    p->deblocking_control = drv_br_u(&br, 1);
    if (p->deblocking_control) {
        p->deblocking_override_enabled = drv_br_u(&br, 1);
        p->deblocking_disabled = drv_br_u(&br, 1);
        if (!p->deblocking_disabled) {
            p->beta_offset_div2 = drv_br_se(&br);
            p->tc_offset_div2 = drv_br_se(&br);
            CHECK(p->beta_offset_div2 >= -6 && p->beta_offset_div2 <= 6 &&
                      p->tc_offset_div2 >= -6 && p->tc_offset_div2 <= 6,
                  "PPS: deblocking offsets outside -6..6");
        }
    }
    p->scaling_list = drv_br_u(&br, 1);
    CHECK(!p->scaling_list, "PPS: scaling lists");
    p->lists_modification = drv_br_u(&br, 1);
    p->log2_parallel_merge_level = drv_br_ue(&br) + 2;
    p->slice_header_extension = drv_br_u(&br, 1);
    CHECK(drv_br_u(&br, 1) == 0, "PPS: extensions");
    const char *e = trailing(&br);
    if (e)
        return e;
    p->valid = 1;
    return NULL;
}

static unsigned ceil_log2(unsigned v) {
    unsigned n = 0;
    while ((1u << n) < v)
        n++;
    return n;
}

const char *drv_hevc_parse_slice_header(const uint8_t *rbsp, size_t bits, unsigned nal_unit_type,
                                        const DrvHevcSPS *sps_table, const DrvHevcPPS *pps_table,
                                        DrvHevcSliceHeader *sh) {
    DrvBitReader br;
    const DrvHevcPPS *p;
    const DrvHevcSPS *s;
    int irap = nal_unit_type >= 16 && nal_unit_type <= 23;
    int idr = nal_unit_type == 19 || nal_unit_type == 20;
    memset(sh, 0, sizeof(*sh));
    drv_br_init(&br, rbsp, bits);
    sh->nal_unit_type = nal_unit_type;
    sh->first_slice = drv_br_u(&br, 1);
    CHECK(sh->first_slice, "slice: first_slice_segment_in_pic_flag 0 (one slice per picture)");
    if (irap)
        sh->no_output_of_prior_pics = drv_br_u(&br, 1);
    sh->pps_id = drv_br_ue(&br);
    CHECK(sh->pps_id < 64 && pps_table[sh->pps_id].valid, "slice: unknown PPS");
    p = &pps_table[sh->pps_id];
    CHECK(sps_table[p->sps_id].valid, "slice: the PPS names an unknown SPS");
    s = &sps_table[p->sps_id];
    drv_br_u(&br, p->num_extra_bits);
    sh->slice_type = drv_br_ue(&br);
    CHECK(sh->slice_type <= 2, "slice: slice_type > 2");
    CHECK(!irap || sh->slice_type == 2, "slice: IRAP picture with an inter slice");
    if (p->output_flag_present)
        drv_br_u(&br, 1);
    if (!idr) {
        int prev = 0;
        sh->poc_lsb = drv_br_u(&br, s->log2_max_poc_lsb);
        CHECK(drv_br_u(&br, 1) == 0, "slice: short_term_ref_pic_set_sps_flag with no SPS sets");
        sh->num_negative = drv_br_ue(&br);
        sh->num_positive = drv_br_ue(&br);
        CHECK(sh->num_negative + sh->num_positive <= s->max_dec_pic_buffering_minus1 &&
                  sh->num_negative <= DRV_HEVC_MAX_RPS && sh->num_positive <= DRV_HEVC_MAX_RPS,
              "slice: RPS larger than the DPB");
        for (unsigned i = 0; i < sh->num_negative; i++) {
            prev -= (int)drv_br_ue(&br) + 1;
            sh->delta_s0[i] = prev;
            sh->used_s0[i] = drv_br_u(&br, 1);
        }
        prev = 0;
        for (unsigned i = 0; i < sh->num_positive; i++) {
            prev += (int)drv_br_ue(&br) + 1;
            sh->delta_s1[i] = prev;
            sh->used_s1[i] = drv_br_u(&br, 1);
        }
        if (s->tmvp)
            sh->tmvp = drv_br_u(&br, 1);
    }
    if (s->sao) {
        sh->sao_luma = drv_br_u(&br, 1);
        sh->sao_chroma = drv_br_u(&br, 1);
    }
    sh->num_ref_idx_l0 = p->num_ref_idx_l0_default;
    sh->num_ref_idx_l1 = p->num_ref_idx_l1_default;
    if (sh->slice_type != 2) {
        unsigned total = 0;
        for (unsigned i = 0; i < sh->num_negative; i++)
            total += sh->used_s0[i];
        for (unsigned i = 0; i < sh->num_positive; i++)
            total += sh->used_s1[i];
        CHECK(total > 0, "slice: inter slice without a reference in the RPS");
        sh->override = drv_br_u(&br, 1);
        if (sh->override) {
            sh->num_ref_idx_l0 = drv_br_ue(&br);
            if (sh->slice_type == 0)
                sh->num_ref_idx_l1 = drv_br_ue(&br);
        }
        CHECK(sh->num_ref_idx_l0 < 15 && sh->num_ref_idx_l1 < 15, "slice: too many references");
        if (p->lists_modification && total > 1) {
            if (drv_br_u(&br, 1))
                for (unsigned i = 0; i <= sh->num_ref_idx_l0; i++)
                    drv_br_u(&br, ceil_log2(total));
            (void)0;
            CHECK(sh->slice_type != 0, "slice: B-slice list modification");
        }
        if (sh->slice_type == 0)
            sh->mvd_l1_zero = drv_br_u(&br, 1);
        if (p->cabac_init_present)
            sh->cabac_init_flag = drv_br_u(&br, 1);
        if (sh->tmvp) {
            sh->collocated_from_l0 = 1;
            if (sh->slice_type == 0)
                sh->collocated_from_l0 = drv_br_u(&br, 1);
            if ((sh->collocated_from_l0 && sh->num_ref_idx_l0 > 0) ||
                (!sh->collocated_from_l0 && sh->num_ref_idx_l1 > 0))
                sh->collocated_ref_idx = drv_br_ue(&br);
        }
        CHECK(!(p->weighted_pred && sh->slice_type == 1) &&
                  !(p->weighted_bipred && sh->slice_type == 0),
              "slice: weighted prediction (not supported by the test driver)");
        sh->max_num_merge_cand = 5 - drv_br_ue(&br);
        CHECK(sh->max_num_merge_cand >= 1 && sh->max_num_merge_cand <= 5,
              "slice: five_minus_max_num_merge_cand > 4");
    }
    sh->slice_qp_delta = drv_br_se(&br);
    if (p->slice_chroma_qp_offsets_present) {
        sh->cb_qp_offset = drv_br_se(&br);
        sh->cr_qp_offset = drv_br_se(&br);
    }
    sh->deblocking_disabled = p->deblocking_disabled;
    sh->beta_offset_div2 = p->beta_offset_div2;
    sh->tc_offset_div2 = p->tc_offset_div2;
    if (p->deblocking_override_enabled)
        sh->deblocking_override = drv_br_u(&br, 1);
    if (sh->deblocking_override) {
        sh->deblocking_disabled = drv_br_u(&br, 1);
        if (!sh->deblocking_disabled) {
            sh->beta_offset_div2 = drv_br_se(&br);
            sh->tc_offset_div2 = drv_br_se(&br);
        }
    }
    sh->loop_filter_across_slices = p->loop_filter_across_slices;
    if (p->loop_filter_across_slices &&
        (sh->sao_luma || sh->sao_chroma || !sh->deblocking_disabled))
        sh->loop_filter_across_slices = drv_br_u(&br, 1);
    if (p->slice_header_extension) {
        unsigned n = drv_br_ue(&br);
        for (unsigned i = 0; i < n; i++)
            drv_br_u(&br, 8);
    }
    /* byte_alignment() */
    CHECK(drv_br_u(&br, 1) == 1, "slice: alignment_bit_equal_to_one missing");
    while (br.pos % 8)
        CHECK(drv_br_u(&br, 1) == 0, "slice: alignment bits not zero");
    CHECK(!br.error, "slice: header truncated");
    CHECK(br.pos == br.bits, "slice: packed slice header longer than slice_segment_header()");
    int qp = p->init_qp + sh->slice_qp_delta;
    CHECK(qp >= -6 * (int)(s->bit_depth_luma - 8) && qp <= 51, "slice: SliceQpY out of range");
    sh->header_bits = br.pos;
    return NULL;
}

/* ---- slice data ----------------------------------------------------------- */

enum {
    CTX_SPLIT = 0, /* 0..2 */
    CTX_SKIP = 3,  /* 3..5 */
    CTX_MERGE_IDX = 6,
    CTX_PRED_MODE = 7,
    CTX_PART_MODE = 8,
    CTX_N = 9,
};

/* initValue per initType (Tables 9-11 ff.); 154 where unused. */
static const uint8_t init_values[3][CTX_N] = {
    {139, 141, 157, 154, 154, 154, 154, 154, 184},
    {107, 139, 126, 197, 185, 201, 122, 149, 154},
    {107, 139, 126, 197, 185, 201, 137, 134, 154},
};

static void init_contexts(DrvCabac *c, unsigned init_type, int qp) {
    int q = qp < 0 ? 0 : qp > 51 ? 51 : qp;
    for (unsigned i = 0; i < CTX_N; i++) {
        int v = init_values[init_type][i];
        int m = (v >> 4) * 5 - 45, n = ((v & 15) << 3) - 16;
        int pre = ((m * q) >> 4) + n;
        pre = pre < 1 ? 1 : pre > 126 ? 126 : pre;
        c->mps[i] = pre <= 63 ? 0 : 1;
        c->state[i] = (uint8_t)(c->mps[i] ? pre - 64 : 63 - pre);
    }
}

typedef struct Coder {
    DrvCabac cabac;
    DrvBitWriter *bw;
    const DrvHevcSPS *s;
    const DrvHevcSliceHeader *sh;
    const DrvHevcPlanes *in, *ref;
    unsigned grid_w, grid_h; /* in min CBs */
    uint8_t *depth, *skip;   /* per min CB */
    DrvHevcStats *stats;
} Coder;

static unsigned sample(const DrvHevcPlanes *p, int plane, unsigned x, unsigned y) {
    /* plane 0 luma, 1 Cb, 2 Cr (interleaved) */
    const uint8_t *row;
    unsigned idx;
    if (plane == 0) {
        row = p->data + (size_t)y * p->pitch;
        idx = x;
    } else {
        row = p->data + p->uv_offset + (size_t)y * p->pitch;
        idx = 2 * x + (unsigned)(plane - 1);
    }
    if (p->bps == 1)
        return row[idx];
    return (unsigned)(row[2 * idx] | (row[2 * idx + 1] << 8)) >> 6;
}

static int block_equal(const Coder *c, unsigned x0, unsigned y0, unsigned size) {
    for (unsigned y = 0; y < size; y++)
        if (memcmp(c->in->data + (size_t)(y0 + y) * c->in->pitch + x0 * c->in->bps,
                   c->ref->data + (size_t)(y0 + y) * c->ref->pitch + x0 * c->ref->bps,
                   size * c->in->bps))
            return 0;
    for (unsigned y = 0; y < size / 2; y++)
        if (memcmp(c->in->data + c->in->uv_offset + (size_t)(y0 / 2 + y) * c->in->pitch +
                       x0 * c->in->bps,
                   c->ref->data + c->ref->uv_offset + (size_t)(y0 / 2 + y) * c->ref->pitch +
                       x0 * c->ref->bps,
                   size * c->in->bps))
            return 0;
    return 1;
}

static void fill(uint8_t *map, unsigned grid_w, unsigned grid_h, unsigned gx, unsigned gy,
                 unsigned n, uint8_t v) {
    for (unsigned y = gy; y < gy + n && y < grid_h; y++)
        for (unsigned x = gx; x < gx + n && x < grid_w; x++)
            map[y * grid_w + x] = v;
}

static void coding_unit(Coder *c, unsigned x0, unsigned y0, unsigned log2) {
    const DrvHevcSPS *s = c->s;
    unsigned size = 1u << log2, gx = x0 >> s->log2_min_cb, gy = y0 >> s->log2_min_cb;
    unsigned n = size >> s->log2_min_cb;
    int avail_l = gx > 0, avail_a = gy > 0;
    if (c->sh->slice_type != 2) {
        int is_skip = c->sh->slice_type == 1 && c->ref && block_equal(c, x0, y0, size);
        unsigned inc = (avail_l && c->skip[gy * c->grid_w + gx - 1]) +
                       (avail_a && c->skip[(gy - 1) * c->grid_w + gx]);
        drv_cabac_decision(&c->cabac, CTX_SKIP + inc, (unsigned)is_skip);
        if (is_skip) {
            if (c->sh->max_num_merge_cand > 1)
                drv_cabac_decision(&c->cabac, CTX_MERGE_IDX, 0); /* merge_idx 0 */
            fill(c->skip, c->grid_w, c->grid_h, gx, gy, n, 1);
            c->stats->skipped++;
            return;
        }
        drv_cabac_decision(&c->cabac, CTX_PRED_MODE, 1); /* MODE_INTRA */
    }
    if (log2 == s->log2_min_cb)
        drv_cabac_decision(&c->cabac, CTX_PART_MODE, 1); /* PART_2Nx2N */
    drv_cabac_terminate(&c->cabac, 1);                   /* pcm_flag */
    drv_bw_align(c->bw, 0);                              /* pcm_alignment_zero_bit */
    for (unsigned y = 0; y < size; y++)
        for (unsigned x = 0; x < size; x++)
            drv_bw_u(c->bw, s->pcm_bd_luma,
                     sample(c->in, 0, x0 + x, y0 + y) >> (s->bit_depth_luma - s->pcm_bd_luma));
    for (int plane = 1; plane <= 2; plane++)
        for (unsigned y = 0; y < size / 2; y++)
            for (unsigned x = 0; x < size / 2; x++)
                drv_bw_u(c->bw, s->pcm_bd_chroma,
                         sample(c->in, plane, x0 / 2 + x, y0 / 2 + y) >>
                             (s->bit_depth_chroma - s->pcm_bd_chroma));
    drv_cabac_init_engine(&c->cabac, c->bw); /* 9.3.2.5 */
    c->stats->pcm++;
}

static void coding_quadtree(Coder *c, unsigned x0, unsigned y0, unsigned log2, unsigned depth) {
    const DrvHevcSPS *s = c->s;
    unsigned size = 1u << log2, split;
    if (x0 + size <= s->width && y0 + size <= s->height && log2 > s->log2_min_cb) {
        unsigned gx = x0 >> s->log2_min_cb, gy = y0 >> s->log2_min_cb;
        unsigned inc = (gx > 0 && c->depth[gy * c->grid_w + gx - 1] > depth) +
                       (gy > 0 && c->depth[(gy - 1) * c->grid_w + gx] > depth);
        split = log2 > s->log2_max_pcm;
        drv_cabac_decision(&c->cabac, CTX_SPLIT + inc, split);
    } else {
        split = log2 > s->log2_min_cb;
    }
    if (split) {
        unsigned x1 = x0 + size / 2, y1 = y0 + size / 2;
        coding_quadtree(c, x0, y0, log2 - 1, depth + 1);
        if (x1 < s->width)
            coding_quadtree(c, x1, y0, log2 - 1, depth + 1);
        if (y1 < s->height)
            coding_quadtree(c, x0, y1, log2 - 1, depth + 1);
        if (x1 < s->width && y1 < s->height)
            coding_quadtree(c, x1, y1, log2 - 1, depth + 1);
        return;
    }
    fill(c->depth, c->grid_w, c->grid_h, x0 >> s->log2_min_cb, y0 >> s->log2_min_cb,
         size >> s->log2_min_cb, (uint8_t)depth);
    coding_unit(c, x0, y0, log2);
}

int drv_hevc_slice_data(DrvBitWriter *bw, const DrvHevcSPS *s, const DrvHevcPPS *p,
                        const DrvHevcSliceHeader *sh, const DrvHevcPlanes *in,
                        const DrvHevcPlanes *ref, DrvHevcStats *stats) {
    Coder c;
    unsigned ctb = 1u << s->log2_ctb;
    unsigned ctbs_w = (s->width + ctb - 1) / ctb, ctbs_h = (s->height + ctb - 1) / ctb;
    unsigned init_type;
    if (!s->pcm || s->log2_min_pcm > s->log2_min_cb || s->log2_max_pcm < s->log2_min_cb ||
        sh->sao_luma || sh->sao_chroma || p->transquant_bypass)
        return -1;
    memset(&c, 0, sizeof(c));
    c.bw = bw;
    c.s = s;
    c.sh = sh;
    c.in = in;
    c.ref = sh->slice_type == 1 ? ref : NULL;
    c.stats = stats;
    c.grid_w = s->width >> s->log2_min_cb;
    c.grid_h = s->height >> s->log2_min_cb;
    c.depth = calloc((size_t)c.grid_w * c.grid_h, 1);
    c.skip = calloc((size_t)c.grid_w * c.grid_h, 1);
    if (!c.depth || !c.skip) {
        free(c.depth);
        free(c.skip);
        bw->error = 1;
        return 0;
    }
    init_type = sh->slice_type == 2   ? 0
                : sh->slice_type == 1 ? (sh->cabac_init_flag ? 2 : 1)
                                      : (sh->cabac_init_flag ? 1 : 2);
    init_contexts(&c.cabac, init_type, p->init_qp + sh->slice_qp_delta);
    drv_cabac_init_engine(&c.cabac, bw);
    for (unsigned ty = 0; ty < ctbs_h; ty++)
        for (unsigned tx = 0; tx < ctbs_w; tx++) {
            coding_quadtree(&c, tx * ctb, ty * ctb, s->log2_ctb, 0);
            /* end_of_slice_segment_flag; its flush ends with rbsp_stop_one_bit */
            drv_cabac_terminate(&c.cabac, tx + 1 == ctbs_w && ty + 1 == ctbs_h);
        }
    drv_bw_align(bw, 0);
    free(c.depth);
    free(c.skip);
    return 0;
}
