/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * CMFormatDescription from real x264/x265 parameter sets (generated once
 * with ffmpeg -f lavfi -i testsrc ... -c:v libx264 / libx265 and embedded
 * here), avcC/hvcC records field by field, parameter-set access, extension
 * keys, equality, garbage input, the bit reader, image-buffer descriptions.
 */
#include <stdlib.h>

#include <CoreMedia/CoreMedia.h>
#include <CoreVideo/CoreVideo.h>
#include <vtcore/vtcore.h>

#include "cm/bitreader.h"
#include "cm/cm_internal.h"
#include "vt_test.h"

/* clang-format off */
/* 320x240 yuv444p, High 4:4:4 Predictive (244), level 1.3 */
static const uint8_t sps_444[] = {0x67, 0xf4, 0x00, 0x0d, 0x91, 0x9b, 0x28, 0x28, 0x3f, 0x60, 0x22, 0x00, 0x00, 0x03, 0x00, 0x02, 0x00, 0x00, 0x03, 0x00, 0x78, 0x1e, 0x28, 0x53, 0x2c};
static const uint8_t pps_444[] = {0x68, 0xeb, 0xe3, 0xc4, 0x48, 0x44};
/* 321x241 yuv444p (coded 336x256, cropped) */
static const uint8_t sps_444_odd[] = {0x67, 0xf4, 0x00, 0x0d, 0x91, 0x9b, 0x28, 0x2a, 0x10, 0xf0, 0x84, 0x21, 0x80, 0x88, 0x00, 0x00, 0x03, 0x00, 0x08, 0x00, 0x00, 0x03, 0x01, 0xe0, 0x78, 0xa1, 0x4c, 0xb0};
/* 320x240 yuv420p, High (100) */
static const uint8_t sps_high[] = {0x67, 0x64, 0x00, 0x0d, 0xac, 0xd9, 0x41, 0x41, 0xfb, 0x01, 0x10, 0x00, 0x00, 0x03, 0x00, 0x10, 0x00, 0x00, 0x03, 0x03, 0xc0, 0xf1, 0x42, 0x99, 0x60};
static const uint8_t pps_high[] = {0x68, 0xeb, 0xe3, 0xcb, 0x22, 0xc0};
/* 322x242 yuv420p, High (coded 336x256, cropped in 2-pixel units) */
static const uint8_t sps_high_crop[] = {0x67, 0x64, 0x00, 0x0d, 0xac, 0xd9, 0x41, 0x50, 0x87, 0x88, 0x88, 0xc0, 0x44, 0x00, 0x00, 0x03, 0x00, 0x04, 0x00, 0x00, 0x03, 0x00, 0xf0, 0x3c, 0x50, 0xa6, 0x58};
/* 320x240 yuv420p10le, High 10 (110) */
static const uint8_t sps_high10[] = {0x67, 0x6e, 0x00, 0x0d, 0xa6, 0xcd, 0x94, 0x14, 0x1f, 0xb0, 0x11, 0x00, 0x00, 0x03, 0x00, 0x01, 0x00, 0x00, 0x03, 0x00, 0x3c, 0x0f, 0x14, 0x29, 0x96};
/* 176x144 Constrained Baseline, level 1.1 */
static const uint8_t sps_base[] = {0x67, 0x42, 0xc0, 0x0b, 0xd9, 0x02, 0xc4, 0xec, 0x04, 0x40, 0x00, 0x00, 0x03, 0x00, 0x40, 0x00, 0x00, 0x0f, 0x03, 0xc5, 0x0a, 0x92};
static const uint8_t pps_base[] = {0x68, 0xcb, 0x83, 0xcb, 0x20};
/* 1920x1080 baseline, full range BT.709, SAR 4:3 (coded height 1088) */
static const uint8_t sps_1080[] = {0x67, 0x42, 0xc0, 0x28, 0xda, 0x01, 0xe0, 0x08, 0x9f, 0x97, 0x0e, 0x6e, 0x02, 0x02, 0x02, 0x80, 0x00, 0x00, 0x03, 0x00, 0x80, 0x00, 0x00, 0x1e, 0x07, 0x8c, 0x19, 0x50};
static const uint8_t pps_1080[] = {0x68, 0xce, 0x0f, 0xc8};
/* HEVC Main 320x240 and 322x242 (x265) */
static const uint8_t hevc_vps[] = {0x40, 0x01, 0x0c, 0x01, 0xff, 0xff, 0x01, 0x60, 0x00, 0x00, 0x03, 0x00, 0x90, 0x00, 0x00, 0x03, 0x00, 0x00, 0x03, 0x00, 0x3c, 0x95, 0x98, 0x09};
static const uint8_t hevc_sps[] = {0x42, 0x01, 0x01, 0x01, 0x60, 0x00, 0x00, 0x03, 0x00, 0x90, 0x00, 0x00, 0x03, 0x00, 0x00, 0x03, 0x00, 0x3c, 0xa0, 0x0a, 0x08, 0x0f, 0x16, 0x59, 0x59, 0xa4, 0x93, 0x2b, 0xc0, 0x5a, 0x02, 0x00, 0x00, 0x03, 0x00, 0x02, 0x00, 0x00, 0x03, 0x00, 0x3c, 0x10};
static const uint8_t hevc_sps_crop[] = {0x42, 0x01, 0x01, 0x01, 0x60, 0x00, 0x00, 0x03, 0x00, 0x90, 0x00, 0x00, 0x03, 0x00, 0x00, 0x03, 0x00, 0x3c, 0xa0, 0x0a, 0x48, 0x0f, 0x9c, 0x92, 0x65, 0x95, 0x9a, 0x49, 0x32, 0xbc, 0x05, 0xa0, 0x20, 0x00, 0x00, 0x03, 0x00, 0x20, 0x00, 0x00, 0x03, 0x03, 0xc1};
static const uint8_t hevc_pps[] = {0x44, 0x01, 0xc1, 0x72, 0xb4, 0x62, 0x40};
/* general profile_tier_level of hevc_sps without emulation prevention */
static const uint8_t hevc_ptl[12] = {0x01, 0x60, 0x00, 0x00, 0x00, 0x90, 0x00, 0x00, 0x00, 0x00, 0x00, 0x3c};
/* clang-format on */

static CMFormatDescriptionRef h264_desc(const uint8_t *sps, size_t sps_size, const uint8_t *pps,
                                        size_t pps_size, int nal, OSStatus *status) {
    const uint8_t *sets[2] = {sps, pps};
    size_t sizes[2] = {sps_size, pps_size};
    CMFormatDescriptionRef fd = NULL;
    *status = CMVideoFormatDescriptionCreateFromH264ParameterSets(NULL, 2, sets, sizes, nal, &fd);
    return fd;
}

#define H264(sps, pps, st) h264_desc(sps, sizeof(sps), pps, sizeof(pps), 4, st)

static CFDataRef avcc_of(CMFormatDescriptionRef fd) {
    CFDictionaryRef atoms =
        CMFormatDescriptionGetExtension(fd, CFSTR("SampleDescriptionExtensionAtoms"));
    CFStringRef key = CFStringCreateWithCString(NULL, "avcC", kCFStringEncodingUTF8);
    CFDataRef d = atoms ? CFDictionaryGetValue(atoms, key) : NULL;
    CFRelease(key);
    return d;
}

