/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * CMBlockBuffer. A buffer is a list of segments, each a byte range of a
 * reference-counted memory block (VTMemBlock). Appending a reference to
 * another buffer copies that buffer's segments for the range and retains
 * their blocks, so references never nest and memory lives as long as any
 * buffer uses it.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <CoreMedia/CMBlockBuffer.h>

#include "cm/cm_internal.h"
#include "log.h"
#include "mem.h"
#include "runtime.h"

enum vt_block_kind {
    VT_BLOCK_OWNED,    /* allocated by vtcore: vt_free */
    VT_BLOCK_MALLOC,   /* client memory from malloc(): free */
    VT_BLOCK_BORROWED, /* kCFAllocatorNull: never freed */
    VT_BLOCK_CUSTOM,   /* customBlockSource->FreeBlock */
};

typedef struct VTMemBlock {
    long refcount; /* __atomic builtins */
    void *data;
    size_t size;
    enum vt_block_kind kind;
    CMBlockBufferCustomBlockSource custom;
} VTMemBlock;

typedef struct VTSegment {
    VTMemBlock *block;
    size_t offset; /* into block->data */
    size_t length;
} VTSegment;

struct OpaqueCMBlockBuffer {
    VTObject base;
    VTSegment *segs;
    size_t count;
    size_t capacity;
    size_t length; /* sum of segment lengths */
};

/* ---- memory blocks ---- */

static void block_release_memory(enum vt_block_kind kind, const CMBlockBufferCustomBlockSource *cs,
                                 void *data, size_t size) {
    switch (kind) {
    case VT_BLOCK_OWNED:
        vt_free(data);
        break;
    case VT_BLOCK_MALLOC:
        free(data); /* the client allocated it with malloc() */
        break;
    case VT_BLOCK_BORROWED:
        break;
    case VT_BLOCK_CUSTOM:
        if (cs->FreeBlock)
            cs->FreeBlock(cs->refCon, data, size);
        break;
    }
}

static void block_retain(VTMemBlock *b) {
    __atomic_fetch_add(&b->refcount, 1, __ATOMIC_RELAXED);
}

static void block_release(VTMemBlock *b) {
    if (__atomic_fetch_sub(&b->refcount, 1, __ATOMIC_ACQ_REL) == 1) {
        block_release_memory(b->kind, &b->custom, b->data, b->size);
        vt_free(b);
    }
}

/* Validates a (memoryBlock, blockLength, offset, length) request. */
static OSStatus check_range(size_t blockLength, size_t offsetToData, size_t dataLength) {
    if (blockLength == 0 || dataLength == 0)
        return kCMBlockBufferBadLengthParameterErr;
    if (offsetToData >= blockLength)
        return kCMBlockBufferBadOffsetParameterErr;
    if (dataLength > blockLength - offsetToData)
        return kCMBlockBufferBadLengthParameterErr;
    return noErr;
}

/* Creates the block record (refcount 1), allocating the memory if
 * memoryBlock is NULL. On failure a passed-in memoryBlock stays the
 * caller's. */
static OSStatus block_new(void *memoryBlock, size_t blockLength, CFAllocatorRef blockAllocator,
                          const CMBlockBufferCustomBlockSource *customBlockSource,
                          VTMemBlock **out) {
    VTMemBlock *b;
    CMBlockBufferCustomBlockSource cs;
    enum vt_block_kind kind;
    void *data = memoryBlock;

    memset(&cs, 0, sizeof(cs));
    if (customBlockSource) {
        cs = *customBlockSource;
        if (cs.version != kCMBlockBufferCustomBlockSourceVersion)
            return kCMBlockBufferBadCustomBlockSourceErr;
        if (!memoryBlock && !cs.AllocateBlock)
            return kCMBlockBufferBadCustomBlockSourceErr;
        kind = VT_BLOCK_CUSTOM;
    } else if (!memoryBlock) {
        if (blockAllocator == kCFAllocatorNull)
            return kCMBlockBufferBlockAllocationFailedErr;
        kind = VT_BLOCK_OWNED;
    } else {
        kind = blockAllocator == kCFAllocatorNull ? VT_BLOCK_BORROWED : VT_BLOCK_MALLOC;
    }

    b = vt_calloc(1, sizeof(*b));
    if (!b)
        return kCMBlockBufferStructureAllocationFailedErr;
    if (!data) {
        data = kind == VT_BLOCK_CUSTOM ? cs.AllocateBlock(cs.refCon, blockLength)
                                       : vt_malloc(blockLength);
        if (!data) {
            vt_free(b);
            return kCMBlockBufferBlockAllocationFailedErr;
        }
    }
    b->refcount = 1;
    b->data = data;
    b->size = blockLength;
    b->kind = kind;
    b->custom = cs;
    *out = b;
    return noErr;
}

