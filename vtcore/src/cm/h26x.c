/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * H.264 / HEVC sequence parameter set parsing (ITU-T H.264 7.3.2.1,
 * H.265 7.3.2.2) and avcC / hvcC records (ISO/IEC 14496-15 5.3.3, 8.3.3).
 */
#include "config.h"

#include <string.h>

#include "cm/bitreader.h"
#include "cm/h26x.h"
#include "mem.h"

/* Largest picture dimension accepted from a parameter set (luma samples). */
#define VT_H26X_MAX_DIM 65536

/* RBSP of a NAL unit without its header, in `stack` when it fits. */
typedef struct VTRbsp {
    uint8_t stack[512];
    uint8_t *data;
    size_t size;
} VTRbsp;

static int rbsp_init(VTRbsp *r, const uint8_t *payload, size_t size) {
    r->data = size <= sizeof(r->stack) ? r->stack : vt_malloc(size);
    if (!r->data)
        return VT_H26X_NOMEM;
    r->size = vt_nal_to_rbsp(r->data, payload, size);
    return VT_H26X_OK;
}

static void rbsp_free(VTRbsp *r) {
    if (r->data != r->stack)
        vt_free(r->data);
}

/* ---- H.264 ---- */

static void h264_skip_scaling_list(VTBitReader *br, unsigned size) {
    int32_t last = 8, next = 8;
    unsigned j;
    for (j = 0; j < size && !br->error; j++) {
        if (next != 0) {
            int32_t delta = vt_br_read_se(br);
            if (delta < -128 || delta > 127) {
                br->error = 1;
                return;
            }
            next = (last + delta + 256) % 256;
        }
        last = next == 0 ? last : next;
    }
}

static const uint16_t h264_sar_table[17][2] = {
    {0, 0},   {1, 1},   {12, 11}, {10, 11}, {16, 11},  {40, 33}, {24, 11}, {20, 11}, {32, 11},
    {80, 33}, {18, 11}, {15, 11}, {64, 33}, {160, 99}, {4, 3},   {3, 2},   {2, 1},
};

/* H.264 E.1.1 up to chroma_loc_info. Errors leave vui zeroed. */
static void h264_parse_vui(VTBitReader *br, VTCMVideoVUI *vui) {
    VTCMVideoVUI v;
    memset(&v, 0, sizeof(v));
    if (vt_br_read_bit(br)) { /* aspect_ratio_info_present_flag */
        uint32_t idc = vt_br_read(br, 8);
        if (idc == 255) {
            v.sar_num = vt_br_read(br, 16);
            v.sar_den = vt_br_read(br, 16);
        } else if (idc >= 1 && idc <= 16) {
            v.sar_num = h264_sar_table[idc][0];
            v.sar_den = h264_sar_table[idc][1];
        }
        v.has_sar = v.sar_num != 0 && v.sar_den != 0;
    }
    if (vt_br_read_bit(br))   /* overscan_info_present_flag */
        vt_br_read_bit(br);   /* overscan_appropriate_flag */
    if (vt_br_read_bit(br)) { /* video_signal_type_present_flag */
        vt_br_read(br, 3);    /* video_format */
        v.has_signal_type = 1;
        v.full_range = (int)vt_br_read_bit(br);
        if (vt_br_read_bit(br)) { /* colour_description_present_flag */
            v.has_colour = 1;
            v.primaries = (uint8_t)vt_br_read(br, 8);
            v.transfer = (uint8_t)vt_br_read(br, 8);
            v.matrix = (uint8_t)vt_br_read(br, 8);
        }
    }
    if (vt_br_read_bit(br)) { /* chroma_loc_info_present_flag */
        v.chroma_loc_top = vt_br_read_ue(br);
        v.chroma_loc_bottom = vt_br_read_ue(br);
        v.has_chroma_loc = v.chroma_loc_top <= 5 && v.chroma_loc_bottom <= 5;
    }
    if (!br->error)
        *vui = v;
}

