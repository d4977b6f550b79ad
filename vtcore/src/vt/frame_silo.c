/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * VTFrameSilo: the store of encoded samples of a multi-pass encode. Each
 * pass adds samples in decode order; VTFrameSiloSetTimeRangesForNextPass
 * deletes the samples whose presentation time lies in the ranges to be
 * re-encoded, and the next pass adds their replacements.
 *
 * Layout. `kept` holds the samples of finished passes in decode order;
 * `pending` the samples of the current pass in the order they were added,
 * each tagged with the index of the pass range holding its presentation
 * time. The decode-order view is kept[0..insert_at[0]) + pending of range 0 +
 * kept[insert_at[0]..insert_at[1]) + pending of range 1 + ... + the rest of
 * kept, where insert_at[k] is the position after the last kept sample shown
 * before range k. The view is built on demand for iteration and committed
 * into `kept` when the next pass starts. Ordering by segments rather than by
 * comparing decode timestamps keeps a re-encoded range together even when
 * its first decode timestamps step back before the preceding kept samples
 * (B-frame delay).
 *
 * Storage. A sample is kept in memory as a private copy of the client's
 * CMSampleBuffer (sharing its block buffer) until the sample data in memory
 * exceed a threshold (VT_FRAME_SILO_DEFAULT_SPILL_THRESHOLD; 0 when a fileURL
 * is given); later samples go to the backing file as a record: header,
 * timing entries, sample sizes, the boolean sample attachments (2 bits per
 * key) and the data bytes. The CMFormatDescriptions stay in memory in a
 * small table the records refer to by index. Samples the record cannot
 * represent (image buffers, buffer-level attachments, non-boolean or unknown
 * sample attachments) always stay in memory. Space of deleted records is not
 * reused. The backing file is deleted when the silo is finalized (a
 * temporary file is unlinked right after creation).
 *
 * Locking: one error-checking mutex per silo, held during iteration (calls
 * on the same silo from inside the iteration callback return kVTParameterErr
 * instead of deadlocking).
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

#include <CoreMedia/CMAttachment.h>
#include <CoreMedia/CMBlockBuffer.h>
#include <CoreMedia/CMSampleBuffer.h>
#include <VideoToolbox/VTFrameSilo.h>

#include "cf/cf_internal.h"
#include "cm/cm_internal.h"
#include "log.h"
#include "mem.h"
#include "runtime.h"
#include "vt/multipass_internal.h"

#define SILO_RECORD_MAGIC      0x76747372u /* 'vtsr' */
#define SILO_MAX_SPILL_SAMPLES 65536       /* larger buffers stay in memory */
#define SILO_FORMAT_EQUAL_SCAN 8           /* CFEqual against the last N formats */

/* Boolean sample attachments a record can hold: 2 bits per key (bit 2i =
 * present, bit 2i+1 = value). */
static const CFStringRef *const silo_bool_keys[] = {
    &kCMSampleAttachmentKey_NotSync,
    &kCMSampleAttachmentKey_PartialSync,
    &kCMSampleAttachmentKey_HasRedundantCoding,
    &kCMSampleAttachmentKey_IsDependedOnByOthers,
    &kCMSampleAttachmentKey_DependsOnOthers,
    &kCMSampleAttachmentKey_EarlierDisplayTimesAllowed,
    &kCMSampleAttachmentKey_DisplayImmediately,
    &kCMSampleAttachmentKey_DoNotDisplay,
};
#define SILO_BOOL_KEY_COUNT (sizeof(silo_bool_keys) / sizeof(silo_bool_keys[0]))

/* Start of a spilled record; followed by CMSampleTimingInfo[num_timing],
 * uint64_t sizes[num_sizes], uint32_t flags[has_flags ? num_samples : 0] and
 * data_size bytes of sample data. Native byte order: the file never outlives
 * the process. */
typedef struct SiloRecordHeader {
    uint32_t magic;
    uint32_t num_samples;
    uint32_t num_timing;
    uint32_t num_sizes;
    uint32_t has_flags;
    uint32_t reserved;
    uint64_t data_size;
} SiloRecordHeader;

typedef struct SiloEntry {
    CMTime pts;             /* earliest presentation time: range membership */
    CMTime dts;             /* decode time of the first sample (pts when absent) */
    CMSampleBufferRef sbuf; /* in memory: private copy; NULL when spilled */
    size_t mem_bytes;       /* data bytes counted in memory_bytes */
    uint64_t offset;        /* spilled: record position in the backing file */
    uint64_t data_size;     /* spilled: data bytes after the metadata */
    uint32_t meta_size;     /* spilled: header + timing + sizes + flags */
    int32_t format;         /* spilled: index in formats, -1 = none */
    size_t range;           /* pending: index of the pass range holding pts */
} SiloEntry;

typedef struct SiloVec {
    SiloEntry *v;
    size_t n, cap;
} SiloVec;

struct OpaqueVTFrameSilo {
    VTObject base;
    pthread_mutex_t lock;
    Boolean lock_ready;
    CMTimeRange time_range; /* creation hint: extent of the first pass */

