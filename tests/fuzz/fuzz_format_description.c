/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * CMFormatDescription parsing with garbage.
 *
 * Input: byte 0 = mode, byte 1 = NAL length selector, byte 2 = flags, then
 *   modes 0/1 (H.264 / HEVC parameter sets): chunks of [u16 LE size][bytes];
 *   mode 2 (avcC/hvcC record in SampleDescriptionExtensionAtoms of
 *          CMVideoFormatDescriptionCreate): u16 width, u16 height, record;
 *   mode 3 (the internal parsers directly): the rest is one NAL / record.
 *
 * For every description that is created: all parameter sets are read back
 * (their bytes touched, so ASan checks the pointers), out-of-range indices
 * fail, NULL out-pointers are tolerated, the sets round-trip into an equal
 * description, and CMVideoFormatDescriptionCreate with the same extensions
 * yields the same parameter sets.
 */
#include <string.h>

#include <CoreMedia/CoreMedia.h>

#include "cm/h26x.h"
#include "fuzz_common.h"

#define MAX_SETS 16

typedef OSStatus (*GetSetFn)(CMFormatDescriptionRef, size_t, const uint8_t **, size_t *, size_t *,
                             int *);

static uint32_t touch(const uint8_t *p, size_t n) {
    uint32_t sum = 0;
    size_t i;
    for (i = 0; i < n; i++)
        sum = sum * 31 + p[i];
    return sum;
}

static OSStatus create_from_sets(Boolean hevc, size_t count, const uint8_t *const *sets,
                                 const size_t *sizes, int nal_length, CFDictionaryRef ext,
                                 CMFormatDescriptionRef *out) {
    if (hevc)
        return CMVideoFormatDescriptionCreateFromHEVCParameterSets(NULL, count, sets, sizes,
                                                                   nal_length, ext, out);
    return CMVideoFormatDescriptionCreateFromH264ParameterSets(NULL, count, sets, sizes, nal_length,
                                                               out);
}

/* Reads every parameter set of desc back; returns the count (0 if none). */
static size_t read_back(CMFormatDescriptionRef desc, GetSetFn get, const uint8_t **sets,
                        size_t *sizes, int *nal_out) {
    size_t count = 0, i, size;
    const uint8_t *p;
    int nal = 0;
    OSStatus st = get(desc, 0, NULL, NULL, &count, &nal);
    if (st != noErr)
        return 0;
    /* Only 1, 2 and 4 are legal NAL length sizes (bug H1, fixed). */
    FUZZ_CHECK(nal == 1 || nal == 2 || nal == 4);
    *nal_out = nal;
    for (i = 0; i < count; i++) {
        p = NULL;
        size = 0;
        FUZZ_CHECK(get(desc, i, &p, &size, NULL, NULL) == noErr);
        FUZZ_CHECK(p != NULL && size > 0);
        (void)touch(p, size);
        if (i < MAX_SETS) {
            sets[i] = p;
            sizes[i] = size;
        }
    }
    p = (const uint8_t *)"x";
    size = 7;
    FUZZ_CHECK(get(desc, count, &p, &size, NULL, NULL) != noErr);
    FUZZ_CHECK(get(desc, (size_t)-1, NULL, NULL, NULL, NULL) != noErr);
    return count;
}

