/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Unit tests of the H.264 bit writer: exact bit patterns of u(n), ue(v),
 * se(v), trailing bits, overflow handling, emulation prevention, the level
 * table, SAR selection and the writers' refusal of what they cannot encode.
 * The parameter-set writers are checked against independent parsers in
 * test_h264_headers_ffmpeg.c and test_h264_headers_gst.c.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "vt_test.h"

#include "encoder/h264_bitwriter.h"

/* Renders the first nbits of buf as a '0'/'1' string. */
static const char *bits_str(const uint8_t *buf, size_t nbits) {
    static char s[512];
    size_t i;
    for (i = 0; i < nbits && i < sizeof(s) - 1; i++)
        s[i] = (buf[i / 8] >> (7 - i % 8)) & 1 ? '1' : '0';
    s[i] = 0;
    return s;
}

#define CHECK_BITS(bs, expected)                                                           \
    do {                                                                                   \
        const char *got_ = bits_str((bs)->buf, (bs)->bits);                                \
        CHECK_MSG(strcmp(got_, (expected)) == 0, "got %s, expected %s", got_, (expected)); \
    } while (0)

static void test_fixed_and_exp_golomb(void) {
    uint8_t buf[32];
    VTBitWriter bs;

    vt_bs_init(&bs, buf, sizeof(buf));
    vt_bs_write(&bs, 3, 5);
    vt_bs_write(&bs, 1, 0);
    vt_bs_write(&bs, 8, 0x1ff); /* only the low 8 bits */
    vt_bs_write(&bs, 0, 1);     /* nothing */
    CHECK_BITS(&bs, "101011111111");
    CHECK_EQ_INT(bs.bits, 12);
    CHECK_EQ_INT(vt_bs_bytes(&bs), 2);

    /* ue(v): 0 -> 1, 1 -> 010, 2 -> 011, 3 -> 00100, 7 -> 0001000 */
    static const struct {
        uint32_t v;
        const char *bits;
    } ue[] = {
        {0, "1"},
        {1, "010"},
        {2, "011"},
        {3, "00100"},
        {6, "00111"},
        {7, "0001000"},
        {254, "000000011111111"},
        {255, "00000000100000000"},
    };
    for (size_t i = 0; i < sizeof(ue) / sizeof(ue[0]); i++) {
        vt_bs_init(&bs, buf, sizeof(buf));
        vt_bs_write_ue(&bs, ue[i].v);
        CHECK_BITS(&bs, ue[i].bits);
        CHECK_EQ_INT(vt_bs_ue_bits(ue[i].v), strlen(ue[i].bits));
    }
    /* the largest value: 31 zeros, then 32 ones */
    vt_bs_init(&bs, buf, sizeof(buf));
    vt_bs_write_ue(&bs, UINT32_MAX - 1);
    CHECK(!bs.overflow);
    CHECK_EQ_INT(bs.bits, 63);
    CHECK_EQ_INT(vt_bs_ue_bits(UINT32_MAX - 1), 63);
    CHECK(buf[0] == 0 && buf[1] == 0 && buf[2] == 0 && buf[3] == 0x01 && buf[4] == 0xff &&
          buf[7] == 0xfe);
    vt_bs_init(&bs, buf, sizeof(buf));
    vt_bs_write_ue(&bs, UINT32_MAX);
    CHECK(bs.overflow);

    /* se(v): 1 -> 010, -1 -> 011, 2 -> 00100, -2 -> 00101, 0 -> 1 */
    static const struct {
        int32_t v;
        const char *bits;
    } se[] = {
        {0, "1"}, {1, "010"}, {-1, "011"}, {2, "00100"}, {-2, "00101"}, {-26, "00000110101"},
    };
    for (size_t i = 0; i < sizeof(se) / sizeof(se[0]); i++) {
        vt_bs_init(&bs, buf, sizeof(buf));
        vt_bs_write_se(&bs, se[i].v);
        CHECK_BITS(&bs, se[i].bits);
    }
    vt_bs_init(&bs, buf, sizeof(buf));
    vt_bs_write_se(&bs, INT32_MAX);
    CHECK(!bs.overflow);
    CHECK_EQ_INT(bs.bits, 63);
    vt_bs_write_se(&bs, INT32_MIN);
    CHECK(bs.overflow);

    /* trailing bits */
    vt_bs_init(&bs, buf, sizeof(buf));
    vt_bs_rbsp_trailing(&bs);
    CHECK_BITS(&bs, "10000000");
    vt_bs_init(&bs, buf, sizeof(buf));
    vt_bs_write(&bs, 7, 0);
    vt_bs_rbsp_trailing(&bs);
    CHECK_BITS(&bs, "00000001");
    vt_bs_write(&bs, 3, 7);
    vt_bs_align_zero(&bs);
    CHECK_BITS(&bs, "0000000111100000");
    vt_bs_align_zero(&bs); /* already aligned: nothing */
    CHECK_EQ_INT(bs.bits, 16);
}

