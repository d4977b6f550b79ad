/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Umbrella header: the CoreMedia subset VideoToolbox clients use.
 */
#ifndef VTCORE_COREMEDIA_COREMEDIA_H
#define VTCORE_COREMEDIA_COREMEDIA_H

#include <CoreMedia/CMBase.h>
#include <CoreMedia/CMTime.h>
#include <CoreMedia/CMTimeRange.h>
#include <CoreMedia/CMBlockBuffer.h>
#include <CoreMedia/CMFormatDescription.h>
#include <CoreMedia/CMAttachment.h>
#include <CoreMedia/CMSampleBuffer.h>
#include <CoreMedia/CMSimpleQueue.h>

#endif /* VTCORE_COREMEDIA_COREMEDIA_H */
