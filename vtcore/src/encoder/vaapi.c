/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Shared VA-API plumbing for the hardware encoder backends: see vaapi.h.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <va/va.h>
#include <va/va_drm.h>

#include "encoder/vaapi.h"
#include "log.h"
#include "mem.h"

/* ---- status ------------------------------------------------------------- */

OSStatus vt_vaapi_status(VAStatus st, const char *what, Boolean quiet) {
    OSStatus os;
    switch (st) {
    case VA_STATUS_SUCCESS:
        return noErr;
    case VA_STATUS_ERROR_ALLOCATION_FAILED:
        os = kVTAllocationFailedErr;
        break;
    case VA_STATUS_ERROR_UNSUPPORTED_PROFILE:
    case VA_STATUS_ERROR_UNSUPPORTED_ENTRYPOINT:
    case VA_STATUS_ERROR_UNSUPPORTED_RT_FORMAT:
    case VA_STATUS_ERROR_RESOLUTION_NOT_SUPPORTED:
    case VA_STATUS_ERROR_ATTR_NOT_SUPPORTED:
    case VA_STATUS_ERROR_UNSUPPORTED_BUFFERTYPE:
        os = kVTCouldNotFindVideoEncoderErr;
        break;
    case VA_STATUS_ERROR_HW_BUSY:
        os = kVTVideoEncoderNotAvailableNowErr;
        break;
    default:
        os = kVTVideoEncoderMalfunctionErr;
        break;
    }
    vt_log(quiet ? VTCORE_LOG_DEBUG : VTCORE_LOG_ERROR, "vaapi: %s: %s (0x%x)", what,
           vaErrorStr(st), (unsigned)st);
    return os;
}

/* ---- displays ----------------------------------------------------------- */

static void va_info_cb(void *user, const char *message) {
    (void)user;
    size_t n = strlen(message);
    while (n && (message[n - 1] == '\n' || message[n - 1] == '\r'))
        n--;
    vt_debug("libva: %.*s", (int)n, message);
}

static OSStatus display_try(const char *path, VTVaapiAcceptFn accept, void *user, Boolean quiet,
                            VTVaapiDisplay *out) {
    int major = 0, minor = 0;
    VAStatus st;
    int fd = open(path, O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        vt_log(quiet ? VTCORE_LOG_DEBUG : VTCORE_LOG_WARNING, "vaapi: cannot open %s: %s", path,
               strerror(errno));
        return kVTCouldNotFindVideoEncoderErr;
    }
    VADisplay dpy = vaGetDisplayDRM(fd);
    if (!dpy) {
        vt_log(quiet ? VTCORE_LOG_DEBUG : VTCORE_LOG_WARNING,
               "vaapi: %s is not a DRM device libva accepts", path);
        close(fd);
        return kVTCouldNotFindVideoEncoderErr;
    }
    /* libva prints to stderr unless told otherwise: route into vt_log. */
    vaSetInfoCallback(dpy, va_info_cb, NULL);
    vaSetErrorCallback(dpy, va_info_cb, NULL);
    st = vaInitialize(dpy, &major, &minor);
    if (st != VA_STATUS_SUCCESS) {
        OSStatus os = vt_vaapi_status(st, "vaInitialize", quiet);
        vaTerminate(dpy);
        close(fd);
        return os == kVTAllocationFailedErr ? os : kVTCouldNotFindVideoEncoderErr;
    }
    if (accept && !accept(dpy, user)) {
        vt_debug("vaapi: %s (%s) has no usable encoder", path, vaQueryVendorString(dpy));
        vaTerminate(dpy);
        close(fd);
        return kVTCouldNotFindVideoEncoderErr;
    }
    vt_debug("vaapi: using %s: %s, VA-API %d.%d", path, vaQueryVendorString(dpy), major, minor);
    out->fd = fd;
    out->dpy = dpy;
    snprintf(out->path, sizeof(out->path), "%s", path);
    return noErr;
}

