/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The encoder backend layer: one vtable (VTEncoderBackend) per encoder
 * implementation (x264 today, VA-API later), a plain C configuration struct
 * holding the VideoToolbox compression knobs (VTEncoderConfig), the raw input
 * frame (VTEncoderFrame) and the encoded output (VTEncodedFrame).
 *
 * Nothing here knows about CF/CM/CV objects: the compression session turns
 * properties into a VTEncoderConfig, CVPixelBuffers into VTEncoderFrames and
 * VTEncodedFrames into CMSampleBuffers.
 *
 * Calling contract (every backend):
 *  - A backend context is NOT thread-safe. The session serialises open,
 *    encode, reconfigure, flush, pending and close on one context (its lock).
 *  - The output callback runs synchronously on the calling thread, from
 *    inside encode(), flush() or close(). It must not call back into the same
 *    context. Everything a VTEncodedFrame points to is valid only during the
 *    callback (copy what you keep).
 *  - encode() returning noErr means the frame was accepted: exactly one
 *    output with its opaque pointer follows (during this or a later encode(),
 *    flush() or close()), with status noErr, an error status, or
 *    kVTEncodeInfo_FrameDropped in info_flags. encode() returning an error
 *    means the frame was not accepted and no output for it will ever come.
 *  - Outputs come in decode order.
 */
#ifndef VTCORE_ENCODER_BACKEND_H
#define VTCORE_ENCODER_BACKEND_H

#include "config.h"

#include <stddef.h>
#include <stdint.h>

#include <CoreFoundation/CFBase.h>
#include <VideoToolbox/VTErrors.h>
#include <vtcore/vtcore.h>

/* Status codes (kVT*Err) and kVTEncodeInfo_FrameDropped come from
 * <VideoToolbox/VTErrors.h> with Apple's values. */

/* Codec and pixel-format fourccs the backends deal in (hex, no multichar). */
#define VT_ENC_CODEC_H264     0x61766331u /* 'avc1' kCMVideoCodecType_H264 */
#define VT_ENC_CODEC_HEVC     0x68766331u /* 'hvc1' kCMVideoCodecType_HEVC */
#define VT_ENC_FORMAT_I420    0x79343230u /* 'y420' kCVPixelFormatType_420YpCbCr8Planar */
#define VT_ENC_FORMAT_I420_FR 0x66343230u /* 'f420' ..._420YpCbCr8PlanarFullRange */
#define VT_ENC_FORMAT_NV12    0x34323076u /* '420v' ..._420YpCbCr8BiPlanarVideoRange */
#define VT_ENC_FORMAT_NV12_FR 0x34323066u /* '420f' ..._420YpCbCr8BiPlanarFullRange */
#define VT_ENC_FORMAT_P010    0x78343230u /* 'x420' ..._420YpCbCr10BiPlanarVideoRange */
#define VT_ENC_FORMAT_P010_FR 0x78663230u /* 'xf20' ..._420YpCbCr10BiPlanarFullRange */

/* Backend capabilities (VTEncoderBackend.caps). The session rejects
 * properties needing a capability the selected backend lacks with
 * kVTPropertyNotSupportedErr. */
enum {
    VT_CAP_BFRAMES = 1u << 0,       /* AllowFrameReordering=true yields B-frames */
    VT_CAP_CBR = 1u << 1,           /* ConstantBitRate */
    VT_CAP_CRF = 1u << 2,           /* Quality (constant quality) */
    VT_CAP_LOSSLESS = 1u << 3,      /* Quality = 1.0 is mathematically lossless */
    VT_CAP_RECONFIG = 1u << 4,      /* live bitrate/quality/keyint changes without drain */
    VT_CAP_MULTIPASS = 1u << 5,     /* multi-pass storage */
    VT_CAP_LOW_LATENCY = 1u << 6,   /* EnableLowLatencyRateControl, zero frame delay */
    VT_CAP_DATA_RATE = 1u << 7,     /* DataRateLimits (VBV) */
    VT_CAP_QP_RANGE = 1u << 8,      /* Min/MaxAllowedFrameQP */
    VT_CAP_SLICE_BYTES = 1u << 9,   /* MaxH264SliceBytes */
    VT_CAP_OPEN_GOP = 1u << 10,     /* AllowOpenGOP */
    VT_CAP_ODD_SIZE = 1u << 11,     /* odd width/height accepted (see x264.c) */
    VT_CAP_COPIES_INPUT = 1u << 12, /* encode() copies the frame's pixels: the
                                     * planes are not read after it returns */
};

