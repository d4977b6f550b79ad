/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * CVImageBuffer: the image-level view of a CVBuffer (sizes, clean aperture)
 * and the kCVImageBuffer* attachment keys with their values. The runtime
 * string of every constant is given next to it; clients that write the
 * literal (CFSTR("CVImageBufferYCbCrMatrix")) get the same key.
 */
#ifndef VTCORE_CV_IMAGE_BUFFER_H
#define VTCORE_CV_IMAGE_BUFFER_H

#include <CoreVideo/CVBuffer.h>

CF_EXTERN_C_BEGIN

typedef CVBufferRef CVImageBufferRef;

/* ---- Geometry ---- */

/* Width and height of the buffer in pixels; {0, 0} for NULL or a non-image. */
CV_EXPORT CGSize CVImageBufferGetEncodedSize(CVImageBufferRef imageBuffer);
/* Nominal display size in square pixels: the clean aperture size (the
 * kCVImageBufferCleanApertureKey attachment, else the encoded size) with its
 * width scaled by the kCVImageBufferPixelAspectRatioKey attachment (if any).
 * {0, 0} for NULL. */
CV_EXPORT CGSize CVImageBufferGetDisplaySize(CVImageBufferRef imageBuffer);
/* The clean aperture as a rectangle in buffer pixel coordinates: centred in
 * the encoded image and moved by the aperture's horizontal/vertical offsets;
 * the whole image when there is no clean aperture attachment. {0,0,0,0} for
 * NULL. */
CV_EXPORT CGRect CVImageBufferGetCleanRect(CVImageBufferRef imageBuffer);
/* FALSE: vtcore buffers are always stored top row first. FALSE for NULL. */
CV_EXPORT Boolean CVImageBufferIsFlipped(CVImageBufferRef imageBuffer);

/* ---- Attachment keys (values as noted) ---- */

CV_EXPORT const CFStringRef
    kCVImageBufferCGColorSpaceKey; /* "CGColorSpace" (opaque; stored only) */

/* CFDictionary of the four keys below (CFNumbers, in pixels). */
CV_EXPORT const CFStringRef kCVImageBufferCleanApertureKey; /* "CVCleanAperture" */
CV_EXPORT const CFStringRef
    kCVImageBufferPreferredCleanApertureKey;                      /* "CVPreferredCleanAperture" */
CV_EXPORT const CFStringRef kCVImageBufferCleanApertureWidthKey;  /* "Width" */
CV_EXPORT const CFStringRef kCVImageBufferCleanApertureHeightKey; /* "Height" */
CV_EXPORT const CFStringRef kCVImageBufferCleanApertureHorizontalOffsetKey; /* "HorizontalOffset" */
CV_EXPORT const CFStringRef kCVImageBufferCleanApertureVerticalOffsetKey;   /* "VerticalOffset" */

/* CFNumber 1 (progressive) or 2 (interlaced). */
CV_EXPORT const CFStringRef kCVImageBufferFieldCountKey; /* "CVFieldCount" */
/* CFString, one of the four values below. */
CV_EXPORT const CFStringRef kCVImageBufferFieldDetailKey;              /* "CVFieldDetail" */
CV_EXPORT const CFStringRef kCVImageBufferFieldDetailTemporalTopFirst; /* "TemporalTopFirst" */
CV_EXPORT const CFStringRef
    kCVImageBufferFieldDetailTemporalBottomFirst; /* "TemporalBottomFirst" */
CV_EXPORT const CFStringRef
    kCVImageBufferFieldDetailSpatialFirstLineEarly; /* "SpatialFirstLineEarly" */
CV_EXPORT const CFStringRef
    kCVImageBufferFieldDetailSpatialFirstLineLate; /* "SpatialFirstLineLate" */

/* CFDictionary {HorizontalSpacing, VerticalSpacing} (CFNumbers). */
CV_EXPORT const CFStringRef kCVImageBufferPixelAspectRatioKey; /* "CVPixelAspectRatio" */
CV_EXPORT const CFStringRef
    kCVImageBufferPixelAspectRatioHorizontalSpacingKey; /* "HorizontalSpacing" */
CV_EXPORT const CFStringRef
    kCVImageBufferPixelAspectRatioVerticalSpacingKey; /* "VerticalSpacing" */

/* CFDictionary {Width, Height} (CFNumbers). */
CV_EXPORT const CFStringRef kCVImageBufferDisplayDimensionsKey; /* "CVDisplayDimensions" */
CV_EXPORT const CFStringRef kCVImageBufferDisplayWidthKey;      /* "Width" */
CV_EXPORT const CFStringRef kCVImageBufferDisplayHeightKey;     /* "Height" */

