/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Benchmark helper (not a test): runs ONE GStreamer pipeline to EOS and
 * prints what it measured as one line of key=value pairs. tests/bench/bench.py
 * calls it many times, interleaving our elements and their peers.
 *
 *   bench_gst [--pace] 'filesrc name=src ... ! <element name=enc> ! ... ! fakesink name=sink'
 *
 * Element names the helper looks for (all optional):
 *   src   first buffer leaving its src pad starts the clock (else: PLAYING);
 *   sink  buffers and bytes counted on its sink pad; EOS there stops the clock
 *         (else: the EOS message);
 *   enc   per-frame latency: time from a buffer entering its sink pad to the
 *         output buffer with the same PTS (less the constant shift some
 *         encoders add, taken from the first output) leaving its src pad, and
 *         the number of buffers that had entered before the first output.
 *
 * Output keys: frames, bytes, ms (first source buffer -> EOS at the sink),
 * fps (frames / ms), cpu_run_ms (user + system CPU time of all threads over
 * that same interval; -1 without src and sink), cpu_ms (the whole process,
 * startup included), maxrss_kb (peak RSS of the process), and with "enc": in_frames, out_frames,
 * delay_frames (inputs submitted before the first output, minus one: 0 = the output of frame N
 * comes before frame N+1 goes in), lat_med_ms, lat_max_ms.
 * --pace only documents that the pipeline paces itself (identity sync=true).
 * BENCH_GST_SMAPS=<file> saves /proc/self/smaps at EOS (memory analysis).
 *
 * Exit status: 0 on EOS, 1 on a pipeline error (message on stderr), 2 on
 * usage errors.
 */
#include <gst/gst.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#define MAX_TRACKED 100000

typedef struct Stats {
    GMutex lock;
    double t_start;    /* first buffer at src's src pad */
    double t_end;      /* EOS at sink's sink pad */
    double cpu_start;  /* process CPU time at t_start, ms */
    double cpu_end;    /* and at t_end */
    guint64 frames;    /* buffers at the sink */
    guint64 bytes;     /* their bytes */
    guint64 in_frames; /* buffers into enc */
    guint64 out_frames;
    gint64 first_out_in; /* in_frames when the first output appeared, -1 */
    gint64 pts_shift;    /* output PTS - input PTS of the same frame */
    /* inputs in flight: pts and entry time, in arrival order */
    GstClockTime *pts;
    double *t_in;
    gboolean *done;
    guint n_in;
    double *lat; /* per output, ms */
    guint n_lat;
} Stats;

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

/* With BENCH_GST_SMAPS=<file>: a copy of /proc/self/smaps at EOS, to see
 * which mappings make up the resident set (where peak RSS differs). */
static void dump_smaps(void) {
    const char *path = g_getenv("BENCH_GST_SMAPS");
    gchar *text = NULL;
    gsize len = 0;
    if (path && path[0] && g_file_get_contents("/proc/self/smaps", &text, &len, NULL))
        g_file_set_contents(path, text, (gssize)len, NULL);
    g_free(text);
}

static GstPadProbeReturn src_probe(GstPad *pad, GstPadProbeInfo *info, gpointer user) {
    Stats *s = user;
    (void)pad;
    (void)info;
    g_mutex_lock(&s->lock);
    if (s->t_start < 0) {
        s->t_start = now_ms();
        s->cpu_start = cpu_ms();
    }
    g_mutex_unlock(&s->lock);
    return GST_PAD_PROBE_REMOVE;
}

static GstPadProbeReturn sink_probe(GstPad *pad, GstPadProbeInfo *info, gpointer user) {
    Stats *s = user;
    (void)pad;
    if (info->type & GST_PAD_PROBE_TYPE_BUFFER) {
        GstBuffer *b = GST_PAD_PROBE_INFO_BUFFER(info);
        g_mutex_lock(&s->lock);
        s->frames++;
        s->bytes += gst_buffer_get_size(b);
        g_mutex_unlock(&s->lock);
    } else if (info->type & GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM) {
        GstEvent *e = GST_PAD_PROBE_INFO_EVENT(info);
        if (GST_EVENT_TYPE(e) == GST_EVENT_EOS) {
            g_mutex_lock(&s->lock);
            s->t_end = now_ms();
            s->cpu_end = cpu_ms();
            g_mutex_unlock(&s->lock);
            dump_smaps();
        }
    }
    return GST_PAD_PROBE_OK;
}

static GstPadProbeReturn enc_in_probe(GstPad *pad, GstPadProbeInfo *info, gpointer user) {
    Stats *s = user;
    GstBuffer *b = GST_PAD_PROBE_INFO_BUFFER(info);
    (void)pad;
    g_mutex_lock(&s->lock);
    s->in_frames++;
    if (s->n_in < MAX_TRACKED) {
        s->pts[s->n_in] = GST_BUFFER_PTS(b);
        s->t_in[s->n_in] = now_ms();
        s->done[s->n_in] = FALSE;
        s->n_in++;
    }
    g_mutex_unlock(&s->lock);
    return GST_PAD_PROBE_OK;
}

