/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * CVPixelBuffer: an image in main memory, in one of the pixel formats below.
 *
 * Memory layout of buffers vtcore allocates (CVPixelBufferCreate, pools):
 *  - every plane starts on a 64-byte boundary (kCVPixelBufferPlaneAlignmentKey
 *    may raise this);
 *  - every row of every plane is 64-byte aligned: bytes-per-row is the
 *    minimum row size rounded up to a multiple of 64, or of the
 *    kCVPixelBufferBytesPerRowAlignmentKey value when given (which may also be
 *    smaller, e.g. 1 for tightly packed rows). A row that is already a
 *    multiple of the alignment gets no padding (1280-pixel NV12: 1280 bytes);
 *  - subsampled planes round up: a 5x3 '420v' buffer has a 3x2 CbCr plane;
 *  - planar buffers have a CVPlanarPixelBufferInfo_YCbCrPlanar or
 *    _YCbCrBiPlanar header (big-endian offsets relative to the base address,
 *    and row bytes) at CVPixelBufferGetBaseAddress; use the ...OfPlane
 *    accessors to reach the pixels. Buffers wrapping client planes
 *    (CVPixelBufferCreateWithPlanarBytes) have no such header: their base
 *    address is the client's dataPtr (or plane 0 when dataPtr is NULL).
 *
 * Locking: memory is always mapped, so the base addresses are valid without
 * a lock; Lock/Unlock are still counted so unbalanced use is reported.
 *
 * Every accessor is NULL-safe: it returns 0 / NULL / FALSE for a NULL buffer,
 * an object that is not a pixel buffer, or a plane index out of range.
 */
#ifndef VTCORE_COREVIDEO_CVPIXELBUFFER_H
#define VTCORE_COREVIDEO_CVPIXELBUFFER_H

#include <CoreVideo/CVImageBuffer.h>

CF_EXTERN_C_BEGIN

typedef CVImageBufferRef CVPixelBufferRef;

/* ---- Pixel formats (kCVPixelFormatType_*; Apple values) ----
 * Formats vtcore can allocate and convert are marked [*]; the others are
 * declared so client code compiles, and CVPixelBufferCreate returns
 * kCVReturnInvalidPixelFormat for them. */
enum {
    kCVPixelFormatType_24RGB = 0x00000018,               /* [*] R,G,B bytes */
    kCVPixelFormatType_24BGR = 0x32344247,               /* '24BG' [*] B,G,R bytes */
    kCVPixelFormatType_32ARGB = 0x00000020,              /* [*] A,R,G,B bytes */
    kCVPixelFormatType_32BGRA = 0x42475241,              /* 'BGRA' [*] */
    kCVPixelFormatType_32ABGR = 0x41424752,              /* 'ABGR' [*] */
    kCVPixelFormatType_32RGBA = 0x52474241,              /* 'RGBA' [*] */
    kCVPixelFormatType_64ARGB = 0x62363461,              /* 'b64a' */
    kCVPixelFormatType_64RGBALE = 0x6c363472,            /* 'l64r' */
    kCVPixelFormatType_64RGBAHalf = 0x52476841,          /* 'RGhA' */
    kCVPixelFormatType_ARGB2101010LEPacked = 0x6c313072, /* 'l10r' */
    kCVPixelFormatType_OneComponent8 = 0x4c303038,       /* 'L008' [*] GRAY8 */
    kCVPixelFormatType_TwoComponent8 = 0x32433038,       /* '2C08' */

