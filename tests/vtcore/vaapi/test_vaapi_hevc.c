/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The VA-API HEVC backend (encoder/vaapi_hevc.c) on the test-only VA driver
 * (tests/vadriver): the driver validates every buffer and writes lossless
 * PCM / skipped coding units behind the backend's own VPS/SPS/PPS/slice
 * headers, so the output must decode (libavcodec, through the ffmpeg tool) to
 * exactly the input: 8-bit Main, 10-bit Main10 from P010, 8-bit input into
 * Main10 (v << 2) and P010 into Main (rounded). Also: key frame placement
 * (ffprobe), header fields (trace_headers), the output contract, rate control
 * as the driver saw it, a live bit rate change, refusals.
 *
 * Usage: test_vaapi_hevc /path/to/ffmpeg /path/to/ffprobe  (exit 77 without)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "encoder/backend.h"
#include "encoder/h264.h"
#include "encoder/vaapi.h"
#include "vaapi_test_util.h"
#include "vt_test.h"

static const char *g_ffmpeg, *g_ffprobe;
static char g_dir[] = "/tmp/vtcore-vaapi-hevc-XXXXXX";
static const VTEncoderBackend *be = &vt_vaapi_hevc_backend;

#define TIMESCALE 90000
#define TICK      3000

/* 10-bit value of a test picture sample: the 8-bit value plus 2 extra low
 * bits that vary, so a 10-bit path is really exercised. */
static unsigned ten(unsigned v8, int x, int y) {
    return (v8 << 2) | (unsigned)((x + y) & 3);
}

typedef struct Run {
    int width, height, frames;
    uint32_t fourcc;
    uint64_t force_mask;
    OSStatus open_status;
    int accepted;
    Collector col;
} Run;

static void run_init(Run *r, int w, int h, int frames, uint32_t fourcc) {
    memset(r, 0, sizeof(*r));
    r->width = w;
    r->height = h;
    r->frames = frames;
    r->fourcc = fourcc;
}

static void base_config(VTEncoderConfig *cfg, const Run *r) {
    vt_encoder_config_init(cfg);
    cfg->codec_type = VT_ENC_CODEC_HEVC;
    cfg->width = r->width;
    cfg->height = r->height;
    cfg->timescale = TIMESCALE;
    cfg->pixel_format = r->fourcc;
    cfg->quality = 0.9; /* QP 12: the deblocking filter leaves skipped CUs alone */
}

/* P010 planes of test picture p (with the 2 extra bits of ten()). */
static void make_p010(const TestPic *p, uint8_t **y, uint8_t **uv) {
    int cw = (p->w + 1) / 2, ch = (p->h + 1) / 2;
    *y = malloc((size_t)p->w * p->h * 2);
    *uv = malloc((size_t)cw * ch * 4);
    for (int j = 0; j < p->h; j++)
        for (int i = 0; i < p->w; i++) {
            unsigned v = ten(p->y[(size_t)j * p->w + i], i, j) << 6;
            (*y)[((size_t)j * p->w + i) * 2] = (uint8_t)v;
            (*y)[((size_t)j * p->w + i) * 2 + 1] = (uint8_t)(v >> 8);
        }
    for (int j = 0; j < ch; j++)
        for (int i = 0; i < cw; i++) {
            unsigned u = ten(p->u[(size_t)j * cw + i], i, j) << 6;
            unsigned v = ten(p->v[(size_t)j * cw + i], i, j) << 6;
            uint8_t *d = *uv + ((size_t)j * cw + i) * 4;
            d[0] = (uint8_t)u;
            d[1] = (uint8_t)(u >> 8);
            d[2] = (uint8_t)v;
            d[3] = (uint8_t)(v >> 8);
        }
}

