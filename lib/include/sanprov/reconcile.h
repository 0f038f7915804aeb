/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sanprov/reconcile.h: the reconciler: what sanprov's arrays, library and
 * hosts hold that nothing accounts for, or that points at nothing, and its
 * mending (reconcile(1), sanprov(7) "Reconciling"). */
#ifndef SANPROV_RECONCILE_H
#define SANPROV_RECONCILE_H

#include <sanprov/deploy.h>
#include <sanprov/journal.h>

SP_BEGIN_DECLS

typedef enum sp_finding_kind {
    /* An object tagged with this library's UUID (a LUN, or a domain whose
     * metadata names the library) that no VM record or journal accounts
     * for. */
    SP_FINDING_ORPHAN,
    /* A VM record (deployed or failed) whose LUN is gone or has another
     * WWN, whose LUN is no longer masked to its host, or whose domain is
     * gone from its host. */
    SP_FINDING_DANGLING,
    /* The journal of a run of lun-create or template-make, or the record
     * of a deploy or delete, whose process is gone before it ended. */
    SP_FINDING_HALF_MADE,
    /* A name reservation whose holder is gone. */
    SP_FINDING_STALE,
    /* A file nothing needs: a temporary file of a dead process, a VM's or
     * a journal's lock without its record or journal, a seed medium or
     * its work directory without its VM, a done journal whose LUNs are
     * all gone. */
    SP_FINDING_DEBRIS,
} sp_finding_kind;

/* "orphan", "dangling", "half-made", "stale", "debris". */
SP_API const char *sp_finding_kind_name(sp_finding_kind k);

/* One finding.  The strings belong to the reconciler, for the call. */
typedef struct sp_finding {
    sp_finding_kind kind;
    /*
     * What it is about, as one token of printable ASCII without spaces:
     * the object's ID (lun:ARRAY:KEY:WWN, vm:HOST:UUID), else
     * journal:ENTRY, reservation:KIND:SCOPE:NAME or file:PATH (PATH
     * relative to the library, or absolute; its fields percent-encoded as
     * IDs' are).
     */
    const char *ref;
    const char *object; /* "lun", "domain", "record", "journal",
                           "reservation", "file" */
    const char *where;  /* the array, the host, or "library" */
    const char *name;   /* the LUN's, VM's or reserved name, or NULL */
    const char *entry;  /* the journal entry it is the work of, or NULL */
    int64_t age;        /* seconds since it was made (or first found), or
                           -1 when not known */
    const char *why;    /* what is wrong, for people */
    /* With SP_RECONCILE_FIX: what was done ("removed", "undone",
     * "finished", "dropped"), or why nothing was ("kept: ..."); NULL
     * when listing. */
    const char *action;
    sp_code fixed; /* SP_OK, or why the action failed (@why says) */
} sp_finding;

/* Called for each finding; a non-zero return stops (SP_ERR_CANCELLED). */
typedef int (*sp_finding_fn)(const sp_finding *f, void *ctx);

/* Mend what is found (see sp_reconcile()). */
#define SP_RECONCILE_FIX 0x1u
/* The default grace period, in seconds. */
#define SP_RECONCILE_GRACE 3600

/*
 * Compare every configured array, the library @lib and every configured
 * host, and give each finding to @fn.  Nothing of a live run is a
 * finding: a journal or record whose process holds its lock, the LUNs
 * tagged with its entry, its reservations, its files.
 *
 * With SP_RECONCILE_FIX each finding is mended as it is found, in this
 * order: dead runs' journals are finished or undone as the runs would
 * have (lun-create: undone; template-make: finished once it recorded its
 * template, else undone), dead deploys' and deletes' records undone (as
 * vm-delete does); dangling records dropped (a record whose LUN is gone
 * has its domain undefined first; what else remains of it is then an
 * orphan); orphans older than @grace_s seconds removed (a LUN deleted,
 * unmasked first, by key and WWN; a domain stopped and undefined) (an
 * orphan's age is its entry's, which a run's time-ordered UUID says, else
 * the time a reconcile first found it: LIBRARY/reconcile/seen); stale
 * reservations dropped; debris removed.  Each finding's action says what
 * was done.
 *
 * Returns SP_OK when everything could be looked at (and mended); else the
 * first failure's code (an array or host that cannot be reached: its
 * objects are then neither listed nor mended), with @err saying it; the
 * findings that failed to be mended carry their own code.  @flags:
 * SP_RECONCILE_FIX.
 */
SP_API sp_code sp_reconcile(const sp_config *cfg, sp_library *lib,
                            unsigned int grace_s, unsigned int flags,
                            sp_finding_fn fn, void *ctx, sp_error *err);

SP_END_DECLS

#endif
