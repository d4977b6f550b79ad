/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * TEST FIXTURE ONLY - NOT A VIDEO DRIVER. A libva backend module
 * (vtcoretest_drv_video.so) that lets vtcore's VA-API encoder backend run on
 * machines without a GPU, in CI and in the unit tests. It is never installed.
 * See docs/vaapi.md.
 *
 * Loaded by libva with LIBVA_DRIVERS_PATH=<build>/tests/vadriver and
 * LIBVA_DRIVER_NAME=vtcoretest, on a display opened from the "render node
 * substitute" (a regular file written by the build, see render_node_shim.c).
 *
 * What it does:
 *  - exposes H.264 ConstrainedBaseline/Main/High with VAEntrypointEncSlice
 *    (and/or EncSliceLP), CQP/CBR/VBR (optionally ICQ/QVBR), packed headers,
 *    NV12 surfaces with vaDeriveImage and vaCreateImage+vaPutImage upload;
 *  - validates every buffer the backend renders: sizes, misc parameter
 *    contents, packed header presence and order, and the consistency of the
 *    packed SPS/PPS/slice headers (parsed by its own parser, drv_h264.c)
 *    with the sequence/picture/slice parameter buffers, including frame_num,
 *    POC, the reference set and the reference lists it derives itself from
 *    the bitstream (DPB model with sliding window and list modification);
 *  - writes real slice data behind the backend's slice headers, losslessly:
 *    I and B slices code every macroblock as I_PCM; P slices code a
 *    macroblock as P_Skip when it equals the co-located macroblock of
 *    RefPicList0[0], else as I_PCM. CAVLC and CABAC. The stream therefore
 *    decodes (libavcodec) to exactly the input pictures, as long as the
 *    deblocking filter leaves PCM edges alone (SliceQPY <= 30, or deblocking
 *    disabled in the slice header);
 *  - HEVC (VAProfileHEVCMain, VAProfileHEVCMain10 with P010 surfaces): it
 *    advertises PCM as a *required* tool (VAConfigAttribEncHEVCFeatures), no
 *    SAO, no temporal MVP, CTB 16..32 (VAConfigAttribEncHEVCBlockSizes);
 *    checks the packed VPS/SPS/PPS/slice headers (order, presence, its own
 *    parser in drv_hevc.c) against the sequence/picture/slice buffers, the
 *    POC and the reference picture set against decoded_curr_pic,
 *    reference_frames and ref_pic_list0/1; writes CABAC slice data whose
 *    coding units are PCM (I slices) or skipped when equal to the
 *    co-located block of RefPicList0[0] (P slices), else PCM: lossless;
 *  - records what it saw in a trace file (VTCORETEST_DRV_TRACE) so tests can
 *    check the rate-control parameters and picture types the backend sent;
 *  - counts, process-wide (all displays), the live surfaces, the vaPutImage
 *    uploads, the CPU mappings of derived images and the input surface of
 *    every encoded picture, readable through vtcoretest_drv_stats() and
 *    vtcoretest_drv_input_surface() (exported; a test dlopen()s this module
 *    itself so the counters survive vaTerminate): the zero-copy tests prove
 *    with them that pool buffers are encoded from their own surfaces without
 *    an upload, and that no surface outlives its pool.
 *
 * Environment knobs (read at vaInitialize):
 *  VTCORETEST_DRV_TRACE=path          append one line per config/context/picture
 *  VTCORETEST_DRV_PROFILES=cb,main,high,hevc,hevc10   profiles to expose
 *                                     (default all)
 *  VTCORETEST_DRV_ENTRYPOINTS=slice|lp|both   (default slice)
 *  VTCORETEST_DRV_RC=cqp,cbr,vbr,icq,qvbr     (default cqp,cbr,vbr)
 *  VTCORETEST_DRV_PACKED=seq,pic,slice,raw,misc|none   (default all)
 *  VTCORETEST_DRV_MAX_REFS=l0,l1      EncMaxRefFrames (default 4,1; l1 0 = no B)
 *  VTCORETEST_DRV_MAX_SIZE=WxH        (default 4096x4096)
 *  VTCORETEST_DRV_NO_DERIVE=1         vaDeriveImage fails (PutImage path)
 *  Fault injection:
 *  VTCORETEST_DRV_FAIL_INIT=1         the driver init function fails
 *  VTCORETEST_DRV_FAIL_CREATE_CONTEXT=1
 *  VTCORETEST_DRV_FAIL_END_PICTURE=N[:status]  the N-th vaEndPicture of this
 *                                     display (vaInitialize) fails (status in
 *                                     hex, default VA_STATUS_ERROR_ENCODING_ERROR)
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <va/va.h>
#include <va/va_backend.h>
#include <va/va_enc_h264.h>
#include <va/va_enc_hevc.h>

#include "drv_h264.h"
#include "drv_hevc.h"

#define DRV_EXPORT __attribute__((visibility("default")))

#define ID_CONFIG  0x10000000u
#define ID_CONTEXT 0x20000000u
#define ID_SURFACE 0x30000000u
#define ID_BUFFER  0x40000000u
#define ID_IMAGE   0x50000000u
#define ID_KIND    0xf0000000u

#define MAX_PROFILES      8
#define MAX_ENTRYPOINTS   2
#define MAX_ATTRIBS       32
#define MAX_IMAGE_FORMATS 2

/* ---- objects ----------------------------------------------------------- */

typedef struct DrvConfig {
    VAProfile profile;
    VAEntrypoint entrypoint;
    unsigned rt_format, rc_mode, packed;
} DrvConfig;

typedef struct DrvSurface {
    int width, height; /* as created */
    int width_mbs, height_mbs;
    unsigned pitch; /* bytes per row, both planes */
    unsigned bps;   /* bytes per sample: 1 NV12, 2 P010 */
    uint8_t *data;  /* Y rows (height_mbs * 16), then UV rows */
    size_t size;
    int derived; /* live derived images */
} DrvSurface;

typedef struct DrvBuffer {
    VABufferType type;
    VAContextID context;
    unsigned size, num; /* element size, count */
    uint8_t *data;      /* size * num bytes (NULL for derived image buffers) */
    uint8_t *external;  /* image memory this buffer maps */
    int of_surface;     /* external is a surface's memory (derived image) */
    int mapped;
    /* coded buffers */
    VACodedBufferSegment seg;
    size_t coded_cap;
} DrvBuffer;

typedef struct DrvImage {
    VAImage image;
    VASurfaceID surface; /* derived from, or VA_INVALID_SURFACE */
    uint8_t *mem;        /* own memory when not derived */
} DrvImage;

/* A snapshot of one rendered buffer (the application may destroy the
 * buffer right after vaRenderPicture). */
typedef struct Rendered {
    VABufferType type;
    VABufferID id;
    uint8_t *data;
    size_t size;
    unsigned num;
} Rendered;

typedef struct DpbPic {
    VASurfaceID surface;
    unsigned frame_num;
    int poc;
} DpbPic;

typedef struct DrvContext {
    VAConfigID config;
    int width, height;
    VASurfaceID *targets;
    int n_targets;

    int in_picture;
    VASurfaceID input;
    Rendered *bufs;
    int n_bufs, cap_bufs;

    DrvSPS sps[32];
    DrvPPS pps[256];
    int have_seq;
    VAEncSequenceParameterBufferH264 seq;
    int have_rc;

    /* HEVC: parameter sets, sequence parameters and the DPB (by POC) */
    DrvHevcVPS hvps[16];
    DrvHevcSPS hsps[16];
    DrvHevcPPS hpps[64];
    int have_hseq;
    VAEncSequenceParameterBufferHEVC hseq;
    DpbPic hdpb[16];
    int n_hdpb;
    int prev_tid0_poc;

    /* decoding state derived from the bitstream */
    int started;
    DpbPic dpb[16];
    int n_dpb;
    unsigned prev_ref_frame_num;
    int prev_poc_msb, prev_poc_lsb;
    unsigned prev_frame_num, prev_frame_num_offset;
    unsigned pictures;
} DrvContext;

typedef struct Table {
    void **items;
    unsigned n, cap;
} Table;

typedef struct DrvData {
    pthread_mutex_t lock;
    Table configs, contexts, surfaces, buffers, images;
    /* capabilities */
    VAProfile profiles[MAX_PROFILES];
    int n_profiles;
    int ep_slice, ep_lp;
    unsigned rc_modes, packed, max_l0, max_l1, max_w, max_h;
    int no_derive;
    FILE *trace;
    long end_picture_calls, fail_end_picture;
    VAStatus fail_status;
} DrvData;

#define DRV(ctx) ((DrvData *)(ctx)->pDriverData)

/* ---- process-wide counters (see the header) ---- */

#define INPUT_RING 1024
static long g_live_surfaces, g_put_images, g_derived_maps, g_pictures;
static unsigned g_inputs[INPUT_RING];

/* out[0] live surfaces, [1] vaPutImage calls that wrote a surface, [2]
 * vaMapBuffer calls on images derived from surfaces, [3] pictures encoded
 * (since the last reset, except [0]). */
DRV_EXPORT void vtcoretest_drv_stats(long out[4]);
DRV_EXPORT void vtcoretest_drv_stats(long out[4]) {
    out[0] = __atomic_load_n(&g_live_surfaces, __ATOMIC_SEQ_CST);
    out[1] = __atomic_load_n(&g_put_images, __ATOMIC_SEQ_CST);
    out[2] = __atomic_load_n(&g_derived_maps, __ATOMIC_SEQ_CST);
    out[3] = __atomic_load_n(&g_pictures, __ATOMIC_SEQ_CST);
}

/* The input surface of picture i (0-based since the last reset; the last
 * INPUT_RING pictures), VA_INVALID_SURFACE when unknown. */
DRV_EXPORT unsigned vtcoretest_drv_input_surface(long i);
DRV_EXPORT unsigned vtcoretest_drv_input_surface(long i) {
    long n = __atomic_load_n(&g_pictures, __ATOMIC_SEQ_CST);
    if (i < 0 || i >= n || n - i > INPUT_RING)
        return VA_INVALID_SURFACE;
    return __atomic_load_n(&g_inputs[i % INPUT_RING], __ATOMIC_SEQ_CST);
}

/* Restarts the upload, map and picture counters. */
DRV_EXPORT void vtcoretest_drv_stats_reset(void);
DRV_EXPORT void vtcoretest_drv_stats_reset(void) {
    __atomic_store_n(&g_put_images, 0, __ATOMIC_SEQ_CST);
    __atomic_store_n(&g_derived_maps, 0, __ATOMIC_SEQ_CST);
    __atomic_store_n(&g_pictures, 0, __ATOMIC_SEQ_CST);
}

