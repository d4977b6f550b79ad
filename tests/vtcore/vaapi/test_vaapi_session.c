/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The VA-API backend through the public VideoToolbox API, on the test VA
 * driver: VTCopyVideoEncoderList lists it as hardware, the default
 * encoder specification prefers it, RequireHardwareAcceleratedVideoEncoder
 * and its EncoderID select it, UsingHardwareAcceleratedVideoEncoder reads
 * true, and the sample buffers follow the usual contract.
 *
 * With --no-device (run with VTCORE_VAAPI_DEVICE pointing nowhere): the list
 * lacks it, RequireHardwareAcceleratedVideoEncoder fails with
 * kVTCouldNotFindVideoEncoderErr, and the default falls back to software.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include <CoreFoundation/CoreFoundation.h>
#include <CoreMedia/CoreMedia.h>
#include <CoreVideo/CoreVideo.h>
#include <VideoToolbox/VideoToolbox.h>

#include "vt_test.h"

#define VAAPI_ID "org.vtcore.vaapi.h264"
#define W        64
#define H        48
#define FRAMES   10

typedef struct Outputs {
    int count, keys, errors;
    intptr_t last_refcon;
    Boolean have_params;
} Outputs;

static void on_output(void *ref, void *frame_ref, OSStatus status, VTEncodeInfoFlags flags,
                      CMSampleBufferRef sbuf) {
    Outputs *o = ref;
    (void)flags;
    o->count++;
    if (status != noErr || !sbuf) {
        o->errors++;
        return;
    }
    o->last_refcon = (intptr_t)frame_ref;
    CFArrayRef att = CMSampleBufferGetSampleAttachmentsArray(sbuf, FALSE);
    CFDictionaryRef d = att && CFArrayGetCount(att) ? CFArrayGetValueAtIndex(att, 0) : NULL;
    if (!d || !CFDictionaryGetValue(d, kCMSampleAttachmentKey_NotSync))
        o->keys++;
    CMFormatDescriptionRef fmt = CMSampleBufferGetFormatDescription(sbuf);
    size_t count = 0;
    int nal_len = 0;
    const uint8_t *ps = NULL;
    size_t ps_size = 0;
    if (fmt &&
        CMVideoFormatDescriptionGetH264ParameterSetAtIndex(fmt, 0, &ps, &ps_size, &count,
                                                           &nal_len) == noErr &&
        count == 2 && nal_len == 4 && ps_size > 4 && (ps[0] & 0x1f) == 7)
        o->have_params = TRUE;
}

static Boolean list_has_vaapi(Boolean *hw) {
    CFArrayRef list = NULL;
    Boolean found = FALSE;
    CHECK_STATUS(VTCopyVideoEncoderList(NULL, &list), noErr);
    if (!list)
        return FALSE;
    CFStringRef want = CFStringCreateWithCString(NULL, VAAPI_ID, kCFStringEncodingUTF8);
    for (CFIndex i = 0; i < CFArrayGetCount(list); i++) {
        CFDictionaryRef e = CFArrayGetValueAtIndex(list, i);
        CFStringRef id = CFDictionaryGetValue(e, kVTVideoEncoderList_EncoderID);
        if (id && CFEqual(id, want)) {
            CFBooleanRef b = CFDictionaryGetValue(e, kVTVideoEncoderList_IsHardwareAccelerated);
            found = TRUE;
            *hw = b == kCFBooleanTrue;
        }
    }
    CFRelease(want);
    CFRelease(list);
    return found;
}

/* Creates a session with the given specification; returns its status and,
 * when it worked, encodes FRAMES frames and reports what it used. */
