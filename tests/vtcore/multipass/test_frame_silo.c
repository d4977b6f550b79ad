/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * VTFrameSilo: a 300-frame first pass with B-frame reordering, partial
 * re-encodes of GOP-aligned and arbitrary ranges, iteration in decode order
 * (every frame exactly once, replacements in place), timing / attachments /
 * format descriptions / data surviving storage in memory, in the backing
 * file (tiny spill threshold, a file URL) and mixed; bad calls; progress;
 * iteration over a sub-range and early abort; re-entrance from the callback;
 * concurrent adders and readers; allocation failures.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CoreFoundation/CoreFoundation.h>
#include <CoreMedia/CoreMedia.h>
#include <VideoToolbox/VideoToolbox.h>

#include <vtcore/vtcore.h>

#include "cm/cm_internal.h"
#include "mem.h"
#include "vt/multipass_internal.h"
#include "vt_test.h"

#define FRAMES   300
#define GOP      30
#define MAX_SEEN 2048

enum { TYPE_I = 0, TYPE_P = 1, TYPE_B = 2 };

static CMFormatDescriptionRef g_fmt[2]; /* frames < 150 use [0], others [1] */

static CMFormatDescriptionRef fmt_for(int frame) {
    return g_fmt[frame >= FRAMES / 2];
}

static size_t payload_size(int pass, int frame) {
    return 16 + (size_t)((frame * 37 + pass * 11) % 200);
}

static uint8_t payload_byte(int pass, int frame, size_t i) {
    return (uint8_t)(frame * 7 + pass * 13 + (int)i);
}

/* A one-sample encoded buffer for `frame` of `pass`: payload = pass, frame
 * (big-endian 32 bits), type, then a pattern; pts = frame/30, dts = dts/30. */
static CMSampleBufferRef make_sample(int pass, int frame, int type, int64_t dts) {
    size_t size = payload_size(pass, frame), i;
    uint8_t *data = vt_malloc(size);
    CMSampleBufferRef sb = NULL;
    uint32_t flags = type == TYPE_I ? VT_CM_SAMPLE_SYNC : 0;
    if (!data)
        return NULL;
    for (i = 0; i < size; i++)
        data[i] = payload_byte(pass, frame, i);
    data[0] = (uint8_t)pass;
    data[1] = (uint8_t)(frame >> 24);
    data[2] = (uint8_t)(frame >> 16);
    data[3] = (uint8_t)(frame >> 8);
    data[4] = (uint8_t)frame;
    data[5] = (uint8_t)type;
    if (type == TYPE_B)
        flags |= VT_CM_SAMPLE_DROPPABLE;
    if (vt_cm_sample_buffer_create_encoded(data, size, fmt_for(frame), CMTimeMake(frame, 30),
                                           CMTimeMake(dts, 30), CMTimeMake(1, 30), flags, NULL,
                                           &sb) != noErr)
        return NULL;
    return sb;
}

/* ---- the emission order of a fake encoder ---- */

typedef struct Emit {
    int frame, type;
} Emit;

/* Decode order of frames [first, last): a closed GOP every 30 frames, each
 * "I  P3 B1 B2  P6 B4 B5 ..." (trailing frames as P). Returns the count. */
static int emission_order(int first, int last, Emit *out) {
    int n = 0, g, j, k;
    for (g = first; g < last; g += GOP) {
        int gend = g + GOP < last ? g + GOP : last;
        out[n++] = (Emit){g, TYPE_I};
        for (j = g + 1; j < gend; j += 3) {
            if (j + 2 < gend) {
                out[n++] = (Emit){j + 2, TYPE_P};
                out[n++] = (Emit){j, TYPE_B};
                out[n++] = (Emit){j + 1, TYPE_B};
            } else {
                for (k = j; k < gend; k++)
                    out[n++] = (Emit){k, TYPE_P};
            }
        }
    }
    return n;
}

/* Adds frames [first, last) of `pass` in decode order. Decode times
 * continue from *dts, but restart at first - 2 when that is later (the
 * 2-frame B delay): a re-encoded range starts 2 frames BEFORE its first
 * presentation time, i.e. before the decode times of the kept samples in
 * front of it. reorder = FALSE: decode order = presentation order. */
static OSStatus add_range(VTFrameSiloRef silo, int pass, int first, int last, Boolean reorder,
                          int64_t *dts) {
    Emit order[FRAMES];
    int n, i;
    if (reorder) {
        n = emission_order(first, last, order);
    } else {
        for (n = 0; n < last - first; n++)
            order[n] = (Emit){first + n, n == 0 ? TYPE_I : TYPE_P};
    }
    if (*dts < first - (reorder ? 2 : 0))
        *dts = first - (reorder ? 2 : 0);
    for (i = 0; i < n; i++) {
        CMSampleBufferRef sb = make_sample(pass, order[i].frame, order[i].type, (*dts)++);
        OSStatus st;
        if (!sb)
            return kVTAllocationFailedErr;
        st = VTFrameSiloAddSampleBuffer(silo, sb);
        CFRelease(sb);
        if (st != noErr)
            return st;
    }
    return noErr;
}

/* ---- what iteration returns ---- */

typedef struct Seen {
    int pass, frame, type;
    int64_t pts, dts, duration; /* in 1/30 s */
    size_t size;
    Boolean data_ok;
    int not_sync, depends_on_others, depended_on; /* -1 absent, 0, 1 */
    int fmt;                                      /* index in g_fmt, -1 unknown */
    int samples;
} Seen;