static void drv_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void drv_log(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fputs("vtcoretest_drv: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

static void trace(DrvData *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void trace(DrvData *d, const char *fmt, ...) {
    va_list ap;
    if (!d->trace)
        return;
    va_start(ap, fmt);
    vfprintf(d->trace, fmt, ap);
    fputc('\n', d->trace);
    fflush(d->trace);
    va_end(ap);
}

/* A validation failure: logged, and the call returns this status. */
#define INVALID(...) (drv_log(__VA_ARGS__), VA_STATUS_ERROR_INVALID_PARAMETER)

static unsigned table_add(Table *t, void *item, unsigned kind) {
    for (unsigned i = 0; i < t->n; i++) {
        if (!t->items[i]) {
            t->items[i] = item;
            return kind | i;
        }
    }
    if (t->n == t->cap) {
        unsigned cap = t->cap ? t->cap * 2 : 16;
        void **p = realloc(t->items, cap * sizeof(*p));
        if (!p)
            return 0;
        t->items = p;
        t->cap = cap;
    }
    t->items[t->n] = item;
    return kind | t->n++;
}

static void *table_get(const Table *t, unsigned id, unsigned kind) {
    unsigned i = id & ~ID_KIND;
    if ((id & ID_KIND) != kind || i >= t->n)
        return NULL;
    return t->items[i];
}

static void table_remove(Table *t, unsigned id) {
    unsigned i = id & ~ID_KIND;
    if (i < t->n)
        t->items[i] = NULL;
}

#define GET_CONFIG(d, id)  ((DrvConfig *)table_get(&(d)->configs, (id), ID_CONFIG))
#define GET_CONTEXT(d, id) ((DrvContext *)table_get(&(d)->contexts, (id), ID_CONTEXT))
#define GET_SURFACE(d, id) ((DrvSurface *)table_get(&(d)->surfaces, (id), ID_SURFACE))
#define GET_BUFFER(d, id)  ((DrvBuffer *)table_get(&(d)->buffers, (id), ID_BUFFER))
#define GET_IMAGE(d, id)   ((DrvImage *)table_get(&(d)->images, (id), ID_IMAGE))

/* ---- capabilities ---------------------------------------------------------- */

static int list_has(const char *list, const char *word) {
    size_t n = strlen(word);
    for (const char *p = list; p && *p;) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len == n && strncmp(p, word, n) == 0)
            return 1;
        p = end ? end + 1 : NULL;
    }
    return 0;
}

static void read_env(DrvData *d) {
    const char *s;
    s = getenv("VTCORETEST_DRV_PROFILES");
    if (!s)
        s = "cb,main,high,hevc,hevc10";
    d->n_profiles = 0;
    if (list_has(s, "cb"))
        d->profiles[d->n_profiles++] = VAProfileH264ConstrainedBaseline;
    if (list_has(s, "main"))
        d->profiles[d->n_profiles++] = VAProfileH264Main;
    if (list_has(s, "high"))
        d->profiles[d->n_profiles++] = VAProfileH264High;
    if (list_has(s, "hevc"))
        d->profiles[d->n_profiles++] = VAProfileHEVCMain;
    if (list_has(s, "hevc10"))
        d->profiles[d->n_profiles++] = VAProfileHEVCMain10;

    s = getenv("VTCORETEST_DRV_ENTRYPOINTS");
    d->ep_slice = !s || !strcmp(s, "slice") || !strcmp(s, "both");
    d->ep_lp = s && (!strcmp(s, "lp") || !strcmp(s, "both"));

    s = getenv("VTCORETEST_DRV_RC");
    if (!s)
        s = "cqp,cbr,vbr";
    d->rc_modes = (list_has(s, "cqp") ? VA_RC_CQP : 0) | (list_has(s, "cbr") ? VA_RC_CBR : 0) |
                  (list_has(s, "vbr") ? VA_RC_VBR : 0) | (list_has(s, "icq") ? VA_RC_ICQ : 0) |
                  (list_has(s, "qvbr") ? VA_RC_QVBR : 0);

    s = getenv("VTCORETEST_DRV_PACKED");
    if (!s)
        s = "seq,pic,slice,raw,misc";
    d->packed = (list_has(s, "seq") ? VA_ENC_PACKED_HEADER_SEQUENCE : 0) |
                (list_has(s, "pic") ? VA_ENC_PACKED_HEADER_PICTURE : 0) |
                (list_has(s, "slice") ? VA_ENC_PACKED_HEADER_SLICE : 0) |
                (list_has(s, "raw") ? VA_ENC_PACKED_HEADER_RAW_DATA : 0) |
                (list_has(s, "misc") ? VA_ENC_PACKED_HEADER_MISC : 0);

    d->max_l0 = 4;
    d->max_l1 = 1;
    s = getenv("VTCORETEST_DRV_MAX_REFS");
    if (s)
        sscanf(s, "%u,%u", &d->max_l0, &d->max_l1);
    d->max_w = d->max_h = 4096;
    s = getenv("VTCORETEST_DRV_MAX_SIZE");
    if (s)
        sscanf(s, "%ux%u", &d->max_w, &d->max_h);
    s = getenv("VTCORETEST_DRV_NO_DERIVE");
    d->no_derive = s && *s == '1';
    s = getenv("VTCORETEST_DRV_TRACE");
    d->trace = s && *s ? fopen(s, "a") : NULL;
    s = getenv("VTCORETEST_DRV_FAIL_END_PICTURE");
    d->fail_end_picture = s ? strtol(s, NULL, 10) : 0;
    d->fail_status = VA_STATUS_ERROR_ENCODING_ERROR;
    if (s && strchr(s, ':'))
        d->fail_status = (VAStatus)strtol(strchr(s, ':') + 1, NULL, 16);
}

static int profile_supported(DrvData *d, VAProfile p) {
    for (int i = 0; i < d->n_profiles; i++)
        if (d->profiles[i] == p)
            return 1;
    return 0;
}

static int entrypoint_supported(DrvData *d, VAEntrypoint e) {
    return (e == VAEntrypointEncSlice && d->ep_slice) || (e == VAEntrypointEncSliceLP && d->ep_lp);
}

static VAStatus drv_QueryConfigProfiles(VADriverContextP ctx, VAProfile *list, int *num) {
    DrvData *d = DRV(ctx);
    if (!list || !num)
        return VA_STATUS_ERROR_INVALID_PARAMETER;
    for (int i = 0; i < d->n_profiles; i++)
        list[i] = d->profiles[i];
    *num = d->n_profiles;
    return VA_STATUS_SUCCESS;
}

static VAStatus drv_QueryConfigEntrypoints(VADriverContextP ctx, VAProfile profile,
                                           VAEntrypoint *list, int *num) {
    DrvData *d = DRV(ctx);
    if (!list || !num)
        return VA_STATUS_ERROR_INVALID_PARAMETER;
    if (!profile_supported(d, profile))
        return VA_STATUS_ERROR_UNSUPPORTED_PROFILE;
    *num = 0;
    if (d->ep_slice)
        list[(*num)++] = VAEntrypointEncSlice;
    if (d->ep_lp)
        list[(*num)++] = VAEntrypointEncSliceLP;
    return VA_STATUS_SUCCESS;
}

static int profile_is_hevc(VAProfile p) {
    return p == VAProfileHEVCMain || p == VAProfileHEVCMain10;
}

static uint32_t attrib_value(DrvData *d, VAProfile profile, VAConfigAttribType type) {
    switch (type) {
    case VAConfigAttribRTFormat:
        return profile == VAProfileHEVCMain10 ? VA_RT_FORMAT_YUV420_10 : VA_RT_FORMAT_YUV420;
    case VAConfigAttribEncHEVCFeatures: {
        /* what the fixture codes: PCM (required), no SAO, no temporal MVP */
        VAConfigAttribValEncHEVCFeatures f;
        if (!profile_is_hevc(profile))
            return VA_ATTRIB_NOT_SUPPORTED;
        f.value = 0;
        f.bits.amp = VA_FEATURE_SUPPORTED;
        f.bits.pcm = VA_FEATURE_REQUIRED;
        f.bits.strong_intra_smoothing = VA_FEATURE_SUPPORTED;
        f.bits.cu_qp_delta = VA_FEATURE_SUPPORTED;
        f.bits.deblocking_filter_disable = VA_FEATURE_SUPPORTED;
        return f.value;
    }
    case VAConfigAttribEncHEVCBlockSizes: {
        VAConfigAttribValEncHEVCBlockSizes b;
        if (!profile_is_hevc(profile))
            return VA_ATTRIB_NOT_SUPPORTED;
        b.value = 0;
        b.bits.log2_max_coding_tree_block_size_minus3 = 2; /* 32 */
        b.bits.log2_min_coding_tree_block_size_minus3 = 1; /* 16 */
        b.bits.log2_min_luma_coding_block_size_minus3 = 0; /* 8 */
        b.bits.log2_max_luma_transform_block_size_minus2 = 3;
        b.bits.log2_min_luma_transform_block_size_minus2 = 0;
        b.bits.max_max_transform_hierarchy_depth_inter = 2;
        b.bits.max_max_transform_hierarchy_depth_intra = 2;
        b.bits.log2_max_pcm_coding_block_size_minus3 = 2; /* 32 */
        b.bits.log2_min_pcm_coding_block_size_minus3 = 0; /* 8 */
        return b.value;
    }
    case VAConfigAttribRateControl:
        return d->rc_modes;
    case VAConfigAttribEncPackedHeaders:
        return d->packed;
    case VAConfigAttribEncMaxRefFrames:
        return d->max_l0 | (d->max_l1 << 16);
    case VAConfigAttribEncMaxSlices:
        return 4;
    case VAConfigAttribEncSliceStructure:
        return VA_ENC_SLICE_STRUCTURE_ARBITRARY_MACROBLOCKS;
    case VAConfigAttribMaxPictureWidth:
        return d->max_w;
    case VAConfigAttribMaxPictureHeight:
        return d->max_h;
    case VAConfigAttribEncQualityRange:
        return 7;
    default:
        return VA_ATTRIB_NOT_SUPPORTED;
    }
}

static VAStatus drv_GetConfigAttributes(VADriverContextP ctx, VAProfile profile,
                                        VAEntrypoint entrypoint, VAConfigAttrib *list, int num) {
    DrvData *d = DRV(ctx);
    if (!profile_supported(d, profile))
        return VA_STATUS_ERROR_UNSUPPORTED_PROFILE;
    if (!entrypoint_supported(d, entrypoint))
        return VA_STATUS_ERROR_UNSUPPORTED_ENTRYPOINT;
    if (num < 0 || (num > 0 && !list))
        return VA_STATUS_ERROR_INVALID_PARAMETER;
    for (int i = 0; i < num; i++)
        list[i].value = attrib_value(d, profile, list[i].type);
    return VA_STATUS_SUCCESS;
}

static VAStatus drv_CreateConfig(VADriverContextP ctx, VAProfile profile, VAEntrypoint entrypoint,
                                 VAConfigAttrib *list, int num, VAConfigID *out) {
    DrvData *d = DRV(ctx);
    DrvConfig *c;
    VAStatus st = VA_STATUS_SUCCESS;
    if (!out || num < 0 || (num > 0 && !list))
        return VA_STATUS_ERROR_INVALID_PARAMETER;
    if (!profile_supported(d, profile))
        return VA_STATUS_ERROR_UNSUPPORTED_PROFILE;
    if (!entrypoint_supported(d, entrypoint))
        return VA_STATUS_ERROR_UNSUPPORTED_ENTRYPOINT;
    c = calloc(1, sizeof(*c));
    if (!c)
        return VA_STATUS_ERROR_ALLOCATION_FAILED;
    c->profile = profile;
    c->entrypoint = entrypoint;
    c->rt_format = attrib_value(d, profile, VAConfigAttribRTFormat);
    c->rc_mode = VA_RC_CQP; /* the default when the attribute is absent */
    c->packed = 0;
    for (int i = 0; i < num && st == VA_STATUS_SUCCESS; i++) {
        uint32_t v = list[i].value;
        switch (list[i].type) {
        case VAConfigAttribRTFormat:
            if (v != attrib_value(d, profile, VAConfigAttribRTFormat))
                st = VA_STATUS_ERROR_UNSUPPORTED_RT_FORMAT;
            break;
        case VAConfigAttribRateControl:
            /* exactly one supported mode */
            if (!v || (v & (v - 1)) || !(v & d->rc_modes))
                st = INVALID("CreateConfig: rate control 0x%x not one of 0x%x", v, d->rc_modes);
            c->rc_mode = v;
            break;
        case VAConfigAttribEncPackedHeaders:
            if (v & ~d->packed)
                st = INVALID("CreateConfig: packed headers 0x%x, supported 0x%x", v, d->packed);
            c->packed = v;
            break;
        default:
            if (attrib_value(d, profile, list[i].type) == VA_ATTRIB_NOT_SUPPORTED)
                st = VA_STATUS_ERROR_ATTR_NOT_SUPPORTED;
            break;
        }
    }
    if (st != VA_STATUS_SUCCESS) {
        free(c);
        return st;
    }
    *out = table_add(&d->configs, c, ID_CONFIG);
    if (!*out) {
        free(c);
        return VA_STATUS_ERROR_ALLOCATION_FAILED;
    }
    trace(d, "config profile=%d entrypoint=%d rc=0x%x packed=0x%x", profile, entrypoint, c->rc_mode,
          c->packed);
    return VA_STATUS_SUCCESS;
}

static VAStatus drv_DestroyConfig(VADriverContextP ctx, VAConfigID id) {
    DrvData *d = DRV(ctx);
    DrvConfig *c = GET_CONFIG(d, id);
    if (!c)
        return VA_STATUS_ERROR_INVALID_CONFIG;
    table_remove(&d->configs, id);
    free(c);
    return VA_STATUS_SUCCESS;
}

static VAStatus drv_QueryConfigAttributes(VADriverContextP ctx, VAConfigID id, VAProfile *profile,
                                          VAEntrypoint *entrypoint, VAConfigAttrib *list,
                                          int *num) {
    DrvData *d = DRV(ctx);
    DrvConfig *c = GET_CONFIG(d, id);
    if (!c)
        return VA_STATUS_ERROR_INVALID_CONFIG;
    if (profile)
        *profile = c->profile;
    if (entrypoint)
        *entrypoint = c->entrypoint;
    if (list && num) {
        list[0].type = VAConfigAttribRTFormat;
        list[0].value = c->rt_format;
        list[1].type = VAConfigAttribRateControl;
        list[1].value = c->rc_mode;
        list[2].type = VAConfigAttribEncPackedHeaders;
        list[2].value = c->packed;
        *num = 3;
    } else if (num) {
        *num = 3;
    }
    return VA_STATUS_SUCCESS;
}

/* ---- surfaces -------------------------------------------------------------- */

static void surface_free(DrvSurface *s) {
    if (s) {
        free(s->data);
        free(s);
    }
}

static VAStatus create_surfaces(DrvData *d, unsigned format, unsigned width, unsigned height,
                                VASurfaceID *out, unsigned num) {
    if (format != VA_RT_FORMAT_YUV420 && format != VA_RT_FORMAT_YUV420_10)
        return VA_STATUS_ERROR_UNSUPPORTED_RT_FORMAT;
    if (!width || !height || width > d->max_w || height > d->max_h || !out || !num)
        return VA_STATUS_ERROR_INVALID_PARAMETER;
    for (unsigned i = 0; i < num; i++) {
        DrvSurface *s = calloc(1, sizeof(*s));
        if (!s)
            goto fail;
        s->width = (int)width;
        s->height = (int)height;
        s->width_mbs = (int)((width + 15) / 16);
        s->height_mbs = (int)((height + 15) / 16);
        s->bps = format == VA_RT_FORMAT_YUV420_10 ? 2 : 1;
        s->pitch = (unsigned)s->width_mbs * 16u * s->bps;
        s->size = (size_t)s->pitch * (size_t)s->height_mbs * 16u * 3u / 2u;
        s->data = calloc(1, s->size);
        out[i] = s->data ? table_add(&d->surfaces, s, ID_SURFACE) : 0;
        if (!out[i]) {
            surface_free(s);
            goto fail;
        }
        __atomic_add_fetch(&g_live_surfaces, 1, __ATOMIC_SEQ_CST);
        continue;
    fail:
        for (unsigned j = 0; j < i; j++) {
            surface_free(GET_SURFACE(d, out[j]));
            table_remove(&d->surfaces, out[j]);
            __atomic_sub_fetch(&g_live_surfaces, 1, __ATOMIC_SEQ_CST);
        }
        return VA_STATUS_ERROR_ALLOCATION_FAILED;
    }
    return VA_STATUS_SUCCESS;
}

static VAStatus drv_CreateSurfaces(VADriverContextP ctx, int width, int height, int format, int num,
                                   VASurfaceID *out) {
    if (width <= 0 || height <= 0 || num <= 0)
        return VA_STATUS_ERROR_INVALID_PARAMETER;
    return create_surfaces(DRV(ctx), (unsigned)format, (unsigned)width, (unsigned)height, out,
                           (unsigned)num);
}

static VAStatus drv_CreateSurfaces2(VADriverContextP ctx, unsigned int format, unsigned int width,
                                    unsigned int height, VASurfaceID *out, unsigned int num,
                                    VASurfaceAttrib *attribs, unsigned int num_attribs) {
    for (unsigned i = 0; i < num_attribs; i++) {
        if (!attribs)
            return VA_STATUS_ERROR_INVALID_PARAMETER;
        if (attribs[i].type == VASurfaceAttribPixelFormat &&
            (attribs[i].flags & VA_SURFACE_ATTRIB_SETTABLE) &&
            attribs[i].value.value.i !=
                (format == VA_RT_FORMAT_YUV420_10 ? VA_FOURCC_P010 : VA_FOURCC_NV12))
            return VA_STATUS_ERROR_INVALID_IMAGE_FORMAT;
        if (attribs[i].type == VASurfaceAttribMemoryType &&
            (attribs[i].flags & VA_SURFACE_ATTRIB_SETTABLE) &&
            attribs[i].value.value.i != VA_SURFACE_ATTRIB_MEM_TYPE_VA)
            return VA_STATUS_ERROR_UNSUPPORTED_MEMORY_TYPE;
    }
    return create_surfaces(DRV(ctx), format, width, height, out, num);
}

static VAStatus drv_DestroySurfaces(VADriverContextP ctx, VASurfaceID *list, int num) {
    DrvData *d = DRV(ctx);
    if (num < 0 || (num > 0 && !list))
        return VA_STATUS_ERROR_INVALID_PARAMETER;
    for (int i = 0; i < num; i++) {
        DrvSurface *s = GET_SURFACE(d, list[i]);
        if (!s)
            return VA_STATUS_ERROR_INVALID_SURFACE;
        if (s->derived)
            drv_log("DestroySurfaces: surface 0x%x still has %d derived image(s)", list[i],
                    s->derived);
    }
    for (int i = 0; i < num; i++) {
        surface_free(GET_SURFACE(d, list[i]));
        table_remove(&d->surfaces, list[i]);
        __atomic_sub_fetch(&g_live_surfaces, 1, __ATOMIC_SEQ_CST);
    }
    return VA_STATUS_SUCCESS;
}

static VAStatus drv_SyncSurface(VADriverContextP ctx, VASurfaceID id) {
    return GET_SURFACE(DRV(ctx), id) ? VA_STATUS_SUCCESS : VA_STATUS_ERROR_INVALID_SURFACE;
}

static VAStatus drv_QuerySurfaceStatus(VADriverContextP ctx, VASurfaceID id,
                                       VASurfaceStatus *status) {
    if (!GET_SURFACE(DRV(ctx), id))
        return VA_STATUS_ERROR_INVALID_SURFACE;
    if (status)
        *status = VASurfaceReady;
    return VA_STATUS_SUCCESS;
}

static VAStatus drv_QuerySurfaceAttributes(VADriverContextP ctx, VAConfigID config,
                                           VASurfaceAttrib *list, unsigned int *num) {
    DrvData *d = DRV(ctx);
    if (!GET_CONFIG(d, config))
        return VA_STATUS_ERROR_INVALID_CONFIG;
    if (!num)
        return VA_STATUS_ERROR_INVALID_PARAMETER;
    if (!list) {
        *num = 3;
        return VA_STATUS_SUCCESS;
    }
    if (*num < 3)
        return VA_STATUS_ERROR_MAX_NUM_EXCEEDED;
    memset(list, 0, 3 * sizeof(*list));
    list[0].type = VASurfaceAttribPixelFormat;
    list[0].flags = VA_SURFACE_ATTRIB_GETTABLE | VA_SURFACE_ATTRIB_SETTABLE;
    list[0].value.type = VAGenericValueTypeInteger;
    list[0].value.value.i = VA_FOURCC_NV12;
    list[1].type = VASurfaceAttribMaxWidth;
    list[1].flags = VA_SURFACE_ATTRIB_GETTABLE;
    list[1].value.type = VAGenericValueTypeInteger;
    list[1].value.value.i = (int)d->max_w;
    list[2].type = VASurfaceAttribMaxHeight;
    list[2].flags = VA_SURFACE_ATTRIB_GETTABLE;
    list[2].value.type = VAGenericValueTypeInteger;
    list[2].value.value.i = (int)d->max_h;
    *num = 3;
    return VA_STATUS_SUCCESS;
}

/* ---- contexts --------------------------------------------------------------- */

static void rendered_clear(DrvContext *c) {
    for (int i = 0; i < c->n_bufs; i++)
        free(c->bufs[i].data);
    c->n_bufs = 0;
}

static void context_free(DrvContext *c) {
    if (!c)
        return;
    rendered_clear(c);
    free(c->bufs);
    free(c->targets);
    free(c);
}

static VAStatus drv_CreateContext(VADriverContextP ctx, VAConfigID config, int width, int height,
                                  int flag, VASurfaceID *targets, int n_targets, VAContextID *out) {
    DrvData *d = DRV(ctx);
    DrvContext *c;
    const char *fail = getenv("VTCORETEST_DRV_FAIL_CREATE_CONTEXT");
    if (!GET_CONFIG(d, config))
        return VA_STATUS_ERROR_INVALID_CONFIG;
    if (!out || width <= 0 || height <= 0 || n_targets < 0 || (n_targets && !targets))
        return VA_STATUS_ERROR_INVALID_PARAMETER;
    if ((unsigned)width > d->max_w || (unsigned)height > d->max_h)
        return VA_STATUS_ERROR_RESOLUTION_NOT_SUPPORTED;
    if (fail && *fail == '1')
        return VA_STATUS_ERROR_ALLOCATION_FAILED;
    if (flag != 0 && flag != VA_PROGRESSIVE)
        return INVALID("CreateContext: flag 0x%x (progressive only)", flag);
    for (int i = 0; i < n_targets; i++)
        if (!GET_SURFACE(d, targets[i]))
            return VA_STATUS_ERROR_INVALID_SURFACE;
    c = calloc(1, sizeof(*c));
    if (!c)
        return VA_STATUS_ERROR_ALLOCATION_FAILED;
    c->config = config;
    c->width = width;
    c->height = height;
    if (n_targets) {
        c->targets = malloc((size_t)n_targets * sizeof(*targets));
        if (!c->targets) {
            free(c);
            return VA_STATUS_ERROR_ALLOCATION_FAILED;
        }
        memcpy(c->targets, targets, (size_t)n_targets * sizeof(*targets));
        c->n_targets = n_targets;
    }
    *out = table_add(&d->contexts, c, ID_CONTEXT);
    if (!*out) {
        context_free(c);
        return VA_STATUS_ERROR_ALLOCATION_FAILED;
    }
    trace(d, "context %dx%d targets=%d", width, height, n_targets);
    return VA_STATUS_SUCCESS;
}

static VAStatus drv_DestroyContext(VADriverContextP ctx, VAContextID id) {
    DrvData *d = DRV(ctx);
    DrvContext *c = GET_CONTEXT(d, id);
    if (!c)
        return VA_STATUS_ERROR_INVALID_CONTEXT;
    if (c->in_picture)
        drv_log("DestroyContext inside BeginPicture/EndPicture");
    table_remove(&d->contexts, id);
    context_free(c);
    return VA_STATUS_SUCCESS;
}

/* ---- buffers ------------------------------------------------------------------ */

static void buffer_free(DrvBuffer *b) {
    if (b) {
        free(b->data);
        free(b);
    }
}

/* Expected element size of parameter buffers (0 = any). */
static size_t param_size(VABufferType type, int hevc) {
    switch (type) {
    case VAEncSequenceParameterBufferType:
        return hevc ? sizeof(VAEncSequenceParameterBufferHEVC)
                    : sizeof(VAEncSequenceParameterBufferH264);
    case VAEncPictureParameterBufferType:
        return hevc ? sizeof(VAEncPictureParameterBufferHEVC)
                    : sizeof(VAEncPictureParameterBufferH264);
    case VAEncSliceParameterBufferType:
        return hevc ? sizeof(VAEncSliceParameterBufferHEVC) : sizeof(VAEncSliceParameterBufferH264);
    case VAEncPackedHeaderParameterBufferType:
        return sizeof(VAEncPackedHeaderParameterBuffer);
    default:
        return 0;
    }
}

static VAStatus drv_CreateBuffer(VADriverContextP ctx, VAContextID context, VABufferType type,
                                 unsigned int size, unsigned int num, void *data, VABufferID *out) {
    DrvData *d = DRV(ctx);
    DrvBuffer *b;
    DrvContext *cx = GET_CONTEXT(d, context);
    DrvConfig *cf = cx ? GET_CONFIG(d, cx->config) : NULL;
    size_t want, total;
    if (!out || !size || !num)
        return VA_STATUS_ERROR_INVALID_PARAMETER;
    if (!cx)
        return VA_STATUS_ERROR_INVALID_CONTEXT;
    want = param_size(type, cf && profile_is_hevc(cf->profile));
    switch (type) {
    case VAEncCodedBufferType:
    case VAEncSequenceParameterBufferType:
    case VAEncPictureParameterBufferType:
    case VAEncSliceParameterBufferType:
    case VAEncPackedHeaderParameterBufferType:
    case VAEncPackedHeaderDataBufferType:
    case VAEncMiscParameterBufferType:
        break;
    default:
        return INVALID("CreateBuffer: buffer type %d is not an encoding buffer", type);
    }
    if (want && size != want)
        return INVALID("CreateBuffer: type %d size %u, expected %zu", type, size, want);
    if (type == VAEncMiscParameterBufferType && size < sizeof(VAEncMiscParameterBuffer) + 4)
        return INVALID("CreateBuffer: misc parameter buffer of %u bytes", size);
    if ((type == VAEncSequenceParameterBufferType || type == VAEncPictureParameterBufferType ||
         type == VAEncCodedBufferType || type == VAEncMiscParameterBufferType ||
         type == VAEncPackedHeaderParameterBufferType || type == VAEncPackedHeaderDataBufferType) &&
        num != 1)
        return INVALID("CreateBuffer: type %d with %u elements", type, num);
    if (size > 512u << 20 || (total = (size_t)size * num) > 512u << 20)
        return VA_STATUS_ERROR_ALLOCATION_FAILED;
    b = calloc(1, sizeof(*b));
    if (!b)
        return VA_STATUS_ERROR_ALLOCATION_FAILED;
    b->type = type;
    b->context = context;
    b->size = size;
    b->num = num;
    b->data = calloc(1, total);
    if (!b->data) {
        free(b);
        return VA_STATUS_ERROR_ALLOCATION_FAILED;
    }
    if (type == VAEncCodedBufferType) {
        b->coded_cap = total;
        if (data)
            return buffer_free(b), INVALID("CreateBuffer: coded buffer with initial data");
    } else if (data) {
        memcpy(b->data, data, total);
    }
    *out = table_add(&d->buffers, b, ID_BUFFER);
    if (!*out) {
        buffer_free(b);
        return VA_STATUS_ERROR_ALLOCATION_FAILED;
    }
    return VA_STATUS_SUCCESS;
}

static VAStatus drv_BufferSetNumElements(VADriverContextP ctx, VABufferID id, unsigned int num) {
    DrvBuffer *b = GET_BUFFER(DRV(ctx), id);
    if (!b)
        return VA_STATUS_ERROR_INVALID_BUFFER;
    if (num != b->num)
        return INVALID("BufferSetNumElements: resizing buffers is not supported");
    return VA_STATUS_SUCCESS;
}

static VAStatus drv_MapBuffer(VADriverContextP ctx, VABufferID id, void **pbuf) {
    DrvBuffer *b = GET_BUFFER(DRV(ctx), id);
    if (!b)
        return VA_STATUS_ERROR_INVALID_BUFFER;
    if (!pbuf)
        return VA_STATUS_ERROR_INVALID_PARAMETER;
    if (b->mapped)
        return INVALID("MapBuffer: buffer 0x%x is already mapped", id);
    b->mapped = 1;
    if (b->of_surface)
        __atomic_add_fetch(&g_derived_maps, 1, __ATOMIC_SEQ_CST);
    if (b->type == VAEncCodedBufferType)
        *pbuf = &b->seg;
    else
        *pbuf = b->external ? b->external : b->data;
    return VA_STATUS_SUCCESS;
}

static VAStatus drv_UnmapBuffer(VADriverContextP ctx, VABufferID id) {
    DrvBuffer *b = GET_BUFFER(DRV(ctx), id);
    if (!b)
        return VA_STATUS_ERROR_INVALID_BUFFER;
    if (!b->mapped)
        return INVALID("UnmapBuffer: buffer 0x%x is not mapped", id);
    b->mapped = 0;
    return VA_STATUS_SUCCESS;
}

static VAStatus drv_DestroyBuffer(VADriverContextP ctx, VABufferID id) {
    DrvData *d = DRV(ctx);
    DrvBuffer *b = GET_BUFFER(d, id);
    if (!b)
        return VA_STATUS_ERROR_INVALID_BUFFER;
    if (b->external)
        return INVALID("DestroyBuffer: 0x%x belongs to an image (use vaDestroyImage)", id);
    if (b->mapped)
        drv_log("DestroyBuffer: buffer 0x%x destroyed while mapped", id);
    table_remove(&d->buffers, id);
    buffer_free(b);
    return VA_STATUS_SUCCESS;
}

static VAStatus drv_BufferInfo(VADriverContextP ctx, VABufferID id, VABufferType *type,
                               unsigned int *size, unsigned int *num) {
    DrvBuffer *b = GET_BUFFER(DRV(ctx), id);
    if (!b)
        return VA_STATUS_ERROR_INVALID_BUFFER;
    if (type)
        *type = b->type;
    if (size)
        *size = b->size;
    if (num)
        *num = b->num;
    return VA_STATUS_SUCCESS;
}

static VAStatus drv_SyncBuffer(VADriverContextP ctx, VABufferID id, uint64_t timeout) {
    (void)timeout;
    return GET_BUFFER(DRV(ctx), id) ? VA_STATUS_SUCCESS : VA_STATUS_ERROR_INVALID_BUFFER;
}

/* ---- images ------------------------------------------------------------------- */

static VAStatus drv_QueryImageFormats(VADriverContextP ctx, VAImageFormat *list, int *num) {
    (void)ctx;
    if (!list || !num)
        return VA_STATUS_ERROR_INVALID_PARAMETER;
    memset(list, 0, 2 * sizeof(*list));
    list[0].fourcc = VA_FOURCC_NV12;
    list[0].byte_order = VA_LSB_FIRST;
    list[0].bits_per_pixel = 12;
    list[1].fourcc = VA_FOURCC_P010;
    list[1].byte_order = VA_LSB_FIRST;
    list[1].bits_per_pixel = 24;
    *num = 2;
    return VA_STATUS_SUCCESS;
}

static VAStatus image_new(DrvData *d, int width, int height, unsigned bps, VASurfaceID surface,
                          VAImage *out) {
    DrvImage *im = calloc(1, sizeof(*im));
    DrvBuffer *b = calloc(1, sizeof(*b));
    DrvSurface *s = surface != VA_INVALID_SURFACE ? GET_SURFACE(d, surface) : NULL;
    unsigned pitch = s ? s->pitch : (unsigned)(width + 63) / 64u * 64u * bps;
    unsigned rows = s ? (unsigned)s->height_mbs * 16u : (unsigned)(height + 1) / 2u * 2u;
    if (!im || !b)
        goto oom;
    im->surface = surface;
    im->image.format.fourcc = bps == 2 ? VA_FOURCC_P010 : VA_FOURCC_NV12;
    im->image.format.byte_order = VA_LSB_FIRST;
    im->image.format.bits_per_pixel = bps == 2 ? 24 : 12;
    im->image.width = (uint16_t)width;
    im->image.height = (uint16_t)height;
    im->image.num_planes = 2;
    im->image.pitches[0] = im->image.pitches[1] = pitch;
    im->image.offsets[0] = 0;
    im->image.offsets[1] = pitch * rows;
    im->image.data_size = pitch * rows * 3 / 2;
    if (s) {
        b->external = s->data;
        b->of_surface = 1;
    } else {
        im->mem = calloc(1, im->image.data_size);
        if (!im->mem)
            goto oom;
        b->external = im->mem;
    }
    b->type = VAImageBufferType;
    b->size = im->image.data_size;
    b->num = 1;
    im->image.buf = table_add(&d->buffers, b, ID_BUFFER);
    if (!im->image.buf)
        goto oom;
    im->image.image_id = table_add(&d->images, im, ID_IMAGE);
    if (!im->image.image_id) {
        table_remove(&d->buffers, im->image.buf);
        goto oom;
    }
    if (s)
        s->derived++;
    *out = im->image;
    return VA_STATUS_SUCCESS;
oom:
    if (im)
        free(im->mem);
    free(im);
    free(b);
    return VA_STATUS_ERROR_ALLOCATION_FAILED;
}

static VAStatus drv_CreateImage(VADriverContextP ctx, VAImageFormat *format, int width, int height,
                                VAImage *image) {
    if (!format || !image || width <= 0 || height <= 0)
        return VA_STATUS_ERROR_INVALID_PARAMETER;
    if (format->fourcc != VA_FOURCC_NV12 && format->fourcc != VA_FOURCC_P010)
        return VA_STATUS_ERROR_INVALID_IMAGE_FORMAT;
    return image_new(DRV(ctx), width, height, format->fourcc == VA_FOURCC_P010 ? 2 : 1,
                     VA_INVALID_SURFACE, image);
}

static VAStatus drv_DeriveImage(VADriverContextP ctx, VASurfaceID surface, VAImage *image) {
    DrvData *d = DRV(ctx);
    DrvSurface *s = GET_SURFACE(d, surface);
    if (!s)
        return VA_STATUS_ERROR_INVALID_SURFACE;
    if (!image)
        return VA_STATUS_ERROR_INVALID_PARAMETER;
    if (d->no_derive)
        return VA_STATUS_ERROR_OPERATION_FAILED;
    return image_new(d, s->width, s->height, s->bps, surface, image);
}

static VAStatus drv_DestroyImage(VADriverContextP ctx, VAImageID id) {
    DrvData *d = DRV(ctx);
    DrvImage *im = GET_IMAGE(d, id);
    DrvBuffer *b;
    if (!im)
        return VA_STATUS_ERROR_INVALID_IMAGE;
    b = GET_BUFFER(d, im->image.buf);
    if (b) {
        if (b->mapped)
            drv_log("DestroyImage: image buffer still mapped");
        table_remove(&d->buffers, im->image.buf);
        free(b);
    }
    if (im->surface != VA_INVALID_SURFACE) {
        DrvSurface *s = GET_SURFACE(d, im->surface);
        if (s)
            s->derived--;
        else
            drv_log("DestroyImage: the image's surface was destroyed first");
    }
    table_remove(&d->images, id);
    free(im->mem);
    free(im);
    return VA_STATUS_SUCCESS;
}

static VAStatus copy_rect(const uint8_t *src, unsigned src_pitch, unsigned src_uv_off, uint8_t *dst,
                          unsigned dst_pitch, unsigned dst_uv_off, int sx, int sy, int dx, int dy,
                          int w, int h, int bps) {
    for (int y = 0; y < h; y++)
        memcpy(dst + (size_t)(dy + y) * dst_pitch + (size_t)(dx * bps),
               src + (size_t)(sy + y) * src_pitch + (size_t)(sx * bps), (size_t)(w * bps));
    for (int y = 0; y < (h + 1) / 2; y++)
        memcpy(dst + dst_uv_off + (size_t)(dy / 2 + y) * dst_pitch + (size_t)((dx & ~1) * bps),
               src + src_uv_off + (size_t)(sy / 2 + y) * src_pitch + (size_t)((sx & ~1) * bps),
               (size_t)(((w + 1) & ~1) * bps));
    return VA_STATUS_SUCCESS;
}

static unsigned image_bps(const DrvImage *im) {
    return im->image.format.fourcc == VA_FOURCC_P010 ? 2 : 1;
}

static VAStatus drv_PutImage(VADriverContextP ctx, VASurfaceID surface, VAImageID image, int src_x,
                             int src_y, unsigned int src_w, unsigned int src_h, int dst_x,
                             int dst_y, unsigned int dst_w, unsigned int dst_h) {
    DrvData *d = DRV(ctx);
    DrvSurface *s = GET_SURFACE(d, surface);
    DrvImage *im = GET_IMAGE(d, image);
    if (!s)
        return VA_STATUS_ERROR_INVALID_SURFACE;
    if (!im)
        return VA_STATUS_ERROR_INVALID_IMAGE;
    if (src_w != dst_w || src_h != dst_h)
        return INVALID("PutImage: scaling %ux%u -> %ux%u is not supported", src_w, src_h, dst_w,
                       dst_h);
    if (src_x < 0 || src_y < 0 || dst_x < 0 || dst_y < 0 || (src_x | src_y | dst_x | dst_y) & 1 ||
        src_x + (int)src_w > im->image.width || src_y + (int)src_h > im->image.height ||
        dst_x + (int)dst_w > s->width || dst_y + (int)dst_h > s->height)
        return INVALID("PutImage: rectangle out of bounds");
    if (image_bps(im) != s->bps)
        return INVALID("PutImage: image format does not match the surface");
    if (im->surface == surface)
        return VA_STATUS_SUCCESS;
    __atomic_add_fetch(&g_put_images, 1, __ATOMIC_SEQ_CST);
    return copy_rect(im->mem ? im->mem : GET_SURFACE(d, im->surface)->data, im->image.pitches[0],
                     im->image.offsets[1], s->data, s->pitch,
                     s->pitch * (unsigned)s->height_mbs * 16, src_x, src_y, dst_x, dst_y,
                     (int)src_w, (int)src_h, (int)s->bps);
}

static VAStatus drv_GetImage(VADriverContextP ctx, VASurfaceID surface, int x, int y,
                             unsigned int w, unsigned int h, VAImageID image) {
    DrvData *d = DRV(ctx);
    DrvSurface *s = GET_SURFACE(d, surface);
    DrvImage *im = GET_IMAGE(d, image);
    if (!s)
        return VA_STATUS_ERROR_INVALID_SURFACE;
    if (!im || !im->mem)
        return VA_STATUS_ERROR_INVALID_IMAGE;
    if (x < 0 || y < 0 || (x | y) & 1 || x + (int)w > s->width || y + (int)h > s->height ||
        w > im->image.width || h > im->image.height)
        return VA_STATUS_ERROR_INVALID_PARAMETER;
    if (image_bps(im) != s->bps)
        return VA_STATUS_ERROR_INVALID_IMAGE_FORMAT;
    return copy_rect(s->data, s->pitch, s->pitch * (unsigned)s->height_mbs * 16, im->mem,
                     im->image.pitches[0], im->image.offsets[1], x, y, 0, 0, (int)w, (int)h,
                     (int)s->bps);
}

/* ---- unsupported entry points libva insists on ----------------------------------- */

static VAStatus drv_unimplemented(void) {
    return VA_STATUS_ERROR_UNIMPLEMENTED;
}

#define UNIMPL(name, ...)                     \
    static VAStatus drv_##name(__VA_ARGS__) { \
        return drv_unimplemented();           \
    }