/* CFNumber (gamma exponent, used with kCVImageBufferTransferFunction_UseGamma). */
CV_EXPORT const CFStringRef kCVImageBufferGammaLevelKey; /* "CVImageBufferGammaLevel" */
/* CFData (an ICC profile). */
CV_EXPORT const CFStringRef kCVImageBufferICCProfileKey; /* "CVImageBufferICCProfile" */

/* CFString: kCVImageBufferYCbCrMatrix_* */
CV_EXPORT const CFStringRef kCVImageBufferYCbCrMatrixKey;          /* "CVImageBufferYCbCrMatrix" */
CV_EXPORT const CFStringRef kCVImageBufferYCbCrMatrix_ITU_R_709_2; /* "ITU_R_709_2" */
CV_EXPORT const CFStringRef kCVImageBufferYCbCrMatrix_ITU_R_601_4; /* "ITU_R_601_4" */
CV_EXPORT const CFStringRef kCVImageBufferYCbCrMatrix_SMPTE_240M_1995; /* "SMPTE_240M_1995" */
CV_EXPORT const CFStringRef kCVImageBufferYCbCrMatrix_DCI_P3;          /* "DCI_P3" */
CV_EXPORT const CFStringRef kCVImageBufferYCbCrMatrix_P3_D65;          /* "P3_D65" */
CV_EXPORT const CFStringRef kCVImageBufferYCbCrMatrix_ITU_R_2020;      /* "ITU_R_2020" */

/* CFString: kCVImageBufferColorPrimaries_* */
CV_EXPORT const CFStringRef kCVImageBufferColorPrimariesKey; /* "CVImageBufferColorPrimaries" */
CV_EXPORT const CFStringRef kCVImageBufferColorPrimaries_ITU_R_709_2; /* "ITU_R_709_2" */
CV_EXPORT const CFStringRef kCVImageBufferColorPrimaries_EBU_3213;    /* "EBU_3213" */
CV_EXPORT const CFStringRef kCVImageBufferColorPrimaries_SMPTE_C;     /* "SMPTE_C" */
CV_EXPORT const CFStringRef kCVImageBufferColorPrimaries_P22;         /* "P22" */
CV_EXPORT const CFStringRef kCVImageBufferColorPrimaries_DCI_P3;      /* "DCI_P3" */
CV_EXPORT const CFStringRef kCVImageBufferColorPrimaries_P3_D65;      /* "P3_D65" */
CV_EXPORT const CFStringRef kCVImageBufferColorPrimaries_ITU_R_2020;  /* "ITU_R_2020" */

/* CFString: kCVImageBufferTransferFunction_* */
CV_EXPORT const CFStringRef kCVImageBufferTransferFunctionKey; /* "CVImageBufferTransferFunction" */
CV_EXPORT const CFStringRef kCVImageBufferTransferFunction_ITU_R_709_2;     /* "ITU_R_709_2" */
CV_EXPORT const CFStringRef kCVImageBufferTransferFunction_SMPTE_240M_1995; /* "SMPTE_240M_1995" */
CV_EXPORT const CFStringRef kCVImageBufferTransferFunction_UseGamma;        /* "UseGamma" */
CV_EXPORT const CFStringRef kCVImageBufferTransferFunction_ITU_R_2020;      /* "ITU_R_2020" */
CV_EXPORT const CFStringRef kCVImageBufferTransferFunction_SMPTE_ST_428_1;  /* "SMPTE_ST_428_1" */
CV_EXPORT const CFStringRef
    kCVImageBufferTransferFunction_SMPTE_ST_2084_PQ;                       /* "SMPTE_ST_2084_PQ" */
CV_EXPORT const CFStringRef kCVImageBufferTransferFunction_ITU_R_2100_HLG; /* "ITU_R_2100_HLG" */
CV_EXPORT const CFStringRef kCVImageBufferTransferFunction_Linear;         /* "Linear" */
CV_EXPORT const CFStringRef kCVImageBufferTransferFunction_sRGB;           /* "IEC_sRGB" */