typedef struct Collector {
    Seen seen[MAX_SEEN];
    int n;
    int abort_after;        /* > 0: return -1 from the n-th call */
    VTFrameSiloRef reenter; /* call the silo from inside the callback */
    OSStatus reenter_add, reenter_progress;
} Collector;

static int bool_attachment(CFDictionaryRef d, CFStringRef key) {
    CFTypeRef v = d ? CFDictionaryGetValue(d, key) : NULL;
    if (!v)
        return -1;
    return CFGetTypeID(v) == CFBooleanGetTypeID() ? CFBooleanGetValue(v) : 9;
}

static int64_t to30(CMTime t) {
    if (!CMTIME_IS_NUMERIC(t))
        return INT64_MIN;
    return CMTimeConvertScale(t, 30, kCMTimeRoundingMethod_Default).value;
}

static OSStatus collect(void *refcon, CMSampleBufferRef sb) {
    Collector *c = refcon;
    Seen *s;
    CMBlockBufferRef bb = CMSampleBufferGetDataBuffer(sb);
    CFArrayRef att = CMSampleBufferGetSampleAttachmentsArray(sb, FALSE);
    CFDictionaryRef d = att && CFArrayGetCount(att) > 0 ? CFArrayGetValueAtIndex(att, 0) : NULL;
    CMFormatDescriptionRef fmt = CMSampleBufferGetFormatDescription(sb);
    uint8_t buf[512];
    size_t i;

    if (c->reenter) {
        c->reenter_add = VTFrameSiloAddSampleBuffer(c->reenter, sb);
        Float32 p;
        c->reenter_progress = VTFrameSiloGetProgressOfCurrentPass(c->reenter, &p);
        CFStringRef desc = CFCopyDescription(c->reenter); /* works from here too */
        if (desc)
            CFRelease(desc);
        else
            c->reenter_progress = -1;
    }
    if (c->n >= MAX_SEEN)
        return -2;
    s = &c->seen[c->n++];
    memset(s, 0, sizeof(*s));
    s->samples = (int)CMSampleBufferGetNumSamples(sb);
    s->size = bb ? CMBlockBufferGetDataLength(bb) : 0;
    s->pass = s->frame = s->type = -1;
    if (s->size >= 6 && s->size <= sizeof(buf) &&
        CMBlockBufferCopyDataBytes(bb, 0, s->size, buf) == kCMBlockBufferNoErr) {
        s->pass = buf[0];
        s->frame = (buf[1] << 24) | (buf[2] << 16) | (buf[3] << 8) | buf[4];
        s->type = buf[5];
        s->data_ok = s->size == payload_size(s->pass, s->frame);
        for (i = 6; s->data_ok && i < s->size; i++)
            s->data_ok = buf[i] == payload_byte(s->pass, s->frame, i);
    }
    s->pts = to30(CMSampleBufferGetPresentationTimeStamp(sb));
    s->dts = to30(CMSampleBufferGetDecodeTimeStamp(sb));
    s->duration = to30(CMSampleBufferGetDuration(sb));
    s->not_sync = bool_attachment(d, kCMSampleAttachmentKey_NotSync);
    s->depends_on_others = bool_attachment(d, kCMSampleAttachmentKey_DependsOnOthers);
    s->depended_on = bool_attachment(d, kCMSampleAttachmentKey_IsDependedOnByOthers);
    s->fmt = fmt == g_fmt[0] || (fmt && CFEqual(fmt, g_fmt[0]))   ? 0
             : fmt == g_fmt[1] || (fmt && CFEqual(fmt, g_fmt[1])) ? 1
                                                                  : -1;
    if (c->abort_after > 0 && c->n == c->abort_after)
        return -1;
    return noErr;
}

/* Every field of a seen sample consistent with what was added. */
static void check_seen_sample(const Seen *s) {
    CHECK_EQ_INT(s->samples, 1);
    CHECK(s->data_ok);
    CHECK_EQ_INT(s->pts, s->frame);
    CHECK_EQ_INT(s->duration, 1);
    CHECK_EQ_INT(s->fmt, s->frame >= FRAMES / 2);
    if (s->type == TYPE_I) {
        CHECK_EQ_INT(s->not_sync, -1);
        CHECK_EQ_INT(s->depends_on_others, 0);
        CHECK_EQ_INT(s->depended_on, 1);
    } else {
        CHECK_EQ_INT(s->not_sync, 1);
        CHECK_EQ_INT(s->depends_on_others, 1);
        CHECK_EQ_INT(s->depended_on, s->type == TYPE_B ? 0 : 1);
    }
}

/* ---- expected result: segments of frames and the pass that made them ---- */

typedef struct Segment {
    int first, last, pass;
} Segment;

/* Checks c against the concatenated emission orders of the segments. */
static void check_against(const Collector *c, const Segment *segs, int nseg, Boolean reorder,
                          const char *what) {
    static Emit expect[FRAMES * 2];
    int n = 0, k, i, errors = 0;
    int count[FRAMES] = {0};
    for (k = 0; k < nseg; k++) {
        if (reorder) {
            int m = emission_order(segs[k].first, segs[k].last, expect + n);
            for (i = n; i < n + m; i++)
                expect[i].type = expect[i].type | (segs[k].pass << 8);
            n += m;
        } else {
            for (i = segs[k].first; i < segs[k].last; i++)
                expect[n++] = (Emit){i, segs[k].pass << 8};
        }
    }
    CHECK_MSG(c->n == n, "%s: %d samples, expected %d", what, c->n, n);
    for (i = 0; i < c->n && i < n; i++) {
        const Seen *s = &c->seen[i];
        if (s->frame >= 0 && s->frame < FRAMES)
            count[s->frame]++;
        if (s->frame != expect[i].frame || s->pass != (expect[i].type >> 8)) {
            if (errors++ < 5)
                CHECK_MSG(0, "%s: sample %d is frame %d of pass %d, expected frame %d of pass %d",
                          what, i, s->frame, s->pass, expect[i].frame, expect[i].type >> 8);
        }
        check_seen_sample(s);
    }
    for (i = 0; i < FRAMES && n == FRAMES; i++)
        CHECK_MSG(count[i] == 1, "%s: frame %d returned %d times", what, i, count[i]);
    /* Decode timestamps strictly increase inside each run of one pass. */
    for (i = 1; i < c->n; i++) {
        if (c->seen[i].pass == c->seen[i - 1].pass)
            CHECK_MSG(c->seen[i].dts > c->seen[i - 1].dts, "%s: dts not increasing at %d", what, i);
    }
}

