/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * vtenc: an H.264 GstVideoEncoder over vtcore's VTCompressionSession.
 *
 * Data flow: handle_frame maps the input GstVideoFrame, wraps its planes in a
 * CVPixelBuffer (no copy; the frame stays mapped until vtcore releases the
 * pixel buffer) and calls VTCompressionSessionEncodeFrame with the frame's
 * system_frame_number as sourceFrameRefCon. The output callback (which vtcore
 * may call synchronously inside EncodeFrame/CompleteFrames or from an
 * encoder thread) only queues the CMSampleBuffer; the streaming thread, which
 * holds the stream lock, pops the queue after every EncodeFrame and
 * CompleteFrames and finishes the frames in decode order. The callback never
 * takes the stream lock, so there is no lock-order problem between the two.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstvtenc.h"

#include <gst/base/gstbytewriter.h>
#include <gst/pbutils/pbutils.h>
#include <stdio.h>
#include <string.h>

GST_DEBUG_CATEGORY_STATIC (gst_vtc_enc_debug);
#define GST_CAT_DEFAULT gst_vtc_enc_debug

#define VTC_MAX_BITRATE_KBPS (G_MAXINT32 / 1000)
/* Timestamps go to vtcore in nanoseconds: GST_SECOND fits a CMTimeScale. */
#define VTC_TIMESCALE ((int32_t) GST_SECOND)

enum
{
  PROP_0,
  PROP_BITRATE,
  PROP_RATE_CONTROL,
  PROP_DATA_RATE_LIMITS,
  PROP_QUALITY,
  PROP_MAX_KEYFRAME_INTERVAL,
  PROP_MAX_KEYFRAME_INTERVAL_DURATION,
  PROP_ALLOW_FRAME_REORDERING,
  PROP_REALTIME,
  PROP_MAX_FRAME_DELAY,
  PROP_ENCODER,
  PROP_ENTROPY_MODE,
  PROP_MIN_QP,
  PROP_MAX_QP,
  PROP_ENCODER_ID,
  PROP_THREADS,
  PROP_SPEED_PRESET,
  PROP_TUNE,
  N_PROPERTIES
};

/* speed-preset: x264enc's values and nicks (1 = ultrafast ... 10 = placebo),
 * 0 = let vtcore choose from realtime (x264enc's 0 is "no preset"). */
typedef enum
{
  GST_VTC_ENC_SPEED_PRESET_AUTO = 0,
  GST_VTC_ENC_SPEED_PRESET_ULTRAFAST,
  GST_VTC_ENC_SPEED_PRESET_SUPERFAST,
  GST_VTC_ENC_SPEED_PRESET_VERYFAST,
  GST_VTC_ENC_SPEED_PRESET_FASTER,
  GST_VTC_ENC_SPEED_PRESET_FAST,
  GST_VTC_ENC_SPEED_PRESET_MEDIUM,
  GST_VTC_ENC_SPEED_PRESET_SLOW,
  GST_VTC_ENC_SPEED_PRESET_SLOWER,
  GST_VTC_ENC_SPEED_PRESET_VERYSLOW,
  GST_VTC_ENC_SPEED_PRESET_PLACEBO,
} GstVtcEncSpeedPreset;

/* tune: x264enc's flags (bits and nicks). */
typedef enum
{
  GST_VTC_ENC_TUNE_NONE = 0,
  GST_VTC_ENC_TUNE_STILLIMAGE = 1 << 0,
  GST_VTC_ENC_TUNE_FASTDECODE = 1 << 1,
  GST_VTC_ENC_TUNE_ZEROLATENCY = 1 << 2,
} GstVtcEncTune;

static GParamSpec *properties[N_PROPERTIES];

#define DEFAULT_BITRATE                        0
#define DEFAULT_RATE_CONTROL                   GST_VTC_ENC_RATE_CONTROL_ABR
#define DEFAULT_DATA_RATE_LIMITS               "0,0"
#define DEFAULT_QUALITY                        0.5
#define DEFAULT_MAX_KEYFRAME_INTERVAL          0
#define DEFAULT_MAX_KEYFRAME_INTERVAL_DURATION 0
#define DEFAULT_ALLOW_FRAME_REORDERING         TRUE
#define DEFAULT_REALTIME                       FALSE
#define DEFAULT_MAX_FRAME_DELAY                (-1)
#define DEFAULT_ENCODER                        "auto"
#define DEFAULT_ENTROPY_MODE                   GST_VTC_ENC_ENTROPY_AUTO
#define DEFAULT_MIN_QP                         0
#define DEFAULT_MAX_QP                         51
#define DEFAULT_THREADS                        0
#define DEFAULT_SPEED_PRESET                   GST_VTC_ENC_SPEED_PRESET_AUTO
#define DEFAULT_TUNE                           GST_VTC_ENC_TUNE_NONE
#define VTC_MAX_THREADS                        128

/* Properties vtcore applies to a running session without draining it (its
 * VT_PROP_LIVE keys: AverageBitRate, ConstantBitRate, DataRateLimits,
 * Quality, MaxKeyFrameInterval, MaxKeyFrameIntervalDuration). */
#define LIVE_PROPS                                                             \
  ((1u << PROP_BITRATE) | (1u << PROP_DATA_RATE_LIMITS) | (1u << PROP_QUALITY) \
      | (1u << PROP_MAX_KEYFRAME_INTERVAL)                                     \
      | (1u << PROP_MAX_KEYFRAME_INTERVAL_DURATION))

typedef struct
{
  guint bitrate;
  GstVtcEncRateControl rate_control;
  gchar *data_rate_limits;
  gdouble quality;
  gint max_keyframe_interval;
  guint64 max_keyframe_interval_duration;
  gboolean allow_frame_reordering;
  gboolean realtime;
  gint max_frame_delay;
  gchar *encoder;
  GstVtcEncEntropyMode entropy_mode;
  guint min_qp;
  guint max_qp;
  guint threads;
  GstVtcEncSpeedPreset speed_preset;
  guint tune; /* GstVtcEncTune flags */
} GstVtcEncSettings;

/* One VT output callback, queued for the streaming thread. */
typedef struct
{
  guint32 frame_number;
  OSStatus status;
  VTEncodeInfoFlags flags;
  CMSampleBufferRef sample; /* +1 or NULL */
} GstVtcEncOutput;

typedef enum
{
  PROFILE_AUTO = 0,
  PROFILE_CONSTRAINED_BASELINE = 1 << 0,
  PROFILE_BASELINE = 1 << 1,
  PROFILE_MAIN = 1 << 2,
  PROFILE_HIGH = 1 << 3,
} GstVtcEncProfile;
#define PROFILE_ALL                                                            \
  (PROFILE_CONSTRAINED_BASELINE | PROFILE_BASELINE | PROFILE_MAIN              \
      | PROFILE_HIGH)

struct _GstVtcEnc
{
  GstVideoEncoder parent;

  /* GST_OBJECT_LOCK */
  GstVtcEncSettings settings;
  guint dirty;                   /* live properties changed while running */
  gboolean running;              /* a session exists */
  gboolean effective_reordering; /* AllowFrameReordering read back */
  gchar *encoder_id;             /* EncoderID of the running session */

  /* stream lock */
  GstVideoCodecState *input_state;
  VTCompressionSessionRef session;
  gboolean restart;      /* recreate the session before the next frame */
  GstClockTime last_pts; /* last PTS given to this session */
  gboolean byte_stream;
  GstVtcEncProfile profile; /* requested, PROFILE_AUTO = backend default */
  gchar *level;             /* requested "3.1" or NULL */
  GstBuffer *codec_data;    /* avcC of the current output caps */
  GstBuffer *headers;       /* SPS/PPS in Annex B, for byte-stream */
  GstBuffer *avc_headers;   /* SPS/PPS length-prefixed, for all-headers */
  gint nal_length_size;
  guint64 frames_in;  /* EncodeFrame calls on this session */
  guint64 frames_out; /* callbacks consumed on this session */
  guint latency_frames;
  gboolean error_posted;   /* the current failure was reported (one error) */
  gboolean session_failed; /* the session failed: recreate, do not drain */
  GQueue early_drops;      /* failed frames waiting for output caps (H7) */

  /* filled by the output callback */
  GMutex queue_lock;
  GQueue queue;
};

struct _GstVtcEncClass
{
  GstVideoEncoderClass parent_class;
};

typedef struct _GstVtcEncH264
{
  GstVtcEnc parent;
} GstVtcEncH264;

typedef struct _GstVtcEncH264Class
{
  GstVtcEncClass parent_class;
} GstVtcEncH264Class;

#define gst_vtc_enc_parent_class parent_class
G_DEFINE_TYPE_WITH_CODE (GstVtcEnc, gst_vtc_enc, GST_TYPE_VIDEO_ENCODER,
    GST_DEBUG_CATEGORY_INIT (gst_vtc_enc_debug, "vtenc", 0,
        "vtcore H.264 encoder (vtenc)"));
G_DEFINE_TYPE (GstVtcEncH264, gst_vtc_enc_h264, GST_TYPE_VTC_ENC);

GST_ELEMENT_REGISTER_DEFINE (vtenc, "vtenc", GST_RANK_SECONDARY,
    GST_TYPE_VTC_ENC);
GST_ELEMENT_REGISTER_DEFINE (vtenc_h264, "vtenc_h264", GST_RANK_NONE,
    GST_TYPE_VTC_ENC_H264);

/* *INDENT-OFF* */
static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE ("sink",
    GST_PAD_SINK, GST_PAD_ALWAYS,
    GST_STATIC_CAPS ("video/x-raw, "
                     "format = (string) " GST_VTC_VIDEO_FORMATS ", "
                     "width = (int) [ 2, 16384 ], height = (int) [ 2, 16384 ], "
                     "framerate = (fraction) [ 0/1, MAX ]"));

static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC, GST_PAD_ALWAYS,
    GST_STATIC_CAPS (
        "video/x-h264, "
        "stream-format = (string) { avc, byte-stream }, "
        "alignment = (string) au, "
        "profile = (string) { high, main, baseline, constrained-baseline }, "
        "width = (int) [ 2, 16384 ], height = (int) [ 2, 16384 ], "
        "framerate = (fraction) [ 0/1, MAX ]"));
/* *INDENT-ON* */

#define GST_TYPE_VTC_ENC_RATE_CONTROL (gst_vtc_enc_rate_control_get_type ())
static GType
gst_vtc_enc_rate_control_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    { GST_VTC_ENC_RATE_CONTROL_ABR,
        "Average bitrate (AverageBitRate; quality-driven when bitrate=0)",
        "abr" },
    { GST_VTC_ENC_RATE_CONTROL_CBR, "Constant bitrate (ConstantBitRate)",
        "cbr" },
    { 0, NULL, NULL },
  };

  if (g_once_init_enter (&type)) {
    GType t = g_enum_register_static ("GstVtcEncRateControl", values);
    g_once_init_leave (&type, t);
  }
  return type;
}

#define GST_TYPE_VTC_ENC_ENTROPY_MODE (gst_vtc_enc_entropy_mode_get_type ())
static GType
gst_vtc_enc_entropy_mode_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    { GST_VTC_ENC_ENTROPY_AUTO, "Encoder default for the profile", "auto" },
    { GST_VTC_ENC_ENTROPY_CAVLC, "CAVLC (all profiles)", "cavlc" },
    { GST_VTC_ENC_ENTROPY_CABAC, "CABAC (main and high profiles)", "cabac" },
    { 0, NULL, NULL },
  };

  if (g_once_init_enter (&type)) {
    GType t = g_enum_register_static ("GstVtcEncEntropyMode", values);
    g_once_init_leave (&type, t);
  }
  return type;
}

#define GST_TYPE_VTC_ENC_SPEED_PRESET (gst_vtc_enc_speed_preset_get_type ())
static GType
gst_vtc_enc_speed_preset_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    { GST_VTC_ENC_SPEED_PRESET_AUTO,
        "Chosen by vtcore (medium; veryfast with realtime)", "auto" },
    { GST_VTC_ENC_SPEED_PRESET_ULTRAFAST, "ultrafast", "ultrafast" },
    { GST_VTC_ENC_SPEED_PRESET_SUPERFAST, "superfast", "superfast" },
    { GST_VTC_ENC_SPEED_PRESET_VERYFAST, "veryfast", "veryfast" },
    { GST_VTC_ENC_SPEED_PRESET_FASTER, "faster", "faster" },
    { GST_VTC_ENC_SPEED_PRESET_FAST, "fast", "fast" },
    { GST_VTC_ENC_SPEED_PRESET_MEDIUM, "medium", "medium" },
    { GST_VTC_ENC_SPEED_PRESET_SLOW, "slow", "slow" },
    { GST_VTC_ENC_SPEED_PRESET_SLOWER, "slower", "slower" },
    { GST_VTC_ENC_SPEED_PRESET_VERYSLOW, "veryslow", "veryslow" },
    { GST_VTC_ENC_SPEED_PRESET_PLACEBO, "placebo", "placebo" },
    { 0, NULL, NULL },
  };

  if (g_once_init_enter (&type)) {
    GType t = g_enum_register_static ("GstVtcEncSpeedPreset", values);
    g_once_init_leave (&type, t);
  }
  return type;
}