static int cmp_names(const void *a, const void *b) {
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

OSStatus vt_vaapi_display_open(const char *path, VTVaapiAcceptFn accept, void *user, Boolean quiet,
                               VTVaapiDisplay *out) {
    char names[128][32];
    const char *sorted[128];
    size_t n = 0;
    DIR *dir;
    struct dirent *e;

    memset(out, 0, sizeof(*out));
    out->fd = -1;
    if (!path || !*path)
        path = getenv(VT_VAAPI_DEVICE_ENV);
    if (path && *path)
        return display_try(path, accept, user, quiet, out);

    dir = opendir("/dev/dri");
    if (!dir) {
        vt_debug("vaapi: no /dev/dri (%s): no render node", strerror(errno));
        return kVTCouldNotFindVideoEncoderErr;
    }
    while ((e = readdir(dir)) != NULL && n < 128) {
        size_t len = strlen(e->d_name);
        if (strncmp(e->d_name, "renderD", 7) != 0 || len >= sizeof(names[0]))
            continue;
        memcpy(names[n], e->d_name, len + 1);
        sorted[n] = names[n];
        n++;
    }
    closedir(dir);
    qsort(sorted, n, sizeof(sorted[0]), cmp_names);
    for (size_t i = 0; i < n; i++) {
        char full[64];
        snprintf(full, sizeof(full), "/dev/dri/%s", sorted[i]);
        if (display_try(full, accept, user, TRUE, out) == noErr)
            return noErr;
    }
    vt_debug("vaapi: %zu render node(s), none usable", n);
    return kVTCouldNotFindVideoEncoderErr;
}

void vt_vaapi_display_close(VTVaapiDisplay *d) {
    if (!d)
        return;
    if (d->dpy)
        vaTerminate(d->dpy);
    if (d->fd >= 0 && d->dpy)
        close(d->fd);
    d->dpy = NULL;
    d->fd = -1;
}

/* ---- capabilities ------------------------------------------------------- */

static OSStatus query_entrypoint(VADisplay dpy, VAProfile profile, VAEntrypoint ep,
                                 VTVaapiEncCaps *caps) {
    VAConfigAttrib a[9];
    VAStatus st;
    memset(a, 0, sizeof(a));
    a[0].type = VAConfigAttribRTFormat;
    a[1].type = VAConfigAttribRateControl;
    a[2].type = VAConfigAttribEncPackedHeaders;
    a[3].type = VAConfigAttribMaxPictureWidth;
    a[4].type = VAConfigAttribMaxPictureHeight;
    a[5].type = VAConfigAttribEncMaxRefFrames;
    a[6].type = VAConfigAttribEncQualityRange;
    a[7].type = VAConfigAttribEncHEVCFeatures;
    a[8].type = VAConfigAttribEncHEVCBlockSizes;
    st = vaGetConfigAttributes(dpy, profile, ep, a, 9);
    if (st != VA_STATUS_SUCCESS)
        return vt_vaapi_status(st, "vaGetConfigAttributes", TRUE);
    if (a[0].value == VA_ATTRIB_NOT_SUPPORTED ||
        !(a[0].value & (VA_RT_FORMAT_YUV420 | VA_RT_FORMAT_YUV420_10))) {
        vt_debug("vaapi: profile %d entrypoint %d: no 4:2:0 surfaces", profile, ep);
        return kVTCouldNotFindVideoEncoderErr;
    }
    memset(caps, 0, sizeof(*caps));
    caps->profile = profile;
    caps->entrypoint = ep;
    caps->rt_formats = a[0].value & (VA_RT_FORMAT_YUV420 | VA_RT_FORMAT_YUV420_10);
    caps->rc_modes = a[1].value == VA_ATTRIB_NOT_SUPPORTED ? VA_RC_CQP : a[1].value;
    caps->packed_headers = a[2].value == VA_ATTRIB_NOT_SUPPORTED ? 0 : a[2].value;
    caps->max_width = a[3].value == VA_ATTRIB_NOT_SUPPORTED ? 4096 : a[3].value;
    caps->max_height = a[4].value == VA_ATTRIB_NOT_SUPPORTED ? 4096 : a[4].value;
    if (a[5].value == VA_ATTRIB_NOT_SUPPORTED) {
        caps->max_refs_l0 = 1;
        caps->max_refs_l1 = 0;
    } else {
        caps->max_refs_l0 = a[5].value & 0xffff;
        caps->max_refs_l1 = (a[5].value >> 16) & 0xffff;
    }
    caps->quality_range = a[6].value == VA_ATTRIB_NOT_SUPPORTED ? 0 : a[6].value;
    caps->hevc_features = a[7].value;
    caps->hevc_block_sizes = a[8].value;
    return noErr;
}

OSStatus vt_vaapi_query_enc_caps(VADisplay dpy, VAProfile profile, Boolean prefer_lp,
                                 VTVaapiEncCaps *caps) {
    VAEntrypoint eps[16];
    int n = 0, max = vaMaxNumEntrypoints(dpy);
    Boolean has_slice = FALSE, has_lp = FALSE;
    VAStatus st;
    if (max <= 0 || max > 16)
        max = 16;
    st = vaQueryConfigEntrypoints(dpy, profile, eps, &n);
    if (st != VA_STATUS_SUCCESS)
        return vt_vaapi_status(st, "vaQueryConfigEntrypoints", TRUE);
    for (int i = 0; i < n && i < max; i++) {
        has_slice |= eps[i] == VAEntrypointEncSlice;
        has_lp |= eps[i] == VAEntrypointEncSliceLP;
    }
    if (prefer_lp && has_lp &&
        query_entrypoint(dpy, profile, VAEntrypointEncSliceLP, caps) == noErr)
        return noErr;
    if (has_slice && query_entrypoint(dpy, profile, VAEntrypointEncSlice, caps) == noErr)
        return noErr;
    if (has_lp && query_entrypoint(dpy, profile, VAEntrypointEncSliceLP, caps) == noErr)
        return noErr;
    return kVTCouldNotFindVideoEncoderErr;
}

/* ---- rate control ------------------------------------------------------- */

/* clang-format off */
static const VTVaapiRCMode rc_table[VT_VAAPI_RC_COUNT] = {
    /* mode              name    va_mode      bitrate maxrate quality hrd */
    { VT_VAAPI_RC_CQP,  "CQP",  VA_RC_CQP,   0,      0,      1,      0 },
    { VT_VAAPI_RC_CBR,  "CBR",  VA_RC_CBR,   1,      0,      0,      1 },
    { VT_VAAPI_RC_VBR,  "VBR",  VA_RC_VBR,   1,      1,      0,      1 },
    { VT_VAAPI_RC_ICQ,  "ICQ",  VA_RC_ICQ,   0,      0,      1,      0 },
    { VT_VAAPI_RC_QVBR, "QVBR", VA_RC_QVBR,  1,      1,      1,      1 },
};
/* clang-format on */

const VTVaapiRCMode *vt_vaapi_rc_mode(VTVaapiRC mode) {
    if ((int)mode < 0 || mode >= VT_VAAPI_RC_COUNT)
        return NULL;
    return &rc_table[mode];
}

/* Quality (0..1) -> QP: the same curve x264.c uses for CRF. */
/* clang-format off */
static const struct { double q, qp; } qp_points[] = {
    { 0.00, 51.0 },
    { 0.25, 32.0 },
    { 0.50, 25.0 },
    { 0.75, 18.0 },
    { 0.90, 12.0 },
    { 1.00,  1.0 },
};
/* clang-format on */

static unsigned quality_to_qp(double q) {
    const size_t n = sizeof(qp_points) / sizeof(qp_points[0]);
    double v = qp_points[n - 1].qp;
    if (q <= qp_points[0].q) {
        v = qp_points[0].qp;
    } else {
        for (size_t i = 1; i < n; i++) {
            if (q <= qp_points[i].q) {
                double t = (q - qp_points[i - 1].q) / (qp_points[i].q - qp_points[i - 1].q);
                v = qp_points[i - 1].qp + t * (qp_points[i].qp - qp_points[i - 1].qp);
                break;
            }
        }
    }
    return (unsigned)floor(v + 0.5);
}

void vt_vaapi_rate_set_fps(VTVaapiRate *r, double expected_frame_rate) {
    double fps = expected_frame_rate > 0.0 ? expected_frame_rate : 30.0;
    r->fps = fps;
    if (fabs(fps - floor(fps + 0.5)) < 1e-6) {
        r->fr_num = (uint32_t)floor(fps + 0.5);
        r->fr_den = 1;
        return;
    }
    double ntsc = fps * 1.001;
    if (fabs(ntsc - floor(ntsc + 0.5)) < 1e-3) {
        r->fr_num = (uint32_t)floor(ntsc + 0.5) * 1000;
        r->fr_den = 1001;
        return;
    }
    r->fr_num = (uint32_t)floor(fps * 1000.0 + 0.5);
    r->fr_den = 1000;
}

/* DataRateLimits -> (peak rate, buffer): the same split as x264.c, so every
 * window of each limit's duration stays within its bytes. */
static void limits_to_vbv(const VTEncoderConfig *cfg, double fps, double *rate, double *size) {
    *rate = *size = 0.0;
    for (int i = 0; i < cfg->data_rate_limit_count; i++) {
        double m = cfg->data_rate_limits[i].bytes * 8.0;
        double n = cfg->data_rate_limits[i].seconds * fps + 1.0;
        double r = 0.75 * m * fps / n, b = 0.25 * m;
        if (i == 0 || r < *rate)
            *rate = r;
        if (i == 0 || b < *size)
            *size = b;
    }
}

static uint32_t clamp_u32(double v) {
    if (!(v > 1.0))
        return 1;
    if (v > 4e9)
        return 4000000000u;
    return (uint32_t)floor(v + 0.5);
}

static Boolean rc_supported(uint32_t rc_modes, VTVaapiRC rc) {
    return (rc_modes & vt_vaapi_rc_mode(rc)->va_mode) != 0;
}

OSStatus vt_vaapi_rate_map(VTVaapiRate *r, const VTEncoderConfig *cfg, uint32_t rc_modes,
                           double blocks16, Boolean low_delay) {
    const double fps = r->fps;
    double peak = 0.0, avg = 0.0, vbv = 0.0;
    Boolean has_quality = cfg->quality >= 0.0;
    VTVaapiRC rc;

    if (cfg->data_rate_limit_count)
        limits_to_vbv(cfg, fps, &peak, &vbv);
    if (cfg->constant_bit_rate > 0) {
        avg = peak = (double)cfg->constant_bit_rate;
        rc = rc_supported(rc_modes, VT_VAAPI_RC_CBR) ? VT_VAAPI_RC_CBR : VT_VAAPI_RC_VBR;
    } else if (cfg->average_bit_rate > 0) {
        avg = (double)cfg->average_bit_rate;
        if (!cfg->data_rate_limit_count)
            peak = avg * 1.5;
        else if (avg > peak)
            avg = peak;
        rc = has_quality && rc_supported(rc_modes, VT_VAAPI_RC_QVBR) ? VT_VAAPI_RC_QVBR
             : rc_supported(rc_modes, VT_VAAPI_RC_VBR)               ? VT_VAAPI_RC_VBR
                                                                     : VT_VAAPI_RC_CBR;
        if (rc == VT_VAAPI_RC_CBR)
            peak = avg;
    } else if (cfg->data_rate_limit_count) {
        avg = peak * 0.75;
        rc = rc_supported(rc_modes, VT_VAAPI_RC_QVBR) ? VT_VAAPI_RC_QVBR : VT_VAAPI_RC_VBR;
    } else if (has_quality) {
        rc = rc_supported(rc_modes, VT_VAAPI_RC_ICQ) ? VT_VAAPI_RC_ICQ : VT_VAAPI_RC_CQP;
    } else {
        rc = VT_VAAPI_RC_CQP;
    }
    /* what the driver lacks: fall back in a fixed order */
    if (!rc_supported(rc_modes, rc)) {
        static const VTVaapiRC order[] = {VT_VAAPI_RC_CQP, VT_VAAPI_RC_ICQ, VT_VAAPI_RC_VBR,
                                          VT_VAAPI_RC_CBR, VT_VAAPI_RC_QVBR};
        VTVaapiRC want = rc;
        Boolean bitrate_mode = vt_vaapi_rc_mode(rc)->uses_bitrate;
        rc = VT_VAAPI_RC_COUNT;
        for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
            const VTVaapiRCMode *m = vt_vaapi_rc_mode(order[i]);
            if (rc_supported(rc_modes, order[i]) && (!bitrate_mode || m->uses_bitrate)) {
                rc = order[i];
                break;
            }
        }
        if (rc == VT_VAAPI_RC_COUNT) {
            vt_warn("vaapi: the driver has no rate control for %s (modes 0x%x)",
                    vt_vaapi_rc_mode(want)->name, rc_modes);
            return kVTParameterErr;
        }
        vt_info("vaapi: %s not available, using %s", vt_vaapi_rc_mode(want)->name,
                vt_vaapi_rc_mode(rc)->name);
    }
    if (vt_vaapi_rc_mode(rc)->uses_bitrate && !(peak > 0.0)) {
        /* no rate given (a bitrate-only driver): ~48 bits per 16x16 block */
        avg = 48.0 * blocks16 * fps;
        peak = avg * 1.5;
    }
    if (rc == VT_VAAPI_RC_CBR)
        peak = avg = avg > 0.0 ? avg : peak;

    r->rc = rc;
    r->qp = quality_to_qp(has_quality ? cfg->quality : 0.57);
    r->quality_factor = r->qp < 1 ? 1 : r->qp;
    r->min_qp = cfg->min_qp >= 0 ? (unsigned)cfg->min_qp : 0;
    r->max_qp = cfg->max_qp >= 0 ? (unsigned)cfg->max_qp : 0;
    if (cfg->min_qp >= 0 && r->qp < r->min_qp)
        r->qp = r->min_qp;
    if (cfg->max_qp >= 0 && r->qp > r->max_qp)
        r->qp = r->max_qp;
    r->bitrate = vt_vaapi_rc_mode(rc)->uses_bitrate ? clamp_u32(peak) : 0;
    r->target_pct = 100;
    if (vt_vaapi_rc_mode(rc)->uses_maxrate && peak > 0.0) {
        double pct = floor(avg * 100.0 / peak + 0.5);
        r->target_pct = pct < 1.0 ? 1 : pct > 100.0 ? 100 : (uint32_t)pct;
    }
    r->hrd_size = 0;
    if (vt_vaapi_rc_mode(rc)->uses_hrd) {
        double size = vbv > 0.0 ? vbv : peak * (low_delay ? 1.0 : 2.0);
        r->hrd_size = clamp_u32(size);
        r->hrd_init = (uint32_t)((uint64_t)r->hrd_size * 3 / 4);
    }
    return noErr;
}

