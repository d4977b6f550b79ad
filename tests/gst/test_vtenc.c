/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * vtenc element tests (GstHarness): caps negotiation matrix, properties and
 * their mutability, force-keyunit, N in -> N out on EOS, resolution change,
 * latency, odd sizes (refused at negotiation), and clear errors for caps and
 * settings vtenc cannot do.
 */
#include "gst_test_util.h"

/* Every raw format on vtenc's sink pad template. */
static const gchar *formats[] = {
  "NV12",
  "I420",
  "YV12",
  "NV21",
  "NV16",
  "NV24",
  "Y42B",
  "Y444",
  "P010_10LE",
  "UYVY",
  "YUY2",
  "BGRA",
  "BGRx",
  "RGBA",
  "RGBx",
  "ARGB",
  "xRGB",
  "ABGR",
  "xBGR",
  "RGB",
  "BGR",
  "GRAY8",
};

static const gchar *stream_formats[] = { "avc", "byte-stream" };

static const struct
{
  const gchar *name;
  guint8 profile_idc;
} profiles[] = {
  { "constrained-baseline", 66 },
  { "baseline", 66 },
  { "main", 77 },
  { "high", 100 },
};

#define N_MATRIX                                                               \
  (G_N_ELEMENTS (formats) * G_N_ELEMENTS (stream_formats)                      \
      * G_N_ELEMENTS (profiles))

static GstHarness *
new_encoder (const gchar *props, const gchar *format, gint w, gint h,
    const gchar *sink_caps, GstVideoInfo *info)
{
  gchar *desc = g_strdup_printf ("vtenc name=enc %s", props ? props : "");
  gchar *caps = g_strdup_printf ("video/x-raw,format=%s,width=%d,height=%d,"
                                 "framerate=30/1",
      format, w, h);
  GstHarness *hr = gst_harness_new_parse (desc);

  if (sink_caps)
    gst_harness_set_sink_caps_str (hr, sink_caps);
  gst_harness_set_src_caps_str (hr, caps);
  if (info) {
    GstCaps *c = gst_caps_from_string (caps);
    fail_unless (gst_video_info_from_caps (info, c));
    gst_caps_unref (c);
  }
  g_free (desc);
  g_free (caps);
  return hr;
}

/* The vtenc inside a gst_harness_new_parse () bin (+1). */
static GstElement *
harness_encoder (GstHarness *hr)
{
  GstElement *enc = gst_bin_get_by_name (GST_BIN (hr->element), "enc");

  fail_unless (enc != NULL);
  return enc;
}

/* Pushes @n frames from @start, then EOS; returns the number of buffers
 * received so far. */
static guint
push_frames (GstHarness *hr, const GstVideoInfo *info, guint start, guint n,
    gboolean noise, gboolean eos)
{
  for (guint i = start; i < start + n; i++)
    fail_unless_equals_int (gst_harness_push (hr,
                                make_frame (info, i,
                                    noise ? PATTERN_NOISE : PATTERN_RAMP)),
        GST_FLOW_OK);
  if (eos)
    fail_unless (gst_harness_push_event (hr, gst_event_new_eos ()));
  return gst_harness_buffers_received (hr);
}

GST_START_TEST (test_caps_matrix)
{
  guint f = __i__ / (G_N_ELEMENTS (stream_formats) * G_N_ELEMENTS (profiles));
  guint s = (__i__ / G_N_ELEMENTS (profiles)) % G_N_ELEMENTS (stream_formats);
  guint p = __i__ % G_N_ELEMENTS (profiles);
  gchar *sink_caps = g_strdup_printf ("video/x-h264,stream-format=%s,"
                                      "alignment=au,profile=%s",
      stream_formats[s], profiles[p].name);
  gboolean byte_stream = s == 1;
  GstVideoInfo info;
  GstHarness *hr;
  GstCaps *caps;
  GstStructure *st;
  GstBuffer *buf;
  const GValue *cd;
  guint32 types;
  guint first_nal;

  GST_INFO ("%s -> %s", formats[f], sink_caps);
  hr = new_encoder (NULL, formats[f], 176, 144, sink_caps, &info);
  fail_unless_equals_int (push_frames (hr, &info, 0, 3, FALSE, TRUE), 3);

  caps = gst_pad_get_current_caps (hr->sinkpad);
  fail_unless (caps != NULL);
  st = gst_caps_get_structure (caps, 0);
  fail_unless_equals_string (gst_structure_get_string (st, "stream-format"),
      stream_formats[s]);
  fail_unless_equals_string (gst_structure_get_string (st, "alignment"), "au");
  fail_unless_equals_string (gst_structure_get_string (st, "profile"),
      profiles[p].name);
  fail_unless (gst_structure_get_string (st, "level") != NULL);
  cd = gst_structure_get_value (st, "codec_data");
  if (byte_stream) {
    fail_unless (cd == NULL);
  } else {
    GstMapInfo map;

    fail_unless (cd != NULL);
    fail_unless (
        gst_buffer_map (gst_value_get_buffer (cd), &map, GST_MAP_READ));
    fail_unless (map.size >= 7);
    fail_unless_equals_int (map.data[0], 1);
    fail_unless_equals_int (map.data[1], profiles[p].profile_idc);
    gst_buffer_unmap (gst_value_get_buffer (cd), &map);
  }
  gst_caps_unref (caps);

  /* First access unit: an IDR; in byte-stream SPS, PPS come first. */
  buf = gst_harness_pull (hr);
  fail_unless (walk_access_unit (buf, byte_stream, &types, &first_nal));
  fail_unless (types & (1u << 5));
  fail_if (GST_BUFFER_FLAG_IS_SET (buf, GST_BUFFER_FLAG_DELTA_UNIT));
  if (byte_stream) {
    fail_unless ((types & (1u << 7)) && (types & (1u << 8)));
    fail_unless (first_nal == 7 || first_nal == 9 || first_nal == 6);
  }
  gst_buffer_unref (buf);
  for (guint i = 1; i < 3; i++) {
    buf = gst_harness_pull (hr);
    fail_unless (walk_access_unit (buf, byte_stream, &types, &first_nal));
    gst_buffer_unref (buf);
  }

  gst_harness_teardown (hr);
  g_free (sink_caps);
}

