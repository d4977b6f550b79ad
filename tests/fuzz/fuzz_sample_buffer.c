/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * CMBlockBuffer + CMSampleBuffer with random sizes, offsets, timings and
 * sample sizes, and an AVCC walk over every sample.
 *
 * Phase 1 runs block-buffer operations on 3 slots (create empty / with a
 * client, library or custom-source memory block / with a reference /
 * contiguous; append memory and references, including a buffer to itself;
 * replace, fill, copy, access, get pointer) against a model: every memory
 * block has a shadow copy of its bytes (and which bytes are known) and every
 * slot the list of block ranges it is made of, so the bytes the library
 * returns are compared with what Apple's sharing semantics say they are.
 * Custom block sources must see every allocated block freed exactly once.
 *
 * Phase 2 (after a 0xff byte, or at the end of the input) builds a
 * CMSampleBuffer over one slot with random sample counts, timing and size
 * arrays, reads everything back, walks each sample's AVCC NAL units, copies
 * it, sets attachments and invalidates it.
 */
#include <string.h>

#include <CoreMedia/CoreMedia.h>

#include "encoder/h264.h"
#include "fuzz_common.h"

#define SLOTS          3
#define MAX_BLOCKS     32
#define MAX_SEGS       64
#define MAX_BLOCK_SIZE 4096

typedef struct MBlock {
    uint8_t *shadow; /* model of the block's bytes */
    uint8_t *known;  /* 1 where the shadow byte is known */
    size_t size;
} MBlock;

typedef struct MSeg {
    int block;
    size_t offset, length;
} MSeg;

typedef struct MSlot {
    CMBlockBufferRef bb;
    MSeg segs[MAX_SEGS];
    size_t count;
    size_t length;
    Boolean untracked; /* the model lost track (too many segments) */
} MSlot;

typedef struct State {
    FuzzInput in;
    MSlot slot[SLOTS];
    MBlock block[MAX_BLOCKS];
    int n_blocks;
    /* client blocks lent with kCFAllocatorNull: freed by us at the end */
    void *borrowed[MAX_BLOCKS];
    int n_borrowed;
    /* our blocks handed over with the custom source (freed through it) */
    long custom_client_blocks;
} State;

/* Custom block source bookkeeping (global: the callbacks get only refCon). */
static long custom_allocs, custom_frees;

static void *custom_alloc(void *refcon, size_t size) {
    (void)refcon;
    custom_allocs++;
    return malloc(size ? size : 1);
}

static void custom_free(void *refcon, void *block, size_t size) {
    (void)refcon;
    (void)size;
    custom_frees++;
    free(block);
}

static const CMBlockBufferCustomBlockSource custom_source = {kCMBlockBufferCustomBlockSourceVersion,
                                                             custom_alloc, custom_free, NULL};

static int model_new_block(State *st, size_t size, const uint8_t *bytes) {
    MBlock *b;
    if (st->n_blocks == MAX_BLOCKS)
        return -1;
    b = &st->block[st->n_blocks];
    b->shadow = calloc(size ? size : 1, 1);
    b->known = calloc(size ? size : 1, 1);
    b->size = size;
    if (!b->shadow || !b->known) {
        free(b->shadow);
        free(b->known);
        return -1;
    }
    if (bytes) {
        memcpy(b->shadow, bytes, size);
        memset(b->known, 1, size);
    }
    return st->n_blocks++;
}

static void model_push(MSlot *s, int block, size_t offset, size_t length) {
    if (s->count == MAX_SEGS || block < 0) {
        s->untracked = TRUE;
    } else {
        s->segs[s->count].block = block;
        s->segs[s->count].offset = offset;
        s->segs[s->count].length = length;
        s->count++;
    }
    s->length += length;
}

/* Calls fn(block, offset in block, n, position in the slot) over [offset, offset + length). */
typedef void (*RangeFn)(State *st, MBlock *b, size_t boff, size_t n, size_t pos, void *ctx);

static void model_walk(State *st, const MSlot *s, size_t offset, size_t length, RangeFn fn,
                       void *ctx) {
    size_t i, start = 0;
    for (i = 0; i < s->count && length; i++) {
        const MSeg *g = &s->segs[i];
        if (offset < start + g->length) {
            size_t in = offset - start;
            size_t n = g->length - in < length ? g->length - in : length;
            fn(st, &st->block[g->block], g->offset + in, n, offset, ctx);
            offset += n;
            length -= n;
        }
        start += g->length;
    }
}

typedef struct Expect {
    const uint8_t *actual; /* bytes the library returned for [base, ...) */
    size_t base;
} Expect;

