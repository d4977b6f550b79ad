/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * CMFormatDescription / CMVideoFormatDescription: immutable descriptions of
 * media (type, codec, dimensions, extensions such as colour tags and the
 * codec configuration record). Written for vtcore from the documented Apple
 * API; names, numeric values and runtime key strings follow Apple.
 *
 * Extension keys: on Apple most kCMFormatDescriptionExtension_* keys are
 * macros for the CoreVideo kCVImageBuffer* keys. vtcore exports them as their
 * own constants carrying the SAME string values, so CFEqual treats the two
 * families as the same key (dictionaries compare keys with CFEqual).
 */
#ifndef VTCORE_COREMEDIA_CMFORMATDESCRIPTION_H
#define VTCORE_COREMEDIA_CMFORMATDESCRIPTION_H

#include <CoreMedia/CMBase.h>
#include <CoreVideo/CVImageBuffer.h>

CF_EXTERN_C_BEGIN

/* ---- errors ---- */

enum {
    kCMFormatDescriptionError_InvalidParameter = -12710,
    kCMFormatDescriptionError_AllocationFailed = -12711,
    kCMFormatDescriptionError_ValueNotAvailable = -12718,
};

/* Returned by the parameter-set accessors (they read the stored
 * configuration record, as Apple's sample-description bridge does). */
enum {
    kCMFormatDescriptionBridgeError_InvalidParameter = -12712,
    kCMFormatDescriptionBridgeError_AllocationFailed = -12713,
    kCMFormatDescriptionBridgeError_InvalidSerializedSampleDescription = -12714,
    kCMFormatDescriptionBridgeError_InvalidFormatDescription = -12715,
    kCMFormatDescriptionBridgeError_IncompatibleFormatDescription = -12716,
    kCMFormatDescriptionBridgeError_UnsupportedSampleDescriptionFlavor = -12717,
};

/* ---- types ---- */

typedef const struct opaqueCMFormatDescription *CMFormatDescriptionRef;
typedef CMFormatDescriptionRef CMVideoFormatDescriptionRef;

/* Media types (fourccs). */
enum {
    kCMMediaType_Video = 0x76696465,         /* 'vide' */
    kCMMediaType_Audio = 0x736F756E,         /* 'soun' */
    kCMMediaType_Muxed = 0x6D757878,         /* 'muxx' */
    kCMMediaType_Text = 0x74657874,          /* 'text' */
    kCMMediaType_ClosedCaption = 0x636C6370, /* 'clcp' */
    kCMMediaType_Subtitle = 0x7362746C,      /* 'sbtl' */
    kCMMediaType_TimeCode = 0x746D6364,      /* 'tmcd' */
    kCMMediaType_Metadata = 0x6D657461,      /* 'meta' */
};

/* Uncompressed video subtypes (CMPixelFormatType). */
enum {
    kCMPixelFormat_32ARGB = 32,
    kCMPixelFormat_32BGRA = 0x42475241, /* 'BGRA' */
    kCMPixelFormat_24RGB = 24,
    kCMPixelFormat_16BE555 = 16,
    kCMPixelFormat_16BE565 = 0x42353635,         /* 'B565' */
    kCMPixelFormat_16LE555 = 0x4C353535,         /* 'L555' */
    kCMPixelFormat_16LE565 = 0x4C353635,         /* 'L565' */
    kCMPixelFormat_16LE5551 = 0x35353531,        /* '5551' */
    kCMPixelFormat_422YpCbCr8 = 0x32767579,      /* '2vuy' */
    kCMPixelFormat_422YpCbCr8_yuvs = 0x79757673, /* 'yuvs' */
    kCMPixelFormat_444YpCbCr8 = 0x76333038,      /* 'v308' */
    kCMPixelFormat_4444YpCbCrA8 = 0x76343038,    /* 'v408' */
    kCMPixelFormat_422YpCbCr16 = 0x76323136,     /* 'v216' */
    kCMPixelFormat_422YpCbCr10 = 0x76323130,     /* 'v210' */
    kCMPixelFormat_444YpCbCr10 = 0x76343130,     /* 'v410' */
    kCMPixelFormat_8IndexedGray_WhiteIsZero = 0x00000028,
};

