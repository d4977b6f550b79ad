/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * VTPixelTransferSession: copies a CVPixelBuffer into another one,
 * converting the pixel format and colour matrix and scaling, over the plan
 * engine of convert/convert.h.
 *
 * One transfer:
 *   1. snapshot the properties (session lock);
 *   2. read the source's attachments (clean aperture, pixel aspect ratio,
 *      YCbCr matrix, primaries, transfer function) and the destination's
 *      colour attachments;
 *   3. resolve the colour (below) and the geometry of the scaling mode
 *      (vt_convert_compute_geometry);
 *   4. under the transfer lock: fetch or build the plan for (formats,
 *      cropped sizes, matrices, downsampling, threads) from a small cache,
 *      paint the destination outside the content rectangle black, crop both
 *      images and run the plan;
 *   5. replace the destination's attachments by the ones that describe what
 *      was written, plus the source's propagatable attachments vtcore does
 *      not interpret.
 *
 * Colour. The source's YCbCr matrix is its kCVImageBufferYCbCrMatrixKey
 * attachment, else BT.709 for buffers at least 1280 wide or 720 high and
 * BT.601 below. The destination's is DestinationYCbCrMatrix, else the
 * destination buffer's attachment, else the source's (YCbCr source) or the
 * size rule on the destination (RGB source). Conversions use BT.601, BT.709
 * and BT.2020; other matrices (SMPTE 240M, P3) are carried as tags but any
 * transfer needing their coefficients is refused. Primaries and transfer
 * function are tags only (vtcore has no colour matching): the result is
 * tagged with DestinationColorPrimaries / DestinationTransferFunction, else
 * the source's tag, else the destination buffer's; a property asking for
 * something other than the source's known value is refused with
 * kVTPixelTransferNotSupportedErr and a logged reason. The destination
 * buffer's own primaries / transfer tags are not requests (they are
 * replaced, like all its attachments): GStreamer-style clients label RGB
 * output sRGB / BT.709 without asking for gamut conversion.
 *
 * Locks: xfer_lock (plans, closed) is taken before base.lock, never after.
 * Transfers on one session are serialised by xfer_lock (a plan runs one
 * frame at a time); use one session per thread for parallel transfers.
 */
#include "config.h"

#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <CoreVideo/CoreVideo.h>
#include <VideoToolbox/VideoToolbox.h>

#include "cf/cf_internal.h"
#include "convert/convert.h"
#include "cv/cv_internal.h"
#include "log.h"
#include "mem.h"
#include "runtime.h"
#include "vt/compression_internal.h"
#include "vt/session.h"
#include "vt/transfer_internal.h"

#define TS_PLAN_CACHE 4
#define TS_TAG_NONE   (-1)

/* H.273 code points used below (the internal values of vt_cs_* lists). */
#define TS_MATRIX_BT709   1
#define TS_MATRIX_BT601   6
#define TS_MATRIX_BT2020  9
#define TS_TRANSFER_709   1
#define TS_TRANSFER_2020  14
#define TS_TRANSFER_GAMMA VT_CS_COLOR_NO_CODE

typedef struct TSPlan {
    VTConvertPlan *plan; /* NULL: free slot */
    OSType src_fourcc, dst_fourcc;
    int sw, sh, dw, dh;
    int src_matrix, dst_matrix;
    int downsampling, threads;
    uint64_t last_use;
} TSPlan;

struct OpaqueVTPixelTransferSession {
    VTSessionBase base; /* MUST be first */
    VTTransferConfig config;

    pthread_mutex_t xfer_lock;
    Boolean xfer_lock_ready;
    /* ---- xfer_lock ---- */
    Boolean closed;
    TSPlan plans[TS_PLAN_CACHE];
    uint64_t clock;
    char last_plan[256];
};

typedef struct OpaqueVTPixelTransferSession TS;

static void ts_finalize(CFTypeRef obj);
static OSStatus ts_will_set(VTSessionBase *base, const VTPropertySpec *row, CFTypeRef value);

static void *ts_config(VTSessionBase *base) {
    return &((TS *)base)->config;
}

static const VTPropertyTable *const ts_tables[] = {&vt_transfer_table};

static const VTSessionClass vt_transfer_session_class = {
    .base =
        {
            .name = "VTPixelTransferSession",
            .type_id = VT_TYPE_ID_PIXEL_TRANSFER_SESSION,
            .finalize = ts_finalize,
        },
    .tables = ts_tables,
    .n_tables = 1,
    .config = ts_config,
    .will_set = ts_will_set,
};

static TS *ts_from_ref(CFTypeRef ref) {
    if (!vt_session_is(ref, &vt_transfer_session_class))
        return NULL;
    TS *s = (TS *)ref;
    return s->xfer_lock_ready && s->base.lock_ready ? s : NULL;
}

/* ------------------------------------------------------------------ */
/* Lifecycle                                                           */

static void drop_plans(TS *s) {
    for (int i = 0; i < TS_PLAN_CACHE; i++) {
        vt_convert_plan_destroy(s->plans[i].plan);
        memset(&s->plans[i], 0, sizeof(s->plans[i]));
    }
}

