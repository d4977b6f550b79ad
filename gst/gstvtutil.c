/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * gstvtutil: GStreamer <-> vtcore glue shared by vtenc and vttransfer.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstvtutil.h"

#include <string.h>

GST_DEBUG_CATEGORY (gst_vtcore_debug);
#define GST_CAT_DEFAULT gst_vtcore_debug

/* GstVideoFormat <-> fourcc. `video` is the fourcc for video-range YUV (and
 * the only one for RGB/GRAY), `full` the full-range twin (0 if none).
 * `alias` rows (BGRx & co.) map to the fourcc of the alpha format: the
 * padding byte of an x format is "undefined", so reading it as alpha and
 * writing opaque alpha into it are both valid; they are never the result of
 * a fourcc -> format lookup. */
typedef struct
{
  GstVideoFormat format;
  OSType video;
  OSType full;
  gboolean alias;
} GstVtcFormatMap;

/* *INDENT-OFF* */
/* clang-format off */
static const GstVtcFormatMap format_map[] = {
  { GST_VIDEO_FORMAT_NV12, kCVPixelFormatType_420YpCbCr8BiPlanarVideoRange,
    kCVPixelFormatType_420YpCbCr8BiPlanarFullRange, FALSE },
  { GST_VIDEO_FORMAT_I420, kCVPixelFormatType_420YpCbCr8Planar,
    kCVPixelFormatType_420YpCbCr8PlanarFullRange, FALSE },
  { GST_VIDEO_FORMAT_YV12, kVTCorePixelFormatType_420YpCbCr8PlanarYV12,
    kVTCorePixelFormatType_420YpCbCr8PlanarYV12FullRange, FALSE },
  { GST_VIDEO_FORMAT_NV21, kVTCorePixelFormatType_420YpCbCr8BiPlanarNV21VideoRange,
    kVTCorePixelFormatType_420YpCbCr8BiPlanarNV21FullRange, FALSE },
  { GST_VIDEO_FORMAT_NV16, kCVPixelFormatType_422YpCbCr8BiPlanarVideoRange,
    kCVPixelFormatType_422YpCbCr8BiPlanarFullRange, FALSE },
  { GST_VIDEO_FORMAT_NV24, kCVPixelFormatType_444YpCbCr8BiPlanarVideoRange,
    kCVPixelFormatType_444YpCbCr8BiPlanarFullRange, FALSE },
  { GST_VIDEO_FORMAT_Y42B, kVTCorePixelFormatType_422YpCbCr8Planar,
    kVTCorePixelFormatType_422YpCbCr8PlanarFullRange, FALSE },
  { GST_VIDEO_FORMAT_Y444, kVTCorePixelFormatType_444YpCbCr8Planar,
    kVTCorePixelFormatType_444YpCbCr8PlanarFullRange, FALSE },
  { GST_VIDEO_FORMAT_P010_10LE, kCVPixelFormatType_420YpCbCr10BiPlanarVideoRange,
    kCVPixelFormatType_420YpCbCr10BiPlanarFullRange, FALSE },
  { GST_VIDEO_FORMAT_UYVY, kCVPixelFormatType_422YpCbCr8, 0, FALSE },
  { GST_VIDEO_FORMAT_YUY2, kCVPixelFormatType_422YpCbCr8_yuvs,
    kCVPixelFormatType_422YpCbCr8FullRange, FALSE },
  { GST_VIDEO_FORMAT_BGRA, kCVPixelFormatType_32BGRA, 0, FALSE },
  { GST_VIDEO_FORMAT_BGRx, kCVPixelFormatType_32BGRA, 0, TRUE },
  { GST_VIDEO_FORMAT_RGBA, kCVPixelFormatType_32RGBA, 0, FALSE },
  { GST_VIDEO_FORMAT_RGBx, kCVPixelFormatType_32RGBA, 0, TRUE },
  { GST_VIDEO_FORMAT_ARGB, kCVPixelFormatType_32ARGB, 0, FALSE },
  { GST_VIDEO_FORMAT_xRGB, kCVPixelFormatType_32ARGB, 0, TRUE },
  { GST_VIDEO_FORMAT_ABGR, kCVPixelFormatType_32ABGR, 0, FALSE },
  { GST_VIDEO_FORMAT_xBGR, kCVPixelFormatType_32ABGR, 0, TRUE },
  { GST_VIDEO_FORMAT_RGB, kCVPixelFormatType_24RGB, 0, FALSE },
  { GST_VIDEO_FORMAT_BGR, kCVPixelFormatType_24BGR, 0, FALSE },
  { GST_VIDEO_FORMAT_GRAY8, kCVPixelFormatType_OneComponent8, 0, FALSE },
};
/* clang-format on */
/* *INDENT-ON* */

