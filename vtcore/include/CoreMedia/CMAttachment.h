/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * CMAttachmentBearer: key/value attachments on CoreMedia and CoreVideo
 * objects, each with a propagation mode. Written for vtcore from the
 * documented Apple API; names and values follow Apple.
 *
 * Bearers in vtcore: CMSampleBuffer (own storage) and CVBuffer /
 * CVPixelBuffer (the calls forward to CVBufferSetAttachment & co.). Other
 * objects are not bearers: setters do nothing, getters return NULL.
 */
#ifndef VTCORE_COREMEDIA_CMATTACHMENT_H
#define VTCORE_COREMEDIA_CMATTACHMENT_H

#include <CoreMedia/CMBase.h>

CF_EXTERN_C_BEGIN

typedef CFTypeRef CMAttachmentBearerRef;

typedef uint32_t CMAttachmentMode;
enum {
    kCMAttachmentMode_ShouldNotPropagate = 0,
    kCMAttachmentMode_ShouldPropagate = 1,
};

/* Sets (retaining the value) or replaces an attachment. A NULL target, key
 * or value does nothing. */
CM_EXPORT void CMSetAttachment(CMAttachmentBearerRef target, CFStringRef key, CFTypeRef value,
                               CMAttachmentMode attachmentMode);

/* The attachment (not retained) or NULL; *attachmentModeOut (may be NULL)
 * receives its mode when found. */
CM_EXPORT CFTypeRef CMGetAttachment(CMAttachmentBearerRef target, CFStringRef key,
                                    CMAttachmentMode *attachmentModeOut);

CM_EXPORT void CMRemoveAttachment(CMAttachmentBearerRef target, CFStringRef key);
CM_EXPORT void CMRemoveAllAttachments(CMAttachmentBearerRef target);

/* +1 copy of the attachments with the given mode, or NULL when there are
 * none (or target is not a bearer). */
CM_EXPORT CFDictionaryRef CMCopyDictionaryOfAttachments(CFAllocatorRef allocator,
                                                        CMAttachmentBearerRef target,
                                                        CMAttachmentMode attachmentMode);

/* Sets every entry of theAttachments with the given mode. */
CM_EXPORT void CMSetAttachments(CMAttachmentBearerRef target, CFDictionaryRef theAttachments,
                                CMAttachmentMode attachmentMode);

/* Copies source's ShouldPropagate attachments to destination (as
 * ShouldPropagate). */
CM_EXPORT void CMPropagateAttachments(CMAttachmentBearerRef source,
                                      CMAttachmentBearerRef destination);

CF_EXTERN_C_END

#endif /* VTCORE_COREMEDIA_CMATTACHMENT_H */
