/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * CVBuffer: the attachment API shared by every CoreVideo buffer. In vtcore
 * every CVBuffer is a CVPixelBuffer (CFGetTypeID == CVPixelBufferGetTypeID()).
 *
 * Attachments are key/value pairs (CFString keys, any CFType values) stored on
 * the buffer in one of two modes: kCVAttachmentMode_ShouldPropagate ones are
 * copied to derived buffers by CVBufferPropagateAttachments (the compression
 * session also reads colour attachments of this mode), ShouldNotPropagate ones
 * stay on the buffer. A key is in at most one mode at a time: setting it in
 * one mode removes it from the other. All attachment functions are
 * thread-safe (a per-buffer mutex).
 *
 * Invalid arguments (NULL buffer, NULL key, an object that is not a CVBuffer)
 * are ignored by the void functions and yield NULL / FALSE otherwise; vtcore
 * never crashes on them.
 */
#ifndef VTCORE_CV_BUFFER_H
#define VTCORE_CV_BUFFER_H

#include <CoreFoundation/CoreFoundation.h>
#include <CoreVideo/CVBase.h>
#include <CoreVideo/CVReturn.h>

CF_EXTERN_C_BEGIN

typedef struct __CVBuffer *CVBufferRef;

typedef CF_ENUM(uint32_t, CVAttachmentMode) {
    kCVAttachmentMode_ShouldNotPropagate = 0,
    kCVAttachmentMode_ShouldPropagate = 1,
};

/* Pixel buffer attribute keys (CVPixelBufferCreate, pools): a CFDictionary
 * of attachments the new buffer starts with, in the respective mode. */
CV_EXPORT const CFStringRef kCVBufferPropagatedAttachmentsKey;    /* "PropagatedAttachments" */
CV_EXPORT const CFStringRef kCVBufferNonPropagatedAttachmentsKey; /* "NonPropagatedAttachments" */
/* Movie time attachment keys (accepted and stored like any other key). */
CV_EXPORT const CFStringRef kCVBufferMovieTimeKey; /* "QTMovieTime" */
CV_EXPORT const CFStringRef kCVBufferTimeValueKey; /* "TimeValue" */
CV_EXPORT const CFStringRef kCVBufferTimeScaleKey; /* "TimeScale" */

/* +1 on buffer; returns buffer. NULL-safe (returns NULL). */
CV_EXPORT CVBufferRef CVBufferRetain(CVBufferRef buffer);
/* -1 on buffer. NULL-safe (no-op). */
CV_EXPORT void CVBufferRelease(CVBufferRef buffer);

/* Stores value (retained) under key in attachmentMode, replacing a previous
 * value of that key in either mode. A NULL value removes the key. An
 * attachmentMode other than the two defined ones is ignored. */
CV_EXPORT void CVBufferSetAttachment(CVBufferRef buffer, CFStringRef key, CFTypeRef value,
                                     CVAttachmentMode attachmentMode);
/* The value of key (NOT retained: it stays valid only while the attachment is
 * not replaced or removed; prefer CVBufferCopyAttachment across threads), or
 * NULL. *attachmentMode (may be NULL) receives the mode when found. */
CV_EXPORT CFTypeRef CVBufferGetAttachment(CVBufferRef buffer, CFStringRef key,
                                          CVAttachmentMode *attachmentMode);
/* Like CVBufferGetAttachment but returns a +1 reference (release it), or NULL. */
CV_EXPORT CFTypeRef CVBufferCopyAttachment(CVBufferRef buffer, CFStringRef key,
                                           CVAttachmentMode *attachmentMode);
/* TRUE when key is attached in either mode. */
CV_EXPORT Boolean CVBufferHasAttachment(CVBufferRef buffer, CFStringRef key);
CV_EXPORT void CVBufferRemoveAttachment(CVBufferRef buffer, CFStringRef key);
CV_EXPORT void CVBufferRemoveAllAttachments(CVBufferRef buffer);
/* All attachments of one mode (NOT retained; the buffer's own dictionary,
 * empty when there are none; NULL for an invalid mode or buffer). Deprecated
 * by Apple: it must not be read while another thread changes attachments. */
CV_EXPORT CFDictionaryRef CVBufferGetAttachments(CVBufferRef buffer,
                                                 CVAttachmentMode attachmentMode);
/* A +1 snapshot of the attachments of one mode, or NULL when there are none
 * (or for an invalid mode or buffer). */
CV_EXPORT CFDictionaryRef CVBufferCopyAttachments(CVBufferRef buffer,
                                                  CVAttachmentMode attachmentMode);
/* Sets every entry of theAttachments (keys must be CFStrings; others are
 * skipped) in attachmentMode. */
CV_EXPORT void CVBufferSetAttachments(CVBufferRef buffer, CFDictionaryRef theAttachments,
                                      CVAttachmentMode attachmentMode);
/* Copies the ShouldPropagate attachments of sourceBuffer onto
 * destinationBuffer (ShouldPropagate there too). Non-propagating attachments
 * are not copied. Passing the same buffer twice is a no-op. */
CV_EXPORT void CVBufferPropagateAttachments(CVBufferRef sourceBuffer,
                                            CVBufferRef destinationBuffer);

CF_EXTERN_C_END

#endif /* VTCORE_CV_BUFFER_H */
