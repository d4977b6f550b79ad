/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Encoder backend registry and the backend-independent configuration
 * helpers. The registry is a NULL-terminated table in preference order:
 * hardware backends first, software last.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <vtcore/vtcore.h>

#include "encoder/backend.h"
#include "log.h"

/* clang-format off */
static const VTEncoderBackend *const backends[] = {
#if HAVE_VAAPI
    &vt_vaapi_h264_backend,
    &vt_vaapi_hevc_backend,
#endif
#if HAVE_X264
    &vt_x264_backend,
#endif
    NULL,
};
/* clang-format on */

const VTEncoderBackend *const *vt_encoder_backend_all(void) {
    return backends;
}

static Boolean backend_available(const VTEncoderBackend *be) {
    return !be->probe || be->probe() == noErr;
}

size_t vt_encoder_backend_list(const VTEncoderBackend **out, size_t capacity) {
    size_t n = 0;
    /* Two passes keep hardware first whatever the table order is. */
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; backends[i]; i++) {
            const VTEncoderBackend *be = backends[i];
            if ((pass == 0) != (be->hardware != 0))
                continue;
            if (!backend_available(be))
                continue;
            if (out && n < capacity)
                out[n] = be;
            n++;
        }
    }
    return n;
}

const VTEncoderBackend *vt_encoder_backend_find(uint32_t codec_type, const char *encoder_id,
                                                Boolean allow_hw, Boolean require_hw,
                                                OSStatus *err) {
    OSStatus dummy;
    if (!err)
        err = &dummy;
    *err = kVTCouldNotFindVideoEncoderErr;
    if (require_hw)
        allow_hw = TRUE;

    if (encoder_id) {
        for (size_t i = 0; backends[i]; i++) {
            const VTEncoderBackend *be = backends[i];
            if (strcmp(be->encoder_id, encoder_id) != 0)
                continue;
            if (be->codec_type != codec_type || (require_hw && !be->hardware) ||
                (!allow_hw && be->hardware)) {
                vt_debug("encoder %s does not match the codec/hardware request", encoder_id);
                return NULL;
            }
            OSStatus st = be->probe ? be->probe() : noErr;
            if (st != noErr) {
                *err = st;
                return NULL;
            }
            *err = noErr;
            return be;
        }
        vt_debug("no encoder with id %s", encoder_id);
        return NULL;
    }

    for (int pass = 0; pass < 2; pass++) {
        Boolean want_hw = pass == 0;
        if (want_hw && !allow_hw)
            continue;
        if (!want_hw && require_hw)
            continue;
        for (size_t i = 0; backends[i]; i++) {
            const VTEncoderBackend *be = backends[i];
            if (be->codec_type != codec_type || (be->hardware != 0) != want_hw)
                continue;
            if (!backend_available(be))
                continue;
            *err = noErr;
            return be;
        }
    }
    return NULL;
}

Boolean vt_encoder_backend_accepts_format(const VTEncoderBackend *backend, uint32_t fourcc) {
    if (!backend || !backend->native_formats || !fourcc)
        return FALSE;
    for (const uint32_t *f = backend->native_formats; *f; f++) {
        if (*f == fourcc)
            return TRUE;
    }
    return FALSE;
}

void vt_encoder_config_init(VTEncoderConfig *cfg) {
    memset(cfg, 0, sizeof(*cfg));
    cfg->codec_type = VT_ENC_CODEC_H264;
    cfg->timescale = 90000;
    cfg->profile = VT_H264_PROFILE_AUTO;
    cfg->entropy = VT_ENTROPY_AUTO;
    cfg->quality = -1.0;
    cfg->min_qp = -1;
    cfg->max_qp = -1;
    cfg->allow_frame_reordering = TRUE;
    cfg->allow_temporal_compression = TRUE;
    cfg->allow_open_gop = VT_UNSET;
    cfg->realtime = VT_UNSET;
    cfg->max_frame_delay_count = -1;
    cfg->prioritize_speed = VT_UNSET;
    cfg->maximize_power_efficiency = VT_UNSET;
    cfg->colour_primaries = VT_UNSET;
    cfg->transfer_characteristics = VT_UNSET;
    cfg->matrix_coefficients = VT_UNSET;
    cfg->full_range = VT_UNSET;
}

#define CFG_FAIL(...)           \
    do {                        \
        vt_warn(__VA_ARGS__);   \
        return kVTParameterErr; \
    } while (0)

