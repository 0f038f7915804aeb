/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/array/array.c: the public array API: driver choice by URI scheme,
 * argument checks, dispatch, objects. */
#include "array_internal.h"

static const struct sp_array_driver *const drivers[] = {
    &spi_smis_driver,
    &spi_local_driver,
};

struct sp_pool {
    sp_id *id;
    char *name;
    uint64_t total, free;
    char *class;
    bool managed;
    char *groups; /* host-groups, ", "-joined, or NULL */
};

struct mask_entry {
    char *initiator;
    uint32_t number;
};

struct sp_lun {
    sp_id *id;
    char *name;
    uint64_t size;
    char *wwn;
    sp_id *pool;
    sp_id *source;
    sp_copy_method copy;
    const char *copy_how; /* static strings of the driver */
    uint64_t copied;
    struct mask_entry *masks;
    size_t nmasks, capmasks;
};

/* ---- errors ---- */

sp_code spi_array_fail(sp_array *a, sp_code code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    a->err.code = code;
    a->err.http_status = 0;
    a->err.cim_status = 0;
    vsnprintf(a->err.message, sizeof(a->err.message), fmt, ap);
    va_end(ap);
    return code;
}

sp_code spi_array_fail_with(sp_array *a, const sp_error *err)
{
    sp_error_copy(&a->err, err);
    return err->code;
}

const sp_error *sp_array_error(const sp_array *a)
{
    return &a->err;
}

const char *sp_array_name(const sp_array *a)
{
    return a->name;
}

/* ---- open and close ---- */

static const struct sp_array_driver *driver_for(const char *uri)
{
    const char *colon = strchr(uri, ':');
    if (!colon)
        return NULL;
    size_t n = (size_t)(colon - uri);
    for (size_t i = 0; i < SPI_ARRAY_SIZE(drivers); i++)
        for (size_t k = 0; drivers[i]->schemes[k]; k++)
            if (strlen(drivers[i]->schemes[k]) == n &&
                strncasecmp(drivers[i]->schemes[k], uri, n) == 0)
                return drivers[i];
    return NULL;
}

sp_code sp_array_open(const sp_config *cfg, const char *name,
                      unsigned int flags, sp_array **out, sp_error *err)
{
    *out = NULL;
    if (flags)
        return sp_error_set(err, SP_ERR_INVALID, "unknown flags 0x%x", flags);
    if (!name || !sp_config_has(cfg, "array", name))
        return sp_error_set(err, SP_ERR_NOT_FOUND,
                            "no array '%s' in the configuration",
                            name ? name : "");
    const char *uri = sp_config_get(cfg, "array", name, "uri");
    const struct sp_array_driver *drv = driver_for(uri);
    if (!drv) {
        /* Name the schemes there are drivers for, from the table. */
        char known[256] = "";
        size_t len = 0;
        for (size_t i = 0; i < SPI_ARRAY_SIZE(drivers); i++)
            for (size_t k = 0; drivers[i]->schemes[k]; k++)
                if (len < sizeof(known))
                    len += (size_t)snprintf(
                        known + len, sizeof(known) - len, "%s%s:%s",
                        len ? ", " : "", drivers[i]->schemes[k],
                        drivers[i]->hierarchical ? "//" : "");
        return sp_error_set(err, SP_ERR_NOT_SUPPORTED,
                            "no driver for its URI '%s' (this build has: %s)",
                            uri, known);
    }
    sp_array *a = spi_xcalloc(1, sizeof(*a));
    a->drv = drv;
    a->cfg = cfg;
    a->name = spi_xstrdup(name);
    a->uri = spi_xstrdup(uri);
    sp_code rc = drv->open(a);
    if (rc) {
        sp_error_copy(err, &a->err);
        sp_array_close(a);
        return rc;
    }
    *out = a;
    return SP_OK;
}

void sp_array_close(sp_array *a)
{
    if (!a)
        return;
    if (a->drv->close)
        a->drv->close(a);
    free(a->name);
    free(a->uri);
    free(a->pending_job);
    free(a);
}

void sp_array_set_progress(sp_array *a, sp_progress_fn fn, void *ctx)
{
    a->progress = fn;
    a->progress_ctx = ctx;
}

