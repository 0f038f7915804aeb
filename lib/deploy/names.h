/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/deploy/names.h: the names a deploy holds in the library while it
 * works (each VM's, and its LUN's in its pool), taken over from runs that
 * died, and dropped when nothing of those runs is left to finish. */
#ifndef SANPROV_DEPLOY_NAMES_H
#define SANPROV_DEPLOY_NAMES_H

#include "deploy_internal.h"

/* What a VM's deploy holds: its name (SP_NAME_VM) and its LUN's name in its
 * pool (SP_NAME_LUN), both reserved for the VM's UUID. */
struct spi_vm_names {
    sp_reservation *vm, *lun;
};

/* The scope of a LUN's name in @pool: "ARRAY:POOLKEY", the pool's ID
 * without its kind, fields percent-encoded as in the ID (so it holds one
 * ':').  A new string. */
char *spi_lun_scope(const sp_id *pool);

/*
 * Reserve the names of @kind of every VM of @d for its UUID (SP_NAME_LUN:
 * in d->pool), all or none, in sorted order (two runs that want names in
 * common go for the same one first, so one of them gets them all).  With
 * @dry_run nothing is reserved: a name another run holds is only reported.
 * Errors: SP_ERR_PRECONDITION naming the holder, SP_ERR_IO.
 */
sp_code spi_deploy_reserve(sp_deploy *d, sp_name_kind kind, bool dry_run,
                           sp_error *err);
/* Release what the VMs of @d still hold. */
void spi_deploy_release(sp_deploy *d);

/* Give both names up (the LUN's first), as the VM's record or nothing now
 * says what is taken.  Either may be NULL. */
void spi_vm_names_release(struct spi_vm_names *n);
/* Forget both, leaving them reserved: the VM's journal is left unfinished
 * and --resume takes them over. */
void spi_vm_names_keep(struct spi_vm_names *n);

/*
 * The reservation of @r's LUN name that a run which died held for @r (its
 * UUID the entry), taken over; NULL when there is none, it is another
 * entry's, or its holder runs.  Sets r->lun_ours when taken.
 */
sp_reservation *spi_vm_take_lun_name(sp_library *lib, sp_vm_record *r);

/* Both names of @r, taken over as spi_vm_take_lun_name() does: for
 * --resume, which finishes or undoes the record and then releases them. */
void spi_vm_names_take_over(sp_library *lib, sp_vm_record *r,
                            struct spi_vm_names *n);

/*
 * For --resume, after the records: the reservations of vm-deploy runs that
 * died with nothing left to finish (killed before their journal was
 * written, or after the VM was deployed or undone) are taken over and
 * released.  A VM name, or a LUN name reserved for the same entry as a VM
 * name or a record, is vm-deploy's; reservations of entries whose record
 * is still unfinished are left to the next resume.
 */
sp_code spi_vm_names_sweep(sp_library *lib, sp_error *err);

#endif
