/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The VA-API H.264 backend, run without a GPU on the test-only VA driver
 * (tests/vadriver: LIBVA_DRIVERS_PATH, LIBVA_DRIVER_NAME=vtcoretest and
 * VTCORE_VAAPI_DEVICE=<render node substitute>, set by meson). The driver
 * validates every buffer and writes lossless slice data, so the backend's
 * output must decode (libavcodec, through the ffmpeg tool) to exactly the
 * input pictures. Checked: the output contract (one output per frame, decode
 * order, DTS, AVCC, parameter sets out of band), picture types and keyframe
 * placement (ffprobe), header fields (trace_headers), rate-control
 * parameters as the driver received them (its trace file), live bitrate
 * changes, fault injection, fallbacks (vaPutImage upload, LP entrypoint, no
 * B-frames, missing packed headers).
 *
 * Usage: test_vaapi_backend /path/to/ffmpeg /path/to/ffprobe  (exit 77 without)
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vt_test.h"

#include "encoder/backend.h"
#include "encoder/h264.h"
#include "encoder/vaapi.h"
#include "vaapi_test_util.h"

static const char *g_ffmpeg, *g_ffprobe;
static char g_dir[] = "/tmp/vtcore-vaapi-XXXXXX";
static const VTEncoderBackend *be = &vt_vaapi_h264_backend;

#define TIMESCALE 90000
#define TICK      3000 /* 30 fps */

/* ---- encoding ---------------------------------------------------------- */

typedef struct Run {
    int width, height, frames;
    uint32_t fourcc;
    uint64_t force_mask; /* ForceKeyFrame on these frame numbers */
    int close_early;     /* close without flushing */
    /* results */
    OSStatus open_status, last_encode_status;
    int accepted;
    Collector col;
    uint8_t sps[256], pps[256];
    size_t sps_size, pps_size;
} Run;

static void run_init(Run *r, int w, int h, int frames) {
    memset(r, 0, sizeof(*r));
    r->width = w;
    r->height = h;
    r->frames = frames;
    r->fourcc = VT_ENC_FORMAT_NV12;
}

static void base_config(VTEncoderConfig *cfg, const Run *r) {
    vt_encoder_config_init(cfg);
    cfg->width = r->width;
    cfg->height = r->height;
    cfg->timescale = TIMESCALE;
    cfg->pixel_format = r->fourcc;
}

/* Opens, encodes r->frames frames (pts i*TICK), flushes and closes. */
static void run_encode(const VTEncoderConfig *cfg, Run *r) {
    VTEncoderCallbacks cb = {&r->col, collect_output};
    void *ctx = NULL;
    r->open_status = be->open(cfg, &cb, &ctx);
    if (r->open_status != noErr) {
        CHECK(ctx == NULL);
        return;
    }
    const uint8_t *sps, *pps;
    size_t sn, pn;
    CHECK_STATUS(be->get_parameter_sets(ctx, &sps, &sn, &pps, &pn), noErr);
    if (sn <= sizeof(r->sps) && pn <= sizeof(r->pps)) {
        memcpy(r->sps, sps, sn);
        memcpy(r->pps, pps, pn);
        r->sps_size = sn;
        r->pps_size = pn;
    }
    for (int i = 0; i < r->frames; i++) {
        TestPic p;
        VTEncoderFrame f;
        uint8_t *nv12;
        testpic_make(&p, r->width, r->height, i);
        testpic_frame(&p, r->fourcc, &f, &nv12);
        f.pts = (int64_t)i * TICK;
        f.duration = TICK;
        f.force_keyframe = (r->force_mask >> i) & 1;
        f.opaque = (void *)(uintptr_t)(i + 1);
        r->last_encode_status = be->encode(ctx, &f);
        if (r->last_encode_status == noErr)
            r->accepted++;
        free(nv12);
        testpic_free(&p);
    }
    if (!r->close_early)
        be->flush(ctx);
    be->close(ctx);
}

/* The output contract for a run where every frame was accepted. */
static void check_contract(const char *what, Run *r, const char *expect_types) {
    Collector *c = &r->col;
    int seen[MAX_OUTS + 1];
    memset(seen, 0, sizeof(seen));
    CHECK_MSG(r->open_status == noErr, "%s: open %d", what, (int)r->open_status);
    CHECK_MSG(r->accepted == r->frames, "%s: %d of %d frames accepted", what, r->accepted,
              r->frames);
    CHECK_MSG(c->n == r->frames, "%s: %d outputs for %d frames", what, c->n, r->frames);
    char types[MAX_OUTS + 1];
    for (int i = 0; i < c->n; i++) {
        const Out *o = &c->outs[i];
        uintptr_t id = (uintptr_t)o->opaque;
        types[i] = o->type == VT_FRAME_TYPE_I ? 'I' : o->type == VT_FRAME_TYPE_P ? 'P' : 'B';
        CHECK_MSG(o->status == noErr && o->data, "%s: output %d status %d", what, i,
                  (int)o->status);
        CHECK_MSG(id >= 1 && id <= (uintptr_t)r->frames && !seen[id], "%s: opaque %lu", what,
                  (unsigned long)id);
        if (id >= 1 && id <= MAX_OUTS)
            seen[id] = 1;
        CHECK_MSG(o->pts == (int64_t)(id - 1) * TICK, "%s: pts %lld for frame %lu", what,
                  (long long)o->pts, (unsigned long)id);
        CHECK(o->duration == TICK);
        CHECK_MSG(o->dts <= o->pts, "%s: dts %lld > pts %lld", what, (long long)o->dts,
                  (long long)o->pts);
        if (i > 0)
            CHECK_MSG(o->dts > c->outs[i - 1].dts, "%s: dts not increasing at %d", what, i);
        CHECK_MSG(o->ps_changed == (i == 0), "%s: parameter_sets_changed on output %d", what, i);
        CHECK(o->key == (o->type == VT_FRAME_TYPE_I));
        CHECK(o->ref == (o->type != VT_FRAME_TYPE_B));
        CHECK(o->sps_size == r->sps_size && !memcmp(o->sps, r->sps, r->sps_size));
        CHECK(o->pps_size == r->pps_size && !memcmp(o->pps, r->pps, r->pps_size));
        if (o->data) {
            size_t off = 0;
            VTH264Nal nal;
            CHECK_MSG(vt_h264_avcc_validate(o->data, o->size) > 0, "%s: output %d not AVCC", what,
                      i);
            while (vt_h264_avcc_next(o->data, o->size, 4, &off, &nal) == 1)
                CHECK_MSG(nal.type == VT_H264_NAL_SLICE || nal.type == VT_H264_NAL_IDR,
                          "%s: NAL type %d in the sample data", what, nal.type);
        }
    }
    types[c->n] = 0;
    if (c->n > 0)
        CHECK_MSG(c->outs[0].key, "%s: the first output is not a key frame", what);
    if (expect_types)
        CHECK_MSG(!strcmp(types, expect_types), "%s: types (decode order) %s, expected %s", what,
                  types, expect_types);
    CHECK(r->sps_size > 4 && (r->sps[0] & 0x1f) == VT_H264_NAL_SPS);
    CHECK(r->pps_size > 1 && (r->pps[0] & 0x1f) == VT_H264_NAL_PPS);
}

