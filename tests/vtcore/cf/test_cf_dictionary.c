/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * CFDictionary: kCFType / copy-string / NULL / partial custom callbacks,
 * CFEqual lookups, 10,000 keys, NULL keys and values (OBS), immutability,
 * every accessor, copies, equality, retain balance, NULL arguments.
 */
#include <CoreFoundation/CoreFoundation.h>

#include "cf/cf_internal.h"
#include "vt_test.h"

static CFStringRef mkstr(const char *s) {
    CFStringRef r = CFStringCreateWithCString(NULL, s, kCFStringEncodingUTF8);
    CHECK(r != NULL);
    return r;
}

static void test_cftype_callbacks(void) {
    CFMutableDictionaryRef d = CFDictionaryCreateMutable(NULL, 0, &kCFTypeDictionaryKeyCallBacks,
                                                         &kCFTypeDictionaryValueCallBacks);
    CFStringRef key = mkstr("AverageBitRate");
    CFNumberRef v1 = vt_cf_number_int32(1000), v2 = vt_cf_number_int32(2000);
    const void *out = NULL;
    CHECK(d != NULL);
    CHECK(CFGetTypeID(d) == CFDictionaryGetTypeID());
    CHECK_EQ_INT(CFDictionaryGetCount(d), 0);

    CFDictionarySetValue(d, key, v1);
    CHECK_EQ_INT(CFGetRetainCount(key), 2);
    CHECK_EQ_INT(CFGetRetainCount(v1), 2);
    CHECK_EQ_INT(CFDictionaryGetCount(d), 1);
    /* A CFSTR key with the same contents finds the value (CFEqual/CFHash). */
    CHECK(CFDictionaryGetValue(d, CFSTR("AverageBitRate")) == v1);
    CHECK(CFDictionaryContainsKey(d, CFSTR("AverageBitRate")));
    CHECK(!CFDictionaryContainsKey(d, CFSTR("averagebitrate")));
    CHECK(CFDictionaryGetValue(d, CFSTR("Other")) == NULL);

    /* Add does not replace; Set does; Replace only replaces. */
    CFDictionaryAddValue(d, CFSTR("AverageBitRate"), v2);
    CHECK(CFDictionaryGetValue(d, key) == v1);
    CFDictionarySetValue(d, CFSTR("AverageBitRate"), v2);
    CHECK(CFDictionaryGetValue(d, key) == v2);
    CHECK_EQ_INT(CFGetRetainCount(v1), 1);
    CHECK_EQ_INT(CFGetRetainCount(v2), 2);
    CFDictionaryReplaceValue(d, CFSTR("Missing"), v1);
    CHECK(!CFDictionaryContainsKey(d, CFSTR("Missing")));
    CFDictionaryReplaceValue(d, key, v1);
    CHECK(CFDictionaryGetValue(d, key) == v1);
    CHECK_EQ_INT(CFDictionaryGetCount(d), 1);

    CHECK(CFDictionaryGetValueIfPresent(d, key, &out) && out == v1);
    CHECK(CFDictionaryGetValueIfPresent(d, key, NULL));
    out = (const void *)1;
    CHECK(!CFDictionaryGetValueIfPresent(d, CFSTR("nope"), &out));
    CHECK(out == (const void *)1); /* untouched */

    CHECK_EQ_INT(CFDictionaryGetCountOfKey(d, CFSTR("AverageBitRate")), 1);
    CHECK_EQ_INT(CFDictionaryGetCountOfKey(d, CFSTR("x")), 0);
    CFDictionarySetValue(d, CFSTR("Second"), v1);
    CFDictionarySetValue(d, CFSTR("Third"), v2);
    {
        int32_t i = 1000;
        CFNumberRef equal_to_v1 = CFNumberCreate(NULL, kCFNumberIntType, &i);
        CHECK_EQ_INT(CFDictionaryGetCountOfValue(d, equal_to_v1), 2);
        CHECK(CFDictionaryContainsValue(d, equal_to_v1));
        CFRelease(equal_to_v1);
    }
    CHECK(!CFDictionaryContainsValue(d, kCFBooleanTrue));

    CFDictionaryRemoveValue(d, CFSTR("AverageBitRate"));
    CHECK_EQ_INT(CFDictionaryGetCount(d), 2);
    CHECK_EQ_INT(CFGetRetainCount(key), 1);
    CFDictionaryRemoveValue(d, CFSTR("not there"));
    CHECK_EQ_INT(CFDictionaryGetCount(d), 2);
    CFDictionaryRemoveAllValues(d);
    CHECK_EQ_INT(CFDictionaryGetCount(d), 0);
    CHECK_EQ_INT(CFGetRetainCount(v1), 1);
    CHECK_EQ_INT(CFGetRetainCount(v2), 1);
    /* Still usable after RemoveAll. */
    CFDictionarySetValue(d, key, v1);
    CHECK(CFDictionaryGetValue(d, CFSTR("AverageBitRate")) == v1);
    CHECK_EQ_INT(CFGetRetainCount(d), 1);
    CFRelease(d);
    CHECK_EQ_INT(CFGetRetainCount(key), 1);
    CHECK_EQ_INT(CFGetRetainCount(v1), 1);
    CFRelease(key);
    CFRelease(v1);
    CFRelease(v2);
}

