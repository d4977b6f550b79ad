/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The SPS/PPS/slice-header writers judged by a parser we did not write:
 * ffmpeg's trace_headers bitstream filter prints every syntax element it
 * reads, with its bit position; each section must list exactly the elements
 * and values the case asked for, in order, and each slice header must end
 * exactly where the writer said it did. CAVLC cases are then decoded by
 * libavcodec (through the ffmpeg tool): no error output, the right number of
 * frames, the cropped size, and every sample equal to the I_PCM samples
 * written (which also proves the cropping offsets).
 *
 * Usage: test_h264_headers_ffmpeg /path/to/ffmpeg   (exit 77 without it)
 */
#include "config.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vt_test.h"

#include "h264_cases.h"

/* ---- expected element lists -------------------------------------------- */

typedef struct Elem {
    char name[64];
    long long value;
    long pos;  /* bit position (actual only) */
    int nbits; /* coded length (actual only) */
} Elem;

typedef struct ElemList {
    Elem *e;
    int n, cap;
    char title[64];
} ElemList;

static void add(ElemList *l, const char *name, long long value) {
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 64;
        l->e = realloc(l->e, (size_t)l->cap * sizeof(Elem));
        if (!l->e)
            abort();
    }
    memset(&l->e[l->n], 0, sizeof(Elem));
    snprintf(l->e[l->n].name, sizeof(l->e[l->n].name), "%s", name);
    l->e[l->n].value = value;
    l->n++;
}

static void add_nal_header(ElemList *l, unsigned ref_idc, unsigned type) {
    add(l, "forbidden_zero_bit", 0);
    add(l, "nal_ref_idc", ref_idc);
    add(l, "nal_unit_type", type);
}

static void add_hrd(ElemList *l, const VTH264HRD *h) {
    add(l, "cpb_cnt_minus1", 0);
    add(l, "bit_rate_scale", h->bit_rate_scale);
    add(l, "cpb_size_scale", h->cpb_size_scale);
    add(l, "bit_rate_value_minus1", h->bit_rate_value_minus1);
    add(l, "cpb_size_value_minus1", h->cpb_size_value_minus1);
    add(l, "cbr_flag", h->cbr_flag);
    add(l, "initial_cpb_removal_delay_length_minus1", h->initial_cpb_removal_delay_length_minus1);
    add(l, "cpb_removal_delay_length_minus1", h->cpb_removal_delay_length_minus1);
    add(l, "dpb_output_delay_length_minus1", h->dpb_output_delay_length_minus1);
    add(l, "time_offset_length", h->time_offset_length);
}