#define GST_TYPE_VTC_ENC_TUNE (gst_vtc_enc_tune_get_type ())
static GType
gst_vtc_enc_tune_get_type (void)
{
  static GType type = 0;
  static const GFlagsValue values[] = {
    { GST_VTC_ENC_TUNE_STILLIMAGE, "Still image", "stillimage" },
    { GST_VTC_ENC_TUNE_FASTDECODE, "Fast decode", "fastdecode" },
    { GST_VTC_ENC_TUNE_ZEROLATENCY, "Zero latency", "zerolatency" },
    { 0, NULL, NULL },
  };

  if (g_once_init_enter (&type)) {
    GType t = g_flags_register_static ("GstVtcEncTune", values);
    g_once_init_leave (&type, t);
  }
  return type;
}

/* "stillimage,zerolatency" for kVTCoreCompressionPropertyKey_X264Tune, or
 * NULL for no flag. Free with g_free. */
static gchar *
gst_vtc_enc_tune_string (guint tune)
{
  GFlagsClass *klass = g_type_class_ref (GST_TYPE_VTC_ENC_TUNE);
  GString *str = g_string_new (NULL);

  for (guint i = 0; i < klass->n_values; i++) {
    if (tune & klass->values[i].value) {
      if (str->len)
        g_string_append_c (str, ',');
      g_string_append (str, klass->values[i].value_nick);
    }
  }
  g_type_class_unref (klass);
  return g_string_free (str, str->len == 0);
}

static void gst_vtc_enc_finalize (GObject *object);
static void gst_vtc_enc_set_property (GObject *object, guint prop_id,
    const GValue *value, GParamSpec *pspec);
static void gst_vtc_enc_get_property (GObject *object, guint prop_id,
    GValue *value, GParamSpec *pspec);
static gboolean gst_vtc_enc_start (GstVideoEncoder *enc);
static gboolean gst_vtc_enc_stop (GstVideoEncoder *enc);
static gboolean
gst_vtc_enc_set_format (GstVideoEncoder *enc, GstVideoCodecState *state);
static GstFlowReturn
gst_vtc_enc_handle_frame (GstVideoEncoder *enc, GstVideoCodecFrame *frame);
static GstFlowReturn gst_vtc_enc_finish (GstVideoEncoder *enc);
static gboolean gst_vtc_enc_flush (GstVideoEncoder *enc);
static gboolean gst_vtc_enc_sink_query (GstVideoEncoder *enc, GstQuery *query);

static void
gst_vtc_enc_class_init (GstVtcEncClass *klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstVideoEncoderClass *encoder_class = GST_VIDEO_ENCODER_CLASS (klass);
  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS;
  const GParamFlags live = flags | GST_PARAM_MUTABLE_PLAYING;

  gobject_class->finalize = gst_vtc_enc_finalize;
  gobject_class->set_property = gst_vtc_enc_set_property;
  gobject_class->get_property = gst_vtc_enc_get_property;

  /**
   * GstVtcEnc:bitrate:
   *
   * Target bitrate in kbit/s. 0 lets the encoder choose (quality-driven).
   * Maps to kVTCompressionPropertyKey_AverageBitRate (or ConstantBitRate with
   * rate-control=cbr). Can be changed while playing without a drain.
   */
  properties[PROP_BITRATE] = g_param_spec_uint ("bitrate", "Bitrate",
      "Target bitrate in kbit/s (0 = auto: the encoder chooses from "
      "'quality'). AverageBitRate, or ConstantBitRate with rate-control=cbr",
      0, VTC_MAX_BITRATE_KBPS, DEFAULT_BITRATE, live);

  /**
   * GstVtcEnc:rate-control:
   *
   * Rate control mode: abr (AverageBitRate) or cbr (ConstantBitRate, needs
   * a bitrate; emulated with DataRateLimits if the backend lacks CBR).
   */
  properties[PROP_RATE_CONTROL]
      = g_param_spec_enum ("rate-control", "Rate control",
          "Rate control mode: abr (average bitrate) or cbr (constant bitrate, "
          "needs bitrate > 0)",
          GST_TYPE_VTC_ENC_RATE_CONTROL, DEFAULT_RATE_CONTROL, flags);

  /**
   * GstVtcEnc:data-rate-limits:
   *
   * Hard cap "<kbit/s>,<seconds>": no window of that many seconds may hold
   * more than kbit/s * seconds of data (DataRateLimits). "0,0" disables it.
   * Ignored with rate-control=cbr.
   */
  properties[PROP_DATA_RATE_LIMITS] = g_param_spec_string ("data-rate-limits",
      "Data rate limits",
      "Hard bitrate cap as \"<kbit/s>,<seconds>\" (DataRateLimits): no "
      "window of <seconds> holds more than kbit/s x seconds; \"0,0\" = none",
      DEFAULT_DATA_RATE_LIMITS, live);

  /**
   * GstVtcEnc:quality:
   *
   * Quality from 0.0 (smallest) to 1.0 (best); 0.25 low, 0.5 normal, 0.75
   * high (kVTCompressionPropertyKey_Quality). Drives the rate control when
   * bitrate is 0.
   */
  properties[PROP_QUALITY] = g_param_spec_double ("quality", "Quality",
      "Quality 0.0 (smallest) .. 1.0 (best), used when bitrate=0 (Quality)",
      0.0, 1.0, DEFAULT_QUALITY, live);

  /**
   * GstVtcEnc:max-keyframe-interval:
   *
   * Maximum number of frames between key frames (MaxKeyFrameInterval);
   * 0 lets the encoder choose.
   */
  properties[PROP_MAX_KEYFRAME_INTERVAL]
      = g_param_spec_int ("max-keyframe-interval", "Max keyframe interval",
          "Maximum frames between key frames (MaxKeyFrameInterval; 0 = auto)",
          0, G_MAXINT, DEFAULT_MAX_KEYFRAME_INTERVAL, live);

  /**
   * GstVtcEnc:max-keyframe-interval-duration:
   *
   * Maximum time between key frames in nanoseconds
   * (MaxKeyFrameIntervalDuration); 0 = no limit. The interval and the
   * duration both apply; whichever is reached first forces a key frame.
   */
  properties[PROP_MAX_KEYFRAME_INTERVAL_DURATION]
      = g_param_spec_uint64 ("max-keyframe-interval-duration",
          "Max keyframe interval duration",
          "Maximum time between key frames in ns "
          "(MaxKeyFrameIntervalDuration; 0 = no limit)",
          0, G_MAXUINT64, DEFAULT_MAX_KEYFRAME_INTERVAL_DURATION, live);

  /**
   * GstVtcEnc:allow-frame-reordering:
   *
   * Allow B-frames (AllowFrameReordering). When the backend disables them
   * (e.g. for baseline), reading the property while encoding returns FALSE.
   */
  properties[PROP_ALLOW_FRAME_REORDERING]
      = g_param_spec_boolean ("allow-frame-reordering",
          "Allow frame reordering",
          "Allow B-frames (AllowFrameReordering); reads back the value in use "
          "while encoding",
          DEFAULT_ALLOW_FRAME_REORDERING, flags);

  /**
   * GstVtcEnc:realtime:
   *
   * Real-time encoding (RealTime): the encoder must keep up with the frame
   * rate, so it picks a faster preset (x264: veryfast instead of medium).
   * It does not by itself reduce the delay: with B-frames allowed the
   * encoder still looks ahead and holds frames (x264 veryfast: about 17).
   * For zero frame delay set allow-frame-reordering=false as well (or
   * max-frame-delay=0).
   */
  properties[PROP_REALTIME] = g_param_spec_boolean ("realtime", "Realtime",
      "Real-time encoding (RealTime): a faster preset; frames are still "
      "delayed (look-ahead, B-frames) unless allow-frame-reordering=false "
      "or max-frame-delay=0",
      DEFAULT_REALTIME, flags);

  /**
   * GstVtcEnc:max-frame-delay:
   *
   * Maximum number of frames the encoder may hold before it must output
   * one (MaxFrameDelayCount); -1 = unlimited. 0 gives one output per input.
   */
  properties[PROP_MAX_FRAME_DELAY]
      = g_param_spec_int ("max-frame-delay", "Max frame delay",
          "Maximum frames held inside the encoder (MaxFrameDelayCount; "
          "-1 = unlimited)",
          -1, G_MAXINT, DEFAULT_MAX_FRAME_DELAY, flags);

  /**
   * GstVtcEnc:encoder:
   *
   * Encoder backend: "auto" (hardware if available, else software),
   * "x264" (software), "vaapi" (hardware, VA-API), or an EncoderID from
   * VTCopyVideoEncoderList. Read-only encoder-id shows the one in use.
   */
  properties[PROP_ENCODER] = g_param_spec_string ("encoder", "Encoder",
      "Backend: auto, x264 (software), vaapi (hardware), or an EncoderID "
      "from VTCopyVideoEncoderList",
      DEFAULT_ENCODER, flags);

  /**
   * GstVtcEnc:entropy-mode:
   *
   * Entropy coding (H264EntropyMode). CABAC needs main or high profile.
   */
  properties[PROP_ENTROPY_MODE]
      = g_param_spec_enum ("entropy-mode", "Entropy mode",
          "Entropy coding (H264EntropyMode); cabac needs main "
          "or high profile",
          GST_TYPE_VTC_ENC_ENTROPY_MODE, DEFAULT_ENTROPY_MODE, flags);

  /**
   * GstVtcEnc:min-qp:
   *
   * Minimum frame QP (MinAllowedFrameQP); 0 = no limit.
   */
  properties[PROP_MIN_QP] = g_param_spec_uint ("min-qp", "Minimum QP",
      "Minimum frame QP (MinAllowedFrameQP; 0 = no limit)", 0, 51,
      DEFAULT_MIN_QP, flags);

  /**
   * GstVtcEnc:max-qp:
   *
   * Maximum frame QP (MaxAllowedFrameQP); 51 = no limit.
   */
  properties[PROP_MAX_QP] = g_param_spec_uint ("max-qp", "Maximum QP",
      "Maximum frame QP (MaxAllowedFrameQP; 51 = no limit)", 0, 51,
      DEFAULT_MAX_QP, flags);

  /**
   * GstVtcEnc:encoder-id:
   *
   * EncoderID of the encoder in use (NULL when not encoding).
   */
  properties[PROP_ENCODER_ID] = g_param_spec_string ("encoder-id", "Encoder ID",
      "EncoderID of the encoder in use (NULL when stopped)", NULL,
      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * GstVtcEnc:threads:
   *
   * Encoder worker threads (kVTCoreCompressionPropertyKey_ThreadCount, a
   * vtcore extension); 0 = automatic. As x264enc's threads. Hardware
   * encoders ignore it.
   */
  properties[PROP_THREADS] = g_param_spec_uint ("threads", "Threads",
      "Encoder worker threads (0 = automatic; vtcore.ThreadCount)", 0,
      VTC_MAX_THREADS, DEFAULT_THREADS, flags);

  /**
   * GstVtcEnc:speed-preset:
   *
   * x264 preset (kVTCoreCompressionPropertyKey_X264Preset), with x264enc's
   * names and values; auto = chosen by vtcore from realtime. The other
   * properties (bitrate, entropy-mode, allow-frame-reordering, ...) apply
   * on top of it. Hardware encoders ignore it.
   */
  properties[PROP_SPEED_PRESET] = g_param_spec_enum ("speed-preset",
      "Speed preset", "x264 preset (vtcore.X264Preset); auto = from realtime",
      GST_TYPE_VTC_ENC_SPEED_PRESET, DEFAULT_SPEED_PRESET, flags);

  /**
   * GstVtcEnc:tune:
   *
   * x264 tunings (kVTCoreCompressionPropertyKey_X264Tune), x264enc's flags:
   * stillimage, fastdecode, zerolatency (zero frame delay). Hardware
   * encoders ignore it.
   */
  properties[PROP_TUNE]
      = g_param_spec_flags ("tune", "Tune", "x264 tunings (vtcore.X264Tune)",
          GST_TYPE_VTC_ENC_TUNE, DEFAULT_TUNE, flags);

  g_object_class_install_properties (gobject_class, N_PROPERTIES, properties);

  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_add_static_pad_template (element_class, &src_template);
  gst_element_class_set_static_metadata (element_class,
      "VideoToolbox H.264 encoder (vtcore)", "Codec/Encoder/Video",
      "H.264 encoder over vtcore's VTCompressionSession "
      "(x264 or VA-API backend)",
      "vtcore developers");

  encoder_class->start = GST_DEBUG_FUNCPTR (gst_vtc_enc_start);
  encoder_class->stop = GST_DEBUG_FUNCPTR (gst_vtc_enc_stop);
  encoder_class->set_format = GST_DEBUG_FUNCPTR (gst_vtc_enc_set_format);
  encoder_class->handle_frame = GST_DEBUG_FUNCPTR (gst_vtc_enc_handle_frame);
  encoder_class->finish = GST_DEBUG_FUNCPTR (gst_vtc_enc_finish);
  encoder_class->flush = GST_DEBUG_FUNCPTR (gst_vtc_enc_flush);
  encoder_class->sink_query = GST_DEBUG_FUNCPTR (gst_vtc_enc_sink_query);

  gst_type_mark_as_plugin_api (GST_TYPE_VTC_ENC_RATE_CONTROL, 0);
  gst_type_mark_as_plugin_api (GST_TYPE_VTC_ENC_ENTROPY_MODE, 0);
  gst_type_mark_as_plugin_api (GST_TYPE_VTC_ENC_SPEED_PRESET, 0);
  gst_type_mark_as_plugin_api (GST_TYPE_VTC_ENC_TUNE, 0);
}

static void
gst_vtc_enc_h264_class_init (GstVtcEncH264Class *klass)
{
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);

  gst_element_class_set_static_metadata (element_class,
      "VideoToolbox H.264 encoder (vtcore, vtenc_h264 name)",
      "Codec/Encoder/Video",
      "vtenc under the name of macOS's encoder, so pipelines written for "
      "vtenc_h264 run unchanged",
      "vtcore developers");
}

