/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * CMSimpleQueue: FIFO order, full/empty, wrap-around, reset, arguments, and a
 * single-producer/single-consumer run across two threads.
 */
#include <pthread.h>
#include <sched.h>
#include <stdint.h>

#include <CoreMedia/CoreMedia.h>
#include <vtcore/vtcore.h>

#include "vt_test.h"

#define P(i) ((const void *)(uintptr_t)(i))

static void test_basic(void) {
    CMSimpleQueueRef q = NULL;
    int i;
    CHECK_STATUS(CMSimpleQueueCreate(NULL, 3, &q), noErr);
    if (!q)
        return;
    CHECK(CFGetTypeID(q) == CMSimpleQueueGetTypeID());
    CHECK_EQ_INT(CMSimpleQueueGetCapacity(q), 3);
    CHECK_EQ_INT(CMSimpleQueueGetCount(q), 0);
    CHECK(CMSimpleQueueGetFullness(q) == 0.0f);
    CHECK(CMSimpleQueueDequeue(q) == NULL);
    CHECK(CMSimpleQueueGetHead(q) == NULL);
    CHECK_STATUS(CMSimpleQueueEnqueue(q, P(1)), noErr);
    CHECK_STATUS(CMSimpleQueueEnqueue(q, P(2)), noErr);
    CHECK_STATUS(CMSimpleQueueEnqueue(q, P(3)), noErr);
    CHECK_STATUS(CMSimpleQueueEnqueue(q, P(4)), kCMSimpleQueueError_QueueIsFull);
    CHECK_EQ_INT(CMSimpleQueueGetCount(q), 3);
    CHECK(CMSimpleQueueGetFullness(q) == 1.0f);
    CHECK(CMSimpleQueueGetHead(q) == P(1));
    CHECK(CMSimpleQueueDequeue(q) == P(1));
    CHECK(CMSimpleQueueGetFullness(q) > 0.66f && CMSimpleQueueGetFullness(q) < 0.67f);
    /* wrap around many times */
    for (i = 4; i < 100; i++) {
        CHECK_STATUS(CMSimpleQueueEnqueue(q, P(i)), noErr);
        CHECK(CMSimpleQueueDequeue(q) == P(i - 2));
    }
    CHECK_EQ_INT(CMSimpleQueueGetCount(q), 2);
    CHECK(CMSimpleQueueGetHead(q) == P(98));
    CHECK_STATUS(CMSimpleQueueEnqueue(q, NULL), kCMSimpleQueueError_RequiredParameterMissing);
    CHECK_EQ_INT(CMSimpleQueueGetCount(q), 2);
    CHECK_STATUS(CMSimpleQueueReset(q), noErr);
    CHECK_EQ_INT(CMSimpleQueueGetCount(q), 0);
    CHECK(CMSimpleQueueDequeue(q) == NULL);
    CHECK_STATUS(CMSimpleQueueEnqueue(q, P(7)), noErr);
    CHECK(CMSimpleQueueDequeue(q) == P(7));
    CFRelease(q);
}

static void test_arguments(void) {
    CMSimpleQueueRef q = (CMSimpleQueueRef)(uintptr_t)1;
    CHECK_STATUS(CMSimpleQueueCreate(NULL, 0, &q), kCMSimpleQueueError_ParameterOutOfRange);
    CHECK(q == NULL);
    CHECK_STATUS(CMSimpleQueueCreate(NULL, -5, &q), kCMSimpleQueueError_ParameterOutOfRange);
    CHECK_STATUS(CMSimpleQueueCreate(NULL, 4, NULL), kCMSimpleQueueError_RequiredParameterMissing);
    CHECK_STATUS(CMSimpleQueueEnqueue(NULL, P(1)), kCMSimpleQueueError_RequiredParameterMissing);
    CHECK_STATUS(CMSimpleQueueReset(NULL), kCMSimpleQueueError_RequiredParameterMissing);
    CHECK(CMSimpleQueueDequeue(NULL) == NULL);
    CHECK(CMSimpleQueueGetHead(NULL) == NULL);
    CHECK_EQ_INT(CMSimpleQueueGetCapacity(NULL), 0);
    CHECK_EQ_INT(CMSimpleQueueGetCount(NULL), 0);
    CHECK(CMSimpleQueueGetFullness(NULL) == 0.0f);
    CHECK_STATUS(CMSimpleQueueEnqueue((CMSimpleQueueRef)(void *)CFSTR("q"), P(1)),
                 kCMSimpleQueueError_RequiredParameterMissing);
    /* allocation failure */
    vtcore_debug_fail_allocation_after(1);
    CHECK_STATUS(CMSimpleQueueCreate(NULL, 4, &q), kCMSimpleQueueError_AllocationFailed);
    vtcore_debug_fail_allocation_after(2);
    CHECK_STATUS(CMSimpleQueueCreate(NULL, 4, &q), kCMSimpleQueueError_AllocationFailed);
    vtcore_debug_fail_allocation_after(0);
    CHECK(q == NULL);
}

#define N_ITEMS 200000

static void *producer(void *arg) {
    CMSimpleQueueRef q = arg;
    uintptr_t i;
    for (i = 1; i <= N_ITEMS; i++) {
        while (CMSimpleQueueEnqueue(q, P(i)) == kCMSimpleQueueError_QueueIsFull)
            sched_yield();
    }
    return NULL;
}

static void test_threads(void) {
    CMSimpleQueueRef q = NULL;
    pthread_t th;
    uintptr_t expected = 1;
    int in_order = 1;
    CHECK_STATUS(CMSimpleQueueCreate(NULL, 16, &q), noErr);
    if (!q)
        return;
    pthread_create(&th, NULL, producer, (void *)q);
    while (expected <= N_ITEMS) {
        const void *e = CMSimpleQueueDequeue(q);
        if (!e) {
            sched_yield();
            continue;
        }
        if (e != P(expected))
            in_order = 0;
        expected++;
    }
    pthread_join(th, NULL);
    CHECK(in_order);
    CHECK_EQ_INT(CMSimpleQueueGetCount(q), 0);
    CFRelease(q);
}

int main(void) {
    test_basic();
    test_arguments();
    test_threads();
    return vt_test_result();
}
