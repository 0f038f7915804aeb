/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/reconcile/findings.c: dead runs' journals and records (finished or
 * undone), dangling records (dropped), orphan domains (undefined). */
#include "reconcile.h"
#include "../deploy/deploy_internal.h"
#include "../util/file.h"
#include "../util/tag.h"

#include <errno.h>
#include <inttypes.h>
#include <unistd.h>

/* ---- half-made work ---- */

static void count(const sp_id *lun, void *ctx)
{
    (void)lun;
    (*(size_t *)ctx)++;
}

/* What a dead run's journal says it made. */
static void journal_why(const struct rc_journal *j, char *out, size_t size)
{
    size_t made = 0, begun = 0;
    for (size_t i = 0; i < j->d.n; i++) {
        made += j->d.objs[i].step == SPI_JSTEP_MADE;
        begun += j->d.objs[i].step == SPI_JSTEP_BEGUN;
    }
    char who[320];
    spi_holder_describe(&j->d.holder, who, sizeof(who));
    snprintf(out, size,
             "the run of %s is gone, %s: %zu LUN(s) made, %zu asked for "
             "without an answer%s",
             who,
             j->d.state == SPI_JSTATE_UNDOING ? "undoing its work"
                                              : "before it ended",
             made, begun, j->d.template_id ? "; its template recorded" : "");
}

static void settle_journal(struct rc *rc, const struct rc_journal *j,
                           sp_finding *f, char *buf, size_t size)
{
    sp_journal *open = NULL;
    sp_error e;
    size_t removed = 0;
    bool finished = false;
    if (spi_journal_open(rc->cfg, rc->lib, j->entry, &open, &e) == SP_OK &&
        spi_journal_settle(open, &finished, count, &removed, &e) == SP_OK) {
        snprintf(buf, size,
                 finished ? "finished: what it made is kept"
                          : "undone: %zu LUN(s) removed",
                 removed);
        f->action = buf;
    } else if (e.code == SP_ERR_PRECONDITION) {
        f->action = "kept: its run is alive";
    } else {
        f->fixed = e.code;
        snprintf(buf, size, "not undone: %s", e.message);
        f->action = buf;
    }
    sp_journal_free(open);
}

static void half_made_journals(struct rc *rc)
{
    for (size_t i = 0; i < rc->njs && !rc->stopped; i++) {
        const struct rc_journal *j = &rc->js[i];
        if (j->alive || j->d.state == SPI_JSTATE_DONE)
            continue;
        char ref[64], why[640], buf[SP_ERROR_MSG_MAX + 64];
        snprintf(ref, sizeof(ref), "journal:%s", j->entry);
        journal_why(j, why, sizeof(why));
        sp_finding f = {
            .kind = SP_FINDING_HALF_MADE,
            .ref = ref,
            .object = "journal",
            .where = "library",
            .name =
                j->d.template_name ? j->d.template_name : j->d.holder.program,
            .entry = j->entry,
            .age = rc->now - j->d.holder.since,
            .why = why,
        };
        if (rc->fix)
            settle_journal(rc, j, &f, buf, sizeof(buf));
        rc_report(rc, &f);
    }
}

static bool half_made_record(const sp_vm_record *r)
{
    sp_vm_state st = sp_vm_record_state(r);
    return sp_vm_record_idle(r) && st != SP_VM_DEPLOYED && st != SP_VM_FAILED;
}

