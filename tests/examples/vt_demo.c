/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * vt_demo: a VideoToolbox client written exactly as it would be on macOS.
 * It draws a moving BGRA test pattern, converts it to the encoder's pixel
 * format with a VTPixelTransferSession, encodes 300 frames of 1280x720 with a
 * VTCompressionSession at 2 Mbit/s, and writes an H.264 Annex B elementary
 * stream (parameter sets in front of every key frame) that any player opens.
 *
 *   vt_demo OUTPUT_DIR [FRAMES]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <VideoToolbox/VideoToolbox.h>
#include <vtcore/vtcore.h> /* vtcore_status_string(), vtcore_version() */

enum { WIDTH = 1280, HEIGHT = 720, FPS = 30 };

typedef struct DemoOutput {
    FILE *file;
    int frames;
    int keyframes;
    int errors;
} DemoOutput;

static const uint8_t start_code[4] = {0, 0, 0, 1};

static void write_parameter_sets(DemoOutput *out, CMFormatDescriptionRef fmt) {
    size_t count = 0;
    int nal_len = 0;
    if (CMVideoFormatDescriptionGetH264ParameterSetAtIndex(fmt, 0, NULL, NULL, &count, &nal_len))
        return;
    for (size_t i = 0; i < count; i++) {
        const uint8_t *ps = NULL;
        size_t size = 0;
        if (CMVideoFormatDescriptionGetH264ParameterSetAtIndex(fmt, i, &ps, &size, NULL, NULL))
            continue;
        fwrite(start_code, 1, 4, out->file);
        fwrite(ps, 1, size, out->file);
    }
}

static void output_callback(void *refcon, void *frame_refcon, OSStatus status,
                            VTEncodeInfoFlags flags, CMSampleBufferRef sample) {
    DemoOutput *out = refcon;
    CFArrayRef attachments;
    Boolean keyframe = TRUE;
    CMBlockBufferRef block;
    size_t length = 0, offset = 0;
    char *data = NULL;

    (void)frame_refcon;
    if (status != noErr || (flags & kVTEncodeInfo_FrameDropped) || !sample) {
        out->errors++;
        return;
    }
    attachments = CMSampleBufferGetSampleAttachmentsArray(sample, FALSE);
    if (attachments && CFArrayGetCount(attachments) > 0) {
        CFDictionaryRef a = CFArrayGetValueAtIndex(attachments, 0);
        keyframe = !CFDictionaryContainsKey(a, kCMSampleAttachmentKey_NotSync);
    }
    if (keyframe) {
        write_parameter_sets(out, CMSampleBufferGetFormatDescription(sample));
        out->keyframes++;
    }
    /* AVCC: 4-byte big-endian lengths -> Annex B start codes. */
    block = CMSampleBufferGetDataBuffer(sample);
    if (CMBlockBufferGetDataPointer(block, 0, NULL, &length, &data) != kCMBlockBufferNoErr) {
        out->errors++;
        return;
    }
    while (offset + 4 <= length) {
        uint32_t nal_size;
        memcpy(&nal_size, data + offset, 4);
        nal_size = CFSwapInt32BigToHost(nal_size);
        offset += 4;
        if (nal_size > length - offset)
            break;
        fwrite(start_code, 1, 4, out->file);
        fwrite(data + offset, 1, nal_size, out->file);
        offset += nal_size;
    }
    out->frames++;
}

/* A moving pattern: diagonal gradient, a bouncing box and a frame counter bar. */
static void draw_bgra(CVPixelBufferRef pb, int n) {
    uint8_t *base;
    size_t stride;
    int bx = (n * 7) % (WIDTH - 160), by = (n * 5) % (HEIGHT - 160);

    CVPixelBufferLockBaseAddress(pb, 0);
    base = CVPixelBufferGetBaseAddress(pb);
    stride = CVPixelBufferGetBytesPerRow(pb);
    for (int y = 0; y < HEIGHT; y++) {
        uint8_t *row = base + (size_t)y * stride;
        for (int x = 0; x < WIDTH; x++) {
            int inside = x >= bx && x < bx + 160 && y >= by && y < by + 160;
            row[4 * x + 0] = inside ? 40 : (uint8_t)(x + n * 2);
            row[4 * x + 1] = inside ? 200 : (uint8_t)(y + n);
            row[4 * x + 2] = inside ? 240 : (uint8_t)((x + y) / 4);
            row[4 * x + 3] = 255;
        }
    }
    CVPixelBufferUnlockBaseAddress(pb, 0);
}