UNIMPL(PutSurface, VADriverContextP c, VASurfaceID s, void *draw, short a, short b,
       unsigned short e, unsigned short f, short g, short h, unsigned short i, unsigned short j,
       VARectangle *r, unsigned int n, unsigned int fl)
UNIMPL(SetImagePalette, VADriverContextP c, VAImageID i, unsigned char *p)
UNIMPL(QuerySubpictureFormats, VADriverContextP c, VAImageFormat *f, unsigned int *fl,
       unsigned int *n)
UNIMPL(CreateSubpicture, VADriverContextP c, VAImageID i, VASubpictureID *s)
UNIMPL(DestroySubpicture, VADriverContextP c, VASubpictureID s)
UNIMPL(SetSubpictureImage, VADriverContextP c, VASubpictureID s, VAImageID i)
UNIMPL(SetSubpictureChromakey, VADriverContextP c, VASubpictureID s, unsigned int a, unsigned int b,
       unsigned int m)
UNIMPL(SetSubpictureGlobalAlpha, VADriverContextP c, VASubpictureID s, float a)
UNIMPL(AssociateSubpicture, VADriverContextP c, VASubpictureID s, VASurfaceID *t, int n, short a,
       short b, unsigned short e, unsigned short f, short g, short h, unsigned short i,
       unsigned short j, unsigned int fl)
UNIMPL(DeassociateSubpicture, VADriverContextP c, VASubpictureID s, VASurfaceID *t, int n)
UNIMPL(QueryDisplayAttributes, VADriverContextP c, VADisplayAttribute *a, int *n)
UNIMPL(GetDisplayAttributes, VADriverContextP c, VADisplayAttribute *a, int n)
UNIMPL(SetDisplayAttributes, VADriverContextP c, VADisplayAttribute *a, int n)

/* ---- pictures ------------------------------------------------------------------ */

static VAStatus drv_BeginPicture(VADriverContextP ctx, VAContextID context, VASurfaceID target) {
    DrvData *d = DRV(ctx);
    DrvContext *c = GET_CONTEXT(d, context);
    if (!c)
        return VA_STATUS_ERROR_INVALID_CONTEXT;
    if (!GET_SURFACE(d, target))
        return VA_STATUS_ERROR_INVALID_SURFACE;
    if (c->in_picture)
        return INVALID("BeginPicture twice without EndPicture");
    c->in_picture = 1;
    c->input = target;
    rendered_clear(c);
    return VA_STATUS_SUCCESS;
}

static VAStatus drv_RenderPicture(VADriverContextP ctx, VAContextID context, VABufferID *ids,
                                  int num) {
    DrvData *d = DRV(ctx);
    DrvContext *c = GET_CONTEXT(d, context);
    if (!c)
        return VA_STATUS_ERROR_INVALID_CONTEXT;
    if (!c->in_picture)
        return INVALID("RenderPicture outside BeginPicture/EndPicture");
    if (num <= 0 || !ids)
        return VA_STATUS_ERROR_INVALID_PARAMETER;
    for (int i = 0; i < num; i++) {
        DrvBuffer *b = GET_BUFFER(d, ids[i]);
        Rendered *r;
        if (!b)
            return VA_STATUS_ERROR_INVALID_BUFFER;
        if (b->context != context)
            return INVALID("RenderPicture: buffer 0x%x belongs to another context", ids[i]);
        if (b->mapped)
            return INVALID("RenderPicture: buffer 0x%x is still mapped", ids[i]);
        if (b->type == VAEncCodedBufferType)
            return INVALID("RenderPicture: coded buffer passed as a parameter");
        if (c->n_bufs == c->cap_bufs) {
            int cap = c->cap_bufs ? c->cap_bufs * 2 : 16;
            Rendered *p = realloc(c->bufs, (size_t)cap * sizeof(*p));
            if (!p)
                return VA_STATUS_ERROR_ALLOCATION_FAILED;
            c->bufs = p;
            c->cap_bufs = cap;
        }
        r = &c->bufs[c->n_bufs];
        r->type = b->type;
        r->id = ids[i];
        r->size = (size_t)b->size * b->num;
        r->num = b->num;
        r->data = malloc(r->size);
        if (!r->data)
            return VA_STATUS_ERROR_ALLOCATION_FAILED;
        memcpy(r->data, b->data, r->size);
        c->n_bufs++;
    }
    return VA_STATUS_SUCCESS;
}

/* One packed header as rendered: parameters + data. */
typedef struct Packed {
    unsigned type, bit_length, has_emulation_bytes;
    const uint8_t *data;
    size_t size;
    unsigned sc_len;                                /* start code bytes */
    unsigned nal_type, nal_ref_idc, nal_header_len; /* 1 (H.264) or 2 (HEVC) bytes */
    uint8_t *rbsp;                                  /* unescaped payload after the NAL header */
    size_t rbsp_bits;
} Packed;

#define MAX_PACKED 32
#define MAX_SLICES 64

typedef struct Picture {
    int hevc;
    const VAEncSequenceParameterBufferHEVC *hseq;
    const VAEncPictureParameterBufferHEVC *hpic;
    const VAEncSliceParameterBufferHEVC *hslices[MAX_SLICES];
    const VAEncSequenceParameterBufferH264 *seq;
    const VAEncPictureParameterBufferH264 *pic;
    const VAEncSliceParameterBufferH264 *slices[MAX_SLICES];
    int n_slices;
    Packed packed[MAX_PACKED];
    int n_packed;
    int packed_slice[MAX_SLICES]; /* index into packed[] */
    int n_packed_slices;
    /* misc */
    const VAEncMiscParameterRateControl *rc;
    const VAEncMiscParameterFrameRate *fr;
    const VAEncMiscParameterHRD *hrd;
    const VAEncMiscParameterBufferQualityLevel *ql;
    char misc_seen[64];
} Picture;

static void picture_free(Picture *p) {
    for (int i = 0; i < p->n_packed; i++)
        free(p->packed[i].rbsp);
}

static VAStatus prepare_packed(Packed *pk, int hevc) {
    size_t bytes = (pk->bit_length + 7) / 8, removed = 0, n;
    if (bytes > pk->size)
        return INVALID("packed header: bit_length %u exceeds its %zu-byte data buffer",
                       pk->bit_length, pk->size);
    if (bytes >= 4 && !memcmp(pk->data, "\0\0\0\1", 4))
        pk->sc_len = 4;
    else if (bytes >= 3 && !memcmp(pk->data, "\0\0\1", 3))
        pk->sc_len = 3;
    else
        return INVALID("packed header (type %u) does not start with a start code", pk->type);
    pk->nal_header_len = hevc ? 2 : 1;
    if (bytes < pk->sc_len + pk->nal_header_len)
        return INVALID("packed header without a NAL header");
    if (pk->data[pk->sc_len] & 0x80)
        return INVALID("packed header: forbidden_zero_bit set");
    if (hevc) {
        pk->nal_type = (pk->data[pk->sc_len] >> 1) & 0x3f;
        pk->nal_ref_idc = 0;
        if ((pk->data[pk->sc_len] & 1) || (pk->data[pk->sc_len + 1] >> 3) != 0 ||
            (pk->data[pk->sc_len + 1] & 7) != 1)
            return INVALID("packed header: nuh_layer_id != 0 or nuh_temporal_id_plus1 != 1");
    } else {
        pk->nal_type = pk->data[pk->sc_len] & 0x1f;
        pk->nal_ref_idc = (pk->data[pk->sc_len] >> 5) & 3;
    }
    n = bytes - pk->sc_len - pk->nal_header_len;
    pk->rbsp = malloc(n ? n : 1);
    if (!pk->rbsp)
        return VA_STATUS_ERROR_ALLOCATION_FAILED;
    if (pk->has_emulation_bytes) {
        n = drv_unescape(pk->data + pk->sc_len + pk->nal_header_len, n, pk->rbsp, &removed);
    } else {
        memcpy(pk->rbsp, pk->data + pk->sc_len + pk->nal_header_len, n);
    }
    pk->rbsp_bits = pk->bit_length - 8u * (pk->sc_len + pk->nal_header_len + removed);
    if (pk->rbsp_bits > n * 8)
        return INVALID("packed header: inconsistent bit_length");
    return VA_STATUS_SUCCESS;
}

