/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * VTCompressionSession: CVPixelBuffers in, CMSampleBuffers out, over an
 * encoder backend (encoder/backend.h) chosen at creation.
 *
 * Life of a frame:
 *   EncodeFrame -> the buffer is wrapped as a VTEncoderFrame when it is in a
 *   native format of the backend and has the session's size (no copy), else
 *   converted/scaled by a cached convert plan into a buffer of an internal
 *   pool -> backend->encode(). Every backend output (decode order) becomes a
 *   CMSampleBuffer (AVCC payload, format description with the parameter sets,
 *   timing, attachments) and is appended to the output queue; the queue is
 *   delivered to the client's callback after the encoder lock is released.
 *   A source buffer the backend reads directly is retained until the
 *   frame's callback has returned; one that was converted is not kept past
 *   EncodeFrame (nothing reads it later): only the converted copy is. With a
 *   backend that copies the pixels inside encode() (VT_CAP_COPIES_INPUT:
 *   x264) neither is kept past EncodeFrame. The refcon comes back either way.
 *
 * Threading model. Callbacks are synchronous: they run on the thread that
 * calls EncodeFrame, CompleteFrames, PrepareToEncodeFrames, Invalidate or the
 * final CFRelease, before that call returns (kVTEncodeInfo_Asynchronous is
 * never set); an EncodeFrame that finds another thread delivering leaves its
 * outputs to that thread instead of waiting. Three locks, always taken in
 * this order:
 *   out_lock  (recursive) serialises deliveries, so callbacks run one at a
 *             time and in decode order even when several threads submit;
 *   enc_lock  the backend context, the frame lists and the output queue;
 *   base.lock the property storage (session.h), held only to copy values.
 * No lock but out_lock is held while a callback runs, and out_lock is
 * recursive: a callback may call VTSessionSetProperty / CopyProperty,
 * EncodeFrame, CompleteFrames or Invalidate on the same session.
 *
 * Properties are stored by the generic engine (compression_properties.c).
 * Before each frame the session compares base.config_seq with the value it
 * applied last; on a change it builds a new VTEncoderConfig and calls
 * backend->reconfigure() (live values: no drain). A change the running
 * encoder cannot take (kVTPropertyNotSupportedErr) is applied by flushing the
 * pending frames and reconfiguring the idle encoder (x264 then reopens).
 *
 * Multi-pass (kVTCompressionPropertyKey_MultiPassStorage, HandBrake's
 * sequence): BeginPass opens a fresh encoder instance per pass; with
 * AverageBitRate on a VT_CAP_MULTIPASS backend the first pass is an analysis
 * pass writing the storage's statistics and EndPass (flush + close, which
 * completes the statistics) asks for one more pass over the whole clip;
 * the next pass (or any pass begun with kVTCompressionSessionBeginFinalPass
 * once statistics exist) reads them. Every pass emits its frames. Other rate
 * controls need no second pass: their first pass is final. Each pass
 * restarts the timestamp checks; frames outside the ranges given by
 * GetTimeRangesForNextPass are refused. A drain in the middle of a pass
 * (CompleteFrames, a non-live property change) makes its statistics
 * incomplete: the rest of the pass is encoded in one pass and no further
 * pass is requested.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <CoreMedia/CoreMedia.h>
#include <CoreVideo/CoreVideo.h>
#include <VideoToolbox/VideoToolbox.h>

#include "cf/cf_internal.h"
#include "cm/cm_internal.h"
#include "convert/convert.h"
#include "cv/cv_internal.h"
#include "encoder/backend.h"
#include "log.h"
#include "mem.h"
#include "runtime.h"
#include "vt/compression_internal.h"
#include "vt/multipass_internal.h"
#include "vt/session.h"

#define CS_DEFAULT_TIMESCALE 90000
#define CS_MAX_DIMENSION     16384

/* One submitted frame: in the in-flight list while the backend holds it,
 * then in the output queue until its callback has run, then recycled. */
typedef struct CSFrame {
    struct CSFrame *next, *prev;
    void *refcon;
    CMTime pts, duration;       /* as the client gave them */
    CVImageBufferRef image;     /* retained source buffer */
    CVPixelBufferRef converted; /* retained internal buffer, or NULL */
    OSStatus status;            /* callback arguments */
    VTEncodeInfoFlags info;
    CMSampleBufferRef sample;
} CSFrame;

struct OpaqueVTCompressionSession {
    VTSessionBase base; /* MUST be first */
    VTCompressionConfig config;
    /* vtcore extension properties (base.lock), rows without storage in
     * VTCompressionConfig: stored by cs_will_set, read by cs_copy_dynamic.
     * 0 / "" = unset. */
    int32_t ext_thread_count;
    Boolean ext_thread_count_set;
    char ext_x264_preset[VT_X264_PRESET_MAX];
    char ext_x264_tune[VT_X264_TUNE_MAX];

    /* fixed at creation */
    int32_t width, height;
    uint32_t codec_type;
    const VTEncoderBackend *backend;
    VTCompressionOutputCallback callback;
    void *callback_refcon;
    Boolean low_latency; /* EnableLowLatencyRateControl */
    char *device;        /* kVTCoreVideoEncoderSpecification_VAAPIDevice, or NULL */
    CVPixelBufferPoolRef pool;
    Boolean pool_shared;
    Boolean pool_asked; /* enc_lock: the backend was asked for its own pool */
    CFStringRef encoder_id;

    pthread_mutex_t out_lock; /* recursive */
    pthread_mutex_t enc_lock;
    Boolean locks_ready;

    /* ---- enc_lock ---- */
    Boolean closed; /* invalidated: no frame is accepted any more */
    void *enc;      /* backend context (opened lazily) */
    VTEncoderConfig enc_cfg;
    uint32_t applied_seq; /* base.config_seq of enc_cfg */
    uint32_t derived_seq; /* bumped when frame-derived inputs change */
    uint32_t applied_derived_seq;
    Boolean reorder_possible;
    CFDictionaryRef extensions; /* extra format description extensions */
    uint32_t ext_gen;

    int32_t timescale; /* backend timescale: the first frame's */
    Boolean timescale_fixed;
    uint32_t frame_format; /* native format of the frames the backend gets */
    Boolean seen_frame;
    int32_t att_primaries, att_transfer, att_matrix; /* first buffer's tags, -1 = none */
    Boolean have_last_pts;
    CMTime last_pts;
    int64_t last_ticks;
    Boolean have_last_dts;
    int64_t last_dts;

    /* conversion of non-native / differently sized input */
    VTConvertPlan *plan;
    OSType plan_src;
    size_t plan_width, plan_height;
    uint32_t plan_dst;
    int plan_matrix;
    CVPixelBufferPoolRef conv_pool;
    uint32_t conv_format;

    /* current output format description */
    CMFormatDescriptionRef format;
    uint8_t *format_sps, *format_pps;
    size_t format_sps_size, format_pps_size;
    uint32_t format_ext_gen;

    CSFrame inflight; /* sentinel of the circular in-flight list */
    CSFrame *queue_head, *queue_tail;
    CSFrame *free_frames;

    long pending; /* accepted, callback not returned yet (atomic) */

    /* ---- multi-pass (enc_lock; pass_active is also read atomically) ---- */
    Boolean pass_active;
    VTMultiPassStorageRef pass_storage; /* retained while a pass runs */
    VTMultiPassMode pass_mode;
    Boolean pass_flushed; /* the encoder was drained during this pass */
    Boolean pass_broken;  /* ... and got frames afterwards: statistics incomplete */
    int64_t pass_frames;
    CMTime pass_first_pts, pass_end; /* extent of this pass's frames */
    CMTimeRange pass_ranges[1];      /* frames of this pass must lie inside */
    CMItemCount pass_range_count;    /* 0 = anywhere */
    CMTimeRange next_ranges[1];      /* GetTimeRangesForNextPass */
    CMItemCount next_range_count;    /* 0 = no further pass requested */
};

typedef struct OpaqueVTCompressionSession CS;

static void cs_finalize(CFTypeRef obj);
static OSStatus cs_will_set(VTSessionBase *base, const VTPropertySpec *row, CFTypeRef value);
static OSStatus cs_did_set(VTSessionBase *base, const VTPropertySpec *row);
static OSStatus cs_copy_dynamic(VTSessionBase *base, const VTPropertySpec *row, CFTypeRef *out);

static void *cs_config(VTSessionBase *base) {
    return &((CS *)base)->config;
}

static const VTPropertyTable *const cs_tables[] = {&vt_compression_table};

static const VTSessionClass vt_compression_session_class = {
    .base =
        {
            .name = "VTCompressionSession",
            .type_id = VT_TYPE_ID_COMPRESSION_SESSION,
            .finalize = cs_finalize,
        },
    .tables = cs_tables,
    .n_tables = 1,
    .config = cs_config,
    .will_set = cs_will_set,
    .did_set = cs_did_set,
    .copy_dynamic = cs_copy_dynamic,
};

static CS *cs_from_ref(CFTypeRef ref) {
    if (!vt_session_is(ref, &vt_compression_session_class))
        return NULL;
    CS *s = (CS *)ref;
    return s->locks_ready && s->base.lock_ready ? s : NULL;
}

/* ------------------------------------------------------------------ */
/* Small helpers                                                       */

static OSStatus map_cm_status(OSStatus st) {
    switch (st) {
    case noErr:
        return noErr;
    case kCMSampleBufferError_AllocationFailed:
    case kCMBlockBufferStructureAllocationFailedErr:
    case kCMBlockBufferBlockAllocationFailedErr:
    case kCMFormatDescriptionError_AllocationFailed:
        return kVTAllocationFailedErr;
    default:
        return kVTVideoEncoderMalfunctionErr;
    }
}

static OSStatus map_cv_status(CVReturn r) {
    switch (r) {
    case kCVReturnSuccess:
        return noErr;
    case kCVReturnAllocationFailed:
    case kCVReturnPoolAllocationFailed:
        return kVTAllocationFailedErr;
    case kCVReturnInvalidPixelFormat:
        return kVTPixelTransferNotSupportedErr;
    default:
        return kVTParameterErr;
    }
}

static Boolean format_is_native(const VTEncoderBackend *be, uint32_t fourcc) {
    return vt_encoder_backend_accepts_format(be, fourcc);
}

/* Whether native format info n has the bit depth an encoder wants (0 = any). */
static Boolean depth_ok(const VTPixelFormatInfo *n, int depth) {
    return depth == 0 || (n && n->bit_depth == depth);
}

