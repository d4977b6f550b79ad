/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * H.264 bitstream helpers shared by the encoder backends, the compression
 * session and the tests: NAL unit iteration over Annex B byte streams and
 * length-prefixed (AVCC) samples, conversion between the two, the avcC
 * decoder configuration record, and small readers for the SPS, PPS and the
 * start of a slice header. All functions are pure (no allocation) and safe
 * on malformed input.
 */
#ifndef VTCORE_ENCODER_H264_H
#define VTCORE_ENCODER_H264_H

#include <stddef.h>
#include <stdint.h>

#include <CoreFoundation/CFBase.h>
#include <VideoToolbox/VTErrors.h>

/* nal_unit_type values used in vtcore. */
enum {
    VT_H264_NAL_SLICE = 1,
    VT_H264_NAL_IDR = 5,
    VT_H264_NAL_SEI = 6,
    VT_H264_NAL_SPS = 7,
    VT_H264_NAL_PPS = 8,
    VT_H264_NAL_AUD = 9,
    VT_H264_NAL_END_SEQ = 10,
    VT_H264_NAL_END_STREAM = 11,
    VT_H264_NAL_FILLER = 12,
};

/* Bit for nal type t in the drop masks below. */
#define VT_H264_NAL_MASK(t) (1u << (t))

/* One NAL unit: data points at the NAL header byte (no start code, no
 * length prefix); size includes the header byte. */
typedef struct VTH264Nal {
    const uint8_t *data;
    size_t size;
    uint8_t type;    /* nal_unit_type */
    uint8_t ref_idc; /* nal_ref_idc */
} VTH264Nal;

/* Annex B iteration. *offset starts at 0; returns 1 and fills nal for the
 * next NAL unit, 0 at the end. Trailing zero bytes before the next start code
 * are not part of the NAL. Bytes before the first start code are skipped. */
int vt_h264_annexb_next(const uint8_t *buf, size_t size, size_t *offset, VTH264Nal *nal);

/* Length-prefixed (AVCC) iteration with length_size 1, 2 or 4. Returns 1 and
 * fills nal, 0 at the end, -1 on a truncated or zero-length unit. */
int vt_h264_avcc_next(const uint8_t *buf, size_t size, int length_size, size_t *offset,
                      VTH264Nal *nal);

/* Annex B -> AVCC with 4-byte lengths, dropping NAL types whose bit is set in
 * drop_mask. When dst is NULL only *out_size is computed. Returns noErr, or
 * kVTParameterErr for bad arguments, input without any NAL unit, or dst_cap
 * too small (then *out_size still holds the size needed). */
OSStatus vt_h264_annexb_to_avcc(const uint8_t *src, size_t size, uint32_t drop_mask, uint8_t *dst,
                                size_t dst_cap, size_t *out_size);

/* AVCC (length_size 1/2/4) -> Annex B with 4-byte start codes. Same
 * conventions as above; malformed input -> kVTParameterErr. */
OSStatus vt_h264_avcc_to_annexb(const uint8_t *src, size_t size, int length_size, uint8_t *dst,
                                size_t dst_cap, size_t *out_size);

/* Checks that buf is a well-formed AVCC sample (length_size 4): at least one
 * NAL, lengths cover the buffer exactly, forbidden_zero_bit clear. Returns the
 * NAL count, or -1. */
int vt_h264_avcc_validate(const uint8_t *buf, size_t size);

/* Removes emulation-prevention bytes (00 00 03 -> 00 00). dst must hold size
 * bytes; returns the RBSP size. src and dst may be equal. */
size_t vt_h264_unescape(const uint8_t *src, size_t size, uint8_t *dst);

