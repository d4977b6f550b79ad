/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The VTSession property API with random keys (the exported constants, plus
 * arbitrary strings) x random CF values (fuzz_common.c) on every session
 * type whose Create works: VTCompressionSession (then frames are encoded,
 * with random frame options, sizes and formats), VTPixelTransferSession and
 * VTPixelRotationSession (then images are transferred / rotated), and a
 * fuzz-only session class with one row of every kind of the generic
 * property engine (vt/property.h), so the engine is covered even before
 * the sessions exist.
 *
 * Invariants: statuses are documented property errors; out-values are NULL
 * on error; a value that was set can be read; every key of
 * VTSessionCopySupportedPropertyDictionary can be read; the serializable
 * properties can be set again (on the same and on a fresh session); after
 * Invalidate every call returns kVTInvalidSessionErr; every frame accepted
 * by EncodeFrame comes back exactly once through the callback by the end of
 * CompleteFrames, and every AVCC sample delivered is well formed.
 */
#include <string.h>

#include <CoreMedia/CoreMedia.h>
#include <CoreVideo/CoreVideo.h>
#include <VideoToolbox/VideoToolbox.h>

#include "cf/cf_internal.h"
#include "cv/pixel_format.h"
#include "encoder/h264.h"
#include "fuzz_common.h"
#include "vt/property.h"
#include "vt/session.h"

/* ---- a fuzz-only session class: one row of every kind ---- */

VT_DEFINE_CONST_STRING(kFuzzKey_Bool, "FuzzBool");
VT_DEFINE_CONST_STRING(kFuzzKey_OptBool, "FuzzOptBool");
VT_DEFINE_CONST_STRING(kFuzzKey_Int, "FuzzInt");
VT_DEFINE_CONST_STRING(kFuzzKey_OptInt, "FuzzOptInt");
VT_DEFINE_CONST_STRING(kFuzzKey_Big, "FuzzBig");
VT_DEFINE_CONST_STRING(kFuzzKey_Double, "FuzzDouble");
VT_DEFINE_CONST_STRING(kFuzzKey_Enum, "FuzzEnum");
VT_DEFINE_CONST_STRING(kFuzzKey_Limits, "FuzzLimits");
VT_DEFINE_CONST_STRING(kFuzzKey_Dict, "FuzzDict");
VT_DEFINE_CONST_STRING(kFuzzKey_Data, "FuzzData");
VT_DEFINE_CONST_STRING(kFuzzKey_Any, "FuzzAny");
VT_DEFINE_CONST_STRING(kFuzzKey_ReadOnly, "FuzzReadOnly");
VT_DEFINE_CONST_STRING(kFuzzKey_Hidden, "FuzzHidden");

typedef struct FuzzConfig {
    Boolean b;
    VTOptBool ob;
    int32_t i;
    VTOptInt32 oi;
    int64_t big;
    VTOptDouble d;
    VTOptInt32 e;
    CFTypeRef limits, dict, data, any;
    int32_t ro, hidden;
} FuzzConfig;

typedef struct FuzzSession {
    VTSessionBase base;
    FuzzConfig config;
} FuzzSession;

static const VTPropEnum fuzz_enum[] = {
    {&kVTH264EntropyMode_CAVLC, 0}, {&kVTH264EntropyMode_CABAC, 1}, {NULL, 0}};