/* ---- judging with ffmpeg --------------------------------------------------- */

typedef struct Judge {
    char types[MAX_OUTS + 1]; /* display order, from ffprobe */
    char keys[MAX_OUTS + 1];  /* '1' key frame, '0' not */
    char *trace;              /* trace_headers output */
    int mismatches;
} Judge;

static void judge_free(Judge *j) {
    free(j->trace);
}

/* Decodes the run's output; compares every visible sample with the source
 * when lossless. */
static void judge(const char *what, Run *r, Boolean lossless, Boolean full_range, Judge *j) {
    char path[512], yuv[512], cmd[2048];
    size_t size = 0, ysize = 0;
    uint8_t *stream = assemble_annexb(&r->col, &size);
    int st;
    char *out;

    memset(j, 0, sizeof(*j));
    CHECK_MSG(stream != NULL && size > 0, "%s: no stream", what);
    if (!stream)
        return;
    snprintf(path, sizeof(path), "%s/%s.h264", g_dir, what);
    snprintf(yuv, sizeof(yuv), "%s/%s.yuv", g_dir, what);
    CHECK(write_file(path, stream, size) == 0);
    free(stream);

    /* decode: no error output, every frame */
    snprintf(cmd, sizeof(cmd),
             "'%s' -hide_banner -nostdin -nostats -v error -flags unaligned -i '%s' -f rawvideo "
             "-pix_fmt %s -y '%s' 2>&1",
             g_ffmpeg, path, full_range ? "yuvj420p" : "yuv420p", yuv);
    out = run_capture(cmd, &st);
    CHECK_MSG(st == 0 && out[0] == 0, "%s: ffmpeg decode: status %d, output: %s", what, st, out);
    free(out);
    int w = (r->width + 1) & ~1, h = (r->height + 1) & ~1; /* coded as even */
    size_t frame = (size_t)w * h + 2 * (size_t)(w / 2) * (h / 2);
    uint8_t *raw = read_file_all(yuv, &ysize);
    CHECK_MSG(ysize == frame * (size_t)r->frames, "%s: decoded %zu bytes, expected %d frames", what,
              ysize, r->frames);
    if (raw && lossless && ysize == frame * (size_t)r->frames) {
        for (int i = 0; i < r->frames; i++) {
            TestPic p;
            const uint8_t *fy = raw + frame * (size_t)i, *fu = fy + (size_t)w * h,
                          *fv = fu + (size_t)(w / 2) * (h / 2);
            int cw = (r->width + 1) / 2, ch = (r->height + 1) / 2;
            testpic_make(&p, r->width, r->height, i);
            for (int y = 0; y < r->height; y++)
                for (int x = 0; x < r->width; x++)
                    if (fy[(size_t)y * w + x] != p.y[(size_t)y * r->width + x] &&
                        j->mismatches++ < 3)
                        fprintf(stderr, "  %s: frame %d Y(%d,%d) = %d, expected %d\n", what, i, x,
                                y, fy[(size_t)y * w + x], p.y[(size_t)y * r->width + x]);
            for (int y = 0; y < ch; y++)
                for (int x = 0; x < cw; x++) {
                    if (fu[(size_t)y * (w / 2) + x] != p.u[(size_t)y * cw + x] ||
                        fv[(size_t)y * (w / 2) + x] != p.v[(size_t)y * cw + x])
                        j->mismatches++;
                }
            testpic_free(&p);
        }
        CHECK_MSG(j->mismatches == 0, "%s: %d decoded samples differ from the source", what,
                  j->mismatches);
    }
    free(raw);
    unlink(yuv);

    /* picture types and key frames in display order */
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
            if (sscanf(line, "%d,%c", &key, &t) == 2) {
                j->keys[n] = key ? '1' : '0';
                j->types[n] = t;
                n++;
            }
        }
        CHECK_MSG(n == r->frames, "%s: ffprobe counted %d frames, expected %d", what, n, r->frames);
    }
    free(out);

    snprintf(cmd, sizeof(cmd),
             "'%s' -hide_banner -nostdin -nostats -v info -i '%s' -c:v copy -bsf:v trace_headers "
             "-f null - 2>&1",
             g_ffmpeg, path);
    j->trace = run_capture(cmd, &st);
    unlink(path);
}

/* ---- the driver's trace --------------------------------------------------- */

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