static void check_bytes(State *st, MBlock *b, size_t boff, size_t n, size_t pos, void *ctx) {
    const Expect *e = ctx;
    size_t i;
    (void)st;
    for (i = 0; i < n; i++) {
        if (b->known[boff + i])
            FUZZ_CHECK(e->actual[pos - e->base + i] == b->shadow[boff + i]);
    }
}

static void write_bytes(State *st, MBlock *b, size_t boff, size_t n, size_t pos, void *ctx) {
    const Expect *e = ctx; /* the bytes written, for [base, ...) */
    (void)st;
    memcpy(b->shadow + boff, e->actual + (pos - e->base), n);
    memset(b->known + boff, 1, n);
}

typedef struct Snapshot {
    MBlock *dst;
    size_t base; /* slot position of dst's first byte */
} Snapshot;

static void copy_bytes(State *st, MBlock *b, size_t boff, size_t n, size_t pos, void *ctx) {
    /* The model of a range, copied into a new block (CreateContiguous). */
    const Snapshot *snap = ctx;
    (void)st;
    memcpy(snap->dst->shadow + (pos - snap->base), b->shadow + boff, n);
    memcpy(snap->dst->known + (pos - snap->base), b->known + boff, n);
}

/* Compares the slot's whole content with the model. */
static void verify_slot(State *st, MSlot *s) {
    size_t len;
    uint8_t *buf;
    if (!s->bb)
        return;
    len = CMBlockBufferGetDataLength(s->bb);
    FUZZ_CHECK(len == s->length);
    FUZZ_CHECK(CMBlockBufferIsEmpty(s->bb) == (len == 0));
    if (s->untracked || len == 0)
        return;
    buf = malloc(len);
    if (!buf)
        return;
    FUZZ_CHECK(CMBlockBufferCopyDataBytes(s->bb, 0, len, buf) == noErr);
    {
        Expect e = {buf, 0};
        model_walk(st, s, 0, len, check_bytes, &e);
    }
    free(buf);
}

static size_t pick_offset(FuzzInput *in, size_t len) {
    uint8_t sel = fz_u8(in);
    if (sel < 200 && len < (1u << 20))
        return fz_u16(in) % (len + 1);
    return fz_size(in);
}

static size_t pick_length(FuzzInput *in, size_t len) {
    uint8_t sel = fz_u8(in);
    if (sel < 200 && len < (1u << 20))
        return fz_u16(in) % (len + 2);
    return fz_size(in);
}

static void set_slot(State *st, int i, CMBlockBufferRef bb) {
    MSlot *s = &st->slot[i];
    if (s->bb)
        CFRelease(s->bb);
    memset(s, 0, sizeof(*s));
    s->bb = bb;
}

/* A memory block to hand to the library: ours (malloc, copied from the
 * input), or NULL for the library to allocate. */
typedef struct BlockArg {
    void *memory;
    size_t block_length;
    CFAllocatorRef allocator;
    const CMBlockBufferCustomBlockSource *source;
    const uint8_t *bytes; /* model content, NULL if unknown */
} BlockArg;

static void block_arg(State *st, BlockArg *a) {
    uint8_t kind = fz_u8(&st->in);
    size_t len = fz_u8(&st->in) < 240 ? (size_t)fz_u16(&st->in) % MAX_BLOCK_SIZE : fz_size(&st->in);
    memset(a, 0, sizeof(*a));
    a->block_length = len;
    switch (kind % 5) {
    case 0: /* our malloc'd memory, freed by the library (default allocator) */
    case 1: /* our memory, lent (kCFAllocatorNull) */
    case 2: /* our memory, freed through the custom source */
        if (len > MAX_BLOCK_SIZE) {
            /* A huge length without memory and with kCFAllocatorNull: the
             * library must refuse it without trying to allocate. */
            a->allocator = kCFAllocatorNull;
            break;
        }
        a->memory = malloc(len ? len : 1);
        if (a->memory) {
            size_t got;
            const uint8_t *src = fz_bytes(&st->in, len, &got);
            memcpy(a->memory, src, got);
            memset((uint8_t *)a->memory + got, 0xa5, len - got);
            a->bytes = a->memory;
        }
        a->allocator = kind % 5 == 1 && st->n_borrowed < MAX_BLOCKS ? kCFAllocatorNull : NULL;
        a->source = kind % 5 == 2 ? &custom_source : NULL;
        break;
    case 3: /* the library allocates (at most 1 MiB: bigger would be a real allocation) */
        if (len > MAX_BLOCK_SIZE)
            a->block_length = len % (1u << 20);
        break;
    default: /* the custom source allocates */
        if (len > MAX_BLOCK_SIZE)
            a->block_length = len % (1u << 20);
        a->source = &custom_source;
        break;
    }
}

