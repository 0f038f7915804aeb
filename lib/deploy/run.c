/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/deploy/run.c: running a deploy (copies in parallel, masking batched
 * per host, then media, domains and starts in parallel), resuming what a
 * killed run left, and deleting VMs. */
#include "deploy.h"
#include "../util/file.h"

#include <time.h>
#include <unistd.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- outcomes ---- */

static void report(sp_deploy *d, const char *name, const sp_vm_record *r,
                   const sp_error *err)
{
    pthread_mutex_lock(&d->lock);
    if (err && !d->first_failure)
        d->first_failure = err->code ? err->code : SP_ERR_INTERNAL;
    if (d->fn)
        d->fn(name, r, err, d->ctx);
    pthread_mutex_unlock(&d->lock);
}

/* VM @v failed with @why: keep it (failed) or undo its steps. */
static void fail_vm(sp_deploy *d, struct spi_reach *w, struct deploy_vm *v,
                    const sp_error *why)
{
    v->failed = true;
    sp_error e;
    if (!v->r) { /* nothing made: the names are free again */
        spi_vm_names_release(&v->names);
        report(d, v->name, NULL, why);
        return;
    }
    if (d->keep_failed) {
        if (spi_vm_set_state(v->r, SP_VM_FAILED, why, &e))
            sp_log(SP_LOG_ERROR, "VM '%s': %s", v->name, e.message);
        spi_vm_names_release(&v->names); /* the record holds them */
        spi_unlock(&v->lock);
        report(d, v->name, v->r, why);
        return;
    }
    sp_error cause = *why;
    if (spi_vm_set_state(v->r, SP_VM_ROLLBACK, why, &e) ||
        spi_vm_undo(w, v->r, d->dir, &v->lock, &e)) {
        /* The record stays, rolling back: vm-deploy --resume or vm-delete
         * finishes it. */
        sp_error_set(&cause, why->code,
                     "%s; and undoing its steps failed, which vm-deploy "
                     "--resume or vm-delete will finish: %s",
                     why->message, e.message);
        spi_vm_names_keep(&v->names); /* for --resume to take over */
        spi_unlock(&v->lock);
    } else {
        spi_vm_names_release(&v->names);
    }
    report(d, v->name, NULL, &cause);
}

/* ---- workers ---- */

typedef void (*vm_fn)(sp_deploy *d, struct spi_reach *w, struct deploy_vm *v);

struct worker {
    sp_deploy *d;
    struct spi_reach *w;
    vm_fn fn;
};

static void *work(void *arg)
{
    struct worker *k = arg;
    sp_deploy *d = k->d;
    for (;;) {
        pthread_mutex_lock(&d->lock);
        size_t i = d->next++;
        pthread_mutex_unlock(&d->lock);
        if (i >= d->n)
            break;
        if (!d->vms[i].failed)
            k->fn(d, k->w, &d->vms[i]);
    }
    if (k->w->array)
        sp_array_sync(k->w->array, 0);
    return NULL;
}

/* Run @fn on every VM still going, d->jobs at a time: worker 0 on the
 * plan's handles, the others on their own (in @ws, kept for later
 * phases). */
static void each_vm(sp_deploy *d, struct spi_reach *ws, vm_fn fn)
{
    size_t nw = d->jobs < d->n ? d->jobs : d->n;
    struct worker *k = spi_xcalloc(nw, sizeof(*k));
    pthread_t *t = spi_xcalloc(nw, sizeof(*t));
    d->next = 0;
    for (size_t i = 0; i < nw; i++)
        k[i] = (struct worker){d, i ? &ws[i] : &d->reach, fn};
    for (size_t i = 1; i < nw; i++)
        if (pthread_create(&t[i], NULL, work, &k[i]) != 0)
            t[i] = 0;
    work(&k[0]);
    for (size_t i = 1; i < nw; i++)
        if (t[i])
            pthread_join(t[i], NULL);
    free(t);
    free(k);
}

/* ---- the phases ---- */

static void journal(sp_deploy *d, struct deploy_vm *v)
{
    sp_error e;
    v->r = spi_vm_record_new(v->uuid, v->name, v->host, sp_template_id(d->tmpl),
                             d->array, d->pool, d->method);
    v->r->lun_ours = v->names.lun != NULL;
    v->r->connect = spi_xstrdup(v->connect);
    v->r->start = d->start;
    SPI_AUTOFREE char *seeds = spi_seed_dir(d->cfg, d->lib, v->host);
    v->r->seed = spi_xasprintf("%s/%s.iso", seeds, v->r->uuid);
    if (spi_vm_lock(d->dir, v->r->uuid, false, &v->lock, &e) ||
        spi_vm_record_save(v->r, d->dir, &e)) {
        sp_vm_record_free(v->r);
        v->r = NULL;
        spi_unlock(&v->lock);
        fail_vm(d, &d->reach, v, &e);
    }
}