static Boolean is_tristate(int v) {
    return v == VT_UNSET || v == 0 || v == 1;
}

OSStatus vt_encoder_config_validate(const VTEncoderConfig *cfg) {
    if (!cfg)
        return kVTParameterErr;
    if (cfg->width <= 0 || cfg->height <= 0 || cfg->width > 16384 || cfg->height > 16384)
        CFG_FAIL("encoder: invalid size %dx%d", cfg->width, cfg->height);
    if (cfg->timescale <= 0)
        CFG_FAIL("encoder: invalid timescale %d", cfg->timescale);
    if (((int)cfg->profile < VT_H264_PROFILE_AUTO ||
         (int)cfg->profile > VT_H264_PROFILE_CONSTRAINED_HIGH) &&
        !VT_PROFILE_IS_HEVC(cfg->profile))
        CFG_FAIL("encoder: invalid profile %d", (int)cfg->profile);
    if (cfg->level_idc != 0 && (cfg->level_idc < 9 || cfg->level_idc > 62))
        CFG_FAIL("encoder: invalid level_idc %d", cfg->level_idc);
    if ((int)cfg->entropy < VT_ENTROPY_AUTO || (int)cfg->entropy > VT_ENTROPY_CABAC)
        CFG_FAIL("encoder: invalid entropy mode %d", (int)cfg->entropy);
    if (cfg->average_bit_rate < 0 || cfg->constant_bit_rate < 0)
        CFG_FAIL("encoder: negative bit rate");
    if (cfg->average_bit_rate > INT32_MAX || cfg->constant_bit_rate > INT32_MAX)
        CFG_FAIL("encoder: bit rate too large");
    if (cfg->data_rate_limit_count < 0 || cfg->data_rate_limit_count > VT_MAX_DATA_RATE_LIMITS)
        CFG_FAIL("encoder: %d data rate limits (0..2 allowed)", cfg->data_rate_limit_count);
    for (int i = 0; i < cfg->data_rate_limit_count; i++) {
        const VTDataRateLimit *l = &cfg->data_rate_limits[i];
        if (!(l->bytes > 0.0) || !(l->seconds > 0.0) || !isfinite(l->bytes) ||
            !isfinite(l->seconds) || l->bytes * 8.0 / l->seconds > 4e12)
            CFG_FAIL("encoder: invalid data rate limit %g bytes / %g s", l->bytes, l->seconds);
    }
    if (cfg->constant_bit_rate > 0 && (cfg->average_bit_rate > 0 || cfg->data_rate_limit_count))
        CFG_FAIL("encoder: ConstantBitRate excludes AverageBitRate and DataRateLimits");
    if (isnan(cfg->quality) || cfg->quality > 1.0)
        CFG_FAIL("encoder: invalid quality %g", cfg->quality);
    if (cfg->min_qp > 51 || cfg->max_qp > 51 ||
        (cfg->min_qp >= 0 && cfg->max_qp >= 0 && cfg->min_qp > cfg->max_qp))
        CFG_FAIL("encoder: invalid QP range %d..%d", cfg->min_qp, cfg->max_qp);
    if (cfg->max_keyframe_interval < 0)
        CFG_FAIL("encoder: negative MaxKeyFrameInterval");
    if (!(cfg->max_keyframe_interval_duration >= 0.0) ||
        !isfinite(cfg->max_keyframe_interval_duration))
        CFG_FAIL("encoder: invalid MaxKeyFrameIntervalDuration");
    if (cfg->reference_buffer_count < 0 || cfg->reference_buffer_count > 16)
        CFG_FAIL("encoder: ReferenceBufferCount %d (0..16)", cfg->reference_buffer_count);
    if (!(cfg->expected_frame_rate >= 0.0) || cfg->expected_frame_rate > 1000.0)
        CFG_FAIL("encoder: invalid ExpectedFrameRate %g", cfg->expected_frame_rate);
    if (cfg->max_frame_delay_count < -1)
        CFG_FAIL("encoder: invalid MaxFrameDelayCount %d", cfg->max_frame_delay_count);
    if (!is_tristate(cfg->allow_open_gop) || !is_tristate(cfg->realtime) ||
        !is_tristate(cfg->prioritize_speed) || !is_tristate(cfg->maximize_power_efficiency) ||
        !is_tristate(cfg->full_range))
        CFG_FAIL("encoder: invalid tri-state value");
    if (cfg->max_slice_bytes < 0)
        CFG_FAIL("encoder: negative MaxH264SliceBytes");
    if (cfg->threads < 0 || cfg->threads > 128)
        CFG_FAIL("encoder: invalid thread count %d", cfg->threads);
    if (cfg->colour_primaries < VT_UNSET || cfg->colour_primaries > 255 ||
        cfg->transfer_characteristics < VT_UNSET || cfg->transfer_characteristics > 255 ||
        cfg->matrix_coefficients < VT_UNSET || cfg->matrix_coefficients > 255)
        CFG_FAIL("encoder: invalid colour code point");
    if (cfg->sar_width < 0 || cfg->sar_height < 0 || cfg->sar_width > 65535 ||
        cfg->sar_height > 65535)
        CFG_FAIL("encoder: invalid pixel aspect ratio %d:%d", cfg->sar_width, cfg->sar_height);
    if (cfg->source_frame_count < 0 || !(cfg->expected_duration >= 0.0))
        CFG_FAIL("encoder: invalid SourceFrameCount/ExpectedDuration");
    if ((int)cfg->multipass < VT_MULTIPASS_OFF || (int)cfg->multipass > VT_MULTIPASS_FINAL ||
        (cfg->multipass != VT_MULTIPASS_OFF &&
         (!cfg->multipass_stats_path || !cfg->multipass_stats_path[0])))
        CFG_FAIL("encoder: invalid multi-pass mode %d", (int)cfg->multipass);
    return noErr;
}

