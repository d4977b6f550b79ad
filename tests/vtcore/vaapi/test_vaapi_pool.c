/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Zero-copy input of the VA-API backends, on the test VA driver, through the
 * public API: VTCompressionSessionGetPixelBufferPool hands out buffers backed
 * by VA surfaces (vt_vaapi_pixel_buffer_surface), NULL base addresses until
 * locked, the VAImage's strides once locked; frames drawn from it are encoded
 * from their own surfaces (the driver records every picture's input surface)
 * with no vaPutImage and no mapping but the client's own locks; the stream
 * decodes (ffmpeg) to exactly what was written; surfaces are recycled and
 * none is left after the pool is flushed; H.264 (NV12) and HEVC Main10
 * (P010); a system-memory buffer on the same session is uploaded; a driver
 * that cannot derive images (VTCORETEST_DRV_NO_DERIVE) keeps the
 * system-memory pool; x264 keeps its pool.
 *
 * argv[1] = ffmpeg (optional: the decode checks are skipped without it).
 */
#include "config.h"

#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CoreFoundation/CoreFoundation.h>
#include <CoreMedia/CoreMedia.h>
#include <CoreVideo/CoreVideo.h>
#include <VideoToolbox/VideoToolbox.h>

#include "cv/cv_internal.h"
#include "encoder/vaapi.h"
#include "vt_test.h"

#define W      72 /* not a multiple of 16: the surface pitch (80) differs */
#define H      48
#define FRAMES 12

static void (*drv_stats)(long out[4]);
static unsigned (*drv_input)(long i);
static void (*drv_reset)(void);

static long stat_of(int k) {
    long v[4] = {0, 0, 0, 0};
    drv_stats(v);
    return v[k];
}
#define LIVE_SURFACES() stat_of(0)
#define PUT_IMAGES()    stat_of(1)
#define DERIVED_MAPS()  stat_of(2)
#define PICTURES()      stat_of(3)

/* ---- output: Annex B stream of every sample ---- */

typedef struct Outputs {
    uint8_t *stream;
    size_t size;
    int count, errors;
    Boolean hevc;
} Outputs;

static void append(Outputs *o, const uint8_t *p, size_t n) {
    o->stream = realloc(o->stream, o->size + 4 + n);
    memcpy(o->stream + o->size, "\0\0\0\1", 4);
    memcpy(o->stream + o->size + 4, p, n);
    o->size += 4 + n;
}

static void on_output(void *ref, void *frame_ref, OSStatus status, VTEncodeInfoFlags flags,
                      CMSampleBufferRef sbuf) {
    Outputs *o = ref;
    (void)frame_ref;
    (void)flags;
    o->count++;
    if (status != noErr || !sbuf) {
        o->errors++;
        return;
    }
    CMFormatDescriptionRef fmt = CMSampleBufferGetFormatDescription(sbuf);
    if (o->size == 0 && fmt) {
        for (size_t k = 0; k < (o->hevc ? 3u : 2u); k++) {
            const uint8_t *ps = NULL;
            size_t n = 0;
            OSStatus st = o->hevc
                              ? CMVideoFormatDescriptionGetHEVCParameterSetAtIndex(fmt, k, &ps, &n,
                                                                                   NULL, NULL)
                              : CMVideoFormatDescriptionGetH264ParameterSetAtIndex(fmt, k, &ps, &n,
                                                                                   NULL, NULL);
            if (st == noErr)
                append(o, ps, n);
        }
    }
    CMBlockBufferRef bb = CMSampleBufferGetDataBuffer(sbuf);
    size_t len = bb ? CMBlockBufferGetDataLength(bb) : 0, off = 0;
    uint8_t *buf = malloc(len ? len : 1);
    if (bb && CMBlockBufferCopyDataBytes(bb, 0, len, buf) == kCMBlockBufferNoErr) {
        while (off + 4 <= len) {
            size_t n = ((size_t)buf[off] << 24) | ((size_t)buf[off + 1] << 16) |
                       ((size_t)buf[off + 2] << 8) | buf[off + 3];
            if (n == 0 || off + 4 + n > len)
                break;
            append(o, buf + off + 4, n);
            off += 4 + n;
        }
    }
    if (off != len)
        o->errors++;
    free(buf);
}

/* ---- pictures ---- */

static unsigned luma(int x, int y, int i) {
    int bx = (i * 4) % (W - 16), by = (i * 2) % (H - 16);
    if (x >= bx && x < bx + 16 && y >= by && y < by + 16)
        return 220u - (unsigned)(x - bx) * 5u;
    return 40u + (unsigned)((x * 3 + y * 2 + (i >= 6 ? 17 : 0)) % 150);
}
static unsigned chroma(int x, int y, int c, int i) {
    return c ? 160u - (unsigned)((y * 2 + i) % 70) : 90u + (unsigned)((x + i) % 60);
}

/* Writes picture i into pb (NV12 or P010) through the public lock API. */
static void draw(CVPixelBufferRef pb, int i, Boolean ten) {
    CHECK_EQ_INT(CVPixelBufferLockBaseAddress(pb, 0), kCVReturnSuccess);
    uint8_t *y = CVPixelBufferGetBaseAddressOfPlane(pb, 0);
    uint8_t *uv = CVPixelBufferGetBaseAddressOfPlane(pb, 1);
    size_t ys = CVPixelBufferGetBytesPerRowOfPlane(pb, 0);
    size_t cs = CVPixelBufferGetBytesPerRowOfPlane(pb, 1);
    CHECK(y && uv);
    if (y && uv) {
        for (int r = 0; r < H; r++)
            for (int x = 0; x < W; x++) {
                unsigned v = luma(x, r, i);
                if (ten) {
                    uint16_t s = (uint16_t)((v << 2) << 6);
                    memcpy(y + (size_t)r * ys + 2 * (size_t)x, &s, 2);
                } else {
                    y[(size_t)r * ys + (size_t)x] = (uint8_t)v;
                }
            }
        for (int r = 0; r < H / 2; r++)
            for (int x = 0; x < W / 2; x++)
                for (int c = 0; c < 2; c++) {
                    unsigned v = chroma(x, r, c, i);
                    if (ten) {
                        uint16_t s = (uint16_t)((v << 2) << 6);
                        memcpy(uv + (size_t)r * cs + 4 * (size_t)x + 2 * (size_t)c, &s, 2);
                    } else {
                        uv[(size_t)r * cs + 2 * (size_t)x + (size_t)c] = (uint8_t)v;
                    }
                }
    }
    CHECK_EQ_INT(CVPixelBufferUnlockBaseAddress(pb, 0), kCVReturnSuccess);
}

/* Decodes o->stream and compares every sample with draw()'s pictures. */
static void check_decoded(const char *ffmpeg, const Outputs *o, Boolean ten, int frames) {
    char dir[] = "/tmp/vtcore-vapool-XXXXXX", in[600], out[600], cmd[1600];
    if (!ffmpeg) {
        fprintf(stderr, "no ffmpeg: decode check skipped\n");
        return;
    }
    CHECK(mkdtemp(dir) != NULL);
    snprintf(in, sizeof(in), "%s/s.%s", dir, o->hevc ? "hevc" : "h264");
    snprintf(out, sizeof(out), "%s/s.yuv", dir);
    FILE *f = fopen(in, "wb");
    CHECK(f != NULL);
    if (!f)
        return;
    fwrite(o->stream, 1, o->size, f);
    fclose(f);
    snprintf(cmd, sizeof(cmd),
             "'%s' -hide_banner -nostdin -v error -i '%s' -f rawvideo -pix_fmt %s -y '%s' 2>&1",
             ffmpeg, in, ten ? "yuv420p10le" : "yuv420p", out);
    CHECK_EQ_INT(system(cmd), 0);
    size_t bps = ten ? 2 : 1, frame = (size_t)W * H * 3 / 2 * bps, n = 0;
    uint8_t *raw = malloc(frame * (size_t)frames + 1);
    f = fopen(out, "rb");
    if (f) {
        n = fread(raw, 1, frame * (size_t)frames + 1, f);
        fclose(f);
    }
    CHECK_EQ_INT(n, frame * (size_t)frames);
    int bad = 0;
    for (int i = 0; n == frame * (size_t)frames && i < frames; i++) {
        const uint8_t *p = raw + frame * (size_t)i;
#define SAMPLE(k) (ten ? (unsigned)(p[2 * (k)] | (p[2 * (k) + 1] << 8)) : (unsigned)p[k])
        for (int r = 0; r < H; r++)
            for (int x = 0; x < W; x++)
                bad += SAMPLE((size_t)r * W + x) != luma(x, r, i) << (ten ? 2 : 0);
        for (int c = 0; c < 2; c++)
            for (int r = 0; r < H / 2; r++)
                for (int x = 0; x < W / 2; x++) {
                    size_t k = (size_t)W * H + (size_t)c * (W / 2) * (H / 2) + (size_t)r * (W / 2) +
                               (size_t)x;
                    bad += SAMPLE(k) != chroma(x, r, c, i) << (ten ? 2 : 0);
                }
#undef SAMPLE
    }
    CHECK_MSG(bad == 0, "%d decoded samples differ from what was written to the pool", bad);
    free(raw);
    unlink(in);
    unlink(out);
    rmdir(dir);
}

/* ---- sessions ---- */

static CFDictionaryRef spec_for(const char *encoder_id) {
    CFStringRef id = CFStringCreateWithCString(NULL, encoder_id, kCFStringEncodingUTF8);
    const void *k[1] = {kVTVideoEncoderSpecification_EncoderID}, *v[1] = {id};
    CFDictionaryRef d = CFDictionaryCreate(NULL, k, v, 1, &kCFTypeDictionaryKeyCallBacks,
                                           &kCFTypeDictionaryValueCallBacks);
    CFRelease(id);
    return d;
}

static CFDictionaryRef attrs_for(OSType format) {
    int32_t f = (int32_t)format;
    CFNumberRef n = CFNumberCreate(NULL, kCFNumberSInt32Type, &f);
    const void *k[1] = {kCVPixelBufferPixelFormatTypeKey}, *v[1] = {n};
    CFDictionaryRef d = CFDictionaryCreate(NULL, k, v, 1, &kCFTypeDictionaryKeyCallBacks,
                                           &kCFTypeDictionaryValueCallBacks);
    CFRelease(n);
    return d;
}

static VTCompressionSessionRef make_session(CMVideoCodecType codec, const char *id, OSType format,
                                            Outputs *o) {
    VTCompressionSessionRef s = NULL;
    CFDictionaryRef spec = spec_for(id), attrs = attrs_for(format);
    memset(o, 0, sizeof(*o));
    o->hevc = codec == kCMVideoCodecType_HEVC;
    CHECK_STATUS(VTCompressionSessionCreate(NULL, W, H, codec, spec, attrs, NULL, on_output, o, &s),
                 noErr);
    CFRelease(spec);
    CFRelease(attrs);
    if (!s)
        return NULL;
    double q = 0.9; /* low QP: the fixture's PCM/skip stream stays lossless */
    CFNumberRef qn = CFNumberCreate(NULL, kCFNumberDoubleType, &q);
    CHECK_STATUS(VTSessionSetProperty(s, kVTCompressionPropertyKey_Quality, qn), noErr);
    CFRelease(qn);
    if (o->hevc)
        CHECK_STATUS(VTSessionSetProperty(s, kVTCompressionPropertyKey_ProfileLevel,
                                          kVTProfileLevel_HEVC_Main10_AutoLevel),
                     noErr);
    return s;
}

static Boolean in_list(const unsigned *list, int n, unsigned v) {
    for (int i = 0; i < n; i++)
        if (list[i] == v)
            return TRUE;
    return FALSE;
}

/* The whole zero-copy path for one codec. */
static void test_zero_copy(const char *ffmpeg, CMVideoCodecType codec, const char *id,
                           OSType format, Boolean via_transfer) {
    Boolean ten = format == kCVPixelFormatType_420YpCbCr10BiPlanarVideoRange;
    size_t bps = ten ? 2 : 1;
    Outputs o;
    fprintf(stderr, "--- zero copy: %s%s\n", id,
            via_transfer ? ", filled by a transfer session" : "");
    VTPixelTransferSessionRef xfer = NULL;
    CVPixelBufferRef src = NULL;
    if (via_transfer) {
        CHECK_STATUS(VTPixelTransferSessionCreate(NULL, &xfer), noErr);
        CHECK_EQ_INT(CVPixelBufferCreate(NULL, W, H, format, NULL, &src), kCVReturnSuccess);
        if (!xfer || !src)
            return;
    }
    long live0 = LIVE_SURFACES();
    VTCompressionSessionRef s = make_session(codec, id, format, &o);
    if (!s)
        return;
    CVPixelBufferPoolRef pool = VTCompressionSessionGetPixelBufferPool(s);
    CHECK(pool != NULL);
    if (!pool) {
        CFRelease(s);
        return;
    }
    CHECK(VTCompressionSessionGetPixelBufferPool(s) == pool); /* asked once, kept */
    CVPixelBufferPoolRetain(pool);                            /* outlives the session below */

    /* the buffers: VA-backed, mapped only while locked, the VAImage's pitch */
    CVPixelBufferRef pb = NULL;
    CHECK_EQ_INT(CVPixelBufferPoolCreatePixelBuffer(NULL, pool, &pb), kCVReturnSuccess);
    if (!pb) {
        CFRelease(s);
        CVPixelBufferPoolRelease(pool);
        return;
    }
    CHECK(vt_vaapi_pixel_buffer_surface(pb) != VA_INVALID_SURFACE);
    CHECK_EQ_INT(CVPixelBufferGetPixelFormatType(pb), format);
    CHECK_EQ_INT(CVPixelBufferGetWidth(pb), W);
    CHECK_EQ_INT(CVPixelBufferGetHeight(pb), H);
    CHECK_EQ_INT(CVPixelBufferGetPlaneCount(pb), 2);
    CHECK_EQ_INT(CVPixelBufferGetWidthOfPlane(pb, 1), W / 2);
    CHECK(CVPixelBufferGetBaseAddressOfPlane(pb, 0) == NULL); /* not mapped until locked */
    CHECK(!vt_pixel_buffer_external_is_mapped(pb));
    long maps0 = DERIVED_MAPS();
    CHECK_EQ_INT(CVPixelBufferLockBaseAddress(pb, kCVPixelBufferLock_ReadOnly), kCVReturnSuccess);
    CHECK_EQ_INT(CVPixelBufferLockBaseAddress(pb, 0), kCVReturnSuccess); /* nested */
    CHECK_EQ_INT(DERIVED_MAPS(), maps0 + 1);                             /* one mapping */
    uint8_t *y = CVPixelBufferGetBaseAddressOfPlane(pb, 0);
    uint8_t *uv = CVPixelBufferGetBaseAddressOfPlane(pb, 1);
    CHECK(y != NULL && uv != NULL);
    /* the fixture's surfaces: pitch = 16-pixel columns, chroma after 16-row luma */
    size_t pitch = (W + 15) / 16 * 16 * bps, rows = (H + 15) / 16 * 16;
    CHECK_EQ_INT(CVPixelBufferGetBytesPerRowOfPlane(pb, 0), pitch);
    CHECK_EQ_INT(CVPixelBufferGetBytesPerRowOfPlane(pb, 1), pitch);
    CHECK(uv == y + pitch * rows);
    CHECK(CVPixelBufferGetBaseAddress(pb) == y);
    CHECK_EQ_INT(CVPixelBufferUnlockBaseAddress(pb, 0), kCVReturnSuccess);
    CHECK(vt_pixel_buffer_external_is_mapped(pb)); /* one lock left */
    CHECK_EQ_INT(CVPixelBufferUnlockBaseAddress(pb, kCVPixelBufferLock_ReadOnly), kCVReturnSuccess);
    CHECK(!vt_pixel_buffer_external_is_mapped(pb));
    CHECK(CVPixelBufferGetBaseAddressOfPlane(pb, 0) == NULL);
    CHECK_EQ_INT(CVPixelBufferUnlockBaseAddress(pb, 0), kCVReturnInvalidArgument);
    CVPixelBufferRelease(pb);

    /* encode FRAMES pool frames */
    unsigned used[FRAMES];
    int n_used = 0;
    drv_reset();
    for (int i = 0; i < FRAMES; i++) {
        pb = NULL;
        CHECK_EQ_INT(CVPixelBufferPoolCreatePixelBuffer(NULL, pool, &pb), kCVReturnSuccess);
        if (!pb)
            break;
        unsigned sid = vt_vaapi_pixel_buffer_surface(pb);
        CHECK(sid != VA_INVALID_SURFACE);
        if (!in_list(used, n_used, sid))
            used[n_used++] = sid;
        if (via_transfer) {
            draw(src, i, ten);
            CHECK_STATUS(VTPixelTransferSessionTransferImage(xfer, src, pb), noErr);
        } else {
            draw(pb, i, ten);
        }
        CHECK_STATUS(VTCompressionSessionEncodeFrame(s, pb, CMTimeMake(i, 30), CMTimeMake(1, 30),
                                                     NULL, NULL, NULL),
                     noErr);
        CVPixelBufferRelease(pb);
    }
    CHECK_STATUS(VTCompressionSessionCompleteFrames(s, kCMTimeInvalid), noErr);
    CHECK_EQ_INT(o.count, FRAMES);
    CHECK_EQ_INT(o.errors, 0);
    /* zero copies: no upload, and every picture's input surface is a pool
     * surface. One mapping per frame: draw()'s lock. The session passes the
     * buffer to the encoder by identity (takes_buffer) without mapping it
     * for the CPU; a session mapping or an upload would add one each. */
    CHECK_EQ_INT(PUT_IMAGES(), 0);
    if (!via_transfer)
        CHECK_EQ_INT(DERIVED_MAPS(), FRAMES);
    CHECK_EQ_INT(PICTURES(), FRAMES);
    for (long k = 0; k < FRAMES; k++)
        CHECK_MSG(in_list(used, n_used, drv_input(k)), "picture %ld encoded from surface 0x%x", k,
                  drv_input(k));
    /* buffers come back: the session released them after their outputs, the
     * pool reused their surfaces */
    CHECK(n_used < FRAMES);
    CHECK_MSG(n_used <= 4, "%d surfaces for %d frames", n_used, FRAMES);
    CHECK_EQ_INT(vt_pixel_buffer_pool_outstanding_count(pool), 0);
    check_decoded(ffmpeg, &o, ten, FRAMES);

    /* a system-memory buffer on the same session: uploaded */
    drv_reset();
    CVPixelBufferRef sys = NULL;
    CHECK_EQ_INT(CVPixelBufferCreate(NULL, W, H, format, NULL, &sys), kCVReturnSuccess);
    if (sys) {
        draw(sys, 0, ten);
        CHECK_STATUS(VTCompressionSessionEncodeFrame(s, sys, CMTimeMake(FRAMES, 30),
                                                     CMTimeMake(1, 30), NULL, NULL, NULL),
                     noErr);
        CHECK_STATUS(VTCompressionSessionCompleteFrames(s, kCMTimeInvalid), noErr);
        CHECK_EQ_INT(PICTURES(), 1);
        CHECK(!in_list(used, n_used, drv_input(0)));
        CHECK_EQ_INT(DERIVED_MAPS(), 1); /* the backend's own upload (derive path) */
        CVPixelBufferRelease(sys);
    }
    CHECK_EQ_INT(o.count, FRAMES + 1);
    CHECK_EQ_INT(o.errors, 0);

    /* a buffer kept past the session stays usable */
    CVPixelBufferRef kept = NULL;
    CHECK_EQ_INT(CVPixelBufferPoolCreatePixelBuffer(NULL, pool, &kept), kCVReturnSuccess);
    VTCompressionSessionInvalidate(s);
    CHECK(VTCompressionSessionGetPixelBufferPool(s) == NULL);
    CFRelease(s);
    if (kept) {
        draw(kept, 1, ten);
        CVPixelBufferRelease(kept);
    }
    /* only the pool's idle surfaces are left; a flush destroys them */
    CHECK_EQ_INT(LIVE_SURFACES() - live0, n_used);
    CVPixelBufferPoolFlush(pool, kCVPixelBufferPoolFlushExcessBuffers);
    CHECK_EQ_INT(LIVE_SURFACES(), live0);
    CVPixelBufferPoolRelease(pool);
    CHECK_EQ_INT(LIVE_SURFACES(), live0);
    free(o.stream);
    if (xfer) {
        VTPixelTransferSessionInvalidate(xfer);
        CFRelease(xfer);
    }
    if (src)
        CVPixelBufferRelease(src);
}

/* A pool buffer the client holds locked read-write while it is encoded:
 * the CPU may still be writing, so the backend copies it (its own surface)
 * instead of reading the pool surface; the frame is still encoded. */
static void test_locked_buffer(void) {
    Outputs o;
    fprintf(stderr, "--- locked read-write during EncodeFrame\n");
    VTCompressionSessionRef s = make_session(kCMVideoCodecType_H264, "org.vtcore.vaapi.h264",
                                             kCVPixelFormatType_420YpCbCr8BiPlanarVideoRange, &o);
    if (!s)
        return;
    CVPixelBufferPoolRef pool = VTCompressionSessionGetPixelBufferPool(s);
    CVPixelBufferRef pb = NULL, pb2 = NULL;
    CHECK_EQ_INT(CVPixelBufferPoolCreatePixelBuffer(NULL, pool, &pb), kCVReturnSuccess);
    CHECK_EQ_INT(CVPixelBufferPoolCreatePixelBuffer(NULL, pool, &pb2), kCVReturnSuccess);
    if (pb && pb2) {
        unsigned sid = vt_vaapi_pixel_buffer_surface(pb);
        unsigned sid2 = vt_vaapi_pixel_buffer_surface(pb2);
        CHECK(sid != VA_INVALID_SURFACE && sid2 != VA_INVALID_SURFACE && sid != sid2);
        draw(pb, 0, FALSE);
        draw(pb2, 1, FALSE);
        drv_reset();
        CHECK_EQ_INT(CVPixelBufferLockBaseAddress(pb, 0), kCVReturnSuccess);
        CHECK_STATUS(VTCompressionSessionEncodeFrame(s, pb, CMTimeMake(0, 30), CMTimeMake(1, 30),
                                                     NULL, NULL, NULL),
                     noErr);
        CHECK(CVPixelBufferGetBaseAddressOfPlane(pb, 0) != NULL); /* still mapped for us */
        CHECK_EQ_INT(CVPixelBufferUnlockBaseAddress(pb, 0), kCVReturnSuccess);
        /* a read-only lock writes nothing: zero copy */
        CHECK_EQ_INT(CVPixelBufferLockBaseAddress(pb2, kCVPixelBufferLock_ReadOnly),
                     kCVReturnSuccess);
        CHECK_STATUS(VTCompressionSessionEncodeFrame(s, pb2, CMTimeMake(1, 30), CMTimeMake(1, 30),
                                                     NULL, NULL, NULL),
                     noErr);
        CHECK(CVPixelBufferGetBaseAddressOfPlane(pb2, 0) != NULL);
        CHECK_EQ_INT(CVPixelBufferUnlockBaseAddress(pb2, kCVPixelBufferLock_ReadOnly),
                     kCVReturnSuccess);
        CHECK(!vt_pixel_buffer_external_is_mapped(pb2));
        CHECK_STATUS(VTCompressionSessionCompleteFrames(s, kCMTimeInvalid), noErr);
        CHECK_EQ_INT(o.count, 2);
        CHECK_EQ_INT(o.errors, 0);
        CHECK_EQ_INT(PICTURES(), 2);
        unsigned in0 = drv_input(0), in1 = drv_input(1);
        /* B-frames may reorder: find which picture is which by elimination */
        CHECK(in0 != sid && in1 != sid);   /* the locked one was copied */
        CHECK(in0 == sid2 || in1 == sid2); /* the read-only one was not */
    }
    if (pb)
        CVPixelBufferRelease(pb);
    if (pb2)
        CVPixelBufferRelease(pb2);
    VTCompressionSessionInvalidate(s);
    CFRelease(s);
    free(o.stream);
}

/* Without vaDeriveImage the session keeps its system-memory pool. */
static void test_no_derive(void) {
    Outputs o;
    fprintf(stderr, "--- no derive\n");
    setenv("VTCORETEST_DRV_NO_DERIVE", "1", 1);
    VTCompressionSessionRef s = make_session(kCMVideoCodecType_H264, "org.vtcore.vaapi.h264",
                                             kCVPixelFormatType_420YpCbCr8BiPlanarVideoRange, &o);
    if (s) {
        CVPixelBufferPoolRef pool = VTCompressionSessionGetPixelBufferPool(s);
        CVPixelBufferRef pb = NULL;
        CHECK(pool != NULL);
        CHECK_EQ_INT(CVPixelBufferPoolCreatePixelBuffer(NULL, pool, &pb), kCVReturnSuccess);
        if (pb) {
            CHECK(vt_vaapi_pixel_buffer_surface(pb) == VA_INVALID_SURFACE);
            CHECK(CVPixelBufferGetBaseAddressOfPlane(pb, 0) != NULL); /* plain memory */
            drv_reset();
            draw(pb, 0, FALSE);
            CHECK_STATUS(VTCompressionSessionEncodeFrame(s, pb, CMTimeMake(0, 30),
                                                         CMTimeMake(1, 30), NULL, NULL, NULL),
                         noErr);
            CHECK_STATUS(VTCompressionSessionCompleteFrames(s, kCMTimeInvalid), noErr);
            CHECK_EQ_INT(PUT_IMAGES(), 1); /* uploaded */
            CHECK_EQ_INT(o.count, 1);
            CHECK_EQ_INT(o.errors, 0);
            CVPixelBufferRelease(pb);
        }
        VTCompressionSessionInvalidate(s);
        CFRelease(s);
    }
    unsetenv("VTCORETEST_DRV_NO_DERIVE");
    free(o.stream);
}

/* x264 keeps its system-memory pool. */
static void test_x264_pool(void) {
#if HAVE_X264
    Outputs o;
    fprintf(stderr, "--- x264\n");
    VTCompressionSessionRef s = make_session(kCMVideoCodecType_H264, "org.vtcore.x264.h264",
                                             kCVPixelFormatType_420YpCbCr8BiPlanarVideoRange, &o);
    if (!s)
        return;
    CVPixelBufferPoolRef pool = VTCompressionSessionGetPixelBufferPool(s);
    CVPixelBufferRef pb = NULL;
    CHECK(pool != NULL);
    CHECK_EQ_INT(CVPixelBufferPoolCreatePixelBuffer(NULL, pool, &pb), kCVReturnSuccess);
    if (pb) {
        CHECK(vt_vaapi_pixel_buffer_surface(pb) == VA_INVALID_SURFACE);
        CHECK(CVPixelBufferGetBaseAddressOfPlane(pb, 0) != NULL);
        CVPixelBufferRelease(pb);
    }
    VTCompressionSessionInvalidate(s);
    CFRelease(s);
    free(o.stream);
#endif
}

int main(int argc, char **argv) {
    const char *ffmpeg = argc > 1 ? argv[1] : NULL;
    const char *dir = getenv("LIBVA_DRIVERS_PATH");
    char path[1024];
    if (!dir)
        VT_TEST_SKIP("LIBVA_DRIVERS_PATH is not set (run through meson test)");
    /* Our own reference keeps the module (and its counters) loaded across
     * vaTerminate; libva's dlopen gets the same instance. */
    snprintf(path, sizeof(path), "%s/vtcoretest_drv_video.so", dir);
    void *drv = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    CHECK_MSG(drv != NULL, "dlopen %s: %s", path, dlerror());
    if (!drv)
        return vt_test_result();
    *(void **)&drv_stats = dlsym(drv, "vtcoretest_drv_stats");
    *(void **)&drv_input = dlsym(drv, "vtcoretest_drv_input_surface");
    *(void **)&drv_reset = dlsym(drv, "vtcoretest_drv_stats_reset");
    CHECK(drv_stats && drv_input && drv_reset);
    if (!drv_stats || !drv_input || !drv_reset)
        return vt_test_result();

    test_zero_copy(ffmpeg, kCMVideoCodecType_H264, "org.vtcore.vaapi.h264",
                   kCVPixelFormatType_420YpCbCr8BiPlanarVideoRange, FALSE);
    test_zero_copy(ffmpeg, kCMVideoCodecType_HEVC, "org.vtcore.vaapi.hevc",
                   kCVPixelFormatType_420YpCbCr10BiPlanarVideoRange, FALSE);
    test_zero_copy(ffmpeg, kCMVideoCodecType_H264, "org.vtcore.vaapi.h264",
                   kCVPixelFormatType_420YpCbCr8BiPlanarVideoRange, TRUE);
    test_locked_buffer();
    test_no_derive();
    test_x264_pool();
    dlclose(drv);
    return vt_test_result();
}
