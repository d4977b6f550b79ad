/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Tests the test fixture itself (tests/vadriver): a plain libva client opens
 * the render node substitute, checks what the driver advertises, submits a
 * valid IDR and P picture, and then pictures with one deliberate mistake
 * each, which the driver must refuse (VA_STATUS_ERROR_INVALID_PARAMETER).
 * This is what lets the backend tests trust "the driver accepted it".
 */
#include "config.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <va/va.h>
#include <va/va_drm.h>
#include <va/va_enc_h264.h>

#include "vt_test.h"

#include "encoder/h264_bitwriter.h"

#define W 48
#define H 32

static VADisplay dpy;
static VAContextID ctx;
static VASurfaceID in_surf, rec[3];
static VABufferID coded;
static VTH264SPS sps;
static VTH264PPS pps;

enum {
    BAD_NONE = 0,
    BAD_NO_SEQ,
    BAD_NO_PACKED_SPS,
    BAD_SLICE_BITS,
    BAD_QP_DELTA,
    BAD_FRAME_NUM,
    BAD_REF_LIST,
    BAD_REF_FRAMES,
    BAD_DATA_WITHOUT_PARAM,
    BAD_CURR_IS_INPUT,
    BAD_SHORT_SLICE,
    BAD_POC,
    BAD_RC_ZERO,
    BAD_PPS_QP,
};

static VABufferID buf(VABufferType type, const void *data, size_t size) {
    VABufferID id = VA_INVALID_ID;
    VAStatus st = vaCreateBuffer(dpy, ctx, type, (unsigned)size, 1, (void *)(uintptr_t)data, &id);
    CHECK_EQ_INT(st, VA_STATUS_SUCCESS);
    return id;
}

static int packed(VABufferID *ids, int n, uint32_t type, const uint8_t *data, size_t bits) {
    VAEncPackedHeaderParameterBuffer ph;
    memset(&ph, 0, sizeof(ph));
    ph.type = type;
    ph.bit_length = (uint32_t)bits;
    ph.has_emulation_bytes = 1;
    ids[n++] = buf(VAEncPackedHeaderParameterBufferType, &ph, sizeof(ph));
    ids[n++] = buf(VAEncPackedHeaderDataBufferType, data, (bits + 7) / 8);
    return n;
}

static void va_pic(VAPictureH264 *p, VASurfaceID s, unsigned frame_num, int poc) {
    memset(p, 0, sizeof(*p));
    p->picture_id = s;
    p->frame_idx = frame_num;
    p->TopFieldOrderCnt = p->BottomFieldOrderCnt = poc;
}

static void va_invalid(VAPictureH264 *p) {
    memset(p, 0, sizeof(*p));
    p->picture_id = VA_INVALID_SURFACE;
    p->flags = VA_PICTURE_H264_INVALID;
}

