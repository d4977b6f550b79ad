/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * HEVC through the public VideoToolbox API on the test VA driver:
 * VTCopyVideoEncoderList lists org.vtcore.vaapi.hevc ('hvc1', hardware),
 * VTCompressionSessionCreate(kCMVideoCodecType_HEVC) uses it, the samples
 * carry 4-byte length-prefixed NAL units and an 'hvc1' format description
 * with VPS/SPS/PPS (hvcC), ProfileLevel takes the HEVC values and refuses the
 * H.264 ones with kVTParameterErr (and the other way round on an H.264
 * session), H264EntropyMode is kVTPropertyNotSupportedErr, P010 buffers
 * feed a Main10 session, and the encoder specification key
 * kVTCoreVideoEncoderSpecification_VAAPIDevice names the device.
 *
 * With --no-device (VTCORE_VAAPI_DEVICE pointing nowhere): HEVC sessions
 * fail with kVTCouldNotFindVideoEncoderErr (x264 does no HEVC).
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CoreFoundation/CoreFoundation.h>
#include <CoreMedia/CoreMedia.h>
#include <CoreVideo/CoreVideo.h>
#include <VideoToolbox/VideoToolbox.h>
#include <vtcore/vtcore.h>

#include "vt_test.h"

#define HEVC_ID "org.vtcore.vaapi.hevc"
#define W       64
#define H       48
#define FRAMES  6

typedef struct Outputs {
    uint8_t *stream; /* Annex B: parameter sets of the first sample, then every sample */
    size_t stream_size;
    int count, keys, errors, bad_nal;
    Boolean hvcc, three_sets;
    int profile_idc; /* from the SPS's profile_tier_level */
} Outputs;

static void on_output(void *ref, void *frame_ref, OSStatus status, VTEncodeInfoFlags flags,
                      CMSampleBufferRef sbuf) {
    Outputs *o = ref;
    (void)flags;
    (void)frame_ref;
    o->count++;
    if (status != noErr || !sbuf) {
        o->errors++;
        return;
    }
    CFArrayRef att = CMSampleBufferGetSampleAttachmentsArray(sbuf, FALSE);
    CFDictionaryRef d = att && CFArrayGetCount(att) ? CFArrayGetValueAtIndex(att, 0) : NULL;
    if (!d || !CFDictionaryGetValue(d, kCMSampleAttachmentKey_NotSync))
        o->keys++;
    CMFormatDescriptionRef fmt = CMSampleBufferGetFormatDescription(sbuf);
    if (fmt && CMFormatDescriptionGetMediaSubType(fmt) == kCMVideoCodecType_HEVC)
        o->hvcc = TRUE;
    size_t count = 0, size = 0;
    int nal_len = 0;
    const uint8_t *ps = NULL;
    if (fmt &&
        CMVideoFormatDescriptionGetHEVCParameterSetAtIndex(fmt, 1, &ps, &size, &count, &nal_len) ==
            noErr &&
        count == 3 && nal_len == 4 && size > 4 && ((ps[0] >> 1) & 0x3f) == 33) {
        o->three_sets = TRUE;
        o->profile_idc = ps[3] & 0x1f; /* header(2) + vps id/sub-layers(1) + space/tier/idc */
    }
    /* the data: 4-byte lengths, slice NAL units only */
    CMBlockBufferRef bb = CMSampleBufferGetDataBuffer(sbuf);
    size_t len = bb ? CMBlockBufferGetDataLength(bb) : 0;
    uint8_t *buf = malloc(len ? len : 1);
    if (o->stream_size == 0 && fmt) {
        for (size_t k = 0; k < 3; k++) {
            if (CMVideoFormatDescriptionGetHEVCParameterSetAtIndex(fmt, k, &ps, &size, NULL,
                                                                   NULL) != noErr)
                continue;
            o->stream = realloc(o->stream, o->stream_size + 4 + size);
            memcpy(o->stream + o->stream_size, "\0\0\0\1", 4);
            memcpy(o->stream + o->stream_size + 4, ps, size);
            o->stream_size += 4 + size;
        }
    }
    if (bb && CMBlockBufferCopyDataBytes(bb, 0, len, buf) == kCMBlockBufferNoErr) {
        size_t off = 0;
        while (off + 4 <= len) {
            size_t n = ((size_t)buf[off] << 24) | ((size_t)buf[off + 1] << 16) |
                       ((size_t)buf[off + 2] << 8) | buf[off + 3];
            unsigned t = off + 4 < len ? (buf[off + 4] >> 1) & 0x3f : 99;
            if (n == 0 || off + 4 + n > len || (t != 1 && t != 19)) {
                o->bad_nal++;
                break;
            }
            o->stream = realloc(o->stream, o->stream_size + 4 + n);
            memcpy(o->stream + o->stream_size, "\0\0\0\1", 4);
            memcpy(o->stream + o->stream_size + 4, buf + off + 4, n);
            o->stream_size += 4 + n;
            off += 4 + n;
        }
        if (off != len)
            o->bad_nal++;
    } else {
        o->bad_nal++;
    }
    free(buf);
}

