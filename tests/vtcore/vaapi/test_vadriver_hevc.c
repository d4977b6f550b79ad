/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The test VA driver's HEVC validation (tests/vadriver): a plain libva
 * client (headers from vtcore's h265_bitwriter) makes one mistake at a time
 * and the driver must refuse each with VA_STATUS_ERROR_INVALID_PARAMETER; the
 * correct IDR and P pictures pass and produce VPS, SPS, PPS and slice NAL
 * units. Also the HEVC attributes it advertises and the Main10 surface rule.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <va/va.h>
#include <va/va_drm.h>
#include <va/va_enc_hevc.h>

#include "encoder/h265_bitwriter.h"
#include "vt_test.h"

#define W 64
#define H 48

static VADisplay dpy;
static VAContextID ctx;
static VASurfaceID in_surf, rec[3];
static VABufferID coded;
static VTH265SPS sps;
static VTH265PPS pps;

enum {
    BAD_NONE,
    BAD_NO_SEQ,
    BAD_NO_VPS,
    BAD_ORDER,
    BAD_SEQ_WIDTH,
    BAD_SEQ_PCM,
    BAD_PIC_QP,
    BAD_CTUS,
    BAD_NAL_TYPE,
    BAD_POC,
    BAD_NO_PCM,
    BAD_SLICE_TYPE,
    BAD_REF_LIST,
    BAD_REF_FRAMES,
    BAD_RPS,
    BAD_MERGE,
    BAD_TWO_SLICES,
};

static VABufferID buf(VABufferType type, const void *data, size_t size) {
    VABufferID id = VA_INVALID_ID;
    if (vaCreateBuffer(dpy, ctx, type, (unsigned)size, 1, (void *)data, &id) != VA_STATUS_SUCCESS)
        return VA_INVALID_ID;
    return id;
}

static int packed(VABufferID *ids, int n, uint32_t type, const uint8_t *data, size_t bytes) {
    VAEncPackedHeaderParameterBuffer ph;
    memset(&ph, 0, sizeof(ph));
    ph.type = type;
    ph.bit_length = (unsigned)(bytes * 8);
    ph.has_emulation_bytes = 1;
    ids[n++] = buf(VAEncPackedHeaderParameterBufferType, &ph, sizeof(ph));
    ids[n++] = buf(VAEncPackedHeaderDataBufferType, data, bytes);
    return n;
}

static size_t nal(uint8_t *out, size_t cap, unsigned type, int (*w)(VTBitWriter *, const void *),
                  const void *arg) {
    uint8_t rbsp[256];
    VTBitWriter bs;
    vt_bs_init(&bs, rbsp, sizeof(rbsp));
    if (w(&bs, arg) < 0)
        return 0;
    return vt_h265_nal_write(out, cap, 1, type, rbsp, vt_bs_bytes(&bs));
}

static int w_vps(VTBitWriter *bs, const void *a) {
    return vt_h265_write_vps(bs, a);
}
static int w_sps(VTBitWriter *bs, const void *a) {
    return vt_h265_write_sps(bs, a);
}
static int w_pps(VTBitWriter *bs, const void *a) {
    return vt_h265_write_pps(bs, a);
}

static void invalid(VAPictureHEVC *p) {
    memset(p, 0, sizeof(*p));
    p->picture_id = VA_INVALID_SURFACE;
    p->flags = VA_PICTURE_HEVC_INVALID;
}

static VAStatus submit(int idr, int poc, VASurfaceID cur, VASurfaceID ref, int bad) {
    VABufferID ids[24];
    int n = 0;
    VTH265SPS s = sps;
    VTH265PPS p = pps;
    VAEncSequenceParameterBufferHEVC seq;
    VAEncPictureParameterBufferHEVC pic;
    VAEncSliceParameterBufferHEVC sl;
    VTH265SliceHeader sh;
    uint8_t v[128], sp[256], pp[64], sn[128], rbsp[64];
    size_t vn, spn, ppn, snn;
    VTBitWriter bs;
    VAStatus st;

    if (bad == BAD_NO_PCM)
        s.pcm_enabled_flag = 0;
    vn = nal(v, sizeof(v), VT_H265_NAL_VPS, w_vps, &s);
    spn = nal(sp, sizeof(sp), VT_H265_NAL_SPS, w_sps, &s);
    ppn = nal(pp, sizeof(pp), VT_H265_NAL_PPS, w_pps, &p);

    memset(&seq, 0, sizeof(seq));
    seq.general_profile_idc = s.general_profile_idc;
    seq.general_level_idc = s.general_level_idc;
    seq.intra_period = seq.intra_idr_period = 30;
    seq.ip_period = 1;
    seq.pic_width_in_luma_samples = (uint16_t)(s.pic_width + (bad == BAD_SEQ_WIDTH ? 8 : 0));
    seq.pic_height_in_luma_samples = (uint16_t)s.pic_height;
    seq.seq_fields.bits.chroma_format_idc = 1;
    seq.seq_fields.bits.strong_intra_smoothing_enabled_flag = s.strong_intra_smoothing_enabled_flag;
    seq.seq_fields.bits.pcm_enabled_flag = s.pcm_enabled_flag;
    seq.seq_fields.bits.pcm_loop_filter_disabled_flag = s.pcm_loop_filter_disabled_flag;
    seq.log2_diff_max_min_luma_coding_block_size = s.log2_diff_max_min_cb;
    seq.log2_min_transform_block_size_minus2 = s.log2_min_tb_minus2;
    seq.log2_diff_max_min_transform_block_size = s.log2_diff_max_min_tb;
    seq.max_transform_hierarchy_depth_inter = s.max_transform_hierarchy_depth_inter;
    seq.max_transform_hierarchy_depth_intra = s.max_transform_hierarchy_depth_intra;
    seq.pcm_sample_bit_depth_luma_minus1 = s.pcm_bit_depth_luma_minus1;
    seq.pcm_sample_bit_depth_chroma_minus1 = s.pcm_bit_depth_chroma_minus1;
    seq.log2_max_pcm_luma_coding_block_size_minus3 =
        s.log2_diff_max_min_pcm_cb + (bad == BAD_SEQ_PCM ? 1u : 0u);

    memset(&sh, 0, sizeof(sh));
    sh.nal_unit_type = idr ? VT_H265_NAL_IDR_W_RADL : VT_H265_NAL_TRAIL_R;
    sh.slice_type = idr ? VT_H265_SLICE_I : VT_H265_SLICE_P;
    sh.pic_order_cnt_lsb = (uint32_t)poc;
    sh.slice_loop_filter_across_slices_enabled_flag = 1;
    if (!idr) {
        sh.num_negative_pics = 1;
        sh.delta_poc_s0[0] = bad == BAD_RPS ? 2 : 1;
        sh.used_s0[0] = 1;
    }
    vt_bs_init(&bs, rbsp, sizeof(rbsp));
    vt_h265_write_slice_header(&bs, &s, &p, &sh);
    snn = vt_h265_nal_write(sn, sizeof(sn), 1, sh.nal_unit_type, rbsp, vt_bs_bytes(&bs));

    memset(&pic, 0, sizeof(pic));
    pic.decoded_curr_pic.picture_id = cur;
    pic.decoded_curr_pic.pic_order_cnt = poc + (bad == BAD_POC ? 1 : 0);
    for (int i = 0; i < 15; i++)
        invalid(&pic.reference_frames[i]);
    if (!idr && bad != BAD_REF_FRAMES) {
        pic.reference_frames[0].picture_id = ref;
        pic.reference_frames[0].pic_order_cnt = poc - 1;
        pic.reference_frames[0].flags = 0;
    }
    pic.coded_buf = coded;
    pic.pic_init_qp = (uint8_t)(26 + p.init_qp_minus26 + (bad == BAD_PIC_QP ? 1 : 0));
    pic.nal_unit_type = (uint8_t)(bad == BAD_NAL_TYPE ? (idr ? 20 : 0) : sh.nal_unit_type);
    pic.pic_fields.bits.idr_pic_flag = (unsigned)idr;
    pic.pic_fields.bits.coding_type = idr ? 1 : 2;
    pic.pic_fields.bits.reference_pic_flag = 1;
    pic.pic_fields.bits.pps_loop_filter_across_slices_enabled_flag = 1;

    memset(&sl, 0, sizeof(sl));
    sl.num_ctu_in_slice = 2 * 2 + (bad == BAD_CTUS ? 1u : 0u); /* 64x48, CTB 32 */
    sl.slice_type = (uint8_t)(bad == BAD_SLICE_TYPE ? 0 : sh.slice_type);
    for (int i = 0; i < 15; i++) {
        invalid(&sl.ref_pic_list0[i]);
        invalid(&sl.ref_pic_list1[i]);
    }
    if (!idr) {
        sl.ref_pic_list0[0].picture_id = bad == BAD_REF_LIST ? cur : ref;
        sl.ref_pic_list0[0].pic_order_cnt = poc - 1;
        sl.ref_pic_list0[0].flags = 0;
        sl.max_num_merge_cand = (uint8_t)(bad == BAD_MERGE ? 4 : 5);
    }
    sl.slice_fields.bits.last_slice_of_pic_flag = 1;
    sl.slice_fields.bits.slice_loop_filter_across_slices_enabled_flag = 1;

    if (idr && bad != BAD_NO_SEQ)
        ids[n++] = buf(VAEncSequenceParameterBufferType, &seq, sizeof(seq));
    ids[n++] = buf(VAEncPictureParameterBufferType, &pic, sizeof(pic));
    if (idr) {
        if (bad == BAD_ORDER) {
            n = packed(ids, n, VAEncPackedHeaderSequence, v, vn);
            n = packed(ids, n, VAEncPackedHeaderPicture, pp, ppn);
            n = packed(ids, n, VAEncPackedHeaderSequence, sp, spn);
        } else {
            if (bad != BAD_NO_VPS)
                n = packed(ids, n, VAEncPackedHeaderSequence, v, vn);
            n = packed(ids, n, VAEncPackedHeaderSequence, sp, spn);
            n = packed(ids, n, VAEncPackedHeaderPicture, pp, ppn);
        }
    }
    n = packed(ids, n, VAEncPackedHeaderSlice, sn, snn);
    ids[n++] = buf(VAEncSliceParameterBufferType, &sl, sizeof(sl));
    if (bad == BAD_TWO_SLICES)
        ids[n++] = buf(VAEncSliceParameterBufferType, &sl, sizeof(sl));

    st = vaBeginPicture(dpy, ctx, in_surf);
    if (st == VA_STATUS_SUCCESS) {
        st = vaRenderPicture(dpy, ctx, ids, n);
        VAStatus e = vaEndPicture(dpy, ctx);
        if (st == VA_STATUS_SUCCESS)
            st = e;
    }
    for (int i = 0; i < n; i++)
        vaDestroyBuffer(dpy, ids[i]);
    return st;
}

/* NAL unit types of the coded buffer, as "32,33,34,19,". */
static void coded_types(char *out, size_t cap) {
    VACodedBufferSegment *seg = NULL;
    size_t n = 0;
    out[0] = 0;
    if (vaMapBuffer(dpy, coded, (void **)&seg) != VA_STATUS_SUCCESS || !seg)
        return;
    const uint8_t *d = seg->buf;
    for (size_t i = 0; i + 4 < seg->size; i++)
        if (d[i] == 0 && d[i + 1] == 0 && d[i + 2] == 1 && n + 4 < cap)
            n += (size_t)snprintf(out + n, cap - n, "%d,", (d[i + 3] >> 1) & 0x3f);
    vaUnmapBuffer(dpy, coded);
}

int main(void) {
    const char *node = getenv("VTCORE_VAAPI_DEVICE");
    int fd, major, minor;
    VAConfigID cfg;
    VAConfigAttrib a[4] = {{VAConfigAttribRTFormat, 0},
                           {VAConfigAttribEncHEVCFeatures, 0},
                           {VAConfigAttribEncHEVCBlockSizes, 0},
                           {VAConfigAttribEncPackedHeaders, 0}};
    char types[64];

    if (!node || !getenv("LIBVA_DRIVER_NAME"))
        VT_TEST_SKIP("run through meson: needs the test VA driver environment");
    fd = open(node, O_RDWR);
    CHECK(fd >= 0);
    dpy = vaGetDisplayDRM(fd);
    CHECK(dpy != NULL);
    if (!dpy)
        return vt_test_result();
    CHECK_EQ_INT(vaInitialize(dpy, &major, &minor), VA_STATUS_SUCCESS);

    /* what it advertises */
    CHECK_EQ_INT(vaGetConfigAttributes(dpy, VAProfileHEVCMain, VAEntrypointEncSlice, a, 4),
                 VA_STATUS_SUCCESS);
    CHECK_EQ_INT(a[0].value, VA_RT_FORMAT_YUV420);
    {
        VAConfigAttribValEncHEVCFeatures f;
        VAConfigAttribValEncHEVCBlockSizes b;
        f.value = a[1].value;
        b.value = a[2].value;
        CHECK_EQ_INT(f.bits.pcm, VA_FEATURE_REQUIRED);
        CHECK_EQ_INT(f.bits.sao, VA_FEATURE_NOT_SUPPORTED);
        CHECK_EQ_INT(f.bits.temporal_mvp, VA_FEATURE_NOT_SUPPORTED);
        CHECK_EQ_INT(b.bits.log2_max_coding_tree_block_size_minus3, 2);
        CHECK_EQ_INT(b.bits.log2_min_pcm_coding_block_size_minus3, 0);
    }
    CHECK_EQ_INT(vaGetConfigAttributes(dpy, VAProfileHEVCMain10, VAEntrypointEncSlice, a, 1),
                 VA_STATUS_SUCCESS);
    CHECK_EQ_INT(a[0].value, VA_RT_FORMAT_YUV420_10);
    a[0].value = VA_RT_FORMAT_YUV420; /* Main10 with 8-bit surfaces */
    CHECK_EQ_INT(vaCreateConfig(dpy, VAProfileHEVCMain10, VAEntrypointEncSlice, a, 1, &cfg),
                 VA_STATUS_ERROR_UNSUPPORTED_RT_FORMAT);

    /* a Main10 context refuses NV12 surfaces at EndPicture */
    a[0].value = VA_RT_FORMAT_YUV420;
    a[3].value =
        VA_ENC_PACKED_HEADER_SEQUENCE | VA_ENC_PACKED_HEADER_PICTURE | VA_ENC_PACKED_HEADER_SLICE;
    VAConfigAttrib ca[2] = {a[0], a[3]};
    CHECK_EQ_INT(vaCreateConfig(dpy, VAProfileHEVCMain, VAEntrypointEncSlice, ca, 2, &cfg),
                 VA_STATUS_SUCCESS);
    CHECK_EQ_INT(vaCreateSurfaces(dpy, VA_RT_FORMAT_YUV420, W, H, rec, 3, NULL, 0),
                 VA_STATUS_SUCCESS);
    CHECK_EQ_INT(vaCreateSurfaces(dpy, VA_RT_FORMAT_YUV420, W, H, &in_surf, 1, NULL, 0),
                 VA_STATUS_SUCCESS);
    CHECK_EQ_INT(vaCreateContext(dpy, cfg, W, H, VA_PROGRESSIVE, rec, 3, &ctx), VA_STATUS_SUCCESS);
    CHECK_EQ_INT(vaCreateBuffer(dpy, ctx, VAEncCodedBufferType, 65536, 1, NULL, &coded),
                 VA_STATUS_SUCCESS);
    /* H.264-sized parameter buffers are refused on an HEVC context */
    {
        VABufferID id;
        CHECK_EQ_INT(vaCreateBuffer(dpy, ctx, VAEncPictureParameterBufferType, 64, 1, NULL, &id),
                     VA_STATUS_ERROR_INVALID_PARAMETER);
    }

    vt_h265_sps_init(&sps, VT_H265_PROFILE_IDC_MAIN, 93, W, H);
    sps.log2_diff_max_min_cb = 2; /* CTB 32 */
    sps.log2_diff_max_min_tb = 3;
    sps.pcm_enabled_flag = 1;
    sps.log2_min_pcm_cb_minus3 = 0;
    sps.log2_diff_max_min_pcm_cb = 2;
    sps.pcm_loop_filter_disabled_flag = 1;
    memset(&pps, 0, sizeof(pps));
    pps.loop_filter_across_slices_enabled_flag = 1;
    pps.deblocking_filter_control_present_flag = 1;

    static const int idr_bad[] = {BAD_NO_SEQ,  BAD_NO_VPS, BAD_ORDER,      BAD_SEQ_WIDTH,
                                  BAD_SEQ_PCM, BAD_PIC_QP, BAD_CTUS,       BAD_NAL_TYPE,
                                  BAD_POC,     BAD_NO_PCM, BAD_SLICE_TYPE, BAD_TWO_SLICES};
    for (size_t i = 0; i < sizeof(idr_bad) / sizeof(idr_bad[0]); i++)
        CHECK_MSG(submit(1, 0, rec[0], 0, idr_bad[i]) == VA_STATUS_ERROR_INVALID_PARAMETER,
                  "IDR mistake %d accepted", idr_bad[i]);
    CHECK_EQ_INT(submit(1, 0, rec[0], 0, BAD_NONE), VA_STATUS_SUCCESS);
    coded_types(types, sizeof(types));
    CHECK_MSG(!strcmp(types, "32,33,34,19,"), "IDR coded NAL types %s", types);

    static const int p_bad[] = {BAD_REF_LIST, BAD_REF_FRAMES, BAD_RPS,
                                BAD_MERGE,    BAD_POC,        BAD_SLICE_TYPE};
    for (size_t i = 0; i < sizeof(p_bad) / sizeof(p_bad[0]); i++)
        CHECK_MSG(submit(0, 1, rec[1], rec[0], p_bad[i]) == VA_STATUS_ERROR_INVALID_PARAMETER,
                  "P mistake %d accepted", p_bad[i]);
    CHECK_EQ_INT(submit(0, 1, rec[1], rec[0], BAD_NONE), VA_STATUS_SUCCESS);
    coded_types(types, sizeof(types));
    CHECK_MSG(!strcmp(types, "1,"), "P coded NAL types %s", types);

    vaDestroyBuffer(dpy, coded);
    vaDestroyContext(dpy, ctx);
    vaDestroySurfaces(dpy, rec, 3);
    vaDestroySurfaces(dpy, &in_surf, 1);
    vaDestroyConfig(dpy, cfg);
    vaTerminate(dpy);
    close(fd);
    return vt_test_result();
}
