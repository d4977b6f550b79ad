/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Allocation-failure injection over CoreMedia (fault_harness.h): block
 * buffers (kCMBlockBufferStructureAllocationFailedErr /
 * kCMBlockBufferBlockAllocationFailedErr; client memory stays the client's
 * after a failure), format descriptions incl. the parameter-set parsers
 * (kCMFormatDescriptionError_AllocationFailed), sample buffers
 * (kCMSampleBufferError_AllocationFailed), attachments, CMTime/CMTimeRange
 * dictionaries and descriptions, CMSimpleQueue.
 */
#include <CoreMedia/CoreMedia.h>
#include <CoreVideo/CoreVideo.h>

#include "cf/cf_internal.h"
#include "fault_harness.h"

#define BB_FAILED \
    { kCMBlockBufferStructureAllocationFailedErr, kCMBlockBufferBlockAllocationFailedErr, 0, 0 }
#define FD_FAILED \
    { kCMFormatDescriptionError_AllocationFailed, 0, 0, 0 }
#define SB_FAILED \
    { kCMSampleBufferError_AllocationFailed, 0, 0, 0 }

/* Parameter sets of a 64x48 baseline H.264 stream and a 64x48 Main HEVC
 * stream (x264 / x265 output). */
static const uint8_t h264_sps[] = {0x67, 0x42, 0xc0, 0x0a, 0xd9, 0x04, 0x7b, 0x01,
                                   0x10, 0x00, 0x00, 0x03, 0x00, 0x10, 0x00, 0x00,
                                   0x03, 0x03, 0xc0, 0xf1, 0x22, 0x64, 0x80};
static const uint8_t h264_pps[] = {0x68, 0xcb, 0x83, 0xcb, 0x20};
static const uint8_t hevc_vps[] = {0x40, 0x01, 0x0c, 0x01, 0xff, 0xff, 0x04, 0x08,
                                   0x00, 0x00, 0x03, 0x00, 0x9e, 0x08, 0x00, 0x00,
                                   0x03, 0x00, 0x00, 0x1e, 0x95, 0x98, 0x09};
static const uint8_t hevc_sps[] = {0x42, 0x01, 0x01, 0x04, 0x08, 0x00, 0x00, 0x03, 0x00, 0x9e, 0x08,
                                   0x00, 0x00, 0x03, 0x00, 0x00, 0x1e, 0x90, 0x04, 0x10, 0x62, 0xcb,
                                   0x2b, 0x35, 0xc9, 0x95, 0xe0, 0x2d, 0xc0, 0x80, 0x80, 0x01, 0x00,
                                   0x00, 0x03, 0x00, 0x01, 0x00, 0x00, 0x03, 0x00, 0x1e, 0x08};
static const uint8_t hevc_pps[] = {0x44, 0x01, 0xc1, 0x73, 0x18, 0x31, 0x08, 0x90};

static void release_ctx(void *ctx) {
    if (ctx)
        CFRelease((CFTypeRef)ctx);
}

/* ---- block buffers ---- */

static int32_t run_bb_empty(void *ctx, CFTypeRef *out) {
    CMBlockBufferRef bb = NULL;
    OSStatus st = CMBlockBufferCreateEmpty(NULL, 8, 0, &bb);
    (void)ctx;
    *out = bb;
    return st;
}

static int32_t run_bb_library_block(void *ctx, CFTypeRef *out) {
    CMBlockBufferRef bb = NULL;
    OSStatus st = CMBlockBufferCreateWithMemoryBlock(NULL, NULL, 4096, NULL, NULL, 16, 1000,
                                                     kCMBlockBufferAssureMemoryNowFlag, &bb);
    (void)ctx;
    *out = bb;
    return st;
}

typedef struct ClientBlock {
    void *mem;
    int freed; /* by the custom source */
} ClientBlock;

static void custom_free(void *refcon, void *block, size_t size) {
    ClientBlock *c = refcon;
    (void)size;
    c->freed++;
    free(block);
}

