/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/host/vmdef.c: a caller's neutral VM definition taken in by the host
 * API: sizes, and what every driver needs, checked once for all drivers. */
#include "host_internal.h"

#include <ctype.h>
#include <uuid/uuid.h>

bool spi_vm_disk_in(sp_vm_disk *out, const sp_vm_disk *in)
{
    return spi_sized_in(out, sizeof(*out), in, SPI_SIZE_0_1(sp_vm_disk, path));
}

static sp_code disk_ok(const sp_vm_disk *d, size_t i, sp_error *err)
{
    switch (d->kind) {
    case SP_DISK_ISCSI:
        if (!d->portal || !*d->portal || !d->target || !*d->target ||
            !d->initiator || !*d->initiator)
            return sp_error_set(err, SP_ERR_INVALID,
                                "an iSCSI disk needs a portal, a target and "
                                "the host's initiator IQN (disk %zu)",
                                i + 1);
        return SP_OK;
    case SP_DISK_FC:
        if (!d->wwn || !spi_wwn_valid(d->wwn))
            return sp_error_set(err, SP_ERR_INVALID,
                                "an FC disk needs the WWN of its LUN, not "
                                "'%s' (disk %zu)",
                                d->wwn ? d->wwn : "", i + 1);
        return SP_OK;
    case SP_DISK_FILE:
        if (!d->path || d->path[0] != '/')
            return sp_error_set(err, SP_ERR_INVALID,
                                "a file disk needs an absolute path "
                                "(disk %zu)",
                                i + 1);
        return SP_OK;
    }
    return sp_error_set(err, SP_ERR_INVALID, "disk %zu is of no kind (%d)",
                        i + 1, (int)d->kind);
}

/* "XX:XX:XX:XX:XX:XX", hex digits of either case. */
static bool mac_ok(const char *m)
{
    if (strlen(m) != 17)
        return false;
    for (size_t i = 0; i < 17; i++)
        if (i % 3 == 2 ? m[i] != ':' : !isxdigit((unsigned char)m[i]))
            return false;
    return true;
}

static sp_code nic_ok(const sp_vm_nic *n, size_t i, sp_error *err)
{
    if (!n->network == !n->bridge)
        return sp_error_set(err, SP_ERR_INVALID,
                            "NIC %zu needs a network or a bridge, one of the "
                            "two",
                            i + 1);
    if (n->mac && !mac_ok(n->mac))
        return sp_error_set(err, SP_ERR_INVALID,
                            "'%s' is not a MAC address (NIC %zu)", n->mac,
                            i + 1);
    return SP_OK;
}

static sp_code uuid_in(struct spi_vm_def *out, const char *uuid, sp_error *err)
{
    uuid_t u;
    if (!uuid)
        uuid_generate(u);
    else if (strlen(uuid) != 36 || uuid_parse(uuid, u) != 0)
        return sp_error_set(err, SP_ERR_INVALID, "'%s' is not a UUID", uuid);
    uuid_unparse_lower(u, out->uuid);
    out->def.uuid = out->uuid;
    return SP_OK;
}

sp_code spi_vm_def_in(struct spi_vm_def *out, const sp_vm_def *in,
                      sp_error *err)
{
    memset(out, 0, sizeof(*out));
    sp_vm_def *def = &out->def;
    if (!in ||
        !spi_sized_in(def, sizeof(*def), in, SPI_SIZE_0_1(sp_vm_def, library)))
        return sp_error_set(err, SP_ERR_INVALID,
                            "sp_vm_def without its size (SP_STRUCT_INIT)");
    if (!def->name || !*def->name)
        return sp_error_set(err, SP_ERR_INVALID, "a VM needs a name");
    if (def->vcpus < 1 || def->memory < (1u << 20))
        return sp_error_set(err, SP_ERR_INVALID,
                            "VM '%s' needs at least one vCPU and 1 MiB of "
                            "memory",
                            def->name);
    if (def->firmware != SP_FIRMWARE_BIOS && def->firmware != SP_FIRMWARE_UEFI)
        return sp_error_set(err, SP_ERR_INVALID,
                            "VM '%s' has no known firmware (%d)", def->name,
                            (int)def->firmware);
    if (def->ndisks < 1 || def->ndisks > SPI_VM_DISKS_MAX || !def->disks)
        return sp_error_set(err, SP_ERR_INVALID,
                            "VM '%s' needs 1 to %d disks, not %zu", def->name,
                            SPI_VM_DISKS_MAX, def->ndisks);
    if (def->nnics > SPI_VM_NICS_MAX || (def->nnics && !def->nics))
        return sp_error_set(err, SP_ERR_INVALID,
                            "VM '%s' may have up to %d NICs, not %zu",
                            def->name, SPI_VM_NICS_MAX, def->nnics);
    sp_code rc = uuid_in(out, def->uuid, err);
    for (size_t i = 0; !rc && i < def->ndisks; i++) {
        if (!def->disks[i] || !spi_vm_disk_in(&out->disks[i], def->disks[i]))
            return sp_error_set(err, SP_ERR_INVALID,
                                "sp_vm_disk without its size (SP_STRUCT_INIT)");
        out->disk_ptrs[i] = &out->disks[i];
        rc = disk_ok(&out->disks[i], i, err);
    }
    for (size_t i = 0; !rc && i < def->nnics; i++) {
        if (!def->nics[i] ||
            !spi_sized_in(&out->nics[i], sizeof(out->nics[i]), def->nics[i],
                          SPI_SIZE_0_1(sp_vm_nic, mac)))
            return sp_error_set(err, SP_ERR_INVALID,
                                "sp_vm_nic without its size (SP_STRUCT_INIT)");
        out->nic_ptrs[i] = &out->nics[i];
        rc = nic_ok(&out->nics[i], i, err);
    }
    def->disks = out->disk_ptrs;
    def->nics = def->nnics ? out->nic_ptrs : NULL;
    return rc;
}
