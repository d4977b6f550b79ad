/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * The x264 software H.264 backend. This is the ONLY file that includes
 * <x264.h>; x264 is GPL-2.0-or-later, so a vtcore built with it is GPL.
 *
 * How the VideoToolbox knobs map to x264 (all in map_config()):
 *
 *  preset   RealTime=true -> "veryfast", otherwise "medium".
 *           PrioritizeEncodingSpeedOverQuality=true -> "superfast" (realtime) /
 *           "veryfast"; =false with RealTime -> "faster".
 *           MaximizePowerEfficiency=true -> one step faster (never "ultrafast",
 *           which would silently drop CABAC and the 8x8 transform).
 *           kVTCoreCompressionPropertyKey_X264Preset (a vtcore extension)
 *           replaces this choice with the client's x264 preset name.
 *  tune     "zerolatency" (no lookahead, no B-frames, sliced threads, CFR rate
 *           control, i.e. zero frame delay) when EnableLowLatencyRateControl,
 *           MaxFrameDelayCount=0, or RealTime=true with
 *           AllowFrameReordering=false. A positive MaxFrameDelayCount M trims
 *           lookahead, B-frames and threading until x264's delay is <= M.
 *           kVTCoreCompressionPropertyKey_X264Tune: the client's tune list,
 *           given to x264_param_default_preset with the preset ("zerolatency"
 *           is appended when the properties above ask for zero delay; a list
 *           naming zerolatency counts as such a request: CFR input, 1 s VBV
 *           buffer). The VideoToolbox properties are then applied on top, as
 *           without it.
 *           Preset and tune are not live: a change after the first frame
 *           drains the encoder and opens a new instance.
 *  threads  kVTCoreCompressionPropertyKey_ThreadCount (0 = x264's automatic
 *           count): i_threads; not live either.
 *  rate     ConstantBitRate      -> ABR + VBV (maxrate = rate, 1 s buffer) + filler.
 *           AverageBitRate       -> ABR with VBV maxrate = the bitrate (the only
 *                                   mode in which x264 can change the bitrate
 *                                   live), buffer 2 s of data (1 s low-delay)
 *                                   or from DataRateLimits.
 *           Quality (no bitrate) -> CRF, see quality_to_crf(); with
 *                                   DataRateLimits -> CRF + VBV.
 *           Quality = 1.0        -> lossless (QP 0, High 4:4:4 Predictive,
 *                                   profile_idc 244) when no profile was asked
 *                                   for and there are no DataRateLimits;
 *                                   otherwise CRF 1.
 *           nothing              -> CRF 23 (x264's default).
 *           DataRateLimits: each [bytes, seconds] pair becomes a VBV whose worst
 *           window of that duration stays within the bytes (limits_to_vbv());
 *           the average rate is clamped to it.
 *  GOP      x264's own keyint is infinite and scene-cut detection is off;
 *           vtcore forces key frames itself from MaxKeyFrameInterval (frames,
 *           display order), MaxKeyFrameIntervalDuration (pts distance) and
 *           ForceKeyFrame, so these can change live and the positions are
 *           exact. Key frames are IDRs; with AllowOpenGOP=true (and B-frames)
 *           the periodic ones are recovery-point I frames instead (forced ones
 *           stay IDR). AllowTemporalCompression=false -> every frame IDR.
 *  MaxFrameDelayCount, ReferenceBufferCount (i_frame_reference),
 *           Min/MaxAllowedFrameQP (i_qp_min/max), MaxH264SliceBytes
 *           (i_slice_max_size), SourceFrameCount (i_frame_total),
 *           MoreFramesBefore/AfterEnd (b_stitchable), threads.
 *  live     reconfigure(): bitrates, DataRateLimits, Quality (CRF),
 *           ExpectedFrameRate and the key frame limits, through
 *           x264_encoder_reconfig without draining; before the first frame
 *           and after a flush any change (the instance is recreated, or kept
 *           when the new configuration maps to the same x264 parameters, as
 *           after PrepareToEncodeFrames when the first frame brings another
 *           timescale, its pixel format or its colour tags).
 *  timing   Constant frame rate input (b_vfr_input=0: rate control counts
 *           frames at the frame rate, time base 1/fps, as x264enc and
 *           ffmpeg) when ExpectedFrameRate is set or for zero delay;
 *           otherwise the timestamps drive it (one frame more of delay).
 *  profile  Baseline/ConstrainedBaseline -> x264 "baseline" (66, set0+set1);
 *           Extended -> baseline-compatible stream labelled profile_idc 88
 *           (set0+set1+set2); Main -> "main" (77); High -> "high" with the 8x8
 *           transform on (100); ConstrainedHigh -> High without B-frames,
 *           constraint_set4+5. Levels go to i_level_idc.
 *  VUI      colour code points, full range (property, else from the pixel
 *           format), SAR. Odd sizes are encoded one pixel larger (the last
 *           column/row repeated) because 4:2:0 cropping works in 2-pixel
 *           units; the SPS then crops to that even size.
 *  passes   Multi-pass (VTEncoderConfig.multipass, only with AverageBitRate):
 *           ANALYSIS writes x264's statistics (psz_stat_out, plus the
 *           ".mbtree" file) with the full settings (not x264's fast first
 *           pass: its output is a complete stream in the profile asked for,
 *           and its bit model matches the final pass, which then lands on the
 *           rate); FINAL reads them (psz_stat_in) with x264's rate tolerance
 *           at 0.1 (default 1). Both use plain ABR at the average rate, with a
 *           VBV only from DataRateLimits (the 1-pass ABR's VBV at the average
 *           rate would forbid the redistribution of bits the second pass
 *           exists for). x264 writes "<path>.temp" and renames it when the
 *           instance closes, so an old instance is closed before a multi-pass
 *           one opens, and an instance reopened after frames went through (a
 *           flush in the middle of a pass) encodes as a single pass: its
 *           statistics would not line up with the other pass.
 *  totals   SourceFrameCount (or ExpectedDuration x frame rate) ->
 *           i_frame_total (not in a FINAL pass: x264 takes the count from the
 *           statistics); MoreFramesBeforeStart/AfterEnd -> b_stitchable.
 *  output   b_annexb=0 gives 4-byte big-endian NAL lengths (AVCC);
 *           b_repeat_headers=0 keeps SPS/PPS out of band (x264_encoder_headers).
 *           The SPS VUI timing is rewritten to the nominal frame rate
 *           (ExpectedFrameRate, else the first frame's duration, else 30).
 */
#include "config.h"

#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <x264.h>

#include "encoder/backend.h"
#include "encoder/h264.h"
#include "log.h"
#include "mem.h"

/* ------------------------------------------------------------------ */
/* Types                                                               */

typedef struct X264Slot {
    struct X264Slot *prev, *next;
    void *opaque;
    int64_t pts;
    int64_t duration;
    int64_t index; /* display (input) order */
} X264Slot;

typedef enum X264RcKind {
    RC_CRF = 0,
    RC_CRF_VBV,
    RC_ABR,
    RC_CBR,
    RC_LOSSLESS,
} X264RcKind;

/* Values derived once at open (or reopen) that the mapping needs. */
typedef struct X264Timing {
    uint32_t fps_num, fps_den;
    double fps;
} X264Timing;

typedef struct X264Ctx {
    VTEncoderConfig cfg;
    VTEncoderCallbacks cb;
    x264_t *enc;
    X264Timing timing;
    Boolean fps_guessed;
    Boolean cfr; /* b_vfr_input == 0: rate control counts frames, not time */
    Boolean low_delay;
    Boolean open_gop;
    X264RcKind rc_kind;
    int enc_width, enc_height; /* even */

    /* padded copy for odd sizes */
    uint8_t *pad[3];
    int pad_stride[3];
    int pad_width, pad_height;

    /* frames accepted but not emitted, in input order (circular, sentinel) */
    X264Slot inflight;
    X264Slot *free_slots;
    int inflight_count;

    /* keyframe placement and timestamps */
    int64_t next_index;
    int64_t last_key_index;
    int64_t last_key_pts;
    Boolean have_key;
    Boolean force_next_idr;
    Boolean have_last_pts;
    int64_t last_pts;
    Boolean have_last_dts;
    int64_t last_dts;
    Boolean submitted;    /* a frame went into the current x264 instance */
    Boolean fed;          /* a frame went into any instance of this context */
    Boolean needs_reopen; /* after flush: x264's lookahead has been shut down */
    Boolean failed;
    x264_param_t open_params; /* what map_config gave for the current instance */

    /* parameter sets: current (attached to outputs) and pending */
    uint8_t *sps, *pps;
    size_t sps_size, pps_size;
    uint8_t *next_sps, *next_pps;
    size_t next_sps_size, next_pps_size;
    Boolean params_pending;
    Boolean announce_params; /* the next output reports parameter_sets_changed */

    uint8_t *scratch;
    size_t scratch_cap;
} X264Ctx;

/* ------------------------------------------------------------------ */
/* Logging                                                             */

static int x264_to_vt_level(int level) {
    switch (level) {
    case X264_LOG_ERROR:
        return VTCORE_LOG_ERROR;
    case X264_LOG_WARNING:
        return VTCORE_LOG_WARNING;
    case X264_LOG_INFO:
        return VTCORE_LOG_INFO;
    default:
        return VTCORE_LOG_DEBUG;
    }
}

static void x264_log_cb(void *priv, int level, const char *fmt, va_list ap) {
    (void)priv;
    int vl = x264_to_vt_level(level);
    if (!vt_log_enabled(vl))
        return;
    char buf[512];
    vsnprintf(buf, sizeof(buf), fmt, ap);
    size_t n = strlen(buf);
    while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
        buf[--n] = '\0';
    vt_log(vl, "x264: %s", buf);
}

static int x264_log_level_now(void) {
    if (vt_log_enabled(VTCORE_LOG_DEBUG))
        return X264_LOG_DEBUG;
    if (vt_log_enabled(VTCORE_LOG_INFO))
        return X264_LOG_INFO;
    if (vt_log_enabled(VTCORE_LOG_WARNING))
        return X264_LOG_WARNING;
    return X264_LOG_ERROR;
}

/* ------------------------------------------------------------------ */
/* Configuration mapping                                               */

/* Quality (0..1) -> CRF, piecewise linear between these points. 0.5 (VT's
 * "normal") gives 25, 0.57 x264's default 23, 0.75 ("high") 18. 1.0 itself
 * is lossless (see map_config) or CRF 1. */
/* clang-format off */
static const struct { double q, crf; } crf_points[] = {
    { 0.00, 51.0 },
    { 0.25, 32.0 },
    { 0.50, 25.0 },
    { 0.75, 18.0 },
    { 0.90, 12.0 },
    { 1.00,  1.0 },
};
/* clang-format on */

static float quality_to_crf(double q) {
    const size_t n = sizeof(crf_points) / sizeof(crf_points[0]);
    if (q <= crf_points[0].q)
        return (float)crf_points[0].crf;
    for (size_t i = 1; i < n; i++) {
        if (q <= crf_points[i].q) {
            double t = (q - crf_points[i - 1].q) / (crf_points[i].q - crf_points[i - 1].q);
            return (float)(crf_points[i - 1].crf + t * (crf_points[i].crf - crf_points[i - 1].crf));
        }
    }
    return (float)crf_points[n - 1].crf;
}

/* x264 presets from fastest to slowest (x264_preset_names order). */
enum { PRESET_SUPERFAST = 1, PRESET_VERYFAST = 2, PRESET_FASTER = 3, PRESET_MEDIUM = 5 };

static int choose_preset(const VTEncoderConfig *cfg) {
    int idx;
    if (cfg->realtime == 1)
        idx = cfg->prioritize_speed == 1   ? PRESET_SUPERFAST
              : cfg->prioritize_speed == 0 ? PRESET_FASTER
                                           : PRESET_VERYFAST;
    else
        idx = cfg->prioritize_speed == 1 ? PRESET_VERYFAST : PRESET_MEDIUM;
    if (cfg->maximize_power_efficiency == 1 && idx > PRESET_SUPERFAST)
        idx--;
    return idx;
}

/* ---- client-chosen preset and tune (vtcore extension keys) ---- */

static Boolean name_in_list(const char *name, size_t len, const char *const *list) {
    for (; *list; list++) {
        if (strlen(*list) == len && memcmp(*list, name, len) == 0)
            return TRUE;
    }
    return FALSE;
}

Boolean vt_x264_preset_is_valid(const char *name) {
    return name && name[0] && strlen(name) < VT_X264_PRESET_MAX &&
           name_in_list(name, strlen(name), x264_preset_names);
}

Boolean vt_x264_tune_is_valid(const char *tune) {
    if (!tune || !tune[0] || strlen(tune) >= VT_X264_TUNE_MAX)
        return FALSE;
    /* names of x264_tune_names separated by single commas; at most one of
     * the psy tunes (x264 itself only warns and ignores the second one) */
    static const char *const psy[] = {"film", "animation", "grain", "stillimage",
                                      "psnr", "ssim",      NULL};
    int n_psy = 0;
    for (const char *t = tune;;) {
        const char *end = strchr(t, ',');
        size_t len = end ? (size_t)(end - t) : strlen(t);
        if (len == 0 || !name_in_list(t, len, x264_tune_names))
            return FALSE;
        if (name_in_list(t, len, psy) && ++n_psy > 1)
            return FALSE;
        if (!end)
            break;
        t = end + 1;
    }
    x264_param_t p;
    return x264_param_default_preset(&p, "medium", tune) == 0;
}

static Boolean config_low_delay(const VTEncoderConfig *cfg);

/* The preset: the client's (X264Preset), else the one the VideoToolbox
 * properties select. */
static const char *config_preset(const VTEncoderConfig *cfg) {
    return cfg->x264_preset[0] ? cfg->x264_preset : x264_preset_names[choose_preset(cfg)];
}

static Boolean tune_has(const char *tune, const char *name) {
    size_t n = strlen(name);
    for (const char *t = tune; t && *t;) {
        const char *end = strchr(t, ',');
        size_t len = end ? (size_t)(end - t) : strlen(t);
        if (len == n && memcmp(t, name, n) == 0)
            return TRUE;
        t = end ? end + 1 : NULL;
    }
    return FALSE;
}

/* The tune list: the client's (X264Tune), plus "zerolatency" when the
 * VideoToolbox properties ask for zero delay. Written to buf; NULL = none. */
static const char *config_tune(const VTEncoderConfig *cfg, char *buf, size_t size) {
    Boolean zl = config_low_delay(cfg) && !tune_has(cfg->x264_tune, "zerolatency");
    if (!cfg->x264_tune[0])
        return zl ? "zerolatency" : NULL;
    snprintf(buf, size, "%s%s", cfg->x264_tune, zl ? ",zerolatency" : "");
    return buf;
}

/* Zero frame delay: asked for through the VideoToolbox properties, or by
 * the client's tune list naming zerolatency. */
static Boolean config_low_delay(const VTEncoderConfig *cfg) {
    return cfg->low_latency_rate_control || cfg->max_frame_delay_count == 0 ||
           (cfg->realtime == 1 && !cfg->allow_frame_reordering) ||
           tune_has(cfg->x264_tune, "zerolatency");
}

static Boolean profile_is_baseline_family(VTH264Profile p) {
    return p == VT_H264_PROFILE_BASELINE || p == VT_H264_PROFILE_CONSTRAINED_BASELINE ||
           p == VT_H264_PROFILE_EXTENDED;
}

static Boolean format_is_full_range(uint32_t fourcc) {
    return fourcc == VT_ENC_FORMAT_I420_FR || fourcc == VT_ENC_FORMAT_NV12_FR;
}

static X264RcKind config_rc_kind(const VTEncoderConfig *cfg) {
    if (cfg->constant_bit_rate > 0)
        return RC_CBR;
    if (cfg->average_bit_rate > 0)
        return RC_ABR;
    if (cfg->quality >= 1.0 && cfg->profile == VT_H264_PROFILE_AUTO &&
        cfg->data_rate_limit_count == 0)
        return RC_LOSSLESS;
    return cfg->data_rate_limit_count ? RC_CRF_VBV : RC_CRF;
}

/* kbit/s, at least 1 */
static int to_kbit(double bits) {
    double k = floor(bits / 1000.0 + 0.5);
    if (k < 1.0)
        k = 1.0;
    if (k > (double)INT_MAX)
        k = (double)INT_MAX;
    return (int)k;
}

/* DataRateLimits -> VBV. A window of `seconds` holds at most n = seconds*fps+1
 * frames, and a VBV (rate R, buffer B) lets such a window carry at most
 * B + R*n/fps bits. Splitting each limit's budget M = 8*bytes as B = M/4 and
 * R*n/fps = 3M/4 keeps every window within the limit; with two limits the
 * smaller rate and the smaller buffer satisfy both. */
static void limits_to_vbv(const VTEncoderConfig *cfg, double fps, double rate_scale, int *maxrate_k,
                          int *bufsize_k) {
    double rate = 0.0, size = 0.0;
    for (int i = 0; i < cfg->data_rate_limit_count; i++) {
        double m = cfg->data_rate_limits[i].bytes * 8.0;
        double n = cfg->data_rate_limits[i].seconds * fps + 1.0;
        double r = 0.75 * m * fps / n;
        double b = 0.25 * m;
        if (i == 0 || r < rate)
            rate = r;
        if (i == 0 || b < size)
            size = b;
    }
    *maxrate_k = to_kbit(rate * rate_scale);
    *bufsize_k = to_kbit(size);
}

static void fps_to_rational(double fps, uint32_t *num, uint32_t *den) {
    if (fabs(fps - floor(fps + 0.5)) < 1e-6) {
        *num = (uint32_t)floor(fps + 0.5);
        *den = 1;
        return;
    }
    double ntsc = fps * 1.001;
    if (fabs(ntsc - floor(ntsc + 0.5)) < 1e-3) {
        *num = (uint32_t)floor(ntsc + 0.5) * 1000;
        *den = 1001;
        return;
    }
    *num = (uint32_t)floor(fps * 1000.0 + 0.5);
    *den = 1000;
}

/* The one place where a VTEncoderConfig becomes an x264_param_t.
 * vfr: -1 = choose the frame rate mode from cfg; 0 / 1 = the mode of the
 * running instance (a live change of ExpectedFrameRate must not switch the
 * rate scaling below to a mode x264 is not in). */
static OSStatus map_config(const VTEncoderConfig *cfg, const X264Timing *tm, int vfr,
                           x264_param_t *p) {
    const Boolean low_delay = config_low_delay(cfg);
    char tune_buf[VT_X264_TUNE_MAX + 16];
    if (x264_param_default_preset(p, config_preset(cfg),
                                  config_tune(cfg, tune_buf, sizeof(tune_buf))) < 0)
        return kVTParameterErr;

    /* picture */
    p->i_width = (cfg->width + 1) & ~1;
    p->i_height = (cfg->height + 1) & ~1;
    p->i_csp = X264_CSP_I420;
    p->i_bitdepth = 8;
    p->i_threads = cfg->threads > 0 ? cfg->threads : X264_THREADS_AUTO;
    p->pf_log = x264_log_cb;
    p->p_log_private = NULL;
    p->i_log_level = x264_log_level_now();

    /* output format */
    p->b_annexb = 0;
    p->b_repeat_headers = 0;
    p->b_aud = 0;
    p->b_stitchable = cfg->more_frames_before_start || cfg->more_frames_after_end;
    if (cfg->source_frame_count > 0 && cfg->source_frame_count <= INT_MAX)
        p->i_frame_total = (int)cfg->source_frame_count;
    else if (cfg->expected_duration > 0.0 && tm->fps > 0.0 &&
             cfg->expected_duration * tm->fps < (double)INT_MAX)
        p->i_frame_total = (int)ceil(cfg->expected_duration * tm->fps - 1e-6);
    if (cfg->max_slice_bytes > 0)
        p->i_slice_max_size = cfg->max_slice_bytes;

    /* timing: pts are in cfg->timescale units */
    p->i_fps_num = tm->fps_num;
    p->i_fps_den = tm->fps_den;
    p->i_timebase_num = 1;
    p->i_timebase_den = (uint32_t)cfg->timescale;
    /* Constant frame rate input (rate control counts frames at the fps
     * above, as x264enc and ffmpeg do when the rate is known) when the
     * client gave ExpectedFrameRate or zero delay is needed; otherwise the
     * timestamps drive it (one frame more of delay). */
    p->b_vfr_input = vfr >= 0 ? vfr : low_delay || cfg->expected_frame_rate > 0.0 ? 0 : 1;

    /* frame dependency */
    if (!cfg->allow_temporal_compression) {
        p->i_keyint_max = 1;
        p->i_bframe = 0;
    } else {
        p->i_keyint_max = X264_KEYINT_MAX_INFINITE;
    }
    p->b_intra_refresh = 0;
    /* Key frames only where vtcore asks for them (exact positions, and with
     * EnableLowLatencyRateControl: IDR, then P frames only). */
    p->i_scenecut_threshold = 0;
    if (!cfg->allow_frame_reordering || profile_is_baseline_family(cfg->profile) ||
        cfg->profile == VT_H264_PROFILE_CONSTRAINED_HIGH)
        p->i_bframe = 0;
    p->b_open_gop = cfg->allow_open_gop == 1 && p->i_bframe > 0;
    if (cfg->reference_buffer_count > 0)
        p->i_frame_reference = cfg->reference_buffer_count;

    /* delay budget */
    if (cfg->max_frame_delay_count > 0) {
        int budget = cfg->max_frame_delay_count;
        p->i_sync_lookahead = 0;
        if (p->i_threads != 1)
            p->b_sliced_threads = 1;
        if (budget < 2)
            p->b_vfr_input = 0;
        budget -= p->b_vfr_input;
        if (p->i_bframe_adaptive == X264_B_ADAPT_TRELLIS)
            p->i_bframe_adaptive = X264_B_ADAPT_FAST;
        if (p->i_bframe > budget)
            p->i_bframe = budget;
        if (p->rc.i_lookahead > budget)
            p->rc.i_lookahead = budget;
        if (p->rc.i_lookahead == 0)
            p->rc.b_mb_tree = 0;
    }

    /* rate control; in CFR mode x264 budgets bits per frame at the fps given
     * at open, so rates are rescaled when ExpectedFrameRate changes later. */
    double scale = 1.0;
    if (!p->b_vfr_input && cfg->expected_frame_rate > 0.0 && tm->fps > 0.0)
        scale = tm->fps / cfg->expected_frame_rate;
    switch (config_rc_kind(cfg)) {
    case RC_CBR: {
        int k = to_kbit((double)cfg->constant_bit_rate * scale);
        p->rc.i_rc_method = X264_RC_ABR;
        p->rc.i_bitrate = k;
        p->rc.i_vbv_max_bitrate = k;
        p->rc.i_vbv_buffer_size = to_kbit((double)cfg->constant_bit_rate);
        p->rc.b_filler = 1;
        break;
    }
    case RC_ABR: {
        /* x264 retargets a running ABR encode only when maxrate == bitrate
         * (its "CBR" VBV mode), so the average rate is also the VBV rate; the
         * buffer (2 s, 1 s when low-delay, or from DataRateLimits) gives the
         * room for I-frames and hard scenes. */
        int k = to_kbit((double)cfg->average_bit_rate * scale);
        int bufsize;
        if (cfg->data_rate_limit_count) {
            int maxrate;
            limits_to_vbv(cfg, tm->fps, scale, &maxrate, &bufsize);
            if (k > maxrate)
                k = maxrate;
        } else {
            bufsize = to_kbit((double)cfg->average_bit_rate * (low_delay ? 1.0 : 2.0));
        }
        p->rc.i_rc_method = X264_RC_ABR;
        p->rc.i_bitrate = k;
        p->rc.i_vbv_max_bitrate = k;
        p->rc.i_vbv_buffer_size = bufsize;
        if (cfg->multipass != VT_MULTIPASS_OFF && !cfg->data_rate_limit_count) {
            p->rc.i_vbv_max_bitrate = 0; /* plain ABR: see "passes" above */
            p->rc.i_vbv_buffer_size = 0;
        }
        break;
    }
    case RC_LOSSLESS:
        p->rc.i_rc_method = X264_RC_CQP;
        p->rc.i_qp_constant = 0;
        break;
    case RC_CRF:
    case RC_CRF_VBV:
        p->rc.i_rc_method = X264_RC_CRF;
        p->rc.f_rf_constant = cfg->quality >= 0.0 ? quality_to_crf(cfg->quality) : 23.0f;
        if (cfg->data_rate_limit_count)
            limits_to_vbv(cfg, tm->fps, scale, &p->rc.i_vbv_max_bitrate, &p->rc.i_vbv_buffer_size);
        break;
    }
    if (p->rc.i_rc_method != X264_RC_CQP) {
        if (cfg->min_qp >= 0)
            p->rc.i_qp_min = cfg->min_qp;
        if (cfg->max_qp >= 0)
            p->rc.i_qp_max = cfg->max_qp;
    }

    /* VUI */
    if (cfg->colour_primaries >= 0)
        p->vui.i_colorprim = cfg->colour_primaries;
    if (cfg->transfer_characteristics >= 0)
        p->vui.i_transfer = cfg->transfer_characteristics;
    if (cfg->matrix_coefficients >= 0)
        p->vui.i_colmatrix = cfg->matrix_coefficients;
    p->vui.b_fullrange =
        cfg->full_range != VT_UNSET ? cfg->full_range : format_is_full_range(cfg->pixel_format);
    if (cfg->sar_width > 0 && cfg->sar_height > 0) {
        p->vui.i_sar_width = cfg->sar_width;
        p->vui.i_sar_height = cfg->sar_height;
    }

    /* entropy, profile, level */
    if (cfg->entropy == VT_ENTROPY_CAVLC)
        p->b_cabac = 0;
    else if (cfg->entropy == VT_ENTROPY_CABAC)
        p->b_cabac = 1;
    if (cfg->level_idc > 0)
        p->i_level_idc = cfg->level_idc;
    const char *profile = NULL;
    switch (cfg->profile) {
    case VT_H264_PROFILE_AUTO:
        break;
    case VT_H264_PROFILE_BASELINE:
    case VT_H264_PROFILE_CONSTRAINED_BASELINE:
    case VT_H264_PROFILE_EXTENDED:
        if (cfg->entropy == VT_ENTROPY_CABAC)
            vt_warn("x264: CABAC is not allowed in the %s profile; using CAVLC",
                    vt_encoder_h264_profile_name(cfg->profile));
        profile = "baseline";
        break;
    case VT_H264_PROFILE_MAIN:
        profile = "main";
        break;
    case VT_H264_PROFILE_HIGH:
    case VT_H264_PROFILE_CONSTRAINED_HIGH:
        p->analyse.b_transform_8x8 = 1; /* makes x264 signal High (100) */
        profile = "high";
        break;
    }
    if (profile && x264_param_apply_profile(p, profile) < 0)
        return kVTParameterErr;

    /* multi-pass (average bit rate only; see "passes" above) */
    if (cfg->multipass != VT_MULTIPASS_OFF && config_rc_kind(cfg) == RC_ABR) {
        if (!cfg->multipass_stats_path || !cfg->multipass_stats_path[0])
            return kVTParameterErr;
        if (cfg->multipass == VT_MULTIPASS_ANALYSIS) {
            p->rc.b_stat_write = 1;
            p->rc.psz_stat_out = (char *)(uintptr_t)cfg->multipass_stats_path;
        } else {
            p->rc.b_stat_read = 1;
            p->rc.psz_stat_in = (char *)(uintptr_t)cfg->multipass_stats_path;
            p->rc.f_rate_tolerance = 0.1f; /* hold the plan: land on the average rate */
            p->i_frame_total = 0;          /* the statistics know the count */
        }
    }
    return noErr;
}

/* Fix up the SPS header bytes (profile_idc, constraint flags) x264 cannot
 * express. Bytes 1..3 never take part in emulation prevention (profile and
 * level are non-zero), so they can be rewritten in place. */
static void patch_sps(const VTEncoderConfig *cfg, uint8_t *sps, size_t size) {
    if (size < 4)
        return;
    switch (cfg->profile) {
    case VT_H264_PROFILE_MAIN:
        if (sps[1] == 66) { /* CAVLC without B-frames: x264 says Baseline */
            sps[1] = 77;
            sps[2] = (uint8_t)(0x40 | (sps[2] & 0x10));
        }
        break;
    case VT_H264_PROFILE_EXTENDED:
        if (sps[1] == 66) {
            sps[1] = 88;
            sps[2] = (uint8_t)(0xe0 | (sps[2] & 0x10));
        }
        break;
    case VT_H264_PROFILE_CONSTRAINED_HIGH:
        if (sps[1] == 100)
            sps[2] |= 0x0c;
        break;
    default:
        break;
    }
}

/* ------------------------------------------------------------------ */
/* Output                                                              */

static X264Slot *slot_get(X264Ctx *c) {
    X264Slot *s = c->free_slots;
    if (s) {
        c->free_slots = s->next;
    } else {
        s = vt_calloc(1, sizeof(*s));
        if (!s)
            return NULL;
    }
    return s;
}

static void slot_link(X264Ctx *c, X264Slot *s) {
    s->prev = c->inflight.prev;
    s->next = &c->inflight;
    c->inflight.prev->next = s;
    c->inflight.prev = s;
    c->inflight_count++;
}

static void slot_unlink(X264Ctx *c, X264Slot *s) {
    s->prev->next = s->next;
    s->next->prev = s->prev;
    c->inflight_count--;
    s->prev = NULL;
    s->next = c->free_slots;
    c->free_slots = s;
}

static Boolean slot_is_inflight(X264Ctx *c, const X264Slot *s) {
    for (const X264Slot *it = c->inflight.next; it != &c->inflight; it = it->next) {
        if (it == s)
            return TRUE;
    }
    return FALSE;
}

/* Emit a data-less output (error or dropped) for every in-flight frame. */
static void emit_all_empty(X264Ctx *c, OSStatus status, uint32_t info) {
    while (c->inflight.next != &c->inflight) {
        X264Slot *s = c->inflight.next;
        VTEncodedFrame out;
        memset(&out, 0, sizeof(out));
        out.status = status;
        out.info_flags = info;
        out.pts = s->pts;
        out.dts = s->pts;
        out.duration = s->duration;
        out.opaque = s->opaque;
        slot_unlink(c, s);
        c->cb.output(c->cb.user, &out);
    }
}

static void fail(X264Ctx *c, const char *what) {
    vt_error("x264: %s failed; %d pending frame(s) reported as failed", what, c->inflight_count);
    c->failed = TRUE;
    emit_all_empty(c, kVTVideoEncoderMalfunctionErr, 0);
}

static Boolean bytes_equal(const uint8_t *a, size_t an, const uint8_t *b, size_t bn) {
    return an == bn && (an == 0 || memcmp(a, b, an) == 0);
}

static void emit_frame(X264Ctx *c, x264_nal_t *nals, int n, const x264_picture_t *pic) {
    X264Slot *slot = pic->opaque;
    if (!slot || !slot_is_inflight(c, slot)) {
        vt_error("x264: output for an unknown frame (pts %" PRId64 ")", (int64_t)pic->i_pts);
        return;
    }

    VTEncodedFrame out;
    memset(&out, 0, sizeof(out));
    out.opaque = slot->opaque;
    out.pts = slot->pts;
    out.duration = slot->duration;

    /* payload: x264 lays the NALs out back to back; drop parameter sets and
     * delimiters should any appear. */
    size_t total = 0;
    Boolean filter = FALSE;
    int ref_idc = -1;
    for (int i = 0; i < n; i++) {
        int t = nals[i].i_type;
        if (t == VT_H264_NAL_SPS || t == VT_H264_NAL_PPS || t == VT_H264_NAL_AUD)
            filter = TRUE;
        else
            total += (size_t)nals[i].i_payload;
        if ((t == VT_H264_NAL_SLICE || t == VT_H264_NAL_IDR) && ref_idc < 0)
            ref_idc = nals[i].i_ref_idc;
    }
    const uint8_t *data = n > 0 ? nals[0].p_payload : NULL;
    if (filter) {
        if (total > c->scratch_cap) {
            uint8_t *nb = vt_realloc(c->scratch, total);
            if (!nb) {
                out.status = kVTAllocationFailedErr;
                out.dts = out.pts;
                slot_unlink(c, slot);
                c->cb.output(c->cb.user, &out);
                return;
            }
            c->scratch = nb;
            c->scratch_cap = total;
        }
        size_t w = 0;
        for (int i = 0; i < n; i++) {
            int t = nals[i].i_type;
            if (t == VT_H264_NAL_SPS || t == VT_H264_NAL_PPS || t == VT_H264_NAL_AUD)
                continue;
            memcpy(c->scratch + w, nals[i].p_payload, (size_t)nals[i].i_payload);
            w += (size_t)nals[i].i_payload;
        }
        data = c->scratch;
    }
    out.data = data;
    out.size = total;

    switch (pic->i_type) {
    case X264_TYPE_IDR:
    case X264_TYPE_I:
        out.frame_type = VT_FRAME_TYPE_I;
        break;
    case X264_TYPE_P:
        out.frame_type = VT_FRAME_TYPE_P;
        break;
    case X264_TYPE_B:
    case X264_TYPE_BREF:
        out.frame_type = VT_FRAME_TYPE_B;
        break;
    default:
        out.frame_type = VT_FRAME_TYPE_UNKNOWN;
        break;
    }
    out.is_keyframe = pic->b_keyframe ? TRUE : FALSE;
    out.is_reference = ref_idc != 0;

    /* DTS: x264's, kept strictly increasing and <= pts (a reopened encoder
     * restarts its reorder delay). */
    int64_t dts = pic->i_dts;
    if (c->have_last_dts && dts <= c->last_dts)
        dts = c->last_dts + 1;
    if (dts > out.pts) {
        vt_warn("x264: DTS %" PRId64 " after PTS %" PRId64 "; clamped", dts, out.pts);
        dts = out.pts;
    }
    out.dts = dts;
    c->have_last_dts = TRUE;
    c->last_dts = dts;

    /* keyframe bookkeeping (x264 may also place IDRs at scene cuts) */
    if (pic->b_keyframe && (!c->have_key || slot->index > c->last_key_index)) {
        c->have_key = TRUE;
        c->last_key_index = slot->index;
        c->last_key_pts = slot->pts;
    }

    /* parameter sets switch at an IDR */
    if (c->params_pending && pic->i_type == X264_TYPE_IDR) {
        vt_free(c->sps);
        vt_free(c->pps);
        c->sps = c->next_sps;
        c->sps_size = c->next_sps_size;
        c->pps = c->next_pps;
        c->pps_size = c->next_pps_size;
        c->next_sps = c->next_pps = NULL;
        c->next_sps_size = c->next_pps_size = 0;
        c->params_pending = FALSE;
        out.parameter_sets_changed = TRUE;
    }
    if (c->announce_params)
        out.parameter_sets_changed = TRUE;
    c->announce_params = FALSE;
    out.sps = c->sps;
    out.sps_size = c->sps_size;
    out.pps = c->pps;
    out.pps_size = c->pps_size;

    slot_unlink(c, slot);
    c->cb.output(c->cb.user, &out);
}

/* ------------------------------------------------------------------ */
/* Encoder instance                                                    */

static OSStatus read_headers(X264Ctx *c, x264_t *enc, uint8_t **sps, size_t *sps_size,
                             uint8_t **pps, size_t *pps_size) {
    x264_nal_t *nals = NULL;
    int n = 0;
    *sps = *pps = NULL;
    if (x264_encoder_headers(enc, &nals, &n) < 0)
        return kVTVideoEncoderMalfunctionErr;
    for (int i = 0; i < n; i++) {
        uint8_t **dst = nals[i].i_type == VT_H264_NAL_SPS   ? sps
                        : nals[i].i_type == VT_H264_NAL_PPS ? pps
                                                            : NULL;
        size_t *dst_size = dst == sps ? sps_size : pps_size;
        if (!dst || *dst || nals[i].i_payload <= 4)
            continue;
        size_t len = (size_t)nals[i].i_payload - 4; /* skip the length prefix */
        *dst = vt_malloc(len);
        if (!*dst) {
            vt_free(*sps);
            vt_free(*pps);
            *sps = *pps = NULL;
            return kVTAllocationFailedErr;
        }
        memcpy(*dst, nals[i].p_payload + 4, len);
        *dst_size = len;
    }
    if (!*sps || !*pps) {
        vt_free(*sps);
        vt_free(*pps);
        *sps = *pps = NULL;
        return kVTVideoEncoderMalfunctionErr;
    }
    patch_sps(&c->cfg, *sps, *sps_size);

    /* With timestamps in the session's timescale x264 signals one tick of
     * that timescale as the VUI frame period (90000 fps for a 90 kHz clock),
     * which makes raw-stream readers invent colliding timestamps. Signal the
     * nominal frame rate instead. */
    size_t cap = *sps_size + 16, ns = 0;
    uint8_t *timed = vt_malloc(cap);
    if (!timed) {
        vt_free(*sps);
        vt_free(*pps);
        *sps = *pps = NULL;
        return kVTAllocationFailedErr;
    }
    if (vt_h264_sps_set_timing(*sps, *sps_size, c->timing.fps_den, 2 * c->timing.fps_num, timed,
                               cap, &ns) == noErr) {
        vt_free(*sps);
        *sps = timed;
        *sps_size = ns;
    } else {
        vt_warn("x264: could not rewrite the SPS timing");
        vt_free(timed);
    }
    return noErr;
}

/* New parameter sets (takes ownership): immediately when no frame is in
 * flight (the next output starts a new instance with an IDR), otherwise from
 * the next IDR on, which is then forced. */
static void take_headers(X264Ctx *c, uint8_t *sps, size_t sps_size, uint8_t *pps, size_t pps_size,
                         Boolean immediate) {
    Boolean same = bytes_equal(sps, sps_size, c->sps, c->sps_size) &&
                   bytes_equal(pps, pps_size, c->pps, c->pps_size);
    if (same) {
        vt_free(sps);
        vt_free(pps);
        if (c->params_pending) { /* back to the current ones */
            vt_free(c->next_sps);
            vt_free(c->next_pps);
            c->next_sps = c->next_pps = NULL;
            c->params_pending = FALSE;
        }
        return;
    }
    if (immediate || !c->sps) {
        vt_free(c->sps);
        vt_free(c->pps);
        c->sps = sps;
        c->sps_size = sps_size;
        c->pps = pps;
        c->pps_size = pps_size;
        c->announce_params = TRUE;
        return;
    }
    vt_free(c->next_sps);
    vt_free(c->next_pps);
    c->next_sps = sps;
    c->next_sps_size = sps_size;
    c->next_pps = pps;
    c->next_pps_size = pps_size;
    c->params_pending = TRUE;
    c->force_next_idr = TRUE;
}

static void free_pad(X264Ctx *c) {
    for (int i = 0; i < 3; i++) {
        vt_free_aligned(c->pad[i]);
        c->pad[i] = NULL;
    }
}

/* (Re)creates the x264 instance from c->cfg and c->timing. The previous
 * instance, if any, is closed only when the new one works. */
static OSStatus open_encoder(X264Ctx *c) {
    x264_param_t p;
    if (c->cfg.multipass != VT_MULTIPASS_OFF && c->fed) {
        /* A new instance in the middle of a pass (after a flush): its
         * statistics would not line up with the other pass. */
        vt_warn("x264: encoder restarted inside a multi-pass pass; encoding the rest in one pass");
        c->cfg.multipass = VT_MULTIPASS_OFF;
        c->cfg.multipass_stats_path = NULL;
    }
    OSStatus st = map_config(&c->cfg, &c->timing, -1, &p);
    if (st != noErr) {
        vt_warn("x264: configuration rejected (profile %s)",
                vt_encoder_h264_profile_name(c->cfg.profile));
        return st;
    }

    /* padded copy for odd sizes: allocated before anything is replaced */
    Boolean need_pad = p.i_width != c->cfg.width || p.i_height != c->cfg.height;
    Boolean keep_pad =
        need_pad && c->pad[0] && c->pad_width == p.i_width && c->pad_height == p.i_height;
    uint8_t *pad[3] = {NULL, NULL, NULL};
    int pad_stride[3] = {0, 0, 0};
    if (need_pad && !keep_pad) {
        int cw = p.i_width / 2, ch = p.i_height / 2;
        pad_stride[0] = (p.i_width + 63) & ~63;
        pad_stride[1] = pad_stride[2] = (cw + 63) & ~63;
        pad[0] = vt_malloc_aligned((size_t)pad_stride[0] * (size_t)p.i_height, 64);
        pad[1] = vt_malloc_aligned((size_t)pad_stride[1] * (size_t)ch, 64);
        pad[2] = vt_malloc_aligned((size_t)pad_stride[2] * (size_t)ch, 64);
        if (!pad[0] || !pad[1] || !pad[2]) {
            for (int i = 0; i < 3; i++)
                vt_free_aligned(pad[i]);
            return kVTAllocationFailedErr;
        }
    }

    if (c->enc && (p.rc.b_stat_write || p.rc.b_stat_read)) {
        /* Never two instances on the same statistics files. */
        x264_encoder_close(c->enc);
        c->enc = NULL;
    }
    /* (a test hook can make the instance fail to open, backend.h) */
    x264_t *enc = vt_encoder_fault_check(VTCORE_FAULT_ENCODER_OPEN) ? NULL : x264_encoder_open(&p);
    uint8_t *sps = NULL, *pps = NULL;
    size_t sps_size = 0, pps_size = 0;
    if (!enc) {
        vt_warn("x264: x264_encoder_open failed for %dx%d", c->cfg.width, c->cfg.height);
        st = kVTCouldNotCreateInstanceErr;
    } else {
        st = read_headers(c, enc, &sps, &sps_size, &pps, &pps_size);
    }
    if (st != noErr) {
        if (enc)
            x264_encoder_close(enc);
        for (int i = 0; i < 3; i++)
            vt_free_aligned(pad[i]);
        return st;
    }
    int delay = x264_encoder_maximum_delayed_frames(enc);
    Boolean low_delay = config_low_delay(&c->cfg);
    if ((low_delay && delay > 0) ||
        (c->cfg.max_frame_delay_count > 0 && delay > c->cfg.max_frame_delay_count))
        vt_warn("x264: encoder delay %d frames exceeds the requested maximum", delay);

    /* commit */
    if (c->enc)
        x264_encoder_close(c->enc);
    c->enc = enc;
    memcpy(&c->open_params, &p, sizeof(p)); /* padding included: compared bytewise */
    c->low_delay = low_delay;
    c->cfr = p.b_vfr_input == 0;
    c->open_gop = p.b_open_gop != 0;
    c->rc_kind = config_rc_kind(&c->cfg);
    c->enc_width = p.i_width;
    c->enc_height = p.i_height;
    c->submitted = FALSE;
    c->needs_reopen = FALSE;
    if (!keep_pad) {
        free_pad(c);
        for (int i = 0; i < 3; i++) {
            c->pad[i] = pad[i];
            c->pad_stride[i] = pad_stride[i];
        }
        c->pad_width = need_pad ? p.i_width : 0;
        c->pad_height = need_pad ? p.i_height : 0;
    }
    take_headers(c, sps, sps_size, pps, pps_size, c->inflight_count == 0);
    char tune_buf[VT_X264_TUNE_MAX + 16];
    const char *tune = config_tune(&c->cfg, tune_buf, sizeof(tune_buf));
    vt_debug("x264: opened %dx%d preset %s%s%s, delay %d, rc %d, fps %u/%u%s", p.i_width,
             p.i_height, config_preset(&c->cfg), tune ? " tune " : "", tune ? tune : "", delay,
             (int)c->rc_kind, p.i_fps_num, p.i_fps_den, c->cfr ? " (CFR)" : "");
    return noErr;
}

static void set_timing(X264Ctx *c, double fps) {
    c->timing.fps = fps;
    fps_to_rational(fps, &c->timing.fps_num, &c->timing.fps_den);
}

/* ------------------------------------------------------------------ */
/* Backend entry points                                                */

static const uint32_t x264_native_formats[] = {
    VT_ENC_FORMAT_NV12, VT_ENC_FORMAT_NV12_FR, VT_ENC_FORMAT_I420, VT_ENC_FORMAT_I420_FR, 0,
};

static OSStatus x264_backend_probe(void) {
    return noErr; /* linked in: always available */
}

static void ctx_free(X264Ctx *c) {
    if (c->enc)
        x264_encoder_close(c->enc);
    free_pad(c);
    while (c->free_slots) {
        X264Slot *s = c->free_slots;
        c->free_slots = s->next;
        vt_free(s);
    }
    vt_free(c->sps);
    vt_free(c->pps);
    vt_free(c->next_sps);
    vt_free(c->next_pps);
    vt_free(c->scratch);
    vt_free(c);
}

static OSStatus x264_backend_open(const VTEncoderConfig *cfg, const VTEncoderCallbacks *cb,
                                  void **ctx) {
    if (!ctx)
        return kVTParameterErr;
    *ctx = NULL;
    if (!cfg || !cb || !cb->output)
        return kVTParameterErr;
    OSStatus st = vt_encoder_config_validate(cfg);
    if (st != noErr)
        return st;
    if (cfg->codec_type != VT_ENC_CODEC_H264) {
        vt_warn("x264: codec 0x%08x is not H.264", cfg->codec_type);
        return kVTParameterErr;
    }
    if (cfg->pixel_format &&
        !vt_encoder_backend_accepts_format(&vt_x264_backend, cfg->pixel_format)) {
        vt_warn("x264: pixel format 0x%08x is not native", cfg->pixel_format);
        return kVTParameterErr;
    }
    X264Ctx *c = vt_calloc(1, sizeof(*c));
    if (!c)
        return kVTAllocationFailedErr;
    c->cfg = *cfg;
    c->cb = *cb;
    c->inflight.next = c->inflight.prev = &c->inflight;
    c->fps_guessed = !(cfg->expected_frame_rate > 0.0);
    set_timing(c, c->fps_guessed ? 30.0 : cfg->expected_frame_rate);
    st = open_encoder(c);
    if (st != noErr) {
        ctx_free(c);
        return st;
    }
    *ctx = c;
    return noErr;
}

static Boolean frame_valid(const X264Ctx *c, const VTEncoderFrame *f) {
    if (f->width != c->cfg.width || f->height != c->cfg.height)
        return FALSE;
    size_t w = (size_t)f->width, cw = (w + 1) / 2;
    Boolean nv12 =
        f->pixel_format == VT_ENC_FORMAT_NV12 || f->pixel_format == VT_ENC_FORMAT_NV12_FR;
    Boolean i420 =
        f->pixel_format == VT_ENC_FORMAT_I420 || f->pixel_format == VT_ENC_FORMAT_I420_FR;
    if (!nv12 && !i420)
        return FALSE;
    int planes = nv12 ? 2 : 3;
    if (f->plane_count != planes)
        return FALSE;
    for (int i = 0; i < planes; i++) {
        size_t need = i == 0 ? w : nv12 ? 2 * cw : cw;
        if (!f->planes[i] || f->strides[i] < need || f->strides[i] > INT_MAX)
            return FALSE;
    }
    return TRUE;
}

/* Copies f into the even-sized I420 pad buffers, repeating the last
 * column/row of luma. Chroma of an odd size already covers the padded size. */
static void fill_pad(X264Ctx *c, const VTEncoderFrame *f) {
    const int w = f->width, h = f->height;
    const int cw = c->enc_width / 2, ch = c->enc_height / 2;
    for (int y = 0; y < c->enc_height; y++) {
        int sy = y < h ? y : h - 1;
        const uint8_t *src = f->planes[0] + (size_t)sy * f->strides[0];
        uint8_t *dst = c->pad[0] + (size_t)y * (size_t)c->pad_stride[0];
        memcpy(dst, src, (size_t)w);
        for (int x = w; x < c->enc_width; x++)
            dst[x] = src[w - 1];
    }
    Boolean nv12 = f->plane_count == 2;
    for (int y = 0; y < ch; y++) {
        uint8_t *du = c->pad[1] + (size_t)y * (size_t)c->pad_stride[1];
        uint8_t *dv = c->pad[2] + (size_t)y * (size_t)c->pad_stride[2];
        if (nv12) {
            const uint8_t *s = f->planes[1] + (size_t)y * f->strides[1];
            for (int x = 0; x < cw; x++) {
                du[x] = s[2 * x];
                dv[x] = s[2 * x + 1];
            }
        } else {
            memcpy(du, f->planes[1] + (size_t)y * f->strides[1], (size_t)cw);
            memcpy(dv, f->planes[2] + (size_t)y * f->strides[2], (size_t)cw);
        }
    }
}

static OSStatus x264_backend_encode(void *ctx, const VTEncoderFrame *f) {
    X264Ctx *c = ctx;
    if (!c || !f)
        return kVTParameterErr;
    if (c->failed)
        return kVTVideoEncoderMalfunctionErr;
    if (!frame_valid(c, f)) {
        vt_warn("x264: frame %dx%d format 0x%08x does not match the session (%dx%d)", f->width,
                f->height, f->pixel_format, c->cfg.width, c->cfg.height);
        return kVTParameterErr;
    }
    if (c->have_last_pts && f->pts <= c->last_pts) {
        vt_warn("x264: pts %" PRId64 " not after %" PRId64, f->pts, c->last_pts);
        return kVTParameterErr;
    }

    /* The first frame tells the real frame rate when nobody else did. */
    if (!c->submitted && c->fps_guessed && f->duration > 0) {
        double fps = (double)c->cfg.timescale / (double)f->duration;
        c->fps_guessed = FALSE;
        if (fps >= 1.0 && fps <= 1000.0 && fabs(fps - c->timing.fps) > 0.01 * c->timing.fps) {
            X264Timing old = c->timing;
            set_timing(c, fps);
            if (open_encoder(c) != noErr) {
                vt_warn("x264: could not reopen at %.3f fps; keeping %.3f", fps, old.fps);
                c->timing = old;
            }
        }
    }
    if (c->needs_reopen) {
        OSStatus st = open_encoder(c);
        if (st != noErr)
            return st;
    }

    X264Slot *slot = slot_get(c);
    if (!slot)
        return kVTAllocationFailedErr;
    slot->opaque = f->opaque;
    slot->pts = f->pts;
    slot->duration = f->duration;
    slot->index = c->next_index;

    x264_picture_t pic;
    x264_picture_init(&pic);
    if (c->pad[0]) {
        fill_pad(c, f);
        pic.img.i_csp = X264_CSP_I420;
        pic.img.i_plane = 3;
        for (int i = 0; i < 3; i++) {
            pic.img.plane[i] = c->pad[i];
            pic.img.i_stride[i] = c->pad_stride[i];
        }
    } else {
        pic.img.i_csp = f->plane_count == 2 ? X264_CSP_NV12 : X264_CSP_I420;
        pic.img.i_plane = f->plane_count;
        for (int i = 0; i < f->plane_count; i++) {
            pic.img.plane[i] = (uint8_t *)(uintptr_t)f->planes[i];
            pic.img.i_stride[i] = (int)f->strides[i];
        }
    }
    pic.i_pts = f->pts;
    pic.opaque = slot;

    /* keyframe placement: ForceKeyFrame, a new instance and new parameter
     * sets give an IDR; the interval limits give an IDR, or with an open GOP
     * a recovery-point I frame that later B frames may still reference. */
    Boolean idr = f->force_keyframe || c->force_next_idr || !c->have_key;
    Boolean periodic = FALSE;
    if (c->cfg.max_keyframe_interval > 0 && c->have_key &&
        slot->index - c->last_key_index >= c->cfg.max_keyframe_interval)
        periodic = TRUE;
    if (c->cfg.max_keyframe_interval_duration > 0.0 && c->have_key) {
        double ticks = c->cfg.max_keyframe_interval_duration * (double)c->cfg.timescale;
        if ((double)(f->pts - c->last_key_pts) >= ticks - 0.5)
            periodic = TRUE;
    }
    if (idr || periodic) {
        pic.i_type = idr || !c->open_gop ? X264_TYPE_IDR : X264_TYPE_KEYFRAME;
        c->have_key = TRUE;
        c->last_key_index = slot->index;
        c->last_key_pts = f->pts;
        c->force_next_idr = FALSE;
    }

    slot_link(c, slot);
    x264_nal_t *nals = NULL;
    int n = 0;
    x264_picture_t out;
    int rc = vt_encoder_fault_check(VTCORE_FAULT_ENCODER_ENCODE)
                 ? -1
                 : x264_encoder_encode(c->enc, &nals, &n, &pic, &out);
    if (rc < 0) {
        slot_unlink(c, slot); /* not accepted */
        fail(c, "x264_encoder_encode");
        return kVTVideoEncoderMalfunctionErr;
    }
    c->submitted = TRUE;
    c->fed = TRUE;
    c->next_index++;
    c->have_last_pts = TRUE;
    c->last_pts = f->pts;
    if (rc > 0)
        emit_frame(c, nals, n, &out);
    return noErr;
}

static OSStatus x264_backend_flush(void *ctx) {
    X264Ctx *c = ctx;
    if (!c)
        return kVTParameterErr;
    if (c->failed)
        return kVTVideoEncoderMalfunctionErr;
    if (!c->submitted)
        return noErr;
    if (vt_encoder_fault_check(VTCORE_FAULT_ENCODER_FLUSH)) {
        fail(c, "x264_encoder_encode (flush)");
        return kVTVideoEncoderMalfunctionErr;
    }
    while (x264_encoder_delayed_frames(c->enc) > 0) {
        x264_nal_t *nals = NULL;
        int n = 0;
        x264_picture_t out;
        int rc = x264_encoder_encode(c->enc, &nals, &n, NULL, &out);
        if (rc < 0) {
            fail(c, "x264_encoder_encode (flush)");
            return kVTVideoEncoderMalfunctionErr;
        }
        if (rc > 0)
            emit_frame(c, nals, n, &out);
    }
    if (c->inflight_count) {
        vt_error("x264: %d frame(s) lost in flush", c->inflight_count);
        emit_all_empty(c, kVTVideoEncoderMalfunctionErr, 0);
    }
    /* x264 has shut its lookahead down: the next frame opens a new instance
     * (starting with an IDR). */
    c->needs_reopen = TRUE;
    c->have_key = FALSE;
    return noErr;
}

static int x264_backend_pending(void *ctx) {
    X264Ctx *c = ctx;
    return c ? c->inflight_count : 0;
}

/* Fields x264_encoder_reconfig cannot change (or vtcore does not map live). */
static Boolean static_fields_equal(const VTEncoderConfig *a, const VTEncoderConfig *b) {
#define SAME(f) (a->f == b->f)
    return SAME(width) && SAME(height) && SAME(codec_type) && SAME(timescale) && SAME(profile) &&
           SAME(level_idc) && SAME(entropy) && SAME(min_qp) && SAME(max_qp) &&
           SAME(allow_frame_reordering) && SAME(allow_temporal_compression) &&
           SAME(allow_open_gop) && SAME(reference_buffer_count) && SAME(realtime) &&
           SAME(max_frame_delay_count) && SAME(prioritize_speed) &&
           SAME(maximize_power_efficiency) && SAME(low_latency_rate_control) && SAME(threads) &&
           SAME(colour_primaries) && SAME(transfer_characteristics) && SAME(matrix_coefficients) &&
           SAME(full_range) && SAME(sar_width) && SAME(sar_height) && SAME(max_slice_bytes) &&
           SAME(multipass) && SAME(multipass_stats_path) &&
           strcmp(a->x264_preset, b->x264_preset) == 0 && strcmp(a->x264_tune, b->x264_tune) == 0 &&
           (a->pixel_format == b->pixel_format || !b->pixel_format ||
            format_is_full_range(a->pixel_format) == format_is_full_range(b->pixel_format));
#undef SAME
}

/* Whether the open, unused instance already is what open_encoder would
 * create from c->cfg and c->timing (the configuration it was opened with
 * was `old`): same x264 parameters, same SPS patching and padding. In CFR
 * mode x264 replaces the time base by 1/fps, so the time base (the
 * session's timescale, which the first frame may change) does not count. */
static Boolean instance_fits(X264Ctx *c, const VTEncoderConfig *old) {
    const VTEncoderConfig *cfg = &c->cfg;
    if (!c->enc || c->submitted || c->inflight_count || cfg->multipass != VT_MULTIPASS_OFF ||
        old->multipass != VT_MULTIPASS_OFF || cfg->profile != old->profile ||
        cfg->width != old->width || cfg->height != old->height)
        return FALSE;
    x264_param_t p;
    memset(&p, 0, sizeof(p));
    if (map_config(cfg, &c->timing, -1, &p) != noErr)
        return FALSE;
    if (!p.b_vfr_input && !c->open_params.b_vfr_input) {
        p.i_timebase_num = c->open_params.i_timebase_num;
        p.i_timebase_den = c->open_params.i_timebase_den;
    }
    if (memcmp(&p, &c->open_params, sizeof(p)) != 0)
        return FALSE;
    /* what open_encoder derives from the configuration */
    c->low_delay = config_low_delay(cfg);
    c->rc_kind = config_rc_kind(cfg);
    return TRUE;
}

static OSStatus x264_backend_reconfigure(void *ctx, const VTEncoderConfig *cfg) {
    X264Ctx *c = ctx;
    if (!c || !cfg)
        return kVTParameterErr;
    if (c->failed)
        return kVTVideoEncoderMalfunctionErr;
    OSStatus st = vt_encoder_config_validate(cfg);
    if (st != noErr)
        return st;
    if (cfg->codec_type != VT_ENC_CODEC_H264 ||
        (cfg->pixel_format &&
         !vt_encoder_backend_accepts_format(&vt_x264_backend, cfg->pixel_format)))
        return kVTParameterErr;

    VTEncoderConfig old = c->cfg;
    if ((c->needs_reopen || !c->submitted) && c->inflight_count == 0) {
        /* Nothing inside x264: start over with the new values (any change). */
        X264Timing old_timing = c->timing;
        Boolean old_guessed = c->fps_guessed;
        c->cfg = *cfg;
        if (cfg->expected_frame_rate > 0.0) {
            set_timing(c, cfg->expected_frame_rate);
            c->fps_guessed = FALSE;
        }
        if (!c->needs_reopen && instance_fits(c, &old)) {
            vt_debug("x264: new settings give the same x264 parameters; instance kept");
            return noErr;
        }
        st = open_encoder(c);
        if (st != noErr) {
            c->cfg = old;
            c->timing = old_timing;
            c->fps_guessed = old_guessed;
        }
        return st;
    }
    if (!static_fields_equal(&c->cfg, cfg) || config_rc_kind(cfg) != c->rc_kind) {
        vt_debug("x264: change needs a new encoder instance");
        return kVTPropertyNotSupportedErr;
    }
    c->cfg = *cfg;
    x264_param_t p, cur;
    st = map_config(cfg, &c->timing, c->cfr ? 0 : 1, &p);
    if (st == noErr) {
        x264_encoder_parameters(c->enc, &cur);
        cur.rc.i_bitrate = p.rc.i_bitrate;
        cur.rc.i_vbv_max_bitrate = p.rc.i_vbv_max_bitrate;
        cur.rc.i_vbv_buffer_size = p.rc.i_vbv_buffer_size;
        cur.rc.f_rf_constant = p.rc.f_rf_constant;
        if (vt_encoder_fault_check(VTCORE_FAULT_ENCODER_RECONFIGURE) /* test hook */ ||
            x264_encoder_reconfig(c->enc, &cur) < 0)
            st = kVTParameterErr;
    }
    if (st != noErr) {
        c->cfg = old;
        vt_warn("x264: reconfiguration rejected");
        return st;
    }
    /* The live fields never change the SPS/PPS. (x264_encoder_headers must not
     * be called here: with frame threads it shares the output buffer of a
     * frame being encoded.) */
    return noErr;
}

static OSStatus x264_backend_get_parameter_sets(void *ctx, const uint8_t **sps, size_t *sps_size,
                                                const uint8_t **pps, size_t *pps_size) {
    X264Ctx *c = ctx;
    if (!c || !sps || !sps_size || !pps || !pps_size)
        return kVTParameterErr;
    if (!c->sps || !c->pps)
        return kVTVideoEncoderMalfunctionErr;
    Boolean next = c->params_pending;
    *sps = next ? c->next_sps : c->sps;
    *sps_size = next ? c->next_sps_size : c->sps_size;
    *pps = next ? c->next_pps : c->pps;
    *pps_size = next ? c->next_pps_size : c->pps_size;
    return noErr;
}

static void x264_backend_close(void *ctx) {
    X264Ctx *c = ctx;
    if (!c)
        return;
    emit_all_empty(c, noErr, kVTEncodeInfo_FrameDropped);
    ctx_free(c);
}

const VTEncoderBackend vt_x264_backend = {
    .encoder_id = "org.vtcore.x264.h264",
    .encoder_name = "vtcore x264 H.264 (SW)",
    .codec_name = "H.264",
    .codec_type = VT_ENC_CODEC_H264,
    .hardware = FALSE,
    .caps = VT_CAP_BFRAMES | VT_CAP_CBR | VT_CAP_CRF | VT_CAP_LOSSLESS | VT_CAP_RECONFIG |
            VT_CAP_LOW_LATENCY | VT_CAP_DATA_RATE | VT_CAP_QP_RANGE | VT_CAP_SLICE_BYTES |
            VT_CAP_OPEN_GOP | VT_CAP_ODD_SIZE | VT_CAP_MULTIPASS |
            VT_CAP_COPIES_INPUT, /* x264_encoder_encode copies the picture */
    .native_formats = x264_native_formats,
    .probe = x264_backend_probe,
    .open = x264_backend_open,
    .encode = x264_backend_encode,
    .reconfigure = x264_backend_reconfigure,
    .flush = x264_backend_flush,
    .pending = x264_backend_pending,
    .get_parameter_sets = x264_backend_get_parameter_sets,
    .close = x264_backend_close,
};
