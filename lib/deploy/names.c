/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/deploy/names.c: the names a deploy reserves before anything is made,
 * holds while its VMs are worked on, and what --resume does with those of
 * runs that died. */
#include "deploy.h"

#include <unistd.h>

/*
 * A deploy reserves each VM's name and its LUN's name (the same, in the
 * pool) for the VM's UUID in its preflight, before it checks that they are
 * free, so that no other run can take them in between.  It holds them
 * until the VM is deployed, kept failed or undone (its record, or nothing,
 * then says whether the name is taken); while the VM's journal is left
 * unfinished (the run killed, or an undo that failed) they stay, and
 * --resume takes them over for the VM it finishes or undoes.  The
 * reservation of the LUN's name, held for the VM since before its copy
 * began, is also what proves that a LUN of that name in the pool is the
 * VM's when a copy's answer was lost (steps.c, drop_leftover).
 */

char *spi_lun_scope(const sp_id *pool)
{
    const char *s = sp_id_str(pool);
    const char *colon = strchr(s, ':');
    return spi_xstrdup(colon ? colon + 1 : s);
}

/* ---- a deploy's names ---- */

static int by_name(const void *a, const void *b)
{
    const struct deploy_vm *x = *(const struct deploy_vm *const *)a;
    const struct deploy_vm *y = *(const struct deploy_vm *const *)b;
    return strcmp(x->name, y->name);
}

struct held {
    sp_name_kind kind;
    const char *scope;
    struct deploy_vm **vms;
    size_t n;
    sp_error *err;
    bool found;
};

/* A reservation of one of the names wanted, by anyone: said. */
static int held_by(const sp_name_info *info, void *ctx)
{
    struct held *q = ctx;
    if (info->kind != q->kind || !info->scope != !q->scope ||
        (q->scope && !SPI_STREQ(info->scope, q->scope)))
        return 0;
    for (size_t i = 0; i < q->n; i++)
        if (SPI_STREQ(info->name, q->vms[i]->name)) {
            /* The words of sp_name_reserve()'s refusal. */
            sp_error_set(q->err, SP_ERR_PRECONDITION,
                         "%s name '%s' is reserved by %s%s",
                         sp_name_kind_name(q->kind), info->name, info->holder,
                         info->gone ? ", which is gone: vm-deploy --resume or "
                                      "reconcile --fix takes the reservation "
                                      "over"
                                    : "");
            q->found = true;
            return -1;
        }
    return 0;
}

sp_code spi_deploy_reserve(sp_deploy *d, sp_name_kind kind, bool dry_run,
                           sp_error *err)
{
    SPI_AUTOFREE char *scope =
        kind == SP_NAME_LUN ? spi_lun_scope(d->pool) : NULL;
    struct deploy_vm **order = spi_xcalloc(d->n, sizeof(*order));
    for (size_t i = 0; i < d->n; i++)
        order[i] = &d->vms[i];
    qsort(order, d->n, sizeof(*order), by_name);
    sp_code rc = SP_OK;
    if (dry_run) {
        struct held q = {kind, scope, order, d->n, err, false};
        rc = sp_name_reservations(d->lib, held_by, &q, err);
        if (!rc && q.found)
            rc = SP_ERR_PRECONDITION;
    }
    for (size_t i = 0; !dry_run && !rc && i < d->n; i++) {
        struct deploy_vm *v = order[i];
        sp_reservation **slot =
            kind == SP_NAME_LUN ? &v->names.lun : &v->names.vm;
        rc = sp_name_reserve(d->lib, kind, scope, v->name, v->uuid, 0, slot,
                             err);
    }
    if (rc && !dry_run) /* all or none */
        for (size_t i = 0; i < d->n; i++) {
            sp_reservation **slot = kind == SP_NAME_LUN ? &d->vms[i].names.lun
                                                        : &d->vms[i].names.vm;
            sp_name_release(*slot);
            *slot = NULL;
        }
    free(order);
    return rc;
}

void spi_deploy_release(sp_deploy *d)
{
    for (size_t i = 0; i < d->n; i++)
        spi_vm_names_release(&d->vms[i].names);
}

void spi_vm_names_release(struct spi_vm_names *n)
{
    sp_name_release(n->lun);
    sp_name_release(n->vm);
    n->lun = n->vm = NULL;
}

void spi_vm_names_keep(struct spi_vm_names *n)
{
    sp_name_keep(n->lun);
    sp_name_keep(n->vm);
    n->lun = n->vm = NULL;
}

/* ---- taking over a dead run's ---- */

struct peek {
    sp_name_kind kind;
    const char *scope, *name;
    bool found, gone;
    char entry[64];
};

static int peek_one(const sp_name_info *info, void *ctx)
{
    struct peek *p = ctx;
    if (info->kind != p->kind || !SPI_STREQ(info->name, p->name) ||
        !info->scope != !p->scope ||
        (p->scope && !SPI_STREQ(info->scope, p->scope)))
        return 0;
    p->found = true;
    p->gone = info->gone;
    snprintf(p->entry, sizeof(p->entry), "%s", info->entry);
    return -1;
}

/* The reservation of @name, taken over when a dead run held it for @uuid.
 * Between the look and the take only a process holding the VM's lock (as
 * the caller does) works for @uuid, so what is taken is what was seen. */
