/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * CVImageBuffer: attachment keys and colour values, geometry helpers and the
 * H.273 (ISO/IEC 23091-2) code point tables.
 */
#include "config.h"

#include <CoreVideo/CVImageBuffer.h>

#include "cf/cf_internal.h"
#include "cv/cv_internal.h"
#include "log.h"

/* clang-format off */
VT_DEFINE_CONST_STRING(kCVImageBufferCGColorSpaceKey, "CGColorSpace");
VT_DEFINE_CONST_STRING(kCVImageBufferCleanApertureKey, "CVCleanAperture");
VT_DEFINE_CONST_STRING(kCVImageBufferPreferredCleanApertureKey, "CVPreferredCleanAperture");
VT_DEFINE_CONST_STRING(kCVImageBufferCleanApertureWidthKey, "Width");
VT_DEFINE_CONST_STRING(kCVImageBufferCleanApertureHeightKey, "Height");
VT_DEFINE_CONST_STRING(kCVImageBufferCleanApertureHorizontalOffsetKey, "HorizontalOffset");
VT_DEFINE_CONST_STRING(kCVImageBufferCleanApertureVerticalOffsetKey, "VerticalOffset");

VT_DEFINE_CONST_STRING(kCVImageBufferFieldCountKey, "CVFieldCount");
VT_DEFINE_CONST_STRING(kCVImageBufferFieldDetailKey, "CVFieldDetail");
VT_DEFINE_CONST_STRING(kCVImageBufferFieldDetailTemporalTopFirst, "TemporalTopFirst");
VT_DEFINE_CONST_STRING(kCVImageBufferFieldDetailTemporalBottomFirst, "TemporalBottomFirst");
VT_DEFINE_CONST_STRING(kCVImageBufferFieldDetailSpatialFirstLineEarly, "SpatialFirstLineEarly");
VT_DEFINE_CONST_STRING(kCVImageBufferFieldDetailSpatialFirstLineLate, "SpatialFirstLineLate");

VT_DEFINE_CONST_STRING(kCVImageBufferPixelAspectRatioKey, "CVPixelAspectRatio");
VT_DEFINE_CONST_STRING(kCVImageBufferPixelAspectRatioHorizontalSpacingKey, "HorizontalSpacing");
VT_DEFINE_CONST_STRING(kCVImageBufferPixelAspectRatioVerticalSpacingKey, "VerticalSpacing");

VT_DEFINE_CONST_STRING(kCVImageBufferDisplayDimensionsKey, "CVDisplayDimensions");
VT_DEFINE_CONST_STRING(kCVImageBufferDisplayWidthKey, "Width");
VT_DEFINE_CONST_STRING(kCVImageBufferDisplayHeightKey, "Height");

VT_DEFINE_CONST_STRING(kCVImageBufferGammaLevelKey, "CVImageBufferGammaLevel");
VT_DEFINE_CONST_STRING(kCVImageBufferICCProfileKey, "CVImageBufferICCProfile");

VT_DEFINE_CONST_STRING(kCVImageBufferYCbCrMatrixKey, "CVImageBufferYCbCrMatrix");
VT_DEFINE_CONST_STRING(kCVImageBufferYCbCrMatrix_ITU_R_709_2, "ITU_R_709_2");
VT_DEFINE_CONST_STRING(kCVImageBufferYCbCrMatrix_ITU_R_601_4, "ITU_R_601_4");
VT_DEFINE_CONST_STRING(kCVImageBufferYCbCrMatrix_SMPTE_240M_1995, "SMPTE_240M_1995");
VT_DEFINE_CONST_STRING(kCVImageBufferYCbCrMatrix_DCI_P3, "DCI_P3");
VT_DEFINE_CONST_STRING(kCVImageBufferYCbCrMatrix_P3_D65, "P3_D65");
VT_DEFINE_CONST_STRING(kCVImageBufferYCbCrMatrix_ITU_R_2020, "ITU_R_2020");

