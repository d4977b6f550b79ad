/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Acceptance of the multi-pass issue: a 300-frame clip whose difficulty
 * changes (easy, hard, medium thirds) encoded with a target AverageBitRate
 *   - in one pass, and
 *   - in two passes (VTMultiPassStorage + BeginPass/EndPass, the output of
 *     each pass kept in a VTFrameSilo, the final stream read back from it).
 * Both streams are decoded with libavcodec and compared with the source.
 * Passes when the two-pass stream lands closer to the target bit rate, and
 * its PSNR is at least the one-pass PSNR at the same size (the one-pass
 * curve interpolated at the two-pass size from encodes bracketing it).
 * Runs at 400 and 250 kbit/s; prints every measurement. Exits 77 while the session cannot
 * multi-pass.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libavcodec/avcodec.h>
#include <libavutil/frame.h>

#include "mp_test_util.h"

#define W 320
#define H 240
#define N 300

static MPCollector g_out;

typedef struct Result {
    double kbps;
    double psnr;      /* luma PSNR of the clip (from its total squared error), dB */
    double psnr_mean; /* mean of the frames' luma PSNRs, dB (reported only) */
    int frames;
} Result;

typedef struct Errors {
    double se;       /* squared error, all frames */
    double psnr_sum; /* sum of the frames' PSNRs */
} Errors;

/* ---- decoding and measuring ---- */

static size_t append(uint8_t **buf, size_t *len, size_t *cap, const uint8_t *p, size_t n) {
    if (*len + n + 4 > *cap) {
        size_t nc = (*cap + n + 4) * 2;
        uint8_t *nb = realloc(*buf, nc);
        if (!nb)
            return 0;
        *buf = nb;
        *cap = nc;
    }
    memcpy(*buf + *len, "\0\0\0\1", 4);
    memcpy(*buf + *len + 4, p, n);
    *len += n + 4;
    return n + 4;
}

static double psnr_of(double se, double pixels) {
    double mse = se / pixels;
    return mse < 1e-10 ? 99.0 : 10.0 * log10(255.0 * 255.0 / mse);
}

/* Squared luma error of decoded frame f against source frame `index`. */
static double frame_se(const AVFrame *f, int index) {
    double se = 0;
    for (int y = 0; y < H; y++) {
        const uint8_t *row = f->data[0] + (size_t)y * (size_t)f->linesize[0];
        for (int x = 0; x < W; x++) {
            double d = (double)row[x] - (double)mp_luma(index, N, x, y);
            se += d * d;
        }
    }
    return se;
}

static void receive_all(AVCodecContext *ctx, AVFrame *fr, Result *r, Errors *e) {
    while (avcodec_receive_frame(ctx, fr) == 0) {
        if (fr->width == W && fr->height == H && r->frames < N) {
            double se = frame_se(fr, r->frames);
            e->se += se;
            e->psnr_sum += psnr_of(se, (double)(W * H));
        }
        r->frames++;
        av_frame_unref(fr);
    }
}

/* Decodes samples (decode order, AVCC) and measures them against the
 * source. Returns FALSE when the stream does not decode. */