static VAStatus collect(DrvContext *c, const DrvConfig *cfg, Picture *p) {
    memset(p, 0, sizeof(*p));
    p->hevc = profile_is_hevc(cfg->profile);
    for (int i = 0; i < c->n_bufs; i++) {
        Rendered *r = &c->bufs[i];
        switch (r->type) {
        case VAEncSequenceParameterBufferType:
            if (p->seq || p->hseq)
                return INVALID("two sequence parameter buffers in one picture");
            if (p->hevc)
                p->hseq = (const void *)r->data;
            else
                p->seq = (const void *)r->data;
            break;
        case VAEncPictureParameterBufferType:
            if (p->pic || p->hpic)
                return INVALID("two picture parameter buffers in one picture");
            if (p->hevc)
                p->hpic = (const void *)r->data;
            else
                p->pic = (const void *)r->data;
            break;
        case VAEncSliceParameterBufferType:
            for (unsigned k = 0; k < r->num; k++) {
                if (p->n_slices >= MAX_SLICES)
                    return INVALID("too many slices");
                if (p->hevc)
                    p->hslices[p->n_slices++] =
                        (const void *)(r->data + k * sizeof(VAEncSliceParameterBufferHEVC));
                else
                    p->slices[p->n_slices++] =
                        (const void *)(r->data + k * sizeof(VAEncSliceParameterBufferH264));
            }
            break;
        case VAEncPackedHeaderParameterBufferType: {
            const VAEncPackedHeaderParameterBuffer *ph = (const void *)r->data;
            Packed *pk;
            VAStatus st;
            if (i + 1 >= c->n_bufs || c->bufs[i + 1].type != VAEncPackedHeaderDataBufferType)
                return INVALID("packed header parameters not followed by packed header data");
            if (p->n_packed >= MAX_PACKED)
                return INVALID("too many packed headers");
            pk = &p->packed[p->n_packed++];
            pk->type = ph->type;
            pk->bit_length = ph->bit_length;
            pk->has_emulation_bytes = ph->has_emulation_bytes;
            pk->data = c->bufs[i + 1].data;
            pk->size = c->bufs[i + 1].size;
            i++;
            if (!pk->bit_length)
                return INVALID("packed header with bit_length 0");
            switch (pk->type) {
            case VAEncPackedHeaderSequence:
                if (!(cfg->packed & VA_ENC_PACKED_HEADER_SEQUENCE))
                    return INVALID("packed sequence header, not enabled in the config");
                break;
            case VAEncPackedHeaderPicture:
                if (!(cfg->packed & VA_ENC_PACKED_HEADER_PICTURE))
                    return INVALID("packed picture header, not enabled in the config");
                break;
            case VAEncPackedHeaderSlice:
                if (!(cfg->packed & VA_ENC_PACKED_HEADER_SLICE))
                    return INVALID("packed slice header, not enabled in the config");
                if (p->n_packed_slices >= MAX_SLICES)
                    return INVALID("too many packed slice headers");
                p->packed_slice[p->n_packed_slices++] = p->n_packed - 1;
                break;
            case VAEncPackedHeaderRawData:
                if (!(cfg->packed & (VA_ENC_PACKED_HEADER_RAW_DATA | VA_ENC_PACKED_HEADER_MISC)))
                    return INVALID("packed raw data, not enabled in the config");
                break;
            default:
                return INVALID("packed header type 0x%x", pk->type);
            }
            if ((pk->type == VAEncPackedHeaderSequence || pk->type == VAEncPackedHeaderPicture) &&
                pk->bit_length % 8)
                return INVALID("packed SPS/PPS of %u bits (not whole bytes)", pk->bit_length);
            if ((st = prepare_packed(pk, p->hevc)) != VA_STATUS_SUCCESS)
                return st;
            break;
        }
        case VAEncPackedHeaderDataBufferType:
            return INVALID("packed header data without packed header parameters before it");
        case VAEncMiscParameterBufferType: {
            const VAEncMiscParameterBuffer *m = (const void *)r->data;
            size_t need = sizeof(*m);
            char tag[16];
            switch (m->type) {
            case VAEncMiscParameterTypeRateControl:
                need += sizeof(VAEncMiscParameterRateControl);
                p->rc = (const void *)m->data;
                snprintf(tag, sizeof(tag), "rc");
                break;
            case VAEncMiscParameterTypeFrameRate:
                need += sizeof(VAEncMiscParameterFrameRate);
                p->fr = (const void *)m->data;
                snprintf(tag, sizeof(tag), "fr");
                break;
            case VAEncMiscParameterTypeHRD:
                need += sizeof(VAEncMiscParameterHRD);
                p->hrd = (const void *)m->data;
                snprintf(tag, sizeof(tag), "hrd");
                break;
            case VAEncMiscParameterTypeQualityLevel:
                need += sizeof(VAEncMiscParameterBufferQualityLevel);
                p->ql = (const void *)m->data;
                snprintf(tag, sizeof(tag), "ql");
                break;
            default:
                snprintf(tag, sizeof(tag), "t%d", (int)m->type);
                need += 4;
                break;
            }
            if (r->size < need)
                return INVALID("misc parameter type %d in %zu bytes, need %zu", (int)m->type,
                               r->size, need);
            if (strstr(p->misc_seen, tag))
                return INVALID("misc parameter %s twice in one picture", tag);
            if (strlen(p->misc_seen) + strlen(tag) + 2 < sizeof(p->misc_seen)) {
                if (p->misc_seen[0])
                    strcat(p->misc_seen, ",");
                strcat(p->misc_seen, tag);
            }
            break;
        }
        default:
            return INVALID("unexpected buffer type %d in a picture", r->type);
        }
    }
    if (!p->pic && !p->hpic)
        return INVALID("picture without a picture parameter buffer");
    if (!p->n_slices)
        return INVALID("picture without slice parameters");
    return VA_STATUS_SUCCESS;
}

static VAStatus check_misc(DrvContext *c, const DrvConfig *cfg, const Picture *p) {
    if (p->rc) {
        const VAEncMiscParameterRateControl *rc = p->rc;
        if (cfg->rc_mode == VA_RC_CQP)
            return INVALID("rate-control parameters sent in CQP mode");
        if ((cfg->rc_mode & (VA_RC_CBR | VA_RC_VBR | VA_RC_QVBR)) && !rc->bits_per_second)
            return INVALID("rate control: bits_per_second 0");
        if (cfg->rc_mode & (VA_RC_CBR | VA_RC_VBR | VA_RC_QVBR)) {
            if (rc->target_percentage < 1 || rc->target_percentage > 100)
                return INVALID("rate control: target_percentage %u", rc->target_percentage);
            if (cfg->rc_mode == VA_RC_CBR && rc->target_percentage != 100)
                return INVALID("rate control: CBR with target_percentage %u",
                               rc->target_percentage);
        }
        if (cfg->rc_mode == VA_RC_ICQ &&
            (rc->ICQ_quality_factor < 1 || rc->ICQ_quality_factor > 51))
            return INVALID("rate control: ICQ_quality_factor %u", rc->ICQ_quality_factor);
        if (cfg->rc_mode == VA_RC_QVBR && (rc->quality_factor < 1 || rc->quality_factor > 51))
            return INVALID("rate control: quality_factor %u", rc->quality_factor);
        if (rc->min_qp > 51 || rc->max_qp > 51 ||
            (rc->min_qp && rc->max_qp && rc->min_qp > rc->max_qp))
            return INVALID("rate control: QP range %u..%u", rc->min_qp, rc->max_qp);
        if (rc->initial_qp > 51)
            return INVALID("rate control: initial_qp %u", rc->initial_qp);
        c->have_rc = 1;
    }
    if (cfg->rc_mode != VA_RC_CQP && !c->have_rc)
        return INVALID("rate-control mode 0x%x but no VAEncMiscParameterRateControl on the first "
                       "picture",
                       cfg->rc_mode);
    if (p->fr) {
        unsigned num = p->fr->framerate & 0xffff, den = p->fr->framerate >> 16;
        if (!num)
            return INVALID("frame rate misc parameter with numerator 0");
        (void)den;
    }
    if (p->hrd) {
        if (cfg->rc_mode == VA_RC_CQP)
            return INVALID("HRD parameters sent in CQP mode");
        if (!p->hrd->buffer_size)
            return INVALID("HRD buffer_size 0");
        if (p->hrd->initial_buffer_fullness > p->hrd->buffer_size)
            return INVALID("HRD initial fullness %u > buffer size %u",
                           p->hrd->initial_buffer_fullness, p->hrd->buffer_size);
    }
    if (p->ql && p->ql->quality_level > 7)
        return INVALID("quality level %u outside 0..7", p->ql->quality_level);
    return VA_STATUS_SUCCESS;
}

/* ---- bitstream consistency ------------------------------------------------------- */

static int pic_valid(const VAPictureH264 *v) {
    return v->picture_id != VA_INVALID_SURFACE && !(v->flags & VA_PICTURE_H264_INVALID);
}

static VAStatus check_sps(DrvContext *c, const DrvConfig *cfg, const Picture *p, const DrvSPS *s) {
    const VAEncSequenceParameterBufferH264 *q = p->seq;
    /* a VA profile encodes its own profile and the smaller ones (the packed
     * SPS says which stream it is) */
    switch (cfg->profile) {
    case VAProfileH264ConstrainedBaseline:
        if ((s->profile_idc != 66 && s->profile_idc != 88) || !(s->constraint_byte & 0x40))
            return INVALID("SPS profile_idc %u (constraint byte 0x%02x) in a ConstrainedBaseline "
                           "config",
                           s->profile_idc, s->constraint_byte);
        break;
    case VAProfileH264Main:
        if (s->profile_idc != 77 &&
            !((s->profile_idc == 66 || s->profile_idc == 88) && (s->constraint_byte & 0x40)))
            return INVALID("SPS profile_idc %u in a Main config", s->profile_idc);
        break;
    case VAProfileH264High:
        if (s->profile_idc != 100 && s->profile_idc != 77 &&
            !((s->profile_idc == 66 || s->profile_idc == 88) && (s->constraint_byte & 0x40)))
            return INVALID("SPS profile_idc %u in a High config", s->profile_idc);
        break;
    default:
        return INVALID("unexpected config profile");
    }
    if (s->chroma_format_idc != 1 || s->bit_depth_luma != 8 || s->bit_depth_chroma != 8)
        return INVALID("SPS: only 8-bit 4:2:0");
    if (s->width_mbs * 16 < (unsigned)c->width || s->height_mbs * 16 < (unsigned)c->height ||
        s->width_mbs != (unsigned)(c->width + 15) / 16 ||
        s->height_mbs != (unsigned)(c->height + 15) / 16)
        return INVALID("SPS size %ux%u MBs for a %dx%d context", s->width_mbs, s->height_mbs,
                       c->width, c->height);
    if (s->gaps_allowed)
        return INVALID("SPS gaps_in_frame_num_allowed_flag (the backend never skips frame_num)");
    if (!q)
        return VA_STATUS_SUCCESS;
#define SAME(a, b, what)                                                                          \
    do {                                                                                          \
        if ((long long)(a) != (long long)(b))                                                     \
            return INVALID("headers vs parameter buffers: %s %lld != %lld", what, (long long)(a), \
                           (long long)(b));                                                       \
    } while (0)
    SAME(s->sps_id, q->seq_parameter_set_id, "seq_parameter_set_id");
    SAME(s->level_idc, q->level_idc, "level_idc");
    SAME(s->width_mbs, q->picture_width_in_mbs, "width in MBs");
    SAME(s->height_mbs, q->picture_height_in_mbs, "height in MBs");
    SAME(s->max_num_ref_frames, q->max_num_ref_frames, "max_num_ref_frames");
    SAME(s->chroma_format_idc, q->seq_fields.bits.chroma_format_idc, "chroma_format_idc");
    SAME(s->frame_mbs_only, q->seq_fields.bits.frame_mbs_only_flag, "frame_mbs_only_flag");
    SAME(s->direct_8x8_inference, q->seq_fields.bits.direct_8x8_inference_flag,
         "direct_8x8_inference_flag");
    SAME(s->log2_max_frame_num - 4, q->seq_fields.bits.log2_max_frame_num_minus4,
         "log2_max_frame_num_minus4");
    SAME(s->poc_type, q->seq_fields.bits.pic_order_cnt_type, "pic_order_cnt_type");
    if (s->poc_type == 0)
        SAME(s->log2_max_poc_lsb - 4, q->seq_fields.bits.log2_max_pic_order_cnt_lsb_minus4,
             "log2_max_pic_order_cnt_lsb_minus4");
    SAME(s->bit_depth_luma - 8, q->bit_depth_luma_minus8, "bit_depth_luma_minus8");
    SAME(s->crop, q->frame_cropping_flag, "frame_cropping_flag");
    if (s->crop) {
        SAME(s->crop_left, q->frame_crop_left_offset, "frame_crop_left_offset");
        SAME(s->crop_right, q->frame_crop_right_offset, "frame_crop_right_offset");
        SAME(s->crop_top, q->frame_crop_top_offset, "frame_crop_top_offset");
        SAME(s->crop_bottom, q->frame_crop_bottom_offset, "frame_crop_bottom_offset");
    }
    SAME(s->vui, q->vui_parameters_present_flag, "vui_parameters_present_flag");
    if (s->vui) {
        SAME(s->timing_info, q->vui_fields.bits.timing_info_present_flag,
             "timing_info_present_flag");
        if (s->timing_info) {
            SAME(s->num_units_in_tick, q->num_units_in_tick, "num_units_in_tick");
            SAME(s->time_scale, q->time_scale, "time_scale");
        }
        SAME(s->aspect_ratio_info, q->vui_fields.bits.aspect_ratio_info_present_flag,
             "aspect_ratio_info_present_flag");
        if (s->aspect_ratio_info) {
            SAME(s->aspect_ratio_idc, q->aspect_ratio_idc, "aspect_ratio_idc");
            if (s->aspect_ratio_idc == 255) {
                SAME(s->sar_width, q->sar_width, "sar_width");
                SAME(s->sar_height, q->sar_height, "sar_height");
            }
        }
        SAME(s->bitstream_restriction, q->vui_fields.bits.bitstream_restriction_flag,
             "bitstream_restriction_flag");
    }
    /* frame cropping must remove only the MB padding */
    if (s->crop_left || s->crop_top)
        return INVALID("SPS crops left/top (the backend encodes from the top-left corner)");
    if (s->width_mbs * 16 - 2 * s->crop_right != ((unsigned)c->width + 1) / 2 * 2 ||
        s->height_mbs * 16 - 2 * s->crop_bottom != ((unsigned)c->height + 1) / 2 * 2)
        return INVALID("SPS cropping does not give the %dx%d picture", c->width, c->height);
    if (q->ip_period < 1)
        return INVALID("sequence ip_period 0");
    if (q->intra_idr_period && q->intra_period && q->intra_idr_period % q->intra_period)
        return INVALID("intra_idr_period %u not a multiple of intra_period %u", q->intra_idr_period,
                       q->intra_period);
    return VA_STATUS_SUCCESS;
}

static VAStatus check_pps(const Picture *p, const DrvPPS *pp, const DrvSPS *s) {
    const VAEncPictureParameterBufferH264 *q = p->pic;
    SAME(pp->pps_id, q->pic_parameter_set_id, "pic_parameter_set_id (PPS)");
    SAME(pp->sps_id, q->seq_parameter_set_id, "seq_parameter_set_id (PPS)");
    SAME(pp->entropy_coding_mode, q->pic_fields.bits.entropy_coding_mode_flag,
         "entropy_coding_mode_flag");
    SAME(pp->weighted_pred, q->pic_fields.bits.weighted_pred_flag, "weighted_pred_flag");
    SAME(pp->weighted_bipred_idc, q->pic_fields.bits.weighted_bipred_idc, "weighted_bipred_idc");
    SAME(pp->constrained_intra_pred, q->pic_fields.bits.constrained_intra_pred_flag,
         "constrained_intra_pred_flag");
    SAME(pp->transform_8x8_mode, q->pic_fields.bits.transform_8x8_mode_flag,
         "transform_8x8_mode_flag");
    SAME(pp->deblocking_filter_control_present,
         q->pic_fields.bits.deblocking_filter_control_present_flag,
         "deblocking_filter_control_present_flag");
    SAME(pp->redundant_pic_cnt_present, q->pic_fields.bits.redundant_pic_cnt_present_flag,
         "redundant_pic_cnt_present_flag");
    SAME(pp->bottom_field_pic_order_present, q->pic_fields.bits.pic_order_present_flag,
         "pic_order_present_flag");
    SAME(pp->pic_init_qp, q->pic_init_qp, "pic_init_qp");
    SAME(pp->chroma_qp_index_offset, q->chroma_qp_index_offset, "chroma_qp_index_offset");
    SAME(pp->second_chroma_qp_index_offset, q->second_chroma_qp_index_offset,
         "second_chroma_qp_index_offset");
    SAME(pp->num_ref_idx_l0_default, q->num_ref_idx_l0_active_minus1,
         "num_ref_idx_l0_active_minus1 (PPS default)");
    SAME(pp->num_ref_idx_l1_default, q->num_ref_idx_l1_active_minus1,
         "num_ref_idx_l1_active_minus1 (PPS default)");
    if ((s->profile_idc == 66 || s->profile_idc == 88) && pp->entropy_coding_mode)
        return INVALID("CABAC in a Baseline/Extended stream");
    if (s->profile_idc != 100 && pp->transform_8x8_mode)
        return INVALID("transform_8x8_mode_flag outside High");
    return VA_STATUS_SUCCESS;
}

/* POC of the current picture (8.2.1.1 and 8.2.1.3). */
static int compute_poc(DrvContext *c, const DrvSPS *s, const DrvSliceHeader *sh, int idr,
                       int *msb_out) {
    if (s->poc_type == 0) {
        int max = 1 << s->log2_max_poc_lsb, lsb = (int)sh->poc_lsb, msb;
        int prev_msb = idr ? 0 : c->prev_poc_msb, prev_lsb = idr ? 0 : c->prev_poc_lsb;
        if (lsb < prev_lsb && prev_lsb - lsb >= max / 2)
            msb = prev_msb + max;
        else if (lsb > prev_lsb && lsb - prev_lsb > max / 2)
            msb = prev_msb - max;
        else
            msb = prev_msb;
        *msb_out = msb;
        return msb + lsb;
    }
    /* type 2 */
    unsigned max_frame_num = 1u << s->log2_max_frame_num, offset;
    if (idr)
        offset = 0;
    else if (c->prev_frame_num > sh->frame_num)
        offset = c->prev_frame_num_offset + max_frame_num;
    else
        offset = c->prev_frame_num_offset;
    *msb_out = (int)offset; /* stored as the frame num offset */
    if (idr)
        return 0;
    return (int)(2 * (offset + sh->frame_num)) - (sh->nal_ref_idc ? 0 : 1);
}

static int frame_num_wrap(const DpbPic *r, unsigned cur, unsigned max_frame_num) {
    return r->frame_num > cur ? (int)r->frame_num - (int)max_frame_num : (int)r->frame_num;
}

static int cmp_int_desc(int a, int b) {
    return a > b ? -1 : a < b;
}

/* Initial reference lists (8.2.4.2.1 and 8.2.4.2.3), short-term frames only. */
static int build_lists(const DrvContext *c, unsigned type, int cur_poc, unsigned cur_frame_num,
                       unsigned max_frame_num, const DpbPic **l0, const DpbPic **l1) {
    int n = c->n_dpb;
    const DpbPic *tmp[16];
    for (int i = 0; i < n; i++)
        tmp[i] = &c->dpb[i];
    if (type == 0) {
        /* descending PicNum */
        for (int i = 1; i < n; i++)
            for (int j = i;
                 j > 0 && cmp_int_desc(frame_num_wrap(tmp[j - 1], cur_frame_num, max_frame_num),
                                       frame_num_wrap(tmp[j], cur_frame_num, max_frame_num)) > 0;
                 j--) {
                const DpbPic *t = tmp[j];
                tmp[j] = tmp[j - 1];
                tmp[j - 1] = t;
            }
        for (int i = 0; i < n; i++)
            l0[i] = tmp[i];
        return n;
    }
    /* B: before (POC desc) then after (POC asc) for L0, the reverse for L1 */
    int nb = 0, na = 0;
    const DpbPic *before[16], *after[16];
    for (int i = 0; i < n; i++) {
        if (tmp[i]->poc < cur_poc)
            before[nb++] = tmp[i];
        else
            after[na++] = tmp[i];
    }
    for (int i = 1; i < nb; i++)
        for (int j = i; j > 0 && before[j - 1]->poc < before[j]->poc; j--) {
            const DpbPic *t = before[j];
            before[j] = before[j - 1];
            before[j - 1] = t;
        }
    for (int i = 1; i < na; i++)
        for (int j = i; j > 0 && after[j - 1]->poc > after[j]->poc; j--) {
            const DpbPic *t = after[j];
            after[j] = after[j - 1];
            after[j - 1] = t;
        }
    for (int i = 0; i < nb; i++)
        l0[i] = before[i], l1[na + i] = before[i];
    for (int i = 0; i < na; i++)
        l0[nb + i] = after[i], l1[i] = after[i];
    if (n > 1) {
        int same = 1;
        for (int i = 0; i < n; i++)
            same &= l0[i] == l1[i];
        if (same) {
            const DpbPic *t = l1[0];
            l1[0] = l1[1];
            l1[1] = t;
        }
    }
    return n;
}