static void check_dims(CMFormatDescriptionRef fd, int32_t w, int32_t h) {
    CMVideoDimensions d = CMVideoFormatDescriptionGetDimensions(fd);
    CHECK_MSG(d.width == w && d.height == h, "dimensions %dx%d, expected %dx%d", (int)d.width,
              (int)d.height, (int)w, (int)h);
}

static void test_h264_basic(void) {
    OSStatus st;
    CMFormatDescriptionRef fd = H264(sps_444, pps_444, &st);
    const uint8_t *p = NULL, *rec;
    size_t size = 0, count = 0, off;
    int nal = 0;
    CFDataRef avcc;

    CHECK_STATUS(st, noErr);
    if (!fd)
        return;
    CHECK(CFGetTypeID(fd) == CMFormatDescriptionGetTypeID());
    CHECK_EQ_INT(CMFormatDescriptionGetMediaType(fd), kCMMediaType_Video);
    CHECK_EQ_INT(CMFormatDescriptionGetMediaSubType(fd), kCMVideoCodecType_H264);
    CHECK_EQ_INT(CMVideoFormatDescriptionGetCodecType(fd), 0x61766331);
    check_dims(fd, 320, 240);

    /* count first, as clients do */
    CHECK_STATUS(
        CMVideoFormatDescriptionGetH264ParameterSetAtIndex(fd, 0, NULL, NULL, &count, &nal), noErr);
    CHECK_EQ_INT(count, 2);
    CHECK_EQ_INT(nal, 4);
    CHECK_STATUS(CMVideoFormatDescriptionGetH264ParameterSetAtIndex(fd, 0, &p, &size, NULL, NULL),
                 noErr);
    CHECK(size == sizeof(sps_444) && p && memcmp(p, sps_444, size) == 0);
    CHECK_STATUS(CMVideoFormatDescriptionGetH264ParameterSetAtIndex(fd, 1, &p, &size, NULL, NULL),
                 noErr);
    CHECK(size == sizeof(pps_444) && p && memcmp(p, pps_444, size) == 0);
    CHECK_STATUS(CMVideoFormatDescriptionGetH264ParameterSetAtIndex(fd, 1, NULL, NULL, NULL, NULL),
                 noErr);
    count = 0;
    p = (const uint8_t *)fd;
    CHECK_STATUS(CMVideoFormatDescriptionGetH264ParameterSetAtIndex(fd, 2, &p, &size, &count, &nal),
                 kCMFormatDescriptionBridgeError_InvalidParameter);
    CHECK(p == NULL && size == 0 && count == 2 && nal == 4);
    CHECK_STATUS(
        CMVideoFormatDescriptionGetH264ParameterSetAtIndex(NULL, 0, &p, &size, &count, &nal),
        kCMFormatDescriptionError_InvalidParameter);
    CHECK_STATUS(CMVideoFormatDescriptionGetHEVCParameterSetAtIndex(fd, 0, &p, &size, &count, &nal),
                 kCMFormatDescriptionBridgeError_InvalidParameter);

    /* avcC field by field */
    avcc = avcc_of(fd);
    CHECK(avcc != NULL);
    if (avcc) {
        rec = CFDataGetBytePtr(avcc);
        CHECK_EQ_INT(CFDataGetLength(avcc), 6 + 2 + sizeof(sps_444) + 1 + 2 + sizeof(pps_444) + 4);
        CHECK_EQ_INT(rec[0], 1);    /* configurationVersion */
        CHECK_EQ_INT(rec[1], 0xf4); /* AVCProfileIndication */
        CHECK_EQ_INT(rec[2], 0x00); /* profile_compatibility */
        CHECK_EQ_INT(rec[3], 0x0d); /* AVCLevelIndication */
        CHECK_EQ_INT(rec[4], 0xff); /* 111111 + lengthSizeMinusOne 3 */
        CHECK_EQ_INT(rec[5], 0xe1); /* 111 + 1 SPS */
        CHECK_EQ_INT((rec[6] << 8) | rec[7], sizeof(sps_444));
        CHECK(memcmp(rec + 8, sps_444, sizeof(sps_444)) == 0);
        off = 8 + sizeof(sps_444);
        CHECK_EQ_INT(rec[off], 1); /* 1 PPS */
        CHECK_EQ_INT((rec[off + 1] << 8) | rec[off + 2], sizeof(pps_444));
        CHECK(memcmp(rec + off + 3, pps_444, sizeof(pps_444)) == 0);
        off += 3 + sizeof(pps_444);
        CHECK_EQ_INT(rec[off], 0xff);     /* 111111 + chroma_format_idc 3 */
        CHECK_EQ_INT(rec[off + 1], 0xf8); /* 11111 + bit_depth_luma_minus8 0 */
        CHECK_EQ_INT(rec[off + 2], 0xf8); /* 11111 + bit_depth_chroma_minus8 0 */
        CHECK_EQ_INT(rec[off + 3], 0);    /* no SPS extensions */
    }
    /* the same extension reached through the exported key */
    CHECK(CMFormatDescriptionGetExtension(
              fd, kCMFormatDescriptionExtension_SampleDescriptionExtensionAtoms) ==
          CMFormatDescriptionGetExtension(fd, CFSTR("SampleDescriptionExtensionAtoms")));
    CHECK(CMFormatDescriptionGetExtensions(fd) != NULL);
    CHECK(CMFormatDescriptionGetExtension(fd, CFSTR("NoSuchKey")) == NULL);
    CHECK(CMFormatDescriptionGetExtension(fd, NULL) == NULL);
    CFRelease(fd);
}

