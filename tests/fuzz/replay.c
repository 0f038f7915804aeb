/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* tests/fuzz/replay.c: run a fuzz target over corpus files, no libFuzzer (TAP).
 */
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/*
 * Linked with one tests/fuzz/fuzz_*.c as $(B)/tests/fuzz-replay-TARGET, so
 * any compiler builds the targets and "make check" replays the checked-in
 * corpus (under ASan or valgrind in check-asan / check-valgrind).  Each
 * argument is a corpus directory (every regular file in it, in name order)
 * or a single input file.  A crash is a crash; otherwise one TAP line per
 * argument.
 */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Exit status of a file that cannot be read: not a finding, a failure. */
#define EXIT_READ 2

static const char *target;

/* Run the target on one file; false if it cannot be read. */
static bool replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "cannot open '%s': %s\n", path, strerror(errno));
        return false;
    }
    size_t cap = 4096, len = 0;
    uint8_t *buf = malloc(cap);
    if (!buf)
        abort();
    for (;;) {
        if (len == cap) {
            cap *= 2;
            buf = realloc(buf, cap);
            if (!buf)
                abort();
        }
        size_t n = fread(buf + len, 1, cap - len, f);
        len += n;
        if (n == 0)
            break;
    }
    bool ok = !ferror(f);
    fclose(f);
    if (!ok) {
        fprintf(stderr, "cannot read '%s'\n", path);
        free(buf);
        return false;
    }
    /* An exact-size copy, so that a sanitizer sees reads past the input. */
    uint8_t *exact = malloc(len ? len : 1);
    if (!exact)
        abort();
    if (len)
        memcpy(exact, buf, len);
    free(buf);
    LLVMFuzzerTestOneInput(exact, len);
    free(exact);
    return true;
}

/* scandir() filter: no dot files (nor . and ..). */
static int visible(const struct dirent *e)
{
    return e->d_name[0] != '.';
}

/* Every regular file in @dir; the number replayed, or -1. */
static long replay_dir(const char *dir)
{
    struct dirent **names;
    int n = scandir(dir, &names, visible, alphasort);
    if (n < 0) {
        fprintf(stderr, "cannot list '%s': %s\n", dir, strerror(errno));
        return -1;
    }
    long count = 0;
    bool failed = false;
    for (int i = 0; i < n; i++) {
        size_t plen = strlen(dir) + strlen(names[i]->d_name) + 2;
        char *path = malloc(plen);
        if (!path)
            abort();
        snprintf(path, plen, "%s/%s", dir, names[i]->d_name);
        struct stat st;
        if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
            if (replay_file(path))
                count++;
            else
                failed = true;
        }
        free(path);
        free(names[i]);
    }
    free(names);
    return failed ? -1 : count;
}

int main(int argc, char **argv)
{
    const char *slash = strrchr(argv[0], '/');
    target = slash ? slash + 1 : argv[0];
    if (strncmp(target, "fuzz-replay-", 12) == 0)
        target += 12;
    if (argc < 2) {
        fprintf(stderr, "usage: %s DIR|FILE...\n", argv[0]);
        return EXIT_READ;
    }
    int status = 0;
    for (int i = 1; i < argc; i++) {
        struct stat st;
        long n;
        if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode))
            n = replay_dir(argv[i]);
        else
            n = replay_file(argv[i]) ? 1 : -1;
        if (n < 0) {
            printf("not ok %d - %s replays %s\n", i, target, argv[i]);
            status = EXIT_READ;
        } else {
            printf("ok %d - %s replays %s (%ld input%s)\n", i, target, argv[i],
                   n, n == 1 ? "" : "s");
        }
        fflush(stdout);
    }
    printf("1..%d\n", argc - 1);
    return status;
}
