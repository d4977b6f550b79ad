/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * vtcore's own extras beside the Apple-named API: version, logging hook,
 * status names, test hooks and extension keys. Functions start with vtcore_,
 * constants with kVTCore.
 */
#ifndef VTCORE_VTCORE_H
#define VTCORE_VTCORE_H

#include <stdarg.h>

#include <CoreFoundation/CFBase.h>
#include <vtcore/version.h>

CF_EXTERN_C_BEGIN

/* "0.1.0": the library's version at run time (compare VTCORE_VERSION_STRING). */
CF_EXPORT const char *vtcore_version(void);

/* Log levels, most severe first. */
enum {
    VTCORE_LOG_NONE = 0,
    VTCORE_LOG_ERROR = 1,
    VTCORE_LOG_WARNING = 2,
    VTCORE_LOG_INFO = 3,
    VTCORE_LOG_DEBUG = 4,
    VTCORE_LOG_TRACE = 5,
};

typedef void (*vtcore_log_callback)(void *user_data, int level, const char *fmt, va_list args);

/* Routes every vtcore message at or below max_level to cb (NULL restores the
 * default: stderr, level from the VTCORE_LOG environment variable, default
 * VTCORE_LOG_WARNING). Thread-safe; the callback may be called from any
 * thread, including encoder threads. */
CF_EXPORT void vtcore_set_log_callback(vtcore_log_callback cb, void *user_data, int max_level);

/* "kVTPropertyNotSupportedErr (-12900)" for every VT, CM, CV and CF status
 * vtcore can return; "unknown status (N)" otherwise. Never NULL; static. */
CF_EXPORT const char *vtcore_status_string(OSStatus status);
/* The bare constant name ("kVTPropertyNotSupportedErr"), or NULL if unknown. */
CF_EXPORT const char *vtcore_status_name(OSStatus status);

/* Test hook: make the n-th allocation from now (1 = the next one) fail, and
 * every allocation after it succeed again; 0 disables. Returns the number of
 * allocations made since the previous call. For fault-injection tests only. */
CF_EXPORT long vtcore_debug_fail_allocation_after(long n);

/* Encoder backend operations vtcore_debug_fail_encoder() can make fail, and
 * what the failure looks like to the client:
 *  OPEN    creating an encoder instance (every backend open, including the
 *          reopen after a drain): kVTCouldNotCreateInstanceErr from
 *          VTCompressionSessionPrepareToEncodeFrames / EncodeFrame;
 *  ENCODE  the encoder failing on a submitted frame: EncodeFrame returns
 *          kVTVideoEncoderMalfunctionErr for that frame, every frame still
 *          pending inside the encoder gets its one callback with that
 *          status, and the session's encoder refuses further frames
 *          (recreate the session, as after a real encoder failure);
 *  FLUSH   the encoder failing while draining (CompleteFrames): the pending
 *          frames' callbacks carry kVTVideoEncoderMalfunctionErr;
 *  RECONFIGURE  a running encoder refusing a live change of its settings
 *          (x264_encoder_reconfig failing): the EncodeFrame that applies the
 *          change returns kVTParameterErr with no callback for that frame;
 *          frames in flight are unaffected and the change is retried with
 *          the next frame. */
enum {
    VTCORE_FAULT_ENCODER_OPEN = 1,
    VTCORE_FAULT_ENCODER_ENCODE = 2,
    VTCORE_FAULT_ENCODER_FLUSH = 3,
    VTCORE_FAULT_ENCODER_RECONFIGURE = 4,
};

/* Test hook: make the nth `what` operation of any encoder backend from now
 * (1 = the next one) fail once; a negative nth makes the -nth one and every
 * later one fail; 0 disables. Returns the number of `what` operations since
 * the previous call for `what`, or -1 for an unknown `what`. The environment
 * variable VTCORE_FAULT_ENCODER (read once, at the first encoder operation
 * or call of this function) arms the same faults without code:
 * "open", "encode:5", "encode:5+" (the 5th and all later), "flush:2", "reconfigure",
 * several separated by commas. For fault-injection tests only. */
CF_EXPORT long vtcore_debug_fail_encoder(int what, long nth);

/* Encoder specification key (a vtcore extension, runtime value
 * "VTCoreVAAPIDevice"): CFString, the path of the DRM render node the VA-API
 * hardware encoders open (for example "/dev/dri/renderD129"). Without it:
 * the VTCORE_VAAPI_DEVICE environment variable, then the first usable
 * /dev/dri/renderD*. A value that is not a CFString makes
 * VTCompressionSessionCreate return kVTParameterErr; a device that cannot be
 * opened makes creating the encoder instance (PrepareToEncodeFrames or the
 * first EncodeFrame) fail with kVTCouldNotCreateInstanceErr. Software
 * encoders ignore it. */
CF_EXPORT const CFStringRef kVTCoreVideoEncoderSpecification_VAAPIDevice;

CF_EXTERN_C_END

#endif /* VTCORE_VTCORE_H */
