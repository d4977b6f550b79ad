/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * vttransfer: GstVideoFilter over VTPixelTransferSession.
 *
 * Caps are transformed like videoconvertscale (any supported format and size
 * to any), fixated towards the upstream format and size; equal caps mean
 * passthrough. transform_frame wraps the mapped input and output
 * GstVideoFrames (GstVideoMeta strides included) in CVPixelBuffers without
 * copying and lets the session convert and scale straight into the output
 * buffer. GstVideoFilter's default propose_allocation / decide_allocation
 * offer and use video-meta buffer pools, so no copy happens on either side.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstvttransfer.h"

GST_DEBUG_CATEGORY_STATIC (gst_vtc_transfer_debug);
#define GST_CAT_DEFAULT gst_vtc_transfer_debug

enum
{
  PROP_0,
  PROP_SCALING_MODE,
  PROP_DOWNSAMPLING_MODE,
  PROP_METHOD,
  PROP_N_THREADS,
  PROP_REALTIME,
  N_PROPERTIES
};

static GParamSpec *properties[N_PROPERTIES];

#define DEFAULT_SCALING_MODE      GST_VTC_TRANSFER_SCALING_NORMAL
#define DEFAULT_DOWNSAMPLING_MODE GST_VTC_TRANSFER_DOWNSAMPLING_AVERAGE
#define DEFAULT_N_THREADS         0
#define DEFAULT_REALTIME          FALSE

struct _GstVtcTransfer
{
  GstVideoFilter parent;

  /* GST_OBJECT_LOCK */
  GstVtcTransferScalingMode scaling_mode;
  GstVtcTransferDownsamplingMode downsampling_mode;
  guint n_threads;
  gboolean realtime;
  gboolean dirty;

  /* streaming thread */
  VTPixelTransferSessionRef session;
  gboolean warned_threads;
};

struct _GstVtcTransferClass
{
  GstVideoFilterClass parent_class;
};

#define gst_vtc_transfer_parent_class parent_class
G_DEFINE_TYPE_WITH_CODE (GstVtcTransfer, gst_vtc_transfer,
    GST_TYPE_VIDEO_FILTER,
    GST_DEBUG_CATEGORY_INIT (gst_vtc_transfer_debug, "vttransfer", 0,
        "vtcore pixel transfer (vttransfer)"));
GST_ELEMENT_REGISTER_DEFINE (vttransfer, "vttransfer", GST_RANK_NONE,
    GST_TYPE_VTC_TRANSFER);

#define VTC_TRANSFER_CAPS                                                      \
  "video/x-raw, format = (string) " GST_VTC_VIDEO_FORMATS ", "                 \
  "width = (int) [ 1, 16384 ], height = (int) [ 1, 16384 ], "                  \
  "framerate = (fraction) [ 0/1, MAX ]"

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE ("sink",
    GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS (VTC_TRANSFER_CAPS));
static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS (VTC_TRANSFER_CAPS));

#define GST_TYPE_VTC_TRANSFER_SCALING_MODE                                     \
  (gst_vtc_transfer_scaling_mode_get_type ())
static GType
gst_vtc_transfer_scaling_mode_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    { GST_VTC_TRANSFER_SCALING_NORMAL,
        "Stretch the whole source to the whole destination", "normal" },
    { GST_VTC_TRANSFER_SCALING_LETTERBOX,
        "Fit inside, keep the aspect ratio, black borders", "letterbox" },
    { GST_VTC_TRANSFER_SCALING_TRIM,
        "Fill, keep the aspect ratio, crop the excess", "trim" },
    { GST_VTC_TRANSFER_SCALING_CROP_TO_CLEAN_APERTURE,
        "Scale the source clean aperture to the destination",
        "crop-to-clean-aperture" },
    { 0, NULL, NULL },
  };

  if (g_once_init_enter (&type)) {
    GType t = g_enum_register_static ("GstVtcTransferScalingMode", values);
    g_once_init_leave (&type, t);
  }
  return type;
}

#define GST_TYPE_VTC_TRANSFER_DOWNSAMPLING_MODE                                \
  (gst_vtc_transfer_downsampling_mode_get_type ())
