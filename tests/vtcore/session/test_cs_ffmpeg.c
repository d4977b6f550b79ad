/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * VTCompressionSession output judged by tools we did not write (ffmpeg,
 * ffprobe; see /work/shared/reference/judging-h264.md): the samples of a
 * session are written as an Annex B file (parameter sets from the format
 * description before every sync sample), then
 *   - ffmpeg decodes it with empty `-v error` output,
 *   - ffprobe counts exactly the frames that went in,
 *   - the trace_headers bitstream filter shows the header fields the
 *     properties asked for (profile, constraint flags, level, entropy mode,
 *     reordering, VUI colour / range / aspect, cropping, IDR spacing),
 *   - PSNR against the exact source frames is >= 38 dB for a moving 640x480
 *     pattern at 2 Mbit/s (also through the UYVY conversion path),
 *   - the average bit rate over 300 frames is within 10 % of AverageBitRate.
 * Skipped (77) when ffmpeg or ffprobe is missing. VTCORE_KEEP_TEST_FILES=1
 * keeps the files.
 */
#include <math.h>
#include <unistd.h>

#include "cs_test_util.h"

static char g_dir[256];

/* Runs a shell command, returns its combined output (malloc'd, never NULL). */
static char *run(const char *cmd) {
    FILE *p = popen(cmd, "r");
    size_t cap = 4096, len = 0;
    char *out = malloc(cap);
    out[0] = '\0';
    if (!p)
        return out;
    for (;;) {
        if (cap - len < 1024) {
            cap *= 2;
            out = realloc(out, cap);
        }
        size_t n = fread(out + len, 1, cap - len - 1, p);
        if (n == 0)
            break;
        len += n;
        out[len] = '\0';
    }
    pclose(p);
    return out;
}

static int have_tool(const char *name) {
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null 2>&1", name);
    return system(cmd) == 0;
}

/* ------------------------------------------------------------------ */

typedef void (*SetupFn)(VTCompressionSessionRef s);

typedef struct Encoded {
    char h264[300], yuv[300];
    int frames, outputs, errors;
    double bytes; /* payload bytes of all samples */
} Encoded;

/* The I420 picture the encoder should see: the pattern itself, or for BGRA
 * buffers their BT.601 video-range conversion (chroma of the top-left pixel
 * of each 2x2 block: kVTDownsamplingMode_Decimate, Apple's default). */
static void write_reference(FILE *f, CVPixelBufferRef pb, const CSImage *img) {
    int w = img->width, h = img->height, cw = (w + 1) / 2, ch = (h + 1) / 2;
    if (CVPixelBufferGetPixelFormatType(pb) != FOURCC_BGRA) {
        fwrite(img->y, 1, (size_t)w * (size_t)h, f);
        fwrite(img->u, 1, (size_t)cw * (size_t)ch, f);
        fwrite(img->v, 1, (size_t)cw * (size_t)ch, f);
        return;
    }
    CSImage ref;
    cs_image_alloc(&ref, w, h);
    CVPixelBufferLockBaseAddress(pb, kCVPixelBufferLock_ReadOnly);
    const uint8_t *base = CVPixelBufferGetBaseAddress(pb);
    size_t bpr = CVPixelBufferGetBytesPerRow(pb);
    for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
            const uint8_t *px = base + (size_t)y * bpr + 4 * (size_t)x;
            int b = px[0], g = px[1], r = px[2];
            ref.y[(size_t)y * (size_t)w + (size_t)x] =
                cs_clamp(((66 * r + 129 * g + 25 * b + 128) >> 8) + 16);
            if (!(x & 1) && !(y & 1)) {
                size_t o = (size_t)(y / 2) * (size_t)cw + (size_t)(x / 2);
                ref.u[o] = cs_clamp(((-38 * r - 74 * g + 112 * b + 128) >> 8) + 128);
                ref.v[o] = cs_clamp(((112 * r - 94 * g - 18 * b + 128) >> 8) + 128);
            }
        }
    }
    CVPixelBufferUnlockBaseAddress(pb, kCVPixelBufferLock_ReadOnly);
    fwrite(ref.y, 1, (size_t)w * (size_t)h, f);
    fwrite(ref.u, 1, (size_t)cw * (size_t)ch, f);
    fwrite(ref.v, 1, (size_t)cw * (size_t)ch, f);
    cs_image_free(&ref);
}

/* Encodes `frames` pattern frames at 30 fps through a session of w x h,
 * from buffers of `input` (0 = the session's pool) of size iw x ih; writes
 * NAME.h264 and, with write_yuv, the I420 source NAME.yuv (session size). */
