/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sanprov/array.h: storage arrays: pools, LUNs, SAN copies and masking, through
 * one driver table. */
#ifndef SANPROV_ARRAY_H
#define SANPROV_ARRAY_H

#include <sanprov/config.h>
#include <sanprov/id.h>

SP_BEGIN_DECLS

/*
 * An array is a configured [array "NAME"] reached through a driver chosen
 * by its URI scheme: smis+https:// or smis+http:// (any SMI-S provider),
 * local: (this machine's file system).  A handle connects on first use,
 * learns what the array can do once, and keeps its connection; it is not
 * thread-safe.  Every call returns SP_OK or a code; the error (with the
 * array's own words) is read with sp_array_error().
 */
typedef struct sp_array sp_array;

/*
 * Open array @name of @cfg.  Nothing is sent yet.  @flags must be 0.
 * Errors: SP_ERR_NOT_FOUND (no such array), SP_ERR_CONFIG (a URI no
 * driver takes, or that its driver cannot use: the message names the
 * configuration file and line).
 */
SP_API sp_code sp_array_open(const sp_config *cfg, const char *name,
                             unsigned int flags, sp_array **out, sp_error *err);
SP_API void sp_array_close(sp_array *a);
SP_API const sp_error *sp_array_error(const sp_array *a);
SP_API const char *sp_array_name(const sp_array *a);

/* Called while the array works on a job: @percent is 0..100, or -1 when
 * the array does not say.  Set NULL for none. */
typedef void (*sp_progress_fn)(const char *what, int percent, void *ctx);
SP_API void sp_array_set_progress(sp_array *a, sp_progress_fn fn, void *ctx);

/*
 * Wait at most @seconds for an array job (0: one hour).  When a job takes
 * longer the call fails with SP_ERR_JOB_TIMEOUT and sp_array_pending_job()
 * names the job ("job:ARRAY:KEY") so that it can be waited for later.
 */
SP_API void sp_array_set_timeout(sp_array *a, unsigned int seconds);
SP_API const char *sp_array_pending_job(const sp_array *a);

/*
 * Make every change made through @a so far survive a crash of this
 * machine.  A local array writes its metadata without waiting for the disk
 * and syncs it here (and when it is closed), one flush for a whole batch;
 * an SMI-S array's changes are the array's business.  Call it before
 * telling anyone of what was made.  @flags must be 0.
 */
SP_API sp_code sp_array_sync(sp_array *a, unsigned int flags);

/* Round trips: HTTP requests sent so far (0 for the local driver). */
SP_API uint64_t sp_array_requests(const sp_array *a);

/* ---- what the array is and can do ---- */

typedef enum sp_masking_kind {
    SP_MASKING_NONE,   /* no masking: LUNs are visible to every host */
    SP_MASKING_GROUP,  /* SMI-S Group Masking and Mapping */
    SP_MASKING_LEGACY, /* SMI-S Masking and Mapping (ExposePaths) */
    SP_MASKING_LOCAL,  /* the local driver's own */
} sp_masking_kind;

/*
 * vendor, model and firmware are what the array says of itself, or NULL
 * when it does not say: for SMI-S, the Manufacturer and Model of the
 * system's CIM_PhysicalPackage (Physical Package subprofile) and the
 * VersionString of its CIM_SoftwareIdentity (Software subprofile).
 */
typedef struct sp_array_caps {
    size_t size;         /* set by the caller (SP_STRUCT_INIT) */
    const char *driver;  /* "smis", "local" */
    const char *vendor;  /* the manufacturer, e.g. "sanprov", or NULL */
    const char *model;   /* e.g. "smis-sim", or NULL */
    const char *version; /* of the Array profile (SMI-S) */
    bool snapshot;       /* can make snapshots */
    bool clone;          /* can make clones */
    bool async;          /* changes run as jobs */
    sp_masking_kind masking;
    size_t nprofiles;
    const char *const *profiles; /* "Array 1.8.0", ... */
    const char *firmware;        /* its firmware or software version, or NULL */
    bool data_here; /* its LUNs' data is reachable here (sp_array_lun_path) */
    /* How many copies of one source LUN it makes at once, 0: no limit (the
     * driver's figure, or the array's max-copies-per-source); runs of one
     * library wait for their turn (sanprov(7), "Locks"). */
    unsigned int max_copies_per_source;
} sp_array_caps;