/* Submits one picture: idr, or a P frame referencing `ref_surface`. */
static VAStatus submit(int idr, unsigned frame_num, int poc, VASurfaceID cur,
                       VASurfaceID ref_surface, int ref_poc, int bad, uint32_t rc_mode) {
    VABufferID ids[24];
    int n = 0;
    uint8_t rbsp[128], nal[256];
    VTBitWriter bs;
    size_t len, bits;
    VTH264SliceHeader sh;
    VAEncPictureParameterBufferH264 pic;
    VAEncSliceParameterBufferH264 sl;
    VAStatus st;

    if (idr && bad != BAD_NO_SEQ) {
        VAEncSequenceParameterBufferH264 seq;
        memset(&seq, 0, sizeof(seq));
        seq.level_idc = sps.level_idc;
        seq.intra_period = seq.intra_idr_period = 30;
        seq.ip_period = 1;
        seq.max_num_ref_frames = sps.max_num_ref_frames;
        seq.picture_width_in_mbs = W / 16;
        seq.picture_height_in_mbs = H / 16;
        seq.seq_fields.bits.chroma_format_idc = 1;
        seq.seq_fields.bits.frame_mbs_only_flag = 1;
        seq.seq_fields.bits.direct_8x8_inference_flag = 1;
        seq.seq_fields.bits.log2_max_frame_num_minus4 = sps.log2_max_frame_num_minus4;
        seq.seq_fields.bits.log2_max_pic_order_cnt_lsb_minus4 =
            sps.log2_max_pic_order_cnt_lsb_minus4;
        ids[n++] = buf(VAEncSequenceParameterBufferType, &seq, sizeof(seq));
    }
    if (rc_mode != VA_RC_CQP) {
        struct {
            VAEncMiscParameterBuffer h;
            VAEncMiscParameterRateControl rc;
        } m;
        memset(&m, 0, sizeof(m));
        m.h.type = VAEncMiscParameterTypeRateControl;
        m.rc.bits_per_second = bad == BAD_RC_ZERO ? 0 : 100000;
        m.rc.target_percentage = 100;
        ids[n++] = buf(VAEncMiscParameterBufferType, &m, sizeof(m));
    }

    memset(&pic, 0, sizeof(pic));
    va_pic(&pic.CurrPic, bad == BAD_CURR_IS_INPUT ? in_surf : cur, frame_num,
           bad == BAD_POC ? poc + 2 : poc);
    for (int i = 0; i < 16; i++)
        va_invalid(&pic.ReferenceFrames[i]);
    if (!idr && bad != BAD_REF_FRAMES) {
        va_pic(&pic.ReferenceFrames[0], ref_surface, frame_num - 1, ref_poc);
        pic.ReferenceFrames[0].flags = VA_PICTURE_H264_SHORT_TERM_REFERENCE;
    }
    pic.coded_buf = coded;
    pic.frame_num = (uint16_t)frame_num;
    pic.pic_init_qp = (uint8_t)(bad == BAD_PPS_QP ? 27 : 26);
    pic.pic_fields.bits.idr_pic_flag = idr;
    pic.pic_fields.bits.reference_pic_flag = 1;
    pic.pic_fields.bits.deblocking_filter_control_present_flag = 1;
    ids[n++] = buf(VAEncPictureParameterBufferType, &pic, sizeof(pic));

    if (idr) {
        if (bad != BAD_NO_PACKED_SPS) {
            vt_bs_init(&bs, rbsp, sizeof(rbsp));
            CHECK_EQ_INT(vt_h264_write_sps(&bs, &sps), 0);
            len = vt_h264_nal_write(nal, sizeof(nal), 1, 3, VT_H264_NAL_SPS, rbsp, bs.bits);
            n = packed(ids, n, VAEncPackedHeaderSequence, nal, len * 8);
        }
        vt_bs_init(&bs, rbsp, sizeof(rbsp));
        CHECK_EQ_INT(vt_h264_write_pps(&bs, &sps, &pps), 0);
        len = vt_h264_nal_write(nal, sizeof(nal), 1, 3, VT_H264_NAL_PPS, rbsp, bs.bits);
        n = packed(ids, n, VAEncPackedHeaderPicture, nal, len * 8);
    }
    if (bad == BAD_DATA_WITHOUT_PARAM)
        ids[n++] = buf(VAEncPackedHeaderDataBufferType, "\0\0\1\6", 4);

    memset(&sh, 0, sizeof(sh));
    sh.nal_unit_type = idr ? VT_H264_NAL_IDR : VT_H264_NAL_SLICE;
    sh.nal_ref_idc = idr ? 3 : 2;
    sh.slice_type = idr ? 7 : 5;
    sh.frame_num = bad == BAD_FRAME_NUM ? frame_num + 1 : frame_num;
    sh.pic_order_cnt_lsb = (uint32_t)poc;
    sh.disable_deblocking_filter_idc = 1;
    vt_bs_init(&bs, rbsp, sizeof(rbsp));
    CHECK_EQ_INT(vt_h264_write_slice_header(&bs, &sps, &pps, &sh), 0);
    len = vt_h264_nal_write(nal, sizeof(nal), 1, sh.nal_ref_idc, sh.nal_unit_type, rbsp, bs.bits);
    bits = len * 8 - (bs.bits % 8 ? 8 - bs.bits % 8 : 0);
    if (bad == BAD_SLICE_BITS)
        bits--;
    n = packed(ids, n, VAEncPackedHeaderSlice, nal, bits);

    memset(&sl, 0, sizeof(sl));
    sl.num_macroblocks = (W / 16) * (H / 16) - (bad == BAD_SHORT_SLICE);
    sl.macroblock_info = VA_INVALID_ID;
    sl.slice_type = sh.slice_type % 5;
    sl.pic_order_cnt_lsb = (uint16_t)poc;
    sl.slice_qp_delta = (int8_t)(bad == BAD_QP_DELTA ? 1 : 0);
    sl.disable_deblocking_filter_idc = 1;
    for (int i = 0; i < 32; i++) {
        va_invalid(&sl.RefPicList0[i]);
        va_invalid(&sl.RefPicList1[i]);
    }
    if (!idr) {
        va_pic(&sl.RefPicList0[0], bad == BAD_REF_LIST ? rec[2] : ref_surface, frame_num - 1,
               ref_poc);
        sl.RefPicList0[0].flags = VA_PICTURE_H264_SHORT_TERM_REFERENCE;
    }
    ids[n++] = buf(VAEncSliceParameterBufferType, &sl, sizeof(sl));

    st = vaBeginPicture(dpy, ctx, in_surf);
    CHECK_EQ_INT(st, VA_STATUS_SUCCESS);
    st = vaRenderPicture(dpy, ctx, ids, n);
    CHECK_EQ_INT(st, VA_STATUS_SUCCESS);
    st = vaEndPicture(dpy, ctx);
    for (int i = 0; i < n; i++)
        vaDestroyBuffer(dpy, ids[i]);
    return st;
}