static void ts_finalize(CFTypeRef obj) {
    TS *s = (TS *)obj;
    drop_plans(s);
    if (s->xfer_lock_ready)
        pthread_mutex_destroy(&s->xfer_lock);
    s->xfer_lock_ready = FALSE;
    vt_session_base_finalize(&s->base);
}

static OSStatus ts_will_set(VTSessionBase *base, const VTPropertySpec *row, CFTypeRef value) {
    (void)base;
    if (row->key == &kVTPixelTransferPropertyKey_DestinationICCProfile && value) {
        vt_warn("VTPixelTransferSession: DestinationICCProfile is not supported (vtcore has no "
                "colour management); the value is refused");
        return kVTPropertyNotSupportedErr;
    }
    return noErr;
}

OSStatus VTPixelTransferSessionCreate(CFAllocatorRef allocator,
                                      VTPixelTransferSessionRef *pixelTransferSessionOut) {
    (void)allocator;
    VT_CHECK_ARG(pixelTransferSessionOut != NULL, kVTParameterErr);
    *pixelTransferSessionOut = NULL;
    TS *s = vt_object_alloc(&vt_transfer_session_class.base, sizeof(*s));
    if (!s)
        return kVTAllocationFailedErr;
    OSStatus st = vt_session_base_init(&s->base, &vt_transfer_session_class, 0);
    if (st != noErr) {
        CFRelease(s);
        return st;
    }
    if (pthread_mutex_init(&s->xfer_lock, NULL) != 0) {
        CFRelease(s);
        return kVTAllocationFailedErr;
    }
    s->xfer_lock_ready = TRUE;
    *pixelTransferSessionOut = s;
    return noErr;
}

void VTPixelTransferSessionInvalidate(VTPixelTransferSessionRef session) {
    TS *s = ts_from_ref(session);
    if (!s)
        return;
    pthread_mutex_lock(&s->xfer_lock);
    s->closed = TRUE;
    drop_plans(s);
    pthread_mutex_unlock(&s->xfer_lock);
    vt_session_base_invalidate(&s->base);
}

CFTypeID VTPixelTransferSessionGetTypeID(void) {
    return VT_TYPE_ID_PIXEL_TRANSFER_SESSION;
}

char *vt_transfer_session_copy_last_plan(VTPixelTransferSessionRef session, char *buf,
                                         size_t size) {
    TS *s = ts_from_ref(session);
    if (!s || !buf || !size)
        return NULL;
    pthread_mutex_lock(&s->xfer_lock);
    snprintf(buf, size, "%s", s->last_plan);
    pthread_mutex_unlock(&s->xfer_lock);
    return buf;
}

/* ------------------------------------------------------------------ */
/* Reading properties and attachments                                  */

typedef struct TSSettings {
    VTScalingMode mode;
    VTChromaDownsampling downsampling;
    int threads;                         /* 0 = automatic */
    int32_t primaries, transfer, matrix; /* TS_TAG_NONE when unset */
    CFDictionaryRef dst_aperture;        /* +1 or NULL */
    CFDictionaryRef dst_par;             /* +1 or NULL */
} TSSettings;

static int32_t opt_code(const VTOptInt32 *o) {
    return o->set ? o->value : TS_TAG_NONE;
}

/* Returns FALSE when the session is invalidated. */
static Boolean read_settings(TS *s, TSSettings *out) {
    memset(out, 0, sizeof(*out));
    vt_session_lock(&s->base);
    Boolean ok = !s->base.invalidated;
    if (ok) {
        const VTTransferConfig *c = &s->config;
        out->mode = (VTScalingMode)c->scaling_mode;
        out->downsampling = (VTChromaDownsampling)c->downsampling_mode;
        out->threads = c->thread_count;
        out->primaries = opt_code(&c->dst_color_primaries);
        out->transfer = opt_code(&c->dst_transfer_function);
        out->matrix = opt_code(&c->dst_ycbcr_matrix);
        out->dst_aperture = c->dst_clean_aperture ? CFRetain(c->dst_clean_aperture) : NULL;
        out->dst_par = c->dst_pixel_aspect_ratio ? CFRetain(c->dst_pixel_aspect_ratio) : NULL;
    }
    vt_session_unlock(&s->base);
    return ok;
}

static void clear_settings(TSSettings *t) {
    if (t->dst_aperture)
        CFRelease(t->dst_aperture);
    if (t->dst_par)
        CFRelease(t->dst_par);
    t->dst_aperture = t->dst_par = NULL;
}

static Boolean dict_number(CFDictionaryRef d, CFStringRef key, double *out) {
    return vt_cf_get_double(vt_cf_dict_get(d, key), out) && isfinite(*out);
}

/* A clean aperture dictionary (attachment or property); invalid or smaller
 * than one pixel -> none. */
