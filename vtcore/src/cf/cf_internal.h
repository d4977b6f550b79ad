/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * CoreFoundation internals shared by the rest of the library: the CFString
 * layout (so every module can define constant keys at compile time), and
 * small typed accessors used by the property engine and the sessions.
 */
#ifndef VTCORE_CF_INTERNAL_H
#define VTCORE_CF_INTERNAL_H

#include <CoreFoundation/CoreFoundation.h>

#include "runtime.h"

extern const VTClass vt_cfstring_class;
extern const VTClass vt_cfnumber_class;
extern const VTClass vt_cfboolean_class;
extern const VTClass vt_cfdictionary_class;
extern const VTClass vt_cfarray_class;
extern const VTClass vt_cfdata_class;
extern const VTClass vt_cfurl_class;

/* UTF-8, NUL-terminated. `cstr` points into `storage` for created strings and
 * at a literal for constants. `hash` is computed lazily (0 = not yet). */
struct __CFString {
    VTObject base;
    const char *cstr;
    CFIndex byte_length;
    CFHashCode hash;
    char storage[];
};

#define VT_CONST_STRING_INIT(literal)                                                              \
    {VT_OBJECT_STATIC_INIT(&vt_cfstring_class), "" literal "", (CFIndex)(sizeof(literal) - 1), 0}

/* Defines an exported constant key: VT_DEFINE_CONST_STRING(kFoo, "Foo")
 * gives `const CFStringRef kFoo` pointing at an immortal static string. */
#define VT_DEFINE_CONST_STRING(symbol, literal)                                                    \
    static struct __CFString symbol##__storage = VT_CONST_STRING_INIT(literal);                    \
    const CFStringRef symbol = &symbol##__storage

/* UTF-8 contents of a CFString (never NULL for a valid string; "" otherwise). */
static inline const char *vt_cfstring_cstr(CFStringRef s) {
    return vt_object_is(s, &vt_cfstring_class) ? s->cstr : "";
}

/* Typed readers for CF values arriving from clients (property values,
 * dictionaries). Each returns FALSE if `value` is not of the right CF type;
 * numbers accept any CFNumberType (and lossy conversions are allowed). */
Boolean vt_cf_get_bool(CFTypeRef value, Boolean *out);
Boolean vt_cf_get_int32(CFTypeRef value, int32_t *out);
Boolean vt_cf_get_int64(CFTypeRef value, int64_t *out);
Boolean vt_cf_get_double(CFTypeRef value, double *out);

/* Dictionary lookup tolerant of NULL-callback dictionaries built by clients:
 * first the exact key object, then a CFEqual scan. NULL-safe. */
const void *vt_cf_dict_get(CFDictionaryRef dict, CFStringRef key);

/* Convenience creators (+1; NULL on allocation failure). */
CFNumberRef vt_cf_number_int32(int32_t v);
CFNumberRef vt_cf_number_int64(int64_t v);
CFNumberRef vt_cf_number_double(double v);
CFMutableDictionaryRef vt_cf_dict_new(void); /* kCFType callbacks */

#endif /* VTCORE_CF_INTERNAL_H */
