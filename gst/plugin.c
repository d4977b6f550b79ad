/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The "vtcore" GStreamer plugin: registration only.
 *
 * Elements:
 *  - vtenc       H.264 encoder over VTCompressionSession (rank secondary,
 *                below x264enc so installing the plugin changes no
 *                autoplugging choice);
 *  - vtenc_h264  the same element under macOS's name (rank none);
 *  - vttransfer  converter/scaler over VTPixelTransferSession (rank none).
 *
 * The plugin also installs a vtcore log callback that sends the library's
 * messages to the "vtcore" debug category (GST_DEBUG=vtcore:5).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/gst.h>

#include "gstvtenc.h"
#include "gstvttransfer.h"
#include "gstvtutil.h"

#ifndef PACKAGE
#define PACKAGE "vtcore"
#endif
#ifndef VTCORE_VERSION
#define VTCORE_VERSION VTCORE_VERSION_STRING
#endif

/* libvtcore links libx264 (GPL) when built with it: the plugin as loaded is
 * then GPL as a whole, and says so. */
#if defined(HAVE_X264) && HAVE_X264
#define VTC_PLUGIN_LICENSE "GPL"
#else
#define VTC_PLUGIN_LICENSE "LGPL"
#endif

static gboolean
plugin_init (GstPlugin *plugin)
{
  gboolean ret = FALSE;

  GST_DEBUG_CATEGORY_INIT (gst_vtcore_debug, "vtcore", 0,
      "vtcore library messages");
  gst_vtc_install_log_handler ();

  ret |= GST_ELEMENT_REGISTER (vtenc, plugin);
  ret |= GST_ELEMENT_REGISTER (vtenc_h264, plugin);
  ret |= GST_ELEMENT_REGISTER (vttransfer, plugin);
  return ret;
}

GST_PLUGIN_DEFINE (GST_VERSION_MAJOR, GST_VERSION_MINOR, vtcore,
    "VideoToolbox programming model on Linux: H.264 encoding and pixel "
    "transfer through vtcore",
    plugin_init, VTCORE_VERSION, VTC_PLUGIN_LICENSE, "vtcore",
    "Unknown package origin")
