/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The VA-API H.264 backend on a real GPU (suite 'hw'). Exits 77 with the
 * reason when the machine has no render node whose driver encodes H.264 with
 * packed headers (Intel iHD/i965, AMD radeonsi; NVIDIA's VA driver only
 * decodes). Encodes a moving test pattern, decodes it with ffmpeg and checks
 * frame count, key frame placement, header fields and a PSNR floor. The
 * HEVC backend runs the same checks when the device also encodes HEVC.
 *
 * Usage: test_vaapi_hw /path/to/ffmpeg /path/to/ffprobe
 */
#include "config.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vt_test.h"

#include "encoder/backend.h"
#include "encoder/vaapi.h"
#include "vaapi_test_util.h"

#define W      320
#define H      240
#define FRAMES 60
#define TICK   3000

static double psnr(const uint8_t *a, const uint8_t *b, size_t n) {
    double se = 0.0;
    for (size_t i = 0; i < n; i++) {
        double d = (double)a[i] - (double)b[i];
        se += d * d;
    }
    if (se == 0.0)
        return 99.0;
    return 10.0 * log10(255.0 * 255.0 * (double)n / se);
}

static void encode_and_judge(const VTEncoderBackend *be, const char *what,
                             const VTEncoderConfig *cfg, const char *ffmpeg, const char *ffprobe,
                             const char *keys_expected) {
    Collector *col = calloc(1, sizeof(*col));
    VTEncoderCallbacks cb = {col, collect_output};
    void *ctx = NULL;
    char dir[] = "/tmp/vtcore-vaapi-hw-XXXXXX", path[256], yuv[256], cmd[1024];
    size_t size = 0, ysize = 0;
    uint8_t *stream, *raw;
    int st;
    char *out;

    CHECK_STATUS(be->open(cfg, &cb, &ctx), noErr);
    if (!ctx) {
        free(col);
        return;
    }
    for (int i = 0; i < FRAMES; i++) {
        TestPic p;
        VTEncoderFrame f;
        uint8_t *nv12;
        testpic_make(&p, W, H, i);
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
    CHECK_EQ_INT(col->n, FRAMES);
    for (int i = 0; i < col->n; i++) {
        CHECK(col->outs[i].status == noErr && col->outs[i].data);
        if (i)
            CHECK(col->outs[i].dts > col->outs[i - 1].dts);
        CHECK(col->outs[i].dts <= col->outs[i].pts);
    }
    if (!mkdtemp(dir)) {
        collector_clear(col);
        free(col);
        return;
    }
    snprintf(path, sizeof(path), "%s/out.%s", dir,
             be->codec_type == VT_ENC_CODEC_HEVC ? "hevc" : "h264");
    snprintf(yuv, sizeof(yuv), "%s/out.yuv", dir);
    stream = assemble_annexb(col, &size);
    CHECK(stream && write_file(path, stream, size) == 0);
    free(stream);
    snprintf(cmd, sizeof(cmd),
             "'%s' -hide_banner -nostdin -nostats -v error -i '%s' -f rawvideo -pix_fmt yuv420p "
             "-y '%s' 2>&1",
             ffmpeg, path, yuv);
    out = run_capture(cmd, &st);
    CHECK_MSG(st == 0 && !out[0], "%s: decode: %s", what, out);
    free(out);
    raw = read_file_all(yuv, &ysize);
    CHECK_EQ_INT(ysize, (size_t)FRAMES * W * H * 3 / 2);
    if (raw && ysize == (size_t)FRAMES * W * H * 3 / 2) {
        double worst = 99.0;
        for (int i = 0; i < FRAMES; i++) {
            TestPic p;
            testpic_make(&p, W, H, i);
            double v = psnr(raw + (size_t)i * W * H * 3 / 2, p.y, (size_t)W * H);
            if (v < worst)
                worst = v;
            testpic_free(&p);
        }
        printf("%s: worst luma PSNR %.1f dB\n", what, worst);
        CHECK_MSG(worst > 30.0, "%s: luma PSNR %.1f dB", what, worst);
    }
    free(raw);
    snprintf(cmd, sizeof(cmd),
             "'%s' -v error -select_streams v:0 -show_entries frame=key_frame -of csv=p=0 '%s'",
             ffprobe, path);
    out = run_capture(cmd, &st);
    {
        char keys[FRAMES + 1];
        int n = 0;
        for (char *l = strtok(out, "\n"); l && n < FRAMES; l = strtok(NULL, "\n"))
            keys[n++] = l[0];
        keys[n] = 0;
        CHECK_MSG(!strcmp(keys, keys_expected), "%s: key frames %s", what, keys);
    }
    free(out);
    unlink(path);
    unlink(yuv);
    rmdir(dir);
    collector_clear(col);
    free(col);
}

int main(int argc, char **argv) {
    const char *ffmpeg = argc > 1 ? argv[1] : NULL, *ffprobe = argc > 2 ? argv[2] : NULL;
    VTEncoderConfig cfg;
    char keys[FRAMES + 1];

    if (!ffmpeg || access(ffmpeg, X_OK) || !ffprobe || access(ffprobe, X_OK))
        VT_TEST_SKIP("ffmpeg/ffprobe not found");
    if (vt_vaapi_h264_backend.probe() != noErr)
        VT_TEST_SKIP("no usable VA-API render node: no /dev/dri/renderD* whose driver encodes "
                     "H.264 with packed headers (needs Intel or AMD; set VTCORE_VAAPI_DEVICE to "
                     "choose one)");

    for (int i = 0; i < FRAMES; i++)
        keys[i] = i % 30 == 0 ? '1' : '0';
    keys[FRAMES] = 0;

    vt_encoder_config_init(&cfg);
    cfg.width = W;
    cfg.height = H;
    cfg.pixel_format = VT_ENC_FORMAT_NV12;
    cfg.max_keyframe_interval = 30;
    cfg.expected_frame_rate = 30;
    encode_and_judge(&vt_vaapi_h264_backend, "default", &cfg, ffmpeg, ffprobe, keys);

    cfg.average_bit_rate = 2000000;
    cfg.allow_frame_reordering = FALSE;
    encode_and_judge(&vt_vaapi_h264_backend, "vbr_no_b", &cfg, ffmpeg, ffprobe, keys);

    cfg.average_bit_rate = 0;
    cfg.constant_bit_rate = 3000000;
    cfg.profile = VT_H264_PROFILE_CONSTRAINED_BASELINE;
    encode_and_judge(&vt_vaapi_h264_backend, "cbr_baseline", &cfg, ffmpeg, ffprobe, keys);

    if (vt_vaapi_hevc_backend.probe() == noErr) {
        vt_encoder_config_init(&cfg);
        cfg.codec_type = VT_ENC_CODEC_HEVC;
        cfg.width = W;
        cfg.height = H;
        cfg.pixel_format = VT_ENC_FORMAT_NV12;
        cfg.max_keyframe_interval = 30;
        cfg.expected_frame_rate = 30;
        encode_and_judge(&vt_vaapi_hevc_backend, "hevc_default", &cfg, ffmpeg, ffprobe, keys);
        cfg.constant_bit_rate = 3000000;
        encode_and_judge(&vt_vaapi_hevc_backend, "hevc_cbr", &cfg, ffmpeg, ffprobe, keys);
    } else {
        printf("no HEVC encoder on this device: HEVC not tested\n");
    }
    return vt_test_result();
}