/* Compressed video subtypes (CMVideoCodecType). */
enum {
    kCMVideoCodecType_422YpCbCr8 = kCMPixelFormat_422YpCbCr8,
    kCMVideoCodecType_Animation = 0x726C6520,           /* 'rle ' */
    kCMVideoCodecType_Cinepak = 0x63766964,             /* 'cvid' */
    kCMVideoCodecType_JPEG = 0x6A706567,                /* 'jpeg' */
    kCMVideoCodecType_JPEG_OpenDML = 0x646D6231,        /* 'dmb1' */
    kCMVideoCodecType_SorensonVideo = 0x53565131,       /* 'SVQ1' */
    kCMVideoCodecType_SorensonVideo3 = 0x53565133,      /* 'SVQ3' */
    kCMVideoCodecType_H263 = 0x68323633,                /* 'h263' */
    kCMVideoCodecType_H264 = 0x61766331,                /* 'avc1' */
    kCMVideoCodecType_HEVC = 0x68766331,                /* 'hvc1' */
    kCMVideoCodecType_HEVCWithAlpha = 0x6D757861,       /* 'muxa' */
    kCMVideoCodecType_DolbyVisionHEVC = 0x64766831,     /* 'dvh1' */
    kCMVideoCodecType_MPEG4Video = 0x6D703476,          /* 'mp4v' */
    kCMVideoCodecType_MPEG2Video = 0x6D703276,          /* 'mp2v' */
    kCMVideoCodecType_MPEG1Video = 0x6D703176,          /* 'mp1v' */
    kCMVideoCodecType_VP9 = 0x76703039,                 /* 'vp09' */
    kCMVideoCodecType_AV1 = 0x61763031,                 /* 'av01' */
    kCMVideoCodecType_DVCNTSC = 0x64766320,             /* 'dvc ' */
    kCMVideoCodecType_DVCPAL = 0x64766370,              /* 'dvcp' */
    kCMVideoCodecType_DVCProPAL = 0x64767070,           /* 'dvpp' */
    kCMVideoCodecType_DVCPro50NTSC = 0x6476356E,        /* 'dv5n' */
    kCMVideoCodecType_DVCPro50PAL = 0x64763570,         /* 'dv5p' */
    kCMVideoCodecType_DVCPROHD720p60 = 0x64766870,      /* 'dvhp' */
    kCMVideoCodecType_DVCPROHD720p50 = 0x64766871,      /* 'dvhq' */
    kCMVideoCodecType_DVCPROHD1080i60 = 0x64766836,     /* 'dvh6' */
    kCMVideoCodecType_DVCPROHD1080i50 = 0x64766835,     /* 'dvh5' */
    kCMVideoCodecType_DVCPROHD1080p30 = 0x64766833,     /* 'dvh3' */
    kCMVideoCodecType_DVCPROHD1080p25 = 0x64766832,     /* 'dvh2' */
    kCMVideoCodecType_AppleProRes4444XQ = 0x61703478,   /* 'ap4x' */
    kCMVideoCodecType_AppleProRes4444 = 0x61703468,     /* 'ap4h' */
    kCMVideoCodecType_AppleProRes422HQ = 0x61706368,    /* 'apch' */
    kCMVideoCodecType_AppleProRes422 = 0x6170636E,      /* 'apcn' */
    kCMVideoCodecType_AppleProRes422LT = 0x61706373,    /* 'apcs' */
    kCMVideoCodecType_AppleProRes422Proxy = 0x6170636F, /* 'apco' */
    kCMVideoCodecType_AppleProResRAW = 0x6170726E,      /* 'aprn' */
    kCMVideoCodecType_AppleProResRAWHQ = 0x61707268,    /* 'aprh' */
};

#pragma pack(push, 4)
typedef struct {
    int32_t width;
    int32_t height;
} CMVideoDimensions;
#pragma pack(pop)

/* ---- extension keys (runtime strings in quotes) ---- */

/* CFDictionary: atom type (CFString such as "avcC", "hvcC") -> CFData (or a
 * CFArray of CFData). "SampleDescriptionExtensionAtoms". */