static void inspect(CMFormatDescriptionRef desc, Boolean hevc, int depth) {
    GetSetFn get = hevc ? CMVideoFormatDescriptionGetHEVCParameterSetAtIndex
                        : CMVideoFormatDescriptionGetH264ParameterSetAtIndex;
    GetSetFn other = hevc ? CMVideoFormatDescriptionGetH264ParameterSetAtIndex
                          : CMVideoFormatDescriptionGetHEVCParameterSetAtIndex;
    const uint8_t *sets[MAX_SETS];
    size_t sizes[MAX_SETS], count;
    CFDictionaryRef ext;
    CMVideoDimensions dims;
    CFStringRef desc_str;
    int nal = 0;

    FUZZ_CHECK(CFGetTypeID(desc) == CMFormatDescriptionGetTypeID());
    FUZZ_CHECK(CMFormatDescriptionEqual(desc, desc));
    dims = CMVideoFormatDescriptionGetDimensions(desc);
    (void)dims;
    ext = CMFormatDescriptionGetExtensions(desc);
    if (ext)
        fz_cf_touch(ext);
    (void)CMFormatDescriptionGetExtension(
        desc, kCMFormatDescriptionExtension_SampleDescriptionExtensionAtoms);
    desc_str = CFCopyDescription(desc);
    if (desc_str)
        CFRelease(desc_str);

    count = read_back(desc, get, sets, sizes, &nal);
    {
        size_t other_count = 0;
        int other_nal = 0;
        /* The other codec's accessor must not misread the record. */
        (void)other(desc, 0, NULL, NULL, &other_count, &other_nal);
    }
    if (count == 0 || count > MAX_SETS || depth > 0 || nal == 3)
        return;

    /* Round trip 1: the sets read back make an equal description. */
    {
        CMFormatDescriptionRef again = NULL;
        OSStatus st = create_from_sets(hevc, count, sets, sizes, nal, NULL, &again);
        if (st == noErr) {
            const uint8_t *sets2[MAX_SETS];
            size_t sizes2[MAX_SETS], count2, i;
            int nal2 = 0;
            FUZZ_CHECK(again != NULL);
            count2 = read_back(again, get, sets2, sizes2, &nal2);
            FUZZ_CHECK(count2 == count && nal2 == nal);
            for (i = 0; i < count; i++)
                FUZZ_CHECK(sizes2[i] == sizes[i] && memcmp(sets2[i], sets[i], sizes[i]) == 0);
            FUZZ_CHECK(CMVideoFormatDescriptionGetDimensions(again).width ==
                       CMVideoFormatDescriptionGetDimensions(desc).width);
            inspect(again, hevc, depth + 1);
            CFRelease(again);
        } else {
            /* Only an allocation failure could explain refusing sets the
             * library itself accepted a moment ago. */
            FUZZ_CHECK(again == NULL);
            FUZZ_CHECK(st == kCMFormatDescriptionError_AllocationFailed);
        }
    }

    /* Round trip 2: the extensions (with the avcC/hvcC) describe the same sets. */
    if (ext) {
        CMFormatDescriptionRef viaext = NULL;
        dims = CMVideoFormatDescriptionGetDimensions(desc);
        if (CMVideoFormatDescriptionCreate(NULL, CMFormatDescriptionGetMediaSubType(desc),
                                           dims.width, dims.height, ext, &viaext) == noErr) {
            const uint8_t *sets3[MAX_SETS];
            size_t sizes3[MAX_SETS];
            int nal3 = 0;
            FUZZ_CHECK(read_back(viaext, get, sets3, sizes3, &nal3) == count);
            FUZZ_CHECK(nal3 == nal);
            FUZZ_CHECK(CMFormatDescriptionEqual(desc, viaext) ==
                       CMFormatDescriptionEqual(viaext, desc));
            CFRelease(viaext);
        }
    }
}

static void fuzz_sets(FuzzInput *in, Boolean hevc, int nal_length, uint8_t flags) {
    const uint8_t *sets[MAX_SETS];
    size_t sizes[MAX_SETS], count = 0;
    CMFormatDescriptionRef desc = (CMFormatDescriptionRef)(uintptr_t)1;
    CFDictionaryRef ext = NULL;
    OSStatus st;

    if (hevc && (flags & 4))
        ext = fz_cf_dictionary(in, 2);
    while (fz_left(in) && count < MAX_SETS) {
        size_t want = fz_u16(in), got;
        sets[count] = fz_bytes(in, want, &got);
        sizes[count] = got;
        if ((flags & 16) && got == 0)
            sets[count] = NULL;
        count++;
    }
    st = create_from_sets(hevc, count, (flags & 1) ? NULL : sets, (flags & 2) ? NULL : sizes,
                          nal_length, ext, &desc);
    if (st != noErr) {
        FUZZ_CHECK(desc == NULL);
    } else {
        FUZZ_CHECK(desc != NULL);
        inspect(desc, hevc, 0);
        CFRelease(desc);
    }
    if (ext)
        CFRelease(ext);
}

