/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/array/smis_luns.c: SMI-S pools and volumes: listing, create, SAN copy
 * (snapshot/clone), delete. */
#include "smis.h"

static const char *const pool_props[] = {
    "InstanceID",        "ElementName",           "PoolID", "Primordial",
    "TotalManagedSpace", "RemainingManagedSpace", NULL};

static const char *const volume_props[] = {"DeviceID",
                                           "ElementName",
                                           "Name",
                                           "NameFormat",
                                           "BlockSize",
                                           "NumberOfBlocks",
                                           "ConsumableBlocks",
                                           "SystemName",
                                           "CreationClassName",
                                           NULL};

/* ---- pools ---- */

void smis_pools_free(struct smis_pool *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(p[i].key);
        free(p[i].name);
        sp_cim_path_free(p[i].path);
    }
    free(p);
}

/*
 * A pool's key is its PoolID (else ElementName, else InstanceID), so IDs
 * read like "pool:fas01:aggr1"; where two pools would share a key, their
 * InstanceIDs are used instead.  Resolving a key costs one request: the
 * pools of the system.
 */
sp_code smis_pools(sp_array *a, struct smis_pool **out, size_t *n)
{
    struct smis *s = smis_of(a);
    *out = NULL;
    *n = 0;
    sp_code rc = smis_discover(a);
    if (rc)
        return rc;
    struct smis_list l = {0};
    if (sp_cim_associators(s->c, s->system, "CIM_HostedStoragePool",
                           "CIM_StoragePool", NULL, NULL, pool_props, 0,
                           smis_keep_instance, &l))
        return smis_fail(a);
    struct smis_pool *p = spi_xcalloc(l.n + 1, sizeof(*p));
    size_t k = 0;
    for (size_t i = 0; i < l.n; i++) {
        sp_cim_instance *inst = l.v[i];
        bool primordial = false;
        sp_cim_value_get_bool(sp_cim_instance_get(inst, "Primordial"),
                              &primordial);
        const char *iid = sp_cim_instance_get_string(inst, "InstanceID");
        if (primordial || !iid)
            continue;
        const char *pid = sp_cim_instance_get_string(inst, "PoolID");
        const char *en = sp_cim_instance_get_string(inst, "ElementName");
        const char *key = pid && *pid ? pid : en && *en ? en : iid;
        p[k].key = spi_xstrdup(key);
        p[k].name = spi_xstrdup(en && *en ? en : key);
        p[k].path = sp_cim_path_copy(sp_cim_instance_path(inst));
        if (!sp_cim_path_namespace(p[k].path))
            sp_cim_path_set_namespace(p[k].path, s->ns);
        sp_cim_instance_get_uint(inst, "TotalManagedSpace", &p[k].total);
        sp_cim_instance_get_uint(inst, "RemainingManagedSpace", &p[k].free);
        /* Two pools with one name: fall back to InstanceIDs for both. */
        for (size_t j = 0; j < k; j++) {
            if (!SPI_STREQ(p[j].key, p[k].key))
                continue;
            const char *other = sp_cim_value_get_string(
                sp_cim_path_get_key(p[j].path, "InstanceID"));
            free(p[j].key);
            p[j].key = spi_xstrdup(other ? other : p[j].name);
            free(p[k].key);
            p[k].key = spi_xstrdup(iid);
        }
        k++;
    }
    smis_list_free_instances(&l);
    *out = p;
    *n = k;
    return SP_OK;
}

/* The pool of @key, from @pools; NULL (and an error) when there is none. */
static const struct smis_pool *
find_pool(sp_array *a, const struct smis_pool *pools, size_t n, const char *key)
{
    for (size_t i = 0; i < n; i++)
        if (SPI_STREQ(pools[i].key, key))
            return &pools[i];
    spi_array_fail(a, SP_ERR_NOT_FOUND, "no pool '%s' on array '%s'", key,
                   a->name);
    return NULL;
}

