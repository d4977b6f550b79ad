/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * gstvtutil: the glue between GStreamer types and the vtcore public API that
 * both elements share: GstVideoFormat <-> kCVPixelFormatType_* fourccs,
 * GstVideoColorimetry <-> kCVImageBuffer* colour strings, wrapping a mapped
 * GstVideoFrame in a CVPixelBuffer without copying, and small CF helpers.
 * Only public vtcore headers are used here (no backend, no internals).
 */
#ifndef __GST_VTC_UTIL_H__
#define __GST_VTC_UTIL_H__

#include <gst/gst.h>
#include <gst/video/video.h>

#include <CoreFoundation/CoreFoundation.h>
#include <CoreMedia/CoreMedia.h>
#include <CoreVideo/CoreVideo.h>
#include <VideoToolbox/VideoToolbox.h>
#include <vtcore/vtcore.h>

G_BEGIN_DECLS

/* The raw formats the elements accept, as a caps "format" list string.
 * Every entry maps to a fourcc vtcore allocates and converts. */
#define GST_VTC_VIDEO_FORMATS                                                  \
  "{ NV12, I420, YV12, NV21, NV16, NV24, Y42B, Y444, P010_10LE, "              \
  "UYVY, YUY2, BGRA, BGRx, RGBA, RGBx, ARGB, xRGB, ABGR, xBGR, "               \
  "RGB, BGR, GRAY8 }"

/* The fourcc vtcore uses for @format, picking the full-range variant when
 * @full_range and one exists. 0 if vtcore has no such format. */
OSType gst_vtc_format_to_fourcc (GstVideoFormat format, gboolean full_range);

/* The fourcc for a negotiated GstVideoInfo (format + colorimetry range). */
OSType gst_vtc_video_info_to_fourcc (const GstVideoInfo *info);

/* The GstVideoFormat for @fourcc (GST_VIDEO_FORMAT_UNKNOWN if none);
 * @full_range (optional) receives whether it is a full-range variant. */
GstVideoFormat gst_vtc_fourcc_to_format (OSType fourcc, gboolean *full_range);

/* "420v" style printable form of a fourcc (static buffer per thread). */
const gchar *gst_vtc_fourcc_to_string (OSType fourcc);

/* Colour strings (kCVImageBuffer*_ constants, not retained) or NULL when
 * there is no VideoToolbox equivalent. */
CFStringRef gst_vtc_color_primaries_to_cf (GstVideoColorPrimaries primaries);
CFStringRef gst_vtc_transfer_to_cf (GstVideoTransferFunction transfer);
CFStringRef gst_vtc_matrix_to_cf (GstVideoColorMatrix matrix);

/* Wrap the planes of a mapped @frame in a CVPixelBuffer, without copying.
 * When @take is TRUE, @frame must be allocated with g_new and the pixel
 * buffer owns it: the frame is unmapped and freed when the last reference
 * to the pixel buffer goes (also when this function fails). When @take is
 * FALSE the caller keeps the frame mapped for as long as the pixel buffer
 * is used. With @attach, colorimetry and pixel aspect ratio of the frame's
 * info are set as attachments (for a source; a transfer destination gets
 * its description from the session). Returns a +1 pixel buffer, or NULL with
 * *status set. */
CVPixelBufferRef gst_vtc_pixel_buffer_wrap_frame (GstVideoFrame *frame,
    gboolean take, gboolean attach, OSStatus *status);

/* Attach colour (matrix, primaries, transfer) and pixel aspect ratio
 * attachments describing @info to @pixel_buffer. */
void gst_vtc_pixel_buffer_set_info_attachments (CVPixelBufferRef pixel_buffer,
    const GstVideoInfo *info);

/* CFNumber / CFString / CFDictionary helpers returning +1 objects or NULL. */
CFNumberRef gst_vtc_cf_int32 (gint32 value);
CFNumberRef gst_vtc_cf_int64 (gint64 value);
CFNumberRef gst_vtc_cf_double (gdouble value);
CFStringRef gst_vtc_cf_string (const gchar *value);
/* A {HorizontalSpacing, VerticalSpacing} dictionary. */
CFDictionaryRef gst_vtc_cf_par (gint par_n, gint par_d);

/* A newly allocated C string for a CFString (NULL if @str is NULL). */
gchar *gst_vtc_cf_string_to_utf8 (CFStringRef str);

/* VTSessionSetProperty wrappers that build the CF value themselves. */
OSStatus
gst_vtc_session_set_int32 (VTSessionRef session, CFStringRef key, gint32 value);
OSStatus gst_vtc_session_set_double (VTSessionRef session, CFStringRef key,
    gdouble value);
OSStatus gst_vtc_session_set_bool (VTSessionRef session, CFStringRef key,
    gboolean value);

/* Read back a number / boolean property; FALSE if not readable. */
gboolean gst_vtc_session_get_int64 (VTSessionRef session, CFStringRef key,
    gint64 *value);
gboolean gst_vtc_session_get_double (VTSessionRef session, CFStringRef key,
    gdouble *value);
gboolean gst_vtc_session_get_bool (VTSessionRef session, CFStringRef key,
    gboolean *value);

/* Route vtcore's log into the "vtcore" GStreamer debug category. */
void gst_vtc_install_log_handler (void);

GST_DEBUG_CATEGORY_EXTERN (gst_vtcore_debug);

G_END_DECLS

#endif /* __GST_VTC_UTIL_H__ */
