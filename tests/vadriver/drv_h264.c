/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * TEST FIXTURE ONLY: see drv_h264.h. Written from ITU-T H.264 clauses 7.3
 * (syntax), 9.3.1 (CABAC initialisation) and 9.3.4 (arithmetic encoding).
 */
#include <stdlib.h>
#include <string.h>

#include "drv_h264.h"

/* ---- bit reader ---------------------------------------------------------- */

void drv_br_init(DrvBitReader *br, const uint8_t *buf, size_t bits) {
    br->buf = buf;
    br->bits = bits;
    br->pos = 0;
    br->error = 0;
}

uint32_t drv_br_u(DrvBitReader *br, unsigned n) {
    uint32_t v = 0;
    if (n > 32 || br->pos + n > br->bits) {
        br->error = 1;
        br->pos = br->bits;
        return 0;
    }
    for (unsigned i = 0; i < n; i++, br->pos++)
        v = (v << 1) | ((br->buf[br->pos / 8] >> (7 - br->pos % 8)) & 1u);
    return v;
}

uint32_t drv_br_ue(DrvBitReader *br) {
    unsigned zeros = 0;
    while (!br->error && drv_br_u(br, 1) == 0) {
        if (++zeros > 31) {
            br->error = 1;
            return 0;
        }
    }
    if (br->error)
        return 0;
    if (zeros == 0)
        return 0;
    return (uint32_t)(((uint64_t)1 << zeros) - 1 + drv_br_u(br, zeros));
}

int32_t drv_br_se(DrvBitReader *br) {
    uint32_t k = drv_br_ue(br);
    if (k & 1)
        return (int32_t)((k + 1) / 2);
    return -(int32_t)(k / 2);
}

/* ---- bit writer (growable) ---------------------------------------------- */

void drv_bw_init(DrvBitWriter *bw) {
    memset(bw, 0, sizeof(*bw));
}

void drv_bw_free(DrvBitWriter *bw) {
    free(bw->buf);
    memset(bw, 0, sizeof(*bw));
}

static int bw_reserve(DrvBitWriter *bw, size_t more_bits) {
    size_t need = (bw->bits + more_bits + 7) / 8 + 1;
    if (bw->error)
        return 0;
    if (need > bw->cap) {
        size_t cap = bw->cap ? bw->cap * 2 : 4096;
        while (cap < need)
            cap *= 2;
        uint8_t *p = realloc(bw->buf, cap);
        if (!p) {
            bw->error = 1;
            return 0;
        }
        memset(p + bw->cap, 0, cap - bw->cap);
        bw->buf = p;
        bw->cap = cap;
    }
    return 1;
}

void drv_bw_u(DrvBitWriter *bw, unsigned n, uint32_t v) {
    if (!n || !bw_reserve(bw, n))
        return;
    for (unsigned i = n; i-- > 0; bw->bits++) {
        if ((v >> i) & 1u)
            bw->buf[bw->bits / 8] |= (uint8_t)(0x80u >> (bw->bits % 8));
    }
}

void drv_bw_ue(DrvBitWriter *bw, uint32_t v) {
    uint64_t x = (uint64_t)v + 1;
    unsigned len = 0;
    while ((x >> len) > 1)
        len++;
    drv_bw_u(bw, len, 0);
    drv_bw_u(bw, len + 1, (uint32_t)x);
}

void drv_bw_align(DrvBitWriter *bw, unsigned bit) {
    while (bw->bits % 8)
        drv_bw_u(bw, 1, bit);
}

void drv_bw_bits(DrvBitWriter *bw, const uint8_t *src, size_t bits) {
    if (!bw_reserve(bw, bits))
        return;
    for (size_t i = 0; i < bits; i++)
        drv_bw_u(bw, 1, (src[i / 8] >> (7 - i % 8)) & 1u);
}

/* ---- emulation prevention ------------------------------------------------ */

