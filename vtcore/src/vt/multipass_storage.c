/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * VTMultiPassStorage: where a compression session keeps the encoder's
 * analysis statistics between the passes of a multi-pass encode. The data are
 * files written and read by the backend (x264's stats and mbtree files); this
 * object owns their location and lifetime and tracks the passes (see
 * multipass_internal.h).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <VideoToolbox/VTMultiPassStorage.h>

#include "cf/cf_internal.h"
#include "log.h"
#include "mem.h"
#include "runtime.h"
#include "vt/multipass_internal.h"

struct OpaqueVTMultiPassStorage {
    VTObject base;
    pthread_mutex_t lock;
    Boolean lock_ready;
    char *path;            /* statistics file handed to the backend */
    char *temp_dir;        /* private mkdtemp directory (NULL fileURL), else NULL */
    Boolean pre_existing;  /* the file at fileURL existed before Create: never deleted */
    Boolean do_not_delete; /* kVTMultiPassStorageCreationOption_DoNotDelete */
    Boolean closed;
    Boolean pass_active;
    int completed_passes;
    char *identity; /* configuration bound by the first pass */
    CMTimeRange time_range;
};

static const char *const companion_suffixes[] = VT_MULTIPASS_COMPANION_SUFFIXES;

/* Deletes the statistics files this storage created (idempotent). Called
 * with the lock held, or from finalize. */
static void storage_remove_files(struct OpaqueVTMultiPassStorage *s) {
    size_t len, i;
    char *name;
    if (!s->path || s->do_not_delete || s->pre_existing)
        return;
    len = strlen(s->path);
    name = vt_malloc(len + 32);
    if (name) {
        for (i = 0; companion_suffixes[i]; i++) {
            snprintf(name, len + 32, "%s%s", s->path, companion_suffixes[i]);
            if (unlink(name) != 0 && errno != ENOENT)
                vt_warn("VTMultiPassStorage: cannot delete %s: %s", name, strerror(errno));
        }
        vt_free(name);
    } else if (unlink(s->path) != 0 && errno != ENOENT) {
        vt_warn("VTMultiPassStorage: cannot delete %s: %s", s->path, strerror(errno));
    }
    if (s->temp_dir && rmdir(s->temp_dir) != 0 && errno != ENOENT)
        vt_warn("VTMultiPassStorage: cannot delete %s: %s", s->temp_dir, strerror(errno));
}

static void storage_finalize(CFTypeRef obj) {
    struct OpaqueVTMultiPassStorage *s = (struct OpaqueVTMultiPassStorage *)obj;
    storage_remove_files(s);
    vt_free(s->path);
    vt_free(s->temp_dir);
    vt_free(s->identity);
    if (s->lock_ready)
        pthread_mutex_destroy(&s->lock);
}

static CFStringRef storage_copy_description(CFTypeRef obj) {
    struct OpaqueVTMultiPassStorage *s = (struct OpaqueVTMultiPassStorage *)obj;
    CFStringRef desc;
    pthread_mutex_lock(&s->lock);
    desc = vt_cf_string_create_printf(
        "<VTMultiPassStorage %p [%s] passes=%d%s%s>", obj, s->path ? s->path : "",
        s->completed_passes, s->closed ? " closed" : "", s->do_not_delete ? " do-not-delete" : "");
    pthread_mutex_unlock(&s->lock);
    return desc;
}

static const VTClass storage_class = {
    .name = "VTMultiPassStorage",
    .type_id = VT_TYPE_ID_MULTI_PASS_STORAGE,
    .finalize = storage_finalize,
    .copy_description = storage_copy_description,
};

Boolean vt_multipass_storage_is(CFTypeRef obj) {
    return vt_object_is(obj, &storage_class);
}

CFTypeID VTMultiPassStorageGetTypeID(void) {
    return VT_TYPE_ID_MULTI_PASS_STORAGE;
}

/* The private directory and file name used when no fileURL is given. On
 * failure nothing is left set (finalize must not delete anything). */
static OSStatus storage_make_temp(struct OpaqueVTMultiPassStorage *s) {
    const char *tmp = secure_getenv("TMPDIR");
    char *dir, *path;
    size_t len;
    if (!tmp || !*tmp)
        tmp = "/tmp";
    len = strlen(tmp) + 64;
    dir = vt_malloc(len);
    path = vt_malloc(len + 16);
    if (!dir || !path) {
        vt_free(dir);
        vt_free(path);
        return kVTAllocationFailedErr;
    }
    snprintf(dir, len, "%s/vtcore-multipass-XXXXXX", tmp);
    if (!mkdtemp(dir)) {
        vt_error("VTMultiPassStorageCreate: cannot create a directory in %s: %s", tmp,
                 strerror(errno));
        vt_free(dir);
        vt_free(path);
        return kVTCouldNotCreateInstanceErr;
    }
    snprintf(path, len + 16, "%s/stats", dir);
    s->temp_dir = dir;
    s->path = path;
    return noErr;
}

/* Takes the file at fileURL: checks it can be written, remembers whether it
 * existed (pre-existing files are never deleted). On failure nothing is left
 * set (finalize must not delete anything). */
static OSStatus storage_use_url(struct OpaqueVTMultiPassStorage *s, CFURLRef url) {
    struct stat st;
    CFStringRef str;
    char *path = NULL;
    Boolean empty;
    int fd;
    if (CFURLHasDirectoryPath(url)) {
        vt_debug("VTMultiPassStorageCreate: the URL names a directory");
        return kVTParameterErr;
    }
    str = CFURLCopyFileSystemPath(url, kCFURLPOSIXPathStyle);
    if (!str)
        return kVTAllocationFailedErr;
    empty = *vt_cfstring_cstr(str) == '\0';
    if (!empty)
        path = vt_strdup(vt_cfstring_cstr(str));
    CFRelease(str);
    if (empty)
        return kVTParameterErr;
    if (!path)
        return kVTAllocationFailedErr;
    if (stat(path, &st) == 0) {
        if (!S_ISREG(st.st_mode) || access(path, R_OK | W_OK) != 0) {
            vt_error("VTMultiPassStorageCreate: %s is not a writable regular file", path);
            vt_free(path);
            return kVTCouldNotCreateInstanceErr;
        }
        s->pre_existing = TRUE;
    } else {
        fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (fd < 0) {
            vt_error("VTMultiPassStorageCreate: cannot create %s: %s", path, strerror(errno));
            vt_free(path);
            return kVTCouldNotCreateInstanceErr;
        }
        close(fd);
    }
    s->path = path;
    return noErr;
}

OSStatus VTMultiPassStorageCreate(CFAllocatorRef allocator, CFURLRef fileURL, CMTimeRange timeRange,
                                  CFDictionaryRef options,
                                  VTMultiPassStorageRef *multiPassStorageOut) {
    struct OpaqueVTMultiPassStorage *s;
    OSStatus st;
    (void)allocator;
    VT_CHECK_ARG(multiPassStorageOut != NULL, kVTParameterErr);
    *multiPassStorageOut = NULL;
    VT_CHECK_ARG(fileURL == NULL || CFGetTypeID(fileURL) == CFURLGetTypeID(), kVTParameterErr);
    VT_CHECK_ARG(options == NULL || CFGetTypeID(options) == CFDictionaryGetTypeID(),
                 kVTParameterErr);

    s = vt_object_alloc(&storage_class, sizeof(*s));
    if (!s)
        return kVTAllocationFailedErr;
    s->time_range = timeRange;
    if (options) {
        CFTypeRef v = vt_cf_dict_get(options, kVTMultiPassStorageCreationOption_DoNotDelete);
        if (v && !vt_cf_get_bool(v, &s->do_not_delete)) {
            vt_debug("VTMultiPassStorageCreate: DoNotDelete is not a CFBoolean");
            CFRelease(s);
            return kVTParameterErr;
        }
    }
    if (pthread_mutex_init(&s->lock, NULL) != 0) {
        CFRelease(s);
        return kVTAllocationFailedErr;
    }
    s->lock_ready = TRUE;
    st = fileURL ? storage_use_url(s, fileURL) : storage_make_temp(s);
    if (st != noErr) {
        CFRelease(s); /* finalize copes with the half-built object */
        return st;
    }
    vt_debug("VTMultiPassStorageCreate: statistics in %s", s->path);
    *multiPassStorageOut = s;
    return noErr;
}

OSStatus VTMultiPassStorageClose(VTMultiPassStorageRef multiPassStorage) {
    struct OpaqueVTMultiPassStorage *s = multiPassStorage;
    OSStatus st = noErr;
    VT_CHECK_ARG(vt_multipass_storage_is(s), kVTParameterErr);
    pthread_mutex_lock(&s->lock);
    if (s->closed) {
        st = kVTMultiPassStorageInvalidErr;
    } else {
        s->closed = TRUE;
        if (s->pass_active)
            vt_warn("VTMultiPassStorageClose: a pass is still running on this storage");
        storage_remove_files(s);
    }
    pthread_mutex_unlock(&s->lock);
    return st;
}

/* ---- internal interface ---- */

const char *vt_multipass_storage_get_stats_path(VTMultiPassStorageRef storage) {
    return vt_multipass_storage_is(storage) ? storage->path : NULL;
}

OSStatus vt_multipass_storage_begin_pass(VTMultiPassStorageRef storage, const char *identity,
                                         int *completed_passes_out) {
    struct OpaqueVTMultiPassStorage *s = storage;
    OSStatus st = noErr;
    if (completed_passes_out)
        *completed_passes_out = 0;
    VT_CHECK_ARG(vt_multipass_storage_is(s), kVTParameterErr);
    pthread_mutex_lock(&s->lock);
    if (s->closed) {
        st = kVTMultiPassStorageInvalidErr;
    } else if (s->pass_active) {
        vt_debug("vt_multipass_storage_begin_pass: a pass is already active");
        st = kVTParameterErr;
    } else if (identity && s->identity && strcmp(identity, s->identity) != 0) {
        vt_error("multi-pass storage used by \"%s\", now by \"%s\"", s->identity, identity);
        st = kVTMultiPassStorageIdentifierMismatchErr;
    } else if (identity && !s->identity && !(s->identity = vt_strdup(identity))) {
        st = kVTAllocationFailedErr;
    }
    if (st == noErr) {
        s->pass_active = TRUE;
        if (completed_passes_out)
            *completed_passes_out = s->completed_passes;
    }
    pthread_mutex_unlock(&s->lock);
    return st;
}

OSStatus vt_multipass_storage_end_pass(VTMultiPassStorageRef storage, Boolean wrote_statistics) {
    struct OpaqueVTMultiPassStorage *s = storage;
    OSStatus st = noErr;
    VT_CHECK_ARG(vt_multipass_storage_is(s), kVTParameterErr);
    pthread_mutex_lock(&s->lock);
    if (!s->pass_active) {
        st = kVTParameterErr;
    } else {
        s->pass_active = FALSE;
        if (wrote_statistics)
            s->completed_passes++;
    }
    pthread_mutex_unlock(&s->lock);
    return st;
}

int vt_multipass_storage_get_completed_passes(VTMultiPassStorageRef storage) {
    int n;
    if (!vt_multipass_storage_is(storage))
        return 0;
    pthread_mutex_lock(&storage->lock);
    n = storage->completed_passes;
    pthread_mutex_unlock(&storage->lock);
    return n;
}

Boolean vt_multipass_storage_pass_active(VTMultiPassStorageRef storage) {
    Boolean active;
    if (!vt_multipass_storage_is(storage))
        return FALSE;
    pthread_mutex_lock(&storage->lock);
    active = storage->pass_active;
    pthread_mutex_unlock(&storage->lock);
    return active;
}

Boolean vt_multipass_storage_is_closed(VTMultiPassStorageRef storage) {
    Boolean closed;
    if (!vt_multipass_storage_is(storage))
        return TRUE;
    pthread_mutex_lock(&storage->lock);
    closed = storage->closed;
    pthread_mutex_unlock(&storage->lock);
    return closed;
}

Boolean vt_multipass_storage_has_statistics(VTMultiPassStorageRef storage) {
    struct stat st;
    if (!vt_multipass_storage_is(storage) || vt_multipass_storage_is_closed(storage))
        return FALSE;
    return stat(storage->path, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0;
}

void vt_multipass_storage_set_time_range(VTMultiPassStorageRef storage, CMTimeRange range) {
    if (!vt_multipass_storage_is(storage))
        return;
    pthread_mutex_lock(&storage->lock);
    storage->time_range = range;
    pthread_mutex_unlock(&storage->lock);
}

CMTimeRange vt_multipass_storage_get_time_range(VTMultiPassStorageRef storage) {
    CMTimeRange r = kCMTimeRangeInvalid;
    if (!vt_multipass_storage_is(storage))
        return r;
    pthread_mutex_lock(&storage->lock);
    r = storage->time_range;
    pthread_mutex_unlock(&storage->lock);
    return r;
}
