/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * H.264 bit writer, NAL wrapping, level table and SPS/PPS/slice-header
 * writers. Written from the syntax tables of ITU-T H.264 (7.3.2.1, 7.3.2.2,
 * 7.3.3, E.1); the unit tests parse the output with ffmpeg's trace_headers
 * and GStreamer's codecparsers and compare field by field.
 */
#include "config.h"

#include <string.h>

#include "cm/h264_profile.h"
#include "encoder/h264_bitwriter.h"

/* ---- bit writer --------------------------------------------------------- */

void vt_bs_init(VTBitWriter *bs, uint8_t *buf, size_t size) {
    bs->buf = buf;
    bs->size = size;
    bs->bits = 0;
    bs->overflow = 0;
    if (buf && size)
        memset(buf, 0, size);
}

void vt_bs_write(VTBitWriter *bs, unsigned n, uint32_t value) {
    if (n == 0 || bs->overflow)
        return;
    if (n > 32 || bs->bits + n > bs->size * 8) {
        bs->overflow = 1;
        return;
    }
    if (n < 32)
        value &= (UINT32_C(1) << n) - 1;
    while (n > 0) {
        size_t byte = bs->bits / 8;
        unsigned used = (unsigned)(bs->bits % 8);
        unsigned room = 8 - used;
        unsigned take = n < room ? n : room;
        unsigned chunk = (unsigned)(value >> (n - take)) & ((1u << take) - 1);
        if (used == 0)
            bs->buf[byte] = 0;
        bs->buf[byte] |= (uint8_t)(chunk << (room - take));
        bs->bits += take;
        n -= take;
    }
}

void vt_bs_write1(VTBitWriter *bs, unsigned bit) {
    vt_bs_write(bs, 1, bit ? 1 : 0);
}

unsigned vt_bs_ue_bits(uint32_t value) {
    uint64_t v = (uint64_t)value + 1;
    unsigned m = 0;
    while ((v >> (m + 1)) != 0)
        m++;
    return 2 * m + 1;
}

void vt_bs_write_ue(VTBitWriter *bs, uint32_t value) {
    if (value == UINT32_MAX) { /* ue(v) cannot carry 2^32 - 1 */
        bs->overflow = 1;
        return;
    }
    uint32_t v = value + 1;
    unsigned m = 0;
    while (m < 31 && (v >> (m + 1)) != 0)
        m++;
    vt_bs_write(bs, m, 0);
    vt_bs_write(bs, m + 1, v);
}

void vt_bs_write_se(VTBitWriter *bs, int32_t value) {
    if (value == INT32_MIN) {
        bs->overflow = 1;
        return;
    }
    /* k > 0 -> 2k - 1, k <= 0 -> -2k (Table 9-3) */
    uint32_t code = value > 0 ? 2u * (uint32_t)value - 1u : 2u * (uint32_t)(-(int64_t)value);
    vt_bs_write_ue(bs, code);
}

void vt_bs_align_zero(VTBitWriter *bs) {
    unsigned rem = (unsigned)(bs->bits % 8);
    if (rem)
        vt_bs_write(bs, 8 - rem, 0);
}

void vt_bs_rbsp_trailing(VTBitWriter *bs) {
    vt_bs_write1(bs, 1);
    vt_bs_align_zero(bs);
}

/* ---- NAL units ---------------------------------------------------------- */

