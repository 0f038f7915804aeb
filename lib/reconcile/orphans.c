/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/reconcile/orphans.c: LUNs tagged with this library that no record or
 * journal accounts for, told and, past the grace period, deleted. */
#include "reconcile.h"
#include "../util/tag.h"

#include <inttypes.h>

/* Whether VM record @r accounts for LUN @key of its entry: it is its LUN,
 * or the record is live or half-made (and told as such).  *@why says what
 * it says of another LUN. */
static bool record_accounts(const sp_vm_record *r, const char *key)
{
    sp_vm_state st = sp_vm_record_state(r);
    if (!sp_vm_record_idle(r) || (st != SP_VM_DEPLOYED && st != SP_VM_FAILED))
        return true;
    const sp_id *lun = sp_vm_record_lun(r);
    return lun && SPI_STREQ(sp_id_field(lun, 1), key);
}

/* Whether journal @j accounts for LUN @key named @name. */
static bool journal_accounts(const struct rc_journal *j, const char *key,
                             const char *name)
{
    if (j->alive || j->d.state != SPI_JSTATE_DONE)
        return true; /* a live run's, or a dead one's, told as half-made */
    for (size_t i = 0; i < j->d.n; i++) {
        const struct spi_jobj *o = &j->d.objs[i];
        if (o->step == SPI_JSTEP_MADE && SPI_STREQ(sp_id_field(o->id, 1), key))
            return true;
        /* A job still making it when the run ended (--timeout). */
        if (o->step == SPI_JSTEP_BEGUN && name && SPI_STREQ(o->name, name))
            return true;
    }
    return false;
}

/* LUN @l of a dead run's journal @j (not settled: only when listing):
 * told with the journal, which reconcile --fix undoes or finishes. */
static void left_by(struct rc *rc, const struct rc_array *ra, const sp_lun *l,
                    const struct rc_journal *j)
{
    char why[160];
    snprintf(why, sizeof(why),
             "made by the run of journal:%s, which is gone before it ended",
             j->entry);
    sp_finding f = {
        .kind = SP_FINDING_HALF_MADE,
        .ref = sp_id_str(sp_lun_id(l)),
        .object = "lun",
        .where = ra->name,
        .name = sp_lun_name(l),
        .entry = j->entry,
        .age = rc->now - j->d.holder.since,
        .why = why,
    };
    rc_report(rc, &f);
}

/* A copy the dead deploy of record @r made without its record knowing (it
 * died between the copy's answer and the record's next write): told with
 * the record when listing (its record's own LUN is told by
 * rc_half_made_parts()).  True when @l is such a copy. */
static bool copy_unrecorded(struct rc *rc, const struct rc_array *ra,
                            const sp_lun *l, const sp_vm_record *r)
{
    sp_vm_state st = sp_vm_record_state(r);
    const sp_id *lun = sp_vm_record_lun(r);
    if (!sp_vm_record_idle(r) || st == SP_VM_DEPLOYED || st == SP_VM_FAILED ||
        (lun && SPI_STREQ(sp_id_field(lun, 1), sp_id_field(sp_lun_id(l), 1))))
        return false;
    if (rc->fix)
        return false; /* the record was undone: an orphan now, if left */
    char why[200];
    snprintf(why, sizeof(why),
             "a copy the dead deploy of VM %s made before its record could "
             "say so",
             sp_id_str(sp_vm_record_id(r)));
    sp_finding f = {
        .kind = SP_FINDING_HALF_MADE,
        .ref = sp_id_str(sp_lun_id(l)),
        .object = "lun",
        .where = ra->name,
        .name = sp_lun_name(l),
        .entry = sp_id_field(sp_vm_record_id(r), 1),
        .age = rc->now - sp_vm_record_created(r),
        .why = why,
    };
    rc_report(rc, &f);
    return true;
}

void rc_lun_found(struct rc *rc, struct rc_array *ra, const sp_lun *l)
{
    const char *entry = NULL;
    if (!sp_lun_tagged(l, rc->library, NULL) || !sp_lun_tag(l, NULL, &entry) ||
        !entry)
        return;
    const char *key = sp_id_field(sp_lun_id(l), 1);
    bool matched = false;
    for (size_t i = 0; i < rc->nrecs; i++) {
        const sp_vm_record *r = rc->recs[i];
        if (!spi_tag_names(entry, sp_id_field(sp_vm_record_id(r), 1),
                           SPI_TAG_ENTRY_HEX))
            continue;
        if (copy_unrecorded(rc, ra, l, r))
            return;
        if (record_accounts(r, key))
            return;
        matched = true;
    }
    for (size_t i = 0; i < rc->njs; i++) {
        const struct rc_journal *j = &rc->js[i];
        if (!spi_tag_names(entry, j->entry, SPI_TAG_ENTRY_HEX))
            continue;
        if (!j->alive && j->d.state != SPI_JSTATE_DONE) {
            left_by(rc, ra, l, j);
            return;
        }
        if (journal_accounts(j, key, sp_lun_name(l)))
            return;
        matched = true;
    }
    spi_xgrow((void **)&rc->orphans, &rc->caporphans, rc->norphans + 1,
              sizeof(*rc->orphans));
    rc->orphans[rc->norphans++] = (struct rc_orphan){
        .array = ra,
        .id = sp_id_copy(sp_lun_id(l)),
        .name = spi_xstrdup(sp_lun_name(l)),
        .entry = spi_xstrdup(entry),
        .masked = sp_lun_mask_count(l) > 0,
        .matched = matched,
    };
}

/* Delete orphan @o, unmasked first; what --fix did, into @f. */
static void remove_orphan(struct rc *rc, const struct rc_orphan *o,
                          sp_finding *f, char *buf, size_t size)
{
    /* A run that began after the library was read knows the entry now. */
    rc_read_entries(rc);
    if (!o->matched && rc_entry_known(rc, o->entry)) {
        f->action = "kept: a run of its entry has begun meanwhile";
        return;
    }
    sp_array *a = o->array->a;
    if (sp_array_delete_lun(a, o->id, SP_LUN_FORCE) == SP_OK ||
        sp_array_error(a)->code == SP_ERR_NOT_FOUND) {
        f->action = "removed";
        sp_array_sync(a, 0);
        rc_seen_forget(rc, sp_id_str(o->id));
        return;
    }
    f->fixed = sp_array_error(a)->code;
    snprintf(buf, size, "%s; cannot remove it: %s", f->why,
             sp_array_error(a)->message);
    f->why = buf;
    f->action = "not removed";
}

void rc_orphan_luns(struct rc *rc)
{
    for (size_t i = 0; i < rc->norphans && !rc->stopped; i++) {
        const struct rc_orphan *o = &rc->orphans[i];
        /* Of a run that began while the arrays were listed. */
        if (!o->matched && rc_entry_known(rc, o->entry))
            continue;
        char why[512], buf[SP_ERROR_MSG_MAX + 600];
        snprintf(why, sizeof(why),
                 o->matched
                     ? "tagged by entry %s of this library, whose record or "
                       "journal names other LUNs"
                     : "tagged by entry %s of this library; no record or "
                       "journal accounts for it",
                 o->entry);
        sp_finding f = {
            .kind = SP_FINDING_ORPHAN,
            .ref = sp_id_str(o->id),
            .object = "lun",
            .where = o->array->name,
            .name = o->name,
            .entry = o->entry,
            .age = rc_age(rc, sp_id_str(o->id), o->entry),
            .why = why,
        };
        char kept[160];
        if (rc->fix && f.age >= (int64_t)rc->grace) {
            remove_orphan(rc, o, &f, buf, sizeof(buf));
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
