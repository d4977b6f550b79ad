/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * CFDictionary / CFMutableDictionary: an insertion-ordered hash table. The
 * entries live in a dense array (in insertion order, with holes after
 * removals); an open-addressing index of entry numbers (linear probing,
 * tombstones, load <= 1/2) finds them. Iteration order is insertion order.
 *
 * Callbacks: NULL members mean identity equality, pointer hash, no
 * retain/release. Callbacks are never invoked on NULL keys or values (OBS
 * passes dictionaries whose trailing keys and values are NULL); a NULL key
 * is stored and found like any other pointer.
 */
#include "config.h"

#include <string.h>

#include "cf/cf_internal.h"
#include "log.h"
#include "mem.h"

/* ---- standard callbacks ---- */

static const void *cf_type_retain(CFAllocatorRef allocator, const void *value) {
    (void)allocator;
    return value ? CFRetain(value) : NULL;
}

static void cf_type_release(CFAllocatorRef allocator, const void *value) {
    (void)allocator;
    if (value)
        CFRelease(value);
}

static const void *copy_string_retain(CFAllocatorRef allocator, const void *value) {
    if (!value)
        return NULL;
    if (vt_object_is(value, &vt_cfstring_class)) {
        /* CFStrings are immutable in vtcore, so the copy is the string itself
         * (CFStringCreateCopy retains); it never fails. */
        return CFStringCreateCopy(allocator, value);
    }
    return CFRetain(value);
}

const CFDictionaryKeyCallBacks kCFTypeDictionaryKeyCallBacks = {
    0, cf_type_retain, cf_type_release, CFCopyDescription, CFEqual, CFHash,
};

const CFDictionaryKeyCallBacks kCFCopyStringDictionaryKeyCallBacks = {
    0, copy_string_retain, cf_type_release, CFCopyDescription, CFEqual, CFHash,
};

const CFDictionaryValueCallBacks kCFTypeDictionaryValueCallBacks = {
    0, cf_type_retain, cf_type_release, CFCopyDescription, CFEqual,
};

/* ---- the table ---- */

#define SLOT_EMPTY   ((CFIndex)-1)
#define SLOT_DELETED ((CFIndex)-2)

typedef struct VTDictEntry {
    const void *key;
    const void *value;
    CFHashCode hash;
    Boolean live;
} VTDictEntry;

struct __CFDictionary {
    VTObject base;
    Boolean is_mutable;
    CFDictionaryKeyCallBacks kcb;
    CFDictionaryValueCallBacks vcb;
    CFIndex count;       /* live entries */
    CFIndex used;        /* entries[0..used) ever filled (live or removed) */
    CFIndex entries_cap; /* allocated entries */
    VTDictEntry *entries;
    CFIndex *index; /* index_size slots: SLOT_EMPTY, SLOT_DELETED or an entry number */
    size_t index_size;
};

static CFHashCode mix_hash(CFHashCode h) {
    uint64_t x = (uint64_t)h;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ull;
    x ^= x >> 29;
    return (CFHashCode)x;
}

static CFHashCode key_hash(const struct __CFDictionary *d, const void *key) {
    CFHashCode h;
    if (!key)
        return mix_hash(0);
    h = d->kcb.hash ? d->kcb.hash(key) : (CFHashCode)(uintptr_t)key;
    return mix_hash(h);
}

static Boolean key_equal(const struct __CFDictionary *d, const void *a, const void *b) {
    if (a == b)
        return TRUE;
    if (!a || !b || !d->kcb.equal)
        return FALSE;
    return d->kcb.equal(a, b);
}

static Boolean value_equal(const struct __CFDictionary *d, const void *a, const void *b) {
    if (a == b)
        return TRUE;
    if (!a || !b || !d->vcb.equal)
        return FALSE;
    return d->vcb.equal(a, b);
}

static const void *retain_key(const struct __CFDictionary *d, const void *key) {
    return (key && d->kcb.retain) ? d->kcb.retain(NULL, key) : key;
}

static const void *retain_value(const struct __CFDictionary *d, const void *value) {
    return (value && d->vcb.retain) ? d->vcb.retain(NULL, value) : value;
}

static void release_key(const struct __CFDictionary *d, const void *key) {
    if (key && d->kcb.release)
        d->kcb.release(NULL, key);
}

static void release_value(const struct __CFDictionary *d, const void *value) {
    if (value && d->vcb.release)
        d->vcb.release(NULL, value);
}