/* After a call that received `a`: on success the model gets the block; on
 * failure our memory is still ours. */
static int block_arg_done(State *st, BlockArg *a, OSStatus status) {
    int id = -1;
    if (status != noErr) {
        free(a->memory);
        return -1;
    }
    /* Copy the model before anything can free the memory. */
    id = model_new_block(st, a->block_length, a->bytes);
    if (a->memory && a->allocator == kCFAllocatorNull && !a->source) {
        if (st->n_borrowed < MAX_BLOCKS)
            st->borrowed[st->n_borrowed++] = a->memory;
    }
    if (a->memory && a->source)
        st->custom_client_blocks++;
    return id;
}

static void op_create(State *st, int dst) {
    FuzzInput *in = &st->in;
    CMBlockBufferRef bb = NULL;
    OSStatus status;
    switch (fz_u8(in) % 4) {
    case 0: {
        uint32_t capacity = fz_u32(in), flags = fz_u32(in);
        status = CMBlockBufferCreateEmpty(NULL, capacity, flags, &bb);
    }
        if (status == noErr) {
            set_slot(st, dst, bb);
        } else {
            FUZZ_CHECK(bb == NULL);
        }
        break;
    case 1: {
        BlockArg a;
        size_t offset, length;
        int id;
        block_arg(st, &a);
        offset = pick_offset(in, a.block_length);
        length = pick_length(in, a.block_length);
        status = CMBlockBufferCreateWithMemoryBlock(NULL, a.memory, a.block_length, a.allocator,
                                                    a.source, offset, length, fz_u32(in), &bb);
        id = block_arg_done(st, &a, status);
        if (status == noErr) {
            FUZZ_CHECK(bb != NULL);
            FUZZ_CHECK(offset < a.block_length && length > 0 && length <= a.block_length - offset);
            set_slot(st, dst, bb);
            model_push(&st->slot[dst], id, offset, length);
        } else {
            FUZZ_CHECK(bb == NULL);
        }
        break;
    }
    case 2: {
        MSlot *src = &st->slot[fz_below(in, SLOTS)];
        size_t offset = pick_offset(in, src->length), length = pick_length(in, src->length);
        uint32_t flags = fz_u32(in);
        MSlot copy;
        if (!src->bb)
            break;
        copy = *src; /* src may be dst */
        status = CMBlockBufferCreateWithBufferReference(NULL, src->bb, offset, length, flags, &bb);
        if (status == noErr) {
            size_t i, start = 0, end;
            FUZZ_CHECK(bb != NULL);
            if (copy.length == 0) {
                set_slot(st, dst, bb);
                break;
            }
            if (length == 0)
                length = copy.length - offset;
            FUZZ_CHECK(offset < copy.length && length <= copy.length - offset);
            set_slot(st, dst, bb);
            end = offset + length;
            st->slot[dst].untracked = copy.untracked;
            for (i = 0; i < copy.count; i++) {
                const MSeg *g = &copy.segs[i];
                size_t a = start > offset ? start : offset;
                size_t b = start + g->length < end ? start + g->length : end;
                if (a < b)
                    model_push(&st->slot[dst], g->block, g->offset + (a - start), b - a);
                start += g->length;
            }
            st->slot[dst].length = length;
        } else {
            FUZZ_CHECK(bb == NULL);
        }
        break;
    }
    default: {
        MSlot *src = &st->slot[fz_below(in, SLOTS)];
        BlockArg a;
        size_t offset, length;
        uint32_t flags;
        if (!src->bb)
            break;
        offset = pick_offset(in, src->length);
        length = pick_length(in, src->length);
        flags = fz_bool(in) ? kCMBlockBufferAlwaysCopyDataFlag : 0;
        memset(&a, 0, sizeof(a));
        a.source = fz_bool(in) ? &custom_source : NULL;
        status = CMBlockBufferCreateContiguous(NULL, src->bb, NULL, a.source, offset, length, flags,
                                               &bb);
        if (status == noErr) {
            size_t len;
            FUZZ_CHECK(bb != NULL);
            if (length == 0)
                length = src->length - offset;
            len = CMBlockBufferGetDataLength(bb);
            FUZZ_CHECK(len == length);
            FUZZ_CHECK(CMBlockBufferIsRangeContiguous(bb, 0, 0));
            if (!src->untracked) {
                /* Contents at creation time: a fresh (or shared) block; model
                 * it as a new known block when copied, else as a reference. */
                MSlot snapshot = *src;
                size_t i, start = 0;
                int within = -1; /* the segment holding the whole range, if any */
                for (i = 0; i < snapshot.count; i++) {
                    if (offset >= start && offset + len <= start + snapshot.segs[i].length)
                        within = (int)i;
                    start += snapshot.segs[i].length;
                }
                set_slot(st, dst, bb);
                if (!(flags & kCMBlockBufferAlwaysCopyDataFlag) && within >= 0) {
                    /* Already contiguous: a reference into src's block. */
                    const MSeg *g = &snapshot.segs[within];
                    size_t seg_start = 0;
                    for (i = 0; i < (size_t)within; i++)
                        seg_start += snapshot.segs[i].length;
                    model_push(&st->slot[dst], g->block, g->offset + offset - seg_start, len);
                } else {
                    /* A new block holding a copy of the range as it is now. */
                    int id = model_new_block(st, len, NULL);
                    if (id >= 0) {
                        Snapshot snap = {&st->block[id], offset};
                        model_walk(st, &snapshot, offset, len, copy_bytes, &snap);
                    }
                    model_push(&st->slot[dst], id, 0, len);
                }
            } else {
                set_slot(st, dst, bb);
                st->slot[dst].untracked = TRUE;
                st->slot[dst].length = len;
            }
        } else {
            FUZZ_CHECK(bb == NULL);
        }
        break;
    }
    }
}

