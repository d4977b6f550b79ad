/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * CMTime and CMTimeRange: construction, arithmetic with mixed timescales,
 * non-numeric operands, every rounding method, overflow, ordering,
 * dictionaries, layout.
 */
#include <math.h>
#include <stddef.h>

#include <CoreMedia/CoreMedia.h>

#include "vt_test.h"

#define CHECK_TIME(t, v, ts)                                                            \
    do {                                                                                \
        CMTime t_ = (t);                                                                \
        CHECK_MSG(CMTIME_IS_NUMERIC(t_) && t_.value == (v) && t_.timescale == (ts),     \
                  "%s = {%lld/%d flags %u}, expected %lld/%d", #t, (long long)t_.value, \
                  (int)t_.timescale, (unsigned)t_.flags, (long long)(v), (int)(ts));    \
    } while (0)

static CMTime rounded(CMTime t) {
    t.flags |= kCMTimeFlags_HasBeenRounded;
    return t;
}

static void test_layout(void) {
    CHECK_EQ_INT(sizeof(CMTime), 24);
    CHECK_EQ_INT(offsetof(CMTime, timescale), 8);
    CHECK_EQ_INT(offsetof(CMTime, flags), 12);
    CHECK_EQ_INT(offsetof(CMTime, epoch), 16);
    CHECK_EQ_INT(_Alignof(CMTime), 4);
    CHECK_EQ_INT(sizeof(CMTimeRange), 48);
    CHECK_EQ_INT(offsetof(CMTimeRange, duration), 24);
    CHECK_EQ_INT(kCMTimeFlags_ImpliedValueFlagsMask, 0x1c);
    CHECK_EQ_INT(kCMTimeMaxTimescale, 0x7fffffff);
    CHECK_EQ_INT(kCMTimeRoundingMethod_Default, kCMTimeRoundingMethod_RoundHalfAwayFromZero);
}

static void test_constants_and_macros(void) {
    CHECK(CMTIME_IS_INVALID(kCMTimeInvalid));
    CHECK(kCMTimeInvalid.value == 0 && kCMTimeInvalid.timescale == 0 && kCMTimeInvalid.flags == 0);
    CHECK(CMTIME_IS_VALID(kCMTimeZero) && CMTIME_IS_NUMERIC(kCMTimeZero));
    CHECK_EQ_INT(kCMTimeZero.timescale, 1);
    CHECK(CMTIME_IS_INDEFINITE(kCMTimeIndefinite) && !CMTIME_IS_NUMERIC(kCMTimeIndefinite));
    CHECK(CMTIME_IS_POSITIVE_INFINITY(kCMTimePositiveInfinity));
    CHECK(CMTIME_IS_POSITIVEINFINITY(kCMTimePositiveInfinity));
    CHECK(!CMTIME_IS_NEGATIVE_INFINITY(kCMTimePositiveInfinity));
    CHECK(CMTIME_IS_NEGATIVE_INFINITY(kCMTimeNegativeInfinity));
    CHECK(!CMTIME_IS_NUMERIC(kCMTimeNegativeInfinity));
    CHECK(!CMTIME_HAS_BEEN_ROUNDED(CMTimeMake(1, 2)));
    CHECK(CMTIME_HAS_BEEN_ROUNDED(rounded(CMTimeMake(1, 2))));
    /* flags without Valid are invalid whatever else is set */
    {
        CMTime t = {0, 0, kCMTimeFlags_PositiveInfinity, 0};
        CHECK(!CMTIME_IS_POSITIVE_INFINITY(t));
    }
}

static void test_make(void) {
    CMTime t = CMTimeMake(1, 30);
    CHECK_TIME(t, 1, 30);
    CHECK_EQ_INT(t.epoch, 0);
    CHECK_EQ_INT(t.flags, kCMTimeFlags_Valid);
    CHECK(CMTIME_IS_INVALID(CMTimeMake(1, 0)));
    CHECK(CMTIME_IS_INVALID(CMTimeMake(1, -30)));
    t = CMTimeMakeWithEpoch(-5, 1000, 7);
    CHECK_TIME(t, -5, 1000);
    CHECK_EQ_INT(t.epoch, 7);

    t = CMTimeMakeWithSeconds(0.5, 600);
    CHECK_TIME(t, 300, 600);
    CHECK(!CMTIME_HAS_BEEN_ROUNDED(t));
    t = CMTimeMakeWithSeconds(0.1234, 10);
    CHECK_TIME(t, 1, 10);
    CHECK(CMTIME_HAS_BEEN_ROUNDED(t));
    t = CMTimeMakeWithSeconds(-0.25, 10); /* -2.5: half away from zero */
    CHECK_TIME(t, -3, 10);
    CHECK(CMTIME_IS_INVALID(CMTimeMakeWithSeconds(NAN, 600)));
    CHECK(CMTIME_IS_INVALID(CMTimeMakeWithSeconds(1.0, 0)));
    CHECK(CMTIME_IS_POSITIVE_INFINITY(CMTimeMakeWithSeconds(INFINITY, 600)));
    CHECK(CMTIME_IS_NEGATIVE_INFINITY(CMTimeMakeWithSeconds(-INFINITY, 600)));
    CHECK(CMTIME_IS_POSITIVE_INFINITY(CMTimeMakeWithSeconds(1e300, 600)));
    CHECK(CMTIME_IS_NEGATIVE_INFINITY(CMTimeMakeWithSeconds(-1e300, 600)));
    /* 1e16 s at 1000 overflows; halved to 500 it fits exactly */
    t = CMTimeMakeWithSeconds(1e16, 1000);
    CHECK_TIME(t, 5000000000000000000LL, 500);
}

