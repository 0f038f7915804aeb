/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* tests/fuzz/fuzz_text_escape.c: fuzz the escaping of outside text in its
 * three forms; the output is clean and the text form reads back. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sanprov/sanprov.h>

#include "util/buf.h" /* not exported: linked from the static archive */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define BUF_MAX ((size_t)1 << 30)

static void check(bool ok, const char *what, const char *out)
{
    if (ok)
        return;
    fprintf(stderr, "escaped text '%s': %s\n", out, what);
    abort();
}

/*
 * The UTF-8 sequence at @s (@len > 0 bytes): its length, or 0 when not
 * valid, and its code point.  Written apart from the library's (by the
 * value, not by byte ranges), so that the two are checked against each
 * other.
 */
static size_t utf8_at(const uint8_t *s, size_t len, uint32_t *cp)
{
    static const uint32_t min[5] = {0, 0, 0x80, 0x800, 0x10000};
    size_t n = s[0] < 0x80       ? 1
               : s[0] >> 5 == 6  ? 2
               : s[0] >> 4 == 14 ? 3
               : s[0] >> 3 == 30 ? 4
                                 : 0;
    if (!n || n > len)
        return 0;
    uint32_t v = n == 1 ? s[0] : s[0] & (0x7Fu >> n);
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        v = v << 6 | (s[i] & 0x3Fu);
    }
    if (v < min[n] || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    *cp = v;
    return n;
}

/* A code point that must never be printed as it is (sanprov/text.h). */
static bool hostile(uint32_t c)
{
    return c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == 0x61C || c == 0x200E ||
           c == 0x200F || (c >= 0x2028 && c <= 0x202E) ||
           (c >= 0x2066 && c <= 0x2069);
}

/* Valid UTF-8 without a hostile character (but for those @keep_lines
 * allows: tab, newline, the CR of a CRLF). */
static void check_clean(const char *out, size_t len, bool keep_lines)
{
    const uint8_t *s = (const uint8_t *)out;
    check(strlen(out) == len, "a NUL in the output", out);
    for (size_t i = 0; i < len;) {
        uint32_t c;
        size_t n = utf8_at(s + i, len - i, &c);
        check(n > 0, "not UTF-8", out);
        bool line =
            keep_lines && (c == '\t' || c == '\n' ||
                           (c == '\r' && i + 1 < len && s[i + 1] == '\n'));
        check(!hostile(c) || line, "a control or bidi character", out);
        i += n;
    }
}

static void put_utf8(uint32_t c, sp_buf *b)
{
    char u[4];
    size_t n = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
    if (n == 1)
        u[0] = (char)c;
    for (size_t i = n - 1; n > 1 && i > 0; i--, c >>= 6)
        u[i] = (char)(0x80 | (c & 0x3F));
    if (n > 1)
        u[0] = (char)((0xF00u >> n & 0xFF) | c);
    sp_buf_add(b, u, n);
}

/* The text form read back as bash's $'...' does. */
static void check_reads_back(const char *out, const uint8_t *in, size_t len)
{
    static const char shorts[] = "abtnvfr";
    sp_buf b = SP_BUF_INIT(BUF_MAX);
    for (const char *p = out; *p; p++) {
        const char *sh = p[0] == '\\' && p[1] ? strchr(shorts, p[1]) : NULL;
        if (*p != '\\') {
            sp_buf_addch(&b, *p);
        } else if (p[1] == '\\') {
            sp_buf_addch(&b, '\\');
            p++;
        } else if (sh) {
            sp_buf_addch(&b, (char)(7 + (sh - shorts)));
            p++;
        } else {
            check(p[1] >= '0' && p[1] <= '3' && p[2] >= '0' && p[2] <= '7' &&
                      p[3] >= '0' && p[3] <= '7',
                  "a backslash that is no escape", out);
            sp_buf_addch(&b, (char)((p[1] - '0') << 6 | (p[2] - '0') << 3 |
                                    (p[3] - '0')));
            p += 3;
        }
    }
    check(b.len == len && (!len || memcmp(b.data, in, len) == 0),
          "does not read back as the input", out);
    sp_buf_release(&b);
}

/* JSON form, for an input without backslashes (so every escape in the
 * output is one the escaping made): the \uXXXX read back give the input
 * with each byte that is not UTF-8 made U+FFFD. */
static void check_json(const char *out, const uint8_t *in, size_t len)
{
    if (memchr(in, '\\', len))
        return;
    sp_buf want = SP_BUF_INIT(BUF_MAX), got = SP_BUF_INIT(BUF_MAX);
    for (size_t i = 0; i < len;) {
        uint32_t c;
        size_t n = utf8_at(in + i, len - i, &c);
        if (n)
            sp_buf_add(&want, in + i, n);
        else
            sp_buf_addstr(&want, "\xEF\xBF\xBD");
        i += n ? n : 1;
    }
    for (const char *p = out; *p; p++) {
        if (*p != '\\') {
            sp_buf_addch(&got, *p);
            continue;
        }
        unsigned int c = 0;
        check(p[1] == 'u' && sscanf(p + 2, "%4x", &c) == 1,
              "a backslash that is no \\u escape", out);
        put_utf8(c, &got);
        p += 5;
    }
    check(want.len == got.len &&
              (!want.len || !memcmp(want.data, got.data, want.len)),
          "JSON escapes do not read back as the input", out);
    sp_buf_release(&want);
    sp_buf_release(&got);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const unsigned int forms[] = {0, SP_TEXT_JSON, SP_TEXT_BLOCK};
    for (size_t f = 0; f < sizeof(forms) / sizeof(forms[0]); f++) {
        sp_buf b = SP_BUF_INIT(BUF_MAX);
        check(sp_text_escape_buf(&b, (const char *)data, size, forms[f]),
              "overflowed", "");
        const char *out = sp_buf_cstr(&b);
        check_clean(out, b.len, forms[f] == SP_TEXT_BLOCK);
        if (forms[f] == 0) {
            check_reads_back(out, data, size);
            /* a name check agrees: printable iff only backslashes change */
            if (!memchr(data, '\0', size)) {
                char *s = strndup((const char *)data, size);
                bool same = true;
                for (size_t i = 0, j = 0; same && i < size; i++, j++) {
                    same = data[i] == (uint8_t)out[j];
                    j += data[i] == '\\';
                }
                check(sp_text_printable(s) == same,
                      "sp_text_printable() disagrees", out);
                free(s);
            }
        } else if (forms[f] == SP_TEXT_JSON) {
            check_json(out, data, size);
        }
        sp_buf_release(&b);
    }
    return 0;
}