static void test_overflow(void) {
    uint8_t buf[4] = {0xaa, 0xaa, 0xaa, 0xaa};
    VTBitWriter bs;
    vt_bs_init(&bs, buf, 2);
    CHECK(buf[2] == 0xaa); /* init clears only the given size */
    vt_bs_write(&bs, 12, 0xfff);
    vt_bs_write(&bs, 4, 0);
    CHECK(!bs.overflow);
    vt_bs_write1(&bs, 1);
    CHECK(bs.overflow);
    CHECK_EQ_INT(bs.bits, 16);
    vt_bs_write(&bs, 1, 1); /* dropped */
    CHECK_EQ_INT(bs.bits, 16);
    CHECK(buf[2] == 0xaa && buf[3] == 0xaa);

    vt_bs_init(&bs, buf, 4);
    vt_bs_write(&bs, 33, 0);
    CHECK(bs.overflow);

    /* a writer given a too small buffer reports failure */
    VTH264SPS sps;
    vt_h264_sps_init(&sps, VT_H264_PROFILE_IDC_HIGH, 40, 1920, 1080);
    vt_bs_init(&bs, buf, 4);
    CHECK_EQ_INT(vt_h264_write_sps(&bs, &sps), -1);
}

static void test_nal_write(void) {
    uint8_t out[64];
    size_t n;

    /* 00 00 00 -> 00 00 03 00; 00 00 01 -> 00 00 03 01; 00 00 04 unchanged */
    static const uint8_t r1[] = {0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x04, 0x00, 0x00, 0x02};
    static const uint8_t e1[] = {0x00, 0x00, 0x00, 0x01, 0x67, 0x00, 0x00, 0x03, 0x00, 0x00,
                                 0x03, 0x01, 0x00, 0x00, 0x04, 0x00, 0x00, 0x03, 0x02};
    n = vt_h264_nal_write(out, sizeof(out), 1, 3, VT_H264_NAL_SPS, r1, sizeof(r1) * 8);
    CHECK_EQ_INT(n, sizeof(e1));
    CHECK(n == sizeof(e1) && memcmp(out, e1, n) == 0);

    /* no start code; header byte = ref_idc << 5 | type */
    static const uint8_t r2[] = {0x00, 0x00, 0x03};
    n = vt_h264_nal_write(out, sizeof(out), 0, 0, VT_H264_NAL_SEI, r2, 24);
    CHECK_EQ_INT(n, 5);
    CHECK(out[0] == 0x06 && out[1] == 0 && out[2] == 0 && out[3] == 3 && out[4] == 3);

    /* a partial last byte is padded with zeros (the 1 bits after the
     * length are ignored) and escaped like a full byte */
    static const uint8_t r3[] = {0x00, 0x00, 0x1f};
    n = vt_h264_nal_write(out, sizeof(out), 0, 2, VT_H264_NAL_SLICE, r3, 19);
    CHECK_EQ_INT(n, 5);
    CHECK(out[0] == 0x41 && out[3] == 0x03 && out[4] == 0x00);

    /* an escape right after the header byte is not needed: the header is never 0 */
    static const uint8_t r4[] = {0x00, 0x03};
    n = vt_h264_nal_write(out, sizeof(out), 0, 3, VT_H264_NAL_PPS, r4, 16);
    CHECK_EQ_INT(n, 3);

    /* too small: 0, never an overrun */
    n = vt_h264_nal_write(out, 5, 1, 3, VT_H264_NAL_SPS, r1, sizeof(r1) * 8);
    CHECK_EQ_INT(n, 0);
    n = vt_h264_nal_write(out, 4, 1, 3, VT_H264_NAL_SPS, r1, 0);
    CHECK_EQ_INT(n, 0);
    n = vt_h264_nal_write(out, 5, 1, 3, VT_H264_NAL_AUD, NULL, 0);
    CHECK_EQ_INT(n, 5);
    CHECK_EQ_INT(vt_h264_nal_write(out, sizeof(out), 0, 4, 1, r1, 8), 0);
    CHECK_EQ_INT(vt_h264_nal_write(out, sizeof(out), 0, 1, 32, r1, 8), 0);
    CHECK_EQ_INT(vt_h264_nal_write(NULL, sizeof(out), 0, 1, 1, r1, 8), 0);
    CHECK_EQ_INT(vt_h264_nal_write(out, sizeof(out), 0, 1, 1, NULL, 8), 0);
}

