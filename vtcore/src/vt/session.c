/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * VTSession* (VTSession.h): dispatch to the session class's property tables,
 * the common session base (lock, invalidation, set-bitmap) and the hooks.
 * See session.h for the locking rule and property.h for the row format.
 */
#include "config.h"

#include <string.h>

#include <VideoToolbox/VTErrors.h>
#include <VideoToolbox/VTSession.h>

#include "cf/cf_internal.h"
#include "log.h"
#include "vt/session.h"

/* ---- rows ---- */

/* Global index of a row over all of the class's tables (set-bitmap index). */
typedef struct RowRef {
    const VTPropertySpec *row;
    size_t index;
} RowRef;

static Boolean row_visible(uint32_t caps, const VTPropertySpec *row) {
    return (row->caps & ~caps) == 0;
}

/* Pointer comparison over every table first (constant keys are unique
 * objects), then string contents. Hidden rows are not found. */
static Boolean find_class_row(const VTSessionClass *k, uint32_t caps, CFStringRef key,
                              RowRef *out) {
    size_t t, i, base;
    int pass;
    for (pass = 0; pass < 2; pass++) {
        base = 0;
        for (t = 0; t < k->n_tables; t++) {
            const VTPropertyTable *table = k->tables[t];
            for (i = 0; i < table->count; i++) {
                const VTPropertySpec *row = &table->rows[i];
                Boolean match = pass == 0 ? *row->key == key : CFEqual(*row->key, key);
                if (match) {
                    if (!row_visible(caps, row))
                        return FALSE;
                    out->row = row;
                    out->index = base + i;
                    return TRUE;
                }
            }
            base += table->count;
        }
    }
    return FALSE;
}

static Boolean find_row(const VTSessionBase *s, CFStringRef key, RowRef *out) {
    return find_class_row(s->klass, s->caps, key, out);
}

static inline Boolean bit_get(const VTSessionBase *s, size_t index) {
    return index < VT_PROP_MAX_ROWS && (s->set_bits[index / 32] >> (index % 32)) & 1u;
}

static inline void bit_put(VTSessionBase *s, size_t index, Boolean on) {
    if (index >= VT_PROP_MAX_ROWS)
        return;
    if (on)
        s->set_bits[index / 32] |= 1u << (index % 32);
    else
        s->set_bits[index / 32] &= ~(1u << (index % 32));
}

static size_t class_row_count(const VTSessionClass *k) {
    size_t t, n = 0;
    for (t = 0; t < k->n_tables; t++)
        n += k->tables[t]->count;
    return n;
}

/* ---- lifecycle ---- */

OSStatus vt_session_base_init(VTSessionBase *s, const VTSessionClass *klass, uint32_t caps) {
    pthread_mutexattr_t attr;
    size_t t;
    int err;
    if (!s || !klass || !klass->config)
        return kVTParameterErr;
    if (class_row_count(klass) > VT_PROP_MAX_ROWS) {
        vt_error("%s: more than %d property rows", klass->base.name, VT_PROP_MAX_ROWS);
        return kVTParameterErr;
    }
    s->klass = klass;
    s->caps = caps;
    s->invalidated = FALSE;
    s->started = FALSE;
    s->config_seq = 0;
    memset(s->set_bits, 0, sizeof(s->set_bits));
    if (pthread_mutexattr_init(&attr) != 0)
        return kVTAllocationFailedErr;
    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
    err = pthread_mutex_init(&s->lock, &attr);
    pthread_mutexattr_destroy(&attr);
    if (err != 0)
        return kVTAllocationFailedErr;
    s->lock_ready = TRUE;
    for (t = 0; t < klass->n_tables; t++)
        vt_prop_table_init(klass->tables[t], klass->config(s));
    return noErr;
}

static void clear_values(VTSessionBase *s) {
    size_t t;
    if (!s->klass || !s->klass->config)
        return;
    for (t = 0; t < s->klass->n_tables; t++)
        vt_prop_table_clear(s->klass->tables[t], s->klass->config(s));
    memset(s->set_bits, 0, sizeof(s->set_bits));
}

void vt_session_base_invalidate(VTSessionBase *s) {
    if (!s || !s->lock_ready)
        return;
    pthread_mutex_lock(&s->lock);
    if (!s->invalidated) {
        s->invalidated = TRUE;
        clear_values(s);
        s->config_seq++;
    }
    pthread_mutex_unlock(&s->lock);
}