void sp_array_set_timeout(sp_array *a, unsigned int seconds)
{
    a->timeout_s = seconds;
}

const char *sp_array_pending_job(const sp_array *a)
{
    return a->pending_job;
}

sp_code sp_array_sync(sp_array *a)
{
    sp_error_clear(&a->err);
    return a->drv->sync ? a->drv->sync(a) : SP_OK;
}

uint64_t sp_array_requests(const sp_array *a)
{
    return a->drv->requests ? a->drv->requests(a) : 0;
}

char *spi_array_job_id(const sp_array *a, const char *key)
{
    const char *f[] = {a->name, key};
    sp_id *id = NULL;
    if (sp_id_new(SP_ID_JOB, 2, f, &id, NULL))
        return spi_xstrdup(key);
    char *s = spi_xstrdup(sp_id_str(id));
    sp_id_free(id);
    return s;
}

const char *sp_masking_kind_name(sp_masking_kind k)
{
    switch (k) {
    case SP_MASKING_NONE:
        return "none";
    case SP_MASKING_GROUP:
        return "group";
    case SP_MASKING_LEGACY:
        return "legacy";
    case SP_MASKING_LOCAL:
        return "local";
    }
    return "none";
}

/* ---- argument checks and dispatch ---- */

/* Reset the error; check that @id is of @kind and of this array; give
 * back its key. */
static sp_code key_of(sp_array *a, const sp_id *id, sp_id_kind kind,
                      const char **key)
{
    if (!id)
        return spi_array_fail(a, SP_ERR_INVALID, "no %s ID given",
                              sp_id_kind_name(kind));
    if (sp_id_get_kind(id) != kind)
        return spi_array_fail(a, SP_ERR_BAD_ID, "'%s' is not a %s ID",
                              sp_id_str(id), sp_id_kind_name(kind));
    if (strcmp(sp_id_field(id, 0), a->name) != 0)
        return spi_array_fail(a, SP_ERR_INVALID,
                              "'%s' is on array '%s', not '%s'", sp_id_str(id),
                              sp_id_field(id, 0), a->name);
    *key = sp_id_field(id, 1);
    return SP_OK;
}

static sp_code begin(sp_array *a, const void *slot, const char *what)
{
    sp_error_clear(&a->err);
    free(a->pending_job);
    a->pending_job = NULL;
    if (!slot)
        return spi_array_fail(a, SP_ERR_NOT_SUPPORTED,
                              "the %s driver cannot %s", a->drv->name, what);
    return SP_OK;
}

sp_code sp_array_capabilities(sp_array *a, sp_array_caps *out)
{
    memset(out, 0, sizeof(*out));
    if (begin(a, a->drv->capabilities, "report its capabilities"))
        return a->err.code;
    sp_code rc = a->drv->capabilities(a, out);
    if (!rc && a->drv->identify)
        rc = a->drv->identify(a, out);
    out->driver = a->drv->name;
    return rc;
}

sp_code sp_array_list_pools(sp_array *a, unsigned int flags, sp_pool_fn fn,
                            void *ctx)
{
    if (begin(a, a->drv->list_pools, "list pools"))
        return a->err.code;
    if (flags)
        return spi_array_fail(a, SP_ERR_INVALID, "unknown flags 0x%x", flags);
    return a->drv->list_pools(a, fn, ctx);
}

sp_code sp_array_get_pool(sp_array *a, const sp_id *id, sp_pool **out)
{
    *out = NULL;
    const char *key;
    if (begin(a, a->drv->get_pool, "look up pools") ||
        key_of(a, id, SP_ID_POOL, &key))
        return a->err.code;
    return a->drv->get_pool(a, key, out);
}

sp_code sp_array_list_luns(sp_array *a, const sp_id *pool, unsigned int flags,
                           sp_lun_fn fn, void *ctx)
{
    const char *key = NULL;
    if (begin(a, a->drv->list_luns, "list LUNs") ||
        (pool && key_of(a, pool, SP_ID_POOL, &key)))
        return a->err.code;
    if (flags & ~(SP_LUN_MASKING | SP_LUN_IDS_ONLY))
        return spi_array_fail(a, SP_ERR_INVALID, "unknown flags 0x%x", flags);
    return a->drv->list_luns(a, key, flags, fn, ctx);
}