static VTFrameSiloRef new_silo(int mode, CFURLRef url) {
    VTFrameSiloRef silo = NULL;
    CMTimeRange all = CMTimeRangeMake(kCMTimeZero, CMTimeMake(FRAMES, 30));
    CHECK_STATUS(VTFrameSiloCreate(NULL, url, all, NULL, &silo), noErr);
    if (!silo)
        return NULL;
    if (mode == 1)
        CHECK_STATUS(vt_frame_silo_set_spill_threshold(silo, 0), noErr);
    else if (mode == 2)
        CHECK_STATUS(vt_frame_silo_set_spill_threshold(silo, 4000), noErr);
    return silo;
}

static CMTimeRange frames_range(int first, int last) {
    return CMTimeRangeMake(CMTimeMake(first, 30), CMTimeMake(last - first, 30));
}

/* The main scenario: pass 1 over 0..299, pass 2 over [60,120) + [210,240),
 * pass 3 over [90,150) (expressed at timescale 600). mode: 0 memory, 1
 * spill everything, 2 mixed, 3 file URL. Results go to *out_final. */
static void scenario_reencode(int mode, Collector *out_final) {
    static Collector c;
    VTFrameSiloRef silo;
    CFURLRef url = NULL;
    char path[256];
    int64_t dts = -2;
    size_t total = 0, spilled = 0, mem = 0;
    const char *names[] = {"memory", "spill", "mixed", "file URL"};
    CMTimeRange r2[2] = {frames_range(60, 120), frames_range(210, 240)};
    CMTimeRange r3[1] = {CMTimeRangeMake(CMTimeMake(90 * 20, 600), CMTimeMake(60 * 20, 600))};
    struct stat st;

    if (mode == 3) {
        snprintf(path, sizeof(path), "%s/silo-%d.bin", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp",
                 (int)getpid());
        url = CFURLCreateFromFileSystemRepresentation(NULL, (const UInt8 *)path,
                                                      (CFIndex)strlen(path), FALSE);
        CHECK(url != NULL);
    }
    silo = new_silo(mode, url);
    if (!silo) {
        if (url)
            CFRelease(url);
        return;
    }
    if (mode == 3)
        CHECK(stat(path, &st) == 0);

    /* pass 1 */
    CHECK_STATUS(add_range(silo, 1, 0, FRAMES, TRUE, &dts), noErr);
    memset(&c, 0, sizeof(c));
    CHECK_STATUS(VTFrameSiloCallFunctionForEachSampleBuffer(silo, kCMTimeRangeInvalid, &c, collect),
                 noErr);
    check_against(&c, (Segment[]){{0, FRAMES, 1}}, 1, TRUE, names[mode]);

    /* pass 2: two GOP-aligned ranges */
    CHECK_STATUS(VTFrameSiloSetTimeRangesForNextPass(silo, 2, r2), noErr);
    memset(&c, 0, sizeof(c));
    CHECK_STATUS(VTFrameSiloCallFunctionForEachSampleBuffer(silo, kCMTimeRangeInvalid, &c, collect),
                 noErr);
    CHECK_EQ_INT(c.n, FRAMES - 90); /* the ranges' samples are gone */
    dts = -1000;
    CHECK_STATUS(add_range(silo, 2, 60, 120, TRUE, &dts), noErr);
    /* mid-pass view: range 0 replaced, range 1 still empty */
    memset(&c, 0, sizeof(c));
    CHECK_STATUS(VTFrameSiloCallFunctionForEachSampleBuffer(silo, kCMTimeRangeInvalid, &c, collect),
                 noErr);
    check_against(&c, (Segment[]){{0, 60, 1}, {60, 120, 2}, {120, 210, 1}, {240, FRAMES, 1}}, 4,
                  TRUE, names[mode]);
    CHECK_STATUS(add_range(silo, 2, 210, 240, TRUE, &dts), noErr);
    memset(&c, 0, sizeof(c));
    CHECK_STATUS(VTFrameSiloCallFunctionForEachSampleBuffer(silo, kCMTimeRangeInvalid, &c, collect),
                 noErr);
    check_against(
        &c, (Segment[]){{0, 60, 1}, {60, 120, 2}, {120, 210, 1}, {210, 240, 2}, {240, FRAMES, 1}},
        5, TRUE, names[mode]);

    /* pass 3: one range over pass-2 and pass-1 samples, another timescale */
    CHECK_STATUS(VTFrameSiloSetTimeRangesForNextPass(silo, 1, r3), noErr);
    dts = -1000;
    CHECK_STATUS(add_range(silo, 3, 90, 150, TRUE, &dts), noErr);
    memset(&c, 0, sizeof(c));
    CHECK_STATUS(VTFrameSiloCallFunctionForEachSampleBuffer(silo, kCMTimeRangeInvalid, &c, collect),
                 noErr);
    check_against(
        &c,
        (Segment[]){
            {0, 60, 1}, {60, 90, 2}, {90, 150, 3}, {150, 210, 1}, {210, 240, 2}, {240, FRAMES, 1}},
        6, TRUE, names[mode]);
    *out_final = c;

    CHECK_STATUS(vt_frame_silo_get_stats(silo, &total, &spilled, &mem), noErr);
    CHECK_EQ_INT(total, FRAMES);
    if (mode == 0) {
        CHECK_EQ_INT(spilled, 0);
        CHECK(mem > 0);
    } else if (mode == 1 || mode == 3) {
        CHECK_EQ_INT(spilled, FRAMES);
        CHECK_EQ_INT(mem, 0);
    } else {
        CHECK(spilled > 0 && spilled < FRAMES);
        CHECK(mem > 0 && mem <= 4000);
    }
    CFRelease(silo);
    if (mode == 3) {
        CHECK_MSG(stat(path, &st) != 0 && errno == ENOENT, "%s still exists", path);
        CFRelease(url);
    }
}