static OSStatus run_session(CFDictionaryRef spec, Boolean *using_hw, char *encoder_id,
                            size_t id_cap, Outputs *outs) {
    VTCompressionSessionRef s = NULL;
    OSStatus st = VTCompressionSessionCreate(NULL, W, H, kCMVideoCodecType_H264, spec, NULL, NULL,
                                             on_output, outs, &s);
    if (st != noErr)
        return st;
    CFTypeRef v = NULL;
    CHECK_STATUS(VTSessionCopyProperty(
                     s, kVTCompressionPropertyKey_UsingHardwareAcceleratedVideoEncoder, NULL, &v),
                 noErr);
    *using_hw = v == kCFBooleanTrue;
    if (v)
        CFRelease(v);
    v = NULL;
    encoder_id[0] = 0;
    if (VTSessionCopyProperty(s, kVTCompressionPropertyKey_EncoderID, NULL, &v) == noErr && v) {
        CFStringGetCString(v, encoder_id, (CFIndex)id_cap, kCFStringEncodingUTF8);
        CFRelease(v);
    }
    for (int i = 0; i < FRAMES; i++) {
        CVPixelBufferRef pb = NULL;
        CHECK_EQ_INT(CVPixelBufferCreate(
                         NULL, W, H, kCVPixelFormatType_420YpCbCr8BiPlanarVideoRange, NULL, &pb),
                     kCVReturnSuccess);
        if (!pb)
            break;
        CVPixelBufferLockBaseAddress(pb, 0);
        for (size_t p = 0; p < 2; p++) {
            uint8_t *base = CVPixelBufferGetBaseAddressOfPlane(pb, p);
            size_t stride = CVPixelBufferGetBytesPerRowOfPlane(pb, p);
            for (int y = 0; y < (p ? H / 2 : H); y++)
                memset(base + (size_t)y * stride, 60 + (p ? 70 : (y + i * 3) % 120), W);
        }
        CVPixelBufferUnlockBaseAddress(pb, 0);
        CHECK_STATUS(VTCompressionSessionEncodeFrame(s, pb, CMTimeMake(i, 30), CMTimeMake(1, 30),
                                                     NULL, (void *)(intptr_t)(i + 1), NULL),
                     noErr);
        CVPixelBufferRelease(pb);
    }
    CHECK_STATUS(VTCompressionSessionCompleteFrames(s, kCMTimeInvalid), noErr);
    VTCompressionSessionInvalidate(s);
    CFRelease(s);
    return noErr;
}

static CFDictionaryRef make_spec(CFStringRef key, CFTypeRef value) {
    const void *k[1] = {key}, *v[1] = {value};
    return CFDictionaryCreate(NULL, k, v, 1, &kCFTypeDictionaryKeyCallBacks,
                              &kCFTypeDictionaryValueCallBacks);
}

int main(int argc, char **argv) {
    Boolean no_device = argc > 1 && !strcmp(argv[1], "--no-device");
    Boolean hw = FALSE, using_hw = FALSE;
    char id[128];
    Outputs outs;
    CFStringRef vaapi_id = CFStringCreateWithCString(NULL, VAAPI_ID, kCFStringEncodingUTF8);
    CFDictionaryRef require = make_spec(
        kVTVideoEncoderSpecification_RequireHardwareAcceleratedVideoEncoder, kCFBooleanTrue);
    CFDictionaryRef by_id = make_spec(kVTVideoEncoderSpecification_EncoderID, vaapi_id);
    CFDictionaryRef no_hw = make_spec(
        kVTVideoEncoderSpecification_EnableHardwareAcceleratedVideoEncoder, kCFBooleanFalse);

    if (!no_device) {
        CHECK(list_has_vaapi(&hw));
        CHECK(hw);
        /* default specification: hardware preferred */
        memset(&outs, 0, sizeof(outs));
        CHECK_STATUS(run_session(NULL, &using_hw, id, sizeof(id), &outs), noErr);
        CHECK(using_hw);
        CHECK_MSG(!strcmp(id, VAAPI_ID), "EncoderID %s", id);
        CHECK_EQ_INT(outs.count, FRAMES);
        CHECK_EQ_INT(outs.errors, 0);
        CHECK(outs.keys >= 1);
        CHECK(outs.have_params);
        /* required, and by id */
        memset(&outs, 0, sizeof(outs));
        CHECK_STATUS(run_session(require, &using_hw, id, sizeof(id), &outs), noErr);
        CHECK(using_hw && outs.count == FRAMES && outs.errors == 0);
        memset(&outs, 0, sizeof(outs));
        CHECK_STATUS(run_session(by_id, &using_hw, id, sizeof(id), &outs), noErr);
        CHECK(using_hw && outs.count == FRAMES);
        /* hardware forbidden: software (when built with x264) */
        memset(&outs, 0, sizeof(outs));
        OSStatus st = run_session(no_hw, &using_hw, id, sizeof(id), &outs);
        if (st == noErr)
            CHECK(!using_hw && strcmp(id, VAAPI_ID) != 0);
        else
            CHECK_STATUS(st, kVTCouldNotFindVideoEncoderErr);
    } else {
        CHECK(!list_has_vaapi(&hw));
        memset(&outs, 0, sizeof(outs));
        CHECK_STATUS(run_session(require, &using_hw, id, sizeof(id), &outs),
                     kVTCouldNotFindVideoEncoderErr);
        CHECK_EQ_INT(outs.count, 0);
        CHECK_STATUS(run_session(by_id, &using_hw, id, sizeof(id), &outs),
                     kVTCouldNotFindVideoEncoderErr);
        /* the default falls back to software (when built with x264) */
        OSStatus st = run_session(NULL, &using_hw, id, sizeof(id), &outs);
        if (st == noErr)
            CHECK(!using_hw && outs.count == FRAMES);
        else
            CHECK_STATUS(st, kVTCouldNotFindVideoEncoderErr);
    }
    CFRelease(require);
    CFRelease(by_id);
    CFRelease(no_hw);
    CFRelease(vaapi_id);
    return vt_test_result();
}
