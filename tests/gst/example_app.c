/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A small application embedding the vtcore elements (docs/gstreamer.md):
 * it builds  videotestsrc ! vttransfer ! NV12 1280x720 ! vtenc ! h264parse
 * ! mp4mux ! filesink  by hand, starts at 1 Mbit/s, raises the bitrate to
 * 4 Mbit/s while PLAYING (vtenc applies it without draining) and asks for a
 * key frame at the same time, then stops at EOS.
 *
 *   example_app OUTPUT.mp4 [FRAMES]
 */
#include <gst/gst.h>
#include <gst/video/video.h>
#include <stdlib.h>

typedef struct
{
  GstElement *encoder;
  guint frames;
  guint switch_at;
} App;

/* Counts frames going into the encoder; at switch_at, changes the bitrate
 * and requests a key frame, from the streaming thread. */
static GstPadProbeReturn
on_raw_buffer (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  App *app = user_data;

  if (++app->frames == app->switch_at) {
    g_object_set (app->encoder, "bitrate", 4000, NULL);
    gst_pad_send_event (pad,
        gst_video_event_new_downstream_force_key_unit (
            GST_BUFFER_PTS (GST_PAD_PROBE_INFO_BUFFER (info)),
            GST_CLOCK_TIME_NONE, GST_CLOCK_TIME_NONE, TRUE, 1));
  }
  return GST_PAD_PROBE_OK;
}

int
main (int argc, char **argv)
{
  GstElement *pipeline, *src, *transfer, *filter, *enc, *parse, *mux, *sink;
  GstCaps *caps;
  GstBus *bus;
  GstMessage *msg;
  GstPad *pad;
  gchar *encoder_id = NULL;
  App app = { NULL, 0, 0 };
  int ret = 0;

  gst_init (&argc, &argv);
  if (argc < 2) {
    g_printerr ("usage: %s OUTPUT.mp4 [FRAMES]\n", argv[0]);
    return 2;
  }

  pipeline = gst_pipeline_new ("example");
  src = gst_element_factory_make ("videotestsrc", NULL);
  transfer = gst_element_factory_make ("vttransfer", NULL);
  filter = gst_element_factory_make ("capsfilter", NULL);
  enc = gst_element_factory_make ("vtenc", NULL);
  parse = gst_element_factory_make ("h264parse", NULL);
  mux = gst_element_factory_make ("mp4mux", NULL);
  sink = gst_element_factory_make ("filesink", NULL);
  if (!src || !transfer || !filter || !enc || !parse || !mux || !sink) {
    g_printerr ("missing element (is GST_PLUGIN_PATH set to the build's "
                "gst/ folder, and gst-plugins-bad installed?)\n");
    return 77;
  }

  g_object_set (src, "num-buffers", argc > 2 ? atoi (argv[2]) : 120, "pattern",
      18 /* ball */, NULL);
  caps = gst_caps_from_string ("video/x-raw,format=NV12,width=1280,"
                               "height=720");
  g_object_set (filter, "caps", caps, NULL);
  gst_caps_unref (caps);
  g_object_set (transfer, "scaling-mode", 1 /* letterbox */, NULL);
  gst_util_set_object_arg (G_OBJECT (enc), "rate-control", "abr");
  g_object_set (enc, "bitrate", 1000, "max-keyframe-interval", 60,
      "allow-frame-reordering", TRUE, NULL);
  g_object_set (sink, "location", argv[1], NULL);

  gst_bin_add_many (GST_BIN (pipeline), src, transfer, filter, enc, parse, mux,
      sink, NULL);
  if (!gst_element_link_many (src, transfer, filter, enc, parse, mux, sink,
          NULL)) {
    g_printerr ("could not link\n");
    return 1;
  }

  app.encoder = enc;
  app.switch_at = 60;
  pad = gst_element_get_static_pad (enc, "sink");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, on_raw_buffer, &app, NULL);
  gst_object_unref (pad);

  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  bus = gst_element_get_bus (pipeline);
  msg = gst_bus_timed_pop_filtered (bus, GST_CLOCK_TIME_NONE,
      GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR) {
    GError *err = NULL;
    gchar *debug = NULL;

    gst_message_parse_error (msg, &err, &debug);
    g_printerr ("error: %s\n%s\n", err->message, debug ? debug : "");
    g_clear_error (&err);
    g_free (debug);
    ret = 1;
  }
  g_object_get (enc, "encoder-id", &encoder_id, NULL);
  g_print ("encoded %u frames with %s into %s\n", app.frames,
      encoder_id ? encoder_id : "?", argv[1]);
  g_free (encoder_id);
  gst_message_unref (msg);
  gst_object_unref (bus);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (pipeline);
  return ret;
}