static void expect_sps(ElemList *l, const VTH264SPS *s) {
    const VTH264VUI *v = &s->vui;
    add_nal_header(l, 3, VT_H264_NAL_SPS);
    add(l, "profile_idc", s->profile_idc);
    for (int i = 0; i < 6; i++) {
        char name[32];
        snprintf(name, sizeof(name), "constraint_set%d_flag", i);
        add(l, name, (s->constraint_flags >> i) & 1);
    }
    add(l, "reserved_zero_2bits", 0);
    add(l, "level_idc", s->level_idc);
    add(l, "seq_parameter_set_id", s->seq_parameter_set_id);
    if (s->profile_idc == 100 || s->profile_idc == 110) {
        add(l, "chroma_format_idc", s->chroma_format_idc);
        add(l, "bit_depth_luma_minus8", s->bit_depth_luma_minus8);
        add(l, "bit_depth_chroma_minus8", s->bit_depth_chroma_minus8);
        add(l, "qpprime_y_zero_transform_bypass_flag", 0);
        add(l, "seq_scaling_matrix_present_flag", 0);
    }
    add(l, "log2_max_frame_num_minus4", s->log2_max_frame_num_minus4);
    add(l, "pic_order_cnt_type", s->pic_order_cnt_type);
    if (s->pic_order_cnt_type == 0)
        add(l, "log2_max_pic_order_cnt_lsb_minus4", s->log2_max_pic_order_cnt_lsb_minus4);
    add(l, "max_num_ref_frames", s->max_num_ref_frames);
    add(l, "gaps_in_frame_num_allowed_flag", s->gaps_in_frame_num_value_allowed_flag);
    add(l, "pic_width_in_mbs_minus1", s->pic_width_in_mbs_minus1);
    add(l, "pic_height_in_map_units_minus1", s->pic_height_in_map_units_minus1);
    add(l, "frame_mbs_only_flag", s->frame_mbs_only_flag);
    add(l, "direct_8x8_inference_flag", s->direct_8x8_inference_flag);
    add(l, "frame_cropping_flag", s->frame_cropping_flag);
    if (s->frame_cropping_flag) {
        add(l, "frame_crop_left_offset", s->frame_crop_left_offset);
        add(l, "frame_crop_right_offset", s->frame_crop_right_offset);
        add(l, "frame_crop_top_offset", s->frame_crop_top_offset);
        add(l, "frame_crop_bottom_offset", s->frame_crop_bottom_offset);
    }
    add(l, "vui_parameters_present_flag", s->vui_parameters_present_flag);
    if (s->vui_parameters_present_flag) {
        add(l, "aspect_ratio_info_present_flag", v->aspect_ratio_info_present_flag);
        if (v->aspect_ratio_info_present_flag) {
            add(l, "aspect_ratio_idc", v->aspect_ratio_idc);
            if (v->aspect_ratio_idc == 255) {
                add(l, "sar_width", v->sar_width);
                add(l, "sar_height", v->sar_height);
            }
        }
        add(l, "overscan_info_present_flag", v->overscan_info_present_flag);
        if (v->overscan_info_present_flag)
            add(l, "overscan_appropriate_flag", v->overscan_appropriate_flag);
        add(l, "video_signal_type_present_flag", v->video_signal_type_present_flag);
        if (v->video_signal_type_present_flag) {
            add(l, "video_format", v->video_format);
            add(l, "video_full_range_flag", v->video_full_range_flag);
            add(l, "colour_description_present_flag", v->colour_description_present_flag);
            if (v->colour_description_present_flag) {
                add(l, "colour_primaries", v->colour_primaries);
                add(l, "transfer_characteristics", v->transfer_characteristics);
                add(l, "matrix_coefficients", v->matrix_coefficients);
            }
        }
        add(l, "chroma_loc_info_present_flag", v->chroma_loc_info_present_flag);
        if (v->chroma_loc_info_present_flag) {
            add(l, "chroma_sample_loc_type_top_field", v->chroma_sample_loc_type_top_field);
            add(l, "chroma_sample_loc_type_bottom_field", v->chroma_sample_loc_type_bottom_field);
        }
        add(l, "timing_info_present_flag", v->timing_info_present_flag);
        if (v->timing_info_present_flag) {
            add(l, "num_units_in_tick", v->num_units_in_tick);
            add(l, "time_scale", v->time_scale);
            add(l, "fixed_frame_rate_flag", v->fixed_frame_rate_flag);
        }
        add(l, "nal_hrd_parameters_present_flag", v->nal_hrd_parameters_present_flag);
        if (v->nal_hrd_parameters_present_flag)
            add_hrd(l, &v->nal_hrd);
        add(l, "vcl_hrd_parameters_present_flag", v->vcl_hrd_parameters_present_flag);
        if (v->vcl_hrd_parameters_present_flag)
            add_hrd(l, &v->vcl_hrd);
        if (v->nal_hrd_parameters_present_flag || v->vcl_hrd_parameters_present_flag)
            add(l, "low_delay_hrd_flag", v->low_delay_hrd_flag);
        add(l, "pic_struct_present_flag", v->pic_struct_present_flag);
        add(l, "bitstream_restriction_flag", v->bitstream_restriction_flag);
        if (v->bitstream_restriction_flag) {
            add(l, "motion_vectors_over_pic_boundaries_flag",
                v->motion_vectors_over_pic_boundaries_flag);
            add(l, "max_bytes_per_pic_denom", v->max_bytes_per_pic_denom);
            add(l, "max_bits_per_mb_denom", v->max_bits_per_mb_denom);
            add(l, "log2_max_mv_length_horizontal", v->log2_max_mv_length_horizontal);
            add(l, "log2_max_mv_length_vertical", v->log2_max_mv_length_vertical);
            add(l, "max_num_reorder_frames", v->max_num_reorder_frames);
            add(l, "max_dec_frame_buffering", v->max_dec_frame_buffering);
        }
    }
    add(l, "rbsp_stop_one_bit", 1);
}