static void *setup_client_block(void) {
    ClientBlock *c = calloc(1, sizeof(*c));
    c->mem = calloc(1, 2048);
    return c;
}

static void teardown_client_block(void *ctx) {
    ClientBlock *c = ctx;
    if (!c->freed)
        free(c->mem); /* the call failed: the memory is still ours */
    free(c);
}

static int32_t run_bb_client_block(void *ctx, CFTypeRef *out) {
    ClientBlock *c = ctx;
    CMBlockBufferCustomBlockSource src = {kCMBlockBufferCustomBlockSourceVersion, NULL, custom_free,
                                          c};
    CMBlockBufferRef bb = NULL;
    OSStatus st =
        CMBlockBufferCreateWithMemoryBlock(NULL, c->mem, 2048, NULL, &src, 0, 2048, 0, &bb);
    CHECK_EQ_INT(c->freed, 0);
    *out = bb;
    if (st == noErr) {
        /* Release here so the harness sees the block go back exactly once. */
        CFRelease(bb);
        *out = NULL;
        CHECK_EQ_INT(c->freed, 1);
    }
    return st;
}

/* A buffer of three segments. */
static CMBlockBufferRef make_segmented(void) {
    CMBlockBufferRef bb = NULL;
    int i;
    CMBlockBufferCreateEmpty(NULL, 0, 0, &bb);
    for (i = 0; i < 3; i++) {
        CMBlockBufferAppendMemoryBlock(bb, NULL, 100, NULL, NULL, 0, 100, 0);
        CMBlockBufferFillDataBytes((char)(i + 1), bb, (size_t)i * 100, 100);
    }
    return bb;
}

static void *setup_segmented(void) {
    return (void *)make_segmented();
}

static int32_t run_bb_reference(void *ctx, CFTypeRef *out) {
    CMBlockBufferRef bb = NULL;
    OSStatus st =
        CMBlockBufferCreateWithBufferReference(NULL, (CMBlockBufferRef)ctx, 50, 200, 0, &bb);
    *out = bb;
    return st;
}

static int32_t run_bb_contiguous(void *ctx, CFTypeRef *out) {
    CMBlockBufferRef bb = NULL;
    OSStatus st =
        CMBlockBufferCreateContiguous(NULL, (CMBlockBufferRef)ctx, NULL, NULL, 50, 200, 0, &bb);
    *out = bb;
    return st;
}

static Boolean verify_contiguous(void *ctx, CFTypeRef out) {
    uint8_t buf[200];
    (void)ctx;
    return CMBlockBufferGetDataLength((CMBlockBufferRef)out) == 200 &&
           CMBlockBufferIsRangeContiguous((CMBlockBufferRef)out, 0, 200) &&
           CMBlockBufferCopyDataBytes((CMBlockBufferRef)out, 0, 200, buf) == noErr && buf[0] == 1 &&
           buf[60] == 2 && buf[199] == 3;
}

/* Appends to an existing buffer: on failure its length is unchanged. */
static int32_t run_bb_append(void *ctx, CFTypeRef *out) {
    CMBlockBufferRef bb = (CMBlockBufferRef)ctx;
    size_t before = CMBlockBufferGetDataLength(bb);
    OSStatus st;
    int i;
    *out = NULL;
    for (i = 0; i < 6; i++) {
        st = CMBlockBufferAppendMemoryBlock(bb, NULL, 64, NULL, NULL, 0, 64, 0);
        if (st == noErr)
            st = CMBlockBufferAppendBufferReference(bb, bb, 10, 20, 0);
        if (st != noErr) {
            /* The failed append added nothing: whole rounds plus maybe the
             * memory block of this round. */
            size_t grown = CMBlockBufferGetDataLength(bb) - before;
            CHECK(grown == (size_t)i * 84 || grown == (size_t)i * 84 + 64);
            return st;
        }
    }
    CHECK_EQ_INT(CMBlockBufferGetDataLength(bb), before + 6 * 84);
    return noErr;
}

/* ---- format descriptions ---- */

