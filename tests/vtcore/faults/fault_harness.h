/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Allocation-failure injection through the library's single allocation
 * point (vtcore_debug_fail_allocation_after). A FaultCase is one public
 * call; fault_run() runs it with its 1st, 2nd, ... allocation failing until
 * it makes fewer allocations than the one that would fail, i.e. until it
 * completes without an injected failure. For every injected failure:
 *
 *   - the call returns one of the case's allocation-failure codes (a call
 *     that recovers and still succeeds is accepted only if its result
 *     passes the case's verify hook; such "tolerated" failures are counted);
 *   - the out-parameter is NULL (the run hook stores it in *out);
 *   - nothing leaks: the heap in use (glibc mallinfo2) is the same before
 *     setup and after teardown. Under ASan mallinfo2 is not meaningful;
 *     LeakSanitizer checks the same at exit instead.
 *
 * Each case runs once without injection first (warm-up: lazily created
 * constants such as CFSTR strings exist afterwards) and must succeed then.
 * Setup and teardown run outside the armed window.
 */
#ifndef VTCORE_FAULT_HARNESS_H
#define VTCORE_FAULT_HARNESS_H

#include <malloc.h>
#include <stdarg.h>
#include <unistd.h>

#include <CoreFoundation/CoreFoundation.h>
#include <vtcore/vtcore.h>

#include "vt_test.h"

/* Status a CF creator's run hook returns for a NULL result. */
#define FAULT_NULL ((int32_t)0x7fff0001)
/* Calls stop at this many allocations (a loop would be a bug in itself). */
#define FAULT_MAX_ALLOCATIONS 20000

typedef struct FaultCase {
    const char *name;
    /* Optional: builds the inputs (not counted); returns the context. */
    void *(*setup)(void);
    /* The call under test: returns its status (0 = success), or FAULT_NULL
     * for a CF creator that returned NULL; stores the object it created (or
     * NULL) in *out. It must not leave anything else allocated. */
    int32_t (*run)(void *ctx, CFTypeRef *out);
    /* Optional: TRUE when a successful result is correct. */
    Boolean (*verify)(void *ctx, CFTypeRef out);
    /* Optional: releases the context (and whatever run left in it). */
    void (*teardown)(void *ctx);
    /* The codes an injected failure may produce (up to 4). */
    int32_t fail_codes[4];
    /* Set while a bug makes verify fail after some injected failures (its
     * id, "Hn" in docs/hardening.md): those are then reported as known
     * instead of failing the test, unless VTCORE_FAULT_STRICT is set. */
    const char *open_bug;
} FaultCase;

typedef struct FaultStats {
    int cases;
    long injections; /* failures injected over all cases */
    long tolerated;  /* ... after which the call still succeeded */
} FaultStats;

static FaultStats fault_stats;
static int fault_verbose;
static int fault_heap_exact = 1; /* mallinfo2 can be trusted (see fault_init) */

static size_t fault_heap_in_use(void) {
    struct mallinfo2 mi = mallinfo2();
    return mi.uordblks + mi.hblkhd;
}

static Boolean fault_code_ok(const FaultCase *c, int32_t status) {
    int i;
    for (i = 0; i < 4; i++) {
        if (c->fail_codes[i] != 0 && c->fail_codes[i] == status)
            return TRUE;
    }
    return FALSE;
}

static void fault_finish(const FaultCase *c, void *ctx, CFTypeRef out) {
    if (out)
        CFRelease(out);
    if (c->teardown)
        c->teardown(ctx);
}