size_t vt_h264_nal_write(uint8_t *out, size_t out_size, int start_code, unsigned nal_ref_idc,
                         unsigned nal_unit_type, const uint8_t *rbsp, size_t rbsp_bits) {
    size_t pos = 0, nbytes = (rbsp_bits + 7) / 8;
    unsigned zeros = 0;

    if (!out || (!rbsp && rbsp_bits) || nal_ref_idc > 3 || nal_unit_type > 31)
        return 0;
    if (out_size < (start_code ? 4u : 0u) + 1u)
        return 0;
    if (start_code) {
        out[pos++] = 0;
        out[pos++] = 0;
        out[pos++] = 0;
        out[pos++] = 1;
    }
    out[pos++] = (uint8_t)((nal_ref_idc << 5) | nal_unit_type);
    for (size_t i = 0; i < nbytes; i++) {
        uint8_t b = rbsp[i];
        if (i == nbytes - 1 && (rbsp_bits % 8) != 0)
            b &= (uint8_t)(0xff << (8 - rbsp_bits % 8)); /* padding bits are zero */
        if (zeros >= 2 && b <= 3) {
            if (pos >= out_size)
                return 0;
            out[pos++] = 3;
            zeros = 0;
        }
        if (pos >= out_size)
            return 0;
        out[pos++] = b;
        zeros = b == 0 ? zeros + 1 : 0;
    }
    return pos;
}

/* ---- levels ------------------------------------------------------------- */

/* clang-format off */
static const VTH264LevelRow level_table[] = {
    /* level  MaxMBPS   MaxFS   MaxDpbMbs  MaxBR   MaxCPB */
    { 10,     1485,     99,     396,       64,     175 },
    {  9,     1485,     99,     396,       128,    350 },    /* 1b */
    { 11,     3000,     396,    900,       192,    500 },
    { 12,     6000,     396,    2376,      384,    1000 },
    { 13,     11880,    396,    2376,      768,    2000 },
    { 20,     11880,    396,    2376,      2000,   2000 },
    { 21,     19800,    792,    4752,      4000,   4000 },
    { 22,     20250,    1620,   8100,      4000,   4000 },
    { 30,     40500,    1620,   8100,      10000,  10000 },
    { 31,     108000,   3600,   18000,     14000,  14000 },
    { 32,     216000,   5120,   20480,     20000,  20000 },
    { 40,     245760,   8192,   32768,     20000,  25000 },
    { 41,     245760,   8192,   32768,     50000,  62500 },
    { 42,     522240,   8704,   34816,     50000,  62500 },
    { 50,     589824,   22080,  110400,    135000, 135000 },
    { 51,     983040,   36864,  184320,    240000, 240000 },
    { 52,     2073600,  36864,  184320,    240000, 240000 },
    { 60,     4177920,  139264, 696320,    240000, 240000 },
    { 61,     8355840,  139264, 696320,    480000, 480000 },
    { 62,     16711680, 139264, 696320,    800000, 800000 },
};
/* clang-format on */

const VTH264LevelRow *vt_h264_level_row(unsigned level_idc) {
    for (size_t i = 0; i < sizeof(level_table) / sizeof(level_table[0]); i++)
        if (level_table[i].level_idc == level_idc)
            return &level_table[i];
    return NULL;
}

/* cpbBrVclFactor / 1000 * 4 (Table A-2), as an integer ratio over 4. */
static unsigned level_br_factor_x4(unsigned profile_idc) {
    switch (profile_idc) {
    case VT_H264_PROFILE_IDC_HIGH:
        return 5; /* 1.25 */
    case VT_H264_PROFILE_IDC_HIGH10:
        return 12; /* 3 */
    case 122:
    case 244:
        return 16; /* 4 */
    default:
        return 4;
    }
}

unsigned vt_h264_level_max_dpb_frames(unsigned level_idc, unsigned frame_mbs) {
    const VTH264LevelRow *l = vt_h264_level_row(level_idc);
    unsigned n;
    if (!l || frame_mbs == 0)
        return 0;
    n = l->max_dpb_mbs / frame_mbs;
    return n > 16 ? 16 : n;
}

