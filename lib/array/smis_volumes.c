/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/array/smis_volumes.c: SMI-S volume changes: create, SAN copy
 * (snapshot/clone), delete. */
#include "smis.h"

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

/* The new LUN, read back from the array even when only its ID is wanted
 * (SP_LUN_IDS_ONLY): a LUN's ID carries its WWN, which only the array
 * knows.  Unless SP_LUN_KEY_ONLY: the caller reads the WWNs of a batch
 * at once later (sp_array_get_luns()). */
static sp_code finish(sp_array *a, sp_cim_path *element, const char *pool,
                      const char *name, unsigned int flags, sp_lun **out)
{
    struct smis *s = smis_of(a);
    if (!sp_cim_path_namespace(element))
        sp_cim_path_set_namespace(element, s->ns);
    SPI_AUTOFREE char *key = smis_volume_key(a, element);
    sp_code rc = SP_OK;
    if (!(flags & SP_LUN_KEY_ONLY))
        rc = smis_fetch_lun(a, element, key, out);
    else if (!(*out = spi_lun_new(a, key, name, 0, NULL)))
        rc = spi_array_fail(a, SP_ERR_PROTOCOL,
                            "array '%s' made a volume whose key cannot make "
                            "an ID",
                            a->name);
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
                        uint64_t bytes, unsigned int flags, sp_lun **out)
{
    const sp_cim_path *scs, *pool;
    sp_code rc = smis_service(a, SMIS_SCS, &scs);
    if (!rc && !scs)
        return spi_array_fail(a, SP_ERR_NOT_SUPPORTED,
                              "array '%s' has no storage configuration "
                              "service: it cannot create volumes",
                              a->name);
    if (rc || (rc = smis_pool_path(a, pool_key, &pool)))
        return rc;
    sp_cim_args *in = sp_cim_args_new();
    SPI_AUTOFREE char *tagged = spi_array_element_name(a, name);
    if (name && *name)
        sp_cim_args_set(in, "ElementName",
                        sp_cim_value_new_string(SP_CIM_STRING, tagged));
    sp_cim_args_set(in, "ElementType", sp_cim_value_new_uint(SP_CIM_UINT16, 2));
    sp_cim_args_set(in, "InPool", sp_cim_value_new_ref(pool));
    sp_cim_args_set(in, "Size", sp_cim_value_new_uint(SP_CIM_UINT64, bytes));
    sp_cim_args *outp = NULL;
    sp_cim_path *job = NULL, *element = NULL;
    SPI_AUTOFREE char *what =
        spi_xasprintf("creating LUN '%s'", name ? name : "");
    rc = smis_invoke(a, scs, "CreateOrModifyElementFromStoragePool", in, what,
                     &outp, &job);
    sp_cim_args_free(in);
    if (!rc)
        rc = made(a, outp, job, "TheElement", &element);
    if (!rc && (rc = finish(a, element, pool_key, name, flags, out)))
        unmake(a, element);
    sp_cim_args_free(outp);
    sp_cim_path_free(job);
    sp_cim_path_free(element);
    return rc;
}

sp_code smis_copy_lun(sp_array *a, const char *source_key,
                      sp_copy_method method, const char *name,
                      const char *pool_key, unsigned int flags, sp_lun **out)
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
    SPI_AUTOFREE char *tagged = spi_array_element_name(a, name);
    if (name && *name)
        sp_cim_args_set(in, "ElementName",
                        sp_cim_value_new_string(SP_CIM_STRING, tagged));
    sp_cim_args_set(in, "SyncType",
                    sp_cim_value_new_uint(SP_CIM_UINT16, (uint64_t)method));
    sp_cim_args_set(in, "SourceElement", sp_cim_value_take_ref(source));
    if (pool_key) {
        const sp_cim_path *pool;
        if ((rc = smis_pool_path(a, pool_key, &pool))) {
            sp_cim_args_free(in);
            return rc;
        }
        sp_cim_args_set(in, "TargetPool", sp_cim_value_new_ref(pool));
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
    if (!rc && (rc = finish(a, element, pool_key, name, flags, out)))
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

/* ---- a batch of deletes ---- */

/*
 * Deleting a LUN asks the array where it is masked and which replication
 * relationships it is in (two requests) before the one that deletes it.
 * For a batch (sp_array_delete_luns(): vm-delete) both are read once for
 * all the array's volumes.  A LUN of the batch that is the target of one
 * relationship, the source of none and masked nowhere is then deleted
 * through its relationship in one request, as smis_delete_lun() would;
 * any other goes the careful way.
 */
struct prepared_lun {
    char *key;
    sp_cim_path *sync; /* the relationship it is the target of */
    unsigned int targets, sources;
    bool masked;
};

struct smis_prepared {
    struct prepared_lun *v; /* sorted by key */
    size_t n;
};

void smis_prepared_free(struct smis_prepared *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->n; i++) {
        free(p->v[i].key);
        sp_cim_path_free(p->v[i].sync);
    }
    free(p->v);
    free(p);
}

static int prepared_cmp(const void *pa, const void *pb)
{
    return strcmp(((const struct prepared_lun *)pa)->key,
                  ((const struct prepared_lun *)pb)->key);
}

static struct prepared_lun *prepared_find(struct smis_prepared *p,
                                          const char *key)
{
    struct prepared_lun probe = {.key = (char *)key};
    return p ? bsearch(&probe, p->v, p->n, sizeof(*p->v), prepared_cmp) : NULL;
}