static void half_made_records(struct rc *rc)
{
    sp_vm_deleter *d = NULL;
    for (size_t i = 0; i < rc->nrecs && !rc->stopped; i++) {
        const sp_vm_record *r = rc->recs[i];
        if (!half_made_record(r))
            continue;
        char why[320], buf[SP_ERROR_MSG_MAX + 64];
        snprintf(why, sizeof(why),
                 "its %s was left at step %s by a process that is gone",
                 sp_vm_record_state(r) == SP_VM_DEPLOYING  ? "deploy"
                 : sp_vm_record_state(r) == SP_VM_ROLLBACK ? "rollback"
                                                           : "delete",
                 sp_vm_step_name(sp_vm_record_step(r)));
        sp_finding f = {
            .kind = SP_FINDING_HALF_MADE,
            .ref = sp_id_str(sp_vm_record_id(r)),
            .object = "record",
            .where = sp_vm_record_host(r),
            .name = sp_vm_record_name(r),
            .entry = sp_id_field(sp_vm_record_id(r), 1),
            .age = rc->now - sp_vm_record_created(r),
            .why = why,
        };
        sp_error e = {0};
        if (rc->fix) {
            /* Undone as vm-delete undoes a partial VM: each step that is
             * done or begun, journaled; a live process's is refused. */
            if (!d)
                d = sp_vm_deleter_new(rc->cfg, rc->lib);
            if (sp_vm_deleter_delete(d, sp_vm_record_id(r), 0, &e) == SP_OK ||
                e.code == SP_ERR_NOT_FOUND) {
                f.action = "undone";
            } else if (e.code == SP_ERR_PRECONDITION &&
                       strstr(e.message, "another process")) {
                f.action = "kept: a process works on it";
            } else {
                f.fixed = e.code;
                snprintf(buf, sizeof(buf), "not undone: %s", e.message);
                f.action = buf;
            }
        }
        rc_report(rc, &f);
    }
    sp_vm_deleter_free(d);
}

void rc_half_made(struct rc *rc)
{
    half_made_journals(rc);
    half_made_records(rc);
}

/* ---- what half-made records left, when listing ---- */

static struct rc_array *array_named(struct rc *rc, const char *name);
static const struct rc_lun *lun_keyed(const struct rc_array *ra,
                                      const char *key);
static const struct rc_domain *domain_of(const struct rc *rc, const char *uuid);

void rc_half_made_parts(struct rc *rc)
{
    for (size_t i = 0; i < rc->nrecs && !rc->fix && !rc->stopped; i++) {
        const sp_vm_record *r = rc->recs[i];
        if (!half_made_record(r))
            continue;
        char why[160];
        snprintf(why, sizeof(why), "of VM %s, whose %s is half made",
                 sp_id_str(sp_vm_record_id(r)),
                 sp_vm_record_state(r) == SP_VM_DEPLOYING ? "deploy"
                                                          : "undoing");
        const sp_id *lun = sp_vm_record_lun(r);
        struct rc_array *ra = lun ? array_named(rc, sp_id_field(lun, 0)) : NULL;
        sp_finding f = {
            .kind = SP_FINDING_HALF_MADE,
            .entry = r->uuid,
            .age = rc->now - sp_vm_record_created(r),
            .why = why,
        };
        const struct rc_lun *l = ra ? lun_keyed(ra, sp_id_field(lun, 1)) : NULL;
        if (l) {
            /* By the ID the array gives it now: a record may hold its key
             * alone (a copy whose WWN was still to be read). */
            const char *fields[] = {ra->name, l->key, l->wwn};
            sp_id *now = NULL;
            if (sp_id_new(SP_ID_LUN, l->wwn ? 3 : 2, fields, &now, NULL))
                now = sp_id_copy(lun);
            f.ref = sp_id_str(now);
            f.object = "lun";
            f.where = ra->name;
            f.name = r->lun_name;
            rc_report(rc, &f);
            sp_id_free(now);
        }
        const struct rc_domain *d = domain_of(rc, r->uuid);
        if (d) {
            SPI_AUTOFREE char *ref =
                spi_xasprintf("vm:%s:%s", d->host, d->uuid);
            f.ref = d->vm_id ? d->vm_id : ref;
            f.object = "domain";
            f.where = d->host;
            f.name = d->name;
            rc_report(rc, &f);
        }
    }
}

/* ---- dangling records ---- */

static struct rc_array *array_named(struct rc *rc, const char *name)
{
    for (size_t i = 0; i < rc->narrays; i++)
        if (SPI_STREQ(rc->arrays[i].name, name))
            return &rc->arrays[i];
    return NULL;
}

static const struct rc_lun *lun_keyed(const struct rc_array *ra,
                                      const char *key)
{
    for (size_t i = 0; i < ra->n; i++)
        if (SPI_STREQ(ra->luns[i].key, key))
            return &ra->luns[i];
    return NULL;
}

