/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Row-level property operations: conversion and validation of client values,
 * storage into the config struct, copies back to CF objects, descriptions.
 * No locking here: session.c holds the session lock around every call.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <VideoToolbox/VTErrors.h>
#include <VideoToolbox/VTSession.h>

#include "cf/cf_internal.h"
#include "log.h"
#include "vt/property.h"

static inline Boolean row_nullable(const VTPropertySpec *row) {
    return (row->flags & VT_PROP_NULLABLE) != 0 || row->kind == VT_PROP_CFTYPE;
}

static inline Boolean row_has_range(const VTPropertySpec *row) {
    return !(row->min == 0 && row->max == 0);
}

static inline void *row_ptr(const VTPropertySpec *row, void *config) {
    return (char *)config + row->offset;
}

static inline const void *row_cptr(const VTPropertySpec *row, const void *config) {
    return (const char *)config + row->offset;
}

const char *vt_prop_name(const VTPropertySpec *row) {
    return row && row->key ? vt_cfstring_cstr(*row->key) : "(null)";
}

size_t vt_prop_storage_size(const VTPropertySpec *row) {
    Boolean opt = row_nullable(row);
    if (row->offset == VT_PROP_NO_STORAGE)
        return 0;
    switch (row->kind) {
    case VT_PROP_BOOL:
        return opt ? sizeof(VTOptBool) : sizeof(Boolean);
    case VT_PROP_INT32:
    case VT_PROP_ENUM:
        return opt ? sizeof(VTOptInt32) : sizeof(int32_t);
    case VT_PROP_INT64:
        return opt ? sizeof(VTOptInt64) : sizeof(int64_t);
    case VT_PROP_DOUBLE:
        return opt ? sizeof(VTOptDouble) : sizeof(double);
    case VT_PROP_CFTYPE:
        return sizeof(CFTypeRef);
    }
    return 0;
}

Boolean vt_prop_has_value(const VTPropertySpec *row, const void *config) {
    const void *p;
    if (row->offset == VT_PROP_NO_STORAGE)
        return FALSE;
    p = row_cptr(row, config);
    if (row->kind == VT_PROP_CFTYPE)
        return *(const CFTypeRef *)p != NULL;
    if (!(row->flags & VT_PROP_NULLABLE))
        return TRUE;
    switch (row->kind) {
    case VT_PROP_BOOL:
        return ((const VTOptBool *)p)->set;
    case VT_PROP_INT32:
    case VT_PROP_ENUM:
        return ((const VTOptInt32 *)p)->set;
    case VT_PROP_INT64:
        return ((const VTOptInt64 *)p)->set;
    case VT_PROP_DOUBLE:
        return ((const VTOptDouble *)p)->set;
    case VT_PROP_CFTYPE:
        break;
    }
    return FALSE;
}

/* ---- conversion ---- */

/* Reads any CFNumber: integers exactly as int64, floats as double. */
static Boolean read_number(CFTypeRef value, Boolean *is_float, int64_t *i, double *d) {
    if (vt_object_type_id(value) != VT_TYPE_ID_NUMBER)
        return FALSE;
    *i = 0;
    *d = 0;
    if (CFNumberIsFloatType((CFNumberRef)value)) {
        /* The return value only reports lossy conversions. */
        (void)CFNumberGetValue((CFNumberRef)value, kCFNumberFloat64Type, d);
        *is_float = TRUE;
    } else {
        (void)CFNumberGetValue((CFNumberRef)value, kCFNumberSInt64Type, i);
        *d = (double)*i;
        *is_float = FALSE;
    }
    return TRUE;
}

static OSStatus convert_integer(const VTPropertySpec *row, CFTypeRef value, VTPropValue *out) {
    Boolean is_float;
    int64_t i;
    double d;
    if (!read_number(value, &is_float, &i, &d))
        return kVTParameterErr;
    if (is_float) {
        /* Truncate toward zero, refusing what int64 cannot hold. */
        if (!(d >= -9223372036854775808.0 && d < 9223372036854775808.0))
            return kVTParameterErr;
        i = (int64_t)d;
    }
    if (row->kind == VT_PROP_INT32 && (i < INT32_MIN || i > INT32_MAX))
        return kVTParameterErr;
    if (row_has_range(row) && ((double)i < row->min || (double)i > row->max))
        return kVTParameterErr;
    out->i = i;
    out->d = (double)i;
    return noErr;
}

static OSStatus convert_double(const VTPropertySpec *row, CFTypeRef value, VTPropValue *out) {
    Boolean is_float;
    int64_t i;
    double d;
    if (!read_number(value, &is_float, &i, &d))
        return kVTParameterErr;
    if (isnan(d))
        return kVTParameterErr;
    if (row_has_range(row) && (d < row->min || d > row->max))
        return kVTParameterErr;
    out->d = d;
    return noErr;
}