/* ---- the buffer object ---- */

static void block_buffer_finalize(CFTypeRef obj) {
    struct OpaqueCMBlockBuffer *bb = (struct OpaqueCMBlockBuffer *)obj;
    size_t i;
    for (i = 0; i < bb->count; i++)
        block_release(bb->segs[i].block);
    vt_free(bb->segs);
}

static const VTClass block_buffer_class = {
    .name = "CMBlockBuffer",
    .type_id = VT_TYPE_ID_BLOCK_BUFFER,
    .finalize = block_buffer_finalize,
};

CFTypeID CMBlockBufferGetTypeID(void) {
    return VT_TYPE_ID_BLOCK_BUFFER;
}

static Boolean is_block_buffer(CFTypeRef obj) {
    return vt_object_is(obj, &block_buffer_class);
}

static OSStatus reserve(struct OpaqueCMBlockBuffer *bb, size_t extra) {
    size_t need, cap;
    VTSegment *segs;
    if (!vt_size_add(bb->count, extra, &need))
        return kCMBlockBufferStructureAllocationFailedErr;
    if (need <= bb->capacity)
        return noErr;
    cap = bb->capacity ? bb->capacity * 2 : 4;
    if (cap < need)
        cap = need;
    if (!vt_size_mul(cap, sizeof(VTSegment), &need))
        return kCMBlockBufferStructureAllocationFailedErr;
    segs = vt_realloc(bb->segs, need);
    if (!segs)
        return kCMBlockBufferStructureAllocationFailedErr;
    bb->segs = segs;
    bb->capacity = cap;
    return noErr;
}

/* Appends a segment; the caller has reserved room and owns one reference
 * to `block`, which passes to the buffer. */
static void push_segment(struct OpaqueCMBlockBuffer *bb, VTMemBlock *block, size_t offset,
                         size_t length) {
    VTSegment *s = &bb->segs[bb->count++];
    s->block = block;
    s->offset = offset;
    s->length = length;
    bb->length += length;
}

OSStatus CMBlockBufferCreateEmpty(CFAllocatorRef structureAllocator, uint32_t subBlockCapacity,
                                  CMBlockBufferFlags flags, CMBlockBufferRef *blockBufferOut) {
    struct OpaqueCMBlockBuffer *bb;
    VT_CHECK_ARG(blockBufferOut != NULL, kCMBlockBufferBadPointerParameterErr);
    *blockBufferOut = NULL;
    bb = vt_object_alloc(&block_buffer_class, sizeof(*bb));
    if (!bb)
        return kCMBlockBufferStructureAllocationFailedErr;
    if (subBlockCapacity && reserve(bb, subBlockCapacity > 64 ? 64 : subBlockCapacity) != noErr) {
        CFRelease(bb);
        return kCMBlockBufferStructureAllocationFailedErr;
    }
    *blockBufferOut = bb;
    return noErr;
}

