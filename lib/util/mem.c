/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/util/mem.c: allocation helpers that abort on out-of-memory, the copies
 * of structs that carry their size, and name comparison. */
#include <ctype.h>
#include <stdio.h>

#include "internal.h"

static void oom(size_t n)
{
    /* Like libvirt and GLib: a failed allocation is not recoverable in any
     * useful way for a command-line tool, and checking every allocation
     * would bury the real error handling. */
    fprintf(stderr, "sanprov: out of memory (allocating %zu bytes)\n", n);
    abort();
}

void *spi_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        oom(n);
    return p;
}

void *spi_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        oom(n * size);
    return p;
}

void *spi_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        oom(n);
    return q;
}

void spi_xgrow(void **p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return;
    size_t ncap = *cap ? *cap : 4;
    while (ncap < need) {
        if (ncap > SIZE_MAX / 2 / size)
            oom(SIZE_MAX);
        ncap *= 2;
    }
    *p = spi_xrealloc(*p, ncap * size);
    *cap = ncap;
}

char *spi_xstrdup(const char *s)
{
    if (!s)
        return NULL;
    char *d = strdup(s);
    if (!d)
        oom(strlen(s) + 1);
    return d;
}

char *spi_xstrndup(const char *s, size_t n)
{
    char *d = strndup(s, n);
    if (!d)
        oom(n + 1);
    return d;
}

char *spi_xasprintf(const char *fmt, ...)
{
    va_list ap;
    char *s = NULL;
    va_start(ap, fmt);
    int r = vasprintf(&s, fmt, ap);
    va_end(ap);
    if (r < 0)
        oom(0);
    return s;
}

char *spi_xstrdup_trim(const char *s)
{
    while (*s && isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1]))
        n--;
    return spi_xstrndup(s, n);
}

void spi_free_secret(char *s)
{
    if (!s)
        return;
    explicit_bzero(s, strlen(s));
    free(s);
}

bool spi_name_eq(const char *a, const char *b)
{
    if (!a || !b)
        return a == b;
    return strcasecmp(a, b) == 0;
}

const char *sp_version(void)
{
    return SP_VERSION_STRING;
}

/* The @size member of a sized struct: its first, not always aligned for
 * a size_t in the caller's memory as far as the compiler knows here. */
static size_t size_of(const void *p)
{
    size_t size;
    memcpy(&size, p, sizeof(size));
    return size;
}

bool spi_sized_in(void *full, size_t fullsize, const void *in, size_t minsize)
{
    size_t size = size_of(in);
    memset(full, 0, fullsize);
    if (size < minsize)
        return false;
    memcpy(full, in, size < fullsize ? size : fullsize);
    memcpy(full, &fullsize, sizeof(fullsize));
    return true;
}

bool spi_sized_out(void *out, const void *full, size_t fullsize, size_t minsize)
{
    size_t size = size_of(out);
    if (size < minsize)
        return false;
    size_t n = size < fullsize ? size : fullsize;
    memcpy((char *)out + sizeof(size_t), (const char *)full + sizeof(size_t),
           n - sizeof(size_t));
    return true;
}
