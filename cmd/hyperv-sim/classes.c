/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd/hyperv-sim/classes.c: the WMI classes hyperv-sim serves, made from
 * the model: root/virtualization/v2, root/Microsoft/Windows/Storage,
 * root/cimv2. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/cmd.h"
#include "classes.h"

/* ---- associations ---- */

static struct hv_inst *assoc(const char *ns, const char *cls, const char *r1,
                             struct hv_inst *a, const char *r2,
                             struct hv_inst *b)
{
    struct hv_inst *i = hv_inst_new(ns, cls);
    hv_inst_ref(i, r1, a);
    hv_inst_ref(i, r2, b);
    return i;
}

/* ---- the table ---- */

struct walk {
    struct hv *h;
    hv_emit_fn fn;
    void *ud;
    bool stop;
};

static void emit(struct walk *w, struct hv_inst *i)
{
    if (w->stop) {
        hv_inst_free(i);
        return;
    }
    if (w->fn(i, w->ud))
        w->stop = true;
}

static void each_cs(struct walk *w)
{
    emit(w, hv_host_inst(w->h));
    for (size_t k = 0; k < w->h->nvms; k++)
        emit(w, hv_vm_inst(w->h, &w->h->vms[k]));
}

static void each_vsms(struct walk *w)
{
    emit(w, hv_vsms_inst(w->h));
}

static void each_vsmc(struct walk *w)
{
    emit(w, hv_vsmc_inst(w->h));
}

static void each_elec(struct walk *w)
{
    emit(w, hv_elec_inst());
}

static void each_vssd(struct walk *w)
{
    emit(w, hv_definition_inst(1));
    if (hv_gen2(w->h))
        emit(w, hv_definition_inst(2));
    for (size_t k = 0; k < w->h->nvms; k++)
        emit(w, hv_vssd_inst(w->h, &w->h->vms[k]));
}

static void each_res_of(struct walk *w, const char *cls)
{
    for (size_t k = 0; k < w->h->nvms; k++) {
        const struct hv_vm *vm = &w->h->vms[k];
        for (size_t r = 0; r < vm->nres; r++)
            if (strcmp(hv_res_class(vm->res[r].type), cls) == 0)
                emit(w, hv_res_inst(w->h, vm, &vm->res[r]));
    }
}

static void each_proc(struct walk *w)
{
    each_res_of(w, "Msvm_ProcessorSettingData");
}
static void each_mem(struct walk *w)
{
    each_res_of(w, "Msvm_MemorySettingData");
}
static void each_rasd(struct walk *w)
{
    each_res_of(w, "Msvm_ResourceAllocationSettingData");
}
static void each_sasd(struct walk *w)
{
    each_res_of(w, "Msvm_StorageAllocationSettingData");
}
static void each_nic(struct walk *w)
{
    each_res_of(w, "Msvm_SyntheticEthernetPortSettingData");
}
static void each_epasd(struct walk *w)
{
    each_res_of(w, "Msvm_EthernetPortAllocationSettingData");
}

static void each_switch(struct walk *w)
{
    for (size_t k = 0; k < w->h->nswitches; k++)
        emit(w, hv_switch_inst(w->h, k));
}

static void each_diskdrive(struct walk *w)
{
    for (size_t k = 0; k < w->h->ndisks; k++)
        if (!w->h->disks[k].boot)
            emit(w, hv_diskdrive_inst(w->h, &w->h->disks[k]));
}

static void each_job(struct walk *w)
{
    for (size_t k = 0; k < w->h->njobs; k++)
        emit(w, hv_job_inst(w->h, &w->h->jobs[k]));
}

static void each_disk(struct walk *w)
{
    for (size_t k = 0; k < w->h->ndisks; k++)
        emit(w, hv_disk_inst(w->h, &w->h->disks[k]));
}

static void each_partition(struct walk *w)
{
    for (size_t k = 0; k < w->h->ndisks; k++)
        if (w->h->disks[k].fs)
            emit(w, hv_partition_inst(w->h, &w->h->disks[k]));
}

static void each_volume(struct walk *w)
{
    for (size_t k = 0; k < w->h->ndisks; k++)
        if (w->h->disks[k].fs && !w->h->disks[k].offline)
            emit(w, hv_volume_inst(w->h, &w->h->disks[k]));
}

static void each_setting(struct walk *w)
{
    struct hv_inst *i = hv_inst_new(HV_NS_STORAGE, "MSFT_StorageSetting");
    hv_inst_u64(i, "NewDiskPolicy", 3); /* OfflineShared */
    emit(w, i);
}