static void test_h264_variants(void) {
    OSStatus st;
    CMFormatDescriptionRef fd;
    const uint8_t *rec;
    CFDataRef avcc;

    fd = H264(sps_444_odd, pps_444, &st); /* frame cropping, 4:4:4 */
    CHECK_STATUS(st, noErr);
    check_dims(fd, 321, 241);
    if (fd)
        CFRelease(fd);

    fd = H264(sps_high_crop, pps_high, &st); /* frame cropping, 4:2:0 */
    CHECK_STATUS(st, noErr);
    check_dims(fd, 322, 242);
    avcc = fd ? avcc_of(fd) : NULL;
    if (avcc) {
        rec = CFDataGetBytePtr(avcc);
        CHECK_EQ_INT(rec[1], 100);
        CHECK_EQ_INT(rec[CFDataGetLength(avcc) - 4], 0xfd); /* chroma_format_idc 1 */
    }
    if (fd)
        CFRelease(fd);

    fd = H264(sps_high10, pps_high, &st); /* 10 bit */
    CHECK_STATUS(st, noErr);
    check_dims(fd, 320, 240);
    avcc = fd ? avcc_of(fd) : NULL;
    if (avcc) {
        CFIndex n = CFDataGetLength(avcc);
        rec = CFDataGetBytePtr(avcc);
        CHECK_EQ_INT(rec[1], 110);
        CHECK_EQ_INT(rec[n - 4], 0xfd);
        CHECK_EQ_INT(rec[n - 3], 0xfa); /* bit_depth_luma_minus8 2 */
        CHECK_EQ_INT(rec[n - 2], 0xfa);
    }
    if (fd)
        CFRelease(fd);

    fd = h264_desc(sps_base, sizeof(sps_base), pps_base, sizeof(pps_base), 2, &st);
    CHECK_STATUS(st, noErr);
    check_dims(fd, 176, 144);
    avcc = fd ? avcc_of(fd) : NULL;
    if (avcc) {
        rec = CFDataGetBytePtr(avcc);
        /* baseline: no chroma/bit-depth trailer */
        CHECK_EQ_INT(CFDataGetLength(avcc), 6 + 2 + sizeof(sps_base) + 1 + 2 + sizeof(pps_base));
        CHECK_EQ_INT(rec[1], 66);
        CHECK_EQ_INT(rec[2], 0xc0);
        CHECK_EQ_INT(rec[3], 11);
        CHECK_EQ_INT(rec[4], 0xfd); /* lengthSizeMinusOne 1 */
    }
    if (fd) {
        int nal = 0;
        CHECK_STATUS(
            CMVideoFormatDescriptionGetH264ParameterSetAtIndex(fd, 0, NULL, NULL, NULL, &nal),
            noErr);
        CHECK_EQ_INT(nal, 2);
        CFRelease(fd);
    }
    fd = h264_desc(sps_base, sizeof(sps_base), pps_base, sizeof(pps_base), 1, &st);
    CHECK_STATUS(st, noErr);
    if (fd)
        CFRelease(fd);

    /* VUI: full range, BT.709 colour, SAR 4:3, 1088 -> 1080 cropping */
    fd = H264(sps_1080, pps_1080, &st);
    CHECK_STATUS(st, noErr);
    check_dims(fd, 1920, 1080);
    if (fd) {
        CFDictionaryRef par;
        int32_t h = 0, v = 0, fields = 0;
        CFTypeRef x;
        CHECK(CMFormatDescriptionGetExtension(fd, kCMFormatDescriptionExtension_FullRangeVideo) ==
              kCFBooleanTrue);
        x = CMFormatDescriptionGetExtension(fd, kCMFormatDescriptionExtension_ColorPrimaries);
        CHECK(x && CFEqual(x, kCMFormatDescriptionColorPrimaries_ITU_R_709_2));
        CHECK(x && CFEqual(x, kCVImageBufferColorPrimaries_ITU_R_709_2));
        x = CMFormatDescriptionGetExtension(fd, kCVImageBufferTransferFunctionKey);
        CHECK(x && CFEqual(x, CFSTR("ITU_R_709_2")));
        x = CMFormatDescriptionGetExtension(fd, CFSTR("CVImageBufferYCbCrMatrix"));
        CHECK(x && CFEqual(x, kCMFormatDescriptionYCbCrMatrix_ITU_R_709_2));
        par = CMFormatDescriptionGetExtension(fd, kCVImageBufferPixelAspectRatioKey);
        CHECK(par && CFGetTypeID(par) == CFDictionaryGetTypeID());
        if (par) {
            CFNumberGetValue(CFDictionaryGetValue(par, CFSTR("HorizontalSpacing")),
                             kCFNumberSInt32Type, &h);
            CFNumberGetValue(CFDictionaryGetValue(par, CFSTR("VerticalSpacing")),
                             kCFNumberSInt32Type, &v);
            CHECK(h == 4 && v == 3);
        }
        x = CMFormatDescriptionGetExtension(fd, kCMFormatDescriptionExtension_FieldCount);
        CHECK(x && CFNumberGetValue(x, kCFNumberSInt32Type, &fields) && fields == 1);
        CFRelease(fd);
    }
    /* no VUI colour in the testsrc streams: no colour keys */
    fd = H264(sps_high, pps_high, &st);
    if (fd) {
        CHECK(CMFormatDescriptionGetExtension(fd, kCMFormatDescriptionExtension_ColorPrimaries) ==
              NULL);
        CHECK(CMFormatDescriptionGetExtension(fd, kCMFormatDescriptionExtension_FullRangeVideo) ==
              NULL);
        CFRelease(fd);
    }
}

static void test_h264_order_and_many(void) {
    /* PPS given first, two SPS, two PPS: SPS come first in the record */
    const uint8_t *sets[4] = {pps_high, sps_high, pps_444, sps_high_crop};
    size_t sizes[4] = {sizeof(pps_high), sizeof(sps_high), sizeof(pps_444), sizeof(sps_high_crop)};
    CMFormatDescriptionRef fd = NULL;
    const uint8_t *p;
    size_t size, count = 0;
    CHECK_STATUS(CMVideoFormatDescriptionCreateFromH264ParameterSets(NULL, 4, sets, sizes, 4, &fd),
                 noErr);
    if (!fd)
        return;
    check_dims(fd, 320, 240); /* from the first SPS */
    CHECK_STATUS(CMVideoFormatDescriptionGetH264ParameterSetAtIndex(fd, 0, &p, &size, &count, NULL),
                 noErr);
    CHECK_EQ_INT(count, 4);
    CHECK(size == sizeof(sps_high) && memcmp(p, sps_high, size) == 0);
    CHECK_STATUS(CMVideoFormatDescriptionGetH264ParameterSetAtIndex(fd, 1, &p, &size, NULL, NULL),
                 noErr);
    CHECK(size == sizeof(sps_high_crop) && memcmp(p, sps_high_crop, size) == 0);
    CHECK_STATUS(CMVideoFormatDescriptionGetH264ParameterSetAtIndex(fd, 2, &p, &size, NULL, NULL),
                 noErr);
    CHECK(size == sizeof(pps_high) && memcmp(p, pps_high, size) == 0);
    CHECK_STATUS(CMVideoFormatDescriptionGetH264ParameterSetAtIndex(fd, 3, &p, &size, NULL, NULL),
                 noErr);
    CHECK(size == sizeof(pps_444) && memcmp(p, pps_444, size) == 0);
    {
        CFDataRef avcc = avcc_of(fd);
        CHECK(avcc && CFDataGetBytePtr(avcc)[5] == 0xe2);
    }
    CFRelease(fd);
}

static void test_h264_errors(void) {
    const uint8_t *sets[3] = {sps_high, pps_high, NULL};
    size_t sizes[3] = {sizeof(sps_high), sizeof(pps_high), 0};
    CMFormatDescriptionRef fd = (CMFormatDescriptionRef)(uintptr_t)1;
    static const uint8_t idr[] = {0x65, 0x88, 0x84, 0x00};
    static const uint8_t forbidden[] = {0xe7, 0x64, 0x00, 0x0d};
    uint8_t trunc[sizeof(sps_high)];
    size_t n;
    const int ERR = kCMFormatDescriptionError_InvalidParameter;

#define CREATE(count, nal) \
    CMVideoFormatDescriptionCreateFromH264ParameterSets(NULL, count, sets, sizes, nal, &fd)
    CHECK_STATUS(CREATE(2, 3), ERR);
    CHECK(fd == NULL);
    CHECK_STATUS(CREATE(2, 0), ERR);
    CHECK_STATUS(CREATE(2, 5), ERR);
    CHECK_STATUS(CREATE(2, -4), ERR);
    CHECK_STATUS(CREATE(0, 4), ERR);
    CHECK_STATUS(CREATE(1, 4), ERR); /* SPS only */
    CHECK_STATUS(CMVideoFormatDescriptionCreateFromH264ParameterSets(NULL, 2, NULL, sizes, 4, &fd),
                 ERR);
    CHECK_STATUS(CMVideoFormatDescriptionCreateFromH264ParameterSets(NULL, 2, sets, NULL, 4, &fd),
                 ERR);
    CHECK_STATUS(CMVideoFormatDescriptionCreateFromH264ParameterSets(NULL, 2, sets, sizes, 4, NULL),
                 ERR);
    CHECK_STATUS(CREATE(3, 4), ERR); /* NULL third set */
    sets[2] = pps_high;
    CHECK_STATUS(CREATE(3, 4), ERR); /* zero-length third set */
    sizes[2] = sizeof(pps_high);
    CHECK_STATUS(CREATE(3, 4), noErr);
    if (fd)
        CFRelease(fd);
    sets[1] = sps_high; /* two SPS, no PPS */
    sizes[1] = sizeof(sps_high);
    CHECK_STATUS(CREATE(2, 4), ERR);
    sets[1] = pps_high;
    sizes[1] = sizeof(pps_high);
    sets[2] = idr; /* slice data is not a parameter set */
    sizes[2] = sizeof(idr);
    CHECK_STATUS(CREATE(3, 4), ERR);
    sets[0] = forbidden;
    sizes[0] = sizeof(forbidden);
    CHECK_STATUS(CREATE(2, 4), ERR);
    sets[0] = pps_high; /* PPS twice */
    sizes[0] = sizeof(pps_high);
    CHECK_STATUS(CREATE(2, 4), ERR);

    /* truncated SPS: every prefix either fails cleanly or parses sanely */
    sets[1] = pps_high;
    sizes[1] = sizeof(pps_high);
    for (n = 1; n < sizeof(sps_high); n++) {
        OSStatus st;
        memcpy(trunc, sps_high, n);
        sets[0] = trunc;
        sizes[0] = n;
        fd = NULL;
        st = CREATE(2, 4);
        if (n < 8)
            CHECK_MSG(st == ERR, "prefix %zu accepted", n);
        CHECK(st == ERR || st == noErr);
        if (st == noErr) {
            CMVideoDimensions d = CMVideoFormatDescriptionGetDimensions(fd);
            CHECK(d.width > 0 && d.height > 0);
            CFRelease(fd);
        }
    }
#undef CREATE
}

