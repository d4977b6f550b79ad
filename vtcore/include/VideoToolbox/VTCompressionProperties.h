/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * VTCompressionProperties.h: the property keys of VTCompressionSession (set
 * and read with VTSessionSetProperty / VTSessionCopyProperty), their value
 * constants, the encoder specification keys, the per-frame option keys and
 * the sample attachments VideoToolbox adds to encoded samples.
 *
 * Each key's string contents is its name without the family prefix
 * (kVTCompressionPropertyKey_AverageBitRate is "AverageBitRate"), except where
 * noted, so literal keys such as CFSTR("RealTime") work too.
 *
 * Notation in the comments: RO = read-only (setting it returns
 * kVTPropertyReadOnlyErr); "optional" = an encoder may not support it
 * (kVTPropertyNotSupportedErr). Which keys a session supports is listed by
 * VTSessionCopySupportedPropertyDictionary.
 */
#ifndef VTCORE_VIDEOTOOLBOX_VTCOMPRESSIONPROPERTIES_H
#define VTCORE_VIDEOTOOLBOX_VTCOMPRESSIONPROPERTIES_H

#include <CoreFoundation/CoreFoundation.h>
#include <VideoToolbox/VTBase.h>

CF_EXTERN_C_BEGIN

/* ---- Buffers ---- */

/* RO CFNumber (int): frames submitted but not yet emitted. */
VT_EXPORT const CFStringRef kVTCompressionPropertyKey_NumberOfPendingFrames;
/* RO CFBoolean: false when the client's and the encoder's pixel buffer
 * attributes were incompatible and separate pools are used. */
VT_EXPORT const CFStringRef kVTCompressionPropertyKey_PixelBufferPoolIsShared;
/* RO CFDictionary: the encoder's preferred kCVPixelBuffer* attributes. */
VT_EXPORT const CFStringRef kVTCompressionPropertyKey_VideoEncoderPixelBufferAttributes;

/* ---- Frame dependency ---- */

/* CFNumber (int), optional: most frames between key frames; 0 (default) lets
 * the encoder decide, 1 makes every frame a key frame. */
VT_EXPORT const CFStringRef kVTCompressionPropertyKey_MaxKeyFrameInterval;
/* CFNumber (seconds), optional: longest time between key frames; 0 = none. */
VT_EXPORT const CFStringRef kVTCompressionPropertyKey_MaxKeyFrameIntervalDuration;
/* CFBoolean, optional, default true: false produces key frames only. */
VT_EXPORT const CFStringRef kVTCompressionPropertyKey_AllowTemporalCompression;
/* CFBoolean, optional, default true: false disables B-frames (decode order
 * equals display order). */
VT_EXPORT const CFStringRef kVTCompressionPropertyKey_AllowFrameReordering;
/* CFBoolean, optional: false makes every GOP independently decodable. */
VT_EXPORT const CFStringRef kVTCompressionPropertyKey_AllowOpenGOP;

/* ---- Rate control and quality ---- */

/* CFNumber (SInt32 bits/s), optional: long-term average target; 0 = encoder
 * decides. */
VT_EXPORT const CFStringRef kVTCompressionPropertyKey_AverageBitRate;
/* CFArray of CFNumber, optional: an even number of values alternating
 * [bytes, seconds, ...]; each pair is a hard limit on the data produced in
 * any window of that duration. */
VT_EXPORT const CFStringRef kVTCompressionPropertyKey_DataRateLimits;
/* CFNumber (0.0-1.0), optional: 0.25 low, 0.5 normal, 0.75 high, 1.0
 * lossless where supported. */
