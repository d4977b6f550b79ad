/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Minimal test harness for the plain-C unit tests: CHECK() records a failure
 * with file:line and carries on; the test's main returns vt_test_result().
 * Exit 77 tells meson the test was skipped (always with a printed reason).
 */
#ifndef VTCORE_VT_TEST_H
#define VTCORE_VT_TEST_H

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int vt_test_failures;
static int vt_test_checks;

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        vt_test_checks++;                                                                          \
        if (!(cond)) {                                                                             \
            vt_test_failures++;                                                                    \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);               \
        }                                                                                          \
    } while (0)

#define CHECK_MSG(cond, ...)                                                                       \
    do {                                                                                           \
        vt_test_checks++;                                                                          \
        if (!(cond)) {                                                                             \
            vt_test_failures++;                                                                    \
            fprintf(stderr, "%s:%d: CHECK failed: %s: ", __FILE__, __LINE__, #cond);               \
            fprintf(stderr, __VA_ARGS__);                                                          \
            fputc('\n', stderr);                                                                   \
        }                                                                                          \
    } while (0)

#define CHECK_EQ_INT(a, b)                                                                         \
    do {                                                                                           \
        long long va_ = (long long)(a), vb_ = (long long)(b);                                      \
        CHECK_MSG(va_ == vb_, "%s = %lld, expected %lld", #a, va_, vb_);                           \
    } while (0)

/* OSStatus comparison printing both values. */
#define CHECK_STATUS(expr, expected) CHECK_EQ_INT((expr), (expected))

#define VT_TEST_SKIP(...)                                                                          \
    do {                                                                                           \
        printf("SKIP: ");                                                                          \
        printf(__VA_ARGS__);                                                                       \
        printf("\n");                                                                              \
        exit(77);                                                                                  \
    } while (0)

static inline int vt_test_result(void) {
    printf("%d checks, %d failed\n", vt_test_checks, vt_test_failures);
    return vt_test_failures ? 1 : 0;
}

#endif /* VTCORE_VT_TEST_H */