static void test_seconds(void) {
    CHECK(CMTimeGetSeconds(CMTimeMake(1, 4)) == 0.25);
    CHECK(CMTimeGetSeconds(CMTimeMake(-3, 2)) == -1.5);
    CHECK(isnan(CMTimeGetSeconds(kCMTimeInvalid)));
    CHECK(isnan(CMTimeGetSeconds(kCMTimeIndefinite)));
    CHECK(isinf(CMTimeGetSeconds(kCMTimePositiveInfinity)) &&
          CMTimeGetSeconds(kCMTimePositiveInfinity) > 0);
    CHECK(isinf(CMTimeGetSeconds(kCMTimeNegativeInfinity)) &&
          CMTimeGetSeconds(kCMTimeNegativeInfinity) < 0);
    {
        CMTime bad = {1, 0, kCMTimeFlags_Valid, 0}; /* hand-built, timescale 0 */
        CHECK(isnan(CMTimeGetSeconds(bad)));
    }
}

static void test_add_subtract(void) {
    CMTime a, b, r;
    /* 1/30 + 1/25 = 5/150 + 6/150 */
    r = CMTimeAdd(CMTimeMake(1, 30), CMTimeMake(1, 25));
    CHECK_TIME(r, 11, 150);
    CHECK(!CMTIME_HAS_BEEN_ROUNDED(r));
    r = CMTimeSubtract(CMTimeMake(1, 25), CMTimeMake(1, 30));
    CHECK_TIME(r, 1, 150);
    /* 90 kHz vs ms */
    r = CMTimeAdd(CMTimeMake(3003, 90000), CMTimeMake(33, 1000));
    CHECK_TIME(r, 3003 + 2970, 90000);
    r = CMTimeSubtract(CMTimeMake(33, 1000), CMTimeMake(3003, 90000));
    CHECK_TIME(r, 2970 - 3003, 90000);
    /* same timescale keeps it */
    CHECK_TIME(CMTimeAdd(CMTimeMake(5, 600), CMTimeMake(7, 600)), 12, 600);
    /* LCM above kCMTimeMaxTimescale: max timescale, rounded */
    r = CMTimeAdd(CMTimeMake(1, 2147483647), CMTimeMake(1, 1000));
    CHECK_TIME(r, 2147485, 2147483647);
    CHECK(CMTIME_HAS_BEEN_ROUNDED(r));
    /* overflow: timescale halved until the value fits (exact here) */
    r = CMTimeAdd(CMTimeMake(INT64_MAX, 1000), CMTimeMake(INT64_MAX, 1000));
    CHECK_TIME(r, INT64_MAX, 500);
    CHECK(!CMTIME_HAS_BEEN_ROUNDED(r));
    /* overflow at timescale 1: infinities */
    CHECK(CMTIME_IS_POSITIVE_INFINITY(CMTimeAdd(CMTimeMake(INT64_MAX, 1), CMTimeMake(1, 1))));
    CHECK(CMTIME_IS_NEGATIVE_INFINITY(CMTimeSubtract(CMTimeMake(INT64_MIN, 1), CMTimeMake(1, 1))));
    /* overflow with rounding */
    r = CMTimeAdd(CMTimeMake(INT64_MAX, 3), CMTimeMake(1, 3));
    CHECK(CMTIME_IS_NUMERIC(r) && r.timescale == 1 && CMTIME_HAS_BEEN_ROUNDED(r));
    CHECK_EQ_INT(r.value, 3074457345618258603LL); /* 2^63 / 3, rounded */
    /* rounded flag is sticky */
    CHECK(CMTIME_HAS_BEEN_ROUNDED(CMTimeAdd(rounded(CMTimeMake(1, 2)), CMTimeMake(1, 2))));
    CHECK(CMTIME_HAS_BEEN_ROUNDED(CMTimeSubtract(CMTimeMake(1, 2), rounded(CMTimeMake(1, 2)))));

    /* non-numeric operands */
    CHECK(CMTIME_IS_INVALID(CMTimeAdd(kCMTimeInvalid, CMTimeMake(1, 1))));
    CHECK(CMTIME_IS_INVALID(CMTimeAdd(CMTimeMake(1, 1), kCMTimeInvalid)));
    CHECK(CMTIME_IS_INVALID(CMTimeAdd(kCMTimePositiveInfinity, kCMTimeInvalid)));
    CHECK(CMTIME_IS_POSITIVE_INFINITY(CMTimeAdd(kCMTimePositiveInfinity, CMTimeMake(-5, 1))));
    CHECK(CMTIME_IS_NEGATIVE_INFINITY(CMTimeAdd(CMTimeMake(5, 1), kCMTimeNegativeInfinity)));
    CHECK(CMTIME_IS_POSITIVE_INFINITY(CMTimeAdd(kCMTimePositiveInfinity, kCMTimePositiveInfinity)));
    CHECK(CMTIME_IS_NEGATIVE_INFINITY(CMTimeAdd(kCMTimeNegativeInfinity, kCMTimeNegativeInfinity)));
    CHECK(CMTIME_IS_INVALID(CMTimeAdd(kCMTimePositiveInfinity, kCMTimeNegativeInfinity)));
    CHECK(CMTIME_IS_INVALID(CMTimeAdd(kCMTimeNegativeInfinity, kCMTimePositiveInfinity)));
    CHECK(CMTIME_IS_POSITIVE_INFINITY(CMTimeAdd(kCMTimePositiveInfinity, kCMTimeIndefinite)));
    CHECK(CMTIME_IS_INDEFINITE(CMTimeAdd(kCMTimeIndefinite, CMTimeMake(1, 1))));
    CHECK(CMTIME_IS_INDEFINITE(CMTimeAdd(kCMTimeIndefinite, kCMTimeIndefinite)));
    CHECK(CMTIME_IS_INVALID(CMTimeSubtract(kCMTimePositiveInfinity, kCMTimePositiveInfinity)));
    CHECK(CMTIME_IS_INVALID(CMTimeSubtract(kCMTimeNegativeInfinity, kCMTimeNegativeInfinity)));
    CHECK(CMTIME_IS_POSITIVE_INFINITY(
        CMTimeSubtract(kCMTimePositiveInfinity, kCMTimeNegativeInfinity)));
    CHECK(CMTIME_IS_NEGATIVE_INFINITY(
        CMTimeSubtract(kCMTimeNegativeInfinity, kCMTimePositiveInfinity)));
    CHECK(CMTIME_IS_NEGATIVE_INFINITY(CMTimeSubtract(CMTimeMake(1, 1), kCMTimePositiveInfinity)));
    CHECK(CMTIME_IS_POSITIVE_INFINITY(CMTimeSubtract(CMTimeMake(1, 1), kCMTimeNegativeInfinity)));
    CHECK(CMTIME_IS_INDEFINITE(CMTimeSubtract(CMTimeMake(1, 1), kCMTimeIndefinite)));
    {
        CMTime bad = {1, 0, kCMTimeFlags_Valid, 0};
        CHECK(CMTIME_IS_INVALID(CMTimeAdd(bad, CMTimeMake(1, 1))));
    }

    /* epochs */
    a = CMTimeMakeWithEpoch(1, 1, 1);
    b = CMTimeMakeWithEpoch(1, 1, 2);
    CHECK(CMTIME_IS_INVALID(CMTimeAdd(a, b)));
    r = CMTimeSubtract(CMTimeMakeWithEpoch(5, 1, 3), CMTimeMakeWithEpoch(2, 1, 3));
    CHECK_TIME(r, 3, 1);
    CHECK_EQ_INT(r.epoch, 0);
    r = CMTimeAdd(CMTimeMakeWithEpoch(5, 1, 3), CMTimeMake(2, 1));
    CHECK_TIME(r, 7, 1);
    CHECK_EQ_INT(r.epoch, 3);
    r = CMTimeAdd(CMTimeMake(2, 1), CMTimeMakeWithEpoch(5, 1, 4));
    CHECK_EQ_INT(r.epoch, 4);
}

