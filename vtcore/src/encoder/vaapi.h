/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Shared VA-API plumbing of the hardware encoder backends (vaapi.c): the one
 * VAStatus -> OSStatus mapping, render-node discovery and display set-up,
 * encoder capability queries, the rate-control mode table, parameter /
 * packed-header / misc buffer helpers, the codec-independent rate control
 * (VTVaapiRate), NV12 / P010 upload and coded-buffer readout; the shared
 * display and the VA-surface CVPixelBufferPool (vaapi_pool.c). The codec parts
 * (vaapi_h264.c, vaapi_hevc.c) build on these. Only vaapi*.c (and tests)
 * include <va/va.h>.
 *
 * Device selection, in order: the device the session names (encoder
 * specification, see VTEncoderConfig), the VTCORE_VAAPI_DEVICE environment
 * variable, then /dev/dri/renderD128 .. renderD255 (the first one whose driver
 * offers what the caller needs).
 */
#ifndef VTCORE_ENCODER_VAAPI_H
#define VTCORE_ENCODER_VAAPI_H

#include <stddef.h>
#include <stdint.h>

#include <va/va.h>

#include "encoder/backend.h"

/* Environment variable naming the DRM render node (or a test substitute). */
#define VT_VAAPI_DEVICE_ENV "VTCORE_VAAPI_DEVICE"

/* The one VAStatus -> OSStatus mapping. Logs "<what>: <vaErrorStr> (0x..)" as
 * an error, or at debug level when quiet (probing). VA_STATUS_SUCCESS ->
 * noErr; allocation failures -> kVTAllocationFailedErr; unsupported
 * profile/entrypoint/format/resolution/attribute -> kVTCouldNotFindVideoEncoderErr;
 * a busy device -> kVTVideoEncoderNotAvailableNowErr; anything else ->
 * kVTVideoEncoderMalfunctionErr. */
OSStatus vt_vaapi_status(VAStatus st, const char *what, Boolean quiet);

typedef struct VTVaapiDisplay {
    int fd;
    VADisplay dpy;
    char path[256];
} VTVaapiDisplay;

/* Returns TRUE when the opened display is usable for the caller. */
typedef Boolean (*VTVaapiAcceptFn)(VADisplay dpy, void *user);

/* Opens and initialises a display: `path` if not NULL, else the device named
 * by VTCORE_VAAPI_DEVICE, else the first render node that `accept` (may be
 * NULL) takes. Returns noErr, or kVTCouldNotFindVideoEncoderErr when there is
 * no (usable) device; logs only at debug level when quiet. */
OSStatus vt_vaapi_display_open(const char *path, VTVaapiAcceptFn accept, void *user, Boolean quiet,
                               VTVaapiDisplay *out);
/* vaTerminate + close; safe on a zeroed or already closed display. */
void vt_vaapi_display_close(VTVaapiDisplay *d);

/* What one (profile, entrypoint) of a driver offers for encoding. */
typedef struct VTVaapiEncCaps {
    VAProfile profile;
    VAEntrypoint entrypoint;
    uint32_t rc_modes;       /* VA_RC_* */
    uint32_t packed_headers; /* VA_ENC_PACKED_HEADER_* */
    uint32_t max_width, max_height;
    uint32_t max_refs_l0, max_refs_l1; /* 0 L1 = no B-frames */
    uint32_t quality_range;            /* 0 = no quality levels */
    uint32_t rt_formats;               /* VA_RT_FORMAT_YUV420 and/or _YUV420_10 */
    uint32_t
        hevc_features; /* VAConfigAttribValEncHEVCFeatures, VA_ATTRIB_NOT_SUPPORTED = unknown */
    uint32_t hevc_block_sizes; /* VAConfigAttribValEncHEVCBlockSizes, likewise */
} VTVaapiEncCaps;

/* Queries profile with VAEntrypointEncSlice (or EncSliceLP, first when
 * prefer_lp). Requires 4:2:0 surfaces (8-bit or 10-bit: see rt_formats). Returns noErr, or
 * kVTCouldNotFindVideoEncoderErr (logged at debug level). */
OSStatus vt_vaapi_query_enc_caps(VADisplay dpy, VAProfile profile, Boolean prefer_lp,
                                 VTVaapiEncCaps *caps);

/* Rate-control modes, in the order vtcore prefers them. */
typedef enum VTVaapiRC {
    VT_VAAPI_RC_CQP = 0,
    VT_VAAPI_RC_CBR,
    VT_VAAPI_RC_VBR,
    VT_VAAPI_RC_ICQ,
    VT_VAAPI_RC_QVBR,
    VT_VAAPI_RC_COUNT
} VTVaapiRC;

typedef struct VTVaapiRCMode {
    VTVaapiRC mode;
    const char *name;
    uint32_t va_mode;     /* VA_RC_* */
    uint8_t uses_bitrate; /* bits_per_second */
    uint8_t uses_maxrate; /* target_percentage < 100 */
    uint8_t uses_quality; /* QP, ICQ_quality_factor or quality_factor */
    uint8_t uses_hrd;     /* VAEncMiscParameterHRD */
} VTVaapiRCMode;