/* Reference list modification (8.2.4.3.1), short-term only. */
static VAStatus modify_list(const DrvContext *c, const DrvSliceHeader *sh, int list,
                            const DpbPic **lx, int active, unsigned cur_frame_num,
                            unsigned max_frame_num) {
    int pred = (int)cur_frame_num, ref_idx = 0;
    const DpbPic *work[34];
    for (int i = 0; i < active; i++)
        work[i] = lx[i];
    work[active] = NULL;
    for (unsigned m = 0; m < sh->n_mods[list]; m++) {
        int no_wrap, pic_num;
        const DpbPic *pic = NULL;
        if (sh->mod_idc[list][m] == 2)
            return INVALID("long-term reference list modification (not supported)");
        int abs_diff = (int)sh->mod_val[list][m] + 1;
        if (sh->mod_idc[list][m] == 0) {
            no_wrap = pred - abs_diff;
            if (no_wrap < 0)
                no_wrap += (int)max_frame_num;
        } else {
            no_wrap = pred + abs_diff;
            if (no_wrap >= (int)max_frame_num)
                no_wrap -= (int)max_frame_num;
        }
        pred = no_wrap;
        pic_num = no_wrap > (int)cur_frame_num ? no_wrap - (int)max_frame_num : no_wrap;
        for (int i = 0; i < c->n_dpb; i++)
            if (frame_num_wrap(&c->dpb[i], cur_frame_num, max_frame_num) == pic_num)
                pic = &c->dpb[i];
        if (!pic)
            return INVALID("list modification names picNum %d, not a reference", pic_num);
        if (ref_idx > active)
            return INVALID("too many list modifications");
        for (int k = active; k > ref_idx; k--)
            work[k] = work[k - 1];
        work[ref_idx++] = pic;
        int n_idx = ref_idx;
        for (int k = ref_idx; k <= active; k++)
            if (work[k] != pic)
                work[n_idx++] = work[k];
    }
    for (int i = 0; i < active; i++)
        lx[i] = work[i];
    return VA_STATUS_SUCCESS;
}

static VAStatus check_list(const char *name, const VAPictureH264 *va, const DpbPic **lx, int active,
                           int n_avail) {
    if (active > n_avail)
        return INVALID("%s: %d active references but only %d reference frames", name, active,
                       n_avail);
    for (int i = 0; i < 32; i++) {
        if (i < active) {
            if (!pic_valid(&va[i]) || va[i].picture_id != lx[i]->surface)
                return INVALID("%s[%d]: surface 0x%x, the bitstream gives 0x%x (poc %d)", name, i,
                               va[i].picture_id, lx[i]->surface, lx[i]->poc);
            if (va[i].TopFieldOrderCnt != lx[i]->poc)
                return INVALID("%s[%d]: TopFieldOrderCnt %d, the picture has poc %d", name, i,
                               va[i].TopFieldOrderCnt, lx[i]->poc);
        } else if (pic_valid(&va[i])) {
            return INVALID("%s[%d] set beyond num_ref_idx_active (%d)", name, i, active);
        }
    }
    return VA_STATUS_SUCCESS;
}

/* ---- slice data --------------------------------------------------------------------- */

typedef struct Frame {
    const DrvSurface *in, *ref;
    int width_mbs;
} Frame;

static int mb_equal(const Frame *f, int mbx, int mby) {
    const DrvSurface *a = f->in, *b = f->ref;
    unsigned uv = a->pitch * (unsigned)a->height_mbs * 16;
    for (int y = 0; y < 16; y++)
        if (memcmp(a->data + (size_t)(mby * 16 + y) * a->pitch + mbx * 16,
                   b->data + (size_t)(mby * 16 + y) * b->pitch + mbx * 16, 16))
            return 0;
    for (int y = 0; y < 8; y++)
        if (memcmp(a->data + uv + (size_t)(mby * 8 + y) * a->pitch + mbx * 16,
                   b->data + uv + (size_t)(mby * 8 + y) * b->pitch + mbx * 16, 16))
            return 0;
    return 1;
}

static void write_pcm(DrvBitWriter *bw, const DrvSurface *s, int mbx, int mby) {
    unsigned uv = s->pitch * (unsigned)s->height_mbs * 16;
    for (int y = 0; y < 16; y++)
        drv_bw_bits(bw, s->data + (size_t)(mby * 16 + y) * s->pitch + mbx * 16, 128);
    for (int plane = 0; plane < 2; plane++)
        for (int y = 0; y < 8; y++)
            for (int x = 0; x < 8; x++)
                drv_bw_u(bw, 8,
                         s->data[uv + (size_t)(mby * 8 + y) * s->pitch + mbx * 16 + 2 * x + plane]);
}

typedef struct SliceStats {
    unsigned skipped, pcm;
} SliceStats;

static void slice_data_cavlc(DrvBitWriter *bw, const Frame *f, unsigned type, unsigned first,
                             unsigned count, SliceStats *st) {
    unsigned run = 0;
    for (unsigned a = first; a < first + count; a++) {
        int mbx = (int)a % f->width_mbs, mby = (int)a / f->width_mbs;
        if (type == 0 && mb_equal(f, mbx, mby)) {
            run++;
            st->skipped++;
            continue;
        }
        if (type != 2)
            drv_bw_ue(bw, run);
        run = 0;
        drv_bw_ue(bw, type == 2 ? 25 : type == 0 ? 30 : 48); /* I_PCM */
        drv_bw_align(bw, 0);
        write_pcm(bw, f->in, mbx, mby);
        st->pcm++;
    }
    if (run)
        drv_bw_ue(bw, run);
    drv_bw_u(bw, 1, 1);
    drv_bw_align(bw, 0);
}

static void slice_data_cabac(DrvBitWriter *bw, const Frame *f, unsigned type, unsigned first,
                             unsigned count, unsigned cabac_init_idc, int qp, SliceStats *st) {
    DrvCabac cb;
    uint8_t *skip = calloc(count ? count : 1, 1);
    drv_bw_align(bw, 1); /* cabac_alignment_one_bit */
    drv_cabac_init_contexts(&cb, type, cabac_init_idc, qp);
    drv_cabac_init_engine(&cb, bw);
    for (unsigned a = first; a < first + count; a++) {
        int mbx = (int)a % f->width_mbs, mby = (int)a / f->width_mbs;
        int avail_a = mbx > 0 && a - 1 >= first;
        int avail_b = mby > 0 && a - (unsigned)f->width_mbs >= first;
        int skip_a = avail_a && skip && skip[a - 1 - first];
        int skip_b = avail_b && skip && skip[a - (unsigned)f->width_mbs - first];
        int is_skip = type == 0 && mb_equal(f, mbx, mby);
        if (type == 0) {
            drv_cabac_decision(&cb, DRV_CTX_MB_SKIP_P + (avail_a && !skip_a) + (avail_b && !skip_b),
                               (unsigned)is_skip);
        } else if (type == 1) {
            drv_cabac_decision(&cb, DRV_CTX_MB_SKIP_B + avail_a + avail_b, 0);
        }
        if (is_skip) {
            if (skip)
                skip[a - first] = 1;
            st->skipped++;
        } else {
            if (type == 2) {
                /* neighbours are I_PCM (not I_NxN): condTermFlag 1 when available */
                drv_cabac_decision(&cb, DRV_CTX_MB_TYPE_I + avail_a + avail_b, 1);
            } else if (type == 0) {
                drv_cabac_decision(&cb, DRV_CTX_MB_TYPE_P_PRE, 1); /* intra prefix */
                drv_cabac_decision(&cb, DRV_CTX_MB_TYPE_P_SUF, 1); /* not I_NxN */
            } else {
                /* prefix 111101 (intra in a B slice), neighbours are intra */
                drv_cabac_decision(&cb, DRV_CTX_MB_TYPE_B + avail_a + avail_b, 1);
                drv_cabac_decision(&cb, DRV_CTX_MB_TYPE_B + 3, 1);
                drv_cabac_decision(&cb, DRV_CTX_MB_TYPE_B + 4, 1); /* binIdx 2 after b1 = 1 */
                drv_cabac_decision(&cb, DRV_CTX_MB_TYPE_B + 5, 1);
                drv_cabac_decision(&cb, DRV_CTX_MB_TYPE_B + 5, 0);
                drv_cabac_decision(&cb, DRV_CTX_MB_TYPE_B + 5, 1);
                drv_cabac_decision(&cb, DRV_CTX_MB_TYPE_B + 5, 1); /* suffix bin 0 */
            }
            drv_cabac_terminate(&cb, 1); /* I_PCM */
            drv_bw_align(bw, 0);         /* pcm_alignment_zero_bit */
            write_pcm(bw, f->in, mbx, mby);
            drv_cabac_init_engine(&cb, bw);
            st->pcm++;
        }
        drv_cabac_terminate(&cb, a + 1 == first + count); /* end_of_slice_flag */
    }
    drv_bw_align(bw, 0);
    free(skip);
}

/* ---- EndPicture ------------------------------------------------------------------ */

static VAStatus emit(uint8_t *out, size_t cap, size_t *pos, const uint8_t *src, size_t n) {
    if (*pos + n > cap)
        return VA_STATUS_ERROR_NOT_ENOUGH_BUFFER;
    memcpy(out + *pos, src, n);
    *pos += n;
    return VA_STATUS_SUCCESS;
}