GST_END_TEST;

/* The sink caps query must offer every template format. */
GST_START_TEST (test_sink_caps_query)
{
  GstHarness *hr = gst_harness_new ("vtenc");
  GstCaps *caps;

  gst_harness_set_sink_caps_str (hr, "video/x-h264,profile=high");
  caps = gst_pad_peer_query_caps (hr->srcpad, NULL);
  fail_unless (caps != NULL);
  for (guint i = 0; i < G_N_ELEMENTS (formats); i++) {
    gchar *str = g_strdup_printf ("video/x-raw,format=%s,width=320,"
                                  "height=240,framerate=30/1",
        formats[i]);
    GstCaps *one = gst_caps_from_string (str);

    fail_unless (gst_caps_can_intersect (caps, one), "%s not offered", str);
    gst_caps_unref (one);
    g_free (str);
  }
  gst_caps_unref (caps);
  gst_harness_teardown (hr);
}

GST_END_TEST;

/* A downstream that does not name a stream-format gets avc; one that takes
 * anything gets byte-stream; superset profiles are announced as such. */
GST_START_TEST (test_stream_format_and_profile_choice)
{
  GstVideoInfo info;
  GstHarness *hr;
  GstCaps *caps;
  GstStructure *st;

  hr = new_encoder (NULL, "I420", 320, 240, "video/x-h264", &info);
  push_frames (hr, &info, 0, 2, FALSE, TRUE);
  caps = gst_pad_get_current_caps (hr->sinkpad);
  st = gst_caps_get_structure (caps, 0);
  fail_unless_equals_string (gst_structure_get_string (st, "stream-format"),
      "avc");
  gst_caps_unref (caps);
  gst_harness_teardown (hr);

  hr = new_encoder (NULL, "I420", 320, 240, "ANY", &info);
  push_frames (hr, &info, 0, 2, FALSE, TRUE);
  caps = gst_pad_get_current_caps (hr->sinkpad);
  st = gst_caps_get_structure (caps, 0);
  fail_unless_equals_string (gst_structure_get_string (st, "stream-format"),
      "byte-stream");
  gst_caps_unref (caps);
  gst_harness_teardown (hr);

  /* main or high accepted: high is chosen. */
  hr = new_encoder (NULL, "NV12", 320, 240,
      "video/x-h264,stream-format=avc,profile={main,high}", &info);
  push_frames (hr, &info, 0, 2, FALSE, TRUE);
  caps = gst_pad_get_current_caps (hr->sinkpad);
  st = gst_caps_get_structure (caps, 0);
  fail_unless_equals_string (gst_structure_get_string (st, "profile"), "high");
  gst_caps_unref (caps);
  gst_harness_teardown (hr);

  /* A level from downstream ends up in the SPS. */
  hr = new_encoder (NULL, "NV12", 320, 240,
      "video/x-h264,stream-format=avc,profile=main,level=(string)3.1", &info);
  push_frames (hr, &info, 0, 2, FALSE, TRUE);
  caps = gst_pad_get_current_caps (hr->sinkpad);
  st = gst_caps_get_structure (caps, 0);
  fail_unless_equals_string (gst_structure_get_string (st, "level"), "3.1");
  gst_caps_unref (caps);
  gst_harness_teardown (hr);
}

GST_END_TEST;

static const struct
{
  const gchar *name;
  const gchar *value;
  gboolean mutable_playing;
} prop_table[] = {
  { "bitrate", "1234", TRUE },
  { "rate-control", "cbr", FALSE },
  { "data-rate-limits", "3000,1.5", TRUE },
  { "quality", "0.75", TRUE },
  { "max-keyframe-interval", "48", TRUE },
  { "max-keyframe-interval-duration", "2000000000", TRUE },
  { "allow-frame-reordering", "false", FALSE },
  { "realtime", "true", FALSE },
  { "max-frame-delay", "3", FALSE },
  { "encoder", "x264", FALSE },
  { "entropy-mode", "cavlc", FALSE },
  { "min-qp", "10", FALSE },
  { "max-qp", "40", FALSE },
  { "threads", "1", FALSE },
  { "speed-preset", "ultrafast", FALSE },
  { "tune", "fastdecode+zerolatency", FALSE },
};

GST_START_TEST (test_properties_round_trip)
{
  GstElement *enc = gst_element_factory_make ("vtenc", NULL);
  GParamSpec **specs;
  guint n_specs;

  fail_unless (enc != NULL);
  for (guint i = 0; i < G_N_ELEMENTS (prop_table); i++) {
    GParamSpec *spec = g_object_class_find_property (G_OBJECT_GET_CLASS (enc),
        prop_table[i].name);
    GValue v = G_VALUE_INIT, expect = G_VALUE_INIT;

    fail_unless (spec != NULL, "no property %s", prop_table[i].name);
    fail_unless_equals_int (!!(spec->flags & GST_PARAM_MUTABLE_PLAYING),
        prop_table[i].mutable_playing);
    gst_util_set_object_arg (G_OBJECT (enc), prop_table[i].name,
        prop_table[i].value);
    g_value_init (&v, spec->value_type);
    g_value_init (&expect, spec->value_type);
    fail_unless (gst_value_deserialize (&expect, prop_table[i].value));
    g_object_get_property (G_OBJECT (enc), prop_table[i].name, &v);
    fail_unless (gst_value_compare (&v, &expect) == GST_VALUE_EQUAL,
        "%s: set %s, got %s", prop_table[i].name, prop_table[i].value,
        gst_value_serialize (&v));
    g_value_unset (&v);
    g_value_unset (&expect);
  }

  /* gst-inspect is the manual: every property is documented. */
  specs = g_object_class_list_properties (G_OBJECT_GET_CLASS (enc), &n_specs);
  for (guint i = 0; i < n_specs; i++) {
    const gchar *blurb = g_param_spec_get_blurb (specs[i]);
    fail_unless (blurb && strlen (blurb) > 10, "%s undocumented",
        specs[i]->name);
  }
  g_free (specs);
  gst_object_unref (enc);

  /* vtenc_h264 is the same element with the same properties. */
  enc = gst_element_factory_make ("vtenc_h264", NULL);
  fail_unless (enc != NULL);
  for (guint i = 0; i < G_N_ELEMENTS (prop_table); i++)
    fail_unless (g_object_class_find_property (G_OBJECT_GET_CLASS (enc),
                     prop_table[i].name)
        != NULL);
  gst_object_unref (enc);
}