VT_EXPORT const CFStringRef kVTCompressionPropertyKey_Quality;
/* CFNumber (0.0-1.0), optional: quality of the alpha plane (HEVC with alpha). */
VT_EXPORT const CFStringRef kVTCompressionPropertyKey_TargetQualityForAlpha;
/* CFBoolean, optional, default false: other frames will precede this segment. */
VT_EXPORT const CFStringRef kVTCompressionPropertyKey_MoreFramesBeforeStart;
/* CFBoolean, optional, default false: other frames will follow this segment. */
VT_EXPORT const CFStringRef kVTCompressionPropertyKey_MoreFramesAfterEnd;
/* CFBoolean, optional: favour encoding speed over quality (default: encoder). */
VT_EXPORT const CFStringRef kVTCompressionPropertyKey_PrioritizeEncodingSpeedOverQuality;
/* CFNumber (bits/s), optional: constant bit rate; incompatible with
 * AverageBitRate and DataRateLimits. */
VT_EXPORT const CFStringRef kVTCompressionPropertyKey_ConstantBitRate;
/* RO CFNumber (bytes/frame): the encoder's size estimate. String contents:
 * "kVTProCodecPropertyKey_AverageBytesPerFrame". */
VT_EXPORT const CFStringRef kVTCompressionPropertyKey_EstimatedAverageBytesPerFrame;
/* CFNumber (bits/s): variable bit rate with this target. */
VT_EXPORT const CFStringRef kVTCompressionPropertyKey_VariableBitRate;
/* CFNumber (bits/s, > 0): VBV peak rate in variable bit rate mode. */
VT_EXPORT const CFStringRef kVTCompressionPropertyKey_VBVMaxBitRate;
/* CFNumber (seconds, > 0): VBV buffer duration (default 2.5). */
VT_EXPORT const CFStringRef kVTCompressionPropertyKey_VBVBufferDuration;
/* CFNumber (0-100): initial VBV delay in percent of the buffer (default 90). */
VT_EXPORT const CFStringRef kVTCompressionPropertyKey_VBVInitialDelayPercentage;
/* CFNumber (0.0-1.0): consistent-visual-quality rate control. */
VT_EXPORT const CFStringRef kVTCompressionPropertyKey_ConstantQualityFactor;
/* RO CFDictionary: kVTCompressionPreset_* -> dictionary of property values. */
VT_EXPORT const CFStringRef kVTCompressionPropertyKey_SupportedPresetDictionaries;
/* CFNumber, optional: largest QP allowed for any frame. */
VT_EXPORT const CFStringRef kVTCompressionPropertyKey_MaxAllowedFrameQP;
/* CFNumber, optional: smallest QP allowed for any frame. */
VT_EXPORT const CFStringRef kVTCompressionPropertyKey_MinAllowedFrameQP;

/* Keys of kVTCompressionPropertyKey_SupportedPresetDictionaries. */
VT_EXPORT const CFStringRef kVTCompressionPreset_Balanced;
VT_EXPORT const CFStringRef kVTCompressionPreset_HighQuality;
VT_EXPORT const CFStringRef kVTCompressionPreset_HighSpeed;
VT_EXPORT const CFStringRef kVTCompressionPreset_VideoConferencing;
VT_EXPORT const CFStringRef kVTCompressionPreset_ConsistentQuality;

/* ---- Bitstream configuration ---- */

/* CFString, optional: one of the kVTProfileLevel_* values below. */
VT_EXPORT const CFStringRef kVTCompressionPropertyKey_ProfileLevel;
/* CFNumber, optional: output bit depth (default: highest the profile allows). */
VT_EXPORT const CFStringRef kVTCompressionPropertyKey_OutputBitDepth;
/* CFString, optional: one of kVTHDRMetadataInsertionMode_*. */
VT_EXPORT const CFStringRef kVTCompressionPropertyKey_HDRMetadataInsertionMode;
/* CFString, optional: kVTH264EntropyMode_CAVLC or kVTH264EntropyMode_CABAC. */
VT_EXPORT const CFStringRef kVTCompressionPropertyKey_H264EntropyMode;
/* CFNumber (CMPixelFormatType), optional: for codecs tied to pixel depths. */
VT_EXPORT const CFStringRef kVTCompressionPropertyKey_Depth;
/* CFBoolean, optional: encode (true) or drop the source alpha channel.
 * String contents: "kVTCodecPropertyKey_PreserveAlphaChannel". */
