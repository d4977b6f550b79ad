/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Helpers shared by the element tests: deterministic raw frames, H.264
 * access-unit walking (AVC length prefixes and Annex B start codes) and a
 * bus to collect element messages from a GstHarness.
 */
#ifndef VTC_GST_TEST_UTIL_H
#define VTC_GST_TEST_UTIL_H

#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <gst/video/video.h>
#include <math.h>
#include <string.h>

#define FRAME_DURATION (GST_SECOND / 30)

/* Big-endian 32-bit read at any alignment (GST_READ_UINT32_BE may do an
 * unaligned load, which UBSan reports). */
static inline guint32
read_be32 (const guint8 *p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8)
      | p[3];
}

enum
{
  PATTERN_RAMP = 0,   /* moving diagonal ramps (cheap to encode) */
  PATTERN_NOISE = 1,  /* pseudo-random bytes (bitrate matters) */
  PATTERN_SMOOTH = 2, /* smooth waves, in gamut (converters agree on it) */
};

/* Fills a buffer already laid out for @info (a GstVideoMeta on it gives the
 * strides) with @pattern for frame index @n. */
static inline void
fill_frame (GstBuffer *buf, const GstVideoInfo *info, guint n, gint pattern)
{
  GstVideoFrame frame;
  guint32 seed = 0x9e3779b9u * (n + 1);
  gboolean noise = pattern == PATTERN_NOISE;
  gboolean yuv = GST_VIDEO_INFO_IS_YUV (info);

  fail_unless (gst_video_frame_map (&frame, info, buf, GST_MAP_WRITE));
  for (guint p = 0; p < GST_VIDEO_FRAME_N_PLANES (&frame); p++) {
    guint8 *data = GST_VIDEO_FRAME_PLANE_DATA (&frame, p);
    gint stride = GST_VIDEO_FRAME_PLANE_STRIDE (&frame, p);
    gint comp[GST_VIDEO_MAX_COMPONENTS];
    gint rows, row_bytes;

    /* YUV: full swing on planar luma only, chroma (and packed 4:2:2)
     * near neutral, so every pixel is a valid RGB colour. */
    gdouble amplitude = !yuv                                ? 90.0
        : (p == 0 && GST_VIDEO_FRAME_N_PLANES (&frame) > 1) ? 80.0
                                                            : 24.0;

    gst_video_format_info_component (info->finfo, p, comp);
    rows = GST_VIDEO_FRAME_COMP_HEIGHT (&frame, comp[0]);
    row_bytes = MIN (stride,
        (gint) (GST_VIDEO_FRAME_COMP_WIDTH (&frame, comp[0])
            * GST_VIDEO_FRAME_COMP_PSTRIDE (&frame, comp[0])));
    for (gint y = 0; y < rows; y++) {
      for (gint x = 0; x < row_bytes; x++) {
        if (noise) {
          seed = seed * 1664525u + 1013904223u;
          data[y * stride + x] = (guint8) (seed >> 24);
        } else if (pattern == PATTERN_SMOOTH) {
          data[y * stride + x] = (guint8) (128
              + amplitude * sin (x / 23.0 + p + n) * cos (y / 19.0 - p));
        } else {
          data[y * stride + x] = (guint8) (x + 2 * y + 4 * n + 40 * p);
        }
      }
    }
  }
  gst_video_frame_unmap (&frame);
  GST_BUFFER_PTS (buf) = n * FRAME_DURATION;
  GST_BUFFER_DURATION (buf) = FRAME_DURATION;
}

static inline GstBuffer *
make_frame (const GstVideoInfo *info, guint n, gint pattern)
{
  GstBuffer *buf = gst_buffer_new_allocate (NULL, info->size, NULL);

  fill_frame (buf, info, n, pattern);
  return buf;
}

/* Bit mask (1 << nal_unit_type) of the NAL units in an access unit, and
 * whether the units tile the buffer exactly. */
static inline gboolean
walk_access_unit (GstBuffer *buf, gboolean byte_stream, guint32 *types,
    guint *first_type)
{
  GstMapInfo map;
  gsize pos = 0;
  gboolean ok = TRUE;

  *types = 0;
  *first_type = 0;
  fail_unless (gst_buffer_map (buf, &map, GST_MAP_READ));
  if (byte_stream) {
    /* 00 00 00 01 xx ...: split on 3-byte start codes. */
    if (map.size < 5 || read_be32 (map.data) != 1)
      ok = FALSE;
    for (gsize i = 0; ok && i + 3 < map.size; i++) {
      if (map.data[i] == 0 && map.data[i + 1] == 0 && map.data[i + 2] == 1) {
        guint t = map.data[i + 3] & 0x1f;
        if (*types == 0)
          *first_type = t;
        *types |= 1u << t;
        i += 3;
      }
    }
  } else {
    while (ok && pos < map.size) {
      guint32 len;

      if (map.size - pos < 5) {
        ok = FALSE;
        break;
      }
      len = read_be32 (map.data + pos);
      pos += 4;
      if (len == 0 || len > map.size - pos) {
        ok = FALSE;
        break;
      }
      if (*types == 0)
        *first_type = map.data[pos] & 0x1f;
      *types |= 1u << (map.data[pos] & 0x1f);
      pos += len;
    }
  }
  gst_buffer_unmap (buf, &map);
  return ok;
}

/* A bus on the harnessed element so errors and warnings can be read. */
static inline GstBus *
harness_add_bus (GstHarness *h)
{
  GstBus *bus = gst_bus_new ();

  gst_element_set_bus (h->element, bus);
  return bus;
}

/* The first message of @type on @bus whose text or debug contains @needle
 * (NULL: any); TRUE if found. Messages popped on the way are dropped. */
static inline gboolean
bus_has_message (GstBus *bus, GstMessageType type, const gchar *needle,
    gchar **text_out)
{
  GstMessage *msg;

  while ((msg = gst_bus_pop_filtered (bus, type))) {
    GError *err = NULL;
    gchar *debug = NULL, *all;
    gboolean match;

    if (type == GST_MESSAGE_ERROR)
      gst_message_parse_error (msg, &err, &debug);
    else
      gst_message_parse_warning (msg, &err, &debug);
    all = g_strdup_printf ("%s | %s", err ? err->message : "",
        debug ? debug : "");
    GST_INFO ("bus %s: %s", type == GST_MESSAGE_ERROR ? "error" : "warning",
        all);
    match = !needle || strstr (all, needle);
    g_clear_error (&err);
    g_free (debug);
    gst_message_unref (msg);
    if (match) {
      if (text_out)
        *text_out = all;
      else
        g_free (all);
      return TRUE;
    }
    g_free (all);
  }
  return FALSE;
}

#endif /* VTC_GST_TEST_UTIL_H */
