/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Unit tests for the encoder layer that need no encoder: configuration
 * defaults and validation, ProfileLevel parsing, the backend registry, and
 * the H.264 helpers (NAL iteration, Annex B <-> AVCC, SPS/PPS/slice readers,
 * avcC), the latter against bitstreams written here bit by bit.
 */
#include "config.h"

#include <math.h>

#include "vt_test.h"

#include "encoder/backend.h"
#include "encoder/h264.h"

/* ------------------------------------------------------------------ */
/* A tiny bit writer producing escaped NAL units                       */

typedef struct BW {
    uint8_t buf[512];
    size_t bits;
} BW;

static void bw_u(BW *w, int n, uint32_t v) {
    for (int i = n - 1; i >= 0; i--) {
        size_t byte = w->bits >> 3;
        if ((v >> i) & 1)
            w->buf[byte] |= (uint8_t)(0x80 >> (w->bits & 7));
        w->bits++;
    }
}

static void bw_ue(BW *w, uint32_t v) {
    uint64_t x = (uint64_t)v + 1;
    int len = 0;
    while ((x >> len) > 1)
        len++;
    bw_u(w, len, 0);
    bw_u(w, len + 1, (uint32_t)x);
}

static void bw_se(BW *w, int32_t v) {
    bw_ue(w, v > 0 ? (uint32_t)(2 * v - 1) : (uint32_t)(-2 * v));
}

/* rbsp_trailing_bits, then escape into out with header byte; returns size */
static size_t bw_finish(BW *w, uint8_t header, uint8_t *out) {
    bw_u(w, 1, 1);
    while (w->bits & 7)
        bw_u(w, 1, 0);
    size_t n = w->bits >> 3, o = 0;
    int zeros = 0;
    out[o++] = header;
    for (size_t i = 0; i < n; i++) {
        if (zeros >= 2 && w->buf[i] <= 3) {
            out[o++] = 3;
            zeros = 0;
        }
        out[o++] = w->buf[i];
        zeros = w->buf[i] == 0 ? zeros + 1 : 0;
    }
    return o;
}

/* High profile SPS, 320x240 coded, cropped to 318x238, full VUI. */
static size_t make_high_sps(uint8_t *out) {
    BW w;
    memset(&w, 0, sizeof(w));
    bw_u(&w, 8, 100);
    bw_u(&w, 8, 0x0c);
    bw_u(&w, 8, 40);
    bw_ue(&w, 1);   /* sps id */
    bw_ue(&w, 1);   /* chroma_format_idc */
    bw_ue(&w, 0);   /* bit depth luma - 8 */
    bw_ue(&w, 0);   /* bit depth chroma - 8 */
    bw_u(&w, 1, 0); /* qpprime bypass */
    bw_u(&w, 1, 1); /* seq_scaling_matrix_present */
    bw_u(&w, 1, 1); /* list 0 present */
    for (int i = 0; i < 16; i++)
        bw_se(&w, i == 0 ? 8 : 1);
    for (int i = 1; i < 8; i++)
        bw_u(&w, 1, 0);
    bw_ue(&w, 2);   /* log2_max_frame_num - 4 */
    bw_ue(&w, 0);   /* poc type */
    bw_ue(&w, 3);   /* log2_max_poc_lsb - 4 */
    bw_ue(&w, 3);   /* max_num_ref_frames */
    bw_u(&w, 1, 0); /* gaps */
    bw_ue(&w, 19);  /* width in mbs - 1 */
    bw_ue(&w, 14);  /* height in map units - 1 */
    bw_u(&w, 1, 1); /* frame_mbs_only */
    bw_u(&w, 1, 1); /* direct_8x8 */
    bw_u(&w, 1, 1); /* frame_cropping */
    bw_ue(&w, 0);
    bw_ue(&w, 1);
    bw_ue(&w, 0);
    bw_ue(&w, 1);
    bw_u(&w, 1, 1); /* vui */
    bw_u(&w, 1, 1); /* aspect_ratio_info_present */
    bw_u(&w, 8, 255);
    bw_u(&w, 16, 4);
    bw_u(&w, 16, 3);
    bw_u(&w, 1, 0); /* overscan */
    bw_u(&w, 1, 1); /* video_signal_type */
    bw_u(&w, 3, 5);
    bw_u(&w, 1, 1); /* full range */
    bw_u(&w, 1, 1); /* colour description */
    bw_u(&w, 8, 9);
    bw_u(&w, 8, 16);
    bw_u(&w, 8, 9);
    bw_u(&w, 1, 1); /* chroma loc */
    bw_ue(&w, 0);
    bw_ue(&w, 0);
    bw_u(&w, 1, 1);  /* timing */
    bw_u(&w, 32, 1); /* 00 00 00 01 -> needs emulation prevention */
    bw_u(&w, 32, 60);
    bw_u(&w, 1, 0);
    bw_u(&w, 1, 1); /* nal hrd */
    bw_ue(&w, 1);   /* cpb_cnt - 1 */
    bw_u(&w, 4, 1);
    bw_u(&w, 4, 2);
    for (int i = 0; i < 2; i++) {
        bw_ue(&w, 1000);
        bw_ue(&w, 2000);
        bw_u(&w, 1, 0);
    }
    bw_u(&w, 5, 23);
    bw_u(&w, 5, 23);
    bw_u(&w, 5, 23);
    bw_u(&w, 5, 24);
    bw_u(&w, 1, 0); /* vcl hrd */
    bw_u(&w, 1, 0); /* low delay */
    bw_u(&w, 1, 0); /* pic struct */
    bw_u(&w, 1, 1); /* bitstream restriction */
    bw_u(&w, 1, 1);
    bw_ue(&w, 0);
    bw_ue(&w, 0);
    bw_ue(&w, 16);
    bw_ue(&w, 16);
    bw_ue(&w, 2); /* max_num_reorder_frames */
    bw_ue(&w, 4); /* max_dec_frame_buffering */
    return bw_finish(&w, 0x67, out);
}