static GType
gst_vtc_transfer_downsampling_mode_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    { GST_VTC_TRANSFER_DOWNSAMPLING_DECIMATE,
        "Keep the co-sited chroma sample (VideoToolbox's default)",
        "decimate" },
    { GST_VTC_TRANSFER_DOWNSAMPLING_AVERAGE, "Average the chroma samples",
        "average" },
    { 0, NULL, NULL },
  };

  if (g_once_init_enter (&type)) {
    GType t = g_enum_register_static ("GstVtcTransferDownsamplingMode", values);
    g_once_init_leave (&type, t);
  }
  return type;
}

#define GST_TYPE_VTC_TRANSFER_METHOD (gst_vtc_transfer_method_get_type ())
static GType
gst_vtc_transfer_method_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    { GST_VTC_TRANSFER_METHOD_NEAREST,
        "Nearest neighbour, co-sited chroma (downsampling-mode=decimate)",
        "nearest" },
    { GST_VTC_TRANSFER_METHOD_BILINEAR,
        "Bilinear when enlarging, box when shrinking, averaged chroma "
        "(downsampling-mode=average)",
        "bilinear" },
    { 0, NULL, NULL },
  };

  if (g_once_init_enter (&type)) {
    GType t = g_enum_register_static ("GstVtcTransferMethod", values);
    g_once_init_leave (&type, t);
  }
  return type;
}

static void gst_vtc_transfer_set_property (GObject *object, guint prop_id,
    const GValue *value, GParamSpec *pspec);
static void gst_vtc_transfer_get_property (GObject *object, guint prop_id,
    GValue *value, GParamSpec *pspec);
static gboolean gst_vtc_transfer_start (GstBaseTransform *trans);
static gboolean gst_vtc_transfer_stop (GstBaseTransform *trans);
static GstCaps *gst_vtc_transfer_transform_caps (GstBaseTransform *trans,
    GstPadDirection direction, GstCaps *caps, GstCaps *filter);
static GstCaps *gst_vtc_transfer_fixate_caps (GstBaseTransform *trans,
    GstPadDirection direction, GstCaps *caps, GstCaps *othercaps);
static gboolean
gst_vtc_transfer_set_info (GstVideoFilter *filter, GstCaps *incaps,
    GstVideoInfo *in_info, GstCaps *outcaps, GstVideoInfo *out_info);
static GstFlowReturn gst_vtc_transfer_transform_frame (GstVideoFilter *filter,
    GstVideoFrame *in_frame, GstVideoFrame *out_frame);