/* NAL types of the coded buffer, as a string of hex digits. */
static void coded_nal_types(char *out, size_t cap) {
    VACodedBufferSegment *seg = NULL;
    size_t k = 0;
    CHECK_EQ_INT(vaMapBuffer(dpy, coded, (void **)&seg), VA_STATUS_SUCCESS);
    if (seg) {
        const uint8_t *p = seg->buf;
        for (uint32_t i = 0; i + 3 < seg->size && k + 1 < cap; i++)
            if (p[i] == 0 && p[i + 1] == 0 && p[i + 2] == 1)
                out[k++] = "0123456789abcdef"[p[i + 3] & 0xf];
    }
    out[k] = 0;
    vaUnmapBuffer(dpy, coded);
}

static void run(uint32_t rc_mode) {
    VAConfigAttrib attrs[3] = {
        {VAConfigAttribRTFormat, VA_RT_FORMAT_YUV420},
        {VAConfigAttribRateControl, rc_mode},
        {VAConfigAttribEncPackedHeaders,
         VA_ENC_PACKED_HEADER_SEQUENCE | VA_ENC_PACKED_HEADER_PICTURE | VA_ENC_PACKED_HEADER_SLICE},
    };
    VAConfigID cfg;
    char types[32];
    CHECK_EQ_INT(vaCreateConfig(dpy, VAProfileH264Main, VAEntrypointEncSlice, attrs, 3, &cfg),
                 VA_STATUS_SUCCESS);
    CHECK_EQ_INT(vaCreateSurfaces(dpy, VA_RT_FORMAT_YUV420, W, H, rec, 3, NULL, 0),
                 VA_STATUS_SUCCESS);
    CHECK_EQ_INT(vaCreateSurfaces(dpy, VA_RT_FORMAT_YUV420, W, H, &in_surf, 1, NULL, 0),
                 VA_STATUS_SUCCESS);
    CHECK_EQ_INT(vaCreateContext(dpy, cfg, W, H, VA_PROGRESSIVE, rec, 3, &ctx), VA_STATUS_SUCCESS);
    CHECK_EQ_INT(vaCreateBuffer(dpy, ctx, VAEncCodedBufferType, 65536, 1, NULL, &coded),
                 VA_STATUS_SUCCESS);

    if (rc_mode == VA_RC_CBR) {
        /* the first picture of a CBR context must carry rate-control params */
        CHECK_EQ_INT(submit(1, 0, 0, rec[0], 0, 0, BAD_RC_ZERO, rc_mode),
                     VA_STATUS_ERROR_INVALID_PARAMETER);
    }
    /* mistakes on an IDR */
    static const int idr_bad[] = {
        BAD_NO_SEQ,        BAD_NO_PACKED_SPS, BAD_SLICE_BITS, BAD_QP_DELTA, BAD_DATA_WITHOUT_PARAM,
        BAD_CURR_IS_INPUT, BAD_SHORT_SLICE,   BAD_POC,        BAD_PPS_QP};
    for (size_t i = 0; i < sizeof(idr_bad) / sizeof(idr_bad[0]); i++)
        CHECK_MSG(submit(1, 0, 0, rec[0], 0, 0, idr_bad[i], rc_mode) ==
                      VA_STATUS_ERROR_INVALID_PARAMETER,
                  "IDR mistake %d accepted", idr_bad[i]);

    CHECK_EQ_INT(submit(1, 0, 0, rec[0], 0, 0, BAD_NONE, rc_mode), VA_STATUS_SUCCESS);
    coded_nal_types(types, sizeof(types));
    CHECK_MSG(!strcmp(types, "785"), "IDR coded NAL types %s", types);

    /* mistakes on the following P frame */
    static const int p_bad[] = {BAD_FRAME_NUM, BAD_REF_LIST, BAD_REF_FRAMES,
                                BAD_POC,       BAD_QP_DELTA, BAD_SLICE_BITS};
    for (size_t i = 0; i < sizeof(p_bad) / sizeof(p_bad[0]); i++)
        CHECK_MSG(submit(0, 1, 2, rec[1], rec[0], 0, p_bad[i], rc_mode) ==
                      VA_STATUS_ERROR_INVALID_PARAMETER,
                  "P mistake %d accepted", p_bad[i]);
    /* the reconstructed surface may not be a reference at the same time */
    CHECK_EQ_INT(submit(0, 1, 2, rec[0], rec[0], 0, BAD_NONE, rc_mode),
                 VA_STATUS_ERROR_INVALID_PARAMETER);
    CHECK_EQ_INT(submit(0, 1, 2, rec[1], rec[0], 0, BAD_NONE, rc_mode), VA_STATUS_SUCCESS);
    coded_nal_types(types, sizeof(types));
    CHECK_MSG(!strcmp(types, "1"), "P coded NAL types %s", types);

    /* buffer-level checks */
    VABufferID id;
    CHECK_EQ_INT(vaCreateBuffer(dpy, ctx, VAEncSequenceParameterBufferType, 7, 1, NULL, &id),
                 VA_STATUS_ERROR_INVALID_PARAMETER);
    CHECK_EQ_INT(vaCreateBuffer(dpy, ctx, VAPictureParameterBufferType, 64, 1, NULL, &id),
                 VA_STATUS_ERROR_INVALID_PARAMETER);
    CHECK_EQ_INT(vaEndPicture(dpy, ctx), VA_STATUS_ERROR_INVALID_PARAMETER);
    CHECK_EQ_INT(vaBeginPicture(dpy, ctx, in_surf), VA_STATUS_SUCCESS);
    CHECK_EQ_INT(vaBeginPicture(dpy, ctx, in_surf), VA_STATUS_ERROR_INVALID_PARAMETER);
    CHECK_EQ_INT(vaEndPicture(dpy, ctx), VA_STATUS_ERROR_INVALID_PARAMETER); /* no params */

    vaDestroyBuffer(dpy, coded);
    vaDestroyContext(dpy, ctx);
    vaDestroySurfaces(dpy, rec, 3);
    vaDestroySurfaces(dpy, &in_surf, 1);
    vaDestroyConfig(dpy, cfg);
}

