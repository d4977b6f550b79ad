/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The common part of every VideoToolbox session object and the dispatch of
 * the VTSession* functions (VTSession.h) to the session's property tables.
 *
 * How a session type plugs in (compression, pixel transfer, rotation):
 *
 *   struct OpaqueVTPixelTransferSession {
 *       VTSessionBase base;            // MUST be first
 *       VTTransferConfig config;       // what the property rows point into
 *       ...                            // session-specific state
 *   };
 *
 *   static void *transfer_config(VTSessionBase *s) {
 *       return &((struct OpaqueVTPixelTransferSession *)s)->config;
 *   }
 *   static void transfer_finalize(CFTypeRef obj) {
 *       ... release session-specific state ...
 *       vt_session_base_finalize((VTSessionBase *)obj);
 *   }
 *   const VTSessionClass vt_transfer_session_class = {
 *       .base = {.name = "VTPixelTransferSession",
 *                .type_id = VT_TYPE_ID_PIXEL_TRANSFER_SESSION,
 *                .finalize = transfer_finalize},
 *       .tables = (const VTPropertyTable *const[]){&vt_transfer_table},
 *       .n_tables = 1,
 *       .config = transfer_config,
 *   };
 *
 *   Create:     s = vt_object_alloc(&vt_transfer_session_class.base, sizeof *s);
 *               status = vt_session_base_init(&s->base, &vt_transfer_session_class, caps);
 *               (on error: CFRelease(s) -- finalize copes with a half-built session)
 *   Invalidate: stop workers, then vt_session_base_invalidate(&s->base).
 *   Public entry points: vt_session_is(ref, &class) to check the handle, then
 *               vt_session_lock / check base.invalidated / ... / vt_session_unlock.
 *
 * Only classes whose VTClass starts a VTSessionClass may use the type ids
 * VT_TYPE_ID_COMPRESSION_SESSION, _PIXEL_TRANSFER_SESSION and
 * _PIXEL_ROTATION_SESSION: the VTSession* functions recognise sessions by
 * these ids.
 *
 * LOCKING RULE. base.lock (recursive) protects the config struct, the
 * set-bitmap, `started`, `caps`, `config_seq` and `invalidated`. The
 * VTSession* functions hold it while validating, storing, copying and while
 * calling the class hooks and row getters. Any other thread reading the
 * config (an encoder thread) takes vt_session_lock(), copies/uses the fields
 * it needs, and unlocks; it may compare base.config_seq with the value it
 * last applied to detect changes (every successful store increments it).
 * Hooks run under the lock: they must not wait for a thread that itself
 * needs the lock, and must not call out to client callbacks.
 */
#ifndef VTCORE_VT_SESSION_H
#define VTCORE_VT_SESSION_H

#include <pthread.h>

#include <VideoToolbox/VTSession.h>

#include "runtime.h"
#include "vt/property.h"

typedef struct VTSessionClass VTSessionClass;

struct VTSessionBase {
    VTObject base; /* base.cls == &klass->base */
    const VTSessionClass *klass;
    pthread_mutex_t lock; /* recursive; see LOCKING RULE */
    Boolean lock_ready;   /* lock was initialised (finalize of half-built objects) */
    Boolean invalidated;  /* every VTSession* call returns kVTInvalidSessionErr */
    Boolean started;      /* the session began its work (first frame): see will_set */
    uint32_t caps;        /* capability bits; rows needing others are hidden */
    uint32_t config_seq;  /* incremented on every successful property store */
    uint32_t set_bits[VT_PROP_MAX_ROWS / 32]; /* rows explicitly set (non-NULL) */
};

struct VTSessionClass {
    VTClass base; /* MUST be first: objects' base.cls points here */

    /* Property tables, searched in order (a key found in an earlier table
     * wins). Row offsets all point into the struct returned by config(). */
    const VTPropertyTable *const *tables;
    size_t n_tables;
    void *(*config)(VTSessionBase *session);

    /* Optional hooks, all called with the session lock held. */

