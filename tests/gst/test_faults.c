/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * GStreamer faults (docs/hardening.md): what vtenc does when the encoder
 * fails and when the pipeline around it misbehaves.
 *
 *  - Encoder failures injected with vtcore_debug_fail_encoder() (the test
 *    links libvtcore, the same library the plugin loads): instance creation
 *    (kVTCouldNotCreateInstanceErr), a frame (kVTVideoEncoderMalfunctionErr,
 *    with and without frames in flight), the drain at EOS. Each posts a
 *    GST_ELEMENT_ERROR whose debug text names the OSStatus, returns a flow
 *    error, and never hangs; vtenc recovers with a new session when frames
 *    keep coming.
 *  - Downstream returning not-linked / flushing / error (a pad probe), an
 *    unlinked source pad, flushing seeks, PLAYING -> NULL mid-stream, EOS
 *    with frames in flight: no deadlock (every wait has a timeout; the check
 *    framework's timeout catches a blocked state change), no buffer twice,
 *    N in -> N out where the stream completes, every pipeline finalized.
 *  - A cheap gst-validate-style checker on the sink pad: stream-start, caps
 *    and segment before the first buffer, no buffer after EOS, no second
 *    EOS, PTS unique and DTS non-decreasing within a segment.
 */
#include "gst_test_util.h"

#include <vtcore/vtcore.h>

#define WAIT_TIMEOUT (60 * GST_SECOND)

/* The live-reconfiguration fault kind, until <vtcore/vtcore.h> names it
 * (vtcore/src/encoder/backend.c). */
static void
disarm (void)
{
  vtcore_debug_fail_encoder (VTCORE_FAULT_ENCODER_OPEN, 0);
  vtcore_debug_fail_encoder (VTCORE_FAULT_ENCODER_ENCODE, 0);
  vtcore_debug_fail_encoder (VTCORE_FAULT_ENCODER_FLUSH, 0);
  vtcore_debug_fail_encoder (VTCORE_FAULT_ENCODER_RECONFIGURE, 0);
}

/* ---------------------------------------------------------------------- */
/* Harness tests                                                          */

static GstHarness *
new_encoder (const gchar *props, GstVideoInfo *info, GstBus **bus)
{
  gchar *desc = g_strdup_printf ("vtenc name=enc %s", props ? props : "");
  const gchar *caps = "video/x-raw,format=I420,width=160,height=120,"
                      "framerate=30/1";
  GstHarness *h = gst_harness_new_parse (desc);
  GstCaps *c = gst_caps_from_string (caps);

  fail_unless (gst_video_info_from_caps (info, c));
  gst_caps_unref (c);
  gst_harness_set_sink_caps_str (h, "video/x-h264,stream-format=avc");
  gst_harness_set_src_caps_str (h, caps);
  *bus = harness_add_bus (h);
  g_free (desc);
  return h;
}

/* Pulls every buffer received so far; fails on a PTS seen before (@seen
 * keeps them across calls). Returns how many were pulled. */
static guint
pull_all_unique (GstHarness *h, GHashTable *seen)
{
  GstBuffer *b;
  guint n = 0;

  while ((b = gst_harness_try_pull (h))) {
    GstClockTime pts = GST_BUFFER_PTS (b);

    fail_unless (GST_CLOCK_TIME_IS_VALID (pts));
    fail_if (g_hash_table_contains (seen, GSIZE_TO_POINTER (pts)),
        "buffer with PTS %" GST_TIME_FORMAT " came twice", GST_TIME_ARGS (pts));
    g_hash_table_add (seen, GSIZE_TO_POINTER (pts));
    gst_buffer_unref (b);
    n++;
  }
  return n;
}

/* vtenc's output timestamps are shifted by a constant (GstVideoEncoder's
 * min-pts): the shift, from the output of the last input frame @last. */
static GstClockTime
pts_offset (GHashTable *seen, guint last)
{
  GHashTableIter it;
  gpointer key;
  GstClockTime max = 0;

  g_hash_table_iter_init (&it, seen);
  while (g_hash_table_iter_next (&it, &key, NULL))
    max = MAX (max, (GstClockTime) GPOINTER_TO_SIZE (key));
  fail_unless (max >= last * FRAME_DURATION);
  return max - last * FRAME_DURATION;
}

static gboolean
has_frame (GHashTable *seen, GstClockTime offset, guint i)
{
  return g_hash_table_contains (seen,
      GSIZE_TO_POINTER (offset + i * FRAME_DURATION));
}

/* A frame the encoder fails on (nothing else pending): flow error, an
 * element error naming kVTVideoEncoderMalfunctionErr; the next frame gets a
 * new session and everything after it comes out. */
GST_START_TEST (test_encode_error_low_latency)
{
  GHashTable *seen = g_hash_table_new (NULL, NULL);
  GstVideoInfo info;
  GstBus *bus;
  GstHarness *h
      = new_encoder ("realtime=true allow-frame-reordering=false", &info, &bus);
  GstClockTime offset;
  guint out;

  disarm ();
  for (guint i = 0; i < 5; i++)
    fail_unless_equals_int (gst_harness_push (h,
                                make_frame (&info, i, PATTERN_RAMP)),
        GST_FLOW_OK);
  out = pull_all_unique (h, seen);
  fail_unless_equals_int (out, 5);
  fail_unless (!bus_has_message (bus, GST_MESSAGE_ERROR, NULL, NULL));

  vtcore_debug_fail_encoder (VTCORE_FAULT_ENCODER_ENCODE, 1);
  fail_unless_equals_int (gst_harness_push (h,
                              make_frame (&info, 5, PATTERN_RAMP)),
      GST_FLOW_ERROR);
  fail_unless (bus_has_message (bus, GST_MESSAGE_ERROR,
      "kVTVideoEncoderMalfunctionErr", NULL));

  /* recovery: a new session for the next frames */
  for (guint i = 6; i < 16; i++)
    fail_unless_equals_int (gst_harness_push (h,
                                make_frame (&info, i, PATTERN_RAMP)),
        GST_FLOW_OK);
  fail_unless (gst_harness_push_event (h, gst_event_new_eos ()));
  out += pull_all_unique (h, seen);
  fail_unless_equals_int (out, 15);
  offset = pts_offset (seen, 15);
  for (guint i = 0; i < 16; i++)
    fail_unless (has_frame (seen, offset, i) == (i != 5), "frame %u", i);
  fail_unless (!bus_has_message (bus, GST_MESSAGE_ERROR, NULL, NULL));
  gst_bus_set_flushing (bus, TRUE);
  gst_object_unref (bus);
  gst_harness_teardown (h);
  g_hash_table_unref (seen);
}

GST_END_TEST;

/* Pops every error message left on @bus; returns how many there were and
 * fails on the base class's "Output state was not configured" (bug H7: a
 * second error for a frame failing before vtenc had output caps). */
static guint
count_errors (GstBus *bus)
{
  GstMessage *msg;
  guint n = 0;

  while ((msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR))) {
    GError *err = NULL;
    gchar *debug = NULL;

    gst_message_parse_error (msg, &err, &debug);
    GST_INFO ("error: %s | %s", err->message, debug ? debug : "");
    fail_if (strstr (err->message, "Output state") != NULL,
        "H7: extra error \"%s\"", err->message);
    g_clear_error (&err);
    g_free (debug);
    gst_message_unref (msg);
    n++;
  }
  return n;
}

/* The events the harness's sink received, in order, must start with
 * stream-start, caps, segment (H7 lost stream-start and segment). */