static Boolean measure(CMSampleBufferRef *samples, int count, Result *r) {
    const AVCodec *codec = avcodec_find_decoder(AV_CODEC_ID_H264);
    AVCodecContext *ctx = codec ? avcodec_alloc_context3(codec) : NULL;
    AVPacket *pkt = av_packet_alloc();
    AVFrame *fr = av_frame_alloc();
    uint8_t *buf = NULL, *raw = NULL;
    size_t cap = 0, raw_cap = 0, total = 0;
    Errors err = {0, 0};
    Boolean ok = ctx && pkt && fr && avcodec_open2(ctx, codec, NULL) == 0;
    memset(r, 0, sizeof(*r));
    for (int i = 0; ok && i < count; i++) {
        CMSampleBufferRef sb = samples[i];
        CMFormatDescriptionRef fd = CMSampleBufferGetFormatDescription(sb);
        CMBlockBufferRef bb = CMSampleBufferGetDataBuffer(sb);
        size_t n = bb ? CMBlockBufferGetDataLength(bb) : 0, len = 0, sets = 0;
        total += n;
        if (n > raw_cap) {
            free(raw);
            raw_cap = n;
            raw = malloc(n);
        }
        if (!raw || CMBlockBufferCopyDataBytes(bb, 0, n, raw) != kCMBlockBufferNoErr) {
            ok = FALSE;
            break;
        }
        /* parameter sets in front of every sync sample */
        CFArrayRef a = CMSampleBufferGetSampleAttachmentsArray(sb, FALSE);
        CFDictionaryRef d = a && CFArrayGetCount(a) ? CFArrayGetValueAtIndex(a, 0) : NULL;
        if (!d || !CFDictionaryGetValue(d, kCMSampleAttachmentKey_NotSync)) {
            if (CMVideoFormatDescriptionGetH264ParameterSetAtIndex(fd, 0, NULL, NULL, &sets,
                                                                   NULL) != noErr)
                sets = 0;
            for (size_t k = 0; k < sets; k++) {
                const uint8_t *p;
                size_t ps;
                if (CMVideoFormatDescriptionGetH264ParameterSetAtIndex(fd, k, &p, &ps, NULL,
                                                                       NULL) == noErr)
                    append(&buf, &len, &cap, p, ps);
            }
        }
        for (size_t off = 0; off + 4 <= n;) {
            size_t nal = ((size_t)raw[off] << 24) | ((size_t)raw[off + 1] << 16) |
                         ((size_t)raw[off + 2] << 8) | raw[off + 3];
            if (nal == 0 || off + 4 + nal > n) {
                ok = FALSE;
                break;
            }
            append(&buf, &len, &cap, raw + off + 4, nal);
            off += 4 + nal;
        }
        if (!ok || av_new_packet(pkt, (int)len) < 0) {
            ok = FALSE;
            break;
        }
        memcpy(pkt->data, buf, len);
        ok = avcodec_send_packet(ctx, pkt) == 0;
        av_packet_unref(pkt);
        receive_all(ctx, fr, r, &err);
    }
    if (ok && avcodec_send_packet(ctx, NULL) == 0)
        receive_all(ctx, fr, r, &err);
    r->kbps = (double)total * 8.0 / ((double)N / 30.0) / 1000.0;
    if (r->frames > 0) {
        int n = r->frames < N ? r->frames : N;
        r->psnr = psnr_of(err.se, (double)W * H * n);
        r->psnr_mean = err.psnr_sum / n;
    }
    free(buf);
    free(raw);
    av_frame_free(&fr);
    av_packet_free(&pkt);
    avcodec_free_context(&ctx);
    return ok && r->frames == N;
}

/* ---- encodes ---- */

static Boolean encode_one_pass(int bitrate, Result *r) {
    VTCompressionSessionRef s = mp_session(W, H, bitrate, NULL, &g_out);
    Boolean ok;
    CHECK_STATUS(mp_encode(s, 0, N, N, W, H), noErr);
    CHECK_STATUS(VTCompressionSessionCompleteFrames(s, kCMTimeInvalid), noErr);
    ok = measure(g_out.samples, g_out.count, r);
    CHECK_MSG(ok, "1-pass stream at %d bit/s does not decode", bitrate);
    VTCompressionSessionInvalidate(s);
    CFRelease(s);
    mp_collector_reset(&g_out);
    return ok;
}

typedef struct SiloGather {
    CMSampleBufferRef samples[MP_MAX_SAMPLES];
    int count;
} SiloGather;

static OSStatus gather(void *refcon, CMSampleBufferRef sb) {
    SiloGather *g = refcon;
    if (g->count >= MP_MAX_SAMPLES)
        return -1;
    g->samples[g->count++] = (CMSampleBufferRef)CFRetain(sb);
    return noErr;
}