struct preparing {
    sp_array *a;
    struct smis_prepared *p;
};

static int prepare_sync(sp_cim_instance *i, void *ud)
{
    struct preparing *pp = ud;
    const sp_cim_path *src =
        sp_cim_value_get_ref(sp_cim_instance_get(i, "SystemElement"));
    const sp_cim_path *dst =
        sp_cim_value_get_ref(sp_cim_instance_get(i, "SyncedElement"));
    if (src) {
        SPI_AUTOFREE char *key = smis_volume_key(pp->a, src);
        struct prepared_lun *l = prepared_find(pp->p, key);
        if (l)
            l->sources++;
    }
    if (dst) {
        SPI_AUTOFREE char *key = smis_volume_key(pp->a, dst);
        struct prepared_lun *l = prepared_find(pp->p, key);
        if (l && !l->targets++)
            l->sync = sp_cim_path_copy(sp_cim_instance_path(i));
    }
    sp_cim_instance_free(i);
    return 0;
}

static int prepare_unit(sp_cim_instance *i, void *ud)
{
    struct preparing *pp = ud;
    const sp_cim_path *vol =
        sp_cim_value_get_ref(sp_cim_instance_get(i, "Dependent"));
    if (vol) {
        SPI_AUTOFREE char *key = smis_volume_key(pp->a, vol);
        struct prepared_lun *l = prepared_find(pp->p, key);
        if (l)
            l->masked = true;
    }
    sp_cim_instance_free(i);
    return 0;
}

sp_code smis_delete_prepare(sp_array *a, const char *const *keys, size_t n)
{
    static const char *const sync_props[] = {"SystemElement", "SyncedElement",
                                             NULL};
    static const char *const unit_props[] = {"Antecedent", "Dependent", NULL};
    struct smis *s = smis_of(a);
    smis_prepared_free(s->prepared);
    s->prepared = NULL;
    if (!n)
        return SP_OK;
    sp_array_caps caps;
    sp_code rc = spi_smis_driver.capabilities(a, &caps);
    if (rc)
        return rc;
    struct preparing pp = {a, spi_xcalloc(1, sizeof(*pp.p))};
    pp.p->v = spi_xcalloc(n, sizeof(*pp.p->v));
    for (size_t i = 0; i < n; i++)
        pp.p->v[pp.p->n++].key = spi_xstrdup(keys[i]);
    qsort(pp.p->v, pp.p->n, sizeof(*pp.p->v), prepared_cmp);
    if (sp_cim_enumerate_instances(s->c, s->ns, "CIM_StorageSynchronized",
                                   sync_props, 0, prepare_sync, &pp) ||
        (caps.masking != SP_MASKING_NONE &&
         sp_cim_enumerate_instances(s->c, s->ns,
                                    "CIM_ProtocolControllerForUnit", unit_props,
                                    0, prepare_unit, &pp))) {
        smis_prepared_free(pp.p);
        return smis_fail(a);
    }
    s->prepared = pp.p;
    return SP_OK;
}

/* The relationship through which LUN @key can be deleted at once, as a
 * batch read it, or NULL: then its delete asks for itself.  Used once. */
static sp_cim_path *prepared_sync(struct smis *s, const char *key)
{
    struct prepared_lun *l = prepared_find(s->prepared, key);
    if (!l || l->targets != 1 || l->sources || l->masked)
        return NULL;
    sp_cim_path *sync = l->sync;
    l->sync = NULL;
    l->targets = 0; /* a key given twice: the second asks for itself */
    return sync;
}

sp_code smis_delete_lun(sp_array *a, const char *key, unsigned int flags)
{
    struct smis *s = smis_of(a);
    sp_code rc = smis_discover(a);
    if (rc)
        return rc;
    SPI_AUTOFREE char *what = spi_xasprintf("deleting LUN %s", key);
    sp_cim_path *sync = prepared_sync(s, key);
    if (sync) {
        rc = modify_sync(a, sync, 19, what); /* return to pool */
        sp_cim_path_free(sync);
        return rc;
    }
    sp_cim_path *vol = smis_volume_path(a, key);
    struct smis_list units = {0}, syncs = {0};
    /* Where it is masked (and whether it exists at all). */
    if (sp_cim_reference_names(s->c, vol, "CIM_ProtocolControllerForUnit", NULL,
                               0, smis_keep_path, &units)) {
        rc = smis_fail(a);
        if (rc == SP_ERR_NOT_FOUND)
            rc = spi_array_fail(a, SP_ERR_NOT_FOUND,
                                "no LUN '%s' on array '%s'", key, a->name);
        goto out;
    }
    /* Replicas: a snapshot depending on this LUN stops the delete; clones
     * are made independent; if this LUN is itself a replica, the array
     * deletes it through its relationship.  Every refusal comes before
     * any change, so a refused delete changes nothing. */
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
                            "%zu snapshot(s) depend on it; delete them first",
                            snapshots);
        goto out;
    }
    /* Masked: refused, or when forced unmasked first. */
    if (units.n && !(flags & SP_LUN_FORCE)) {
        rc = spi_array_fail(a, SP_ERR_PRECONDITION,
                            "it is masked to %zu host view(s); unmask it "
                            "first, or force the delete",
                            units.n);
        goto out;
    }
    size_t views = 0;
    if (units.n && (rc = smis_unmask_all(a, vol, &views)))
        goto out;
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