/* The n-th (0-based) "pic" line of a driver trace, or "". */
static const char *trace_pic(const char *trace, int n, char *line, size_t cap) {
    const char *p = trace;
    line[0] = 0;
    while ((p = strstr(p, "pic n=")) != NULL) {
        if (n-- == 0) {
            size_t len = strcspn(p, "\n");
            if (len >= cap)
                len = cap - 1;
            memcpy(line, p, len);
            line[len] = 0;
            return line;
        }
        p++;
    }
    return line;
}

static int count_str(const char *s, const char *needle) {
    int n = 0;
    for (const char *p = s; (p = strstr(p, needle)) != NULL; p++)
        n++;
    return n;
}

/* ---- tests -------------------------------------------------------------- */

static void test_probe(void) {
    CHECK_STATUS(be->probe(), noErr);
    CHECK_STATUS(be->probe(), noErr); /* cached */
    CHECK(be->hardware);
    CHECK(!strcmp(be->encoder_id, "org.vtcore.vaapi.h264"));
    CHECK(vt_encoder_backend_accepts_format(be, VT_ENC_FORMAT_NV12));
    CHECK(vt_encoder_backend_accepts_format(be, VT_ENC_FORMAT_I420_FR));
    CHECK(!vt_encoder_backend_accepts_format(be, 0x42475241 /* BGRA */));
}

static void test_default_high_cabac_bframes(void) {
    Run r;
    VTEncoderConfig cfg;
    Judge j;
    run_init(&r, 176, 144, 16);
    base_config(&cfg, &r);
    trace_begin("default");
    run_encode(&cfg, &r);
    char *tr = trace_end();
    /* I0 P3 B1 B2 P6 B4 B5 ... P15 B13 B14 */
    check_contract("default", &r, "IPBBPBBPBBPBBPBB");
    judge("default", &r, TRUE, FALSE, &j);
    CHECK_MSG(!strcmp(j.types, "IBBPBBPBBPBBPBBP"), "default: display types %s", j.types);
    CHECK(!strcmp(j.keys, "1000000000000000"));
    CHECK_EQ_INT(trace_field(j.trace, "profile_idc"), 100);
    CHECK_EQ_INT(trace_field(j.trace, "entropy_coding_mode_flag"), 1);
    CHECK_EQ_INT(trace_field(j.trace, "transform_8x8_mode_flag"), 1);
    CHECK_EQ_INT(trace_field(j.trace, "max_num_reorder_frames"), 1);
    CHECK_EQ_INT(trace_field(j.trace, "max_num_ref_frames"), 2);
    CHECK_EQ_INT(trace_field(j.trace, "level_idc"), 11); /* QCIF at 30 fps (assumed) */
    CHECK_EQ_INT(trace_field(j.trace, "frame_cropping_flag"), 0);
    CHECK_EQ_INT(trace_field(j.trace, "video_signal_type_present_flag"), 0);
    CHECK_EQ_INT(trace_field(j.trace, "timing_info_present_flag"), 0);
    /* the driver saw CQP at QP 23, CABAC, and skipped unchanged macroblocks */
    CHECK(strstr(tr, "rc=0x10 ") != NULL);
    CHECK_EQ_INT(count_str(tr, "type=B"), 10);
    CHECK_EQ_INT(count_str(tr, "idr=1"), 1);
    CHECK(strstr(tr, "entropy=cabac") != NULL);
    CHECK(strstr(tr, " qp=23 ") != NULL);
    CHECK(count_str(tr, "skipped=0 ") < 16); /* P frames reuse macroblocks */
    judge_free(&j);
    free(tr);
    collector_clear(&r.col);
}

static void test_baseline_cavlc(void) {
    Run r;
    VTEncoderConfig cfg;
    Judge j;
    run_init(&r, 160, 96, 8);
    r.fourcc = VT_ENC_FORMAT_I420;
    base_config(&cfg, &r);
    cfg.profile = VT_H264_PROFILE_CONSTRAINED_BASELINE;
    cfg.entropy = VT_ENTROPY_CABAC; /* not allowed: CAVLC with a warning */
    cfg.expected_frame_rate = 25.0;
    trace_begin("baseline");
    run_encode(&cfg, &r);
    char *tr = trace_end();
    check_contract("baseline", &r, "IPPPPPPP");
    judge("baseline", &r, TRUE, FALSE, &j);
    CHECK_EQ_INT(trace_field(j.trace, "profile_idc"), 66);
    CHECK_EQ_INT(trace_field(j.trace, "constraint_set0_flag"), 1);
    CHECK_EQ_INT(trace_field(j.trace, "constraint_set1_flag"), 1);
    CHECK_EQ_INT(trace_field(j.trace, "entropy_coding_mode_flag"), 0);
    CHECK_EQ_INT(trace_field(j.trace, "max_num_reorder_frames"), 0);
    CHECK_EQ_INT(trace_field(j.trace, "timing_info_present_flag"), 1);
    CHECK_EQ_INT(trace_field(j.trace, "num_units_in_tick"), 1);
    CHECK_EQ_INT(trace_field(j.trace, "time_scale"), 50);
    CHECK(strstr(tr, "profile=13 ") != NULL); /* VAProfileH264ConstrainedBaseline */
    CHECK(strstr(tr, "entropy=cavlc") != NULL);
    CHECK(strstr(tr, "fps=25/1") != NULL);
    judge_free(&j);
    free(tr);
    collector_clear(&r.col);
}