static Encoded encode_file(const char *name, int w, int h, OSType input, int iw, int ih, int frames,
                           CFDictionaryRef spec, CFDictionaryRef attrs, SetupFn setup,
                           int write_yuv) {
    Encoded e;
    memset(&e, 0, sizeof(e));
    snprintf(e.h264, sizeof(e.h264), "%s/%s.h264", g_dir, name);
    snprintf(e.yuv, sizeof(e.yuv), "%s/%s.yuv", g_dir, name);
    e.frames = frames;
    CSCollector c;
    cs_collector_init(&c);
    VTCompressionSessionRef s = cs_create(w, h, spec, attrs, &c);
    if (!s) {
        e.errors++;
        return e;
    }
    if (setup)
        setup(s);
    FILE *yuv = write_yuv ? fopen(e.yuv, "wb") : NULL;
    CSImage img;
    cs_image_alloc(&img, iw, ih);
    for (int i = 0; i < frames; i++) {
        CVPixelBufferRef pb = NULL;
        if (input)
            CVPixelBufferCreate(NULL, (size_t)iw, (size_t)ih, input, NULL, &pb);
        else
            CVPixelBufferPoolCreatePixelBuffer(NULL, VTCompressionSessionGetPixelBufferPool(s),
                                               &pb);
        if (!pb) {
            e.errors++;
            break;
        }
        cs_pattern(&img, i);
        cs_fill_buffer(pb, &img);
        if (yuv)
            write_reference(yuv, pb, &img);
        if (VTCompressionSessionEncodeFrame(s, pb, CMTimeMake(i, 30), CMTimeMake(1, 30), NULL,
                                            (void *)(intptr_t)(i + 1), NULL) != noErr)
            e.errors++;
        CVPixelBufferRelease(pb);
    }
    cs_image_free(&img);
    if (yuv)
        fclose(yuv);
    if (VTCompressionSessionCompleteFrames(s, kCMTimeInvalid) != noErr)
        e.errors++;
    FILE *f = fopen(e.h264, "wb");
    for (int i = 0; f && i < c.count; i++) {
        if (c.items[i].status != noErr || !c.items[i].sample) {
            e.errors++;
            continue;
        }
        e.outputs++;
        e.bytes += (double)CMSampleBufferGetTotalSampleSize(c.items[i].sample);
        cs_write_annexb(f, c.items[i].sample);
    }
    if (f)
        fclose(f);
    else
        e.errors++;
    VTCompressionSessionInvalidate(s);
    CFRelease(s);
    cs_collector_free(&c);
    return e;
}

/* Decodes with ffmpeg: the error output must be empty; the frame count
 * from ffprobe must be exact. */
static void check_decode(const Encoded *e, int expect_w, int expect_h) {
    char cmd[1024];
    CHECK_EQ_INT(e->errors, 0);
    CHECK_EQ_INT(e->outputs, e->frames);
    snprintf(cmd, sizeof(cmd), "ffmpeg -hide_banner -nostdin -v error -i '%s' -f null - 2>&1",
             e->h264);
    char *out = run(cmd);
    CHECK_MSG(out[0] == '\0', "%s: ffmpeg reports: %.500s", e->h264, out);
    free(out);
    snprintf(cmd, sizeof(cmd),
             "ffprobe -v error -count_frames -select_streams v:0 -show_entries "
             "stream=nb_read_frames,width,height -of csv=p=0 '%s' 2>&1",
             e->h264);
    out = run(cmd);
    int w = 0, h = 0, n = 0;
    CHECK_MSG(sscanf(out, "%d,%d,%d", &w, &h, &n) == 3, "ffprobe: %s", out);
    CHECK_MSG(n == e->frames, "%s: ffprobe counted %d frames, expected %d", e->h264, n, e->frames);
    if (expect_w)
        CHECK_MSG(w == expect_w && h == expect_h, "%s: %dx%d", e->h264, w, h);
    free(out);
}

/* trace_headers: "name=value" occurrence counts. */
typedef struct Trace {
    char *text; /* lines "name=value\n" */
} Trace;

static Trace trace(const char *file) {
    char cmd[1024];
    snprintf(cmd, sizeof(cmd),
             "ffmpeg -hide_banner -nostdin -v info -i '%s' -map 0:v:0 -c:v copy -bsf:v "
             "trace_headers -f null - 2>&1 | awk '/^\\[trace_headers/ && NF>=7 {print $5\"=\"$NF}'",
             file);
    Trace t = {run(cmd)};
    return t;
}

