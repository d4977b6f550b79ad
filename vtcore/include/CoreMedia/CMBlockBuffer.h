/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * CMBlockBuffer: a byte range assembled from one or more memory blocks or
 * ranges of other block buffers. Written for vtcore from the documented
 * Apple API; names, struct layout and numeric values follow Apple.
 *
 * vtcore specifics: a block whose memory is to be allocated (memoryBlock
 * NULL) is allocated at creation/append time, not lazily, so
 * CMBlockBufferAssureBlockMemory has nothing to do. Appending a buffer
 * reference shares the referenced memory blocks (they are reference
 * counted) instead of retaining the referenced CMBlockBuffer object.
 * Block buffers are not thread-safe for mutation (as on Apple).
 */
#ifndef VTCORE_COREMEDIA_CMBLOCKBUFFER_H
#define VTCORE_COREMEDIA_CMBLOCKBUFFER_H

#include <CoreMedia/CMBase.h>

CF_EXTERN_C_BEGIN

enum {
    kCMBlockBufferNoErr = 0,
    kCMBlockBufferStructureAllocationFailedErr = -12700,
    kCMBlockBufferBlockAllocationFailedErr = -12701,
    kCMBlockBufferBadCustomBlockSourceErr = -12702,
    kCMBlockBufferBadOffsetParameterErr = -12703,
    kCMBlockBufferBadLengthParameterErr = -12704,
    kCMBlockBufferBadPointerParameterErr = -12705,
    kCMBlockBufferEmptyBBufErr = -12706,
    kCMBlockBufferUnallocatedBlockErr = -12707,
    kCMBlockBufferInsufficientSpaceErr = -12708,
};

typedef uint32_t CMBlockBufferFlags;
enum {
    kCMBlockBufferAssureMemoryNowFlag = (1L << 0),
    kCMBlockBufferAlwaysCopyDataFlag = (1L << 1),
    kCMBlockBufferDontOptimizeDepthFlag = (1L << 2),
    kCMBlockBufferPermitEmptyReferenceFlag = (1L << 3),
};

typedef struct OpaqueCMBlockBuffer *CMBlockBufferRef;

#pragma pack(push, 4)
/* Custom allocation of a memory block. version must be
 * kCMBlockBufferCustomBlockSourceVersion. AllocateBlock is needed only when
 * the block is to be allocated (memoryBlock NULL); FreeBlock (may be NULL)
 * is called exactly once, when the last buffer using the block goes away.
 * The struct is copied. With pack(4) the pointers sit at offsets 4, 12, 20
 * as in Apple's 64-bit layout. */
typedef struct {
    uint32_t version;
    void *(*AllocateBlock)(void *refCon, size_t sizeInBytes);
    void (*FreeBlock)(void *refCon, void *doomedMemoryBlock, size_t sizeInBytes);
    void *refCon;
} CMBlockBufferCustomBlockSource;
#pragma pack(pop)

enum { kCMBlockBufferCustomBlockSourceVersion = 0 };

CM_EXPORT CFTypeID CMBlockBufferGetTypeID(void);

/* An empty buffer to append to. subBlockCapacity is a hint. Returns noErr,
 * kCMBlockBufferBadPointerParameterErr (NULL out) or
 * kCMBlockBufferStructureAllocationFailedErr. *blockBufferOut is +1. */
CM_EXPORT OSStatus CMBlockBufferCreateEmpty(CFAllocatorRef structureAllocator,
                                            uint32_t subBlockCapacity, CMBlockBufferFlags flags,
                                            CMBlockBufferRef *blockBufferOut);

/* A buffer over [offsetToData, offsetToData + dataLength) of a memory block
 * of blockLength bytes.
 *  - memoryBlock NULL: a block of blockLength bytes is allocated, with
 *    customBlockSource->AllocateBlock if given, else by vtcore (not zeroed).
 *  - memoryBlock given: with customBlockSource, its FreeBlock releases it;
 *    else blockAllocator kCFAllocatorNull means the memory is borrowed
 *    (never freed), and any other allocator (NULL/default, malloc, system)
 *    means it came from malloc() and is free()d.
 * Errors: kCMBlockBufferBadPointerParameterErr (NULL out),
 * kCMBlockBufferBadLengthParameterErr (blockLength 0, dataLength 0, range
 * past the block), kCMBlockBufferBadOffsetParameterErr (offsetToData >=
 * blockLength), kCMBlockBufferBadCustomBlockSourceErr (wrong version, no
 * AllocateBlock when one is needed), kCMBlockBufferBlockAllocationFailedErr
 * (allocation failed, or memoryBlock NULL with kCFAllocatorNull),
 * kCMBlockBufferStructureAllocationFailedErr. On failure a passed-in
 * memoryBlock is NOT freed (the caller still owns it). Out is +1. */
CM_EXPORT OSStatus CMBlockBufferCreateWithMemoryBlock(
    CFAllocatorRef structureAllocator, void *memoryBlock, size_t blockLength,
    CFAllocatorRef blockAllocator, const CMBlockBufferCustomBlockSource *customBlockSource,
    size_t offsetToData, size_t dataLength, CMBlockBufferFlags flags,
    CMBlockBufferRef *blockBufferOut);

/* A buffer over [offsetToData, offsetToData + dataLength) of
 * bufferReference's data (dataLength 0 = to its end). Shares the memory.
 * Errors: kCMBlockBufferBadPointerParameterErr (NULL buffer/out),
 * kCMBlockBufferBadOffsetParameterErr, kCMBlockBufferBadLengthParameterErr,
 * kCMBlockBufferEmptyBBufErr (empty reference without
 * kCMBlockBufferPermitEmptyReferenceFlag), allocation errors. Out is +1. */
