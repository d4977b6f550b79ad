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

/* Compression session property keys (vtcore extensions, not in Apple's
 * VideoToolbox). They exist so that a VTCompressionSession can be given
 * exactly the x264 settings another x264 client (x264enc, ffmpeg) uses.
 * Listed by VTSessionCopySupportedPropertyDictionary for every encoder;
 * VTSessionCopyProperty returns the value set (+1), or NULL while unset.
 * Setting NULL restores the default. Values set before the first frame are
 * used when the encoder opens; a change after the first frame is applied at
 * the next frame by draining the encoder and opening a new instance (the
 * next frame is a key frame), as for every non-live VideoToolbox property.
 * VTSessionSetProperty returns noErr, kVTParameterErr (wrong type or value),
 * kVTInvalidSessionErr. */

/* "vtcore.ThreadCount": CFNumber, encoder worker threads, 0..128; 0 (the
 * default) = automatic (x264: its own count for the machine). Hardware
 * (VA-API) encoders ignore it. */
CF_EXPORT const CFStringRef kVTCoreCompressionPropertyKey_ThreadCount;

/* "vtcore.X264Preset": CFString, an x264 preset name: "ultrafast",
 * "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower",
 * "veryslow" or "placebo" (x264's numeric aliases are refused). Replaces the
 * preset vtcore derives from RealTime / PrioritizeEncodingSpeedOverQuality /
 * MaximizePowerEfficiency; the other VideoToolbox properties (bit rate,
 * profile, entropy mode, frame reordering, ...) still apply on top, as x264
 * options applied after the preset. Unset (default): derived as before.
 * VA-API encoders ignore it. (In a vtcore built without x264 any
 * non-empty name of at most 15 bytes is accepted, and ignored.) */
CF_EXPORT const CFStringRef kVTCoreCompressionPropertyKey_X264Preset;

/* "vtcore.X264Tune": CFString, x264 tune names separated by commas
 * ("film", "animation", "grain", "stillimage", "psnr", "ssim",
 * "fastdecode", "zerolatency"; at most one of the first six, as x264
 * requires), at most 63 bytes, no spaces. "zerolatency" gives zero frame
 * delay, exactly as the VideoToolbox ways of asking for it (MaxFrameDelayCount
 * 0, RealTime with AllowFrameReordering false): x264's zerolatency tune,
 * constant-frame-rate input, 1 s of VBV buffer with AverageBitRate. When the
 * VideoToolbox properties ask for zero delay "zerolatency" is added to the
 * list. VA-API encoders ignore it. */
CF_EXPORT const CFStringRef kVTCoreCompressionPropertyKey_X264Tune;

CF_EXTERN_C_END

#endif /* VTCORE_VTCORE_H */
