/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd/hyperv-sim/state.c: the host's state file (JSON, replaced
 * atomically after every change). */
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "common/cmd.h"
#include "hv.h"
#include "util/file.h"

/*
 * The whole host is written after each change that a method or a rescan
 * makes, before the answer goes out (spi_write_atomic: beside, synced,
 * renamed), so a crash leaves the state before or after a change, never
 * half of it.  A host is small (VMs and disks, not 100,000 volumes), so a
 * whole write each time is cheap, and no journal is needed.
 */

#define MAX_STATE ((size_t)64 << 20)

static void put_str(json_object *o, const char *k, const char *v)
{
    if (v)
        json_object_object_add(o, k, json_object_new_string(v));
}

static void put_int(json_object *o, const char *k, int64_t v)
{
    json_object_object_add(o, k, json_object_new_int64(v));
}

static void put_bool(json_object *o, const char *k, bool v)
{
    json_object_object_add(o, k, json_object_new_boolean(v));
}

static json_object *to_json(struct hv *h)
{
    json_object *root = json_object_new_object();
    put_int(root, "version", 1);
    put_str(root, "hostname", h->hostname);
    put_str(root, "os_version", h->os_version);
    put_str(root, "os_build", h->os_build);
    put_str(root, "os_caption", h->os_caption);
    put_bool(root, "mpio", h->mpio);
    put_bool(root, "iscsi_running", h->iscsi_running);
    put_bool(root, "iscsi_auto", h->iscsi_auto);
    json_object *a = json_object_new_array();
    for (size_t i = 0; i < h->nswitches; i++)
        json_object_array_add(a, json_object_new_string(h->switches[i]));
    json_object_object_add(root, "switches", a);

    a = json_object_new_array();
    for (size_t i = 0; i < h->nvms; i++) {
        const struct hv_vm *vm = &h->vms[i];
        json_object *v = json_object_new_object();
        put_str(v, "guid", vm->guid);
        put_str(v, "name", vm->name);
        put_int(v, "generation", vm->generation);
        put_int(v, "state", vm->state);
        put_str(v, "notes", vm->notes);
        put_int(v, "next_res", vm->next_res);
        json_object *ra = json_object_new_array();
        for (size_t k = 0; k < vm->nres; k++) {
            const struct hv_resource *r = &vm->res[k];
            json_object *ro = json_object_new_object();
            put_str(ro, "id", r->id);
            put_int(ro, "type", r->type);
            put_str(ro, "parent", r->parent);
            put_str(ro, "host_resource", r->host_resource);
            put_int(ro, "quantity", (int64_t)r->quantity);
            put_int(ro, "address", r->address);
            put_str(ro, "mac", r->mac);
            put_str(ro, "name", r->name);
            json_object_array_add(ra, ro);
        }
        json_object_object_add(v, "resources", ra);
        json_object_array_add(a, v);
    }
    json_object_object_add(root, "vms", a);

    a = json_object_new_array();
    for (size_t i = 0; i < h->ndisks; i++) {
        const struct hv_disk *d = &h->disks[i];
        json_object *o = json_object_new_object();
        put_int(o, "number", d->number);
        put_str(o, "unique_id", d->unique_id);
        put_str(o, "serial", d->serial);
        put_str(o, "friendly", d->friendly);
        put_str(o, "target", d->target);
        put_int(o, "lun", d->lun);
        put_int(o, "size", (int64_t)d->size);
        put_bool(o, "offline", d->offline);
        put_int(o, "offline_reason", d->offline_reason);
        put_bool(o, "read_only", d->read_only);
        put_int(o, "partition_style", d->partition_style);
        put_int(o, "signature", d->signature);
        put_str(o, "guid", d->guid);
        put_bool(o, "boot", d->boot);
        put_str(o, "fs", d->fs);
        put_str(o, "label", d->label);
        json_object *pa = json_object_new_array();
        for (size_t k = 0; k < d->paths.n; k++)
            json_object_array_add(pa, json_object_new_string(d->paths.v[k]));
        json_object_object_add(o, "paths", pa);
        json_object_array_add(a, o);
    }
    json_object_object_add(root, "disks", a);

    a = json_object_new_array();
    for (size_t i = 0; i < h->nportals; i++) {
        json_object *o = json_object_new_object();
        put_str(o, "address", h->portals[i].address);
        put_int(o, "port", h->portals[i].port);
        json_object_array_add(a, o);
    }
    json_object_object_add(root, "portals", a);

    a = json_object_new_array();
    for (size_t i = 0; i < h->nsessions; i++) {
        const struct hv_session *s = &h->sessions[i];
        json_object *o = json_object_new_object();
        put_str(o, "id", s->id);
        put_str(o, "target", s->target);
        put_str(o, "portal", s->portal);
        put_int(o, "port", s->port);
        put_bool(o, "persistent", s->persistent);
        json_object_array_add(a, o);
    }
    json_object_object_add(root, "sessions", a);

    a = json_object_new_array();
    for (size_t i = 0; i < h->njobs; i++) {
        const struct hv_job *j = &h->jobs[i];
        json_object *o = json_object_new_object();
        put_str(o, "id", j->id);
        put_str(o, "method", j->method);
        put_str(o, "vm", j->vm);
        put_int(o, "start_ms", j->start_ms);
        put_int(o, "end_ms", j->end_ms);
        put_bool(o, "fail", j->fail);
        put_str(o, "error", j->error);
        json_object_array_add(a, o);
    }
    json_object_object_add(root, "jobs", a);
    return root;
}

