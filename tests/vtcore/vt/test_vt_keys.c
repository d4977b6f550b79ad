/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Every exported VideoToolbox CFString constant: it is a constant CFString
 * whose contents follow the runtime-value rule (the name without its family
 * prefix) or the listed exceptions, and a literal with the same contents is
 * CFEqual to it. The rule is re-implemented here independently of keys.c.
 */
#include <string.h>

#include <VideoToolbox/VideoToolbox.h>

#include "vt_test.h"

typedef struct Key {
    const CFStringRef *key;
    const char *name;
} Key;

#define K(k) \
    { &k, #k }

/* clang-format off */
static const Key keys[] = {
    K(kVTPropertyTypeKey),
    K(kVTPropertyType_Enumeration),
    K(kVTPropertyType_Boolean),
    K(kVTPropertyType_Number),
    K(kVTPropertyReadWriteStatusKey),
    K(kVTPropertyReadWriteStatus_ReadOnly),
    K(kVTPropertyReadWriteStatus_ReadWrite),
    K(kVTPropertyShouldBeSerializedKey),
    K(kVTPropertySupportedValueMinimumKey),
    K(kVTPropertySupportedValueMaximumKey),
    K(kVTPropertySupportedValueListKey),
    K(kVTPropertyDocumentationKey),
    K(kVTVideoEncoderSpecification_EncoderID),
    K(kVTCompressionPropertyKey_NumberOfPendingFrames),
    K(kVTCompressionPropertyKey_PixelBufferPoolIsShared),
    K(kVTCompressionPropertyKey_VideoEncoderPixelBufferAttributes),
    K(kVTCompressionPropertyKey_MaxKeyFrameInterval),
    K(kVTCompressionPropertyKey_MaxKeyFrameIntervalDuration),
    K(kVTCompressionPropertyKey_AllowTemporalCompression),
    K(kVTCompressionPropertyKey_AllowFrameReordering),
    K(kVTCompressionPropertyKey_AllowOpenGOP),
    K(kVTCompressionPropertyKey_AverageBitRate),
    K(kVTCompressionPropertyKey_DataRateLimits),
    K(kVTCompressionPropertyKey_Quality),
    K(kVTCompressionPropertyKey_TargetQualityForAlpha),
    K(kVTCompressionPropertyKey_MoreFramesBeforeStart),
    K(kVTCompressionPropertyKey_MoreFramesAfterEnd),
    K(kVTCompressionPropertyKey_PrioritizeEncodingSpeedOverQuality),
    K(kVTCompressionPropertyKey_ConstantBitRate),
    K(kVTCompressionPropertyKey_EstimatedAverageBytesPerFrame),
    K(kVTCompressionPropertyKey_VariableBitRate),
    K(kVTCompressionPropertyKey_VBVMaxBitRate),
    K(kVTCompressionPropertyKey_VBVBufferDuration),
    K(kVTCompressionPropertyKey_VBVInitialDelayPercentage),
    K(kVTCompressionPropertyKey_ConstantQualityFactor),
    K(kVTCompressionPropertyKey_SupportedPresetDictionaries),
    K(kVTCompressionPropertyKey_MaxAllowedFrameQP),
    K(kVTCompressionPropertyKey_MinAllowedFrameQP),
    K(kVTCompressionPreset_Balanced),
    K(kVTCompressionPreset_HighQuality),
    K(kVTCompressionPreset_HighSpeed),
    K(kVTCompressionPreset_VideoConferencing),
    K(kVTCompressionPreset_ConsistentQuality),
    K(kVTCompressionPropertyKey_ProfileLevel),
    K(kVTCompressionPropertyKey_OutputBitDepth),
    K(kVTCompressionPropertyKey_HDRMetadataInsertionMode),
    K(kVTCompressionPropertyKey_H264EntropyMode),
    K(kVTCompressionPropertyKey_Depth),
    K(kVTCompressionPropertyKey_PreserveAlphaChannel),
    K(kVTCompressionPropertyKey_MaxFrameDelayCount),
    K(kVTCompressionPropertyKey_MaxH264SliceBytes),
    K(kVTCompressionPropertyKey_RealTime),
    K(kVTCompressionPropertyKey_MaximizePowerEfficiency),
    K(kVTCompressionPropertyKey_SourceFrameCount),
    K(kVTCompressionPropertyKey_ExpectedFrameRate),
    K(kVTCompressionPropertyKey_MaximumRealTimeFrameRate),
    K(kVTCompressionPropertyKey_BaseLayerFrameRateFraction),
    K(kVTCompressionPropertyKey_BaseLayerBitRateFraction),
    K(kVTCompressionPropertyKey_ExpectedDuration),
    K(kVTCompressionPropertyKey_BaseLayerFrameRate),
    K(kVTCompressionPropertyKey_ReferenceBufferCount),
    K(kVTCompressionPropertyKey_CalculateMeanSquaredError),
    K(kVTCompressionPropertyKey_SuggestedLookAheadFrameCount),
    K(kVTCompressionPropertyKey_SpatialAdaptiveQPLevel),
    K(kVTCompressionPropertyKey_UsingHardwareAcceleratedVideoEncoder),
    K(kVTCompressionPropertyKey_UsingGPURegistryID),
    K(kVTCompressionPropertyKey_SupportsBaseFrameQP),
    K(kVTCompressionPropertyKey_EncoderID),
    K(kVTCompressionPropertyKey_RecommendedParallelizationLimit),
    K(kVTCompressionPropertyKey_RecommendedParallelizedSubdivisionMinimumFrameCount),
    K(kVTCompressionPropertyKey_RecommendedParallelizedSubdivisionMinimumDuration),
    K(kVTCompressionPropertyKey_CleanAperture),
    K(kVTCompressionPropertyKey_PixelAspectRatio),
    K(kVTCompressionPropertyKey_FieldCount),
    K(kVTCompressionPropertyKey_FieldDetail),
    K(kVTCompressionPropertyKey_AspectRatio16x9),
    K(kVTCompressionPropertyKey_ProgressiveScan),
    K(kVTCompressionPropertyKey_ColorPrimaries),
    K(kVTCompressionPropertyKey_TransferFunction),
    K(kVTCompressionPropertyKey_YCbCrMatrix),
    K(kVTCompressionPropertyKey_ICCProfile),
    K(kVTCompressionPropertyKey_MasteringDisplayColorVolume),
    K(kVTCompressionPropertyKey_ContentLightLevelInfo),
    K(kVTCompressionPropertyKey_GammaLevel),
    K(kVTCompressionPropertyKey_AlphaChannelMode),
    K(kVTCompressionPropertyKey_PreserveDynamicHDRMetadata),
    K(kVTCompressionPropertyKey_LogTransferFunction),
    K(kVTCompressionPropertyKey_PixelTransferProperties),
    K(kVTCompressionPropertyKey_MultiPassStorage),
    K(kVTCompressionPropertyKey_EnableLTR),
    K(kVTCompressionPropertyKey_MVHEVCVideoLayerIDs),
    K(kVTCompressionPropertyKey_MVHEVCViewIDs),
    K(kVTCompressionPropertyKey_MVHEVCLeftAndRightViewIDs),
    K(kVTCompressionPropertyKey_HeroEye),
    K(kVTCompressionPropertyKey_StereoCameraBaseline),
    K(kVTCompressionPropertyKey_HorizontalDisparityAdjustment),
    K(kVTCompressionPropertyKey_HasLeftStereoEyeView),
    K(kVTCompressionPropertyKey_HasRightStereoEyeView),
    K(kVTCompressionPropertyKey_HorizontalFieldOfView),
    K(kVTCompressionPropertyKey_ProjectionKind),
    K(kVTCompressionPropertyKey_ViewPackingKind),
    K(kVTCompressionPropertyKey_CameraCalibrationDataLensCollection),
    K(kVTHeroEye_Left),
    K(kVTHeroEye_Right),
    K(kVTProjectionKind_Rectilinear),
    K(kVTProjectionKind_Equirectangular),
    K(kVTProjectionKind_HalfEquirectangular),
    K(kVTProjectionKind_ParametricImmersive),
    K(kVTProjectionKind_AppleImmersiveVideo),
    K(kVTViewPackingKind_SideBySide),
    K(kVTViewPackingKind_OverUnder),
    K(kVTCompressionPropertyCameraCalibrationKey_LensAlgorithmKind),
    K(kVTCompressionPropertyCameraCalibrationKey_LensDomain),
    K(kVTCompressionPropertyCameraCalibrationKey_LensIdentifier),
    K(kVTCompressionPropertyCameraCalibrationKey_LensRole),
    K(kVTCompressionPropertyCameraCalibrationKey_LensDistortions),
    K(kVTCompressionPropertyCameraCalibrationKey_RadialAngleLimit),
    K(kVTCompressionPropertyCameraCalibrationKey_LensFrameAdjustmentsPolynomialX),
    K(kVTCompressionPropertyCameraCalibrationKey_LensFrameAdjustmentsPolynomialY),
    K(kVTCompressionPropertyCameraCalibrationKey_IntrinsicMatrix),
    K(kVTCompressionPropertyCameraCalibrationKey_IntrinsicMatrixProjectionOffset),
    K(kVTCompressionPropertyCameraCalibrationKey_IntrinsicMatrixReferenceDimensions),
    K(kVTCompressionPropertyCameraCalibrationKey_ExtrinsicOriginSource),
    K(kVTCompressionPropertyCameraCalibrationKey_ExtrinsicOrientationQuaternion),
    K(kVTCameraCalibrationLensAlgorithmKind_ParametricLens),
    K(kVTCameraCalibrationLensDomain_Color),
    K(kVTCameraCalibrationLensRole_Mono),
    K(kVTCameraCalibrationLensRole_Left),
    K(kVTCameraCalibrationLensRole_Right),
    K(kVTCameraCalibrationExtrinsicOriginSource_StereoCameraSystemBaseline),
    K(kVTProfileLevel_H264_Baseline_1_3),
    K(kVTProfileLevel_H264_Baseline_3_0),
    K(kVTProfileLevel_H264_Baseline_3_1),
    K(kVTProfileLevel_H264_Baseline_3_2),
    K(kVTProfileLevel_H264_Baseline_4_0),
    K(kVTProfileLevel_H264_Baseline_4_1),
    K(kVTProfileLevel_H264_Baseline_4_2),
    K(kVTProfileLevel_H264_Baseline_5_0),
    K(kVTProfileLevel_H264_Baseline_5_1),
    K(kVTProfileLevel_H264_Baseline_5_2),
    K(kVTProfileLevel_H264_Baseline_AutoLevel),
    K(kVTProfileLevel_H264_ConstrainedBaseline_AutoLevel),
    K(kVTProfileLevel_H264_Main_3_0),
    K(kVTProfileLevel_H264_Main_3_1),
    K(kVTProfileLevel_H264_Main_3_2),
    K(kVTProfileLevel_H264_Main_4_0),
    K(kVTProfileLevel_H264_Main_4_1),
    K(kVTProfileLevel_H264_Main_4_2),
    K(kVTProfileLevel_H264_Main_5_0),
    K(kVTProfileLevel_H264_Main_5_1),
    K(kVTProfileLevel_H264_Main_5_2),
    K(kVTProfileLevel_H264_Main_AutoLevel),
    K(kVTProfileLevel_H264_Extended_5_0),
    K(kVTProfileLevel_H264_Extended_AutoLevel),
    K(kVTProfileLevel_H264_High_3_0),
    K(kVTProfileLevel_H264_High_3_1),
    K(kVTProfileLevel_H264_High_3_2),
    K(kVTProfileLevel_H264_High_4_0),
    K(kVTProfileLevel_H264_High_4_1),
    K(kVTProfileLevel_H264_High_4_2),
    K(kVTProfileLevel_H264_High_5_0),
    K(kVTProfileLevel_H264_High_5_1),
    K(kVTProfileLevel_H264_High_5_2),
    K(kVTProfileLevel_H264_High_AutoLevel),
    K(kVTProfileLevel_H264_ConstrainedHigh_AutoLevel),
    K(kVTProfileLevel_HEVC_Main_AutoLevel),
    K(kVTProfileLevel_HEVC_Main10_AutoLevel),
    K(kVTProfileLevel_HEVC_Main42210_AutoLevel),
    K(kVTProfileLevel_HEVC_Monochrome_AutoLevel),
    K(kVTProfileLevel_HEVC_Monochrome10_AutoLevel),
    K(kVTProfileLevel_MP4V_Simple_L0),
    K(kVTProfileLevel_MP4V_Simple_L1),
    K(kVTProfileLevel_MP4V_Simple_L2),
    K(kVTProfileLevel_MP4V_Simple_L3),
    K(kVTProfileLevel_MP4V_Main_L2),
    K(kVTProfileLevel_MP4V_Main_L3),
    K(kVTProfileLevel_MP4V_Main_L4),
    K(kVTProfileLevel_MP4V_AdvancedSimple_L0),
    K(kVTProfileLevel_MP4V_AdvancedSimple_L1),
    K(kVTProfileLevel_MP4V_AdvancedSimple_L2),
    K(kVTProfileLevel_MP4V_AdvancedSimple_L3),
    K(kVTProfileLevel_MP4V_AdvancedSimple_L4),
    K(kVTProfileLevel_H263_Profile0_Level10),
    K(kVTProfileLevel_H263_Profile0_Level45),
    K(kVTProfileLevel_H263_Profile3_Level45),
    K(kVTH264EntropyMode_CAVLC),
    K(kVTH264EntropyMode_CABAC),
    K(kVTHDRMetadataInsertionMode_None),
    K(kVTHDRMetadataInsertionMode_Auto),
    K(kVTHDRMetadataInsertionMode_RequestSDRRangePreservation),
    K(kVTAlphaChannelMode_StraightAlpha),
    K(kVTAlphaChannelMode_PremultipliedAlpha),
    K(kVTVideoEncoderSpecification_EnableHardwareAcceleratedVideoEncoder),
    K(kVTVideoEncoderSpecification_RequireHardwareAcceleratedVideoEncoder),
    K(kVTVideoEncoderSpecification_RequiredEncoderGPURegistryID),
    K(kVTVideoEncoderSpecification_PreferredEncoderGPURegistryID),
    K(kVTVideoEncoderSpecification_EnableLowLatencyRateControl),
    K(kVTEncodeFrameOptionKey_ForceKeyFrame),
    K(kVTEncodeFrameOptionKey_BaseFrameQP),
    K(kVTEncodeFrameOptionKey_AcknowledgedLTRTokens),
    K(kVTEncodeFrameOptionKey_ForceLTRRefresh),
    K(kVTSampleAttachmentKey_RequireLTRAcknowledgementToken),
    K(kVTSampleAttachmentKey_QualityMetrics),
    K(kVTSampleAttachmentQualityMetricsKey_LumaMeanSquaredError),
    K(kVTSampleAttachmentQualityMetricsKey_ChromaBlueMeanSquaredError),
    K(kVTSampleAttachmentQualityMetricsKey_ChromaRedMeanSquaredError),
    K(kVTVideoEncoderListOption_IncludeStandardDefinitionDVEncoders),
    K(kVTVideoEncoderList_CodecType),
    K(kVTVideoEncoderList_EncoderID),
    K(kVTVideoEncoderList_CodecName),
    K(kVTVideoEncoderList_EncoderName),
    K(kVTVideoEncoderList_DisplayName),
    K(kVTVideoEncoderList_GPURegistryID),
    K(kVTVideoEncoderList_SupportedSelectionProperties),
    K(kVTVideoEncoderList_PerformanceRating),
    K(kVTVideoEncoderList_QualityRating),
    K(kVTVideoEncoderList_InstanceLimit),
    K(kVTVideoEncoderList_IsHardwareAccelerated),
    K(kVTVideoEncoderList_SupportsFrameReordering),
    K(kVTVideoEncoderList_SupportsMultiPass),
    K(kVTPixelTransferPropertyKey_ScalingMode),
    K(kVTScalingMode_Normal),
    K(kVTScalingMode_CropSourceToCleanAperture),
    K(kVTScalingMode_Letterbox),
    K(kVTScalingMode_Trim),
    K(kVTPixelTransferPropertyKey_DestinationCleanAperture),
    K(kVTPixelTransferPropertyKey_DestinationPixelAspectRatio),
    K(kVTPixelTransferPropertyKey_DownsamplingMode),
    K(kVTDownsamplingMode_Decimate),
    K(kVTDownsamplingMode_Average),
    K(kVTPixelTransferPropertyKey_DestinationColorPrimaries),
    K(kVTPixelTransferPropertyKey_DestinationTransferFunction),
    K(kVTPixelTransferPropertyKey_DestinationICCProfile),
    K(kVTPixelTransferPropertyKey_DestinationYCbCrMatrix),
    K(kVTPixelTransferPropertyKey_RealTime),
    K(kVTPixelRotationPropertyKey_Rotation),
    K(kVTRotation_0),
    K(kVTRotation_CW90),
    K(kVTRotation_180),
    K(kVTRotation_CCW90),
    K(kVTPixelRotationPropertyKey_FlipHorizontalOrientation),
    K(kVTPixelRotationPropertyKey_FlipVerticalOrientation),
    K(kVTMultiPassStorageCreationOption_DoNotDelete),
};

static const struct {
    const char *name;
    const char *value;
} exceptions[] = {
    {"kVTPropertyTypeKey", "PropertyType"},
    {"kVTPropertyReadWriteStatusKey", "ReadWriteStatus"},
    {"kVTPropertyShouldBeSerializedKey", "ShouldBeSerialized"},
    {"kVTPropertySupportedValueMinimumKey", "SupportedValueMinimum"},
    {"kVTPropertySupportedValueMaximumKey", "SupportedValueMaximum"},
    {"kVTPropertySupportedValueListKey", "SupportedValueList"},
    {"kVTPropertyDocumentationKey", "Documentation"},
    {"kVTCompressionPropertyKey_EstimatedAverageBytesPerFrame",
     "kVTProCodecPropertyKey_AverageBytesPerFrame"},
    {"kVTCompressionPropertyKey_PreserveAlphaChannel", "kVTCodecPropertyKey_PreserveAlphaChannel"},
    {"kVTCompressionPropertyKey_UsingGPURegistryID", "UsingMetalRegistryID"},
    {"kVTHDRMetadataInsertionMode_None", "HDRMetadataInsertionMode_None"},
    {"kVTHDRMetadataInsertionMode_Auto", "HDRMetadataInsertionMode_Auto"},
    {"kVTHDRMetadataInsertionMode_RequestSDRRangePreservation",
     "HDRMetadataInsertionMode_RequestSDRRangePreservation"},
    {"kVTRotation_0", "Rotation0"},
    {"kVTRotation_CW90", "RotationCW90"},
    {"kVTRotation_180", "Rotation180"},
    {"kVTRotation_CCW90", "RotationCCW90"},
};
/* clang-format on */

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const char *expected_value(const char *name) {
    size_t i;
    const char *underscore;
    for (i = 0; i < COUNT(exceptions); i++) {
        if (strcmp(exceptions[i].name, name) == 0)
            return exceptions[i].value;
    }
    underscore = strchr(name, '_');
    return underscore ? underscore + 1 : NULL;
}

static void test_values(void) {
    size_t i;
    char buf[128];
    for (i = 0; i < COUNT(keys); i++) {
        CFStringRef k = *keys[i].key;
        const char *want = expected_value(keys[i].name);
        CHECK_MSG(k != NULL, "%s is NULL", keys[i].name);
        if (!k)
            continue;
        CHECK_MSG(CFGetTypeID(k) == CFStringGetTypeID(), "%s is not a CFString", keys[i].name);
        CHECK_MSG(want != NULL, "%s: no rule", keys[i].name);
        CHECK(CFStringGetCString(k, buf, sizeof(buf), kCFStringEncodingUTF8));
        CHECK_MSG(want && strcmp(buf, want) == 0, "%s = \"%s\", expected \"%s\"", keys[i].name, buf,
                  want ? want : "?");
        /* Constants are immortal. */
        CFRetain(k);
        CFRelease(k);
        CFRelease(k);
        CHECK(CFGetRetainCount(k) > 1000000);
        /* A key created from the same text is CFEqual. */
        {
            CFStringRef created = CFStringCreateWithCString(NULL, buf, kCFStringEncodingUTF8);
            CHECK(created && CFEqual(created, k) && CFHash(created) == CFHash(k));
            if (created)
                CFRelease(created);
        }
    }
}

static void test_distinct_objects(void) {
    size_t i, j;
    for (i = 0; i < COUNT(keys); i++)
        for (j = i + 1; j < COUNT(keys); j++)
            CHECK_MSG(*keys[i].key != *keys[j].key, "%s and %s share an object", keys[i].name,
                      keys[j].name);
}

static void test_literals(void) {
    /* Literal keys real clients use (§9 of the reference). */
    CHECK(CFEqual(CFSTR("RealTime"), kVTCompressionPropertyKey_RealTime));
    CHECK(CFEqual(CFSTR("AverageBitRate"), kVTCompressionPropertyKey_AverageBitRate));
    CHECK(CFEqual(CFSTR("H264_High_AutoLevel"), kVTProfileLevel_H264_High_AutoLevel));
    CHECK(CFEqual(CFSTR("HEVC_Main10_AutoLevel"), kVTProfileLevel_HEVC_Main10_AutoLevel));
    CHECK(CFEqual(CFSTR("CABAC"), kVTH264EntropyMode_CABAC));
    CHECK(CFEqual(CFSTR("EnableLowLatencyRateControl"),
                  kVTVideoEncoderSpecification_EnableLowLatencyRateControl));
    CHECK(CFEqual(CFSTR("RequireHardwareAcceleratedVideoEncoder"),
                  kVTVideoEncoderSpecification_RequireHardwareAcceleratedVideoEncoder));
    CHECK(CFEqual(CFSTR("ForceKeyFrame"), kVTEncodeFrameOptionKey_ForceKeyFrame));
    CHECK(CFEqual(CFSTR("DoNotDelete"), kVTMultiPassStorageCreationOption_DoNotDelete));
    CHECK(CFEqual(CFSTR("EncoderID"), kVTVideoEncoderSpecification_EncoderID));
    CHECK(CFEqual(CFSTR("Letterbox"), kVTScalingMode_Letterbox));
    CHECK(CFEqual(CFSTR("RealTime"), kVTPixelTransferPropertyKey_RealTime));
    CHECK(!CFEqual(CFSTR("realtime"), kVTCompressionPropertyKey_RealTime));
}

static void test_enum_values(void) {
    CHECK_EQ_INT(kVTUnlimitedFrameDelayCount, -1);
    CHECK_EQ_INT(kVTQPModulationLevel_Default, -1);
    CHECK_EQ_INT(kVTQPModulationLevel_Disable, 0);
    CHECK_EQ_INT(kVTCompressionSessionBeginFinalPass, 1);
    CHECK_EQ_INT(kVTEncodeInfo_Asynchronous, 1);
    CHECK_EQ_INT(kVTEncodeInfo_FrameDropped, 2);
    CHECK_EQ_INT(kVTDecodeFrame_EnableTemporalProcessing, 8);
    CHECK_EQ_INT(kVTDecodeInfo_SkippedLeadingFrameDropped, 8);
    CHECK_EQ_INT(kVTImageRotationNotSupportedErr, kVTPixelRotationNotSupportedErr);
    CHECK_EQ_INT(sizeof(VTEncodeInfoFlags), 4);
    CHECK_EQ_INT(sizeof(VTCompressionSessionOptionFlags), 4);
    CHECK_EQ_INT(sizeof(VTInt32Point), 8);
    CHECK_EQ_INT(sizeof(VTInt32Size), 8);
}

int main(void) {
    test_values();
    test_distinct_objects();
    test_literals();
    test_enum_values();
    return vt_test_result();
}