    kCVPixelFormatType_422YpCbCr8 = 0x32767579,          /* '2vuy' [*] UYVY, video range */
    kCVPixelFormatType_422YpCbCr8_yuvs = 0x79757673,     /* 'yuvs' [*] YUY2, video range */
    kCVPixelFormatType_422YpCbCr8FullRange = 0x79757666, /* 'yuvf' [*] YUY2, full range */
    kCVPixelFormatType_422YpCbCr10 = 0x76323130,         /* 'v210' */
    kCVPixelFormatType_422YpCbCr16 = 0x76323136,         /* 'v216' */
    kCVPixelFormatType_444YpCbCr8 = 0x76333038,          /* 'v308' */
    kCVPixelFormatType_4444YpCbCrA8 = 0x76343038,        /* 'v408' */
    kCVPixelFormatType_4444AYpCbCr8 = 0x79343038,        /* 'y408' */
    kCVPixelFormatType_4444AYpCbCr16 = 0x79343136,       /* 'y416' */
    kCVPixelFormatType_444YpCbCr10 = 0x76343130,         /* 'v410' */

    kCVPixelFormatType_420YpCbCr8Planar = 0x79343230,             /* 'y420' [*] I420 */
    kCVPixelFormatType_420YpCbCr8PlanarFullRange = 0x66343230,    /* 'f420' [*] I420 full */
    kCVPixelFormatType_420YpCbCr8BiPlanarVideoRange = 0x34323076, /* '420v' [*] NV12 */
    kCVPixelFormatType_420YpCbCr8BiPlanarFullRange = 0x34323066,  /* '420f' [*] NV12 full */
    kCVPixelFormatType_422YpCbCr8BiPlanarVideoRange = 0x34323276, /* '422v' [*] NV16 */
    kCVPixelFormatType_422YpCbCr8BiPlanarFullRange = 0x34323266,  /* '422f' [*] NV16 full */
    kCVPixelFormatType_444YpCbCr8BiPlanarVideoRange = 0x34343476, /* '444v' [*] NV24 */
    kCVPixelFormatType_444YpCbCr8BiPlanarFullRange = 0x34343466,  /* '444f' [*] NV24 full */
    /* 10 bits in the high bits of little-endian 16-bit words (P010 layout). */
    kCVPixelFormatType_420YpCbCr10BiPlanarVideoRange = 0x78343230,    /* 'x420' [*] P010 */
    kCVPixelFormatType_420YpCbCr10BiPlanarFullRange = 0x78663230,     /* 'xf20' [*] P010 full */
    kCVPixelFormatType_422YpCbCr10BiPlanarVideoRange = 0x78343232,    /* 'x422' */
    kCVPixelFormatType_422YpCbCr10BiPlanarFullRange = 0x78663232,     /* 'xf22' */
    kCVPixelFormatType_444YpCbCr10BiPlanarVideoRange = 0x78343434,    /* 'x444' */
    kCVPixelFormatType_444YpCbCr10BiPlanarFullRange = 0x78663434,     /* 'xf44' */
    kCVPixelFormatType_422YpCbCr16BiPlanarVideoRange = 0x73763232,    /* 'sv22' */
    kCVPixelFormatType_444YpCbCr16BiPlanarVideoRange = 0x73763434,    /* 'sv44' */
    kCVPixelFormatType_420YpCbCr8VideoRange_8A_TriPlanar = 0x76306138 /* 'v0a8' */
};

/* ---- vtcore extensions: planar layouts Apple has no fourcc for ----
 * These values are vtcore's own. Apple's CoreVideo does not know them, so
 * they must not be written to files or sent to other systems. They follow
 * the pattern of Apple's 'y420'/'f420' (lower-case planar tags; 'f' = full
 * range) and do not collide with any kCVPixelFormatType_* value. All are
 * 8-bit with separate planes in the order named. */
