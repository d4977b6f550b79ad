/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * CMFormatDescription and CMVideoFormatDescription. A description is
 * immutable: media type, subtype, video dimensions and a copied extensions
 * dictionary. For 'avc1'/'hvc1' descriptions the parameter sets are
 * extracted once, at creation, from the avcC/hvcC atom in
 * SampleDescriptionExtensionAtoms, whichever way the description was made.
 */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <CoreMedia/CMFormatDescription.h>

#include "cf/cf_internal.h"
#include "cm/cm_internal.h"
#include "cm/h26x.h"
#include "log.h"
#include "mem.h"
#include "runtime.h"

/* ---- keys and values ---- */

/* clang-format off */
VT_DEFINE_CONST_STRING(kCMFormatDescriptionExtension_SampleDescriptionExtensionAtoms, "SampleDescriptionExtensionAtoms");
VT_DEFINE_CONST_STRING(kCMFormatDescriptionExtension_VerbatimSampleDescription, "VerbatimSampleDescription");
VT_DEFINE_CONST_STRING(kCMFormatDescriptionExtension_VerbatimISOSampleEntry, "VerbatimISOSampleEntry");
VT_DEFINE_CONST_STRING(kCMFormatDescriptionExtension_OriginalCompressionSettings, "OriginalCompressionSettings");
VT_DEFINE_CONST_STRING(kCMFormatDescriptionExtension_FormatName, "FormatName");
VT_DEFINE_CONST_STRING(kCMFormatDescriptionExtension_Depth, "Depth");
VT_DEFINE_CONST_STRING(kCMFormatDescriptionExtension_TemporalQuality, "TemporalQuality");
VT_DEFINE_CONST_STRING(kCMFormatDescriptionExtension_SpatialQuality, "SpatialQuality");
VT_DEFINE_CONST_STRING(kCMFormatDescriptionExtension_Version, "Version");
VT_DEFINE_CONST_STRING(kCMFormatDescriptionExtension_RevisionLevel, "RevisionLevel");
VT_DEFINE_CONST_STRING(kCMFormatDescriptionExtension_Vendor, "Vendor");
VT_DEFINE_CONST_STRING(kCMFormatDescriptionExtension_FullRangeVideo, "FullRangeVideo");
VT_DEFINE_CONST_STRING(kCMFormatDescriptionExtension_BytesPerRow, "CVBytesPerRow");
VT_DEFINE_CONST_STRING(kCMFormatDescriptionExtension_CleanAperture, "CVCleanAperture");
VT_DEFINE_CONST_STRING(kCMFormatDescriptionExtension_FieldCount, "CVFieldCount");
VT_DEFINE_CONST_STRING(kCMFormatDescriptionExtension_FieldDetail, "CVFieldDetail");
VT_DEFINE_CONST_STRING(kCMFormatDescriptionExtension_PixelAspectRatio, "CVPixelAspectRatio");
VT_DEFINE_CONST_STRING(kCMFormatDescriptionExtension_ColorPrimaries, "CVImageBufferColorPrimaries");
VT_DEFINE_CONST_STRING(kCMFormatDescriptionExtension_TransferFunction, "CVImageBufferTransferFunction");
VT_DEFINE_CONST_STRING(kCMFormatDescriptionExtension_GammaLevel, "CVImageBufferGammaLevel");
VT_DEFINE_CONST_STRING(kCMFormatDescriptionExtension_YCbCrMatrix, "CVImageBufferYCbCrMatrix");
VT_DEFINE_CONST_STRING(kCMFormatDescriptionExtension_ICCProfile, "CVImageBufferICCProfile");
VT_DEFINE_CONST_STRING(kCMFormatDescriptionExtension_ChromaLocationTopField, "CVImageBufferChromaLocationTopField");
VT_DEFINE_CONST_STRING(kCMFormatDescriptionExtension_ChromaLocationBottomField, "CVImageBufferChromaLocationBottomField");
VT_DEFINE_CONST_STRING(kCMFormatDescriptionExtension_MasteringDisplayColorVolume, "MasteringDisplayColorVolume");
VT_DEFINE_CONST_STRING(kCMFormatDescriptionExtension_ContentLightLevelInfo, "ContentLightLevelInfo");
VT_DEFINE_CONST_STRING(kCMFormatDescriptionExtension_AlternativeTransferCharacteristics, "AlternativeTransferCharacteristics");

VT_DEFINE_CONST_STRING(kCMFormatDescriptionKey_CleanApertureWidth, "Width");
VT_DEFINE_CONST_STRING(kCMFormatDescriptionKey_CleanApertureHeight, "Height");
VT_DEFINE_CONST_STRING(kCMFormatDescriptionKey_CleanApertureHorizontalOffset, "HorizontalOffset");
VT_DEFINE_CONST_STRING(kCMFormatDescriptionKey_CleanApertureVerticalOffset, "VerticalOffset");
VT_DEFINE_CONST_STRING(kCMFormatDescriptionKey_CleanApertureWidthRational, "WidthRational");
VT_DEFINE_CONST_STRING(kCMFormatDescriptionKey_CleanApertureHeightRational, "HeightRational");
VT_DEFINE_CONST_STRING(kCMFormatDescriptionKey_CleanApertureHorizontalOffsetRational, "HorizontalOffsetRational");
VT_DEFINE_CONST_STRING(kCMFormatDescriptionKey_CleanApertureVerticalOffsetRational, "VerticalOffsetRational");
VT_DEFINE_CONST_STRING(kCMFormatDescriptionKey_PixelAspectRatioHorizontalSpacing, "HorizontalSpacing");
VT_DEFINE_CONST_STRING(kCMFormatDescriptionKey_PixelAspectRatioVerticalSpacing, "VerticalSpacing");

VT_DEFINE_CONST_STRING(kCMFormatDescriptionFieldDetail_TemporalTopFirst, "TemporalTopFirst");
VT_DEFINE_CONST_STRING(kCMFormatDescriptionFieldDetail_TemporalBottomFirst, "TemporalBottomFirst");
VT_DEFINE_CONST_STRING(kCMFormatDescriptionFieldDetail_SpatialFirstLineEarly, "SpatialFirstLineEarly");
VT_DEFINE_CONST_STRING(kCMFormatDescriptionFieldDetail_SpatialFirstLineLate, "SpatialFirstLineLate");

