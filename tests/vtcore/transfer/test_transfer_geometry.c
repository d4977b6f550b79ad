/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Scaling modes end to end, checked pixel by pixel with rectangles computed
 * here from the definitions (not from the library's geometry code):
 *   - Letterbox: the source picture fitted and centred, everything else
 *     black in the destination's format and range (Y 16 / 0, 64 << 6 for
 *     P010, Cb = Cr = 128, RGB 0,0,0 alpha 255, grey 0), for 9 destination
 *     formats; pillarbox; pixel aspect ratios (source attachment and
 *     DestinationPixelAspectRatio); tiny and odd sizes;
 *   - Trim: the centre of the source cropped to fill, exact at 1:1 and by
 *     colour bands when scaling;
 *   - CropSourceToCleanAperture: the source's clean aperture attachment
 *     (with offsets) copied exactly; DestinationCleanAperture places it and
 *     blackens the rest;
 *   - Normal ignores apertures, and the output's clean aperture / pixel
 *     aspect ratio attachments are the source's stretched like the image;
 *     Letterbox / Trim / Crop write the destination properties (or the
 *     source's PAR) as attachments.
 */
#include "transfer_test_util.h"

static VTPixelTransferSessionRef session_with_mode(CFStringRef mode) {
    VTPixelTransferSessionRef s = NULL;
    CHECK_STATUS(VTPixelTransferSessionCreate(NULL, &s), noErr);
    if (s)
        CHECK_STATUS(VTSessionSetProperty(s, kVTPixelTransferPropertyKey_ScalingMode, mode), noErr);
    return s;
}

static void done(VTPixelTransferSessionRef s) {
    if (s) {
        VTPixelTransferSessionInvalidate(s);
        CFRelease(s);
    }
}

static int is_black(const TBuf *b, int x, int y) {
    const TImage *t = &b->t;
    if (t_is_rgb(t->tf)) {
        int c[4];
        t_get_rgb(t, x, y, c);
        return c[0] == 0 && c[1] == 0 && c[2] == 0 && c[3] == 255;
    }
    int Y, U, V, bits = t_bits(t->tf);
    t_get_yuv(t, x, y, &Y, &U, &V);
    if (t_is_gray(t->tf))
        return Y == 0;
    int yb = t->full ? 0 : 16 << (bits - 8), mid = 1 << (bits - 1);
    return Y == yb && U == mid && V == mid;
}

static int is_colour(const TBuf *b, int x, int y, const double want[3], int tol) {
    double rgb[3];
    tb_rgb(b, 6, x, y, rgb);
    if (t_is_gray(b->t.tf)) {
        double l = 0.299 * want[0] + 0.587 * want[1] + 0.114 * want[2];
        return fabs(rgb[0] - l) <= tol;
    }
    for (int c = 0; c < 3; c++)
        if (fabs(rgb[c] - want[c]) > tol)
            return 0;
    return 1;
}

/* Every pixel inside [x0,x1)x[y0,y1) has colour `want`, every other pixel
 * is black. Returns the number of wrong pixels (first ones printed). */
static int check_box(const TBuf *d, int x0, int y0, int x1, int y1, const double want[3],
                     const char *label) {
    int bad = 0;
    for (int y = 0; y < d->t.im.height; y++)
        for (int x = 0; x < d->t.im.width; x++) {
            int inside = x >= x0 && x < x1 && y >= y0 && y < y1;
            int ok = inside ? is_colour(d, x, y, want, 3) : is_black(d, x, y);
            if (!ok && bad++ < 3)
                fprintf(stderr, "%s %s: pixel (%d,%d) %s wrong\n", label, d->t.tf->name, x, y,
                        inside ? "content" : "border");
        }
    return bad;
}

static void test_letterbox_formats(void) {
    static const OSType fmts[] = {
        kCVPixelFormatType_420YpCbCr8Planar,
        kCVPixelFormatType_420YpCbCr8BiPlanarFullRange,
        kCVPixelFormatType_422YpCbCr8_yuvs,
        kCVPixelFormatType_422YpCbCr8,
        kCVPixelFormatType_32BGRA,
        kCVPixelFormatType_24RGB,
        kCVPixelFormatType_420YpCbCr10BiPlanarVideoRange,
        kCVPixelFormatType_OneComponent8,
        kVTCorePixelFormatType_444YpCbCr8PlanarFullRange,
    };
    const double red[3] = {220, 40, 30};
    VTPixelTransferSessionRef s = session_with_mode(kVTScalingMode_Letterbox);
    for (size_t i = 0; s && i < sizeof(fmts) / sizeof(fmts[0]); i++) {
        TBuf src, dst;
        if (!tb_alloc(&src, kCVPixelFormatType_32BGRA, 64, 48, 4) ||
            !tb_alloc(&dst, fmts[i], 64, 64, 6))
            continue;
        tb_fill_rgb(&src, 6, red[0], red[1], red[2]);
        tb_memset(&dst, 0x77);
        CHECK_STATUS(VTPixelTransferSessionTransferImage(s, src.pb, dst.pb), noErr);
        /* 64x48 into 64x64: full width, 48 rows centred -> rows 8..55 */
        CHECK_EQ_INT(check_box(&dst, 0, 8, 64, 56, red, "letterbox"), 0);
        CHECK(tb_padding_is(&dst, 0x77));
        /* pillarbox: 32x64 into 64x64 -> columns 16..47 */
        TBuf tall;
        if (tb_alloc(&tall, kCVPixelFormatType_32BGRA, 32, 64, 0)) {
            tb_fill_rgb(&tall, 6, red[0], red[1], red[2]);
            CHECK_STATUS(VTPixelTransferSessionTransferImage(s, tall.pb, dst.pb), noErr);
            CHECK_EQ_INT(check_box(&dst, 16, 0, 48, 64, red, "pillarbox"), 0);
            tb_free(&tall);
        }
        tb_free(&src);
        tb_free(&dst);
    }
    done(s);
}

static void test_letterbox_par(void) {
    const double green[3] = {30, 200, 60};
    VTPixelTransferSessionRef s = session_with_mode(kVTScalingMode_Letterbox);
    TBuf src, dst;
    if (!s || !tb_alloc(&src, kCVPixelFormatType_420YpCbCr8Planar, 32, 32, 0) ||
        !tb_alloc(&dst, kCVPixelFormatType_32BGRA, 64, 64, 0))
        return;
    tb_fill_rgb(&src, 6, green[0], green[1], green[2]);
    CFDictionaryRef par21 = tt_par(2, 1), par11 = tt_par(1, 1);
    CVBufferSetAttachment(src.pb, kCVImageBufferPixelAspectRatioKey, par21,
                          kCVAttachmentMode_ShouldPropagate);
    /* destination PAR unset = the source's (2:1): 32x32 at 2:1 shows as 64x32,
     * the 64x64 destination at 2:1 as 128x64 -> scaled x2 fills it all */
    CHECK_STATUS(VTPixelTransferSessionTransferImage(s, src.pb, dst.pb), noErr);
    CHECK_EQ_INT(check_box(&dst, 0, 0, 64, 64, green, "par 2:1"), 0);
    CFTypeRef p = CVBufferGetAttachment(dst.pb, kCVImageBufferPixelAspectRatioKey, NULL);
    CHECK(tt_dict_num(p, kCVImageBufferPixelAspectRatioHorizontalSpacingKey) == 2 &&
          tt_dict_num(p, kCVImageBufferPixelAspectRatioVerticalSpacingKey) == 1);
    /* square destination: 64x32 picture centred -> rows 16..47 */
    CHECK_STATUS(
        VTSessionSetProperty(s, kVTPixelTransferPropertyKey_DestinationPixelAspectRatio, par11),
        noErr);
    CHECK_STATUS(VTPixelTransferSessionTransferImage(s, src.pb, dst.pb), noErr);
    CHECK_EQ_INT(check_box(&dst, 0, 16, 64, 48, green, "par 1:1"), 0);
    p = CVBufferGetAttachment(dst.pb, kCVImageBufferPixelAspectRatioKey, NULL);
    CHECK(tt_dict_num(p, kCVImageBufferPixelAspectRatioHorizontalSpacingKey) == 1 &&
          tt_dict_num(p, kCVImageBufferPixelAspectRatioVerticalSpacingKey) == 1);
    /* a destination clean aperture: the picture is fitted inside it */
    CFDictionaryRef ca = tt_aperture(32, 32, 0, 0);
    CHECK_STATUS(VTSessionSetProperty(s, kVTPixelTransferPropertyKey_DestinationCleanAperture, ca),
                 noErr);
    CHECK_STATUS(VTPixelTransferSessionTransferImage(s, src.pb, dst.pb), noErr);
    /* aperture 16..48 square; 64x32 picture -> 32x16 centred: rows 24..39 */
    CHECK_EQ_INT(check_box(&dst, 16, 24, 48, 40, green, "par in aperture"), 0);
    CFTypeRef a = CVBufferGetAttachment(dst.pb, kCVImageBufferCleanApertureKey, NULL);
    CHECK(a && CFEqual(a, ca));
    CFRelease(ca);
    CFRelease(par21);
    CFRelease(par11);
    tb_free(&src);
    tb_free(&dst);
    done(s);
}

static void test_letterbox_tiny(void) {
    static const int sizes[][4] = {{1, 1, 1, 1},  {1, 1, 17, 9}, {30, 10, 31, 31},
                                   {17, 9, 1, 1}, {5, 3, 2, 7},  {3, 3, 9, 2}};
    VTPixelTransferSessionRef s = session_with_mode(kVTScalingMode_Letterbox);
    for (size_t i = 0; s && i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        const int *z = sizes[i];
        TBuf src, dst;
        if (!tb_alloc(&src, kCVPixelFormatType_32BGRA, z[0], z[1], 0) ||
            !tb_alloc(&dst, kCVPixelFormatType_420YpCbCr8Planar, z[2], z[3], 1))
            continue;
        tb_fill_rgb(&src, 6, 255, 255, 255);
        tb_memset(&dst, 0x77);
        CHECK_STATUS(VTPixelTransferSessionTransferImage(s, src.pb, dst.pb), noErr);
        CHECK(tb_padding_is(&dst, 0x77));
        /* Every pixel is either black or (near) white; some pixel is white,
         * and a whole row or column band is black when the aspects differ. */
        int white = 0, other = 0;
        for (int y = 0; y < z[3]; y++)
            for (int x = 0; x < z[2]; x++) {
                int Y, U, V;
                t_get_yuv(&dst.t, x, y, &Y, &U, &V);
                if (Y >= 230 && abs(U - 128) <= 2 && abs(V - 128) <= 2)
                    white++;
                else if (!(Y == 16 && U == 128 && V == 128))
                    other++;
            }
        CHECK_MSG(white > 0 && other == 0, "%dx%d -> %dx%d: %d white %d other", z[0], z[1], z[2],
                  z[3], white, other);
        tb_free(&src);
        tb_free(&dst);
    }
    done(s);
}

/* Distinct, exactly representable pattern. */
static void pattern(TBuf *b) {
    for (int y = 0; y < b->t.im.height; y++)
        for (int x = 0; x < b->t.im.width; x++)
            t_set_rgb(&b->t, x, y, (x * 3) & 255, (y * 5) & 255, (x * 7 + y * 11) & 255, 255);
}

static int shifted_copy(const TBuf *src, const TBuf *dst, int dx0, int dy0, int w, int h, int sx,
                        int sy) {
    int bad = 0;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            int a[4], b[4];
            t_get_rgb(&src->t, x + sx, y + sy, a);
            t_get_rgb(&dst->t, x + dx0, y + dy0, b);
            if (memcmp(a, b, sizeof(a)) && bad++ < 3)
                fprintf(stderr, "dst (%d,%d) != src (%d,%d)\n", x + dx0, y + dy0, x + sx, y + sy);
        }
    return bad;
}