CM_EXPORT OSStatus CMBlockBufferCreateWithBufferReference(CFAllocatorRef structureAllocator,
                                                          CMBlockBufferRef bufferReference,
                                                          size_t offsetToData, size_t dataLength,
                                                          CMBlockBufferFlags flags,
                                                          CMBlockBufferRef *blockBufferOut);

/* A buffer whose [offsetToData, offsetToData + dataLength) range of
 * sourceBuffer (dataLength 0 = to the end) is one contiguous block. If the
 * range already is contiguous and kCMBlockBufferAlwaysCopyDataFlag is not
 * set, the memory is shared; otherwise the bytes are copied into a new block
 * (from customBlockSource / blockAllocator as for CreateWithMemoryBlock).
 * Errors as for the functions above. Out is +1. */
CM_EXPORT OSStatus CMBlockBufferCreateContiguous(
    CFAllocatorRef structureAllocator, CMBlockBufferRef sourceBuffer, CFAllocatorRef blockAllocator,
    const CMBlockBufferCustomBlockSource *customBlockSource, size_t offsetToData, size_t dataLength,
    CMBlockBufferFlags flags, CMBlockBufferRef *blockBufferOut);

/* Appends a memory block (same rules and errors as CreateWithMemoryBlock). */
CM_EXPORT OSStatus CMBlockBufferAppendMemoryBlock(
    CMBlockBufferRef theBuffer, void *memoryBlock, size_t blockLength,
    CFAllocatorRef blockAllocator, const CMBlockBufferCustomBlockSource *customBlockSource,
    size_t offsetToData, size_t dataLength, CMBlockBufferFlags flags);

/* Appends a range of targetBBuf (dataLength 0 = to its end); appending a
 * buffer to itself is allowed (its current contents are used). Errors as for
 * CreateWithBufferReference. */
CM_EXPORT OSStatus CMBlockBufferAppendBufferReference(CMBlockBufferRef theBuffer,
                                                      CMBlockBufferRef targetBBuf,
                                                      size_t offsetToData, size_t dataLength,
                                                      CMBlockBufferFlags flags);

/* Blocks are always allocated in vtcore: noErr (kCMBlockBufferBadPointerParameterErr
 * for NULL). */
CM_EXPORT OSStatus CMBlockBufferAssureBlockMemory(CMBlockBufferRef theBuffer);

/* Pointer to `length` bytes at `offset`: into the buffer when the range is
 * contiguous, else the bytes are copied to temporaryBlock (which must hold
 * `length` bytes) and temporaryBlock is returned. Errors:
 * kCMBlockBufferBadPointerParameterErr (NULL buffer/out, or NULL
 * temporaryBlock when a copy is needed), kCMBlockBufferBadOffsetParameterErr,
 * kCMBlockBufferBadLengthParameterErr (length 0 or past the end). */
CM_EXPORT OSStatus CMBlockBufferAccessDataBytes(CMBlockBufferRef theBuffer, size_t offset,
                                                size_t length, void *temporaryBlock,
                                                char **returnedPointerOut);

/* Copies dataLength bytes at offsetToData to destination (dataLength 0 is a
 * no-op). Errors: kCMBlockBufferBadPointerParameterErr (NULL buffer or
 * destination), kCMBlockBufferBadOffsetParameterErr (offset past the end),
 * kCMBlockBufferBadLengthParameterErr (range past the end). */
CM_EXPORT OSStatus CMBlockBufferCopyDataBytes(CMBlockBufferRef theSourceBuffer, size_t offsetToData,
                                              size_t dataLength, void *destination);

/* Overwrites dataLength bytes at offsetIntoDestination with sourceBytes.
 * Errors as for CopyDataBytes. */
CM_EXPORT OSStatus CMBlockBufferReplaceDataBytes(const void *sourceBytes,
                                                 CMBlockBufferRef destinationBuffer,
                                                 size_t offsetIntoDestination, size_t dataLength);

/* Fills dataLength bytes at offsetIntoDestination with fillByte. */
CM_EXPORT OSStatus CMBlockBufferFillDataBytes(char fillByte, CMBlockBufferRef destinationBuffer,
                                              size_t offsetIntoDestination, size_t dataLength);

/* Pointer to the byte at `offset`; *lengthAtOffsetOut receives how many
 * bytes are contiguous from there (to the end of that block), and
 * *totalLengthOut the buffer's data length. Every out may be NULL.
 * Errors: kCMBlockBufferBadPointerParameterErr (NULL buffer),
 * kCMBlockBufferBadOffsetParameterErr (offset >= data length, which includes
 * every offset of an empty buffer). On error the outs are set to 0/NULL. */
CM_EXPORT OSStatus CMBlockBufferGetDataPointer(CMBlockBufferRef theBuffer, size_t offset,
                                               size_t *lengthAtOffsetOut, size_t *totalLengthOut,
                                               char **dataPointerOut);

/* Total data length; 0 for NULL. */
CM_EXPORT size_t CMBlockBufferGetDataLength(CMBlockBufferRef theBuffer);

/* TRUE when [offset, offset + length) lies in one block (length 0 = to the
 * end). FALSE for NULL, an empty buffer, or a range past the end. */
CM_EXPORT Boolean CMBlockBufferIsRangeContiguous(CMBlockBufferRef theBuffer, size_t offset,
                                                 size_t length);

/* TRUE for a buffer with no data (and for NULL). */
CM_EXPORT Boolean CMBlockBufferIsEmpty(CMBlockBufferRef theBuffer);

CF_EXTERN_C_END

#endif /* VTCORE_COREMEDIA_CMBLOCKBUFFER_H */
