/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/array/smis.h: the SMI-S driver's shared state and helpers (discovery,
 * services, jobs, keys). */
#ifndef SANPROV_SMIS_H
#define SANPROV_SMIS_H

#include "../cim/cimclient.h"
#include "array_internal.h"

/* The services a driver may need, looked up on first use. */
enum smis_service {
    SMIS_SCS,  /* StorageConfigurationService */
    SMIS_RS,   /* ReplicationService */
    SMIS_GMMS, /* GroupMaskingMappingService */
    SMIS_CCS,  /* ControllerConfigurationService */
    SMIS_HWMS, /* StorageHardwareIDManagementService */
    SMIS_NSERVICES
};

struct smis_shared;
struct smis_prepared;

struct smis {
    sp_cim_client *c;
    char *interop_hint; /* from the URI path */
    /* What other handles of this process learned of the array
     * (smis_shared.c): discovery, services, capabilities, ports, pools. */
    struct smis_shared *shared;
    /* What a batch of deletes needs to know, read at once (smis_volumes.c). */
    struct smis_prepared *prepared;
    bool discovered;
    char *interop; /* the interop namespace that answered */
    char *ns;      /* the array's namespace */
    sp_cim_path *system;
    char *system_class;
    char *system_name;
    char *prefix; /* vendor class prefix: "SIM_" of "SIM_StorageSystem" */
    bool looked[SMIS_NSERVICES];
    sp_cim_path *service[SMIS_NSERVICES];
    bool have_caps;
    sp_array_caps caps;
    char **profiles;
    size_t nprofiles;
    /* What the array is, read only for sp_array_capabilities() (never
     * on the LUN and masking paths); NULL when the array does not say. */
    bool identified;
    char *vendor, *model, *firmware;
    struct smis_pool *pools; /* read by smis_pool_path(), for lookups */
    size_t npools;
    bool group_profile;  /* Group Masking and Mapping registered */
    bool legacy_profile; /* Masking and Mapping registered */
    /* Its target ports, read once by smis_connectivity(). */
    bool have_ports;
    unsigned int connectivity; /* SP_CONNECT_* */
    char *iscsi_iqn;           /* the iSCSI target's name, or NULL */
};

static inline struct smis *smis_of(sp_array *a)
{
    return a->priv;
}

/* Connect and find the array (Interop profiles, the system). */
sp_code smis_discover(sp_array *a);

/* The driver's capabilities and identify entries (smis_caps.c). */
sp_code smis_capabilities(sp_array *a, sp_array_caps *out);
sp_code smis_identify(sp_array *a, sp_array_caps *out);

/*
 * Facts shared by the handles of a process that reach one array (the
 * same name, URI and user), so that N workers discover it once
 * (smis_shared.c).  smis_shared_open() at open (no I/O), _close() at
 * close.  A handle looks a fact up in its own copy first; if it lacks it,
 * it locks the entry, takes a copy of the fact when another handle
 * published it, else asks the array and publishes a copy, then unlocks.
 * The lock is recursive (a fact may need another to be found) and held
 * while the array is asked: a second handle waits for the first's answer
 * instead of asking too.
 */
enum smis_fact {
    SMIS_FACT_SYSTEM, /* interop, namespace, system, profiles */
    SMIS_FACT_CAPS,   /* snapshot, clone, async, masking */
    SMIS_FACT_PORTS,  /* connectivity, iSCSI target name */
    SMIS_FACT_POOLS,  /* the pools read for smis_pool_path() */
    SMIS_FACT_SERVICE /* + enum smis_service: one service's path */
};
void smis_shared_open(sp_array *a);
void smis_shared_close(sp_array *a);
void smis_shared_lock(sp_array *a);
void smis_shared_unlock(sp_array *a);
/* With the lock held: copy fact @f into @a's handle when another handle
 * published it (true), or publish @a's copy of it. */
bool smis_shared_take(sp_array *a, int f);
void smis_shared_give(sp_array *a, int f);

/* A service of the array, or NULL (the array has none: not an error). */
sp_code smis_service(sp_array *a, enum smis_service which,
                     const sp_cim_path **out);

/* The client's failure, copied into @a. */
sp_code smis_fail(sp_array *a);

/*
 * Invoke @method on @target with @in.  Return code 0 gives the output
 * parameters; 4096 waits for the job (progress, timeout) and gives them
 * plus the job's path in *@job (caller frees); any other code is an error
 * naming @what.  *@out (never NULL on success) is freed by the caller.
 */
sp_code smis_invoke(sp_array *a, const sp_cim_path *target, const char *method,
                    const sp_cim_args *in, const char *what, sp_cim_args **out,
                    sp_cim_path **job);

/* The elements a finished job created, of class @result_class. */
sp_code smis_job_results(sp_array *a, const sp_cim_path *job,
                         const char *result_class, sp_cim_path **out);

/* A host LUN number from a DeviceNumber (hexadecimal text); false when
 * @text is none. */