static void expect_pps(ElemList *l, const VTH264PPS *p) {
    add_nal_header(l, 3, VT_H264_NAL_PPS);
    add(l, "pic_parameter_set_id", p->pic_parameter_set_id);
    add(l, "seq_parameter_set_id", p->seq_parameter_set_id);
    add(l, "entropy_coding_mode_flag", p->entropy_coding_mode_flag);
    add(l, "bottom_field_pic_order_in_frame_present_flag",
        p->bottom_field_pic_order_in_frame_present_flag);
    add(l, "num_slice_groups_minus1", 0);
    add(l, "num_ref_idx_l0_default_active_minus1", p->num_ref_idx_l0_default_active_minus1);
    add(l, "num_ref_idx_l1_default_active_minus1", p->num_ref_idx_l1_default_active_minus1);
    add(l, "weighted_pred_flag", p->weighted_pred_flag);
    add(l, "weighted_bipred_idc", p->weighted_bipred_idc);
    add(l, "pic_init_qp_minus26", p->pic_init_qp_minus26);
    add(l, "pic_init_qs_minus26", p->pic_init_qs_minus26);
    add(l, "chroma_qp_index_offset", p->chroma_qp_index_offset);
    add(l, "deblocking_filter_control_present_flag", p->deblocking_filter_control_present_flag);
    add(l, "constrained_intra_pred_flag", p->constrained_intra_pred_flag);
    add(l, "redundant_pic_cnt_present_flag", p->redundant_pic_cnt_present_flag);
    if (p->more_rbsp_data || p->transform_8x8_mode_flag ||
        p->second_chroma_qp_index_offset != p->chroma_qp_index_offset) {
        add(l, "transform_8x8_mode_flag", p->transform_8x8_mode_flag);
        add(l, "pic_scaling_matrix_present_flag", 0);
        add(l, "second_chroma_qp_index_offset", p->second_chroma_qp_index_offset);
    }
    add(l, "rbsp_stop_one_bit", 1);
}

static void expect_ref_mods(ElemList *l, const char *flag, unsigned n, const VTH264RefMod *m) {
    add(l, flag, n > 0);
    if (!n)
        return;
    for (unsigned i = 0; i < n; i++) {
        add(l, "modification_of_pic_nums_idc", m[i].modification_of_pic_nums_idc);
        add(l,
            m[i].modification_of_pic_nums_idc == 2 ? "long_term_pic_num"
                                                   : "abs_diff_pic_num_minus1",
            m[i].value);
    }
    add(l, "modification_of_pic_nums_idc", 3);
}

