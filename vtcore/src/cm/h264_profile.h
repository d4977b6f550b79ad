/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * H.264 profile facts shared by the CoreMedia parameter-set parser
 * (cm/h26x.c) and the encoder's SPS reader and writer (encoder/h264.c,
 * encoder/h264_bitwriter.c).
 */
#ifndef VTCORE_CM_H264_PROFILE_H
#define VTCORE_CM_H264_PROFILE_H

/* H.264 profiles whose SPS carries chroma_format_idc, bit depths and
 * scaling matrices (High and above, 7.3.2.1.1). Shared by the parser here
 * and the encoder's SPS reader and writer. */
static inline int vt_h264_profile_has_chroma_info(unsigned profile_idc) {
    switch (profile_idc) {
    case 100:
    case 110:
    case 122:
    case 244:
    case 44:
    case 83:
    case 86:
    case 118:
    case 128:
    case 138:
    case 139:
    case 134:
    case 135:
        return 1;
    default:
        return 0;
    }
}

#endif
