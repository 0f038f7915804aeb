/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd/hyperv-sim/methods.c: root/virtualization/v2's methods: the virtual
 * system management service's and RequestStateChange. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/cmd.h"
#include "hv.h"

/* Msvm_ method return values (the v2 MOF's ValueMap). */
enum {
    RV_OK = 0,
    RV_JOB = 4096,
    RV_FAILED = 32768,
    RV_NOT_SUPPORTED = 32770,
    RV_INVALID_PARAMETER = 32773,
    RV_INVALID_STATE = 32775,
};

void hv_out_fail(struct hv_out *o, unsigned cim, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(o->message, sizeof(o->message), fmt, ap);
    va_end(ap);
    o->cim_status = cim;
}

/* A method that Hyper-V runs as a job: with --job-seconds, or when it is
 * the one --job-fail names, it answers 4096 and a Job; else it is done at
 * once.  False: the change must not be made (the job fails). */
bool hv_job_begin(struct hv *h, struct hv_out *o, const char *method,
                  const char *vm)
{
    bool fails = h->o.job_fail && h->jobs_this_run + 1 == h->o.job_fail;
    if (h->o.job_seconds <= 0 && !fails) {
        h->jobs_this_run++;
        o->rv = RV_OK;
        return true;
    }
    struct hv_job *j = hv_job_start(h, method, vm);
    struct hv_inst *ji = hv_job_inst(h, j);
    hv_write_ref(&o->params, "Job", ji);
    hv_inst_free(ji);
    o->rv = RV_JOB;
    return !j->fail;
}

static void rv(struct hv_out *o, uint32_t v, const char *why)
{
    o->rv = v;
    snprintf(o->message, sizeof(o->message), "%s", why);
    sp_log(SP_LOG_INFO, "method refused (%u): %s", v, why);
}

/* The VM an EPR names (Msvm_ComputerSystem, by Name). */
static struct hv_vm *vm_of_epr(struct hv *h, const struct hv_epr *e)
{
    return e ? hv_vm_find(h, hv_epr_selector(e, "Name")) : NULL;
}

/* The VM a settings InstanceID ("Microsoft:GUID[\...]") belongs to, and the
 * resource id after it (or NULL). */
static struct hv_vm *vm_of_id(struct hv *h, const char *id, const char **rest)
{
    if (!id || strncasecmp(id, "Microsoft:", 10) != 0 || strlen(id) < 46)
        return NULL;
    char guid[37];
    memcpy(guid, id + 10, 36);
    guid[36] = '\0';
    if (rest)
        *rest = id[46] == '\\' ? id + 47 : NULL;
    return hv_vm_find(h, guid);
}

/* The InstanceID of a WMI path (or the text itself when it is no path). */
static char *id_of_path(const char *path)
{
    if (!path)
        return NULL;
    char *id = hv_path_key(path, "InstanceID");
    return id ? id : strchr(path, '=') ? NULL : cmd_xstrdup(path);
}

static bool mac_ok(const char *m)
{
    if (strlen(m) != 12)
        return false;
    for (; *m; m++)
        if (!strchr("0123456789ABCDEFabcdef", *m))
            return false;
    return true;
}

/* Is @path on a volume of the host (under an access path of an online
 * disk with a file system)? */
static bool on_a_volume(struct hv *h, const char *path)
{
    for (size_t k = 0; k < h->ndisks; k++) {
        const struct hv_disk *d = &h->disks[k];
        if (d->offline || !d->fs)
            continue;
        for (size_t p = 0; p < d->paths.n; p++)
            if (strncasecmp(path, d->paths.v[p], strlen(d->paths.v[p])) == 0)
                return true;
    }
    return false;
}

/* The switch a HostResource names: a WMI path to it or its name. */
static const char *switch_of(struct hv *h, const char *hr)
{
    char *name = hr ? hv_path_key(hr, "Name") : NULL;
    const char *found = NULL;
    for (size_t k = 0; hr && k < h->nswitches && !found; k++) {
        char guid[48];
        snprintf(guid, sizeof(guid), "5A5B0000-0000-4000-8000-%012zX", k + 1);
        if ((name && strcasecmp(name, guid) == 0) ||
            (!name && strcmp(hr, h->switches[k]) == 0))
            found = h->switches[k];
    }
    free(name);
    return found;
}

