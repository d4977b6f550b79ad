/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Benchmark helper (issue 8, items 5 and 6; not a test): encodes the same
 * raw I420 frames either through a VTCompressionSession (the x264 encoder
 * of vtcore) or by calling x264 directly with the parameters vtcore's
 * mapping (vtcore/src/encoder/x264.c, map_config) gives for the same recipe,
 * and prints what it measured as one line of key=value pairs.
 * tests/bench/bench.py runs it many times, interleaving the two modes, and
 * checks (LD_PRELOAD=libx264_param_log.so) that x264 got identical settings.
 *
 *   bench_encode_api --mode vt|x264 --input FILE --width W --height H
 *                    [--frames N] [--recipe R] [--bitrate KBPS] [--pace FPS]
 *                    [--out FILE.264] [--no-prepare]
 *
 * Recipes (the VideoToolbox properties set; what vtcore makes of them):
 *   medium       AverageBitRate                 -> preset medium
 *   veryfast     + RealTime                     -> preset veryfast
 *   medium-zl    + MaxFrameDelayCount 0         -> medium, tune zerolatency
 *   veryfast-zl  + RealTime, AllowFrameReordering false
 *                                               -> veryfast, tune zerolatency
 * Every recipe also sets ExpectedFrameRate 30 and the x264 EncoderID.
 * There is no recipe for ultrafast or a thread count: vtcore has no property
 * that selects them (see docs/measurements.md).
 *
 * Frames are read once (the file is mapped and pre-faulted, /dev/shm) and
 * wrapped without copying (CVPixelBufferCreateWithPlanarBytes / x264 picture
 * planes). The encoder is opened before the clock starts
 * (VTCompressionSessionPrepareToEncodeFrames; --no-prepare leaves the open to
 * the first frame, inside the clock); the clock stops after the flush. With --pace, frame i is
 * submitted no earlier than i/FPS s after the first (a live source) so the per-frame latency is the
 * encoder's.
 * --frames larger than the file loops over its frames.
 *
 * Keys: mode, frames_in, frames_out, bytes, ms, fps, cpu_run_ms (CPU time of
 * all threads while the clock ran), maxrss_kb (peak RSS of the process),
 * delay_frames (frames submitted before the first output came back, minus
 * one), lat_med_ms / lat_max_ms (submit -> output of the same frame).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <x264.h>

#include <CoreFoundation/CoreFoundation.h>
#include <CoreMedia/CoreMedia.h>
#include <CoreVideo/CoreVideo.h>
#include <VideoToolbox/VideoToolbox.h>

#define TIMESCALE 90000 /* what vtcore counts in for a 1/30 s time base */
#define FPS       30

typedef struct Options {
    const char *mode;
    const char *input;
    const char *recipe;
    const char *out;
    int width, height;
    int frames;
    int bitrate_kbps;
    double pace;
    int prepare; /* call VTCompressionSessionPrepareToEncodeFrames (default) */
} Options;

typedef struct Recipe {
    const char *name;
    const char *preset;
    int zerolatency;
    int realtime;
    int allow_reordering;
    int max_frame_delay; /* -1 = unset */
} Recipe;

static const Recipe recipes[] = {
    {"medium", "medium", 0, 0, 1, -1},
    {"veryfast", "veryfast", 0, 1, 1, -1},
    {"medium-zl", "medium", 1, 0, 1, 0},
    {"veryfast-zl", "veryfast", 1, 1, 0, -1},
};

typedef struct Run {
    int frames_in;
    int frames_out;
    uint64_t bytes;
    double *t_in; /* submit time per input index */
    double *lat;  /* per output */
    int n_lat;
    int first_out_in; /* frames_in when the first output arrived, -1 */
    FILE *out;
    int failed;
    uint8_t *scratch;
    size_t scratch_cap;
} Run;

static double now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec * 1e-6;
}

/* User + system CPU time of the whole process (all threads), ms. */
static double cpu_ms(void) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec * 1e3 + (double)ru.ru_utime.tv_usec * 1e-3 +
           (double)ru.ru_stime.tv_sec * 1e3 + (double)ru.ru_stime.tv_usec * 1e-3;
}

