/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Umbrella header: the CoreVideo subset vtcore implements (buffers,
 * attachments, pixel buffers and pools).
 */
#ifndef VTCORE_COREVIDEO_COREVIDEO_H
#define VTCORE_COREVIDEO_COREVIDEO_H

#include <CoreFoundation/CoreFoundation.h>
#include <CoreVideo/CVBase.h>
#include <CoreVideo/CVReturn.h>
#include <CoreVideo/CVBuffer.h>
#include <CoreVideo/CVImageBuffer.h>
#include <CoreVideo/CVPixelBuffer.h>
#include <CoreVideo/CVPixelBufferPool.h>

#endif /* VTCORE_COREVIDEO_COREVIDEO_H */
