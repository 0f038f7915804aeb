/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sanprov/claims.h: what keeps runs apart when cron, CI and people run
 * sanprov at once on one library: the library's UUID and name
 * reservations (sanprov(7), "Concurrent runs"). */
#ifndef SANPROV_CLAIMS_H
#define SANPROV_CLAIMS_H

#include <sanprov/template.h>

SP_BEGIN_DECLS

/*
 * The library's UUID, made once (LIBRARY/library-id) and the same for every
 * run on the library: what the tags of the array objects sanprov makes
 * name as their owner.  @out gets the 36-character form.  Errors:
 * SP_ERR_IO.
 */
SP_API sp_code sp_library_uuid(sp_library *lib, char out[37], sp_error *err);

typedef enum sp_name_kind {
    SP_NAME_VM,       /* a VM's name, unique in the library */
    SP_NAME_TEMPLATE, /* a template's name, unique in the library */
    SP_NAME_LUN,      /* a LUN's name, unique in its pool */
} sp_name_kind;

/* "vm", "template", "lun". */
SP_API const char *sp_name_kind_name(sp_name_kind kind);

/* A run's hold on a name. */
typedef struct sp_reservation sp_reservation;

/* Take a reservation whose holder is gone (its process dead, or on another
 * machine and older than SP_RESERVATION_GRACE seconds). */
#define SP_RESERVE_TAKE_STALE 0x1u
/* The grace period of reservations held by other machines' runs. */
#define SP_RESERVATION_GRACE (24 * 3600)

/*
 * Reserve @name of @kind for this process, atomically, before anything of
 * that name is made: LIBRARY/reserved/ gets a file saying who holds it
 * (program, PID, machine, since when) and for which journal entry @entry
 * (a VM's UUID, a run's UUID; may be NULL).  @scope is "ARRAY:POOLKEY" for
 * a LUN, NULL for the others.  A reservation this process holds already
 * for the same @entry is reserved again without error.
 * Errors: SP_ERR_PRECONDITION (another run holds it: the message names the
 * holder, and says when the holder is gone and only --resume or the
 * reconciler may take it over, which @flags SP_RESERVE_TAKE_STALE does),
 * SP_ERR_INVALID, SP_ERR_IO.  *@out is released by sp_name_release().
 */
SP_API sp_code sp_name_reserve(sp_library *lib, sp_name_kind kind,
                               const char *scope, const char *name,
                               const char *entry, unsigned int flags,
                               sp_reservation **out, sp_error *err);

/* Give the name up (its file is removed when it is still ours) and free
 * @r.  NULL is fine. */
SP_API void sp_name_release(sp_reservation *r);

/* Free @r but keep the name reserved in the library: for a program that
 * hands it on (a journal that lives on after it). */
SP_API void sp_name_keep(sp_reservation *r);

/* A reservation as listed. */
typedef struct sp_name_info {
    sp_name_kind kind;
    const char *scope; /* "ARRAY:POOLKEY", or NULL */
    const char *name;
    const char *entry;  /* or "" */
    const char *holder; /* "vm-deploy (PID 1234 on kvm01, since ...)" */
    bool gone;          /* its holder is gone: stale */
} sp_name_info;

typedef int (*sp_name_fn)(const sp_name_info *info, void *ctx);
/* Visit every reservation of the library (the callee must not keep
 * @info's strings).  Errors: SP_ERR_IO. */
SP_API sp_code sp_name_reservations(sp_library *lib, sp_name_fn fn, void *ctx,
                                    sp_error *err);

/* Remove the reservation of @name whatever holds it (the reconciler's
 * --fix, for a stale one).  @flags must be 0.  Errors: SP_ERR_NOT_FOUND,
 * SP_ERR_IO. */
SP_API sp_code sp_name_drop(sp_library *lib, sp_name_kind kind,
                            const char *scope, const char *name,
                            unsigned int flags, sp_error *err);

SP_END_DECLS

#endif