/* Entry number of key, or -1. */
static CFIndex find_entry(const struct __CFDictionary *d, const void *key, CFHashCode h) {
    size_t mask, i;
    if (!d->index_size)
        return -1;
    mask = d->index_size - 1;
    for (i = (size_t)h & mask;; i = (i + 1) & mask) {
        CFIndex e = d->index[i];
        if (e == SLOT_EMPTY)
            return -1;
        if (e >= 0 && d->entries[e].hash == h && key_equal(d, d->entries[e].key, key))
            return e;
    }
}

/* Index slot holding entry e (which must be present). */
static size_t find_slot_of_entry(const struct __CFDictionary *d, CFIndex e) {
    size_t mask = d->index_size - 1, i;
    for (i = (size_t)d->entries[e].hash & mask; d->index[i] != e; i = (i + 1) & mask)
        ;
    return i;
}

/* Rebuilds entries (compacted) and index so that at least `min_free` more
 * entries fit. Returns 0 on allocation failure (table unchanged). */
static int rebuild(struct __CFDictionary *d, CFIndex min_free) {
    CFIndex new_cap = d->count + min_free, i, o = 0;
    size_t index_size = 8, mask, j;
    VTDictEntry *entries;
    CFIndex *index;
    size_t bytes;
    if (new_cap < 4)
        new_cap = 4;
    if (new_cap < d->count * 2)
        new_cap = d->count * 2;
    while (index_size < (size_t)new_cap * 2) {
        if (index_size > SIZE_MAX / 4)
            return 0;
        index_size *= 2;
    }
    if (!vt_size_mul((size_t)new_cap, sizeof(VTDictEntry), &bytes))
        return 0;
    entries = vt_malloc(bytes);
    if (!entries)
        return 0;
    if (!vt_size_mul(index_size, sizeof(CFIndex), &bytes)) {
        vt_free(entries);
        return 0;
    }
    index = vt_malloc(bytes);
    if (!index) {
        vt_free(entries);
        return 0;
    }
    for (j = 0; j < index_size; j++)
        index[j] = SLOT_EMPTY;
    mask = index_size - 1;
    for (i = 0; i < d->used; i++) {
        if (!d->entries[i].live)
            continue;
        entries[o] = d->entries[i];
        for (j = (size_t)entries[o].hash & mask; index[j] != SLOT_EMPTY; j = (j + 1) & mask)
            ;
        index[j] = o;
        o++;
    }
    vt_free(d->entries);
    vt_free(d->index);
    d->entries = entries;
    d->index = index;
    d->index_size = index_size;
    d->entries_cap = new_cap;
    d->used = o;
    return 1;
}

/* Appends an entry (key/value already retained); room must exist. */
static void insert_new(struct __CFDictionary *d, const void *key, const void *value, CFHashCode h) {
    size_t mask = d->index_size - 1, i;
    CFIndex e = d->used++;
    d->entries[e].key = key;
    d->entries[e].value = value;
    d->entries[e].hash = h;
    d->entries[e].live = TRUE;
    for (i = (size_t)h & mask; d->index[i] >= 0; i = (i + 1) & mask)
        ;
    d->index[i] = e;
    d->count++;
}

static void remove_entry(struct __CFDictionary *d, CFIndex e) {
    const void *key = d->entries[e].key, *value = d->entries[e].value;
    d->index[find_slot_of_entry(d, e)] = SLOT_DELETED;
    d->entries[e].live = FALSE;
    d->entries[e].key = d->entries[e].value = NULL;
    d->count--;
    release_key(d, key);
    release_value(d, value);
}

static void remove_all(struct __CFDictionary *d) {
    CFIndex i;
    size_t j;
    /* Detach first so release callbacks never see a half-cleared table. */
    VTDictEntry *entries = d->entries;
    CFIndex used = d->used;
    d->count = 0;
    d->used = 0;
    for (j = 0; j < d->index_size; j++)
        d->index[j] = SLOT_EMPTY;
    for (i = 0; i < used; i++) {
        if (!entries[i].live)
            continue;
        entries[i].live = FALSE;
        release_key(d, entries[i].key);
        release_value(d, entries[i].value);
    }
}

/* Makes room for one more entry. */
static int ensure_room(struct __CFDictionary *d) {
    if (d->used < d->entries_cap)
        return 1;
    return rebuild(d, d->count > 4 ? d->count : 4);
}