static Boolean same_seen(const Collector *a, const Collector *b) {
    int i;
    if (a->n != b->n)
        return FALSE;
    for (i = 0; i < a->n; i++) {
        const Seen *x = &a->seen[i], *y = &b->seen[i];
        if (x->pass != y->pass || x->frame != y->frame || x->type != y->type || x->pts != y->pts ||
            x->dts != y->dts || x->duration != y->duration || x->size != y->size ||
            x->data_ok != y->data_ok || x->not_sync != y->not_sync ||
            x->depends_on_others != y->depends_on_others || x->depended_on != y->depended_on ||
            x->fmt != y->fmt || x->samples != y->samples)
            return FALSE;
    }
    return TRUE;
}

static void test_reencode_all_modes(void) {
    static Collector results[4];
    int mode;
    for (mode = 0; mode < 4; mode++)
        scenario_reencode(mode, &results[mode]);
    for (mode = 1; mode < 4; mode++)
        CHECK_MSG(same_seen(&results[0], &results[mode]), "mode %d differs from memory", mode);
}

/* No reordering, ranges not aligned to anything, one of a single frame. */
static void test_unaligned_ranges(void) {
    static Collector c;
    int mode;
    for (mode = 0; mode < 2; mode++) {
        VTFrameSiloRef silo = new_silo(mode, NULL);
        CMTimeRange r[3] = {frames_range(61, 75), frames_range(100, 101),
                            frames_range(250, FRAMES)};
        int64_t dts = 0;
        if (!silo)
            return;
        CHECK_STATUS(add_range(silo, 1, 0, FRAMES, FALSE, &dts), noErr);
        CHECK_STATUS(VTFrameSiloSetTimeRangesForNextPass(silo, 3, r), noErr);
        dts = 0;
        CHECK_STATUS(add_range(silo, 2, 61, 75, FALSE, &dts), noErr);
        CHECK_STATUS(add_range(silo, 2, 100, 101, FALSE, &dts), noErr);
        CHECK_STATUS(add_range(silo, 2, 250, FRAMES, FALSE, &dts), noErr);
        memset(&c, 0, sizeof(c));
        CHECK_STATUS(
            VTFrameSiloCallFunctionForEachSampleBuffer(silo, kCMTimeRangeInvalid, &c, collect),
            noErr);
        check_against(&c,
                      (Segment[]){{0, 61, 1},
                                  {61, 75, 2},
                                  {75, 100, 1},
                                  {100, 101, 2},
                                  {101, 250, 1},
                                  {250, FRAMES, 2}},
                      6, FALSE, mode ? "unaligned spill" : "unaligned memory");
        CFRelease(silo);
    }
}

/* A sub-range iteration and an aborting callback. */
static void test_iteration_range_and_abort(void) {
    static Collector c;
    VTFrameSiloRef silo = new_silo(2, NULL);
    int64_t dts = -2, i, last_index = -1;
    Boolean ordered = TRUE;
    if (!silo)
        return;
    CHECK_STATUS(add_range(silo, 1, 0, FRAMES, TRUE, &dts), noErr);

    memset(&c, 0, sizeof(c));
    CHECK_STATUS(
        VTFrameSiloCallFunctionForEachSampleBuffer(silo, frames_range(100, 130), &c, collect),
        noErr);
    CHECK_EQ_INT(c.n, 30);
    for (i = 0; i < c.n; i++) {
        Emit order[FRAMES];
        int n = emission_order(0, FRAMES, order), k;
        CHECK(c.seen[i].frame >= 100 && c.seen[i].frame < 130);
        for (k = 0; k < n && order[k].frame != c.seen[i].frame; k++)
            ;
        if (k <= last_index)
            ordered = FALSE;
        last_index = k;
    }
    CHECK(ordered);

    /* an empty range selects nothing */
    memset(&c, 0, sizeof(c));
    CHECK_STATUS(VTFrameSiloCallFunctionForEachSampleBuffer(
                     silo, CMTimeRangeMake(CMTimeMake(100, 30), kCMTimeZero), &c, collect),
                 noErr);
    CHECK_EQ_INT(c.n, 0);

    memset(&c, 0, sizeof(c));
    c.abort_after = 5;
    CHECK_STATUS(VTFrameSiloCallFunctionForEachSampleBuffer(silo, kCMTimeRangeInvalid, &c, collect),
                 -1);
    CHECK_EQ_INT(c.n, 5);

    /* re-entering the silo from its callback fails cleanly (no deadlock) */
    memset(&c, 0, sizeof(c));
    c.abort_after = 1;
    c.reenter = silo;
    CHECK_STATUS(VTFrameSiloCallFunctionForEachSampleBuffer(silo, kCMTimeRangeInvalid, &c, collect),
                 -1);
    CHECK_STATUS(c.reenter_add, kVTParameterErr);
    CHECK_STATUS(c.reenter_progress, kVTParameterErr);
    CFRelease(silo);
}