#define CFG(f) offsetof(FuzzConfig, f)
/* clang-format off */
static const VTPropertySpec fuzz_rows[] = {
    {.key = &kFuzzKey_Bool, .kind = VT_PROP_BOOL, .offset = CFG(b), .def = 1,
     .flags = VT_PROP_SERIALIZABLE | VT_PROP_LIVE},
    {.key = &kFuzzKey_OptBool, .kind = VT_PROP_BOOL, .offset = CFG(ob), .flags = VT_PROP_NULLABLE},
    {.key = &kFuzzKey_Int, .kind = VT_PROP_INT32, .offset = CFG(i), .min = -5, .max = 1000,
     .def = 7, .flags = VT_PROP_SERIALIZABLE},
    {.key = &kFuzzKey_OptInt, .kind = VT_PROP_INT32, .offset = CFG(oi),
     .flags = VT_PROP_NULLABLE | VT_PROP_SERIALIZABLE},
    {.key = &kFuzzKey_Big, .kind = VT_PROP_INT64, .offset = CFG(big), .flags = VT_PROP_SERIALIZABLE},
    {.key = &kFuzzKey_Double, .kind = VT_PROP_DOUBLE, .offset = CFG(d), .min = 0, .max = 1,
     .flags = VT_PROP_NULLABLE | VT_PROP_SERIALIZABLE},
    {.key = &kFuzzKey_Enum, .kind = VT_PROP_ENUM, .offset = CFG(e), .enums = fuzz_enum,
     .flags = VT_PROP_NULLABLE | VT_PROP_SERIALIZABLE},
    {.key = &kFuzzKey_Limits, .kind = VT_PROP_CFTYPE, .offset = CFG(limits),
     .type_id = VT_TYPE_ID_ARRAY, .min = 0, .max = 8,
     .validate = vt_prop_validate_even_number_array, .flags = VT_PROP_SERIALIZABLE},
    {.key = &kFuzzKey_Dict, .kind = VT_PROP_CFTYPE, .offset = CFG(dict),
     .type_id = VT_TYPE_ID_DICTIONARY, .validate = vt_prop_validate_string_keyed_dict,
     .flags = VT_PROP_SERIALIZABLE},
    {.key = &kFuzzKey_Data, .kind = VT_PROP_CFTYPE, .offset = CFG(data),
     .type_id = VT_TYPE_ID_DATA, .min = 1, .max = 16},
    {.key = &kFuzzKey_Any, .kind = VT_PROP_CFTYPE, .offset = CFG(any),
     .flags = VT_PROP_SERIALIZABLE},
    {.key = &kFuzzKey_ReadOnly, .kind = VT_PROP_INT32, .offset = CFG(ro), .def = 3,
     .flags = VT_PROP_READONLY},
    {.key = &kFuzzKey_Hidden, .kind = VT_PROP_INT32, .offset = CFG(hidden), .caps = 1u << 5},
};
/* clang-format on */
VT_PROP_TABLE_DEFINE_STATIC(fuzz_table, fuzz_rows);

static void *fuzz_config(VTSessionBase *s) {
    return &((FuzzSession *)s)->config;
}

static void fuzz_finalize(CFTypeRef obj) {
    vt_session_base_finalize((VTSessionBase *)obj);
}

/* The pixel rotation id: a session class of its own needs a session type id. */
static const VTSessionClass fuzz_session_class = {
    .base = {.name = "FuzzSession",
             .type_id = VT_TYPE_ID_PIXEL_ROTATION_SESSION,
             .finalize = fuzz_finalize},
    .tables = (const VTPropertyTable *const[]){&fuzz_table},
    .n_tables = 1,
    .config = fuzz_config,
};

static CFTypeRef fuzz_session_create(void) {
    FuzzSession *s = vt_object_alloc(&fuzz_session_class.base, sizeof(*s));
    if (!s)
        return NULL;
    if (vt_session_base_init(&s->base, &fuzz_session_class, 0) != noErr) {
        CFRelease(s);
        return NULL;
    }
    return s;
}

static void fuzz_session_invalidate(CFTypeRef s) {
    vt_session_base_invalidate((VTSessionBase *)s);
}

/* ---- the sessions under test ---- */

enum { KIND_ENGINE, KIND_COMPRESSION, KIND_TRANSFER, KIND_ROTATION, KIND_COUNT };

typedef struct Encoded {
    long accepted;  /* EncodeFrame returned noErr */
    long delivered; /* callbacks */
    long errors;    /* callbacks with a non-noErr status */
} Encoded;

typedef struct Session {
    int kind;
    CFTypeRef ref;
    Boolean invalidated;
    int32_t width, height;
    int64_t next_pts;
    Encoded enc;
} Session;

static void output_callback(void *refcon, void *frame_refcon, OSStatus status,
                            VTEncodeInfoFlags flags, CMSampleBufferRef sbuf) {
    Encoded *e = refcon;
    (void)flags;
    FUZZ_CHECK(frame_refcon == (void *)e);
    e->delivered++;
    if (status != noErr) {
        e->errors++;
        return;
    }
    if (sbuf && (flags & kVTEncodeInfo_FrameDropped) == 0) {
        CMBlockBufferRef data = CMSampleBufferGetDataBuffer(sbuf);
        size_t len = CMBlockBufferGetDataLength(data);
        uint8_t *buf;
        FUZZ_CHECK(CMSampleBufferIsValid(sbuf));
        FUZZ_CHECK(CMSampleBufferGetFormatDescription(sbuf) != NULL);
        if (len && (buf = malloc(len)) != NULL) {
            FUZZ_CHECK(CMBlockBufferCopyDataBytes(data, 0, len, buf) == noErr);
            /* The payload is AVCC with 4-byte lengths, every byte covered. */
            if (CMFormatDescriptionGetMediaSubType(CMSampleBufferGetFormatDescription(sbuf)) ==
                kCMVideoCodecType_H264)
                FUZZ_CHECK(vt_h264_avcc_validate(buf, len) > 0);
            free(buf);
        }
    }
}