static int fail(const char *what, OSStatus status) {
    fprintf(stderr, "vt_demo: %s failed: %s\n", what, vtcore_status_string(status));
    return 1;
}

int main(int argc, char **argv) {
    char path[4096];
    int frames = argc > 2 ? atoi(argv[2]) : 300;
    DemoOutput out = {0};
    VTCompressionSessionRef session = NULL;
    VTPixelTransferSessionRef transfer = NULL;
    CVPixelBufferRef bgra = NULL;
    int32_t bitrate = 2000000, keyint = 60;
    CFNumberRef num;
    OSStatus status;

    if (argc < 2) {
        fprintf(stderr, "usage: %s OUTPUT_DIR [FRAMES]\n", argv[0]);
        return 2;
    }
    snprintf(path, sizeof(path), "%s/vt_demo.h264", argv[1]);
    out.file = fopen(path, "wb");
    if (!out.file) {
        perror(path);
        return 1;
    }

    status = VTCompressionSessionCreate(NULL, WIDTH, HEIGHT, kCMVideoCodecType_H264, NULL, NULL,
                                        NULL, output_callback, &out, &session);
    if (status)
        return fail("VTCompressionSessionCreate", status);

    num = CFNumberCreate(NULL, kCFNumberSInt32Type, &bitrate);
    VTSessionSetProperty(session, kVTCompressionPropertyKey_AverageBitRate, num);
    CFRelease(num);
    num = CFNumberCreate(NULL, kCFNumberSInt32Type, &keyint);
    VTSessionSetProperty(session, kVTCompressionPropertyKey_MaxKeyFrameInterval, num);
    CFRelease(num);
    VTSessionSetProperty(session, kVTCompressionPropertyKey_ProfileLevel,
                         kVTProfileLevel_H264_High_AutoLevel);
    VTSessionSetProperty(session, kVTCompressionPropertyKey_ColorPrimaries,
                         kCVImageBufferColorPrimaries_ITU_R_709_2);
    VTSessionSetProperty(session, kVTCompressionPropertyKey_TransferFunction,
                         kCVImageBufferTransferFunction_ITU_R_709_2);
    VTSessionSetProperty(session, kVTCompressionPropertyKey_YCbCrMatrix,
                         kCVImageBufferYCbCrMatrix_ITU_R_709_2);
    status = VTCompressionSessionPrepareToEncodeFrames(session);
    if (status)
        return fail("VTCompressionSessionPrepareToEncodeFrames", status);

    status = VTPixelTransferSessionCreate(NULL, &transfer);
    if (status)
        return fail("VTPixelTransferSessionCreate", status);
    status = CVPixelBufferCreate(NULL, WIDTH, HEIGHT, kCVPixelFormatType_32BGRA, NULL, &bgra);
    if (status)
        return fail("CVPixelBufferCreate", status);

    for (int i = 0; i < frames; i++) {
        CVPixelBufferRef frame = NULL;
        CVPixelBufferPoolRef pool = VTCompressionSessionGetPixelBufferPool(session);
        draw_bgra(bgra, i);
        status = CVPixelBufferPoolCreatePixelBuffer(NULL, pool, &frame);
        if (status)
            return fail("CVPixelBufferPoolCreatePixelBuffer", status);
        status = VTPixelTransferSessionTransferImage(transfer, bgra, frame);
        if (status)
            return fail("VTPixelTransferSessionTransferImage", status);
        status = VTCompressionSessionEncodeFrame(session, frame, CMTimeMake(i, FPS),
                                                 CMTimeMake(1, FPS), NULL, NULL, NULL);
        CVPixelBufferRelease(frame);
        if (status)
            return fail("VTCompressionSessionEncodeFrame", status);
    }
    status = VTCompressionSessionCompleteFrames(session, kCMTimeInvalid);
    if (status)
        return fail("VTCompressionSessionCompleteFrames", status);

    VTCompressionSessionInvalidate(session);
    CFRelease(session);
    VTPixelTransferSessionInvalidate(transfer);
    CFRelease(transfer);
    CVPixelBufferRelease(bgra);
    fclose(out.file);

    printf("vt_demo: encoded %d of %d frames (%d key frames, %d errors) with vtcore %s\n",
           out.frames, frames, out.keyframes, out.errors, vtcore_version());
    printf("vt_demo: wrote %s\n", path);
    printf("vt_demo: check it with: ffprobe -v error -count_frames -show_entries "
           "stream=codec_name,profile,width,height,nb_read_frames %s\n",
           path);
    return out.frames == frames && out.errors == 0 ? 0 : 1;
}
