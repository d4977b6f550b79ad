/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The VA-API HEVC hardware backend ("org.vtcore.vaapi.hevc"). Shared VA
 * plumbing (devices, caps, rate control, upload, coded data) lives in
 * vaapi.c; this file is the HEVC part. vtcore writes the VPS, SPS, PPS and
 * every slice segment header itself (h265_bitwriter.c) and hands them to the
 * driver as packed headers.
 *
 *  device   the encoder specification's device (VTEncoderConfig.device), else
 *           VTCORE_VAAPI_DEVICE, else the first /dev/dri/renderD* whose driver
 *           offers VAProfileHEVCMain (or Main10) encoding with packed headers.
 *  profile  HEVC_Main_AutoLevel -> Main (VAProfileHEVCMain, 8-bit surfaces);
 *           HEVC_Main10_AutoLevel -> Main10 (VAProfileHEVCMain10, P010
 *           surfaces); no ProfileLevel -> Main10 for 10-bit input when the
 *           driver has it, else Main. 8-bit input into a Main10 session is
 *           widened (v << 2) while uploading; 10-bit input into Main is rounded
 *           to 8 bits. Level: the smallest (Main tier) for size, rate, bitrate.
 *  blocks   CTB, coding/transform block and PCM sizes from the driver's
 *           VAConfigAttribEncHEVCBlockSizes (CTB 32 when allowed), tools from
 *           VAConfigAttribEncHEVCFeatures: AMP, SAO, temporal MVP, strong intra
 *           smoothing, transform skip when supported; sign data hiding and
 *           PCM only when the driver requires them (PCM then with the PCM
 *           loop filter off); cu_qp_delta for bitrate modes or when required.
 *           Without those attributes: CTB 32, CB 8, TB 4..32, AMP/SAO/TMVP on.
 *  GOP      IDR_W_RADL first, then P frames (TRAIL_R) each predicting from the
 *           previous picture (one reference, RPS coded in the slice header).
 *           No B-frames in this version. IDRs exactly where
 *           MaxKeyFrameInterval, MaxKeyFrameIntervalDuration or
 *           ForceKeyFrame ask; AllowTemporalCompression=false -> all IDR.
 *  rate     as H.264 (vaapi.c: CQP/CBR/VBR/ICQ/QVBR, HRD, live changes).
 *  output   the driver's Annex B -> 4-byte length-prefixed NAL units without
 *           VPS/SPS/PPS/AUD; VPS/SPS/PPS out of band (the session builds an
 *           hvcC format description from them).
 */
#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <va/va.h>
#include <va/va_enc_hevc.h>

#include "encoder/backend.h"
#include "encoder/h264.h"
#include "encoder/h265_bitwriter.h"
#include "encoder/vaapi.h"
#include "log.h"
#include "mem.h"

#define N_IN_SURFACES  2
#define N_REC_SURFACES 3
_Static_assert(N_IN_SURFACES <= VT_VAAPI_MAX_SURFACES && N_REC_SURFACES <= VT_VAAPI_MAX_SURFACES,
               "VTVaapiPipe holds the surfaces");
#define PTS_RING 64

typedef enum PicType { PIC_IDR, PIC_P } PicType;

typedef struct HevcFrame {
    int surface;       /* index into in_surfaces, -1 = a surface of our pool */
    VASurfaceID input; /* the surface to encode */
    int64_t pts, duration, index;
    void *opaque;
} HevcFrame;

typedef struct HevcCtx {
    VTEncoderConfig cfg;
    VTEncoderCallbacks cb;
    VTVaapiDisplay disp;
    VTVaapiDevice *dev; /* owns disp (shared with our pools), NULL = disp is ours */
    Boolean fresh;      /* no frame since open or flush (reconfigure may reopen) */
    VTVaapiEncCaps caps;
    VTVaapiPipe va; /* config, surfaces, context, coded buffer */
    Boolean in_used[N_IN_SURFACES];
    Boolean no_derive, ten_bit;

    int enc_width, enc_height; /* surfaces (16-aligned) */
    unsigned ctb_log2, ctus;
    Boolean low_delay;

    VTH265SPS sps;
    VTH265PPS pps;
    uint8_t vps_nal[128], sps_nal[256], pps_nal[64]; /* with a 4-byte start code */
    size_t vps_nal_size, sps_nal_size, pps_nal_size;

    VTVaapiRate rate;
    Boolean rc_dirty;

    /* GOP and reference */
    int64_t next_index, idr_index;
    Boolean have_key, force_next_idr;
    int64_t last_key_index, last_key_pts;
    Boolean have_ref;
    VASurfaceID ref_surface;
    int32_t ref_poc;

    /* output */
    int64_t ring_pts[PTS_RING];
    Boolean have_last_dts;
    int64_t last_dts;
    Boolean announce_params, failed;
    uint8_t *coded_data, *out;
    size_t coded_cap, out_cap;
} HevcCtx;

/* ------------------------------------------------------------------ */
/* Probe                                                               */

typedef struct ProbeState {
    OSStatus status;
} ProbeState;

static ProbeState g_probe;
static pthread_once_t g_probe_once = PTHREAD_ONCE_INIT;

static Boolean caps_usable(const VTVaapiEncCaps *caps) {
    const uint32_t need =
        VA_ENC_PACKED_HEADER_SEQUENCE | VA_ENC_PACKED_HEADER_PICTURE | VA_ENC_PACKED_HEADER_SLICE;
    uint32_t rt =
        caps->profile == VAProfileHEVCMain10 ? VA_RT_FORMAT_YUV420_10 : VA_RT_FORMAT_YUV420;
    if (!(caps->rt_formats & rt))
        return FALSE;
    if ((caps->packed_headers & need) != need) {
        vt_debug("vaapi: HEVC profile %d: the driver takes no packed VPS/SPS/PPS/slice headers "
                 "(0x%x)",
                 caps->profile, caps->packed_headers);
        return FALSE;
    }
    if (!(caps->rc_modes & (VA_RC_CQP | VA_RC_CBR | VA_RC_VBR | VA_RC_ICQ | VA_RC_QVBR)))
        return FALSE;
    return TRUE;
}

