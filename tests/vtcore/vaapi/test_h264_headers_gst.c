/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The SPS/PPS/slice-header writers judged by GStreamer's codecparsers
 * (gst_h264_parser_parse_sps/pps/slice_hdr), field by field, including the
 * derived values the parser computes (cropped size, SAR) and the slice header
 * size in bits.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "vt_test.h"

#ifdef VT_TEST_NO_CODECPARSERS
int main(void) {
    VT_TEST_SKIP("gstreamer-codecparsers-1.0 not found (libgstreamer-plugins-bad1.0-dev)");
}
#else

#define GST_USE_UNSTABLE_API 1
#include <gst/codecparsers/gsth264parser.h>

#include "h264_cases.h"

#define CHECK_FIELD(what, got, exp)                                                             \
    CHECK_MSG((long long)(got) == (long long)(exp), "%s: %s = %lld, expected %lld", what, #got, \
              (long long)(got), (long long)(exp))

static void check_hrd(const char *what, const GstH264HRDParams *g, const VTH264HRD *h) {
    CHECK_FIELD(what, g->cpb_cnt_minus1, 0);
    CHECK_FIELD(what, g->bit_rate_scale, h->bit_rate_scale);
    CHECK_FIELD(what, g->cpb_size_scale, h->cpb_size_scale);
    CHECK_FIELD(what, g->bit_rate_value_minus1[0], h->bit_rate_value_minus1);
    CHECK_FIELD(what, g->cpb_size_value_minus1[0], h->cpb_size_value_minus1);
    CHECK_FIELD(what, g->cbr_flag[0], h->cbr_flag);
    CHECK_FIELD(what, g->initial_cpb_removal_delay_length_minus1,
                h->initial_cpb_removal_delay_length_minus1);
    CHECK_FIELD(what, g->cpb_removal_delay_length_minus1, h->cpb_removal_delay_length_minus1);
    CHECK_FIELD(what, g->dpb_output_delay_length_minus1, h->dpb_output_delay_length_minus1);
    CHECK_FIELD(what, g->time_offset_length, h->time_offset_length);
}