static int h264_parse_sps_rbsp(VTBitReader *br, VTCMH264SPS *s) {
    uint32_t poc_type, w_mbs, h_map_units, v;
    unsigned sub_w, sub_h, crop_ux, crop_uy;
    uint64_t cl, cr, ct, cb;

    s->profile_idc = (uint8_t)vt_br_read(br, 8);
    s->constraint_flags = (uint8_t)vt_br_read(br, 8);
    s->level_idc = (uint8_t)vt_br_read(br, 8);
    s->sps_id = vt_br_read_ue(br);
    if (br->error || s->sps_id > 31)
        return VT_H26X_INVALID;

    s->chroma_format_idc = 1;
    s->bit_depth_luma = s->bit_depth_chroma = 8;
    if (vt_h264_profile_has_chroma_info(s->profile_idc)) {
        s->chroma_format_idc = vt_br_read_ue(br);
        if (s->chroma_format_idc > 3)
            return VT_H26X_INVALID;
        if (s->chroma_format_idc == 3)
            s->separate_colour_plane = (int)vt_br_read_bit(br);
        v = vt_br_read_ue(br);
        if (v > 6)
            return VT_H26X_INVALID;
        s->bit_depth_luma = 8 + v;
        v = vt_br_read_ue(br);
        if (v > 6)
            return VT_H26X_INVALID;
        s->bit_depth_chroma = 8 + v;
        vt_br_read_bit(br);       /* qpprime_y_zero_transform_bypass_flag */
        if (vt_br_read_bit(br)) { /* seq_scaling_matrix_present_flag */
            unsigned i, n = s->chroma_format_idc != 3 ? 8 : 12;
            for (i = 0; i < n && !br->error; i++)
                if (vt_br_read_bit(br))
                    h264_skip_scaling_list(br, i < 6 ? 16 : 64);
        }
    }
    if (br->error)
        return VT_H26X_INVALID;

    if (vt_br_read_ue(br) > 12) /* log2_max_frame_num_minus4 */
        return VT_H26X_INVALID;
    poc_type = vt_br_read_ue(br);
    if (poc_type > 2)
        return VT_H26X_INVALID;
    if (poc_type == 0) {
        if (vt_br_read_ue(br) > 12) /* log2_max_pic_order_cnt_lsb_minus4 */
            return VT_H26X_INVALID;
    } else if (poc_type == 1) {
        uint32_t i, n;
        vt_br_read_bit(br); /* delta_pic_order_always_zero_flag */
        vt_br_read_se(br);  /* offset_for_non_ref_pic */
        vt_br_read_se(br);  /* offset_for_top_to_bottom_field */
        n = vt_br_read_ue(br);
        if (n > 255)
            return VT_H26X_INVALID;
        for (i = 0; i < n && !br->error; i++)
            vt_br_read_se(br);
    }
    vt_br_read_ue(br);  /* max_num_ref_frames */
    vt_br_read_bit(br); /* gaps_in_frame_num_value_allowed_flag */
    w_mbs = vt_br_read_ue(br);
    h_map_units = vt_br_read_ue(br);
    if (br->error || w_mbs >= VT_H26X_MAX_DIM / 16 || h_map_units >= VT_H26X_MAX_DIM / 32)
        return VT_H26X_INVALID;
    s->frame_mbs_only = (int)vt_br_read_bit(br);
    if (!s->frame_mbs_only)
        vt_br_read_bit(br); /* mb_adaptive_frame_field_flag */
    vt_br_read_bit(br);     /* direct_8x8_inference_flag */
    s->coded_width = (int32_t)(w_mbs + 1) * 16;
    s->coded_height = (int32_t)(h_map_units + 1) * 16 * (2 - s->frame_mbs_only);

    if (s->separate_colour_plane || s->chroma_format_idc == 0) {
        sub_w = sub_h = 1; /* ChromaArrayType 0 */
    } else {
        sub_w = s->chroma_format_idc == 3 ? 1 : 2;
        sub_h = s->chroma_format_idc == 1 ? 2 : 1;
    }
    crop_ux = sub_w;
    crop_uy = sub_h * (2 - (unsigned)s->frame_mbs_only);
    cl = cr = ct = cb = 0;
    if (vt_br_read_bit(br)) { /* frame_cropping_flag */
        cl = (uint64_t)vt_br_read_ue(br) * crop_ux;
        cr = (uint64_t)vt_br_read_ue(br) * crop_ux;
        ct = (uint64_t)vt_br_read_ue(br) * crop_uy;
        cb = (uint64_t)vt_br_read_ue(br) * crop_uy;
    }
    if (br->error)
        return VT_H26X_INVALID;
    if (cl + cr >= (uint64_t)s->coded_width || ct + cb >= (uint64_t)s->coded_height)
        return VT_H26X_INVALID;
    s->crop_left = (uint32_t)cl;
    s->crop_right = (uint32_t)cr;
    s->crop_top = (uint32_t)ct;
    s->crop_bottom = (uint32_t)cb;
    s->width = s->coded_width - (int32_t)(cl + cr);
    s->height = s->coded_height - (int32_t)(ct + cb);

    if (vt_br_read_bit(br) && !br->error) { /* vui_parameters_present_flag */
        VTBitReader vui_br = *br;
        h264_parse_vui(&vui_br, &s->vui);
    }
    return VT_H26X_OK;
}

