/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/host/disk.c: whether the disk a VM is given on this machine is the LUN
 * it should be: the WWN the kernel read from the device, compared. */
#include "host_internal.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <unistd.h>

/*
 * The kernel reads a SCSI disk's device identification (VPD page 0x83)
 * and shows it as /sys/class/block/sdX/device/wwid ("naa.600a0b80..."); a
 * multipath map shows its WWID as /sys/class/block/dm-N/dm/uuid
 * ("mpath-3600a0b80...", 3 being the NAA designator type as udev writes
 * it).  Those are what /dev/disk/by-id/wwn-0x... and dm-uuid-mpath-3...
 * are named after, but a name is only a name: a stale link, or one made
 * by hand, points at the wrong disk; the device's own WWID does not.
 */

/* @text without the prefix that says its kind, when it is an NAA one. */
static const char *naa_of(const char *text)
{
    if (strncasecmp(text, "naa.", 4) == 0)
        return text + 4;
    if (strncmp(text, "mpath-3", 7) == 0)
        return text + 7;
    return NULL;
}

sp_code spi_block_wwn(const char *root, const char *path, char *out,
                      size_t size, sp_error *err)
{
    out[0] = '\0';
    char full[PATH_MAX], real[PATH_MAX];
    snprintf(full, sizeof(full), "%s%s", root, path);
    if (!realpath(full, real))
        return sp_error_set(err, errno == ENOENT ? SP_ERR_NOT_FOUND : SP_ERR_IO,
                            "cannot resolve '%s': %s", path, strerror(errno));
    const char *base = strrchr(real, '/');
    base = base ? base + 1 : real;
    static const char *const where[] = {"device/wwid", "dm/uuid"};
    for (size_t i = 0; i < SPI_ARRAY_SIZE(where); i++) {
        SPI_AUTOFREE char *sys =
            spi_xasprintf("%s/sys/class/block/%s/%s", root, base, where[i]);
        FILE *f = fopen(sys, "re");
        if (!f)
            continue;
        char line[256] = "";
        bool got = fgets(line, sizeof(line), f) != NULL;
        fclose(f);
        line[strcspn(line, " \r\n")] = '\0';
        const char *naa = got ? naa_of(line) : NULL;
        if (naa && spi_wwn_valid(naa)) {
            snprintf(out, size, "%s", naa);
            return SP_OK;
        }
    }
    return sp_error_set(err, SP_ERR_NOT_SUPPORTED,
                        "'%s' (%s) shows no NAA WWN in sysfs", path, real);
}

/* The block device a local kernel iSCSI session gives LUN @d, as udev
 * names it (a new string). */
static char *iscsi_path(const sp_vm_disk *d)
{
    return spi_xasprintf("/dev/disk/by-path/ip-%s%s-iscsi-%s-lun-%" PRIu32,
                         d->portal, strchr(d->portal, ':') ? "" : ":3260",
                         d->target, d->lun);
}

sp_code sp_host_check_disk(sp_host *h, const sp_vm_disk *caller_disk,
                           const char *wwn, unsigned int flags)
{
    sp_error_clear(&h->err);
    if (flags)
        return spi_host_fail(h, SP_ERR_INVALID, "unknown flags 0x%x", flags);
    sp_vm_disk disk;
    if (caller_disk && !spi_vm_disk_in(&disk, caller_disk))
        return spi_host_fail(h, SP_ERR_INVALID,
                             "sp_vm_disk without its size (SP_STRUCT_INIT)");
    const sp_vm_disk *d = caller_disk ? &disk : NULL;
    if (!wwn || !d || !sp_host_is_local(h))
        return SP_OK; /* nothing to compare, or a disk sanprov cannot see */
    SPI_AUTOFREE char *path = NULL;
    if (d->kind == SP_DISK_ISCSI && d->portal && d->target)
        path = iscsi_path(d);
    else if (d->kind == SP_DISK_FC && d->wwn)
        path = sp_host_block_path(h, d->wwn);
    if (!path)
        return SP_OK; /* an image file: the array checked its LUN */
    char got[SPI_WWN_MAX + 1];
    sp_error e;
    if (spi_block_wwn("", path, got, sizeof(got), &e)) {
        /* Not there (no session, not scanned yet) or saying nothing:
         * nothing to compare here. */
        sp_log(SP_LOG_DEBUG, "host %s: disk not checked: %s", h->name,
               e.message);
        return SP_OK;
    }
    if (sp_wwn_equal(got, wwn))
        return SP_OK;
    return spi_host_fail(h, SP_ERR_PRECONDITION,
                         "disk '%s' on host '%s' is the LUN of WWN %s, not %s: "
                         "it is another LUN (a stale device or a wrong LUN "
                         "number); the VM is not given it",
                         path, h->name, got, wwn);
}
