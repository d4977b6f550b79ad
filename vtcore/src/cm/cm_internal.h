/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * CoreMedia internals shared with the rest of the library, mainly the
 * encoder backends: one-call creation of an H.264/HEVC format description
 * with extra extensions, and of a one-sample CMSampleBuffer around an
 * already-encoded (AVCC/HVCC) buffer, without copying it.
 */
#ifndef VTCORE_CM_INTERNAL_H
#define VTCORE_CM_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <CoreMedia/CMBase.h>
#include <CoreMedia/CMTime.h>
#include <CoreMedia/CMBlockBuffer.h>
#include <CoreMedia/CMFormatDescription.h>
#include <CoreMedia/CMSampleBuffer.h>
#include <CoreMedia/CMAttachment.h>

#include "runtime.h"

/* ---- CMTime ---- */

/* Valid, finite, not indefinite, timescale > 0. */
Boolean vt_cm_time_is_numeric(CMTime t);

/* "{1/30 = 0.033}" etc. into buf (always NUL-terminated). */
#define VT_CM_TIME_DESC_MAX 96
void vt_cm_time_format(CMTime time, char *buf, size_t size);

/* ---- CMBlockBuffer ---- */

/* A block buffer owning `data` (allocated with vt_malloc; released with
 * vt_free when the buffer dies). On failure `data` is freed too, so the
 * caller gives up ownership in every case. size must be > 0. Returns noErr,
 * kCMBlockBufferBadPointerParameterErr, kCMBlockBufferBadLengthParameterErr
 * or kCMBlockBufferStructureAllocationFailedErr. *out is +1. */
OSStatus vt_cm_block_buffer_create_owned(void *data, size_t size, CMBlockBufferRef *out);

/* ---- CMFormatDescription ---- */

/* Creates an 'avc1' ('hvc1' for HEVC) description from parameter sets, like
 * CMVideoFormatDescriptionCreateFromH264ParameterSets /
 * ...FromHEVCParameterSets, and adds `extra_extensions` (may be NULL; keyed by
 * kCMFormatDescriptionExtension_*: colour tags, PixelAspectRatio,
 * CleanAperture, FullRangeVideo, FieldCount, ...). Extra entries override
 * the values derived from the SPS VUI; a SampleDescriptionExtensionAtoms
 * entry is merged, the generated avcC/hvcC record winning. Same errors as
 * the public functions. *out is +1. */
OSStatus vt_cm_video_format_create_h264(const uint8_t *const *sets, const size_t *sizes,
                                        size_t count, int nal_length_size,
                                        CFDictionaryRef extra_extensions,
                                        CMFormatDescriptionRef *out);
OSStatus vt_cm_video_format_create_hevc(const uint8_t *const *sets, const size_t *sizes,
                                        size_t count, int nal_length_size,
                                        CFDictionaryRef extra_extensions,
                                        CMFormatDescriptionRef *out);

/* Atom names inside SampleDescriptionExtensionAtoms: "avcC", "hvcC". */
extern const CFStringRef vt_cm_atom_avcC;
extern const CFStringRef vt_cm_atom_hvcC;

/* ---- CMSampleBuffer ---- */

Boolean vt_cm_is_sample_buffer(CFTypeRef obj);

/* Buffer-level attachment storage of a sample buffer (CMAttachment.h goes
 * through these; sbuf must be a valid sample buffer, key non-NULL). */
void vt_cm_sbuf_set_attachment(CMSampleBufferRef sbuf, CFStringRef key, CFTypeRef value,
                               CMAttachmentMode mode);
CFTypeRef vt_cm_sbuf_get_attachment(CMSampleBufferRef sbuf, CFStringRef key,
                                    CMAttachmentMode *mode_out);
void vt_cm_sbuf_remove_attachment(CMSampleBufferRef sbuf, CFStringRef key);
void vt_cm_sbuf_remove_all_attachments(CMSampleBufferRef sbuf);
/* +1 copy of the attachments of one mode, NULL when there are none. */
CFDictionaryRef vt_cm_sbuf_copy_attachments(CMSampleBufferRef sbuf, CMAttachmentMode mode);

/* Per-sample flags of an encoded frame -> sample attachments:
 *   SYNC: IDR / key frame. NotSync absent, DependsOnOthers false.
 *   otherwise: NotSync true, DependsOnOthers true (false with INTRA).
 *   PARTIAL_SYNC: PartialSync true (recovery point, open-GOP I frame).
 *   DROPPABLE: IsDependedOnByOthers false (non-reference); else true.
 *   EARLIER_DISPLAY_TIMES_ALLOWED: EarlierDisplayTimesAllowed true. */
enum {
    VT_CM_SAMPLE_SYNC = 1 << 0,
    VT_CM_SAMPLE_INTRA = 1 << 1,
    VT_CM_SAMPLE_PARTIAL_SYNC = 1 << 2,
    VT_CM_SAMPLE_DROPPABLE = 1 << 3,
    VT_CM_SAMPLE_EARLIER_DISPLAY_TIMES_ALLOWED = 1 << 4,
};

/* A ready, one-sample CMSampleBuffer over `data` (vt_malloc'd, ownership
 * passes to the sample buffer in every case, freed on failure), with
 * `format`, timing {duration, pts, dts} (any may be kCMTimeInvalid), the
 * attachments from `flags`, and `extra_attachments` (may be NULL) copied into
 * the sample's attachment dictionary. Returns noErr or a
 * kCMSampleBufferError_* / kCMBlockBuffer* code. *out is +1. */
OSStatus vt_cm_sample_buffer_create_encoded(void *data, size_t size, CMFormatDescriptionRef format,
                                            CMTime pts, CMTime dts, CMTime duration, uint32_t flags,
                                            CFDictionaryRef extra_attachments,
                                            CMSampleBufferRef *out);

#endif /* VTCORE_CM_INTERNAL_H */
