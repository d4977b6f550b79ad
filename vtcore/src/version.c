/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <vtcore/vtcore.h>

const char *vtcore_version(void) {
    return VTCORE_VERSION_STRING;
}