    SiloVec kept;        /* finished passes, decode order */
    SiloVec pending;     /* current pass, add order */
    CMTimeRange *ranges; /* current pass ranges; NULL (count 0) in the first pass */
    size_t range_count;
    size_t *insert_at; /* max(range_count, 1) entries */

    Boolean have_last; /* a sample was added in this pass */
    CMTime last_dts;
    CMTime last_end; /* pts + duration of the latest sample (progress) */

    char *path; /* backing file given by URL (deleted on finalize) */
    int fd;     /* backing file, -1 until needed */
    uint64_t file_size;
    Boolean spill_failed; /* a write failed: keep everything in memory */
    size_t threshold;
    size_t memory_bytes;

    CMFormatDescriptionRef *formats;
    size_t format_count, format_cap;
};

/* ---- small helpers ---- */

static Boolean vec_reserve(SiloVec *vec, size_t need) {
    SiloEntry *nv;
    size_t cap, bytes;
    if (need <= vec->cap)
        return TRUE;
    cap = vec->cap ? vec->cap : 64;
    while (cap < need) {
        if (!vt_size_mul(cap, 2, &cap))
            return FALSE;
    }
    if (!vt_size_mul(cap, sizeof(SiloEntry), &bytes))
        return FALSE;
    nv = vt_realloc(vec->v, bytes);
    if (!nv)
        return FALSE;
    vec->v = nv;
    vec->cap = cap;
    return TRUE;
}

static void entry_clear(struct OpaqueVTFrameSilo *s, SiloEntry *e) {
    if (e->sbuf) {
        CFRelease(e->sbuf);
        e->sbuf = NULL;
    }
    s->memory_bytes -= e->mem_bytes;
    e->mem_bytes = 0;
}

static Boolean write_all(int fd, const void *buf, size_t len, uint64_t offset) {
    const uint8_t *p = buf;
    while (len > 0) {
        ssize_t w = pwrite(fd, p, len, (off_t)offset);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return FALSE;
        p += w;
        len -= (size_t)w;
        offset += (uint64_t)w;
    }
    return TRUE;
}

static Boolean read_all(int fd, void *buf, size_t len, uint64_t offset) {
    uint8_t *p = buf;
    while (len > 0) {
        ssize_t r = pread(fd, p, len, (off_t)offset);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return FALSE;
        p += r;
        len -= (size_t)r;
        offset += (uint64_t)r;
    }
    return TRUE;
}

/* Locks the silo; a call from inside its own iteration callback (same
 * thread) gets kVTParameterErr. */
static OSStatus silo_lock(struct OpaqueVTFrameSilo *s) {
    int r = pthread_mutex_lock(&s->lock);
    if (r == 0)
        return noErr;
    vt_debug("VTFrameSilo: re-entered from its own iteration callback (%s)", strerror(r));
    return kVTParameterErr;
}

static void silo_unlock(struct OpaqueVTFrameSilo *s) {
    pthread_mutex_unlock(&s->lock);
}

/* ---- object ---- */

static void silo_finalize(CFTypeRef obj) {
    struct OpaqueVTFrameSilo *s = (struct OpaqueVTFrameSilo *)obj;
    size_t i;
    for (i = 0; i < s->kept.n; i++)
        entry_clear(s, &s->kept.v[i]);
    for (i = 0; i < s->pending.n; i++)
        entry_clear(s, &s->pending.v[i]);
    vt_free(s->kept.v);
    vt_free(s->pending.v);
    vt_free(s->ranges);
    vt_free(s->insert_at);
    for (i = 0; i < s->format_count; i++)
        CFRelease(s->formats[i]);
    vt_free(s->formats);
    if (s->fd >= 0)
        close(s->fd);
    if (s->path) {
        if (unlink(s->path) != 0 && errno != ENOENT)
            vt_warn("VTFrameSilo: cannot delete %s: %s", s->path, strerror(errno));
        vt_free(s->path);
    }
    if (s->lock_ready)
        pthread_mutex_destroy(&s->lock);
}

static CFStringRef silo_copy_description(CFTypeRef obj) {
    struct OpaqueVTFrameSilo *s = (struct OpaqueVTFrameSilo *)obj;
    /* From inside an iteration callback the lock is already ours. */
    Boolean locked = pthread_mutex_lock(&s->lock) == 0;
    CFStringRef desc =
        vt_cf_string_create_printf("<VTFrameSilo %p samples=%zu+%zu ranges=%zu memory=%zu>", obj,
                                   s->kept.n, s->pending.n, s->range_count, s->memory_bytes);
    if (locked)
        pthread_mutex_unlock(&s->lock);
    return desc;
}

static const VTClass silo_class = {
    .name = "VTFrameSilo",
    .type_id = VT_TYPE_ID_FRAME_SILO,
    .finalize = silo_finalize,
    .copy_description = silo_copy_description,
};

Boolean vt_frame_silo_is(CFTypeRef obj) {
    return vt_object_is(obj, &silo_class);
}

CFTypeID VTFrameSiloGetTypeID(void) {
    return VT_TYPE_ID_FRAME_SILO;
}

