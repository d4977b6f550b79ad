/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Drives the x264 backend directly with synthetic frames (a moving gradient
 * and a moving box) and checks what vtcore promises about its output: one
 * output per input, decode order with strictly increasing DTS <= PTS, AVCC
 * payloads without parameter sets, keyframes where MaxKeyFrameInterval /
 * MaxKeyFrameIntervalDuration / ForceKeyFrame put them, header fields, zero
 * delay in the realtime recipe, live reconfiguration, flush and close.
 *
 * With --outdir DIR every scenario also writes DIR/NAME.h264 (Annex B, SPS and
 * PPS before each keyframe), DIR/NAME.json (expectations) and for some a raw
 * DIR/NAME.yuv source; check_h264.py judges those with ffmpeg/ffprobe.
 */
#include "config.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vtcore/vtcore.h>

#include "vt_test.h"

#include "encoder/backend.h"
#include "encoder/h264.h"

#if !HAVE_X264

int main(void) {
    VT_TEST_SKIP("vtcore was built without x264 (-Dx264=disabled or libx264 missing)");
}

#else

static const char *g_outdir;

/* ------------------------------------------------------------------ */
/* Synthetic source                                                    */

static uint8_t tri(int v, int period, int lo, int hi) {
    int m = ((v % period) + period) % period;
    int half = period / 2;
    int t = m < half ? m : period - 1 - m;
    return (uint8_t)(lo + t * (hi - lo) / (half - 1));
}

/* I420 picture of frame i: diagonal gradient moving right, a bright box
 * bouncing around with a dark square inside. */
static void gen_frame(int i, int w, int h, uint8_t *y, uint8_t *u, uint8_t *v) {
    static uint8_t wave_y[400], wave_u[160], wave_v[200];
    if (!wave_y[0]) {
        for (int k = 0; k < 400; k++)
            wave_y[k] = tri(k, 400, 16, 235);
        for (int k = 0; k < 160; k++)
            wave_u[k] = tri(k, 160, 70, 190);
        for (int k = 0; k < 200; k++)
            wave_v[k] = tri(k, 200, 60, 200);
    }
    int cw = (w + 1) / 2, ch = (h + 1) / 2;
    int bs = w / 8 > 8 ? w / 8 : 8;
    int bx = tri(i * 5, 2 * (w - bs), 0, w - bs);
    int by = tri(i * 3, 2 * (h - bs), 0, h - bs);
    for (int yy = 0; yy < h; yy++) {
        uint8_t *row = y + (size_t)yy * (size_t)w;
        int phase = (yy / 2 + 3 * i) % 400;
        for (int xx = 0; xx < w; xx++)
            row[xx] = wave_y[(xx + phase) % 400];
        if (yy >= by && yy < by + bs) {
            int inner_row = yy >= by + bs / 4 && yy < by + 3 * bs / 4;
            for (int xx = bx; xx < bx + bs; xx++) {
                int inner = inner_row && xx >= bx + bs / 4 && xx < bx + 3 * bs / 4;
                row[xx] = inner ? 40 : 220;
            }
        }
    }
    for (int yy = 0; yy < ch; yy++) {
        uint8_t vv = wave_v[(yy * 2 + 2 * i) % 200];
        int in_box_row = 2 * yy >= by && 2 * yy < by + bs;
        for (int xx = 0; xx < cw; xx++) {
            size_t o = (size_t)yy * (size_t)cw + (size_t)xx;
            u[o] = wave_u[(xx + i) % 160];
            v[o] = vv;
            if (in_box_row && 2 * xx >= bx && 2 * xx < bx + bs) {
                u[o] = 90;
                v[o] = 200;
            }
        }
    }
}

/* ------------------------------------------------------------------ */
/* Runner                                                              */

typedef struct OutRec {
    int index; /* input index from the opaque pointer */
    OSStatus status;
    uint32_t info;
    int64_t pts, dts, duration;
    int key, type, ref;
    int slice_type; /* of the first slice, -1 if none */
    int first_nal_type;
    int params_changed;
    size_t size;
} OutRec;

typedef struct Run {
    const char *name;
    VTEncoderConfig cfg;
    int fps_num;
    int64_t dur;
    void *ctx;
    OutRec *outs;
    int nout, cap;
    int ninput;
    int refused; /* inputs the backend did not accept */
    int seen[4096];
    FILE *h264, *yuv;
    int have_dts;
    int64_t last_dts;
    uint8_t sps[512], pps[512];
    size_t sps_size, pps_size;
    uint64_t payload_bytes;
    int cb_errors;
    int outputs_during_encode;
    int max_slice_count;
    size_t max_slice_size;
} Run;

