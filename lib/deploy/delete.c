/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/deploy/delete.c: tearing deployed VMs down, in batches, each VM step
 * by step through its journal, so that a half-deleted VM can be deleted
 * again. */
#include "deploy_internal.h"
#include "../util/file.h"

#include <pthread.h>

/*
 * A batch is worked on per array and host: the identity of all its VMs'
 * LUNs is read in one request (their copies, found from the template's
 * LUN), each VM is taken off its host, their LUNs are unmasked in one
 * masking change and deleted one after the other over one connection
 * (sp_array_delete_luns()).  Each VM keeps its own journal throughout: a
 * step is written down as undone for each VM as it is, so a failure (or a
 * kill) of the batch leaves every VM's record saying what is left of it,
 * and one VM's failure takes nothing of the others with it.
 */

/* VMs worked on at once: each holds its lock (a file descriptor). */
#define BATCH_MAX 256

struct find_vm {
    const sp_id *vm;
    char uuid[37];
};

static int is_vm(const sp_host_vm *v, void *ctx)
{
    struct find_vm *q = ctx;
    if ((v->vm_id && SPI_STREQ(v->vm_id, sp_id_str(q->vm))) ||
        (!v->vm_id && SPI_STREQ(v->uuid, sp_id_field(q->vm, 1)))) {
        snprintf(q->uuid, sizeof(q->uuid), "%s", v->uuid);
        return -1;
    }
    return 0;
}

struct sp_vm_deleter {
    sp_library *lib;
    struct spi_reach reach; /* kept from one VM to the next */
    sp_id **queue;          /* added, not yet run */
    size_t nqueue, capqueue;
    unsigned int jobs;        /* LUNs deleted over this many connections */
    struct spi_reach *others; /* jobs - 1: the other connections, kept */
};

sp_vm_deleter *sp_vm_deleter_new(const sp_config *cfg, sp_library *lib)
{
    sp_vm_deleter *d = spi_xcalloc(1, sizeof(*d));
    d->lib = lib;
    d->reach.cfg = cfg;
    d->reach.lib = lib;
    d->jobs = 1;
    return d;
}

void sp_vm_deleter_free(sp_vm_deleter *d)
{
    if (!d)
        return;
    spi_reach_close(&d->reach);
    for (unsigned int i = 0; d->others && i + 1 < d->jobs; i++)
        spi_reach_close(&d->others[i]);
    free(d->others);
    for (size_t i = 0; i < d->nqueue; i++)
        sp_id_free(d->queue[i]);
    free(d->queue);
    free(d);
}

/* A VM without a record: its domain, found by the ID in its metadata. */
static sp_code delete_unrecorded(sp_vm_deleter *d, const sp_id *vm,
                                 const sp_error *why, sp_error *err)
{
    const char *host = sp_id_field(vm, 0);
    if (!sp_config_has(d->reach.cfg, "host", host)) {
        *err = *why;
        return err->code;
    }
    sp_host *h = spi_reach_host(&d->reach, host, err);
    if (!h)
        return err->code;
    struct find_vm q = {vm, ""};
    sp_code rc = sp_host_list_vms(h, is_vm, &q);
    if (rc && rc != SP_ERR_CANCELLED)
        return spi_host_failed(h, err);
    if (!q.uuid[0]) {
        *err = *why;
        return err->code;
    }
    sp_log(SP_LOG_WARN,
           "VM %s has no record in the library: only its domain is "
           "removed (its LUN, if any, is not known)",
           sp_id_str(vm));
    return sp_host_undefine(h, q.uuid, 0) ? spi_host_failed(h, err) : SP_OK;
}

/* ---- one batch ---- */

struct del_vm {
    const sp_id *id;
    sp_vm_record *r; /* locked; NULL once its outcome is known */
    int lock;
    bool gone;  /* its LUN is no more (read with the batch) */
    bool ended; /* the outcome is in err (code 0: deleted) */
    sp_error err;
};

struct batch {
    sp_vm_deleter *d;
    const char *dir;
    struct del_vm *v;
    size_t n;
};

/* The VMs of a batch on one array and host. */
struct group {
    char *array, *host; /* copies: a VM's record goes when it ends */
    struct del_vm **v;
    size_t n;
};

/* VM @v ends: deleted (@err NULL) or not, its record kept as it is. */
static void end(struct del_vm *v, const sp_error *err)
{
    sp_error e;
    if (err)
        v->err = *err;
    else
        sp_error_clear(&v->err);
    /* What its journal says now stays said (its directory is synced when
     * the group ends). */
    if (v->r && v->r->lazy && spi_vm_record_sync(v->r, &e))
        sp_log(SP_LOG_WARN, "VM %s: %s", sp_id_str(v->id), e.message);
    v->ended = true;
    spi_unlock(&v->lock);
    sp_vm_record_free(v->r);
    v->r = NULL;
}

