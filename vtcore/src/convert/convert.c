/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Conversion plans: the planner that turns (source format and size,
 * destination format and size, options) into a short list of steps, and the
 * executor that runs them, optionally on a small pool of threads.
 *
 * Planning, in outline:
 *   - every format has a "hub": planar 8-bit YCbCr with its own subsampling
 *     (I420/I422/I444), grey, RGB in its own byte order, or for P010 16-bit
 *     planar 4:2:0. Planar formats are their own hub (no copy); semi-planar
 *     and packed ones are split / merged as a step.
 *   - when the colour family changes (YCbCr <-> RGB, or YCbCr matrix A ->
 *     matrix B through RGB) and the size changes too, scaling happens on the
 *     side with fewer pixels: downscaling before the colour conversion,
 *     upscaling after it.
 *   - YCbCr -> YCbCr with the same matrix works plane by plane: scale (or a
 *     2:1 chroma step when only the subsampling changes), range LUT on the
 *     smaller side, then merge/pack. Steps that would only copy a plane into
 *     a scratch buffer are skipped by reading the plane where it is.
 *   - 10-bit P010 to 8-bit goes through an NV12-shaped scratch image (the
 *     LUT does the depth and range change); P010 <-> P010 stays 16-bit.
 *
 * Parallelism: consecutive row-local steps on the same image grid form a
 * stage that runs in horizontal bands (even heights), one per thread;
 * scaling steps form stages where each plane is one task (RGB scaling is also
 * split by destination rows with ARGBScaleClip). Every band computes exactly
 * the rows it would compute single-threaded, so output does not depend on
 * the thread count.
 */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "convert_internal.h"
#include "log.h"
#include "mem.h"

#define MAX_BUFS    40
#define MAX_OPS     32
#define PARAM_ARENA 24576

typedef struct VTStage {
    int first, count;
    int whole;
    int w, h;  /* grid of a row stage */
    int tasks; /* bands, or the sum of the ops' parts */
} VTStage;

typedef struct VTPool VTPool;

struct VTConvertPlan {
    const VTPixelFormatInfo *src_fmt, *dst_fmt;
    const VTLayout *src_lay, *dst_lay;
    int src_w, src_h, dst_w, dst_h;
    int src_full, dst_full;
    int src_matrix, dst_matrix;
    int filter;
    VTConvertOptions opts;
    int n_bufs, n_ops, n_stages;
    VTBuf bufs[MAX_BUFS];
    VTOp ops[MAX_OPS];
    VTStage stages[MAX_OPS];
    uint8_t *scratch;
    size_t scratch_bytes;
    uint8_t *tmp;
    size_t tmp_stride;
    int n_threads;
    VTPool *pool;
    OSStatus error;
    char desc[1024];
    size_t param_used;
    _Alignas(64) uint8_t params[PARAM_ARENA];
};

/* ---- thread pool ---------------------------------------------------------- */

typedef void (*VTTaskFn)(void *ctx, int task, int worker);

/* Workers sleep until a job is posted, register as active while they take
 * tasks from a shared counter, and the caller takes tasks too. The caller
 * only waits for registered workers: one that wakes late finds no task left
 * and never touches the job, so a busy machine costs no wake-up latency. A
 * new job is posted only when no worker is registered, so the task counter
 * is never reset under a worker still claiming from the previous job. */
struct VTPool {
    pthread_mutex_t lock;
    pthread_cond_t wake, done;
    pthread_t threads[VT_CONVERT_MAX_THREADS];
    int n_workers; /* threads besides the caller */
    unsigned generation;
    int quit;
    int active; /* workers registered for the current job */
    VTTaskFn fn;
    void *ctx;
    int n_tasks;
    int next_task;
};

typedef struct VTWorkerArg {
    VTPool *pool;
    int index;
} VTWorkerArg;

static void pool_claim_tasks(VTPool *pool, VTTaskFn fn, void *ctx, int n, int worker) {
    for (;;) {
        int t = __atomic_fetch_add(&pool->next_task, 1, __ATOMIC_RELAXED);
        if (t >= n)
            break;
        fn(ctx, t, worker);
    }
}

static void *pool_worker(void *arg) {
    VTPool *pool = ((VTWorkerArg *)arg)->pool;
    int index = ((VTWorkerArg *)arg)->index;
    unsigned seen = 0;
    vt_free(arg);
    pthread_mutex_lock(&pool->lock);
    for (;;) {
        while (!pool->quit && pool->generation == seen)
            pthread_cond_wait(&pool->wake, &pool->lock);
        if (pool->quit)
            break;
        seen = pool->generation;
        VTTaskFn fn = pool->fn;
        void *ctx = pool->ctx;
        int n = pool->n_tasks;
        pool->active++;
        pthread_mutex_unlock(&pool->lock);
        pool_claim_tasks(pool, fn, ctx, n, index);
        pthread_mutex_lock(&pool->lock);
        if (--pool->active == 0)
            pthread_cond_broadcast(&pool->done);
    }
    pthread_mutex_unlock(&pool->lock);
    return NULL;
}

static void pool_destroy(VTPool *pool) {
    if (!pool)
        return;
    pthread_mutex_lock(&pool->lock);
    pool->quit = 1;
    pthread_cond_broadcast(&pool->wake);
    pthread_mutex_unlock(&pool->lock);
    for (int i = 0; i < pool->n_workers; i++)
        pthread_join(pool->threads[i], NULL);
    pthread_cond_destroy(&pool->wake);
    pthread_cond_destroy(&pool->done);
    pthread_mutex_destroy(&pool->lock);
    vt_free(pool);
}

/* A pool with up to `workers` threads besides the caller; fewer if threads
 * cannot be started (logged). NULL only when memory runs out. */
static VTPool *pool_create(int workers) {
    VTPool *pool = vt_calloc(1, sizeof(*pool));
    if (!pool)
        return NULL;
    pthread_mutex_init(&pool->lock, NULL);
    pthread_cond_init(&pool->wake, NULL);
    pthread_cond_init(&pool->done, NULL);
    for (int i = 0; i < workers; i++) {
        VTWorkerArg *arg = vt_malloc(sizeof(*arg));
        if (!arg) {
            pool_destroy(pool);
            return NULL;
        }
        arg->pool = pool;
        arg->index = i + 1;
        if (pthread_create(&pool->threads[i], NULL, pool_worker, arg)) {
            vt_free(arg);
            vt_warn("convert: could only start %d of %d worker threads", i, workers);
            break;
        }
        pool->n_workers++;
    }
    return pool;
}

static void pool_run(VTPool *pool, VTTaskFn fn, void *ctx, int n) {
    if (!pool || !pool->n_workers || n <= 1) {
        for (int t = 0; t < n; t++)
            fn(ctx, t, 0);
        return;
    }
    pthread_mutex_lock(&pool->lock);
    while (pool->active) /* late registrations for the previous job */
        pthread_cond_wait(&pool->done, &pool->lock);
    pool->fn = fn;
    pool->ctx = ctx;
    pool->n_tasks = n;
    __atomic_store_n(&pool->next_task, 0, __ATOMIC_RELAXED);
    pool->generation++;
    pthread_cond_broadcast(&pool->wake);
    pthread_mutex_unlock(&pool->lock);
    pool_claim_tasks(pool, fn, ctx, n, 0);
    pthread_mutex_lock(&pool->lock);
    while (pool->active)
        pthread_cond_wait(&pool->done, &pool->lock);
    pthread_mutex_unlock(&pool->lock);
}

