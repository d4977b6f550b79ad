/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Shared VA-API plumbing of the hardware encoder backends (vaapi.c): the one
 * VAStatus -> OSStatus mapping, render-node discovery and display set-up,
 * encoder capability queries, the rate-control mode table, parameter /
 * packed-header / misc buffer helpers, NV12 upload and coded-buffer readout.
 * The codec parts (vaapi_h264.c) build on these. Only vaapi*.c include
 * <va/va.h>.
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
} VTVaapiEncCaps;

/* Queries profile with VAEntrypointEncSlice (or EncSliceLP, first when
 * prefer_lp). Requires 4:2:0 8-bit surfaces. Returns noErr, or
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

/* Copies a frame (NV12 or I420, width x height) into an NV12 surface of
 * enc_width x enc_height (even), repeating the last column/row into the
 * padding. Uses vaDeriveImage, or vaCreateImage + vaPutImage when the driver
 * cannot derive (then remembered in *no_derive). */
OSStatus vt_vaapi_upload(VADisplay dpy, VASurfaceID surface, const VTEncoderFrame *frame,
                         int enc_width, int enc_height, Boolean *no_derive);

/* Appends the coded buffer's segments to *buf (grown with vt_realloc) and
 * stores the byte count in *size. An overflowing segment is an error. */
OSStatus vt_vaapi_read_coded(VADisplay dpy, VABufferID coded, uint8_t **buf, size_t *cap,
                             size_t *size);

/* The backends (also declared in backend.h's registry block). */
extern const VTEncoderBackend vt_vaapi_h264_backend;

#endif /* VTCORE_ENCODER_VAAPI_H */
