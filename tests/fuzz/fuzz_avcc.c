/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The H.264 bitstream helpers (vtcore/src/encoder/h264.h) with garbage: the
 * Annex B and AVCC walkers, the conversions between them, emulation
 * prevention, the SPS/PPS/slice readers, the SPS timing rewriter and the
 * avcC builder (whose record must parse back with CoreMedia's avcC parser).
 *
 * Input: byte 0 = mode (0 Annex B, 1 AVCC, 2 avcC build), byte 1 = option
 * (AVCC length size / drop mask), then the stream.
 */
#include <string.h>

#include <VideoToolbox/VTErrors.h>

#include "encoder/h264.h"
#include "fuzz_cm_bridge.h"
#include "fuzz_common.h"

/* Exactly sized heap copy, so ASan sees any over-read. */
static uint8_t *dup_exact(const uint8_t *p, size_t n) {
    uint8_t *d = malloc(n ? n : 1);
    if (d && n)
        memcpy(d, p, n);
    return d;
}

static Boolean inside(const uint8_t *buf, size_t size, const uint8_t *p, size_t n) {
    return p >= buf && n <= size && (size_t)(p - buf) <= size - n;
}

static void check_escape(const uint8_t *rbsp, size_t n) {
    size_t need = vt_h264_escape(rbsp, n, NULL, 0), w, i, back;
    uint8_t *esc, *un;
    FUZZ_CHECK(need >= n && need <= n + n / 2 + 1);
    esc = malloc(need ? need : 1);
    un = malloc(need ? need : 1);
    if (esc && un) {
        /* Too small a buffer writes nothing and reports the size needed. */
        if (need)
            FUZZ_CHECK(vt_h264_escape(rbsp, n, esc, need - 1) == need);
        w = vt_h264_escape(rbsp, n, esc, need);
        FUZZ_CHECK(w == need);
        /* No start-code emulation (00 00 00/01/02) survives, and the NAL
         * does not end in a zero byte pair. */
        for (i = 0; i + 2 < w; i++)
            FUZZ_CHECK(!(esc[i] == 0 && esc[i + 1] == 0 && esc[i + 2] <= 2));
        if (w >= 2)
            FUZZ_CHECK(!(esc[w - 2] == 0 && esc[w - 1] == 0));
        back = vt_h264_unescape(esc, w, un);
        FUZZ_CHECK(back == n && memcmp(un, rbsp, n) == 0);
    }
    free(esc);
    free(un);
}

static void parse_nal(const VTH264Nal *nal) {
    uint8_t *copy = dup_exact(nal->data, nal->size);
    if (!copy)
        return;
    switch (nal->type) {
    case VT_H264_NAL_SPS: {
        VTH264SPSInfo sps;
        int32_t cm_w = 0, cm_h = 0;
        int cm_ok = fuzz_cm_h264_sps_size(copy, nal->size, &cm_w, &cm_h);
        if (vt_h264_parse_sps(copy, nal->size, &sps) == noErr) {
            uint8_t *dst;
            size_t cap = nal->size + 16, out = 0;
            FUZZ_CHECK(sps.width <= sps.coded_width && sps.height <= sps.coded_height);
            dst = malloc(cap);
            if (dst &&
                vt_h264_sps_set_timing(copy, nal->size, 1001, 60000, dst, cap, &out) == noErr) {
                VTH264SPSInfo again;
                FUZZ_CHECK(out <= cap);
                /* The rewritten SPS parses, with the new timing. */
                FUZZ_CHECK(vt_h264_parse_sps(dst, out, &again) == noErr);
                if (sps.timing_info_present)
                    FUZZ_CHECK(again.num_units_in_tick == 1001 && again.time_scale == 60000);
                FUZZ_CHECK(again.width == sps.width && again.height == sps.height);
            }
            free(dst);
            /* vtcore has two SPS readers (encoder and CoreMedia): where both
             * accept an SPS they must agree on the picture size. */
            if (cm_ok)
                FUZZ_CHECK((uint32_t)cm_w == sps.width && (uint32_t)cm_h == sps.height);
        }
        break;
    }
    case VT_H264_NAL_PPS: {
        VTH264PPSInfo pps;
        (void)vt_h264_parse_pps(copy, nal->size, &pps);
        break;
    }
    case VT_H264_NAL_SLICE:
    case VT_H264_NAL_IDR: {
        uint32_t first_mb = 0, slice_type = 0;
        if (vt_h264_parse_slice_start(copy, nal->size, &first_mb, &slice_type) == noErr)
            FUZZ_CHECK(slice_type <= 9);
        break;
    }
    default:
        break;
    }
    free(copy);
}

static void fuzz_annexb(const uint8_t *buf, size_t size, uint32_t drop_mask) {
    size_t off = 0, n_nals = 0, kept = 0, need = 0, need2 = 0, off2;
    VTH264Nal nal, nal2;
    uint8_t *avcc, *annexb;
    OSStatus st;

    while (vt_h264_annexb_next(buf, size, &off, &nal)) {
        FUZZ_CHECK(nal.size > 0 && inside(buf, size, nal.data, nal.size));
        FUZZ_CHECK(nal.data[nal.size - 1] != 0);
        FUZZ_CHECK(off <= size);
        n_nals++;
        if (!(drop_mask & VT_H264_NAL_MASK(nal.type)))
            kept++;
        if (n_nals <= 16)
            parse_nal(&nal);
    }
    st = vt_h264_annexb_to_avcc(buf, size, drop_mask, NULL, 0, &need);
    FUZZ_CHECK((st == noErr) == (n_nals > 0));
    if (st != noErr)
        return;
    avcc = malloc(need ? need : 1);
    if (!avcc)
        return;
    if (need)
        FUZZ_CHECK(vt_h264_annexb_to_avcc(buf, size, drop_mask, avcc, need - 1, &need2) != noErr);
    FUZZ_CHECK(vt_h264_annexb_to_avcc(buf, size, drop_mask, avcc, need, &need2) == noErr);
    FUZZ_CHECK(need2 == need);
    if (kept) {
        FUZZ_CHECK(vt_h264_avcc_validate(avcc, need) == (int)kept ||
                   vt_h264_avcc_validate(avcc, need) == -1 /* forbidden_zero_bit set */);
        /* Back to Annex B: the same kept NAL units, in order. */
        st = vt_h264_avcc_to_annexb(avcc, need, 4, NULL, 0, &need2);
        FUZZ_CHECK(st == noErr && need2 == need);
        annexb = malloc(need2);
        if (annexb) {
            FUZZ_CHECK(vt_h264_avcc_to_annexb(avcc, need, 4, annexb, need2, &need2) == noErr);
            off = 0;
            off2 = 0;
            while (vt_h264_annexb_next(buf, size, &off, &nal)) {
                if (drop_mask & VT_H264_NAL_MASK(nal.type))
                    continue;
                FUZZ_CHECK(vt_h264_annexb_next(annexb, need2, &off2, &nal2) == 1);
                FUZZ_CHECK(nal2.size == nal.size && memcmp(nal2.data, nal.data, nal.size) == 0);
            }
            FUZZ_CHECK(vt_h264_annexb_next(annexb, need2, &off2, &nal2) == 0);
            free(annexb);
        }
    } else {
        FUZZ_CHECK(need == 0);
    }
    free(avcc);
}

static void fuzz_avcc_walk(const uint8_t *buf, size_t size, int length_size) {
    size_t off = 0, count = 0, need = 0;
    VTH264Nal nal;
    int r;
    while ((r = vt_h264_avcc_next(buf, size, length_size, &off, &nal)) == 1) {
        FUZZ_CHECK(nal.size > 0 && inside(buf, size, nal.data, nal.size));
        FUZZ_CHECK(off <= size);
        if (++count <= 16)
            parse_nal(&nal);
    }
    if (length_size == 4) {
        int v = vt_h264_avcc_validate(buf, size);
        FUZZ_CHECK(v == -1 || (r == 0 && (size_t)v == count));
    }
    if (vt_h264_avcc_to_annexb(buf, size, length_size, NULL, 0, &need) == noErr) {
        uint8_t *dst = malloc(need ? need : 1);
        FUZZ_CHECK(r == 0 && count > 0);
        if (dst) {
            FUZZ_CHECK(vt_h264_avcc_to_annexb(buf, size, length_size, dst, need, &need) == noErr);
            free(dst);
        }
    }
}

static void fuzz_config(FuzzInput *in) {
    size_t sps_len, pps_len, need = 0;
    const uint8_t *sps_p = fz_bytes(in, fz_u8(in), &sps_len);
    const uint8_t *pps_p = fz_bytes(in, fz_u8(in), &pps_len);
    uint8_t *sps = dup_exact(sps_p, sps_len), *pps = dup_exact(pps_p, pps_len), *rec = NULL;
    if (!sps || !pps)
        goto done;
    if (vt_h264_avcc_config_build(sps, sps_len, pps, pps_len, NULL, 0, &need) != noErr)
        goto done;
    rec = malloc(need);
    if (!rec)
        goto done;
    FUZZ_CHECK(vt_h264_avcc_config_build(sps, sps_len, pps, pps_len, rec, need, &need) == noErr);
    /* CoreMedia reads the encoder's record back: exactly SPS + PPS. */
    FUZZ_CHECK(fuzz_cm_avcc_holds(rec, need, sps, sps_len, pps, pps_len) == 1);
done:
    free(rec);
    free(sps);
    free(pps);
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc;
    (void)argv;
    fz_quiet_logs();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static const int lengths[4] = {4, 1, 2, 3};
    FuzzInput in;
    uint8_t mode, opt;
    uint8_t *buf;
    size_t len;
    const uint8_t *p;
    fz_init(&in, data, size);
    mode = fz_u8(&in);
    opt = fz_u8(&in);
    if (mode % 3 == 2) {
        fuzz_config(&in);
        return 0;
    }
    p = fz_bytes(&in, SIZE_MAX, &len);
    buf = dup_exact(p, len);
    if (!buf)
        return 0;
    if (mode % 3 == 0) {
        /* drop mask: none, or AUD+SEI+filler, or a random one */
        uint32_t masks[3] = {0,
                             VT_H264_NAL_MASK(VT_H264_NAL_AUD) | VT_H264_NAL_MASK(VT_H264_NAL_SEI) |
                                 VT_H264_NAL_MASK(VT_H264_NAL_FILLER),
                             (uint32_t)opt * 0x01010101u};
        fuzz_annexb(buf, len, masks[opt % 3]);
        check_escape(buf, len < 512 ? len : 512);
    } else {
        fuzz_avcc_walk(buf, len, lengths[opt % 4]);
    }
    free(buf);
    return 0;
}