const VTVaapiRCMode *vt_vaapi_rc_mode(VTVaapiRC mode);

/* A list of buffers for one picture; destroyed after vaEndPicture. */
#define VT_VAAPI_MAX_PIC_BUFFERS 24
typedef struct VTVaapiBufList {
    VABufferID ids[VT_VAAPI_MAX_PIC_BUFFERS];
    int count;
} VTVaapiBufList;

/* Creates a buffer of `type` holding a copy of data and appends it. */
OSStatus vt_vaapi_add_buffer(VADisplay dpy, VAContextID ctx, VTVaapiBufList *list,
                             VABufferType type, const void *data, size_t size);
/* A VAEncMiscParameterBuffer of `type` followed by `size` bytes of data. */
OSStatus vt_vaapi_add_misc(VADisplay dpy, VAContextID ctx, VTVaapiBufList *list,
                           VAEncMiscParameterType type, const void *data, size_t size);
/* A packed header (parameters + data) of `bits` bits, emulation prevention
 * already applied. */
OSStatus vt_vaapi_add_packed(VADisplay dpy, VAContextID ctx, VTVaapiBufList *list, uint32_t type,
                             const uint8_t *data, size_t bits);
void vt_vaapi_destroy_buffers(VADisplay dpy, VTVaapiBufList *list);

/* The codec-independent rate-control state of a VA encoder (H.264, HEVC):
 * the mode and the values of its misc parameter buffers. */
typedef struct VTVaapiRate {
    VTVaapiRC rc;
    uint32_t bitrate, target_pct, hrd_size, hrd_init; /* bits/s, %, bits, bits */
    unsigned qp;                                      /* CQP (and the PPS's initial QP) */
    unsigned quality_factor;                          /* ICQ / QVBR */
    unsigned min_qp, max_qp;                          /* 0 = unset */
    unsigned quality_level;  /* VAEncMiscParameterBufferQualityLevel, 0 = none */
    uint32_t fr_num, fr_den; /* frame rate as a fraction */
    double fps;              /* ExpectedFrameRate, 30 when unknown */
} VTVaapiRate;

/* fps / fr_num / fr_den from cfg->expected_frame_rate (30 when unknown). */
void vt_vaapi_rate_set_fps(VTVaapiRate *r, double expected_frame_rate);
/* Chooses the rate-control mode and its values from cfg for a driver with
 * the VA_RC_* modes rc_modes (see vaapi_h264.c's header for the mapping);
 * blocks16 = 16x16 blocks per picture (the default bit rate of bitrate-only
 * drivers), low_delay halves the HRD buffer. r->fps must be set. Returns
 * noErr or kVTParameterErr when the driver lacks every mode that would fit. */
OSStatus vt_vaapi_rate_map(VTVaapiRate *r, const VTEncoderConfig *cfg, uint32_t rc_modes,
                           double blocks16, Boolean low_delay);
/* A live change (reconfigure): recomputes *r for cfg; a different mode (or
 * CQP with another QP) returns kVTPropertyNotSupportedErr and leaves *r. */
OSStatus vt_vaapi_rate_update(VTVaapiRate *r, const VTEncoderConfig *cfg, uint32_t rc_modes,
                              double blocks16, Boolean low_delay);
/* The driver quality level for cfg's speed hints (quality_range from the
 * caps; 0 = the driver has none). */
unsigned vt_vaapi_quality_level(const VTEncoderConfig *cfg, unsigned quality_range);
/* Rate control (non-CQP), HRD, frame rate and quality level misc buffers. */
OSStatus vt_vaapi_add_rate_params(VADisplay dpy, VAContextID ctx, VTVaapiBufList *list,
                                  const VTVaapiRate *r);

/* Copies a frame (NV12, I420 or P010, width x height) into an NV12 surface
 * (p010 false) or a P010 surface (p010 true) of enc_width x enc_height
 * (even), repeating the last column/row into the padding. 8-bit samples go
 * into P010 as v << 2 (the exact 8 -> 10 bit mapping, both ranges); P010
 * samples into NV12 rounded to 8 bits. Uses vaDeriveImage, or vaCreateImage
 * + vaPutImage when the driver cannot derive (then remembered in
 * *no_derive). Buffers of the backends' own pools skip this (see
 * vt_vaapi_pool_claim). */
OSStatus vt_vaapi_upload(VADisplay dpy, VASurfaceID surface, const VTEncoderFrame *frame,
                         int enc_width, int enc_height, Boolean p010, Boolean *no_derive);

/* Appends the coded buffer's segments to *buf (grown with vt_realloc) and
 * stores the byte count in *size. An overflowing segment is an error. */
OSStatus vt_vaapi_read_coded(VADisplay dpy, VABufferID coded, uint8_t **buf, size_t *cap,
                             size_t *size);

/* The VA objects of one encoder instance: its config, input and
 * reconstructed surfaces, context and coded buffer. */
#define VT_VAAPI_MAX_SURFACES 8
typedef struct VTVaapiPipe {
    VAConfigID config;
    VAContextID context;
    VABufferID coded;
    VASurfaceID in[VT_VAAPI_MAX_SURFACES], rec[VT_VAAPI_MAX_SURFACES];
    int n_in, n_rec;
    Boolean have_config, have_context, have_surfaces, have_coded;
} VTVaapiPipe;