VT_EXPORT const CFStringRef kVTCompressionPropertyKey_PreserveAlphaChannel;

/* ---- Runtime restrictions and hints ---- */

/* CFNumber, optional: most frames the encoder may hold before emitting;
 * default kVTUnlimitedFrameDelayCount. */
VT_EXPORT const CFStringRef kVTCompressionPropertyKey_MaxFrameDelayCount;
/* CFNumber (SInt32 bytes), optional: largest slice size; 0 = no limit. */
VT_EXPORT const CFStringRef kVTCompressionPropertyKey_MaxH264SliceBytes;
/* CFBoolean, optional, default unset (NULL): encoding happens in real time. */
VT_EXPORT const CFStringRef kVTCompressionPropertyKey_RealTime;
/* CFBoolean, optional, default unset (= false): favour power efficiency. */
VT_EXPORT const CFStringRef kVTCompressionPropertyKey_MaximizePowerEfficiency;
/* CFNumber, optional: exact number of frames per pass; 0 = unknown. */
VT_EXPORT const CFStringRef kVTCompressionPropertyKey_SourceFrameCount;
/* CFNumber (frames/s), optional: expected frame rate; 0 = unknown. */
VT_EXPORT const CFStringRef kVTCompressionPropertyKey_ExpectedFrameRate;
/* CFNumber (frames/s), optional: peak submit rate with RealTime true. */
VT_EXPORT const CFStringRef kVTCompressionPropertyKey_MaximumRealTimeFrameRate;
/* CFNumber (0.0-1.0), optional: fraction of frames in the base temporal layer. */
VT_EXPORT const CFStringRef kVTCompressionPropertyKey_BaseLayerFrameRateFraction;
/* CFNumber (0.0-1.0), optional: bit rate share of the base temporal layer. */
VT_EXPORT const CFStringRef kVTCompressionPropertyKey_BaseLayerBitRateFraction;
/* CFNumber (seconds), optional: expected total duration; 0 = unknown. */
VT_EXPORT const CFStringRef kVTCompressionPropertyKey_ExpectedDuration;
/* CFNumber (frames/s), optional: hierarchical coding with this base rate. */
VT_EXPORT const CFStringRef kVTCompressionPropertyKey_BaseLayerFrameRate;
/* CFNumber, optional: most reference frames used. */
VT_EXPORT const CFStringRef kVTCompressionPropertyKey_ReferenceBufferCount;
/* CFBoolean: attach kVTSampleAttachmentKey_QualityMetrics to each sample. */
VT_EXPORT const CFStringRef kVTCompressionPropertyKey_CalculateMeanSquaredError;
/* CFNumber, optional: frames the encoder may look ahead. */
VT_EXPORT const CFStringRef kVTCompressionPropertyKey_SuggestedLookAheadFrameCount;
/* CFNumber, optional: kVTQPModulationLevel_Default or _Disable. */
VT_EXPORT const CFStringRef kVTCompressionPropertyKey_SpatialAdaptiveQPLevel;

/* ---- Encoder information ---- */

/* RO CFBoolean: a hardware encoder was selected. */
VT_EXPORT const CFStringRef kVTCompressionPropertyKey_UsingHardwareAcceleratedVideoEncoder;
/* RO CFNumber: registry id of the GPU used (NULL for software encoders).
 * String contents: "UsingMetalRegistryID". */
VT_EXPORT const CFStringRef kVTCompressionPropertyKey_UsingGPURegistryID;
/* RO CFBoolean: kVTEncodeFrameOptionKey_BaseFrameQP is honoured. */
VT_EXPORT const CFStringRef kVTCompressionPropertyKey_SupportsBaseFrameQP;
/* CFString (read back): id of the selected encoder, as in
 * kVTVideoEncoderList_EncoderID. */