static OSStatus convert_bool(CFTypeRef value, VTPropValue *out) {
    Boolean is_float;
    int64_t i;
    double d;
    if (vt_object_type_id(value) == VT_TYPE_ID_BOOLEAN) {
        out->b = CFBooleanGetValue((CFBooleanRef)value) ? TRUE : FALSE;
        return noErr;
    }
    /* Lenient: a CFNumber holding exactly 0 or 1 is accepted as a boolean. */
    if (read_number(value, &is_float, &i, &d) && (d == 0.0 || d == 1.0)) {
        out->b = d == 1.0;
        return noErr;
    }
    return kVTParameterErr;
}

static OSStatus convert_enum(const VTPropertySpec *row, CFTypeRef value, VTPropValue *out) {
    const VTPropEnum *e;
    if (vt_object_type_id(value) != VT_TYPE_ID_STRING || !row->enums)
        return kVTParameterErr;
    for (e = row->enums; e->value; e++) {
        if (*e->value == (CFStringRef)value) {
            out->i = e->internal;
            return noErr;
        }
    }
    for (e = row->enums; e->value; e++) {
        if (CFEqual(*e->value, value)) {
            out->i = e->internal;
            return noErr;
        }
    }
    return kVTParameterErr;
}

/* An immutable private copy of property-list containers (so a client
 * mutating its object later cannot change the session's value), a retained
 * reference for everything else. */
static CFTypeRef copy_cf_value(CFTypeRef value) {
    switch (vt_object_type_id(value)) {
    case VT_TYPE_ID_ARRAY:
        return CFArrayCreateCopy(NULL, (CFArrayRef)value);
    case VT_TYPE_ID_DICTIONARY:
        return CFDictionaryCreateCopy(NULL, (CFDictionaryRef)value);
    case VT_TYPE_ID_DATA:
        return CFDataCreateCopy(NULL, (CFDataRef)value);
    case VT_TYPE_ID_STRING:
        return CFStringCreateCopy(NULL, (CFStringRef)value);
    default:
        return CFRetain(value);
    }
}

static OSStatus convert_cftype(const VTPropertySpec *row, CFTypeRef value, VTPropValue *out) {
    CFTypeID type = vt_object_type_id(value);
    OSStatus status;
    if (type == VT_TYPE_ID_NOT_A_TYPE)
        return kVTParameterErr;
    if (row->type_id != 0 && type != row->type_id)
        return kVTParameterErr;
    if (row_has_range(row)) {
        double n = -1;
        if (type == VT_TYPE_ID_ARRAY)
            n = (double)CFArrayGetCount((CFArrayRef)value);
        else if (type == VT_TYPE_ID_DATA)
            n = (double)CFDataGetLength((CFDataRef)value);
        if (n >= 0 && (n < row->min || n > row->max))
            return kVTParameterErr;
    }
    if (row->validate) {
        status = row->validate(row, value);
        if (status != noErr)
            return status;
    }
    out->cf = copy_cf_value(value);
    return out->cf ? noErr : kVTAllocationFailedErr;
}

OSStatus vt_prop_convert(const VTPropertySpec *row, CFTypeRef value, VTPropValue *out) {
    memset(out, 0, sizeof(*out));
    if (!value)
        return kVTParameterErr;
    switch (row->kind) {
    case VT_PROP_BOOL:
        return convert_bool(value, out);
    case VT_PROP_INT32:
    case VT_PROP_INT64:
        return convert_integer(row, value, out);
    case VT_PROP_DOUBLE:
        return convert_double(row, value, out);
    case VT_PROP_ENUM:
        return convert_enum(row, value, out);
    case VT_PROP_CFTYPE:
        return convert_cftype(row, value, out);
    }
    return kVTParameterErr;
}

void vt_prop_value_clear(VTPropValue *v) {
    if (v && v->cf) {
        CFRelease(v->cf);
        v->cf = NULL;
    }
}

/* ---- storage ---- */