static Boolean session_create(FuzzInput *in, Session *s, int kind) {
    memset(s, 0, sizeof(*s));
    s->kind = kind;
    switch (kind) {
    case KIND_COMPRESSION: {
        CFDictionaryRef spec = fz_u8(in) < 220 ? NULL : fz_cf_dictionary(in, 1);
        CFDictionaryRef attrs = fz_u8(in) < 220 ? NULL : fz_cf_dictionary(in, 1);
        VTCompressionSessionRef cs = NULL;
        s->width = 16 + 2 * (int32_t)(fz_u8(in) % 40);
        s->height = 16 + 2 * (int32_t)(fz_u8(in) % 30);
        if (fz_u8(in) > 250)
            s->width |= 1; /* odd: always refused (H.264 4:2:0 crops in 2-pixel steps) */
        OSStatus st = VTCompressionSessionCreate(NULL, s->width, s->height, kCMVideoCodecType_H264,
                                                 spec, attrs, NULL, output_callback, &s->enc, &cs);
        if (st == noErr) {
            FUZZ_CHECK(cs != NULL);
            FUZZ_CHECK(!(s->width & 1));
            s->ref = cs;
        } else {
            FUZZ_CHECK(cs == NULL);
            /* an odd size gives kVTParameterErr unless the spec fails first */
            FUZZ_CHECK(!(s->width & 1) || st == kVTParameterErr ||
                       st == kVTCouldNotFindVideoEncoderErr);
        }
        if (spec)
            CFRelease(spec);
        if (attrs)
            CFRelease(attrs);
        break;
    }
    case KIND_TRANSFER: {
        VTPixelTransferSessionRef ts = NULL;
        if (VTPixelTransferSessionCreate(NULL, &ts) == noErr)
            s->ref = ts;
        else
            FUZZ_CHECK(ts == NULL);
        break;
    }
    case KIND_ROTATION: {
        VTPixelRotationSessionRef rs = NULL;
        if (VTPixelRotationSessionCreate(NULL, &rs) == noErr)
            s->ref = rs;
        else
            FUZZ_CHECK(rs == NULL);
        break;
    }
    default:
        s->ref = fuzz_session_create();
        break;
    }
    return s->ref != NULL;
}

static void session_invalidate(Session *s) {
    switch (s->kind) {
    case KIND_COMPRESSION:
        VTCompressionSessionInvalidate((VTCompressionSessionRef)s->ref);
        break;
    case KIND_TRANSFER:
        VTPixelTransferSessionInvalidate((VTPixelTransferSessionRef)s->ref);
        break;
    case KIND_ROTATION:
        VTPixelRotationSessionInvalidate((VTPixelRotationSessionRef)s->ref);
        break;
    default:
        fuzz_session_invalidate(s->ref);
        break;
    }
    s->invalidated = TRUE;
}

/* Statuses the property calls may return. */
static Boolean property_status_ok(OSStatus st) {
    switch (st) {
    case noErr:
    case kVTParameterErr:
    case kVTPropertyNotSupportedErr:
    case kVTPropertyReadOnlyErr:
    case kVTInvalidSessionErr:
    case kVTAllocationFailedErr:
    case kVTCouldNotFindVideoEncoderErr:
    case kVTVideoEncoderMalfunctionErr:
        return TRUE;
    default:
        return FALSE;
    }
}

static CFStringRef fz_key(FuzzInput *in, CFStringRef *owned) {
    uint8_t sel = fz_u8(in);
    *owned = NULL;
    if (sel < 140)
        return fz_constant_matching(in, "PropertyKey");
    if (sel < 170)
        return *fuzz_rows[fz_below(in, sizeof(fuzz_rows) / sizeof(fuzz_rows[0]))].key;
    if (sel < 240)
        return fz_constant(in);
    /* A created string (not the constant's pointer) or garbage. */
    *owned = fz_cf_string(in);
    return *owned;
}