static Boolean encode_two_pass(int bitrate, Result *r) {
    CMTimeRange clip = CMTimeRangeMake(kCMTimeZero, CMTimeMake(N, 30));
    VTMultiPassStorageRef storage = NULL;
    VTFrameSiloRef silo = NULL;
    CMItemCount count = 0;
    const CMTimeRange *ranges = NULL;
    Boolean further = FALSE, ok = FALSE;
    static SiloGather g;

    CHECK_STATUS(VTMultiPassStorageCreate(NULL, NULL, clip, NULL, &storage), noErr);
    CHECK_STATUS(VTFrameSiloCreate(NULL, NULL, clip, NULL, &silo), noErr);
    if (!storage || !silo)
        return FALSE;
    g_out.silo = silo;
    VTCompressionSessionRef s = mp_session(W, H, bitrate, storage, &g_out);
    OSStatus st = VTCompressionSessionBeginPass(s, 0, NULL);
    if (st == kVTPropertyNotSupportedErr)
        VT_TEST_SKIP("VTCompressionSessionBeginPass is not implemented yet");
    CHECK_STATUS(st, noErr);
    CHECK_STATUS(mp_encode(s, 0, N, N, W, H), noErr);
    CHECK_STATUS(VTCompressionSessionCompleteFrames(s, kCMTimeInvalid), noErr);
    CHECK_STATUS(VTCompressionSessionEndPass(s, &further, NULL), noErr);
    CHECK_MSG(further, "the encoder asked for no second pass");
    printf("pass 1: %d samples, %.1f kbit/s\n", g_out.count,
           (double)mp_collector_bytes(&g_out) * 8.0 / ((double)N / 30.0) / 1000.0);
    mp_collector_reset(&g_out);
    if (further) {
        CHECK_STATUS(VTCompressionSessionGetTimeRangesForNextPass(s, &count, &ranges), noErr);
        CHECK_STATUS(VTFrameSiloSetTimeRangesForNextPass(silo, count, ranges), noErr);
        CHECK_STATUS(VTCompressionSessionBeginPass(s, kVTCompressionSessionBeginFinalPass, NULL),
                     noErr);
        for (CMItemCount i = 0; i < count; i++) {
            int first = (int)ceil(CMTimeGetSeconds(ranges[i].start) * 30.0 - 1e-9);
            int last = (int)ceil(CMTimeGetSeconds(CMTimeRangeGetEnd(ranges[i])) * 30.0 - 1e-9);
            CHECK_STATUS(mp_encode(s, first, last, N, W, H), noErr);
        }
        CHECK_STATUS(VTCompressionSessionCompleteFrames(s, kCMTimeInvalid), noErr);
        CHECK_STATUS(VTCompressionSessionEndPass(s, NULL, NULL), noErr);
    }
    CHECK_STATUS(g_out.silo_status, noErr);
    mp_collector_reset(&g_out);
    g_out.silo = NULL;

    /* the final stream, from the silo */
    memset(&g, 0, sizeof(g));
    CHECK_STATUS(VTFrameSiloCallFunctionForEachSampleBuffer(silo, kCMTimeRangeInvalid, &g, gather),
                 noErr);
    CHECK_EQ_INT(g.count, N);
    ok = measure(g.samples, g.count, r);
    CHECK_MSG(ok, "2-pass stream does not decode");
    for (int i = 0; i < g.count; i++)
        CFRelease(g.samples[i]);

    VTCompressionSessionInvalidate(s);
    CFRelease(s);
    CHECK_STATUS(VTMultiPassStorageClose(storage), noErr);
    CFRelease(storage);
    CFRelease(silo);
    return ok;
}

/* PSNR of the one-pass curve at `kbps`, interpolated linearly in log rate
 * between the two points around it (pts sorted by rate). Returns FALSE when
 * kbps is outside the measured span. */