static VAStatus encode_picture(DrvData *d, DrvContext *c, const DrvConfig *cfg, Picture *p) {
    const VAEncPictureParameterBufferH264 *q = p->pic;
    DrvBuffer *coded = GET_BUFFER(d, q->coded_buf);
    DrvSurface *in = GET_SURFACE(d, c->input), *rec = GET_SURFACE(d, q->CurrPic.picture_id);
    DrvSliceHeader sh[MAX_SLICES];
    const DrvSPS *s;
    const DrvPPS *pp;
    int idr = q->pic_fields.bits.idr_pic_flag, poc, poc_msb, seen_sps = 0, seen_pps = 0;
    unsigned type, max_frame_num, total_mbs, next_mb = 0;
    const DpbPic *l0[34] = {NULL}, *l1[34] = {NULL};
    SliceStats stats = {0, 0};
    VAStatus st;
    size_t pos = 0;
    char types[MAX_SLICES + 1];

    if (!coded || coded->type != VAEncCodedBufferType)
        return INVALID("coded_buf 0x%x is not a coded buffer", q->coded_buf);
    if (coded->mapped)
        return INVALID("coded buffer 0x%x is mapped during encoding", q->coded_buf);
    if (!rec)
        return INVALID("CurrPic.picture_id 0x%x is not a surface", q->CurrPic.picture_id);
    if (rec == in)
        return INVALID("reconstructed surface == input surface");
    if (in->bps != 1 || rec->bps != 1)
        return INVALID("H.264: 10-bit surfaces (the driver encodes 8-bit H.264 only)");
    if (rec->width_mbs != in->width_mbs || rec->height_mbs != in->height_mbs)
        return INVALID("reconstructed and input surfaces differ in size");
    if (c->n_targets) {
        int found = 0;
        for (int i = 0; i < c->n_targets; i++)
            found |= c->targets[i] == q->CurrPic.picture_id;
        if (!found)
            return INVALID("CurrPic surface 0x%x is not a render target of the context",
                           q->CurrPic.picture_id);
    }
    if (q->CurrPic.flags &
        (VA_PICTURE_H264_INVALID | VA_PICTURE_H264_TOP_FIELD | VA_PICTURE_H264_BOTTOM_FIELD))
        return INVALID("CurrPic flags 0x%x", q->CurrPic.flags);

    /* sequence parameters: on the first picture and on every IDR */
    if (idr && !p->seq)
        return INVALID("IDR picture without sequence parameters");
    if (!c->have_seq && !p->seq)
        return INVALID("first picture without sequence parameters");
    if (p->seq) {
        if (!idr && c->have_seq && memcmp(p->seq, &c->seq, sizeof(c->seq)))
            return INVALID("sequence parameters changed outside an IDR");
        c->seq = *p->seq;
        c->have_seq = 1;
        if (c->seq.ip_period == 0)
            return INVALID("ip_period 0");
    }
    if ((st = check_misc(c, cfg, p)) != VA_STATUS_SUCCESS)
        return st;

    /* packed headers: order and content */
    if ((cfg->packed & VA_ENC_PACKED_HEADER_SLICE) && p->n_packed_slices != p->n_slices)
        return INVALID("%d slices but %d packed slice headers", p->n_slices, p->n_packed_slices);
    for (int i = 0; i < p->n_packed; i++) {
        Packed *pk = &p->packed[i];
        const char *err;
        switch (pk->type) {
        case VAEncPackedHeaderSequence:
            if (pk->nal_type != 7)
                return INVALID("packed sequence header holds NAL type %u", pk->nal_type);
            if (seen_pps)
                return INVALID("packed SPS after the PPS");
            {
                DrvSPS tmp;
                if ((err = drv_parse_sps(pk->rbsp, pk->rbsp_bits, &tmp)) != NULL)
                    return INVALID("packed SPS: %s", err);
                c->sps[tmp.sps_id] = tmp;
            }
            seen_sps = 1;
            break;
        case VAEncPackedHeaderPicture:
            if (pk->nal_type != 8)
                return INVALID("packed picture header holds NAL type %u", pk->nal_type);
            {
                DrvPPS tmp;
                if ((err = drv_parse_pps(pk->rbsp, pk->rbsp_bits, c->sps, &tmp)) != NULL)
                    return INVALID("packed PPS: %s", err);
                c->pps[tmp.pps_id] = tmp;
            }
            seen_pps = 1;
            break;
        case VAEncPackedHeaderSlice:
            if (pk->nal_type != 1 && pk->nal_type != 5)
                return INVALID("packed slice header holds NAL type %u", pk->nal_type);
            break;
        default:
            if (pk->nal_type == 9 && i != 0)
                return INVALID("access unit delimiter is not the first packed header");
            if (pk->nal_type == 1 || pk->nal_type == 5 || pk->nal_type == 7 || pk->nal_type == 8)
                return INVALID("raw packed data holds NAL type %u", pk->nal_type);
            break;
        }
    }
    if (idr && (cfg->packed & VA_ENC_PACKED_HEADER_SEQUENCE) && !seen_sps)
        return INVALID("IDR picture without a packed SPS");
    if (idr && (cfg->packed & VA_ENC_PACKED_HEADER_PICTURE) && !seen_pps)
        return INVALID("IDR picture without a packed PPS");
    if (!(cfg->packed & VA_ENC_PACKED_HEADER_SLICE))
        return INVALID("config without packed slice headers (the test driver writes no headers)");

    pp = &c->pps[q->pic_parameter_set_id];
    if (!pp->valid)
        return INVALID("picture uses PPS %u, never sent", q->pic_parameter_set_id);
    s = &c->sps[pp->sps_id];
    if (!s->valid)
        return INVALID("PPS %u uses SPS %u, never sent", pp->pps_id, pp->sps_id);
    if ((st = check_sps(c, cfg, p, s)) != VA_STATUS_SUCCESS)
        return st;
    if ((st = check_pps(p, pp, s)) != VA_STATUS_SUCCESS)
        return st;

    /* slice headers vs slice parameters */
    total_mbs = s->width_mbs * s->height_mbs;
    max_frame_num = 1u << s->log2_max_frame_num;
    for (int i = 0; i < p->n_slices; i++) {
        const VAEncSliceParameterBufferH264 *v = p->slices[i];
        Packed *pk = &p->packed[p->packed_slice[i]];
        DrvSliceHeader *h = &sh[i];
        const char *err = drv_parse_slice_header(pk->rbsp, pk->rbsp_bits, pk->nal_type,
                                                 pk->nal_ref_idc, c->sps, c->pps, h);
        if (err)
            return INVALID("packed slice header %d: %s", i, err);
        if (h->header_bits != pk->rbsp_bits)
            return INVALID("packed slice header %d: bit_length covers %zu RBSP bits, the "
                           "slice_header() has %zu",
                           i, pk->rbsp_bits, h->header_bits);
        if (v->macroblock_address != next_mb || !v->num_macroblocks ||
            v->macroblock_address + v->num_macroblocks > total_mbs)
            return INVALID("slice %d covers MBs %u+%u (expected to start at %u of %u)", i,
                           v->macroblock_address, v->num_macroblocks, next_mb, total_mbs);
        next_mb = v->macroblock_address + v->num_macroblocks;
        SAME(h->first_mb, v->macroblock_address, "first_mb_in_slice");
        SAME(h->slice_type % 5, v->slice_type % 5, "slice_type");
        SAME(h->pps_id, v->pic_parameter_set_id, "pic_parameter_set_id (slice)");
        SAME(h->pps_id, q->pic_parameter_set_id, "pic_parameter_set_id (slice vs picture)");
        SAME(h->frame_num, q->frame_num, "frame_num");
        SAME(h->nal_unit_type == 5, idr, "IDR (NAL type vs idr_pic_flag)");
        SAME(h->nal_ref_idc != 0, q->pic_fields.bits.reference_pic_flag != 0,
             "nal_ref_idc vs reference_pic_flag");
        if (idr)
            SAME(h->idr_pic_id, v->idr_pic_id, "idr_pic_id");
        if (s->poc_type == 0)
            SAME(h->poc_lsb, v->pic_order_cnt_lsb, "pic_order_cnt_lsb");
        SAME(h->cabac_init_idc * (pp->entropy_coding_mode && h->slice_type % 5 != 2),
             v->cabac_init_idc * (pp->entropy_coding_mode && h->slice_type % 5 != 2),
             "cabac_init_idc");
        SAME(h->slice_qp_delta, v->slice_qp_delta, "slice_qp_delta");
        if (pp->deblocking_filter_control_present) {
            SAME(h->disable_deblocking, v->disable_deblocking_filter_idc,
                 "disable_deblocking_filter_idc");
            if (h->disable_deblocking != 1) {
                SAME(h->alpha_div2, v->slice_alpha_c0_offset_div2, "slice_alpha_c0_offset_div2");
                SAME(h->beta_div2, v->slice_beta_offset_div2, "slice_beta_offset_div2");
            }
        }
        if (h->slice_type % 5 == 1)
            SAME(h->direct_spatial, v->direct_spatial_mv_pred_flag, "direct_spatial_mv_pred_flag");
        if (h->slice_type % 5 != 2) {
            SAME(h->override, v->num_ref_idx_active_override_flag,
                 "num_ref_idx_active_override_flag");
            if (h->override) {
                SAME(h->num_ref_idx_l0, v->num_ref_idx_l0_active_minus1,
                     "num_ref_idx_l0_active_minus1");
                if (h->slice_type % 5 == 1)
                    SAME(h->num_ref_idx_l1, v->num_ref_idx_l1_active_minus1,
                         "num_ref_idx_l1_active_minus1");
            }
        }
        if (i > 0 &&
            (h->slice_type % 5 != sh[0].slice_type % 5 || h->frame_num != sh[0].frame_num ||
             h->poc_lsb != sh[0].poc_lsb || h->nal_ref_idc != sh[0].nal_ref_idc))
            return INVALID("slices of one picture disagree");
        types[i] = "PBI"[h->slice_type % 5];
    }
    types[p->n_slices] = 0;
    if (next_mb != total_mbs)
        return INVALID("slices cover %u of %u macroblocks", next_mb, total_mbs);
    type = sh[0].slice_type % 5;
    if (type == 1) {
        if (s->profile_idc == 66 || (s->constraint_byte & 0x40 && s->profile_idc == 88))
            return INVALID("B slice in a Baseline-compatible stream");
        if (!d->max_l1)
            return INVALID("B slice but the driver reports no L1 references");
        if (c->seq.ip_period < 2)
            return INVALID("B slice with ip_period %u", c->seq.ip_period);
    }

    /* frame_num, POC and the reference set */
    if (idr) {
        if (sh[0].frame_num != 0)
            return INVALID("IDR with frame_num %u", sh[0].frame_num);
    } else {
        if (!c->started)
            return INVALID("the first picture is not an IDR");
        if (sh[0].frame_num != (c->prev_ref_frame_num + 1) % max_frame_num)
            return INVALID("frame_num %u, expected %u (gaps are not allowed)", sh[0].frame_num,
                           (c->prev_ref_frame_num + 1) % max_frame_num);
    }
    poc = compute_poc(c, s, &sh[0], idr, &poc_msb);
    if (q->CurrPic.TopFieldOrderCnt != poc)
        return INVALID("CurrPic.TopFieldOrderCnt %d, the bitstream gives POC %d",
                       q->CurrPic.TopFieldOrderCnt, poc);
    if (q->CurrPic.frame_idx != sh[0].frame_num)
        return INVALID("CurrPic.frame_idx %u != frame_num %u", q->CurrPic.frame_idx,
                       sh[0].frame_num);
    if (idr)
        c->n_dpb = 0;
    {
        int n_valid = 0;
        for (int i = 0; i < 16; i++) {
            const VAPictureH264 *r = &q->ReferenceFrames[i];
            int found = 0;
            if (!pic_valid(r))
                continue;
            n_valid++;
            if (r->picture_id == q->CurrPic.picture_id)
                return INVALID("ReferenceFrames[%d] is the current picture", i);
            for (int k = 0; k < c->n_dpb; k++) {
                if (c->dpb[k].surface == r->picture_id) {
                    found = 1;
                    if (c->dpb[k].poc != r->TopFieldOrderCnt || c->dpb[k].frame_num != r->frame_idx)
                        return INVALID("ReferenceFrames[%d]: poc %d frame_idx %u, the reference "
                                       "has poc %d frame_num %u",
                                       i, r->TopFieldOrderCnt, r->frame_idx, c->dpb[k].poc,
                                       c->dpb[k].frame_num);
                    if (!(r->flags & VA_PICTURE_H264_SHORT_TERM_REFERENCE))
                        return INVALID("ReferenceFrames[%d] is not marked short-term", i);
                }
            }
            if (!found)
                return INVALID("ReferenceFrames[%d] (surface 0x%x) is not a reference picture", i,
                               r->picture_id);
        }
        if (n_valid != c->n_dpb)
            return INVALID("ReferenceFrames lists %d pictures, the DPB holds %d", n_valid,
                           c->n_dpb);
        for (int k = 0; k < c->n_dpb; k++)
            if (c->dpb[k].surface == q->CurrPic.picture_id)
                return INVALID("the reconstructed surface is still a reference");
    }
    /* reference lists of each slice */
    for (int i = 0; i < p->n_slices && type != 2; i++) {
        const DpbPic *list0[34], *list1[34];
        int n = build_lists(c, type, poc, sh[i].frame_num, max_frame_num, list0, list1);
        int a0 = (int)sh[i].num_ref_idx_l0 + 1, a1 = (int)sh[i].num_ref_idx_l1 + 1;
        if (a0 > n || (type == 1 && a1 > n))
            return INVALID("slice %d: %d/%d active references but the DPB holds %d", i, a0,
                           type == 1 ? a1 : 0, n);
        if ((unsigned)a0 > d->max_l0 || (type == 1 && (unsigned)a1 > d->max_l1))
            return INVALID("slice %d: %d/%d active references, the driver allows %u/%u", i, a0,
                           type == 1 ? a1 : 0, d->max_l0, d->max_l1);
        if ((st = modify_list(c, &sh[i], 0, list0, a0, sh[i].frame_num, max_frame_num)) !=
            VA_STATUS_SUCCESS)
            return st;
        if ((st = check_list("RefPicList0", p->slices[i]->RefPicList0, list0, a0, n)) !=
            VA_STATUS_SUCCESS)
            return st;
        if (type == 1) {
            if ((st = modify_list(c, &sh[i], 1, list1, a1, sh[i].frame_num, max_frame_num)) !=
                VA_STATUS_SUCCESS)
                return st;
            if ((st = check_list("RefPicList1", p->slices[i]->RefPicList1, list1, a1, n)) !=
                VA_STATUS_SUCCESS)
                return st;
        } else {
            for (int k = 0; k < 32; k++)
                if (pic_valid(&p->slices[i]->RefPicList1[k]))
                    return INVALID("P slice with RefPicList1 entries");
        }
        if (i == 0) {
            memcpy(l0, list0, sizeof(l0));
            memcpy(l1, list1, sizeof(l1));
        }
    }
    (void)l1;

    /* the coded picture: packed non-slice headers in order, then slices */
    coded->seg.status = 0;
    coded->seg.size = 0;
    coded->seg.bit_offset = 0;
    coded->seg.buf = coded->data;
    coded->seg.next = NULL;
    for (int i = 0; i < p->n_packed && st == VA_STATUS_SUCCESS; i++) {
        Packed *pk = &p->packed[i];
        if (pk->type == VAEncPackedHeaderSlice)
            continue;
        if (pk->has_emulation_bytes) {
            st = emit(coded->data, coded->coded_cap, &pos, pk->data, pk->bit_length / 8);
        } else {
            st = emit(coded->data, coded->coded_cap, &pos, pk->data, pk->sc_len + 1u);
            if (st == VA_STATUS_SUCCESS &&
                !drv_escape(pk->rbsp, pk->rbsp_bits / 8, coded->data, coded->coded_cap, &pos))
                st = VA_STATUS_ERROR_NOT_ENOUGH_BUFFER;
        }
    }
    /* reconstruct first: lossless, so the reconstruction is the input */
    memcpy(rec->data, in->data, in->size < rec->size ? in->size : rec->size);
    {
        Frame f = {in, type == 0 ? GET_SURFACE(d, l0[0]->surface) : NULL, s->width_mbs};
        for (int i = 0; i < p->n_slices && st == VA_STATUS_SUCCESS; i++) {
            Packed *pk = &p->packed[p->packed_slice[i]];
            DrvBitWriter bw;
            int qp = pp->pic_init_qp + sh[i].slice_qp_delta;
            drv_bw_init(&bw);
            drv_bw_bits(&bw, pk->rbsp, pk->rbsp_bits);
            if (pp->entropy_coding_mode)
                slice_data_cabac(&bw, &f, type, p->slices[i]->macroblock_address,
                                 p->slices[i]->num_macroblocks, sh[i].cabac_init_idc, qp, &stats);
            else
                slice_data_cavlc(&bw, &f, type, p->slices[i]->macroblock_address,
                                 p->slices[i]->num_macroblocks, &stats);
            if (bw.error)
                st = VA_STATUS_ERROR_ALLOCATION_FAILED;
            if (st == VA_STATUS_SUCCESS)
                st = emit(coded->data, coded->coded_cap, &pos, pk->data, pk->sc_len + 1u);
            if (st == VA_STATUS_SUCCESS &&
                !drv_escape(bw.buf, bw.bits / 8, coded->data, coded->coded_cap, &pos))
                st = VA_STATUS_ERROR_NOT_ENOUGH_BUFFER;
            drv_bw_free(&bw);
        }
    }
    if (st == VA_STATUS_ERROR_NOT_ENOUGH_BUFFER) {
        coded->seg.status |= VA_CODED_BUF_STATUS_SLICE_OVERFLOW_MASK;
        st = VA_STATUS_SUCCESS;
    }
    if (st != VA_STATUS_SUCCESS)
        return st;
    coded->seg.size = (uint32_t)pos;

    /* decoded reference picture marking */
    if (sh[0].nal_ref_idc) {
        unsigned max_refs = s->max_num_ref_frames ? s->max_num_ref_frames : 1;
        if (idr) {
            if (sh[0].long_term_reference)
                return INVALID("long-term IDR (not supported by the test driver)");
        } else if (sh[0].adaptive_marking) {
            for (unsigned m = 0; m < sh[0].n_mmco; m++) {
                if (sh[0].mmco_op[m] != 1)
                    return INVALID("MMCO %u (the test driver supports 1 only)", sh[0].mmco_op[m]);
                int pic_num = (int)sh[0].frame_num - (int)(sh[0].mmco_a[m] + 1);
                int k, found = -1;
                for (k = 0; k < c->n_dpb; k++)
                    if (frame_num_wrap(&c->dpb[k], sh[0].frame_num, max_frame_num) == pic_num)
                        found = k;
                if (found < 0)
                    return INVALID("MMCO 1 names picNum %d, not a reference", pic_num);
                c->dpb[found] = c->dpb[--c->n_dpb];
            }
        } else if ((unsigned)c->n_dpb >= max_refs) {
            int oldest = 0;
            for (int k = 1; k < c->n_dpb; k++)
                if (frame_num_wrap(&c->dpb[k], sh[0].frame_num, max_frame_num) <
                    frame_num_wrap(&c->dpb[oldest], sh[0].frame_num, max_frame_num))
                    oldest = k;
            c->dpb[oldest] = c->dpb[--c->n_dpb];
        }
        if ((unsigned)c->n_dpb >= max_refs)
            return INVALID("more than max_num_ref_frames (%u) references", max_refs);
        c->dpb[c->n_dpb].surface = q->CurrPic.picture_id;
        c->dpb[c->n_dpb].frame_num = sh[0].frame_num;
        c->dpb[c->n_dpb].poc = poc;
        c->n_dpb++;
        c->prev_ref_frame_num = sh[0].frame_num;
        if (s->poc_type == 0) {
            c->prev_poc_msb = poc_msb;
            c->prev_poc_lsb = (int)sh[0].poc_lsb;
        }
    }
    if (s->poc_type == 2) {
        c->prev_frame_num_offset = (unsigned)poc_msb;
        c->prev_frame_num = sh[0].frame_num;
    }
    c->started = 1;
    c->pictures++;

    {
        char rc[256] = "";
        size_t n = 0;
        if (p->rc)
            n += (size_t)snprintf(rc + n, sizeof(rc) - n,
                                  " rc_bps=%u rc_target=%u rc_window=%u rc_icq=%u rc_qf=%u "
                                  "rc_minqp=%u rc_maxqp=%u",
                                  p->rc->bits_per_second, p->rc->target_percentage,
                                  p->rc->window_size, p->rc->ICQ_quality_factor,
                                  p->rc->quality_factor, p->rc->min_qp, p->rc->max_qp);
        if (p->fr && n < sizeof(rc))
            n += (size_t)snprintf(rc + n, sizeof(rc) - n, " fps=%u/%u", p->fr->framerate & 0xffff,
                                  (p->fr->framerate >> 16) ? (p->fr->framerate >> 16) : 1);
        if (p->hrd && n < sizeof(rc))
            n += (size_t)snprintf(rc + n, sizeof(rc) - n, " hrd_size=%u hrd_init=%u",
                                  p->hrd->buffer_size, p->hrd->initial_buffer_fullness);
        if (p->ql && n < sizeof(rc))
            snprintf(rc + n, sizeof(rc) - n, " ql=%u", p->ql->quality_level);
        trace(d,
              "pic n=%u type=%c idr=%d ref=%d frame_num=%u poc=%d qp=%d slices=%s skipped=%u "
              "pcm=%u bytes=%zu seq=%d sps=%d pps=%d entropy=%s misc=%s%s%s",
              c->pictures, types[0], idr, sh[0].nal_ref_idc != 0, sh[0].frame_num, poc,
              pp->pic_init_qp + sh[0].slice_qp_delta, types, stats.skipped, stats.pcm, pos,
              p->seq != NULL, seen_sps, seen_pps, pp->entropy_coding_mode ? "cabac" : "cavlc",
              p->misc_seen[0] ? p->misc_seen : "-", rc,
              (coded->seg.status & VA_CODED_BUF_STATUS_SLICE_OVERFLOW_MASK) ? " overflow=1" : "");
    }
    return VA_STATUS_SUCCESS;
}
#undef SAME

/* ---- HEVC ---------------------------------------------------------------------- */

static int hpic_valid(const VAPictureHEVC *v) {
    return v->picture_id != VA_INVALID_SURFACE && !(v->flags & VA_PICTURE_HEVC_INVALID);
}

#define HSAME(a, b, what)                                                                     \
    do {                                                                                      \
        if ((long long)(a) != (long long)(b))                                                 \
            return INVALID("%s: parameter buffer %lld, bitstream %lld", what, (long long)(a), \
                           (long long)(b));                                                   \
    } while (0)

static VAStatus check_hevc_seq(const VAEncSequenceParameterBufferHEVC *q, const DrvHevcSPS *s,
                               const DrvConfig *cfg) {
    unsigned want_profile = cfg->profile == VAProfileHEVCMain10 ? 2 : 1;
    HSAME(q->general_profile_idc, s->profile_idc, "general_profile_idc");
    if (s->profile_idc != want_profile)
        return INVALID("SPS general_profile_idc %u for VA profile %d", s->profile_idc,
                       cfg->profile);
    if (!(s->compat & (1u << (31 - s->profile_idc))))
        return INVALID("SPS: general_profile_compatibility_flag[%u] not set", s->profile_idc);
    HSAME(q->general_level_idc, s->level_idc, "general_level_idc");
    HSAME(q->general_tier_flag, s->tier, "general_tier_flag");
    HSAME(q->pic_width_in_luma_samples, s->width, "pic_width_in_luma_samples");
    HSAME(q->pic_height_in_luma_samples, s->height, "pic_height_in_luma_samples");
    HSAME(q->seq_fields.bits.chroma_format_idc, s->chroma_format_idc, "chroma_format_idc");
    HSAME(q->seq_fields.bits.bit_depth_luma_minus8 + 8u, s->bit_depth_luma, "bit_depth_luma");
    HSAME(q->seq_fields.bits.bit_depth_chroma_minus8 + 8u, s->bit_depth_chroma, "bit_depth_chroma");
    if (s->bit_depth_luma != (cfg->profile == VAProfileHEVCMain10 ? 10u : 8u) &&
        !(cfg->profile == VAProfileHEVCMain10 && s->bit_depth_luma == 8))
        return INVALID("SPS: bit depth %u for VA profile %d", s->bit_depth_luma, cfg->profile);
    HSAME(q->seq_fields.bits.scaling_list_enabled_flag, s->scaling_list, "scaling_list");
    HSAME(q->seq_fields.bits.strong_intra_smoothing_enabled_flag, s->strong_intra,
          "strong_intra_smoothing_enabled_flag");
    HSAME(q->seq_fields.bits.amp_enabled_flag, s->amp, "amp_enabled_flag");
    HSAME(q->seq_fields.bits.sample_adaptive_offset_enabled_flag, s->sao,
          "sample_adaptive_offset_enabled_flag");
    HSAME(q->seq_fields.bits.pcm_enabled_flag, s->pcm, "pcm_enabled_flag");
    HSAME(q->seq_fields.bits.sps_temporal_mvp_enabled_flag, s->tmvp,
          "sps_temporal_mvp_enabled_flag");
    HSAME(q->log2_min_luma_coding_block_size_minus3 + 3u, s->log2_min_cb, "log2_min_cb");
    HSAME(q->log2_diff_max_min_luma_coding_block_size + 3u +
              q->log2_min_luma_coding_block_size_minus3,
          s->log2_ctb, "log2_ctb");
    HSAME(q->log2_min_transform_block_size_minus2 + 2u, s->log2_min_tb, "log2_min_tb");
    HSAME(q->log2_diff_max_min_transform_block_size + 2u + q->log2_min_transform_block_size_minus2,
          s->log2_max_tb, "log2_max_tb");
    HSAME(q->max_transform_hierarchy_depth_inter, s->depth_inter,
          "max_transform_hierarchy_depth_inter");
    HSAME(q->max_transform_hierarchy_depth_intra, s->depth_intra,
          "max_transform_hierarchy_depth_intra");
    if (s->pcm) {
        HSAME(q->seq_fields.bits.pcm_loop_filter_disabled_flag, s->pcm_loop_filter_disabled,
              "pcm_loop_filter_disabled_flag");
        HSAME(q->pcm_sample_bit_depth_luma_minus1 + 1u, s->pcm_bd_luma, "pcm bit depth luma");
        HSAME(q->pcm_sample_bit_depth_chroma_minus1 + 1u, s->pcm_bd_chroma, "pcm bit depth chroma");
        HSAME(q->log2_min_pcm_luma_coding_block_size_minus3 + 3u, s->log2_min_pcm, "log2_min_pcm");
        HSAME(q->log2_max_pcm_luma_coding_block_size_minus3 + 3u, s->log2_max_pcm, "log2_max_pcm");
    }
    HSAME(q->vui_parameters_present_flag, s->vui, "vui_parameters_present_flag");
    if (s->vui) {
        HSAME(q->vui_fields.bits.aspect_ratio_info_present_flag, s->aspect_ratio_info,
              "aspect_ratio_info_present_flag");
        if (s->aspect_ratio_info) {
            HSAME(q->aspect_ratio_idc, s->aspect_ratio_idc, "aspect_ratio_idc");
            if (s->aspect_ratio_idc == 255) {
                HSAME(q->sar_width, s->sar_width, "sar_width");
                HSAME(q->sar_height, s->sar_height, "sar_height");
            }
        }
        HSAME(q->vui_fields.bits.vui_timing_info_present_flag, s->timing,
              "vui_timing_info_present_flag");
        if (s->timing) {
            HSAME(q->vui_num_units_in_tick, s->num_units_in_tick, "vui_num_units_in_tick");
            HSAME(q->vui_time_scale, s->time_scale, "vui_time_scale");
        }
        HSAME(q->vui_fields.bits.bitstream_restriction_flag, s->bitstream_restriction,
              "bitstream_restriction_flag");
        if (s->bitstream_restriction) {
            HSAME(q->vui_fields.bits.motion_vectors_over_pic_boundaries_flag,
                  s->mv_over_pic_boundaries, "motion_vectors_over_pic_boundaries_flag");
            HSAME(q->vui_fields.bits.restricted_ref_pic_lists_flag, s->restricted_ref_pic_lists,
                  "restricted_ref_pic_lists_flag");
            HSAME(q->vui_fields.bits.log2_max_mv_length_horizontal,
                  s->log2_max_mv_length_horizontal, "log2_max_mv_length_horizontal");
            HSAME(q->vui_fields.bits.log2_max_mv_length_vertical, s->log2_max_mv_length_vertical,
                  "log2_max_mv_length_vertical");
        }
    }
    if (q->ip_period == 0)
        return INVALID("ip_period 0");
    return VA_STATUS_SUCCESS;
}