static void
gst_vtc_enc_h264_init (GstVtcEncH264 *self)
{}

static void
gst_vtc_enc_init (GstVtcEnc *self)
{
  GstVtcEncSettings *s = &self->settings;

  s->bitrate = DEFAULT_BITRATE;
  s->rate_control = DEFAULT_RATE_CONTROL;
  s->data_rate_limits = g_strdup (DEFAULT_DATA_RATE_LIMITS);
  s->quality = DEFAULT_QUALITY;
  s->max_keyframe_interval = DEFAULT_MAX_KEYFRAME_INTERVAL;
  s->max_keyframe_interval_duration = DEFAULT_MAX_KEYFRAME_INTERVAL_DURATION;
  s->allow_frame_reordering = DEFAULT_ALLOW_FRAME_REORDERING;
  s->realtime = DEFAULT_REALTIME;
  s->max_frame_delay = DEFAULT_MAX_FRAME_DELAY;
  s->encoder = g_strdup (DEFAULT_ENCODER);
  s->entropy_mode = DEFAULT_ENTROPY_MODE;
  s->min_qp = DEFAULT_MIN_QP;
  s->max_qp = DEFAULT_MAX_QP;
  s->threads = DEFAULT_THREADS;
  s->speed_preset = DEFAULT_SPEED_PRESET;
  s->tune = DEFAULT_TUNE;

  g_mutex_init (&self->queue_lock);
  g_queue_init (&self->queue);
  g_queue_init (&self->early_drops);
  self->last_pts = GST_CLOCK_TIME_NONE;
}

static void
gst_vtc_enc_output_free (GstVtcEncOutput *out)
{
  if (out->sample)
    CFRelease (out->sample);
  g_free (out);
}

static void
gst_vtc_enc_clear_queue (GstVtcEnc *self)
{
  GstVtcEncOutput *out;

  g_mutex_lock (&self->queue_lock);
  while ((out = g_queue_pop_head (&self->queue)))
    gst_vtc_enc_output_free (out);
  g_mutex_unlock (&self->queue_lock);
}

/* Frames dropped before vtenc had output caps, released without output
 * (flush, stop: the base class forgets them itself). */
static void
gst_vtc_enc_clear_early_drops (GstVtcEnc *self)
{
  GstVideoCodecFrame *frame;

  while ((frame = g_queue_pop_head (&self->early_drops)))
    gst_video_codec_frame_unref (frame);
}

/* Releases @frame without output after a failure (bug H7 in
 * docs/hardening.md). Once vtenc has output caps, finish_frame without an
 * output buffer drops it: a QoS message, and the events that came with it
 * (stream-start, segment, tags) go downstream. Before the first output there
 * are no caps yet (they come from the encoder's SPS/PPS), and finish_frame
 * would post a second error ("Output state was not configured") and lose
 * those events, so the next stream would start without stream-start and
 * segment. GStreamer 1.26's gst_video_encoder_drop_frame keeps them for the
 * next frame; with older versions the frame waits in early_drops (its input
 * released) until the output caps exist, and is finished then, before the
 * first encoded frame. Called with the stream lock held. */
static GstFlowReturn
gst_vtc_enc_drop_frame (GstVtcEnc *self, GstVideoCodecFrame *frame)
{
  GstVideoEncoder *enc = GST_VIDEO_ENCODER (self);
  GstVideoCodecState *state = gst_video_encoder_get_output_state (enc);

  if (state) {
    gst_video_codec_state_unref (state);
    return gst_video_encoder_finish_frame (enc, frame);
  }
  GST_DEBUG_OBJECT (self, "dropping frame %u before the output caps",
      frame->system_frame_number);
#if GST_CHECK_VERSION(1, 26, 0)
  gst_video_encoder_drop_frame (enc, frame);
#else
  gst_clear_buffer (&frame->input_buffer);
  g_queue_push_tail (&self->early_drops, frame);
#endif
  return GST_FLOW_OK;
}

/* The output caps are set: finishes the frames dropped before (oldest
 * first, so their events go out in order). */
static void
gst_vtc_enc_finish_early_drops (GstVtcEnc *self)
{
  GstVideoCodecFrame *frame;

  while ((frame = g_queue_pop_head (&self->early_drops)))
    gst_video_encoder_finish_frame (GST_VIDEO_ENCODER (self), frame);
}

static void
gst_vtc_enc_finalize (GObject *object)
{
  GstVtcEnc *self = GST_VTC_ENC (object);

  g_free (self->settings.data_rate_limits);
  g_free (self->settings.encoder);
  g_free (self->encoder_id);
  g_free (self->level);
  gst_vtc_enc_clear_queue (self);
  gst_vtc_enc_clear_early_drops (self);
  g_mutex_clear (&self->queue_lock);

  G_OBJECT_CLASS (parent_class)->finalize (object);
}

static void
gst_vtc_enc_settings_copy (GstVtcEncSettings *dst, const GstVtcEncSettings *src)
{
  *dst = *src;
  dst->data_rate_limits = g_strdup (src->data_rate_limits);
  dst->encoder = g_strdup (src->encoder);
}

static void
gst_vtc_enc_settings_clear (GstVtcEncSettings *s)
{
  g_clear_pointer (&s->data_rate_limits, g_free);
  g_clear_pointer (&s->encoder, g_free);
}

/* "<kbit/s>,<seconds>" -> values; FALSE if malformed. */
static gboolean
parse_data_rate_limits (const gchar *str, guint *kbps, gdouble *seconds)
{
  gchar **parts;
  gchar *end = NULL;
  guint64 k;
  gdouble s;
  gboolean ok = FALSE;

  if (!str)
    return FALSE;
  parts = g_strsplit (str, ",", -1);
  if (g_strv_length (parts) != 2)
    goto out;
  k = g_ascii_strtoull (g_strstrip (parts[0]), &end, 10);
  if (end == parts[0] || *end != '\0' || k > VTC_MAX_BITRATE_KBPS)
    goto out;
  s = g_ascii_strtod (g_strstrip (parts[1]), &end);
  if (end == parts[1] || *end != '\0' || !(s >= 0.0) || s > 3600.0)
    goto out;
  *kbps = (guint) k;
  *seconds = s;
  ok = TRUE;
out:
  g_strfreev (parts);
  return ok;
}

static void
gst_vtc_enc_set_property (GObject *object, guint prop_id, const GValue *value,
    GParamSpec *pspec)
{
  GstVtcEnc *self = GST_VTC_ENC (object);
  GstVtcEncSettings *s = &self->settings;

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_BITRATE:
      s->bitrate = g_value_get_uint (value);
      break;
    case PROP_RATE_CONTROL:
      s->rate_control = g_value_get_enum (value);
      break;
    case PROP_DATA_RATE_LIMITS: {
      const gchar *str = g_value_get_string (value);
      guint kbps;
      gdouble secs;

      if (!str)
        str = DEFAULT_DATA_RATE_LIMITS;
      if (!parse_data_rate_limits (str, &kbps, &secs)) {
        GST_OBJECT_UNLOCK (self);
        GST_ELEMENT_WARNING (self, RESOURCE, SETTINGS,
            ("Invalid data-rate-limits \"%s\": expected "
             "\"<kbit/s>,<seconds>\", e.g. \"4000,1.0\"",
                str),
            ("value ignored"));
        return;
      }
      g_free (s->data_rate_limits);
      s->data_rate_limits = g_strdup (str);
      break;
    }
    case PROP_QUALITY:
      s->quality = g_value_get_double (value);
      break;
    case PROP_MAX_KEYFRAME_INTERVAL:
      s->max_keyframe_interval = g_value_get_int (value);
      break;
    case PROP_MAX_KEYFRAME_INTERVAL_DURATION:
      s->max_keyframe_interval_duration = g_value_get_uint64 (value);
      break;
    case PROP_ALLOW_FRAME_REORDERING:
      s->allow_frame_reordering = g_value_get_boolean (value);
      break;
    case PROP_REALTIME:
      s->realtime = g_value_get_boolean (value);
      break;
    case PROP_MAX_FRAME_DELAY:
      s->max_frame_delay = g_value_get_int (value);
      break;
    case PROP_ENCODER:
      g_free (s->encoder);
      s->encoder = g_value_dup_string (value);
      if (!s->encoder || !*s->encoder) {
        g_free (s->encoder);
        s->encoder = g_strdup (DEFAULT_ENCODER);
      }
      break;
    case PROP_ENTROPY_MODE:
      s->entropy_mode = g_value_get_enum (value);
      break;
    case PROP_MIN_QP:
      s->min_qp = g_value_get_uint (value);
      break;
    case PROP_MAX_QP:
      s->max_qp = g_value_get_uint (value);
      break;
    case PROP_THREADS:
      s->threads = g_value_get_uint (value);
      break;
    case PROP_SPEED_PRESET:
      s->speed_preset = g_value_get_enum (value);
      break;
    case PROP_TUNE:
      s->tune = g_value_get_flags (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      GST_OBJECT_UNLOCK (self);
      return;
  }
  if (self->running) {
    if (LIVE_PROPS & (1u << prop_id)) {
      self->dirty |= 1u << prop_id;
    } else {
      GST_WARNING_OBJECT (self,
          "%s changed while encoding: it applies from "
          "the next session (caps change, flush or restart)",
          g_param_spec_get_name (pspec));
    }
  }
  GST_OBJECT_UNLOCK (self);
}