typedef struct VTH264SPSInfo {
    uint8_t profile_idc;
    uint8_t constraint_flags; /* byte as coded: set0 = 0x80 ... set5 = 0x04 */
    uint8_t level_idc;
    uint32_t sps_id;
    uint32_t chroma_format_idc; /* 1 = 4:2:0 when absent */
    uint32_t bit_depth_luma, bit_depth_chroma;
    Boolean qpprime_y_zero_transform_bypass;
    uint32_t log2_max_frame_num;
    uint32_t pic_order_cnt_type;
    uint32_t max_num_ref_frames;
    Boolean frame_mbs_only;
    Boolean direct_8x8_inference;
    uint32_t coded_width, coded_height; /* in macroblocks * 16 */
    Boolean frame_cropping;
    uint32_t crop_left, crop_right, crop_top, crop_bottom; /* as coded (crop units) */
    uint32_t width, height;                                /* after cropping */
    Boolean vui_present;
    Boolean aspect_ratio_present;
    uint32_t sar_width, sar_height; /* resolved from aspect_ratio_idc */
    Boolean video_signal_type_present;
    uint32_t video_format;
    Boolean full_range;
    Boolean colour_description_present;
    uint32_t colour_primaries, transfer_characteristics, matrix_coefficients;
    Boolean timing_info_present;
    uint32_t num_units_in_tick, time_scale;
    uint32_t timing_bit_offset; /* bit position of num_units_in_tick in the RBSP
                                   after the header byte; 0 when absent */
    Boolean fixed_frame_rate;
    Boolean nal_hrd_present, vcl_hrd_present;
    Boolean bitstream_restriction;
    uint32_t max_num_reorder_frames; /* valid when bitstream_restriction */
    uint32_t max_dec_frame_buffering;
} VTH264SPSInfo;

/* Parse an SPS NAL (header byte included). Returns noErr or kVTParameterErr
 * (not an SPS, truncated, unsupported values). */
OSStatus vt_h264_parse_sps(const uint8_t *nal, size_t size, VTH264SPSInfo *out);

/* Inserts emulation-prevention bytes: RBSP -> NAL payload. Returns the size
 * written, or the size needed when dst is NULL or dst_cap is too small
 * (nothing is written then). At most size + size / 2 + 1 bytes. */
size_t vt_h264_escape(const uint8_t *src, size_t size, uint8_t *dst, size_t dst_cap);

/* Rewrites the VUI timing of an SPS NAL (num_units_in_tick, time_scale) into
 * dst (capacity dst_cap, at least size + 16). SPSs without timing info are
 * copied unchanged. Returns noErr, or kVTParameterErr (unparsable SPS, dst
 * too small). */
OSStatus vt_h264_sps_set_timing(const uint8_t *sps, size_t size, uint32_t num_units_in_tick,
                                uint32_t time_scale, uint8_t *dst, size_t dst_cap,
                                size_t *out_size);

typedef struct VTH264PPSInfo {
    uint32_t pps_id, sps_id;
    Boolean entropy_coding_mode; /* 1 = CABAC */
    uint32_t num_slice_groups;
    uint32_t num_ref_idx_l0_default, num_ref_idx_l1_default;
    Boolean weighted_pred;
    uint32_t weighted_bipred_idc;
    int32_t pic_init_qp;
    Boolean deblocking_filter_control_present;
    Boolean constrained_intra_pred;
    Boolean transform_8x8_mode; /* 0 when the optional tail is absent */
} VTH264PPSInfo;

/* Parse a PPS NAL (header byte included). Returns noErr or kVTParameterErr. */
OSStatus vt_h264_parse_pps(const uint8_t *nal, size_t size, VTH264PPSInfo *out);

/* first_mb_in_slice and slice_type (0..9; % 5: 0 P, 1 B, 2 I, 3 SP, 4 SI) of a
 * slice NAL (types 1 and 5). Returns noErr or kVTParameterErr. */
OSStatus vt_h264_parse_slice_start(const uint8_t *nal, size_t size, uint32_t *first_mb,
                                   uint32_t *slice_type);

/* Builds the avcC AVCDecoderConfigurationRecord (ISO/IEC 14496-15) for one
 * SPS and one PPS with 4-byte NAL lengths; High profiles get the chroma/bit
 * depth extension. When dst is NULL only *out_size is computed. Returns noErr
 * or kVTParameterErr (bad SPS, dst too small). */
OSStatus vt_h264_avcc_config_build(const uint8_t *sps, size_t sps_size, const uint8_t *pps,
                                   size_t pps_size, uint8_t *dst, size_t dst_cap, size_t *out_size);

#endif /* VTCORE_ENCODER_H264_H */