void vt_session_base_finalize(VTSessionBase *s) {
    if (!s)
        return;
    /* No other reference exists any more: no locking needed. */
    clear_values(s);
    if (s->lock_ready) {
        pthread_mutex_destroy(&s->lock);
        s->lock_ready = FALSE;
    }
}

/* ---- handles and locking ---- */

VTSessionBase *vt_session_from_ref(CFTypeRef ref) {
    switch (vt_object_type_id(ref)) {
    case VT_TYPE_ID_COMPRESSION_SESSION:
    case VT_TYPE_ID_PIXEL_TRANSFER_SESSION:
    case VT_TYPE_ID_PIXEL_ROTATION_SESSION: {
        VTSessionBase *s = (VTSessionBase *)ref;
        return s->lock_ready && s->klass ? s : NULL;
    }
    default:
        return NULL;
    }
}

void vt_session_lock(VTSessionBase *s) {
    pthread_mutex_lock(&s->lock);
}

void vt_session_unlock(VTSessionBase *s) {
    pthread_mutex_unlock(&s->lock);
}

void *vt_session_config(VTSessionBase *s) {
    return s->klass->config(s);
}

void vt_session_set_started(VTSessionBase *s, Boolean started) {
    pthread_mutex_lock(&s->lock);
    s->started = started ? TRUE : FALSE;
    pthread_mutex_unlock(&s->lock);
}

/* ---- set / copy (lock held) ---- */

static OSStatus set_locked(VTSessionBase *s, CFStringRef key, CFTypeRef value, unsigned options) {
    const VTSessionClass *k = s->klass;
    Boolean force = (options & VT_SESSION_SET_FORCE) != 0;
    VTPropValue v;
    VTPropStorage saved;
    CFTypeRef old_cf = NULL;
    void *config;
    Boolean old_bit;
    size_t size;
    RowRef r;
    OSStatus status;

    if (s->invalidated && !force)
        return kVTInvalidSessionErr;
    if (!find_row(s, key, &r)) {
        vt_debug("VTSessionSetProperty: %s not supported by %s", vt_cfstring_cstr(key),
                 k->base.name);
        return kVTPropertyNotSupportedErr;
    }
    if ((r.row->flags & VT_PROP_READONLY) && !force)
        return kVTPropertyReadOnlyErr;
    memset(&v, 0, sizeof(v));
    if (value) {
        status = vt_prop_convert(r.row, value, &v);
        if (status != noErr) {
            vt_debug("VTSessionSetProperty: %s: value refused (%d)", vt_prop_name(r.row),
                     (int)status);
            return status;
        }
    }
    if (!force && k->will_set) {
        status = k->will_set(s, r.row, value);
        if (status != noErr) {
            vt_prop_value_clear(&v);
            return status;
        }
    }
    config = k->config(s);
    size = vt_prop_storage_size(r.row);
    if (size)
        memcpy(&saved, (char *)config + r.row->offset, size);
    old_bit = bit_get(s, r.index);

    vt_prop_store(r.row, config, value ? &v : NULL, &old_cf);
    bit_put(s, r.index, value != NULL);
    s->config_seq++;

    if (!force && k->did_set) {
        status = k->did_set(s, r.row);
        if (status != noErr) {
            /* Undo: put the old bytes back (old_cf is still referenced by
             * them) and drop the new CF value. */
            CFTypeRef new_cf = (r.row->kind == VT_PROP_CFTYPE && size)
                                   ? *(CFTypeRef *)((char *)config + r.row->offset)
                                   : NULL;
            if (size)
                memcpy((char *)config + r.row->offset, &saved, size);
            if (new_cf)
                CFRelease(new_cf);
            bit_put(s, r.index, old_bit);
            s->config_seq++;
            return status;
        }
    }
    if (old_cf)
        CFRelease(old_cf);
    return noErr;
}

static OSStatus copy_row_locked(VTSessionBase *s, const VTPropertySpec *row, CFTypeRef *out) {
    *out = NULL;
    if (row->get)
        return row->get(s, row, out);
    if (row->offset == VT_PROP_NO_STORAGE)
        return s->klass->copy_dynamic ? s->klass->copy_dynamic(s, row, out) : noErr;
    return vt_prop_copy_stored(row, s->klass->config(s), out);
}

/* ---- internal API ---- */

const VTPropertySpec *vt_session_find_property(VTSessionBase *s, CFStringRef key) {
    RowRef r;
    Boolean found;
    if (!s || !key)
        return NULL;
    pthread_mutex_lock(&s->lock);
    found = find_row(s, key, &r);
    pthread_mutex_unlock(&s->lock);
    return found ? r.row : NULL;
}

