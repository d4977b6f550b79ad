/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The HEVC header writer (encoder/h265_bitwriter.c): exact bits of a few
 * fields, refusals, level choice, NAL wrapping with emulation prevention,
 * and the VPS/SPS/PPS/slice segment headers parsed by an independent parser
 * (ffmpeg's trace_headers), element by element.
 *
 * Usage: test_h265_bitwriter [/path/to/ffmpeg]  (the ffmpeg part skips
 * without it)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "encoder/h265_bitwriter.h"
#include "vaapi_test_util.h"
#include "vt_test.h"

static void test_bits(void) {
    uint8_t buf[64];
    VTBitWriter bs;
    VTH265SPS sps;
    VTH265PPS pps;
    VTH265SliceHeader sh;

    vt_h265_sps_init(&sps, VT_H265_PROFILE_IDC_MAIN, 93, 1280, 720);
    CHECK_EQ_INT(sps.pic_width, 1280);
    CHECK_EQ_INT(sps.pic_height, 720);
    CHECK_EQ_INT(sps.conformance_window_flag, 0);
    /* Main also claims Main10 compatibility: flags 1 and 2 */
    CHECK_EQ_INT((long)sps.general_profile_compat, (long)0x60000000u);
    vt_h265_sps_init(&sps, VT_H265_PROFILE_IDC_MAIN10, 93, 1918, 1078);
    CHECK_EQ_INT(sps.pic_width, 1920);
    CHECK_EQ_INT(sps.pic_height, 1080);
    CHECK(sps.conformance_window_flag && sps.conf_win_right == 1 && sps.conf_win_bottom == 1);
    CHECK_EQ_INT(sps.bit_depth_luma_minus8, 2);
    CHECK_EQ_INT((long)sps.general_profile_compat, (long)0x20000000u);

    /* the VPS starts with id 0, base layer flags, 0 layers, 0 sub-layers,
     * nesting, 0xffff, then profile_tier_level: 00 0 00001 */
    vt_h265_sps_init(&sps, VT_H265_PROFILE_IDC_MAIN, 93, 64, 64);
    vt_bs_init(&bs, buf, sizeof(buf));
    CHECK_EQ_INT(vt_h265_write_vps(&bs, &sps), 0);
    CHECK_EQ_INT(buf[0], 0x0c); /* 0000 1 1 00 */
    CHECK_EQ_INT(buf[1], 0x01); /* 0000 000 1 */
    CHECK_EQ_INT(buf[2], 0xff);
    CHECK_EQ_INT(buf[3], 0xff);
    CHECK_EQ_INT(buf[4], 0x01); /* space 0, tier 0, profile 1 */
    CHECK_EQ_INT(buf[5], 0x60); /* compat flags 1 and 2 */
    CHECK_EQ_INT(buf[4 + 11], 93);
    CHECK_EQ_INT(bs.bits % 8, 0);

    /* refusals */
    vt_bs_init(&bs, buf, sizeof(buf));
    sps.pic_width = 60; /* not a multiple of MinCbSizeY */
    CHECK_EQ_INT(vt_h265_write_sps(&bs, &sps), -1);
    vt_h265_sps_init(&sps, VT_H265_PROFILE_IDC_MAIN, 93, 64, 64);
    sps.vps_id = 16;
    vt_bs_init(&bs, buf, sizeof(buf));
    CHECK_EQ_INT(vt_h265_write_vps(&bs, &sps), -1);
    vt_h265_sps_init(&sps, VT_H265_PROFILE_IDC_MAIN, 93, 64, 64);
    vt_bs_init(&bs, buf, 4); /* too small */
    CHECK_EQ_INT(vt_h265_write_sps(&bs, &sps), -1);
    memset(&pps, 0, sizeof(pps));
    pps.pps_id = 64;
    vt_bs_init(&bs, buf, sizeof(buf));
    CHECK_EQ_INT(vt_h265_write_pps(&bs, &pps), -1);
    pps.pps_id = 0;
    memset(&sh, 0, sizeof(sh));
    sh.nal_unit_type = VT_H265_NAL_IDR_W_RADL;
    sh.slice_type = VT_H265_SLICE_P; /* an IRAP picture with a P slice */
    vt_bs_init(&bs, buf, sizeof(buf));
    CHECK_EQ_INT(vt_h265_write_slice_header(&bs, &sps, &pps, &sh), -1);
    sh.nal_unit_type = VT_H265_NAL_TRAIL_R;
    sh.num_negative_pics = 2;
    sh.delta_poc_s0[0] = 2;
    sh.delta_poc_s0[1] = 1; /* not increasing */
    vt_bs_init(&bs, buf, sizeof(buf));
    CHECK_EQ_INT(vt_h265_write_slice_header(&bs, &sps, &pps, &sh), -1);
    sh.num_negative_pics = 1;
    sh.five_minus_max_num_merge_cand = 5;
    vt_bs_init(&bs, buf, sizeof(buf));
    CHECK_EQ_INT(vt_h265_write_slice_header(&bs, &sps, &pps, &sh), -1);

    /* IDR slice header: first_slice 1, no_output 0, pps 0 (ue '1'), type I
     * (ue(2) = '011'), qp delta 0 ('1'), then byte alignment '1' + zeros */
    memset(&sh, 0, sizeof(sh));
    sh.nal_unit_type = VT_H265_NAL_IDR_W_RADL;
    sh.slice_type = VT_H265_SLICE_I;
    vt_bs_init(&bs, buf, sizeof(buf));
    CHECK_EQ_INT(vt_h265_write_slice_header(&bs, &sps, &pps, &sh), 0);
    CHECK_EQ_INT(bs.bits, 8);
    CHECK_EQ_INT(buf[0], 0xaf); /* 1 0 1 011 1 1 */

    /* levels (Table A.8, Main tier) */
    CHECK_EQ_INT(vt_h265_level_pick(176, 144, 15, 0), 30);
    CHECK_EQ_INT(vt_h265_level_pick(1280, 720, 30, 0), 93);
    CHECK_EQ_INT(vt_h265_level_pick(1280, 720, 60, 0), 120);
    CHECK_EQ_INT(vt_h265_level_pick(1920, 1080, 30, 0), 120);
    CHECK_EQ_INT(vt_h265_level_pick(1920, 1080, 30, 15000000), 123);
    CHECK_EQ_INT(vt_h265_level_pick(3840, 2160, 60, 0), 153);
    CHECK_EQ_INT(vt_h265_level_pick(8192, 4320, 120, 0), 186);
    CHECK_EQ_INT(vt_h265_level_pick(16384, 16384, 30, 0), 0);
    CHECK_EQ_INT(vt_h265_level_pick(8192, 64, 30, 0), 150); /* width limit sqrt(8 * MaxLumaPs) */

    /* NAL wrapping: 2-byte header, emulation prevention */
    {
        const uint8_t rbsp[] = {0x00, 0x00, 0x01, 0x80};
        uint8_t out[16];
        size_t n = vt_h265_nal_write(out, sizeof(out), 1, VT_H265_NAL_SPS, rbsp, sizeof(rbsp));
        CHECK_EQ_INT(n, 4 + 2 + 5);
        CHECK(!memcmp(out, "\0\0\0\1\x42\x01\0\0\3\1\x80", 11));
        CHECK_EQ_INT(vt_h265_nal_write(out, 8, 1, VT_H265_NAL_SPS, rbsp, sizeof(rbsp)), 0);
        CHECK_EQ_INT(vt_h265_nal_write(out, sizeof(out), 0, 64, rbsp, sizeof(rbsp)), 0);
    }
}

/* Writes a stream of VPS, SPS, PPS, IDR slice, P slice (headers followed by
 * a dummy byte of slice data) and checks ffmpeg's parse. */
static void test_ffmpeg(const char *ffmpeg) {
    uint8_t stream[2048], rbsp[256];
    size_t n = 0;
    VTBitWriter bs;
    VTH265SPS sps;
    VTH265PPS pps;
    VTH265SliceHeader sh;
    char dir[] = "/tmp/vtcore-h265-XXXXXX", path[600], cmd[1400];
    int st;

    vt_h265_sps_init(&sps, VT_H265_PROFILE_IDC_MAIN10, 123, 1918, 1080);
    sps.amp_enabled_flag = 1;
    sps.sample_adaptive_offset_enabled_flag = 1;
    sps.sps_temporal_mvp_enabled_flag = 1;
    sps.pcm_enabled_flag = 1;
    sps.log2_min_pcm_cb_minus3 = 0;
    sps.log2_diff_max_min_pcm_cb = 2;
    sps.pcm_loop_filter_disabled_flag = 1;
    sps.vui_parameters_present_flag = 1;
    vt_h265_vui_set_sar(&sps.vui, 64, 45);
    sps.vui.video_signal_type_present_flag = 1;
    sps.vui.video_format = 5;
    sps.vui.video_full_range_flag = 1;
    sps.vui.colour_description_present_flag = 1;
    sps.vui.colour_primaries = 9;
    sps.vui.transfer_characteristics = 16;
    sps.vui.matrix_coeffs = 9;
    sps.vui.timing_info_present_flag = 1;
    sps.vui.num_units_in_tick = 1001;
    sps.vui.time_scale = 60000;
    sps.vui.bitstream_restriction_flag = 1;
    sps.vui.motion_vectors_over_pic_boundaries_flag = 1;
    sps.vui.log2_max_mv_length_horizontal = 15;
    sps.vui.log2_max_mv_length_vertical = 14;
    memset(&pps, 0, sizeof(pps));
    pps.init_qp_minus26 = -4;
    pps.cu_qp_delta_enabled_flag = 1;
    pps.diff_cu_qp_delta_depth = 1;
    pps.cb_qp_offset = 2;
    pps.cr_qp_offset = -3;
    pps.cabac_init_present_flag = 1;
    pps.loop_filter_across_slices_enabled_flag = 1;
    pps.deblocking_filter_control_present_flag = 1;
    pps.deblocking_filter_override_enabled_flag = 1;
    pps.beta_offset_div2 = 1;
    pps.tc_offset_div2 = -2;

#define PUT(kind, writer)                                                                        \
    do {                                                                                         \
        vt_bs_init(&bs, rbsp, sizeof(rbsp));                                                     \
        CHECK_EQ_INT(writer, 0);                                                                 \
        n += vt_h265_nal_write(stream + n, sizeof(stream) - n, 1, kind, rbsp, vt_bs_bytes(&bs)); \
    } while (0)
    PUT(VT_H265_NAL_VPS, vt_h265_write_vps(&bs, &sps));
    PUT(VT_H265_NAL_SPS, vt_h265_write_sps(&bs, &sps));
    PUT(VT_H265_NAL_PPS, vt_h265_write_pps(&bs, &pps));
    memset(&sh, 0, sizeof(sh));
    sh.nal_unit_type = VT_H265_NAL_IDR_W_RADL;
    sh.slice_type = VT_H265_SLICE_I;
    sh.slice_sao_luma_flag = 1;
    sh.slice_qp_delta = 3;
    sh.slice_loop_filter_across_slices_enabled_flag = 1;
    vt_bs_init(&bs, rbsp, sizeof(rbsp));
    CHECK_EQ_INT(vt_h265_write_slice_header(&bs, &sps, &pps, &sh), 0);
    vt_bs_write(&bs, 16, 0x5580); /* stand-in slice data */
    n += vt_h265_nal_write(stream + n, sizeof(stream) - n, 1, sh.nal_unit_type, rbsp,
                           vt_bs_bytes(&bs));
    memset(&sh, 0, sizeof(sh));
    sh.nal_unit_type = VT_H265_NAL_TRAIL_R;
    sh.slice_type = VT_H265_SLICE_P;
    sh.pic_order_cnt_lsb = 1;
    sh.num_negative_pics = 1;
    sh.delta_poc_s0[0] = 1;
    sh.used_s0[0] = 1;
    sh.slice_temporal_mvp_enabled_flag = 1;
    sh.collocated_from_l0_flag = 1;
    sh.cabac_init_flag = 1;
    sh.five_minus_max_num_merge_cand = 3;
    sh.slice_qp_delta = -2;
    sh.deblocking_filter_override_flag = 1;
    sh.slice_deblocking_filter_disabled_flag = 1;
    vt_bs_init(&bs, rbsp, sizeof(rbsp));
    CHECK_EQ_INT(vt_h265_write_slice_header(&bs, &sps, &pps, &sh), 0);
    vt_bs_write(&bs, 16, 0x5580); /* stand-in slice data */
    n += vt_h265_nal_write(stream + n, sizeof(stream) - n, 1, sh.nal_unit_type, rbsp,
                           vt_bs_bytes(&bs));

    if (!mkdtemp(dir)) {
        CHECK(0);
        return;
    }
    snprintf(path, sizeof(path), "%s/h.hevc", dir);
    CHECK(write_file(path, stream, n) == 0);
    snprintf(cmd, sizeof(cmd),
             "'%s' -hide_banner -nostdin -nostats -v info -f hevc -i '%s' -c:v copy -bsf:v "
             "trace_headers -f null - 2>&1",
             ffmpeg, path);
    char *t = run_capture(cmd, &st);
    unlink(path);
    rmdir(dir);
#define F(name, value)                                                           \
    CHECK_MSG(trace_field(t, name) == (value), "%s = %lld, expected %lld", name, \
              trace_field(t, name), (long long)(value))
    F("vps_max_dec_pic_buffering_minus1[0]", 1);
    F("general_profile_idc", 2);
    F("general_level_idc", 123);
    F("general_profile_compatibility_flag[2]", 1);
    F("general_progressive_source_flag", 1);
    F("general_frame_only_constraint_flag", 1);
    F("pic_width_in_luma_samples", 1920);
    F("pic_height_in_luma_samples", 1080);
    F("conformance_window_flag", 1);
    F("conf_win_right_offset", 1);
    F("conf_win_bottom_offset", 0);
    F("bit_depth_luma_minus8", 2);
    F("bit_depth_chroma_minus8", 2);
    F("log2_max_pic_order_cnt_lsb_minus4", 4);
    F("log2_diff_max_min_luma_coding_block_size", 2);
    F("log2_diff_max_min_luma_transform_block_size", 3);
    F("amp_enabled_flag", 1);
    F("sample_adaptive_offset_enabled_flag", 1);
    F("pcm_enabled_flag", 1);
    F("pcm_sample_bit_depth_luma_minus1", 9);
    F("log2_diff_max_min_pcm_luma_coding_block_size", 2);
    F("pcm_loop_filter_disabled_flag", 1);
    F("sps_temporal_mvp_enabled_flag", 1);
    F("strong_intra_smoothing_enabled_flag", 1);
    F("aspect_ratio_idc", 255);
    F("sar_width", 64);
    F("sar_height", 45);
    F("video_full_range_flag", 1);
    F("colour_primaries", 9);
    F("transfer_characteristics", 16);
    F("matrix_coefficients", 9);
    F("vui_num_units_in_tick", 1001);
    F("vui_time_scale", 60000);
    F("log2_max_mv_length_vertical", 14);
    F("init_qp_minus26", -4);
    F("diff_cu_qp_delta_depth", 1);
    F("pps_cb_qp_offset", 2);
    F("pps_cr_qp_offset", -3);
    F("pps_beta_offset_div2", 1);
    F("pps_tc_offset_div2", -2);
    F("cabac_init_present_flag", 1);
    F("slice_sao_luma_flag", 1);
    F("slice_sao_chroma_flag", 0);
    F("slice_qp_delta", 3);
    /* the P slice (the second match of a name comes from it) */
    {
        const char *p = strstr(t, "slice_pic_order_cnt_lsb");
        CHECK(p != NULL);
        if (p) {
            const char *q = p - 1; /* trace_field wants a space before the name */
            CHECK_EQ_INT(trace_field(q, "slice_pic_order_cnt_lsb"), 1);
            CHECK_EQ_INT(trace_field(q, "num_negative_pics"), 1);
            CHECK_EQ_INT(trace_field(q, "delta_poc_s0_minus1[0]"), 0);
            CHECK_EQ_INT(trace_field(q, "used_by_curr_pic_s0_flag[0]"), 1);
            CHECK_EQ_INT(trace_field(q, "slice_temporal_mvp_enabled_flag"), 1);
            CHECK_EQ_INT(trace_field(q, "cabac_init_flag"), 1);
            CHECK_EQ_INT(trace_field(q, "five_minus_max_num_merge_cand"), 3);
            CHECK_EQ_INT(trace_field(q, "slice_qp_delta"), -2);
            CHECK_EQ_INT(trace_field(q, "deblocking_filter_override_flag"), 1);
            CHECK_EQ_INT(trace_field(q, "slice_deblocking_filter_disabled_flag"), 1);
        }
    }
    {
        const char *e = strstr(t, "rror");
        CHECK_MSG(e == NULL, "ffmpeg reported an error: %.300s",
                  e ? (e > t + 100 ? e - 100 : t) : "");
    }
    free(t);
}

int main(int argc, char **argv) {
    test_bits();
    if (argc > 1 && access(argv[1], X_OK) == 0)
        test_ffmpeg(argv[1]);
    else
        fprintf(stderr, "ffmpeg not given: trace_headers comparison skipped\n");
    return vt_test_result();
}