static void test_levels(void) {
    CHECK_EQ_INT(vt_h264_level_pick(77, 1920, 1080, 30, 0, 0), 40);
    CHECK_EQ_INT(vt_h264_level_pick(77, 1280, 720, 30, 0, 0), 31);
    CHECK_EQ_INT(vt_h264_level_pick(77, 1280, 720, 60, 0, 0), 32);
    CHECK_EQ_INT(vt_h264_level_pick(77, 1920, 1080, 60, 0, 0), 42);
    CHECK_EQ_INT(vt_h264_level_pick(77, 3840, 2160, 30, 0, 0), 51);
    CHECK_EQ_INT(vt_h264_level_pick(66, 176, 144, 15, 0, 0), 10);
    CHECK_EQ_INT(vt_h264_level_pick(66, 176, 144, 0, 0, 0), 11); /* unknown rate: 30 fps */
    /* bit rate: Main 1080p30 at 25 Mbit/s needs 4.1; High gets 1.25x (4.0 = 25 Mbit/s) */
    CHECK_EQ_INT(vt_h264_level_pick(77, 1920, 1080, 30, 25000000, 0), 41);
    CHECK_EQ_INT(vt_h264_level_pick(100, 1920, 1080, 30, 25000000, 0), 40);
    CHECK_EQ_INT(vt_h264_level_pick(100, 1920, 1080, 30, 25000001, 0), 41);
    /* DPB: 1080p with 5 frames exceeds 4.x (32768 MBs / 8160 = 4 frames) */
    CHECK_EQ_INT(vt_h264_level_pick(77, 1920, 1080, 30, 0, 4), 40);
    CHECK_EQ_INT(vt_h264_level_pick(77, 1920, 1080, 30, 0, 5), 50);
    /* an extreme aspect ratio breaks the sqrt(8 * MaxFS) rule of small levels */
    CHECK_EQ_INT(vt_h264_level_pick(77, 2048, 16, 1, 0, 0), 31);
    CHECK_EQ_INT(vt_h264_level_pick(77, 16384, 16384, 30, 0, 0), 0);
    CHECK_EQ_INT(vt_h264_level_pick(77, 8192, 4320, 120, 0, 0), 62);

    CHECK_EQ_INT(vt_h264_level_max_dpb_frames(40, 8160), 4);
    CHECK_EQ_INT(vt_h264_level_max_dpb_frames(31, 3600), 5);
    CHECK_EQ_INT(vt_h264_level_max_dpb_frames(51, 99), 16); /* capped */
    CHECK_EQ_INT(vt_h264_level_max_dpb_frames(7, 99), 0);
    CHECK_EQ_INT(vt_h264_level_max_dpb_frames(40, 0), 0);
    const VTH264LevelRow *l = vt_h264_level_row(31);
    CHECK(l && l->max_mbps == 108000 && l->max_fs == 3600 && l->max_br == 14000);
    l = vt_h264_level_row(9);
    CHECK(l && l->max_br == 128);
    CHECK(vt_h264_level_row(0) == NULL && vt_h264_level_row(63) == NULL);
}