/* Deterministic pseudo-random bytes. */
static uint32_t rng_state = 12345;
static uint32_t rng(void) {
    rng_state = rng_state * 1103515245u + 12345u;
    return rng_state >> 8;
}

static void test_garbage(void) {
    uint8_t sps[64], pps[16];
    const uint8_t *sets[2] = {sps, pps};
    size_t sizes[2];
    int i, accepted = 0, rejected = 0;
    for (i = 0; i < 3000; i++) {
        CMFormatDescriptionRef fd = NULL;
        size_t k;
        OSStatus st;
        for (k = 0; k < sizeof(sps); k++)
            sps[k] = (uint8_t)rng();
        for (k = 0; k < sizeof(pps); k++)
            pps[k] = (uint8_t)rng();
        /* mostly valid NAL headers, so the SPS parser is reached */
        if (i % 10) {
            sps[0] = 0x67;
            pps[0] = 0x68;
        }
        if (i % 3 == 0)
            sps[1] = 100; /* exercise the high-profile branch */
        sizes[0] = 1 + rng() % sizeof(sps);
        sizes[1] = 1 + rng() % sizeof(pps);
        st = CMVideoFormatDescriptionCreateFromH264ParameterSets(NULL, 2, sets, sizes, 4, &fd);
        CHECK_MSG(st == noErr || st == kCMFormatDescriptionError_InvalidParameter, "st=%d",
                  (int)st);
        if (st == noErr) {
            CMVideoDimensions d = CMVideoFormatDescriptionGetDimensions(fd);
            CHECK(d.width > 0 && d.height > 0 && d.width <= 65536 && d.height <= 65536);
            accepted++;
            CFRelease(fd);
        } else {
            CHECK(fd == NULL);
            rejected++;
        }
        /* the same bytes as HEVC parameter sets, and as an avcC / hvcC record */
        {
            const uint8_t *hs[3] = {sps, sps, pps};
            size_t hz[3] = {sizes[0], sizes[0], sizes[1]};
            CFDataRef rec = CFDataCreate(NULL, sps, (CFIndex)sizes[0]);
            CFDictionaryRef atoms, ext;
            const void *ak[1], *av[1], *ek[1], *ev[1];
            fd = NULL;
            st = CMVideoFormatDescriptionCreateFromHEVCParameterSets(NULL, 3, hs, hz, 4, NULL, &fd);
            CHECK(st == noErr || st == kCMFormatDescriptionError_InvalidParameter);
            if (fd)
                CFRelease(fd);
            ak[0] = (i & 1) ? CFSTR("avcC") : CFSTR("hvcC");
            av[0] = rec;
            atoms = CFDictionaryCreate(NULL, ak, av, 1, &kCFTypeDictionaryKeyCallBacks,
                                       &kCFTypeDictionaryValueCallBacks);
            ek[0] = kCMFormatDescriptionExtension_SampleDescriptionExtensionAtoms;
            ev[0] = atoms;
            ext = CFDictionaryCreate(NULL, ek, ev, 1, &kCFTypeDictionaryKeyCallBacks,
                                     &kCFTypeDictionaryValueCallBacks);
            fd = NULL;
            CHECK_STATUS(CMVideoFormatDescriptionCreate(
                             NULL, (i & 1) ? kCMVideoCodecType_H264 : kCMVideoCodecType_HEVC, 16,
                             16, ext, &fd),
                         noErr);
            if (fd) {
                size_t count = 0;
                const uint8_t *p = NULL;
                size_t psz = 0;
                OSStatus g = (i & 1) ? CMVideoFormatDescriptionGetH264ParameterSetAtIndex(
                                           fd, 0, &p, &psz, &count, NULL)
                                     : CMVideoFormatDescriptionGetHEVCParameterSetAtIndex(
                                           fd, 0, &p, &psz, &count, NULL);
                CHECK(g == noErr || g == kCMFormatDescriptionBridgeError_InvalidParameter);
                if (g == noErr)
                    CHECK(p && psz > 0 && count > 0 && psz <= sizes[0]);
                CFRelease(fd);
            }
            CFRelease(ext);
            CFRelease(atoms);
            CFRelease(rec);
        }
    }
    CHECK(rejected > 0);
    printf("garbage: %d accepted, %d rejected\n", accepted, rejected);
}