static void
gst_vtc_transfer_class_init (GstVtcTransferClass *klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstBaseTransformClass *trans_class = GST_BASE_TRANSFORM_CLASS (klass);
  GstVideoFilterClass *filter_class = GST_VIDEO_FILTER_CLASS (klass);
  const GParamFlags flags
      = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_PLAYING;

  gobject_class->set_property = gst_vtc_transfer_set_property;
  gobject_class->get_property = gst_vtc_transfer_get_property;

  /**
   * GstVtcTransfer:scaling-mode:
   *
   * How the source maps onto the destination (ScalingMode). The default,
   * normal, stretches like VideoToolbox; letterbox keeps the display aspect
   * ratio with black borders, like videoconvertscale add-borders=true.
   */
  properties[PROP_SCALING_MODE]
      = g_param_spec_enum ("scaling-mode", "Scaling mode",
          "How the source maps onto the destination (ScalingMode): normal "
          "stretches, letterbox adds black borders, trim crops",
          GST_TYPE_VTC_TRANSFER_SCALING_MODE, DEFAULT_SCALING_MODE, flags);

  /**
   * GstVtcTransfer:downsampling-mode:
   *
   * How chroma is reduced for 4:2:0 / 4:2:2 destinations (DownsamplingMode).
   * It also picks the filter when shrinking: box with average, nearest
   * with decimate (enlarging is always bilinear). See also method.
   */
  properties[PROP_DOWNSAMPLING_MODE]
      = g_param_spec_enum ("downsampling-mode", "Downsampling mode",
          "Chroma reduction and shrinking filter (DownsamplingMode): average "
          "(averaged chroma, box filter) or decimate (co-sited chroma, "
          "nearest; VideoToolbox's default)",
          GST_TYPE_VTC_TRANSFER_DOWNSAMPLING_MODE, DEFAULT_DOWNSAMPLING_MODE,
          flags);

  /**
   * GstVtcTransfer:method:
   *
   * The same setting as downsampling-mode under videoconvertscale's
   * property name: nearest = decimate, bilinear = average.
   */
  properties[PROP_METHOD] = g_param_spec_enum ("method", "Method",
      "Resampling, as in videoconvertscale: nearest (= downsampling-mode "
      "decimate) or bilinear (= average; box filter when shrinking)",
      GST_TYPE_VTC_TRANSFER_METHOD, GST_VTC_TRANSFER_METHOD_BILINEAR, flags);

  /**
   * GstVtcTransfer:n-threads:
   *
   * Worker threads per frame (kVTCorePixelTransferPropertyKey_ThreadCount);
   * 0 lets vtcore decide (one thread below 1280x720, else up to 8). The
   * output is identical for every value.
   */
  properties[PROP_N_THREADS] = g_param_spec_uint ("n-threads", "Threads",
      "Worker threads per frame (0 = automatic: 1 below 720p, else up to 8; "
      "the output does not depend on it)",
      0, 16, DEFAULT_N_THREADS, flags);

  /**
   * GstVtcTransfer:realtime:
   *
   * Real-time priority hint (RealTime).
   */
  properties[PROP_REALTIME] = g_param_spec_boolean ("realtime", "Realtime",
      "Real-time priority hint (RealTime)", DEFAULT_REALTIME, flags);

  g_object_class_install_properties (gobject_class, N_PROPERTIES, properties);

  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_add_static_pad_template (element_class, &src_template);
  gst_element_class_set_static_metadata (element_class,
      "VideoToolbox pixel transfer (vtcore)", "Filter/Converter/Video/Scaler",
      "Converts and scales raw video with vtcore's VTPixelTransferSession",
      "vtcore developers");

  trans_class->start = GST_DEBUG_FUNCPTR (gst_vtc_transfer_start);
  trans_class->stop = GST_DEBUG_FUNCPTR (gst_vtc_transfer_stop);
  trans_class->transform_caps
      = GST_DEBUG_FUNCPTR (gst_vtc_transfer_transform_caps);
  trans_class->fixate_caps = GST_DEBUG_FUNCPTR (gst_vtc_transfer_fixate_caps);
  trans_class->passthrough_on_same_caps = TRUE;

  filter_class->set_info = GST_DEBUG_FUNCPTR (gst_vtc_transfer_set_info);
  filter_class->transform_frame
      = GST_DEBUG_FUNCPTR (gst_vtc_transfer_transform_frame);

  gst_type_mark_as_plugin_api (GST_TYPE_VTC_TRANSFER_SCALING_MODE, 0);
  gst_type_mark_as_plugin_api (GST_TYPE_VTC_TRANSFER_DOWNSAMPLING_MODE, 0);
  gst_type_mark_as_plugin_api (GST_TYPE_VTC_TRANSFER_METHOD, 0);
}

static void
gst_vtc_transfer_init (GstVtcTransfer *self)
{
  self->scaling_mode = DEFAULT_SCALING_MODE;
  self->downsampling_mode = DEFAULT_DOWNSAMPLING_MODE;
  self->n_threads = DEFAULT_N_THREADS;
  self->realtime = DEFAULT_REALTIME;
}