static void sleep_until_ms(double t) {
    double d = t - now_ms();
    if (d <= 0)
        return;
    struct timespec ts;
    ts.tv_sec = (time_t)(d / 1e3);
    ts.tv_nsec = (long)((d - (double)ts.tv_sec * 1e3) * 1e6);
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Writes an AVCC access unit (4-byte lengths) as Annex B, with SPS and PPS
 * in front of IDR pictures. */
static void write_annexb(Run *r, const uint8_t *p, size_t n, const uint8_t *sps, size_t sps_n,
                         const uint8_t *pps, size_t pps_n) {
    static const uint8_t sc[4] = {0, 0, 0, 1};
    int idr = 0;
    for (size_t o = 0; o + 4 <= n;) {
        size_t len =
            ((size_t)p[o] << 24) | ((size_t)p[o + 1] << 16) | ((size_t)p[o + 2] << 8) | p[o + 3];
        if (o + 4 + len > n || len == 0)
            break;
        if ((p[o + 4] & 0x1f) == 5)
            idr = 1;
        o += 4 + len;
    }
    if (idr && sps && pps) {
        fwrite(sc, 1, 4, r->out);
        fwrite(sps, 1, sps_n, r->out);
        fwrite(sc, 1, 4, r->out);
        fwrite(pps, 1, pps_n, r->out);
    }
    for (size_t o = 0; o + 4 <= n;) {
        size_t len =
            ((size_t)p[o] << 24) | ((size_t)p[o + 1] << 16) | ((size_t)p[o + 2] << 8) | p[o + 3];
        if (o + 4 + len > n || len == 0)
            break;
        fwrite(sc, 1, 4, r->out);
        fwrite(p + o + 4, 1, len, r->out);
        o += 4 + len;
    }
}

static void record_output(Run *r, int index, size_t bytes) {
    double t = now_ms();
    if (r->first_out_in < 0)
        r->first_out_in = r->frames_in;
    r->frames_out++;
    r->bytes += bytes;
    if (index >= 0 && index < r->frames_in)
        r->lat[r->n_lat++] = t - r->t_in[index];
}

/* ---- vtcore session ---------------------------------------------------- */

static void vt_output(void *refcon, void *frame_refcon, OSStatus status, VTEncodeInfoFlags flags,
                      CMSampleBufferRef sb) {
    Run *r = refcon;
    int index = (int)(intptr_t)frame_refcon;
    if (status != noErr || !sb) {
        if (!(flags & kVTEncodeInfo_FrameDropped))
            r->failed = 1;
        return;
    }
    CMBlockBufferRef bb = CMSampleBufferGetDataBuffer(sb);
    size_t total = 0;
    char *data = NULL;
    if (CMBlockBufferGetDataPointer(bb, 0, NULL, &total, &data) != 0) {
        r->failed = 1;
        return;
    }
    record_output(r, index, total);
    if (r->out) {
        const uint8_t *sps = NULL, *pps = NULL;
        size_t sps_n = 0, pps_n = 0;
        CMFormatDescriptionRef fd = CMSampleBufferGetFormatDescription(sb);
        CMVideoFormatDescriptionGetH264ParameterSetAtIndex(fd, 0, &sps, &sps_n, NULL, NULL);
        CMVideoFormatDescriptionGetH264ParameterSetAtIndex(fd, 1, &pps, &pps_n, NULL, NULL);
        write_annexb(r, (const uint8_t *)data, total, sps, sps_n, pps, pps_n);
    }
}

static int set_num(VTCompressionSessionRef s, CFStringRef key, CFNumberType type,
                   const void *value) {
    CFNumberRef n = CFNumberCreate(NULL, type, value);
    OSStatus st = n ? VTSessionSetProperty(s, key, n) : kVTAllocationFailedErr;
    if (n)
        CFRelease(n);
    return st == noErr;
}

static int run_vt(const Options *o, const Recipe *rc, const uint8_t *frames, int file_frames,
                  Run *r, double *ms_out, double *cpu_out) {
    const void *spec_keys[1] = {kVTVideoEncoderSpecification_EncoderID};
    const void *spec_vals[1] = {CFSTR("org.vtcore.x264.h264")};
    CFDictionaryRef spec =
        CFDictionaryCreate(NULL, spec_keys, spec_vals, 1, &kCFTypeDictionaryKeyCallBacks,
                           &kCFTypeDictionaryValueCallBacks);
    VTCompressionSessionRef s = NULL;
    OSStatus st = VTCompressionSessionCreate(NULL, o->width, o->height, kCMVideoCodecType_H264,
                                             spec, NULL, NULL, vt_output, r, &s);
    CFRelease(spec);
    if (st != noErr) {
        fprintf(stderr, "VTCompressionSessionCreate: %d\n", (int)st);
        return 1;
    }
    int32_t bps = o->bitrate_kbps * 1000;
    double fps = FPS;
    int ok = set_num(s, kVTCompressionPropertyKey_AverageBitRate, kCFNumberSInt32Type, &bps) &&
             set_num(s, kVTCompressionPropertyKey_ExpectedFrameRate, kCFNumberDoubleType, &fps);
    if (ok && rc->realtime)
        ok = VTSessionSetProperty(s, kVTCompressionPropertyKey_RealTime, kCFBooleanTrue) == noErr;
    if (ok && !rc->allow_reordering)
        ok = VTSessionSetProperty(s, kVTCompressionPropertyKey_AllowFrameReordering,
                                  kCFBooleanFalse) == noErr;
    if (ok && rc->max_frame_delay >= 0) {
        int32_t d = rc->max_frame_delay;
        ok = set_num(s, kVTCompressionPropertyKey_MaxFrameDelayCount, kCFNumberSInt32Type, &d);
    }
    if (!ok || (o->prepare && VTCompressionSessionPrepareToEncodeFrames(s) != noErr)) {
        fprintf(stderr, "could not configure the session\n");
        return 1;
    }
    size_t ysize = (size_t)o->width * (size_t)o->height;
    size_t csize = ysize / 4, fsize = ysize + 2 * csize;
    size_t pw[3] = {(size_t)o->width, (size_t)o->width / 2, (size_t)o->width / 2};
    size_t ph[3] = {(size_t)o->height, (size_t)o->height / 2, (size_t)o->height / 2};
    size_t bpr[3] = {(size_t)o->width, (size_t)o->width / 2, (size_t)o->width / 2};

    double c0 = cpu_ms();
    double t0 = now_ms();
    for (int i = 0; i < o->frames && !r->failed; i++) {
        if (o->pace > 0)
            sleep_until_ms(t0 + (double)i * 1e3 / o->pace);
        uint8_t *f = (uint8_t *)(uintptr_t)(frames + (size_t)(i % file_frames) * fsize);
        void *planes[3] = {f, f + ysize, f + ysize + csize};
        CVPixelBufferRef pb = NULL;
        if (CVPixelBufferCreateWithPlanarBytes(NULL, (size_t)o->width, (size_t)o->height,
                                               kCVPixelFormatType_420YpCbCr8Planar, f, fsize, 3,
                                               planes, pw, ph, bpr, NULL, NULL, NULL, &pb) != 0) {
            fprintf(stderr, "CVPixelBufferCreateWithPlanarBytes failed\n");
            return 1;
        }
        r->t_in[i] = now_ms();
        r->frames_in++;
        st = VTCompressionSessionEncodeFrame(s, pb, CMTimeMake(i, FPS), CMTimeMake(1, FPS), NULL,
                                             (void *)(intptr_t)i, NULL);
        CVPixelBufferRelease(pb);
        if (st != noErr) {
            fprintf(stderr, "EncodeFrame %d: %d\n", i, (int)st);
            return 1;
        }
    }
    st = VTCompressionSessionCompleteFrames(s, kCMTimeInvalid);
    *ms_out = now_ms() - t0;
    *cpu_out = cpu_ms() - c0;
    VTCompressionSessionInvalidate(s);
    CFRelease(s);
    return st != noErr || r->failed;
}

/* ---- x264 directly ------------------------------------------------------ */

/* The parameters vtcore/src/encoder/x264.c (map_config) derives from the
 * recipe: keep in step with it; bench.py compares the two with the
 * x264_param_log shim and reports any difference. */
static int map_params(const Options *o, const Recipe *rc, x264_param_t *p) {
    if (x264_param_default_preset(p, rc->preset, rc->zerolatency ? "zerolatency" : NULL) < 0)
        return 0;
    p->i_width = o->width;
    p->i_height = o->height;
    p->i_csp = X264_CSP_I420;
    p->i_bitdepth = 8;
    p->i_threads = X264_THREADS_AUTO;
    p->i_log_level = X264_LOG_WARNING;
    p->b_annexb = 0;
    p->b_repeat_headers = 0;
    p->b_aud = 0;
    p->i_fps_num = FPS;
    p->i_fps_den = 1;
    p->i_timebase_num = 1;
    p->i_timebase_den = TIMESCALE;
    p->b_vfr_input = 0; /* every recipe sets ExpectedFrameRate: CFR input */
    p->i_keyint_max = X264_KEYINT_MAX_INFINITE;
    p->b_intra_refresh = 0;
    p->i_scenecut_threshold = 0;
    if (!rc->allow_reordering)
        p->i_bframe = 0;
    p->b_open_gop = 0;
    p->rc.i_rc_method = X264_RC_ABR;
    p->rc.i_bitrate = o->bitrate_kbps;
    p->rc.i_vbv_max_bitrate = o->bitrate_kbps;
    p->rc.i_vbv_buffer_size = o->bitrate_kbps * (rc->zerolatency ? 1 : 2);
    p->vui.b_fullrange = 0;
    return 1;
}

static void x264_emit(Run *r, x264_nal_t *nals, int n, const x264_picture_t *pic,
                      const uint8_t *sps, size_t sps_n, const uint8_t *pps, size_t pps_n) {
    size_t total = 0;
    for (int i = 0; i < n; i++)
        total += (size_t)nals[i].i_payload;
    record_output(r, (int)(intptr_t)pic->opaque, total);
    if (r->out && n > 0)
        write_annexb(r, nals[0].p_payload, total, sps, sps_n, pps, pps_n);
}

static int run_x264(const Options *o, const Recipe *rc, const uint8_t *frames, int file_frames,
                    Run *r, double *ms_out, double *cpu_out) {
    x264_param_t p;
    if (!map_params(o, rc, &p)) {
        fprintf(stderr, "x264_param_default_preset failed\n");
        return 1;
    }
    x264_t *h = x264_encoder_open(&p);
    if (!h) {
        fprintf(stderr, "x264_encoder_open failed\n");
        return 1;
    }
    /* parameter sets for the Annex B copy (4-byte length prefixes) */
    uint8_t sps[256], pps[256];
    size_t sps_n = 0, pps_n = 0;
    x264_nal_t *hn = NULL;
    int hcount = 0;
    if (x264_encoder_headers(h, &hn, &hcount) >= 0) {
        for (int i = 0; i < hcount; i++) {
            size_t len = (size_t)hn[i].i_payload - 4;
            if (hn[i].i_type == NAL_SPS && len <= sizeof(sps)) {
                memcpy(sps, hn[i].p_payload + 4, len);
                sps_n = len;
            } else if (hn[i].i_type == NAL_PPS && len <= sizeof(pps)) {
                memcpy(pps, hn[i].p_payload + 4, len);
                pps_n = len;
            }
        }
    }
    size_t ysize = (size_t)o->width * (size_t)o->height;
    size_t csize = ysize / 4, fsize = ysize + 2 * csize;
    x264_nal_t *nals = NULL;
    int n = 0;
    x264_picture_t pic, out;

    double c0 = cpu_ms();
    double t0 = now_ms();
    for (int i = 0; i < o->frames; i++) {
        if (o->pace > 0)
            sleep_until_ms(t0 + (double)i * 1e3 / o->pace);
        uint8_t *f = (uint8_t *)(uintptr_t)(frames + (size_t)(i % file_frames) * fsize);
        x264_picture_init(&pic);
        pic.img.i_csp = X264_CSP_I420;
        pic.img.i_plane = 3;
        pic.img.plane[0] = f;
        pic.img.plane[1] = f + ysize;
        pic.img.plane[2] = f + ysize + csize;
        pic.img.i_stride[0] = o->width;
        pic.img.i_stride[1] = pic.img.i_stride[2] = o->width / 2;
        pic.i_pts = (int64_t)i * (TIMESCALE / FPS);
        pic.opaque = (void *)(intptr_t)i;
        if (i == 0)
            pic.i_type = X264_TYPE_IDR; /* vtcore forces the first key frame */
        r->t_in[i] = now_ms();
        r->frames_in++;
        int rcode = x264_encoder_encode(h, &nals, &n, &pic, &out);
        if (rcode < 0) {
            fprintf(stderr, "x264_encoder_encode failed\n");
            return 1;
        }
        if (rcode > 0)
            x264_emit(r, nals, n, &out, sps, sps_n, pps, pps_n);
    }
    while (x264_encoder_delayed_frames(h) > 0) {
        int rcode = x264_encoder_encode(h, &nals, &n, NULL, &out);
        if (rcode < 0)
            return 1;
        if (rcode > 0)
            x264_emit(r, nals, n, &out, sps, sps_n, pps, pps_n);
    }
    *ms_out = now_ms() - t0;
    *cpu_out = cpu_ms() - c0;
    x264_encoder_close(h);
    return 0;
}

/* ------------------------------------------------------------------------ */

static void usage(void) {
    fprintf(stderr, "usage: bench_encode_api --mode vt|x264 --input FILE --width W --height H "
                    "[--frames N] [--recipe medium|veryfast|medium-zl|veryfast-zl] "
                    "[--bitrate KBPS] [--pace FPS] [--out FILE] [--no-prepare]\n");
}

int main(int argc, char **argv) {
    Options o = {.recipe = "veryfast", .bitrate_kbps = 4000, .prepare = 1};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--no-prepare")) {
            o.prepare = 0;
            continue;
        }
        if (!v) {
            usage();
            return 2;
        }
        if (!strcmp(a, "--mode"))
            o.mode = v;
        else if (!strcmp(a, "--input"))
            o.input = v;
        else if (!strcmp(a, "--recipe"))
            o.recipe = v;
        else if (!strcmp(a, "--out"))
            o.out = v;
        else if (!strcmp(a, "--width"))
            o.width = atoi(v);
        else if (!strcmp(a, "--height"))
            o.height = atoi(v);
        else if (!strcmp(a, "--frames"))
            o.frames = atoi(v);
        else if (!strcmp(a, "--bitrate"))
            o.bitrate_kbps = atoi(v);
        else if (!strcmp(a, "--pace"))
            o.pace = atof(v);
        else {
            usage();
            return 2;
        }
        i++;
    }
    const Recipe *rc = NULL;
    for (size_t i = 0; i < sizeof(recipes) / sizeof(recipes[0]); i++)
        if (o.recipe && !strcmp(o.recipe, recipes[i].name))
            rc = &recipes[i];
    if (!o.mode || !o.input || !rc || o.width <= 0 || o.height <= 0 || (o.width | o.height) & 1 ||
        o.bitrate_kbps <= 0) {
        usage();
        return 2;
    }

    int fd = open(o.input, O_RDONLY);
    struct stat stt;
    if (fd < 0 || fstat(fd, &stt) != 0) {
        perror(o.input);
        return 2;
    }
    size_t fsize = (size_t)o.width * (size_t)o.height * 3 / 2;
    int file_frames = (int)((size_t)stt.st_size / fsize);
    if (file_frames < 1) {
        fprintf(stderr, "%s: not even one %dx%d I420 frame\n", o.input, o.width, o.height);
        return 2;
    }
    if (o.frames <= 0)
        o.frames = file_frames;
    /* only the frames the run uses: the mapped, pre-faulted frames count in
     * the process's RSS (the same for both modes) */
    if (file_frames > o.frames)
        file_frames = o.frames;
    const uint8_t *frames = mmap(NULL, (size_t)file_frames * fsize, PROT_READ, MAP_SHARED, fd, 0);
    close(fd);
    if (frames == MAP_FAILED) {
        perror("mmap");
        return 2;
    }
    volatile uint8_t sink = 0; /* fault every page in before the clock starts */
    for (size_t i = 0; i < (size_t)file_frames * fsize; i += 4096)
        sink ^= frames[i];
    (void)sink;

    Run r;
    memset(&r, 0, sizeof(r));
    r.first_out_in = -1;
    r.t_in = calloc((size_t)o.frames, sizeof(double));
    r.lat = calloc((size_t)o.frames, sizeof(double));
    if (!r.t_in || !r.lat)
        return 2;
    if (o.out && !(r.out = fopen(o.out, "wb"))) {
        perror(o.out);
        return 2;
    }
    double ms = 0, cpu_run = 0;
    int bad;
    if (!strcmp(o.mode, "vt"))
        bad = run_vt(&o, rc, frames, file_frames, &r, &ms, &cpu_run);
    else if (!strcmp(o.mode, "x264"))
        bad = run_x264(&o, rc, frames, file_frames, &r, &ms, &cpu_run);
    else {
        usage();
        return 2;
    }
    if (r.out)
        fclose(r.out);

    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double med = 0, max = 0;
    if (r.n_lat) {
        qsort(r.lat, (size_t)r.n_lat, sizeof(double), cmp_double);
        med =
            r.n_lat % 2 ? r.lat[r.n_lat / 2] : 0.5 * (r.lat[r.n_lat / 2 - 1] + r.lat[r.n_lat / 2]);
        max = r.lat[r.n_lat - 1];
    }
    printf("mode=%s recipe=%s frames_in=%d frames_out=%d bytes=%llu ms=%.3f fps=%.2f "
           "cpu_run_ms=%.1f maxrss_kb=%ld delay_frames=%d lat_med_ms=%.3f lat_max_ms=%.3f\n",
           o.mode, rc->name, r.frames_in, r.frames_out, (unsigned long long)r.bytes, ms,
           ms > 0 ? r.frames_out * 1e3 / ms : 0.0, cpu_run, ru.ru_maxrss,
           r.first_out_in < 0 ? -1 : r.first_out_in - 1, med, max);
    free(r.t_in);
    free(r.lat);
    munmap((void *)(uintptr_t)frames, (size_t)file_frames * fsize);
    return bad ? 1 : 0;
}
