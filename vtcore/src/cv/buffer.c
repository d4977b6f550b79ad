/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * CVBuffer: retain/release and attachments. Attachments live in two
 * dictionaries per buffer (one per CVAttachmentMode), created on first use
 * and guarded by the buffer's mutex. Nothing here calls out to client code
 * while holding the mutex except CFRelease of replaced values, which only
 * runs finalizers of vtcore objects.
 */
#include "config.h"

#include <CoreVideo/CVBuffer.h>

#include "cf/cf_internal.h"
#include "cv/cv_internal.h"
#include "log.h"

VT_DEFINE_CONST_STRING(kCVBufferPropagatedAttachmentsKey, "PropagatedAttachments");
VT_DEFINE_CONST_STRING(kCVBufferNonPropagatedAttachmentsKey, "NonPropagatedAttachments");
VT_DEFINE_CONST_STRING(kCVBufferMovieTimeKey, "QTMovieTime");
VT_DEFINE_CONST_STRING(kCVBufferTimeValueKey, "TimeValue");
VT_DEFINE_CONST_STRING(kCVBufferTimeScaleKey, "TimeScale");

static Boolean valid_mode(CVAttachmentMode mode) {
    return mode == kCVAttachmentMode_ShouldNotPropagate ||
           mode == kCVAttachmentMode_ShouldPropagate;
}

static Boolean valid_key(CFStringRef key) {
    return key != NULL && CFGetTypeID(key) == CFStringGetTypeID();
}

CVBufferRef CVBufferRetain(CVBufferRef buffer) {
    if (!buffer)
        return NULL;
    return (CVBufferRef)CFRetain(buffer);
}

void CVBufferRelease(CVBufferRef buffer) {
    if (buffer)
        CFRelease(buffer);
}

/* With buffer->lock held: the dictionary of `mode`, created when `create`. */
static CFMutableDictionaryRef attachments_locked(CVBufferRef buffer, CVAttachmentMode mode,
                                                 Boolean create) {
    if (!buffer->attachments[mode] && create)
        buffer->attachments[mode] = vt_cf_dict_new();
    return buffer->attachments[mode];
}

/* Sets or (value NULL) removes one attachment. FALSE on allocation failure. */
static Boolean set_attachment(CVBufferRef buffer, CFStringRef key, CFTypeRef value,
                              CVAttachmentMode mode) {
    CVAttachmentMode other = mode == kCVAttachmentMode_ShouldPropagate
                                 ? kCVAttachmentMode_ShouldNotPropagate
                                 : kCVAttachmentMode_ShouldPropagate;
    CFMutableDictionaryRef dict;
    Boolean ok = TRUE;

    pthread_mutex_lock(&buffer->lock);
    if (buffer->attachments[other])
        CFDictionaryRemoveValue(buffer->attachments[other], key);
    if (value) {
        dict = attachments_locked(buffer, mode, TRUE);
        if (dict)
            CFDictionarySetValue(dict, key, value);
        else
            ok = FALSE;
    } else if (buffer->attachments[mode]) {
        CFDictionaryRemoveValue(buffer->attachments[mode], key);
    }
    pthread_mutex_unlock(&buffer->lock);
    if (!ok)
        vt_error("CVBufferSetAttachment: out of memory");
    return ok;
}

void CVBufferSetAttachment(CVBufferRef buffer, CFStringRef key, CFTypeRef value,
                           CVAttachmentMode attachmentMode) {
    if (!vt_is_pixel_buffer(buffer) || !valid_key(key) || !valid_mode(attachmentMode)) {
        vt_debug("CVBufferSetAttachment: invalid argument");
        return;
    }
    set_attachment(buffer, key, value, attachmentMode);
}

/* Looks key up in both modes with the lock held; retains the value when
 * `retain`. */
static CFTypeRef lookup_attachment(CVBufferRef buffer, CFStringRef key, CVAttachmentMode *mode_out,
                                   Boolean retain) {
    CFTypeRef value = NULL;
    int mode;

    if (!vt_is_pixel_buffer(buffer) || !valid_key(key))
        return NULL;
    pthread_mutex_lock(&buffer->lock);
    for (mode = kCVAttachmentMode_ShouldPropagate; mode >= 0; mode--) {
        if (buffer->attachments[mode]) {
            value = CFDictionaryGetValue(buffer->attachments[mode], key);
            if (value) {
                if (mode_out)
                    *mode_out = (CVAttachmentMode)mode;
                if (retain)
                    CFRetain(value);
                break;
            }
        }
    }
    pthread_mutex_unlock(&buffer->lock);
    return value;
}

CFTypeRef CVBufferGetAttachment(CVBufferRef buffer, CFStringRef key,
                                CVAttachmentMode *attachmentMode) {
    return lookup_attachment(buffer, key, attachmentMode, FALSE);
}

CFTypeRef CVBufferCopyAttachment(CVBufferRef buffer, CFStringRef key,
                                 CVAttachmentMode *attachmentMode) {
    return lookup_attachment(buffer, key, attachmentMode, TRUE);
}

Boolean CVBufferHasAttachment(CVBufferRef buffer, CFStringRef key) {
    return lookup_attachment(buffer, key, NULL, FALSE) != NULL;
}