VT_DEFINE_CONST_STRING(kCMFormatDescriptionColorPrimaries_ITU_R_709_2, "ITU_R_709_2");
VT_DEFINE_CONST_STRING(kCMFormatDescriptionColorPrimaries_EBU_3213, "EBU_3213");
VT_DEFINE_CONST_STRING(kCMFormatDescriptionColorPrimaries_SMPTE_C, "SMPTE_C");
VT_DEFINE_CONST_STRING(kCMFormatDescriptionColorPrimaries_DCI_P3, "DCI_P3");
VT_DEFINE_CONST_STRING(kCMFormatDescriptionColorPrimaries_P3_D65, "P3_D65");
VT_DEFINE_CONST_STRING(kCMFormatDescriptionColorPrimaries_ITU_R_2020, "ITU_R_2020");
VT_DEFINE_CONST_STRING(kCMFormatDescriptionColorPrimaries_P22, "P22");

VT_DEFINE_CONST_STRING(kCMFormatDescriptionTransferFunction_ITU_R_709_2, "ITU_R_709_2");
VT_DEFINE_CONST_STRING(kCMFormatDescriptionTransferFunction_SMPTE_240M_1995, "SMPTE_240M_1995");
VT_DEFINE_CONST_STRING(kCMFormatDescriptionTransferFunction_UseGamma, "UseGamma");
VT_DEFINE_CONST_STRING(kCMFormatDescriptionTransferFunction_ITU_R_2020, "ITU_R_2020");
VT_DEFINE_CONST_STRING(kCMFormatDescriptionTransferFunction_SMPTE_ST_428_1, "SMPTE_ST_428_1");
VT_DEFINE_CONST_STRING(kCMFormatDescriptionTransferFunction_SMPTE_ST_2084_PQ, "SMPTE_ST_2084_PQ");
VT_DEFINE_CONST_STRING(kCMFormatDescriptionTransferFunction_ITU_R_2100_HLG, "ITU_R_2100_HLG");
VT_DEFINE_CONST_STRING(kCMFormatDescriptionTransferFunction_Linear, "Linear");
VT_DEFINE_CONST_STRING(kCMFormatDescriptionTransferFunction_sRGB, "IEC_sRGB");

VT_DEFINE_CONST_STRING(kCMFormatDescriptionYCbCrMatrix_ITU_R_709_2, "ITU_R_709_2");
VT_DEFINE_CONST_STRING(kCMFormatDescriptionYCbCrMatrix_ITU_R_601_4, "ITU_R_601_4");
VT_DEFINE_CONST_STRING(kCMFormatDescriptionYCbCrMatrix_SMPTE_240M_1995, "SMPTE_240M_1995");
VT_DEFINE_CONST_STRING(kCMFormatDescriptionYCbCrMatrix_ITU_R_2020, "ITU_R_2020");

VT_DEFINE_CONST_STRING(kCMFormatDescriptionChromaLocation_Left, "Left");
VT_DEFINE_CONST_STRING(kCMFormatDescriptionChromaLocation_Center, "Center");
VT_DEFINE_CONST_STRING(kCMFormatDescriptionChromaLocation_TopLeft, "TopLeft");
VT_DEFINE_CONST_STRING(kCMFormatDescriptionChromaLocation_Top, "Top");
VT_DEFINE_CONST_STRING(kCMFormatDescriptionChromaLocation_BottomLeft, "BottomLeft");
VT_DEFINE_CONST_STRING(kCMFormatDescriptionChromaLocation_Bottom, "Bottom");
VT_DEFINE_CONST_STRING(kCMFormatDescriptionChromaLocation_DV420, "DV 4:2:0");

/* Atom names inside SampleDescriptionExtensionAtoms. */
VT_DEFINE_CONST_STRING(vt_cm_atom_avcC, "avcC");
VT_DEFINE_CONST_STRING(vt_cm_atom_hvcC, "hvcC");
/* clang-format on */

/* ---- the object ---- */

enum { PS_NONE = 0, PS_AVCC = 1, PS_HVCC = 2 };

struct opaqueCMFormatDescription {
    VTObject base;
    CMMediaType media_type;
    FourCharCode subtype;
    CFDictionaryRef extensions; /* NULL when none */
    CMVideoDimensions dims;
    int ps_kind;
    VTCMParamSets ps;
};

static void fd_finalize(CFTypeRef obj) {
    struct opaqueCMFormatDescription *fd = (struct opaqueCMFormatDescription *)obj;
    if (fd->extensions)
        CFRelease(fd->extensions);
    vt_cm_param_sets_clear(&fd->ps);
}

static Boolean ext_equal(CFDictionaryRef a, CFDictionaryRef b) {
    CFIndex na = a ? CFDictionaryGetCount(a) : 0, nb = b ? CFDictionaryGetCount(b) : 0;
    if (na == 0 && nb == 0)
        return TRUE;
    if (!a || !b)
        return FALSE;
    return CFEqual(a, b);
}

static Boolean fd_equal(CFTypeRef a, CFTypeRef b) {
    CMFormatDescriptionRef x = a, y = b;
    return x->media_type == y->media_type && x->subtype == y->subtype &&
           x->dims.width == y->dims.width && x->dims.height == y->dims.height &&
           ext_equal(x->extensions, y->extensions);
}

static CFHashCode fd_hash(CFTypeRef obj) {
    CMFormatDescriptionRef fd = obj;
    return (CFHashCode)fd->media_type * 31u + fd->subtype + (CFHashCode)fd->dims.width * 7u +
           (CFHashCode)fd->dims.height;
}

static void fourcc_str(FourCharCode c, char out[5]) {
    int i;
    for (i = 0; i < 4; i++) {
        char ch = (char)((c >> (24 - 8 * i)) & 0xff);
        out[i] = ch >= 0x20 && ch < 0x7f ? ch : '?';
    }
    out[4] = 0;
}

