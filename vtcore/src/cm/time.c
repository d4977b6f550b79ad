/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * CMTime arithmetic. Every operation is reduced to an exact rational N/D
 * (128-bit integers) that is then expressed in a target timescale with one
 * rounding step (time_from_rational), which also implements the "halve the
 * timescale on overflow, +/-infinity at timescale 1" rule.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>

#include <CoreMedia/CMTime.h>

#include "cf/cf_internal.h"
#include "cm/cm_internal.h"

__extension__ typedef __int128 vt_i128;

#define TS_MIN_FLOAT_MULTIPLY 65536

const CMTime kCMTimeInvalid = {0, 0, 0, 0};
const CMTime kCMTimeIndefinite = {0, 0, kCMTimeFlags_Valid | kCMTimeFlags_Indefinite, 0};
const CMTime kCMTimePositiveInfinity = {0, 0, kCMTimeFlags_Valid | kCMTimeFlags_PositiveInfinity,
                                        0};
const CMTime kCMTimeNegativeInfinity = {0, 0, kCMTimeFlags_Valid | kCMTimeFlags_NegativeInfinity,
                                        0};
const CMTime kCMTimeZero = {0, 1, kCMTimeFlags_Valid, 0};

VT_DEFINE_CONST_STRING(kCMTimeValueKey, "value");
VT_DEFINE_CONST_STRING(kCMTimeScaleKey, "timescale");
VT_DEFINE_CONST_STRING(kCMTimeEpochKey, "epoch");
VT_DEFINE_CONST_STRING(kCMTimeFlagsKey, "flags");

/* ---- classification ---- */

enum time_kind {
    KIND_NEG_INF = 0,
    KIND_NUMERIC = 1,
    KIND_INDEFINITE = 2,
    KIND_POS_INF = 3,
    KIND_INVALID = 4,
};

static enum time_kind time_kind(CMTime t) {
    if (!(t.flags & kCMTimeFlags_Valid))
        return KIND_INVALID;
    if (t.flags & kCMTimeFlags_PositiveInfinity)
        return KIND_POS_INF;
    if (t.flags & kCMTimeFlags_NegativeInfinity)
        return KIND_NEG_INF;
    if (t.flags & kCMTimeFlags_Indefinite)
        return KIND_INDEFINITE;
    if (t.timescale <= 0)
        return KIND_INVALID;
    return KIND_NUMERIC;
}

Boolean vt_cm_time_is_numeric(CMTime t) {
    return time_kind(t) == KIND_NUMERIC;
}

static CMTime infinity(int negative) {
    return negative ? kCMTimeNegativeInfinity : kCMTimePositiveInfinity;
}

static int64_t i128_gcd(vt_i128 a, vt_i128 b) {
    if (a < 0)
        a = -a;
    if (b < 0)
        b = -b;
    while (b) {
        vt_i128 t = a % b;
        a = b;
        b = t;
    }
    return (int64_t)a; /* callers only pass values whose gcd fits */
}

static int fits_i64(vt_i128 v) {
    return v >= (vt_i128)INT64_MIN && v <= (vt_i128)INT64_MAX;
}

/* n / d rounded with `method` (d > 0). `growing` selects the QuickTime
 * behaviour (timescale increases: round away from zero). *inexact is set
 * when a remainder was dropped. */
static vt_i128 div_round(vt_i128 n, vt_i128 d, CMTimeRoundingMethod method, int growing,
                         int *inexact) {
    vt_i128 q = n / d, r = n % d;
    int neg = n < 0;
    if (r == 0)
        return q;
    *inexact = 1;
    switch (method) {
    case kCMTimeRoundingMethod_RoundTowardZero:
        return q;
    case kCMTimeRoundingMethod_RoundAwayFromZero:
        return neg ? q - 1 : q + 1;
    case kCMTimeRoundingMethod_QuickTime:
        if (growing)
            return neg ? q - 1 : q + 1;
        if (neg && q == 0)
            return -1; /* never round a negative time to zero */
        return q;
    case kCMTimeRoundingMethod_RoundTowardPositiveInfinity:
        return neg ? q : q + 1;
    case kCMTimeRoundingMethod_RoundTowardNegativeInfinity:
        return neg ? q - 1 : q;
    case kCMTimeRoundingMethod_RoundHalfAwayFromZero:
    default: {
        vt_i128 twice = r < 0 ? -2 * r : 2 * r;
        if (twice >= d)
            return neg ? q - 1 : q + 1;
        return q;
    }
    }
}