/* The native format a buffer of `fmt` is encoded as: itself when native
 * (and of the wanted bit depth, 0 = any), else the first native format of
 * the same range (YUV full range stays full range) and depth, else the
 * first of that depth, else the backend's preferred one. */
static uint32_t choose_target(const VTEncoderBackend *be, const VTPixelFormatInfo *fmt, int depth) {
    const uint32_t *f;
    if (fmt && format_is_native(be, fmt->fourcc) && depth_ok(fmt, depth))
        return fmt->fourcc;
    Boolean full = fmt && fmt->family == VT_COLOR_YUV && fmt->full_range;
    for (f = be->native_formats; *f; f++) {
        const VTPixelFormatInfo *n = vt_pixel_format_lookup(*f);
        if (n && (n->full_range != 0) == full && depth_ok(n, depth))
            return *f;
    }
    for (f = be->native_formats; *f; f++) {
        if (depth_ok(vt_pixel_format_lookup(*f), depth))
            return *f;
    }
    return be->native_formats[0];
}

static Boolean profile_allows_reordering(VTH264Profile p) {
    return p == VT_H264_PROFILE_AUTO || p == VT_H264_PROFILE_MAIN || p == VT_H264_PROFILE_HIGH;
}

/* Whether B-frames can appear with these settings (the backend's rules,
 * encoder/x264.c: low-delay configurations and Baseline-family /
 * ConstrainedHigh profiles have none). */
static Boolean reorder_possible(const VTEncoderBackend *be, Boolean allow, Boolean temporal,
                                VTH264Profile profile, int32_t max_delay, Boolean low_latency) {
    return allow && temporal && (be->caps & VT_CAP_BFRAMES) && profile_allows_reordering(profile) &&
           max_delay != 0 && !low_latency;
}

/* ------------------------------------------------------------------ */
/* Frame records                                                       */

static CSFrame *frame_get(CS *s) {
    CSFrame *f = s->free_frames;
    if (f) {
        s->free_frames = f->next;
        memset(f, 0, sizeof(*f));
        return f;
    }
    return vt_calloc(1, sizeof(*f));
}

static void frame_put(CS *s, CSFrame *f) {
    f->next = s->free_frames;
    s->free_frames = f;
}

static void frame_release_objects(CSFrame *f) {
    if (f->sample)
        CFRelease(f->sample);
    if (f->image)
        CFRelease(f->image);
    if (f->converted)
        CFRelease(f->converted);
    f->sample = NULL;
    f->image = NULL;
    f->converted = NULL;
}

static void inflight_link(CS *s, CSFrame *f) {
    f->prev = s->inflight.prev;
    f->next = &s->inflight;
    s->inflight.prev->next = f;
    s->inflight.prev = f;
}

static void inflight_unlink(CSFrame *f) {
    f->prev->next = f->next;
    f->next->prev = f->prev;
    f->next = f->prev = NULL;
}

static Boolean inflight_contains(CS *s, const CSFrame *f) {
    for (const CSFrame *it = s->inflight.next; it != &s->inflight; it = it->next) {
        if (it == f)
            return TRUE;
    }
    return FALSE;
}

static void queue_push(CS *s, CSFrame *f) {
    f->next = NULL;
    f->prev = NULL;
    if (s->queue_tail)
        s->queue_tail->next = f;
    else
        s->queue_head = f;
    s->queue_tail = f;
}

static CSFrame *queue_pop(CS *s) {
    CSFrame *f = s->queue_head;
    if (f) {
        s->queue_head = f->next;
        if (!s->queue_head)
            s->queue_tail = NULL;
        f->next = NULL;
    }
    return f;
}

/* Runs the callbacks of every queued output, in order. Called without
 * enc_lock; out_lock (recursive) keeps deliveries from interleaving. With
 * `wait` FALSE a thread finding another one delivering leaves its outputs to
 * that thread (which re-checks the queue after releasing out_lock), so a
 * submitting thread never blocks behind another thread's slow callback. */
static void deliver(CS *s, Boolean wait) {
    for (;;) {
        if (wait)
            pthread_mutex_lock(&s->out_lock);
        else if (pthread_mutex_trylock(&s->out_lock) != 0)
            return;
        for (;;) {
            pthread_mutex_lock(&s->enc_lock);
            CSFrame *f = queue_pop(s);
            pthread_mutex_unlock(&s->enc_lock);
            if (!f)
                break;
            if (s->callback)
                s->callback(s->callback_refcon, f->refcon, f->status, f->info, f->sample);
            frame_release_objects(f);
            __atomic_sub_fetch(&s->pending, 1, __ATOMIC_SEQ_CST);
            pthread_mutex_lock(&s->enc_lock);
            frame_put(s, f);
            pthread_mutex_unlock(&s->enc_lock);
        }
        pthread_mutex_unlock(&s->out_lock);
        /* Outputs queued by a thread whose trylock failed meanwhile. */
        pthread_mutex_lock(&s->enc_lock);
        Boolean more = s->queue_head != NULL;
        pthread_mutex_unlock(&s->enc_lock);
        if (!more)
            return;
    }
}

/* ------------------------------------------------------------------ */
/* Output: VTEncodedFrame -> CMSampleBuffer (enc_lock held)            */

static Boolean bytes_equal(const uint8_t *a, size_t an, const uint8_t *b, size_t bn) {
    return an == bn && (an == 0 || memcmp(a, b, an) == 0);
}

static uint8_t *dup_bytes(const uint8_t *p, size_t n) {
    uint8_t *d = vt_malloc(n ? n : 1);
    if (d && n)
        memcpy(d, p, n);
    return d;
}

/* The format description for this output's parameter sets: the current one
 * while parameter sets and extensions are unchanged, else a new one. */
static OSStatus current_format(CS *s, const VTEncodedFrame *f, CMFormatDescriptionRef *out) {
    if (s->format && s->format_ext_gen == s->ext_gen &&
        bytes_equal(f->sps, f->sps_size, s->format_sps, s->format_sps_size) &&
        bytes_equal(f->pps, f->pps_size, s->format_pps, s->format_pps_size)) {
        *out = s->format;
        return noErr;
    }
    if (!f->sps || !f->pps || !f->sps_size || !f->pps_size)
        return kVTVideoEncoderMalfunctionErr;
    CMFormatDescriptionRef fd = NULL;
    OSStatus st;
    if (s->codec_type == VT_ENC_CODEC_HEVC) {
        /* hvcC: VPS, SPS, PPS (the VPS is part of the SPS's identity here:
         * a backend changes all three together) */
        if (!f->vps || !f->vps_size)
            return kVTVideoEncoderMalfunctionErr;
        const uint8_t *hsets[3] = {f->vps, f->sps, f->pps};
        size_t hsizes[3] = {f->vps_size, f->sps_size, f->pps_size};
        st = vt_cm_video_format_create_hevc(hsets, hsizes, 3, 4, s->extensions, &fd);
    } else {
        const uint8_t *sets[2] = {f->sps, f->pps};
        size_t sizes[2] = {f->sps_size, f->pps_size};
        st = vt_cm_video_format_create_h264(sets, sizes, 2, 4, s->extensions, &fd);
    }
    if (st != noErr) {
        vt_error("VTCompressionSession: format description from the parameter sets failed (%d)",
                 (int)st);
        return map_cm_status(st);
    }
    uint8_t *sps = dup_bytes(f->sps, f->sps_size), *pps = dup_bytes(f->pps, f->pps_size);
    if (!sps || !pps) {
        vt_free(sps);
        vt_free(pps);
        CFRelease(fd);
        return kVTAllocationFailedErr;
    }
    if (s->format)
        CFRelease(s->format);
    vt_free(s->format_sps);
    vt_free(s->format_pps);
    s->format = fd;
    s->format_sps = sps;
    s->format_sps_size = f->sps_size;
    s->format_pps = pps;
    s->format_pps_size = f->pps_size;
    s->format_ext_gen = s->ext_gen;
    *out = fd;
    return noErr;
}

static OSStatus make_sample(CS *s, CSFrame *fr, const VTEncodedFrame *f) {
    CMFormatDescriptionRef fd;
    OSStatus st = current_format(s, f, &fd);
    if (st != noErr)
        return st;

    /* DTS in the backend timescale, kept strictly increasing and <= PTS. */
    int64_t dts = f->dts;
    if (s->have_last_dts && dts <= s->last_dts)
        dts = s->last_dts + 1;
    s->have_last_dts = TRUE;
    s->last_dts = dts;
    /* In the frame's own timescale when that is exact (always, unless a
     * drain made the encoder squeeze decode times between frames), else in
     * the finer backend timescale. */
    CMTime dts_time = CMTimeMake(dts, s->timescale);
    int32_t fts = fr->pts.timescale;
    if (fts > 0 && fts != s->timescale && s->timescale % fts == 0 &&
        dts % (s->timescale / fts) == 0)
        dts_time = CMTimeMake(dts / (s->timescale / fts), fts);
    if (CMTimeCompare(dts_time, fr->pts) > 0)
        dts_time = fr->pts;
    CMTime duration = CMTIME_IS_NUMERIC(fr->duration) ? fr->duration : kCMTimeInvalid;

    uint32_t flags = 0;
    if (f->is_keyframe)
        flags |= VT_CM_SAMPLE_SYNC;
    else if (f->frame_type == VT_FRAME_TYPE_I)
        flags |= VT_CM_SAMPLE_INTRA;
    if (!f->is_reference)
        flags |= VT_CM_SAMPLE_DROPPABLE;
    if (s->reorder_possible)
        flags |= VT_CM_SAMPLE_EARLIER_DISPLAY_TIMES_ALLOWED;

    uint8_t *data = dup_bytes(f->data, f->size);
    if (!data)
        return kVTAllocationFailedErr;
    st = vt_cm_sample_buffer_create_encoded(data, f->size, fd, fr->pts, dts_time, duration, flags,
                                            NULL, &fr->sample);
    return map_cm_status(st);
}

/* Backend output callback (enc_lock held: called from encode/flush/close). */
static void on_backend_output(void *user, const VTEncodedFrame *f) {
    CS *s = user;
    CSFrame *fr = f->opaque;
    if (!fr || !inflight_contains(s, fr)) {
        vt_error("VTCompressionSession: output for an unknown frame");
        return;
    }
    inflight_unlink(fr);
    fr->status = f->status;
    fr->info = f->info_flags & kVTEncodeInfo_FrameDropped;
    fr->sample = NULL;
    if (fr->status == noErr && !(fr->info & kVTEncodeInfo_FrameDropped)) {
        if (!f->data || f->size == 0) {
            /* Nothing to deliver: report a drop, never noErr with NULL. */
            fr->info |= kVTEncodeInfo_FrameDropped;
        } else {
            OSStatus st = make_sample(s, fr, f);
            if (st != noErr) {
                fr->status = st;
                if (fr->sample) {
                    CFRelease(fr->sample);
                    fr->sample = NULL;
                }
            }
        }
    }
    queue_push(s, fr);
}

