/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Definitions of every exported VideoToolbox CFString constant. The string
 * contents are what macOS uses at run time (clients sometimes pass literals
 * such as CFSTR("RealTime")): the name without its family prefix, except for
 * the few exceptions measured on macOS (EstimatedAverageBytesPerFrame,
 * PreserveAlphaChannel, UsingGPURegistryID, kVTHDRMetadataInsertionMode_*,
 * kVTRotation_*). The kVTProperty*Key values follow the contents of the
 * description dictionaries macOS prints ("PropertyType", "ReadWriteStatus",
 * ...); "Documentation" is unverified.
 *
 * Every definition must see its VT_EXPORT declaration (the library is built
 * with -fvisibility=hidden), hence the header includes.
 */
#include "config.h"

#include <VideoToolbox/VideoToolbox.h>

#include "cf/cf_internal.h"

/* clang-format off */
/* ---- VTSession.h ---- */

VT_DEFINE_CONST_STRING(kVTPropertyTypeKey, "PropertyType");
VT_DEFINE_CONST_STRING(kVTPropertyType_Enumeration, "Enumeration");
VT_DEFINE_CONST_STRING(kVTPropertyType_Boolean, "Boolean");
VT_DEFINE_CONST_STRING(kVTPropertyType_Number, "Number");
VT_DEFINE_CONST_STRING(kVTPropertyReadWriteStatusKey, "ReadWriteStatus");
VT_DEFINE_CONST_STRING(kVTPropertyReadWriteStatus_ReadOnly, "ReadOnly");
VT_DEFINE_CONST_STRING(kVTPropertyReadWriteStatus_ReadWrite, "ReadWrite");
VT_DEFINE_CONST_STRING(kVTPropertyShouldBeSerializedKey, "ShouldBeSerialized");
VT_DEFINE_CONST_STRING(kVTPropertySupportedValueMinimumKey, "SupportedValueMinimum");
VT_DEFINE_CONST_STRING(kVTPropertySupportedValueMaximumKey, "SupportedValueMaximum");
VT_DEFINE_CONST_STRING(kVTPropertySupportedValueListKey, "SupportedValueList");
VT_DEFINE_CONST_STRING(kVTPropertyDocumentationKey, "Documentation");

/* ---- VTCompressionSession.h ---- */

VT_DEFINE_CONST_STRING(kVTVideoEncoderSpecification_EncoderID, "EncoderID");

/* ---- VTCompressionProperties.h ---- */

