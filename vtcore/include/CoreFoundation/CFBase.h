/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * CFBase.h: the CoreFoundation base types, export macros and the CFType
 * lifetime functions (CFRetain/CFRelease/...). Declarations written for
 * vtcore from the documented Apple API; names and values follow Apple so
 * VideoToolbox client code compiles unchanged.
 */
#ifndef VTCORE_CF_BASE_H
#define VTCORE_CF_BASE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
#define CF_EXTERN_C_BEGIN extern "C" {
#define CF_EXTERN_C_END }
#else
#define CF_EXTERN_C_BEGIN
#define CF_EXTERN_C_END
#endif

/* Every public symbol carries CF_EXPORT (or its CM/CV/VT aliases): the
 * library is built with -fvisibility=hidden. */
#if defined(_WIN32) && defined(VTCORE_BUILDING_DLL)
#define VTCORE_VISIBLE __declspec(dllexport)
#elif defined(__GNUC__) || defined(__clang__)
#define VTCORE_VISIBLE __attribute__((visibility("default")))
#else
#define VTCORE_VISIBLE
#endif

#ifdef __cplusplus
#define CF_EXPORT extern "C" VTCORE_VISIBLE
#else
#define CF_EXPORT extern VTCORE_VISIBLE
#endif

#define CF_INLINE static inline

/* Apple's CF_ENUM / CF_OPTIONS: a fixed underlying type plus an anonymous
 * enum of its values (the portable C99 expansion). */
#define CF_ENUM(_type, _name)                                                                      \
    _type _name;                                                                                   \
    enum
#define CF_OPTIONS(_type, _name)                                                                   \
    _type _name;                                                                                   \
    enum

#ifndef CF_RETURNS_RETAINED
#define CF_RETURNS_RETAINED
#endif
#ifndef CF_RETURNS_NOT_RETAINED
#define CF_RETURNS_NOT_RETAINED
#endif
#ifndef CF_NONNULL
#define CF_NONNULL
#endif
#ifndef CF_NULLABLE
#define CF_NULLABLE
#endif

CF_EXTERN_C_BEGIN

/* MacTypes */
typedef unsigned char Boolean;
typedef uint8_t UInt8;
typedef int8_t SInt8;
typedef uint16_t UInt16;
typedef int16_t SInt16;
typedef uint32_t UInt32;
typedef int32_t SInt32;
typedef uint64_t UInt64;
typedef int64_t SInt64;
typedef float Float32;
typedef double Float64;
typedef SInt32 OSStatus;
typedef UInt32 FourCharCode;
typedef FourCharCode OSType;
typedef UInt16 UniChar;

#ifndef TRUE
#define TRUE 1
#endif
#ifndef FALSE
#define FALSE 0
#endif

enum { noErr = 0 };

/* CoreFoundation scalars */
typedef unsigned long CFTypeID;
typedef unsigned long CFOptionFlags;
typedef unsigned long CFHashCode;
typedef signed long CFIndex;

typedef struct {
    CFIndex location;
    CFIndex length;
} CFRange;

CF_INLINE CFRange CFRangeMake(CFIndex loc, CFIndex len) {
    CFRange r;
    r.location = loc;
    r.length = len;
    return r;
}

typedef CF_ENUM(CFIndex, CFComparisonResult){
    kCFCompareLessThan = -1,
    kCFCompareEqualTo = 0,
    kCFCompareGreaterThan = 1,
};

enum { kCFNotFound = -1 };

/* Opaque object references. Every one of them is a CFType. */
typedef const void *CFTypeRef;
typedef const struct __CFString *CFStringRef;
typedef struct __CFString *CFMutableStringRef;
typedef const struct __CFAllocator *CFAllocatorRef;
typedef CFTypeRef CFPropertyListRef;

/* Allocators. vtcore has one allocation path; these exist so Apple code
 * that passes them compiles and behaves. kCFAllocatorDefault is NULL. */
#define kCFAllocatorDefault ((CFAllocatorRef)NULL)
CF_EXPORT const CFAllocatorRef kCFAllocatorSystemDefault;
CF_EXPORT const CFAllocatorRef kCFAllocatorMalloc;
CF_EXPORT const CFAllocatorRef kCFAllocatorNull;
CF_EXPORT const CFAllocatorRef kCFAllocatorUseContext;
CF_EXPORT CFTypeID CFAllocatorGetTypeID(void);
CF_EXPORT CFAllocatorRef CFAllocatorGetDefault(void);