/* ------------------------------------------------------------------ */
/* Configuration: VTCompressionConfig -> VTEncoderConfig               */

/* The client's x264 options that rule B-frames out: preset ultrafast, tune
 * zerolatency (x264 backend only: the others ignore these keys). */
static Boolean x264_options_forbid_reordering(const VTEncoderBackend *be, const char *preset,
                                              const char *tune) {
    if (!be->encoder_id || !strstr(be->encoder_id, "x264"))
        return FALSE;
    return strcmp(preset, "ultrafast") == 0 || strstr(tune, "zerolatency") != NULL;
}

static int32_t tri(const VTOptBool *b) {
    return b->set ? (b->value ? 1 : 0) : VT_UNSET;
}

static int16_t colour_code(const VTOptInt32 *prop, int32_t attachment) {
    int32_t code = prop->set ? prop->value : attachment;
    if (code < 0)
        return VT_UNSET;
    if (code >= VT_CS_COLOR_NO_CODE)
        return 2; /* unspecified */
    return (int16_t)code;
}

static int32_t colour_internal(const VTOptInt32 *prop, int32_t attachment) {
    return prop->set ? prop->value : attachment;
}

static Boolean full_range_of(const VTEncoderConfig *cfg) {
    if (cfg->full_range != VT_UNSET)
        return cfg->full_range == 1;
    const VTPixelFormatInfo *f = vt_pixel_format_lookup(cfg->pixel_format);
    return f && f->family == VT_COLOR_YUV && f->full_range;
}

/* Fills cfg from the properties (base.lock held) and the session facts. */
static void build_config(CS *s, VTEncoderConfig *cfg) {
    const VTCompressionConfig *c = &s->config;
    vt_encoder_config_init(cfg);
    cfg->width = s->width;
    cfg->height = s->height;
    cfg->codec_type = s->codec_type;
    cfg->pixel_format = s->frame_format;
    cfg->timescale = s->timescale;

    if (c->profile_level.set) {
        cfg->profile = (VTH264Profile)VT_CS_PROFILE_OF(c->profile_level.value);
        cfg->level_idc = VT_CS_LEVEL_OF(c->profile_level.value);
    }
    cfg->entropy = (VTEntropyMode)c->entropy_mode.value;

    cfg->average_bit_rate = c->average_bit_rate;
    cfg->constant_bit_rate = c->constant_bit_rate;
    if (c->data_rate_limits) {
        CFArrayRef a = c->data_rate_limits;
        CFIndex n = CFArrayGetCount(a);
        for (CFIndex i = 0; i + 1 < n && cfg->data_rate_limit_count < VT_MAX_DATA_RATE_LIMITS;
             i += 2) {
            VTDataRateLimit *l = &cfg->data_rate_limits[cfg->data_rate_limit_count++];
            (void)vt_cf_get_double(CFArrayGetValueAtIndex(a, i), &l->bytes);
            (void)vt_cf_get_double(CFArrayGetValueAtIndex(a, i + 1), &l->seconds);
        }
    }
    cfg->quality = c->quality.set ? c->quality.value : -1.0;
    cfg->min_qp = c->min_qp.set ? c->min_qp.value : -1;
    cfg->max_qp = c->max_qp.set ? c->max_qp.value : -1;

    cfg->max_keyframe_interval = c->max_key_frame_interval;
    cfg->max_keyframe_interval_duration = c->max_key_frame_interval_duration;
    cfg->allow_frame_reordering = c->allow_frame_reordering;
    cfg->allow_temporal_compression = c->allow_temporal_compression;
    cfg->allow_open_gop = (int8_t)tri(&c->allow_open_gop);
    cfg->reference_buffer_count =
        c->reference_buffer_count.set ? c->reference_buffer_count.value : 0;

    cfg->realtime = (int8_t)tri(&c->real_time);
    cfg->expected_frame_rate = c->expected_frame_rate;
    cfg->max_frame_delay_count = c->max_frame_delay_count;
    cfg->prioritize_speed = (int8_t)tri(&c->prioritize_speed);
    cfg->maximize_power_efficiency = (int8_t)tri(&c->maximize_power_efficiency);
    cfg->low_latency_rate_control = s->low_latency;
    cfg->device = s->device;
    cfg->max_slice_bytes = c->max_slice_bytes;
    cfg->threads = s->ext_thread_count;
    memcpy(cfg->x264_preset, s->ext_x264_preset, sizeof(cfg->x264_preset));
    memcpy(cfg->x264_tune, s->ext_x264_tune, sizeof(cfg->x264_tune));

    cfg->colour_primaries = colour_code(&c->color_primaries, s->att_primaries);
    cfg->transfer_characteristics = colour_code(&c->transfer_function, s->att_transfer);
    cfg->matrix_coefficients = colour_code(&c->ycbcr_matrix, s->att_matrix);
    if (c->pixel_aspect_ratio) {
        double h = 0, v = 0;
        (void)vt_cf_get_double(
            vt_cf_dict_get(c->pixel_aspect_ratio,
                           kCMFormatDescriptionKey_PixelAspectRatioHorizontalSpacing),
            &h);
        (void)vt_cf_get_double(
            vt_cf_dict_get(c->pixel_aspect_ratio,
                           kCMFormatDescriptionKey_PixelAspectRatioVerticalSpacing),
            &v);
        cfg->sar_width = (int32_t)h;
        cfg->sar_height = (int32_t)v;
    }
    if (c->clean_aperture) {
        CFDictionaryRef d = c->clean_aperture;
        cfg->has_clean_aperture = TRUE;
        (void)vt_cf_get_double(vt_cf_dict_get(d, kCMFormatDescriptionKey_CleanApertureWidth),
                               &cfg->clean_aperture_width);
        (void)vt_cf_get_double(vt_cf_dict_get(d, kCMFormatDescriptionKey_CleanApertureHeight),
                               &cfg->clean_aperture_height);
        (void)vt_cf_get_double(
            vt_cf_dict_get(d, kCMFormatDescriptionKey_CleanApertureHorizontalOffset),
            &cfg->clean_aperture_h_offset);
        (void)vt_cf_get_double(
            vt_cf_dict_get(d, kCMFormatDescriptionKey_CleanApertureVerticalOffset),
            &cfg->clean_aperture_v_offset);
    }

    cfg->more_frames_before_start = c->more_frames_before_start;
    cfg->more_frames_after_end = c->more_frames_after_end;
    cfg->source_frame_count = c->source_frame_count;
    cfg->expected_duration = c->expected_duration;
    if (s->pass_active && !s->pass_broken && s->pass_mode != VT_MULTIPASS_OFF) {
        cfg->multipass = s->pass_mode;
        cfg->multipass_stats_path = vt_multipass_storage_get_stats_path(s->pass_storage);
    }
}

/* Frame size in macroblocks and whether it fits level `limits`. */
static Boolean size_fits_level(int32_t width, int32_t height, const VTH264LevelLimits *limits) {
    int64_t wmb = (width + 15) / 16, hmb = (height + 15) / 16;
    int64_t side = (int64_t)sqrt(8.0 * limits->max_fs);
    return wmb * hmb <= limits->max_fs && wmb <= side && hmb <= side;
}

static Boolean profile_is_high(VTH264Profile p) {
    return p == VT_H264_PROFILE_HIGH || p == VT_H264_PROFILE_CONSTRAINED_HIGH;
}

/* Enforces an explicit level (ProfileLevel other than AutoLevel): frame
 * size, bit rate, frame rate and reference count must fit, else
 * kVTParameterErr. Without DataRateLimits the level's MaxBR is given to the
 * encoder as a hard limit (VBV) so the stream stays within the level. */
static OSStatus enforce_level(VTEncoderConfig *cfg) {
    if (cfg->level_idc <= 0)
        return noErr;
    const VTH264LevelLimits *lim = vt_h264_level_limits(cfg->level_idc);
    if (!lim)
        return kVTParameterErr;
    int64_t fs = (int64_t)((cfg->width + 15) / 16) * ((cfg->height + 15) / 16);
    double max_bits = (double)lim->max_br * (profile_is_high(cfg->profile) ? 1250.0 : 1000.0);
    if (!size_fits_level(cfg->width, cfg->height, lim)) {
        vt_warn("VTCompressionSession: %dx%d exceeds level %d.%d", cfg->width, cfg->height,
                cfg->level_idc / 10, cfg->level_idc % 10);
        return kVTParameterErr;
    }
    double rate =
        (double)(cfg->constant_bit_rate > 0 ? cfg->constant_bit_rate : cfg->average_bit_rate);
    if (rate > max_bits) {
        vt_warn("VTCompressionSession: %.0f bit/s exceeds level %d.%d (%.0f)", rate,
                cfg->level_idc / 10, cfg->level_idc % 10, max_bits);
        return kVTParameterErr;
    }
    if (cfg->expected_frame_rate > 0 && cfg->expected_frame_rate * (double)fs > lim->max_mbps) {
        vt_warn("VTCompressionSession: %.2f fps at %dx%d exceeds level %d.%d",
                cfg->expected_frame_rate, cfg->width, cfg->height, cfg->level_idc / 10,
                cfg->level_idc % 10);
        return kVTParameterErr;
    }
    if (cfg->reference_buffer_count > 0 && cfg->reference_buffer_count * fs > lim->max_dpb_mbs) {
        vt_warn("VTCompressionSession: %d reference frames exceed level %d.%d",
                cfg->reference_buffer_count, cfg->level_idc / 10, cfg->level_idc % 10);
        return kVTParameterErr;
    }
    if (cfg->data_rate_limit_count == 0 && cfg->constant_bit_rate == 0 &&
        (cfg->average_bit_rate == 0 || 2.0 * (double)cfg->average_bit_rate > max_bits)) {
        cfg->data_rate_limit_count = 1;
        cfg->data_rate_limits[0].bytes = max_bits / 8.0;
        cfg->data_rate_limits[0].seconds = 1.0;
    }
    return noErr;
}

static Boolean dict_put(CFMutableDictionaryRef d, CFStringRef key, CFTypeRef value) {
    CFDictionarySetValue(d, key, value);
    return CFDictionaryGetValue(d, key) == value;
}

