/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * String building: the VTStrBuf growable buffer used by descriptions, and
 * CFStringCreateWithFormat (printf conversions plus %@ and %C).
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>

#include "cf/cf_internal.h"
#include "log.h"
#include "mem.h"

/* ---- VTStrBuf ---- */

static int sb_reserve(VTStrBuf *sb, size_t extra) {
    size_t need, cap;
    char *p;
    if (sb->failed)
        return 0;
    if (!vt_size_add(sb->length, extra, &need) || !vt_size_add(need, 1, &need)) {
        sb->failed = 1;
        return 0;
    }
    if (need <= sb->capacity)
        return 1;
    cap = sb->capacity ? sb->capacity : 64;
    while (cap < need) {
        if (cap > SIZE_MAX / 2) {
            cap = need;
            break;
        }
        cap *= 2;
    }
    p = vt_realloc(sb->data, cap);
    if (!p) {
        sb->failed = 1;
        return 0;
    }
    sb->data = p;
    sb->capacity = cap;
    return 1;
}

void vt_strbuf_append(VTStrBuf *sb, const char *bytes, size_t length) {
    if (!sb_reserve(sb, length))
        return;
    if (length)
        memcpy(sb->data + sb->length, bytes, length);
    sb->length += length;
    sb->data[sb->length] = '\0';
}

void vt_strbuf_append_cstr(VTStrBuf *sb, const char *s) {
    vt_strbuf_append(sb, s ? s : "(null)", strlen(s ? s : "(null)"));
}

static void sb_vappendf(VTStrBuf *sb, const char *fmt, va_list ap) {
    va_list ap2;
    int n;
    va_copy(ap2, ap);
    n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0) {
        sb->failed = 1;
        return;
    }
    if (!sb_reserve(sb, (size_t)n))
        return;
    vsnprintf(sb->data + sb->length, (size_t)n + 1, fmt, ap);
    sb->length += (size_t)n;
}

void vt_strbuf_appendf(VTStrBuf *sb, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    sb_vappendf(sb, fmt, ap);
    va_end(ap);
}

void vt_strbuf_append_description(VTStrBuf *sb, CFTypeRef cf) {
    CFStringRef d;
    if (!cf) {
        vt_strbuf_append_cstr(sb, "(null)");
        return;
    }
    d = CFCopyDescription(cf);
    if (!d) {
        sb->failed = 1;
        return;
    }
    vt_strbuf_append(sb, d->cstr, (size_t)d->byte_length);
    CFRelease(d);
}

void vt_strbuf_free(VTStrBuf *sb) {
    vt_free(sb->data);
    sb->data = NULL;
    sb->length = sb->capacity = 0;
}

CFStringRef vt_strbuf_finish(VTStrBuf *sb) {
    CFStringRef s = NULL;
    if (!sb->failed)
        s = vt_cf_string_create_utf8_lossy(sb->data ? sb->data : "", sb->length);
    vt_strbuf_free(sb);
    return s;
}

CFStringRef vt_cf_string_create_printf(const char *fmt, ...) {
    VTStrBuf sb = {0};
    va_list ap;
    va_start(ap, fmt);
    sb_vappendf(&sb, fmt, ap);
    va_end(ap);
    return vt_strbuf_finish(&sb);
}

/* ---- CFStringCreateWithFormat ---- */

enum { LEN_NONE, LEN_HH, LEN_H, LEN_L, LEN_LL, LEN_J, LEN_Z, LEN_T, LEN_BIGL };

/* Emits one C conversion: `spec` is a complete printf spec without '*'. */
#define EMIT(type)                                                 \
    do {                                                           \
        type v_ = va_arg(*ap, type);                               \
        int n_ = snprintf(NULL, 0, spec, v_);                      \
        if (n_ < 0 || !sb_reserve(sb, (size_t)n_))                 \
            return 0;                                              \
        snprintf(sb->data + sb->length, (size_t)n_ + 1, spec, v_); \
        sb->length += (size_t)n_;                                  \
    } while (0)

static void append_unichar(VTStrBuf *sb, unsigned cp) {
    char out[3];
    size_t n;
    if (cp >= 0xd800 && cp <= 0xdfff)
        cp = 0xfffd; /* a lone surrogate cannot be stored as UTF-8 */
    if (cp < 0x80) {
        out[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        out[0] = (char)(0xc0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3f));
        n = 2;
    } else {
        out[0] = (char)(0xe0 | ((cp >> 12) & 0x0f));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        out[2] = (char)(0x80 | (cp & 0x3f));
        n = 3;
    }
    vt_strbuf_append(sb, out, n);
}

/* Formats `fmt` into sb. Returns 0 on an unsupported format or allocation
 * failure. */