/* Opens the backing file: the URL's file (created or truncated), else an
 * anonymous temporary file. */
static OSStatus silo_open_file(struct OpaqueVTFrameSilo *s) {
    if (s->fd >= 0)
        return noErr;
    if (s->path) {
        s->fd = open(s->path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (s->fd < 0) {
            vt_error("VTFrameSilo: cannot open %s: %s", s->path, strerror(errno));
            vt_free(s->path); /* not ours: finalize must not delete it */
            s->path = NULL;
            return kVTCouldNotCreateInstanceErr;
        }
    } else {
        const char *tmp = secure_getenv("TMPDIR");
        char name[4096];
        if (!tmp || !*tmp)
            tmp = "/tmp";
        if ((size_t)snprintf(name, sizeof(name), "%s/vtcore-silo-XXXXXX", tmp) >= sizeof(name))
            return kVTCouldNotCreateInstanceErr;
        s->fd = mkostemp(name, O_CLOEXEC);
        if (s->fd < 0) {
            vt_error("VTFrameSilo: cannot create a file in %s: %s", tmp, strerror(errno));
            return kVTCouldNotCreateInstanceErr;
        }
        unlink(name); /* anonymous from now on: gone when closed */
    }
    s->file_size = 0;
    return noErr;
}

OSStatus VTFrameSiloCreate(CFAllocatorRef allocator, CFURLRef fileURL, CMTimeRange timeRange,
                           CFDictionaryRef options, VTFrameSiloRef *frameSiloOut) {
    struct OpaqueVTFrameSilo *s;
    pthread_mutexattr_t attr;
    OSStatus st;
    (void)allocator;
    VT_CHECK_ARG(frameSiloOut != NULL, kVTParameterErr);
    *frameSiloOut = NULL;
    VT_CHECK_ARG(fileURL == NULL || CFGetTypeID(fileURL) == CFURLGetTypeID(), kVTParameterErr);
    VT_CHECK_ARG(options == NULL || CFGetTypeID(options) == CFDictionaryGetTypeID(),
                 kVTParameterErr);
    VT_CHECK_ARG(fileURL == NULL || !CFURLHasDirectoryPath(fileURL), kVTParameterErr);

    s = vt_object_alloc(&silo_class, sizeof(*s));
    if (!s)
        return kVTAllocationFailedErr;
    s->fd = -1;
    s->time_range = timeRange;
    s->threshold = VT_FRAME_SILO_DEFAULT_SPILL_THRESHOLD;
    s->insert_at = vt_calloc(1, sizeof(*s->insert_at));
    if (!s->insert_at || pthread_mutexattr_init(&attr) != 0) {
        CFRelease(s);
        return kVTAllocationFailedErr;
    }
    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ERRORCHECK);
    s->lock_ready = pthread_mutex_init(&s->lock, &attr) == 0;
    pthread_mutexattr_destroy(&attr);
    if (!s->lock_ready) {
        CFRelease(s);
        return kVTAllocationFailedErr;
    }
    if (fileURL) {
        CFStringRef str = CFURLCopyFileSystemPath(fileURL, kCFURLPOSIXPathStyle);
        if (!str) {
            CFRelease(s);
            return kVTAllocationFailedErr;
        }
        st = noErr;
        if (*vt_cfstring_cstr(str) == '\0')
            st = kVTParameterErr;
        else if (!(s->path = vt_strdup(vt_cfstring_cstr(str))))
            st = kVTAllocationFailedErr;
        CFRelease(str);
        if (st == noErr)
            st = silo_open_file(s);
        if (st != noErr) {
            CFRelease(s); /* finalize copes with the half-built object */
            return st;
        }
        s->threshold = 0; /* a file was asked for: store everything there */
    }
    *frameSiloOut = s;
    return noErr;
}

/* ---- internal knobs ---- */

OSStatus vt_frame_silo_set_spill_threshold(VTFrameSiloRef silo, size_t threshold) {
    OSStatus st;
    VT_CHECK_ARG(vt_frame_silo_is(silo), kVTParameterErr);
    if ((st = silo_lock(silo)) != noErr)
        return st;
    silo->threshold = threshold;
    silo_unlock(silo);
    return noErr;
}

OSStatus vt_frame_silo_get_stats(VTFrameSiloRef silo, size_t *sample_count, size_t *spilled_count,
                                 size_t *memory_bytes) {
    OSStatus st;
    size_t i, spilled = 0;
    VT_CHECK_ARG(vt_frame_silo_is(silo), kVTParameterErr);
    if ((st = silo_lock(silo)) != noErr)
        return st;
    for (i = 0; i < silo->kept.n; i++)
        spilled += silo->kept.v[i].sbuf == NULL;
    for (i = 0; i < silo->pending.n; i++)
        spilled += silo->pending.v[i].sbuf == NULL;
    if (sample_count)
        *sample_count = silo->kept.n + silo->pending.n;
    if (spilled_count)
        *spilled_count = spilled;
    if (memory_bytes)
        *memory_bytes = silo->memory_bytes;
    silo_unlock(silo);
    return noErr;
}

/* ---- spilling ---- */

