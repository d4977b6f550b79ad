/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef VTCORE_VIDEOTOOLBOX_VTBASE_H
#define VTCORE_VIDEOTOOLBOX_VTBASE_H

#include <CoreFoundation/CFBase.h>

/* TODO: declarations */

#endif