    /* Before a store: `value` is the client's value (already type- and
     * range-checked) or NULL (restore default). Return noErr to proceed, or
     * the error VTSessionSetProperty should return (e.g.
     * kVTPropertyNotSupportedErr for a combination the backend cannot do).
     * Policy for rows without VT_PROP_LIVE once session->started is set is
     * the hook's: without a hook the engine accepts and stores the value
     * (Apple accepts most properties mid-stream); the session applies it
     * when it can (config_seq changed). */
    OSStatus (*will_set)(VTSessionBase *session, const VTPropertySpec *row, CFTypeRef value);
    /* After a store (e.g. live reconfiguration of the encoder). A non-noErr
     * return undoes the store and is returned to the client. */
    OSStatus (*did_set)(VTSessionBase *session, const VTPropertySpec *row);
    /* Value of rows with VT_PROP_NO_STORAGE and no .get: +1 value or NULL. */
    OSStatus (*copy_dynamic)(VTSessionBase *session, const VTPropertySpec *row,
                             CFTypeRef *value_out);
};

/* ---- Lifecycle ---- */

/* Initialises the base of an object allocated with vt_object_alloc(&klass->base,
 * size): lock, defaults of every row. Returns noErr or kVTAllocationFailedErr. */
OSStatus vt_session_base_init(VTSessionBase *session, const VTSessionClass *klass, uint32_t caps);

/* Marks the session invalid (all VTSession* calls then return
 * kVTInvalidSessionErr) and releases the CF values held by the config.
 * Idempotent. Call it after stopping any thread that reads the config. */
void vt_session_base_invalidate(VTSessionBase *session);

/* Releases what the base holds; call at the end of the class finalize. Safe
 * on a base whose init failed or never ran (zeroed object). */
void vt_session_base_finalize(VTSessionBase *session);

/* ---- Handles and locking ---- */

/* The session behind a VTSessionRef, or NULL if `ref` is NULL or not a
 * session object. */
VTSessionBase *vt_session_from_ref(CFTypeRef ref);

/* True if ref is a session of exactly this class (NULL-safe). */
static inline Boolean vt_session_is(CFTypeRef ref, const VTSessionClass *klass) {
    return vt_object_is(ref, &klass->base);
}

void vt_session_lock(VTSessionBase *session);
void vt_session_unlock(VTSessionBase *session);

/* The session's config struct (klass->config(session)). */
void *vt_session_config(VTSessionBase *session);

/* Sets base.started under the lock (the compression session calls it when the
 * first frame is submitted, and may clear it at a pass boundary). */
void vt_session_set_started(VTSessionBase *session, Boolean started);

/* ---- Internal property access (lock taken inside; recursive) ---- */

/* Visible row for key (pointer match first, then CFEqual), or NULL if the key
 * is unknown or hidden by the session's caps. */
const VTPropertySpec *vt_session_find_property(VTSessionBase *session, CFStringRef key);

enum {
    /* Bypass VT_PROP_READONLY and the will_set/did_set hooks: for the session
     * itself (e.g. recording the selected encoder's read-only values, or
     * applying an encoder specification). Caps and type checks still apply. */
    VT_SESSION_SET_FORCE = 1u << 0,
};

/* VTSessionSetProperty for library code, with VT_SESSION_SET_* options.
 * Works on invalidated sessions only with VT_SESSION_SET_FORCE. */
OSStatus vt_session_set_property(VTSessionBase *session, CFStringRef key, CFTypeRef value,
                                 unsigned options);

/* VTSessionCopyProperty for library code (+1 or NULL in *value_out). */
OSStatus vt_session_copy_property(VTSessionBase *session, CFStringRef key, CFTypeRef *value_out);

/* The supported-property dictionary of a session class with these caps,
 * without a session (+1 in *out): what VTSessionCopySupportedProperty-
 * Dictionary returns for such a session; for
 * VTCopySupportedPropertyDictionaryForEncoder. Returns noErr,
 * kVTParameterErr or kVTAllocationFailedErr. */
OSStatus vt_session_class_copy_supported(const VTSessionClass *klass, uint32_t caps,
                                         CFDictionaryRef *out);

/* True if the client set this key to a non-NULL value (and did not reset it). */
Boolean vt_session_property_is_set(VTSessionBase *session, CFStringRef key);

#endif /* VTCORE_VT_SESSION_H */
