/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Soak through the public C API (docs/hardening.md, "Soak"): 10,000 small
 * frames through VTCompressionSession as a live client would send them
 * (RealTime, buffers from the session's pool, moving content), with
 *
 *   - an AverageBitRate change every 500 frames and a MaxKeyFrameInterval
 *     change every 1000 (live properties),
 *   - a ForceKeyFrame request every 300 frames (the frame must come back as
 *     a sync sample),
 *   - a drain (CompleteFrames) every 2500 frames,
 *   - one resolution change half way: the client completes, invalidates and
 *     creates a new session for the new size.
 *
 * Checked: every frame is accepted and comes back exactly once, without
 * error, in its session's size, as well-formed AVCC with non-decreasing
 * decode times; the totals are exact. The resident set size is sampled
 * every 500 frames (/proc/self/statm) and printed twice: as it is, and
 * after malloc_trim(0) has given glibc's free heap back to the system. The
 * raw curve steps up each time x264 re-creates its instance (after a drain,
 * for the new size): freed heap that glibc keeps (fragmentation, and
 * MALLOC_PERTURB_, which meson sets, touches every freed page). The trimmed
 * curve is what the library holds; with the full count it must be flat after
 * warm-up: at most SOAK_RSS_LIMIT_MIB above its value at frame 2000 until
 * the end (memory, not time). Not asserted under AddressSanitizer, whose
 * quarantine keeps freed memory on purpose.
 *
 * Arguments: [--frames N] (default 10000, at least 100; the valgrind run
 * uses 300; the periods of the events scale with it) [--valgrind PATH]
 * (run under valgrind).
 */
#include <malloc.h>
#include <stdint.h>
#include <unistd.h>

#include <CoreFoundation/CoreFoundation.h>
#include <CoreMedia/CoreMedia.h>
#include <CoreVideo/CoreVideo.h>
#include <VideoToolbox/VideoToolbox.h>
#include <vtcore/vtcore.h>

#include "vt_test.h"

#define SOAK_FRAMES        10000
#define SOAK_RSS_LIMIT_MIB 8

/* Periods in hundredths of the frame count (10,000 frames: key frame
 * request every 300, bitrate every 500, MaxKeyFrameInterval every 1000,
 * drain every 2500, RSS sample every 500, warm-up 2000): a shorter run
 * (valgrind) sees every event too. */
#define KEY_EVERY     (3 * unit)
#define BITRATE_EVERY (5 * unit)
#define KEYINT_EVERY  (10 * unit)
#define DRAIN_EVERY   (25 * unit)
#define RSS_EVERY     (5 * unit)
#define RSS_WARMUP    (20 * unit)

typedef struct Soak {
    int frames;
    unsigned char *calls; /* callbacks per frame */
    unsigned char *forced;
    long callbacks, errors, not_sync_forced, bad_avcc, bad_size, dts_back, keyframes;
    int32_t width, height; /* of the current session */
    CMTime last_dts;
    Boolean have_dts;
    uint8_t *scratch;
    size_t scratch_size;
} Soak;

static Boolean avcc_ok(const uint8_t *p, size_t n) {
    size_t pos = 0;
    if (n == 0)
        return FALSE;
    while (pos < n) {
        if (n - pos < 5)
            return FALSE;
        size_t len = ((size_t)p[pos] << 24) | ((size_t)p[pos + 1] << 16) |
                     ((size_t)p[pos + 2] << 8) | p[pos + 3];
        pos += 4;
        if (len == 0 || len > n - pos || (p[pos] & 0x80))
            return FALSE;
        pos += len;
    }
    return TRUE;
}

static Boolean sample_is_sync(CMSampleBufferRef sb) {
    CFArrayRef att = CMSampleBufferGetSampleAttachmentsArray(sb, FALSE);
    if (!att || CFArrayGetCount(att) == 0)
        return TRUE;
    CFDictionaryRef d = CFArrayGetValueAtIndex(att, 0);
    CFBooleanRef ns = CFDictionaryGetValue(d, kCMSampleAttachmentKey_NotSync);
    return !ns || !CFBooleanGetValue(ns);
}

static void on_output(void *refcon, void *frame_refcon, OSStatus status, VTEncodeInfoFlags flags,
                      CMSampleBufferRef sb) {
    Soak *s = refcon;
    intptr_t i = (intptr_t)frame_refcon - 1;
    s->callbacks++;
    if (i < 0 || i >= s->frames) {
        s->errors++;
        return;
    }
    s->calls[i]++;
    if (status != noErr || !sb || (flags & kVTEncodeInfo_FrameDropped)) {
        s->errors++;
        return;
    }
    CMVideoDimensions dim =
        CMVideoFormatDescriptionGetDimensions(CMSampleBufferGetFormatDescription(sb));
    if (dim.width != s->width || dim.height != s->height)
        s->bad_size++;
    Boolean sync = sample_is_sync(sb);
    if (sync)
        s->keyframes++;
    if (s->forced[i] && !sync)
        s->not_sync_forced++;
    CMTime dts = CMSampleBufferGetDecodeTimeStamp(sb);
    if (!CMTIME_IS_VALID(dts))
        dts = CMSampleBufferGetPresentationTimeStamp(sb);
    if (s->have_dts && CMTimeCompare(dts, s->last_dts) < 0)
        s->dts_back++;
    s->last_dts = dts;
    s->have_dts = TRUE;

    CMBlockBufferRef bb = CMSampleBufferGetDataBuffer(sb);
    size_t n = bb ? CMBlockBufferGetDataLength(bb) : 0;
    if (n > s->scratch_size) {
        free(s->scratch);
        s->scratch = malloc(n);
        s->scratch_size = s->scratch ? n : 0;
    }
    if (!s->scratch || CMBlockBufferCopyDataBytes(bb, 0, n, s->scratch) != kCMBlockBufferNoErr ||
        !avcc_ok(s->scratch, n))
        s->bad_avcc++;
}

/* Moving content, so the encoder has work and rate control matters. */
static void fill(CVPixelBufferRef pb, int frame) {
    CVPixelBufferLockBaseAddress(pb, 0);
    for (size_t p = 0; p < CVPixelBufferGetPlaneCount(pb); p++) {
        uint8_t *base = CVPixelBufferGetBaseAddressOfPlane(pb, p);
        size_t bpr = CVPixelBufferGetBytesPerRowOfPlane(pb, p);
        size_t rows = CVPixelBufferGetHeightOfPlane(pb, p);
        size_t cols = CVPixelBufferGetWidthOfPlane(pb, p) * (p ? 2 : 1);
        for (size_t r = 0; r < rows; r++) {
            uint8_t *row = base + r * bpr;
            for (size_t c = 0; c < cols; c++)
                row[c] = (uint8_t)(p ? 128 + ((c + (size_t)frame) & 15)
                                     : (c * 2 + r * 3 + (size_t)frame * 5) ^ (r * c >> 4));
        }
    }
    CVPixelBufferUnlockBaseAddress(pb, 0);
}

static long rss_kib(Boolean trim) {
    long size = 0, resident = 0;
    if (trim)
        malloc_trim(0);
    FILE *f = fopen("/proc/self/statm", "r");
    if (!f)
        return -1;
    if (fscanf(f, "%ld %ld", &size, &resident) != 2)
        resident = -1;
    fclose(f);
    return resident < 0 ? -1 : resident * (sysconf(_SC_PAGESIZE) / 1024);
}

static void set_number(VTCompressionSessionRef vs, CFStringRef key, int v) {
    CFNumberRef n = CFNumberCreate(NULL, kCFNumberIntType, &v);
    CHECK_STATUS(VTSessionSetProperty(vs, key, n), noErr);
    CFRelease(n);
}

static VTCompressionSessionRef open_session(Soak *s, int32_t w, int32_t h) {
    VTCompressionSessionRef vs = NULL;
    const void *k[3] = {kCVPixelBufferPixelFormatTypeKey, kCVPixelBufferWidthKey,
                        kCVPixelBufferHeightKey};
    int32_t fmt = kCVPixelFormatType_420YpCbCr8BiPlanarVideoRange;
    CFNumberRef v[3] = {CFNumberCreate(NULL, kCFNumberSInt32Type, &fmt),
                        CFNumberCreate(NULL, kCFNumberSInt32Type, &w),
                        CFNumberCreate(NULL, kCFNumberSInt32Type, &h)};
    CFDictionaryRef attrs =
        CFDictionaryCreate(NULL, k, (const void **)v, 3, &kCFTypeDictionaryKeyCallBacks,
                           &kCFTypeDictionaryValueCallBacks);
    OSStatus st = VTCompressionSessionCreate(NULL, w, h, kCMVideoCodecType_H264, NULL, attrs, NULL,
                                             on_output, s, &vs);
    CFRelease(attrs);
    for (int i = 0; i < 3; i++)
        CFRelease(v[i]);
    CHECK_MSG(st == noErr, "VTCompressionSessionCreate %dx%d: %s", w, h, vtcore_status_string(st));
    if (!vs)
        exit(1);
    CHECK_STATUS(VTSessionSetProperty(vs, kVTCompressionPropertyKey_RealTime, kCFBooleanTrue),
                 noErr);
    set_number(vs, kVTCompressionPropertyKey_ExpectedFrameRate, 30);
    set_number(vs, kVTCompressionPropertyKey_AverageBitRate, 200000);
    CHECK_STATUS(VTCompressionSessionPrepareToEncodeFrames(vs), noErr);
    s->width = w;
    s->height = h;
    s->have_dts = FALSE;
    return vs;
}

static void close_session(VTCompressionSessionRef vs) {
    CHECK_STATUS(VTCompressionSessionCompleteFrames(vs, kCMTimeInvalid), noErr);
    VTCompressionSessionInvalidate(vs);
    CFRelease(vs);
}

/* --valgrind PATH: run this program under valgrind (memory errors and
 * definite leaks fail), unless it already runs there (e.g. meson test
 * --setup=valgrind). */
static void run_under_valgrind(const char *valgrind, const char *frames) {
    const char *pre = getenv("LD_PRELOAD");
    if (pre && strstr(pre, "vgpreload"))
        return;
    const char *args[] = {valgrind,
                          "--error-exitcode=1",
                          "--leak-check=full",
                          "--errors-for-leak-kinds=definite",
                          "--show-leak-kinds=definite",
                          "--track-origins=yes",
                          "--quiet",
                          "/proc/self/exe",
                          "--frames",
                          frames,
                          NULL};
    char self[4096];
    ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
    if (n > 0) {
        self[n] = '\0';
        args[7] = self;
    }
    execv(valgrind, (char *const *)args); /* execv does not write them */
    perror("execv valgrind");
    exit(1);
}

int main(int argc, char **argv) {
    Soak s;
    const char *valgrind = NULL, *frames_arg = NULL;
    memset(&s, 0, sizeof(s));
    s.frames = SOAK_FRAMES;
    for (int i = 1; i + 1 < argc; i++) {
        if (!strcmp(argv[i], "--frames"))
            s.frames = atoi(frames_arg = argv[++i]);
        else if (!strcmp(argv[i], "--valgrind"))
            valgrind = argv[++i];
    }
    if (valgrind)
        run_under_valgrind(valgrind, frames_arg ? frames_arg : "300");
    if (s.frames < 100)
        s.frames = 100;
    const int unit = s.frames / 100;
    s.calls = calloc((size_t)s.frames, 1);
    s.forced = calloc((size_t)s.frames, 1);
    if (!s.calls || !s.forced)
        return 1;

    const int change_at = s.frames / 2;
    const int bitrates[] = {150000, 300000, 600000, 250000};
    const int nsamples = s.frames / RSS_EVERY + 2;
    long *rss = calloc((size_t)nsamples, sizeof(long)); /* trimmed */
    long *raw = calloc((size_t)nsamples, sizeof(long));
    long accepted = 0;
    int nrss = 0;
    if (!rss || !raw)
        return 1;

    VTCompressionSessionRef vs = open_session(&s, 160, 120);
    for (int i = 0; i < s.frames; i++) {
        if (i == change_at && i > 0) {
            /* a new size: a new session, as a client would */
            close_session(vs);
            vs = open_session(&s, 176, 144);
        }
        if (i % BITRATE_EVERY == 0)
            set_number(vs, kVTCompressionPropertyKey_AverageBitRate,
                       bitrates[(i / BITRATE_EVERY) % 4]);
        if (i % KEYINT_EVERY == 0)
            set_number(vs, kVTCompressionPropertyKey_MaxKeyFrameInterval,
                       (i / KEYINT_EVERY) % 2 ? 60 : 120);
        if (i % DRAIN_EVERY == DRAIN_EVERY - 1)
            CHECK_STATUS(VTCompressionSessionCompleteFrames(vs, kCMTimeInvalid), noErr);

        CVPixelBufferRef pb = NULL;
        CVPixelBufferPoolRef pool = VTCompressionSessionGetPixelBufferPool(vs);
        CHECK(pool != NULL);
        if (!pool || CVPixelBufferPoolCreatePixelBuffer(NULL, pool, &pb) != kCVReturnSuccess) {
            CHECK_MSG(0, "frame %d: no pixel buffer from the pool", i);
            break;
        }
        fill(pb, i);
        CFDictionaryRef opt = NULL;
        if (i % KEY_EVERY == KEY_EVERY - 1) {
            const void *k[1] = {kVTEncodeFrameOptionKey_ForceKeyFrame};
            const void *v[1] = {kCFBooleanTrue};
            opt = CFDictionaryCreate(NULL, k, v, 1, &kCFTypeDictionaryKeyCallBacks,
                                     &kCFTypeDictionaryValueCallBacks);
            s.forced[i] = 1;
        }
        OSStatus st = VTCompressionSessionEncodeFrame(vs, pb, CMTimeMake(i, 30), CMTimeMake(1, 30),
                                                      opt, (void *)(intptr_t)(i + 1), NULL);
        if (opt)
            CFRelease(opt);
        CVPixelBufferRelease(pb);
        CHECK_MSG(st == noErr, "frame %d: %s", i, vtcore_status_string(st));
        if (st == noErr)
            accepted++;
        if (((i + 1) % RSS_EVERY == 0 || i == 0) && nrss < nsamples) {
            raw[nrss] = rss_kib(FALSE);
            rss[nrss++] = rss_kib(TRUE);
        }
    }
    close_session(vs);

    long bad_calls = 0;
    for (int i = 0; i < s.frames; i++)
        bad_calls += s.calls[i] != 1;
    printf("frames %d, accepted %ld, callbacks %ld, errors %ld, key frames %ld\n", s.frames,
           accepted, s.callbacks, s.errors, s.keyframes);
    CHECK_EQ_INT(accepted, s.frames);
    CHECK_EQ_INT(s.callbacks, s.frames);
    CHECK_EQ_INT(bad_calls, 0);
    CHECK_EQ_INT(s.errors, 0);
    CHECK_EQ_INT(s.not_sync_forced, 0);
    CHECK_EQ_INT(s.bad_avcc, 0);
    CHECK_EQ_INT(s.bad_size, 0);
    CHECK_EQ_INT(s.dts_back, 0);
    CHECK(s.keyframes >= s.frames / KEY_EVERY);

    /* RSS curve: sample k is after frame 1 (k = 0) or after 500 * k frames */
    printf("frame      RSS KiB   after malloc_trim\n");
    for (int k = 0; k < nrss; k++)
        printf("%5d %12ld %12ld\n", k ? k * RSS_EVERY : 1, raw[k], rss[k]);
#if defined(__SANITIZE_ADDRESS__)
    const Boolean asan = TRUE;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
    const Boolean asan = TRUE;
#else
    const Boolean asan = FALSE;
#endif
#else
    const Boolean asan = FALSE;
#endif
    if (asan)
        printf("AddressSanitizer build: RSS not judged\n");
    if (s.frames >= SOAK_FRAMES && rss[0] > 0 && !asan) {
        int warm = RSS_WARMUP / RSS_EVERY;
        long base = rss[warm], peak = base;
        for (int k = warm; k < nrss; k++)
            peak = rss[k] > peak ? rss[k] : peak;
        printf("RSS growth after frame %d: %ld KiB (limit %d MiB)\n", RSS_WARMUP, peak - base,
               SOAK_RSS_LIMIT_MIB);
        CHECK_MSG(peak - base < SOAK_RSS_LIMIT_MIB * 1024L,
                  "RSS grew by %ld KiB between frame %d and the end", peak - base, RSS_WARMUP);
    }
    free(rss);
    free(raw);
    free(s.calls);
    free(s.forced);
    free(s.scratch);
    return vt_test_result();
}