CM_EXPORT const CFStringRef kCMFormatDescriptionExtension_SampleDescriptionExtensionAtoms;
CM_EXPORT const CFStringRef kCMFormatDescriptionExtension_VerbatimSampleDescription;
CM_EXPORT const CFStringRef kCMFormatDescriptionExtension_VerbatimISOSampleEntry;
CM_EXPORT const CFStringRef kCMFormatDescriptionExtension_OriginalCompressionSettings;
CM_EXPORT const CFStringRef kCMFormatDescriptionExtension_FormatName; /* "FormatName", CFString */
CM_EXPORT const CFStringRef kCMFormatDescriptionExtension_Depth;      /* "Depth", CFNumber */
CM_EXPORT const CFStringRef kCMFormatDescriptionExtension_TemporalQuality; /* "TemporalQuality" */
CM_EXPORT const CFStringRef kCMFormatDescriptionExtension_SpatialQuality;  /* "SpatialQuality" */
CM_EXPORT const CFStringRef kCMFormatDescriptionExtension_Version;         /* "Version" */
CM_EXPORT const CFStringRef kCMFormatDescriptionExtension_RevisionLevel;   /* "RevisionLevel" */
CM_EXPORT const CFStringRef kCMFormatDescriptionExtension_Vendor;          /* "Vendor" */
/* CFBoolean (or CFNumber 0/1): "FullRangeVideo". */
CM_EXPORT const CFStringRef kCMFormatDescriptionExtension_FullRangeVideo;
/* CFNumber: "CVBytesPerRow" [value not verified against Apple]. */
CM_EXPORT const CFStringRef kCMFormatDescriptionExtension_BytesPerRow;

/* Same strings as the kCVImageBuffer*Key attachment keys: */
CM_EXPORT const CFStringRef kCMFormatDescriptionExtension_CleanAperture; /* "CVCleanAperture" */
CM_EXPORT const CFStringRef kCMFormatDescriptionExtension_FieldCount;    /* "CVFieldCount" */
CM_EXPORT const CFStringRef kCMFormatDescriptionExtension_FieldDetail;   /* "CVFieldDetail" */
CM_EXPORT const CFStringRef
    kCMFormatDescriptionExtension_PixelAspectRatio; /* "CVPixelAspectRatio" */
/* "CVImageBufferColorPrimaries", "CVImageBufferTransferFunction",
 * "CVImageBufferGammaLevel", "CVImageBufferYCbCrMatrix",
 * "CVImageBufferICCProfile", "CVImageBufferChromaLocationTopField",
 * "CVImageBufferChromaLocationBottomField". */
CM_EXPORT const CFStringRef kCMFormatDescriptionExtension_ColorPrimaries;
CM_EXPORT const CFStringRef kCMFormatDescriptionExtension_TransferFunction;
CM_EXPORT const CFStringRef kCMFormatDescriptionExtension_GammaLevel;
CM_EXPORT const CFStringRef kCMFormatDescriptionExtension_YCbCrMatrix;
CM_EXPORT const CFStringRef kCMFormatDescriptionExtension_ICCProfile;
CM_EXPORT const CFStringRef kCMFormatDescriptionExtension_ChromaLocationTopField;
CM_EXPORT const CFStringRef kCMFormatDescriptionExtension_ChromaLocationBottomField;
/* CFData 24 bytes / CFData 4 bytes (big-endian SEI payloads):
 * "MasteringDisplayColorVolume", "ContentLightLevelInfo"; CFString
 * "AlternativeTransferCharacteristics". */
CM_EXPORT const CFStringRef kCMFormatDescriptionExtension_MasteringDisplayColorVolume;
CM_EXPORT const CFStringRef kCMFormatDescriptionExtension_ContentLightLevelInfo;
CM_EXPORT const CFStringRef kCMFormatDescriptionExtension_AlternativeTransferCharacteristics;

/* Keys inside the CleanAperture dictionary: "Width", "Height",
 * "HorizontalOffset", "VerticalOffset" (CFNumber) and the "...Rational"
 * variants (CFArray of two CFNumbers). */
