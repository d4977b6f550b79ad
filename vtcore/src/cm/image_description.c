/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Video format descriptions of (and matched against) CVPixelBuffers.
 */
#include "config.h"

#include <CoreMedia/CMFormatDescription.h>
#include <CoreVideo/CVBuffer.h>
#include <CoreVideo/CVPixelBuffer.h>

#include "cf/cf_internal.h"
#include "cm/cm_internal.h"
#include "log.h"

static Boolean is_pixel_buffer(CFTypeRef obj) {
    return obj != NULL && CFGetTypeID(obj) == CVPixelBufferGetTypeID();
}

OSStatus
CMVideoFormatDescriptionCreateForImageBuffer(CFAllocatorRef allocator, CVImageBufferRef imageBuffer,
                                             CMVideoFormatDescriptionRef *formatDescriptionOut) {
    CFArrayRef keys = CMVideoFormatDescriptionGetExtensionKeysCommonWithImageBuffers();
    CFMutableDictionaryRef ext;
    CFIndex i, n, expected = 0;
    size_t width, height;
    OSStatus st;

    VT_CHECK_ARG(formatDescriptionOut != NULL, kCMFormatDescriptionError_InvalidParameter);
    *formatDescriptionOut = NULL;
    VT_CHECK_ARG(is_pixel_buffer(imageBuffer), kCMFormatDescriptionError_InvalidParameter);
    width = CVPixelBufferGetWidth(imageBuffer);
    height = CVPixelBufferGetHeight(imageBuffer);
    if (width > INT32_MAX || height > INT32_MAX || !keys)
        return !keys ? kCMFormatDescriptionError_AllocationFailed
                     : kCMFormatDescriptionError_InvalidParameter;

    ext = CFDictionaryCreateMutable(NULL, 0, &kCFTypeDictionaryKeyCallBacks,
                                    &kCFTypeDictionaryValueCallBacks);
    if (!ext)
        return kCMFormatDescriptionError_AllocationFailed;
    n = CFArrayGetCount(keys);
    for (i = 0; i < n; i++) {
        CFStringRef key = CFArrayGetValueAtIndex(keys, i);
        CFTypeRef value = CVBufferCopyAttachment(imageBuffer, key, NULL);
        if (value) {
            CFDictionarySetValue(ext, key, value);
            CFRelease(value);
            expected++;
        }
    }
    if (!CVPixelBufferIsPlanar(imageBuffer)) {
        int64_t bpr = (int64_t)CVPixelBufferGetBytesPerRow(imageBuffer);
        CFNumberRef num = CFNumberCreate(NULL, kCFNumberSInt64Type, &bpr);
        if (num) {
            CFDictionarySetValue(ext, kCMFormatDescriptionExtension_BytesPerRow, num);
            CFRelease(num);
        }
        expected++;
    }
    if (CFDictionaryGetCount(ext) != expected) {
        CFRelease(ext);
        return kCMFormatDescriptionError_AllocationFailed;
    }
    st = CMVideoFormatDescriptionCreate(
        allocator, CVPixelBufferGetPixelFormatType(imageBuffer), (int32_t)width, (int32_t)height,
        CFDictionaryGetCount(ext) ? ext : NULL, formatDescriptionOut);
    CFRelease(ext);
    return st;
}

Boolean CMVideoFormatDescriptionMatchesImageBuffer(CMVideoFormatDescriptionRef desc,
                                                   CVImageBufferRef imageBuffer) {
    CFArrayRef keys = CMVideoFormatDescriptionGetExtensionKeysCommonWithImageBuffers();
    CMVideoDimensions dims;
    CFIndex i, n;
    CFTypeRef bpr;

    if (!desc || CFGetTypeID(desc) != CMFormatDescriptionGetTypeID() ||
        !is_pixel_buffer(imageBuffer) || !keys)
        return FALSE;
    if (CMFormatDescriptionGetMediaType(desc) != kCMMediaType_Video ||
        CMFormatDescriptionGetMediaSubType(desc) != CVPixelBufferGetPixelFormatType(imageBuffer))
        return FALSE;
    dims = CMVideoFormatDescriptionGetDimensions(desc);
    if ((size_t)dims.width != CVPixelBufferGetWidth(imageBuffer) ||
        (size_t)dims.height != CVPixelBufferGetHeight(imageBuffer))
        return FALSE;
    n = CFArrayGetCount(keys);
    for (i = 0; i < n; i++) {
        CFStringRef key = CFArrayGetValueAtIndex(keys, i);
        CFTypeRef mine = CMFormatDescriptionGetExtension(desc, key);
        CFTypeRef theirs = CVBufferCopyAttachment(imageBuffer, key, NULL);
        Boolean same = (!mine && !theirs) || (mine && theirs && CFEqual(mine, theirs));
        if (theirs)
            CFRelease(theirs);
        if (!same)
            return FALSE;
    }
    bpr = CMFormatDescriptionGetExtension(desc, kCMFormatDescriptionExtension_BytesPerRow);
    if (bpr && !CVPixelBufferIsPlanar(imageBuffer)) {
        int64_t v = -1;
        if (!vt_cf_get_int64(bpr, &v) || (size_t)v != CVPixelBufferGetBytesPerRow(imageBuffer))
            return FALSE;
    }
    return TRUE;
}
