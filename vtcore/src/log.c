/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "log.h"

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static vtcore_log_callback log_cb;
static void *log_user_data;
static int log_level = -1; /* -1: not yet read from the environment */

static int vt_log_level(void) {
    int level = __atomic_load_n(&log_level, __ATOMIC_ACQUIRE);
    if (level < 0) {
        const char *env = getenv("VTCORE_LOG");
        level = env ? atoi(env) : VTCORE_LOG_WARNING;
        if (level < VTCORE_LOG_NONE)
            level = VTCORE_LOG_NONE;
        __atomic_store_n(&log_level, level, __ATOMIC_RELEASE);
    }
    return level;
}

int vt_log_enabled(int level) {
    return level <= vt_log_level();
}

void vtcore_set_log_callback(vtcore_log_callback cb, void *user_data, int max_level) {
    pthread_mutex_lock(&log_lock);
    log_cb = cb;
    log_user_data = user_data;
    pthread_mutex_unlock(&log_lock);
    if (cb)
        __atomic_store_n(&log_level, max_level, __ATOMIC_RELEASE);
    else
        __atomic_store_n(&log_level, -1, __ATOMIC_RELEASE);
}

void vt_log(int level, const char *fmt, ...) {
    static const char *const names[] = {"", "ERROR", "WARN", "INFO", "DEBUG", "TRACE"};
    va_list ap;
    if (!vt_log_enabled(level))
        return;
    pthread_mutex_lock(&log_lock);
    va_start(ap, fmt);
    if (log_cb) {
        log_cb(log_user_data, level, fmt, ap);
    } else {
        fprintf(stderr, "vtcore %s: ", names[level < 0 ? 0 : level > 5 ? 5 : level]);
        vfprintf(stderr, fmt, ap);
        fputc('\n', stderr);
    }
    va_end(ap);
    pthread_mutex_unlock(&log_lock);
}
