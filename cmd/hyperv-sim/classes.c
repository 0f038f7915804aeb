/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd/hyperv-sim/classes.c: the WMI classes hyperv-sim serves, made from
 * the model: root/virtualization/v2, root/Microsoft/Windows/Storage,
 * root/cimv2. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/cmd.h"
#include "hv.h"

#define CS "Msvm_ComputerSystem"

/* ---- root/virtualization/v2 ---- */

static struct hv_inst *host_inst(struct hv *h)
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

static struct hv_inst *vsms_inst(struct hv *h)
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

/* Windows Server 2012 R2 (build 9600) and later run generation 2 VMs. */
static bool gen2(const struct hv *h)
{
    return h->os_build && strtoul(h->os_build, NULL, 10) >= 9600;
}

static struct hv_inst *vsmc_inst(struct hv *h)
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
static struct hv_inst *definition_inst(unsigned gen)
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

static struct hv_inst *elec_inst(void)
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

static struct hv_inst *switch_inst(struct hv *h, size_t n)
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
            return switch_inst(h, n);
    return NULL;
}

/* The host's physical disk as Hyper-V lists it (for pass-through). */
static struct hv_inst *diskdrive_inst(struct hv *h, const struct hv_disk *d)
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

/* ---- root/Microsoft/Windows/Storage ---- */

static struct hv_inst *disk_inst(struct hv *h, const struct hv_disk *d)
{
    struct hv_inst *i = hv_inst_new(HV_NS_STORAGE, "MSFT_Disk");
    hv_inst_fmt(i, "ObjectId",
                "{1}\\\\%s\\root/Microsoft/Windows/Storage/"
                "Providers_v2\\WSP_Disk.ObjectId=\"disk%u\"",
                h->hostname, d->number);
    hv_inst_u64(i, "Number", d->number);
    hv_inst_str(i, "UniqueId", d->unique_id);
    hv_inst_u64(i, "UniqueIdFormat", 3); /* FCPH Name: an NAA identifier */
    hv_inst_str(i, "FriendlyName", d->friendly);
    hv_inst_str(i, "SerialNumber", d->serial);
    hv_inst_fmt(i, "Path", "\\\\?\\disk#%u", d->number);
    hv_inst_str(i, "Location", d->target ? d->target : "Integrated");
    hv_inst_u64(i, "BusType", d->target ? 9 : 1); /* iSCSI, SCSI */
    hv_inst_u64(i, "Size", d->size);
    hv_inst_u64(i, "AllocatedSize", d->fs ? d->size : 0);
    hv_inst_u64(i, "LogicalSectorSize", 512);
    hv_inst_u64(i, "PhysicalSectorSize", 512);
    hv_inst_bool(i, "IsOffline", d->offline);
    hv_inst_u64(i, "OfflineReason", d->offline ? d->offline_reason : 0);
    hv_inst_bool(i, "IsReadOnly", d->read_only);
    hv_inst_bool(i, "IsBoot", d->boot);
    hv_inst_bool(i, "IsSystem", d->boot);
    hv_inst_bool(i, "IsClustered", false);
    hv_inst_u64(i, "PartitionStyle", d->partition_style);
    if (d->partition_style == 1)
        hv_inst_u64(i, "Signature", d->signature);
    else
        hv_inst_nil(i, "Signature");
    hv_inst_str(i, "Guid", d->partition_style == 2 ? d->guid : NULL);
    hv_inst_u64(i, "NumberOfPartitions", d->fs ? 1 : 0);
    hv_inst_u64(i, "OperationalStatus", d->offline ? 0xD010 : 2);
    hv_inst_u64(i, "HealthStatus", 0);
    return i;
}

