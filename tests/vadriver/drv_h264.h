/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * TEST FIXTURE ONLY. H.264 syntax helpers of the test VA driver
 * (vtcoretest_drv_video.c): a bit reader and parsers for the SPS, PPS and
 * slice header the backend sends as packed headers, a bit writer for the
 * slice data the driver appends, and a CABAC encoding engine for the few
 * syntax elements the driver codes (mb_skip_flag, mb_type I_PCM,
 * end_of_slice_flag). Written independently of vtcore's h264_bitwriter so the
 * driver checks the backend's headers with a second implementation.
 */
#ifndef VTCORETEST_DRV_H264_H
#define VTCORETEST_DRV_H264_H

#include <stddef.h>
#include <stdint.h>

/* ---- bits --------------------------------------------------------------- */

typedef struct DrvBitReader {
    const uint8_t *buf;
    size_t bits; /* readable bits */
    size_t pos;
    int error; /* read past the end or invalid code */
} DrvBitReader;

void drv_br_init(DrvBitReader *br, const uint8_t *buf, size_t bits);
uint32_t drv_br_u(DrvBitReader *br, unsigned n);
uint32_t drv_br_ue(DrvBitReader *br);
int32_t drv_br_se(DrvBitReader *br);

typedef struct DrvBitWriter {
    uint8_t *buf;
    size_t cap; /* bytes */
    size_t bits;
    int error; /* allocation failed */
} DrvBitWriter;

void drv_bw_init(DrvBitWriter *bw);
void drv_bw_free(DrvBitWriter *bw);
void drv_bw_u(DrvBitWriter *bw, unsigned n, uint32_t v);
void drv_bw_ue(DrvBitWriter *bw, uint32_t v);
void drv_bw_align(DrvBitWriter *bw, unsigned bit);
/* Appends the first `bits` bits of src. */
void drv_bw_bits(DrvBitWriter *bw, const uint8_t *src, size_t bits);

/* Removes emulation prevention bytes; returns the RBSP size. *removed gets
 * the number of bytes dropped (may be NULL). */
size_t drv_unescape(const uint8_t *src, size_t size, uint8_t *dst, size_t *removed);
/* Appends an escaped copy of rbsp (rbsp_size bytes) to out (cap bytes at
 * out + *pos); returns 0 on overflow. */
int drv_escape(const uint8_t *rbsp, size_t rbsp_size, uint8_t *out, size_t cap, size_t *pos);

/* ---- parameter sets and slice header ------------------------------------ */

typedef struct DrvSPS {
    int valid;
    unsigned profile_idc, constraint_byte, level_idc, sps_id;
    unsigned chroma_format_idc, bit_depth_luma, bit_depth_chroma;
    unsigned log2_max_frame_num, poc_type, log2_max_poc_lsb;
    unsigned max_num_ref_frames, gaps_allowed;
    unsigned width_mbs, height_mbs, frame_mbs_only, direct_8x8_inference;
    unsigned crop, crop_left, crop_right, crop_top, crop_bottom;
    unsigned vui;
    unsigned aspect_ratio_info, aspect_ratio_idc, sar_width, sar_height;
    unsigned video_signal_type, video_format, full_range, colour_description;
    unsigned colour_primaries, transfer_characteristics, matrix_coefficients;
    unsigned timing_info, num_units_in_tick, time_scale, fixed_frame_rate;
    unsigned nal_hrd, vcl_hrd, low_delay_hrd;
    uint64_t hrd_bit_rate, hrd_cpb_size; /* bits/s, bits (first HRD present) */
    unsigned hrd_cbr;
    unsigned bitstream_restriction, max_num_reorder_frames, max_dec_frame_buffering;
    unsigned log2_max_mv_length_horizontal, log2_max_mv_length_vertical;
} DrvSPS;