static void
check_sticky_order (GstHarness *h)
{
  static const GstEventType want[]
      = { GST_EVENT_STREAM_START, GST_EVENT_CAPS, GST_EVENT_SEGMENT };
  GstEvent *ev;
  guint i = 0;

  while ((ev = gst_harness_try_pull_event (h))) {
    if (i < G_N_ELEMENTS (want))
      fail_unless (GST_EVENT_TYPE (ev) == want[i], "event %u is %s", i,
          GST_EVENT_TYPE_NAME (ev));
    i++;
    gst_event_unref (ev);
  }
  fail_unless (i >= G_N_ELEMENTS (want), "only %u events downstream", i);
}

static gboolean
count_log (const gchar *domain, GLogLevelFlags level, const gchar *message,
    gpointer data)
{
  g_atomic_int_inc ((gint *) data);
  return TRUE;
}

/* The encoder fails with frames inside it (look-ahead and B-frames): their
 * outputs are errors, nothing comes twice, nothing hangs, the next frames
 * encode in a new session and EOS drains them all. */
GST_START_TEST (test_encode_error_in_flight)
{
  GHashTable *seen = g_hash_table_new (NULL, NULL);
  GstVideoInfo info;
  GstBus *bus;
  GstHarness *h = new_encoder (NULL, &info, &bus);
  GstFlowReturn ret;
  GstClockTime offset;
  guint out, errors_before;
  gchar *text = NULL;

  gint no_stream_start = 0;
  /* H7 (fixed): frames failing before vtenc has output caps lost their
   * sticky events; the first buffer after the recovery then went out
   * without stream-start and segment (GStreamer warnings, counted here) */
  GstCheckLogFilter *filter = gst_check_add_log_filter ("GStreamer",
      G_LOG_LEVEL_WARNING, g_regex_new ("Got data flow before", 0, 0, NULL),
      count_log, &no_stream_start, NULL);

  disarm ();
  for (guint i = 0; i < 20; i++)
    fail_unless_equals_int (gst_harness_push (h,
                                make_frame (&info, i, PATTERN_RAMP)),
        GST_FLOW_OK);
  out = pull_all_unique (h, seen);
  fail_unless (out < 20, "no frame in flight (%u out)", out);
  errors_before = out;

  vtcore_debug_fail_encoder (VTCORE_FAULT_ENCODER_ENCODE, 1);
  fail_unless_equals_int (gst_harness_push (h,
                              make_frame (&info, 20, PATTERN_RAMP)),
      GST_FLOW_ERROR);
  fail_unless (bus_has_message (bus, GST_MESSAGE_ERROR,
      "kVTVideoEncoderMalfunctionErr", &text));
  GST_INFO ("error: %s", text);
  g_free (text);
  /* one error for the failure, none for the 20 frames it took with it */
  fail_unless_equals_int (count_errors (bus), 0);
  /* the failed frames were released with the failing push; the next frame
   * starts a new session */
  ret = GST_FLOW_ERROR;
  for (guint i = 21; i < 40; i++) {
    GstFlowReturn r = gst_harness_push (h, make_frame (&info, i, PATTERN_RAMP));

    fail_unless_equals_int (r, GST_FLOW_OK);
    if (r == GST_FLOW_OK)
      ret = r;
  }
  fail_unless_equals_int (ret, GST_FLOW_OK);
  fail_unless (gst_harness_push_event (h, gst_event_new_eos ()));
  out += pull_all_unique (h, seen);
  /* every frame pushed after the failure came out; none of the failed */
  offset = pts_offset (seen, 39);
  for (guint i = 21; i < 40; i++)
    fail_unless (has_frame (seen, offset, i), "frame %u missing", i);
  for (guint i = 0; i <= 20; i++)
    fail_if (has_frame (seen, offset, i), "failed frame %u came out", i);
  fail_unless_equals_int (out, 19);
  GST_INFO ("%u out before the fault, %u in total", errors_before, out);
  gst_check_remove_log_filter (filter);
  fail_unless_equals_int (g_atomic_int_get (&no_stream_start), 0);
  check_sticky_order (h);
  fail_unless_equals_int (count_errors (bus), 0);
  gst_bus_set_flushing (bus, TRUE);
  gst_object_unref (bus);
  gst_harness_teardown (h);
  g_hash_table_unref (seen);
}

GST_END_TEST;

/* H7: the very first frame fails, so vtenc has no output caps yet (they
 * come from the encoder's SPS/PPS): exactly one error, no "Output state was
 * not configured", and the next frames go out after stream-start, caps and
 * segment, all of them. With B-frames (the failure takes the frames in
 * flight) and without. */
GST_START_TEST (test_encode_error_first_frame)
{
  GHashTable *seen = g_hash_table_new (NULL, NULL);
  GstVideoInfo info;
  GstBus *bus;
  GstHarness *h
      = new_encoder (__i__ ? NULL
                           : "realtime=true allow-frame-reordering=false",
          &info, &bus);
  gint no_stream_start = 0;
  GstCheckLogFilter *filter = gst_check_add_log_filter ("GStreamer",
      G_LOG_LEVEL_WARNING, g_regex_new ("Got data flow before", 0, 0, NULL),
      count_log, &no_stream_start, NULL);
  guint first_ok = __i__ ? 5 : 1;
  GstClockTime offset;
  guint out;

  disarm ();
  /* with look-ahead, the 5th frame fails and takes frames 0-3 with it */
  vtcore_debug_fail_encoder (VTCORE_FAULT_ENCODER_ENCODE, first_ok);
  for (guint i = 0; i < first_ok; i++)
    fail_unless_equals_int (gst_harness_push (h,
                                make_frame (&info, i, PATTERN_RAMP)),
        i + 1 == first_ok ? GST_FLOW_ERROR : GST_FLOW_OK);
  fail_unless (bus_has_message (bus, GST_MESSAGE_ERROR,
      "kVTVideoEncoderMalfunctionErr", NULL));
  fail_unless_equals_int (count_errors (bus), 0);
  fail_unless (gst_harness_try_pull (h) == NULL);
  for (guint i = first_ok; i < first_ok + 12; i++)
    fail_unless_equals_int (gst_harness_push (h,
                                make_frame (&info, i, PATTERN_RAMP)),
        GST_FLOW_OK);
  fail_unless (gst_harness_push_event (h, gst_event_new_eos ()));
  out = pull_all_unique (h, seen);
  fail_unless_equals_int (out, 12);
  offset = pts_offset (seen, first_ok + 11);
  for (guint i = 0; i < first_ok + 12; i++)
    fail_unless (has_frame (seen, offset, i) == (i >= first_ok), "frame %u", i);
  check_sticky_order (h);
  fail_unless_equals_int (count_errors (bus), 0);
  gst_check_remove_log_filter (filter);
  fail_unless_equals_int (g_atomic_int_get (&no_stream_start), 0);
  disarm ();
  gst_bus_set_flushing (bus, TRUE);
  gst_object_unref (bus);
  gst_harness_teardown (h);
  g_hash_table_unref (seen);
}

GST_END_TEST;

/* The first frame fails (no output caps yet: the frame is parked), then a
 * flush: the parked frame is released, its stream-start still goes
 * downstream first (the base class keeps the sticky events of the frames it
 * flushes), and the frames after the flush all come out once. */