/* Number of lines "name=value" (value < 0: any value). */
static int trace_count(const Trace *t, const char *name, long value) {
    int n = 0;
    size_t nl = strlen(name);
    for (const char *p = t->text; p && *p;) {
        const char *eol = strchr(p, '\n');
        if (!eol)
            eol = p + strlen(p);
        if ((size_t)(eol - p) > nl && strncmp(p, name, nl) == 0 && p[nl] == '=') {
            if (value < 0 || strtol(p + nl + 1, NULL, 10) == value)
                n++;
        }
        p = *eol ? eol + 1 : eol;
    }
    return n;
}

static double psnr(const Encoded *e, int w, int h) {
    char cmd[1400];
    snprintf(cmd, sizeof(cmd),
             "ffmpeg -hide_banner -nostdin -i '%s' -f rawvideo -pix_fmt yuv420p -s %dx%d "
             "-framerate 30 -i '%s' -lavfi "
             "\"[0:v]settb=1/30,setpts=N[a];[1:v]settb=1/30,setpts=N[b];[a][b]psnr\" -f null - "
             "2>&1 | grep Parsed_psnr",
             e->h264, w, h, e->yuv);
    char *out = run(cmd);
    const char *a = strstr(out, "average:");
    double v = a ? strtod(a + 8, NULL) : 0;
    if (!a)
        fprintf(stderr, "psnr output: %s\n", out);
    free(out);
    return v;
}

/* ------------------------------------------------------------------ */

static void setup_2mbps(VTCompressionSessionRef s) {
    CHECK_STATUS(cs_set_i32(s, kVTCompressionPropertyKey_AverageBitRate, 2000000), noErr);
    CHECK_STATUS(cs_set_f64(s, kVTCompressionPropertyKey_ExpectedFrameRate, 30), noErr);
}

static void test_quality_and_rate(void) {
    Encoded e = encode_file("vga_2mbps", 640, 480, 0, 640, 480, 300, NULL, NULL, setup_2mbps, 1);
    check_decode(&e, 640, 480);
    double p = psnr(&e, 640, 480);
    CHECK_MSG(p >= 38.0, "PSNR %.2f dB < 38", p);
    double rate = e.bytes * 8.0 / (300.0 / 30.0);
    CHECK_MSG(fabs(rate - 2e6) <= 0.1 * 2e6, "bit rate %.0f not within 10%% of 2000000", rate);
    printf("vga_2mbps: PSNR %.2f dB, %.0f bit/s\n", p, rate);
    Trace t = trace(e.h264);
    CHECK(trace_count(&t, "slice_type", 1) + trace_count(&t, "slice_type", 6) > 0);
    CHECK(trace_count(&t, "max_num_reorder_frames", 0) == 0);
    free(t.text);

    /* the same through the conversion path (UYVY buffers not from the pool) */
    Encoded u =
        encode_file("vga_uyvy", 640, 480, FOURCC_UYVY, 640, 480, 60, NULL, NULL, setup_2mbps, 1);
    check_decode(&u, 640, 480);
    p = psnr(&u, 640, 480);
    CHECK_MSG(p >= 38.0, "UYVY input: PSNR %.2f dB < 38", p);
    printf("vga_uyvy: PSNR %.2f dB\n", p);

    /* BGRA, against its own BT.601 conversion */
    Encoded b =
        encode_file("vga_bgra", 640, 480, FOURCC_BGRA, 640, 480, 60, NULL, NULL, setup_2mbps, 1);
    check_decode(&b, 640, 480);
    p = psnr(&b, 640, 480);
    CHECK_MSG(p >= 38.0, "BGRA input: PSNR %.2f dB < 38", p);
    printf("vga_bgra: PSNR %.2f dB\n", p);

    /* scaled input */
    Encoded sc =
        encode_file("scaled", 640, 480, FOURCC_NV12, 320, 240, 30, NULL, NULL, setup_2mbps, 0);
    check_decode(&sc, 640, 480);
}