OSStatus vt_vaapi_rate_update(VTVaapiRate *r, const VTEncoderConfig *cfg, uint32_t rc_modes,
                              double blocks16, Boolean low_delay) {
    VTVaapiRate trial = *r;
    OSStatus st;
    if (cfg->expected_frame_rate > 0.0)
        vt_vaapi_rate_set_fps(&trial, cfg->expected_frame_rate);
    st = vt_vaapi_rate_map(&trial, cfg, rc_modes, blocks16, low_delay);
    if (st != noErr)
        return st;
    if (trial.rc != r->rc || (r->rc == VT_VAAPI_RC_CQP && trial.qp != r->qp)) {
        vt_debug("vaapi: rate-control mode change (%s -> %s) needs a new encoder",
                 vt_vaapi_rc_mode(r->rc)->name, vt_vaapi_rc_mode(trial.rc)->name);
        return kVTPropertyNotSupportedErr;
    }
    trial.qp = r->qp;
    trial.quality_level = r->quality_level;
    *r = trial;
    return noErr;
}

unsigned vt_vaapi_quality_level(const VTEncoderConfig *cfg, unsigned range) {
    if (range <= 1)
        return 0;
    if (cfg->prioritize_speed == 1 || cfg->maximize_power_efficiency == 1)
        return range; /* fastest */
    if (cfg->prioritize_speed == 0)
        return 1; /* best */
    if (cfg->realtime == 1)
        return (range * 3 + 3) / 4;
    return (range + 1) / 2;
}

