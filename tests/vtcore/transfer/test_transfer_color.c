/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Colour and attachments through VTPixelTransferSessionTransferImage:
 *   - the source's kCVImageBufferYCbCrMatrixKey decides YCbCr -> RGB
 *     (BT.601 / 709 / 2020, each matched against the float reference);
 *     untagged sources use BT.601 below 1280x720 and BT.709 from there;
 *   - DestinationYCbCrMatrix, else the destination buffer's matrix
 *     attachment, decides RGB -> YCbCr and YCbCr -> YCbCr (through RGB),
 *     also the luma weights of RGB -> grey;
 *   - matrices without coefficients (SMPTE 240M, P3) and primaries /
 *     transfer function changes asked by DestinationColorPrimaries /
 *     DestinationTransferFunction (colour matching) are refused with
 *     kVTPixelTransferNotSupportedErr; equal or unknown ones are tags only;
 *     the destination buffer's own primaries / transfer tags only label an
 *     untagged source and are otherwise replaced;
 *   - the destination's attachments are replaced: matrix / primaries /
 *     transfer / chroma subsampling describe what was written, chroma
 *     siting survives only when the subsampling does, alpha attachments
 *     only on alpha formats, unknown propagatable source attachments are
 *     copied, non-propagatable ones and the destination's old ones are not.
 */
#include "transfer_test_util.h"

static VTPixelTransferSessionRef new_session(void) {
    VTPixelTransferSessionRef s = NULL;
    CHECK_STATUS(VTPixelTransferSessionCreate(NULL, &s), noErr);
    return s;
}

static void done(VTPixelTransferSessionRef s) {
    if (s) {
        VTPixelTransferSessionInvalidate(s);
        CFRelease(s);
    }
}

static void attach(CVPixelBufferRef pb, CFStringRef key, CFTypeRef v) {
    CVBufferSetAttachment(pb, key, v, kCVAttachmentMode_ShouldPropagate);
}

static int has(CVPixelBufferRef pb, CFStringRef key, CFTypeRef want) {
    CFTypeRef v = CVBufferGetAttachment(pb, key, NULL);
    if (!want)
        return v == NULL;
    return v != NULL && CFEqual(v, want);
}

/* YCbCr (flat) -> BGRA with the source tagged `matrix` (0 = untagged,
 * expected `expect`). Returns the worst error against the reference. */
static int yuv_to_rgb_case(VTPixelTransferSessionRef s, int w, int h, int matrix, int expect,
                           int out[3]) {
    TBuf src, dst;
    int worst = 999;
    if (!tb_alloc(&src, kCVPixelFormatType_420YpCbCr8Planar, w, h, 0) ||
        !tb_alloc(&dst, kCVPixelFormatType_32BGRA, w, h, 0))
        return worst;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
            t_set_yuv(&src.t, x, y, 120, 90, 200);
    if (matrix)
        attach(src.pb, kCVImageBufferYCbCrMatrixKey, tt_matrix_string(matrix));
    if (VTPixelTransferSessionTransferImage(s, src.pb, dst.pb) == noErr) {
        double ref[3];
        int c[4];
        t_ref_yuv_to_rgb(120, 90, 200, 8, 0, expect, ref);
        t_get_rgb(&dst.t, w / 2, h / 2, c);
        worst = 0;
        for (int k = 0; k < 3; k++) {
            int e = abs(c[k] - t_clampi(ref[k], 255));
            worst = e > worst ? e : worst;
            out[k] = c[k];
        }
        CHECK(has(dst.pb, kCVImageBufferYCbCrMatrixKey, NULL));
    }
    tb_free(&src);
    tb_free(&dst);
    return worst;
}

static void test_source_matrix(void) {
    VTPixelTransferSessionRef s = new_session();
    int c601[3], c709[3], c2020[3], cun[3], chd[3];
    CHECK(yuv_to_rgb_case(s, 32, 32, 6, 6, c601) <= 2);
    CHECK(yuv_to_rgb_case(s, 32, 32, 1, 1, c709) <= 2);
    CHECK(yuv_to_rgb_case(s, 32, 32, 9, 9, c2020) <= 2);
    CHECK(yuv_to_rgb_case(s, 32, 32, 0, 6, cun) <= 2);
    CHECK(yuv_to_rgb_case(s, 1280, 720, 0, 1, chd) <= 2);
    /* the matrices really give different colours */
    CHECK(abs(c601[1] - c709[1]) > 5 || abs(c601[0] - c709[0]) > 5);
    CHECK(abs(c709[2] - c2020[2]) > 2 || abs(c709[0] - c2020[0]) > 2);
    CHECK(memcmp(c601, cun, sizeof(cun)) == 0);
    done(s);
}