GST_END_TEST;

static void
count_notify (GObject *obj, GParamSpec *pspec, guint *count)
{
  (*count)++;
}

/* Values the encoder chose are read back while encoding (with notify):
 * baseline has no B-frames. The request stays for the next session. */
GST_START_TEST (test_effective_values_read_back)
{
  GstVideoInfo info;
  GstHarness *hr
      = gst_harness_new_parse ("vtenc name=enc allow-frame-reordering=true");
  GstElement *enc = harness_encoder (hr);
  guint notified = 0;
  gboolean reordering = TRUE;
  gchar *id = NULL;

  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_I420, 320, 240);
  g_signal_connect (enc, "notify::allow-frame-reordering",
      G_CALLBACK (count_notify), &notified);
  gst_harness_set_sink_caps_str (hr, "video/x-h264,profile=baseline");
  gst_harness_set_src_caps_str (hr,
      "video/x-raw,format=I420,width=320,height=240,framerate=30/1");
  push_frames (hr, &info, 0, 3, FALSE, FALSE);
  g_object_get (enc, "allow-frame-reordering", &reordering, "encoder-id", &id,
      NULL);
  fail_if (reordering, "baseline encoder reports B-frames");
  fail_unless (notified >= 1, "no notify for the value the encoder chose");
  fail_unless (id != NULL && strlen (id) > 0);
  g_free (id);
  gst_element_set_state (hr->element, GST_STATE_NULL);
  g_object_get (enc, "allow-frame-reordering", &reordering, "encoder-id", &id,
      NULL);
  fail_unless (reordering, "the request was lost");
  fail_unless (id == NULL);
  gst_object_unref (enc);
  gst_harness_teardown (hr);
}

GST_END_TEST;

static gsize
sum_sizes (GstBuffer **bufs, guint from, guint to)
{
  gsize total = 0;

  for (guint i = from; i < to; i++)
    total += gst_buffer_get_size (bufs[i]);
  return total;
}

/* bitrate changed while PLAYING is applied at once: the bytes per frame
 * follow the new target, and no warning is posted. */
GST_START_TEST (test_bitrate_change_while_playing)
{
  GstVideoInfo info;
  GstHarness *hr = new_encoder ("bitrate=150 realtime=true "
                                "allow-frame-reordering=false",
      "I420", 320, 240, "video/x-h264,stream-format=avc", &info);
  GstBus *bus = harness_add_bus (hr);
  GstBuffer *bufs[80];
  gsize low, high;

  GstElement *enc = harness_encoder (hr);

  push_frames (hr, &info, 0, 40, TRUE, FALSE);
  g_object_set (enc, "bitrate", 3000, NULL);
  gst_object_unref (enc);
  push_frames (hr, &info, 40, 40, TRUE, TRUE);
  fail_unless_equals_int (gst_harness_buffers_received (hr), 80);
  for (guint i = 0; i < 80; i++)
    bufs[i] = gst_harness_pull (hr);
  low = sum_sizes (bufs, 20, 40);
  high = sum_sizes (bufs, 60, 80);
  GST_INFO ("20 frames at 150 kbit/s: %" G_GSIZE_FORMAT
            " bytes, at 3000: %" G_GSIZE_FORMAT,
      low, high);
  fail_unless (high > 4 * low,
      "bitrate change had no effect (%" G_GSIZE_FORMAT " -> %" G_GSIZE_FORMAT
      ")",
      low, high);
  fail_if (bus_has_message (bus, GST_MESSAGE_WARNING, NULL, NULL));
  fail_if (bus_has_message (bus, GST_MESSAGE_ERROR, NULL, NULL));
  for (guint i = 0; i < 80; i++)
    gst_buffer_unref (bufs[i]);
  gst_element_set_bus (hr->element, NULL);
  gst_object_unref (bus);
  gst_harness_teardown (hr);
}

GST_END_TEST;

static GstBuffer *
find_by_pts (GstBuffer **bufs, guint n, GstClockTime pts)
{
  for (guint i = 0; i < n; i++)
    if (GST_BUFFER_PTS (bufs[i]) == pts)
      return bufs[i];
  return NULL;
}

/* Force-key-unit (downstream event, then upstream event) gives an IDR at
 * exactly that frame, and a force-key-unit event goes downstream. */
