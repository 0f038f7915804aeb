/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/deploy/plan.c: a deploy's plan and its preflight: every prerequisite
 * of rapid provisioning checked before anything changes, and each VM
 * placed on a host. */
#include "deploy.h"
#include "../util/file.h"

#include <stdarg.h>

#include <inttypes.h>
#include <uuid/uuid.h>

static sp_code unmet(sp_error *err, const char *fmt, ...) SP_PRINTF(2, 3);
static sp_code unmet(sp_error *err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char msg[SP_ERROR_MSG_MAX];
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    return sp_error_set(err, SP_ERR_PRECONDITION, "%s", msg);
}

/* ---- the array side ---- */

/* The copy method: the template's, else the array's configured one when
 * it can make it, else what it can (snapshots first: no room needed). */
static sp_code choose_method(sp_deploy *d, const sp_array_caps *caps,
                             sp_error *err)
{
    const char *tname = sp_template_name(d->tmpl);
    sp_copy_method m = sp_template_copy(d->tmpl);
    if (m == SP_COPY_SNAPSHOT && !caps->snapshot)
        return unmet(err,
                     "template '%s' is copied by snapshot, and array "
                     "'%s' cannot make snapshots (see array-info)",
                     tname, d->array);
    if (m == SP_COPY_CLONE && !caps->clone)
        return unmet(err,
                     "template '%s' is copied by clone, and array '%s' "
                     "cannot make clones (see array-info)",
                     tname, d->array);
    if (m == SP_COPY_NONE) {
        const char *pref =
            sp_config_get(d->cfg, "array", d->array, "copy-method");
        if (pref && SPI_STREQ(pref, "clone") && caps->clone)
            m = SP_COPY_CLONE;
        else if (caps->snapshot)
            m = SP_COPY_SNAPSHOT;
        else if (caps->clone)
            m = SP_COPY_CLONE;
        else
            return unmet(err,
                         "array '%s' can make neither snapshots nor "
                         "clones, so template '%s' cannot be provisioned by "
                         "SAN copy (see array-info)",
                         d->array, tname);
    }
    d->method = m;
    return SP_OK;
}

struct names_in_pool {
    sp_deploy *d;
    const char *taken;
};

static int lun_named(sp_lun *l, void *ctx)
{
    struct names_in_pool *q = ctx;
    for (size_t i = 0; i < q->d->n && !q->taken && sp_lun_name(l); i++)
        if (SPI_STREQ(sp_lun_name(l), q->d->vms[i].name))
            q->taken = q->d->vms[i].name;
    sp_lun_free(l);
    return q->taken ? -1 : 0;
}

static sp_code check_array(sp_deploy *d, sp_array_caps *caps, sp_error *err)
{
    const sp_id *lun = sp_template_lun(d->tmpl);
    d->array = spi_xstrdup(sp_id_field(lun, 0));
    sp_array *a = spi_reach_array(&d->reach, d->array, err);
    if (!a)
        return err->code;
    if (spi_array_capabilities(a, caps))
        return spi_array_failed(a, err);
    sp_code rc = choose_method(d, caps, err);
    if (rc)
        return rc;
    sp_lun *l;
    if (sp_array_get_lun(a, lun, 0, &l)) {
        if (sp_array_error(a)->code == SP_ERR_NOT_FOUND)
            return unmet(err,
                         "the LUN of template '%s', %s, is not on array "
                         "'%s' any more: %s",
                         sp_template_name(d->tmpl), sp_id_str(lun), d->array,
                         sp_array_error(a)->message);
        return spi_array_failed(a, err);
    }
    d->source = sp_id_copy(lun);
    d->lun_size = sp_lun_size(l);
    const sp_id *pool =
        sp_template_pool(d->tmpl) ? sp_template_pool(d->tmpl) : sp_lun_pool(l);
    d->pool = pool ? sp_id_copy(pool) : NULL;
    sp_lun_free(l);
    if (!d->pool)
        return unmet(err, "array '%s' does not say which pool LUN %s is in",
                     d->array, sp_id_str(lun));
    if (sp_array_get_pool(a, d->pool, &d->pool_obj))
        return spi_array_failed(a, err);
    if (!sp_pool_managed(d->pool_obj))
        return unmet(err,
                     "pool %s is not managed: give it a [pool \"%s:%s\"] "
                     "section with its host-groups (sanprov.conf(5))",
                     sp_id_str(d->pool), d->array, sp_pool_name(d->pool_obj));
    if (!sp_pool_host_groups(d->pool_obj))
        return unmet(err,
                     "pool %s is allocated to no host group (set "
                     "host-groups in its [pool] section)",
                     sp_id_str(d->pool));
    return SP_OK;
}