/* ---- planner primitives ------------------------------------------------------ */

typedef struct Img {
    const VTLayout *lay;
    int full, matrix;
    int w, h;
    int buf[3];
} Img;

static int fail(VTConvertPlan *P, OSStatus st, const char *why) {
    if (!P->error) {
        P->error = st;
        if (st == VT_CONVERT_ERR_NOT_SUPPORTED)
            vt_warn("convert: %s -> %s not supported: %s", P->src_lay ? P->src_lay->name : "?",
                    P->dst_lay ? P->dst_lay->name : "?", why);
        else
            vt_error("convert: %s", why);
    }
    return -1;
}

static int new_buf(VTConvertPlan *P, int w, int h, int bpe, int sy, int ext, int plane) {
    if (P->n_bufs >= MAX_BUFS)
        return fail(P, VT_CONVERT_ERR_NOT_SUPPORTED, "plan too large");
    VTBuf *b = &P->bufs[P->n_bufs];
    memset(b, 0, sizeof(*b));
    b->w = w;
    b->h = h;
    b->bpe = (uint8_t)bpe;
    b->sy = (uint8_t)sy;
    b->ext = (uint8_t)ext;
    b->plane = (uint8_t)plane;
    return P->n_bufs++;
}

static int scratch_like(VTConvertPlan *P, int like, int w, int h) {
    if (like < 0)
        return -1;
    return new_buf(P, w, h, P->bufs[like].bpe, P->bufs[like].sy, VT_BUF_SCRATCH, 0);
}

static Img make_img(VTConvertPlan *P, const VTLayout *lay, int full, int matrix, int w, int h,
                    int ext) {
    Img im;
    memset(&im, 0, sizeof(im));
    im.lay = lay;
    im.full = full;
    im.matrix = matrix;
    im.w = w;
    im.h = h;
    im.buf[0] = im.buf[1] = im.buf[2] = -1;
    for (int p = 0; p < vt_layout_plane_count(lay); p++) {
        int pw, ph, bpe, psy;
        vt_layout_plane_geometry(lay, p, w, h, &pw, &ph, &bpe, &psy);
        im.buf[p] = new_buf(P, pw, ph, bpe, psy, ext, p);
    }
    return im;
}

static Img scratch_img(VTConvertPlan *P, const VTLayout *lay, int full, int matrix, int w, int h) {
    return make_img(P, lay, full, matrix, w, h, VT_BUF_SCRATCH);
}

static VTOp *new_op(VTConvertPlan *P, const char *name, VTOpRows rows, int w, int h) {
    if (P->error)
        return NULL;
    if (P->n_ops >= MAX_OPS) {
        fail(P, VT_CONVERT_ERR_NOT_SUPPORTED, "plan too long");
        return NULL;
    }
    VTOp *op = &P->ops[P->n_ops++];
    memset(op, 0, sizeof(*op));
    snprintf(op->name, sizeof(op->name), "%s", name);
    op->rows = rows;
    op->w = w;
    op->h = h;
    op->max_parts = 1;
    for (int i = 0; i < VT_OP_MAX_BUFS; i++)
        op->b[i] = -1;
    return op;
}

static void *new_param(VTConvertPlan *P, size_t size) {
    size_t at = (P->param_used + 15) & ~(size_t)15;
    if (at + size > sizeof(P->params)) {
        fail(P, VT_CONVERT_ERR_NOT_SUPPORTED, "plan parameters too large");
        return NULL;
    }
    P->param_used = at + size;
    memset(P->params + at, 0, size);
    return P->params + at;
}

static const VTLayout *i4xx(int sx, int sy) {
    if (sx && sy)
        return &vt_layout_i420;
    if (sx)
        return &vt_layout_i422;
    return &vt_layout_i444;
}

enum { FAM_YUV, FAM_GRAY, FAM_RGB };

static int fam(const Img *im) {
    if (vt_layout_is_rgb(im->lay))
        return FAM_RGB;
    if (im->lay->kind == VT_LAYOUT_GRAY)
        return FAM_GRAY;
    return FAM_YUV;
}

static int is16(const Img *im) {
    return vt_layout_is_16bit(im->lay);
}

/* Hub of a source-side image (what it is scaled in before a colour change). */
static const VTLayout *hub_src(const VTLayout *l) {
    switch (l->kind) {
    case VT_LAYOUT_PLANAR:
    case VT_LAYOUT_SEMI:
        return i4xx(l->sx, l->sy);
    case VT_LAYOUT_PACKED422:
        return &vt_layout_i422;
    case VT_LAYOUT_SEMI16:
    case VT_LAYOUT_PLANAR16:
        return &vt_layout_planar16_420;
    default:
        return l; /* grey, RGB in its own order */
    }
}

/* Hub of a destination-side image (what a colour change produces before
 * scaling up). */
static const VTLayout *hub_dst(const VTLayout *l) {
    switch (l->kind) {
    case VT_LAYOUT_PLANAR:
    case VT_LAYOUT_SEMI:
        return i4xx(l->sx, l->sy);
    case VT_LAYOUT_PACKED422:
        return &vt_layout_i422;
    case VT_LAYOUT_SEMI16:
    case VT_LAYOUT_PLANAR16:
        return &vt_layout_i420;
    default:
        return l;
    }
}

/* ---- op emitters ---------------------------------------------------------------- */

static void op2(VTConvertPlan *P, const char *name, VTOpRows fn, int in, int out, int w, int h,
                const void *param) {
    VTOp *op = new_op(P, name, fn, w, h);
    if (!op)
        return;
    op->b[0] = (int16_t)in;
    op->b[1] = (int16_t)out;
    op->p = param;
}

static void op_scale(VTConvertPlan *P, const char *name, int in, int out) {
    const VTBuf *a = &P->bufs[in], *b = &P->bufs[out];
    if (!vt_op_can_scale(P->filter, a->w, a->h, b->w, b->h)) {
        fail(P, VT_CONVERT_ERR_NOT_SUPPORTED, "scaling needs libyuv (built without it)");
        return;
    }
    VTOp *op = new_op(P, name, NULL, 0, 0);
    if (!op)
        return;
    op->whole = vt_op_scale;
    op->b[0] = (int16_t)in;
    op->b[1] = (int16_t)out;
    op->i[0] = P->filter;
    op->i[1] = a->bpe;
    int parts = vt_op_scale_max_parts(a->bpe, P->filter, a->w, a->h, b->w, b->h);
    op->max_parts = parts < P->n_threads ? parts : P->n_threads;
    if (op->max_parts < 1)
        op->max_parts = 1;
    op->tmp_bytes = vt_op_scale_tmp(a->bpe, P->filter, a->w, a->h, b->w, b->h);
}