static void
gst_vtc_transfer_set_property (GObject *object, guint prop_id,
    const GValue *value, GParamSpec *pspec)
{
  GstVtcTransfer *self = GST_VTC_TRANSFER (object);

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_SCALING_MODE:
      self->scaling_mode = g_value_get_enum (value);
      break;
    case PROP_DOWNSAMPLING_MODE:
      self->downsampling_mode = g_value_get_enum (value);
      break;
    case PROP_METHOD:
      self->downsampling_mode
          = g_value_get_enum (value) == GST_VTC_TRANSFER_METHOD_NEAREST
          ? GST_VTC_TRANSFER_DOWNSAMPLING_DECIMATE
          : GST_VTC_TRANSFER_DOWNSAMPLING_AVERAGE;
      break;
    case PROP_N_THREADS:
      self->n_threads = g_value_get_uint (value);
      break;
    case PROP_REALTIME:
      self->realtime = g_value_get_boolean (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  self->dirty = TRUE;
  GST_OBJECT_UNLOCK (self);
}

static void
gst_vtc_transfer_get_property (GObject *object, guint prop_id, GValue *value,
    GParamSpec *pspec)
{
  GstVtcTransfer *self = GST_VTC_TRANSFER (object);

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_SCALING_MODE:
      g_value_set_enum (value, self->scaling_mode);
      break;
    case PROP_DOWNSAMPLING_MODE:
      g_value_set_enum (value, self->downsampling_mode);
      break;
    case PROP_METHOD:
      g_value_set_enum (value,
          self->downsampling_mode == GST_VTC_TRANSFER_DOWNSAMPLING_DECIMATE
              ? GST_VTC_TRANSFER_METHOD_NEAREST
              : GST_VTC_TRANSFER_METHOD_BILINEAR);
      break;
    case PROP_N_THREADS:
      g_value_set_uint (value, self->n_threads);
      break;
    case PROP_REALTIME:
      g_value_set_boolean (value, self->realtime);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static gboolean
gst_vtc_transfer_start (GstBaseTransform *trans)
{
  GstVtcTransfer *self = GST_VTC_TRANSFER (trans);
  OSStatus status;

  status = VTPixelTransferSessionCreate (NULL, &self->session);
  if (status != noErr) {
    GST_ELEMENT_ERROR (self, LIBRARY, INIT,
        ("Could not create a pixel transfer session"),
        ("VTPixelTransferSessionCreate failed: %s",
            vtcore_status_string (status)));
    self->session = NULL;
    return FALSE;
  }
  GST_OBJECT_LOCK (self);
  self->dirty = TRUE;
  GST_OBJECT_UNLOCK (self);
  self->warned_threads = FALSE;
  return TRUE;
}

static gboolean
gst_vtc_transfer_stop (GstBaseTransform *trans)
{
  GstVtcTransfer *self = GST_VTC_TRANSFER (trans);

  if (self->session) {
    VTPixelTransferSessionInvalidate (self->session);
    CFRelease (self->session);
    self->session = NULL;
  }
  return TRUE;
}

/* Like videoconvertscale: any format and size, keeping caps features. */
static GstCaps *
gst_vtc_transfer_transform_caps (GstBaseTransform *trans,
    GstPadDirection direction, GstCaps *caps, GstCaps *filter)
{
  GstCaps *res = gst_caps_new_empty ();

  for (guint i = 0; i < gst_caps_get_size (caps); i++) {
    GstStructure *st = gst_caps_get_structure (caps, i);
    GstCapsFeatures *f = gst_caps_get_features (caps, i);

    if (i > 0 && gst_caps_is_subset_structure_full (res, st, f))
      continue;
    st = gst_structure_copy (st);
    if (!gst_caps_features_is_any (f)
        && gst_caps_features_is_equal (f,
            GST_CAPS_FEATURES_MEMORY_SYSTEM_MEMORY)) {
      gst_structure_set (st, "width", GST_TYPE_INT_RANGE, 1, G_MAXINT, "height",
          GST_TYPE_INT_RANGE, 1, G_MAXINT, NULL);
      if (gst_structure_has_field (st, "pixel-aspect-ratio"))
        gst_structure_set (st, "pixel-aspect-ratio", GST_TYPE_FRACTION_RANGE, 1,
            G_MAXINT, G_MAXINT, 1, NULL);
      gst_structure_remove_fields (st, "format", "colorimetry", "chroma-site",
          NULL);
    }
    gst_caps_append_structure_full (res, st, gst_caps_features_copy (f));
  }

  if (filter) {
    GstCaps *tmp
        = gst_caps_intersect_full (filter, res, GST_CAPS_INTERSECT_FIRST);
    gst_caps_unref (res);
    res = tmp;
  }
  GST_DEBUG_OBJECT (trans, "%s %" GST_PTR_FORMAT " -> %" GST_PTR_FORMAT,
      direction == GST_PAD_SINK ? "sink" : "src", caps, res);
  return res;
}

/* How much converting @in into @out loses (0 = same format). */
static gint
format_loss (const GstVideoFormatInfo *in, const GstVideoFormatInfo *out)
{
  gint loss = 0;

  if (in == out)
    return 0;
  if (GST_VIDEO_FORMAT_INFO_IS_GRAY (out)
      && !GST_VIDEO_FORMAT_INFO_IS_GRAY (in))
    loss += 64; /* colour dropped */
  else if (GST_VIDEO_FORMAT_INFO_IS_YUV (in)
          != GST_VIDEO_FORMAT_INFO_IS_YUV (out)
      || GST_VIDEO_FORMAT_INFO_IS_RGB (in)
          != GST_VIDEO_FORMAT_INFO_IS_RGB (out))
    loss += 8; /* colour model change */
  if (GST_VIDEO_FORMAT_INFO_HAS_ALPHA (in)
      && !GST_VIDEO_FORMAT_INFO_HAS_ALPHA (out))
    loss += 16;
  else if (!GST_VIDEO_FORMAT_INFO_HAS_ALPHA (in)
      && GST_VIDEO_FORMAT_INFO_HAS_ALPHA (out))
    loss += 1;
  if (GST_VIDEO_FORMAT_INFO_DEPTH (out, 0)
      < GST_VIDEO_FORMAT_INFO_DEPTH (in, 0))
    loss += 32;
  else if (GST_VIDEO_FORMAT_INFO_DEPTH (out, 0)
      > GST_VIDEO_FORMAT_INFO_DEPTH (in, 0))
    loss += 2;
  if (GST_VIDEO_FORMAT_INFO_N_COMPONENTS (out) >= 3
      && GST_VIDEO_FORMAT_INFO_N_COMPONENTS (in) >= 3) {
    gint dw = GST_VIDEO_FORMAT_INFO_W_SUB (out, 1)
        - GST_VIDEO_FORMAT_INFO_W_SUB (in, 1);
    gint dh = GST_VIDEO_FORMAT_INFO_H_SUB (out, 1)
        - GST_VIDEO_FORMAT_INFO_H_SUB (in, 1);
    loss += 4 * (MAX (dw, 0) + MAX (dh, 0));
    loss += MAX (-dw, 0) + MAX (-dh, 0);
  }
  if (GST_VIDEO_FORMAT_INFO_N_PLANES (out)
      != GST_VIDEO_FORMAT_INFO_N_PLANES (in))
    loss += 1;
  return loss;
}

static void
consider_format (const GstVideoFormatInfo *in, const gchar *name, guint index,
    gint *best_loss, guint *best_index, const gchar **best_name)
{
  GstVideoFormat fmt = gst_video_format_from_string (name);
  gint loss;

  if (fmt == GST_VIDEO_FORMAT_UNKNOWN
      || gst_vtc_format_to_fourcc (fmt, FALSE) == 0)
    return;
  loss = in ? format_loss (in, gst_video_format_get_info (fmt)) : 0;
  if (loss < *best_loss) {
    *best_loss = loss;
    *best_index = index;
    *best_name = name;
  }
}

static void
fixate_size (GstStructure *ins, GstStructure *outs)
{
  gint in_w = 0, in_h = 0, in_par_n = 1, in_par_d = 1;
  gint out_par_n = 1, out_par_d = 1, w, h, dar_n, dar_d, f_n, f_d;
  gboolean have_w, have_h;

  if (!gst_structure_get_int (ins, "width", &in_w)
      || !gst_structure_get_int (ins, "height", &in_h) || in_w <= 0
      || in_h <= 0)
    return;
  gst_structure_get_fraction (ins, "pixel-aspect-ratio", &in_par_n, &in_par_d);
  if (in_par_n <= 0 || in_par_d <= 0)
    in_par_n = in_par_d = 1;

  if (gst_structure_has_field (outs, "pixel-aspect-ratio"))
    gst_structure_fixate_field_nearest_fraction (outs, "pixel-aspect-ratio",
        in_par_n, in_par_d);
  else if (gst_structure_has_field (ins, "pixel-aspect-ratio"))
    gst_structure_set (outs, "pixel-aspect-ratio", GST_TYPE_FRACTION, in_par_n,
        in_par_d, NULL);
  if (!gst_structure_get_fraction (outs, "pixel-aspect-ratio", &out_par_n,
          &out_par_d)
      || out_par_n <= 0 || out_par_d <= 0)
    out_par_n = out_par_d = 1;

  /* Display aspect ratio of the input. */
  if (!gst_util_fraction_multiply (in_w, in_h, in_par_n, in_par_d, &dar_n,
          &dar_d))
    dar_n = in_w, dar_d = in_h;

  have_w = gst_structure_get_int (outs, "width", &w);
  have_h = gst_structure_get_int (outs, "height", &h);
  if (have_w && have_h)
    return;
  if (have_w) {
    /* h = w * out_par_n * dar_d / (out_par_d * dar_n) */
    if (gst_util_fraction_multiply (out_par_n, out_par_d, dar_d, dar_n, &f_n,
            &f_d))
      h = (gint) gst_util_uint64_scale_int_round (w, f_n, f_d);
    else
      h = in_h;
    gst_structure_fixate_field_nearest_int (outs, "height", MAX (h, 1));
    return;
  }
  if (have_h) {
    if (gst_util_fraction_multiply (out_par_d, out_par_n, dar_n, dar_d, &f_n,
            &f_d))
      w = (gint) gst_util_uint64_scale_int_round (h, f_n, f_d);
    else
      w = in_w;
    gst_structure_fixate_field_nearest_int (outs, "width", MAX (w, 1));
    return;
  }
  /* Neither fixed: keep the input size (then the display aspect follows
   * when the PARs are equal), falling back to the nearest allowed. */
  gst_structure_fixate_field_nearest_int (outs, "height", in_h);
  gst_structure_get_int (outs, "height", &h);
  if (in_par_n == out_par_n && in_par_d == out_par_d && h == in_h) {
    w = in_w;
  } else if (gst_util_fraction_multiply (out_par_d, out_par_n, dar_n, dar_d,
                 &f_n, &f_d)) {
    w = (gint) gst_util_uint64_scale_int_round (h, f_n, f_d);
  } else {
    w = in_w;
  }
  gst_structure_fixate_field_nearest_int (outs, "width", MAX (w, 1));
}

static GstCaps *
gst_vtc_transfer_fixate_caps (GstBaseTransform *trans,
    GstPadDirection direction, GstCaps *caps, GstCaps *othercaps)
{
  GstStructure *ins = gst_caps_get_structure (caps, 0);
  const gchar *in_name = gst_structure_get_string (ins, "format");
  GstVideoFormat in_fmt = in_name ? gst_video_format_from_string (in_name)
                                  : GST_VIDEO_FORMAT_UNKNOWN;
  const GstVideoFormatInfo *in_finfo = in_fmt != GST_VIDEO_FORMAT_UNKNOWN
      ? gst_video_format_get_info (in_fmt)
      : NULL;
  gint best_loss = G_MAXINT;
  guint best_index = 0;
  const gchar *best_name = NULL;
  GstCaps *result;
  GstStructure *outs;
  gchar *chosen = NULL;

  GST_DEBUG_OBJECT (trans,
      "fixating %" GST_PTR_FORMAT " against %" GST_PTR_FORMAT, othercaps, caps);

  /* The format losing least, preferring the upstream one. */
  for (guint i = 0; i < gst_caps_get_size (othercaps); i++) {
    const GstStructure *s = gst_caps_get_structure (othercaps, i);
    const GValue *v = gst_structure_get_value (s, "format");

    if (!v) {
      if (in_name)
        consider_format (in_finfo, in_name, i, &best_loss, &best_index,
            &best_name);
    } else if (G_VALUE_HOLDS_STRING (v)) {
      consider_format (in_finfo, g_value_get_string (v), i, &best_loss,
          &best_index, &best_name);
    } else if (GST_VALUE_HOLDS_LIST (v)) {
      for (guint j = 0; j < gst_value_list_get_size (v); j++) {
        const GValue *item = gst_value_list_get_value (v, j);
        if (G_VALUE_HOLDS_STRING (item))
          consider_format (in_finfo, g_value_get_string (item), i, &best_loss,
              &best_index, &best_name);
      }
    }
  }
  chosen = g_strdup (best_name);

  result = gst_caps_new_empty ();
  if (gst_caps_get_size (othercaps) > 0)
    gst_caps_append_structure_full (result,
        gst_structure_copy (gst_caps_get_structure (othercaps, best_index)),
        gst_caps_features_copy (gst_caps_get_features (othercaps, best_index)));
  gst_caps_unref (othercaps);
  if (gst_caps_is_empty (result)) {
    g_free (chosen);
    return result;
  }

  outs = gst_caps_get_structure (result, 0);
  if (chosen)
    gst_structure_set (outs, "format", G_TYPE_STRING, chosen, NULL);
  fixate_size (ins, outs);

  /* Same colour model: keep the upstream colorimetry unless downstream
   * asks for another one. */
  if (chosen && in_finfo) {
    const GstVideoFormatInfo *out_finfo
        = gst_video_format_get_info (gst_video_format_from_string (chosen));
    gboolean same_model = GST_VIDEO_FORMAT_INFO_IS_YUV (in_finfo)
        == GST_VIDEO_FORMAT_INFO_IS_YUV (out_finfo);
    const gchar *s;

    if (same_model && !gst_structure_has_field (outs, "colorimetry")
        && (s = gst_structure_get_string (ins, "colorimetry")))
      gst_structure_set (outs, "colorimetry", G_TYPE_STRING, s, NULL);
    if (same_model && GST_VIDEO_FORMAT_INFO_IS_YUV (out_finfo)
        && !gst_structure_has_field (outs, "chroma-site")
        && (s = gst_structure_get_string (ins, "chroma-site")))
      gst_structure_set (outs, "chroma-site", G_TYPE_STRING, s, NULL);
  }
  g_free (chosen);

  result = gst_caps_fixate (result);
  GST_DEBUG_OBJECT (trans, "fixated to %" GST_PTR_FORMAT, result);
  return result;
}


static CFStringRef
scaling_mode_to_cf (GstVtcTransferScalingMode mode)
{
  switch (mode) {
    case GST_VTC_TRANSFER_SCALING_LETTERBOX:
      return kVTScalingMode_Letterbox;
    case GST_VTC_TRANSFER_SCALING_TRIM:
      return kVTScalingMode_Trim;
    case GST_VTC_TRANSFER_SCALING_CROP_TO_CLEAN_APERTURE:
      return kVTScalingMode_CropSourceToCleanAperture;
    default:
      return kVTScalingMode_Normal;
  }
}

/* Pushes the element properties and the output colour into the session. */
static gboolean
gst_vtc_transfer_configure (GstVtcTransfer *self)
{
  GstVideoFilter *filter = GST_VIDEO_FILTER (self);
  const GstVideoInfo *out_info = &filter->out_info;
  GstVtcTransferScalingMode scaling;
  GstVtcTransferDownsamplingMode downsampling;
  CFStringRef matrix;
  gboolean realtime;
  guint n_threads;
  OSStatus status;

  GST_OBJECT_LOCK (self);
  scaling = self->scaling_mode;
  downsampling = self->downsampling_mode;
  realtime = self->realtime;
  n_threads = self->n_threads;
  self->dirty = FALSE;
  GST_OBJECT_UNLOCK (self);

  status = VTSessionSetProperty (self->session,
      kVTPixelTransferPropertyKey_ScalingMode, scaling_mode_to_cf (scaling));
  if (status == noErr)
    status = VTSessionSetProperty (self->session,
        kVTPixelTransferPropertyKey_DownsamplingMode,
        downsampling == GST_VTC_TRANSFER_DOWNSAMPLING_AVERAGE
            ? kVTDownsamplingMode_Average
            : kVTDownsamplingMode_Decimate);
  if (status == noErr)
    status = gst_vtc_session_set_bool (self->session,
        kVTPixelTransferPropertyKey_RealTime, realtime);
  if (status != noErr) {
    GST_ELEMENT_ERROR (self, LIBRARY, SETTINGS,
        ("Could not configure the pixel transfer session"),
        ("VTSessionSetProperty failed: %s", vtcore_status_string (status)));
    return FALSE;
  }

  status = gst_vtc_session_set_int32 (self->session,
      kVTCorePixelTransferPropertyKey_ThreadCount, (gint32) n_threads);
  if (status != noErr && !self->warned_threads) {
    GST_WARNING_OBJECT (self, "ThreadCount %u: %s", n_threads,
        vtcore_status_string (status));
    self->warned_threads = TRUE;
  }

  /* The matrix of a YUV output (the input's comes with the source buffer).
   * Primaries and transfer function are left alone, like videoconvertscale
   * does by default: no gamut or gamma conversion. */
  matrix = GST_VIDEO_INFO_IS_YUV (out_info)
      ? gst_vtc_matrix_to_cf (out_info->colorimetry.matrix)
      : NULL;
  status = VTSessionSetProperty (self->session,
      kVTPixelTransferPropertyKey_DestinationYCbCrMatrix, matrix);
  if (status != noErr)
    GST_WARNING_OBJECT (self, "DestinationYCbCrMatrix: %s",
        vtcore_status_string (status));

  if (scaling != GST_VTC_TRANSFER_SCALING_NORMAL) {
    CFDictionaryRef par
        = gst_vtc_cf_par (MAX (GST_VIDEO_INFO_PAR_N (out_info), 1),
            MAX (GST_VIDEO_INFO_PAR_D (out_info), 1));

    status = par ? VTSessionSetProperty (self->session,
                 kVTPixelTransferPropertyKey_DestinationPixelAspectRatio, par)
                 : kVTAllocationFailedErr;
    if (par)
      CFRelease (par);
    if (status != noErr)
      GST_WARNING_OBJECT (self, "DestinationPixelAspectRatio: %s",
          vtcore_status_string (status));
  }
  return TRUE;
}

static gboolean
gst_vtc_transfer_set_info (GstVideoFilter *filter, GstCaps *incaps,
    GstVideoInfo *in_info, GstCaps *outcaps, GstVideoInfo *out_info)
{
  GstVtcTransfer *self = GST_VTC_TRANSFER (filter);
  gboolean passthrough;

  if (!gst_vtc_video_info_to_fourcc (in_info)
      || !gst_vtc_video_info_to_fourcc (out_info)) {
    GST_ELEMENT_ERROR (self, CORE, NEGOTIATION, ("Unsupported format"),
        ("%s -> %s",
            gst_video_format_to_string (GST_VIDEO_INFO_FORMAT (in_info)),
            gst_video_format_to_string (GST_VIDEO_INFO_FORMAT (out_info))));
    return FALSE;
  }
  if (GST_VIDEO_INFO_INTERLACE_MODE (in_info)
      != GST_VIDEO_INFO_INTERLACE_MODE (out_info)) {
    GST_ELEMENT_ERROR (self, CORE, NEGOTIATION,
        ("Input and output interlace modes differ"), (NULL));
    return FALSE;
  }

  passthrough = gst_video_info_is_equal (in_info, out_info);
  gst_base_transform_set_passthrough (GST_BASE_TRANSFORM (self), passthrough);
  GST_INFO_OBJECT (self, "%s %dx%d -> %s %dx%d%s",
      gst_video_format_to_string (GST_VIDEO_INFO_FORMAT (in_info)),
      GST_VIDEO_INFO_WIDTH (in_info), GST_VIDEO_INFO_HEIGHT (in_info),
      gst_video_format_to_string (GST_VIDEO_INFO_FORMAT (out_info)),
      GST_VIDEO_INFO_WIDTH (out_info), GST_VIDEO_INFO_HEIGHT (out_info),
      passthrough ? " (passthrough)" : "");

  GST_OBJECT_LOCK (self);
  self->dirty = TRUE;
  GST_OBJECT_UNLOCK (self);
  return TRUE;
}

static GstFlowReturn
gst_vtc_transfer_transform_frame (GstVideoFilter *filter,
    GstVideoFrame *in_frame, GstVideoFrame *out_frame)
{
  GstVtcTransfer *self = GST_VTC_TRANSFER (filter);
  CVPixelBufferRef src, dst;
  OSStatus status;
  gboolean dirty;

  if (!self->session)
    return GST_FLOW_FLUSHING;

  GST_OBJECT_LOCK (self);
  dirty = self->dirty;
  GST_OBJECT_UNLOCK (self);
  if (dirty && !gst_vtc_transfer_configure (self))
    return GST_FLOW_ERROR;

  src = gst_vtc_pixel_buffer_wrap_frame (in_frame, FALSE, TRUE, &status);
  if (!src)
    goto wrap_failed;
  dst = gst_vtc_pixel_buffer_wrap_frame (out_frame, FALSE, FALSE, &status);
  if (!dst) {
    CVPixelBufferRelease (src);
    goto wrap_failed;
  }

  status = VTPixelTransferSessionTransferImage (self->session, src, dst);
  CVPixelBufferRelease (src);
  CVPixelBufferRelease (dst);
  if (status != noErr) {
    GST_ELEMENT_ERROR (self, STREAM, FAILED,
        ("Conversion failed: %s -> %s",
            gst_video_format_to_string (GST_VIDEO_FRAME_FORMAT (in_frame)),
            gst_video_format_to_string (GST_VIDEO_FRAME_FORMAT (out_frame))),
        ("VTPixelTransferSessionTransferImage failed: %s",
            vtcore_status_string (status)));
    return GST_FLOW_ERROR;
  }
  return GST_FLOW_OK;

wrap_failed:
  GST_ELEMENT_ERROR (self, STREAM, FAILED, ("Could not wrap video frame"),
      ("CVPixelBufferCreateWithPlanarBytes failed: %s",
          vtcore_status_string (status)));
  return GST_FLOW_ERROR;
}
