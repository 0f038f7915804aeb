/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/util/run.h: running helper programs without a shell. */
#ifndef SANPROV_UTIL_RUN_H
#define SANPROV_UTIL_RUN_H

#include <sanprov/error.h>

/* Run @argv (NULL-terminated; argv[0] looked up in PATH) with stdin from
 * /dev/null; *@output gets what it wrote on stdout and stderr (up to 4
 * MiB; free it), *@status its exit status (128 + signal when killed).
 * Errors: SP_ERR_NOT_SUPPORTED (it cannot be run: not installed),
 * SP_ERR_IO. */
sp_code spi_run(const char *const *argv, char **output, int *status,
                sp_error *err);

/* Cut @s at its first newline; gives @s. */
const char *spi_first_line(char *s);

#endif