static void check_sps(const char *what, const GstH264SPS *g, const H264Case *c) {
    const VTH264SPS *s = &c->sps;
    CHECK_FIELD(what, g->id, s->seq_parameter_set_id);
    CHECK_FIELD(what, g->profile_idc, s->profile_idc);
    CHECK_FIELD(what, g->constraint_set0_flag, (s->constraint_flags >> 0) & 1);
    CHECK_FIELD(what, g->constraint_set1_flag, (s->constraint_flags >> 1) & 1);
    CHECK_FIELD(what, g->constraint_set2_flag, (s->constraint_flags >> 2) & 1);
    CHECK_FIELD(what, g->constraint_set3_flag, (s->constraint_flags >> 3) & 1);
    CHECK_FIELD(what, g->constraint_set4_flag, (s->constraint_flags >> 4) & 1);
    CHECK_FIELD(what, g->constraint_set5_flag, (s->constraint_flags >> 5) & 1);
    CHECK_FIELD(what, g->level_idc, s->level_idc);
    CHECK_FIELD(what, g->chroma_format_idc, s->chroma_format_idc);
    CHECK_FIELD(what, g->bit_depth_luma_minus8, s->bit_depth_luma_minus8);
    CHECK_FIELD(what, g->bit_depth_chroma_minus8, s->bit_depth_chroma_minus8);
    CHECK_FIELD(what, g->log2_max_frame_num_minus4, s->log2_max_frame_num_minus4);
    CHECK_FIELD(what, g->pic_order_cnt_type, s->pic_order_cnt_type);
    if (s->pic_order_cnt_type == 0)
        CHECK_FIELD(what, g->log2_max_pic_order_cnt_lsb_minus4,
                    s->log2_max_pic_order_cnt_lsb_minus4);
    CHECK_FIELD(what, g->num_ref_frames, s->max_num_ref_frames);
    CHECK_FIELD(what, g->gaps_in_frame_num_value_allowed_flag,
                s->gaps_in_frame_num_value_allowed_flag);
    CHECK_FIELD(what, g->pic_width_in_mbs_minus1, s->pic_width_in_mbs_minus1);
    CHECK_FIELD(what, g->pic_height_in_map_units_minus1, s->pic_height_in_map_units_minus1);
    CHECK_FIELD(what, g->frame_mbs_only_flag, 1);
    CHECK_FIELD(what, g->direct_8x8_inference_flag, s->direct_8x8_inference_flag);
    CHECK_FIELD(what, g->frame_cropping_flag, s->frame_cropping_flag);
    if (s->frame_cropping_flag) {
        CHECK_FIELD(what, g->frame_crop_left_offset, s->frame_crop_left_offset);
        CHECK_FIELD(what, g->frame_crop_right_offset, s->frame_crop_right_offset);
        CHECK_FIELD(what, g->frame_crop_top_offset, s->frame_crop_top_offset);
        CHECK_FIELD(what, g->frame_crop_bottom_offset, s->frame_crop_bottom_offset);
        CHECK_FIELD(what, g->crop_rect_width, c->width);
        CHECK_FIELD(what, g->crop_rect_height, c->height);
        CHECK_FIELD(what, g->crop_rect_x, 2 * s->frame_crop_left_offset);
        CHECK_FIELD(what, g->crop_rect_y, 2 * s->frame_crop_top_offset);
    }
    CHECK_FIELD(what, g->width, 16 * (s->pic_width_in_mbs_minus1 + 1));
    CHECK_FIELD(what, g->height, 16 * (s->pic_height_in_map_units_minus1 + 1));
    CHECK_FIELD(what, g->vui_parameters_present_flag, s->vui_parameters_present_flag);
    if (!s->vui_parameters_present_flag)
        return;

    const GstH264VUIParams *gv = &g->vui_parameters;
    const VTH264VUI *v = &s->vui;
    CHECK_FIELD(what, gv->aspect_ratio_info_present_flag, v->aspect_ratio_info_present_flag);
    if (v->aspect_ratio_info_present_flag) {
        CHECK_FIELD(what, gv->aspect_ratio_idc, v->aspect_ratio_idc);
        if (v->aspect_ratio_idc == 255) {
            CHECK_FIELD(what, gv->sar_width, v->sar_width);
            CHECK_FIELD(what, gv->sar_height, v->sar_height);
        }
    }
    CHECK_FIELD(what, gv->overscan_info_present_flag, v->overscan_info_present_flag);
    if (v->overscan_info_present_flag)
        CHECK_FIELD(what, gv->overscan_appropriate_flag, v->overscan_appropriate_flag);
    CHECK_FIELD(what, gv->video_signal_type_present_flag, v->video_signal_type_present_flag);
    if (v->video_signal_type_present_flag) {
        CHECK_FIELD(what, gv->video_format, v->video_format);
        CHECK_FIELD(what, gv->video_full_range_flag, v->video_full_range_flag);
        CHECK_FIELD(what, gv->colour_description_present_flag, v->colour_description_present_flag);
        if (v->colour_description_present_flag) {
            CHECK_FIELD(what, gv->colour_primaries, v->colour_primaries);
            CHECK_FIELD(what, gv->transfer_characteristics, v->transfer_characteristics);
            CHECK_FIELD(what, gv->matrix_coefficients, v->matrix_coefficients);
        }
    }
    CHECK_FIELD(what, gv->chroma_loc_info_present_flag, v->chroma_loc_info_present_flag);
    if (v->chroma_loc_info_present_flag) {
        CHECK_FIELD(what, gv->chroma_sample_loc_type_top_field,
                    v->chroma_sample_loc_type_top_field);
        CHECK_FIELD(what, gv->chroma_sample_loc_type_bottom_field,
                    v->chroma_sample_loc_type_bottom_field);
    }
    CHECK_FIELD(what, gv->timing_info_present_flag, v->timing_info_present_flag);
    if (v->timing_info_present_flag) {
        CHECK_FIELD(what, gv->num_units_in_tick, v->num_units_in_tick);
        CHECK_FIELD(what, gv->time_scale, v->time_scale);
        CHECK_FIELD(what, gv->fixed_frame_rate_flag, v->fixed_frame_rate_flag);
    }
    CHECK_FIELD(what, gv->nal_hrd_parameters_present_flag, v->nal_hrd_parameters_present_flag);
    if (v->nal_hrd_parameters_present_flag)
        check_hrd(what, &gv->nal_hrd_parameters, &v->nal_hrd);
    CHECK_FIELD(what, gv->vcl_hrd_parameters_present_flag, v->vcl_hrd_parameters_present_flag);
    if (v->vcl_hrd_parameters_present_flag)
        check_hrd(what, &gv->vcl_hrd_parameters, &v->vcl_hrd);
    if (v->nal_hrd_parameters_present_flag || v->vcl_hrd_parameters_present_flag)
        CHECK_FIELD(what, gv->low_delay_hrd_flag, v->low_delay_hrd_flag);
    CHECK_FIELD(what, gv->pic_struct_present_flag, v->pic_struct_present_flag);
    CHECK_FIELD(what, gv->bitstream_restriction_flag, v->bitstream_restriction_flag);
    if (v->bitstream_restriction_flag) {
        CHECK_FIELD(what, gv->motion_vectors_over_pic_boundaries_flag,
                    v->motion_vectors_over_pic_boundaries_flag);
        CHECK_FIELD(what, gv->max_bytes_per_pic_denom, v->max_bytes_per_pic_denom);
        CHECK_FIELD(what, gv->max_bits_per_mb_denom, v->max_bits_per_mb_denom);
        CHECK_FIELD(what, gv->log2_max_mv_length_horizontal, v->log2_max_mv_length_horizontal);
        CHECK_FIELD(what, gv->log2_max_mv_length_vertical, v->log2_max_mv_length_vertical);
        CHECK_FIELD(what, gv->num_reorder_frames, v->max_num_reorder_frames);
        CHECK_FIELD(what, gv->max_dec_frame_buffering, v->max_dec_frame_buffering);
    }
    /* the parser's derived pixel aspect ratio */
    if (v->aspect_ratio_info_present_flag && v->aspect_ratio_idc == 255) {
        CHECK_FIELD(what, gv->par_n, v->sar_width);
        CHECK_FIELD(what, gv->par_d, v->sar_height);
    }
}