static CFStringRef fd_copy_description(CFTypeRef obj) {
    CMFormatDescriptionRef fd = obj;
    char mt[5], st[5], buf[160];
    fourcc_str(fd->media_type, mt);
    fourcc_str(fd->subtype, st);
    snprintf(buf, sizeof(buf),
             "<CMFormatDescription %p [%s/%s] %dx%d, %ld extensions, %zu parameter sets>", obj, mt,
             st, (int)fd->dims.width, (int)fd->dims.height,
             fd->extensions ? (long)CFDictionaryGetCount(fd->extensions) : 0L, fd->ps.count);
    return CFStringCreateWithCString(NULL, buf, kCFStringEncodingUTF8);
}

static const VTClass format_description_class = {
    .name = "CMFormatDescription",
    .type_id = VT_TYPE_ID_FORMAT_DESCRIPTION,
    .finalize = fd_finalize,
    .equal = fd_equal,
    .hash = fd_hash,
    .copy_description = fd_copy_description,
};

CFTypeID CMFormatDescriptionGetTypeID(void) {
    return VT_TYPE_ID_FORMAT_DESCRIPTION;
}

static Boolean is_fd(CFTypeRef obj) {
    return vt_object_is(obj, &format_description_class);
}

/* ---- dictionary helpers ---- */

typedef struct VTDictCopy {
    CFMutableDictionaryRef dst;
    CFIndex skipped;
} VTDictCopy;

static void copy_entry(const void *key, const void *value, void *ctx) {
    VTDictCopy *c = ctx;
    if (!key || !value) {
        c->skipped++;
        return;
    }
    CFDictionarySetValue(c->dst, key, value);
}

/* Copies every non-NULL entry of src (may be NULL) into dst. FALSE if an
 * entry was lost (allocation failure inside CFDictionarySetValue). */
static Boolean merge_into(CFMutableDictionaryRef dst, CFDictionaryRef src) {
    VTDictCopy c = {dst, 0};
    CFIndex before, added;
    if (!src)
        return TRUE;
    before = CFDictionaryGetCount(dst);
    CFDictionaryApplyFunction(src, copy_entry, &c);
    added = CFDictionaryGetCount(src) - c.skipped;
    /* Overwritten keys do not grow the dictionary: only detect a loss when
     * dst started empty (the only case where the counts are comparable). */
    return before != 0 || CFDictionaryGetCount(dst) == added;
}

static Boolean is_dict(CFTypeRef v) {
    return v && CFGetTypeID(v) == CFDictionaryGetTypeID();
}

/* The avcC/hvcC bytes of an extensions dictionary: CFData, or the first
 * element of a CFArray of CFData. */
static CFDataRef find_atom(CFDictionaryRef extensions, CFStringRef atom) {
    CFTypeRef atoms, v;
    if (!extensions)
        return NULL;
    atoms =
        vt_cf_dict_get(extensions, kCMFormatDescriptionExtension_SampleDescriptionExtensionAtoms);
    if (!is_dict(atoms))
        return NULL;
    v = vt_cf_dict_get(atoms, atom);
    if (v && CFGetTypeID(v) == CFArrayGetTypeID())
        v = CFArrayGetCount(v) > 0 ? CFArrayGetValueAtIndex(v, 0) : NULL;
    if (!v || CFGetTypeID(v) != CFDataGetTypeID())
        return NULL;
    return v;
}

typedef struct VTAtomCopy {
    CFMutableDictionaryRef dst;
    CFIndex stored; /* entries that must end up in dst */
    Boolean failed;
} VTAtomCopy;

static void copy_atom(const void *key, const void *value, void *ctx) {
    VTAtomCopy *c = ctx;
    CFTypeRef v = value;
    if (!key || !value)
        return; /* NULL entries of a NULL-callback dictionary: dropped */
    if (CFGetTypeID(value) == CFDataGetTypeID())
        v = CFDataCreateCopy(NULL, value);
    if (!v) {
        c->failed = TRUE;
        return;
    }
    CFDictionarySetValue(c->dst, key, v);
    c->stored++;
    if (v != value)
        CFRelease(v);
}

/* Replaces the SampleDescriptionExtensionAtoms entry of ext (if any) by a
 * copy whose CFData records are copied too, so a client mutating its own
 * dictionary or data later cannot change the description. FALSE on
 * allocation failure. */
static Boolean copy_atoms(CFMutableDictionaryRef ext) {
    CFTypeRef atoms =
        CFDictionaryGetValue(ext, kCMFormatDescriptionExtension_SampleDescriptionExtensionAtoms);
    VTAtomCopy c = {NULL, 0, FALSE};
    Boolean ok;
    if (!is_dict(atoms))
        return TRUE;
    c.dst = CFDictionaryCreateMutable(NULL, 0, &kCFTypeDictionaryKeyCallBacks,
                                      &kCFTypeDictionaryValueCallBacks);
    if (!c.dst)
        return FALSE;
    CFDictionaryApplyFunction(atoms, copy_atom, &c);
    /* keys are unique in the source, so every stored entry is a new one */
    ok = !c.failed && CFDictionaryGetCount(c.dst) == c.stored;
    if (ok) {
        CFDictionarySetValue(ext, kCMFormatDescriptionExtension_SampleDescriptionExtensionAtoms,
                             c.dst);
        ok = CFDictionaryGetValue(
                 ext, kCMFormatDescriptionExtension_SampleDescriptionExtensionAtoms) == c.dst;
    }
    CFRelease(c.dst);
    return ok;
}

/* Subtypes whose configuration record is an hvcC. */
static int is_hevc_subtype(FourCharCode subtype) {
    return subtype == kCMVideoCodecType_HEVC || subtype == kCMVideoCodecType_HEVCWithAlpha ||
           subtype == kCMVideoCodecType_DolbyVisionHEVC || subtype == 0x68657631 /* 'hev1' */ ||
           subtype == 0x64766865 /* 'dvhe' */;
}

