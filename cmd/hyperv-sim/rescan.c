/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd/hyperv-sim/rescan.c: the disks the host sees, found as a host finds
 * them: an iSCSI login with the host's own IQN (libiscsi), REPORT LUNS,
 * INQUIRY page 0x83, READ CAPACITY and the first sectors. */
#include <iscsi/iscsi.h>
#include <iscsi/scsi-lowlevel.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/cmd.h"
#include "hv.h"

/*
 * Masking is the array's, not the sim's: the sim logs in to each target
 * it has a session with, as its IQN, and sees what the target lets that
 * IQN see.  A LUN is known by its page-83 NAA designator (the LUN's WWN),
 * the UniqueId Windows shows.  A disk seen before keeps its state (offline,
 * signature set since); a new one is read like Windows reads it: its MBR
 * or GPT, the signature or disk GUID in it, and the file system of its
 * first partition.  A new disk whose signature or GUID is that of a disk
 * the host has online stays offline with the collision as its reason
 * (OfflineReason 4), as Windows keeps a cloned LUN.  A disk no longer
 * seen is gone.
 */

static struct iscsi_context *login(struct hv *h, const char *portal,
                                   unsigned port, const char *target,
                                   sp_error *err)
{
    if (!h->o.iqn) {
        sp_error_set(err, SP_ERR_PRECONDITION,
                     "the host has no iSCSI initiator (--iqn)");
        return NULL;
    }
    struct iscsi_context *c = iscsi_create_context(h->o.iqn);
    if (!c) {
        sp_error_set(err, SP_ERR_INTERNAL, "cannot make an iSCSI context");
        return NULL;
    }
    char *addr = cmd_xasprintf("%s:%u", portal, port);
    iscsi_set_session_type(c, target ? ISCSI_SESSION_NORMAL
                                     : ISCSI_SESSION_DISCOVERY);
    if (target)
        iscsi_set_targetname(c, target);
    iscsi_set_header_digest(c, ISCSI_HEADER_DIGEST_NONE_CRC32C);
    int rc = iscsi_connect_sync(c, addr);
    if (rc == 0)
        rc = iscsi_login_sync(c);
    if (rc != 0) {
        sp_error_set(err, SP_ERR_CONNECT, "cannot log in to '%s'%s%s: %s", addr,
                     target ? " for " : "", target ? target : "",
                     iscsi_get_error(c));
        iscsi_destroy_context(c);
        c = NULL;
    }
    free(addr);
    return c;
}

sp_code hv_discover(struct hv *h, const char *portal, unsigned port,
                    char ***targets, size_t *n, sp_error *err)
{
    *targets = NULL;
    *n = 0;
    struct iscsi_context *c = login(h, portal, port, NULL, err);
    if (!c)
        return err->code;
    struct iscsi_discovery_address *da = iscsi_discovery_sync(c);
    for (struct iscsi_discovery_address *d = da; d; d = d->next) {
        *targets = cmd_xrealloc(*targets, (*n + 1) * sizeof(char *));
        (*targets)[(*n)++] = cmd_xstrdup(d->target_name);
    }
    if (da)
        iscsi_free_discovery_data(c, da);
    iscsi_logout_sync(c);
    iscsi_destroy_context(c);
    return SP_OK;
}

static struct scsi_task *good(struct scsi_task *t)
{
    if (t && t->status != SCSI_STATUS_GOOD) {
        scsi_free_scsi_task(t);
        return NULL;
    }
    return t;
}

/* The NAA designator of page 0x83, in hex, or false. */
static bool lun_wwn(struct iscsi_context *c, int lun, char *out, size_t size)
{
    struct scsi_task *t = good(iscsi_inquiry_sync(c, lun, 1, 0x83, 255));
    struct scsi_inquiry_device_identification *id =
        t ? scsi_datain_unmarshall(t) : NULL;
    bool found = false;
    for (struct scsi_inquiry_device_designator *d = id ? id->designators : NULL;
         d && !found; d = d->next) {
        if (d->designator_type != SCSI_DESIGNATOR_TYPE_NAA ||
            d->association != SCSI_ASSOCIATION_LOGICAL_UNIT ||
            (size_t)d->designator_length * 2 >= size)
            continue;
        for (int k = 0; k < d->designator_length; k++)
            snprintf(out + 2 * k, 3, "%02X", (unsigned char)d->designator[k]);
        found = true;
    }
    if (t)
        scsi_free_scsi_task(t);
    return found;
}

static uint32_t le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

