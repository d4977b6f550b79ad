/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Pipeline soak (docs/hardening.md, "Soak"):
 *
 *   videotestsrc num-buffers=10000 (160x120 I420) ! vttransfer !
 *   capsfilter (NV12, 160x120, then 176x144) ! vtenc realtime=true !
 *   fakesink
 *
 * A probe on vttransfer's sink pad changes vtenc's bitrate every 500
 * buffers and switches the capsfilter to 176x144 at buffer 5000 (one
 * resolution change: vttransfer scales, vtenc drains and starts a new
 * session); a probe on the sink requests a key frame (upstream
 * force-key-unit) every 300 buffers. Checked at the sink: exactly 10,000
 * buffers, each PTS once, the first 5000 at 160x120 and the rest at 176x144,
 * a key frame for every request, stream order rules (caps and segment
 * before buffers, nothing after EOS), EOS within a timeout. RSS is sampled
 * every 500 buffers (after malloc_trim, as in tests/vtcore/soak) and
 * printed; growth after buffer 2000 must stay under 8 MiB (not judged in
 * sanitizer builds).
 *
 * VTCORE_SOAK_BUFFERS overrides the count (at least 1000).
 */
#include "gst_test_util.h"

#include <malloc.h>
#include <unistd.h>

#define SOAK_BUFFERS  10000
#define BITRATE_EVERY 500
#define KEY_EVERY     300
#define RSS_EVERY     500
#define RSS_WARMUP    2000
#define RSS_LIMIT_MIB 8
#define W1            160
#define H1            120
#define W2            176
#define H2            144

typedef struct
{
  GMutex lock;
  guint n;   /* buffers wanted */
  guint in;  /* at vttransfer's sink */
  guint out; /* at the sink */
  guint out_small, out_large;
  guint keyframes_after_request, requests, refused_requests;
  gboolean request_pending;
  gint width; /* of the sink's current caps */
  gboolean caps, segment, eos;
  guint violations, duplicates;
  GHashTable *pts;
  GstElement *enc, *filter;
  GstPad *enc_src;
  long *rss;
  guint n_rss;
} Soak;

static long
rss_kib (void)
{
  long size = 0, resident = -1;
  FILE *f;

  malloc_trim (0);
  f = fopen ("/proc/self/statm", "r");
  if (!f)
    return -1;
  if (fscanf (f, "%ld %ld", &size, &resident) != 2)
    resident = -1;
  fclose (f);
  return resident < 0 ? -1 : resident * (sysconf (_SC_PAGESIZE) / 1024);
}

/* Upstream of the encoder: property changes and the size switch. */
static GstPadProbeReturn
in_probe (GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
  Soak *s = data;
  guint i;

  g_mutex_lock (&s->lock);
  i = s->in++;
  g_mutex_unlock (&s->lock);
  if (i % BITRATE_EVERY == 0)
    g_object_set (s->enc, "bitrate", 150 + 100 * ((i / BITRATE_EVERY) % 4),
        NULL);
  if (i == s->n / 2) {
    GstCaps *caps = gst_caps_new_simple ("video/x-raw", "format", G_TYPE_STRING,
        "NV12", "width", G_TYPE_INT, W2, "height", G_TYPE_INT, H2, NULL);

    g_object_set (s->filter, "caps", caps, NULL);
    gst_caps_unref (caps);
  }
  return GST_PAD_PROBE_OK;
}

