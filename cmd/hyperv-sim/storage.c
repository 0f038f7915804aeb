/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd/hyperv-sim/storage.c: the methods of root/Microsoft/Windows/Storage
 * (disks, partitions, the rescan, iSCSI) and root/cimv2 (the iSCSI
 * initiator service). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/cmd.h"
#include "hv.h"

/* MSFT storage methods' return values. */
enum {
    ST_OK = 0,
    ST_NOT_SUPPORTED = 1,
    ST_FAILED = 4,
    ST_INVALID_PARAMETER = 5,
};

static void status(struct hv_out *o, uint32_t rv, const char *why)
{
    o->rv = rv;
    if (why) {
        sp_buf_addstr(&o->params, "<p:ExtendedStatus>");
        hv_xml_text(&o->params, why);
        sp_buf_addstr(&o->params, "</p:ExtendedStatus>");
        sp_log(SP_LOG_INFO, "storage method refused (%u): %s", rv, why);
    }
}

/* The disk the request's ObjectId names. */
static struct hv_disk *disk_of(struct hv *h, const struct hv_request *rq,
                               const char *cls)
{
    struct hv_inst *i = hv_get(h, HV_NS_STORAGE, cls, &rq->target);
    if (!i)
        return NULL;
    const char *num = hv_inst_get(
        i, strcasecmp(cls, "MSFT_Disk") == 0 ? "Number" : "DiskNumber");
    struct hv_disk *d =
        num ? hv_disk_find(h, (unsigned)strtoul(num, NULL, 10)) : NULL;
    hv_inst_free(i);
    return d;
}

static const char *text_param(const struct hv_request *rq, const char *name)
{
    const struct hv_param *p = hv_param_find(rq, name);
    return p ? p->text : NULL;
}

static bool parse_guid(const char *s, char out[39])
{
    size_t n = strlen(s);
    const char *g = s;
    if (n == 38 && s[0] == '{' && s[37] == '}')
        g = s + 1;
    else if (n != 36)
        return false;
    for (size_t k = 0; k < 36; k++) {
        bool dash = k == 8 || k == 13 || k == 18 || k == 23;
        if (dash ? g[k] != '-' : !strchr("0123456789abcdefABCDEF", g[k]))
            return false;
    }
    snprintf(out, 39, "{%.36s}", g);
    for (char *p = out; *p; p++)
        if (*p >= 'a' && *p <= 'f')
            *p = (char)(*p - 'a' + 'A');
    return true;
}

static void disk_method(struct hv *h, const struct hv_request *rq,
                        struct hv_out *o)
{
    struct hv_disk *d = disk_of(h, rq, "MSFT_Disk");
    if (!d) {
        hv_out_fail(o, 6, "Not found ");
        return;
    }
    const char *m = rq->method;
    if (strcasecmp(m, "Online") == 0) {
        if (d->offline && hv_disk_collides(h, d)) {
            status(o, ST_FAILED,
                   "the disk's signature collides with an online "
                   "disk's: give it a new one (SetAttributes)");
            return;
        }
        d->offline = false;
        d->offline_reason = 0;
        status(o, ST_OK, NULL);
        return;
    }
    if (strcasecmp(m, "Offline") == 0) {
        if (d->boot) {
            status(o, ST_FAILED, "the system disk cannot go offline");
            return;
        }
        d->offline = true;
        d->offline_reason = 1;
        status(o, ST_OK, NULL);
        return;
    }
    if (strcasecmp(m, "SetAttributes") != 0) {
        hv_out_fail(o, 16, "Method not found ");
        return;
    }
    const char *ro = text_param(rq, "IsReadOnly");
    const char *sig = text_param(rq, "Signature");
    const char *guid = text_param(rq, "Guid");
    char g[39];
    if (sig && d->partition_style != 1) {
        status(o, ST_INVALID_PARAMETER, "a Signature is for an MBR disk");
        return;
    }
    if (guid && (d->partition_style != 2 || !parse_guid(guid, g))) {
        status(o, ST_INVALID_PARAMETER,
               "a Guid is for a GPT disk, written {8-4-4-4-12}");
        return;
    }
    if (ro)
        d->read_only = strcasecmp(ro, "true") == 0;
    if (sig)
        d->signature = (uint32_t)strtoul(sig, NULL, 10);
    if (guid)
        memcpy(d->guid, g, sizeof(g));
    if (d->offline && d->offline_reason == 4 && !hv_disk_collides(h, d))
        d->offline_reason = 1; /* offline now by policy only */
    status(o, ST_OK, NULL);
}