enum {
    /* I422 (GStreamer Y42B): Y, Cb, Cr; chroma half width, full height. */
    kVTCorePixelFormatType_422YpCbCr8Planar = 0x79343232,          /* 'y422' */
    kVTCorePixelFormatType_422YpCbCr8PlanarFullRange = 0x66343232, /* 'f422' */
    /* I444 (GStreamer Y444): Y, Cb, Cr; chroma full size. */
    kVTCorePixelFormatType_444YpCbCr8Planar = 0x79343434,          /* 'y444' */
    kVTCorePixelFormatType_444YpCbCr8PlanarFullRange = 0x66343434, /* 'f444' */
    /* YV12: Y, Cr, Cb (chroma planes swapped relative to I420). */
    kVTCorePixelFormatType_420YpCbCr8PlanarYV12 = 0x79763132,          /* 'yv12' */
    kVTCorePixelFormatType_420YpCbCr8PlanarYV12FullRange = 0x66763132, /* 'fv12' */
    /* NV21: Y, then interleaved Cr,Cb (NV12 with the chroma order swapped). */
    kVTCorePixelFormatType_420YpCbCr8BiPlanarNV21VideoRange = 0x6e763231, /* 'nv21' */
    kVTCorePixelFormatType_420YpCbCr8BiPlanarNV21FullRange = 0x6e663231   /* 'nf21' */
};

/* ---- Locking ---- */
typedef CF_OPTIONS(CVOptionFlags, CVPixelBufferLockFlags) {
    kCVPixelBufferLock_ReadOnly = 0x00000001,
};

/* ---- Planar header at the base address of a vtcore-allocated planar buffer ----
 * offset: big-endian byte offset of the plane's first pixel from the base
 * address; rowBytes: big-endian bytes per row. */
struct CVPlanarComponentInfo {
    int32_t offset;
    uint32_t rowBytes;
};
typedef struct CVPlanarComponentInfo CVPlanarComponentInfo;

struct CVPlanarPixelBufferInfo {
    CVPlanarComponentInfo componentInfo[1];
};
typedef struct CVPlanarPixelBufferInfo CVPlanarPixelBufferInfo;

/* Three planes ('y420', 'f420' and the vtcore planar extensions). */
struct CVPlanarPixelBufferInfo_YCbCrPlanar {
    CVPlanarComponentInfo componentInfoY;
    CVPlanarComponentInfo componentInfoCb;
    CVPlanarComponentInfo componentInfoCr;
};
typedef struct CVPlanarPixelBufferInfo_YCbCrPlanar CVPlanarPixelBufferInfo_YCbCrPlanar;

/* Two planes ('420v', '420f', '422v', 'x420', 'nv21', ...). */
struct CVPlanarPixelBufferInfo_YCbCrBiPlanar {
    CVPlanarComponentInfo componentInfoY;
    CVPlanarComponentInfo componentInfoCbCr;
};
typedef struct CVPlanarPixelBufferInfo_YCbCrBiPlanar CVPlanarPixelBufferInfo_YCbCrBiPlanar;