static void
gst_vtc_enc_get_property (GObject *object, guint prop_id, GValue *value,
    GParamSpec *pspec)
{
  GstVtcEnc *self = GST_VTC_ENC (object);
  GstVtcEncSettings *s = &self->settings;

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_BITRATE:
      g_value_set_uint (value, s->bitrate);
      break;
    case PROP_RATE_CONTROL:
      g_value_set_enum (value, s->rate_control);
      break;
    case PROP_DATA_RATE_LIMITS:
      g_value_set_string (value, s->data_rate_limits);
      break;
    case PROP_QUALITY:
      g_value_set_double (value, s->quality);
      break;
    case PROP_MAX_KEYFRAME_INTERVAL:
      g_value_set_int (value, s->max_keyframe_interval);
      break;
    case PROP_MAX_KEYFRAME_INTERVAL_DURATION:
      g_value_set_uint64 (value, s->max_keyframe_interval_duration);
      break;
    case PROP_ALLOW_FRAME_REORDERING:
      g_value_set_boolean (value,
          self->running ? self->effective_reordering
                        : s->allow_frame_reordering);
      break;
    case PROP_REALTIME:
      g_value_set_boolean (value, s->realtime);
      break;
    case PROP_MAX_FRAME_DELAY:
      g_value_set_int (value, s->max_frame_delay);
      break;
    case PROP_ENCODER:
      g_value_set_string (value, s->encoder);
      break;
    case PROP_ENTROPY_MODE:
      g_value_set_enum (value, s->entropy_mode);
      break;
    case PROP_MIN_QP:
      g_value_set_uint (value, s->min_qp);
      break;
    case PROP_MAX_QP:
      g_value_set_uint (value, s->max_qp);
      break;
    case PROP_ENCODER_ID:
      g_value_set_string (value, self->encoder_id);
      break;
    case PROP_THREADS:
      g_value_set_uint (value, s->threads);
      break;
    case PROP_SPEED_PRESET:
      g_value_set_enum (value, s->speed_preset);
      break;
    case PROP_TUNE:
      g_value_set_flags (value, s->tune);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

/* ---------------------------------------------------------------------- */
/* Session setup                                                          */

#define post_error(self, domain, code, text, status, what)                     \
  GST_ELEMENT_ERROR (self, domain, code, text,                                 \
      ("%s failed: %s", what, vtcore_status_string (status)))

/* One element error per failure: the first failing call or frame posts it;
 * the other frames the same failure takes down (a session failing with
 * frames in flight reports each of them) are only logged. Re-armed by a new
 * session and by a frame encoded again. */
#define post_error_once(self, domain, code, text, status, what)                \
  G_STMT_START                                                                 \
  {                                                                            \
    if (!(self)->error_posted) {                                               \
      (self)->error_posted = TRUE;                                             \
      post_error (self, domain, code, text, status, what);                     \
    } else {                                                                   \
      GST_DEBUG_OBJECT (self, "%s failed again: %s", what,                     \
          vtcore_status_string (status));                                      \
    }                                                                          \
  }                                                                            \
  G_STMT_END

/* After these the session refuses every frame: it is recreated, without a
 * drain (every frame it held has had its callback). */
#define status_fails_session(status)                                           \
  ((status) == kVTVideoEncoderMalfunctionErr                                   \
      || (status) == kVTInvalidSessionErr)

static const gchar *
profile_to_string (GstVtcEncProfile profile)
{
  switch (profile) {
    case PROFILE_CONSTRAINED_BASELINE:
      return "constrained-baseline";
    case PROFILE_BASELINE:
      return "baseline";
    case PROFILE_MAIN:
      return "main";
    case PROFILE_HIGH:
      return "high";
    default:
      return "auto";
  }
}

static GstVtcEncProfile
profile_from_string (const gchar *str)
{
  if (!g_strcmp0 (str, "constrained-baseline"))
    return PROFILE_CONSTRAINED_BASELINE;
  if (!g_strcmp0 (str, "baseline"))
    return PROFILE_BASELINE;
  if (!g_strcmp0 (str, "main"))
    return PROFILE_MAIN;
  if (!g_strcmp0 (str, "high"))
    return PROFILE_HIGH;
  return PROFILE_AUTO;
}

/* Bits of the profiles a caps field allows (all when absent). */
static guint
profiles_in_structure (const GstStructure *s)
{
  const GValue *v = gst_structure_get_value (s, "profile");
  guint mask = 0;

  if (!v)
    return PROFILE_ALL;
  if (G_VALUE_HOLDS_STRING (v))
    return profile_from_string (g_value_get_string (v));
  if (GST_VALUE_HOLDS_LIST (v)) {
    for (guint i = 0; i < gst_value_list_get_size (v); i++) {
      const GValue *item = gst_value_list_get_value (v, i);
      if (G_VALUE_HOLDS_STRING (item))
        mask |= profile_from_string (g_value_get_string (item));
    }
  }
  return mask;
}

/* Decides stream-format, profile and level from what downstream accepts. */
static gboolean
gst_vtc_enc_negotiate_downstream (GstVtcEnc *self)
{
  GstPad *srcpad = GST_VIDEO_ENCODER_SRC_PAD (self);
  GstCaps *peer, *allowed;
  guint profiles = 0;
  gboolean avc = FALSE, byte_stream = FALSE;
  const gchar *level = NULL;
  gboolean level_fixed = TRUE;

  g_clear_pointer (&self->level, g_free);
  peer = gst_pad_peer_query_caps (srcpad, NULL);
  if (!peer || gst_caps_is_any (peer)) {
    /* Unlinked, or a sink that takes anything (filesink): Annex B is the
     * only H.264 stream that is usable without a container. */
    gst_clear_caps (&peer);
    self->byte_stream = TRUE;
    self->profile = PROFILE_AUTO;
    GST_DEBUG_OBJECT (self, "downstream accepts anything: byte-stream");
    return TRUE;
  }
  gst_caps_unref (peer);

  allowed = gst_pad_get_allowed_caps (srcpad);
  if (!allowed || gst_caps_is_empty (allowed)) {
    gst_clear_caps (&allowed);
    GST_ELEMENT_ERROR (self, CORE, NEGOTIATION,
        ("Downstream accepts no H.264 vtenc can produce"),
        ("vtenc produces stream-format avc/byte-stream, alignment au, "
         "profiles constrained-baseline, baseline, main, high"));
    return FALSE;
  }
  GST_DEBUG_OBJECT (self, "allowed downstream caps %" GST_PTR_FORMAT, allowed);

  for (guint i = 0; i < gst_caps_get_size (allowed); i++) {
    const GstStructure *s = gst_caps_get_structure (allowed, i);
    const GValue *sf = gst_structure_get_value (s, "stream-format");
    const gchar *l = gst_structure_get_string (s, "level");

    profiles |= profiles_in_structure (s);
    if (!sf) {
      avc = byte_stream = TRUE;
    } else if (G_VALUE_HOLDS_STRING (sf)) {
      if (!g_strcmp0 (g_value_get_string (sf), "avc"))
        avc = TRUE;
      else
        byte_stream = TRUE;
    } else if (GST_VALUE_HOLDS_LIST (sf)) {
      for (guint j = 0; j < gst_value_list_get_size (sf); j++) {
        const GValue *item = gst_value_list_get_value (sf, j);
        if (!g_strcmp0 (g_value_get_string (item), "avc"))
          avc = TRUE;
        else
          byte_stream = TRUE;
      }
    }
    if (!l || (level && g_strcmp0 (level, l)))
      level_fixed = FALSE;
    level = l;
  }

  self->byte_stream = !avc && byte_stream;
  if ((profiles & PROFILE_ALL) == PROFILE_ALL)
    self->profile = PROFILE_AUTO;
  else if (profiles & PROFILE_HIGH)
    self->profile = PROFILE_HIGH;
  else if (profiles & PROFILE_MAIN)
    self->profile = PROFILE_MAIN;
  else if (profiles & PROFILE_BASELINE)
    self->profile = PROFILE_BASELINE;
  else
    self->profile = PROFILE_CONSTRAINED_BASELINE;
  if (level_fixed && level)
    self->level = g_strdup (level);
  gst_caps_unref (allowed);

  GST_INFO_OBJECT (self, "stream-format %s, profile %s, level %s",
      self->byte_stream ? "byte-stream" : "avc",
      profile_to_string (self->profile), self->level ? self->level : "auto");
  return TRUE;
}

/* "H264_Main_3_1" for the negotiated profile/level; NULL for auto. */
static gchar *
gst_vtc_enc_profile_level_string (GstVtcEnc *self, gboolean auto_level)
{
  const gchar *p;
  gchar *level = NULL, *str;

  switch (self->profile) {
    case PROFILE_CONSTRAINED_BASELINE:
      /* VideoToolbox has this one only with AutoLevel. */
      return g_strdup ("H264_ConstrainedBaseline_AutoLevel");
    case PROFILE_BASELINE:
      p = "Baseline";
      break;
    case PROFILE_MAIN:
      p = "Main";
      break;
    case PROFILE_HIGH:
      p = "High";
      break;
    default:
      return NULL;
  }
  if (!auto_level && self->level) {
    gchar **parts = g_strsplit (self->level, ".", 2);
    if (parts[0] && g_ascii_isdigit (parts[0][0]) && !parts[0][1])
      level = g_strdup_printf ("%s_%s", parts[0], parts[1] ? parts[1] : "0");
    g_strfreev (parts);
  }
  str = g_strdup_printf ("H264_%s_%s", p, level ? level : "AutoLevel");
  g_free (level);
  return str;
}

/* Encoder specification for the `encoder` property; NULL for auto.
 * Returns FALSE (with an error posted) for an unknown backend name. */
static gboolean
gst_vtc_enc_encoder_spec (GstVtcEnc *self, const gchar *encoder,
    CFMutableDictionaryRef *spec_out)
{
  CFMutableDictionaryRef spec;
  CFArrayRef list = NULL;
  CFStringRef id = NULL;
  gboolean want_hw;

  *spec_out = NULL;
  if (!encoder || !g_ascii_strcasecmp (encoder, "auto"))
    return TRUE;

  spec = CFDictionaryCreateMutable (NULL, 0, &kCFTypeDictionaryKeyCallBacks,
      &kCFTypeDictionaryValueCallBacks);
  if (!spec)
    return FALSE;

  if (g_ascii_strcasecmp (encoder, "x264")
      && g_ascii_strcasecmp (encoder, "vaapi")) {
    /* An EncoderID given verbatim. */
    id = gst_vtc_cf_string (encoder);
    if (!id) {
      CFRelease (spec);
      return FALSE;
    }
    CFDictionarySetValue (spec, kVTVideoEncoderSpecification_EncoderID, id);
    CFRelease (id);
    *spec_out = spec;
    return TRUE;
  }

  /* x264 / vaapi: find the H.264 encoder of that backend in the list. */
  want_hw = !g_ascii_strcasecmp (encoder, "vaapi");
  if (VTCopyVideoEncoderList (NULL, &list) == noErr && list) {
    for (CFIndex i = 0; i < CFArrayGetCount (list) && !id; i++) {
      CFDictionaryRef e = CFArrayGetValueAtIndex (list, i);
      CFStringRef eid = CFDictionaryGetValue (e, kVTVideoEncoderList_EncoderID);
      CFNumberRef codec
          = CFDictionaryGetValue (e, kVTVideoEncoderList_CodecType);
      CFBooleanRef hw
          = CFDictionaryGetValue (e, kVTVideoEncoderList_IsHardwareAccelerated);
      gboolean is_hw = hw && CFBooleanGetValue (hw);
      int32_t type = 0;
      gchar *str = gst_vtc_cf_string_to_utf8 (eid);
      gchar *lower = str ? g_ascii_strdown (str, -1) : NULL;

      if (codec)
        CFNumberGetValue (codec, kCFNumberSInt32Type, &type);
      if ((CMVideoCodecType) type == kCMVideoCodecType_H264 && lower
          && (strstr (lower, want_hw ? "vaapi" : "x264") || is_hw == want_hw))
        id = CFRetain (eid);
      g_free (lower);
      g_free (str);
    }
    CFRelease (list);
  }
  if (id) {
    CFDictionarySetValue (spec, kVTVideoEncoderSpecification_EncoderID, id);
    CFRelease (id);
  } else if (want_hw) {
    CFDictionarySetValue (spec,
        kVTVideoEncoderSpecification_RequireHardwareAcceleratedVideoEncoder,
        kCFBooleanTrue);
  } else {
    CFDictionarySetValue (spec,
        kVTVideoEncoderSpecification_EnableHardwareAcceleratedVideoEncoder,
        kCFBooleanFalse);
  }
  *spec_out = spec;
  return TRUE;
}

/* Applies one property to the session. `creating` = the session is new (only
 * non-default values need setting). Returns the first failing status. */
static OSStatus
gst_vtc_enc_apply_property (GstVtcEnc *self, VTCompressionSessionRef session,
    const GstVtcEncSettings *s, guint prop_id, gboolean creating,
    const gchar **key_name)
{
  OSStatus status = noErr;

  switch (prop_id) {
    case PROP_BITRATE:
    case PROP_RATE_CONTROL:
      if (s->rate_control == GST_VTC_ENC_RATE_CONTROL_CBR) {
        *key_name = "ConstantBitRate";
        status = gst_vtc_session_set_int32 (session,
            kVTCompressionPropertyKey_ConstantBitRate,
            (gint32) s->bitrate * 1000);
        if (status == kVTPropertyNotSupportedErr) {
          /* CBR emulation: average plus a one-second hard cap. */
          CFNumberRef n[2] = { gst_vtc_cf_int64 ((gint64) s->bitrate * 125),
            gst_vtc_cf_double (1.0) };
          CFArrayRef limits = NULL;

          GST_INFO_OBJECT (self, "no ConstantBitRate: emulating CBR");
          if (n[0] && n[1])
            limits = CFArrayCreate (NULL, (const void **) n, 2,
                &kCFTypeArrayCallBacks);
          *key_name = "AverageBitRate";
          status = gst_vtc_session_set_int32 (session,
              kVTCompressionPropertyKey_AverageBitRate,
              (gint32) s->bitrate * 1000);
          if (status == noErr) {
            *key_name = "DataRateLimits";
            status = limits ? VTSessionSetProperty (session,
                         kVTCompressionPropertyKey_DataRateLimits, limits)
                            : kVTAllocationFailedErr;
          }
          if (limits)
            CFRelease (limits);
          for (guint i = 0; i < 2; i++)
            if (n[i])
              CFRelease (n[i]);
        }
      } else if (s->bitrate > 0 || !creating) {
        *key_name = "AverageBitRate";
        status = gst_vtc_session_set_int32 (session,
            kVTCompressionPropertyKey_AverageBitRate,
            (gint32) s->bitrate * 1000);
      }
      break;
    case PROP_DATA_RATE_LIMITS: {
      guint kbps = 0;
      gdouble secs = 0;

      if (s->rate_control == GST_VTC_ENC_RATE_CONTROL_CBR)
        break;
      *key_name = "DataRateLimits";
      parse_data_rate_limits (s->data_rate_limits, &kbps, &secs);
      if (kbps > 0 && secs > 0) {
        CFNumberRef n[2]
            = { gst_vtc_cf_int64 ((gint64) (kbps * 125.0 * secs + 0.5)),
                gst_vtc_cf_double (secs) };
        CFArrayRef limits = NULL;

        if (n[0] && n[1])
          limits = CFArrayCreate (NULL, (const void **) n, 2,
              &kCFTypeArrayCallBacks);
        status = limits ? VTSessionSetProperty (session,
                     kVTCompressionPropertyKey_DataRateLimits, limits)
                        : kVTAllocationFailedErr;
        if (limits)
          CFRelease (limits);
        for (guint i = 0; i < 2; i++)
          if (n[i])
            CFRelease (n[i]);
      } else if (!creating) {
        status = VTSessionSetProperty (session,
            kVTCompressionPropertyKey_DataRateLimits, NULL);
      }
      break;
    }
    case PROP_QUALITY:
      *key_name = "Quality";
      status = gst_vtc_session_set_double (session,
          kVTCompressionPropertyKey_Quality, s->quality);
      break;
    case PROP_MAX_KEYFRAME_INTERVAL:
      *key_name = "MaxKeyFrameInterval";
      if (s->max_keyframe_interval > 0 || !creating)
        status = gst_vtc_session_set_int32 (session,
            kVTCompressionPropertyKey_MaxKeyFrameInterval,
            s->max_keyframe_interval);
      break;
    case PROP_MAX_KEYFRAME_INTERVAL_DURATION:
      *key_name = "MaxKeyFrameIntervalDuration";
      if (s->max_keyframe_interval_duration > 0 || !creating)
        status = gst_vtc_session_set_double (session,
            kVTCompressionPropertyKey_MaxKeyFrameIntervalDuration,
            (gdouble) s->max_keyframe_interval_duration / GST_SECOND);
      break;
    case PROP_ALLOW_FRAME_REORDERING:
      *key_name = "AllowFrameReordering";
      status = gst_vtc_session_set_bool (session,
          kVTCompressionPropertyKey_AllowFrameReordering,
          s->allow_frame_reordering);
      break;
    case PROP_REALTIME:
      *key_name = "RealTime";
      status = gst_vtc_session_set_bool (session,
          kVTCompressionPropertyKey_RealTime, s->realtime);
      break;
    case PROP_MAX_FRAME_DELAY:
      *key_name = "MaxFrameDelayCount";
      if (s->max_frame_delay >= 0)
        status = gst_vtc_session_set_int32 (session,
            kVTCompressionPropertyKey_MaxFrameDelayCount, s->max_frame_delay);
      break;
    case PROP_ENTROPY_MODE:
      *key_name = "H264EntropyMode";
      if (s->entropy_mode != GST_VTC_ENC_ENTROPY_AUTO)
        status = VTSessionSetProperty (session,
            kVTCompressionPropertyKey_H264EntropyMode,
            s->entropy_mode == GST_VTC_ENC_ENTROPY_CABAC
                ? kVTH264EntropyMode_CABAC
                : kVTH264EntropyMode_CAVLC);
      break;
    case PROP_MIN_QP:
      *key_name = "MinAllowedFrameQP";
      if (s->min_qp > 0 || !creating)
        status = gst_vtc_session_set_int32 (session,
            kVTCompressionPropertyKey_MinAllowedFrameQP, s->min_qp);
      break;
    case PROP_MAX_QP:
      *key_name = "MaxAllowedFrameQP";
      if (s->max_qp < 51 || !creating)
        status = gst_vtc_session_set_int32 (session,
            kVTCompressionPropertyKey_MaxAllowedFrameQP, s->max_qp);
      break;
    case PROP_THREADS:
      *key_name = "vtcore.ThreadCount";
      if (s->threads > 0 || !creating)
        status = gst_vtc_session_set_int32 (session,
            kVTCoreCompressionPropertyKey_ThreadCount, (gint32) s->threads);
      break;
    case PROP_SPEED_PRESET:
      *key_name = "vtcore.X264Preset";
      if (s->speed_preset != GST_VTC_ENC_SPEED_PRESET_AUTO) {
        GEnumClass *klass = g_type_class_ref (GST_TYPE_VTC_ENC_SPEED_PRESET);
        GEnumValue *ev = g_enum_get_value (klass, s->speed_preset);
        CFStringRef str = ev ? gst_vtc_cf_string (ev->value_nick) : NULL;

        g_type_class_unref (klass);

        status = str ? VTSessionSetProperty (session,
                     kVTCoreCompressionPropertyKey_X264Preset, str)
                     : kVTAllocationFailedErr;
        if (str)
          CFRelease (str);
      } else if (!creating) {
        status = VTSessionSetProperty (session,
            kVTCoreCompressionPropertyKey_X264Preset, NULL);
      }
      break;
    case PROP_TUNE: {
      gchar *tune = gst_vtc_enc_tune_string (s->tune);

      *key_name = "vtcore.X264Tune";
      if (tune) {
        CFStringRef str = gst_vtc_cf_string (tune);

        status = str ? VTSessionSetProperty (session,
                     kVTCoreCompressionPropertyKey_X264Tune, str)
                     : kVTAllocationFailedErr;
        if (str)
          CFRelease (str);
      } else if (!creating) {
        status = VTSessionSetProperty (session,
            kVTCoreCompressionPropertyKey_X264Tune, NULL);
      }
      g_free (tune);
      break;
    }
    default:
      break;
  }
  return status;
}

/* Properties set when a session is created, in this order. */
static const guint session_props[] = {
  PROP_ALLOW_FRAME_REORDERING,
  PROP_REALTIME,
  PROP_ENTROPY_MODE,
  PROP_MAX_FRAME_DELAY,
  PROP_MAX_KEYFRAME_INTERVAL,
  PROP_MAX_KEYFRAME_INTERVAL_DURATION,
  PROP_QUALITY,
  PROP_RATE_CONTROL,
  PROP_DATA_RATE_LIMITS,
  PROP_MIN_QP,
  PROP_MAX_QP,
  PROP_THREADS,
  PROP_SPEED_PRESET,
  PROP_TUNE,
};

/* Colour, PAR and frame rate from the input caps -> session properties. */
static void
gst_vtc_enc_apply_format (GstVtcEnc *self, VTCompressionSessionRef session,
    const GstVideoInfo *info)
{
  const GstVideoColorimetry *c = &info->colorimetry;
  GstVideoColorMatrix matrix = c->matrix;
  CFStringRef str;
  OSStatus status;

  if (GST_VIDEO_INFO_FPS_N (info) > 0 && GST_VIDEO_INFO_FPS_D (info) > 0) {
    status = gst_vtc_session_set_double (session,
        kVTCompressionPropertyKey_ExpectedFrameRate,
        (gdouble) GST_VIDEO_INFO_FPS_N (info) / GST_VIDEO_INFO_FPS_D (info));
    if (status != noErr)
      GST_WARNING_OBJECT (self, "ExpectedFrameRate: %s",
          vtcore_status_string (status));
  }

  /* RGB input is converted to YUV by the session: use the matrix GStreamer
   * assumes by default for YUV of that size. */
  if (!GST_VIDEO_INFO_IS_YUV (info))
    matrix = GST_VIDEO_INFO_HEIGHT (info) >= 720 ? GST_VIDEO_COLOR_MATRIX_BT709
                                                 : GST_VIDEO_COLOR_MATRIX_BT601;
  if ((str = gst_vtc_matrix_to_cf (matrix))) {
    status = VTSessionSetProperty (session,
        kVTCompressionPropertyKey_YCbCrMatrix, str);
    if (status != noErr)
      GST_WARNING_OBJECT (self, "YCbCrMatrix: %s",
          vtcore_status_string (status));
  }
  if ((str = gst_vtc_color_primaries_to_cf (c->primaries))) {
    status = VTSessionSetProperty (session,
        kVTCompressionPropertyKey_ColorPrimaries, str);
    if (status != noErr)
      GST_WARNING_OBJECT (self, "ColorPrimaries: %s",
          vtcore_status_string (status));
  }
  if ((str = gst_vtc_transfer_to_cf (c->transfer))) {
    status = VTSessionSetProperty (session,
        kVTCompressionPropertyKey_TransferFunction, str);
    if (status != noErr)
      GST_WARNING_OBJECT (self, "TransferFunction: %s",
          vtcore_status_string (status));
  }
  if (GST_VIDEO_INFO_PAR_N (info) > 0 && GST_VIDEO_INFO_PAR_D (info) > 0
      && GST_VIDEO_INFO_PAR_N (info) != GST_VIDEO_INFO_PAR_D (info)) {
    CFDictionaryRef par = gst_vtc_cf_par (GST_VIDEO_INFO_PAR_N (info),
        GST_VIDEO_INFO_PAR_D (info));

    status = par ? VTSessionSetProperty (session,
                 kVTCompressionPropertyKey_PixelAspectRatio, par)
                 : kVTAllocationFailedErr;
    if (par)
      CFRelease (par);
    if (status != noErr)
      GST_WARNING_OBJECT (self, "PixelAspectRatio: %s",
          vtcore_status_string (status));
  }
}

static void gst_vtc_enc_output_callback (void *refcon, void *frame_refcon,
    OSStatus status, VTEncodeInfoFlags flags, CMSampleBufferRef sample);

static void
gst_vtc_enc_update_latency (GstVtcEnc *self, guint frames)
{
  const GstVideoInfo *info = &self->input_state->info;
  gint fps_n = GST_VIDEO_INFO_FPS_N (info), fps_d = GST_VIDEO_INFO_FPS_D (info);
  GstClockTime latency;

  if (fps_n <= 0 || fps_d <= 0) {
    fps_n = 25;
    fps_d = 1;
  }
  self->latency_frames = frames;
  latency = gst_util_uint64_scale (frames, fps_d * GST_SECOND, fps_n);
  GST_INFO_OBJECT (self, "latency %u frames = %" GST_TIME_FORMAT, frames,
      GST_TIME_ARGS (latency));
  gst_video_encoder_set_latency (GST_VIDEO_ENCODER (self), latency, latency);
}

static gboolean
gst_vtc_enc_create_session (GstVtcEnc *self)
{
  const GstVideoInfo *info = &self->input_state->info;
  GstVtcEncSettings s;
  CFMutableDictionaryRef spec = NULL, attrs = NULL;
  CFNumberRef num;
  VTCompressionSessionRef session = NULL;
  OSType fourcc = gst_vtc_video_info_to_fourcc (info);
  gchar *profile_level;
  OSStatus status;
  gint64 delay = -1;
  gboolean reordering;
  CFStringRef encoder_id = NULL;

  GST_OBJECT_LOCK (self);
  gst_vtc_enc_settings_copy (&s, &self->settings);
  self->dirty = 0;
  GST_OBJECT_UNLOCK (self);

  if (s.rate_control == GST_VTC_ENC_RATE_CONTROL_CBR && s.bitrate == 0) {
    GST_ELEMENT_ERROR (self, LIBRARY, SETTINGS,
        ("rate-control=cbr needs a bitrate"),
        ("set bitrate to the constant rate in kbit/s"));
    goto fail;
  }
  if (s.min_qp > s.max_qp) {
    GST_ELEMENT_ERROR (self, LIBRARY, SETTINGS,
        ("min-qp (%u) is larger than max-qp (%u)", s.min_qp, s.max_qp), (NULL));
    goto fail;
  }
  if (!gst_vtc_enc_encoder_spec (self, s.encoder, &spec))
    goto fail;

  attrs = CFDictionaryCreateMutable (NULL, 0, &kCFTypeDictionaryKeyCallBacks,
      &kCFTypeDictionaryValueCallBacks);
  if (!attrs)
    goto fail;
  if ((num = gst_vtc_cf_int32 ((gint32) fourcc))) {
    CFDictionarySetValue (attrs, kCVPixelBufferPixelFormatTypeKey, num);
    CFRelease (num);
  }
  if ((num = gst_vtc_cf_int32 (GST_VIDEO_INFO_WIDTH (info)))) {
    CFDictionarySetValue (attrs, kCVPixelBufferWidthKey, num);
    CFRelease (num);
  }
  if ((num = gst_vtc_cf_int32 (GST_VIDEO_INFO_HEIGHT (info)))) {
    CFDictionarySetValue (attrs, kCVPixelBufferHeightKey, num);
    CFRelease (num);
  }

  status = VTCompressionSessionCreate (NULL, GST_VIDEO_INFO_WIDTH (info),
      GST_VIDEO_INFO_HEIGHT (info), kCMVideoCodecType_H264, spec, attrs, NULL,
      gst_vtc_enc_output_callback, self, &session);
  if (status != noErr) {
    GST_ELEMENT_ERROR (self, LIBRARY, INIT,
        ("Could not create an H.264 encoder (encoder=%s) for %dx%d %s",
            s.encoder, GST_VIDEO_INFO_WIDTH (info),
            GST_VIDEO_INFO_HEIGHT (info),
            gst_video_format_to_string (GST_VIDEO_INFO_FORMAT (info))),
        ("VTCompressionSessionCreate failed: %s",
            vtcore_status_string (status)));
    goto fail;
  }

  profile_level = gst_vtc_enc_profile_level_string (self, FALSE);
  if (profile_level) {
    CFStringRef pl = gst_vtc_cf_string (profile_level);

    status = pl ? VTSessionSetProperty (session,
                 kVTCompressionPropertyKey_ProfileLevel, pl)
                : kVTAllocationFailedErr;
    if (pl)
      CFRelease (pl);
    if (status != noErr && self->level) {
      /* A level VideoToolbox has no constant for (1b, 6.x, ...). */
      GST_WARNING_OBJECT (self, "ProfileLevel %s: %s; using AutoLevel",
          profile_level, vtcore_status_string (status));
      g_free (profile_level);
      profile_level = gst_vtc_enc_profile_level_string (self, TRUE);
      pl = gst_vtc_cf_string (profile_level);
      status = pl ? VTSessionSetProperty (session,
                   kVTCompressionPropertyKey_ProfileLevel, pl)
                  : kVTAllocationFailedErr;
      if (pl)
        CFRelease (pl);
    }
    if (status != noErr) {
      GST_ELEMENT_ERROR (self, LIBRARY, SETTINGS,
          ("The encoder does not support profile %s",
              profile_to_string (self->profile)),
          ("VTSessionSetProperty(ProfileLevel=%s) failed: %s", profile_level,
              vtcore_status_string (status)));
      g_free (profile_level);
      goto fail;
    }
    GST_DEBUG_OBJECT (self, "ProfileLevel %s", profile_level);
    g_free (profile_level);
  }

  gst_vtc_enc_apply_format (self, session, info);

  for (guint i = 0; i < G_N_ELEMENTS (session_props); i++) {
    const gchar *key = "?";

    status = gst_vtc_enc_apply_property (self, session, &s, session_props[i],
        TRUE, &key);
    if (status == kVTPropertyNotSupportedErr) {
      GST_ELEMENT_WARNING (self, LIBRARY, SETTINGS,
          ("The encoder ignores property %s",
              g_param_spec_get_name (properties[session_props[i]])),
          ("VTSessionSetProperty(%s) failed: %s", key,
              vtcore_status_string (status)));
    } else if (status != noErr) {
      GST_ELEMENT_ERROR (self, LIBRARY, SETTINGS,
          ("Invalid value for property %s",
              g_param_spec_get_name (properties[session_props[i]])),
          ("VTSessionSetProperty(%s) failed: %s", key,
              vtcore_status_string (status)));
      goto fail;
    }
  }

  status = VTCompressionSessionPrepareToEncodeFrames (session);
  if (status != noErr) {
    post_error (self, LIBRARY, INIT, ("Could not prepare the encoder"), status,
        "VTCompressionSessionPrepareToEncodeFrames");
    goto fail;
  }

  /* Effective values. */
  if (!gst_vtc_session_get_bool (session,
          kVTCompressionPropertyKey_AllowFrameReordering, &reordering))
    reordering = s.allow_frame_reordering;
  if (!gst_vtc_session_get_int64 (session,
          kVTCompressionPropertyKey_MaxFrameDelayCount, &delay))
    delay = -1;
  VTSessionCopyProperty (session, kVTCompressionPropertyKey_EncoderID, NULL,
      &encoder_id);

  GST_OBJECT_LOCK (self);
  g_free (self->encoder_id);
  self->encoder_id = gst_vtc_cf_string_to_utf8 (encoder_id);
  self->running = TRUE;
  self->effective_reordering = reordering;
  if (reordering != self->settings.allow_frame_reordering) {
    /* e.g. no B-frames in baseline: reads back while encoding, the
     * requested value stays for the next session. */
    GST_INFO_OBJECT (self, "encoder uses allow-frame-reordering=%d",
        reordering);
    GST_OBJECT_UNLOCK (self);
    g_object_notify_by_pspec (G_OBJECT (self),
        properties[PROP_ALLOW_FRAME_REORDERING]);
  } else {
    GST_OBJECT_UNLOCK (self);
  }
  if (encoder_id)
    CFRelease (encoder_id);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ENCODER_ID]);

  self->session = session;
  self->last_pts = GST_CLOCK_TIME_NONE;
  self->frames_in = self->frames_out = 0;
  self->restart = FALSE;
  self->error_posted = FALSE;
  self->session_failed = FALSE;

  /* Latency: the frames the encoder may hold. With no explicit delay bound
   * start from what realtime / B-frames imply; it grows (and is re-posted)
   * when more frames are seen pending. */
  if (delay >= 0)
    gst_vtc_enc_update_latency (self, (guint) delay);
  else if ((s.tune & GST_VTC_ENC_TUNE_ZEROLATENCY) && self->encoder_id
      && strstr (self->encoder_id, "x264"))
    gst_vtc_enc_update_latency (self, 0); /* x264's zerolatency tune */
  else
    gst_vtc_enc_update_latency (self, reordering ? 3 : (s.realtime ? 0 : 1));

  if (spec)
    CFRelease (spec);
  CFRelease (attrs);
  gst_vtc_enc_settings_clear (&s);
  return TRUE;