/* A resource of @vm from the embedded instance @em: checked as Hyper-V
 * checks it.  @r is new (add) or existing (modify).  Returns a ReturnValue
 * with @o->message saying why. */
static uint32_t res_set(struct hv *h, struct hv_vm *vm, struct hv_resource *r,
                        const struct hv_embedded *em, struct hv_out *o)
{
    const char *v = hv_embedded_get(em, "VirtualQuantity", NULL);
    if (v && (r->type == HV_RES_PROCESSOR || r->type == HV_RES_MEMORY)) {
        unsigned long long q = strtoull(v, NULL, 10);
        if (!q || (r->type == HV_RES_PROCESSOR && q > 240) ||
            (r->type == HV_RES_MEMORY && q % 2)) {
            rv(o, RV_INVALID_PARAMETER, "VirtualQuantity out of range");
            return o->rv;
        }
        r->quantity = q;
    }
    if ((v = hv_embedded_get(em, "ElementName", NULL))) {
        free(r->name);
        r->name = cmd_xstrdup(v);
    }
    const char *parent_path = hv_embedded_get(em, "Parent", NULL);
    char *pid = id_of_path(parent_path);
    const char *prest = NULL;
    struct hv_resource *parent = pid && vm_of_id(h, pid, &prest) == vm && prest
                                     ? hv_res_find(vm, prest)
                                     : NULL;
    free(pid);
    enum hv_rtype want;
    bool needs_parent = true;
    switch (r->type) {
    case HV_RES_DISK_DRIVE:
    case HV_RES_DVD_DRIVE:
    case HV_RES_PHYSICAL:
        want = HV_RES_SCSI;
        break;
    case HV_RES_VHD:
        want = HV_RES_DISK_DRIVE;
        break;
    case HV_RES_ISO:
        want = HV_RES_DVD_DRIVE;
        break;
    case HV_RES_CONNECTION:
        want = HV_RES_NIC;
        break;
    default:
        needs_parent = false;
        want = HV_RES_PROCESSOR;
    }
    if (needs_parent && parent_path) {
        bool ok =
            parent && (parent->type == want ||
                       (want == HV_RES_SCSI && parent->type == HV_RES_IDE));
        if (!ok) {
            rv(o, RV_INVALID_PARAMETER,
               "the resource's Parent is not a resource of the VM it can go "
               "under");
            return o->rv;
        }
        free(r->parent);
        r->parent = cmd_xstrdup(parent->id);
    } else if (needs_parent && !r->parent) {
        rv(o, RV_INVALID_PARAMETER, "the resource needs a Parent");
        return o->rv;
    }
    if ((v = hv_embedded_get(em, "AddressOnParent", NULL)))
        r->address = (unsigned)strtoul(v, NULL, 10);
    const char *hr = hv_embedded_get(em, "HostResource", NULL);
    if (r->type == HV_RES_VHD || r->type == HV_RES_ISO) {
        if (!hr || !on_a_volume(h, hr)) {
            rv(o, RV_INVALID_PARAMETER,
               "the HostResource is on no volume of the host");
            return o->rv;
        }
        free(r->host_resource);
        r->host_resource = cmd_xstrdup(hr);
    } else if (r->type == HV_RES_PHYSICAL) {
        char *dev = hr ? hv_path_key(hr, "DeviceID") : NULL;
        const char *num = dev ? strrchr(dev, '\\') : NULL;
        struct hv_disk *d =
            num ? hv_disk_find(h, (unsigned)strtoul(num + 1, NULL, 10)) : NULL;
        free(dev);
        if (!d || d->boot) {
            rv(o, RV_INVALID_PARAMETER,
               "the HostResource is no physical disk of the host");
            return o->rv;
        }
        /* Hyper-V passes through only a disk the host has offline. */
        if (!d->offline) {
            rv(o, RV_INVALID_STATE, "the physical disk is online on the host");
            return o->rv;
        }
        free(r->host_resource);
        r->host_resource = cmd_xasprintf("%u", d->number);
    } else if (r->type == HV_RES_CONNECTION) {
        const char *sw = switch_of(h, hr);
        if (!sw) {
            rv(o, RV_INVALID_PARAMETER,
               "the HostResource is no virtual "
               "switch of the host");
            return o->rv;
        }
        free(r->host_resource);
        r->host_resource = cmd_xstrdup(sw);
    } else if (r->type == HV_RES_NIC) {
        const char *mac = hv_embedded_get(em, "Address", NULL);
        const char *st = hv_embedded_get(em, "StaticMacAddress", NULL);
        if (mac && *mac && !mac_ok(mac)) {
            rv(o, RV_INVALID_PARAMETER, "the MAC address is not 12 hex digits");
            return o->rv;
        }
        if (mac && *mac && st && strcasecmp(st, "true") == 0) {
            free(r->mac);
            r->mac = cmd_xstrdup(mac);
        } else if (!r->mac) {
            char g[37];
            hv_guid(g);
            r->mac = cmd_xasprintf("00155D%.2s%.2s%.2s", g, g + 2, g + 4);
        }
    }
    return RV_OK;
}

