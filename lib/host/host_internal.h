/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/host/host_internal.h: the host driver table, the host handle, and the
 * VM definitions the entry points hand to drivers. */
#ifndef SANPROV_HOST_INTERNAL_H
#define SANPROV_HOST_INTERNAL_H

#include "../util/internal.h"
#include <sanprov/host.h>

/* A driver fills this table with designated initializers; a NULL slot
 * means "not supported".  Errors go to h->err. */
struct sp_host_driver {
    const char *name;
    /* Whether the driver takes @uri. */
    bool (*handles)(const char *uri);
    sp_code (*open)(sp_host *h); /* no I/O */
    void (*close)(sp_host *h);
    sp_code (*capabilities)(sp_host *h, sp_host_caps *out);
    /* @def as spi_vm_def_in() made it: checked, a UUID always set. */
    sp_code (*define)(sp_host *h, const sp_vm_def *def, char uuid[37]);
    sp_code (*start)(sp_host *h, const char *uuid);
    sp_code (*stop)(sp_host *h, const char *uuid);
    sp_code (*undefine)(sp_host *h, const char *uuid);
    sp_code (*find_vm)(sp_host *h, const char *name, char uuid[37]);
    sp_code (*has_vm)(sp_host *h, const char *uuid);
    sp_code (*list_vms)(sp_host *h, sp_host_vm_fn fn, void *ctx);
    /* The user and group its hypervisor opens VM files as;
     * SP_ERR_NOT_SUPPORTED when the host does not say. */
    sp_code (*file_user)(sp_host *h, uid_t *uid, gid_t *gid);
};

extern const struct sp_host_driver spi_libvirt_driver;

struct sp_host {
    const struct sp_host_driver *drv;
    const sp_config *cfg;
    char *name;
    char *uri;
    sp_error err;
    void *priv;
};

sp_code spi_host_fail(sp_host *h, sp_code code, const char *fmt, ...)
    SP_PRINTF(3, 4);

/* The NAA WWN (hex digits, into @out of @size) the kernel read from block
 * device @path (a path under /dev, links followed) under @root ("" for
 * this machine; a fake tree in tests).  Errors: SP_ERR_NOT_FOUND (no such
 * device), SP_ERR_NOT_SUPPORTED (sysfs shows no NAA WWN for it). */
sp_code spi_block_wwn(const char *root, const char *path, char *out,
                      size_t size, sp_error *err);

/* The block device of the LUN of WWN @wwn: by its WWN, or its multipath
 * map's (sp_host_block_path()).  A new string. */
char *spi_block_path(const char *wwn, bool multipath);

/*
 * A caller's VM definition as the library's structs (the caller's may be
 * of an older or newer release, sanprov/common.h "Structs"), checked for
 * what every driver needs: a name; a UUID (lower case; a new one when the
 * caller gave none); vCPUs and memory; 1 to SPI_VM_DISKS_MAX disks, each
 * with what its kind needs; NICs on a network or bridge, MACs well
 * formed.  Strings are not copied: @in's must outlive @out.
 */
#define SPI_VM_DISKS_MAX 16
#define SPI_VM_NICS_MAX  16
struct spi_vm_def {
    sp_vm_def def;
    char uuid[37];
    sp_vm_disk disks[SPI_VM_DISKS_MAX];
    const sp_vm_disk *disk_ptrs[SPI_VM_DISKS_MAX];
    sp_vm_nic nics[SPI_VM_NICS_MAX];
    const sp_vm_nic *nic_ptrs[SPI_VM_NICS_MAX];
};
/* Errors: SP_ERR_INVALID, saying what is wrong. */
sp_code spi_vm_def_in(struct spi_vm_def *out, const sp_vm_def *in,
                      sp_error *err);
/* One disk as the library's struct; false when @in's size is not set. */
bool spi_vm_disk_in(sp_vm_disk *out, const sp_vm_disk *in);

#endif
