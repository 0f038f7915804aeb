/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/host/libvirt.h: the libvirt driver's domain XML, rendered from a
 * neutral VM definition (libvirt_xml.c; the driver is libvirt.c). */
#ifndef SANPROV_HOST_LIBVIRT_H
#define SANPROV_HOST_LIBVIRT_H

#include "host_internal.h"

/* The metadata namespace of the domains this toolkit defines. */
#define SPI_DOMAIN_NS "https://sanprov.org/xmlns/vm/1"

/* What the host a domain goes to says of it. */
struct spi_lv_host {
    const char *domain_type; /* NULL: "kvm" */
    /* The CPU: "host-model" (NULL), "host-passthrough", "maximum", or
     * "default" (no <cpu>: the hypervisor's model): the host's cpu-mode. */
    const char *cpu_mode;
    bool multipath; /* FC disks through their multipath maps */
};

/*
 * The libvirt domain XML of @def, which spi_vm_def_in() made (checked,
 * its UUID set): its vCPUs, memory, machine, firmware (UEFI through
 * libvirt's firmware auto-selection), the disks on the disk bus (iSCSI
 * network disks, FC block devices, image files), the medium as a
 * read-only SATA CD-ROM (after the disks named sdX), the NICs (a fresh
 * MAC where @def gives none), and a <metadata> element in SPI_DOMAIN_NS
 * naming the template, the VM and the library.  *@out is a new string.
 */
sp_code spi_lv_domain_xml(const sp_vm_def *def, const struct spi_lv_host *host,
                          char **out, sp_error *err);

#endif