static void each_initiator(struct walk *w)
{
    if (w->h->o.iqn)
        emit(w, hv_initiator_inst(w->h, w->h->o.iqn, false));
    const char *p = w->h->o.wwpns;
    while (p && *p) {
        size_t len = strcspn(p, ",");
        char *one = cmd_xasprintf("%.*s", (int)len, p);
        if (len)
            emit(w, hv_initiator_inst(w->h, one, true));
        free(one);
        p += len + (p[len] == ',');
    }
}

static void each_portal(struct walk *w)
{
    for (size_t k = 0; k < w->h->nportals; k++)
        emit(w, hv_portal_inst(w->h, &w->h->portals[k]));
}

/* The targets: those the portals offer (discovered when the portal was
 * added, kept as sessions or not) and those with a session. */
static void each_target(struct walk *w)
{
    struct hv *h = w->h;
    char **seen = NULL;
    size_t nseen = 0;
    for (size_t p = 0; p < h->nportals; p++) {
        char **t = NULL;
        size_t n = 0;
        sp_error err;
        if (hv_discover(h, h->portals[p].address, h->portals[p].port, &t, &n,
                        &err))
            continue;
        for (size_t k = 0; k < n; k++) {
            bool dup = false;
            for (size_t j = 0; j < nseen; j++)
                dup = dup || strcmp(seen[j], t[k]) == 0;
            if (!dup) {
                seen = cmd_xrealloc(seen, (nseen + 1) * sizeof(char *));
                seen[nseen++] = t[k];
            } else {
                free(t[k]);
            }
        }
        free(t);
    }
    for (size_t s = 0; s < h->nsessions; s++) {
        bool dup = false;
        for (size_t j = 0; j < nseen; j++)
            dup = dup || strcmp(seen[j], h->sessions[s].target) == 0;
        if (!dup) {
            seen = cmd_xrealloc(seen, (nseen + 1) * sizeof(char *));
            seen[nseen++] = cmd_xstrdup(h->sessions[s].target);
        }
    }
    for (size_t j = 0; j < nseen; j++) {
        emit(w, hv_target_inst(h, seen[j]));
        free(seen[j]);
    }
    free(seen);
}

static void each_session(struct walk *w)
{
    for (size_t k = 0; k < w->h->nsessions; k++)
        emit(w, hv_session_inst(w->h, &w->h->sessions[k]));
}

static void each_os(struct walk *w)
{
    emit(w, hv_os_inst(w->h));
}

static void each_service(struct walk *w)
{
    emit(w, hv_iscsi_service_inst(w->h));
}

static void each_feature(struct walk *w)
{
    if (w->h->mpio)
        emit(w, hv_mpio_inst());
}

/* Associations */

static void each_sds(struct walk *w)
{
    for (size_t k = 0; k < w->h->nvms; k++)
        emit(w, assoc(HV_NS_VIRT, "Msvm_SettingsDefineState", "ManagedElement",
                      hv_vm_inst(w->h, &w->h->vms[k]), "SettingData",
                      hv_vssd_inst(w->h, &w->h->vms[k])));
}

static void each_vssdc(struct walk *w)
{
    for (size_t k = 0; k < w->h->nvms; k++) {
        const struct hv_vm *vm = &w->h->vms[k];
        for (size_t r = 0; r < vm->nres; r++)
            emit(w, assoc(HV_NS_VIRT, "Msvm_VirtualSystemSettingDataComponent",
                          "GroupComponent", hv_vssd_inst(w->h, vm),
                          "PartComponent", hv_res_inst(w->h, vm, &vm->res[r])));
    }
}

static void each_hosted(struct walk *w)
{
    emit(w, assoc(HV_NS_VIRT, "Msvm_HostedService", "Antecedent",
                  hv_host_inst(w->h), "Dependent", hv_vsms_inst(w->h)));
}

static void each_elemcap(struct walk *w)
{
    emit(w, assoc(HV_NS_VIRT, "Msvm_ElementCapabilities", "ManagedElement",
                  hv_vsms_inst(w->h), "Capabilities", hv_vsmc_inst(w->h)));
    for (size_t k = 0; k < w->h->nvms; k++)
        emit(w, assoc(HV_NS_VIRT, "Msvm_ElementCapabilities", "ManagedElement",
                      hv_vm_inst(w->h, &w->h->vms[k]), "Capabilities",
                      hv_elec_inst()));
}