/* At the sink: counts, order rules, key frame requests, RSS. */
static GstPadProbeReturn
out_probe (GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
  Soak *s = data;
  gboolean request = FALSE;

  g_mutex_lock (&s->lock);
  if (info->type & GST_PAD_PROBE_TYPE_BUFFER) {
    GstBuffer *b = GST_PAD_PROBE_INFO_BUFFER (info);
    GstClockTime pts = GST_BUFFER_PTS (b);

    if (!s->caps || !s->segment || s->eos)
      s->violations++;
    if (!GST_CLOCK_TIME_IS_VALID (pts)
        || g_hash_table_contains (s->pts, GSIZE_TO_POINTER (pts)))
      s->duplicates++;
    g_hash_table_add (s->pts, GSIZE_TO_POINTER (pts));
    if (s->width == W1)
      s->out_small++;
    else if (s->width == W2)
      s->out_large++;
    if (s->request_pending
        && !GST_BUFFER_FLAG_IS_SET (b, GST_BUFFER_FLAG_DELTA_UNIT)) {
      s->keyframes_after_request++;
      s->request_pending = FALSE;
    }
    s->out++;
    if (s->out % KEY_EVERY == 0 && s->out < s->n) {
      request = TRUE;
      s->requests++;
      s->request_pending = TRUE;
    }
    if (s->out % RSS_EVERY == 0 && s->n_rss <= s->n / RSS_EVERY)
      s->rss[s->n_rss++] = rss_kib ();
  } else {
    GstEvent *ev = GST_PAD_PROBE_INFO_EVENT (info);

    if (GST_EVENT_TYPE (ev) == GST_EVENT_CAPS) {
      GstCaps *caps;

      gst_event_parse_caps (ev, &caps);
      gst_structure_get_int (gst_caps_get_structure (caps, 0), "width",
          &s->width);
      s->caps = TRUE;
    } else if (GST_EVENT_TYPE (ev) == GST_EVENT_SEGMENT) {
      s->segment = TRUE;
    } else if (GST_EVENT_TYPE (ev) == GST_EVENT_EOS) {
      if (s->eos)
        s->violations++;
      s->eos = TRUE;
    }
  }
  g_mutex_unlock (&s->lock);
  if (request
      && !gst_pad_send_event (s->enc_src,
          gst_video_event_new_upstream_force_key_unit (GST_CLOCK_TIME_NONE,
              FALSE, 0))) {
    g_mutex_lock (&s->lock);
    s->refused_requests++;
    g_mutex_unlock (&s->lock);
  }
  return GST_PAD_PROBE_OK;
}

static void
probe (GstElement *pipe, const gchar *name, const gchar *pad_name,
    GstPadProbeType type, GstPadProbeCallback cb, Soak *s)
{
  GstElement *e = gst_bin_get_by_name (GST_BIN (pipe), name);
  GstPad *pad = gst_element_get_static_pad (e, pad_name);

  gst_pad_add_probe (pad, type, cb, s, NULL);
  gst_object_unref (pad);
  gst_object_unref (e);
}