/* Baseline SPS, interlaced 176x144 (field pairs), POC type 2, no VUI. */
static size_t make_baseline_sps(uint8_t *out) {
    BW w;
    memset(&w, 0, sizeof(w));
    bw_u(&w, 8, 66);
    bw_u(&w, 8, 0xc0);
    bw_u(&w, 8, 30);
    bw_ue(&w, 0);
    bw_ue(&w, 0); /* log2_max_frame_num - 4 */
    bw_ue(&w, 2); /* poc type 2 */
    bw_ue(&w, 1);
    bw_u(&w, 1, 0);
    bw_ue(&w, 10);  /* 176 */
    bw_ue(&w, 4);   /* 5 map units -> 10 MB rows -> 160 */
    bw_u(&w, 1, 0); /* frame_mbs_only = 0 */
    bw_u(&w, 1, 1); /* mb_adaptive */
    bw_u(&w, 1, 1);
    bw_u(&w, 1, 1); /* cropping */
    bw_ue(&w, 0);
    bw_ue(&w, 0);
    bw_ue(&w, 0);
    bw_ue(&w, 4);   /* 4 * 2 * 2 = 16 lines */
    bw_u(&w, 1, 0); /* no vui */
    return bw_finish(&w, 0x67, out);
}

static size_t make_pps(uint8_t *out, int with_tail) {
    BW w;
    memset(&w, 0, sizeof(w));
    bw_ue(&w, 3);   /* pps id */
    bw_ue(&w, 1);   /* sps id */
    bw_u(&w, 1, 1); /* CABAC */
    bw_u(&w, 1, 0);
    bw_ue(&w, 0); /* slice groups - 1 */
    bw_ue(&w, 2);
    bw_ue(&w, 0);
    bw_u(&w, 1, 1);
    bw_u(&w, 2, 2);
    bw_se(&w, -3);
    bw_se(&w, 0);
    bw_se(&w, -2);
    bw_u(&w, 1, 1);
    bw_u(&w, 1, 0);
    bw_u(&w, 1, 0);
    if (with_tail) {
        bw_u(&w, 1, 1); /* transform_8x8_mode */
        bw_u(&w, 1, 0); /* pic_scaling_matrix_present */
        bw_se(&w, 0);   /* second chroma qp offset */
    }
    return bw_finish(&w, 0x68, out);
}

static size_t make_slice(uint8_t *out, uint8_t header, uint32_t first_mb, uint32_t type) {
    BW w;
    memset(&w, 0, sizeof(w));
    bw_ue(&w, first_mb);
    bw_ue(&w, type);
    bw_ue(&w, 0);
    bw_u(&w, 16, 0xabcd);
    return bw_finish(&w, header, out);
}

/* ------------------------------------------------------------------ */