sp_code sp_array_get_lun(sp_array *a, const sp_id *id, unsigned int flags,
                         sp_lun **out)
{
    *out = NULL;
    const char *key;
    if (begin(a, a->drv->get_lun, "look up LUNs") ||
        key_of(a, id, SP_ID_LUN, &key))
        return a->err.code;
    if (flags & ~(SP_LUN_MASKING | SP_LUN_IDS_ONLY))
        return spi_array_fail(a, SP_ERR_INVALID, "unknown flags 0x%x", flags);
    return a->drv->get_lun(a, key, flags, out);
}

sp_code sp_array_create_lun(sp_array *a, const sp_id *pool, const char *name,
                            uint64_t bytes, unsigned int flags, sp_lun **out)
{
    *out = NULL;
    const char *key;
    if (begin(a, a->drv->create_lun, "create LUNs") ||
        key_of(a, pool, SP_ID_POOL, &key))
        return a->err.code;
    if (flags & ~SP_LUN_IDS_ONLY)
        return spi_array_fail(a, SP_ERR_INVALID, "unknown flags 0x%x", flags);
    if (!bytes)
        return spi_array_fail(a, SP_ERR_INVALID, "a LUN needs a size");
    return a->drv->create_lun(a, key, name, bytes, flags, out);
}

sp_code sp_array_copy_lun(sp_array *a, const sp_id *source,
                          sp_copy_method method, const char *name,
                          const sp_id *pool, unsigned int flags, sp_lun **out)
{
    *out = NULL;
    const char *key, *pool_key = NULL;
    if (begin(a, a->drv->copy_lun, "copy LUNs") ||
        key_of(a, source, SP_ID_LUN, &key) ||
        (pool && key_of(a, pool, SP_ID_POOL, &pool_key)))
        return a->err.code;
    if (flags & ~SP_LUN_IDS_ONLY)
        return spi_array_fail(a, SP_ERR_INVALID, "unknown flags 0x%x", flags);
    if (method != SP_COPY_SNAPSHOT && method != SP_COPY_CLONE)
        return spi_array_fail(a, SP_ERR_INVALID,
                              "the copy method is snapshot or clone");
    return a->drv->copy_lun(a, key, method, name, pool_key, flags, out);
}

sp_code sp_array_lun_path(sp_array *a, const sp_id *id, char **out)
{
    *out = NULL;
    const char *key;
    if (begin(a, a->drv->lun_path, "give a path to its LUNs' data here") ||
        key_of(a, id, SP_ID_LUN, &key))
        return a->err.code;
    return a->drv->lun_path(a, key, out);
}

sp_code sp_array_pool_path(sp_array *a, const sp_id *id, char **out)
{
    *out = NULL;
    const char *key;
    if (begin(a, a->drv->pool_path, "give a path to its pools' data here") ||
        key_of(a, id, SP_ID_POOL, &key))
        return a->err.code;
    return a->drv->pool_path(a, key, out);
}

sp_code sp_array_delete_lun(sp_array *a, const sp_id *id, unsigned int flags)
{
    const char *key;
    if (begin(a, a->drv->delete_lun, "delete LUNs") ||
        key_of(a, id, SP_ID_LUN, &key))
        return a->err.code;
    if (flags & ~SP_LUN_FORCE)
        return spi_array_fail(a, SP_ERR_INVALID, "unknown flags 0x%x", flags);
    return a->drv->delete_lun(a, key, flags);
}

sp_code sp_array_mask(sp_array *a, const sp_id *const *luns, size_t n,
                      const sp_mask_target *target, unsigned int flags,
                      uint32_t *numbers)
{
    if (begin(a, a->drv->mask, "mask LUNs"))
        return a->err.code;
    if (flags & ~SP_MASK_UNMASK)
        return spi_array_fail(a, SP_ERR_INVALID, "unknown flags 0x%x", flags);
    if (!target || !target->ninitiators)
        return spi_array_fail(a, SP_ERR_PRECONDITION,
                              "host '%s' has no initiators to mask to",
                              target && target->name ? target->name : "");
    const char **keys = spi_xcalloc(n, sizeof(*keys));
    for (size_t i = 0; i < n; i++)
        if (key_of(a, luns[i], SP_ID_LUN, &keys[i])) {
            free(keys);
            return a->err.code;
        }
    sp_code rc = n ? a->drv->mask(a, keys, n, target, flags, numbers) : SP_OK;
    free(keys);
    return rc;
}