GST_START_TEST (test_force_keyunit)
{
  GstVideoInfo info;
  GstHarness *hr = new_encoder ("max-keyframe-interval=1000", "NV12", 320, 240,
      "video/x-h264,stream-format=byte-stream", &info);
  GstBuffer *bufs[40];
  GstClockTime offset;
  guint n_fku = 0;
  GstEvent *ev;
  guint32 types;
  guint first_nal;

  push_frames (hr, &info, 0, 10, FALSE, FALSE);
  fail_unless (gst_harness_push_event (hr,
      gst_video_event_new_downstream_force_key_unit (10 * FRAME_DURATION,
          GST_CLOCK_TIME_NONE, 10 * FRAME_DURATION, TRUE, 1)));
  push_frames (hr, &info, 10, 15, FALSE, FALSE);
  /* Upstream request: the next frame pushed (frame 25). */
  fail_unless (gst_harness_push_upstream_event (hr,
      gst_video_event_new_upstream_force_key_unit (GST_CLOCK_TIME_NONE, TRUE,
          2)));
  push_frames (hr, &info, 25, 15, FALSE, TRUE);
  fail_unless_equals_int (gst_harness_buffers_received (hr), 40);

  for (guint i = 0; i < 40; i++)
    bufs[i] = gst_harness_pull (hr);
  /* Output timestamps carry the encoder's min-pts offset: frame 0 is the
   * smallest PTS. */
  offset = GST_BUFFER_PTS (bufs[0]);
  for (guint i = 0; i < 40; i++)
    offset = MIN (offset, GST_BUFFER_PTS (bufs[i]));

  for (guint k = 0; k < 2; k++) {
    guint frame = k == 0 ? 10 : 25;
    GstBuffer *b = find_by_pts (bufs, 40, offset + frame * FRAME_DURATION);

    fail_unless (b != NULL, "no output for frame %u", frame);
    fail_if (GST_BUFFER_FLAG_IS_SET (b, GST_BUFFER_FLAG_DELTA_UNIT),
        "frame %u is not a key unit", frame);
    fail_unless (walk_access_unit (b, TRUE, &types, &first_nal));
    fail_unless (types & (1u << 5), "frame %u is not an IDR", frame);
    fail_unless (types & (1u << 7), "frame %u has no SPS", frame);
  }
  /* And no other key frame than 0, 10 and 25. */
  for (guint i = 1; i < 40; i++) {
    if (i == 10 || i == 25)
      continue;
    fail_unless (GST_BUFFER_FLAG_IS_SET (find_by_pts (bufs, 40,
                                             offset + i * FRAME_DURATION),
                     GST_BUFFER_FLAG_DELTA_UNIT),
        "unexpected key frame at %u", i);
  }

  while ((ev = gst_harness_try_pull_event (hr))) {
    if (gst_video_event_is_force_key_unit (ev))
      n_fku++;
    gst_event_unref (ev);
  }
  fail_unless (n_fku >= 2, "%u force-key-unit events downstream", n_fku);

  for (guint i = 0; i < 40; i++)
    gst_buffer_unref (bufs[i]);
  gst_harness_teardown (hr);
}

GST_END_TEST;

/* avc output: an all-headers key unit carries SPS/PPS in-band too. */
GST_START_TEST (test_force_keyunit_avc_headers)
{
  GstVideoInfo info;
  GstHarness *hr = new_encoder ("max-keyframe-interval=1000", "NV12", 320, 240,
      "video/x-h264,stream-format=avc", &info);
  GstBuffer *bufs[12];
  GstClockTime offset = GST_CLOCK_TIME_NONE;
  guint32 types;
  guint first_nal;
  GstBuffer *b;

  push_frames (hr, &info, 0, 6, FALSE, FALSE);
  fail_unless (gst_harness_push_event (hr,
      gst_video_event_new_downstream_force_key_unit (6 * FRAME_DURATION,
          GST_CLOCK_TIME_NONE, 6 * FRAME_DURATION, TRUE, 1)));
  push_frames (hr, &info, 6, 6, FALSE, TRUE);
  fail_unless_equals_int (gst_harness_buffers_received (hr), 12);
  for (guint i = 0; i < 12; i++) {
    bufs[i] = gst_harness_pull (hr);
    offset = MIN (offset, GST_BUFFER_PTS (bufs[i]));
  }
  b = find_by_pts (bufs, 12, offset + 6 * FRAME_DURATION);
  fail_unless (b != NULL);
  fail_unless (walk_access_unit (b, FALSE, &types, &first_nal));
  fail_unless (types & (1u << 5));
  fail_unless ((types & (1u << 7)) && (types & (1u << 8)),
      "no in-band SPS/PPS in the all-headers key unit");
  fail_unless_equals_int (first_nal, 7);
  /* Frame 0 is an IDR without in-band headers (they are in codec_data). */
  b = find_by_pts (bufs, 12, offset);
  fail_unless (walk_access_unit (b, FALSE, &types, &first_nal));
  fail_unless ((types & (1u << 5)) && !(types & (1u << 7)));
  for (guint i = 0; i < 12; i++)
    gst_buffer_unref (bufs[i]);
  gst_harness_teardown (hr);
}

GST_END_TEST;

static const gchar *drain_configs[] = {
  "",
  "allow-frame-reordering=false",
  "max-keyframe-interval=1",
  "max-keyframe-interval=5",
  "max-keyframe-interval=7 allow-frame-reordering=true quality=0.9",
  "realtime=true",
  "realtime=true allow-frame-reordering=false",
  "max-frame-delay=0",
  "max-frame-delay=2 bitrate=300",
  "max-keyframe-interval-duration=500000000",
  "rate-control=cbr bitrate=500",
  "entropy-mode=cavlc",
};

/* N frames in, EOS, N buffers out, with monotonic DTS <= PTS and exactly the
 * input PTS set. */
