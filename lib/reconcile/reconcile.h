/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/reconcile/reconcile.h: what the reconciler's files share: what it
 * learned of the library, and how a finding is told and mended. */
#ifndef SANPROV_RECONCILE_INTERNAL_H
#define SANPROV_RECONCILE_INTERNAL_H

#include "../library/journal.h"
#include "../util/internal.h"
#include <sanprov/reconcile.h>

#include <time.h>

/* A journal as the reconciler found it. */
struct rc_journal {
    char entry[37];
    struct spi_jdata d;
    bool alive;     /* its run holds its lock, or may still run */
    bool gone_objs; /* done, and every LUN it made is gone */
};

/* A LUN of a reachable array, as listed (for dangling records). */
struct rc_lun {
    char *key, *wwn;
    char **initiators;
    size_t ninit;
};

struct rc_array {
    char *name;
    sp_array *a; /* open until the end, for the mending */
    bool listed; /* its LUNs could be listed */
    struct rc_lun *luns;
    size_t n, cap;
};

struct rc_domain {
    char *host, *uuid, *vm_id, *library, *name;
    bool running;
};

/* A LUN tagged with this library that nothing seemed to account for
 * when its array was listed. */
struct rc_orphan {
    struct rc_array *array;
    sp_id *id;
    char *name, *entry;
    bool masked;
    bool matched; /* its entry is a record's or journal's that names
                     other LUNs (else: an entry unknown) */
};

/* When an orphan of unknown age was first found (LIBRARY/reconcile/seen). */
struct rc_seen {
    char *ref;
    int64_t since;
    bool found; /* found again by this run: kept in the file */
};

struct rc {
    const sp_config *cfg;
    sp_library *lib;
    char library[37];
    unsigned int grace;
    bool fix;
    sp_finding_fn fn;
    void *ctx;
    bool stopped;
    int64_t now;
    sp_error first; /* the first source that could not be looked at */

    /* Entries the library knows (records' and journals' UUIDs, from their
     * files and locks), read before and after the arrays are: an object of
     * one of them is not an orphan. */
    char **entries;
    size_t nentries, capentries;

    sp_vm_record **recs;
    size_t nrecs;
    struct rc_journal *js;
    size_t njs;
    struct rc_array *arrays;
    size_t narrays;
    struct rc_domain *doms;
    size_t ndoms;
    char **hosts_listed; /* hosts whose domains could be listed */
    size_t nhosts_listed;
    struct rc_orphan *orphans;
    size_t norphans, caporphans;
    struct rc_seen *seen;
    size_t nseen, capseen;
};

/* Give @f to the caller; false once the caller asked to stop. */
bool rc_report(struct rc *rc, sp_finding *f);
/* Note the first source that could not be looked at. */
void rc_source_failed(struct rc *rc, const sp_error *err);

/* The entries the library knows now, added to rc->entries (scan.c). */
void rc_read_entries(struct rc *rc);
/* Whether an entry whose UUID begins with @prefix is known. */
bool rc_entry_known(const struct rc *rc, const char *prefix);
/* The records, journals, arrays' LUNs and hosts' domains (scan.c). */
sp_code rc_read_library(struct rc *rc, sp_error *err);
void rc_scan_arrays(struct rc *rc);
void rc_scan_hosts(struct rc *rc);
/* The age of an orphan: its entry's, else since it was first found. */
int64_t rc_age(struct rc *rc, const char *ref, const char *entry);
void rc_seen_load(struct rc *rc);
/* Forget when @ref was first found: it is gone. */
void rc_seen_forget(struct rc *rc, const char *ref);
void rc_seen_save(struct rc *rc);

/* Findings (findings.c): half-made journals and records, dangling
 * records, orphan domains. */
void rc_half_made(struct rc *rc);
/* When listing: the LUN and domain each half-made record left. */
void rc_half_made_parts(struct rc *rc);
void rc_dangling(struct rc *rc);
void rc_orphan_domains(struct rc *rc);
/* Orphan LUNs (orphans.c): each LUN of an array as it is listed, and
 * the candidates told (and mended) once the library was read again. */
void rc_lun_found(struct rc *rc, struct rc_array *ra, const sp_lun *l);
void rc_orphan_luns(struct rc *rc);

/* Stale reservations and debris (debris.c). */
void rc_stale(struct rc *rc);
void rc_debris(struct rc *rc);

void rc_release(struct rc *rc);

#endif