static void test_many_keys(void) {
    enum { N = 10000 };
    CFMutableDictionaryRef d = vt_cf_dict_new();
    CFStringRef keys[N];
    char buf[32];
    int i, ok = 1;
    for (i = 0; i < N; i++) {
        CFNumberRef v = vt_cf_number_int32(i);
        snprintf(buf, sizeof(buf), "key-%d", i);
        keys[i] = mkstr(buf);
        CFDictionarySetValue(d, keys[i], v);
        CFRelease(v);
    }
    CHECK_EQ_INT(CFDictionaryGetCount(d), N);
    for (i = 0; i < N; i++) {
        int32_t got = -1;
        CFStringRef probe;
        snprintf(buf, sizeof(buf), "key-%d", i);
        probe = mkstr(buf); /* a different object with equal contents */
        if (!vt_cf_get_int32(CFDictionaryGetValue(d, probe), &got) || got != i)
            ok = 0;
        CFRelease(probe);
    }
    CHECK(ok);
    for (i = 0; i < N; i += 2)
        CFDictionaryRemoveValue(d, keys[i]);
    CHECK_EQ_INT(CFDictionaryGetCount(d), N / 2);
    ok = 1;
    for (i = 0; i < N; i++) {
        Boolean present = CFDictionaryContainsKey(d, keys[i]);
        if (present != (i % 2 == 1))
            ok = 0;
    }
    CHECK(ok);
    /* Re-add the removed half (reuses deleted slots / compacts). */
    for (i = 0; i < N; i += 2)
        CFDictionarySetValue(d, keys[i], kCFBooleanTrue);
    CHECK_EQ_INT(CFDictionaryGetCount(d), N);
    CHECK(CFDictionaryGetValue(d, keys[0]) == kCFBooleanTrue);
    CHECK_EQ_INT(CFDictionaryGetCountOfValue(d, kCFBooleanTrue), N / 2);
    /* Keys and values come out in insertion order of the surviving entries. */
    {
        const void **ks = calloc(N, sizeof(*ks)), **vs = calloc(N, sizeof(*vs));
        CFDictionaryGetKeysAndValues(d, ks, vs);
        CHECK(ks[0] == keys[1]);
        CHECK(vs[N - 1] == kCFBooleanTrue);
        CFDictionaryGetKeysAndValues(d, NULL, vs);
        CFDictionaryGetKeysAndValues(d, ks, NULL);
        free(ks);
        free(vs);
    }
    CFRelease(d);
    ok = 1;
    for (i = 0; i < N; i++) {
        if (CFGetRetainCount(keys[i]) != 1)
            ok = 0;
        CFRelease(keys[i]);
    }
    CHECK(ok);
}