/* ---- Pixel buffer attribute keys (runtime strings as noted) ---- */
/* CFNumber (OSType) or CFArray of CFNumbers (the first known one is used). */
CV_EXPORT const CFStringRef kCVPixelBufferPixelFormatTypeKey; /* "PixelFormatType" */
CV_EXPORT const CFStringRef kCVPixelBufferMemoryAllocatorKey; /* "MemoryAllocator" (ignored) */
CV_EXPORT const CFStringRef kCVPixelBufferWidthKey;           /* "Width", CFNumber */
CV_EXPORT const CFStringRef kCVPixelBufferHeightKey;          /* "Height", CFNumber */
/* CFNumbers: pixels of padding around the image (see CVPixelBufferGetExtendedPixels). */
CV_EXPORT const CFStringRef kCVPixelBufferExtendedPixelsLeftKey;   /* "ExtendedPixelsLeft" */
CV_EXPORT const CFStringRef kCVPixelBufferExtendedPixelsTopKey;    /* "ExtendedPixelsTop" */
CV_EXPORT const CFStringRef kCVPixelBufferExtendedPixelsRightKey;  /* "ExtendedPixelsRight" */
CV_EXPORT const CFStringRef kCVPixelBufferExtendedPixelsBottomKey; /* "ExtendedPixelsBottom" */
/* CFNumber: bytes-per-row multiple (default 64). */
CV_EXPORT const CFStringRef kCVPixelBufferBytesPerRowAlignmentKey; /* "BytesPerRowAlignment" */
/* CFNumber: plane start alignment in bytes (at least 64; rounded up to a power of two). */
CV_EXPORT const CFStringRef kCVPixelBufferPlaneAlignmentKey; /* "PlaneAlignment" */
/* Compatibility requests: accepted and ignored (all vtcore buffers are plain memory). */
CV_EXPORT const CFStringRef kCVPixelBufferCGBitmapContextCompatibilityKey;
/* "CGBitmapContextCompatibility" */
CV_EXPORT const CFStringRef kCVPixelBufferCGImageCompatibilityKey;  /* "CGImageCompatibility" */
CV_EXPORT const CFStringRef kCVPixelBufferOpenGLCompatibilityKey;   /* "OpenGLCompatibility" */
CV_EXPORT const CFStringRef kCVPixelBufferOpenGLESCompatibilityKey; /* "OpenGLESCompatibility" */
CV_EXPORT const CFStringRef kCVPixelBufferOpenGLESTextureCacheCompatibilityKey;
/* "OpenGLESTextureCacheCompatibility" */
CV_EXPORT const CFStringRef kCVPixelBufferMetalCompatibilityKey; /* "MetalCompatibility" */
/* CFDictionary (clients pass an empty one); accepted and ignored. */
CV_EXPORT const CFStringRef kCVPixelBufferIOSurfacePropertiesKey; /* "IOSurfaceProperties" */
CV_EXPORT const CFStringRef kCVPixelBufferIOSurfaceOpenGLTextureCompatibilityKey;
/* "IOSurfaceOpenGLTextureCompatibility" */
CV_EXPORT const CFStringRef kCVPixelBufferIOSurfaceOpenGLFBOCompatibilityKey;
/* "IOSurfaceOpenGLFBOCompatibility" */
CV_EXPORT const CFStringRef kCVPixelBufferIOSurfaceCoreAnimationCompatibilityKey;
/* "IOSurfaceCoreAnimationCompatibility" */
CV_EXPORT const CFStringRef kCVPixelBufferIOSurfaceOpenGLESTextureCompatibilityKey;
/* "IOSurfaceOpenGLESTextureCompatibility" */
CV_EXPORT const CFStringRef kCVPixelBufferIOSurfaceOpenGLESFBOCompatibilityKey;
/* "IOSurfaceOpenGLESFBOCompatibility" */

/* ---- Functions ---- */

/* The CFTypeID of every CVBuffer / CVImageBuffer / CVPixelBuffer. */
CV_EXPORT CFTypeID CVPixelBufferGetTypeID(void);

/* Allocates a buffer (layout: see the top of this header). Recognised
 * attributes: the extended-pixel, alignment and propagated/non-propagated
 * attachment keys; the compatibility and IOSurface keys are accepted and
 * ignored; unknown keys are ignored. On success *pixelBufferOut is +1.
 * Returns kCVReturnInvalidArgument (pixelBufferOut NULL), kCVReturnInvalidSize
 * (zero, or over 65536 pixels per side), kCVReturnInvalidPixelFormat (unknown
 * format), kCVReturnInvalidPixelBufferAttributes (an attribute has the wrong
 * CF type or a negative value), kCVReturnAllocationFailed. */
CV_EXPORT CVReturn CVPixelBufferCreate(CFAllocatorRef allocator, size_t width, size_t height,
                                       OSType pixelFormatType,
                                       CFDictionaryRef pixelBufferAttributes,
                                       CVPixelBufferRef *pixelBufferOut);

/* Called exactly once, when the buffer is destroyed (not if creation fails). */
typedef void (*CVPixelBufferReleaseBytesCallback)(void *releaseRefCon, const void *baseAddress);

/* Wraps client memory of a non-planar format (no copy). bytesPerRow must be
 * at least the format's minimum row size. The release callback (may be NULL)
 * is called exactly once with (releaseRefCon, baseAddress) when the buffer is
 * destroyed; it is NOT called when this function fails. Extended-pixel and
 * alignment attributes are ignored. Returns kCVReturnInvalidArgument (NULL
 * baseAddress/pixelBufferOut, bytesPerRow too small), kCVReturnInvalidSize,
 * kCVReturnInvalidPixelFormat (unknown or planar format),
 * kCVReturnInvalidPixelBufferAttributes, kCVReturnAllocationFailed. */