/* BGRA (flat colour) -> `fmt`; returns the destination's Y at the centre. */
static int rgb_to_luma(VTPixelTransferSessionRef s, OSType fmt, int r, int g, int b,
                       CFStringRef dst_tag, CVPixelBufferRef *keep) {
    TBuf src, dst;
    int Y = -1, U, V;
    if (!tb_alloc(&src, kCVPixelFormatType_32BGRA, 16, 16, 0) || !tb_alloc(&dst, fmt, 16, 16, 0))
        return -1;
    for (int y = 0; y < 16; y++)
        for (int x = 0; x < 16; x++)
            t_set_rgb(&src.t, x, y, r, g, b, 255);
    if (dst_tag)
        attach(dst.pb, kCVImageBufferYCbCrMatrixKey, dst_tag);
    if (VTPixelTransferSessionTransferImage(s, src.pb, dst.pb) == noErr)
        t_get_yuv(&dst.t, 8, 8, &Y, &U, &V);
    if (keep)
        *keep = CVPixelBufferRetain(dst.pb);
    tb_free(&src);
    tb_free(&dst);
    return Y;
}

static int ref_luma(int r, int g, int b, int full, int matrix) {
    double yuv[3];
    t_ref_rgb_to_yuv(r, g, b, 8, full, matrix, yuv);
    return t_clampi(yuv[0], 255);
}

static void test_destination_matrix(void) {
    VTPixelTransferSessionRef s = new_session();
    const OSType i420 = kCVPixelFormatType_420YpCbCr8Planar;
    CVPixelBufferRef out = NULL;
    /* default: size rule (BT.601 below 720p), tagged */
    CHECK(abs(rgb_to_luma(s, i420, 200, 30, 90, NULL, &out) - ref_luma(200, 30, 90, 0, 6)) <= 1);
    CHECK(out && has(out, kCVImageBufferYCbCrMatrixKey, kCVImageBufferYCbCrMatrix_ITU_R_601_4));
    CVPixelBufferRelease(out);
    /* the destination buffer's tag */
    CHECK(abs(rgb_to_luma(s, i420, 200, 30, 90, kCVImageBufferYCbCrMatrix_ITU_R_709_2, &out) -
              ref_luma(200, 30, 90, 0, 1)) <= 1);
    CHECK(out && has(out, kCVImageBufferYCbCrMatrixKey, kCVImageBufferYCbCrMatrix_ITU_R_709_2));
    CVPixelBufferRelease(out);
    /* the property wins over the destination's tag */
    CHECK_STATUS(VTSessionSetProperty(s, kVTPixelTransferPropertyKey_DestinationYCbCrMatrix,
                                      kCVImageBufferYCbCrMatrix_ITU_R_2020),
                 noErr);
    CHECK(abs(rgb_to_luma(s, i420, 200, 30, 90, kCVImageBufferYCbCrMatrix_ITU_R_709_2, &out) -
              ref_luma(200, 30, 90, 0, 9)) <= 1);
    CHECK(out && has(out, kCVImageBufferYCbCrMatrixKey, kCVImageBufferYCbCrMatrix_ITU_R_2020));
    CVPixelBufferRelease(out);
    /* grey: the matrix's luma weights, no matrix tag */
    VTSessionSetProperty(s, kVTPixelTransferPropertyKey_DestinationYCbCrMatrix,
                         kCVImageBufferYCbCrMatrix_ITU_R_709_2);
    int y709 = rgb_to_luma(s, kCVPixelFormatType_OneComponent8, 255, 0, 0, NULL, &out);
    CHECK(out && has(out, kCVImageBufferYCbCrMatrixKey, NULL));
    CVPixelBufferRelease(out);
    VTSessionSetProperty(s, kVTPixelTransferPropertyKey_DestinationYCbCrMatrix,
                         kCVImageBufferYCbCrMatrix_ITU_R_601_4);
    int y601 = rgb_to_luma(s, kCVPixelFormatType_OneComponent8, 255, 0, 0, NULL, NULL);
    CHECK_MSG(abs(y709 - ref_luma(255, 0, 0, 1, 1)) <= 1, "grey 709 %d", y709);
    CHECK_MSG(abs(y601 - ref_luma(255, 0, 0, 1, 6)) <= 1, "grey 601 %d", y601);
    /* matrices without coefficients */
    VTSessionSetProperty(s, kVTPixelTransferPropertyKey_DestinationYCbCrMatrix,
                         kCVImageBufferYCbCrMatrix_P3_D65);
    CHECK_EQ_INT(rgb_to_luma(s, i420, 1, 2, 3, NULL, NULL), -1);
    VTSessionSetProperty(s, kVTPixelTransferPropertyKey_DestinationYCbCrMatrix,
                         kCVImageBufferYCbCrMatrix_SMPTE_240M_1995);
    CHECK_EQ_INT(rgb_to_luma(s, i420, 1, 2, 3, NULL, NULL), -1);
    done(s);
}

