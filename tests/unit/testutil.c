/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* tests/unit/testutil.c: fixture files, expected-output comparison and xmllint
 * for the cmocka tests. */
#include <errno.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"

const char *tu_srcdir(void)
{
    const char *s = getenv("SANPROV_SRCDIR");
    return s && *s ? s : ".";
}

const char *tu_shared_dir(void)
{
    static char buf[4096];
    const char *s = getenv("SANPROV_SHARED");
    if (s && *s)
        snprintf(buf, sizeof(buf), "%s", s);
    else
        snprintf(buf, sizeof(buf), "%s/../shared", tu_srcdir());
    char probe[4200];
    snprintf(probe, sizeof(probe), "%s/cim/DSP0203_2.4.0.dtd", buf);
    if (access(probe, R_OK) == 0)
        return buf;
    /* The project's own CI has it: a test must not pass there without. */
    s = getenv("SANPROV_CI_STRICT");
    if (s && strcmp(s, "1") == 0)
        fail_msg("the reference data is not at %s (SANPROV_CI_STRICT=1)", buf);
    return NULL;
}

static void mkdirs(const char *path)
{
    char tmp[4096];
    snprintf(tmp, sizeof(tmp), "%s", path);
    for (char *p = tmp + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        mkdir(tmp, 0755);
        *p = '/';
    }
    mkdir(tmp, 0755);
}

const char *tu_outdir(void)
{
    static char buf[4096];
    const char *s = getenv("SANPROV_TEST_OUT");
    snprintf(buf, sizeof(buf), "%s", s && *s ? s : "build/tests/out");
    mkdirs(buf);
    return buf;
}

char *tu_path(const char *dir, const char *fmt, ...)
{
    static char bufs[8][4096];
    static int next;
    char *b = bufs[next++ % 8];
    int n = snprintf(b, sizeof(bufs[0]), "%s/", dir);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(b + n, sizeof(bufs[0]) - (size_t)n, fmt, ap);
    va_end(ap);
    return b;
}

char *tu_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fail_msg("cannot read '%s': %s", path, strerror(errno));
        return NULL;
    }
    sp_buf b = SP_BUF_INIT(1u << 30);
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        sp_buf_add(&b, chunk, n);
    fclose(f);
    return sp_buf_detach(&b, len);
}

void tu_write_file(const char *path, const char *data, size_t len)
{
    char dir[4096];
    snprintf(dir, sizeof(dir), "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash) {
        *slash = '\0';
        mkdirs(dir);
    }
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0)
        fail_msg("cannot write '%s': %s", path, strerror(errno));
}

void tu_check_expected(const char *expected, const char *actual, size_t len)
{
    const char *regen = getenv("SANPROV_REGEN");
    if (regen && *regen && strcmp(regen, "0") != 0) {
        tu_write_file(expected, actual, len);
        printf("# regenerated %s\n", expected);
        return;
    }
    FILE *f = fopen(expected, "rb");
    if (!f)
        fail_msg("no expected file '%s' (SANPROV_REGEN=1 writes it)", expected);
    fclose(f);
    size_t elen;
    char *want = tu_read_file(expected, &elen);
    bool same = elen == len && memcmp(want, actual, len) == 0;
    free(want);
    if (same)
        return;
    const char *base = strrchr(expected, '/');
    char *out = tu_path(tu_outdir(), "%s.actual", base ? base + 1 : expected);
    tu_write_file(out, actual, len);
    fail_msg("output differs from %s; see: diff -u %s %s", expected, expected,
             out);
}

int tu_xmllint(const char *file, const char *dtd)
{
    char errfile[4200];
    snprintf(errfile, sizeof(errfile), "%s/xmllint.err", tu_outdir());
    pid_t pid = fork();
    if (pid == 0) {
        FILE *e = freopen(errfile, "w", stderr);
        (void)e;
        execlp("xmllint", "xmllint", "--noout", "--nonet", "--dtdvalid", dtd,
               file, (char *)NULL);
        _exit(127);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    int rc = WIFEXITED(st) ? WEXITSTATUS(st) : 128;
    if (rc) {
        size_t n;
        char *msg = tu_read_file(errfile, &n);
        printf("# xmllint %s:\n", file);
        for (char *line = msg, *nl; *line; line = nl + 1) {
            nl = strchr(line, '\n');
            if (!nl)
                nl = line + strlen(line) - 1;
            printf("#   %.*s\n", (int)(nl - line), line);
        }
        free(msg);
    }
    return rc;
}