bool smis_device_number(const char *text, uint32_t *out);

/* Volume keys: the DeviceID, or "/CLASS/DEVICEID" when the class is not
 * the vendor's usual PREFIX_StorageVolume (or the DeviceID is empty or
 * starts with '/'); any byte of a DeviceID round-trips. */
char *smis_volume_key(sp_array *a, const sp_cim_path *p);
/* The same from a volume's class and DeviceID. */
char *smis_volume_key_of(sp_array *a, const char *cls, const char *dev);
sp_cim_path *smis_volume_path(sp_array *a, const char *key);

/* How hosts reach the array, and its iSCSI target (smis_ports.c). */
sp_code smis_connectivity(sp_array *a, unsigned int *out);
sp_code smis_iscsi_target(sp_array *a, const sp_mask_target *t, char **portal,
                          char **iqn);

/* Collect objects from the client's callbacks. */
struct smis_list {
    void **v;
    size_t n, cap;
};
int smis_keep_instance(sp_cim_instance *i, void *ud);
int smis_keep_path(sp_cim_path *p, void *ud);
void smis_list_free_instances(struct smis_list *l);
void smis_list_free_paths(struct smis_list *l);
/* smis_fail() after a collecting call failed part way: free what @l
 * holds with @release first (a dropped connection may end a listing after
 * some pages). */
sp_code smis_fail_freeing(sp_array *a, struct smis_list *l,
                          void (*release)(struct smis_list *));

/* A failure after which the array may have made the change anyway: the
 * answer, not necessarily the request, was lost. */
static inline bool smis_answer_lost(sp_code rc)
{
    return rc == SP_ERR_CONNECTION_LOST || rc == SP_ERR_TIMEOUT;
}

/* The first object associated with @obj through @assoc, of class @result
 * (a new path), or NULL when there is none. */
sp_code smis_first_assoc(sp_array *a, const sp_cim_path *obj, const char *assoc,
                         const char *result, sp_cim_path **out);

/* One pool: its key (see smis_luns.c), name, path and sizes. */
struct smis_pool {
    char *key;
    char *name;
    sp_cim_path *path;
    uint64_t total, free;
};
/* All usable pools (primordial ones skipped). */
sp_code smis_pools(sp_array *a, struct smis_pool **out, size_t *n);
void smis_pools_free(struct smis_pool *p, size_t n);

/* The path of pool @key, from the pools read once for the handle (read
 * again when @key is not among them): creating 100 LUNs in a pool looks
 * it up once.  SP_ERR_NOT_FOUND when there is no such pool. */
sp_code smis_pool_path(sp_array *a, const char *key, const sp_cim_path **out);

/* The pool of @key, from @pools; NULL (and an error) when there is none. */
const struct smis_pool *smis_find_pool(sp_array *a,
                                       const struct smis_pool *pools, size_t n,
                                       const char *key);
/* GetInstance of volume @p (key @key) as a new LUN; a missing one is
 * SP_ERR_NOT_FOUND. */
sp_code smis_fetch_lun(sp_array *a, const sp_cim_path *p, const char *key,
                       sp_lun **out);

/* Pools and LUNs: in smis_luns.c; changes in smis_volumes.c. */
sp_code smis_list_pools(sp_array *a, sp_pool_fn fn, void *ctx);
sp_code smis_get_pool(sp_array *a, const char *key, sp_pool **out);
sp_code smis_list_luns(sp_array *a, const char *pool_key, unsigned int flags,
                       sp_lun_fn fn, void *ctx);
sp_code smis_get_lun(sp_array *a, const char *key, unsigned int flags,
                     sp_lun **out);
sp_code smis_get_luns(sp_array *a, const char *const *keys, size_t n,
                      const char *source_key, sp_lun **out);
sp_code smis_create_lun(sp_array *a, const char *pool_key, const char *name,
                        uint64_t bytes, unsigned int flags, sp_lun **out);
sp_code smis_copy_lun(sp_array *a, const char *source_key,
                      sp_copy_method method, const char *name,
                      const char *pool_key, unsigned int flags, sp_lun **out);
sp_code smis_delete_lun(sp_array *a, const char *key, unsigned int flags);
sp_code smis_delete_prepare(sp_array *a, const char *const *keys, size_t n);
void smis_prepared_free(struct smis_prepared *p);

/* Masking: in smis_mask.c. */
sp_code smis_mask(sp_array *a, const char *const *keys, size_t n,
                  const sp_mask_target *target, unsigned int flags,
                  uint32_t *numbers);
/* The masking of volumes, for listings (smis_views.c). */
struct smis_masking;
sp_code smis_masking_load(sp_array *a, struct smis_masking **out);
void smis_masking_apply(struct smis_masking *m, const char *device_id,
                        sp_lun *l);
void smis_masking_free(struct smis_masking *m);
/* Unmask @vol from every view (for lun-delete --force). */
sp_code smis_unmask_all(sp_array *a, const sp_cim_path *vol, size_t *views);

#endif