static void test_convert_scale(void) {
    static const struct {
        int64_t value;
        int32_t from, to;
        CMTimeRoundingMethod method;
        int64_t expected;
        int rounded;
    } cases[] = {
        /* 7/10 -> 2.8/4 */
        {7, 10, 4, kCMTimeRoundingMethod_RoundHalfAwayFromZero, 3, 1},
        {7, 10, 4, kCMTimeRoundingMethod_RoundTowardZero, 2, 1},
        {7, 10, 4, kCMTimeRoundingMethod_RoundAwayFromZero, 3, 1},
        {7, 10, 4, kCMTimeRoundingMethod_QuickTime, 2, 1}, /* shrinking: toward zero */
        {7, 10, 4, kCMTimeRoundingMethod_RoundTowardPositiveInfinity, 3, 1},
        {7, 10, 4, kCMTimeRoundingMethod_RoundTowardNegativeInfinity, 2, 1},
        /* -7/10 -> -2.8/4 */
        {-7, 10, 4, kCMTimeRoundingMethod_RoundHalfAwayFromZero, -3, 1},
        {-7, 10, 4, kCMTimeRoundingMethod_RoundTowardZero, -2, 1},
        {-7, 10, 4, kCMTimeRoundingMethod_RoundAwayFromZero, -3, 1},
        {-7, 10, 4, kCMTimeRoundingMethod_QuickTime, -2, 1},
        {-7, 10, 4, kCMTimeRoundingMethod_RoundTowardPositiveInfinity, -2, 1},
        {-7, 10, 4, kCMTimeRoundingMethod_RoundTowardNegativeInfinity, -3, 1},
        /* ties */
        {5, 10, 1, kCMTimeRoundingMethod_RoundHalfAwayFromZero, 1, 1},
        {-5, 10, 1, kCMTimeRoundingMethod_RoundHalfAwayFromZero, -1, 1},
        {1, 10, 4, kCMTimeRoundingMethod_RoundHalfAwayFromZero, 0, 1}, /* 0.4 */
        /* QuickTime: a negative time never becomes 0 */
        {-1, 10, 4, kCMTimeRoundingMethod_QuickTime, -1, 1},
        {1, 10, 4, kCMTimeRoundingMethod_QuickTime, 0, 1},
        /* QuickTime growing: away from zero (1/3 -> 1.67/5) */
        {1, 3, 5, kCMTimeRoundingMethod_QuickTime, 2, 1},
        {-1, 3, 5, kCMTimeRoundingMethod_QuickTime, -2, 1},
        /* exact conversions are not rounded */
        {3003, 90000, 30000, kCMTimeRoundingMethod_RoundTowardZero, 1001, 0},
        {1, 30, 90000, kCMTimeRoundingMethod_QuickTime, 3000, 0},
        /* unknown method acts as the default */
        {7, 10, 4, (CMTimeRoundingMethod)99, 3, 1},
        {7, 10, 4, (CMTimeRoundingMethod)0, 3, 1},
    };
    size_t i;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        CMTime r = CMTimeConvertScale(CMTimeMake(cases[i].value, cases[i].from), cases[i].to,
                                      cases[i].method);
        CHECK_MSG(CMTIME_IS_NUMERIC(r) && r.value == cases[i].expected &&
                      r.timescale == cases[i].to &&
                      (CMTIME_HAS_BEEN_ROUNDED(r) != 0) == (cases[i].rounded != 0),
                  "case %zu: %lld/%d -> {%lld/%d flags %u}", i, (long long)cases[i].value,
                  (int)cases[i].from, (long long)r.value, (int)r.timescale, (unsigned)r.flags);
    }
    /* epoch and sticky rounding kept */
    {
        CMTime r = CMTimeConvertScale(rounded(CMTimeMakeWithEpoch(2, 4, 9)), 2,
                                      kCMTimeRoundingMethod_Default);
        CHECK_TIME(r, 1, 2);
        CHECK_EQ_INT(r.epoch, 9);
        CHECK(CMTIME_HAS_BEEN_ROUNDED(r));
    }
    /* same timescale: unchanged */
    CHECK_TIME(CMTimeConvertScale(CMTimeMake(7, 10), 10, kCMTimeRoundingMethod_Default), 7, 10);
    /* non-numeric unchanged, bad timescale invalid, overflow infinite */
    CHECK(CMTIME_IS_INVALID(CMTimeConvertScale(kCMTimeInvalid, 10, 1)));
    CHECK(CMTIME_IS_POSITIVE_INFINITY(CMTimeConvertScale(kCMTimePositiveInfinity, 10, 1)));
    CHECK(CMTIME_IS_INDEFINITE(CMTimeConvertScale(kCMTimeIndefinite, 10, 1)));
    CHECK(CMTIME_IS_INVALID(CMTimeConvertScale(CMTimeMake(1, 2), 0, 1)));
    CHECK(CMTIME_IS_INVALID(CMTimeConvertScale(CMTimeMake(1, 2), -5, 1)));
    CHECK(CMTIME_IS_POSITIVE_INFINITY(CMTimeConvertScale(CMTimeMake(INT64_MAX, 1), 1000, 1)));
    CHECK(CMTIME_IS_NEGATIVE_INFINITY(CMTimeConvertScale(CMTimeMake(INT64_MIN, 1), 1000, 1)));
}