/* Expresses the exact value num/den seconds (den > 0, |num| < 2^96,
 * den < 2^64) in `timescale` (1..kCMTimeMaxTimescale) with default rounding,
 * halving the timescale while the value overflows. */
static CMTime time_from_rational(vt_i128 num, vt_i128 den, int32_t timescale, int64_t epoch,
                                 uint32_t sticky_flags) {
    int32_t ts = timescale;
    for (;;) {
        int inexact = 0;
        vt_i128 v = div_round(num * ts, den, kCMTimeRoundingMethod_Default, 0, &inexact);
        if (fits_i64(v)) {
            CMTime t;
            t.value = (int64_t)v;
            t.timescale = ts;
            t.flags = kCMTimeFlags_Valid | (sticky_flags & kCMTimeFlags_HasBeenRounded) |
                      (inexact ? kCMTimeFlags_HasBeenRounded : 0);
            t.epoch = epoch;
            return t;
        }
        if (ts == 1)
            return infinity(num < 0);
        ts /= 2;
    }
}

/* ---- construction ---- */

CMTime CMTimeMake(int64_t value, int32_t timescale) {
    return CMTimeMakeWithEpoch(value, timescale, 0);
}

CMTime CMTimeMakeWithEpoch(int64_t value, int32_t timescale, int64_t epoch) {
    CMTime t;
    if (timescale <= 0)
        return kCMTimeInvalid;
    t.value = value;
    t.timescale = timescale;
    t.flags = kCMTimeFlags_Valid;
    t.epoch = epoch;
    return t;
}

CMTime CMTimeMakeWithSeconds(Float64 seconds, int32_t preferredTimescale) {
    int32_t ts = preferredTimescale;
    if (ts <= 0 || isnan(seconds))
        return kCMTimeInvalid;
    if (isinf(seconds))
        return infinity(seconds < 0);
    for (;;) {
        long double x = (long double)seconds * (long double)ts;
        long double r = roundl(x);
        /* 2^63 is exactly representable; anything >= it does not fit. */
        if (r < 9223372036854775808.0L && r >= -9223372036854775808.0L) {
            CMTime t;
            t.value = (int64_t)r;
            t.timescale = ts;
            t.flags = kCMTimeFlags_Valid;
            t.epoch = 0;
            if ((double)t.value / (double)ts != seconds)
                t.flags |= kCMTimeFlags_HasBeenRounded;
            return t;
        }
        if (ts == 1)
            return infinity(seconds < 0);
        ts /= 2;
    }
}

Float64 CMTimeGetSeconds(CMTime time) {
    switch (time_kind(time)) {
    case KIND_NUMERIC:
        return (Float64)time.value / (Float64)time.timescale;
    case KIND_POS_INF:
        return INFINITY;
    case KIND_NEG_INF:
        return -INFINITY;
    default:
        return NAN;
    }
}

/* ---- conversion ---- */

CMTime CMTimeConvertScale(CMTime time, int32_t newTimescale, CMTimeRoundingMethod method) {
    vt_i128 v;
    int inexact = 0;
    CMTime t;
    if (time_kind(time) != KIND_NUMERIC)
        return time;
    if (newTimescale <= 0)
        return kCMTimeInvalid;
    if (newTimescale == time.timescale)
        return time;
    v = div_round((vt_i128)time.value * newTimescale, time.timescale, method,
                  newTimescale > time.timescale, &inexact);
    if (!fits_i64(v))
        return infinity(time.value < 0);
    t.value = (int64_t)v;
    t.timescale = newTimescale;
    t.flags = kCMTimeFlags_Valid | (time.flags & kCMTimeFlags_HasBeenRounded) |
              (inexact ? kCMTimeFlags_HasBeenRounded : 0);
    t.epoch = time.epoch;
    return t;
}

/* ---- addition / subtraction ---- */