static const uint8_t *lut8(VTConvertPlan *P, int chroma, int src_full, int dst_full) {
    uint8_t *t = new_param(P, 256);
    if (t)
        vt_color_lut8(chroma, src_full, dst_full, t);
    return t;
}

/* Makes plane `out_target` (or, with out_target < 0, any buffer it returns)
 * hold plane `in` resampled to ow x oh (vertical shift osy) and passed
 * through `lut`. Resampling is a 2:1 chroma step when (dx, dy) say so and
 * the image keeps its size, a scale otherwise. Returns the buffer, which may
 * be `in` itself when nothing has to change. */
static int chain8(VTConvertPlan *P, int in, int target, const Img *gs, const Img *gd, int ow,
                  int oh, int osy, const uint8_t *lut, int dx, int dy, int scale,
                  const char *what) {
    char name[48];
    if (P->error)
        return -1;
    const VTBuf *ib = &P->bufs[in];
    if (scale && ib->w == ow && ib->h == oh)
        scale = 0;
    if (!scale && dx * dy < 0)
        scale = 1; /* mixed up/down subsampling change: general resampler */
    int resample = scale || dx || dy;
    if (!resample) {
        /* Same plane size on both sides. A row op maps the bands of its grid
         * to rows through the output buffer's vertical subsampling, and the
         * ops of one stage must agree on it (bug H6: a 4:2:0 plane written
         * as a 4:2:2 one read rows another band had not produced yet). So a
         * scratch output takes the input's subsampling and runs on the
         * source grid; a destination plane subsampled differently runs on
         * the destination grid, which is always a later stage. */
        const Img *g = gs;
        int out = target;
        if (!lut && target < 0)
            return in;
        if (out < 0)
            out = new_buf(P, ow, oh, 1, ib->sy, VT_BUF_SCRATCH, 0);
        if (out < 0)
            return -1;
        if (P->bufs[out].sy != ib->sy)
            g = gd;
        snprintf(name, sizeof(name), "%s %s", lut ? "range" : "copy", what);
        op2(P, name, lut ? vt_op_lut8 : vt_op_copy, in, out, g->w, g->h, lut);
        return out;
    }
    int cur = in;
    int lut_first = lut && (long long)ow * oh > (long long)ib->w * ib->h;
    if (lut_first) {
        int t = scratch_like(P, in, ib->w, ib->h);
        snprintf(name, sizeof(name), "range %s", what);
        op2(P, name, vt_op_lut8, in, t, gs->w, gs->h, lut);
        cur = t;
    }
    int out = target >= 0 ? target : new_buf(P, ow, oh, 1, osy, VT_BUF_SCRATCH, 0);
    if (out < 0)
        return -1;
    if (scale) {
        snprintf(name, sizeof(name), "scale %s", what);
        op_scale(P, name, cur, out);
    } else {
        int down = dx > 0 || dy > 0;
        VTOp *op;
        snprintf(name, sizeof(name), "%s %s%s%s", down ? "subsample" : "upsample", what,
                 dx ? " h" : "", dy ? " v" : "");
        op = new_op(P, name, down ? vt_op_chroma_down : vt_op_chroma_up, gs->w, gs->h);
        if (op) {
            op->b[0] = (int16_t)cur;
            op->b[1] = (int16_t)out;
            op->i[0] = dx ? 1 : 0;
            op->i[1] = dy ? 1 : 0;
            op->i[2] = P->opts.downsampling == VT_DOWNSAMPLE_AVERAGE;
        }
    }
    if (lut && !lut_first) {
        snprintf(name, sizeof(name), "range %s", what);
        op2(P, name, vt_op_lut8, out, out, gd->w, gd->h, lut);
    }
    return out;
}

static void op_fill(VTConvertPlan *P, const char *name, int buf, int value, int sample_bytes,
                    const Img *g) {
    VTOp *op = new_op(P, name, vt_op_fill, g->w, g->h);
    if (!op)
        return;
    op->b[0] = (int16_t)buf;
    op->i[0] = value;
    op->i[1] = sample_bytes;
}

static void op_split(VTConvertPlan *P, int in, int u, int v, int b16, const Img *g) {
    VTOp *op = new_op(P, b16 ? "split CbCr (16-bit)" : "split CbCr", vt_op_split_uv, g->w, g->h);
    if (!op)
        return;
    op->b[0] = (int16_t)in;
    op->b[1] = (int16_t)u;
    op->b[2] = (int16_t)v;
    op->i[0] = b16;
}

static void op_merge(VTConvertPlan *P, int u, int v, int out, int b16, const Img *g) {
    VTOp *op = new_op(P, b16 ? "merge CbCr (16-bit)" : "merge CbCr", vt_op_merge_uv, g->w, g->h);
    if (!op)
        return;
    op->b[0] = (int16_t)u;
    op->b[1] = (int16_t)v;
    op->b[2] = (int16_t)out;
    op->i[0] = b16;
}

static void op_packed(VTConvertPlan *P, int pack, const Img *packed, int y, int u, int v) {
    char name[48];
    snprintf(name, sizeof(name), "%s %s", pack ? "pack" : "unpack", packed->lay->name);
    VTOp *op = new_op(P, name, pack ? vt_op_pack422 : vt_op_unpack422, packed->w, packed->h);
    if (!op)
        return;
    if (pack) {
        op->b[0] = (int16_t)y;
        op->b[1] = (int16_t)u;
        op->b[2] = (int16_t)v;
        op->b[3] = (int16_t)packed->buf[0];
    } else {
        op->b[0] = (int16_t)packed->buf[0];
        op->b[1] = (int16_t)y;
        op->b[2] = (int16_t)u;
        op->b[3] = (int16_t)v;
    }
    op->p = packed->lay;
}

/* ---- YCbCr <-> RGB ------------------------------------------------------------------ */