static struct hv_inst *partition_inst(struct hv *h, const struct hv_disk *d)
{
    struct hv_inst *i = hv_inst_new(HV_NS_STORAGE, "MSFT_Partition");
    hv_inst_fmt(i, "ObjectId",
                "{1}\\\\%s\\root/Microsoft/Windows/Storage/"
                "Providers_v2\\WSP_Partition.ObjectId=\"disk%u"
                "part1\"",
                h->hostname, d->number);
    hv_inst_u64(i, "DiskNumber", d->number);
    hv_inst_u64(i, "PartitionNumber", 1);
    hv_inst_u64(i, "Offset", 1 << 20);
    hv_inst_u64(i, "Size", d->size > (1 << 20) ? d->size - (1 << 20) : 0);
    hv_inst_arr(i, "AccessPaths", (const char *const *)d->paths.v, d->paths.n);
    char letter = 0;
    for (size_t k = 0; k < d->paths.n; k++)
        if (strlen(d->paths.v[k]) == 3 && d->paths.v[k][1] == ':')
            letter = d->paths.v[k][0];
    if (letter)
        hv_inst_fmt(i, "DriveLetter", "%d", letter);
    else
        hv_inst_u64(i, "DriveLetter", 0);
    hv_inst_bool(i, "IsOffline", d->offline);
    hv_inst_bool(i, "IsReadOnly", d->read_only);
    hv_inst_bool(i, "IsBoot", d->boot);
    return i;
}

static struct hv_inst *volume_inst(struct hv *h, const struct hv_disk *d)
{
    struct hv_inst *i = hv_inst_new(HV_NS_STORAGE, "MSFT_Volume");
    hv_inst_fmt(i, "ObjectId",
                "{1}\\\\%s\\root/Microsoft/Windows/Storage/"
                "Providers_v2\\WSP_Volume.ObjectId=\"disk%u"
                "vol1\"",
                h->hostname, d->number);
    hv_inst_fmt(i, "Path", "\\\\?\\Volume{%08X-0000-0000-0000-%012X}\\",
                d->number, d->number + 1);
    hv_inst_str(i, "FileSystem", d->fs);
    hv_inst_str(i, "FileSystemLabel", d->label ? d->label : "");
    hv_inst_u64(i, "Size", d->size > (1 << 20) ? d->size - (1 << 20) : 0);
    hv_inst_u64(i, "SizeRemaining", d->size / 2);
    hv_inst_u64(i, "DriveType", 3);
    hv_inst_u64(i, "HealthStatus", 0);
    return i;
}

static struct hv_inst *initiator_inst(struct hv *h, const char *address,
                                      bool fc)
{
    struct hv_inst *i = hv_inst_new(HV_NS_STORAGE, "MSFT_InitiatorPort");
    hv_inst_fmt(i, "ObjectId",
                "{1}\\\\%s\\root/Microsoft/Windows/Storage/"
                "Providers_v2\\HBA_InitiatorPort.ObjectId=\"%s\"",
                h->hostname, address);
    hv_inst_str(i, "NodeAddress", address);
    hv_inst_str(i, "PortAddress", fc ? address : "ISCSI HBA");
    hv_inst_str(i, "InstanceName",
                fc ? "PCI\\VEN_1077\\0_0" : "ROOT\\ISCSIPRT\\0000_0");
    hv_inst_u64(i, "ConnectionType", fc ? 1 : 5); /* Fibre Channel, iSCSI */
    hv_inst_u64(i, "OperationalStatus", 1);
    return i;
}

static struct hv_inst *portal_inst(struct hv *h, const struct hv_portal *p)
{
    struct hv_inst *i = hv_inst_new(HV_NS_STORAGE, "MSFT_iSCSITargetPortal");
    hv_inst_str(i, "TargetPortalAddress", p->address);
    hv_inst_u64(i, "TargetPortalPortNumber", p->port);
    hv_inst_str(i, "InitiatorInstanceName", NULL);
    hv_inst_str(i, "InitiatorPortalAddress", NULL);
    return i;
}

static const struct hv_session *session_of(struct hv *h, const char *iqn)
{
    for (size_t k = 0; k < h->nsessions; k++)
        if (strcmp(h->sessions[k].target, iqn) == 0)
            return &h->sessions[k];
    return NULL;
}

struct hv_inst *hv_target_inst(struct hv *h, const char *iqn)
{
    struct hv_inst *i = hv_inst_new(HV_NS_STORAGE, "MSFT_iSCSITarget");
    hv_inst_str(i, "NodeAddress", iqn);
    hv_inst_bool(i, "IsConnected", session_of(h, iqn) != NULL);
    return i;
}

