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

/* ---- vtcore additions (internal helpers shared by the CF files and the
 * rest of the library) ---- */

#if defined(__GNUC__)
#define VT_CF_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define VT_CF_PRINTF(fmt, args)
#endif

/* The hash CFHash uses for byte strings (CFString contents, CFData). Never 0. */
CFHashCode vt_cf_hash_bytes(const void *bytes, size_t length);

/* +1 CFString from UTF-8 bytes (validated; NULL if invalid or on allocation
 * failure). */
CFStringRef vt_cf_string_create_utf8(const char *bytes, size_t length);
/* Same, replacing invalid sequences with U+FFFD instead of failing. */
CFStringRef vt_cf_string_create_utf8_lossy(const char *bytes, size_t length);
/* +1 CFString from a printf format (C conversions only, no %@). NULL on
 * allocation failure. */
CFStringRef vt_cf_string_create_printf(const char *fmt, ...) VT_CF_PRINTF(1, 2);

/* Growable UTF-8 buffer for descriptions and formats. Zero-initialise; any
 * allocation failure sets `failed` and later appends do nothing. */
typedef struct VTStrBuf {
    char *data;
    size_t length;
    size_t capacity;
    int failed;
} VTStrBuf;
void vt_strbuf_append(VTStrBuf *sb, const char *bytes, size_t length);
void vt_strbuf_append_cstr(VTStrBuf *sb, const char *s);
void vt_strbuf_appendf(VTStrBuf *sb, const char *fmt, ...) VT_CF_PRINTF(2, 3);
/* Appends the description of a CF object (CFCopyDescription), "(null)" for NULL. */
void vt_strbuf_append_description(VTStrBuf *sb, CFTypeRef cf);
/* Turns the buffer into a +1 CFString (NULL if anything failed) and frees it. */
CFStringRef vt_strbuf_finish(VTStrBuf *sb);
void vt_strbuf_free(VTStrBuf *sb);

#endif /* VTCORE_CF_INTERNAL_H */