GST_START_TEST (test_encode_error_then_flush)
{
  GHashTable *seen = g_hash_table_new (NULL, NULL);
  GstVideoInfo info;
  GstBus *bus;
  GstHarness *h
      = new_encoder ("realtime=true allow-frame-reordering=false", &info, &bus);
  gint no_stream_start = 0;
  GstCheckLogFilter *filter = gst_check_add_log_filter ("GStreamer",
      G_LOG_LEVEL_WARNING, g_regex_new ("Got data flow before", 0, 0, NULL),
      count_log, &no_stream_start, NULL);
  GstSegment segment;
  GstEvent *ev;
  guint i = 0, flush_stop = 0, n_ev = 0;
  gboolean stream_start = FALSE, caps = FALSE, segment_seen = FALSE;

  disarm ();
  vtcore_debug_fail_encoder (VTCORE_FAULT_ENCODER_ENCODE, 1);
  fail_unless_equals_int (gst_harness_push (h,
                              make_frame (&info, 0, PATTERN_RAMP)),
      GST_FLOW_ERROR);
  fail_unless (bus_has_message (bus, GST_MESSAGE_ERROR,
      "kVTVideoEncoderMalfunctionErr", NULL));
  fail_unless (gst_harness_push_event (h, gst_event_new_flush_start ()));
  fail_unless (gst_harness_push_event (h, gst_event_new_flush_stop (TRUE)));
  gst_segment_init (&segment, GST_FORMAT_TIME);
  fail_unless (gst_harness_push_event (h, gst_event_new_segment (&segment)));
  for (i = 1; i < 9; i++)
    fail_unless_equals_int (gst_harness_push (h,
                                make_frame (&info, i, PATTERN_RAMP)),
        GST_FLOW_OK);
  fail_unless (gst_harness_push_event (h, gst_event_new_eos ()));
  fail_unless_equals_int (pull_all_unique (h, seen), 8);
  /* downstream: (flush-start, flush-stop,) stream-start, caps, segment
   * before the first buffer; nothing but flush events before stream-start */
  while ((ev = gst_harness_try_pull_event (h))) {
    switch (GST_EVENT_TYPE (ev)) {
      case GST_EVENT_FLUSH_START:
        break;
      case GST_EVENT_FLUSH_STOP:
        flush_stop++;
        break;
      case GST_EVENT_STREAM_START:
        stream_start = TRUE;
        break;
      case GST_EVENT_CAPS:
        fail_unless (stream_start, "caps before stream-start");
        caps = TRUE;
        break;
      case GST_EVENT_SEGMENT:
        fail_unless (caps, "segment before caps");
        segment_seen = TRUE;
        break;
      default:
        fail_unless (segment_seen, "%s before segment",
            GST_EVENT_TYPE_NAME (ev));
        break;
    }
    n_ev++;
    gst_event_unref (ev);
  }
  fail_unless (stream_start && caps && segment_seen, "%u events", n_ev);
  fail_unless_equals_int (flush_stop, 1);
  fail_unless_equals_int (count_errors (bus), 0);
  gst_check_remove_log_filter (filter);
  fail_unless_equals_int (g_atomic_int_get (&no_stream_start), 0);
  disarm ();
  gst_bus_set_flushing (bus, TRUE);
  gst_object_unref (bus);
  gst_harness_teardown (h);
  g_hash_table_unref (seen);
}

GST_END_TEST;

/* Every frame fails, then EOS: one error message per new session (each
 * frame gets one), nothing comes out, EOS still reaches downstream, the
 * parked frames are released at teardown (ASan/LSan builds check), no
 * GLib warning or critical (fatal in gst-check). */
GST_START_TEST (test_encode_error_only)
{
  GstVideoInfo info;
  GstBus *bus;
  GstHarness *h
      = new_encoder (__i__ ? NULL
                           : "realtime=true allow-frame-reordering=false",
          &info, &bus);
  GstEvent *ev;
  gboolean eos = FALSE;
  guint errors = 0;

  disarm ();
  vtcore_debug_fail_encoder (VTCORE_FAULT_ENCODER_ENCODE, -1);
  for (guint i = 0; i < 6; i++)
    fail_unless_equals_int (gst_harness_push (h,
                                make_frame (&info, i, PATTERN_RAMP)),
        GST_FLOW_ERROR);
  fail_unless (gst_harness_push_event (h, gst_event_new_eos ()));
  disarm ();
  fail_unless (gst_harness_try_pull (h) == NULL);
  while ((ev = gst_harness_try_pull_event (h))) {
    if (GST_EVENT_TYPE (ev) == GST_EVENT_EOS)
      eos = TRUE;
    gst_event_unref (ev);
  }
  fail_unless (eos);
  while (bus_has_message (bus, GST_MESSAGE_ERROR,
      "kVTVideoEncoderMalfunctionErr", NULL))
    errors++;
  fail_unless_equals_int (errors, 6);
  fail_unless_equals_int (count_errors (bus), 0);
  gst_bus_set_flushing (bus, TRUE);
  gst_object_unref (bus);
  gst_harness_teardown (h);
}

GST_END_TEST;

/* A bitrate change while encoding that the encoder refuses when vtcore
 * applies it (x264_encoder_reconfig failing): the frame that carried it is
 * refused (kVTParameterErr: one element error, flow error, the frame
 * dropped), the frames in flight are not touched, the change is applied
 * with the next frame and everything else comes out once. */
GST_START_TEST (test_reconfigure_error)
{
  GHashTable *seen = g_hash_table_new (NULL, NULL);
  GstVideoInfo info;
  GstBus *bus;
  GstHarness *h = new_encoder (__i__ ? "bitrate=300"
                                     : "bitrate=300 realtime=true "
                                       "allow-frame-reordering=false",
      &info, &bus);
  GstClockTime offset;
  guint out;

  disarm ();
  for (guint i = 0; i < 10; i++)
    fail_unless_equals_int (gst_harness_push (h,
                                make_frame (&info, i, PATTERN_RAMP)),
        GST_FLOW_OK);
  {
    GstElement *enc = gst_harness_find_element (h, "vtenc");

    fail_unless (enc != NULL);
    g_object_set (enc, "bitrate", 150, NULL);
    gst_object_unref (enc);
  }
  vtcore_debug_fail_encoder (VTCORE_FAULT_ENCODER_RECONFIGURE, 1);
  fail_unless_equals_int (gst_harness_push (h,
                              make_frame (&info, 10, PATTERN_RAMP)),
      GST_FLOW_ERROR);
  fail_unless_equals_int (
      vtcore_debug_fail_encoder (VTCORE_FAULT_ENCODER_RECONFIGURE, 0), 1);
  fail_unless (
      bus_has_message (bus, GST_MESSAGE_ERROR, "kVTParameterErr", NULL));
  fail_unless_equals_int (count_errors (bus), 0);
  for (guint i = 11; i < 30; i++)
    fail_unless_equals_int (gst_harness_push (h,
                                make_frame (&info, i, PATTERN_RAMP)),
        GST_FLOW_OK);
  fail_unless (gst_harness_push_event (h, gst_event_new_eos ()));
  out = pull_all_unique (h, seen);
  fail_unless_equals_int (out, 29);
  offset = pts_offset (seen, 29);
  for (guint i = 0; i < 30; i++)
    fail_unless (has_frame (seen, offset, i) == (i != 10), "frame %u", i);
  check_sticky_order (h);
  fail_unless_equals_int (count_errors (bus), 0);
  gst_bus_set_flushing (bus, TRUE);
  gst_object_unref (bus);
  gst_harness_teardown (h);
  g_hash_table_unref (seen);
}

GST_END_TEST;

/* No encoder instance can be created: set_format fails with an element
 * error naming kVTCouldNotCreateInstanceErr; nothing hangs. */