static Boolean list_has_hevc(void) {
    CFArrayRef list = NULL;
    Boolean found = FALSE;
    CHECK_STATUS(VTCopyVideoEncoderList(NULL, &list), noErr);
    if (!list)
        return FALSE;
    CFStringRef want = CFStringCreateWithCString(NULL, HEVC_ID, kCFStringEncodingUTF8);
    for (CFIndex i = 0; i < CFArrayGetCount(list); i++) {
        CFDictionaryRef e = CFArrayGetValueAtIndex(list, i);
        CFStringRef id = CFDictionaryGetValue(e, kVTVideoEncoderList_EncoderID);
        if (id && CFEqual(id, want)) {
            CFNumberRef ct = CFDictionaryGetValue(e, kVTVideoEncoderList_CodecType);
            int32_t v = 0;
            CHECK(ct && CFNumberGetValue(ct, kCFNumberSInt32Type, &v) &&
                  v == (int32_t)kCMVideoCodecType_HEVC);
            CHECK(CFDictionaryGetValue(e, kVTVideoEncoderList_IsHardwareAccelerated) ==
                  kCFBooleanTrue);
            found = TRUE;
        }
    }
    CFRelease(want);
    CFRelease(list);
    return found;
}

static CFDictionaryRef make_spec(CFStringRef key, CFTypeRef value) {
    const void *k[1] = {key}, *v[1] = {value};
    return CFDictionaryCreate(NULL, k, v, 1, &kCFTypeDictionaryKeyCallBacks,
                              &kCFTypeDictionaryValueCallBacks);
}

static CVPixelBufferRef make_buffer(OSType fmt, int i) {
    CVPixelBufferRef pb = NULL;
    CHECK_EQ_INT(CVPixelBufferCreate(NULL, W, H, fmt, NULL, &pb), kCVReturnSuccess);
    if (!pb)
        return NULL;
    Boolean ten = fmt == kCVPixelFormatType_420YpCbCr10BiPlanarVideoRange;
    CVPixelBufferLockBaseAddress(pb, 0);
    for (size_t p = 0; p < 2; p++) {
        uint8_t *base = CVPixelBufferGetBaseAddressOfPlane(pb, p);
        size_t stride = CVPixelBufferGetBytesPerRowOfPlane(pb, p);
        for (int y = 0; y < (p ? H / 2 : H); y++) {
            unsigned v = 60 + (p ? 70 : (unsigned)((y + i * 3) % 120));
            for (int x = 0; x < W; x++) {
                if (ten) {
                    uint16_t s = (uint16_t)((v << 2) << 6);
                    memcpy(base + (size_t)y * stride + 2 * (size_t)x, &s, 2);
                } else {
                    base[(size_t)y * stride + (size_t)x] = (uint8_t)v;
                }
            }
        }
    }
    CVPixelBufferUnlockBaseAddress(pb, 0);
    return pb;
}

/* Creates an HEVC session (spec, optional ProfileLevel), encodes FRAMES
 * buffers of fmt. Returns the create status; *encode_status gets the first
 * failing EncodeFrame status. */