static void test_config(void) {
    VTEncoderConfig cfg;
    vt_encoder_config_init(&cfg);
    CHECK_EQ_INT(cfg.codec_type, VT_ENC_CODEC_H264);
    CHECK_EQ_INT(cfg.timescale, 90000);
    CHECK(cfg.quality < 0);
    CHECK_EQ_INT(cfg.max_frame_delay_count, -1);
    CHECK_EQ_INT(cfg.realtime, VT_UNSET);
    CHECK_EQ_INT(cfg.allow_frame_reordering, 1);
    CHECK_EQ_INT(cfg.allow_temporal_compression, 1);
    CHECK_EQ_INT(cfg.colour_primaries, VT_UNSET);
    /* unset size is invalid */
    CHECK_STATUS(vt_encoder_config_validate(&cfg), kVTParameterErr);
    CHECK_STATUS(vt_encoder_config_validate(NULL), kVTParameterErr);
    cfg.width = 640;
    cfg.height = 480;
    CHECK_STATUS(vt_encoder_config_validate(&cfg), noErr);

    /* each of these breaks one rule */
#define BAD(stmt)                                                                            \
    do {                                                                                     \
        VTEncoderConfig b = cfg;                                                             \
        stmt;                                                                                \
        CHECK_MSG(vt_encoder_config_validate(&b) == kVTParameterErr, "accepted: %s", #stmt); \
    } while (0)
    BAD(b.width = 0);
    BAD(b.height = -2);
    BAD(b.width = 16385);
    BAD(b.timescale = 0);
    BAD(b.profile = (VTH264Profile)42);
    BAD(b.level_idc = 5);
    BAD(b.level_idc = 63);
    BAD(b.entropy = (VTEntropyMode)7);
    BAD(b.average_bit_rate = -1);
    BAD(b.average_bit_rate = (int64_t)INT32_MAX + 1);
    BAD(b.constant_bit_rate = 1000000; b.average_bit_rate = 1000000);
    BAD(b.constant_bit_rate = 1000000; b.data_rate_limit_count = 1;
        b.data_rate_limits[0].bytes = 1000; b.data_rate_limits[0].seconds = 1);
    BAD(b.data_rate_limit_count = 3);
    BAD(b.data_rate_limit_count = 1; b.data_rate_limits[0].bytes = 0;
        b.data_rate_limits[0].seconds = 1);
    BAD(b.data_rate_limit_count = 1; b.data_rate_limits[0].bytes = 100;
        b.data_rate_limits[0].seconds = 0);
    BAD(b.quality = 1.5);
    BAD(b.quality = NAN);
    BAD(b.min_qp = 30; b.max_qp = 20);
    BAD(b.max_qp = 52);
    BAD(b.max_keyframe_interval = -1);
    BAD(b.max_keyframe_interval_duration = -1);
    BAD(b.max_keyframe_interval_duration = INFINITY);
    BAD(b.reference_buffer_count = 17);
    BAD(b.expected_frame_rate = -1);
    BAD(b.max_frame_delay_count = -2);
    BAD(b.realtime = 2);
    BAD(b.full_range = -3);
    BAD(b.threads = -1);
    BAD(b.colour_primaries = 256);
    BAD(b.sar_width = 70000);
    BAD(b.source_frame_count = -5);
#undef BAD

    /* valid corner values */
    VTEncoderConfig g = cfg;
    g.width = 1;
    g.height = 1;
    g.quality = 1.0;
    g.level_idc = 9;
    g.data_rate_limit_count = 2;
    g.data_rate_limits[0].bytes = 125000;
    g.data_rate_limits[0].seconds = 1;
    g.data_rate_limits[1].bytes = 25000;
    g.data_rate_limits[1].seconds = 0.1;
    g.max_frame_delay_count = 0;
    g.colour_primaries = 0;
    CHECK_STATUS(vt_encoder_config_validate(&g), noErr);
}

static void test_profile_level(void) {
    /* clang-format off */
    static const struct {
        const char *name;
        VTH264Profile profile;
        int32_t level;
    } ok[] = {
        { "H264_Baseline_1_3", VT_H264_PROFILE_BASELINE, 13 },
        { "H264_Baseline_3_0", VT_H264_PROFILE_BASELINE, 30 },
        { "H264_Baseline_5_2", VT_H264_PROFILE_BASELINE, 52 },
        { "H264_Baseline_AutoLevel", VT_H264_PROFILE_BASELINE, 0 },
        { "H264_ConstrainedBaseline_AutoLevel", VT_H264_PROFILE_CONSTRAINED_BASELINE, 0 },
        { "H264_Main_3_1", VT_H264_PROFILE_MAIN, 31 },
        { "H264_Main_AutoLevel", VT_H264_PROFILE_MAIN, 0 },
        { "H264_Extended_5_0", VT_H264_PROFILE_EXTENDED, 50 },
        { "H264_Extended_AutoLevel", VT_H264_PROFILE_EXTENDED, 0 },
        { "H264_High_4_1", VT_H264_PROFILE_HIGH, 41 },
        { "H264_High_AutoLevel", VT_H264_PROFILE_HIGH, 0 },
        { "H264_ConstrainedHigh_AutoLevel", VT_H264_PROFILE_CONSTRAINED_HIGH, 0 },
    };
    static const char *const bad[] = {
        "", "H264", "H264_", "H264_High", "H264_High_", "H264_High_7_0", "H264_High_4_10",
        "H264_High_41", "HEVC_Main_AutoLevel", "H264_Ultra_AutoLevel", "h264_High_AutoLevel",
        "H264_High_autolevel", "H264_HighX_AutoLevel", "H264_High_4_1_",
    };
    /* clang-format on */
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        VTH264Profile p = VT_H264_PROFILE_AUTO;
        int32_t l = -1;
        CHECK_STATUS(vt_encoder_h264_profile_level_parse(ok[i].name, &p, &l), noErr);
        CHECK_EQ_INT(p, ok[i].profile);
        CHECK_EQ_INT(l, ok[i].level);
    }
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        VTH264Profile p = VT_H264_PROFILE_MAIN;
        int32_t l = 77;
        CHECK_MSG(vt_encoder_h264_profile_level_parse(bad[i], &p, &l) == kVTParameterErr,
                  "accepted \"%s\"", bad[i]);
        CHECK_EQ_INT(p, VT_H264_PROFILE_MAIN); /* untouched on failure */
        CHECK_EQ_INT(l, 77);
    }
    VTH264Profile p;
    int32_t l;
    CHECK_STATUS(vt_encoder_h264_profile_level_parse(NULL, &p, &l), kVTParameterErr);
    CHECK_STATUS(vt_encoder_h264_profile_level_parse("H264_Main_3_1", NULL, &l), kVTParameterErr);
    CHECK_STATUS(vt_encoder_h264_profile_level_parse("H264_Main_3_1", &p, NULL), kVTParameterErr);
    CHECK(strcmp(vt_encoder_h264_profile_name(VT_H264_PROFILE_HIGH), "high") == 0);
    CHECK(strcmp(vt_encoder_h264_profile_name((VTH264Profile)99), "unknown") == 0);
}

