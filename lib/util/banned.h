/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/util/banned.h: C library functions this project does not call, made
 * compile errors (as git's banned.h). */
#ifndef SANPROV_UTIL_BANNED_H
#define SANPROV_UTIL_BANNED_H

/*
 * The Makefile puts this header before the first line of every library
 * and program source (-include), so it needs no #include and no file can
 * forget it.  It declares nothing of its own.
 *
 * Each banned function has a safer way here:
 *  - strcpy, strcat, strncpy, strncat, sprintf, vsprintf: no bound, or a
 *    bound that silently cuts or leaves the result unterminated; use
 *    snprintf(), spi_xstrdup()/spi_xasprintf() (cmd_xstrdup() in cmd/),
 *    or an sp_buf;
 *  - strtok, strtok_r: hidden state, or empty fields silently skipped;
 *    use strsep() or strchr() and say what an empty field means;
 *  - gets: no bound at all; use fgets() or getline();
 *  - atoi, atol, atoll: no error report; use strtol() and friends and
 *    check the end and errno;
 *  - mktemp, tmpnam: a name raced for; use mkstemp() or mkdtemp();
 *  - gmtime, localtime, ctime, asctime (and the _r forms of the last
 *    two): static buffers or no size; use gmtime_r(), localtime_r(),
 *    strftime().
 *
 * A use is reported as a call of an undeclared function named
 * sorry_NAME_is_a_banned_function.  The headers that declare the banned
 * functions are read first, so that their declarations are not mangled
 * by the macros below and a later #include of them changes nothing.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BANNED(func) sorry_##func##_is_a_banned_function

#undef strcpy
#define strcpy(x, y) BANNED(strcpy)
#undef strcat
#define strcat(x, y) BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) BANNED(strncpy)
#undef strncat
#define strncat(x, y, n) BANNED(strncat)
#undef sprintf
#define sprintf(...) BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) BANNED(vsprintf)
#undef strtok
#define strtok(x, y) BANNED(strtok)
#undef strtok_r
#define strtok_r(x, y, z) BANNED(strtok_r)
#undef gets
#define gets(x) BANNED(gets)
#undef atoi
#define atoi(x) BANNED(atoi)
#undef atol
#define atol(x) BANNED(atol)
#undef atoll
#define atoll(x) BANNED(atoll)
#undef mktemp
#define mktemp(x) BANNED(mktemp)
#undef tmpnam
#define tmpnam(x) BANNED(tmpnam)
#undef gmtime
#define gmtime(t) BANNED(gmtime)
#undef localtime
#define localtime(t) BANNED(localtime)
#undef ctime
#define ctime(t) BANNED(ctime)
#undef ctime_r
#define ctime_r(t, buf) BANNED(ctime_r)
#undef asctime
#define asctime(t) BANNED(asctime)
#undef asctime_r
#define asctime_r(t, buf) BANNED(asctime_r)

#endif
