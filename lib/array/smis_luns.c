/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/array/smis_luns.c: SMI-S pools and volumes as LUNs: listing and
 * looking up. */
#include "smis.h"
#include "../util/tag.h"

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
        return smis_fail_freeing(a, &l, smis_list_free_instances);
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
const struct smis_pool *smis_find_pool(sp_array *a,
                                       const struct smis_pool *pools, size_t n,
                                       const char *key)
{
    for (size_t i = 0; i < n; i++)
        if (SPI_STREQ(pools[i].key, key))
            return &pools[i];
    spi_array_fail(a, SP_ERR_NOT_FOUND, "no pool '%s' on array '%s'", key,
                   a->name);
    return NULL;
}

/* The path of pool @key among those the handle read, or NULL. */
static const sp_cim_path *known_pool(const struct smis *s, const char *key)
{
    for (size_t i = 0; i < s->npools; i++)
        if (SPI_STREQ(s->pools[i].key, key))
            return s->pools[i].path;
    return NULL;
}

sp_code smis_pool_path(sp_array *a, const char *key, const sp_cim_path **out)
{
    struct smis *s = smis_of(a);
    if ((*out = known_pool(s, key)))
        return SP_OK;
    /* Not known yet: another handle of the process may have read it; else
     * the pools are read (again). */
    sp_code rc = SP_OK;
    smis_shared_lock(a);
    if (!smis_shared_take(a, SMIS_FACT_POOLS) || !known_pool(s, key)) {
        smis_pools_free(s->pools, s->npools);
        s->pools = NULL;
        s->npools = 0;
        if (!(rc = smis_pools(a, &s->pools, &s->npools)))
            smis_shared_give(a, SMIS_FACT_POOLS);
    }
    smis_shared_unlock(a);
    if (rc)
        return rc;
    if ((*out = known_pool(s, key)))
        return SP_OK;
    return spi_array_fail(a, SP_ERR_NOT_FOUND, "no pool '%s' on array '%s'",
                          key, a->name);
}

sp_code smis_list_pools(sp_array *a, sp_pool_fn fn, void *ctx)
{
    struct smis_pool *p;
    size_t n;
    sp_code rc = smis_pools(a, &p, &n);
    for (size_t i = 0; !rc && i < n; i++) {
        sp_pool *one =
            spi_pool_new(a, p[i].key, p[i].name, p[i].total, p[i].free);
        if (one && fn(one, ctx))
            break;
    }
    smis_pools_free(p, n);
    return rc;
}

