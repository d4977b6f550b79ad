/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * BGRA -> I420 (BT.601, video range) through VTPixelTransferSession compared
 * with an implementation we did not write: ffmpeg's swscale
 *   ffmpeg -f rawvideo -pix_fmt bgra -s WxH -i in.bgra
 *          -vf scale=flags=accurate_rnd+full_chroma_int:out_color_matrix=bt601:out_range=tv
 *          -pix_fmt yuv420p -f rawvideo out.yuv
 * on a smooth test picture (gradients, a soft disc) at 96x64 and at the odd
 * size 75x41.
 *
 * Tolerances: luma max |diff| <= 1 (both compute the same BT.601 equation,
 * rounding may differ by one code). Chroma is compared with the Average
 * downsampling mode (vtcore: centred 2x2 mean; swscale: its own 2:1 chroma
 * filter and siting), so on this smooth picture max |diff| <= 3 and mean
 * |diff| <= 1.0 (1.5 at odd sizes, where swscale spreads W pixels over
 * (W+1)/2 chroma samples instead of pairing them). At odd sizes the chroma samples covering only
 * the last column / row are compared with the float reference instead (max 2): swscale does not
 * derive them from the edge pixels. Skipped (77) when ffmpeg is missing. VTCORE_KEEP_TEST_FILES=1
 * keeps the files in the temporary directory.
 */
#include <stdlib.h>
#include <unistd.h>

#include "transfer_test_util.h"

static int have_ffmpeg(void) {
    return system("command -v ffmpeg >/dev/null 2>&1") == 0;
}

static void picture(TBuf *b) {
    int w = b->t.im.width, h = b->t.im.height;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            double fx = (double)x / w, fy = (double)y / h;
            double dx = fx - 0.5, dy = fy - 0.5;
            double disc = exp(-(dx * dx + dy * dy) * 12.0);
            int r = t_clampi(30 + 200 * fx * (1 - 0.5 * disc), 255);
            int g = t_clampi(20 + 180 * fy + 40 * disc, 255);
            int bl = t_clampi(220 - 150 * fx * fy + 30 * disc, 255);
            t_set_rgb(&b->t, x, y, r, g, bl, 255);
        }
}

typedef struct Stats {
    int max;
    double sum;
    long n;
} Stats;

static void acc(Stats *s, int a, int b) {
    int d = abs(a - b);
    if (d > s->max)
        s->max = d;
    s->sum += d;
    s->n++;
}