/* Index of fmt in the format table (added if new); -1 for NULL; -2 on
 * allocation failure. */
static int32_t silo_format_index(struct OpaqueVTFrameSilo *s, CMFormatDescriptionRef fmt) {
    size_t i;
    if (!fmt)
        return -1;
    for (i = s->format_count; i-- > 0;) {
        if (s->formats[i] == fmt)
            return (int32_t)i;
    }
    for (i = s->format_count; i-- > 0 && i + SILO_FORMAT_EQUAL_SCAN >= s->format_count;) {
        if (CFEqual(s->formats[i], fmt))
            return (int32_t)i;
    }
    if (s->format_count >= INT32_MAX)
        return -2;
    if (s->format_count == s->format_cap) {
        size_t cap = s->format_cap ? s->format_cap * 2 : 8;
        CMFormatDescriptionRef *nf = vt_realloc(s->formats, cap * sizeof(*nf));
        if (!nf)
            return -2;
        s->formats = nf;
        s->format_cap = cap;
    }
    s->formats[s->format_count] = CFRetain(fmt);
    return (int32_t)s->format_count++;
}

/* Attachment flags of one sample; FALSE when an attachment is not one of the
 * boolean keys a record holds. */
static Boolean sample_flags(CFDictionaryRef dict, uint32_t *flags_out) {
    CFIndex n, i;
    const void **kv;
    Boolean ok = TRUE;
    uint32_t flags = 0;
    *flags_out = 0;
    if (!dict || (n = CFDictionaryGetCount(dict)) == 0)
        return TRUE;
    kv = vt_calloc((size_t)n, 2 * sizeof(void *));
    if (!kv)
        return FALSE;
    CFDictionaryGetKeysAndValues(dict, kv, kv + n);
    for (i = 0; i < n && ok; i++) {
        size_t k;
        ok = FALSE;
        if (!kv[n + i] || CFGetTypeID(kv[n + i]) != CFBooleanGetTypeID())
            break;
        for (k = 0; k < SILO_BOOL_KEY_COUNT; k++) {
            if (kv[i] && CFEqual(kv[i], *silo_bool_keys[k])) {
                flags |= 1u << (2 * k);
                if (CFBooleanGetValue(kv[n + i]))
                    flags |= 1u << (2 * k + 1);
                ok = TRUE;
                break;
            }
        }
    }
    vt_free(kv);
    *flags_out = flags;
    return ok;
}

/* Writes sbuf as a record at the end of the backing file and fills the
 * spilled fields of e. Returns FALSE when the sample cannot be represented or
 * on any failure (the caller then keeps it in memory). */
static Boolean silo_spill(struct OpaqueVTFrameSilo *s, CMSampleBufferRef sbuf, SiloEntry *e) {
    CMBlockBufferRef data = CMSampleBufferGetDataBuffer(sbuf);
    CMItemCount num = CMSampleBufferGetNumSamples(sbuf), num_timing = 0, num_sizes = 0, i;
    CFArrayRef attachments;
    CFDictionaryRef buffer_att;
    SiloRecordHeader hdr;
    size_t data_size, meta_size, total;
    uint8_t *rec = NULL, *p;
    int32_t fmt;
    Boolean ok = FALSE;

    if (s->spill_failed || !data || CMSampleBufferGetImageBuffer(sbuf) || num <= 0 ||
        num > SILO_MAX_SPILL_SAMPLES)
        return FALSE;
    data_size = CMBlockBufferGetDataLength(data);
    if (data_size == 0)
        return FALSE;
    /* Buffer-level attachments are not serialised. */
    buffer_att = vt_cm_sbuf_copy_attachments(sbuf, kCMAttachmentMode_ShouldPropagate);
    if (!buffer_att)
        buffer_att = vt_cm_sbuf_copy_attachments(sbuf, kCMAttachmentMode_ShouldNotPropagate);
    if (buffer_att) {
        CFRelease(buffer_att);
        return FALSE;
    }
    if (CMSampleBufferGetSampleTimingInfoArray(sbuf, 0, NULL, &num_timing) != noErr)
        num_timing = 0;
    if (CMSampleBufferGetSampleSizeArray(sbuf, 0, NULL, &num_sizes) != noErr)
        num_sizes = 0;
    attachments = CMSampleBufferGetSampleAttachmentsArray(sbuf, FALSE);

    meta_size = sizeof(hdr) + (size_t)num_timing * sizeof(CMSampleTimingInfo) +
                (size_t)num_sizes * sizeof(uint64_t) +
                (attachments ? (size_t)num * sizeof(uint32_t) : 0);
    if (!vt_size_add(meta_size, data_size, &total) || s->file_size > UINT64_MAX - total)
        return FALSE;
    rec = vt_malloc(total);
    if (!rec)
        return FALSE;

    memset(&hdr, 0, sizeof(hdr));
    hdr.magic = SILO_RECORD_MAGIC;
    hdr.num_samples = (uint32_t)num;
    hdr.num_timing = (uint32_t)num_timing;
    hdr.num_sizes = (uint32_t)num_sizes;
    hdr.has_flags = attachments != NULL;
    hdr.data_size = data_size;
    memcpy(rec, &hdr, sizeof(hdr));
    p = rec + sizeof(hdr);
    if (num_timing > 0) {
        if (CMSampleBufferGetSampleTimingInfoArray(sbuf, num_timing, (CMSampleTimingInfo *)p,
                                                   NULL) != noErr)
            goto done;
        p += (size_t)num_timing * sizeof(CMSampleTimingInfo);
    }
    if (num_sizes > 0) {
        size_t *sizes = vt_calloc((size_t)num_sizes, sizeof(*sizes));
        if (!sizes || CMSampleBufferGetSampleSizeArray(sbuf, num_sizes, sizes, NULL) != noErr) {
            vt_free(sizes);
            goto done;
        }
        for (i = 0; i < num_sizes; i++) {
            uint64_t sz = sizes[i];
            memcpy(p, &sz, sizeof(sz));
            p += sizeof(sz);
        }
        vt_free(sizes);
    }
    if (attachments) {
        if (CFArrayGetCount(attachments) != num)
            goto done;
        for (i = 0; i < num; i++) {
            uint32_t flags;
            if (!sample_flags(CFArrayGetValueAtIndex(attachments, i), &flags))
                goto done;
            memcpy(p, &flags, sizeof(flags));
            p += sizeof(flags);
        }
    }
    if (CMBlockBufferCopyDataBytes(data, 0, data_size, p) != kCMBlockBufferNoErr)
        goto done;
    fmt = silo_format_index(s, CMSampleBufferGetFormatDescription(sbuf));
    if (fmt < -1)
        goto done;
    if (silo_open_file(s) != noErr) {
        s->spill_failed = TRUE;
        goto done;
    }
    if (!write_all(s->fd, rec, total, s->file_size)) {
        vt_warn("VTFrameSilo: cannot write the backing file (%s); keeping samples in memory",
                strerror(errno));
        s->spill_failed = TRUE;
        goto done;
    }
    e->offset = s->file_size;
    e->meta_size = (uint32_t)meta_size;
    e->data_size = data_size;
    e->format = fmt;
    s->file_size += total;
    ok = TRUE;
done:
    vt_free(rec);
    return ok;
}