VT_DEFINE_CONST_STRING(kVTCompressionPropertyKey_NumberOfPendingFrames, "NumberOfPendingFrames");
VT_DEFINE_CONST_STRING(kVTCompressionPropertyKey_PixelBufferPoolIsShared, "PixelBufferPoolIsShared");
VT_DEFINE_CONST_STRING(kVTCompressionPropertyKey_VideoEncoderPixelBufferAttributes, "VideoEncoderPixelBufferAttributes");
VT_DEFINE_CONST_STRING(kVTCompressionPropertyKey_MaxKeyFrameInterval, "MaxKeyFrameInterval");
VT_DEFINE_CONST_STRING(kVTCompressionPropertyKey_MaxKeyFrameIntervalDuration, "MaxKeyFrameIntervalDuration");
VT_DEFINE_CONST_STRING(kVTCompressionPropertyKey_AllowTemporalCompression, "AllowTemporalCompression");
VT_DEFINE_CONST_STRING(kVTCompressionPropertyKey_AllowFrameReordering, "AllowFrameReordering");
VT_DEFINE_CONST_STRING(kVTCompressionPropertyKey_AllowOpenGOP, "AllowOpenGOP");
VT_DEFINE_CONST_STRING(kVTCompressionPropertyKey_AverageBitRate, "AverageBitRate");
VT_DEFINE_CONST_STRING(kVTCompressionPropertyKey_DataRateLimits, "DataRateLimits");
VT_DEFINE_CONST_STRING(kVTCompressionPropertyKey_Quality, "Quality");
VT_DEFINE_CONST_STRING(kVTCompressionPropertyKey_TargetQualityForAlpha, "TargetQualityForAlpha");
VT_DEFINE_CONST_STRING(kVTCompressionPropertyKey_MoreFramesBeforeStart, "MoreFramesBeforeStart");
VT_DEFINE_CONST_STRING(kVTCompressionPropertyKey_MoreFramesAfterEnd, "MoreFramesAfterEnd");
VT_DEFINE_CONST_STRING(kVTCompressionPropertyKey_PrioritizeEncodingSpeedOverQuality, "PrioritizeEncodingSpeedOverQuality");
VT_DEFINE_CONST_STRING(kVTCompressionPropertyKey_ConstantBitRate, "ConstantBitRate");
VT_DEFINE_CONST_STRING(kVTCompressionPropertyKey_EstimatedAverageBytesPerFrame, "kVTProCodecPropertyKey_AverageBytesPerFrame");
VT_DEFINE_CONST_STRING(kVTCompressionPropertyKey_VariableBitRate, "VariableBitRate");
VT_DEFINE_CONST_STRING(kVTCompressionPropertyKey_VBVMaxBitRate, "VBVMaxBitRate");
VT_DEFINE_CONST_STRING(kVTCompressionPropertyKey_VBVBufferDuration, "VBVBufferDuration");
VT_DEFINE_CONST_STRING(kVTCompressionPropertyKey_VBVInitialDelayPercentage, "VBVInitialDelayPercentage");
VT_DEFINE_CONST_STRING(kVTCompressionPropertyKey_ConstantQualityFactor, "ConstantQualityFactor");
VT_DEFINE_CONST_STRING(kVTCompressionPropertyKey_SupportedPresetDictionaries, "SupportedPresetDictionaries");
VT_DEFINE_CONST_STRING(kVTCompressionPropertyKey_MaxAllowedFrameQP, "MaxAllowedFrameQP");
VT_DEFINE_CONST_STRING(kVTCompressionPropertyKey_MinAllowedFrameQP, "MinAllowedFrameQP");
VT_DEFINE_CONST_STRING(kVTCompressionPreset_Balanced, "Balanced");
VT_DEFINE_CONST_STRING(kVTCompressionPreset_HighQuality, "HighQuality");
VT_DEFINE_CONST_STRING(kVTCompressionPreset_HighSpeed, "HighSpeed");
VT_DEFINE_CONST_STRING(kVTCompressionPreset_VideoConferencing, "VideoConferencing");
VT_DEFINE_CONST_STRING(kVTCompressionPreset_ConsistentQuality, "ConsistentQuality");
VT_DEFINE_CONST_STRING(kVTCompressionPropertyKey_ProfileLevel, "ProfileLevel");
VT_DEFINE_CONST_STRING(kVTCompressionPropertyKey_OutputBitDepth, "OutputBitDepth");
VT_DEFINE_CONST_STRING(kVTCompressionPropertyKey_HDRMetadataInsertionMode, "HDRMetadataInsertionMode");
VT_DEFINE_CONST_STRING(kVTCompressionPropertyKey_H264EntropyMode, "H264EntropyMode");
VT_DEFINE_CONST_STRING(kVTCompressionPropertyKey_Depth, "Depth");
VT_DEFINE_CONST_STRING(kVTCompressionPropertyKey_PreserveAlphaChannel, "kVTCodecPropertyKey_PreserveAlphaChannel");
VT_DEFINE_CONST_STRING(kVTCompressionPropertyKey_MaxFrameDelayCount, "MaxFrameDelayCount");
VT_DEFINE_CONST_STRING(kVTCompressionPropertyKey_MaxH264SliceBytes, "MaxH264SliceBytes");
VT_DEFINE_CONST_STRING(kVTCompressionPropertyKey_RealTime, "RealTime");
VT_DEFINE_CONST_STRING(kVTCompressionPropertyKey_MaximizePowerEfficiency, "MaximizePowerEfficiency");
VT_DEFINE_CONST_STRING(kVTCompressionPropertyKey_SourceFrameCount, "SourceFrameCount");
VT_DEFINE_CONST_STRING(kVTCompressionPropertyKey_ExpectedFrameRate, "ExpectedFrameRate");
VT_DEFINE_CONST_STRING(kVTCompressionPropertyKey_MaximumRealTimeFrameRate, "MaximumRealTimeFrameRate");
VT_DEFINE_CONST_STRING(kVTCompressionPropertyKey_BaseLayerFrameRateFraction, "BaseLayerFrameRateFraction");
VT_DEFINE_CONST_STRING(kVTCompressionPropertyKey_BaseLayerBitRateFraction, "BaseLayerBitRateFraction");
VT_DEFINE_CONST_STRING(kVTCompressionPropertyKey_ExpectedDuration, "ExpectedDuration");
VT_DEFINE_CONST_STRING(kVTCompressionPropertyKey_BaseLayerFrameRate, "BaseLayerFrameRate");
VT_DEFINE_CONST_STRING(kVTCompressionPropertyKey_ReferenceBufferCount, "ReferenceBufferCount");
VT_DEFINE_CONST_STRING(kVTCompressionPropertyKey_CalculateMeanSquaredError, "CalculateMeanSquaredError");
VT_DEFINE_CONST_STRING(kVTCompressionPropertyKey_SuggestedLookAheadFrameCount, "SuggestedLookAheadFrameCount");
VT_DEFINE_CONST_STRING(kVTCompressionPropertyKey_SpatialAdaptiveQPLevel, "SpatialAdaptiveQPLevel");
VT_DEFINE_CONST_STRING(kVTCompressionPropertyKey_UsingHardwareAcceleratedVideoEncoder, "UsingHardwareAcceleratedVideoEncoder");
VT_DEFINE_CONST_STRING(kVTCompressionPropertyKey_UsingGPURegistryID, "UsingMetalRegistryID");
VT_DEFINE_CONST_STRING(kVTCompressionPropertyKey_SupportsBaseFrameQP, "SupportsBaseFrameQP");
VT_DEFINE_CONST_STRING(kVTCompressionPropertyKey_EncoderID, "EncoderID");
VT_DEFINE_CONST_STRING(kVTCompressionPropertyKey_RecommendedParallelizationLimit, "RecommendedParallelizationLimit");
VT_DEFINE_CONST_STRING(kVTCompressionPropertyKey_RecommendedParallelizedSubdivisionMinimumFrameCount, "RecommendedParallelizedSubdivisionMinimumFrameCount");
VT_DEFINE_CONST_STRING(kVTCompressionPropertyKey_RecommendedParallelizedSubdivisionMinimumDuration, "RecommendedParallelizedSubdivisionMinimumDuration");
VT_DEFINE_CONST_STRING(kVTCompressionPropertyKey_CleanAperture, "CleanAperture");
VT_DEFINE_CONST_STRING(kVTCompressionPropertyKey_PixelAspectRatio, "PixelAspectRatio");
VT_DEFINE_CONST_STRING(kVTCompressionPropertyKey_FieldCount, "FieldCount");
VT_DEFINE_CONST_STRING(kVTCompressionPropertyKey_FieldDetail, "FieldDetail");
VT_DEFINE_CONST_STRING(kVTCompressionPropertyKey_AspectRatio16x9, "AspectRatio16x9");
VT_DEFINE_CONST_STRING(kVTCompressionPropertyKey_ProgressiveScan, "ProgressiveScan");
VT_DEFINE_CONST_STRING(kVTCompressionPropertyKey_ColorPrimaries, "ColorPrimaries");
VT_DEFINE_CONST_STRING(kVTCompressionPropertyKey_TransferFunction, "TransferFunction");
VT_DEFINE_CONST_STRING(kVTCompressionPropertyKey_YCbCrMatrix, "YCbCrMatrix");
VT_DEFINE_CONST_STRING(kVTCompressionPropertyKey_ICCProfile, "ICCProfile");
VT_DEFINE_CONST_STRING(kVTCompressionPropertyKey_MasteringDisplayColorVolume, "MasteringDisplayColorVolume");
VT_DEFINE_CONST_STRING(kVTCompressionPropertyKey_ContentLightLevelInfo, "ContentLightLevelInfo");
VT_DEFINE_CONST_STRING(kVTCompressionPropertyKey_GammaLevel, "GammaLevel");
VT_DEFINE_CONST_STRING(kVTCompressionPropertyKey_AlphaChannelMode, "AlphaChannelMode");
VT_DEFINE_CONST_STRING(kVTCompressionPropertyKey_PreserveDynamicHDRMetadata, "PreserveDynamicHDRMetadata");
VT_DEFINE_CONST_STRING(kVTCompressionPropertyKey_LogTransferFunction, "LogTransferFunction");
VT_DEFINE_CONST_STRING(kVTCompressionPropertyKey_PixelTransferProperties, "PixelTransferProperties");
VT_DEFINE_CONST_STRING(kVTCompressionPropertyKey_MultiPassStorage, "MultiPassStorage");
VT_DEFINE_CONST_STRING(kVTCompressionPropertyKey_EnableLTR, "EnableLTR");
VT_DEFINE_CONST_STRING(kVTCompressionPropertyKey_MVHEVCVideoLayerIDs, "MVHEVCVideoLayerIDs");
VT_DEFINE_CONST_STRING(kVTCompressionPropertyKey_MVHEVCViewIDs, "MVHEVCViewIDs");
VT_DEFINE_CONST_STRING(kVTCompressionPropertyKey_MVHEVCLeftAndRightViewIDs, "MVHEVCLeftAndRightViewIDs");
VT_DEFINE_CONST_STRING(kVTCompressionPropertyKey_HeroEye, "HeroEye");
VT_DEFINE_CONST_STRING(kVTCompressionPropertyKey_StereoCameraBaseline, "StereoCameraBaseline");
VT_DEFINE_CONST_STRING(kVTCompressionPropertyKey_HorizontalDisparityAdjustment, "HorizontalDisparityAdjustment");
VT_DEFINE_CONST_STRING(kVTCompressionPropertyKey_HasLeftStereoEyeView, "HasLeftStereoEyeView");
VT_DEFINE_CONST_STRING(kVTCompressionPropertyKey_HasRightStereoEyeView, "HasRightStereoEyeView");
VT_DEFINE_CONST_STRING(kVTCompressionPropertyKey_HorizontalFieldOfView, "HorizontalFieldOfView");
VT_DEFINE_CONST_STRING(kVTCompressionPropertyKey_ProjectionKind, "ProjectionKind");
VT_DEFINE_CONST_STRING(kVTCompressionPropertyKey_ViewPackingKind, "ViewPackingKind");
VT_DEFINE_CONST_STRING(kVTCompressionPropertyKey_CameraCalibrationDataLensCollection, "CameraCalibrationDataLensCollection");
VT_DEFINE_CONST_STRING(kVTHeroEye_Left, "Left");
VT_DEFINE_CONST_STRING(kVTHeroEye_Right, "Right");
VT_DEFINE_CONST_STRING(kVTProjectionKind_Rectilinear, "Rectilinear");
VT_DEFINE_CONST_STRING(kVTProjectionKind_Equirectangular, "Equirectangular");
VT_DEFINE_CONST_STRING(kVTProjectionKind_HalfEquirectangular, "HalfEquirectangular");
VT_DEFINE_CONST_STRING(kVTProjectionKind_ParametricImmersive, "ParametricImmersive");
VT_DEFINE_CONST_STRING(kVTProjectionKind_AppleImmersiveVideo, "AppleImmersiveVideo");
VT_DEFINE_CONST_STRING(kVTViewPackingKind_SideBySide, "SideBySide");
VT_DEFINE_CONST_STRING(kVTViewPackingKind_OverUnder, "OverUnder");
VT_DEFINE_CONST_STRING(kVTCompressionPropertyCameraCalibrationKey_LensAlgorithmKind, "LensAlgorithmKind");
VT_DEFINE_CONST_STRING(kVTCompressionPropertyCameraCalibrationKey_LensDomain, "LensDomain");
VT_DEFINE_CONST_STRING(kVTCompressionPropertyCameraCalibrationKey_LensIdentifier, "LensIdentifier");
VT_DEFINE_CONST_STRING(kVTCompressionPropertyCameraCalibrationKey_LensRole, "LensRole");
VT_DEFINE_CONST_STRING(kVTCompressionPropertyCameraCalibrationKey_LensDistortions, "LensDistortions");
VT_DEFINE_CONST_STRING(kVTCompressionPropertyCameraCalibrationKey_RadialAngleLimit, "RadialAngleLimit");
VT_DEFINE_CONST_STRING(kVTCompressionPropertyCameraCalibrationKey_LensFrameAdjustmentsPolynomialX, "LensFrameAdjustmentsPolynomialX");
VT_DEFINE_CONST_STRING(kVTCompressionPropertyCameraCalibrationKey_LensFrameAdjustmentsPolynomialY, "LensFrameAdjustmentsPolynomialY");
VT_DEFINE_CONST_STRING(kVTCompressionPropertyCameraCalibrationKey_IntrinsicMatrix, "IntrinsicMatrix");
VT_DEFINE_CONST_STRING(kVTCompressionPropertyCameraCalibrationKey_IntrinsicMatrixProjectionOffset, "IntrinsicMatrixProjectionOffset");
VT_DEFINE_CONST_STRING(kVTCompressionPropertyCameraCalibrationKey_IntrinsicMatrixReferenceDimensions, "IntrinsicMatrixReferenceDimensions");
VT_DEFINE_CONST_STRING(kVTCompressionPropertyCameraCalibrationKey_ExtrinsicOriginSource, "ExtrinsicOriginSource");
VT_DEFINE_CONST_STRING(kVTCompressionPropertyCameraCalibrationKey_ExtrinsicOrientationQuaternion, "ExtrinsicOrientationQuaternion");
VT_DEFINE_CONST_STRING(kVTCameraCalibrationLensAlgorithmKind_ParametricLens, "ParametricLens");
VT_DEFINE_CONST_STRING(kVTCameraCalibrationLensDomain_Color, "Color");
VT_DEFINE_CONST_STRING(kVTCameraCalibrationLensRole_Mono, "Mono");
VT_DEFINE_CONST_STRING(kVTCameraCalibrationLensRole_Left, "Left");
VT_DEFINE_CONST_STRING(kVTCameraCalibrationLensRole_Right, "Right");
VT_DEFINE_CONST_STRING(kVTCameraCalibrationExtrinsicOriginSource_StereoCameraSystemBaseline, "StereoCameraSystemBaseline");
VT_DEFINE_CONST_STRING(kVTProfileLevel_H264_Baseline_1_3, "H264_Baseline_1_3");
VT_DEFINE_CONST_STRING(kVTProfileLevel_H264_Baseline_3_0, "H264_Baseline_3_0");
VT_DEFINE_CONST_STRING(kVTProfileLevel_H264_Baseline_3_1, "H264_Baseline_3_1");
VT_DEFINE_CONST_STRING(kVTProfileLevel_H264_Baseline_3_2, "H264_Baseline_3_2");
VT_DEFINE_CONST_STRING(kVTProfileLevel_H264_Baseline_4_0, "H264_Baseline_4_0");
VT_DEFINE_CONST_STRING(kVTProfileLevel_H264_Baseline_4_1, "H264_Baseline_4_1");
VT_DEFINE_CONST_STRING(kVTProfileLevel_H264_Baseline_4_2, "H264_Baseline_4_2");
VT_DEFINE_CONST_STRING(kVTProfileLevel_H264_Baseline_5_0, "H264_Baseline_5_0");
VT_DEFINE_CONST_STRING(kVTProfileLevel_H264_Baseline_5_1, "H264_Baseline_5_1");
VT_DEFINE_CONST_STRING(kVTProfileLevel_H264_Baseline_5_2, "H264_Baseline_5_2");
VT_DEFINE_CONST_STRING(kVTProfileLevel_H264_Baseline_AutoLevel, "H264_Baseline_AutoLevel");
VT_DEFINE_CONST_STRING(kVTProfileLevel_H264_ConstrainedBaseline_AutoLevel, "H264_ConstrainedBaseline_AutoLevel");
VT_DEFINE_CONST_STRING(kVTProfileLevel_H264_Main_3_0, "H264_Main_3_0");
VT_DEFINE_CONST_STRING(kVTProfileLevel_H264_Main_3_1, "H264_Main_3_1");
VT_DEFINE_CONST_STRING(kVTProfileLevel_H264_Main_3_2, "H264_Main_3_2");
VT_DEFINE_CONST_STRING(kVTProfileLevel_H264_Main_4_0, "H264_Main_4_0");
VT_DEFINE_CONST_STRING(kVTProfileLevel_H264_Main_4_1, "H264_Main_4_1");
VT_DEFINE_CONST_STRING(kVTProfileLevel_H264_Main_4_2, "H264_Main_4_2");
VT_DEFINE_CONST_STRING(kVTProfileLevel_H264_Main_5_0, "H264_Main_5_0");
VT_DEFINE_CONST_STRING(kVTProfileLevel_H264_Main_5_1, "H264_Main_5_1");
VT_DEFINE_CONST_STRING(kVTProfileLevel_H264_Main_5_2, "H264_Main_5_2");
VT_DEFINE_CONST_STRING(kVTProfileLevel_H264_Main_AutoLevel, "H264_Main_AutoLevel");
VT_DEFINE_CONST_STRING(kVTProfileLevel_H264_Extended_5_0, "H264_Extended_5_0");
VT_DEFINE_CONST_STRING(kVTProfileLevel_H264_Extended_AutoLevel, "H264_Extended_AutoLevel");
VT_DEFINE_CONST_STRING(kVTProfileLevel_H264_High_3_0, "H264_High_3_0");
VT_DEFINE_CONST_STRING(kVTProfileLevel_H264_High_3_1, "H264_High_3_1");
VT_DEFINE_CONST_STRING(kVTProfileLevel_H264_High_3_2, "H264_High_3_2");
VT_DEFINE_CONST_STRING(kVTProfileLevel_H264_High_4_0, "H264_High_4_0");
VT_DEFINE_CONST_STRING(kVTProfileLevel_H264_High_4_1, "H264_High_4_1");
VT_DEFINE_CONST_STRING(kVTProfileLevel_H264_High_4_2, "H264_High_4_2");
VT_DEFINE_CONST_STRING(kVTProfileLevel_H264_High_5_0, "H264_High_5_0");
VT_DEFINE_CONST_STRING(kVTProfileLevel_H264_High_5_1, "H264_High_5_1");
VT_DEFINE_CONST_STRING(kVTProfileLevel_H264_High_5_2, "H264_High_5_2");
VT_DEFINE_CONST_STRING(kVTProfileLevel_H264_High_AutoLevel, "H264_High_AutoLevel");
VT_DEFINE_CONST_STRING(kVTProfileLevel_H264_ConstrainedHigh_AutoLevel, "H264_ConstrainedHigh_AutoLevel");
VT_DEFINE_CONST_STRING(kVTProfileLevel_HEVC_Main_AutoLevel, "HEVC_Main_AutoLevel");
VT_DEFINE_CONST_STRING(kVTProfileLevel_HEVC_Main10_AutoLevel, "HEVC_Main10_AutoLevel");
VT_DEFINE_CONST_STRING(kVTProfileLevel_HEVC_Main42210_AutoLevel, "HEVC_Main42210_AutoLevel");
VT_DEFINE_CONST_STRING(kVTProfileLevel_HEVC_Monochrome_AutoLevel, "HEVC_Monochrome_AutoLevel");
VT_DEFINE_CONST_STRING(kVTProfileLevel_HEVC_Monochrome10_AutoLevel, "HEVC_Monochrome10_AutoLevel");
VT_DEFINE_CONST_STRING(kVTProfileLevel_MP4V_Simple_L0, "MP4V_Simple_L0");
VT_DEFINE_CONST_STRING(kVTProfileLevel_MP4V_Simple_L1, "MP4V_Simple_L1");
VT_DEFINE_CONST_STRING(kVTProfileLevel_MP4V_Simple_L2, "MP4V_Simple_L2");
VT_DEFINE_CONST_STRING(kVTProfileLevel_MP4V_Simple_L3, "MP4V_Simple_L3");
VT_DEFINE_CONST_STRING(kVTProfileLevel_MP4V_Main_L2, "MP4V_Main_L2");
VT_DEFINE_CONST_STRING(kVTProfileLevel_MP4V_Main_L3, "MP4V_Main_L3");
VT_DEFINE_CONST_STRING(kVTProfileLevel_MP4V_Main_L4, "MP4V_Main_L4");
VT_DEFINE_CONST_STRING(kVTProfileLevel_MP4V_AdvancedSimple_L0, "MP4V_AdvancedSimple_L0");
VT_DEFINE_CONST_STRING(kVTProfileLevel_MP4V_AdvancedSimple_L1, "MP4V_AdvancedSimple_L1");
VT_DEFINE_CONST_STRING(kVTProfileLevel_MP4V_AdvancedSimple_L2, "MP4V_AdvancedSimple_L2");
VT_DEFINE_CONST_STRING(kVTProfileLevel_MP4V_AdvancedSimple_L3, "MP4V_AdvancedSimple_L3");
VT_DEFINE_CONST_STRING(kVTProfileLevel_MP4V_AdvancedSimple_L4, "MP4V_AdvancedSimple_L4");
VT_DEFINE_CONST_STRING(kVTProfileLevel_H263_Profile0_Level10, "H263_Profile0_Level10");
VT_DEFINE_CONST_STRING(kVTProfileLevel_H263_Profile0_Level45, "H263_Profile0_Level45");
VT_DEFINE_CONST_STRING(kVTProfileLevel_H263_Profile3_Level45, "H263_Profile3_Level45");
VT_DEFINE_CONST_STRING(kVTH264EntropyMode_CAVLC, "CAVLC");
VT_DEFINE_CONST_STRING(kVTH264EntropyMode_CABAC, "CABAC");
VT_DEFINE_CONST_STRING(kVTHDRMetadataInsertionMode_None, "HDRMetadataInsertionMode_None");
VT_DEFINE_CONST_STRING(kVTHDRMetadataInsertionMode_Auto, "HDRMetadataInsertionMode_Auto");
VT_DEFINE_CONST_STRING(kVTHDRMetadataInsertionMode_RequestSDRRangePreservation, "HDRMetadataInsertionMode_RequestSDRRangePreservation");
VT_DEFINE_CONST_STRING(kVTAlphaChannelMode_StraightAlpha, "StraightAlpha");
VT_DEFINE_CONST_STRING(kVTAlphaChannelMode_PremultipliedAlpha, "PremultipliedAlpha");
VT_DEFINE_CONST_STRING(kVTVideoEncoderSpecification_EnableHardwareAcceleratedVideoEncoder, "EnableHardwareAcceleratedVideoEncoder");
VT_DEFINE_CONST_STRING(kVTVideoEncoderSpecification_RequireHardwareAcceleratedVideoEncoder, "RequireHardwareAcceleratedVideoEncoder");
VT_DEFINE_CONST_STRING(kVTVideoEncoderSpecification_RequiredEncoderGPURegistryID, "RequiredEncoderGPURegistryID");
VT_DEFINE_CONST_STRING(kVTVideoEncoderSpecification_PreferredEncoderGPURegistryID, "PreferredEncoderGPURegistryID");
VT_DEFINE_CONST_STRING(kVTVideoEncoderSpecification_EnableLowLatencyRateControl, "EnableLowLatencyRateControl");
VT_DEFINE_CONST_STRING(kVTEncodeFrameOptionKey_ForceKeyFrame, "ForceKeyFrame");
VT_DEFINE_CONST_STRING(kVTEncodeFrameOptionKey_BaseFrameQP, "BaseFrameQP");
VT_DEFINE_CONST_STRING(kVTEncodeFrameOptionKey_AcknowledgedLTRTokens, "AcknowledgedLTRTokens");
VT_DEFINE_CONST_STRING(kVTEncodeFrameOptionKey_ForceLTRRefresh, "ForceLTRRefresh");
VT_DEFINE_CONST_STRING(kVTSampleAttachmentKey_RequireLTRAcknowledgementToken, "RequireLTRAcknowledgementToken");
VT_DEFINE_CONST_STRING(kVTSampleAttachmentKey_QualityMetrics, "QualityMetrics");
VT_DEFINE_CONST_STRING(kVTSampleAttachmentQualityMetricsKey_LumaMeanSquaredError, "LumaMeanSquaredError");
VT_DEFINE_CONST_STRING(kVTSampleAttachmentQualityMetricsKey_ChromaBlueMeanSquaredError, "ChromaBlueMeanSquaredError");
VT_DEFINE_CONST_STRING(kVTSampleAttachmentQualityMetricsKey_ChromaRedMeanSquaredError, "ChromaRedMeanSquaredError");