VT_DEFINE_CONST_STRING(kCVImageBufferColorPrimariesKey, "CVImageBufferColorPrimaries");
VT_DEFINE_CONST_STRING(kCVImageBufferColorPrimaries_ITU_R_709_2, "ITU_R_709_2");
VT_DEFINE_CONST_STRING(kCVImageBufferColorPrimaries_EBU_3213, "EBU_3213");
VT_DEFINE_CONST_STRING(kCVImageBufferColorPrimaries_SMPTE_C, "SMPTE_C");
VT_DEFINE_CONST_STRING(kCVImageBufferColorPrimaries_P22, "P22");
VT_DEFINE_CONST_STRING(kCVImageBufferColorPrimaries_DCI_P3, "DCI_P3");
VT_DEFINE_CONST_STRING(kCVImageBufferColorPrimaries_P3_D65, "P3_D65");
VT_DEFINE_CONST_STRING(kCVImageBufferColorPrimaries_ITU_R_2020, "ITU_R_2020");

VT_DEFINE_CONST_STRING(kCVImageBufferTransferFunctionKey, "CVImageBufferTransferFunction");
VT_DEFINE_CONST_STRING(kCVImageBufferTransferFunction_ITU_R_709_2, "ITU_R_709_2");
VT_DEFINE_CONST_STRING(kCVImageBufferTransferFunction_SMPTE_240M_1995, "SMPTE_240M_1995");
VT_DEFINE_CONST_STRING(kCVImageBufferTransferFunction_UseGamma, "UseGamma");
VT_DEFINE_CONST_STRING(kCVImageBufferTransferFunction_ITU_R_2020, "ITU_R_2020");
VT_DEFINE_CONST_STRING(kCVImageBufferTransferFunction_SMPTE_ST_428_1, "SMPTE_ST_428_1");
VT_DEFINE_CONST_STRING(kCVImageBufferTransferFunction_SMPTE_ST_2084_PQ, "SMPTE_ST_2084_PQ");
VT_DEFINE_CONST_STRING(kCVImageBufferTransferFunction_ITU_R_2100_HLG, "ITU_R_2100_HLG");
VT_DEFINE_CONST_STRING(kCVImageBufferTransferFunction_Linear, "Linear");
VT_DEFINE_CONST_STRING(kCVImageBufferTransferFunction_sRGB, "IEC_sRGB");

VT_DEFINE_CONST_STRING(kCVImageBufferChromaLocationTopFieldKey, "CVImageBufferChromaLocationTopField");
VT_DEFINE_CONST_STRING(kCVImageBufferChromaLocationBottomFieldKey, "CVImageBufferChromaLocationBottomField");
VT_DEFINE_CONST_STRING(kCVImageBufferChromaLocation_Left, "Left");
VT_DEFINE_CONST_STRING(kCVImageBufferChromaLocation_Center, "Center");
VT_DEFINE_CONST_STRING(kCVImageBufferChromaLocation_TopLeft, "TopLeft");
VT_DEFINE_CONST_STRING(kCVImageBufferChromaLocation_Top, "Top");
VT_DEFINE_CONST_STRING(kCVImageBufferChromaLocation_BottomLeft, "BottomLeft");
VT_DEFINE_CONST_STRING(kCVImageBufferChromaLocation_Bottom, "Bottom");
VT_DEFINE_CONST_STRING(kCVImageBufferChromaLocation_DV420, "DV 4:2:0");

VT_DEFINE_CONST_STRING(kCVImageBufferChromaSubsamplingKey, "CVImageBufferChromaSubsampling");
VT_DEFINE_CONST_STRING(kCVImageBufferChromaSubsampling_420, "4:2:0");
VT_DEFINE_CONST_STRING(kCVImageBufferChromaSubsampling_422, "4:2:2");
VT_DEFINE_CONST_STRING(kCVImageBufferChromaSubsampling_411, "4:1:1");

VT_DEFINE_CONST_STRING(kCVImageBufferAlphaChannelIsOpaque, "AlphaChannelIsOpaque");
VT_DEFINE_CONST_STRING(kCVImageBufferAlphaChannelModeKey, "CVImageBufferAlphaChannelMode");
VT_DEFINE_CONST_STRING(kCVImageBufferAlphaChannelMode_StraightAlpha, "StraightAlpha");
VT_DEFINE_CONST_STRING(kCVImageBufferAlphaChannelMode_PremultipliedAlpha, "PremultipliedAlpha");