static void expect_slice(ElemList *l, const H264Case *c, const VTH264SliceHeader *sh) {
    unsigned type = sh->slice_type % 5;
    int idr = sh->nal_unit_type == VT_H264_NAL_IDR;
    add_nal_header(l, sh->nal_ref_idc, sh->nal_unit_type);
    add(l, "first_mb_in_slice", sh->first_mb_in_slice);
    add(l, "slice_type", sh->slice_type);
    add(l, "pic_parameter_set_id", sh->pic_parameter_set_id);
    add(l, "frame_num", sh->frame_num);
    if (idr)
        add(l, "idr_pic_id", sh->idr_pic_id);
    if (c->sps.pic_order_cnt_type == 0)
        add(l, "pic_order_cnt_lsb", sh->pic_order_cnt_lsb);
    if (type == VT_H264_SLICE_B)
        add(l, "direct_spatial_mv_pred_flag", sh->direct_spatial_mv_pred_flag);
    if (type != VT_H264_SLICE_I) {
        add(l, "num_ref_idx_active_override_flag", sh->num_ref_idx_active_override_flag);
        if (sh->num_ref_idx_active_override_flag) {
            add(l, "num_ref_idx_l0_active_minus1", sh->num_ref_idx_l0_active_minus1);
            if (type == VT_H264_SLICE_B)
                add(l, "num_ref_idx_l1_active_minus1", sh->num_ref_idx_l1_active_minus1);
        }
        expect_ref_mods(l, "ref_pic_list_modification_flag_l0", sh->num_ref_mods_l0,
                        sh->ref_mods_l0);
        if (type == VT_H264_SLICE_B)
            expect_ref_mods(l, "ref_pic_list_modification_flag_l1", sh->num_ref_mods_l1,
                            sh->ref_mods_l1);
    }
    if (sh->nal_ref_idc) {
        if (idr) {
            add(l, "no_output_of_prior_pics_flag", sh->no_output_of_prior_pics_flag);
            add(l, "long_term_reference_flag", sh->long_term_reference_flag);
        } else {
            add(l, "adaptive_ref_pic_marking_mode_flag", sh->adaptive_ref_pic_marking_mode_flag);
            if (sh->adaptive_ref_pic_marking_mode_flag) {
                for (unsigned i = 0; i < sh->num_mmcos; i++) {
                    const VTH264MMCO *m = &sh->mmcos[i];
                    add(l, "memory_management_control_operation", m->op);
                    if (m->op == 1 || m->op == 3)
                        add(l, "difference_of_pic_nums_minus1", m->difference_of_pic_nums_minus1);
                    if (m->op == 2)
                        add(l, "long_term_pic_num", m->long_term_pic_num);
                    if (m->op == 3 || m->op == 6)
                        add(l, "long_term_frame_idx", m->long_term_frame_idx);
                    if (m->op == 4)
                        add(l, "max_long_term_frame_idx_plus1", m->max_long_term_frame_idx_plus1);
                }
                add(l, "memory_management_control_operation", 0);
            }
        }
    }
    if (c->pps.entropy_coding_mode_flag && type != VT_H264_SLICE_I)
        add(l, "cabac_init_idc", sh->cabac_init_idc);
    add(l, "slice_qp_delta", sh->slice_qp_delta);
    if (c->pps.deblocking_filter_control_present_flag) {
        add(l, "disable_deblocking_filter_idc", sh->disable_deblocking_filter_idc);
        if (sh->disable_deblocking_filter_idc != 1) {
            add(l, "slice_alpha_c0_offset_div2", sh->slice_alpha_c0_offset_div2);
            add(l, "slice_beta_offset_div2", sh->slice_beta_offset_div2);
        }
    }
}

/* ---- running ffmpeg ------------------------------------------------------ */

/* Parses "[trace_headers @ 0x...] <rest>" lines into sections. */
static int run_trace(const char *ffmpeg, const char *file, ElemList *secs, int max_secs) {
    char cmd[2048], line[1024];
    int n = -1;
    FILE *p;
    snprintf(cmd, sizeof(cmd),
             "'%s' -hide_banner -nostdin -nostats -v info -i '%s' -c:v copy -bsf:v trace_headers "
             "-f null - 2>&1",
             ffmpeg, file);
    p = popen(cmd, "r");
    if (!p)
        return -1;
    while (fgets(line, sizeof(line), p)) {
        char *r = strstr(line, "[trace_headers @");
        long pos;
        char name[128], bits[128];
        long long value;
        if (!r || !(r = strstr(r, "] ")))
            continue;
        r += 2;
        r[strcspn(r, "\r\n")] = 0;
        if (sscanf(r, "%ld %127s %127s = %lld", &pos, name, bits, &value) == 4) {
            if (n < 0)
                continue;
            char *br = strchr(name, '['); /* subscripts: bit_rate_value_minus1[0] */
            if (br)
                *br = 0;
            add(&secs[n], name, value);
            secs[n].e[secs[n].n - 1].pos = pos;
            secs[n].e[secs[n].n - 1].nbits = (int)strlen(bits);
        } else if (!strncmp(r, "Sequence Parameter Set", 22) ||
                   !strncmp(r, "Picture Parameter Set", 21) || !strncmp(r, "Slice Header", 12)) {
            if (n + 1 >= max_secs)
                break;
            n++;
            snprintf(secs[n].title, sizeof(secs[n].title), "%s", r);
        } else {
            if (n >= 0 && strncmp(r, "Packet", 6) && strncmp(r, "Extradata", 9))
                fprintf(stderr, "  (unexpected trace line: %s)\n", r);
        }
    }
    pclose(p);
    return n + 1;
}

