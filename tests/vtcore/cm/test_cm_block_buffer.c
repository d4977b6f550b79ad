/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * CMBlockBuffer: memory ownership (malloc'd, borrowed, custom block source),
 * contiguous and multi-block buffers, references, byte access and bounds
 * errors, allocation failures.
 */
#include <stddef.h>
#include <stdlib.h>

#include <CoreMedia/CoreMedia.h>
#include <vtcore/vtcore.h>

#include "cm/cm_internal.h"
#include "mem.h"
#include "vt_test.h"

typedef struct {
    int allocs, frees;
    void *last_freed;
    size_t last_size;
    void *refcon_seen;
} SourceStats;

static void *src_alloc(void *refCon, size_t size) {
    SourceStats *s = refCon;
    s->allocs++;
    s->refcon_seen = refCon;
    return malloc(size);
}

static void src_free(void *refCon, void *block, size_t size) {
    SourceStats *s = refCon;
    s->frees++;
    s->last_freed = block;
    s->last_size = size;
    s->refcon_seen = refCon;
    free(block);
}

static void test_layout(void) {
    CHECK_EQ_INT(sizeof(CMBlockBufferCustomBlockSource), 28);
    CHECK_EQ_INT(offsetof(CMBlockBufferCustomBlockSource, AllocateBlock), 4);
    CHECK_EQ_INT(offsetof(CMBlockBufferCustomBlockSource, FreeBlock), 12);
    CHECK_EQ_INT(offsetof(CMBlockBufferCustomBlockSource, refCon), 20);
    CHECK_EQ_INT(kCMBlockBufferStructureAllocationFailedErr, -12700);
    CHECK_EQ_INT(kCMBlockBufferInsufficientSpaceErr, -12708);
    CHECK_EQ_INT(kCMBlockBufferPermitEmptyReferenceFlag, 8);
}

static void test_memory_ownership(void) {
    CMBlockBufferRef bb = NULL, ref = NULL;
    SourceStats stats = {0};
    CMBlockBufferCustomBlockSource cs = {kCMBlockBufferCustomBlockSourceVersion, src_alloc,
                                         src_free, &stats};
    uint8_t stack[16] = "0123456789abcdef";
    char *p = NULL;
    size_t len = 0, total = 0;
    void *heap = malloc(100);

    /* malloc'd block, default allocator: freed with free() (LSan/ASan check) */
    CHECK_STATUS(CMBlockBufferCreateWithMemoryBlock(NULL, heap, 100, kCFAllocatorDefault, NULL, 10,
                                                    50, 0, &bb),
                 noErr);
    CHECK(bb != NULL && CFGetTypeID(bb) == CMBlockBufferGetTypeID());
    CHECK_EQ_INT(CMBlockBufferGetDataLength(bb), 50);
    CHECK_STATUS(CMBlockBufferGetDataPointer(bb, 0, &len, &total, &p), noErr);
    CHECK(p == (char *)heap + 10);
    CHECK_EQ_INT(len, 50);
    CHECK_EQ_INT(total, 50);
    CFRelease(bb);

    /* kCFAllocatorNull: borrowed, never freed (stack memory would crash free) */
    CHECK_STATUS(CMBlockBufferCreateWithMemoryBlock(NULL, stack, sizeof(stack), kCFAllocatorNull,
                                                    NULL, 0, sizeof(stack), 0, &bb),
                 noErr);
    CHECK_STATUS(CMBlockBufferGetDataPointer(bb, 4, &len, NULL, &p), noErr);
    CHECK(p == (char *)stack + 4 && len == 12);
    CFRelease(bb);

    /* custom block source wrapping client memory: FreeBlock exactly once,
     * when the last user (a reference buffer) goes away */
    heap = malloc(64);
    CHECK_STATUS(CMBlockBufferCreateWithMemoryBlock(NULL, heap, 64, NULL, &cs, 0, 64, 0, &bb),
                 noErr);
    CHECK_EQ_INT(stats.allocs, 0);
    CHECK_STATUS(CMBlockBufferCreateWithBufferReference(NULL, bb, 8, 8, 0, &ref), noErr);
    CFRelease(bb);
    CHECK_EQ_INT(stats.frees, 0);
    CHECK_STATUS(CMBlockBufferGetDataPointer(ref, 0, NULL, NULL, &p), noErr);
    CHECK(p == (char *)heap + 8);
    CFRelease(ref);
    CHECK_EQ_INT(stats.frees, 1);
    CHECK(stats.last_freed == heap && stats.last_size == 64 && stats.refcon_seen == &stats);

    /* custom source allocating the block */
    stats = (SourceStats){0};
    CHECK_STATUS(CMBlockBufferCreateWithMemoryBlock(NULL, NULL, 32, NULL, &cs, 0, 32,
                                                    kCMBlockBufferAssureMemoryNowFlag, &bb),
                 noErr);
    CHECK_EQ_INT(stats.allocs, 1);
    CHECK_STATUS(CMBlockBufferAssureBlockMemory(bb), noErr);
    CHECK_STATUS(CMBlockBufferFillDataBytes(0x5a, bb, 0, 32), noErr);
    CFRelease(bb);
    CHECK_EQ_INT(stats.frees, 1);
    CHECK_EQ_INT(stats.last_size, 32);

    /* vtcore-allocated block */
    CHECK_STATUS(
        CMBlockBufferCreateWithMemoryBlock(NULL, NULL, 10, kCFAllocatorDefault, NULL, 2, 8, 0, &bb),
        noErr);
    CHECK_STATUS(CMBlockBufferReplaceDataBytes("ABCDEFGH", bb, 0, 8), noErr);
    {
        char out[9] = {0};
        CHECK_STATUS(CMBlockBufferCopyDataBytes(bb, 0, 8, out), noErr);
        CHECK(memcmp(out, "ABCDEFGH", 8) == 0);
    }
    CFRelease(bb);

    /* failures never take ownership of client memory */
    heap = malloc(16);
    stats = (SourceStats){0};
    cs.version = 1;
    CHECK_STATUS(CMBlockBufferCreateWithMemoryBlock(NULL, heap, 16, NULL, &cs, 0, 16, 0, &bb),
                 kCMBlockBufferBadCustomBlockSourceErr);
    CHECK(bb == NULL);
    cs.version = 0;
    cs.AllocateBlock = NULL;
    CHECK_STATUS(CMBlockBufferCreateWithMemoryBlock(NULL, NULL, 16, NULL, &cs, 0, 16, 0, &bb),
                 kCMBlockBufferBadCustomBlockSourceErr);
    CHECK_STATUS(CMBlockBufferCreateWithMemoryBlock(NULL, heap, 16, NULL, NULL, 0, 17, 0, &bb),
                 kCMBlockBufferBadLengthParameterErr);
    CHECK_EQ_INT(stats.frees, 0);
    free(heap);
    CHECK_STATUS(
        CMBlockBufferCreateWithMemoryBlock(NULL, NULL, 16, kCFAllocatorNull, NULL, 0, 16, 0, &bb),
        kCMBlockBufferBlockAllocationFailedErr);
}

static void test_parameters(void) {
    CMBlockBufferRef bb = (CMBlockBufferRef)(uintptr_t)1;
    uint8_t mem[8] = {0};
    CHECK_STATUS(
        CMBlockBufferCreateWithMemoryBlock(NULL, mem, 0, kCFAllocatorNull, NULL, 0, 0, 0, &bb),
        kCMBlockBufferBadLengthParameterErr);
    CHECK(bb == NULL);
    CHECK_STATUS(
        CMBlockBufferCreateWithMemoryBlock(NULL, mem, 8, kCFAllocatorNull, NULL, 8, 1, 0, &bb),
        kCMBlockBufferBadOffsetParameterErr);
    CHECK_STATUS(
        CMBlockBufferCreateWithMemoryBlock(NULL, mem, 8, kCFAllocatorNull, NULL, 4, 5, 0, &bb),
        kCMBlockBufferBadLengthParameterErr);
    CHECK_STATUS(
        CMBlockBufferCreateWithMemoryBlock(NULL, mem, 8, kCFAllocatorNull, NULL, 0, 0, 0, &bb),
        kCMBlockBufferBadLengthParameterErr);
    CHECK_STATUS(
        CMBlockBufferCreateWithMemoryBlock(NULL, mem, 8, kCFAllocatorNull, NULL, 0, 8, 0, NULL),
        kCMBlockBufferBadPointerParameterErr);
    CHECK_STATUS(CMBlockBufferCreateWithMemoryBlock(NULL, mem, SIZE_MAX, kCFAllocatorNull, NULL,
                                                    SIZE_MAX - 1, 2, 0, &bb),
                 kCMBlockBufferBadLengthParameterErr);
    CHECK_STATUS(CMBlockBufferCreateEmpty(NULL, 0, 0, NULL), kCMBlockBufferBadPointerParameterErr);

    /* NULL buffers */
    CHECK_EQ_INT(CMBlockBufferGetDataLength(NULL), 0);
    CHECK(CMBlockBufferIsEmpty(NULL));
    CHECK(!CMBlockBufferIsRangeContiguous(NULL, 0, 0));
    CHECK_STATUS(CMBlockBufferGetDataPointer(NULL, 0, NULL, NULL, NULL),
                 kCMBlockBufferBadPointerParameterErr);
    CHECK_STATUS(CMBlockBufferCopyDataBytes(NULL, 0, 1, mem), kCMBlockBufferBadPointerParameterErr);
    CHECK_STATUS(CMBlockBufferReplaceDataBytes(mem, NULL, 0, 1),
                 kCMBlockBufferBadPointerParameterErr);
    CHECK_STATUS(CMBlockBufferFillDataBytes(0, NULL, 0, 1), kCMBlockBufferBadPointerParameterErr);
    CHECK_STATUS(CMBlockBufferAssureBlockMemory(NULL), kCMBlockBufferBadPointerParameterErr);
    CHECK_STATUS(CMBlockBufferAppendMemoryBlock(NULL, NULL, 8, NULL, NULL, 0, 8, 0),
                 kCMBlockBufferBadPointerParameterErr);
    CHECK_STATUS(CMBlockBufferAppendBufferReference(NULL, NULL, 0, 0, 0),
                 kCMBlockBufferBadPointerParameterErr);
    {
        char *p = (char *)mem;
        CHECK_STATUS(CMBlockBufferAccessDataBytes(NULL, 0, 1, mem, &p),
                     kCMBlockBufferBadPointerParameterErr);
        CHECK(p == NULL);
    }
    CHECK_STATUS(CMBlockBufferAccessDataBytes(NULL, 0, 1, mem, NULL),
                 kCMBlockBufferBadPointerParameterErr);
    CHECK_STATUS(CMBlockBufferCreateWithBufferReference(NULL, NULL, 0, 0, 0, &bb),
                 kCMBlockBufferBadPointerParameterErr);
    CHECK_STATUS(CMBlockBufferCreateContiguous(NULL, NULL, NULL, NULL, 0, 0, 0, &bb),
                 kCMBlockBufferBadPointerParameterErr);
    /* a non-block-buffer object is rejected, not misused */
    CHECK_STATUS(CMBlockBufferGetDataPointer((CMBlockBufferRef)CFSTR("x"), 0, NULL, NULL, NULL),
                 kCMBlockBufferBadPointerParameterErr);
}

/* "abc" + "defg" + "hi" */
static CMBlockBufferRef make_three_blocks(void) {
    CMBlockBufferRef bb = NULL;
    static char a[] = "xxabcxx", b[] = "defg", c[] = "hi";
    CHECK_STATUS(CMBlockBufferCreateEmpty(NULL, 3, 0, &bb), noErr);
    CHECK(CMBlockBufferIsEmpty(bb));
    CHECK_STATUS(CMBlockBufferAppendMemoryBlock(bb, a, 7, kCFAllocatorNull, NULL, 2, 3, 0), noErr);
    CHECK_STATUS(CMBlockBufferAppendMemoryBlock(bb, b, 4, kCFAllocatorNull, NULL, 0, 4, 0), noErr);
    CHECK_STATUS(CMBlockBufferAppendMemoryBlock(bb, c, 2, kCFAllocatorNull, NULL, 0, 2, 0), noErr);
    return bb;
}

static void test_non_contiguous(void) {
    CMBlockBufferRef bb = make_three_blocks(), ref = NULL, cont = NULL;
    char out[16], tmp[16], *p;
    size_t len, total;

    CHECK(!CMBlockBufferIsEmpty(bb));
    CHECK_EQ_INT(CMBlockBufferGetDataLength(bb), 9);
    CHECK_STATUS(CMBlockBufferGetDataPointer(bb, 0, &len, &total, &p), noErr);
    CHECK(len == 3 && total == 9 && p[0] == 'a');
    CHECK_STATUS(CMBlockBufferGetDataPointer(bb, 4, &len, NULL, &p), noErr);
    CHECK(len == 3 && p[0] == 'e');
    CHECK_STATUS(CMBlockBufferGetDataPointer(bb, 8, &len, NULL, &p), noErr);
    CHECK(len == 1 && p[0] == 'i');
    len = 99;
    CHECK_STATUS(CMBlockBufferGetDataPointer(bb, 9, &len, NULL, &p),
                 kCMBlockBufferBadOffsetParameterErr);
    CHECK(len == 0 && p == NULL);

    CHECK(CMBlockBufferIsRangeContiguous(bb, 0, 3));
    CHECK(!CMBlockBufferIsRangeContiguous(bb, 2, 2));
    CHECK(CMBlockBufferIsRangeContiguous(bb, 3, 4));
    CHECK(CMBlockBufferIsRangeContiguous(bb, 7, 0));  /* to the end: "hi" */
    CHECK(!CMBlockBufferIsRangeContiguous(bb, 0, 0)); /* whole buffer */
    CHECK(!CMBlockBufferIsRangeContiguous(bb, 8, 2)); /* past the end */
    CHECK(!CMBlockBufferIsRangeContiguous(bb, 9, 1));

    memset(out, 0, sizeof(out));
    CHECK_STATUS(CMBlockBufferCopyDataBytes(bb, 0, 9, out), noErr);
    CHECK(strcmp(out, "abcdefghi") == 0);
    memset(out, 0, sizeof(out));
    CHECK_STATUS(CMBlockBufferCopyDataBytes(bb, 2, 5, out), noErr);
    CHECK(strcmp(out, "cdefg") == 0);
    CHECK_STATUS(CMBlockBufferCopyDataBytes(bb, 7, 5, out), kCMBlockBufferBadLengthParameterErr);
    CHECK_STATUS(CMBlockBufferCopyDataBytes(bb, 10, 0, out), kCMBlockBufferBadOffsetParameterErr);
    CHECK_STATUS(CMBlockBufferCopyDataBytes(bb, 10, 1, out), kCMBlockBufferBadOffsetParameterErr);
    CHECK_STATUS(CMBlockBufferCopyDataBytes(bb, 9, 0, out), noErr);
    CHECK_STATUS(CMBlockBufferCopyDataBytes(bb, 0, SIZE_MAX, out),
                 kCMBlockBufferBadLengthParameterErr);
    CHECK_STATUS(CMBlockBufferCopyDataBytes(bb, 0, 1, NULL), kCMBlockBufferBadPointerParameterErr);

    /* access: pointer into the block when contiguous, else the temp block */
    CHECK_STATUS(CMBlockBufferAccessDataBytes(bb, 3, 4, tmp, &p), noErr);
    CHECK(p != tmp && memcmp(p, "defg", 4) == 0);
    CHECK_STATUS(CMBlockBufferAccessDataBytes(bb, 1, 5, tmp, &p), noErr);
    CHECK(p == tmp && memcmp(p, "bcdef", 5) == 0);
    CHECK_STATUS(CMBlockBufferAccessDataBytes(bb, 1, 5, NULL, &p),
                 kCMBlockBufferBadPointerParameterErr);
    CHECK_STATUS(CMBlockBufferAccessDataBytes(bb, 1, 0, tmp, &p),
                 kCMBlockBufferBadLengthParameterErr);
    CHECK_STATUS(CMBlockBufferAccessDataBytes(bb, 9, 1, tmp, &p),
                 kCMBlockBufferBadOffsetParameterErr);
    CHECK_STATUS(CMBlockBufferAccessDataBytes(bb, 5, 5, tmp, &p),
                 kCMBlockBufferBadLengthParameterErr);

    /* references share memory */
    CHECK_STATUS(CMBlockBufferCreateWithBufferReference(NULL, bb, 2, 5, 0, &ref), noErr);
    CHECK_EQ_INT(CMBlockBufferGetDataLength(ref), 5);
    memset(out, 0, sizeof(out));
    CHECK_STATUS(CMBlockBufferCopyDataBytes(ref, 0, 5, out), noErr);
    CHECK(strcmp(out, "cdefg") == 0);
    CHECK_STATUS(CMBlockBufferReplaceDataBytes("CD", ref, 0, 2), noErr);
    CHECK_STATUS(CMBlockBufferFillDataBytes('*', ref, 3, 2), noErr);
    memset(out, 0, sizeof(out));
    CHECK_STATUS(CMBlockBufferCopyDataBytes(bb, 0, 9, out), noErr);
    CHECK(strcmp(out, "abCDe**hi") == 0);
    CHECK_STATUS(CMBlockBufferReplaceDataBytes("cd", ref, 0, 2), noErr);
    CHECK_STATUS(CMBlockBufferReplaceDataBytes("fg", ref, 3, 2), noErr);
    CHECK_STATUS(CMBlockBufferReplaceDataBytes("zz", ref, 4, 2),
                 kCMBlockBufferBadLengthParameterErr);
    CHECK_STATUS(CMBlockBufferReplaceDataBytes(NULL, ref, 0, 1),
                 kCMBlockBufferBadPointerParameterErr);

    /* reference to the end (dataLength 0), offset errors */
    CFRelease(ref);
    CHECK_STATUS(CMBlockBufferCreateWithBufferReference(NULL, bb, 6, 0, 0, &ref), noErr);
    CHECK_EQ_INT(CMBlockBufferGetDataLength(ref), 3);
    CFRelease(ref);
    CHECK_STATUS(CMBlockBufferCreateWithBufferReference(NULL, bb, 9, 0, 0, &ref),
                 kCMBlockBufferBadOffsetParameterErr);
    CHECK_STATUS(CMBlockBufferCreateWithBufferReference(NULL, bb, 5, 5, 0, &ref),
                 kCMBlockBufferBadLengthParameterErr);

    /* appending a buffer to itself */
    CHECK_STATUS(CMBlockBufferAppendBufferReference(bb, bb, 0, 0, 0), noErr);
    CHECK_EQ_INT(CMBlockBufferGetDataLength(bb), 18);
    memset(out, 0, sizeof(out));
    CHECK_STATUS(CMBlockBufferCopyDataBytes(bb, 7, 9, out), noErr);
    CHECK(strcmp(out, "hiabcdefg") == 0);

    /* contiguous copies */
    CHECK_STATUS(CMBlockBufferCreateContiguous(NULL, bb, NULL, NULL, 1, 8, 0, &cont), noErr);
    CHECK(CMBlockBufferIsRangeContiguous(cont, 0, 0));
    memset(out, 0, sizeof(out));
    CHECK_STATUS(CMBlockBufferCopyDataBytes(cont, 0, 8, out), noErr);
    CHECK(strcmp(out, "bcdefghi") == 0);
    CFRelease(cont);
    {
        char *orig, *shared;
        CMBlockBufferGetDataPointer(bb, 3, NULL, NULL, &orig);
        CHECK_STATUS(CMBlockBufferCreateContiguous(NULL, bb, NULL, NULL, 3, 4, 0, &cont), noErr);
        CMBlockBufferGetDataPointer(cont, 0, NULL, NULL, &shared);
        CHECK(orig == shared); /* already contiguous: no copy */
        CFRelease(cont);
        CHECK_STATUS(CMBlockBufferCreateContiguous(NULL, bb, NULL, NULL, 3, 4,
                                                   kCMBlockBufferAlwaysCopyDataFlag, &cont),
                     noErr);
        CMBlockBufferGetDataPointer(cont, 0, NULL, NULL, &shared);
        CHECK(orig != shared && memcmp(shared, "defg", 4) == 0);
        CFRelease(cont);
    }
    CHECK_STATUS(CMBlockBufferCreateContiguous(NULL, bb, NULL, NULL, 18, 1, 0, &cont),
                 kCMBlockBufferBadOffsetParameterErr);
    CHECK_STATUS(CMBlockBufferCreateContiguous(NULL, bb, kCFAllocatorNull, NULL, 0, 0, 0, &cont),
                 kCMBlockBufferBlockAllocationFailedErr);
    CFRelease(bb);
}

static void test_empty(void) {
    CMBlockBufferRef e = NULL, bb = NULL;
    char out[4], *p = out;
    size_t len = 7;
    CHECK_STATUS(CMBlockBufferCreateEmpty(NULL, 0, 0, &e), noErr);
    CHECK(CMBlockBufferIsEmpty(e));
    CHECK_EQ_INT(CMBlockBufferGetDataLength(e), 0);
    CHECK_STATUS(CMBlockBufferGetDataPointer(e, 0, &len, NULL, &p),
                 kCMBlockBufferBadOffsetParameterErr);
    CHECK(len == 0 && p == NULL);
    CHECK(!CMBlockBufferIsRangeContiguous(e, 0, 0));
    CHECK_STATUS(CMBlockBufferCopyDataBytes(e, 0, 0, out), noErr);
    CHECK_STATUS(CMBlockBufferCopyDataBytes(e, 0, 1, out), kCMBlockBufferBadOffsetParameterErr);
    CHECK_STATUS(CMBlockBufferCreateContiguous(NULL, e, NULL, NULL, 0, 0, 0, &bb),
                 kCMBlockBufferEmptyBBufErr);
    CHECK_STATUS(CMBlockBufferCreateWithBufferReference(NULL, e, 0, 0, 0, &bb),
                 kCMBlockBufferEmptyBBufErr);
    CHECK(bb == NULL);
    CHECK_STATUS(CMBlockBufferCreateWithBufferReference(
                     NULL, e, 0, 0, kCMBlockBufferPermitEmptyReferenceFlag, &bb),
                 noErr);
    CHECK(bb != NULL && CMBlockBufferIsEmpty(bb));
    if (bb)
        CFRelease(bb);
    CFRelease(e);
}

static void test_owned_and_alloc_failures(void) {
    CMBlockBufferRef bb = NULL;
    uint8_t *data = vt_malloc(32);
    long n;
    int ok_seen = 0;
    memset(data, 7, 32);
    CHECK_STATUS(vt_cm_block_buffer_create_owned(data, 32, &bb), noErr);
    {
        char *p;
        CMBlockBufferGetDataPointer(bb, 0, NULL, NULL, &p);
        CHECK(p == (char *)data); /* no copy */
    }
    CFRelease(bb);
    CHECK_STATUS(vt_cm_block_buffer_create_owned(NULL, 32, &bb),
                 kCMBlockBufferBadPointerParameterErr);
    CHECK_STATUS(vt_cm_block_buffer_create_owned(vt_malloc(4), 0, &bb),
                 kCMBlockBufferBadLengthParameterErr);
    CHECK_STATUS(vt_cm_block_buffer_create_owned(vt_malloc(4), 4, NULL),
                 kCMBlockBufferBadPointerParameterErr);

    /* every allocation of a create+append+reference sequence may fail */
    for (n = 1; n < 40 && !ok_seen; n++) {
        CMBlockBufferRef a = NULL, r = NULL;
        OSStatus st;
        vtcore_debug_fail_allocation_after(n);
        st = CMBlockBufferCreateWithMemoryBlock(NULL, NULL, 64, NULL, NULL, 0, 64, 0, &a);
        if (st == noErr) {
            st = CMBlockBufferAppendMemoryBlock(a, NULL, 16, NULL, NULL, 0, 16, 0);
            if (st == noErr)
                st = CMBlockBufferCreateWithBufferReference(NULL, a, 8, 64, 0, &r);
        } else {
            CHECK(a == NULL);
        }
        CHECK_MSG(st == noErr || st == kCMBlockBufferStructureAllocationFailedErr ||
                      st == kCMBlockBufferBlockAllocationFailedErr,
                  "n=%ld st=%d", n, (int)st);
        if (st == noErr) {
            ok_seen = 1;
            CHECK_EQ_INT(CMBlockBufferGetDataLength(r), 64);
        }
        if (r)
            CFRelease(r);
        if (a)
            CFRelease(a);
    }
    vtcore_debug_fail_allocation_after(0);
    CHECK(ok_seen);
}

int main(void) {
    test_layout();
    test_memory_ownership();
    test_parameters();
    test_non_contiguous();
    test_empty();
    test_owned_and_alloc_failures();
    return vt_test_result();
}