static struct hv_inst *session_inst(struct hv *h, const struct hv_session *s)
{
    struct hv_inst *i = hv_inst_new(HV_NS_STORAGE, "MSFT_iSCSISession");
    hv_inst_str(i, "SessionIdentifier", s->id);
    hv_inst_str(i, "TargetNodeAddress", s->target);
    hv_inst_str(i, "InitiatorNodeAddress", h->o.iqn);
    hv_inst_bool(i, "IsConnected", true);
    hv_inst_bool(i, "IsPersistent", s->persistent);
    hv_inst_u64(i, "NumberOfConnections", 1);
    hv_inst_str(i, "TargetSideIdentifier", "0100");
    return i;
}

/* ---- root/cimv2 ---- */

static struct hv_inst *os_inst(struct hv *h)
{
    struct hv_inst *i = hv_inst_new(HV_NS_CIMV2, "Win32_OperatingSystem");
    hv_inst_fmt(i, "Name", "%s|C:\\Windows|\\Device\\Harddisk0\\Partition2",
                h->os_caption);
    hv_inst_str(i, "Caption", h->os_caption);
    hv_inst_str(i, "Version", h->os_version);
    hv_inst_str(i, "BuildNumber", h->os_build);
    hv_inst_str(i, "CSName", h->hostname);
    hv_inst_u64(i, "ProductType", 3);
    hv_inst_str(i, "OSArchitecture", "64-bit");
    return i;
}

static struct hv_inst *iscsi_service_inst(struct hv *h)
{
    struct hv_inst *i = hv_inst_new(HV_NS_CIMV2, "Win32_Service");
    hv_inst_str(i, "Name", "MSiSCSI");
    hv_inst_str(i, "DisplayName", "Microsoft iSCSI Initiator Service");
    hv_inst_str(i, "State", h->iscsi_running ? "Running" : "Stopped");
    hv_inst_bool(i, "Started", h->iscsi_running);
    hv_inst_str(i, "StartMode", h->iscsi_auto ? "Auto" : "Manual");
    hv_inst_str(i, "Status", "OK");
    return i;
}

static struct hv_inst *mpio_inst(void)
{
    struct hv_inst *i = hv_inst_new(HV_NS_CIMV2, "Win32_ServerFeature");
    hv_inst_u64(i, "ID", 57);
    hv_inst_u64(i, "ParentID", 0);
    hv_inst_str(i, "Name", "Multipath I/O");
    return i;
}

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
    emit(w, host_inst(w->h));
    for (size_t k = 0; k < w->h->nvms; k++)
        emit(w, hv_vm_inst(w->h, &w->h->vms[k]));
}

static void each_vsms(struct walk *w)
{
    emit(w, vsms_inst(w->h));
}

static void each_vsmc(struct walk *w)
{
    emit(w, vsmc_inst(w->h));
}

static void each_elec(struct walk *w)
{
    emit(w, elec_inst());
}

static void each_vssd(struct walk *w)
{
    emit(w, definition_inst(1));
    if (gen2(w->h))
        emit(w, definition_inst(2));
    for (size_t k = 0; k < w->h->nvms; k++)
        emit(w, hv_vssd_inst(w->h, &w->h->vms[k]));
}

