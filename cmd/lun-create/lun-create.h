/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd/lun-create/lun-create.h: what lun-create's files share: its options
 * and the run (planned, then made, all or nothing). */
#ifndef SANPROV_LUN_CREATE_H
#define SANPROV_LUN_CREATE_H

#include "common/cmd.h"
#include "common/names.h"

struct opts {
    uint64_t size;
    char *name;
    unsigned long count;
    sp_copy_method method; /* of --clone-of or --snapshot-of */
    char *source;
};

/* A step of the run: --count LUNs in a pool, or copies of a source. */
struct step {
    const sp_id *id; /* the ID read: a pool or a LUN to copy; NULL: none */
    sp_array *a;
    const sp_id *pool;   /* NULL: the source's */
    const sp_id *source; /* NULL: new LUNs */
    const sp_lun *src;   /* the source, as its array told */
    sp_copy_method method;
    unsigned long first; /* the number in the first LUN's name */
};

struct run {
    const struct opts *o;
    struct cmd_name_pattern pat; /* --name's */
    sp_id *source;               /* --clone-of's or --snapshot-of's */
    struct step *steps;
    size_t nsteps;
    sp_lun **srcs; /* the sources, each looked up once */
    size_t nsrcs, capsrcs;
    struct made { /* what the run made, in order */
        sp_lun *lun;
        const struct step *step;
    } * made;
    size_t nmade, capmade;
    sp_journal *journal; /* the run's (sanprov/journal.h) */
};

/*
 * Plan the run for the @n IDs read (pools or LUNs; none: copies of the
 * source into its pool), every lookup and check first, then make the
 * LUNs, journaled: the names the user gave reserved before the first
 * array call (a default name another run holds is skipped like one the
 * pool has), each LUN written down before it is asked for and tagged with
 * the run's entry; on any failure or a signal, remove what the run made.
 * The LUNs made are printed when all were made (or, after --timeout, with
 * the job still making the next).
 */
void lc_run(struct run *r, sp_id **ids, size_t n);

#endif