static void test_main_no_reordering_keyint(void) {
    Run r;
    VTEncoderConfig cfg;
    Judge j;
    run_init(&r, 64, 48, 23);
    base_config(&cfg, &r);
    cfg.profile = VT_H264_PROFILE_MAIN;
    cfg.level_idc = 31;
    cfg.allow_frame_reordering = FALSE;
    cfg.max_keyframe_interval = 10;
    r.force_mask = 1u << 4;
    run_encode(&cfg, &r);
    check_contract("keyint", &r, NULL);
    judge("keyint", &r, TRUE, FALSE, &j);
    /* IDR at 0, 4 (forced), 14 (10 after 4), no B */
    CHECK_MSG(!strcmp(j.keys, "10001000000000100000000"), "keyint: keys %s", j.keys);
    CHECK(strchr(j.types, 'B') == NULL);
    CHECK_EQ_INT(trace_field(j.trace, "profile_idc"), 77);
    CHECK_EQ_INT(trace_field(j.trace, "constraint_set1_flag"), 1);
    CHECK_EQ_INT(trace_field(j.trace, "level_idc"), 31);
    CHECK_EQ_INT(trace_field(j.trace, "entropy_coding_mode_flag"), 1);
    CHECK_EQ_INT(trace_field(j.trace, "transform_8x8_mode_flag"), -1); /* no High tail */
    judge_free(&j);
    collector_clear(&r.col);

    /* with B-frames (CAVLC this time): a forced key frame closes the GOP
     * (pending frames -> P) */
    run_init(&r, 64, 48, 12);
    base_config(&cfg, &r);
    cfg.profile = VT_H264_PROFILE_MAIN;
    cfg.entropy = VT_ENTROPY_CAVLC;
    r.force_mask = 1u << 5;
    run_encode(&cfg, &r);
    /* I0 P3 B1 B2 | 4 pending -> P4, I5 | P8 B6 B7 | P11 B9 B10 */
    check_contract("forced_b", &r, "IPBBPIPBBPBB");
    judge("forced_b", &r, TRUE, FALSE, &j);
    CHECK_MSG(!strcmp(j.keys, "100001000000"), "forced_b: keys %s", j.keys);
    CHECK_EQ_INT(trace_field(j.trace, "entropy_coding_mode_flag"), 0);
    judge_free(&j);
    collector_clear(&r.col);

    /* key frames by duration: every 0.2 s = 6 frames */
    run_init(&r, 48, 32, 14);
    base_config(&cfg, &r);
    cfg.allow_frame_reordering = FALSE;
    cfg.max_keyframe_interval_duration = 0.2;
    run_encode(&cfg, &r);
    check_contract("keydur", &r, NULL);
    judge("keydur", &r, TRUE, FALSE, &j);
    CHECK_MSG(!strcmp(j.keys, "10000010000010"), "keydur: keys %s", j.keys);
    judge_free(&j);
    collector_clear(&r.col);

    /* intra only */
    run_init(&r, 48, 32, 5);
    base_config(&cfg, &r);
    cfg.allow_temporal_compression = FALSE;
    run_encode(&cfg, &r);
    check_contract("intra", &r, "IIIII");
    judge("intra", &r, TRUE, FALSE, &j);
    CHECK(!strcmp(j.keys, "11111"));
    judge_free(&j);
    collector_clear(&r.col);
}

static void test_odd_size_colour(void) {
    Run r;
    VTEncoderConfig cfg;
    Judge j;
    run_init(&r, 33, 17, 6);
    r.fourcc = VT_ENC_FORMAT_NV12_FR;
    base_config(&cfg, &r);
    cfg.colour_primaries = 1;
    cfg.transfer_characteristics = 1;
    cfg.matrix_coefficients = 1;
    cfg.sar_width = 4;
    cfg.sar_height = 3;
    run_encode(&cfg, &r);
    check_contract("odd_colour", &r, NULL);
    judge("odd_colour", &r, TRUE, TRUE, &j);
    CHECK_EQ_INT(trace_field(j.trace, "frame_cropping_flag"), 1);
    CHECK_EQ_INT(trace_field(j.trace, "frame_crop_right_offset"), 7);  /* 48 -> 34 */
    CHECK_EQ_INT(trace_field(j.trace, "frame_crop_bottom_offset"), 7); /* 32 -> 18 */
    CHECK_EQ_INT(trace_field(j.trace, "video_full_range_flag"), 1);
    CHECK_EQ_INT(trace_field(j.trace, "colour_description_present_flag"), 1);
    CHECK_EQ_INT(trace_field(j.trace, "colour_primaries"), 1);
    CHECK_EQ_INT(trace_field(j.trace, "transfer_characteristics"), 1);
    CHECK_EQ_INT(trace_field(j.trace, "matrix_coefficients"), 1);
    CHECK_EQ_INT(trace_field(j.trace, "aspect_ratio_idc"), 14);
    judge_free(&j);
    collector_clear(&r.col);

    /* full range from the property, colour partly set: others unspecified (2) */
    run_init(&r, 32, 32, 2);
    r.fourcc = VT_ENC_FORMAT_I420;
    base_config(&cfg, &r);
    cfg.full_range = 1;
    cfg.matrix_coefficients = 9;
    cfg.sar_width = 5;
    cfg.sar_height = 7;
    run_encode(&cfg, &r);
    check_contract("range_prop", &r, NULL);
    judge("range_prop", &r, TRUE, TRUE, &j);
    CHECK_EQ_INT(trace_field(j.trace, "video_full_range_flag"), 1);
    CHECK_EQ_INT(trace_field(j.trace, "colour_primaries"), 2);
    CHECK_EQ_INT(trace_field(j.trace, "transfer_characteristics"), 2);
    CHECK_EQ_INT(trace_field(j.trace, "matrix_coefficients"), 9);
    CHECK_EQ_INT(trace_field(j.trace, "aspect_ratio_idc"), 255);
    CHECK_EQ_INT(trace_field(j.trace, "sar_width"), 5);
    CHECK_EQ_INT(trace_field(j.trace, "sar_height"), 7);
    judge_free(&j);
    collector_clear(&r.col);
}

