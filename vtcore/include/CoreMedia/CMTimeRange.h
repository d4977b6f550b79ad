/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * CMTimeRange: a start time and a duration. Written for vtcore from the
 * documented Apple API; names and layout follow Apple.
 */
#ifndef VTCORE_COREMEDIA_CMTIMERANGE_H
#define VTCORE_COREMEDIA_CMTIMERANGE_H

#include <CoreMedia/CMBase.h>
#include <CoreMedia/CMTime.h>

CF_EXTERN_C_BEGIN

#pragma pack(push, 4)

/* 48 bytes: start at 0, duration at 24. */
typedef struct {
    CMTime start;
    CMTime duration;
} CMTimeRange;

#pragma pack(pop)

/* {kCMTimeZero, kCMTimeZero} and {kCMTimeInvalid, kCMTimeInvalid}. */
CM_EXPORT const CMTimeRange kCMTimeRangeZero;
CM_EXPORT const CMTimeRange kCMTimeRangeInvalid;

/* Valid: both times valid, the duration has epoch 0 and a non-negative
 * value. Empty: valid with a zero duration. Indefinite: valid with an
 * indefinite start or duration. */
#define CMTIMERANGE_IS_VALID(range)                                                   \
    ((Boolean)(CMTIME_IS_VALID((range).start) && CMTIME_IS_VALID((range).duration) && \
               ((range).duration.epoch == 0) && ((range).duration.value >= 0)))
#define CMTIMERANGE_IS_INVALID(range) (!CMTIMERANGE_IS_VALID(range))
#define CMTIMERANGE_IS_INDEFINITE(range)      \
    ((Boolean)(CMTIMERANGE_IS_VALID(range) && \
               (CMTIME_IS_INDEFINITE((range).start) || CMTIME_IS_INDEFINITE((range).duration))))
#define CMTIMERANGE_IS_EMPTY(range) \
    ((Boolean)(CMTIMERANGE_IS_VALID(range) && (CMTimeCompare((range).duration, kCMTimeZero) == 0)))

/* {start, duration}, stored as given. */
CM_EXPORT CMTimeRange CMTimeRangeMake(CMTime start, CMTime duration);

/* {start, end - start}. */
CM_EXPORT CMTimeRange CMTimeRangeFromTimeToTime(CMTime start, CMTime end);

/* start + duration; kCMTimeInvalid for an invalid range. */
CM_EXPORT CMTime CMTimeRangeGetEnd(CMTimeRange range);

/* The smallest range covering both; kCMTimeRangeInvalid if either is invalid. */
CM_EXPORT CMTimeRange CMTimeRangeGetUnion(CMTimeRange range, CMTimeRange otherRange);

/* The common part; kCMTimeRangeInvalid if either is invalid, kCMTimeRangeZero
 * when the ranges do not overlap (touching ranges do not overlap). */
CM_EXPORT CMTimeRange CMTimeRangeGetIntersection(CMTimeRange range, CMTimeRange otherRange);

/* Same start and same duration (CMTimeCompare). */
CM_EXPORT Boolean CMTimeRangeEqual(CMTimeRange range1, CMTimeRange range2);

/* start <= time < end. FALSE for invalid ranges, invalid times and empty
 * ranges. */
CM_EXPORT Boolean CMTimeRangeContainsTime(CMTimeRange range, CMTime time);

/* range2 lies inside range1 (start1 <= start2 and end2 <= end1). FALSE if
 * either is invalid. */
CM_EXPORT Boolean CMTimeRangeContainsTimeRange(CMTimeRange range1, CMTimeRange range2);

/* time clamped to [start, end]; kCMTimeInvalid for an invalid range or time. */
CM_EXPORT CMTime CMTimeClampToRange(CMTime time, CMTimeRange range);

/* Dictionary keys of CMTimeRangeCopyAsDictionary ("start", "duration"); the
 * values are CMTime dictionaries. */
CM_EXPORT const CFStringRef kCMTimeRangeStartKey;
CM_EXPORT const CFStringRef kCMTimeRangeDurationKey;

/* +1 dictionary; NULL on allocation failure. */
CM_EXPORT CFDictionaryRef CMTimeRangeCopyAsDictionary(CMTimeRange range, CFAllocatorRef allocator);

/* kCMTimeRangeInvalid unless both keys hold valid CMTime dictionaries. */
CM_EXPORT CMTimeRange CMTimeRangeMakeFromDictionary(CFDictionaryRef dictionaryRepresentation);

/* +1 string "{{0/1 = 0.000}, {1/1 = 1.000}}". */
CM_EXPORT CFStringRef CMTimeRangeCopyDescription(CFAllocatorRef allocator, CMTimeRange range);

/* Prints CMTimeRangeCopyDescription's text and a newline to stdout. */
CM_EXPORT void CMTimeRangeShow(CMTimeRange range);

CF_EXTERN_C_END

#endif /* VTCORE_COREMEDIA_CMTIMERANGE_H */
