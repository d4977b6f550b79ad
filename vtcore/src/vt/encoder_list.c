/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * VTVideoEncoderList.h over the encoder backend registry
 * (encoder/backend.c), and the encoder selection shared with
 * VTCompressionSessionCreate.
 */
#include "config.h"

#include <string.h>

#include <VideoToolbox/VideoToolbox.h>

#include "cf/cf_internal.h"
#include "encoder/backend.h"
#include "log.h"
#include "mem.h"
#include "vt/compression_internal.h"

VT_DEFINE_CONST_STRING(kVTCoreVideoEncoderSpecification_VAAPIDevice, "VTCoreVAAPIDevice");

/* Reads an optional CFBoolean (or 0/1 number) entry; FALSE when present but
 * of another type. */
static Boolean spec_bool(CFDictionaryRef spec, CFStringRef key, Boolean *value) {
    CFTypeRef v = vt_cf_dict_get(spec, key);
    if (!v)
        return TRUE;
    return vt_cf_get_bool(v, value);
}

OSStatus vt_cs_select_encoder(uint32_t codec_type, CFDictionaryRef spec,
                              const VTEncoderBackend **backend_out, Boolean *low_latency_out) {
    const char *encoder_id = NULL;
    Boolean allow_hw = TRUE, require_hw = FALSE, low_latency = FALSE;
    *backend_out = NULL;
    *low_latency_out = FALSE;
    if (spec) {
        if (vt_object_type_id(spec) != VT_TYPE_ID_DICTIONARY)
            return kVTParameterErr;
        CFTypeRef id = vt_cf_dict_get(spec, kVTVideoEncoderSpecification_EncoderID);
        if (id) {
            if (vt_object_type_id(id) != VT_TYPE_ID_STRING)
                return kVTParameterErr;
            encoder_id = vt_cfstring_cstr(id);
        }
        if (!spec_bool(spec, kVTVideoEncoderSpecification_EnableHardwareAcceleratedVideoEncoder,
                       &allow_hw) ||
            !spec_bool(spec, kVTVideoEncoderSpecification_RequireHardwareAcceleratedVideoEncoder,
                       &require_hw) ||
            !spec_bool(spec, kVTVideoEncoderSpecification_EnableLowLatencyRateControl,
                       &low_latency))
            return kVTParameterErr;
        if (vt_cf_dict_get(spec, kVTVideoEncoderSpecification_RequiredEncoderGPURegistryID))
            require_hw = TRUE;
        CFTypeRef dev = vt_cf_dict_get(spec, kVTCoreVideoEncoderSpecification_VAAPIDevice);
        if (dev && vt_object_type_id(dev) != VT_TYPE_ID_STRING)
            return kVTParameterErr;
    }
    OSStatus err = kVTCouldNotFindVideoEncoderErr;
    const VTEncoderBackend *be =
        vt_encoder_backend_find(codec_type, encoder_id, allow_hw, require_hw, &err);
    if (!be) {
        vt_debug("no encoder for codec 0x%08x (id %s, allow hw %d, require hw %d)", codec_type,
                 encoder_id ? encoder_id : "-", allow_hw, require_hw);
        return err != noErr ? err : kVTCouldNotFindVideoEncoderErr;
    }
    if (low_latency && !(be->caps & VT_CAP_LOW_LATENCY)) {
        vt_debug("encoder %s has no low-latency rate control", be->encoder_id);
        return kVTCouldNotFindVideoEncoderErr;
    }
    *backend_out = be;
    *low_latency_out = low_latency;
    return noErr;
}

/* Sets key -> value (consumed, may be NULL = allocation failure). */
static Boolean put(CFMutableDictionaryRef d, CFStringRef key, CFTypeRef value) {
    if (!value)
        return FALSE;
    CFDictionarySetValue(d, key, value);
    Boolean ok = CFDictionaryGetValue(d, key) == value;
    CFRelease(value);
    return ok;
}

static CFStringRef str(const char *s) {
    return CFStringCreateWithCString(NULL, s, kCFStringEncodingUTF8);
}

