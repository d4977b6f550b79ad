/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <vtcore/vtcore.h>

#include "mem.h"

/* Fault injection: > 0 counts down to the allocation that fails. */
static long fail_countdown;
static long alloc_count;

static int vt_mem_should_fail(void) {
    long left;
    __atomic_fetch_add(&alloc_count, 1, __ATOMIC_RELAXED);
    left = __atomic_load_n(&fail_countdown, __ATOMIC_RELAXED);
    if (left <= 0)
        return 0;
    return __atomic_sub_fetch(&fail_countdown, 1, __ATOMIC_RELAXED) == 0;
}

long vtcore_debug_fail_allocation_after(long n) {
    long made = __atomic_exchange_n(&alloc_count, 0, __ATOMIC_RELAXED);
    __atomic_store_n(&fail_countdown, n > 0 ? n : 0, __ATOMIC_RELAXED);
    return made;
}

void *vt_malloc(size_t size) {
    if (vt_mem_should_fail())
        return NULL;
    return malloc(size ? size : 1);
}

void *vt_calloc(size_t count, size_t size) {
    if (vt_mem_should_fail())
        return NULL;
    if (!count || !size)
        count = size = 1;
    return calloc(count, size);
}

void *vt_realloc(void *ptr, size_t size) {
    if (vt_mem_should_fail())
        return NULL;
    return realloc(ptr, size ? size : 1);
}

void vt_free(void *ptr) {
    free(ptr);
}

void *vt_malloc_aligned(size_t size, size_t align) {
    void *p = NULL;
    if (vt_mem_should_fail())
        return NULL;
    if (align < sizeof(void *))
        align = sizeof(void *);
    if (posix_memalign(&p, align, size ? size : 1))
        return NULL;
    return p;
}

void vt_free_aligned(void *ptr) {
    free(ptr);
}

char *vt_strdup(const char *s) {
    size_t n = strlen(s) + 1;
    char *d = vt_malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}