static void test_multiply(void) {
    CMTime r;
    CHECK_TIME(CMTimeMultiply(CMTimeMake(1, 30), 3), 3, 30);
    CHECK_TIME(CMTimeMultiply(CMTimeMake(1, 30), -2), -2, 30);
    CHECK_TIME(CMTimeMultiply(CMTimeMake(1, 30), 0), 0, 30);
    /* 2^62 * 2 overflows; halving 30 -> 15 is exact */
    r = CMTimeMultiply(CMTimeMake(INT64_C(1) << 62, 30), 2);
    CHECK_TIME(r, INT64_C(1) << 62, 15);
    CHECK(!CMTIME_HAS_BEEN_ROUNDED(r));
    CHECK(CMTIME_IS_POSITIVE_INFINITY(CMTimeMultiply(CMTimeMake(INT64_MAX, 1), 2)));
    CHECK(CMTIME_IS_NEGATIVE_INFINITY(CMTimeMultiply(CMTimeMake(INT64_MAX, 1), -2)));
    CHECK(CMTIME_IS_NEGATIVE_INFINITY(CMTimeMultiply(kCMTimePositiveInfinity, -2)));
    CHECK(CMTIME_IS_POSITIVE_INFINITY(CMTimeMultiply(kCMTimeNegativeInfinity, -1)));
    CHECK(CMTIME_IS_POSITIVE_INFINITY(CMTimeMultiply(kCMTimePositiveInfinity, 0)));
    CHECK(CMTIME_IS_INDEFINITE(CMTimeMultiply(kCMTimeIndefinite, 3)));
    CHECK(CMTIME_IS_INVALID(CMTimeMultiply(kCMTimeInvalid, 3)));
    CHECK(CMTIME_HAS_BEEN_ROUNDED(CMTimeMultiply(rounded(CMTimeMake(1, 30)), 3)));

    /* by Float64: timescale raised to >= 65536 by doubling */
    r = CMTimeMultiplyByFloat64(CMTimeMake(1, 30), 2.0);
    CHECK_TIME(r, 8192, 122880);
    CHECK(!CMTIME_HAS_BEEN_ROUNDED(r));
    r = CMTimeMultiplyByFloat64(CMTimeMake(3, 90000), 0.5); /* 90000 stays */
    CHECK_TIME(r, 2, 90000);                                /* 1.5 -> 2 */
    CHECK(CMTIME_HAS_BEEN_ROUNDED(r));
    r = CMTimeMultiplyByFloat64(CMTimeMake(1, 65536), 1.0 / 3.0);
    CHECK(CMTIME_HAS_BEEN_ROUNDED(r));
    CHECK(CMTIME_IS_INVALID(CMTimeMultiplyByFloat64(CMTimeMake(1, 1), NAN)));
    CHECK(CMTIME_IS_NEGATIVE_INFINITY(CMTimeMultiplyByFloat64(CMTimeMake(1, 1), -INFINITY)));
    CHECK(CMTIME_IS_INVALID(CMTimeMultiplyByFloat64(CMTimeMake(0, 1), INFINITY)));
    CHECK(CMTIME_IS_NEGATIVE_INFINITY(CMTimeMultiplyByFloat64(kCMTimePositiveInfinity, -1.0)));
    CHECK(CMTIME_IS_INDEFINITE(CMTimeMultiplyByFloat64(kCMTimeIndefinite, 2.0)));
    CHECK(CMTIME_IS_POSITIVE_INFINITY(CMTimeMultiplyByFloat64(CMTimeMake(INT64_MAX, 1), 4.0)));

    /* by ratio */
    CHECK_TIME(CMTimeMultiplyByRatio(CMTimeMake(3, 30), 1, 3), 1, 30); /* exact in 30 */
    CHECK_TIME(CMTimeMultiplyByRatio(CMTimeMake(1, 30), 1, 3), 1, 90); /* 30 * 3 */
    CHECK_TIME(CMTimeMultiplyByRatio(CMTimeMake(1, 30), -1, 3), -1, 90);
    CHECK_TIME(CMTimeMultiplyByRatio(CMTimeMake(1, 30), 1, -3), -1, 90);
    CHECK_TIME(CMTimeMultiplyByRatio(CMTimeMake(1001, 30000), 25, 1), 25025, 30000);
    r = CMTimeMultiplyByRatio(CMTimeMake(1, 2000000000), 1, 7); /* needs rounding */
    CHECK(CMTIME_IS_NUMERIC(r) && r.timescale == 2000000000 && CMTIME_HAS_BEEN_ROUNDED(r));
    CHECK(CMTIME_IS_INVALID(CMTimeMultiplyByRatio(CMTimeMake(1, 30), 0, 0)));
    CHECK(CMTIME_IS_POSITIVE_INFINITY(CMTimeMultiplyByRatio(CMTimeMake(1, 30), 1, 0)));
    CHECK(CMTIME_IS_NEGATIVE_INFINITY(CMTimeMultiplyByRatio(CMTimeMake(-1, 30), 1, 0)));
    CHECK(CMTIME_IS_INVALID(CMTimeMultiplyByRatio(CMTimeMake(0, 30), 1, 0)));
    CHECK(CMTIME_IS_NEGATIVE_INFINITY(CMTimeMultiplyByRatio(kCMTimePositiveInfinity, -1, 2)));
    CHECK(CMTIME_IS_INDEFINITE(CMTimeMultiplyByRatio(kCMTimeIndefinite, 1, 2)));
    CHECK(CMTIME_IS_INVALID(CMTimeMultiplyByRatio(kCMTimeInvalid, 1, 2)));
}