sp_code smis_get_pool(sp_array *a, const char *key, sp_pool **out)
{
    struct smis_pool *p;
    size_t n;
    sp_code rc = smis_pools(a, &p, &n);
    const struct smis_pool *hit = rc ? NULL : smis_find_pool(a, p, n, key);
    /* @key came from an ID, so an ID can hold it. */
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
    /* The ElementName holds sanprov's tag, if it has one, after the name. */
    const char *element = sp_cim_instance_get_string(v, "ElementName");
    SPI_AUTOFREE char *untagged = NULL;
    char lib[SPI_TAG_LIB_HEX + 1], entry[SPI_TAG_ENTRY_HEX + 1];
    bool tagged = spi_tag_split(element, &untagged, lib, entry);
    sp_lun *l = spi_lun_new(a, key, tagged ? untagged : element, bs * nb,
                            fmt == 9 ? name : NULL); /* 9: NAA */
    if (l && tagged)
        spi_lun_set_tag(l, lib, entry);
    return l;
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

static int sync_cmp(const void *pa, const void *pb)
{
    const struct sync_entry *a = pa, *b = pb;
    return strcmp(a->target, b->target);
}

/* Sort @s by target for apply_sync(). */
static void syncs_index(struct syncs *s)
{
    if (s->n)
        qsort(s->v, s->n, sizeof(*s->v), sync_cmp);
}

static void apply_sync(sp_array *a, const struct syncs *s, sp_lun *l)
{
    const char *key = sp_id_field(sp_lun_id(l), 1);
    size_t lo = 0, hi = s->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(s->v[mid].target, key) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    /* A target has one source; the first relationship found wins. */
    if (lo < s->n && SPI_STREQ(s->v[lo].target, key))
        spi_lun_set_source(l, a, s->v[lo].source, s->v[lo].type);
}

struct listing {
    sp_array *a;
    const char *pool_key;
    struct syncs *syncs;
    struct smis_masking *masking;
    sp_lun_fn fn;
    void *ctx;
    bool stopped;
    bool bad; /* a queried volume without DeviceID */
};

/* Is volume @v (a path is enough) on the array's own system? */
static bool ours(const struct smis *s, const sp_cim_instance *v)
{
    const char *sys = sp_cim_value_get_string(
        sp_cim_path_get_key(sp_cim_instance_path(v), "SystemName"));
    if (!sys)
        sys = sp_cim_instance_get_string(v, "SystemName");
    return !sys || SPI_STREQ(sys, s->system_name);
}

static int list_one(sp_cim_instance *v, void *ud)
{
    struct listing *li = ud;
    struct smis *s = smis_of(li->a);
    int stop = 0;
    sp_lun *l = ours(s, v) ? lun_of(li->a, v) : NULL;
    if (l) {
        if (li->pool_key)
            spi_lun_set_pool(l, li->a, li->pool_key);
        if (li->syncs)
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

/* A volume of a query's answer: its class and DeviceID, all a LUN's key is
 * made of, and its SystemName (it has no path). */
static int list_queried(sp_cim_instance *v, void *ud)
{
    struct listing *li = ud;
    struct smis *s = smis_of(li->a);
    const char *dev = sp_cim_instance_get_string(v, "DeviceID");
    const char *sys = sp_cim_instance_get_string(v, "SystemName");
    int stop = 0;
    if (!dev) {
        li->bad = true;
        stop = 1;
    } else if (!sys || SPI_STREQ(sys, s->system_name)) {
        SPI_AUTOFREE char *key =
            smis_volume_key_of(li->a, sp_cim_instance_class(v), dev);
        uint64_t fmt = 0;
        sp_cim_instance_get_uint(v, "NameFormat", &fmt);
        sp_lun *l = spi_lun_new(li->a, key, NULL, 0,
                                fmt == 9 ? sp_cim_instance_get_string(v, "Name")
                                         : NULL);
        stop = l ? li->fn(l, li->ctx) : 0;
        li->stopped |= stop != 0;
    }
    sp_cim_instance_free(v);
    return stop;
}

/*
 * Only the IDs of the LUNs of the whole array, in as few bytes as the
 * array allows: a query of the properties they are made of (the DeviceID,
 * the SystemName that says whose, the WWN), else one pulled enumeration of
 * the paths with the WWN.  No pools, replication or masking.
 */
static sp_code list_ids(sp_array *a, sp_lun_fn fn, void *ctx)
{
    static const char *const wwn_props[] = {"Name", "NameFormat", NULL};
    static const char query[] =
        "SELECT DeviceID, SystemName, Name, NameFormat FROM CIM_StorageVolume";
    struct smis *s = smis_of(a);
    sp_code rc = smis_discover(a);
    if (rc)
        return rc;
    struct listing li = {.a = a, .fn = fn, .ctx = ctx};
    rc = sp_cim_query_instances(s->c, s->ns, "DMTF:CQL", query, 0, list_queried,
                                &li);
    if (li.bad)
        return spi_array_fail(a, SP_ERR_PROTOCOL,
                              "array '%s' answered the query of its volumes "
                              "with a volume without DeviceID",
                              a->name);
    if (!rc || li.stopped)
        return SP_OK;
    if (sp_cim_client_error(s->c)->code != SP_ERR_NOT_SUPPORTED)
        return smis_fail(a);
    if (sp_cim_enumerate_instances(s->c, s->ns, "CIM_StorageVolume", wwn_props,
                                   0, list_one, &li) &&
        !li.stopped)
        return smis_fail(a);
    return SP_OK;
}

sp_code smis_list_luns(sp_array *a, const char *pool_key, unsigned int flags,
                       sp_lun_fn fn, void *ctx)
{
    struct smis *s = smis_of(a);
    if ((flags & SP_LUN_IDS_ONLY) && !(flags & SP_LUN_MASKING) && !pool_key)
        return list_ids(a, fn, ctx);
    struct smis_pool *pools;
    size_t n;
    sp_code rc = smis_pools(a, &pools, &n);
    if (rc)
        return rc;
    if (pool_key && !smis_find_pool(a, pools, n, pool_key)) {
        smis_pools_free(pools, n);
        return a->err.code;
    }
    struct syncs syncs = {0};
    void *pair[2] = {&syncs, a};
    if (sp_cim_enumerate_instances(s->c, s->ns, "CIM_StorageSynchronized", NULL,
                                   0, keep_sync, pair))
        rc = smis_fail(a);
    syncs_index(&syncs);
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
sp_code smis_fetch_lun(sp_array *a, const sp_cim_path *p, const char *key,
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
    if (!*out)
        return spi_array_fail(a, SP_ERR_PROTOCOL,
                              "array '%s' answered for LUN '%s' with a volume "
                              "whose key cannot make an ID",
                              a->name, key);
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
        return smis_fail_freeing(a, &l, smis_list_free_paths);
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
    rc = smis_fetch_lun(a, p, key, out);
    if (!rc && (flags & SP_LUN_IDS_ONLY) && !(flags & SP_LUN_MASKING)) {
        sp_cim_path_free(p);
        return SP_OK; /* it exists: that is all the caller asked */
    }
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

/* ---- many LUNs at once ---- */

/* A key asked for and where its LUN goes, sorted by key. */
struct wanted_key {
    const char *key;
    size_t i;
};

static int wanted_cmp(const void *pa, const void *pb)
{
    return strcmp(((const struct wanted_key *)pa)->key,
                  ((const struct wanted_key *)pb)->key);
}

struct wanted {
    sp_array *a;
    struct wanted_key *keys;
    size_t n;
    sp_lun **out;
};

/* A copy of the source: kept when its key is one asked for. */
static int keep_wanted(sp_cim_instance *v, void *ud)
{
    struct wanted *w = ud;
    sp_lun *l = ours(smis_of(w->a), v) ? lun_of(w->a, v) : NULL;
    sp_cim_instance_free(v);
    if (!l)
        return 0;
    struct wanted_key probe = {sp_id_field(sp_lun_id(l), 1), 0};
    struct wanted_key *hit =
        bsearch(&probe, w->keys, w->n, sizeof(*w->keys), wanted_cmp);
    /* A key asked for twice is filled once here, once by its lookup. */
    if (hit && !w->out[hit->i]) {
        w->out[hit->i] = l;
        return 0;
    }
    sp_lun_free(l);
    return 0;
}

/*
 * The WWNs of a deploy's copies (or of the LUNs of a batch of deletes):
 * one Associators request from their source through
 * CIM_StorageSynchronized gives every replica of it with its Name, instead
 * of a GetInstance a copy.  Any key not among them (not a copy of that
 * source, or an array that does not walk the association) is looked up
 * alone.
 */
sp_code smis_get_luns(sp_array *a, const char *const *keys, size_t n,
                      const char *source_key, sp_lun **out)
{
    static const char *const props[] = {"DeviceID", "Name", "NameFormat",
                                        "SystemName", NULL};
    struct smis *s = smis_of(a);
    sp_code rc = smis_discover(a);
    if (rc)
        return rc;
    /* For one LUN a GetInstance costs no more, and reads less. */
    if (source_key && n > 1) {
        struct wanted w = {a, spi_xcalloc(n, sizeof(*w.keys)), n, out};
        for (size_t i = 0; i < n; i++)
            w.keys[i] = (struct wanted_key){keys[i], i};
        qsort(w.keys, n, sizeof(*w.keys), wanted_cmp);
        sp_cim_path *src = smis_volume_path(a, source_key);
        if (sp_cim_associators(s->c, src, "CIM_StorageSynchronized",
                               "CIM_StorageVolume", "SystemElement",
                               "SyncedElement", props, 0, keep_wanted, &w))
            sp_log(SP_LOG_DEBUG,
                   "array %s: the copies of %s not read at once, each is "
                   "looked up: %s",
                   a->name, source_key, sp_cim_client_error(s->c)->message);
        sp_cim_path_free(src);
        free(w.keys);
    }
    for (size_t i = 0; i < n && !rc; i++) {
        if (out[i])
            continue;
        sp_cim_path *p = smis_volume_path(a, keys[i]);
        rc = smis_fetch_lun(a, p, keys[i], &out[i]);
        sp_cim_path_free(p);
        if (rc == SP_ERR_NOT_FOUND) {
            sp_error_clear(&a->err);
            rc = SP_OK;
        }
    }
    return rc;
}
