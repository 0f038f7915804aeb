/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/array/local_luns.c: the local array's LUNs: listing, lookup, create,
 * SAN copy and delete.  Metadata changes happen under the array lock; the
 * data of a new LUN is made outside it, the LUN marked creating meanwhile
 * (see local.h). */
#include "local.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static sp_lun *lun_object(sp_array *a, const char *key,
                          const struct local_meta *m)
{
    const char *slash = strchr(key, '/');
    sp_lun *l = spi_lun_new(a, key, slash + 1, m->size, m->wwn);
    if (!l)
        return NULL;
    SPI_AUTOFREE char *pool = spi_xstrndup(key, (size_t)(slash - key));
    spi_lun_set_pool(l, a, pool);
    if (m->source)
        spi_lun_set_source(l, a, m->source, m->copy);
    spi_lun_set_tag(l, m->library, m->entry);
    return l;
}

/* Remove a creating LUN whose maker died; the caller holds no lock. */
static void collect_stale(sp_array *a, const char *key)
{
    if (local_lock(a))
        return;
    struct local_meta m;
    if (local_meta_read(a, key, &m) == SP_OK) {
        if (m.creating && local_meta_stale(a, key)) {
            sp_log(SP_LOG_WARN,
                   "array '%s': removing LUN '%s', left half made by a "
                   "program that died",
                   a->name, key);
            local_remove_files(a, key);
        }
        local_meta_release(&m);
    }
    local_unlock(a);
    sp_error_clear(&a->err);
}

/* ---- listing and lookup ---- */

struct lun_walk {
    unsigned int flags;
    sp_lun_fn fn;
    void *ctx;
    struct local_masking *masking; /* read once, with SP_LUN_MASKING */
};

static int visit_lun(sp_array *a, const char *key, void *ctx)
{
    struct lun_walk *w = ctx;
    struct local_meta m;
    if (local_meta_read(a, key, &m)) {
        if (a->err.code == SP_ERR_NOT_FOUND) { /* deleted meanwhile */
            sp_error_clear(&a->err);
            return 0;
        }
        return -1;
    }
    bool creating = m.creating;
    sp_lun *l = creating ? NULL : lun_object(a, key, &m);
    local_meta_release(&m);
    if (creating) {
        if (local_meta_stale(a, key))
            collect_stale(a, key);
        return 0;
    }
    if (!l) /* a file name no ID can hold: left out, with a warning */
        return 0;
    if (w->masking)
        local_masking_of(w->masking, key, l);
    return w->fn(l, w->ctx) < 0 ? -1 : 0;
}

static int visit_pool_luns(sp_array *a, const char *pool, void *ctx)
{
    return local_each_lun(a, pool, visit_lun, ctx) ? -1 : 0;
}

sp_code local_list_luns(sp_array *a, const char *pool_key, unsigned int flags,
                        sp_lun_fn fn, void *ctx)
{
    struct lun_walk w = {flags, fn, ctx, NULL};
    sp_code rc = pool_key ? local_pool_check(a, pool_key) : SP_OK;
    if (!rc && (flags & SP_LUN_MASKING))
        rc = local_masking_read(a, &w.masking);
    if (!rc)
        rc = pool_key ? local_each_lun(a, pool_key, visit_lun, &w)
                      : local_each_pool(a, visit_pool_luns, &w);
    local_masking_free(w.masking);
    return rc;
}

sp_code local_get_lun(sp_array *a, const char *key, unsigned int flags,
                      sp_lun **out)
{
    SPI_AUTOFREE char *pool = NULL, *name = NULL;
    if (!local_split_key(a, key, &pool, &name))
        return a->err.code;
    struct local_meta m;
    sp_code rc = local_meta_read(a, key, &m);
    if (rc)
        return rc;
    if (m.creating) {
        local_meta_release(&m);
        return spi_array_fail(a, SP_ERR_NOT_FOUND,
                              "LUN '%s' on array '%s' is still being made", key,
                              a->name);
    }
    sp_lun *l = lun_object(a, key, &m);
    local_meta_release(&m);
    if ((flags & SP_LUN_MASKING) && (rc = local_mask_of(a, key, l, NULL))) {
        sp_lun_free(l);
        return rc;
    }
    *out = l;
    return SP_OK;
}

/* ---- making a LUN ---- */

struct making {
    char *key;
    struct local_meta m;
    int fd; /* the new .img, flocked while we make it */
};