static void test_equality_and_create(void) {
    OSStatus st;
    CMFormatDescriptionRef a = H264(sps_high, pps_high, &st), b = H264(sps_high, pps_high, &st);
    CMFormatDescriptionRef c = H264(sps_444, pps_444, &st), v = NULL, w = NULL;
    const uint8_t *p;
    size_t size, count;
    CFMutableDictionaryRef ext;
    if (!a || !b || !c)
        return;
    CHECK(a != b);
    CHECK(CMFormatDescriptionEqual(a, b));
    CHECK(CFEqual(a, b));
    CHECK(CFHash(a) == CFHash(b));
    CHECK(!CMFormatDescriptionEqual(a, c));
    CHECK(CMFormatDescriptionEqual(NULL, NULL));
    CHECK(!CMFormatDescriptionEqual(a, NULL));
    CHECK(!CMFormatDescriptionEqual(NULL, a));

    /* decoder-style creation from an existing description's extensions */
    CHECK_STATUS(CMVideoFormatDescriptionCreate(NULL, kCMVideoCodecType_H264, 320, 240,
                                                CMFormatDescriptionGetExtensions(a), &v),
                 noErr);
    CHECK(CMFormatDescriptionEqual(a, v));
    CHECK_STATUS(CMVideoFormatDescriptionGetH264ParameterSetAtIndex(v, 1, &p, &size, &count, NULL),
                 noErr);
    CHECK(count == 2 && size == sizeof(pps_high) && memcmp(p, pps_high, size) == 0);
    CFRelease(v);

    /* avcC given as a CFArray of CFData (some writers do that) */
    {
        CFDataRef avcc = avcc_of(a);
        CFArrayRef arr = CFArrayCreate(NULL, (const void **)&avcc, 1, &kCFTypeArrayCallBacks);
        CFMutableDictionaryRef atoms = CFDictionaryCreateMutable(
            NULL, 0, &kCFTypeDictionaryKeyCallBacks, &kCFTypeDictionaryValueCallBacks);
        CFDictionarySetValue(atoms, CFSTR("avcC"), arr);
        ext = CFDictionaryCreateMutable(NULL, 0, &kCFTypeDictionaryKeyCallBacks,
                                        &kCFTypeDictionaryValueCallBacks);
        CFDictionarySetValue(ext, CFSTR("SampleDescriptionExtensionAtoms"), atoms);
        CHECK_STATUS(
            CMVideoFormatDescriptionCreate(NULL, kCMVideoCodecType_H264, 320, 240, ext, &v), noErr);
        CHECK_STATUS(
            CMVideoFormatDescriptionGetH264ParameterSetAtIndex(v, 0, NULL, NULL, &count, NULL),
            noErr);
        CHECK_EQ_INT(count, 2);
        CFRelease(v);
        CFRelease(ext);
        CFRelease(atoms);
        CFRelease(arr);
    }

    /* the description keeps its own copy of the atoms and their data */
    {
        CFDataRef avcc = avcc_of(a);
        CFMutableDataRef mdata = CFDataCreateMutableCopy(NULL, 0, avcc);
        CFMutableDictionaryRef atoms = CFDictionaryCreateMutable(
            NULL, 0, &kCFTypeDictionaryKeyCallBacks, &kCFTypeDictionaryValueCallBacks);
        CFDictionarySetValue(atoms, CFSTR("avcC"), mdata);
        ext = CFDictionaryCreateMutable(NULL, 0, &kCFTypeDictionaryKeyCallBacks,
                                        &kCFTypeDictionaryValueCallBacks);
        CFDictionarySetValue(ext, kCMFormatDescriptionExtension_SampleDescriptionExtensionAtoms,
                             atoms);
        CHECK_STATUS(
            CMVideoFormatDescriptionCreate(NULL, kCMVideoCodecType_H264, 320, 240, ext, &v), noErr);
        CFDataGetMutableBytePtr(mdata)[1] = 0x42;
        CFDictionarySetValue(atoms, CFSTR("extra"), mdata);
        CHECK(CFEqual(avcc_of(v), avcc));
        CHECK(avcc_of(v) != mdata && CFDataGetBytePtr(avcc_of(v))[1] == 100);
        CFRelease(v);
        CFRelease(ext);
        CFRelease(atoms);
        CFRelease(mdata);
    }

    /* plain descriptions */
    CHECK_STATUS(CMVideoFormatDescriptionCreate(NULL, kCMVideoCodecType_H264, 64, 48, NULL, &v),
                 noErr);
    check_dims(v, 64, 48);
    CHECK(CMFormatDescriptionGetExtensions(v) == NULL);
    CHECK_STATUS(CMVideoFormatDescriptionGetH264ParameterSetAtIndex(v, 0, NULL, NULL, &count, NULL),
                 kCMFormatDescriptionBridgeError_InvalidParameter);
    CHECK_EQ_INT(count, 0);
    ext = CFDictionaryCreateMutable(NULL, 0, &kCFTypeDictionaryKeyCallBacks,
                                    &kCFTypeDictionaryValueCallBacks);
    CHECK_STATUS(CMVideoFormatDescriptionCreate(NULL, kCMVideoCodecType_H264, 64, 48, ext, &w),
                 noErr);
    CHECK(CMFormatDescriptionEqual(v, w)); /* no extensions == empty extensions */
    CFRelease(w);
    /* the extensions are copied: later changes do not leak in */
    CFDictionarySetValue(ext, kCMFormatDescriptionExtension_FullRangeVideo, kCFBooleanTrue);
    CHECK_STATUS(CMVideoFormatDescriptionCreate(NULL, kCMVideoCodecType_H264, 64, 48, ext, &w),
                 noErr);
    CFDictionarySetValue(ext, kCMFormatDescriptionExtension_Depth, kCFBooleanTrue);
    CHECK(CMFormatDescriptionGetExtension(w, kCMFormatDescriptionExtension_Depth) == NULL);
    CHECK(!CMFormatDescriptionEqual(v, w));
    CHECK(CMFormatDescriptionEqualIgnoringExtensionKeys(
        v, w, kCMFormatDescriptionExtension_FullRangeVideo, NULL));
    {
        const void *keys[1] = {CFSTR("FullRangeVideo")};
        CFArrayRef arr = CFArrayCreate(NULL, keys, 1, &kCFTypeArrayCallBacks);
        CHECK(CMFormatDescriptionEqualIgnoringExtensionKeys(v, w, arr, NULL));
        CFRelease(arr);
    }
    CHECK(!CMFormatDescriptionEqualIgnoringExtensionKeys(v, w, NULL, NULL));
    CFRelease(w);
    CHECK_STATUS(CMVideoFormatDescriptionCreate(NULL, kCMVideoCodecType_H264, 64, 49, NULL, &w),
                 noErr);
    CHECK(!CMFormatDescriptionEqual(v, w));
    CHECK(!CMFormatDescriptionEqualIgnoringExtensionKeys(v, w, NULL, NULL));
    CFRelease(w);
    CFRelease(ext);
    CFRelease(v);

    /* atoms differing only in one atom */
    CHECK(!CMFormatDescriptionEqualIgnoringExtensionKeys(a, c, NULL, NULL));
    CHECK(CMFormatDescriptionEqualIgnoringExtensionKeys(a, c, NULL, CFSTR("avcC")));

    /* argument checks */
    CHECK_STATUS(CMVideoFormatDescriptionCreate(NULL, kCMVideoCodecType_H264, 64, 48, NULL, NULL),
                 kCMFormatDescriptionError_InvalidParameter);
    CHECK_STATUS(CMVideoFormatDescriptionCreate(NULL, kCMVideoCodecType_H264, -1, 48, NULL, &v),
                 kCMFormatDescriptionError_InvalidParameter);
    CHECK_STATUS(CMVideoFormatDescriptionCreate(NULL, kCMVideoCodecType_H264, 1, 1,
                                                (CFDictionaryRef)CFSTR("x"), &v),
                 kCMFormatDescriptionError_InvalidParameter);
    CHECK(v == NULL);
    CHECK_STATUS(CMFormatDescriptionCreate(NULL, kCMMediaType_Audio, 0x6C70636D, NULL, NULL),
                 kCMFormatDescriptionError_InvalidParameter);
    CHECK_STATUS(CMFormatDescriptionCreate(NULL, kCMMediaType_Audio, 0x6C70636D, NULL, &v), noErr);
    CHECK_EQ_INT(CMFormatDescriptionGetMediaType(v), kCMMediaType_Audio);
    check_dims(v, 0, 0);
    CFRelease(v);
    CHECK_EQ_INT(CMFormatDescriptionGetMediaType(NULL), 0);
    CHECK_EQ_INT(CMFormatDescriptionGetMediaSubType(NULL), 0);
    CHECK(CMFormatDescriptionGetExtensions(NULL) == NULL);
    CHECK(CMFormatDescriptionGetExtension(NULL, CFSTR("x")) == NULL);
    check_dims(NULL, 0, 0);
    CHECK(CMFormatDescriptionGetMediaType((CMFormatDescriptionRef)CFSTR("vide")) == 0);
    CHECK(CMFormatDescriptionEqualIgnoringExtensionKeys(NULL, NULL, NULL, NULL));
    CHECK(!CMFormatDescriptionEqualIgnoringExtensionKeys(a, NULL, NULL, NULL));
    CHECK(!CMFormatDescriptionEqualIgnoringExtensionKeys(NULL, a, CFSTR("x"), CFSTR("y")));
    CHECK(!CMVideoFormatDescriptionMatchesImageBuffer(NULL, NULL));
    CHECK(!CMVideoFormatDescriptionMatchesImageBuffer(a, NULL));
    CHECK(CMFormatDescriptionGetTypeID() == CFGetTypeID(a));

    CFRelease(a);
    CFRelease(b);
    CFRelease(c);
}