/* H.264 profiles selectable through kVTCompressionPropertyKey_ProfileLevel. */
typedef enum VTH264Profile {
    VT_H264_PROFILE_AUTO = 0,             /* encoder's choice (no ProfileLevel set) */
    VT_H264_PROFILE_BASELINE,             /* profile_idc 66 */
    VT_H264_PROFILE_CONSTRAINED_BASELINE, /* 66, constraint_set0+1 */
    VT_H264_PROFILE_EXTENDED,             /* 88 */
    VT_H264_PROFILE_MAIN,                 /* 77 */
    VT_H264_PROFILE_HIGH,                 /* 100 */
    VT_H264_PROFILE_CONSTRAINED_HIGH,     /* 100, constraint_set4+5, no B-frames */
} VTH264Profile;

/* HEVC profiles (kVTProfileLevel_HEVC_*), carried in the same
 * VTEncoderConfig.profile field for VT_ENC_CODEC_HEVC sessions only (AUTO =
 * Main, or Main10 for 10-bit input). Outside the enum on purpose: the H.264
 * backends' switches stay exhaustive. */
#define VT_HEVC_PROFILE_MAIN   ((VTH264Profile)16) /* general_profile_idc 1 */
#define VT_HEVC_PROFILE_MAIN10 ((VTH264Profile)17) /* general_profile_idc 2 */

/* Whether p is one of the HEVC values of VTH264Profile. */
#define VT_PROFILE_IS_HEVC(p) ((p) == VT_HEVC_PROFILE_MAIN || (p) == VT_HEVC_PROFILE_MAIN10)

typedef enum VTEntropyMode {
    VT_ENTROPY_AUTO = 0, /* CABAC where the profile allows it */
    VT_ENTROPY_CAVLC,
    VT_ENTROPY_CABAC,
} VTEntropyMode;

/* Tri-state booleans (RealTime, PrioritizeEncodingSpeedOverQuality, ...):
 * VT_UNSET (-1) = property not set / NULL, 0 = false, 1 = true. */
#define VT_UNSET (-1)

/* Role of an encoder instance in a multi-pass encode
 * (VTCompressionSessionBeginPass with kVTCompressionPropertyKey_MultiPassStorage;
 * needs VT_CAP_MULTIPASS). The statistics live in files at
 * VTEncoderConfig.multipass_stats_path (see vt/multipass_internal.h for the
 * companion files a backend may add); they are complete once the instance
 * has been flushed and closed. */
typedef enum VTMultiPassMode {
    VT_MULTIPASS_OFF = 0,  /* an ordinary single pass */
    VT_MULTIPASS_ANALYSIS, /* first pass: encode and write the statistics */
    VT_MULTIPASS_FINAL,    /* later pass: encode using the statistics */
} VTMultiPassMode;

/* One kVTCompressionPropertyKey_DataRateLimits pair: at most `bytes` in any
 * window of `seconds` (decode time). */
typedef struct VTDataRateLimit {
    double bytes;
    double seconds;
} VTDataRateLimit;

#define VT_MAX_DATA_RATE_LIMITS 2

/* Sizes (terminating NUL included) of VTEncoderConfig.x264_preset and
 * x264_tune: longer values are refused when the property is set. */
#define VT_X264_PRESET_MAX 16
#define VT_X264_TUNE_MAX   64

/* Everything a backend needs to know to encode, as plain C values. Always
 * start from vt_encoder_config_init(); "unset" values are documented per
 * field. */