static void test_yuv_matrix_change(void) {
    VTPixelTransferSessionRef s = new_session();
    TBuf src, dst, bgra;
    if (!tb_alloc(&src, kCVPixelFormatType_420YpCbCr8Planar, 16, 16, 0) ||
        !tb_alloc(&dst, kCVPixelFormatType_420YpCbCr8BiPlanarVideoRange, 16, 16, 0) ||
        !tb_alloc(&bgra, kCVPixelFormatType_32BGRA, 16, 16, 0))
        return;
    for (int y = 0; y < 16; y++)
        for (int x = 0; x < 16; x++)
            t_set_yuv(&src.t, x, y, 100, 150, 170);
    attach(src.pb, kCVImageBufferYCbCrMatrixKey, kCVImageBufferYCbCrMatrix_ITU_R_601_4);
    /* same matrix: samples unchanged */
    CHECK_STATUS(VTPixelTransferSessionTransferImage(s, src.pb, dst.pb), noErr);
    int Y, U, V;
    t_get_yuv(&dst.t, 5, 5, &Y, &U, &V);
    CHECK(Y == 100 && U == 150 && V == 170);
    CHECK(has(dst.pb, kCVImageBufferYCbCrMatrixKey, kCVImageBufferYCbCrMatrix_ITU_R_601_4));
    /* BT.601 -> BT.709: the same colour in the other matrix */
    VTSessionSetProperty(s, kVTPixelTransferPropertyKey_DestinationYCbCrMatrix,
                         kCVImageBufferYCbCrMatrix_ITU_R_709_2);
    CHECK_STATUS(VTPixelTransferSessionTransferImage(s, src.pb, dst.pb), noErr);
    CHECK(has(dst.pb, kCVImageBufferYCbCrMatrixKey, kCVImageBufferYCbCrMatrix_ITU_R_709_2));
    double rgb[3], yuv[3];
    t_ref_yuv_to_rgb(100, 150, 170, 8, 0, 6, rgb);
    t_ref_rgb_to_yuv(t_clampi(rgb[0], 255), t_clampi(rgb[1], 255), t_clampi(rgb[2], 255), 8, 0, 1,
                     yuv);
    t_get_yuv(&dst.t, 5, 5, &Y, &U, &V);
    CHECK_MSG(abs(Y - t_clampi(yuv[0], 255)) <= 3 && abs(U - t_clampi(yuv[1], 255)) <= 3 &&
                  abs(V - t_clampi(yuv[2], 255)) <= 3,
              "601->709: %d %d %d want %.1f %.1f %.1f", Y, U, V, yuv[0], yuv[1], yuv[2]);
    /* and back to RGB with the written tag: the original colour */
    CHECK_STATUS(VTSessionSetProperty(s, kVTPixelTransferPropertyKey_DestinationYCbCrMatrix, NULL),
                 noErr);
    CHECK_STATUS(VTPixelTransferSessionTransferImage(s, dst.pb, bgra.pb), noErr);
    int c[4];
    t_get_rgb(&bgra.t, 3, 3, c);
    CHECK(abs(c[0] - t_clampi(rgb[0], 255)) <= 4 && abs(c[1] - t_clampi(rgb[1], 255)) <= 4 &&
          abs(c[2] - t_clampi(rgb[2], 255)) <= 4);
    /* SMPTE 240M: a tag only; no conversion possible */
    attach(src.pb, kCVImageBufferYCbCrMatrixKey, kCVImageBufferYCbCrMatrix_SMPTE_240M_1995);
    CVBufferRemoveAllAttachments(dst.pb);
    CHECK_STATUS(VTPixelTransferSessionTransferImage(s, src.pb, dst.pb), noErr);
    CHECK(has(dst.pb, kCVImageBufferYCbCrMatrixKey, kCVImageBufferYCbCrMatrix_SMPTE_240M_1995));
    CHECK_STATUS(VTPixelTransferSessionTransferImage(s, src.pb, bgra.pb),
                 kVTPixelTransferNotSupportedErr);
    VTSessionSetProperty(s, kVTPixelTransferPropertyKey_DestinationYCbCrMatrix,
                         kCVImageBufferYCbCrMatrix_ITU_R_709_2);
    CHECK_STATUS(VTPixelTransferSessionTransferImage(s, src.pb, dst.pb),
                 kVTPixelTransferNotSupportedErr);
    tb_free(&src);
    tb_free(&dst);
    tb_free(&bgra);
    done(s);
}