static void test_progress(void) {
    VTFrameSiloRef silo = NULL;
    Float32 p = -1;
    int64_t dts = 0;
    CMTimeRange r[2] = {frames_range(0, 60), frames_range(150, 180)};

    /* first pass with an unknown extent: 0 */
    CHECK_STATUS(VTFrameSiloCreate(NULL, NULL, kCMTimeRangeInvalid, NULL, &silo), noErr);
    if (!silo)
        return;
    CHECK_STATUS(add_range(silo, 1, 0, 30, FALSE, &dts), noErr);
    CHECK_STATUS(VTFrameSiloGetProgressOfCurrentPass(silo, &p), noErr);
    CHECK(p == 0);
    CFRelease(silo);

    silo = new_silo(0, NULL);
    if (!silo)
        return;
    dts = 0;
    CHECK_STATUS(VTFrameSiloGetProgressOfCurrentPass(silo, &p), noErr);
    CHECK(p == 0);
    CHECK_STATUS(add_range(silo, 1, 0, 150, FALSE, &dts), noErr);
    CHECK_STATUS(VTFrameSiloGetProgressOfCurrentPass(silo, &p), noErr);
    CHECK_MSG(p > 0.49f && p < 0.51f, "progress %f", (double)p);
    CHECK_STATUS(add_range(silo, 1, 150, FRAMES, FALSE, &dts), noErr);
    CHECK_STATUS(VTFrameSiloGetProgressOfCurrentPass(silo, &p), noErr);
    CHECK_MSG(p > 0.99f && p <= 1.0f, "progress %f", (double)p);

    CHECK_STATUS(VTFrameSiloSetTimeRangesForNextPass(silo, 2, r), noErr);
    CHECK_STATUS(VTFrameSiloGetProgressOfCurrentPass(silo, &p), noErr);
    CHECK(p == 0);
    dts = 0;
    CHECK_STATUS(add_range(silo, 2, 0, 60, FALSE, &dts), noErr);
    CHECK_STATUS(VTFrameSiloGetProgressOfCurrentPass(silo, &p), noErr);
    CHECK_MSG(p > 0.66f && p < 0.67f, "progress %f", (double)p);
    CHECK_STATUS(add_range(silo, 2, 150, 180, FALSE, &dts), noErr);
    CHECK_STATUS(VTFrameSiloGetProgressOfCurrentPass(silo, &p), noErr);
    CHECK_MSG(p > 0.99f && p <= 1.0f, "progress %f", (double)p);
    CFRelease(silo);
}

static OSStatus count_cb(void *refcon, CMSampleBufferRef sb) {
    (void)sb;
    (*(int *)refcon)++;
    return noErr;
}

typedef struct AttachCtx {
    int count;
    int custom;      /* samples with the buffer attachment "Custom" */
    int some_string; /* samples with the sample attachment "SomeString" */
} AttachCtx;

static OSStatus attach_cb(void *refcon, CMSampleBufferRef sb) {
    AttachCtx *ctx = refcon;
    CFArrayRef arr = CMSampleBufferGetSampleAttachmentsArray(sb, FALSE);
    CFDictionaryRef d = arr && CFArrayGetCount(arr) ? CFArrayGetValueAtIndex(arr, 0) : NULL;
    CFTypeRef v = CMGetAttachment(sb, CFSTR("Custom"), NULL);
    ctx->count++;
    if (v && CFEqual(v, CFSTR("value")))
        ctx->custom++;
    if (v && v == kCFBooleanTrue)
        ctx->custom += 100;
    v = d ? CFDictionaryGetValue(d, CFSTR("SomeString")) : NULL;
    if (v && CFEqual(v, CFSTR("not a boolean")))
        ctx->some_string++;
    return noErr;
}