static CFDictionaryRef make_extensions(void) {
    CFMutableDictionaryRef d = vt_cf_dict_new();
    CFMutableDictionaryRef par = vt_cf_dict_new();
    CFNumberRef one = vt_cf_number_int32(1);
    CFDictionarySetValue(par, kCMFormatDescriptionKey_PixelAspectRatioHorizontalSpacing, one);
    CFDictionarySetValue(par, kCMFormatDescriptionKey_PixelAspectRatioVerticalSpacing, one);
    CFDictionarySetValue(d, kCMFormatDescriptionExtension_PixelAspectRatio, par);
    CFDictionarySetValue(d, kCMFormatDescriptionExtension_ColorPrimaries,
                         kCMFormatDescriptionColorPrimaries_ITU_R_709_2);
    CFDictionarySetValue(d, kCMFormatDescriptionExtension_FormatName, CFSTR("fault test"));
    CFRelease(par);
    CFRelease(one);
    return d;
}

static void *setup_extensions(void) {
    return (void *)make_extensions();
}

static int32_t run_fd_create(void *ctx, CFTypeRef *out) {
    CMFormatDescriptionRef fd = NULL;
    OSStatus st =
        CMFormatDescriptionCreate(NULL, kCMMediaType_Video, 0x6a706567, (CFDictionaryRef)ctx, &fd);
    *out = fd;
    return st;
}

static int32_t run_fd_video(void *ctx, CFTypeRef *out) {
    CMFormatDescriptionRef fd = NULL;
    OSStatus st = CMVideoFormatDescriptionCreate(NULL, kCMVideoCodecType_H264, 64, 48,
                                                 (CFDictionaryRef)ctx, &fd);
    *out = fd;
    return st;
}

static int32_t run_fd_h264(void *ctx, CFTypeRef *out) {
    const uint8_t *sets[2] = {h264_sps, h264_pps};
    size_t sizes[2] = {sizeof(h264_sps), sizeof(h264_pps)};
    CMFormatDescriptionRef fd = NULL;
    OSStatus st = CMVideoFormatDescriptionCreateFromH264ParameterSets(NULL, 2, sets, sizes, 4, &fd);
    (void)ctx;
    *out = fd;
    return st;
}

static Boolean verify_h264(void *ctx, CFTypeRef out) {
    size_t count = 0, size = 0;
    const uint8_t *p = NULL;
    (void)ctx;
    return CMVideoFormatDescriptionGetH264ParameterSetAtIndex(out, 1, &p, &size, &count, NULL) ==
               noErr &&
           count == 2 && size == sizeof(h264_pps) && memcmp(p, h264_pps, size) == 0 &&
           CMVideoFormatDescriptionGetDimensions(out).width == 64;
}

static int32_t run_fd_hevc(void *ctx, CFTypeRef *out) {
    const uint8_t *sets[3] = {hevc_vps, hevc_sps, hevc_pps};
    size_t sizes[3] = {sizeof(hevc_vps), sizeof(hevc_sps), sizeof(hevc_pps)};
    CMFormatDescriptionRef fd = NULL;
    OSStatus st = CMVideoFormatDescriptionCreateFromHEVCParameterSets(NULL, 3, sets, sizes, 4,
                                                                      (CFDictionaryRef)ctx, &fd);
    *out = fd;
    return st;
}

static Boolean verify_hevc(void *ctx, CFTypeRef out) {
    size_t count = 0;
    (void)ctx;
    return CMVideoFormatDescriptionGetHEVCParameterSetAtIndex(out, 0, NULL, NULL, &count, NULL) ==
               noErr &&
           count == 3 &&
           CMFormatDescriptionGetExtension(out, kCMFormatDescriptionExtension_FormatName) != NULL;
}

static void *setup_pixel_buffer(void) {
    CVPixelBufferRef pb = NULL;
    CVPixelBufferCreate(NULL, 32, 16, kCVPixelFormatType_420YpCbCr8BiPlanarFullRange, NULL, &pb);
    CVBufferSetAttachment(pb, kCVImageBufferColorPrimariesKey,
                          kCVImageBufferColorPrimaries_ITU_R_2020,
                          kCVAttachmentMode_ShouldPropagate);
    CVBufferSetAttachment(pb, kCVImageBufferTransferFunctionKey,
                          kCVImageBufferTransferFunction_ITU_R_709_2,
                          kCVAttachmentMode_ShouldPropagate);
    return pb;
}