fail:
  if (session) {
    VTCompressionSessionInvalidate (session);
    CFRelease (session);
  }
  if (spec)
    CFRelease (spec);
  if (attrs)
    CFRelease (attrs);
  gst_vtc_enc_settings_clear (&s);
  gst_vtc_enc_clear_queue (self);
  return FALSE;
}

/* Live property changes, applied on the streaming thread between frames. */
static void
gst_vtc_enc_apply_dirty (GstVtcEnc *self)
{
  GstVtcEncSettings s;
  guint dirty;

  GST_OBJECT_LOCK (self);
  dirty = self->dirty;
  self->dirty = 0;
  if (dirty)
    gst_vtc_enc_settings_copy (&s, &self->settings);
  GST_OBJECT_UNLOCK (self);
  if (!dirty)
    return;

  for (guint prop = 1; prop < N_PROPERTIES; prop++) {
    const gchar *key = "?";
    OSStatus status;

    if (!(dirty & (1u << prop)))
      continue;
    status = gst_vtc_enc_apply_property (self, self->session, &s, prop, FALSE,
        &key);
    if (status != noErr) {
      GST_ELEMENT_WARNING (self, LIBRARY, SETTINGS,
          ("Could not change %s while encoding",
              g_param_spec_get_name (properties[prop])),
          ("VTSessionSetProperty(%s) failed: %s", key,
              vtcore_status_string (status)));
    } else {
      GST_INFO_OBJECT (self, "applied %s (%s) without drain",
          g_param_spec_get_name (properties[prop]), key);
    }
  }
  gst_vtc_enc_settings_clear (&s);
}

