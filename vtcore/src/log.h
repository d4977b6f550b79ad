/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The library's single logging point. Messages go to the callback installed
 * with vtcore_set_log_callback(), or to stderr (errors and warnings, or the
 * level named by the VTCORE_LOG environment variable, 0-5).
 */
#ifndef VTCORE_LOG_H
#define VTCORE_LOG_H

#include <vtcore/vtcore.h>

#if defined(__GNUC__)
#define VT_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define VT_PRINTF(fmt, args)
#endif

void vt_log(int level, const char *fmt, ...) VT_PRINTF(2, 3);
int vt_log_enabled(int level);

#define vt_error(...) vt_log(VTCORE_LOG_ERROR, __VA_ARGS__)
#define vt_warn(...) vt_log(VTCORE_LOG_WARNING, __VA_ARGS__)
#define vt_info(...) vt_log(VTCORE_LOG_INFO, __VA_ARGS__)
#define vt_debug(...) vt_log(VTCORE_LOG_DEBUG, __VA_ARGS__)

/* Argument checks at the top of public functions: API misuse (NULL handle,
 * NULL out-pointer) returns the documented error and logs at debug level. It
 * never aborts, so the NULL-argument tests and fuzzers can exercise it. */
#define VT_CHECK_ARG(cond, err)                                                                    \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            vt_debug("%s: invalid argument: %s", __func__, #cond);                                 \
            return (err);                                                                          \
        }                                                                                          \
    } while (0)

#endif /* VTCORE_LOG_H */
