/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Umbrella header: the whole VideoToolbox API vtcore provides (compression,
 * pixel transfer and rotation sessions, multi-pass helpers, encoder list,
 * utilities), with the CoreFoundation, CoreMedia and CoreVideo headers it
 * uses.
 */
#ifndef VTCORE_VIDEOTOOLBOX_VIDEOTOOLBOX_H
#define VTCORE_VIDEOTOOLBOX_VIDEOTOOLBOX_H

#include <CoreFoundation/CoreFoundation.h>
#include <VideoToolbox/VTBase.h>
#include <VideoToolbox/VTErrors.h>
#include <VideoToolbox/VTSession.h>
#include <VideoToolbox/VTCompressionProperties.h>
#include <VideoToolbox/VTCompressionSession.h>
#include <VideoToolbox/VTFrameSilo.h>
#include <VideoToolbox/VTMultiPassStorage.h>
#include <VideoToolbox/VTPixelRotationProperties.h>
#include <VideoToolbox/VTPixelRotationSession.h>
#include <VideoToolbox/VTPixelTransferProperties.h>
#include <VideoToolbox/VTPixelTransferSession.h>
#include <VideoToolbox/VTUtilities.h>
#include <VideoToolbox/VTVideoEncoderList.h>

#endif /* VTCORE_VIDEOTOOLBOX_VIDEOTOOLBOX_H */