static CMTime add_sub(CMTime a, CMTime b, int subtract) {
    enum time_kind ka = time_kind(a), kb = time_kind(b);
    int a_inf, b_inf, a_neg, b_neg;
    int64_t epoch, g, lcm;
    int32_t ts;
    vt_i128 num, den;

    if (ka == KIND_INVALID || kb == KIND_INVALID)
        return kCMTimeInvalid;

    a_inf = ka == KIND_POS_INF || ka == KIND_NEG_INF;
    b_inf = kb == KIND_POS_INF || kb == KIND_NEG_INF;
    a_neg = ka == KIND_NEG_INF;
    b_neg = (kb == KIND_NEG_INF) != (subtract != 0); /* sign as it enters the sum */
    if (a_inf && b_inf)
        return a_neg == b_neg ? infinity(a_neg) : kCMTimeInvalid;
    if (a_inf)
        return infinity(a_neg);
    if (b_inf)
        return infinity(b_neg);
    if (ka == KIND_INDEFINITE || kb == KIND_INDEFINITE)
        return kCMTimeIndefinite;

    if (a.epoch != 0 && b.epoch != 0) {
        if (a.epoch != b.epoch)
            return kCMTimeInvalid;
        epoch = 0; /* two times of one epoch: the difference is a duration */
    } else {
        epoch = a.epoch ? a.epoch : b.epoch;
    }

    if (a.timescale == b.timescale) {
        ts = a.timescale;
    } else {
        g = i128_gcd(a.timescale, b.timescale);
        lcm = (int64_t)a.timescale / g * b.timescale;
        ts = lcm <= kCMTimeMaxTimescale ? (int32_t)lcm : (int32_t)kCMTimeMaxTimescale;
    }
    num = (vt_i128)a.value * b.timescale;
    if (subtract)
        num -= (vt_i128)b.value * a.timescale;
    else
        num += (vt_i128)b.value * a.timescale;
    den = (vt_i128)a.timescale * b.timescale;
    return time_from_rational(num, den, ts, epoch, a.flags | b.flags);
}

CMTime CMTimeAdd(CMTime lhs, CMTime rhs) {
    return add_sub(lhs, rhs, 0);
}

CMTime CMTimeSubtract(CMTime lhs, CMTime rhs) {
    return add_sub(lhs, rhs, 1);
}

/* ---- multiplication ---- */

CMTime CMTimeMultiply(CMTime time, int32_t multiplier) {
    switch (time_kind(time)) {
    case KIND_NUMERIC:
        break;
    case KIND_POS_INF:
        return infinity(multiplier < 0);
    case KIND_NEG_INF:
        return infinity(multiplier >= 0);
    case KIND_INDEFINITE:
        return kCMTimeIndefinite;
    default:
        return kCMTimeInvalid;
    }
    return time_from_rational((vt_i128)time.value * multiplier, time.timescale, time.timescale,
                              time.epoch, time.flags);
}

CMTime CMTimeMultiplyByFloat64(CMTime time, Float64 multiplier) {
    int64_t ts;
    if (isnan(multiplier))
        return kCMTimeInvalid;
    switch (time_kind(time)) {
    case KIND_NUMERIC:
        break;
    case KIND_POS_INF:
        return infinity(multiplier < 0);
    case KIND_NEG_INF:
        return infinity(multiplier >= 0);
    case KIND_INDEFINITE:
        return kCMTimeIndefinite;
    default:
        return kCMTimeInvalid;
    }
    if (isinf(multiplier)) {
        if (time.value == 0)
            return kCMTimeInvalid;
        return infinity((time.value < 0) != (multiplier < 0));
    }
    ts = time.timescale;
    while (ts < TS_MIN_FLOAT_MULTIPLY && ts * 2 <= kCMTimeMaxTimescale)
        ts *= 2;
    for (;;) {
        /* ts / time.timescale is a power of two (or a halving of one), so
         * the scaling itself adds no error beyond the product's. */
        long double x = (long double)time.value * (long double)multiplier * (long double)ts /
                        (long double)time.timescale;
        long double r = roundl(x);
        if (r < 9223372036854775808.0L && r >= -9223372036854775808.0L) {
            CMTime t;
            t.value = (int64_t)r;
            t.timescale = (int32_t)ts;
            t.flags = kCMTimeFlags_Valid | (time.flags & kCMTimeFlags_HasBeenRounded) |
                      (r != x ? kCMTimeFlags_HasBeenRounded : 0);
            t.epoch = time.epoch;
            return t;
        }
        if (ts == 1)
            return infinity(x < 0);
        ts /= 2;
    }
}

