/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd/vm-list.c: vm-list, list the VMs deployed from templates: their
 * records in the library, with each one's state as its host tells it. */
#include <popt.h>

#include "common/cli.h"
#include "common/ids.h"
#include "common/status.h"
#include "common/templates.h"
#include "common/vms.h"

enum { OPT_HOST = CMD_OPT_FIRST };

/* What one host says of its VMs (of our metadata), asked once. */
struct host_view {
    char *name;
    bool reachable;
    sp_error err;
    struct dom {
        char *uuid;
        char *vm_id;
        char *name;
        bool running;
        bool seen; /* matched by a record */
    } * doms;
    size_t n;
};

struct run {
    const char *host; /* --host */
    bool narrowed;    /* IDs were read: only those VMs */
    sp_id **ids;
    size_t nids;
    bool *found;
    struct host_view *views;
    size_t nviews;
    char **recorded; /* IDs of the records listed */
    size_t nrecorded;
};

static bool is_recorded(const struct run *r, const char *id)
{
    for (size_t i = 0; id && i < r->nrecorded; i++)
        if (strcmp(r->recorded[i], id) == 0)
            return true;
    return false;
}

static int keep_dom(const sp_host_vm *vm, void *ctx)
{
    struct host_view *v = ctx;
    v->doms = cmd_xrealloc(v->doms, (v->n + 1) * sizeof(*v->doms));
    v->doms[v->n++] =
        (struct dom){cmd_xstrdup(vm->uuid), cmd_xstrdup(vm->vm_id),
                     cmd_xstrdup(vm->name), vm->running, false};
    return 0;
}

static struct host_view *view_of(struct run *r, const char *host)
{
    for (size_t i = 0; i < r->nviews; i++)
        if (strcmp(r->views[i].name, host) == 0)
            return &r->views[i];
    r->views = cmd_xrealloc(r->views, (r->nviews + 1) * sizeof(*r->views));
    struct host_view *v = &r->views[r->nviews++];
    memset(v, 0, sizeof(*v));
    v->name = cmd_xstrdup(host);
    sp_host *h;
    if (sp_host_open(cmd_config(), host, 0, &h, &v->err) == SP_OK) {
        v->reachable = sp_host_list_vms(h, keep_dom, v) == SP_OK;
        if (!v->reachable)
            sp_error_copy(&v->err, sp_host_error(h));
        sp_host_close(h);
    }
    /* A host that cannot be reached leaves its VMs' state unknown; one
     * whose configuration is wrong is a failure (exit 2). */
    if (!v->reachable && v->err.code == SP_ERR_CONFIG)
        cmd_failed("open host", host, &v->err);
    else if (!v->reachable)
        sp_log(SP_LOG_WARN, "cannot list the VMs of host '%s': %s", host,
               v->err.message);
    return v;
}

static bool wanted(struct run *r, const sp_id *id, const char *host)
{
    if (r->host && strcmp(r->host, host) != 0)
        return false;
    if (!r->narrowed)
        return true;
    for (size_t i = 0; i < r->nids; i++)
        if (sp_id_equal(r->ids[i], id)) {
            r->found[i] = true;
            return true;
        }
    return false;
}

/* The state of a recorded VM: its journal's, or its host's word. */
static const char *state_of(struct run *r, const sp_vm_record *rec)
{
    sp_vm_state s = sp_vm_record_state(rec);
    if (s != SP_VM_DEPLOYED)
        return s == SP_VM_FAILED        ? "failed"
               : sp_vm_record_idle(rec) ? "incomplete"
                                        : sp_vm_state_name(s);
    struct host_view *v = view_of(r, sp_vm_record_host(rec));
    if (!v->reachable)
        return "unknown";
    const char *uuid = sp_id_field(sp_vm_record_id(rec), 1);
    for (size_t i = 0; i < v->n; i++)
        if (strcmp(v->doms[i].uuid, uuid) == 0) {
            v->doms[i].seen = true;
            return v->doms[i].running ? "running" : "stopped";
        }
    return "missing";
}

static int on_record(sp_vm_record *rec, void *ctx)
{
    struct run *r = ctx;
    r->recorded =
        cmd_xrealloc(r->recorded, (r->nrecorded + 1) * sizeof(*r->recorded));
    r->recorded[r->nrecorded++] = cmd_xstrdup(sp_id_str(sp_vm_record_id(rec)));
    if (wanted(r, sp_vm_record_id(rec), sp_vm_record_host(rec)))
        cmd_out_vm(rec, state_of(r, rec));
    sp_vm_record_free(rec);
    return 0;
}