/* ---- the host side ---- */

/* Whether host @h, this machine, can open the disk files and customization
 * media of its VMs: refused with --start, else a warning (the VMs are
 * defined, and would not start). */
static sp_code check_reach(sp_deploy *d, sp_host *h, sp_error *err)
{
    sp_array *a = spi_reach_array(&d->reach, d->array, err);
    if (!a)
        return err->code;
    SPI_AUTOFREE char *pool = NULL;
    if (sp_array_pool_path(a, d->pool, &pool))
        return spi_array_failed(a, err);
    SPI_AUTOFREE char *seeds = spi_seed_dir(d->cfg, d->lib, sp_host_name(h));
    const char *const dirs[] = {pool, seeds};
    for (size_t i = 0; i < SPI_ARRAY_SIZE(dirs); i++) {
        sp_code rc = sp_host_check_dir(h, dirs[i]);
        if (rc == SP_ERR_PRECONDITION && d->start)
            return unmet(err, "the VMs cannot start: %s",
                         sp_host_error(h)->message);
        if (rc == SP_ERR_PRECONDITION) { /* once is enough */
            sp_log(SP_LOG_WARN, "warning: the VMs will not start: %s",
                   sp_host_error(h)->message);
            break;
        }
        if (rc)
            return spi_host_failed(h, err);
    }
    return SP_OK;
}

/* Whether @host can take the template's VMs: its group, connectivity,
 * initiators, firmware and media.  @connect gets how it reaches the LUN. */
static sp_code check_host(sp_deploy *d, const sp_array_caps *caps,
                          unsigned int conn, const char *host,
                          const char **connect, unsigned int *vms,
                          sp_error *err)
{
    const char *group = sp_config_get(d->cfg, "host", host, "group");
    if (!group)
        return unmet(err,
                     "host '%s' is in no host group (set group in its "
                     "[host] section)",
                     host);
    if (!sp_pool_allocated_to(d->pool_obj, group))
        return unmet(err,
                     "pool %s is allocated to host groups %s, not to "
                     "'%s', the group of host '%s'",
                     sp_id_str(d->pool), sp_pool_host_groups(d->pool_obj),
                     group, host);
    if (d->group && !SPI_STREQ(group, d->group))
        return unmet(err, "host '%s' is not in group '%s'", host, d->group);
    sp_host *h = spi_reach_host(&d->reach, host, err);
    if (!h)
        return err->code;
    sp_host_caps hc;
    if (spi_host_capabilities(h, &hc))
        return spi_host_failed(h, err);
    *vms = hc.vms;
    sp_mask_target t;
    spi_host_mask_target(d->cfg, host, &t);
    size_t ninit = t.ninitiators;
    bool fc = t.fc;
    sp_mask_target_release(&t);
    if (ninit && fc && !(conn & SP_CONNECT_FC))
        return unmet(err,
                     "host '%s' connects by FC, and array '%s' has no FC "
                     "target ports",
                     host, d->array);
    if (ninit && !fc && !(conn & SP_CONNECT_ISCSI))
        return unmet(err,
                     "host '%s' connects by iSCSI, and array '%s' has no "
                     "iSCSI target ports%s",
                     host, d->array,
                     SPI_STREQ(caps->driver, "local") ? " (no iscsi-portal)"
                                                      : "");
    if (ninit)
        *connect = fc ? "fc" : "iscsi";
    else if (caps->data_here && sp_host_is_local(h))
        *connect = "file";
    else
        return unmet(err,
                     "host '%s' has no initiators to mask LUNs to (set "
                     "iscsi-initiator or fc-wwpn in its [host] section)",
                     host);
    if (SPI_STREQ(*connect, "file")) {
        sp_code rc = check_reach(d, h, err);
        if (rc)
            return rc;
    }
    if (SPI_STREQ(*connect, "iscsi") &&
        !sp_config_get(d->cfg, "array", d->array, "iscsi-portal"))
        return unmet(err,
                     "host '%s' connects by iSCSI, and the configuration "
                     "gives no iscsi-portal for array '%s' to reach it at "
                     "(sanprov.conf(5))",
                     host, d->array);
    if (sp_template_firmware(d->tmpl) == SP_FIRMWARE_UEFI && !hc.uefi)
        return unmet(err,
                     "template '%s' needs UEFI firmware (generation 2), "
                     "which host '%s' does not have",
                     sp_template_name(d->tmpl), host);
    if (!sp_host_is_local(h) &&
        !sp_config_get(d->cfg, "host", host, "seed-dir"))
        return unmet(err,
                     "host '%s' is not this machine: give it a seed-dir "
                     "it shares with this machine for customization media "
                     "(sanprov.conf(5))",
                     host);
    return SP_OK;
}

