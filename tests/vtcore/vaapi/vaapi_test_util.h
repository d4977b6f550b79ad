/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Helpers for the VA-API backend tests: synthetic frames, an output
 * collector, Annex B assembly of the backend's AVCC output, and the ffmpeg /
 * ffprobe runs that judge it (decode to raw, compare samples, picture types,
 * header fields from trace_headers).
 */
#ifndef VTCORE_TEST_VAAPI_UTIL_H
#define VTCORE_TEST_VAAPI_UTIL_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "encoder/backend.h"
#include "encoder/h264.h"

#define MAX_OUTS 512

typedef struct Out {
    OSStatus status;
    uint32_t info;
    uint8_t *data;
    size_t size;
    Boolean key, ref, ps_changed;
    int type;
    int64_t pts, dts, duration;
    void *opaque;
    uint8_t sps[256], pps[256], vps[128];
    size_t sps_size, pps_size, vps_size; /* vps: HEVC only */
} Out;

typedef struct Collector {
    Out outs[MAX_OUTS];
    int n;
} Collector;

static inline void collector_clear(Collector *c) {
    for (int i = 0; i < c->n; i++)
        free(c->outs[i].data);
    c->n = 0;
}

static inline void collect_output(void *user, const VTEncodedFrame *f) {
    Collector *c = user;
    Out *o;
    if (c->n >= MAX_OUTS)
        abort();
    o = &c->outs[c->n++];
    memset(o, 0, sizeof(*o));
    o->status = f->status;
    o->info = f->info_flags;
    o->key = f->is_keyframe;
    o->ref = f->is_reference;
    o->ps_changed = f->parameter_sets_changed;
    o->type = f->frame_type;
    o->pts = f->pts;
    o->dts = f->dts;
    o->duration = f->duration;
    o->opaque = f->opaque;
    if (f->data && f->size) {
        o->data = malloc(f->size);
        memcpy(o->data, f->data, f->size);
        o->size = f->size;
    }
    if (f->sps && f->sps_size <= sizeof(o->sps)) {
        memcpy(o->sps, f->sps, f->sps_size);
        o->sps_size = f->sps_size;
    }
    if (f->pps && f->pps_size <= sizeof(o->pps)) {
        memcpy(o->pps, f->pps, f->pps_size);
        o->pps_size = f->pps_size;
    }
    if (f->vps && f->vps_size <= sizeof(o->vps)) {
        memcpy(o->vps, f->vps, f->vps_size);
        o->vps_size = f->vps_size;
    }
}

/* A test picture: a gradient background with a 16x16 box moving 4 pixels
 * per frame (so P frames have unchanged and changed macroblocks), and frame
 * numbers 8..10 changing everything. */
typedef struct TestPic {
    int w, h;
    uint8_t *y, *u, *v; /* I420, tightly packed */
} TestPic;

static inline void testpic_make(TestPic *p, int w, int h, int t) {
    int cw = (w + 1) / 2, ch = (h + 1) / 2;
    p->w = w;
    p->h = h;
    p->y = malloc((size_t)w * h);
    p->u = malloc((size_t)cw * ch);
    p->v = malloc((size_t)cw * ch);
    int bx = (t * 4) % (w > 16 ? w - 16 : 1), by = (t * 2) % (h > 16 ? h - 16 : 1);
    int global = t >= 8 && t <= 10 ? t * 9 : 0;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            int v = 40 + (x * 3 + y * 2) % 150 + global % 40;
            if (x >= bx && x < bx + 16 && y >= by && y < by + 16)
                v = 230 - (x - bx) * 4;
            p->y[(size_t)y * w + x] = (uint8_t)v;
        }
    for (int y = 0; y < ch; y++)
        for (int x = 0; x < cw; x++) {
            p->u[(size_t)y * cw + x] = (uint8_t)(90 + (x + global) % 60);
            p->v[(size_t)y * cw + x] = (uint8_t)(160 - (y * 2 + global) % 70);
        }
}

static inline void testpic_free(TestPic *p) {
    free(p->y);
    free(p->u);
    free(p->v);
}

/* Wraps p as a VTEncoderFrame in fourcc (NV12 formats get an interleaved
 * copy in *nv12, freed by the caller). */