static void test_compare(void) {
    /* strictly increasing in CMTimeCompare's total order */
    CMTime order[] = {
        kCMTimeNegativeInfinity, CMTimeMake(-1, 1),       kCMTimeZero,
        CMTimeMake(1, 30),       CMTimeMake(1, 25),       CMTimeMakeWithEpoch(0, 1, 1),
        kCMTimeIndefinite,       kCMTimePositiveInfinity, kCMTimeInvalid,
    };
    size_t n = sizeof(order) / sizeof(order[0]), i, j;
    for (i = 0; i < n; i++) {
        for (j = 0; j < n; j++) {
            int32_t c = CMTimeCompare(order[i], order[j]);
            int32_t expected = i < j ? -1 : i > j ? 1 : 0;
            CHECK_MSG(c == expected, "compare(order[%zu], order[%zu]) = %d", i, j, (int)c);
        }
    }
    CHECK_EQ_INT(CMTimeCompare(CMTimeMake(1, 30), CMTimeMake(3, 90)), 0);
    CHECK_EQ_INT(CMTimeCompare(CMTimeMake(INT64_MAX, 1), CMTimeMake(INT64_MAX, 2)), 1);
    CHECK_EQ_INT(CMTimeCompare(CMTimeMake(INT64_MIN, 1), CMTimeMake(INT64_MAX, 1)), -1);
    {
        CMTime bad = {1, 0, kCMTimeFlags_Valid, 0};
        CMTime other_inf = {42, 7, kCMTimeFlags_Valid | kCMTimeFlags_PositiveInfinity, 3};
        CHECK_EQ_INT(CMTimeCompare(bad, kCMTimeInvalid), 0);
        CHECK_EQ_INT(CMTimeCompare(other_inf, kCMTimePositiveInfinity), 0);
    }
    CHECK(CMTIME_COMPARE_INLINE(CMTimeMake(1, 30), <, CMTimeMake(1, 25)));
    CHECK(CMTIME_COMPARE_INLINE(CMTimeMake(2, 60), ==, CMTimeMake(1, 30)));

    CHECK_TIME(CMTimeMinimum(CMTimeMake(1, 30), CMTimeMake(1, 25)), 1, 30);
    CHECK_TIME(CMTimeMaximum(CMTimeMake(1, 30), CMTimeMake(1, 25)), 1, 25);
    CHECK_TIME(CMTimeMinimum(kCMTimeInvalid, CMTimeMake(5, 1)), 5, 1);
    CHECK(CMTIME_IS_INVALID(CMTimeMaximum(kCMTimeInvalid, CMTimeMake(5, 1))));
    CHECK(CMTIME_IS_NEGATIVE_INFINITY(CMTimeMinimum(CMTimeMake(5, 1), kCMTimeNegativeInfinity)));
    CHECK_TIME(CMTimeMinimum(CMTimeMake(1, 30), CMTimeMake(2, 60)), 1, 30); /* ties: first */

    CHECK_TIME(CMTimeAbsoluteValue(CMTimeMake(-5, 3)), 5, 3);
    CHECK_TIME(CMTimeAbsoluteValue(CMTimeMake(5, 3)), 5, 3);
    CHECK(CMTIME_IS_POSITIVE_INFINITY(CMTimeAbsoluteValue(kCMTimeNegativeInfinity)));
    CHECK(CMTIME_IS_POSITIVE_INFINITY(CMTimeAbsoluteValue(kCMTimePositiveInfinity)));
    CHECK(CMTIME_IS_INVALID(CMTimeAbsoluteValue(kCMTimeInvalid)));
    CHECK(CMTIME_IS_INDEFINITE(CMTimeAbsoluteValue(kCMTimeIndefinite)));
    CHECK_TIME(CMTimeAbsoluteValue(CMTimeMake(INT64_MIN, 2)), INT64_C(1) << 62, 1);
}