/* ---- VTVideoEncoderList.h ---- */

VT_DEFINE_CONST_STRING(kVTVideoEncoderListOption_IncludeStandardDefinitionDVEncoders, "IncludeStandardDefinitionDVEncoders");
VT_DEFINE_CONST_STRING(kVTVideoEncoderList_CodecType, "CodecType");
VT_DEFINE_CONST_STRING(kVTVideoEncoderList_EncoderID, "EncoderID");
VT_DEFINE_CONST_STRING(kVTVideoEncoderList_CodecName, "CodecName");
VT_DEFINE_CONST_STRING(kVTVideoEncoderList_EncoderName, "EncoderName");
VT_DEFINE_CONST_STRING(kVTVideoEncoderList_DisplayName, "DisplayName");
VT_DEFINE_CONST_STRING(kVTVideoEncoderList_GPURegistryID, "GPURegistryID");
VT_DEFINE_CONST_STRING(kVTVideoEncoderList_SupportedSelectionProperties, "SupportedSelectionProperties");
VT_DEFINE_CONST_STRING(kVTVideoEncoderList_PerformanceRating, "PerformanceRating");
VT_DEFINE_CONST_STRING(kVTVideoEncoderList_QualityRating, "QualityRating");
VT_DEFINE_CONST_STRING(kVTVideoEncoderList_InstanceLimit, "InstanceLimit");
VT_DEFINE_CONST_STRING(kVTVideoEncoderList_IsHardwareAccelerated, "IsHardwareAccelerated");
VT_DEFINE_CONST_STRING(kVTVideoEncoderList_SupportsFrameReordering, "SupportsFrameReordering");
VT_DEFINE_CONST_STRING(kVTVideoEncoderList_SupportsMultiPass, "SupportsMultiPass");