int vt_cm_h264_parse_sps(const uint8_t *nal, size_t size, VTCMH264SPS *out) {
    VTRbsp r;
    VTBitReader br;
    int ret;
    memset(out, 0, sizeof(*out));
    if (!nal || size < 4 || (nal[0] & 0x80) || (nal[0] & 0x1f) != VT_H264_NAL_SPS)
        return VT_H26X_INVALID;
    ret = rbsp_init(&r, nal + 1, size - 1);
    if (ret != VT_H26X_OK)
        return ret;
    vt_br_init(&br, r.data, r.size);
    ret = h264_parse_sps_rbsp(&br, out);
    rbsp_free(&r);
    if (ret != VT_H26X_OK)
        memset(out, 0, sizeof(*out));
    return ret;
}

/* ---- HEVC ---- */

static int hevc_parse_sps_rbsp(VTBitReader *br, VTCMHEVCSPS *s) {
    uint32_t i, sub_profile[8] = {0}, sub_level[8] = {0}, w, h;
    unsigned sub_w, sub_h;
    uint64_t cl = 0, cr = 0, ct = 0, cb = 0;

    vt_br_read(br, 4); /* sps_video_parameter_set_id */
    s->max_sub_layers_minus1 = vt_br_read(br, 3);
    s->temporal_id_nesting = (int)vt_br_read_bit(br);
    if (br->error || s->max_sub_layers_minus1 > 6)
        return VT_H26X_INVALID;
    for (i = 0; i < 12; i++)
        s->ptl[i] = (uint8_t)vt_br_read(br, 8);
    for (i = 0; i < s->max_sub_layers_minus1; i++) {
        sub_profile[i] = vt_br_read_bit(br);
        sub_level[i] = vt_br_read_bit(br);
    }
    if (s->max_sub_layers_minus1 > 0)
        for (i = s->max_sub_layers_minus1; i < 8; i++)
            vt_br_read(br, 2); /* reserved_zero_2bits */
    for (i = 0; i < s->max_sub_layers_minus1; i++) {
        if (sub_profile[i])
            vt_br_skip(br, 88);
        if (sub_level[i])
            vt_br_skip(br, 8);
    }
    s->sps_id = vt_br_read_ue(br);
    if (br->error || s->sps_id > 15)
        return VT_H26X_INVALID;
    s->chroma_format_idc = vt_br_read_ue(br);
    if (s->chroma_format_idc > 3)
        return VT_H26X_INVALID;
    if (s->chroma_format_idc == 3)
        s->separate_colour_plane = (int)vt_br_read_bit(br);
    w = vt_br_read_ue(br);
    h = vt_br_read_ue(br);
    if (br->error || w == 0 || h == 0 || w > VT_H26X_MAX_DIM || h > VT_H26X_MAX_DIM)
        return VT_H26X_INVALID;
    s->coded_width = (int32_t)w;
    s->coded_height = (int32_t)h;
    if (s->separate_colour_plane || s->chroma_format_idc == 0) {
        sub_w = sub_h = 1;
    } else {
        sub_w = s->chroma_format_idc == 3 ? 1 : 2;
        sub_h = s->chroma_format_idc == 1 ? 2 : 1;
    }
    if (vt_br_read_bit(br)) { /* conformance_window_flag */
        cl = (uint64_t)vt_br_read_ue(br) * sub_w;
        cr = (uint64_t)vt_br_read_ue(br) * sub_w;
        ct = (uint64_t)vt_br_read_ue(br) * sub_h;
        cb = (uint64_t)vt_br_read_ue(br) * sub_h;
    }
    if (br->error || cl + cr >= w || ct + cb >= h)
        return VT_H26X_INVALID;
    s->width = (int32_t)(w - cl - cr);
    s->height = (int32_t)(h - ct - cb);
    i = vt_br_read_ue(br);
    if (i > 8)
        return VT_H26X_INVALID;
    s->bit_depth_luma = 8 + i;
    i = vt_br_read_ue(br);
    if (i > 8)
        return VT_H26X_INVALID;
    s->bit_depth_chroma = 8 + i;
    return br->error ? VT_H26X_INVALID : VT_H26X_OK;
}