static void test_sar_and_init(void) {
    VTH264VUI vui;
    memset(&vui, 0, sizeof(vui));
    vt_h264_vui_set_sar(&vui, 8, 6);
    CHECK(vui.aspect_ratio_info_present_flag && vui.aspect_ratio_idc == 14);
    vt_h264_vui_set_sar(&vui, 12, 11);
    CHECK_EQ_INT(vui.aspect_ratio_idc, 2);
    vt_h264_vui_set_sar(&vui, 1, 1);
    CHECK_EQ_INT(vui.aspect_ratio_idc, 1);
    vt_h264_vui_set_sar(&vui, 160, 99);
    CHECK_EQ_INT(vui.aspect_ratio_idc, 13);
    vt_h264_vui_set_sar(&vui, 5, 7);
    CHECK(vui.aspect_ratio_idc == 255 && vui.sar_width == 5 && vui.sar_height == 7);
    vt_h264_vui_set_sar(&vui, 200000, 100001);
    CHECK(vui.aspect_ratio_idc == 255 && vui.sar_width <= 0xffff && vui.sar_height <= 0xffff &&
          vui.sar_width > vui.sar_height);
    vt_h264_vui_set_sar(&vui, 0, 1);
    CHECK(!vui.aspect_ratio_info_present_flag);

    VTH264SPS sps;
    vt_h264_sps_init(&sps, 100, 40, 1920, 1080);
    CHECK(sps.pic_width_in_mbs_minus1 == 119 && sps.pic_height_in_map_units_minus1 == 67);
    CHECK(sps.frame_cropping_flag && sps.frame_crop_bottom_offset == 4 &&
          sps.frame_crop_right_offset == 0);
    vt_h264_sps_init(&sps, 66, 10, 33, 17); /* odd: rounds up to 34x18 */
    CHECK(sps.pic_width_in_mbs_minus1 == 2 && sps.pic_height_in_map_units_minus1 == 1);
    CHECK(sps.frame_crop_right_offset == 7 && sps.frame_crop_bottom_offset == 7);
    vt_h264_sps_init(&sps, 66, 10, 320, 240);
    CHECK(!sps.frame_cropping_flag);
    CHECK(sps.chroma_format_idc == 1 && sps.frame_mbs_only_flag && sps.direct_8x8_inference_flag);
}