OSStatus vt_session_set_property(VTSessionBase *s, CFStringRef key, CFTypeRef value,
                                 unsigned options) {
    OSStatus status;
    if (!s || vt_object_type_id(key) != VT_TYPE_ID_STRING)
        return kVTParameterErr;
    pthread_mutex_lock(&s->lock);
    status = set_locked(s, key, value, options);
    pthread_mutex_unlock(&s->lock);
    return status;
}

OSStatus vt_session_copy_property(VTSessionBase *s, CFStringRef key, CFTypeRef *out) {
    OSStatus status;
    RowRef r;
    if (!out)
        return kVTParameterErr;
    *out = NULL;
    if (!s || vt_object_type_id(key) != VT_TYPE_ID_STRING)
        return kVTParameterErr;
    pthread_mutex_lock(&s->lock);
    if (s->invalidated)
        status = kVTInvalidSessionErr;
    else if (!find_row(s, key, &r))
        status = kVTPropertyNotSupportedErr;
    else
        status = copy_row_locked(s, r.row, out);
    pthread_mutex_unlock(&s->lock);
    if (status != noErr && *out) {
        CFRelease(*out);
        *out = NULL;
    }
    return status;
}

Boolean vt_session_property_is_set(VTSessionBase *s, CFStringRef key) {
    Boolean set = FALSE;
    RowRef r;
    if (!s || !key)
        return FALSE;
    pthread_mutex_lock(&s->lock);
    if (find_row(s, key, &r))
        set = bit_get(s, r.index);
    pthread_mutex_unlock(&s->lock);
    return set;
}

/* ---- public API ---- */

OSStatus VTSessionSetProperty(VTSessionRef session, CFStringRef propertyKey,
                              CFTypeRef propertyValue) {
    VTSessionBase *s = vt_session_from_ref(session);
    VT_CHECK_ARG(s != NULL, kVTParameterErr);
    VT_CHECK_ARG(vt_object_type_id(propertyKey) == VT_TYPE_ID_STRING, kVTParameterErr);
    return vt_session_set_property(s, propertyKey, propertyValue, 0);
}

OSStatus VTSessionCopyProperty(VTSessionRef session, CFStringRef propertyKey,
                               CFAllocatorRef allocator, void *propertyValueOut) {
    VTSessionBase *s = vt_session_from_ref(session);
    (void)allocator;
    VT_CHECK_ARG(propertyValueOut != NULL, kVTParameterErr);
    *(CFTypeRef *)propertyValueOut = NULL;
    VT_CHECK_ARG(s != NULL, kVTParameterErr);
    VT_CHECK_ARG(vt_object_type_id(propertyKey) == VT_TYPE_ID_STRING, kVTParameterErr);
    return vt_session_copy_property(s, propertyKey, (CFTypeRef *)propertyValueOut);
}

typedef struct SetAllContext {
    VTSessionBase *session;
    OSStatus first_error;
} SetAllContext;

static void set_one(const void *key, const void *value, void *context) {
    SetAllContext *ctx = context;
    OSStatus status;
    if (!key) /* clients build dictionaries with trailing NULL entries */
        return;
    if (vt_object_type_id(key) != VT_TYPE_ID_STRING)
        status = kVTParameterErr;
    else
        status = set_locked(ctx->session, key, value, 0);
    if (status != noErr && ctx->first_error == noErr)
        ctx->first_error = status;
}

OSStatus VTSessionSetProperties(VTSessionRef session, CFDictionaryRef propertyDictionary) {
    VTSessionBase *s = vt_session_from_ref(session);
    SetAllContext ctx;
    VT_CHECK_ARG(s != NULL, kVTParameterErr);
    VT_CHECK_ARG(vt_object_type_id(propertyDictionary) == VT_TYPE_ID_DICTIONARY, kVTParameterErr);
    ctx.session = s;
    ctx.first_error = noErr;
    pthread_mutex_lock(&s->lock);
    if (s->invalidated)
        ctx.first_error = kVTInvalidSessionErr;
    else
        CFDictionaryApplyFunction(propertyDictionary, set_one, &ctx);
    pthread_mutex_unlock(&s->lock);
    return ctx.first_error;
}

/* Calls fn for every row visible with these caps, in table order (a key
 * repeated in a later table is shadowed by the first); stops at the first
 * error. */
typedef OSStatus (*RowFn)(VTSessionBase *s, const VTPropertySpec *row, void *ctx);