OSStatus CMBlockBufferAppendMemoryBlock(CMBlockBufferRef theBuffer, void *memoryBlock,
                                        size_t blockLength, CFAllocatorRef blockAllocator,
                                        const CMBlockBufferCustomBlockSource *customBlockSource,
                                        size_t offsetToData, size_t dataLength,
                                        CMBlockBufferFlags flags) {
    VTMemBlock *block;
    OSStatus st;
    VT_CHECK_ARG(is_block_buffer(theBuffer), kCMBlockBufferBadPointerParameterErr);
    st = check_range(blockLength, offsetToData, dataLength);
    if (st != noErr)
        return st;
    if (theBuffer->length > SIZE_MAX - dataLength)
        return kCMBlockBufferBadLengthParameterErr;
    st = reserve(theBuffer, 1);
    if (st != noErr)
        return st;
    st = block_new(memoryBlock, blockLength, blockAllocator, customBlockSource, &block);
    if (st != noErr)
        return st;
    push_segment(theBuffer, block, offsetToData, dataLength);
    return noErr;
}

OSStatus CMBlockBufferCreateWithMemoryBlock(CFAllocatorRef structureAllocator, void *memoryBlock,
                                            size_t blockLength, CFAllocatorRef blockAllocator,
                                            const CMBlockBufferCustomBlockSource *customBlockSource,
                                            size_t offsetToData, size_t dataLength,
                                            CMBlockBufferFlags flags,
                                            CMBlockBufferRef *blockBufferOut) {
    CMBlockBufferRef bb;
    OSStatus st;
    VT_CHECK_ARG(blockBufferOut != NULL, kCMBlockBufferBadPointerParameterErr);
    *blockBufferOut = NULL;
    st = check_range(blockLength, offsetToData, dataLength);
    if (st != noErr)
        return st;
    st = CMBlockBufferCreateEmpty(structureAllocator, 1, 0, &bb);
    if (st != noErr)
        return st;
    st = CMBlockBufferAppendMemoryBlock(bb, memoryBlock, blockLength, blockAllocator,
                                        customBlockSource, offsetToData, dataLength, flags);
    if (st != noErr) {
        CFRelease(bb);
        return st;
    }
    *blockBufferOut = bb;
    return noErr;
}

/* Resolves [offset, offset + *length) of a non-empty target; *length 0
 * means "to the end". */
static OSStatus resolve_range(CMBlockBufferRef bb, size_t offset, size_t *length) {
    if (offset >= bb->length)
        return kCMBlockBufferBadOffsetParameterErr;
    if (*length == 0)
        *length = bb->length - offset;
    else if (*length > bb->length - offset)
        return kCMBlockBufferBadLengthParameterErr;
    return noErr;
}

/* Index of the segment holding byte `offset` (< bb->length), and the
 * offset of that segment's first byte. */
static size_t find_segment(CMBlockBufferRef bb, size_t offset, size_t *seg_start) {
    size_t i, start = 0;
    for (i = 0; i < bb->count; i++) {
        if (offset < start + bb->segs[i].length)
            break;
        start += bb->segs[i].length;
    }
    *seg_start = start;
    return i;
}

OSStatus CMBlockBufferAppendBufferReference(CMBlockBufferRef theBuffer, CMBlockBufferRef targetBBuf,
                                            size_t offsetToData, size_t dataLength,
                                            CMBlockBufferFlags flags) {
    size_t first, last, i, seg_start, last_start, pieces, end, pos;
    OSStatus st;
    VT_CHECK_ARG(is_block_buffer(theBuffer), kCMBlockBufferBadPointerParameterErr);
    VT_CHECK_ARG(is_block_buffer(targetBBuf), kCMBlockBufferBadPointerParameterErr);
    if (targetBBuf->length == 0) {
        if (offsetToData != 0)
            return kCMBlockBufferBadOffsetParameterErr;
        return (flags & kCMBlockBufferPermitEmptyReferenceFlag) ? noErr
                                                                : kCMBlockBufferEmptyBBufErr;
    }
    st = resolve_range(targetBBuf, offsetToData, &dataLength);
    if (st != noErr)
        return st;
    if (theBuffer->length > SIZE_MAX - dataLength)
        return kCMBlockBufferBadLengthParameterErr;
    end = offsetToData + dataLength; /* exclusive */
    first = find_segment(targetBBuf, offsetToData, &seg_start);
    last = find_segment(targetBBuf, end - 1, &last_start);
    pieces = last - first + 1;
    /* targetBBuf may be theBuffer: reserve first (it may move segs), then
     * read only the original indices [first, last]. */
    st = reserve(theBuffer, pieces);
    if (st != noErr)
        return st;
    pos = seg_start;
    for (i = first; i <= last; i++) {
        VTSegment s = targetBBuf->segs[i];
        size_t skip = offsetToData > pos ? offsetToData - pos : 0;
        size_t seg_end = pos + s.length;
        size_t take_end = seg_end < end ? seg_end : end;
        block_retain(s.block);
        push_segment(theBuffer, s.block, s.offset + skip, take_end - pos - skip);
        pos = seg_end;
    }
    return noErr;
}