/* What the array is and can do, learned once (a few requests the first
 * time, none after).  @out->size must be set (sanprov/common.h,
 * "Structs").  The strings belong to @a. */
SP_API sp_code sp_array_capabilities(sp_array *a, sp_array_caps *out);

/* "group", "legacy", "local" or "none". */
SP_API const char *sp_masking_kind_name(sp_masking_kind k);

/* ---- pools ---- */

typedef struct sp_pool sp_pool;

SP_API const sp_id *sp_pool_id(const sp_pool *p); /* pool:ARRAY:KEY */
SP_API const char *sp_pool_name(const sp_pool *p);
/* Its capacity and the bytes free in it. */
SP_API uint64_t sp_pool_total(const sp_pool *p);
SP_API uint64_t sp_pool_free_bytes(const sp_pool *p);
/* From the configuration's [pool "ARRAY:POOL"]: its class, or NULL. */
SP_API const char *sp_pool_class(const sp_pool *p);
/* True when the configuration manages the pool (has a [pool] section). */
SP_API bool sp_pool_managed(const sp_pool *p);
/* Its host-groups ("prod, ci"), or NULL; whether @group is one of them. */
SP_API const char *sp_pool_host_groups(const sp_pool *p);
SP_API bool sp_pool_allocated_to(const sp_pool *p, const char *group);
/* Free a pool (of sp_array_get_pool(), or given to an sp_pool_fn); NULL is
 * fine.  (Before 0.1 this was sp_pool_free_handle(), and sp_pool_free()
 * gave the free bytes.) */
SP_API void sp_pool_free(sp_pool *p);

/* Visit the usable (not primordial) pools; each is owned by the callee. */
typedef int (*sp_pool_fn)(sp_pool *p, void *ctx);
SP_API sp_code sp_array_list_pools(sp_array *a, unsigned int flags,
                                   sp_pool_fn fn, void *ctx);
/* The pool of @id (one request at most).  Errors: SP_ERR_NOT_FOUND. */
SP_API sp_code sp_array_get_pool(sp_array *a, const sp_id *id, sp_pool **out);

/* ---- LUNs ---- */

typedef struct sp_lun sp_lun;

typedef enum sp_copy_method {
    SP_COPY_NONE = 0,
    SP_COPY_SNAPSHOT = 7, /* the SMI-S SyncType values */
    SP_COPY_CLONE = 8,
} sp_copy_method;

SP_API const sp_id *sp_lun_id(const sp_lun *l); /* lun:ARRAY:KEY */
SP_API const char *sp_lun_name(const sp_lun *l);
SP_API uint64_t sp_lun_size(const sp_lun *l);     /* bytes */
SP_API const char *sp_lun_wwn(const sp_lun *l);   /* NAA, hex, or NULL */
SP_API const sp_id *sp_lun_pool(const sp_lun *l); /* or NULL */
/* The LUN this one is a SAN copy of, and how; NULL and SP_COPY_NONE for
 * an independent LUN. */
SP_API const sp_id *sp_lun_source(const sp_lun *l);
SP_API sp_copy_method sp_lun_copy(const sp_lun *l);
/* For a LUN just made by sp_array_copy_lun(): how the array made the copy
 * ("reflink", "sparse copy", ...), or NULL when it does not say (SMI-S
 * arrays copy inside the array), and the bytes it had to move for it. */
SP_API const char *sp_lun_copy_how(const sp_lun *l);
SP_API uint64_t sp_lun_copied_bytes(const sp_lun *l);
/* Masking: where the LUN is visible, with its host LUN number there. */
SP_API size_t sp_lun_mask_count(const sp_lun *l);
SP_API const char *sp_lun_mask_initiator(const sp_lun *l, size_t i);
/* The host LUN number, or SP_LUN_NUMBER_UNKNOWN when the array gave none
 * that could be read. */
SP_API uint32_t sp_lun_mask_number(const sp_lun *l, size_t i);
#define SP_LUN_NUMBER_MAX     0xFFFFFFFEu
#define SP_LUN_NUMBER_UNKNOWN 0xFFFFFFFFu
SP_API void sp_lun_free(sp_lun *l);

