/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd/hyperv-sim/hostclasses.c: the instances of
 * root/Microsoft/Windows/Storage (disks, partitions, volumes, initiator
 * ports, iSCSI) and root/cimv2 (the OS, the iSCSI service, MPIO). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/cmd.h"
#include "classes.h"

/* ---- root/Microsoft/Windows/Storage ---- */

struct hv_inst *hv_disk_inst(struct hv *h, const struct hv_disk *d)
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

struct hv_inst *hv_partition_inst(struct hv *h, const struct hv_disk *d)
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

struct hv_inst *hv_volume_inst(struct hv *h, const struct hv_disk *d)
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

struct hv_inst *hv_initiator_inst(struct hv *h, const char *address, bool fc)
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

struct hv_inst *hv_portal_inst(struct hv *h, const struct hv_portal *p)
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

struct hv_inst *hv_session_inst(struct hv *h, const struct hv_session *s)
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

struct hv_inst *hv_os_inst(struct hv *h)
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

struct hv_inst *hv_iscsi_service_inst(struct hv *h)
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

struct hv_inst *hv_mpio_inst(void)
{
    struct hv_inst *i = hv_inst_new(HV_NS_CIMV2, "Win32_ServerFeature");
    hv_inst_u64(i, "ID", 57);
    hv_inst_u64(i, "ParentID", 0);
    hv_inst_str(i, "Name", "Multipath I/O");
    return i;
}