OSType
gst_vtc_format_to_fourcc (GstVideoFormat format, gboolean full_range)
{
  for (guint i = 0; i < G_N_ELEMENTS (format_map); i++) {
    if (format_map[i].format != format)
      continue;
    if (full_range && format_map[i].full != 0)
      return format_map[i].full;
    return format_map[i].video;
  }
  return 0;
}

OSType
gst_vtc_video_info_to_fourcc (const GstVideoInfo *info)
{
  gboolean full = GST_VIDEO_INFO_IS_YUV (info)
      && info->colorimetry.range == GST_VIDEO_COLOR_RANGE_0_255;

  return gst_vtc_format_to_fourcc (GST_VIDEO_INFO_FORMAT (info), full);
}

GstVideoFormat
gst_vtc_fourcc_to_format (OSType fourcc, gboolean *full_range)
{
  for (guint i = 0; i < G_N_ELEMENTS (format_map); i++) {
    if (format_map[i].alias)
      continue;
    if (format_map[i].video == fourcc || format_map[i].full == fourcc) {
      if (full_range)
        *full_range = format_map[i].full == fourcc;
      return format_map[i].format;
    }
  }
  return GST_VIDEO_FORMAT_UNKNOWN;
}

const gchar *
gst_vtc_fourcc_to_string (OSType fourcc)
{
  static GPrivate buf_key = G_PRIVATE_INIT (g_free);
  gchar *buf = g_private_get (&buf_key);

  if (!buf) {
    buf = g_malloc0 (16);
    g_private_set (&buf_key, buf);
  }
  if (fourcc < 0x20202020) {
    g_snprintf (buf, 16, "0x%08x", (guint) fourcc);
  } else {
    for (guint i = 0; i < 4; i++) {
      gchar c = (gchar) ((fourcc >> (24 - 8 * i)) & 0xff);
      buf[i] = g_ascii_isprint (c) ? c : '?';
    }
    buf[4] = '\0';
  }
  return buf;
}

CFStringRef
gst_vtc_color_primaries_to_cf (GstVideoColorPrimaries primaries)
{
  switch (primaries) {
    case GST_VIDEO_COLOR_PRIMARIES_BT709:
      return kCVImageBufferColorPrimaries_ITU_R_709_2;
    case GST_VIDEO_COLOR_PRIMARIES_BT470BG:
      return kCVImageBufferColorPrimaries_EBU_3213;
    case GST_VIDEO_COLOR_PRIMARIES_SMPTE170M:
    case GST_VIDEO_COLOR_PRIMARIES_SMPTE240M:
      return kCVImageBufferColorPrimaries_SMPTE_C;
    case GST_VIDEO_COLOR_PRIMARIES_BT2020:
      return kCVImageBufferColorPrimaries_ITU_R_2020;
    case GST_VIDEO_COLOR_PRIMARIES_SMPTERP431:
      return kCVImageBufferColorPrimaries_DCI_P3;
    case GST_VIDEO_COLOR_PRIMARIES_SMPTEEG432:
      return kCVImageBufferColorPrimaries_P3_D65;
    case GST_VIDEO_COLOR_PRIMARIES_EBU3213:
      /* H.273 code point 22 (EBU Tech 3213-E), which Apple calls P22. */
      return kCVImageBufferColorPrimaries_P22;
    default:
      return NULL;
  }
}