CV_EXPORT CVReturn CVPixelBufferCreateWithBytes(
    CFAllocatorRef allocator, size_t width, size_t height, OSType pixelFormatType,
    void *baseAddress, size_t bytesPerRow, CVPixelBufferReleaseBytesCallback releaseCallback,
    void *releaseRefCon, CFDictionaryRef pixelBufferAttributes, CVPixelBufferRef *pixelBufferOut);

/* Called exactly once, when the buffer is destroyed (not if creation fails),
 * with the dataPtr, dataSize, numberOfPlanes and plane addresses given to
 * CVPixelBufferCreateWithPlanarBytes. */
typedef void (*CVPixelBufferReleasePlanarBytesCallback)(void *releaseRefCon, const void *dataPtr,
                                                        size_t dataSize, size_t numberOfPlanes,
                                                        const void *planeAddresses[]);

/* Wraps client planes of a planar format (no copy). numberOfPlanes must equal
 * the format's plane count; every planeBaseAddress must be non-NULL and every
 * planeBytesPerRow at least the plane's minimum row size. planeWidth and
 * planeHeight may be NULL; the plane sizes vtcore reports always come from
 * the pixel-format table (ceil-rounded chroma). dataPtr/dataSize are opaque
 * (returned by GetBaseAddress / GetDataSize and passed to the callback).
 * Release callback semantics as for CVPixelBufferCreateWithBytes. Returns
 * kCVReturnInvalidArgument (NULL pointers, wrong plane count, rows too short),
 * kCVReturnInvalidSize, kCVReturnInvalidPixelFormat (unknown or non-planar
 * format), kCVReturnInvalidPixelBufferAttributes, kCVReturnAllocationFailed. */
CV_EXPORT CVReturn CVPixelBufferCreateWithPlanarBytes(
    CFAllocatorRef allocator, size_t width, size_t height, OSType pixelFormatType, void *dataPtr,
    size_t dataSize, size_t numberOfPlanes, void *planeBaseAddress[], size_t planeWidth[],
    size_t planeHeight[], size_t planeBytesPerRow[],
    CVPixelBufferReleasePlanarBytesCallback releaseCallback, void *releaseRefCon,
    CFDictionaryRef pixelBufferAttributes, CVPixelBufferRef *pixelBufferOut);

/* +1; returns the buffer. NULL-safe. */
CV_EXPORT CVPixelBufferRef CVPixelBufferRetain(CVPixelBufferRef texture);
/* -1. NULL-safe. */
CV_EXPORT void CVPixelBufferRelease(CVPixelBufferRef texture);

/* Counts a lock (read-only when lockFlags has kCVPixelBufferLock_ReadOnly).
 * Returns kCVReturnSuccess, or kCVReturnInvalidArgument for NULL / not a
 * pixel buffer. */
CV_EXPORT CVReturn CVPixelBufferLockBaseAddress(CVPixelBufferRef pixelBuffer,
                                                CVPixelBufferLockFlags lockFlags);
/* Releases one lock taken with the same flags. Returns kCVReturnSuccess,
 * or kCVReturnInvalidArgument for NULL / not a pixel buffer / a buffer that
 * is not locked. Unlocking with flags that differ from the lock's (read-only
 * vs read-write) is tolerated: a warning is logged, the other kind of lock is
 * released and kCVReturnSuccess returned. */
CV_EXPORT CVReturn CVPixelBufferUnlockBaseAddress(CVPixelBufferRef pixelBuffer,
                                                  CVPixelBufferLockFlags unlockFlags);

