/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd/common/cmd.h: what every sanprov program shares: allocation, errors, exit
 * codes, usage. */
#ifndef SANPROV_CMD_H
#define SANPROV_CMD_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sanprov/sanprov.h>

#define CMD_COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Call first: sets the program name used in messages and logs. */
void cmd_init(const char *argv0);
const char *cmd_name(void);

/* Allocation that ends the program on failure, as the library does. */
void *cmd_xmalloc(size_t n);
void *cmd_xcalloc(size_t n, size_t size);
void *cmd_xrealloc(void *p, size_t n);
char *cmd_xstrdup(const char *s); /* NULL gives NULL */
char *cmd_xasprintf(const char *fmt, ...) SP_PRINTF(1, 2);
/* Grow *@p (*@cap items of @size) to hold at least @need items. */
void cmd_grow(void **p, size_t *cap, size_t need, size_t size);

/*
 * Report an error the house way, "PROGRAM: MESSAGE", on stderr (through
 * the library's log, so secrets are redacted).
 */
void cmd_error(const char *fmt, ...) SP_PRINTF(1, 2);
/* cmd_error() and exit with @code. */
void cmd_die(int code, const char *fmt, ...) SP_PRINTF(2, 3)
    __attribute__((noreturn));
/* A usage error: the message, a hint to --help, exit 2. */
void cmd_usage_error(const char *fmt, ...) SP_PRINTF(1, 2)
    __attribute__((noreturn));

/* "PROGRAM (sanprov) VERSION" on stdout. */
void cmd_print_version(void);

#endif
