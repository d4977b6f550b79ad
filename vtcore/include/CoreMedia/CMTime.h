/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * CMTime: a rational time (value / timescale) with flags for the
 * non-numeric values (invalid, +/-infinity, indefinite) and an epoch.
 * Written for vtcore from the documented Apple API; names, layout and
 * numeric values follow Apple.
 *
 * Semantics shared by all functions here:
 *  - A time is numeric when it is valid, not infinite, not indefinite and
 *    has timescale > 0. A time whose Valid flag is set but whose timescale
 *    is <= 0 (only possible when built by hand) is treated as invalid.
 *  - Arithmetic is exact when the result fits; otherwise the result
 *    timescale is halved until the value fits (default rounding, the
 *    HasBeenRounded flag set); if it still overflows at timescale 1 the
 *    result is +/- infinity.
 *  - HasBeenRounded is sticky: a rounded operand gives a rounded result.
 */
#ifndef VTCORE_COREMEDIA_CMTIME_H
#define VTCORE_COREMEDIA_CMTIME_H

#include <CoreMedia/CMBase.h>

CF_EXTERN_C_BEGIN

#pragma pack(push, 4)

typedef int64_t CMTimeValue;
typedef int32_t CMTimeScale; /* must be > 0 for numeric times */
typedef int64_t CMTimeEpoch;

/* The largest timescale a CMTime can carry. */
#define kCMTimeMaxTimescale 0x7fffffffL

typedef CF_OPTIONS(uint32_t, CMTimeFlags) {
    kCMTimeFlags_Valid = 1UL << 0,
    kCMTimeFlags_HasBeenRounded = 1UL << 1,
    kCMTimeFlags_PositiveInfinity = 1UL << 2,
    kCMTimeFlags_NegativeInfinity = 1UL << 3,
    kCMTimeFlags_Indefinite = 1UL << 4,
    kCMTimeFlags_ImpliedValueFlagsMask = kCMTimeFlags_PositiveInfinity |
                                         kCMTimeFlags_NegativeInfinity | kCMTimeFlags_Indefinite,
};

/* 24 bytes: value at 0, timescale at 8, flags at 12, epoch at 16. */
typedef struct {
    CMTimeValue value;
    CMTimeScale timescale;
    CMTimeFlags flags;
    CMTimeEpoch epoch;
} CMTime;

#pragma pack(pop)

/* Rounding used when a value must be converted to another timescale. */
typedef CF_ENUM(uint32_t, CMTimeRoundingMethod) {
    kCMTimeRoundingMethod_RoundHalfAwayFromZero = 1,
    kCMTimeRoundingMethod_RoundTowardZero = 2,
    kCMTimeRoundingMethod_RoundAwayFromZero = 3,
    /* Toward zero when the new timescale is smaller than the old one, away
     * from zero when it is larger; a negative time never rounds to 0 (it
     * becomes -1/newTimescale). */
    kCMTimeRoundingMethod_QuickTime = 4,
    kCMTimeRoundingMethod_RoundTowardPositiveInfinity = 5,
    kCMTimeRoundingMethod_RoundTowardNegativeInfinity = 6,
    kCMTimeRoundingMethod_Default = kCMTimeRoundingMethod_RoundHalfAwayFromZero,
};

/* Constants. kCMTimeInvalid is all zeroes; kCMTimeZero is 0/1 (valid);
 * the infinite/indefinite constants have value 0, timescale 0. */
CM_EXPORT const CMTime kCMTimeInvalid;
CM_EXPORT const CMTime kCMTimeIndefinite;
CM_EXPORT const CMTime kCMTimePositiveInfinity;
CM_EXPORT const CMTime kCMTimeNegativeInfinity;
CM_EXPORT const CMTime kCMTimeZero;

/* Flag tests. Compare with these macros, never with the constants. */
#define CMTIME_IS_VALID(time)   ((Boolean)(((time).flags & kCMTimeFlags_Valid) != 0))
#define CMTIME_IS_INVALID(time) (!CMTIME_IS_VALID(time))
#define CMTIME_IS_POSITIVE_INFINITY(time) \
    ((Boolean)(CMTIME_IS_VALID(time) && (((time).flags & kCMTimeFlags_PositiveInfinity) != 0)))
#define CMTIME_IS_NEGATIVE_INFINITY(time) \
    ((Boolean)(CMTIME_IS_VALID(time) && (((time).flags & kCMTimeFlags_NegativeInfinity) != 0)))
#define CMTIME_IS_INDEFINITE(time) \
    ((Boolean)(CMTIME_IS_VALID(time) && (((time).flags & kCMTimeFlags_Indefinite) != 0)))
#define CMTIME_IS_NUMERIC(time)                                                              \
    ((Boolean)(((time).flags & (kCMTimeFlags_Valid | kCMTimeFlags_ImpliedValueFlagsMask)) == \
               kCMTimeFlags_Valid))
#define CMTIME_HAS_BEEN_ROUNDED(time) \
    ((Boolean)(CMTIME_IS_NUMERIC(time) && (((time).flags & kCMTimeFlags_HasBeenRounded) != 0)))
/* Older spellings. */
#define CMTIME_IS_POSITIVEINFINITY(time) CMTIME_IS_POSITIVE_INFINITY(time)
#define CMTIME_IS_NEGATIVEINFINITY(time) CMTIME_IS_NEGATIVE_INFINITY(time)

/* value/timescale, epoch 0, flags Valid. A timescale <= 0 gives
 * kCMTimeInvalid. */
CM_EXPORT CMTime CMTimeMake(int64_t value, int32_t timescale);
CM_EXPORT CMTime CMTimeMakeWithEpoch(int64_t value, int32_t timescale, int64_t epoch);