CM_EXPORT const CFStringRef kCMFormatDescriptionKey_CleanApertureWidth;
CM_EXPORT const CFStringRef kCMFormatDescriptionKey_CleanApertureHeight;
CM_EXPORT const CFStringRef kCMFormatDescriptionKey_CleanApertureHorizontalOffset;
CM_EXPORT const CFStringRef kCMFormatDescriptionKey_CleanApertureVerticalOffset;
CM_EXPORT const CFStringRef kCMFormatDescriptionKey_CleanApertureWidthRational;
CM_EXPORT const CFStringRef kCMFormatDescriptionKey_CleanApertureHeightRational;
CM_EXPORT const CFStringRef kCMFormatDescriptionKey_CleanApertureHorizontalOffsetRational;
CM_EXPORT const CFStringRef kCMFormatDescriptionKey_CleanApertureVerticalOffsetRational;
/* Keys inside the PixelAspectRatio dictionary: "HorizontalSpacing",
 * "VerticalSpacing" (CFNumber). */
CM_EXPORT const CFStringRef kCMFormatDescriptionKey_PixelAspectRatioHorizontalSpacing;
CM_EXPORT const CFStringRef kCMFormatDescriptionKey_PixelAspectRatioVerticalSpacing;

/* Values of FieldDetail: "TemporalTopFirst", "TemporalBottomFirst",
 * "SpatialFirstLineEarly", "SpatialFirstLineLate". */
CM_EXPORT const CFStringRef kCMFormatDescriptionFieldDetail_TemporalTopFirst;
CM_EXPORT const CFStringRef kCMFormatDescriptionFieldDetail_TemporalBottomFirst;
CM_EXPORT const CFStringRef kCMFormatDescriptionFieldDetail_SpatialFirstLineEarly;
CM_EXPORT const CFStringRef kCMFormatDescriptionFieldDetail_SpatialFirstLineLate;

/* Values of ColorPrimaries (the string is the suffix: "ITU_R_709_2", ...). */
CM_EXPORT const CFStringRef kCMFormatDescriptionColorPrimaries_ITU_R_709_2;
CM_EXPORT const CFStringRef kCMFormatDescriptionColorPrimaries_EBU_3213;
CM_EXPORT const CFStringRef kCMFormatDescriptionColorPrimaries_SMPTE_C;
CM_EXPORT const CFStringRef kCMFormatDescriptionColorPrimaries_DCI_P3;
CM_EXPORT const CFStringRef kCMFormatDescriptionColorPrimaries_P3_D65;
CM_EXPORT const CFStringRef kCMFormatDescriptionColorPrimaries_ITU_R_2020;
CM_EXPORT const CFStringRef kCMFormatDescriptionColorPrimaries_P22;

/* Values of TransferFunction (suffix strings, except _sRGB = "IEC_sRGB"). */
CM_EXPORT const CFStringRef kCMFormatDescriptionTransferFunction_ITU_R_709_2;
CM_EXPORT const CFStringRef kCMFormatDescriptionTransferFunction_SMPTE_240M_1995;
CM_EXPORT const CFStringRef kCMFormatDescriptionTransferFunction_UseGamma;
CM_EXPORT const CFStringRef kCMFormatDescriptionTransferFunction_ITU_R_2020;
CM_EXPORT const CFStringRef kCMFormatDescriptionTransferFunction_SMPTE_ST_428_1;
CM_EXPORT const CFStringRef kCMFormatDescriptionTransferFunction_SMPTE_ST_2084_PQ;
CM_EXPORT const CFStringRef kCMFormatDescriptionTransferFunction_ITU_R_2100_HLG;
CM_EXPORT const CFStringRef kCMFormatDescriptionTransferFunction_Linear;
CM_EXPORT const CFStringRef kCMFormatDescriptionTransferFunction_sRGB;

/* Values of YCbCrMatrix (suffix strings). */
CM_EXPORT const CFStringRef kCMFormatDescriptionYCbCrMatrix_ITU_R_709_2;
CM_EXPORT const CFStringRef kCMFormatDescriptionYCbCrMatrix_ITU_R_601_4;
CM_EXPORT const CFStringRef kCMFormatDescriptionYCbCrMatrix_SMPTE_240M_1995;
CM_EXPORT const CFStringRef kCMFormatDescriptionYCbCrMatrix_ITU_R_2020;

/* Values of ChromaLocationTopField / BottomField: "Left", "Center",
 * "TopLeft", "Top", "BottomLeft", "Bottom", "DV 4:2:0". */