size_t drv_unescape(const uint8_t *src, size_t size, uint8_t *dst, size_t *removed) {
    size_t n = 0, zeros = 0, rem = 0;
    for (size_t i = 0; i < size; i++) {
        if (zeros >= 2 && src[i] == 3) {
            zeros = 0;
            rem++;
            continue;
        }
        dst[n++] = src[i];
        zeros = src[i] == 0 ? zeros + 1 : 0;
    }
    if (removed)
        *removed = rem;
    return n;
}

int drv_escape(const uint8_t *rbsp, size_t rbsp_size, uint8_t *out, size_t cap, size_t *pos) {
    size_t zeros = 0, p = *pos;
    for (size_t i = 0; i < rbsp_size; i++) {
        if (zeros >= 2 && rbsp[i] <= 3) {
            if (p >= cap)
                return 0;
            out[p++] = 3;
            zeros = 0;
        }
        if (p >= cap)
            return 0;
        out[p++] = rbsp[i];
        zeros = rbsp[i] == 0 ? zeros + 1 : 0;
    }
    *pos = p;
    return 1;
}

/* ---- SPS ----------------------------------------------------------------- */

static const char *parse_hrd(DrvBitReader *br, DrvSPS *s, int first) {
    unsigned cnt = drv_br_ue(br) + 1;
    unsigned br_scale = drv_br_u(br, 4), cpb_scale = drv_br_u(br, 4);
    if (cnt > 32)
        return "HRD cpb_cnt_minus1 > 31";
    for (unsigned i = 0; i < cnt; i++) {
        uint64_t rate = (uint64_t)drv_br_ue(br) + 1, size = (uint64_t)drv_br_ue(br) + 1;
        unsigned cbr = drv_br_u(br, 1);
        if (first && i == 0) {
            s->hrd_bit_rate = rate << (6 + br_scale);
            s->hrd_cpb_size = size << (4 + cpb_scale);
            s->hrd_cbr = cbr;
        }
    }
    drv_br_u(br, 5 * 4);
    return NULL;
}