enum { PUT_ADD, PUT_SET, PUT_REPLACE };

static void put(struct __CFDictionary *d, const void *key, const void *value, int mode) {
    CFHashCode h = key_hash(d, key);
    CFIndex e = find_entry(d, key, h);
    if (e >= 0) {
        const void *old;
        if (mode == PUT_ADD)
            return;
        old = d->entries[e].value;
        d->entries[e].value = retain_value(d, value);
        release_value(d, old);
        return;
    }
    if (mode == PUT_REPLACE)
        return;
    if (!ensure_room(d)) {
        vt_error("CFDictionary: allocation failed, value not stored");
        return;
    }
    key = retain_key(d, key);
    value = retain_value(d, value);
    insert_new(d, key, value, h);
}

/* ---- class ---- */

static void dictionary_finalize(CFTypeRef obj) {
    struct __CFDictionary *d = (struct __CFDictionary *)obj;
    if (d->index)
        remove_all(d);
    vt_free(d->entries);
    vt_free(d->index);
}

static Boolean dictionary_equal(CFTypeRef a, CFTypeRef b) {
    const struct __CFDictionary *da = a, *db = b;
    CFIndex i, e;
    if (da->count != db->count)
        return FALSE;
    for (i = 0; i < da->used; i++) {
        const VTDictEntry *en = &da->entries[i];
        if (!en->live)
            continue;
        e = find_entry(db, en->key, key_hash(db, en->key));
        if (e < 0 || !value_equal(da, en->value, db->entries[e].value))
            return FALSE;
    }
    return TRUE;
}

static CFHashCode dictionary_hash(CFTypeRef obj) {
    return (CFHashCode)((const struct __CFDictionary *)obj)->count;
}

static void describe_item(VTStrBuf *sb, const void *item, CFDictionaryCopyDescriptionCallBack cb) {
    if (item && cb) {
        CFStringRef s = cb(item);
        if (vt_object_is(s, &vt_cfstring_class)) {
            vt_strbuf_append(sb, s->cstr, (size_t)s->byte_length);
            CFRelease(s);
            return;
        }
        if (s)
            CFRelease(s);
        else if (cb == CFCopyDescription)
            sb->failed = 1; /* allocation failure: fail the whole description */
    }
    if (item)
        vt_strbuf_appendf(sb, "<%p>", item);
    else
        vt_strbuf_append_cstr(sb, "(null)");
}

static CFStringRef dictionary_copy_description(CFTypeRef obj) {
    const struct __CFDictionary *d = obj;
    VTStrBuf sb = {0};
    CFIndex i;
    vt_strbuf_append_cstr(&sb, "{");
    for (i = 0; i < d->used; i++) {
        if (!d->entries[i].live)
            continue;
        vt_strbuf_append_cstr(&sb, " ");
        describe_item(&sb, d->entries[i].key, d->kcb.copyDescription);
        vt_strbuf_append_cstr(&sb, " = ");
        describe_item(&sb, d->entries[i].value, d->vcb.copyDescription);
        vt_strbuf_append_cstr(&sb, ";");
    }
    vt_strbuf_append_cstr(&sb, " }");
    return vt_strbuf_finish(&sb);
}

const VTClass vt_cfdictionary_class = {
    .name = "CFDictionary",
    .type_id = VT_TYPE_ID_DICTIONARY,
    .finalize = dictionary_finalize,
    .equal = dictionary_equal,
    .hash = dictionary_hash,
    .copy_description = dictionary_copy_description,
};

CFTypeID CFDictionaryGetTypeID(void) {
    return VT_TYPE_ID_DICTIONARY;
}

/* ---- creation ---- */

static struct __CFDictionary *dict_alloc(Boolean is_mutable, CFIndex capacity,
                                         const CFDictionaryKeyCallBacks *kcb,
                                         const CFDictionaryValueCallBacks *vcb) {
    struct __CFDictionary *d = vt_object_alloc(&vt_cfdictionary_class, sizeof(*d));
    if (!d)
        return NULL;
    d->is_mutable = is_mutable;
    if (kcb)
        d->kcb = *kcb;
    if (vcb)
        d->vcb = *vcb;
    /* capacity is a hint; cap the preallocation for absurd values. */
    if (capacity > 65536)
        capacity = 65536;
    if (!rebuild(d, capacity)) {
        vt_free(d);
        return NULL;
    }
    return d;
}