VT_EXPORT const CFStringRef kVTCompressionPropertyKey_EncoderID;
/* RO CFNumber: suggested number of parallel sessions. */
VT_EXPORT const CFStringRef kVTCompressionPropertyKey_RecommendedParallelizationLimit;
/* RO CFNumber (uint64): fewest frames per parallel chunk. */
VT_EXPORT const CFStringRef
    kVTCompressionPropertyKey_RecommendedParallelizedSubdivisionMinimumFrameCount;
/* RO CFDictionary (CMTime): shortest duration per parallel chunk. */
VT_EXPORT const CFStringRef
    kVTCompressionPropertyKey_RecommendedParallelizedSubdivisionMinimumDuration;

/* ---- Clean aperture, pixel aspect ratio, fields (go into the output format
 * description) ---- */

/* CFDictionary with kCMFormatDescriptionKey_CleanAperture* keys; NULL = full frame. */
VT_EXPORT const CFStringRef kVTCompressionPropertyKey_CleanAperture;
/* CFDictionary with the PixelAspectRatio{Horizontal,Vertical}Spacing keys; NULL = 1:1. */
VT_EXPORT const CFStringRef kVTCompressionPropertyKey_PixelAspectRatio;
/* CFNumber: 1 (progressive) or 2 (interlaced). */
VT_EXPORT const CFStringRef kVTCompressionPropertyKey_FieldCount;
/* CFString: one of kCMFormatDescriptionFieldDetail_*. */
VT_EXPORT const CFStringRef kVTCompressionPropertyKey_FieldDetail;
/* CFBoolean: 16:9 (DV only). */
VT_EXPORT const CFStringRef kVTCompressionPropertyKey_AspectRatio16x9;
/* CFBoolean: progressive scan (DV only). */
VT_EXPORT const CFStringRef kVTCompressionPropertyKey_ProgressiveScan;

/* ---- Colour ---- */

/* CFString: colour primaries (kCVImageBufferColorPrimaries_* values). */
VT_EXPORT const CFStringRef kVTCompressionPropertyKey_ColorPrimaries;
/* CFString: transfer function (kCVImageBufferTransferFunction_* values). */
VT_EXPORT const CFStringRef kVTCompressionPropertyKey_TransferFunction;
/* CFString: YCbCr matrix (kCVImageBufferYCbCrMatrix_* values). */
VT_EXPORT const CFStringRef kVTCompressionPropertyKey_YCbCrMatrix;
/* CFData: ICC profile. */
VT_EXPORT const CFStringRef kVTCompressionPropertyKey_ICCProfile;
/* CFData (24 bytes, big-endian): mastering display colour volume. */
VT_EXPORT const CFStringRef kVTCompressionPropertyKey_MasteringDisplayColorVolume;
/* CFData (4 bytes, big-endian): MaxCLL and MaxFALL. */
VT_EXPORT const CFStringRef kVTCompressionPropertyKey_ContentLightLevelInfo;
/* CFNumber: gamma level tag in the format description (pixels unchanged). */
VT_EXPORT const CFStringRef kVTCompressionPropertyKey_GammaLevel;
/* CFString: kVTAlphaChannelMode_StraightAlpha or _PremultipliedAlpha. */
VT_EXPORT const CFStringRef kVTCompressionPropertyKey_AlphaChannelMode;
/* CFBoolean: keep dynamic HDR metadata attached to the source buffers. */
VT_EXPORT const CFStringRef kVTCompressionPropertyKey_PreserveDynamicHDRMetadata;
/* CFString: the log transfer curve every source frame must carry. */
VT_EXPORT const CFStringRef kVTCompressionPropertyKey_LogTransferFunction;

/* ---- Pre-processing, multi-pass, long-term references ---- */