static void each_sdc(struct walk *w)
{
    for (unsigned g = 1; g <= (hv_gen2(w->h) ? 2u : 1u); g++)
        emit(w, assoc(HV_NS_VIRT, "Msvm_SettingsDefineCapabilities",
                      "GroupComponent", hv_vsmc_inst(w->h), "PartComponent",
                      hv_definition_inst(g)));
}

static void each_aje(struct walk *w)
{
    for (size_t k = 0; k < w->h->njobs; k++) {
        const struct hv_job *j = &w->h->jobs[k];
        const struct hv_vm *vm = hv_vm_find(w->h, j->vm);
        if (vm)
            emit(w, assoc(HV_NS_VIRT, "Msvm_AffectedJobElement",
                          "AffectedElement", hv_vm_inst(w->h, vm),
                          "AffectingElement", hv_job_inst(w->h, j)));
    }
}

static void each_d2p(struct walk *w)
{
    for (size_t k = 0; k < w->h->ndisks; k++)
        if (w->h->disks[k].fs)
            emit(w, assoc(HV_NS_STORAGE, "MSFT_DiskToPartition", "Disk",
                          hv_disk_inst(w->h, &w->h->disks[k]), "Partition",
                          hv_partition_inst(w->h, &w->h->disks[k])));
}

static void each_p2v(struct walk *w)
{
    for (size_t k = 0; k < w->h->ndisks; k++)
        if (w->h->disks[k].fs && !w->h->disks[k].offline)
            emit(w, assoc(HV_NS_STORAGE, "MSFT_PartitionToVolume", "Partition",
                          hv_partition_inst(w->h, &w->h->disks[k]), "Volume",
                          hv_volume_inst(w->h, &w->h->disks[k])));
}

static void each_s2d(struct walk *w)
{
    for (size_t s = 0; s < w->h->nsessions; s++)
        for (size_t k = 0; k < w->h->ndisks; k++)
            if (w->h->disks[k].target &&
                strcmp(w->h->disks[k].target, w->h->sessions[s].target) == 0)
                emit(w, assoc(HV_NS_STORAGE, "MSFT_iSCSISessionToDisk",
                              "iSCSISession",
                              hv_session_inst(w->h, &w->h->sessions[s]), "Disk",
                              hv_disk_inst(w->h, &w->h->disks[k])));
}

static void each_t2s(struct walk *w)
{
    for (size_t s = 0; s < w->h->nsessions; s++)
        emit(w,
             assoc(HV_NS_STORAGE, "MSFT_iSCSITargetToiSCSISession",
                   "iSCSITarget",
                   hv_target_inst(w->h, w->h->sessions[s].target),
                   "iSCSISession", hv_session_inst(w->h, &w->h->sessions[s])));
}

struct hv_class {
    const char *ns, *name;
    const char *supers[3]; /* the CIM classes it descends from */
    bool association;
    void (*each)(struct walk *w);
};