static void op_append(State *st, MSlot *s) {
    FuzzInput *in = &st->in;
    OSStatus status;
    if (!s->bb)
        return;
    if (fz_bool(in)) {
        BlockArg a;
        size_t offset, length;
        int id;
        block_arg(st, &a);
        offset = pick_offset(in, a.block_length);
        length = pick_length(in, a.block_length);
        status = CMBlockBufferAppendMemoryBlock(s->bb, a.memory, a.block_length, a.allocator,
                                                a.source, offset, length, fz_u32(in));
        id = block_arg_done(st, &a, status);
        if (status == noErr)
            model_push(s, id, offset, length);
    } else {
        MSlot *t = &st->slot[fz_below(in, SLOTS)];
        size_t offset, length;
        uint32_t flags = fz_bool(in) ? kCMBlockBufferPermitEmptyReferenceFlag : 0;
        MSlot copy;
        if (!t->bb)
            return;
        offset = pick_offset(in, t->length);
        length = pick_length(in, t->length);
        copy = *t; /* t may be s */
        status = CMBlockBufferAppendBufferReference(s->bb, t->bb, offset, length, flags);
        if (status == noErr && copy.length) {
            size_t i, start = 0, end;
            if (length == 0)
                length = copy.length - offset;
            FUZZ_CHECK(offset < copy.length && length <= copy.length - offset);
            end = offset + length;
            if (copy.untracked)
                s->untracked = TRUE;
            for (i = 0; i < copy.count; i++) {
                const MSeg *g = &copy.segs[i];
                size_t a = start > offset ? start : offset;
                size_t b = start + g->length < end ? start + g->length : end;
                if (a < b)
                    model_push(s, g->block, g->offset + (a - start), b - a);
                start += g->length;
            }
            if (copy.untracked) /* model_push counted only tracked pieces */
                s->length = CMBlockBufferGetDataLength(s->bb);
        }
    }
}

