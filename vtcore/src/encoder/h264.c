/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * H.264 bitstream helpers (see h264.h). Syntax per ITU-T H.264 7.3.2.1
 * (SPS), 7.3.2.2 (PPS), 7.3.3 (slice header), E.1 (VUI) and ISO/IEC
 * 14496-15 5.3.3 (avcC).
 */
#include "config.h"

#include <string.h>

#include <VideoToolbox/VTErrors.h>

#include "cm/h264_profile.h"
#include "encoder/h264.h"

/* ------------------------------------------------------------------ */
/* NAL iteration                                                       */

static void fill_nal(VTH264Nal *nal, const uint8_t *data, size_t size) {
    nal->data = data;
    nal->size = size;
    nal->type = size ? (uint8_t)(data[0] & 0x1f) : 0;
    nal->ref_idc = size ? (uint8_t)((data[0] >> 5) & 3) : 0;
}

/* Offset of the first byte after the next 00 00 01 at or after pos, or size. */
static size_t find_start_code(const uint8_t *buf, size_t size, size_t pos, size_t *sc_begin) {
    for (size_t i = pos; i + 2 < size; i++) {
        if (buf[i] == 0 && buf[i + 1] == 0 && buf[i + 2] == 1) {
            *sc_begin = i;
            return i + 3;
        }
    }
    *sc_begin = size;
    return size;
}

int vt_h264_annexb_next(const uint8_t *buf, size_t size, size_t *offset, VTH264Nal *nal) {
    if (!buf || !offset || !nal)
        return 0;
    size_t pos = *offset;
    for (;;) {
        size_t sc;
        size_t start = find_start_code(buf, size, pos, &sc);
        if (start >= size) {
            *offset = size;
            return 0;
        }
        size_t next_sc;
        size_t next = find_start_code(buf, size, start, &next_sc);
        size_t end = next_sc;
        /* trailing_zero_8bits and the leading zero of a 4-byte start code */
        while (end > start && buf[end - 1] == 0)
            end--;
        *offset = next >= size ? size : next_sc;
        if (end > start) {
            fill_nal(nal, buf + start, end - start);
            return 1;
        }
        pos = *offset;
        if (pos >= size)
            return 0;
    }
}

int vt_h264_avcc_next(const uint8_t *buf, size_t size, int length_size, size_t *offset,
                      VTH264Nal *nal) {
    if (!buf || !offset || !nal || (length_size != 1 && length_size != 2 && length_size != 4))
        return -1;
    size_t pos = *offset;
    if (pos >= size)
        return 0;
    if (size - pos < (size_t)length_size)
        return -1;
    size_t len = 0;
    for (int i = 0; i < length_size; i++)
        len = (len << 8) | buf[pos + (size_t)i];
    pos += (size_t)length_size;
    if (len == 0 || len > size - pos)
        return -1;
    fill_nal(nal, buf + pos, len);
    *offset = pos + len;
    return 1;
}

int vt_h264_avcc_validate(const uint8_t *buf, size_t size) {
    if (!buf || size == 0)
        return -1;
    size_t off = 0;
    int count = 0;
    VTH264Nal nal;
    int r;
    while ((r = vt_h264_avcc_next(buf, size, 4, &off, &nal)) == 1) {
        if (nal.data[0] & 0x80)
            return -1;
        count++;
    }
    return r < 0 || count == 0 ? -1 : count;
}