static CFDictionaryRef copy_entry(const VTEncoderBackend *be, size_t same_codec) {
    CFMutableDictionaryRef d = vt_cf_dict_new();
    if (!d)
        return NULL;
    Boolean ok =
        put(d, kVTVideoEncoderList_CodecType, vt_cf_number_int32((int32_t)be->codec_type)) &&
        put(d, kVTVideoEncoderList_EncoderID, str(be->encoder_id)) &&
        put(d, kVTVideoEncoderList_CodecName, str(be->codec_name)) &&
        put(d, kVTVideoEncoderList_EncoderName, str(be->encoder_name)) &&
        /* the codec name when it is the only encoder of its codec */
        put(d, kVTVideoEncoderList_DisplayName,
            str(same_codec > 1 ? be->encoder_name : be->codec_name)) &&
        put(d, kVTVideoEncoderList_IsHardwareAccelerated,
            CFRetain(be->hardware ? kCFBooleanTrue : kCFBooleanFalse)) &&
        put(d, kVTVideoEncoderList_SupportsFrameReordering,
            CFRetain((be->caps & VT_CAP_BFRAMES) ? kCFBooleanTrue : kCFBooleanFalse));
    if (!ok) {
        CFRelease(d);
        return NULL;
    }
    return d;
}

OSStatus VTCopyVideoEncoderList(CFDictionaryRef options, CFArrayRef *listOfVideoEncodersOut) {
    VT_CHECK_ARG(listOfVideoEncodersOut != NULL, kVTParameterErr);
    *listOfVideoEncodersOut = NULL;
    VT_CHECK_ARG(!options || vt_object_type_id(options) == VT_TYPE_ID_DICTIONARY, kVTParameterErr);

    size_t n = vt_encoder_backend_list(NULL, 0);
    const VTEncoderBackend **list = vt_calloc(n ? n : 1, sizeof(*list));
    CFMutableArrayRef array = CFArrayCreateMutable(NULL, 0, &kCFTypeArrayCallBacks);
    OSStatus st = list && array ? noErr : kVTAllocationFailedErr;
    if (st == noErr)
        n = vt_encoder_backend_list(list, n);
    for (size_t i = 0; st == noErr && i < n; i++) {
        size_t same = 0;
        for (size_t j = 0; j < n; j++)
            same += list[j]->codec_type == list[i]->codec_type;
        CFDictionaryRef entry = copy_entry(list[i], same);
        if (!entry) {
            st = kVTAllocationFailedErr;
            break;
        }
        CFArrayAppendValue(array, entry);
        CFRelease(entry);
        if ((size_t)CFArrayGetCount(array) != i + 1)
            st = kVTAllocationFailedErr;
    }
    vt_free(list);
    if (st != noErr) {
        if (array)
            CFRelease(array);
        return st;
    }
    *listOfVideoEncodersOut = array;
    return noErr;
}

OSStatus VTCopySupportedPropertyDictionaryForEncoder(int32_t width, int32_t height,
                                                     CMVideoCodecType codecType,
                                                     CFDictionaryRef encoderSpecification,
                                                     CFStringRef *encoderIDOut,
                                                     CFDictionaryRef *supportedPropertiesOut) {
    if (encoderIDOut)
        *encoderIDOut = NULL;
    if (supportedPropertiesOut)
        *supportedPropertiesOut = NULL;
    VT_CHECK_ARG(width > 0 && height > 0, kVTParameterErr);

    const VTEncoderBackend *be;
    Boolean low_latency;
    OSStatus st =
        vt_cs_select_encoder((uint32_t)codecType, encoderSpecification, &be, &low_latency);
    if (st != noErr)
        return st;
    st = vt_cs_check_even_size("VTCopySupportedPropertyDictionaryForEncoder", width, height);
    if (st != noErr)
        return st;

    CFStringRef id = NULL;
    CFMutableDictionaryRef props = NULL;
    if (encoderIDOut && !(id = str(be->encoder_id)))
        return kVTAllocationFailedErr;
    if (supportedPropertiesOut) {
        props = vt_cf_dict_new();
        const VTPropertyTable *t = &vt_compression_table;
        for (size_t i = 0; props && i < t->count; i++) {
            const VTPropertySpec *row = &t->rows[i];
            if (row->caps & ~be->caps)
                continue;
            if (!put(props, *row->key, vt_prop_copy_description(row))) {
                CFRelease(props);
                props = NULL;
            }
        }
        if (!props) {
            if (id)
                CFRelease(id);
            return kVTAllocationFailedErr;
        }
    }
    if (encoderIDOut)
        *encoderIDOut = id;
    if (supportedPropertiesOut)
        *supportedPropertiesOut = props;
    return noErr;
}