static void run_encode(const VTEncoderConfig *cfg, Run *r) {
    VTEncoderCallbacks cb = {&r->col, collect_output};
    void *ctx = NULL;
    r->open_status = be->open(cfg, &cb, &ctx);
    if (r->open_status != noErr) {
        CHECK(ctx == NULL);
        return;
    }
    for (int i = 0; i < r->frames; i++) {
        TestPic p;
        VTEncoderFrame f;
        uint8_t *nv12 = NULL, *py = NULL, *puv = NULL;
        testpic_make(&p, r->width, r->height, i);
        if (vt_vaapi_format_is_p010(r->fourcc)) {
            make_p010(&p, &py, &puv);
            memset(&f, 0, sizeof(f));
            f.pixel_format = r->fourcc;
            f.width = r->width;
            f.height = r->height;
            f.plane_count = 2;
            f.planes[0] = py;
            f.strides[0] = (size_t)r->width * 2;
            f.planes[1] = puv;
            f.strides[1] = (size_t)((r->width + 1) / 2) * 4;
        } else {
            testpic_frame(&p, r->fourcc, &f, &nv12);
        }
        f.pts = (int64_t)i * TICK;
        f.duration = TICK;
        f.force_keyframe = (r->force_mask >> i) & 1;
        f.opaque = (void *)(uintptr_t)(i + 1);
        if (be->encode(ctx, &f) == noErr)
            r->accepted++;
        free(nv12);
        free(py);
        free(puv);
        testpic_free(&p);
    }
    CHECK_STATUS(be->flush(ctx), noErr);
    CHECK_EQ_INT(be->pending(ctx), 0);
    be->close(ctx);
}

static void check_contract(const char *what, const Run *r, const char *expect_types) {
    const Collector *c = &r->col;
    char types[MAX_OUTS + 1];
    CHECK_MSG(r->open_status == noErr, "%s: open %d", what, (int)r->open_status);
    CHECK_MSG(r->accepted == r->frames && c->n == r->frames, "%s: %d accepted, %d outputs", what,
              r->accepted, c->n);
    for (int i = 0; i < c->n; i++) {
        const Out *o = &c->outs[i];
        size_t off = 0;
        VTH264Nal nal;
        types[i] = o->type == VT_FRAME_TYPE_I ? 'I' : o->type == VT_FRAME_TYPE_P ? 'P' : 'B';
        CHECK_MSG(o->status == noErr && o->data, "%s: output %d status %d", what, i,
                  (int)o->status);
        CHECK(o->opaque == (void *)(uintptr_t)(i + 1));
        CHECK(o->pts == (int64_t)i * TICK && o->dts == o->pts && o->duration == TICK);
        CHECK(o->key == (o->type == VT_FRAME_TYPE_I));
        CHECK(o->ref);
        CHECK_MSG(o->ps_changed == (i == 0), "%s: parameter_sets_changed on output %d", what, i);
        CHECK(o->vps_size > 2 && ((o->vps[0] >> 1) & 0x3f) == 32);
        CHECK(o->sps_size > 2 && ((o->sps[0] >> 1) & 0x3f) == 33);
        CHECK(o->pps_size > 2 && ((o->pps[0] >> 1) & 0x3f) == 34);
        CHECK_MSG(o->data && vt_h264_avcc_validate(o->data, o->size) > 0,
                  "%s: output %d not length-prefixed", what, i);
        while (o->data && vt_h264_avcc_next(o->data, o->size, 4, &off, &nal) == 1) {
            unsigned t = (nal.data[0] >> 1) & 0x3f;
            CHECK_MSG(t == (o->key ? 19u : 1u), "%s: NAL type %u in output %d", what, t, i);
        }
    }
    types[c->n] = 0;
    if (expect_types)
        CHECK_MSG(!strcmp(types, expect_types), "%s: types %s, expected %s", what, types,
                  expect_types);
}

/* Decodes the run; compares every sample with the source. depth 8 or 10:
 * the decoded bit depth; src10: the source had 10-bit samples. */
