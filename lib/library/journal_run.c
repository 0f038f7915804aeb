/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/library/journal_run.c: a run journaled (sanprov/journal.h): its LUNs
 * written down before each array call and tagged with its entry, then kept
 * (commit) or deleted (undo), and a dead run's journal settled. */
#include "journal.h"
#include "../util/file.h"
#include "../util/tag.h"

#include <fcntl.h>
#include <inttypes.h>
#include <sys/file.h>
#include <unistd.h>

sp_code sp_journal_new(const sp_config *cfg, sp_library *lib,
                       unsigned int flags, sp_journal **out, sp_error *err)
{
    *out = NULL;
    sp_error_clear(err);
    if (flags)
        return sp_error_set(err, SP_ERR_INVALID, "unknown flags 0x%x", flags);
    char library[37], entry[37];
    if (sp_library_uuid(lib, library, err))
        return err->code;
    SPI_AUTOFREE char *dir = spi_journals_dir(lib, true, err);
    if (!dir)
        return err->code;
    spi_entry_uuid(entry);
    sp_journal *j = spi_xcalloc(1, sizeof(*j));
    j->cfg = cfg;
    j->lib = lib;
    j->fd = j->lockfd = -1;
    j->path = spi_xasprintf("%s/%s.journal", dir, entry);
    j->lockpath = spi_xasprintf("%s/%s.lock", dir, entry);
    spi_holder_self(&j->d.holder, entry);
    memcpy(j->d.library, library, sizeof(library));
    SPI_AUTOFREE char *holder = spi_holder_format(&j->d.holder);
    SPI_AUTOFREE char *head =
        spi_xasprintf("# a run journaled by sanprov (reconcile(1)); lines are "
                      "appended, never rewritten\n%slibrary=%s\nstate=%s\n",
                      holder, library, spi_jstate_name(SPI_JSTATE_MAKING));
    /* The lock first: a reconciler that finds the journal finds it held. */
    sp_code rc = spi_lock(j->lockpath, LOCK_EX, &j->lockfd, err);
    if (!rc)
        rc = spi_write_atomic(j->path, head, strlen(head), 0644, true, err);
    if (!rc && (j->fd = open(j->path, O_WRONLY | O_APPEND | O_CLOEXEC)) < 0)
        rc = sp_error_set(err, SP_ERR_IO, "cannot open '%s': %s", j->path,
                          strerror(errno));
    if (rc) {
        unlink(j->path);
        unlink(j->lockpath);
        sp_journal_free(j);
        return rc;
    }
    *out = j;
    return SP_OK;
}

const char *sp_journal_entry(const sp_journal *j)
{
    return j->d.holder.entry;
}

sp_code sp_journal_reserve(sp_journal *j, sp_name_kind kind, const sp_id *pool,
                           const char *name, unsigned int flags, sp_error *err)
{
    sp_error_clear(err);
    if (flags)
        return sp_error_set(err, SP_ERR_INVALID, "unknown flags 0x%x", flags);
    if ((kind == SP_NAME_LUN) != (pool != NULL) ||
        (pool && sp_id_get_kind(pool) != SP_ID_POOL))
        return sp_error_set(err, SP_ERR_INVALID,
                            "a LUN's name is reserved in a pool, and only a "
                            "LUN's");
    /* A pool's scope is its ID's fields as the ID writes them
     * (percent-encoded), so that a ':' in a key cannot move the border
     * between the scope and the name. */
    const char *scope = pool ? sp_id_str(pool) + strlen("pool:") : NULL;
    sp_reservation *r = NULL;
    sp_code rc = sp_name_reserve(j->lib, kind, scope, name, sp_journal_entry(j),
                                 0, &r, err);
    /* Kept in the library: the journal's entry names it, and the commit,
     * the undo or the reconciler releases it. */
    sp_name_keep(r);
    if (!rc && kind == SP_NAME_TEMPLATE) {
        free(j->d.template_name);
        j->d.template_name = spi_xstrdup(name);
        SPI_AUTOFREE char *text = spi_xasprintf("template=%s\n", name);
        rc = spi_journal_append(j, text, err);
    }
    return rc;
}

/* Drop every reservation the run's entry holds. */
struct drop_ctx {
    sp_library *lib;
    const char *entry;
    struct dropped {
        sp_name_kind kind;
        char *scope, *name;
    } * v;
    size_t n, cap;
};

