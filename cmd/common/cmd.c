/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd/common/cmd.c: the shared program helper: allocation, messages, version,
 * secrets. */
#include <stdlib.h>
#include <string.h>

#include "common/cmd.h"

static const char *progname = "sanprov";

void cmd_init(const char *argv0)
{
    const char *slash = argv0 ? strrchr(argv0, '/') : NULL;
    progname = slash ? slash + 1 : argv0 ? argv0 : "sanprov";
    sp_log_set_prefix(progname);
}

const char *cmd_name(void)
{
    return progname;
}

static void oom(void) __attribute__((noreturn));
static void oom(void)
{
    fprintf(stderr, "%s: out of memory\n", progname);
    abort();
}

void *cmd_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        oom();
    return p;
}

void *cmd_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        oom();
    return p;
}

void *cmd_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        oom();
    return q;
}

char *cmd_xstrdup(const char *s)
{
    if (!s)
        return NULL;
    char *d = strdup(s);
    if (!d)
        oom();
    return d;
}

char *cmd_xasprintf(const char *fmt, ...)
{
    va_list ap;
    char *s = NULL;
    va_start(ap, fmt);
    int r = vasprintf(&s, fmt, ap);
    va_end(ap);
    if (r < 0)
        oom();
    return s;
}

void cmd_grow(void **p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return;
    size_t n = *cap ? *cap : 8;
    while (n < need) {
        if (n > SIZE_MAX / 2 / size)
            oom();
        n *= 2;
    }
    *p = cmd_xrealloc(*p, n * size);
    *cap = n;
}

static void vreport(const char *fmt, va_list ap)
{
    char msg[2048];
    vsnprintf(msg, sizeof(msg), fmt, ap);
    sp_log(SP_LOG_ERROR, "%s", msg);
}

void cmd_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport(fmt, ap);
    va_end(ap);
}

void cmd_die(int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport(fmt, ap);
    va_end(ap);
    exit(code);
}

void cmd_usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport(fmt, ap);
    va_end(ap);
    fprintf(stderr, "Try '%s --help' for more information.\n", progname);
    exit(SP_EXIT_USAGE);
}

void cmd_print_version(void)
{
    printf("%s (sanprov) %s\n", progname, sp_version());
}
