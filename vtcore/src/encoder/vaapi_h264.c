/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The VA-API H.264 hardware backend ("org.vtcore.vaapi.h264"). Shared VA
 * plumbing lives in vaapi.c; this file is the codec part: configuration
 * mapping, GOP and reference management, parameter buffers, and the
 * SPS/PPS/slice headers, which vtcore writes itself (h264_bitwriter.c) and
 * hands to the driver as packed headers so the stream carries exactly what
 * the session asked for (colour VUI, full range, SAR, timing, reorder depth).
 *
 * How the VideoToolbox knobs map (mirrors x264.c where the hardware allows):
 *
 *  device   the encoder specification's device (VTEncoderConfig.device), else
 *           VTCORE_VAAPI_DEVICE, else the first /dev/dri/renderD* whose driver
 *           offers H.264 encoding with packed headers.
 *  profile  AUTO -> High (else Main, else Constrained Baseline);
 *           Baseline/ConstrainedBaseline -> VAProfileH264ConstrainedBaseline,
 *           profile_idc 66 + constraint_set0/1; Extended -> the same stream
 *           labelled 88 (set0/1/2); Main -> 77 (set1); High -> 100 with the 8x8
 *           transform; ConstrainedHigh -> 100 + set4/5, no B-frames. A missing
 *           VA profile falls back to a larger one (the stream keeps the
 *           requested profile_idc). Level: the property, else the smallest
 *           level for size, frame rate, bit rate and DPB.
 *  entropy  CABAC where the profile allows it, unless CAVLC is asked for.
 *  GOP      IDR first, then P frames; B-frames (2, non-reference, POC type 0)
 *           when AllowFrameReordering, the profile and the driver allow them
 *           and MaxFrameDelayCount leaves room. IDRs exactly where
 *           MaxKeyFrameInterval (frames), MaxKeyFrameIntervalDuration (pts
 *           distance) or ForceKeyFrame ask; AllowTemporalCompression=false ->
 *           every frame IDR. No scene-cut IDRs.
 *  rate     ConstantBitRate -> CBR; AverageBitRate -> VBR (peak 1.5x, or the
 *           DataRateLimits rate), QVBR when Quality is also set and the driver
 *           has it; DataRateLimits alone -> QVBR/VBR at 75% of the limit rate;
 *           Quality alone -> ICQ if available, else CQP; nothing -> CQP 23
 *           (x264's CRF default). Quality -> QP uses x264.c's curve. HRD
 *           (VAEncMiscParameterHRD) from DataRateLimits, else 2 s (1 s low
 *           delay) of the peak rate. Min/MaxAllowedFrameQP -> min_qp/max_qp.
 *           Live changes (reconfigure) send a new rate-control misc buffer
 *           with the next picture, without draining.
 *  speed    MaximizePowerEfficiency=true prefers VAEntrypointEncSliceLP;
 *           PrioritizeEncodingSpeedOverQuality/RealTime pick the quality level.
 *  output   the driver's Annex B -> AVCC (4-byte lengths) without SPS/PPS/AUD;
 *           parameter sets out of band, as x264.c does.
 *
 * Pictures are encoded synchronously (vaEndPicture, vaSyncSurface, map), in
 * decode order; B-frames add their reorder delay only.
 */
#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <va/va.h>
#include <va/va_enc_h264.h>

#include "encoder/backend.h"
#include "encoder/h264.h"
#include "encoder/h264_bitwriter.h"
#include "encoder/vaapi.h"
#include "log.h"
#include "mem.h"

#define MAX_B_FRAMES     2
#define MAX_IN_SURFACES  (MAX_B_FRAMES + 2)
#define MAX_REC_SURFACES 4
_Static_assert(MAX_IN_SURFACES <= VT_VAAPI_MAX_SURFACES &&
                   MAX_REC_SURFACES <= VT_VAAPI_MAX_SURFACES,
               "VTVaapiPipe holds the surfaces");
#define PTS_RING           64
#define LOG2_MAX_FRAME_NUM 8
#define LOG2_MAX_POC_LSB   8

typedef enum PicType { PIC_IDR, PIC_P, PIC_B } PicType;

/* An accepted input frame waiting in its input surface. */
typedef struct VaFrame {
    int surface;       /* index into in_surfaces, -1 = a surface of our pool */
    VASurfaceID input; /* the surface to encode */
    int64_t pts, duration, index;
    void *opaque;
} VaFrame;

typedef struct VaRef {
    VASurfaceID surface;
    uint32_t frame_num;
    int32_t poc;
} VaRef;

typedef struct VaH264Ctx {
    VTEncoderConfig cfg;
    VTEncoderCallbacks cb;
    VTVaapiDisplay disp;
    VTVaapiDevice *dev; /* owns disp (shared with our pools), NULL = disp is ours */
    Boolean fresh;      /* no frame since open or flush (reconfigure may reopen) */
    VTVaapiEncCaps caps;
    VTVaapiPipe va; /* config, surfaces, context, coded buffer */
    Boolean in_used[MAX_IN_SURFACES];
    Boolean no_derive;

    int enc_width, enc_height, width_mbs, height_mbs;
    int b_frames;
    Boolean low_delay;

    /* headers */
    VTH264SPS sps;
    VTH264PPS pps;
    uint8_t sps_nal[256], pps_nal[64]; /* with a 4-byte start code */
    size_t sps_nal_size, pps_nal_size;

    /* rate control (shared with the HEVC backend, vaapi.c) */
    VTVaapiRate rate;
    Boolean rc_dirty;

    /* GOP and references */
    VaFrame pending[MAX_B_FRAMES + 1];
    int n_pending;
    int64_t next_index;
    Boolean have_key, force_next_idr;
    int64_t last_key_index, last_key_pts;
    int64_t idr_index;
    uint32_t next_frame_num;
    uint16_t idr_pic_id;
    VaRef dpb[2];
    int n_dpb;

    /* output */
    int64_t ring_pts[PTS_RING];
    int64_t decoded;
    Boolean have_last_dts;
    int64_t last_dts;
    Boolean announce_params, failed;
    uint8_t *coded_data, *avcc;
    size_t coded_cap, avcc_cap;
} VaH264Ctx;

/* ------------------------------------------------------------------ */
/* Probe                                                               */

typedef struct ProbeState {
    OSStatus status;
    char path[256];
} ProbeState;

static ProbeState g_probe;
static pthread_once_t g_probe_once = PTHREAD_ONCE_INIT;

static const VAProfile probe_profiles[] = {
    VAProfileH264High,
    VAProfileH264Main,
    VAProfileH264ConstrainedBaseline,
};

static Boolean caps_usable(const VTVaapiEncCaps *caps) {
    if (!(caps->rt_formats & VA_RT_FORMAT_YUV420))
        return FALSE;
    const uint32_t need =
        VA_ENC_PACKED_HEADER_SEQUENCE | VA_ENC_PACKED_HEADER_PICTURE | VA_ENC_PACKED_HEADER_SLICE;
    if ((caps->packed_headers & need) != need) {
        vt_debug("vaapi: profile %d: the driver takes no packed SPS/PPS/slice headers (0x%x)",
                 caps->profile, caps->packed_headers);
        return FALSE;
    }
    if (!(caps->rc_modes & (VA_RC_CQP | VA_RC_CBR | VA_RC_VBR | VA_RC_ICQ | VA_RC_QVBR))) {
        vt_debug("vaapi: profile %d: no usable rate control (0x%x)", caps->profile, caps->rc_modes);
        return FALSE;
    }
    return TRUE;
}

static Boolean accept_h264(VADisplay dpy, void *user) {
    (void)user;
    VTVaapiEncCaps caps;
    for (size_t i = 0; i < sizeof(probe_profiles) / sizeof(probe_profiles[0]); i++) {
        if (vt_vaapi_query_enc_caps(dpy, probe_profiles[i], FALSE, &caps) == noErr &&
            caps_usable(&caps))
            return TRUE;
    }
    return FALSE;
}

static void probe_once(void) {
    VTVaapiDisplay d;
    g_probe.status = vt_vaapi_display_open(NULL, accept_h264, NULL, TRUE, &d);
    if (g_probe.status == noErr) {
        snprintf(g_probe.path, sizeof(g_probe.path), "%s", d.path);
        vt_vaapi_display_close(&d);
    } else {
        g_probe.status = kVTCouldNotFindVideoEncoderErr;
    }
}

static OSStatus vaapi_h264_probe(void) {
    pthread_once(&g_probe_once, probe_once);
    return g_probe.status;
}

/* ------------------------------------------------------------------ */
/* Configuration mapping                                               */

static const uint32_t vaapi_native_formats[] = {
    VT_ENC_FORMAT_NV12, VT_ENC_FORMAT_NV12_FR, VT_ENC_FORMAT_I420, VT_ENC_FORMAT_I420_FR, 0,
};

static Boolean format_is_full_range(uint32_t fourcc) {
    return fourcc == VT_ENC_FORMAT_I420_FR || fourcc == VT_ENC_FORMAT_NV12_FR;
}

static Boolean profile_is_baseline_family(VTH264Profile p) {
    return p == VT_H264_PROFILE_BASELINE || p == VT_H264_PROFILE_CONSTRAINED_BASELINE ||
           p == VT_H264_PROFILE_EXTENDED;
}

/* The render node named by the encoder specification
 * (kVTCoreVideoEncoderSpecification_VAAPIDevice -> VTEncoderConfig.device),
 * else NULL for VTCORE_VAAPI_DEVICE / the first usable render node. */
static const char *config_device(const VTEncoderConfig *cfg) {
    return cfg->device;
}

static Boolean config_low_delay(const VTEncoderConfig *cfg) {
    return cfg->low_latency_rate_control || cfg->max_frame_delay_count == 0 ||
           (cfg->realtime == 1 && !cfg->allow_frame_reordering);
}

/* ------------------------------------------------------------------ */
/* Headers                                                             */

static OSStatus build_headers(VaH264Ctx *c) {
    const VTEncoderConfig *cfg = &c->cfg;
    VTH264SPS *s = &c->sps;
    VTH264PPS *p = &c->pps;
    VTH264VUI *v = &s->vui;
    uint8_t rbsp[256];
    VTBitWriter bs;
    unsigned profile_idc, constraints = 0, level;
    int full_range;

    switch (cfg->profile) {
    case VT_H264_PROFILE_BASELINE:
    case VT_H264_PROFILE_CONSTRAINED_BASELINE:
        profile_idc = VT_H264_PROFILE_IDC_BASELINE;
        constraints = VT_H264_CONSTRAINT_SET0 | VT_H264_CONSTRAINT_SET1;
        break;
    case VT_H264_PROFILE_EXTENDED:
        profile_idc = VT_H264_PROFILE_IDC_EXTENDED;
        constraints = VT_H264_CONSTRAINT_SET0 | VT_H264_CONSTRAINT_SET1 | VT_H264_CONSTRAINT_SET2;
        break;
    case VT_H264_PROFILE_MAIN:
        profile_idc = VT_H264_PROFILE_IDC_MAIN;
        constraints = VT_H264_CONSTRAINT_SET1;
        break;
    case VT_H264_PROFILE_CONSTRAINED_HIGH:
        profile_idc = VT_H264_PROFILE_IDC_HIGH;
        constraints = VT_H264_CONSTRAINT_SET4 | VT_H264_CONSTRAINT_SET5;
        break;
    default: /* AUTO and HIGH, or the VA profile's natural stream */
        switch (c->caps.profile) {
        case VAProfileH264ConstrainedBaseline:
            profile_idc = VT_H264_PROFILE_IDC_BASELINE;
            constraints = VT_H264_CONSTRAINT_SET0 | VT_H264_CONSTRAINT_SET1;
            break;
        case VAProfileH264Main:
            profile_idc = VT_H264_PROFILE_IDC_MAIN;
            constraints = VT_H264_CONSTRAINT_SET1;
            break;
        default:
            profile_idc = VT_H264_PROFILE_IDC_HIGH;
            break;
        }
        break;
    }

    unsigned refs = c->b_frames ? 2 : 1;
    uint64_t rate = c->rate.bitrate;
    level = cfg->level_idc > 0
                ? (unsigned)cfg->level_idc
                : vt_h264_level_pick(profile_idc, (unsigned)c->enc_width, (unsigned)c->enc_height,
                                     c->rate.fps, rate, refs);
    if (!level) {
        vt_warn("vaapi: %dx%d at %.3g fps exceeds every H.264 level", c->enc_width, c->enc_height,
                c->rate.fps);
        return kVTParameterErr;
    }
    if (level == 9 && profile_idc != VT_H264_PROFILE_IDC_HIGH) { /* 1b outside High */
        level = 11;
        constraints |= VT_H264_CONSTRAINT_SET3;
    }

    vt_h264_sps_init(s, profile_idc, level, (unsigned)c->enc_width, (unsigned)c->enc_height);
    s->constraint_flags = (uint8_t)constraints;
    s->log2_max_frame_num_minus4 = LOG2_MAX_FRAME_NUM - 4;
    s->pic_order_cnt_type = 0;
    s->log2_max_pic_order_cnt_lsb_minus4 = LOG2_MAX_POC_LSB - 4;
    s->max_num_ref_frames = (uint8_t)refs;

    s->vui_parameters_present_flag = 1;
    if (cfg->sar_width > 0 && cfg->sar_height > 0)
        vt_h264_vui_set_sar(v, (unsigned)cfg->sar_width, (unsigned)cfg->sar_height);
    full_range =
        cfg->full_range != VT_UNSET ? cfg->full_range : format_is_full_range(cfg->pixel_format);
    if (cfg->colour_primaries >= 0 || cfg->transfer_characteristics >= 0 ||
        cfg->matrix_coefficients >= 0) {
        v->colour_description_present_flag = 1;
        v->colour_primaries = (uint8_t)(cfg->colour_primaries >= 0 ? cfg->colour_primaries : 2);
        v->transfer_characteristics =
            (uint8_t)(cfg->transfer_characteristics >= 0 ? cfg->transfer_characteristics : 2);
        v->matrix_coefficients =
            (uint8_t)(cfg->matrix_coefficients >= 0 ? cfg->matrix_coefficients : 2);
    }
    if (full_range || v->colour_description_present_flag) {
        v->video_signal_type_present_flag = 1;
        v->video_format = 5;
        v->video_full_range_flag = full_range ? 1 : 0;
    }
    if (cfg->expected_frame_rate > 0.0) {
        v->timing_info_present_flag = 1;
        v->num_units_in_tick = c->rate.fr_den;
        v->time_scale = c->rate.fr_num * 2;
    }
    v->bitstream_restriction_flag = 1;
    v->motion_vectors_over_pic_boundaries_flag = 1;
    v->log2_max_mv_length_horizontal = 15;
    v->log2_max_mv_length_vertical = 15;
    v->max_num_reorder_frames = c->b_frames ? 1 : 0;
    v->max_dec_frame_buffering = (uint8_t)refs;

    memset(p, 0, sizeof(*p));
    p->entropy_coding_mode_flag = !profile_is_baseline_family(cfg->profile) &&
                                  profile_idc != VT_H264_PROFILE_IDC_BASELINE &&
                                  cfg->entropy != VT_ENTROPY_CAVLC;
    if (cfg->entropy == VT_ENTROPY_CABAC && !p->entropy_coding_mode_flag)
        vt_warn("vaapi: CABAC is not allowed in the %s profile; using CAVLC",
                vt_encoder_h264_profile_name(cfg->profile));
    p->pic_init_qp_minus26 = (int8_t)((c->rate.rc == VT_VAAPI_RC_CQP ? (int)c->rate.qp : 26) - 26);
    p->deblocking_filter_control_present_flag = 1;
    p->transform_8x8_mode_flag = profile_idc == VT_H264_PROFILE_IDC_HIGH;

    vt_bs_init(&bs, rbsp, sizeof(rbsp));
    if (vt_h264_write_sps(&bs, s) < 0)
        return kVTParameterErr;
    c->sps_nal_size =
        vt_h264_nal_write(c->sps_nal, sizeof(c->sps_nal), 1, 3, VT_H264_NAL_SPS, rbsp, bs.bits);
    vt_bs_init(&bs, rbsp, sizeof(rbsp));
    if (vt_h264_write_pps(&bs, s, p) < 0)
        return kVTParameterErr;
    c->pps_nal_size =
        vt_h264_nal_write(c->pps_nal, sizeof(c->pps_nal), 1, 3, VT_H264_NAL_PPS, rbsp, bs.bits);
    if (!c->sps_nal_size || !c->pps_nal_size)
        return kVTParameterErr;
    return noErr;
}

/* ------------------------------------------------------------------ */
/* Open / close                                                        */

/* Releases everything c holds (not c itself). */
static void ctx_clear(VaH264Ctx *c) {
    vt_vaapi_pipe_close(c->disp.dpy, &c->va);
    if (c->dev)
        vt_vaapi_device_unref(c->dev);
    else
        vt_vaapi_display_close(&c->disp);
    vt_free(c->coded_data);
    vt_free(c->avcc);
}

static void ctx_free(VaH264Ctx *c) {
    ctx_clear(c);
    vt_free(c);
}

/* VA profiles to try for the requested VideoToolbox profile. */
static size_t profile_candidates(VTH264Profile p, VAProfile out[3]) {
    switch (p) {
    case VT_H264_PROFILE_BASELINE:
    case VT_H264_PROFILE_CONSTRAINED_BASELINE:
    case VT_H264_PROFILE_EXTENDED:
        out[0] = VAProfileH264ConstrainedBaseline;
        out[1] = VAProfileH264Main;
        out[2] = VAProfileH264High;
        return 3;
    case VT_H264_PROFILE_MAIN:
        out[0] = VAProfileH264Main;
        out[1] = VAProfileH264High;
        return 2;
    case VT_H264_PROFILE_HIGH:
    case VT_H264_PROFILE_CONSTRAINED_HIGH:
        out[0] = VAProfileH264High;
        return 1;
    default:
        out[0] = VAProfileH264High;
        out[1] = VAProfileH264Main;
        out[2] = VAProfileH264ConstrainedBaseline;
        return 3;
    }
}

static OSStatus open_va(VaH264Ctx *c) {
    /* room for a picture of uncompressed macroblocks plus headers */
    size_t coded_size = (size_t)c->width_mbs * (size_t)c->height_mbs * 400 + 65536;
    return vt_vaapi_pipe_open(c->disp.dpy, &c->va, &c->caps, vt_vaapi_rc_mode(c->rate.rc)->va_mode,
                              FALSE, c->enc_width, c->enc_height, MAX_IN_SURFACES, MAX_REC_SURFACES,
                              coded_size);
}

/* Creates an encoder instance on dev's display (NULL: opens a display). */
static OSStatus open_instance(const VTEncoderConfig *cfg, const VTEncoderCallbacks *cb,
                              VTVaapiDevice *dev, void **ctx) {
    VaH264Ctx *c;
    OSStatus st;
    VAProfile cands[3];
    size_t n_cands;
    Boolean found = FALSE;

    if (!ctx)
        return kVTParameterErr;
    *ctx = NULL;
    if (!cfg || !cb || !cb->output)
        return kVTParameterErr;
    st = vt_encoder_config_validate(cfg);
    if (st != noErr)
        return st;
    if (cfg->codec_type != VT_ENC_CODEC_H264) {
        vt_warn("vaapi: codec 0x%08x is not H.264", cfg->codec_type);
        return kVTParameterErr;
    }
    if (cfg->pixel_format &&
        !vt_encoder_backend_accepts_format(&vt_vaapi_h264_backend, cfg->pixel_format)) {
        vt_warn("vaapi: pixel format 0x%08x is not native", cfg->pixel_format);
        return kVTParameterErr;
    }

    if (vt_encoder_fault_check(VTCORE_FAULT_ENCODER_OPEN)) /* test hook (backend.h) */
        return kVTCouldNotCreateInstanceErr;

    c = vt_calloc(1, sizeof(*c));
    if (!c)
        return kVTAllocationFailedErr;
    c->cfg = *cfg;
    c->cb = *cb;
    c->fresh = TRUE;
    c->disp.fd = -1;
    c->low_delay = config_low_delay(cfg);
    c->enc_width = (cfg->width + 1) & ~1;
    c->enc_height = (cfg->height + 1) & ~1;
    c->width_mbs = (c->enc_width + 15) / 16;
    c->height_mbs = (c->enc_height + 15) / 16;
    vt_vaapi_rate_set_fps(&c->rate, cfg->expected_frame_rate);

    /* the device is looked up again (not from the cached probe): the
     * specification or the environment may name another one by now */
    if (dev) {
        /* a new instance in place of an old one: same display, so the
         * surfaces of the pools handed out stay encodable without a copy */
        c->disp = *vt_vaapi_device_display(dev);
        c->dev = vt_vaapi_device_ref(dev);
    } else {
        st = vt_vaapi_display_open(config_device(cfg), accept_h264, NULL, FALSE, &c->disp);
        if (st != noErr) {
            vt_warn("vaapi: no usable VA-API device");
            ctx_free(c);
            return kVTCouldNotCreateInstanceErr;
        }
        /* shared with the pools this context hands out (NULL: no pool, the
         * session keeps system memory) */
        c->dev = vt_vaapi_device_adopt(&c->disp);
    }

    n_cands = profile_candidates(cfg->profile, cands);
    for (size_t i = 0; i < n_cands && !found; i++) {
        if (vt_vaapi_query_enc_caps(c->disp.dpy, cands[i], cfg->maximize_power_efficiency == 1,
                                    &c->caps) == noErr &&
            caps_usable(&c->caps))
            found = TRUE;
    }
    if (!found) {
        vt_warn("vaapi: %s has no H.264 encoder for the %s profile", c->disp.path,
                vt_encoder_h264_profile_name(cfg->profile));
        ctx_free(c);
        return kVTParameterErr;
    }
    if ((uint32_t)c->enc_width > c->caps.max_width ||
        (uint32_t)c->enc_height > c->caps.max_height) {
        vt_warn("vaapi: %dx%d exceeds the encoder's %ux%u", c->enc_width, c->enc_height,
                c->caps.max_width, c->caps.max_height);
        ctx_free(c);
        return kVTParameterErr;
    }

    /* B-frames */
    c->b_frames = 0;
    if (cfg->allow_frame_reordering && cfg->allow_temporal_compression && !c->low_delay &&
        !profile_is_baseline_family(cfg->profile) &&
        cfg->profile != VT_H264_PROFILE_CONSTRAINED_HIGH &&
        c->caps.profile != VAProfileH264ConstrainedBaseline && c->caps.max_refs_l1 >= 1 &&
        c->caps.max_refs_l0 >= 1) {
        c->b_frames = MAX_B_FRAMES;
        if (cfg->max_frame_delay_count > 0 && cfg->max_frame_delay_count < c->b_frames)
            c->b_frames = cfg->max_frame_delay_count;
    }

    st = vt_vaapi_rate_map(&c->rate, cfg, c->caps.rc_modes, (double)c->width_mbs * c->height_mbs,
                           c->low_delay);
    if (st == noErr) {
        c->rate.quality_level = vt_vaapi_quality_level(cfg, c->caps.quality_range);
        st = build_headers(c);
    }
    if (st == noErr)
        st = open_va(c);
    if (st != noErr) {
        ctx_free(c);
        return st == kVTAllocationFailedErr || st == kVTParameterErr ? st
                                                                     : kVTCouldNotCreateInstanceErr;
    }
    vt_debug("vaapi: %s, %dx%d, profile %d entrypoint %d, level %u, %s, %d B-frame(s), %s",
             c->disp.path, c->enc_width, c->enc_height, c->caps.profile, c->caps.entrypoint,
             c->sps.level_idc, c->pps.entropy_coding_mode_flag ? "CABAC" : "CAVLC", c->b_frames,
             vt_vaapi_rc_mode(c->rate.rc)->name);
    c->announce_params = TRUE;
    c->rc_dirty = TRUE;
    *ctx = c;
    return noErr;
}

/* ------------------------------------------------------------------ */
/* Output                                                              */

static void emit_empty(VaH264Ctx *c, const VaFrame *f, OSStatus status, uint32_t info) {
    VTEncodedFrame out;
    memset(&out, 0, sizeof(out));
    out.status = status;
    out.info_flags = info;
    out.pts = f->pts;
    out.dts = f->pts;
    out.duration = f->duration;
    out.opaque = f->opaque;
    c->cb.output(c->cb.user, &out);
}

static int64_t next_dts(VaH264Ctx *c, const VaFrame *f) {
    int64_t dts = f->pts, k = c->decoded;
    if (c->b_frames) {
        if (k == 0) {
            int64_t step = f->duration > 0 ? f->duration
                                           : (int64_t)floor(c->cfg.timescale / c->rate.fps + 0.5);
            dts = f->pts - (step > 0 ? step : 1);
        } else {
            dts = c->ring_pts[(k - 1) % PTS_RING];
        }
    }
    if (c->have_last_dts && dts <= c->last_dts)
        dts = c->last_dts + 1;
    if (dts > f->pts)
        dts = f->pts;
    c->have_last_dts = TRUE;
    c->last_dts = dts;
    c->decoded++;
    return dts;
}

static OSStatus emit_coded(VaH264Ctx *c, const VaFrame *f, PicType type, size_t size) {
    VTEncodedFrame out;
    size_t avcc_size = 0;
    const uint32_t drop = VT_H264_NAL_MASK(VT_H264_NAL_SPS) | VT_H264_NAL_MASK(VT_H264_NAL_PPS) |
                          VT_H264_NAL_MASK(VT_H264_NAL_AUD);
    OSStatus st = vt_h264_annexb_to_avcc(c->coded_data, size, drop, NULL, 0, &avcc_size);
    if (st != noErr) {
        vt_error("vaapi: the driver returned no NAL units");
        return kVTVideoEncoderMalfunctionErr;
    }
    if (avcc_size > c->avcc_cap) {
        uint8_t *p = vt_realloc(c->avcc, avcc_size);
        if (!p)
            return kVTAllocationFailedErr;
        c->avcc = p;
        c->avcc_cap = avcc_size;
    }
    st = vt_h264_annexb_to_avcc(c->coded_data, size, drop, c->avcc, c->avcc_cap, &avcc_size);
    if (st != noErr || avcc_size == 0)
        return kVTVideoEncoderMalfunctionErr;

    memset(&out, 0, sizeof(out));
    out.status = noErr;
    out.data = c->avcc;
    out.size = avcc_size;
    out.is_keyframe = type == PIC_IDR;
    out.is_reference = type != PIC_B;
    out.frame_type = type == PIC_IDR ? VT_FRAME_TYPE_I
                     : type == PIC_P ? VT_FRAME_TYPE_P
                                     : VT_FRAME_TYPE_B;
    out.pts = f->pts;
    out.dts = next_dts(c, f);
    out.duration = f->duration;
    out.opaque = f->opaque;
    out.sps = c->sps_nal + 4;
    out.sps_size = c->sps_nal_size - 4;
    out.pps = c->pps_nal + 4;
    out.pps_size = c->pps_nal_size - 4;
    out.parameter_sets_changed = c->announce_params;
    c->announce_params = FALSE;
    c->cb.output(c->cb.user, &out);
    return noErr;
}

/* ------------------------------------------------------------------ */
/* Encoding one picture                                                */

static void invalid_pic(VAPictureH264 *p) {
    memset(p, 0, sizeof(*p));
    p->picture_id = VA_INVALID_SURFACE;
    p->flags = VA_PICTURE_H264_INVALID;
}

static void ref_pic(VAPictureH264 *p, const VaRef *r) {
    memset(p, 0, sizeof(*p));
    p->picture_id = r->surface;
    p->frame_idx = r->frame_num;
    p->flags = VA_PICTURE_H264_SHORT_TERM_REFERENCE;
    p->TopFieldOrderCnt = r->poc;
    p->BottomFieldOrderCnt = r->poc;
}

static VASurfaceID free_rec_surface(const VaH264Ctx *c) {
    for (int i = 0; i < MAX_REC_SURFACES; i++) {
        Boolean used = FALSE;
        for (int k = 0; k < c->n_dpb; k++)
            used |= c->dpb[k].surface == c->va.rec[i];
        if (!used)
            return c->va.rec[i];
    }
    return VA_INVALID_SURFACE;
}

static OSStatus encode_picture(VaH264Ctx *c, const VaFrame *f, PicType type) {
    VADisplay dpy = c->disp.dpy;
    VAEncPictureParameterBufferH264 pic;
    VAEncSliceParameterBufferH264 slice;
    VTH264SliceHeader sh;
    VTVaapiBufList bl;
    VASurfaceID input = f->input, rec = free_rec_surface(c);
    uint8_t rbsp[64], nal[128];
    VTBitWriter bs;
    OSStatus st = noErr;
    size_t n, size = 0;
    uint32_t frame_num;
    int32_t poc;
    const VaRef *l0 = NULL, *l1 = NULL;

    if (rec == VA_INVALID_SURFACE)
        return kVTVideoEncoderMalfunctionErr;
    bl.count = 0;

    if (type == PIC_IDR) {
        c->n_dpb = 0;
        c->idr_index = f->index;
        c->next_frame_num = 0;
        c->idr_pic_id++;
    }
    frame_num = c->next_frame_num;
    poc = (int32_t)(2 * (f->index - c->idr_index));
    if (type == PIC_P) {
        /* default list 0 of a P slice: the most recent reference first */
        l0 = &c->dpb[c->n_dpb - 1];
    } else if (type == PIC_B) {
        for (int i = 0; i < c->n_dpb; i++) {
            if (c->dpb[i].poc < poc && (!l0 || c->dpb[i].poc > l0->poc))
                l0 = &c->dpb[i];
            if (c->dpb[i].poc > poc && (!l1 || c->dpb[i].poc < l1->poc))
                l1 = &c->dpb[i];
        }
        if (!l0 || !l1) {
            vt_error("vaapi: B-frame without references on both sides");
            return kVTVideoEncoderMalfunctionErr;
        }
    }
    if (type != PIC_IDR && c->n_dpb == 0) {
        vt_error("vaapi: inter frame without a reference");
        return kVTVideoEncoderMalfunctionErr;
    }

    /* sequence-level parameters and headers on IDR frames */
    if (type == PIC_IDR) {
        VAEncSequenceParameterBufferH264 seq;
        const VTH264SPS *s = &c->sps;
        uint32_t gop = c->cfg.max_keyframe_interval > 0 ? (uint32_t)c->cfg.max_keyframe_interval
                                                        : (uint32_t)floor(c->rate.fps * 10.0 + 0.5);
        if (!c->cfg.allow_temporal_compression)
            gop = 1;
        memset(&seq, 0, sizeof(seq));
        seq.seq_parameter_set_id = s->seq_parameter_set_id;
        seq.level_idc = s->level_idc;
        seq.intra_period = gop;
        seq.intra_idr_period = gop;
        seq.ip_period = (uint32_t)c->b_frames + 1;
        seq.bits_per_second = c->rate.bitrate;
        seq.max_num_ref_frames = s->max_num_ref_frames;
        seq.picture_width_in_mbs = (uint16_t)(s->pic_width_in_mbs_minus1 + 1);
        seq.picture_height_in_mbs = (uint16_t)(s->pic_height_in_map_units_minus1 + 1);
        seq.seq_fields.bits.chroma_format_idc = s->chroma_format_idc;
        seq.seq_fields.bits.frame_mbs_only_flag = s->frame_mbs_only_flag;
        seq.seq_fields.bits.direct_8x8_inference_flag = s->direct_8x8_inference_flag;
        seq.seq_fields.bits.log2_max_frame_num_minus4 = s->log2_max_frame_num_minus4;
        seq.seq_fields.bits.pic_order_cnt_type = s->pic_order_cnt_type;
        seq.seq_fields.bits.log2_max_pic_order_cnt_lsb_minus4 =
            s->log2_max_pic_order_cnt_lsb_minus4;
        seq.frame_cropping_flag = s->frame_cropping_flag;
        seq.frame_crop_left_offset = s->frame_crop_left_offset;
        seq.frame_crop_right_offset = s->frame_crop_right_offset;
        seq.frame_crop_top_offset = s->frame_crop_top_offset;
        seq.frame_crop_bottom_offset = s->frame_crop_bottom_offset;
        seq.vui_parameters_present_flag = s->vui_parameters_present_flag;
        seq.vui_fields.bits.aspect_ratio_info_present_flag = s->vui.aspect_ratio_info_present_flag;
        seq.vui_fields.bits.timing_info_present_flag = s->vui.timing_info_present_flag;
        seq.vui_fields.bits.bitstream_restriction_flag = s->vui.bitstream_restriction_flag;
        seq.vui_fields.bits.log2_max_mv_length_horizontal = s->vui.log2_max_mv_length_horizontal;
        seq.vui_fields.bits.log2_max_mv_length_vertical = s->vui.log2_max_mv_length_vertical;
        seq.vui_fields.bits.fixed_frame_rate_flag = s->vui.fixed_frame_rate_flag;
        seq.vui_fields.bits.motion_vectors_over_pic_boundaries_flag =
            s->vui.motion_vectors_over_pic_boundaries_flag;
        seq.aspect_ratio_idc = s->vui.aspect_ratio_idc;
        seq.sar_width = s->vui.sar_width;
        seq.sar_height = s->vui.sar_height;
        seq.num_units_in_tick = s->vui.num_units_in_tick;
        seq.time_scale = s->vui.time_scale;
        st = vt_vaapi_add_buffer(dpy, c->va.context, &bl, VAEncSequenceParameterBufferType, &seq,
                                 sizeof(seq));
    }
    if (st == noErr && (type == PIC_IDR || c->rc_dirty)) {
        st = vt_vaapi_add_rate_params(dpy, c->va.context, &bl, &c->rate);
        if (st == noErr)
            c->rc_dirty = FALSE;
    }

    /* picture */
    memset(&pic, 0, sizeof(pic));
    pic.CurrPic.picture_id = rec;
    pic.CurrPic.frame_idx = frame_num;
    pic.CurrPic.TopFieldOrderCnt = poc;
    pic.CurrPic.BottomFieldOrderCnt = poc;
    for (int i = 0; i < 16; i++) {
        if (i < c->n_dpb)
            ref_pic(&pic.ReferenceFrames[i], &c->dpb[i]);
        else
            invalid_pic(&pic.ReferenceFrames[i]);
    }
    pic.coded_buf = c->va.coded;
    pic.pic_parameter_set_id = c->pps.pic_parameter_set_id;
    pic.seq_parameter_set_id = c->sps.seq_parameter_set_id;
    pic.frame_num = (uint16_t)frame_num;
    pic.pic_init_qp = (uint8_t)(26 + c->pps.pic_init_qp_minus26);
    pic.num_ref_idx_l0_active_minus1 = c->pps.num_ref_idx_l0_default_active_minus1;
    pic.num_ref_idx_l1_active_minus1 = c->pps.num_ref_idx_l1_default_active_minus1;
    pic.chroma_qp_index_offset = c->pps.chroma_qp_index_offset;
    pic.second_chroma_qp_index_offset = c->pps.second_chroma_qp_index_offset;
    pic.pic_fields.bits.idr_pic_flag = type == PIC_IDR;
    pic.pic_fields.bits.reference_pic_flag = type != PIC_B;
    pic.pic_fields.bits.entropy_coding_mode_flag = c->pps.entropy_coding_mode_flag;
    pic.pic_fields.bits.transform_8x8_mode_flag = c->pps.transform_8x8_mode_flag;
    pic.pic_fields.bits.deblocking_filter_control_present_flag =
        c->pps.deblocking_filter_control_present_flag;
    if (st == noErr)
        st = vt_vaapi_add_buffer(dpy, c->va.context, &bl, VAEncPictureParameterBufferType, &pic,
                                 sizeof(pic));
    if (st == noErr && type == PIC_IDR) {
        st = vt_vaapi_add_packed(dpy, c->va.context, &bl, VAEncPackedHeaderSequence, c->sps_nal,
                                 c->sps_nal_size * 8);
        if (st == noErr)
            st = vt_vaapi_add_packed(dpy, c->va.context, &bl, VAEncPackedHeaderPicture, c->pps_nal,
                                     c->pps_nal_size * 8);
    }

    /* the slice header, written by vtcore */
    memset(&sh, 0, sizeof(sh));
    sh.nal_unit_type = type == PIC_IDR ? VT_H264_NAL_IDR : VT_H264_NAL_SLICE;
    sh.nal_ref_idc = type == PIC_IDR ? 3 : type == PIC_P ? 2 : 0;
    sh.slice_type = (uint8_t)((type == PIC_IDR ? VT_H264_SLICE_I
                               : type == PIC_P ? VT_H264_SLICE_P
                                               : VT_H264_SLICE_B) +
                              5);
    sh.pic_parameter_set_id = c->pps.pic_parameter_set_id;
    sh.frame_num = frame_num;
    sh.idr_pic_id = c->idr_pic_id;
    sh.pic_order_cnt_lsb = (uint32_t)poc & ((1u << LOG2_MAX_POC_LSB) - 1);
    sh.direct_spatial_mv_pred_flag = type == PIC_B;
    sh.slice_qp_delta =
        (int8_t)(c->rate.rc == VT_VAAPI_RC_CQP && type == PIC_B && c->rate.qp < 50 ? 2 : 0);
    vt_bs_init(&bs, rbsp, sizeof(rbsp));
    if (vt_h264_write_slice_header(&bs, &c->sps, &c->pps, &sh) < 0) {
        vt_error("vaapi: slice header does not fit");
        st = kVTVideoEncoderMalfunctionErr;
    }
    if (st == noErr) {
        n = vt_h264_nal_write(nal, sizeof(nal), 1, sh.nal_ref_idc, sh.nal_unit_type, rbsp, bs.bits);
        /* exact length: the last byte holds bits % 8 header bits */
        size_t bits = n * 8 - (bs.bits % 8 ? 8 - bs.bits % 8 : 0);
        st = n ? vt_vaapi_add_packed(dpy, c->va.context, &bl, VAEncPackedHeaderSlice, nal, bits)
               : kVTVideoEncoderMalfunctionErr;
    }

    memset(&slice, 0, sizeof(slice));
    slice.macroblock_address = 0;
    slice.num_macroblocks = (uint32_t)(c->width_mbs * c->height_mbs);
    slice.macroblock_info = VA_INVALID_ID;
    slice.slice_type = (uint8_t)(sh.slice_type % 5);
    slice.pic_parameter_set_id = sh.pic_parameter_set_id;
    slice.idr_pic_id = (uint16_t)sh.idr_pic_id;
    slice.pic_order_cnt_lsb = (uint16_t)sh.pic_order_cnt_lsb;
    slice.direct_spatial_mv_pred_flag = sh.direct_spatial_mv_pred_flag;
    slice.num_ref_idx_l0_active_minus1 = c->pps.num_ref_idx_l0_default_active_minus1;
    slice.num_ref_idx_l1_active_minus1 = c->pps.num_ref_idx_l1_default_active_minus1;
    for (int i = 0; i < 32; i++) {
        invalid_pic(&slice.RefPicList0[i]);
        invalid_pic(&slice.RefPicList1[i]);
    }
    if (l0)
        ref_pic(&slice.RefPicList0[0], l0);
    if (l1)
        ref_pic(&slice.RefPicList1[0], l1);
    slice.cabac_init_idc = sh.cabac_init_idc;
    slice.slice_qp_delta = sh.slice_qp_delta;
    slice.disable_deblocking_filter_idc = sh.disable_deblocking_filter_idc;
    if (st == noErr)
        st = vt_vaapi_add_buffer(dpy, c->va.context, &bl, VAEncSliceParameterBufferType, &slice,
                                 sizeof(slice));

    if (st == noErr)
        st = vt_vaapi_encode_picture(dpy, c->va.context, input, &bl, c->va.coded, &c->coded_data,
                                     &c->coded_cap, &size);
    else
        vt_vaapi_destroy_buffers(dpy, &bl);
    if (st != noErr)
        return st;

    /* decoded reference picture marking: sliding window */
    if (type != PIC_B) {
        if (c->n_dpb == c->sps.max_num_ref_frames) {
            memmove(&c->dpb[0], &c->dpb[1], (size_t)(c->n_dpb - 1) * sizeof(c->dpb[0]));
            c->n_dpb--;
        }
        c->dpb[c->n_dpb].surface = rec;
        c->dpb[c->n_dpb].frame_num = frame_num;
        c->dpb[c->n_dpb].poc = poc;
        c->n_dpb++;
        c->next_frame_num = (frame_num + 1) & ((1u << LOG2_MAX_FRAME_NUM) - 1);
    }
    return emit_coded(c, f, type, size);
}

/* ------------------------------------------------------------------ */
/* Entry points                                                        */

static void release_frame(VaH264Ctx *c, const VaFrame *f) {
    if (f->surface >= 0)
        c->in_used[f->surface] = FALSE;
}

/* Encodes frames[0..n) with the given types, in order. On failure every
 * frame of the batch from the failing one on gets an error output except
 * `skip` (the frame the caller will report as not accepted). */
static OSStatus encode_batch(VaH264Ctx *c, const VaFrame *frames, const PicType *types, int n,
                             const VaFrame *skip) {
    for (int i = 0; i < n; i++) {
        OSStatus st = encode_picture(c, &frames[i], types[i]);
        if (st != noErr) {
            vt_error("vaapi: encoding failed; %d pending frame(s) reported as failed",
                     n - i - (skip != NULL));
            c->failed = TRUE;
            for (int k = i; k < n; k++) {
                release_frame(c, &frames[k]);
                if (skip && frames[k].opaque == skip->opaque && frames[k].index == skip->index)
                    continue;
                emit_empty(c, &frames[k], kVTVideoEncoderMalfunctionErr, 0);
            }
            return kVTVideoEncoderMalfunctionErr;
        }
        release_frame(c, &frames[i]);
    }
    return noErr;
}

/* The test hook (backend.h) made the encoder fail: as a failing
 * encode_batch, every pending frame is reported as failed. */
static OSStatus fail_injected(VaH264Ctx *c) {
    vt_error("vaapi: encoding failed (injected); %d pending frame(s) reported as failed",
             c->n_pending);
    c->failed = TRUE;
    for (int i = 0; i < c->n_pending; i++) {
        release_frame(c, &c->pending[i]);
        emit_empty(c, &c->pending[i], kVTVideoEncoderMalfunctionErr, 0);
    }
    c->n_pending = 0;
    return kVTVideoEncoderMalfunctionErr;
}

/* Pending frames (display order) as a chain of P frames: closes the GOP. */
static OSStatus drain_pending(VaH264Ctx *c, const VaFrame *skip) {
    PicType types[MAX_B_FRAMES + 1];
    VaFrame frames[MAX_B_FRAMES + 1];
    int n = c->n_pending;
    for (int i = 0; i < n; i++) {
        frames[i] = c->pending[i];
        types[i] = PIC_P;
    }
    c->n_pending = 0;
    return encode_batch(c, frames, types, n, skip);
}

static Boolean frame_valid(const VaH264Ctx *c, const VTEncoderFrame *f) {
    size_t w = (size_t)f->width, cw = (w + 1) / 2;
    Boolean nv12, i420;
    int planes;
    if (f->width != c->cfg.width || f->height != c->cfg.height)
        return FALSE;
    nv12 = f->pixel_format == VT_ENC_FORMAT_NV12 || f->pixel_format == VT_ENC_FORMAT_NV12_FR;
    i420 = f->pixel_format == VT_ENC_FORMAT_I420 || f->pixel_format == VT_ENC_FORMAT_I420_FR;
    if (!nv12 && !i420)
        return FALSE;
    planes = nv12 ? 2 : 3;
    if (f->plane_count != planes)
        return FALSE;
    if (f->pixel_buffer && !f->planes[0])
        return nv12; /* read from a pool surface (takes_buffer) */
    for (int i = 0; i < planes; i++) {
        size_t need = i == 0 ? w : nv12 ? 2 * cw : cw;
        if (!f->planes[i] || f->strides[i] < need)
            return FALSE;
    }
    return TRUE;
}

static OSStatus vaapi_h264_encode(void *ctx, const VTEncoderFrame *in) {
    VaH264Ctx *c = ctx;
    VaFrame f;
    Boolean idr, periodic = FALSE;
    int slot = -1;
    OSStatus st;

    if (!c || !in)
        return kVTParameterErr;
    if (c->failed)
        return kVTVideoEncoderMalfunctionErr;
    if (!frame_valid(c, in)) {
        vt_warn("vaapi: frame %dx%d format 0x%08x does not match the session", in->width,
                in->height, in->pixel_format);
        return kVTParameterErr;
    }
    if (c->next_index > 0 && in->pts <= c->ring_pts[(c->next_index - 1) % PTS_RING]) {
        vt_warn("vaapi: pts %" PRId64 " does not increase", in->pts);
        return kVTParameterErr;
    }
    c->fresh = FALSE;
    if (vt_encoder_fault_check(VTCORE_FAULT_ENCODER_ENCODE))
        return fail_injected(c);
    if (in->pixel_buffer && !in->planes[0]) {
        /* takes_buffer() accepted it: a buffer of our pool, by identity */
        f.input = vt_vaapi_pixel_buffer_surface(in->pixel_buffer);
        if (f.input == VA_INVALID_SURFACE)
            return kVTParameterErr;
    } else if (vt_vaapi_pool_claim(c->dev, in, FALSE, c->enc_width, c->enc_height, &f.input)) {
        /* a buffer of our pool: encoded from its surface, no copy */
    } else {
        for (int i = 0; i < MAX_IN_SURFACES; i++) {
            if (!c->in_used[i]) {
                slot = i;
                break;
            }
        }
        if (slot < 0) {
            vt_error("vaapi: no free input surface");
            return kVTVideoEncoderMalfunctionErr;
        }
        st = vt_vaapi_upload(c->disp.dpy, c->va.in[slot], in, c->enc_width, c->enc_height, FALSE,
                             &c->no_derive);
        if (st != noErr)
            return st == kVTAllocationFailedErr ? st : kVTVideoEncoderMalfunctionErr;
        c->in_used[slot] = TRUE;
        f.input = c->va.in[slot];
    }
    f.surface = slot;
    f.pts = in->pts;
    f.duration = in->duration;
    f.opaque = in->opaque;
    f.index = c->next_index;

    /* keyframe placement, in display order (as x264.c) */
    idr = in->force_keyframe || c->force_next_idr || !c->have_key ||
          !c->cfg.allow_temporal_compression;
    if (c->cfg.max_keyframe_interval > 0 && c->have_key &&
        f.index - c->last_key_index >= c->cfg.max_keyframe_interval)
        periodic = TRUE;
    if (c->cfg.max_keyframe_interval_duration > 0.0 && c->have_key) {
        double ticks = c->cfg.max_keyframe_interval_duration * (double)c->cfg.timescale;
        if ((double)(f.pts - c->last_key_pts) >= ticks - 0.5)
            periodic = TRUE;
    }
    c->ring_pts[f.index % PTS_RING] = f.pts;
    c->next_index++;

    if (idr || periodic) {
        PicType t = PIC_IDR;
        c->have_key = TRUE;
        c->force_next_idr = FALSE;
        c->last_key_index = f.index;
        c->last_key_pts = f.pts;
        st = drain_pending(c, NULL);
        if (st == noErr)
            st = encode_batch(c, &f, &t, 1, &f);
    } else if (c->b_frames == 0) {
        PicType t = PIC_P;
        st = encode_batch(c, &f, &t, 1, &f);
    } else {
        c->pending[c->n_pending++] = f;
        st = noErr;
        if (c->n_pending == c->b_frames + 1) {
            /* the last frame becomes the P frame, the ones before it B */
            VaFrame frames[MAX_B_FRAMES + 1];
            PicType types[MAX_B_FRAMES + 1];
            int n = c->n_pending;
            frames[0] = c->pending[n - 1];
            types[0] = PIC_P;
            for (int i = 0; i < n - 1; i++) {
                frames[i + 1] = c->pending[i];
                types[i + 1] = PIC_B;
            }
            c->n_pending = 0;
            st = encode_batch(c, frames, types, n, &f);
        }
    }
    if (st != noErr) {
        /* the current frame was not accepted: forget its pts */
        if (slot >= 0)
            c->in_used[slot] = FALSE;
        c->next_index--;
        return st;
    }
    return noErr;
}

static OSStatus vaapi_h264_flush(void *ctx) {
    VaH264Ctx *c = ctx;
    OSStatus st;
    if (!c)
        return kVTParameterErr;
    if (c->failed)
        return kVTVideoEncoderMalfunctionErr;
    if (c->n_pending > 0 && vt_encoder_fault_check(VTCORE_FAULT_ENCODER_FLUSH))
        return fail_injected(c);
    st = drain_pending(c, NULL);
    if (st != noErr)
        return st;
    c->fresh = TRUE;
    c->force_next_idr = TRUE;
    return noErr;
}

static int vaapi_h264_pending(void *ctx) {
    VaH264Ctx *c = ctx;
    return c ? c->n_pending : 0;
}

/* Fields that cannot change without a new encoder. */
static Boolean static_fields_equal(const VTEncoderConfig *a, const VTEncoderConfig *b) {
#define SAME(f) (a->f == b->f)
    return SAME(width) && SAME(height) && SAME(codec_type) && SAME(timescale) && SAME(profile) &&
           SAME(level_idc) && SAME(entropy) && SAME(allow_frame_reordering) &&
           SAME(allow_temporal_compression) && SAME(allow_open_gop) &&
           SAME(reference_buffer_count) && SAME(realtime) && SAME(max_frame_delay_count) &&
           SAME(prioritize_speed) && SAME(maximize_power_efficiency) &&
           SAME(low_latency_rate_control) && SAME(colour_primaries) &&
           SAME(transfer_characteristics) && SAME(matrix_coefficients) && SAME(full_range) &&
           SAME(sar_width) && SAME(sar_height) && SAME(max_slice_bytes) &&
           (a->pixel_format == b->pixel_format || !b->pixel_format ||
            format_is_full_range(a->pixel_format) == format_is_full_range(b->pixel_format));
#undef SAME
}

static OSStatus vaapi_h264_open(const VTEncoderConfig *cfg, const VTEncoderCallbacks *cb,
                                void **ctx) {
    return open_instance(cfg, cb, NULL, ctx);
}

/* A change that needs a new instance, before the first frame or right after
 * flush(): the new instance replaces c in place on the same display
 * (VTVaapiDevice), so buffers of the pools c handed out (create_pool) stay
 * zero-copy input. Returns noErr, kVTPropertyNotSupportedErr when c has no
 * shareable display (the session then closes and opens an instance itself),
 * or open()'s error (c unchanged). */
static OSStatus reopen_in_place(VaH264Ctx *c, const VTEncoderConfig *cfg) {
    VaH264Ctx *n = NULL;
    OSStatus st;
    if (!c->dev)
        return kVTPropertyNotSupportedErr;
    st = open_instance(cfg, &c->cb, c->dev, (void **)&n);
    if (st != noErr) {
        /* as a failing open of the session's own: c stays as it was */
        vt_debug("vaapi: new instance on the same display failed (%d)", (int)st);
        return st == kVTPropertyNotSupportedErr ? kVTCouldNotCreateInstanceErr : st;
    }
    ctx_clear(c);
    *c = *n;
    vt_free(n);
    vt_debug("vaapi: new encoder instance on the same display");
    return noErr;
}

static OSStatus vaapi_h264_reconfigure(void *ctx, const VTEncoderConfig *cfg) {
    VaH264Ctx *c = ctx;
    OSStatus st;
    if (!c || !cfg)
        return kVTParameterErr;
    if (c->failed)
        return kVTVideoEncoderMalfunctionErr;
    st = vt_encoder_config_validate(cfg);
    if (st != noErr)
        return st;
    if (!static_fields_equal(&c->cfg, cfg)) {
        vt_debug("vaapi: change needs a new encoder instance");
        if (!c->fresh)
            return kVTPropertyNotSupportedErr; /* drain first (the session flushes) */
        return reopen_in_place(c, cfg);
    }
    /* The rate-control mode is part of the VA config: it must stay. The SPS
     * (VUI timing) stays too; a new frame rate only reaches rate control. */
    st = vt_vaapi_rate_update(&c->rate, cfg, c->caps.rc_modes, (double)c->width_mbs * c->height_mbs,
                              c->low_delay);
    if (st != noErr)
        return st;
    c->cfg = *cfg;
    c->rc_dirty = TRUE;
    return noErr;
}

static OSStatus vaapi_h264_get_parameter_sets(void *ctx, const uint8_t **sps, size_t *sps_size,
                                              const uint8_t **pps, size_t *pps_size) {
    VaH264Ctx *c = ctx;
    if (!c || !sps || !sps_size || !pps || !pps_size)
        return kVTParameterErr;
    *sps = c->sps_nal + 4;
    *sps_size = c->sps_nal_size - 4;
    *pps = c->pps_nal + 4;
    *pps_size = c->pps_nal_size - 4;
    return noErr;
}

static Boolean vaapi_h264_takes_buffer(void *ctx, const void *pixel_buffer) {
    VaH264Ctx *c = ctx;
    return c && !c->failed &&
           vt_vaapi_pool_take(c->dev, pixel_buffer, FALSE, c->enc_width, c->enc_height);
}

static OSStatus vaapi_h264_create_pool(void *ctx, uint32_t format, int32_t width, int32_t height,
                                       const void *attributes, struct __CVPixelBufferPool **pool) {
    VaH264Ctx *c = ctx;
    if (!pool)
        return kVTParameterErr;
    *pool = NULL;
    if (!c || c->failed || width != c->cfg.width || height != c->cfg.height)
        return kVTPropertyNotSupportedErr;
    return vt_vaapi_pool_create(c->dev, FALSE, c->enc_width, c->enc_height, format, width, height,
                                attributes, pool);
}

static void vaapi_h264_close(void *ctx) {
    VaH264Ctx *c = ctx;
    if (!c)
        return;
    for (int i = 0; i < c->n_pending; i++)
        emit_empty(c, &c->pending[i], noErr, kVTEncodeInfo_FrameDropped);
    c->n_pending = 0;
    ctx_free(c);
}

const VTEncoderBackend vt_vaapi_h264_backend = {
    .encoder_id = "org.vtcore.vaapi.h264",
    .encoder_name = "vtcore VA-API H.264 (HW)",
    .codec_name = "H.264",
    .codec_type = VT_ENC_CODEC_H264,
    .hardware = TRUE,
    .caps = VT_CAP_BFRAMES | VT_CAP_CBR | VT_CAP_CRF | VT_CAP_RECONFIG | VT_CAP_LOW_LATENCY |
            VT_CAP_DATA_RATE | VT_CAP_QP_RANGE | VT_CAP_ODD_SIZE,
    .native_formats = vaapi_native_formats,
    .probe = vaapi_h264_probe,
    .open = vaapi_h264_open,
    .encode = vaapi_h264_encode,
    .reconfigure = vaapi_h264_reconfigure,
    .flush = vaapi_h264_flush,
    .pending = vaapi_h264_pending,
    .get_parameter_sets = vaapi_h264_get_parameter_sets,
    .close = vaapi_h264_close,
    .create_pool = vaapi_h264_create_pool,
    .takes_buffer = vaapi_h264_takes_buffer,
};