/* ---- buffers ------------------------------------------------------------ */

OSStatus vt_vaapi_add_buffer(VADisplay dpy, VAContextID ctx, VTVaapiBufList *list,
                             VABufferType type, const void *data, size_t size) {
    VABufferID id = VA_INVALID_ID;
    VAStatus st;
    if (list->count >= VT_VAAPI_MAX_PIC_BUFFERS || size == 0 || size > UINT32_MAX) {
        vt_error("vaapi: too many or too large parameter buffers");
        return kVTVideoEncoderMalfunctionErr;
    }
    st = vaCreateBuffer(dpy, ctx, type, (unsigned)size, 1, (void *)(uintptr_t)data, &id);
    if (st != VA_STATUS_SUCCESS)
        return vt_vaapi_status(st, "vaCreateBuffer", FALSE);
    list->ids[list->count++] = id;
    return noErr;
}

OSStatus vt_vaapi_add_misc(VADisplay dpy, VAContextID ctx, VTVaapiBufList *list,
                           VAEncMiscParameterType type, const void *data, size_t size) {
    size_t total = sizeof(VAEncMiscParameterBuffer) + size;
    VAEncMiscParameterBuffer *m = vt_calloc(1, total);
    OSStatus os;
    if (!m)
        return kVTAllocationFailedErr;
    m->type = type;
    memcpy(m->data, data, size);
    os = vt_vaapi_add_buffer(dpy, ctx, list, VAEncMiscParameterBufferType, m, total);
    vt_free(m);
    return os;
}