const char *drv_parse_sps(const uint8_t *rbsp, size_t bits, DrvSPS *s) {
    DrvBitReader br;
    const char *err;
    memset(s, 0, sizeof(*s));
    drv_br_init(&br, rbsp, bits);
    s->profile_idc = drv_br_u(&br, 8);
    s->constraint_byte = drv_br_u(&br, 8);
    s->level_idc = drv_br_u(&br, 8);
    s->sps_id = drv_br_ue(&br);
    if (s->sps_id > 31)
        return "seq_parameter_set_id > 31";
    s->chroma_format_idc = 1;
    s->bit_depth_luma = s->bit_depth_chroma = 8;
    switch (s->profile_idc) {
    case 100:
    case 110:
    case 122:
    case 244:
    case 44:
    case 83:
    case 86:
    case 118:
    case 128:
    case 138:
    case 139:
    case 134:
    case 135:
        s->chroma_format_idc = drv_br_ue(&br);
        if (s->chroma_format_idc == 3)
            drv_br_u(&br, 1);
        s->bit_depth_luma = drv_br_ue(&br) + 8;
        s->bit_depth_chroma = drv_br_ue(&br) + 8;
        if (drv_br_u(&br, 1))
            return "qpprime_y_zero_transform_bypass_flag set";
        if (drv_br_u(&br, 1))
            return "SPS scaling matrices (not supported by the test driver)";
        break;
    default:
        break;
    }
    s->log2_max_frame_num = drv_br_ue(&br) + 4;
    s->poc_type = drv_br_ue(&br);
    if (s->poc_type == 0) {
        s->log2_max_poc_lsb = drv_br_ue(&br) + 4;
    } else if (s->poc_type == 1) {
        return "pic_order_cnt_type 1 (not supported by the test driver)";
    } else if (s->poc_type != 2) {
        return "pic_order_cnt_type > 2";
    }
    s->max_num_ref_frames = drv_br_ue(&br);
    s->gaps_allowed = drv_br_u(&br, 1);
    s->width_mbs = drv_br_ue(&br) + 1;
    s->height_mbs = drv_br_ue(&br) + 1;
    s->frame_mbs_only = drv_br_u(&br, 1);
    if (!s->frame_mbs_only)
        return "frame_mbs_only_flag 0 (interlace)";
    s->direct_8x8_inference = drv_br_u(&br, 1);
    s->crop = drv_br_u(&br, 1);
    if (s->crop) {
        s->crop_left = drv_br_ue(&br);
        s->crop_right = drv_br_ue(&br);
        s->crop_top = drv_br_ue(&br);
        s->crop_bottom = drv_br_ue(&br);
    }
    s->vui = drv_br_u(&br, 1);
    if (s->vui) {
        s->aspect_ratio_info = drv_br_u(&br, 1);
        if (s->aspect_ratio_info) {
            s->aspect_ratio_idc = drv_br_u(&br, 8);
            if (s->aspect_ratio_idc == 255) {
                s->sar_width = drv_br_u(&br, 16);
                s->sar_height = drv_br_u(&br, 16);
            }
        }
        if (drv_br_u(&br, 1))
            drv_br_u(&br, 1);
        s->video_signal_type = drv_br_u(&br, 1);
        if (s->video_signal_type) {
            s->video_format = drv_br_u(&br, 3);
            s->full_range = drv_br_u(&br, 1);
            s->colour_description = drv_br_u(&br, 1);
            if (s->colour_description) {
                s->colour_primaries = drv_br_u(&br, 8);
                s->transfer_characteristics = drv_br_u(&br, 8);
                s->matrix_coefficients = drv_br_u(&br, 8);
            }
        }
        if (drv_br_u(&br, 1)) {
            drv_br_ue(&br);
            drv_br_ue(&br);
        }
        s->timing_info = drv_br_u(&br, 1);
        if (s->timing_info) {
            s->num_units_in_tick = drv_br_u(&br, 32);
            s->time_scale = drv_br_u(&br, 32);
            s->fixed_frame_rate = drv_br_u(&br, 1);
        }
        s->nal_hrd = drv_br_u(&br, 1);
        if (s->nal_hrd && (err = parse_hrd(&br, s, 1)) != NULL)
            return err;
        s->vcl_hrd = drv_br_u(&br, 1);
        if (s->vcl_hrd && (err = parse_hrd(&br, s, !s->nal_hrd)) != NULL)
            return err;
        if (s->nal_hrd || s->vcl_hrd)
            s->low_delay_hrd = drv_br_u(&br, 1);
        drv_br_u(&br, 1); /* pic_struct_present_flag */
        s->bitstream_restriction = drv_br_u(&br, 1);
        if (s->bitstream_restriction) {
            drv_br_u(&br, 1);
            drv_br_ue(&br);
            drv_br_ue(&br);
            s->log2_max_mv_length_horizontal = drv_br_ue(&br);
            s->log2_max_mv_length_vertical = drv_br_ue(&br);
            s->max_num_reorder_frames = drv_br_ue(&br);
            s->max_dec_frame_buffering = drv_br_ue(&br);
        }
    }
    /* rbsp_trailing_bits: a one, then zeros to the end */
    if (drv_br_u(&br, 1) != 1)
        return "SPS: missing rbsp_stop_one_bit";
    while (br.pos < br.bits)
        if (drv_br_u(&br, 1))
            return "SPS: data after rbsp_stop_one_bit";
    if (br.error)
        return "SPS truncated";
    s->valid = 1;
    return NULL;
}

/* ---- PPS ----------------------------------------------------------------- */

/* more_rbsp_data(): whether bits remain before the rbsp_stop_one_bit. */
static int more_rbsp_data(const DrvBitReader *br) {
    size_t last = br->bits;
    while (last > 0) {
        last--;
        if ((br->buf[last / 8] >> (7 - last % 8)) & 1u)
            break;
    }
    return br->pos < last;
}