static uint32_t add_one(struct hv *h, struct hv_vm *vm,
                        const struct hv_embedded *em, struct hv_out *o,
                        struct hv_resource **added)
{
    const char *sub = hv_embedded_get(em, "ResourceSubType", NULL);
    enum hv_rtype t;
    if (!sub || !hv_res_kind(sub, &t) ||
        strcasecmp(hv_res_class(t), em->classname) != 0) {
        rv(o, RV_INVALID_PARAMETER,
           "the ResourceSubType is not one this "
           "class takes");
        return o->rv;
    }
    if (t == HV_RES_PROCESSOR || t == HV_RES_MEMORY) {
        rv(o, RV_INVALID_PARAMETER,
           "a VM has one processor and one memory "
           "setting: modify them");
        return o->rv;
    }
    if (t == HV_RES_IDE && vm->generation == 2) {
        rv(o, RV_INVALID_PARAMETER, "a generation 2 VM has no IDE controller");
        return o->rv;
    }
    struct hv_resource *r = hv_res_add(vm, t);
    uint32_t v = res_set(h, vm, r, em, o);
    if (v) {
        hv_res_remove(vm, r);
        return v;
    }
    *added = r;
    return RV_OK;
}

static void result_refs(struct hv *h, struct hv_vm *vm,
                        struct hv_resource **res, size_t n, struct hv_out *o)
{
    for (size_t k = 0; k < n; k++) {
        struct hv_inst *i = hv_res_inst(h, vm, res[k]);
        hv_write_ref(&o->params, "ResultingResourceSettings", i);
        hv_inst_free(i);
    }
}

/* Add every embedded ResourceSettings of @rq to @vm, all or none. */
static uint32_t add_all(struct hv *h, struct hv_vm *vm,
                        const struct hv_request *rq, struct hv_out *o,
                        bool report)
{
    struct hv_resource *added[HV_MAX_PARAMS];
    char *ids[HV_MAX_PARAMS];
    size_t n = 0;
    uint32_t v = RV_OK;
    for (size_t k = 0; k < rq->nparams && !v; k++) {
        const struct hv_param *p = &rq->params[k];
        if (strcasecmp(p->name, "ResourceSettings") != 0)
            continue;
        if (!p->em) {
            rv(o, RV_INVALID_PARAMETER,
               "ResourceSettings is not an embedded "
               "instance");
            v = o->rv;
            break;
        }
        struct hv_resource *r = NULL;
        v = add_one(h, vm, p->em, o, &r);
        if (!v)
            ids[n++] = cmd_xstrdup(r->id);
    }
    for (size_t k = 0; k < n; k++) {
        if (v) {
            struct hv_resource *r = hv_res_find(vm, ids[k]);
            if (r)
                hv_res_remove(vm, r);
        } else {
            added[k] = hv_res_find(vm, ids[k]);
        }
    }
    if (!v && report)
        result_refs(h, vm, added, n, o);
    for (size_t k = 0; k < n; k++)
        free(ids[k]);
    return v;
}

static unsigned gen_of(const char *subtype)
{
    if (!subtype)
        return 1;
    if (strcasecmp(subtype, "Microsoft:Hyper-V:SubType:1") == 0)
        return 1;
    if (strcasecmp(subtype, "Microsoft:Hyper-V:SubType:2") == 0)
        return 2;
    return 0;
}