typedef struct VTEncoderConfig {
    /* --- picture --- */
    int32_t width, height; /* encoded size, 1..16384 */
    uint32_t codec_type;   /* VT_ENC_CODEC_H264 or VT_ENC_CODEC_HEVC */
    uint32_t pixel_format; /* fourcc of the frames the session will pass (a native
                              format of the backend); 0 = not known yet */
    int32_t timescale;     /* units per second of VTEncoderFrame.pts/duration and of
                              all output timestamps; > 0 (default 90000) */

    /* --- bitstream --- */
    VTH264Profile profile; /* default AUTO */
    int32_t level_idc;     /* 10*level (31 = 3.1); 0 = automatic */
    VTEntropyMode entropy; /* default AUTO */

    /* --- rate control --- */
    int64_t average_bit_rate;      /* bits/s, 0 = unset (AverageBitRate) */
    int64_t constant_bit_rate;     /* bits/s, 0 = unset (ConstantBitRate); excludes the
                                      two above/below */
    int32_t data_rate_limit_count; /* 0..2 */
    VTDataRateLimit data_rate_limits[VT_MAX_DATA_RATE_LIMITS];
    double quality;         /* 0.0..1.0, < 0 = unset (Quality) */
    int32_t min_qp, max_qp; /* Min/MaxAllowedFrameQP, < 0 = unset */

    /* --- frame dependency --- */
    int32_t max_keyframe_interval;         /* frames, 0 = encoder decides */
    double max_keyframe_interval_duration; /* seconds, 0 = no limit */
    Boolean allow_frame_reordering;        /* default true */
    Boolean allow_temporal_compression;    /* default true; false = every frame IDR */
    int8_t allow_open_gop;                 /* tri-state, unset = false for H.264 */
    int32_t reference_buffer_count;        /* 0 = encoder decides */

    /* --- latency / speed hints --- */
    int8_t realtime;                  /* tri-state (RealTime) */
    double expected_frame_rate;       /* fps, 0 = unknown */
    int32_t max_frame_delay_count;    /* -1 = unlimited (kVTUnlimitedFrameDelayCount) */
    int8_t prioritize_speed;          /* tri-state (PrioritizeEncodingSpeedOverQuality) */
    int8_t maximize_power_efficiency; /* tri-state */
    Boolean low_latency_rate_control; /* encoder specification EnableLowLatencyRateControl */
    int32_t max_slice_bytes;          /* MaxH264SliceBytes, 0 = no limit */
    int32_t threads;                  /* worker threads, 0 = automatic
                                         (kVTCoreCompressionPropertyKey_ThreadCount) */
    /* x264 backend only (others ignore them): the client's x264 preset name
     * and tune list (kVTCoreCompressionPropertyKey_X264Preset / _X264Tune),
     * "" = unset (vtcore chooses from the VideoToolbox properties). Plain
     * arrays so that configurations compare with memcmp. */
    char x264_preset[VT_X264_PRESET_MAX];
    char x264_tune[VT_X264_TUNE_MAX];

    /* --- VUI: colour and geometry --- */
    int16_t colour_primaries; /* H.273 code points, VT_UNSET = unspecified */
    int16_t transfer_characteristics;
    int16_t matrix_coefficients;
    int8_t full_range;             /* tri-state; unset = from pixel_format */
    int32_t sar_width, sar_height; /* pixel aspect ratio; 0 = unset (1:1) */
    /* Clean aperture (CleanAperture property). Informational: it belongs to the
     * output format description; backends do not crop the SPS with it. */
    Boolean has_clean_aperture;
    double clean_aperture_width, clean_aperture_height;
    double clean_aperture_h_offset, clean_aperture_v_offset;

    /* --- segments and totals --- */
    Boolean more_frames_before_start;
    Boolean more_frames_after_end;
    int64_t source_frame_count; /* 0 = unknown */
    double expected_duration;   /* seconds, 0 = unknown */

    /* --- multi-pass --- */
    VTMultiPassMode multipass; /* default OFF */
    /* Statistics file when multipass != OFF: owned by the session's
     * VTMultiPassStorage, valid while the encoder instance lives. */
    const char *multipass_stats_path;

    /* --- device --- */
    /* The device the encoder specification names (hardware backends; the
     * VA-API backends take a DRM render node path), NULL = automatic. Owned by
     * the session, valid while the encoder instance lives. */
    const char *device;
} VTEncoderConfig;

