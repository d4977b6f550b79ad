/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Header-writer test cases shared by the ffmpeg (trace_headers) and the
 * GStreamer (codecparsers) comparisons: each case is an SPS, a PPS and a few
 * slice headers, written by vtcore's h264_bitwriter into an Annex B stream.
 * The slice data behind each header is written here (test code): every
 * macroblock of I slices as I_PCM and every macroblock of P/B slices skipped
 * (CAVLC), so CAVLC 4:2:0 cases decode to known pictures. CABAC cases get
 * filler data and are only parsed, never decoded.
 */
#ifndef VTCORE_TEST_H264_CASES_H
#define VTCORE_TEST_H264_CASES_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "encoder/h264_bitwriter.h"

#define H264_CASE_MAX_SLICES 6

typedef struct H264Case {
    const char *name;
    VTH264SPS sps;
    VTH264PPS pps;
    int n_slices;
    VTH264SliceHeader sh[H264_CASE_MAX_SLICES];
    /* Pictures in decode order: slices [pic_first[i], pic_first[i+1]). */
    int n_pics;
    int pic_first[H264_CASE_MAX_SLICES + 1];
    int decodable;                        /* CAVLC: decode with ffmpeg and compare samples */
    unsigned width, height;               /* after cropping */
    size_t sh_bits[H264_CASE_MAX_SLICES]; /* filled by h264_case_write: header bits */
} H264Case;

static inline unsigned h264_case_bit_depth(const H264Case *c) {
    return 8 + c->sps.bit_depth_luma_minus8;
}

/* The sample the test writes for luma (plane 0) or chroma (1, 2) at (x, y)
 * of a picture: a pattern that depends on the slice's first picture. */
static inline unsigned h264_case_sample(const H264Case *c, int plane, unsigned x, unsigned y) {
    unsigned depth = h264_case_bit_depth(c);
    unsigned v = (x * 7 + y * 13 + (unsigned)plane * 50) % 200 + 20;
    return depth > 8 ? (v << (depth - 8)) | (v >> (16 - depth)) : v;
}

static inline void h264_case_slice_data(const H264Case *c, const VTH264SliceHeader *sh,
                                        unsigned n_mbs, VTBitWriter *bs) {
    unsigned type = sh->slice_type % 5;
    unsigned w_mbs = c->sps.pic_width_in_mbs_minus1 + 1u;
    unsigned depth = h264_case_bit_depth(c);
    if (c->pps.entropy_coding_mode_flag) {
        /* not decodable: cabac_alignment_one_bit then filler */
        while (bs->bits % 8)
            vt_bs_write1(bs, 1);
        for (int i = 0; i < 16; i++)
            vt_bs_write(bs, 8, 0xa5);
        vt_bs_rbsp_trailing(bs);
        return;
    }
    if (type != VT_H264_SLICE_I) {
        vt_bs_write_ue(bs, n_mbs); /* mb_skip_run over the whole slice */
        vt_bs_rbsp_trailing(bs);
        return;
    }
    for (unsigned mb = sh->first_mb_in_slice; mb < sh->first_mb_in_slice + n_mbs; mb++) {
        unsigned mx = mb % w_mbs * 16, my = mb / w_mbs * 16;
        vt_bs_write_ue(bs, 25); /* mb_type I_PCM */
        vt_bs_align_zero(bs);
        for (unsigned y = 0; y < 16; y++)
            for (unsigned x = 0; x < 16; x++)
                vt_bs_write(bs, depth, h264_case_sample(c, 0, mx + x, my + y));
        for (int p = 1; p <= 2; p++)
            for (unsigned y = 0; y < 8; y++)
                for (unsigned x = 0; x < 8; x++)
                    vt_bs_write(bs, depth, h264_case_sample(c, p, mx / 2 + x, my / 2 + y));
    }
    vt_bs_rbsp_trailing(bs);
}

/* Writes SPS, PPS and every slice (with data) as Annex B into a new buffer
 * (free()). Returns NULL when a writer failed. */