static void define_system(struct hv *h, const struct hv_request *rq,
                          struct hv_out *o)
{
    const struct hv_param *ss = hv_param_find(rq, "SystemSettings");
    if (!ss || !ss->em ||
        strcasecmp(ss->em->classname, "Msvm_VirtualSystemSettingData") != 0) {
        rv(o, RV_INVALID_PARAMETER,
           "SystemSettings is not an embedded "
           "Msvm_VirtualSystemSettingData");
        return;
    }
    const char *name = hv_embedded_get(ss->em, "ElementName", NULL);
    unsigned gen =
        gen_of(hv_embedded_get(ss->em, "VirtualSystemSubType", NULL));
    if (!name || !*name) {
        rv(o, RV_INVALID_PARAMETER, "the VM has no ElementName");
        return;
    }
    if (!gen) {
        rv(o, RV_INVALID_PARAMETER,
           "the VirtualSystemSubType is not "
           "a generation");
        return;
    }
    if (gen == 2 && strtoul(h->os_build, NULL, 10) < 9600) {
        rv(o, RV_INVALID_PARAMETER,
           "generation 2 VMs need Windows Server 2012 R2 or later");
        return;
    }
    struct hv_vm *vm = hv_vm_create(h, name, gen);
    const char *notes = hv_embedded_get(ss->em, "Notes", NULL);
    vm->notes = notes ? cmd_xstrdup(notes) : NULL;
    if (add_all(h, vm, rq, o, false)) {
        hv_vm_delete(h, vm);
        return;
    }
    char guid[37];
    memcpy(guid, vm->guid, sizeof(guid));
    if (!hv_job_begin(h, o, "DefineSystem", guid)) {
        hv_vm_delete(h, hv_vm_find(h, guid));
        return;
    }
    struct hv_inst *i = hv_vm_inst(h, hv_vm_find(h, guid));
    hv_write_ref(&o->params, "ResultingSystem", i);
    hv_inst_free(i);
}

static void destroy_system(struct hv *h, const struct hv_request *rq,
                           struct hv_out *o)
{
    const struct hv_param *p = hv_param_find(rq, "AffectedSystem");
    struct hv_vm *vm = vm_of_epr(h, p ? p->epr : NULL);
    if (!vm) {
        hv_out_fail(o, 6, "Not found ");
        return;
    }
    if (vm->state == 2 || vm->state == 9) {
        rv(o, RV_INVALID_STATE, "the VM is running: turn it off first");
        return;
    }
    char guid[37];
    memcpy(guid, vm->guid, sizeof(guid));
    if (hv_job_begin(h, o, "DestroySystem", guid))
        hv_vm_delete(h, hv_vm_find(h, guid));
}

static void add_resources(struct hv *h, const struct hv_request *rq,
                          struct hv_out *o)
{
    const struct hv_param *p = hv_param_find(rq, "AffectedConfiguration");
    const char *id = p && p->epr ? hv_epr_selector(p->epr, "InstanceID") : NULL;
    const char *rest = NULL;
    struct hv_vm *vm = vm_of_id(h, id, &rest);
    if (!vm || rest) {
        hv_out_fail(o, 6, "Not found ");
        return;
    }
    char guid[37];
    memcpy(guid, vm->guid, sizeof(guid));
    size_t before = vm->nres;
    if (add_all(h, vm, rq, o, false))
        return;
    /* A failing job undoes the additions; else report them. */
    size_t after = vm->nres;
    char **ids = cmd_xcalloc(after - before + 1, sizeof(char *));
    for (size_t k = before; k < after; k++)
        ids[k - before] = cmd_xstrdup(vm->res[k].id);
    bool ok = hv_job_begin(h, o, "AddResourceSettings", guid);
    vm = hv_vm_find(h, guid);
    for (size_t k = 0; k < after - before; k++) {
        struct hv_resource *r = hv_res_find(vm, ids[k]);
        if (r && !ok) {
            hv_res_remove(vm, r);
        } else if (r) {
            struct hv_inst *i = hv_res_inst(h, vm, r);
            hv_write_ref(&o->params, "ResultingResourceSettings", i);
            hv_inst_free(i);
        }
        free(ids[k]);
    }
    free(ids);
}