static void test_registry(void) {
    const VTEncoderBackend *const *all = vt_encoder_backend_all();
    CHECK(all != NULL);
    size_t n_all = 0;
    while (all[n_all]) {
        const VTEncoderBackend *be = all[n_all];
        CHECK(be->encoder_id && strchr(be->encoder_id, '.') != NULL);
        CHECK(be->encoder_name && be->codec_name);
        CHECK(be->open && be->encode && be->flush && be->close && be->pending && be->probe);
        CHECK(be->native_formats && be->native_formats[0] != 0);
        n_all++;
    }
    size_t n = vt_encoder_backend_list(NULL, 0);
    CHECK(n <= n_all);
    const VTEncoderBackend *list[8] = {NULL};
    CHECK_EQ_INT(vt_encoder_backend_list(list, 8), n);
    /* hardware entries come first */
    for (size_t i = 1; i < n && i < 8; i++)
        CHECK(!(list[i]->hardware && !list[i - 1]->hardware));
    CHECK_EQ_INT(vt_encoder_backend_list(list, 0), n); /* capacity 0 only counts */

    OSStatus err = 1;
    CHECK(vt_encoder_backend_find(0x68766331u /* 'hvc1' */, NULL, TRUE, FALSE, &err) == NULL);
    CHECK_STATUS(err, kVTCouldNotFindVideoEncoderErr);
    err = 1;
    CHECK(vt_encoder_backend_find(VT_ENC_CODEC_H264, "org.example.none", TRUE, FALSE, &err) ==
          NULL);
    CHECK_STATUS(err, kVTCouldNotFindVideoEncoderErr);
    CHECK(vt_encoder_backend_find(VT_ENC_CODEC_H264, "org.example.none", TRUE, FALSE, NULL) ==
          NULL);

#if HAVE_X264
    CHECK(n >= 1);
    err = 1;
    const VTEncoderBackend *be =
        vt_encoder_backend_find(VT_ENC_CODEC_H264, NULL, TRUE, FALSE, &err);
    CHECK(be != NULL);
    CHECK_STATUS(err, noErr);
    /* software forced */
    be = vt_encoder_backend_find(VT_ENC_CODEC_H264, NULL, FALSE, FALSE, &err);
    CHECK(be == &vt_x264_backend);
    CHECK_STATUS(err, noErr);
    /* by id */
    be = vt_encoder_backend_find(VT_ENC_CODEC_H264, "org.vtcore.x264.h264", TRUE, FALSE, &err);
    CHECK(be == &vt_x264_backend);
    CHECK_STATUS(err, noErr);
    CHECK(strcmp(vt_x264_backend.codec_name, "H.264") == 0);
    CHECK(!vt_x264_backend.hardware);
    CHECK(vt_x264_backend.caps & VT_CAP_BFRAMES);
    /* by id but wrong codec, or hardware required */
    CHECK(vt_encoder_backend_find(0x68766331u, "org.vtcore.x264.h264", TRUE, FALSE, &err) == NULL);
    CHECK_STATUS(err, kVTCouldNotFindVideoEncoderErr);
    CHECK(vt_encoder_backend_find(VT_ENC_CODEC_H264, "org.vtcore.x264.h264", TRUE, TRUE, &err) ==
          NULL);
    CHECK_STATUS(err, kVTCouldNotFindVideoEncoderErr);
    int found = 0;
    for (size_t i = 0; i < n && i < 8; i++)
        found |= list[i] == &vt_x264_backend;
    CHECK(found);
    CHECK(vt_encoder_backend_accepts_format(&vt_x264_backend, VT_ENC_FORMAT_NV12));
    CHECK(vt_encoder_backend_accepts_format(&vt_x264_backend, VT_ENC_FORMAT_I420_FR));
    CHECK(!vt_encoder_backend_accepts_format(&vt_x264_backend, 0x42475241u /* BGRA */));
    CHECK(!vt_encoder_backend_accepts_format(&vt_x264_backend, 0));
#endif
    /* hardware required: only hardware backends qualify */
    const VTEncoderBackend *hw =
        vt_encoder_backend_find(VT_ENC_CODEC_H264, NULL, FALSE, TRUE, &err);
    CHECK(hw == NULL || hw->hardware);
    if (!hw)
        CHECK_STATUS(err, kVTCouldNotFindVideoEncoderErr);
    CHECK(!vt_encoder_backend_accepts_format(NULL, VT_ENC_FORMAT_NV12));
}