const char *drv_parse_pps(const uint8_t *rbsp, size_t bits, const DrvSPS *sps_table, DrvPPS *p) {
    DrvBitReader br;
    memset(p, 0, sizeof(*p));
    drv_br_init(&br, rbsp, bits);
    p->pps_id = drv_br_ue(&br);
    p->sps_id = drv_br_ue(&br);
    if (p->pps_id > 255 || p->sps_id > 31)
        return "PPS ids out of range";
    if (!sps_table[p->sps_id].valid)
        return "PPS refers to an SPS that was never sent";
    p->entropy_coding_mode = drv_br_u(&br, 1);
    p->bottom_field_pic_order_present = drv_br_u(&br, 1);
    if (drv_br_ue(&br) != 0)
        return "slice groups (FMO)";
    p->num_ref_idx_l0_default = drv_br_ue(&br);
    p->num_ref_idx_l1_default = drv_br_ue(&br);
    if (p->num_ref_idx_l0_default > 31 || p->num_ref_idx_l1_default > 31)
        return "PPS num_ref_idx_default > 32";
    p->weighted_pred = drv_br_u(&br, 1);
    p->weighted_bipred_idc = drv_br_u(&br, 2);
    p->pic_init_qp = 26 + drv_br_se(&br);
    p->pic_init_qs = 26 + drv_br_se(&br);
    p->chroma_qp_index_offset = drv_br_se(&br);
    p->deblocking_filter_control_present = drv_br_u(&br, 1);
    p->constrained_intra_pred = drv_br_u(&br, 1);
    p->redundant_pic_cnt_present = drv_br_u(&br, 1);
    p->second_chroma_qp_index_offset = p->chroma_qp_index_offset;
    if (more_rbsp_data(&br)) {
        p->transform_8x8_mode = drv_br_u(&br, 1);
        if (drv_br_u(&br, 1))
            return "PPS scaling matrices (not supported by the test driver)";
        p->second_chroma_qp_index_offset = drv_br_se(&br);
    }
    if (drv_br_u(&br, 1) != 1)
        return "PPS: missing rbsp_stop_one_bit";
    while (br.pos < br.bits)
        if (drv_br_u(&br, 1))
            return "PPS: data after rbsp_stop_one_bit";
    if (br.error)
        return "PPS truncated";
    if (p->pic_init_qp < 0 || p->pic_init_qp > 51 || p->chroma_qp_index_offset < -12 ||
        p->chroma_qp_index_offset > 12)
        return "PPS QP values out of range";
    p->valid = 1;
    return NULL;
}

/* ---- slice header ---------------------------------------------------------- */

static const char *parse_mods(DrvBitReader *br, DrvSliceHeader *sh, int list) {
    if (!drv_br_u(br, 1))
        return NULL;
    for (;;) {
        unsigned idc = drv_br_ue(br);
        if (br->error)
            return "slice header truncated in ref_pic_list_modification";
        if (idc == 3)
            return NULL;
        if (idc > 2)
            return "modification_of_pic_nums_idc > 3";
        if (sh->n_mods[list] >= DRV_MAX_MODS)
            return "too many ref_pic_list_modification entries";
        sh->mod_idc[list][sh->n_mods[list]] = idc;
        sh->mod_val[list][sh->n_mods[list]] = drv_br_ue(br);
        sh->n_mods[list]++;
    }
}