static void test_rate_control(void) {
    Run r;
    VTEncoderConfig cfg;
    Judge j;
    char line[512], *tr;

    /* AverageBitRate -> VBR, peak 1.5x, HRD 2 s of peak */
    run_init(&r, 64, 48, 4);
    base_config(&cfg, &r);
    cfg.average_bit_rate = 500000;
    cfg.expected_frame_rate = 30;
    trace_begin("vbr");
    run_encode(&cfg, &r);
    tr = trace_end();
    check_contract("vbr", &r, NULL);
    judge("vbr", &r, TRUE, FALSE, &j);
    CHECK(strstr(tr, "rc=0x4 ") != NULL);
    trace_pic(tr, 0, line, sizeof(line));
    CHECK_MSG(strstr(line, "rc_bps=750000 rc_target=67 ") && strstr(line, "hrd_size=1500000") &&
                  strstr(line, "fps=30/1") && strstr(line, " qp=26 "),
              "vbr: %s", line);
    trace_pic(tr, 1, line, sizeof(line));
    CHECK_MSG(strstr(line, "misc=-"), "vbr: later pictures resend nothing: %s", line);
    CHECK_EQ_INT(trace_field(j.trace, "level_idc"), 13); /* 750 kbit/s peak: 1.3 */
    judge_free(&j);
    free(tr);
    collector_clear(&r.col);

    /* ConstantBitRate -> CBR */
    run_init(&r, 64, 48, 3);
    base_config(&cfg, &r);
    cfg.constant_bit_rate = 300000;
    trace_begin("cbr");
    run_encode(&cfg, &r);
    tr = trace_end();
    check_contract("cbr", &r, NULL);
    CHECK(strstr(tr, "rc=0x2 ") != NULL);
    trace_pic(tr, 0, line, sizeof(line));
    CHECK_MSG(strstr(line, "rc_bps=300000 rc_target=100 ") && strstr(line, "hrd_size=600000 "),
              "cbr: %s", line);
    free(tr);
    collector_clear(&r.col);

    /* DataRateLimits with AverageBitRate: peak and buffer from the limit,
     * Min/MaxAllowedFrameQP through */
    run_init(&r, 64, 48, 3);
    base_config(&cfg, &r);
    cfg.average_bit_rate = 2000000;
    cfg.data_rate_limit_count = 1;
    cfg.data_rate_limits[0].bytes = 125000; /* 1 Mbit per second */
    cfg.data_rate_limits[0].seconds = 1.0;
    cfg.min_qp = 10;
    cfg.max_qp = 40;
    cfg.expected_frame_rate = 30;
    trace_begin("limits");
    run_encode(&cfg, &r);
    tr = trace_end();
    check_contract("limits", &r, NULL);
    trace_pic(tr, 0, line, sizeof(line));
    /* rate 0.75 * 1e6 * 30 / 31 = 725806, buffer 250000, average clamped */
    CHECK_MSG(strstr(line, "rc_bps=725806 rc_target=100 ") && strstr(line, "hrd_size=250000 ") &&
                  strstr(line, "rc_minqp=10 rc_maxqp=40"),
              "limits: %s", line);
    free(tr);
    collector_clear(&r.col);

    /* Quality alone: CQP with the quality curve (0.75 -> 18) */
    run_init(&r, 64, 48, 3);
    base_config(&cfg, &r);
    cfg.quality = 0.75;
    trace_begin("cqp");
    run_encode(&cfg, &r);
    tr = trace_end();
    check_contract("cqp", &r, NULL);
    CHECK(strstr(tr, "rc=0x10 ") != NULL);
    CHECK(strstr(tr, " qp=18 ") != NULL);
    CHECK(strstr(tr, "rc_bps") == NULL);
    free(tr);
    collector_clear(&r.col);

    /* with ICQ and QVBR in the driver: Quality -> ICQ, Quality + bitrate -> QVBR */
    setenv("VTCORETEST_DRV_RC", "cqp,cbr,vbr,icq,qvbr", 1);
    run_init(&r, 64, 48, 3);
    base_config(&cfg, &r);
    cfg.quality = 0.5;
    trace_begin("icq");
    run_encode(&cfg, &r);
    tr = trace_end();
    check_contract("icq", &r, NULL);
    CHECK(strstr(tr, "rc=0x40 ") != NULL);
    trace_pic(tr, 0, line, sizeof(line));
    CHECK_MSG(strstr(line, "rc_icq=25 "), "icq: %s", line);
    free(tr);
    collector_clear(&r.col);

    run_init(&r, 64, 48, 3);
    base_config(&cfg, &r);
    cfg.quality = 0.25;
    cfg.average_bit_rate = 400000;
    trace_begin("qvbr");
    run_encode(&cfg, &r);
    tr = trace_end();
    check_contract("qvbr", &r, NULL);
    CHECK(strstr(tr, "rc=0x400 ") != NULL);
    trace_pic(tr, 0, line, sizeof(line));
    CHECK_MSG(strstr(line, "rc_bps=600000 ") && strstr(line, "rc_qf=32 "), "qvbr: %s", line);
    free(tr);
    collector_clear(&r.col);
    unsetenv("VTCORETEST_DRV_RC");

    /* a driver with CBR only: AverageBitRate falls back to CBR */
    setenv("VTCORETEST_DRV_RC", "cbr", 1);
    run_init(&r, 64, 48, 2);
    base_config(&cfg, &r);
    cfg.average_bit_rate = 100000;
    trace_begin("cbr_only");
    run_encode(&cfg, &r);
    tr = trace_end();
    check_contract("cbr_only", &r, NULL);
    CHECK(strstr(tr, "rc=0x2 ") && strstr(tr, "rc_bps=100000 rc_target=100 "));
    free(tr);
    collector_clear(&r.col);
    /* ... and with nothing asked, an automatic bitrate */
    run_init(&r, 64, 48, 2);
    base_config(&cfg, &r);
    trace_begin("cbr_auto");
    run_encode(&cfg, &r);
    tr = trace_end();
    check_contract("cbr_auto", &r, NULL);
    CHECK(strstr(tr, "rc=0x2 ") && strstr(tr, "rc_bps=17280 ")); /* 48 * 12 MBs * 30 */
    free(tr);
    collector_clear(&r.col);
    unsetenv("VTCORETEST_DRV_RC");
}

