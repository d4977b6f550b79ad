/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * CMTimeRange: start + duration, built on the CMTime operations.
 */
#include "config.h"

#include <stdio.h>

#include <CoreMedia/CMTimeRange.h>

#include "cf/cf_internal.h"
#include "cm/cm_internal.h"

const CMTimeRange kCMTimeRangeZero = {{0, 1, kCMTimeFlags_Valid, 0}, {0, 1, kCMTimeFlags_Valid, 0}};
const CMTimeRange kCMTimeRangeInvalid = {{0, 0, 0, 0}, {0, 0, 0, 0}};

VT_DEFINE_CONST_STRING(kCMTimeRangeStartKey, "start");
VT_DEFINE_CONST_STRING(kCMTimeRangeDurationKey, "duration");

CMTimeRange CMTimeRangeMake(CMTime start, CMTime duration) {
    CMTimeRange r;
    r.start = start;
    r.duration = duration;
    return r;
}

CMTimeRange CMTimeRangeFromTimeToTime(CMTime start, CMTime end) {
    return CMTimeRangeMake(start, CMTimeSubtract(end, start));
}

CMTime CMTimeRangeGetEnd(CMTimeRange range) {
    if (!CMTIMERANGE_IS_VALID(range))
        return kCMTimeInvalid;
    return CMTimeAdd(range.start, range.duration);
}

CMTimeRange CMTimeRangeGetUnion(CMTimeRange range, CMTimeRange otherRange) {
    CMTime start, end;
    if (!CMTIMERANGE_IS_VALID(range) || !CMTIMERANGE_IS_VALID(otherRange))
        return kCMTimeRangeInvalid;
    start = CMTimeMinimum(range.start, otherRange.start);
    end = CMTimeMaximum(CMTimeRangeGetEnd(range), CMTimeRangeGetEnd(otherRange));
    return CMTimeRangeFromTimeToTime(start, end);
}

CMTimeRange CMTimeRangeGetIntersection(CMTimeRange range, CMTimeRange otherRange) {
    CMTime start, end;
    if (!CMTIMERANGE_IS_VALID(range) || !CMTIMERANGE_IS_VALID(otherRange))
        return kCMTimeRangeInvalid;
    start = CMTimeMaximum(range.start, otherRange.start);
    end = CMTimeMinimum(CMTimeRangeGetEnd(range), CMTimeRangeGetEnd(otherRange));
    if (CMTimeCompare(end, start) <= 0)
        return kCMTimeRangeZero;
    return CMTimeRangeFromTimeToTime(start, end);
}

Boolean CMTimeRangeEqual(CMTimeRange range1, CMTimeRange range2) {
    return CMTimeCompare(range1.start, range2.start) == 0 &&
           CMTimeCompare(range1.duration, range2.duration) == 0;
}

Boolean CMTimeRangeContainsTime(CMTimeRange range, CMTime time) {
    if (!CMTIMERANGE_IS_VALID(range) || !CMTIME_IS_VALID(time))
        return FALSE;
    return CMTimeCompare(time, range.start) >= 0 &&
           CMTimeCompare(time, CMTimeRangeGetEnd(range)) < 0;
}

Boolean CMTimeRangeContainsTimeRange(CMTimeRange range1, CMTimeRange range2) {
    if (!CMTIMERANGE_IS_VALID(range1) || !CMTIMERANGE_IS_VALID(range2))
        return FALSE;
    return CMTimeCompare(range2.start, range1.start) >= 0 &&
           CMTimeCompare(CMTimeRangeGetEnd(range2), CMTimeRangeGetEnd(range1)) <= 0;
}

CMTime CMTimeClampToRange(CMTime time, CMTimeRange range) {
    CMTime end;
    if (!CMTIMERANGE_IS_VALID(range) || !CMTIME_IS_VALID(time))
        return kCMTimeInvalid;
    if (CMTimeCompare(time, range.start) < 0)
        return range.start;
    end = CMTimeRangeGetEnd(range);
    if (CMTimeCompare(time, end) > 0)
        return end;
    return time;
}

CFDictionaryRef CMTimeRangeCopyAsDictionary(CMTimeRange range, CFAllocatorRef allocator) {
    CFDictionaryRef start = CMTimeCopyAsDictionary(range.start, allocator);
    CFDictionaryRef duration = CMTimeCopyAsDictionary(range.duration, allocator);
    CFMutableDictionaryRef d = NULL;
    if (start && duration) {
        d = CFDictionaryCreateMutable(allocator, 2, &kCFTypeDictionaryKeyCallBacks,
                                      &kCFTypeDictionaryValueCallBacks);
        if (d) {
            CFDictionarySetValue(d, kCMTimeRangeStartKey, start);
            CFDictionarySetValue(d, kCMTimeRangeDurationKey, duration);
            if (CFDictionaryGetCount(d) != 2) {
                CFRelease(d);
                d = NULL;
            }
        }
    }
    if (start)
        CFRelease(start);
    if (duration)
        CFRelease(duration);
    return d;
}

CMTimeRange CMTimeRangeMakeFromDictionary(CFDictionaryRef dictionaryRepresentation) {
    CFTypeRef s, d;
    CMTimeRange r;
    if (!dictionaryRepresentation ||
        CFGetTypeID(dictionaryRepresentation) != CFDictionaryGetTypeID())
        return kCMTimeRangeInvalid;
    s = vt_cf_dict_get(dictionaryRepresentation, kCMTimeRangeStartKey);
    d = vt_cf_dict_get(dictionaryRepresentation, kCMTimeRangeDurationKey);
    r.start = CMTimeMakeFromDictionary(s);
    r.duration = CMTimeMakeFromDictionary(d);
    if (!CMTIME_IS_VALID(r.start) || !CMTIME_IS_VALID(r.duration))
        return kCMTimeRangeInvalid;
    return r;
}

static void range_format(CMTimeRange range, char *buf, size_t size) {
    char a[VT_CM_TIME_DESC_MAX], b[VT_CM_TIME_DESC_MAX];
    vt_cm_time_format(range.start, a, sizeof(a));
    vt_cm_time_format(range.duration, b, sizeof(b));
    snprintf(buf, size, "{%s, %s}", a, b);
}

CFStringRef CMTimeRangeCopyDescription(CFAllocatorRef allocator, CMTimeRange range) {
    char buf[2 * VT_CM_TIME_DESC_MAX + 8];
    range_format(range, buf, sizeof(buf));
    return CFStringCreateWithCString(allocator, buf, kCFStringEncodingUTF8);
}

void CMTimeRangeShow(CMTimeRange range) {
    char buf[2 * VT_CM_TIME_DESC_MAX + 8];
    range_format(range, buf, sizeof(buf));
    printf("%s\n", buf);
}