const char *drv_parse_slice_header(const uint8_t *rbsp, size_t bits, unsigned nal_unit_type,
                                   unsigned nal_ref_idc, const DrvSPS *sps_table,
                                   const DrvPPS *pps_table, DrvSliceHeader *sh) {
    DrvBitReader br;
    const DrvSPS *s;
    const DrvPPS *p;
    unsigned type;
    const char *err;

    memset(sh, 0, sizeof(*sh));
    sh->nal_unit_type = nal_unit_type;
    sh->nal_ref_idc = nal_ref_idc;
    drv_br_init(&br, rbsp, bits);
    sh->first_mb = drv_br_ue(&br);
    sh->slice_type = drv_br_ue(&br);
    if (sh->slice_type > 9)
        return "slice_type > 9";
    type = sh->slice_type % 5;
    if (type > 2)
        return "SP/SI slice";
    sh->pps_id = drv_br_ue(&br);
    if (sh->pps_id > 255 || !pps_table[sh->pps_id].valid)
        return "slice refers to a PPS that was never sent";
    p = &pps_table[sh->pps_id];
    s = &sps_table[p->sps_id];
    if (!s->valid)
        return "slice refers to an SPS that was never sent";
    sh->frame_num = drv_br_u(&br, s->log2_max_frame_num);
    if (nal_unit_type == 5) {
        if (type != 2)
            return "IDR picture with a non-I slice";
        sh->idr_pic_id = drv_br_ue(&br);
        if (sh->idr_pic_id > 65535)
            return "idr_pic_id > 65535";
    }
    if (s->poc_type == 0) {
        sh->poc_lsb = drv_br_u(&br, s->log2_max_poc_lsb);
        if (p->bottom_field_pic_order_present)
            sh->delta_poc_bottom = drv_br_se(&br);
    }
    if (p->redundant_pic_cnt_present && drv_br_ue(&br) != 0)
        return "redundant picture";
    if (type == 1)
        sh->direct_spatial = drv_br_u(&br, 1);
    sh->num_ref_idx_l0 = p->num_ref_idx_l0_default;
    sh->num_ref_idx_l1 = p->num_ref_idx_l1_default;
    if (type != 2) {
        sh->override = drv_br_u(&br, 1);
        if (sh->override) {
            sh->num_ref_idx_l0 = drv_br_ue(&br);
            if (type == 1)
                sh->num_ref_idx_l1 = drv_br_ue(&br);
        }
        if (sh->num_ref_idx_l0 > 31 || sh->num_ref_idx_l1 > 31)
            return "num_ref_idx_active > 32";
        if ((err = parse_mods(&br, sh, 0)) != NULL)
            return err;
        if (type == 1 && (err = parse_mods(&br, sh, 1)) != NULL)
            return err;
    }
    if ((p->weighted_pred && type == 0) || (p->weighted_bipred_idc == 1 && type == 1))
        return "explicit weighted prediction (not supported by the test driver)";
    if (nal_ref_idc) {
        if (nal_unit_type == 5) {
            sh->no_output_of_prior_pics = drv_br_u(&br, 1);
            sh->long_term_reference = drv_br_u(&br, 1);
        } else {
            sh->adaptive_marking = drv_br_u(&br, 1);
            while (sh->adaptive_marking) {
                unsigned op = drv_br_ue(&br);
                if (br.error)
                    return "slice header truncated in dec_ref_pic_marking";
                if (op == 0)
                    break;
                if (op > 6)
                    return "memory_management_control_operation > 6";
                if (sh->n_mmco >= DRV_MAX_MMCO)
                    return "too many MMCOs";
                sh->mmco_op[sh->n_mmco] = op;
                if (op == 1 || op == 3 || op == 2 || op == 6 || op == 4)
                    sh->mmco_a[sh->n_mmco] = drv_br_ue(&br);
                if (op == 3)
                    sh->mmco_b[sh->n_mmco] = drv_br_ue(&br);
                sh->n_mmco++;
            }
        }
    } else if (nal_unit_type == 5) {
        return "IDR with nal_ref_idc 0";
    }
    if (p->entropy_coding_mode && type != 2) {
        sh->cabac_init_idc = drv_br_ue(&br);
        if (sh->cabac_init_idc > 2)
            return "cabac_init_idc > 2";
    }
    sh->slice_qp_delta = drv_br_se(&br);
    if (p->pic_init_qp + sh->slice_qp_delta < 0 || p->pic_init_qp + sh->slice_qp_delta > 51)
        return "SliceQPY out of 0..51";
    if (p->deblocking_filter_control_present) {
        sh->disable_deblocking = drv_br_ue(&br);
        if (sh->disable_deblocking > 2)
            return "disable_deblocking_filter_idc > 2";
        if (sh->disable_deblocking != 1) {
            sh->alpha_div2 = drv_br_se(&br);
            sh->beta_div2 = drv_br_se(&br);
            if (sh->alpha_div2 < -6 || sh->alpha_div2 > 6 || sh->beta_div2 < -6 ||
                sh->beta_div2 > 6)
                return "deblocking offsets out of -6..6";
        }
    }
    if (br.error)
        return "slice header truncated";
    sh->header_bits = br.pos;
    return NULL;
}