static void op_access(State *st, MSlot *s) {
    FuzzInput *in = &st->in;
    size_t offset, length;
    OSStatus status;
    if (!s->bb)
        return;
    offset = pick_offset(in, s->length);
    length = pick_length(in, s->length);
    switch (fz_u8(in) % 5) {
    case 0: {
        /* The destination holds what the buffer has at most: a length
         * beyond that must be refused before anything is written. */
        size_t room = length < s->length ? length : s->length;
        uint8_t *dst = malloc(room ? room : 1);
        Boolean ok = offset < s->length ? length <= s->length - offset
                                        : (offset == s->length && length == 0);
        if (!dst)
            return;
        status = CMBlockBufferCopyDataBytes(s->bb, offset, length, dst);
        FUZZ_CHECK((status == noErr) == ok);
        if (status == noErr && length && !s->untracked) {
            Expect e = {dst, offset};
            model_walk(st, s, offset, length, check_bytes, &e);
        }
        free(dst);
        break;
    }
    case 1:
    case 2: {
        size_t n;
        Boolean fill = fz_u8(in) % 2;
        uint8_t value = fz_u8(in);
        const uint8_t *src;
        uint8_t *buf;
        if (length > s->length)
            length = s->length;
        buf = malloc(length ? length : 1);
        if (!buf)
            return;
        src = fz_bytes(in, length, &n);
        memcpy(buf, src, n);
        memset(buf + n, value, length - n);
        if (fill) {
            memset(buf, value, length);
            status = CMBlockBufferFillDataBytes((char)value, s->bb, offset, length);
        } else {
            status = CMBlockBufferReplaceDataBytes(buf, s->bb, offset, length);
        }
        if (offset < s->length && length <= s->length - offset)
            FUZZ_CHECK(status == noErr);
        if (status == noErr && length) {
            Expect e = {buf, offset};
            if (s->untracked) {
                /* Unknown layout: every block this slot may use is unknown now. */
                int b;
                for (b = 0; b < st->n_blocks; b++)
                    memset(st->block[b].known, 0, st->block[b].size);
            } else {
                model_walk(st, s, offset, length, write_bytes, &e);
            }
        }
        free(buf);
        break;
    }
    case 3: {
        size_t at = 0, total = 0;
        char *p = NULL;
        status = CMBlockBufferGetDataPointer(s->bb, offset, &at, &total, &p);
        if (offset < s->length) {
            FUZZ_CHECK(status == noErr);
            FUZZ_CHECK(p != NULL && at > 0 && at <= s->length - offset && total == s->length);
            {
                volatile char sink = p[0] ^ p[at - 1];
                (void)sink;
            }
            if (!s->untracked) {
                Expect e = {(const uint8_t *)p, offset};
                model_walk(st, s, offset, at, check_bytes, &e);
            }
            FUZZ_CHECK(CMBlockBufferIsRangeContiguous(s->bb, offset, at));
        } else {
            FUZZ_CHECK(status != noErr && p == NULL && at == 0);
        }
        (void)CMBlockBufferGetDataPointer(s->bb, offset, NULL, NULL, NULL);
        break;
    }
    default: {
        char *p = NULL;
        uint8_t *tmp;
        if (length > s->length)
            length = s->length;
        tmp = malloc(length ? length : 1);
        if (!tmp)
            return;
        status = CMBlockBufferAccessDataBytes(s->bb, offset, length, tmp, &p);
        if (status == noErr) {
            FUZZ_CHECK(p != NULL && length > 0 && offset < s->length &&
                       length <= s->length - offset);
            if (!s->untracked) {
                Expect e = {(const uint8_t *)p, offset};
                model_walk(st, s, offset, length, check_bytes, &e);
            }
        } else {
            FUZZ_CHECK(p == NULL);
        }
        free(tmp);
        break;
    }
    }
}

/* ---- phase 2: the sample buffer ---- */

static CMTime fz_time(FuzzInput *in) {
    CMTime t;
    switch (fz_u8(in) % 8) {
    case 0:
        return kCMTimeInvalid;
    case 1:
        return kCMTimeIndefinite;
    case 2:
        return fz_bool(in) ? kCMTimePositiveInfinity : kCMTimeNegativeInfinity;
    case 3:
        return kCMTimeZero;
    case 4: /* raw: any flags, any timescale (0 and negative included) */
        t.value = fz_int(in);
        t.timescale = (int32_t)fz_int(in);
        t.flags = fz_u8(in);
        t.epoch = fz_u8(in) < 240 ? 0 : fz_int(in);
        return t;
    default:
        t.value = fz_int(in) % 100000;
        return CMTimeMake(t.value, 1 + (int32_t)(fz_u16(in) % 90000));
    }
}

static int ready_calls, invalidate_calls;

static OSStatus make_ready(CMSampleBufferRef sbuf, void *refcon) {
    (void)sbuf;
    ready_calls++;
    return (OSStatus)(intptr_t)refcon;
}

static void on_invalidate(CMSampleBufferRef sbuf, uint64_t refcon) {
    (void)sbuf;
    (void)refcon;
    invalidate_calls++;
}

/* Walks the AVCC NAL units of every sample whose bytes are in the buffer. */
static void walk_samples(CMSampleBufferRef sbuf, int nal_length) {
    CMBlockBufferRef data = CMSampleBufferGetDataBuffer(sbuf);
    CMItemCount n = CMSampleBufferGetNumSamples(sbuf), i;
    size_t total = CMBlockBufferGetDataLength(data), offset = 0;
    for (i = 0; data && i < n && i < 64; i++) {
        size_t size = CMSampleBufferGetSampleSize(sbuf, i);
        uint8_t *buf;
        if (size == 0 || offset > total || size > total - offset)
            break;
        buf = malloc(size);
        if (!buf)
            break;
        if (CMBlockBufferCopyDataBytes(data, offset, size, buf) == noErr) {
            size_t off = 0;
            VTH264Nal nal;
            int r;
            while ((r = vt_h264_avcc_next(buf, size, nal_length, &off, &nal)) == 1) {
                FUZZ_CHECK(nal.data >= buf && nal.data + nal.size <= buf + size);
                if (nal.type == VT_H264_NAL_SPS) {
                    VTH264SPSInfo sps;
                    (void)vt_h264_parse_sps(nal.data, nal.size, &sps);
                }
            }
        }
        free(buf);
        offset += size;
    }
}

