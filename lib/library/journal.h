/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/library/journal.h: run journals (sanprov/journal.h) as the library
 * keeps them, for the runs that write them and the reconciler that reads
 * them. */
#ifndef SANPROV_LIBRARY_JOURNAL_H
#define SANPROV_LIBRARY_JOURNAL_H

#include "library.h"
#include "../util/holder.h"
#include <sanprov/journal.h>

/*
 * LIBRARY/journals/ENTRY.journal: a header written whole, then lines
 * appended (and synced) as the run goes:
 *
 *     # a run journaled by sanprov (reconcile(1)); appended, never rewritten
 *     entry=ENTRY              the holder (lib/util/holder.c): entry,
 *     program=lun-create       program, pid, machine, start, since
 *     ...
 *     library=UUID             the library's, which tags name
 *     state=making             then done or undoing, as the run ends
 *     lun=1 NAME               object 1 of the run: a LUN named NAME
 *     pool=1 pool:ARRAY:KEY    where (absent: the source's pool)
 *     size=1 BYTES             a new LUN's size, or:
 *     source=1 lun:ARRAY:KEY   a copy of that LUN, made as
 *     copy=1 snapshot          snapshot or clone
 *     begun=1                  the array call was sent
 *     made=1 lun:ARRAY:KEY:WWN it returned this LUN
 *     removed=1                undone
 *     template=NAME            (template-make) the template it records
 *     template-id=tmpl:UUID    once recorded
 *
 * A last line without its newline was cut off by a crash and is not read.
 * Keys this version does not know are skipped (a later version's).
 */
enum spi_jstep {
    SPI_JSTEP_PLANNED,
    SPI_JSTEP_BEGUN,
    SPI_JSTEP_MADE,
    SPI_JSTEP_REMOVED,
};
enum spi_jstate {
    SPI_JSTATE_MAKING,
    SPI_JSTATE_DONE,
    SPI_JSTATE_UNDOING,
};

/* "planned", ...; "making", "done", "undoing". */
const char *spi_jstep_name(enum spi_jstep s);
const char *spi_jstate_name(enum spi_jstate s);

struct spi_jobj {
    char *name;
    sp_id *pool;   /* or NULL: the source's */
    sp_id *source; /* a copy's, or NULL */
    sp_copy_method copy;
    uint64_t size;
    enum spi_jstep step;
    sp_id *id; /* once made */
};

struct spi_jdata {
    struct spi_holder holder; /* holder.entry: the run's entry */
    char library[37];
    enum spi_jstate state;
    char *template_name;
    sp_id *template_id;
    struct spi_jobj *objs;
    size_t n, cap;
};

/* A journal as a run or the reconciler holds it. */
struct spi_jarray {
    char *name;
    sp_array *a;
    bool owned; /* opened by the journal (an undo's), else the run's */
};

struct sp_journal {
    const sp_config *cfg;
    sp_library *lib;
    char *path, *lockpath;
    int fd;     /* the journal, open for appending */
    int lockfd; /* its lock, held */
    struct spi_jdata d;
    struct spi_jarray *arrays;
    size_t narrays, caparrays;
};

/* Append @text (whole lines) to the journal and sync it: on disk before
 * the array call it announces.  Errors: SP_ERR_IO. */
sp_code spi_journal_append(sp_journal *j, const char *text, sp_error *err);

/* The largest journal read (10,000 LUNs of a lun-create --count). */
#define SPI_JOURNAL_MAX (16u << 20)

/* Read journal @text (@len bytes; @origin names it in messages) into
 * @out (released with spi_jdata_release()).  Errors: SP_ERR_IO saying
 * which line is wrong. */
sp_code spi_journal_parse(const char *text, size_t len, const char *origin,
                          struct spi_jdata *out, sp_error *err);
void spi_jdata_release(struct spi_jdata *d);

/* LIBRARY/journals (a new string), made when @make. */
char *spi_journals_dir(sp_library *lib, bool make, sp_error *err);

/*
 * Open the journal of @entry for the reconciler: read, and its lock taken
 * without waiting, so that nothing else works on it meanwhile.
 * Errors: SP_ERR_PRECONDITION (its run is alive, or another reconciler
 * holds it: the message names the holder), SP_ERR_NOT_FOUND, SP_ERR_IO.
 * A journal so opened is settled by spi_journal_settle() and freed with
 * sp_journal_free().
 */
sp_code spi_journal_open(const sp_config *cfg, sp_library *lib,
                         const char *entry, sp_journal **out, sp_error *err);
/* What an open journal says. */
const struct spi_jdata *spi_journal_data(const sp_journal *j);

/*
 * Finish or undo a dead run's journal, as the run would have: a run that
 * recorded its template, or was done, is finished (marked done, its
 * reservations dropped); any other is undone (sp_journal_undo()).
 * *@finished tells which.  Errors: as sp_journal_undo().
 */
sp_code spi_journal_settle(sp_journal *j, bool *finished, sp_journal_fn fn,
                           void *ctx, sp_error *err);

/* Remove a done journal whose LUNs are all gone (its lock taken): it
 * accounts for nothing any more.  Errors: SP_ERR_IO. */
sp_code spi_journal_drop(sp_journal *j, sp_error *err);

#endif