static OSStatus for_each_class_row(const VTSessionClass *k, uint32_t caps, VTSessionBase *s,
                                   RowFn fn, void *ctx) {
    size_t t, i;
    OSStatus status;
    for (t = 0; t < k->n_tables; t++) {
        const VTPropertyTable *table = k->tables[t];
        for (i = 0; i < table->count; i++) {
            const VTPropertySpec *row = &table->rows[i];
            RowRef first;
            if (!row_visible(caps, row))
                continue;
            if (!find_class_row(k, caps, *row->key, &first) || first.row != row)
                continue;
            status = fn(s, row, ctx);
            if (status != noErr)
                return status;
        }
    }
    return noErr;
}

static OSStatus for_each_row(VTSessionBase *s, RowFn fn, void *ctx) {
    return for_each_class_row(s->klass, s->caps, s, fn, ctx);
}

/* Adds key -> value (consumed) to a kCFType dictionary; the dictionary API
 * reports no error, so a failed insertion is detected by the count. */
static OSStatus dict_add(CFMutableDictionaryRef dict, CFStringRef key, CFTypeRef value) {
    CFIndex before = CFDictionaryGetCount(dict);
    Boolean had = CFDictionaryContainsKey(dict, key);
    CFDictionarySetValue(dict, key, value);
    CFRelease(value);
    if (!had && CFDictionaryGetCount(dict) != before + 1)
        return kVTAllocationFailedErr;
    return noErr;
}

static OSStatus add_description(VTSessionBase *s, const VTPropertySpec *row, void *ctx) {
    CFDictionaryRef desc = vt_prop_copy_description(row);
    (void)s;
    if (!desc)
        return kVTAllocationFailedErr;
    return dict_add((CFMutableDictionaryRef)ctx, *row->key, desc);
}

OSStatus vt_session_class_copy_supported(const VTSessionClass *klass, uint32_t caps,
                                         CFDictionaryRef *out) {
    CFMutableDictionaryRef dict;
    OSStatus status;
    if (!out)
        return kVTParameterErr;
    *out = NULL;
    if (!klass)
        return kVTParameterErr;
    dict = vt_cf_dict_new();
    if (!dict)
        return kVTAllocationFailedErr;
    status = for_each_class_row(klass, caps, NULL, add_description, dict);
    if (status == noErr)
        *out = dict;
    else
        CFRelease(dict);
    return status;
}

OSStatus VTSessionCopySupportedPropertyDictionary(VTSessionRef session,
                                                  CFDictionaryRef *supportedPropertyDictionaryOut) {
    VTSessionBase *s = vt_session_from_ref(session);
    OSStatus status;
    VT_CHECK_ARG(supportedPropertyDictionaryOut != NULL, kVTParameterErr);
    *supportedPropertyDictionaryOut = NULL;
    VT_CHECK_ARG(s != NULL, kVTParameterErr);
    pthread_mutex_lock(&s->lock);
    if (s->invalidated)
        status = kVTInvalidSessionErr;
    else
        status = vt_session_class_copy_supported(s->klass, s->caps, supportedPropertyDictionaryOut);
    pthread_mutex_unlock(&s->lock);
    return status;
}

static OSStatus add_serializable(VTSessionBase *s, const VTPropertySpec *row, void *ctx) {
    CFTypeRef value = NULL;
    OSStatus status;
    if (!(row->flags & VT_PROP_SERIALIZABLE) || (row->flags & VT_PROP_READONLY))
        return noErr;
    status = copy_row_locked(s, row, &value);
    if (status != noErr) {
        /* A computed value that cannot be produced now is left out. */
        if (status == kVTAllocationFailedErr)
            return status;
        return noErr;
    }
    return value ? dict_add((CFMutableDictionaryRef)ctx, *row->key, value) : noErr;
}

OSStatus VTSessionCopySerializableProperties(VTSessionRef session, CFAllocatorRef allocator,
                                             CFDictionaryRef *dictionaryOut) {
    VTSessionBase *s = vt_session_from_ref(session);
    CFMutableDictionaryRef dict;
    OSStatus status;
    (void)allocator;
    VT_CHECK_ARG(dictionaryOut != NULL, kVTParameterErr);
    *dictionaryOut = NULL;
    VT_CHECK_ARG(s != NULL, kVTParameterErr);
    pthread_mutex_lock(&s->lock);
    if (s->invalidated) {
        status = kVTInvalidSessionErr;
    } else if (!(dict = vt_cf_dict_new())) {
        status = kVTAllocationFailedErr;
    } else {
        status = for_each_row(s, add_serializable, dict);
        if (status == noErr)
            *dictionaryOut = dict;
        else
            CFRelease(dict);
    }
    pthread_mutex_unlock(&s->lock);
    return status;
}