/* ---- tags: whose work an object is ---- */

/*
 * Every array object sanprov makes carries a tag naming the library it
 * belongs to (sp_library_uuid()) and the journal entry that made it (a
 * VM's UUID, the UUID of a run of lun-create or template-make), so that
 * what a dead run left can be told from what others made (sanprov(7),
 * "Tags"); only tagged objects are ever removed by cleanup.  A local array
 * keeps both UUIDs in the LUN's metadata.  An SMI-S array, which offers
 * nothing better, keeps them at the end of the volume's ElementName,
 * "NAME_LLLLLL_EEEEEEEE": the first 6 hex digits of the library's UUID and
 * the first 8 of the entry's, SP_TAG_LEN characters that count against the
 * array's limit on names (HPE 3PAR: 31, Fujitsu ETERNUS: 30); sp_lun_name()
 * gives the name without them.
 */
#define SP_TAG_LEN 16

/*
 * From now on tag the LUNs made through @a (sp_array_create_lun(),
 * sp_array_copy_lun()) with @library and @entry, two UUIDs in their
 * 36-character form; @library NULL: make them untagged again.  A create
 * or copy of a tagged handle whose answer is lost (SP_ERR_CONNECTION_LOST,
 * SP_ERR_TIMEOUT) is settled by the tag: the pool is searched for a LUN of
 * that name and tag; when there is one the call succeeds with it (the LUN
 * kept, for the caller to report), else it fails, nothing made.  @flags
 * must be 0.  Errors: SP_ERR_INVALID (not UUIDs).
 */
SP_API sp_code sp_array_set_tag(sp_array *a, const char *library,
                                const char *entry, unsigned int flags);

/*
 * The tag of @l: *@library and *@entry (either may be NULL) get the two
 * UUIDs, or as many of their first hex digits as the array keeps (6 and
 * 8 on an SMI-S array), lower case; false, and NULLs, for an untagged LUN.
 * The strings belong to @l.
 */
SP_API bool sp_lun_tag(const sp_lun *l, const char **library,
                       const char **entry);

/* Whether @l is tagged as the work of library @library and, unless
 * @entry is NULL, of journal entry @entry (both UUIDs). */
SP_API bool sp_lun_tagged(const sp_lun *l, const char *library,
                          const char *entry);

/* With SP_LUN_MASKING, listings also fill in the masking (more requests). */
#define SP_LUN_MASKING 0x1u
/* Only the IDs are wanted: a listing, lookup, create or copy may leave
 * everything else of its LUNs unset (no name, size 0, no pool, source or
 * masking), which costs the array a fraction of the work.  Ignored with
 * SP_LUN_MASKING. */
#define SP_LUN_IDS_ONLY 0x2u

typedef int (*sp_lun_fn)(sp_lun *l, void *ctx);
/* The LUNs of @pool (NULL: all).  Flags: SP_LUN_MASKING, SP_LUN_IDS_ONLY. */
SP_API sp_code sp_array_list_luns(sp_array *a, const sp_id *pool,
                                  unsigned int flags, sp_lun_fn fn, void *ctx);
/* One LUN.  Flags: SP_LUN_MASKING, SP_LUN_IDS_ONLY (whether it exists is
 * all that is read).  Errors: SP_ERR_NOT_FOUND (also when @id carries a
 * WWN and its key names a LUN with another one now). */
SP_API sp_code sp_array_get_lun(sp_array *a, const sp_id *id,
                                unsigned int flags, sp_lun **out);

/*
 * What the keys of @n LUN IDs name now, read in as few requests as the
 * array allows: out[i] (freed by the caller with sp_lun_free()) is the LUN
 * the key of @ids[i] names, with its ID carrying the WWN the array gives
 * it and nothing else (as SP_LUN_IDS_ONLY), or NULL when the key names
 * none.  A WWN that @ids[i] carries is not compared here (see
 * sp_array_check_lun() and SP_CHECK_RECENT).  @source (may be NULL) is a
 * LUN they are SAN copies of: an SMI-S array is then asked once for all
 * the copies of it (Associators through CIM_StorageSynchronized), and
 * once for each LUN not among them; without it, once a LUN.  This is how
 * a batch of copies made with SP_LUN_KEY_ONLY learns its WWNs, and how a
 * batch of LUNs about to be deleted is checked.  @flags must be 0.  On
 * failure every out[i] is NULL.
 */