static int format_into(VTStrBuf *sb, const char *fmt, size_t fmt_len, va_list *ap) {
    size_t i = 0;
    while (i < fmt_len) {
        char spec[64];
        size_t sl = 0, start;
        int len_mod = LEN_NONE;
        char conv;
        if (fmt[i] != '%') {
            size_t j = i;
            while (j < fmt_len && fmt[j] != '%')
                j++;
            vt_strbuf_append(sb, fmt + i, j - i);
            i = j;
            continue;
        }
        start = i++;
        spec[sl++] = '%';
        /* Positional arguments ("%1$d") are not supported. */
        {
            size_t j = i;
            while (j < fmt_len && fmt[j] >= '0' && fmt[j] <= '9')
                j++;
            if (j > i && j < fmt_len && fmt[j] == '$') {
                vt_error("CFStringCreateWithFormat: positional arguments are not supported");
                return 0;
            }
        }
        while (i < fmt_len && strchr("-+ #0'", fmt[i]) && sl < 8)
            spec[sl++] = fmt[i++];
        if (i < fmt_len && fmt[i] == '*') {
            sl += (size_t)snprintf(spec + sl, sizeof(spec) - sl, "%d", va_arg(*ap, int));
            i++;
        } else {
            while (i < fmt_len && fmt[i] >= '0' && fmt[i] <= '9' && sl < 24)
                spec[sl++] = fmt[i++];
        }
        if (i < fmt_len && fmt[i] == '.') {
            spec[sl++] = fmt[i++];
            if (i < fmt_len && fmt[i] == '*') {
                sl += (size_t)snprintf(spec + sl, sizeof(spec) - sl, "%d", va_arg(*ap, int));
                i++;
            } else {
                while (i < fmt_len && fmt[i] >= '0' && fmt[i] <= '9' && sl < 48)
                    spec[sl++] = fmt[i++];
            }
        }
        if (i < fmt_len) {
            switch (fmt[i]) {
            case 'h':
                len_mod = LEN_H;
                i++;
                if (i < fmt_len && fmt[i] == 'h') {
                    len_mod = LEN_HH;
                    i++;
                }
                break;
            case 'l':
                len_mod = LEN_L;
                i++;
                if (i < fmt_len && fmt[i] == 'l') {
                    len_mod = LEN_LL;
                    i++;
                }
                break;
            case 'q':
                len_mod = LEN_LL;
                i++;
                break;
            case 'j':
                len_mod = LEN_J;
                i++;
                break;
            case 'z':
                len_mod = LEN_Z;
                i++;
                break;
            case 't':
                len_mod = LEN_T;
                i++;
                break;
            case 'L':
                len_mod = LEN_BIGL;
                i++;
                break;
            default:
                break;
            }
        }
        if (i >= fmt_len) {
            vt_error("CFStringCreateWithFormat: incomplete conversion at the end of the format");
            return 0;
        }
        conv = fmt[i++];
        switch (len_mod) {
        case LEN_HH:
            memcpy(spec + sl, "hh", 2), sl += 2;
            break;
        case LEN_H:
            spec[sl++] = 'h';
            break;
        case LEN_L:
            spec[sl++] = 'l';
            break;
        case LEN_LL:
            memcpy(spec + sl, "ll", 2), sl += 2;
            break;
        case LEN_J:
            spec[sl++] = 'j';
            break;
        case LEN_Z:
            spec[sl++] = 'z';
            break;
        case LEN_T:
            spec[sl++] = 't';
            break;
        case LEN_BIGL:
            spec[sl++] = 'L';
            break;
        default:
            break;
        }
        spec[sl++] = conv;
        spec[sl] = '\0';
        switch (conv) {
        case '%':
            vt_strbuf_append(sb, "%", 1);
            break;
        case '@':
            vt_strbuf_append_description(sb, va_arg(*ap, CFTypeRef));
            break;
        case 'C':
            append_unichar(sb, (unsigned)va_arg(*ap, int) & 0xffffu);
            break;
        case 'c':
            EMIT(int);
            break;
        case 'd':
        case 'i':
            switch (len_mod) {
            case LEN_L:
                EMIT(long);
                break;
            case LEN_LL:
                EMIT(long long);
                break;
            case LEN_J:
                EMIT(intmax_t);
                break;
            case LEN_Z:
                EMIT(ssize_t);
                break;
            case LEN_T:
                EMIT(ptrdiff_t);
                break;
            default:
                EMIT(int);
                break;
            }
            break;
        case 'o':
        case 'u':
        case 'x':
        case 'X':
            switch (len_mod) {
            case LEN_L:
                EMIT(unsigned long);
                break;
            case LEN_LL:
                EMIT(unsigned long long);
                break;
            case LEN_J:
                EMIT(uintmax_t);
                break;
            case LEN_Z:
                EMIT(size_t);
                break;
            case LEN_T:
                EMIT(ptrdiff_t);
                break;
            default:
                EMIT(unsigned);
                break;
            }
            break;
        case 'f':
        case 'F':
        case 'e':
        case 'E':
        case 'g':
        case 'G':
        case 'a':
        case 'A':
            if (len_mod == LEN_BIGL)
                EMIT(long double);
            else
                EMIT(double);
            break;
        case 's':
            if (len_mod != LEN_NONE) {
                vt_error("CFStringCreateWithFormat: %%ls is not supported");
                return 0;
            }
            EMIT(const char *);
            break;
        case 'p':
            EMIT(void *);
            break;
        default:
            vt_error("CFStringCreateWithFormat: unsupported conversion '%.*s'", (int)(i - start),
                     fmt + start);
            return 0;
        }
        if (sb->failed)
            return 0;
    }
    return !sb->failed;
}

CFStringRef CFStringCreateWithFormatAndArguments(CFAllocatorRef alloc, CFTypeRef formatOptions,
                                                 CFStringRef format, va_list arguments) {
    VTStrBuf sb = {0};
    va_list ap;
    int ok;
    (void)alloc;
    (void)formatOptions;
    VT_CHECK_ARG(vt_object_is(format, &vt_cfstring_class), NULL);
    va_copy(ap, arguments);
    ok = format_into(&sb, format->cstr, (size_t)format->byte_length, &ap);
    va_end(ap);
    if (!ok) {
        vt_strbuf_free(&sb);
        return NULL;
    }
    return vt_strbuf_finish(&sb);
}

CFStringRef CFStringCreateWithFormat(CFAllocatorRef alloc, CFTypeRef formatOptions,
                                     CFStringRef format, ...) {
    CFStringRef s;
    va_list ap;
    va_start(ap, format);
    s = CFStringCreateWithFormatAndArguments(alloc, formatOptions, format, ap);
    va_end(ap);
    return s;
}
