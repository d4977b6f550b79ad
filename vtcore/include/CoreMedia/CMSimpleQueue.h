/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef VTCORE_COREMEDIA_CMSIMPLEQUEUE_H
#define VTCORE_COREMEDIA_CMSIMPLEQUEUE_H

#include <CoreFoundation/CFBase.h>

/* TODO: declarations */

#endif