sp_code smis_list_pools(sp_array *a, sp_pool_fn fn, void *ctx)
{
    struct smis_pool *p;
    size_t n;
    sp_code rc = smis_pools(a, &p, &n);
    for (size_t i = 0; !rc && i < n; i++)
        if (fn(spi_pool_new(a, p[i].key, p[i].name, p[i].total, p[i].free),
               ctx))
            break;
    smis_pools_free(p, n);
    return rc;
}

sp_code smis_get_pool(sp_array *a, const char *key, sp_pool **out)
{
    struct smis_pool *p;
    size_t n;
    sp_code rc = smis_pools(a, &p, &n);
    const struct smis_pool *hit = rc ? NULL : find_pool(a, p, n, key);
    if (hit)
        *out = spi_pool_new(a, hit->key, hit->name, hit->total, hit->free);
    smis_pools_free(p, n);
    return rc ? rc : hit ? SP_OK : a->err.code;
}

/* ---- volumes as LUNs ---- */

static sp_lun *lun_of(sp_array *a, const sp_cim_instance *v)
{
    SPI_AUTOFREE char *key = smis_volume_key(a, sp_cim_instance_path(v));
    uint64_t bs = 512, nb = 0, fmt = 0;
    sp_cim_instance_get_uint(v, "BlockSize", &bs);
    if (!sp_cim_instance_get_uint(v, "ConsumableBlocks", &nb) || !nb)
        sp_cim_instance_get_uint(v, "NumberOfBlocks", &nb);
    sp_cim_instance_get_uint(v, "NameFormat", &fmt);
    const char *name = sp_cim_instance_get_string(v, "Name");
    return spi_lun_new(a, key, sp_cim_instance_get_string(v, "ElementName"),
                       bs * nb, fmt == 9 ? name : NULL); /* 9: NAA */
}

/* Replication relationships, for listings: SyncedElement -> source. */
struct sync_entry {
    char *target, *source; /* keys */
    uint16_t type;
};

struct syncs {
    struct sync_entry *v;
    size_t n, cap;
};

static int keep_sync(sp_cim_instance *i, void *ud)
{
    struct syncs *s = ((void **)ud)[0];
    sp_array *a = ((void **)ud)[1];
    const sp_cim_path *src =
        sp_cim_value_get_ref(sp_cim_instance_get(i, "SystemElement"));
    const sp_cim_path *dst =
        sp_cim_value_get_ref(sp_cim_instance_get(i, "SyncedElement"));
    uint64_t type = 0;
    sp_cim_instance_get_uint(i, "SyncType", &type);
    if (src && dst && (type == 7 || type == 8)) {
        spi_xgrow((void **)&s->v, &s->cap, s->n + 1, sizeof(*s->v));
        s->v[s->n++] = (struct sync_entry){
            smis_volume_key(a, dst), smis_volume_key(a, src), (uint16_t)type};
    }
    sp_cim_instance_free(i);
    return 0;
}

static void syncs_free(struct syncs *s)
{
    for (size_t i = 0; i < s->n; i++) {
        free(s->v[i].target);
        free(s->v[i].source);
    }
    free(s->v);
}

static void apply_sync(sp_array *a, const struct syncs *s, sp_lun *l)
{
    const char *key = sp_id_field(sp_lun_id(l), 1);
    for (size_t i = 0; i < s->n; i++)
        if (SPI_STREQ(s->v[i].target, key))
            spi_lun_set_source(l, a, s->v[i].source, s->v[i].type);
}

struct listing {
    sp_array *a;
    const char *pool_key;
    struct syncs *syncs;
    struct smis_masking *masking;
    sp_lun_fn fn;
    void *ctx;
    bool stopped;
};

static int list_one(sp_cim_instance *v, void *ud)
{
    struct listing *li = ud;
    struct smis *s = smis_of(li->a);
    const char *sys = sp_cim_instance_get_string(v, "SystemName");
    int stop = 0;
    if (!sys || SPI_STREQ(sys, s->system_name)) {
        sp_lun *l = lun_of(li->a, v);
        spi_lun_set_pool(l, li->a, li->pool_key);
        apply_sync(li->a, li->syncs, l);
        if (li->masking)
            smis_masking_apply(li->masking,
                               sp_cim_instance_get_string(v, "DeviceID"), l);
        stop = li->fn(l, li->ctx);
    }
    sp_cim_instance_free(v);
    li->stopped |= stop != 0;
    return stop;
}

