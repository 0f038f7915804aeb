/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/util/internal.h: helpers every library module uses (memory, strings,
 * cleanup). */
#ifndef SANPROV_UTIL_INTERNAL_H
#define SANPROV_UTIL_INTERNAL_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sanprov/sanprov.h>

#include "buf.h"

/* Internal names use the spi_ prefix: hidden in the shared library, and
 * unlikely to collide with a program linking libsanprov.a. */

#define SPI_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Allocation that aborts on failure (see common.h). */
void *spi_xmalloc(size_t n);
void *spi_xcalloc(size_t n, size_t size);
void *spi_xrealloc(void *p, size_t n);
/* Grow *@p (of *@cap elements of @size) to hold at least @need elements. */
void spi_xgrow(void **p, size_t *cap, size_t need, size_t size);
char *spi_xstrdup(const char *s); /* NULL -> NULL */
char *spi_xstrndup(const char *s, size_t n);
char *spi_xasprintf(const char *fmt, ...) SP_PRINTF(1, 2);
/* A copy of @s without leading and trailing ASCII whitespace. */
char *spi_xstrdup_trim(const char *s);

/* Overwrite then free a secret. */
void spi_free_secret(char *s);

/* Secrets in memory (secret.c).  spi_secret_hold(): the process holds
 * @secret (a password just read or given): it becomes not dumpable (no
 * core dump) and @secret is registered with sp_log_add_secret().
 * spi_secret_from_env(): $SANPROV_PASSWORD, taken out of the environment
 * on its first read and kept for later ones; a new copy (free with
 * spi_free_secret()) or NULL.  spi_secret_forget_env(): forget the kept
 * one (tests).  spi_helper_environ(): the environment for a helper
 * program, without secrets (free() the array, not the strings).
 * spi_wipe_free(), spi_wipe_realloc(): libcurl's memory functions. */
void spi_secret_hold(const char *secret);
char *spi_secret_from_env(void);
void spi_secret_forget_env(void);
char **spi_helper_environ(void);
void spi_wipe_free(void *p);
void *spi_wipe_realloc(void *p, size_t n);

/* ASCII case-insensitive comparison of CIM names; NULL equals NULL only. */
bool spi_name_eq(const char *a, const char *b);

/* The value of hex digit @c, or -1. */
static inline int spi_hex_digit(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* A WWN as IDs carry it: 1 to SPI_WWN_MAX hex digits (NAA names are 16
 * or 32). */
#define SPI_WWN_MAX 64
bool spi_wwn_valid(const char *s);

/*
 * Structs that carry their size (sanprov/common.h, "Structs"); @size is
 * their first member.  spi_sized_in(): the caller's struct @in copied
 * into @full (the library's, of @fullsize bytes) as far as both reach,
 * the rest of @full zeroed and its size set to @fullsize; false (and
 * @full zeroed) when @in's size is below @minsize (see SPI_SIZE_0_1()).
 * spi_sized_out(): the library's @full copied into the caller's @out as
 * far as both reach, @out's size kept; false when @out's size is below
 * @minsize (nothing written).
 */
bool spi_sized_in(void *full, size_t fullsize, const void *in, size_t minsize);
bool spi_sized_out(void *out, const void *full, size_t fullsize,
                   size_t minsize);
/* The size of @type in release 0.1, the first with @size: up to the end
 * of its member @last.  A later release that appends members keeps the
 * 0.1 figure here. */
#define SPI_SIZE_0_1(type, last)                                               \
    (offsetof(type, last) + sizeof(((type *)0)->last))

/* The library's own callers fill whole structs through these (the public
 * functions copy them out by the caller's size). */
sp_code spi_array_capabilities(sp_array *a, sp_array_caps *out);
sp_code spi_host_capabilities(sp_host *h, sp_host_caps *out);
bool spi_host_mask_target(const sp_config *cfg, const char *name,
                          sp_mask_target *out);

/* Where key @key of section [@kind "@name"] is written, for a message about
 * its value: "FILE:LINE" (the section's line when the key is not there),
 * or "the built-in configuration".  free() it. */
char *spi_config_where(const sp_config *c, const char *kind, const char *name,
                       const char *key);

/* Free *p; for __attribute__((cleanup)). */
static inline void spi_freep(void *p)
{
    free(*(void **)p);
}
#define SPI_AUTOFREE __attribute__((cleanup(spi_freep)))

#define SPI_STREQ(a, b) (strcmp((a), (b)) == 0)

#endif