OSStatus CMBlockBufferCreateWithBufferReference(CFAllocatorRef structureAllocator,
                                                CMBlockBufferRef bufferReference,
                                                size_t offsetToData, size_t dataLength,
                                                CMBlockBufferFlags flags,
                                                CMBlockBufferRef *blockBufferOut) {
    CMBlockBufferRef bb;
    OSStatus st;
    VT_CHECK_ARG(blockBufferOut != NULL, kCMBlockBufferBadPointerParameterErr);
    *blockBufferOut = NULL;
    VT_CHECK_ARG(is_block_buffer(bufferReference), kCMBlockBufferBadPointerParameterErr);
    st = CMBlockBufferCreateEmpty(structureAllocator, 1, 0, &bb);
    if (st != noErr)
        return st;
    st = CMBlockBufferAppendBufferReference(bb, bufferReference, offsetToData, dataLength, flags);
    if (st != noErr) {
        CFRelease(bb);
        return st;
    }
    *blockBufferOut = bb;
    return noErr;
}

Boolean CMBlockBufferIsRangeContiguous(CMBlockBufferRef theBuffer, size_t offset, size_t length) {
    size_t seg_start, i;
    if (!is_block_buffer(theBuffer) || theBuffer->length == 0)
        return FALSE;
    if (resolve_range(theBuffer, offset, &length) != noErr)
        return FALSE;
    i = find_segment(theBuffer, offset, &seg_start);
    return offset + length <= seg_start + theBuffer->segs[i].length;
}

static void copy_out(CMBlockBufferRef bb, size_t offset, size_t length, uint8_t *dst) {
    size_t seg_start, i = find_segment(bb, offset, &seg_start);
    while (length) {
        const VTSegment *s = &bb->segs[i++];
        size_t in = offset - seg_start;
        size_t n = s->length - in < length ? s->length - in : length;
        memcpy(dst, (const uint8_t *)s->block->data + s->offset + in, n);
        dst += n;
        length -= n;
        offset += n;
        seg_start += s->length;
    }
}

OSStatus CMBlockBufferCreateContiguous(CFAllocatorRef structureAllocator,
                                       CMBlockBufferRef sourceBuffer, CFAllocatorRef blockAllocator,
                                       const CMBlockBufferCustomBlockSource *customBlockSource,
                                       size_t offsetToData, size_t dataLength,
                                       CMBlockBufferFlags flags, CMBlockBufferRef *blockBufferOut) {
    CMBlockBufferRef bb;
    VTMemBlock *block;
    OSStatus st;
    VT_CHECK_ARG(blockBufferOut != NULL, kCMBlockBufferBadPointerParameterErr);
    *blockBufferOut = NULL;
    VT_CHECK_ARG(is_block_buffer(sourceBuffer), kCMBlockBufferBadPointerParameterErr);
    if (sourceBuffer->length == 0)
        return kCMBlockBufferEmptyBBufErr;
    st = resolve_range(sourceBuffer, offsetToData, &dataLength);
    if (st != noErr)
        return st;
    if (!(flags & kCMBlockBufferAlwaysCopyDataFlag) &&
        CMBlockBufferIsRangeContiguous(sourceBuffer, offsetToData, dataLength))
        return CMBlockBufferCreateWithBufferReference(structureAllocator, sourceBuffer,
                                                      offsetToData, dataLength, 0, blockBufferOut);

    st = CMBlockBufferCreateEmpty(structureAllocator, 1, 0, &bb);
    if (st != noErr)
        return st;
    st = block_new(NULL, dataLength, blockAllocator, customBlockSource, &block);
    if (st != noErr) {
        CFRelease(bb);
        return st;
    }
    copy_out(sourceBuffer, offsetToData, dataLength, block->data);
    push_segment(bb, block, 0, dataLength); /* capacity reserved by CreateEmpty */
    *blockBufferOut = bb;
    return noErr;
}