/* Creates the object. `extensions` (may be NULL) is copied; `owned_ext`
 * says whether this function may take the caller's reference instead (the
 * caller built it with kCFType callbacks). */
static OSStatus fd_create(CMMediaType media_type, FourCharCode subtype, int32_t width,
                          int32_t height, CFDictionaryRef extensions, int owned_ext,
                          CMFormatDescriptionRef *out) {
    struct opaqueCMFormatDescription *fd;
    CFDataRef rec;

    if (extensions && !is_dict(extensions))
        return kCMFormatDescriptionError_InvalidParameter;
    fd = vt_object_alloc(&format_description_class, sizeof(*fd));
    if (!fd)
        return kCMFormatDescriptionError_AllocationFailed;
    fd->media_type = media_type;
    fd->subtype = subtype;
    fd->dims.width = width;
    fd->dims.height = height;
    if (extensions && owned_ext) {
        fd->extensions = CFRetain(extensions);
    } else if (extensions) {
        /* Copied entry by entry into a kCFType dictionary: the client's
         * dictionary may have NULL callbacks (no retains). */
        CFMutableDictionaryRef copy = CFDictionaryCreateMutable(
            NULL, 0, &kCFTypeDictionaryKeyCallBacks, &kCFTypeDictionaryValueCallBacks);
        if (!copy || !merge_into(copy, extensions) || !copy_atoms(copy)) {
            if (copy)
                CFRelease(copy);
            CFRelease(fd);
            return kCMFormatDescriptionError_AllocationFailed;
        }
        fd->extensions = copy;
    }

    if (media_type == kCMMediaType_Video && fd->extensions) {
        /* the record matching the codec first, then the other one */
        int hevc_first = is_hevc_subtype(subtype), i;
        for (i = 0; i < 2 && fd->ps_kind == PS_NONE; i++) {
            int want_hevc = (i == 0) == hevc_first;
            int r;
            rec = find_atom(fd->extensions, want_hevc ? vt_cm_atom_hvcC : vt_cm_atom_avcC);
            if (!rec)
                continue;
            r = want_hevc ? vt_cm_hvcc_parse(CFDataGetBytePtr(rec), CFDataGetLength(rec), &fd->ps)
                          : vt_cm_avcc_parse(CFDataGetBytePtr(rec), CFDataGetLength(rec), &fd->ps);
            if (r == VT_H26X_NOMEM) {
                CFRelease(fd);
                return kCMFormatDescriptionError_AllocationFailed;
            }
            if (r == VT_H26X_OK)
                fd->ps_kind = want_hevc ? PS_HVCC : PS_AVCC;
        }
    }
    *out = fd;
    return noErr;
}

/* ---- generic API ---- */

OSStatus CMFormatDescriptionCreate(CFAllocatorRef allocator, CMMediaType mediaType,
                                   FourCharCode mediaSubType, CFDictionaryRef extensions,
                                   CMFormatDescriptionRef *formatDescriptionOut) {
    VT_CHECK_ARG(formatDescriptionOut != NULL, kCMFormatDescriptionError_InvalidParameter);
    *formatDescriptionOut = NULL;
    return fd_create(mediaType, mediaSubType, 0, 0, extensions, 0, formatDescriptionOut);
}

CMMediaType CMFormatDescriptionGetMediaType(CMFormatDescriptionRef desc) {
    return is_fd(desc) ? desc->media_type : 0;
}

FourCharCode CMFormatDescriptionGetMediaSubType(CMFormatDescriptionRef desc) {
    return is_fd(desc) ? desc->subtype : 0;
}

CFDictionaryRef CMFormatDescriptionGetExtensions(CMFormatDescriptionRef desc) {
    return is_fd(desc) ? desc->extensions : NULL;
}

CFPropertyListRef CMFormatDescriptionGetExtension(CMFormatDescriptionRef desc,
                                                  CFStringRef extensionKey) {
    if (!is_fd(desc) || !desc->extensions || !extensionKey)
        return NULL;
    return vt_cf_dict_get(desc->extensions, extensionKey);
}

Boolean CMFormatDescriptionEqual(CMFormatDescriptionRef formatDescription,
                                 CMFormatDescriptionRef otherFormatDescription) {
    if (formatDescription == otherFormatDescription)
        return TRUE;
    if (!is_fd(formatDescription) || !is_fd(otherFormatDescription))
        return FALSE;
    return fd_equal(formatDescription, otherFormatDescription);
}

/* Removes `keys` (a CFString or CFArray of CFStrings, may be NULL) from d. */
static void remove_keys(CFMutableDictionaryRef d, CFTypeRef keys) {
    if (!keys)
        return;
    if (CFGetTypeID(keys) == CFStringGetTypeID()) {
        CFDictionaryRemoveValue(d, keys);
    } else if (CFGetTypeID(keys) == CFArrayGetTypeID()) {
        CFIndex i, n = CFArrayGetCount(keys);
        for (i = 0; i < n; i++) {
            CFTypeRef k = CFArrayGetValueAtIndex(keys, i);
            if (k)
                CFDictionaryRemoveValue(d, k);
        }
    }
}

/* +1 copy of ext without the ignored keys/atoms; NULL on allocation failure. */
static CFMutableDictionaryRef filtered_extensions(CFDictionaryRef ext, CFTypeRef keys,
                                                  CFTypeRef atom_keys) {
    CFMutableDictionaryRef d = CFDictionaryCreateMutable(NULL, 0, &kCFTypeDictionaryKeyCallBacks,
                                                         &kCFTypeDictionaryValueCallBacks);
    CFTypeRef atoms;
    if (!d)
        return NULL;
    if (!merge_into(d, ext)) {
        CFRelease(d);
        return NULL;
    }
    remove_keys(d, keys);
    atoms = CFDictionaryGetValue(d, kCMFormatDescriptionExtension_SampleDescriptionExtensionAtoms);
    if (atom_keys && is_dict(atoms)) {
        CFMutableDictionaryRef a = CFDictionaryCreateMutable(
            NULL, 0, &kCFTypeDictionaryKeyCallBacks, &kCFTypeDictionaryValueCallBacks);
        if (!a || !merge_into(a, atoms)) {
            if (a)
                CFRelease(a);
            CFRelease(d);
            return NULL;
        }
        remove_keys(a, atom_keys);
        CFDictionarySetValue(d, kCMFormatDescriptionExtension_SampleDescriptionExtensionAtoms, a);
        CFRelease(a);
    }
    return d;
}