void vt_prop_store(const VTPropertySpec *row, void *config, VTPropValue *v, CFTypeRef *old_cf_out) {
    void *p;
    Boolean opt = (row->flags & VT_PROP_NULLABLE) != 0;
    if (old_cf_out)
        *old_cf_out = NULL;
    if (row->offset == VT_PROP_NO_STORAGE) {
        vt_prop_value_clear(v);
        return;
    }
    p = row_ptr(row, config);
    switch (row->kind) {
    case VT_PROP_BOOL: {
        Boolean b = v ? v->b : (row->def != 0);
        if (opt) {
            ((VTOptBool *)p)->set = v != NULL;
            ((VTOptBool *)p)->value = b;
        } else {
            *(Boolean *)p = b;
        }
        break;
    }
    case VT_PROP_INT32:
    case VT_PROP_ENUM: {
        int32_t i = v ? (int32_t)v->i : (int32_t)row->def;
        if (opt) {
            ((VTOptInt32 *)p)->set = v != NULL;
            ((VTOptInt32 *)p)->value = i;
        } else {
            *(int32_t *)p = i;
        }
        break;
    }
    case VT_PROP_INT64: {
        int64_t i = v ? v->i : (int64_t)row->def;
        if (opt) {
            ((VTOptInt64 *)p)->set = v != NULL;
            ((VTOptInt64 *)p)->value = i;
        } else {
            *(int64_t *)p = i;
        }
        break;
    }
    case VT_PROP_DOUBLE: {
        double d = v ? v->d : row->def;
        if (opt) {
            ((VTOptDouble *)p)->set = v != NULL;
            ((VTOptDouble *)p)->value = d;
        } else {
            *(double *)p = d;
        }
        break;
    }
    case VT_PROP_CFTYPE: {
        CFTypeRef old = *(CFTypeRef *)p;
        *(CFTypeRef *)p = v ? v->cf : NULL;
        if (v)
            v->cf = NULL; /* consumed */
        if (old_cf_out)
            *old_cf_out = old;
        else if (old)
            CFRelease(old);
        break;
    }
    }
}

static CFTypeRef enum_string(const VTPropertySpec *row, int32_t internal) {
    const VTPropEnum *e;
    for (e = row->enums; e && e->value; e++) {
        if (e->internal == internal)
            return *e->value;
    }
    return NULL;
}

OSStatus vt_prop_copy_stored(const VTPropertySpec *row, const void *config, CFTypeRef *out) {
    const void *p;
    Boolean opt = (row->flags & VT_PROP_NULLABLE) != 0;
    CFTypeRef v = NULL;
    *out = NULL;
    if (!vt_prop_has_value(row, config))
        return noErr;
    p = row_cptr(row, config);
    switch (row->kind) {
    case VT_PROP_BOOL: {
        Boolean b = opt ? ((const VTOptBool *)p)->value : *(const Boolean *)p;
        v = CFRetain(b ? kCFBooleanTrue : kCFBooleanFalse);
        break;
    }
    case VT_PROP_INT32:
        v = vt_cf_number_int32(opt ? ((const VTOptInt32 *)p)->value : *(const int32_t *)p);
        break;
    case VT_PROP_INT64:
        v = vt_cf_number_int64(opt ? ((const VTOptInt64 *)p)->value : *(const int64_t *)p);
        break;
    case VT_PROP_DOUBLE:
        v = vt_cf_number_double(opt ? ((const VTOptDouble *)p)->value : *(const double *)p);
        break;
    case VT_PROP_ENUM: {
        CFTypeRef s = enum_string(row, opt ? ((const VTOptInt32 *)p)->value : *(const int32_t *)p);
        if (!s) {
            vt_warn("property %s: stored value has no string", vt_prop_name(row));
            return noErr;
        }
        v = CFRetain(s);
        break;
    }
    case VT_PROP_CFTYPE:
        v = CFRetain(*(const CFTypeRef *)p);
        break;
    }
    if (!v)
        return kVTAllocationFailedErr;
    *out = v;
    return noErr;
}

void vt_prop_table_init(const VTPropertyTable *table, void *config) {
    size_t i;
    for (i = 0; i < table->count; i++)
        vt_prop_store(&table->rows[i], config, NULL, NULL);
}

void vt_prop_table_clear(const VTPropertyTable *table, void *config) {
    vt_prop_table_init(table, config);
}

/* ---- descriptions ---- */

static Boolean dict_set_number(CFMutableDictionaryRef dict, CFStringRef key, VTPropKind kind,
                               double v) {
    CFNumberRef n;
    if (kind == VT_PROP_DOUBLE)
        n = vt_cf_number_double(v);
    else if (kind == VT_PROP_INT32)
        n = vt_cf_number_int32((int32_t)v);
    else
        n = vt_cf_number_int64((int64_t)v);
    if (!n)
        return FALSE;
    CFDictionarySetValue(dict, key, n);
    CFRelease(n);
    return TRUE;
}

static CFArrayRef copy_enum_list(const VTPropertySpec *row) {
    const VTPropEnum *e;
    CFMutableArrayRef list = CFArrayCreateMutable(NULL, 0, &kCFTypeArrayCallBacks);
    if (!list)
        return NULL;
    CFIndex n = 0;
    for (e = row->enums; e && e->value; e++, n++)
        CFArrayAppendValue(list, *e->value);
    /* Appending reports no error: a short array means an allocation failed. */
    if (CFArrayGetCount(list) != n) {
        CFRelease(list);
        return NULL;
    }
    return list;
}