static VTCleanAperture parse_aperture(CFTypeRef v) {
    VTCleanAperture a;
    memset(&a, 0, sizeof(a));
    if (vt_object_type_id(v) != VT_TYPE_ID_DICTIONARY)
        return a;
    CFDictionaryRef d = v;
    if (!dict_number(d, kCVImageBufferCleanApertureWidthKey, &a.width) ||
        !dict_number(d, kCVImageBufferCleanApertureHeightKey, &a.height) || !(a.width >= 1.0) ||
        !(a.height >= 1.0)) {
        a.width = a.height = 0;
        return a; /* below one pixel: meaningless (and unsafe for the geometry) */
    }
    if (!dict_number(d, kCVImageBufferCleanApertureHorizontalOffsetKey, &a.horizontal_offset))
        a.horizontal_offset = 0;
    if (!dict_number(d, kCVImageBufferCleanApertureVerticalOffsetKey, &a.vertical_offset))
        a.vertical_offset = 0;
    a.valid = 1;
    return a;
}

/* A pixel aspect ratio dictionary; FALSE (and 0:0) when absent, invalid or
 * beyond 1:10000 .. 10000:1. */
static Boolean parse_par(CFTypeRef v, double *h, double *vs) {
    *h = *vs = 0;
    if (vt_object_type_id(v) != VT_TYPE_ID_DICTIONARY)
        return FALSE;
    double a, b;
    if (!dict_number(v, kCVImageBufferPixelAspectRatioHorizontalSpacingKey, &a) ||
        !dict_number(v, kCVImageBufferPixelAspectRatioVerticalSpacingKey, &b) || !(a > 0) ||
        !(b > 0))
        return FALSE;
    /* Extreme ratios would overflow the geometry's arithmetic: ignored. */
    if (!(a / b >= VT_TRANSFER_MIN_PAR) || !(a / b <= 1.0 / VT_TRANSFER_MIN_PAR)) {
        vt_debug("VTPixelTransferSession: pixel aspect ratio %g:%g ignored", a, b);
        return FALSE;
    }
    *h = a;
    *vs = b;
    return TRUE;
}

/* The H.273 code of a colour attachment, or TS_TAG_NONE. */
static int32_t tag_code(CVBufferRef b, CFStringRef key, const VTPropEnum *list) {
    int32_t code = TS_TAG_NONE;
    CFTypeRef v = CVBufferCopyAttachment(b, key, NULL);
    if (v) {
        if (!vt_cs_enum_lookup(list, v, &code))
            code = TS_TAG_NONE;
        CFRelease(v);
    }
    return code;
}

/* ------------------------------------------------------------------ */
/* Colour resolution                                                   */

typedef struct TSColour {
    int eng_src, eng_dst;          /* VTConvertOptions matrices */
    int32_t out_matrix;            /* tag of a YCbCr destination, else TS_TAG_NONE */
    int32_t out_primaries, out_tf; /* tags written, TS_TAG_NONE = none */
} TSColour;

/* Engine matrix of an H.273 code, or -1 when the engine has no coefficients. */
static int engine_matrix(int32_t code) {
    switch (code) {
    case TS_MATRIX_BT709:
        return VT_MATRIX_BT709;
    case 5:
    case TS_MATRIX_BT601:
        return VT_MATRIX_BT601;
    case TS_MATRIX_BT2020:
        return VT_MATRIX_BT2020;
    default:
        return -1;
    }
}

static int32_t size_matrix(size_t w, size_t h) {
    return (w >= 1280 || h >= 720) ? TS_MATRIX_BT709 : TS_MATRIX_BT601;
}

static const char *code_name(const VTPropEnum *list, int32_t code) {
    CFStringRef s = vt_cs_enum_string(list, code);
    return s ? vt_cfstring_cstr(s) : "?";
}

static Boolean same_transfer(int32_t a, int32_t b) {
    /* BT.709 and BT.2020 (10/12-bit) share one transfer curve (H.273). */
    if (a == TS_TRANSFER_2020)
        a = TS_TRANSFER_709;
    if (b == TS_TRANSFER_2020)
        b = TS_TRANSFER_709;
    return a == b;
}

/* An engine matrix for code, or refusal (logged). */
static OSStatus need_matrix(int32_t code, const char *side, int *out) {
    int m = engine_matrix(code);
    if (m < 0) {
        vt_warn("VTPixelTransferSession: the %s YCbCr matrix %s has no conversion in vtcore "
                "(BT.601, BT.709 and BT.2020 only)",
                side, code_name(vt_cs_ycbcr_matrices, code));
        return kVTPixelTransferNotSupportedErr;
    }
    *out = m;
    return noErr;
}

/* The primaries / transfer function tag of the result: the property
 * (refused when it differs from a tagged source: that needs colour
 * matching), else the source's tag, else the destination buffer's (a label
 * for an untagged source). A destination tag that contradicts the source's
 * is replaced: the destination's previous attachments are not a request. */