/* One raw input picture in a native format of the backend. */
typedef struct VTEncoderFrame {
    uint32_t pixel_format; /* fourcc, one of backend->native_formats */
    int32_t width, height; /* must equal the config's width/height */
    int plane_count;       /* 3 (I420) or 2 (NV12, P010: 16-bit little-endian samples) */
    const uint8_t *planes[3];
    size_t strides[3];      /* bytes per row of each plane */
    int64_t pts;            /* in config timescale, strictly increasing */
    int64_t duration;       /* in config timescale, <= 0 = unknown */
    Boolean force_keyframe; /* kVTEncodeFrameOptionKey_ForceKeyFrame */
    void *opaque;           /* returned untouched with this frame's output */
    /* The CVPixelBufferRef the frame comes from (identity, not retained;
     * the session holds it until the output), or NULL. When the context's
     * takes_buffer() accepted it, planes[] are NULL and strides 0: the
     * backend reads the buffer's device memory itself. */
    const void *pixel_buffer;
} VTEncoderFrame;

typedef enum VTFrameType {
    VT_FRAME_TYPE_UNKNOWN = 0,
    VT_FRAME_TYPE_I = 1,
    VT_FRAME_TYPE_P = 2,
    VT_FRAME_TYPE_B = 3,
} VTFrameType;

/* One encoded picture. Pointers are valid only during the callback. */
typedef struct VTEncodedFrame {
    OSStatus status;     /* noErr, or the error that hit this frame */
    uint32_t info_flags; /* kVTEncodeInfo_FrameDropped when no data follows */
    /* AVCC payload (HVCC for HEVC): NAL units each preceded by a 4-byte
     * big-endian length. Never contains VPS, SPS, PPS or access unit
     * delimiters; may contain SEI.
     * NULL/0 when status != noErr or the frame was dropped. */
    const uint8_t *data;
    size_t size;
    Boolean is_keyframe;  /* sync sample (IDR, or recovery point with open GOP) */
    Boolean is_reference; /* other frames may depend on this one */
    uint8_t frame_type;   /* VTFrameType */
    int64_t pts;          /* the input pts (config timescale) */
    int64_t dts;          /* strictly increasing in output order, dts <= pts;
                             may be negative at the start with B-frames */
    int64_t duration;     /* the input duration (<= 0 = unknown) */
    void *opaque;         /* VTEncoderFrame.opaque */
    /* Parameter sets describing this frame (NAL units without start code or
     * length, header byte included). Always set when data is set. */
    const uint8_t *sps;
    size_t sps_size;
    const uint8_t *pps;
    size_t pps_size;
    /* HEVC only: the VPS (NULL/0 for H.264). */
    const uint8_t *vps;
    size_t vps_size;
    Boolean parameter_sets_changed; /* differ from those of the previous output
                                       (true on the very first output) */
} VTEncodedFrame;

typedef struct VTEncoderCallbacks {
    void *user;
    void (*output)(void *user, const VTEncodedFrame *frame);
} VTEncoderCallbacks;

/* The pool type of create_pool (CoreVideo's CVPixelBufferPoolRef). */
struct __CVPixelBufferPool;

