/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A small MSB-first bit reader with Exp-Golomb codes, for parsing H.264 /
 * HEVC parameter sets (and anything else that needs it). It never reads
 * past the end: a read beyond the data returns 0 and sets `error`, which
 * stays set, so callers can check once after a run of reads.
 *
 * Input is RBSP: remove emulation-prevention bytes first with
 * vt_nal_to_rbsp().
 */
#ifndef VTCORE_CM_BITREADER_H
#define VTCORE_CM_BITREADER_H

#include <stddef.h>
#include <stdint.h>

typedef struct VTBitReader {
    const uint8_t *data;
    size_t size_bits;
    size_t pos; /* in bits */
    int error;  /* set by any read past the end or an invalid code */
} VTBitReader;

static inline void vt_br_init(VTBitReader *br, const uint8_t *data, size_t size) {
    br->data = data;
    br->size_bits = size > SIZE_MAX / 8 ? SIZE_MAX / 8 * 8 : size * 8;
    br->pos = 0;
    br->error = 0;
}

static inline size_t vt_br_bits_left(const VTBitReader *br) {
    return br->pos < br->size_bits ? br->size_bits - br->pos : 0;
}

static inline unsigned vt_br_read_bit(VTBitReader *br) {
    unsigned bit;
    if (br->pos >= br->size_bits) {
        br->error = 1;
        return 0;
    }
    bit = (br->data[br->pos >> 3] >> (7 - (br->pos & 7))) & 1;
    br->pos++;
    return bit;
}

/* n = 0..32 bits, MSB first. */
static inline uint32_t vt_br_read(VTBitReader *br, unsigned n) {
    uint32_t v = 0;
    if (n > 32 || n > vt_br_bits_left(br)) {
        br->error = 1;
        br->pos = br->size_bits;
        return 0;
    }
    while (n--)
        v = (v << 1) | vt_br_read_bit(br);
    return v;
}

static inline void vt_br_skip(VTBitReader *br, size_t n) {
    if (n > vt_br_bits_left(br)) {
        br->error = 1;
        br->pos = br->size_bits;
        return;
    }
    br->pos += n;
}

/* ue(v): unsigned Exp-Golomb, up to 2^32 - 2. More than 31 leading zero
 * bits is treated as corrupt data (error set, 0 returned). */
static inline uint32_t vt_br_read_ue(VTBitReader *br) {
    unsigned zeros = 0;
    uint32_t suffix;
    while (!br->error && vt_br_read_bit(br) == 0) {
        if (++zeros > 31) {
            br->error = 1;
            return 0;
        }
    }
    if (br->error)
        return 0;
    suffix = vt_br_read(br, zeros);
    if (br->error)
        return 0;
    return (uint32_t)(((uint64_t)1 << zeros) - 1 + suffix);
}

/* se(v): signed Exp-Golomb. */
static inline int32_t vt_br_read_se(VTBitReader *br) {
    uint32_t k = vt_br_read_ue(br);
    if (k & 1)
        return (int32_t)((k >> 1) + 1);
    return -(int32_t)(k >> 1);
}

/* Copies a NAL unit (or part of one) to dst removing emulation-prevention
 * bytes (0x00 0x00 0x03 -> 0x00 0x00). dst must hold `size` bytes; returns
 * the number of bytes written. dst may not overlap src. */
static inline size_t vt_nal_to_rbsp(uint8_t *dst, const uint8_t *src, size_t size) {
    size_t i, n = 0;
    unsigned zeros = 0;
    for (i = 0; i < size; i++) {
        if (zeros >= 2 && src[i] == 0x03) {
            zeros = 0;
            continue;
        }
        zeros = src[i] == 0 ? zeros + 1 : 0;
        dst[n++] = src[i];
    }
    return n;
}

#endif /* VTCORE_CM_BITREADER_H */