sp_code smis_list_luns(sp_array *a, const char *pool_key, unsigned int flags,
                       sp_lun_fn fn, void *ctx)
{
    struct smis *s = smis_of(a);
    struct smis_pool *pools;
    size_t n;
    sp_code rc = smis_pools(a, &pools, &n);
    if (rc)
        return rc;
    if (pool_key && !find_pool(a, pools, n, pool_key)) {
        smis_pools_free(pools, n);
        return a->err.code;
    }
    struct syncs syncs = {0};
    void *pair[2] = {&syncs, a};
    if (sp_cim_enumerate_instances(s->c, s->ns, "CIM_StorageSynchronized", NULL,
                                   0, keep_sync, pair))
        rc = smis_fail(a);
    struct smis_masking *masking = NULL;
    if (!rc && (flags & SP_LUN_MASKING))
        rc = smis_masking_load(a, &masking);
    struct listing li = {
        .a = a, .syncs = &syncs, .masking = masking, .fn = fn, .ctx = ctx};
    for (size_t i = 0; !rc && !li.stopped && i < n; i++) {
        if (pool_key && !SPI_STREQ(pools[i].key, pool_key))
            continue;
        li.pool_key = pools[i].key;
        if (sp_cim_associators(s->c, pools[i].path,
                               "CIM_AllocatedFromStoragePool",
                               "CIM_StorageVolume", NULL, NULL, volume_props, 0,
                               list_one, &li) &&
            !li.stopped)
            rc = smis_fail(a);
    }
    smis_masking_free(masking);
    syncs_free(&syncs);
    smis_pools_free(pools, n);
    return rc;
}

/* GetInstance of a volume; a missing one is "no LUN". */
static sp_code fetch(sp_array *a, const sp_cim_path *p, const char *key,
                     sp_lun **out)
{
    sp_cim_instance *v = NULL;
    if (sp_cim_get_instance(smis_of(a)->c, p, volume_props, 0, &v)) {
        if (sp_cim_client_error(smis_of(a)->c)->code == SP_ERR_NOT_FOUND)
            return spi_array_fail(a, SP_ERR_NOT_FOUND,
                                  "no LUN '%s' on array '%s'", key, a->name);
        return smis_fail(a);
    }
    *out = lun_of(a, v);
    sp_cim_instance_free(v);
    return SP_OK;
}

/* The key of the pool @vol is allocated from. */
static sp_code pool_of(sp_array *a, const sp_cim_path *vol, char **key)
{
    struct smis_list l = {0};
    *key = NULL;
    if (sp_cim_associator_names(
            smis_of(a)->c, vol, "CIM_AllocatedFromStoragePool",
            "CIM_StoragePool", NULL, NULL, 0, smis_keep_path, &l))
        return smis_fail(a);
    struct smis_pool *pools = NULL;
    size_t n = 0;
    sp_code rc = l.n ? smis_pools(a, &pools, &n) : SP_OK;
    for (size_t i = 0; !rc && i < n; i++)
        if (sp_cim_path_equal(pools[i].path, l.v[0], 0))
            *key = spi_xstrdup(pools[i].key);
    smis_pools_free(pools, n);
    smis_list_free_paths(&l);
    return rc;
}