/* ---- CABAC ------------------------------------------------------------------ */

/* Table 9-44: rangeTabLPS[pStateIdx][qCodIRangeIdx] */
/* clang-format off */
static const uint8_t range_lps[64][4] = {
    {128,176,208,240},{128,167,197,227},{128,158,187,216},{123,150,178,205},
    {116,142,169,195},{111,135,160,185},{105,128,152,175},{100,122,144,166},
    {95,116,137,158},{90,110,130,150},{85,104,123,142},{81,99,117,135},
    {77,94,111,128},{73,89,105,122},{69,85,100,116},{66,80,95,110},
    {62,76,90,104},{59,72,86,99},{56,69,81,94},{53,65,77,89},
    {51,62,73,85},{48,59,69,80},{46,56,66,76},{43,53,63,72},
    {41,50,59,69},{39,48,56,65},{37,45,54,62},{35,43,51,59},
    {33,41,48,56},{32,39,46,53},{30,37,43,50},{29,35,41,48},
    {27,33,39,45},{26,31,37,43},{24,30,35,41},{23,28,33,39},
    {22,27,32,37},{21,26,30,35},{20,24,29,33},{19,23,27,31},
    {18,22,26,30},{17,21,25,28},{16,20,23,27},{15,19,22,25},
    {14,18,21,24},{14,17,20,23},{13,16,19,22},{12,15,18,21},
    {12,14,17,20},{11,14,16,19},{11,13,15,18},{10,12,15,17},
    {10,12,14,16},{9,11,13,15},{9,11,12,14},{8,10,12,14},
    {8,9,11,13},{7,9,11,12},{7,9,10,12},{7,8,10,11},
    {6,8,9,11},{6,7,9,10},{6,7,8,9},{2,2,2,2},
};

/* Table 9-45: transIdxLPS (transIdxMPS is min(s + 1, 62)) */
static const uint8_t trans_lps[64] = {
    0,0,1,2,2,4,4,5,6,7,8,9,9,11,11,12,13,13,15,15,16,16,18,18,19,19,21,21,22,22,23,24,
    24,25,26,26,27,27,28,29,29,30,30,30,31,32,32,33,33,33,34,34,35,35,35,36,36,36,37,37,
    37,38,38,63,
};

/* (m, n) initialisation values (Tables 9-12 to 9-14) for the contexts used:
 * [0] I slices (ctxIdx 0..10); [1 + cabac_init_idc] P and B slices (11..39). */
static const int8_t init_i[11][2] = {
    {20,-15},{2,54},{3,74},{20,-15},{2,54},{3,74},{-28,127},{-23,104},{-6,53},{-1,54},{7,51},
};
static const int8_t init_pb[3][29][2] = {
    { /* cabac_init_idc 0 */
      {23,33},{23,2},{21,0},{1,9},{0,49},{-37,118},{5,57},{-13,78},{-11,65},{1,62},{12,49},
      {-4,73},{17,50},
      {18,64},{9,43},{29,0},{26,67},{16,90},{9,104},{-46,127},{-20,104},{1,67},{-13,78},
      {-11,65},{1,62},{-6,86},{-17,95},{-6,61},{9,45} },
    { /* cabac_init_idc 1 */
      {22,25},{34,0},{16,0},{-2,9},{4,41},{-29,118},{2,65},{-6,71},{-13,79},{5,52},{9,50},
      {-3,70},{10,54},
      {26,34},{19,22},{40,0},{57,2},{41,36},{26,69},{-45,127},{-15,101},{-4,76},{-6,71},
      {-13,79},{5,52},{6,69},{-13,90},{0,52},{8,43} },
    { /* cabac_init_idc 2 */
      {29,16},{25,0},{14,0},{-10,51},{-3,62},{-27,99},{26,16},{-4,85},{-24,102},{5,57},
      {6,57},{-17,73},{14,57},
      {20,40},{20,10},{29,0},{54,0},{37,42},{12,97},{-32,127},{-22,117},{-2,74},{-4,85},
      {-24,102},{5,57},{-6,93},{-14,88},{-6,44},{4,55} },
};
/* clang-format on */

