/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * vttransfer: colour conversion and scaling element over vtcore's
 * VTPixelTransferSession (libyuv underneath), a GstVideoFilter in the manner
 * of videoconvertscale.
 */
#ifndef __GST_VTC_TRANSFER_H__
#define __GST_VTC_TRANSFER_H__

#include <gst/gst.h>
#include <gst/video/video.h>
#include <gst/video/gstvideofilter.h>

#include "gstvtutil.h"

G_BEGIN_DECLS

/* Instance and class structures are private to gstvttransfer.c. */
typedef struct _GstVtcTransfer GstVtcTransfer;
typedef struct _GstVtcTransferClass GstVtcTransferClass;

#define GST_TYPE_VTC_TRANSFER (gst_vtc_transfer_get_type ())
#define GST_VTC_TRANSFER(obj)                                                  \
  (G_TYPE_CHECK_INSTANCE_CAST ((obj), GST_TYPE_VTC_TRANSFER, GstVtcTransfer))
GType gst_vtc_transfer_get_type (void);

typedef enum
{
  GST_VTC_TRANSFER_SCALING_NORMAL = 0,
  GST_VTC_TRANSFER_SCALING_LETTERBOX = 1,
  GST_VTC_TRANSFER_SCALING_TRIM = 2,
  GST_VTC_TRANSFER_SCALING_CROP_TO_CLEAN_APERTURE = 3,
} GstVtcTransferScalingMode;

typedef enum
{
  GST_VTC_TRANSFER_DOWNSAMPLING_DECIMATE = 0,
  GST_VTC_TRANSFER_DOWNSAMPLING_AVERAGE = 1,
} GstVtcTransferDownsamplingMode;

/* videoconvertscale-style names for the two resampling behaviours vtcore
 * has (the DownsamplingMode picks the filter too): an alias of
 * GstVtcTransferDownsamplingMode. */
typedef enum
{
  GST_VTC_TRANSFER_METHOD_NEAREST = 0,
  GST_VTC_TRANSFER_METHOD_BILINEAR = 1,
} GstVtcTransferMethod;

GST_ELEMENT_REGISTER_DECLARE (vttransfer);

G_END_DECLS

#endif /* __GST_VTC_TRANSFER_H__ */