static OSStatus resolve_tag(int32_t prop, int32_t src_code, CVPixelBufferRef dst, CFStringRef key,
                            const VTPropEnum *list, Boolean transfer, const char *what,
                            int32_t *out) {
    Boolean differ;
    if (prop != TS_TAG_NONE) {
        differ = transfer ? !same_transfer(src_code, prop) : src_code != prop;
        if (src_code != TS_TAG_NONE && differ) {
            vt_warn("VTPixelTransferSession: %s %s -> %s needs colour matching, which vtcore "
                    "does not implement",
                    what, code_name(list, src_code), code_name(list, prop));
            return kVTPixelTransferNotSupportedErr;
        }
        *out = prop;
        return noErr;
    }
    int32_t dst_code = tag_code(dst, key, list);
    if (src_code == TS_TAG_NONE) {
        *out = dst_code;
        return noErr;
    }
    if (dst_code != TS_TAG_NONE && dst_code != src_code)
        vt_debug("VTPixelTransferSession: destination %s tag %s replaced by the source's %s "
                 "(no colour matching)",
                 what, code_name(list, dst_code), code_name(list, src_code));
    *out = src_code;
    return noErr;
}

static OSStatus resolve_colour(const TSSettings *set, CVPixelBufferRef src, CVPixelBufferRef dst,
                               const VTPixelFormatInfo *sf, const VTPixelFormatInfo *df,
                               TSColour *c) {
    size_t sw = CVPixelBufferGetWidth(src), sh = CVPixelBufferGetHeight(src);
    size_t dw = CVPixelBufferGetWidth(dst), dh = CVPixelBufferGetHeight(dst);
    Boolean src_rgb = sf->family == VT_COLOR_RGB, dst_rgb = df->family == VT_COLOR_RGB;
    Boolean src_yuv = sf->family == VT_COLOR_YUV, dst_yuv = df->family == VT_COLOR_YUV;
    OSStatus st;

    c->eng_src = c->eng_dst = VT_MATRIX_UNSPECIFIED;
    c->out_matrix = TS_TAG_NONE;

    /* Matrices: grey counts as luma (its weights matter for RGB -> grey). */
    int32_t src_m = TS_TAG_NONE, dst_m = TS_TAG_NONE;
    if (!src_rgb) {
        src_m = tag_code(src, kCVImageBufferYCbCrMatrixKey, vt_cs_ycbcr_matrices);
        if (src_m == TS_TAG_NONE)
            src_m = size_matrix(sw, sh);
    }
    if (!dst_rgb) {
        dst_m = set->matrix != TS_TAG_NONE
                    ? set->matrix
                    : tag_code(dst, kCVImageBufferYCbCrMatrixKey, vt_cs_ycbcr_matrices);
        if (dst_m == TS_TAG_NONE)
            dst_m = src_yuv ? src_m : size_matrix(dw, dh);
    }
    if (src_yuv && dst_rgb) {
        st = need_matrix(src_m, "source", &c->eng_src);
        if (st != noErr)
            return st;
    } else if (src_rgb && !dst_rgb) {
        st = need_matrix(dst_m, "destination", &c->eng_dst);
        if (st != noErr)
            return st;
    } else if (src_yuv && dst_yuv) {
        if (engine_matrix(src_m) != engine_matrix(dst_m) ||
            (engine_matrix(src_m) < 0 && src_m != dst_m)) {
            st = need_matrix(src_m, "source", &c->eng_src);
            if (st == noErr)
                st = need_matrix(dst_m, "destination", &c->eng_dst);
            if (st != noErr)
                return st;
        } else if (engine_matrix(src_m) >= 0) {
            c->eng_src = c->eng_dst = engine_matrix(src_m);
        }
    }
    if (dst_yuv)
        c->out_matrix = dst_m;

    /* Primaries and transfer function: tags only. */
    int32_t sp = tag_code(src, kCVImageBufferColorPrimariesKey, vt_cs_color_primaries);
    int32_t stf = tag_code(src, kCVImageBufferTransferFunctionKey, vt_cs_transfer_functions);
    st = resolve_tag(set->primaries, sp, dst, kCVImageBufferColorPrimariesKey,
                     vt_cs_color_primaries, FALSE, "colour primaries", &c->out_primaries);
    if (st == noErr)
        st = resolve_tag(set->transfer, stf, dst, kCVImageBufferTransferFunctionKey,
                         vt_cs_transfer_functions, TRUE, "transfer function", &c->out_tf);
    return st;
}

/* ------------------------------------------------------------------ */
/* Plans                                                               */

static int auto_threads(long long pixels) {
    if (pixels < 1280LL * 720LL)
        return 1;
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    if (n < 1)
        n = 1;
    if (n > VT_TRANSFER_AUTO_MAX_THREADS)
        n = VT_TRANSFER_AUTO_MAX_THREADS;
    return (int)n;
}

static OSStatus map_convert_status(OSStatus st) {
    switch (st) {
    case noErr:
        return noErr;
    case VT_CONVERT_ERR_ALLOC:
        return kVTAllocationFailedErr;
    case VT_CONVERT_ERR_NOT_SUPPORTED:
        return kVTPixelTransferNotSupportedErr;
    default:
        return kVTParameterErr;
    }
}

/* The cached plan for these images and options, built if needed (xfer_lock
 * held). */
