/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * CFURL: file URLs only. A URL keeps its absolute POSIX path (no trailing
 * slash except for "/") and its percent-encoded "file://" string.
 */
#include "config.h"

#include <limits.h>
#include <string.h>
#include <unistd.h>

#include "cf/cf_internal.h"
#include "log.h"
#include "mem.h"

#ifndef PATH_MAX
#define PATH_MAX 4096
#endif

struct __CFURL {
    VTObject base;
    CFStringRef path;   /* absolute POSIX path */
    CFStringRef string; /* "file:///..." */
    Boolean is_dir;
};

static void url_finalize(CFTypeRef obj) {
    struct __CFURL *u = (struct __CFURL *)obj;
    if (u->path)
        CFRelease(u->path);
    if (u->string)
        CFRelease(u->string);
}

static Boolean url_equal(CFTypeRef a, CFTypeRef b) {
    const struct __CFURL *x = a, *y = b;
    return CFEqual(x->string, y->string);
}

static CFHashCode url_hash(CFTypeRef obj) {
    return CFHash(((const struct __CFURL *)obj)->string);
}

static CFStringRef url_copy_description(CFTypeRef obj) {
    return CFRetain(((const struct __CFURL *)obj)->string);
}

const VTClass vt_cfurl_class = {
    .name = "CFURL",
    .type_id = VT_TYPE_ID_URL,
    .finalize = url_finalize,
    .equal = url_equal,
    .hash = url_hash,
    .copy_description = url_copy_description,
};

CFTypeID CFURLGetTypeID(void) {
    return VT_TYPE_ID_URL;
}

/* Characters left as they are in a URL path (RFC 3986 pchar plus '/'). */
static int url_path_char_ok(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c != 0 && strchr("-._~!$&'()*+,;=:@/", c) != NULL);
}

/* Builds the URL from a UTF-8 path of `len` bytes. */
static CFURLRef url_create(const char *path, size_t len, Boolean is_dir) {
    static const char hex[] = "0123456789ABCDEF";
    char cwd[PATH_MAX];
    VTStrBuf abs = {0}, str = {0};
    struct __CFURL *u;
    size_t i;
    if (len == 0) {
        vt_debug("CFURL: empty path");
        return NULL;
    }
    if (path[0] != '/') {
        if (!getcwd(cwd, sizeof(cwd))) {
            vt_error("CFURL: cannot resolve relative path: getcwd failed");
            return NULL;
        }
        vt_strbuf_append_cstr(&abs, cwd);
        if (abs.length == 0 || abs.data[abs.length - 1] != '/')
            vt_strbuf_append(&abs, "/", 1);
    }
    vt_strbuf_append(&abs, path, len);
    if (abs.failed) {
        vt_strbuf_free(&abs);
        return NULL;
    }
    /* A directory path ends with '/' in the URL string, never in the path. */
    while (abs.length > 1 && abs.data[abs.length - 1] == '/') {
        abs.data[--abs.length] = '\0';
        is_dir = TRUE;
    }
    if (abs.length == 1)
        is_dir = TRUE; /* "/" */

    vt_strbuf_append_cstr(&str, "file://");
    for (i = 0; i < abs.length; i++) {
        unsigned char c = (unsigned char)abs.data[i];
        if (url_path_char_ok(c)) {
            vt_strbuf_append(&str, (const char *)&c, 1);
        } else {
            char esc[3] = {'%', hex[c >> 4], hex[c & 15]};
            vt_strbuf_append(&str, esc, 3);
        }
    }
    if (is_dir && abs.length > 1)
        vt_strbuf_append(&str, "/", 1);

    u = vt_object_alloc(&vt_cfurl_class, sizeof(*u));
    if (!u) {
        vt_strbuf_free(&abs);
        vt_strbuf_free(&str);
        return NULL;
    }
    u->is_dir = is_dir;
    u->path = vt_cf_string_create_utf8(abs.data, abs.length);
    vt_strbuf_free(&abs);
    u->string = vt_strbuf_finish(&str);
    if (!u->path || !u->string) {
        CFRelease(u);
        return NULL;
    }
    return u;
}

CFURLRef CFURLCreateWithFileSystemPath(CFAllocatorRef allocator, CFStringRef filePath,
                                       CFURLPathStyle pathStyle, Boolean isDirectory) {
    (void)allocator;
    VT_CHECK_ARG(vt_object_is(filePath, &vt_cfstring_class), NULL);
    if (pathStyle != kCFURLPOSIXPathStyle) {
        vt_error("CFURLCreateWithFileSystemPath: only kCFURLPOSIXPathStyle is supported");
        return NULL;
    }
    return url_create(filePath->cstr, (size_t)filePath->byte_length, isDirectory);
}

CFURLRef CFURLCreateFromFileSystemRepresentation(CFAllocatorRef allocator, const UInt8 *buffer,
                                                 CFIndex bufLen, Boolean isDirectory) {
    CFStringRef s;
    CFURLRef u;
    size_t len;
    (void)allocator;
    VT_CHECK_ARG(buffer != NULL, NULL);
    VT_CHECK_ARG(bufLen >= 0, NULL);
    len = strnlen((const char *)buffer, (size_t)bufLen);
    /* Validate as UTF-8 (paths that are not UTF-8 are not supported). */
    s = vt_cf_string_create_utf8((const char *)buffer, len);
    if (!s)
        return NULL;
    u = url_create(s->cstr, (size_t)s->byte_length, isDirectory);
    CFRelease(s);
    return u;
}

#define CHECK_URL(u, err) VT_CHECK_ARG(vt_object_is((u), &vt_cfurl_class), err)

Boolean CFURLGetFileSystemRepresentation(CFURLRef url, Boolean resolveAgainstBase, UInt8 *buffer,
                                         CFIndex maxBufLen) {
    (void)resolveAgainstBase;
    CHECK_URL(url, FALSE);
    VT_CHECK_ARG(buffer != NULL, FALSE);
    VT_CHECK_ARG(maxBufLen > 0, FALSE);
    return CFStringGetCString(url->path, (char *)buffer, maxBufLen, kCFStringEncodingUTF8);
}

CFStringRef CFURLCopyFileSystemPath(CFURLRef anURL, CFURLPathStyle pathStyle) {
    CHECK_URL(anURL, NULL);
    if (pathStyle != kCFURLPOSIXPathStyle) {
        vt_error("CFURLCopyFileSystemPath: only kCFURLPOSIXPathStyle is supported");
        return NULL;
    }
    return CFRetain(anURL->path);
}

CFStringRef CFURLGetString(CFURLRef anURL) {
    CHECK_URL(anURL, NULL);
    return anURL->string;
}

Boolean CFURLHasDirectoryPath(CFURLRef anURL) {
    CHECK_URL(anURL, FALSE);
    return anURL->is_dir;
}
