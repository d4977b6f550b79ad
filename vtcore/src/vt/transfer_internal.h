/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Internals of VTPixelTransferSession shared by transfer_session.c (the
 * session and its entry points), transfer_properties.c (THE property table,
 * data only) and the unit tests.
 *
 * VTTransferConfig is the storage the property rows point into (see
 * vt/property.h for the value kinds). TransferImage copies what it needs
 * under the session lock at the start of every transfer, so a property set
 * between two transfers applies to the next one.
 */
#ifndef VTCORE_VT_TRANSFER_INTERNAL_H
#define VTCORE_VT_TRANSFER_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <CoreFoundation/CoreFoundation.h>
#include <VideoToolbox/VTPixelTransferSession.h>

#include "vt/property.h"
#include "vt/session.h"

/* Default and largest kVTCorePixelTransferPropertyKey_ThreadCount. */
#define VT_TRANSFER_DEFAULT_THREADS 1
#define VT_TRANSFER_MAX_THREADS     16
/* ThreadCount 0 ("automatic") uses at most this many threads, and one
 * thread for frames below 1280x720 pixels. */
#define VT_TRANSFER_AUTO_MAX_THREADS 8

/* Pixel aspect ratios (horizontal / vertical spacing) outside
 * [VT_TRANSFER_MIN_PAR, 1 / VT_TRANSFER_MIN_PAR] are refused as property
 * values and ignored as source attachments. */
#define VT_TRANSFER_MIN_PAR 1e-4

typedef struct VTTransferConfig {
    int32_t scaling_mode;             /* ScalingMode: VTScalingMode (convert.h) */
    CFTypeRef dst_clean_aperture;     /* DestinationCleanAperture: CFDictionary or NULL */
    CFTypeRef dst_pixel_aspect_ratio; /* DestinationPixelAspectRatio: CFDictionary or NULL */
    int32_t downsampling_mode;        /* DownsamplingMode: VTChromaDownsampling */
    VTOptInt32 dst_color_primaries;   /* H.273 code points (vt_cs_color_primaries) */
    VTOptInt32 dst_transfer_function; /* (vt_cs_transfer_functions) */
    VTOptInt32 dst_ycbcr_matrix;      /* (vt_cs_ycbcr_matrices) */
    CFTypeRef dst_icc_profile;        /* DestinationICCProfile: always NULL (refused) */
    VTOptBool real_time;              /* RealTime: stored, no effect */
    int32_t thread_count;             /* vtcore.ThreadCount: 0 = automatic */
} VTTransferConfig;

/* THE pixel transfer property table (transfer_properties.c). */
extern const VTPropertyTable vt_transfer_table;

/* The value lists of ScalingMode and DownsamplingMode. */
extern const VTPropEnum vt_transfer_scaling_modes[];
extern const VTPropEnum vt_transfer_downsampling_modes[];

/* Test hook: copies the description of the conversion plan the last
 * successful transfer ran (vt_convert_plan_describe(), or "" before the
 * first one) into buf (NUL-terminated, truncated to size). Returns buf, or
 * NULL when session is not a pixel transfer session. */
char *vt_transfer_session_copy_last_plan(VTPixelTransferSessionRef session, char *buf, size_t size);

#endif /* VTCORE_VT_TRANSFER_INTERNAL_H */