SP_API sp_code sp_array_get_luns(sp_array *a, const sp_id *const *ids, size_t n,
                                 const sp_id *source, unsigned int flags,
                                 sp_lun **out);

/* Create a LUN of @bytes named @name in @pool.  Flags: SP_LUN_IDS_ONLY
 * (*@out has the ID, name and size asked for; the array is not asked for
 * more, which saves a request a LUN). */
SP_API sp_code sp_array_create_lun(sp_array *a, const sp_id *pool,
                                   const char *name, uint64_t bytes,
                                   unsigned int flags, sp_lun **out);
/* sp_array_copy_lun(): the ID may lack the WWN, which is not read back
 * (one request a copy saved on an SMI-S array); for a batch of copies
 * whose WWNs sp_array_get_luns() reads at once afterwards. */
#define SP_LUN_KEY_ONLY 0x4u

/* A SAN copy of @source: a snapshot or a clone, named @name, in @pool
 * (NULL: the source's pool).  Flags: SP_LUN_IDS_ONLY (*@out has the ID
 * and name only), SP_LUN_KEY_ONLY (and the ID may lack the WWN).  Errors:
 * SP_ERR_NOT_SUPPORTED (the array cannot make this kind of copy; nothing
 * changed). */
SP_API sp_code sp_array_copy_lun(sp_array *a, const sp_id *source,
                                 sp_copy_method method, const char *name,
                                 const sp_id *pool, unsigned int flags,
                                 sp_lun **out);

/* sp_array_check_lun(): a WWN this handle read a moment ago (within 30
 * seconds: sp_array_get_luns() of a batch, a copy or create) is taken
 * without asking again. */
#define SP_CHECK_RECENT 0x1u

/*
 * Whether the LUN @id names is still that LUN: when @id carries a WWN, the
 * array is asked which WWN the ID's key names now (one request).  Errors:
 * SP_ERR_PRECONDITION (another LUN has the key now: deleted and made
 * again), SP_ERR_NOT_FOUND (none has).  An ID without a WWN is the LUN of
 * its key by definition.  The calls below that change, unmask, copy from
 * or hand out a LUN make the same check themselves, before anything
 * changes; call this one before work of another kind on the LUN (taking a
 * VM off its host).  Flags: SP_CHECK_RECENT.
 */
SP_API sp_code sp_array_check_lun(sp_array *a, const sp_id *id,
                                  unsigned int flags);

/* lun delete: unmask first instead of refusing a masked LUN. */
#define SP_LUN_FORCE 0x1u
/* Delete a LUN (detaching it from its source first).  A masked LUN is
 * refused with SP_ERR_PRECONDITION unless SP_LUN_FORCE. */
SP_API sp_code sp_array_delete_lun(sp_array *a, const sp_id *id,
                                   unsigned int flags);

/* Called by sp_array_delete_luns() as each LUN ends: @i is its index in
 * the batch, @rc SP_OK when it was deleted, else why not (the whole error
 * is sp_array_error() during the call). */
typedef void (*sp_lun_done_fn)(size_t i, sp_code rc, void *ctx);

/*
 * Delete @n LUNs one after the other, each as sp_array_delete_lun() would
 * (the same flags, checks and refusals, the identity included), in as few
 * requests as the array allows: an SMI-S array is asked once what the
 * deletes need to know of all of them (their replication relationships
 * and masking), then once a LUN that is a copy found there, unmasked and
 * the source of none; any other LUN is deleted as sp_array_delete_lun()
 * does.  What is read at once is as old as the batch.  @fn (may be NULL)
 * hears of each LUN as it ends, before the next begins, so that the caller
 * can journal it.  Returns SP_OK when every LUN was deleted, else the
 * first failure's code, and sp_array_error() says it; a bad ID or flag
 * refuses the whole batch (SP_ERR_BAD_ID, SP_ERR_INVALID) before any
 * change.
 */
SP_API sp_code sp_array_delete_luns(sp_array *a, const sp_id *const *ids,
                                    size_t n, unsigned int flags,
                                    sp_lun_done_fn fn, void *ctx);