typedef struct DrvPPS {
    int valid;
    unsigned pps_id, sps_id, entropy_coding_mode, bottom_field_pic_order_present;
    unsigned num_ref_idx_l0_default, num_ref_idx_l1_default; /* minus1 values */
    unsigned weighted_pred, weighted_bipred_idc;
    int pic_init_qp, pic_init_qs, chroma_qp_index_offset, second_chroma_qp_index_offset;
    unsigned deblocking_filter_control_present, constrained_intra_pred;
    unsigned redundant_pic_cnt_present, transform_8x8_mode;
} DrvPPS;

#define DRV_MAX_MODS 33
#define DRV_MAX_MMCO 16

typedef struct DrvSliceHeader {
    unsigned nal_unit_type, nal_ref_idc;
    unsigned first_mb, slice_type, pps_id, frame_num, idr_pic_id, poc_lsb;
    int delta_poc_bottom;
    unsigned direct_spatial, override;
    unsigned num_ref_idx_l0, num_ref_idx_l1; /* active minus1, effective */
    unsigned n_mods[2];
    unsigned mod_idc[2][DRV_MAX_MODS], mod_val[2][DRV_MAX_MODS];
    unsigned no_output_of_prior_pics, long_term_reference, adaptive_marking;
    unsigned n_mmco;
    unsigned mmco_op[DRV_MAX_MMCO], mmco_a[DRV_MAX_MMCO], mmco_b[DRV_MAX_MMCO];
    unsigned cabac_init_idc;
    int slice_qp_delta;
    unsigned disable_deblocking;
    int alpha_div2, beta_div2;
    size_t header_bits; /* bits of slice_header() */
} DrvSliceHeader;

/* Parsers take the RBSP after the NAL header byte. Return NULL on success or
 * a static message describing the first problem. */
const char *drv_parse_sps(const uint8_t *rbsp, size_t bits, DrvSPS *sps);
const char *drv_parse_pps(const uint8_t *rbsp, size_t bits, const DrvSPS *sps_table, DrvPPS *pps);
/* sps/pps: the tables indexed by id (32 and 256 entries). */
const char *drv_parse_slice_header(const uint8_t *rbsp, size_t bits, unsigned nal_unit_type,
                                   unsigned nal_ref_idc, const DrvSPS *sps_table,
                                   const DrvPPS *pps_table, DrvSliceHeader *sh);

/* ---- CABAC -------------------------------------------------------------- */

/* Context indices the driver uses (Table 9-34). */
enum {
    DRV_CTX_MB_TYPE_I = 3,      /* 3..5: bin 0 of mb_type in I slices */
    DRV_CTX_MB_SKIP_P = 11,     /* 11..13 */
    DRV_CTX_MB_TYPE_P_PRE = 14, /* prefix bin 0 */
    DRV_CTX_MB_TYPE_P_SUF = 17, /* suffix bin 0 */
    DRV_CTX_MB_SKIP_B = 24,     /* 24..26 */
    DRV_CTX_MB_TYPE_B = 27,     /* 27..35 (prefix), 32 also suffix bin 0 */
    DRV_CTX_COUNT = 40,
};

typedef struct DrvCabac {
    DrvBitWriter *bw;
    uint32_t low, range;
    int first_bit;
    unsigned outstanding;
    uint8_t state[DRV_CTX_COUNT];
    uint8_t mps[DRV_CTX_COUNT];
} DrvCabac;

/* slice_type 0 P, 1 B, 2 I; qp = SliceQPY. */
void drv_cabac_init_contexts(DrvCabac *c, unsigned slice_type, unsigned cabac_init_idc, int qp);
void drv_cabac_init_engine(DrvCabac *c, DrvBitWriter *bw);
void drv_cabac_decision(DrvCabac *c, unsigned ctx, unsigned bin);
/* Terminating bin; bin = 1 flushes (end of slice or before I_PCM samples). */
void drv_cabac_terminate(DrvCabac *c, unsigned bin);

#endif /* VTCORETEST_DRV_H264_H */