/* Its record, locked (then read again: another process may have changed
 * it), or its outcome when it has none. */
static void take(struct batch *b, struct del_vm *v)
{
    sp_vm_deleter *d = b->d;
    sp_vm_record *r;
    sp_error e;
    v->lock = -1;
    sp_code rc = sp_vm_record_load(d->lib, v->id, &r, &e);
    if (rc == SP_ERR_NOT_FOUND) {
        sp_error why = e;
        rc = delete_unrecorded(d, v->id, &why, &e);
        end(v, rc ? &e : NULL);
        return;
    }
    if (rc) {
        end(v, &e);
        return;
    }
    rc = spi_vm_lock(b->dir, r->uuid, false, &v->lock, &e);
    sp_vm_record_free(r);
    if (rc || sp_vm_record_load(d->lib, v->id, &v->r, &e))
        end(v, &e);
}

/* Whether @v (still going) is on @array (and @host, unless NULL). */
static bool on(const struct del_vm *v, const char *array, const char *host)
{
    return !v->ended && SPI_STREQ(v->r->array, array) &&
           (!host || SPI_STREQ(v->r->host, host));
}

/* The LUN of template @tmpl, which the VMs' LUNs are copies of (a hint:
 * NULL when the template is gone). */
static sp_id *source_of(sp_library *lib, const sp_id *tmpl)
{
    sp_template *t = NULL;
    sp_error e;
    if (sp_library_load(lib, tmpl, &t, &e))
        return NULL;
    sp_id *lun = sp_id_copy(sp_template_lun(t));
    sp_template_free(t);
    return lun;
}

/* What the LUNs of the VMs @of (@n, copies of one template) are now, read
 * at once: each VM's gone flag, or its end when they cannot be read. */
static void read_luns(struct batch *b, struct del_vm **of, size_t n)
{
    struct spi_reach *w = &b->d->reach;
    const sp_id **ids = spi_xcalloc(n, sizeof(*ids));
    sp_lun **luns = spi_xcalloc(n, sizeof(*luns));
    for (size_t i = 0; i < n; i++)
        ids[i] = of[i]->r->lun;
    sp_error e;
    sp_array *a = spi_reach_array(w, of[0]->r->array, &e);
    sp_id *src = a ? source_of(b->d->lib, of[0]->r->tmpl) : NULL;
    if (a && sp_array_get_luns(a, ids, n, src, 0, luns))
        spi_array_failed(a, &e);
    else if (a)
        sp_error_clear(&e);
    for (size_t i = 0; i < n; i++) {
        if (e.code)
            end(of[i], &e);
        else
            of[i]->gone = !luns[i];
        sp_lun_free(luns[i]);
    }
    sp_id_free(src);
    free(luns);
    free(ids);
}

/* Check the LUNs of the group against their journals, the copies of each
 * template read at once: a VM whose key names another LUN now is refused,
 * nothing of it changed. */
static void check_group(struct batch *b, struct group *gr)
{
    struct del_vm **g = gr->v;
    size_t ng = gr->n;
    struct del_vm **of = spi_xcalloc(ng, sizeof(*of));
    bool *read = spi_xcalloc(ng, sizeof(*read));
    for (size_t i = 0; i < ng; i++) {
        if (g[i]->ended || read[i] || !g[i]->r->lun)
            continue;
        size_t n = 0;
        for (size_t j = i; j < ng; j++)
            if (!g[j]->ended && !read[j] && g[j]->r->lun &&
                sp_id_equal(g[j]->r->tmpl, g[i]->r->tmpl)) {
                read[j] = true;
                of[n++] = g[j];
            }
        read_luns(b, of, n);
    }
    for (size_t i = 0; i < ng; i++) {
        sp_error e;
        if (!g[i]->ended && !g[i]->gone &&
            spi_vm_check_lun(&b->d->reach, g[i]->r, SP_CHECK_RECENT, &e))
            end(g[i], &e);
    }
    free(read);
    free(of);
}

/* Unmask the LUNs of the group in one change; should that fail, each VM's
 * alone, so that one LUN's failure is its VM's only. */