VT_DEFINE_CONST_STRING(kCVImageBufferMasteringDisplayColorVolumeKey, "MasteringDisplayColorVolume");
VT_DEFINE_CONST_STRING(kCVImageBufferContentLightLevelInfoKey, "ContentLightLevelInfo");
/* clang-format on */

/* ---- geometry ---- */

CGSize CVImageBufferGetEncodedSize(CVImageBufferRef imageBuffer) {
    if (!vt_is_pixel_buffer(imageBuffer))
        return CGSizeMake(0, 0);
    return CGSizeMake((CGFloat)imageBuffer->width, (CGFloat)imageBuffer->height);
}

/* Reads a CFNumber entry of an attachment dictionary. */
static Boolean dict_double(CFTypeRef dict, CFStringRef key, double *out) {
    if (!dict || CFGetTypeID(dict) != CFDictionaryGetTypeID())
        return FALSE;
    return vt_cf_get_double(vt_cf_dict_get(dict, key), out);
}

/* The clean aperture attachment as {width, height, hoffset, voffset}. */
static Boolean clean_aperture(CVImageBufferRef buffer, double ap[4]) {
    CFTypeRef dict = CVBufferCopyAttachment(buffer, kCVImageBufferCleanApertureKey, NULL);
    Boolean ok;
    if (!dict)
        return FALSE;
    ok = dict_double(dict, kCVImageBufferCleanApertureWidthKey, &ap[0]) &&
         dict_double(dict, kCVImageBufferCleanApertureHeightKey, &ap[1]) && ap[0] > 0 && ap[1] > 0;
    if (ok) {
        if (!dict_double(dict, kCVImageBufferCleanApertureHorizontalOffsetKey, &ap[2]))
            ap[2] = 0;
        if (!dict_double(dict, kCVImageBufferCleanApertureVerticalOffsetKey, &ap[3]))
            ap[3] = 0;
    }
    CFRelease(dict);
    return ok;
}

CGSize CVImageBufferGetDisplaySize(CVImageBufferRef imageBuffer) {
    double ap[4], h_spacing, v_spacing;
    CGSize size;
    CFTypeRef par;

    if (!vt_is_pixel_buffer(imageBuffer))
        return CGSizeMake(0, 0);
    if (clean_aperture(imageBuffer, ap))
        size = CGSizeMake(ap[0], ap[1]);
    else
        size = CVImageBufferGetEncodedSize(imageBuffer);
    par = CVBufferCopyAttachment(imageBuffer, kCVImageBufferPixelAspectRatioKey, NULL);
    if (par) {
        if (dict_double(par, kCVImageBufferPixelAspectRatioHorizontalSpacingKey, &h_spacing) &&
            dict_double(par, kCVImageBufferPixelAspectRatioVerticalSpacingKey, &v_spacing) &&
            h_spacing > 0 && v_spacing > 0)
            size.width = size.width * h_spacing / v_spacing;
        CFRelease(par);
    }
    return size;
}

CGRect CVImageBufferGetCleanRect(CVImageBufferRef imageBuffer) {
    double ap[4], w, h;

    if (!vt_is_pixel_buffer(imageBuffer))
        return CGRectMake(0, 0, 0, 0);
    w = (double)imageBuffer->width;
    h = (double)imageBuffer->height;
    if (!clean_aperture(imageBuffer, ap))
        return CGRectMake(0, 0, w, h);
    return CGRectMake((w - ap[0]) / 2 + ap[2], (h - ap[1]) / 2 + ap[3], ap[0], ap[1]);
}

Boolean CVImageBufferIsFlipped(CVImageBufferRef imageBuffer) {
    (void)imageBuffer;
    return FALSE;
}

/* ---- H.273 code points ---- */

typedef struct CodePoint {
    int code;
    const CFStringRef *string;
} CodePoint;

