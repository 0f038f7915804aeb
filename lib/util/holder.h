/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/util/holder.h: who holds a reservation or a lock, and named locks in
 * a directory (holder.c, lock.c). */
#ifndef SANPROV_UTIL_HOLDER_H
#define SANPROV_UTIL_HOLDER_H

#include "internal.h"

#include <stdint.h>

/* A holder as its file says: the journal entry it works for, the program,
 * its PID and start (clock ticks since boot: a PID used again has another),
 * the machine ("HOST/MACHINE-ID"), and since when (Unix time). */
struct spi_holder {
    char entry[64];
    char program[64];
    long pid;
    char machine[192];
    uint64_t start;
    int64_t since;
};

/* This process, working for @entry (may be NULL). */
void spi_holder_self(struct spi_holder *h, const char *entry);
/* The text its file holds (a new string), and back (false: not a holder's
 * text). */
char *spi_holder_format(const struct spi_holder *h);
bool spi_holder_parse(const char *text, struct spi_holder *h);

enum spi_holder_state {
    SPI_HOLDER_ALIVE,     /* a process of this machine that runs */
    SPI_HOLDER_GONE,      /* dead, or of another machine for over @grace_s */
    SPI_HOLDER_ELSEWHERE, /* another machine's, within the grace period */
};
enum spi_holder_state spi_holder_state(const struct spi_holder *h,
                                       unsigned int grace_s);

/* "vm-deploy (PID 1234 on kvm01, since 2026-12-07T19:40:12Z)" */
void spi_holder_describe(const struct spi_holder *h, char *out, size_t size);

/*
 * Named locks: one file per name in @dir (made when missing), held with
 * flock(), so the kernel releases them when the process dies.  The names
 * are taken in sorted order, so two runs taking overlapping sets never
 * deadlock; each is waited for until @timeout_s seconds have passed in all
 * (0: not at all), then SP_ERR_LOCK_TIMEOUT naming the holder (whose
 * program, PID and machine the lock file says).  Threads of one process
 * exclude each other too (each take opens its own file description).
 * *@out is freed, and the locks released, by spi_locks_release().
 */
struct spi_locks;
sp_code spi_locks_take(const char *dir, const char *const *names, size_t n,
                       unsigned int timeout_s, struct spi_locks **out,
                       sp_error *err);
void spi_locks_release(struct spi_locks *l);

/* A file name for @text: its bytes percent-encoded as IDs encode them. */
char *spi_file_name_of(const char *text);

#endif