static void check_pps(const char *what, const GstH264PPS *g, const VTH264PPS *p) {
    CHECK_FIELD(what, g->id, p->pic_parameter_set_id);
    CHECK(g->sequence != NULL);
    if (g->sequence)
        CHECK_FIELD(what, g->sequence->id, p->seq_parameter_set_id);
    CHECK_FIELD(what, g->entropy_coding_mode_flag, p->entropy_coding_mode_flag);
    CHECK_FIELD(what, g->pic_order_present_flag, p->bottom_field_pic_order_in_frame_present_flag);
    CHECK_FIELD(what, g->num_slice_groups_minus1, 0);
    CHECK_FIELD(what, g->num_ref_idx_l0_active_minus1, p->num_ref_idx_l0_default_active_minus1);
    CHECK_FIELD(what, g->num_ref_idx_l1_active_minus1, p->num_ref_idx_l1_default_active_minus1);
    CHECK_FIELD(what, g->weighted_pred_flag, p->weighted_pred_flag);
    CHECK_FIELD(what, g->weighted_bipred_idc, p->weighted_bipred_idc);
    CHECK_FIELD(what, g->pic_init_qp_minus26, p->pic_init_qp_minus26);
    CHECK_FIELD(what, g->pic_init_qs_minus26, p->pic_init_qs_minus26);
    CHECK_FIELD(what, g->chroma_qp_index_offset, p->chroma_qp_index_offset);
    CHECK_FIELD(what, g->deblocking_filter_control_present_flag,
                p->deblocking_filter_control_present_flag);
    CHECK_FIELD(what, g->constrained_intra_pred_flag, p->constrained_intra_pred_flag);
    CHECK_FIELD(what, g->redundant_pic_cnt_present_flag, p->redundant_pic_cnt_present_flag);
    CHECK_FIELD(what, g->transform_8x8_mode_flag, p->transform_8x8_mode_flag);
    /* guint8 in GstH264PPS although the syntax element is signed */
    CHECK_FIELD(what, (gint8)g->second_chroma_qp_index_offset, p->second_chroma_qp_index_offset);
}