static void test_null_callbacks(void) {
    /* FFmpeg/ttLibC style: raw pointers, identity comparison, no retain. */
    CFMutableDictionaryRef d = CFDictionaryCreateMutable(NULL, 0, NULL, NULL);
    CFStringRef key = mkstr("ForceKeyFrame");
    CFStringRef same_contents = mkstr("ForceKeyFrame");
    CFNumberRef value = vt_cf_number_int32(1);
    int raw = 5;
    CHECK(d != NULL);
    CFDictionarySetValue(d, key, value);
    CHECK_EQ_INT(CFGetRetainCount(key), 1); /* not retained */
    CHECK_EQ_INT(CFGetRetainCount(value), 1);
    CHECK(CFDictionaryGetValue(d, key) == value);
    /* Pointer semantics: an equal string object is NOT found... */
    CHECK(CFDictionaryGetValue(d, same_contents) == NULL);
    CHECK(!CFDictionaryContainsKey(d, CFSTR("ForceKeyFrame")));
    /* ...but vtcore's internal lookup falls back to a content comparison. */
    CHECK(vt_cf_dict_get(d, same_contents) == value);
    CHECK(vt_cf_dict_get(d, CFSTR("ForceKeyFrame")) == value);
    CHECK(vt_cf_dict_get(d, CFSTR("Other")) == NULL);
    CHECK(vt_cf_dict_get(d, NULL) == NULL);
    CHECK(vt_cf_dict_get(NULL, key) == NULL);
    /* Values compare by identity too. */
    {
        CFNumberRef equal_value = vt_cf_number_int32(1);
        CHECK(!CFDictionaryContainsValue(d, equal_value));
        CHECK(CFDictionaryContainsValue(d, value));
        CFRelease(equal_value);
    }
    /* Non-CF pointers work as keys and values. */
    CFDictionarySetValue(d, &raw, &raw);
    CHECK(CFDictionaryGetValue(d, &raw) == &raw);
    CHECK_EQ_INT(CFDictionaryGetCount(d), 2);
    {
        CFStringRef desc = CFCopyDescription(d);
        CHECK(desc != NULL);
        if (desc)
            CFRelease(desc);
    }
    CFRelease(d);
    CHECK_EQ_INT(CFGetRetainCount(key), 1);
    CFRelease(key);
    CFRelease(same_contents);
    CFRelease(value);
}

static void test_copy_string_keys(void) {
    CFMutableDictionaryRef d = CFDictionaryCreateMutable(
        NULL, 0, &kCFCopyStringDictionaryKeyCallBacks, &kCFTypeDictionaryValueCallBacks);
    CFStringRef key = mkstr("Copied");
    CFNumberRef nkey = vt_cf_number_int32(7);
    CFDictionarySetValue(d, key, kCFBooleanTrue);
    /* Immutable strings are "copied" by retaining them. */
    CHECK_EQ_INT(CFGetRetainCount(key), 2);
    CHECK(CFDictionaryGetValue(d, CFSTR("Copied")) == kCFBooleanTrue);
    /* Non-string keys are retained. */
    CFDictionarySetValue(d, nkey, kCFBooleanFalse);
    CHECK_EQ_INT(CFGetRetainCount(nkey), 2);
    {
        double seven = 7.0;
        CFNumberRef probe = CFNumberCreate(NULL, kCFNumberFloat64Type, &seven);
        CHECK(CFDictionaryGetValue(d, probe) == kCFBooleanFalse); /* 7 == 7.0 */
        CFRelease(probe);
    }
    CFRelease(d);
    CHECK_EQ_INT(CFGetRetainCount(key), 1);
    CHECK_EQ_INT(CFGetRetainCount(nkey), 1);
    CFRelease(key);
    CFRelease(nkey);
}

/* Custom callbacks with some NULL members. */
static int retains, releases;

static const void *count_retain(CFAllocatorRef a, const void *v) {
    (void)a;
    retains++;
    return v;
}

static void count_release(CFAllocatorRef a, const void *v) {
    (void)a;
    (void)v;
    releases++;
}

static Boolean int_equal(const void *a, const void *b) {
    return *(const int *)a == *(const int *)b;
}

