/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/deploy/deploy_internal.h: VM records (the journal), their locks, and
 * the steps of a deploy, made and undone. */
#ifndef SANPROV_DEPLOY_INTERNAL_H
#define SANPROV_DEPLOY_INTERNAL_H

#include "../custom/custom.h"
#include "../util/internal.h"
#include <sanprov/deploy.h>

struct sp_vm_record {
    char *path; /* its file, or NULL until saved */
    sp_id *id;  /* vm:HOST:UUID */
    char *uuid, *name, *host;
    sp_id *tmpl;
    char *array;
    sp_id *pool;
    sp_copy_method copy;
    char *lun_name;
    sp_id *lun;
    uint32_t number;
    char *connect; /* "iscsi", "fc", "file" */
    char *disk;
    char *seed; /* the medium's path */
    bool start;
    sp_vm_state state;
    sp_vm_step step;
    unsigned int done; /* bit (1 << step) per finished step */
    int64_t created;
    double seconds;
    char *error;
    bool idle;
    /* Its writes need not reach the disk one by one: a batch makes them
     * durable together (spi_vm_record_sync()). */
    bool lazy;
    /* This process holds the reservation of lun_name in the pool for the
     * VM, made before its copy began (names.h), so a copy may be made
     * under that name.  Not written: a resumed record gets it only by
     * taking the reservation over. */
    bool lun_ours;
};

struct spi_reach;
/* The LUN of @r is still the one its journal names (key and WWN): checked
 * before anything of the VM is changed, on the array, the host or in the
 * library (SP_ERR_PRECONDITION otherwise).  A LUN that is gone is fine:
 * there is nothing of it to undo.  @flags: sp_array_check_lun()'s. */
sp_code spi_vm_check_lun(struct spi_reach *w, const sp_vm_record *r,
                         unsigned int flags, sp_error *err);

/* LIBRARY/vms, made when missing. */
char *spi_vms_dir(sp_library *lib, sp_error *err);

/* A new record of a VM about to be deployed: UUID @uuid (NULL: a fresh
 * one), state deploying, nothing done. */
sp_vm_record *spi_vm_record_new(const char *uuid, const char *name,
                                const char *host, const sp_id *tmpl,
                                const char *array, const sp_id *pool,
                                sp_copy_method copy);

/* The text of @r as its file holds it. */
char *spi_vm_record_format(const sp_vm_record *r);

/* Write @r into @dir (whole, synced: the journal must be on disk before
 * the step it announces acts). */
sp_code spi_vm_record_save(sp_vm_record *r, const char *dir, sp_error *err);

/* Journal: step @s begins (written), is done (written), is undone. */
sp_code spi_vm_begin(sp_vm_record *r, sp_vm_step s, sp_error *err);
sp_code spi_vm_finish(sp_vm_record *r, sp_vm_step s, sp_error *err);
sp_code spi_vm_set_state(sp_vm_record *r, sp_vm_state st, const sp_error *why,
                         sp_error *err);
sp_code spi_vm_undone(sp_vm_record *r, sp_vm_step s, sp_error *err);

/* The lock of VM @uuid in @dir: with @wait false, SP_ERR_PRECONDITION when
 * another process holds it.  Released with spi_unlock(). */
sp_code spi_vm_lock(const char *dir, const char *uuid, bool wait, int *fd,
                    sp_error *err);
/* Forget @r: its file and its lock (held in @fd, released); a lazy
 * record's directory is synced by the caller. */
sp_code spi_vm_forget(sp_vm_record *r, const char *dir, int *fd, sp_error *err);
/* Make the last write of @r durable (its file; its directory is the
 * caller's to sync, once for a batch). */
sp_code spi_vm_record_sync(const sp_vm_record *r, sp_error *err);

/* ---- steps (steps.c) ---- */

/* What a worker reaches: its own handles (not thread-safe), opened on
 * first use. */
struct spi_reach {
    const sp_config *cfg;
    sp_library *lib;     /* its reservations (names.h) and tags */
    char library_id[37]; /* its UUID, once read (steps.c) */
    unsigned int timeout;
    sp_array *array;
    char *array_name;
    sp_host **hosts;
    size_t nhosts;
};
/* Copy the failure of @a (@h) into @err; its code. */
sp_code spi_array_failed(sp_array *a, sp_error *err);
sp_code spi_host_failed(sp_host *h, sp_error *err);

sp_array *spi_reach_array(struct spi_reach *w, const char *name, sp_error *err);
sp_host *spi_reach_host(struct spi_reach *w, const char *name, sp_error *err);
void spi_reach_close(struct spi_reach *w);

/* The steps; @again: the journal says the step began but not that it
 * ended, so what it may have made is looked for first.  The copy's @flags:
 * 0, or SP_LUN_KEY_ONLY when the WWNs of a batch are read at once after
 * (the LUN's ID then lacks its WWN until that is written into it). */
sp_code spi_step_copy(struct spi_reach *w, sp_vm_record *r, const sp_id *source,
                      bool again, unsigned int flags, sp_error *err);
sp_code spi_step_mask(struct spi_reach *w, sp_vm_record *r, sp_error *err);
sp_code spi_step_customize(sp_vm_record *r, const sp_template *t,
                           const char *user_data, sp_error *err);
sp_code spi_step_define(struct spi_reach *w, sp_vm_record *r,
                        const sp_template *t, sp_error *err);
sp_code spi_step_start(struct spi_reach *w, sp_vm_record *r, bool again,
                       sp_error *err);

/* Undo the steps of @r that are done or begun, last first (journaled);
 * what is already gone is fine.  The record is then forgotten. */
sp_code spi_vm_undo(struct spi_reach *w, sp_vm_record *r, const char *dir,
                    int *lockfd, sp_error *err);
/* The same for steps @first to @last only, the record kept (a batch of
 * deletes undoes some steps of many VMs at once); whether step @s is done
 * or begun. */
sp_code spi_vm_undo_steps(struct spi_reach *w, sp_vm_record *r,
                          sp_vm_step first, sp_vm_step last, sp_error *err);
bool spi_vm_begun(const sp_vm_record *r, sp_vm_step s);

/* The seed directory of host @host: its seed-dir, else LIBRARY/seeds. */
char *spi_seed_dir(const sp_config *cfg, sp_library *lib, const char *host);

#endif