static void test_trim(void) {
    VTPixelTransferSessionRef s = session_with_mode(kVTScalingMode_Trim);
    TBuf src, dst;
    if (!s || !tb_alloc(&src, kCVPixelFormatType_32BGRA, 64, 32, 0) ||
        !tb_alloc(&dst, kCVPixelFormatType_32BGRA, 32, 32, 3))
        return;
    pattern(&src);
    /* 64x32 cropped to its centre 32x32 (x 16..47), 1:1 */
    CHECK_STATUS(VTPixelTransferSessionTransferImage(s, src.pb, dst.pb), noErr);
    CHECK_EQ_INT(shifted_copy(&src, &dst, 0, 0, 32, 32, 16, 0), 0);
    /* vertical: 32x64 -> 32x32 keeps rows 16..47 */
    TBuf tall;
    if (tb_alloc(&tall, kCVPixelFormatType_32BGRA, 32, 64, 0)) {
        pattern(&tall);
        CHECK_STATUS(VTPixelTransferSessionTransferImage(s, tall.pb, dst.pb), noErr);
        CHECK_EQ_INT(shifted_copy(&tall, &dst, 0, 0, 32, 32, 0, 16), 0);
        tb_free(&tall);
    }
    tb_free(&src);
    tb_free(&dst);

    /* scaled: 128x64 -> 32x32 keeps x 32..95 at 1/2; bands red | green | blue */
    TBuf wide, small;
    if (tb_alloc(&wide, kCVPixelFormatType_32BGRA, 128, 64, 0) &&
        tb_alloc(&small, kCVPixelFormatType_420YpCbCr8BiPlanarVideoRange, 32, 32, 0)) {
        const double col[3][3] = {{230, 20, 20}, {20, 230, 20}, {20, 20, 230}};
        for (int y = 0; y < 64; y++)
            for (int x = 0; x < 128; x++) {
                const double *c = x < 48 ? col[0] : x < 80 ? col[1] : col[2];
                tb_set_rgb(&wide, 6, x, y, c[0], c[1], c[2]);
            }
        CHECK_STATUS(VTPixelTransferSessionTransferImage(s, wide.pb, small.pb), noErr);
        /* source 32..47 red -> 0..7, 48..79 green -> 8..23, 80..95 blue -> 24..31;
         * luma checked away from the band edges */
        int bad = 0;
        for (int y = 0; y < 32; y++)
            for (int x = 0; x < 32; x++) {
                if ((x >= 6 && x <= 9) || (x >= 22 && x <= 25))
                    continue;
                const double *c = x < 8 ? col[0] : x < 24 ? col[1] : col[2];
                double yuv[3];
                int Y, U, V;
                t_ref_rgb_to_yuv(c[0], c[1], c[2], 8, 0, 6, yuv);
                t_get_yuv(&small.t, x, y, &Y, &U, &V);
                bad += abs(Y - t_clampi(yuv[0], 255)) > 2;
            }
        CHECK_EQ_INT(bad, 0);
    }
    tb_free(&wide);
    tb_free(&small);
    done(s);
}