static CFHashCode int_hash(const void *a) {
    return (CFHashCode) * (const int *)a;
}

static void test_custom_callbacks(void) {
    /* retain/release only: identity equality, pointer hash. */
    CFDictionaryKeyCallBacks kcb = {0, count_retain, count_release, NULL, NULL, NULL};
    CFDictionaryValueCallBacks vcb = {0, count_retain, count_release, NULL, NULL};
    /* equal/hash only: content keys, no retain. */
    CFDictionaryKeyCallBacks kcb2 = {0, NULL, NULL, NULL, int_equal, int_hash};
    int a = 1, b = 1, c = 2;
    CFMutableDictionaryRef d = CFDictionaryCreateMutable(NULL, 0, &kcb, &vcb);
    CFMutableDictionaryRef d2 = CFDictionaryCreateMutable(NULL, 0, &kcb2, NULL);
    retains = releases = 0;
    CFDictionarySetValue(d, &a, &c);
    CHECK_EQ_INT(retains, 2);
    CHECK(CFDictionaryGetValue(d, &a) == &c);
    CHECK(CFDictionaryGetValue(d, &b) == NULL); /* identity */
    CFDictionarySetValue(d, &a, &b);            /* replaces the value only */
    CHECK_EQ_INT(retains, 3);
    CHECK_EQ_INT(releases, 1);
    CFDictionarySetValue(d, NULL, NULL); /* callbacks are not called on NULL */
    CHECK_EQ_INT(retains, 3);
    CHECK_EQ_INT(CFDictionaryGetCount(d), 2);
    CFRelease(d);
    CHECK_EQ_INT(releases, 3);

    CFDictionarySetValue(d2, &a, "one");
    {
        const char *got = CFDictionaryGetValue(d2, &b); /* equal contents, other pointer */
        CHECK(got && strcmp(got, "one") == 0);
    }
    CHECK(CFDictionaryGetValue(d2, &c) == NULL);
    CFDictionaryAddValue(d2, &b, "dup");
    CHECK_EQ_INT(CFDictionaryGetCount(d2), 1);
    CFRelease(d2);
}

static void test_null_keys_and_values(void) {
    /* OBS builds a 5-entry dictionary whose last two keys and values are NULL. */
    CFNumberRef n = vt_cf_number_int32(3);
    const void *keys[5] = {CFSTR("ColorPrimaries"), CFSTR("TransferFunction"), CFSTR("YCbCrMatrix"),
                           NULL, NULL};
    const void *values[5] = {CFSTR("ITU_R_709_2"), n, kCFBooleanTrue, NULL, NULL};
    const void *ks[5] = {0}, *vs[5] = {0};
    int i, nulls = 0;
    CFDictionaryRef d = CFDictionaryCreate(NULL, keys, values, 5, &kCFTypeDictionaryKeyCallBacks,
                                           &kCFTypeDictionaryValueCallBacks);
    CHECK(d != NULL);
    if (!d)
        return;
    CHECK_EQ_INT(CFDictionaryGetCount(d), 4); /* the two NULL keys are one key */
    CHECK(CFDictionaryGetValue(d, CFSTR("TransferFunction")) == n);
    CHECK(CFDictionaryGetValue(d, NULL) == NULL);
    CHECK(CFDictionaryContainsKey(d, NULL));
    CHECK(CFDictionaryContainsValue(d, NULL));
    CHECK_EQ_INT(CFDictionaryGetCountOfValue(d, NULL), 1);
    CFDictionaryGetKeysAndValues(d, ks, vs);
    for (i = 0; i < 4; i++)
        nulls += ks[i] == NULL;
    CHECK_EQ_INT(nulls, 1);
    CHECK(ks[0] == keys[0] && vs[1] == n);
    {
        CFStringRef desc = CFCopyDescription(d);
        CHECK(desc && strstr(vt_cfstring_cstr(desc), "ColorPrimaries = ITU_R_709_2;"));
        CHECK(desc && strstr(vt_cfstring_cstr(desc), "(null) = (null);"));
        if (desc)
            CFRelease(desc);
    }
    /* Copies and equality handle NULL entries too. */
    {
        CFDictionaryRef copy = CFDictionaryCreateCopy(NULL, d);
        CHECK(copy && CFEqual(copy, d));
        if (copy)
            CFRelease(copy);
    }
    CFRelease(d);
    CHECK_EQ_INT(CFGetRetainCount(n), 1);
    CFRelease(n);
}