Boolean CMFormatDescriptionEqualIgnoringExtensionKeys(
    CMFormatDescriptionRef formatDescription, CMFormatDescriptionRef otherFormatDescription,
    CFTypeRef formatDescriptionExtensionKeysToIgnore,
    CFTypeRef sampleDescriptionExtensionAtomKeysToIgnore) {
    CFMutableDictionaryRef a, b;
    Boolean eq;
    if (formatDescription == otherFormatDescription)
        return TRUE;
    if (!is_fd(formatDescription) || !is_fd(otherFormatDescription))
        return FALSE;
    if (formatDescription->media_type != otherFormatDescription->media_type ||
        formatDescription->subtype != otherFormatDescription->subtype ||
        formatDescription->dims.width != otherFormatDescription->dims.width ||
        formatDescription->dims.height != otherFormatDescription->dims.height)
        return FALSE;
    a = filtered_extensions(formatDescription->extensions, formatDescriptionExtensionKeysToIgnore,
                            sampleDescriptionExtensionAtomKeysToIgnore);
    b = filtered_extensions(otherFormatDescription->extensions,
                            formatDescriptionExtensionKeysToIgnore,
                            sampleDescriptionExtensionAtomKeysToIgnore);
    eq = a && b && ext_equal(a, b);
    if (a)
        CFRelease(a);
    if (b)
        CFRelease(b);
    return eq;
}

/* ---- video ---- */

OSStatus CMVideoFormatDescriptionCreate(CFAllocatorRef allocator, CMVideoCodecType codecType,
                                        int32_t width, int32_t height, CFDictionaryRef extensions,
                                        CMVideoFormatDescriptionRef *formatDescriptionOut) {
    VT_CHECK_ARG(formatDescriptionOut != NULL, kCMFormatDescriptionError_InvalidParameter);
    *formatDescriptionOut = NULL;
    VT_CHECK_ARG(width >= 0 && height >= 0, kCMFormatDescriptionError_InvalidParameter);
    return fd_create(kCMMediaType_Video, codecType, width, height, extensions, 0,
                     formatDescriptionOut);
}

CMVideoDimensions CMVideoFormatDescriptionGetDimensions(CMVideoFormatDescriptionRef videoDesc) {
    CMVideoDimensions d = {0, 0};
    if (is_fd(videoDesc) && videoDesc->media_type == kCMMediaType_Video)
        d = videoDesc->dims;
    return d;
}

static OSStatus get_parameter_set(CMFormatDescriptionRef desc, int kind, size_t index,
                                  const uint8_t **ptr_out, size_t *size_out, size_t *count_out,
                                  int *nal_out) {
    if (ptr_out)
        *ptr_out = NULL;
    if (size_out)
        *size_out = 0;
    if (count_out)
        *count_out = 0;
    if (nal_out)
        *nal_out = 0;
    VT_CHECK_ARG(is_fd(desc), kCMFormatDescriptionError_InvalidParameter);
    if (desc->ps_kind != kind)
        return kCMFormatDescriptionBridgeError_InvalidParameter;
    if (count_out)
        *count_out = desc->ps.count;
    if (nal_out)
        *nal_out = desc->ps.nal_length;
    if (index >= desc->ps.count)
        return kCMFormatDescriptionBridgeError_InvalidParameter;
    if (ptr_out)
        *ptr_out = desc->ps.data[index];
    if (size_out)
        *size_out = desc->ps.sizes[index];
    return noErr;
}

OSStatus CMVideoFormatDescriptionGetH264ParameterSetAtIndex(CMFormatDescriptionRef videoDesc,
                                                            size_t parameterSetIndex,
                                                            const uint8_t **parameterSetPointerOut,
                                                            size_t *parameterSetSizeOut,
                                                            size_t *parameterSetCountOut,
                                                            int *NALUnitHeaderLengthOut) {
    return get_parameter_set(videoDesc, PS_AVCC, parameterSetIndex, parameterSetPointerOut,
                             parameterSetSizeOut, parameterSetCountOut, NALUnitHeaderLengthOut);
}

OSStatus CMVideoFormatDescriptionGetHEVCParameterSetAtIndex(CMFormatDescriptionRef videoDesc,
                                                            size_t parameterSetIndex,
                                                            const uint8_t **parameterSetPointerOut,
                                                            size_t *parameterSetSizeOut,
                                                            size_t *parameterSetCountOut,
                                                            int *NALUnitHeaderLengthOut) {
    return get_parameter_set(videoDesc, PS_HVCC, parameterSetIndex, parameterSetPointerOut,
                             parameterSetSizeOut, parameterSetCountOut, NALUnitHeaderLengthOut);
}

/* ---- keys common with image buffers ---- */

static pthread_once_t common_keys_once = PTHREAD_ONCE_INIT;
static CFArrayRef common_keys;

static void make_common_keys(void) {
    const void *keys[] = {
        kCMFormatDescriptionExtension_CleanAperture,
        kCMFormatDescriptionExtension_FieldCount,
        kCMFormatDescriptionExtension_FieldDetail,
        kCMFormatDescriptionExtension_PixelAspectRatio,
        kCMFormatDescriptionExtension_ColorPrimaries,
        kCMFormatDescriptionExtension_TransferFunction,
        kCMFormatDescriptionExtension_GammaLevel,
        kCMFormatDescriptionExtension_YCbCrMatrix,
        kCMFormatDescriptionExtension_ICCProfile,
        kCMFormatDescriptionExtension_ChromaLocationTopField,
        kCMFormatDescriptionExtension_ChromaLocationBottomField,
        kCMFormatDescriptionExtension_MasteringDisplayColorVolume,
        kCMFormatDescriptionExtension_ContentLightLevelInfo,
    };
    /* Kept for the life of the process (constant keys, never released). */
    common_keys = CFArrayCreate(NULL, keys, (CFIndex)(sizeof(keys) / sizeof(keys[0])),
                                &kCFTypeArrayCallBacks);
}