static bool host_listed(const struct rc *rc, const char *host)
{
    for (size_t i = 0; i < rc->nhosts_listed; i++)
        if (SPI_STREQ(rc->hosts_listed[i], host))
            return true;
    return false;
}

static const struct rc_domain *domain_of(const struct rc *rc, const char *uuid)
{
    for (size_t i = 0; i < rc->ndoms; i++)
        if (SPI_STREQ(rc->doms[i].uuid, uuid))
            return &rc->doms[i];
    return NULL;
}

/* Whether LUN @l is masked to an initiator of host @host. */
static bool masked_to(const struct rc *rc, const struct rc_lun *l,
                      const char *host)
{
    sp_mask_target t;
    if (!spi_host_mask_target(rc->cfg, host, &t))
        return true; /* a host the configuration lost: no telling */
    bool yes = t.ninitiators == 0;
    for (size_t i = 0; i < t.ninitiators && !yes; i++)
        for (size_t k = 0; k < l->ninit && !yes; k++)
            yes = strcasecmp(t.initiators[i], l->initiators[k]) == 0;
    sp_mask_target_release(&t);
    return yes;
}

/* What is wrong with record @r, into @why; false when nothing is (or
 * nothing can be told).  *@lun_gone: its LUN is not there any more. */
static bool dangles(const struct rc *rc, const sp_vm_record *r, char *why,
                    size_t size, bool *lun_gone)
{
    *lun_gone = false;
    const sp_id *lun = sp_vm_record_lun(r);
    const struct rc_array *ra =
        lun ? array_named((struct rc *)rc, sp_id_field(lun, 0)) : NULL;
    const struct rc_lun *l = ra ? lun_keyed(ra, sp_id_field(lun, 1)) : NULL;
    const char *wwn = lun ? sp_id_field(lun, 2) : NULL;
    const char *uuid = sp_id_field(sp_vm_record_id(r), 1);
    if (ra && ra->listed && !l) {
        *lun_gone = true;
        snprintf(why, size, "its LUN %s is gone from array '%s'",
                 sp_id_str(lun), ra->name);
    } else if (l && wwn && !sp_wwn_equal(l->wwn, wwn)) {
        *lun_gone = true;
        snprintf(why, size,
                 "its LUN's key names another LUN now (WWN %s, not %s)",
                 l->wwn ? l->wwn : "none", wwn);
    } else if (l && sp_vm_record_done(r, SP_STEP_MASK) &&
               !SPI_STREQ(sp_vm_record_connect(r), "file") &&
               !masked_to(rc, l, sp_vm_record_host(r))) {
        snprintf(why, size, "its LUN %s is no longer masked to host '%s'",
                 sp_id_str(lun), sp_vm_record_host(r));
    } else if (sp_vm_record_done(r, SP_STEP_DEFINE) &&
               host_listed(rc, sp_vm_record_host(r)) && !domain_of(rc, uuid)) {
        snprintf(why, size, "its domain is gone from host '%s'",
                 sp_vm_record_host(r));
    } else {
        return false;
    }
    return true;
}

/* Drop record @r: a VM whose LUN is gone loses its domain too (which now
 * points at nothing, or at another LUN); what else remains of it is an
 * orphan for a later reconcile. */
static sp_code drop_record(struct rc *rc, const sp_vm_record *r, bool lun_gone,
                           sp_error *err)
{
    SPI_AUTOFREE char *dir = spi_vms_dir(rc->lib, err);
    int lock = -1;
    sp_vm_record *cur = NULL;
    if (!dir || spi_vm_lock(dir, r->uuid, false, &lock, err) ||
        sp_vm_record_load(rc->lib, r->id, &cur, err))
        goto out;
    const struct rc_domain *dom = domain_of(rc, r->uuid);
    if (lun_gone && dom) {
        sp_host *h = NULL;
        if (sp_host_open(rc->cfg, dom->host, 0, &h, err) == SP_OK &&
            sp_host_undefine(h, dom->uuid, 0) != SP_OK)
            sp_error_copy(err, sp_host_error(h));
        sp_host_close(h);
        if (err->code)
            goto out;
    }
    if (cur->seed && unlink(cur->seed) != 0 && errno != ENOENT)
        sp_log(SP_LOG_WARN, "cannot remove '%s': %s", cur->seed,
               strerror(errno));
    spi_vm_forget(cur, dir, &lock, err);
out:
    spi_unlock(&lock);
    sp_vm_record_free(cur);
    return err->code;
}

