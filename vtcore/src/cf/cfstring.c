/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * CFString: immutable UTF-8 strings. Created strings keep their bytes in the
 * object (one allocation); constants (CFSTR, VT_DEFINE_CONST_STRING) are
 * immortal. CFSTR literals are interned in a mutex-protected hash table so
 * the same literal always yields the same object.
 */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "cf/cf_internal.h"
#include "log.h"
#include "mem.h"

/* ---- hashing ---- */

CFHashCode vt_cf_hash_bytes(const void *bytes, size_t length) {
    /* FNV-1a, 64-bit, then a final avalanche. */
    const unsigned char *p = bytes;
    uint64_t h = 0xcbf29ce484222325ull;
    size_t i;
    for (i = 0; i < length; i++) {
        h ^= p[i];
        h *= 0x100000001b3ull;
    }
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    return h ? (CFHashCode)h : 1;
}

static CFHashCode string_hash(CFTypeRef obj) {
    struct __CFString *s = (struct __CFString *)obj;
    CFHashCode h = __atomic_load_n(&s->hash, __ATOMIC_RELAXED);
    if (!h) {
        h = vt_cf_hash_bytes(s->cstr, (size_t)s->byte_length);
        /* Constant strings may live in read-only memory only if their hash
         * was precomputed; ours are writable statics, so caching is fine. */
        __atomic_store_n(&s->hash, h, __ATOMIC_RELAXED);
    }
    return h;
}

static Boolean string_equal(CFTypeRef a, CFTypeRef b) {
    CFStringRef sa = a, sb = b;
    if (sa->byte_length != sb->byte_length)
        return FALSE;
    return memcmp(sa->cstr, sb->cstr, (size_t)sa->byte_length) == 0;
}

static CFStringRef string_copy_description(CFTypeRef obj) {
    return CFRetain(obj);
}

const VTClass vt_cfstring_class = {
    .name = "CFString",
    .type_id = VT_TYPE_ID_STRING,
    .finalize = NULL, /* bytes live inside the object */
    .equal = string_equal,
    .hash = string_hash,
    .copy_description = string_copy_description,
};

CFTypeID CFStringGetTypeID(void) {
    return VT_TYPE_ID_STRING;
}

/* ---- UTF-8 helpers ---- */

/* Decodes one code point at p (n bytes available). Returns its length, or 0
 * if the sequence is invalid (overlong, surrogate, > U+10FFFF, truncated). */