/* A new CMSampleBuffer (+1) from a spilled record. */
static OSStatus silo_load(struct OpaqueVTFrameSilo *s, const SiloEntry *e, CMSampleBufferRef *out) {
    SiloRecordHeader hdr;
    uint8_t *meta, *p, *data;
    CMSampleTimingInfo *timing = NULL;
    size_t *sizes = NULL;
    CMBlockBufferRef block = NULL;
    CMSampleBufferRef sb = NULL;
    OSStatus st = kVTAllocationFailedErr;
    uint32_t i;

    *out = NULL;
    meta = vt_malloc(e->meta_size);
    if (!meta)
        return kVTAllocationFailedErr;
    if (!read_all(s->fd, meta, e->meta_size, e->offset)) {
        vt_error("VTFrameSilo: cannot read the backing file: %s", strerror(errno));
        vt_free(meta);
        return kVTCouldNotCreateInstanceErr;
    }
    memcpy(&hdr, meta, sizeof(hdr));
    if (hdr.magic != SILO_RECORD_MAGIC || hdr.data_size != e->data_size ||
        sizeof(hdr) + (size_t)hdr.num_timing * sizeof(CMSampleTimingInfo) +
                (size_t)hdr.num_sizes * sizeof(uint64_t) +
                (hdr.has_flags ? (size_t)hdr.num_samples * sizeof(uint32_t) : 0) !=
            e->meta_size) {
        vt_error("VTFrameSilo: corrupt record at offset %llu", (unsigned long long)e->offset);
        vt_free(meta);
        return kVTCouldNotCreateInstanceErr;
    }
    p = meta + sizeof(hdr);
    if (hdr.num_timing > 0) {
        timing = vt_malloc(hdr.num_timing * sizeof(*timing));
        if (!timing)
            goto done;
        memcpy(timing, p, hdr.num_timing * sizeof(*timing));
        p += hdr.num_timing * sizeof(*timing);
    }
    if (hdr.num_sizes > 0) {
        sizes = vt_malloc(hdr.num_sizes * sizeof(*sizes));
        if (!sizes)
            goto done;
        for (i = 0; i < hdr.num_sizes; i++) {
            uint64_t sz;
            memcpy(&sz, p, sizeof(sz));
            sizes[i] = (size_t)sz;
            p += sizeof(sz);
        }
    }
    data = vt_malloc((size_t)e->data_size);
    if (!data)
        goto done;
    if (!read_all(s->fd, data, (size_t)e->data_size, e->offset + e->meta_size)) {
        vt_error("VTFrameSilo: cannot read the backing file: %s", strerror(errno));
        vt_free(data);
        st = kVTCouldNotCreateInstanceErr;
        goto done;
    }
    if (vt_cm_block_buffer_create_owned(data, (size_t)e->data_size, &block) != noErr)
        goto done; /* data freed by the callee */
    if (CMSampleBufferCreateReady(NULL, block, e->format >= 0 ? s->formats[e->format] : NULL,
                                  hdr.num_samples, hdr.num_timing, timing, hdr.num_sizes, sizes,
                                  &sb) != noErr)
        goto done;
    if (hdr.has_flags) {
        CFArrayRef arr = CMSampleBufferGetSampleAttachmentsArray(sb, TRUE);
        if (!arr || CFArrayGetCount(arr) != (CFIndex)hdr.num_samples)
            goto done;
        for (i = 0; i < hdr.num_samples; i++) {
            CFMutableDictionaryRef d = (CFMutableDictionaryRef)CFArrayGetValueAtIndex(arr, i);
            uint32_t flags;
            size_t k;
            memcpy(&flags, p, sizeof(flags));
            p += sizeof(flags);
            for (k = 0; k < SILO_BOOL_KEY_COUNT; k++) {
                if (!(flags & (1u << (2 * k))))
                    continue;
                CFDictionarySetValue(d, *silo_bool_keys[k],
                                     (flags & (1u << (2 * k + 1))) ? kCFBooleanTrue
                                                                   : kCFBooleanFalse);
                if (!CFDictionaryGetValue(d, *silo_bool_keys[k]))
                    goto done;
            }
        }
    }
    *out = sb;
    sb = NULL;
    st = noErr;
done:
    if (sb)
        CFRelease(sb);
    if (block)
        CFRelease(block);
    vt_free(sizes);
    vt_free(timing);
    vt_free(meta);
    return st;
}