/* Extra format description extensions (base.lock held): the client's colour
 * strings, PixelAspectRatio, CleanAperture, FullRangeVideo. +1 or NULL. */
static CFDictionaryRef build_extensions(CS *s, const VTEncoderConfig *cfg) {
    const VTCompressionConfig *c = &s->config;
    CFMutableDictionaryRef d = vt_cf_dict_new();
    Boolean ok = d != NULL;
    if (!d)
        return NULL;
    CFStringRef p = vt_cs_enum_string(vt_cs_color_primaries,
                                      colour_internal(&c->color_primaries, s->att_primaries));
    CFStringRef t = vt_cs_enum_string(vt_cs_transfer_functions,
                                      colour_internal(&c->transfer_function, s->att_transfer));
    CFStringRef m =
        vt_cs_enum_string(vt_cs_ycbcr_matrices, colour_internal(&c->ycbcr_matrix, s->att_matrix));
    if (ok && p)
        ok = dict_put(d, kCMFormatDescriptionExtension_ColorPrimaries, p);
    if (ok && t)
        ok = dict_put(d, kCMFormatDescriptionExtension_TransferFunction, t);
    if (ok && m)
        ok = dict_put(d, kCMFormatDescriptionExtension_YCbCrMatrix, m);
    if (ok && c->pixel_aspect_ratio)
        ok = dict_put(d, kCMFormatDescriptionExtension_PixelAspectRatio, c->pixel_aspect_ratio);
    if (ok && c->clean_aperture)
        ok = dict_put(d, kCMFormatDescriptionExtension_CleanAperture, c->clean_aperture);
    if (ok)
        ok = dict_put(d, kCMFormatDescriptionExtension_FullRangeVideo,
                      full_range_of(cfg) ? kCFBooleanTrue : kCFBooleanFalse);
    if (!ok) {
        CFRelease(d);
        return NULL;
    }
    return d;
}

/* Opens the backend, or brings the running one up to date with the
 * properties and frame-derived settings (enc_lock held). */
static OSStatus ensure_encoder(CS *s) {
    vt_session_lock(&s->base);
    uint32_t seq = s->base.config_seq;
    if (s->enc && seq == s->applied_seq && s->derived_seq == s->applied_derived_seq) {
        vt_session_unlock(&s->base);
        return noErr;
    }
    VTEncoderConfig cfg;
    build_config(s, &cfg);
    CFDictionaryRef ext = build_extensions(s, &cfg);
    vt_session_unlock(&s->base);
    if (!ext)
        return kVTAllocationFailedErr;

    const VTEncoderBackend *be = s->backend;
    OSStatus st = enforce_level(&cfg);
    if (st == noErr && !s->enc) {
        VTEncoderCallbacks cb = {s, on_backend_output};
        st = be->open(&cfg, &cb, &s->enc);
        if (st != noErr)
            s->enc = NULL;
    } else if (st == noErr && memcmp(&cfg, &s->enc_cfg, sizeof(cfg)) != 0) {
        st = be->reconfigure ? be->reconfigure(s->enc, &cfg) : kVTPropertyNotSupportedErr;
        if (st == kVTPropertyNotSupportedErr) {
            /* Not a live change: finish the pending frames, then retry on
             * the idle encoder, or start a new one. */
            vt_debug("VTCompressionSession: draining the encoder to apply new settings");
            if (s->pass_active)
                s->pass_flushed = TRUE;
            st = be->flush(s->enc);
            if (st == noErr)
                st = be->reconfigure ? be->reconfigure(s->enc, &cfg) : kVTPropertyNotSupportedErr;
            if (st == kVTPropertyNotSupportedErr) {
                VTEncoderCallbacks cb = {s, on_backend_output};
                be->close(s->enc);
                s->enc = NULL;
                st = be->open(&cfg, &cb, &s->enc);
                if (st != noErr)
                    s->enc = NULL;
            }
        }
    }
    if (st != noErr) {
        CFRelease(ext);
        vt_debug("VTCompressionSession: encoder configuration refused (%d)", (int)st);
        return st;
    }
    s->enc_cfg = cfg;
    s->applied_seq = seq;
    s->applied_derived_seq = s->derived_seq;
    s->reorder_possible =
        reorder_possible(be, cfg.allow_frame_reordering, cfg.allow_temporal_compression,
                         cfg.profile, cfg.max_frame_delay_count, cfg.low_latency_rate_control) &&
        !x264_options_forbid_reordering(be, cfg.x264_preset, cfg.x264_tune);
    if (!s->extensions || !CFEqual(ext, s->extensions)) {
        if (s->extensions)
            CFRelease(s->extensions);
        s->extensions = ext;
        s->ext_gen++;
    } else {
        CFRelease(ext);
    }
    return noErr;
}

/* ------------------------------------------------------------------ */
/* Input: CVPixelBuffer -> VTEncoderFrame (enc_lock held)              */

static void wrap_buffer(CVPixelBufferRef pb, VTEncoderFrame *ef) {
    uint8_t *data[3];
    size_t stride[3];
    unsigned n = vt_pixel_buffer_get_planes(pb, data, stride);
    ef->pixel_format = vt_pixel_buffer_format(pb)->fourcc;
    ef->width = (int32_t)CVPixelBufferGetWidth(pb);
    ef->height = (int32_t)CVPixelBufferGetHeight(pb);
    ef->plane_count = (int)n;
    ef->pixel_buffer = pb;
    for (unsigned i = 0; i < 3; i++) {
        ef->planes[i] = i < n ? data[i] : NULL;
        ef->strides[i] = i < n ? stride[i] : 0;
    }
}

static void image_from_buffer(CVPixelBufferRef pb, VTImage *img) {
    uint8_t *data[3];
    size_t stride[3];
    unsigned n = vt_pixel_buffer_get_planes(pb, data, stride);
    img->fmt = vt_pixel_buffer_format(pb);
    img->width = (int)CVPixelBufferGetWidth(pb);
    img->height = (int)CVPixelBufferGetHeight(pb);
    for (unsigned i = 0; i < 3; i++) {
        img->data[i] = i < n ? data[i] : NULL;
        img->stride[i] = i < n ? (int)stride[i] : 0;
    }
}

/* YCbCr matrix for RGB -> YCbCr conversions (base.lock taken inside). */
static int conversion_matrix(CS *s) {
    vt_session_lock(&s->base);
    int32_t code = s->config.ycbcr_matrix.set ? s->config.ycbcr_matrix.value : s->att_matrix;
    vt_session_unlock(&s->base);
    return code > 0 && code < VT_CS_COLOR_NO_CODE ? (int)code : VT_MATRIX_UNSPECIFIED;
}

static OSStatus ensure_conversion(CS *s, const VTPixelFormatInfo *src, size_t w, size_t h,
                                  uint32_t dst) {
    int matrix = conversion_matrix(s);
    if (!s->plan || s->plan_src != src->fourcc || s->plan_width != w || s->plan_height != h ||
        s->plan_dst != dst || s->plan_matrix != matrix) {
        VTImage si, di;
        memset(&si, 0, sizeof(si));
        memset(&di, 0, sizeof(di));
        si.fmt = src;
        si.width = (int)w;
        si.height = (int)h;
        di.fmt = vt_pixel_format_lookup(dst);
        di.width = s->width;
        di.height = s->height;
        if (!di.fmt)
            return kVTPixelTransferNotSupportedErr;
        VTConvertOptions opts;
        vt_convert_options_init(&opts);
        opts.src_matrix = matrix;
        opts.dst_matrix = matrix;
        VTConvertPlan *plan = NULL;
        OSStatus st = vt_convert_plan_create(&si, &di, &opts, &plan);
        if (st != noErr) {
            vt_warn("VTCompressionSession: cannot convert %s %zux%zu to %s %dx%d (%d)", src->name,
                    w, h, di.fmt->name, s->width, s->height, (int)st);
            return st == VT_CONVERT_ERR_ALLOC ? kVTAllocationFailedErr
                                              : kVTPixelTransferNotSupportedErr;
        }
        vt_convert_plan_destroy(s->plan);
        s->plan = plan;
        s->plan_src = src->fourcc;
        s->plan_width = w;
        s->plan_height = h;
        s->plan_dst = dst;
        s->plan_matrix = matrix;
        vt_debug("VTCompressionSession: converting %s %zux%zu: %s", src->name, w, h,
                 vt_convert_plan_describe(plan));
    }
    if (!s->conv_pool || s->conv_format != dst) {
        CVPixelBufferPoolRef pool = NULL;
        CVReturn r =
            vt_pixel_buffer_pool_create(dst, (size_t)s->width, (size_t)s->height, NULL, &pool);
        if (r != kCVReturnSuccess)
            return map_cv_status(r);
        if (s->conv_pool)
            CFRelease(s->conv_pool);
        s->conv_pool = pool;
        s->conv_format = dst;
    }
    return noErr;
}

/* The bit depth the encoder must get (base.lock taken inside): 10 for an
 * HEVC_Main10 session, 8 for HEVC_Main (other depths go through the
 * transfer engine), 0 = any native format. */
static int wanted_depth(CS *s) {
    if (s->codec_type != VT_ENC_CODEC_HEVC)
        return 0;
    vt_session_lock(&s->base);
    int32_t v = s->config.profile_level.set ? s->config.profile_level.value : -1;
    vt_session_unlock(&s->base);
    if (v < 0)
        return 0;
    VTH264Profile p = (VTH264Profile)VT_CS_PROFILE_OF(v);
    return p == VT_HEVC_PROFILE_MAIN10 ? 10 : p == VT_HEVC_PROFILE_MAIN ? 8 : 0;
}

/* Prepares ef from pb, converting into *converted (+1) when needed. A
 * native buffer is only identified (ef->pixel_buffer, no planes): EncodeFrame
 * maps it with wrap_buffer() once the encoder is known, unless the encoder
 * reads it from device memory (takes_buffer). */