static char *judge(const char *what, const Run *r, int depth, int src10, char *keys) {
    char path[512], yuv[512], cmd[2048];
    size_t size = 0, ysize = 0;
    uint8_t *stream = assemble_annexb(&r->col, &size);
    int st, mismatches = 0;
    char *out;
    CHECK_MSG(stream && size, "%s: no stream", what);
    if (!stream)
        return NULL;
    snprintf(path, sizeof(path), "%s/%s.hevc", g_dir, what);
    snprintf(yuv, sizeof(yuv), "%s/%s.yuv", g_dir, what);
    CHECK(write_file(path, stream, size) == 0);
    free(stream);
    snprintf(cmd, sizeof(cmd),
             "'%s' -hide_banner -nostdin -nostats -v error -i '%s' -f rawvideo -pix_fmt %s -y "
             "'%s' 2>&1",
             g_ffmpeg, path, depth == 10 ? "yuv420p10le" : "yuv420p", yuv);
    out = run_capture(cmd, &st);
    CHECK_MSG(st == 0 && out[0] == 0, "%s: ffmpeg decode: status %d, output: %s", what, st, out);
    free(out);
    {
        const int w = r->width, h = r->height, cw = (w + 1) / 2, ch = (h + 1) / 2;
        const size_t bps = depth == 10 ? 2 : 1;
        const size_t frame = ((size_t)w * h + 2 * (size_t)cw * ch) * bps;
        uint8_t *raw = read_file_all(yuv, &ysize);
        CHECK_MSG(ysize == frame * (size_t)r->frames, "%s: decoded %zu bytes, expected %d frames",
                  what, ysize, r->frames);
        for (int i = 0; raw && ysize == frame * (size_t)r->frames && i < r->frames; i++) {
            TestPic p;
            const uint8_t *base = raw + frame * (size_t)i;
            testpic_make(&p, w, h, i);
            for (int plane = 0; plane < 3; plane++) {
                int pw = plane ? cw : w, ph = plane ? ch : h;
                const uint8_t *src = plane == 0 ? p.y : plane == 1 ? p.u : p.v;
                const uint8_t *dec =
                    base +
                    (plane == 0 ? 0 : ((size_t)w * h + (plane == 2 ? (size_t)cw * ch : 0)) * bps);
                for (int y = 0; y < ph; y++)
                    for (int x = 0; x < pw; x++) {
                        unsigned v8 = src[(size_t)y * pw + x], want, got;
                        unsigned v10 = ten(v8, x, y);
                        if (depth == 10)
                            want = src10 ? v10 : v8 << 2;
                        else
                            want = src10 ? (((v10 + 2) >> 2) > 255 ? 255 : (v10 + 2) >> 2) : v8;
                        got = bps == 2 ? (unsigned)(dec[((size_t)y * pw + x) * 2] |
                                                    (dec[((size_t)y * pw + x) * 2 + 1] << 8))
                                       : dec[(size_t)y * pw + x];
                        if (got != want && mismatches++ < 3)
                            fprintf(stderr, "  %s: frame %d plane %d (%d,%d) = %u, expected %u\n",
                                    what, i, plane, x, y, got, want);
                    }
            }
            testpic_free(&p);
        }
        CHECK_MSG(mismatches == 0, "%s: %d decoded samples differ from the source", what,
                  mismatches);
        free(raw);
    }
    unlink(yuv);
    snprintf(cmd, sizeof(cmd),
             "'%s' -v error -select_streams v:0 -show_entries frame=key_frame,pict_type -of "
             "csv=p=0 '%s'",
             g_ffprobe, path);
    out = run_capture(cmd, &st);
    {
        int n = 0;
        for (char *line = strtok(out, "\n"); line && n < MAX_OUTS; line = strtok(NULL, "\n")) {
            int key = 0;
            char t = 0;
            if (sscanf(line, "%d,%c", &key, &t) == 2)
                keys[n++] = key ? 'K' : t;
        }
        keys[n] = 0;
        CHECK_MSG(n == r->frames, "%s: ffprobe counted %d frames, expected %d", what, n, r->frames);
    }
    free(out);
    snprintf(cmd, sizeof(cmd),
             "'%s' -v error -show_entries stream=profile,width,height -of "
             "csv=p=0 '%s' 2>&1; '%s' -hide_banner -nostdin -nostats -v info -i '%s' -c:v copy "
             "-bsf:v trace_headers -f null - 2>&1",
             g_ffprobe, path, g_ffmpeg, path);
    out = run_capture(cmd, &st);
    unlink(path);
    return out;
}

static char g_trace_path[512];

static void trace_begin(const char *name) {
    snprintf(g_trace_path, sizeof(g_trace_path), "%s/%s.trace", g_dir, name);
    unlink(g_trace_path);
    setenv("VTCORETEST_DRV_TRACE", g_trace_path, 1);
}

static char *trace_end(void) {
    size_t n = 0;
    uint8_t *data = read_file_all(g_trace_path, &n);
    char *s = malloc(n + 1);
    if (data)
        memcpy(s, data, n);
    s[n] = 0;
    free(data);
    unsetenv("VTCORETEST_DRV_TRACE");
    unlink(g_trace_path);
    return s;
}