static int32_t run_fd_image_buffer(void *ctx, CFTypeRef *out) {
    CMVideoFormatDescriptionRef fd = NULL;
    OSStatus st = CMVideoFormatDescriptionCreateForImageBuffer(NULL, (CVImageBufferRef)ctx, &fd);
    *out = fd;
    return st;
}

static Boolean verify_fd_image_buffer(void *ctx, CFTypeRef out) {
    return CMVideoFormatDescriptionMatchesImageBuffer(out, (CVImageBufferRef)ctx);
}

/* ---- sample buffers ---- */

typedef struct SampleInputs {
    CMBlockBufferRef data;
    CMFormatDescriptionRef fd;
    CVPixelBufferRef pb;
    CMFormatDescriptionRef pb_fd;
    CMSampleBufferRef sbuf;
} SampleInputs;

static void *setup_samples(void) {
    SampleInputs *s = calloc(1, sizeof(*s));
    CMSampleTimingInfo t[3];
    size_t sizes[3] = {100, 100, 100};
    int i;
    s->data = make_segmented();
    run_fd_h264(NULL, (CFTypeRef *)&s->fd);
    s->pb = setup_pixel_buffer();
    CMVideoFormatDescriptionCreateForImageBuffer(NULL, s->pb, &s->pb_fd);
    for (i = 0; i < 3; i++) {
        t[i].duration = CMTimeMake(1, 30);
        t[i].presentationTimeStamp = CMTimeMake(i, 30);
        t[i].decodeTimeStamp = kCMTimeInvalid;
    }
    CMSampleBufferCreateReady(NULL, s->data, s->fd, 3, 3, t, 3, sizes, &s->sbuf);
    CMSetAttachment(s->sbuf, CFSTR("custom"), kCFBooleanTrue, kCMAttachmentMode_ShouldPropagate);
    CFDictionarySetValue((CFMutableDictionaryRef)CFArrayGetValueAtIndex(
                             CMSampleBufferGetSampleAttachmentsArray(s->sbuf, TRUE), 0),
                         kCMSampleAttachmentKey_NotSync, kCFBooleanTrue);
    return s;
}

static void teardown_samples(void *ctx) {
    SampleInputs *s = ctx;
    CFRelease(s->data);
    CFRelease(s->fd);
    CFRelease(s->pb);
    CFRelease(s->pb_fd);
    CFRelease(s->sbuf);
    free(s);
}

static int32_t run_sb_create(void *ctx, CFTypeRef *out) {
    SampleInputs *s = ctx;
    CMSampleTimingInfo t = {CMTimeMake(1, 30), CMTimeMake(0, 30), kCMTimeInvalid};
    size_t sizes[3] = {10, 20, 270};
    CMSampleBufferRef sb = NULL;
    OSStatus st =
        CMSampleBufferCreate(NULL, s->data, TRUE, NULL, NULL, s->fd, 3, 1, &t, 3, sizes, &sb);
    *out = sb;
    return st;
}

static int32_t run_sb_image(void *ctx, CFTypeRef *out) {
    SampleInputs *s = ctx;
    CMSampleTimingInfo t = {CMTimeMake(1, 30), CMTimeMake(5, 30), kCMTimeInvalid};
    CMSampleBufferRef sb = NULL;
    OSStatus st = CMSampleBufferCreateReadyWithImageBuffer(NULL, s->pb, s->pb_fd, &t, &sb);
    *out = sb;
    return st;
}

static int32_t run_sb_copy(void *ctx, CFTypeRef *out) {
    SampleInputs *s = ctx;
    CMSampleBufferRef sb = NULL;
    OSStatus st = CMSampleBufferCreateCopy(NULL, s->sbuf, &sb);
    *out = sb;
    return st;
}