GST_START_TEST (test_eos_drains_all_frames)
{
  const guint n = 37;
  GstVideoInfo info;
  GstHarness *hr = new_encoder (drain_configs[__i__], "I420", 320, 240,
      "video/x-h264,stream-format=avc", &info);
  GstClockTime prev_dts = 0, offset = GST_CLOCK_TIME_NONE;
  GstBuffer *bufs[37];
  guint keys = 0;

  GST_INFO ("config \"%s\"", drain_configs[__i__]);
  fail_unless_equals_int (push_frames (hr, &info, 0, n, FALSE, TRUE), n);
  for (guint i = 0; i < n; i++) {
    bufs[i] = gst_harness_pull (hr);
    fail_unless (GST_BUFFER_DTS_IS_VALID (bufs[i]));
    fail_unless (GST_BUFFER_PTS_IS_VALID (bufs[i]));
    fail_unless (GST_BUFFER_DTS (bufs[i]) <= GST_BUFFER_PTS (bufs[i]),
        "DTS > PTS at output %u", i);
    if (i > 0)
      fail_unless (GST_BUFFER_DTS (bufs[i]) > prev_dts,
          "DTS not increasing at output %u", i);
    prev_dts = GST_BUFFER_DTS (bufs[i]);
    offset = MIN (offset, GST_BUFFER_PTS (bufs[i]));
    if (!GST_BUFFER_FLAG_IS_SET (bufs[i], GST_BUFFER_FLAG_DELTA_UNIT))
      keys++;
  }
  for (guint i = 0; i < n; i++)
    fail_unless (find_by_pts (bufs, n, offset + i * FRAME_DURATION) != NULL,
        "frame %u missing", i);
  if (g_str_equal (drain_configs[__i__], "max-keyframe-interval=1"))
    fail_unless_equals_int (keys, n);
  if (strstr (drain_configs[__i__], "max-keyframe-interval=5"))
    fail_unless (keys >= n / 5, "%u key frames", keys);
  fail_unless (gst_harness_try_pull (hr) == NULL);
  for (guint i = 0; i < n; i++)
    gst_buffer_unref (bufs[i]);
  gst_harness_teardown (hr);
}

GST_END_TEST;

/* A size change mid-stream drains, restarts and announces new caps with new
 * codec_data; every frame comes out. */
GST_START_TEST (test_resolution_change)
{
  GstVideoInfo info1, info2;
  GstHarness *hr = new_encoder (NULL, "NV12", 320, 240,
      "video/x-h264,stream-format=avc", &info1);
  GstCaps *caps[2] = { NULL, NULL };
  GstStructure *s1, *s2;
  guint n_caps = 0;
  GstEvent *ev;
  gint w;

  push_frames (hr, &info1, 0, 12, FALSE, FALSE);
  gst_harness_set_src_caps_str (hr,
      "video/x-raw,format=NV12,width=640,"
      "height=360,framerate=30/1");
  gst_video_info_set_format (&info2, GST_VIDEO_FORMAT_NV12, 640, 360);
  push_frames (hr, &info2, 12, 1, FALSE, FALSE);
  /* The first_nal frame with the new caps made vtenc drain the old session. */
  fail_unless (gst_harness_buffers_received (hr) >= 12);
  push_frames (hr, &info2, 13, 11, FALSE, TRUE);
  fail_unless_equals_int (gst_harness_buffers_received (hr), 24);

  while ((ev = gst_harness_try_pull_event (hr))) {
    if (GST_EVENT_TYPE (ev) == GST_EVENT_CAPS) {
      GstCaps *c;

      gst_event_parse_caps (ev, &c);
      fail_unless (n_caps < 2, "more than two caps events");
      caps[n_caps++] = gst_caps_ref (c);
    }
    gst_event_unref (ev);
  }
  fail_unless_equals_int (n_caps, 2);
  s1 = gst_caps_get_structure (caps[0], 0);
  s2 = gst_caps_get_structure (caps[1], 0);
  fail_unless (gst_structure_get_int (s1, "width", &w) && w == 320);
  fail_unless (gst_structure_get_int (s2, "width", &w) && w == 640);
  fail_unless (gst_value_compare (gst_structure_get_value (s1, "codec_data"),
                   gst_structure_get_value (s2, "codec_data"))
      != GST_VALUE_EQUAL);
  gst_caps_unref (caps[0]);
  gst_caps_unref (caps[1]);
  gst_harness_teardown (hr);
}

GST_END_TEST;

/* The realtime recipe reports zero latency at set_format; the default one
 * reports some. */
GST_START_TEST (test_latency)
{
  GstVideoInfo info;
  GstHarness *hr = new_encoder ("realtime=true allow-frame-reordering=false",
      "NV12", 320, 240, "video/x-h264", &info);
  GstClockTime latency;

  latency = gst_harness_query_latency (hr);
  fail_unless_equals_uint64 (latency, 0);
  gst_harness_teardown (hr);

  hr = new_encoder (NULL, "NV12", 320, 240, "video/x-h264", &info);
  latency = gst_harness_query_latency (hr);
  GST_INFO ("default latency %" GST_TIME_FORMAT, GST_TIME_ARGS (latency));
  fail_unless (latency > 0);
  gst_harness_teardown (hr);
}

GST_END_TEST;

/* entropy_coding_mode_flag of the first PPS in avcC codec_data, -1 if
 * there is none. */
static gint
avcc_pps_entropy (const GstBuffer *codec_data)
{
  GstMapInfo map;
  gint flag = -1;

  fail_unless (gst_buffer_map ((GstBuffer *) codec_data, &map, GST_MAP_READ));
  if (map.size > 6) {
    gsize pos = 6;
    guint n_sps = map.data[5] & 0x1f;

    for (guint i = 0; i < n_sps && pos + 2 <= map.size; i++)
      pos += 2 + ((map.data[pos] << 8) | map.data[pos + 1]);
    if (pos + 4 < map.size && map.data[pos] >= 1) {
      const guint8 *pps = map.data + pos + 4; /* count, length, header */
      gsize bits = (map.size - (pos + 4)) * 8, bit = 0;

      /* two ue(v): pic_parameter_set_id, seq_parameter_set_id */
      for (guint k = 0; k < 2 && bit < bits; k++) {
        guint zeros = 0;

        while (bit < bits && !((pps[bit / 8] >> (7 - bit % 8)) & 1)) {
          zeros++;
          bit++;
        }
        bit += 1 + zeros;
      }
      if (bit < bits)
        flag = (pps[bit / 8] >> (7 - bit % 8)) & 1;
    }
  }
  gst_buffer_unmap ((GstBuffer *) codec_data, &map);
  return flag;
}