struct candidate {
    const char *host;
    const char *connect;
    unsigned int load; /* VMs it has, and those placed on it */
};

/* Hosts to place on: the one asked for, or the reachable ones of the
 * group that can take the VMs. */
static sp_code candidates(sp_deploy *d, const sp_array_caps *caps,
                          struct candidate **out, size_t *n, sp_error *err)
{
    sp_array *a = spi_reach_array(&d->reach, d->array, err);
    unsigned int conn;
    if (!a || sp_array_connectivity(a, &conn))
        return a ? spi_array_failed(a, err) : err->code;
    *out = NULL;
    *n = 0;
    if (d->host) {
        if (!sp_config_has(d->cfg, "host", d->host))
            return sp_error_set(err, SP_ERR_NOT_FOUND,
                                "no host '%s' in the configuration", d->host);
        struct candidate c = {d->host, NULL, 0};
        sp_code rc =
            check_host(d, caps, conn, d->host, &c.connect, &c.load, err);
        if (rc)
            return rc;
        *out = spi_xmalloc(sizeof(c));
        (*out)[(*n)++] = c;
        return SP_OK;
    }
    size_t nh = sp_config_count(d->cfg, "host"), members = 0;
    sp_error first = {0};
    for (size_t i = 0; i < nh; i++) {
        const char *name = sp_config_name(d->cfg, "host", i);
        const char *g = sp_config_get(d->cfg, "host", name, "group");
        if (!g || !SPI_STREQ(g, d->group))
            continue;
        members++;
        struct candidate c = {name, NULL, 0};
        sp_error e;
        if (check_host(d, caps, conn, name, &c.connect, &c.load, &e)) {
            sp_log(SP_LOG_INFO, "not placing on host '%s': %s", name,
                   e.message);
            if (!first.code || (first.code != SP_ERR_PRECONDITION &&
                                e.code == SP_ERR_PRECONDITION))
                first = e;
            continue;
        }
        *out = spi_xrealloc(*out, (*n + 1) * sizeof(c));
        (*out)[(*n)++] = c;
    }
    if (!members)
        return sp_error_set(err, SP_ERR_NOT_FOUND, "no host is in group '%s'",
                            d->group);
    if (!*n) {
        sp_error_copy(err, &first);
        return err->code;
    }
    return SP_OK;
}

/* Each VM to the candidate with the fewest VMs (the first such). */
static void place(sp_deploy *d, struct candidate *c, size_t nc)
{
    for (size_t i = 0; i < d->n; i++) {
        size_t best = 0;
        for (size_t k = 1; k < nc; k++)
            if (c[k].load < c[best].load)
                best = k;
        d->vms[i].host = c[best].host;
        d->vms[i].connect = c[best].connect;
        c[best].load++;
    }
}

/* ---- names and room ---- */

struct recorded {
    sp_deploy *d;
    char *taken, *by;
};