GST_START_TEST (test_open_error)
{
  GstVideoInfo info;
  GstBus *bus;
  GstHarness *h;
  GstFlowReturn ret;

  disarm ();
  vtcore_debug_fail_encoder (VTCORE_FAULT_ENCODER_OPEN, -1);
  h = new_encoder (NULL, &info, &bus);
  ret = gst_harness_push (h, make_frame (&info, 0, PATTERN_RAMP));
  fail_unless (ret == GST_FLOW_NOT_NEGOTIATED || ret == GST_FLOW_ERROR,
      "flow %s", gst_flow_get_name (ret));
  fail_unless (bus_has_message (bus, GST_MESSAGE_ERROR,
      "kVTCouldNotCreateInstanceErr", NULL));
  fail_unless (vtcore_debug_fail_encoder (VTCORE_FAULT_ENCODER_OPEN, 0) >= 1);
  gst_bus_set_flushing (bus, TRUE);
  gst_object_unref (bus);
  gst_harness_teardown (h);
}

GST_END_TEST;

/* The drain at EOS fails: an element error naming the status, the pending
 * frames are released (the ASan build checks), no hang. */
GST_START_TEST (test_drain_error)
{
  GHashTable *seen = g_hash_table_new (NULL, NULL);
  GstVideoInfo info;
  GstBus *bus;
  GstHarness *h = new_encoder (NULL, &info, &bus);
  guint out;

  disarm ();
  for (guint i = 0; i < 20; i++)
    fail_unless_equals_int (gst_harness_push (h,
                                make_frame (&info, i, PATTERN_RAMP)),
        GST_FLOW_OK);
  out = pull_all_unique (h, seen);
  fail_unless (out < 20);
  vtcore_debug_fail_encoder (VTCORE_FAULT_ENCODER_FLUSH, 1);
  gst_harness_push_event (h, gst_event_new_eos ());
  fail_unless_equals_int (vtcore_debug_fail_encoder (VTCORE_FAULT_ENCODER_FLUSH,
                              0),
      1);
  fail_unless (bus_has_message (bus, GST_MESSAGE_ERROR,
      "kVTVideoEncoderMalfunctionErr", NULL));
  out += pull_all_unique (h, seen);
  fail_unless (out < 20);
  gst_bus_set_flushing (bus, TRUE);
  gst_object_unref (bus);
  gst_harness_teardown (h);
  g_hash_table_unref (seen);
}

GST_END_TEST;

/* ---------------------------------------------------------------------- */
/* Pipelines                                                              */

/* gst-validate-style stream checks and counts on one pad. */
typedef struct
{
  GMutex lock;
  guint buffers;    /* since the last flush */
  guint total;      /* all buffers */
  guint violations; /* stream order rules broken */
  guint duplicates; /* PTS seen twice in a segment */
  gboolean stream_start, caps, segment, eos;
  guint flushes;
  GstClockTime last_dts;
  GHashTable *pts;
  GstFlowReturn fail_with; /* != OK: returned for buffers after fail_after */
  guint fail_after;
  guint failed; /* buffers refused with fail_with */
} Watch;

static void
watch_init (Watch *w)
{
  memset (w, 0, sizeof (*w));
  g_mutex_init (&w->lock);
  w->pts = g_hash_table_new (NULL, NULL);
  w->last_dts = GST_CLOCK_TIME_NONE;
  w->fail_with = GST_FLOW_OK;
}

static void
watch_clear (Watch *w)
{
  g_hash_table_unref (w->pts);
  g_mutex_clear (&w->lock);
}

static guint
watch_buffers (Watch *w)
{
  guint n;

  g_mutex_lock (&w->lock);
  n = w->buffers;
  g_mutex_unlock (&w->lock);
  return n;
}

static GstPadProbeReturn
watch_probe (GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
  Watch *w = data;
  GstPadProbeReturn ret = GST_PAD_PROBE_OK;

  g_mutex_lock (&w->lock);
  if (info->type & GST_PAD_PROBE_TYPE_BUFFER) {
    GstBuffer *b = GST_PAD_PROBE_INFO_BUFFER (info);
    GstClockTime pts = GST_BUFFER_PTS (b), dts = GST_BUFFER_DTS (b);

    if (w->fail_with != GST_FLOW_OK && w->total >= w->fail_after) {
      /* refused: the pusher gets fail_with (HANDLED: the probe owns it) */
      w->failed++;
      gst_buffer_unref (b);
      GST_PAD_PROBE_INFO_DATA (info) = NULL;
      GST_PAD_PROBE_INFO_FLOW_RETURN (info) = w->fail_with;
      g_mutex_unlock (&w->lock);
      return GST_PAD_PROBE_HANDLED;
    }
    if (!w->stream_start || !w->caps || !w->segment || w->eos) {
      GST_ERROR ("buffer out of order (stream-start %d caps %d segment %d "
                 "eos %d)",
          w->stream_start, w->caps, w->segment, w->eos);
      w->violations++;
    }
    if (GST_CLOCK_TIME_IS_VALID (pts)) {
      if (g_hash_table_contains (w->pts, GSIZE_TO_POINTER (pts)))
        w->duplicates++;
      g_hash_table_add (w->pts, GSIZE_TO_POINTER (pts));
    }
    if (GST_CLOCK_TIME_IS_VALID (dts)) {
      if (GST_CLOCK_TIME_IS_VALID (w->last_dts) && dts < w->last_dts) {
        GST_ERROR ("DTS went back");
        w->violations++;
      }
      w->last_dts = dts;
    }
    w->buffers++;
    w->total++;
  } else if (info->type & GST_PAD_PROBE_TYPE_EVENT_BOTH) {
    GstEvent *ev = GST_PAD_PROBE_INFO_EVENT (info);

    switch (GST_EVENT_TYPE (ev)) {
      case GST_EVENT_STREAM_START:
        w->stream_start = TRUE;
        break;
      case GST_EVENT_CAPS:
        w->caps = TRUE;
        break;
      case GST_EVENT_SEGMENT:
        w->segment = TRUE;
        w->last_dts = GST_CLOCK_TIME_NONE;
        break;
      case GST_EVENT_EOS:
        if (w->eos)
          w->violations++;
        w->eos = TRUE;
        break;
      case GST_EVENT_FLUSH_STOP:
        w->flushes++;
        w->eos = FALSE;
        w->segment = FALSE;
        w->buffers = 0;
        w->last_dts = GST_CLOCK_TIME_NONE;
        g_hash_table_remove_all (w->pts);
        break;
      default:
        break;
    }
  }
  g_mutex_unlock (&w->lock);
  return ret;
}

static void
watch_pad (GstElement *pipe, const gchar *element, const gchar *pad_name,
    Watch *w)
{
  GstElement *e = gst_bin_get_by_name (GST_BIN (pipe), element);
  GstPad *pad;

  fail_unless (e != NULL, "no element %s", element);
  pad = gst_element_get_static_pad (e, pad_name);
  fail_unless (pad != NULL);
  gst_pad_add_probe (pad,
      GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_EVENT_BOTH
          | GST_PAD_PROBE_TYPE_EVENT_FLUSH,
      watch_probe, w, NULL);
  gst_object_unref (pad);
  gst_object_unref (e);
}

static GstElement *
launch (const gchar *desc)
{
  GError *err = NULL;
  GstElement *pipe = gst_parse_launch (desc, &err);

  fail_unless (pipe != NULL && err == NULL, "cannot build \"%s\": %s", desc,
      err ? err->message : "?");
  return pipe;
}

/* Waits until @w has seen @n buffers (fails after WAIT_TIMEOUT). */
static void
wait_buffers (Watch *w, guint n)
{
  gint64 end = g_get_monotonic_time () + WAIT_TIMEOUT / GST_USECOND;

  while (watch_buffers (w) < n) {
    fail_unless (g_get_monotonic_time () < end, "only %u of %u buffers",
        watch_buffers (w), n);
    g_usleep (2000);
  }
}

static void
on_destroyed (gpointer data, GObject *where_the_object_was)
{
  g_atomic_int_set ((gint *) data, 1);
}

/* NULL, unref, and the pipeline must be finalized (no leaked reference
 * from a stuck streaming thread). */
