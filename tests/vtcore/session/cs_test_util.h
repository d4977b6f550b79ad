/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Helpers shared by the VTCompressionSession tests. Everything here uses the
 * PUBLIC API only (VideoToolbox / CoreMedia / CoreVideo / CoreFoundation
 * headers), the way a macOS client would: a moving test pattern written into
 * CVPixelBuffers of several formats, an output callback that records every
 * call, AVCC sample parsing (NAL types, slice types) and an Annex B writer.
 */
#ifndef VTCORE_TESTS_CS_TEST_UTIL_H
#define VTCORE_TESTS_CS_TEST_UTIL_H

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CoreFoundation/CoreFoundation.h>
#include <CoreMedia/CoreMedia.h>
#include <CoreVideo/CoreVideo.h>
#include <VideoToolbox/VideoToolbox.h>

#include "vt_test.h"

#define FOURCC_I420    0x79343230u /* 'y420' */
#define FOURCC_I420_FR 0x66343230u /* 'f420' */
#define FOURCC_NV12    0x34323076u /* '420v' */
#define FOURCC_NV12_FR 0x34323066u /* '420f' */
#define FOURCC_BGRA    0x42475241u /* 'BGRA' */
#define FOURCC_UYVY    0x32767579u /* '2vuy' */
#define FOURCC_YUY2    0x79757673u /* 'yuvs' */
#define CODEC_H264     0x61766331u /* 'avc1' */
#define CODEC_HEVC     0x68766331u /* 'hvc1' */

/* ------------------------------------------------------------------ */
/* Test pattern: a diagonal gradient moving right, a bright box bouncing
 * around with a dark square inside, smooth chroma ramps. Deterministic. */

static inline uint8_t cs_tri(int v, int period, int lo, int hi) {
    int m = ((v % period) + period) % period;
    int half = period / 2;
    int t = m < half ? m : period - 1 - m;
    return (uint8_t)(lo + t * (hi - lo) / (half - 1));
}

/* One I420 frame, tightly packed: y (w*h), u and v ((w+1)/2 * (h+1)/2). */
typedef struct CSImage {
    int width, height;
    uint8_t *y, *u, *v;
} CSImage;

static inline void cs_image_alloc(CSImage *img, int w, int h) {
    int cw = (w + 1) / 2, ch = (h + 1) / 2;
    img->width = w;
    img->height = h;
    img->y = malloc((size_t)w * (size_t)h);
    img->u = malloc((size_t)cw * (size_t)ch);
    img->v = malloc((size_t)cw * (size_t)ch);
}

static inline void cs_image_free(CSImage *img) {
    free(img->y);
    free(img->u);
    free(img->v);
    memset(img, 0, sizeof(*img));
}

static inline void cs_pattern(CSImage *img, int i) {
    int w = img->width, h = img->height;
    int cw = (w + 1) / 2, ch = (h + 1) / 2;
    int bs = w / 8 > 8 ? w / 8 : 8;
    if (bs > w - 1)
        bs = w > 2 ? w - 1 : 1;
    if (bs > h - 1)
        bs = h > 2 ? h - 1 : 1;
    int bx = w - bs > 0 ? cs_tri(i * 5, 2 * (w - bs) + 2, 0, w - bs) : 0;
    int by = h - bs > 0 ? cs_tri(i * 3, 2 * (h - bs) + 2, 0, h - bs) : 0;
    for (int yy = 0; yy < h; yy++) {
        for (int xx = 0; xx < w; xx++) {
            /* gradient plus two moving stripe textures (not one translation) */
            int val = cs_tri(xx + yy / 2 + 3 * i, 400, 36, 215) +
                      cs_tri(xx * 5 + yy * 3 + 4 * i, 46, 0, 24) - 12 +
                      cs_tri(xx * 2 - yy * 7 + 3 * i, 38, 0, 16) - 8;
            if (xx >= bx && xx < bx + bs && yy >= by && yy < by + bs) {
                int inner = xx >= bx + bs / 4 && xx < bx + 3 * bs / 4 && yy >= by + bs / 4 &&
                            yy < by + 3 * bs / 4;
                val = inner ? 40 : 220;
            }
            img->y[(size_t)yy * (size_t)w + (size_t)xx] = (uint8_t)val;
        }
    }
    for (int yy = 0; yy < ch; yy++) {
        for (int xx = 0; xx < cw; xx++) {
            size_t o = (size_t)yy * (size_t)cw + (size_t)xx;
            img->u[o] = cs_tri(xx + i, 160, 100, 156);
            img->v[o] = cs_tri(yy * 2 + 2 * i, 200, 104, 152);
        }
    }
}