static void unmask_group(struct batch *b, struct group *gr)
{
    struct spi_reach *w = &b->d->reach;
    struct del_vm **g = gr->v;
    size_t ng = gr->n;
    const sp_id **luns = spi_xcalloc(ng, sizeof(*luns));
    size_t n = 0;
    sp_error e;
    for (size_t i = 0; i < ng; i++) {
        sp_vm_record *r = g[i]->r;
        if (g[i]->ended || !spi_vm_begun(r, SP_STEP_MASK))
            continue;
        if (r->lun && !g[i]->gone && !SPI_STREQ(r->connect, "file"))
            luns[n++] = r->lun;
    }
    sp_mask_target t;
    bool batched = false;
    if (n > 1 && spi_host_mask_target(w->cfg, gr->host, &t)) {
        sp_array *a = spi_reach_array(w, gr->array, &e);
        batched = a && !sp_array_mask(a, luns, n, &t, SP_MASK_UNMASK, NULL);
        if (a && !batched)
            sp_log(SP_LOG_DEBUG,
                   "unmasking %zu LUNs at once failed, each "
                   "VM's alone: %s",
                   n, sp_array_error(a)->message);
        sp_mask_target_release(&t);
    }
    for (size_t i = 0; i < ng; i++) {
        sp_vm_record *r = g[i]->r;
        if (g[i]->ended || !spi_vm_begun(r, SP_STEP_MASK))
            continue;
        sp_code rc =
            batched || g[i]->gone
                ? spi_vm_undone(r, SP_STEP_MASK, &e)
                : spi_vm_undo_steps(w, r, SP_STEP_MASK, SP_STEP_MASK, &e);
        if (rc)
            end(g[i], &e);
    }
    free(luns);
}

/* The LUN of @v is no more: its copy step is undone. */
static void lun_gone(struct del_vm *v)
{
    sp_error e;
    sp_id_free(v->r->lun);
    v->r->lun = NULL;
    if (spi_vm_undone(v->r, SP_STEP_COPY, &e))
        end(v, &e);
}

/* The LUNs being deleted and their VMs. */
struct deleting {
    struct del_vm **of;
    sp_array *a;
};

static void deleted(size_t i, sp_code rc, void *ctx)
{
    struct deleting *x = ctx;
    if (rc && rc != SP_ERR_NOT_FOUND) {
        sp_error e;
        sp_error_copy(&e, sp_array_error(x->a));
        end(x->of[i], &e);
    } else {
        lun_gone(x->of[i]);
    }
}

/* A slice of the LUNs of a group, deleted over one connection. */
struct slice {
    struct spi_reach *w;
    const char *array;
    const sp_id *source; /* the template's LUN (a hint), or NULL */
    const sp_id **luns;
    struct del_vm **of;
    size_t n;
    bool own; /* a connection of its own: its copies read again */
};

/* Delete the LUNs of slice @arg one after the other.  A connection of its
 * own has not read the batch: it reads their WWNs again at once first
 * (one request), so that each delete's identity check need not ask. */
static void *delete_slice(void *arg)
{
    struct slice *s = arg;
    sp_error e;
    struct deleting x = {s->of, spi_reach_array(s->w, s->array, &e)};
    if (!x.a) {
        for (size_t i = 0; i < s->n; i++)
            end(s->of[i], &e);
        return NULL;
    }
    if (s->own) {
        sp_lun **read = spi_xcalloc(s->n, sizeof(*read));
        if (sp_array_get_luns(x.a, s->luns, s->n, s->source, 0, read))
            sp_log(SP_LOG_DEBUG, "each delete checks its LUN: %s",
                   sp_array_error(x.a)->message);
        for (size_t i = 0; i < s->n; i++)
            sp_lun_free(read[i]);
        free(read);
    }
    sp_array_delete_luns(x.a, s->luns, s->n, SP_LUN_FORCE, deleted, &x);
    /* What the array made durable before the records that named it go. */
    if (s->own && sp_array_sync(x.a, 0)) {
        spi_array_failed(x.a, &e);
        for (size_t i = 0; i < s->n; i++)
            if (!s->of[i]->ended)
                end(s->of[i], &e);
    }
    return NULL;
}

/* Below this many LUNs a slice is not worth a connection of its own
 * (which costs it a discovery-free request or three). */
#define SLICE_MIN 4

/* Delete the LUNs of the group over up to d->jobs connections at once,
 * each deleting its slice one LUN after the other; a VM whose copy step
 * has no LUN looks for one by its tag. */