static OSStatus run_hevc(CFDictionaryRef spec, CFStringRef profile, OSType fmt, Outputs *outs,
                         OSStatus *encode_status, Boolean *using_hw) {
    VTCompressionSessionRef s = NULL;
    OSStatus st = VTCompressionSessionCreate(NULL, W, H, kCMVideoCodecType_HEVC, spec, NULL, NULL,
                                             on_output, outs, &s);
    *encode_status = noErr;
    if (st != noErr)
        return st;
    CFTypeRef v = NULL;
    CHECK_STATUS(VTSessionCopyProperty(
                     s, kVTCompressionPropertyKey_UsingHardwareAcceleratedVideoEncoder, NULL, &v),
                 noErr);
    *using_hw = v == kCFBooleanTrue;
    if (v)
        CFRelease(v);
    if (profile)
        CHECK_STATUS(VTSessionSetProperty(s, kVTCompressionPropertyKey_ProfileLevel, profile),
                     noErr);
    /* H.264-only keys are refused */
    CHECK_STATUS(VTSessionSetProperty(s, kVTCompressionPropertyKey_ProfileLevel,
                                      kVTProfileLevel_H264_High_AutoLevel),
                 kVTParameterErr);
    CHECK_STATUS(VTSessionSetProperty(s, kVTCompressionPropertyKey_H264EntropyMode,
                                      kVTH264EntropyMode_CABAC),
                 kVTPropertyNotSupportedErr);
    double q = 0.9;
    CFNumberRef qn = CFNumberCreate(NULL, kCFNumberDoubleType, &q);
    CHECK_STATUS(VTSessionSetProperty(s, kVTCompressionPropertyKey_Quality, qn), noErr);
    CFRelease(qn);
    for (int i = 0; i < FRAMES; i++) {
        CVPixelBufferRef pb = make_buffer(fmt, i);
        if (!pb)
            break;
        OSStatus e = VTCompressionSessionEncodeFrame(s, pb, CMTimeMake(i, 30), CMTimeMake(1, 30),
                                                     NULL, (void *)(intptr_t)(i + 1), NULL);
        if (e != noErr && *encode_status == noErr)
            *encode_status = e;
        CVPixelBufferRelease(pb);
    }
    VTCompressionSessionCompleteFrames(s, kCMTimeInvalid);
    VTCompressionSessionInvalidate(s);
    CFRelease(s);
    return noErr;
}

/* Decodes outs->stream with ffmpeg to 10-bit samples and compares them with
 * make_buffer()'s pictures widened to 10 bits (v << 2). */
static void check_decoded_10bit(const char *ffmpeg, Outputs *outs) {
    char dir[] = "/tmp/vtcore-hevc-session-XXXXXX", path[600], yuv[600], cmd[1500];
    int st, bad = 0;
    size_t n = 0;
    if (!ffmpeg || !mkdtemp(dir))
        return;
    snprintf(path, sizeof(path), "%s/s.hevc", dir);
    snprintf(yuv, sizeof(yuv), "%s/s.yuv", dir);
    FILE *f = fopen(path, "wb");
    if (f) {
        fwrite(outs->stream, 1, outs->stream_size, f);
        fclose(f);
    }
    snprintf(cmd, sizeof(cmd),
             "'%s' -hide_banner -nostdin -v error -i '%s' -f rawvideo -pix_fmt yuv420p10le -y "
             "'%s' 2>&1",
             ffmpeg, path, yuv);
    FILE *p = popen(cmd, "r");
    char line[256];
    while (p && fgets(line, sizeof(line), p))
        fprintf(stderr, "ffmpeg: %s", line);
    st = p ? pclose(p) : -1;
    CHECK_EQ_INT(st, 0);
    f = fopen(yuv, "rb");
    const size_t frame = (size_t)W * H * 3; /* 16-bit 4:2:0 */
    uint8_t *raw = malloc(frame * FRAMES);
    if (f) {
        n = fread(raw, 1, frame * FRAMES, f);
        fclose(f);
    }
    CHECK_EQ_INT(n, frame * FRAMES);
    for (int i = 0; n == frame * FRAMES && i < FRAMES; i++) {
        const uint8_t *y = raw + frame * (size_t)i, *c = y + (size_t)W * H * 2;
        for (int r = 0; r < H; r++)
            for (int x = 0; x < W; x++) {
                unsigned got = y[((size_t)r * W + x) * 2] | (y[((size_t)r * W + x) * 2 + 1] << 8);
                bad += got != (60u + (unsigned)((r + i * 3) % 120)) << 2;
            }
        for (size_t k = 0; k < (size_t)W * H / 2; k++)
            bad += (unsigned)(c[2 * k] | (c[2 * k + 1] << 8)) != 130u << 2;
    }
    CHECK_MSG(bad == 0, "%d decoded 10-bit samples differ from the 8-bit source << 2", bad);
    free(raw);
    unlink(path);
    unlink(yuv);
    rmdir(dir);
}