static inline uint8_t cs_clamp(int v) {
    return (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
}

/* Writes img into pb (any of the formats above; pb has img's size).
 * Returns 0 on success. */
static inline int cs_fill_buffer(CVPixelBufferRef pb, const CSImage *img) {
    OSType f = CVPixelBufferGetPixelFormatType(pb);
    int w = img->width, h = img->height, cw = (w + 1) / 2;
    if ((int)CVPixelBufferGetWidth(pb) != w || (int)CVPixelBufferGetHeight(pb) != h)
        return -1;
    if (CVPixelBufferLockBaseAddress(pb, 0) != kCVReturnSuccess)
        return -1;
    int rc = 0;
    if (f == FOURCC_I420 || f == FOURCC_I420_FR) {
        for (int p = 0; p < 3; p++) {
            uint8_t *d = CVPixelBufferGetBaseAddressOfPlane(pb, (size_t)p);
            size_t bpr = CVPixelBufferGetBytesPerRowOfPlane(pb, (size_t)p);
            const uint8_t *s = p == 0 ? img->y : p == 1 ? img->u : img->v;
            int pw = p ? cw : w, ph = p ? (h + 1) / 2 : h;
            for (int yy = 0; yy < ph; yy++)
                memcpy(d + (size_t)yy * bpr, s + (size_t)yy * (size_t)pw, (size_t)pw);
        }
    } else if (f == FOURCC_NV12 || f == FOURCC_NV12_FR) {
        uint8_t *d = CVPixelBufferGetBaseAddressOfPlane(pb, 0);
        size_t bpr = CVPixelBufferGetBytesPerRowOfPlane(pb, 0);
        for (int yy = 0; yy < h; yy++)
            memcpy(d + (size_t)yy * bpr, img->y + (size_t)yy * (size_t)w, (size_t)w);
        d = CVPixelBufferGetBaseAddressOfPlane(pb, 1);
        bpr = CVPixelBufferGetBytesPerRowOfPlane(pb, 1);
        for (int yy = 0; yy < (h + 1) / 2; yy++) {
            for (int xx = 0; xx < cw; xx++) {
                d[(size_t)yy * bpr + 2 * (size_t)xx] = img->u[(size_t)yy * (size_t)cw + (size_t)xx];
                d[(size_t)yy * bpr + 2 * (size_t)xx + 1] =
                    img->v[(size_t)yy * (size_t)cw + (size_t)xx];
            }
        }
    } else if (f == FOURCC_BGRA) {
        /* BT.601 video range -> RGB */
        uint8_t *d = CVPixelBufferGetBaseAddress(pb);
        size_t bpr = CVPixelBufferGetBytesPerRow(pb);
        for (int yy = 0; yy < h; yy++) {
            for (int xx = 0; xx < w; xx++) {
                int Y = img->y[(size_t)yy * (size_t)w + (size_t)xx] - 16;
                size_t co = (size_t)(yy / 2) * (size_t)cw + (size_t)(xx / 2);
                int U = img->u[co] - 128, V = img->v[co] - 128;
                uint8_t *px = d + (size_t)yy * bpr + 4 * (size_t)xx;
                px[2] = cs_clamp((298 * Y + 409 * V + 128) >> 8);
                px[1] = cs_clamp((298 * Y - 100 * U - 208 * V + 128) >> 8);
                px[0] = cs_clamp((298 * Y + 516 * U + 128) >> 8);
                px[3] = 255;
            }
        }
    } else if (f == FOURCC_UYVY || f == FOURCC_YUY2) {
        uint8_t *d = CVPixelBufferGetBaseAddress(pb);
        size_t bpr = CVPixelBufferGetBytesPerRow(pb);
        int uyvy = f == FOURCC_UYVY;
        for (int yy = 0; yy < h; yy++) {
            for (int xx = 0; xx < w; xx += 2) {
                size_t co = (size_t)(yy / 2) * (size_t)cw + (size_t)(xx / 2);
                uint8_t y0 = img->y[(size_t)yy * (size_t)w + (size_t)xx];
                uint8_t y1 = xx + 1 < w ? img->y[(size_t)yy * (size_t)w + (size_t)xx + 1] : y0;
                uint8_t *px = d + (size_t)yy * bpr + 2 * (size_t)xx;
                if (uyvy) {
                    px[0] = img->u[co], px[1] = y0, px[2] = img->v[co], px[3] = y1;
                } else {
                    px[0] = y0, px[1] = img->u[co], px[2] = y1, px[3] = img->v[co];
                }
            }
        }
    } else {
        rc = -1;
    }
    CVPixelBufferUnlockBaseAddress(pb, 0);
    return rc;
}

/* A new buffer of format f holding pattern frame i at w x h (NULL on error). */
static inline CVPixelBufferRef cs_make_buffer(OSType f, int w, int h, int i) {
    CVPixelBufferRef pb = NULL;
    if (CVPixelBufferCreate(NULL, (size_t)w, (size_t)h, f, NULL, &pb) != kCVReturnSuccess)
        return NULL;
    CSImage img;
    cs_image_alloc(&img, w, h);
    cs_pattern(&img, i);
    int rc = cs_fill_buffer(pb, &img);
    cs_image_free(&img);
    if (rc) {
        CVPixelBufferRelease(pb);
        return NULL;
    }
    return pb;
}

/* ------------------------------------------------------------------ */
/* Output recording                                                    */

typedef struct CSOut {
    void *refcon;
    OSStatus status;
    VTEncodeInfoFlags flags;
    CMSampleBufferRef sample; /* retained, may be NULL */
} CSOut;

typedef struct CSCollector {
    pthread_mutex_t lock;
    CSOut *items;
    int count, capacity;
    void *expected_session_refcon;
    int wrong_session_refcon;
    /* Optional hook run inside the callback (after recording). */
    void (*hook)(struct CSCollector *c, const CSOut *o);
    void *user;
} CSCollector;

static inline void cs_collector_init(CSCollector *c) {
    memset(c, 0, sizeof(*c));
    pthread_mutex_init(&c->lock, NULL);
    c->expected_session_refcon = c;
}

static inline void cs_collector_reset(CSCollector *c) {
    for (int i = 0; i < c->count; i++) {
        if (c->items[i].sample)
            CFRelease(c->items[i].sample);
    }
    c->count = 0;
}

static inline void cs_collector_free(CSCollector *c) {
    cs_collector_reset(c);
    free(c->items);
    c->items = NULL;
    c->capacity = 0;
    pthread_mutex_destroy(&c->lock);
}

static inline void cs_output_cb(void *outputCallbackRefCon, void *sourceFrameRefCon,
                                OSStatus status, VTEncodeInfoFlags infoFlags,
                                CMSampleBufferRef sampleBuffer) {
    CSCollector *c = outputCallbackRefCon;
    pthread_mutex_lock(&c->lock);
    if (c->count == c->capacity) {
        c->capacity = c->capacity ? 2 * c->capacity : 64;
        c->items = realloc(c->items, (size_t)c->capacity * sizeof(*c->items));
    }
    CSOut *o = &c->items[c->count++];
    o->refcon = sourceFrameRefCon;
    o->status = status;
    o->flags = infoFlags;
    o->sample = sampleBuffer ? (CMSampleBufferRef)CFRetain(sampleBuffer) : NULL;
    pthread_mutex_unlock(&c->lock);
    if (c->hook)
        c->hook(c, o);
}

/* ------------------------------------------------------------------ */
/* Sample inspection                                                   */

static inline CFDictionaryRef cs_sample_attachments(CMSampleBufferRef sb) {
    CFArrayRef a = CMSampleBufferGetSampleAttachmentsArray(sb, FALSE);
    if (!a || CFArrayGetCount(a) < 1)
        return NULL;
    return CFArrayGetValueAtIndex(a, 0);
}

static inline int cs_is_sync(CMSampleBufferRef sb) {
    CFDictionaryRef d = cs_sample_attachments(sb);
    return !d || !CFDictionaryContainsKey(d, kCMSampleAttachmentKey_NotSync);
}

/* Copy of the sample's payload (malloc'd), size in *size. */
static inline uint8_t *cs_sample_bytes(CMSampleBufferRef sb, size_t *size) {
    CMBlockBufferRef bb = CMSampleBufferGetDataBuffer(sb);
    *size = bb ? CMBlockBufferGetDataLength(bb) : 0;
    if (!*size)
        return NULL;
    uint8_t *p = malloc(*size);
    if (CMBlockBufferCopyDataBytes(bb, 0, *size, p) != kCMBlockBufferNoErr) {
        free(p);
        *size = 0;
        return NULL;
    }
    return p;
}

typedef struct CSBits {
    const uint8_t *p;
    size_t size, pos; /* in bits */
} CSBits;

static inline int cs_bit(CSBits *b) {
    if (b->pos >= b->size * 8)
        return 0;
    int v = (b->p[b->pos / 8] >> (7 - b->pos % 8)) & 1;
    b->pos++;
    return v;
}

static inline uint32_t cs_ue(CSBits *b) {
    int zeros = 0;
    while (!cs_bit(b) && zeros < 32)
        zeros++;
    uint32_t v = 0;
    for (int i = 0; i < zeros; i++)
        v = (v << 1) | (uint32_t)cs_bit(b);
    return (1u << zeros) - 1 + v;
}

/* Summary of one AVCC sample: NAL type bitmask, slice type (0 P, 1 B, 2 I as
 * in slice_type % 5, -1 none), well-formedness (lengths cover the data). */
typedef struct CSSampleInfo {
    uint32_t nal_mask;
    int slice_type;
    int well_formed;
    int nal_count;
} CSSampleInfo;

static inline CSSampleInfo cs_sample_info(CMSampleBufferRef sb) {
    CSSampleInfo info = {0, -1, 0, 0};
    size_t size;
    uint8_t *p = cs_sample_bytes(sb, &size);
    if (!p)
        return info;
    size_t off = 0;
    info.well_formed = 1;
    while (off < size) {
        if (size - off < 4) {
            info.well_formed = 0;
            break;
        }
        uint32_t len = (uint32_t)p[off] << 24 | (uint32_t)p[off + 1] << 16 |
                       (uint32_t)p[off + 2] << 8 | p[off + 3];
        off += 4;
        if (len == 0 || len > size - off) {
            info.well_formed = 0;
            break;
        }
        int type = p[off] & 0x1f;
        info.nal_mask |= 1u << type;
        info.nal_count++;
        if ((type == 1 || type == 5) && info.slice_type < 0 && len > 1) {
            CSBits b = {p + off + 1, len - 1, 0};
            (void)cs_ue(&b); /* first_mb_in_slice */
            info.slice_type = (int)(cs_ue(&b) % 5);
        }
        off += len;
    }
    free(p);
    return info;
}

/* Appends one sample as Annex B to f (parameter sets first on sync samples). */
static inline void cs_write_annexb(FILE *f, CMSampleBufferRef sb) {
    static const uint8_t sc[4] = {0, 0, 0, 1};
    if (cs_is_sync(sb)) {
        CMFormatDescriptionRef fd = CMSampleBufferGetFormatDescription(sb);
        size_t count = 0;
        int nal_len = 0;
        if (CMVideoFormatDescriptionGetH264ParameterSetAtIndex(fd, 0, NULL, NULL, &count,
                                                               &nal_len) == noErr) {
            for (size_t i = 0; i < count; i++) {
                const uint8_t *ps;
                size_t ps_size;
                if (CMVideoFormatDescriptionGetH264ParameterSetAtIndex(fd, i, &ps, &ps_size, NULL,
                                                                       NULL) == noErr) {
                    fwrite(sc, 1, 4, f);
                    fwrite(ps, 1, ps_size, f);
                }
            }
        }
    }
    size_t size;
    uint8_t *p = cs_sample_bytes(sb, &size);
    size_t off = 0;
    while (p && off + 4 <= size) {
        uint32_t len = (uint32_t)p[off] << 24 | (uint32_t)p[off + 1] << 16 |
                       (uint32_t)p[off + 2] << 8 | p[off + 3];
        off += 4;
        if (len > size - off)
            break;
        fwrite(sc, 1, 4, f);
        fwrite(p + off, 1, len, f);
        off += len;
    }
    free(p);
}

/* ------------------------------------------------------------------ */
/* CF helpers                                                          */

static inline CFNumberRef cs_num_i32(int32_t v) {
    return CFNumberCreate(NULL, kCFNumberSInt32Type, &v);
}

static inline CFNumberRef cs_num_f64(double v) {
    return CFNumberCreate(NULL, kCFNumberFloat64Type, &v);
}

static inline OSStatus cs_set_i32(VTSessionRef s, CFStringRef key, int32_t v) {
    CFNumberRef n = cs_num_i32(v);
    OSStatus st = VTSessionSetProperty(s, key, n);
    CFRelease(n);
    return st;
}

static inline OSStatus cs_set_f64(VTSessionRef s, CFStringRef key, double v) {
    CFNumberRef n = cs_num_f64(v);
    OSStatus st = VTSessionSetProperty(s, key, n);
    CFRelease(n);
    return st;
}

static inline int cs_get_bool(VTSessionRef s, CFStringRef key) {
    CFBooleanRef b = NULL;
    if (VTSessionCopyProperty(s, key, NULL, &b) != noErr || !b)
        return -1;
    int v = CFGetTypeID(b) == CFBooleanGetTypeID() ? CFBooleanGetValue(b) : -1;
    CFRelease(b);
    return v;
}

static inline int64_t cs_get_i64(VTSessionRef s, CFStringRef key, int64_t dflt) {
    CFNumberRef n = NULL;
    int64_t v = dflt;
    if (VTSessionCopyProperty(s, key, NULL, &n) != noErr || !n)
        return dflt;
    if (CFGetTypeID(n) == CFNumberGetTypeID())
        CFNumberGetValue(n, kCFNumberSInt64Type, &v);
    CFRelease(n);
    return v;
}

/* Encodes frames [first, first + n) of the pattern from the session's pool
 * (or new buffers of `format` when format != 0) at 30 fps, refcon = index+1.
 * Returns the number accepted. */
static inline int cs_encode_pattern(VTCompressionSessionRef s, OSType format, int w, int h,
                                    int first, int n, CFDictionaryRef frame_props) {
    int ok = 0;
    CSImage img;
    cs_image_alloc(&img, w, h);
    for (int i = first; i < first + n; i++) {
        CVPixelBufferRef pb = NULL;
        if (format) {
            CVPixelBufferCreate(NULL, (size_t)w, (size_t)h, format, NULL, &pb);
        } else {
            CVPixelBufferPoolRef pool = VTCompressionSessionGetPixelBufferPool(s);
            if (pool)
                CVPixelBufferPoolCreatePixelBuffer(NULL, pool, &pb);
        }
        if (!pb)
            break;
        cs_pattern(&img, i);
        cs_fill_buffer(pb, &img);
        OSStatus st = VTCompressionSessionEncodeFrame(s, pb, CMTimeMake(i, 30), CMTimeMake(1, 30),
                                                      frame_props, (void *)(intptr_t)(i + 1), NULL);
        CVPixelBufferRelease(pb);
        if (st != noErr) {
            fprintf(stderr, "EncodeFrame(%d) = %d\n", i, (int)st);
            break;
        }
        ok++;
    }
    cs_image_free(&img);
    return ok;
}

/* Creates an H.264 session recording into c (NULL on failure). */
static inline VTCompressionSessionRef cs_create(int w, int h, CFDictionaryRef spec,
                                                CFDictionaryRef attrs, CSCollector *c) {
    VTCompressionSessionRef s = NULL;
    OSStatus st =
        VTCompressionSessionCreate(NULL, w, h, CODEC_H264, spec, attrs, NULL, cs_output_cb, c, &s);
    if (st != noErr) {
        fprintf(stderr, "VTCompressionSessionCreate(%dx%d) = %d\n", w, h, (int)st);
        return NULL;
    }
    return s;
}

#endif /* VTCORE_TESTS_CS_TEST_UTIL_H */