CM_EXPORT const CFStringRef kCMFormatDescriptionChromaLocation_Left;
CM_EXPORT const CFStringRef kCMFormatDescriptionChromaLocation_Center;
CM_EXPORT const CFStringRef kCMFormatDescriptionChromaLocation_TopLeft;
CM_EXPORT const CFStringRef kCMFormatDescriptionChromaLocation_Top;
CM_EXPORT const CFStringRef kCMFormatDescriptionChromaLocation_BottomLeft;
CM_EXPORT const CFStringRef kCMFormatDescriptionChromaLocation_Bottom;
CM_EXPORT const CFStringRef kCMFormatDescriptionChromaLocation_DV420;

/* ---- all media types ---- */

CM_EXPORT CFTypeID CMFormatDescriptionGetTypeID(void);

/* Creates a description of any media type. extensions (may be NULL) is copied.
 * Returns noErr, kCMFormatDescriptionError_InvalidParameter (NULL out,
 * extensions not a dictionary) or kCMFormatDescriptionError_AllocationFailed.
 * *formatDescriptionOut is +1. */
CM_EXPORT OSStatus CMFormatDescriptionCreate(CFAllocatorRef allocator, CMMediaType mediaType,
                                             FourCharCode mediaSubType, CFDictionaryRef extensions,
                                             CMFormatDescriptionRef *formatDescriptionOut);

/* 0 for NULL. */
CM_EXPORT CMMediaType CMFormatDescriptionGetMediaType(CMFormatDescriptionRef desc);
CM_EXPORT FourCharCode CMFormatDescriptionGetMediaSubType(CMFormatDescriptionRef desc);

/* The extensions dictionary (not retained), or NULL when there are none. */
CM_EXPORT CFDictionaryRef CMFormatDescriptionGetExtensions(CMFormatDescriptionRef desc);

/* One extension value (not retained), or NULL. */
CM_EXPORT CFPropertyListRef CMFormatDescriptionGetExtension(CMFormatDescriptionRef desc,
                                                            CFStringRef extensionKey);

/* Same media type, subtype, dimensions (video) and extensions (CFEqual; no
 * extensions equals an empty dictionary). Two NULLs are equal; NULL and a
 * description are not. */
CM_EXPORT Boolean CMFormatDescriptionEqual(CMFormatDescriptionRef formatDescription,
                                           CMFormatDescriptionRef otherFormatDescription);

/* Like CMFormatDescriptionEqual but ignoring the given extension keys
 * (a CFString or a CFArray of CFStrings, may be NULL) and the given atoms
 * inside SampleDescriptionExtensionAtoms (same forms). */
CM_EXPORT Boolean CMFormatDescriptionEqualIgnoringExtensionKeys(
    CMFormatDescriptionRef formatDescription, CMFormatDescriptionRef otherFormatDescription,
    CFTypeRef formatDescriptionExtensionKeysToIgnore,
    CFTypeRef sampleDescriptionExtensionAtomKeysToIgnore);

/* ---- video ---- */

#define CMVideoFormatDescriptionGetCodecType(desc) CMFormatDescriptionGetMediaSubType(desc)

/* A 'vide' description of width x height (both >= 0). For 'avc1' / 'hvc1'
 * an "avcC" / "hvcC" atom in SampleDescriptionExtensionAtoms makes the
 * parameter sets available through Get{H264,HEVC}ParameterSetAtIndex.
 * Errors: kCMFormatDescriptionError_InvalidParameter,
 * kCMFormatDescriptionError_AllocationFailed. Out is +1. */
CM_EXPORT OSStatus CMVideoFormatDescriptionCreate(
    CFAllocatorRef allocator, CMVideoCodecType codecType, int32_t width, int32_t height,
    CFDictionaryRef extensions, CMVideoFormatDescriptionRef *formatDescriptionOut);

/* Describes a CVPixelBuffer: subtype = its pixel format, its dimensions, and
 * the propagatable attachments whose keys are in
 * CMVideoFormatDescriptionGetExtensionKeysCommonWithImageBuffers(). Errors:
 * kCMFormatDescriptionError_InvalidParameter (NULL, not a pixel buffer),
 * kCMFormatDescriptionError_AllocationFailed. Out is +1. */
CM_EXPORT OSStatus
CMVideoFormatDescriptionCreateForImageBuffer(CFAllocatorRef allocator, CVImageBufferRef imageBuffer,
                                             CMVideoFormatDescriptionRef *formatDescriptionOut);