static void making_release(struct making *mk)
{
    if (mk->fd >= 0)
        close(mk->fd);
    free(mk->key);
    local_meta_release(&mk->m);
}

/* Reserve LUN @name in @pool: its metadata (creating) and an empty image,
 * under the lock.  Errors: SP_ERR_EXISTS when the name is taken. */
static sp_code begin(sp_array *a, const char *pool, const char *name,
                     uint64_t size, struct making *mk)
{
    mk->fd = -1;
    if (!name || !local_name_ok(name))
        return spi_array_fail(a, SP_ERR_INVALID,
                              "'%s' cannot name a LUN of a local array (it "
                              "is a file name: 1 to 200 bytes, no '/' or "
                              "control characters, no leading '.')",
                              name ? name : "");
    sp_code rc = local_pool_check(a, pool);
    if (rc || (rc = local_lock(a)))
        return rc;
    mk->key = spi_xasprintf("%s/%s", pool, name);
    struct local_meta old;
    if (local_meta_read(a, mk->key, &old) == SP_OK) {
        bool stale = old.creating && local_meta_stale(a, mk->key);
        local_meta_release(&old);
        if (!stale) {
            local_unlock(a);
            return spi_array_fail(a, SP_ERR_EXISTS,
                                  "pool '%s' has a LUN named '%s' already",
                                  pool, name);
        }
        local_remove_files(a, mk->key);
    }
    sp_error_clear(&a->err);
    SPI_AUTOFREE char *img = local_lun_file(a, mk->key, "img");
    mk->m.size = size;
    mk->m.creating = true;
    mk->m.library = spi_xstrdup(a->tag_library);
    mk->m.entry = spi_xstrdup(a->tag_entry);
    if ((rc = local_next_serial(a, &mk->m.serial, &mk->m.wwn)))
        goto out;
    mk->fd = open(img, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (mk->fd < 0) {
        rc = spi_array_fail(
            a, errno == EEXIST ? SP_ERR_EXISTS : SP_ERR_IO,
            errno == EEXIST ? "'%s' exists already and is no LUN of this array"
                            : "cannot make '%s': %s",
            img, strerror(errno));
        goto out;
    }
    if (flock(mk->fd, LOCK_EX | LOCK_NB) != 0 ||
        (rc = local_meta_write(a, mk->key, &mk->m))) {
        rc = rc ? rc
                : spi_array_fail(a, SP_ERR_IO, "cannot lock '%s': %s", img,
                                 strerror(errno));
        close(mk->fd);
        mk->fd = -1;
        unlink(img);
    }
out:
    local_unlock(a);
    return rc;
}

/* The data is made: mark the LUN ready.  Or, after @failed, remove it. */
static sp_code finish(sp_array *a, struct making *mk, bool wrote_data,
                      sp_code failed)
{
    sp_code rc = failed;
    /* Data written here reaches the disk before the metadata that says
     * the LUN is ready; a reflink or a new sparse file is metadata only,
     * kept in order by the file system's journal. */
    if (!rc && wrote_data && fsync(mk->fd) != 0)
        rc = spi_array_fail(a, SP_ERR_IO, "cannot sync LUN '%s': %s", mk->key,
                            strerror(errno));
    sp_error saved = a->err;
    sp_code lrc = local_lock(a);
    if (lrc)
        return rc ? rc : lrc;
    if (!rc) {
        mk->m.creating = false;
        rc = local_meta_write(a, mk->key, &mk->m);
    }
    if (rc) {
        if (failed)
            a->err = saved; /* the first error is the one to tell */
        local_remove_files(a, mk->key);
        if (failed)
            a->err = saved;
    }
    local_unlock(a);
    return rc;
}

static uint64_t round_up(uint64_t bytes)
{
    return (bytes + 511) / 512 * 512;
}

sp_code local_create_lun(sp_array *a, const char *pool_key, const char *name,
                         uint64_t bytes, unsigned int flags, sp_lun **out)
{
    struct making mk = {0};
    uint64_t size = round_up(bytes);
    sp_code rc = begin(a, pool_key, name, size, &mk);
    if (!rc) {
        if (ftruncate(mk.fd, (off_t)size) != 0)
            rc = spi_array_fail(a, SP_ERR_IO, "cannot size LUN '%s': %s",
                                mk.key, strerror(errno));
        rc = finish(a, &mk, false, rc);
    }
    if (!rc)
        *out = lun_object(a, mk.key, &mk.m);
    making_release(&mk);
    return rc;
}

sp_code local_copy_lun(sp_array *a, const char *source_key,
                       sp_copy_method method, const char *name,
                       const char *pool_key, unsigned int flags, sp_lun **out)
{
    SPI_AUTOFREE char *src_pool = NULL, *src_name = NULL;
    if (!local_split_key(a, source_key, &src_pool, &src_name))
        return a->err.code;
    struct local_meta sm;
    sp_code rc = local_meta_read(a, source_key, &sm);
    if (rc)
        return rc;
    if (sm.creating) {
        local_meta_release(&sm);
        return spi_array_fail(a, SP_ERR_NOT_FOUND,
                              "LUN '%s' on array '%s' is still being made",
                              source_key, a->name);
    }
    SPI_AUTOFREE char *src_img = local_lun_file(a, source_key, "img");
    int src = open(src_img, O_RDONLY | O_CLOEXEC);
    if (src < 0) {
        local_meta_release(&sm);
        return spi_array_fail(a, SP_ERR_IO, "cannot read LUN '%s': %s",
                              source_key, strerror(errno));
    }
    struct making mk = {0};
    rc = begin(a, pool_key ? pool_key : src_pool, name, sm.size, &mk);
    if (!rc) {
        const char *how = NULL;
        uint64_t copied = 0;
        SPI_AUTOFREE char *what = spi_xasprintf(
            "%s %s", method == SP_COPY_SNAPSHOT ? "snapshot" : "clone", mk.key);
        mk.m.source = spi_xstrdup(source_key);
        mk.m.copy = method;
        rc = local_copy_data(a, src, mk.fd, sm.size, method, what, &how,
                             &copied);
        rc = finish(a, &mk, how && strcmp(how, "reflink") != 0, rc);
        if (!rc) {
            *out = lun_object(a, mk.key, &mk.m);
            spi_lun_set_copied(*out, how, copied);
        }
    }
    close(src);
    local_meta_release(&sm);
    making_release(&mk);
    return rc;
}

/* ---- delete ---- */

struct detach {
    const char *key;
};

static int detach_one(sp_array *a, const char *key, void *ctx)
{
    struct detach *d = ctx;
    struct local_meta m;
    if (local_meta_read(a, key, &m)) {
        sp_error_clear(&a->err);
        return 0;
    }
    int rc = 0;
    if (m.source && SPI_STREQ(m.source, d->key)) {
        free(m.source);
        m.source = NULL;
        m.copy = SP_COPY_NONE;
        rc = local_meta_write(a, key, &m) ? -1 : 0;
    }
    local_meta_release(&m);
    return rc;
}

static int detach_pool(sp_array *a, const char *pool, void *ctx)
{
    return local_each_lun(a, pool, detach_one, ctx) ? -1 : 0;
}

sp_code local_delete_lun(sp_array *a, const char *key, unsigned int flags)
{
    SPI_AUTOFREE char *pool = NULL, *name = NULL;
    if (!local_split_key(a, key, &pool, &name))
        return a->err.code;
    sp_code rc = local_lock(a);
    if (rc)
        return rc;
    struct local_meta m;
    bool masked = false;
    if ((rc = local_meta_read(a, key, &m)))
        goto out;
    if (m.creating && !local_meta_stale(a, key)) {
        rc = spi_array_fail(a, SP_ERR_PRECONDITION, "it is still being made");
        goto release;
    }
    if ((rc = local_mask_of(a, key, NULL, &masked)))
        goto release;
    if (masked && !(flags & SP_LUN_FORCE)) {
        rc = spi_array_fail(a, SP_ERR_PRECONDITION,
                            "it is masked to a host; unmask it first, or "
                            "force the delete");
        goto release;
    }
    if (masked && (rc = local_unmask_everywhere(a, key)))
        goto release;
    /* Copies of it are files of their own: they only forget their source. */
    struct detach d = {key};
    if ((rc = local_each_pool(a, detach_pool, &d)) ||
        (rc = local_remove_files(a, key)))
        goto release;
release:
    local_meta_release(&m);
out:
    local_unlock(a);
    return rc;
}

sp_code local_lun_path(sp_array *a, const char *key, char **out)
{
    sp_lun *l = NULL;
    sp_code rc = local_get_lun(a, key, SP_LUN_IDS_ONLY, &l);
    sp_lun_free(l);
    if (!rc)
        *out = local_lun_file(a, key, "img");
    return rc;
}