CFArrayRef CMVideoFormatDescriptionGetExtensionKeysCommonWithImageBuffers(void) {
    pthread_once(&common_keys_once, make_common_keys);
    return common_keys;
}

/* ---- creation from parameter sets ---- */

static CFStringRef primaries_string(unsigned code) {
    switch (code) {
    case 1:
        return kCMFormatDescriptionColorPrimaries_ITU_R_709_2;
    case 5:
        return kCMFormatDescriptionColorPrimaries_EBU_3213;
    case 6:
    case 7:
        return kCMFormatDescriptionColorPrimaries_SMPTE_C;
    case 9:
        return kCMFormatDescriptionColorPrimaries_ITU_R_2020;
    case 11:
        return kCMFormatDescriptionColorPrimaries_DCI_P3;
    case 12:
        return kCMFormatDescriptionColorPrimaries_P3_D65;
    case 22:
        return kCMFormatDescriptionColorPrimaries_P22;
    default:
        return NULL;
    }
}

static CFStringRef transfer_string(unsigned code, double *gamma) {
    *gamma = 0;
    switch (code) {
    case 1:
    case 6:
        return kCMFormatDescriptionTransferFunction_ITU_R_709_2;
    case 4:
        *gamma = 2.2;
        return kCMFormatDescriptionTransferFunction_UseGamma;
    case 5:
        *gamma = 2.8;
        return kCMFormatDescriptionTransferFunction_UseGamma;
    case 7:
        return kCMFormatDescriptionTransferFunction_SMPTE_240M_1995;
    case 8:
        return kCMFormatDescriptionTransferFunction_Linear;
    case 13:
        return kCMFormatDescriptionTransferFunction_sRGB;
    case 14:
    case 15:
        return kCMFormatDescriptionTransferFunction_ITU_R_2020;
    case 16:
        return kCMFormatDescriptionTransferFunction_SMPTE_ST_2084_PQ;
    case 17:
        return kCMFormatDescriptionTransferFunction_SMPTE_ST_428_1;
    case 18:
        return kCMFormatDescriptionTransferFunction_ITU_R_2100_HLG;
    default:
        return NULL;
    }
}

static CFStringRef matrix_string(unsigned code) {
    switch (code) {
    case 1:
        return kCMFormatDescriptionYCbCrMatrix_ITU_R_709_2;
    case 5:
    case 6:
        return kCMFormatDescriptionYCbCrMatrix_ITU_R_601_4;
    case 7:
        return kCMFormatDescriptionYCbCrMatrix_SMPTE_240M_1995;
    case 9:
    case 10:
        return kCMFormatDescriptionYCbCrMatrix_ITU_R_2020;
    default:
        return NULL;
    }
}

static CFStringRef chroma_loc_string(unsigned type) {
    static const CFStringRef *const table[6] = {
        &kCMFormatDescriptionChromaLocation_Left,       &kCMFormatDescriptionChromaLocation_Center,
        &kCMFormatDescriptionChromaLocation_TopLeft,    &kCMFormatDescriptionChromaLocation_Top,
        &kCMFormatDescriptionChromaLocation_BottomLeft, &kCMFormatDescriptionChromaLocation_Bottom,
    };
    return type < 6 ? *table[type] : NULL;
}

/* Sets a number value; FALSE on allocation failure. */
static Boolean set_number(CFMutableDictionaryRef d, CFStringRef key, CFNumberType type,
                          const void *v) {
    CFNumberRef n = CFNumberCreate(NULL, type, v);
    if (!n)
        return FALSE;
    CFDictionarySetValue(d, key, n);
    CFRelease(n);
    return CFDictionaryGetValue(d, key) == n;
}

/* Adds the extensions described by the VUI to d; FALSE on allocation failure. */
static Boolean add_vui_extensions(CFMutableDictionaryRef d, const VTCMVideoVUI *vui,
                                  int frame_mbs_only) {
    if (frame_mbs_only) {
        int32_t one = 1;
        if (!set_number(d, kCMFormatDescriptionExtension_FieldCount, kCFNumberSInt32Type, &one))
            return FALSE;
    }
    if (vui->has_signal_type)
        CFDictionarySetValue(d, kCMFormatDescriptionExtension_FullRangeVideo,
                             vui->full_range ? kCFBooleanTrue : kCFBooleanFalse);
    if (vui->has_colour) {
        double gamma;
        CFStringRef p = primaries_string(vui->primaries);
        CFStringRef t = transfer_string(vui->transfer, &gamma);
        CFStringRef m = matrix_string(vui->matrix);
        if (p)
            CFDictionarySetValue(d, kCMFormatDescriptionExtension_ColorPrimaries, p);
        if (t)
            CFDictionarySetValue(d, kCMFormatDescriptionExtension_TransferFunction, t);
        if (gamma > 0 &&
            !set_number(d, kCMFormatDescriptionExtension_GammaLevel, kCFNumberFloat64Type, &gamma))
            return FALSE;
        if (m)
            CFDictionarySetValue(d, kCMFormatDescriptionExtension_YCbCrMatrix, m);
    }
    if (vui->has_chroma_loc) {
        CFDictionarySetValue(d, kCMFormatDescriptionExtension_ChromaLocationTopField,
                             chroma_loc_string(vui->chroma_loc_top));
        CFDictionarySetValue(d, kCMFormatDescriptionExtension_ChromaLocationBottomField,
                             chroma_loc_string(vui->chroma_loc_bottom));
    }
    if (vui->has_sar) {
        CFMutableDictionaryRef par = CFDictionaryCreateMutable(
            NULL, 2, &kCFTypeDictionaryKeyCallBacks, &kCFTypeDictionaryValueCallBacks);
        int32_t h = (int32_t)vui->sar_num, v = (int32_t)vui->sar_den;
        Boolean ok = par &&
                     set_number(par, kCMFormatDescriptionKey_PixelAspectRatioHorizontalSpacing,
                                kCFNumberSInt32Type, &h) &&
                     set_number(par, kCMFormatDescriptionKey_PixelAspectRatioVerticalSpacing,
                                kCFNumberSInt32Type, &v);
        if (ok)
            CFDictionarySetValue(d, kCMFormatDescriptionExtension_PixelAspectRatio, par);
        if (par)
            CFRelease(par);
        if (!ok)
            return FALSE;
    }
    return TRUE;
}