/* ---------------------------------------------------------------------- */
/* Output                                                                 */

static void
gst_vtc_enc_output_callback (void *refcon, void *frame_refcon, OSStatus status,
    VTEncodeInfoFlags flags, CMSampleBufferRef sample)
{
  GstVtcEnc *self = refcon;
  GstVtcEncOutput *out = g_new0 (GstVtcEncOutput, 1);

  out->frame_number = GPOINTER_TO_UINT (frame_refcon);
  out->status = status;
  out->flags = flags;
  out->sample = sample ? (CMSampleBufferRef) CFRetain (sample) : NULL;

  g_mutex_lock (&self->queue_lock);
  g_queue_push_tail (&self->queue, out);
  g_mutex_unlock (&self->queue_lock);
}

static GstClockTime
cmtime_to_clock_time (CMTime t)
{
  if (!CMTIME_IS_NUMERIC (t) || t.timescale <= 0 || t.value < 0)
    return GST_CLOCK_TIME_NONE;
  if (t.timescale == VTC_TIMESCALE)
    return (GstClockTime) t.value;
  return gst_util_uint64_scale_int ((guint64) t.value, GST_SECOND, t.timescale);
}

static const guint8 start_code[4] = { 0, 0, 0, 1 };

static guint32
read_nal_length (const guint8 *p, gint size)
{
  guint32 len = 0;

  for (gint i = 0; i < size; i++)
    len = (len << 8) | p[i];
  return len;
}

/* Walks length-prefixed NAL units; returns FALSE if they do not tile the
 * data exactly. `types` collects 1 << nal_unit_type. */
static gboolean
scan_nals (const guint8 *data, gsize size, gint nal_len, guint *n_nals,
    gsize *payload, guint32 *types)
{
  gsize pos = 0;

  *n_nals = 0;
  *payload = 0;
  *types = 0;
  while (pos < size) {
    guint32 len;

    if (size - pos < (gsize) nal_len)
      return FALSE;
    len = read_nal_length (data + pos, nal_len);
    pos += nal_len;
    if (len == 0 || len > size - pos)
      return FALSE;
    *types |= 1u << (data[pos] & 0x1f);
    *payload += len;
    (*n_nals)++;
    pos += len;
  }
  return TRUE;
}

static void
release_sample (gpointer sample)
{
  CFRelease (sample);
}

static GstBuffer *
build_avcc_from_parameter_sets (CMFormatDescriptionRef fmt, gint nal_len)
{
  const uint8_t *sps[32], *pps[256];
  size_t sps_size[32], pps_size[256];
  size_t count = 0;
  guint n_sps = 0, n_pps = 0;
  GstByteWriter bw;

  if (CMVideoFormatDescriptionGetH264ParameterSetAtIndex (fmt, 0, NULL, NULL,
          &count, NULL)
      != noErr)
    return NULL;
  for (size_t i = 0; i < count; i++) {
    const uint8_t *ps = NULL;
    size_t size = 0;

    if (CMVideoFormatDescriptionGetH264ParameterSetAtIndex (fmt, i, &ps, &size,
            NULL, NULL)
            != noErr
        || size < 4)
      continue;
    if ((ps[0] & 0x1f) == 7 && n_sps < G_N_ELEMENTS (sps)) {
      sps[n_sps] = ps;
      sps_size[n_sps++] = size;
    } else if ((ps[0] & 0x1f) == 8 && n_pps < G_N_ELEMENTS (pps)) {
      pps[n_pps] = ps;
      pps_size[n_pps++] = size;
    }
  }
  if (n_sps == 0 || n_pps == 0)
    return NULL;

  gst_byte_writer_init (&bw);
  gst_byte_writer_put_uint8 (&bw, 1);
  gst_byte_writer_put_uint8 (&bw, sps[0][1]);
  gst_byte_writer_put_uint8 (&bw, sps[0][2]);
  gst_byte_writer_put_uint8 (&bw, sps[0][3]);
  gst_byte_writer_put_uint8 (&bw, 0xfc | (nal_len - 1));
  gst_byte_writer_put_uint8 (&bw, 0xe0 | n_sps);
  for (guint i = 0; i < n_sps; i++) {
    gst_byte_writer_put_uint8 (&bw, (guint8) (sps_size[i] >> 8));
    gst_byte_writer_put_uint8 (&bw, (guint8) sps_size[i]);
    gst_byte_writer_put_data (&bw, sps[i], sps_size[i]);
  }
  gst_byte_writer_put_uint8 (&bw, n_pps);
  for (guint i = 0; i < n_pps; i++) {
    gst_byte_writer_put_uint8 (&bw, (guint8) (pps_size[i] >> 8));
    gst_byte_writer_put_uint8 (&bw, (guint8) pps_size[i]);
    gst_byte_writer_put_data (&bw, pps[i], pps_size[i]);
  }
  return gst_byte_writer_reset_and_get_buffer (&bw);
}

/* When downstream does not accept the profile the SPS announces but does
 * accept a superset of it, name the superset in the caps, as x264enc does:
 * a constrained-baseline stream is also a valid baseline, main and high
 * stream, a main stream a valid high stream. */
static void
gst_vtc_enc_fixup_profile (GstVtcEnc *self, GstCaps *caps)
{
  static const gchar *from_cb[]
      = { "constrained-baseline", "baseline", "main", "high", NULL };
  static const gchar *from_main[] = { "main", "high", NULL };
  GstStructure *s = gst_caps_get_structure (caps, 0);
  const gchar *profile = gst_structure_get_string (s, "profile");
  const gchar *const *candidates;
  GstCaps *allowed;

  if (!profile)
    return;
  if (!strcmp (profile, "constrained-baseline"))
    candidates = from_cb;
  else if (!strcmp (profile, "main"))
    candidates = from_main;
  else
    return;
  allowed = gst_pad_get_allowed_caps (GST_VIDEO_ENCODER_SRC_PAD (self));
  if (!allowed)
    return;
  for (guint i = 0; candidates[i]; i++) {
    GstCaps *try = gst_caps_new_simple ("video/x-h264", "profile",
        G_TYPE_STRING, candidates[i], NULL);
    gboolean ok = gst_caps_can_intersect (try, allowed);

    gst_caps_unref (try);
    if (ok) {
      if (i > 0)
        GST_INFO_OBJECT (self,
            "announcing profile %s for a %s stream "
            "(downstream does not accept %s)",
            candidates[i], candidates[0], candidates[0]);
      gst_structure_set (s, "profile", G_TYPE_STRING, candidates[i], NULL);
      break;
    }
  }
  gst_caps_unref (allowed);
}

