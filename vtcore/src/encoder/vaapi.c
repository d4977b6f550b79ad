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
    VAConfigAttrib a[8];
    VAStatus st;
    memset(a, 0, sizeof(a));
    a[0].type = VAConfigAttribRTFormat;
    a[1].type = VAConfigAttribRateControl;
    a[2].type = VAConfigAttribEncPackedHeaders;
    a[3].type = VAConfigAttribMaxPictureWidth;
    a[4].type = VAConfigAttribMaxPictureHeight;
    a[5].type = VAConfigAttribEncMaxRefFrames;
    a[6].type = VAConfigAttribEncQualityRange;
    st = vaGetConfigAttributes(dpy, profile, ep, a, 7);
    if (st != VA_STATUS_SUCCESS)
        return vt_vaapi_status(st, "vaGetConfigAttributes", TRUE);
    if (a[0].value == VA_ATTRIB_NOT_SUPPORTED || !(a[0].value & VA_RT_FORMAT_YUV420)) {
        vt_debug("vaapi: profile %d entrypoint %d: no 4:2:0 8-bit surfaces", profile, ep);
        return kVTCouldNotFindVideoEncoderErr;
    }
    memset(caps, 0, sizeof(*caps));
    caps->profile = profile;
    caps->entrypoint = ep;
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
static const VTVaapiRCMode rc_modes[VT_VAAPI_RC_COUNT] = {
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
    return &rc_modes[mode];
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

/* ---- upload ------------------------------------------------------------- */

static void write_nv12(const VAImage *img, uint8_t *base, const VTEncoderFrame *f, int enc_w,
                       int enc_h) {
    const int w = f->width, h = f->height, cw = (w + 1) / 2, ecw = enc_w / 2, ech = enc_h / 2;
    uint8_t *y_plane = base + img->offsets[0], *uv_plane = base + img->offsets[1];
    for (int y = 0; y < enc_h; y++) {
        const uint8_t *src = f->planes[0] + (size_t)(y < h ? y : h - 1) * f->strides[0];
        uint8_t *dst = y_plane + (size_t)y * img->pitches[0];
        memcpy(dst, src, (size_t)w);
        for (int x = w; x < enc_w; x++)
            dst[x] = src[w - 1];
    }
    for (int y = 0; y < ech; y++) {
        int sy = y < (h + 1) / 2 ? y : (h + 1) / 2 - 1;
        uint8_t *dst = uv_plane + (size_t)y * img->pitches[1];
        if (f->plane_count == 2) {
            memcpy(dst, f->planes[1] + (size_t)sy * f->strides[1], (size_t)cw * 2);
        } else {
            const uint8_t *u = f->planes[1] + (size_t)sy * f->strides[1];
            const uint8_t *v = f->planes[2] + (size_t)sy * f->strides[2];
            for (int x = 0; x < cw; x++) {
                dst[2 * x] = u[x];
                dst[2 * x + 1] = v[x];
            }
        }
        for (int x = cw; x < ecw; x++) {
            dst[2 * x] = dst[2 * cw - 2];
            dst[2 * x + 1] = dst[2 * cw - 1];
        }
    }
}

static OSStatus upload_via(VADisplay dpy, VAImage *img, const VTEncoderFrame *f, int enc_w,
                           int enc_h) {
    void *p = NULL;
    VAStatus st = vaMapBuffer(dpy, img->buf, &p);
    if (st != VA_STATUS_SUCCESS)
        return vt_vaapi_status(st, "vaMapBuffer (image)", FALSE);
    write_nv12(img, p, f, enc_w, enc_h);
    st = vaUnmapBuffer(dpy, img->buf);
    return st == VA_STATUS_SUCCESS ? noErr : vt_vaapi_status(st, "vaUnmapBuffer (image)", FALSE);
}

OSStatus vt_vaapi_upload(VADisplay dpy, VASurfaceID surface, const VTEncoderFrame *f, int enc_width,
                         int enc_height, Boolean *no_derive) {
    VAImage img;
    VAStatus st;
    OSStatus os;
    if (!*no_derive) {
        st = vaDeriveImage(dpy, surface, &img);
        if (st == VA_STATUS_SUCCESS && img.format.fourcc == VA_FOURCC_NV12 &&
            img.width >= enc_width && img.height >= enc_height) {
            os = upload_via(dpy, &img, f, enc_width, enc_height);
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
    fmt.fourcc = VA_FOURCC_NV12;
    fmt.byte_order = VA_LSB_FIRST;
    fmt.bits_per_pixel = 12;
    st = vaCreateImage(dpy, &fmt, enc_width, enc_height, &img);
    if (st != VA_STATUS_SUCCESS)
        return vt_vaapi_status(st, "vaCreateImage", FALSE);
    os = upload_via(dpy, &img, f, enc_width, enc_height);
    if (os == noErr) {
        st = vaPutImage(dpy, surface, img.image_id, 0, 0, (unsigned)enc_width, (unsigned)enc_height,
                        0, 0, (unsigned)enc_width, (unsigned)enc_height);
        if (st != VA_STATUS_SUCCESS)
            os = vt_vaapi_status(st, "vaPutImage", FALSE);
    }
    vaDestroyImage(dpy, img.image_id);
    return os;
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