static OSStatus get_plan(TS *s, const VTImage *si, const VTImage *di, const VTConvertOptions *o,
                         VTConvertPlan **out) {
    TSPlan *victim = &s->plans[0];
    s->clock++;
    for (int i = 0; i < TS_PLAN_CACHE; i++) {
        TSPlan *p = &s->plans[i];
        if (p->plan && p->src_fourcc == si->fmt->fourcc && p->dst_fourcc == di->fmt->fourcc &&
            p->sw == si->width && p->sh == si->height && p->dw == di->width &&
            p->dh == di->height && p->src_matrix == o->src_matrix &&
            p->dst_matrix == o->dst_matrix && p->downsampling == (int)o->downsampling &&
            p->threads == o->n_threads) {
            p->last_use = s->clock;
            *out = p->plan;
            return noErr;
        }
        if (!p->plan || (victim->plan && p->last_use < victim->last_use))
            victim = p;
    }
    VTConvertPlan *plan = NULL;
    OSStatus st = vt_convert_plan_create(si, di, o, &plan);
    if (st != noErr) {
        vt_warn("VTPixelTransferSession: no conversion %s %dx%d -> %s %dx%d (%d)", si->fmt->name,
                si->width, si->height, di->fmt->name, di->width, di->height, (int)st);
        return map_convert_status(st);
    }
    vt_convert_plan_destroy(victim->plan);
    victim->plan = plan;
    victim->src_fourcc = si->fmt->fourcc;
    victim->dst_fourcc = di->fmt->fourcc;
    victim->sw = si->width;
    victim->sh = si->height;
    victim->dw = di->width;
    victim->dh = di->height;
    victim->src_matrix = o->src_matrix;
    victim->dst_matrix = o->dst_matrix;
    victim->downsampling = (int)o->downsampling;
    victim->threads = o->n_threads;
    victim->last_use = s->clock;
    vt_debug("VTPixelTransferSession: %s", vt_convert_plan_describe(plan));
    *out = plan;
    return noErr;
}

/* VTImage view of a pixel buffer (strides checked by planes_ok()). */
static void image_of(CVPixelBufferRef pb, const VTPixelFormatInfo *fmt, VTImage *img) {
    uint8_t *data[3];
    size_t stride[3];
    unsigned n = vt_pixel_buffer_get_planes(pb, data, stride);
    memset(img, 0, sizeof(*img));
    img->fmt = fmt;
    img->width = (int)CVPixelBufferGetWidth(pb);
    img->height = (int)CVPixelBufferGetHeight(pb);
    for (unsigned i = 0; i < n && i < 3; i++) {
        img->data[i] = data[i];
        img->stride[i] = stride[i] > INT_MAX ? 0 : (int)stride[i];
    }
}

/* ------------------------------------------------------------------ */
/* Output attachments                                                  */

/* An integral value as SInt32, else Float64. +1 or NULL. */
static CFNumberRef number_of(double v) {
    if (v == floor(v) && fabs(v) <= (double)INT32_MAX)
        return vt_cf_number_int32((int32_t)v);
    return vt_cf_number_double(v);
}

static CFDictionaryRef dict2(CFStringRef k1, double v1, CFStringRef k2, double v2) {
    CFMutableDictionaryRef d = vt_cf_dict_new();
    CFNumberRef a = number_of(v1), b = number_of(v2);
    CFDictionaryRef out = NULL;
    if (d && a && b) {
        CFDictionarySetValue(d, k1, a);
        CFDictionarySetValue(d, k2, b);
        out = d;
        d = NULL;
    }
    if (d)
        CFRelease(d);
    if (a)
        CFRelease(a);
    if (b)
        CFRelease(b);
    return out;
}

static CFDictionaryRef aperture_dict(double w, double h, double ho, double vo) {
    CFMutableDictionaryRef d = vt_cf_dict_new();
    CFNumberRef n[4] = {number_of(w), number_of(h), number_of(ho), number_of(vo)};
    CFStringRef k[4] = {kCVImageBufferCleanApertureWidthKey, kCVImageBufferCleanApertureHeightKey,
                        kCVImageBufferCleanApertureHorizontalOffsetKey,
                        kCVImageBufferCleanApertureVerticalOffsetKey};
    Boolean ok = d != NULL;
    for (int i = 0; i < 4; i++) {
        if (n[i] && d)
            CFDictionarySetValue(d, k[i], n[i]);
        else
            ok = FALSE;
        if (n[i])
            CFRelease(n[i]);
    }
    if (!ok && d) {
        CFRelease(d);
        d = NULL;
    }
    return d;
}

static int64_t gcd64(int64_t a, int64_t b) {
    while (b) {
        int64_t t = a % b;
        a = b;
        b = t;
    }
    return a;
}

/* Normal mode: the source's pixel aspect ratio stretched like the image
 * (the picture keeps its display aspect). +1 or NULL. */
static CFDictionaryRef stretched_par(double h, double v, size_t sw, size_t sh, size_t dw,
                                     size_t dh) {
    double nh = h * (double)sw * (double)dh, nv = v * (double)sh * (double)dw;
    if (h == floor(h) && v == floor(v) && nh < 9e15 && nv < 9e15) {
        int64_t a = (int64_t)nh, b = (int64_t)nv, g = gcd64(a, b);
        if (g > 0) {
            a /= g;
            b /= g;
        }
        if (a <= INT32_MAX && b <= INT32_MAX) {
            nh = (double)a;
            nv = (double)b;
        }
    }
    return dict2(kCVImageBufferPixelAspectRatioHorizontalSpacingKey, nh,
                 kCVImageBufferPixelAspectRatioVerticalSpacingKey, nv);
}

