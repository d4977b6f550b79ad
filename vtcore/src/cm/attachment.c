/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * CMAttachmentBearer dispatch: sample buffers keep their own attachments,
 * CVBuffers forward to the CVBuffer attachment functions (same mode
 * values), anything else is not a bearer.
 */
#include "config.h"

#include <CoreMedia/CMAttachment.h>
#include <CoreVideo/CVBuffer.h>
#include <CoreVideo/CVPixelBuffer.h>

#include "cm/cm_internal.h"
#include "log.h"

enum bearer_kind { BEARER_NONE, BEARER_SAMPLE_BUFFER, BEARER_CV_BUFFER };

static enum bearer_kind bearer_kind(CMAttachmentBearerRef target) {
    if (!target)
        return BEARER_NONE;
    if (vt_cm_is_sample_buffer(target))
        return BEARER_SAMPLE_BUFFER;
    if (CFGetTypeID(target) == CVPixelBufferGetTypeID())
        return BEARER_CV_BUFFER;
    return BEARER_NONE;
}

static Boolean valid_mode(CMAttachmentMode mode) {
    return mode == kCMAttachmentMode_ShouldNotPropagate ||
           mode == kCMAttachmentMode_ShouldPropagate;
}

void CMSetAttachment(CMAttachmentBearerRef target, CFStringRef key, CFTypeRef value,
                     CMAttachmentMode attachmentMode) {
    if (!key || !value || !valid_mode(attachmentMode))
        return;
    switch (bearer_kind(target)) {
    case BEARER_SAMPLE_BUFFER:
        vt_cm_sbuf_set_attachment((CMSampleBufferRef)target, key, value, attachmentMode);
        break;
    case BEARER_CV_BUFFER:
        CVBufferSetAttachment((CVBufferRef)target, key, value, (CVAttachmentMode)attachmentMode);
        break;
    case BEARER_NONE:
        vt_debug("CMSetAttachment: %p is not an attachment bearer", target);
        break;
    }
}

CFTypeRef CMGetAttachment(CMAttachmentBearerRef target, CFStringRef key,
                          CMAttachmentMode *attachmentModeOut) {
    CVAttachmentMode cv_mode = kCVAttachmentMode_ShouldNotPropagate;
    CFTypeRef v;
    if (!key)
        return NULL;
    switch (bearer_kind(target)) {
    case BEARER_SAMPLE_BUFFER:
        return vt_cm_sbuf_get_attachment((CMSampleBufferRef)target, key, attachmentModeOut);
    case BEARER_CV_BUFFER:
        v = CVBufferGetAttachment((CVBufferRef)target, key, &cv_mode);
        if (v && attachmentModeOut)
            *attachmentModeOut = (CMAttachmentMode)cv_mode;
        return v;
    case BEARER_NONE:
        break;
    }
    return NULL;
}

void CMRemoveAttachment(CMAttachmentBearerRef target, CFStringRef key) {
    if (!key)
        return;
    switch (bearer_kind(target)) {
    case BEARER_SAMPLE_BUFFER:
        vt_cm_sbuf_remove_attachment((CMSampleBufferRef)target, key);
        break;
    case BEARER_CV_BUFFER:
        CVBufferRemoveAttachment((CVBufferRef)target, key);
        break;
    case BEARER_NONE:
        break;
    }
}

void CMRemoveAllAttachments(CMAttachmentBearerRef target) {
    switch (bearer_kind(target)) {
    case BEARER_SAMPLE_BUFFER:
        vt_cm_sbuf_remove_all_attachments((CMSampleBufferRef)target);
        break;
    case BEARER_CV_BUFFER:
        CVBufferRemoveAllAttachments((CVBufferRef)target);
        break;
    case BEARER_NONE:
        break;
    }
}

CFDictionaryRef CMCopyDictionaryOfAttachments(CFAllocatorRef allocator,
                                              CMAttachmentBearerRef target,
                                              CMAttachmentMode attachmentMode) {
    if (!valid_mode(attachmentMode))
        return NULL;
    switch (bearer_kind(target)) {
    case BEARER_SAMPLE_BUFFER:
        return vt_cm_sbuf_copy_attachments((CMSampleBufferRef)target, attachmentMode);
    case BEARER_CV_BUFFER:
        return CVBufferCopyAttachments((CVBufferRef)target, (CVAttachmentMode)attachmentMode);
    case BEARER_NONE:
        break;
    }
    return NULL;
}

typedef struct VTSetCtx {
    CMAttachmentBearerRef target;
    CMAttachmentMode mode;
} VTSetCtx;

static void set_one(const void *key, const void *value, void *ctx) {
    const VTSetCtx *c = ctx;
    if (key && value && CFGetTypeID(key) == CFStringGetTypeID())
        CMSetAttachment(c->target, key, value, c->mode);
}

void CMSetAttachments(CMAttachmentBearerRef target, CFDictionaryRef theAttachments,
                      CMAttachmentMode attachmentMode) {
    VTSetCtx c = {target, attachmentMode};
    if (!theAttachments || CFGetTypeID(theAttachments) != CFDictionaryGetTypeID() ||
        !valid_mode(attachmentMode) || bearer_kind(target) == BEARER_NONE)
        return;
    CFDictionaryApplyFunction(theAttachments, set_one, &c);
}

void CMPropagateAttachments(CMAttachmentBearerRef source, CMAttachmentBearerRef destination) {
    CFDictionaryRef d;
    if (source == destination || bearer_kind(destination) == BEARER_NONE)
        return;
    d = CMCopyDictionaryOfAttachments(NULL, source, kCMAttachmentMode_ShouldPropagate);
    if (!d)
        return;
    CMSetAttachments(destination, d, kCMAttachmentMode_ShouldPropagate);
    CFRelease(d);
}