/* The first row of a code is its canonical string; the first row of a string
 * is its canonical code. */
static const CodePoint matrix_codes[] = {
    {1, &kCVImageBufferYCbCrMatrix_ITU_R_709_2}, {6, &kCVImageBufferYCbCrMatrix_ITU_R_601_4},
    {5, &kCVImageBufferYCbCrMatrix_ITU_R_601_4}, {7, &kCVImageBufferYCbCrMatrix_SMPTE_240M_1995},
    {9, &kCVImageBufferYCbCrMatrix_ITU_R_2020},  {10, &kCVImageBufferYCbCrMatrix_ITU_R_2020},
};

static const CodePoint primaries_codes[] = {
    {1, &kCVImageBufferColorPrimaries_ITU_R_709_2}, {5, &kCVImageBufferColorPrimaries_EBU_3213},
    {6, &kCVImageBufferColorPrimaries_SMPTE_C},     {7, &kCVImageBufferColorPrimaries_SMPTE_C},
    {9, &kCVImageBufferColorPrimaries_ITU_R_2020},  {11, &kCVImageBufferColorPrimaries_DCI_P3},
    {12, &kCVImageBufferColorPrimaries_P3_D65},     {22, &kCVImageBufferColorPrimaries_P22},
};

static const CodePoint transfer_codes[] = {
    {1, &kCVImageBufferTransferFunction_ITU_R_709_2},
    {6, &kCVImageBufferTransferFunction_ITU_R_709_2},
    {7, &kCVImageBufferTransferFunction_SMPTE_240M_1995},
    {8, &kCVImageBufferTransferFunction_Linear},
    {13, &kCVImageBufferTransferFunction_sRGB},
    {14, &kCVImageBufferTransferFunction_ITU_R_2020},
    {15, &kCVImageBufferTransferFunction_ITU_R_2020},
    {16, &kCVImageBufferTransferFunction_SMPTE_ST_2084_PQ},
    {17, &kCVImageBufferTransferFunction_SMPTE_ST_428_1},
    {18, &kCVImageBufferTransferFunction_ITU_R_2100_HLG},
};

#define CODE_UNSPECIFIED 2

static int code_for_string(const CodePoint *table, size_t n, CFStringRef s) {
    size_t i;
    if (!s || CFGetTypeID(s) != CFStringGetTypeID())
        return CODE_UNSPECIFIED;
    for (i = 0; i < n; i++) {
        if (CFEqual(*table[i].string, s))
            return table[i].code;
    }
    return CODE_UNSPECIFIED;
}

static CFStringRef string_for_code(const CodePoint *table, size_t n, int code) {
    size_t i;
    for (i = 0; i < n; i++) {
        if (table[i].code == code)
            return *table[i].string;
    }
    return NULL;
}

#define N(t) (sizeof(t) / sizeof((t)[0]))

int CVYCbCrMatrixGetIntegerCodePointForString(CFStringRef yCbCrMatrixString) {
    return code_for_string(matrix_codes, N(matrix_codes), yCbCrMatrixString);
}

int CVColorPrimariesGetIntegerCodePointForString(CFStringRef colorPrimariesString) {
    return code_for_string(primaries_codes, N(primaries_codes), colorPrimariesString);
}

int CVTransferFunctionGetIntegerCodePointForString(CFStringRef transferFunctionString) {
    return code_for_string(transfer_codes, N(transfer_codes), transferFunctionString);
}

CFStringRef CVYCbCrMatrixGetStringForIntegerCodePoint(int yCbCrMatrixCodePoint) {
    return string_for_code(matrix_codes, N(matrix_codes), yCbCrMatrixCodePoint);
}

CFStringRef CVColorPrimariesGetStringForIntegerCodePoint(int colorPrimariesCodePoint) {
    return string_for_code(primaries_codes, N(primaries_codes), colorPrimariesCodePoint);
}

CFStringRef CVTransferFunctionGetStringForIntegerCodePoint(int transferFunctionCodePoint) {
    return string_for_code(transfer_codes, N(transfer_codes), transferFunctionCodePoint);
}