static void test_immutable(void) {
    const void *keys[2] = {CFSTR("a"), CFSTR("b")};
    const void *values[2] = {kCFBooleanTrue, kCFBooleanFalse};
    CFDictionaryRef d = CFDictionaryCreate(NULL, keys, values, 2, &kCFTypeDictionaryKeyCallBacks,
                                           &kCFTypeDictionaryValueCallBacks);
    CFMutableDictionaryRef m = (CFMutableDictionaryRef)d;
    CHECK(d != NULL);
    CFDictionarySetValue(m, CFSTR("c"), kCFBooleanTrue);
    CFDictionaryAddValue(m, CFSTR("c"), kCFBooleanTrue);
    CFDictionaryReplaceValue(m, CFSTR("a"), kCFBooleanFalse);
    CFDictionaryRemoveValue(m, CFSTR("a"));
    CFDictionaryRemoveAllValues(m);
    CHECK_EQ_INT(CFDictionaryGetCount(d), 2);
    CHECK(CFDictionaryGetValue(d, CFSTR("a")) == kCFBooleanTrue);
    CHECK(CFDictionaryGetValue(d, CFSTR("c")) == NULL);
    /* Duplicate keys in Create: the first value wins. */
    {
        const void *dk[2] = {CFSTR("k"), CFSTR("k")};
        const void *dv[2] = {kCFBooleanTrue, kCFBooleanFalse};
        CFDictionaryRef dd = CFDictionaryCreate(NULL, dk, dv, 2, &kCFTypeDictionaryKeyCallBacks,
                                                &kCFTypeDictionaryValueCallBacks);
        CHECK_EQ_INT(CFDictionaryGetCount(dd), 1);
        CHECK(CFDictionaryGetValue(dd, CFSTR("k")) == kCFBooleanTrue);
        CFRelease(dd);
    }
    /* Empty dictionaries. */
    {
        CFDictionaryRef e = CFDictionaryCreate(NULL, NULL, NULL, 0, NULL, NULL);
        CHECK(e && CFDictionaryGetCount(e) == 0);
        CHECK(e && CFDictionaryGetValue(e, CFSTR("a")) == NULL);
        if (e)
            CFRelease(e);
    }
    CFRelease(d);
}

static void applier(const void *key, const void *value, void *ctx) {
    int *count = ctx;
    (void)key;
    if (value == kCFBooleanTrue)
        count[0]++;
    count[1]++;
}