static const struct hv_class classes[] = {
    {HV_NS_VIRT,
     "Msvm_ComputerSystem",
     {"CIM_ComputerSystem", "CIM_System"},
     false,
     each_cs},
    {HV_NS_VIRT,
     "Msvm_VirtualSystemManagementService",
     {"CIM_VirtualSystemManagementService", "CIM_Service"},
     false,
     each_vsms},
    {HV_NS_VIRT,
     "Msvm_VirtualSystemManagementCapabilities",
     {"CIM_VirtualSystemManagementCapabilities", "CIM_Capabilities"},
     false,
     each_vsmc},
    {HV_NS_VIRT,
     "Msvm_EnabledLogicalElementCapabilities",
     {"CIM_EnabledLogicalElementCapabilities", "CIM_Capabilities"},
     false,
     each_elec},
    {HV_NS_VIRT,
     "Msvm_VirtualSystemSettingData",
     {"CIM_VirtualSystemSettingData", "CIM_SettingData"},
     false,
     each_vssd},
    {HV_NS_VIRT,
     "Msvm_ProcessorSettingData",
     {"CIM_ResourceAllocationSettingData", "CIM_SettingData"},
     false,
     each_proc},
    {HV_NS_VIRT,
     "Msvm_MemorySettingData",
     {"CIM_ResourceAllocationSettingData", "CIM_SettingData"},
     false,
     each_mem},
    {HV_NS_VIRT,
     "Msvm_ResourceAllocationSettingData",
     {"CIM_ResourceAllocationSettingData", "CIM_SettingData"},
     false,
     each_rasd},
    {HV_NS_VIRT,
     "Msvm_StorageAllocationSettingData",
     {"CIM_StorageAllocationSettingData", "CIM_ResourceAllocationSettingData",
      "CIM_SettingData"},
     false,
     each_sasd},
    {HV_NS_VIRT,
     "Msvm_SyntheticEthernetPortSettingData",
     {"CIM_ResourceAllocationSettingData", "CIM_SettingData"},
     false,
     each_nic},
    {HV_NS_VIRT,
     "Msvm_EthernetPortAllocationSettingData",
     {"CIM_ResourceAllocationSettingData", "CIM_SettingData"},
     false,
     each_epasd},
    {HV_NS_VIRT,
     "Msvm_VirtualEthernetSwitch",
     {"CIM_VirtualEthernetSwitch", "CIM_ComputerSystem", "CIM_System"},
     false,
     each_switch},
    {HV_NS_VIRT, "Msvm_DiskDrive", {"CIM_DiskDrive"}, false, each_diskdrive},
    {HV_NS_VIRT,
     "Msvm_ConcreteJob",
     {"CIM_ConcreteJob", "CIM_Job"},
     false,
     each_job},
    {HV_NS_VIRT,
     "Msvm_SettingsDefineState",
     {"CIM_SettingsDefineState"},
     true,
     each_sds},
    {HV_NS_VIRT,
     "Msvm_VirtualSystemSettingDataComponent",
     {"CIM_VirtualSystemSettingDataComponent", "CIM_Component"},
     true,
     each_vssdc},
    {HV_NS_VIRT,
     "Msvm_HostedService",
     {"CIM_HostedService"},
     true,
     each_hosted},
    {HV_NS_VIRT,
     "Msvm_ElementCapabilities",
     {"CIM_ElementCapabilities"},
     true,
     each_elemcap},
    {HV_NS_VIRT,
     "Msvm_SettingsDefineCapabilities",
     {"CIM_SettingsDefineCapabilities"},
     true,
     each_sdc},
    {HV_NS_VIRT,
     "Msvm_AffectedJobElement",
     {"CIM_AffectedJobElement"},
     true,
     each_aje},
    {HV_NS_STORAGE, "MSFT_Disk", {"MSFT_StorageObject"}, false, each_disk},
    {HV_NS_STORAGE,
     "MSFT_Partition",
     {"MSFT_StorageObject"},
     false,
     each_partition},
    {HV_NS_STORAGE, "MSFT_Volume", {"MSFT_StorageObject"}, false, each_volume},
    {HV_NS_STORAGE, "MSFT_StorageSetting", {NULL}, false, each_setting},
    {HV_NS_STORAGE, "MSFT_InitiatorPort", {NULL}, false, each_initiator},
    {HV_NS_STORAGE, "MSFT_iSCSITargetPortal", {NULL}, false, each_portal},
    {HV_NS_STORAGE, "MSFT_iSCSITarget", {NULL}, false, each_target},
    {HV_NS_STORAGE, "MSFT_iSCSISession", {NULL}, false, each_session},
    {HV_NS_STORAGE, "MSFT_DiskToPartition", {NULL}, true, each_d2p},
    {HV_NS_STORAGE, "MSFT_PartitionToVolume", {NULL}, true, each_p2v},
    {HV_NS_STORAGE, "MSFT_iSCSISessionToDisk", {NULL}, true, each_s2d},
    {HV_NS_STORAGE, "MSFT_iSCSITargetToiSCSISession", {NULL}, true, each_t2s},
    {HV_NS_CIMV2,
     "Win32_OperatingSystem",
     {"CIM_OperatingSystem"},
     false,
     each_os},
    {HV_NS_CIMV2, "Win32_Service", {"CIM_Service"}, false, each_service},
    {HV_NS_CIMV2, "Win32_ServerFeature", {NULL}, false, each_feature},
};

static bool is_a(const struct hv_class *c, const char *name)
{
    if (strcasecmp(c->name, name) == 0)
        return true;
    for (size_t k = 0; k < CMD_COUNT(c->supers) && c->supers[k]; k++)
        if (strcasecmp(c->supers[k], name) == 0)
            return true;
    return false;
}