CFStringRef
gst_vtc_transfer_to_cf (GstVideoTransferFunction transfer)
{
  switch (transfer) {
    case GST_VIDEO_TRANSFER_BT709:
    case GST_VIDEO_TRANSFER_BT601:
      return kCVImageBufferTransferFunction_ITU_R_709_2;
    case GST_VIDEO_TRANSFER_SMPTE240M:
      return kCVImageBufferTransferFunction_SMPTE_240M_1995;
    case GST_VIDEO_TRANSFER_BT2020_10:
    case GST_VIDEO_TRANSFER_BT2020_12:
      return kCVImageBufferTransferFunction_ITU_R_2020;
    case GST_VIDEO_TRANSFER_SMPTE2084:
      return kCVImageBufferTransferFunction_SMPTE_ST_2084_PQ;
    case GST_VIDEO_TRANSFER_ARIB_STD_B67:
      return kCVImageBufferTransferFunction_ITU_R_2100_HLG;
    case GST_VIDEO_TRANSFER_SRGB:
      return kCVImageBufferTransferFunction_sRGB;
    case GST_VIDEO_TRANSFER_GAMMA10:
      return kCVImageBufferTransferFunction_Linear;
    default:
      return NULL;
  }
}

CFStringRef
gst_vtc_matrix_to_cf (GstVideoColorMatrix matrix)
{
  switch (matrix) {
    case GST_VIDEO_COLOR_MATRIX_BT709:
      return kCVImageBufferYCbCrMatrix_ITU_R_709_2;
    case GST_VIDEO_COLOR_MATRIX_BT601:
      return kCVImageBufferYCbCrMatrix_ITU_R_601_4;
    case GST_VIDEO_COLOR_MATRIX_SMPTE240M:
      return kCVImageBufferYCbCrMatrix_SMPTE_240M_1995;
    case GST_VIDEO_COLOR_MATRIX_BT2020:
      return kCVImageBufferYCbCrMatrix_ITU_R_2020;
    default:
      return NULL;
  }
}

CFNumberRef
gst_vtc_cf_int32 (gint32 value)
{
  return CFNumberCreate (NULL, kCFNumberSInt32Type, &value);
}

CFNumberRef
gst_vtc_cf_int64 (gint64 value)
{
  return CFNumberCreate (NULL, kCFNumberSInt64Type, &value);
}

CFNumberRef
gst_vtc_cf_double (gdouble value)
{
  return CFNumberCreate (NULL, kCFNumberFloat64Type, &value);
}

CFStringRef
gst_vtc_cf_string (const gchar *value)
{
  return CFStringCreateWithCString (NULL, value, kCFStringEncodingUTF8);
}

CFDictionaryRef
gst_vtc_cf_par (gint par_n, gint par_d)
{
  const void *keys[2] = { kCVImageBufferPixelAspectRatioHorizontalSpacingKey,
    kCVImageBufferPixelAspectRatioVerticalSpacingKey };
  const void *values[2];
  CFDictionaryRef dict = NULL;

  values[0] = gst_vtc_cf_int32 (par_n);
  values[1] = gst_vtc_cf_int32 (par_d);
  if (values[0] && values[1])
    dict = CFDictionaryCreate (NULL, keys, values, 2,
        &kCFTypeDictionaryKeyCallBacks, &kCFTypeDictionaryValueCallBacks);
  if (values[0])
    CFRelease (values[0]);
  if (values[1])
    CFRelease (values[1]);
  return dict;
}

gchar *
gst_vtc_cf_string_to_utf8 (CFStringRef str)
{
  CFIndex len, size;
  gchar *buf;

  if (!str || CFGetTypeID (str) != CFStringGetTypeID ())
    return NULL;
  len = CFStringGetLength (str);
  size = CFStringGetMaximumSizeForEncoding (len, kCFStringEncodingUTF8) + 1;
  buf = g_malloc (size);
  if (!CFStringGetCString (str, buf, size, kCFStringEncodingUTF8)) {
    g_free (buf);
    return NULL;
  }
  return buf;
}

static OSStatus
session_set_take (VTSessionRef session, CFStringRef key, CFTypeRef value)
{
  OSStatus status;

  if (!value)
    return kVTAllocationFailedErr;
  status = VTSessionSetProperty (session, key, value);
  CFRelease (value);
  return status;
}

OSStatus
gst_vtc_session_set_int32 (VTSessionRef session, CFStringRef key, gint32 value)
{
  return session_set_take (session, key, gst_vtc_cf_int32 (value));
}

