/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * vttransfer element tests (GstHarness): output compared with
 * videoconvertscale for the same conversion, caps fixation, passthrough,
 * GstVideoMeta strides, letterboxing and properties.
 */
#include "gst_test_util.h"

#define EXACT 1000.0 /* "PSNR" meaning byte-identical */

static const struct
{
  const gchar *in;
  const gchar *out;
  gdouble min_psnr;
} pairs[] = {
  /* Repacking: must be identical to videoconvertscale. */
  { "I420,width=320,height=240", "NV12,width=320,height=240", EXACT },
  { "NV12,width=320,height=240", "I420,width=320,height=240", EXACT },
  { "I420,width=320,height=240", "YV12,width=320,height=240", EXACT },
  { "BGRA,width=320,height=240", "RGBA,width=320,height=240", EXACT },
  { "YUY2,width=320,height=240", "I420,width=320,height=240", EXACT },
  { "BGRx,width=320,height=240", "ARGB,width=320,height=240", 45.0 },
  /* Colour conversion (BT.601 at this size, BT.709 at 720p). To RGB the
   * chroma upsampling filters differ a little. */
  { "I420,width=320,height=240", "BGRA,width=320,height=240", 38.0 },
  { "NV12,width=320,height=240", "RGBA,width=320,height=240", 38.0 },
  { "BGRA,width=320,height=240", "I420,width=320,height=240", 46.0 },
  { "BGRA,width=1280,height=720", "NV12,width=1280,height=720", 46.0 },
  { "RGB,width=320,height=240", "NV12,width=320,height=240", 46.0 },
  { "UYVY,width=320,height=240", "NV12,width=320,height=240", 50.0 },
  { "Y444,width=320,height=240", "I420,width=320,height=240", 50.0 },
  { "I420,width=320,height=240", "Y42B,width=320,height=240", 50.0 },
  { "P010_10LE,width=320,height=240", "NV12,width=320,height=240", 46.0 },
  /* Scaling, with and without conversion (1280x720 -> 854x480 also
   * changes the default matrix from BT.709 to BT.601). */
  { "I420,width=640,height=480", "I420,width=320,height=240", 48.0 },
  { "NV12,width=320,height=240", "NV12,width=640,height=480", 48.0 },
  { "BGRA,width=640,height=480", "NV12,width=320,height=240", 38.0 },
  { "NV12,width=1280,height=720", "NV12,width=854,height=480", 40.0 },
};

/* One frame through @factory with the given caps; returns the output. */
static GstBuffer *
convert_one (const gchar *factory, const gchar *in, const gchar *out,
    const gchar *props)
{
  gchar *desc = g_strdup_printf ("%s %s", factory, props ? props : "");
  GstHarness *hr = gst_harness_new_parse (desc);
  gchar *in_caps = g_strdup_printf ("video/x-raw,format=%s,framerate=30/1", in);
  gchar *out_caps
      = g_strdup_printf ("video/x-raw,format=%s,framerate=30/1", out);
  GstCaps *caps = gst_caps_from_string (in_caps);
  GstVideoInfo info;
  GstBuffer *buf;

  fail_unless (gst_video_info_from_caps (&info, caps));
  gst_caps_unref (caps);
  gst_harness_set_sink_caps_str (hr, out_caps);
  gst_harness_set_src_caps_str (hr, in_caps);
  buf = gst_harness_push_and_pull (hr, make_frame (&info, 3, PATTERN_SMOOTH));
  fail_unless (buf != NULL, "%s gave no output for %s -> %s", factory, in, out);
  gst_harness_teardown (hr);
  g_free (desc);
  g_free (in_caps);
  g_free (out_caps);
  return buf;
}