static void partition_method(struct hv *h, const struct hv_request *rq,
                             struct hv_out *o)
{
    struct hv_disk *d = disk_of(h, rq, "MSFT_Partition");
    if (!d) {
        hv_out_fail(o, 6, "Not found ");
        return;
    }
    const char *path = text_param(rq, "AccessPath");
    bool add = strcasecmp(rq->method, "AddAccessPath") == 0;
    if (!add && strcasecmp(rq->method, "RemoveAccessPath") != 0) {
        hv_out_fail(o, 16, "Method not found ");
        return;
    }
    if (!path || !*path) {
        status(o, ST_INVALID_PARAMETER, "no AccessPath");
        return;
    }
    if (d->offline) {
        status(o, ST_FAILED, "the disk is offline");
        return;
    }
    size_t at = d->paths.n;
    for (size_t k = 0; k < d->paths.n; k++)
        if (strcasecmp(d->paths.v[k], path) == 0)
            at = k;
    if (add) {
        if (at < d->paths.n) {
            status(o, ST_INVALID_PARAMETER,
                   "the partition has that access path");
            return;
        }
        /* A folder path lies on another online volume; a drive letter
         * is free. */
        bool letter = strlen(path) == 3 && path[1] == ':' && path[2] == '\\';
        bool ok = letter;
        for (size_t k = 0; k < h->ndisks; k++) {
            const struct hv_disk *o2 = &h->disks[k];
            for (size_t p = 0; p < o2->paths.n; p++) {
                if (strcasecmp(o2->paths.v[p], path) == 0) {
                    status(o, ST_INVALID_PARAMETER,
                           "the access path is in use");
                    return;
                }
                if (!letter && !o2->offline && o2 != d &&
                    strncasecmp(path, o2->paths.v[p], strlen(o2->paths.v[p])) ==
                        0)
                    ok = true;
            }
        }
        if (!ok) {
            status(o, ST_INVALID_PARAMETER,
                   "the access path is on no volume of the host");
            return;
        }
        d->paths.v =
            cmd_xrealloc(d->paths.v, (d->paths.n + 1) * sizeof(char *));
        d->paths.v[d->paths.n++] = cmd_xstrdup(path);
        status(o, ST_OK, NULL);
        return;
    }
    if (at == d->paths.n) {
        status(o, ST_INVALID_PARAMETER,
               "the partition has no such access path");
        return;
    }
    free(d->paths.v[at]);
    memmove(&d->paths.v[at], &d->paths.v[at + 1],
            (d->paths.n - at - 1) * sizeof(char *));
    d->paths.n--;
    status(o, ST_OK, NULL);
}

static void embedded_out(struct hv_out *o, const char *name, struct hv_inst *i)
{
    sp_buf_addf(&o->params, "<p:%s>", name);
    hv_write_inst(&o->params, i, NULL);
    sp_buf_addf(&o->params, "</p:%s>", name);
    hv_inst_free(i);
}

static unsigned port_of(const struct hv_request *rq, const char *name)
{
    const char *p = text_param(rq, name);
    return p && *p ? (unsigned)strtoul(p, NULL, 10) : 3260;
}

static void portal_new(struct hv *h, const struct hv_request *rq,
                       struct hv_out *o)
{
    const char *addr = text_param(rq, "TargetPortalAddress");
    unsigned port = port_of(rq, "TargetPortalPortNumber");
    if (!addr || !*addr) {
        hv_out_fail(o, 4, "Invalid parameter ");
        return;
    }
    if (!h->iscsi_running) {
        hv_out_fail(o, 1,
                    "The Microsoft iSCSI initiator service "
                    "has not been started.");
        return;
    }
    char **t = NULL;
    size_t n = 0;
    sp_error err;
    if (hv_discover(h, addr, port, &t, &n, &err)) {
        hv_out_fail(o, 1, "The target portal could not be reached: %s",
                    err.message);
        return;
    }
    for (size_t k = 0; k < n; k++)
        free(t[k]);
    free(t);
    bool have = false;
    for (size_t k = 0; k < h->nportals; k++)
        have = have || (strcmp(h->portals[k].address, addr) == 0 &&
                        h->portals[k].port == port);
    if (!have) {
        cmd_grow((void **)&h->portals, &h->capportals, h->nportals + 1,
                 sizeof(*h->portals));
        h->portals[h->nportals++] = (struct hv_portal){cmd_xstrdup(addr), port};
    }
    struct hv_inst *i = hv_inst_new(HV_NS_STORAGE, "MSFT_iSCSITargetPortal");
    hv_inst_str(i, "TargetPortalAddress", addr);
    hv_inst_u64(i, "TargetPortalPortNumber", port);
    embedded_out(o, "CreatedTargetPortal", i);
    o->rv = 0;
}

