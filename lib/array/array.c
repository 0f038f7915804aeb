/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/array/array.c: the public array API: driver choice by URI scheme,
 * argument checks, dispatch, objects. */
#include "array_internal.h"
#include "../util/holder.h"

static const struct sp_array_driver *const drivers[] = {
    &spi_smis_driver,
    &spi_local_driver,
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

sp_code spi_array_config_fail(sp_array *a, const char *key, const char *fmt,
                              ...)
{
    char msg[SP_ERROR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    SPI_AUTOFREE char *where = spi_config_where(a->cfg, "array", a->name, key);
    return spi_array_fail(a, SP_ERR_CONFIG, "%s: array '%s': %s", where,
                          a->name, msg);
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
        SPI_AUTOFREE char *where = spi_config_where(cfg, "array", name, "uri");
        return sp_error_set(err, SP_ERR_CONFIG,
                            "%s: no driver for its URI '%s' (this build has: "
                            "%s)",
                            where, uri, known);
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
    free(a->tag_library);
    free(a->tag_entry);
    spi_array_identity_free(a);
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

sp_code sp_array_sync(sp_array *a, unsigned int flags)
{
    sp_error_clear(&a->err);
    if (flags)
        return spi_array_fail(a, SP_ERR_INVALID, "unknown flags 0x%x", flags);
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

sp_code spi_array_capabilities(sp_array *a, sp_array_caps *out)
{
    *out = (sp_array_caps)SP_STRUCT_INIT(sp_array_caps);
    if (begin(a, a->drv->capabilities, "report its capabilities"))
        return a->err.code;
    sp_code rc = a->drv->capabilities(a, out);
    if (!rc && a->drv->identify)
        rc = a->drv->identify(a, out);
    spi_array_caps_configured(a, out);
    out->driver = a->drv->name;
    return rc;
}

sp_code sp_array_capabilities(sp_array *a, sp_array_caps *out)
{
    size_t min = SPI_SIZE_0_1(sp_array_caps, max_copies_per_source);
    if (out->size < min)
        return spi_array_fail(a, SP_ERR_INVALID,
                              "sp_array_caps of %zu bytes: its size is not "
                              "set (SP_STRUCT_INIT)",
                              out->size);
    sp_array_caps caps;
    sp_code rc = spi_array_capabilities(a, &caps);
    spi_sized_out(out, &caps, sizeof(caps), min);
    return rc;
}

/* The caller's @target as the library's, in @t; false when its size is not
 * set. */
static bool target_in(sp_array *a, const sp_mask_target *target,
                      sp_mask_target *t)
{
    if (spi_sized_in(t, sizeof(*t), target,
                     SPI_SIZE_0_1(sp_mask_target, initiators)))
        return true;
    spi_array_fail(a, SP_ERR_INVALID,
                   "sp_mask_target of %zu bytes: its size is not set "
                   "(SP_STRUCT_INIT)",
                   target->size);
    return false;
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
    sp_code rc = a->drv->get_lun(a, key, flags, out);
    if (!rc)
        spi_array_remember(a, *out);
    /* The LUN an ID with a WWN names is gone when its key names another. */
    const char *want = sp_id_field(id, 2);
    if (!rc && want && !sp_wwn_equal(sp_lun_wwn(*out), want)) {
        rc = spi_array_fail(a, SP_ERR_NOT_FOUND,
                            "no LUN '%s' on array '%s': its key names another "
                            "LUN now, WWN %s (deleted and made again?)",
                            sp_id_str(id), a->name,
                            sp_lun_wwn(*out) ? sp_lun_wwn(*out) : "(none)");
        sp_lun_free(*out);
        *out = NULL;
    }
    return rc;
}

/* The keys of @n LUN IDs of @a, in a new array (NULL and the error in
 * @a when one is not). */
static const char **keys_of(sp_array *a, const sp_id *const *ids, size_t n)
{
    const char **keys = spi_xcalloc(n + 1, sizeof(*keys));
    for (size_t i = 0; i < n; i++)
        if (key_of(a, ids[i], SP_ID_LUN, &keys[i])) {
            free(keys);
            return NULL;
        }
    return keys;
}

/* sp_array_get_luns() of a driver without get_luns: one get_lun() each. */
static sp_code get_each(sp_array *a, const char *const *keys, size_t n,
                        sp_lun **out)
{
    for (size_t i = 0; i < n; i++) {
        sp_code rc = a->drv->get_lun(a, keys[i], SP_LUN_IDS_ONLY, &out[i]);
        if (rc == SP_ERR_NOT_FOUND)
            sp_error_clear(&a->err);
        else if (rc)
            return rc;
    }
    return SP_OK;
}

sp_code sp_array_get_luns(sp_array *a, const sp_id *const *ids, size_t n,
                          const sp_id *source, unsigned int flags, sp_lun **out)
{
    memset(out, 0, n * sizeof(*out));
    const char *src = NULL, **keys;
    if (begin(a, a->drv->get_lun, "look up LUNs") ||
        (source && key_of(a, source, SP_ID_LUN, &src)))
        return a->err.code;
    if (flags)
        return spi_array_fail(a, SP_ERR_INVALID, "unknown flags 0x%x", flags);
    if (!(keys = keys_of(a, ids, n)))
        return a->err.code;
    sp_code rc = a->drv->get_luns ? a->drv->get_luns(a, keys, n, src, out)
                                  : get_each(a, keys, n, out);
    for (size_t i = 0; i < n; i++) {
        if (rc) {
            sp_lun_free(out[i]);
            out[i] = NULL;
        } else if (out[i]) {
            spi_array_remember(a, out[i]);
        }
    }
    free(keys);
    return rc;
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
    sp_code rc = a->drv->create_lun(a, key, name, bytes, flags, out);
    rc = spi_array_settled(a, rc, key, NULL, name, out);
    if (!rc)
        spi_array_remember(a, *out);
    return rc;
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
    if (flags & ~(SP_LUN_IDS_ONLY | SP_LUN_KEY_ONLY))
        return spi_array_fail(a, SP_ERR_INVALID, "unknown flags 0x%x", flags);
    if (method != SP_COPY_SNAPSHOT && method != SP_COPY_CLONE)
        return spi_array_fail(a, SP_ERR_INVALID,
                              "the copy method is snapshot or clone");
    /* A copy of another LUN than the ID names would hand its data on. */
    struct spi_locks *slot = NULL;
    if (spi_array_check_identity(a, source, key) ||
        spi_array_lock_copy(a, key, &slot))
        return a->err.code;
    sp_code rc = a->drv->copy_lun(a, key, method, name, pool_key, flags, out);
    spi_locks_release(slot);
    rc = spi_array_settled(a, rc, pool_key, key, name, out);
    if (!rc)
        spi_array_remember(a, *out);
    return rc;
}

sp_code sp_array_lun_path(sp_array *a, const sp_id *id, char **out)
{
    *out = NULL;
    const char *key;
    if (begin(a, a->drv->lun_path, "give a path to its LUNs' data here") ||
        key_of(a, id, SP_ID_LUN, &key) || spi_array_check_identity(a, id, key))
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

/* Delete LUN @id (key @key): its identity checked, a lost answer settled. */
static sp_code delete_one(sp_array *a, const sp_id *id, const char *key,
                          unsigned int flags)
{
    if (spi_array_check_identity(a, id, key))
        return a->err.code;
    sp_code rc = a->drv->delete_lun(a, key, flags);
    rc = spi_array_deleted(a, rc, key);
    if (!rc)
        spi_array_forget(a, key);
    return rc;
}

sp_code sp_array_delete_lun(sp_array *a, const sp_id *id, unsigned int flags)
{
    const char *key;
    if (begin(a, a->drv->delete_lun, "delete LUNs") ||
        key_of(a, id, SP_ID_LUN, &key))
        return a->err.code;
    if (flags & ~SP_LUN_FORCE)
        return spi_array_fail(a, SP_ERR_INVALID, "unknown flags 0x%x", flags);
    return delete_one(a, id, key, flags);
}

sp_code sp_array_delete_luns(sp_array *a, const sp_id *const *ids, size_t n,
                             unsigned int flags, sp_lun_done_fn fn, void *ctx)
{
    const char **keys;
    if (begin(a, a->drv->delete_lun, "delete LUNs"))
        return a->err.code;
    if (flags & ~SP_LUN_FORCE)
        return spi_array_fail(a, SP_ERR_INVALID, "unknown flags 0x%x", flags);
    if (!(keys = keys_of(a, ids, n)))
        return a->err.code;
    bool prepared = n > 1 && a->drv->delete_prepare &&
                    a->drv->delete_prepare(a, keys, n) == SP_OK;
    if (n > 1 && a->drv->delete_prepare && !prepared)
        sp_log(SP_LOG_DEBUG, "array %s: each delete asks for itself: %s",
               a->name, a->err.message);
    sp_error first;
    sp_error_clear(&first);
    for (size_t i = 0; i < n; i++) {
        sp_error_clear(&a->err);
        /* Checked as each is reached: the batch may take a while. */
        sp_code rc = delete_one(a, ids[i], keys[i], flags);
        if (rc && !first.code)
            sp_error_copy(&first, &a->err);
        if (fn)
            fn(i, rc, ctx);
    }
    if (prepared)
        a->drv->delete_prepare(a, NULL, 0);
    sp_error_copy(&a->err, &first);
    free(keys);
    return first.code;
}

sp_code sp_array_mask(sp_array *a, const sp_id *const *luns, size_t n,
                      const sp_mask_target *caller_target, unsigned int flags,
                      uint32_t *numbers)
{
    if (begin(a, a->drv->mask, "mask LUNs"))
        return a->err.code;
    if (flags & ~(SP_MASK_UNMASK | SP_MASK_REPORT_LEFT))
        return spi_array_fail(a, SP_ERR_INVALID, "unknown flags 0x%x", flags);
    sp_mask_target t;
    if (caller_target && !target_in(a, caller_target, &t))
        return a->err.code;
    const sp_mask_target *target = caller_target ? &t : NULL;
    if (!target || !target->ninitiators)
        return spi_array_fail(a, SP_ERR_PRECONDITION,
                              "host '%s' has no initiators to mask to",
                              target && target->name ? target->name : "");
    /* Every LUN checked before any is changed: a batch with one LUN
     * that is not what its ID says changes nothing. */
    const char **keys = spi_xcalloc(n, sizeof(*keys));
    for (size_t i = 0; i < n; i++)
        if (key_of(a, luns[i], SP_ID_LUN, &keys[i]) ||
            spi_array_check_identity(a, luns[i], keys[i])) {
            if (n > 1 && (a->err.code == SP_ERR_PRECONDITION ||
                          a->err.code == SP_ERR_NOT_FOUND)) {
                sp_error e = a->err;
                spi_array_fail(a, e.code, "LUN '%s': %s", sp_id_str(luns[i]),
                               e.message);
            }
            free(keys);
            return a->err.code;
        }
    /* One run at a time changes a host's masking (its view and groups). */
    struct spi_locks *held = NULL;
    sp_code rc = n ? spi_array_lock_mask(a, target, &held) : SP_OK;
    if (n && !rc)
        rc = a->drv->mask(a, keys, n, target, flags & SP_MASK_UNMASK, numbers);
    spi_locks_release(held);
    free(keys);
    /* The LUNs are unmasked: what stayed behind fails only callers that
     * ask, the others hear of it. */
    if (rc == SP_ERR_CLEANUP && !(flags & SP_MASK_REPORT_LEFT)) {
        sp_log(SP_LOG_WARN, "%s; the next unmask from host '%s' removes it",
               a->err.message, target->name ? target->name : "");
        sp_error_clear(&a->err);
        rc = SP_OK;
    }
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
    sp_mask_target t;
    if (target && !target_in(a, target, &t))
        return a->err.code;
    if (!target || t.fc)
        return spi_array_fail(a, SP_ERR_INVALID, "an iSCSI host is wanted");
    sp_code rc = a->drv->iscsi_target(a, &t, portal, iqn);
    if (rc) {
        free(*portal);
        free(*iqn);
        *portal = *iqn = NULL;
    }
    return rc;
}
