/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd/hyperv-sim/virt.c: the instances of root/virtualization/v2 (the host
 * and VMs, their settings and resources, switches, jobs, capabilities),
 * made from the model. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/cmd.h"
#include "classes.h"

#define CS "Msvm_ComputerSystem"

/* ---- root/virtualization/v2 ---- */

struct hv_inst *hv_host_inst(struct hv *h)
{
    struct hv_inst *i = hv_inst_new(HV_NS_VIRT, CS);
    hv_inst_str(i, "CreationClassName", CS);
    hv_inst_str(i, "Name", h->hostname);
    hv_inst_str(i, "ElementName", h->hostname);
    hv_inst_str(i, "Caption", "Hosting Computer System");
    hv_inst_str(i, "Description", "Microsoft Hosting Computer System");
    hv_inst_u64(i, "EnabledState", 2);
    hv_inst_u64(i, "RequestedState", 12);
    hv_inst_u64(i, "HealthState", 5);
    return i;
}

struct hv_inst *hv_vm_inst(struct hv *h, const struct hv_vm *vm)
{
    struct hv_inst *i = hv_inst_new(HV_NS_VIRT, CS);
    hv_inst_str(i, "CreationClassName", CS);
    hv_inst_str(i, "Name", vm->guid);
    hv_inst_str(i, "ElementName", vm->name);
    hv_inst_str(i, "Caption", "Virtual Machine");
    hv_inst_str(i, "Description", "Microsoft Virtual Machine");
    hv_inst_u64(i, "EnabledState", vm->state);
    hv_inst_u64(i, "RequestedState", 12);
    hv_inst_u64(i, "HealthState", 5);
    hv_inst_str(i, "InstallDate", NULL);
    const char *ops[] = {"2"};
    hv_inst_arr(i, "OperationalStatus", ops, 1);
    hv_inst_u64(i, "ProcessID",
                vm->state == 2 ? 4000 + (vm->guid[0] & 0xff) : 0);
    return i;
}

struct hv_inst *hv_vsms_inst(struct hv *h)
{
    struct hv_inst *i =
        hv_inst_new(HV_NS_VIRT, "Msvm_VirtualSystemManagementService");
    hv_inst_str(i, "CreationClassName", "Msvm_VirtualSystemManagementService");
    hv_inst_str(i, "Name", "vmms");
    hv_inst_str(i, "SystemCreationClassName", CS);
    hv_inst_str(i, "SystemName", h->hostname);
    hv_inst_str(i, "ElementName", "Virtual Machine Management Service");
    hv_inst_u64(i, "EnabledState", 2);
    hv_inst_bool(i, "Started", true);
    return i;
}

bool hv_gen2(const struct hv *h)
{
    return h->os_build && strtoul(h->os_build, NULL, 10) >= 9600;
}

struct hv_inst *hv_vsmc_inst(struct hv *h)
{
    struct hv_inst *i =
        hv_inst_new(HV_NS_VIRT, "Msvm_VirtualSystemManagementCapabilities");
    hv_inst_str(i, "InstanceID",
                "Microsoft:VirtualSystemManagementCapabilities");
    hv_inst_str(i, "ElementName", "Virtual System Management Capabilities");
    const char *types[] = {"Microsoft:Hyper-V:System:Realized",
                           "Microsoft:Hyper-V:System:Planned"};
    hv_inst_arr(i, "VirtualSystemTypesSupported", types, 2);
    const char *async[] = {"3", "4", "5", "6", "7", "8"};
    hv_inst_arr(i, "AsynchronousMethodsSupported", async, 6);
    return i;
}

/* The default settings of each generation the host can define (linked
 * from the capabilities by Msvm_SettingsDefineCapabilities). */
struct hv_inst *hv_definition_inst(unsigned gen)
{
    struct hv_inst *i =
        hv_inst_new(HV_NS_VIRT, "Msvm_VirtualSystemSettingData");
    hv_inst_fmt(i, "InstanceID", "Microsoft:Definition\\Generation%u\\Default",
                gen);
    hv_inst_fmt(i, "ElementName", "Generation %u default settings", gen);
    hv_inst_fmt(i, "VirtualSystemSubType", "Microsoft:Hyper-V:SubType:%u", gen);
    hv_inst_str(i, "VirtualSystemType", "Microsoft:Hyper-V:System:Definition");
    return i;
}

struct hv_inst *hv_elec_inst(void)
{
    struct hv_inst *i =
        hv_inst_new(HV_NS_VIRT, "Msvm_EnabledLogicalElementCapabilities");
    hv_inst_str(i, "InstanceID", "Microsoft:EnabledLogicalElementCapabilities");
    const char *states[] = {"2", "3", "6", "9", "10", "11", "32768", "32769"};
    hv_inst_arr(i, "RequestedStatesSupported", states, 8);
    return i;
}