static inline void testpic_frame(const TestPic *p, uint32_t fourcc, VTEncoderFrame *f,
                                 uint8_t **nv12) {
    int cw = (p->w + 1) / 2, ch = (p->h + 1) / 2;
    memset(f, 0, sizeof(*f));
    f->pixel_format = fourcc;
    f->width = p->w;
    f->height = p->h;
    *nv12 = NULL;
    if (fourcc == VT_ENC_FORMAT_NV12 || fourcc == VT_ENC_FORMAT_NV12_FR) {
        *nv12 = malloc((size_t)cw * 2 * ch);
        for (int y = 0; y < ch; y++)
            for (int x = 0; x < cw; x++) {
                (*nv12)[(size_t)y * cw * 2 + 2 * x] = p->u[(size_t)y * cw + x];
                (*nv12)[(size_t)y * cw * 2 + 2 * x + 1] = p->v[(size_t)y * cw + x];
            }
        f->plane_count = 2;
        f->planes[0] = p->y;
        f->strides[0] = (size_t)p->w;
        f->planes[1] = *nv12;
        f->strides[1] = (size_t)cw * 2;
    } else {
        f->plane_count = 3;
        f->planes[0] = p->y;
        f->planes[1] = p->u;
        f->planes[2] = p->v;
        f->strides[0] = (size_t)p->w;
        f->strides[1] = f->strides[2] = (size_t)cw;
    }
}

/* Annex B stream of the collected outputs (parameter sets before the first
 * output and wherever they change). Returns malloc'ed data. */
static inline uint8_t *assemble_annexb(const Collector *c, size_t *size) {
    size_t cap = 1024, n = 0;
    uint8_t *buf = malloc(cap);
    for (int i = 0; i < c->n; i++) {
        const Out *o = &c->outs[i];
        size_t need;
        if (!o->data)
            continue;
        need = n + o->size * 2 + o->sps_size + o->pps_size + o->vps_size + 64;
        if (need > cap) {
            cap = need * 2;
            buf = realloc(buf, cap);
        }
        if ((i == 0 || o->ps_changed) && o->vps_size) {
            memcpy(buf + n, "\0\0\0\1", 4);
            memcpy(buf + n + 4, o->vps, o->vps_size);
            n += 4 + o->vps_size;
        }
        if (i == 0 || o->ps_changed) {
            memcpy(buf + n, "\0\0\0\1", 4);
            memcpy(buf + n + 4, o->sps, o->sps_size);
            n += 4 + o->sps_size;
            memcpy(buf + n, "\0\0\0\1", 4);
            memcpy(buf + n + 4, o->pps, o->pps_size);
            n += 4 + o->pps_size;
        }
        size_t w = 0;
        if (vt_h264_avcc_to_annexb(o->data, o->size, 4, buf + n, cap - n, &w) != noErr) {
            free(buf);
            return NULL;
        }
        n += w;
    }
    *size = n;
    return buf;
}

static inline int write_file(const char *path, const uint8_t *data, size_t size) {
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    size_t w = fwrite(data, 1, size, f);
    fclose(f);
    return w == size ? 0 : -1;
}

static inline uint8_t *read_file_all(const char *path, size_t *size) {
    FILE *f = fopen(path, "rb");
    uint8_t *data;
    long n;
    *size = 0;
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    data = malloc(n > 0 ? (size_t)n : 1);
    if (data && n > 0)
        *size = fread(data, 1, (size_t)n, f);
    fclose(f);
    return data;
}

/* Runs cmd; returns its output (malloc'ed, NUL-terminated) and exit status. */
static inline char *run_capture(const char *cmd, int *status) {
    FILE *p = popen(cmd, "r");
    size_t cap = 4096, n = 0;
    char *out = malloc(cap);
    if (!p) {
        out[0] = 0;
        *status = -1;
        return out;
    }
    for (;;) {
        if (n + 1024 > cap) {
            cap *= 2;
            out = realloc(out, cap);
        }
        size_t r = fread(out + n, 1, cap - n - 1, p);
        if (r == 0)
            break;
        n += r;
    }
    out[n] = 0;
    *status = pclose(p);
    return out;
}

/* First value of a syntax element in ffmpeg's trace_headers output, or -1. */
static inline long long trace_field(const char *trace, const char *name) {
    const char *p = trace;
    size_t len = strlen(name);
    while ((p = strstr(p, name)) != NULL) {
        if (p[-1] == ' ' && p[len] == ' ') {
            const char *eq = strstr(p, " = ");
            const char *nl = strchr(p, '\n');
            if (eq && (!nl || eq < nl))
                return strtoll(eq + 3, NULL, 10);
        }
        p += len;
    }
    return -1;
}

#endif /* VTCORE_TEST_VAAPI_UTIL_H */