static void setup_main_cavlc(VTCompressionSessionRef s) {
    CHECK_STATUS(VTSessionSetProperty(s, kVTCompressionPropertyKey_ProfileLevel,
                                      kVTProfileLevel_H264_Main_3_1),
                 noErr);
    CHECK_STATUS(VTSessionSetProperty(s, kVTCompressionPropertyKey_H264EntropyMode,
                                      kVTH264EntropyMode_CAVLC),
                 noErr);
    CHECK_STATUS(
        VTSessionSetProperty(s, kVTCompressionPropertyKey_AllowFrameReordering, kCFBooleanFalse),
        noErr);
    CHECK_STATUS(VTSessionSetProperty(s, kVTCompressionPropertyKey_ColorPrimaries,
                                      kCVImageBufferColorPrimaries_ITU_R_709_2),
                 noErr);
    CHECK_STATUS(VTSessionSetProperty(s, kVTCompressionPropertyKey_TransferFunction,
                                      kCVImageBufferTransferFunction_ITU_R_709_2),
                 noErr);
    CHECK_STATUS(VTSessionSetProperty(s, kVTCompressionPropertyKey_YCbCrMatrix,
                                      kCVImageBufferYCbCrMatrix_ITU_R_709_2),
                 noErr);
    CFNumberRef h = cs_num_i32(4), v = cs_num_i32(3);
    const void *k[2] = {kCMFormatDescriptionKey_PixelAspectRatioHorizontalSpacing,
                        kCMFormatDescriptionKey_PixelAspectRatioVerticalSpacing};
    const void *vals[2] = {h, v};
    CFDictionaryRef par = CFDictionaryCreate(NULL, k, vals, 2, &kCFTypeDictionaryKeyCallBacks,
                                             &kCFTypeDictionaryValueCallBacks);
    CHECK_STATUS(VTSessionSetProperty(s, kVTCompressionPropertyKey_PixelAspectRatio, par), noErr);
    CFRelease(par);
    CFRelease(h);
    CFRelease(v);
}

static void setup_high_cabac(VTCompressionSessionRef s) {
    CHECK_STATUS(VTSessionSetProperty(s, kVTCompressionPropertyKey_ProfileLevel,
                                      kVTProfileLevel_H264_High_4_0),
                 noErr);
    CHECK_STATUS(VTSessionSetProperty(s, kVTCompressionPropertyKey_H264EntropyMode,
                                      kVTH264EntropyMode_CABAC),
                 noErr);
}

static void setup_cbaseline(VTCompressionSessionRef s) {
    CHECK_STATUS(VTSessionSetProperty(s, kVTCompressionPropertyKey_ProfileLevel,
                                      kVTProfileLevel_H264_ConstrainedBaseline_AutoLevel),
                 noErr);
}

static void setup_chigh(VTCompressionSessionRef s) {
    CHECK_STATUS(VTSessionSetProperty(s, kVTCompressionPropertyKey_ProfileLevel,
                                      kVTProfileLevel_H264_ConstrainedHigh_AutoLevel),
                 noErr);
}

static void setup_keyint(VTCompressionSessionRef s) {
    CHECK_STATUS(cs_set_i32(s, kVTCompressionPropertyKey_MaxKeyFrameInterval, 30), noErr);
}

