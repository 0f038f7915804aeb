/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sanprov/journal.h: the journal of a run that makes array objects
 * (lun-create, template-make), so that whatever kills it, what it made
 * can be found and finished or undone (sanprov(7), "Journals"). */
#ifndef SANPROV_JOURNAL_H
#define SANPROV_JOURNAL_H

#include <sanprov/claims.h>

SP_BEGIN_DECLS

/*
 * A run's journal is LIBRARY/journals/ENTRY.journal, ENTRY the run's UUID
 * (time-ordered: RFC 9562 version 7), which tags every LUN the run makes
 * (sp_array_set_tag()).  It says who runs (program, PID, machine, since
 * when) and, line by line, appended and synced before each array call,
 * what the run is about to make (array, pool, name), that the call began,
 * and when it returned, the LUN's ID (key and WWN).  The running process
 * holds LIBRARY/journals/ENTRY.lock (flock), which the kernel releases
 * when it dies.
 *
 * A run ends in one of two ways: sp_journal_commit() (what it made is
 * kept: the journal stays, marked done, as the record that accounts for
 * those LUNs) or sp_journal_undo() (what it made is deleted, found by key
 * and WWN, or by its tag where the call's answer never came; the journal
 * goes).  A run killed before either leaves its journal as it was: the
 * reconciler (reconcile --fix) finishes it (a template-make that saved its
 * template) or undoes it (everything else), as the run itself would have.
 * A journal's object may be planned (nothing sent yet), begun (sent, no
 * answer yet), made (its ID known) or removed.
 */
typedef struct sp_journal sp_journal;

/*
 * Begin the journal of a run of this program in @lib: a new entry, the
 * journal file written and synced, its lock held.  @cfg (borrowed, must
 * outlive the journal) opens the arrays an undo needs that the run did not
 * hand to it.  @flags must be 0.  Errors: SP_ERR_IO.  Free with
 * sp_journal_free().
 */
SP_API sp_code sp_journal_new(const sp_config *cfg, sp_library *lib,
                              unsigned int flags, sp_journal **out,
                              sp_error *err);

/* The run's entry, the UUID its LUNs are tagged with. */
SP_API const char *sp_journal_entry(const sp_journal *j);

/*
 * Reserve @name of @kind for the run before anything of that name is
 * made (sp_name_reserve(), with the run's entry): a LUN's name in @pool
 * (a pool ID), a template's in the library (@pool NULL).  The reservation
 * is released by sp_journal_commit() or sp_journal_undo(), or, when the
 * run dies, by the reconciler.  Errors: SP_ERR_PRECONDITION (another run
 * holds it; the message names the holder), SP_ERR_INVALID, SP_ERR_IO.
 * @flags, of this call and of the three below, must be 0.
 */
SP_API sp_code sp_journal_reserve(sp_journal *j, sp_name_kind kind,
                                  const sp_id *pool, const char *name,
                                  unsigned int flags, sp_error *err);

/*
 * sp_array_create_lun() and sp_array_copy_lun(), journaled: the LUN is
 * written down (begun) and synced before the call, tagged with the run's
 * entry (@a is tagged for the call, and untagged after it), and its ID
 * written down when the call returns.  @a is borrowed for the run: it must
 * outlive the journal.  A lost answer is settled by the tag, as the array
 * calls do.  Errors: the array's (copied into @err), SP_ERR_IO (the
 * journal cannot be written: nothing was sent, or the LUN made is deleted
 * again).
 */
SP_API sp_code sp_journal_create_lun(sp_journal *j, sp_array *a,
                                     const sp_id *pool, const char *name,
                                     uint64_t bytes, unsigned int flags,
                                     sp_lun **out, sp_error *err);
SP_API sp_code sp_journal_copy_lun(sp_journal *j, sp_array *a,
                                   const sp_id *source, sp_copy_method method,
                                   const char *name, const sp_id *pool,
                                   unsigned int flags, sp_lun **out,
                                   sp_error *err);

/*
 * The run made template @tmpl (saved in the library): from here on a dead
 * run is finished, not undone.  Errors: SP_ERR_IO.
 */
SP_API sp_code sp_journal_template_saved(sp_journal *j, const sp_id *tmpl,
                                         unsigned int flags, sp_error *err);

/*
 * The run is done and keeps what it made: the journal is marked done (and
 * stays, accounting for its LUNs; a run that made none has its journal
 * removed), its reservations released.  Errors: SP_ERR_IO.
 */
SP_API sp_code sp_journal_commit(sp_journal *j, unsigned int flags,
                                 sp_error *err);

/*
 * Undo the run: delete the LUNs it made, the newest first, each by key
 * and WWN (a LUN that is gone is fine; one whose key names another LUN now
 * is left alone), and a LUN whose call began but never answered by its
 * name and tag; then release the reservations and remove the journal.
 * Each deleted LUN goes to @fn (may be NULL).  Errors: the first failure
 * (the journal then stays, for the reconciler to finish the undo).
 */
typedef void (*sp_journal_fn)(const sp_id *lun, void *ctx);
SP_API sp_code sp_journal_undo(sp_journal *j, unsigned int flags,
                               sp_journal_fn fn, void *ctx, sp_error *err);

/* Free @j, release its lock; the journal file stays as it is (a run
 * neither committed nor undone is left for the reconciler).  NULL is
 * fine. */
SP_API void sp_journal_free(sp_journal *j);

SP_END_DECLS

#endif