static void test_crop_to_aperture(void) {
    VTPixelTransferSessionRef s = session_with_mode(kVTScalingMode_CropSourceToCleanAperture);
    TBuf src, dst, big;
    if (!s || !tb_alloc(&src, kCVPixelFormatType_32BGRA, 64, 48, 0) ||
        !tb_alloc(&dst, kCVPixelFormatType_32BGRA, 32, 16, 0) ||
        !tb_alloc(&big, kCVPixelFormatType_32BGRA, 64, 32, 0))
        return;
    pattern(&src);
    /* 32x16 aperture, centre moved by (+8, -4): x 24..55, y 12..27 */
    CFDictionaryRef sca = tt_aperture(32, 16, 8, -4);
    CVBufferSetAttachment(src.pb, kCVImageBufferCleanApertureKey, sca,
                          kCVAttachmentMode_ShouldPropagate);
    CHECK_STATUS(VTPixelTransferSessionTransferImage(s, src.pb, dst.pb), noErr);
    CHECK_EQ_INT(shifted_copy(&src, &dst, 0, 0, 32, 16, 24, 12), 0);
    /* no destination aperture / PAR set: none attached */
    CHECK(CVBufferGetAttachment(dst.pb, kCVImageBufferCleanApertureKey, NULL) == NULL);
    CHECK(CVBufferGetAttachment(dst.pb, kCVImageBufferPixelAspectRatioKey, NULL) == NULL);

    /* into the centre 32x16 of a 64x32 destination; the rest black */
    CFDictionaryRef dca = tt_aperture(32, 16, 0, 0);
    CFDictionaryRef dpar = tt_par(1, 1);
    VTSessionSetProperty(s, kVTPixelTransferPropertyKey_DestinationCleanAperture, dca);
    VTSessionSetProperty(s, kVTPixelTransferPropertyKey_DestinationPixelAspectRatio, dpar);
    CHECK_STATUS(VTPixelTransferSessionTransferImage(s, src.pb, big.pb), noErr);
    CHECK_EQ_INT(shifted_copy(&src, &big, 16, 8, 32, 16, 24, 12), 0);
    int bad = 0;
    for (int y = 0; y < 32; y++)
        for (int x = 0; x < 64; x++)
            if (!(x >= 16 && x < 48 && y >= 8 && y < 24))
                bad += !is_black(&big, x, y);
    CHECK_EQ_INT(bad, 0);
    CFTypeRef a = CVBufferGetAttachment(big.pb, kCVImageBufferCleanApertureKey, NULL);
    CHECK(a && CFEqual(a, dca));
    a = CVBufferGetAttachment(big.pb, kCVImageBufferPixelAspectRatioKey, NULL);
    CHECK(a && CFEqual(a, dpar));
    CFRelease(sca);
    CFRelease(dca);
    CFRelease(dpar);
    tb_free(&src);
    tb_free(&dst);
    tb_free(&big);
    done(s);
}