unsigned vt_h264_level_pick(unsigned profile_idc, unsigned width, unsigned height, double fps,
                            uint64_t bitrate_bps, unsigned dpb_frames) {
    uint64_t w_mbs = (width + 15) / 16, h_mbs = (height + 15) / 16;
    uint64_t fs = w_mbs * h_mbs;
    double mbps = (double)fs * (fps > 0 ? fps : 30.0);
    unsigned f4 = level_br_factor_x4(profile_idc);

    for (size_t i = 0; i < sizeof(level_table) / sizeof(level_table[0]); i++) {
        const VTH264LevelRow *l = &level_table[i];
        if (l->level_idc == 9)
            continue;
        if (fs > l->max_fs)
            continue;
        /* A.3.1: PicWidthInMbs and FrameHeightInMbs <= Sqrt(MaxFS * 8) */
        if (w_mbs * w_mbs > 8ull * l->max_fs || h_mbs * h_mbs > 8ull * l->max_fs)
            continue;
        if (mbps > (double)l->max_mbps * 1.0000001)
            continue;
        if (bitrate_bps && bitrate_bps * 4 > (uint64_t)l->max_br * 1000u * f4)
            continue;
        if (dpb_frames && dpb_frames * fs > l->max_dpb_mbs)
            continue;
        return l->level_idc;
    }
    return 0;
}

/* ---- SPS ---------------------------------------------------------------- */

void vt_h264_sps_init(VTH264SPS *sps, unsigned profile_idc, unsigned level_idc, unsigned width,
                      unsigned height) {
    unsigned w_mbs = (width + 15) / 16, h_mbs = (height + 15) / 16;
    memset(sps, 0, sizeof(*sps));
    sps->profile_idc = (uint8_t)profile_idc;
    sps->level_idc = (uint8_t)level_idc;
    sps->chroma_format_idc = 1;
    sps->log2_max_frame_num_minus4 = 4;
    sps->pic_order_cnt_type = 0;
    sps->log2_max_pic_order_cnt_lsb_minus4 = 4;
    sps->max_num_ref_frames = 1;
    sps->pic_width_in_mbs_minus1 = (uint16_t)(w_mbs ? w_mbs - 1 : 0);
    sps->pic_height_in_map_units_minus1 = (uint16_t)(h_mbs ? h_mbs - 1 : 0);
    sps->frame_mbs_only_flag = 1;
    sps->direct_8x8_inference_flag = 1;
    /* 4:2:0 frames: CropUnitX = CropUnitY = 2 (7.4.2.1.1) */
    if (w_mbs * 16 != width || h_mbs * 16 != height) {
        sps->frame_cropping_flag = 1;
        sps->frame_crop_right_offset = (uint16_t)((w_mbs * 16 - width) / 2);
        sps->frame_crop_bottom_offset = (uint16_t)((h_mbs * 16 - height) / 2);
    }
}

/* clang-format off */
static const uint8_t sar_table[][2] = {
    { 0, 0 },    { 1, 1 },    { 12, 11 },  { 10, 11 }, { 16, 11 }, { 40, 33 },
    { 24, 11 },  { 20, 11 },  { 32, 11 },  { 80, 33 }, { 18, 11 }, { 15, 11 },
    { 64, 33 },  { 160, 99 }, { 4, 3 },    { 3, 2 },   { 2, 1 },
};
/* clang-format on */

void vt_h264_vui_set_sar(VTH264VUI *vui, unsigned sar_width, unsigned sar_height) {
    if (sar_width == 0 || sar_height == 0) {
        vui->aspect_ratio_info_present_flag = 0;
        return;
    }
    /* reduce so 24:22 finds 12:11 */
    unsigned a = sar_width, b = sar_height;
    while (b) {
        unsigned t = a % b;
        a = b;
        b = t;
    }
    sar_width /= a;
    sar_height /= a;
    vui->aspect_ratio_info_present_flag = 1;
    for (unsigned i = 1; i < sizeof(sar_table) / sizeof(sar_table[0]); i++) {
        if (sar_table[i][0] == sar_width && sar_table[i][1] == sar_height) {
            vui->aspect_ratio_idc = (uint8_t)i;
            vui->sar_width = vui->sar_height = 0;
            return;
        }
    }
    while (sar_width > 0xffff || sar_height > 0xffff) {
        sar_width = (sar_width + 1) / 2;
        sar_height = (sar_height + 1) / 2;
    }
    vui->aspect_ratio_idc = 255;
    vui->sar_width = (uint16_t)(sar_width ? sar_width : 1);
    vui->sar_height = (uint16_t)(sar_height ? sar_height : 1);
}