/* Sets output caps when the format description (SPS/PPS) changed. */
static GstFlowReturn
gst_vtc_enc_update_output_format (GstVtcEnc *self, CMFormatDescriptionRef fmt)
{
  GstVideoEncoder *enc = GST_VIDEO_ENCODER (self);
  CFDictionaryRef atoms;
  CFDataRef avcc_data = NULL;
  GstBuffer *avcc = NULL;
  GstCaps *caps;
  GstVideoCodecState *state;
  size_t count = 0;
  int nal_len = 4;
  GstByteWriter bw, avc_bw;
  const uint8_t *sps = NULL;
  size_t sps_size = 0;
  GstMapInfo map;
  gboolean same = FALSE;

  if (CMVideoFormatDescriptionGetH264ParameterSetAtIndex (fmt, 0, NULL, NULL,
          &count, &nal_len)
          != noErr
      || count == 0) {
    GST_ELEMENT_ERROR (self, STREAM, ENCODE, ("Encoder output has no SPS/PPS"),
        ("CMVideoFormatDescriptionGetH264ParameterSetAtIndex failed"));
    return GST_FLOW_ERROR;
  }
  if (nal_len != 1 && nal_len != 2 && nal_len != 4)
    nal_len = 4;

  atoms = CMFormatDescriptionGetExtension (fmt,
      kCMFormatDescriptionExtension_SampleDescriptionExtensionAtoms);
  if (atoms && CFGetTypeID (atoms) == CFDictionaryGetTypeID ())
    avcc_data = CFDictionaryGetValue (atoms, CFSTR ("avcC"));
  if (avcc_data && CFGetTypeID (avcc_data) == CFDataGetTypeID ()
      && CFDataGetLength (avcc_data) >= 7)
    avcc = gst_buffer_new_memdup (CFDataGetBytePtr (avcc_data),
        CFDataGetLength (avcc_data));
  else
    avcc = build_avcc_from_parameter_sets (fmt, nal_len);
  if (!avcc) {
    GST_ELEMENT_ERROR (self, STREAM, ENCODE, ("Encoder output has no avcC"),
        (NULL));
    return GST_FLOW_ERROR;
  }

  if (self->codec_data
      && gst_buffer_get_size (avcc) == gst_buffer_get_size (self->codec_data)) {
    gst_buffer_map (avcc, &map, GST_MAP_READ);
    same = gst_buffer_memcmp (self->codec_data, 0, map.data, map.size) == 0;
    gst_buffer_unmap (avcc, &map);
  }
  if (same) {
    gst_buffer_unref (avcc);
    return GST_FLOW_OK;
  }

  /* Parameter sets in Annex B (byte-stream IDRs) and length-prefixed (avc
   * IDRs of an all-headers force-key-unit). */
  gst_byte_writer_init (&bw);
  gst_byte_writer_init (&avc_bw);
  for (size_t i = 0; i < count; i++) {
    const uint8_t *ps = NULL;
    size_t size = 0;
    guint8 len[4];

    if (CMVideoFormatDescriptionGetH264ParameterSetAtIndex (fmt, i, &ps, &size,
            NULL, NULL)
            != noErr
        || !ps || size == 0)
      continue;
    if ((ps[0] & 0x1f) == 7 && !sps) {
      sps = ps;
      sps_size = size;
    }
    gst_byte_writer_put_data (&bw, start_code, 4);
    gst_byte_writer_put_data (&bw, ps, size);
    for (gint b = 0; b < nal_len; b++)
      len[b] = (guint8) (size >> (8 * (nal_len - 1 - b)));
    gst_byte_writer_put_data (&avc_bw, len, nal_len);
    gst_byte_writer_put_data (&avc_bw, ps, size);
  }
  gst_clear_buffer (&self->headers);
  self->headers = gst_byte_writer_reset_and_get_buffer (&bw);
  gst_clear_buffer (&self->avc_headers);
  self->avc_headers = gst_byte_writer_reset_and_get_buffer (&avc_bw);
  self->nal_length_size = nal_len;
  gst_buffer_replace (&self->codec_data, avcc);

  caps = gst_caps_new_simple ("video/x-h264", "stream-format", G_TYPE_STRING,
      self->byte_stream ? "byte-stream" : "avc", "alignment", G_TYPE_STRING,
      "au", NULL);
  if (!self->byte_stream)
    gst_caps_set_simple (caps, "codec_data", GST_TYPE_BUFFER, avcc, NULL);
  if (sps && sps_size >= 4)
    gst_codec_utils_h264_caps_set_level_and_profile (caps, sps + 1,
        sps_size - 1);
  gst_buffer_unref (avcc);
  gst_vtc_enc_fixup_profile (self, caps);

  GST_INFO_OBJECT (self, "output caps %" GST_PTR_FORMAT, caps);
  state = gst_video_encoder_set_output_state (enc, caps, self->input_state);
  gst_video_codec_state_unref (state);
  if (!gst_video_encoder_negotiate (enc)) {
    GST_ELEMENT_ERROR (self, CORE, NEGOTIATION,
        ("Downstream refused the encoded stream's caps"),
        ("profile/level or stream-format not accepted"));
    gst_clear_buffer (&self->codec_data);
    return GST_FLOW_NOT_NEGOTIATED;
  }
  return GST_FLOW_OK;
}

/* The output buffer for @sample: AVC as it is (zero copy when contiguous),
 * or converted to Annex B. Parameter sets go in front of IDRs in
 * byte-stream, and in avc when @want_headers (all-headers key unit). */
static GstBuffer *
gst_vtc_enc_make_buffer (GstVtcEnc *self, CMSampleBufferRef sample,
    gboolean want_headers, gboolean *is_idr)
{
  CMBlockBufferRef block = CMSampleBufferGetDataBuffer (sample);
  size_t total = block ? CMBlockBufferGetDataLength (block) : 0;
  size_t contiguous = 0;
  char *ptr = NULL;
  guint8 *copy = NULL;
  const guint8 *data;
  guint n_nals;
  gsize payload;
  guint32 types;
  GstBuffer *buf;
  gint nal_len = self->nal_length_size ? self->nal_length_size : 4;

  *is_idr = FALSE;
  if (total == 0)
    return NULL;
  if (CMBlockBufferGetDataPointer (block, 0, &contiguous, NULL, &ptr) != noErr
      || contiguous < total) {
    copy = g_malloc (total);
    if (CMBlockBufferCopyDataBytes (block, 0, total, copy) != noErr) {
      g_free (copy);
      return NULL;
    }
    data = copy;
  } else {
    data = (const guint8 *) ptr;
  }

  if (!scan_nals (data, total, nal_len, &n_nals, &payload, &types)) {
    GST_WARNING_OBJECT (self, "malformed length-prefixed access unit");
    g_free (copy);
    return NULL;
  }
  *is_idr = (types & (1u << 5)) != 0;

  if (!self->byte_stream) {
    if (copy)
      buf = gst_buffer_new_wrapped (copy, total);
    else /* Zero copy: the GstBuffer keeps the sample alive. */
      buf = gst_buffer_new_wrapped_full (GST_MEMORY_FLAG_READONLY, ptr, total,
          0, total, (gpointer) CFRetain (sample), release_sample);
    if (want_headers && *is_idr && !(types & (1u << 7)) && self->avc_headers)
      buf = gst_buffer_append (gst_buffer_copy (self->avc_headers), buf);
    return buf;
  } else {
    gboolean add_headers = *is_idr && !(types & (1u << 7)) && self->headers;
    gsize hdr = add_headers ? gst_buffer_get_size (self->headers) : 0;
    gsize out_size = hdr + payload + 4 * n_nals;
    GstMapInfo map;
    gsize pos = 0, o = 0;

    buf = gst_buffer_new_allocate (NULL, out_size, NULL);
    gst_buffer_map (buf, &map, GST_MAP_WRITE);
    if (add_headers)
      gst_buffer_extract (self->headers, 0, map.data, hdr);
    o = hdr;
    while (pos < total) {
      guint32 len = read_nal_length (data + pos, nal_len);

      pos += nal_len;
      memcpy (map.data + o, start_code, 4);
      memcpy (map.data + o + 4, data + pos, len);
      o += 4 + len;
      pos += len;
    }
    gst_buffer_unmap (buf, &map);
    g_free (copy);
    return buf;
  }
}

static gboolean
sample_is_sync (CMSampleBufferRef sample)
{
  CFArrayRef attachments
      = CMSampleBufferGetSampleAttachmentsArray (sample, FALSE);
  CFDictionaryRef dict;
  CFBooleanRef not_sync;

  if (!attachments || CFArrayGetCount (attachments) == 0)
    return FALSE;
  dict = CFArrayGetValueAtIndex (attachments, 0);
  not_sync = CFDictionaryGetValue (dict, kCMSampleAttachmentKey_NotSync);
  return !not_sync || !CFBooleanGetValue (not_sync);
}

static GstFlowReturn
gst_vtc_enc_process_output (GstVtcEnc *self, GstVtcEncOutput *out)
{
  GstVideoEncoder *enc = GST_VIDEO_ENCODER (self);
  GstVideoCodecFrame *frame;
  CMFormatDescriptionRef fmt;
  GstFlowReturn ret;
  gboolean is_idr = FALSE;
  GstClockTime dts;

  frame = gst_video_encoder_get_frame (enc, out->frame_number);
  if (!frame) {
    GST_WARNING_OBJECT (self, "output for unknown frame %u", out->frame_number);
    return GST_FLOW_OK;
  }
  self->frames_out++;

  if (out->status != noErr) {
    gchar what[64];

    g_snprintf (what, sizeof (what), "encoding frame %u", out->frame_number);
    post_error_once (self, STREAM, ENCODE, ("Encoding failed"), out->status,
        what);
    if (status_fails_session (out->status))
      self->session_failed = TRUE;
    gst_vtc_enc_drop_frame (self, frame);
    return GST_FLOW_ERROR;
  }
  if (!out->sample || (out->flags & kVTEncodeInfo_FrameDropped)) {
    GST_DEBUG_OBJECT (self, "encoder dropped frame %u", out->frame_number);
    return gst_vtc_enc_drop_frame (self, frame);
  }

  fmt = CMSampleBufferGetFormatDescription (out->sample);
  if (!fmt) {
    GST_ELEMENT_ERROR (self, STREAM, ENCODE, ("Encoder output has no format"),
        (NULL));
    gst_vtc_enc_drop_frame (self, frame);
    return GST_FLOW_ERROR;
  }
  ret = gst_vtc_enc_update_output_format (self, fmt);
  if (ret != GST_FLOW_OK) {
    gst_vtc_enc_drop_frame (self, frame);
    return ret;
  }
  gst_vtc_enc_finish_early_drops (self);

  frame->output_buffer = gst_vtc_enc_make_buffer (self, out->sample,
      GST_VIDEO_CODEC_FRAME_IS_FORCE_KEYFRAME_HEADERS (frame), &is_idr);
  if (!frame->output_buffer) {
    GST_ELEMENT_ERROR (self, STREAM, ENCODE, ("Invalid encoder output"),
        ("frame %u: empty or malformed access unit", out->frame_number));
    gst_vtc_enc_drop_frame (self, frame);
    return GST_FLOW_ERROR;
  }
  self->error_posted = FALSE; /* encoding again: the next failure is new */
  if (is_idr || sample_is_sync (out->sample))
    GST_VIDEO_CODEC_FRAME_SET_SYNC_POINT (frame);
  else
    GST_VIDEO_CODEC_FRAME_UNSET_SYNC_POINT (frame);

  dts = cmtime_to_clock_time (CMSampleBufferGetDecodeTimeStamp (out->sample));
  frame->dts = GST_CLOCK_TIME_IS_VALID (dts) ? dts : frame->pts;

  GST_LOG_OBJECT (self,
      "frame %u: %" G_GSIZE_FORMAT " bytes, pts %" GST_TIME_FORMAT
      " dts %" GST_TIME_FORMAT "%s",
      out->frame_number, gst_buffer_get_size (frame->output_buffer),
      GST_TIME_ARGS (frame->pts), GST_TIME_ARGS (frame->dts),
      is_idr ? " IDR" : "");
  return gst_video_encoder_finish_frame (enc, frame);
}