static int count_str(const char *s, const char *needle) {
    int n = 0;
    for (const char *p = s; (p = strstr(p, needle)) != NULL; p++)
        n++;
    return n;
}

/* ---- tests ---------------------------------------------------------------- */

static void test_probe(void) {
    CHECK_STATUS(be->probe(), noErr);
    CHECK(be->hardware);
    CHECK_EQ_INT((long)be->codec_type, (long)VT_ENC_CODEC_HEVC);
    CHECK(!strcmp(be->encoder_id, "org.vtcore.vaapi.hevc"));
    CHECK(!(be->caps & VT_CAP_BFRAMES)); /* IDR + P only */
    CHECK(vt_encoder_backend_accepts_format(be, VT_ENC_FORMAT_P010));
    CHECK(vt_encoder_backend_accepts_format(be, VT_ENC_FORMAT_P010_FR));
    CHECK(!vt_encoder_backend_accepts_format(&vt_vaapi_h264_backend, VT_ENC_FORMAT_P010));
}

/* Main, 8-bit, a size that is no multiple of the CTB (partial CTUs, the
 * conformance window), key frames by interval and by force. */
static void test_main_8bit(void) {
    Run r;
    VTEncoderConfig cfg;
    char keys[MAX_OUTS + 1];
    run_init(&r, 100, 60, 12, VT_ENC_FORMAT_NV12);
    r.force_mask = 1u << 7;
    base_config(&cfg, &r);
    cfg.max_keyframe_interval = 5;
    cfg.colour_primaries = 1;
    cfg.transfer_characteristics = 1;
    cfg.matrix_coefficients = 1;
    cfg.sar_width = 4;
    cfg.sar_height = 3;
    cfg.expected_frame_rate = 30.0;
    trace_begin("main8");
    run_encode(&cfg, &r);
    char *tr = trace_end();
    check_contract("main8", &r, "IPPPPIPIPPPP");
    char *t = judge("main8", &r, 8, 0, keys);
    CHECK_MSG(!strcmp(keys, "KPPPPKPKPPPP"), "main8: ffprobe key/types %s", keys);
    if (t) {
        CHECK_MSG(strstr(t, "Main\n") || strstr(t, "Main,"), "main8: profile: %.200s", t);
        CHECK_EQ_INT(trace_field(t, "general_profile_idc"), 1);
        CHECK_EQ_INT(trace_field(t, "pic_width_in_luma_samples"), 104);
        CHECK_EQ_INT(trace_field(t, "pic_height_in_luma_samples"), 64);
        CHECK_EQ_INT(trace_field(t, "conf_win_right_offset"), 2);
        CHECK_EQ_INT(trace_field(t, "conf_win_bottom_offset"), 2);
        CHECK_EQ_INT(trace_field(t, "bit_depth_luma_minus8"), 0);
        CHECK_EQ_INT(trace_field(t, "pcm_enabled_flag"), 1);
        CHECK_EQ_INT(trace_field(t, "pcm_loop_filter_disabled_flag"), 1);
        CHECK_EQ_INT(trace_field(t, "sample_adaptive_offset_enabled_flag"), 0);
        CHECK_EQ_INT(trace_field(t, "sps_temporal_mvp_enabled_flag"), 0);
        CHECK_EQ_INT(trace_field(t, "log2_diff_max_min_luma_coding_block_size"), 2);
        CHECK_EQ_INT(trace_field(t, "colour_primaries"), 1);
        CHECK_EQ_INT(trace_field(t, "matrix_coefficients"), 1);
        CHECK_EQ_INT(trace_field(t, "video_full_range_flag"), 0);
        CHECK_EQ_INT(trace_field(t, "aspect_ratio_idc"), 14); /* 4:3, Table E-1 */
        CHECK_EQ_INT(trace_field(t, "vui_time_scale"), 30);
        CHECK_EQ_INT(trace_field(t, "vui_num_units_in_tick"), 1);
        CHECK_EQ_INT(trace_field(t, "init_qp_minus26"), 12 - 26);
        CHECK(count_str(t, "Video Parameter Set") >= 1);
    }
    free(t);
    /* the driver coded skipped CUs in the P frames (static background) */
    CHECK_EQ_INT(count_str(tr, "codec=hevc"), 12);
    CHECK_EQ_INT(count_str(tr, "type=P"), 9);
    /* 104x64 coded: 6 CUs of 32x32 and 8 of 8x8 at the right edge; frame 1
     * changes only the CU under the moving box */
    CHECK_MSG(strstr(tr, "pic n=1 codec=hevc type=I idr=1 poc=0 qp=12 skipped=0 pcm=14 ") != NULL,
              "main8: %.400s", tr);
    CHECK_MSG(strstr(tr, "pic n=2 codec=hevc type=P idr=0 poc=1 qp=12 skipped=13 pcm=1 ") != NULL,
              "main8: %.400s", tr);
    CHECK_EQ_INT(count_str(tr, "vps=1 sps=1 pps=1"), 3);
    free(tr);
    collector_clear(&r.col);
}