static void yuv_to_rgb(VTConvertPlan *P, const Img *s0, const Img *d) {
    Img s = *s0;
    char name[64];
    if (s.lay->kind == VT_LAYOUT_PACKED422) {
        Img i = scratch_img(P, &vt_layout_i422, s.full, s.matrix, s.w, s.h);
        op_packed(P, 0, &s, i.buf[0], i.buf[1], i.buf[2]);
        s = i;
    }
    VTYuv2RgbParams *p = new_param(P, sizeof(*p));
    VTOp *op;
    if (!p)
        return;
    int kind;
    switch (s.lay->kind) {
    case VT_LAYOUT_PLANAR:
        kind = VT_YUV_PLANAR8;
        break;
    case VT_LAYOUT_SEMI:
        kind = VT_YUV_SEMI8;
        break;
    case VT_LAYOUT_SEMI16:
        kind = VT_YUV_SEMI16;
        break;
    case VT_LAYOUT_PLANAR16:
        kind = VT_YUV_PLANAR16;
        break;
    default:
        kind = VT_YUV_GRAY8;
        break;
    }
    vt_color_yuv_to_rgb_coeffs(s.matrix, s.full, is16(&s) ? 16 : 8, &p->k);
    memcpy(p->off, d->lay->off, 4);
    int cr_first = (kind == VT_YUV_SEMI8 || kind == VT_YUV_SEMI16) && s.lay->swap_uv;
    vt_op_yuv2rgb_select(p, kind, s.lay->sx, s.lay->sy, cr_first, s.matrix, s.full);
    snprintf(name, sizeof(name), "%s -> %s%s", s.lay->name, d->lay->name,
             p->fast ? " (libyuv)" : "");
    op = new_op(P, name, vt_op_yuv2rgb, s.w, s.h);
    if (!op)
        return;
    op->b[0] = (int16_t)s.buf[0];
    if (kind == VT_YUV_PLANAR8 || kind == VT_YUV_PLANAR16) {
        op->b[1] = (int16_t)s.buf[s.lay->cb_plane];
        op->b[2] = (int16_t)s.buf[s.lay->cr_plane];
    } else if (kind != VT_YUV_GRAY8) {
        op->b[1] = (int16_t)s.buf[1];
    }
    op->b[3] = (int16_t)d->buf[0];
    op->i[0] = kind;
    op->i[1] = kind == VT_YUV_GRAY8 ? 0 : s.lay->sx;
    op->i[2] = kind == VT_YUV_GRAY8 ? 0 : s.lay->sy;
    op->i[3] = cr_first;
    op->p = p;
    op->tmp_bytes = p->fast ? 0 : vt_op_yuv2rgb_tmp(s.w);
}

static void rgb_to_yuv(VTConvertPlan *P, const Img *s, const Img *d) {
    char name[64];
    if (d->lay->kind == VT_LAYOUT_PACKED422) {
        Img i = scratch_img(P, &vt_layout_i422, d->full, d->matrix, d->w, d->h);
        rgb_to_yuv(P, s, &i);
        op_packed(P, 1, d, i.buf[0], i.buf[1], i.buf[2]);
        return;
    }
    if (d->lay->kind == VT_LAYOUT_SEMI16) {
        Img i = scratch_img(P, &vt_layout_nv12, d->full, d->matrix, d->w, d->h);
        rgb_to_yuv(P, s, &i);
        uint16_t *ly = new_param(P, 256 * sizeof(uint16_t));
        uint16_t *lc = new_param(P, 256 * sizeof(uint16_t));
        if (!ly || !lc)
            return;
        vt_color_lut_8_to_16(0, d->full, d->full, ly);
        vt_color_lut_8_to_16(1, d->full, d->full, lc);
        op2(P, "widen Y to 10-bit", vt_op_lut8to16, i.buf[0], d->buf[0], d->w, d->h, ly);
        op2(P, "widen CbCr to 10-bit", vt_op_lut8to16, i.buf[1], d->buf[1], d->w, d->h, lc);
        return;
    }
    VTRgb2YuvParams *p = new_param(P, sizeof(*p));
    if (!p)
        return;
    int kind = d->lay->kind == VT_LAYOUT_PLANAR ? VT_YUV_PLANAR8
               : d->lay->kind == VT_LAYOUT_SEMI ? VT_YUV_SEMI8
                                                : VT_YUV_GRAY8;
    int sx = kind == VT_YUV_GRAY8 ? 0 : d->lay->sx, sy = kind == VT_YUV_GRAY8 ? 0 : d->lay->sy;
    int dec = P->opts.downsampling != VT_DOWNSAMPLE_AVERAGE;
    int cr_first = kind == VT_YUV_SEMI8 && d->lay->swap_uv;
    vt_color_rgb_to_yuv_coeffs(d->matrix, d->full, &p->k);
    p->k.y_only = kind == VT_YUV_GRAY8;
    memcpy(p->off, s->lay->off, 4);
    vt_op_rgb2yuv_select(p, kind, sx, sy, cr_first, dec, d->matrix, d->full);
    snprintf(name, sizeof(name), "%s -> %s%s", s->lay->name, d->lay->name,
             p->fast ? " (libyuv)" : "");
    VTOp *op = new_op(P, name, vt_op_rgb2yuv, s->w, s->h);
    if (!op)
        return;
    op->b[0] = (int16_t)s->buf[0];
    op->b[1] = (int16_t)d->buf[0];
    if (kind == VT_YUV_PLANAR8) {
        op->b[2] = (int16_t)d->buf[d->lay->cb_plane];
        op->b[3] = (int16_t)d->buf[d->lay->cr_plane];
    } else if (kind == VT_YUV_SEMI8) {
        op->b[2] = (int16_t)d->buf[1];
    }
    op->i[0] = kind;
    op->i[1] = sx;
    op->i[2] = sy;
    op->i[3] = cr_first;
    op->i[4] = dec;
    op->p = p;
    op->tmp_bytes = p->fast ? 0 : vt_op_rgb2yuv_tmp(s->w);
}

/* ---- same colour family ------------------------------------------------------------- */

static const VTShuffleParams *shuffle_params(VTConvertPlan *P, const VTLayout *s,
                                             const VTLayout *d) {
    VTShuffleParams *p = new_param(P, sizeof(*p));
    if (!p)
        return NULL;
    /* output byte of component c (R, G, B, A) is d->off[c], read from s->off[c] */
    for (int c = 0; c < 4; c++)
        p->src_of[d->off[c]] = s->off[c];
    for (int px = 0; px < 4; px++)
        for (int i = 0; i < 4; i++)
            p->mask[4 * px + i] = (uint8_t)(4 * px + p->src_of[i]);
    return p;
}

static void rgb_same(VTConvertPlan *P, const Img *s, const Img *d) {
    char name[48];
    int same_order = !memcmp(s->lay->off, d->lay->off, 4);
    int same_size = s->w == d->w && s->h == d->h;
    snprintf(name, sizeof(name), "shuffle %s -> %s", s->lay->name, d->lay->name);
    if (same_size) {
        if (same_order)
            op2(P, "copy", vt_op_copy, s->buf[0], d->buf[0], s->w, s->h, NULL);
        else
            op2(P, name, vt_op_shuffle, s->buf[0], d->buf[0], s->w, s->h,
                shuffle_params(P, s->lay, d->lay));
        return;
    }
    if (same_order) {
        op_scale(P, "scale RGB", s->buf[0], d->buf[0]);
    } else if ((long long)d->w * d->h < (long long)s->w * s->h) {
        Img i = scratch_img(P, s->lay, 1, 0, d->w, d->h);
        op_scale(P, "scale RGB", s->buf[0], i.buf[0]);
        op2(P, name, vt_op_shuffle, i.buf[0], d->buf[0], d->w, d->h,
            shuffle_params(P, s->lay, d->lay));
    } else {
        Img i = scratch_img(P, d->lay, 1, 0, s->w, s->h);
        op2(P, name, vt_op_shuffle, s->buf[0], i.buf[0], s->w, s->h,
            shuffle_params(P, s->lay, d->lay));
        op_scale(P, "scale RGB", i.buf[0], d->buf[0]);
    }
}

static void plane_dims(const Img *im, int sx, int sy, int *cw, int *ch) {
    *cw = (im->w + (1 << sx) - 1) >> sx;
    *ch = (im->h + (1 << sy) - 1) >> sy;
}