struct hv_inst *hv_vssd_inst(struct hv *h, const struct hv_vm *vm)
{
    struct hv_inst *i =
        hv_inst_new(HV_NS_VIRT, "Msvm_VirtualSystemSettingData");
    hv_inst_fmt(i, "InstanceID", "Microsoft:%s", vm->guid);
    hv_inst_str(i, "ElementName", vm->name);
    hv_inst_str(i, "VirtualSystemIdentifier", vm->guid);
    hv_inst_str(i, "VirtualSystemType", "Microsoft:Hyper-V:System:Realized");
    hv_inst_fmt(i, "VirtualSystemSubType", "Microsoft:Hyper-V:SubType:%u",
                vm->generation);
    const char *notes[] = {vm->notes ? vm->notes : ""};
    hv_inst_arr(i, "Notes", notes, 1);
    return i;
}

static const struct {
    const char *cls, *subtype;
    unsigned rtype;
} res_kinds[] = {
    [HV_RES_PROCESSOR] = {"Msvm_ProcessorSettingData",
                          "Microsoft:Hyper-V:Processor", 3},
    [HV_RES_MEMORY] = {"Msvm_MemorySettingData", "Microsoft:Hyper-V:Memory", 4},
    [HV_RES_SCSI] = {"Msvm_ResourceAllocationSettingData",
                     "Microsoft:Hyper-V:Synthetic SCSI Controller", 6},
    [HV_RES_IDE] = {"Msvm_ResourceAllocationSettingData",
                    "Microsoft:Hyper-V:Emulated IDE Controller", 5},
    [HV_RES_DISK_DRIVE] = {"Msvm_ResourceAllocationSettingData",
                           "Microsoft:Hyper-V:Synthetic Disk Drive", 17},
    [HV_RES_DVD_DRIVE] = {"Msvm_ResourceAllocationSettingData",
                          "Microsoft:Hyper-V:Synthetic DVD Drive", 16},
    [HV_RES_PHYSICAL] = {"Msvm_ResourceAllocationSettingData",
                         "Microsoft:Hyper-V:Physical Disk Drive", 17},
    [HV_RES_VHD] = {"Msvm_StorageAllocationSettingData",
                    "Microsoft:Hyper-V:Virtual Hard Disk", 31},
    [HV_RES_ISO] = {"Msvm_StorageAllocationSettingData",
                    "Microsoft:Hyper-V:Virtual CD/DVD Disk", 16},
    [HV_RES_NIC] = {"Msvm_SyntheticEthernetPortSettingData",
                    "Microsoft:Hyper-V:Synthetic Ethernet Port", 10},
    [HV_RES_CONNECTION] = {"Msvm_EthernetPortAllocationSettingData",
                           "Microsoft:Hyper-V:Ethernet Connection", 33},
};

const char *hv_res_class(enum hv_rtype t)
{
    return res_kinds[t].cls;
}

bool hv_res_kind(const char *subtype, enum hv_rtype *t)
{
    for (size_t k = 0; k < CMD_COUNT(res_kinds); k++)
        if (strcasecmp(res_kinds[k].subtype, subtype) == 0) {
            *t = (enum hv_rtype)k;
            return true;
        }
    return false;
}

struct hv_inst *hv_switch_inst(struct hv *h, size_t n)
{
    struct hv_inst *i = hv_inst_new(HV_NS_VIRT, "Msvm_VirtualEthernetSwitch");
    hv_inst_str(i, "CreationClassName", "Msvm_VirtualEthernetSwitch");
    /* A stable GUID-like name from the switch's index. */
    hv_inst_fmt(i, "Name", "5A5B0000-0000-4000-8000-%012zX", n + 1);
    hv_inst_str(i, "ElementName", h->switches[n]);
    hv_inst_u64(i, "EnabledState", 2);
    return i;
}

static struct hv_inst *switch_by_name(struct hv *h, const char *name)
{
    for (size_t n = 0; name && n < h->nswitches; n++)
        if (strcmp(h->switches[n], name) == 0)
            return hv_switch_inst(h, n);
    return NULL;
}

/* The host's physical disk as Hyper-V lists it (for pass-through). */
struct hv_inst *hv_diskdrive_inst(struct hv *h, const struct hv_disk *d)
{
    struct hv_inst *i = hv_inst_new(HV_NS_VIRT, "Msvm_DiskDrive");
    hv_inst_str(i, "CreationClassName", "Msvm_DiskDrive");
    hv_inst_fmt(i, "DeviceID", "Microsoft:PhysicalDisk\\%u", d->number);
    hv_inst_str(i, "SystemCreationClassName", CS);
    hv_inst_str(i, "SystemName", h->hostname);
    hv_inst_u64(i, "DriveNumber", d->number);
    hv_inst_str(i, "ElementName", d->friendly ? d->friendly : "");
    return i;
}