static void
stop_and_destroy (GstElement *pipe)
{
  gint destroyed = 0;

  fail_if (
      gst_element_set_state (pipe, GST_STATE_NULL) == GST_STATE_CHANGE_FAILURE);
  g_object_weak_ref (G_OBJECT (pipe), on_destroyed, &destroyed);
  gst_object_unref (pipe);
  for (guint i = 0; i < 500 && !g_atomic_int_get (&destroyed); i++)
    g_usleep (10000);
  fail_unless (g_atomic_int_get (&destroyed), "pipeline not finalized");
}

/* The message ending the run, (+1); fails on a timeout. */
static GstMessage *
wait_end (GstElement *pipe)
{
  GstBus *bus = gst_element_get_bus (pipe);
  GstMessage *msg = gst_bus_timed_pop_filtered (bus, WAIT_TIMEOUT,
      GST_MESSAGE_EOS | GST_MESSAGE_ERROR);

  gst_object_unref (bus);
  fail_unless (msg != NULL, "neither EOS nor an error: hang");
  return msg;
}

static gchar *
error_text (GstMessage *msg)
{
  GError *err = NULL;
  gchar *debug = NULL, *all;

  gst_message_parse_error (msg, &err, &debug);
  all = g_strdup_printf ("%s: %s | %s", GST_OBJECT_NAME (GST_MESSAGE_SRC (msg)),
      err ? err->message : "", debug ? debug : "");
  g_clear_error (&err);
  g_free (debug);
  return all;
}

#define SRC_RAW                                                                \
  "videotestsrc name=src pattern=ball num-buffers=%u ! "                       \
  "video/x-raw,format=I420,width=160,height=120,framerate=30/1 ! "             \
  "vttransfer ! video/x-raw,format=NV12 ! "

/* An encoder failure inside a running pipeline: an error message from vtenc
 * naming the status; NULL works. */
GST_START_TEST (test_pipeline_encoder_error)
{
  static const struct
  {
    gint what;
    long nth;
    const gchar *status;
    const gchar *props;
  } faults[] = {
    { VTCORE_FAULT_ENCODER_ENCODE, 25, "kVTVideoEncoderMalfunctionErr",
        "realtime=true" },
    { VTCORE_FAULT_ENCODER_ENCODE, 25, "kVTVideoEncoderMalfunctionErr", "" },
    { VTCORE_FAULT_ENCODER_OPEN, -1, "kVTCouldNotCreateInstanceErr", "" },
    { VTCORE_FAULT_ENCODER_FLUSH, 1, "kVTVideoEncoderMalfunctionErr", "" },
  };
  gchar *desc = g_strdup_printf (SRC_RAW "vtenc name=enc %s ! "
                                         "fakesink name=sink sync=false",
      100, faults[__i__].props);
  GstElement *pipe = launch (desc);
  GstMessage *msg;
  gchar *text;
  Watch w;

  disarm ();
  watch_init (&w);
  watch_pad (pipe, "sink", "sink", &w);
  vtcore_debug_fail_encoder (faults[__i__].what, faults[__i__].nth);
  fail_if (gst_element_set_state (pipe, GST_STATE_PLAYING)
      == GST_STATE_CHANGE_FAILURE);
  msg = wait_end (pipe);
  fail_unless_equals_int (GST_MESSAGE_TYPE (msg), GST_MESSAGE_ERROR);
  text = error_text (msg);
  GST_INFO ("fault %u: %s", __i__, text);
  fail_unless (g_str_has_prefix (text, "enc:"), "error from %s", text);
  fail_unless (strstr (text, faults[__i__].status) != NULL, "%s", text);
  g_free (text);
  gst_message_unref (msg);
  stop_and_destroy (pipe);
  disarm ();
  fail_unless_equals_int (w.duplicates, 0);
  fail_unless_equals_int (w.violations, 0);
  fail_unless (w.total < 100);
  watch_clear (&w);
  g_free (desc);
}

GST_END_TEST;

/* Downstream of vtenc refuses buffers (a pad probe returns a flow): errors
 * end the stream with an error message, flushing pauses it; either way the
 * state change to NULL completes and nothing comes twice. */
GST_START_TEST (test_downstream_flow)
{
  static const GstFlowReturn flows[] = { GST_FLOW_NOT_LINKED, GST_FLOW_FLUSHING,
    GST_FLOW_ERROR, GST_FLOW_NOT_NEGOTIATED };
  GstFlowReturn flow = flows[(guint) __i__ % G_N_ELEMENTS (flows)];
  gboolean realtime = (guint) __i__ >= G_N_ELEMENTS (flows);
  gchar *desc = g_strdup_printf (SRC_RAW "vtenc name=enc %s ! "
                                         "fakesink name=sink sync=false",
      300, realtime ? "realtime=true" : "");
  GstElement *pipe = launch (desc);
  Watch w;

  disarm ();
  watch_init (&w);
  w.fail_with = flow;
  w.fail_after = 10;
  watch_pad (pipe, "enc", "src", &w);
  fail_if (gst_element_set_state (pipe, GST_STATE_PLAYING)
      == GST_STATE_CHANGE_FAILURE);
  if (flow == GST_FLOW_FLUSHING) {
    /* the source pauses silently: wait for the refusal, then stop */
    gint64 end = g_get_monotonic_time () + WAIT_TIMEOUT / GST_USECOND;

    for (;;) {
      guint failed;

      g_mutex_lock (&w.lock);
      failed = w.failed;
      g_mutex_unlock (&w.lock);
      if (failed)
        break;
      fail_unless (g_get_monotonic_time () < end, "nothing refused");
      g_usleep (2000);
    }
  } else {
    GstMessage *msg = wait_end (pipe);
    gchar *text;

    fail_unless_equals_int (GST_MESSAGE_TYPE (msg), GST_MESSAGE_ERROR);
    text = error_text (msg);
    GST_INFO ("%s: %s", gst_flow_get_name (flow), text);
    g_free (text);
    gst_message_unref (msg);
  }
  stop_and_destroy (pipe);
  fail_unless (w.failed >= 1);
  fail_unless_equals_int (w.total, 10);
  fail_unless_equals_int (w.duplicates, 0);
  fail_unless_equals_int (w.violations, 0);
  watch_clear (&w);
  g_free (desc);
}

GST_END_TEST;

/* vtenc's source pad is not linked at all. */
GST_START_TEST (test_not_linked)
{
  gchar *desc = g_strdup_printf (SRC_RAW "vtenc name=enc", 300);
  GstElement *pipe = launch (desc);
  GstMessage *msg;

  disarm ();
  fail_if (gst_element_set_state (pipe, GST_STATE_PLAYING)
      == GST_STATE_CHANGE_FAILURE);
  msg = wait_end (pipe);
  fail_unless_equals_int (GST_MESSAGE_TYPE (msg), GST_MESSAGE_ERROR);
  gst_message_unref (msg);
  stop_and_destroy (pipe);
  g_free (desc);
}

GST_END_TEST;

/* A flushing seek back to the start while frames are in flight: after the
 * flush exactly the N frames of the new segment come out, each once. */