static int record_named(sp_vm_record *r, void *ctx)
{
    struct recorded *q = ctx;
    for (size_t i = 0; i < q->d->n && !q->taken; i++)
        if (SPI_STREQ(sp_vm_record_name(r), q->d->vms[i].name)) {
            q->taken = spi_xstrdup(q->d->vms[i].name);
            q->by = spi_xstrdup(sp_id_str(sp_vm_record_id(r)));
        }
    sp_vm_record_free(r);
    return q->taken ? -1 : 0;
}

static sp_code check_name_text(sp_deploy *d, sp_error *err)
{
    for (size_t i = 0; i < d->n; i++)
        if (!sp_text_printable(d->vms[i].name))
            return sp_error_set(err, SP_ERR_INVALID,
                                "'%s' cannot name a VM (UTF-8 without "
                                "control or bidi characters)",
                                d->vms[i].name);
    for (size_t i = 0; i < d->n; i++)
        for (size_t k = 0; k < i; k++)
            if (SPI_STREQ(d->vms[i].name, d->vms[k].name))
                return sp_error_set(err, SP_ERR_INVALID,
                                    "the name '%s' is given twice",
                                    d->vms[i].name);
    return SP_OK;
}

/* The names are free: checked while they are reserved (names.h), so what
 * is found free stays free for this run. */
static sp_code check_names(sp_deploy *d, sp_error *err)
{
    struct recorded q = {d, NULL, NULL};
    sp_code rc = sp_vm_records(d->lib, record_named, &q, err);
    if (q.taken) {
        rc = unmet(err,
                   "the name '%s' is taken by VM %s, recorded in the "
                   "library",
                   q.taken, q.by);
        free(q.taken);
        free(q.by);
        return rc;
    }
    if (rc)
        return rc;
    for (size_t i = 0; i < d->n; i++) {
        sp_host *h = spi_reach_host(&d->reach, d->vms[i].host, err);
        char uuid[37];
        if (!h)
            return err->code;
        rc = sp_host_find_vm(h, d->vms[i].name, uuid);
        if (!rc)
            return unmet(err, "a VM named '%s' is already on host '%s'",
                         d->vms[i].name, d->vms[i].host);
        if (sp_host_error(h)->code != SP_ERR_NOT_FOUND)
            return spi_host_failed(h, err);
    }
    sp_array *a = spi_reach_array(&d->reach, d->array, err);
    struct names_in_pool p = {d, NULL};
    if (!a)
        return err->code;
    if (sp_array_list_luns(a, d->pool, 0, lun_named, &p) && !p.taken)
        return spi_array_failed(a, err);
    if (p.taken)
        return unmet(err,
                     "pool %s already has a LUN named '%s' (a VM's LUN "
                     "is named after it)",
                     sp_id_str(d->pool), p.taken);
    return SP_OK;
}

static sp_code check_room(sp_deploy *d, sp_error *err)
{
    if (d->method != SP_COPY_CLONE)
        return SP_OK; /* a snapshot takes room as it is written */
    uint64_t free_bytes = sp_pool_free_bytes(d->pool_obj);
    bool over = d->lun_size && d->n > UINT64_MAX / d->lun_size;
    uint64_t need = over ? UINT64_MAX : d->lun_size * d->n;
    if (need > free_bytes)
        return unmet(err,
                     "pool %s has %" PRIu64 " bytes free, and %zu "
                     "clone%s of %" PRIu64 " bytes need %" PRIu64,
                     sp_id_str(d->pool), free_bytes, d->n, d->n == 1 ? "" : "s",
                     d->lun_size, need);
    return SP_OK;
}

/* ---- the plan ---- */

