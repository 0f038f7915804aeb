/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sanprov/deploy.h: rapid provisioning: VMs deployed from a template by SAN
 * copy, the journal each VM keeps in the library, and their teardown. */
#ifndef SANPROV_DEPLOY_H
#define SANPROV_DEPLOY_H

#include <sanprov/host.h>

SP_BEGIN_DECLS

/*
 * A deployed VM is recorded in the library, LIBRARY/vms/UUID.vm (UUID: the
 * domain's), as a journal: each step is written down before it acts and
 * marked done after, so a run killed at any point can be finished or
 * undone (sp_deploy_resume(), sp_vm_deleter_run()).  The steps, in order:
 *
 *     copy       SAN copy of the template's LUN (named after the VM)
 *     mask       the new LUN made visible to the host's initiators
 *     customize  the customization medium written (cloud-init or unattend)
 *     define     the domain defined on the host, with the LUN as its disk
 *     start      the domain started (when asked)
 *
 * A process working on a VM holds LIBRARY/vms/UUID.lock.
 */
typedef enum sp_vm_step {
    SP_STEP_COPY,
    SP_STEP_MASK,
    SP_STEP_CUSTOMIZE,
    SP_STEP_DEFINE,
    SP_STEP_START,
    SP_STEP_COUNT
} sp_vm_step;

/* "copy", "mask", "customize", "define", "start". */
SP_API const char *sp_vm_step_name(sp_vm_step s);

typedef enum sp_vm_state {
    SP_VM_DEPLOYING, /* steps are being made (or were, when a run died) */
    SP_VM_DEPLOYED,  /* every step made */
    SP_VM_FAILED,    /* a step failed and the VM was kept (keep_failed) */
    SP_VM_ROLLBACK,  /* its steps are being undone after a failure */
    SP_VM_DELETING,  /* its steps are being undone by a delete */
} sp_vm_state;

/* "deploying", "deployed", "failed", "rolling-back", "deleting". */
SP_API const char *sp_vm_state_name(sp_vm_state s);

/* ---- records ---- */

typedef struct sp_vm_record sp_vm_record;

SP_API const sp_id *sp_vm_record_id(const sp_vm_record *r); /* vm:HOST:UUID */
SP_API const char *sp_vm_record_name(const sp_vm_record *r);
SP_API const char *sp_vm_record_host(const sp_vm_record *r);
SP_API const sp_id *sp_vm_record_template(const sp_vm_record *r);
/* The VM's LUN, once copied (else NULL), and how it was copied. */
SP_API const sp_id *sp_vm_record_lun(const sp_vm_record *r);
SP_API sp_copy_method sp_vm_record_copy(const sp_vm_record *r);
/* How the host reaches the LUN: "iscsi", "fc" or "file", and the disk the
 * domain names (iscsi://PORTAL/TARGET/LUN, a device or a file), or NULL
 * before it is known. */
SP_API const char *sp_vm_record_connect(const sp_vm_record *r);
SP_API const char *sp_vm_record_disk(const sp_vm_record *r);
SP_API sp_vm_state sp_vm_record_state(const sp_vm_record *r);
/* The step being made or undone (the last one journaled), and whether
 * step @s is done. */
SP_API sp_vm_step sp_vm_record_step(const sp_vm_record *r);
SP_API bool sp_vm_record_done(const sp_vm_record *r, sp_vm_step s);
/* True when no process works on the VM now: a record in a state other
 * than deployed or failed is then what a killed run left (resume it). */
SP_API bool sp_vm_record_idle(const sp_vm_record *r);
/* Why it failed, or NULL. */
SP_API const char *sp_vm_record_error(const sp_vm_record *r);
/* When its deploy began, in seconds since the epoch, and how long it took
 * (seconds; 0 until deployed). */
SP_API int64_t sp_vm_record_created(const sp_vm_record *r);
SP_API double sp_vm_record_seconds(const sp_vm_record *r);
SP_API void sp_vm_record_free(sp_vm_record *r);

/* Visit every record, by name; each is owned by the callee.  A negative
 * return from @fn stops (SP_ERR_CANCELLED).  A record that does not parse
 * is an error naming its file. */
typedef int (*sp_vm_record_fn)(sp_vm_record *r, void *ctx);
SP_API sp_code sp_vm_records(sp_library *lib, sp_vm_record_fn fn, void *ctx,
                             sp_error *err);

/* The record of VM @vm.  Errors: SP_ERR_NOT_FOUND, SP_ERR_BAD_ID (not a vm
 * ID), SP_ERR_IO. */