static uint64_t le64(const unsigned char *p)
{
    return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

/* Read @n blocks at @lba into a new buffer (freed by the caller). */
static unsigned char *read_blocks(struct iscsi_context *c, int lun,
                                  uint64_t lba, uint32_t n, uint32_t bs)
{
    if (lba > UINT32_MAX)
        return NULL;
    struct scsi_task *t = good(iscsi_read10_sync(c, lun, (uint32_t)lba, n * bs,
                                                 (int)bs, 0, 0, 0, 0, 0));
    if (!t || t->datain.size < (int)(n * bs)) {
        if (t)
            scsi_free_scsi_task(t);
        return NULL;
    }
    unsigned char *b = cmd_xcalloc(1, (size_t)n * bs);
    memcpy(b, t->datain.data, (size_t)n * bs);
    scsi_free_scsi_task(t);
    return b;
}

static bool ntfs_at(struct iscsi_context *c, int lun, uint64_t lba, uint32_t bs)
{
    unsigned char *b = read_blocks(c, lun, lba, 1, bs);
    bool yes = b && memcmp(b + 3, "NTFS    ", 8) == 0;
    free(b);
    return yes;
}

/* Partition style, signature or GUID, and the first partition's file
 * system, from the disk's first sectors. */
static void read_label(struct iscsi_context *c, int lun, uint32_t bs,
                       struct seen *s)
{
    unsigned char *b = read_blocks(c, lun, 0, 2, bs);
    if (!b || b[510] != 0x55 || b[511] != 0xAA) {
        free(b);
        return; /* raw: not initialized */
    }
    if (b[450] == 0xEE) { /* protective MBR: GPT */
        const unsigned char *g = b + bs + 56;
        if (memcmp(b + bs, "EFI PART", 8) == 0) {
            s->style = 2;
            snprintf(s->guid, sizeof(s->guid),
                     "{%08X-%04X-%04X-%02X%02X-%02X%02X%02X%02X%02X%02X}",
                     le32(g), g[4] | g[5] << 8, g[6] | g[7] << 8, g[8], g[9],
                     g[10], g[11], g[12], g[13], g[14], g[15]);
            uint64_t entries = le64(b + bs + 72);
            unsigned char *e = read_blocks(c, lun, entries, 1, bs);
            if (e)
                s->ntfs = ntfs_at(c, lun, le64(e + 32), bs);
            free(e);
        }
    } else {
        s->style = 1;
        s->signature = le32(b + 440);
        uint32_t start = le32(b + 454);
        if (b[450] && start)
            s->ntfs = ntfs_at(c, lun, start, bs);
    }
    free(b);
}

/* Every disk LUN the target shows the host. */
static sp_code scan_target(struct hv *h, const struct hv_session *ss,
                           struct seen **out, size_t *n, sp_error *err)
{
    struct iscsi_context *c = login(h, ss->portal, ss->port, ss->target, err);
    if (!c)
        return err->code;
    struct scsi_task *t = good(iscsi_reportluns_sync(c, 0, 16384));
    struct scsi_reportluns_list *l = t ? scsi_datain_unmarshall(t) : NULL;
    for (uint32_t k = 0; l && k < l->num; k++) {
        int lun = l->luns[k];
        struct scsi_task *inq = good(iscsi_inquiry_sync(c, lun, 0, 0, 255));
        struct scsi_inquiry_standard *std =
            inq ? scsi_datain_unmarshall(inq) : NULL;
        bool disk = std && std->qualifier == 0 && std->device_type == 0;
        if (inq)
            scsi_free_scsi_task(inq);
        struct seen s = {.lun = (unsigned)lun};
        if (!disk || !lun_wwn(c, lun, s.wwn, sizeof(s.wwn)))
            continue;
        snprintf(s.target, sizeof(s.target), "%s", ss->target);
        struct scsi_task *sn = good(iscsi_inquiry_sync(c, lun, 1, 0x80, 255));
        struct scsi_inquiry_unit_serial_number *usn =
            sn ? scsi_datain_unmarshall(sn) : NULL;
        if (usn && usn->usn) {
            /* As Windows shows it: without the padding. */
            const char *u = usn->usn;
            while (*u == ' ')
                u++;
            snprintf(s.serial, sizeof(s.serial), "%s", u);
            size_t sl = strlen(s.serial);
            while (sl && s.serial[sl - 1] == ' ')
                s.serial[--sl] = '\0';
        }
        if (sn)
            scsi_free_scsi_task(sn);
        struct scsi_task *cap = good(iscsi_readcapacity16_sync(c, lun));
        struct scsi_readcapacity16 *rc16 =
            cap ? scsi_datain_unmarshall(cap) : NULL;
        uint32_t bs = rc16 && rc16->block_length ? rc16->block_length : 512;
        if (rc16)
            s.size = (rc16->returned_lba + 1) * bs;
        if (cap)
            scsi_free_scsi_task(cap);
        if (!s.size) { /* READ CAPACITY (10), as older targets want */
            cap = good(iscsi_readcapacity10_sync(c, lun, 0, 0));
            struct scsi_readcapacity10 *rc10 =
                cap ? scsi_datain_unmarshall(cap) : NULL;
            if (rc10) {
                bs = rc10->block_size ? rc10->block_size : 512;
                s.size = ((uint64_t)rc10->lba + 1) * bs;
            }
            if (cap)
                scsi_free_scsi_task(cap);
        }
        read_label(c, lun, bs, &s);
        *out = cmd_xrealloc(*out, (*n + 1) * sizeof(**out));
        (*out)[(*n)++] = s;
    }
    if (t)
        scsi_free_scsi_task(t);
    iscsi_logout_sync(c);
    iscsi_destroy_context(c);
    return SP_OK;
}

/* Does an online disk other than @self carry @d's signature or GUID? */
static const struct hv_disk *collision(struct hv *h, const struct hv_disk *d)
{
    for (size_t k = 0; k < h->ndisks; k++) {
        const struct hv_disk *o = &h->disks[k];
        if (o == d || o->offline || o->partition_style != d->partition_style)
            continue;
        if ((d->partition_style == 1 && d->signature &&
             o->signature == d->signature) ||
            (d->partition_style == 2 && strcasecmp(o->guid, d->guid) == 0))
            return o;
    }
    return NULL;
}

bool hv_disk_collides(struct hv *h, const struct hv_disk *d)
{
    return collision(h, d) != NULL;
}

static unsigned free_number(struct hv *h)
{
    for (unsigned n = 1;; n++)
        if (!hv_disk_find(h, n))
            return n;
}

sp_code hv_rescan(struct hv *h, sp_error *err)
{
    struct seen *seen = NULL;
    size_t nseen = 0;
    for (size_t k = 0; k < h->nsessions; k++) {
        sp_code rc = scan_target(h, &h->sessions[k], &seen, &nseen, err);
        if (rc) {
            /* The target refuses the host now (unmasked): none of its
             * LUNs are seen; anything else is a failed rescan. */
            if (rc != SP_ERR_CONNECT) {
                free(seen);
                return rc;
            }
            sp_log(SP_LOG_INFO, "rescan: %s", err->message);
        }
    }
    sp_code rc = hv_smis_seen(h, &seen, &nseen, err);
    if (rc) {
        free(seen);
        return rc;
    }
    /* Gone: the disks of the array no longer seen. */
    for (size_t k = 0; k < h->ndisks;) {
        struct hv_disk *d = &h->disks[k];
        bool still = d->boot;
        for (size_t s = 0; s < nseen && !still; s++)
            still = strcasecmp(seen[s].wwn, d->unique_id) == 0;
        if (still) {
            k++;
            continue;
        }
        sp_log(SP_LOG_INFO, "rescan: disk %u (%s) is gone", d->number,
               d->unique_id);
        hv_disk_release(d);
        memmove(d, d + 1, (h->ndisks - k - 1) * sizeof(*d));
        h->ndisks--;
    }
    /* New: read as Windows reads them; offline (the policy for shared
     * disks), or for a collision. */
    for (size_t s = 0; s < nseen; s++) {
        bool known = false;
        for (size_t k = 0; k < h->ndisks && !known; k++)
            known = strcasecmp(h->disks[k].unique_id, seen[s].wwn) == 0;
        if (known)
            continue;
        cmd_grow((void **)&h->disks, &h->capdisks, h->ndisks + 1,
                 sizeof(*h->disks));
        struct hv_disk *d = &h->disks[h->ndisks];
        memset(d, 0, sizeof(*d));
        d->number = free_number(h);
        h->ndisks++;
        d->unique_id = cmd_xstrdup(seen[s].wwn);
        d->serial = seen[s].serial[0] ? cmd_xstrdup(seen[s].serial) : NULL;
        d->friendly = cmd_xstrdup(seen[s].target[0] ? "IET VIRTUAL-DISK"
                                                    : "SIM VIRTUAL-DISK");
        d->target = seen[s].target[0] ? cmd_xstrdup(seen[s].target) : NULL;
        d->lun = seen[s].lun;
        d->size = seen[s].size;
        d->partition_style = seen[s].style;
        d->signature = seen[s].signature;
        snprintf(d->guid, sizeof(d->guid), "%s", seen[s].guid);
        d->fs = seen[s].ntfs ? cmd_xstrdup("NTFS") : NULL;
        d->label = cmd_xstrdup("");
        d->paths.v = cmd_xcalloc(1, sizeof(char *));
        d->offline = true;
        d->offline_reason = collision(h, d) ? 4 : 1;
        sp_log(SP_LOG_INFO, "rescan: disk %u is LUN %u of '%s' (%s)%s",
               d->number, d->lun, d->target ? d->target : "smis-sim",
               d->unique_id,
               d->offline_reason == 4 ? ", a signature "
                                        "collision"
                                      : "");
    }
    free(seen);
    return SP_OK;
}