/* Runs one case; returns the number of allocations the call makes. */
static long fault_run(const FaultCase *c) {
    void *ctx;
    CFTypeRef out = NULL;
    int32_t status;
    long n, made = 0;

    fault_stats.cases++;
    /* Warm-up, no injection. */
    ctx = c->setup ? c->setup() : NULL;
    vtcore_debug_fail_allocation_after(0);
    status = c->run(ctx, &out);
    made = vtcore_debug_fail_allocation_after(0);
    CHECK_MSG(status == 0, "%s: fails without injection (%d)", c->name, (int)status);
    if (status == 0 && c->verify)
        CHECK_MSG(c->verify(ctx, out), "%s: wrong result without injection", c->name);
    fault_finish(c, ctx, out);
    if (status != 0)
        return 0;

    for (n = 1; n <= FAULT_MAX_ALLOCATIONS; n++) {
        size_t heap_before = fault_heap_in_use(), heap_after;
        out = NULL;
        ctx = c->setup ? c->setup() : NULL;
        vtcore_debug_fail_allocation_after(n);
        status = c->run(ctx, &out);
        made = vtcore_debug_fail_allocation_after(0);
        if (made < n) {
            /* Nothing was injected: the call completed normally. */
            CHECK_MSG(status == 0, "%s: fails without injection (%d) after %ld allocations",
                      c->name, (int)status, made);
            if (status == 0 && c->verify)
                CHECK_MSG(c->verify(ctx, out), "%s: wrong result", c->name);
            fault_finish(c, ctx, out);
            break;
        }
        fault_stats.injections++;
        if (status == 0) {
            fault_stats.tolerated++;
            if (fault_verbose)
                printf("  %s: allocation %ld failed, call succeeded\n", c->name, n);
            if (c->verify && c->open_bug && !getenv("VTCORE_FAULT_STRICT")) {
                if (!c->verify(ctx, out))
                    printf("known open bug %s: %s: allocation %ld failed: success with a wrong "
                           "result\n",
                           c->open_bug, c->name, n);
            } else if (c->verify) {
                CHECK_MSG(c->verify(ctx, out),
                          "%s: allocation %ld failed: success with a wrong result", c->name, n);
            }
        } else {
            CHECK_MSG(fault_code_ok(c, status), "%s: allocation %ld failed: status %d (%s)",
                      c->name, n, (int)status,
                      status == FAULT_NULL ? "NULL" : vtcore_status_string(status));
            CHECK_MSG(out == NULL, "%s: allocation %ld failed: out-parameter not NULL", c->name, n);
        }
        fault_finish(c, ctx, out);
        heap_after = fault_heap_in_use();
        CHECK_MSG(!fault_heap_exact || heap_after == heap_before,
                  "%s: allocation %ld failed: %ld bytes leaked", c->name, n,
                  (long)(heap_after - heap_before));
    }
    CHECK_MSG(n <= FAULT_MAX_ALLOCATIONS, "%s: more than %d allocations", c->name,
              FAULT_MAX_ALLOCATIONS);
    if (fault_verbose)
        printf("%-48s %4ld allocations\n", c->name, n - 1);
    return n - 1;
}

static void fault_run_all(const FaultCase *cases, size_t count) {
    size_t i;
    for (i = 0; i < count; i++)
        fault_run(&cases[i]);
    printf("%d calls, %ld failures injected, %ld tolerated (call succeeded anyway)\n",
           fault_stats.cases, fault_stats.injections, fault_stats.tolerated);
}

static void fault_quiet_log(void *user_data, int level, const char *fmt, va_list args) {
    char buf[256];
    (void)user_data;
    (void)level;
    vsnprintf(buf, sizeof(buf), fmt, args);
}

/* glibc keeps freed chunks in per-thread caches that mallinfo2 reports as
 * in use, which would look like leaks: re-run the test with the cache off
 * (GLIBC_TUNABLES is read at startup only), and without fast bins. */
static void fault_exact_heap_accounting(char **argv) {
    const char *t = getenv("GLIBC_TUNABLES"), *pre = getenv("LD_PRELOAD");
    if (pre && strstr(pre, "vgpreload")) {
        /* Under valgrind: its own malloc, its own leak check; no re-exec
         * (that would leave valgrind). */
        fault_heap_exact = 0;
        return;
    }
    if (!t || !strstr(t, "glibc.malloc.tcache_count=0")) {
        setenv("GLIBC_TUNABLES", "glibc.malloc.tcache_count=0", 1);
        execv("/proc/self/exe", argv);
        /* exec failed: carry on; leaks are still caught by LSan/valgrind */
        fault_heap_exact = 0;
    }
    mallopt(M_MXFAST, 0);
}

/* Silences the expected "out of memory" logs (VTCORE_FAULT_LOG set: kept). */
static void fault_init(int argc, char **argv) {
    fault_exact_heap_accounting(argv);
    fault_verbose = argc > 1 && strcmp(argv[1], "-v") == 0;
    if (!getenv("VTCORE_FAULT_LOG"))
        vtcore_set_log_callback(fault_quiet_log, NULL, VTCORE_LOG_TRACE);
}

/* Helpers for run hooks of CF creators. */
static inline int32_t fault_cf_result(CFTypeRef obj, CFTypeRef *out) {
    *out = obj;
    return obj ? 0 : FAULT_NULL;
}

#endif /* VTCORE_FAULT_HARNESS_H */