sp_code sp_array_connectivity(sp_array *a, unsigned int *out)
{
    *out = 0;
    if (begin(a, a->drv->connectivity, "say how hosts reach it"))
        return a->err.code;
    return a->drv->connectivity(a, out);
}

sp_code sp_array_iscsi_target(sp_array *a, const sp_mask_target *target,
                              char **portal, char **iqn)
{
    *portal = *iqn = NULL;
    if (begin(a, a->drv->iscsi_target, "export LUNs over iSCSI"))
        return a->err.code;
    if (!target || target->fc)
        return spi_array_fail(a, SP_ERR_INVALID, "an iSCSI host is wanted");
    sp_code rc = a->drv->iscsi_target(a, target, portal, iqn);
    if (rc) {
        free(*portal);
        free(*iqn);
        *portal = *iqn = NULL;
    }
    return rc;
}

/* ---- pools ---- */

/* The ID of key @key of @a (with @wwn, a LUN's, when given and valid), or
 * NULL when the key cannot make one (empty, or longer than an ID may be):
 * keys come from the array and are not trusted to be sane. */
static sp_id *make_id(sp_array *a, sp_id_kind kind, const char *key,
                      const char *wwn)
{
    const char *f[] = {a->name, key, wwn};
    sp_id *id = NULL;
    size_t n = wwn && spi_wwn_valid(wwn) ? 3 : 2;
    if (sp_id_new(kind, n, f, &id, NULL) && n == 3)
        sp_id_new(kind, 2, f, &id, NULL);
    return id;
}


sp_pool *spi_pool_new(sp_array *a, const char *key, const char *name,
                      uint64_t total, uint64_t free_bytes)
{
    sp_id *id = make_id(a, SP_ID_POOL, key, NULL);
    if (!id) {
        sp_log(SP_LOG_WARN,
               "array %s: a pool whose key cannot make an ID was left out",
               a->name);
        return NULL;
    }
    sp_pool *p = spi_xcalloc(1, sizeof(*p));
    p->id = id;
    p->name = spi_xstrdup(name ? name : key);
    p->total = total;
    p->free = free_bytes;
    /* [pool "ARRAY:POOL"]: by the pool's key or its name. */
    SPI_AUTOFREE char *by_key = spi_xasprintf("%s:%s", a->name, key);
    SPI_AUTOFREE char *by_name = spi_xasprintf("%s:%s", a->name, p->name);
    const char *section = sp_config_has(a->cfg, "pool", by_key)    ? by_key
                          : sp_config_has(a->cfg, "pool", by_name) ? by_name
                                                                   : NULL;
    p->managed = section != NULL;
    if (section)
        p->class = spi_xstrdup(sp_config_get(a->cfg, "pool", section, "class"));
    size_t n =
        section ? sp_config_list_count(a->cfg, "pool", section, "host-groups")
                : 0;
    for (size_t i = 0; i < n; i++) {
        const char *g =
            sp_config_list_item(a->cfg, "pool", section, "host-groups", i);
        char *joined =
            p->groups ? spi_xasprintf("%s, %s", p->groups, g) : spi_xstrdup(g);
        free(p->groups);
        p->groups = joined;
    }
    return p;
}

const sp_id *sp_pool_id(const sp_pool *p)
{
    return p->id;
}

const char *sp_pool_name(const sp_pool *p)
{
    return p->name;
}

uint64_t sp_pool_total(const sp_pool *p)
{
    return p->total;
}

uint64_t sp_pool_free(const sp_pool *p)
{
    return p->free;
}

const char *sp_pool_class(const sp_pool *p)
{
    return p->class;
}

bool sp_pool_managed(const sp_pool *p)
{
    return p->managed;
}

const char *sp_pool_host_groups(const sp_pool *p)
{
    return p->groups;
}