/* PSNR over every byte of every plane's visible area (EXACT if equal). */
static gdouble
frame_psnr (GstBuffer *a, GstBuffer *b, const GstVideoInfo *info)
{
  GstVideoFrame fa, fb;
  guint64 sq = 0, count = 0;

  fail_unless (gst_video_frame_map (&fa, info, a, GST_MAP_READ));
  fail_unless (gst_video_frame_map (&fb, info, b, GST_MAP_READ));
  for (guint p = 0; p < GST_VIDEO_FRAME_N_PLANES (&fa); p++) {
    gint comp[GST_VIDEO_MAX_COMPONENTS];
    gint rows, row_bytes;

    gst_video_format_info_component (info->finfo, p, comp);
    rows = GST_VIDEO_FRAME_COMP_HEIGHT (&fa, comp[0]);
    row_bytes = GST_VIDEO_FRAME_COMP_WIDTH (&fa, comp[0])
        * GST_VIDEO_FRAME_COMP_PSTRIDE (&fa, comp[0]);
    for (gint y = 0; y < rows; y++) {
      const guint8 *ra = (const guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&fa, p)
          + y * GST_VIDEO_FRAME_PLANE_STRIDE (&fa, p);
      const guint8 *rb = (const guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&fb, p)
          + y * GST_VIDEO_FRAME_PLANE_STRIDE (&fb, p);
      for (gint x = 0; x < row_bytes; x++) {
        gint d = (gint) ra[x] - (gint) rb[x];

        sq += (guint64) (d * d);
        count++;
      }
    }
  }
  gst_video_frame_unmap (&fa);
  gst_video_frame_unmap (&fb);
  if (sq == 0)
    return EXACT;
  return 10.0 * log10 (255.0 * 255.0 * count / (gdouble) sq);
}

GST_START_TEST (test_compare_with_videoconvertscale)
{
  GstElement *ref = gst_element_factory_make ("videoconvertscale", NULL);
  gchar *out_caps;
  GstCaps *caps;
  GstVideoInfo info;
  GstBuffer *ours, *theirs;
  gdouble psnr;

  if (!ref) {
    GST_WARNING ("videoconvertscale not available: skipping comparison");
    return;
  }
  gst_object_unref (ref);

  out_caps = g_strdup_printf ("video/x-raw,format=%s,framerate=30/1",
      pairs[__i__].out);
  caps = gst_caps_from_string (out_caps);
  fail_unless (gst_video_info_from_caps (&info, caps));
  gst_caps_unref (caps);

  ours = convert_one ("vttransfer", pairs[__i__].in, pairs[__i__].out, NULL);
  theirs = convert_one ("videoconvertscale", pairs[__i__].in, pairs[__i__].out,
      "dither=none chroma-resampler=linear");
  psnr = frame_psnr (ours, theirs, &info);
  GST_INFO ("%s -> %s: PSNR %.2f dB (floor %.1f)", pairs[__i__].in,
      pairs[__i__].out, psnr, pairs[__i__].min_psnr);
  fail_unless (psnr >= pairs[__i__].min_psnr,
      "%s -> %s: PSNR %.2f dB against videoconvertscale, floor %.1f",
      pairs[__i__].in, pairs[__i__].out, psnr, pairs[__i__].min_psnr);
  gst_buffer_unref (ours);
  gst_buffer_unref (theirs);
  g_free (out_caps);
}

GST_END_TEST;

static GstCaps *
negotiated_output (const gchar *in_caps, const gchar *sink_caps,
    gboolean *passthrough)
{
  GstHarness *hr = gst_harness_new ("vttransfer");
  GstCaps *caps = gst_caps_from_string (in_caps), *out;
  GstVideoInfo info;
  GstBuffer *in, *res;

  fail_unless (gst_video_info_from_caps (&info, caps));
  gst_caps_unref (caps);
  if (sink_caps)
    gst_harness_set_sink_caps_str (hr, sink_caps);
  gst_harness_set_src_caps_str (hr, in_caps);
  in = make_frame (&info, 0, PATTERN_RAMP);
  gst_buffer_ref (in);
  res = gst_harness_push_and_pull (hr, in);
  fail_unless (res != NULL);
  *passthrough = res == in;
  gst_buffer_unref (res);
  gst_buffer_unref (in);
  out = gst_pad_get_current_caps (hr->sinkpad);
  gst_harness_teardown (hr);
  return out;
}

