/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Caps into the GStreamer elements (vtenc_h264, vtenc, vttransfer) through
 * GstHarness: a caps string either taken verbatim from the input or
 * assembled from interesting values (every raw format name, sizes 0/1/odd/
 * huge, framerates 0/1, -1/1, MAX, interlace modes, colorimetry and chroma
 * site strings, pixel aspect ratios), downstream caps for vttransfer, random
 * element properties; then a few frames of the negotiated size and EOS.
 * Checked: no crash, no hang; a buffer pushed after negotiation is either
 * accepted or refused with a flow error, never lost silently past EOS.
 *
 * The plugin is loaded from the build (VTCORE_FUZZ_GST_PLUGIN_DIR, set by
 * meson); a private registry file is used unless GST_REGISTRY_1_0 is set.
 * GLib keeps process-lifetime allocations: run with ASAN_OPTIONS=detect_leaks=0.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <gst/check/gstharness.h>
#include <gst/gst.h>
#include <gst/video/video.h>

#include "fuzz_common.h"

#ifndef VTCORE_FUZZ_GST_PLUGIN_DIR
#define VTCORE_FUZZ_GST_PLUGIN_DIR "."
#endif

static const char *const elements[] = {"vtenc_h264", "vttransfer", "vtenc"};

static const char *const formats[] = {
    "I420",      "NV12", "NV21", "YV12",      "Y42B",        "Y444",    "NV16", "NV24", "YUY2",
    "UYVY",      "BGRA", "RGBA", "ARGB",      "ABGR",        "BGRx",    "RGB",  "BGR",  "GRAY8",
    "P010_10LE", "v210", "AYUV", "I420_10LE", "NV12_10LE32", "ENCODED", "NOPE", "",
};

static const char *const strings[] = {
    "progressive", "interleaved", "mixed",    "alternate", "bt709",   "bt601",
    "bt2020",      "sRGB",        "2:4:16:4", "1:3:5:1",   "0:0:0:0", "jpeg",
    "mpeg2",       "dv",          "cosited",  "none",      "x",
};

