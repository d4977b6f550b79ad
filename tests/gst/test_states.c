/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * State cycling (gst-plugins generic/states style): every element of the
 * plugin alone, and a running videotestsrc ! vttransfer ! vtenc pipeline,
 * go NULL <-> PLAYING 20 times. The test checks that every element is
 * finalized when its pipeline is dropped. In an ASan build
 * (meson -Db_sanitize=address) the suite runs without forking, so LSan
 * checks the plugin and libvtcore for leaks.
 */
#include "gst_test_util.h"

#define CYCLES 20

static const gchar *elements[] = { "vtenc", "vtenc_h264", "vttransfer" };

GST_START_TEST (test_element_states)
{
  GstElement *e = gst_element_factory_make (elements[__i__], NULL);
  static const GstState order[] = { GST_STATE_READY, GST_STATE_PAUSED,
    GST_STATE_PLAYING, GST_STATE_PAUSED, GST_STATE_READY, GST_STATE_NULL,
    GST_STATE_PLAYING, GST_STATE_NULL };

  fail_unless (e != NULL, "no element %s", elements[__i__]);
  for (guint c = 0; c < CYCLES; c++) {
    for (guint i = 0; i < G_N_ELEMENTS (order); i++) {
      GstStateChangeReturn ret = gst_element_set_state (e, order[i]);
      fail_if (ret == GST_STATE_CHANGE_FAILURE, "%s -> %s failed",
          elements[__i__], gst_element_state_get_name (order[i]));
      if (ret == GST_STATE_CHANGE_ASYNC)
        gst_element_get_state (e, NULL, NULL, GST_CLOCK_TIME_NONE);
    }
  }
  gst_check_object_destroyed_on_unref (e);
}

GST_END_TEST;

static const gchar *pipelines[] = {
  "videotestsrc num-buffers=15 ! video/x-raw,format=BGRA,width=320,"
  "height=240,framerate=30/1 ! vttransfer ! video/x-raw,format=NV12,"
  "width=160,height=120 ! vtenc name=enc ! fakesink sync=false",
  "videotestsrc is-live=true ! video/x-raw,format=I420,width=320,"
  "height=240,framerate=30/1 ! vttransfer ! vtenc_h264 realtime=true "
  "allow-frame-reordering=false ! h264parse ! fakesink sync=true",
};

static void
on_destroyed (gpointer data, GObject *where_the_object_was)
{
  g_atomic_int_set ((gint *) data, 1);
}

/* Drops the last reference and checks the pipeline (and so every element in
 * it) is finalized. A latency message can leave a short-lived reference in
 * GstBin's async latency recalculation, so allow a few seconds. */
static void
unref_and_check_destroyed (GstElement *pipe, guint cycle)
{
  gint destroyed = 0;

  g_object_weak_ref (G_OBJECT (pipe), on_destroyed, &destroyed);
  gst_object_unref (pipe);
  for (guint i = 0; i < 500 && !g_atomic_int_get (&destroyed); i++)
    g_usleep (10000);
  fail_unless (g_atomic_int_get (&destroyed), "pipeline of cycle %u leaked",
      cycle);
}

/* Run to EOS (finite source) or briefly (live), then back to NULL. */
GST_START_TEST (test_pipeline_cycles)
{
  for (guint c = 0; c < CYCLES; c++) {
    GError *err = NULL;
    GstElement *pipe = gst_parse_launch (pipelines[__i__], &err);
    GstBus *bus;
    GstMessage *msg;

    if (!pipe || err) {
      /* h264parse lives in gst-plugins-bad. */
      GST_WARNING ("cannot build pipeline: %s", err ? err->message : "?");
      g_clear_error (&err);
      gst_clear_object (&pipe);
      return;
    }
    bus = gst_element_get_bus (pipe);
    fail_if (gst_element_set_state (pipe, GST_STATE_PLAYING)
        == GST_STATE_CHANGE_FAILURE);
    msg = gst_bus_timed_pop_filtered (bus,
        __i__ == 0 ? 20 * GST_SECOND : GST_SECOND / 5 * (1 + c % 3),
        GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
    if (msg) {
      fail_if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR,
          "pipeline error in cycle %u", c);
      gst_message_unref (msg);
    } else {
      fail_unless (__i__ == 1, "no EOS in cycle %u", c);
    }
    fail_if (gst_element_set_state (pipe, GST_STATE_NULL)
        == GST_STATE_CHANGE_FAILURE);
    gst_object_unref (bus);
    unref_and_check_destroyed (pipe, c);
  }
}

GST_END_TEST;

static Suite *
states_suite (void)
{
  Suite *s = suite_create ("vtcore_states");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_set_timeout (tc, 300);
  tcase_add_loop_test (tc, test_element_states, 0, G_N_ELEMENTS (elements));
  tcase_add_loop_test (tc, test_pipeline_cycles, 0, G_N_ELEMENTS (pipelines));
  return s;
}

GST_CHECK_MAIN (states);