static void check_mods(const char *what, guint8 flag, guint8 n,
                       const GstH264RefPicListModification *g, unsigned count,
                       const VTH264RefMod *m) {
    CHECK_FIELD(what, flag, count > 0);
    if (!count)
        return;
    /* the parser stores the terminating idc 3 as an entry too */
    CHECK_MSG(n == count || n == count + 1, "%s: %u list modifications, expected %u", what, n,
              count);
    for (unsigned i = 0; i < count && i < n; i++) {
        CHECK_FIELD(what, g[i].modification_of_pic_nums_idc, m[i].modification_of_pic_nums_idc);
        CHECK_FIELD(what, g[i].value.abs_diff_pic_num_minus1, m[i].value);
    }
}

static void check_slice(const char *what, const GstH264SliceHdr *g, const GstH264NalUnit *nalu,
                        const H264Case *c, int idx) {
    const VTH264SliceHeader *s = &c->sh[idx];
    unsigned type = s->slice_type % 5;
    CHECK_FIELD(what, nalu->type, s->nal_unit_type);
    CHECK_FIELD(what, nalu->ref_idc, s->nal_ref_idc);
    CHECK_FIELD(what, g->first_mb_in_slice, s->first_mb_in_slice);
    CHECK_FIELD(what, g->type, s->slice_type);
    CHECK_FIELD(what, g->pps->id, s->pic_parameter_set_id);
    CHECK_FIELD(what, g->frame_num, s->frame_num);
    CHECK_FIELD(what, g->field_pic_flag, 0);
    if (s->nal_unit_type == VT_H264_NAL_IDR)
        CHECK_FIELD(what, g->idr_pic_id, s->idr_pic_id);
    if (c->sps.pic_order_cnt_type == 0)
        CHECK_FIELD(what, g->pic_order_cnt_lsb, s->pic_order_cnt_lsb);
    if (type == VT_H264_SLICE_B)
        CHECK_FIELD(what, g->direct_spatial_mv_pred_flag, s->direct_spatial_mv_pred_flag);
    if (type != VT_H264_SLICE_I) {
        CHECK_FIELD(what, g->num_ref_idx_active_override_flag, s->num_ref_idx_active_override_flag);
        CHECK_FIELD(what, g->num_ref_idx_l0_active_minus1,
                    s->num_ref_idx_active_override_flag
                        ? s->num_ref_idx_l0_active_minus1
                        : c->pps.num_ref_idx_l0_default_active_minus1);
        check_mods(what, g->ref_pic_list_modification_flag_l0, g->n_ref_pic_list_modification_l0,
                   g->ref_pic_list_modification_l0, s->num_ref_mods_l0, s->ref_mods_l0);
    }
    if (type == VT_H264_SLICE_B) {
        CHECK_FIELD(what, g->num_ref_idx_l1_active_minus1,
                    s->num_ref_idx_active_override_flag
                        ? s->num_ref_idx_l1_active_minus1
                        : c->pps.num_ref_idx_l1_default_active_minus1);
        check_mods(what, g->ref_pic_list_modification_flag_l1, g->n_ref_pic_list_modification_l1,
                   g->ref_pic_list_modification_l1, s->num_ref_mods_l1, s->ref_mods_l1);
    }
    if (s->nal_ref_idc) {
        const GstH264DecRefPicMarking *m = &g->dec_ref_pic_marking;
        if (s->nal_unit_type == VT_H264_NAL_IDR) {
            CHECK_FIELD(what, m->no_output_of_prior_pics_flag, s->no_output_of_prior_pics_flag);
            CHECK_FIELD(what, m->long_term_reference_flag, s->long_term_reference_flag);
        } else {
            CHECK_FIELD(what, m->adaptive_ref_pic_marking_mode_flag,
                        s->adaptive_ref_pic_marking_mode_flag);
            if (s->adaptive_ref_pic_marking_mode_flag) {
                CHECK_FIELD(what, m->n_ref_pic_marking, s->num_mmcos);
                for (unsigned i = 0; i < s->num_mmcos && i < m->n_ref_pic_marking; i++) {
                    const GstH264RefPicMarking *r = &m->ref_pic_marking[i];
                    CHECK_FIELD(what, r->memory_management_control_operation, s->mmcos[i].op);
                    if (s->mmcos[i].op == 1 || s->mmcos[i].op == 3)
                        CHECK_FIELD(what, r->difference_of_pic_nums_minus1,
                                    s->mmcos[i].difference_of_pic_nums_minus1);
                    if (s->mmcos[i].op == 4)
                        CHECK_FIELD(what, r->max_long_term_frame_idx_plus1,
                                    s->mmcos[i].max_long_term_frame_idx_plus1);
                }
            }
        }
    }
    if (c->pps.entropy_coding_mode_flag && type != VT_H264_SLICE_I)
        CHECK_FIELD(what, g->cabac_init_idc, s->cabac_init_idc);
    CHECK_FIELD(what, g->slice_qp_delta, s->slice_qp_delta);
    if (c->pps.deblocking_filter_control_present_flag) {
        CHECK_FIELD(what, g->disable_deblocking_filter_idc, s->disable_deblocking_filter_idc);
        if (s->disable_deblocking_filter_idc != 1) {
            CHECK_FIELD(what, g->slice_alpha_c0_offset_div2, s->slice_alpha_c0_offset_div2);
            CHECK_FIELD(what, g->slice_beta_offset_div2, s->slice_beta_offset_div2);
        }
    }
    /* header_size counts the slice_header() bits, emulation prevention
     * bytes included */
    CHECK_FIELD(what, g->header_size - 8 * g->n_emulation_prevention_bytes, c->sh_bits[idx]);
}