CFDictionaryRef CFDictionaryCreate(CFAllocatorRef allocator, const void **keys, const void **values,
                                   CFIndex numValues, const CFDictionaryKeyCallBacks *keyCallBacks,
                                   const CFDictionaryValueCallBacks *valueCallBacks) {
    struct __CFDictionary *d;
    CFIndex i;
    (void)allocator;
    VT_CHECK_ARG(numValues >= 0, NULL);
    VT_CHECK_ARG(numValues == 0 || (keys != NULL && values != NULL), NULL);
    d = dict_alloc(FALSE, numValues, keyCallBacks, valueCallBacks);
    if (!d)
        return NULL;
    if (d->entries_cap < numValues && !rebuild(d, numValues)) {
        CFRelease(d);
        return NULL;
    }
    /* The table has room for numValues entries: no allocation below. As
     * with CFDictionaryAddValue, a repeated key keeps its first value. */
    for (i = 0; i < numValues; i++)
        put(d, keys[i], values[i], PUT_ADD);
    return d;
}

static struct __CFDictionary *copy_dict(CFDictionaryRef src, Boolean is_mutable, CFIndex capacity) {
    struct __CFDictionary *d;
    CFIndex i;
    if (capacity < src->count)
        capacity = src->count;
    d = dict_alloc(is_mutable, capacity, &src->kcb, &src->vcb);
    if (!d)
        return NULL;
    if (d->entries_cap < src->count && !rebuild(d, src->count)) {
        CFRelease(d);
        return NULL;
    }
    for (i = 0; i < src->used; i++) {
        const VTDictEntry *e = &src->entries[i];
        if (e->live)
            insert_new(d, retain_key(d, e->key), retain_value(d, e->value), e->hash);
    }
    return d;
}

#define CHECK_DICT(d, err) VT_CHECK_ARG(vt_object_is((d), &vt_cfdictionary_class), err)

CFDictionaryRef CFDictionaryCreateCopy(CFAllocatorRef allocator, CFDictionaryRef theDict) {
    (void)allocator;
    CHECK_DICT(theDict, NULL);
    return copy_dict(theDict, FALSE, 0);
}

CFMutableDictionaryRef CFDictionaryCreateMutable(CFAllocatorRef allocator, CFIndex capacity,
                                                 const CFDictionaryKeyCallBacks *keyCallBacks,
                                                 const CFDictionaryValueCallBacks *valueCallBacks) {
    (void)allocator;
    VT_CHECK_ARG(capacity >= 0, NULL);
    return dict_alloc(TRUE, capacity, keyCallBacks, valueCallBacks);
}

CFMutableDictionaryRef CFDictionaryCreateMutableCopy(CFAllocatorRef allocator, CFIndex capacity,
                                                     CFDictionaryRef theDict) {
    (void)allocator;
    VT_CHECK_ARG(capacity >= 0, NULL);
    CHECK_DICT(theDict, NULL);
    return copy_dict(theDict, TRUE, capacity);
}

CFMutableDictionaryRef vt_cf_dict_new(void) {
    return CFDictionaryCreateMutable(NULL, 0, &kCFTypeDictionaryKeyCallBacks,
                                     &kCFTypeDictionaryValueCallBacks);
}

/* ---- queries ---- */

CFIndex CFDictionaryGetCount(CFDictionaryRef theDict) {
    CHECK_DICT(theDict, 0);
    return theDict->count;
}

CFIndex CFDictionaryGetCountOfKey(CFDictionaryRef theDict, const void *key) {
    CHECK_DICT(theDict, 0);
    return find_entry(theDict, key, key_hash(theDict, key)) >= 0 ? 1 : 0;
}

CFIndex CFDictionaryGetCountOfValue(CFDictionaryRef theDict, const void *value) {
    CFIndex i, n = 0;
    CHECK_DICT(theDict, 0);
    for (i = 0; i < theDict->used; i++)
        if (theDict->entries[i].live && value_equal(theDict, theDict->entries[i].value, value))
            n++;
    return n;
}

Boolean CFDictionaryContainsKey(CFDictionaryRef theDict, const void *key) {
    return CFDictionaryGetCountOfKey(theDict, key) > 0;
}

Boolean CFDictionaryContainsValue(CFDictionaryRef theDict, const void *value) {
    CFIndex i;
    CHECK_DICT(theDict, FALSE);
    for (i = 0; i < theDict->used; i++)
        if (theDict->entries[i].live && value_equal(theDict, theDict->entries[i].value, value))
            return TRUE;
    return FALSE;
}