static Boolean accept_hevc(VADisplay dpy, void *user) {
    (void)user;
    VTVaapiEncCaps caps;
    return vt_vaapi_query_enc_caps(dpy, VAProfileHEVCMain, FALSE, &caps) == noErr &&
           caps_usable(&caps);
}

static void probe_once(void) {
    VTVaapiDisplay d;
    g_probe.status = vt_vaapi_display_open(NULL, accept_hevc, NULL, TRUE, &d);
    if (g_probe.status == noErr)
        vt_vaapi_display_close(&d);
    else
        g_probe.status = kVTCouldNotFindVideoEncoderErr;
}

static OSStatus vaapi_hevc_probe(void) {
    pthread_once(&g_probe_once, probe_once);
    return g_probe.status;
}

/* ------------------------------------------------------------------ */
/* Configuration                                                       */

static const uint32_t hevc_native_formats[] = {
    VT_ENC_FORMAT_NV12,
    VT_ENC_FORMAT_NV12_FR,
    VT_ENC_FORMAT_I420,
    VT_ENC_FORMAT_I420_FR,
    VT_ENC_FORMAT_P010,
    VT_ENC_FORMAT_P010_FR,
    0,
};

static Boolean config_low_delay(const VTEncoderConfig *cfg) {
    return cfg->low_latency_rate_control || cfg->max_frame_delay_count == 0 || cfg->realtime == 1;
}

static unsigned feature(const VTVaapiEncCaps *caps, unsigned shift, unsigned dflt) {
    if (caps->hevc_features == VA_ATTRIB_NOT_SUPPORTED)
        return dflt;
    return (caps->hevc_features >> shift) & 3;
}

/* Bit positions of VAConfigAttribValEncHEVCFeatures fields (2 bits each). */
enum {
    F_AMP = 4,
    F_SAO = 6,
    F_PCM = 8,
    F_TMVP = 10,
    F_STRONG_INTRA = 12,
    F_SIGN_HIDING = 16,
    F_TRANSFORM_SKIP = 20,
    F_CU_QP_DELTA = 22,
};

static unsigned clampu(unsigned v, unsigned lo, unsigned hi) {
    return v < lo ? lo : v > hi ? hi : v;
}