static int keep_ours(const sp_name_info *info, void *ctx)
{
    struct drop_ctx *c = ctx;
    if (SPI_STREQ(info->entry, c->entry)) {
        spi_xgrow((void **)&c->v, &c->cap, c->n + 1, sizeof(*c->v));
        c->v[c->n++] = (struct dropped){info->kind, spi_xstrdup(info->scope),
                                        spi_xstrdup(info->name)};
    }
    return 0;
}

static void drop_reservations(sp_journal *j)
{
    struct drop_ctx c = {j->lib, sp_journal_entry(j), NULL, 0, 0};
    sp_error e;
    if (sp_name_reservations(j->lib, keep_ours, &c, &e))
        sp_log(SP_LOG_WARN, "journal %s: %s", c.entry, e.message);
    for (size_t i = 0; i < c.n; i++) {
        if (sp_name_drop(j->lib, c.v[i].kind, c.v[i].scope, c.v[i].name, 0,
                         &e) &&
            e.code != SP_ERR_NOT_FOUND)
            sp_log(SP_LOG_WARN, "journal %s: %s", c.entry, e.message);
        free(c.v[i].scope);
        free(c.v[i].name);
    }
    free(c.v);
}

/* The failure of @a, into @err; its code. */
static sp_code array_failed(sp_array *a, sp_error *err)
{
    sp_error_copy(err, sp_array_error(a));
    return err->code;
}

struct tagged {
    const char *name, *library, *entry;
    sp_id **ids;
    size_t n;
};

static int keep_tagged(sp_lun *l, void *ctx)
{
    struct tagged *t = ctx;
    if (sp_lun_name(l) && SPI_STREQ(sp_lun_name(l), t->name) &&
        sp_lun_tagged(l, t->library, t->entry)) {
        t->ids = spi_xrealloc(t->ids, (t->n + 1) * sizeof(*t->ids));
        t->ids[t->n++] = sp_id_copy(sp_lun_id(l));
    }
    sp_lun_free(l);
    return 0;
}

/*
 * The LUNs named @o->name in its pool (the source's, when it has none)
 * that carry the run's tag: what a call whose answer never came made.
 * *@ids (@n of them) are the caller's.
 */
static sp_code find_tagged(sp_journal *j, sp_array *a, const struct spi_jobj *o,
                           sp_id ***ids, size_t *n)
{
    *ids = NULL;
    *n = 0;
    sp_lun *src = NULL;
    const sp_id *pool = o->pool;
    if (!pool && sp_array_get_lun(a, o->source, 0, &src) == SP_OK)
        pool = sp_lun_pool(src);
    if (!pool) {
        sp_code rc = src ? SP_OK : sp_array_error(a)->code;
        sp_lun_free(src);
        /* No source, no copy of it made since. */
        return rc == SP_ERR_NOT_FOUND ? SP_OK : rc;
    }
    struct tagged t = {o->name, j->d.library, sp_journal_entry(j), NULL, 0};
    sp_code rc = sp_array_list_luns(a, pool, 0, keep_tagged, &t);
    sp_lun_free(src);
    *ids = t.ids;
    *n = t.n;
    return rc;
}

/* Remember @a (borrowed) for the undo of what the run makes on it. */
static void keep_array(sp_journal *j, sp_array *a)
{
    for (size_t i = 0; i < j->narrays; i++)
        if (j->arrays[i].a == a)
            return;
    spi_xgrow((void **)&j->arrays, &j->caparrays, j->narrays + 1,
              sizeof(*j->arrays));
    j->arrays[j->narrays++] =
        (struct spi_jarray){spi_xstrdup(sp_array_name(a)), a, false};
}

/* The handle of array @name: the run's, else one opened for the undo. */
static sp_array *array_named(sp_journal *j, const char *name, sp_error *err)
{
    for (size_t i = 0; i < j->narrays; i++)
        if (SPI_STREQ(j->arrays[i].name, name))
            return j->arrays[i].a;
    sp_array *a = NULL;
    if (sp_array_open(j->cfg, name, 0, &a, err))
        return NULL;
    spi_xgrow((void **)&j->arrays, &j->caparrays, j->narrays + 1,
              sizeof(*j->arrays));
    j->arrays[j->narrays++] = (struct spi_jarray){spi_xstrdup(name), a, true};
    return a;
}