static void test_normal_attachments(void) {
    VTPixelTransferSessionRef s = session_with_mode(kVTScalingMode_Normal);
    TBuf src, same, half;
    if (!s || !tb_alloc(&src, kCVPixelFormatType_32BGRA, 64, 48, 0) ||
        !tb_alloc(&same, kCVPixelFormatType_32BGRA, 64, 48, 0) ||
        !tb_alloc(&half, kCVPixelFormatType_32BGRA, 32, 48, 0))
        return;
    pattern(&src);
    CFDictionaryRef sca = tt_aperture(32, 16, 8, -4), par = tt_par(1, 1);
    CVBufferSetAttachment(src.pb, kCVImageBufferCleanApertureKey, sca,
                          kCVAttachmentMode_ShouldPropagate);
    CVBufferSetAttachment(src.pb, kCVImageBufferPixelAspectRatioKey, par,
                          kCVAttachmentMode_ShouldPropagate);
    /* a destination aperture is ignored in Normal mode */
    CFDictionaryRef dca = tt_aperture(10, 10, 0, 0);
    VTSessionSetProperty(s, kVTPixelTransferPropertyKey_DestinationCleanAperture, dca);
    CHECK_STATUS(VTPixelTransferSessionTransferImage(s, src.pb, same.pb), noErr);
    CHECK_EQ_INT(shifted_copy(&src, &same, 0, 0, 64, 48, 0, 0), 0);
    CFTypeRef a = CVBufferGetAttachment(same.pb, kCVImageBufferCleanApertureKey, NULL);
    CHECK(tt_dict_num(a, kCVImageBufferCleanApertureWidthKey) == 32 &&
          tt_dict_num(a, kCVImageBufferCleanApertureHeightKey) == 16 &&
          tt_dict_num(a, kCVImageBufferCleanApertureHorizontalOffsetKey) == 8 &&
          tt_dict_num(a, kCVImageBufferCleanApertureVerticalOffsetKey) == -4);
    /* half width: aperture halved horizontally, pixels twice as wide */
    CHECK_STATUS(VTPixelTransferSessionTransferImage(s, src.pb, half.pb), noErr);
    a = CVBufferGetAttachment(half.pb, kCVImageBufferCleanApertureKey, NULL);
    CHECK(tt_dict_num(a, kCVImageBufferCleanApertureWidthKey) == 16 &&
          tt_dict_num(a, kCVImageBufferCleanApertureHeightKey) == 16 &&
          tt_dict_num(a, kCVImageBufferCleanApertureHorizontalOffsetKey) == 4 &&
          tt_dict_num(a, kCVImageBufferCleanApertureVerticalOffsetKey) == -4);
    a = CVBufferGetAttachment(half.pb, kCVImageBufferPixelAspectRatioKey, NULL);
    CHECK(tt_dict_num(a, kCVImageBufferPixelAspectRatioHorizontalSpacingKey) == 2 &&
          tt_dict_num(a, kCVImageBufferPixelAspectRatioVerticalSpacingKey) == 1);
    /* each column of the half-width image comes from the source (point or
     * bilinear); the first column is source column 0 or 1 */
    int c0[4], s0[4], s1[4];
    t_get_rgb(&half.t, 0, 5, c0);
    t_get_rgb(&src.t, 0, 5, s0);
    t_get_rgb(&src.t, 1, 5, s1);
    CHECK(abs(c0[1] - s0[1]) <= 1 && c0[0] >= s0[0] && c0[0] <= s1[0]);
    /* a source without aperture / PAR gives none */
    CVBufferRemoveAllAttachments(src.pb);
    CHECK_STATUS(VTPixelTransferSessionTransferImage(s, src.pb, half.pb), noErr);
    CHECK(CVBufferGetAttachment(half.pb, kCVImageBufferCleanApertureKey, NULL) == NULL);
    CHECK(CVBufferGetAttachment(half.pb, kCVImageBufferPixelAspectRatioKey, NULL) == NULL);
    CFRelease(sca);
    CFRelease(par);
    CFRelease(dca);
    tb_free(&src);
    tb_free(&same);
    tb_free(&half);
    done(s);
}