int vt_cm_hevc_parse_sps(const uint8_t *nal, size_t size, VTCMHEVCSPS *out) {
    VTRbsp r;
    VTBitReader br;
    int ret;
    memset(out, 0, sizeof(*out));
    if (!nal || size < 6 || (nal[0] & 0x80) || ((nal[0] >> 1) & 0x3f) != VT_HEVC_NAL_SPS)
        return VT_H26X_INVALID;
    ret = rbsp_init(&r, nal + 2, size - 2);
    if (ret != VT_H26X_OK)
        return ret;
    vt_br_init(&br, r.data, r.size);
    ret = hevc_parse_sps_rbsp(&br, out);
    rbsp_free(&r);
    if (ret != VT_H26X_OK)
        memset(out, 0, sizeof(*out));
    return ret;
}

/* ---- parameter-set lists ---- */

void vt_cm_param_sets_clear(VTCMParamSets *ps) {
    vt_free(ps->storage);
    memset(ps, 0, sizeof(*ps));
}

/* Bounded big-endian reader over a record. */
typedef struct VTByteReader {
    const uint8_t *p;
    size_t left;
    int error;
} VTByteReader;

static unsigned byte_u8(VTByteReader *r) {
    if (r->left < 1) {
        r->error = 1;
        return 0;
    }
    r->left--;
    return *r->p++;
}

static unsigned byte_u16(VTByteReader *r) {
    unsigned hi = byte_u8(r);
    return (hi << 8) | byte_u8(r);
}

static const uint8_t *byte_take(VTByteReader *r, size_t n) {
    const uint8_t *p = r->p;
    if (r->left < n) {
        r->error = 1;
        r->left = 0;
        return NULL;
    }
    r->p += n;
    r->left -= n;
    return p;
}

/* Collects NAL units while walking a record twice: pass 0 counts, pass 1
 * stores. */
typedef struct VTCollect {
    int pass;
    size_t count, bytes;
    VTCMParamSets *ps;
    uint8_t *cursor;
} VTCollect;

static int collect(VTCollect *c, VTByteReader *r) {
    unsigned len = byte_u16(r);
    const uint8_t *p;
    if (r->error || len == 0)
        return VT_H26X_INVALID;
    p = byte_take(r, len);
    if (!p)
        return VT_H26X_INVALID;
    if (c->pass == 1) {
        memcpy(c->cursor, p, len);
        c->ps->data[c->count] = c->cursor;
        c->ps->sizes[c->count] = len;
        c->cursor += len;
    }
    c->count++;
    c->bytes += len;
    return VT_H26X_OK;
}

static int collect_begin(VTCollect *c, VTCMParamSets *out) {
    size_t head = c->count * (sizeof(uint8_t *) + sizeof(size_t));
    uint8_t *mem;
    if (c->count == 0)
        return VT_H26X_INVALID;
    mem = vt_malloc(head + c->bytes);
    if (!mem)
        return VT_H26X_NOMEM;
    memset(out, 0, sizeof(*out));
    out->storage = mem;
    out->data = (const uint8_t **)(void *)mem;
    out->sizes = (size_t *)(void *)(mem + c->count * sizeof(uint8_t *));
    c->cursor = mem + head;
    c->ps = out;
    c->pass = 1;
    c->count = 0;
    c->bytes = 0;
    return VT_H26X_OK;
}