/* Write LUN @o down as begun (object @n), and tag @a for the call. */
static sp_code begin(sp_journal *j, sp_array *a, struct spi_jobj *o, size_t n,
                     sp_error *err)
{
    sp_buf b = SP_BUF_INIT(64 * 1024);
    char num[64];
    snprintf(num, sizeof(num), "%zu", n);
    sp_buf_addf(&b, "lun=%s %s\n", num, o->name);
    if (o->pool)
        sp_buf_addf(&b, "pool=%s %s\n", num, sp_id_str(o->pool));
    if (o->source)
        sp_buf_addf(&b, "source=%s %s\ncopy=%s %s\n", num, sp_id_str(o->source),
                    num, o->copy == SP_COPY_SNAPSHOT ? "snapshot" : "clone");
    else
        sp_buf_addf(&b, "size=%s %" PRIu64 "\n", num, o->size);
    sp_buf_addf(&b, "begun=%s\n", num);
    SPI_AUTOFREE char *text = sp_buf_detach(&b, NULL);
    sp_code rc = text ? spi_journal_append(j, text, err)
                      : sp_error_set(err, SP_ERR_TOO_LARGE,
                                     "LUN name '%s' is too long", o->name);
    if (!rc && sp_array_set_tag(a, j->d.library, sp_journal_entry(j), 0))
        rc = array_failed(a, err);
    if (!rc)
        keep_array(j, a);
    return rc;
}

/* The call of object @n returned @rc (and *@out): untag @a, and write the
 * LUN down as made; a LUN that cannot be written down is deleted. */
static sp_code end(sp_journal *j, sp_array *a, size_t n, sp_code rc,
                   sp_lun **out, sp_error *err)
{
    struct spi_jobj *o = &j->d.objs[n - 1];
    if (rc)
        array_failed(a, err);
    sp_array_set_tag(a, NULL, NULL, 0);
    /* A refusal made nothing; a lost answer or a job still running may
     * have: that LUN stays begun, for the undo to look for by its tag. */
    if (rc && rc != SP_ERR_CONNECTION_LOST && rc != SP_ERR_TIMEOUT &&
        rc != SP_ERR_JOB_TIMEOUT) {
        sp_error e;
        SPI_AUTOFREE char *text = spi_xasprintf("removed=%zu\n", n);
        o->step = SPI_JSTEP_REMOVED;
        if (spi_journal_append(j, text, &e))
            sp_log(SP_LOG_WARN, "%s", e.message);
    }
    if (rc)
        return rc;
    o->step = SPI_JSTEP_MADE;
    o->id = sp_id_copy(sp_lun_id(*out));
    SPI_AUTOFREE char *text =
        spi_xasprintf("made=%zu %s\n", n, sp_id_str(o->id));
    if (!(rc = spi_journal_append(j, text, err)))
        return SP_OK;
    if (sp_array_delete_lun(a, o->id, 0) == SP_OK)
        o->step = SPI_JSTEP_REMOVED;
    sp_lun_free(*out);
    *out = NULL;
    return rc;
}

/* A new object of the run, planned. */
static struct spi_jobj *plan(sp_journal *j, const char *name, const sp_id *pool)
{
    spi_xgrow((void **)&j->d.objs, &j->d.cap, j->d.n + 1, sizeof(*j->d.objs));
    struct spi_jobj *o = &j->d.objs[j->d.n++];
    memset(o, 0, sizeof(*o));
    o->name = spi_xstrdup(name);
    o->pool = pool ? sp_id_copy(pool) : NULL;
    return o;
}

sp_code sp_journal_create_lun(sp_journal *j, sp_array *a, const sp_id *pool,
                              const char *name, uint64_t bytes,
                              unsigned int flags, sp_lun **out, sp_error *err)
{
    *out = NULL;
    sp_error_clear(err);
    if (!name || !*name || !pool || !bytes)
        return sp_error_set(err, SP_ERR_INVALID,
                            "a journaled LUN needs a name, a pool and a size");
    struct spi_jobj *o = plan(j, name, pool);
    o->size = bytes;
    size_t n = j->d.n;
    if (begin(j, a, o, n, err))
        return err->code;
    o->step = SPI_JSTEP_BEGUN;
    sp_code rc = sp_array_create_lun(a, pool, name, bytes, flags, out);
    return end(j, a, n, rc, out, err);
}