static void portal_remove(struct hv *h, const struct hv_request *rq,
                          struct hv_out *o)
{
    const char *addr = hv_epr_selector(&rq->target, "TargetPortalAddress");
    const char *port = hv_epr_selector(&rq->target, "TargetPortalPortNumber");
    for (size_t k = 0; addr && port && k < h->nportals; k++)
        if (strcmp(h->portals[k].address, addr) == 0 &&
            h->portals[k].port == strtoul(port, NULL, 10)) {
            free(h->portals[k].address);
            memmove(&h->portals[k], &h->portals[k + 1],
                    (h->nportals - k - 1) * sizeof(*h->portals));
            h->nportals--;
            o->rv = 0;
            return;
        }
    hv_out_fail(o, 6, "Not found ");
}

static void target_connect(struct hv *h, const struct hv_request *rq,
                           struct hv_out *o)
{
    const char *iqn = text_param(rq, "NodeAddress");
    const char *addr = text_param(rq, "TargetPortalAddress");
    unsigned port = port_of(rq, "TargetPortalPortNumber");
    const char *persist = text_param(rq, "IsPersistent");
    if (!iqn || !*iqn) {
        hv_out_fail(o, 4, "Invalid parameter ");
        return;
    }
    if (!h->iscsi_running) {
        hv_out_fail(o, 1,
                    "The Microsoft iSCSI initiator service "
                    "has not been started.");
        return;
    }
    if (!addr && h->nportals) {
        addr = h->portals[0].address;
        port = h->portals[0].port;
    }
    if (!addr) {
        hv_out_fail(o, 1,
                    "The target has not been discovered: add "
                    "its portal first");
        return;
    }
    for (size_t k = 0; k < h->nsessions; k++)
        if (strcmp(h->sessions[k].target, iqn) == 0) {
            hv_out_fail(o, 1,
                        "The target has already been logged in "
                        "via an iSCSI session.");
            return;
        }
    /* A login as the host proves the array lets it in. */
    char **t = NULL;
    size_t n = 0;
    sp_error err;
    if (hv_discover(h, addr, port, &t, &n, &err)) {
        hv_out_fail(o, 1, "%s", err.message);
        return;
    }
    bool offered = false;
    for (size_t k = 0; k < n; k++) {
        offered = offered || strcmp(t[k], iqn) == 0;
        free(t[k]);
    }
    free(t);
    if (!offered) {
        hv_out_fail(o, 1,
                    "Authorization Failure: the portal does not "
                    "offer '%s' to this initiator",
                    iqn);
        return;
    }
    cmd_grow((void **)&h->sessions, &h->capsessions, h->nsessions + 1,
             sizeof(*h->sessions));
    struct hv_session *s = &h->sessions[h->nsessions++];
    memset(s, 0, sizeof(*s));
    snprintf(s->id, sizeof(s->id), "ffffe000%08zx-4000013700000%03zu",
             h->nsessions, h->nsessions);
    s->target = cmd_xstrdup(iqn);
    s->portal = cmd_xstrdup(addr);
    s->port = port;
    s->persistent = persist && strcasecmp(persist, "true") == 0;
    struct hv_inst *i = hv_inst_new(HV_NS_STORAGE, "MSFT_iSCSISession");
    hv_inst_str(i, "SessionIdentifier", s->id);
    hv_inst_str(i, "TargetNodeAddress", s->target);
    hv_inst_bool(i, "IsPersistent", s->persistent);
    embedded_out(o, "CreatedSession", i);
    o->rv = 0;
}

