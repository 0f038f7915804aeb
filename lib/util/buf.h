/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/util/buf.h: a growable byte buffer with a hard maximum size. */
/* Internal: neither installed nor exported by libsanprov.so.  The library,
 * smis-sim and the tests share it as source (they link the static
 * archive), as curl's tool shares lib/curlx/. */
#ifndef SANPROV_UTIL_BUF_H
#define SANPROV_UTIL_BUF_H

#include <stdarg.h>

#include <sanprov/common.h>

SP_BEGIN_DECLS

/*
 * A buffer that grows up to @max bytes and then refuses more.  Input from
 * the outside (responses of an array, files) goes through it so that a
 * hostile peer cannot exhaust memory.  Once an append has been refused the
 * buffer stays "overflowed" until sp_buf_reset(), so a sequence of appends
 * can be checked once at the end.  The data is always NUL-terminated.
 *
 *     sp_buf b = SP_BUF_INIT(1 << 20);
 *     sp_buf_addf(&b, "%s=%d", k, v);
 *     if (sp_buf_overflowed(&b)) ...
 *     sp_buf_release(&b);
 */
typedef struct sp_buf {
    char *data; /* NULL until the first append; see sp_buf_cstr() */
    size_t len;
    size_t cap;
    size_t max;
    bool overflow;
} sp_buf;

#define SP_BUF_INIT(maxbytes)                                                  \
    {                                                                          \
        NULL, 0, 0, (maxbytes), false                                          \
    }

/* Initialise @b empty, with the given maximum. */
void sp_buf_init(sp_buf *b, size_t max);

/* Free the data; @b can be reused after sp_buf_init(). */
void sp_buf_release(sp_buf *b);

/* Empty @b, keep its memory, clear the overflow state. */
void sp_buf_reset(sp_buf *b);

/* Append; false (and the buffer unchanged) when @max would be exceeded. */
bool sp_buf_add(sp_buf *b, const void *data, size_t len);
bool sp_buf_addstr(sp_buf *b, const char *s);
bool sp_buf_addch(sp_buf *b, char c);
bool sp_buf_addf(sp_buf *b, const char *fmt, ...) SP_PRINTF(2, 3);
bool sp_buf_vaddf(sp_buf *b, const char *fmt, va_list ap) SP_PRINTF(2, 0);

/* True once an append has been refused. */
bool sp_buf_overflowed(const sp_buf *b);

/* The contents as a C string ("" when empty); owned by @b. */
const char *sp_buf_cstr(const sp_buf *b);

/* Hand the contents to the caller (free() it) and empty @b. */
char *sp_buf_detach(sp_buf *b, size_t *len);

/*
 * sp_text_escape() (sanprov/text.h) appending to @out: false when @out
 * overflowed (its maximum; what fitted is escaped, cut at a character).
 */
bool sp_text_escape_buf(sp_buf *out, const char *s, size_t len,
                        unsigned int flags);

SP_END_DECLS

#endif