/* Hostile source attachments (extreme, tiny, non-numeric values) never make
 * a transfer fail or misbehave (the UBSan build checks the arithmetic). */
static void test_hostile_attachments(void) {
    static const double par_vals[][2] = {{1e300, 1e-300}, {1e-300, 1e300}, {1, 1e6}, {5, 4}};
    static const double ap_vals[][4] = {
        {1e-320, 1e-320, 0, 0}, {0.5, 0.5, 0, 0}, {1e300, 1e300, 1e308, -1e308},
        {3, 2, -1e9, 1e9},      {-5, 10, 0, 0},   {40, 20, 0.25, -0.75}};
    const CFStringRef modes[] = {kVTScalingMode_Normal, kVTScalingMode_CropSourceToCleanAperture,
                                 kVTScalingMode_Letterbox, kVTScalingMode_Trim};
    TBuf src, dst;
    if (!tb_alloc(&src, kCVPixelFormatType_420YpCbCr8BiPlanarVideoRange, 33, 17, 0) ||
        !tb_alloc(&dst, kCVPixelFormatType_422YpCbCr8, 19, 27, 0))
        return;
    t_fill_random(&src.t, 77);
    int failures = 0;
    for (int m = 0; m < 4; m++) {
        VTPixelTransferSessionRef s = session_with_mode(modes[m]);
        for (int i = 0; s && i < 4; i++)
            for (int j = 0; j < 6; j++) {
                CFDictionaryRef par = tt_par(par_vals[i][0], par_vals[i][1]);
                CFDictionaryRef ca =
                    tt_aperture(ap_vals[j][0], ap_vals[j][1], ap_vals[j][2], ap_vals[j][3]);
                CVBufferSetAttachment(src.pb, kCVImageBufferPixelAspectRatioKey, par,
                                      kCVAttachmentMode_ShouldPropagate);
                CVBufferSetAttachment(src.pb, kCVImageBufferCleanApertureKey,
                                      j == 5 ? (CFTypeRef)CFSTR("junk") : (CFTypeRef)ca,
                                      kCVAttachmentMode_ShouldPropagate);
                VTSessionSetProperty(s, kVTPixelTransferPropertyKey_DestinationCleanAperture,
                                     j == 5 ? ca : NULL);
                failures += VTPixelTransferSessionTransferImage(s, src.pb, dst.pb) != noErr;
                CFRelease(par);
                CFRelease(ca);
            }
        done(s);
    }
    CHECK_EQ_INT(failures, 0);
    tb_free(&src);
    tb_free(&dst);
}

int main(void) {
    test_letterbox_formats();
    test_letterbox_par();
    test_letterbox_tiny();
    test_trim();
    test_crop_to_aperture();
    test_normal_attachments();
    test_hostile_attachments();
    return vt_test_result();
}