static void modify_resources(struct hv *h, const struct hv_request *rq,
                             struct hv_out *o)
{
    for (size_t k = 0; k < rq->nparams; k++) {
        const struct hv_param *p = &rq->params[k];
        if (strcasecmp(p->name, "ResourceSettings") != 0)
            continue;
        const char *id =
            p->em ? hv_embedded_get(p->em, "InstanceID", NULL) : NULL;
        const char *rest = NULL;
        struct hv_vm *vm = vm_of_id(h, id, &rest);
        struct hv_resource *r = vm ? hv_res_find(vm, rest) : NULL;
        if (!r) {
            hv_out_fail(o, 6, "Not found ");
            return;
        }
        /* Checked on a copy: a refused change leaves the resource. */
        struct hv_resource before = *r;
        before.parent = r->parent ? cmd_xstrdup(r->parent) : NULL;
        before.host_resource =
            r->host_resource ? cmd_xstrdup(r->host_resource) : NULL;
        before.mac = r->mac ? cmd_xstrdup(r->mac) : NULL;
        before.name = r->name ? cmd_xstrdup(r->name) : NULL;
        uint32_t v = res_set(h, vm, r, p->em, o);
        bool keep =
            !v && hv_job_begin(h, o, "ModifyResourceSettings", vm->guid);
        struct hv_resource *undo = keep ? &before : r;
        free(undo->parent);
        free(undo->host_resource);
        free(undo->mac);
        free(undo->name);
        if (!keep) {
            *r = before;
            if (v)
                return;
            continue;
        }
        struct hv_inst *i = hv_res_inst(h, vm, r);
        hv_write_ref(&o->params, "ResultingResourceSettings", i);
        hv_inst_free(i);
    }
}

static void remove_resources(struct hv *h, const struct hv_request *rq,
                             struct hv_out *o)
{
    /* All named resources must exist before any goes. */
    size_t n = 0;
    for (size_t k = 0; k < rq->nparams; k++) {
        const struct hv_param *p = &rq->params[k];
        if (strcasecmp(p->name, "ResourceSettings") != 0)
            continue;
        const char *id = p->epr ? hv_epr_selector(p->epr, "InstanceID") : NULL;
        const char *rest = NULL;
        struct hv_vm *vm = vm_of_id(h, id, &rest);
        if (!vm || !hv_res_find(vm, rest)) {
            hv_out_fail(o, 6, "Not found ");
            return;
        }
        enum hv_rtype t = hv_res_find(vm, rest)->type;
        if (t == HV_RES_PROCESSOR || t == HV_RES_MEMORY) {
            rv(o, RV_INVALID_PARAMETER,
               "a VM's processor and memory cannot be removed");
            return;
        }
        n++;
    }
    if (!n) {
        rv(o, RV_INVALID_PARAMETER, "no ResourceSettings to remove");
        return;
    }
    if (!hv_job_begin(h, o, "RemoveResourceSettings", NULL))
        return;
    for (size_t k = 0; k < rq->nparams; k++) {
        const struct hv_param *p = &rq->params[k];
        if (strcasecmp(p->name, "ResourceSettings") != 0)
            continue;
        const char *rest = NULL;
        struct hv_vm *vm =
            vm_of_id(h, hv_epr_selector(p->epr, "InstanceID"), &rest);
        struct hv_resource *r = vm ? hv_res_find(vm, rest) : NULL;
        if (r) /* gone already with its parent */
            hv_res_remove(vm, r);
    }
}

static void modify_system(struct hv *h, const struct hv_request *rq,
                          struct hv_out *o)
{
    const struct hv_param *ss = hv_param_find(rq, "SystemSettings");
    if (!ss || !ss->em) {
        rv(o, RV_INVALID_PARAMETER,
           "SystemSettings is not an embedded instance");
        return;
    }
    const char *rest = NULL;
    struct hv_vm *vm =
        vm_of_id(h, hv_embedded_get(ss->em, "InstanceID", NULL), &rest);
    if (!vm || rest) {
        hv_out_fail(o, 6, "Not found ");
        return;
    }
    const char *sub = hv_embedded_get(ss->em, "VirtualSystemSubType", NULL);
    if (sub && gen_of(sub) != vm->generation) {
        rv(o, RV_INVALID_PARAMETER, "a VM's generation cannot be changed");
        return;
    }
    if (!hv_job_begin(h, o, "ModifySystemSettings", vm->guid))
        return;
    const char *name = hv_embedded_get(ss->em, "ElementName", NULL);
    bool found;
    const char *notes = hv_embedded_get(ss->em, "Notes", &found);
    if (name && *name) {
        free(vm->name);
        vm->name = cmd_xstrdup(name);
    }
    if (found) {
        free(vm->notes);
        vm->notes = notes ? cmd_xstrdup(notes) : NULL;
    }
}