static OSStatus prepare_input(CS *s, CVPixelBufferRef pb, VTEncoderFrame *ef,
                              CVPixelBufferRef *converted) {
    const VTPixelFormatInfo *fmt = vt_pixel_buffer_format(pb);
    size_t w = CVPixelBufferGetWidth(pb), h = CVPixelBufferGetHeight(pb);
    int depth = wanted_depth(s);
    *converted = NULL;
    if (!fmt)
        return kVTParameterErr;
    uint32_t target;
    if (format_is_native(s->backend, fmt->fourcc) && depth_ok(fmt, depth) &&
        w == (size_t)s->width && h == (size_t)s->height) {
        ef->pixel_format = fmt->fourcc;
        ef->width = (int32_t)w;
        ef->height = (int32_t)h;
        ef->plane_count = (int)CVPixelBufferGetPlaneCount(pb);
        ef->pixel_buffer = pb;
        target = fmt->fourcc;
    } else {
        target = choose_target(s->backend, fmt, depth);
        if (!vt_convert_format_supported(fmt)) {
            vt_warn("VTCompressionSession: no conversion from pixel format %s", fmt->name);
            return kVTPixelTransferNotSupportedErr;
        }
        OSStatus st = ensure_conversion(s, fmt, w, h, target);
        if (st != noErr)
            return st;
        CVPixelBufferRef dst = NULL;
        CVReturn r = CVPixelBufferPoolCreatePixelBuffer(NULL, s->conv_pool, &dst);
        if (r != kCVReturnSuccess)
            return map_cv_status(r);
        VTImage si, di;
        image_from_buffer(pb, &si);
        image_from_buffer(dst, &di);
        CVPixelBufferLockBaseAddress(pb, kCVPixelBufferLock_ReadOnly);
        st = vt_convert_plan_run(s->plan, &si, &di);
        CVPixelBufferUnlockBaseAddress(pb, kCVPixelBufferLock_ReadOnly);
        if (st != noErr) {
            CFRelease(dst);
            return st == VT_CONVERT_ERR_ALLOC ? kVTAllocationFailedErr : st;
        }
        /* Unrecognised attachments travel with the converted image. */
        wrap_buffer(dst, ef);
        *converted = dst;
    }
    if (target != s->frame_format) {
        s->frame_format = target;
        s->derived_seq++;
    }
    return noErr;
}

/* Colour tags of the first buffer, used while the properties are unset. */
static void read_first_attachments(CS *s, CVImageBufferRef pb) {
    int32_t code;
    s->att_primaries = s->att_transfer = s->att_matrix = -1;
    if (vt_cs_enum_lookup(vt_cs_color_primaries,
                          CVBufferGetAttachment(pb, kCVImageBufferColorPrimariesKey, NULL), &code))
        s->att_primaries = code;
    if (vt_cs_enum_lookup(vt_cs_transfer_functions,
                          CVBufferGetAttachment(pb, kCVImageBufferTransferFunctionKey, NULL),
                          &code))
        s->att_transfer = code;
    if (vt_cs_enum_lookup(vt_cs_ycbcr_matrices,
                          CVBufferGetAttachment(pb, kCVImageBufferYCbCrMatrixKey, NULL), &code))
        s->att_matrix = code;
    s->derived_seq++;
}

/* ------------------------------------------------------------------ */
/* Property hooks and getters (base.lock held)                         */

static Boolean row_is(const VTPropertySpec *row, const CFStringRef *key) {
    return row->key == key;
}

/* Stores the value of a vtcore extension row (value already converted and
 * validated by the engine; NULL = back to unset). The engine's own store is
 * a no-op for these rows and nothing after this hook can refuse the value
 * (cs_did_set accepts them), so the value is final here. */
static void store_extension(CS *s, const VTPropertySpec *row, CFTypeRef value) {
    if (row_is(row, &kVTCoreCompressionPropertyKey_ThreadCount)) {
        int32_t n = 0;
        s->ext_thread_count_set = value && vt_cf_get_int32(value, &n);
        s->ext_thread_count = s->ext_thread_count_set ? n : 0;
    } else {
        Boolean preset = row_is(row, &kVTCoreCompressionPropertyKey_X264Preset);
        char *dst = preset ? s->ext_x264_preset : s->ext_x264_tune;
        size_t size = preset ? sizeof(s->ext_x264_preset) : sizeof(s->ext_x264_tune);
        snprintf(dst, size, "%s", value ? vt_cfstring_cstr(value) : "");
    }
}

static Boolean row_is_extension(const VTPropertySpec *row) {
    return row_is(row, &kVTCoreCompressionPropertyKey_ThreadCount) ||
           row_is(row, &kVTCoreCompressionPropertyKey_X264Preset) ||
           row_is(row, &kVTCoreCompressionPropertyKey_X264Tune);
}

static OSStatus cs_copy_dynamic(VTSessionBase *base, const VTPropertySpec *row, CFTypeRef *out) {
    CS *s = (CS *)base;
    *out = NULL;
    if (row_is(row, &kVTCoreCompressionPropertyKey_ThreadCount)) {
        if (s->ext_thread_count_set) {
            *out = CFNumberCreate(NULL, kCFNumberSInt32Type, &s->ext_thread_count);
            return *out ? noErr : kVTAllocationFailedErr;
        }
        return noErr;
    }
    const char *v = row_is(row, &kVTCoreCompressionPropertyKey_X264Preset) ? s->ext_x264_preset
                    : row_is(row, &kVTCoreCompressionPropertyKey_X264Tune) ? s->ext_x264_tune
                                                                           : "";
    if (!v[0])
        return noErr;
    *out = CFStringCreateWithCString(NULL, v, kCFStringEncodingUTF8);
    return *out ? noErr : kVTAllocationFailedErr;
}

static OSStatus cs_will_set(VTSessionBase *base, const VTPropertySpec *row, CFTypeRef value) {
    CS *s = (CS *)base;
    int32_t v;
    if (row_is_extension(row)) {
        store_extension(s, row, value);
        return noErr;
    }
    if (row_is(row, &kVTCompressionPropertyKey_MultiPassStorage) &&
        __atomic_load_n(&s->pass_active, __ATOMIC_ACQUIRE)) {
        vt_debug("VTCompressionSession: MultiPassStorage cannot change during a pass");
        return kVTParameterErr;
    }
    if (!value)
        return noErr;
    if (row_is(row, &kVTCompressionPropertyKey_ProfileLevel) &&
        vt_cs_enum_lookup(row->enums, value, &v) &&
        (s->codec_type == VT_ENC_CODEC_HEVC) !=
            VT_PROFILE_IS_HEVC((VTH264Profile)VT_CS_PROFILE_OF(v))) {
        /* a value of the other codec is an invalid value for this session */
        vt_debug("VTCompressionSession: ProfileLevel of another codec");
        return kVTParameterErr;
    }
    if (row_is(row, &kVTCompressionPropertyKey_H264EntropyMode) &&
        s->codec_type == VT_ENC_CODEC_HEVC)
        return kVTPropertyNotSupportedErr;
    if (row_is(row, &kVTCompressionPropertyKey_ProfileLevel) &&
        vt_cs_enum_lookup(row->enums, value, &v) && VT_CS_LEVEL_OF(v) > 0) {
        const VTH264LevelLimits *lim = vt_h264_level_limits(VT_CS_LEVEL_OF(v));
        if (!lim || !size_fits_level(s->width, s->height, lim)) {
            vt_warn("VTCompressionSession: %dx%d does not fit level %d.%d", s->width, s->height,
                    VT_CS_LEVEL_OF(v) / 10, VT_CS_LEVEL_OF(v) % 10);
            return kVTParameterErr;
        }
    }
    if (row_is(row, &kVTCompressionPropertyKey_MinAllowedFrameQP) && vt_cf_get_int32(value, &v) &&
        s->config.max_qp.set && v > s->config.max_qp.value)
        return kVTParameterErr;
    if (row_is(row, &kVTCompressionPropertyKey_MaxAllowedFrameQP) && vt_cf_get_int32(value, &v) &&
        s->config.min_qp.set && v < s->config.min_qp.value)
        return kVTParameterErr;
    return noErr;
}

/* The rate-control modes exclude each other: a constant bit rate replaces
 * AverageBitRate / DataRateLimits and vice versa (the last one set wins). */
static OSStatus cs_did_set(VTSessionBase *base, const VTPropertySpec *row) {
    CS *s = (CS *)base;
    const VTCompressionConfig *c = &s->config;
    if (row_is(row, &kVTCompressionPropertyKey_ConstantBitRate) && c->constant_bit_rate > 0) {
        if (c->average_bit_rate)
            vt_session_set_property(base, kVTCompressionPropertyKey_AverageBitRate, NULL,
                                    VT_SESSION_SET_FORCE);
        if (c->data_rate_limits)
            vt_session_set_property(base, kVTCompressionPropertyKey_DataRateLimits, NULL,
                                    VT_SESSION_SET_FORCE);
    } else if (((row_is(row, &kVTCompressionPropertyKey_AverageBitRate) &&
                 c->average_bit_rate > 0) ||
                (row_is(row, &kVTCompressionPropertyKey_DataRateLimits) && c->data_rate_limits)) &&
               c->constant_bit_rate > 0) {
        vt_session_set_property(base, kVTCompressionPropertyKey_ConstantBitRate, NULL,
                                VT_SESSION_SET_FORCE);
    }
    return noErr;
}

OSStatus vt_cs_get_pending_frames(VTSessionBase *base, const VTPropertySpec *row, CFTypeRef *out) {
    CS *s = (CS *)base;
    (void)row;
    long n = __atomic_load_n(&s->pending, __ATOMIC_SEQ_CST);
    *out = vt_cf_number_int32((int32_t)n);
    return *out ? noErr : kVTAllocationFailedErr;
}

OSStatus vt_cs_get_using_hardware(VTSessionBase *base, const VTPropertySpec *row, CFTypeRef *out) {
    CS *s = (CS *)base;
    (void)row;
    *out = CFRetain(s->backend->hardware ? kCFBooleanTrue : kCFBooleanFalse);
    return noErr;
}

OSStatus vt_cs_get_encoder_id(VTSessionBase *base, const VTPropertySpec *row, CFTypeRef *out) {
    CS *s = (CS *)base;
    (void)row;
    *out = CFRetain(s->encoder_id);
    return noErr;
}

OSStatus vt_cs_get_pool_is_shared(VTSessionBase *base, const VTPropertySpec *row, CFTypeRef *out) {
    CS *s = (CS *)base;
    (void)row;
    *out = CFRetain(s->pool_shared ? kCFBooleanTrue : kCFBooleanFalse);
    return noErr;
}

OSStatus vt_cs_get_encoder_pixel_buffer_attributes(VTSessionBase *base, const VTPropertySpec *row,
                                                   CFTypeRef *out) {
    CS *s = (CS *)base;
    (void)row;
    *out = vt_cs_copy_native_attributes(s->backend->native_formats, s->width, s->height);
    return *out ? noErr : kVTAllocationFailedErr;
}