static Boolean verify_sb_copy(void *ctx, CFTypeRef out) {
    CMSampleBufferRef sb = (CMSampleBufferRef)out;
    CFArrayRef a = CMSampleBufferGetSampleAttachmentsArray(sb, FALSE);
    (void)ctx;
    return CMSampleBufferGetNumSamples(sb) == 3 && a && CFArrayGetCount(a) == 3 &&
           CFDictionaryGetValue(CFArrayGetValueAtIndex(a, 0), kCMSampleAttachmentKey_NotSync) &&
           CMGetAttachment(sb, CFSTR("custom"), NULL) != NULL;
}

static int32_t run_sb_new_timing(void *ctx, CFTypeRef *out) {
    SampleInputs *s = ctx;
    CMSampleTimingInfo t = {CMTimeMake(1, 25), CMTimeMake(0, 25), kCMTimeInvalid};
    CMSampleBufferRef sb = NULL;
    OSStatus st = CMSampleBufferCreateCopyWithNewTiming(NULL, s->sbuf, 1, &t, &sb);
    *out = sb;
    return st;
}

/* A fresh buffer each time, so the attachments array is really created. */
static int32_t run_sb_attachments_array(void *ctx, CFTypeRef *out) {
    SampleInputs *s = ctx;
    CMSampleBufferRef sb = NULL;
    CFArrayRef a;
    OSStatus st = CMSampleBufferCreateReady(NULL, s->data, s->fd, 3, 0, NULL, 0, NULL, &sb);
    *out = NULL;
    if (st != noErr)
        return st;
    a = CMSampleBufferGetSampleAttachmentsArray(sb, TRUE);
    if (!a) {
        CFRelease(sb);
        return FAULT_NULL;
    }
    CHECK_EQ_INT(CFArrayGetCount(a), 3);
    *out = sb;
    return noErr;
}

static int32_t run_copy_attachments(void *ctx, CFTypeRef *out) {
    SampleInputs *s = ctx;
    return fault_cf_result(
        CMCopyDictionaryOfAttachments(NULL, s->sbuf, kCMAttachmentMode_ShouldPropagate), out);
}

static int32_t run_propagate(void *ctx, CFTypeRef *out) {
    SampleInputs *s = ctx;
    CMSampleBufferRef sb = NULL;
    OSStatus st = CMSampleBufferCreateReady(NULL, NULL, NULL, 0, 0, NULL, 0, NULL, &sb);
    *out = NULL;
    if (st != noErr)
        return st;
    CMPropagateAttachments(s->sbuf, sb);
    if (!CMGetAttachment(sb, CFSTR("custom"), NULL)) {
        CFRelease(sb);
        return FAULT_NULL; /* the void call could not report its failure */
    }
    *out = sb;
    return noErr;
}

/* ---- time, queue ---- */

static int32_t run_time_dict(void *ctx, CFTypeRef *out) {
    (void)ctx;
    return fault_cf_result(CMTimeCopyAsDictionary(CMTimeMake(1001, 30000), NULL), out);
}

static int32_t run_time_description(void *ctx, CFTypeRef *out) {
    (void)ctx;
    return fault_cf_result(CMTimeCopyDescription(NULL, CMTimeMake(-7, 3)), out);
}

static int32_t run_range_dict(void *ctx, CFTypeRef *out) {
    (void)ctx;
    return fault_cf_result(
        CMTimeRangeCopyAsDictionary(CMTimeRangeMake(CMTimeMake(1, 2), CMTimeMake(3, 4)), NULL),
        out);
}

static int32_t run_range_description(void *ctx, CFTypeRef *out) {
    (void)ctx;
    return fault_cf_result(
        CMTimeRangeCopyDescription(NULL, CMTimeRangeMake(kCMTimeZero, kCMTimePositiveInfinity)),
        out);
}

static int32_t run_queue(void *ctx, CFTypeRef *out) {
    CMSimpleQueueRef q = NULL;
    OSStatus st = CMSimpleQueueCreate(NULL, 64, &q);
    (void)ctx;
    *out = q;
    return st;
}