/* speed-preset reaches x264 (ultrafast: CAVLC; medium: CABAC), tune
 * zerolatency alone gives zero delay, threads=1 encodes; the enum and flags
 * types do not clash with x264enc's. */
GST_START_TEST (test_x264_settings)
{
  static const struct
  {
    const gchar *props;
    gint entropy;
  } cases[] = {
    { "encoder=x264 speed-preset=ultrafast threads=1", 0 },
    { "encoder=x264 speed-preset=medium", 1 },
    { "encoder=x264 speed-preset=ultrafast tune=zerolatency", 0 },
  };
  GParamSpec *spec;
  GstElement *enc;

  enc = gst_element_factory_make ("vtenc", NULL);
  spec
      = g_object_class_find_property (G_OBJECT_GET_CLASS (enc), "speed-preset");
  fail_unless_equals_string (g_type_name (spec->value_type),
      "GstVtcEncSpeedPreset");
  spec = g_object_class_find_property (G_OBJECT_GET_CLASS (enc), "tune");
  fail_unless_equals_string (g_type_name (spec->value_type), "GstVtcEncTune");
  gst_object_unref (enc);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    GstVideoInfo info;
    GstHarness *hr = new_encoder (cases[i].props, "I420", 320, 240,
        "video/x-h264,stream-format=avc,profile=high", &info);
    GstBus *bus = harness_add_bus (hr);
    GstCaps *caps;
    const GValue *cd;

    push_frames (hr, &info, 0, 5, TRUE, TRUE);
    fail_unless_equals_int (gst_harness_buffers_received (hr), 5);
    caps = gst_pad_get_current_caps (hr->sinkpad);
    fail_unless (caps != NULL);
    cd = gst_structure_get_value (gst_caps_get_structure (caps, 0),
        "codec_data");
    fail_unless (cd != NULL);
    fail_unless_equals_int (avcc_pps_entropy (gst_value_get_buffer (cd)),
        cases[i].entropy);
    gst_caps_unref (caps);
    fail_if (bus_has_message (bus, GST_MESSAGE_WARNING, NULL, NULL),
        "%s: warning posted", cases[i].props);
    fail_if (bus_has_message (bus, GST_MESSAGE_ERROR, NULL, NULL));
    gst_element_set_bus (hr->element, NULL);
    gst_object_unref (bus);
    gst_harness_teardown (hr);
  }

  /* tune=zerolatency on its own: latency 0, one output per input */
  {
    GstVideoInfo info;
    GstHarness *hr = new_encoder ("encoder=x264 speed-preset=medium "
                                  "tune=zerolatency",
        "I420", 320, 240, "video/x-h264", &info);
    GstElement *e = harness_encoder (hr);
    gboolean reordering = TRUE;

    for (guint i = 0; i < 6; i++)
      fail_unless_equals_int (push_frames (hr, &info, i, 1, TRUE, FALSE),
          i + 1);
    fail_unless_equals_uint64 (gst_harness_query_latency (hr), 0);
    g_object_get (e, "allow-frame-reordering", &reordering, NULL);
    fail_if (reordering, "zerolatency reports B-frames");
    gst_object_unref (e);
    gst_harness_teardown (hr);
  }
}

GST_END_TEST;

/* Sends a caps event straight to the element's sink pad: unlike
 * gst_pad_push_event (which reports a sticky event as stored), this returns
 * what the element made of it. */
static gboolean
send_caps (GstHarness *hr, GstCaps *caps)
{
  GstPad *sinkpad = gst_pad_get_peer (hr->srcpad);
  gboolean ret = gst_pad_send_event (sinkpad, gst_event_new_caps (caps));

  gst_object_unref (sinkpad);
  gst_caps_unref (caps);
  return ret;
}