static void test_primaries_transfer(void) {
    VTPixelTransferSessionRef s = new_session();
    CVPixelBufferRef src = NULL, dst = NULL;
    CVPixelBufferCreate(NULL, 16, 16, kCVPixelFormatType_32BGRA, NULL, &src);
    CVPixelBufferCreate(NULL, 16, 16, kCVPixelFormatType_420YpCbCr8Planar, NULL, &dst);
    if (!s || !src || !dst)
        return;
    const CFStringRef kP = kVTPixelTransferPropertyKey_DestinationColorPrimaries;
    const CFStringRef kT = kVTPixelTransferPropertyKey_DestinationTransferFunction;
    /* untagged source: tags only */
    VTSessionSetProperty(s, kP, kCVImageBufferColorPrimaries_ITU_R_2020);
    VTSessionSetProperty(s, kT, kCVImageBufferTransferFunction_SMPTE_ST_2084_PQ);
    CHECK_STATUS(VTPixelTransferSessionTransferImage(s, src, dst), noErr);
    CHECK(has(dst, kCVImageBufferColorPrimariesKey, kCVImageBufferColorPrimaries_ITU_R_2020));
    CHECK(has(dst, kCVImageBufferTransferFunctionKey,
              kCVImageBufferTransferFunction_SMPTE_ST_2084_PQ));
    /* different known primaries: colour matching, refused */
    attach(src, kCVImageBufferColorPrimariesKey, kCVImageBufferColorPrimaries_ITU_R_709_2);
    CHECK_STATUS(VTPixelTransferSessionTransferImage(s, src, dst), kVTPixelTransferNotSupportedErr);
    attach(src, kCVImageBufferColorPrimariesKey, kCVImageBufferColorPrimaries_ITU_R_2020);
    CHECK_STATUS(VTPixelTransferSessionTransferImage(s, src, dst), noErr);
    /* transfer functions: BT.709 and BT.2020 are the same curve */
    attach(src, kCVImageBufferTransferFunctionKey, kCVImageBufferTransferFunction_ITU_R_709_2);
    CHECK_STATUS(VTPixelTransferSessionTransferImage(s, src, dst), kVTPixelTransferNotSupportedErr);
    VTSessionSetProperty(s, kT, kCVImageBufferTransferFunction_ITU_R_2020);
    CHECK_STATUS(VTPixelTransferSessionTransferImage(s, src, dst), noErr);
    CHECK(has(dst, kCVImageBufferTransferFunctionKey, kCVImageBufferTransferFunction_ITU_R_2020));
    /* unset properties: the source's tags travel */
    VTSessionSetProperty(s, kP, NULL);
    VTSessionSetProperty(s, kT, NULL);
    CVBufferRemoveAllAttachments(dst);
    CHECK_STATUS(VTPixelTransferSessionTransferImage(s, src, dst), noErr);
    CHECK(has(dst, kCVImageBufferColorPrimariesKey, kCVImageBufferColorPrimaries_ITU_R_2020));
    CHECK(has(dst, kCVImageBufferTransferFunctionKey, kCVImageBufferTransferFunction_ITU_R_709_2));
    /* the destination buffer's own tags are not requests: a contradicting
     * one is replaced by the source's ... */
    attach(dst, kCVImageBufferColorPrimariesKey, kCVImageBufferColorPrimaries_P3_D65);
    attach(dst, kCVImageBufferTransferFunctionKey, kCVImageBufferTransferFunction_sRGB);
    CHECK_STATUS(VTPixelTransferSessionTransferImage(s, src, dst), noErr);
    CHECK(has(dst, kCVImageBufferColorPrimariesKey, kCVImageBufferColorPrimaries_ITU_R_2020));
    CHECK(has(dst, kCVImageBufferTransferFunctionKey, kCVImageBufferTransferFunction_ITU_R_709_2));
    /* ... and label an untagged source's pixels */
    CVBufferRemoveAllAttachments(src);
    CVBufferRemoveAllAttachments(dst);
    attach(dst, kCVImageBufferColorPrimariesKey, kCVImageBufferColorPrimaries_P3_D65);
    CHECK_STATUS(VTPixelTransferSessionTransferImage(s, src, dst), noErr);
    CHECK(has(dst, kCVImageBufferColorPrimariesKey, kCVImageBufferColorPrimaries_P3_D65));
    CHECK(has(dst, kCVImageBufferTransferFunctionKey, NULL));
    CVPixelBufferRelease(src);
    CVPixelBufferRelease(dst);
    done(s);
}