static void run_case(H264Case *c) {
    size_t size = 0;
    uint8_t *stream = h264_case_write(c, &size);
    GstH264NalParser *parser;
    GstH264NalUnit nalu;
    guint offset = 0;
    int n_sps = 0, n_pps = 0, n_sl = 0;
    char what[160];

    printf("case %s\n", c->name);
    CHECK_MSG(stream != NULL, "%s: writer failed", c->name);
    if (!stream)
        return;
    parser = gst_h264_nal_parser_new();
    for (;;) {
        GstH264ParserResult r = gst_h264_parser_identify_nalu(parser, stream, offset, size, &nalu);
        if (r == GST_H264_PARSER_NO_NAL_END)
            r = GST_H264_PARSER_OK; /* the last NAL of the buffer */
        if (r != GST_H264_PARSER_OK)
            break;
        offset = nalu.offset + nalu.size;
        if (nalu.type == GST_H264_NAL_SPS) {
            GstH264SPS sps;
            snprintf(what, sizeof(what), "%s SPS", c->name);
            CHECK_FIELD(what, gst_h264_parser_parse_sps(parser, &nalu, &sps), GST_H264_PARSER_OK);
            check_sps(what, &sps, c);
            gst_h264_sps_clear(&sps);
            n_sps++;
        } else if (nalu.type == GST_H264_NAL_PPS) {
            GstH264PPS pps;
            snprintf(what, sizeof(what), "%s PPS", c->name);
            CHECK_FIELD(what, gst_h264_parser_parse_pps(parser, &nalu, &pps), GST_H264_PARSER_OK);
            check_pps(what, &pps, &c->pps);
            gst_h264_pps_clear(&pps);
            n_pps++;
        } else if (nalu.type == GST_H264_NAL_SLICE || nalu.type == GST_H264_NAL_SLICE_IDR) {
            GstH264SliceHdr sh;
            snprintf(what, sizeof(what), "%s slice %d", c->name, n_sl);
            CHECK_FIELD(what, gst_h264_parser_parse_slice_hdr(parser, &nalu, &sh, TRUE, TRUE),
                        GST_H264_PARSER_OK);
            if (n_sl < c->n_slices)
                check_slice(what, &sh, &nalu, c, n_sl);
            n_sl++;
        } else {
            CHECK_MSG(0, "%s: unexpected NAL type %d", c->name, nalu.type);
        }
        if (offset >= size)
            break;
    }
    CHECK_FIELD(c->name, n_sps, 1);
    CHECK_FIELD(c->name, n_pps, 1);
    CHECK_FIELD(c->name, n_sl, c->n_slices);
    gst_h264_nal_parser_free(parser);
    free(stream);
}

int main(void) {
    H264Case cases[8];
    int n = h264_cases_build(cases);
    for (int i = 0; i < n; i++)
        run_case(&cases[i]);
    return vt_test_result();
}

#endif