static inline uint8_t *h264_case_write(H264Case *c, size_t *out_size) {
    unsigned total_mbs =
        (c->sps.pic_width_in_mbs_minus1 + 1u) * (c->sps.pic_height_in_map_units_minus1 + 1u);
    size_t rbsp_cap = (size_t)total_mbs * 800 + 4096;
    size_t cap = 4096 + (size_t)c->n_slices * (rbsp_cap * 3 / 2 + 16);
    uint8_t *out = malloc(cap), *rbsp = malloc(rbsp_cap);
    size_t pos = 0, n;
    VTBitWriter bs;
    if (!out || !rbsp)
        goto fail;

    vt_bs_init(&bs, rbsp, rbsp_cap);
    if (vt_h264_write_sps(&bs, &c->sps) < 0)
        goto fail;
    n = vt_h264_nal_write(out + pos, cap - pos, 1, 3, VT_H264_NAL_SPS, rbsp, bs.bits);
    if (!n)
        goto fail;
    pos += n;

    vt_bs_init(&bs, rbsp, rbsp_cap);
    if (vt_h264_write_pps(&bs, &c->sps, &c->pps) < 0)
        goto fail;
    n = vt_h264_nal_write(out + pos, cap - pos, 1, 3, VT_H264_NAL_PPS, rbsp, bs.bits);
    if (!n)
        goto fail;
    pos += n;

    for (int p = 0; p < c->n_pics; p++) {
        for (int s = c->pic_first[p]; s < c->pic_first[p + 1]; s++) {
            const VTH264SliceHeader *sh = &c->sh[s];
            unsigned end = s + 1 < c->pic_first[p + 1] ? c->sh[s + 1].first_mb_in_slice : total_mbs;
            vt_bs_init(&bs, rbsp, rbsp_cap);
            if (vt_h264_write_slice_header(&bs, &c->sps, &c->pps, sh) < 0)
                goto fail;
            c->sh_bits[s] = bs.bits;
            h264_case_slice_data(c, sh, end - sh->first_mb_in_slice, &bs);
            if (bs.overflow)
                goto fail;
            n = vt_h264_nal_write(out + pos, cap - pos, 1, sh->nal_ref_idc, sh->nal_unit_type, rbsp,
                                  bs.bits);
            if (!n)
                goto fail;
            pos += n;
        }
    }
    free(rbsp);
    *out_size = pos;
    return out;
fail:
    free(out);
    free(rbsp);
    return NULL;
}

static inline void h264_case_pics(H264Case *c, int n_pics, const int *first) {
    c->n_pics = n_pics;
    for (int i = 0; i <= n_pics; i++)
        c->pic_first[i] = first[i];
    c->n_slices = first[n_pics];
}

static inline void h264_case_idr(VTH264SliceHeader *sh, unsigned slice_type) {
    memset(sh, 0, sizeof(*sh));
    sh->nal_unit_type = VT_H264_NAL_IDR;
    sh->nal_ref_idc = 3;
    sh->slice_type = (uint8_t)slice_type;
}

static inline void h264_case_slice(VTH264SliceHeader *sh, unsigned slice_type, unsigned ref_idc,
                                   unsigned frame_num, unsigned poc_lsb) {
    memset(sh, 0, sizeof(*sh));
    sh->nal_unit_type = VT_H264_NAL_SLICE;
    sh->nal_ref_idc = (uint8_t)ref_idc;
    sh->slice_type = (uint8_t)slice_type;
    sh->frame_num = frame_num;
    sh->pic_order_cnt_lsb = poc_lsb;
}