GST_START_TEST (test_soak)
{
  const gchar *env = g_getenv ("VTCORE_SOAK_BUFFERS");
  Soak s;
  gchar *desc;
  GError *err = NULL;
  GstElement *pipe;
  GstBus *bus;
  GstMessage *msg;
  gboolean sanitized = FALSE;

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  sanitized = TRUE;
#endif
  memset (&s, 0, sizeof (s));
  g_mutex_init (&s.lock);
  s.n = env ? MAX (1000, (guint) g_ascii_strtoull (env, NULL, 10))
            : SOAK_BUFFERS;
  s.pts = g_hash_table_new (NULL, NULL);
  s.rss = g_new0 (long, s.n / RSS_EVERY + 2);
  desc = g_strdup_printf ("videotestsrc name=src pattern=ball num-buffers=%u ! "
                          "video/x-raw,format=I420,width=%d,height=%d,"
                          "framerate=30/1 ! vttransfer name=xfer ! "
                          "capsfilter name=filter caps=video/x-raw,"
                          "format=NV12,width=%d,height=%d ! "
                          "vtenc name=enc realtime=true bitrate=200 ! "
                          "fakesink name=sink sync=false",
      s.n, W1, H1, W1, H1);
  pipe = gst_parse_launch (desc, &err);
  fail_unless (pipe != NULL && err == NULL, "%s", err ? err->message : "?");
  s.enc = gst_bin_get_by_name (GST_BIN (pipe), "enc");
  s.filter = gst_bin_get_by_name (GST_BIN (pipe), "filter");
  s.enc_src = gst_element_get_static_pad (s.enc, "src");
  probe (pipe, "xfer", "sink", GST_PAD_PROBE_TYPE_BUFFER, in_probe, &s);
  probe (pipe, "sink", "sink",
      GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM,
      out_probe, &s);

  bus = gst_element_get_bus (pipe);
  fail_if (gst_element_set_state (pipe, GST_STATE_PLAYING)
      == GST_STATE_CHANGE_FAILURE);
  /* a stall fails here instead of blocking CI */
  msg = gst_bus_timed_pop_filtered (bus, 240 * GST_SECOND,
      GST_MESSAGE_EOS | GST_MESSAGE_ERROR | GST_MESSAGE_WARNING);
  fail_unless (msg != NULL, "no EOS: stalled after %u buffers", s.out);
  if (GST_MESSAGE_TYPE (msg) != GST_MESSAGE_EOS) {
    GError *e = NULL;
    gchar *debug = NULL;

    if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR)
      gst_message_parse_error (msg, &e, &debug);
    else
      gst_message_parse_warning (msg, &e, &debug);
    fail ("%s from %s: %s (%s)", GST_MESSAGE_TYPE_NAME (msg),
        GST_OBJECT_NAME (GST_MESSAGE_SRC (msg)), e ? e->message : "?",
        debug ? debug : "");
  }
  gst_message_unref (msg);
  fail_if (
      gst_element_set_state (pipe, GST_STATE_NULL) == GST_STATE_CHANGE_FAILURE);

  g_print ("buffers: %u in, %u out (%u at %dx%d, %u at %dx%d), %u key frame "
           "requests, %u honoured\n",
      s.in, s.out, s.out_small, W1, H1, s.out_large, W2, H2, s.requests,
      s.keyframes_after_request);
  fail_unless_equals_int (s.in, s.n);
  fail_unless_equals_int (s.out, s.n);
  fail_unless_equals_int (g_hash_table_size (s.pts), s.n);
  fail_unless_equals_int (s.duplicates, 0);
  fail_unless_equals_int (s.violations, 0);
  fail_unless (s.eos);
  fail_unless_equals_int (s.out_small, s.n / 2);
  fail_unless_equals_int (s.out_large, s.n - s.n / 2);
  fail_unless_equals_int (s.refused_requests, 0);
  fail_unless_equals_int (s.keyframes_after_request, s.requests);

  g_print ("buffer    RSS KiB (after malloc_trim)\n");
  for (guint k = 0; k < s.n_rss; k++)
    g_print ("%6u %12ld\n", (k + 1) * RSS_EVERY, s.rss[k]);
  if (s.n >= SOAK_BUFFERS && !sanitized && s.rss[0] > 0) {
    guint warm = RSS_WARMUP / RSS_EVERY - 1;
    long base = s.rss[warm], peak = base;

    for (guint k = warm; k < s.n_rss; k++)
      peak = MAX (peak, s.rss[k]);
    g_print ("RSS growth after buffer %u: %ld KiB (limit %d MiB)\n", RSS_WARMUP,
        peak - base, RSS_LIMIT_MIB);
    fail_unless (peak - base < RSS_LIMIT_MIB * 1024L,
        "RSS grew by %ld KiB after buffer %u", peak - base, RSS_WARMUP);
  }

  gst_object_unref (bus);
  gst_object_unref (s.enc_src);
  gst_object_unref (s.enc);
  gst_object_unref (s.filter);
  gst_object_unref (pipe);
  g_hash_table_unref (s.pts);
  g_free (s.rss);
  g_free (desc);
  g_mutex_clear (&s.lock);
}

GST_END_TEST;

static Suite *
soak_suite (void)
{
  Suite *s = suite_create ("vtcore_soak");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_set_timeout (tc, 300);
  tcase_add_test (tc, test_soak);
  return s;
}

GST_CHECK_MAIN (soak);