GST_START_TEST (test_flushing_seek)
{
  const guint n = 90;
  gchar *desc = g_strdup_printf (SRC_RAW "%s vtenc name=enc %s ! "
                                         "fakesink name=sink sync=false",
      G_MAXINT, __i__ % 2 ? "queue !" : "", __i__ < 2 ? "" : "realtime=true");
  GstElement *pipe = launch (desc);
  GstMessage *msg;
  Watch w;

  disarm ();
  watch_init (&w);
  watch_pad (pipe, "sink", "sink", &w);
  fail_if (gst_element_set_state (pipe, GST_STATE_PAUSED)
      == GST_STATE_CHANGE_FAILURE);
  fail_unless_equals_int (gst_element_get_state (pipe, NULL, NULL,
                              WAIT_TIMEOUT),
      GST_STATE_CHANGE_SUCCESS);
  fail_if (gst_element_set_state (pipe, GST_STATE_PLAYING)
      == GST_STATE_CHANGE_FAILURE);
  wait_buffers (&w, 20);
  /* back to 0, ending after n frames (num-buffers is not reset by seeks) */
  fail_unless (gst_element_seek (pipe, 1.0, GST_FORMAT_TIME,
      GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_ACCURATE, GST_SEEK_TYPE_SET, 0,
      GST_SEEK_TYPE_SET, n * FRAME_DURATION));
  msg = wait_end (pipe);
  fail_unless_equals_int (GST_MESSAGE_TYPE (msg), GST_MESSAGE_EOS);
  gst_message_unref (msg);
  g_mutex_lock (&w.lock);
  fail_unless (w.flushes >= 1);
  fail_unless_equals_int (w.buffers, n);
  /* vtenc shifts its output timestamps (set_min_pts): relative to the
   * first frame */
  {
    GHashTableIter it;
    gpointer key;
    guint64 first = G_MAXUINT64;

    g_hash_table_iter_init (&it, w.pts);
    while (g_hash_table_iter_next (&it, &key, NULL))
      first = MIN (first, GPOINTER_TO_SIZE (key));
    GST_INFO ("first PTS after the seek: %" GST_TIME_FORMAT,
        GST_TIME_ARGS (first));
    for (guint i = 0; i < n; i++)
      fail_unless (g_hash_table_contains (w.pts,
                       GSIZE_TO_POINTER (
                           first + gst_util_uint64_scale (i, GST_SECOND, 30))),
          "frame %u missing after the seek", i);
  }
  g_mutex_unlock (&w.lock);
  fail_unless_equals_int (w.duplicates, 0);
  fail_unless_equals_int (w.violations, 0);
  stop_and_destroy (pipe);
  watch_clear (&w);
  g_free (desc);
}

GST_END_TEST;

/* PLAYING -> NULL while buffers flow (with frames in flight, with a queue
 * thread, live): the state change completes and the pipeline goes away. */
GST_START_TEST (test_null_mid_stream)
{
  static const gchar *descs[] = {
    SRC_RAW "vtenc name=enc ! fakesink name=sink sync=false",
    SRC_RAW "queue ! vtenc name=enc ! queue ! fakesink name=sink sync=false",
    SRC_RAW "vtenc name=enc realtime=true ! fakesink name=sink sync=true",
  };
  for (guint cycle = 0; cycle < 6; cycle++) {
    gchar *desc = g_strdup_printf (descs[__i__], G_MAXINT);
    GstElement *pipe = launch (desc);
    Watch w;

    disarm ();
    watch_init (&w);
    watch_pad (pipe, "sink", "sink", &w);
    fail_if (gst_element_set_state (pipe, GST_STATE_PLAYING)
        == GST_STATE_CHANGE_FAILURE);
    wait_buffers (&w, 5 + 7 * cycle);
    stop_and_destroy (pipe);
    fail_unless_equals_int (w.duplicates, 0);
    fail_unless_equals_int (w.violations, 0);
    watch_clear (&w);
    g_free (desc);
  }
}

GST_END_TEST;

/* EOS while frames are inside the encoder: every frame vtenc received comes
 * out once (N in -> N out), then EOS. By the source's num-buffers, and by an
 * EOS event sent to the running pipeline. */
GST_START_TEST (test_eos_in_flight)
{
  gboolean sent = __i__ % 2;
  const gchar *props = __i__ < 2 ? "" : "max-frame-delay=8";
  gchar *desc = g_strdup_printf (SRC_RAW "vtenc name=enc %s ! "
                                         "fakesink name=sink sync=false",
      sent ? G_MAXINT : 77, props);
  GstElement *pipe = launch (desc);
  GstMessage *msg;
  Watch in, out;

  disarm ();
  watch_init (&in);
  watch_init (&out);
  watch_pad (pipe, "enc", "sink", &in);
  watch_pad (pipe, "sink", "sink", &out);
  fail_if (gst_element_set_state (pipe, GST_STATE_PLAYING)
      == GST_STATE_CHANGE_FAILURE);
  if (sent) {
    wait_buffers (&in, 40);
    fail_unless (gst_element_send_event (pipe, gst_event_new_eos ()));
  }
  msg = wait_end (pipe);
  fail_unless_equals_int (GST_MESSAGE_TYPE (msg), GST_MESSAGE_EOS);
  gst_message_unref (msg);
  g_mutex_lock (&in.lock);
  g_mutex_lock (&out.lock);
  GST_INFO ("%u in, %u out", in.total, out.total);
  if (!sent)
    fail_unless_equals_int (in.total, 77);
  fail_unless_equals_int (out.total, in.total);
  fail_unless (out.eos);
  g_mutex_unlock (&out.lock);
  g_mutex_unlock (&in.lock);
  fail_unless_equals_int (out.duplicates, 0);
  fail_unless_equals_int (out.violations, 0);
  stop_and_destroy (pipe);
  watch_clear (&in);
  watch_clear (&out);
  g_free (desc);
}

GST_END_TEST;

/* ---------------------------------------------------------------------- */
/* vttransfer                                                             */

static const gchar *transfer_caps[][2] = {
  /* conversion + scaling, conversion only, RGB output */
  { "video/x-raw,format=I420,width=160,height=120,framerate=30/1",
      "video/x-raw,format=NV12,width=80,height=60,framerate=30/1" },
  { "video/x-raw,format=YUY2,width=64,height=48,framerate=30/1",
      "video/x-raw,format=I420,width=64,height=48,framerate=30/1" },
  { "video/x-raw,format=NV12,width=66,height=50,framerate=30/1",
      "video/x-raw,format=BGRA,width=100,height=30,framerate=30/1" },
};

/* Every vtcore allocation a transfer makes fails in turn (the library's
 * single allocation point, vtcore_debug_fail_allocation_after): the frame
 * either still converts (a tolerated failure) or vttransfer posts one
 * element error naming the allocation status and returns a flow error, the
 * buffer is not pushed; the next buffer converts normally; no buffer comes
 * twice. */