bool sp_pool_allocated_to(const sp_pool *p, const char *group)
{
    size_t len = group ? strlen(group) : 0;
    for (const char *g = p->groups; len && g && *g;) {
        const char *end = strchr(g, ',');
        size_t n = end ? (size_t)(end - g) : strlen(g);
        if (n == len && strncmp(g, group, len) == 0)
            return true;
        g = end ? end + 2 : NULL;
    }
    return false;
}

void sp_pool_free_handle(sp_pool *p)
{
    if (!p)
        return;
    sp_id_free(p->id);
    free(p->name);
    free(p->class);
    free(p->groups);
    free(p);
}

/* ---- LUNs ---- */

sp_lun *spi_lun_new(sp_array *a, const char *key, const char *name,
                    uint64_t size, const char *wwn)
{
    if (wwn && !spi_wwn_valid(wwn)) {
        sp_log(SP_LOG_DEBUG, "array %s: LUN '%s' has a WWN that is not hex",
               a->name, key);
        wwn = NULL;
    }
    sp_id *id = make_id(a, SP_ID_LUN, key, wwn);
    if (!id) {
        sp_log(SP_LOG_WARN,
               "array %s: a LUN whose key cannot make an ID was left out",
               a->name);
        return NULL;
    }
    sp_lun *l = spi_xcalloc(1, sizeof(*l));
    l->id = id;
    l->name = spi_xstrdup(name ? name : key);
    l->size = size;
    l->wwn = wwn && *wwn ? spi_xstrdup(wwn) : NULL;
    return l;
}

void spi_lun_set_pool(sp_lun *l, sp_array *a, const char *pool_key)
{
    sp_id_free(l->pool);
    l->pool = pool_key ? make_id(a, SP_ID_POOL, pool_key, NULL) : NULL;
}

void spi_lun_set_source(sp_lun *l, sp_array *a, const char *source_key,
                        sp_copy_method method)
{
    sp_id_free(l->source);
    l->source = source_key ? make_id(a, SP_ID_LUN, source_key, NULL) : NULL;
    l->copy = l->source ? method : SP_COPY_NONE;
}

void spi_lun_set_copied(sp_lun *l, const char *how, uint64_t bytes)
{
    l->copy_how = how;
    l->copied = bytes;
}

const char *sp_lun_copy_how(const sp_lun *l)
{
    return l->copy_how;
}

uint64_t sp_lun_copied_bytes(const sp_lun *l)
{
    return l->copied;
}

void spi_lun_add_mask(sp_lun *l, const char *initiator, uint32_t number)
{
    spi_xgrow((void **)&l->masks, &l->capmasks, l->nmasks + 1,
              sizeof(*l->masks));
    l->masks[l->nmasks++] = (struct mask_entry){spi_xstrdup(initiator), number};
}

const sp_id *sp_lun_id(const sp_lun *l)
{
    return l->id;
}

const char *sp_lun_name(const sp_lun *l)
{
    return l->name;
}

uint64_t sp_lun_size(const sp_lun *l)
{
    return l->size;
}

const char *sp_lun_wwn(const sp_lun *l)
{
    return l->wwn;
}

const sp_id *sp_lun_pool(const sp_lun *l)
{
    return l->pool;
}

const sp_id *sp_lun_source(const sp_lun *l)
{
    return l->source;
}

sp_copy_method sp_lun_copy(const sp_lun *l)
{
    return l->copy;
}

size_t sp_lun_mask_count(const sp_lun *l)
{
    return l->nmasks;
}

const char *sp_lun_mask_initiator(const sp_lun *l, size_t i)
{
    return i < l->nmasks ? l->masks[i].initiator : NULL;
}

uint32_t sp_lun_mask_number(const sp_lun *l, size_t i)
{
    return i < l->nmasks ? l->masks[i].number : 0;
}

void sp_lun_free(sp_lun *l)
{
    if (!l)
        return;
    sp_id_free(l->id);
    free(l->name);
    free(l->wwn);
    sp_id_free(l->pool);
    sp_id_free(l->source);
    for (size_t i = 0; i < l->nmasks; i++)
        free(l->masks[i].initiator);
    free(l->masks);
    free(l);
}