static void test_headers(void) {
    Encoded e =
        encode_file("main_cavlc", 320, 240, 0, 320, 240, 30, NULL, NULL, setup_main_cavlc, 0);
    check_decode(&e, 320, 240);
    Trace t = trace(e.h264);
    CHECK(trace_count(&t, "profile_idc", 77) >= 1);
    CHECK(trace_count(&t, "profile_idc", -1) == trace_count(&t, "profile_idc", 77));
    CHECK(trace_count(&t, "level_idc", 31) >= 1);
    CHECK(trace_count(&t, "entropy_coding_mode_flag", 0) >= 1);
    CHECK(trace_count(&t, "entropy_coding_mode_flag", 1) == 0);
    CHECK(trace_count(&t, "slice_type", 1) + trace_count(&t, "slice_type", 6) == 0);
    CHECK(trace_count(&t, "max_num_reorder_frames", -1) ==
          trace_count(&t, "max_num_reorder_frames", 0));
    CHECK(trace_count(&t, "colour_primaries", 1) >= 1);
    CHECK(trace_count(&t, "transfer_characteristics", 1) >= 1);
    CHECK(trace_count(&t, "matrix_coefficients", 1) >= 1);
    CHECK(trace_count(&t, "sar_width", 4) >= 1 || trace_count(&t, "aspect_ratio_idc", 14) >= 1);
    free(t.text);

    e = encode_file("high_cabac", 320, 240, 0, 320, 240, 30, NULL, NULL, setup_high_cabac, 0);
    check_decode(&e, 320, 240);
    t = trace(e.h264);
    CHECK(trace_count(&t, "profile_idc", 100) >= 1);
    CHECK(trace_count(&t, "level_idc", 40) >= 1);
    CHECK(trace_count(&t, "entropy_coding_mode_flag", 1) >= 1);
    CHECK(trace_count(&t, "slice_type", 1) + trace_count(&t, "slice_type", 6) > 0);
    free(t.text);

    e = encode_file("cbaseline", 320, 240, 0, 320, 240, 20, NULL, NULL, setup_cbaseline, 0);
    check_decode(&e, 320, 240);
    t = trace(e.h264);
    CHECK(trace_count(&t, "profile_idc", 66) >= 1);
    CHECK(trace_count(&t, "constraint_set0_flag", 1) >= 1);
    CHECK(trace_count(&t, "constraint_set1_flag", 1) >= 1);
    CHECK(trace_count(&t, "entropy_coding_mode_flag", 1) == 0);
    free(t.text);

    e = encode_file("chigh", 320, 240, 0, 320, 240, 20, NULL, NULL, setup_chigh, 0);
    check_decode(&e, 320, 240);
    t = trace(e.h264);
    CHECK(trace_count(&t, "profile_idc", 100) >= 1);
    CHECK(trace_count(&t, "constraint_set4_flag", 1) >= 1);
    CHECK(trace_count(&t, "constraint_set5_flag", 1) >= 1);
    CHECK(trace_count(&t, "slice_type", 1) + trace_count(&t, "slice_type", 6) == 0);
    free(t.text);

    e = encode_file("keyint", 320, 240, 0, 320, 240, 90, NULL, NULL, setup_keyint, 0);
    check_decode(&e, 320, 240);
    t = trace(e.h264);
    /* one slice per picture here: three IDR pictures */
    CHECK_EQ_INT(trace_count(&t, "nal_unit_type", 5), 3);
    free(t.text);

    /* even size, not a multiple of 16: cropped in the SPS to exactly that
     * size (also from an odd source, scaled); an odd session is refused */
    e = encode_file("crop", 322, 242, 0, 322, 242, 10, NULL, NULL, NULL, 0);
    check_decode(&e, 322, 242);
    t = trace(e.h264);
    CHECK(trace_count(&t, "frame_cropping_flag", 1) >= 1);
    CHECK(trace_count(&t, "frame_cropping_flag", 0) == 0);
    CHECK(trace_count(&t, "frame_crop_left_offset", 0) >= 1);
    CHECK(trace_count(&t, "frame_crop_right_offset", 7) >= 1);
    CHECK(trace_count(&t, "frame_crop_top_offset", 0) >= 1);
    CHECK(trace_count(&t, "frame_crop_bottom_offset", 7) >= 1);
    free(t.text);
    e = encode_file("crop_oddsrc", 322, 242, FOURCC_I420, 321, 241, 10, NULL, NULL, NULL, 0);
    check_decode(&e, 322, 242);
    {
        VTCompressionSessionRef s = (VTCompressionSessionRef)CFSTR("x");
        CHECK_STATUS(VTCompressionSessionCreate(NULL, 321, 241, CODEC_H264, NULL, NULL, NULL,
                                                cs_output_cb, NULL, &s),
                     kVTParameterErr);
        CHECK(s == NULL);
    }

    /* full range from the pool format */
    {
        CFNumberRef n = cs_num_i32((int32_t)FOURCC_NV12_FR);
        const void *k[1] = {kCVPixelBufferPixelFormatTypeKey}, *v[1] = {n};
        CFDictionaryRef a = CFDictionaryCreate(NULL, k, v, 1, &kCFTypeDictionaryKeyCallBacks,
                                               &kCFTypeDictionaryValueCallBacks);
        e = encode_file("fullrange", 320, 240, 0, 320, 240, 10, NULL, a, NULL, 0);
        check_decode(&e, 320, 240);
        t = trace(e.h264);
        CHECK(trace_count(&t, "video_full_range_flag", 1) >= 1);
        free(t.text);
        CFRelease(a);
        CFRelease(n);
    }
}

int main(void) {
    if (!have_tool("ffmpeg") || !have_tool("ffprobe"))
        VT_TEST_SKIP("ffmpeg/ffprobe not installed: the output cannot be judged");
    snprintf(g_dir, sizeof(g_dir), "/tmp/vtcore-cs-XXXXXX");
    if (!mkdtemp(g_dir))
        VT_TEST_SKIP("cannot create a temporary directory");
    test_quality_and_rate();
    test_headers();
    const char *keep = getenv("VTCORE_KEEP_TEST_FILES");
    if (keep && *keep && strcmp(keep, "0") != 0) {
        printf("files kept in %s\n", g_dir);
    } else {
        char cmd[400];
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", g_dir);
        if (system(cmd) != 0)
            fprintf(stderr, "could not remove %s\n", g_dir);
    }
    return vt_test_result();
}