static void put_be32(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

OSStatus vt_h264_annexb_to_avcc(const uint8_t *src, size_t size, uint32_t drop_mask, uint8_t *dst,
                                size_t dst_cap, size_t *out_size) {
    if (!src || !out_size)
        return kVTParameterErr;
    size_t off = 0, need = 0;
    int found = 0;
    VTH264Nal nal;
    while (vt_h264_annexb_next(src, size, &off, &nal)) {
        found = 1;
        if (nal.size > UINT32_MAX)
            return kVTParameterErr;
        if (drop_mask & VT_H264_NAL_MASK(nal.type))
            continue;
        need += 4 + nal.size;
    }
    *out_size = need;
    if (!found)
        return kVTParameterErr;
    if (!dst)
        return noErr;
    if (dst_cap < need)
        return kVTParameterErr;
    off = 0;
    size_t w = 0;
    while (vt_h264_annexb_next(src, size, &off, &nal)) {
        if (drop_mask & VT_H264_NAL_MASK(nal.type))
            continue;
        put_be32(dst + w, (uint32_t)nal.size);
        memmove(dst + w + 4, nal.data, nal.size);
        w += 4 + nal.size;
    }
    return noErr;
}

OSStatus vt_h264_avcc_to_annexb(const uint8_t *src, size_t size, int length_size, uint8_t *dst,
                                size_t dst_cap, size_t *out_size) {
    if (!src || !out_size)
        return kVTParameterErr;
    size_t off = 0, need = 0;
    VTH264Nal nal;
    int r;
    while ((r = vt_h264_avcc_next(src, size, length_size, &off, &nal)) == 1)
        need += 4 + nal.size;
    *out_size = need;
    if (r < 0 || need == 0)
        return kVTParameterErr;
    if (!dst)
        return noErr;
    if (dst_cap < need)
        return kVTParameterErr;
    off = 0;
    size_t w = 0;
    while (vt_h264_avcc_next(src, size, length_size, &off, &nal) == 1) {
        put_be32(dst + w, 1);
        memcpy(dst + w + 4, nal.data, nal.size);
        w += 4 + nal.size;
    }
    return noErr;
}

size_t vt_h264_unescape(const uint8_t *src, size_t size, uint8_t *dst) {
    size_t w = 0;
    int zeros = 0;
    for (size_t i = 0; i < size; i++) {
        uint8_t b = src[i];
        if (zeros >= 2 && b == 3) {
            zeros = 0;
            continue;
        }
        dst[w++] = b;
        zeros = b == 0 ? zeros + 1 : 0;
    }
    return w;
}

/* ------------------------------------------------------------------ */
/* Bit reader over an RBSP                                             */

typedef struct BitReader {
    const uint8_t *data;
    size_t bits;
    size_t pos;
    int error;
} BitReader;

static uint32_t br_bit(BitReader *br) {
    if (br->pos >= br->bits) {
        br->error = 1;
        return 0;
    }
    uint32_t b = (br->data[br->pos >> 3] >> (7 - (br->pos & 7))) & 1;
    br->pos++;
    return b;
}

static uint32_t br_u(BitReader *br, int n) {
    uint32_t v = 0;
    for (int i = 0; i < n; i++)
        v = (v << 1) | br_bit(br);
    return v;
}

static uint32_t br_ue(BitReader *br) {
    int zeros = 0;
    while (!br->error && br_bit(br) == 0) {
        if (++zeros > 31) {
            br->error = 1;
            return 0;
        }
    }
    if (br->error)
        return 0;
    uint64_t v = ((uint64_t)1 << zeros) - 1 + br_u(br, zeros);
    if (v > UINT32_MAX) {
        br->error = 1;
        return 0;
    }
    return (uint32_t)v;
}

static int32_t br_se(BitReader *br) {
    uint32_t k = br_ue(br);
    if (k & 1)
        return (int32_t)((k + 1) / 2);
    return -(int32_t)(k / 2);
}

/* 7.2 more_rbsp_data(): anything before the rbsp_stop_one_bit? */
static int br_more_rbsp_data(const BitReader *br) {
    size_t last = br->bits;
    while (last > 0) {
        size_t p = last - 1;
        if ((br->data[p >> 3] >> (7 - (p & 7))) & 1)
            break;
        last--;
    }
    if (last == 0)
        return 0;
    return br->pos < last - 1; /* last - 1 = position of the stop bit */
}

#define RBSP_MAX 4096

static size_t load_rbsp(const uint8_t *nal, size_t size, uint8_t *buf) {
    /* skip the header byte */
    size_t n = size - 1;
    if (n > RBSP_MAX)
        n = RBSP_MAX;
    return vt_h264_unescape(nal + 1, n, buf);
}

static void skip_scaling_list(BitReader *br, int count) {
    int32_t last = 8, next = 8;
    for (int j = 0; j < count && !br->error; j++) {
        if (next != 0) {
            int32_t delta = br_se(br);
            if (delta < -128 || delta > 127) {
                br->error = 1;
                return;
            }
            next = (last + delta + 256) % 256;
        }
        last = next == 0 ? last : next;
    }
}

static void skip_hrd(BitReader *br) {
    uint32_t cpb_cnt = br_ue(br) + 1;
    if (cpb_cnt > 32) {
        br->error = 1;
        return;
    }
    br_u(br, 4); /* bit_rate_scale */
    br_u(br, 4); /* cpb_size_scale */
    for (uint32_t i = 0; i < cpb_cnt && !br->error; i++) {
        br_ue(br);  /* bit_rate_value_minus1 */
        br_ue(br);  /* cpb_size_value_minus1 */
        br_bit(br); /* cbr_flag */
    }
    br_u(br, 5); /* initial_cpb_removal_delay_length_minus1 */
    br_u(br, 5); /* cpb_removal_delay_length_minus1 */
    br_u(br, 5); /* dpb_output_delay_length_minus1 */
    br_u(br, 5); /* time_offset_length */
}

/* Table E-1 */
static const uint8_t sar_table[17][2] = {
    {0, 0},   {1, 1},   {12, 11}, {10, 11}, {16, 11},  {40, 33}, {24, 11}, {20, 11}, {32, 11},
    {80, 33}, {18, 11}, {15, 11}, {64, 33}, {160, 99}, {4, 3},   {3, 2},   {2, 1},
};

static void parse_vui(BitReader *br, VTH264SPSInfo *s) {
    s->aspect_ratio_present = (Boolean)br_bit(br);
    if (s->aspect_ratio_present) {
        uint32_t idc = br_u(br, 8);
        if (idc == 255) {
            s->sar_width = br_u(br, 16);
            s->sar_height = br_u(br, 16);
        } else if (idc < 17) {
            s->sar_width = sar_table[idc][0];
            s->sar_height = sar_table[idc][1];
        }
    }
    if (br_bit(br)) /* overscan_info_present_flag */
        br_bit(br); /* overscan_appropriate_flag */
    s->video_signal_type_present = (Boolean)br_bit(br);
    if (s->video_signal_type_present) {
        s->video_format = br_u(br, 3);
        s->full_range = (Boolean)br_bit(br);
        s->colour_description_present = (Boolean)br_bit(br);
        if (s->colour_description_present) {
            s->colour_primaries = br_u(br, 8);
            s->transfer_characteristics = br_u(br, 8);
            s->matrix_coefficients = br_u(br, 8);
        }
    }
    if (br_bit(br)) { /* chroma_loc_info_present_flag */
        br_ue(br);
        br_ue(br);
    }
    s->timing_info_present = (Boolean)br_bit(br);
    if (s->timing_info_present) {
        s->timing_bit_offset = (uint32_t)br->pos;
        s->num_units_in_tick = br_u(br, 32);
        s->time_scale = br_u(br, 32);
        s->fixed_frame_rate = (Boolean)br_bit(br);
    }
    s->nal_hrd_present = (Boolean)br_bit(br);
    if (s->nal_hrd_present)
        skip_hrd(br);
    s->vcl_hrd_present = (Boolean)br_bit(br);
    if (s->vcl_hrd_present)
        skip_hrd(br);
    if (s->nal_hrd_present || s->vcl_hrd_present)
        br_bit(br); /* low_delay_hrd_flag */
    br_bit(br);     /* pic_struct_present_flag */
    s->bitstream_restriction = (Boolean)br_bit(br);
    if (s->bitstream_restriction) {
        br_bit(br); /* motion_vectors_over_pic_boundaries_flag */
        br_ue(br);  /* max_bytes_per_pic_denom */
        br_ue(br);  /* max_bits_per_mb_denom */
        br_ue(br);  /* log2_max_mv_length_horizontal */
        br_ue(br);  /* log2_max_mv_length_vertical */
        s->max_num_reorder_frames = br_ue(br);
        s->max_dec_frame_buffering = br_ue(br);
    }
}

OSStatus vt_h264_parse_sps(const uint8_t *nal, size_t size, VTH264SPSInfo *out) {
    if (!nal || !out || size < 4 || (nal[0] & 0x1f) != VT_H264_NAL_SPS)
        return kVTParameterErr;
    uint8_t rbsp[RBSP_MAX];
    size_t n = load_rbsp(nal, size, rbsp);
    BitReader br = {rbsp, n * 8, 0, 0};
    VTH264SPSInfo s;
    memset(&s, 0, sizeof(s));

    s.profile_idc = (uint8_t)br_u(&br, 8);
    s.constraint_flags = (uint8_t)br_u(&br, 8);
    s.level_idc = (uint8_t)br_u(&br, 8);
    s.sps_id = br_ue(&br);
    s.chroma_format_idc = 1;
    s.bit_depth_luma = s.bit_depth_chroma = 8;
    Boolean separate_colour_plane = FALSE;
    if (vt_h264_profile_has_chroma_info(s.profile_idc)) {
        s.chroma_format_idc = br_ue(&br);
        if (s.chroma_format_idc > 3)
            return kVTParameterErr;
        if (s.chroma_format_idc == 3)
            separate_colour_plane = (Boolean)br_bit(&br);
        s.bit_depth_luma = br_ue(&br) + 8;
        s.bit_depth_chroma = br_ue(&br) + 8;
        if (s.bit_depth_luma > 14 || s.bit_depth_chroma > 14)
            return kVTParameterErr;
        s.qpprime_y_zero_transform_bypass = (Boolean)br_bit(&br);
        if (br_bit(&br)) { /* seq_scaling_matrix_present_flag */
            int lists = s.chroma_format_idc != 3 ? 8 : 12;
            for (int i = 0; i < lists && !br.error; i++) {
                if (br_bit(&br))
                    skip_scaling_list(&br, i < 6 ? 16 : 64);
            }
        }
    }
    if (s.sps_id > 31)
        return kVTParameterErr;
    uint32_t l2 = br_ue(&br);
    if (l2 > 12)
        return kVTParameterErr;
    s.log2_max_frame_num = l2 + 4;
    s.pic_order_cnt_type = br_ue(&br);
    if (s.pic_order_cnt_type == 0) {
        if (br_ue(&br) > 12)
            return kVTParameterErr;
    } else if (s.pic_order_cnt_type == 1) {
        br_bit(&br);
        br_se(&br);
        br_se(&br);
        uint32_t cycle = br_ue(&br);
        if (cycle > 255)
            return kVTParameterErr;
        for (uint32_t i = 0; i < cycle && !br.error; i++)
            br_se(&br);
    } else if (s.pic_order_cnt_type != 2) {
        return kVTParameterErr;
    }
    s.max_num_ref_frames = br_ue(&br);
    br_bit(&br); /* gaps_in_frame_num_value_allowed_flag */
    uint32_t w_mbs = br_ue(&br) + 1;
    uint32_t h_map = br_ue(&br) + 1;
    s.frame_mbs_only = (Boolean)br_bit(&br);
    if (!s.frame_mbs_only)
        br_bit(&br); /* mb_adaptive_frame_field_flag */
    s.direct_8x8_inference = (Boolean)br_bit(&br);
    s.frame_cropping = (Boolean)br_bit(&br);
    if (s.frame_cropping) {
        s.crop_left = br_ue(&br);
        s.crop_right = br_ue(&br);
        s.crop_top = br_ue(&br);
        s.crop_bottom = br_ue(&br);
    }
    s.vui_present = (Boolean)br_bit(&br);
    if (br.error)
        return kVTParameterErr;
    if (w_mbs > 1024 || h_map > 1024)
        return kVTParameterErr;
    s.coded_width = w_mbs * 16;
    s.coded_height = h_map * 16 * (s.frame_mbs_only ? 1 : 2);

    uint32_t chroma_array_type = separate_colour_plane ? 0 : s.chroma_format_idc;
    uint32_t cux = 1, cuy = s.frame_mbs_only ? 1 : 2;
    if (chroma_array_type == 1) {
        cux = 2;
        cuy *= 2;
    } else if (chroma_array_type == 2) {
        cux = 2;
    }
    uint64_t cw = (uint64_t)cux * ((uint64_t)s.crop_left + s.crop_right);
    uint64_t ch = (uint64_t)cuy * ((uint64_t)s.crop_top + s.crop_bottom);
    if (cw >= s.coded_width || ch >= s.coded_height)
        return kVTParameterErr;
    s.width = s.coded_width - (uint32_t)cw;
    s.height = s.coded_height - (uint32_t)ch;

    if (s.vui_present) {
        parse_vui(&br, &s);
        if (br.error)
            return kVTParameterErr;
    }
    *out = s;
    return noErr;
}

size_t vt_h264_escape(const uint8_t *src, size_t size, uint8_t *dst, size_t dst_cap) {
    size_t need = 0;
    int zeros = 0;
    for (size_t i = 0; i < size; i++) {
        if (zeros >= 2 && src[i] <= 3) {
            need++;
            zeros = 0;
        }
        need++;
        zeros = src[i] == 0 ? zeros + 1 : 0;
    }
    if (zeros >= 2)
        need++; /* a NAL must not end in 00 00: cabac_zero_word style 03 */
    if (!dst || dst_cap < need)
        return need;
    size_t w = 0;
    zeros = 0;
    for (size_t i = 0; i < size; i++) {
        if (zeros >= 2 && src[i] <= 3) {
            dst[w++] = 3;
            zeros = 0;
        }
        dst[w++] = src[i];
        zeros = src[i] == 0 ? zeros + 1 : 0;
    }
    if (zeros >= 2)
        dst[w++] = 3;
    return w;
}

static void put_bits(uint8_t *buf, size_t pos, int n, uint32_t v) {
    for (int i = n - 1; i >= 0; i--, pos++) {
        uint8_t mask = (uint8_t)(0x80 >> (pos & 7));
        if ((v >> i) & 1)
            buf[pos >> 3] |= mask;
        else
            buf[pos >> 3] &= (uint8_t)~mask;
    }
}

OSStatus vt_h264_sps_set_timing(const uint8_t *sps, size_t size, uint32_t num_units_in_tick,
                                uint32_t time_scale, uint8_t *dst, size_t dst_cap,
                                size_t *out_size) {
    VTH264SPSInfo info;
    if (!dst || !out_size || vt_h264_parse_sps(sps, size, &info) != noErr || size - 1 > RBSP_MAX)
        return kVTParameterErr;
    if (!info.timing_info_present) {
        if (dst_cap < size)
            return kVTParameterErr;
        memmove(dst, sps, size);
        *out_size = size;
        return noErr;
    }
    uint8_t rbsp[RBSP_MAX];
    size_t n = vt_h264_unescape(sps + 1, size - 1, rbsp);
    put_bits(rbsp, info.timing_bit_offset, 32, num_units_in_tick);
    put_bits(rbsp, info.timing_bit_offset + 32, 32, time_scale);
    size_t need = 1 + vt_h264_escape(rbsp, n, NULL, 0);
    if (dst_cap < need)
        return kVTParameterErr;
    uint8_t header = sps[0];
    dst[0] = header;
    *out_size = 1 + vt_h264_escape(rbsp, n, dst + 1, dst_cap - 1);
    return noErr;
}

OSStatus vt_h264_parse_pps(const uint8_t *nal, size_t size, VTH264PPSInfo *out) {
    if (!nal || !out || size < 2 || (nal[0] & 0x1f) != VT_H264_NAL_PPS)
        return kVTParameterErr;
    uint8_t rbsp[RBSP_MAX];
    size_t n = load_rbsp(nal, size, rbsp);
    BitReader br = {rbsp, n * 8, 0, 0};
    VTH264PPSInfo p;
    memset(&p, 0, sizeof(p));
    p.pps_id = br_ue(&br);
    p.sps_id = br_ue(&br);
    p.entropy_coding_mode = (Boolean)br_bit(&br);
    br_bit(&br); /* bottom_field_pic_order_in_frame_present_flag */
    p.num_slice_groups = br_ue(&br) + 1;
    if (p.pps_id > 255 || p.sps_id > 31)
        return kVTParameterErr;
    if (p.num_slice_groups != 1) {
        /* slice groups (FMO) are not produced by any vtcore backend; the
         * fields read so far are still returned. */
        *out = p;
        return br.error ? kVTParameterErr : noErr;
    }
    p.num_ref_idx_l0_default = br_ue(&br) + 1;
    p.num_ref_idx_l1_default = br_ue(&br) + 1;
    p.weighted_pred = (Boolean)br_bit(&br);
    p.weighted_bipred_idc = br_u(&br, 2);
    p.pic_init_qp = 26 + br_se(&br);
    br_se(&br); /* pic_init_qs_minus26 */
    br_se(&br); /* chroma_qp_index_offset */
    p.deblocking_filter_control_present = (Boolean)br_bit(&br);
    p.constrained_intra_pred = (Boolean)br_bit(&br);
    br_bit(&br); /* redundant_pic_cnt_present_flag */
    if (!br.error && br_more_rbsp_data(&br))
        p.transform_8x8_mode = (Boolean)br_bit(&br);
    if (br.error)
        return kVTParameterErr;
    *out = p;
    return noErr;
}

OSStatus vt_h264_parse_slice_start(const uint8_t *nal, size_t size, uint32_t *first_mb,
                                   uint32_t *slice_type) {
    if (!nal || size < 2)
        return kVTParameterErr;
    uint8_t t = nal[0] & 0x1f;
    if (t != VT_H264_NAL_SLICE && t != VT_H264_NAL_IDR)
        return kVTParameterErr;
    uint8_t rbsp[64];
    size_t n = size - 1 > sizeof(rbsp) ? sizeof(rbsp) : size - 1;
    n = vt_h264_unescape(nal + 1, n, rbsp);
    BitReader br = {rbsp, n * 8, 0, 0};
    uint32_t mb = br_ue(&br);
    uint32_t st = br_ue(&br);
    if (br.error || st > 9)
        return kVTParameterErr;
    if (first_mb)
        *first_mb = mb;
    if (slice_type)
        *slice_type = st;
    return noErr;
}

OSStatus vt_h264_avcc_config_build(const uint8_t *sps, size_t sps_size, const uint8_t *pps,
                                   size_t pps_size, uint8_t *dst, size_t dst_cap,
                                   size_t *out_size) {
    if (!sps || !pps || !out_size || sps_size < 4 || pps_size < 1 || sps_size > 0xffff ||
        pps_size > 0xffff)
        return kVTParameterErr;
    VTH264SPSInfo info;
    if (vt_h264_parse_sps(sps, sps_size, &info) != noErr)
        return kVTParameterErr;
    if ((pps[0] & 0x1f) != VT_H264_NAL_PPS)
        return kVTParameterErr;
    int ext = vt_h264_profile_has_chroma_info(info.profile_idc);
    size_t need = 6 + 2 + sps_size + 1 + 2 + pps_size + (ext ? 4 : 0);
    *out_size = need;
    if (!dst)
        return noErr;
    if (dst_cap < need)
        return kVTParameterErr;
    size_t w = 0;
    dst[w++] = 1;        /* configurationVersion */
    dst[w++] = sps[1];   /* AVCProfileIndication */
    dst[w++] = sps[2];   /* profile_compatibility */
    dst[w++] = sps[3];   /* AVCLevelIndication */
    dst[w++] = 0xfc | 3; /* reserved + lengthSizeMinusOne = 3 */
    dst[w++] = 0xe0 | 1; /* reserved + numOfSequenceParameterSets = 1 */
    dst[w++] = (uint8_t)(sps_size >> 8);
    dst[w++] = (uint8_t)sps_size;
    memcpy(dst + w, sps, sps_size);
    w += sps_size;
    dst[w++] = 1; /* numOfPictureParameterSets */
    dst[w++] = (uint8_t)(pps_size >> 8);
    dst[w++] = (uint8_t)pps_size;
    memcpy(dst + w, pps, pps_size);
    w += pps_size;
    if (ext) {
        dst[w++] = (uint8_t)(0xfc | (info.chroma_format_idc & 3));
        dst[w++] = (uint8_t)(0xf8 | ((info.bit_depth_luma - 8) & 7));
        dst[w++] = (uint8_t)(0xf8 | ((info.bit_depth_chroma - 8) & 7));
        dst[w++] = 0; /* numOfSequenceParameterSetExt */
    }
    return noErr;
}