const void *CFDictionaryGetValue(CFDictionaryRef theDict, const void *key) {
    CFIndex e;
    CHECK_DICT(theDict, NULL);
    e = find_entry(theDict, key, key_hash(theDict, key));
    return e >= 0 ? theDict->entries[e].value : NULL;
}

Boolean CFDictionaryGetValueIfPresent(CFDictionaryRef theDict, const void *key,
                                      const void **value) {
    CFIndex e;
    CHECK_DICT(theDict, FALSE);
    e = find_entry(theDict, key, key_hash(theDict, key));
    if (e < 0)
        return FALSE;
    if (value)
        *value = theDict->entries[e].value;
    return TRUE;
}

void CFDictionaryGetKeysAndValues(CFDictionaryRef theDict, const void **keys, const void **values) {
    CFIndex i, o = 0;
    if (!vt_object_is(theDict, &vt_cfdictionary_class)) {
        vt_debug("CFDictionaryGetKeysAndValues: invalid dictionary");
        return;
    }
    for (i = 0; i < theDict->used; i++) {
        if (!theDict->entries[i].live)
            continue;
        if (keys)
            keys[o] = theDict->entries[i].key;
        if (values)
            values[o] = theDict->entries[i].value;
        o++;
    }
}

void CFDictionaryApplyFunction(CFDictionaryRef theDict, CFDictionaryApplierFunction applier,
                               void *context) {
    CFIndex i;
    if (!vt_object_is(theDict, &vt_cfdictionary_class) || !applier) {
        vt_debug("CFDictionaryApplyFunction: invalid argument");
        return;
    }
    /* The applier must not mutate the dictionary (as on Apple); re-reading
     * `used` keeps this memory-safe even if it does. */
    for (i = 0; i < theDict->used; i++)
        if (theDict->entries[i].live)
            applier(theDict->entries[i].key, theDict->entries[i].value, context);
}

const void *vt_cf_dict_get(CFDictionaryRef dict, CFStringRef key) {
    CFIndex e, i;
    if (!vt_object_is(dict, &vt_cfdictionary_class) || !key)
        return NULL;
    e = find_entry(dict, key, key_hash(dict, key));
    if (e >= 0)
        return dict->entries[e].value;
    /* Dictionaries without CFEqual key semantics (NULL callbacks): compare
     * the contents of CFString keys. */
    if (dict->kcb.equal == CFEqual || !vt_object_is(key, &vt_cfstring_class))
        return NULL;
    for (i = 0; i < dict->used; i++) {
        const void *k = dict->entries[i].key;
        if (dict->entries[i].live && k && CFEqual(k, key))
            return dict->entries[i].value;
    }
    return NULL;
}

/* ---- mutation ---- */

static struct __CFDictionary *mutable_dict(CFMutableDictionaryRef d, const char *func) {
    if (!vt_object_is(d, &vt_cfdictionary_class)) {
        vt_debug("%s: invalid dictionary", func);
        return NULL;
    }
    if (!d->is_mutable) {
        vt_error("%s: dictionary %p is immutable", func, (void *)d);
        return NULL;
    }
    return d;
}

void CFDictionaryAddValue(CFMutableDictionaryRef theDict, const void *key, const void *value) {
    struct __CFDictionary *d = mutable_dict(theDict, __func__);
    if (d)
        put(d, key, value, PUT_ADD);
}

void CFDictionarySetValue(CFMutableDictionaryRef theDict, const void *key, const void *value) {
    struct __CFDictionary *d = mutable_dict(theDict, __func__);
    if (d)
        put(d, key, value, PUT_SET);
}

void CFDictionaryReplaceValue(CFMutableDictionaryRef theDict, const void *key, const void *value) {
    struct __CFDictionary *d = mutable_dict(theDict, __func__);
    if (d)
        put(d, key, value, PUT_REPLACE);
}

void CFDictionaryRemoveValue(CFMutableDictionaryRef theDict, const void *key) {
    struct __CFDictionary *d = mutable_dict(theDict, __func__);
    CFIndex e;
    if (!d)
        return;
    e = find_entry(d, key, key_hash(d, key));
    if (e >= 0)
        remove_entry(d, e);
}

void CFDictionaryRemoveAllValues(CFMutableDictionaryRef theDict) {
    struct __CFDictionary *d = mutable_dict(theDict, __func__);
    if (d)
        remove_all(d);
}