void hv_state_json(struct hv *h, sp_buf *out)
{
    json_object *root = to_json(h);
    sp_buf_addstr(out,
                  json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN));
    sp_buf_addstr(out, "\n");
    json_object_put(root);
}

sp_code hv_state_save(struct hv *h, sp_error *err)
{
    if (!h->o.state)
        return SP_OK;
    json_object *root = to_json(h);
    const char *text =
        json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY);
    sp_code rc =
        spi_write_atomic(h->o.state, text, strlen(text), 0644, true, err);
    json_object_put(root);
    return rc;
}

/* ---- loading ---- */

static const char *get_str(json_object *o, const char *k)
{
    json_object *v;
    if (!json_object_object_get_ex(o, k, &v) ||
        json_object_get_type(v) != json_type_string)
        return NULL;
    return json_object_get_string(v);
}

static char *dup_str(json_object *o, const char *k)
{
    const char *s = get_str(o, k);
    return s ? cmd_xstrdup(s) : NULL;
}

static int64_t get_int(json_object *o, const char *k)
{
    json_object *v;
    return json_object_object_get_ex(o, k, &v) ? json_object_get_int64(v) : 0;
}

static bool get_bool(json_object *o, const char *k)
{
    json_object *v;
    return json_object_object_get_ex(o, k, &v) && json_object_get_boolean(v);
}

static size_t get_arr(json_object *o, const char *k, json_object **a)
{
    if (!json_object_object_get_ex(o, k, a) ||
        json_object_get_type(*a) != json_type_array)
        return 0;
    return json_object_array_length(*a);
}

static void copy_id(char *dst, size_t size, const char *src)
{
    snprintf(dst, size, "%s", src ? src : "");
}

static void load_vm(struct hv *h, json_object *v)
{
    cmd_grow((void **)&h->vms, &h->capvms, h->nvms + 1, sizeof(*h->vms));
    struct hv_vm *vm = &h->vms[h->nvms++];
    memset(vm, 0, sizeof(*vm));
    copy_id(vm->guid, sizeof(vm->guid), get_str(v, "guid"));
    vm->name = cmd_xstrdup(get_str(v, "name") ? get_str(v, "name") : "");
    vm->generation = (unsigned)get_int(v, "generation");
    vm->state = (uint16_t)get_int(v, "state");
    vm->notes = dup_str(v, "notes");
    vm->next_res = (unsigned)get_int(v, "next_res");
    json_object *ra;
    size_t n = get_arr(v, "resources", &ra);
    for (size_t k = 0; k < n; k++) {
        json_object *ro = json_object_array_get_idx(ra, k);
        int64_t t = get_int(ro, "type");
        if (t < HV_RES_PROCESSOR || t > HV_RES_CONNECTION)
            continue;
        cmd_grow((void **)&vm->res, &vm->capres, vm->nres + 1,
                 sizeof(*vm->res));
        struct hv_resource *r = &vm->res[vm->nres++];
        memset(r, 0, sizeof(*r));
        copy_id(r->id, sizeof(r->id), get_str(ro, "id"));
        r->type = (enum hv_rtype)t;
        r->parent = dup_str(ro, "parent");
        r->host_resource = dup_str(ro, "host_resource");
        r->quantity = (uint64_t)get_int(ro, "quantity");
        r->address = (unsigned)get_int(ro, "address");
        r->mac = dup_str(ro, "mac");
        r->name = dup_str(ro, "name");
    }
}