/* clang-format off */
static const struct {
    const char *name;
    VTH264Profile profile;
} profile_names[] = {
    { "Baseline",             VT_H264_PROFILE_BASELINE },
    { "ConstrainedBaseline",  VT_H264_PROFILE_CONSTRAINED_BASELINE },
    { "Extended",             VT_H264_PROFILE_EXTENDED },
    { "Main",                 VT_H264_PROFILE_MAIN },
    { "High",                 VT_H264_PROFILE_HIGH },
    { "ConstrainedHigh",      VT_H264_PROFILE_CONSTRAINED_HIGH },
};
/* clang-format on */

OSStatus vt_encoder_h264_profile_level_parse(const char *name, VTH264Profile *profile,
                                             int32_t *level_idc) {
    if (!name || !profile || !level_idc)
        return kVTParameterErr;
    if (strncmp(name, "H264_", 5) != 0)
        return kVTParameterErr;
    const char *p = name + 5;
    const char *sep = strchr(p, '_');
    if (!sep)
        return kVTParameterErr;
    size_t len = (size_t)(sep - p);
    for (size_t i = 0; i < sizeof(profile_names) / sizeof(profile_names[0]); i++) {
        if (strlen(profile_names[i].name) != len || strncmp(p, profile_names[i].name, len) != 0)
            continue;
        const char *lv = sep + 1;
        int32_t level;
        if (strcmp(lv, "AutoLevel") == 0) {
            level = 0;
        } else if (lv[0] >= '1' && lv[0] <= '6' && lv[1] == '_' && lv[2] >= '0' && lv[2] <= '9' &&
                   lv[3] == '\0') {
            level = (lv[0] - '0') * 10 + (lv[2] - '0');
        } else {
            return kVTParameterErr;
        }
        *profile = profile_names[i].profile;
        *level_idc = level;
        return noErr;
    }
    return kVTParameterErr;
}

const char *vt_encoder_h264_profile_name(VTH264Profile profile) {
    switch (profile) {
    case VT_H264_PROFILE_AUTO:
        return "auto";
    case VT_H264_PROFILE_BASELINE:
        return "baseline";
    case VT_H264_PROFILE_CONSTRAINED_BASELINE:
        return "constrained baseline";
    case VT_H264_PROFILE_EXTENDED:
        return "extended";
    case VT_H264_PROFILE_MAIN:
        return "main";
    case VT_H264_PROFILE_HIGH:
        return "high";
    case VT_H264_PROFILE_CONSTRAINED_HIGH:
        return "constrained high";
    }
    return "unknown";
}

/* ------------------------------------------------------------------ */
/* Test-only fault injection (vtcore_debug_fail_encoder)               */