static void delete_group(struct batch *b, struct group *gr)
{
    sp_vm_deleter *d = b->d;
    struct spi_reach *w = &d->reach;
    struct del_vm **g = gr->v;
    size_t ng = gr->n;
    struct del_vm **of = spi_xcalloc(ng, sizeof(*of));
    const sp_id **luns = spi_xcalloc(ng, sizeof(*luns));
    size_t n = 0;
    sp_error e;
    for (size_t i = 0; i < ng; i++) {
        sp_vm_record *r = g[i]->r;
        if (g[i]->ended || !spi_vm_begun(r, SP_STEP_COPY))
            continue;
        if (r->lun && !g[i]->gone) {
            luns[n] = r->lun;
            of[n++] = g[i];
        } else if (r->lun) {
            lun_gone(g[i]);
        } else if (spi_vm_undo_steps(w, r, SP_STEP_COPY, SP_STEP_COPY, &e)) {
            end(g[i], &e);
        }
    }
    size_t ns = d->jobs;
    if (ns > (n + SLICE_MIN - 1) / SLICE_MIN)
        ns = (n + SLICE_MIN - 1) / SLICE_MIN;
    if (ns > 1 && !d->others) {
        d->others = spi_xcalloc(d->jobs - 1, sizeof(*d->others));
        for (unsigned int i = 0; i + 1 < d->jobs; i++)
            d->others[i] = (struct spi_reach){
                .cfg = w->cfg, .lib = w->lib, .timeout = w->timeout};
    }
    sp_id *src = ns > 1 ? source_of(d->lib, of[0]->r->tmpl) : NULL;
    struct slice *sl = spi_xcalloc(ns ? ns : 1, sizeof(*sl));
    pthread_t *t = spi_xcalloc(ns ? ns : 1, sizeof(*t));
    bool *started = spi_xcalloc(ns ? ns : 1, sizeof(*started));
    for (size_t i = 0, at = 0; i < ns; i++) {
        size_t k = n / ns + (i < n % ns);
        sl[i] = (struct slice){i ? &d->others[i - 1] : w,
                               gr->array,
                               src,
                               luns + at,
                               of + at,
                               k,
                               i > 0};
        at += k;
    }
    for (size_t i = 1; i < ns; i++)
        started[i] = pthread_create(&t[i], NULL, delete_slice, &sl[i]) == 0;
    if (ns)
        delete_slice(&sl[0]);
    for (size_t i = 1; i < ns; i++) {
        if (started[i])
            pthread_join(t[i], NULL);
        else
            delete_slice(&sl[i]); /* no thread: in this one, after */
    }
    free(started);
    free(t);
    free(sl);
    sp_id_free(src);
    free(luns);
    free(of);
}

/* Make what the journals of the group say durable, together: each
 * record, then their directory once. */
static void sync_group(struct batch *b, struct group *gr)
{
    struct del_vm **g = gr->v;
    size_t ng = gr->n;
    sp_error e;
    for (size_t i = 0; i < ng; i++)
        if (!g[i]->ended && spi_vm_record_sync(g[i]->r, &e))
            end(g[i], &e);
    if (spi_sync_dir_of(b->dir, &e) == SP_OK)
        return;
    for (size_t i = 0; i < ng; i++)
        if (!g[i]->ended)
            end(g[i], &e);
}

/*
 * The VMs of one array and host: checked, taken off the host, unmasked,
 * their LUNs deleted, forgotten.  Their journals are written at each step
 * as spi_vm_undo() writes them, but made durable together (a group
 * commit): the state "deleting" before anything acts, the rest when the
 * group ends.  A crash that loses an "undone" mark only makes the next
 * vm-delete undo that step again, which finds it undone.
 */
static void run_group(struct batch *b, struct group *gr)
{
    struct spi_reach *w = &b->d->reach;
    struct del_vm **g = gr->v;
    size_t ng = gr->n;
    sp_error e;
    check_group(b, gr);
    for (size_t i = 0; i < ng; i++) {
        if (g[i]->ended)
            continue;
        g[i]->r->lazy = true;
        if (spi_vm_set_state(g[i]->r, SP_VM_DELETING, NULL, &e))
            end(g[i], &e);
    }
    sync_group(b, gr);
    for (size_t i = 0; i < ng; i++)
        if (!g[i]->ended && spi_vm_undo_steps(w, g[i]->r, SP_STEP_CUSTOMIZE,
                                              SP_STEP_COUNT - 1, &e))
            end(g[i], &e);
    unmask_group(b, gr);
    delete_group(b, gr);
    /* What the array made durable before the records that named it go. */
    if (w->array && sp_array_sync(w->array, 0))
        spi_array_failed(w->array, &e);
    else
        sp_error_clear(&e);
    for (size_t i = 0; i < ng; i++) {
        if (g[i]->ended)
            continue;
        sp_error fe = e;
        if (!fe.code)
            spi_vm_forget(g[i]->r, b->dir, &g[i]->lock, &fe);
        end(g[i], fe.code ? &fe : NULL);
    }
    if (spi_sync_dir_of(b->dir, &e))
        sp_log(SP_LOG_WARN, "%s", e.message);
}