/* Main10 from P010: 10-bit samples through unchanged. */
static void test_main10_p010(void) {
    Run r;
    VTEncoderConfig cfg;
    char keys[MAX_OUTS + 1];
    run_init(&r, 64, 48, 6, VT_ENC_FORMAT_P010);
    base_config(&cfg, &r);
    cfg.profile = VT_HEVC_PROFILE_MAIN10;
    trace_begin("main10");
    run_encode(&cfg, &r);
    char *tr = trace_end();
    check_contract("main10", &r, "IPPPPP");
    char *t = judge("main10", &r, 10, 1, keys);
    CHECK_MSG(!strcmp(keys, "KPPPPP"), "main10: %s", keys);
    if (t) {
        CHECK_MSG(strstr(t, "Main 10") != NULL, "main10: profile: %.200s", t);
        CHECK_EQ_INT(trace_field(t, "general_profile_idc"), 2);
        CHECK_EQ_INT(trace_field(t, "bit_depth_luma_minus8"), 2);
        CHECK_EQ_INT(trace_field(t, "pcm_sample_bit_depth_luma_minus1"), 9);
    }
    free(t);
    CHECK(count_str(tr, "depth=10") == 6);
    free(tr);
    collector_clear(&r.col);

    /* no ProfileLevel: 10-bit input picks Main10 */
    run_init(&r, 64, 32, 2, VT_ENC_FORMAT_P010_FR);
    base_config(&cfg, &r);
    run_encode(&cfg, &r);
    check_contract("auto10", &r, "IP");
    t = judge("auto10", &r, 10, 1, keys);
    if (t) {
        CHECK_EQ_INT(trace_field(t, "general_profile_idc"), 2);
        CHECK_EQ_INT(trace_field(t, "video_full_range_flag"), 1);
    }
    free(t);
    collector_clear(&r.col);
}

/* 8-bit input into Main10 (widened), 10-bit input into Main (rounded). */
static void test_depth_conversion(void) {
    Run r;
    VTEncoderConfig cfg;
    char keys[MAX_OUTS + 1];
    char *t;
    run_init(&r, 48, 32, 3, VT_ENC_FORMAT_I420);
    base_config(&cfg, &r);
    cfg.profile = VT_HEVC_PROFILE_MAIN10;
    run_encode(&cfg, &r);
    check_contract("8in10", &r, "IPP");
    t = judge("8in10", &r, 10, 0, keys);
    if (t)
        CHECK_EQ_INT(trace_field(t, "general_profile_idc"), 2);
    free(t);
    collector_clear(&r.col);

    run_init(&r, 48, 32, 3, VT_ENC_FORMAT_P010);
    base_config(&cfg, &r);
    cfg.profile = VT_HEVC_PROFILE_MAIN;
    run_encode(&cfg, &r);
    check_contract("10in8", &r, "IPP");
    t = judge("10in8", &r, 8, 1, keys);
    if (t)
        CHECK_EQ_INT(trace_field(t, "general_profile_idc"), 1);
    free(t);
    collector_clear(&r.col);
}

/* Every frame IDR; the PutImage upload path; all-intra still lossless at
 * any QP (PCM is not filtered). */
