/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 * (placeholder until the status table lands)
 */
#include "config.h"

#include <vtcore/vtcore.h>

const char *vtcore_status_name(OSStatus status) {
    (void)status;
    return NULL;
}

const char *vtcore_status_string(OSStatus status) {
    (void)status;
    return "unknown status";
}