sp_code sp_journal_copy_lun(sp_journal *j, sp_array *a, const sp_id *source,
                            sp_copy_method method, const char *name,
                            const sp_id *pool, unsigned int flags, sp_lun **out,
                            sp_error *err)
{
    *out = NULL;
    sp_error_clear(err);
    if (!name || !*name || !source ||
        (method != SP_COPY_SNAPSHOT && method != SP_COPY_CLONE))
        return sp_error_set(err, SP_ERR_INVALID,
                            "a journaled copy needs a name, a source and a "
                            "method");
    struct spi_jobj *o = plan(j, name, pool);
    /* By its key: the source's WWN is the array's business at the call. */
    const char *f[] = {sp_id_field(source, 0), sp_id_field(source, 1)};
    if (sp_id_new(SP_ID_LUN, 2, f, &o->source, err))
        return err->code;
    o->copy = method;
    size_t n = j->d.n;
    if (begin(j, a, o, n, err))
        return err->code;
    o->step = SPI_JSTEP_BEGUN;
    sp_code rc = sp_array_copy_lun(a, source, method, name, pool, flags, out);
    return end(j, a, n, rc, out, err);
}

sp_code sp_journal_template_saved(sp_journal *j, const sp_id *tmpl,
                                  unsigned int flags, sp_error *err)
{
    sp_error_clear(err);
    if (flags)
        return sp_error_set(err, SP_ERR_INVALID, "unknown flags 0x%x", flags);
    sp_id_free(j->d.template_id);
    j->d.template_id = sp_id_copy(tmpl);
    SPI_AUTOFREE char *text =
        spi_xasprintf("template-id=%s\n", sp_id_str(tmpl));
    return spi_journal_append(j, text, err);
}

/* Write the state down. */
static sp_code set_state(sp_journal *j, enum spi_jstate st, sp_error *err)
{
    j->d.state = st;
    SPI_AUTOFREE char *text = spi_xasprintf("state=%s\n", spi_jstate_name(st));
    return spi_journal_append(j, text, err);
}

/* Whether the run made (or may have made) a LUN. */
static bool made_any(const sp_journal *j)
{
    for (size_t i = 0; i < j->d.n; i++)
        if (j->d.objs[i].step == SPI_JSTEP_MADE ||
            j->d.objs[i].step == SPI_JSTEP_BEGUN)
            return true;
    return false;
}

sp_code sp_journal_commit(sp_journal *j, unsigned int flags, sp_error *err)
{
    sp_error_clear(err);
    if (flags)
        return sp_error_set(err, SP_ERR_INVALID, "unknown flags 0x%x", flags);
    /* A run that made nothing needs no journal to account for it. */
    if (!made_any(j))
        return sp_journal_undo(j, 0, NULL, NULL, err);
    if (set_state(j, SPI_JSTATE_DONE, err))
        return err->code;
    drop_reservations(j);
    /* Done: no run works on it any more; the lock file can go. */
    unlink(j->lockpath);
    return SP_OK;
}

/* Delete object @o (number @n) of the run, as the journal knows it. */
static sp_code undo_one(sp_journal *j, struct spi_jobj *o, size_t n,
                        sp_journal_fn fn, void *ctx, sp_error *err)
{
    const sp_id *where = o->pool ? o->pool : o->source;
    sp_array *a = array_named(j, sp_id_field(where, 0), err);
    if (!a)
        return err->code;
    sp_id **gone = NULL;
    size_t ngone = 0;
    sp_code rc = SP_OK;
    if (o->step == SPI_JSTEP_MADE) {
        gone = spi_xcalloc(1, sizeof(*gone));
        gone[ngone++] = sp_id_copy(o->id);
    } else if ((rc = find_tagged(j, a, o, &gone, &ngone))) {
        array_failed(a, err);
    }
    for (size_t i = 0; !rc && i < ngone; i++) {
        /* Gone is fine; another LUN under the key now is not ours. */
        if (sp_array_delete_lun(a, gone[i], 0) == SP_OK) {
            if (fn)
                fn(gone[i], ctx);
        } else if (sp_array_error(a)->code != SP_ERR_NOT_FOUND &&
                   sp_array_error(a)->code != SP_ERR_PRECONDITION) {
            rc = array_failed(a, err);
        } else if (sp_array_error(a)->code == SP_ERR_PRECONDITION) {
            sp_log(SP_LOG_WARN, "journal %s: left LUN %s: %s",
                   sp_journal_entry(j), sp_id_str(gone[i]),
                   sp_array_error(a)->message);
        }
    }
    for (size_t i = 0; i < ngone; i++)
        sp_id_free(gone[i]);
    free(gone);
    if (!rc && sp_array_sync(a, 0))
        rc = array_failed(a, err);
    if (rc)
        return rc;
    o->step = SPI_JSTEP_REMOVED;
    SPI_AUTOFREE char *text = spi_xasprintf("removed=%zu\n", n);
    return spi_journal_append(j, text, err);
}