/* Lifetime. Retain counts are atomic; retain/release are thread-safe.
 * CFRetain(NULL) and CFRelease(NULL) are programming errors on Apple; vtcore
 * logs them and returns without crashing. Constant objects (CFSTR strings,
 * exported keys, kCFBooleanTrue/False) are immortal. */
CF_EXPORT CFTypeRef CFRetain(CFTypeRef cf);
CF_EXPORT void CFRelease(CFTypeRef cf);
CF_EXPORT CFTypeRef CFAutorelease(CFTypeRef cf);
CF_EXPORT CFIndex CFGetRetainCount(CFTypeRef cf);
CF_EXPORT CFTypeID CFGetTypeID(CFTypeRef cf);
CF_EXPORT Boolean CFEqual(CFTypeRef cf1, CFTypeRef cf2);
CF_EXPORT CFHashCode CFHash(CFTypeRef cf);
/* Returns a +1 CFString describing the object (for logs and tests). */
CF_EXPORT CFStringRef CFCopyDescription(CFTypeRef cf);
CF_EXPORT CFStringRef CFCopyTypeIDDescription(CFTypeID type_id);
CF_EXPORT CFAllocatorRef CFGetAllocator(CFTypeRef cf);

/* CFNull: one immortal singleton standing for "no value" in collections. */
typedef const struct __CFNull *CFNullRef;
CF_EXPORT const CFNullRef kCFNull;
CF_EXPORT CFTypeID CFNullGetTypeID(void);

/* Byte order helpers (inline). */
CF_INLINE uint16_t CFSwapInt16(uint16_t v) {
    return (uint16_t)((v << 8) | (v >> 8));
}
CF_INLINE uint32_t CFSwapInt32(uint32_t v) {
    return ((v & 0xffu) << 24) | ((v & 0xff00u) << 8) | ((v >> 8) & 0xff00u) | (v >> 24);
}
CF_INLINE uint64_t CFSwapInt64(uint64_t v) {
    return ((uint64_t)CFSwapInt32((uint32_t)v) << 32) | CFSwapInt32((uint32_t)(v >> 32));
}
#if defined(__BYTE_ORDER__) && (__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__)
#define VTCORE_HOST_IS_BIG 1
#else
#define VTCORE_HOST_IS_BIG 0
#endif
CF_INLINE uint16_t CFSwapInt16BigToHost(uint16_t v) {
    return VTCORE_HOST_IS_BIG ? v : CFSwapInt16(v);
}
CF_INLINE uint32_t CFSwapInt32BigToHost(uint32_t v) {
    return VTCORE_HOST_IS_BIG ? v : CFSwapInt32(v);
}
CF_INLINE uint64_t CFSwapInt64BigToHost(uint64_t v) {
    return VTCORE_HOST_IS_BIG ? v : CFSwapInt64(v);
}
CF_INLINE uint16_t CFSwapInt16HostToBig(uint16_t v) {
    return VTCORE_HOST_IS_BIG ? v : CFSwapInt16(v);
}
CF_INLINE uint32_t CFSwapInt32HostToBig(uint32_t v) {
    return VTCORE_HOST_IS_BIG ? v : CFSwapInt32(v);
}
CF_INLINE uint64_t CFSwapInt64HostToBig(uint64_t v) {
    return VTCORE_HOST_IS_BIG ? v : CFSwapInt64(v);
}
CF_INLINE uint16_t CFSwapInt16LittleToHost(uint16_t v) {
    return VTCORE_HOST_IS_BIG ? CFSwapInt16(v) : v;
}
CF_INLINE uint32_t CFSwapInt32LittleToHost(uint32_t v) {
    return VTCORE_HOST_IS_BIG ? CFSwapInt32(v) : v;
}
CF_INLINE uint16_t CFSwapInt16HostToLittle(uint16_t v) {
    return VTCORE_HOST_IS_BIG ? CFSwapInt16(v) : v;
}
CF_INLINE uint32_t CFSwapInt32HostToLittle(uint32_t v) {
    return VTCORE_HOST_IS_BIG ? CFSwapInt32(v) : v;
}

CF_EXTERN_C_END

#endif /* VTCORE_CF_BASE_H */
