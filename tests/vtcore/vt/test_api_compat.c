/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A program written the way a macOS VideoToolbox client is written: it
 * includes only <VideoToolbox/VideoToolbox.h> and links the public shared
 * library. It proves the umbrella header is self-sufficient and that every
 * VideoToolbox function and many constants are exported, and runs the calls
 * real clients make in the order they make them (ttLibC / OBS / FFmpeg
 * style). While no encoder exists the session part accepts
 * kVTCouldNotFindVideoEncoderErr; extend it as sessions land.
 */
#include <VideoToolbox/VideoToolbox.h>

#include <stdio.h>
#include <string.h>

static int failures;
static int checks;

#define EXPECT(cond)                                                           \
    do {                                                                       \
        checks++;                                                              \
        if (!(cond)) {                                                         \
            failures++;                                                        \
            fprintf(stderr, "%s:%d: failed: %s\n", __FILE__, __LINE__, #cond); \
        }                                                                      \
    } while (0)

/* Every VideoToolbox function: referencing them forces the linker to find
 * each one exported from libvtcore. */
typedef void (*AnyFunction)(void);
#define FN(f) ((AnyFunction)(f))
static const AnyFunction all_functions[] = {
    FN(VTSessionSetProperty),
    FN(VTSessionCopyProperty),
    FN(VTSessionSetProperties),
    FN(VTSessionCopySupportedPropertyDictionary),
    FN(VTSessionCopySerializableProperties),
    FN(VTCompressionSessionCreate),
    FN(VTCompressionSessionInvalidate),
    FN(VTCompressionSessionGetTypeID),
    FN(VTCompressionSessionGetPixelBufferPool),
    FN(VTCompressionSessionPrepareToEncodeFrames),
    FN(VTCompressionSessionEncodeFrame),
    FN(VTCompressionSessionCompleteFrames),
    FN(VTIsStereoMVHEVCEncodeSupported),
    FN(VTCompressionSessionEncodeMultiImageFrame),
    FN(VTCompressionSessionBeginPass),
    FN(VTCompressionSessionEndPass),
    FN(VTCompressionSessionGetTimeRangesForNextPass),
    FN(VTMultiPassStorageGetTypeID),
    FN(VTMultiPassStorageCreate),
    FN(VTMultiPassStorageClose),
    FN(VTFrameSiloGetTypeID),
    FN(VTFrameSiloCreate),
    FN(VTFrameSiloAddSampleBuffer),
    FN(VTFrameSiloSetTimeRangesForNextPass),
    FN(VTFrameSiloGetProgressOfCurrentPass),
    FN(VTFrameSiloCallFunctionForEachSampleBuffer),
    FN(VTCopyVideoEncoderList),
    FN(VTCopySupportedPropertyDictionaryForEncoder),
    FN(VTPixelTransferSessionCreate),
    FN(VTPixelTransferSessionInvalidate),
    FN(VTPixelTransferSessionGetTypeID),
    FN(VTPixelTransferSessionTransferImage),
    FN(VTPixelRotationSessionCreate),
    FN(VTPixelRotationSessionInvalidate),
    FN(VTPixelRotationSessionGetTypeID),
    FN(VTPixelRotationSessionRotateImage),
    FN(VTCreateCGImageFromCVPixelBuffer),
    FN(VTRegisterProfessionalVideoWorkflowVideoEncoders),
    FN(VTRegisterProfessionalVideoWorkflowVideoDecoders),
    FN(VTRegisterSupplementalVideoDecoderIfAvailable),
    FN(VTIsHardwareDecodeSupported),
    FN(VTCopyVideoDecoderExtensionProperties),
    FN(VTCopyRAWProcessorExtensionProperties),
};

/* A sample of constants from every header family. */
static const CFStringRef *const some_constants[] = {
    &kVTPropertyTypeKey,
    &kVTPropertyType_Enumeration,
    &kVTPropertyReadWriteStatus_ReadOnly,
    &kVTPropertyShouldBeSerializedKey,
    &kVTPropertySupportedValueListKey,
    &kVTPropertyDocumentationKey,
    &kVTCompressionPropertyKey_NumberOfPendingFrames,
    &kVTCompressionPropertyKey_MaxKeyFrameInterval,
    &kVTCompressionPropertyKey_MaxKeyFrameIntervalDuration,
    &kVTCompressionPropertyKey_AllowFrameReordering,
    &kVTCompressionPropertyKey_AverageBitRate,
    &kVTCompressionPropertyKey_DataRateLimits,
    &kVTCompressionPropertyKey_Quality,
    &kVTCompressionPropertyKey_ConstantBitRate,
    &kVTCompressionPropertyKey_ProfileLevel,
    &kVTCompressionPropertyKey_H264EntropyMode,
    &kVTCompressionPropertyKey_MaxFrameDelayCount,
    &kVTCompressionPropertyKey_RealTime,
    &kVTCompressionPropertyKey_ExpectedFrameRate,
    &kVTCompressionPropertyKey_UsingHardwareAcceleratedVideoEncoder,
    &kVTCompressionPropertyKey_EncoderID,
    &kVTCompressionPropertyKey_ColorPrimaries,
    &kVTCompressionPropertyKey_MasteringDisplayColorVolume,
    &kVTCompressionPropertyKey_MultiPassStorage,
    &kVTCompressionPropertyKey_SpatialAdaptiveQPLevel,
    &kVTCompressionPropertyKey_CameraCalibrationDataLensCollection,
    &kVTCompressionPropertyCameraCalibrationKey_LensRole,
    &kVTCompressionPreset_Balanced,
    &kVTProfileLevel_H264_Baseline_AutoLevel,
    &kVTProfileLevel_H264_ConstrainedHigh_AutoLevel,
    &kVTProfileLevel_HEVC_Main10_AutoLevel,
    &kVTProfileLevel_MP4V_AdvancedSimple_L4,
    &kVTProfileLevel_H263_Profile3_Level45,
    &kVTH264EntropyMode_CAVLC,
    &kVTHDRMetadataInsertionMode_Auto,
    &kVTAlphaChannelMode_PremultipliedAlpha,
    &kVTHeroEye_Left,
    &kVTProjectionKind_Equirectangular,
    &kVTViewPackingKind_SideBySide,
    &kVTVideoEncoderSpecification_EncoderID,
    &kVTVideoEncoderSpecification_EnableHardwareAcceleratedVideoEncoder,
    &kVTVideoEncoderSpecification_RequireHardwareAcceleratedVideoEncoder,
    &kVTVideoEncoderSpecification_EnableLowLatencyRateControl,
    &kVTEncodeFrameOptionKey_ForceKeyFrame,
    &kVTEncodeFrameOptionKey_ForceLTRRefresh,
    &kVTSampleAttachmentKey_QualityMetrics,
    &kVTVideoEncoderList_CodecType,
    &kVTVideoEncoderList_EncoderID,
    &kVTVideoEncoderList_DisplayName,
    &kVTVideoEncoderList_IsHardwareAccelerated,
    &kVTVideoEncoderListOption_IncludeStandardDefinitionDVEncoders,
    &kVTPixelTransferPropertyKey_ScalingMode,
    &kVTScalingMode_Letterbox,
    &kVTPixelTransferPropertyKey_DownsamplingMode,
    &kVTDownsamplingMode_Average,
    &kVTPixelTransferPropertyKey_DestinationYCbCrMatrix,
    &kVTPixelTransferPropertyKey_RealTime,
    &kVTPixelRotationPropertyKey_Rotation,
    &kVTRotation_CW90,
    &kVTPixelRotationPropertyKey_FlipVerticalOrientation,
    &kVTMultiPassStorageCreationOption_DoNotDelete,
};

typedef struct Output {
    int frames;
    int errors;
} Output;

/* The output callback every client writes. */
static void output_callback(void *outputCallbackRefCon, void *sourceFrameRefCon, OSStatus status,
                            VTEncodeInfoFlags infoFlags, CMSampleBufferRef sampleBuffer) {
    Output *out = outputCallbackRefCon;
    (void)sourceFrameRefCon;
    if (status != noErr || (infoFlags & kVTEncodeInfo_FrameDropped) || !sampleBuffer) {
        out->errors++;
        return;
    }
    out->frames++;
}

static CFNumberRef make_sint32(int32_t v) {
    return CFNumberCreate(kCFAllocatorDefault, kCFNumberSInt32Type, &v);
}

/* ttLibC-style session setup: every setter must answer noErr or
 * kVTPropertyNotSupportedErr (the client then ignores the property). */
static void configure_like_a_client(VTCompressionSessionRef session) {
    CFNumberRef gop = make_sint32(60), fps = make_sint32(30), rate = make_sint32(1000000);
    OSStatus st;
    CFBooleanRef reordering = NULL;
    CFDictionaryRef supported = NULL;

    st = VTSessionSetProperty(session, kVTCompressionPropertyKey_MaxKeyFrameInterval, gop);
    EXPECT(st == noErr || st == kVTPropertyNotSupportedErr);
    st = VTSessionSetProperty(session, kVTCompressionPropertyKey_ExpectedFrameRate, fps);
    EXPECT(st == noErr || st == kVTPropertyNotSupportedErr);
    st = VTSessionSetProperty(session, kVTCompressionPropertyKey_AllowFrameReordering,
                              kCFBooleanFalse);
    EXPECT(st == noErr || st == kVTPropertyNotSupportedErr);
    st = VTSessionSetProperty(session, kVTCompressionPropertyKey_AverageBitRate, rate);
    EXPECT(st == noErr || st == kVTPropertyNotSupportedErr);
    st = VTSessionSetProperty(session, CFSTR("RealTime"), kCFBooleanTrue);
    EXPECT(st == noErr || st == kVTPropertyNotSupportedErr);
    st = VTSessionSetProperty(session, kVTCompressionPropertyKey_ProfileLevel,
                              kVTProfileLevel_H264_Baseline_AutoLevel);
    EXPECT(st == noErr || st == kVTPropertyNotSupportedErr);
    st = VTSessionSetProperty(session, CFSTR("NotAVideoToolboxKey"), kCFBooleanTrue);
    EXPECT(st == kVTPropertyNotSupportedErr);
    st = VTSessionCopyProperty(session, kVTCompressionPropertyKey_AllowFrameReordering,
                               kCFAllocatorDefault, &reordering);
    EXPECT(st == noErr || st == kVTPropertyNotSupportedErr);
    if (reordering)
        CFRelease(reordering);
    EXPECT(VTSessionCopySupportedPropertyDictionary(session, &supported) == noErr);
    if (supported)
        CFRelease(supported);
    CFRelease(gop);
    CFRelease(fps);
    CFRelease(rate);
}

static void test_compression_client(void) {
    VTCompressionSessionRef session = NULL;
    Output out = {0, 0};
    const void *keys[3], *values[3];
    int32_t format = (int32_t)kCVPixelFormatType_420YpCbCr8Planar, width = 320, height = 240;
    CFNumberRef n_format = CFNumberCreate(NULL, kCFNumberSInt32Type, &format);
    CFNumberRef n_width = CFNumberCreate(NULL, kCFNumberSInt32Type, &width);
    CFNumberRef n_height = CFNumberCreate(NULL, kCFNumberSInt32Type, &height);
    CFDictionaryRef attrs;
    OSStatus st;

    /* NULL-callback dictionary, as ttLibC builds it. */
    keys[0] = kCVPixelBufferPixelFormatTypeKey;
    keys[1] = kCVPixelBufferWidthKey;
    keys[2] = kCVPixelBufferHeightKey;
    values[0] = n_format;
    values[1] = n_width;
    values[2] = n_height;
    attrs = CFDictionaryCreate(kCFAllocatorDefault, keys, values, 3, NULL, NULL);
    EXPECT(attrs != NULL);

    st = VTCompressionSessionCreate(kCFAllocatorDefault, width, height, kCMVideoCodecType_H264,
                                    NULL, attrs, NULL, output_callback, &out, &session);
    EXPECT(st == noErr || st == kVTCouldNotFindVideoEncoderErr);
    if (st == noErr) {
        EXPECT(session != NULL);
        EXPECT(CFGetTypeID(session) == VTCompressionSessionGetTypeID());
        configure_like_a_client(session);
        st = VTCompressionSessionPrepareToEncodeFrames(session);
        EXPECT(st == noErr);
        EXPECT(VTCompressionSessionCompleteFrames(session, kCMTimeInvalid) == noErr);
        VTCompressionSessionInvalidate(session);
        EXPECT(VTSessionSetProperty(session, kVTCompressionPropertyKey_RealTime, kCFBooleanTrue) ==
               kVTInvalidSessionErr);
        CFRelease(session);
    } else {
        EXPECT(session == NULL);
        printf("no encoder available yet (%d): session calls not exercised\n", (int)st);
    }
    EXPECT(out.errors == 0);

    if (attrs)
        CFRelease(attrs);
    CFRelease(n_format);
    CFRelease(n_width);
    CFRelease(n_height);
}

static void test_transfer_client(void) {
    VTPixelTransferSessionRef session = NULL;
    OSStatus st = VTPixelTransferSessionCreate(kCFAllocatorDefault, &session);
    EXPECT(st == noErr || st == kVTPixelTransferNotSupportedErr);
    if (st == noErr && session) {
        st = VTSessionSetProperty(session, kVTPixelTransferPropertyKey_ScalingMode,
                                  kVTScalingMode_Letterbox);
        EXPECT(st == noErr || st == kVTPropertyNotSupportedErr);
        VTPixelTransferSessionInvalidate(session);
        CFRelease(session);
    }
}

static void test_common_calls(void) {
    CFTypeRef value = NULL;
    size_t i;
    EXPECT(VTSessionSetProperty(NULL, kVTCompressionPropertyKey_RealTime, kCFBooleanTrue) ==
           kVTParameterErr);
    EXPECT(VTSessionCopyProperty(NULL, kVTCompressionPropertyKey_RealTime, NULL, &value) ==
           kVTParameterErr);
    EXPECT(value == NULL);
    for (i = 0; i < sizeof(all_functions) / sizeof(all_functions[0]); i++)
        EXPECT(all_functions[i] != NULL);
    for (i = 0; i < sizeof(some_constants) / sizeof(some_constants[0]); i++)
        EXPECT(*some_constants[i] != NULL &&
               CFGetTypeID(*some_constants[i]) == CFStringGetTypeID());
    EXPECT(CFEqual(kVTCompressionPropertyKey_AverageBitRate, CFSTR("AverageBitRate")));
    EXPECT(kVTUnlimitedFrameDelayCount == -1);
    EXPECT(kVTPropertyNotSupportedErr == -12900);
    EXPECT(!VTIsHardwareDecodeSupported(kCMVideoCodecType_H264));
    VTRegisterProfessionalVideoWorkflowVideoEncoders();
}

int main(void) {
    test_common_calls();
    test_compression_client();
    test_transfer_client();
    printf("%d checks, %d failed\n", checks, failures);
    return failures ? 1 : 0;
}