static void op_set(FuzzInput *in, Session *s) {
    CFStringRef owned, key = fz_key(in, &owned);
    CFTypeRef value = fz_cf_value(in, 2), back = (CFTypeRef)(uintptr_t)1;
    OSStatus st;
    if (!key)
        goto done;
    st = VTSessionSetProperty(s->ref, key, value);
    FUZZ_CHECK(property_status_ok(st));
    if (s->invalidated)
        FUZZ_CHECK(st == kVTInvalidSessionErr);
    if (st == noErr && value) {
        st = VTSessionCopyProperty(s->ref, key, NULL, &back);
        /* What was just set can be read back (possibly normalised). */
        FUZZ_CHECK(st != kVTPropertyNotSupportedErr && st != kVTInvalidSessionErr);
        if (st == noErr && back)
            CFRelease(back);
        else if (st != noErr)
            FUZZ_CHECK(back == NULL);
    }
done:
    if (value)
        CFRelease(value);
    if (owned)
        CFRelease(owned);
}

static void op_copy(FuzzInput *in, Session *s) {
    CFStringRef owned, key = fz_key(in, &owned);
    CFTypeRef value = (CFTypeRef)(uintptr_t)1;
    OSStatus st;
    if (!key)
        return;
    st = VTSessionCopyProperty(s->ref, key, NULL, &value);
    FUZZ_CHECK(property_status_ok(st));
    if (s->invalidated)
        FUZZ_CHECK(st == kVTInvalidSessionErr);
    if (st != noErr)
        FUZZ_CHECK(value == NULL);
    else if (value) {
        fz_cf_touch(value);
        CFRelease(value);
    }
    if (owned)
        CFRelease(owned);
}

static void op_set_many(FuzzInput *in, Session *s) {
    CFMutableDictionaryRef d = CFDictionaryCreateMutable(NULL, 0, &kCFTypeDictionaryKeyCallBacks,
                                                         &kCFTypeDictionaryValueCallBacks);
    size_t i, n = fz_u8(in) % 6;
    OSStatus st;
    if (!d)
        return;
    for (i = 0; i < n; i++) {
        CFStringRef owned, key = fz_key(in, &owned);
        CFTypeRef v = fz_cf_value(in, 2);
        if (key && v)
            CFDictionarySetValue(d, key, v);
        if (v)
            CFRelease(v);
        if (owned)
            CFRelease(owned);
    }
    st = VTSessionSetProperties(s->ref, d);
    FUZZ_CHECK(property_status_ok(st));
    if (s->invalidated)
        FUZZ_CHECK(st == kVTInvalidSessionErr);
    CFRelease(d);
}

static void read_supported_key(const void *key, const void *value, void *ctx) {
    Session *s = ctx;
    CFTypeRef v = (CFTypeRef)(uintptr_t)1;
    OSStatus st = VTSessionCopyProperty(s->ref, key, NULL, &v);
    FUZZ_CHECK(CFGetTypeID(value) == CFDictionaryGetTypeID());
    /* A supported key is readable (its value may be NULL). */
    FUZZ_CHECK(st != kVTPropertyNotSupportedErr);
    if (st == noErr && v)
        CFRelease(v);
    else if (st != noErr)
        FUZZ_CHECK(v == NULL);
}

static void op_describe(FuzzInput *in, Session *s) {
    CFDictionaryRef supported = (CFDictionaryRef)(uintptr_t)1, ser = (CFDictionaryRef)(uintptr_t)1;
    OSStatus st = VTSessionCopySupportedPropertyDictionary(s->ref, &supported);
    if (s->invalidated) {
        FUZZ_CHECK(st == kVTInvalidSessionErr && supported == NULL);
    } else if (st == noErr) {
        CFDictionaryApplyFunction(supported, read_supported_key, s);
        CFRelease(supported);
    } else {
        FUZZ_CHECK(supported == NULL);
    }
    st = VTSessionCopySerializableProperties(s->ref, NULL, &ser);
    if (s->invalidated) {
        FUZZ_CHECK(st == kVTInvalidSessionErr && ser == NULL);
    } else if (st == noErr) {
        fz_cf_touch(ser);
        /* Serialized properties restore: on this session, and a fresh one. */
        if (fz_bool(in)) {
            st = VTSessionSetProperties(s->ref, ser);
            FUZZ_CHECK(st == noErr || st == kVTAllocationFailedErr);
        }
        if (fz_bool(in) && s->kind != KIND_COMPRESSION) {
            Session fresh;
            FuzzInput none;
            fz_init(&none, NULL, 0);
            if (session_create(&none, &fresh, s->kind)) {
                st = VTSessionSetProperties(fresh.ref, ser);
                FUZZ_CHECK(st == noErr || st == kVTAllocationFailedErr);
                session_invalidate(&fresh);
                CFRelease(fresh.ref);
            }
        }
        CFRelease(ser);
    } else {
        FUZZ_CHECK(ser == NULL);
    }
}