OSStatus vt_cs_get_allow_frame_reordering(VTSessionBase *base, const VTPropertySpec *row,
                                          CFTypeRef *out) {
    CS *s = (CS *)base;
    const VTCompressionConfig *c = &s->config;
    (void)row;
    VTH264Profile profile = c->profile_level.set
                                ? (VTH264Profile)VT_CS_PROFILE_OF(c->profile_level.value)
                                : VT_H264_PROFILE_AUTO;
    Boolean on =
        reorder_possible(s->backend, c->allow_frame_reordering, c->allow_temporal_compression,
                         profile, c->max_frame_delay_count, s->low_latency) &&
        !x264_options_forbid_reordering(s->backend, s->ext_x264_preset, s->ext_x264_tune);
    *out = CFRetain(on ? kCFBooleanTrue : kCFBooleanFalse);
    return noErr;
}

CFDictionaryRef vt_cs_copy_native_attributes(const uint32_t *native_formats, int32_t width,
                                             int32_t height) {
    CFMutableDictionaryRef d = vt_cf_dict_new();
    CFMutableArrayRef formats = CFArrayCreateMutable(NULL, 0, &kCFTypeArrayCallBacks);
    CFNumberRef w = vt_cf_number_int32(width), h = vt_cf_number_int32(height);
    Boolean ok = d && formats && w && h;
    CFIndex n = 0;
    for (const uint32_t *f = native_formats; ok && *f; f++, n++) {
        CFNumberRef num = vt_cf_number_int64((int64_t)*f);
        if (!num) {
            ok = FALSE;
            break;
        }
        CFArrayAppendValue(formats, num);
        CFRelease(num);
    }
    ok = ok && CFArrayGetCount(formats) == n &&
         dict_put(d, kCVPixelBufferPixelFormatTypeKey, formats) &&
         dict_put(d, kCVPixelBufferWidthKey, w) && dict_put(d, kCVPixelBufferHeightKey, h);
    if (formats)
        CFRelease(formats);
    if (w)
        CFRelease(w);
    if (h)
        CFRelease(h);
    if (!ok && d) {
        CFRelease(d);
        d = NULL;
    }
    return d;
}

/* ------------------------------------------------------------------ */
/* Creation                                                            */

/* The pool the client draws from: sourceImageBufferAttributes' pixel format
 * (the first native one of a list, else the first vtcore can convert) and
 * size, with their other attributes; the backend's preferred format and the
 * session size by default. */
static OSStatus create_pool(CS *s, CFDictionaryRef attrs) {
    uint32_t format = 0;
    int32_t pw = s->width, ph = s->height;
    if (attrs) {
        CFTypeRef v = vt_cf_dict_get(attrs, kCVPixelBufferPixelFormatTypeKey);
        uint32_t known = 0;
        int32_t one;
        if (vt_object_type_id(v) == VT_TYPE_ID_ARRAY) {
            CFIndex n = CFArrayGetCount(v);
            for (CFIndex i = 0; i < n && !format; i++) {
                if (!vt_cf_get_int32(CFArrayGetValueAtIndex(v, i), &one))
                    continue;
                if (format_is_native(s->backend, (uint32_t)one))
                    format = (uint32_t)one;
                else if (!known && vt_convert_format_supported(vt_pixel_format_lookup((OSType)one)))
                    known = (uint32_t)one;
            }
        } else if (vt_cf_get_int32(v, &one)) {
            if (format_is_native(s->backend, (uint32_t)one) ||
                vt_convert_format_supported(vt_pixel_format_lookup((OSType)one)))
                format = (uint32_t)one;
        }
        if (!format)
            format = known;
        if (v && !format)
            vt_warn("VTCompressionSession: unsupported source pixel format(s); the pool uses the "
                    "encoder's format");
        int32_t w, h;
        if (vt_cf_get_int32(vt_cf_dict_get(attrs, kCVPixelBufferWidthKey), &w) && w > 0 &&
            w <= CS_MAX_DIMENSION)
            pw = w;
        if (vt_cf_get_int32(vt_cf_dict_get(attrs, kCVPixelBufferHeightKey), &h) && h > 0 &&
            h <= CS_MAX_DIMENSION)
            ph = h;
    }
    if (!format)
        format = s->backend->native_formats[0];
    CVReturn r = vt_pixel_buffer_pool_create(format, (size_t)pw, (size_t)ph, attrs, &s->pool);
    if (r != kCVReturnSuccess) {
        vt_warn("VTCompressionSession: pool for the source attributes failed (%d)", (int)r);
        return r == kCVReturnAllocationFailed ? kVTAllocationFailedErr : kVTParameterErr;
    }
    s->pool_shared = format_is_native(s->backend, format) && pw == s->width && ph == s->height;
    s->frame_format = choose_target(s->backend, vt_pixel_format_lookup(format), 0);
    return noErr;
}

OSStatus vt_cs_check_even_size(const char *caller, int32_t width, int32_t height) {
    if (!((width | height) & 1))
        return noErr;
    vt_warn("%s: %dx%d refused: H.264 4:2:0 needs an even width and height (the stream can only "
            "be cropped in 2-pixel steps)",
            caller, (int)width, (int)height);
    return kVTParameterErr;
}

OSStatus VTCompressionSessionCreate(
    CFAllocatorRef allocator, int32_t width, int32_t height, CMVideoCodecType codecType,
    CFDictionaryRef encoderSpecification, CFDictionaryRef sourceImageBufferAttributes,
    CFAllocatorRef compressedDataAllocator, VTCompressionOutputCallback outputCallback,
    void *outputCallbackRefCon, VTCompressionSessionRef *compressionSessionOut) {
    (void)allocator;
    (void)compressedDataAllocator;
    VT_CHECK_ARG(compressionSessionOut != NULL, kVTParameterErr);
    *compressionSessionOut = NULL;
    if (width <= 0 || height <= 0 || width > CS_MAX_DIMENSION || height > CS_MAX_DIMENSION) {
        vt_debug("VTCompressionSessionCreate: invalid size %dx%d", width, height);
        return kVTParameterErr;
    }
    if ((encoderSpecification &&
         vt_object_type_id(encoderSpecification) != VT_TYPE_ID_DICTIONARY) ||
        (sourceImageBufferAttributes &&
         vt_object_type_id(sourceImageBufferAttributes) != VT_TYPE_ID_DICTIONARY))
        return kVTParameterErr;

    const VTEncoderBackend *be = NULL;
    Boolean low_latency = FALSE;
    OSStatus st =
        vt_cs_select_encoder((uint32_t)codecType, encoderSpecification, &be, &low_latency);
    if (st != noErr)
        return st;
    st = vt_cs_check_even_size("VTCompressionSessionCreate", width, height);
    if (st != noErr)
        return st;

    CS *s = vt_object_alloc(&vt_compression_session_class.base, sizeof(*s));
    if (!s)
        return kVTAllocationFailedErr;
    s->width = width;
    s->height = height;
    s->codec_type = (uint32_t)codecType;
    s->backend = be;
    s->callback = outputCallback;
    s->callback_refcon = outputCallbackRefCon;
    s->low_latency = low_latency;
    s->timescale = CS_DEFAULT_TIMESCALE;
    s->att_primaries = s->att_transfer = s->att_matrix = -1;
    s->inflight.next = s->inflight.prev = &s->inflight;

    pthread_mutexattr_t attr;
    Boolean locks = pthread_mutexattr_init(&attr) == 0;
    if (locks) {
        pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
        locks = pthread_mutex_init(&s->out_lock, &attr) == 0;
        pthread_mutexattr_destroy(&attr);
    }
    if (locks && pthread_mutex_init(&s->enc_lock, NULL) != 0) {
        pthread_mutex_destroy(&s->out_lock);
        locks = FALSE;
    }
    if (!locks) {
        CFRelease(s);
        return kVTAllocationFailedErr;
    }
    s->locks_ready = TRUE;

    st = vt_session_base_init(&s->base, &vt_compression_session_class, be->caps);
    if (st == noErr && encoderSpecification) {
        CFTypeRef dev =
            vt_cf_dict_get(encoderSpecification, kVTCoreVideoEncoderSpecification_VAAPIDevice);
        const char *path = dev ? vt_cfstring_cstr(dev) : NULL;
        if (path) {
            size_t n = strlen(path) + 1;
            s->device = vt_malloc(n);
            if (s->device)
                memcpy(s->device, path, n);
            else
                st = kVTAllocationFailedErr;
        }
    }
    if (st == noErr) {
        s->encoder_id = CFStringCreateWithCString(NULL, be->encoder_id, kCFStringEncodingUTF8);
        if (!s->encoder_id)
            st = kVTAllocationFailedErr;
    }
    if (st == noErr)
        st = create_pool(s, sourceImageBufferAttributes);
    if (st != noErr) {
        CFRelease(s);
        return st;
    }
    vt_debug("VTCompressionSessionCreate: %dx%d with %s", width, height, be->encoder_id);
    *compressionSessionOut = s;
    return noErr;
}

CFTypeID VTCompressionSessionGetTypeID(void) {
    return VT_TYPE_ID_COMPRESSION_SESSION;
}

/* ------------------------------------------------------------------ */
/* Multi-pass helpers (enc_lock held)                                  */

/* Whether pts lies in the time ranges requested for this pass (anywhere
 * when there are none). */
static Boolean cs_pass_accepts(const CS *s, CMTime pts) {
    if (s->pass_range_count == 0)
        return TRUE;
    for (CMItemCount i = 0; i < s->pass_range_count; i++) {
        if (CMTimeRangeContainsTime(s->pass_ranges[i], pts))
            return TRUE;
    }
    return FALSE;
}

/* Extends the extent of this pass by one accepted frame. */
static void cs_pass_note_frame(CS *s, CMTime pts, CMTime duration) {
    CMTime end = CMTIME_IS_NUMERIC(duration) && duration.value > 0
                     ? CMTimeAdd(pts, duration)
                     : CMTimeAdd(pts, CMTimeMake(1, pts.timescale));
    if (s->pass_frames++ == 0)
        s->pass_first_pts = pts;
    s->pass_end = end;
}

/* Leaves the running pass: the storage gets its result, timestamps restart. */
static void cs_pass_leave(CS *s, Boolean wrote_statistics) {
    vt_multipass_storage_end_pass(s->pass_storage, wrote_statistics);
    if (s->pass_frames > 0)
        vt_multipass_storage_set_time_range(
            s->pass_storage, CMTimeRangeFromTimeToTime(s->pass_first_pts, s->pass_end));
    CFRelease(s->pass_storage);
    s->pass_storage = NULL;
    s->pass_range_count = 0;
    s->have_last_pts = FALSE;
    s->have_last_dts = FALSE;
    s->derived_seq++;
    __atomic_store_n(&s->pass_active, FALSE, __ATOMIC_RELEASE);
}

