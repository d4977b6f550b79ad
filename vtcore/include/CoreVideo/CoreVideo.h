/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef VTCORE_COREVIDEO_COREVIDEO_H
#define VTCORE_COREVIDEO_COREVIDEO_H

#include <CoreFoundation/CFBase.h>

/* TODO: declarations */

#endif