typedef struct VTEncoderBackend {
    const char *encoder_id;         /* reverse-DNS, kVTVideoEncoderList_EncoderID */
    const char *encoder_name;       /* kVTVideoEncoderList_EncoderName */
    const char *codec_name;         /* kVTVideoEncoderList_CodecName, "H.264" */
    uint32_t codec_type;            /* VT_ENC_CODEC_H264 */
    Boolean hardware;               /* kVTVideoEncoderList_IsHardwareAccelerated */
    uint32_t caps;                  /* VT_CAP_* */
    const uint32_t *native_formats; /* 0-terminated; preferred first */

    /* noErr if the backend can run on this machine; otherwise
     * kVTCouldNotFindVideoEncoderErr (or kVTVideoEncoderNotAvailableNowErr). */
    OSStatus (*probe)(void);
    /* Validate cfg, create an encoder and store its context in *ctx.
     * Returns noErr, kVTParameterErr (invalid or unsupported combination),
     * kVTAllocationFailedErr, kVTCouldNotCreateInstanceErr. On failure *ctx is
     * left NULL. cb is copied. */
    OSStatus (*open)(const VTEncoderConfig *cfg, const VTEncoderCallbacks *cb, void **ctx);
    /* Submit one frame (see the contract at the top). Returns noErr,
     * kVTParameterErr (wrong size/format, pts not increasing),
     * kVTAllocationFailedErr, kVTVideoEncoderMalfunctionErr (the encoder
     * failed; every pending frame has been emitted with that status and the
     * context refuses further frames). */
    OSStatus (*encode)(void *ctx, const VTEncoderFrame *frame);
    /* Apply a changed configuration to the running encoder without draining.
     * Live fields (x264): average_bit_rate, constant_bit_rate,
     * data_rate_limits, quality, expected_frame_rate,
     * max_keyframe_interval(_duration), source_frame_count,
     * expected_duration, clean aperture, more_frames_*. Any other difference,
     * or a change of rate-control mode (CRF <-> bitrate, VBV on <-> off),
     * returns kVTPropertyNotSupportedErr and leaves the encoder unchanged
     * (the session may then flush, close and reopen). Before the first frame
     * and right after flush() every valid change is accepted. Also returns
     * kVTParameterErr (invalid cfg) or kVTVideoEncoderMalfunctionErr. May be
     * NULL when the backend lacks VT_CAP_RECONFIG. */
    OSStatus (*reconfigure)(void *ctx, const VTEncoderConfig *cfg);
    /* Emit every pending frame; the context stays usable afterwards (the next
     * frame starts with an IDR). Returns noErr or kVTVideoEncoderMalfunctionErr. */
    OSStatus (*flush)(void *ctx);
    /* Frames accepted but not yet emitted. */
    int (*pending)(void *ctx);
    /* Current SPS/PPS (as they will accompany the next output), for clients
     * that need them before the first frame. Pointers valid until the next
     * call on ctx. Returns noErr or kVTVideoEncoderMalfunctionErr. */
    OSStatus (*get_parameter_sets)(void *ctx, const uint8_t **sps, size_t *sps_size,
                                   const uint8_t **pps, size_t *pps_size);
    /* Destroy. Frames still pending are emitted as dropped
     * (kVTEncodeInfo_FrameDropped, no data) so their opaque pointers can be
     * released. NULL is allowed. */
    void (*close)(void *ctx);
    /* Optional (NULL = the session's system-memory pool). A
     * CVPixelBufferPool of `format` x width x height buffers that the open
     * context `ctx` encodes without copying (the VA-API backends: buffers
     * backed by VA surfaces of its display). `attributes` (a
     * CFDictionaryRef, may be NULL) are the pixel buffer attributes of the
     * session's pool (their attachments apply). The pool outlives ctx if the
     * client keeps it; buffers from it stay valid input for other contexts
     * (copied like any other buffer). Returns noErr and a +1 pool in *pool,
     * kVTPropertyNotSupportedErr when the device or the format does not
     * allow it (the session keeps its own pool), kVTAllocationFailedErr. */
    OSStatus (*create_pool)(void *ctx, uint32_t format, int32_t width, int32_t height,
                            const void *attributes, struct __CVPixelBufferPool **pool);
    /* Optional (NULL = never). TRUE when ctx's next encode() reads
     * `pixel_buffer` (a CVPixelBufferRef of a pool ctx made with
     * create_pool) from its device memory: the session then passes it
     * without mapping its planes for the CPU. Called under the session's
     * lock right before that encode(); may end the buffer's CPU mapping. */
    Boolean (*takes_buffer)(void *ctx, const void *pixel_buffer);
} VTEncoderBackend;