/* CFDictionary of kVTPixelTransferPropertyKey_* values used when source
 * frames are converted for the encoder. */
VT_EXPORT const CFStringRef kVTCompressionPropertyKey_PixelTransferProperties;
/* VTMultiPassStorageRef: enables multi-pass encoding (default NULL). */
VT_EXPORT const CFStringRef kVTCompressionPropertyKey_MultiPassStorage;
/* CFBoolean, optional: enable long-term reference frames. */
VT_EXPORT const CFStringRef kVTCompressionPropertyKey_EnableLTR;

/* ---- Multi-view and spatial video ---- */

VT_EXPORT const CFStringRef kVTCompressionPropertyKey_MVHEVCVideoLayerIDs; /* CFArray of CFNumber */
VT_EXPORT const CFStringRef kVTCompressionPropertyKey_MVHEVCViewIDs;       /* CFArray of CFNumber */
VT_EXPORT const CFStringRef kVTCompressionPropertyKey_MVHEVCLeftAndRightViewIDs; /* CFArray[2] */
VT_EXPORT const CFStringRef kVTCompressionPropertyKey_HeroEye;                   /* CFString */
VT_EXPORT const CFStringRef kVTCompressionPropertyKey_StereoCameraBaseline;      /* CFNumber */
VT_EXPORT const CFStringRef kVTCompressionPropertyKey_HorizontalDisparityAdjustment; /* CFNumber */
VT_EXPORT const CFStringRef kVTCompressionPropertyKey_HasLeftStereoEyeView;          /* CFBoolean */
VT_EXPORT const CFStringRef kVTCompressionPropertyKey_HasRightStereoEyeView;         /* CFBoolean */
VT_EXPORT const CFStringRef kVTCompressionPropertyKey_HorizontalFieldOfView;         /* CFNumber */
VT_EXPORT const CFStringRef kVTCompressionPropertyKey_ProjectionKind;                /* CFString */
VT_EXPORT const CFStringRef kVTCompressionPropertyKey_ViewPackingKind;               /* CFString */
/* CFArray of CFDictionary using the camera calibration keys below. */
VT_EXPORT const CFStringRef kVTCompressionPropertyKey_CameraCalibrationDataLensCollection;

/* Values of kVTCompressionPropertyKey_HeroEye (contents "Left", "Right"). */
VT_EXPORT const CFStringRef kVTHeroEye_Left;
VT_EXPORT const CFStringRef kVTHeroEye_Right;

/* Values of kVTCompressionPropertyKey_ProjectionKind. */
VT_EXPORT const CFStringRef kVTProjectionKind_Rectilinear;
VT_EXPORT const CFStringRef kVTProjectionKind_Equirectangular;
VT_EXPORT const CFStringRef kVTProjectionKind_HalfEquirectangular;
VT_EXPORT const CFStringRef kVTProjectionKind_ParametricImmersive;
VT_EXPORT const CFStringRef kVTProjectionKind_AppleImmersiveVideo;

/* Values of kVTCompressionPropertyKey_ViewPackingKind. */
VT_EXPORT const CFStringRef kVTViewPackingKind_SideBySide;
VT_EXPORT const CFStringRef kVTViewPackingKind_OverUnder;

/* Keys of the kVTCompressionPropertyKey_CameraCalibrationDataLensCollection
 * dictionaries, and their values. */
VT_EXPORT const CFStringRef kVTCompressionPropertyCameraCalibrationKey_LensAlgorithmKind;
VT_EXPORT const CFStringRef kVTCompressionPropertyCameraCalibrationKey_LensDomain;
VT_EXPORT const CFStringRef kVTCompressionPropertyCameraCalibrationKey_LensIdentifier;
VT_EXPORT const CFStringRef kVTCompressionPropertyCameraCalibrationKey_LensRole;
VT_EXPORT const CFStringRef kVTCompressionPropertyCameraCalibrationKey_LensDistortions;
VT_EXPORT const CFStringRef kVTCompressionPropertyCameraCalibrationKey_RadialAngleLimit;
VT_EXPORT const CFStringRef
    kVTCompressionPropertyCameraCalibrationKey_LensFrameAdjustmentsPolynomialX;