/* 8-bit YCbCr / grey -> 8-bit YCbCr / grey, same matrix. */
static void yuv8(VTConvertPlan *P, const Img *s0, const Img *d) {
    Img s = *s0;
    int scale = s.w != d->w || s.h != d->h;
    int range = s.full != d->full;
    const uint8_t *ylut = range ? lut8(P, 0, s.full, d->full) : NULL;
    const uint8_t *clut = range ? lut8(P, 1, s.full, d->full) : NULL;
    int dk = d->lay->kind;
    if (s.lay->kind == VT_LAYOUT_PACKED422) {
        if (dk == VT_LAYOUT_PLANAR && d->lay->sx == 1 && d->lay->sy == 0 && !scale && !range) {
            op_packed(P, 0, &s, d->buf[0], d->buf[d->lay->cb_plane], d->buf[d->lay->cr_plane]);
            return;
        }
        Img i = scratch_img(P, &vt_layout_i422, s.full, s.matrix, s.w, s.h);
        op_packed(P, 0, &s, i.buf[0], i.buf[1], i.buf[2]);
        s = i;
    }
    int d_packed = dk == VT_LAYOUT_PACKED422;
    int yres = chain8(P, s.buf[0], d_packed ? -1 : d->buf[0], &s, d, d->w, d->h, 0, ylut, 0, 0,
                      scale, "Y");
    if (dk == VT_LAYOUT_GRAY)
        return;
    int dsx = d->lay->sx, dsy = d->lay->sy, dcw, dch;
    plane_dims(d, dsx, dsy, &dcw, &dch);
    int cb = -1, cr = -1;
    if (s.lay->kind == VT_LAYOUT_GRAY) {
        if (dk == VT_LAYOUT_PLANAR) {
            op_fill(P, "fill Cb", d->buf[d->lay->cb_plane], 128, 1, d);
            op_fill(P, "fill Cr", d->buf[d->lay->cr_plane], 128, 1, d);
        } else if (dk == VT_LAYOUT_SEMI) {
            op_fill(P, "fill CbCr", d->buf[1], 128, 1, d);
        } else {
            cb = new_buf(P, dcw, dch, 1, dsy, VT_BUF_SCRATCH, 0);
            cr = new_buf(P, dcw, dch, 1, dsy, VT_BUF_SCRATCH, 0);
            op_fill(P, "fill Cb", cb, 128, 1, d);
            op_fill(P, "fill Cr", cr, 128, 1, d);
        }
    } else {
        int ssx = s.lay->sx, ssy = s.lay->sy, scw, sch;
        int sk = s.lay->kind;
        plane_dims(&s, ssx, ssy, &scw, &sch);
        int dx = scale ? 0 : dsx - ssx, dy = scale ? 0 : dsy - ssy;
        int identity = !scale && !dx && !dy && !clut;
        if (sk == VT_LAYOUT_SEMI && dk == VT_LAYOUT_SEMI && s.lay->swap_uv == d->lay->swap_uv &&
            !scale && !dx && !dy) {
            if (clut)
                op2(P, "range CbCr", vt_op_lut8, s.buf[1], d->buf[1], s.w, s.h, clut);
            else
                op2(P, "copy CbCr", vt_op_copy, s.buf[1], d->buf[1], s.w, s.h, NULL);
        } else {
            int su, sv;
            int tu = -1, tv = -1;
            if (dk == VT_LAYOUT_PLANAR) {
                tu = d->buf[d->lay->cb_plane];
                tv = d->buf[d->lay->cr_plane];
            }
            if (sk == VT_LAYOUT_SEMI) {
                if (identity && tu >= 0) {
                    su = tu; /* split straight into the destination planes */
                    sv = tv;
                } else {
                    su = new_buf(P, scw, sch, 1, ssy, VT_BUF_SCRATCH, 0);
                    sv = new_buf(P, scw, sch, 1, ssy, VT_BUF_SCRATCH, 0);
                }
                if (s.lay->swap_uv)
                    op_split(P, s.buf[1], sv, su, 0, &s);
                else
                    op_split(P, s.buf[1], su, sv, 0, &s);
                if (identity && tu >= 0)
                    return;
            } else {
                su = s.buf[s.lay->cb_plane];
                sv = s.buf[s.lay->cr_plane];
            }
            cb = chain8(P, su, tu, &s, d, dcw, dch, dsy, clut, dx, dy, scale, "Cb");
            cr = chain8(P, sv, tv, &s, d, dcw, dch, dsy, clut, dx, dy, scale, "Cr");
            if (dk == VT_LAYOUT_SEMI) {
                if (d->lay->swap_uv)
                    op_merge(P, cr, cb, d->buf[1], 0, d);
                else
                    op_merge(P, cb, cr, d->buf[1], 0, d);
            }
        }
    }
    if (d_packed)
        op_packed(P, 1, d, yres, cb, cr);
}

/* 16-bit -> 16-bit (P010 and the internal planar 16-bit hub). */
static void yuv16(VTConvertPlan *P, const Img *s, const Img *d) {
    int scale = s->w != d->w || s->h != d->h;
    int range = s->full != d->full;
    int d_semi = d->lay->kind == VT_LAYOUT_SEMI16;
    int requant = range || (scale && d_semi); /* P010 keeps 10 significant bits */
    uint16_t *ly = NULL, *lc = NULL;
    if (requant) {
        ly = new_param(P, 1024 * sizeof(uint16_t));
        lc = new_param(P, 1024 * sizeof(uint16_t));
        if (!ly || !lc)
            return;
        vt_color_lut_10_to_16(0, s->full, d->full, ly);
        vt_color_lut_10_to_16(1, s->full, d->full, lc);
    }
    /* Y */
    if (scale)
        op_scale(P, "scale Y (16-bit)", s->buf[0], d->buf[0]);
    else if (!requant)
        op2(P, "copy Y", vt_op_copy, s->buf[0], d->buf[0], s->w, s->h, NULL);
    if (requant)
        op2(P, "requantise Y", vt_op_lut16to16, scale ? d->buf[0] : s->buf[0], d->buf[0], d->w,
            d->h, ly);
    /* chroma (s is P010 here; the planar hub is only ever a destination) */
    if (!scale && d_semi) {
        if (requant)
            op2(P, "requantise CbCr", vt_op_lut16to16, s->buf[1], d->buf[1], s->w, s->h, lc);
        else
            op2(P, "copy CbCr", vt_op_copy, s->buf[1], d->buf[1], s->w, s->h, NULL);
        return;
    }
    int scw, sch, dcw, dch;
    plane_dims(s, 1, 1, &scw, &sch);
    plane_dims(d, 1, 1, &dcw, &dch);
    int su = new_buf(P, scw, sch, 2, 1, VT_BUF_SCRATCH, 0);
    int sv = new_buf(P, scw, sch, 2, 1, VT_BUF_SCRATCH, 0);
    int tu, tv;
    if (d_semi) {
        tu = new_buf(P, dcw, dch, 2, 1, VT_BUF_SCRATCH, 0);
        tv = new_buf(P, dcw, dch, 2, 1, VT_BUF_SCRATCH, 0);
    } else {
        tu = d->buf[d->lay->cb_plane];
        tv = d->buf[d->lay->cr_plane];
    }
    if (!scale) {
        op_split(P, s->buf[1], tu, tv, 1, s);
    } else {
        op_split(P, s->buf[1], su, sv, 1, s);
        op_scale(P, "scale Cb (16-bit)", su, tu);
        op_scale(P, "scale Cr (16-bit)", sv, tv);
    }
    if (requant) {
        op2(P, "requantise Cb", vt_op_lut16to16, tu, tu, d->w, d->h, lc);
        op2(P, "requantise Cr", vt_op_lut16to16, tv, tv, d->w, d->h, lc);
    }
    if (d_semi)
        op_merge(P, tu, tv, d->buf[1], 1, d);
}