static void inspect_sample_buffer(FuzzInput *in, CMSampleBufferRef sbuf, CMItemCount n) {
    CMItemCount needed = -1, i;
    CMSampleTimingInfo one;
    CFArrayRef attachments;
    OSStatus status;

    FUZZ_CHECK(CMSampleBufferGetNumSamples(sbuf) == n);
    (void)CMSampleBufferGetDuration(sbuf);
    (void)CMSampleBufferGetPresentationTimeStamp(sbuf);
    (void)CMSampleBufferGetDecodeTimeStamp(sbuf);
    (void)CMSampleBufferGetOutputDuration(sbuf);
    (void)CMSampleBufferGetOutputPresentationTimeStamp(sbuf);
    (void)CMSampleBufferGetOutputDecodeTimeStamp(sbuf);
    (void)CMSampleBufferGetTotalSampleSize(sbuf);
    for (i = -1; i <= n && i < 70; i++) {
        (void)CMSampleBufferGetSampleSize(sbuf, i);
        memset(&one, 0, sizeof(one));
        (void)CMSampleBufferGetSampleTimingInfo(sbuf, i, &one);
    }
    (void)CMSampleBufferGetSampleSize(sbuf, (CMItemIndex)fz_int(in));

    /* Timing and size arrays: ask for the count, then pass exactly that many. */
    status = CMSampleBufferGetSampleTimingInfoArray(sbuf, 0, NULL, &needed);
    if (status == noErr && needed > 0 && needed <= 4096) {
        CMSampleTimingInfo *t = malloc((size_t)needed * sizeof(*t));
        CMItemCount got = -1;
        if (t) {
            FUZZ_CHECK(CMSampleBufferGetSampleTimingInfoArray(sbuf, needed, t, &got) == noErr);
            FUZZ_CHECK(got == needed);
            if (needed > 1)
                FUZZ_CHECK(CMSampleBufferGetSampleTimingInfoArray(sbuf, needed - 1, t, &got) ==
                           kCMSampleBufferError_ArrayTooSmall);
            (void)CMSampleBufferGetOutputSampleTimingInfoArray(sbuf, needed, t, &got);
            free(t);
        }
    }
    needed = -1;
    status = CMSampleBufferGetSampleSizeArray(sbuf, 0, NULL, &needed);
    if (status == noErr && needed > 0 && needed <= 4096) {
        size_t *s = malloc((size_t)needed * sizeof(*s));
        CMItemCount got = -1;
        if (s) {
            FUZZ_CHECK(CMSampleBufferGetSampleSizeArray(sbuf, needed, s, &got) == noErr);
            FUZZ_CHECK(got == needed);
            free(s);
        }
    }

    /* One dictionary per sample is made on demand. The library bounds the
     * count (1 << 20, H2 in docs/hardening.md); the fuzzer asks for them
     * only for small counts, to keep executions fast. */
    attachments = CMSampleBufferGetSampleAttachmentsArray(sbuf, n <= 4096 && fz_bool(in));
    if (attachments) {
        CFIndex count = CFArrayGetCount(attachments);
        FUZZ_CHECK(count == n || count == 0);
        if (count) {
            CFMutableDictionaryRef d = (CFMutableDictionaryRef)CFArrayGetValueAtIndex(
                attachments, (CFIndex)fz_below(in, (size_t)count));
            CFTypeRef v = fz_cf_value(in, 1);
            if (v) {
                CFDictionarySetValue(d, fz_constant_matching(in, "SampleAttachmentKey"), v);
                CFRelease(v);
            }
        }
    }
    {
        CFStringRef key = fz_constant(in);
        CFTypeRef v = fz_cf_value(in, 2);
        CMAttachmentMode mode = fz_u8(in) % 3, got = 99; /* 2 is not a mode: ignored */
        CFDictionaryRef all;
        CMSetAttachment(sbuf, key, v, mode);
        if (v && mode < 2)
            FUZZ_CHECK(CMGetAttachment(sbuf, key, &got) == v && got == mode);
        if (v)
            CFRelease(v);
        all = CMCopyDictionaryOfAttachments(NULL, sbuf, fz_u8(in) % 3);
        if (all) {
            fz_cf_touch(all);
            CFRelease(all);
        }
        if (fz_bool(in))
            CMRemoveAttachment(sbuf, key);
    }
    {
        CFStringRef desc = CFCopyDescription(sbuf);
        if (desc)
            CFRelease(desc);
    }
}

