/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/host/host_internal.h: the host driver table and the host handle. */
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
    sp_code (*define)(sp_host *h, const char *xml, char uuid[37]);
    sp_code (*start)(sp_host *h, const char *uuid);
    sp_code (*stop)(sp_host *h, const char *uuid);
    sp_code (*undefine)(sp_host *h, const char *uuid);
    sp_code (*find_domain)(sp_host *h, const char *name, char uuid[37]);
    sp_code (*domain_xml)(sp_host *h, const char *uuid, char **out);
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

#endif