/* Builds the final extensions: derived (VUI) entries, then `extra`, then
 * the atoms dictionary (extra's atoms plus ours). +1 or NULL (allocation). */
static CFDictionaryRef build_extensions(const VTCMVideoVUI *vui, int frame_mbs_only,
                                        CFDictionaryRef extra, CFStringRef atom, const uint8_t *rec,
                                        size_t rec_size) {
    CFMutableDictionaryRef ext, atoms = NULL;
    CFDataRef data = NULL;
    CFTypeRef extra_atoms;
    Boolean ok;

    ext = CFDictionaryCreateMutable(NULL, 0, &kCFTypeDictionaryKeyCallBacks,
                                    &kCFTypeDictionaryValueCallBacks);
    if (!ext)
        return NULL;
    ok = (!vui || add_vui_extensions(ext, vui, frame_mbs_only));
    if (ok && extra) {
        CFIndex before = CFDictionaryGetCount(ext);
        VTDictCopy c = {ext, 0};
        CFDictionaryApplyFunction(extra, copy_entry, &c);
        ok = CFDictionaryGetCount(ext) >= before;
    }
    if (ok) {
        atoms = CFDictionaryCreateMutable(NULL, 0, &kCFTypeDictionaryKeyCallBacks,
                                          &kCFTypeDictionaryValueCallBacks);
        data = CFDataCreate(NULL, rec, (CFIndex)rec_size);
        ok = atoms && data;
    }
    if (ok) {
        extra_atoms =
            extra ? vt_cf_dict_get(extra,
                                   kCMFormatDescriptionExtension_SampleDescriptionExtensionAtoms)
                  : NULL;
        if (is_dict(extra_atoms)) {
            VTDictCopy c = {atoms, 0};
            CFDictionaryApplyFunction(extra_atoms, copy_entry, &c);
        }
        CFDictionarySetValue(atoms, atom, data);
        CFDictionarySetValue(ext, kCMFormatDescriptionExtension_SampleDescriptionExtensionAtoms,
                             atoms);
        ok = CFDictionaryGetValue(atoms, atom) == data &&
             CFDictionaryGetValue(
                 ext, kCMFormatDescriptionExtension_SampleDescriptionExtensionAtoms) == atoms;
    }
    if (atoms)
        CFRelease(atoms);
    if (data)
        CFRelease(data);
    if (!ok) {
        CFRelease(ext);
        return NULL;
    }
    return ext;
}

static OSStatus map_h26x(int r) {
    return r == VT_H26X_NOMEM ? kCMFormatDescriptionError_AllocationFailed
                              : kCMFormatDescriptionError_InvalidParameter;
}

/* Common argument checks of the *FromParameterSets functions. */
static OSStatus check_sets(size_t count, const uint8_t *const *sets, const size_t *sizes,
                           int nal_length, const void *out, size_t min_count) {
    size_t i;
    VT_CHECK_ARG(out != NULL, kCMFormatDescriptionError_InvalidParameter);
    VT_CHECK_ARG(count >= min_count, kCMFormatDescriptionError_InvalidParameter);
    VT_CHECK_ARG(sets != NULL && sizes != NULL, kCMFormatDescriptionError_InvalidParameter);
    VT_CHECK_ARG(nal_length == 1 || nal_length == 2 || nal_length == 4,
                 kCMFormatDescriptionError_InvalidParameter);
    if (count > 1024)
        return kCMFormatDescriptionError_InvalidParameter;
    for (i = 0; i < count; i++)
        if (!sets[i] || sizes[i] == 0 || sizes[i] > 0xffff || (sets[i][0] & 0x80))
            return kCMFormatDescriptionError_InvalidParameter;
    return noErr;
}

OSStatus vt_cm_video_format_create_h264(const uint8_t *const *sets, const size_t *sizes,
                                        size_t count, int nal_length_size,
                                        CFDictionaryRef extra_extensions,
                                        CMFormatDescriptionRef *out) {
    const uint8_t **sorted = NULL;
    size_t *sorted_sizes = NULL, i, n_sps = 0, n_pps = 0, n_ext = 0, k, rec_size = 0;
    uint8_t *rec = NULL;
    VTCMH264SPS sps, other;
    CFDictionaryRef ext = NULL;
    OSStatus st;
    int r, pass;

    st = check_sets(count, sets, sizes, nal_length_size, out, 2);
    if (st != noErr)
        return st;
    *out = NULL;
    if (extra_extensions && !is_dict(extra_extensions))
        return kCMFormatDescriptionError_InvalidParameter;
    for (i = 0; i < count; i++) {
        switch (sets[i][0] & 0x1f) {
        case VT_H264_NAL_SPS:
            n_sps++;
            break;
        case VT_H264_NAL_PPS:
            n_pps++;
            break;
        case VT_H264_NAL_SPS_EXT:
            n_ext++;
            break;
        default:
            return kCMFormatDescriptionError_InvalidParameter;
        }
    }
    if (n_sps == 0 || n_pps == 0 || n_sps > 31 || n_pps > 255 || n_ext > 255)
        return kCMFormatDescriptionError_InvalidParameter;

    sorted = vt_malloc(count * sizeof(*sorted));
    sorted_sizes = vt_malloc(count * sizeof(*sorted_sizes));
    if (!sorted || !sorted_sizes) {
        st = kCMFormatDescriptionError_AllocationFailed;
        goto done;
    }
    /* SPS, then PPS, then SPS extensions, each in the given order. */
    k = 0;
    for (pass = 0; pass < 3; pass++) {
        static const unsigned wanted[3] = {VT_H264_NAL_SPS, VT_H264_NAL_PPS, VT_H264_NAL_SPS_EXT};
        for (i = 0; i < count; i++) {
            if ((sets[i][0] & 0x1fu) == wanted[pass]) {
                sorted[k] = sets[i];
                sorted_sizes[k++] = sizes[i];
            }
        }
    }
    r = vt_cm_h264_parse_sps(sorted[0], sorted_sizes[0], &sps);
    for (i = 1; r == VT_H26X_OK && i < n_sps; i++)
        r = vt_cm_h264_parse_sps(sorted[i], sorted_sizes[i], &other);
    if (r != VT_H26X_OK) {
        st = map_h26x(r);
        goto done;
    }
    r = vt_cm_avcc_build(sorted, sorted_sizes, n_sps, n_pps, n_ext, nal_length_size, &sps, &rec,
                         &rec_size);
    if (r != VT_H26X_OK) {
        st = map_h26x(r);
        goto done;
    }
    ext = build_extensions(&sps.vui, sps.frame_mbs_only, extra_extensions, vt_cm_atom_avcC, rec,
                           rec_size);
    if (!ext) {
        st = kCMFormatDescriptionError_AllocationFailed;
        goto done;
    }
    st = fd_create(kCMMediaType_Video, kCMVideoCodecType_H264, sps.width, sps.height, ext, 1, out);
    if (st == noErr && (*out)->ps_kind != PS_AVCC) {
        /* our own record must parse back */
        CFRelease(*out);
        *out = NULL;
        st = kCMFormatDescriptionError_InvalidParameter;
    }
done:
    if (ext)
        CFRelease(ext);
    vt_free(rec);
    vt_free(sorted);
    vt_free(sorted_sizes);
    return st;
}