/* The VMs of @b, grouped by array (each opened once) and then host. */
static void run_batch(struct batch *b)
{
    for (size_t i = 0; i < b->n; i++)
        take(b, &b->v[i]);
    struct group gr = {.v = spi_xcalloc(b->n, sizeof(*gr.v))};
    for (size_t i = 0; i < b->n; i++) {
        if (b->v[i].ended)
            continue;
        SPI_AUTOFREE char *array = spi_xstrdup(b->v[i].r->array);
        for (size_t k = i; k < b->n; k++) {
            if (!on(&b->v[k], array, NULL))
                continue;
            gr.array = array;
            gr.host = spi_xstrdup(b->v[k].r->host);
            gr.n = 0;
            for (size_t j = k; j < b->n; j++)
                if (on(&b->v[j], array, gr.host))
                    gr.v[gr.n++] = &b->v[j];
            run_group(b, &gr);
            free(gr.host);
        }
    }
    free(gr.v);
}

/* ---- the API ---- */

sp_code sp_vm_deleter_set_jobs(sp_vm_deleter *d, unsigned int jobs,
                               sp_error *err)
{
    sp_error_clear(err);
    if (d->others)
        return sp_error_set(err, SP_ERR_INVALID,
                            "the number of jobs is set before the first run");
    if (jobs > SP_VM_DELETER_JOBS_MAX)
        return sp_error_set(err, SP_ERR_INVALID, "at most %u jobs, not %u",
                            SP_VM_DELETER_JOBS_MAX, jobs);
    d->jobs = jobs ? jobs : 1;
    return SP_OK;
}

sp_code sp_vm_deleter_add(sp_vm_deleter *d, const sp_id *vm, sp_error *err)
{
    sp_error_clear(err);
    if (sp_id_get_kind(vm) != SP_ID_VM)
        return sp_error_set(err, SP_ERR_BAD_ID, "'%s' is not a vm ID",
                            sp_id_str(vm));
    spi_xgrow((void **)&d->queue, &d->capqueue, d->nqueue + 1,
              sizeof(*d->queue));
    d->queue[d->nqueue++] = sp_id_copy(vm);
    return SP_OK;
}

sp_code sp_vm_deleter_run(sp_vm_deleter *d, unsigned int flags,
                          sp_vm_delete_fn fn, void *ctx, sp_error *err)
{
    sp_error_clear(err);
    if (flags)
        return sp_error_set(err, SP_ERR_INVALID, "unknown flags 0x%x", flags);
    SPI_AUTOFREE char *dir = spi_vms_dir(d->lib, err);
    struct batch b = {d, dir, spi_xcalloc(BATCH_MAX, sizeof(*b.v)), 0};
    sp_code first = dir ? SP_OK : err->code;
    for (size_t i = 0; i < d->nqueue;) {
        /* A batch ends where a VM comes again: it is then deleted, or
         * not found, as it would be after the first one alone. */
        b.n = 0;
        for (; i < d->nqueue && b.n < BATCH_MAX; i++) {
            bool again = false;
            for (size_t k = 0; k < b.n && !again; k++)
                again = sp_id_equal(b.v[k].id, d->queue[i]);
            if (again)
                break;
            b.v[b.n++] = (struct del_vm){.id = d->queue[i], .lock = -1};
        }
        if (dir)
            run_batch(&b);
        for (size_t k = 0; k < b.n; k++) {
            struct del_vm *v = &b.v[k];
            if (!dir)
                v->err = *err;
            if (v->err.code && !first) {
                first = v->err.code;
                *err = v->err;
            }
            if (fn)
                fn(v->id, v->err.code ? &v->err : NULL, ctx);
        }
    }
    for (size_t i = 0; i < d->nqueue; i++)
        sp_id_free(d->queue[i]);
    d->nqueue = 0;
    free(b.v);
    return first;
}

struct one {
    sp_error *err;
};

static void keep_error(const sp_id *vm, const sp_error *err, void *ctx)
{
    struct one *o = ctx;
    if (err)
        *o->err = *err;
}

sp_code sp_vm_deleter_delete(sp_vm_deleter *d, const sp_id *vm,
                             unsigned int flags, sp_error *err)
{
    struct one o = {err};
    sp_error e;
    sp_error_clear(err);
    if (flags)
        return sp_error_set(err, SP_ERR_INVALID, "unknown flags 0x%x", flags);
    if (sp_vm_deleter_add(d, vm, err))
        return err->code;
    return sp_vm_deleter_run(d, 0, keep_error, &o, &e);
}
