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

/* spi_run() with the program's stderr apart, in *@errors (up to 4 MiB;
 * free it): for output that is parsed, such as JSON. */
sp_code spi_run_split(const char *const *argv, char **output, char **errors,
                      int *status, sp_error *err);

/* spi_run() where any exit status but 0 is an error (SP_ERR_IO, with the
 * first line the program said); *@output (may be NULL) only on success. */
sp_code spi_run_ok(const char *const *argv, char **output, sp_error *err);

/* Cut @s at its first newline; gives @s. */
const char *spi_first_line(char *s);

/*
 * Hold SIGPIPE while a library that writes to sockets or pipes of its own
 * (libvirt: an SSH transport that dies) is called, so that a peer going
 * away is the call's error, not the death of the program; programs keep
 * SIGPIPE's default for their standard output.  Thread-safe (the signal
 * mask is per thread).
 */
#include <signal.h>
#include <stdbool.h>
struct spi_sigpipe {
    sigset_t old;
    bool was_pending;
};
void spi_sigpipe_hold(struct spi_sigpipe *g);
void spi_sigpipe_release(struct spi_sigpipe *g);

#endif