typedef struct TSOutput {
    CFDictionaryRef aperture; /* +1 or NULL */
    CFDictionaryRef par;      /* +1 or NULL */
} TSOutput;

/* CVBufferSetAttachment cannot report a failure (it is void and drops the
 * value when its dictionary cannot grow): read the value back. FALSE when it
 * is not there, i.e. an allocation failed (H5 in docs/hardening.md). */
static Boolean put_attachment(CVBufferRef b, CFStringRef key, CFTypeRef value) {
    CVBufferSetAttachment(b, key, value, kCVAttachmentMode_ShouldPropagate);
    return CVBufferGetAttachment(b, key, NULL) == value;
}

static Boolean set_tag(CVBufferRef b, CFStringRef key, const VTPropEnum *list, int32_t code) {
    CFStringRef v = code != TS_TAG_NONE ? vt_cs_enum_string(list, code) : NULL;
    return !v || put_attachment(b, key, v);
}

/* Whether b has propagated attachments (CVBufferCopyAttachments answers
 * NULL both for none and when its copy could not be allocated). */
static Boolean has_propagated_attachments(CVBufferRef b) {
    struct __CVBuffer *cb = (struct __CVBuffer *)b;
    pthread_mutex_lock(&cb->lock);
    CFDictionaryRef d = cb->attachments[kCVAttachmentMode_ShouldPropagate];
    Boolean has = d && CFDictionaryGetCount(d) > 0;
    pthread_mutex_unlock(&cb->lock);
    return has;
}

typedef struct AttachmentsCheck {
    CVBufferRef buffer;
    Boolean ok;
} AttachmentsCheck;

static void check_attachment(const void *key, const void *value, void *context) {
    AttachmentsCheck *c = context;
    if (!key || CFGetTypeID(key) != CFStringGetTypeID())
        return; /* CVBufferSetAttachments skips those */
    if (CVBufferGetAttachment(c->buffer, key, NULL) != value)
        c->ok = FALSE;
}

/* Replaces dst's attachments by those describing the transferred image. */
static OSStatus write_attachments(CVPixelBufferRef src, CVPixelBufferRef dst,
                                  const VTPixelFormatInfo *sf, const VTPixelFormatInfo *df,
                                  const TSColour *c, const TSOutput *o) {
    Boolean dst_yuv = df->family == VT_COLOR_YUV;
    Boolean keep_siting = sf->family == VT_COLOR_YUV && dst_yuv &&
                          sf->chroma_shift_x == df->chroma_shift_x &&
                          sf->chroma_shift_y == df->chroma_shift_y;
    CFDictionaryRef prop = CVBufferCopyAttachments(src, kCVAttachmentMode_ShouldPropagate);
    CFMutableDictionaryRef keep = NULL;
    Boolean ok = prop || !has_propagated_attachments(src);
    if (prop) {
        keep = CFDictionaryCreateMutableCopy(NULL, 0, prop);
        CFRelease(prop);
        ok = keep != NULL;
    }
    if (keep) {
        /* What vtcore interprets is rewritten below, never copied. */
        const CFStringRef handled[] = {
            kCVImageBufferCleanApertureKey,     kCVImageBufferPreferredCleanApertureKey,
            kCVImageBufferPixelAspectRatioKey,  kCVImageBufferYCbCrMatrixKey,
            kCVImageBufferColorPrimariesKey,    kCVImageBufferTransferFunctionKey,
            kCVImageBufferChromaSubsamplingKey,
        };
        for (size_t i = 0; i < sizeof(handled) / sizeof(handled[0]); i++)
            CFDictionaryRemoveValue(keep, handled[i]);
        if (!keep_siting) {
            CFDictionaryRemoveValue(keep, kCVImageBufferChromaLocationTopFieldKey);
            CFDictionaryRemoveValue(keep, kCVImageBufferChromaLocationBottomFieldKey);
        }
        if (c->out_tf != TS_TRANSFER_GAMMA)
            CFDictionaryRemoveValue(keep, kCVImageBufferGammaLevelKey);
        if (!df->has_alpha) {
            CFDictionaryRemoveValue(keep, kCVImageBufferAlphaChannelIsOpaque);
            CFDictionaryRemoveValue(keep, kCVImageBufferAlphaChannelModeKey);
        }
    }
    CVBufferRemoveAllAttachments(dst);
    if (ok && keep) {
        AttachmentsCheck check = {dst, TRUE};
        CVBufferSetAttachments(dst, keep, kCVAttachmentMode_ShouldPropagate);
        CFDictionaryApplyFunction(keep, check_attachment, &check);
        ok = check.ok;
    }
    if (keep)
        CFRelease(keep);
    if (ok && dst_yuv)
        ok = set_tag(dst, kCVImageBufferYCbCrMatrixKey, vt_cs_ycbcr_matrices, c->out_matrix);
    if (ok)
        ok = set_tag(dst, kCVImageBufferColorPrimariesKey, vt_cs_color_primaries, c->out_primaries);
    if (ok)
        ok = set_tag(dst, kCVImageBufferTransferFunctionKey, vt_cs_transfer_functions, c->out_tf);
    if (ok && dst_yuv && df->chroma_shift_x == 1)
        ok = put_attachment(dst, kCVImageBufferChromaSubsamplingKey,
                            df->chroma_shift_y ? kCVImageBufferChromaSubsampling_420
                                               : kCVImageBufferChromaSubsampling_422);
    if (ok && o->aperture)
        ok = put_attachment(dst, kCVImageBufferCleanApertureKey, o->aperture);
    if (ok && o->par)
        ok = put_attachment(dst, kCVImageBufferPixelAspectRatioKey, o->par);
    if (!ok) {
        /* no half-described result */
        CVBufferRemoveAllAttachments(dst);
        vt_error("VTPixelTransferSessionTransferImage: out of memory describing the result");
        return kVTAllocationFailedErr;
    }
    return noErr;
}