sp_code smis_get_lun(sp_array *a, const char *key, unsigned int flags,
                     sp_lun **out)
{
    struct smis *s = smis_of(a);
    sp_code rc = smis_discover(a);
    if (rc)
        return rc;
    sp_cim_path *p = smis_volume_path(a, key);
    rc = fetch(a, p, key, out);
    SPI_AUTOFREE char *pool = NULL;
    if (!rc)
        rc = pool_of(a, p, &pool);
    if (!rc)
        spi_lun_set_pool(*out, a, pool);
    struct syncs syncs = {0};
    void *pair[2] = {&syncs, a};
    if (!rc && sp_cim_references(s->c, p, "CIM_StorageSynchronized",
                                 "SyncedElement", NULL, 0, keep_sync, pair))
        rc = smis_fail(a);
    if (!rc)
        apply_sync(a, &syncs, *out);
    syncs_free(&syncs);
    struct smis_masking *m = NULL;
    if (!rc && (flags & SP_LUN_MASKING))
        rc = smis_masking_load(a, &m);
    if (m)
        smis_masking_apply(
            m, sp_cim_value_get_string(sp_cim_path_get_key(p, "DeviceID")),
            *out);
    smis_masking_free(m);
    sp_cim_path_free(p);
    if (rc) {
        sp_lun_free(*out);
        *out = NULL;
    }
    return rc;
}

/* The element a method made: from its output, or from its job. */
static sp_code made(sp_array *a, sp_cim_args *out, sp_cim_path *job,
                    const char *param, sp_cim_path **element)
{
    const sp_cim_path *p = sp_cim_value_get_ref(sp_cim_args_get(out, param));
    if (p) {
        *element = sp_cim_path_copy(p);
        return SP_OK;
    }
    if (job)
        return smis_job_results(a, job, "CIM_StorageVolume", element);
    return spi_array_fail(a, SP_ERR_PROTOCOL,
                          "the array made a volume but did not say which");
}

static sp_code finish(sp_array *a, sp_cim_path *element, const char *pool,
                      sp_lun **out)
{
    struct smis *s = smis_of(a);
    if (!sp_cim_path_namespace(element))
        sp_cim_path_set_namespace(element, s->ns);
    SPI_AUTOFREE char *key = smis_volume_key(a, element);
    sp_code rc = fetch(a, element, key, out);
    if (!rc)
        spi_lun_set_pool(*out, a, pool);
    return rc;
}

/*
 * The volume @element was made but cannot be read back (the request failed
 * or the connection was lost): the caller gets no LUN, so it could never
 * remove it.  Remove it here, keeping the first error, so that a failed
 * create changes nothing; say so in the message when that fails too.
 */
static sp_code unmake(sp_array *a, const sp_cim_path *element)
{
    sp_error first = a->err;
    SPI_AUTOFREE char *key = smis_volume_key(a, element);
    if (smis_delete_lun(a, key, 0) == SP_OK) {
        a->err = first;
        return first.code;
    }
    sp_error second = a->err;
    a->err = first;
    size_t len = strlen(a->err.message);
    snprintf(a->err.message + len, sizeof(a->err.message) - len,
             "; the new volume '%s' remains on the array: %s", key,
             second.message);
    return first.code;
}

sp_code smis_create_lun(sp_array *a, const char *pool_key, const char *name,
                        uint64_t bytes, sp_lun **out)
{
    const sp_cim_path *scs;
    struct smis_pool *pools;
    size_t n;
    sp_code rc = smis_service(a, SMIS_SCS, &scs);
    if (!rc && !scs)
        return spi_array_fail(a, SP_ERR_NOT_SUPPORTED,
                              "array '%s' has no storage configuration "
                              "service: it cannot create volumes",
                              a->name);
    if (rc || (rc = smis_pools(a, &pools, &n)))
        return rc;
    const struct smis_pool *pool = find_pool(a, pools, n, pool_key);
    if (!pool) {
        smis_pools_free(pools, n);
        return a->err.code;
    }
    sp_cim_args *in = sp_cim_args_new();
    if (name && *name)
        sp_cim_args_set(in, "ElementName",
                        sp_cim_value_new_string(SP_CIM_STRING, name));
    sp_cim_args_set(in, "ElementType", sp_cim_value_new_uint(SP_CIM_UINT16, 2));
    sp_cim_args_set(in, "InPool", sp_cim_value_new_ref(pool->path));
    sp_cim_args_set(in, "Size", sp_cim_value_new_uint(SP_CIM_UINT64, bytes));
    smis_pools_free(pools, n);
    sp_cim_args *outp = NULL;
    sp_cim_path *job = NULL, *element = NULL;
    SPI_AUTOFREE char *what =
        spi_xasprintf("creating LUN '%s'", name ? name : "");
    rc = smis_invoke(a, scs, "CreateOrModifyElementFromStoragePool", in, what,
                     &outp, &job);
    sp_cim_args_free(in);
    if (!rc)
        rc = made(a, outp, job, "TheElement", &element);
    if (!rc && (rc = finish(a, element, pool_key, out)))
        unmake(a, element);
    sp_cim_args_free(outp);
    sp_cim_path_free(job);
    sp_cim_path_free(element);
    return rc;
}