VT_EXPORT const CFStringRef
    kVTCompressionPropertyCameraCalibrationKey_LensFrameAdjustmentsPolynomialY;
VT_EXPORT const CFStringRef kVTCompressionPropertyCameraCalibrationKey_IntrinsicMatrix;
VT_EXPORT const CFStringRef
    kVTCompressionPropertyCameraCalibrationKey_IntrinsicMatrixProjectionOffset;
VT_EXPORT const CFStringRef
    kVTCompressionPropertyCameraCalibrationKey_IntrinsicMatrixReferenceDimensions;
VT_EXPORT const CFStringRef kVTCompressionPropertyCameraCalibrationKey_ExtrinsicOriginSource;
VT_EXPORT const CFStringRef
    kVTCompressionPropertyCameraCalibrationKey_ExtrinsicOrientationQuaternion;
VT_EXPORT const CFStringRef kVTCameraCalibrationLensAlgorithmKind_ParametricLens;
VT_EXPORT const CFStringRef kVTCameraCalibrationLensDomain_Color;
VT_EXPORT const CFStringRef kVTCameraCalibrationLensRole_Mono;
VT_EXPORT const CFStringRef kVTCameraCalibrationLensRole_Left;  /* contents "Left" */
VT_EXPORT const CFStringRef kVTCameraCalibrationLensRole_Right; /* contents "Right" */
VT_EXPORT const CFStringRef kVTCameraCalibrationExtrinsicOriginSource_StereoCameraSystemBaseline;

/* ---- Values of kVTCompressionPropertyKey_ProfileLevel ---- */