/*
 * A path on this machine through which the data of LUN @id is read and
 * written: a local array's image file.  *@out is a new string.  Errors:
 * SP_ERR_NOT_SUPPORTED (the LUN is on a remote array: attach it to this
 * machine and use its device), SP_ERR_NOT_FOUND.
 */
SP_API sp_code sp_array_lun_path(sp_array *a, const sp_id *id, char **out);

/*
 * The directory on this machine holding the data of the LUNs of pool @id
 * (a local array's pool), which may not exist before its first LUN.
 * *@out is a new string.  Errors: SP_ERR_NOT_SUPPORTED (a remote array),
 * SP_ERR_NOT_FOUND.
 */
SP_API sp_code sp_array_pool_path(sp_array *a, const sp_id *id, char **out);

/* The host side of masking: initiators of one connectivity type.  The
 * caller sets @size (sanprov/common.h, "Structs"); a target of a smaller
 * size is refused with SP_ERR_INVALID. */
typedef struct sp_mask_target {
    size_t size;      /* set by the caller (SP_STRUCT_INIT) */
    const char *name; /* for naming groups and views */
    bool fc;          /* WWPNs; else iSCSI names */
    size_t ninitiators;
    const char *const *initiators;
} sp_mask_target;

/* mask: remove access instead of granting it. */
#define SP_MASK_UNMASK 0x1u
/* mask: what an unmask left on the array fails the call (SP_ERR_CLEANUP). */
#define SP_MASK_REPORT_LEFT 0x2u

/*
 * Make @n LUNs visible to @target (in as few requests as the array
 * allows), or with SP_MASK_UNMASK hide them.  Masking a LUN that is
 * already masked to the target, or unmasking one that is not, succeeds
 * without change.  @numbers (may be NULL) gets each LUN's host LUN number.
 *
 * An unmask also removes what sanprov made for the target that is left
 * empty (a masking view, its groups, the initiators' hardware IDs), and
 * what an earlier unmask could not remove.  When the array refuses that,
 * the LUNs are unmasked all the same: the call succeeds and logs a
 * warning naming what is left, or with SP_MASK_REPORT_LEFT fails with
 * SP_ERR_CLEANUP saying so.  The next unmask from the target (of any LUN,
 * masked or not) removes it.
 *
 * Runs of one library change one target's masking on one array in turn
 * (sanprov(7), "Locks"): a call waits for another run's at most the
 * timeout of sp_array_set_timeout() (default one hour), then fails with
 * SP_ERR_LOCK_TIMEOUT naming the holder; nothing changed.  Errors also:
 * SP_ERR_PRECONDITION (a LUN's ID names another LUN now, or the target
 * has no initiators; nothing changed), SP_ERR_NOT_FOUND, the array's.
 */
SP_API sp_code sp_array_mask(sp_array *a, const sp_id *const *luns, size_t n,
                             const sp_mask_target *target, unsigned int flags,
                             uint32_t *numbers);

/* ---- how hosts reach the LUNs ---- */

#define SP_CONNECT_ISCSI 0x1u /* iSCSI target ports */
#define SP_CONNECT_FC    0x2u /* FC target ports */

/*
 * How hosts reach the array's LUNs: SP_CONNECT_* bits of the target ports
 * it has (0 for a local array without an iscsi-portal: its LUNs are files
 * on this machine, see sp_array_lun_path()).  Learned once (an SMI-S array:
 * two requests the first time).
 */
SP_API sp_code sp_array_connectivity(sp_array *a, unsigned int *out);

/*
 * Where host @target reaches the LUNs masked to it over iSCSI: the portal
 * ("HOST[:PORT]", the array's iscsi-portal) and the target's IQN.  New
 * strings.  Errors: SP_ERR_NOT_SUPPORTED (no iSCSI), SP_ERR_PRECONDITION
 * (no iscsi-portal configured for the array), SP_ERR_NOT_FOUND (nothing is
 * masked to @target on an array with a target per host).
 */
SP_API sp_code sp_array_iscsi_target(sp_array *a, const sp_mask_target *target,
                                     char **portal, char **iqn);

SP_END_DECLS

#endif