static void test_attachments(void) {
    VTPixelTransferSessionRef s = new_session();
    CVPixelBufferRef src = NULL, nv12 = NULL, bgra = NULL, i444 = NULL, rgba = NULL;
    CVPixelBufferCreate(NULL, 32, 16, kCVPixelFormatType_420YpCbCr8Planar, NULL, &src);
    CVPixelBufferCreate(NULL, 32, 16, kCVPixelFormatType_420YpCbCr8BiPlanarVideoRange, NULL, &nv12);
    CVPixelBufferCreate(NULL, 16, 8, kCVPixelFormatType_32BGRA, NULL, &bgra);
    CVPixelBufferCreate(NULL, 32, 16, kVTCorePixelFormatType_444YpCbCr8Planar, NULL, &i444);
    CVPixelBufferCreate(NULL, 32, 16, kCVPixelFormatType_32RGBA, NULL, &rgba);
    if (!s || !src || !nv12 || !bgra || !i444 || !rgba)
        return;
    attach(src, kCVImageBufferYCbCrMatrixKey, kCVImageBufferYCbCrMatrix_ITU_R_709_2);
    attach(src, kCVImageBufferColorPrimariesKey, kCVImageBufferColorPrimaries_ITU_R_709_2);
    attach(src, kCVImageBufferTransferFunctionKey, kCVImageBufferTransferFunction_ITU_R_709_2);
    attach(src, kCVImageBufferChromaLocationTopFieldKey, kCVImageBufferChromaLocation_Left);
    attach(src, kCVImageBufferChromaSubsamplingKey, kCVImageBufferChromaSubsampling_420);
    CFNumberRef one = tt_num(1);
    attach(src, kCVImageBufferFieldCountKey, one);
    CFRelease(one);
    attach(src, CFSTR("com.example.propagate"), CFSTR("yes"));
    CVBufferSetAttachment(src, CFSTR("com.example.local"), CFSTR("no"),
                          kCVAttachmentMode_ShouldNotPropagate);
    attach(nv12, CFSTR("com.example.old"), CFSTR("stale"));
    CFDictionaryRef stale_ca = tt_aperture(4, 4, 0, 0);
    attach(nv12, kCVImageBufferCleanApertureKey, stale_ca);
    CFRelease(stale_ca);

    CHECK_STATUS(VTPixelTransferSessionTransferImage(s, src, nv12), noErr);
    CHECK(has(nv12, kCVImageBufferYCbCrMatrixKey, kCVImageBufferYCbCrMatrix_ITU_R_709_2));
    CHECK(has(nv12, kCVImageBufferColorPrimariesKey, kCVImageBufferColorPrimaries_ITU_R_709_2));
    CHECK(has(nv12, kCVImageBufferTransferFunctionKey, kCVImageBufferTransferFunction_ITU_R_709_2));
    CHECK(has(nv12, kCVImageBufferChromaLocationTopFieldKey, kCVImageBufferChromaLocation_Left));
    CHECK(has(nv12, kCVImageBufferChromaSubsamplingKey, kCVImageBufferChromaSubsampling_420));
    CHECK(CVBufferGetAttachment(nv12, kCVImageBufferFieldCountKey, NULL) != NULL);
    CVAttachmentMode mode = kCVAttachmentMode_ShouldNotPropagate;
    CHECK(CVBufferGetAttachment(nv12, CFSTR("com.example.propagate"), &mode) != NULL);
    CHECK(mode == kCVAttachmentMode_ShouldPropagate);
    CHECK(has(nv12, CFSTR("com.example.local"), NULL));
    CHECK(has(nv12, CFSTR("com.example.old"), NULL));
    CHECK(has(nv12, kCVImageBufferCleanApertureKey, NULL));

    /* RGB: no matrix, subsampling or siting; colour tags stay */
    CHECK_STATUS(VTPixelTransferSessionTransferImage(s, src, bgra), noErr);
    CHECK(has(bgra, kCVImageBufferYCbCrMatrixKey, NULL));
    CHECK(has(bgra, kCVImageBufferChromaSubsamplingKey, NULL));
    CHECK(has(bgra, kCVImageBufferChromaLocationTopFieldKey, NULL));
    CHECK(has(bgra, kCVImageBufferColorPrimariesKey, kCVImageBufferColorPrimaries_ITU_R_709_2));
    CHECK(has(bgra, CFSTR("com.example.propagate"), CFSTR("yes")));

    /* 4:4:4: the siting of 4:2:0 chroma no longer applies */
    CHECK_STATUS(VTPixelTransferSessionTransferImage(s, src, i444), noErr);
    CHECK(has(i444, kCVImageBufferChromaLocationTopFieldKey, NULL));
    CHECK(has(i444, kCVImageBufferChromaSubsamplingKey, NULL));
    CHECK(has(i444, kCVImageBufferYCbCrMatrixKey, kCVImageBufferYCbCrMatrix_ITU_R_709_2));

    /* alpha attachments only where there is alpha */
    attach(bgra, kCVImageBufferAlphaChannelIsOpaque, kCFBooleanTrue);
    CHECK_STATUS(VTPixelTransferSessionTransferImage(s, bgra, rgba), noErr);
    CHECK(has(rgba, kCVImageBufferAlphaChannelIsOpaque, kCFBooleanTrue));
    CHECK_STATUS(VTPixelTransferSessionTransferImage(s, bgra, nv12), noErr);
    CHECK(has(nv12, kCVImageBufferAlphaChannelIsOpaque, NULL));
    /* gamma level follows UseGamma only */
    attach(bgra, kCVImageBufferGammaLevelKey, kCFBooleanTrue);
    CHECK_STATUS(VTPixelTransferSessionTransferImage(s, bgra, rgba), noErr);
    CHECK(has(rgba, kCVImageBufferGammaLevelKey, NULL));
    attach(bgra, kCVImageBufferTransferFunctionKey, kCVImageBufferTransferFunction_UseGamma);
    /* (rgba still carries the BT.709 tag of the last transfer: replaced) */
    CHECK(has(rgba, kCVImageBufferTransferFunctionKey, kCVImageBufferTransferFunction_ITU_R_709_2));
    CHECK_STATUS(VTPixelTransferSessionTransferImage(s, bgra, rgba), noErr);
    CHECK(has(rgba, kCVImageBufferGammaLevelKey, kCFBooleanTrue));
    CHECK(has(rgba, kCVImageBufferTransferFunctionKey, kCVImageBufferTransferFunction_UseGamma));

    CVPixelBufferRelease(src);
    CVPixelBufferRelease(nv12);
    CVPixelBufferRelease(bgra);
    CVPixelBufferRelease(i444);
    CVPixelBufferRelease(rgba);
    done(s);
}

int main(void) {
    test_source_matrix();
    test_destination_matrix();
    test_yuv_matrix_change();
    test_primaries_transfer();
    test_attachments();
    return vt_test_result();
}