static void check_time_round_trip(CMTime t) {
    CFDictionaryRef d = CMTimeCopyAsDictionary(t, kCFAllocatorDefault);
    CMTime back;
    CHECK(d != NULL);
    if (!d)
        return;
    CHECK_EQ_INT(CFDictionaryGetCount(d), 4);
    CHECK(CFDictionaryContainsKey(d, CFSTR("value")));
    CHECK(CFDictionaryContainsKey(d, CFSTR("timescale")));
    CHECK(CFDictionaryContainsKey(d, CFSTR("flags")));
    CHECK(CFDictionaryContainsKey(d, CFSTR("epoch")));
    back = CMTimeMakeFromDictionary(d);
    if (CMTIME_IS_VALID(t)) {
        CHECK(back.value == t.value && back.timescale == t.timescale && back.flags == t.flags &&
              back.epoch == t.epoch);
    } else {
        CHECK(CMTIME_IS_INVALID(back));
    }
    CFRelease(d);
}

static void test_dictionary(void) {
    CFMutableDictionaryRef d;
    CFNumberRef v, ts, fl;
    int32_t i30 = 30, i1 = 1;
    int64_t v7 = 7;
    CMTime t;

    check_time_round_trip(CMTimeMake(1, 30));
    check_time_round_trip(CMTimeMakeWithEpoch(-5, 1000, 7));
    check_time_round_trip(rounded(CMTimeMake(INT64_MAX, kCMTimeMaxTimescale)));
    check_time_round_trip(kCMTimeInvalid);
    check_time_round_trip(kCMTimePositiveInfinity);
    check_time_round_trip(kCMTimeNegativeInfinity);
    check_time_round_trip(kCMTimeIndefinite);
    CHECK(CFEqual(kCMTimeValueKey, CFSTR("value")));
    CHECK(CFEqual(kCMTimeScaleKey, CFSTR("timescale")));
    CHECK(CFEqual(kCMTimeEpochKey, CFSTR("epoch")));
    CHECK(CFEqual(kCMTimeFlagsKey, CFSTR("flags")));

    CHECK(CMTIME_IS_INVALID(CMTimeMakeFromDictionary(NULL)));
    CHECK(CMTIME_IS_INVALID(CMTimeMakeFromDictionary((CFDictionaryRef)CFSTR("value"))));
    /* client-built dictionary: other number types, no epoch */
    d = CFDictionaryCreateMutable(NULL, 0, &kCFTypeDictionaryKeyCallBacks,
                                  &kCFTypeDictionaryValueCallBacks);
    v = CFNumberCreate(NULL, kCFNumberSInt64Type, &v7);
    ts = CFNumberCreate(NULL, kCFNumberIntType, &i30);
    fl = CFNumberCreate(NULL, kCFNumberIntType, &i1);
    CFDictionarySetValue(d, CFSTR("value"), v);
    CFDictionarySetValue(d, CFSTR("timescale"), ts);
    CHECK(CMTIME_IS_INVALID(CMTimeMakeFromDictionary(d))); /* flags missing */
    CFDictionarySetValue(d, CFSTR("flags"), fl);
    t = CMTimeMakeFromDictionary(d);
    CHECK_TIME(t, 7, 30);
    CHECK_EQ_INT(t.epoch, 0);
    CFDictionarySetValue(d, CFSTR("timescale"), CFSTR("30")); /* wrong type */
    CHECK(CMTIME_IS_INVALID(CMTimeMakeFromDictionary(d)));
    CFRelease(v);
    CFRelease(ts);
    CFRelease(fl);
    CFRelease(d);
}