static void test_all_intra_putimage(void) {
    Run r;
    VTEncoderConfig cfg;
    char keys[MAX_OUTS + 1];
    setenv("VTCORETEST_DRV_NO_DERIVE", "1", 1);
    run_init(&r, 40, 24, 3, VT_ENC_FORMAT_NV12);
    base_config(&cfg, &r);
    cfg.allow_temporal_compression = FALSE;
    cfg.quality = 0.2;
    run_encode(&cfg, &r);
    unsetenv("VTCORETEST_DRV_NO_DERIVE");
    check_contract("intra", &r, "III");
    free(judge("intra", &r, 8, 0, keys));
    CHECK_MSG(!strcmp(keys, "KKK"), "intra: %s", keys);
    collector_clear(&r.col);
}

/* Rate control as the driver saw it, and a live bit rate change. */
static void test_rate_control(void) {
    Run r;
    VTEncoderConfig cfg;
    VTEncoderCallbacks cb;
    void *ctx = NULL;
    char line[64];
    run_init(&r, 64, 64, 0, VT_ENC_FORMAT_NV12);
    base_config(&cfg, &r);
    cfg.quality = -1.0;
    cfg.average_bit_rate = 500000;
    cfg.expected_frame_rate = 25.0;
    cb.user = &r.col;
    cb.output = collect_output;
    trace_begin("rc");
    CHECK_STATUS(be->open(&cfg, &cb, &ctx), noErr);
    for (int i = 0; ctx && i < 4; i++) {
        TestPic p;
        VTEncoderFrame f;
        uint8_t *nv12;
        if (i == 2) {
            VTEncoderConfig c2 = cfg;
            c2.average_bit_rate = 250000;
            CHECK_STATUS(be->reconfigure(ctx, &c2), noErr);
            c2.quality = 0.5; /* VBR -> QVBR/CQP: a mode change */
            c2.average_bit_rate = 0;
            CHECK_STATUS(be->reconfigure(ctx, &c2), kVTPropertyNotSupportedErr);
            c2 = cfg;
            c2.width = 32;
            CHECK_STATUS(be->reconfigure(ctx, &c2), kVTPropertyNotSupportedErr);
        }
        testpic_make(&p, 64, 64, i);
        testpic_frame(&p, VT_ENC_FORMAT_NV12, &f, &nv12);
        f.pts = i * TICK;
        f.opaque = (void *)(uintptr_t)(i + 1);
        CHECK_STATUS(be->encode(ctx, &f), noErr);
        free(nv12);
        testpic_free(&p);
    }
    be->close(ctx);
    char *tr = trace_end();
    CHECK_MSG(strstr(tr, "config profile=17") != NULL || strstr(tr, "rc=0x4") != NULL, "rc: %.300s",
              tr);
    CHECK(strstr(tr, "rc=0x4 ") != NULL); /* VA_RC_VBR */
    CHECK_EQ_INT(count_str(tr, "rc_bps=750000 rc_target=67"), 1);
    CHECK_EQ_INT(count_str(tr, "rc_bps=375000 rc_target=67"), 1);
    CHECK_EQ_INT(count_str(tr, "fps=25/1"), 2);
    CHECK(count_str(tr, "hrd_size=") == 2);
    snprintf(line, sizeof(line), "%s", "misc=-");
    CHECK_EQ_INT(count_str(tr, line), 2); /* frames 1 and 3 carry no misc buffer */
    free(tr);
    collector_clear(&r.col);
}