static void test_nal_iteration(void) {
    static const uint8_t annexb[] = {
        0xff, 0xee,                            /* garbage before the first start code */
        0,    0,    0, 1,    0x67, 1,    2, 3, /* SPS, 4-byte start code */
        0,    0,    1, 0x68, 4,    5,          /* PPS, 3-byte start code */
        0,    0,    0, 0,    1,    0x65, 0, 0,
        3,    1,    9,                      /* IDR with an escaped byte, 2 leading zeros */
        0,    0,    1,                      /* empty NAL at the end */
        0,    0,    1, 0x06, 7,    0,    0, /* SEI with trailing zeros */
    };
    size_t off = 0;
    VTH264Nal nal;
    int types[8], sizes[8], count = 0;
    while (count < 8 && vt_h264_annexb_next(annexb, sizeof(annexb), &off, &nal)) {
        types[count] = nal.type;
        sizes[count] = (int)nal.size;
        count++;
    }
    CHECK_EQ_INT(count, 4);
    CHECK_EQ_INT(types[0], VT_H264_NAL_SPS);
    CHECK_EQ_INT(sizes[0], 4);
    CHECK_EQ_INT(types[1], VT_H264_NAL_PPS);
    CHECK_EQ_INT(sizes[1], 3);
    CHECK_EQ_INT(types[2], VT_H264_NAL_IDR);
    CHECK_EQ_INT(sizes[2], 6);
    CHECK_EQ_INT(types[3], VT_H264_NAL_SEI);
    CHECK_EQ_INT(sizes[3], 2);
    CHECK_EQ_INT(vt_h264_annexb_next(annexb, sizeof(annexb), &off, &nal), 0);
    off = 0;
    CHECK_EQ_INT(vt_h264_annexb_next(annexb, 0, &off, &nal), 0);
    CHECK_EQ_INT(vt_h264_annexb_next(NULL, 10, &off, &nal), 0);
    static const uint8_t no_sc[] = {1, 2, 3, 4, 0, 0};
    off = 0;
    CHECK_EQ_INT(vt_h264_annexb_next(no_sc, sizeof(no_sc), &off, &nal), 0);

    /* Annex B -> AVCC, dropping SPS/PPS */
    uint8_t avcc[64];
    size_t out = 0;
    CHECK_STATUS(vt_h264_annexb_to_avcc(annexb, sizeof(annexb), 0, NULL, 0, &out), noErr);
    CHECK_EQ_INT(out, 4 * 4 + 4 + 3 + 6 + 2);
    CHECK_STATUS(vt_h264_annexb_to_avcc(annexb, sizeof(annexb), 0, avcc, out - 1, &out),
                 kVTParameterErr);
    uint32_t drop = VT_H264_NAL_MASK(VT_H264_NAL_SPS) | VT_H264_NAL_MASK(VT_H264_NAL_PPS);
    CHECK_STATUS(vt_h264_annexb_to_avcc(annexb, sizeof(annexb), drop, avcc, sizeof(avcc), &out),
                 noErr);
    CHECK_EQ_INT(out, 4 + 6 + 4 + 2);
    static const uint8_t expect[] = {0, 0, 0, 6, 0x65, 0, 0, 3, 1, 9, 0, 0, 0, 2, 0x06, 7};
    CHECK(out == sizeof(expect) && memcmp(avcc, expect, out) == 0);
    CHECK_EQ_INT(vt_h264_avcc_validate(avcc, out), 2);
    size_t junk = 0;
    uint8_t junk_buf[64];
    CHECK_STATUS(vt_h264_annexb_to_avcc(no_sc, sizeof(no_sc), 0, junk_buf, sizeof(junk_buf), &junk),
                 kVTParameterErr);
    CHECK_STATUS(vt_h264_annexb_to_avcc(NULL, 4, 0, junk_buf, sizeof(junk_buf), &junk),
                 kVTParameterErr);

    /* AVCC -> Annex B round trip */
    uint8_t back[64];
    size_t back_size = 0;
    CHECK_STATUS(vt_h264_avcc_to_annexb(avcc, out, 4, back, sizeof(back), &back_size), noErr);
    CHECK_EQ_INT(back_size, 4 + 6 + 4 + 2);
    CHECK(back[0] == 0 && back[1] == 0 && back[2] == 0 && back[3] == 1 && back[4] == 0x65);
    uint8_t again[64];
    size_t again_size = 0;
    CHECK_STATUS(vt_h264_annexb_to_avcc(back, back_size, 0, again, sizeof(again), &again_size),
                 noErr);
    CHECK(again_size == out && memcmp(again, avcc, out) == 0);
    CHECK_STATUS(vt_h264_avcc_to_annexb(avcc, out, 4, back, 3, &back_size), kVTParameterErr);

    /* AVCC iteration: length sizes 1, 2, malformed input */
    static const uint8_t l1[] = {2, 0x67, 1, 1, 0x68};
    static const uint8_t l2[] = {0, 2, 0x67, 1, 0, 1, 0x68};
    off = 0;
    CHECK_EQ_INT(vt_h264_avcc_next(l1, sizeof(l1), 1, &off, &nal), 1);
    CHECK_EQ_INT(nal.type, 7);
    CHECK_EQ_INT(vt_h264_avcc_next(l1, sizeof(l1), 1, &off, &nal), 1);
    CHECK_EQ_INT(nal.type, 8);
    CHECK_EQ_INT(vt_h264_avcc_next(l1, sizeof(l1), 1, &off, &nal), 0);
    off = 0;
    CHECK_EQ_INT(vt_h264_avcc_next(l2, sizeof(l2), 2, &off, &nal), 1);
    CHECK_EQ_INT(nal.size, 2);
    CHECK_EQ_INT(vt_h264_avcc_next(l2, sizeof(l2), 2, &off, &nal), 1);
    CHECK_EQ_INT(vt_h264_avcc_next(l2, sizeof(l2), 2, &off, &nal), 0);
    off = 0;
    CHECK_EQ_INT(vt_h264_avcc_next(l2, sizeof(l2), 3, &off, &nal), -1);
    static const uint8_t trunc[] = {0, 0, 0, 9, 0x65, 1};
    static const uint8_t zero_len[] = {0, 0, 0, 0, 0, 0, 0, 1, 0x65};
    static const uint8_t short_len[] = {0, 0, 1};
    static const uint8_t forbidden[] = {0, 0, 0, 1, 0x85};
    off = 0;
    CHECK_EQ_INT(vt_h264_avcc_next(trunc, sizeof(trunc), 4, &off, &nal), -1);
    off = 0;
    CHECK_EQ_INT(vt_h264_avcc_next(zero_len, sizeof(zero_len), 4, &off, &nal), -1);
    off = 0;
    CHECK_EQ_INT(vt_h264_avcc_next(short_len, sizeof(short_len), 4, &off, &nal), -1);
    CHECK_EQ_INT(vt_h264_avcc_validate(trunc, sizeof(trunc)), -1);
    CHECK_EQ_INT(vt_h264_avcc_validate(zero_len, sizeof(zero_len)), -1);
    CHECK_EQ_INT(vt_h264_avcc_validate(forbidden, sizeof(forbidden)), -1);
    CHECK_EQ_INT(vt_h264_avcc_validate(NULL, 0), -1);
    CHECK_STATUS(vt_h264_avcc_to_annexb(trunc, sizeof(trunc), 4, back, sizeof(back), &back_size),
                 kVTParameterErr);

    /* unescape */
    static const uint8_t esc[] = {1, 0, 0, 3, 0, 0, 3, 3, 0, 3};
    uint8_t raw[sizeof(esc)];
    size_t rn = vt_h264_unescape(esc, sizeof(esc), raw);
    static const uint8_t unesc[] = {1, 0, 0, 0, 0, 3, 0, 3};
    CHECK(rn == sizeof(unesc) && memcmp(raw, unesc, rn) == 0);
}