static void yuv_planes(VTConvertPlan *P, const Img *s, const Img *d) {
    int s16 = is16(s), d16 = is16(d);
    if (s16 && d16) {
        yuv16(P, s, d);
        return;
    }
    if (s16) {
        /* to 8 bits (and the destination's range) at the source size */
        int planar = s->lay->kind == VT_LAYOUT_PLANAR16;
        Img n = scratch_img(P, planar ? &vt_layout_i420 : &vt_layout_nv12, d->full, s->matrix, s->w,
                            s->h);
        uint8_t *ly = new_param(P, 1024), *lc = new_param(P, 1024);
        if (!ly || !lc)
            return;
        vt_color_lut_10_to_8(0, s->full, d->full, ly);
        vt_color_lut_10_to_8(1, s->full, d->full, lc);
        op2(P, "narrow Y to 8-bit", vt_op_lut16to8, s->buf[0], n.buf[0], s->w, s->h, ly);
        if (fam(d) != FAM_GRAY) {
            for (int p = 1; p < vt_layout_plane_count(n.lay); p++)
                op2(P, "narrow chroma to 8-bit", vt_op_lut16to8, s->buf[p], n.buf[p], s->w, s->h,
                    lc);
        }
        yuv8(P, &n, d);
        return;
    }
    if (d16) {
        Img n = scratch_img(P, &vt_layout_nv12, s->full, d->matrix, d->w, d->h);
        uint16_t *ly = new_param(P, 256 * sizeof(uint16_t));
        uint16_t *lc = new_param(P, 256 * sizeof(uint16_t));
        if (!ly || !lc)
            return;
        yuv8(P, s, &n);
        vt_color_lut_8_to_16(0, s->full, d->full, ly);
        vt_color_lut_8_to_16(1, s->full, d->full, lc);
        op2(P, "widen Y to 10-bit", vt_op_lut8to16, n.buf[0], d->buf[0], d->w, d->h, ly);
        op2(P, "widen CbCr to 10-bit", vt_op_lut8to16, n.buf[1], d->buf[1], d->w, d->h, lc);
        return;
    }
    yuv8(P, s, d);
}

static void build_same(VTConvertPlan *P, const Img *s, const Img *d) {
    if (fam(s) == FAM_RGB)
        rgb_same(P, s, d);
    else
        yuv_planes(P, s, d);
}

static void op_rgb24(VTConvertPlan *P, int pack, const Img *rgb24, int s, int d) {
    char name[48];
    snprintf(name, sizeof(name), pack ? "pack BGRA -> %s" : "expand %s -> BGRA", rgb24->lay->name);
    VTOp *op = new_op(P, name, vt_op_rgb24, rgb24->w, rgb24->h);
    if (!op)
        return;
    op->b[0] = (int16_t)s;
    op->b[1] = (int16_t)d;
    op->i[0] = pack;
    op->p = rgb24->lay;
}

static void build(VTConvertPlan *P, const Img *s, const Img *d) {
    if (P->error)
        return;
    /* 3-byte RGB is expanded to / packed from BGRA around everything else */
    if (s->lay->kind == VT_LAYOUT_RGB24) {
        Img i = scratch_img(P, &vt_layout_bgra, 1, 0, s->w, s->h);
        op_rgb24(P, 0, s, s->buf[0], i.buf[0]);
        build(P, &i, d);
        return;
    }
    if (d->lay->kind == VT_LAYOUT_RGB24) {
        Img i = scratch_img(P, &vt_layout_bgra, 1, 0, d->w, d->h);
        build(P, s, &i);
        op_rgb24(P, 1, d, i.buf[0], d->buf[0]);
        return;
    }
    int fs = fam(s), fd = fam(d);
    int same_size = s->w == d->w && s->h == d->h;
    int matrix_change = fs == FAM_YUV && fd == FAM_YUV && s->matrix != d->matrix;
    int cross = (fs == FAM_RGB) != (fd == FAM_RGB) || matrix_change;
    if (!same_size && cross) {
        if ((long long)d->w * d->h < (long long)s->w * s->h) {
            Img i = scratch_img(P, hub_src(s->lay), s->full, s->matrix, d->w, d->h);
            build_same(P, s, &i);
            build(P, &i, d);
        } else {
            Img i = scratch_img(P, hub_dst(d->lay), d->full, d->matrix, s->w, s->h);
            build(P, s, &i);
            build_same(P, &i, d);
        }
        return;
    }
    if (cross) {
        if (fd == FAM_RGB) {
            yuv_to_rgb(P, s, d);
        } else if (fs == FAM_RGB) {
            rgb_to_yuv(P, s, d);
        } else {
            Img i = scratch_img(P, &vt_layout_bgra, 1, 0, s->w, s->h);
            yuv_to_rgb(P, s, &i);
            rgb_to_yuv(P, &i, d);
        }
        return;
    }
    build_same(P, s, d);
}

/* ---- plan assembly -------------------------------------------------------------------- */

static int resolve_matrix(int m, int w, int h) {
    switch (m) {
    case VT_MATRIX_BT709:
    case VT_MATRIX_BT2020:
        return m;
    case VT_MATRIX_BT601:
    case VT_MATRIX_BT470BG:
        return VT_MATRIX_BT601;
    default:
        return (w >= 1280 || h >= 720) ? VT_MATRIX_BT709 : VT_MATRIX_BT601;
    }
}

static int known_matrix(int m) {
    return m == VT_MATRIX_BT709 || m == VT_MATRIX_BT2020 || m == VT_MATRIX_BT601 ||
           m == VT_MATRIX_BT470BG;
}

/* Might op `o` write buffer b? Conservative: every slot but the first (the
 * only way two scale ops could depend on each other). */
static int op_writes(const VTOp *o, int b) {
    for (int i = 1; i < VT_OP_MAX_BUFS; i++)
        if (o->b[i] == b)
            return 1;
    return 0;
}