static size_t utf8_decode(const unsigned char *p, size_t n, uint32_t *cp) {
    uint32_t c;
    size_t len, i;
    if (n == 0)
        return 0;
    c = p[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    } else if (c >= 0xc2 && c <= 0xdf) {
        len = 2;
        c &= 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
        len = 3;
        c &= 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
        len = 4;
        c &= 0x07;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (i = 1; i < len; i++) {
        if ((p[i] & 0xc0) != 0x80)
            return 0;
        c = (c << 6) | (p[i] & 0x3f);
    }
    if ((len == 3 && c < 0x800) || (len == 4 && (c < 0x10000 || c > 0x10ffff)) ||
        (c >= 0xd800 && c <= 0xdfff))
        return 0;
    *cp = c;
    return len;
}

static int utf8_valid(const unsigned char *p, size_t n) {
    size_t i = 0, len;
    uint32_t cp;
    while (i < n) {
        if (p[i] < 0x80) {
            i++;
            continue;
        }
        len = utf8_decode(p + i, n - i, &cp);
        if (!len)
            return 0;
        i += len;
    }
    return 1;
}

static size_t utf8_encode(uint32_t cp, char *out) {
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    } else if (cp < 0x800) {
        out[0] = (char)(0xc0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    } else if (cp < 0x10000) {
        out[0] = (char)(0xe0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        out[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    out[0] = (char)(0xf0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
    out[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

/* Mac OS Roman 0x80..0xFF to Unicode. */
/* clang-format off */
static const uint16_t mac_roman_high[128] = {
    0x00C4, 0x00C5, 0x00C7, 0x00C9, 0x00D1, 0x00D6, 0x00DC, 0x00E1,
    0x00E0, 0x00E2, 0x00E4, 0x00E3, 0x00E5, 0x00E7, 0x00E9, 0x00E8,
    0x00EA, 0x00EB, 0x00ED, 0x00EC, 0x00EE, 0x00EF, 0x00F1, 0x00F3,
    0x00F2, 0x00F4, 0x00F6, 0x00F5, 0x00FA, 0x00F9, 0x00FB, 0x00FC,
    0x2020, 0x00B0, 0x00A2, 0x00A3, 0x00A7, 0x2022, 0x00B6, 0x00DF,
    0x00AE, 0x00A9, 0x2122, 0x00B4, 0x00A8, 0x2260, 0x00C6, 0x00D8,
    0x221E, 0x00B1, 0x2264, 0x2265, 0x00A5, 0x00B5, 0x2202, 0x2211,
    0x220F, 0x03C0, 0x222B, 0x00AA, 0x00BA, 0x03A9, 0x00E6, 0x00F8,
    0x00BF, 0x00A1, 0x00AC, 0x221A, 0x0192, 0x2248, 0x2206, 0x00AB,
    0x00BB, 0x2026, 0x00A0, 0x00C0, 0x00C3, 0x00D5, 0x0152, 0x0153,
    0x2013, 0x2014, 0x201C, 0x201D, 0x2018, 0x2019, 0x00F7, 0x25CA,
    0x00FF, 0x0178, 0x2044, 0x20AC, 0x2039, 0x203A, 0xFB01, 0xFB02,
    0x2021, 0x00B7, 0x201A, 0x201E, 0x2030, 0x00C2, 0x00CA, 0x00C1,
    0x00CB, 0x00C8, 0x00CD, 0x00CE, 0x00CF, 0x00CC, 0x00D3, 0x00D4,
    0xF8FF, 0x00D2, 0x00DA, 0x00DB, 0x00D9, 0x0131, 0x02C6, 0x02DC,
    0x00AF, 0x02D8, 0x02D9, 0x02DA, 0x00B8, 0x02DD, 0x02DB, 0x02C7,
};
/* clang-format on */

static int encoding_supported(CFStringEncoding enc) {
    return enc == kCFStringEncodingUTF8 || enc == kCFStringEncodingASCII ||
           enc == kCFStringEncodingISOLatin1 || enc == kCFStringEncodingMacRoman;
}

/* Encodes one code point in a single-byte encoding; -1 if not representable. */
static int encode_single_byte(uint32_t cp, CFStringEncoding enc) {
    int i;
    if (cp < 0x80)
        return (int)cp;
    if (enc == kCFStringEncodingISOLatin1)
        return cp <= 0xff ? (int)cp : -1;
    if (enc == kCFStringEncodingMacRoman) {
        for (i = 0; i < 128; i++)
            if (mac_roman_high[i] == cp)
                return 0x80 + i;
    }
    return -1;
}

/* ---- creation ---- */

/* Allocates a string holding a copy of `length` bytes of valid UTF-8. */
static struct __CFString *string_alloc(const char *utf8, size_t length) {
    struct __CFString *s;
    size_t size;
    if (length > (size_t)(LONG_MAX / 2) ||
        !vt_size_add(sizeof(struct __CFString), length + 1, &size))
        return NULL;
    s = vt_object_alloc(&vt_cfstring_class, size);
    if (!s)
        return NULL;
    if (length)
        memcpy(s->storage, utf8, length);
    s->storage[length] = '\0';
    s->cstr = s->storage;
    s->byte_length = (CFIndex)length;
    return s;
}

CFStringRef vt_cf_string_create_utf8(const char *bytes, size_t length) {
    if (!bytes && length)
        return NULL;
    if (length && !utf8_valid((const unsigned char *)bytes, length)) {
        vt_debug("CFString: invalid UTF-8 input");
        return NULL;
    }
    return string_alloc(bytes ? bytes : "", length);
}

/* Converts single-byte-encoded input to a new string. */
static CFStringRef create_from_single_byte(const unsigned char *p, size_t n, CFStringEncoding enc) {
    struct __CFString *s;
    size_t i, out_len = 0, max;
    char tmp[4];
    if (enc == kCFStringEncodingASCII) {
        for (i = 0; i < n; i++)
            if (p[i] >= 0x80)
                return NULL;
        return string_alloc((const char *)p, n);
    }
    /* Count the UTF-8 size first, then convert in place. */
    for (i = 0; i < n; i++) {
        uint32_t cp = p[i] < 0x80                        ? p[i]
                      : enc == kCFStringEncodingMacRoman ? mac_roman_high[p[i] - 0x80]
                                                         : p[i];
        out_len += utf8_encode(cp, tmp);
    }
    max = out_len;
    {
        size_t size;
        if (!vt_size_add(sizeof(struct __CFString), max + 1, &size))
            return NULL;
        s = vt_object_alloc(&vt_cfstring_class, size);
        if (!s)
            return NULL;
    }
    out_len = 0;
    for (i = 0; i < n; i++) {
        uint32_t cp = p[i] < 0x80                        ? p[i]
                      : enc == kCFStringEncodingMacRoman ? mac_roman_high[p[i] - 0x80]
                                                         : p[i];
        out_len += utf8_encode(cp, s->storage + out_len);
    }
    s->storage[out_len] = '\0';
    s->cstr = s->storage;
    s->byte_length = (CFIndex)out_len;
    return s;
}

CFStringRef CFStringCreateWithBytes(CFAllocatorRef alloc, const UInt8 *bytes, CFIndex numBytes,
                                    CFStringEncoding encoding, Boolean isExternalRepresentation) {
    (void)alloc;
    VT_CHECK_ARG(numBytes >= 0, NULL);
    VT_CHECK_ARG(bytes != NULL || numBytes == 0, NULL);
    if (!encoding_supported(encoding)) {
        vt_error("CFStringCreateWithBytes: unsupported encoding 0x%x", (unsigned)encoding);
        return NULL;
    }
    if (!bytes)
        bytes = (const UInt8 *)"";
    if (encoding == kCFStringEncodingUTF8) {
        if (isExternalRepresentation && numBytes >= 3 && bytes[0] == 0xef && bytes[1] == 0xbb &&
            bytes[2] == 0xbf) {
            bytes += 3;
            numBytes -= 3;
        }
        return vt_cf_string_create_utf8((const char *)bytes, (size_t)numBytes);
    }
    return create_from_single_byte(bytes, (size_t)numBytes, encoding);
}

CFStringRef CFStringCreateWithCString(CFAllocatorRef alloc, const char *cStr,
                                      CFStringEncoding encoding) {
    VT_CHECK_ARG(cStr != NULL, NULL);
    return CFStringCreateWithBytes(alloc, (const UInt8 *)cStr, (CFIndex)strlen(cStr), encoding,
                                   FALSE);
}

CFStringRef CFStringCreateCopy(CFAllocatorRef alloc, CFStringRef theString) {
    (void)alloc;
    VT_CHECK_ARG(vt_object_is(theString, &vt_cfstring_class), NULL);
    /* Every CFString is immutable: a copy is the same object. */
    return CFRetain(theString);
}

CFStringRef CFStringCreateWithFileSystemRepresentation(CFAllocatorRef alloc, const char *buffer) {
    return CFStringCreateWithCString(alloc, buffer, kCFStringEncodingUTF8);
}

/* ---- CFSTR interning ---- */

static pthread_mutex_t intern_lock = PTHREAD_MUTEX_INITIALIZER;
static struct __CFString **intern_table; /* open addressing, power-of-two size */
static size_t intern_size;
static size_t intern_count;

static int intern_grow(void) {
    size_t new_size = intern_size ? intern_size * 2 : 256, i, j;
    struct __CFString **t = vt_calloc(new_size, sizeof(*t));
    if (!t)
        return 0;
    for (i = 0; i < intern_size; i++) {
        struct __CFString *s = intern_table[i];
        if (!s)
            continue;
        j = (size_t)s->hash & (new_size - 1);
        while (t[j])
            j = (j + 1) & (new_size - 1);
        t[j] = s;
    }
    vt_free(intern_table);
    intern_table = t;
    intern_size = new_size;
    return 1;
}

CFStringRef __CFStringMakeConstantString(const char *cStr) {
    size_t len, i;
    CFHashCode h;
    struct __CFString *s = NULL;
    VT_CHECK_ARG(cStr != NULL, NULL);
    len = strlen(cStr);
    if (!utf8_valid((const unsigned char *)cStr, len)) {
        vt_error("CFSTR: literal is not valid UTF-8");
        return NULL;
    }
    h = vt_cf_hash_bytes(cStr, len);
    pthread_mutex_lock(&intern_lock);
    if (intern_size) {
        for (i = (size_t)h & (intern_size - 1); intern_table[i]; i = (i + 1) & (intern_size - 1)) {
            struct __CFString *e = intern_table[i];
            if (e->hash == h && (size_t)e->byte_length == len && memcmp(e->cstr, cStr, len) == 0) {
                s = e;
                break;
            }
        }
    }
    if (!s && ((intern_count + 1) * 2 <= intern_size || intern_grow())) {
        s = string_alloc(cStr, len);
        if (s) {
            s->base.refcount = VT_REFCOUNT_IMMORTAL;
            s->hash = h;
            for (i = (size_t)h & (intern_size - 1); intern_table[i];
                 i = (i + 1) & (intern_size - 1))
                ;
            intern_table[i] = s;
            intern_count++;
        }
    }
    pthread_mutex_unlock(&intern_lock);
    if (!s)
        vt_error("CFSTR: allocation failed");
    return s;
}

/* ---- access ---- */

#define CHECK_STRING(s, err) VT_CHECK_ARG(vt_object_is((s), &vt_cfstring_class), err)

CFIndex CFStringGetLength(CFStringRef theString) {
    const unsigned char *p;
    CFIndex i, n = 0;
    CHECK_STRING(theString, 0);
    p = (const unsigned char *)theString->cstr;
    for (i = 0; i < theString->byte_length; i++) {
        unsigned char c = p[i];
        if ((c & 0xc0) != 0x80)
            n += c >= 0xf0 ? 2 : 1; /* 4-byte sequences are surrogate pairs */
    }
    return n;
}

Boolean CFStringGetCString(CFStringRef theString, char *buffer, CFIndex bufferSize,
                           CFStringEncoding encoding) {
    const unsigned char *p;
    size_t n, i = 0, o = 0, len;
    uint32_t cp;
    CHECK_STRING(theString, FALSE);
    VT_CHECK_ARG(buffer != NULL, FALSE);
    VT_CHECK_ARG(bufferSize > 0, FALSE);
    if (!encoding_supported(encoding)) {
        vt_debug("CFStringGetCString: unsupported encoding 0x%x", (unsigned)encoding);
        buffer[0] = '\0';
        return FALSE;
    }
    p = (const unsigned char *)theString->cstr;
    n = (size_t)theString->byte_length;
    if (encoding == kCFStringEncodingUTF8) {
        if (n + 1 > (size_t)bufferSize) {
            buffer[0] = '\0';
            return FALSE;
        }
        memcpy(buffer, p, n + 1);
        return TRUE;
    }
    while (i < n) {
        int b;
        len = utf8_decode(p + i, n - i, &cp);
        if (!len)
            len = 1, cp = 0xfffd; /* cannot happen: contents are validated */
        b = encoding == kCFStringEncodingASCII ? (cp < 0x80 ? (int)cp : -1)
                                               : encode_single_byte(cp, encoding);
        if (b < 0 || o + 1 >= (size_t)bufferSize) {
            buffer[0] = '\0';
            return FALSE;
        }
        buffer[o++] = (char)b;
        i += len;
    }
    buffer[o] = '\0';
    return TRUE;
}

const char *CFStringGetCStringPtr(CFStringRef theString, CFStringEncoding encoding) {
    CFIndex i;
    CHECK_STRING(theString, NULL);
    if (encoding == kCFStringEncodingUTF8)
        return theString->cstr;
    if (encoding == kCFStringEncodingASCII || encoding == kCFStringEncodingISOLatin1 ||
        encoding == kCFStringEncodingMacRoman) {
        /* Only pure ASCII is byte-identical in these encodings. */
        for (i = 0; i < theString->byte_length; i++)
            if ((unsigned char)theString->cstr[i] >= 0x80)
                return NULL;
        return theString->cstr;
    }
    return NULL;
}

CFIndex CFStringGetMaximumSizeForEncoding(CFIndex length, CFStringEncoding encoding) {
    if (length < 0)
        return kCFNotFound;
    if (encoding == kCFStringEncodingUTF8) {
        if (length > LONG_MAX / 3)
            return kCFNotFound;
        return length * 3;
    }
    if (encoding_supported(encoding))
        return length;
    return kCFNotFound;
}

Boolean CFStringGetFileSystemRepresentation(CFStringRef string, char *buffer, CFIndex maxBufLen) {
    return CFStringGetCString(string, buffer, maxBufLen, kCFStringEncodingUTF8);
}

CFIndex CFStringGetMaximumSizeOfFileSystemRepresentation(CFStringRef string) {
    CHECK_STRING(string, kCFNotFound);
    /* UTF-8 bytes plus the NUL; never smaller than the 3-bytes-per-unit bound
     * Apple documents, so callers sizing buffers from it stay safe. */
    return CFStringGetMaximumSizeForEncoding(CFStringGetLength(string), kCFStringEncodingUTF8) + 1;
}

/* ---- comparison ---- */

static int is_digit(unsigned char c) {
    return c >= '0' && c <= '9';
}

static unsigned char fold(unsigned char c, int ci) {
    return (ci && c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
}

CFComparisonResult CFStringCompare(CFStringRef theString1, CFStringRef theString2,
                                   CFStringCompareFlags compareOptions) {
    const unsigned char *a, *b;
    size_t na, nb, i = 0, j = 0;
    int ci = (compareOptions & kCFCompareCaseInsensitive) != 0;
    int numeric = (compareOptions & kCFCompareNumerically) != 0;
    int s1 = vt_object_is(theString1, &vt_cfstring_class);
    int s2 = vt_object_is(theString2, &vt_cfstring_class);
    if (!s1 || !s2) {
        vt_debug("CFStringCompare: invalid argument");
        if (s1 == s2)
            return kCFCompareEqualTo;
        return s1 ? kCFCompareGreaterThan : kCFCompareLessThan;
    }
    a = (const unsigned char *)theString1->cstr;
    b = (const unsigned char *)theString2->cstr;
    na = (size_t)theString1->byte_length;
    nb = (size_t)theString2->byte_length;
    while (i < na && j < nb) {
        if (numeric && is_digit(a[i]) && is_digit(b[j])) {
            /* Compare digit runs by value: skip leading zeros, then the
             * longer run is larger, then digit by digit. */
            size_t ea = i, eb = j, la, lb, k;
            while (i < na && a[i] == '0' && i + 1 < na && is_digit(a[i + 1]))
                i++;
            while (j < nb && b[j] == '0' && j + 1 < nb && is_digit(b[j + 1]))
                j++;
            for (ea = i; ea < na && is_digit(a[ea]); ea++)
                ;
            for (eb = j; eb < nb && is_digit(b[eb]); eb++)
                ;
            la = ea - i;
            lb = eb - j;
            if (la != lb)
                return la < lb ? kCFCompareLessThan : kCFCompareGreaterThan;
            for (k = 0; k < la; k++)
                if (a[i + k] != b[j + k])
                    return a[i + k] < b[j + k] ? kCFCompareLessThan : kCFCompareGreaterThan;
            i = ea;
            j = eb;
            continue;
        }
        {
            unsigned char ca = fold(a[i], ci), cb = fold(b[j], ci);
            if (ca != cb)
                return ca < cb ? kCFCompareLessThan : kCFCompareGreaterThan;
        }
        i++;
        j++;
    }
    if (i < na)
        return kCFCompareGreaterThan;
    if (j < nb)
        return kCFCompareLessThan;
    return kCFCompareEqualTo;
}

Boolean CFStringHasPrefix(CFStringRef theString, CFStringRef prefix) {
    CHECK_STRING(theString, FALSE);
    CHECK_STRING(prefix, FALSE);
    /* As on Apple, the empty string is not a prefix. */
    if (prefix->byte_length == 0 || prefix->byte_length > theString->byte_length)
        return FALSE;
    return memcmp(theString->cstr, prefix->cstr, (size_t)prefix->byte_length) == 0;
}

Boolean CFStringHasSuffix(CFStringRef theString, CFStringRef suffix) {
    CHECK_STRING(theString, FALSE);
    CHECK_STRING(suffix, FALSE);
    if (suffix->byte_length == 0 || suffix->byte_length > theString->byte_length)
        return FALSE;
    return memcmp(theString->cstr + (theString->byte_length - suffix->byte_length), suffix->cstr,
                  (size_t)suffix->byte_length) == 0;
}

CFStringRef vt_cf_string_create_utf8_lossy(const char *bytes, size_t length) {
    const unsigned char *p = (const unsigned char *)bytes;
    struct __CFString *s;
    size_t i = 0, o = 0, len, size, max;
    uint32_t cp;
    if (!bytes && length)
        return NULL;
    if (!length || utf8_valid(p, length))
        return string_alloc(bytes ? bytes : "", length);
    /* Each invalid byte becomes U+FFFD (3 bytes). */
    if (!vt_size_mul(length, 3, &max) || !vt_size_add(sizeof(struct __CFString), max + 1, &size))
        return NULL;
    s = vt_object_alloc(&vt_cfstring_class, size);
    if (!s)
        return NULL;
    while (i < length) {
        len = utf8_decode(p + i, length - i, &cp);
        if (!len) {
            len = 1;
            cp = 0xfffd;
        }
        o += utf8_encode(cp, s->storage + o);
        i += len;
    }
    s->storage[o] = '\0';
    s->cstr = s->storage;
    s->byte_length = (CFIndex)o;
    return s;
}
