/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/util/text.c: escaping text from outside for printing, and the check
 * of names (sanprov/text.h). */
#include <assert.h>

#include "internal.h"

/*
 * The length of the valid UTF-8 sequence at @s (of @len > 0 bytes), with
 * its code point in *@cp; 0 when @s does not start one.  The ranges of the
 * second byte are those of RFC 3629 (and Unicode's Table 3-7): they rule
 * out overlong forms (E0 80, F0 80), surrogates (ED A0) and code points
 * past U+10FFFF (F4 90), so that every code point has one spelling.
 */
static size_t utf8_char(const unsigned char *s, size_t len, uint32_t *cp)
{
    unsigned char c = s[0], lo = 0x80, hi = 0xBF;
    size_t n;
    uint32_t v;
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
        v = c & 0x1Fu;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        v = c & 0x0Fu;
        lo = c == 0xE0 ? 0xA0 : 0x80;
        hi = c == 0xED ? 0x9F : 0xBF;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        v = c & 0x07u;
        lo = c == 0xF0 ? 0x90 : 0x80;
        hi = c == 0xF4 ? 0x8F : 0xBF;
    } else {
        return 0;
    }
    if (len < n)
        return 0;
    for (size_t i = 1; i < n; i++) {
        unsigned char b = s[i];
        if (b < (i == 1 ? lo : 0x80) || b > (i == 1 ? hi : 0xBF))
            return 0;
        v = v << 6 | (b & 0x3Fu);
    }
    *cp = v;
    return n;
}

/* The characters escaped (see text.h). */
static bool escaped(uint32_t cp)
{
    return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0x061C ||
           cp == 0x200E || cp == 0x200F ||
           (cp >= 0x2028 && cp <= 0x202E) || /* LS, PS, LRE..RLO */
           (cp >= 0x2066 && cp <= 0x2069);   /* LRI..PDI */
}

/* Kept in a block of lines: tab, newline, the CR of a CRLF. */
static bool block_keeps(const unsigned char *s, size_t left)
{
    return *s == '\t' || *s == '\n' || (*s == '\r' && left > 1 && s[1] == '\n');
}

/* The escape of one character or byte that must not be printed as it is:
 * @n bytes at @s, code point @cp (@n is 1 and @valid false for a byte that
 * is not UTF-8). */
static void escape_one(sp_buf *out, const unsigned char *s, size_t n,
                       uint32_t cp, bool valid, unsigned int flags)
{
    static const char shorts[] = "abtnvfr"; /* \a (7) to \r (13) */
    char tmp[8];
    if (flags & SP_TEXT_JSON) {
        snprintf(tmp, sizeof(tmp), "\\u%04x", valid ? (unsigned)cp : 0xFFFDu);
        sp_buf_addstr(out, tmp);
    } else if (valid && cp >= 7 && cp <= 13) {
        char e[2] = {'\\', shorts[cp - 7]};
        sp_buf_add(out, e, 2);
    } else {
        for (size_t i = 0; i < n; i++) {
            snprintf(tmp, sizeof(tmp), "\\%03o", (unsigned)s[i]);
            sp_buf_addstr(out, tmp);
        }
    }
}

bool sp_text_escape_buf(sp_buf *out, const char *str, size_t len,
                        unsigned int flags)
{
    assert(!(flags & ~(unsigned)(SP_TEXT_JSON | SP_TEXT_BLOCK)));
    assert(!((flags & SP_TEXT_JSON) && (flags & SP_TEXT_BLOCK)));
    const unsigned char *s = (const unsigned char *)str, *end = s + len;
    const unsigned char *run = s; /* the bytes kept as they are, up to s */
    while (s < end) {
        uint32_t cp = 0;
        size_t n = utf8_char(s, (size_t)(end - s), &cp);
        bool valid = n > 0;
        n += !valid;
        bool keep = valid && !escaped(cp);
        if (flags & SP_TEXT_BLOCK)
            keep = keep || block_keeps(s, (size_t)(end - s));
        else if (!(flags & SP_TEXT_JSON) && *s == '\\')
            keep = false;
        if (!keep) {
            sp_buf_add(out, run, (size_t)(s - run));
            if (*s == '\\')
                sp_buf_add(out, "\\\\", 2);
            else
                escape_one(out, s, n, cp, valid, flags);
            run = s + n;
        }
        s += n;
    }
    sp_buf_add(out, run, (size_t)(s - run));
    return !sp_buf_overflowed(out);
}

char *sp_text_escape(const char *s, size_t len, unsigned int flags)
{
    sp_buf b = SP_BUF_INIT(SIZE_MAX / 4);
    sp_text_escape_buf(&b, s, len, flags);
    char *e = sp_buf_detach(&b, NULL);
    return e ? e : spi_xstrdup("");
}

bool sp_text_printable(const char *str)
{
    if (!str)
        return false;
    const unsigned char *s = (const unsigned char *)str;
    size_t left = strlen(str);
    while (left) {
        uint32_t cp;
        size_t n = utf8_char(s, left, &cp);
        if (!n || escaped(cp))
            return false;
        s += n;
        left -= n;
    }
    return true;
}