/* Every expected element, in order; then only alignment bits (after a
 * CABAC slice header ffmpeg lists the cabac_alignment_one_bits). */
static void compare_section(const char *what, const ElemList *got, const ElemList *exp) {
    int i;
    for (i = 0; i < exp->n; i++) {
        if (i >= got->n) {
            CHECK_MSG(0, "%s: ffmpeg stopped before %s", what, exp->e[i].name);
            return;
        }
        CHECK_MSG(strcmp(got->e[i].name, exp->e[i].name) == 0, "%s: element %d is %s, expected %s",
                  what, i, got->e[i].name, exp->e[i].name);
        CHECK_MSG(got->e[i].value == exp->e[i].value, "%s: %s = %lld, expected %lld", what,
                  exp->e[i].name, got->e[i].value, exp->e[i].value);
        if (strcmp(got->e[i].name, exp->e[i].name) != 0)
            return;
    }
    for (; i < got->n; i++)
        CHECK_MSG(!strcmp(got->e[i].name, "rbsp_alignment_zero_bit") ||
                      !strcmp(got->e[i].name, "cabac_alignment_one_bit"),
                  "%s: unexpected element %s", what, got->e[i].name);
}

static void free_list(ElemList *l) {
    free(l->e);
    memset(l, 0, sizeof(*l));
}

static int read_file(const char *path, uint8_t **data, size_t *size) {
    FILE *f = fopen(path, "rb");
    long n;
    if (!f)
        return -1;
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    *data = malloc(n > 0 ? (size_t)n : 1);
    *size = *data && n > 0 ? fread(*data, 1, (size_t)n, f) : 0;
    fclose(f);
    return *data ? 0 : -1;
}

static void check_decode(const char *ffmpeg, const char *dir, const char *file, const H264Case *c) {
    char cmd[4096], yuv[1024], line[1024];
    unsigned depth = h264_case_bit_depth(c), bps = depth > 8 ? 2 : 1;
    unsigned cw = (c->width + 1) / 2, ch = (c->height + 1) / 2;
    size_t frame = ((size_t)c->width * c->height + 2u * cw * ch) * bps, size = 0;
    unsigned cx = c->sps.frame_crop_left_offset, cy = c->sps.frame_crop_top_offset;
    uint8_t *data = NULL;
    int err_lines = 0;
    FILE *p;

    snprintf(yuv, sizeof(yuv), "%s/%s.yuv", dir, c->name);
    snprintf(cmd, sizeof(cmd),
             "'%s' -hide_banner -nostdin -nostats -v error -flags unaligned -i '%s' -f rawvideo "
             "-pix_fmt %s -y '%s' 2>&1",
             ffmpeg, file,
             depth > 8 ? "yuv420p10le"
             : c->sps.vui_parameters_present_flag && c->sps.vui.video_full_range_flag ? "yuvj420p"
                                                                                      : "yuv420p",
             yuv);
    p = popen(cmd, "r");
    CHECK(p != NULL);
    if (!p)
        return;
    while (fgets(line, sizeof(line), p)) {
        err_lines++;
        fprintf(stderr, "  %s: ffmpeg: %s", c->name, line);
    }
    CHECK_MSG(pclose(p) == 0, "%s: ffmpeg decode failed", c->name);
    CHECK_MSG(err_lines == 0, "%s: %d lines of decoder errors", c->name, err_lines);
    CHECK(read_file(yuv, &data, &size) == 0);
    CHECK_MSG(size == frame * (size_t)c->n_pics, "%s: decoded %zu bytes, expected %d frames of %zu",
              c->name, size, c->n_pics, frame);
    if (size != frame * (size_t)c->n_pics) {
        free(data);
        return;
    }
    /* every frame equals the I_PCM picture (P/B macroblocks are skipped) */
    int mismatches = 0;
    for (int f = 0; f < c->n_pics; f++) {
        const uint8_t *fr = data + (size_t)f * frame;
        for (int pl = 0; pl < 3; pl++) {
            unsigned w = pl ? cw : c->width, h = pl ? ch : c->height;
            unsigned ox = pl ? cx : 2 * cx, oy = pl ? cy : 2 * cy;
            const uint8_t *base =
                fr +
                (pl == 0 ? 0 : ((size_t)c->width * c->height + (size_t)(pl - 1) * cw * ch) * bps);
            for (unsigned y = 0; y < h; y++) {
                for (unsigned x = 0; x < w; x++) {
                    size_t i = ((size_t)y * w + x) * bps;
                    unsigned got = bps == 2 ? (unsigned)(base[i] | base[i + 1] << 8) : base[i];
                    unsigned exp = h264_case_sample(c, pl, x + ox, y + oy);
                    if (got != exp && mismatches++ < 3)
                        fprintf(stderr, "  %s: frame %d plane %d (%u,%u) = %u, expected %u\n",
                                c->name, f, pl, x, y, got, exp);
                }
            }
        }
    }
    CHECK_MSG(mismatches == 0, "%s: %d decoded samples differ", c->name, mismatches);
    free(data);
    unlink(yuv);
}