static void test_refusals(void) {
    Run r;
    VTEncoderConfig cfg;
    VTEncoderCallbacks cb = {NULL, collect_output};
    void *ctx = (void *)&cfg;
    run_init(&r, 64, 64, 0, VT_ENC_FORMAT_NV12);
    base_config(&cfg, &r);
    cb.user = &r.col;
    cfg.profile = VT_H264_PROFILE_HIGH;
    CHECK_STATUS(be->open(&cfg, &cb, &ctx), kVTParameterErr);
    CHECK(ctx == NULL);
    base_config(&cfg, &r);
    cfg.codec_type = VT_ENC_CODEC_H264;
    CHECK_STATUS(be->open(&cfg, &cb, &ctx), kVTParameterErr);
    CHECK_STATUS(be->open(NULL, &cb, &ctx), kVTParameterErr);
    CHECK_STATUS(be->open(&cfg, &cb, NULL), kVTParameterErr);
    /* the H.264 backend refuses HEVC */
    base_config(&cfg, &r);
    CHECK_STATUS(vt_vaapi_h264_backend.open(&cfg, &cb, &ctx), kVTParameterErr);
    /* a driver without HEVC */
    setenv("VTCORETEST_DRV_PROFILES", "cb,main,high", 1);
    base_config(&cfg, &r);
    CHECK_STATUS(be->open(&cfg, &cb, &ctx), kVTCouldNotCreateInstanceErr);
    /* a driver with Main only: Main10 refused */
    setenv("VTCORETEST_DRV_PROFILES", "hevc", 1);
    cfg.profile = VT_HEVC_PROFILE_MAIN10;
    CHECK_STATUS(be->open(&cfg, &cb, &ctx), kVTParameterErr);
    unsetenv("VTCORETEST_DRV_PROFILES");
    /* frames of the wrong size / format */
    base_config(&cfg, &r);
    CHECK_STATUS(be->open(&cfg, &cb, &ctx), noErr);
    if (ctx) {
        TestPic p;
        VTEncoderFrame f;
        uint8_t *nv12;
        testpic_make(&p, 32, 32, 0);
        testpic_frame(&p, VT_ENC_FORMAT_NV12, &f, &nv12);
        CHECK_STATUS(be->encode(ctx, &f), kVTParameterErr);
        CHECK_STATUS(be->encode(ctx, NULL), kVTParameterErr);
        free(nv12);
        testpic_free(&p);
        be->close(ctx);
    }
    CHECK_EQ_INT(r.col.n, 0);
    be->close(NULL);
}

/* The driver fails the 2nd picture: that frame is refused with
 * kVTVideoEncoderMalfunctionErr (no output for it), so are later ones; the
 * first frame's output came. The test hook fails open. */
static void test_failures(void) {
    Run r;
    VTEncoderConfig cfg;
    VTEncoderCallbacks cb;
    void *ctx = NULL;
    run_init(&r, 32, 32, 0, VT_ENC_FORMAT_NV12);
    base_config(&cfg, &r);
    cb.user = &r.col;
    cb.output = collect_output;
    setenv("VTCORETEST_DRV_FAIL_END_PICTURE", "2", 1);
    CHECK_STATUS(be->open(&cfg, &cb, &ctx), noErr);
    unsetenv("VTCORETEST_DRV_FAIL_END_PICTURE");
    for (int i = 0; ctx && i < 3; i++) {
        TestPic p;
        VTEncoderFrame f;
        uint8_t *nv12;
        testpic_make(&p, 32, 32, i);
        testpic_frame(&p, VT_ENC_FORMAT_NV12, &f, &nv12);
        f.pts = i * TICK;
        CHECK_STATUS(be->encode(ctx, &f), i == 0 ? noErr : kVTVideoEncoderMalfunctionErr);
        free(nv12);
        testpic_free(&p);
    }
    if (ctx) {
        CHECK_STATUS(be->flush(ctx), kVTVideoEncoderMalfunctionErr);
        CHECK_STATUS(be->reconfigure(ctx, &cfg), kVTVideoEncoderMalfunctionErr);
        be->close(ctx);
    }
    CHECK_EQ_INT(r.col.n, 1);
    collector_clear(&r.col);

    ctx = NULL;
    vtcore_debug_fail_encoder(VTCORE_FAULT_ENCODER_OPEN, 1);
    CHECK_STATUS(be->open(&cfg, &cb, &ctx), kVTCouldNotCreateInstanceErr);
    CHECK(ctx == NULL);
    vtcore_debug_fail_encoder(VTCORE_FAULT_ENCODER_OPEN, 0);
}

int main(int argc, char **argv) {
    g_ffmpeg = argc > 1 ? argv[1] : NULL;
    g_ffprobe = argc > 2 ? argv[2] : NULL;
    if (!g_ffmpeg || access(g_ffmpeg, X_OK) || !g_ffprobe || access(g_ffprobe, X_OK))
        VT_TEST_SKIP("ffmpeg/ffprobe not found (install the ffmpeg package)");
    if (!getenv("LIBVA_DRIVER_NAME"))
        VT_TEST_SKIP("run through meson: needs the test VA driver environment");
    if (!mkdtemp(g_dir))
        VT_TEST_SKIP("no temporary directory");
    test_probe();
    test_main_8bit();
    test_main10_p010();
    test_depth_conversion();
    test_all_intra_putimage();
    test_rate_control();
    test_refusals();
    test_failures();
    rmdir(g_dir);
    return vt_test_result();
}
