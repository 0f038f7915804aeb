/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/library/library.h: what the library's modules share. */
#ifndef SANPROV_LIBRARY_INTERNAL_H
#define SANPROV_LIBRARY_INTERNAL_H

#include "../util/internal.h"
#include <sanprov/template.h>

#include <errno.h>

/* The largest template document read. */
#define SPI_TEMPLATE_MAX (8u << 20)

/* Whether @s may name a template: 1 to 128 bytes of UTF-8, no control
 * characters. */
bool spi_template_name_ok(const char *s);

/* What `qemu-img info --output=json` says of the qcow2 image @path, from
 * its output @json (@len bytes, not trusted): the disk's size, and its
 * backing file and that one's format (new strings, NULL when there is
 * none).  Errors: SP_ERR_IO (no qcow2 size given), SP_ERR_NOT_SUPPORTED
 * (an external data file). */
sp_code spi_image_info_parse(const char *json, size_t len, const char *path,
                             uint64_t *size, char **backing, char **backing_fmt,
                             sp_error *err);
/* The document of @t (new string, *@len bytes). */
char *spi_template_xml(const sp_template *t, size_t *len);
/* Give @t its ID and creation time (when recorded). */
void spi_template_stamp(sp_template *t, const sp_id *id, int64_t created);

#endif