/* Creates *p (zeroed first) for caps' profile and entrypoint with the rate
 * control mode va_rc_mode, packed sequence/picture/slice headers, n_in input
 * and n_rec reconstructed surfaces of width x height (NV12, or P010 when
 * p010) and a coded buffer of coded_size bytes. On failure what was created
 * stays recorded in *p for vt_vaapi_pipe_close. */
OSStatus vt_vaapi_pipe_open(VADisplay dpy, VTVaapiPipe *p, const VTVaapiEncCaps *caps,
                            uint32_t va_rc_mode, Boolean p010, int width, int height, int n_in,
                            int n_rec, size_t coded_size);
/* Destroys what *p holds (any state vt_vaapi_pipe_open left) and zeroes it. */
void vt_vaapi_pipe_close(VADisplay dpy, VTVaapiPipe *p);

/* Renders one picture: vaBeginPicture on `input`, the buffers of `list`,
 * vaEndPicture (always, so the context returns to idle), destroys the
 * buffers, waits for the surface and reads the coded data into *buf / *size
 * (as vt_vaapi_read_coded). The first failing step's status is returned. */
OSStatus vt_vaapi_encode_picture(VADisplay dpy, VAContextID ctx, VASurfaceID input,
                                 VTVaapiBufList *list, VABufferID coded, uint8_t **buf, size_t *cap,
                                 size_t *size);

/* ---- Shared displays and the VA-surface pool (vaapi_pool.c) ---- */

/* A display shared by an encoder context and the CVPixelBufferPools it
 * handed out (their surfaces belong to it): reference counted, closed with
 * the last reference. */
typedef struct VTVaapiDevice VTVaapiDevice;

/* Takes over an open display: *d stays usable as a copy of the handles but
 * must no longer be closed (the device closes it). NULL on allocation
 * failure (then *d is untouched and still owned by the caller). */
VTVaapiDevice *vt_vaapi_device_adopt(VTVaapiDisplay *d);
VTVaapiDevice *vt_vaapi_device_ref(VTVaapiDevice *dev);
void vt_vaapi_device_unref(VTVaapiDevice *dev); /* NULL-safe */
/* The device's display handles (owned by the device). */
const VTVaapiDisplay *vt_vaapi_device_display(const VTVaapiDevice *dev);

/* The create_pool hook of the backends: a pool of `format` (NV12 family for
 * p010 false, P010 family for p010 true) x width x height CVPixelBuffers
 * backed by enc_width x enc_height VA surfaces of dev (fourcc NV12 / P010),
 * mapped with vaDeriveImage + vaMapBuffer while the CPU uses them (see
 * vaapi_pool.c). Returns noErr (+1 pool), kVTPropertyNotSupportedErr when the
 * format does not match or the driver cannot derive images,
 * kVTAllocationFailedErr. */
OSStatus vt_vaapi_pool_create(VTVaapiDevice *dev, Boolean p010, int enc_width, int enc_height,
                              uint32_t format, int32_t width, int32_t height,
                              const void *attributes, struct __CVPixelBufferPool **pool);

/* Whether frame is a buffer of a pool of dev (mapped at planes[0]) with
 * surfaces of the given depth and size: then the CPU mapping is ended and
 * *surface is the surface to encode from (the session keeps the buffer, so
 * the surface is not reused before the frame's output). FALSE otherwise
 * (upload as usual). */
Boolean vt_vaapi_pool_claim(VTVaapiDevice *dev, const VTEncoderFrame *frame, Boolean p010,
                            int enc_width, int enc_height, VASurfaceID *surface);

/* The takes_buffer hook of the backends: TRUE when pixel_buffer is a buffer
 * of a pool of dev with surfaces of the given depth and size that is not
 * locked read-write; its CPU mapping (if any) is ended, so the encoder can
 * read vt_vaapi_pixel_buffer_surface() directly. */
Boolean vt_vaapi_pool_take(VTVaapiDevice *dev, const void *pixel_buffer, Boolean p010,
                           int enc_width, int enc_height);

/* The surface of a pool buffer (a CVPixelBufferRef), VA_INVALID_SURFACE for
 * any other buffer. For tests and diagnostics. */
VASurfaceID vt_vaapi_pixel_buffer_surface(const void *pixel_buffer);

/* The backends (also declared in backend.h's registry block). */
extern const VTEncoderBackend vt_vaapi_h264_backend;
extern const VTEncoderBackend vt_vaapi_hevc_backend;

/* Common checks of an encoder input frame: size, a format in `formats`
 * (NV12, I420 or P010 family), planes and strides. */
Boolean vt_vaapi_frame_valid(const VTEncoderFrame *f, int32_t width, int32_t height);
/* P010 fourccs ('x420', 'xf20'). */
Boolean vt_vaapi_format_is_p010(uint32_t fourcc);
Boolean vt_vaapi_format_is_full_range(uint32_t fourcc);

#endif /* VTCORE_ENCODER_VAAPI_H */