static void load_disk(struct hv *h, json_object *o)
{
    cmd_grow((void **)&h->disks, &h->capdisks, h->ndisks + 1,
             sizeof(*h->disks));
    struct hv_disk *d = &h->disks[h->ndisks++];
    memset(d, 0, sizeof(*d));
    d->number = (unsigned)get_int(o, "number");
    d->unique_id = dup_str(o, "unique_id");
    d->serial = dup_str(o, "serial");
    d->friendly = dup_str(o, "friendly");
    d->target = dup_str(o, "target");
    d->lun = (unsigned)get_int(o, "lun");
    d->size = (uint64_t)get_int(o, "size");
    d->offline = get_bool(o, "offline");
    d->offline_reason = (uint16_t)get_int(o, "offline_reason");
    d->read_only = get_bool(o, "read_only");
    d->partition_style = (uint16_t)get_int(o, "partition_style");
    d->signature = (uint32_t)get_int(o, "signature");
    copy_id(d->guid, sizeof(d->guid), get_str(o, "guid"));
    d->boot = get_bool(o, "boot");
    d->fs = dup_str(o, "fs");
    d->label = dup_str(o, "label");
    json_object *pa;
    size_t n = get_arr(o, "paths", &pa);
    d->paths.v = cmd_xcalloc(n ? n : 1, sizeof(char *));
    for (size_t k = 0; k < n; k++) {
        const char *p =
            json_object_get_string(json_object_array_get_idx(pa, k));
        d->paths.v[d->paths.n++] = cmd_xstrdup(p ? p : "");
    }
}

sp_code hv_state_load(struct hv *h, bool *found, sp_error *err)
{
    char *text = NULL;
    *found = false;
    sp_code rc = spi_read_small(h->o.state, MAX_STATE, &text, err);
    if (rc == SP_ERR_NOT_FOUND)
        return SP_OK;
    if (rc)
        return rc;
    json_object *root = json_tokener_parse(text);
    free(text);
    if (!root || json_object_get_type(root) != json_type_object ||
        get_int(root, "version") != 1) {
        json_object_put(root);
        return sp_error_set(err, SP_ERR_INVALID,
                            "'%s' is not a hyperv-sim state", h->o.state);
    }
    *found = true;
    h->hostname = cmd_xstrdup(
        get_str(root, "hostname") ? get_str(root, "hostname") : "HV01");
    h->os_version = dup_str(root, "os_version");
    h->os_build = dup_str(root, "os_build");
    h->os_caption = dup_str(root, "os_caption");
    h->mpio = get_bool(root, "mpio");
    h->iscsi_running = get_bool(root, "iscsi_running");
    h->iscsi_auto = get_bool(root, "iscsi_auto");
    json_object *a;
    size_t n = get_arr(root, "switches", &a);
    h->switches = cmd_xcalloc(n ? n : 1, sizeof(char *));
    for (size_t i = 0; i < n; i++) {
        const char *s = json_object_get_string(json_object_array_get_idx(a, i));
        h->switches[h->nswitches++] = cmd_xstrdup(s ? s : "");
    }
    n = get_arr(root, "vms", &a);
    for (size_t i = 0; i < n; i++)
        load_vm(h, json_object_array_get_idx(a, i));
    n = get_arr(root, "disks", &a);
    for (size_t i = 0; i < n; i++)
        load_disk(h, json_object_array_get_idx(a, i));
    n = get_arr(root, "portals", &a);
    for (size_t i = 0; i < n; i++) {
        json_object *o = json_object_array_get_idx(a, i);
        cmd_grow((void **)&h->portals, &h->capportals, h->nportals + 1,
                 sizeof(*h->portals));
        h->portals[h->nportals++] = (struct hv_portal){
            .address =
                cmd_xstrdup(get_str(o, "address") ? get_str(o, "address") : ""),
            .port = (unsigned)get_int(o, "port")};
    }
    n = get_arr(root, "sessions", &a);
    for (size_t i = 0; i < n; i++) {
        json_object *o = json_object_array_get_idx(a, i);
        cmd_grow((void **)&h->sessions, &h->capsessions, h->nsessions + 1,
                 sizeof(*h->sessions));
        struct hv_session *s = &h->sessions[h->nsessions++];
        memset(s, 0, sizeof(*s));
        copy_id(s->id, sizeof(s->id), get_str(o, "id"));
        s->target =
            cmd_xstrdup(get_str(o, "target") ? get_str(o, "target") : "");
        s->portal =
            cmd_xstrdup(get_str(o, "portal") ? get_str(o, "portal") : "");
        s->port = (unsigned)get_int(o, "port");
        s->persistent = get_bool(o, "persistent");
    }
    n = get_arr(root, "jobs", &a);
    for (size_t i = 0; i < n; i++) {
        json_object *o = json_object_array_get_idx(a, i);
        cmd_grow((void **)&h->jobs, &h->capjobs, h->njobs + 1,
                 sizeof(*h->jobs));
        struct hv_job *j = &h->jobs[h->njobs++];
        memset(j, 0, sizeof(*j));
        copy_id(j->id, sizeof(j->id), get_str(o, "id"));
        j->method =
            cmd_xstrdup(get_str(o, "method") ? get_str(o, "method") : "");
        j->vm = dup_str(o, "vm");
        j->start_ms = get_int(o, "start_ms");
        j->end_ms = get_int(o, "end_ms");
        j->fail = get_bool(o, "fail");
        j->error = dup_str(o, "error");
    }
    json_object_put(root);
    return SP_OK;
}
