/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * CF thread safety: concurrent retain/release of one object, CFSTR
 * interning from several threads, concurrent reads of shared immutable
 * objects (including the lazily cached string hash).
 */
#include <pthread.h>

#include <CoreFoundation/CoreFoundation.h>

#include "cf/cf_internal.h"
#include "vt_test.h"

VT_DEFINE_CONST_STRING(kThreadTestKey, "ThreadTestKey");
/* Never hashed before the reader threads start: they race to cache its hash. */
VT_DEFINE_CONST_STRING(kLazyHashKey, "LazyHashKey");

enum { ITERATIONS = 1000000, NTHREADS = 4, NNAMES = 300 };

static CFTypeRef shared_obj;

static void *retain_release_worker(void *arg) {
    int i;
    (void)arg;
    for (i = 0; i < ITERATIONS; i++) {
        CFRetain(shared_obj);
        CFRelease(shared_obj);
    }
    return NULL;
}

static void *retain_many_worker(void *arg) {
    int i;
    (void)arg;
    for (i = 0; i < ITERATIONS / 10; i++)
        CFRetain(shared_obj);
    for (i = 0; i < ITERATIONS / 10; i++)
        CFRelease(shared_obj);
    return NULL;
}

static void test_retain_release_two_threads(void) {
    pthread_t t[2];
    int i;
    shared_obj = CFStringCreateWithCString(NULL, "shared", kCFStringEncodingUTF8);
    CHECK(shared_obj != NULL);
    for (i = 0; i < 2; i++)
        CHECK(pthread_create(&t[i], NULL, retain_release_worker, NULL) == 0);
    for (i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    CHECK_EQ_INT(CFGetRetainCount(shared_obj), 1);
    /* Counts that go well above 1 concurrently come back too. */
    for (i = 0; i < 2; i++)
        CHECK(pthread_create(&t[i], NULL, retain_many_worker, NULL) == 0);
    for (i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    CHECK_EQ_INT(CFGetRetainCount(shared_obj), 1);
    CFRelease(shared_obj);
}

/* Each thread interns the same names (in a different order). */
static CFStringRef interned[NTHREADS][NNAMES];

static void *intern_worker(void *arg) {
    static const int mult[NTHREADS] = {1, 7, 11, 13}; /* coprime to NNAMES */
    int t = (int)(intptr_t)arg, k;
    char buf[48];
    for (k = 0; k < NNAMES; k++) {
        int i = (k * mult[t] + t * 37) % NNAMES; /* per-thread permutation */
        snprintf(buf, sizeof(buf), "threaded-literal-%d", i);
        interned[t][i] = __CFStringMakeConstantString(buf);
    }
    return NULL;
}

static void test_intern_threads(void) {
    pthread_t t[NTHREADS];
    int i, k, same = 1, valid = 1;
    for (i = 0; i < NTHREADS; i++)
        CHECK(pthread_create(&t[i], NULL, intern_worker, (void *)(intptr_t)i) == 0);
    for (i = 0; i < NTHREADS; i++)
        pthread_join(t[i], NULL);
    for (k = 0; k < NNAMES; k++) {
        char buf[48];
        snprintf(buf, sizeof(buf), "threaded-literal-%d", k);
        if (!interned[0][k] || strcmp(vt_cfstring_cstr(interned[0][k]), buf) != 0)
            valid = 0;
        for (i = 1; i < NTHREADS; i++)
            if (interned[i][k] != interned[0][k])
                same = 0;
    }
    CHECK(valid);
    CHECK(same);
}

static CFDictionaryRef shared_dict;

static void *reader_worker(void *arg) {
    long ok = 0;
    int i;
    (void)arg;
    for (i = 0; i < 20000; i++) {
        CFStringRef probe = CFSTR("ThreadTestKey");
        int32_t v = 0;
        /* CFHash on a constant caches its hash lazily: racing is fine. */
        if (CFHash(kLazyHashKey) == CFHash(CFSTR("LazyHashKey")) &&
            CFHash(kThreadTestKey) == CFHash(probe) &&
            vt_cf_get_int32(CFDictionaryGetValue(shared_dict, probe), &v) && v == 77)
            ok++;
        CFRetain(shared_dict);
        CFRelease(shared_dict);
    }
    return (void *)(intptr_t)(ok == 20000);
}

static void test_concurrent_readers(void) {
    pthread_t t[NTHREADS];
    CFNumberRef n = vt_cf_number_int32(77);
    const void *k[1] = {kThreadTestKey}, *v[1] = {n};
    int i, all_ok = 1;
    shared_dict = CFDictionaryCreate(NULL, k, v, 1, &kCFTypeDictionaryKeyCallBacks,
                                     &kCFTypeDictionaryValueCallBacks);
    CFRelease(n);
    CHECK(shared_dict != NULL);
    for (i = 0; i < NTHREADS; i++)
        CHECK(pthread_create(&t[i], NULL, reader_worker, NULL) == 0);
    for (i = 0; i < NTHREADS; i++) {
        void *res = NULL;
        pthread_join(t[i], &res);
        if (!res)
            all_ok = 0;
    }
    CHECK(all_ok);
    CHECK_EQ_INT(CFGetRetainCount(shared_dict), 1);
    CFRelease(shared_dict);
}

/* Independent objects created and destroyed on many threads at once. */
static void *churn_worker(void *arg) {
    int i, ok = 1;
    (void)arg;
    for (i = 0; i < 2000; i++) {
        CFMutableDictionaryRef d = vt_cf_dict_new();
        CFNumberRef n = vt_cf_number_int32(i);
        CFStringRef s = CFStringCreateWithFormat(NULL, NULL, CFSTR("k%d"), i);
        CFDictionarySetValue(d, s, n);
        CFDictionarySetValue(d, CFSTR("shared"), kCFBooleanTrue);
        if (CFDictionaryGetValue(d, s) != n || CFDictionaryGetCount(d) != 2)
            ok = 0;
        CFRelease(s);
        CFRelease(n);
        CFRelease(d);
    }
    return (void *)(intptr_t)ok;
}

static void test_churn(void) {
    pthread_t t[NTHREADS];
    int i, all_ok = 1;
    for (i = 0; i < NTHREADS; i++)
        CHECK(pthread_create(&t[i], NULL, churn_worker, NULL) == 0);
    for (i = 0; i < NTHREADS; i++) {
        void *res = NULL;
        pthread_join(t[i], &res);
        if (!res)
            all_ok = 0;
    }
    CHECK(all_ok);
}

int main(void) {
    test_retain_release_two_threads();
    test_intern_threads();
    test_concurrent_readers();
    test_churn();
    return vt_test_result();
}