OSStatus vt_vaapi_add_packed(VADisplay dpy, VAContextID ctx, VTVaapiBufList *list, uint32_t type,
                             const uint8_t *data, size_t bits) {
    VAEncPackedHeaderParameterBuffer ph;
    OSStatus os;
    memset(&ph, 0, sizeof(ph));
    ph.type = type;
    ph.bit_length = (uint32_t)bits;
    ph.has_emulation_bytes = 1;
    os = vt_vaapi_add_buffer(dpy, ctx, list, VAEncPackedHeaderParameterBufferType, &ph, sizeof(ph));
    if (os == noErr)
        os = vt_vaapi_add_buffer(dpy, ctx, list, VAEncPackedHeaderDataBufferType, data,
                                 (bits + 7) / 8);
    return os;
}

void vt_vaapi_destroy_buffers(VADisplay dpy, VTVaapiBufList *list) {
    for (int i = 0; i < list->count; i++)
        vaDestroyBuffer(dpy, list->ids[i]);
    list->count = 0;
}

OSStatus vt_vaapi_add_rate_params(VADisplay dpy, VAContextID ctx, VTVaapiBufList *bl,
                                  const VTVaapiRate *r) {
    OSStatus st = noErr;
    const VTVaapiRCMode *m = vt_vaapi_rc_mode(r->rc);

    if (r->rc != VT_VAAPI_RC_CQP) {
        VAEncMiscParameterRateControl rc;
        memset(&rc, 0, sizeof(rc));
        rc.bits_per_second = r->bitrate;
        rc.target_percentage = m->uses_bitrate ? r->target_pct : 0;
        rc.window_size = r->hrd_size && r->bitrate
                             ? (uint32_t)((uint64_t)r->hrd_size * 1000 / r->bitrate)
                             : 1000;
        rc.min_qp = r->min_qp;
        rc.max_qp = r->max_qp;
        if (r->rc == VT_VAAPI_RC_ICQ)
            rc.ICQ_quality_factor = r->quality_factor;
        if (r->rc == VT_VAAPI_RC_QVBR)
            rc.quality_factor = r->quality_factor;
        st = vt_vaapi_add_misc(dpy, ctx, bl, VAEncMiscParameterTypeRateControl, &rc, sizeof(rc));
        if (st == noErr && m->uses_hrd && r->hrd_size) {
            VAEncMiscParameterHRD hrd;
            memset(&hrd, 0, sizeof(hrd));
            hrd.buffer_size = r->hrd_size;
            hrd.initial_buffer_fullness = r->hrd_init;
            st = vt_vaapi_add_misc(dpy, ctx, bl, VAEncMiscParameterTypeHRD, &hrd, sizeof(hrd));
        }
    }
    if (st == noErr) {
        VAEncMiscParameterFrameRate fr;
        memset(&fr, 0, sizeof(fr));
        fr.framerate = r->fr_den == 1 ? r->fr_num : (r->fr_num & 0xffff) | (r->fr_den << 16);
        if (r->fr_num > 0xffff || r->fr_den > 0xffff)
            fr.framerate = (uint32_t)floor(r->fps + 0.5);
        st = vt_vaapi_add_misc(dpy, ctx, bl, VAEncMiscParameterTypeFrameRate, &fr, sizeof(fr));
    }
    if (st == noErr && r->quality_level) {
        VAEncMiscParameterBufferQualityLevel ql;
        memset(&ql, 0, sizeof(ql));
        ql.quality_level = r->quality_level;
        st = vt_vaapi_add_misc(dpy, ctx, bl, VAEncMiscParameterTypeQualityLevel, &ql, sizeof(ql));
    }
    return st;
}