static void test_sps_pps_slice(void) {
    uint8_t sps[256], bsps[128], pps[64], pps_short[64], slice[32];
    size_t sps_size = make_high_sps(sps);
    size_t bsps_size = make_baseline_sps(bsps);
    size_t pps_size = make_pps(pps, 1);
    size_t pps_short_size = make_pps(pps_short, 0);

    /* the timing field forced an emulation prevention byte */
    int has_ep = 0;
    for (size_t i = 2; i < sps_size; i++)
        has_ep |= sps[i - 2] == 0 && sps[i - 1] == 0 && sps[i] == 3;
    CHECK(has_ep);

    VTH264SPSInfo s;
    CHECK_STATUS(vt_h264_parse_sps(sps, sps_size, &s), noErr);
    CHECK_EQ_INT(s.profile_idc, 100);
    CHECK_EQ_INT(s.constraint_flags, 0x0c);
    CHECK_EQ_INT(s.level_idc, 40);
    CHECK_EQ_INT(s.sps_id, 1);
    CHECK_EQ_INT(s.chroma_format_idc, 1);
    CHECK_EQ_INT(s.bit_depth_luma, 8);
    CHECK_EQ_INT(s.log2_max_frame_num, 6);
    CHECK_EQ_INT(s.pic_order_cnt_type, 0);
    CHECK_EQ_INT(s.max_num_ref_frames, 3);
    CHECK_EQ_INT(s.coded_width, 320);
    CHECK_EQ_INT(s.coded_height, 240);
    CHECK(s.frame_cropping);
    CHECK_EQ_INT(s.width, 318);
    CHECK_EQ_INT(s.height, 238);
    CHECK(s.vui_present);
    CHECK_EQ_INT(s.sar_width, 4);
    CHECK_EQ_INT(s.sar_height, 3);
    CHECK(s.full_range);
    CHECK(s.colour_description_present);
    CHECK_EQ_INT(s.colour_primaries, 9);
    CHECK_EQ_INT(s.transfer_characteristics, 16);
    CHECK_EQ_INT(s.matrix_coefficients, 9);
    CHECK(s.timing_info_present);
    CHECK_EQ_INT(s.num_units_in_tick, 1);
    CHECK_EQ_INT(s.time_scale, 60);
    CHECK(s.nal_hrd_present);
    CHECK(!s.vcl_hrd_present);
    CHECK(s.bitstream_restriction);
    CHECK_EQ_INT(s.max_num_reorder_frames, 2);
    CHECK_EQ_INT(s.max_dec_frame_buffering, 4);

    CHECK_STATUS(vt_h264_parse_sps(bsps, bsps_size, &s), noErr);
    CHECK_EQ_INT(s.profile_idc, 66);
    CHECK_EQ_INT(s.constraint_flags, 0xc0);
    CHECK_EQ_INT(s.pic_order_cnt_type, 2);
    CHECK(!s.frame_mbs_only);
    CHECK_EQ_INT(s.coded_width, 176);
    CHECK_EQ_INT(s.coded_height, 160);
    CHECK_EQ_INT(s.height, 144);
    CHECK(!s.vui_present);
    CHECK_EQ_INT(s.chroma_format_idc, 1);

    /* truncated or wrong NALs are rejected, never overrun */
    for (size_t cut = 1; cut < sps_size - 1; cut++) {
        VTH264SPSInfo t;
        OSStatus st = vt_h264_parse_sps(sps, cut, &t);
        CHECK_MSG(st == kVTParameterErr, "truncated SPS (%zu of %zu bytes) accepted", cut,
                  sps_size);
    }
    CHECK_STATUS(vt_h264_parse_sps(pps, pps_size, &s), kVTParameterErr);
    CHECK_STATUS(vt_h264_parse_sps(NULL, 10, &s), kVTParameterErr);
    CHECK_STATUS(vt_h264_parse_sps(sps, sps_size, NULL), kVTParameterErr);

    VTH264PPSInfo p;
    CHECK_STATUS(vt_h264_parse_pps(pps, pps_size, &p), noErr);
    CHECK_EQ_INT(p.pps_id, 3);
    CHECK_EQ_INT(p.sps_id, 1);
    CHECK(p.entropy_coding_mode);
    CHECK_EQ_INT(p.num_slice_groups, 1);
    CHECK_EQ_INT(p.num_ref_idx_l0_default, 3);
    CHECK(p.weighted_pred);
    CHECK_EQ_INT(p.weighted_bipred_idc, 2);
    CHECK_EQ_INT(p.pic_init_qp, 23);
    CHECK(p.deblocking_filter_control_present);
    CHECK(p.transform_8x8_mode);
    CHECK_STATUS(vt_h264_parse_pps(pps_short, pps_short_size, &p), noErr);
    CHECK(!p.transform_8x8_mode);
    CHECK_STATUS(vt_h264_parse_pps(sps, sps_size, &p), kVTParameterErr);
    CHECK_STATUS(vt_h264_parse_pps(pps, 1, &p), kVTParameterErr);

    uint32_t mb = 99, st = 99;
    size_t sl = make_slice(slice, 0x65, 0, 7);
    CHECK_STATUS(vt_h264_parse_slice_start(slice, sl, &mb, &st), noErr);
    CHECK_EQ_INT(mb, 0);
    CHECK_EQ_INT(st, 7);
    sl = make_slice(slice, 0x01, 120, 1);
    CHECK_STATUS(vt_h264_parse_slice_start(slice, sl, &mb, &st), noErr);
    CHECK_EQ_INT(mb, 120);
    CHECK_EQ_INT(st, 1);
    CHECK_STATUS(vt_h264_parse_slice_start(sps, sps_size, &mb, &st), kVTParameterErr);
    sl = make_slice(slice, 0x01, 0, 12);
    CHECK_STATUS(vt_h264_parse_slice_start(slice, sl, &mb, &st), kVTParameterErr);

    /* escape / unescape round trip, and the VUI timing rewrite */
    static const uint8_t raw_rbsp[] = {0, 0, 0, 0, 0, 1, 0, 0, 2, 5, 0, 0};
    uint8_t escaped[32], unescaped[32];
    size_t en = vt_h264_escape(raw_rbsp, sizeof(raw_rbsp), NULL, 0);
    CHECK_EQ_INT(en, sizeof(raw_rbsp) + 4);
    CHECK_EQ_INT(vt_h264_escape(raw_rbsp, sizeof(raw_rbsp), escaped, en - 1), en); /* too small */
    CHECK_EQ_INT(vt_h264_escape(raw_rbsp, sizeof(raw_rbsp), escaped, sizeof(escaped)), en);
    static const uint8_t expect_esc[] = {0, 0, 3, 0, 0, 3, 0, 1, 0, 0, 3, 2, 5, 0, 0, 3};
    CHECK(en == sizeof(expect_esc) && memcmp(escaped, expect_esc, en) == 0);
    size_t un = vt_h264_unescape(escaped, en - 1, unescaped); /* without the final 03 */
    CHECK(un == sizeof(raw_rbsp) && memcmp(unescaped, raw_rbsp, un) == 0);

    uint8_t timed[300];
    size_t timed_size = 0;
    CHECK_STATUS(
        vt_h264_sps_set_timing(sps, sps_size, 1001, 60000, timed, sizeof(timed), &timed_size),
        noErr);
    VTH264SPSInfo t;
    CHECK_STATUS(vt_h264_parse_sps(timed, timed_size, &t), noErr);
    CHECK_EQ_INT(t.num_units_in_tick, 1001);
    CHECK_EQ_INT(t.time_scale, 60000);
    CHECK_EQ_INT(t.max_num_reorder_frames, 2); /* everything after is intact */
    CHECK_EQ_INT(t.colour_primaries, 9);
    CHECK_EQ_INT(t.width, 318);
    CHECK_STATUS(
        vt_h264_sps_set_timing(timed, timed_size, 1, 60, timed, sizeof(timed), &timed_size),
        noErr); /* in place, back to the original */
    CHECK(timed_size == sps_size && memcmp(timed, sps, sps_size) == 0);
    CHECK_STATUS(vt_h264_sps_set_timing(bsps, bsps_size, 1, 60, timed, sizeof(timed), &timed_size),
                 noErr); /* no timing info: copied */
    CHECK(timed_size == bsps_size && memcmp(timed, bsps, bsps_size) == 0);
    CHECK_STATUS(vt_h264_sps_set_timing(sps, sps_size, 1, 60, timed, 4, &timed_size),
                 kVTParameterErr);
    CHECK_STATUS(vt_h264_sps_set_timing(pps, pps_size, 1, 60, timed, sizeof(timed), &timed_size),
                 kVTParameterErr);

    /* avcC */
    uint8_t rec[512];
    size_t rec_size = 0;
    CHECK_STATUS(vt_h264_avcc_config_build(sps, sps_size, pps, pps_size, NULL, 0, &rec_size),
                 noErr);
    CHECK_EQ_INT(rec_size, 6 + 2 + sps_size + 1 + 2 + pps_size + 4);
    CHECK_STATUS(
        vt_h264_avcc_config_build(sps, sps_size, pps, pps_size, rec, rec_size - 1, &rec_size),
        kVTParameterErr);
    CHECK_STATUS(
        vt_h264_avcc_config_build(sps, sps_size, pps, pps_size, rec, sizeof(rec), &rec_size),
        noErr);
    CHECK_EQ_INT(rec[0], 1);
    CHECK_EQ_INT(rec[1], 100);
    CHECK_EQ_INT(rec[2], 0x0c);
    CHECK_EQ_INT(rec[3], 40);
    CHECK_EQ_INT(rec[4], 0xff);
    CHECK_EQ_INT(rec[5], 0xe1);
    CHECK_EQ_INT((rec[6] << 8) | rec[7], sps_size);
    CHECK(memcmp(rec + 8, sps, sps_size) == 0);
    CHECK_EQ_INT(rec[8 + sps_size], 1);
    CHECK(memcmp(rec + 11 + sps_size, pps, pps_size) == 0);
    CHECK_EQ_INT(rec[rec_size - 4], 0xfd); /* 4:2:0 */
    CHECK_EQ_INT(rec[rec_size - 3], 0xf8);
    CHECK_EQ_INT(rec[rec_size - 1], 0);
    CHECK_STATUS(
        vt_h264_avcc_config_build(bsps, bsps_size, pps, pps_size, rec, sizeof(rec), &rec_size),
        noErr);
    CHECK_EQ_INT(rec_size, 6 + 2 + bsps_size + 1 + 2 + pps_size);
    CHECK_STATUS(
        vt_h264_avcc_config_build(pps, pps_size, sps, sps_size, rec, sizeof(rec), &rec_size),
        kVTParameterErr);
    CHECK_STATUS(vt_h264_avcc_config_build(NULL, 0, pps, pps_size, rec, sizeof(rec), &rec_size),
                 kVTParameterErr);
}

int main(void) {
    test_config();
    test_profile_level();
    test_registry();
    test_nal_iteration();
    test_sps_pps_slice();
    return vt_test_result();
}
