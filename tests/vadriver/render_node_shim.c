/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * TEST FIXTURE ONLY: the "render node substitute" of the test VA driver.
 *
 * vaGetDisplayDRM() (libva-drm) accepts only file descriptors of DRM device
 * nodes: it asks libdrm's drmGetNodeTypeFromFd(). Machines without a GPU have
 * no such node, so the tests point the backend (VTCORE_VAAPI_DEVICE) at a
 * regular file that starts with the line "VTCORE-TEST-RENDER-NODE", and link
 * this definition of drmGetNodeTypeFromFd() into the test executable (or
 * LD_PRELOAD it as libvtcoretest_render_node.so into another process). It
 * reports such files as render nodes and forwards every other descriptor to
 * the real libdrm function. libva then loads the driver named by
 * LIBVA_DRIVER_NAME (vtcoretest) from LIBVA_DRIVERS_PATH. The backend itself
 * runs its production code path unchanged: open(), vaGetDisplayDRM(),
 * vaInitialize().
 */
#include <dlfcn.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SUBSTITUTE_MAGIC     "VTCORE-TEST-RENDER-NODE\n"
#define DRM_NODE_RENDER_TYPE 2 /* DRM_NODE_RENDER in xf86drm.h */

__attribute__((visibility("default"))) int drmGetNodeTypeFromFd(int fd);

int drmGetNodeTypeFromFd(int fd) {
    static int (*real)(int);
    int (*fn)(int);
    char buf[sizeof(SUBSTITUTE_MAGIC) - 1];
    struct stat st;

    if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
        pread(fd, buf, sizeof(buf), 0) == (ssize_t)sizeof(buf) &&
        memcmp(buf, SUBSTITUTE_MAGIC, sizeof(buf)) == 0)
        return DRM_NODE_RENDER_TYPE;

    fn = __atomic_load_n(&real, __ATOMIC_ACQUIRE);
    if (!fn) {
        void *sym = dlsym(RTLD_NEXT, "drmGetNodeTypeFromFd");
        memcpy(&fn, &sym, sizeof(fn));
        __atomic_store_n(&real, fn, __ATOMIC_RELEASE);
    }
    return fn ? fn(fd) : -1;
}