/* ---- upload ------------------------------------------------------------- */

Boolean vt_vaapi_format_is_p010(uint32_t fourcc) {
    return fourcc == VT_ENC_FORMAT_P010 || fourcc == VT_ENC_FORMAT_P010_FR;
}

Boolean vt_vaapi_format_is_full_range(uint32_t fourcc) {
    return fourcc == VT_ENC_FORMAT_I420_FR || fourcc == VT_ENC_FORMAT_NV12_FR ||
           fourcc == VT_ENC_FORMAT_P010_FR;
}

Boolean vt_vaapi_frame_valid(const VTEncoderFrame *f, int32_t width, int32_t height) {
    size_t w = (size_t)f->width, cw = (w + 1) / 2;
    Boolean nv12, i420, p010;
    int planes;
    if (f->width != width || f->height != height)
        return FALSE;
    nv12 = f->pixel_format == VT_ENC_FORMAT_NV12 || f->pixel_format == VT_ENC_FORMAT_NV12_FR;
    i420 = f->pixel_format == VT_ENC_FORMAT_I420 || f->pixel_format == VT_ENC_FORMAT_I420_FR;
    p010 = vt_vaapi_format_is_p010(f->pixel_format);
    if (!nv12 && !i420 && !p010)
        return FALSE;
    planes = i420 ? 3 : 2;
    if (f->plane_count != planes)
        return FALSE;
    if (f->pixel_buffer && !f->planes[0])
        return !i420; /* read from a pool surface (takes_buffer) */
    for (int i = 0; i < planes; i++) {
        size_t need = i == 0 ? w : i420 ? cw : 2 * cw;
        if (p010)
            need *= 2;
        if (!f->planes[i] || f->strides[i] < need)
            return FALSE;
    }
    return TRUE;
}

static inline uint16_t rd16(const uint8_t *p) {
    return (uint16_t)(p[0] | (p[1] << 8));
}