static void test_live_bitrate(void) {
    VTEncoderConfig cfg, cfg2;
    Collector *col = calloc(1, sizeof(*col));
    VTEncoderCallbacks cb = {col, collect_output};
    void *ctx = NULL;
    char line[512], *tr;
    Run r;

    run_init(&r, 64, 48, 0);
    base_config(&cfg, &r);
    cfg.average_bit_rate = 400000;
    trace_begin("live");
    CHECK_STATUS(be->open(&cfg, &cb, &ctx), noErr);
    if (!ctx) {
        free(trace_end());
        free(col);
        return;
    }
    for (int i = 0; i < 12; i++) {
        TestPic p;
        VTEncoderFrame f;
        uint8_t *nv12;
        if (i == 5) {
            int pending = be->pending(ctx);
            int outs = col->n;
            cfg2 = cfg;
            cfg2.average_bit_rate = 800000;
            cfg2.expected_frame_rate = 25;
            CHECK_STATUS(be->reconfigure(ctx, &cfg2), noErr);
            /* no drain: nothing emitted, nothing lost */
            CHECK_EQ_INT(be->pending(ctx), pending);
            CHECK_EQ_INT(col->n, outs);
            /* a rate-control mode change or a static field cannot go live */
            cfg2.average_bit_rate = 0;
            cfg2.quality = 0.5;
            CHECK_STATUS(be->reconfigure(ctx, &cfg2), kVTPropertyNotSupportedErr);
            cfg2 = cfg;
            cfg2.profile = VT_H264_PROFILE_MAIN;
            CHECK_STATUS(be->reconfigure(ctx, &cfg2), kVTPropertyNotSupportedErr);
            cfg2 = cfg;
            cfg2.width = 32;
            CHECK_STATUS(be->reconfigure(ctx, &cfg2), kVTPropertyNotSupportedErr);
            cfg2 = cfg;
            cfg2.quality = 2.0;
            CHECK_STATUS(be->reconfigure(ctx, &cfg2), kVTParameterErr);
            CHECK_STATUS(be->reconfigure(ctx, NULL), kVTParameterErr);
        }
        testpic_make(&p, 64, 48, i);
        testpic_frame(&p, VT_ENC_FORMAT_NV12, &f, &nv12);
        f.pts = (int64_t)i * TICK;
        f.duration = TICK;
        f.opaque = (void *)(uintptr_t)(i + 1);
        CHECK_STATUS(be->encode(ctx, &f), noErr);
        free(nv12);
        testpic_free(&p);
    }
    CHECK_STATUS(be->flush(ctx), noErr);
    be->close(ctx);
    tr = trace_end();
    CHECK_EQ_INT(col->n, 12);
    CHECK_EQ_INT(count_str(tr, "idr=1"), 1); /* no new IDR for the change */
    CHECK_EQ_INT(count_str(tr, "rc_bps=600000 "), 1);
    CHECK_EQ_INT(count_str(tr, "rc_bps=1200000 "), 1);
    /* the new parameters ride on the first picture encoded after the change:
     * frames 0..4 gave I0 P3 B1 B2 (4 pictures); frame 5 is pending, so the
     * next coded picture (P6, picture 5) carries them */
    trace_pic(tr, 4, line, sizeof(line));
    CHECK_MSG(strstr(line, "rc_bps=1200000 rc_target=67 ") && strstr(line, "fps=25/1") &&
                  strstr(line, "type=P"),
              "live: %s", line);
    trace_pic(tr, 3, line, sizeof(line));
    CHECK_MSG(strstr(line, "misc=-"), "live: %s", line);
    free(tr);
    collector_clear(col);
    free(col);
}