/* --- configuration helpers (backend.c) --- */

/* Fill cfg with the defaults listed above. */
void vt_encoder_config_init(VTEncoderConfig *cfg);
/* Backend-independent checks: sizes, ranges, and the mutually exclusive
 * rate-control keys. Returns noErr or kVTParameterErr (logged). */
OSStatus vt_encoder_config_validate(const VTEncoderConfig *cfg);
/* Parse the runtime value of a kVTProfileLevel_H264_* constant ("H264_Main_3_1",
 * "H264_High_AutoLevel", ...). Returns noErr or kVTParameterErr (unknown or not
 * H.264). level_idc receives 0 for AutoLevel. */
OSStatus vt_encoder_h264_profile_level_parse(const char *name, VTH264Profile *profile,
                                             int32_t *level_idc);
/* "baseline", "main", ... for logs. */
const char *vt_encoder_h264_profile_name(VTH264Profile profile);
/* Whether fourcc is in the backend's 0-terminated native_formats list. */
Boolean vt_encoder_backend_accepts_format(const VTEncoderBackend *backend, uint32_t fourcc);

/* --- test-only fault injection (backend.c) --- */

/* TRUE when the operation `what` (VTCORE_FAULT_ENCODER_OPEN / _ENCODE /
 * _FLUSH / _RECONFIGURE of <vtcore/vtcore.h>) must fail now, as armed by
 * vtcore_debug_fail_encoder() or the VTCORE_FAULT_ENCODER environment
 * variable. Every backend calls it once per instance creation (OPEN), per
 * frame reaching the encoder (ENCODE) and per drain (FLUSH), and then fails
 * exactly as a real failure of that operation would: open returns
 * kVTCouldNotCreateInstanceErr; encode/flush report
 * kVTVideoEncoderMalfunctionErr (the contract of encode() and flush());
 * reconfigure (RECONFIGURE) returns kVTParameterErr.
 * Cheap (a few relaxed atomics) when nothing is armed. */
Boolean vt_encoder_fault_check(int what);

/* --- registry (backend.c) --- */

/* The best backend for codec_type:
 *  - encoder_id != NULL: exactly that encoder (its codec must match);
 *  - otherwise hardware backends first when allow_hw, then software;
 *  - require_hw admits hardware backends only (and implies allow_hw).
 * Only backends whose probe() succeeds are returned. Returns NULL and sets
 * *err (if err != NULL) to kVTCouldNotFindVideoEncoderErr, or to the failing
 * probe's status when the named encoder exists but is unavailable. */
const VTEncoderBackend *vt_encoder_backend_find(uint32_t codec_type, const char *encoder_id,
                                                Boolean allow_hw, Boolean require_hw,
                                                OSStatus *err);
/* Available backends (probe() == noErr) in preference order, for
 * VTCopyVideoEncoderList. Writes up to `capacity` pointers to out (out may be
 * NULL when capacity is 0) and returns the total number available. */
size_t vt_encoder_backend_list(const VTEncoderBackend **out, size_t capacity);
/* Every compiled-in backend (available or not), NULL-terminated. */
const VTEncoderBackend *const *vt_encoder_backend_all(void);

#if HAVE_VAAPI
extern const VTEncoderBackend vt_vaapi_h264_backend;
extern const VTEncoderBackend vt_vaapi_hevc_backend;
#endif
#if HAVE_X264
extern const VTEncoderBackend vt_x264_backend;

/* x264.c: whether x264 accepts `name` as a preset (one of x264_preset_names)
 * and `tune` as a tune list (names of x264_tune_names separated by ',', at
 * most one of the psy tunes, as x264_param_default_preset checks). The
 * session validates kVTCoreCompressionPropertyKey_X264Preset / _X264Tune with
 * them when they are set, so x264's headers stay inside x264.c. NULL and ""
 * are not valid. */
Boolean vt_x264_preset_is_valid(const char *name);
Boolean vt_x264_tune_is_valid(const char *tune);
#endif

#endif /* VTCORE_ENCODER_BACKEND_H */