int main(void) {
    const char *node = getenv("VTCORE_VAAPI_DEVICE");
    int fd, major, minor, n = 0;
    VAProfile profiles[8];
    VAEntrypoint eps[4];
    VAConfigAttrib a[3] = {{VAConfigAttribRateControl, 0},
                           {VAConfigAttribEncPackedHeaders, 0},
                           {VAConfigAttribEncMaxRefFrames, 0}};
    VAConfigID bad_cfg;

    if (!node || !getenv("LIBVA_DRIVER_NAME"))
        VT_TEST_SKIP("run through meson: needs the test VA driver environment");
    fd = open(node, O_RDWR);
    CHECK(fd >= 0);
    dpy = vaGetDisplayDRM(fd);
    CHECK(dpy != NULL); /* the substitute passes for a render node */
    if (!dpy)
        return vt_test_result();
    CHECK_EQ_INT(vaInitialize(dpy, &major, &minor), VA_STATUS_SUCCESS);
    CHECK(strstr(vaQueryVendorString(dpy), "test fixture") != NULL);
    CHECK_EQ_INT(vaQueryConfigProfiles(dpy, profiles, &n), VA_STATUS_SUCCESS);
    CHECK_EQ_INT(n, 5); /* H.264 CB/Main/High, HEVC Main/Main10 */
    CHECK_EQ_INT(vaQueryConfigEntrypoints(dpy, VAProfileH264High, eps, &n), VA_STATUS_SUCCESS);
    CHECK(n == 1 && eps[0] == VAEntrypointEncSlice);
    CHECK_EQ_INT(vaQueryConfigEntrypoints(dpy, VAProfileVP9Profile0, eps, &n),
                 VA_STATUS_ERROR_UNSUPPORTED_PROFILE);
    CHECK_EQ_INT(vaGetConfigAttributes(dpy, VAProfileH264High, VAEntrypointEncSlice, a, 3),
                 VA_STATUS_SUCCESS);
    CHECK_EQ_INT(a[0].value, VA_RC_CQP | VA_RC_CBR | VA_RC_VBR);
    CHECK(a[1].value & VA_ENC_PACKED_HEADER_SLICE);
    CHECK_EQ_INT(a[2].value, 4 | (1 << 16));
    a[0].value = VA_RC_CBR | VA_RC_VBR; /* two modes at once */
    CHECK_EQ_INT(vaCreateConfig(dpy, VAProfileH264High, VAEntrypointEncSlice, a, 1, &bad_cfg),
                 VA_STATUS_ERROR_INVALID_PARAMETER);
    CHECK_EQ_INT(vaCreateConfig(dpy, VAProfileH264High, VAEntrypointEncSliceLP, a, 1, &bad_cfg),
                 VA_STATUS_ERROR_UNSUPPORTED_ENTRYPOINT);

    vt_h264_sps_init(&sps, VT_H264_PROFILE_IDC_MAIN, 20, W, H);
    memset(&pps, 0, sizeof(pps));
    pps.deblocking_filter_control_present_flag = 1;
    run(VA_RC_CQP);
    run(VA_RC_CBR);

    CHECK_EQ_INT(vaTerminate(dpy), VA_STATUS_SUCCESS);
    close(fd);
    return vt_test_result();
}