static void test_fallbacks(void) {
    Run r;
    VTEncoderConfig cfg;
    Judge j;
    char *tr;

    /* vaDeriveImage unavailable: upload with vaCreateImage + vaPutImage */
    setenv("VTCORETEST_DRV_NO_DERIVE", "1", 1);
    run_init(&r, 80, 48, 6);
    base_config(&cfg, &r);
    run_encode(&cfg, &r);
    check_contract("putimage", &r, NULL);
    judge("putimage", &r, TRUE, FALSE, &j);
    judge_free(&j);
    collector_clear(&r.col);
    unsetenv("VTCORETEST_DRV_NO_DERIVE");

    /* only the low-power entrypoint, no L1 references (no B-frames) */
    setenv("VTCORETEST_DRV_ENTRYPOINTS", "lp", 1);
    setenv("VTCORETEST_DRV_MAX_REFS", "1,0", 1);
    run_init(&r, 64, 48, 6);
    base_config(&cfg, &r);
    trace_begin("lp");
    run_encode(&cfg, &r);
    tr = trace_end();
    check_contract("lp", &r, "IPPPPP");
    judge("lp", &r, TRUE, FALSE, &j);
    CHECK(strstr(tr, "entrypoint=8 ") != NULL); /* VAEntrypointEncSliceLP */
    CHECK_EQ_INT(trace_field(j.trace, "max_num_reorder_frames"), 0);
    judge_free(&j);
    free(tr);
    collector_clear(&r.col);
    unsetenv("VTCORETEST_DRV_ENTRYPOINTS");
    unsetenv("VTCORETEST_DRV_MAX_REFS");

    /* a driver with Main only: AUTO gives a Main stream, High is refused */
    setenv("VTCORETEST_DRV_PROFILES", "main", 1);
    run_init(&r, 64, 48, 4);
    base_config(&cfg, &r);
    run_encode(&cfg, &r);
    check_contract("main_only", &r, NULL);
    judge("main_only", &r, TRUE, FALSE, &j);
    CHECK_EQ_INT(trace_field(j.trace, "profile_idc"), 77);
    judge_free(&j);
    collector_clear(&r.col);
    cfg.profile = VT_H264_PROFILE_HIGH;
    run_encode(&cfg, &r);
    CHECK_STATUS(r.open_status, kVTParameterErr);
    /* Extended: a baseline-compatible stream labelled 88, on the Main config */
    run_init(&r, 64, 48, 3);
    base_config(&cfg, &r);
    cfg.profile = VT_H264_PROFILE_EXTENDED;
    run_encode(&cfg, &r);
    check_contract("extended", &r, "IPP");
    judge("extended", &r, TRUE, FALSE, &j);
    CHECK_EQ_INT(trace_field(j.trace, "profile_idc"), 88);
    CHECK_EQ_INT(trace_field(j.trace, "constraint_set2_flag"), 1);
    CHECK_EQ_INT(trace_field(j.trace, "entropy_coding_mode_flag"), 0);
    judge_free(&j);
    collector_clear(&r.col);
    unsetenv("VTCORETEST_DRV_PROFILES");

    /* no packed headers: no usable encoder on the device */
    setenv("VTCORETEST_DRV_PACKED", "none", 1);
    run_init(&r, 64, 48, 1);
    base_config(&cfg, &r);
    run_encode(&cfg, &r);
    CHECK_STATUS(r.open_status, kVTCouldNotCreateInstanceErr);
    unsetenv("VTCORETEST_DRV_PACKED");

    /* larger than the encoder allows */
    setenv("VTCORETEST_DRV_MAX_SIZE", "64x64", 1);
    run_init(&r, 80, 64, 1);
    base_config(&cfg, &r);
    run_encode(&cfg, &r);
    CHECK_STATUS(r.open_status, kVTParameterErr);
    unsetenv("VTCORETEST_DRV_MAX_SIZE");

    /* the driver fails to initialise, or to create the context */
    setenv("VTCORETEST_DRV_FAIL_INIT", "1", 1);
    run_init(&r, 64, 48, 1);
    base_config(&cfg, &r);
    run_encode(&cfg, &r);
    CHECK_STATUS(r.open_status, kVTCouldNotCreateInstanceErr);
    unsetenv("VTCORETEST_DRV_FAIL_INIT");
    setenv("VTCORETEST_DRV_FAIL_CREATE_CONTEXT", "1", 1);
    run_encode(&cfg, &r);
    CHECK_STATUS(r.open_status, kVTAllocationFailedErr);
    unsetenv("VTCORETEST_DRV_FAIL_CREATE_CONTEXT");

    /* a device path that is not a render node */
    setenv("VTCORE_VAAPI_DEVICE", "/dev/null", 1);
    run_encode(&cfg, &r);
    CHECK_STATUS(r.open_status, kVTCouldNotCreateInstanceErr);
    setenv("VTCORE_VAAPI_DEVICE", "/nonexistent/renderD128", 1);
    run_encode(&cfg, &r);
    CHECK_STATUS(r.open_status, kVTCouldNotCreateInstanceErr);
}

/* Encodes frames [first, last) of 64x48 test pictures. */
static void encode_range(void *ctx, int first, int last, OSStatus *status) {
    for (int i = first; i < last; i++) {
        TestPic p;
        VTEncoderFrame f;
        uint8_t *nv12;
        testpic_make(&p, 64, 48, i);
        testpic_frame(&p, VT_ENC_FORMAT_NV12, &f, &nv12);
        f.pts = (int64_t)i * TICK;
        f.duration = TICK;
        f.opaque = (void *)(uintptr_t)(i + 1);
        status[i] = be->encode(ctx, &f);
        free(nv12);
        testpic_free(&p);
    }
}

/* vaEndPicture fails (fault injection in the driver): frames already
 * accepted get an error output, the failing submission is refused, and the
 * encoder stays failed. Also: close with pending frames, flush, bad frames,
 * argument checks. */