static void target_disconnect(struct hv *h, const struct hv_request *rq,
                              struct hv_out *o)
{
    const char *iqn = hv_epr_selector(&rq->target, "NodeAddress");
    const char *sid = text_param(rq, "SessionIdentifier");
    bool any = false;
    for (size_t k = 0; iqn && k < h->nsessions;) {
        struct hv_session *s = &h->sessions[k];
        if (strcmp(s->target, iqn) != 0 || (sid && strcmp(sid, s->id) != 0)) {
            k++;
            continue;
        }
        any = true;
        free(s->target);
        free(s->portal);
        memmove(s, s + 1, (h->nsessions - k - 1) * sizeof(*s));
        h->nsessions--;
    }
    if (!any) {
        hv_out_fail(o, 6, "Not found ");
        return;
    }
    /* Its disks go with the session. */
    for (size_t k = 0; k < h->ndisks;) {
        if (h->disks[k].target && strcmp(h->disks[k].target, iqn) == 0) {
            hv_disk_release(&h->disks[k]);
            memmove(&h->disks[k], &h->disks[k + 1],
                    (h->ndisks - k - 1) * sizeof(*h->disks));
            h->ndisks--;
        } else {
            k++;
        }
    }
    o->rv = 0;
}

static void service_method(struct hv *h, const struct hv_request *rq,
                           struct hv_out *o)
{
    const char *name = hv_epr_selector(&rq->target, "Name");
    if (!name || strcasecmp(name, "MSiSCSI") != 0) {
        hv_out_fail(o, 6, "Not found ");
        return;
    }
    const char *m = rq->method;
    /* Win32_Service return values: 0 success, 10 already running, 5 not
     * running (cannot accept control), 21 invalid parameter. */
    if (strcasecmp(m, "StartService") == 0) {
        o->rv = h->iscsi_running ? 10 : 0;
        h->iscsi_running = true;
    } else if (strcasecmp(m, "StopService") == 0) {
        o->rv = h->iscsi_running ? 0 : 5;
        h->iscsi_running = false;
    } else if (strcasecmp(m, "ChangeStartMode") == 0) {
        const char *mode = text_param(rq, "StartMode");
        if (mode && strcasecmp(mode, "Automatic") == 0)
            h->iscsi_auto = true;
        else if (mode && strcasecmp(mode, "Manual") == 0)
            h->iscsi_auto = false;
        else
            o->rv = 21;
    } else {
        hv_out_fail(o, 16, "Method not found ");
    }
}

void hv_storage_invoke(struct hv *h, const struct hv_request *rq,
                       const char *ns, const char *cls, struct hv_out *o)
{
    const char *m = rq->method;
    if (strcasecmp(ns, HV_NS_CIMV2) == 0) {
        if (strcasecmp(cls, "Win32_Service") == 0) {
            service_method(h, rq, o);
            return;
        }
        hv_out_fail(o, 16, "Method not found ");
        return;
    }
    if (strcasecmp(cls, "MSFT_Disk") == 0) {
        disk_method(h, rq, o);
        return;
    }
    if (strcasecmp(cls, "MSFT_Partition") == 0) {
        partition_method(h, rq, o);
        return;
    }
    if (strcasecmp(cls, "MSFT_StorageSetting") == 0 &&
        strcasecmp(m, "UpdateHostStorageCache") == 0) {
        sp_error err;
        if (hv_rescan(h, &err)) {
            status(o, ST_FAILED, err.message);
            return;
        }
        status(o, ST_OK, NULL);
        return;
    }
    if (strcasecmp(cls, "MSFT_iSCSITargetPortal") == 0 &&
        strcasecmp(m, "New") == 0) {
        portal_new(h, rq, o);
        return;
    }
    if (strcasecmp(cls, "MSFT_iSCSITargetPortal") == 0 &&
        strcasecmp(m, "Remove") == 0) {
        portal_remove(h, rq, o);
        return;
    }
    if (strcasecmp(cls, "MSFT_iSCSITarget") == 0 &&
        strcasecmp(m, "Connect") == 0) {
        target_connect(h, rq, o);
        return;
    }
    if (strcasecmp(cls, "MSFT_iSCSITarget") == 0 &&
        strcasecmp(m, "Disconnect") == 0) {
        target_disconnect(h, rq, o);
        return;
    }
    hv_out_fail(o, 16, "Method not found ");
}
