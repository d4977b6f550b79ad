/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * VTMultiPassStorage: creation with and without a file URL, where the
 * statistics path lies, deletion on close / release (and not with
 * DoNotDelete or for a file that existed before), double close, bad
 * arguments, the pass bookkeeping the session uses (begin/end, identity
 * mismatch, completed passes, statistics present), allocation failures.
 * TMPDIR points at a private directory that must be empty at the end.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CoreFoundation/CoreFoundation.h>
#include <CoreMedia/CoreMedia.h>
#include <VideoToolbox/VideoToolbox.h>
#include <vtcore/vtcore.h>

#include "runtime.h"
#include "vt/multipass_internal.h"
#include "vt_test.h"

static char g_dir[256];

static Boolean exists(const char *path) {
    struct stat st;
    return stat(path, &st) == 0;
}

static void write_file(const char *path, const char *text) {
    FILE *f = fopen(path, "w");
    CHECK_MSG(f != NULL, "cannot write %s: %s", path, strerror(errno));
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

static CFURLRef url_for(const char *path, Boolean is_dir) {
    return CFURLCreateFromFileSystemRepresentation(NULL, (const UInt8 *)path, (CFIndex)strlen(path),
                                                   is_dir);
}

static CFDictionaryRef options_do_not_delete(CFTypeRef value) {
    const void *k = kVTMultiPassStorageCreationOption_DoNotDelete, *v = value;
    return CFDictionaryCreate(NULL, &k, &v, 1, &kCFTypeDictionaryKeyCallBacks,
                              &kCFTypeDictionaryValueCallBacks);
}

/* What a backend does during an analysis pass: write the statistics and a
 * companion file next to them. */
static void fake_backend_pass(VTMultiPassStorageRef s, const char *text) {
    const char *path = vt_multipass_storage_get_stats_path(s);
    char companion[1024];
    CHECK(path != NULL);
    if (!path)
        return;
    write_file(path, text);
    snprintf(companion, sizeof(companion), "%s.mbtree", path);
    write_file(companion, "tree");
}

static void test_temporary(void) {
    VTMultiPassStorageRef s = NULL;
    char path[1024], dir[1024], companion[1100];
    int completed = -1;
    CMTimeRange r = CMTimeRangeMake(kCMTimeZero, CMTimeMake(10, 1));

    CHECK_STATUS(VTMultiPassStorageCreate(NULL, NULL, kCMTimeRangeInvalid, NULL, &s), noErr);
    if (!s)
        return;
    CHECK_EQ_INT(CFGetTypeID(s), VTMultiPassStorageGetTypeID());
    CHECK_EQ_INT(VTMultiPassStorageGetTypeID(), VT_TYPE_ID_MULTI_PASS_STORAGE);
    CHECK(vt_multipass_storage_is(s));
    {
        CFStringRef desc = CFCopyDescription(s);
        CHECK(desc != NULL);
        if (desc)
            CFRelease(desc);
    }
    snprintf(path, sizeof(path), "%s", vt_multipass_storage_get_stats_path(s));
    snprintf(dir, sizeof(dir), "%s", path);
    if (strrchr(dir, '/'))
        *strrchr(dir, '/') = '\0';
    snprintf(companion, sizeof(companion), "%s.mbtree", path);
    /* a private directory inside TMPDIR */
    CHECK_MSG(strncmp(path, g_dir, strlen(g_dir)) == 0, "%s not in %s", path, g_dir);
    CHECK(exists(dir));
    CHECK(!vt_multipass_storage_has_statistics(s));
    CHECK(CMTIMERANGE_IS_INVALID(vt_multipass_storage_get_time_range(s)));
    vt_multipass_storage_set_time_range(s, r);
    CHECK(CMTimeRangeEqual(vt_multipass_storage_get_time_range(s), r));

    /* pass bookkeeping */
    CHECK_EQ_INT(vt_multipass_storage_get_completed_passes(s), 0);
    CHECK(!vt_multipass_storage_pass_active(s));
    CHECK_STATUS(vt_multipass_storage_end_pass(s, TRUE), kVTParameterErr);
    CHECK_STATUS(vt_multipass_storage_begin_pass(s, "x264 64x64", &completed), noErr);
    CHECK_EQ_INT(completed, 0);
    CHECK(vt_multipass_storage_pass_active(s));
    CHECK_STATUS(vt_multipass_storage_begin_pass(s, "x264 64x64", &completed), kVTParameterErr);
    fake_backend_pass(s, "#options: 64x64\n");
    CHECK_STATUS(vt_multipass_storage_end_pass(s, TRUE), noErr);
    CHECK(vt_multipass_storage_has_statistics(s));
    CHECK_EQ_INT(vt_multipass_storage_get_completed_passes(s), 1);
    CHECK_STATUS(vt_multipass_storage_begin_pass(s, "x264 128x128", &completed),
                 kVTMultiPassStorageIdentifierMismatchErr);
    CHECK(!vt_multipass_storage_pass_active(s));
    CHECK_STATUS(vt_multipass_storage_begin_pass(s, NULL, &completed), noErr);
    CHECK_EQ_INT(completed, 1);
    CHECK_STATUS(vt_multipass_storage_end_pass(s, FALSE), noErr); /* aborted pass */
    CHECK_EQ_INT(vt_multipass_storage_get_completed_passes(s), 1);
    CHECK_STATUS(vt_multipass_storage_begin_pass(s, "x264 64x64", NULL), noErr);
    CHECK_STATUS(vt_multipass_storage_end_pass(s, TRUE), noErr);
    CHECK_EQ_INT(vt_multipass_storage_get_completed_passes(s), 2);

    /* close deletes the files and the directory; the object lives on */
    CHECK(exists(path) && exists(companion));
    CHECK(!vt_multipass_storage_is_closed(s));
    CHECK_STATUS(VTMultiPassStorageClose(s), noErr);
    CHECK(vt_multipass_storage_is_closed(s));
    CHECK(!exists(path));
    CHECK(!exists(companion));
    CHECK(!exists(dir));
    CHECK(!vt_multipass_storage_has_statistics(s));
    CHECK_STATUS(VTMultiPassStorageClose(s), kVTMultiPassStorageInvalidErr);
    CHECK_STATUS(vt_multipass_storage_begin_pass(s, "x264 64x64", &completed),
                 kVTMultiPassStorageInvalidErr);
    CHECK(vt_multipass_storage_get_stats_path(s) != NULL);
    CFRelease(s);

    /* released without Close: deleted too */
    s = NULL;
    CHECK_STATUS(VTMultiPassStorageCreate(NULL, NULL, kCMTimeRangeInvalid, NULL, &s), noErr);
    if (!s)
        return;
    snprintf(path, sizeof(path), "%s", vt_multipass_storage_get_stats_path(s));
    fake_backend_pass(s, "stats");
    CHECK(exists(path));
    CFRelease(s);
    CHECK(!exists(path));
}

static void test_file_url(void) {
    VTMultiPassStorageRef s = NULL;
    char path[512], companion[600];
    CFURLRef url;
    CFDictionaryRef keep = options_do_not_delete(kCFBooleanTrue);
    CFDictionaryRef dont_keep = options_do_not_delete(kCFBooleanFalse);

    snprintf(path, sizeof(path), "%s/two-pass.stats", g_dir);
    snprintf(companion, sizeof(companion), "%s.mbtree", path);
    url = url_for(path, FALSE);

    /* new file: created, then deleted on Close */
    CHECK_STATUS(VTMultiPassStorageCreate(NULL, url, kCMTimeRangeInvalid, dont_keep, &s), noErr);
    if (s) {
        CHECK(strcmp(vt_multipass_storage_get_stats_path(s), path) == 0);
        CHECK(exists(path));
        CHECK(!vt_multipass_storage_has_statistics(s)); /* empty */
        fake_backend_pass(s, "stats");
        CHECK(vt_multipass_storage_has_statistics(s));
        CHECK_STATUS(VTMultiPassStorageClose(s), noErr);
        CHECK(!exists(path));
        CHECK(!exists(companion));
        CFRelease(s);
        s = NULL;
    }

    /* DoNotDelete: the files stay after Close and release */
    CHECK_STATUS(VTMultiPassStorageCreate(NULL, url, kCMTimeRangeInvalid, keep, &s), noErr);
    if (s) {
        fake_backend_pass(s, "kept stats");
        CHECK_STATUS(VTMultiPassStorageClose(s), noErr);
        CFRelease(s);
        s = NULL;
        CHECK(exists(path));
        CHECK(exists(companion));
    }

    /* the file exists now: it is used, and never deleted */
    CHECK_STATUS(VTMultiPassStorageCreate(NULL, url, kCMTimeRangeInvalid, NULL, &s), noErr);
    if (s) {
        CHECK(vt_multipass_storage_has_statistics(s));
        CHECK_STATUS(VTMultiPassStorageClose(s), noErr);
        CFRelease(s);
        s = NULL;
        CHECK(exists(path));
    }
    unlink(path);
    unlink(companion);

    /* released without Close: deleted */
    CHECK_STATUS(VTMultiPassStorageCreate(NULL, url, kCMTimeRangeInvalid, NULL, &s), noErr);
    if (s) {
        fake_backend_pass(s, "stats");
        CFRelease(s);
        s = NULL;
        CHECK(!exists(path));
        CHECK(!exists(companion));
    }
    CFRelease(url);
    CFRelease(keep);
    CFRelease(dont_keep);
}

static void test_bad_arguments(void) {
    VTMultiPassStorageRef s = (VTMultiPassStorageRef)(uintptr_t)1;
    CFURLRef dir_url = url_for(g_dir, TRUE);
    CFURLRef missing = url_for("/nonexistent-vtcore-dir/stats", FALSE);
    char sub[512];
    CFURLRef sub_url;
    CFDictionaryRef bad_value = options_do_not_delete(CFSTR("yes"));

    CHECK_STATUS(VTMultiPassStorageCreate(NULL, NULL, kCMTimeRangeInvalid, NULL, NULL),
                 kVTParameterErr);
    CHECK_STATUS(VTMultiPassStorageCreate(NULL, dir_url, kCMTimeRangeInvalid, NULL, &s),
                 kVTParameterErr);
    CHECK(s == NULL);
    CHECK_STATUS(VTMultiPassStorageCreate(NULL, missing, kCMTimeRangeInvalid, NULL, &s),
                 kVTCouldNotCreateInstanceErr);
    CHECK(s == NULL);
    CHECK_STATUS(
        VTMultiPassStorageCreate(NULL, (CFURLRef)CFSTR("/tmp/x"), kCMTimeRangeInvalid, NULL, &s),
        kVTParameterErr);
    CHECK_STATUS(
        VTMultiPassStorageCreate(NULL, NULL, kCMTimeRangeInvalid, (CFDictionaryRef)CFSTR("x"), &s),
        kVTParameterErr);
    CHECK_STATUS(VTMultiPassStorageCreate(NULL, NULL, kCMTimeRangeInvalid, bad_value, &s),
                 kVTParameterErr);
    CHECK(s == NULL);
    /* a directory where the file should be */
    snprintf(sub, sizeof(sub), "%s/a-directory", g_dir);
    CHECK(mkdir(sub, 0700) == 0);
    sub_url = url_for(sub, FALSE);
    CHECK_STATUS(VTMultiPassStorageCreate(NULL, sub_url, kCMTimeRangeInvalid, NULL, &s),
                 kVTCouldNotCreateInstanceErr);
    CHECK(exists(sub)); /* left alone */
    rmdir(sub);

    CHECK_STATUS(VTMultiPassStorageClose(NULL), kVTParameterErr);
    CHECK_STATUS(VTMultiPassStorageClose((VTMultiPassStorageRef)CFSTR("x")), kVTParameterErr);
    CHECK(vt_multipass_storage_get_stats_path(NULL) == NULL);
    CHECK(!vt_multipass_storage_is(NULL));
    CHECK(vt_multipass_storage_is_closed(NULL));
    CHECK_STATUS(vt_multipass_storage_begin_pass(NULL, "x", NULL), kVTParameterErr);
    CHECK_STATUS(vt_multipass_storage_end_pass(NULL, TRUE), kVTParameterErr);
    CHECK_EQ_INT(vt_multipass_storage_get_completed_passes(NULL), 0);
    CHECK(CMTIMERANGE_IS_INVALID(vt_multipass_storage_get_time_range(NULL)));

    CFRelease(dir_url);
    CFRelease(missing);
    CFRelease(sub_url);
    CFRelease(bad_value);
}

/* A storage is a CF object: retained by a dictionary, released last. */
static void test_refcount(void) {
    VTMultiPassStorageRef s = NULL;
    CFMutableDictionaryRef d;
    char path[1024];
    CHECK_STATUS(VTMultiPassStorageCreate(NULL, NULL, kCMTimeRangeInvalid, NULL, &s), noErr);
    if (!s)
        return;
    snprintf(path, sizeof(path), "%s", vt_multipass_storage_get_stats_path(s));
    fake_backend_pass(s, "x");
    d = CFDictionaryCreateMutable(NULL, 0, &kCFTypeDictionaryKeyCallBacks,
                                  &kCFTypeDictionaryValueCallBacks);
    CFDictionarySetValue(d, CFSTR("storage"), s);
    CHECK_EQ_INT(CFGetRetainCount(s), 2);
    CFRelease(s);
    CHECK(exists(path)); /* still alive in the dictionary */
    CFRelease(d);
    CHECK(!exists(path));
}

static void test_alloc_failures(void) {
    long i, total;
    int ok = 0, bad = 0;
    for (i = 1; i < 64; i++) {
        VTMultiPassStorageRef s = NULL;
        OSStatus st;
        vtcore_debug_fail_allocation_after(i);
        st = VTMultiPassStorageCreate(NULL, NULL, kCMTimeRangeInvalid, NULL, &s);
        if (st == noErr && (st = vt_multipass_storage_begin_pass(s, "identity", NULL)) == noErr)
            CHECK_STATUS(vt_multipass_storage_end_pass(s, TRUE), noErr);
        total = vtcore_debug_fail_allocation_after(0);
        (void)total;
        if (st == noErr)
            ok++;
        else if (st != kVTAllocationFailedErr)
            bad++;
        if (s) {
            VTMultiPassStorageClose(s);
            CFRelease(s);
        }
    }
    CHECK_EQ_INT(bad, 0);
    CHECK(ok > 0);
}

int main(void) {
    char tmpl[] = "/tmp/vtcore-mps-test-XXXXXX";
    char *dir = mkdtemp(tmpl);
    if (!dir)
        VT_TEST_SKIP("cannot create a temporary directory");
    snprintf(g_dir, sizeof(g_dir), "%s", dir);
    setenv("TMPDIR", g_dir, 1);

    test_temporary();
    test_file_url();
    test_bad_arguments();
    test_refcount();
    test_alloc_failures();

    /* nothing left behind */
    CHECK_MSG(rmdir(g_dir) == 0, "%s not empty: %s", g_dir, strerror(errno));
    return vt_test_result();
}