static void phase2(State *st) {
    FuzzInput *in = &st->in;
    MSlot *s = &st->slot[fz_below(in, SLOTS)];
    CMBlockBufferRef data = fz_u8(in) < 230 ? s->bb : NULL;
    CMFormatDescriptionRef fd = NULL;
    CMSampleBufferRef sbuf = NULL, copy = NULL;
    CMSampleTimingInfo *timing = NULL;
    size_t *sizes = NULL;
    CMItemCount n, n_timing, n_sizes, i;
    uint8_t sel = fz_u8(in);
    int nal_length = 4;
    OSStatus status;

    switch (fz_u8(in) % 4) {
    case 0:
        break;
    case 1: {
        int32_t w = (int32_t)fz_u16(in), h = (int32_t)fz_u16(in);
        (void)CMVideoFormatDescriptionCreate(NULL, kCMVideoCodecType_H264, w, h, NULL, &fd);
    } break;
    case 2: {
        uint32_t media = fz_u32(in), sub = fz_u32(in);
        (void)CMFormatDescriptionCreate(NULL, media, sub, NULL, &fd);
    } break;
    default: {
        static const int lengths[4] = {4, 1, 2, 4};
        nal_length = lengths[fz_u8(in) % 4];
        break;
    }
    }

    /* Sample count: small, or a boundary value (then only 0/1 entries). */
    n = sel < 200 ? (CMItemCount)(fz_u8(in) % 65) : (CMItemCount)fz_int(in);
    n_timing = fz_u8(in) % 4;
    n_sizes = fz_u8(in) % 4;
    /* 0, 1, n, or "n + 1" (a wrong count that must be refused) -- arrays are
     * always as long as the count given, so the library may read them all. */
    n_timing = n_timing == 2 ? n : n_timing == 3 ? (n < 65 ? n + 1 : 2) : n_timing;
    n_sizes = n_sizes == 2 ? n : n_sizes == 3 ? (n < 65 ? n + 1 : 2) : n_sizes;
    if (n_timing < 0 || n_timing > 65)
        n_timing = fz_bool(in);
    if (n_sizes < 0 || n_sizes > 65)
        n_sizes = fz_bool(in);
    if (n_timing) {
        timing = malloc((size_t)n_timing * sizeof(*timing));
        for (i = 0; timing && i < n_timing; i++) {
            timing[i].duration = fz_time(in);
            timing[i].presentationTimeStamp = fz_time(in);
            timing[i].decodeTimeStamp = fz_time(in);
        }
    }
    if (n_sizes) {
        sizes = malloc((size_t)n_sizes * sizeof(*sizes));
        for (i = 0; sizes && i < n_sizes; i++)
            sizes[i] = fz_u8(in) < 230 ? fz_u16(in) % 2048 : fz_size(in);
    }
    if ((n_timing && !timing) || (n_sizes && !sizes))
        goto done;

    ready_calls = invalidate_calls = 0;
    if (fz_bool(in)) {
        status =
            CMSampleBufferCreateReady(NULL, data, fd, n, n_timing, timing, n_sizes, sizes, &sbuf);
    } else {
        Boolean ready = fz_bool(in);
        CMSampleBufferMakeDataReadyCallback cb = fz_bool(in) ? make_ready : NULL;
        void *cb_status = (void *)(intptr_t)(fz_bool(in) ? -12733 : 0);
        status = CMSampleBufferCreate(NULL, data, ready, cb, cb_status, fd, n, n_timing, timing,
                                      n_sizes, sizes, &sbuf);
    }
    if (n > ((CMItemCount)1 << 20)) /* the documented limit (H2) */
        FUZZ_CHECK(status == kCMSampleBufferError_InvalidEntryCount);
    if (status != noErr) {
        FUZZ_CHECK(sbuf == NULL);
        goto done;
    }
    FUZZ_CHECK(sbuf != NULL);
    FUZZ_CHECK(n >= 0 && n <= ((CMItemCount)1 << 20));
    FUZZ_CHECK(n_timing == 0 || n_timing == 1 || n_timing == n);
    FUZZ_CHECK(n_sizes == 0 || n_sizes == 1 || n_sizes == n);
    FUZZ_CHECK(CMSampleBufferGetDataBuffer(sbuf) == data);
    FUZZ_CHECK(CMSampleBufferGetFormatDescription(sbuf) == fd);
    FUZZ_CHECK(CMSampleBufferIsValid(sbuf));

    inspect_sample_buffer(in, sbuf, n);
    walk_samples(sbuf, nal_length);

    (void)CMSampleBufferMakeDataReady(sbuf);
    (void)CMSampleBufferDataIsReady(sbuf);
    if (!data && s->bb && fz_bool(in))
        (void)CMSampleBufferSetDataBuffer(sbuf, s->bb);
    if (fz_bool(in)) {
        OSStatus failed = 0;
        (void)CMSampleBufferSetDataFailed(sbuf, (OSStatus)fz_int(in));
        (void)CMSampleBufferHasDataFailed(sbuf, &failed);
    }

    if (CMSampleBufferCreateCopy(NULL, sbuf, &copy) == noErr) {
        FUZZ_CHECK(CMSampleBufferGetNumSamples(copy) == n);
        CMPropagateAttachments(sbuf, copy);
        inspect_sample_buffer(in, copy, n);
        CFRelease(copy);
        copy = NULL;
    }
    {
        CMItemCount nt = fz_u8(in) % 3;
        CMSampleTimingInfo *t2;
        nt = nt == 2 ? (n <= 65 ? n : 1) : nt;
        t2 = malloc((size_t)(nt ? nt : 1) * sizeof(*t2));
        for (i = 0; t2 && i < nt; i++) {
            t2[i].duration = fz_time(in);
            t2[i].presentationTimeStamp = fz_time(in);
            t2[i].decodeTimeStamp = fz_time(in);
        }
        if (t2 && CMSampleBufferCreateCopyWithNewTiming(NULL, sbuf, nt, t2, &copy) == noErr) {
            inspect_sample_buffer(in, copy, n);
            CFRelease(copy);
            copy = NULL;
        }
        free(t2);
    }
    (void)CMSampleBufferSetOutputPresentationTimeStamp(sbuf, fz_time(in));
    (void)CMSampleBufferGetOutputPresentationTimeStamp(sbuf);

    if (fz_bool(in)) {
        (void)CMSampleBufferSetInvalidateCallback(sbuf, on_invalidate, 7);
        FUZZ_CHECK(CMSampleBufferInvalidate(sbuf) == noErr);
        FUZZ_CHECK(invalidate_calls == 1);
        FUZZ_CHECK(!CMSampleBufferIsValid(sbuf));
        FUZZ_CHECK(CMSampleBufferInvalidate(sbuf) == kCMSampleBufferError_Invalidated);
        FUZZ_CHECK(invalidate_calls == 1);
        /* Accessors after Invalidate fail cleanly. */
        inspect_sample_buffer(in, sbuf, n);
        FUZZ_CHECK(CMSampleBufferCreateCopy(NULL, sbuf, &copy) != noErr && copy == NULL);
    }
    CFRelease(sbuf);
done:
    free(timing);
    free(sizes);
    if (fd)
        CFRelease(fd);
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc;
    (void)argv;
    fz_quiet_logs();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    State st;
    int i, ops = 0;
    long allocs_before = custom_allocs, frees_before = custom_frees;
    memset(&st, 0, sizeof(st));
    fz_init(&st.in, data, size);
    while (fz_left(&st.in) && ops++ < 64) {
        uint8_t op = fz_u8(&st.in);
        int k = (int)fz_below(&st.in, SLOTS);
        if (op == 0xff)
            break;
        switch (op % 6) {
        case 0:
            op_create(&st, k);
            break;
        case 1:
        case 2:
            op_append(&st, &st.slot[k]);
            break;
        case 3:
        case 4:
            op_access(&st, &st.slot[k]);
            break;
        default:
            if (st.slot[k].bb)
                FUZZ_CHECK(CMBlockBufferAssureBlockMemory(st.slot[k].bb) == noErr);
            break;
        }
        for (i = 0; i < SLOTS; i++)
            verify_slot(&st, &st.slot[i]);
    }
    phase2(&st);
    for (i = 0; i < SLOTS; i++)
        set_slot(&st, i, NULL);
    /* Every block of the custom source (allocated by it, or ours handed
     * over with it) was freed exactly once, now that all buffers are gone. */
    FUZZ_CHECK(custom_frees - frees_before ==
               custom_allocs - allocs_before + st.custom_client_blocks);
    for (i = 0; i < st.n_blocks; i++) {
        free(st.block[i].shadow);
        free(st.block[i].known);
    }
    for (i = 0; i < st.n_borrowed; i++)
        free(st.borrowed[i]);
    return 0;
}
