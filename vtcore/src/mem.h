/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The library's single allocation point. Every heap allocation in vtcore goes
 * through these functions so tests can inject failures (see
 * vtcore_debug_fail_allocation_after() in <vtcore/vtcore.h>).
 */
#ifndef VTCORE_MEM_H
#define VTCORE_MEM_H

#include <stddef.h>

/* Plane memory alignment: CVPixelBuffer planes and rows are 64-byte aligned. */
#define VT_PLANE_ALIGN 64

void *vt_malloc(size_t size);
void *vt_calloc(size_t count, size_t size);
void *vt_realloc(void *ptr, size_t size);
void vt_free(void *ptr);
/* Aligned allocation (align: power of two >= sizeof(void*)); free with vt_free_aligned. */
void *vt_malloc_aligned(size_t size, size_t align);
void vt_free_aligned(void *ptr);
char *vt_strdup(const char *s);

/* Overflow-checked size arithmetic: return 0 on overflow, storing the result otherwise. */
static inline int vt_size_mul(size_t a, size_t b, size_t *out) {
    return !__builtin_mul_overflow(a, b, out);
}
static inline int vt_size_add(size_t a, size_t b, size_t *out) {
    return !__builtin_add_overflow(a, b, out);
}

#endif /* VTCORE_MEM_H */