/* ------------------------------------------------------------------ */
/* Invalidation and destruction                                        */

/* Stops the session: the encoder is closed (its pending frames come out as
 * dropped), every queued callback runs, later calls fail. Idempotent. */
static void invalidate(CS *s) {
    pthread_mutex_lock(&s->out_lock);
    pthread_mutex_lock(&s->enc_lock);
    Boolean was_closed = s->closed;
    s->closed = TRUE;
    if (!was_closed && s->enc) {
        s->backend->close(s->enc);
        s->enc = NULL;
    }
    if (s->pass_active)
        cs_pass_leave(s, FALSE); /* an unfinished pass leaves no statistics */
    /* A backend that lost frames: they still get their one callback. */
    while (s->inflight.next != &s->inflight) {
        CSFrame *f = s->inflight.next;
        inflight_unlink(f);
        f->status = noErr;
        f->info = kVTEncodeInfo_FrameDropped;
        queue_push(s, f);
    }
    pthread_mutex_unlock(&s->enc_lock);
    deliver(s, TRUE);
    if (!was_closed) {
        pthread_mutex_lock(&s->enc_lock);
        vt_convert_plan_destroy(s->plan);
        s->plan = NULL;
        if (s->conv_pool)
            CFRelease(s->conv_pool);
        s->conv_pool = NULL;
        if (s->format)
            CFRelease(s->format);
        s->format = NULL;
        if (s->extensions)
            CFRelease(s->extensions);
        s->extensions = NULL;
        pthread_mutex_unlock(&s->enc_lock);
        vt_session_base_invalidate(&s->base);
    }
    pthread_mutex_unlock(&s->out_lock);
}

void VTCompressionSessionInvalidate(VTCompressionSessionRef session) {
    CS *s = cs_from_ref(session);
    if (!s) {
        vt_debug("VTCompressionSessionInvalidate: not a compression session");
        return;
    }
    invalidate(s);
}

static void cs_finalize(CFTypeRef obj) {
    CS *s = (CS *)obj;
    if (s->locks_ready && s->base.lock_ready)
        invalidate(s); /* CFRelease without Invalidate */
    else if (s->enc)
        s->backend->close(s->enc);
    while (s->free_frames) {
        CSFrame *f = s->free_frames;
        s->free_frames = f->next;
        vt_free(f);
    }
    vt_convert_plan_destroy(s->plan);
    if (s->conv_pool)
        CFRelease(s->conv_pool);
    if (s->format)
        CFRelease(s->format);
    if (s->extensions)
        CFRelease(s->extensions);
    vt_free(s->format_sps);
    vt_free(s->format_pps);
    vt_free(s->device);
    if (s->pool)
        CFRelease(s->pool);
    if (s->encoder_id)
        CFRelease(s->encoder_id);
    if (s->locks_ready) {
        pthread_mutex_destroy(&s->enc_lock);
        pthread_mutex_destroy(&s->out_lock);
    }
    vt_session_base_finalize(&s->base);
}

/* ------------------------------------------------------------------ */
/* Entry points                                                        */

CVPixelBufferPoolRef VTCompressionSessionGetPixelBufferPool(VTCompressionSessionRef session) {
    CS *s = cs_from_ref(session);
    if (!s)
        return NULL;
    pthread_mutex_lock(&s->enc_lock);
    Boolean asked = FALSE;
    if (!s->closed && !s->pool_asked && s->pool_shared && s->backend->create_pool) {
        /* The backend may encode its own buffers without a copy (VA
         * surfaces): it needs its encoder instance for that. Asked once; any
         * refusal keeps the system-memory pool. */
        s->pool_asked = asked = TRUE;
        if (ensure_encoder(s) == noErr && s->enc) {
            size_t w = 0, h = 0;
            const VTPixelFormatInfo *fmt = vt_pixel_buffer_pool_format(s->pool);
            vt_pixel_buffer_pool_get_size(s->pool, &w, &h);
            CVPixelBufferPoolRef own = NULL;
            OSStatus st = fmt ? s->backend->create_pool(
                                    s->enc, fmt->fourcc, (int32_t)w, (int32_t)h,
                                    CVPixelBufferPoolGetPixelBufferAttributes(s->pool), &own)
                              : kVTPropertyNotSupportedErr;
            if (st == noErr && own) {
                CFRelease(s->pool);
                s->pool = own;
                vt_debug("VTCompressionSession: the pool's buffers belong to %s",
                         s->backend->encoder_id);
            } else if (own) {
                CFRelease(own);
            }
        }
    }
    CVPixelBufferPoolRef pool = s->closed ? NULL : s->pool;
    pthread_mutex_unlock(&s->enc_lock);
    if (asked)
        deliver(s, TRUE); /* opening the encoder may have drained it */
    return pool;
}

OSStatus VTCompressionSessionPrepareToEncodeFrames(VTCompressionSessionRef session) {
    CS *s = cs_from_ref(session);
    VT_CHECK_ARG(s != NULL, kVTParameterErr);
    pthread_mutex_lock(&s->enc_lock);
    OSStatus st = s->closed ? kVTInvalidSessionErr : ensure_encoder(s);
    pthread_mutex_unlock(&s->enc_lock);
    deliver(s, TRUE); /* a drain for new settings may have produced outputs */
    return st;
}

/* The backend timescale for a client timescale: a multiple of it, at least
 * 90000 ticks per second, so that decode times can always be placed between
 * frames (after a drain the reorder delay of B-frames needs sub-frame room
 * even when the client counts whole frames, e.g. timescale 30). */
static int32_t backend_timescale(int32_t client) {
    if (client <= 0)
        return CS_DEFAULT_TIMESCALE;
    int32_t m = (CS_DEFAULT_TIMESCALE + client - 1) / client;
    return client * (m > 1 ? m : 1);
}

/* Ticks of t in the backend timescale, rounded down. */
static int64_t to_ticks(CMTime t, int32_t timescale) {
    if (t.timescale == timescale)
        return t.value;
    return CMTimeConvertScale(t, timescale, kCMTimeRoundingMethod_RoundTowardNegativeInfinity)
        .value;
}

OSStatus VTCompressionSessionEncodeFrame(VTCompressionSessionRef session,
                                         CVImageBufferRef imageBuffer, CMTime presentationTimeStamp,
                                         CMTime duration, CFDictionaryRef frameProperties,
                                         void *sourceFrameRefcon, VTEncodeInfoFlags *infoFlagsOut) {
    if (infoFlagsOut)
        *infoFlagsOut = 0;
    CS *s = cs_from_ref(session);
    VT_CHECK_ARG(s != NULL, kVTParameterErr);

    pthread_mutex_lock(&s->enc_lock);
    OSStatus st = noErr;
    CVPixelBufferRef converted = NULL;
    CSFrame *fr = NULL;
    Boolean force = FALSE;
    if (s->closed) {
        st = kVTInvalidSessionErr;
        goto out;
    }
    if (!vt_is_pixel_buffer(imageBuffer) || !CMTIME_IS_NUMERIC(presentationTimeStamp) ||
        (CMTIME_IS_NUMERIC(duration) && duration.value < 0) || !s->callback ||
        (frameProperties && vt_object_type_id(frameProperties) != VT_TYPE_ID_DICTIONARY)) {
        vt_debug("VTCompressionSessionEncodeFrame: invalid argument");
        st = kVTParameterErr;
        goto out;
    }
    if (s->have_last_pts && CMTimeCompare(presentationTimeStamp, s->last_pts) <= 0) {
        vt_debug("VTCompressionSessionEncodeFrame: presentation time stamps must increase");
        st = kVTParameterErr;
        goto out;
    }
    if (s->pass_active && !cs_pass_accepts(s, presentationTimeStamp)) {
        vt_debug("VTCompressionSessionEncodeFrame: frame outside the time ranges of this pass");
        st = kVTParameterErr;
        goto out;
    }
    if (s->pass_active && s->pass_flushed && s->pass_frames > 0 && !s->pass_broken) {
        vt_warn("VTCompressionSession: frames after a drain inside a pass: no further pass");
        s->pass_broken = TRUE; /* statistics incomplete (see the top of the file) */
        s->derived_seq++;
    }
    if (frameProperties) {
        CFTypeRef v = vt_cf_dict_get(frameProperties, kVTEncodeFrameOptionKey_ForceKeyFrame);
        Boolean b;
        if (v && vt_cf_get_bool(v, &b))
            force = b;
    }

    if (!s->timescale_fixed) {
        int32_t ts = backend_timescale(presentationTimeStamp.timescale);
        s->timescale_fixed = TRUE;
        if (ts != s->timescale) {
            s->timescale = ts;
            s->derived_seq++;
        }
    }
    if (!s->seen_frame) {
        s->seen_frame = TRUE;
        read_first_attachments(s, imageBuffer);
    }

    VTEncoderFrame ef;
    memset(&ef, 0, sizeof(ef));
    st = prepare_input(s, imageBuffer, &ef, &converted);
    if (st == noErr)
        st = ensure_encoder(s);
    if (st == noErr && !(fr = frame_get(s)))
        st = kVTAllocationFailedErr;
    if (st != noErr)
        goto out;

    int64_t ticks = to_ticks(presentationTimeStamp, s->timescale);
    if (s->have_last_pts && ticks <= s->last_ticks)
        ticks = s->last_ticks + 1;
    ef.pts = ticks;
    ef.duration = CMTIME_IS_NUMERIC(duration) && duration.value > 0
                      ? CMTimeConvertScale(duration, s->timescale,
                                           kCMTimeRoundingMethod_RoundHalfAwayFromZero)
                            .value
                      : 0;
    ef.force_keyframe = force;
    ef.opaque = fr;
    fr->refcon = sourceFrameRefcon;
    fr->pts = presentationTimeStamp;
    fr->duration = duration;
    /* A converted source is not read again: holding it through the
     * encoder's delay would only pin memory (a BGRA source is 2.7x the
     * size of its 4:2:0 copy, and x264 holds dozens of frames). */
    fr->image = converted ? NULL : (CVImageBufferRef)CFRetain(imageBuffer);
    fr->converted = converted;
    converted = NULL;
    inflight_link(s, fr);

    /* A native buffer: read from device memory by the encoder (a buffer of
     * its own VA-surface pool: not mapped for the CPU at all), else mapped. */
    Boolean device_read =
        !fr->converted && s->backend->takes_buffer && s->backend->takes_buffer(s->enc, imageBuffer);
    if (!fr->converted && !device_read)
        wrap_buffer(imageBuffer, &ef);
    if (!device_read)
        CVPixelBufferLockBaseAddress(imageBuffer, kCVPixelBufferLock_ReadOnly);
    st = s->backend->encode(s->enc, &ef);
    if (!device_read)
        CVPixelBufferUnlockBaseAddress(imageBuffer, kCVPixelBufferLock_ReadOnly);
    if (st != noErr) {
        /* Not accepted: no output will come for it. */
        if (inflight_contains(s, fr))
            inflight_unlink(fr);
        frame_release_objects(fr);
        frame_put(s, fr);
        goto out;
    }
    /* A backend that copied the pixels (x264) never reads them again: the
     * source (or its converted copy, back to the pool) is released now
     * rather than after the encoder's delay. Only while the frame has no
     * output yet: once queued it belongs to deliver(). */
    if ((s->backend->caps & VT_CAP_COPIES_INPUT) && inflight_contains(s, fr)) {
        if (fr->image)
            CFRelease(fr->image);
        if (fr->converted)
            CFRelease(fr->converted);
        fr->image = NULL;
        fr->converted = NULL;
    }
    __atomic_add_fetch(&s->pending, 1, __ATOMIC_SEQ_CST);
    if (!s->have_last_pts)
        vt_session_set_started(&s->base, TRUE);
    s->have_last_pts = TRUE;
    s->last_pts = presentationTimeStamp;
    s->last_ticks = ticks;
    if (s->pass_active)
        cs_pass_note_frame(s, presentationTimeStamp, duration);

out:
    pthread_mutex_unlock(&s->enc_lock);
    if (converted)
        CFRelease(converted);
    deliver(s, FALSE);
    return st;
}