static void test_hevc(void) {
    const uint8_t *sets[3] = {hevc_vps, hevc_sps, hevc_pps};
    size_t sizes[3] = {sizeof(hevc_vps), sizeof(hevc_sps), sizeof(hevc_pps)};
    CMFormatDescriptionRef fd = NULL;
    const uint8_t *p, *rec;
    size_t size, count = 0, off;
    int nal = 0;
    CFDictionaryRef atoms;
    CFDataRef hvcc;
    CFMutableDictionaryRef ext;

    CHECK_STATUS(
        CMVideoFormatDescriptionCreateFromHEVCParameterSets(NULL, 3, sets, sizes, 4, NULL, &fd),
        noErr);
    if (!fd)
        return;
    CHECK_EQ_INT(CMFormatDescriptionGetMediaSubType(fd), kCMVideoCodecType_HEVC);
    check_dims(fd, 320, 240);
    CHECK_STATUS(
        CMVideoFormatDescriptionGetHEVCParameterSetAtIndex(fd, 0, NULL, NULL, &count, &nal), noErr);
    CHECK(count == 3 && nal == 4);
    CHECK_STATUS(CMVideoFormatDescriptionGetHEVCParameterSetAtIndex(fd, 1, &p, &size, NULL, NULL),
                 noErr);
    CHECK(size == sizeof(hevc_sps) && memcmp(p, hevc_sps, size) == 0);
    CHECK_STATUS(CMVideoFormatDescriptionGetHEVCParameterSetAtIndex(fd, 3, &p, &size, NULL, NULL),
                 kCMFormatDescriptionBridgeError_InvalidParameter);
    CHECK_STATUS(CMVideoFormatDescriptionGetH264ParameterSetAtIndex(fd, 0, &p, &size, NULL, NULL),
                 kCMFormatDescriptionBridgeError_InvalidParameter);

    atoms = CMFormatDescriptionGetExtension(
        fd, kCMFormatDescriptionExtension_SampleDescriptionExtensionAtoms);
    hvcc = atoms ? CFDictionaryGetValue(atoms, CFSTR("hvcC")) : NULL;
    CHECK(hvcc != NULL);
    if (hvcc) {
        rec = CFDataGetBytePtr(hvcc);
        CHECK_EQ_INT(CFDataGetLength(hvcc),
                     23 + 3 * 3 + 2 * 3 + sizeof(hevc_vps) + sizeof(hevc_sps) + sizeof(hevc_pps));
        CHECK_EQ_INT(rec[0], 1);
        CHECK(memcmp(rec + 1, hevc_ptl, 12) == 0);
        CHECK_EQ_INT(rec[13], 0xf0);
        CHECK_EQ_INT(rec[15], 0xfc);
        CHECK_EQ_INT(rec[16], 0xfd); /* chroma_format_idc 1 */
        CHECK_EQ_INT(rec[17], 0xf8);
        CHECK_EQ_INT(rec[18], 0xf8);
        CHECK_EQ_INT(rec[21], (1 << 3) | (1 << 2) | 3); /* 1 layer, nested, 4-byte lengths */
        CHECK_EQ_INT(rec[22], 3);
        off = 23;
        CHECK_EQ_INT(rec[off], 0x80 | 32);
        CHECK_EQ_INT((rec[off + 1] << 8) | rec[off + 2], 1);
        CHECK_EQ_INT((rec[off + 3] << 8) | rec[off + 4], sizeof(hevc_vps));
        CHECK(memcmp(rec + off + 5, hevc_vps, sizeof(hevc_vps)) == 0);
        off += 5 + sizeof(hevc_vps);
        CHECK_EQ_INT(rec[off], 0x80 | 33);
        off += 5 + sizeof(hevc_sps);
        CHECK_EQ_INT(rec[off], 0x80 | 34);
    }
    CFRelease(fd);

    /* conformance window, extensions merged, order independent */
    sets[0] = hevc_pps;
    sizes[0] = sizeof(hevc_pps);
    sets[1] = hevc_sps_crop;
    sizes[1] = sizeof(hevc_sps_crop);
    sets[2] = hevc_vps;
    sizes[2] = sizeof(hevc_vps);
    ext = CFDictionaryCreateMutable(NULL, 0, &kCFTypeDictionaryKeyCallBacks,
                                    &kCFTypeDictionaryValueCallBacks);
    CFDictionarySetValue(ext, kCMFormatDescriptionExtension_ColorPrimaries,
                         kCMFormatDescriptionColorPrimaries_ITU_R_2020);
    fd = NULL;
    CHECK_STATUS(
        CMVideoFormatDescriptionCreateFromHEVCParameterSets(NULL, 3, sets, sizes, 1, ext, &fd),
        noErr);
    check_dims(fd, 322, 242);
    if (fd) {
        CFTypeRef x = CMFormatDescriptionGetExtension(fd, kCVImageBufferColorPrimariesKey);
        CHECK(x && CFEqual(x, CFSTR("ITU_R_2020")));
        CHECK_STATUS(
            CMVideoFormatDescriptionGetHEVCParameterSetAtIndex(fd, 0, &p, &size, NULL, &nal),
            noErr);
        CHECK(nal == 1 && size == sizeof(hevc_vps)); /* hvcC order: VPS first */
        CFRelease(fd);
    }
    CFRelease(ext);

    /* missing VPS, wrong NAL type, too few sets */
    sets[2] = hevc_pps;
    sizes[2] = sizeof(hevc_pps);
    CHECK_STATUS(
        CMVideoFormatDescriptionCreateFromHEVCParameterSets(NULL, 3, sets, sizes, 4, NULL, &fd),
        kCMFormatDescriptionError_InvalidParameter);
    sets[2] = sps_high;
    sizes[2] = sizeof(sps_high);
    CHECK_STATUS(
        CMVideoFormatDescriptionCreateFromHEVCParameterSets(NULL, 3, sets, sizes, 4, NULL, &fd),
        kCMFormatDescriptionError_InvalidParameter);
    CHECK_STATUS(
        CMVideoFormatDescriptionCreateFromHEVCParameterSets(NULL, 2, sets, sizes, 4, NULL, &fd),
        kCMFormatDescriptionError_InvalidParameter);
    CHECK_STATUS(
        CMVideoFormatDescriptionCreateFromHEVCParameterSets(NULL, 3, sets, sizes, 4, NULL, NULL),
        kCMFormatDescriptionError_InvalidParameter);
    CHECK_STATUS(
        CMVideoFormatDescriptionGetHEVCParameterSetAtIndex(NULL, 0, NULL, NULL, NULL, NULL),
        kCMFormatDescriptionError_InvalidParameter);
}