sp_code sp_deploy_plan(const sp_config *cfg, sp_library *lib,
                       const sp_deploy_opts *caller_o, unsigned int flags,
                       sp_deploy **out, sp_error *err)
{
    *out = NULL;
    if (flags)
        return sp_error_set(err, SP_ERR_INVALID, "unknown flags 0x%x", flags);
    sp_deploy_opts opts; /* the caller's, by its size */
    if (!spi_sized_in(&opts, sizeof(opts), caller_o,
                      SPI_SIZE_0_1(sp_deploy_opts, dry_run)))
        return sp_error_set(err, SP_ERR_INVALID,
                            "sp_deploy_opts without its size (SP_STRUCT_INIT)");
    const sp_deploy_opts *o = &opts;
    if (!o->tmpl || !o->count || !o->names || (!o->host == !o->group))
        return sp_error_set(err, SP_ERR_INVALID,
                            "a deploy needs a template, names, and a host or "
                            "a group");
    sp_deploy *d = spi_xcalloc(1, sizeof(*d));
    d->cfg = cfg;
    d->lib = lib;
    d->tmpl = o->tmpl;
    d->host = spi_xstrdup(o->host);
    d->group = spi_xstrdup(o->group);
    d->user_data = spi_xstrdup(o->user_data);
    d->start = o->start;
    d->keep_failed = o->keep_failed;
    d->jobs = o->jobs ? o->jobs : 1;
    d->reach.cfg = cfg;
    d->reach.lib = lib;
    d->reach.timeout = d->timeout = o->timeout;
    d->n = o->count;
    d->vms = spi_xcalloc(d->n, sizeof(*d->vms));
    for (size_t i = 0; i < d->n; i++) {
        uuid_t u;
        d->vms[i].name = spi_xstrdup(o->names[i]);
        d->vms[i].lock = -1;
        uuid_generate_random(u);
        uuid_unparse_lower(u, d->vms[i].uuid);
    }
    sp_array_caps caps;
    struct candidate *c = NULL;
    size_t nc = 0;
    sp_code rc = check_name_text(d, err);
    if (!rc && !(d->dir = spi_vms_dir(lib, err)))
        rc = err->code;
    if (!rc && !spi_seed_tool())
        rc = unmet(err, "no tool to write customization media is installed "
                        "(install xorriso or genisoimage)");
    /* The VMs' names before the first call to the array, their LUNs' once
     * the array said which pool they go to; both before they are checked
     * to be free. */
    if (!rc)
        rc = spi_deploy_reserve(d, SP_NAME_VM, o->dry_run, err);
    if (!rc)
        rc = check_array(d, &caps, err);
    if (!rc)
        rc = spi_deploy_reserve(d, SP_NAME_LUN, o->dry_run, err);
    if (!rc)
        rc = candidates(d, &caps, &c, &nc, err);
    if (!rc) {
        place(d, c, nc);
        rc = check_names(d, err);
    }
    if (!rc)
        rc = check_room(d, err);
    free(c);
    if (rc) {
        sp_deploy_free(d);
        return rc;
    }
    *out = d;
    return SP_OK;
}

void sp_deploy_free(sp_deploy *d)
{
    if (!d)
        return;
    spi_deploy_release(d);
    for (size_t i = 0; i < d->n; i++) {
        free(d->vms[i].name);
        sp_vm_record_free(d->vms[i].r);
        spi_unlock(&d->vms[i].lock);
    }
    free(d->vms);
    spi_reach_close(&d->reach);
    free(d->host);
    free(d->group);
    free(d->user_data);
    free(d->array);
    free(d->dir);
    sp_id_free(d->source);
    sp_id_free(d->pool);
    sp_pool_free(d->pool_obj);
    free(d);
}

size_t sp_deploy_count(const sp_deploy *d)
{
    return d->n;
}

const char *sp_deploy_name(const sp_deploy *d, size_t i)
{
    return i < d->n ? d->vms[i].name : NULL;
}

const char *sp_deploy_host(const sp_deploy *d, size_t i)
{
    return i < d->n ? d->vms[i].host : NULL;
}

const char *sp_deploy_connect(const sp_deploy *d, size_t i)
{
    return i < d->n ? d->vms[i].connect : NULL;
}

sp_copy_method sp_deploy_method(const sp_deploy *d)
{
    return d->method;
}

const sp_id *sp_deploy_pool(const sp_deploy *d)
{
    return d->pool;
}

uint64_t sp_deploy_requests(const sp_deploy *d)
{
    return d->requests +
           (d->reach.array ? sp_array_requests(d->reach.array) : 0);
}