static void test_bad_calls(void) {
    VTFrameSiloRef silo = (VTFrameSiloRef)(uintptr_t)1, bad_silo;
    CMSampleBufferRef sb, sb2;
    Float32 p = 5;
    int n = 0;
    int64_t dts = 0;
    CFURLRef dir_url, missing_url;
    CMTimeRange ok = frames_range(10, 20);
    CMTimeRange bad_order[2] = {frames_range(50, 60), frames_range(10, 20)};
    CMTimeRange overlap[2] = {frames_range(10, 20), frames_range(19, 30)};
    CMTimeRange adjacent[2] = {frames_range(10, 20), frames_range(20, 30)};
    CMTimeRange invalid_start[1] = {{kCMTimeInvalid, CMTimeMake(1, 30)}};
    CMTimeRange indefinite[1] = {{CMTimeMake(10, 30), kCMTimeIndefinite}};
    CMTimeRange infinite[1] = {{kCMTimeNegativeInfinity, CMTimeMake(10, 30)}};
    CMTimeRange negative[1] = {{CMTimeMake(10, 30), CMTimeMake(-1, 30)}};
    CMSampleTimingInfo no_time = {kCMTimeInvalid, kCMTimeInvalid, kCMTimeInvalid};
    CMSampleBufferRef untimed = NULL;

    /* Create */
    CHECK_STATUS(VTFrameSiloCreate(NULL, NULL, kCMTimeRangeInvalid, NULL, NULL), kVTParameterErr);
    CHECK_STATUS(
        VTFrameSiloCreate(NULL, (CFURLRef)CFSTR("/tmp/x"), kCMTimeRangeInvalid, NULL, &silo),
        kVTParameterErr);
    CHECK(silo == NULL);
    CHECK_STATUS(
        VTFrameSiloCreate(NULL, NULL, kCMTimeRangeInvalid, (CFDictionaryRef)CFSTR("x"), &silo),
        kVTParameterErr);
    dir_url = CFURLCreateFromFileSystemRepresentation(NULL, (const UInt8 *)"/tmp", 4, TRUE);
    CHECK_STATUS(VTFrameSiloCreate(NULL, dir_url, kCMTimeRangeInvalid, NULL, &silo),
                 kVTParameterErr);
    missing_url = CFURLCreateFromFileSystemRepresentation(
        NULL, (const UInt8 *)"/nonexistent-dir-vtcore/x", 25, FALSE);
    CHECK_STATUS(VTFrameSiloCreate(NULL, missing_url, kCMTimeRangeInvalid, NULL, &silo),
                 kVTCouldNotCreateInstanceErr);
    CHECK(silo == NULL);
    CFRelease(dir_url);
    CFRelease(missing_url);

    /* NULL / wrong objects everywhere */
    sb = make_sample(1, 0, TYPE_I, 0);
    CHECK_STATUS(VTFrameSiloAddSampleBuffer(NULL, sb), kVTParameterErr);
    CHECK_STATUS(VTFrameSiloAddSampleBuffer((VTFrameSiloRef)sb, sb), kVTParameterErr);
    CHECK_STATUS(VTFrameSiloSetTimeRangesForNextPass(NULL, 1, &ok), kVTParameterErr);
    CHECK_STATUS(VTFrameSiloGetProgressOfCurrentPass(NULL, &p), kVTParameterErr);
    CHECK(p == 0);
    CHECK_STATUS(
        VTFrameSiloCallFunctionForEachSampleBuffer(NULL, kCMTimeRangeInvalid, &n, count_cb),
        kVTParameterErr);

    silo = new_silo(0, NULL);
    if (!silo) {
        CFRelease(sb);
        return;
    }
    CHECK_EQ_INT(CFGetTypeID(silo), VTFrameSiloGetTypeID());
    CHECK_EQ_INT(VTFrameSiloGetTypeID(), VT_TYPE_ID_FRAME_SILO);
    {
        CFStringRef desc = CFCopyDescription(silo);
        CHECK(desc != NULL);
        if (desc)
            CFRelease(desc);
    }
    CHECK_STATUS(VTFrameSiloAddSampleBuffer(silo, NULL), kVTParameterErr);
    CHECK_STATUS(VTFrameSiloAddSampleBuffer(silo, (CMSampleBufferRef)CFSTR("x")), kVTParameterErr);
    CHECK_STATUS(VTFrameSiloGetProgressOfCurrentPass(silo, NULL), kVTParameterErr);
    CHECK_STATUS(VTFrameSiloCallFunctionForEachSampleBuffer(silo, kCMTimeRangeInvalid, &n, NULL),
                 kVTParameterErr);
    CHECK_STATUS(VTFrameSiloSetTimeRangesForNextPass(silo, 0, &ok), kVTParameterErr);
    CHECK_STATUS(VTFrameSiloSetTimeRangesForNextPass(silo, 1, NULL), kVTParameterErr);
    CHECK_STATUS(VTFrameSiloSetTimeRangesForNextPass(silo, -1, &ok), kVTParameterErr);

    /* decode timestamps: strictly increasing within a pass */
    CHECK_STATUS(VTFrameSiloAddSampleBuffer(silo, sb), noErr);
    CHECK_STATUS(VTFrameSiloAddSampleBuffer(silo, sb), kVTFrameSiloInvalidTimeStampErr);
    sb2 = make_sample(1, 1, TYPE_P, -1);
    CHECK_STATUS(VTFrameSiloAddSampleBuffer(silo, sb2), kVTFrameSiloInvalidTimeStampErr);
    CFRelease(sb2);
    CHECK_EQ_INT(
        CMSampleBufferCreate(NULL, NULL, TRUE, NULL, NULL, NULL, 1, 1, &no_time, 0, NULL, &untimed),
        noErr);
    CHECK_STATUS(VTFrameSiloAddSampleBuffer(silo, untimed), kVTFrameSiloInvalidTimeStampErr);
    if (untimed)
        CFRelease(untimed);
    /* an invalidated buffer */
    sb2 = make_sample(1, 5, TYPE_P, 5);
    CMSampleBufferInvalidate(sb2);
    CHECK_STATUS(VTFrameSiloAddSampleBuffer(silo, sb2), kVTParameterErr);
    CFRelease(sb2);
    dts = 1;
    CHECK_STATUS(add_range(silo, 1, 1, 100, FALSE, &dts), noErr);

    /* ranges: unsorted, overlapping, non-numeric, negative */
    CHECK_STATUS(VTFrameSiloSetTimeRangesForNextPass(silo, 2, bad_order),
                 kVTFrameSiloInvalidTimeRangeErr);
    CHECK_STATUS(VTFrameSiloSetTimeRangesForNextPass(silo, 2, overlap),
                 kVTFrameSiloInvalidTimeRangeErr);
    CHECK_STATUS(VTFrameSiloSetTimeRangesForNextPass(silo, 1, invalid_start),
                 kVTFrameSiloInvalidTimeRangeErr);
    CHECK_STATUS(VTFrameSiloSetTimeRangesForNextPass(silo, 1, indefinite),
                 kVTFrameSiloInvalidTimeRangeErr);
    CHECK_STATUS(VTFrameSiloSetTimeRangesForNextPass(silo, 1, infinite),
                 kVTFrameSiloInvalidTimeRangeErr);
    CHECK_STATUS(VTFrameSiloSetTimeRangesForNextPass(silo, 1, negative),
                 kVTFrameSiloInvalidTimeRangeErr);
    /* the failed calls changed nothing */
    n = 0;
    CHECK_STATUS(
        VTFrameSiloCallFunctionForEachSampleBuffer(silo, kCMTimeRangeInvalid, &n, count_cb), noErr);
    CHECK_EQ_INT(n, 100);
    /* adjacent ranges are fine (the end is excluded) */
    CHECK_STATUS(VTFrameSiloSetTimeRangesForNextPass(silo, 2, adjacent), noErr);
    n = 0;
    CHECK_STATUS(
        VTFrameSiloCallFunctionForEachSampleBuffer(silo, kCMTimeRangeInvalid, &n, count_cb), noErr);
    CHECK_EQ_INT(n, 80);
    /* a new pass restarts the timestamp check, but samples must lie in the ranges */
    sb2 = make_sample(2, 5, TYPE_I, 5);
    CHECK_STATUS(VTFrameSiloAddSampleBuffer(silo, sb2), kVTFrameSiloInvalidTimeStampErr);
    CFRelease(sb2);
    sb2 = make_sample(2, 30, TYPE_I, 5);
    CHECK_STATUS(VTFrameSiloAddSampleBuffer(silo, sb2), kVTFrameSiloInvalidTimeStampErr);
    CFRelease(sb2);
    sb2 = make_sample(2, 10, TYPE_I, 5);
    CHECK_STATUS(VTFrameSiloAddSampleBuffer(silo, sb2), noErr);
    CFRelease(sb2);
    sb2 = make_sample(2, 29, TYPE_P, 6);
    CHECK_STATUS(VTFrameSiloAddSampleBuffer(silo, sb2), noErr);
    CFRelease(sb2);
    n = 0;
    CHECK_STATUS(
        VTFrameSiloCallFunctionForEachSampleBuffer(silo, kCMTimeRangeInvalid, &n, count_cb), noErr);
    CHECK_EQ_INT(n, 82);

    /* the silo keeps its own copy: later changes to the caller's buffer do
     * not show */
    {
        AttachCtx ctx = {0};
        CMSetAttachment(sb, CFSTR("Custom"), kCFBooleanTrue, kCMAttachmentMode_ShouldPropagate);
        CHECK_STATUS(
            VTFrameSiloCallFunctionForEachSampleBuffer(silo, frames_range(0, 1), &ctx, attach_cb),
            noErr);
        CHECK_EQ_INT(ctx.count, 1);
        CHECK_EQ_INT(ctx.custom, 0);
    }
    CFRelease(sb);

    /* a silo of another type id is rejected */
    bad_silo = (VTFrameSiloRef)CFSTR("silo");
    CHECK_STATUS(VTFrameSiloGetProgressOfCurrentPass(bad_silo, &p), kVTParameterErr);
    CFRelease(silo);
}