/* The ID of domain @d: the one in its metadata, else HOST:UUID. */
static sp_id *dom_id(const char *host, const struct dom *d)
{
    sp_id *id = NULL;
    sp_error e;
    if (d->vm_id && sp_id_parse(d->vm_id, &id, &e) == SP_OK &&
        sp_id_get_kind(id) == SP_ID_VM)
        return id;
    sp_id_free(id);
    const char *f[] = {host, d->uuid};
    return sp_id_new(SP_ID_VM, 2, f, &id, &e) == SP_OK ? id : NULL;
}

/* Domains of ours that no record names: made by a deploy whose record was
 * lost, or by hand with our metadata. */
static void unrecorded(struct run *r)
{
    const sp_config *cfg = cmd_config();
    for (size_t i = 0; i < sp_config_count(cfg, "host"); i++) {
        const char *host = sp_config_name(cfg, "host", i);
        const char *uri = sp_config_get(cfg, "host", host, "uri");
        bool again = false; /* another name for a host listed already */
        for (size_t k = 0; k < i && !again; k++)
            again = strcmp(uri, sp_config_get(cfg, "host",
                                              sp_config_name(cfg, "host", k),
                                              "uri")) == 0;
        if (again || (r->host && strcmp(r->host, host) != 0))
            continue;
        struct host_view *v = view_of(r, host);
        for (size_t k = 0; k < v->n; k++) {
            struct dom *d = &v->doms[k];
            if (d->seen || is_recorded(r, d->vm_id))
                continue;
            sp_id *id = dom_id(host, d);
            if (!id)
                continue;
            if (!wanted(r, id, host)) {
                sp_id_free(id);
                continue;
            }
            const char *cells[CMD_VM_NCOLUMNS] = {d->name, host, "unrecorded"};
            json_object *j = NULL;
            if (cmd_opt.json) {
                j = json_object_new_object();
                json_object_object_add(j, "id",
                                       json_object_new_string(sp_id_str(id)));
                json_object_object_add(j, "name", cmd_json_string(d->name));
                json_object_object_add(j, "host", cmd_json_string(host));
                json_object_object_add(j, "state",
                                       cmd_json_string("unrecorded"));
            }
            cmd_out_row(id, cells, j);
            sp_id_free(id);
        }
    }
}

int main(int argc, char **argv)
{
    struct run r = {0};
    char *host = NULL;
    int all = 0;
    struct poptOption table[] = {
        {"all", 'a', POPT_ARG_NONE, &all, 0,
         "list every VM, whatever stdin holds (for scripts and cron)", NULL},
        {"host", 0, POPT_ARG_STRING, &host, 0, "only the VMs of this host",
         "HOST"},
        {NULL, 0, POPT_ARG_INCLUDE_TABLE, cmd_common_options, 0,
         "Common options:", NULL},
        POPT_TABLEEND};
    poptContext pc =
        cmd_parse(argc, argv, table, "[VM-ID|NAME...]", NULL, NULL);
    r.host = host;
    if (host && !sp_config_has(cmd_config(), "host", host))
        cmd_die(SP_EXIT_NOT_FOUND,
                "cannot list VMs of host '%s': no such "
                "host in the configuration",
                host);
    if (all && poptPeekArg(pc))
        cmd_usage_error("--all lists every VM and takes no IDs, not '%s'",
                        poptPeekArg(pc));
    struct cmd_ids *it = all ? NULL : cmd_ids_open(pc, CMD_IDS_OPTIONAL);
    if (it) {
        r.nids = cmd_ids_read_all(it, CMD_KIND(SP_ID_VM), &r.ids);
        r.found = cmd_xcalloc(r.nids + 1, sizeof(*r.found));
        r.narrowed = true; /* an empty upstream lists nothing */
    }
    cmd_out_begin(cmd_vm_columns, CMD_VM_NCOLUMNS);
    sp_error err;
    if (sp_vm_records(cmd_library(), on_record, &r, &err))
        cmd_fail_run(sp_error_exit_code(&err), "cannot list VMs: %s",
                     err.message);
    unrecorded(&r);
    for (size_t i = 0; i < r.nids; i++)
        if (!r.found[i])
            cmd_fail(SP_EXIT_NOT_FOUND,
                     "cannot find VM '%s': it is neither "
                     "recorded nor on its host",
                     sp_id_str(r.ids[i]));
    cmd_ids_close(it);
    cmd_ids_free_all(r.ids, r.nids);
    free(r.found);
    for (size_t i = 0; i < r.nviews; i++) {
        for (size_t k = 0; k < r.views[i].n; k++) {
            free(r.views[i].doms[k].uuid);
            free(r.views[i].doms[k].vm_id);
            free(r.views[i].doms[k].name);
        }
        free(r.views[i].doms);
        free(r.views[i].name);
    }
    free(r.views);
    for (size_t i = 0; i < r.nrecorded; i++)
        free(r.recorded[i]);
    free(r.recorded);
    free(host);
    cmd_library_close();
    return cmd_finish(pc);
}