static void write_hrd(VTBitWriter *bs, const VTH264HRD *h) {
    vt_bs_write_ue(bs, 0); /* cpb_cnt_minus1 */
    vt_bs_write(bs, 4, h->bit_rate_scale);
    vt_bs_write(bs, 4, h->cpb_size_scale);
    vt_bs_write_ue(bs, h->bit_rate_value_minus1);
    vt_bs_write_ue(bs, h->cpb_size_value_minus1);
    vt_bs_write1(bs, h->cbr_flag);
    vt_bs_write(bs, 5, h->initial_cpb_removal_delay_length_minus1);
    vt_bs_write(bs, 5, h->cpb_removal_delay_length_minus1);
    vt_bs_write(bs, 5, h->dpb_output_delay_length_minus1);
    vt_bs_write(bs, 5, h->time_offset_length);
}

static void write_vui(VTBitWriter *bs, const VTH264VUI *v) {
    vt_bs_write1(bs, v->aspect_ratio_info_present_flag);
    if (v->aspect_ratio_info_present_flag) {
        vt_bs_write(bs, 8, v->aspect_ratio_idc);
        if (v->aspect_ratio_idc == 255) {
            vt_bs_write(bs, 16, v->sar_width);
            vt_bs_write(bs, 16, v->sar_height);
        }
    }
    vt_bs_write1(bs, v->overscan_info_present_flag);
    if (v->overscan_info_present_flag)
        vt_bs_write1(bs, v->overscan_appropriate_flag);
    vt_bs_write1(bs, v->video_signal_type_present_flag);
    if (v->video_signal_type_present_flag) {
        vt_bs_write(bs, 3, v->video_format);
        vt_bs_write1(bs, v->video_full_range_flag);
        vt_bs_write1(bs, v->colour_description_present_flag);
        if (v->colour_description_present_flag) {
            vt_bs_write(bs, 8, v->colour_primaries);
            vt_bs_write(bs, 8, v->transfer_characteristics);
            vt_bs_write(bs, 8, v->matrix_coefficients);
        }
    }
    vt_bs_write1(bs, v->chroma_loc_info_present_flag);
    if (v->chroma_loc_info_present_flag) {
        vt_bs_write_ue(bs, v->chroma_sample_loc_type_top_field);
        vt_bs_write_ue(bs, v->chroma_sample_loc_type_bottom_field);
    }
    vt_bs_write1(bs, v->timing_info_present_flag);
    if (v->timing_info_present_flag) {
        vt_bs_write(bs, 32, v->num_units_in_tick);
        vt_bs_write(bs, 32, v->time_scale);
        vt_bs_write1(bs, v->fixed_frame_rate_flag);
    }
    vt_bs_write1(bs, v->nal_hrd_parameters_present_flag);
    if (v->nal_hrd_parameters_present_flag)
        write_hrd(bs, &v->nal_hrd);
    vt_bs_write1(bs, v->vcl_hrd_parameters_present_flag);
    if (v->vcl_hrd_parameters_present_flag)
        write_hrd(bs, &v->vcl_hrd);
    if (v->nal_hrd_parameters_present_flag || v->vcl_hrd_parameters_present_flag)
        vt_bs_write1(bs, v->low_delay_hrd_flag);
    vt_bs_write1(bs, v->pic_struct_present_flag);
    vt_bs_write1(bs, v->bitstream_restriction_flag);
    if (v->bitstream_restriction_flag) {
        vt_bs_write1(bs, v->motion_vectors_over_pic_boundaries_flag);
        vt_bs_write_ue(bs, v->max_bytes_per_pic_denom);
        vt_bs_write_ue(bs, v->max_bits_per_mb_denom);
        vt_bs_write_ue(bs, v->log2_max_mv_length_horizontal);
        vt_bs_write_ue(bs, v->log2_max_mv_length_vertical);
        vt_bs_write_ue(bs, v->max_num_reorder_frames);
        vt_bs_write_ue(bs, v->max_dec_frame_buffering);
    }
}