/* Buffer-level and unknown attachments keep a sample in memory even when
 * spilling; the returned buffer still carries them. */
static void test_unspillable_attachments(void) {
    VTFrameSiloRef silo = new_silo(1, NULL);
    CMSampleBufferRef sb = make_sample(1, 0, TYPE_I, 0), sb2 = make_sample(1, 1, TYPE_P, 1);
    CMSampleBufferRef sb3 = make_sample(1, 2, TYPE_P, 2);
    size_t total = 0, spilled = 0;
    static Collector c;
    if (!silo || !sb || !sb2 || !sb3)
        goto out;
    CMSetAttachment(sb, CFSTR("Custom"), CFSTR("value"), kCMAttachmentMode_ShouldPropagate);
    CFDictionarySetValue((CFMutableDictionaryRef)CFArrayGetValueAtIndex(
                             CMSampleBufferGetSampleAttachmentsArray(sb2, TRUE), 0),
                         CFSTR("SomeString"), CFSTR("not a boolean"));
    CHECK_STATUS(VTFrameSiloAddSampleBuffer(silo, sb), noErr);
    CHECK_STATUS(VTFrameSiloAddSampleBuffer(silo, sb2), noErr);
    CHECK_STATUS(VTFrameSiloAddSampleBuffer(silo, sb3), noErr);
    CHECK_STATUS(vt_frame_silo_get_stats(silo, &total, &spilled, NULL), noErr);
    CHECK_EQ_INT(total, 3);
    CHECK_EQ_INT(spilled, 1);
    memset(&c, 0, sizeof(c));
    CHECK_STATUS(VTFrameSiloCallFunctionForEachSampleBuffer(silo, kCMTimeRangeInvalid, &c, collect),
                 noErr);
    CHECK_EQ_INT(c.n, 3);
    for (int i = 0; i < c.n; i++)
        check_seen_sample(&c.seen[i]);
    {
        /* the attachments came back */
        AttachCtx ctx = {0};
        CHECK_STATUS(
            VTFrameSiloCallFunctionForEachSampleBuffer(silo, kCMTimeRangeInvalid, &ctx, attach_cb),
            noErr);
        CHECK_EQ_INT(ctx.count, 3);
        CHECK_EQ_INT(ctx.custom, 1);
        CHECK_EQ_INT(ctx.some_string, 1);
    }
out:
    if (sb)
        CFRelease(sb);
    if (sb2)
        CFRelease(sb2);
    if (sb3)
        CFRelease(sb3);
    if (silo)
        CFRelease(silo);
}