static void test_refusals(void) {
    uint8_t buf[256];
    VTBitWriter bs;
    VTH264SPS sps;
    VTH264PPS pps;
    VTH264SliceHeader sh;

    vt_h264_sps_init(&sps, 77, 40, 640, 480);
    memset(&pps, 0, sizeof(pps));
    memset(&sh, 0, sizeof(sh));

    CHECK_EQ_INT(vt_h264_write_sps(NULL, &sps), -1);
    vt_bs_init(&bs, buf, sizeof(buf));
    CHECK_EQ_INT(vt_h264_write_sps(&bs, NULL), -1);
    sps.pic_order_cnt_type = 1;
    CHECK_EQ_INT(vt_h264_write_sps(&bs, &sps), -1);
    sps.pic_order_cnt_type = 0;
    sps.frame_mbs_only_flag = 0;
    CHECK_EQ_INT(vt_h264_write_sps(&bs, &sps), -1);
    sps.frame_mbs_only_flag = 1;
    sps.bit_depth_luma_minus8 = 2; /* not expressible in Main */
    CHECK_EQ_INT(vt_h264_write_sps(&bs, &sps), -1);
    sps.bit_depth_luma_minus8 = 0;
    sps.vui_parameters_present_flag = 1;
    sps.vui.aspect_ratio_info_present_flag = 1;
    sps.vui.aspect_ratio_idc = 17;
    CHECK_EQ_INT(vt_h264_write_sps(&bs, &sps), -1);
    sps.vui.aspect_ratio_idc = 1;
    vt_bs_init(&bs, buf, sizeof(buf));
    CHECK_EQ_INT(vt_h264_write_sps(&bs, &sps), 0);
    CHECK(bs.bits % 8 == 0 && bs.bits > 0);

    /* the High-profile PPS tail in a Main PPS */
    pps.transform_8x8_mode_flag = 1;
    vt_bs_init(&bs, buf, sizeof(buf));
    CHECK_EQ_INT(vt_h264_write_pps(&bs, &sps, &pps), -1);
    pps.transform_8x8_mode_flag = 0;
    pps.second_chroma_qp_index_offset = 2;
    CHECK_EQ_INT(vt_h264_write_pps(&bs, &sps, &pps), -1);
    pps.second_chroma_qp_index_offset = 0;
    pps.weighted_bipred_idc = 3;
    CHECK_EQ_INT(vt_h264_write_pps(&bs, &sps, &pps), -1);
    pps.weighted_bipred_idc = 0;
    vt_bs_init(&bs, buf, sizeof(buf));
    CHECK_EQ_INT(vt_h264_write_pps(&bs, &sps, &pps), 0);
    /* Main PPS: 16 bits of fields (all values 0), then a trailing byte */
    CHECK_EQ_INT(bs.bits, 24);

    /* slice headers */
    sh.nal_unit_type = VT_H264_NAL_IDR;
    sh.nal_ref_idc = 3;
    sh.slice_type = 5; /* P in an IDR */
    vt_bs_init(&bs, buf, sizeof(buf));
    CHECK_EQ_INT(vt_h264_write_slice_header(&bs, &sps, &pps, &sh), -1);
    sh.slice_type = 3; /* SP */
    CHECK_EQ_INT(vt_h264_write_slice_header(&bs, &sps, &pps, &sh), -1);
    sh.slice_type = 10;
    CHECK_EQ_INT(vt_h264_write_slice_header(&bs, &sps, &pps, &sh), -1);
    sh.nal_unit_type = VT_H264_NAL_SLICE;
    sh.slice_type = 0;
    pps.weighted_pred_flag = 1;
    CHECK_EQ_INT(vt_h264_write_slice_header(&bs, &sps, &pps, &sh), -1);
    pps.weighted_pred_flag = 0;
    sh.adaptive_ref_pic_marking_mode_flag = 1;
    sh.num_mmcos = 1;
    sh.mmcos[0].op = 7;
    CHECK_EQ_INT(vt_h264_write_slice_header(&bs, &sps, &pps, &sh), -1);
    sh.mmcos[0].op = 5;
    vt_bs_init(&bs, buf, sizeof(buf));
    CHECK_EQ_INT(vt_h264_write_slice_header(&bs, &sps, &pps, &sh), 0);
    sh.num_ref_mods_l0 = 1;
    sh.ref_mods_l0[0].modification_of_pic_nums_idc = 3;
    CHECK_EQ_INT(vt_h264_write_slice_header(&bs, &sps, &pps, &sh), -1);

    /* exact bits of a minimal IDR header: first_mb 0 (1), slice_type 7
     * (0001000), pps 0 (1), frame_num u(8) 0, idr_pic_id 0 (1), poc lsb u(8) 0,
     * no_output 0, long_term 0, slice_qp_delta 0 (1) */
    memset(&sh, 0, sizeof(sh));
    sh.nal_unit_type = VT_H264_NAL_IDR;
    sh.nal_ref_idc = 3;
    sh.slice_type = 7;
    vt_bs_init(&bs, buf, sizeof(buf));
    CHECK_EQ_INT(vt_h264_write_slice_header(&bs, &sps, &pps, &sh), 0);
    CHECK_BITS(&bs, "10001000100000000100000000001");
    /* a non-reference P slice has no dec_ref_pic_marking */
    sh.nal_unit_type = VT_H264_NAL_SLICE;
    sh.nal_ref_idc = 0;
    sh.slice_type = 0;
    sh.frame_num = 3;
    sh.pic_order_cnt_lsb = 255;
    vt_bs_init(&bs, buf, sizeof(buf));
    CHECK_EQ_INT(vt_h264_write_slice_header(&bs, &sps, &pps, &sh), 0);
    CHECK_BITS(&bs, "1110000001111111111001");

    vt_bs_init(&bs, buf, sizeof(buf));
    CHECK_EQ_INT(vt_h264_write_aud(&bs, 2), 0);
    CHECK_BITS(&bs, "01010000");
    CHECK_EQ_INT(vt_h264_write_aud(&bs, 8), -1);
}

int main(void) {
    test_fixed_and_exp_golomb();
    test_overflow();
    test_nal_write();
    test_levels();
    test_sar_and_init();
    test_refusals();
    return vt_test_result();
}