sp_code sp_journal_undo(sp_journal *j, unsigned int flags, sp_journal_fn fn,
                        void *ctx, sp_error *err)
{
    sp_error_clear(err);
    if (flags)
        return sp_error_set(err, SP_ERR_INVALID, "unknown flags 0x%x", flags);
    if (j->d.state != SPI_JSTATE_UNDOING &&
        set_state(j, SPI_JSTATE_UNDOING, err))
        return err->code;
    for (size_t i = j->d.n; i-- > 0;) {
        struct spi_jobj *o = &j->d.objs[i];
        if (o->step != SPI_JSTEP_PLANNED && o->step != SPI_JSTEP_REMOVED &&
            undo_one(j, o, i + 1, fn, ctx, err))
            return err->code;
    }
    drop_reservations(j);
    if (unlink(j->path) != 0 && errno != ENOENT)
        return sp_error_set(err, SP_ERR_IO, "cannot remove '%s': %s", j->path,
                            strerror(errno));
    unlink(j->lockpath);
    return spi_sync_dir_of(j->path, err);
}

/* Whether the run recorded its template without the journal saying so (it
 * died between the two): a template of its name whose LUN is the run's. */
static bool template_recorded(sp_journal *j)
{
    sp_template *t = NULL;
    sp_error e;
    if (!j->d.template_name ||
        sp_library_find(j->lib, j->d.template_name, &t, &e) != SP_OK)
        return false;
    const sp_id *lun = sp_template_lun(t);
    bool ours = false;
    for (size_t i = 0; lun && i < j->d.n && !ours; i++) {
        const struct spi_jobj *o = &j->d.objs[i];
        ours = o->step == SPI_JSTEP_MADE &&
               SPI_STREQ(sp_id_field(o->id, 0), sp_id_field(lun, 0)) &&
               SPI_STREQ(sp_id_field(o->id, 1), sp_id_field(lun, 1));
    }
    if (ours) {
        sp_id_free(j->d.template_id);
        j->d.template_id = sp_id_copy(sp_template_id(t));
    }
    sp_template_free(t);
    return ours;
}

sp_code spi_journal_settle(sp_journal *j, bool *finished, sp_journal_fn fn,
                           void *ctx, sp_error *err)
{
    sp_error_clear(err);
    *finished = j->d.state == SPI_JSTATE_DONE ||
                (j->d.state == SPI_JSTATE_MAKING &&
                 (j->d.template_id || template_recorded(j)));
    if (!*finished)
        return sp_journal_undo(j, 0, fn, ctx, err);
    if (j->d.state != SPI_JSTATE_DONE && set_state(j, SPI_JSTATE_DONE, err))
        return err->code;
    drop_reservations(j);
    unlink(j->lockpath);
    return SP_OK;
}

sp_code spi_journal_drop(sp_journal *j, sp_error *err)
{
    if (unlink(j->path) != 0 && errno != ENOENT)
        return sp_error_set(err, SP_ERR_IO, "cannot remove '%s': %s", j->path,
                            strerror(errno));
    unlink(j->lockpath);
    return spi_sync_dir_of(j->path, err);
}

void sp_journal_free(sp_journal *j)
{
    if (!j)
        return;
    for (size_t i = 0; i < j->narrays; i++) {
        if (j->arrays[i].owned)
            sp_array_close(j->arrays[i].a);
        free(j->arrays[i].name);
    }
    free(j->arrays);
    if (j->fd >= 0)
        close(j->fd);
    spi_unlock(&j->lockfd);
    spi_jdata_release(&j->d);
    free(j->path);
    free(j->lockpath);
    free(j);
}