static const FaultCase cases[] = {
    {"CMBlockBufferCreateEmpty", NULL, run_bb_empty, NULL, NULL, BB_FAILED},
    {"CMBlockBufferCreateWithMemoryBlock (library block)", NULL, run_bb_library_block, NULL, NULL,
     BB_FAILED},
    {"CMBlockBufferCreateWithMemoryBlock (custom source)", setup_client_block, run_bb_client_block,
     NULL, teardown_client_block, BB_FAILED},
    {"CMBlockBufferCreateWithBufferReference", setup_segmented, run_bb_reference, NULL, release_ctx,
     BB_FAILED},
    {"CMBlockBufferCreateContiguous", setup_segmented, run_bb_contiguous, verify_contiguous,
     release_ctx, BB_FAILED},
    {"CMBlockBufferAppendMemoryBlock/AppendBufferReference", setup_segmented, run_bb_append, NULL,
     release_ctx, BB_FAILED},
    {"CMFormatDescriptionCreate", setup_extensions, run_fd_create, NULL, release_ctx, FD_FAILED},
    {"CMVideoFormatDescriptionCreate", setup_extensions, run_fd_video, NULL, release_ctx,
     FD_FAILED},
    {"CMVideoFormatDescriptionCreateFromH264ParameterSets", NULL, run_fd_h264, verify_h264, NULL,
     FD_FAILED},
    {"CMVideoFormatDescriptionCreateFromHEVCParameterSets", setup_extensions, run_fd_hevc,
     verify_hevc, release_ctx, FD_FAILED},
    {"CMVideoFormatDescriptionCreateForImageBuffer", setup_pixel_buffer, run_fd_image_buffer,
     verify_fd_image_buffer, release_ctx, FD_FAILED},
    {"CMSampleBufferCreate", setup_samples, run_sb_create, NULL, teardown_samples, SB_FAILED},
    {"CMSampleBufferCreateReadyWithImageBuffer", setup_samples, run_sb_image, NULL,
     teardown_samples, SB_FAILED},
    {"CMSampleBufferCreateCopy", setup_samples, run_sb_copy, verify_sb_copy, teardown_samples,
     SB_FAILED},
    {"CMSampleBufferCreateCopyWithNewTiming", setup_samples, run_sb_new_timing, NULL,
     teardown_samples, SB_FAILED},
    {"CMSampleBufferGetSampleAttachmentsArray",
     setup_samples,
     run_sb_attachments_array,
     NULL,
     teardown_samples,
     {kCMSampleBufferError_AllocationFailed, FAULT_NULL, 0, 0}},
    {"CMCopyDictionaryOfAttachments",
     setup_samples,
     run_copy_attachments,
     NULL,
     teardown_samples,
     {FAULT_NULL, 0, 0, 0}},
    {"CMPropagateAttachments",
     setup_samples,
     run_propagate,
     NULL,
     teardown_samples,
     {kCMSampleBufferError_AllocationFailed, FAULT_NULL, 0, 0}},
    {"CMTimeCopyAsDictionary", NULL, run_time_dict, NULL, NULL, {FAULT_NULL, 0, 0, 0}},
    {"CMTimeCopyDescription", NULL, run_time_description, NULL, NULL, {FAULT_NULL, 0, 0, 0}},
    {"CMTimeRangeCopyAsDictionary", NULL, run_range_dict, NULL, NULL, {FAULT_NULL, 0, 0, 0}},
    {"CMTimeRangeCopyDescription", NULL, run_range_description, NULL, NULL, {FAULT_NULL, 0, 0, 0}},
    {"CMSimpleQueueCreate",
     NULL,
     run_queue,
     NULL,
     NULL,
     {kCMSimpleQueueError_AllocationFailed, 0, 0, 0}},
};

int main(int argc, char **argv) {
    fault_init(argc, argv);
    fault_run_all(cases, sizeof(cases) / sizeof(cases[0]));
    return vt_test_result();
}