static void build_stages(VTConvertPlan *P) {
    P->n_stages = 0;
    for (int i = 0; i < P->n_ops; i++) {
        VTOp *op = &P->ops[i];
        VTStage *st = P->n_stages ? &P->stages[P->n_stages - 1] : NULL;
        int join = 0;
        if (st && !op->whole && !st->whole && st->w == op->w && st->h == op->h)
            join = 1;
        if (st && op->whole && st->whole) {
            join = 1;
            for (int k = st->first; k < st->first + st->count; k++)
                if (op_writes(&P->ops[k], op->b[0]))
                    join = 0;
        }
        if (join) {
            st->count++;
            if (op->whole)
                st->tasks += op->max_parts;
            continue;
        }
        st = &P->stages[P->n_stages++];
        st->first = i;
        st->count = 1;
        st->whole = op->whole != NULL;
        st->w = op->w;
        st->h = op->h;
        if (st->whole) {
            st->tasks = op->max_parts;
        } else {
            int bands = P->n_threads;
            if (bands > (op->h + 1) / 2)
                bands = (op->h + 1) / 2;
            st->tasks = bands < 1 ? 1 : bands;
        }
    }
}

static void describe(VTConvertPlan *P) {
    size_t at = 0;
    at += (size_t)snprintf(P->desc, sizeof(P->desc), "%s %dx%d -> %s %dx%d:", P->src_lay->name,
                           P->src_w, P->src_h, P->dst_lay->name, P->dst_w, P->dst_h);
    for (int i = 0; i < P->n_ops && at < sizeof(P->desc); i++)
        at += (size_t)snprintf(P->desc + at, sizeof(P->desc) - at, "%s %s", i ? ";" : "",
                               P->ops[i].name);
}

void vt_convert_options_init(VTConvertOptions *opts) {
    if (!opts)
        return;
    memset(opts, 0, sizeof(*opts));
    opts->downsampling = VT_DOWNSAMPLE_DECIMATE;
    opts->filter = VT_SCALE_FILTER_AUTO;
    opts->src_matrix = VT_MATRIX_UNSPECIFIED;
    opts->dst_matrix = VT_MATRIX_UNSPECIFIED;
    opts->n_threads = 1;
}

static int range_of(const VTPixelFormatInfo *f, const VTLayout *l) {
    if (vt_layout_is_rgb(l))
        return 1;
    return f->full_range ? 1 : 0;
}

OSStatus vt_convert_plan_create(const VTImage *src, const VTImage *dst,
                                const VTConvertOptions *opts, VTConvertPlan **plan_out) {
    VTConvertOptions defaults;
    VT_CHECK_ARG(plan_out != NULL, VT_CONVERT_ERR_PARAM);
    *plan_out = NULL;
    VT_CHECK_ARG(src != NULL && dst != NULL, VT_CONVERT_ERR_PARAM);
    VT_CHECK_ARG(src->fmt != NULL && dst->fmt != NULL, VT_CONVERT_ERR_PARAM);
    if (src->width < 1 || src->height < 1 || dst->width < 1 || dst->height < 1 ||
        src->width > VT_CONVERT_MAX_DIMENSION || src->height > VT_CONVERT_MAX_DIMENSION ||
        dst->width > VT_CONVERT_MAX_DIMENSION || dst->height > VT_CONVERT_MAX_DIMENSION) {
        vt_debug("convert: bad size %dx%d -> %dx%d", src->width, src->height, dst->width,
                 dst->height);
        return VT_CONVERT_ERR_PARAM;
    }
    if (!opts) {
        vt_convert_options_init(&defaults);
        opts = &defaults;
    }
    if ((opts->downsampling != VT_DOWNSAMPLE_DECIMATE &&
         opts->downsampling != VT_DOWNSAMPLE_AVERAGE) ||
        (unsigned)opts->filter > VT_SCALE_FILTER_BOX || opts->n_threads < 0 ||
        opts->n_threads > VT_CONVERT_MAX_THREADS) {
        vt_debug("convert: bad options");
        return VT_CONVERT_ERR_PARAM;
    }
    const VTLayout *sl = vt_convert_layout_for(src->fmt);
    const VTLayout *dl = vt_convert_layout_for(dst->fmt);
    if (!sl || !dl) {
        const VTPixelFormatInfo *f = sl ? dst->fmt : src->fmt;
        vt_warn("convert: pixel format '%s' (0x%08x) is not supported by the pixel transfer",
                f->name ? f->name : "?", (unsigned)f->fourcc);
        return VT_CONVERT_ERR_NOT_SUPPORTED;
    }

    VTConvertPlan *P = vt_malloc_aligned(sizeof(*P), 64);
    if (!P)
        return VT_CONVERT_ERR_ALLOC;
    memset(P, 0, offsetof(VTConvertPlan, params));
    P->src_fmt = src->fmt;
    P->dst_fmt = dst->fmt;
    P->src_lay = sl;
    P->dst_lay = dl;
    P->src_w = src->width;
    P->src_h = src->height;
    P->dst_w = dst->width;
    P->dst_h = dst->height;
    P->src_full = range_of(src->fmt, sl);
    P->dst_full = range_of(dst->fmt, dl);
    P->opts = *opts;
    P->n_threads = opts->n_threads < 1 ? 1 : opts->n_threads;
    int up = (long long)P->dst_w * P->dst_h >= (long long)P->src_w * P->src_h;
    P->filter = opts->filter != VT_SCALE_FILTER_AUTO          ? (int)opts->filter
                : up                                          ? VT_SCALE_FILTER_BILINEAR
                : opts->downsampling == VT_DOWNSAMPLE_AVERAGE ? VT_SCALE_FILTER_BOX
                                                              : VT_SCALE_FILTER_POINT;
    /* Matrices: the YCbCr side's size decides an unspecified one; a YCbCr
     * destination without one keeps the source's. */
    int src_yuv = vt_layout_is_yuv(sl);
    P->src_matrix = resolve_matrix(opts->src_matrix, P->src_w, P->src_h);
    if (known_matrix(opts->dst_matrix) || !src_yuv)
        P->dst_matrix = resolve_matrix(opts->dst_matrix, P->dst_w, P->dst_h);
    else
        P->dst_matrix = P->src_matrix;

    Img s = make_img(P, sl, P->src_full, P->src_matrix, P->src_w, P->src_h, VT_BUF_SRC);
    Img d = make_img(P, dl, P->dst_full, P->dst_matrix, P->dst_w, P->dst_h, VT_BUF_DST);
    if (sl == dl && P->src_full == P->dst_full && P->src_w == P->dst_w && P->src_h == P->dst_h &&
        (P->src_matrix == P->dst_matrix || !src_yuv)) {
        for (int p = 0; p < vt_layout_plane_count(sl); p++)
            op2(P, p ? "copy plane" : "copy", vt_op_copy, s.buf[p], d.buf[p], s.w, s.h, NULL);
    } else {
        build(P, &s, &d);
    }
    if (!P->error && P->n_ops == 0)
        fail(P, VT_CONVERT_ERR_NOT_SUPPORTED, "no conversion steps");
    if (P->error) {
        OSStatus st = P->error;
        vt_free_aligned(P);
        return st;
    }

    /* scratch planes: 64-byte aligned rows in one block */
    size_t total = 0, tmp = 0;
    for (int i = 0; i < P->n_bufs; i++) {
        VTBuf *b = &P->bufs[i];
        if (b->ext != VT_BUF_SCRATCH)
            continue;
        size_t stride = ((size_t)b->w * b->bpe + 63) & ~(size_t)63;
        b->stride = (ptrdiff_t)stride;
        b->data = (uint8_t *)(uintptr_t)total; /* offset for now */
        total += stride * (size_t)b->h;
    }
    for (int i = 0; i < P->n_ops; i++)
        if (P->ops[i].tmp_bytes > tmp)
            tmp = P->ops[i].tmp_bytes;
    P->scratch_bytes = total;
    if (total) {
        P->scratch = vt_malloc_aligned(total, 64);
        if (!P->scratch)
            goto oom;
        for (int i = 0; i < P->n_bufs; i++)
            if (P->bufs[i].ext == VT_BUF_SCRATCH)
                P->bufs[i].data = P->scratch + (uintptr_t)P->bufs[i].data;
    }
    P->tmp_stride = (tmp + 63) & ~(size_t)63;
    if (P->tmp_stride) {
        P->tmp = vt_malloc_aligned(P->tmp_stride * (size_t)P->n_threads, 64);
        if (!P->tmp)
            goto oom;
    }
    build_stages(P);
    if (P->n_threads > 1) {
        P->pool = pool_create(P->n_threads - 1);
        if (!P->pool)
            goto oom;
    }
    describe(P);
    vt_debug("convert: plan %s", P->desc);
    *plan_out = P;
    return 0;
oom:
    vt_convert_plan_destroy(P);
    return VT_CONVERT_ERR_ALLOC;
}