/* Fills cases[] (at least 8 entries) and returns the count. */
static inline int h264_cases_build(H264Case *cases) {
    int n = 0;
    H264Case *c;
    static const int one_pic[] = {0, 1};
    static const int two_pics[] = {0, 1, 2};
    static const int three_pics[] = {0, 1, 2, 3};

    /* 1: Baseline 1.1 QCIF, POC type 2, no VUI, deblocking control. */
    c = &cases[n++];
    memset(c, 0, sizeof(*c));
    c->name = "baseline_qcif";
    vt_h264_sps_init(&c->sps, VT_H264_PROFILE_IDC_BASELINE, 11, 176, 144);
    c->sps.pic_order_cnt_type = 2;
    c->sps.log2_max_frame_num_minus4 = 0;
    c->pps.pic_init_qp_minus26 = -4;
    c->pps.deblocking_filter_control_present_flag = 1;
    h264_case_idr(&c->sh[0], 7);
    c->sh[0].disable_deblocking_filter_idc = 1;
    h264_case_slice(&c->sh[1], 5, 2, 1, 0);
    c->sh[1].slice_qp_delta = 3;
    c->sh[1].slice_alpha_c0_offset_div2 = -2;
    c->sh[1].slice_beta_offset_div2 = 3;
    h264_case_pics(c, 2, two_pics);
    c->decodable = 1;
    c->width = 176;
    c->height = 144;

    /* 2: Constrained Baseline, 33x17 (coded as 34x18 with cropping), colour
     * description, full range, SAR 4:3, NTSC timing, bitstream restriction. */
    c = &cases[n++];
    memset(c, 0, sizeof(*c));
    c->name = "cbp_odd_colour_vui";
    vt_h264_sps_init(&c->sps, VT_H264_PROFILE_IDC_BASELINE, 10, 33, 17);
    c->sps.constraint_flags = VT_H264_CONSTRAINT_SET0 | VT_H264_CONSTRAINT_SET1;
    c->sps.log2_max_pic_order_cnt_lsb_minus4 = 2;
    c->sps.vui_parameters_present_flag = 1;
    vt_h264_vui_set_sar(&c->sps.vui, 8, 6);
    c->sps.vui.video_signal_type_present_flag = 1;
    c->sps.vui.video_format = 5;
    c->sps.vui.video_full_range_flag = 1;
    c->sps.vui.colour_description_present_flag = 1;
    c->sps.vui.colour_primaries = 1;
    c->sps.vui.transfer_characteristics = 1;
    c->sps.vui.matrix_coefficients = 1;
    c->sps.vui.timing_info_present_flag = 1;
    c->sps.vui.num_units_in_tick = 1001;
    c->sps.vui.time_scale = 60000;
    c->sps.vui.fixed_frame_rate_flag = 1;
    c->sps.vui.bitstream_restriction_flag = 1;
    c->sps.vui.motion_vectors_over_pic_boundaries_flag = 1;
    c->sps.vui.log2_max_mv_length_horizontal = 15;
    c->sps.vui.log2_max_mv_length_vertical = 15;
    c->sps.vui.max_num_reorder_frames = 0;
    c->sps.vui.max_dec_frame_buffering = 1;
    h264_case_idr(&c->sh[0], 7);
    c->sh[0].idr_pic_id = 1;
    h264_case_slice(&c->sh[1], 5, 2, 1, 2);
    h264_case_slice(&c->sh[2], 5, 2, 2, 4);
    h264_case_pics(c, 3, three_pics);
    c->decodable = 1;
    c->width = 34;
    c->height = 18;

    /* 3: Main 4.1 CABAC 1080p: extended SAR, NAL HRD (CBR), B slice with
     * direct_spatial, override, list modifications; P slice with MMCO. */
    c = &cases[n++];
    memset(c, 0, sizeof(*c));
    c->name = "main_cabac_hrd";
    vt_h264_sps_init(&c->sps, VT_H264_PROFILE_IDC_MAIN, 41, 1920, 1080);
    c->sps.max_num_ref_frames = 2;
    c->sps.vui_parameters_present_flag = 1;
    vt_h264_vui_set_sar(&c->sps.vui, 5, 7);
    c->sps.vui.timing_info_present_flag = 1;
    c->sps.vui.num_units_in_tick = 1;
    c->sps.vui.time_scale = 50;
    c->sps.vui.nal_hrd_parameters_present_flag = 1;
    c->sps.vui.nal_hrd.bit_rate_scale = 0;
    c->sps.vui.nal_hrd.cpb_size_scale = 2;
    c->sps.vui.nal_hrd.bit_rate_value_minus1 = 8000000 / 64 - 1;
    c->sps.vui.nal_hrd.cpb_size_value_minus1 = 16000000 / 64 - 1;
    c->sps.vui.nal_hrd.cbr_flag = 1;
    c->sps.vui.nal_hrd.initial_cpb_removal_delay_length_minus1 = 23;
    c->sps.vui.nal_hrd.cpb_removal_delay_length_minus1 = 23;
    c->sps.vui.nal_hrd.dpb_output_delay_length_minus1 = 23;
    c->sps.vui.nal_hrd.time_offset_length = 24;
    c->sps.vui.bitstream_restriction_flag = 1;
    c->sps.vui.motion_vectors_over_pic_boundaries_flag = 1;
    c->sps.vui.log2_max_mv_length_horizontal = 13;
    c->sps.vui.log2_max_mv_length_vertical = 11;
    c->sps.vui.max_num_reorder_frames = 1;
    c->sps.vui.max_dec_frame_buffering = 2;
    c->pps.entropy_coding_mode_flag = 1;
    c->pps.num_ref_idx_l0_default_active_minus1 = 1;
    c->pps.weighted_bipred_idc = 2;
    c->pps.deblocking_filter_control_present_flag = 1;
    c->pps.chroma_qp_index_offset = -3;
    c->pps.second_chroma_qp_index_offset = -3;
    h264_case_idr(&c->sh[0], 2);
    c->sh[0].long_term_reference_flag = 0;
    c->sh[0].no_output_of_prior_pics_flag = 1;
    h264_case_slice(&c->sh[1], 0, 2, 1, 8);
    c->sh[1].cabac_init_idc = 1;
    c->sh[1].adaptive_ref_pic_marking_mode_flag = 1;
    c->sh[1].num_mmcos = 2;
    c->sh[1].mmcos[0].op = 1;
    c->sh[1].mmcos[0].difference_of_pic_nums_minus1 = 0;
    c->sh[1].mmcos[1].op = 4;
    c->sh[1].mmcos[1].max_long_term_frame_idx_plus1 = 0;
    c->sh[1].slice_qp_delta = -7;
    h264_case_slice(&c->sh[2], 6, 0, 2, 4);
    c->sh[2].direct_spatial_mv_pred_flag = 1;
    c->sh[2].num_ref_idx_active_override_flag = 1;
    c->sh[2].num_ref_idx_l0_active_minus1 = 0;
    c->sh[2].num_ref_idx_l1_active_minus1 = 0;
    c->sh[2].num_ref_mods_l0 = 1;
    c->sh[2].ref_mods_l0[0].modification_of_pic_nums_idc = 0;
    c->sh[2].ref_mods_l0[0].value = 0;
    c->sh[2].num_ref_mods_l1 = 2;
    c->sh[2].ref_mods_l1[0].modification_of_pic_nums_idc = 1;
    c->sh[2].ref_mods_l1[0].value = 1;
    c->sh[2].ref_mods_l1[1].modification_of_pic_nums_idc = 0;
    c->sh[2].ref_mods_l1[1].value = 2;
    c->sh[2].cabac_init_idc = 2;
    c->sh[2].disable_deblocking_filter_idc = 2;
    c->sh[2].slice_alpha_c0_offset_div2 = 6;
    c->sh[2].slice_beta_offset_div2 = -6;
    h264_case_pics(c, 3, three_pics);
    c->width = 1920;
    c->height = 1080;

    /* 4: High 3.1 720p CAVLC: 8x8 transform, two chroma offsets, BT.2020 PQ,
     * video range, chroma location, NAL + VCL HRD, overscan. */
    c = &cases[n++];
    memset(c, 0, sizeof(*c));
    c->name = "high_8x8_bt2020_hrd";
    vt_h264_sps_init(&c->sps, VT_H264_PROFILE_IDC_HIGH, 31, 1280, 720);
    c->sps.seq_parameter_set_id = 3;
    c->sps.log2_max_frame_num_minus4 = 2;
    c->sps.log2_max_pic_order_cnt_lsb_minus4 = 3;
    c->sps.max_num_ref_frames = 3;
    c->sps.vui_parameters_present_flag = 1;
    c->sps.vui.overscan_info_present_flag = 1;
    c->sps.vui.overscan_appropriate_flag = 1;
    c->sps.vui.video_signal_type_present_flag = 1;
    c->sps.vui.video_format = 2;
    c->sps.vui.colour_description_present_flag = 1;
    c->sps.vui.colour_primaries = 9;
    c->sps.vui.transfer_characteristics = 16;
    c->sps.vui.matrix_coefficients = 9;
    c->sps.vui.chroma_loc_info_present_flag = 1;
    c->sps.vui.chroma_sample_loc_type_top_field = 2;
    c->sps.vui.chroma_sample_loc_type_bottom_field = 2;
    c->sps.vui.timing_info_present_flag = 1;
    c->sps.vui.num_units_in_tick = 1;
    c->sps.vui.time_scale = 60;
    c->sps.vui.nal_hrd_parameters_present_flag = 1;
    c->sps.vui.nal_hrd.bit_rate_scale = 4;
    c->sps.vui.nal_hrd.cpb_size_scale = 5;
    c->sps.vui.nal_hrd.bit_rate_value_minus1 = 12345;
    c->sps.vui.nal_hrd.cpb_size_value_minus1 = 54321;
    c->sps.vui.nal_hrd.initial_cpb_removal_delay_length_minus1 = 17;
    c->sps.vui.nal_hrd.cpb_removal_delay_length_minus1 = 9;
    c->sps.vui.nal_hrd.dpb_output_delay_length_minus1 = 5;
    c->sps.vui.nal_hrd.time_offset_length = 0;
    c->sps.vui.vcl_hrd_parameters_present_flag = 1;
    c->sps.vui.vcl_hrd = c->sps.vui.nal_hrd;
    c->sps.vui.vcl_hrd.bit_rate_value_minus1 = 10000;
    c->sps.vui.vcl_hrd.cbr_flag = 1;
    c->sps.vui.low_delay_hrd_flag = 1;
    c->sps.vui.bitstream_restriction_flag = 1;
    c->sps.vui.max_bytes_per_pic_denom = 2;
    c->sps.vui.max_bits_per_mb_denom = 1;
    c->sps.vui.log2_max_mv_length_horizontal = 9;
    c->sps.vui.log2_max_mv_length_vertical = 8;
    c->sps.vui.max_num_reorder_frames = 2;
    c->sps.vui.max_dec_frame_buffering = 3;
    c->pps.pic_parameter_set_id = 7;
    c->pps.seq_parameter_set_id = 3;
    c->pps.transform_8x8_mode_flag = 1;
    c->pps.chroma_qp_index_offset = 1;
    c->pps.second_chroma_qp_index_offset = -2;
    c->pps.pic_init_qp_minus26 = 5;
    c->pps.pic_init_qs_minus26 = -3;
    c->pps.constrained_intra_pred_flag = 1;
    h264_case_idr(&c->sh[0], 7);
    c->sh[0].pic_parameter_set_id = 7;
    c->sh[0].idr_pic_id = 65535;
    c->sh[0].pic_order_cnt_lsb = 6;
    h264_case_slice(&c->sh[1], 5, 1, 1, 10);
    c->sh[1].pic_parameter_set_id = 7;
    h264_case_pics(c, 2, two_pics);
    c->decodable = 1;
    c->width = 1280;
    c->height = 720;

    /* 5: High 10 (bit depth 10) CAVLC, 64x64. */
    c = &cases[n++];
    memset(c, 0, sizeof(*c));
    c->name = "high10_pcm";
    vt_h264_sps_init(&c->sps, VT_H264_PROFILE_IDC_HIGH10, 30, 64, 64);
    c->sps.bit_depth_luma_minus8 = 2;
    c->sps.bit_depth_chroma_minus8 = 2;
    h264_case_idr(&c->sh[0], 7);
    h264_case_pics(c, 1, one_pic);
    c->decodable = 1;
    c->width = 64;
    c->height = 64;

    /* 6: cropping on all four sides (Main, CAVLC). */
    c = &cases[n++];
    memset(c, 0, sizeof(*c));
    c->name = "crop_all_sides";
    vt_h264_sps_init(&c->sps, VT_H264_PROFILE_IDC_MAIN, 20, 64, 48);
    c->sps.frame_cropping_flag = 1;
    c->sps.frame_crop_left_offset = 2;
    c->sps.frame_crop_right_offset = 3;
    c->sps.frame_crop_top_offset = 1;
    c->sps.frame_crop_bottom_offset = 4;
    h264_case_idr(&c->sh[0], 2);
    h264_case_pics(c, 1, one_pic);
    c->decodable = 1;
    c->width = 64 - 10;
    c->height = 48 - 10;

    /* 7: long fields and several slices per picture: 16-bit frame_num and POC
     * lsb, large IDR id, large HRD values, u(32) timing with emulation
     * prevention (num_units_in_tick = 1 -> 00 00 00 01 in the RBSP). */
    c = &cases[n++];
    memset(c, 0, sizeof(*c));
    c->name = "long_fields_multislice";
    vt_h264_sps_init(&c->sps, VT_H264_PROFILE_IDC_MAIN, 62, 48, 32);
    c->sps.log2_max_frame_num_minus4 = 12;
    c->sps.log2_max_pic_order_cnt_lsb_minus4 = 12;
    c->sps.max_num_ref_frames = 16;
    c->sps.vui_parameters_present_flag = 1;
    c->sps.vui.timing_info_present_flag = 1;
    c->sps.vui.num_units_in_tick = 1;
    c->sps.vui.time_scale = 0xfffffffeu;
    c->sps.vui.nal_hrd_parameters_present_flag = 1;
    c->sps.vui.nal_hrd.bit_rate_scale = 15;
    c->sps.vui.nal_hrd.cpb_size_scale = 15;
    c->sps.vui.nal_hrd.bit_rate_value_minus1 = 0xfffffffeu;
    c->sps.vui.nal_hrd.cpb_size_value_minus1 = 0xfffffffdu;
    c->sps.vui.nal_hrd.initial_cpb_removal_delay_length_minus1 = 31;
    c->sps.vui.nal_hrd.cpb_removal_delay_length_minus1 = 31;
    c->sps.vui.nal_hrd.dpb_output_delay_length_minus1 = 31;
    c->sps.vui.nal_hrd.time_offset_length = 31;
    c->pps.pic_init_qp_minus26 = -26;
    c->pps.pic_init_qs_minus26 = 25;
    c->pps.chroma_qp_index_offset = -12;
    c->pps.second_chroma_qp_index_offset = -12;
    c->pps.num_ref_idx_l0_default_active_minus1 = 31;
    h264_case_idr(&c->sh[0], 2);
    c->sh[0].idr_pic_id = 65535;
    c->sh[0].pic_order_cnt_lsb = 65534;
    c->sh[0].slice_qp_delta = 25;
    h264_case_idr(&c->sh[1], 2);
    c->sh[1].first_mb_in_slice = 2;
    c->sh[1].idr_pic_id = 65535;
    c->sh[1].pic_order_cnt_lsb = 65534;
    c->sh[1].slice_qp_delta = 51;
    h264_case_idr(&c->sh[2], 2);
    c->sh[2].first_mb_in_slice = 5;
    c->sh[2].idr_pic_id = 65535;
    c->sh[2].pic_order_cnt_lsb = 65534;
    c->sh[2].slice_qp_delta = 0;
    h264_case_slice(&c->sh[3], 0, 1, 1, 2);
    c->sh[3].num_ref_idx_active_override_flag = 1;
    c->sh[3].num_ref_idx_l0_active_minus1 = 0;
    {
        static const int pics[] = {0, 3, 4};
        h264_case_pics(c, 2, pics);
    }
    c->decodable = 1;
    c->width = 48;
    c->height = 32;

    return n;
}

#endif /* VTCORE_TEST_H264_CASES_H */