static int avcc_walk(const uint8_t *rec, size_t size, VTCollect *c) {
    VTByteReader r = {rec, size, 0};
    unsigned i, n, profile;
    if (size < 7 || rec[0] != 1)
        return VT_H26X_INVALID;
    profile = rec[1];
    byte_take(&r, 5);
    n = byte_u8(&r) & 0x1f;
    for (i = 0; i < n; i++)
        if (collect(c, &r) != VT_H26X_OK)
            return VT_H26X_INVALID;
    n = byte_u8(&r);
    if (r.error)
        return VT_H26X_INVALID;
    for (i = 0; i < n; i++)
        if (collect(c, &r) != VT_H26X_OK)
            return VT_H26X_INVALID;
    /* Optional high-profile trailer; a malformed one is ignored, as many
     * writers leave it out. */
    if (profile != 66 && profile != 77 && profile != 88 && r.left >= 4) {
        VTByteReader t = r;
        VTCollect dry;
        memset(&dry, 0, sizeof(dry));
        byte_take(&t, 3);
        n = byte_u8(&t);
        for (i = 0; i < n; i++)
            if (collect(&dry, &t) != VT_H26X_OK)
                return VT_H26X_OK;
        t = r;
        byte_take(&t, 4);
        for (i = 0; i < n; i++)
            collect(c, &t);
    }
    return VT_H26X_OK;
}

int vt_cm_avcc_parse(const uint8_t *rec, size_t size, VTCMParamSets *out) {
    VTCollect c;
    int ret;
    memset(out, 0, sizeof(*out));
    memset(&c, 0, sizeof(c));
    /* lengthSizeMinusOne 2 (3-byte lengths) is not a legal NAL length size. */
    if (!rec || avcc_walk(rec, size, &c) != VT_H26X_OK || (rec[4] & 3) == 2)
        return VT_H26X_INVALID;
    ret = collect_begin(&c, out);
    if (ret != VT_H26X_OK)
        return ret;
    avcc_walk(rec, size, &c); /* cannot fail: same input */
    out->count = c.count;
    out->nal_length = (rec[4] & 3) + 1;
    return VT_H26X_OK;
}

static int hvcc_walk(const uint8_t *rec, size_t size, VTCollect *c) {
    VTByteReader r = {rec, size, 0};
    unsigned a, arrays, i, n;
    if (size < 23 || rec[0] > 1)
        return VT_H26X_INVALID;
    byte_take(&r, 22);
    arrays = byte_u8(&r);
    for (a = 0; a < arrays; a++) {
        byte_u8(&r); /* completeness + NAL type */
        n = byte_u16(&r);
        if (r.error)
            return VT_H26X_INVALID;
        for (i = 0; i < n; i++)
            if (collect(c, &r) != VT_H26X_OK)
                return VT_H26X_INVALID;
    }
    return VT_H26X_OK;
}

int vt_cm_hvcc_parse(const uint8_t *rec, size_t size, VTCMParamSets *out) {
    VTCollect c;
    int ret;
    memset(out, 0, sizeof(*out));
    memset(&c, 0, sizeof(c));
    if (!rec || hvcc_walk(rec, size, &c) != VT_H26X_OK || (rec[21] & 3) == 2)
        return VT_H26X_INVALID;
    ret = collect_begin(&c, out);
    if (ret != VT_H26X_OK)
        return ret;
    hvcc_walk(rec, size, &c);
    out->count = c.count;
    out->nal_length = (rec[21] & 3) + 1;
    return VT_H26X_OK;
}

/* ---- record builders ---- */

static uint8_t *put_u16(uint8_t *p, size_t v) {
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
    return p + 2;
}

static uint8_t *put_set(uint8_t *p, const uint8_t *data, size_t size) {
    p = put_u16(p, size);
    memcpy(p, data, size);
    return p + size;
}