CFDictionaryRef vt_prop_copy_description(const VTPropertySpec *row) {
    CFMutableDictionaryRef d = vt_cf_dict_new();
    CFStringRef type = NULL;
    CFIndex expected = 2; /* read/write status, should-be-serialized */
    if (!d)
        return NULL;
    switch (row->kind) {
    case VT_PROP_BOOL:
        type = kVTPropertyType_Boolean;
        break;
    case VT_PROP_INT32:
    case VT_PROP_INT64:
    case VT_PROP_DOUBLE:
        type = kVTPropertyType_Number;
        break;
    case VT_PROP_ENUM:
        type = kVTPropertyType_Enumeration;
        break;
    case VT_PROP_CFTYPE:
        if (row->type_id == VT_TYPE_ID_NUMBER)
            type = kVTPropertyType_Number;
        else if (row->type_id == VT_TYPE_ID_BOOLEAN)
            type = kVTPropertyType_Boolean;
        break;
    }
    if (type) {
        CFDictionarySetValue(d, kVTPropertyTypeKey, type);
        expected++;
    }
    CFDictionarySetValue(d, kVTPropertyReadWriteStatusKey,
                         (row->flags & VT_PROP_READONLY) ? kVTPropertyReadWriteStatus_ReadOnly
                                                         : kVTPropertyReadWriteStatus_ReadWrite);
    CFDictionarySetValue(d, kVTPropertyShouldBeSerializedKey,
                         (row->flags & VT_PROP_SERIALIZABLE) ? kCFBooleanTrue : kCFBooleanFalse);
    if ((row->kind == VT_PROP_INT32 || row->kind == VT_PROP_INT64 || row->kind == VT_PROP_DOUBLE) &&
        row_has_range(row)) {
        if (!dict_set_number(d, kVTPropertySupportedValueMinimumKey, row->kind, row->min) ||
            !dict_set_number(d, kVTPropertySupportedValueMaximumKey, row->kind, row->max))
            goto fail;
        expected += 2;
    }
    if (row->kind == VT_PROP_ENUM) {
        CFArrayRef list = copy_enum_list(row);
        if (!list)
            goto fail;
        CFDictionarySetValue(d, kVTPropertySupportedValueListKey, list);
        CFRelease(list);
        expected++;
    }
    if (row->doc) {
        CFStringRef doc = CFStringCreateWithCString(NULL, row->doc, kCFStringEncodingUTF8);
        if (!doc)
            goto fail;
        CFDictionarySetValue(d, kVTPropertyDocumentationKey, doc);
        CFRelease(doc);
        expected++;
    }
    /* CFDictionarySetValue reports no error: a missing entry means an
     * allocation failed. */
    if (CFDictionaryGetCount(d) != expected)
        goto fail;
    return d;
fail:
    CFRelease(d);
    return NULL;
}

/* ---- validators ---- */

OSStatus vt_prop_validate_number_array(const VTPropertySpec *row, CFTypeRef value) {
    CFIndex i, n;
    (void)row;
    if (vt_object_type_id(value) != VT_TYPE_ID_ARRAY)
        return kVTParameterErr;
    n = CFArrayGetCount((CFArrayRef)value);
    for (i = 0; i < n; i++) {
        if (vt_object_type_id(CFArrayGetValueAtIndex((CFArrayRef)value, i)) != VT_TYPE_ID_NUMBER)
            return kVTParameterErr;
    }
    return noErr;
}

OSStatus vt_prop_validate_even_number_array(const VTPropertySpec *row, CFTypeRef value) {
    CFIndex i, n;
    OSStatus status = vt_prop_validate_number_array(row, value);
    if (status != noErr)
        return status;
    n = CFArrayGetCount((CFArrayRef)value);
    if (n % 2 != 0)
        return kVTParameterErr;
    for (i = 0; i < n; i++) {
        double d;
        if (!vt_cf_get_double(CFArrayGetValueAtIndex((CFArrayRef)value, i), &d) || !isfinite(d) ||
            d < 0)
            return kVTParameterErr;
    }
    return noErr;
}

static void check_string_key(const void *key, const void *value, void *context) {
    (void)value;
    if (vt_object_type_id(key) != VT_TYPE_ID_STRING)
        *(Boolean *)context = FALSE;
}

OSStatus vt_prop_validate_string_keyed_dict(const VTPropertySpec *row, CFTypeRef value) {
    Boolean ok = TRUE;
    (void)row;
    if (vt_object_type_id(value) != VT_TYPE_ID_DICTIONARY)
        return kVTParameterErr;
    CFDictionaryApplyFunction((CFDictionaryRef)value, check_string_key, &ok);
    return ok ? noErr : kVTParameterErr;
}