/* Parses the first SPS (dimensions after frame cropping, profile, chroma
 * format, bit depth, VUI colour/aspect information) and stores the parameter
 * sets in an "avcC" record (ISO/IEC 14496-15, including the chroma/bit-depth
 * trailer for high profiles) under SampleDescriptionExtensionAtoms. Needs at
 * least one SPS and one PPS (SPS extensions, NAL type 13, are accepted),
 * NALUnitHeaderLength 1, 2 or 4, non-NULL non-empty sets. Anything else,
 * including an SPS that does not parse, gives
 * kCMFormatDescriptionError_InvalidParameter. Out is +1. */
CM_EXPORT OSStatus CMVideoFormatDescriptionCreateFromH264ParameterSets(
    CFAllocatorRef allocator, size_t parameterSetCount, const uint8_t *const *parameterSetPointers,
    const size_t *parameterSetSizes, int NALUnitHeaderLength,
    CMFormatDescriptionRef *formatDescriptionOut);

/* HEVC: at least one VPS, SPS and PPS (prefix/suffix SEI NAL units are also
 * accepted). The SPS is parsed up to the bit depths: dimensions (after the
 * conformance window), chroma format and bit depths go into the "hvcC"
 * record; VUI colour information is not parsed (pass it in extensions).
 * extensions (may be NULL) are merged in. Errors as for H.264. Out is +1. */
CM_EXPORT OSStatus CMVideoFormatDescriptionCreateFromHEVCParameterSets(
    CFAllocatorRef allocator, size_t parameterSetCount, const uint8_t *const *parameterSetPointers,
    const size_t *parameterSetSizes, int NALUnitHeaderLength, CFDictionaryRef extensions,
    CMFormatDescriptionRef *formatDescriptionOut);

/* Parameter set `parameterSetIndex` of an H.264 / HEVC description (order:
 * SPS..., PPS..., SPS-ext... for H.264; the hvcC array order, normally VPS,
 * SPS, PPS, for HEVC). Every out pointer may be NULL; the set pointer stays
 * valid while the description lives. Returns noErr;
 * kCMFormatDescriptionError_InvalidParameter for a NULL description;
 * kCMFormatDescriptionBridgeError_InvalidParameter when the description has
 * no avcC/hvcC record or the index is out of range (the count and header
 * length outputs are still filled when a record exists). */
CM_EXPORT OSStatus CMVideoFormatDescriptionGetH264ParameterSetAtIndex(
    CMFormatDescriptionRef videoDesc, size_t parameterSetIndex,
    const uint8_t **parameterSetPointerOut, size_t *parameterSetSizeOut,
    size_t *parameterSetCountOut, int *NALUnitHeaderLengthOut);
CM_EXPORT OSStatus CMVideoFormatDescriptionGetHEVCParameterSetAtIndex(
    CMFormatDescriptionRef videoDesc, size_t parameterSetIndex,
    const uint8_t **parameterSetPointerOut, size_t *parameterSetSizeOut,
    size_t *parameterSetCountOut, int *NALUnitHeaderLengthOut);

/* Encoded dimensions; {0, 0} for NULL or a non-video description. */
CM_EXPORT CMVideoDimensions
CMVideoFormatDescriptionGetDimensions(CMVideoFormatDescriptionRef videoDesc);

/* The extension keys that mirror image-buffer attachments (CleanAperture,
 * FieldCount, FieldDetail, PixelAspectRatio, ColorPrimaries, TransferFunction,
 * GammaLevel, YCbCrMatrix, ICCProfile, ChromaLocationTopField/BottomField,
 * MasteringDisplayColorVolume, ContentLightLevelInfo). Not retained. */
CM_EXPORT CFArrayRef CMVideoFormatDescriptionGetExtensionKeysCommonWithImageBuffers(void);

/* TRUE when the description could describe the buffer: 'vide', subtype equal
 * to the pixel format, same dimensions, and every common extension key equal
 * to the buffer's attachment (absent in both counts as equal). */
CM_EXPORT Boolean CMVideoFormatDescriptionMatchesImageBuffer(CMVideoFormatDescriptionRef desc,
                                                             CVImageBufferRef imageBuffer);

CF_EXTERN_C_END

#endif /* VTCORE_COREMEDIA_CMFORMATDESCRIPTION_H */