void vt_convert_plan_destroy(VTConvertPlan *plan) {
    if (!plan)
        return;
    pool_destroy(plan->pool);
    vt_free_aligned(plan->scratch);
    vt_free_aligned(plan->tmp);
    vt_free_aligned(plan);
}

const char *vt_convert_plan_describe(const VTConvertPlan *plan) {
    return plan ? plan->desc : "";
}

int vt_convert_plan_step_count(const VTConvertPlan *plan) {
    return plan ? plan->n_ops : 0;
}

size_t vt_convert_plan_scratch_bytes(const VTConvertPlan *plan) {
    return plan ? plan->scratch_bytes : 0;
}

/* ---- execution ------------------------------------------------------------------------- */

typedef struct RunCtx {
    VTConvertPlan *plan;
    VTBuf *bufs;
    const VTStage *stage;
    int band;
} RunCtx;

static void run_task(void *ctx, int task, int worker) {
    RunCtx *rc = ctx;
    VTConvertPlan *P = rc->plan;
    const VTStage *st = rc->stage;
    if (st->whole) {
        for (int k = st->first; k < st->first + st->count; k++) {
            const VTOp *op = &P->ops[k];
            if (task < op->max_parts) {
                op->whole(op, rc->bufs, P->tmp ? P->tmp + (size_t)worker * P->tmp_stride : NULL,
                          task, op->max_parts);
                return;
            }
            task -= op->max_parts;
        }
        return;
    }
    int y0 = task * rc->band;
    int y1 = y0 + rc->band > st->h ? st->h : y0 + rc->band;
    if (y0 >= y1)
        return;
    uint8_t *tmp = P->tmp ? P->tmp + (size_t)worker * P->tmp_stride : NULL;
    for (int k = st->first; k < st->first + st->count; k++)
        P->ops[k].rows(&P->ops[k], rc->bufs, tmp, y0, y1);
}

static int check_image(const VTConvertPlan *P, const VTImage *im, int dst) {
    const VTPixelFormatInfo *f = dst ? P->dst_fmt : P->src_fmt;
    const VTLayout *l = dst ? P->dst_lay : P->src_lay;
    if (!im->fmt ||
        (im->fmt != f && (im->fmt->fourcc != f->fourcc || im->fmt->full_range != f->full_range)))
        return 0;
    if (im->width != (dst ? P->dst_w : P->src_w) || im->height != (dst ? P->dst_h : P->src_h))
        return 0;
    for (int p = 0; p < vt_layout_plane_count(l); p++) {
        int pw, ph, bpe, psy;
        vt_layout_plane_geometry(l, p, im->width, im->height, &pw, &ph, &bpe, &psy);
        long long row = (long long)pw * bpe;
        long long stride = im->stride[p] < 0 ? -(long long)im->stride[p] : im->stride[p];
        if (!im->data[p] || stride < row)
            return 0;
        if (vt_layout_is_16bit(l) && (((uintptr_t)im->data[p] & 1) || (stride & 1)))
            return 0;
    }
    return 1;
}

/* Stages that only move bytes (plane copies, chroma (de)interleaving) run
 * at memory speed: one core already takes about as long as waking a worker
 * (a 1080p I420 <-> NV12 is ~0.07 ms), and on small machines two threads
 * copying only contend for the same memory bandwidth. They run on the
 * calling thread; the bands are the same, so is the output. */
static int stage_moves_only(const VTConvertPlan *P, const VTStage *st) {
    if (st->whole)
        return 0;
    for (int k = st->first; k < st->first + st->count; k++) {
        VTOpRows f = P->ops[k].rows;
        if (f != vt_op_copy && f != vt_op_merge_uv && f != vt_op_split_uv)
            return 0;
    }
    return 1;
}

OSStatus vt_convert_plan_run(VTConvertPlan *plan, const VTImage *src, VTImage *dst) {
    VTBuf bufs[MAX_BUFS];
    VT_CHECK_ARG(plan != NULL && src != NULL && dst != NULL, VT_CONVERT_ERR_PARAM);
    if (!check_image(plan, src, 0) || !check_image(plan, dst, 1)) {
        vt_debug("convert: images do not match the plan %s", plan->desc);
        return VT_CONVERT_ERR_PARAM;
    }
    memcpy(bufs, plan->bufs, sizeof(VTBuf) * (size_t)plan->n_bufs);
    for (int i = 0; i < plan->n_bufs; i++) {
        const VTImage *im = bufs[i].ext == VT_BUF_SRC   ? src
                            : bufs[i].ext == VT_BUF_DST ? dst
                                                        : NULL;
        if (!im)
            continue;
        bufs[i].data = im->data[bufs[i].plane];
        bufs[i].stride = im->stride[bufs[i].plane];
    }
    RunCtx rc;
    rc.plan = plan;
    rc.bufs = bufs;
    for (int s = 0; s < plan->n_stages; s++) {
        const VTStage *st = &plan->stages[s];
        rc.stage = st;
        rc.band = 0;
        if (!st->whole) {
            int band = (st->h + st->tasks - 1) / st->tasks;
            rc.band = (band + 1) & ~1;
        }
        pool_run(stage_moves_only(plan, st) ? NULL : plan->pool, run_task, &rc, st->tasks);
    }
    return 0;
}

OSStatus vt_convert_image(const VTImage *src, VTImage *dst, const VTConvertOptions *opts) {
    VTConvertPlan *plan;
    VT_CHECK_ARG(src != NULL && dst != NULL, VT_CONVERT_ERR_PARAM);
    OSStatus st = vt_convert_plan_create(src, dst, opts, &plan);
    if (st)
        return st;
    st = vt_convert_plan_run(plan, src, dst);
    vt_convert_plan_destroy(plan);
    return st;
}