/* ---- threads: one adder, readers polling progress and iterating ---- */

typedef struct ThreadCtx {
    VTFrameSiloRef silo;
    volatile int done;
    int reads;
    OSStatus status;
} ThreadCtx;

static void *adder(void *arg) {
    ThreadCtx *t = arg;
    int64_t dts = -2;
    t->status = add_range(t->silo, 1, 0, FRAMES, TRUE, &dts);
    __atomic_store_n(&t->done, 1, __ATOMIC_RELEASE);
    return NULL;
}

static void *reader(void *arg) {
    ThreadCtx *t = arg;
    Float32 last = 0;
    while (!__atomic_load_n(&t->done, __ATOMIC_ACQUIRE)) {
        Float32 p;
        int n = 0;
        if (VTFrameSiloGetProgressOfCurrentPass(t->silo, &p) != noErr || p < last || p > 1)
            t->status = -1;
        last = p;
        if (VTFrameSiloCallFunctionForEachSampleBuffer(t->silo, kCMTimeRangeInvalid, &n,
                                                       count_cb) != noErr)
            t->status = -1;
        t->reads++;
    }
    return NULL;
}

static void test_threads(void) {
    VTFrameSiloRef silo = new_silo(2, NULL);
    ThreadCtx add_ctx = {0}, read_ctx[2] = {{0}};
    pthread_t ta, tr[2];
    int i, n = 0;
    if (!silo)
        return;
    add_ctx.silo = silo;
    for (i = 0; i < 2; i++)
        read_ctx[i].silo = silo;
    CHECK(pthread_create(&ta, NULL, adder, &add_ctx) == 0);
    for (i = 0; i < 2; i++)
        CHECK(pthread_create(&tr[i], NULL, reader, &read_ctx[i]) == 0);
    pthread_join(ta, NULL);
    for (i = 0; i < 2; i++) {
        __atomic_store_n(&read_ctx[i].done, 1, __ATOMIC_RELEASE);
        pthread_join(tr[i], NULL);
        CHECK_STATUS(read_ctx[i].status, noErr);
    }
    CHECK_STATUS(add_ctx.status, noErr);
    CHECK_STATUS(
        VTFrameSiloCallFunctionForEachSampleBuffer(silo, kCMTimeRangeInvalid, &n, count_cb), noErr);
    CHECK_EQ_INT(n, FRAMES);
    CFRelease(silo);
}

/* ---- allocation failures: every step fails cleanly, nothing leaks ---- */

static int alloc_fail_scenario(void) {
    VTFrameSiloRef silo = NULL;
    CMTimeRange r = frames_range(5, 10);
    int64_t dts = -2;
    int n = 0;
    OSStatus st;
    if (VTFrameSiloCreate(NULL, NULL, kCMTimeRangeInvalid, NULL, &silo) != noErr)
        return 0;
    vt_frame_silo_set_spill_threshold(silo, 600);
    st = add_range(silo, 1, 0, 20, TRUE, &dts);
    if (st == noErr)
        st = VTFrameSiloSetTimeRangesForNextPass(silo, 1, &r);
    if (st == noErr) {
        dts = -100;
        st = add_range(silo, 2, 5, 10, TRUE, &dts);
    }
    if (st == noErr)
        st = VTFrameSiloCallFunctionForEachSampleBuffer(silo, kCMTimeRangeInvalid, &n, count_cb);
    CFRelease(silo);
    if (st != noErr && st != kVTAllocationFailedErr && st != kVTFrameSiloInvalidTimeStampErr)
        return -1;
    return st == noErr ? n : 0;
}

static void test_alloc_failures(void) {
    long i, total;
    int bad = 0, completed = 0;
    vtcore_debug_fail_allocation_after(0);
    CHECK_EQ_INT(alloc_fail_scenario(), 20);
    total = vtcore_debug_fail_allocation_after(0);
    CHECK(total > 0);
    for (i = 1; i <= total + 5; i++) {
        int r;
        vtcore_debug_fail_allocation_after(i);
        r = alloc_fail_scenario();
        vtcore_debug_fail_allocation_after(0);
        if (r < 0)
            bad++;
        if (r == 20)
            completed++;
    }
    CHECK_EQ_INT(bad, 0);
    CHECK(completed > 0);
}

int main(void) {
    char tmpl[] = "/tmp/vtcore-silo-test-XXXXXX";
    char *dir = mkdtemp(tmpl);
    if (!dir)
        VT_TEST_SKIP("cannot create a temporary directory");
    setenv("TMPDIR", dir, 1);
    if (CMVideoFormatDescriptionCreate(NULL, 0x61766331, 320, 240, NULL, &g_fmt[0]) != noErr ||
        CMVideoFormatDescriptionCreate(NULL, 0x61766331, 640, 480, NULL, &g_fmt[1]) != noErr)
        VT_TEST_SKIP("CMVideoFormatDescriptionCreate failed");

    test_reencode_all_modes();
    test_unaligned_ranges();
    test_iteration_range_and_abort();
    test_progress();
    test_bad_calls();
    test_unspillable_attachments();
    test_threads();
    test_alloc_failures();

    CFRelease(g_fmt[0]);
    CFRelease(g_fmt[1]);
    /* every temporary file is gone */
    CHECK_MSG(rmdir(dir) == 0, "%s not empty or not removable: %s", dir, strerror(errno));
    return vt_test_result();
}