static int floor_shift4(int v) {
    return v >= 0 ? v / 16 : -((-v + 15) / 16);
}

static void init_ctx(DrvCabac *c, unsigned ctx, int m, int n, int qp) {
    int pre = floor_shift4(m * qp) + n;
    if (pre < 1)
        pre = 1;
    if (pre > 126)
        pre = 126;
    if (pre <= 63) {
        c->state[ctx] = (uint8_t)(63 - pre);
        c->mps[ctx] = 0;
    } else {
        c->state[ctx] = (uint8_t)(pre - 64);
        c->mps[ctx] = 1;
    }
}

void drv_cabac_init_contexts(DrvCabac *c, unsigned slice_type, unsigned cabac_init_idc, int qp) {
    if (qp < 0)
        qp = 0;
    if (qp > 51)
        qp = 51;
    memset(c->state, 0, sizeof(c->state));
    memset(c->mps, 0, sizeof(c->mps));
    for (unsigned i = 0; i < 11; i++)
        init_ctx(c, i, init_i[i][0], init_i[i][1], qp);
    if (slice_type != 2 && cabac_init_idc <= 2) {
        for (unsigned i = 0; i < 29; i++)
            init_ctx(c, 11 + i, init_pb[cabac_init_idc][i][0], init_pb[cabac_init_idc][i][1], qp);
    }
}

void drv_cabac_init_engine(DrvCabac *c, DrvBitWriter *bw) {
    c->bw = bw;
    c->low = 0;
    c->range = 510;
    c->first_bit = 1;
    c->outstanding = 0;
}

static void put_bit(DrvCabac *c, unsigned b) {
    if (c->first_bit)
        c->first_bit = 0;
    else
        drv_bw_u(c->bw, 1, b);
    while (c->outstanding > 0) {
        drv_bw_u(c->bw, 1, 1 - b);
        c->outstanding--;
    }
}

static void renorm(DrvCabac *c) {
    while (c->range < 256) {
        if (c->low < 256) {
            put_bit(c, 0);
        } else if (c->low >= 512) {
            c->low -= 512;
            put_bit(c, 1);
        } else {
            c->low -= 256;
            c->outstanding++;
        }
        c->range <<= 1;
        c->low <<= 1;
    }
}

void drv_cabac_decision(DrvCabac *c, unsigned ctx, unsigned bin) {
    unsigned s = c->state[ctx];
    uint32_t lps = range_lps[s][(c->range >> 6) & 3];
    c->range -= lps;
    if (bin != c->mps[ctx]) {
        c->low += c->range;
        c->range = lps;
        if (s == 0)
            c->mps[ctx] = (uint8_t)(1 - c->mps[ctx]);
        c->state[ctx] = trans_lps[s];
    } else if (s < 62) {
        c->state[ctx] = (uint8_t)(s + 1);
    }
    renorm(c);
}

void drv_cabac_terminate(DrvCabac *c, unsigned bin) {
    c->range -= 2;
    if (bin) {
        c->low += c->range;
        /* EncodeFlush */
        c->range = 2;
        renorm(c);
        put_bit(c, (c->low >> 9) & 1);
        drv_bw_u(c->bw, 2, ((c->low >> 7) & 3) | 1);
    } else {
        renorm(c);
    }
}