static void test_failures(void) {
    VTEncoderConfig cfg;
    Collector *col = calloc(1, sizeof(*col));
    VTEncoderCallbacks cb = {col, collect_output};
    void *ctx = NULL;
    OSStatus st[16];
    Run r;

    /* no B-frames: the 3rd picture fails */
    run_init(&r, 64, 48, 0);
    base_config(&cfg, &r);
    cfg.allow_frame_reordering = FALSE;
    setenv("VTCORETEST_DRV_FAIL_END_PICTURE", "3", 1);
    CHECK_STATUS(be->open(&cfg, &cb, &ctx), noErr);
    unsetenv("VTCORETEST_DRV_FAIL_END_PICTURE");
    if (ctx) {
        encode_range(ctx, 0, 5, st);
        CHECK(st[0] == noErr && st[1] == noErr);
        CHECK_STATUS(st[2], kVTVideoEncoderMalfunctionErr);
        CHECK_STATUS(st[3], kVTVideoEncoderMalfunctionErr);
        CHECK_STATUS(be->flush(ctx), kVTVideoEncoderMalfunctionErr);
        CHECK_STATUS(be->reconfigure(ctx, &cfg), kVTVideoEncoderMalfunctionErr);
        be->close(ctx);
        CHECK_EQ_INT(col->n, 2);
        CHECK(col->n == 2 && col->outs[0].status == noErr && col->outs[1].status == noErr);
    }
    collector_clear(col);

    /* B-frames: P3 (the 2nd picture) fails; B1 and B2 were accepted earlier */
    base_config(&cfg, &r);
    ctx = NULL;
    setenv("VTCORETEST_DRV_FAIL_END_PICTURE", "2:0x1", 1);
    CHECK_STATUS(be->open(&cfg, &cb, &ctx), noErr);
    unsetenv("VTCORETEST_DRV_FAIL_END_PICTURE");
    if (ctx) {
        encode_range(ctx, 0, 4, st);
        CHECK(st[0] == noErr && st[1] == noErr && st[2] == noErr);
        CHECK_STATUS(st[3], kVTVideoEncoderMalfunctionErr);
        CHECK_EQ_INT(be->pending(ctx), 0);
        be->close(ctx);
        CHECK_EQ_INT(col->n, 3);
        if (col->n == 3) {
            CHECK(col->outs[0].status == noErr && col->outs[0].opaque == (void *)1);
            for (int i = 1; i < 3; i++) {
                CHECK_STATUS(col->outs[i].status, kVTVideoEncoderMalfunctionErr);
                CHECK(col->outs[i].data == NULL);
                CHECK(col->outs[i].opaque == (void *)(uintptr_t)(i + 1));
            }
        }
    }
    collector_clear(col);

    /* close with pending B candidates: dropped, with their opaques */
    ctx = NULL;
    CHECK_STATUS(be->open(&cfg, &cb, &ctx), noErr);
    if (ctx) {
        encode_range(ctx, 0, 3, st);
        CHECK_EQ_INT(be->pending(ctx), 2);
        CHECK_EQ_INT(col->n, 1);
        be->close(ctx);
        CHECK_EQ_INT(col->n, 3);
        for (int i = 1; i < col->n; i++) {
            CHECK(col->outs[i].status == noErr && col->outs[i].data == NULL);
            CHECK(col->outs[i].info & kVTEncodeInfo_FrameDropped);
            CHECK(col->outs[i].opaque == (void *)(uintptr_t)(i + 1));
        }
    }
    collector_clear(col);

    /* flush: pending frames come out (as P), the next frame is an IDR */
    ctx = NULL;
    CHECK_STATUS(be->open(&cfg, &cb, &ctx), noErr);
    if (ctx) {
        VTEncoderFrame f;
        TestPic p;
        uint8_t *nv12;
        encode_range(ctx, 0, 3, st);
        CHECK_STATUS(be->flush(ctx), noErr);
        CHECK_EQ_INT(be->pending(ctx), 0);
        CHECK_EQ_INT(col->n, 3);
        encode_range(ctx, 3, 4, st);
        CHECK_STATUS(st[3], noErr);
        CHECK_STATUS(be->flush(ctx), noErr);
        CHECK_EQ_INT(col->n, 4);
        if (col->n == 4) {
            CHECK(col->outs[1].type == VT_FRAME_TYPE_P && col->outs[2].type == VT_FRAME_TYPE_P);
            CHECK(col->outs[3].key);
            for (int i = 1; i < 4; i++)
                CHECK(col->outs[i].dts > col->outs[i - 1].dts);
        }
        /* bad frames are refused without side effects */
        testpic_make(&p, 32, 48, 0);
        testpic_frame(&p, VT_ENC_FORMAT_NV12, &f, &nv12);
        f.pts = 100 * TICK;
        CHECK_STATUS(be->encode(ctx, &f), kVTParameterErr); /* wrong size */
        free(nv12);
        testpic_free(&p);
        testpic_make(&p, 64, 48, 0);
        testpic_frame(&p, VT_ENC_FORMAT_NV12, &f, &nv12);
        f.pts = 3 * TICK; /* not after the last pts */
        CHECK_STATUS(be->encode(ctx, &f), kVTParameterErr);
        f.pts = 100 * TICK;
        f.plane_count = 3;
        CHECK_STATUS(be->encode(ctx, &f), kVTParameterErr);
        CHECK_STATUS(be->encode(ctx, NULL), kVTParameterErr);
        CHECK_STATUS(be->encode(NULL, &f), kVTParameterErr);
        free(nv12);
        testpic_free(&p);
        CHECK_EQ_INT(col->n, 4);
        be->close(ctx);
    }
    collector_clear(col);

    /* argument checks */
    {
        void *x = (void *)1;
        const uint8_t *a, *b;
        size_t an, bn;
        CHECK_STATUS(be->open(NULL, &cb, &x), kVTParameterErr);
        CHECK(x == NULL);
        CHECK_STATUS(be->open(&cfg, NULL, &x), kVTParameterErr);
        CHECK_STATUS(be->open(&cfg, &cb, NULL), kVTParameterErr);
        cfg.codec_type = 0x68766331; /* hvc1 */
        CHECK_STATUS(be->open(&cfg, &cb, &x), kVTParameterErr);
        base_config(&cfg, &r);
        cfg.pixel_format = 0x42475241;
        CHECK_STATUS(be->open(&cfg, &cb, &x), kVTParameterErr);
        base_config(&cfg, &r);
        cfg.width = 0;
        CHECK_STATUS(be->open(&cfg, &cb, &x), kVTParameterErr);
        CHECK_EQ_INT(be->pending(NULL), 0);
        CHECK_STATUS(be->flush(NULL), kVTParameterErr);
        be->close(NULL);
        CHECK_STATUS(be->get_parameter_sets(NULL, &a, &an, &b, &bn), kVTParameterErr);
    }
    free(col);
}

int main(int argc, char **argv) {
    g_ffmpeg = argc > 1 ? argv[1] : NULL;
    g_ffprobe = argc > 2 ? argv[2] : NULL;
    if (!g_ffmpeg || access(g_ffmpeg, X_OK) || !g_ffprobe || access(g_ffprobe, X_OK))
        VT_TEST_SKIP("ffmpeg/ffprobe not found (install the ffmpeg package)");
    if (!getenv("VTCORE_VAAPI_DEVICE") || !getenv("LIBVA_DRIVER_NAME"))
        VT_TEST_SKIP("run through meson: needs the test VA driver environment");
    if (!mkdtemp(g_dir)) {
        perror("mkdtemp");
        return 1;
    }
    test_probe();
    test_default_high_cabac_bframes();
    test_baseline_cavlc();
    test_main_no_reordering_keyint();
    test_odd_size_colour();
    test_rate_control();
    test_live_bitrate();
    test_failures();
    test_fallbacks(); /* last: changes VTCORE_VAAPI_DEVICE */
    rmdir(g_dir);
    return vt_test_result();
}