CV_EXPORT size_t CVPixelBufferGetWidth(CVPixelBufferRef pixelBuffer);
CV_EXPORT size_t CVPixelBufferGetHeight(CVPixelBufferRef pixelBuffer);
/* 0 for NULL. */
CV_EXPORT OSType CVPixelBufferGetPixelFormatType(CVPixelBufferRef pixelBuffer);
/* Non-planar: the first pixel. Planar: the planar info header (see above), or
 * the client's dataPtr for CreateWithPlanarBytes buffers. */
CV_EXPORT void *CVPixelBufferGetBaseAddress(CVPixelBufferRef pixelBuffer);
/* Non-planar: bytes per row. Planar: bytes per row of plane 0. */
CV_EXPORT size_t CVPixelBufferGetBytesPerRow(CVPixelBufferRef pixelBuffer);
/* Size in bytes of the buffer's memory (including a planar header, padding
 * and extended pixels); for wrapped memory: bytesPerRow * height, or the
 * client's dataSize (CreateWithPlanarBytes). */
CV_EXPORT size_t CVPixelBufferGetDataSize(CVPixelBufferRef pixelBuffer);
CV_EXPORT Boolean CVPixelBufferIsPlanar(CVPixelBufferRef pixelBuffer);
/* 0 for a non-planar buffer. */
CV_EXPORT size_t CVPixelBufferGetPlaneCount(CVPixelBufferRef pixelBuffer);
/* Plane accessors: 0 / NULL for a non-planar buffer or planeIndex out of range.
 * Widths and heights are in elements of the plane (CbCr of NV12 = pairs). */
CV_EXPORT size_t CVPixelBufferGetWidthOfPlane(CVPixelBufferRef pixelBuffer, size_t planeIndex);
CV_EXPORT size_t CVPixelBufferGetHeightOfPlane(CVPixelBufferRef pixelBuffer, size_t planeIndex);
CV_EXPORT void *CVPixelBufferGetBaseAddressOfPlane(CVPixelBufferRef pixelBuffer, size_t planeIndex);
CV_EXPORT size_t CVPixelBufferGetBytesPerRowOfPlane(CVPixelBufferRef pixelBuffer,
                                                    size_t planeIndex);
/* Extended (padding) pixels around the image, as requested at creation. The
 * base addresses point at the first visible pixel; extended pixels are at
 * negative offsets / beyond the width. Each out-pointer may be NULL; all are
 * set to 0 for NULL. */
CV_EXPORT void CVPixelBufferGetExtendedPixels(CVPixelBufferRef pixelBuffer,
                                              size_t *extraColumnsOnLeft,
                                              size_t *extraColumnsOnRight, size_t *extraRowsOnTop,
                                              size_t *extraRowsOnBottom);
/* Replicates the edge pixels of every plane into the extended pixels
 * (no-op without them). Returns kCVReturnSuccess, or
 * kCVReturnInvalidArgument for NULL / not a pixel buffer. */
CV_EXPORT CVReturn CVPixelBufferFillExtendedPixels(CVPixelBufferRef pixelBuffer);

/* Merges an array of attribute dictionaries into one (+1 in
 * *resolvedDictionaryOut): later dictionaries override earlier ones, key by
 * key. A NULL or empty array gives an empty dictionary. Returns
 * kCVReturnInvalidArgument (NULL out-pointer, an element that is not a
 * dictionary, a non-array), kCVReturnAllocationFailed. */
CV_EXPORT CVReturn CVPixelBufferCreateResolvedAttributesDictionary(
    CFAllocatorRef allocator, CFArrayRef attributes, CFDictionaryRef *resolvedDictionaryOut);

/* TRUE when the buffer satisfies the width, height and pixel format in
 * attributes (keys that are absent are not checked; other keys are ignored).
 * FALSE for NULL buffer. */
CV_EXPORT Boolean CVPixelBufferIsCompatibleWithAttributes(CVPixelBufferRef pixelBuffer,
                                                          CFDictionaryRef attributes);

CF_EXTERN_C_END

#endif /* VTCORE_COREVIDEO_CVPIXELBUFFER_H */
