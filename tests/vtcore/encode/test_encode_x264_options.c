/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * vtcore's compression extension keys (<vtcore/vtcore.h>):
 * kVTCoreCompressionPropertyKey_ThreadCount, _X264Preset, _X264Tune.
 *  - SetProperty validates (x264's preset and tune names, ranges, types),
 *    CopyProperty returns what was set, NULL restores "unset", the
 *    supported-property dictionary and the serializable properties list
 *    them;
 *  - the preset reaches x264: ultrafast gives CAVLC (PPS
 *    entropy_coding_mode_flag 0) and no B-frames, medium CABAC;
 *  - ThreadCount 1 is deterministic: two runs give byte-identical streams;
 *  - tune zerolatency alone gives zero frame delay (every frame's output
 *    before the next frame goes in);
 *  - a preset change after the first frame applies at the next frame
 *    (drain and a new x264 instance).
 * Public API plus the vtcore_debug_fail_encoder open counter.
 */
#include "../session/cs_test_util.h"

#include <vtcore/vtcore.h>

#define W 320
#define H 240
#define N 16

static CFDictionaryRef dict1(CFStringRef key, CFTypeRef value) {
    const void *k[1] = {key}, *v[1] = {value};
    return CFDictionaryCreate(NULL, k, v, 1, &kCFTypeDictionaryKeyCallBacks,
                              &kCFTypeDictionaryValueCallBacks);
}

static VTCompressionSessionRef create_x264(CSCollector *c) {
    CFDictionaryRef spec =
        dict1(kVTVideoEncoderSpecification_EncoderID, CFSTR("org.vtcore.x264.h264"));
    VTCompressionSessionRef s = cs_create(W, H, spec, NULL, c);
    CFRelease(spec);
    return s;
}

static OSStatus set_str(VTSessionRef s, CFStringRef key, const char *v) {
    CFStringRef str = CFStringCreateWithCString(NULL, v, kCFStringEncodingUTF8);
    OSStatus st = VTSessionSetProperty(s, key, str);
    CFRelease(str);
    return st;
}

/* 1 if CopyProperty(key) is a CFString equal to v, 0 otherwise; v NULL:
 * 1 if the copy is noErr and NULL. */
static int copy_equals(VTSessionRef s, CFStringRef key, const char *v) {
    CFTypeRef out = NULL;
    OSStatus st = VTSessionCopyProperty(s, key, NULL, &out);
    int ok;
    if (st != noErr)
        return 0;
    if (!v) {
        ok = out == NULL;
    } else {
        CFStringRef want = CFStringCreateWithCString(NULL, v, kCFStringEncodingUTF8);
        ok = out && CFGetTypeID(out) == CFStringGetTypeID() && CFEqual(out, want);
        CFRelease(want);
    }
    if (out)
        CFRelease(out);
    return ok;
}

static void test_keys(void) {
    CHECK(CFEqual(kVTCoreCompressionPropertyKey_ThreadCount, CFSTR("vtcore.ThreadCount")));
    CHECK(CFEqual(kVTCoreCompressionPropertyKey_X264Preset, CFSTR("vtcore.X264Preset")));
    CHECK(CFEqual(kVTCoreCompressionPropertyKey_X264Tune, CFSTR("vtcore.X264Tune")));
}

static void test_set_copy(void) {
    CSCollector c;
    cs_collector_init(&c);
    VTCompressionSessionRef s = create_x264(&c);
    if (!s) {
        CHECK(0);
        return;
    }
    /* unset: noErr and NULL */
    CHECK(copy_equals(s, kVTCoreCompressionPropertyKey_X264Preset, NULL));
    CHECK(copy_equals(s, kVTCoreCompressionPropertyKey_X264Tune, NULL));
    CHECK_EQ_INT(cs_get_i64(s, kVTCoreCompressionPropertyKey_ThreadCount, -7), -7);

    /* presets: every x264 name, nothing else */
    static const char *const presets[] = {"ultrafast", "superfast", "veryfast", "faster",
                                          "fast",      "medium",    "slow",     "slower",
                                          "veryslow",  "placebo"};
    for (size_t i = 0; i < sizeof(presets) / sizeof(presets[0]); i++) {
        CHECK_STATUS(set_str(s, kVTCoreCompressionPropertyKey_X264Preset, presets[i]), noErr);
        CHECK(copy_equals(s, kVTCoreCompressionPropertyKey_X264Preset, presets[i]));
    }
    static const char *const bad_presets[] = {"turbo",  "",        "0",
                                              "Medium", "medium ", "ultrafastultrafast"};
    for (size_t i = 0; i < sizeof(bad_presets) / sizeof(bad_presets[0]); i++) {
        CHECK_STATUS(set_str(s, kVTCoreCompressionPropertyKey_X264Preset, bad_presets[i]),
                     kVTParameterErr);
        /* a refused value leaves the previous one */
        CHECK(copy_equals(s, kVTCoreCompressionPropertyKey_X264Preset, "placebo"));
    }
    CHECK_STATUS(VTSessionSetProperty(s, kVTCoreCompressionPropertyKey_X264Preset, kCFBooleanTrue),
                 kVTParameterErr);
    CHECK_STATUS(cs_set_i32(s, kVTCoreCompressionPropertyKey_X264Preset, 0), kVTParameterErr);
    CHECK_STATUS(VTSessionSetProperty(s, kVTCoreCompressionPropertyKey_X264Preset, NULL), noErr);
    CHECK(copy_equals(s, kVTCoreCompressionPropertyKey_X264Preset, NULL));

    /* tunes: names, comma lists, at most one psy tune */
    static const char *const tunes[] = {"film",
                                        "animation",
                                        "grain",
                                        "stillimage",
                                        "psnr",
                                        "ssim",
                                        "fastdecode",
                                        "zerolatency",
                                        "film,zerolatency",
                                        "fastdecode,zerolatency",
                                        "zerolatency,fastdecode,ssim"};
    for (size_t i = 0; i < sizeof(tunes) / sizeof(tunes[0]); i++) {
        CHECK_STATUS(set_str(s, kVTCoreCompressionPropertyKey_X264Tune, tunes[i]), noErr);
        CHECK(copy_equals(s, kVTCoreCompressionPropertyKey_X264Tune, tunes[i]));
    }
    static const char *const bad_tunes[] = {"",
                                            "fast",
                                            "film,grain",
                                            "zerolatency,",
                                            ",film",
                                            "film,,grain",
                                            "film zerolatency",
                                            "zerolatency,zerolatency,zerolatency,zerolatency,"
                                            "zerolatency,zerolatency"};
    for (size_t i = 0; i < sizeof(bad_tunes) / sizeof(bad_tunes[0]); i++) {
        CHECK_STATUS(set_str(s, kVTCoreCompressionPropertyKey_X264Tune, bad_tunes[i]),
                     kVTParameterErr);
        CHECK(
            copy_equals(s, kVTCoreCompressionPropertyKey_X264Tune, "zerolatency,fastdecode,ssim"));
    }
    CHECK_STATUS(cs_set_f64(s, kVTCoreCompressionPropertyKey_X264Tune, 1.0), kVTParameterErr);
    CHECK_STATUS(VTSessionSetProperty(s, kVTCoreCompressionPropertyKey_X264Tune, NULL), noErr);
    CHECK(copy_equals(s, kVTCoreCompressionPropertyKey_X264Tune, NULL));

    /* threads: 0..128 */
    CHECK_STATUS(cs_set_i32(s, kVTCoreCompressionPropertyKey_ThreadCount, 1), noErr);
    CHECK_EQ_INT(cs_get_i64(s, kVTCoreCompressionPropertyKey_ThreadCount, -7), 1);
    CHECK_STATUS(cs_set_i32(s, kVTCoreCompressionPropertyKey_ThreadCount, 0), noErr);
    CHECK_EQ_INT(cs_get_i64(s, kVTCoreCompressionPropertyKey_ThreadCount, -7), 0);
    CHECK_STATUS(cs_set_i32(s, kVTCoreCompressionPropertyKey_ThreadCount, 128), noErr);
    CHECK_STATUS(cs_set_i32(s, kVTCoreCompressionPropertyKey_ThreadCount, -1), kVTParameterErr);
    CHECK_STATUS(cs_set_i32(s, kVTCoreCompressionPropertyKey_ThreadCount, 129), kVTParameterErr);
    CHECK_EQ_INT(cs_get_i64(s, kVTCoreCompressionPropertyKey_ThreadCount, -7), 128);
    CHECK_STATUS(set_str(s, kVTCoreCompressionPropertyKey_ThreadCount, "2"), kVTParameterErr);
    CHECK_STATUS(VTSessionSetProperty(s, kVTCoreCompressionPropertyKey_ThreadCount, NULL), noErr);
    CHECK_EQ_INT(cs_get_i64(s, kVTCoreCompressionPropertyKey_ThreadCount, -7), -7);

    /* listed: supported dictionary (read/write), serializable once set */
    CFDictionaryRef sup = NULL;
    CHECK_STATUS(VTSessionCopySupportedPropertyDictionary(s, &sup), noErr);
    if (sup) {
        CHECK(CFDictionaryContainsKey(sup, kVTCoreCompressionPropertyKey_ThreadCount));
        CHECK(CFDictionaryContainsKey(sup, kVTCoreCompressionPropertyKey_X264Preset));
        CHECK(CFDictionaryContainsKey(sup, kVTCoreCompressionPropertyKey_X264Tune));
        CFDictionaryRef d = CFDictionaryGetValue(sup, kVTCoreCompressionPropertyKey_X264Preset);
        CHECK(d && CFEqual(CFDictionaryGetValue(d, kVTPropertyReadWriteStatusKey),
                           kVTPropertyReadWriteStatus_ReadWrite));
        CFRelease(sup);
    }
    CFDictionaryRef ser = NULL;
    CHECK_STATUS(VTSessionCopySerializableProperties(s, NULL, &ser), noErr);
    if (ser) {
        CHECK(!CFDictionaryContainsKey(ser, kVTCoreCompressionPropertyKey_X264Preset));
        CFRelease(ser);
    }
    CHECK_STATUS(set_str(s, kVTCoreCompressionPropertyKey_X264Preset, "fast"), noErr);
    CHECK_STATUS(cs_set_i32(s, kVTCoreCompressionPropertyKey_ThreadCount, 3), noErr);
    CHECK_STATUS(VTSessionCopySerializableProperties(s, NULL, &ser), noErr);
    if (ser) {
        CFTypeRef v = CFDictionaryGetValue(ser, kVTCoreCompressionPropertyKey_X264Preset);
        CHECK(v && CFEqual(v, CFSTR("fast")));
        CHECK(CFDictionaryContainsKey(ser, kVTCoreCompressionPropertyKey_ThreadCount));
        CHECK(!CFDictionaryContainsKey(ser, kVTCoreCompressionPropertyKey_X264Tune));
        CFRelease(ser);
    }
    /* set as a dictionary, too */
    CFDictionaryRef props = dict1(kVTCoreCompressionPropertyKey_X264Tune, CFSTR("psnr"));
    CHECK_STATUS(VTSessionSetProperties(s, props), noErr);
    CFRelease(props);
    CHECK(copy_equals(s, kVTCoreCompressionPropertyKey_X264Tune, "psnr"));

    /* the encoder-level dictionary lists them as well */
    CFDictionaryRef enc_props = NULL;
    CFStringRef enc_id = NULL;
    CFDictionaryRef spec =
        dict1(kVTVideoEncoderSpecification_EncoderID, CFSTR("org.vtcore.x264.h264"));
    CHECK_STATUS(
        VTCopySupportedPropertyDictionaryForEncoder(W, H, CODEC_H264, spec, &enc_id, &enc_props),
        noErr);
    CFRelease(spec);
    if (enc_props) {
        CHECK(CFDictionaryContainsKey(enc_props, kVTCoreCompressionPropertyKey_X264Tune));
        CFRelease(enc_props);
    }
    if (enc_id)
        CFRelease(enc_id);

    VTCompressionSessionInvalidate(s);
    /* after Invalidate: the usual error */
    CHECK_STATUS(set_str(s, kVTCoreCompressionPropertyKey_X264Preset, "fast"),
                 kVTInvalidSessionErr);
    CFRelease(s);
    cs_collector_free(&c);
}

/* ---- encoded streams ---- */

typedef struct Run {
    int outputs;
    int b_frames;
    int entropy_first; /* PPS entropy_coding_mode_flag of the first output */
    int entropy_last;  /* ... of the last output */
    int max_delay;     /* most frames submitted without their output */
    uint8_t *bytes;    /* every sample's payload, in output order */
    size_t size;
    long opens;
} Run;

static int pps_entropy(CMSampleBufferRef sb) {
    CMFormatDescriptionRef fd = CMSampleBufferGetFormatDescription(sb);
    const uint8_t *pps = NULL;
    size_t size = 0, count = 0;
    if (!fd ||
        CMVideoFormatDescriptionGetH264ParameterSetAtIndex(fd, 1, &pps, &size, &count, NULL) !=
            noErr ||
        size < 2)
        return -1;
    CSBits b = {pps + 1, size - 1, 0};
    (void)cs_ue(&b); /* pic_parameter_set_id */
    (void)cs_ue(&b); /* seq_parameter_set_id */
    return cs_bit(&b);
}

typedef struct Settings {
    const char *preset; /* NULL = unset */
    const char *tune;
    int threads;              /* < 0 = unset */
    const char *preset_after; /* set after half of the frames, NULL = none */
    int no_rate;              /* leave ExpectedFrameRate unset */
} Settings;

static void run_stream(const Settings *cfg, Run *r) {
    memset(r, 0, sizeof(*r));
    r->entropy_first = r->entropy_last = -2;
    CSCollector c;
    cs_collector_init(&c);
    VTCompressionSessionRef s = create_x264(&c);
    if (!s) {
        CHECK(0);
        return;
    }
    CHECK_STATUS(cs_set_i32(s, kVTCompressionPropertyKey_AverageBitRate, 400000), noErr);
    if (!cfg->no_rate)
        CHECK_STATUS(cs_set_f64(s, kVTCompressionPropertyKey_ExpectedFrameRate, 30.0), noErr);
    if (cfg->preset)
        CHECK_STATUS(set_str(s, kVTCoreCompressionPropertyKey_X264Preset, cfg->preset), noErr);
    if (cfg->tune)
        CHECK_STATUS(set_str(s, kVTCoreCompressionPropertyKey_X264Tune, cfg->tune), noErr);
    if (cfg->threads >= 0)
        CHECK_STATUS(cs_set_i32(s, kVTCoreCompressionPropertyKey_ThreadCount, cfg->threads), noErr);
    /* AllowFrameReordering reads back whether B-frames are possible */
    int no_b = (cfg->preset && strcmp(cfg->preset, "ultrafast") == 0) ||
               (cfg->tune && strstr(cfg->tune, "zerolatency"));
    CHECK_EQ_INT(cs_get_bool(s, kVTCompressionPropertyKey_AllowFrameReordering), !no_b);
    vtcore_debug_fail_encoder(VTCORE_FAULT_ENCODER_OPEN, 0); /* reset the count */
    CHECK_STATUS(VTCompressionSessionPrepareToEncodeFrames(s), noErr);
    for (int i = 0; i < N; i++) {
        if (cfg->preset_after && i == N / 2) {
            CHECK_STATUS(set_str(s, kVTCoreCompressionPropertyKey_X264Preset, cfg->preset_after),
                         noErr);
            CHECK(copy_equals(s, kVTCoreCompressionPropertyKey_X264Preset, cfg->preset_after));
        }
        CHECK_EQ_INT(cs_encode_pattern(s, FOURCC_I420, W, H, i, 1, NULL), 1);
        pthread_mutex_lock(&c.lock);
        int delay = (i + 1) - c.count;
        pthread_mutex_unlock(&c.lock);
        if (delay > r->max_delay)
            r->max_delay = delay;
    }
    CHECK_STATUS(VTCompressionSessionCompleteFrames(s, kCMTimeInvalid), noErr);
    r->opens = vtcore_debug_fail_encoder(VTCORE_FAULT_ENCODER_OPEN, 0);
    CHECK_EQ_INT(c.count, N);
    r->outputs = c.count;
    for (int i = 0; i < c.count; i++) {
        CMSampleBufferRef sb = c.items[i].sample;
        CHECK_EQ_INT(c.items[i].status, noErr);
        if (!sb)
            continue;
        CSSampleInfo info = cs_sample_info(sb);
        CHECK(info.well_formed);
        if (info.slice_type == 1)
            r->b_frames++;
        CFDictionaryRef att = cs_sample_attachments(sb);
        if (!cfg->preset_after) /* B-frames possible <=> flagged */
            CHECK(att && (CFDictionaryContainsKey(
                              att, kCMSampleAttachmentKey_EarlierDisplayTimesAllowed) == !no_b));
        int e = pps_entropy(sb);
        if (i == 0)
            r->entropy_first = e;
        r->entropy_last = e;
        size_t size;
        uint8_t *p = cs_sample_bytes(sb, &size);
        if (p) {
            uint8_t *grown = realloc(r->bytes, r->size + size);
            CHECK(grown != NULL);
            if (grown) {
                memcpy(grown + r->size, p, size);
                r->bytes = grown;
                r->size += size;
            }
            free(p);
        }
    }
    VTCompressionSessionInvalidate(s);
    CFRelease(s);
    cs_collector_free(&c);
}

static void test_presets_reach_x264(void) {
    Run fast, med, deflt;
    Settings a = {"ultrafast", NULL, -1, NULL};
    Settings b = {"medium", NULL, -1, NULL};
    Settings d = {NULL, NULL, -1, NULL};
    run_stream(&a, &fast);
    run_stream(&b, &med);
    run_stream(&d, &deflt);
    /* ultrafast: CAVLC, no B-frames; medium: CABAC */
    CHECK_EQ_INT(fast.entropy_first, 0);
    CHECK_EQ_INT(fast.b_frames, 0);
    CHECK_EQ_INT(med.entropy_first, 1);
    /* without the key vtcore's own choice (medium) */
    CHECK_EQ_INT(deflt.entropy_first, 1);
    CHECK(fast.size > 0 && med.size > 0);
    CHECK_EQ_INT(fast.opens, 1);
    CHECK_EQ_INT(med.opens, 1);
    free(fast.bytes);
    free(med.bytes);
    free(deflt.bytes);
}

static void test_threads_one_deterministic(void) {
    Run r1, r2;
    Settings t = {"veryfast", NULL, 1, NULL};
    run_stream(&t, &r1);
    run_stream(&t, &r2);
    CHECK_EQ_INT(r1.outputs, N);
    CHECK(r1.size > 0);
    CHECK_EQ_INT((long)r1.size, (long)r2.size);
    CHECK(r1.size == r2.size && r1.bytes && r2.bytes && memcmp(r1.bytes, r2.bytes, r1.size) == 0);
    free(r1.bytes);
    free(r2.bytes);
}

static void test_zerolatency_tune(void) {
    Run zl, zl_norate, zl_film, plain;
    Settings z = {"medium", "zerolatency", -1, NULL, 0};
    Settings zn = {NULL, "zerolatency", -1, NULL, 1};
    Settings zf = {"veryfast", "film,zerolatency", -1, NULL, 1};
    Settings p = {"medium", NULL, -1, NULL, 0};
    run_stream(&z, &zl);
    run_stream(&zn, &zl_norate);
    run_stream(&zf, &zl_film);
    run_stream(&p, &plain);
    /* zero delay: each frame's output is out before the next goes in, with
     * or without a frame rate hint, with another tune in the list */
    CHECK_EQ_INT(zl.max_delay, 0);
    CHECK_EQ_INT(zl.b_frames, 0);
    CHECK_EQ_INT(zl_norate.max_delay, 0);
    CHECK_EQ_INT(zl_film.max_delay, 0);
    free(zl_norate.bytes);
    free(zl_film.bytes);
    /* without the tune, medium holds frames (lookahead, B-frames) */
    CHECK(plain.max_delay > 0);
    free(zl.bytes);
    free(plain.bytes);
}

static void test_preset_change_midstream(void) {
    Run r;
    Settings m = {"medium", NULL, -1, "ultrafast"};
    run_stream(&m, &r);
    /* the first frames CABAC, the last ones (new instance) CAVLC */
    CHECK_EQ_INT(r.entropy_first, 1);
    CHECK_EQ_INT(r.entropy_last, 0);
    CHECK_EQ_INT(r.opens, 2);
    free(r.bytes);
}

int main(void) {
    test_keys();
    VTCompressionSessionRef probe = NULL;
    CFDictionaryRef spec =
        dict1(kVTVideoEncoderSpecification_EncoderID, CFSTR("org.vtcore.x264.h264"));
    OSStatus st = VTCompressionSessionCreate(NULL, W, H, CODEC_H264, spec, NULL, NULL, cs_output_cb,
                                             NULL, &probe);
    CFRelease(spec);
    if (st != noErr)
        VT_TEST_SKIP("x264 encoder not available (%d)", (int)st);
    VTCompressionSessionInvalidate(probe);
    CFRelease(probe);

    test_set_copy();
    test_presets_reach_x264();
    test_threads_one_deterministic();
    test_zerolatency_tune();
    test_preset_change_midstream();
    return vt_test_result();
}