static void run_case(const char *ffmpeg, const char *dir, H264Case *c) {
    char path[1024];
    size_t size = 0;
    uint8_t *stream = h264_case_write(c, &size);
    ElemList secs[32];
    int n;

    printf("case %s\n", c->name);
    CHECK_MSG(stream != NULL, "%s: writer failed", c->name);
    if (!stream)
        return;
    snprintf(path, sizeof(path), "%s/%s.h264", dir, c->name);
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL);
    if (!f) {
        free(stream);
        return;
    }
    CHECK(fwrite(stream, 1, size, f) == size);
    fclose(f);
    free(stream);

    memset(secs, 0, sizeof(secs));
    n = run_trace(ffmpeg, path, secs, 32);
    /* SPS and PPS appear once as extradata and once in the first packet */
    int n_sps = 0, n_pps = 0, n_sl = 0;
    for (int i = 0; i < n; i++) {
        ElemList exp;
        char what[128];
        memset(&exp, 0, sizeof(exp));
        if (!strncmp(secs[i].title, "Sequence", 8)) {
            expect_sps(&exp, &c->sps);
            snprintf(what, sizeof(what), "%s SPS", c->name);
            n_sps++;
        } else if (!strncmp(secs[i].title, "Picture", 7)) {
            expect_pps(&exp, &c->pps);
            snprintf(what, sizeof(what), "%s PPS", c->name);
            n_pps++;
        } else {
            if (n_sl >= c->n_slices) {
                CHECK_MSG(0, "%s: more slices than written", c->name);
                continue;
            }
            expect_slice(&exp, c, &c->sh[n_sl]);
            snprintf(what, sizeof(what), "%s slice %d", c->name, n_sl);
            /* the header ends where the writer said: NAL header + sh_bits */
            if (secs[i].n > 0 && secs[i].n >= exp.n) {
                const Elem *last = &secs[i].e[exp.n - 1];
                CHECK_MSG((size_t)(last->pos + last->nbits) == 8 + c->sh_bits[n_sl],
                          "%s: header ends at bit %ld, writer wrote %zu", what,
                          last->pos + last->nbits, 8 + c->sh_bits[n_sl]);
            }
            n_sl++;
        }
        compare_section(what, &secs[i], &exp);
        free_list(&exp);
    }
    CHECK_MSG(n_sps >= 1 && n_pps >= 1, "%s: %d SPS, %d PPS sections", c->name, n_sps, n_pps);
    CHECK_MSG(n_sl == c->n_slices, "%s: %d slice headers traced, %d written", c->name, n_sl,
              c->n_slices);
    for (int i = 0; i < 32; i++)
        free_list(&secs[i]);

    if (c->decodable)
        check_decode(ffmpeg, dir, path, c);
    unlink(path);
}

int main(int argc, char **argv) {
    const char *ffmpeg = argc > 1 ? argv[1] : getenv("FFMPEG");
    char dir[] = "/tmp/vtcore-h264hdr-XXXXXX";
    H264Case cases[8];
    int n;

    if (!ffmpeg || !*ffmpeg || access(ffmpeg, X_OK) != 0)
        VT_TEST_SKIP("ffmpeg not found (install the ffmpeg package)");
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    n = h264_cases_build(cases);
    for (int i = 0; i < n; i++)
        run_case(ffmpeg, dir, &cases[i]);
    rmdir(dir);
    return vt_test_result();
}