static void append(char *buf, size_t cap, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
static void append(char *buf, size_t cap, const char *fmt, ...) {
    size_t len = strlen(buf);
    va_list ap;
    if (len + 1 >= cap)
        return;
    va_start(ap, fmt);
    vsnprintf(buf + len, cap - len, fmt, ap);
    va_end(ap);
}

static int fz_int_value(FuzzInput *in) {
    static const int special[] = {
        0, 1, 2, 3, 16, 17, 33, 64, 1920, 1080, 16384, 16385, -1, 2147483647, -2147483647 - 1};
    uint8_t sel = fz_u8(in);
    if (sel < 96)
        return special[sel % (sizeof(special) / sizeof(special[0]))];
    if (sel < 224)
        return 1 + fz_u8(in) % 80;
    return (int)fz_u32(in);
}

/* Caps assembled from interesting values. */
static void build_caps(FuzzInput *in, char *buf, size_t cap) {
    uint8_t fields = fz_u8(in);
    buf[0] = '\0';
    append(buf, cap, "%s", fz_u8(in) < 240 ? "video/x-raw" : "video/x-h264");
    if (fields & 1)
        append(buf, cap, ",format=%s", formats[fz_below(in, sizeof(formats) / sizeof(formats[0]))]);
    if (fields & 2) {
        int w = fz_int_value(in);
        append(buf, cap, ",width=%d", w);
    }
    if (fields & 4) {
        int h = fz_int_value(in);
        append(buf, cap, ",height=%d", h);
    }
    if (fields & 8) {
        int n = fz_int_value(in);
        int d = fz_int_value(in);
        append(buf, cap, ",framerate=%d/%d", n, d);
    }
    if (fields & 16) {
        int n = fz_int_value(in);
        int d = fz_int_value(in);
        append(buf, cap, ",pixel-aspect-ratio=%d/%d", n, d);
    }
    if (fields & 32)
        append(buf, cap, ",interlace-mode=%s",
               strings[fz_below(in, sizeof(strings) / sizeof(strings[0]))]);
    if (fields & 64)
        append(buf, cap, ",colorimetry=%s",
               strings[fz_below(in, sizeof(strings) / sizeof(strings[0]))]);
    if (fields & 128)
        append(buf, cap, ",chroma-site=%s",
               strings[fz_below(in, sizeof(strings) / sizeof(strings[0]))]);
    if (fz_u8(in) > 240)
        append(buf, cap, ";video/x-raw,format={I420,NV12},width=[1,64],height=[1,64]");
}

/* Caps text: verbatim bytes (a NUL ends them) or assembled. */
static void caps_text(FuzzInput *in, char *buf, size_t cap) {
    if (fz_u8(in) < 40) {
        size_t n;
        const uint8_t *p = fz_bytes(in, fz_u8(in) % (cap - 1), &n);
        memcpy(buf, p, n);
        buf[n] = '\0';
    } else {
        build_caps(in, buf, cap);
    }
}

static void set_properties(FuzzInput *in, GstElement *e) {
    guint n_props = 0, i, n;
    GParamSpec **props = g_object_class_list_properties(G_OBJECT_GET_CLASS(e), &n_props);
    n = fz_u8(in) % 4;
    for (i = 0; i < n && n_props; i++) {
        GParamSpec *ps = props[fz_below(in, n_props)];
        GValue v = G_VALUE_INIT;
        if (!(ps->flags & G_PARAM_WRITABLE) || (ps->flags & G_PARAM_CONSTRUCT_ONLY))
            continue;
        g_value_init(&v, ps->value_type);
        switch (G_TYPE_FUNDAMENTAL(ps->value_type)) {
        case G_TYPE_BOOLEAN:
            g_value_set_boolean(&v, fz_bool(in));
            break;
        case G_TYPE_INT:
            g_value_set_int(&v, (int)fz_int(in));
            break;
        case G_TYPE_UINT:
            g_value_set_uint(&v, (guint)fz_int(in));
            break;
        case G_TYPE_INT64:
            g_value_set_int64(&v, fz_int(in));
            break;
        case G_TYPE_UINT64:
            g_value_set_uint64(&v, (guint64)fz_int(in));
            break;
        case G_TYPE_DOUBLE:
            g_value_set_double(&v, fz_double(in));
            break;
        case G_TYPE_ENUM:
            g_value_set_enum(&v, (int)(fz_u8(in) % 6));
            break;
        case G_TYPE_STRING: {
            static const char *const s[] = {"",      "1000000,1",
                                            "1,2,3", "a,b",
                                            "nan,1", "com.apple.videotoolbox.videoencoder.h264",
                                            "x264",  "vaapi",
                                            "-1,-1", "1e308,0"};
            g_value_set_string(&v, s[fz_u8(in) % (sizeof(s) / sizeof(s[0]))]);
            break;
        }
        default:
            g_value_unset(&v);
            continue;
        }
        /* Out-of-range values are refused by GObject (with a warning). */
        if (!g_param_value_validate(ps, &v))
            g_object_set_property(G_OBJECT(e), ps->name, &v);
        g_value_unset(&v);
    }
    g_free(props);
}

/* Non-zero while the element is working (events, buffers, state changes,
 * properties). GStreamer's own parser logs criticals for garbage caps
 * strings; those are not ours. */
static int in_element;

/* Warnings and below are dropped (unless VTCORE_FUZZ_VERBOSE); a critical
 * or error while the element works is a bug (the fuzzer only makes valid
 * calls): print it and abort, which libFuzzer reports with the input. */
static void log_handler(const gchar *domain, GLogLevelFlags level, const gchar *msg,
                        gpointer data) {
    (void)data;
    if ((level & G_LOG_LEVEL_ERROR) || ((level & G_LOG_LEVEL_CRITICAL) && in_element)) {
        fprintf(stderr, "%s-CRITICAL: %s\n", domain ? domain : "?", msg);
        abort();
    }
    if (getenv("VTCORE_FUZZ_VERBOSE"))
        fprintf(stderr, "%s: %s\n", domain ? domain : "?", msg);
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc;
    (void)argv;
    fz_quiet_logs();
    if (!getenv("GST_REGISTRY_1_0")) {
        static char path[256];
        snprintf(path, sizeof(path), "%s/fuzz-caps-registry.bin", VTCORE_FUZZ_GST_PLUGIN_DIR);
        setenv("GST_REGISTRY_1_0", path, 0);
    }
    setenv("GST_REGISTRY_FORK", "no", 0);
    gst_init(NULL, NULL);
    gst_registry_scan_path(gst_registry_get(), VTCORE_FUZZ_GST_PLUGIN_DIR);
    g_log_set_default_handler(log_handler, NULL);
    if (!getenv("VTCORE_FUZZ_VERBOSE"))
        gst_debug_set_default_threshold(GST_LEVEL_NONE);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    FuzzInput in;
    const char *name;
    char src_caps[256], sink_caps[256];
    GstHarness *h;
    GstVideoInfo info;
    GstCaps *caps;
    int i, frames, pulled = 0;

    fz_init(&in, data, size);
    name = elements[fz_u8(&in) % (sizeof(elements) / sizeof(elements[0]))];
    /* gst_harness_new() would also set PLAYING and assert that it works. */
    {
        static GstStaticPadTemplate any_src =
            GST_STATIC_PAD_TEMPLATE("src", GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS_ANY);
        static GstStaticPadTemplate any_sink =
            GST_STATIC_PAD_TEMPLATE("sink", GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS_ANY);
        GstElement *e = gst_element_factory_make(name, NULL);
        GstStateChangeReturn r;
        if (!e)
            return 0;
        /* The harness asserts that PLAYING works: an element that cannot
         * start (e.g. without a transfer engine) is a clean failure here. */
        in_element = 1;
        r = gst_element_set_state(e, GST_STATE_PLAYING);
        gst_element_set_state(e, GST_STATE_NULL);
        in_element = 0;
        if (r == GST_STATE_CHANGE_FAILURE) {
            gst_object_unref(e);
            return 0;
        }
        h = gst_harness_new_empty();
        gst_harness_add_element_full(h, e, &any_src, "sink", &any_sink, "src");
        gst_object_unref(e);
    }
    in_element = 1;
    set_properties(&in, h->element);
    in_element = 0;
    caps_text(&in, src_caps, sizeof(src_caps));
    if (fz_u8(&in) < 100) {
        GstCaps *sink;
        caps_text(&in, sink_caps, sizeof(sink_caps));
        sink = gst_caps_from_string(sink_caps);
        if (sink)
            gst_harness_set_sink_caps(h, sink); /* takes the reference */
    }
    caps = gst_caps_from_string(src_caps);
    in_element = 1;
    gst_harness_play(h);
    gst_harness_push_event(h, gst_event_new_stream_start("fuzz"));
    if (caps) {
        /* Queries take any caps; only fixed caps can travel as an event. */
        GstCaps *peer = gst_pad_peer_query_caps(h->srcpad, caps);
        if (peer)
            gst_caps_unref(peer);
        if (gst_caps_is_fixed(caps)) {
            (void)gst_pad_peer_query_accept_caps(h->srcpad, caps);
            (void)gst_harness_push_event(h, gst_event_new_caps(caps));
        }
    }
    {
        GstSegment segment;
        gst_segment_init(&segment, GST_FORMAT_TIME);
        (void)gst_harness_push_event(h, gst_event_new_segment(&segment));
    }

    /* Frames of the size the caps describe (when they describe one). */
    frames = fz_u8(&in) % 4;
    if (caps && gst_caps_is_fixed(caps) && gst_video_info_from_caps(&info, caps) &&
        GST_VIDEO_INFO_SIZE(&info) <= (4u << 20)) {
        for (i = 0; i < frames; i++) {
            GstBuffer *buf = gst_harness_create_buffer(h, GST_VIDEO_INFO_SIZE(&info));
            GstFlowReturn ret;
            /* Always initialised (valgrind runs this replay too). */
            gst_buffer_memset(buf, 0, fz_u8(&in), GST_VIDEO_INFO_SIZE(&info));
            GST_BUFFER_PTS(buf) = (GstClockTime)i * 33333333;
            GST_BUFFER_DURATION(buf) = 33333333;
            ret = gst_harness_push(h, buf);
            if (ret != GST_FLOW_OK)
                break;
            while ((buf = gst_harness_try_pull(h)) != NULL) {
                pulled++;
                gst_buffer_unref(buf);
            }
        }
    } else if (frames) {
        /* A buffer of a wrong size after (failed or odd) negotiation. */
        size_t n = 1 + fz_u8(&in);
        GstBuffer *buf = gst_harness_create_buffer(h, n);
        gst_buffer_memset(buf, 0, 0x80, n);
        (void)gst_harness_push(h, buf);
    }
    if (caps)
        gst_caps_unref(caps);
    gst_harness_push_event(h, gst_event_new_eos());
    {
        GstBuffer *buf;
        while ((buf = gst_harness_try_pull(h)) != NULL) {
            pulled++;
            gst_buffer_unref(buf);
        }
    }
    if (getenv("VTCORE_FUZZ_VERBOSE"))
        fprintf(stderr, "%s: caps \"%s\": %d buffers out\n", name, src_caps, pulled);
    gst_harness_teardown(h);
    in_element = 0;
    return 0;
}
