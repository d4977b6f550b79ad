/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * CoreMedia's H.264 readers (cm/h26x.h) for fuzz_avcc, in their own
 * translation unit: cm/h26x.h and encoder/h264.h both define VT_H264_NAL_SPS
 * and VT_H264_NAL_PPS and cannot be included together.
 */
#ifndef VTCORE_FUZZ_CM_BRIDGE_H
#define VTCORE_FUZZ_CM_BRIDGE_H

#include <stddef.h>
#include <stdint.h>

/* vt_cm_h264_parse_sps: 1 and the cropped size on success, 0 otherwise. */
int fuzz_cm_h264_sps_size(const uint8_t *nal, size_t size, int32_t *width, int32_t *height);

/* Parses an avcC record with vt_cm_avcc_parse: -1 if it does not parse, else
 * 1 if it holds exactly (sps, pps) with 4-byte NAL lengths, 0 if not. */
int fuzz_cm_avcc_holds(const uint8_t *rec, size_t size, const uint8_t *sps, size_t sps_size,
                       const uint8_t *pps, size_t pps_size);

#endif /* VTCORE_FUZZ_CM_BRIDGE_H */
