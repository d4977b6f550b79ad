/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * CMSimpleQueue: a ring buffer of pointers behind a mutex. Cheap enough for
 * the encoder-output queues OBS and HandBrake build on it, and safe for any
 * number of producer and consumer threads.
 */
#include "config.h"

#include <pthread.h>

#include <CoreMedia/CMSimpleQueue.h>

#include "log.h"
#include "mem.h"
#include "runtime.h"

struct opaqueCMSimpleQueue {
    VTObject base;
    pthread_mutex_t lock;
    int32_t capacity;
    int32_t count;
    int32_t head; /* index of the oldest element */
    const void **slots;
};

static void queue_finalize(CFTypeRef obj) {
    struct opaqueCMSimpleQueue *q = (struct opaqueCMSimpleQueue *)obj;
    vt_free(q->slots);
    pthread_mutex_destroy(&q->lock);
}

static const VTClass simple_queue_class = {
    .name = "CMSimpleQueue",
    .type_id = VT_TYPE_ID_SIMPLE_QUEUE,
    .finalize = queue_finalize,
};

static Boolean is_queue(CFTypeRef obj) {
    return vt_object_is(obj, &simple_queue_class);
}

CFTypeID CMSimpleQueueGetTypeID(void) {
    return VT_TYPE_ID_SIMPLE_QUEUE;
}

OSStatus CMSimpleQueueCreate(CFAllocatorRef allocator, int32_t capacity,
                             CMSimpleQueueRef *queueOut) {
    struct opaqueCMSimpleQueue *q;
    VT_CHECK_ARG(queueOut != NULL, kCMSimpleQueueError_RequiredParameterMissing);
    *queueOut = NULL;
    VT_CHECK_ARG(capacity > 0, kCMSimpleQueueError_ParameterOutOfRange);
    q = vt_object_alloc(&simple_queue_class, sizeof(*q));
    if (!q)
        return kCMSimpleQueueError_AllocationFailed;
    q->slots = vt_calloc((size_t)capacity, sizeof(*q->slots));
    if (!q->slots || pthread_mutex_init(&q->lock, NULL) != 0) {
        vt_free(q->slots);
        vt_free(q); /* finalize not run: nothing else was set up */
        return kCMSimpleQueueError_AllocationFailed;
    }
    q->capacity = capacity;
    *queueOut = q;
    return noErr;
}

OSStatus CMSimpleQueueEnqueue(CMSimpleQueueRef queue, const void *element) {
    OSStatus st = noErr;
    VT_CHECK_ARG(is_queue(queue), kCMSimpleQueueError_RequiredParameterMissing);
    VT_CHECK_ARG(element != NULL, kCMSimpleQueueError_RequiredParameterMissing);
    pthread_mutex_lock(&queue->lock);
    if (queue->count == queue->capacity) {
        st = kCMSimpleQueueError_QueueIsFull;
    } else {
        int32_t tail = (int32_t)(((int64_t)queue->head + queue->count) % queue->capacity);
        queue->slots[tail] = element;
        queue->count++;
    }
    pthread_mutex_unlock(&queue->lock);
    return st;
}

const void *CMSimpleQueueDequeue(CMSimpleQueueRef queue) {
    const void *e = NULL;
    if (!is_queue(queue))
        return NULL;
    pthread_mutex_lock(&queue->lock);
    if (queue->count > 0) {
        e = queue->slots[queue->head];
        queue->slots[queue->head] = NULL;
        queue->head = (queue->head + 1) % queue->capacity;
        queue->count--;
    }
    pthread_mutex_unlock(&queue->lock);
    return e;
}

const void *CMSimpleQueueGetHead(CMSimpleQueueRef queue) {
    const void *e = NULL;
    if (!is_queue(queue))
        return NULL;
    pthread_mutex_lock(&queue->lock);
    if (queue->count > 0)
        e = queue->slots[queue->head];
    pthread_mutex_unlock(&queue->lock);
    return e;
}

OSStatus CMSimpleQueueReset(CMSimpleQueueRef queue) {
    int32_t i;
    VT_CHECK_ARG(is_queue(queue), kCMSimpleQueueError_RequiredParameterMissing);
    pthread_mutex_lock(&queue->lock);
    for (i = 0; i < queue->capacity; i++)
        queue->slots[i] = NULL;
    queue->head = 0;
    queue->count = 0;
    pthread_mutex_unlock(&queue->lock);
    return noErr;
}

int32_t CMSimpleQueueGetCapacity(CMSimpleQueueRef queue) {
    return is_queue(queue) ? queue->capacity : 0;
}

int32_t CMSimpleQueueGetCount(CMSimpleQueueRef queue) {
    int32_t n;
    if (!is_queue(queue))
        return 0;
    pthread_mutex_lock(&queue->lock);
    n = queue->count;
    pthread_mutex_unlock(&queue->lock);
    return n;
}