static void test_internal_helper(void) {
    const uint8_t *sets[2] = {sps_1080, pps_1080};
    size_t sizes[2] = {sizeof(sps_1080), sizeof(pps_1080)};
    CFMutableDictionaryRef extra = CFDictionaryCreateMutable(
        NULL, 0, &kCFTypeDictionaryKeyCallBacks, &kCFTypeDictionaryValueCallBacks);
    CFMutableDictionaryRef atoms = CFDictionaryCreateMutable(
        NULL, 0, &kCFTypeDictionaryKeyCallBacks, &kCFTypeDictionaryValueCallBacks);
    CFDataRef foo = CFDataCreate(NULL, (const UInt8 *)"xyz", 3);
    CMFormatDescriptionRef fd = NULL;
    CFDictionaryRef a;

    CFDictionarySetValue(extra, kCMFormatDescriptionExtension_FullRangeVideo, kCFBooleanFalse);
    CFDictionarySetValue(extra, kCMFormatDescriptionExtension_ColorPrimaries,
                         kCMFormatDescriptionColorPrimaries_P3_D65);
    CFDictionarySetValue(atoms, CFSTR("foo "), foo);
    CFDictionarySetValue(atoms, CFSTR("avcC"), foo); /* replaced by the real record */
    CFDictionarySetValue(extra, kCMFormatDescriptionExtension_SampleDescriptionExtensionAtoms,
                         atoms);
    CHECK_STATUS(vt_cm_video_format_create_h264(sets, sizes, 2, 4, extra, &fd), noErr);
    if (fd) {
        check_dims(fd, 1920, 1080);
        CHECK(CMFormatDescriptionGetExtension(fd, kCMFormatDescriptionExtension_FullRangeVideo) ==
              kCFBooleanFalse); /* extra overrides the VUI */
        CHECK(CFEqual(
            CMFormatDescriptionGetExtension(fd, kCMFormatDescriptionExtension_ColorPrimaries),
            CFSTR("P3_D65")));
        CHECK(CFEqual(
            CMFormatDescriptionGetExtension(fd, kCMFormatDescriptionExtension_TransferFunction),
            CFSTR("ITU_R_709_2"))); /* VUI value kept */
        a = CMFormatDescriptionGetExtension(
            fd, kCMFormatDescriptionExtension_SampleDescriptionExtensionAtoms);
        CHECK(a && CFDictionaryGetValue(a, CFSTR("foo ")) == foo);
        CHECK(a && CFDataGetLength(CFDictionaryGetValue(a, CFSTR("avcC"))) > 10);
        CFRelease(fd);
    }
    {
        const uint8_t *hs[3] = {hevc_vps, hevc_sps, hevc_pps};
        size_t hz[3] = {sizeof(hevc_vps), sizeof(hevc_sps), sizeof(hevc_pps)};
        fd = NULL;
        CHECK_STATUS(vt_cm_video_format_create_hevc(hs, hz, 3, 4, extra, &fd), noErr);
        if (fd) {
            a = CMFormatDescriptionGetExtension(
                fd, kCMFormatDescriptionExtension_SampleDescriptionExtensionAtoms);
            CHECK(a && CFDictionaryGetValue(a, CFSTR("hvcC")) != NULL);
            CHECK(a && CFDictionaryGetValue(a, CFSTR("avcC")) == foo);
            CFRelease(fd);
        }
    }
    CHECK_STATUS(vt_cm_video_format_create_h264(sets, sizes, 2, 4, (CFDictionaryRef)foo, &fd),
                 kCMFormatDescriptionError_InvalidParameter);
    CFRelease(foo);
    CFRelease(atoms);
    CFRelease(extra);
}

static void test_alloc_failures(void) {
    const uint8_t *sets[2] = {sps_1080, pps_1080};
    size_t sizes[2] = {sizeof(sps_1080), sizeof(pps_1080)};
    long n;
    int ok = 0;
    for (n = 1; n < 200 && !ok; n++) {
        CMFormatDescriptionRef fd = NULL;
        OSStatus st;
        vtcore_debug_fail_allocation_after(n);
        st = CMVideoFormatDescriptionCreateFromH264ParameterSets(NULL, 2, sets, sizes, 4, &fd);
        vtcore_debug_fail_allocation_after(0);
        CHECK_MSG(st == noErr || st == kCMFormatDescriptionError_AllocationFailed, "n=%ld st=%d", n,
                  (int)st);
        if (st == noErr) {
            ok = 1;
            check_dims(fd, 1920, 1080);
            CFRelease(fd);
        } else {
            CHECK(fd == NULL);
        }
    }
    CHECK(ok);
}

static void test_bitreader(void) {
    /* 1 | 010 | 011 | 00100 | 00101 | 1 -> ue 0,1,2,3,4 / se 0,1,-1,2,-2 */
    static const uint8_t bits[] = {0xa6, 0x42, 0xe0};
    static const uint8_t escaped[] = {0x00, 0x00, 0x03, 0x01, 0x00, 0x00, 0x03, 0x00, 0x03};
    uint8_t out[sizeof(escaped)];
    VTBitReader br;
    vt_br_init(&br, bits, sizeof(bits));
    CHECK_EQ_INT(vt_br_read_ue(&br), 0);
    CHECK_EQ_INT(vt_br_read_ue(&br), 1);
    CHECK_EQ_INT(vt_br_read_ue(&br), 2);
    CHECK_EQ_INT(vt_br_read_ue(&br), 3);
    CHECK_EQ_INT(vt_br_read_ue(&br), 4);
    CHECK(!br.error);
    vt_br_init(&br, bits, sizeof(bits));
    CHECK_EQ_INT(vt_br_read_se(&br), 0);
    CHECK_EQ_INT(vt_br_read_se(&br), 1);
    CHECK_EQ_INT(vt_br_read_se(&br), -1);
    CHECK_EQ_INT(vt_br_read_se(&br), 2);
    CHECK_EQ_INT(vt_br_read_se(&br), -2);
    CHECK_EQ_INT(vt_br_bits_left(&br), 7);
    CHECK_EQ_INT(vt_br_read(&br, 7), 0x60);
    CHECK(!br.error);
    CHECK_EQ_INT(vt_br_read_bit(&br), 0);
    CHECK(br.error); /* past the end, sticky */
    vt_br_init(&br, bits, sizeof(bits));
    CHECK_EQ_INT(vt_br_read(&br, 8), 0xa6);
    CHECK_EQ_INT(vt_br_read(&br, 17), 0);
    CHECK(br.error);
    {
        static const uint8_t zeros[8] = {0};
        vt_br_init(&br, zeros, sizeof(zeros));
        CHECK_EQ_INT(vt_br_read_ue(&br), 0);
        CHECK(br.error); /* > 31 leading zeros */
    }
    CHECK_EQ_INT(vt_nal_to_rbsp(out, escaped, sizeof(escaped)), 7);
    CHECK(memcmp(out, "\x00\x00\x01\x00\x00\x00\x03", 7) == 0);
}