CMTime CMTimeMultiplyByRatio(CMTime time, int32_t multiplier, int32_t divisor) {
    vt_i128 num, den, scaled;
    int64_t g;
    switch (time_kind(time)) {
    case KIND_NUMERIC:
        break;
    case KIND_POS_INF:
    case KIND_NEG_INF: {
        int neg = time_kind(time) == KIND_NEG_INF;
        if (multiplier < 0)
            neg = !neg;
        if (divisor < 0)
            neg = !neg;
        return infinity(neg);
    }
    case KIND_INDEFINITE:
        return kCMTimeIndefinite;
    default:
        return kCMTimeInvalid;
    }
    num = (vt_i128)time.value * multiplier;
    if (divisor == 0) {
        if (num == 0)
            return kCMTimeInvalid;
        return infinity(num < 0);
    }
    den = (vt_i128)time.timescale * divisor;
    if (den < 0) {
        num = -num;
        den = -den;
    }
    /* 1. the original timescale, if the result is exact there */
    scaled = num * time.timescale;
    if (scaled % den == 0 && fits_i64(scaled / den)) {
        CMTime t = time;
        t.value = (int64_t)(scaled / den);
        return t;
    }
    /* 2. timescale * |divisor| (the unreduced fraction) */
    if (den <= kCMTimeMaxTimescale && fits_i64(num)) {
        CMTime t = time;
        t.value = (int64_t)num;
        t.timescale = (int32_t)den;
        return t;
    }
    /* 3. the reduced fraction */
    g = i128_gcd(num, den);
    if (g > 1 && den / g <= kCMTimeMaxTimescale && fits_i64(num / g)) {
        CMTime t = time;
        t.value = (int64_t)(num / g);
        t.timescale = (int32_t)(den / g);
        return t;
    }
    /* 4. rounded in the original timescale */
    return time_from_rational(num, den, time.timescale, time.epoch, time.flags);
}

/* ---- comparison ---- */

int32_t CMTimeCompare(CMTime time1, CMTime time2) {
    enum time_kind k1 = time_kind(time1), k2 = time_kind(time2);
    vt_i128 l, r;
    if (k1 != k2)
        return k1 < k2 ? -1 : 1;
    if (k1 != KIND_NUMERIC)
        return 0;
    if (time1.epoch != time2.epoch)
        return time1.epoch < time2.epoch ? -1 : 1;
    l = (vt_i128)time1.value * time2.timescale;
    r = (vt_i128)time2.value * time1.timescale;
    return l < r ? -1 : l > r ? 1 : 0;
}

CMTime CMTimeMinimum(CMTime time1, CMTime time2) {
    return CMTimeCompare(time2, time1) < 0 ? time2 : time1;
}

CMTime CMTimeMaximum(CMTime time1, CMTime time2) {
    return CMTimeCompare(time2, time1) > 0 ? time2 : time1;
}

CMTime CMTimeAbsoluteValue(CMTime time) {
    switch (time_kind(time)) {
    case KIND_NEG_INF:
        return kCMTimePositiveInfinity;
    case KIND_NUMERIC:
        if (time.value >= 0)
            return time;
        if (time.value != INT64_MIN) {
            time.value = -time.value;
            return time;
        }
        return time_from_rational(-(vt_i128)time.value, time.timescale, time.timescale, time.epoch,
                                  time.flags);
    default:
        return time;
    }
}

/* ---- dictionaries and descriptions ---- */