bool hv_class_is_a(const char *cls, const char *of)
{
    for (size_t k = 0; k < CMD_COUNT(classes); k++)
        if (strcasecmp(classes[k].name, cls) == 0)
            return is_a(&classes[k], of);
    return strcasecmp(cls, of) == 0;
}

bool hv_class_known(const char *ns, const char *cls)
{
    for (size_t k = 0; k < CMD_COUNT(classes); k++)
        if (strcasecmp(classes[k].ns, ns) == 0 &&
            (strcmp(cls, "*") == 0 || is_a(&classes[k], cls)))
            return true;
    return false;
}

bool hv_namespace_known(const char *ns)
{
    for (size_t k = 0; k < CMD_COUNT(classes); k++)
        if (strcasecmp(classes[k].ns, ns) == 0)
            return true;
    return false;
}

bool hv_each(struct hv *h, const char *ns, const char *cls, hv_emit_fn fn,
             void *ud)
{
    struct walk w = {h, fn, ud, false};
    bool any = false;
    for (size_t k = 0; k < CMD_COUNT(classes) && !w.stop; k++) {
        const struct hv_class *c = &classes[k];
        if (strcasecmp(c->ns, ns) != 0)
            continue;
        /* "*" (a WQL query's or an association's ResourceURI) is every
         * class, but not the associations. */
        if (strcmp(cls, "*") == 0 ? c->association : !is_a(c, cls))
            continue;
        any = true;
        c->each(&w);
    }
    return any || strcmp(cls, "*") == 0;
}

struct get {
    const struct hv_epr *e;
    const char *cls;
    struct hv_inst *found;
};

static int get_one(struct hv_inst *i, void *ud)
{
    struct get *g = ud;
    if (!g->found && hv_inst_matches(i, g->e)) {
        g->found = i;
        return 1;
    }
    hv_inst_free(i);
    return 0;
}

struct hv_inst *hv_get(struct hv *h, const char *ns, const char *cls,
                       const struct hv_epr *e)
{
    struct get g = {e, cls, NULL};
    hv_each(h, ns, cls, get_one, &g);
    return g.found;
}

struct assoc_walk {
    const struct hv_inst *obj;
    bool references;
    const char *result_class, *role, *result_role;
    hv_emit_fn fn;
    void *ud;
    bool stop;
};

static int assoc_one(struct hv_inst *a, void *ud)
{
    struct assoc_walk *w = ud;
    const char *obj_role = NULL;
    for (size_t k = 0; k < hv_inst_nprops(a); k++) {
        const char *name;
        const struct hv_inst *r = hv_inst_ref_at(a, k, &name);
        if (r && hv_inst_same(r, w->obj) &&
            (!w->role || strcasecmp(w->role, name) == 0))
            obj_role = name;
    }
    if (!obj_role || w->stop) {
        hv_inst_free(a);
        return 0;
    }
    if (w->references) {
        if (w->result_class &&
            !hv_class_is_a(hv_inst_class(a), w->result_class)) {
            hv_inst_free(a);
            return 0;
        }
        w->stop = w->fn(a, w->ud) != 0;
        return w->stop;
    }
    for (size_t k = 0; k < hv_inst_nprops(a) && !w->stop; k++) {
        const char *name;
        const struct hv_inst *r = hv_inst_ref_at(a, k, &name);
        if (!r || strcasecmp(name, obj_role) == 0 ||
            (w->result_role && strcasecmp(w->result_role, name) != 0) ||
            (w->result_class &&
             !hv_class_is_a(hv_inst_class(r), w->result_class)))
            continue;
        w->stop = w->fn(hv_inst_take_ref(a, name), w->ud) != 0;
        break;
    }
    hv_inst_free(a);
    return w->stop;
}

void hv_associated(struct hv *h, const struct hv_inst *obj, bool references,
                   const char *assoc_class, const char *result_class,
                   const char *role, const char *result_role, hv_emit_fn fn,
                   void *ud)
{
    struct assoc_walk w = {.obj = obj,
                           .references = references,
                           .result_class = result_class,
                           .role = role,
                           .result_role = result_role,
                           .fn = fn,
                           .ud = ud};
    struct walk ww = {h, assoc_one, &w, false};
    for (size_t k = 0; k < CMD_COUNT(classes) && !w.stop; k++) {
        const struct hv_class *c = &classes[k];
        if (!c->association || strcasecmp(c->ns, hv_inst_ns(obj)) != 0 ||
            (assoc_class && !is_a(c, assoc_class)))
            continue;
        c->each(&ww);
    }
}
