/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "cm/h26x.h"
#include "fuzz_cm_bridge.h"

int fuzz_cm_h264_sps_size(const uint8_t *nal, size_t size, int32_t *width, int32_t *height) {
    VTCMH264SPS sps;
    if (vt_cm_h264_parse_sps(nal, size, &sps) != VT_H26X_OK)
        return 0;
    *width = sps.width;
    *height = sps.height;
    return 1;
}

int fuzz_cm_avcc_holds(const uint8_t *rec, size_t size, const uint8_t *sps, size_t sps_size,
                       const uint8_t *pps, size_t pps_size) {
    VTCMParamSets ps;
    int ok;
    memset(&ps, 0, sizeof(ps));
    if (vt_cm_avcc_parse(rec, size, &ps) != VT_H26X_OK) {
        vt_cm_param_sets_clear(&ps);
        return -1;
    }
    ok = ps.count == 2 && ps.nal_length == 4 && ps.sizes[0] == sps_size &&
         memcmp(ps.data[0], sps, sps_size) == 0 && ps.sizes[1] == pps_size &&
         memcmp(ps.data[1], pps, pps_size) == 0;
    vt_cm_param_sets_clear(&ps);
    return ok;
}