GST_START_TEST (test_transfer_alloc_faults)
{
  GstHarness *h = gst_harness_new ("vttransfer");
  GstBus *bus = harness_add_bus (h);
  GstVideoInfo info;
  GstCaps *c = gst_caps_from_string (transfer_caps[__i__][0]);
  guint n = 0, refused = 0, tolerated = 0;
  long allocs;

  fail_unless (gst_video_info_from_caps (&info, c));
  gst_caps_unref (c);
  gst_harness_set_src_caps_str (h, transfer_caps[__i__][0]);
  gst_harness_set_sink_caps_str (h, transfer_caps[__i__][1]);

  /* warm-up: negotiation, session, first conversion */
  fail_unless_equals_int (gst_harness_push (h,
                              make_frame (&info, n++, PATTERN_SMOOTH)),
      GST_FLOW_OK);
  gst_buffer_unref (gst_harness_pull (h));
  vtcore_debug_fail_allocation_after (0);
  fail_unless_equals_int (gst_harness_push (h,
                              make_frame (&info, n++, PATTERN_SMOOTH)),
      GST_FLOW_OK);
  gst_buffer_unref (gst_harness_pull (h));
  allocs = vtcore_debug_fail_allocation_after (0);
  GST_INFO ("%ld vtcore allocations per transfer", allocs);
  fail_unless (allocs > 0, "no vtcore allocation in a transfer");

  for (long k = 1; k <= allocs + 1; k++) {
    GstBuffer *out, *in, *ref;
    GstFlowReturn ret;

    vtcore_debug_fail_allocation_after (k);
    ret = gst_harness_push (h, make_frame (&info, n, PATTERN_SMOOTH));
    vtcore_debug_fail_allocation_after (0);
    out = gst_harness_try_pull (h);
    if (ret == GST_FLOW_OK) {
      fail_unless (out != NULL, "allocation %ld: flow OK without a buffer", k);
      fail_unless_equals_uint64 (GST_BUFFER_PTS (out), n * FRAME_DURATION);
      fail_if (bus_has_message (bus, GST_MESSAGE_ERROR, NULL, NULL));
      if (k <= allocs)
        tolerated++;
    } else {
      gchar *text = NULL;

      fail_unless_equals_int (ret, GST_FLOW_ERROR);
      fail_unless (out == NULL, "allocation %ld: a buffer after an error", k);
      fail_unless (bus_has_message (bus, GST_MESSAGE_ERROR, "AllocationFailed",
                       &text),
          "allocation %ld: no error naming the status", k);
      GST_INFO ("allocation %ld: %s", k, text);
      g_free (text);
      fail_unless_equals_int (count_errors (bus), 0);
      refused++;
    }
    fail_unless (gst_harness_try_pull (h) == NULL, "a second buffer");
    /* the next frame (the same picture) converts normally, and a
     * conversion that survived the failure gave the same bytes */
    in = make_frame (&info, n, PATTERN_SMOOTH);
    n++;
    GST_BUFFER_PTS (in) = n * FRAME_DURATION;
    fail_unless_equals_int (gst_harness_push (h, in), GST_FLOW_OK);
    ref = gst_harness_pull (h);
    fail_unless_equals_uint64 (GST_BUFFER_PTS (ref), n * FRAME_DURATION);
    if (out) {
      GstMapInfo map;

      fail_unless (gst_buffer_map (out, &map, GST_MAP_READ));
      fail_unless_equals_uint64 (map.size, gst_buffer_get_size (ref));
      fail_unless (gst_buffer_memcmp (ref, 0, map.data, map.size) == 0,
          "allocation %ld: the conversion that survived it differs", k);
      gst_buffer_unmap (out, &map);
    }
    gst_clear_buffer (&out);
    gst_buffer_unref (ref);
    fail_unless (gst_harness_try_pull (h) == NULL);
    n++;
  }
  GST_INFO ("%ld allocations: %u refused, %u tolerated", allocs, refused,
      tolerated);
  fail_unless (refused > 0);
  fail_unless_equals_int (refused + tolerated, allocs);
  gst_bus_set_flushing (bus, TRUE);
  gst_object_unref (bus);
  gst_harness_teardown (h);
}

GST_END_TEST;

#define TRANSFER_SRC                                                           \
  "videotestsrc name=src pattern=ball num-buffers=%u ! "                       \
  "video/x-raw,format=I420,width=160,height=120,framerate=30/1 ! "

/* Arms an allocation failure when buffer number fail_at reaches
 * vttransfer's sink pad: the first vtcore allocation of that transfer. */
typedef struct
{
  guint seen;
  guint fail_at;
} ArmAt;

static GstPadProbeReturn
arm_probe (GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
  ArmAt *a = data;

  if (a->seen++ == a->fail_at)
    vtcore_debug_fail_allocation_after (1);
  return GST_PAD_PROBE_OK;
}

/* A transfer failing mid-stream inside a running pipeline: an error
 * message from vttransfer naming the status, exactly the buffers before it
 * downstream (each once, in order), NULL completes, nothing hangs. */
GST_START_TEST (test_transfer_fails_mid_stream)
{
  gchar *desc = g_strdup_printf (TRANSFER_SRC
      "%s vttransfer name=t %s ! "
      "video/x-raw,format=NV12,width=80,height=60 ! "
      "fakesink name=sink sync=false",
      100, __i__ ? "queue !" : "", __i__ ? "n-threads=2" : "");
  GstElement *pipe = launch (desc);
  GstElement *t = gst_bin_get_by_name (GST_BIN (pipe), "t");
  GstPad *pad = gst_element_get_static_pad (t, "sink");
  ArmAt arm = { 0, 30 };
  GstMessage *msg;
  gchar *text;
  Watch w;

  vtcore_debug_fail_allocation_after (0);
  watch_init (&w);
  watch_pad (pipe, "sink", "sink", &w);
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, arm_probe, &arm, NULL);
  gst_object_unref (pad);
  gst_object_unref (t);
  fail_if (gst_element_set_state (pipe, GST_STATE_PLAYING)
      == GST_STATE_CHANGE_FAILURE);
  msg = wait_end (pipe);
  vtcore_debug_fail_allocation_after (0);
  fail_unless_equals_int (GST_MESSAGE_TYPE (msg), GST_MESSAGE_ERROR);
  text = error_text (msg);
  GST_INFO ("%s", text);
  fail_unless (g_str_has_prefix (text, "t:"), "error from %s", text);
  fail_unless (strstr (text, "AllocationFailed") != NULL, "%s", text);
  g_free (text);
  gst_message_unref (msg);
  stop_and_destroy (pipe);
  fail_unless_equals_int (w.total, 30);
  fail_unless_equals_int (w.duplicates, 0);
  fail_unless_equals_int (w.violations, 0);
  watch_clear (&w);
  g_free (desc);
}

GST_END_TEST;

/* Caps vttransfer cannot handle, set on capsfilters after the pipeline was
 * linked (at link time gst_parse refuses them already): an output format it
 * cannot produce (v210), an input format it cannot read (GRAY16_LE):
 * not-negotiated, an error message, no buffer downstream, no hang. */
GST_START_TEST (test_transfer_not_negotiated)
{
  static const gchar *caps[][2] = {
    { "video/x-raw,format=I420,width=64,height=48", "video/x-raw,format=v210" },
    { "video/x-raw,format=GRAY16_LE,width=64,height=48",
        "video/x-raw,format=NV12" },
  };
  gchar *desc = g_strdup_printf ("videotestsrc name=src num-buffers=%u ! "
                                 "capsfilter name=in ! vttransfer name=t ! "
                                 "capsfilter name=out ! fakesink name=sink",
      50);
  GstElement *pipe = launch (desc);
  GstMessage *msg;
  gchar *text;
  Watch w;

  for (guint k = 0; k < 2; k++) {
    GstElement *cf = gst_bin_get_by_name (GST_BIN (pipe), k ? "out" : "in");
    GstCaps *c = gst_caps_from_string (caps[__i__][k]);

    g_object_set (cf, "caps", c, NULL);
    gst_caps_unref (c);
    gst_object_unref (cf);
  }
  watch_init (&w);
  watch_pad (pipe, "sink", "sink", &w);
  gst_element_set_state (pipe, GST_STATE_PLAYING);
  msg = wait_end (pipe);
  fail_unless_equals_int (GST_MESSAGE_TYPE (msg), GST_MESSAGE_ERROR);
  text = error_text (msg);
  GST_INFO ("%s", text);
  fail_unless (strstr (text, "not-negotiated") != NULL, "%s", text);
  g_free (text);
  gst_message_unref (msg);
  stop_and_destroy (pipe);
  fail_unless_equals_int (w.total, 0);
  watch_clear (&w);
  g_free (desc);
}

GST_END_TEST;

/* Downstream of vttransfer refuses buffers from the 11th on: errors end the
 * stream with an error message, flushing pauses it; the state change to
 * NULL completes; exactly 10 buffers passed, none twice. And vttransfer's
 * source pad not linked at all. */