/* Finishes every queued output. Called with the stream lock held. */
static GstFlowReturn
gst_vtc_enc_push_outputs (GstVtcEnc *self)
{
  GstFlowReturn ret = GST_FLOW_OK;
  GstVtcEncOutput *out;

  for (;;) {
    GstFlowReturn r;

    g_mutex_lock (&self->queue_lock);
    out = g_queue_pop_head (&self->queue);
    g_mutex_unlock (&self->queue_lock);
    if (!out)
      break;
    r = gst_vtc_enc_process_output (self, out);
    gst_vtc_enc_output_free (out);
    if (r != GST_FLOW_OK && ret == GST_FLOW_OK)
      ret = r;
  }

  /* More frames inside the encoder than the latency we announced: raise it
   * in doubling steps so a deep look-ahead does not cause one latency
   * message per frame. */
  if (self->session
      && self->frames_in - self->frames_out > self->latency_frames) {
    guint pending = (guint) (self->frames_in - self->frames_out);

    gst_vtc_enc_update_latency (self,
        MAX (pending, MIN (2 * self->latency_frames, 1024)));
  }
  return ret;
}

/* Encodes everything pending and pushes it. */
static GstFlowReturn
gst_vtc_enc_drain (GstVtcEnc *self)
{
  OSStatus status;
  GstFlowReturn ret;

  if (!self->session || self->session_failed)
    return gst_vtc_enc_push_outputs (self);
  status = VTCompressionSessionCompleteFrames (self->session, kCMTimeInvalid);
  if (status != noErr) {
    /* reported before the failed frames' own callbacks, which name it too */
    post_error_once (self, STREAM, ENCODE, ("Could not drain the encoder"),
        status, "VTCompressionSessionCompleteFrames");
    if (status_fails_session (status))
      self->session_failed = TRUE;
  }
  ret = gst_vtc_enc_push_outputs (self);
  return status != noErr ? GST_FLOW_ERROR : ret;
}

static void
gst_vtc_enc_destroy_session (GstVtcEnc *self)
{
  if (self->session) {
    VTCompressionSessionInvalidate (self->session);
    CFRelease (self->session);
    self->session = NULL;
  }
  /* Outputs vtcore may have delivered while invalidating are dropped; their
   * frames are released by the caller (flush) or were drained before. */
  gst_vtc_enc_clear_queue (self);
  GST_OBJECT_LOCK (self);
  self->running = FALSE;
  self->dirty = 0;
  GST_OBJECT_UNLOCK (self);
}

/* ---------------------------------------------------------------------- */
/* GstVideoEncoder vfuncs                                                 */

static gboolean
gst_vtc_enc_start (GstVideoEncoder *enc)
{
  GstVtcEnc *self = GST_VTC_ENC (enc);

  /* Leave room for DTS < PTS with B-frames. */
  gst_video_encoder_set_min_pts (enc, GST_SECOND * 60 * 60 * 1000);
  self->restart = FALSE;
  return TRUE;
}

static gboolean
gst_vtc_enc_stop (GstVideoEncoder *enc)
{
  GstVtcEnc *self = GST_VTC_ENC (enc);

  gst_vtc_enc_destroy_session (self);
  gst_vtc_enc_clear_early_drops (self);
  g_clear_pointer (&self->input_state, gst_video_codec_state_unref);
  gst_clear_buffer (&self->codec_data);
  gst_clear_buffer (&self->headers);
  gst_clear_buffer (&self->avc_headers);
  GST_OBJECT_LOCK (self);
  g_clear_pointer (&self->encoder_id, g_free);
  GST_OBJECT_UNLOCK (self);
  return TRUE;
}

/* Interlaced caps are refused at accept-caps time, i.e. when negotiating,
 * not at the first buffer: progressive caps usually have no interlace-mode
 * field, so the template cannot say "progressive only" itself. */
static gboolean
gst_vtc_enc_sink_query (GstVideoEncoder *enc, GstQuery *query)
{
  gboolean ret
      = GST_VIDEO_ENCODER_CLASS (parent_class)->sink_query (enc, query);

  if (ret && GST_QUERY_TYPE (query) == GST_QUERY_ACCEPT_CAPS) {
    GstCaps *caps;
    gboolean accepted;

    gst_query_parse_accept_caps (query, &caps);
    gst_query_parse_accept_caps_result (query, &accepted);
    for (guint i = 0; accepted && i < gst_caps_get_size (caps); i++) {
      const gchar *mode
          = gst_structure_get_string (gst_caps_get_structure (caps, i),
              "interlace-mode");
      if (mode && strcmp (mode, "progressive")) {
        GST_INFO_OBJECT (enc, "refusing interlace-mode=%s", mode);
        gst_query_set_accept_caps_result (query, FALSE);
        accepted = FALSE;
      }
    }
  }
  return ret;
}

static gboolean
gst_vtc_enc_set_format (GstVideoEncoder *enc, GstVideoCodecState *state)
{
  GstVtcEnc *self = GST_VTC_ENC (enc);

  GST_DEBUG_OBJECT (self, "input caps %" GST_PTR_FORMAT, state->caps);

  if (gst_vtc_video_info_to_fourcc (&state->info) == 0) {
    GST_ELEMENT_ERROR (self, CORE, NEGOTIATION,
        ("Unsupported input format %s",
            gst_video_format_to_string (GST_VIDEO_INFO_FORMAT (&state->info))),
        (NULL));
    return FALSE;
  }
  if (GST_VIDEO_INFO_INTERLACE_MODE (&state->info)
      != GST_VIDEO_INTERLACE_MODE_PROGRESSIVE) {
    GST_ELEMENT_ERROR (self, CORE, NEGOTIATION,
        ("Interlaced input is not supported"), (NULL));
    return FALSE;
  }

  /* A new format: finish the old stream, then start a new session (new
   * SPS/PPS, new codec_data). */
  if (self->session) {
    GST_INFO_OBJECT (self, "caps changed: draining and restarting");
    gst_vtc_enc_drain (self);
    gst_vtc_enc_destroy_session (self);
  }
  /* H.264 4:2:0 crops only in steps of two pixels: an odd size cannot be
   * encoded exactly and VTCompressionSessionCreate refuses it, so refuse the
   * caps here, at negotiation (after the previous stream was drained, so
   * every frame accepted so far is still output). */
  if ((GST_VIDEO_INFO_WIDTH (&state->info) & 1)
      || (GST_VIDEO_INFO_HEIGHT (&state->info) & 1)) {
    GST_ELEMENT_ERROR (self, CORE, NEGOTIATION,
        ("Odd frame size %dx%d is not supported: H.264 4:2:0 needs an even "
         "width and height",
            GST_VIDEO_INFO_WIDTH (&state->info),
            GST_VIDEO_INFO_HEIGHT (&state->info)),
        ("scale or crop to an even size upstream (e.g. videoconvertscale, "
         "videocrop)"));
    return FALSE;
  }
  if (self->input_state)
    gst_video_codec_state_unref (self->input_state);
  self->input_state = gst_video_codec_state_ref (state);
  gst_clear_buffer (&self->codec_data);

  if (!gst_vtc_enc_negotiate_downstream (self))
    return FALSE;
  return gst_vtc_enc_create_session (self);
}

/* Replaces frame->input_buffer with an empty buffer carrying its metadata
 * (timestamps, flags, metas: what finish_frame still uses); on failure the
 * frame keeps its buffer. */
static void
gst_vtc_enc_drop_input_pixels (GstVideoCodecFrame *frame)
{
  GstBuffer *meta_only;

  if (!frame->input_buffer)
    return;
  meta_only = gst_buffer_new ();
  if (gst_buffer_copy_into (meta_only, frame->input_buffer,
          GST_BUFFER_COPY_METADATA, 0, -1))
    gst_buffer_replace (&frame->input_buffer, meta_only);
  gst_buffer_unref (meta_only);
}

static GstFlowReturn
gst_vtc_enc_handle_frame (GstVideoEncoder *enc, GstVideoCodecFrame *frame)
{
  GstVtcEnc *self = GST_VTC_ENC (enc);
  GstVideoFrame *vframe;
  CVPixelBufferRef pb;
  CFDictionaryRef options = NULL;
  VTEncodeInfoFlags info_flags = 0;
  OSStatus status;
  GstClockTime pts = frame->pts;
  CMTime cm_pts, cm_dur;
  GstFlowReturn ret;

  if (!self->input_state) {
    gst_vtc_enc_drop_frame (self, frame);
    return GST_FLOW_NOT_NEGOTIATED;
  }

  /* Timestamps must increase strictly within a session. */
  if (!GST_CLOCK_TIME_IS_VALID (pts))
    pts = GST_CLOCK_TIME_IS_VALID (self->last_pts) ? self->last_pts + 1 : 0;
  if (self->session && GST_CLOCK_TIME_IS_VALID (self->last_pts)
      && pts <= self->last_pts) {
    GST_INFO_OBJECT (self, "timestamps went back: new session");
    self->restart = TRUE;
  }
  if (self->restart || !self->session) {
    if (self->session) {
      /* (a failed session's frames are all reported: no drain) */
      ret = gst_vtc_enc_drain (self);
      gst_vtc_enc_destroy_session (self);
      if (ret != GST_FLOW_OK && !self->session_failed) {
        gst_vtc_enc_drop_frame (self, frame);
        return ret;
      }
    }
    if (!gst_vtc_enc_create_session (self)) {
      gst_vtc_enc_drop_frame (self, frame);
      return GST_FLOW_ERROR;
    }
  }
  gst_vtc_enc_apply_dirty (self);

  vframe = g_new0 (GstVideoFrame, 1);
  if (!gst_video_frame_map (vframe, &self->input_state->info,
          frame->input_buffer, GST_MAP_READ)) {
    g_free (vframe);
    GST_ELEMENT_ERROR (self, STREAM, FORMAT, ("Could not map input frame"),
        ("buffer does not match the negotiated caps"));
    gst_vtc_enc_drop_frame (self, frame);
    return GST_FLOW_ERROR;
  }
  pb = gst_vtc_pixel_buffer_wrap_frame (vframe, TRUE, TRUE, &status);
  if (!pb) {
    post_error (self, STREAM, ENCODE, ("Could not wrap input frame"), status,
        "CVPixelBufferCreateWithPlanarBytes");
    gst_vtc_enc_drop_frame (self, frame);
    return GST_FLOW_ERROR;
  }

  if (GST_VIDEO_CODEC_FRAME_IS_FORCE_KEYFRAME (frame)) {
    const void *keys[] = { kVTEncodeFrameOptionKey_ForceKeyFrame };
    const void *values[] = { kCFBooleanTrue };

    GST_DEBUG_OBJECT (self, "forcing a key frame at frame %u",
        frame->system_frame_number);
    options = CFDictionaryCreate (NULL, keys, values, 1,
        &kCFTypeDictionaryKeyCallBacks, &kCFTypeDictionaryValueCallBacks);
  }

  cm_pts = CMTimeMake ((int64_t) pts, VTC_TIMESCALE);
  cm_dur = GST_CLOCK_TIME_IS_VALID (frame->duration)
      ? CMTimeMake ((int64_t) frame->duration, VTC_TIMESCALE)
      : kCMTimeInvalid;
  self->last_pts = pts;
  self->frames_in++;

  status = VTCompressionSessionEncodeFrame (self->session, pb, cm_pts, cm_dur,
      options, GUINT_TO_POINTER (frame->system_frame_number), &info_flags);
  CVPixelBufferRelease (pb);
  if (options)
    CFRelease (options);

  if (status != noErr) {
    self->frames_in--;
    post_error_once (self, STREAM, ENCODE, ("Encoding failed"), status,
        "VTCompressionSessionEncodeFrame");
    gst_vtc_enc_drop_frame (self, frame);
    if (status_fails_session (status))
      self->session_failed = TRUE;
    /* The frames the failure took with it (their callbacks are queued) are
     * released now; a failed session is replaced at the next frame. */
    gst_vtc_enc_push_outputs (self);
    if (self->session_failed) {
      gst_vtc_enc_destroy_session (self);
      self->restart = TRUE;
    }
    return GST_FLOW_ERROR;
  }
  /* vtcore now holds what it still needs (the mapped frame through the
   * pixel buffer, or its own converted copy): keep only the metadata on the
   * codec frame, so it does not pin the pixels through the encoder delay. */
  gst_vtc_enc_drop_input_pixels (frame);
  gst_video_codec_frame_unref (frame);

  return gst_vtc_enc_push_outputs (self);
}

static GstFlowReturn
gst_vtc_enc_finish (GstVideoEncoder *enc)
{
  GstVtcEnc *self = GST_VTC_ENC (enc);

  GST_DEBUG_OBJECT (self, "draining on EOS");
  return gst_vtc_enc_drain (self);
}

static gboolean
gst_vtc_enc_flush (GstVideoEncoder *enc)
{
  GstVtcEnc *self = GST_VTC_ENC (enc);

  /* Pending frames are discarded (the base class releases them); the next
   * frame starts a new session, so timestamps may start over. */
  GST_DEBUG_OBJECT (self, "flush");
  if (self->session) {
    gst_vtc_enc_destroy_session (self);
    self->restart = TRUE;
  }
  gst_vtc_enc_clear_queue (self);
  gst_vtc_enc_clear_early_drops (self);
  return TRUE;
}