static GstPadProbeReturn enc_out_probe(GstPad *pad, GstPadProbeInfo *info, gpointer user) {
    Stats *s = user;
    GstBuffer *b = GST_PAD_PROBE_INFO_BUFFER(info);
    GstClockTime pts = GST_BUFFER_PTS(b);
    double t = now_ms();
    (void)pad;
    g_mutex_lock(&s->lock);
    if (s->first_out_in < 0) {
        s->first_out_in = (gint64)s->in_frames;
        /* Encoders may shift every timestamp (GstVideoEncoder's min-pts,
         * 1000 h with B-frames); the first output is always the first
         * input (the IDR), which gives the shift. */
        if (s->n_in && GST_CLOCK_TIME_IS_VALID(pts) && GST_CLOCK_TIME_IS_VALID(s->pts[0]))
            s->pts_shift = (gint64)pts - (gint64)s->pts[0];
    }
    s->out_frames++;
    pts = (GstClockTime)((gint64)pts - s->pts_shift);
    for (guint i = 0; i < s->n_in; i++) {
        if (!s->done[i] && s->pts[i] == pts) {
            s->done[i] = TRUE;
            if (s->n_lat < MAX_TRACKED)
                s->lat[s->n_lat++] = t - s->t_in[i];
            break;
        }
    }
    g_mutex_unlock(&s->lock);
    return GST_PAD_PROBE_OK;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static gboolean add_probe(GstElement *pipe, const char *name, const char *pad_name,
                          GstPadProbeType type, GstPadProbeCallback cb, Stats *s) {
    GstElement *e = gst_bin_get_by_name(GST_BIN(pipe), name);
    if (!e)
        return FALSE;
    GstPad *pad = gst_element_get_static_pad(e, pad_name);
    gboolean ok = pad != NULL;
    if (pad) {
        gst_pad_add_probe(pad, type, cb, s, NULL);
        gst_object_unref(pad);
    }
    gst_object_unref(e);
    return ok;
}

int main(int argc, char **argv) {
    const char *desc = NULL;
    GError *err = NULL;

    gst_init(&argc, &argv);
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--pace"))
            continue;
        desc = argv[i];
    }
    if (!desc) {
        fprintf(stderr, "usage: bench_gst [--pace] PIPELINE\n");
        return 2;
    }

    Stats s;
    memset(&s, 0, sizeof(s));
    g_mutex_init(&s.lock);
    s.t_start = -1;
    s.t_end = -1;
    s.first_out_in = -1;
    s.pts = g_new0(GstClockTime, MAX_TRACKED);
    s.t_in = g_new0(double, MAX_TRACKED);
    s.done = g_new0(gboolean, MAX_TRACKED);
    s.lat = g_new0(double, MAX_TRACKED);

    GstElement *pipe = gst_parse_launch(desc, &err);
    if (!pipe || err) {
        fprintf(stderr, "bench_gst: cannot parse pipeline: %s\n", err ? err->message : "?");
        return 2;
    }
    add_probe(pipe, "src", "src", GST_PAD_PROBE_TYPE_BUFFER, src_probe, &s);
    gboolean have_sink =
        add_probe(pipe, "sink", "sink",
                  GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM, sink_probe, &s);
    gboolean have_enc =
        add_probe(pipe, "enc", "sink", GST_PAD_PROBE_TYPE_BUFFER, enc_in_probe, &s) &&
        add_probe(pipe, "enc", "src", GST_PAD_PROBE_TYPE_BUFFER, enc_out_probe, &s);

    double t_play = now_ms();
    if (gst_element_set_state(pipe, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE) {
        fprintf(stderr, "bench_gst: cannot start the pipeline\n");
        return 1;
    }
    GstBus *bus = gst_element_get_bus(pipe);
    GstMessage *msg =
        gst_bus_timed_pop_filtered(bus, GST_CLOCK_TIME_NONE, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
    double t_msg = now_ms();
    int rc = 0;
    if (GST_MESSAGE_TYPE(msg) == GST_MESSAGE_ERROR) {
        GError *e = NULL;
        gchar *dbg = NULL;
        gst_message_parse_error(msg, &e, &dbg);
        fprintf(stderr, "bench_gst: error from %s: %s\n%s\n", GST_OBJECT_NAME(msg->src),
                e ? e->message : "?", dbg ? dbg : "");
        g_clear_error(&e);
        g_free(dbg);
        rc = 1;
    }
    gst_message_unref(msg);
    gst_object_unref(bus);
    gst_element_set_state(pipe, GST_STATE_NULL);
    gst_object_unref(pipe);

    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double cpu = cpu_ms();
    double cpu_run = s.t_start >= 0 && s.t_end >= 0 ? s.cpu_end - s.cpu_start : -1;
    double t0 = s.t_start >= 0 ? s.t_start : t_play;
    double t1 = (have_sink && s.t_end >= 0) ? s.t_end : t_msg;
    double ms = t1 - t0;
    printf("frames=%" G_GUINT64_FORMAT " bytes=%" G_GUINT64_FORMAT
           " ms=%.3f fps=%.2f cpu_run_ms=%.1f cpu_ms=%.1f maxrss_kb=%ld",
           s.frames, s.bytes, ms, ms > 0 ? (double)s.frames * 1e3 / ms : 0.0, cpu_run, cpu,
           ru.ru_maxrss);
    if (have_enc) {
        double med = 0, max = 0;
        if (s.n_lat) {
            qsort(s.lat, s.n_lat, sizeof(double), cmp_double);
            med = s.n_lat % 2 ? s.lat[s.n_lat / 2]
                              : 0.5 * (s.lat[s.n_lat / 2 - 1] + s.lat[s.n_lat / 2]);
            max = s.lat[s.n_lat - 1];
        }
        printf(" in_frames=%" G_GUINT64_FORMAT " out_frames=%" G_GUINT64_FORMAT
               " delay_frames=%" G_GINT64_FORMAT " lat_med_ms=%.3f lat_max_ms=%.3f",
               s.in_frames, s.out_frames, s.first_out_in < 0 ? (gint64)-1 : s.first_out_in - 1, med,
               max);
    }
    printf("\n");
    g_free(s.pts);
    g_free(s.t_in);
    g_free(s.done);
    g_free(s.lat);
    g_mutex_clear(&s.lock);
    return rc;
}