static void request_state_change(struct hv *h, struct hv_vm *vm,
                                 const struct hv_request *rq, struct hv_out *o)
{
    const struct hv_param *p = hv_param_find(rq, "RequestedState");
    if (!p || !p->text) {
        hv_out_fail(o, 4, "Invalid parameter ");
        return;
    }
    unsigned long want = strtoul(p->text, NULL, 10);
    uint16_t to;
    switch (want) {
    case 2:  /* Running */
    case 10: /* Reset... */
    case 11: /* ...Reboot */
        to = 2;
        break;
    case 3: /* Off */
    case 4: /* Shut Down */
        to = 3;
        break;
    case 6:     /* Offline: saved */
    case 32769: /* Saved */
        to = 6;
        break;
    case 9:     /* Quiesce: paused */
    case 32768: /* Paused */
        to = 9;
        break;
    default:
        rv(o, RV_INVALID_PARAMETER, "RequestedState is not one Hyper-V takes");
        return;
    }
    bool reset = want == 10 || want == 11;
    if ((to == vm->state && !reset) || (reset && vm->state != 2) ||
        (to == 9 && vm->state != 2) ||
        (to == 6 && vm->state != 2 && vm->state != 9)) {
        rv(o, RV_INVALID_STATE,
           "the VM cannot go to that state from "
           "its own");
        return;
    }
    if (hv_job_begin(h, o, "RequestStateChange", vm->guid))
        hv_vm_find(h, vm->guid)->state = to;
}

void hv_invoke(struct hv *h, const struct hv_request *rq, const char *ns,
               const char *cls, struct hv_out *o)
{
    const char *m = rq->method;
    if (strcasecmp(ns, HV_NS_VIRT) != 0) {
        hv_storage_invoke(h, rq, ns, cls, o);
        return;
    }
    if (strcasecmp(cls, "Msvm_ComputerSystem") == 0 &&
        strcasecmp(m, "RequestStateChange") == 0) {
        struct hv_vm *vm = hv_vm_find(h, hv_epr_selector(&rq->target, "Name"));
        struct hv_inst *i = hv_get(h, ns, cls, &rq->target);
        if (!i) {
            hv_out_fail(o, 6, "Not found ");
            return;
        }
        hv_inst_free(i);
        if (!vm) /* the host itself */ {
            rv(o, RV_NOT_SUPPORTED,
               "the host's state is not changed "
               "over WMI");
            return;
        }
        request_state_change(h, vm, rq, o);
        return;
    }
    if (strcasecmp(cls, "Msvm_VirtualSystemManagementService") != 0) {
        hv_out_fail(o, 16, "Method not found ");
        return;
    }
    struct hv_inst *svc = hv_get(h, ns, cls, &rq->target);
    if (!svc) {
        hv_out_fail(o, 6, "Not found ");
        return;
    }
    hv_inst_free(svc);
    if (strcasecmp(m, "DefineSystem") == 0)
        define_system(h, rq, o);
    else if (strcasecmp(m, "DestroySystem") == 0)
        destroy_system(h, rq, o);
    else if (strcasecmp(m, "AddResourceSettings") == 0)
        add_resources(h, rq, o);
    else if (strcasecmp(m, "ModifyResourceSettings") == 0)
        modify_resources(h, rq, o);
    else if (strcasecmp(m, "RemoveResourceSettings") == 0)
        remove_resources(h, rq, o);
    else if (strcasecmp(m, "ModifySystemSettings") == 0)
        modify_system(h, rq, o);
    else
        hv_out_fail(o, 16, "Method not found ");
}