/* Fixation keeps the upstream format and size where downstream leaves them
 * open, keeps the aspect ratio when one side is given, and picks the least
 * lossy format from a list. Equal caps mean passthrough. */
GST_START_TEST (test_fixation_and_passthrough)
{
  static const struct
  {
    const gchar *sink;
    const gchar *format;
    gint width, height;
    gboolean passthrough;
  } cases[] = {
    { NULL, "I420", 320, 240, TRUE },
    { "video/x-raw", "I420", 320, 240, TRUE },
    { "video/x-raw,format=NV12", "NV12", 320, 240, FALSE },
    { "video/x-raw,width=640", "I420", 640, 480, FALSE },
    { "video/x-raw,height=120,format=BGRA", "BGRA", 160, 120, FALSE },
    { "video/x-raw,format={BGRA,NV12,GRAY8}", "NV12", 320, 240, FALSE },
    { "video/x-raw,format={RGBA,GRAY8}", "RGBA", 320, 240, FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    gboolean pt = FALSE;
    GstCaps *out = negotiated_output ("video/x-raw,format=I420,width=320,"
                                      "height=240,framerate=30/1",
        cases[i].sink, &pt);
    GstStructure *s = gst_caps_get_structure (out, 0);
    gint w = 0, h = 0;

    GST_INFO ("%s -> %" GST_PTR_FORMAT, cases[i].sink, out);
    fail_unless_equals_string (gst_structure_get_string (s, "format"),
        cases[i].format);
    fail_unless (gst_structure_get_int (s, "width", &w));
    fail_unless (gst_structure_get_int (s, "height", &h));
    fail_unless_equals_int (w, cases[i].width);
    fail_unless_equals_int (h, cases[i].height);
    fail_unless_equals_int (pt, cases[i].passthrough);
    gst_caps_unref (out);
  }
}

GST_END_TEST;

/* A padded input described by GstVideoMeta converts like a packed one. */
GST_START_TEST (test_video_meta_strides)
{
  const gchar *in_caps = "video/x-raw,format=I420,width=320,height=240,"
                         "framerate=30/1";
  GstHarness *hr = gst_harness_new ("vttransfer");
  GstCaps *caps = gst_caps_from_string (in_caps);
  GstVideoInfo info, out_info;
  gsize offset[GST_VIDEO_MAX_PLANES] = { 0 };
  gint stride[GST_VIDEO_MAX_PLANES] = { 0 };
  gsize size = 0;
  GstBuffer *packed, *padded, *out_packed, *out_padded;

  fail_unless (gst_video_info_from_caps (&info, caps));
  gst_caps_unref (caps);
  gst_video_info_set_format (&out_info, GST_VIDEO_FORMAT_NV12, 320, 240);

  for (guint p = 0; p < 3; p++) {
    stride[p] = GST_VIDEO_INFO_PLANE_STRIDE (&info, p) + 96;
    offset[p] = size + 32;
    size
        = offset[p] + (gsize) stride[p] * GST_VIDEO_INFO_COMP_HEIGHT (&info, p);
  }
  padded = gst_buffer_new_allocate (NULL, size, NULL);
  gst_buffer_memset (padded, 0, 0xab, size);
  gst_buffer_add_video_meta_full (padded, GST_VIDEO_FRAME_FLAG_NONE,
      GST_VIDEO_FORMAT_I420, 320, 240, 3, offset, stride);
  fill_frame (padded, &info, 0, PATTERN_SMOOTH);
  packed = make_frame (&info, 0, PATTERN_SMOOTH);

  gst_harness_set_sink_caps_str (hr, "video/x-raw,format=NV12");
  gst_harness_set_src_caps_str (hr, in_caps);
  out_packed = gst_harness_push_and_pull (hr, packed);
  out_padded = gst_harness_push_and_pull (hr, padded);
  fail_unless (out_packed && out_padded);
  fail_unless (frame_psnr (out_packed, out_padded, &out_info) == EXACT);
  gst_buffer_unref (out_packed);
  gst_buffer_unref (out_padded);
  gst_harness_teardown (hr);
}

GST_END_TEST;

/* Letterbox keeps the aspect ratio with black bars; normal stretches. */
GST_START_TEST (test_letterbox)
{
  GstVideoInfo out_info;
  GstVideoFrame f;

  gst_video_info_set_format (&out_info, GST_VIDEO_FORMAT_I420, 320, 320);
  for (guint mode = 0; mode < 2; mode++) {
    GstBuffer *out = convert_one ("vttransfer", "I420,width=320,height=240",
        "I420,width=320,height=320", mode ? "scaling-mode=letterbox" : NULL);
    const guint8 *y;
    gint stride;

    fail_unless (gst_video_frame_map (&f, &out_info, out, GST_MAP_READ));
    y = GST_VIDEO_FRAME_PLANE_DATA (&f, 0);
    stride = GST_VIDEO_FRAME_PLANE_STRIDE (&f, 0);
    /* Row 10 is inside the top bar (40 rows) in letterbox mode. */
    for (gint x = 0; x < 320; x += 7) {
      if (mode)
        fail_unless_equals_int (y[10 * stride + x], 16);
    }
    if (!mode) {
      gboolean any = FALSE;
      for (gint x = 0; x < 320; x++)
        any |= y[10 * stride + x] != 16;
      fail_unless (any, "normal mode left the top black");
    }
    /* The middle carries the picture in both modes. */
    {
      gboolean any = FALSE;
      for (gint x = 0; x < 320; x++)
        any |= y[160 * stride + x] != 16;
      fail_unless (any);
    }
    gst_video_frame_unmap (&f);
    gst_buffer_unref (out);
  }
}

GST_END_TEST;

GST_START_TEST (test_properties)
{
  GstElement *e = gst_element_factory_make ("vttransfer", NULL);
  static const gchar *props[][2] = {
    { "scaling-mode", "trim" },
    { "downsampling-mode", "decimate" },
    { "method", "nearest" },
    { "n-threads", "4" },
    { "realtime", "true" },
  };
  GParamSpec **specs;
  guint n_specs;

  fail_unless (e != NULL);
  for (guint i = 0; i < G_N_ELEMENTS (props); i++) {
    GParamSpec *spec
        = g_object_class_find_property (G_OBJECT_GET_CLASS (e), props[i][0]);
    GValue v = G_VALUE_INIT, expect = G_VALUE_INIT;

    fail_unless (spec != NULL, "no property %s", props[i][0]);
    fail_unless (spec->flags & GST_PARAM_MUTABLE_PLAYING);
    gst_util_set_object_arg (G_OBJECT (e), props[i][0], props[i][1]);
    g_value_init (&v, spec->value_type);
    g_value_init (&expect, spec->value_type);
    fail_unless (gst_value_deserialize (&expect, props[i][1]));
    g_object_get_property (G_OBJECT (e), props[i][0], &v);
    fail_unless (gst_value_compare (&v, &expect) == GST_VALUE_EQUAL);
    g_value_unset (&v);
    g_value_unset (&expect);
  }
  specs = g_object_class_list_properties (G_OBJECT_GET_CLASS (e), &n_specs);
  for (guint i = 0; i < n_specs; i++) {
    const gchar *blurb = g_param_spec_get_blurb (specs[i]);
    fail_unless (blurb && strlen (blurb) > 10, "%s undocumented",
        specs[i]->name);
  }
  g_free (specs);
  gst_object_unref (e);
}

GST_END_TEST;

/* Every thread count gives the same bytes. */
GST_START_TEST (test_threads_identical)
{
  GstVideoInfo info;
  GstBuffer *one, *many;

  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_NV12, 640, 360);
  one = convert_one ("vttransfer", "BGRA,width=1280,height=720",
      "NV12,width=640,height=360", "n-threads=1");
  many = convert_one ("vttransfer", "BGRA,width=1280,height=720",
      "NV12,width=640,height=360", "n-threads=4");
  fail_unless (frame_psnr (one, many, &info) == EXACT);
  gst_buffer_unref (one);
  gst_buffer_unref (many);
}