int vt_h264_write_sps(VTBitWriter *bs, const VTH264SPS *sps) {
    if (!bs || !sps)
        return -1;
    /* What the writer cannot express: POC type 1, interlace, 4:4:4 planes. */
    if (sps->pic_order_cnt_type == 1 || sps->pic_order_cnt_type > 2 || !sps->frame_mbs_only_flag ||
        sps->chroma_format_idc > 2 || sps->log2_max_frame_num_minus4 > 12 ||
        sps->log2_max_pic_order_cnt_lsb_minus4 > 12 || sps->seq_parameter_set_id > 31)
        return -1;
    if (sps->vui.aspect_ratio_info_present_flag && sps->vui.aspect_ratio_idc > 16 &&
        sps->vui.aspect_ratio_idc != 255)
        return -1;
    if (sps->vui.video_format > 7)
        return -1;

    vt_bs_write(bs, 8, sps->profile_idc);
    for (unsigned i = 0; i < 6; i++)
        vt_bs_write1(bs, (sps->constraint_flags >> i) & 1);
    vt_bs_write(bs, 2, 0); /* reserved_zero_2bits */
    vt_bs_write(bs, 8, sps->level_idc);
    vt_bs_write_ue(bs, sps->seq_parameter_set_id);
    if (vt_h264_profile_has_chroma_info(sps->profile_idc)) {
        vt_bs_write_ue(bs, sps->chroma_format_idc);
        vt_bs_write_ue(bs, sps->bit_depth_luma_minus8);
        vt_bs_write_ue(bs, sps->bit_depth_chroma_minus8);
        vt_bs_write1(bs, 0); /* qpprime_y_zero_transform_bypass_flag */
        vt_bs_write1(bs, 0); /* seq_scaling_matrix_present_flag */
    } else if (sps->chroma_format_idc != 1 || sps->bit_depth_luma_minus8 ||
               sps->bit_depth_chroma_minus8) {
        return -1; /* implied 4:2:0 8-bit outside the High family */
    }
    vt_bs_write_ue(bs, sps->log2_max_frame_num_minus4);
    vt_bs_write_ue(bs, sps->pic_order_cnt_type);
    if (sps->pic_order_cnt_type == 0)
        vt_bs_write_ue(bs, sps->log2_max_pic_order_cnt_lsb_minus4);
    vt_bs_write_ue(bs, sps->max_num_ref_frames);
    vt_bs_write1(bs, sps->gaps_in_frame_num_value_allowed_flag);
    vt_bs_write_ue(bs, sps->pic_width_in_mbs_minus1);
    vt_bs_write_ue(bs, sps->pic_height_in_map_units_minus1);
    vt_bs_write1(bs, sps->frame_mbs_only_flag);
    vt_bs_write1(bs, sps->direct_8x8_inference_flag);
    vt_bs_write1(bs, sps->frame_cropping_flag);
    if (sps->frame_cropping_flag) {
        vt_bs_write_ue(bs, sps->frame_crop_left_offset);
        vt_bs_write_ue(bs, sps->frame_crop_right_offset);
        vt_bs_write_ue(bs, sps->frame_crop_top_offset);
        vt_bs_write_ue(bs, sps->frame_crop_bottom_offset);
    }
    vt_bs_write1(bs, sps->vui_parameters_present_flag);
    if (sps->vui_parameters_present_flag)
        write_vui(bs, &sps->vui);
    vt_bs_rbsp_trailing(bs);
    return bs->overflow ? -1 : 0;
}

/* ---- PPS ---------------------------------------------------------------- */