static void test_image_buffers(void) {
    CVPixelBufferRef pb = NULL, other = NULL;
    CMVideoFormatDescriptionRef fd = NULL;
    CFArrayRef keys = CMVideoFormatDescriptionGetExtensionKeysCommonWithImageBuffers();
    CHECK(keys != NULL && CFArrayGetCount(keys) == 13);
    CHECK(keys == CMVideoFormatDescriptionGetExtensionKeysCommonWithImageBuffers());
    CHECK(CFArrayContainsValue(keys, CFRangeMake(0, CFArrayGetCount(keys)),
                               kCVImageBufferColorPrimariesKey));

    if (CVPixelBufferCreate(NULL, 64, 48, kCVPixelFormatType_420YpCbCr8BiPlanarVideoRange, NULL,
                            &pb) != kCVReturnSuccess)
        VT_TEST_SKIP("CVPixelBufferCreate failed");
    CVBufferSetAttachment(pb, kCVImageBufferColorPrimariesKey,
                          kCVImageBufferColorPrimaries_ITU_R_709_2,
                          kCVAttachmentMode_ShouldPropagate);
    CVBufferSetAttachment(pb, CFSTR("SomethingElse"), kCFBooleanTrue,
                          kCVAttachmentMode_ShouldPropagate);
    CHECK_STATUS(CMVideoFormatDescriptionCreateForImageBuffer(NULL, pb, &fd), noErr);
    if (fd) {
        CHECK_EQ_INT(CMFormatDescriptionGetMediaSubType(fd),
                     kCVPixelFormatType_420YpCbCr8BiPlanarVideoRange);
        check_dims(fd, 64, 48);
        CHECK(CFEqual(
            CMFormatDescriptionGetExtension(fd, kCMFormatDescriptionExtension_ColorPrimaries),
            kCMFormatDescriptionColorPrimaries_ITU_R_709_2));
        CHECK(CMFormatDescriptionGetExtension(fd, CFSTR("SomethingElse")) == NULL);
        CHECK(CMVideoFormatDescriptionMatchesImageBuffer(fd, pb));
        CVBufferSetAttachment(pb, kCVImageBufferYCbCrMatrixKey,
                              kCVImageBufferYCbCrMatrix_ITU_R_709_2,
                              kCVAttachmentMode_ShouldPropagate);
        CHECK(!CMVideoFormatDescriptionMatchesImageBuffer(fd, pb));
        CVBufferRemoveAttachment(pb, kCVImageBufferYCbCrMatrixKey);
        CHECK(CMVideoFormatDescriptionMatchesImageBuffer(fd, pb));
        CHECK(!CMVideoFormatDescriptionMatchesImageBuffer(fd, NULL));
        CHECK(!CMVideoFormatDescriptionMatchesImageBuffer(NULL, pb));
        if (CVPixelBufferCreate(NULL, 64, 50, kCVPixelFormatType_420YpCbCr8BiPlanarVideoRange, NULL,
                                &other) == kCVReturnSuccess) {
            CHECK(!CMVideoFormatDescriptionMatchesImageBuffer(fd, other));
            CVPixelBufferRelease(other);
        }
        CFRelease(fd);
    }
    /* packed format: BytesPerRow recorded and checked */
    if (CVPixelBufferCreate(NULL, 16, 8, kCVPixelFormatType_32BGRA, NULL, &other) ==
        kCVReturnSuccess) {
        int64_t bpr = 0;
        CFTypeRef x;
        fd = NULL;
        CHECK_STATUS(CMVideoFormatDescriptionCreateForImageBuffer(NULL, other, &fd), noErr);
        x = fd ? CMFormatDescriptionGetExtension(fd, kCMFormatDescriptionExtension_BytesPerRow)
               : NULL;
        CHECK(x && CFNumberGetValue(x, kCFNumberSInt64Type, &bpr) &&
              (size_t)bpr == CVPixelBufferGetBytesPerRow(other));
        CHECK(fd && CMVideoFormatDescriptionMatchesImageBuffer(fd, other));
        CHECK(fd && !CMVideoFormatDescriptionMatchesImageBuffer(fd, pb));
        if (fd)
            CFRelease(fd);
        CVPixelBufferRelease(other);
    }
    CHECK_STATUS(CMVideoFormatDescriptionCreateForImageBuffer(NULL, NULL, &fd),
                 kCMFormatDescriptionError_InvalidParameter);
    CHECK_STATUS(CMVideoFormatDescriptionCreateForImageBuffer(NULL, pb, NULL),
                 kCMFormatDescriptionError_InvalidParameter);
    CHECK_STATUS(CMVideoFormatDescriptionCreateForImageBuffer(
                     NULL, (CVImageBufferRef)(void *)CFSTR("not a buffer"), &fd),
                 kCMFormatDescriptionError_InvalidParameter);
    CVPixelBufferRelease(pb);
}

static void test_constants(void) {
    CHECK(CFEqual(kCMFormatDescriptionExtension_CleanAperture, kCVImageBufferCleanApertureKey));
    CHECK(CFEqual(kCMFormatDescriptionExtension_FieldCount, kCVImageBufferFieldCountKey));
    CHECK(
        CFEqual(kCMFormatDescriptionExtension_PixelAspectRatio, kCVImageBufferPixelAspectRatioKey));
    CHECK(
        CFEqual(kCMFormatDescriptionExtension_TransferFunction, kCVImageBufferTransferFunctionKey));
    CHECK(CFEqual(kCMFormatDescriptionExtension_YCbCrMatrix, kCVImageBufferYCbCrMatrixKey));
    CHECK(CFEqual(kCMFormatDescriptionExtension_GammaLevel, kCVImageBufferGammaLevelKey));
    CHECK(CFEqual(kCMFormatDescriptionExtension_ChromaLocationTopField,
                  kCVImageBufferChromaLocationTopFieldKey));
    CHECK(CFEqual(kCMFormatDescriptionExtension_MasteringDisplayColorVolume,
                  kCVImageBufferMasteringDisplayColorVolumeKey));
    CHECK(CFEqual(kCMFormatDescriptionTransferFunction_sRGB, CFSTR("IEC_sRGB")));
    CHECK(CFEqual(kCMFormatDescriptionTransferFunction_sRGB, kCVImageBufferTransferFunction_sRGB));
    CHECK(CFEqual(kCMFormatDescriptionChromaLocation_DV420, kCVImageBufferChromaLocation_DV420));
    CHECK(CFEqual(kCMFormatDescriptionExtension_FullRangeVideo, CFSTR("FullRangeVideo")));
    CHECK(CFEqual(kCMFormatDescriptionKey_PixelAspectRatioHorizontalSpacing,
                  kCVImageBufferPixelAspectRatioHorizontalSpacingKey));
    CHECK(CFEqual(kCMFormatDescriptionKey_CleanApertureWidth, kCVImageBufferCleanApertureWidthKey));
    CHECK_EQ_INT(kCMVideoCodecType_HEVC, 0x68766331);
    CHECK_EQ_INT(kCMVideoCodecType_AppleProRes422, 0x6170636E);
    CHECK_EQ_INT(kCMFormatDescriptionBridgeError_InvalidParameter, -12712);
    CHECK_EQ_INT(kCMFormatDescriptionError_ValueNotAvailable, -12718);
    CHECK_EQ_INT(sizeof(CMVideoDimensions), 8);
}

int main(void) {
    test_constants();
    test_bitreader();
    test_h264_basic();
    test_h264_variants();
    test_h264_order_and_many();
    test_h264_errors();
    test_garbage();
    test_equality_and_create();
    test_hevc();
    test_internal_helper();
    test_alloc_failures();
    test_image_buffers();
    return vt_test_result();
}