/* A +1 sample buffer for the entry (a copy of the in-memory one, or rebuilt
 * from the file). */
static OSStatus silo_materialize(struct OpaqueVTFrameSilo *s, const SiloEntry *e,
                                 CMSampleBufferRef *out) {
    if (e->sbuf) {
        *out = NULL;
        return CMSampleBufferCreateCopy(NULL, e->sbuf, out) == noErr ? noErr
                                                                     : kVTAllocationFailedErr;
    }
    return silo_load(s, e, out);
}

/* ---- passes ---- */

/* Index of the range of the current pass containing t; range_count when
 * none. Ranges are sorted and disjoint: binary search on the starts. */
static size_t silo_find_range(const CMTimeRange *ranges, size_t count, CMTime t) {
    size_t lo = 0, hi = count;
    while (lo < hi) { /* first range whose start > t */
        size_t mid = lo + (hi - lo) / 2;
        if (CMTimeCompare(ranges[mid].start, t) <= 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo > 0 && CMTimeRangeContainsTime(ranges[lo - 1], t))
        return lo - 1;
    return count;
}

/* The decode-order view: pointers to every entry (kept and pending, see the
 * top of the file). *out is vt_malloc'd (NULL with *count 0 when empty).
 * Returns noErr or kVTAllocationFailedErr. */
static OSStatus silo_build_view(struct OpaqueVTFrameSilo *s, SiloEntry ***out, size_t *count) {
    size_t groups = s->range_count ? s->range_count : 1;
    size_t total = s->kept.n + s->pending.n, *start, i, k, ki = 0, n = 0;
    SiloEntry **view, **sorted;

    *out = NULL;
    *count = 0;
    if (total == 0)
        return noErr;
    view = vt_calloc(total, sizeof(*view));
    sorted = vt_calloc(s->pending.n + 1, sizeof(*sorted));
    start = vt_calloc(groups + 1, sizeof(*start));
    if (!view || !sorted || !start) {
        vt_free(view);
        vt_free(sorted);
        vt_free(start);
        return kVTAllocationFailedErr;
    }
    /* Stable counting sort of the pending entries by range. */
    for (i = 0; i < s->pending.n; i++)
        start[s->pending.v[i].range + 1]++;
    for (k = 0; k < groups; k++)
        start[k + 1] += start[k];
    for (i = 0; i < s->pending.n; i++)
        sorted[start[s->pending.v[i].range]++] = &s->pending.v[i];
    /* start[k] is now the end of group k; group k begins at start[k-1]. */
    for (k = 0, i = 0; k < groups; k++) {
        while (ki < s->insert_at[k] && ki < s->kept.n)
            view[n++] = &s->kept.v[ki++];
        while (i < start[k])
            view[n++] = sorted[i++];
    }
    while (ki < s->kept.n)
        view[n++] = &s->kept.v[ki++];
    vt_free(sorted);
    vt_free(start);
    *out = view;
    *count = n;
    return noErr;
}

OSStatus VTFrameSiloAddSampleBuffer(VTFrameSiloRef silo, CMSampleBufferRef sampleBuffer) {
    struct OpaqueVTFrameSilo *s = silo;
    SiloEntry e;
    CMBlockBufferRef data;
    OSStatus st;
    size_t size;

    VT_CHECK_ARG(vt_frame_silo_is(s), kVTParameterErr);
    VT_CHECK_ARG(vt_cm_is_sample_buffer(sampleBuffer), kVTParameterErr);
    VT_CHECK_ARG(CMSampleBufferIsValid(sampleBuffer), kVTParameterErr);
    if (!CMSampleBufferDataIsReady(sampleBuffer) &&
        CMSampleBufferMakeDataReady(sampleBuffer) != noErr) {
        vt_debug("VTFrameSiloAddSampleBuffer: the sample data are not ready");
        return kVTParameterErr;
    }

    memset(&e, 0, sizeof(e));
    e.format = -1;
    e.pts = CMSampleBufferGetPresentationTimeStamp(sampleBuffer);
    e.dts = CMSampleBufferGetDecodeTimeStamp(sampleBuffer);
    if (!vt_cm_time_is_numeric(e.dts))
        e.dts = e.pts;
    if (!vt_cm_time_is_numeric(e.pts))
        e.pts = e.dts;
    if (!vt_cm_time_is_numeric(e.dts)) {
        vt_debug("VTFrameSiloAddSampleBuffer: the sample has no numeric timestamp");
        return kVTFrameSiloInvalidTimeStampErr;
    }
    data = CMSampleBufferGetDataBuffer(sampleBuffer);
    size = data ? CMBlockBufferGetDataLength(data) : 0;

    if ((st = silo_lock(s)) != noErr)
        return st;
    if (s->have_last && CMTimeCompare(e.dts, s->last_dts) <= 0) {
        vt_debug("VTFrameSiloAddSampleBuffer: decode timestamps must increase within a pass");
        st = kVTFrameSiloInvalidTimeStampErr;
        goto out;
    }
    if (s->range_count) {
        e.range = silo_find_range(s->ranges, s->range_count, e.pts);
        if (e.range == s->range_count) {
            vt_debug("VTFrameSiloAddSampleBuffer: sample outside the ranges of this pass");
            st = kVTFrameSiloInvalidTimeStampErr;
            goto out;
        }
    }
    if (!vec_reserve(&s->pending, s->pending.n + 1)) {
        st = kVTAllocationFailedErr;
        goto out;
    }
    if (!((s->threshold == 0 || s->memory_bytes + size > s->threshold) &&
          silo_spill(s, sampleBuffer, &e))) {
        if (CMSampleBufferCreateCopy(NULL, sampleBuffer, &e.sbuf) != noErr || !e.sbuf) {
            st = kVTAllocationFailedErr;
            goto out;
        }
        e.mem_bytes = size;
        s->memory_bytes += size;
    }
    s->pending.v[s->pending.n++] = e;
    {
        /* Progress follows the furthest presentation end seen: samples come
         * in decode order, so with B-frames a later sample may end earlier,
         * and progress must never go backwards. */
        CMTime end = e.pts;
        CMTime dur = CMSampleBufferGetDuration(sampleBuffer);
        if (vt_cm_time_is_numeric(dur) && CMTimeCompare(dur, kCMTimeZero) > 0)
            end = CMTimeAdd(e.pts, dur);
        if (!s->have_last || CMTimeCompare(end, s->last_end) > 0)
            s->last_end = end;
    }
    s->have_last = TRUE;
    s->last_dts = e.dts;
out:
    silo_unlock(s);
    return st;
}

OSStatus VTFrameSiloSetTimeRangesForNextPass(VTFrameSiloRef silo, CMItemCount timeRangeCount,
                                             const CMTimeRange *timeRangeArray) {
    struct OpaqueVTFrameSilo *s = silo;
    CMTimeRange *ranges;
    size_t *insert_at, count, i, k, n, total;
    SiloEntry **view = NULL, *merged;
    OSStatus st;

    VT_CHECK_ARG(vt_frame_silo_is(s), kVTParameterErr);
    VT_CHECK_ARG(timeRangeCount > 0 && timeRangeArray != NULL, kVTParameterErr);
    count = (size_t)timeRangeCount;
    for (i = 0; i < count; i++) {
        const CMTimeRange *r = &timeRangeArray[i];
        if (!vt_cm_time_is_numeric(r->start) || !vt_cm_time_is_numeric(r->duration) ||
            CMTimeCompare(r->duration, kCMTimeZero) < 0 ||
            (i > 0 && CMTimeCompare(r->start, CMTimeRangeGetEnd(timeRangeArray[i - 1])) < 0)) {
            vt_debug("VTFrameSiloSetTimeRangesForNextPass: range %zu is not numeric, sorted "
                     "and disjoint",
                     i);
            return kVTFrameSiloInvalidTimeRangeErr;
        }
    }
    ranges = vt_calloc(count, sizeof(*ranges));
    insert_at = vt_calloc(count + 1, sizeof(*insert_at));
    if (!ranges || !insert_at) {
        vt_free(ranges);
        vt_free(insert_at);
        return kVTAllocationFailedErr;
    }
    memcpy(ranges, timeRangeArray, count * sizeof(*ranges));

    if ((st = silo_lock(s)) != noErr) {
        vt_free(ranges);
        vt_free(insert_at);
        return st;
    }
    /* Commit the finished pass: the decode-order view becomes `kept`. */
    total = s->kept.n + s->pending.n;
    merged = vt_calloc(total + 1, sizeof(*merged));
    if (!merged || silo_build_view(s, &view, &n) != noErr) {
        vt_free(merged);
        vt_free(ranges);
        vt_free(insert_at);
        silo_unlock(s);
        return kVTAllocationFailedErr;
    }
    /* Drop the samples the next pass replaces; keep the others in order. */
    for (i = 0, k = 0; i < n; i++) {
        if (silo_find_range(ranges, count, view[i]->pts) < count)
            entry_clear(s, view[i]);
        else
            merged[k++] = *view[i];
    }
    vt_free(view);
    vt_free(s->kept.v);
    s->kept.v = merged;
    s->kept.n = k;
    s->kept.cap = total + 1;
    s->pending.n = 0;
    /* insert_at[r]: after the last kept sample shown before range r. */
    for (i = 0; i < s->kept.n; i++) {
        size_t lo = 0, hi = count;
        while (lo < hi) { /* lo: first range starting after this sample */
            size_t mid = lo + (hi - lo) / 2;
            if (CMTimeCompare(ranges[mid].start, s->kept.v[i].pts) <= 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo < count && insert_at[lo] < i + 1)
            insert_at[lo] = i + 1;
    }
    for (k = 1; k < count; k++) {
        if (insert_at[k] < insert_at[k - 1])
            insert_at[k] = insert_at[k - 1];
    }
    vt_free(s->ranges);
    vt_free(s->insert_at);
    s->ranges = ranges;
    s->insert_at = insert_at;
    s->range_count = count;
    s->have_last = FALSE;
    silo_unlock(s);
    return noErr;
}

/* Share of [start, start + duration) covered up to `end`, in seconds. */
static double covered_seconds(CMTimeRange r, CMTime end) {
    double d = CMTimeGetSeconds(CMTimeSubtract(end, r.start));
    double dur = CMTimeGetSeconds(r.duration);
    if (d < 0)
        return 0;
    return d > dur ? dur : d;
}

OSStatus VTFrameSiloGetProgressOfCurrentPass(VTFrameSiloRef silo, Float32 *progressOut) {
    struct OpaqueVTFrameSilo *s = silo;
    double total = 0, done = 0;
    OSStatus st;
    size_t i;

    VT_CHECK_ARG(progressOut != NULL, kVTParameterErr);
    *progressOut = 0;
    VT_CHECK_ARG(vt_frame_silo_is(s), kVTParameterErr);
    if ((st = silo_lock(s)) != noErr)
        return st;
    if (s->range_count) {
        for (i = 0; i < s->range_count; i++) {
            total += CMTimeGetSeconds(s->ranges[i].duration);
            if (s->have_last)
                done += covered_seconds(s->ranges[i], s->last_end);
        }
    } else if (vt_cm_time_is_numeric(s->time_range.start) &&
               vt_cm_time_is_numeric(s->time_range.duration)) {
        total = CMTimeGetSeconds(s->time_range.duration);
        if (s->have_last)
            done = covered_seconds(s->time_range, s->last_end);
    }
    if (total > 0)
        *progressOut = (Float32)(done / total);
    silo_unlock(s);
    return noErr;
}

OSStatus VTFrameSiloCallFunctionForEachSampleBuffer(
    VTFrameSiloRef silo, CMTimeRange timeRange, void *refcon,
    OSStatus (*callback)(void *refcon, CMSampleBufferRef sampleBuffer)) {
    struct OpaqueVTFrameSilo *s = silo;
    Boolean all = CMTIMERANGE_IS_INVALID(timeRange);
    SiloEntry **view;
    size_t n, i;
    OSStatus st;

    VT_CHECK_ARG(vt_frame_silo_is(s), kVTParameterErr);
    VT_CHECK_ARG(callback != NULL, kVTParameterErr);
    if ((st = silo_lock(s)) != noErr)
        return st;
    st = silo_build_view(s, &view, &n);
    for (i = 0; st == noErr && i < n; i++) {
        CMSampleBufferRef sb;
        if (!all && !CMTimeRangeContainsTime(timeRange, view[i]->pts))
            continue;
        st = silo_materialize(s, view[i], &sb);
        if (st != noErr)
            break;
        st = callback(refcon, sb);
        CFRelease(sb);
    }
    vt_free(view);
    silo_unlock(s);
    return st;
}

#if defined(__BLOCKS__)
typedef struct SiloBlockContext {
    OSStatus (^handler)(CMSampleBufferRef sampleBuffer);
} SiloBlockContext;

static OSStatus silo_call_block(void *refcon, CMSampleBufferRef sampleBuffer) {
    return ((SiloBlockContext *)refcon)->handler(sampleBuffer);
}

OSStatus VTFrameSiloCallBlockForEachSampleBuffer(VTFrameSiloRef silo, CMTimeRange timeRange,
                                                 OSStatus (^handler)(CMSampleBufferRef)) {
    SiloBlockContext ctx;
    VT_CHECK_ARG(handler != NULL, kVTParameterErr);
    ctx.handler = handler;
    return VTFrameSiloCallFunctionForEachSampleBuffer(silo, timeRange, &ctx, silo_call_block);
}
#endif /* __BLOCKS__ */
