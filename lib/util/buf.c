/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/util/buf.c: the bounded growable buffer. */
#include <stdio.h>

#include "internal.h"

void sp_buf_init(sp_buf *b, size_t max)
{
    *b = (sp_buf)SP_BUF_INIT(max);
}

void sp_buf_release(sp_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
    b->overflow = false;
}

void sp_buf_reset(sp_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
    b->overflow = false;
}

/* Make room for @extra more bytes plus the terminating NUL. */
static bool reserve(sp_buf *b, size_t extra)
{
    if (b->overflow)
        return false;
    if (extra > b->max || b->len > b->max - extra) {
        b->overflow = true;
        return false;
    }
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return true;
    size_t ncap = b->cap ? b->cap : 64;
    while (ncap < need)
        ncap = ncap > SIZE_MAX / 2 ? need : ncap * 2;
    /* Never reserve far past the maximum: it bounds memory, not just len. */
    if (ncap > b->max + 1)
        ncap = b->max + 1 > need ? b->max + 1 : need;
    b->data = spi_xrealloc(b->data, ncap);
    b->cap = ncap;
    return true;
}

bool sp_buf_add(sp_buf *b, const void *data, size_t len)
{
    if (!reserve(b, len))
        return false;
    if (len)
        memcpy(b->data + b->len, data, len);
    b->len += len;
    b->data[b->len] = '\0';
    return true;
}

bool sp_buf_addstr(sp_buf *b, const char *s)
{
    return sp_buf_add(b, s, strlen(s));
}

bool sp_buf_addch(sp_buf *b, char c)
{
    return sp_buf_add(b, &c, 1);
}

bool sp_buf_vaddf(sp_buf *b, const char *fmt, va_list ap)
{
    va_list cp;
    va_copy(cp, ap);
    int n = vsnprintf(NULL, 0, fmt, cp);
    va_end(cp);
    if (n < 0 || !reserve(b, (size_t)n))
        return false;
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
    return true;
}

bool sp_buf_addf(sp_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    bool ok = sp_buf_vaddf(b, fmt, ap);
    va_end(ap);
    return ok;
}

bool sp_buf_overflowed(const sp_buf *b)
{
    return b->overflow;
}

const char *sp_buf_cstr(const sp_buf *b)
{
    return b->data ? b->data : "";
}

char *sp_buf_detach(sp_buf *b, size_t *len)
{
    char *d = b->data ? b->data : spi_xstrdup("");
    if (len)
        *len = b->len;
    b->data = NULL;
    b->len = b->cap = 0;
    b->overflow = false;
    return d;
}
