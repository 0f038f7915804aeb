/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sanprov/text.h: text from outside (names, messages of arrays and hosts)
 * made safe to print: escaped, and checked before it names anything. */
#ifndef SANPROV_TEXT_H
#define SANPROV_TEXT_H

#include <sanprov/common.h>

SP_BEGIN_DECLS

/*
 * What is escaped.  Anyone who can name a LUN on an array can put any
 * character in the name, and arrays and hosts put what they like in their
 * messages; printed raw, a newline starts a line that did not come from
 * one object, a carriage return or an escape sequence rewrites the
 * terminal, and a bidi control reorders what is shown.  So these are
 * escaped wherever such text is printed:
 *  - C0 controls (U+0000-U+001F), DEL (U+007F) and the C1 controls
 *    (U+0080-U+009F, in UTF-8 C2 80-C2 9F: U+009B is an 8-bit CSI);
 *  - the bidi controls U+061C, U+200E, U+200F, U+202A-U+202E,
 *    U+2066-U+2069, and the line and paragraph separators U+2028, U+2029;
 *  - every byte that is not part of valid UTF-8 (RFC 3629: no overlong
 *    forms, no surrogates, nothing past U+10FFFF).
 * Every other character, printable UTF-8 such as "é" included, is kept.
 */

/* Flags of sp_text_escape(). */
enum {
    /*
     * The text is JSON (the output of a JSON serializer, whose strings
     * already have their quotes, backslashes and C0 controls escaped): a
     * character above is written as the JSON escape of its code point
     * ("\u009b", "\u202e", "\u007f"), an invalid byte as "\ufffd" (U+FFFD,
     * the replacement character, one per byte); backslashes and quotes are
     * kept.  The result is valid UTF-8 JSON meaning the same text, except
     * that invalid bytes have become U+FFFD.
     */
    SP_TEXT_JSON = 1u << 0,
    /*
     * The text is a block of lines for people (a trace of a request):
     * tabs, newlines and the carriage returns of CRLF line ends are kept,
     * and so are backslashes.  Not reversible; never for names.
     */
    SP_TEXT_BLOCK = 1u << 1,
};

/*
 * The @len bytes at @s (NUL bytes among them are escaped too), escaped,
 * as a new NUL-terminated string the caller frees with free().  Without
 * flags, in the C form `ls -b` and git's quoted paths use, which $'...' in
 * bash reads back: a backslash becomes "\\", BEL BS TAB LF VT FF CR become
 * "\a" "\b" "\t" "\n" "\v" "\f" "\r", and each other byte of an escaped
 * character, or byte that is not UTF-8, becomes a backslash and three
 * octal digits ("\033", "\302\233", "\342\200\256", "\377").  The result
 * is valid UTF-8 with no control characters, and tells different texts
 * apart (the escaping is reversible).  Flags: SP_TEXT_JSON or
 * SP_TEXT_BLOCK (an unknown bit is a programmer error).
 */
SP_API char *sp_text_escape(const char *s, size_t len, unsigned int flags);

/*
 * Whether @s is valid UTF-8 in which sp_text_escape() escapes nothing but
 * backslashes: what sanprov requires of a name it gives an object (a LUN,
 * a template, a VM).  NULL is not.
 */
SP_API bool sp_text_printable(const char *s);

SP_END_DECLS

#endif