static void fuzz_record(FuzzInput *in, uint8_t flags) {
    static const FourCharCode codecs[] = {kCMVideoCodecType_H264, kCMVideoCodecType_HEVC,
                                          0x68657631 /* hev1 */, 0x6a706567 /* jpeg */};
    FourCharCode codec = codecs[flags % 4];
    int32_t w = (int16_t)fz_u16(in), h = (int16_t)fz_u16(in);
    size_t len;
    const uint8_t *rec = fz_bytes(in, SIZE_MAX, &len);
    CFDataRef data = CFDataCreate(NULL, rec, (CFIndex)len);
    CFMutableDictionaryRef atoms = CFDictionaryCreateMutable(
        NULL, 0, &kCFTypeDictionaryKeyCallBacks, &kCFTypeDictionaryValueCallBacks);
    CFMutableDictionaryRef ext = CFDictionaryCreateMutable(NULL, 0, &kCFTypeDictionaryKeyCallBacks,
                                                           &kCFTypeDictionaryValueCallBacks);
    CMFormatDescriptionRef desc = NULL;
    if (data && atoms && ext) {
        CFStringRef atom = (flags & 4) ? CFSTR("hvcC") : CFSTR("avcC");
        if (flags & 8) {
            /* The record as the first element of an array. */
            CFArrayRef arr = CFArrayCreate(NULL, (const void **)&data, 1, &kCFTypeArrayCallBacks);
            if (arr) {
                CFDictionarySetValue(atoms, atom, arr);
                CFRelease(arr);
            }
        } else {
            CFDictionarySetValue(atoms, atom, data);
        }
        CFDictionarySetValue(ext, kCMFormatDescriptionExtension_SampleDescriptionExtensionAtoms,
                             atoms);
        if (CMVideoFormatDescriptionCreate(NULL, codec, w, h, ext, &desc) == noErr) {
            FUZZ_CHECK(desc != NULL);
            inspect(desc, (flags & 4) != 0, 1);
            inspect(desc, (flags & 4) == 0, 1);
            CFRelease(desc);
        } else {
            FUZZ_CHECK(desc == NULL);
        }
    }
    if (data)
        CFRelease(data);
    if (atoms)
        CFRelease(atoms);
    if (ext)
        CFRelease(ext);
}

static void fuzz_parsers(FuzzInput *in, uint8_t flags) {
    size_t len;
    const uint8_t *p = fz_bytes(in, SIZE_MAX, &len);
    VTCMParamSets ps;
    size_t i;
    int r;
    switch (flags % 4) {
    case 0: {
        VTCMH264SPS sps;
        r = vt_cm_h264_parse_sps(p, len, &sps);
        if (r == VT_H26X_OK) {
            FUZZ_CHECK(sps.chroma_format_idc <= 3);
            FUZZ_CHECK(sps.width <= sps.coded_width && sps.height <= sps.coded_height);
        }
        break;
    }
    case 1: {
        VTCMHEVCSPS sps;
        r = vt_cm_hevc_parse_sps(p, len, &sps);
        if (r == VT_H26X_OK)
            FUZZ_CHECK(sps.width <= sps.coded_width && sps.height <= sps.coded_height);
        break;
    }
    default:
        memset(&ps, 0, sizeof(ps));
        r = (flags % 4) == 2 ? vt_cm_avcc_parse(p, len, &ps) : vt_cm_hvcc_parse(p, len, &ps);
        if (r == VT_H26X_OK) {
            FUZZ_CHECK(ps.count > 0);
            FUZZ_CHECK(ps.nal_length >= 1 && ps.nal_length <= 4);
            for (i = 0; i < ps.count; i++) {
                FUZZ_CHECK(ps.sizes[i] > 0 && ps.sizes[i] <= len);
                /* Every set lies inside the parser's own storage. */
                (void)touch(ps.data[i], ps.sizes[i]);
            }
        }
        vt_cm_param_sets_clear(&ps);
        break;
    }
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc;
    (void)argv;
    fz_quiet_logs();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static const int nal_lengths[8] = {4, 1, 2, 3, 0, -1, 5, 8};
    FuzzInput in;
    uint8_t mode, nal_sel, flags;
    fz_init(&in, data, size);
    mode = fz_u8(&in);
    nal_sel = fz_u8(&in);
    flags = fz_u8(&in);
    switch (mode % 4) {
    case 0:
    case 1:
        fuzz_sets(&in, mode % 4 == 1, nal_lengths[nal_sel % 8], flags);
        break;
    case 2:
        fuzz_record(&in, flags);
        break;
    default:
        fuzz_parsers(&in, flags);
        break;
    }
    return 0;
}