OSStatus CMBlockBufferAssureBlockMemory(CMBlockBufferRef theBuffer) {
    VT_CHECK_ARG(is_block_buffer(theBuffer), kCMBlockBufferBadPointerParameterErr);
    return noErr;
}

/* Common range check of the byte accessors: length 0 allowed at any
 * offset <= data length. */
static OSStatus check_access(CMBlockBufferRef bb, size_t offset, size_t length) {
    if (offset > bb->length || (offset == bb->length && length != 0))
        return kCMBlockBufferBadOffsetParameterErr;
    if (length > bb->length - offset)
        return kCMBlockBufferBadLengthParameterErr;
    return noErr;
}

OSStatus CMBlockBufferCopyDataBytes(CMBlockBufferRef theSourceBuffer, size_t offsetToData,
                                    size_t dataLength, void *destination) {
    OSStatus st;
    VT_CHECK_ARG(is_block_buffer(theSourceBuffer), kCMBlockBufferBadPointerParameterErr);
    VT_CHECK_ARG(destination != NULL, kCMBlockBufferBadPointerParameterErr);
    st = check_access(theSourceBuffer, offsetToData, dataLength);
    if (st != noErr || dataLength == 0)
        return st;
    copy_out(theSourceBuffer, offsetToData, dataLength, destination);
    return noErr;
}

/* Writes into the blocks: src != NULL copies, else fills with `fill`. */
static void write_in(CMBlockBufferRef bb, size_t offset, size_t length, const uint8_t *src,
                     int fill) {
    size_t seg_start, i = find_segment(bb, offset, &seg_start);
    while (length) {
        const VTSegment *s = &bb->segs[i++];
        size_t in = offset - seg_start;
        size_t n = s->length - in < length ? s->length - in : length;
        uint8_t *dst = (uint8_t *)s->block->data + s->offset + in;
        if (src) {
            memcpy(dst, src, n);
            src += n;
        } else {
            memset(dst, fill, n);
        }
        length -= n;
        offset += n;
        seg_start += s->length;
    }
}

OSStatus CMBlockBufferReplaceDataBytes(const void *sourceBytes, CMBlockBufferRef destinationBuffer,
                                       size_t offsetIntoDestination, size_t dataLength) {
    OSStatus st;
    VT_CHECK_ARG(is_block_buffer(destinationBuffer), kCMBlockBufferBadPointerParameterErr);
    VT_CHECK_ARG(sourceBytes != NULL, kCMBlockBufferBadPointerParameterErr);
    st = check_access(destinationBuffer, offsetIntoDestination, dataLength);
    if (st != noErr || dataLength == 0)
        return st;
    write_in(destinationBuffer, offsetIntoDestination, dataLength, sourceBytes, 0);
    return noErr;
}

OSStatus CMBlockBufferFillDataBytes(char fillByte, CMBlockBufferRef destinationBuffer,
                                    size_t offsetIntoDestination, size_t dataLength) {
    OSStatus st;
    VT_CHECK_ARG(is_block_buffer(destinationBuffer), kCMBlockBufferBadPointerParameterErr);
    st = check_access(destinationBuffer, offsetIntoDestination, dataLength);
    if (st != noErr || dataLength == 0)
        return st;
    write_in(destinationBuffer, offsetIntoDestination, dataLength, NULL, (unsigned char)fillByte);
    return noErr;
}

