/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * CMTime and CMTimeRange arithmetic with arbitrary values, timescales
 * (0, negative, INT32_MAX), flags and epochs: UBSan watches the integer
 * overflow paths, the fuzzer checks that comparison is antisymmetric,
 * min/max agree with compare, and the dictionary forms round-trip.
 */
#include <CoreMedia/CoreMedia.h>

#include "fuzz_common.h"

static CMTime fz_time(FuzzInput *in) {
    CMTime t;
    switch (fz_u8(in) % 10) {
    case 0:
        return kCMTimeInvalid;
    case 1:
        return kCMTimeIndefinite;
    case 2:
        return kCMTimePositiveInfinity;
    case 3:
        return kCMTimeNegativeInfinity;
    case 4:
        return kCMTimeZero;
    case 5: {
        double seconds = fz_double(in);
        return CMTimeMakeWithSeconds(seconds, (int32_t)fz_int(in));
    }
    case 6: /* raw: any flags */
        t.value = fz_int(in);
        t.timescale = (int32_t)fz_int(in);
        t.flags = fz_u8(in);
        t.epoch = fz_u8(in) < 240 ? 0 : fz_int(in);
        return t;
    default:
        /* One read per statement (argument evaluation order is unspecified). */
        t.value = fz_int(in);
        t.timescale = (int32_t)fz_int(in);
        t.epoch = fz_u8(in) < 250 ? 0 : fz_int(in);
        return CMTimeMakeWithEpoch(t.value, t.timescale, t.epoch);
    }
}

static void touch_time(CMTime t) {
    CFStringRef d = CMTimeCopyDescription(NULL, t);
    CFDictionaryRef dict;
    if (d)
        CFRelease(d);
    (void)CMTimeGetSeconds(t);
    dict = CMTimeCopyAsDictionary(t, NULL);
    if (dict) {
        CMTime back = CMTimeMakeFromDictionary(dict);
        /* A numeric, valid time survives its dictionary form. */
        if (CMTIME_IS_NUMERIC(t))
            FUZZ_CHECK(CMTimeCompare(back, t) == 0 && back.epoch == t.epoch);
        CFRelease(dict);
    }
}

static void touch_range(CMTimeRange r) {
    CFStringRef d = CMTimeRangeCopyDescription(NULL, r);
    CFDictionaryRef dict;
    if (d)
        CFRelease(d);
    (void)CMTimeRangeGetEnd(r);
    dict = CMTimeRangeCopyAsDictionary(r, NULL);
    if (dict) {
        CMTimeRange back = CMTimeRangeMakeFromDictionary(dict);
        if (CMTIME_IS_NUMERIC(r.start) && CMTIME_IS_NUMERIC(r.duration))
            FUZZ_CHECK(CMTimeRangeEqual(back, r));
        CFRelease(dict);
    }
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc;
    (void)argv;
    fz_quiet_logs();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    FuzzInput in;
    int rounds = 0;
    fz_init(&in, data, size);
    while (fz_left(&in) && rounds++ < 16) {
        CMTime a = fz_time(&in), b = fz_time(&in), r;
        int32_t cab = CMTimeCompare(a, b), cba = CMTimeCompare(b, a);
        CMTimeRange x, y;
        FUZZ_CHECK(cab == -cba);
        FUZZ_CHECK(cab >= -1 && cab <= 1);
        r = CMTimeMinimum(a, b);
        FUZZ_CHECK(CMTimeCompare(r, a) <= 0 && CMTimeCompare(r, b) <= 0);
        r = CMTimeMaximum(a, b);
        FUZZ_CHECK(CMTimeCompare(r, a) >= 0 && CMTimeCompare(r, b) >= 0);
        switch (fz_u8(&in) % 9) {
        case 0:
            r = CMTimeAdd(a, b);
            break;
        case 1:
            r = CMTimeSubtract(a, b);
            break;
        case 2:
            r = CMTimeMultiply(a, (int32_t)fz_int(&in));
            break;
        case 3:
            r = CMTimeMultiplyByFloat64(a, fz_double(&in));
            break;
        case 4: {
            int32_t mul = (int32_t)fz_int(&in), div = (int32_t)fz_int(&in);
            r = CMTimeMultiplyByRatio(a, mul, div);
        } break;
        case 5: {
            int32_t scale = (int32_t)fz_int(&in);
            r = CMTimeConvertScale(a, scale, (CMTimeRoundingMethod)(fz_u8(&in) % 8));
        } break;
        case 6:
            r = CMTimeAbsoluteValue(a);
            /* (compared within the same epoch: epochs order first) */
            if (CMTIME_IS_NUMERIC(a) && CMTIME_IS_NUMERIC(r) &&
                CMTimeCompare(r, CMTimeMakeWithEpoch(0, 1, r.epoch)) < 0) {
                fprintf(stderr, "CMTimeAbsoluteValue({%lld/%d f%u}) = {%lld/%d f%u}\n",
                        (long long)a.value, (int)a.timescale, (unsigned)a.flags, (long long)r.value,
                        (int)r.timescale, (unsigned)r.flags);
                FUZZ_CHECK(!"CMTimeAbsoluteValue is negative");
            }
            break;
        case 7:
            x = CMTimeRangeMake(a, b);
            r = fz_time(&in);
            y = CMTimeRangeFromTimeToTime(r, fz_time(&in));
            touch_range(x);
            touch_range(y);
            touch_range(CMTimeRangeGetUnion(x, y));
            touch_range(CMTimeRangeGetIntersection(x, y));
            (void)CMTimeRangeContainsTime(x, fz_time(&in));
            (void)CMTimeRangeContainsTimeRange(x, y);
            FUZZ_CHECK(CMTimeRangeEqual(x, y) == CMTimeRangeEqual(y, x));
            r = CMTimeClampToRange(fz_time(&in), x);
            break;
        default: {
            /* A dictionary that is almost a CMTime. */
            CFDictionaryRef d = fz_cf_dictionary(&in, 1);
            r = CMTimeMakeFromDictionary(d);
            if (d) {
                touch_range(CMTimeRangeMakeFromDictionary(d));
                CFRelease(d);
            }
            break;
        }
        }
        touch_time(a);
        touch_time(r);
    }
    return 0;
}