static sp_reservation *take_over(sp_library *lib, sp_name_kind kind,
                                 const char *scope, const char *name,
                                 const char *uuid)
{
    struct peek p = {kind, scope, name, false, false, ""};
    sp_error e;
    if (sp_name_reservations(lib, peek_one, &p, &e) || !p.found || !p.gone ||
        !SPI_STREQ(p.entry, uuid))
        return NULL;
    sp_reservation *r = NULL;
    if (sp_name_reserve(lib, kind, scope, name, uuid, SP_RESERVE_TAKE_STALE, &r,
                        &e))
        sp_log(SP_LOG_INFO, "VM %s: %s", uuid, e.message);
    return r;
}

sp_reservation *spi_vm_take_lun_name(sp_library *lib, sp_vm_record *r)
{
    if (!r->pool || !r->lun_name)
        return NULL;
    SPI_AUTOFREE char *scope = spi_lun_scope(r->pool);
    sp_reservation *res =
        take_over(lib, SP_NAME_LUN, scope, r->lun_name, r->uuid);
    if (res)
        r->lun_ours = true;
    return res;
}

void spi_vm_names_take_over(sp_library *lib, sp_vm_record *r,
                            struct spi_vm_names *n)
{
    n->vm = take_over(lib, SP_NAME_VM, NULL, r->name, r->uuid);
    n->lun = spi_vm_take_lun_name(lib, r);
}

/* ---- what resume sweeps ---- */

struct entry_state {
    char uuid[37];
    bool unfinished; /* deploying, rolling back or deleting */
};

struct sweep {
    struct entry_state *records;
    size_t nrecords, cap;
    sp_name_info *stale; /* strings owned here */
    size_t nstale, scap;
};

static int note_record(sp_vm_record *r, void *ctx)
{
    struct sweep *s = ctx;
    spi_xgrow((void **)&s->records, &s->cap, s->nrecords + 1,
              sizeof(*s->records));
    struct entry_state *e = &s->records[s->nrecords++];
    snprintf(e->uuid, sizeof(e->uuid), "%s", r->uuid);
    e->unfinished = r->state != SP_VM_DEPLOYED && r->state != SP_VM_FAILED;
    sp_vm_record_free(r);
    return 0;
}

static int note_stale(const sp_name_info *info, void *ctx)
{
    struct sweep *s = ctx;
    if (!info->gone || (info->kind != SP_NAME_VM && info->kind != SP_NAME_LUN))
        return 0;
    spi_xgrow((void **)&s->stale, &s->scap, s->nstale + 1, sizeof(*s->stale));
    s->stale[s->nstale++] = (sp_name_info){
        .kind = info->kind,
        .scope = info->scope ? spi_xstrdup(info->scope) : NULL,
        .name = spi_xstrdup(info->name),
        .entry = spi_xstrdup(info->entry),
        .holder = spi_xstrdup(info->holder),
        .gone = true,
    };
    return 0;
}

static const struct entry_state *record_of(const struct sweep *s,
                                           const char *uuid)
{
    for (size_t i = 0; i < s->nrecords; i++)
        if (SPI_STREQ(s->records[i].uuid, uuid))
            return &s->records[i];
    return NULL;
}

/* Whether @info is a vm-deploy run's: a VM name, or a LUN name of an entry
 * that has a VM name or a record too (a deploy reserves the VM's name
 * first and releases it last). */
static bool of_deploy(const struct sweep *s, const sp_name_info *info)
{
    if (info->kind == SP_NAME_VM)
        return info->entry[0] != '\0';
    if (record_of(s, info->entry))
        return true;
    for (size_t i = 0; i < s->nstale; i++)
        if (s->stale[i].kind == SP_NAME_VM &&
            SPI_STREQ(s->stale[i].entry, info->entry))
            return true;
    return false;
}

sp_code spi_vm_names_sweep(sp_library *lib, sp_error *err)
{
    struct sweep s = {0};
    sp_code rc = sp_name_reservations(lib, note_stale, &s, err);
    if (!rc && s.nstale)
        rc = sp_vm_records(lib, note_record, &s, err);
    for (size_t i = 0; !rc && i < s.nstale; i++) {
        const sp_name_info *info = &s.stale[i];
        const struct entry_state *rec = record_of(&s, info->entry);
        if (!of_deploy(&s, info) || (rec && rec->unfinished))
            continue;
        /* Nothing of that run is left to finish: the record, or nothing,
         * says now whether the name is taken.  sp_name_reserve() says
         * whose it takes over; a holder that came back to life (another
         * resume got there first) keeps it. */
        sp_reservation *r = NULL;
        sp_error e;
        if (sp_name_reserve(lib, info->kind, info->scope, info->name,
                            info->entry, SP_RESERVE_TAKE_STALE, &r, &e))
            sp_log(SP_LOG_INFO, "%s", e.message);
        sp_name_release(r);
    }
    for (size_t i = 0; i < s.nstale; i++) {
        free((char *)s.stale[i].scope);
        free((char *)s.stale[i].name);
        free((char *)s.stale[i].entry);
        free((char *)s.stale[i].holder);
    }
    free(s.stale);
    free(s.records);
    return rc;
}