VT_EXPORT const CFStringRef kVTProfileLevel_H264_Baseline_1_3;
VT_EXPORT const CFStringRef kVTProfileLevel_H264_Baseline_3_0;
VT_EXPORT const CFStringRef kVTProfileLevel_H264_Baseline_3_1;
VT_EXPORT const CFStringRef kVTProfileLevel_H264_Baseline_3_2;
VT_EXPORT const CFStringRef kVTProfileLevel_H264_Baseline_4_0;
VT_EXPORT const CFStringRef kVTProfileLevel_H264_Baseline_4_1;
VT_EXPORT const CFStringRef kVTProfileLevel_H264_Baseline_4_2;
VT_EXPORT const CFStringRef kVTProfileLevel_H264_Baseline_5_0;
VT_EXPORT const CFStringRef kVTProfileLevel_H264_Baseline_5_1;
VT_EXPORT const CFStringRef kVTProfileLevel_H264_Baseline_5_2;
VT_EXPORT const CFStringRef kVTProfileLevel_H264_Baseline_AutoLevel;
VT_EXPORT const CFStringRef kVTProfileLevel_H264_ConstrainedBaseline_AutoLevel;
VT_EXPORT const CFStringRef kVTProfileLevel_H264_Main_3_0;
VT_EXPORT const CFStringRef kVTProfileLevel_H264_Main_3_1;
VT_EXPORT const CFStringRef kVTProfileLevel_H264_Main_3_2;
VT_EXPORT const CFStringRef kVTProfileLevel_H264_Main_4_0;
VT_EXPORT const CFStringRef kVTProfileLevel_H264_Main_4_1;
VT_EXPORT const CFStringRef kVTProfileLevel_H264_Main_4_2;
VT_EXPORT const CFStringRef kVTProfileLevel_H264_Main_5_0;
VT_EXPORT const CFStringRef kVTProfileLevel_H264_Main_5_1;
VT_EXPORT const CFStringRef kVTProfileLevel_H264_Main_5_2;
VT_EXPORT const CFStringRef kVTProfileLevel_H264_Main_AutoLevel;
VT_EXPORT const CFStringRef kVTProfileLevel_H264_Extended_5_0;
VT_EXPORT const CFStringRef kVTProfileLevel_H264_Extended_AutoLevel;
VT_EXPORT const CFStringRef kVTProfileLevel_H264_High_3_0;
VT_EXPORT const CFStringRef kVTProfileLevel_H264_High_3_1;
VT_EXPORT const CFStringRef kVTProfileLevel_H264_High_3_2;
VT_EXPORT const CFStringRef kVTProfileLevel_H264_High_4_0;
VT_EXPORT const CFStringRef kVTProfileLevel_H264_High_4_1;
VT_EXPORT const CFStringRef kVTProfileLevel_H264_High_4_2;
VT_EXPORT const CFStringRef kVTProfileLevel_H264_High_5_0;
VT_EXPORT const CFStringRef kVTProfileLevel_H264_High_5_1;
VT_EXPORT const CFStringRef kVTProfileLevel_H264_High_5_2;
VT_EXPORT const CFStringRef kVTProfileLevel_H264_High_AutoLevel;
VT_EXPORT const CFStringRef kVTProfileLevel_H264_ConstrainedHigh_AutoLevel;
VT_EXPORT const CFStringRef kVTProfileLevel_HEVC_Main_AutoLevel;
VT_EXPORT const CFStringRef kVTProfileLevel_HEVC_Main10_AutoLevel;
VT_EXPORT const CFStringRef kVTProfileLevel_HEVC_Main42210_AutoLevel;
VT_EXPORT const CFStringRef kVTProfileLevel_HEVC_Monochrome_AutoLevel;
VT_EXPORT const CFStringRef kVTProfileLevel_HEVC_Monochrome10_AutoLevel;
VT_EXPORT const CFStringRef kVTProfileLevel_MP4V_Simple_L0;
VT_EXPORT const CFStringRef kVTProfileLevel_MP4V_Simple_L1;
VT_EXPORT const CFStringRef kVTProfileLevel_MP4V_Simple_L2;
VT_EXPORT const CFStringRef kVTProfileLevel_MP4V_Simple_L3;
VT_EXPORT const CFStringRef kVTProfileLevel_MP4V_Main_L2;
VT_EXPORT const CFStringRef kVTProfileLevel_MP4V_Main_L3;
VT_EXPORT const CFStringRef kVTProfileLevel_MP4V_Main_L4;
VT_EXPORT const CFStringRef kVTProfileLevel_MP4V_AdvancedSimple_L0;
VT_EXPORT const CFStringRef kVTProfileLevel_MP4V_AdvancedSimple_L1;
VT_EXPORT const CFStringRef kVTProfileLevel_MP4V_AdvancedSimple_L2;
VT_EXPORT const CFStringRef kVTProfileLevel_MP4V_AdvancedSimple_L3;
VT_EXPORT const CFStringRef kVTProfileLevel_MP4V_AdvancedSimple_L4;
VT_EXPORT const CFStringRef kVTProfileLevel_H263_Profile0_Level10;
VT_EXPORT const CFStringRef kVTProfileLevel_H263_Profile0_Level45;
VT_EXPORT const CFStringRef kVTProfileLevel_H263_Profile3_Level45;

/* ---- Other value constants ---- */

/* Values of kVTCompressionPropertyKey_H264EntropyMode. */
VT_EXPORT const CFStringRef kVTH264EntropyMode_CAVLC;
VT_EXPORT const CFStringRef kVTH264EntropyMode_CABAC;

/* Values of kVTCompressionPropertyKey_HDRMetadataInsertionMode (contents keep
 * the "HDRMetadataInsertionMode_" prefix). */