SP_API sp_code sp_vm_record_load(sp_library *lib, const sp_id *vm,
                                 sp_vm_record **out, sp_error *err);

/* Read a record from @text (@origin names it in messages).  Errors:
 * SP_ERR_IO with what is wrong. */
SP_API sp_code sp_vm_record_parse(const char *text, size_t len,
                                  const char *origin, sp_vm_record **out,
                                  sp_error *err);

/* ---- deploying ---- */

/* What to deploy.  The caller sets @size (sanprov/common.h, "Structs"). */
typedef struct sp_deploy_opts {
    size_t size;
    const sp_template *tmpl;
    const char *host;  /* the host, or NULL: */
    const char *group; /* spread over the reachable hosts of this group */
    size_t count;
    const char *const *names; /* @count VM names (their LUNs get them too) */
    const char *user_data;    /* replaces the template's, or NULL */
    bool start;               /* start each VM */
    bool keep_failed;         /* keep a failed VM's steps, do not undo */
    unsigned int jobs;        /* VMs worked on at once (0: 1) */
    unsigned int timeout; /* seconds to wait for an array job (0: an hour) */
    bool dry_run; /* only plan: reserve no name (one another run holds is
                     still refused) */
} sp_deploy_opts;

typedef struct sp_deploy sp_deploy;

/*
 * Plan a deploy and check every prerequisite, changing nothing on the
 * array or the hosts.  First the names are reserved in the library for
 * this process (sanprov/claims.h): each VM's name before the first call to
 * the array, and its LUN's (the same) in the pool once the pool is known;
 * all or none, and held until each VM is deployed, kept failed or undone,
 * or until sp_deploy_free() (a VM whose journal is left unfinished leaves
 * its names reserved for sp_deploy_resume()).  Then: the
 * array can make the template's copy method (or any, for auto); the pool
 * is managed and allocated to the host's group; the host is in that
 * group; host and array share a connectivity type, and the host has
 * initiators (or, with neither, is this machine and the array's LUNs are
 * files here); UEFI templates only on hosts with UEFI firmware; the names
 * are free on the hosts, in the library and in the pool; the pool has room
 * for the clones.  With a group, each VM goes to the reachable host with
 * the fewest VMs.  Errors: SP_ERR_PRECONDITION (a rule broken, or a name
 * reserved by another run: the message says which, and names the holder),
 * SP_ERR_CONNECT, SP_ERR_NOT_FOUND (no such host or group), and the
 * array's.  @flags must be 0.
 */
SP_API sp_code sp_deploy_plan(const sp_config *cfg, sp_library *lib,
                              const sp_deploy_opts *o, unsigned int flags,
                              sp_deploy **out, sp_error *err);
SP_API void sp_deploy_free(sp_deploy *d);

/* The plan: the VMs, each with its host, and what all share. */
SP_API size_t sp_deploy_count(const sp_deploy *d);
SP_API const char *sp_deploy_name(const sp_deploy *d, size_t i);
SP_API const char *sp_deploy_host(const sp_deploy *d, size_t i);
SP_API sp_copy_method sp_deploy_method(const sp_deploy *d);
SP_API const sp_id *sp_deploy_pool(const sp_deploy *d);
/* "iscsi", "fc" or "file" for VM @i. */
SP_API const char *sp_deploy_connect(const sp_deploy *d, size_t i);

/* Called as each VM ends: @r is its record (deployed, or failed and
 * kept), or NULL when it failed and was undone; @err says why it failed
 * (NULL on success).  From worker threads, one call at a time. */
typedef void (*sp_deploy_fn)(const char *name, const sp_vm_record *r,
                             const sp_error *err, void *ctx);

/*
 * Deploy the plan: the SAN copies (@jobs at once), the masking of each
 * host's LUNs in one call, then for each VM its medium, its domain and
 * its start.  A VM that fails has its finished steps undone in reverse
 * order (unless keep_failed) while the others go on.  Returns SP_OK when
 * every VM was deployed, else the first failure's code (each VM's outcome
 * went to @fn).  @flags must be 0 (else SP_ERR_INVALID, nothing done).
 */
SP_API sp_code sp_deploy_run(sp_deploy *d, unsigned int flags, sp_deploy_fn fn,
                             void *ctx);

/* HTTP requests sent to the array by the plan and the run (the round
 * trips that matter at scale). */
SP_API uint64_t sp_deploy_requests(const sp_deploy *d);