static void compare_case(const char *dir, int w, int h) {
    char in[512], out[512], cmd[2048];
    snprintf(in, sizeof(in), "%s/in_%dx%d.bgra", dir, w, h);
    snprintf(out, sizeof(out), "%s/out_%dx%d.yuv", dir, w, h);
    TBuf src, dst;
    if (!tb_alloc(&src, kCVPixelFormatType_32BGRA, w, h, 0) ||
        !tb_alloc(&dst, kCVPixelFormatType_420YpCbCr8Planar, w, h, 0)) {
        CHECK(0);
        return;
    }
    picture(&src);
    FILE *f = fopen(in, "wb");
    CHECK(f != NULL);
    if (!f)
        return;
    for (int y = 0; y < h; y++)
        fwrite(t_row(&src.t, 0, y), 4, (size_t)w, f);
    fclose(f);
    snprintf(cmd, sizeof(cmd),
             "ffmpeg -nostdin -v error -y -f rawvideo -pix_fmt bgra -s %dx%d -i '%s' -vf "
             "scale=flags=accurate_rnd+full_chroma_int:out_color_matrix=bt601:out_range=tv "
             "-pix_fmt yuv420p -f rawvideo '%s'",
             w, h, in, out);
    CHECK_MSG(system(cmd) == 0, "%s", cmd);

    int cw = (w + 1) / 2, ch = (h + 1) / 2;
    size_t size = (size_t)w * h + 2 * (size_t)cw * ch;
    uint8_t *ref = calloc(1, size);
    f = fopen(out, "rb");
    size_t got = f ? fread(ref, 1, size, f) : 0;
    if (f)
        fclose(f);
    CHECK_MSG(got == size, "ffmpeg output %zu bytes, want %zu", got, size);

    VTPixelTransferSessionRef s = NULL;
    CHECK_STATUS(VTPixelTransferSessionCreate(NULL, &s), noErr);
    VTSessionSetProperty(s, kVTPixelTransferPropertyKey_DestinationYCbCrMatrix,
                         kCVImageBufferYCbCrMatrix_ITU_R_601_4);
    VTSessionSetProperty(s, kVTPixelTransferPropertyKey_DownsamplingMode,
                         kVTDownsamplingMode_Average);
    CHECK_STATUS(VTPixelTransferSessionTransferImage(s, src.pb, dst.pb), noErr);

    if (got == size) {
        Stats sy = {0, 0, 0}, sc = {0, 0, 0}, se = {0, 0, 0};
        const uint8_t *ry = ref, *ru = ref + (size_t)w * h, *rv = ru + (size_t)cw * ch;
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                acc(&sy, t_row(&dst.t, 0, y)[x], ry[(size_t)y * w + x]);
        for (int y = 0; y < ch; y++)
            for (int x = 0; x < cw; x++) {
                int u = t_row(&dst.t, 1, y)[x], v = t_row(&dst.t, 2, y)[x];
                int fu = ru[(size_t)y * cw + x], fv = rv[(size_t)y * cw + x];
                if (2 * x + 1 < w && 2 * y + 1 < h) {
                    acc(&sc, u, fu);
                    acc(&sc, v, fv);
                    continue;
                }
                /* A chroma sample covering only 1 or 2 pixels (odd size):
                 * swscale does not compute it from the edge pixels alone
                 * (e.g. 75x41: column 37 is far off), so compare with the
                 * float reference: the mean of the pixels inside. */
                double m[3] = {0, 0, 0}, yuv[3];
                int n = 0, c[4];
                for (int yy = 2 * y; yy < 2 * y + 2 && yy < h; yy++)
                    for (int xx = 2 * x; xx < 2 * x + 2 && xx < w; xx++) {
                        t_get_rgb(&src.t, xx, yy, c);
                        m[0] += c[0];
                        m[1] += c[1];
                        m[2] += c[2];
                        n++;
                    }
                t_ref_rgb_to_yuv(m[0] / n, m[1] / n, m[2] / n, 8, 0, 6, yuv);
                acc(&se, u, t_clampi(yuv[1], 255));
                acc(&se, v, t_clampi(yuv[2], 255));
            }
        printf("%dx%d vs swscale: Y max %d mean %.3f, CbCr max %d mean %.3f\n", w, h, sy.max,
               sy.sum / sy.n, sc.max, sc.sum / sc.n);
        CHECK_MSG(sy.max <= 1, "luma max diff %d", sy.max);
        CHECK_MSG(sc.max <= 3, "chroma max diff %d", sc.max);
        double mean_tol = (w % 2 || h % 2) ? 1.5 : 1.0;
        CHECK_MSG(sc.sum / sc.n <= mean_tol, "chroma mean diff %.3f", sc.sum / sc.n);
        if (se.n) {
            printf("  %ld partial edge chroma samples vs float reference: max %d\n", se.n, se.max);
            CHECK_MSG(se.max <= 2, "edge chroma max diff %d", se.max);
        }
    }
    if (s) {
        VTPixelTransferSessionInvalidate(s);
        CFRelease(s);
    }
    free(ref);
    tb_free(&src);
    tb_free(&dst);
    if (!getenv("VTCORE_KEEP_TEST_FILES")) {
        unlink(in);
        unlink(out);
    }
}

int main(void) {
    if (!have_ffmpeg())
        VT_TEST_SKIP("ffmpeg not found: cannot compare with swscale");
    char dir[] = "/tmp/vtcore-transfer-ffmpeg-XXXXXX";
    if (!mkdtemp(dir))
        VT_TEST_SKIP("no temporary directory");
    compare_case(dir, 96, 64);
    compare_case(dir, 75, 41);
    if (!getenv("VTCORE_KEEP_TEST_FILES"))
        rmdir(dir);
    else
        printf("files kept in %s\n", dir);
    return vt_test_result();
}
