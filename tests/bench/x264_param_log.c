/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Benchmark helper (not a test, not library code): an LD_PRELOAD shim that
 * records the settings every x264 encoder in the process was opened with, so
 * the benchmark can show that vtenc / the vtcore session and x264enc / a
 * direct x264 caller really ran x264 with identical settings.
 *
 *   LD_PRELOAD=<build>/tests/bench/libx264_param_log.so \
 *   BENCH_X264_PARAMS=/dev/shm/params.txt  <any program using libx264>
 *
 * It wraps x264_encoder_open_<build>: calls the real one (RTLD_NEXT), reads
 * the effective parameters back (x264_encoder_parameters, so "auto" values
 * such as the thread count are resolved) and appends x264_param2string's
 * text, one line per opened encoder, to $BENCH_X264_PARAMS. Used only in the
 * untimed quality run of tests/bench/bench.py.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* RTLD_NEXT */
#endif
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <x264.h>

/* Exported by libx264 (common/base.h) but not declared in x264.h. */
char *x264_param2string(x264_param_t *p, int b_res);
void x264_free(void *p);

#define OPEN_NAME_(b) "x264_encoder_open_" #b
#define OPEN_NAME(b)  OPEN_NAME_(b)

typedef x264_t *(*open_fn)(x264_param_t *);

/* x264.h maps x264_encoder_open to this versioned name. */
x264_t *x264_encoder_open(x264_param_t *param) __attribute__((visibility("default")));

x264_t *x264_encoder_open(x264_param_t *param) {
    static open_fn real;
    if (!real)
        real = (open_fn)dlsym(RTLD_NEXT, OPEN_NAME(X264_BUILD));
    if (!real)
        return NULL;
    x264_t *h = real(param);
    const char *path = getenv("BENCH_X264_PARAMS");
    if (h && path && path[0]) {
        x264_param_t eff;
        x264_encoder_parameters(h, &eff);
        char *s = x264_param2string(&eff, 1);
        FILE *f = fopen(path, "a");
        if (f && s)
            fprintf(f, "%s\n", s);
        if (f)
            fclose(f);
        x264_free(s);
    }
    return h;
}
