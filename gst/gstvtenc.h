/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * vtenc: H.264 encoder element over VTCompressionSession (vtcore). The
 * GType names (GstVtcEnc, GstVtcEncH264, GstVtcEncRateControl, ...) differ
 * from GStreamer's applemedia ones (GstVTEnc, GstVtencRateControl) so both
 * plugins can be loaded in one process.
 */
#ifndef __GST_VTC_ENC_H__
#define __GST_VTC_ENC_H__

#include <gst/gst.h>
#include <gst/video/video.h>

#include "gstvtutil.h"

G_BEGIN_DECLS

/* Instance and class structures are private to gstvtenc.c. */
typedef struct _GstVtcEnc GstVtcEnc;
typedef struct _GstVtcEncClass GstVtcEncClass;

#define GST_TYPE_VTC_ENC (gst_vtc_enc_get_type ())
#define GST_VTC_ENC(obj)                                                       \
  (G_TYPE_CHECK_INSTANCE_CAST ((obj), GST_TYPE_VTC_ENC, GstVtcEnc))
#define GST_IS_VTC_ENC(obj)                                                    \
  (G_TYPE_CHECK_INSTANCE_TYPE ((obj), GST_TYPE_VTC_ENC))
GType gst_vtc_enc_get_type (void);

/* vtenc_h264: the same element under the name of macOS's encoder. */
#define GST_TYPE_VTC_ENC_H264 (gst_vtc_enc_h264_get_type ())
GType gst_vtc_enc_h264_get_type (void);

typedef enum
{
  GST_VTC_ENC_RATE_CONTROL_ABR = 0,
  GST_VTC_ENC_RATE_CONTROL_CBR = 1,
} GstVtcEncRateControl;

typedef enum
{
  GST_VTC_ENC_ENTROPY_AUTO = 0,
  GST_VTC_ENC_ENTROPY_CAVLC = 1,
  GST_VTC_ENC_ENTROPY_CABAC = 2,
} GstVtcEncEntropyMode;

GST_ELEMENT_REGISTER_DECLARE (vtenc);
GST_ELEMENT_REGISTER_DECLARE (vtenc_h264);

G_END_DECLS

#endif /* __GST_VTC_ENC_H__ */