VT_EXPORT const CFStringRef kVTHDRMetadataInsertionMode_None;
VT_EXPORT const CFStringRef kVTHDRMetadataInsertionMode_Auto;
VT_EXPORT const CFStringRef kVTHDRMetadataInsertionMode_RequestSDRRangePreservation;

/* Values of kVTCompressionPropertyKey_AlphaChannelMode. */
VT_EXPORT const CFStringRef kVTAlphaChannelMode_StraightAlpha;
VT_EXPORT const CFStringRef kVTAlphaChannelMode_PremultipliedAlpha;

/* Default of kVTCompressionPropertyKey_MaxFrameDelayCount: no limit. */
enum { kVTUnlimitedFrameDelayCount = -1 };

/* Values of kVTCompressionPropertyKey_SpatialAdaptiveQPLevel. */
enum {
    kVTQPModulationLevel_Default = -1,
    kVTQPModulationLevel_Disable = 0,
};

/* ---- Encoder specification (VTCompressionSessionCreate's
 * encoderSpecification dictionary; kVTVideoEncoderSpecification_EncoderID is
 * in VTCompressionSession.h) ---- */

/* CFBoolean: allow (true, default) or forbid (false) hardware encoders. */
VT_EXPORT const CFStringRef kVTVideoEncoderSpecification_EnableHardwareAcceleratedVideoEncoder;
/* CFBoolean: only a hardware encoder will do; creation fails otherwise. */
VT_EXPORT const CFStringRef kVTVideoEncoderSpecification_RequireHardwareAcceleratedVideoEncoder;
/* CFNumber: only a hardware encoder on this GPU. */
VT_EXPORT const CFStringRef kVTVideoEncoderSpecification_RequiredEncoderGPURegistryID;
/* CFNumber: prefer a hardware encoder on this GPU. */
VT_EXPORT const CFStringRef kVTVideoEncoderSpecification_PreferredEncoderGPURegistryID;
/* CFBoolean: select an encoder with low-latency rate control (no frame
 * reordering, no look-ahead). */
VT_EXPORT const CFStringRef kVTVideoEncoderSpecification_EnableLowLatencyRateControl;

/* ---- Per-frame options (EncodeFrame's frameProperties dictionary) ---- */

/* CFBoolean: force (true) a key frame for this frame. */
VT_EXPORT const CFStringRef kVTEncodeFrameOptionKey_ForceKeyFrame;
/* CFNumber: fixed QP for this frame (only if SupportsBaseFrameQP is true). */
VT_EXPORT const CFStringRef kVTEncodeFrameOptionKey_BaseFrameQP;
/* CFArray of CFNumber: long-term reference tokens acknowledged by the receiver. */
VT_EXPORT const CFStringRef kVTEncodeFrameOptionKey_AcknowledgedLTRTokens;
/* CFBoolean (or CFNumber): request a refresh from an acknowledged LTR frame. */
VT_EXPORT const CFStringRef kVTEncodeFrameOptionKey_ForceLTRRefresh;

/* ---- Sample attachments added to encoded samples ---- */

/* CFNumber: token of the long-term reference frame to acknowledge. */
VT_EXPORT const CFStringRef kVTSampleAttachmentKey_RequireLTRAcknowledgementToken;
/* CFDictionary with the kVTSampleAttachmentQualityMetricsKey_* keys. */
VT_EXPORT const CFStringRef kVTSampleAttachmentKey_QualityMetrics;
VT_EXPORT const CFStringRef kVTSampleAttachmentQualityMetricsKey_LumaMeanSquaredError;
VT_EXPORT const CFStringRef kVTSampleAttachmentQualityMetricsKey_ChromaBlueMeanSquaredError;
VT_EXPORT const CFStringRef kVTSampleAttachmentQualityMetricsKey_ChromaRedMeanSquaredError;

CF_EXTERN_C_END

#endif /* VTCORE_VIDEOTOOLBOX_VTCOMPRESSIONPROPERTIES_H */
