/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Shared helpers of the fuzz targets: a byte reader that never fails (an
 * exhausted input reads as zeros), generators of "interesting" integers,
 * doubles and sizes, a generator of arbitrary CF values (numbers of every
 * CFNumberType incl. NaN/inf, booleans, strings from the exported constants
 * or from raw bytes in several encodings, data, nested arrays and
 * dictionaries, CFNull), and FUZZ_CHECK, which aborts (with NDEBUG too) so
 * libFuzzer and the replay driver report a broken invariant as a crash.
 */
#ifndef VTCORE_FUZZ_COMMON_H
#define VTCORE_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <CoreFoundation/CoreFoundation.h>

/* The libFuzzer entry points (also called by main.c when replaying). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#define FUZZ_CHECK(cond)                                                                  \
    do {                                                                                  \
        if (!(cond)) {                                                                    \
            fprintf(stderr, "%s:%d: FUZZ_CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
            abort();                                                                      \
        }                                                                                 \
    } while (0)

/* Every exported CFStringRef constant of the public headers (generated). */
typedef struct FuzzConstant {
    const CFStringRef *value;
    const char *name;
} FuzzConstant;
extern const FuzzConstant fuzz_constants[];
extern const size_t fuzz_constant_count;

typedef struct FuzzInput {
    const uint8_t *data;
    size_t size;
    size_t pos;
} FuzzInput;

void fz_init(FuzzInput *in, const uint8_t *data, size_t size);
size_t fz_left(const FuzzInput *in);
uint8_t fz_u8(FuzzInput *in);
uint16_t fz_u16(FuzzInput *in);
uint32_t fz_u32(FuzzInput *in);
uint64_t fz_u64(FuzzInput *in);
Boolean fz_bool(FuzzInput *in);
/* A value in [0, n) (0 when n == 0). */
size_t fz_below(FuzzInput *in, size_t n);
/* Up to max bytes of the input (fewer at its end); *len receives the count. */
const uint8_t *fz_bytes(FuzzInput *in, size_t max, size_t *len);
/* An integer, often a boundary value (0, +-1, INT8..INT64 limits, ...). */
int64_t fz_int(FuzzInput *in);
/* A double, often a special one (NaN, +-inf, -0, DBL_MAX, denormals, ...). */
double fz_double(FuzzInput *in);
/* A size: mostly small (0, 1, odd, < 4096), sometimes a limit or huge one. */
size_t fz_size(FuzzInput *in);

/* A random exported constant (not retained; constants are immortal). */
CFStringRef fz_constant(FuzzInput *in);
/* A CFStringRef from the exported constants whose name contains `part`
 * ("PropertyKey"), or any constant when none matches. */
CFStringRef fz_constant_matching(FuzzInput *in, const char *part);
/* +1 string: a constant (copied), or built from raw bytes in a random encoding;
 * NULL when the bytes are invalid for the encoding. */
CFStringRef fz_cf_string(FuzzInput *in);
/* +1 number of a random CFNumberType (or NULL for an invalid type). */
CFNumberRef fz_cf_number(FuzzInput *in);
/* +1 arbitrary CF value (depth limits nesting), or NULL. */
CFTypeRef fz_cf_value(FuzzInput *in, int depth);
/* +1 dictionary with string keys (constants or random) and random values. */
CFDictionaryRef fz_cf_dictionary(FuzzInput *in, int depth);

/* Exercises a value the way clients and logs do: CFCopyDescription, CFHash,
 * CFEqual with itself and a copy, type queries. */
void fz_cf_touch(CFTypeRef value);

/* Installs a log callback that formats every message (so format strings and
 * their arguments are exercised under the sanitizers) and discards it. */
void fz_quiet_logs(void);

#endif /* VTCORE_FUZZ_COMMON_H */