static void each_res_of(struct walk *w, const char *cls)
{
    for (size_t k = 0; k < w->h->nvms; k++) {
        const struct hv_vm *vm = &w->h->vms[k];
        for (size_t r = 0; r < vm->nres; r++)
            if (strcmp(res_kinds[vm->res[r].type].cls, cls) == 0)
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
        emit(w, switch_inst(w->h, k));
}

static void each_diskdrive(struct walk *w)
{
    for (size_t k = 0; k < w->h->ndisks; k++)
        if (!w->h->disks[k].boot)
            emit(w, diskdrive_inst(w->h, &w->h->disks[k]));
}

static void each_job(struct walk *w)
{
    for (size_t k = 0; k < w->h->njobs; k++)
        emit(w, hv_job_inst(w->h, &w->h->jobs[k]));
}

static void each_disk(struct walk *w)
{
    for (size_t k = 0; k < w->h->ndisks; k++)
        emit(w, disk_inst(w->h, &w->h->disks[k]));
}

static void each_partition(struct walk *w)
{
    for (size_t k = 0; k < w->h->ndisks; k++)
        if (w->h->disks[k].fs)
            emit(w, partition_inst(w->h, &w->h->disks[k]));
}

static void each_volume(struct walk *w)
{
    for (size_t k = 0; k < w->h->ndisks; k++)
        if (w->h->disks[k].fs && !w->h->disks[k].offline)
            emit(w, volume_inst(w->h, &w->h->disks[k]));
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
        emit(w, initiator_inst(w->h, w->h->o.iqn, false));
    const char *p = w->h->o.wwpns;
    while (p && *p) {
        size_t len = strcspn(p, ",");
        char *one = cmd_xasprintf("%.*s", (int)len, p);
        if (len)
            emit(w, initiator_inst(w->h, one, true));
        free(one);
        p += len + (p[len] == ',');
    }
}

static void each_portal(struct walk *w)
{
    for (size_t k = 0; k < w->h->nportals; k++)
        emit(w, portal_inst(w->h, &w->h->portals[k]));
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
        emit(w, session_inst(w->h, &w->h->sessions[k]));
}

static void each_os(struct walk *w)
{
    emit(w, os_inst(w->h));
}

static void each_service(struct walk *w)
{
    emit(w, iscsi_service_inst(w->h));
}

static void each_feature(struct walk *w)
{
    if (w->h->mpio)
        emit(w, mpio_inst());
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
                  host_inst(w->h), "Dependent", vsms_inst(w->h)));
}

static void each_elemcap(struct walk *w)
{
    emit(w, assoc(HV_NS_VIRT, "Msvm_ElementCapabilities", "ManagedElement",
                  vsms_inst(w->h), "Capabilities", vsmc_inst(w->h)));
    for (size_t k = 0; k < w->h->nvms; k++)
        emit(w, assoc(HV_NS_VIRT, "Msvm_ElementCapabilities", "ManagedElement",
                      hv_vm_inst(w->h, &w->h->vms[k]), "Capabilities",
                      elec_inst()));
}

static void each_sdc(struct walk *w)
{
    for (unsigned g = 1; g <= (gen2(w->h) ? 2u : 1u); g++)
        emit(w, assoc(HV_NS_VIRT, "Msvm_SettingsDefineCapabilities",
                      "GroupComponent", vsmc_inst(w->h), "PartComponent",
                      definition_inst(g)));
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
                          disk_inst(w->h, &w->h->disks[k]), "Partition",
                          partition_inst(w->h, &w->h->disks[k])));
}

static void each_p2v(struct walk *w)
{
    for (size_t k = 0; k < w->h->ndisks; k++)
        if (w->h->disks[k].fs && !w->h->disks[k].offline)
            emit(w, assoc(HV_NS_STORAGE, "MSFT_PartitionToVolume", "Partition",
                          partition_inst(w->h, &w->h->disks[k]), "Volume",
                          volume_inst(w->h, &w->h->disks[k])));
}

static void each_s2d(struct walk *w)
{
    for (size_t s = 0; s < w->h->nsessions; s++)
        for (size_t k = 0; k < w->h->ndisks; k++)
            if (w->h->disks[k].target &&
                strcmp(w->h->disks[k].target, w->h->sessions[s].target) == 0)
                emit(w, assoc(HV_NS_STORAGE, "MSFT_iSCSISessionToDisk",
                              "iSCSISession",
                              session_inst(w->h, &w->h->sessions[s]), "Disk",
                              disk_inst(w->h, &w->h->disks[k])));
}

static void each_t2s(struct walk *w)
{
    for (size_t s = 0; s < w->h->nsessions; s++)
        emit(w, assoc(HV_NS_STORAGE, "MSFT_iSCSITargetToiSCSISession",
                      "iSCSITarget",
                      hv_target_inst(w->h, w->h->sessions[s].target),
                      "iSCSISession", session_inst(w->h, &w->h->sessions[s])));
}

struct hv_class {
    const char *ns, *name;
    const char *supers[3]; /* the CIM classes it descends from */
    bool association;
    void (*each)(struct walk *w);
};

static const struct hv_class classes[] = {
    {HV_NS_VIRT, CS, {"CIM_ComputerSystem", "CIM_System"}, false, each_cs},
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