int vt_cm_avcc_build(const uint8_t *const *sets, const size_t *sizes, size_t n_sps, size_t n_pps,
                     size_t n_ext, int nal_length, const VTCMH264SPS *sps, uint8_t **out,
                     size_t *out_size) {
    size_t i, total = 7, n = n_sps + n_pps;
    int trailer = sps->profile_idc != 66 && sps->profile_idc != 77 && sps->profile_idc != 88;
    uint8_t *buf, *p;

    *out = NULL;
    *out_size = 0;
    if (n_sps < 1 || n_sps > 31 || n_pps < 1 || n_pps > 255 || n_ext > 255 || nal_length < 1 ||
        nal_length > 4)
        return VT_H26X_INVALID;
    if (trailer)
        n += n_ext;
    for (i = 0; i < n; i++) {
        if (sizes[i] == 0 || sizes[i] > 0xffff)
            return VT_H26X_INVALID;
        total += 2 + sizes[i];
    }
    if (trailer)
        total += 4;
    buf = vt_malloc(total);
    if (!buf)
        return VT_H26X_NOMEM;
    p = buf;
    *p++ = 1;          /* configurationVersion */
    *p++ = sets[0][1]; /* AVCProfileIndication */
    *p++ = sets[0][2]; /* profile_compatibility */
    *p++ = sets[0][3]; /* AVCLevelIndication */
    *p++ = (uint8_t)(0xfc | (nal_length - 1));
    *p++ = (uint8_t)(0xe0 | n_sps);
    for (i = 0; i < n_sps; i++)
        p = put_set(p, sets[i], sizes[i]);
    *p++ = (uint8_t)n_pps;
    for (i = n_sps; i < n_sps + n_pps; i++)
        p = put_set(p, sets[i], sizes[i]);
    if (trailer) {
        *p++ = (uint8_t)(0xfc | sps->chroma_format_idc);
        *p++ = (uint8_t)(0xf8 | (sps->bit_depth_luma - 8));
        *p++ = (uint8_t)(0xf8 | (sps->bit_depth_chroma - 8));
        *p++ = (uint8_t)n_ext;
        for (i = n_sps + n_pps; i < n; i++)
            p = put_set(p, sets[i], sizes[i]);
    }
    *out = buf;
    *out_size = (size_t)(p - buf);
    return VT_H26X_OK;
}

int vt_cm_hvcc_build(const uint8_t *const *sets, const size_t *sizes, const uint8_t *types,
                     size_t count, int nal_length, const VTCMHEVCSPS *sps, uint8_t **out,
                     size_t *out_size) {
    static const uint8_t order[] = {VT_HEVC_NAL_VPS, VT_HEVC_NAL_SPS, VT_HEVC_NAL_PPS,
                                    VT_HEVC_NAL_SEI_PREFIX, VT_HEVC_NAL_SEI_SUFFIX};
    size_t i, k, total = 23, per_type[sizeof(order)] = {0};
    unsigned arrays = 0;
    uint8_t *buf, *p;

    *out = NULL;
    *out_size = 0;
    if (nal_length < 1 || nal_length > 4)
        return VT_H26X_INVALID;
    for (i = 0; i < count; i++) {
        for (k = 0; k < sizeof(order) && order[k] != types[i]; k++)
            ;
        if (k == sizeof(order) || sizes[i] == 0 || sizes[i] > 0xffff)
            return VT_H26X_INVALID;
        if (per_type[k]++ == 0) {
            arrays++;
            total += 3;
        }
        if (per_type[k] > 0xffff)
            return VT_H26X_INVALID;
        total += 2 + sizes[i];
    }
    buf = vt_malloc(total);
    if (!buf)
        return VT_H26X_NOMEM;
    p = buf;
    *p++ = 1;
    memcpy(p, sps->ptl, 12);
    p += 12;
    *p++ = 0xf0; /* reserved + min_spatial_segmentation_idc (0: unknown) */
    *p++ = 0x00;
    *p++ = 0xfc; /* reserved + parallelismType (0: unknown) */
    *p++ = (uint8_t)(0xfc | sps->chroma_format_idc);
    *p++ = (uint8_t)(0xf8 | (sps->bit_depth_luma - 8));
    *p++ = (uint8_t)(0xf8 | (sps->bit_depth_chroma - 8));
    *p++ = 0; /* avgFrameRate: unspecified */
    *p++ = 0;
    *p++ = (uint8_t)(((sps->max_sub_layers_minus1 + 1) << 3) |
                     ((unsigned)sps->temporal_id_nesting << 2) | (unsigned)(nal_length - 1));
    *p++ = (uint8_t)arrays;
    for (k = 0; k < sizeof(order); k++) {
        if (!per_type[k])
            continue;
        *p++ = (uint8_t)(0x80 | order[k]); /* array_completeness = 1 */
        p = put_u16(p, per_type[k]);
        for (i = 0; i < count; i++)
            if (types[i] == order[k])
                p = put_set(p, sets[i], sizes[i]);
    }
    *out = buf;
    *out_size = (size_t)(p - buf);
    return VT_H26X_OK;
}
