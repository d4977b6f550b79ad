/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * CMSimpleQueue: a fixed-capacity FIFO of non-NULL pointers, safe for one
 * producer and one consumer thread (vtcore: every call takes a short lock,
 * so any number of threads may use it). Elements are not retained. Written
 * for vtcore from the documented Apple API; names and values follow Apple.
 */
#ifndef VTCORE_COREMEDIA_CMSIMPLEQUEUE_H
#define VTCORE_COREMEDIA_CMSIMPLEQUEUE_H

#include <CoreMedia/CMBase.h>

CF_EXTERN_C_BEGIN

enum {
    kCMSimpleQueueError_AllocationFailed = -12770,
    kCMSimpleQueueError_RequiredParameterMissing = -12771,
    kCMSimpleQueueError_ParameterOutOfRange = -12772,
    kCMSimpleQueueError_QueueIsFull = -12773,
};

typedef struct opaqueCMSimpleQueue *CMSimpleQueueRef;

CM_EXPORT CFTypeID CMSimpleQueueGetTypeID(void);

/* A queue of `capacity` (> 0) elements. Errors:
 * kCMSimpleQueueError_RequiredParameterMissing (NULL out),
 * kCMSimpleQueueError_ParameterOutOfRange (capacity <= 0),
 * kCMSimpleQueueError_AllocationFailed. *queueOut is +1. */
CM_EXPORT OSStatus CMSimpleQueueCreate(CFAllocatorRef allocator, int32_t capacity,
                                       CMSimpleQueueRef *queueOut);

/* Appends element. Errors: kCMSimpleQueueError_RequiredParameterMissing (NULL
 * queue or element), kCMSimpleQueueError_QueueIsFull. */
CM_EXPORT OSStatus CMSimpleQueueEnqueue(CMSimpleQueueRef queue, const void *element);

/* Removes and returns the oldest element; NULL when empty (or NULL queue). */
CM_EXPORT const void *CMSimpleQueueDequeue(CMSimpleQueueRef queue);

/* The oldest element without removing it; NULL when empty. */
CM_EXPORT const void *CMSimpleQueueGetHead(CMSimpleQueueRef queue);

/* Empties the queue (the elements are not released). Error:
 * kCMSimpleQueueError_RequiredParameterMissing. */
CM_EXPORT OSStatus CMSimpleQueueReset(CMSimpleQueueRef queue);

/* 0 for NULL. */
CM_EXPORT int32_t CMSimpleQueueGetCapacity(CMSimpleQueueRef queue);
CM_EXPORT int32_t CMSimpleQueueGetCount(CMSimpleQueueRef queue);

/* Count / capacity as a Float32 (0 for a NULL queue). */
#define CMSimpleQueueGetFullness(queue)                                                       \
    (CMSimpleQueueGetCapacity(queue)                                                          \
         ? ((Float32)CMSimpleQueueGetCount(queue) / (Float32)CMSimpleQueueGetCapacity(queue)) \
         : 0.0f)

CF_EXTERN_C_END

#endif /* VTCORE_COREMEDIA_CMSIMPLEQUEUE_H */