/* seconds in preferredTimescale, rounded half away from zero (HasBeenRounded
 * set when the result converted back to seconds differs). preferredTimescale
 * <= 0 or NaN seconds give kCMTimeInvalid; +/-inf seconds give +/-infinity;
 * on overflow the timescale is halved until the value fits, and the result is
 * +/-infinity if it does not fit at timescale 1. */
CM_EXPORT CMTime CMTimeMakeWithSeconds(Float64 seconds, int32_t preferredTimescale);

/* value / timescale as a double. NAN for invalid and indefinite times,
 * +INFINITY / -INFINITY for the infinities. */
CM_EXPORT Float64 CMTimeGetSeconds(CMTime time);

/* The time in newTimescale, rounded with `method` (an unknown method acts as
 * the default). Non-numeric times are returned unchanged; newTimescale <= 0
 * gives kCMTimeInvalid; a value that does not fit gives +/-infinity. */
CM_EXPORT CMTime CMTimeConvertScale(CMTime time, int32_t newTimescale, CMTimeRoundingMethod method);

/* Sum / difference. Result timescale: the common timescale if equal, else the
 * least common multiple, or kCMTimeMaxTimescale (rounded) if the LCM exceeds
 * it. Invalid operand -> invalid. +inf + -inf (and +inf - +inf, -inf - -inf)
 * -> invalid; otherwise an infinite operand gives that infinity (sign flipped
 * for the subtrahend). Indefinite with a finite -> indefinite. Different
 * non-zero epochs -> invalid; the same non-zero epoch -> epoch 0; one epoch 0
 * -> the other epoch. */
CM_EXPORT CMTime CMTimeAdd(CMTime lhs, CMTime rhs);
CM_EXPORT CMTime CMTimeSubtract(CMTime lhs, CMTime rhs);

/* time * multiplier in time's timescale (halved on overflow). Infinite times
 * stay infinite, with the sign flipped for a negative multiplier (also for
 * multiplier 0: the sign is kept). Indefinite stays indefinite. */
CM_EXPORT CMTime CMTimeMultiply(CMTime time, int32_t multiplier);

/* time * multiplier. The result timescale is time's timescale doubled until
 * it is at least 65536 (never above kCMTimeMaxTimescale), then halved on
 * overflow; default rounding. A NaN multiplier gives kCMTimeInvalid; an
 * infinite multiplier gives +/-infinity (invalid for a zero time). */
CM_EXPORT CMTime CMTimeMultiplyByFloat64(CMTime time, Float64 multiplier);

/* time * multiplier / divisor, keeping the exact rational value when it can
 * be represented (time's timescale if exact, else timescale * |divisor|, else
 * the reduced fraction), otherwise rounded to time's timescale. multiplier and
 * divisor both 0 -> invalid; divisor 0 -> +/-infinity by the sign of
 * value * multiplier (invalid if that is 0). */
CM_EXPORT CMTime CMTimeMultiplyByRatio(CMTime time, int32_t multiplier, int32_t divisor);

/* -1, 0 or 1. Total order: -infinity < numeric times < indefinite <
 * +infinity < invalid (all invalid times compare equal; so do all times of the
 * same non-numeric kind). Numeric times compare by epoch first, then by exact
 * value (no rounding involved). */
CM_EXPORT int32_t CMTimeCompare(CMTime time1, CMTime time2);

/* CMTIME_COMPARE_INLINE(t1, <=, t2) */
#define CMTIME_COMPARE_INLINE(time1, comparator, time2) \
    ((Boolean)(CMTimeCompare(time1, time2) comparator 0))

/* The lesser / greater of two times in CMTimeCompare's order (time1 on ties). */
CM_EXPORT CMTime CMTimeMinimum(CMTime time1, CMTime time2);
CM_EXPORT CMTime CMTimeMaximum(CMTime time1, CMTime time2);

/* |time|: -infinity -> +infinity; invalid, indefinite and +infinity are
 * returned unchanged. */
CM_EXPORT CMTime CMTimeAbsoluteValue(CMTime time);

/* Dictionary keys of CMTimeCopyAsDictionary (runtime strings "value",
 * "timescale", "epoch", "flags"). */
CM_EXPORT const CFStringRef kCMTimeValueKey;
CM_EXPORT const CFStringRef kCMTimeScaleKey;
CM_EXPORT const CFStringRef kCMTimeEpochKey;
CM_EXPORT const CFStringRef kCMTimeFlagsKey;

/* +1 dictionary {value: SInt64, timescale: SInt32, flags: SInt32,
 * epoch: SInt64}; NULL on allocation failure. */
CM_EXPORT CFDictionaryRef CMTimeCopyAsDictionary(CMTime time, CFAllocatorRef allocator);

/* The time stored by CMTimeCopyAsDictionary. NULL, a non-dictionary, missing
 * or mistyped value/timescale/flags keys, or flags without Valid give
 * kCMTimeInvalid (a missing epoch is 0). */
CM_EXPORT CMTime CMTimeMakeFromDictionary(CFDictionaryRef dictionaryRepresentation);

/* +1 string such as "{1/30 = 0.033}", "{INVALID}", "{+INFINITY}". */
CM_EXPORT CFStringRef CMTimeCopyDescription(CFAllocatorRef allocator, CMTime time);

/* Prints CMTimeCopyDescription's text and a newline to stdout. */
CM_EXPORT void CMTimeShow(CMTime time);

CF_EXTERN_C_END

#endif /* VTCORE_COREMEDIA_CMTIME_H */