struct hv_inst *hv_res_inst(struct hv *h, const struct hv_vm *vm,
                            const struct hv_resource *r)
{
    struct hv_inst *i = hv_inst_new(HV_NS_VIRT, res_kinds[r->type].cls);
    hv_inst_fmt(i, "InstanceID", "Microsoft:%s\\%s", vm->guid, r->id);
    hv_inst_str(i, "ElementName",
                r->name ? r->name : res_kinds[r->type].subtype + 20);
    hv_inst_u64(i, "ResourceType", res_kinds[r->type].rtype);
    hv_inst_str(i, "ResourceSubType", res_kinds[r->type].subtype);
    if (r->parent) {
        const struct hv_resource *pr =
            hv_res_find((struct hv_vm *)vm, r->parent);
        char *id = cmd_xasprintf("Microsoft:%s\\%s", vm->guid, r->parent);
        char *esc = hv_path_escape(id);
        hv_inst_fmt(i, "Parent",
                    "\\\\%s\\root\\virtualization\\v2:%s.InstanceID="
                    "\"%s\"",
                    h->hostname,
                    pr ? res_kinds[pr->type].cls
                       : "Msvm_ResourceAllocationSettingData",
                    esc);
        free(esc);
        free(id);
    } else
        hv_inst_nil(i, "Parent");
    hv_inst_fmt(i, "Address", "%u", r->address);
    hv_inst_fmt(i, "AddressOnParent", "%u", r->address);
    switch (r->type) {
    case HV_RES_PROCESSOR:
        hv_inst_u64(i, "VirtualQuantity", r->quantity);
        hv_inst_str(i, "AllocationUnits", "count");
        break;
    case HV_RES_MEMORY:
        hv_inst_u64(i, "VirtualQuantity", r->quantity);
        hv_inst_u64(i, "Reservation", r->quantity);
        hv_inst_u64(i, "Limit", r->quantity);
        hv_inst_str(i, "AllocationUnits", "byte * 2^20");
        hv_inst_bool(i, "DynamicMemoryEnabled", false);
        break;
    case HV_RES_PHYSICAL: {
        /* host_resource: the host's disk number */
        char *path = cmd_xasprintf(
            "\\\\%s\\root\\virtualization\\v2:Msvm_DiskDrive."
            "CreationClassName=\"Msvm_DiskDrive\",DeviceID=\"Microsoft:"
            "PhysicalDisk\\\\%s\",SystemCreationClassName=\"" CS "\","
            "SystemName=\"%s\"",
            h->hostname, r->host_resource ? r->host_resource : "", h->hostname);
        const char *hr[] = {path};
        hv_inst_arr(i, "HostResource", hr, 1);
        free(path);
        break;
    }
    case HV_RES_VHD:
    case HV_RES_ISO: {
        const char *hr[] = {r->host_resource ? r->host_resource : ""};
        hv_inst_arr(i, "HostResource", hr, 1);
        break;
    }
    case HV_RES_NIC:
        hv_inst_str(i, "Address", r->mac ? r->mac : "");
        hv_inst_bool(i, "StaticMacAddress", r->mac != NULL);
        break;
    case HV_RES_CONNECTION: {
        struct hv_inst *sw = switch_by_name(h, r->host_resource);
        if (sw) {
            char *path = cmd_xasprintf(
                "\\\\%s\\root\\virtualization\\v2:Msvm_VirtualEthernetSwitch."
                "CreationClassName=\"Msvm_VirtualEthernetSwitch\",Name=\"%s\"",
                h->hostname, hv_inst_get(sw, "Name"));
            const char *hr[] = {path};
            hv_inst_arr(i, "HostResource", hr, 1);
            free(path);
            hv_inst_free(sw);
        } else {
            hv_inst_arr(i, "HostResource", NULL, 0);
        }
        hv_inst_u64(i, "EnabledState", 2);
        break;
    }
    default:
        break;
    }
    return i;
}

struct hv_inst *hv_job_inst(struct hv *h, const struct hv_job *j)
{
    int64_t now = hv_now_ms();
    int state = hv_job_state(j, now);
    struct hv_inst *i = hv_inst_new(HV_NS_VIRT, "Msvm_ConcreteJob");
    hv_inst_str(i, "InstanceID", j->id);
    hv_inst_str(i, "ElementName", j->method);
    hv_inst_str(i, "Caption", j->method);
    hv_inst_u64(i, "JobState", (uint64_t)state);
    int64_t span = j->end_ms - j->start_ms;
    uint64_t pct = state != 4 ? 100
                   : span > 0 ? (uint64_t)((now - j->start_ms) * 100 / span)
                              : 100;
    hv_inst_u64(i, "PercentComplete", pct);
    hv_inst_u64(i, "ErrorCode", state == 10 ? 32768 : 0);
    hv_inst_str(i, "ErrorDescription", state == 10 ? j->error : NULL);
    hv_inst_str(i, "ErrorSummaryDescription", state == 10 ? j->error : NULL);
    hv_inst_u64(i, "JobType", 0);
    hv_inst_bool(i, "DeleteOnCompletion", false);
    hv_inst_str(i, "TimeBeforeRemoval", "00000000000500.000000:000");
    return i;
}