static inline void wr16(uint8_t *p, unsigned v) {
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

/* One source sample as 8 bits (P010 rounded) or as a P010 word. */
static inline unsigned sample8(const uint8_t *row, int x, Boolean src16) {
    if (!src16)
        return row[x];
    unsigned v = ((unsigned)rd16(row + 2 * x) >> 6) + 2;
    return v > 1023 ? 255 : v >> 2;
}

static inline unsigned sample16(const uint8_t *row, int x, Boolean src16) {
    return src16 ? (unsigned)(rd16(row + 2 * x) & 0xffc0) : (unsigned)row[x] << 8;
}

static void write_image(const VAImage *img, uint8_t *base, const VTEncoderFrame *f, int enc_w,
                        int enc_h, Boolean p010) {
    const int w = f->width, h = f->height, cw = (w + 1) / 2, ch = (h + 1) / 2, ecw = enc_w / 2,
              ech = enc_h / 2;
    const Boolean src16 = vt_vaapi_format_is_p010(f->pixel_format);
    const int bps = p010 ? 2 : 1;
    uint8_t *y_plane = base + img->offsets[0], *uv_plane = base + img->offsets[1];
    for (int y = 0; y < enc_h; y++) {
        const uint8_t *src = f->planes[0] + (size_t)(y < h ? y : h - 1) * f->strides[0];
        uint8_t *dst = y_plane + (size_t)y * img->pitches[0];
        if (p010 == src16) {
            memcpy(dst, src, (size_t)w * (size_t)bps);
        } else {
            for (int x = 0; x < w; x++) {
                if (p010)
                    wr16(dst + 2 * x, sample16(src, x, src16));
                else
                    dst[x] = (uint8_t)sample8(src, x, src16);
            }
        }
        for (int x = w; x < enc_w; x++)
            memcpy(dst + x * bps, dst + (w - 1) * bps, (size_t)bps);
    }
    for (int y = 0; y < ech; y++) {
        int sy = y < ch ? y : ch - 1;
        uint8_t *dst = uv_plane + (size_t)y * img->pitches[1];
        if (f->plane_count == 2) {
            const uint8_t *src = f->planes[1] + (size_t)sy * f->strides[1];
            if (p010 == src16) {
                memcpy(dst, src, (size_t)cw * 2 * (size_t)bps);
            } else {
                for (int x = 0; x < 2 * cw; x++) {
                    if (p010)
                        wr16(dst + 2 * x, sample16(src, x, src16));
                    else
                        dst[x] = (uint8_t)sample8(src, x, src16);
                }
            }
        } else {
            const uint8_t *u = f->planes[1] + (size_t)sy * f->strides[1];
            const uint8_t *v = f->planes[2] + (size_t)sy * f->strides[2];
            for (int x = 0; x < cw; x++) {
                if (p010) {
                    wr16(dst + 4 * x, (unsigned)u[x] << 8);
                    wr16(dst + 4 * x + 2, (unsigned)v[x] << 8);
                } else {
                    dst[2 * x] = u[x];
                    dst[2 * x + 1] = v[x];
                }
            }
        }
        for (int x = cw; x < ecw; x++)
            memcpy(dst + 2 * x * bps, dst + 2 * (cw - 1) * bps, (size_t)(2 * bps));
    }
}

static OSStatus upload_via(VADisplay dpy, VAImage *img, const VTEncoderFrame *f, int enc_w,
                           int enc_h, Boolean p010) {
    void *p = NULL;
    VAStatus st = vaMapBuffer(dpy, img->buf, &p);
    if (st != VA_STATUS_SUCCESS)
        return vt_vaapi_status(st, "vaMapBuffer (image)", FALSE);
    write_image(img, p, f, enc_w, enc_h, p010);
    st = vaUnmapBuffer(dpy, img->buf);
    return st == VA_STATUS_SUCCESS ? noErr : vt_vaapi_status(st, "vaUnmapBuffer (image)", FALSE);
}

OSStatus vt_vaapi_upload(VADisplay dpy, VASurfaceID surface, const VTEncoderFrame *f, int enc_width,
                         int enc_height, Boolean p010, Boolean *no_derive) {
    const uint32_t fourcc = p010 ? VA_FOURCC_P010 : VA_FOURCC_NV12;
    VAImage img;
    VAStatus st;
    OSStatus os;
    if (!*no_derive) {
        st = vaDeriveImage(dpy, surface, &img);
        if (st == VA_STATUS_SUCCESS && img.format.fourcc == fourcc && img.width >= enc_width &&
            img.height >= enc_height) {
            os = upload_via(dpy, &img, f, enc_width, enc_height, p010);
            vaDestroyImage(dpy, img.image_id);
            return os;
        }
        if (st == VA_STATUS_SUCCESS)
            vaDestroyImage(dpy, img.image_id);
        vt_debug("vaapi: vaDeriveImage unusable (%s); uploading with vaPutImage", vaErrorStr(st));
        *no_derive = TRUE;
    }
    VAImageFormat fmt;
    memset(&fmt, 0, sizeof(fmt));
    fmt.fourcc = fourcc;
    fmt.byte_order = VA_LSB_FIRST;
    fmt.bits_per_pixel = p010 ? 24 : 12;
    st = vaCreateImage(dpy, &fmt, enc_width, enc_height, &img);
    if (st != VA_STATUS_SUCCESS)
        return vt_vaapi_status(st, "vaCreateImage", FALSE);
    os = upload_via(dpy, &img, f, enc_width, enc_height, p010);
    if (os == noErr) {
        st = vaPutImage(dpy, surface, img.image_id, 0, 0, (unsigned)enc_width, (unsigned)enc_height,
                        0, 0, (unsigned)enc_width, (unsigned)enc_height);
        if (st != VA_STATUS_SUCCESS)
            os = vt_vaapi_status(st, "vaPutImage", FALSE);
    }
    vaDestroyImage(dpy, img.image_id);
    return os;
}

/* ---- the VA objects of an instance -------------------------------------- */

OSStatus vt_vaapi_pipe_open(VADisplay dpy, VTVaapiPipe *p, const VTVaapiEncCaps *caps,
                            uint32_t va_rc_mode, Boolean p010, int width, int height, int n_in,
                            int n_rec, size_t coded_size) {
    unsigned rt = p010 ? VA_RT_FORMAT_YUV420_10 : VA_RT_FORMAT_YUV420;
    VAConfigAttrib attrs[3];
    VASurfaceAttrib sattr;
    VAStatus st;

    memset(p, 0, sizeof(*p));
    if (n_in < 1 || n_in > VT_VAAPI_MAX_SURFACES || n_rec < 1 || n_rec > VT_VAAPI_MAX_SURFACES ||
        coded_size > UINT32_MAX)
        return kVTParameterErr;
    memset(attrs, 0, sizeof(attrs));
    attrs[0].type = VAConfigAttribRTFormat;
    attrs[0].value = rt;
    attrs[1].type = VAConfigAttribRateControl;
    attrs[1].value = va_rc_mode;
    attrs[2].type = VAConfigAttribEncPackedHeaders;
    attrs[2].value =
        VA_ENC_PACKED_HEADER_SEQUENCE | VA_ENC_PACKED_HEADER_PICTURE | VA_ENC_PACKED_HEADER_SLICE;
    st = vaCreateConfig(dpy, caps->profile, caps->entrypoint, attrs, 3, &p->config);
    if (st != VA_STATUS_SUCCESS)
        return vt_vaapi_status(st, "vaCreateConfig", FALSE);
    p->have_config = TRUE;

    memset(&sattr, 0, sizeof(sattr));
    sattr.type = VASurfaceAttribPixelFormat;
    sattr.flags = VA_SURFACE_ATTRIB_SETTABLE;
    sattr.value.type = VAGenericValueTypeInteger;
    sattr.value.value.i = (int)(p010 ? VA_FOURCC_P010 : VA_FOURCC_NV12);
    st = vaCreateSurfaces(dpy, rt, (unsigned)width, (unsigned)height, p->in, (unsigned)n_in, &sattr,
                          1);
    if (st != VA_STATUS_SUCCESS)
        return vt_vaapi_status(st, "vaCreateSurfaces", FALSE);
    st = vaCreateSurfaces(dpy, rt, (unsigned)width, (unsigned)height, p->rec, (unsigned)n_rec,
                          &sattr, 1);
    if (st != VA_STATUS_SUCCESS) {
        vaDestroySurfaces(dpy, p->in, n_in);
        return vt_vaapi_status(st, "vaCreateSurfaces", FALSE);
    }
    p->n_in = n_in;
    p->n_rec = n_rec;
    p->have_surfaces = TRUE;

    st = vaCreateContext(dpy, p->config, width, height, VA_PROGRESSIVE, p->rec, n_rec, &p->context);
    if (st != VA_STATUS_SUCCESS)
        return vt_vaapi_status(st, "vaCreateContext", FALSE);
    p->have_context = TRUE;

    st = vaCreateBuffer(dpy, p->context, VAEncCodedBufferType, (unsigned)coded_size, 1, NULL,
                        &p->coded);
    if (st != VA_STATUS_SUCCESS)
        return vt_vaapi_status(st, "vaCreateBuffer (coded)", FALSE);
    p->have_coded = TRUE;
    return noErr;
}

void vt_vaapi_pipe_close(VADisplay dpy, VTVaapiPipe *p) {
    if (dpy) {
        if (p->have_coded)
            vaDestroyBuffer(dpy, p->coded);
        if (p->have_context)
            vaDestroyContext(dpy, p->context);
        if (p->have_surfaces) {
            vaDestroySurfaces(dpy, p->in, p->n_in);
            vaDestroySurfaces(dpy, p->rec, p->n_rec);
        }
        if (p->have_config)
            vaDestroyConfig(dpy, p->config);
    }
    memset(p, 0, sizeof(*p));
}

/* ---- one picture ------------------------------------------------------- */

OSStatus vt_vaapi_encode_picture(VADisplay dpy, VAContextID ctx, VASurfaceID input,
                                 VTVaapiBufList *list, VABufferID coded, uint8_t **buf, size_t *cap,
                                 size_t *size) {
    OSStatus st = noErr;
    VAStatus vs = vaBeginPicture(dpy, ctx, input);
    if (vs != VA_STATUS_SUCCESS) {
        st = vt_vaapi_status(vs, "vaBeginPicture", FALSE);
    } else {
        vs = vaRenderPicture(dpy, ctx, list->ids, list->count);
        if (vs != VA_STATUS_SUCCESS)
            st = vt_vaapi_status(vs, "vaRenderPicture", FALSE);
        /* always end the picture, so the context returns to idle */
        vs = vaEndPicture(dpy, ctx);
        if (st == noErr && vs != VA_STATUS_SUCCESS)
            st = vt_vaapi_status(vs, "vaEndPicture", FALSE);
    }
    vt_vaapi_destroy_buffers(dpy, list);
    if (st == noErr) {
        vs = vaSyncSurface(dpy, input);
        if (vs != VA_STATUS_SUCCESS)
            st = vt_vaapi_status(vs, "vaSyncSurface", FALSE);
    }
    if (st == noErr)
        st = vt_vaapi_read_coded(dpy, coded, buf, cap, size);
    return st;
}

/* ---- coded data --------------------------------------------------------- */

OSStatus vt_vaapi_read_coded(VADisplay dpy, VABufferID coded, uint8_t **buf, size_t *cap,
                             size_t *size) {
    VACodedBufferSegment *seg = NULL;
    OSStatus os = noErr;
    size_t n = 0;
    VAStatus st = vaMapBuffer(dpy, coded, (void **)&seg);
    if (st != VA_STATUS_SUCCESS)
        return vt_vaapi_status(st, "vaMapBuffer (coded)", FALSE);
    for (; seg && os == noErr; seg = seg->next) {
        if (seg->status & VA_CODED_BUF_STATUS_SLICE_OVERFLOW_MASK) {
            vt_error("vaapi: the coded buffer overflowed");
            os = kVTVideoEncoderMalfunctionErr;
            break;
        }
        if (seg->bit_offset) {
            vt_error("vaapi: coded segment with a bit offset");
            os = kVTVideoEncoderMalfunctionErr;
            break;
        }
        if (!seg->size)
            continue;
        if (n + seg->size > *cap) {
            size_t ncap = (n + seg->size) * 2;
            uint8_t *p = vt_realloc(*buf, ncap);
            if (!p) {
                os = kVTAllocationFailedErr;
                break;
            }
            *buf = p;
            *cap = ncap;
        }
        memcpy(*buf + n, seg->buf, seg->size);
        n += seg->size;
    }
    st = vaUnmapBuffer(dpy, coded);
    if (os == noErr && st != VA_STATUS_SUCCESS)
        os = vt_vaapi_status(st, "vaUnmapBuffer (coded)", FALSE);
    *size = n;
    return os;
}