static OSStatus build_headers(HevcCtx *c) {
    const VTEncoderConfig *cfg = &c->cfg;
    VTH265SPS *s = &c->sps;
    VTH265PPS *p = &c->pps;
    VTH265VUI *v = &s->vui;
    const VTVaapiEncCaps *caps = &c->caps;
    unsigned profile_idc = c->ten_bit ? VT_H265_PROFILE_IDC_MAIN10 : VT_H265_PROFILE_IDC_MAIN;
    unsigned ctb = 5, min_cb = 3, min_tb = 2, max_tb = 5, depth_inter = 3, depth_intra = 3;
    unsigned pcm_min = 3, pcm_max = 5;
    uint8_t rbsp[256];
    VTBitWriter bs;
    int full_range;

    if (caps->hevc_block_sizes != VA_ATTRIB_NOT_SUPPORTED) {
        VAConfigAttribValEncHEVCBlockSizes b;
        b.value = caps->hevc_block_sizes;
        ctb = clampu(5, b.bits.log2_min_coding_tree_block_size_minus3 + 3u,
                     b.bits.log2_max_coding_tree_block_size_minus3 + 3u);
        ctb = clampu(ctb, 4, 6);
        min_cb = clampu(b.bits.log2_min_luma_coding_block_size_minus3 + 3u, 3, ctb);
        min_tb = clampu(b.bits.log2_min_luma_transform_block_size_minus2 + 2u, 2, 5);
        max_tb = clampu(b.bits.log2_max_luma_transform_block_size_minus2 + 2u, min_tb,
                        ctb < 5 ? ctb : 5);
        depth_inter = b.bits.max_max_transform_hierarchy_depth_inter;
        depth_intra = b.bits.max_max_transform_hierarchy_depth_intra;
        pcm_min = b.bits.log2_min_pcm_coding_block_size_minus3 + 3u;
        pcm_max = b.bits.log2_max_pcm_coding_block_size_minus3 + 3u;
    }
    if (min_tb >= min_cb)
        min_tb = min_cb - 1;
    depth_inter = clampu(depth_inter, 0, ctb - min_tb);
    depth_intra = clampu(depth_intra, 0, ctb - min_tb);

    unsigned level = vt_h265_level_pick((unsigned)cfg->width, (unsigned)cfg->height, c->rate.fps,
                                        c->rate.bitrate);
    if (!level) {
        vt_warn("vaapi: %dx%d at %.3g fps exceeds every HEVC level", cfg->width, cfg->height,
                c->rate.fps);
        return kVTParameterErr;
    }
    vt_h265_sps_init(s, profile_idc, level, (unsigned)cfg->width, (unsigned)cfg->height);
    /* the coded size must be a multiple of MinCbSizeY */
    s->pic_width = ((unsigned)cfg->width + (1u << min_cb) - 1) & ~((1u << min_cb) - 1);
    s->pic_height = ((unsigned)cfg->height + (1u << min_cb) - 1) & ~((1u << min_cb) - 1);
    s->conformance_window_flag =
        s->pic_width != (unsigned)cfg->width || s->pic_height != (unsigned)cfg->height;
    s->conf_win_right = (s->pic_width - (unsigned)cfg->width) / 2;
    s->conf_win_bottom = (s->pic_height - (unsigned)cfg->height) / 2;
    s->log2_min_cb_minus3 = (uint8_t)(min_cb - 3);
    s->log2_diff_max_min_cb = (uint8_t)(ctb - min_cb);
    s->log2_min_tb_minus2 = (uint8_t)(min_tb - 2);
    s->log2_diff_max_min_tb = (uint8_t)(max_tb - min_tb);
    s->max_transform_hierarchy_depth_inter = (uint8_t)depth_inter;
    s->max_transform_hierarchy_depth_intra = (uint8_t)depth_intra;
    s->amp_enabled_flag = feature(caps, F_AMP, 1) != VA_FEATURE_NOT_SUPPORTED;
    s->sample_adaptive_offset_enabled_flag = feature(caps, F_SAO, 1) != VA_FEATURE_NOT_SUPPORTED;
    s->sps_temporal_mvp_enabled_flag = feature(caps, F_TMVP, 1) != VA_FEATURE_NOT_SUPPORTED;
    s->strong_intra_smoothing_enabled_flag =
        feature(caps, F_STRONG_INTRA, 0) != VA_FEATURE_NOT_SUPPORTED;
    if (feature(caps, F_PCM, 0) == VA_FEATURE_REQUIRED) {
        /* Log2MinIpcmCbSizeY in Min(MinCb, 5)..Min(Ctb, 5) */
        unsigned lo = min_cb < 5 ? min_cb : 5, hi = ctb < 5 ? ctb : 5;
        pcm_min = clampu(pcm_min, lo, hi);
        pcm_max = clampu(pcm_max, pcm_min, hi);
        s->pcm_enabled_flag = 1;
        s->log2_min_pcm_cb_minus3 = (uint8_t)(pcm_min - 3);
        s->log2_diff_max_min_pcm_cb = (uint8_t)(pcm_max - pcm_min);
        s->pcm_loop_filter_disabled_flag = 1;
    }
    s->max_dec_pic_buffering_minus1 = 1;
    s->max_num_reorder_pics = 0;

    s->vui_parameters_present_flag = 1;
    if (cfg->sar_width > 0 && cfg->sar_height > 0)
        vt_h265_vui_set_sar(v, (unsigned)cfg->sar_width, (unsigned)cfg->sar_height);
    full_range = cfg->full_range != VT_UNSET ? cfg->full_range
                                             : vt_vaapi_format_is_full_range(cfg->pixel_format);
    if (cfg->colour_primaries >= 0 || cfg->transfer_characteristics >= 0 ||
        cfg->matrix_coefficients >= 0) {
        v->colour_description_present_flag = 1;
        v->colour_primaries = (uint8_t)(cfg->colour_primaries >= 0 ? cfg->colour_primaries : 2);
        v->transfer_characteristics =
            (uint8_t)(cfg->transfer_characteristics >= 0 ? cfg->transfer_characteristics : 2);
        v->matrix_coeffs = (uint8_t)(cfg->matrix_coefficients >= 0 ? cfg->matrix_coefficients : 2);
    }
    if (full_range || v->colour_description_present_flag) {
        v->video_signal_type_present_flag = 1;
        v->video_format = 5;
        v->video_full_range_flag = full_range ? 1 : 0;
    }
    if (cfg->expected_frame_rate > 0.0) {
        v->timing_info_present_flag = 1;
        v->num_units_in_tick = c->rate.fr_den;
        v->time_scale = c->rate.fr_num;
    }
    v->bitstream_restriction_flag = 1;
    v->motion_vectors_over_pic_boundaries_flag = 1;
    v->restricted_ref_pic_lists_flag = 1;
    v->log2_max_mv_length_horizontal = 15;
    v->log2_max_mv_length_vertical = 15;

    memset(p, 0, sizeof(*p));
    p->sign_data_hiding_enabled_flag = feature(caps, F_SIGN_HIDING, 0) == VA_FEATURE_REQUIRED;
    p->transform_skip_enabled_flag = feature(caps, F_TRANSFORM_SKIP, 0) != VA_FEATURE_NOT_SUPPORTED;
    p->cu_qp_delta_enabled_flag =
        feature(caps, F_CU_QP_DELTA, 1) == VA_FEATURE_REQUIRED ||
        (c->rate.rc != VT_VAAPI_RC_CQP && feature(caps, F_CU_QP_DELTA, 1) != 0);
    p->init_qp_minus26 = (int8_t)((c->rate.rc == VT_VAAPI_RC_CQP ? (int)c->rate.qp : 26) - 26);
    p->loop_filter_across_slices_enabled_flag = 1;
    p->deblocking_filter_control_present_flag = 1;

    vt_bs_init(&bs, rbsp, sizeof(rbsp));
    if (vt_h265_write_vps(&bs, s) < 0)
        return kVTParameterErr;
    c->vps_nal_size = vt_h265_nal_write(c->vps_nal, sizeof(c->vps_nal), 1, VT_H265_NAL_VPS, rbsp,
                                        vt_bs_bytes(&bs));
    vt_bs_init(&bs, rbsp, sizeof(rbsp));
    if (vt_h265_write_sps(&bs, s) < 0)
        return kVTParameterErr;
    c->sps_nal_size = vt_h265_nal_write(c->sps_nal, sizeof(c->sps_nal), 1, VT_H265_NAL_SPS, rbsp,
                                        vt_bs_bytes(&bs));
    vt_bs_init(&bs, rbsp, sizeof(rbsp));
    if (vt_h265_write_pps(&bs, p) < 0)
        return kVTParameterErr;
    c->pps_nal_size = vt_h265_nal_write(c->pps_nal, sizeof(c->pps_nal), 1, VT_H265_NAL_PPS, rbsp,
                                        vt_bs_bytes(&bs));
    if (!c->vps_nal_size || !c->sps_nal_size || !c->pps_nal_size)
        return kVTParameterErr;
    c->ctb_log2 = ctb;
    c->ctus =
        ((s->pic_width + (1u << ctb) - 1) >> ctb) * ((s->pic_height + (1u << ctb) - 1) >> ctb);
    return noErr;
}

/* ------------------------------------------------------------------ */
/* Open / close                                                        */

/* Releases everything c holds (not c itself). */
static void ctx_clear(HevcCtx *c) {
    vt_vaapi_pipe_close(c->disp.dpy, &c->va);
    if (c->dev)
        vt_vaapi_device_unref(c->dev);
    else
        vt_vaapi_display_close(&c->disp);
    vt_free(c->coded_data);
    vt_free(c->out);
}