static void copy_one(sp_deploy *d, struct spi_reach *w, struct deploy_vm *v)
{
    sp_error e;
    if (spi_step_copy(w, v->r, d->source, false, SP_LUN_KEY_ONLY, &e) ||
        spi_vm_finish(v->r, SP_STEP_COPY, &e))
        fail_vm(d, w, v, &e);
}

/* The copies were made without reading each back (SP_LUN_KEY_ONLY): their
 * WWNs, read in one request for all, go into the VMs' LUN IDs, and into
 * their journals when the mask step (or, without one, the customize step)
 * is written down, before the LUN is masked or a domain defined on it. */
static void identify_copies(sp_deploy *d)
{
    size_t n = 0;
    const sp_id **ids = spi_xcalloc(d->n, sizeof(*ids));
    struct deploy_vm **of = spi_xcalloc(d->n, sizeof(*of));
    for (size_t i = 0; i < d->n; i++) {
        struct deploy_vm *v = &d->vms[i];
        if (!v->failed && v->r->lun && !sp_id_field(v->r->lun, 2)) {
            ids[n] = v->r->lun;
            of[n++] = v;
        }
    }
    sp_lun **luns = spi_xcalloc(n + 1, sizeof(*luns));
    sp_error e;
    sp_code rc = SP_OK;
    sp_array *a = n ? spi_reach_array(&d->reach, d->array, &e) : NULL;
    if (n && !a)
        rc = e.code;
    else if (n && sp_array_get_luns(a, ids, n, d->source, 0, luns))
        rc = spi_array_failed(a, &e);
    for (size_t i = 0; i < n; i++) {
        if (!rc && !luns[i])
            sp_error_set(&e, SP_ERR_NOT_FOUND,
                         "array '%s' does not have the copy %s it just made",
                         d->array, sp_id_str(ids[i]));
        if (rc || !luns[i]) {
            fail_vm(d, &d->reach, of[i], &e);
            continue;
        }
        sp_id_free(of[i]->r->lun);
        of[i]->r->lun = sp_id_copy(sp_lun_id(luns[i]));
        sp_lun_free(luns[i]);
    }
    free(luns);
    free(ids);
    free(of);
}

/* Mask the LUNs of every VM of host @host in one call. */
static void mask_host(sp_deploy *d, const char *host)
{
    size_t n = 0;
    const sp_id **luns = spi_xcalloc(d->n, sizeof(*luns));
    struct deploy_vm **of = spi_xcalloc(d->n, sizeof(*of));
    uint32_t *numbers = spi_xcalloc(d->n, sizeof(*numbers));
    sp_error e;
    for (size_t i = 0; i < d->n; i++) {
        struct deploy_vm *v = &d->vms[i];
        if (v->failed || !SPI_STREQ(v->host, host))
            continue;
        if (spi_vm_begin(v->r, SP_STEP_MASK, &e)) {
            fail_vm(d, &d->reach, v, &e);
            continue;
        }
        luns[n] = v->r->lun;
        of[n++] = v;
    }
    sp_mask_target t;
    sp_code rc = SP_OK;
    sp_array *a = spi_reach_array(&d->reach, d->array, &e);
    if (!a)
        rc = e.code;
    else if (!spi_host_mask_target(d->cfg, host, &t))
        rc = sp_error_set(&e, SP_ERR_NOT_FOUND, "no host '%s'", host);
    else {
        if (n && sp_array_mask(a, luns, n, &t, 0, numbers))
            rc = spi_array_failed(a, &e);
        sp_mask_target_release(&t);
    }
    for (size_t i = 0; i < n; i++) {
        if (!rc)
            of[i]->r->number = numbers[i];
        if (rc || spi_vm_finish(of[i]->r, SP_STEP_MASK, &e))
            fail_vm(d, &d->reach, of[i], &e);
    }
    free(luns);
    free(of);
    free(numbers);
}

static void finish_one(sp_deploy *d, struct spi_reach *w, struct deploy_vm *v)
{
    sp_error e;
    sp_vm_record *r = v->r;
    double t0 = now();
    if (spi_vm_begin(r, SP_STEP_CUSTOMIZE, &e) ||
        spi_step_customize(r, d->tmpl, d->user_data, &e) ||
        spi_vm_finish(r, SP_STEP_CUSTOMIZE, &e) ||
        spi_vm_begin(r, SP_STEP_DEFINE, &e) ||
        spi_step_define(w, r, d->tmpl, &e) ||
        spi_vm_finish(r, SP_STEP_DEFINE, &e) ||
        (d->start && (spi_vm_begin(r, SP_STEP_START, &e) ||
                      spi_step_start(w, r, false, &e) ||
                      spi_vm_finish(r, SP_STEP_START, &e)))) {
        fail_vm(d, w, v, &e);
        return;
    }
    r->seconds += now() - t0;
    if (spi_vm_set_state(r, SP_VM_DEPLOYED, NULL, &e)) {
        fail_vm(d, w, v, &e);
        return;
    }
    spi_vm_names_release(&v->names); /* the record and the LUN hold them */
    spi_unlock(&v->lock);
    report(d, v->name, r, NULL);
}