/* Caps vtenc cannot take are refused at negotiation (accept-caps). */
GST_START_TEST (test_bad_caps)
{
  static const struct
  {
    const gchar *downstream;
    const gchar *raw;
  } cases[] = {
    /* Interlaced input. */
    { "video/x-h264",
        "video/x-raw,format=NV12,width=320,height=240,"
        "framerate=30/1,interlace-mode=interleaved" },
    /* A format vtcore has no fourcc for. */
    { "video/x-h264",
        "video/x-raw,format=v210,width=320,height=240,"
        "framerate=30/1" },
    /* Downstream wants a profile vtenc does not make. */
    { "video/x-h264,profile=high-10",
        "video/x-raw,format=NV12,width=320,"
        "height=240,framerate=30/1" },
    /* Downstream wants another codec altogether. */
    { "video/x-h265",
        "video/x-raw,format=NV12,width=320,height=240,"
        "framerate=30/1" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    GstHarness *hr = gst_harness_new ("vtenc");

    gst_harness_set_sink_caps_str (hr, cases[i].downstream);
    gst_harness_play (hr);
    fail_unless (gst_harness_push_event (hr, gst_event_new_stream_start ("s")));
    fail_if (send_caps (hr, gst_caps_from_string (cases[i].raw)),
        "%s accepted with downstream %s", cases[i].raw, cases[i].downstream);
    gst_harness_teardown (hr);
  }
}

GST_END_TEST;

/* Odd sizes: H.264 4:2:0 crops only in steps of two pixels. */
static const struct
{
  gint w, h;
} odd_sizes[] = {
  { 321, 241 },
  { 321, 240 },
  { 320, 241 },
  { 3, 3 },
};

/* An odd size is refused when the caps are applied (set_format): the caps
 * event fails (GstVideoEncoder applies the first caps at once; a later
 * change at the next buffer), a buffer gets NOT_NEGOTIATED, nothing comes
 * out, and the error says why. */
GST_START_TEST (test_odd_size_refused)
{
  GstHarness *hr = gst_harness_new ("vtenc");
  GstBus *bus = harness_add_bus (hr);
  gchar *str = g_strdup_printf ("video/x-raw,format=I420,width=%d,height=%d,"
                                "framerate=30/1",
      odd_sizes[__i__].w, odd_sizes[__i__].h);
  gchar *want = g_strdup_printf ("Odd frame size %dx%d", odd_sizes[__i__].w,
      odd_sizes[__i__].h);
  GstCaps *caps = gst_caps_from_string (str);
  gchar *text = NULL;
  GstVideoInfo info;
  GstSegment seg;

  fail_unless (gst_video_info_from_caps (&info, caps));
  gst_harness_set_sink_caps_str (hr, "video/x-h264");
  gst_harness_play (hr);
  fail_unless (gst_harness_push_event (hr, gst_event_new_stream_start ("s")));
  fail_if (send_caps (hr, caps), "%s accepted", str);
  gst_segment_init (&seg, GST_FORMAT_TIME);
  gst_harness_push_event (hr, gst_event_new_segment (&seg));
  fail_unless_equals_int (gst_harness_push (hr,
                              make_frame (&info, 0, PATTERN_RAMP)),
      GST_FLOW_NOT_NEGOTIATED);
  fail_unless_equals_int (gst_harness_buffers_received (hr), 0);
  fail_unless (bus_has_message (bus, GST_MESSAGE_ERROR, want, &text),
      "no error mentioning \"%s\"", want);
  fail_unless (strstr (text, "even width and height") != NULL, "%s", text);
  GST_INFO ("error: %s", text);
  g_free (text);
  g_free (want);
  g_free (str);
  gst_element_set_bus (hr->element, NULL);
  gst_object_unref (bus);
  gst_harness_teardown (hr);
}

GST_END_TEST;

/* A change to an odd size mid-stream: the frames of the old size all come
 * out (drained), then the new caps are refused with the same error. */
GST_START_TEST (test_odd_size_caps_change)
{
  GstVideoInfo info, odd;
  GstHarness *hr = new_encoder (NULL, "I420", 320, 240,
      "video/x-h264,stream-format=avc", &info);
  GstBus *bus = harness_add_bus (hr);

  push_frames (hr, &info, 0, 10, FALSE, FALSE);
  gst_harness_set_src_caps_str (hr,
      "video/x-raw,format=I420,width=321,"
      "height=241,framerate=30/1");
  gst_video_info_set_format (&odd, GST_VIDEO_FORMAT_I420, 321, 241);
  fail_unless_equals_int (gst_harness_push (hr,
                              make_frame (&odd, 10, PATTERN_RAMP)),
      GST_FLOW_NOT_NEGOTIATED);
  fail_unless_equals_int (gst_harness_buffers_received (hr), 10);
  fail_unless (
      bus_has_message (bus, GST_MESSAGE_ERROR, "Odd frame size 321x241", NULL));
  gst_element_set_bus (hr->element, NULL);
  gst_object_unref (bus);
  gst_harness_teardown (hr);
}

GST_END_TEST;

/* An even size that is not a multiple of 16 keeps its exact size on the
 * src caps (the SPS crops the macroblock padding away). */
GST_START_TEST (test_even_size_not_mb_aligned)
{
  GstVideoInfo info;
  GstHarness *hr = new_encoder (NULL, "NV12", 322, 242,
      "video/x-h264,stream-format=avc", &info);
  GstCaps *caps;
  GstStructure *st;
  gint w = 0, h = 0;

  fail_unless_equals_int (push_frames (hr, &info, 0, 8, FALSE, TRUE), 8);
  caps = gst_pad_get_current_caps (hr->sinkpad);
  fail_unless (caps != NULL);
  st = gst_caps_get_structure (caps, 0);
  fail_unless (gst_structure_get_int (st, "width", &w)
      && gst_structure_get_int (st, "height", &h));
  fail_unless (w == 322 && h == 242, "src caps say %dx%d", w, h);
  gst_caps_unref (caps);
  gst_harness_teardown (hr);
}

GST_END_TEST;

static const struct
{
  const gchar *props;
  const gchar *expect; /* in the error text or debug */
} bad_settings[] = {
  { "rate-control=cbr bitrate=0", "cbr needs a bitrate" },
  { "min-qp=40 max-qp=20", "larger than max-qp" },
  { "encoder=org.example.no-such-encoder", "kVTCouldNotFindVideoEncoderErr" },
};

/* Impossible settings: the caps event fails and the error says why (with
 * the OSStatus name where vtcore refused). */
GST_START_TEST (test_impossible_properties)
{
  gchar *desc = g_strdup_printf ("vtenc %s", bad_settings[__i__].props);
  GstHarness *hr = gst_harness_new_parse (desc);
  GstBus *bus = harness_add_bus (hr);
  GstCaps *caps = gst_caps_from_string ("video/x-raw,format=NV12,width=320,"
                                        "height=240,framerate=30/1");
  gchar *text = NULL;
  GstVideoInfo info;
  GstSegment seg;

  fail_unless (gst_video_info_from_caps (&info, caps));
  gst_harness_set_sink_caps_str (hr, "video/x-h264");
  gst_harness_play (hr);
  fail_unless (gst_harness_push_event (hr, gst_event_new_stream_start ("s")));
  /* GstVideoEncoder applies caps at the first_nal buffer: it is refused. */
  fail_unless (send_caps (hr, caps));
  gst_segment_init (&seg, GST_FORMAT_TIME);
  fail_unless (gst_harness_push_event (hr, gst_event_new_segment (&seg)));
  fail_if (gst_harness_push (hr, make_frame (&info, 0, PATTERN_RAMP))
      == GST_FLOW_OK);
  fail_unless (bus_has_message (bus, GST_MESSAGE_ERROR,
                   bad_settings[__i__].expect, &text),
      "no error mentioning \"%s\"", bad_settings[__i__].expect);
  GST_INFO ("error: %s", text);
  g_free (text);
  gst_element_set_bus (hr->element, NULL);
  gst_object_unref (bus);
  gst_harness_teardown (hr);
  g_free (desc);
}

GST_END_TEST;

/* A malformed data-rate-limits string is refused with a warning and the
 * previous value kept. */
GST_START_TEST (test_bad_data_rate_limits)
{
  GstElement *enc = gst_element_factory_make ("vtenc", NULL);
  GstBus *bus = gst_bus_new ();
  gchar *v = NULL;

  gst_element_set_bus (enc, bus);
  g_object_set (enc, "data-rate-limits", "1000,2", NULL);
  g_object_set (enc, "data-rate-limits", "fast please", NULL);
  g_object_get (enc, "data-rate-limits", &v, NULL);
  fail_unless_equals_string (v, "1000,2");
  fail_unless (
      bus_has_message (bus, GST_MESSAGE_WARNING, "<kbit/s>,<seconds>", NULL));
  g_free (v);
  gst_element_set_bus (enc, NULL);
  gst_object_unref (bus);
  gst_object_unref (enc);
}

GST_END_TEST;

/* Flushing (a seek) drops pending frames; timestamps may start over. */
GST_START_TEST (test_flush_and_restart)
{
  GstVideoInfo info;
  GstHarness *hr = new_encoder (NULL, "I420", 320, 240,
      "video/x-h264,stream-format=avc", &info);
  GstSegment seg;
  guint before;

  push_frames (hr, &info, 0, 20, FALSE, FALSE);
  fail_unless (gst_harness_push_event (hr, gst_event_new_flush_start ()));
  fail_unless (gst_harness_push_event (hr, gst_event_new_flush_stop (TRUE)));
  gst_segment_init (&seg, GST_FORMAT_TIME);
  fail_unless (gst_harness_push_event (hr, gst_event_new_segment (&seg)));
  before = gst_harness_buffers_received (hr);
  push_frames (hr, &info, 0, 10, FALSE, TRUE);
  fail_unless_equals_int (gst_harness_buffers_received (hr) - before, 10);
  gst_harness_teardown (hr);
}

GST_END_TEST;

static void
count_freed (gpointer data, GstMiniObject *obj)
{
  (void) obj;
  g_atomic_int_inc ((gint *) data);
}

/* Input buffers are not pinned through the encoder delay: a BGRA frame is
 * converted inside EncodeFrame, and x264 copies a native I420 frame inside
 * x264_encoder_encode, after which neither the session nor the codec frame
 * holds it (peak RSS of BGRA ! vtenc and I420 ! vtenc). Every frame still
 * comes out. */
GST_START_TEST (test_input_buffers_released)
{
  static const gchar *fmts[] = { "BGRA", "I420" };

  for (guint f = 0; f < G_N_ELEMENTS (fmts); f++) {
    const guint n = 6;
    gint freed = 0;
    GstVideoInfo info;
    GstHarness *hr
        = new_encoder ("bitrate=500", fmts[f], 320, 240, NULL, &info);

    for (guint i = 0; i < n; i++) {
      GstBuffer *buf = make_frame (&info, i, PATTERN_RAMP);

      gst_mini_object_weak_ref (GST_MINI_OBJECT (buf), count_freed, &freed);
      fail_unless_equals_int (gst_harness_push (hr, buf), GST_FLOW_OK);
    }
    /* B-frames and look-ahead: nothing is out yet */
    fail_unless_equals_int (gst_harness_buffers_received (hr), 0);
    fail_unless_equals_int (g_atomic_int_get (&freed), n);
    fail_unless (gst_harness_push_event (hr, gst_event_new_eos ()));
    fail_unless_equals_int (gst_harness_buffers_received (hr), n);
    gst_harness_teardown (hr);
    fail_unless_equals_int (g_atomic_int_get (&freed), n);
  }
}

GST_END_TEST;

static Suite *
vtenc_suite (void)
{
  Suite *s = suite_create ("vtenc");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_set_timeout (tc, 300);
  tcase_add_loop_test (tc, test_caps_matrix, 0, N_MATRIX);
  tcase_add_test (tc, test_sink_caps_query);
  tcase_add_test (tc, test_stream_format_and_profile_choice);
  tcase_add_test (tc, test_properties_round_trip);
  tcase_add_test (tc, test_effective_values_read_back);
  tcase_add_test (tc, test_bitrate_change_while_playing);
  tcase_add_test (tc, test_force_keyunit);
  tcase_add_test (tc, test_force_keyunit_avc_headers);
  tcase_add_loop_test (tc, test_eos_drains_all_frames, 0,
      G_N_ELEMENTS (drain_configs));
  tcase_add_test (tc, test_resolution_change);
  tcase_add_test (tc, test_latency);
  tcase_add_test (tc, test_x264_settings);
  tcase_add_test (tc, test_bad_caps);
  tcase_add_loop_test (tc, test_odd_size_refused, 0, G_N_ELEMENTS (odd_sizes));
  tcase_add_test (tc, test_odd_size_caps_change);
  tcase_add_test (tc, test_even_size_not_mb_aligned);
  tcase_add_loop_test (tc, test_impossible_properties, 0,
      G_N_ELEMENTS (bad_settings));
  tcase_add_test (tc, test_bad_data_rate_limits);
  tcase_add_test (tc, test_flush_and_restart);
  tcase_add_test (tc, test_input_buffers_released);
  return s;
}

GST_CHECK_MAIN (vtenc);