OSStatus
gst_vtc_session_set_double (VTSessionRef session, CFStringRef key,
    gdouble value)
{
  return session_set_take (session, key, gst_vtc_cf_double (value));
}

OSStatus
gst_vtc_session_set_bool (VTSessionRef session, CFStringRef key, gboolean value)
{
  return VTSessionSetProperty (session, key,
      value ? kCFBooleanTrue : kCFBooleanFalse);
}

static CFTypeRef
session_copy (VTSessionRef session, CFStringRef key)
{
  CFTypeRef value = NULL;

  if (VTSessionCopyProperty (session, key, NULL, &value) != noErr)
    return NULL;
  return value;
}

gboolean
gst_vtc_session_get_int64 (VTSessionRef session, CFStringRef key, gint64 *value)
{
  CFTypeRef v = session_copy (session, key);
  gboolean ok = FALSE;

  if (!v)
    return FALSE;
  if (CFGetTypeID (v) == CFNumberGetTypeID ()) {
    int64_t tmp = 0;
    ok = CFNumberGetValue ((CFNumberRef) v, kCFNumberSInt64Type, &tmp);
    *value = tmp;
  } else if (CFGetTypeID (v) == CFBooleanGetTypeID ()) {
    *value = CFBooleanGetValue ((CFBooleanRef) v);
    ok = TRUE;
  }
  CFRelease (v);
  return ok;
}

gboolean
gst_vtc_session_get_double (VTSessionRef session, CFStringRef key,
    gdouble *value)
{
  CFTypeRef v = session_copy (session, key);
  gboolean ok = FALSE;

  if (!v)
    return FALSE;
  if (CFGetTypeID (v) == CFNumberGetTypeID ()) {
    double tmp = 0;
    ok = CFNumberGetValue ((CFNumberRef) v, kCFNumberFloat64Type, &tmp);
    *value = tmp;
  }
  CFRelease (v);
  return ok;
}

gboolean
gst_vtc_session_get_bool (VTSessionRef session, CFStringRef key,
    gboolean *value)
{
  gint64 v;

  if (!gst_vtc_session_get_int64 (session, key, &v))
    return FALSE;
  *value = v != 0;
  return TRUE;
}

void
gst_vtc_pixel_buffer_set_info_attachments (CVPixelBufferRef pixel_buffer,
    const GstVideoInfo *info)
{
  const GstVideoColorimetry *c = &info->colorimetry;
  CFStringRef s;

  if (GST_VIDEO_INFO_IS_YUV (info) && (s = gst_vtc_matrix_to_cf (c->matrix)))
    CVBufferSetAttachment (pixel_buffer, kCVImageBufferYCbCrMatrixKey, s,
        kCVAttachmentMode_ShouldPropagate);
  if ((s = gst_vtc_color_primaries_to_cf (c->primaries)))
    CVBufferSetAttachment (pixel_buffer, kCVImageBufferColorPrimariesKey, s,
        kCVAttachmentMode_ShouldPropagate);
  if ((s = gst_vtc_transfer_to_cf (c->transfer)))
    CVBufferSetAttachment (pixel_buffer, kCVImageBufferTransferFunctionKey, s,
        kCVAttachmentMode_ShouldPropagate);
  if (GST_VIDEO_INFO_PAR_N (info) > 0 && GST_VIDEO_INFO_PAR_D (info) > 0
      && GST_VIDEO_INFO_PAR_N (info) != GST_VIDEO_INFO_PAR_D (info)) {
    CFDictionaryRef par = gst_vtc_cf_par (GST_VIDEO_INFO_PAR_N (info),
        GST_VIDEO_INFO_PAR_D (info));
    if (par) {
      CVBufferSetAttachment (pixel_buffer, kCVImageBufferPixelAspectRatioKey,
          par, kCVAttachmentMode_ShouldPropagate);
      CFRelease (par);
    }
  }
}

static void
release_planar_frame (void *refcon, const void *data, size_t size,
    size_t n_planes, const void *planes[])
{
  GstVideoFrame *frame = refcon;

  gst_video_frame_unmap (frame);
  g_free (frame);
}

static void
release_packed_frame (void *refcon, const void *base)
{
  GstVideoFrame *frame = refcon;

  gst_video_frame_unmap (frame);
  g_free (frame);
}