sp_code smis_copy_lun(sp_array *a, const char *source_key,
                      sp_copy_method method, const char *name,
                      const char *pool_key, sp_lun **out)
{
    sp_array_caps caps;
    const sp_cim_path *rs;
    sp_code rc = spi_smis_driver.capabilities(a, &caps);
    if (!rc)
        rc = smis_service(a, SMIS_RS, &rs);
    if (rc)
        return rc;
    bool snap = method == SP_COPY_SNAPSHOT;
    if (!rs || (snap && !caps.snapshot) || (!snap && !caps.clone))
        return spi_array_fail(a, SP_ERR_NOT_SUPPORTED,
                              "array '%s' cannot make %s (its replication "
                              "capabilities do not list them)",
                              a->name, snap ? "snapshots" : "clones");
    sp_cim_path *source = smis_volume_path(a, source_key);
    sp_cim_args *in = sp_cim_args_new();
    if (name && *name)
        sp_cim_args_set(in, "ElementName",
                        sp_cim_value_new_string(SP_CIM_STRING, name));
    sp_cim_args_set(in, "SyncType",
                    sp_cim_value_new_uint(SP_CIM_UINT16, (uint64_t)method));
    sp_cim_args_set(in, "SourceElement", sp_cim_value_take_ref(source));
    if (pool_key) {
        struct smis_pool *pools;
        size_t n;
        if ((rc = smis_pools(a, &pools, &n))) {
            sp_cim_args_free(in);
            return rc;
        }
        const struct smis_pool *pool = find_pool(a, pools, n, pool_key);
        if (pool)
            sp_cim_args_set(in, "TargetPool", sp_cim_value_new_ref(pool->path));
        smis_pools_free(pools, n);
        if (!pool) {
            sp_cim_args_free(in);
            return a->err.code;
        }
    }
    sp_cim_args *outp = NULL;
    sp_cim_path *job = NULL, *element = NULL;
    SPI_AUTOFREE char *what =
        spi_xasprintf("making %s '%s' of %s", snap ? "snapshot" : "clone",
                      name ? name : "", source_key);
    rc = smis_invoke(a, rs, "CreateElementReplica", in, what, &outp, &job);
    sp_cim_args_free(in);
    if (!rc)
        rc = made(a, outp, job, "TargetElement", &element);
    if (!rc && (rc = finish(a, element, pool_key, out)))
        unmake(a, element);
    if (!rc)
        spi_lun_set_source(*out, a, source_key, method);
    sp_cim_args_free(outp);
    sp_cim_path_free(job);
    sp_cim_path_free(element);
    return rc;
}

/* ---- delete ---- */

static sp_code modify_sync(sp_array *a, const sp_cim_path *sync, uint16_t op,
                           const char *what)
{
    const sp_cim_path *rs;
    sp_code rc = smis_service(a, SMIS_RS, &rs);
    if (rc || !rs)
        return rc ? rc
                  : spi_array_fail(a, SP_ERR_NOT_SUPPORTED,
                                   "array '%s' has no replication service",
                                   a->name);
    sp_cim_args *in = sp_cim_args_new();
    sp_cim_args_set(in, "Operation", sp_cim_value_new_uint(SP_CIM_UINT16, op));
    sp_cim_args_set(in, "Synchronization", sp_cim_value_new_ref(sync));
    sp_cim_args *out = NULL;
    rc = smis_invoke(a, rs, "ModifyReplicaSynchronization", in, what, &out,
                     NULL);
    sp_cim_args_free(in);
    sp_cim_args_free(out);
    return rc;
}