static VAStatus check_hevc_pic(const VAEncPictureParameterBufferHEVC *q, const DrvHevcPPS *pp,
                               const DrvHevcSliceHeader *sh) {
    HSAME(q->slice_pic_parameter_set_id, pp->pps_id, "slice_pic_parameter_set_id");
    HSAME(q->pic_init_qp, pp->init_qp, "pic_init_qp");
    HSAME(q->diff_cu_qp_delta_depth, pp->diff_cu_qp_delta_depth, "diff_cu_qp_delta_depth");
    HSAME(q->pps_cb_qp_offset, pp->cb_qp_offset, "pps_cb_qp_offset");
    HSAME(q->pps_cr_qp_offset, pp->cr_qp_offset, "pps_cr_qp_offset");
    HSAME(q->log2_parallel_merge_level_minus2 + 2u, pp->log2_parallel_merge_level,
          "log2_parallel_merge_level");
    HSAME(q->num_ref_idx_l0_default_active_minus1, pp->num_ref_idx_l0_default,
          "num_ref_idx_l0_default_active_minus1");
    HSAME(q->num_ref_idx_l1_default_active_minus1, pp->num_ref_idx_l1_default,
          "num_ref_idx_l1_default_active_minus1");
    HSAME(q->nal_unit_type, sh->nal_unit_type, "nal_unit_type");
    HSAME(q->pic_fields.bits.idr_pic_flag, sh->nal_unit_type == 19 || sh->nal_unit_type == 20,
          "idr_pic_flag");
    HSAME(q->pic_fields.bits.coding_type,
          sh->slice_type == 2   ? 1
          : sh->slice_type == 1 ? 2
                                : 3,
          "coding_type");
    HSAME(q->pic_fields.bits.dependent_slice_segments_enabled_flag, pp->dependent_slices,
          "dependent_slice_segments_enabled_flag");
    HSAME(q->pic_fields.bits.sign_data_hiding_enabled_flag, pp->sign_data_hiding,
          "sign_data_hiding_enabled_flag");
    HSAME(q->pic_fields.bits.constrained_intra_pred_flag, pp->constrained_intra,
          "constrained_intra_pred_flag");
    HSAME(q->pic_fields.bits.transform_skip_enabled_flag, pp->transform_skip,
          "transform_skip_enabled_flag");
    HSAME(q->pic_fields.bits.cu_qp_delta_enabled_flag, pp->cu_qp_delta, "cu_qp_delta_enabled_flag");
    HSAME(q->pic_fields.bits.weighted_pred_flag, pp->weighted_pred, "weighted_pred_flag");
    HSAME(q->pic_fields.bits.weighted_bipred_flag, pp->weighted_bipred, "weighted_bipred_flag");
    HSAME(q->pic_fields.bits.transquant_bypass_enabled_flag, pp->transquant_bypass,
          "transquant_bypass_enabled_flag");
    HSAME(q->pic_fields.bits.tiles_enabled_flag, pp->tiles, "tiles_enabled_flag");
    HSAME(q->pic_fields.bits.entropy_coding_sync_enabled_flag, pp->entropy_sync,
          "entropy_coding_sync_enabled_flag");
    HSAME(q->pic_fields.bits.pps_loop_filter_across_slices_enabled_flag,
          pp->loop_filter_across_slices, "pps_loop_filter_across_slices_enabled_flag");
    if (!q->pic_fields.bits.reference_pic_flag && sh->nal_unit_type % 2 == 1)
        return INVALID("reference_pic_flag 0 for a reference NAL type %u", sh->nal_unit_type);
    return VA_STATUS_SUCCESS;
}

static VAStatus check_hevc_slice(const VAEncSliceParameterBufferHEVC *v,
                                 const DrvHevcSliceHeader *sh, unsigned ctus) {
    HSAME(v->slice_segment_address, 0, "slice_segment_address");
    HSAME(v->num_ctu_in_slice, ctus, "num_ctu_in_slice");
    HSAME(v->slice_type, sh->slice_type, "slice_type");
    HSAME(v->slice_pic_parameter_set_id, sh->pps_id, "slice_pic_parameter_set_id");
    HSAME(v->slice_qp_delta, sh->slice_qp_delta, "slice_qp_delta");
    HSAME(v->slice_cb_qp_offset, sh->cb_qp_offset, "slice_cb_qp_offset");
    HSAME(v->slice_cr_qp_offset, sh->cr_qp_offset, "slice_cr_qp_offset");
    HSAME(v->slice_fields.bits.last_slice_of_pic_flag, 1, "last_slice_of_pic_flag");
    HSAME(v->slice_fields.bits.dependent_slice_segment_flag, 0, "dependent_slice_segment_flag");
    HSAME(v->slice_fields.bits.slice_temporal_mvp_enabled_flag, sh->tmvp,
          "slice_temporal_mvp_enabled_flag");
    HSAME(v->slice_fields.bits.slice_sao_luma_flag, sh->sao_luma, "slice_sao_luma_flag");
    HSAME(v->slice_fields.bits.slice_sao_chroma_flag, sh->sao_chroma, "slice_sao_chroma_flag");
    HSAME(v->slice_fields.bits.slice_deblocking_filter_disabled_flag, sh->deblocking_disabled,
          "slice_deblocking_filter_disabled_flag");
    HSAME(v->slice_fields.bits.slice_loop_filter_across_slices_enabled_flag,
          sh->loop_filter_across_slices, "slice_loop_filter_across_slices_enabled_flag");
    if (!sh->deblocking_disabled) {
        HSAME(v->slice_beta_offset_div2, sh->beta_offset_div2, "slice_beta_offset_div2");
        HSAME(v->slice_tc_offset_div2, sh->tc_offset_div2, "slice_tc_offset_div2");
    }
    if (sh->slice_type != 2) {
        HSAME(v->num_ref_idx_l0_active_minus1, sh->num_ref_idx_l0, "num_ref_idx_l0_active_minus1");
        if (sh->slice_type == 0)
            HSAME(v->num_ref_idx_l1_active_minus1, sh->num_ref_idx_l1,
                  "num_ref_idx_l1_active_minus1");
        HSAME(v->max_num_merge_cand, sh->max_num_merge_cand, "max_num_merge_cand");
        HSAME(v->slice_fields.bits.num_ref_idx_active_override_flag, sh->override,
              "num_ref_idx_active_override_flag");
        HSAME(v->slice_fields.bits.cabac_init_flag, sh->cabac_init_flag, "cabac_init_flag");
        if (sh->tmvp)
            HSAME(v->slice_fields.bits.collocated_from_l0_flag, sh->collocated_from_l0,
                  "collocated_from_l0_flag");
    }
    return VA_STATUS_SUCCESS;
}

static const DpbPic *hdpb_find(const DrvContext *c, int poc) {
    for (int i = 0; i < c->n_hdpb; i++)
        if (c->hdpb[i].poc == poc)
            return &c->hdpb[i];
    return NULL;
}

static VAStatus check_hevc_list(const char *name, const VAPictureHEVC *va, const DpbPic **lx,
                                unsigned active) {
    for (unsigned i = 0; i < 15; i++) {
        if (i > active) {
            if (hpic_valid(&va[i]))
                return INVALID("%s[%u] set beyond num_ref_idx_active", name, i);
            continue;
        }
        if (!hpic_valid(&va[i]))
            return INVALID("%s[%u] invalid, the bitstream has POC %d", name, i, lx[i]->poc);
        if (va[i].picture_id != lx[i]->surface || va[i].pic_order_cnt != lx[i]->poc)
            return INVALID("%s[%u]: surface 0x%x POC %d, the bitstream has surface 0x%x POC %d",
                           name, i, va[i].picture_id, va[i].pic_order_cnt, lx[i]->surface,
                           lx[i]->poc);
    }
    return VA_STATUS_SUCCESS;
}

static VAStatus encode_picture_hevc(DrvData *d, DrvContext *c, const DrvConfig *cfg, Picture *p) {
    const VAEncPictureParameterBufferHEVC *q = p->hpic;
    DrvBuffer *coded = GET_BUFFER(d, q->coded_buf);
    DrvSurface *in = GET_SURFACE(d, c->input),
               *rec = GET_SURFACE(d, q->decoded_curr_pic.picture_id);
    DrvHevcSliceHeader sh;
    const DrvHevcSPS *s;
    const DrvHevcPPS *pp;
    int idr = q->pic_fields.bits.idr_pic_flag, poc, seen_vps = 0, seen_sps = 0, seen_pps = 0;
    int order = 0, slice_pk = -1;
    const DpbPic *before[16], *after[16], *l0[16], *l1[16];
    int n_before = 0, n_after = 0;
    DpbPic keep[16];
    int n_keep = 0;
    DrvHevcStats stats = {0, 0};
    VAStatus st = VA_STATUS_SUCCESS;
    size_t pos = 0;
    unsigned ctb, ctus, bps = cfg->profile == VAProfileHEVCMain10 ? 2 : 1;
    const char *err;

    if (!coded || coded->type != VAEncCodedBufferType)
        return INVALID("coded_buf 0x%x is not a coded buffer", q->coded_buf);
    if (coded->mapped)
        return INVALID("coded buffer 0x%x is mapped during encoding", q->coded_buf);
    if (!rec)
        return INVALID("decoded_curr_pic 0x%x is not a surface", q->decoded_curr_pic.picture_id);
    if (rec == in)
        return INVALID("reconstructed surface == input surface");
    if (in->bps != bps || rec->bps != bps)
        return INVALID("HEVC: %s surfaces for VA profile %d", in->bps == 2 ? "P010" : "NV12",
                       cfg->profile);
    if (rec->width_mbs != in->width_mbs || rec->height_mbs != in->height_mbs)
        return INVALID("reconstructed and input surfaces differ in size");
    if (c->n_targets) {
        int found = 0;
        for (int i = 0; i < c->n_targets; i++)
            found |= c->targets[i] == q->decoded_curr_pic.picture_id;
        if (!found)
            return INVALID("decoded_curr_pic 0x%x is not a render target of the context",
                           q->decoded_curr_pic.picture_id);
    }
    if (q->decoded_curr_pic.flags & (VA_PICTURE_HEVC_INVALID | VA_PICTURE_HEVC_FIELD_PIC))
        return INVALID("decoded_curr_pic flags 0x%x", q->decoded_curr_pic.flags);
    if (idr && !p->hseq)
        return INVALID("IDR picture without sequence parameters");
    if (!c->have_hseq && !p->hseq)
        return INVALID("first picture without sequence parameters");
    if (p->hseq) {
        if (!idr && c->have_hseq && memcmp(p->hseq, &c->hseq, sizeof(c->hseq)))
            return INVALID("sequence parameters changed outside an IDR");
        c->hseq = *p->hseq;
        c->have_hseq = 1;
    }
    if ((st = check_misc(c, cfg, p)) != VA_STATUS_SUCCESS)
        return st;
    if (p->n_slices != 1)
        return INVALID("HEVC: %d slices (the test driver takes one slice per picture)",
                       p->n_slices);
    if (p->n_packed_slices != 1)
        return INVALID("HEVC: %d packed slice headers for one slice", p->n_packed_slices);

    /* packed headers: VPS, SPS (sequence), PPS (picture), then the slice */
    for (int i = 0; i < p->n_packed; i++) {
        Packed *pk = &p->packed[i];
        switch (pk->type) {
        case VAEncPackedHeaderSequence:
            if (pk->nal_type == 32) {
                DrvHevcVPS v;
                if (order > 0)
                    return INVALID("packed VPS after SPS/PPS/slice");
                if ((err = drv_hevc_parse_vps(pk->rbsp, pk->rbsp_bits, &v)))
                    return INVALID("packed VPS: %s", err);
                c->hvps[v.vps_id] = v;
                seen_vps = 1;
            } else if (pk->nal_type == 33) {
                DrvHevcSPS sp;
                if (order > 1)
                    return INVALID("packed SPS after PPS/slice");
                if ((err = drv_hevc_parse_sps(pk->rbsp, pk->rbsp_bits, &sp)))
                    return INVALID("packed SPS: %s", err);
                if (!c->hvps[sp.vps_id].valid)
                    return INVALID("SPS names VPS %u, not sent", sp.vps_id);
                if (c->hvps[sp.vps_id].profile_idc != sp.profile_idc ||
                    c->hvps[sp.vps_id].level_idc != sp.level_idc ||
                    c->hvps[sp.vps_id].max_dec_pic_buffering_minus1 !=
                        sp.max_dec_pic_buffering_minus1)
                    return INVALID("VPS and SPS disagree (profile, level or DPB size)");
                c->hsps[sp.sps_id] = sp;
                order = 1;
                seen_sps = 1;
            } else {
                return INVALID("packed sequence header with NAL type %u (VPS/SPS expected)",
                               pk->nal_type);
            }
            break;
        case VAEncPackedHeaderPicture: {
            DrvHevcPPS pq;
            if (pk->nal_type != 34)
                return INVALID("packed picture header with NAL type %u (PPS expected)",
                               pk->nal_type);
            if (order > 2)
                return INVALID("packed PPS after the slice");
            if ((err = drv_hevc_parse_pps(pk->rbsp, pk->rbsp_bits, &pq)))
                return INVALID("packed PPS: %s", err);
            if (!c->hsps[pq.sps_id].valid)
                return INVALID("PPS names SPS %u, not sent", pq.sps_id);
            c->hpps[pq.pps_id] = pq;
            order = 2;
            seen_pps = 1;
            break;
        }
        case VAEncPackedHeaderSlice:
            if (pk->nal_type != q->nal_unit_type)
                return INVALID("packed slice NAL type %u, picture nal_unit_type %u", pk->nal_type,
                               q->nal_unit_type);
            slice_pk = i;
            order = 3;
            break;
        default:
            if (order == 3)
                return INVALID("packed raw data after the slice header");
            break;
        }
    }
    if (idr && (!seen_vps || !seen_sps || !seen_pps))
        return INVALID("IDR picture without packed VPS, SPS and PPS (%d/%d/%d)", seen_vps, seen_sps,
                       seen_pps);
    if (q->nal_unit_type != 19 && q->nal_unit_type != 20 && q->nal_unit_type != 1 &&
        q->nal_unit_type != 0)
        return INVALID("nal_unit_type %u (the test driver takes IDR and TRAIL)", q->nal_unit_type);
    if (idr != (q->nal_unit_type == 19 || q->nal_unit_type == 20))
        return INVALID("idr_pic_flag %d with nal_unit_type %u", idr, q->nal_unit_type);
    if ((err = drv_hevc_parse_slice_header(p->packed[slice_pk].rbsp, p->packed[slice_pk].rbsp_bits,
                                           q->nal_unit_type, c->hsps, c->hpps, &sh)))
        return INVALID("packed slice header: %s", err);
    pp = &c->hpps[sh.pps_id];
    s = &c->hsps[pp->sps_id];
    if ((st = check_hevc_seq(&c->hseq, s, cfg)) != VA_STATUS_SUCCESS)
        return st;
    if ((st = check_hevc_pic(q, pp, &sh)) != VA_STATUS_SUCCESS)
        return st;
    ctb = 1u << s->log2_ctb;
    ctus = ((s->width + ctb - 1) / ctb) * ((s->height + ctb - 1) / ctb);
    if ((st = check_hevc_slice(p->hslices[0], &sh, ctus)) != VA_STATUS_SUCCESS)
        return st;
    if ((unsigned)in->width < s->width || (unsigned)in->height < s->height)
        return INVALID("surfaces %dx%d smaller than the SPS picture %ux%u", in->width, in->height,
                       s->width, s->height);

    /* POC (8.3.1) */
    if (idr) {
        poc = 0;
        c->n_hdpb = 0;
    } else {
        int max_lsb = 1 << s->log2_max_poc_lsb;
        int prev_lsb = c->prev_tid0_poc & (max_lsb - 1), prev_msb = c->prev_tid0_poc - prev_lsb;
        int lsb = (int)sh.poc_lsb, msb;
        if (!c->started)
            return INVALID("first picture is not an IDR");
        if (lsb < prev_lsb && prev_lsb - lsb >= max_lsb / 2)
            msb = prev_msb + max_lsb;
        else if (lsb > prev_lsb && lsb - prev_lsb > max_lsb / 2)
            msb = prev_msb - max_lsb;
        else
            msb = prev_msb;
        poc = msb + lsb;
    }
    HSAME(q->decoded_curr_pic.pic_order_cnt, poc, "decoded_curr_pic.pic_order_cnt");

    /* reference picture set (8.3.2) */
    for (unsigned i = 0; i < sh.num_negative; i++) {
        const DpbPic *r = hdpb_find(c, poc + sh.delta_s0[i]);
        if (!r)
            return INVALID("RPS names POC %d, not in the DPB", poc + sh.delta_s0[i]);
        keep[n_keep++] = *r;
        if (sh.used_s0[i])
            before[n_before++] = r;
    }
    for (unsigned i = 0; i < sh.num_positive; i++) {
        const DpbPic *r = hdpb_find(c, poc + sh.delta_s1[i]);
        if (!r)
            return INVALID("RPS names POC %d, not in the DPB", poc + sh.delta_s1[i]);
        keep[n_keep++] = *r;
        if (sh.used_s1[i])
            after[n_after++] = r;
    }
    /* reference_frames: exactly the RPS pictures */
    {
        int n_va = 0;
        for (int i = 0; i < 15; i++) {
            const VAPictureHEVC *v = &q->reference_frames[i];
            int found = 0;
            if (!hpic_valid(v))
                continue;
            n_va++;
            for (int k = 0; k < n_keep; k++)
                found |= keep[k].surface == v->picture_id && keep[k].poc == v->pic_order_cnt;
            if (!found)
                return INVALID("reference_frames[%d] (surface 0x%x POC %d) is not in the RPS", i,
                               v->picture_id, v->pic_order_cnt);
            if (v->picture_id == q->decoded_curr_pic.picture_id)
                return INVALID("reference_frames[%d] is the current picture's surface", i);
        }
        if (n_va != n_keep)
            return INVALID("reference_frames has %d pictures, the RPS %d", n_va, n_keep);
    }
    if (sh.slice_type != 2) {
        unsigned total = (unsigned)(n_before + n_after);
        for (unsigned i = 0; i <= sh.num_ref_idx_l0; i++)
            l0[i] = i % total < (unsigned)n_before ? before[i % total]
                                                   : after[i % total - (unsigned)n_before];
        if (sh.num_ref_idx_l0 + 1 > d->max_l0)
            return INVALID("%u L0 references, the driver allows %u", sh.num_ref_idx_l0 + 1,
                           d->max_l0);
        if ((st = check_hevc_list("ref_pic_list0", p->hslices[0]->ref_pic_list0, l0,
                                  sh.num_ref_idx_l0)) != VA_STATUS_SUCCESS)
            return st;
        if (sh.slice_type == 0) {
            for (unsigned i = 0; i <= sh.num_ref_idx_l1; i++)
                l1[i] = i % total < (unsigned)n_after ? after[i % total]
                                                      : before[i % total - (unsigned)n_after];
            if (sh.num_ref_idx_l1 + 1 > d->max_l1)
                return INVALID("%u L1 references, the driver allows %u", sh.num_ref_idx_l1 + 1,
                               d->max_l1);
            if ((st = check_hevc_list("ref_pic_list1", p->hslices[0]->ref_pic_list1, l1,
                                      sh.num_ref_idx_l1)) != VA_STATUS_SUCCESS)
                return st;
        }
    }

    /* output: packed non-slice headers, then the slice with our data */
    coded->seg.status = 0;
    coded->seg.size = 0;
    coded->seg.bit_offset = 0;
    coded->seg.buf = coded->data;
    coded->seg.next = NULL;
    for (int i = 0; i < p->n_packed && st == VA_STATUS_SUCCESS; i++) {
        Packed *pk = &p->packed[i];
        if (pk->type == VAEncPackedHeaderSlice)
            continue;
        if (pk->has_emulation_bytes) {
            st = emit(coded->data, coded->coded_cap, &pos, pk->data, pk->bit_length / 8);
        } else {
            st = emit(coded->data, coded->coded_cap, &pos, pk->data,
                      pk->sc_len + pk->nal_header_len);
            if (st == VA_STATUS_SUCCESS &&
                !drv_escape(pk->rbsp, pk->rbsp_bits / 8, coded->data, coded->coded_cap, &pos))
                st = VA_STATUS_ERROR_NOT_ENOUGH_BUFFER;
        }
    }
    memcpy(rec->data, in->data, in->size < rec->size ? in->size : rec->size);
    if (st == VA_STATUS_SUCCESS) {
        Packed *pk = &p->packed[slice_pk];
        DrvBitWriter bw;
        DrvHevcPlanes pin, pref;
        const DrvSurface *rs = NULL;
        pin.data = in->data;
        pin.pitch = in->pitch;
        pin.uv_offset = (size_t)in->pitch * (size_t)in->height_mbs * 16;
        pin.bps = in->bps;
        if (sh.slice_type == 1) {
            rs = GET_SURFACE(d, l0[0]->surface);
            if (!rs || rs->bps != in->bps || rs->width_mbs != in->width_mbs ||
                rs->height_mbs != in->height_mbs)
                return INVALID("RefPicList0[0] surface unusable");
            pref.data = rs->data;
            pref.pitch = rs->pitch;
            pref.uv_offset = (size_t)rs->pitch * (size_t)rs->height_mbs * 16;
            pref.bps = rs->bps;
        }
        drv_bw_init(&bw);
        drv_bw_bits(&bw, pk->rbsp, pk->rbsp_bits);
        if (drv_hevc_slice_data(&bw, s, pp, &sh, &pin, rs ? &pref : NULL, &stats) < 0) {
            drv_bw_free(&bw);
            return INVALID("HEVC: the test driver codes PCM / skipped CUs only: needs "
                           "pcm_enabled_flag with Log2MinIpcmCbSizeY <= MinCbLog2SizeY <= "
                           "Log2MaxIpcmCbSizeY, no SAO, no transquant bypass");
        }
        if (bw.error)
            st = VA_STATUS_ERROR_ALLOCATION_FAILED;
        if (st == VA_STATUS_SUCCESS)
            st = emit(coded->data, coded->coded_cap, &pos, pk->data,
                      pk->sc_len + pk->nal_header_len);
        if (st == VA_STATUS_SUCCESS &&
            !drv_escape(bw.buf, bw.bits / 8, coded->data, coded->coded_cap, &pos))
            st = VA_STATUS_ERROR_NOT_ENOUGH_BUFFER;
        drv_bw_free(&bw);
    }
    if (st == VA_STATUS_ERROR_NOT_ENOUGH_BUFFER) {
        coded->seg.status |= VA_CODED_BUF_STATUS_SLICE_OVERFLOW_MASK;
        st = VA_STATUS_SUCCESS;
    }
    if (st != VA_STATUS_SUCCESS)
        return st;
    coded->seg.size = (uint32_t)pos;

    /* DPB: the RPS pictures, plus this one (every picture is a reference) */
    if ((unsigned)n_keep + 1 > s->max_dec_pic_buffering_minus1 + 1)
        return INVALID("DPB overflow: %d references + current > sps_max_dec_pic_buffering %u",
                       n_keep, s->max_dec_pic_buffering_minus1 + 1);
    memcpy(c->hdpb, keep, (size_t)n_keep * sizeof(keep[0]));
    c->n_hdpb = n_keep;
    if (q->pic_fields.bits.reference_pic_flag) {
        c->hdpb[c->n_hdpb].surface = q->decoded_curr_pic.picture_id;
        c->hdpb[c->n_hdpb].poc = poc;
        c->hdpb[c->n_hdpb].frame_num = 0;
        c->n_hdpb++;
    }
    c->prev_tid0_poc = poc;
    c->started = 1;
    c->pictures++;
    {
        char rc[256] = "";
        size_t n = 0;
        if (p->rc)
            n += (size_t)snprintf(rc + n, sizeof(rc) - n,
                                  " rc_bps=%u rc_target=%u rc_window=%u rc_icq=%u rc_qf=%u "
                                  "rc_minqp=%u rc_maxqp=%u",
                                  p->rc->bits_per_second, p->rc->target_percentage,
                                  p->rc->window_size, p->rc->ICQ_quality_factor,
                                  p->rc->quality_factor, p->rc->min_qp, p->rc->max_qp);
        if (p->fr && n < sizeof(rc))
            n += (size_t)snprintf(rc + n, sizeof(rc) - n, " fps=%u/%u", p->fr->framerate & 0xffff,
                                  (p->fr->framerate >> 16) ? (p->fr->framerate >> 16) : 1);
        if (p->hrd && n < sizeof(rc))
            n += (size_t)snprintf(rc + n, sizeof(rc) - n, " hrd_size=%u hrd_init=%u",
                                  p->hrd->buffer_size, p->hrd->initial_buffer_fullness);
        if (p->ql && n < sizeof(rc))
            snprintf(rc + n, sizeof(rc) - n, " ql=%u", p->ql->quality_level);
        trace(d,
              "pic n=%u codec=hevc type=%c idr=%d poc=%d qp=%d skipped=%u pcm=%u bytes=%zu "
              "seq=%d vps=%d sps=%d pps=%d depth=%u ctb=%u misc=%s%s%s",
              c->pictures,
              sh.slice_type == 2   ? 'I'
              : sh.slice_type == 1 ? 'P'
                                   : 'B',
              idr, poc, pp->init_qp + sh.slice_qp_delta, stats.skipped, stats.pcm, pos,
              p->hseq != NULL, seen_vps, seen_sps, seen_pps, s->bit_depth_luma, ctb,
              p->misc_seen[0] ? p->misc_seen : "-", rc,
              (coded->seg.status & VA_CODED_BUF_STATUS_SLICE_OVERFLOW_MASK) ? " overflow=1" : "");
    }
    return VA_STATUS_SUCCESS;
}