static Boolean psnr_at(const Result *pts, int n, double kbps, double *psnr) {
    for (int i = 0; i + 1 < n; i++) {
        if (pts[i].kbps <= kbps && kbps <= pts[i + 1].kbps) {
            double t = pts[i + 1].kbps > pts[i].kbps ? (log(kbps) - log(pts[i].kbps)) /
                                                           (log(pts[i + 1].kbps) - log(pts[i].kbps))
                                                     : 0.0;
            *psnr = pts[i].psnr + t * (pts[i + 1].psnr - pts[i].psnr);
            return TRUE;
        }
    }
    return FALSE;
}

static int cmp_rate(const void *a, const void *b) {
    double x = ((const Result *)a)->kbps, y = ((const Result *)b)->kbps;
    return x < y ? -1 : x > y;
}

/* One target: 1 pass vs 2 passes, then 1-pass encodes around the 2-pass
 * size for the PSNR comparison at the same size. */
static void compare_at(int target) {
    Result one, two, curve[8];
    int req[8], n = 0;
    double target_k = target / 1000.0;

    if (!encode_two_pass(target, &two) || !encode_one_pass(target, &one))
        return;
    double err1 = fabs(one.kbps - target_k) / target_k;
    double err2 = fabs(two.kbps - target_k) / target_k;
    printf("target %.0f kbit/s, %d frames %dx%d\n", target_k, N, W, H);
    printf("1-pass: %.1f kbit/s (%+.2f%%), PSNR %.3f dB (mean of frames %.3f dB)\n", one.kbps,
           100.0 * (one.kbps - target_k) / target_k, one.psnr, one.psnr_mean);
    printf("2-pass: %.1f kbit/s (%+.2f%%), PSNR %.3f dB (mean of frames %.3f dB)\n", two.kbps,
           100.0 * (two.kbps - target_k) / target_k, two.psnr, two.psnr_mean);
    CHECK_MSG(err2 < err1, "2-pass misses the target by %.2f%%, 1-pass by %.2f%%", 100 * err2,
              100 * err1);
    CHECK_MSG(err2 < 0.05, "2-pass misses the target by %.2f%%", 100 * err2);

    req[n] = target;
    curve[n++] = one;
    for (int k = 0; k < 4 && n < 8; k++) {
        int lo = 0, hi = 0;
        for (int i = 1; i < n; i++) {
            if (curve[i].kbps < curve[lo].kbps)
                lo = i;
            if (curve[i].kbps > curve[hi].kbps)
                hi = i;
        }
        if (curve[lo].kbps <= two.kbps && two.kbps <= curve[hi].kbps)
            break;
        /* aim a little past the two-pass size on the missing side */
        int from = curve[lo].kbps > two.kbps ? lo : hi;
        double aim = curve[lo].kbps > two.kbps ? two.kbps * 0.97 : two.kbps * 1.03;
        int rate = (int)((double)req[from] * aim / curve[from].kbps);
        Result r;
        if (!encode_one_pass(rate, &r))
            break;
        req[n] = rate;
        curve[n++] = r;
        printf("1-pass asked for %d bit/s: %.1f kbit/s, PSNR %.3f dB\n", rate, r.kbps, r.psnr);
    }
    qsort(curve, (size_t)n, sizeof(curve[0]), cmp_rate);
    double same;
    if (psnr_at(curve, n, two.kbps, &same)) {
        printf("1-pass PSNR at the 2-pass size (%.1f kbit/s): %.3f dB; 2-pass: %.3f dB (%+.3f)\n",
               two.kbps, same, two.psnr, two.psnr - same);
        CHECK_MSG(two.psnr >= same, "2-pass PSNR %.3f dB < 1-pass %.3f dB at the same size",
                  two.psnr, same);
    } else {
        CHECK_MSG(0, "could not bracket the 2-pass size with 1-pass encodes");
    }
}

int main(void) {
    char tmpl[] = "/tmp/vtcore-mp-encode-XXXXXX";
    char *dir = mkdtemp(tmpl);
    if (!dir)
        VT_TEST_SKIP("cannot create a temporary directory");
    setenv("TMPDIR", dir, 1);
    compare_at(400000);
    compare_at(250000);
    CHECK_MSG(rmdir(dir) == 0, "%s not empty", dir);
    return vt_test_result();
}