GST_START_TEST (test_transfer_downstream_flow)
{
  static const GstFlowReturn flows[] = { GST_FLOW_NOT_LINKED, GST_FLOW_FLUSHING,
    GST_FLOW_ERROR, GST_FLOW_NOT_NEGOTIATED };
  GstFlowReturn flow = flows[__i__];
  gchar *desc = g_strdup_printf (TRANSFER_SRC
      "vttransfer name=t ! "
      "video/x-raw,format=NV12,width=96,height=72 ! "
      "fakesink name=sink sync=false",
      300);
  GstElement *pipe = launch (desc);
  Watch w;

  watch_init (&w);
  w.fail_with = flow;
  w.fail_after = 10;
  watch_pad (pipe, "t", "src", &w);
  fail_if (gst_element_set_state (pipe, GST_STATE_PLAYING)
      == GST_STATE_CHANGE_FAILURE);
  if (flow == GST_FLOW_FLUSHING) {
    gint64 end = g_get_monotonic_time () + WAIT_TIMEOUT / GST_USECOND;

    for (;;) {
      guint failed;

      g_mutex_lock (&w.lock);
      failed = w.failed;
      g_mutex_unlock (&w.lock);
      if (failed)
        break;
      fail_unless (g_get_monotonic_time () < end, "nothing refused");
      g_usleep (2000);
    }
  } else {
    GstMessage *msg = wait_end (pipe);
    gchar *text;

    fail_unless_equals_int (GST_MESSAGE_TYPE (msg), GST_MESSAGE_ERROR);
    text = error_text (msg);
    GST_INFO ("%s: %s", gst_flow_get_name (flow), text);
    fail_unless (strstr (text, gst_flow_get_name (flow)) != NULL, "%s", text);
    g_free (text);
    gst_message_unref (msg);
  }
  stop_and_destroy (pipe);
  fail_unless_equals_int (w.failed, 1);
  fail_unless_equals_int (w.total, 10);
  fail_unless_equals_int (w.duplicates, 0);
  fail_unless_equals_int (w.violations, 0);
  watch_clear (&w);
  g_free (desc);
}

GST_END_TEST;

GST_START_TEST (test_transfer_not_linked)
{
  gchar *desc = g_strdup_printf (TRANSFER_SRC "vttransfer name=t", 300);
  GstElement *pipe = launch (desc);
  GstMessage *msg;

  fail_if (gst_element_set_state (pipe, GST_STATE_PLAYING)
      == GST_STATE_CHANGE_FAILURE);
  msg = wait_end (pipe);
  fail_unless_equals_int (GST_MESSAGE_TYPE (msg), GST_MESSAGE_ERROR);
  gst_message_unref (msg);
  stop_and_destroy (pipe);
  g_free (desc);
}

GST_END_TEST;

/* PLAYING -> NULL at arbitrary points while vttransfer converts (worker
 * threads, queues on both sides, a synchronised sink): the state change
 * completes, the pipeline goes away, no buffer twice, stream order kept. */
GST_START_TEST (test_transfer_null_mid_stream)
{
  static const gchar *descs[] = {
    TRANSFER_SRC "vttransfer name=t ! video/x-raw,format=NV12,width=320,"
                 "height=240 ! fakesink name=sink sync=false",
    TRANSFER_SRC
    "queue ! vttransfer name=t n-threads=3 ! "
    "video/x-raw,format=BGRA ! queue ! fakesink name=sink sync=false",
    TRANSFER_SRC "vttransfer name=t ! video/x-raw,format=NV12 ! "
                 "fakesink name=sink sync=true",
  };
  for (guint cycle = 0; cycle < 6; cycle++) {
    gchar *desc = g_strdup_printf (descs[__i__], G_MAXINT);
    GstElement *pipe = launch (desc);
    Watch w;

    watch_init (&w);
    watch_pad (pipe, "sink", "sink", &w);
    fail_if (gst_element_set_state (pipe, GST_STATE_PLAYING)
        == GST_STATE_CHANGE_FAILURE);
    wait_buffers (&w, 1 + 5 * cycle);
    stop_and_destroy (pipe);
    fail_unless_equals_int (w.duplicates, 0);
    fail_unless_equals_int (w.violations, 0);
    watch_clear (&w);
    g_free (desc);
  }
}

GST_END_TEST;

/* EOS through vttransfer and vtenc: buffers in = buffers out at both
 * elements, then exactly one EOS, stream order kept. */
GST_START_TEST (test_transfer_eos_counts)
{
  gchar *desc = g_strdup_printf (TRANSFER_SRC
      "vttransfer name=t ! "
      "video/x-raw,format=NV12,width=96,height=72 ! "
      "vtenc name=enc ! fakesink name=sink sync=false",
      61);
  GstElement *pipe = launch (desc);
  GstMessage *msg;
  Watch tin, tout, out;

  disarm ();
  watch_init (&tin);
  watch_init (&tout);
  watch_init (&out);
  watch_pad (pipe, "t", "sink", &tin);
  watch_pad (pipe, "t", "src", &tout);
  watch_pad (pipe, "sink", "sink", &out);
  fail_if (gst_element_set_state (pipe, GST_STATE_PLAYING)
      == GST_STATE_CHANGE_FAILURE);
  msg = wait_end (pipe);
  fail_unless_equals_int (GST_MESSAGE_TYPE (msg), GST_MESSAGE_EOS);
  gst_message_unref (msg);
  stop_and_destroy (pipe);
  fail_unless_equals_int (tin.total, 61);
  fail_unless_equals_int (tout.total, 61);
  fail_unless_equals_int (out.total, 61);
  fail_unless (tout.eos && out.eos);
  fail_unless_equals_int (tout.violations + out.violations, 0);
  fail_unless_equals_int (tout.duplicates + out.duplicates, 0);
  watch_clear (&tin);
  watch_clear (&tout);
  watch_clear (&out);
  g_free (desc);
}

GST_END_TEST;

static Suite *
faults_suite (void)
{
  Suite *s = suite_create ("vtcore_faults");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_set_timeout (tc, 120);
  tcase_add_test (tc, test_encode_error_low_latency);
  tcase_add_test (tc, test_encode_error_in_flight);
  tcase_add_loop_test (tc, test_encode_error_first_frame, 0, 2);
  tcase_add_loop_test (tc, test_reconfigure_error, 0, 2);
  tcase_add_loop_test (tc, test_encode_error_only, 0, 2);
  tcase_add_test (tc, test_encode_error_then_flush);
  tcase_add_test (tc, test_open_error);
  tcase_add_test (tc, test_drain_error);
  tcase_add_loop_test (tc, test_pipeline_encoder_error, 0, 4);
  tcase_add_loop_test (tc, test_downstream_flow, 0, 8);
  tcase_add_test (tc, test_not_linked);
  tcase_add_loop_test (tc, test_flushing_seek, 0, 4);
  tcase_add_loop_test (tc, test_null_mid_stream, 0, 3);
  tcase_add_loop_test (tc, test_eos_in_flight, 0, 4);
  tcase_add_loop_test (tc, test_transfer_alloc_faults, 0,
      G_N_ELEMENTS (transfer_caps));
  tcase_add_loop_test (tc, test_transfer_fails_mid_stream, 0, 2);
  tcase_add_loop_test (tc, test_transfer_not_negotiated, 0, 2);
  tcase_add_loop_test (tc, test_transfer_downstream_flow, 0, 4);
  tcase_add_test (tc, test_transfer_not_linked);
  tcase_add_loop_test (tc, test_transfer_null_mid_stream, 0, 3);
  tcase_add_test (tc, test_transfer_eos_counts);
  return s;
}

GST_CHECK_MAIN (faults);