/* ---- VTPixelTransferProperties.h ---- */

VT_DEFINE_CONST_STRING(kVTPixelTransferPropertyKey_ScalingMode, "ScalingMode");
VT_DEFINE_CONST_STRING(kVTScalingMode_Normal, "Normal");
VT_DEFINE_CONST_STRING(kVTScalingMode_CropSourceToCleanAperture, "CropSourceToCleanAperture");
VT_DEFINE_CONST_STRING(kVTScalingMode_Letterbox, "Letterbox");
VT_DEFINE_CONST_STRING(kVTScalingMode_Trim, "Trim");
VT_DEFINE_CONST_STRING(kVTPixelTransferPropertyKey_DestinationCleanAperture, "DestinationCleanAperture");
VT_DEFINE_CONST_STRING(kVTPixelTransferPropertyKey_DestinationPixelAspectRatio, "DestinationPixelAspectRatio");
VT_DEFINE_CONST_STRING(kVTPixelTransferPropertyKey_DownsamplingMode, "DownsamplingMode");
VT_DEFINE_CONST_STRING(kVTDownsamplingMode_Decimate, "Decimate");
VT_DEFINE_CONST_STRING(kVTDownsamplingMode_Average, "Average");
VT_DEFINE_CONST_STRING(kVTPixelTransferPropertyKey_DestinationColorPrimaries, "DestinationColorPrimaries");
VT_DEFINE_CONST_STRING(kVTPixelTransferPropertyKey_DestinationTransferFunction, "DestinationTransferFunction");
VT_DEFINE_CONST_STRING(kVTPixelTransferPropertyKey_DestinationICCProfile, "DestinationICCProfile");
VT_DEFINE_CONST_STRING(kVTPixelTransferPropertyKey_DestinationYCbCrMatrix, "DestinationYCbCrMatrix");
VT_DEFINE_CONST_STRING(kVTPixelTransferPropertyKey_RealTime, "RealTime");

/* ---- VTPixelRotationProperties.h ---- */

VT_DEFINE_CONST_STRING(kVTPixelRotationPropertyKey_Rotation, "Rotation");
VT_DEFINE_CONST_STRING(kVTRotation_0, "Rotation0");
VT_DEFINE_CONST_STRING(kVTRotation_CW90, "RotationCW90");
VT_DEFINE_CONST_STRING(kVTRotation_180, "Rotation180");
VT_DEFINE_CONST_STRING(kVTRotation_CCW90, "RotationCCW90");
VT_DEFINE_CONST_STRING(kVTPixelRotationPropertyKey_FlipHorizontalOrientation, "FlipHorizontalOrientation");
VT_DEFINE_CONST_STRING(kVTPixelRotationPropertyKey_FlipVerticalOrientation, "FlipVerticalOrientation");

/* ---- VTMultiPassStorage.h ---- */

VT_DEFINE_CONST_STRING(kVTMultiPassStorageCreationOption_DoNotDelete, "DoNotDelete");
/* clang-format on */