sp_code smis_delete_lun(sp_array *a, const char *key, unsigned int flags)
{
    struct smis *s = smis_of(a);
    sp_code rc = smis_discover(a);
    if (rc)
        return rc;
    sp_cim_path *vol = smis_volume_path(a, key);
    struct smis_list units = {0}, syncs = {0};
    SPI_AUTOFREE char *what = spi_xasprintf("deleting LUN %s", key);
    /* Masked: refused, or with --force unmasked first. */
    if (sp_cim_reference_names(s->c, vol, "CIM_ProtocolControllerForUnit", NULL,
                               0, smis_keep_path, &units)) {
        rc = smis_fail(a);
        if (rc == SP_ERR_NOT_FOUND)
            rc = spi_array_fail(a, SP_ERR_NOT_FOUND,
                                "no LUN '%s' on array '%s'", key, a->name);
        goto out;
    }
    if (units.n && !(flags & SP_LUN_FORCE)) {
        rc = spi_array_fail(a, SP_ERR_PRECONDITION,
                            "LUN '%s' is masked to %zu host view(s); unmask "
                            "it first (lun-mask -u) or use --force",
                            key, units.n);
        goto out;
    }
    size_t views = 0;
    if (units.n && (rc = smis_unmask_all(a, vol, &views)))
        goto out;
    /* Replicas: a snapshot depending on this LUN stops the delete; clones
     * are made independent; if this LUN is itself a replica, the array
     * deletes it through its relationship. */
    if (sp_cim_references(s->c, vol, "CIM_StorageSynchronized", NULL, NULL, 0,
                          smis_keep_instance, &syncs)) {
        rc = smis_fail(a);
        goto out;
    }
    size_t snapshots = 0;
    const sp_cim_path *as_target = NULL;
    for (size_t i = 0; i < syncs.n; i++) {
        sp_cim_instance *sy = syncs.v[i];
        const sp_cim_path *src =
            sp_cim_value_get_ref(sp_cim_instance_get(sy, "SystemElement"));
        uint64_t type = 0;
        sp_cim_instance_get_uint(sy, "SyncType", &type);
        bool source = src && sp_cim_path_equal(src, vol, 0);
        if (source && type == 7)
            snapshots++;
        else if (!source)
            as_target = sp_cim_instance_path(sy);
    }
    if (snapshots) {
        rc = spi_array_fail(a, SP_ERR_PRECONDITION,
                            "LUN '%s' has %zu snapshot(s) that depend on it; "
                            "delete them first",
                            key, snapshots);
        goto out;
    }
    for (size_t i = 0; i < syncs.n && !rc; i++) {
        sp_cim_instance *sy = syncs.v[i];
        const sp_cim_path *src =
            sp_cim_value_get_ref(sp_cim_instance_get(sy, "SystemElement"));
        if (src && sp_cim_path_equal(src, vol, 0))
            rc = modify_sync(a, sp_cim_instance_path(sy), 8, what); /* detach */
    }
    if (rc)
        goto out;
    if (as_target) {
        rc = modify_sync(a, as_target, 19, what); /* return to pool */
        goto out;
    }
    const sp_cim_path *scs;
    if ((rc = smis_service(a, SMIS_SCS, &scs)))
        goto out;
    if (!scs) {
        rc = spi_array_fail(a, SP_ERR_NOT_SUPPORTED,
                            "array '%s' cannot delete volumes", a->name);
        goto out;
    }
    sp_cim_args *in = sp_cim_args_new();
    sp_cim_args_set(in, "TheElement", sp_cim_value_new_ref(vol));
    sp_cim_args *outp = NULL;
    rc = smis_invoke(a, scs, "ReturnToStoragePool", in, what, &outp, NULL);
    sp_cim_args_free(in);
    sp_cim_args_free(outp);
out:
    smis_list_free_paths(&units);
    smis_list_free_instances(&syncs);
    sp_cim_path_free(vol);
    return rc;
}