OSStatus CMBlockBufferAccessDataBytes(CMBlockBufferRef theBuffer, size_t offset, size_t length,
                                      void *temporaryBlock, char **returnedPointerOut) {
    size_t seg_start, i;
    VT_CHECK_ARG(returnedPointerOut != NULL, kCMBlockBufferBadPointerParameterErr);
    *returnedPointerOut = NULL;
    VT_CHECK_ARG(is_block_buffer(theBuffer), kCMBlockBufferBadPointerParameterErr);
    if (length == 0)
        return kCMBlockBufferBadLengthParameterErr;
    if (offset >= theBuffer->length)
        return kCMBlockBufferBadOffsetParameterErr;
    if (length > theBuffer->length - offset)
        return kCMBlockBufferBadLengthParameterErr;
    i = find_segment(theBuffer, offset, &seg_start);
    if (offset + length <= seg_start + theBuffer->segs[i].length) {
        const VTSegment *s = &theBuffer->segs[i];
        *returnedPointerOut = (char *)s->block->data + s->offset + (offset - seg_start);
        return noErr;
    }
    VT_CHECK_ARG(temporaryBlock != NULL, kCMBlockBufferBadPointerParameterErr);
    copy_out(theBuffer, offset, length, temporaryBlock);
    *returnedPointerOut = temporaryBlock;
    return noErr;
}

OSStatus CMBlockBufferGetDataPointer(CMBlockBufferRef theBuffer, size_t offset,
                                     size_t *lengthAtOffsetOut, size_t *totalLengthOut,
                                     char **dataPointerOut) {
    size_t seg_start, i;
    const VTSegment *s;
    if (lengthAtOffsetOut)
        *lengthAtOffsetOut = 0;
    if (totalLengthOut)
        *totalLengthOut = 0;
    if (dataPointerOut)
        *dataPointerOut = NULL;
    VT_CHECK_ARG(is_block_buffer(theBuffer), kCMBlockBufferBadPointerParameterErr);
    if (offset >= theBuffer->length)
        return kCMBlockBufferBadOffsetParameterErr;
    i = find_segment(theBuffer, offset, &seg_start);
    s = &theBuffer->segs[i];
    if (lengthAtOffsetOut)
        *lengthAtOffsetOut = s->length - (offset - seg_start);
    if (totalLengthOut)
        *totalLengthOut = theBuffer->length;
    if (dataPointerOut)
        *dataPointerOut = (char *)s->block->data + s->offset + (offset - seg_start);
    return noErr;
}

size_t CMBlockBufferGetDataLength(CMBlockBufferRef theBuffer) {
    return is_block_buffer(theBuffer) ? theBuffer->length : 0;
}

Boolean CMBlockBufferIsEmpty(CMBlockBufferRef theBuffer) {
    return !is_block_buffer(theBuffer) || theBuffer->length == 0;
}

/* ---- internal ---- */

OSStatus vt_cm_block_buffer_create_owned(void *data, size_t size, CMBlockBufferRef *out) {
    CMBlockBufferRef bb;
    VTMemBlock *block;
    OSStatus st;
    if (!out || !data || size == 0) {
        vt_free(data);
        if (out)
            *out = NULL;
        return !out || !data ? kCMBlockBufferBadPointerParameterErr
                             : kCMBlockBufferBadLengthParameterErr;
    }
    *out = NULL;
    st = CMBlockBufferCreateEmpty(NULL, 1, 0, &bb);
    if (st != noErr) {
        vt_free(data);
        return st;
    }
    st = block_new(data, size, NULL, NULL, &block);
    if (st != noErr) {
        vt_free(data);
        CFRelease(bb);
        return st;
    }
    block->kind = VT_BLOCK_OWNED;
    push_segment(bb, block, 0, size);
    *out = bb;
    return noErr;
}