#define CB_CHECK(r, cond, ...)                                                  \
    do {                                                                        \
        if (!(cond)) {                                                          \
            (r)->cb_errors++;                                                   \
            fprintf(stderr, "%s: output check failed: %s: ", (r)->name, #cond); \
            fprintf(stderr, __VA_ARGS__);                                       \
            fputc('\n', stderr);                                                \
        }                                                                       \
    } while (0)

static void write_nal_annexb(FILE *f, const uint8_t *nal, size_t size) {
    static const uint8_t sc[4] = {0, 0, 0, 1};
    fwrite(sc, 1, 4, f);
    fwrite(nal, 1, size, f);
}

static void on_output(void *user, const VTEncodedFrame *f) {
    Run *r = user;
    if (r->nout == r->cap) {
        int ncap = r->cap ? r->cap * 2 : 64;
        OutRec *n = realloc(r->outs, (size_t)ncap * sizeof(*n));
        if (!n) {
            r->cb_errors++;
            return;
        }
        r->outs = n;
        r->cap = ncap;
    }
    OutRec *o = &r->outs[r->nout++];
    memset(o, 0, sizeof(*o));
    o->index = (int)((intptr_t)f->opaque - 1);
    o->status = f->status;
    o->info = f->info_flags;
    o->pts = f->pts;
    o->dts = f->dts;
    o->duration = f->duration;
    o->key = f->is_keyframe;
    o->type = f->frame_type;
    o->ref = f->is_reference;
    o->params_changed = f->parameter_sets_changed;
    o->size = f->size;
    o->slice_type = -1;
    o->first_nal_type = -1;

    CB_CHECK(r, o->index >= 0 && o->index < r->ninput && o->index < 4096, "opaque %p", f->opaque);
    if (o->index < 0 || o->index >= 4096)
        return;
    r->seen[o->index]++;
    CB_CHECK(r, r->seen[o->index] == 1, "frame %d emitted %d times", o->index, r->seen[o->index]);
    CB_CHECK(r, f->pts == (int64_t)o->index * r->dur, "frame %d pts %lld", o->index,
             (long long)f->pts);
    CB_CHECK(r, f->duration == r->dur, "frame %d duration %lld", o->index, (long long)f->duration);
    if (f->status != noErr || (f->info_flags & kVTEncodeInfo_FrameDropped)) {
        CB_CHECK(r, f->data == NULL && f->size == 0, "error/dropped output carries data");
        return;
    }

    /* payload: well-formed AVCC, no SPS/PPS/AUD, slices present */
    CB_CHECK(r, f->data && f->size > 0, "frame %d has no data", o->index);
    if (!f->data)
        return;
    CB_CHECK(r, vt_h264_avcc_validate(f->data, f->size) > 0, "frame %d: malformed AVCC", o->index);
    size_t off = 0;
    VTH264Nal nal;
    int slices = 0;
    while (vt_h264_avcc_next(f->data, f->size, 4, &off, &nal) == 1) {
        if (o->first_nal_type < 0)
            o->first_nal_type = nal.type;
        CB_CHECK(r,
                 nal.type != VT_H264_NAL_SPS && nal.type != VT_H264_NAL_PPS &&
                     nal.type != VT_H264_NAL_AUD,
                 "frame %d: NAL type %d in the payload", o->index, nal.type);
        if (nal.type == VT_H264_NAL_SLICE || nal.type == VT_H264_NAL_IDR) {
            uint32_t st = 0;
            CB_CHECK(r, vt_h264_parse_slice_start(nal.data, nal.size, NULL, &st) == noErr,
                     "frame %d: bad slice header", o->index);
            if (slices == 0)
                o->slice_type = (int)(st % 5);
            if (r->cfg.allow_open_gop == 1)
                CB_CHECK(r, nal.type != VT_H264_NAL_IDR || f->is_keyframe,
                         "frame %d: IDR not flagged as key frame", o->index);
            else
                CB_CHECK(r, (nal.type == VT_H264_NAL_IDR) == (f->is_keyframe != 0),
                         "frame %d: IDR NAL vs is_keyframe mismatch", o->index);
            CB_CHECK(r, (nal.ref_idc != 0) == (f->is_reference != 0),
                     "frame %d: nal_ref_idc vs is_reference", o->index);
            slices++;
            if (nal.size > r->max_slice_size)
                r->max_slice_size = nal.size;
        }
    }
    if (slices > r->max_slice_count)
        r->max_slice_count = slices;
    CB_CHECK(r, slices > 0, "frame %d: no slice", o->index);
    if (o->slice_type >= 0) {
        int expect = f->frame_type == VT_FRAME_TYPE_B   ? 1
                     : f->frame_type == VT_FRAME_TYPE_P ? 0
                                                        : 2;
        CB_CHECK(r, o->slice_type == expect, "frame %d: slice type %d, frame type %d", o->index,
                 o->slice_type, f->frame_type);
    }

    /* parameter sets */
    CB_CHECK(r, f->sps && f->sps_size >= 4 && (f->sps[0] & 0x1f) == 7, "frame %d: SPS", o->index);
    CB_CHECK(r, f->pps && f->pps_size >= 1 && (f->pps[0] & 0x1f) == 8, "frame %d: PPS", o->index);
    if (!f->sps || !f->pps || f->sps_size > sizeof(r->sps) || f->pps_size > sizeof(r->pps))
        return;
    int differ = f->sps_size != r->sps_size || f->pps_size != r->pps_size ||
                 memcmp(f->sps, r->sps, f->sps_size) != 0 ||
                 memcmp(f->pps, r->pps, f->pps_size) != 0;
    CB_CHECK(r, !differ || f->parameter_sets_changed, "frame %d: parameter sets changed silently",
             o->index);
    CB_CHECK(r, r->sps_size || f->parameter_sets_changed, "first output must flag its params");
    memcpy(r->sps, f->sps, f->sps_size);
    r->sps_size = f->sps_size;
    memcpy(r->pps, f->pps, f->pps_size);
    r->pps_size = f->pps_size;

    /* timestamps */
    CB_CHECK(r, f->dts <= f->pts, "frame %d: dts %lld > pts %lld", o->index, (long long)f->dts,
             (long long)f->pts);
    CB_CHECK(r, !r->have_dts || f->dts > r->last_dts, "frame %d: dts %lld not after %lld", o->index,
             (long long)f->dts, (long long)r->last_dts);
    r->have_dts = 1;
    r->last_dts = f->dts;
    r->payload_bytes += f->size;

    if (r->h264) {
        if (f->is_keyframe || f->parameter_sets_changed) {
            write_nal_annexb(r->h264, f->sps, f->sps_size);
            write_nal_annexb(r->h264, f->pps, f->pps_size);
        }
        off = 0;
        while (vt_h264_avcc_next(f->data, f->size, 4, &off, &nal) == 1)
            write_nal_annexb(r->h264, nal.data, nal.size);
    }
}

typedef struct Src {
    int w, h;
    uint32_t format;
    uint8_t *y, *u, *v, *uv;
} Src;

static void src_init(Src *s, int w, int h, uint32_t format) {
    s->w = w;
    s->h = h;
    s->format = format;
    size_t cw = (size_t)(w + 1) / 2, ch = (size_t)(h + 1) / 2;
    s->y = malloc((size_t)w * (size_t)h);
    s->u = malloc(cw * ch);
    s->v = malloc(cw * ch);
    s->uv = malloc(2 * cw * ch);
    if (!s->y || !s->u || !s->v || !s->uv) {
        fprintf(stderr, "out of memory\n");
        exit(1);
    }
}

static void src_free(Src *s) {
    free(s->y);
    free(s->u);
    free(s->v);
    free(s->uv);
}

static void run_begin(Run *r, const char *name, const VTEncoderConfig *cfg, int fps,
                      Boolean write_yuv) {
    memset(r, 0, sizeof(*r));
    r->name = name;
    r->cfg = *cfg;
    r->fps_num = fps;
    r->dur = cfg->timescale / fps;
    if (g_outdir) {
        char path[1024];
        snprintf(path, sizeof(path), "%s/%s.h264", g_outdir, name);
        r->h264 = fopen(path, "wb");
        CHECK_MSG(r->h264 != NULL, "cannot write %s", path);
        if (write_yuv) {
            snprintf(path, sizeof(path), "%s/%s.yuv", g_outdir, name);
            r->yuv = fopen(path, "wb");
            CHECK_MSG(r->yuv != NULL, "cannot write %s", path);
        }
    }
}

static OSStatus run_open(Run *r) {
    VTEncoderCallbacks cb = {r, on_output};
    return vt_x264_backend.open(&r->cfg, &cb, &r->ctx);
}

static OSStatus run_encode(Run *r, Src *s, int i, Boolean force) {
    gen_frame(i, s->w, s->h, s->y, s->u, s->v);
    size_t cw = (size_t)(s->w + 1) / 2, ch = (size_t)(s->h + 1) / 2;
    if (r->yuv) {
        fwrite(s->y, 1, (size_t)s->w * (size_t)s->h, r->yuv);
        fwrite(s->u, 1, cw * ch, r->yuv);
        fwrite(s->v, 1, cw * ch, r->yuv);
    }
    VTEncoderFrame f;
    memset(&f, 0, sizeof(f));
    f.pixel_format = s->format;
    f.width = s->w;
    f.height = s->h;
    f.planes[0] = s->y;
    f.strides[0] = (size_t)s->w;
    if (s->format == VT_ENC_FORMAT_NV12 || s->format == VT_ENC_FORMAT_NV12_FR) {
        for (size_t k = 0; k < cw * ch; k++) {
            s->uv[2 * k] = s->u[k];
            s->uv[2 * k + 1] = s->v[k];
        }
        f.plane_count = 2;
        f.planes[1] = s->uv;
        f.strides[1] = 2 * cw;
    } else {
        f.plane_count = 3;
        f.planes[1] = s->u;
        f.planes[2] = s->v;
        f.strides[1] = f.strides[2] = cw;
    }
    f.pts = (int64_t)i * r->dur;
    f.duration = r->dur;
    f.force_keyframe = force;
    f.opaque = (void *)(intptr_t)(i + 1);
    if (i + 1 > r->ninput)
        r->ninput = i + 1;
    int before = r->nout;
    OSStatus st = vt_x264_backend.encode(r->ctx, &f);
    r->outputs_during_encode += r->nout - before;
    return st;
}

/* Closes the backend and the files; checks every input came out once. */
static void run_end(Run *r) {
    if (r->ctx)
        vt_x264_backend.close(r->ctx);
    r->ctx = NULL;
    if (r->h264)
        fclose(r->h264);
    if (r->yuv)
        fclose(r->yuv);
    r->h264 = r->yuv = NULL;
    for (int i = 0; i < r->ninput; i++)
        CHECK_MSG(r->seen[i] == 1, "%s: frame %d emitted %d times", r->name, i, r->seen[i]);
    CHECK_MSG(r->nout == r->ninput - r->refused, "%s: %d outputs for %d accepted inputs", r->name,
              r->nout, r->ninput - r->refused);
    CHECK_MSG(r->cb_errors == 0, "%s: %d output check failures", r->name, r->cb_errors);
}

static void run_free(Run *r) {
    free(r->outs);
    r->outs = NULL;
}

static const OutRec *rec_for(const Run *r, int index) {
    for (int i = 0; i < r->nout; i++) {
        if (r->outs[i].index == index)
            return &r->outs[i];
    }
    return NULL;
}

static double run_bitrate(const Run *r, int frames) {
    return (double)r->payload_bytes * 8.0 * r->fps_num / frames;
}

static int count_b(const Run *r) {
    int n = 0;
    for (int i = 0; i < r->nout; i++)
        n += r->outs[i].type == VT_FRAME_TYPE_B;
    return n;
}

/* Key frame indices in display order into keys (max n); returns the count. */
static int key_list(const Run *r, int *keys, int n) {
    int k = 0;
    for (int i = 0; i < r->ninput && k < n; i++) {
        const OutRec *o = rec_for(r, i);
        if (o && o->key)
            keys[k++] = i;
    }
    return k;
}

static void check_keys(const Run *r, const int *expect, int n) {
    int keys[512];
    int k = key_list(r, keys, 512);
    int same = k == n;
    for (int i = 0; same && i < n; i++)
        same = keys[i] == expect[i];
    if (!same) {
        fprintf(stderr, "%s: keyframes at", r->name);
        for (int i = 0; i < k; i++)
            fprintf(stderr, " %d", keys[i]);
        fprintf(stderr, "; expected");
        for (int i = 0; i < n; i++)
            fprintf(stderr, " %d", expect[i]);
        fputc('\n', stderr);
    }
    CHECK_MSG(same, "%s: keyframe positions", r->name);
}

static void parse_last_sps(const Run *r, VTH264SPSInfo *s, VTH264PPSInfo *p) {
    memset(s, 0, sizeof(*s));
    memset(p, 0, sizeof(*p));
    CHECK_STATUS(vt_h264_parse_sps(r->sps, r->sps_size, s), noErr);
    CHECK_STATUS(vt_h264_parse_pps(r->pps, r->pps_size, p), noErr);
}

/* ------------------------------------------------------------------ */
/* Manifest for check_h264.py                                          */

static void manifest(const Run *r, int frames, int width, int height, const char *extra) {
    if (!g_outdir)
        return;
    char path[1024];
    snprintf(path, sizeof(path), "%s/%s.json", g_outdir, r->name);
    FILE *f = fopen(path, "w");
    CHECK_MSG(f != NULL, "cannot write %s", path);
    if (!f)
        return;
    int keys[512];
    int k = key_list(r, keys, 512);
    fprintf(f, "{\n  \"name\": \"%s\",\n  \"h264\": \"%s.h264\",\n", r->name, r->name);
    fprintf(f, "  \"frames\": %d,\n  \"width\": %d,\n  \"height\": %d,\n  \"fps\": %d,\n", frames,
            width, height, r->fps_num);
    fprintf(f, "  \"keyframes\": [");
    for (int i = 0; i < k; i++)
        fprintf(f, "%s%d", i ? ", " : "", keys[i]);
    fprintf(f, "],\n  \"no_b\": %s", count_b(r) ? "false" : "true");
    if (extra && *extra)
        fprintf(f, ",\n  %s", extra);
    fprintf(f, "\n}\n");
    fclose(f);
}

static VTEncoderConfig base_config(int w, int h) {
    VTEncoderConfig cfg;
    vt_encoder_config_init(&cfg);
    cfg.width = w;
    cfg.height = h;
    cfg.pixel_format = VT_ENC_FORMAT_I420;
    return cfg;
}

/* ------------------------------------------------------------------ */
/* Scenarios                                                           */

/* 640x480, 300 frames, 2 Mbit/s, default (B-frames, lookahead). */
static void test_abr_quality(void) {
    const int W = 640, H = 480, N = 300, FPS = 30;
    VTEncoderConfig cfg = base_config(W, H);
    cfg.average_bit_rate = 2000000;
    cfg.expected_frame_rate = FPS;
    Run r;
    Src s;
    run_begin(&r, "abr_quality", &cfg, FPS, TRUE);
    src_init(&s, W, H, VT_ENC_FORMAT_I420);
    CHECK_STATUS(run_open(&r), noErr);
    if (!r.ctx)
        return;
    /* parameter sets are known before the first frame */
    const uint8_t *sps0, *pps0;
    size_t sps0_size = 0, pps0_size = 0;
    CHECK_STATUS(vt_x264_backend.get_parameter_sets(r.ctx, &sps0, &sps0_size, &pps0, &pps0_size),
                 noErr);
    uint8_t sps_copy[512];
    size_t sps_copy_size = sps0_size < sizeof(sps_copy) ? sps0_size : 0;
    memcpy(sps_copy, sps0, sps_copy_size);
    for (int i = 0; i < N; i++)
        CHECK_STATUS(run_encode(&r, &s, i, FALSE), noErr);
    CHECK(vt_x264_backend.pending(r.ctx) > 0); /* lookahead + B-frames hold frames */
    CHECK_STATUS(vt_x264_backend.flush(r.ctx), noErr);
    CHECK_EQ_INT(vt_x264_backend.pending(r.ctx), 0);
    run_end(&r);
    CHECK(sps_copy_size == r.sps_size && memcmp(sps_copy, r.sps, r.sps_size) == 0);
    CHECK_MSG(count_b(&r) > 0, "abr_quality: no B-frames although reordering is allowed");
    double br = run_bitrate(&r, N);
    CHECK_MSG(fabs(br - 2e6) <= 0.10 * 2e6, "abr_quality: bitrate %.0f, target 2000000", br);
    int keys[] = {0};
    check_keys(&r, keys, 1);
    manifest(&r, N, W, H,
             "\"psnr_min\": 38.0, \"yuv\": \"abr_quality.yuv\", \"bitrate\": 2000000,"
             " \"bitrate_tolerance\": 0.10");
    src_free(&s);
    run_free(&r);
}

/* MaxKeyFrameInterval 30 + ForceKeyFrame at 45, B-frames allowed. */
static void test_gop(void) {
    const int W = 320, H = 240, N = 100, FPS = 30;
    VTEncoderConfig cfg = base_config(W, H);
    cfg.max_keyframe_interval = 30;
    Run r;
    Src s;
    run_begin(&r, "gop", &cfg, FPS, FALSE);
    src_init(&s, W, H, VT_ENC_FORMAT_NV12);
    CHECK_STATUS(run_open(&r), noErr);
    if (!r.ctx)
        return;
    for (int i = 0; i < N; i++)
        CHECK_STATUS(run_encode(&r, &s, i, i == 45), noErr);
    CHECK_STATUS(vt_x264_backend.flush(r.ctx), noErr);
    run_end(&r);
    int keys[] = {0, 30, 45, 75};
    check_keys(&r, keys, 4);
    CHECK(count_b(&r) > 0);
    manifest(&r, N, W, H, "\"headers\": {\"nal_unit_type=5\": 4}");
    src_free(&s);
    run_free(&r);
}

/* AllowOpenGOP: periodic key frames are recovery-point I frames (the first
 * and forced ones stay IDR). */
static void test_open_gop(void) {
    const int W = 320, H = 240, N = 75, FPS = 30;
    VTEncoderConfig cfg = base_config(W, H);
    cfg.max_keyframe_interval = 30;
    cfg.allow_open_gop = 1;
    Run r;
    Src s;
    run_begin(&r, "open_gop", &cfg, FPS, FALSE);
    src_init(&s, W, H, VT_ENC_FORMAT_I420);
    CHECK_STATUS(run_open(&r), noErr);
    if (!r.ctx)
        return;
    for (int i = 0; i < N; i++)
        CHECK_STATUS(run_encode(&r, &s, i, i == 40), noErr);
    CHECK_STATUS(vt_x264_backend.flush(r.ctx), noErr);
    run_end(&r);
    int keys[] = {0, 30, 40, 70};
    check_keys(&r, keys, 4);
    int idr = 0, open_keys = 0;
    for (int i = 0; i < r.nout; i++) {
        if (r.outs[i].key && r.outs[i].first_nal_type >= 0) {
            const OutRec *o = &r.outs[i];
            /* the first NAL may be an SEI; the slice type decides */
            if (o->index == 0 || o->index == 40)
                idr += o->slice_type == 2;
            else
                open_keys += o->slice_type == 2;
        }
    }
    CHECK_EQ_INT(idr, 2);
    CHECK_EQ_INT(open_keys, 2);
    manifest(&r, N, W, H, "\"headers\": {\"nal_unit_type=5\": 2}, \"open_gop\": true");
    src_free(&s);
    run_free(&r);
}

/* MaxH264SliceBytes: frames are split into slices no larger than the limit. */
static void test_slices(void) {
    const int W = 320, H = 240, N = 10, FPS = 30;
    VTEncoderConfig cfg = base_config(W, H);
    cfg.max_slice_bytes = 400;
    cfg.quality = 0.9;
    Run r;
    Src s;
    run_begin(&r, "slices", &cfg, FPS, FALSE);
    src_init(&s, W, H, VT_ENC_FORMAT_I420);
    CHECK_STATUS(run_open(&r), noErr);
    if (!r.ctx)
        return;
    for (int i = 0; i < N; i++)
        CHECK_STATUS(run_encode(&r, &s, i, FALSE), noErr);
    CHECK_STATUS(vt_x264_backend.flush(r.ctx), noErr);
    run_end(&r);
    CHECK_MSG(r.max_slice_count > 1, "slices: at most %d slice(s) per frame", r.max_slice_count);
    CHECK_MSG(r.max_slice_size <= 400, "slices: a slice of %zu bytes", r.max_slice_size);
    manifest(&r, N, W, H, "");
    src_free(&s);
    run_free(&r);
}

/* MaxKeyFrameIntervalDuration 1 s at 25 fps, timescale 1000 (ms). */
static void test_gop_duration(void) {
    const int W = 256, H = 144, N = 80, FPS = 25;
    VTEncoderConfig cfg = base_config(W, H);
    cfg.timescale = 1000;
    cfg.max_keyframe_interval_duration = 1.0;
    Run r;
    Src s;
    run_begin(&r, "gop_duration", &cfg, FPS, FALSE);
    src_init(&s, W, H, VT_ENC_FORMAT_I420);
    CHECK_STATUS(run_open(&r), noErr);
    if (!r.ctx)
        return;
    for (int i = 0; i < N; i++)
        CHECK_STATUS(run_encode(&r, &s, i, FALSE), noErr);
    CHECK_STATUS(vt_x264_backend.flush(r.ctx), noErr);
    run_end(&r);
    int keys[] = {0, 25, 50, 75};
    check_keys(&r, keys, 4);
    manifest(&r, N, W, H, "");
    src_free(&s);
    run_free(&r);
}

/* Main 3.1, CAVLC, no reordering: x264 would call this Baseline. */
static void test_main_cavlc(void) {
    const int W = 320, H = 240, N = 60, FPS = 30;
    VTEncoderConfig cfg = base_config(W, H);
    cfg.profile = VT_H264_PROFILE_MAIN;
    cfg.level_idc = 31;
    cfg.entropy = VT_ENTROPY_CAVLC;
    cfg.allow_frame_reordering = FALSE;
    cfg.average_bit_rate = 600000;
    Run r;
    Src s;
    run_begin(&r, "main_cavlc", &cfg, FPS, FALSE);
    src_init(&s, W, H, VT_ENC_FORMAT_I420);
    CHECK_STATUS(run_open(&r), noErr);
    if (!r.ctx)
        return;
    for (int i = 0; i < N; i++)
        CHECK_STATUS(run_encode(&r, &s, i, FALSE), noErr);
    CHECK_STATUS(vt_x264_backend.flush(r.ctx), noErr);
    run_end(&r);
    CHECK_EQ_INT(count_b(&r), 0);
    for (int i = 0; i < r.nout; i++)
        CHECK(r.outs[i].dts == r.outs[i].pts);
    VTH264SPSInfo sp;
    VTH264PPSInfo pp;
    parse_last_sps(&r, &sp, &pp);
    CHECK_EQ_INT(sp.profile_idc, 77);
    CHECK_EQ_INT(sp.level_idc, 31);
    CHECK(!pp.entropy_coding_mode);
    CHECK(sp.bitstream_restriction && sp.max_num_reorder_frames == 0);
    manifest(
        &r, N, W, H,
        "\"headers\": {\"profile_idc\": 77, \"level_idc\": 31, \"entropy_coding_mode_flag\": 0,"
        " \"max_num_reorder_frames\": 0, \"frame_cropping_flag\": 0},"
        " \"second_decoder\": true");
    src_free(&s);
    run_free(&r);
}

static void simple_profile_run(const char *name, VTH264Profile profile, int level, uint32_t format,
                               int expect_profile, int expect_flags, const char *extra_headers) {
    const int W = 320, H = 240, N = 40, FPS = 30;
    VTEncoderConfig cfg = base_config(W, H);
    cfg.profile = profile;
    cfg.level_idc = level;
    cfg.pixel_format = format;
    Run r;
    Src s;
    run_begin(&r, name, &cfg, FPS, FALSE);
    src_init(&s, W, H, format);
    CHECK_STATUS(run_open(&r), noErr);
    if (!r.ctx)
        return;
    for (int i = 0; i < N; i++)
        CHECK_STATUS(run_encode(&r, &s, i, FALSE), noErr);
    CHECK_STATUS(vt_x264_backend.flush(r.ctx), noErr);
    run_end(&r);
    VTH264SPSInfo sp;
    VTH264PPSInfo pp;
    parse_last_sps(&r, &sp, &pp);
    CHECK_MSG(sp.profile_idc == expect_profile, "%s: profile_idc %d", name, sp.profile_idc);
    CHECK_MSG((sp.constraint_flags & expect_flags) == expect_flags, "%s: constraint flags 0x%02x",
              name, sp.constraint_flags);
    if (profile != VT_H264_PROFILE_HIGH)
        CHECK_EQ_INT(count_b(&r), 0);
    char extra[512];
    snprintf(extra, sizeof(extra), "\"headers\": {\"profile_idc\": %d%s%s}", expect_profile,
             extra_headers && *extra_headers ? ", " : "", extra_headers ? extra_headers : "");
    manifest(&r, N, W, H, extra);
    src_free(&s);
    run_free(&r);
}

static void test_profiles(void) {
    simple_profile_run("cbaseline", VT_H264_PROFILE_CONSTRAINED_BASELINE, 30, VT_ENC_FORMAT_I420,
                       66, 0xc0,
                       "\"constraint_set0_flag\": 1, \"constraint_set1_flag\": 1,"
                       " \"level_idc\": 30, \"entropy_coding_mode_flag\": 0");
    simple_profile_run("baseline", VT_H264_PROFILE_BASELINE, 0, VT_ENC_FORMAT_NV12, 66, 0x80,
                       "\"constraint_set0_flag\": 1, \"entropy_coding_mode_flag\": 0");
    simple_profile_run("extended", VT_H264_PROFILE_EXTENDED, 0, VT_ENC_FORMAT_I420, 88, 0x20,
                       "\"constraint_set2_flag\": 1, \"entropy_coding_mode_flag\": 0");
    simple_profile_run("high", VT_H264_PROFILE_HIGH, 40, VT_ENC_FORMAT_NV12, 100, 0,
                       "\"level_idc\": 40, \"entropy_coding_mode_flag\": 1,"
                       " \"transform_8x8_mode_flag\": 1");
    simple_profile_run("chigh", VT_H264_PROFILE_CONSTRAINED_HIGH, 0, VT_ENC_FORMAT_I420, 100, 0x0c,
                       "\"constraint_set4_flag\": 1, \"constraint_set5_flag\": 1,"
                       " \"max_num_reorder_frames\": 0");
}

/* VUI: BT.709 colour, full range from the '420f' format, SAR 4:3, CAVLC. */
static void test_vui(void) {
    const int W = 320, H = 240, N = 30, FPS = 30;
    VTEncoderConfig cfg = base_config(W, H);
    cfg.pixel_format = VT_ENC_FORMAT_NV12_FR;
    cfg.colour_primaries = 1;
    cfg.transfer_characteristics = 1;
    cfg.matrix_coefficients = 1;
    cfg.sar_width = 4;
    cfg.sar_height = 3;
    cfg.entropy = VT_ENTROPY_CAVLC;
    cfg.profile = VT_H264_PROFILE_HIGH;
    Run r;
    Src s;
    run_begin(&r, "vui", &cfg, FPS, FALSE);
    src_init(&s, W, H, VT_ENC_FORMAT_NV12_FR);
    CHECK_STATUS(run_open(&r), noErr);
    if (!r.ctx)
        return;
    for (int i = 0; i < N; i++)
        CHECK_STATUS(run_encode(&r, &s, i, FALSE), noErr);
    CHECK_STATUS(vt_x264_backend.flush(r.ctx), noErr);
    run_end(&r);
    VTH264SPSInfo sp;
    VTH264PPSInfo pp;
    parse_last_sps(&r, &sp, &pp);
    CHECK(sp.full_range);
    CHECK(sp.colour_description_present);
    CHECK_EQ_INT(sp.colour_primaries, 1);
    CHECK_EQ_INT(sp.transfer_characteristics, 1);
    CHECK_EQ_INT(sp.matrix_coefficients, 1);
    CHECK_EQ_INT(sp.sar_width, 4);
    CHECK_EQ_INT(sp.sar_height, 3);
    CHECK_EQ_INT(sp.profile_idc, 100);
    CHECK(!pp.entropy_coding_mode);
    manifest(&r, N, W, H,
             "\"headers\": {\"video_full_range_flag\": 1, \"colour_primaries\": 1,"
             " \"transfer_characteristics\": 1, \"matrix_coefficients\": 1,"
             " \"entropy_coding_mode_flag\": 0, \"profile_idc\": 100}, \"sar\": \"4:3\"");
    src_free(&s);
    run_free(&r);
}

/* Odd size: coded one pixel larger, SPS crops to 322x242. */
static void test_odd_size(uint32_t format, const char *name) {
    const int W = 321, H = 241, N = 20, FPS = 30;
    VTEncoderConfig cfg = base_config(W, H);
    cfg.pixel_format = format;
    Run r;
    Src s;
    run_begin(&r, name, &cfg, FPS, FALSE);
    src_init(&s, W, H, format);
    CHECK_STATUS(run_open(&r), noErr);
    if (!r.ctx)
        return;
    for (int i = 0; i < N; i++)
        CHECK_STATUS(run_encode(&r, &s, i, FALSE), noErr);
    CHECK_STATUS(vt_x264_backend.flush(r.ctx), noErr);
    run_end(&r);
    VTH264SPSInfo sp;
    VTH264PPSInfo pp;
    parse_last_sps(&r, &sp, &pp);
    CHECK(sp.frame_cropping);
    CHECK_EQ_INT(sp.width, 322);
    CHECK_EQ_INT(sp.height, 242);
    manifest(&r, N, 322, 242, "\"headers\": {\"frame_cropping_flag\": 1}");
    src_free(&s);
    run_free(&r);
}

/* The realtime recipe: no delay at all, IDR then P only. Timescale in
 * microseconds, frame rate only known from the frame durations. */
static void test_realtime(void) {
    const int W = 320, H = 240, N = 150, FPS = 25;
    VTEncoderConfig cfg = base_config(W, H);
    cfg.timescale = 1000000;
    cfg.realtime = 1;
    cfg.allow_frame_reordering = FALSE;
    cfg.low_latency_rate_control = TRUE;
    cfg.average_bit_rate = 500000;
    Run r;
    Src s;
    run_begin(&r, "realtime", &cfg, FPS, FALSE);
    src_init(&s, W, H, VT_ENC_FORMAT_NV12);
    CHECK_STATUS(run_open(&r), noErr);
    if (!r.ctx)
        return;
    int delayed = 0;
    for (int i = 0; i < N; i++) {
        CHECK_STATUS(run_encode(&r, &s, i, FALSE), noErr);
        if (r.nout != i + 1 || vt_x264_backend.pending(r.ctx) != 0)
            delayed++;
    }
    CHECK_MSG(delayed == 0, "realtime: %d frames were not emitted before encode returned", delayed);
    CHECK_STATUS(vt_x264_backend.flush(r.ctx), noErr);
    run_end(&r);
    CHECK_EQ_INT(count_b(&r), 0);
    for (int i = 0; i < r.nout; i++)
        CHECK(r.outs[i].dts == r.outs[i].pts && r.outs[i].index == i);
    int keys[] = {0};
    check_keys(&r, keys, 1);
    double br = run_bitrate(&r, N);
    CHECK_MSG(fabs(br - 5e5) <= 0.15 * 5e5, "realtime: bitrate %.0f, target 500000", br);
    manifest(&r, N, W, H,
             "\"headers\": {\"max_num_reorder_frames\": 0}, \"bitrate\": 500000,"
             " \"bitrate_tolerance\": 0.15, \"second_decoder\": true");
    src_free(&s);
    run_free(&r);
}

static double mean_size(const Run *r, int from, int to) {
    double sum = 0;
    int n = 0;
    for (int i = from; i < to; i++) {
        const OutRec *o = rec_for(r, i);
        if (o) {
            sum += (double)o->size;
            n++;
        }
    }
    return n ? sum / n : 0.0;
}

/* Encodes N frames of W x H with cfg; at frame `at` (if >= 0) applies
 * `change` live and checks nothing was drained. Returns the Run (caller
 * frees). */
static void run_with_change(Run *r, const char *name, const VTEncoderConfig *cfg, int w, int h,
                            int n, int fps, int at, const VTEncoderConfig *change,
                            Boolean write_files) {
    const char *saved = g_outdir;
    if (!write_files)
        g_outdir = NULL;
    Src s;
    run_begin(r, name, cfg, fps, FALSE);
    g_outdir = saved;
    src_init(&s, w, h, cfg->pixel_format);
    CHECK_STATUS(run_open(r), noErr);
    if (r->ctx) {
        for (int i = 0; i < n; i++) {
            if (i == at && change) {
                int pending = vt_x264_backend.pending(r->ctx);
                int emitted = r->nout;
                CHECK_STATUS(vt_x264_backend.reconfigure(r->ctx, change), noErr);
                CHECK_EQ_INT(vt_x264_backend.pending(r->ctx), pending); /* no drain */
                CHECK_EQ_INT(r->nout, emitted);
            }
            CHECK_STATUS(run_encode(r, &s, i, FALSE), noErr);
        }
        CHECK_STATUS(vt_x264_backend.flush(r->ctx), noErr);
    }
    run_end(r);
    src_free(&s);
}

/* Live bitrate change: bytes per frame after the change drop well below those
 * of the same encode without the change, no drain, no extra keyframe. */
static void test_bitrate_change(const char *name, Boolean realtime) {
    const int W = 320, H = 240, N = 180, FPS = 30, AT = 90;
    VTEncoderConfig cfg = base_config(W, H);
    cfg.average_bit_rate = 800000;
    cfg.expected_frame_rate = FPS;
    if (realtime) {
        cfg.realtime = 1;
        cfg.allow_frame_reordering = FALSE;
    }
    VTEncoderConfig c2 = cfg;
    c2.average_bit_rate = 300000;
    Run ref, r;
    run_with_change(&ref, "bitrate_ref", &cfg, W, H, N, FPS, -1, NULL, FALSE);
    run_with_change(&r, name, &cfg, W, H, N, FPS, AT, &c2, TRUE);
    double before = mean_size(&r, 30, AT), after = mean_size(&r, AT + 40, N);
    double ref_after = mean_size(&ref, AT + 40, N);
    CHECK_MSG(after < 0.6 * ref_after, "%s: %.0f bytes/frame after the change, %.0f without it",
              name, after, ref_after);
    CHECK_MSG(before > 0.0, "%s: no output before the change", name);
    /* the second half runs near the new rate */
    double br_after = after * 8 * FPS;
    CHECK_MSG(br_after < 300000 * 1.25, "%s: %.0f bit/s after switching to 300000", name, br_after);
    int keys[] = {0};
    check_keys(&r, keys, 1); /* the change forced no keyframe */
    manifest(&r, N, W, H, "");
    run_free(&ref);
    run_free(&r);
}

/* Quality: lower quality is smaller; live CRF change; mode changes refused. */
static void test_quality(void) {
    const int W = 320, H = 240, N = 60, FPS = 30;
    VTEncoderConfig cfg = base_config(W, H);
    cfg.quality = 0.8;
    VTEncoderConfig c2 = cfg;
    c2.quality = 0.3;
    Run ref, r, lo;
    run_with_change(&ref, "quality_ref", &cfg, W, H, N, FPS, -1, NULL, FALSE);
    run_with_change(&lo, "quality_low", &c2, W, H, N, FPS, -1, NULL, FALSE);
    run_with_change(&r, "quality", &cfg, W, H, N, FPS, N / 2, &c2, TRUE);
    CHECK_MSG(lo.payload_bytes < ref.payload_bytes / 2, "quality: %llu bytes at 0.3, %llu at 0.8",
              (unsigned long long)lo.payload_bytes, (unsigned long long)ref.payload_bytes);
    double after = mean_size(&r, N / 2 + 10, N), ref_after = mean_size(&ref, N / 2 + 10, N);
    CHECK_MSG(after < 0.6 * ref_after, "quality: %.0f bytes/frame after the change, %.0f without",
              after, ref_after);
    manifest(&r, N, W, H, "");
    run_free(&ref);
    run_free(&lo);
    run_free(&r);

    /* refused changes while frames are inside the encoder */
    Src s;
    run_begin(&r, "quality_refused", &cfg, FPS, FALSE);
    src_init(&s, W, H, VT_ENC_FORMAT_I420);
    CHECK_STATUS(run_open(&r), noErr);
    if (!r.ctx)
        return;
    for (int i = 0; i < 5; i++)
        CHECK_STATUS(run_encode(&r, &s, i, FALSE), noErr);
    VTEncoderConfig c3 = cfg;
    c3.average_bit_rate = 1000000; /* CRF -> ABR */
    CHECK_STATUS(vt_x264_backend.reconfigure(r.ctx, &c3), kVTPropertyNotSupportedErr);
    c3 = cfg;
    c3.profile = VT_H264_PROFILE_BASELINE;
    CHECK_STATUS(vt_x264_backend.reconfigure(r.ctx, &c3), kVTPropertyNotSupportedErr);
    c3 = cfg;
    c3.width = 160;
    CHECK_STATUS(vt_x264_backend.reconfigure(r.ctx, &c3), kVTPropertyNotSupportedErr);
    c3 = cfg;
    c3.data_rate_limit_count = 1; /* would switch VBV on */
    c3.data_rate_limits[0].bytes = 10000;
    c3.data_rate_limits[0].seconds = 1;
    CHECK_STATUS(vt_x264_backend.reconfigure(r.ctx, &c3), kVTPropertyNotSupportedErr);
    c3 = cfg;
    c3.quality = 7.0;
    CHECK_STATUS(vt_x264_backend.reconfigure(r.ctx, &c3), kVTParameterErr);
    CHECK_STATUS(vt_x264_backend.reconfigure(r.ctx, NULL), kVTParameterErr);
    c3 = cfg; /* live-changeable fields */
    c3.max_keyframe_interval = 3;
    c3.expected_frame_rate = 25;
    c3.source_frame_count = 10;
    CHECK_STATUS(vt_x264_backend.reconfigure(r.ctx, &c3), noErr);
    for (int i = 5; i < 10; i++)
        CHECK_STATUS(run_encode(&r, &s, i, FALSE), noErr);
    CHECK_STATUS(vt_x264_backend.flush(r.ctx), noErr);
    run_end(&r);
    /* the new interval applies at once: 5 frames since the key frame at 0 */
    int keys[] = {0, 5, 8};
    check_keys(&r, keys, 3);
    src_free(&s);
    run_free(&r);
}

/* Quality 1.0 without a profile: mathematically lossless. */
static void test_lossless(void) {
    const int W = 160, H = 120, N = 10, FPS = 30;
    VTEncoderConfig cfg = base_config(W, H);
    cfg.quality = 1.0;
    Run r;
    Src s;
    run_begin(&r, "lossless", &cfg, FPS, TRUE);
    src_init(&s, W, H, VT_ENC_FORMAT_I420);
    CHECK_STATUS(run_open(&r), noErr);
    if (!r.ctx)
        return;
    for (int i = 0; i < N; i++)
        CHECK_STATUS(run_encode(&r, &s, i, FALSE), noErr);
    CHECK_STATUS(vt_x264_backend.flush(r.ctx), noErr);
    run_end(&r);
    VTH264SPSInfo sp;
    VTH264PPSInfo pp;
    parse_last_sps(&r, &sp, &pp);
    CHECK_EQ_INT(sp.profile_idc, 244);
    CHECK(sp.qpprime_y_zero_transform_bypass);
    manifest(&r, N, W, H,
             "\"lossless\": true, \"yuv\": \"lossless.yuv\", \"headers\": {\"profile_idc\": 244}");
    src_free(&s);
    run_free(&r);

    /* with an explicit profile it falls back to near-lossless CRF */
    cfg.profile = VT_H264_PROFILE_HIGH;
    run_begin(&r, "lossless_high", &cfg, FPS, FALSE);
    src_init(&s, W, H, VT_ENC_FORMAT_I420);
    CHECK_STATUS(run_open(&r), noErr);
    if (!r.ctx)
        return;
    for (int i = 0; i < 4; i++)
        CHECK_STATUS(run_encode(&r, &s, i, FALSE), noErr);
    CHECK_STATUS(vt_x264_backend.flush(r.ctx), noErr);
    run_end(&r);
    parse_last_sps(&r, &sp, &pp);
    CHECK_EQ_INT(sp.profile_idc, 100);
    src_free(&s);
    run_free(&r);
}

/* AllowTemporalCompression=false: every frame is an IDR. */
static void test_all_intra(void) {
    const int W = 176, H = 144, N = 20, FPS = 30;
    VTEncoderConfig cfg = base_config(W, H);
    cfg.allow_temporal_compression = FALSE;
    Run r;
    Src s;
    run_begin(&r, "all_intra", &cfg, FPS, FALSE);
    src_init(&s, W, H, VT_ENC_FORMAT_I420);
    CHECK_STATUS(run_open(&r), noErr);
    if (!r.ctx)
        return;
    for (int i = 0; i < N; i++)
        CHECK_STATUS(run_encode(&r, &s, i, FALSE), noErr);
    CHECK_STATUS(vt_x264_backend.flush(r.ctx), noErr);
    run_end(&r);
    int keys[20];
    for (int i = 0; i < N; i++)
        keys[i] = i;
    check_keys(&r, keys, N);
    for (int i = 0; i < r.nout; i++)
        CHECK(r.outs[i].type == VT_FRAME_TYPE_I);
    manifest(&r, N, W, H, "\"headers\": {\"nal_unit_type=5\": 20}");
    src_free(&s);
    run_free(&r);
}

/* ConstantBitRate: filler makes the rate exact. */
static void test_cbr(void) {
    const int W = 320, H = 240, N = 150, FPS = 30;
    VTEncoderConfig cfg = base_config(W, H);
    cfg.constant_bit_rate = 600000;
    cfg.expected_frame_rate = FPS;
    Run r;
    Src s;
    run_begin(&r, "cbr", &cfg, FPS, FALSE);
    src_init(&s, W, H, VT_ENC_FORMAT_I420);
    CHECK_STATUS(run_open(&r), noErr);
    if (!r.ctx)
        return;
    for (int i = 0; i < N; i++)
        CHECK_STATUS(run_encode(&r, &s, i, FALSE), noErr);
    CHECK_STATUS(vt_x264_backend.flush(r.ctx), noErr);
    run_end(&r);
    double br = run_bitrate(&r, N);
    CHECK_MSG(fabs(br - 6e5) <= 0.10 * 6e5, "cbr: bitrate %.0f, target 600000", br);
    manifest(&r, N, W, H, "\"bitrate\": 600000, \"bitrate_tolerance\": 0.10");
    src_free(&s);
    run_free(&r);
}

/* DataRateLimits cap a quality encode that would want far more. */
static void test_data_rate_limits(void) {
    const int W = 320, H = 240, N = 150, FPS = 30;
    const double BYTES = 37500; /* 300 kbit per second */
    VTEncoderConfig cfg = base_config(W, H);
    cfg.quality = 0.95;
    cfg.data_rate_limit_count = 1;
    cfg.data_rate_limits[0].bytes = BYTES;
    cfg.data_rate_limits[0].seconds = 1.0;
    Run r;
    Src s;
    run_begin(&r, "limits", &cfg, FPS, FALSE);
    src_init(&s, W, H, VT_ENC_FORMAT_I420);
    CHECK_STATUS(run_open(&r), noErr);
    if (!r.ctx)
        return;
    for (int i = 0; i < N; i++)
        CHECK_STATUS(run_encode(&r, &s, i, FALSE), noErr);
    CHECK_STATUS(vt_x264_backend.flush(r.ctx), noErr);
    run_end(&r);
    double br = run_bitrate(&r, N);
    CHECK_MSG(br <= BYTES * 8, "limits: average %.0f bit/s above the cap", br);
    CHECK_MSG(br >= 0.5 * BYTES * 8, "limits: average %.0f bit/s, far below the cap", br);
    /* any window of 1 s of decode time (FPS + 1 frames at most) */
    double worst = 0;
    for (int i = 0; i + FPS + 1 <= r.nout; i++) {
        double sum = 0;
        for (int k = i; k < i + FPS + 1; k++)
            sum += (double)r.outs[k].size;
        if (sum > worst)
            worst = sum;
    }
    CHECK_MSG(worst <= BYTES, "limits: a 1 s window holds %.0f bytes (limit %.0f)", worst, BYTES);
    manifest(&r, N, W, H, "");
    src_free(&s);
    run_free(&r);
}

/* ReferenceBufferCount caps num_ref_frames; MaxFrameDelayCount 2 is honoured. */
static void test_refs_and_delay(void) {
    const int W = 320, H = 240, N = 60, FPS = 30;
    VTEncoderConfig cfg = base_config(W, H);
    cfg.allow_frame_reordering = FALSE;
    cfg.reference_buffer_count = 2;
    Run r;
    Src s;
    run_begin(&r, "refs", &cfg, FPS, FALSE);
    src_init(&s, W, H, VT_ENC_FORMAT_I420);
    CHECK_STATUS(run_open(&r), noErr);
    if (!r.ctx)
        return;
    for (int i = 0; i < 10; i++)
        CHECK_STATUS(run_encode(&r, &s, i, FALSE), noErr);
    CHECK_STATUS(vt_x264_backend.flush(r.ctx), noErr);
    run_end(&r);
    VTH264SPSInfo sp;
    VTH264PPSInfo pp;
    parse_last_sps(&r, &sp, &pp);
    CHECK_EQ_INT(sp.max_num_ref_frames, 2);
    run_free(&r);

    cfg = base_config(W, H);
    cfg.max_frame_delay_count = 2;
    run_begin(&r, "delay2", &cfg, FPS, FALSE);
    CHECK_STATUS(run_open(&r), noErr);
    if (!r.ctx)
        return;
    int late = 0;
    for (int i = 0; i < N; i++) {
        CHECK_STATUS(run_encode(&r, &s, i, FALSE), noErr);
        /* before EncodeFrame(i) returns, frame i-2 must have been emitted */
        if (r.nout < i + 1 - 2 || vt_x264_backend.pending(r.ctx) > 2)
            late++;
    }
    CHECK_MSG(late == 0, "delay2: %d encode calls left more than 2 frames pending", late);
    CHECK_STATUS(vt_x264_backend.flush(r.ctx), noErr);
    run_end(&r);
    manifest(&r, N, W, H, "");
    src_free(&s);
    run_free(&r);
}

/* Flush mid-stream, continue, flush again; close with frames pending. */
static void test_flush_and_close(void) {
    const int W = 320, H = 240, FPS = 30;
    VTEncoderConfig cfg = base_config(W, H);
    Run r;
    Src s;
    run_begin(&r, "flush", &cfg, FPS, FALSE);
    src_init(&s, W, H, VT_ENC_FORMAT_I420);
    CHECK_STATUS(run_open(&r), noErr);
    if (!r.ctx)
        return;
    CHECK_STATUS(vt_x264_backend.flush(r.ctx), noErr); /* nothing to do */
    for (int i = 0; i < 20; i++)
        CHECK_STATUS(run_encode(&r, &s, i, FALSE), noErr);
    CHECK(vt_x264_backend.pending(r.ctx) > 0);
    CHECK_STATUS(vt_x264_backend.flush(r.ctx), noErr);
    CHECK_EQ_INT(r.nout, 20);
    CHECK_EQ_INT(vt_x264_backend.pending(r.ctx), 0);
    CHECK_STATUS(vt_x264_backend.flush(r.ctx), noErr); /* idempotent */
    CHECK_EQ_INT(r.nout, 20);
    for (int i = 20; i < 35; i++)
        CHECK_STATUS(run_encode(&r, &s, i, FALSE), noErr);
    CHECK_STATUS(vt_x264_backend.flush(r.ctx), noErr);
    CHECK_EQ_INT(r.nout, 35);
    run_end(&r);
    int keys[] = {0, 20};
    check_keys(&r, keys, 2);
    manifest(&r, 35, W, H, "");
    run_free(&r);

    /* close with frames inside x264: each comes back once, as dropped */
    run_begin(&r, "close_pending", &cfg, FPS, FALSE);
    CHECK_STATUS(run_open(&r), noErr);
    if (!r.ctx)
        return;
    for (int i = 0; i < 12; i++)
        CHECK_STATUS(run_encode(&r, &s, i, FALSE), noErr);
    int pending = vt_x264_backend.pending(r.ctx);
    int emitted = r.nout;
    CHECK(pending > 0);
    CHECK_EQ_INT(pending + emitted, 12);
    run_end(&r);
    int dropped = 0;
    for (int i = 0; i < r.nout; i++) {
        if (r.outs[i].info & kVTEncodeInfo_FrameDropped) {
            dropped++;
            CHECK_EQ_INT(r.outs[i].status, noErr);
        }
    }
    CHECK_EQ_INT(dropped, pending);
    src_free(&s);
    run_free(&r);
}

static void nop_output(void *user, const VTEncodedFrame *f) {
    (void)f;
    (*(int *)user)++;
}

static void test_errors(void) {
    int calls = 0;
    VTEncoderCallbacks cb = {&calls, nop_output};
    VTEncoderConfig cfg = base_config(64, 64);
    void *ctx = (void *)&cfg;

    CHECK_STATUS(vt_x264_backend.open(NULL, &cb, &ctx), kVTParameterErr);
    CHECK(ctx == NULL);
    CHECK_STATUS(vt_x264_backend.open(&cfg, NULL, &ctx), kVTParameterErr);
    CHECK_STATUS(vt_x264_backend.open(&cfg, &cb, NULL), kVTParameterErr);
    VTEncoderCallbacks no_fn = {NULL, NULL};
    CHECK_STATUS(vt_x264_backend.open(&cfg, &no_fn, &ctx), kVTParameterErr);
    VTEncoderConfig bad = cfg;
    bad.width = 0;
    CHECK_STATUS(vt_x264_backend.open(&bad, &cb, &ctx), kVTParameterErr);
    bad = cfg;
    bad.codec_type = 0x68766331u; /* 'hvc1' */
    CHECK_STATUS(vt_x264_backend.open(&bad, &cb, &ctx), kVTParameterErr);
    bad = cfg;
    bad.pixel_format = 0x42475241u; /* 'BGRA' is not native */
    CHECK_STATUS(vt_x264_backend.open(&bad, &cb, &ctx), kVTParameterErr);
    bad = cfg;
    bad.constant_bit_rate = 100000;
    bad.average_bit_rate = 100000;
    CHECK_STATUS(vt_x264_backend.open(&bad, &cb, &ctx), kVTParameterErr);
    CHECK(ctx == NULL);

    /* NULL contexts never crash */
    CHECK_STATUS(vt_x264_backend.encode(NULL, NULL), kVTParameterErr);
    CHECK_STATUS(vt_x264_backend.flush(NULL), kVTParameterErr);
    CHECK_STATUS(vt_x264_backend.reconfigure(NULL, &cfg), kVTParameterErr);
    CHECK_EQ_INT(vt_x264_backend.pending(NULL), 0);
    vt_x264_backend.close(NULL);

    CHECK_STATUS(vt_x264_backend.open(&cfg, &cb, &ctx), noErr);
    if (!ctx)
        return;
    CHECK_STATUS(vt_x264_backend.encode(ctx, NULL), kVTParameterErr);
    const uint8_t *a, *b;
    size_t an, bn;
    CHECK_STATUS(vt_x264_backend.get_parameter_sets(ctx, NULL, &an, &b, &bn), kVTParameterErr);
    CHECK_STATUS(vt_x264_backend.get_parameter_sets(ctx, &a, &an, &b, &bn), noErr);

    static uint8_t y[64 * 64], u[32 * 32], v[32 * 32];
    VTEncoderFrame f;
    memset(&f, 0, sizeof(f));
    f.pixel_format = VT_ENC_FORMAT_I420;
    f.width = 64;
    f.height = 64;
    f.plane_count = 3;
    f.planes[0] = y;
    f.planes[1] = u;
    f.planes[2] = v;
    f.strides[0] = 64;
    f.strides[1] = f.strides[2] = 32;
    f.pts = 100;
    f.duration = 10;

    VTEncoderFrame g = f;
    g.width = 62;
    CHECK_STATUS(vt_x264_backend.encode(ctx, &g), kVTParameterErr);
    g = f;
    g.strides[1] = 16;
    CHECK_STATUS(vt_x264_backend.encode(ctx, &g), kVTParameterErr);
    g = f;
    g.planes[2] = NULL;
    CHECK_STATUS(vt_x264_backend.encode(ctx, &g), kVTParameterErr);
    g = f;
    g.pixel_format = VT_ENC_FORMAT_NV12; /* plane count says I420 */
    CHECK_STATUS(vt_x264_backend.encode(ctx, &g), kVTParameterErr);
    g = f;
    g.pixel_format = 0x42475241u;
    CHECK_STATUS(vt_x264_backend.encode(ctx, &g), kVTParameterErr);
    CHECK_EQ_INT(vt_x264_backend.pending(ctx), 0);

    CHECK_STATUS(vt_x264_backend.encode(ctx, &f), noErr);
    g = f; /* same pts */
    CHECK_STATUS(vt_x264_backend.encode(ctx, &g), kVTParameterErr);
    g.pts = 50; /* going back */
    CHECK_STATUS(vt_x264_backend.encode(ctx, &g), kVTParameterErr);
    g.pts = 110;
    CHECK_STATUS(vt_x264_backend.encode(ctx, &g), noErr);
    CHECK_STATUS(vt_x264_backend.flush(ctx), noErr);
    vt_x264_backend.close(ctx);
    CHECK_EQ_INT(calls, 2); /* refused frames produce no output */

    /* before the first frame any change is accepted (the encoder is recreated) */
    calls = 0;
    CHECK_STATUS(vt_x264_backend.open(&cfg, &cb, &ctx), noErr);
    if (!ctx)
        return;
    VTEncoderConfig c2 = cfg;
    c2.profile = VT_H264_PROFILE_BASELINE;
    c2.average_bit_rate = 200000;
    CHECK_STATUS(vt_x264_backend.reconfigure(ctx, &c2), noErr);
    CHECK_STATUS(vt_x264_backend.get_parameter_sets(ctx, &a, &an, &b, &bn), noErr);
    VTH264SPSInfo sp;
    CHECK_STATUS(vt_h264_parse_sps(a, an, &sp), noErr);
    CHECK_EQ_INT(sp.profile_idc, 66);
    c2.quality = 3.0;
    CHECK_STATUS(vt_x264_backend.reconfigure(ctx, &c2), kVTParameterErr);
    vt_x264_backend.close(ctx);
    CHECK_EQ_INT(calls, 0);
}

/* Every vtcore allocation in open/encode/flush failing in turn: clean errors,
 * no leak (LSan), no output for refused frames, one for accepted ones. */
static void test_alloc_failures(void) {
    for (int variant = 0; variant < 2; variant++) {
        const int w = variant ? 33 : 32, h = variant ? 17 : 16;
        Boolean exhausted = FALSE;
        for (long n = 1; n < 500 && !exhausted; n++) {
            VTEncoderConfig cfg = base_config(w, h);
            cfg.max_keyframe_interval = 2;
            Run r;
            Src s;
            run_begin(&r, "alloc", &cfg, 30, FALSE);
            src_init(&s, w, h, VT_ENC_FORMAT_NV12);
            vtcore_debug_fail_allocation_after(n);
            OSStatus st = run_open(&r);
            CHECK_MSG(st == noErr || st == kVTAllocationFailedErr, "open: %d", (int)st);
            if (st == noErr) {
                for (int i = 0; i < 8; i++) {
                    OSStatus e = run_encode(&r, &s, i, i == 5);
                    CHECK_MSG(e == noErr || e == kVTAllocationFailedErr, "encode: %d", (int)e);
                    if (e != noErr) {
                        r.seen[i] = 1; /* refused: no output may come */
                        r.refused++;
                    }
                }
                OSStatus f = vt_x264_backend.flush(r.ctx);
                CHECK_MSG(f == noErr, "flush: %d", (int)f);
            } else {
                CHECK(r.ctx == NULL);
            }
            long made = vtcore_debug_fail_allocation_after(0);
            exhausted = made < n; /* the failure point was never reached */
            run_end(&r);
            src_free(&s);
            run_free(&r);
        }
        CHECK(exhausted);
    }
}

/* Under valgrind (or with VTCORE_TEST_QUICK=1) the long encodes are left out:
 * x264 runs ~100x slower there and the short scenarios exercise the same
 * vtcore code paths. VTCORE_TEST_QUICK=0 forces the full run. */
static Boolean quick_mode(void) {
    const char *preload = getenv("LD_PRELOAD");
    const char *quick = getenv("VTCORE_TEST_QUICK");
    if (quick && *quick)
        return *quick != '0';
    return preload && strstr(preload, "vgpreload");
}

int main(int argc, char **argv) {
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--outdir") == 0 && i + 1 < argc)
            g_outdir = argv[++i];
    }
    if (quick_mode()) {
        printf("quick mode: long encodes (rate control, 640x480 quality) skipped\n");
        test_errors();
        test_alloc_failures();
        test_gop_duration();
        test_open_gop();
        test_odd_size(VT_ENC_FORMAT_NV12, "odd_nv12");
        test_lossless();
        test_all_intra();
        test_flush_and_close();
        return vt_test_result();
    }
    test_errors();
    test_alloc_failures();
    test_abr_quality();
    test_gop();
    test_gop_duration();
    test_open_gop();
    test_slices();
    test_main_cavlc();
    test_profiles();
    test_vui();
    test_odd_size(VT_ENC_FORMAT_I420, "odd_i420");
    test_odd_size(VT_ENC_FORMAT_NV12, "odd_nv12");
    test_realtime();
    test_bitrate_change("bitrate_change", FALSE);
    test_bitrate_change("bitrate_change_rt", TRUE);
    test_quality();
    test_lossless();
    test_all_intra();
    test_cbr();
    test_data_rate_limits();
    test_refs_and_delay();
    test_flush_and_close();
    return vt_test_result();
}

#endif /* HAVE_X264 */