static void test_copies_apply_equal(void) {
    CFMutableDictionaryRef d = vt_cf_dict_new();
    CFMutableDictionaryRef m;
    CFDictionaryRef c;
    int counts[2] = {0, 0};
    CFDictionarySetValue(d, CFSTR("x"), kCFBooleanTrue);
    CFDictionarySetValue(d, CFSTR("y"), kCFBooleanFalse);
    CFDictionarySetValue(d, CFSTR("z"), kCFBooleanTrue);
    CFDictionaryApplyFunction(d, applier, counts);
    CHECK_EQ_INT(counts[0], 2);
    CHECK_EQ_INT(counts[1], 3);

    c = CFDictionaryCreateCopy(NULL, d);
    m = CFDictionaryCreateMutableCopy(NULL, 0, d);
    CHECK(c && m);
    CHECK(c != d);
    CHECK(CFEqual(c, d));
    CHECK(CFEqual(m, d));
    CHECK(CFHash(c) == CFHash(d));
    CFDictionarySetValue(m, CFSTR("w"), kCFBooleanFalse);
    CHECK(!CFEqual(m, d));
    CHECK_EQ_INT(CFDictionaryGetCount(d), 3);
    CFDictionaryRemoveValue(m, CFSTR("w"));
    CHECK(CFEqual(m, d));
    CFDictionarySetValue(m, CFSTR("x"), kCFBooleanFalse);
    CHECK(!CFEqual(m, d));
    /* The copy of an immutable dictionary stays immutable. */
    CFDictionarySetValue((CFMutableDictionaryRef)c, CFSTR("q"), kCFBooleanTrue);
    CHECK_EQ_INT(CFDictionaryGetCount(c), 3);
    /* Mutable copy of an immutable one is mutable. */
    {
        CFMutableDictionaryRef mm = CFDictionaryCreateMutableCopy(NULL, 100, c);
        CFDictionarySetValue(mm, CFSTR("q"), kCFBooleanTrue);
        CHECK_EQ_INT(CFDictionaryGetCount(mm), 4);
        CFRelease(mm);
    }
    /* Nested dictionaries compare by contents. */
    {
        CFMutableDictionaryRef o1 = vt_cf_dict_new(), o2 = vt_cf_dict_new();
        CFDictionarySetValue(o1, CFSTR("inner"), c);
        CFDictionarySetValue(o2, CFSTR("inner"), d);
        CHECK(CFEqual(o1, o2));
        CFRelease(o1);
        CFRelease(o2);
    }
    CFRelease(c);
    CFRelease(m);
    CFRelease(d);
}

static void test_null_arguments(void) {
    const void *v;
    const void *keys[1] = {CFSTR("a")};
    CHECK_EQ_INT(CFDictionaryGetCount(NULL), 0);
    CHECK_EQ_INT(CFDictionaryGetCountOfKey(NULL, CFSTR("a")), 0);
    CHECK_EQ_INT(CFDictionaryGetCountOfValue(NULL, CFSTR("a")), 0);
    CHECK(!CFDictionaryContainsKey(NULL, CFSTR("a")));
    CHECK(!CFDictionaryContainsValue(NULL, CFSTR("a")));
    CHECK(CFDictionaryGetValue(NULL, CFSTR("a")) == NULL);
    CHECK(!CFDictionaryGetValueIfPresent(NULL, CFSTR("a"), &v));
    CFDictionaryGetKeysAndValues(NULL, NULL, NULL);
    CFDictionaryApplyFunction(NULL, applier, NULL);
    CFDictionarySetValue(NULL, CFSTR("a"), CFSTR("b"));
    CFDictionaryAddValue(NULL, CFSTR("a"), CFSTR("b"));
    CFDictionaryReplaceValue(NULL, CFSTR("a"), CFSTR("b"));
    CFDictionaryRemoveValue(NULL, CFSTR("a"));
    CFDictionaryRemoveAllValues(NULL);
    CHECK(CFDictionaryCreateCopy(NULL, NULL) == NULL);
    CHECK(CFDictionaryCreateMutableCopy(NULL, 0, NULL) == NULL);
    CHECK(CFDictionaryCreateMutable(NULL, -1, NULL, NULL) == NULL);
    CHECK(CFDictionaryCreate(NULL, keys, NULL, 1, NULL, NULL) == NULL);
    CHECK(CFDictionaryCreate(NULL, NULL, keys, 1, NULL, NULL) == NULL);
    CHECK(CFDictionaryCreate(NULL, keys, keys, -1, NULL, NULL) == NULL);
    /* A non-dictionary object is rejected, not misread. */
    CHECK_EQ_INT(CFDictionaryGetCount((CFDictionaryRef)CFSTR("a")), 0);
    CHECK(CFDictionaryGetValue((CFDictionaryRef)kCFBooleanTrue, CFSTR("a")) == NULL);
    {
        CFMutableDictionaryRef d = vt_cf_dict_new();
        CFDictionaryApplyFunction(d, NULL, NULL);
        CFRelease(d);
    }
}

int main(void) {
    test_cftype_callbacks();
    test_many_keys();
    test_null_callbacks();
    test_copy_string_keys();
    test_custom_callbacks();
    test_null_keys_and_values();
    test_immutable();
    test_copies_apply_equal();
    test_null_arguments();
    return vt_test_result();
}