OSStatus CMVideoFormatDescriptionCreateFromH264ParameterSets(
    CFAllocatorRef allocator, size_t parameterSetCount, const uint8_t *const *parameterSetPointers,
    const size_t *parameterSetSizes, int NALUnitHeaderLength,
    CMFormatDescriptionRef *formatDescriptionOut) {
    if (formatDescriptionOut)
        *formatDescriptionOut = NULL;
    return vt_cm_video_format_create_h264(parameterSetPointers, parameterSetSizes,
                                          parameterSetCount, NALUnitHeaderLength, NULL,
                                          formatDescriptionOut);
}

OSStatus vt_cm_video_format_create_hevc(const uint8_t *const *sets, const size_t *sizes,
                                        size_t count, int nal_length_size,
                                        CFDictionaryRef extra_extensions,
                                        CMFormatDescriptionRef *out) {
    uint8_t *types = NULL, *rec = NULL;
    size_t i, n_vps = 0, n_sps = 0, n_pps = 0, first_sps = 0, rec_size = 0;
    VTCMHEVCSPS sps, other;
    CFDictionaryRef ext = NULL;
    OSStatus st;
    int r = VT_H26X_OK;

    st = check_sets(count, sets, sizes, nal_length_size, out, 3);
    if (st != noErr)
        return st;
    *out = NULL;
    if (extra_extensions && !is_dict(extra_extensions))
        return kCMFormatDescriptionError_InvalidParameter;
    types = vt_malloc(count);
    if (!types)
        return kCMFormatDescriptionError_AllocationFailed;
    for (i = 0; i < count; i++) {
        if (sizes[i] < 2) {
            st = kCMFormatDescriptionError_InvalidParameter;
            goto done;
        }
        types[i] = (sets[i][0] >> 1) & 0x3f;
        switch (types[i]) {
        case VT_HEVC_NAL_VPS:
            n_vps++;
            break;
        case VT_HEVC_NAL_SPS:
            if (n_sps++ == 0)
                first_sps = i;
            else
                r = r == VT_H26X_OK ? vt_cm_hevc_parse_sps(sets[i], sizes[i], &other) : r;
            break;
        case VT_HEVC_NAL_PPS:
            n_pps++;
            break;
        case VT_HEVC_NAL_SEI_PREFIX:
        case VT_HEVC_NAL_SEI_SUFFIX:
            break;
        default:
            st = kCMFormatDescriptionError_InvalidParameter;
            goto done;
        }
    }
    if (n_vps == 0 || n_sps == 0 || n_pps == 0) {
        st = kCMFormatDescriptionError_InvalidParameter;
        goto done;
    }
    if (r == VT_H26X_OK)
        r = vt_cm_hevc_parse_sps(sets[first_sps], sizes[first_sps], &sps);
    if (r == VT_H26X_OK)
        r = vt_cm_hvcc_build(sets, sizes, types, count, nal_length_size, &sps, &rec, &rec_size);
    if (r != VT_H26X_OK) {
        st = map_h26x(r);
        goto done;
    }
    ext = build_extensions(NULL, 0, extra_extensions, vt_cm_atom_hvcC, rec, rec_size);
    if (!ext) {
        st = kCMFormatDescriptionError_AllocationFailed;
        goto done;
    }
    st = fd_create(kCMMediaType_Video, kCMVideoCodecType_HEVC, sps.width, sps.height, ext, 1, out);
    if (st == noErr && (*out)->ps_kind != PS_HVCC) {
        CFRelease(*out);
        *out = NULL;
        st = kCMFormatDescriptionError_InvalidParameter;
    }
done:
    if (ext)
        CFRelease(ext);
    vt_free(rec);
    vt_free(types);
    return st;
}

OSStatus CMVideoFormatDescriptionCreateFromHEVCParameterSets(
    CFAllocatorRef allocator, size_t parameterSetCount, const uint8_t *const *parameterSetPointers,
    const size_t *parameterSetSizes, int NALUnitHeaderLength, CFDictionaryRef extensions,
    CMFormatDescriptionRef *formatDescriptionOut) {
    if (formatDescriptionOut)
        *formatDescriptionOut = NULL;
    return vt_cm_video_format_create_hevc(parameterSetPointers, parameterSetSizes,
                                          parameterSetCount, NALUnitHeaderLength, extensions,
                                          formatDescriptionOut);
}