/* CFString: kCVImageBufferChromaLocation_* */
CV_EXPORT const CFStringRef kCVImageBufferChromaLocationTopFieldKey;
/* "CVImageBufferChromaLocationTopField" */
CV_EXPORT const CFStringRef kCVImageBufferChromaLocationBottomFieldKey;
/* "CVImageBufferChromaLocationBottomField" */
CV_EXPORT const CFStringRef kCVImageBufferChromaLocation_Left;       /* "Left" */
CV_EXPORT const CFStringRef kCVImageBufferChromaLocation_Center;     /* "Center" */
CV_EXPORT const CFStringRef kCVImageBufferChromaLocation_TopLeft;    /* "TopLeft" */
CV_EXPORT const CFStringRef kCVImageBufferChromaLocation_Top;        /* "Top" */
CV_EXPORT const CFStringRef kCVImageBufferChromaLocation_BottomLeft; /* "BottomLeft" */
CV_EXPORT const CFStringRef kCVImageBufferChromaLocation_Bottom;     /* "Bottom" */
CV_EXPORT const CFStringRef kCVImageBufferChromaLocation_DV420;      /* "DV 4:2:0" */

/* CFString: kCVImageBufferChromaSubsampling_* */
CV_EXPORT const CFStringRef
    kCVImageBufferChromaSubsamplingKey; /* "CVImageBufferChromaSubsampling" */
CV_EXPORT const CFStringRef kCVImageBufferChromaSubsampling_420; /* "4:2:0" */
CV_EXPORT const CFStringRef kCVImageBufferChromaSubsampling_422; /* "4:2:2" */
CV_EXPORT const CFStringRef kCVImageBufferChromaSubsampling_411; /* "4:1:1" */

/* CFBoolean. */
CV_EXPORT const CFStringRef kCVImageBufferAlphaChannelIsOpaque; /* "AlphaChannelIsOpaque" */
/* CFString: kCVImageBufferAlphaChannelMode_* */
CV_EXPORT const CFStringRef kCVImageBufferAlphaChannelModeKey; /* "CVImageBufferAlphaChannelMode" */
CV_EXPORT const CFStringRef kCVImageBufferAlphaChannelMode_StraightAlpha; /* "StraightAlpha" */
CV_EXPORT const CFStringRef kCVImageBufferAlphaChannelMode_PremultipliedAlpha;
/* "PremultipliedAlpha" */

/* CFData, 24 bytes (SMPTE ST 2086, big-endian as in the HEVC SEI). */
CV_EXPORT const CFStringRef kCVImageBufferMasteringDisplayColorVolumeKey;
/* "MasteringDisplayColorVolume" */
/* CFData, 4 bytes (MaxCLL, MaxFALL; big-endian). */
CV_EXPORT const CFStringRef kCVImageBufferContentLightLevelInfoKey; /* "ContentLightLevelInfo" */

/* ---- ISO/IEC 23091-2 (ITU-T H.273) code points ----
 *
 * ...GetIntegerCodePointForString: the code point of a CoreVideo colour
 * string (compared by content), or 2 ("unspecified") for NULL or an unknown
 * string. ...GetStringForIntegerCodePoint: the exported constant for a code
 * point (not retained; immortal), or NULL for 2 or an unknown code point.
 *
 *  YCbCr matrix:      1 ITU_R_709_2, 6 ITU_R_601_4 (5 also maps to it),
 *                     7 SMPTE_240M_1995, 9 ITU_R_2020 (10 also maps to it).
 *  Colour primaries:  1 ITU_R_709_2, 5 EBU_3213, 6 SMPTE_C (7 also maps to it),
 *                     9 ITU_R_2020, 11 DCI_P3, 12 P3_D65, 22 P22.
 *  Transfer function: 1 ITU_R_709_2 (6 also maps to it), 7 SMPTE_240M_1995,
 *                     8 Linear, 13 IEC_sRGB, 14 ITU_R_2020 (15 also maps to
 *                     it), 16 SMPTE_ST_2084_PQ, 17 SMPTE_ST_428_1,
 *                     18 ITU_R_2100_HLG. UseGamma has no code point (2).
 *  The matrix strings DCI_P3 and P3_D65 have no code point (2).
 */
CV_EXPORT int CVYCbCrMatrixGetIntegerCodePointForString(CFStringRef yCbCrMatrixString);
CV_EXPORT int CVColorPrimariesGetIntegerCodePointForString(CFStringRef colorPrimariesString);
CV_EXPORT int CVTransferFunctionGetIntegerCodePointForString(CFStringRef transferFunctionString);
CV_EXPORT CFStringRef CVYCbCrMatrixGetStringForIntegerCodePoint(int yCbCrMatrixCodePoint);
CV_EXPORT CFStringRef CVColorPrimariesGetStringForIntegerCodePoint(int colorPrimariesCodePoint);
CV_EXPORT CFStringRef CVTransferFunctionGetStringForIntegerCodePoint(int transferFunctionCodePoint);

CF_EXTERN_C_END

#endif /* VTCORE_CV_IMAGE_BUFFER_H */