static VAStatus drv_EndPicture(VADriverContextP ctx, VAContextID context) {
    DrvData *d = DRV(ctx);
    DrvContext *c = GET_CONTEXT(d, context);
    DrvConfig *cfg;
    Picture pic;
    VAStatus st;

    if (!c)
        return VA_STATUS_ERROR_INVALID_CONTEXT;
    if (!c->in_picture)
        return INVALID("EndPicture without BeginPicture");
    c->in_picture = 0;
    if (++d->end_picture_calls == d->fail_end_picture) {
        drv_log("EndPicture #%ld: injected failure 0x%x", d->end_picture_calls, d->fail_status);
        rendered_clear(c);
        return d->fail_status;
    }
    cfg = GET_CONFIG(d, c->config);
    if (!cfg)
        return VA_STATUS_ERROR_INVALID_CONFIG;
    st = collect(c, cfg, &pic);
    if (st == VA_STATUS_SUCCESS)
        st = pic.hevc ? encode_picture_hevc(d, c, cfg, &pic) : encode_picture(d, c, cfg, &pic);
    picture_free(&pic);
    rendered_clear(c);
    if (st != VA_STATUS_SUCCESS) {
        trace(d, "error 0x%x", st);
    } else {
        long n = __atomic_fetch_add(&g_pictures, 1, __ATOMIC_SEQ_CST);
        __atomic_store_n(&g_inputs[n % INPUT_RING], c->input, __ATOMIC_SEQ_CST);
    }
    return st;
}

/* ---- driver entry ------------------------------------------------------------------- */

static void table_free(Table *t, void (*fn)(void *)) {
    for (unsigned i = 0; i < t->n; i++)
        if (t->items[i])
            fn(t->items[i]);
    free(t->items);
    memset(t, 0, sizeof(*t));
}

static void free_image(void *p) {
    DrvImage *im = p;
    free(im->mem);
    free(im);
}
static void free_context(void *p) {
    context_free(p);
}
static void free_surface(void *p) {
    surface_free(p);
    __atomic_sub_fetch(&g_live_surfaces, 1, __ATOMIC_SEQ_CST);
}
static void free_buffer(void *p) {
    DrvBuffer *b = p;
    free(b->data);
    free(b);
}

static VAStatus drv_Terminate(VADriverContextP ctx) {
    DrvData *d = DRV(ctx);
    unsigned leaks = 0;
    if (!d)
        return VA_STATUS_SUCCESS;
    for (unsigned i = 0; i < d->contexts.n; i++)
        leaks += d->contexts.items[i] != NULL;
    for (unsigned i = 0; i < d->surfaces.n; i++)
        leaks += d->surfaces.items[i] != NULL;
    for (unsigned i = 0; i < d->configs.n; i++)
        leaks += d->configs.items[i] != NULL;
    for (unsigned i = 0; i < d->images.n; i++)
        leaks += d->images.items[i] != NULL;
    for (unsigned i = 0; i < d->buffers.n; i++)
        leaks += d->buffers.items[i] != NULL;
    if (leaks) {
        drv_log("vaTerminate with %u live objects (the application leaked them)", leaks);
        trace(d, "leaks %u", leaks);
    }
    table_free(&d->images, free_image);
    table_free(&d->buffers, free_buffer);
    table_free(&d->contexts, free_context);
    table_free(&d->surfaces, free_surface);
    table_free(&d->configs, free);
    if (d->trace)
        fclose(d->trace);
    pthread_mutex_destroy(&d->lock);
    free(d);
    ctx->pDriverData = NULL;
    return VA_STATUS_SUCCESS;
}

/* Every entry point runs under the driver lock: wrappers generated below. */
#define LOCKED(ret_call)                 \
    do {                                 \
        DrvData *d_ = DRV(ctx);          \
        VAStatus st_;                    \
        pthread_mutex_lock(&d_->lock);   \
        st_ = ret_call;                  \
        pthread_mutex_unlock(&d_->lock); \
        return st_;                      \
    } while (0)

static VAStatus l_QueryConfigProfiles(VADriverContextP ctx, VAProfile *a, int *b) {
    LOCKED(drv_QueryConfigProfiles(ctx, a, b));
}
static VAStatus l_QueryConfigEntrypoints(VADriverContextP ctx, VAProfile a, VAEntrypoint *b,
                                         int *n) {
    LOCKED(drv_QueryConfigEntrypoints(ctx, a, b, n));
}
static VAStatus l_GetConfigAttributes(VADriverContextP ctx, VAProfile a, VAEntrypoint b,
                                      VAConfigAttrib *l, int n) {
    LOCKED(drv_GetConfigAttributes(ctx, a, b, l, n));
}
static VAStatus l_CreateConfig(VADriverContextP ctx, VAProfile a, VAEntrypoint b, VAConfigAttrib *l,
                               int n, VAConfigID *o) {
    LOCKED(drv_CreateConfig(ctx, a, b, l, n, o));
}
static VAStatus l_DestroyConfig(VADriverContextP ctx, VAConfigID a) {
    LOCKED(drv_DestroyConfig(ctx, a));
}
static VAStatus l_QueryConfigAttributes(VADriverContextP ctx, VAConfigID a, VAProfile *p,
                                        VAEntrypoint *e, VAConfigAttrib *l, int *n) {
    LOCKED(drv_QueryConfigAttributes(ctx, a, p, e, l, n));
}
static VAStatus l_CreateSurfaces(VADriverContextP ctx, int w, int h, int f, int n, VASurfaceID *o) {
    LOCKED(drv_CreateSurfaces(ctx, w, h, f, n, o));
}
static VAStatus l_CreateSurfaces2(VADriverContextP ctx, unsigned int f, unsigned int w,
                                  unsigned int h, VASurfaceID *o, unsigned int n,
                                  VASurfaceAttrib *a, unsigned int na) {
    LOCKED(drv_CreateSurfaces2(ctx, f, w, h, o, n, a, na));
}
static VAStatus l_DestroySurfaces(VADriverContextP ctx, VASurfaceID *l, int n) {
    LOCKED(drv_DestroySurfaces(ctx, l, n));
}
static VAStatus l_CreateContext(VADriverContextP ctx, VAConfigID c, int w, int h, int f,
                                VASurfaceID *t, int n, VAContextID *o) {
    LOCKED(drv_CreateContext(ctx, c, w, h, f, t, n, o));
}
static VAStatus l_DestroyContext(VADriverContextP ctx, VAContextID c) {
    LOCKED(drv_DestroyContext(ctx, c));
}
static VAStatus l_CreateBuffer(VADriverContextP ctx, VAContextID c, VABufferType t, unsigned int s,
                               unsigned int n, void *data, VABufferID *o) {
    LOCKED(drv_CreateBuffer(ctx, c, t, s, n, data, o));
}
static VAStatus l_BufferSetNumElements(VADriverContextP ctx, VABufferID b, unsigned int n) {
    LOCKED(drv_BufferSetNumElements(ctx, b, n));
}
static VAStatus l_MapBuffer(VADriverContextP ctx, VABufferID b, void **p) {
    LOCKED(drv_MapBuffer(ctx, b, p));
}
static VAStatus l_UnmapBuffer(VADriverContextP ctx, VABufferID b) {
    LOCKED(drv_UnmapBuffer(ctx, b));
}
static VAStatus l_DestroyBuffer(VADriverContextP ctx, VABufferID b) {
    LOCKED(drv_DestroyBuffer(ctx, b));
}
static VAStatus l_BufferInfo(VADriverContextP ctx, VABufferID b, VABufferType *t, unsigned int *s,
                             unsigned int *n) {
    LOCKED(drv_BufferInfo(ctx, b, t, s, n));
}
static VAStatus l_SyncBuffer(VADriverContextP ctx, VABufferID b, uint64_t t) {
    LOCKED(drv_SyncBuffer(ctx, b, t));
}
static VAStatus l_BeginPicture(VADriverContextP ctx, VAContextID c, VASurfaceID s) {
    LOCKED(drv_BeginPicture(ctx, c, s));
}
static VAStatus l_RenderPicture(VADriverContextP ctx, VAContextID c, VABufferID *b, int n) {
    LOCKED(drv_RenderPicture(ctx, c, b, n));
}
static VAStatus l_EndPicture(VADriverContextP ctx, VAContextID c) {
    LOCKED(drv_EndPicture(ctx, c));
}
static VAStatus l_SyncSurface(VADriverContextP ctx, VASurfaceID s) {
    LOCKED(drv_SyncSurface(ctx, s));
}
static VAStatus l_QuerySurfaceStatus(VADriverContextP ctx, VASurfaceID s, VASurfaceStatus *st) {
    LOCKED(drv_QuerySurfaceStatus(ctx, s, st));
}
static VAStatus l_QuerySurfaceAttributes(VADriverContextP ctx, VAConfigID c, VASurfaceAttrib *l,
                                         unsigned int *n) {
    LOCKED(drv_QuerySurfaceAttributes(ctx, c, l, n));
}
static VAStatus l_QueryImageFormats(VADriverContextP ctx, VAImageFormat *l, int *n) {
    LOCKED(drv_QueryImageFormats(ctx, l, n));
}
static VAStatus l_CreateImage(VADriverContextP ctx, VAImageFormat *f, int w, int h, VAImage *i) {
    LOCKED(drv_CreateImage(ctx, f, w, h, i));
}
static VAStatus l_DeriveImage(VADriverContextP ctx, VASurfaceID s, VAImage *i) {
    LOCKED(drv_DeriveImage(ctx, s, i));
}
static VAStatus l_DestroyImage(VADriverContextP ctx, VAImageID i) {
    LOCKED(drv_DestroyImage(ctx, i));
}
static VAStatus l_GetImage(VADriverContextP ctx, VASurfaceID s, int x, int y, unsigned int w,
                           unsigned int h, VAImageID i) {
    LOCKED(drv_GetImage(ctx, s, x, y, w, h, i));
}
static VAStatus l_PutImage(VADriverContextP ctx, VASurfaceID s, VAImageID i, int sx, int sy,
                           unsigned int sw, unsigned int sh, int dx, int dy, unsigned int dw,
                           unsigned int dh) {
    LOCKED(drv_PutImage(ctx, s, i, sx, sy, sw, sh, dx, dy, dw, dh));
}

/* libva 2.17 looks for __vaDriverInit_1_17 down to __vaDriverInit_1_0. */
#define DRV_INIT_NAME2(maj, min) __vaDriverInit_##maj##_##min
#define DRV_INIT_NAME(maj, min)  DRV_INIT_NAME2(maj, min)
#define DRV_INIT                 DRV_INIT_NAME(VA_MAJOR_VERSION, VA_MINOR_VERSION)

DRV_EXPORT VAStatus DRV_INIT(VADriverContextP ctx);
DRV_EXPORT VAStatus DRV_INIT(VADriverContextP ctx) {
    struct VADriverVTable *vt = ctx->vtable;
    const char *fail = getenv("VTCORETEST_DRV_FAIL_INIT");
    DrvData *d;

    if (fail && *fail == '1') {
        drv_log("init: injected failure");
        return VA_STATUS_ERROR_OPERATION_FAILED;
    }
    d = calloc(1, sizeof(*d));
    if (!d)
        return VA_STATUS_ERROR_ALLOCATION_FAILED;
    pthread_mutex_init(&d->lock, NULL);
    read_env(d);
    ctx->pDriverData = d;
    ctx->version_major = VA_MAJOR_VERSION;
    ctx->version_minor = VA_MINOR_VERSION;
    ctx->max_profiles = MAX_PROFILES;
    ctx->max_entrypoints = MAX_ENTRYPOINTS;
    ctx->max_attributes = MAX_ATTRIBS;
    ctx->max_image_formats = MAX_IMAGE_FORMATS;
    ctx->max_subpic_formats = 1;
    ctx->max_display_attributes = 1;
    ctx->str_vendor = "vtcore test driver (test fixture, not a GPU)";

    vt->vaTerminate = drv_Terminate;
    vt->vaQueryConfigProfiles = l_QueryConfigProfiles;
    vt->vaQueryConfigEntrypoints = l_QueryConfigEntrypoints;
    vt->vaGetConfigAttributes = l_GetConfigAttributes;
    vt->vaCreateConfig = l_CreateConfig;
    vt->vaDestroyConfig = l_DestroyConfig;
    vt->vaQueryConfigAttributes = l_QueryConfigAttributes;
    vt->vaCreateSurfaces = l_CreateSurfaces;
    vt->vaCreateSurfaces2 = l_CreateSurfaces2;
    vt->vaDestroySurfaces = l_DestroySurfaces;
    vt->vaCreateContext = l_CreateContext;
    vt->vaDestroyContext = l_DestroyContext;
    vt->vaCreateBuffer = l_CreateBuffer;
    vt->vaBufferSetNumElements = l_BufferSetNumElements;
    vt->vaMapBuffer = l_MapBuffer;
    vt->vaUnmapBuffer = l_UnmapBuffer;
    vt->vaDestroyBuffer = l_DestroyBuffer;
    vt->vaBufferInfo = l_BufferInfo;
    vt->vaSyncBuffer = l_SyncBuffer;
    vt->vaBeginPicture = l_BeginPicture;
    vt->vaRenderPicture = l_RenderPicture;
    vt->vaEndPicture = l_EndPicture;
    vt->vaSyncSurface = l_SyncSurface;
    vt->vaQuerySurfaceStatus = l_QuerySurfaceStatus;
    vt->vaQuerySurfaceAttributes = l_QuerySurfaceAttributes;
    vt->vaQueryImageFormats = l_QueryImageFormats;
    vt->vaCreateImage = l_CreateImage;
    vt->vaDeriveImage = l_DeriveImage;
    vt->vaDestroyImage = l_DestroyImage;
    vt->vaGetImage = l_GetImage;
    vt->vaPutImage = l_PutImage;
    vt->vaPutSurface = drv_PutSurface;
    vt->vaSetImagePalette = drv_SetImagePalette;
    vt->vaQuerySubpictureFormats = drv_QuerySubpictureFormats;
    vt->vaCreateSubpicture = drv_CreateSubpicture;
    vt->vaDestroySubpicture = drv_DestroySubpicture;
    vt->vaSetSubpictureImage = drv_SetSubpictureImage;
    vt->vaSetSubpictureChromakey = drv_SetSubpictureChromakey;
    vt->vaSetSubpictureGlobalAlpha = drv_SetSubpictureGlobalAlpha;
    vt->vaAssociateSubpicture = drv_AssociateSubpicture;
    vt->vaDeassociateSubpicture = drv_DeassociateSubpicture;
    vt->vaQueryDisplayAttributes = drv_QueryDisplayAttributes;
    vt->vaGetDisplayAttributes = drv_GetDisplayAttributes;
    vt->vaSetDisplayAttributes = drv_SetDisplayAttributes;
    return VA_STATUS_SUCCESS;
}