int vt_h264_write_pps(VTBitWriter *bs, const VTH264SPS *sps, const VTH264PPS *pps) {
    if (!bs || !sps || !pps)
        return -1;
    if (pps->weighted_bipred_idc > 2 || pps->seq_parameter_set_id > 31 ||
        pps->num_ref_idx_l0_default_active_minus1 > 31 ||
        pps->num_ref_idx_l1_default_active_minus1 > 31)
        return -1;
    vt_bs_write_ue(bs, pps->pic_parameter_set_id);
    vt_bs_write_ue(bs, pps->seq_parameter_set_id);
    vt_bs_write1(bs, pps->entropy_coding_mode_flag);
    vt_bs_write1(bs, pps->bottom_field_pic_order_in_frame_present_flag);
    vt_bs_write_ue(bs, 0); /* num_slice_groups_minus1 */
    vt_bs_write_ue(bs, pps->num_ref_idx_l0_default_active_minus1);
    vt_bs_write_ue(bs, pps->num_ref_idx_l1_default_active_minus1);
    vt_bs_write1(bs, pps->weighted_pred_flag);
    vt_bs_write(bs, 2, pps->weighted_bipred_idc);
    vt_bs_write_se(bs, pps->pic_init_qp_minus26);
    vt_bs_write_se(bs, pps->pic_init_qs_minus26);
    vt_bs_write_se(bs, pps->chroma_qp_index_offset);
    vt_bs_write1(bs, pps->deblocking_filter_control_present_flag);
    vt_bs_write1(bs, pps->constrained_intra_pred_flag);
    vt_bs_write1(bs, pps->redundant_pic_cnt_present_flag);
    if (pps->more_rbsp_data || pps->transform_8x8_mode_flag ||
        pps->second_chroma_qp_index_offset != pps->chroma_qp_index_offset) {
        if (!vt_h264_profile_has_chroma_info(sps->profile_idc))
            return -1; /* the tail is a High-profile extension */
        vt_bs_write1(bs, pps->transform_8x8_mode_flag);
        vt_bs_write1(bs, 0); /* pic_scaling_matrix_present_flag */
        vt_bs_write_se(bs, pps->second_chroma_qp_index_offset);
    }
    vt_bs_rbsp_trailing(bs);
    return bs->overflow ? -1 : 0;
}

/* ---- slice header ------------------------------------------------------- */

static int write_ref_mods(VTBitWriter *bs, unsigned n, const VTH264RefMod *mods) {
    vt_bs_write1(bs, n > 0);
    if (n == 0)
        return 0;
    if (n > VT_H264_MAX_REF_MODS)
        return -1;
    for (unsigned i = 0; i < n; i++) {
        if (mods[i].modification_of_pic_nums_idc > 2)
            return -1;
        vt_bs_write_ue(bs, mods[i].modification_of_pic_nums_idc);
        vt_bs_write_ue(bs, mods[i].value);
    }
    vt_bs_write_ue(bs, 3);
    return 0;
}