/* RECONFIGURE: a running encoder refusing a live change of its settings
 * (x264: x264_encoder_reconfig failing), as a real refusal would (x264.c:
 * kVTParameterErr for the EncodeFrame that applies the change). */

#define FAULT_KINDS 4 /* VTCORE_FAULT_ENCODER_OPEN .. _RECONFIGURE */

/* Per kind: checks made since the last hook call; > 0: checks left until
 * the failing one; after it, whether every later check fails too. */
static long fault_checks[FAULT_KINDS];
static long fault_left[FAULT_KINDS];
static int fault_sticky[FAULT_KINDS];
static int fault_tripped[FAULT_KINDS];
static pthread_once_t fault_env_once = PTHREAD_ONCE_INIT;

static const char *const fault_names[FAULT_KINDS] = {"open", "encode", "flush", "reconfigure"};

static void fault_arm(int kind, long nth) {
    if (nth < -LONG_MAX)
        nth = -LONG_MAX;
    __atomic_store_n(&fault_left[kind], 0, __ATOMIC_SEQ_CST);
    __atomic_store_n(&fault_tripped[kind], 0, __ATOMIC_SEQ_CST);
    __atomic_store_n(&fault_sticky[kind], nth < 0, __ATOMIC_SEQ_CST);
    __atomic_store_n(&fault_left[kind], nth < 0 ? -nth : nth, __ATOMIC_SEQ_CST);
}

/* VTCORE_FAULT_ENCODER="open", "encode:5", "encode:5+", "flush:2",
 * "reconfigure", ... separated by commas. */
static void fault_read_env(void) {
    const char *env = getenv("VTCORE_FAULT_ENCODER");
    if (!env || !*env)
        return;
    const char *p = env;
    while (*p) {
        size_t len = strcspn(p, ",");
        int kind = -1;
        for (int k = 0; k < FAULT_KINDS; k++) {
            size_t n = strlen(fault_names[k]);
            if (len >= n && strncmp(p, fault_names[k], n) == 0 && (len == n || p[n] == ':')) {
                kind = k;
                break;
            }
        }
        long nth = 1;
        Boolean sticky = FALSE, ok = kind >= 0;
        if (ok) {
            const char *q = p + strlen(fault_names[kind]);
            if (q < p + len) {
                char *end = NULL;
                errno = 0;
                nth = strtol(q + 1, &end, 10);
                if (end && end < p + len && *end == '+') {
                    sticky = TRUE;
                    end++;
                }
                ok = errno == 0 && end == p + len && end != q + 1 && nth > 0;
            }
        }
        if (ok) {
            fault_arm(kind, sticky ? -nth : nth);
            vt_warn("VTCORE_FAULT_ENCODER: %s %ld%s will fail (test hook)", fault_names[kind], nth,
                    sticky ? " and later" : "");
        } else {
            vt_warn("VTCORE_FAULT_ENCODER: ignoring \"%.*s\"", (int)len, p);
        }
        p += len;
        if (*p == ',')
            p++;
    }
}

Boolean vt_encoder_fault_check(int what) {
    int k = what - VTCORE_FAULT_ENCODER_OPEN;
    if (k < 0 || k >= FAULT_KINDS)
        return FALSE;
    pthread_once(&fault_env_once, fault_read_env);
    __atomic_fetch_add(&fault_checks[k], 1, __ATOMIC_RELAXED);
    if (__atomic_load_n(&fault_tripped[k], __ATOMIC_RELAXED))
        return TRUE;
    if (__atomic_load_n(&fault_left[k], __ATOMIC_RELAXED) <= 0)
        return FALSE;
    if (__atomic_sub_fetch(&fault_left[k], 1, __ATOMIC_SEQ_CST) != 0)
        return FALSE;
    if (__atomic_load_n(&fault_sticky[k], __ATOMIC_SEQ_CST))
        __atomic_store_n(&fault_tripped[k], 1, __ATOMIC_SEQ_CST);
    vt_warn("encoder: injected %s failure (test hook)", fault_names[k]);
    return TRUE;
}

long vtcore_debug_fail_encoder(int what, long nth) {
    int k = what - VTCORE_FAULT_ENCODER_OPEN;
    if (k < 0 || k >= FAULT_KINDS)
        return -1;
    pthread_once(&fault_env_once, fault_read_env);
    long made = __atomic_exchange_n(&fault_checks[k], 0, __ATOMIC_RELAXED);
    fault_arm(k, nth);
    return made;
}