CVPixelBufferRef
gst_vtc_pixel_buffer_wrap_frame (GstVideoFrame *frame, gboolean take,
    gboolean attach, OSStatus *status)
{
  const GstVideoInfo *info = &frame->info;
  guint n_planes = GST_VIDEO_FRAME_N_PLANES (frame);
  OSType fourcc = gst_vtc_video_info_to_fourcc (info);
  CVPixelBufferRef pb = NULL;
  CVReturn ret;

  if (fourcc == 0) {
    ret = kCVReturnInvalidPixelFormat;
  } else if (n_planes > 1) {
    void *base[GST_VIDEO_MAX_PLANES];
    size_t width[GST_VIDEO_MAX_PLANES], height[GST_VIDEO_MAX_PLANES];
    size_t stride[GST_VIDEO_MAX_PLANES];

    for (guint p = 0; p < n_planes; p++) {
      gint comp[GST_VIDEO_MAX_COMPONENTS];

      gst_video_format_info_component (info->finfo, p, comp);
      base[p] = GST_VIDEO_FRAME_PLANE_DATA (frame, p);
      stride[p] = GST_VIDEO_FRAME_PLANE_STRIDE (frame, p);
      width[p] = GST_VIDEO_FRAME_COMP_WIDTH (frame, comp[0]);
      height[p] = GST_VIDEO_FRAME_COMP_HEIGHT (frame, comp[0]);
    }
    ret = CVPixelBufferCreateWithPlanarBytes (NULL,
        GST_VIDEO_FRAME_WIDTH (frame), GST_VIDEO_FRAME_HEIGHT (frame), fourcc,
        NULL, 0, n_planes, base, width, height, stride,
        take ? release_planar_frame : NULL, take ? frame : NULL, NULL, &pb);
  } else {
    ret = CVPixelBufferCreateWithBytes (NULL, GST_VIDEO_FRAME_WIDTH (frame),
        GST_VIDEO_FRAME_HEIGHT (frame), fourcc,
        GST_VIDEO_FRAME_PLANE_DATA (frame, 0),
        GST_VIDEO_FRAME_PLANE_STRIDE (frame, 0),
        take ? release_packed_frame : NULL, take ? frame : NULL, NULL, &pb);
  }

  if (ret != kCVReturnSuccess || !pb) {
    GST_WARNING ("could not wrap a %s frame (%s) in a CVPixelBuffer: %s",
        gst_video_format_to_string (GST_VIDEO_FRAME_FORMAT (frame)),
        gst_vtc_fourcc_to_string (fourcc), vtcore_status_string (ret));
    /* The release callback is not called when creation fails. */
    if (take) {
      gst_video_frame_unmap (frame);
      g_free (frame);
    }
    if (status)
      *status = ret != kCVReturnSuccess ? ret : kCVReturnAllocationFailed;
    return NULL;
  }

  if (attach)
    gst_vtc_pixel_buffer_set_info_attachments (pb, info);
  if (status)
    *status = noErr;
  return pb;
}

/* vtcore log -> GStreamer "vtcore" debug category. */
static void
vtcore_log_to_gst (void *user_data, int level, const char *fmt, va_list args)
{
  GstDebugLevel gst_level;

  switch (level) {
    case VTCORE_LOG_ERROR:
      gst_level = GST_LEVEL_ERROR;
      break;
    case VTCORE_LOG_WARNING:
      gst_level = GST_LEVEL_WARNING;
      break;
    case VTCORE_LOG_INFO:
      gst_level = GST_LEVEL_INFO;
      break;
    case VTCORE_LOG_DEBUG:
      gst_level = GST_LEVEL_DEBUG;
      break;
    default:
      gst_level = GST_LEVEL_LOG;
      break;
  }
  if (gst_level > gst_debug_category_get_threshold (gst_vtcore_debug))
    return;
  gst_debug_log_valist (gst_vtcore_debug, gst_level, "vtcore", "vtcore", 0,
      NULL, fmt, args);
}

void
gst_vtc_install_log_handler (void)
{
  vtcore_set_log_callback (vtcore_log_to_gst, NULL, VTCORE_LOG_TRACE);
}