GST_END_TEST;

/* GRAY8 is full range in GStreamer (default colorimetry 1:4:0:0): video
 * range luma is expanded (videoconvertscale copies it unchanged). */
GST_START_TEST (test_gray_is_full_range)
{
  GstVideoInfo info;
  GstVideoFrame f;

  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_GRAY8, 64, 64);
  for (guint k = 0; k < 2; k++) {
    const gchar *in = k ? "NV12,width=64,height=64,colorimetry=bt601"
                        : "GRAY8,width=64,height=64";
    GstHarness *hr = gst_harness_new ("vttransfer");
    gchar *in_caps
        = g_strdup_printf ("video/x-raw,format=%s,framerate=30/1", in);
    GstCaps *caps = gst_caps_from_string (in_caps);
    GstVideoInfo in_info;
    GstBuffer *buf, *out;
    GstVideoFrame inf;

    fail_unless (gst_video_info_from_caps (&in_info, caps));
    gst_caps_unref (caps);
    gst_harness_set_sink_caps_str (hr,
        k ? "video/x-raw,format=GRAY8" : "video/x-raw,format=NV12");
    gst_harness_set_src_caps_str (hr, in_caps);
    buf = gst_buffer_new_allocate (NULL, in_info.size, NULL);
    fail_unless (gst_video_frame_map (&inf, &in_info, buf, GST_MAP_WRITE));
    /* Left half black, right half white (luma; chroma neutral). */
    for (guint p = 0; p < GST_VIDEO_FRAME_N_PLANES (&inf); p++) {
      guint8 *d = GST_VIDEO_FRAME_PLANE_DATA (&inf, p);
      gint stride = GST_VIDEO_FRAME_PLANE_STRIDE (&inf, p);
      gint rows = p ? 32 : 64;
      for (gint y = 0; y < rows; y++)
        for (gint x = 0; x < 64; x++)
          d[y * stride + x]
              = p ? 128 : (x < 32 ? (k ? 16 : 0) : (k ? 235 : 255));
    }
    gst_video_frame_unmap (&inf);
    out = gst_harness_push_and_pull (hr, buf);
    fail_unless (out != NULL);
    if (k) {
      fail_unless (gst_video_frame_map (&f, &info, out, GST_MAP_READ));
      fail_unless_equals_int (((guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&f,
                                  0))[8],
          0);
      fail_unless_equals_int (((guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&f,
                                  0))[40],
          255);
    } else {
      GstVideoInfo nv12;
      gst_video_info_set_format (&nv12, GST_VIDEO_FORMAT_NV12, 64, 64);
      fail_unless (gst_video_frame_map (&f, &nv12, out, GST_MAP_READ));
      fail_unless_equals_int (((guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&f,
                                  0))[8],
          16);
      fail_unless_equals_int (((guint8 *) GST_VIDEO_FRAME_PLANE_DATA (&f,
                                  0))[40],
          235);
    }
    gst_video_frame_unmap (&f);
    gst_buffer_unref (out);
    gst_harness_teardown (hr);
    g_free (in_caps);
  }
}

GST_END_TEST;

static Suite *
vttransfer_suite (void)
{
  Suite *s = suite_create ("vttransfer");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_set_timeout (tc, 120);
  tcase_add_loop_test (tc, test_compare_with_videoconvertscale, 0,
      G_N_ELEMENTS (pairs));
  tcase_add_test (tc, test_fixation_and_passthrough);
  tcase_add_test (tc, test_video_meta_strides);
  tcase_add_test (tc, test_letterbox);
  tcase_add_test (tc, test_properties);
  tcase_add_test (tc, test_threads_identical);
  tcase_add_test (tc, test_gray_is_full_range);
  return s;
}

GST_CHECK_MAIN (vttransfer);