static void ctx_free(HevcCtx *c) {
    ctx_clear(c);
    vt_free(c);
}

static OSStatus open_va(HevcCtx *c) {
    /* room for a picture of uncompressed samples plus headers */
    size_t coded_size = (size_t)c->enc_width * (size_t)c->enc_height * (c->ten_bit ? 4 : 2) + 65536;
    return vt_vaapi_pipe_open(c->disp.dpy, &c->va, &c->caps, vt_vaapi_rc_mode(c->rate.rc)->va_mode,
                              c->ten_bit, c->enc_width, c->enc_height, N_IN_SURFACES,
                              N_REC_SURFACES, coded_size);
}

static const char *config_device(const VTEncoderConfig *cfg) {
    return cfg->device;
}

/* Creates an encoder instance on dev's display (NULL: opens a display). */
static OSStatus open_instance(const VTEncoderConfig *cfg, const VTEncoderCallbacks *cb,
                              VTVaapiDevice *dev, void **ctx) {
    HevcCtx *c;
    OSStatus st;
    Boolean want10, found = FALSE;
    Boolean lp;

    if (!ctx)
        return kVTParameterErr;
    *ctx = NULL;
    if (!cfg || !cb || !cb->output)
        return kVTParameterErr;
    st = vt_encoder_config_validate(cfg);
    if (st != noErr)
        return st;
    if (cfg->codec_type != VT_ENC_CODEC_HEVC) {
        vt_warn("vaapi: codec 0x%08x is not HEVC", cfg->codec_type);
        return kVTParameterErr;
    }
    if (cfg->profile != VT_H264_PROFILE_AUTO && !VT_PROFILE_IS_HEVC(cfg->profile)) {
        vt_warn("vaapi: %s is not an HEVC profile", vt_encoder_h264_profile_name(cfg->profile));
        return kVTParameterErr;
    }
    if (cfg->pixel_format &&
        !vt_encoder_backend_accepts_format(&vt_vaapi_hevc_backend, cfg->pixel_format)) {
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
    c->enc_width = (cfg->width + 15) & ~15;
    c->enc_height = (cfg->height + 15) & ~15;
    vt_vaapi_rate_set_fps(&c->rate, cfg->expected_frame_rate);

    if (dev) {
        /* a new instance in place of an old one: same display, so the
         * surfaces of the pools handed out stay encodable without a copy */
        c->disp = *vt_vaapi_device_display(dev);
        c->dev = vt_vaapi_device_ref(dev);
    } else {
        st = vt_vaapi_display_open(config_device(cfg), accept_hevc, NULL, FALSE, &c->disp);
        if (st != noErr) {
            vt_warn("vaapi: no usable VA-API HEVC device");
            ctx_free(c);
            return kVTCouldNotCreateInstanceErr;
        }
        /* shared with the pools this context hands out (NULL: no pool, the
         * session keeps system memory) */
        c->dev = vt_vaapi_device_adopt(&c->disp);
    }

    lp = cfg->maximize_power_efficiency == 1;
    want10 = cfg->profile == VT_HEVC_PROFILE_MAIN10 ||
             (cfg->profile == VT_H264_PROFILE_AUTO && vt_vaapi_format_is_p010(cfg->pixel_format));
    if (want10 &&
        vt_vaapi_query_enc_caps(c->disp.dpy, VAProfileHEVCMain10, lp, &c->caps) == noErr &&
        caps_usable(&c->caps)) {
        found = TRUE;
        c->ten_bit = TRUE;
    }
    if (!found && cfg->profile != VT_HEVC_PROFILE_MAIN10 &&
        vt_vaapi_query_enc_caps(c->disp.dpy, VAProfileHEVCMain, lp, &c->caps) == noErr &&
        caps_usable(&c->caps))
        found = TRUE;
    if (!found) {
        vt_warn("vaapi: %s has no HEVC %s encoder", c->disp.path, want10 ? "Main10" : "Main");
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

    st = vt_vaapi_rate_map(&c->rate, cfg, c->caps.rc_modes,
                           (double)(c->enc_width / 16) * (c->enc_height / 16), c->low_delay);
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
    vt_debug("vaapi: HEVC %s, %dx%d, profile %d entrypoint %d, level %u, CTB %u, PCM %d, %s",
             c->disp.path, cfg->width, cfg->height, c->caps.profile, c->caps.entrypoint,
             c->sps.general_level_idc, 1u << c->ctb_log2, c->sps.pcm_enabled_flag,
             vt_vaapi_rc_mode(c->rate.rc)->name);
    c->announce_params = TRUE;
    c->rc_dirty = TRUE;
    *ctx = c;
    return noErr;
}

/* ------------------------------------------------------------------ */
/* Output                                                              */

/* Annex B -> 4-byte length prefixes, without parameter sets and AUDs. */
static OSStatus to_length_prefixed(HevcCtx *c, size_t size, size_t *out_size) {
    size_t off = 0, n = 0, need = 0;
    VTH264Nal nal;
    while (vt_h264_annexb_next(c->coded_data, size, &off, &nal)) {
        unsigned t = nal.size ? (nal.data[0] >> 1) & 0x3f : 0;
        if (nal.size < 2 || (t >= VT_H265_NAL_VPS && t <= VT_H265_NAL_AUD))
            continue;
        need += 4 + nal.size;
    }
    if (!need)
        return kVTVideoEncoderMalfunctionErr;
    if (need > c->out_cap) {
        uint8_t *p = vt_realloc(c->out, need);
        if (!p)
            return kVTAllocationFailedErr;
        c->out = p;
        c->out_cap = need;
    }
    off = 0;
    while (vt_h264_annexb_next(c->coded_data, size, &off, &nal)) {
        unsigned t = nal.size ? (nal.data[0] >> 1) & 0x3f : 0;
        if (nal.size < 2 || (t >= VT_H265_NAL_VPS && t <= VT_H265_NAL_AUD))
            continue;
        c->out[n++] = (uint8_t)(nal.size >> 24);
        c->out[n++] = (uint8_t)(nal.size >> 16);
        c->out[n++] = (uint8_t)(nal.size >> 8);
        c->out[n++] = (uint8_t)nal.size;
        memcpy(c->out + n, nal.data, nal.size);
        n += nal.size;
    }
    *out_size = n;
    return noErr;
}

static OSStatus emit_coded(HevcCtx *c, const HevcFrame *f, PicType type, size_t size) {
    VTEncodedFrame out;
    size_t n = 0;
    OSStatus st = to_length_prefixed(c, size, &n);
    if (st != noErr) {
        if (st == kVTVideoEncoderMalfunctionErr)
            vt_error("vaapi: the driver returned no slice NAL units");
        return st;
    }
    memset(&out, 0, sizeof(out));
    out.status = noErr;
    out.data = c->out;
    out.size = n;
    out.is_keyframe = type == PIC_IDR;
    out.is_reference = TRUE;
    out.frame_type = type == PIC_IDR ? VT_FRAME_TYPE_I : VT_FRAME_TYPE_P;
    out.pts = f->pts;
    /* no reordering: decode order is display order */
    out.dts = f->pts;
    if (c->have_last_dts && out.dts <= c->last_dts)
        out.dts = c->last_dts + 1;
    c->have_last_dts = TRUE;
    c->last_dts = out.dts;
    out.duration = f->duration;
    out.opaque = f->opaque;
    out.vps = c->vps_nal + 4;
    out.vps_size = c->vps_nal_size - 4;
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

static void invalid_pic(VAPictureHEVC *p) {
    memset(p, 0, sizeof(*p));
    p->picture_id = VA_INVALID_SURFACE;
    p->flags = VA_PICTURE_HEVC_INVALID;
}

static VASurfaceID free_rec_surface(const HevcCtx *c) {
    for (int i = 0; i < N_REC_SURFACES; i++) {
        if (!c->have_ref || c->va.rec[i] != c->ref_surface)
            return c->va.rec[i];
    }
    return VA_INVALID_SURFACE;
}

static OSStatus add_sequence(HevcCtx *c, VTVaapiBufList *bl) {
    VAEncSequenceParameterBufferHEVC seq;
    const VTH265SPS *s = &c->sps;
    uint32_t gop = c->cfg.max_keyframe_interval > 0 ? (uint32_t)c->cfg.max_keyframe_interval
                                                    : (uint32_t)floor(c->rate.fps * 10.0 + 0.5);
    if (!c->cfg.allow_temporal_compression)
        gop = 1;
    memset(&seq, 0, sizeof(seq));
    seq.general_profile_idc = s->general_profile_idc;
    seq.general_level_idc = s->general_level_idc;
    seq.general_tier_flag = s->general_tier_flag;
    seq.intra_period = gop;
    seq.intra_idr_period = gop;
    seq.ip_period = 1;
    seq.bits_per_second = c->rate.bitrate;
    seq.pic_width_in_luma_samples = (uint16_t)s->pic_width;
    seq.pic_height_in_luma_samples = (uint16_t)s->pic_height;
    seq.seq_fields.bits.chroma_format_idc = s->chroma_format_idc;
    seq.seq_fields.bits.bit_depth_luma_minus8 = s->bit_depth_luma_minus8;
    seq.seq_fields.bits.bit_depth_chroma_minus8 = s->bit_depth_chroma_minus8;
    seq.seq_fields.bits.strong_intra_smoothing_enabled_flag =
        s->strong_intra_smoothing_enabled_flag;
    seq.seq_fields.bits.amp_enabled_flag = s->amp_enabled_flag;
    seq.seq_fields.bits.sample_adaptive_offset_enabled_flag =
        s->sample_adaptive_offset_enabled_flag;
    seq.seq_fields.bits.pcm_enabled_flag = s->pcm_enabled_flag;
    seq.seq_fields.bits.pcm_loop_filter_disabled_flag = s->pcm_loop_filter_disabled_flag;
    seq.seq_fields.bits.sps_temporal_mvp_enabled_flag = s->sps_temporal_mvp_enabled_flag;
    seq.seq_fields.bits.low_delay_seq = 1;
    seq.log2_min_luma_coding_block_size_minus3 = s->log2_min_cb_minus3;
    seq.log2_diff_max_min_luma_coding_block_size = s->log2_diff_max_min_cb;
    seq.log2_min_transform_block_size_minus2 = s->log2_min_tb_minus2;
    seq.log2_diff_max_min_transform_block_size = s->log2_diff_max_min_tb;
    seq.max_transform_hierarchy_depth_inter = s->max_transform_hierarchy_depth_inter;
    seq.max_transform_hierarchy_depth_intra = s->max_transform_hierarchy_depth_intra;
    if (s->pcm_enabled_flag) {
        seq.pcm_sample_bit_depth_luma_minus1 = s->pcm_bit_depth_luma_minus1;
        seq.pcm_sample_bit_depth_chroma_minus1 = s->pcm_bit_depth_chroma_minus1;
        seq.log2_min_pcm_luma_coding_block_size_minus3 = s->log2_min_pcm_cb_minus3;
        seq.log2_max_pcm_luma_coding_block_size_minus3 =
            (uint32_t)s->log2_min_pcm_cb_minus3 + s->log2_diff_max_min_pcm_cb;
    }
    seq.vui_parameters_present_flag = s->vui_parameters_present_flag;
    seq.vui_fields.bits.aspect_ratio_info_present_flag = s->vui.aspect_ratio_info_present_flag;
    seq.vui_fields.bits.vui_timing_info_present_flag = s->vui.timing_info_present_flag;
    seq.vui_fields.bits.bitstream_restriction_flag = s->vui.bitstream_restriction_flag;
    seq.vui_fields.bits.motion_vectors_over_pic_boundaries_flag =
        s->vui.motion_vectors_over_pic_boundaries_flag;
    seq.vui_fields.bits.restricted_ref_pic_lists_flag = s->vui.restricted_ref_pic_lists_flag;
    seq.vui_fields.bits.log2_max_mv_length_horizontal = s->vui.log2_max_mv_length_horizontal;
    seq.vui_fields.bits.log2_max_mv_length_vertical = s->vui.log2_max_mv_length_vertical;
    seq.aspect_ratio_idc = s->vui.aspect_ratio_idc;
    seq.sar_width = s->vui.sar_width;
    seq.sar_height = s->vui.sar_height;
    seq.vui_num_units_in_tick = s->vui.num_units_in_tick;
    seq.vui_time_scale = s->vui.time_scale;
    return vt_vaapi_add_buffer(c->disp.dpy, c->va.context, bl, VAEncSequenceParameterBufferType,
                               &seq, sizeof(seq));
}

static OSStatus encode_picture(HevcCtx *c, const HevcFrame *f, PicType type) {
    VADisplay dpy = c->disp.dpy;
    VAEncPictureParameterBufferHEVC pic;
    VAEncSliceParameterBufferHEVC slice;
    VTH265SliceHeader sh;
    VTVaapiBufList bl;
    VASurfaceID input = f->input, rec = free_rec_surface(c);
    uint8_t rbsp[64], nal[128];
    VTBitWriter bs;
    OSStatus st = noErr;
    size_t n, size = 0;
    int32_t poc;
    const unsigned lsb_bits = c->sps.log2_max_poc_lsb_minus4 + 4u;

    if (rec == VA_INVALID_SURFACE)
        return kVTVideoEncoderMalfunctionErr;
    if (type == PIC_P && !c->have_ref) {
        vt_error("vaapi: inter frame without a reference");
        return kVTVideoEncoderMalfunctionErr;
    }
    bl.count = 0;
    if (type == PIC_IDR) {
        c->idr_index = f->index;
        c->have_ref = FALSE;
    }
    poc = (int32_t)(f->index - c->idr_index);

    if (type == PIC_IDR)
        st = add_sequence(c, &bl);
    if (st == noErr && (type == PIC_IDR || c->rc_dirty)) {
        st = vt_vaapi_add_rate_params(dpy, c->va.context, &bl, &c->rate);
        if (st == noErr)
            c->rc_dirty = FALSE;
    }

    /* the slice header, written by vtcore */
    memset(&sh, 0, sizeof(sh));
    sh.nal_unit_type = type == PIC_IDR ? VT_H265_NAL_IDR_W_RADL : VT_H265_NAL_TRAIL_R;
    sh.slice_type = type == PIC_IDR ? VT_H265_SLICE_I : VT_H265_SLICE_P;
    sh.pic_order_cnt_lsb = (uint32_t)poc & ((1u << lsb_bits) - 1);
    if (type == PIC_P) {
        sh.num_negative_pics = 1;
        sh.delta_poc_s0[0] = (uint16_t)(poc - c->ref_poc);
        sh.used_s0[0] = 1;
        sh.slice_temporal_mvp_enabled_flag = c->sps.sps_temporal_mvp_enabled_flag;
        sh.collocated_from_l0_flag = 1;
        sh.five_minus_max_num_merge_cand = 0;
    }
    sh.slice_sao_luma_flag = c->sps.sample_adaptive_offset_enabled_flag;
    sh.slice_sao_chroma_flag = c->sps.sample_adaptive_offset_enabled_flag;
    sh.slice_loop_filter_across_slices_enabled_flag = 1;
    vt_bs_init(&bs, rbsp, sizeof(rbsp));
    if (vt_h265_write_slice_header(&bs, &c->sps, &c->pps, &sh) < 0) {
        vt_error("vaapi: slice header does not fit");
        st = kVTVideoEncoderMalfunctionErr;
    }

    /* picture */
    memset(&pic, 0, sizeof(pic));
    pic.decoded_curr_pic.picture_id = rec;
    pic.decoded_curr_pic.pic_order_cnt = poc;
    pic.decoded_curr_pic.flags = 0;
    for (int i = 0; i < 15; i++)
        invalid_pic(&pic.reference_frames[i]);
    if (type == PIC_P) {
        pic.reference_frames[0].picture_id = c->ref_surface;
        pic.reference_frames[0].pic_order_cnt = c->ref_poc;
        pic.reference_frames[0].flags = 0;
    }
    pic.coded_buf = c->va.coded;
    pic.collocated_ref_pic_index = type == PIC_P ? 0 : 0xff;
    pic.last_picture = 0;
    pic.pic_init_qp = (uint8_t)(26 + c->pps.init_qp_minus26);
    pic.diff_cu_qp_delta_depth = c->pps.diff_cu_qp_delta_depth;
    pic.pps_cb_qp_offset = c->pps.cb_qp_offset;
    pic.pps_cr_qp_offset = c->pps.cr_qp_offset;
    pic.log2_parallel_merge_level_minus2 = c->pps.log2_parallel_merge_level_minus2;
    pic.num_ref_idx_l0_default_active_minus1 = c->pps.num_ref_idx_l0_default_active_minus1;
    pic.num_ref_idx_l1_default_active_minus1 = c->pps.num_ref_idx_l1_default_active_minus1;
    pic.slice_pic_parameter_set_id = c->pps.pps_id;
    pic.nal_unit_type = sh.nal_unit_type;
    pic.pic_fields.bits.idr_pic_flag = type == PIC_IDR;
    pic.pic_fields.bits.coding_type = type == PIC_IDR ? 1 : 2;
    pic.pic_fields.bits.reference_pic_flag = 1;
    pic.pic_fields.bits.sign_data_hiding_enabled_flag = c->pps.sign_data_hiding_enabled_flag;
    pic.pic_fields.bits.constrained_intra_pred_flag = c->pps.constrained_intra_pred_flag;
    pic.pic_fields.bits.transform_skip_enabled_flag = c->pps.transform_skip_enabled_flag;
    pic.pic_fields.bits.cu_qp_delta_enabled_flag = c->pps.cu_qp_delta_enabled_flag;
    pic.pic_fields.bits.transquant_bypass_enabled_flag = c->pps.transquant_bypass_enabled_flag;
    pic.pic_fields.bits.pps_loop_filter_across_slices_enabled_flag =
        c->pps.loop_filter_across_slices_enabled_flag;
    if (st == noErr)
        st = vt_vaapi_add_buffer(dpy, c->va.context, &bl, VAEncPictureParameterBufferType, &pic,
                                 sizeof(pic));
    if (st == noErr && type == PIC_IDR) {
        st = vt_vaapi_add_packed(dpy, c->va.context, &bl, VAEncPackedHeaderSequence, c->vps_nal,
                                 c->vps_nal_size * 8);
        if (st == noErr)
            st = vt_vaapi_add_packed(dpy, c->va.context, &bl, VAEncPackedHeaderSequence, c->sps_nal,
                                     c->sps_nal_size * 8);
        if (st == noErr)
            st = vt_vaapi_add_packed(dpy, c->va.context, &bl, VAEncPackedHeaderPicture, c->pps_nal,
                                     c->pps_nal_size * 8);
    }
    if (st == noErr) {
        n = vt_h265_nal_write(nal, sizeof(nal), 1, sh.nal_unit_type, rbsp, vt_bs_bytes(&bs));
        st = n ? vt_vaapi_add_packed(dpy, c->va.context, &bl, VAEncPackedHeaderSlice, nal, n * 8)
               : kVTVideoEncoderMalfunctionErr;
    }

    memset(&slice, 0, sizeof(slice));
    slice.slice_segment_address = 0;
    slice.num_ctu_in_slice = c->ctus;
    slice.slice_type = sh.slice_type;
    slice.slice_pic_parameter_set_id = c->pps.pps_id;
    slice.num_ref_idx_l0_active_minus1 = c->pps.num_ref_idx_l0_default_active_minus1;
    slice.num_ref_idx_l1_active_minus1 = c->pps.num_ref_idx_l1_default_active_minus1;
    for (int i = 0; i < 15; i++) {
        invalid_pic(&slice.ref_pic_list0[i]);
        invalid_pic(&slice.ref_pic_list1[i]);
    }
    if (type == PIC_P)
        slice.ref_pic_list0[0] = pic.reference_frames[0];
    slice.max_num_merge_cand = (uint8_t)(5 - sh.five_minus_max_num_merge_cand);
    slice.slice_qp_delta = sh.slice_qp_delta;
    slice.slice_fields.bits.last_slice_of_pic_flag = 1;
    slice.slice_fields.bits.slice_temporal_mvp_enabled_flag = sh.slice_temporal_mvp_enabled_flag;
    slice.slice_fields.bits.slice_sao_luma_flag = sh.slice_sao_luma_flag;
    slice.slice_fields.bits.slice_sao_chroma_flag = sh.slice_sao_chroma_flag;
    slice.slice_fields.bits.cabac_init_flag = sh.cabac_init_flag;
    slice.slice_fields.bits.slice_deblocking_filter_disabled_flag =
        sh.slice_deblocking_filter_disabled_flag;
    slice.slice_fields.bits.slice_loop_filter_across_slices_enabled_flag =
        sh.slice_loop_filter_across_slices_enabled_flag;
    slice.slice_fields.bits.collocated_from_l0_flag = sh.collocated_from_l0_flag;
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

    c->have_ref = TRUE;
    c->ref_surface = rec;
    c->ref_poc = poc;
    return emit_coded(c, f, type, size);
}

/* ------------------------------------------------------------------ */
/* Entry points                                                        */

static OSStatus vaapi_hevc_encode(void *ctx, const VTEncoderFrame *in) {
    HevcCtx *c = ctx;
    HevcFrame f;
    Boolean idr, periodic = FALSE;
    int slot = -1;
    OSStatus st;

    if (!c || !in)
        return kVTParameterErr;
    if (c->failed)
        return kVTVideoEncoderMalfunctionErr;
    if (!vt_vaapi_frame_valid(in, c->cfg.width, c->cfg.height)) {
        vt_warn("vaapi: frame %dx%d format 0x%08x does not match the session", in->width,
                in->height, in->pixel_format);
        return kVTParameterErr;
    }
    if (c->next_index > 0 && in->pts <= c->ring_pts[(c->next_index - 1) % PTS_RING]) {
        vt_warn("vaapi: pts %" PRId64 " does not increase", in->pts);
        return kVTParameterErr;
    }
    c->fresh = FALSE;
    if (vt_encoder_fault_check(VTCORE_FAULT_ENCODER_ENCODE)) {
        vt_error("vaapi: encoding failed (injected)");
        c->failed = TRUE;
        return kVTVideoEncoderMalfunctionErr;
    }
    if (in->pixel_buffer && !in->planes[0]) {
        /* takes_buffer() accepted it: a buffer of our pool, by identity */
        f.input = vt_vaapi_pixel_buffer_surface(in->pixel_buffer);
        if (f.input == VA_INVALID_SURFACE)
            return kVTParameterErr;
    } else if (vt_vaapi_pool_claim(c->dev, in, c->ten_bit, c->enc_width, c->enc_height, &f.input)) {
        /* a buffer of our pool: encoded from its surface, no copy */
    } else {
        for (int i = 0; i < N_IN_SURFACES; i++) {
            if (!c->in_used[i]) {
                slot = i;
                break;
            }
        }
        if (slot < 0)
            return kVTVideoEncoderMalfunctionErr;
        st = vt_vaapi_upload(c->disp.dpy, c->va.in[slot], in, c->enc_width, c->enc_height,
                             c->ten_bit, &c->no_derive);
        if (st != noErr)
            return st == kVTAllocationFailedErr ? st : kVTVideoEncoderMalfunctionErr;
        f.input = c->va.in[slot];
    }
    f.surface = slot;
    f.pts = in->pts;
    f.duration = in->duration;
    f.opaque = in->opaque;
    f.index = c->next_index;

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
    if (idr || periodic) {
        c->have_key = TRUE;
        c->force_next_idr = FALSE;
        c->last_key_index = f.index;
        c->last_key_pts = f.pts;
    }
    if (slot >= 0)
        c->in_used[slot] = TRUE;
    st = encode_picture(c, &f, idr || periodic ? PIC_IDR : PIC_P);
    if (slot >= 0)
        c->in_used[slot] = FALSE;
    if (st != noErr) {
        /* the frame was not accepted; the encoder state is unknown now */
        vt_error("vaapi: HEVC encoding failed");
        c->failed = TRUE;
        return kVTVideoEncoderMalfunctionErr;
    }
    c->ring_pts[f.index % PTS_RING] = f.pts;
    c->next_index++;
    return noErr;
}

static OSStatus vaapi_hevc_flush(void *ctx) {
    HevcCtx *c = ctx;
    if (!c)
        return kVTParameterErr;
    if (c->failed)
        return kVTVideoEncoderMalfunctionErr;
    c->fresh = TRUE;
    c->force_next_idr = TRUE;
    return noErr;
}

static int vaapi_hevc_pending(void *ctx) {
    (void)ctx;
    return 0; /* every accepted frame is emitted inside encode() */
}

static Boolean static_fields_equal(const VTEncoderConfig *a, const VTEncoderConfig *b) {
#define SAME(f) (a->f == b->f)
    return SAME(width) && SAME(height) && SAME(codec_type) && SAME(timescale) && SAME(profile) &&
           SAME(level_idc) && SAME(allow_temporal_compression) && SAME(realtime) &&
           SAME(max_frame_delay_count) && SAME(prioritize_speed) &&
           SAME(maximize_power_efficiency) && SAME(low_latency_rate_control) &&
           SAME(colour_primaries) && SAME(transfer_characteristics) && SAME(matrix_coefficients) &&
           SAME(full_range) && SAME(sar_width) && SAME(sar_height) &&
           (a->pixel_format == b->pixel_format || !b->pixel_format ||
            (vt_vaapi_format_is_full_range(a->pixel_format) ==
                 vt_vaapi_format_is_full_range(b->pixel_format) &&
             vt_vaapi_format_is_p010(a->pixel_format) == vt_vaapi_format_is_p010(b->pixel_format)));
#undef SAME
}

static OSStatus vaapi_hevc_open(const VTEncoderConfig *cfg, const VTEncoderCallbacks *cb,
                                void **ctx) {
    return open_instance(cfg, cb, NULL, ctx);
}

/* A change that needs a new instance, before the first frame or right after
 * flush(): the new instance replaces c in place on the same display
 * (VTVaapiDevice), so buffers of the pools c handed out (create_pool) stay
 * zero-copy input. Returns noErr, kVTPropertyNotSupportedErr when c has no
 * shareable display (the session then closes and opens an instance itself),
 * or open()'s error (c unchanged). */
static OSStatus reopen_in_place(HevcCtx *c, const VTEncoderConfig *cfg) {
    HevcCtx *n = NULL;
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

static OSStatus vaapi_hevc_reconfigure(void *ctx, const VTEncoderConfig *cfg) {
    HevcCtx *c = ctx;
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
    st = vt_vaapi_rate_update(&c->rate, cfg, c->caps.rc_modes,
                              (double)(c->enc_width / 16) * (c->enc_height / 16), c->low_delay);
    if (st != noErr)
        return st;
    c->cfg = *cfg;
    c->rc_dirty = TRUE;
    return noErr;
}

static OSStatus vaapi_hevc_get_parameter_sets(void *ctx, const uint8_t **sps, size_t *sps_size,
                                              const uint8_t **pps, size_t *pps_size) {
    HevcCtx *c = ctx;
    if (!c || !sps || !sps_size || !pps || !pps_size)
        return kVTParameterErr;
    *sps = c->sps_nal + 4;
    *sps_size = c->sps_nal_size - 4;
    *pps = c->pps_nal + 4;
    *pps_size = c->pps_nal_size - 4;
    return noErr;
}

static Boolean vaapi_hevc_takes_buffer(void *ctx, const void *pixel_buffer) {
    HevcCtx *c = ctx;
    return c && !c->failed &&
           vt_vaapi_pool_take(c->dev, pixel_buffer, c->ten_bit, c->enc_width, c->enc_height);
}

static OSStatus vaapi_hevc_create_pool(void *ctx, uint32_t format, int32_t width, int32_t height,
                                       const void *attributes, struct __CVPixelBufferPool **pool) {
    HevcCtx *c = ctx;
    if (!pool)
        return kVTParameterErr;
    *pool = NULL;
    if (!c || c->failed || width != c->cfg.width || height != c->cfg.height)
        return kVTPropertyNotSupportedErr;
    return vt_vaapi_pool_create(c->dev, c->ten_bit, c->enc_width, c->enc_height, format, width,
                                height, attributes, pool);
}

static void vaapi_hevc_close(void *ctx) {
    HevcCtx *c = ctx;
    if (c)
        ctx_free(c);
}

const VTEncoderBackend vt_vaapi_hevc_backend = {
    .encoder_id = "org.vtcore.vaapi.hevc",
    .encoder_name = "vtcore VA-API HEVC (HW)",
    .codec_name = "HEVC",
    .codec_type = VT_ENC_CODEC_HEVC,
    .hardware = TRUE,
    .caps = VT_CAP_CBR | VT_CAP_CRF | VT_CAP_RECONFIG | VT_CAP_LOW_LATENCY | VT_CAP_DATA_RATE |
            VT_CAP_QP_RANGE,
    .native_formats = hevc_native_formats,
    .probe = vaapi_hevc_probe,
    .open = vaapi_hevc_open,
    .encode = vaapi_hevc_encode,
    .reconfigure = vaapi_hevc_reconfigure,
    .flush = vaapi_hevc_flush,
    .pending = vaapi_hevc_pending,
    .get_parameter_sets = vaapi_hevc_get_parameter_sets,
    .close = vaapi_hevc_close,
    .create_pool = vaapi_hevc_create_pool,
    .takes_buffer = vaapi_hevc_takes_buffer,
};