int main(int argc, char **argv) {
    Boolean no_device = argc > 1 && !strcmp(argv[1], "--no-device");
    const char *ffmpeg = argc > 1 && !no_device && access(argv[1], X_OK) == 0 ? argv[1] : NULL;
    Boolean using_hw = FALSE;
    Outputs outs = {0};
    OSStatus enc;

    if (no_device) {
        CHECK(!list_has_hevc());
        free(outs.stream);
        memset(&outs, 0, sizeof(outs));
        CHECK_STATUS(run_hevc(NULL, NULL, kCVPixelFormatType_420YpCbCr8BiPlanarVideoRange, &outs,
                              &enc, &using_hw),
                     kVTCouldNotFindVideoEncoderErr);
        CHECK_EQ_INT(outs.count, 0);
        return vt_test_result();
    }

    CHECK(list_has_hevc());
    /* default specification: the HEVC hardware encoder, Main */
    free(outs.stream);
    memset(&outs, 0, sizeof(outs));
    CHECK_STATUS(run_hevc(NULL, NULL, kCVPixelFormatType_420YpCbCr8BiPlanarVideoRange, &outs, &enc,
                          &using_hw),
                 noErr);
    CHECK_STATUS(enc, noErr);
    CHECK(using_hw);
    CHECK_EQ_INT(outs.count, FRAMES);
    CHECK_EQ_INT(outs.errors, 0);
    CHECK_EQ_INT(outs.bad_nal, 0);
    CHECK_EQ_INT(outs.keys, 1);
    CHECK(outs.hvcc && outs.three_sets);
    CHECK_EQ_INT(outs.profile_idc, 1);

    /* Main10 from P010 buffers, and from 8-bit buffers */
    free(outs.stream);
    memset(&outs, 0, sizeof(outs));
    CHECK_STATUS(run_hevc(NULL, kVTProfileLevel_HEVC_Main10_AutoLevel,
                          kCVPixelFormatType_420YpCbCr10BiPlanarVideoRange, &outs, &enc, &using_hw),
                 noErr);
    CHECK_STATUS(enc, noErr);
    CHECK(outs.count == FRAMES && outs.errors == 0 && outs.bad_nal == 0);
    CHECK_EQ_INT(outs.profile_idc, 2);
    free(outs.stream);
    memset(&outs, 0, sizeof(outs));
    CHECK_STATUS(run_hevc(NULL, kVTProfileLevel_HEVC_Main10_AutoLevel,
                          kCVPixelFormatType_420YpCbCr8BiPlanarVideoRange, &outs, &enc, &using_hw),
                 noErr);
    CHECK(outs.count == FRAMES && outs.errors == 0);
    CHECK_EQ_INT(outs.profile_idc, 2);
    /* the transfer engine widened NV12 to P010 exactly */
    check_decoded_10bit(ffmpeg, &outs);
    free(outs.stream);
    memset(&outs, 0, sizeof(outs));
    CHECK_STATUS(run_hevc(NULL, kVTProfileLevel_HEVC_Main_AutoLevel,
                          kCVPixelFormatType_420YpCbCr8Planar, &outs, &enc, &using_hw),
                 noErr);
    CHECK(outs.count == FRAMES && outs.errors == 0);
    CHECK_EQ_INT(outs.profile_idc, 1);

    /* an H.264 session refuses the HEVC values */
    {
        VTCompressionSessionRef s = NULL;
        CHECK_STATUS(VTCompressionSessionCreate(NULL, W, H, kCMVideoCodecType_H264, NULL, NULL,
                                                NULL, on_output, &outs, &s),
                     noErr);
        if (s) {
            CHECK_STATUS(VTSessionSetProperty(s, kVTCompressionPropertyKey_ProfileLevel,
                                              kVTProfileLevel_HEVC_Main_AutoLevel),
                         kVTParameterErr);
            CHECK_STATUS(VTSessionSetProperty(s, kVTCompressionPropertyKey_ProfileLevel,
                                              kVTProfileLevel_H264_Main_AutoLevel),
                         noErr);
            VTCompressionSessionInvalidate(s);
            CFRelease(s);
        }
    }

    /* the device key: a wrong type is a parameter error ... */
    {
        CFDictionaryRef spec =
            make_spec(kVTCoreVideoEncoderSpecification_VAAPIDevice, kCFBooleanTrue);
        VTCompressionSessionRef s = NULL;
        CHECK_STATUS(VTCompressionSessionCreate(NULL, W, H, kCMVideoCodecType_HEVC, spec, NULL,
                                                NULL, on_output, &outs, &s),
                     kVTParameterErr);
        CHECK(s == NULL);
        CFRelease(spec);
        CHECK(CFEqual(kVTCoreVideoEncoderSpecification_VAAPIDevice, CFSTR("VTCoreVAAPIDevice")));
    }
    /* ... a device that does not exist fails the encoder instance although
     * VTCORE_VAAPI_DEVICE names a good one ... */
    {
        CFStringRef bad =
            CFStringCreateWithCString(NULL, "/nonexistent/renderD200", kCFStringEncodingUTF8);
        CFDictionaryRef spec = make_spec(kVTCoreVideoEncoderSpecification_VAAPIDevice, bad);
        free(outs.stream);
        memset(&outs, 0, sizeof(outs));
        CHECK_STATUS(run_hevc(spec, NULL, kCVPixelFormatType_420YpCbCr8BiPlanarVideoRange, &outs,
                              &enc, &using_hw),
                     noErr);
        CHECK_STATUS(enc, kVTCouldNotCreateInstanceErr);
        CHECK_EQ_INT(outs.count - outs.errors, 0);
        /* the H.264 VA-API encoder reads the same key */
        {
            VTCompressionSessionRef s = NULL;
            CHECK_STATUS(VTCompressionSessionCreate(NULL, W, H, kCMVideoCodecType_H264, spec, NULL,
                                                    NULL, on_output, &outs, &s),
                         noErr);
            if (s) {
                CFTypeRef id = NULL;
                CHECK_STATUS(
                    VTSessionCopyProperty(s, kVTCompressionPropertyKey_EncoderID, NULL, &id),
                    noErr);
                CHECK(id && CFEqual(id, CFSTR("org.vtcore.vaapi.h264")));
                if (id)
                    CFRelease(id);
                CHECK_STATUS(VTCompressionSessionPrepareToEncodeFrames(s),
                             kVTCouldNotCreateInstanceErr);
                VTCompressionSessionInvalidate(s);
                CFRelease(s);
            }
        }
        CFRelease(spec);
        CFRelease(bad);
    }
    /* ... and the good one works when the environment names a bad one */
    {
        const char *node = getenv("VTCORE_VAAPI_DEVICE");
        CFStringRef good = CFStringCreateWithCString(NULL, node ? node : "", kCFStringEncodingUTF8);
        CFDictionaryRef spec = make_spec(kVTCoreVideoEncoderSpecification_VAAPIDevice, good);
        char *saved = node ? strdup(node) : NULL;
        setenv("VTCORE_VAAPI_DEVICE", "/nonexistent/renderD201", 1);
        free(outs.stream);
        memset(&outs, 0, sizeof(outs));
        CHECK_STATUS(run_hevc(spec, NULL, kCVPixelFormatType_420YpCbCr8BiPlanarVideoRange, &outs,
                              &enc, &using_hw),
                     noErr);
        CHECK_STATUS(enc, noErr);
        CHECK(outs.count == FRAMES && outs.errors == 0 && outs.three_sets);
        /* without the key the bad environment wins */
        free(outs.stream);
        memset(&outs, 0, sizeof(outs));
        CHECK_STATUS(run_hevc(NULL, NULL, kCVPixelFormatType_420YpCbCr8BiPlanarVideoRange, &outs,
                              &enc, &using_hw),
                     noErr);
        CHECK_STATUS(enc, kVTCouldNotCreateInstanceErr);
        if (saved) {
            setenv("VTCORE_VAAPI_DEVICE", saved, 1);
            free(saved);
        }
        CFRelease(spec);
        CFRelease(good);
    }
    free(outs.stream);
    return vt_test_result();
}