static void check_description(CMTime t, const char *expected) {
    CFStringRef s = CMTimeCopyDescription(NULL, t);
    char buf[128] = "";
    CHECK(s != NULL);
    if (s) {
        CFStringGetCString(s, buf, sizeof(buf), kCFStringEncodingUTF8);
        CHECK_MSG(strcmp(buf, expected) == 0, "description '%s', expected '%s'", buf, expected);
        CFRelease(s);
    }
}

static void test_description(void) {
    check_description(CMTimeMake(1, 30), "{1/30 = 0.033}");
    check_description(kCMTimeInvalid, "{INVALID}");
    check_description(kCMTimePositiveInfinity, "{+INFINITY}");
    check_description(kCMTimeNegativeInfinity, "{-INFINITY}");
    check_description(kCMTimeIndefinite, "{INDEFINITE}");
    check_description(rounded(CMTimeMake(-1, 2)), "{-1/2 = -0.500, rounded}");
}

/* ---- CMTimeRange ---- */

static CMTimeRange range(int64_t start, int64_t duration, int32_t ts) {
    return CMTimeRangeMake(CMTimeMake(start, ts), CMTimeMake(duration, ts));
}

static void test_time_range(void) {
    CMTimeRange r = range(1, 2, 1), z, u, i;
    CMTime end = CMTimeRangeGetEnd(r);
    CHECK_TIME(end, 3, 1);
    CHECK(CMTIMERANGE_IS_VALID(r) && !CMTIMERANGE_IS_INVALID(r));
    CHECK(!CMTIMERANGE_IS_EMPTY(r) && !CMTIMERANGE_IS_INDEFINITE(r));
    CHECK(CMTIMERANGE_IS_VALID(kCMTimeRangeZero) && CMTIMERANGE_IS_EMPTY(kCMTimeRangeZero));
    CHECK(CMTIMERANGE_IS_INVALID(kCMTimeRangeInvalid));
    CHECK(CMTIMERANGE_IS_INVALID(range(0, -1, 1))); /* negative duration */
    {
        CMTimeRange ep = CMTimeRangeMake(CMTimeMake(0, 1), CMTimeMakeWithEpoch(1, 1, 2));
        CHECK(CMTIMERANGE_IS_INVALID(ep));
    }
    CHECK(CMTIMERANGE_IS_INDEFINITE(CMTimeRangeMake(kCMTimeZero, kCMTimeIndefinite)));
    CHECK(CMTIME_IS_INVALID(CMTimeRangeGetEnd(kCMTimeRangeInvalid)));
    CHECK(CMTIME_IS_POSITIVE_INFINITY(
        CMTimeRangeGetEnd(CMTimeRangeMake(kCMTimeZero, kCMTimePositiveInfinity))));

    /* contains: [start, end) */
    CHECK(CMTimeRangeContainsTime(r, CMTimeMake(1, 1)));
    CHECK(CMTimeRangeContainsTime(r, CMTimeMake(5, 2)));
    CHECK(!CMTimeRangeContainsTime(r, CMTimeMake(3, 1)));
    CHECK(!CMTimeRangeContainsTime(r, CMTimeMake(1, 2)));
    CHECK(!CMTimeRangeContainsTime(r, kCMTimeInvalid));
    CHECK(!CMTimeRangeContainsTime(kCMTimeRangeInvalid, CMTimeMake(1, 1)));
    CHECK(!CMTimeRangeContainsTime(kCMTimeRangeZero, kCMTimeZero));
    CHECK(CMTimeRangeContainsTimeRange(r, range(3, 2, 2))); /* [1.5, 2.5) */
    CHECK(CMTimeRangeContainsTimeRange(r, r));
    CHECK(!CMTimeRangeContainsTimeRange(r, range(2, 2, 1))); /* [2, 4) */
    CHECK(!CMTimeRangeContainsTimeRange(r, kCMTimeRangeInvalid));

    CHECK(CMTimeRangeEqual(r, range(2, 4, 2)));
    CHECK(!CMTimeRangeEqual(r, range(1, 3, 1)));

    /* [1,3) and [2,5) */
    i = CMTimeRangeGetIntersection(r, range(2, 3, 1));
    CHECK(CMTimeRangeEqual(i, range(2, 1, 1)));
    u = CMTimeRangeGetUnion(r, range(2, 3, 1));
    CHECK(CMTimeRangeEqual(u, range(1, 4, 1)));
    /* disjoint and touching ranges do not intersect */
    z = CMTimeRangeGetIntersection(r, range(5, 1, 1));
    CHECK(CMTIMERANGE_IS_EMPTY(z));
    z = CMTimeRangeGetIntersection(r, range(3, 1, 1));
    CHECK(CMTIMERANGE_IS_EMPTY(z));
    u = CMTimeRangeGetUnion(r, range(5, 1, 1));
    CHECK(CMTimeRangeEqual(u, range(1, 5, 1)));
    CHECK(CMTIMERANGE_IS_INVALID(CMTimeRangeGetUnion(r, kCMTimeRangeInvalid)));
    CHECK(CMTIMERANGE_IS_INVALID(CMTimeRangeGetIntersection(kCMTimeRangeInvalid, r)));
    /* mixed timescales */
    i = CMTimeRangeGetIntersection(range(0, 1, 30), range(1, 1, 25));
    CHECK(CMTimeRangeEqual(i, CMTimeRangeMake(CMTimeMake(1, 25), CMTimeMake(-1, 150))) == FALSE);
    CHECK(CMTIMERANGE_IS_EMPTY(i));

    CHECK(CMTimeRangeEqual(CMTimeRangeFromTimeToTime(CMTimeMake(1, 1), CMTimeMake(3, 1)), r));
    CHECK_TIME(CMTimeClampToRange(CMTimeMake(0, 1), r), 1, 1);
    CHECK_TIME(CMTimeClampToRange(CMTimeMake(9, 1), r), 3, 1);
    CHECK_TIME(CMTimeClampToRange(CMTimeMake(2, 1), r), 2, 1);
    CHECK(CMTIME_IS_INVALID(CMTimeClampToRange(CMTimeMake(2, 1), kCMTimeRangeInvalid)));

    /* dictionaries */
    {
        CFDictionaryRef d = CMTimeRangeCopyAsDictionary(range(3, 4, 600), NULL);
        CMTimeRange back;
        CHECK(d != NULL);
        if (d) {
            CHECK(CFDictionaryContainsKey(d, CFSTR("start")));
            CHECK(CFDictionaryContainsKey(d, CFSTR("duration")));
            back = CMTimeRangeMakeFromDictionary(d);
            CHECK(CMTimeRangeEqual(back, range(3, 4, 600)));
            CHECK_EQ_INT(back.start.timescale, 600);
            CFRelease(d);
        }
        CHECK(CMTIMERANGE_IS_INVALID(CMTimeRangeMakeFromDictionary(NULL)));
    }
    {
        CFStringRef s = CMTimeRangeCopyDescription(NULL, range(0, 1, 1));
        char buf[128] = "";
        CHECK(s != NULL);
        if (s) {
            CFStringGetCString(s, buf, sizeof(buf), kCFStringEncodingUTF8);
            CHECK_MSG(strcmp(buf, "{{0/1 = 0.000}, {1/1 = 1.000}}") == 0, "'%s'", buf);
            CFRelease(s);
        }
    }
}

int main(void) {
    test_layout();
    test_constants_and_macros();
    test_make();
    test_seconds();
    test_add_subtract();
    test_convert_scale();
    test_multiply();
    test_compare();
    test_dictionary();
    test_description();
    test_time_range();
    CMTimeShow(CMTimeMake(1, 30));
    CMTimeRangeShow(range(0, 1, 1));
    return vt_test_result();
}