static CVPixelBufferRef fz_image(FuzzInput *in, Session *s) {
    size_t count;
    const VTPixelFormatInfo *all = vt_pixel_format_all(&count);
    CVPixelBufferRef pb = NULL;
    if (s->kind == KIND_COMPRESSION && fz_u8(in) < 160) {
        CVPixelBufferPoolRef pool =
            VTCompressionSessionGetPixelBufferPool((VTCompressionSessionRef)s->ref);
        if (!pool || CVPixelBufferPoolCreatePixelBuffer(NULL, pool, &pb) != kCVReturnSuccess)
            pb = NULL;
    }
    if (!pb) {
        OSType fmt = all[fz_below(in, count)].fourcc;
        size_t w = fz_u8(in) < 200 ? (size_t)s->width : (size_t)(1 + fz_u8(in) % 96);
        size_t h = fz_u8(in) < 200 ? (size_t)s->height : (size_t)(1 + fz_u8(in) % 96);
        if (!w)
            w = 1 + fz_u8(in) % 64;
        if (!h)
            h = 1 + fz_u8(in) % 64;
        if (CVPixelBufferCreate(NULL, w, h, fmt, NULL, &pb) != kCVReturnSuccess)
            return NULL;
    }
    /* Some content (row by row: the buffer may have extended pixels), and
     * sometimes colour attachments. */
    CVPixelBufferLockBaseAddress(pb, 0);
    {
        const VTPixelFormatInfo *f = vt_pixel_format_lookup(CVPixelBufferGetPixelFormatType(pb));
        size_t p, r, planes = CVPixelBufferGetPlaneCount(pb);
        uint8_t v = fz_u8(in);
        for (p = 0; f && p < (planes ? planes : 1); p++) {
            uint8_t *base = planes ? CVPixelBufferGetBaseAddressOfPlane(pb, p)
                                   : CVPixelBufferGetBaseAddress(pb);
            size_t bpr = planes ? CVPixelBufferGetBytesPerRowOfPlane(pb, p)
                                : CVPixelBufferGetBytesPerRow(pb);
            size_t rows =
                planes ? CVPixelBufferGetHeightOfPlane(pb, p) : CVPixelBufferGetHeight(pb);
            size_t row =
                vt_pixel_format_min_bytes_per_row(f, (unsigned)p, CVPixelBufferGetWidth(pb));
            for (r = 0; r < rows; r++)
                memset(base + r * bpr, v + (int)r, row);
        }
    }
    CVPixelBufferUnlockBaseAddress(pb, 0);
    if (fz_u8(in) > 200) {
        CFTypeRef v = fz_cf_value(in, 1);
        if (v) {
            CVBufferSetAttachment(pb, fz_constant_matching(in, "ImageBuffer"), v,
                                  kCVAttachmentMode_ShouldPropagate);
            CFRelease(v);
        }
    }
    return pb;
}

static void op_encode(FuzzInput *in, Session *s) {
    CVPixelBufferRef pb;
    CFDictionaryRef options = NULL;
    VTEncodeInfoFlags flags = 0xdead;
    OSStatus st;
    CMTime pts;
    if (s->kind != KIND_COMPRESSION)
        return;
    pb = fz_image(in, s);
    if (fz_u8(in) > 180)
        options = fz_cf_dictionary(in, 1);
    if (fz_u8(in) < 240) {
        s->next_pts += 1 + fz_u8(in) % 4;
        pts = CMTimeMake(s->next_pts, 30);
    } else {
        pts.value = fz_int(in); /* anything, even backwards */
        pts = CMTimeMake(pts.value, (int32_t)fz_int(in));
    }
    st = VTCompressionSessionEncodeFrame((VTCompressionSessionRef)s->ref, pb, pts,
                                         fz_bool(in) ? CMTimeMake(1, 30) : kCMTimeInvalid, options,
                                         &s->enc, &flags);
    FUZZ_CHECK(flags != 0xdead);
    if (s->invalidated)
        FUZZ_CHECK(st == kVTInvalidSessionErr);
    if (st == noErr)
        s->enc.accepted++;
    if (pb)
        CVPixelBufferRelease(pb);
    if (options)
        CFRelease(options);
}