void CVBufferRemoveAttachment(CVBufferRef buffer, CFStringRef key) {
    if (!vt_is_pixel_buffer(buffer) || !valid_key(key)) {
        vt_debug("CVBufferRemoveAttachment: invalid argument");
        return;
    }
    /* Removing from ShouldPropagate also removes from the other mode. */
    set_attachment(buffer, key, NULL, kCVAttachmentMode_ShouldPropagate);
}

void CVBufferRemoveAllAttachments(CVBufferRef buffer) {
    CFMutableDictionaryRef old[2];
    int mode;

    if (!vt_is_pixel_buffer(buffer)) {
        vt_debug("CVBufferRemoveAllAttachments: invalid argument");
        return;
    }
    pthread_mutex_lock(&buffer->lock);
    for (mode = 0; mode < 2; mode++) {
        old[mode] = buffer->attachments[mode];
        buffer->attachments[mode] = NULL;
    }
    pthread_mutex_unlock(&buffer->lock);
    /* Values are released outside the lock. */
    for (mode = 0; mode < 2; mode++) {
        if (old[mode])
            CFRelease(old[mode]);
    }
}

CFDictionaryRef CVBufferGetAttachments(CVBufferRef buffer, CVAttachmentMode attachmentMode) {
    CFDictionaryRef dict;

    if (!vt_is_pixel_buffer(buffer) || !valid_mode(attachmentMode))
        return NULL;
    pthread_mutex_lock(&buffer->lock);
    dict = attachments_locked(buffer, attachmentMode, TRUE);
    pthread_mutex_unlock(&buffer->lock);
    return dict;
}

CFDictionaryRef CVBufferCopyAttachments(CVBufferRef buffer, CVAttachmentMode attachmentMode) {
    CFDictionaryRef copy = NULL;
    CFMutableDictionaryRef dict;

    if (!vt_is_pixel_buffer(buffer) || !valid_mode(attachmentMode))
        return NULL;
    pthread_mutex_lock(&buffer->lock);
    dict = buffer->attachments[attachmentMode];
    if (dict && CFDictionaryGetCount(dict) > 0)
        copy = CFDictionaryCreateCopy(NULL, dict);
    pthread_mutex_unlock(&buffer->lock);
    return copy;
}

typedef struct SetAllContext {
    CVBufferRef buffer;
    CVAttachmentMode mode;
    Boolean ok;
} SetAllContext;

static void set_all_applier(const void *key, const void *value, void *context) {
    SetAllContext *ctx = context;
    if (!valid_key(key) || !value) {
        vt_debug("CVBufferSetAttachments: skipping an entry without a CFString key or value");
        return;
    }
    if (!set_attachment(ctx->buffer, key, value, ctx->mode))
        ctx->ok = FALSE;
}

/* Shared with pixel buffer creation: FALSE on allocation failure. */
static Boolean set_attachments(CVBufferRef buffer, CFDictionaryRef attachments,
                               CVAttachmentMode mode) {
    SetAllContext ctx = {buffer, mode, TRUE};
    CFDictionaryApplyFunction(attachments, set_all_applier, &ctx);
    return ctx.ok;
}

void CVBufferSetAttachments(CVBufferRef buffer, CFDictionaryRef theAttachments,
                            CVAttachmentMode attachmentMode) {
    if (!vt_is_pixel_buffer(buffer) || !valid_mode(attachmentMode) || !theAttachments ||
        CFGetTypeID(theAttachments) != CFDictionaryGetTypeID()) {
        vt_debug("CVBufferSetAttachments: invalid argument");
        return;
    }
    set_attachments(buffer, theAttachments, attachmentMode);
}

void CVBufferPropagateAttachments(CVBufferRef sourceBuffer, CVBufferRef destinationBuffer) {
    CFDictionaryRef snapshot;

    if (!vt_is_pixel_buffer(sourceBuffer) || !vt_is_pixel_buffer(destinationBuffer)) {
        vt_debug("CVBufferPropagateAttachments: invalid argument");
        return;
    }
    if (sourceBuffer == destinationBuffer)
        return;
    /* Snapshot under the source lock, then write under the destination lock:
     * never both locks at once, so two threads propagating in opposite
     * directions cannot deadlock. */
    snapshot = CVBufferCopyAttachments(sourceBuffer, kCVAttachmentMode_ShouldPropagate);
    if (!snapshot)
        return;
    set_attachments(destinationBuffer, snapshot, kCVAttachmentMode_ShouldPropagate);
    CFRelease(snapshot);
}

Boolean vt_pixel_buffer_apply_attribute_attachments(CVBufferRef pb, CFDictionaryRef attributes) {
    static const struct {
        const CFStringRef *key;
        CVAttachmentMode mode;
    } keys[] = {
        {&kCVBufferNonPropagatedAttachmentsKey, kCVAttachmentMode_ShouldNotPropagate},
        {&kCVBufferPropagatedAttachmentsKey, kCVAttachmentMode_ShouldPropagate},
    };
    size_t i;

    if (!attributes)
        return TRUE;
    for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        CFTypeRef dict = vt_cf_dict_get(attributes, *keys[i].key);
        if (!dict)
            continue;
        if (CFGetTypeID(dict) != CFDictionaryGetTypeID()) {
            vt_debug("pixel buffer attributes: attachments value is not a dictionary; ignored");
            continue;
        }
        if (!set_attachments(pb, dict, keys[i].mode))
            return FALSE;
    }
    return TRUE;
}