CFDictionaryRef CMTimeCopyAsDictionary(CMTime time, CFAllocatorRef allocator) {
    CFMutableDictionaryRef dict;
    CFNumberRef value, scale, flags, epoch;
    int32_t flags32 = (int32_t)time.flags;
    CFDictionaryRef result = NULL;

    dict = CFDictionaryCreateMutable(allocator, 4, &kCFTypeDictionaryKeyCallBacks,
                                     &kCFTypeDictionaryValueCallBacks);
    value = CFNumberCreate(allocator, kCFNumberSInt64Type, &time.value);
    scale = CFNumberCreate(allocator, kCFNumberSInt32Type, &time.timescale);
    flags = CFNumberCreate(allocator, kCFNumberSInt32Type, &flags32);
    epoch = CFNumberCreate(allocator, kCFNumberSInt64Type, &time.epoch);
    if (dict && value && scale && flags && epoch) {
        CFDictionarySetValue(dict, kCMTimeValueKey, value);
        CFDictionarySetValue(dict, kCMTimeScaleKey, scale);
        CFDictionarySetValue(dict, kCMTimeFlagsKey, flags);
        CFDictionarySetValue(dict, kCMTimeEpochKey, epoch);
        if (CFDictionaryGetCount(dict) == 4) {
            result = dict;
            dict = NULL;
        }
    }
    if (dict)
        CFRelease(dict);
    if (value)
        CFRelease(value);
    if (scale)
        CFRelease(scale);
    if (flags)
        CFRelease(flags);
    if (epoch)
        CFRelease(epoch);
    return result;
}

static Boolean dict_number(CFDictionaryRef dict, CFStringRef key, CFNumberType type, void *out) {
    CFTypeRef v = vt_cf_dict_get(dict, key);
    if (!v || CFGetTypeID(v) != CFNumberGetTypeID())
        return FALSE;
    CFNumberGetValue((CFNumberRef)v, type, out);
    return TRUE;
}

CMTime CMTimeMakeFromDictionary(CFDictionaryRef dictionaryRepresentation) {
    CMTime t = kCMTimeInvalid;
    int32_t flags = 0;
    int64_t epoch = 0;
    if (!dictionaryRepresentation ||
        CFGetTypeID(dictionaryRepresentation) != CFDictionaryGetTypeID())
        return kCMTimeInvalid;
    if (!dict_number(dictionaryRepresentation, kCMTimeValueKey, kCFNumberSInt64Type, &t.value) ||
        !dict_number(dictionaryRepresentation, kCMTimeScaleKey, kCFNumberSInt32Type,
                     &t.timescale) ||
        !dict_number(dictionaryRepresentation, kCMTimeFlagsKey, kCFNumberSInt32Type, &flags))
        return kCMTimeInvalid;
    if (!(flags & kCMTimeFlags_Valid))
        return kCMTimeInvalid;
    dict_number(dictionaryRepresentation, kCMTimeEpochKey, kCFNumberSInt64Type, &epoch);
    t.flags = (CMTimeFlags)flags;
    t.epoch = epoch;
    return t;
}

void vt_cm_time_format(CMTime time, char *buf, size_t size) {
    switch (time_kind(time)) {
    case KIND_INVALID:
        snprintf(buf, size, "{INVALID}");
        return;
    case KIND_POS_INF:
        snprintf(buf, size, "{+INFINITY}");
        return;
    case KIND_NEG_INF:
        snprintf(buf, size, "{-INFINITY}");
        return;
    case KIND_INDEFINITE:
        snprintf(buf, size, "{INDEFINITE}");
        return;
    case KIND_NUMERIC:
        break;
    }
    if (time.epoch)
        snprintf(buf, size, "{%lld/%d = %.3f%s, epoch = %lld}", (long long)time.value,
                 (int)time.timescale, CMTimeGetSeconds(time),
                 (time.flags & kCMTimeFlags_HasBeenRounded) ? ", rounded" : "",
                 (long long)time.epoch);
    else
        snprintf(buf, size, "{%lld/%d = %.3f%s}", (long long)time.value, (int)time.timescale,
                 CMTimeGetSeconds(time),
                 (time.flags & kCMTimeFlags_HasBeenRounded) ? ", rounded" : "");
}

CFStringRef CMTimeCopyDescription(CFAllocatorRef allocator, CMTime time) {
    char buf[VT_CM_TIME_DESC_MAX];
    vt_cm_time_format(time, buf, sizeof(buf));
    return CFStringCreateWithCString(allocator, buf, kCFStringEncodingUTF8);
}

void CMTimeShow(CMTime time) {
    char buf[VT_CM_TIME_DESC_MAX];
    vt_cm_time_format(time, buf, sizeof(buf));
    printf("%s\n", buf);
}
