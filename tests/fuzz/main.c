/*
 * vtcore - VideoToolbox programming model on Linux
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Replay driver for the fuzz targets when no fuzzing engine is used
 * (-Dfuzzing_engine=none): runs LLVMFuzzerTestOneInput once on every file
 * named on the command line, and on every regular file of every directory
 * named (in name order), like the committed corpus in corpus/<target>/. A
 * crash or a failed FUZZ_CHECK aborts the process and so fails the test.
 *
 *   fuzz_cf corpus/fuzz_cf            replay a corpus
 *   fuzz_cf crash-1234                reproduce one input
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz_common.h"

/* Inputs larger than this are truncated (libFuzzer's default -max_len is far
 * smaller; the committed corpus stays below 4 KiB). */
#define FUZZ_MAX_INPUT (1 << 20)

static int run_file(const char *path) {
    FILE *f = fopen(path, "rb");
    uint8_t *buf;
    size_t n;
    if (!f) {
        fprintf(stderr, "%s: %s\n", path, strerror(errno));
        return -1;
    }
    buf = malloc(FUZZ_MAX_INPUT);
    if (!buf) {
        fclose(f);
        return -1;
    }
    n = fread(buf, 1, FUZZ_MAX_INPUT, f);
    fclose(f);
    /* Shrink to the exact size, so ASan catches reads past the input's end. */
    if (n) {
        uint8_t *exact = realloc(buf, n);
        if (exact)
            buf = exact;
    }
    LLVMFuzzerTestOneInput(buf, n);
    free(buf);
    return 0;
}

static int compare_names(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int run_dir(const char *path, int *count) {
    DIR *dir = opendir(path);
    struct dirent *e;
    char **names = NULL;
    size_t n = 0, cap = 0, i;
    int status = 0;
    if (!dir) {
        fprintf(stderr, "%s: %s\n", path, strerror(errno));
        return -1;
    }
    while ((e = readdir(dir)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        if (n == cap) {
            char **grown;
            cap = cap ? cap * 2 : 64;
            grown = realloc(names, cap * sizeof(*names));
            if (!grown) {
                status = -1;
                break;
            }
            names = grown;
        }
        names[n] = strdup(e->d_name);
        if (!names[n]) {
            status = -1;
            break;
        }
        n++;
    }
    closedir(dir);
    if (n)
        qsort(names, n, sizeof(*names), compare_names);
    for (i = 0; i < n; i++) {
        size_t len = strlen(path) + strlen(names[i]) + 2;
        char *full = malloc(len);
        struct stat st;
        if (full) {
            snprintf(full, len, "%s/%s", path, names[i]);
            if (stat(full, &st) == 0 && S_ISREG(st.st_mode)) {
                if (run_file(full) != 0)
                    status = -1;
                else
                    (*count)++;
            }
            free(full);
        }
        free(names[i]);
    }
    free(names);
    return status;
}

int main(int argc, char **argv) {
    int i, count = 0, status = 0;
    if (argc < 2) {
        fprintf(stderr, "usage: %s <corpus dir or input file>...\n", argv[0]);
        return 2;
    }
    LLVMFuzzerInitialize(&argc, &argv);
    for (i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) != 0) {
            fprintf(stderr, "%s: %s\n", argv[i], strerror(errno));
            status = 1;
        } else if (S_ISDIR(st.st_mode)) {
            if (run_dir(argv[i], &count) != 0)
                status = 1;
        } else if (run_file(argv[i]) != 0) {
            status = 1;
        } else {
            count++;
        }
    }
    /* One empty input too: the minimal case every target must survive. */
    LLVMFuzzerTestOneInput((const uint8_t *)"", 0);
    printf("%d inputs replayed%s\n", count, status ? " (with errors)" : "");
    return status;
}