/* The clean aperture and pixel aspect ratio attachments of the result
 * (docs/transfer.md, "Scaling modes"):
 *   Normal: the source's, stretched like the image;
 *   CropSourceToCleanAperture: DestinationCleanAperture /
 *     DestinationPixelAspectRatio when set (none = whole image, square);
 *   Letterbox, Trim: DestinationCleanAperture when set; the destination
 *     pixel aspect ratio when set, else the source's. */
static OSStatus geometry_attachments(const TSSettings *set, CVPixelBufferRef src,
                                     CVPixelBufferRef dst, const VTCleanAperture *sa,
                                     CFTypeRef src_par, TSOutput *o) {
    double sw = (double)CVPixelBufferGetWidth(src), sh = (double)CVPixelBufferGetHeight(src);
    double dw = (double)CVPixelBufferGetWidth(dst), dh = (double)CVPixelBufferGetHeight(dst);
    double ph, pv;
    Boolean has_par = parse_par(src_par, &ph, &pv);
    o->aperture = o->par = NULL;
    if (set->mode == VT_SCALING_NORMAL) {
        double kx = dw / sw, ky = dh / sh;
        if (sa->valid) {
            o->aperture = aperture_dict(sa->width * kx, sa->height * ky, sa->horizontal_offset * kx,
                                        sa->vertical_offset * ky);
            if (!o->aperture)
                return kVTAllocationFailedErr;
        }
        if (has_par) {
            o->par = stretched_par(ph, pv, (size_t)sw, (size_t)sh, (size_t)dw, (size_t)dh);
            if (!o->par)
                return kVTAllocationFailedErr;
        }
        return noErr;
    }
    if (set->dst_aperture)
        o->aperture = CFRetain(set->dst_aperture);
    if (set->dst_par)
        o->par = CFRetain(set->dst_par);
    else if (set->mode != VT_SCALING_CROP_SOURCE_TO_CLEAN_APERTURE && has_par)
        o->par = CFRetain(src_par);
    return noErr;
}

static void clear_output(TSOutput *o) {
    if (o->aperture)
        CFRelease(o->aperture);
    if (o->par)
        CFRelease(o->par);
    o->aperture = o->par = NULL;
}

/* ------------------------------------------------------------------ */
/* TransferImage                                                       */

static Boolean format_ok(const VTPixelFormatInfo *f, const char *side) {
    if (vt_convert_format_supported(f))
        return TRUE;
    vt_warn("VTPixelTransferSession: %s pixel format %s (0x%08x) cannot be converted", side,
            f->name, (unsigned)f->fourcc);
    return FALSE;
}

/* Sizes: 0 is nonsense (kVTParameterErr), beyond the converter's limit not
 * supported. */
static OSStatus size_ok(CVPixelBufferRef pb, const char *side) {
    size_t w = CVPixelBufferGetWidth(pb), h = CVPixelBufferGetHeight(pb);
    if (w == 0 || h == 0) {
        vt_warn("VTPixelTransferSession: %s buffer is empty (%zux%zu)", side, w, h);
        return kVTParameterErr;
    }
    if (w > VT_CONVERT_MAX_DIMENSION || h > VT_CONVERT_MAX_DIMENSION) {
        vt_warn("VTPixelTransferSession: %s buffer %zux%zu exceeds %dx%d", side, w, h,
                VT_CONVERT_MAX_DIMENSION, VT_CONVERT_MAX_DIMENSION);
        return kVTPixelTransferNotSupportedErr;
    }
    return noErr;
}

/* Planes the converter can address: strides within an int, 16-bit samples
 * 2-byte aligned. */
static OSStatus planes_ok(const VTImage *img, CVPixelBufferRef pb, const char *side) {
    uint8_t *data[3];
    size_t stride[3];
    unsigned n = vt_pixel_buffer_get_planes(pb, data, stride);
    for (unsigned i = 0; i < n; i++) {
        if (!data[i] || stride[i] > INT_MAX ||
            (img->fmt->bit_depth > 8 && (((uintptr_t)data[i] & 1) || (stride[i] & 1)))) {
            vt_warn("VTPixelTransferSession: %s plane %u (stride %zu) cannot be addressed", side, i,
                    stride[i]);
            return kVTParameterErr;
        }
    }
    return n ? noErr : kVTParameterErr;
}