sp_code sp_deploy_run(sp_deploy *d, unsigned int flags, sp_deploy_fn fn,
                      void *ctx)
{
    if (flags)
        return SP_ERR_INVALID;
    pthread_mutex_init(&d->lock, NULL);
    d->fn = fn;
    d->ctx = ctx;
    d->first_failure = SP_OK;
    size_t nw = d->jobs < d->n ? d->jobs : d->n;
    struct spi_reach *ws = spi_xcalloc(nw, sizeof(*ws));
    for (size_t i = 0; i < nw; i++)
        ws[i] = (struct spi_reach){
            .cfg = d->cfg, .lib = d->lib, .timeout = d->timeout};
    double t0 = now();
    for (size_t i = 0; i < d->n; i++)
        journal(d, &d->vms[i]);
    each_vm(d, ws, copy_one);
    identify_copies(d);
    double copied = now();
    for (size_t i = 0; i < d->n; i++) {
        const struct deploy_vm *v = &d->vms[i];
        bool first = true;
        for (size_t k = 0; k < i && first; k++)
            first = !SPI_STREQ(d->vms[k].host, v->host);
        if (first && !SPI_STREQ(v->connect, "file"))
            mask_host(d, v->host);
    }
    /* Copies and masking are shared work: each VM is charged its share. */
    double shared = (now() - t0) / (double)d->n;
    for (size_t i = 0; i < d->n; i++)
        if (d->vms[i].r)
            d->vms[i].r->seconds = shared;
    sp_log(SP_LOG_INFO, "deploy: %zu copies in %.3f s, masking in %.3f s", d->n,
           copied - t0, now() - copied);
    each_vm(d, ws, finish_one);
    for (size_t i = 1; i < nw; i++) {
        if (ws[i].array)
            d->requests += sp_array_requests(ws[i].array);
        spi_reach_close(&ws[i]);
    }
    free(ws);
    pthread_mutex_destroy(&d->lock);
    return d->first_failure;
}

/* ---- resume ---- */

struct pending {
    sp_vm_record **v;
    size_t n;
};

static int keep_pending(sp_vm_record *r, void *ctx)
{
    struct pending *p = ctx;
    sp_vm_state s = sp_vm_record_state(r);
    if (sp_vm_record_idle(r) && s != SP_VM_DEPLOYED && s != SP_VM_FAILED) {
        p->v = spi_xrealloc(p->v, (p->n + 1) * sizeof(*p->v));
        p->v[p->n++] = r;
    } else {
        sp_vm_record_free(r);
    }
    return 0;
}

/* Go on with the deploy of @r from where its journal stops. */
static sp_code go_on(struct spi_reach *w, sp_library *lib, sp_vm_record *r,
                     sp_error *err)
{
    sp_template *t = NULL;
    sp_code rc = sp_library_load(lib, r->tmpl, &t, err);
    for (int s = 0; !rc && s < SP_STEP_COUNT; s++) {
        if (r->done & (1u << s) || (s == SP_STEP_START && !r->start) ||
            (s == SP_STEP_MASK && SPI_STREQ(r->connect, "file")))
            continue;
        bool again = (int)r->step == s;
        if ((rc = spi_vm_begin(r, (sp_vm_step)s, err)))
            break;
        switch (s) {
        case SP_STEP_COPY:
            /* A copy is made only under its name's reservation. */
            if (!r->lun && !r->lun_ours) {
                rc = sp_error_set(err, SP_ERR_PRECONDITION,
                                  "the name of its LUN, '%s', is not "
                                  "reserved for it (another run holds it, "
                                  "or its reservation was dropped)",
                                  r->lun_name);
                break;
            }
            rc = spi_step_copy(w, r, sp_template_lun(t), again, 0, err);
            if (!rc && w->array && sp_array_sync(w->array, 0))
                rc = spi_array_failed(w->array, err);
            break;
        case SP_STEP_MASK:
            rc = spi_step_mask(w, r, err);
            break;
        case SP_STEP_CUSTOMIZE:
            rc = spi_step_customize(r, t, NULL, err);
            break;
        case SP_STEP_DEFINE:
            rc = spi_step_define(w, r, t, err);
            break;
        case SP_STEP_START:
            rc = spi_step_start(w, r, again, err);
            break;
        }
        if (!rc)
            rc = spi_vm_finish(r, (sp_vm_step)s, err);
    }
    sp_template_free(t);
    return rc;
}