void rc_dangling(struct rc *rc)
{
    for (size_t i = 0; i < rc->nrecs && !rc->stopped; i++) {
        const sp_vm_record *r = rc->recs[i];
        sp_vm_state st = sp_vm_record_state(r);
        bool lun_gone;
        char why[600], buf[SP_ERROR_MSG_MAX + 64];
        if (!sp_vm_record_idle(r) ||
            (st != SP_VM_DEPLOYED && st != SP_VM_FAILED) ||
            !dangles(rc, r, why, sizeof(why), &lun_gone))
            continue;
        sp_finding f = {
            .kind = SP_FINDING_DANGLING,
            .ref = sp_id_str(sp_vm_record_id(r)),
            .object = "record",
            .where = sp_vm_record_host(r),
            .name = sp_vm_record_name(r),
            .entry = r->uuid,
            .age = rc->now - sp_vm_record_created(r),
            .why = why,
        };
        sp_error e;
        sp_error_clear(&e);
        if (rc->fix && drop_record(rc, r, lun_gone, &e) == SP_OK) {
            f.action =
                lun_gone ? "dropped, and its domain undefined" : "dropped";
        } else if (rc->fix && e.code == SP_ERR_PRECONDITION) {
            f.action = "kept: a process works on it";
        } else if (rc->fix) {
            f.fixed = e.code;
            snprintf(buf, sizeof(buf), "not dropped: %s", e.message);
            f.action = buf;
        }
        rc_report(rc, &f);
    }
}

/* ---- orphan domains ---- */

static bool recorded(const struct rc *rc, const char *uuid)
{
    for (size_t i = 0; i < rc->nrecs; i++)
        if (SPI_STREQ(rc->recs[i]->uuid, uuid))
            return true;
    return false;
}

void rc_orphan_domains(struct rc *rc)
{
    for (size_t i = 0; i < rc->ndoms && !rc->stopped; i++) {
        const struct rc_domain *d = &rc->doms[i];
        /* Only a domain whose metadata names this library is ours. */
        if (!d->library || !SPI_STREQ(d->library, rc->library) ||
            recorded(rc, d->uuid) || rc_entry_known(rc, d->uuid))
            continue;
        SPI_AUTOFREE char *ref =
            d->vm_id ? spi_xstrdup(d->vm_id)
                     : spi_xasprintf("vm:%s:%s", d->host, d->uuid);
        char kept[160], buf[SP_ERROR_MSG_MAX + 64];
        sp_finding f = {
            .kind = SP_FINDING_ORPHAN,
            .ref = ref,
            .object = "domain",
            .where = d->host,
            .name = d->name,
            .entry = d->uuid,
            .age = rc_age(rc, ref, d->uuid),
            .why = "a domain of this library that no VM record accounts for",
        };
        if (rc->fix && f.age >= (int64_t)rc->grace) {
            sp_host *h = NULL;
            sp_error e;
            sp_error_clear(&e);
            if (sp_host_open(rc->cfg, d->host, 0, &h, &e) == SP_OK &&
                sp_host_undefine(h, d->uuid, 0) != SP_OK)
                sp_error_copy(&e, sp_host_error(h));
            sp_host_close(h);
            f.fixed = e.code;
            if (e.code)
                snprintf(buf, sizeof(buf), "not removed: %s", e.message);
            else
                rc_seen_forget(rc, ref);
            f.action = e.code ? buf : "removed";
        } else if (rc->fix) {
            snprintf(kept, sizeof(kept),
                     "kept: %" PRId64 " s old, within the grace period of "
                     "%u s",
                     f.age, rc->grace);
            f.action = kept;
        }
        rc_report(rc, &f);
    }
}