OSStatus VTPixelTransferSessionTransferImage(VTPixelTransferSessionRef session,
                                             CVPixelBufferRef sourceBuffer,
                                             CVPixelBufferRef destinationBuffer) {
    TS *s = ts_from_ref(session);
    CVPixelBufferRef src = sourceBuffer, dst = destinationBuffer;
    VT_CHECK_ARG(s != NULL, kVTParameterErr);
    VT_CHECK_ARG(vt_is_pixel_buffer(src) && vt_is_pixel_buffer(dst), kVTParameterErr);
    if (src == dst) {
        vt_warn("VTPixelTransferSession: source and destination are the same buffer");
        return kVTParameterErr;
    }
    const VTPixelFormatInfo *sf = vt_pixel_buffer_format(src), *df = vt_pixel_buffer_format(dst);
    if (!sf || !df)
        return kVTParameterErr;
    OSStatus st = size_ok(src, "source");
    if (st == noErr)
        st = size_ok(dst, "destination");
    if (st != noErr)
        return st;
    if (!format_ok(sf, "source") || !format_ok(df, "destination"))
        return kVTPixelTransferNotSupportedErr;

    TSSettings set;
    if (!read_settings(s, &set))
        return kVTInvalidSessionErr;
    TSOutput out = {NULL, NULL};
    CFTypeRef src_aperture = NULL, src_par = NULL;
    VTImage si, di, sc, dc;
    image_of(src, sf, &si);
    image_of(dst, df, &di);
    st = planes_ok(&si, src, "source");
    if (st == noErr)
        st = planes_ok(&di, dst, "destination");

    TSColour colour;
    if (st == noErr)
        st = resolve_colour(&set, src, dst, sf, df, &colour);

    /* geometry */
    VTRect sr, dr;
    if (st == noErr) {
        VTGeometryRequest req;
        memset(&req, 0, sizeof(req));
        src_aperture = CVBufferCopyAttachment(src, kCVImageBufferCleanApertureKey, NULL);
        src_par = CVBufferCopyAttachment(src, kCVImageBufferPixelAspectRatioKey, NULL);
        req.mode = set.mode;
        req.src_fmt = sf;
        req.dst_fmt = df;
        req.src_width = si.width;
        req.src_height = si.height;
        req.dst_width = di.width;
        req.dst_height = di.height;
        req.src_aperture = parse_aperture(src_aperture);
        req.dst_aperture = parse_aperture(set.dst_aperture);
        parse_par(src_par, &req.src_par_h, &req.src_par_v);
        parse_par(set.dst_par, &req.dst_par_h, &req.dst_par_v);
        st = map_convert_status(vt_convert_compute_geometry(&req, &sr, &dr));
        if (st == noErr)
            st = geometry_attachments(&set, src, dst, &req.src_aperture, src_par, &out);
    }
    if (st == noErr)
        st = map_convert_status(vt_convert_image_crop(&si, sr, &sc));
    if (st == noErr)
        st = map_convert_status(vt_convert_image_crop(&di, dr, &dc));

    if (st == noErr) {
        VTConvertOptions opts;
        vt_convert_options_init(&opts);
        opts.downsampling = set.downsampling;
        opts.src_matrix = colour.eng_src;
        opts.dst_matrix = colour.eng_dst;
        long long px = (long long)sc.width * sc.height;
        if ((long long)dc.width * dc.height > px)
            px = (long long)dc.width * dc.height;
        opts.n_threads = set.threads > 0 ? set.threads : auto_threads(px);
        Boolean whole = dr.x == 0 && dr.y == 0 && dr.width == di.width && dr.height == di.height;

        pthread_mutex_lock(&s->xfer_lock);
        VTConvertPlan *plan = NULL;
        if (s->closed)
            st = kVTInvalidSessionErr;
        else
            st = get_plan(s, &sc, &dc, &opts, &plan);
        if (st == noErr) {
            CVPixelBufferLockBaseAddress(src, kCVPixelBufferLock_ReadOnly);
            CVPixelBufferLockBaseAddress(dst, 0);
            if (!whole)
                st = map_convert_status(vt_convert_fill_borders(&di, dr));
            if (st == noErr)
                st = map_convert_status(vt_convert_plan_run(plan, &sc, &dc));
            CVPixelBufferUnlockBaseAddress(dst, 0);
            CVPixelBufferUnlockBaseAddress(src, kCVPixelBufferLock_ReadOnly);
            if (st == noErr)
                snprintf(s->last_plan, sizeof(s->last_plan), "%s", vt_convert_plan_describe(plan));
            else
                vt_warn("VTPixelTransferSession: the conversion refused the buffers (%d)", (int)st);
        }
        pthread_mutex_unlock(&s->xfer_lock);
    }
    if (st == noErr)
        st = write_attachments(src, dst, sf, df, &colour, &out);

    clear_output(&out);
    if (src_aperture)
        CFRelease(src_aperture);
    if (src_par)
        CFRelease(src_par);
    clear_settings(&set);
    return st;
}