OSStatus VTCompressionSessionCompleteFrames(VTCompressionSessionRef session,
                                            CMTime completeUntilPresentationTimeStamp) {
    CS *s = cs_from_ref(session);
    VT_CHECK_ARG(s != NULL, kVTParameterErr);
    pthread_mutex_lock(&s->enc_lock);
    OSStatus st = noErr;
    if (s->closed) {
        st = kVTInvalidSessionErr;
    } else if (s->enc && s->inflight.next != &s->inflight) {
        /* The oldest pending frame has the smallest PTS: nothing to do when
         * even that one is after the requested time. Otherwise everything
         * is flushed (frames after the time may come out too). */
        Boolean needed =
            !CMTIME_IS_NUMERIC(completeUntilPresentationTimeStamp) ||
            CMTimeCompare(s->inflight.next->pts, completeUntilPresentationTimeStamp) <= 0;
        if (needed && s->pass_active)
            s->pass_flushed = TRUE;
        if (needed)
            st = s->backend->flush(s->enc);
    }
    pthread_mutex_unlock(&s->enc_lock);
    deliver(s, TRUE);
    return st;
}

/* ---- documented as unsupported ---- */

Boolean VTIsStereoMVHEVCEncodeSupported(void) {
    return FALSE;
}

OSStatus VTCompressionSessionEncodeMultiImageFrame(VTCompressionSessionRef session,
                                                   CMTaggedBufferGroupRef taggedBufferGroup,
                                                   CMTime presentationTimeStamp, CMTime duration,
                                                   CFDictionaryRef frameProperties,
                                                   void *sourceFrameRefcon,
                                                   VTEncodeInfoFlags *infoFlagsOut) {
    (void)taggedBufferGroup, (void)presentationTimeStamp, (void)duration, (void)frameProperties;
    (void)sourceFrameRefcon;
    if (infoFlagsOut)
        *infoFlagsOut = 0;
    CS *s = cs_from_ref(session);
    VT_CHECK_ARG(s != NULL, kVTParameterErr);
    pthread_mutex_lock(&s->enc_lock);
    Boolean closed = s->closed;
    pthread_mutex_unlock(&s->enc_lock);
    /* No multi-view (MV-HEVC) encoder exists in vtcore. */
    return closed ? kVTInvalidSessionErr : kVTCouldNotFindVideoEncoderErr;
}

/* ---- multi-pass (see the top of the file) ---- */

OSStatus VTCompressionSessionBeginPass(VTCompressionSessionRef session,
                                       VTCompressionSessionOptionFlags beginPassFlags,
                                       uint32_t *reserved) {
    (void)reserved;
    CS *s = cs_from_ref(session);
    VT_CHECK_ARG(s != NULL, kVTParameterErr);
    pthread_mutex_lock(&s->enc_lock);
    OSStatus st = noErr;
    VTMultiPassStorageRef storage = NULL;
    Boolean abr;
    int completed = 0;
    char identity[160];
    if (s->closed) {
        st = kVTInvalidSessionErr;
        goto out;
    }
    if (s->pass_active) {
        vt_debug("VTCompressionSessionBeginPass: a pass is already running");
        st = kVTParameterErr;
        goto out;
    }
    vt_session_lock(&s->base);
    if (s->config.multi_pass_storage)
        storage = (VTMultiPassStorageRef)CFRetain(s->config.multi_pass_storage);
    abr = s->config.average_bit_rate > 0 && s->config.constant_bit_rate == 0;
    vt_session_unlock(&s->base);
    if (!storage) {
        vt_debug("VTCompressionSessionBeginPass: kVTCompressionPropertyKey_MultiPassStorage "
                 "is not set");
        st = kVTParameterErr;
        goto out;
    }
    snprintf(identity, sizeof(identity), "%s %dx%d %08x", s->backend->encoder_id, (int)s->width,
             (int)s->height, (unsigned)s->codec_type);
    st = vt_multipass_storage_begin_pass(storage, identity, &completed);
    if (st != noErr) {
        CFRelease(storage);
        goto out;
    }
    /* Frames encoded before the pass are finished with their encoder. */
    if (s->enc) {
        (void)s->backend->flush(s->enc);
        s->backend->close(s->enc);
        s->enc = NULL;
    }
    VTMultiPassMode mode = VT_MULTIPASS_OFF;
    if ((s->backend->caps & VT_CAP_MULTIPASS) && abr) {
        if (completed == 0 && !(beginPassFlags & kVTCompressionSessionBeginFinalPass))
            mode = VT_MULTIPASS_ANALYSIS;
        else if (completed > 0 && vt_multipass_storage_has_statistics(storage))
            mode = VT_MULTIPASS_FINAL;
    }
    s->pass_storage = storage;
    s->pass_mode = mode;
    s->pass_flushed = FALSE;
    s->pass_broken = FALSE;
    s->pass_frames = 0;
    s->pass_range_count = s->next_range_count;
    memcpy(s->pass_ranges, s->next_ranges, sizeof(s->pass_ranges));
    s->next_range_count = 0;
    s->have_last_pts = FALSE; /* every pass starts its timestamps again */
    s->have_last_dts = FALSE;
    s->derived_seq++;
    __atomic_store_n(&s->pass_active, TRUE, __ATOMIC_RELEASE);
    vt_debug("VTCompressionSessionBeginPass: pass %d (%s)", completed + 1,
             mode == VT_MULTIPASS_ANALYSIS ? "analysis"
             : mode == VT_MULTIPASS_FINAL  ? "final, with statistics"
                                           : "single");
out:
    pthread_mutex_unlock(&s->enc_lock);
    deliver(s, TRUE);
    if (st == noErr)
        vt_session_set_started(&s->base, FALSE);
    return st;
}

OSStatus VTCompressionSessionEndPass(VTCompressionSessionRef session,
                                     Boolean *furtherPassesRequestedOut, uint32_t *reserved) {
    (void)reserved;
    if (furtherPassesRequestedOut)
        *furtherPassesRequestedOut = FALSE;
    CS *s = cs_from_ref(session);
    VT_CHECK_ARG(s != NULL, kVTParameterErr);
    pthread_mutex_lock(&s->enc_lock);
    OSStatus st = noErr;
    Boolean further = FALSE;
    if (s->closed) {
        st = kVTInvalidSessionErr;
        goto out;
    }
    if (!s->pass_active) {
        vt_debug("VTCompressionSessionEndPass: no pass was begun");
        st = kVTParameterErr;
        goto out;
    }
    /* Every frame of the pass comes out; closing the encoder completes the
     * statistics files. */
    if (s->enc) {
        st = s->backend->flush(s->enc);
        s->backend->close(s->enc);
        s->enc = NULL;
    }
    Boolean wrote = st == noErr && s->pass_mode == VT_MULTIPASS_ANALYSIS && !s->pass_broken &&
                    s->pass_frames > 0;
    /* NULL furtherPassesRequestedOut: the client ends with this pass. */
    further = wrote && furtherPassesRequestedOut != NULL;
    s->next_range_count = further ? 1 : 0;
    if (further)
        s->next_ranges[0] = CMTimeRangeFromTimeToTime(s->pass_first_pts, s->pass_end);
    cs_pass_leave(s, wrote);
out:
    pthread_mutex_unlock(&s->enc_lock);
    deliver(s, TRUE);
    if (st == noErr)
        vt_session_set_started(&s->base, FALSE);
    if (furtherPassesRequestedOut)
        *furtherPassesRequestedOut = further;
    return st;
}

OSStatus VTCompressionSessionGetTimeRangesForNextPass(VTCompressionSessionRef session,
                                                      CMItemCount *timeRangeCountOut,
                                                      const CMTimeRange **timeRangeArrayOut) {
    if (timeRangeCountOut)
        *timeRangeCountOut = 0;
    if (timeRangeArrayOut)
        *timeRangeArrayOut = NULL;
    CS *s = cs_from_ref(session);
    VT_CHECK_ARG(s != NULL && timeRangeCountOut != NULL && timeRangeArrayOut != NULL,
                 kVTParameterErr);
    pthread_mutex_lock(&s->enc_lock);
    OSStatus st = noErr;
    if (s->closed) {
        st = kVTInvalidSessionErr;
    } else if (s->next_range_count == 0) {
        vt_debug("VTCompressionSessionGetTimeRangesForNextPass: no further pass was requested");
        st = kVTParameterErr;
    } else {
        /* Owned by the session: valid until the next BeginPass/EndPass. */
        *timeRangeCountOut = s->next_range_count;
        *timeRangeArrayOut = s->next_ranges;
    }
    pthread_mutex_unlock(&s->enc_lock);
    return st;
}