/* Undo @r's steps; @why (may be NULL) is the failure that asks it. */
static sp_code undo(struct spi_reach *w, sp_vm_record *r, const char *dir,
                    int *lock, const sp_error *why, sp_error *err)
{
    sp_error e;
    if (!spi_vm_undo(w, r, dir, lock, &e)) {
        if (why)
            *err = *why;
        return why ? why->code : SP_OK;
    }
    if (why)
        return sp_error_set(err, why->code,
                            "%s; and undoing its steps failed, which "
                            "vm-deploy --resume or vm-delete will finish: %s",
                            why->message, e.message);
    *err = e;
    return e.code;
}

/* Finish or undo the journal of @r, locked in @lock. */
static sp_code take_up(struct spi_reach *w, sp_library *lib, const char *dir,
                       sp_vm_record *r, int *lock, bool keep_failed,
                       sp_error *err)
{
    /* Neither finished nor undone on a LUN that is not the journal's. */
    if (spi_vm_check_lun(w, r, 0, err))
        return err->code;
    if (r->state == SP_VM_ROLLBACK || r->state == SP_VM_DELETING)
        return undo(w, r, dir, lock, NULL, err);
    double t0 = now();
    sp_error why, e;
    if (!go_on(w, lib, r, &why)) {
        r->seconds += now() - t0;
        return spi_vm_set_state(r, SP_VM_DEPLOYED, NULL, err);
    }
    if (keep_failed) {
        spi_vm_set_state(r, SP_VM_FAILED, &why, &e);
        *err = why;
        return why.code;
    }
    if (spi_vm_set_state(r, SP_VM_ROLLBACK, &why, &e))
        return sp_error_set(err, why.code,
                            "%s; and its record cannot be "
                            "written: %s",
                            why.message, e.message);
    return undo(w, r, dir, lock, &why, err);
}

sp_code sp_deploy_resume(const sp_config *cfg, sp_library *lib,
                         unsigned int flags, sp_deploy_fn fn, void *ctx,
                         sp_error *err)
{
    sp_error_clear(err);
    if (flags & ~SP_DEPLOY_KEEP_FAILED)
        return sp_error_set(err, SP_ERR_INVALID, "unknown flags 0x%x", flags);
    bool keep_failed = flags & SP_DEPLOY_KEEP_FAILED;
    SPI_AUTOFREE char *dir = spi_vms_dir(lib, err);
    if (!dir)
        return err->code;
    struct pending p = {NULL, 0};
    sp_code first = sp_vm_records(lib, keep_pending, &p, err);
    struct spi_reach w = {.cfg = cfg, .lib = lib};
    for (size_t i = 0; i < p.n; i++) {
        sp_vm_record *r = p.v[i], *cur = NULL;
        int lock = -1;
        sp_error e;
        /* Lock, then read again: another resume may have finished it. */
        if (spi_vm_lock(dir, r->uuid, false, &lock, &e) ||
            sp_vm_record_load(lib, r->id, &cur, &e)) {
            if (e.code != SP_ERR_PRECONDITION && e.code != SP_ERR_NOT_FOUND) {
                first = first ? first : e.code;
                if (fn)
                    fn(r->name, NULL, &e, ctx);
            }
            spi_unlock(&lock);
            sp_vm_record_free(r);
            continue;
        }
        sp_vm_record_free(r);
        bool was_undo =
            cur->state == SP_VM_ROLLBACK || cur->state == SP_VM_DELETING;
        struct spi_vm_names names = {NULL, NULL};
        spi_vm_names_take_over(lib, cur, &names);
        sp_code rc = take_up(&w, lib, dir, cur, &lock, keep_failed, &e);
        if (rc)
            first = first ? first : rc;
        /* Released once the record (deployed, failed) or nothing (undone)
         * says what is taken; kept while the journal is unfinished. */
        if (cur->state == SP_VM_DEPLOYED || cur->state == SP_VM_FAILED ||
            access(cur->path, F_OK) != 0)
            spi_vm_names_release(&names);
        else
            spi_vm_names_keep(&names);
        if (fn) {
            bool kept =
                cur->state == SP_VM_DEPLOYED || cur->state == SP_VM_FAILED;
            fn(cur->name, kept ? cur : NULL,
               rc || (!was_undo && !kept) ? &e : NULL, ctx);
        }
        spi_unlock(&lock);
        sp_vm_record_free(cur);
    }
    free(p.v);
    spi_reach_close(&w);
    sp_error e;
    sp_code rc = spi_vm_names_sweep(lib, &e);
    if (rc && !first) {
        first = rc;
        *err = e;
    }
    if (first && !err->code)
        sp_error_set(err, first, "some VMs could not be finished");
    return first;
}