static void op_complete(FuzzInput *in, Session *s) {
    OSStatus st;
    if (s->kind != KIND_COMPRESSION)
        return;
    if (fz_bool(in)) {
        st = VTCompressionSessionCompleteFrames((VTCompressionSessionRef)s->ref, kCMTimeInvalid);
        if (s->invalidated) {
            FUZZ_CHECK(st == kVTInvalidSessionErr);
        } else if (st == noErr) {
            /* Nothing lost, nothing duplicated. */
            FUZZ_CHECK(s->enc.delivered == s->enc.accepted);
        }
    } else {
        (void)VTCompressionSessionCompleteFrames((VTCompressionSessionRef)s->ref,
                                                 CMTimeMake(s->next_pts - fz_u8(in) % 4, 30));
        FUZZ_CHECK(s->enc.delivered <= s->enc.accepted);
    }
    if (!s->invalidated)
        (void)VTCompressionSessionPrepareToEncodeFrames((VTCompressionSessionRef)s->ref);
}

static void op_image(FuzzInput *in, Session *s) {
    CVPixelBufferRef src, dst;
    OSStatus st;
    if (s->kind != KIND_TRANSFER && s->kind != KIND_ROTATION)
        return;
    s->width = 1 + fz_u8(in) % 80;
    s->height = 1 + fz_u8(in) % 80;
    src = fz_image(in, s);
    s->width = 1 + fz_u8(in) % 80;
    s->height = 1 + fz_u8(in) % 80;
    dst = fz_image(in, s);
    if (s->kind == KIND_TRANSFER)
        st = VTPixelTransferSessionTransferImage((VTPixelTransferSessionRef)s->ref, src, dst);
    else
        st = VTPixelRotationSessionRotateImage((VTPixelRotationSessionRef)s->ref, src, dst);
    if (s->invalidated)
        FUZZ_CHECK(st == kVTInvalidSessionErr);
    if (src)
        CVPixelBufferRelease(src);
    if (dst)
        CVPixelBufferRelease(dst);
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc;
    (void)argv;
    fz_quiet_logs();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    FuzzInput in;
    Session s;
    int ops = 0;
    fz_init(&in, data, size);
    /* A session type whose Create does not work (yet) falls back to the
     * engine-only session, so no input is wasted. */
    if (!session_create(&in, &s, fz_u8(&in) % KIND_COUNT) && !session_create(&in, &s, KIND_ENGINE))
        return 0;
    while (fz_left(&in) && ops++ < 48) {
        switch (fz_u8(&in) % 12) {
        case 0:
        case 1:
        case 2:
            op_set(&in, &s);
            break;
        case 3:
        case 4:
            op_copy(&in, &s);
            break;
        case 5:
            op_set_many(&in, &s);
            break;
        case 6:
            op_describe(&in, &s);
            break;
        case 7:
        case 8:
            op_encode(&in, &s);
            op_image(&in, &s);
            break;
        case 9:
            op_complete(&in, &s);
            break;
        case 10:
            if (fz_u8(&in) > 200)
                session_invalidate(&s);
            break;
        default: {
            /* Calls on a NULL or wrong-type session are refused. */
            CFTypeRef v = (CFTypeRef)(uintptr_t)1;
            FUZZ_CHECK(VTSessionSetProperty(NULL, kVTCompressionPropertyKey_RealTime,
                                            kCFBooleanTrue) == kVTParameterErr);
            FUZZ_CHECK(VTSessionCopyProperty(kCFBooleanTrue, kVTCompressionPropertyKey_RealTime,
                                             NULL, &v) == kVTParameterErr &&
                       v == NULL);
            break;
        }
        }
    }
    if (s.kind == KIND_COMPRESSION && !s.invalidated) {
        if (VTCompressionSessionCompleteFrames((VTCompressionSessionRef)s.ref, kCMTimeInvalid) ==
            noErr)
            FUZZ_CHECK(s.enc.delivered == s.enc.accepted);
    }
    if (!s.invalidated || fz_bool(&in))
        session_invalidate(&s);
    CFRelease(s.ref);
    FUZZ_CHECK(s.enc.delivered <= s.enc.accepted);
    return 0;
}