int vt_h264_write_slice_header(VTBitWriter *bs, const VTH264SPS *sps, const VTH264PPS *pps,
                               const VTH264SliceHeader *sh) {
    unsigned type;
    int idr;
    if (!bs || !sps || !pps || !sh)
        return -1;
    type = sh->slice_type % 5;
    idr = sh->nal_unit_type == VT_H264_NAL_IDR;
    if (sh->slice_type > 9 || type > VT_H264_SLICE_I)
        return -1; /* SP/SI are not written */
    if (idr && type != VT_H264_SLICE_I)
        return -1;
    if ((pps->weighted_pred_flag && type == VT_H264_SLICE_P) ||
        (pps->weighted_bipred_idc == 1 && type == VT_H264_SLICE_B))
        return -1; /* explicit weighted prediction tables are not written */
    if (sps->pic_order_cnt_type == 1 || !sps->frame_mbs_only_flag)
        return -1;

    vt_bs_write_ue(bs, sh->first_mb_in_slice);
    vt_bs_write_ue(bs, sh->slice_type);
    vt_bs_write_ue(bs, sh->pic_parameter_set_id);
    vt_bs_write(bs, sps->log2_max_frame_num_minus4 + 4u, sh->frame_num);
    if (idr)
        vt_bs_write_ue(bs, sh->idr_pic_id);
    if (sps->pic_order_cnt_type == 0) {
        vt_bs_write(bs, sps->log2_max_pic_order_cnt_lsb_minus4 + 4u, sh->pic_order_cnt_lsb);
        if (pps->bottom_field_pic_order_in_frame_present_flag)
            vt_bs_write_se(bs, 0); /* delta_pic_order_cnt_bottom */
    }
    if (pps->redundant_pic_cnt_present_flag)
        vt_bs_write_ue(bs, 0); /* redundant_pic_cnt */
    if (type == VT_H264_SLICE_B)
        vt_bs_write1(bs, sh->direct_spatial_mv_pred_flag);
    if (type == VT_H264_SLICE_P || type == VT_H264_SLICE_B) {
        vt_bs_write1(bs, sh->num_ref_idx_active_override_flag);
        if (sh->num_ref_idx_active_override_flag) {
            vt_bs_write_ue(bs, sh->num_ref_idx_l0_active_minus1);
            if (type == VT_H264_SLICE_B)
                vt_bs_write_ue(bs, sh->num_ref_idx_l1_active_minus1);
        }
    }
    if (type != VT_H264_SLICE_I) {
        if (write_ref_mods(bs, sh->num_ref_mods_l0, sh->ref_mods_l0) < 0)
            return -1;
        if (type == VT_H264_SLICE_B && write_ref_mods(bs, sh->num_ref_mods_l1, sh->ref_mods_l1) < 0)
            return -1;
    }
    if (sh->nal_ref_idc != 0) {
        if (idr) {
            vt_bs_write1(bs, sh->no_output_of_prior_pics_flag);
            vt_bs_write1(bs, sh->long_term_reference_flag);
        } else {
            vt_bs_write1(bs, sh->adaptive_ref_pic_marking_mode_flag);
            if (sh->adaptive_ref_pic_marking_mode_flag) {
                if (sh->num_mmcos > VT_H264_MAX_MMCOS)
                    return -1;
                for (unsigned i = 0; i < sh->num_mmcos; i++) {
                    const VTH264MMCO *m = &sh->mmcos[i];
                    if (m->op < 1 || m->op > 6)
                        return -1;
                    vt_bs_write_ue(bs, m->op);
                    if (m->op == 1 || m->op == 3)
                        vt_bs_write_ue(bs, m->difference_of_pic_nums_minus1);
                    if (m->op == 2)
                        vt_bs_write_ue(bs, m->long_term_pic_num);
                    if (m->op == 3 || m->op == 6)
                        vt_bs_write_ue(bs, m->long_term_frame_idx);
                    if (m->op == 4)
                        vt_bs_write_ue(bs, m->max_long_term_frame_idx_plus1);
                }
                vt_bs_write_ue(bs, 0);
            }
        }
    }
    if (pps->entropy_coding_mode_flag && type != VT_H264_SLICE_I) {
        if (sh->cabac_init_idc > 2)
            return -1;
        vt_bs_write_ue(bs, sh->cabac_init_idc);
    }
    vt_bs_write_se(bs, sh->slice_qp_delta);
    if (pps->deblocking_filter_control_present_flag) {
        if (sh->disable_deblocking_filter_idc > 2)
            return -1;
        vt_bs_write_ue(bs, sh->disable_deblocking_filter_idc);
        if (sh->disable_deblocking_filter_idc != 1) {
            vt_bs_write_se(bs, sh->slice_alpha_c0_offset_div2);
            vt_bs_write_se(bs, sh->slice_beta_offset_div2);
        }
    }
    return bs->overflow ? -1 : 0;
}

int vt_h264_write_aud(VTBitWriter *bs, unsigned primary_pic_type) {
    if (!bs || primary_pic_type > 7)
        return -1;
    vt_bs_write(bs, 3, primary_pic_type);
    vt_bs_rbsp_trailing(bs);
    return bs->overflow ? -1 : 0;
}