/*
 * Finish what killed runs left: every idle record that is not deployed or
 * failed is taken up where its journal stops; a deploy goes on (steps
 * made again where the journal cannot say they were finished) and is
 * undone if a step fails (unless SP_DEPLOY_KEEP_FAILED); a rollback or delete
 * goes on undoing.  The names the killed run reserved for a VM are taken over
 * for its work, then released (kept when the VM is left unfinished), and
 * those it reserved for VMs with nothing left to finish are released.
 * @fn gets each VM's outcome (for an undone one @r is NULL and @err NULL
 * when that was the intent).  Returns SP_OK when every VM ended as its
 * journal intended.  Flags: SP_DEPLOY_KEEP_FAILED.
 */
#define SP_DEPLOY_KEEP_FAILED 0x1u
SP_API sp_code sp_deploy_resume(const sp_config *cfg, sp_library *lib,
                                unsigned int flags, sp_deploy_fn fn, void *ctx,
                                sp_error *err);

/*
 * Tearing VMs down.  A deleter keeps its array and host connections from
 * one VM to the next (an array is discovered once for a whole batch).
 * VMs are added to it, then deleted together by sp_vm_deleter_run():
 *
 *     sp_vm_deleter *d = sp_vm_deleter_new(cfg, lib);
 *     while (... next ID ...)
 *         sp_vm_deleter_add(d, id, &err);
 *     sp_vm_deleter_run(d, each, ctx, &err);   // each VM's outcome
 *     sp_vm_deleter_free(d);
 */
typedef struct sp_vm_deleter sp_vm_deleter;
SP_API sp_vm_deleter *sp_vm_deleter_new(const sp_config *cfg, sp_library *lib);
SP_API void sp_vm_deleter_free(sp_vm_deleter *d);

/* The most LUN deletes a deleter runs at once. */
#define SP_VM_DELETER_JOBS_MAX 64

/* Delete the LUNs of a batch over up to @jobs connections to their array
 * at once (0 or 1: one), each taking at least 4 LUNs, one after the other;
 * the masking change stays one.  A connection beyond the first costs a
 * request or three of its own (it reads the WWNs of its LUNs and what
 * their deletes need to know).  Set before the first sp_vm_deleter_run().
 * Errors: SP_ERR_INVALID (more than SP_VM_DELETER_JOBS_MAX, or too late). */
SP_API sp_code sp_vm_deleter_set_jobs(sp_vm_deleter *d, unsigned int jobs,
                                      sp_error *err);

/* Add VM @vm to the deleter's batch (nothing is done yet).  Errors:
 * SP_ERR_BAD_ID (not a vm ID). */
SP_API sp_code sp_vm_deleter_add(sp_vm_deleter *d, const sp_id *vm,
                                 sp_error *err);

/* The outcome of a VM of the batch: @err NULL when it was deleted. */
typedef void (*sp_vm_delete_fn)(const sp_id *vm, const sp_error *err,
                                void *ctx);

/*
 * Tear the VMs added down, as sp_vm_deleter_delete() does each, in
 * batches: the VMs of one array and host are checked with one request
 * (the identity of their LUNs), stopped and undefined on their host one by
 * one, unmasked in one masking change, and their LUNs deleted one after
 * the other over one connection (sp_array_delete_luns()).  Each VM's
 * journal is kept throughout, so that one VM's failure leaves the others
 * as they would be alone, and a run killed midway leaves each VM deletable
 * again.  A VM whose LUN's key names another LUN now is refused, nothing
 * of it changed (SP_ERR_PRECONDITION), and the others go on.  A VM given
 * twice is deleted, then not found, as one after the other would be.
 * @fn gets each VM's outcome, in the order they were added.  Returns
 * SP_OK when every VM was deleted, else the first failure's code (in
 * @err).  The batch is then empty.  @flags must be 0.
 */
SP_API sp_code sp_vm_deleter_run(sp_vm_deleter *d, unsigned int flags,
                                 sp_vm_delete_fn fn, void *ctx, sp_error *err);

/*
 * Tear VM @vm down: stop, undefine, remove its medium, unmask and delete
 * its LUN, forget its record; each step is journaled, and what is already
 * gone is skipped, so a half-deleted VM can be deleted again.  A VM with no
 * record but a domain of ours on its host has the domain undefined.
 * Errors: SP_ERR_NOT_FOUND (neither), SP_ERR_PRECONDITION (another process
 * works on it, or its LUN's key names another LUN now: nothing changed),
 * and the array's or host's.  (A batch of one, run at once.)  @flags must
 * be 0.
 */
SP_API sp_code sp_vm_deleter_delete(sp_vm_deleter *d, const sp_id *vm,
                                    unsigned int flags, sp_error *err);

SP_END_DECLS

#endif
