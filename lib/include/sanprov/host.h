/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sanprov/host.h: hypervisor hosts through one driver table (libvirt), the
 * domain definitions of VMs on SAN-copied LUNs, and guest customization
 * media. */
#ifndef SANPROV_HOST_H
#define SANPROV_HOST_H

#include <sanprov/template.h>

SP_BEGIN_DECLS

/*
 * A host is a configured [host "NAME"] reached through a driver chosen by
 * its URI: libvirt for any libvirt URI (qemu:///system, qemu+ssh://...,
 * test:///default, ...).  A handle connects on first use.  Every call
 * returns SP_OK or a code; the error is read with sp_host_error().
 */
typedef struct sp_host sp_host;

/* Errors: SP_ERR_NOT_FOUND (no such host), SP_ERR_CONFIG (a URI no driver
 * takes: the message names the configuration file and line).  Nothing is
 * sent yet. */
SP_API sp_code sp_host_open(const sp_config *cfg, const char *name,
                            unsigned int flags, sp_host **out, sp_error *err);
SP_API void sp_host_close(sp_host *h);
SP_API const sp_error *sp_host_error(const sp_host *h);
SP_API const char *sp_host_name(const sp_host *h);

/*
 * Host @name of @cfg as masking sees it: its connectivity and initiators
 * (iscsi-initiator, or fc-wwpn when connectivity = fc; without a stated
 * connectivity iSCSI when it has an IQN), in the form arrays use: WWPNs as
 * 16 upper-case hex digits (sp_wwpn_parse()).  @out->name is @name;
 * @out->size must be set (SP_STRUCT_INIT).  False when there is no such
 * host (or @out->size is too small); release with
 * sp_mask_target_release().
 */
SP_API bool sp_host_mask_target(const sp_config *cfg, const char *name,
                                sp_mask_target *out);
SP_API void sp_mask_target_release(sp_mask_target *t);

typedef struct sp_host_caps {
    size_t size;             /* set by the caller (SP_STRUCT_INIT) */
    const char *driver;      /* "libvirt" */
    const char *hypervisor;  /* e.g. "QEMU 7.2.0", "TEST 9.0.0" */
    const char *domain_type; /* the domain type VMs get: "kvm", "qemu", ... */
    bool uefi;               /* UEFI firmware can be used */
    unsigned int vms;        /* VMs this toolkit defined there */
} sp_host_caps;

/* What the host is and can do (connects).  @out->size must be set
 * (sanprov/common.h, "Structs").  Strings belong to @h.  Errors:
 * SP_ERR_CONNECT, SP_ERR_INVALID (@out->size). */
SP_API sp_code sp_host_capabilities(sp_host *h, sp_host_caps *out);

/*
 * The path of a block LUN (FC, or iSCSI attached by the host) of WWN @wwn
 * (hex, as sp_lun_wwn() gives it) on host @h: /dev/disk/by-id/wwn-0xWWN,
 * or /dev/disk/by-id/dm-uuid-mpath-3WWN when the host's configuration
 * says multipath = yes.  A new string.
 */
SP_API char *sp_host_block_path(const sp_host *h, const char *wwn);

/* True when the host is this machine (a URI without a server, such as
 * qemu:///system or test:///default), so it can open this machine's
 * files: a local array's LUNs, customization media. */
SP_API bool sp_host_is_local(const sp_host *h);

/*
 * Whether the hypervisor of host @h, this machine, can open the files of
 * VMs in directory @dir: the user it runs VMs as (libvirt's DAC label)
 * must be able to search each directory from / down to @dir; the files
 * themselves libvirt hands over to that user.  SP_OK when it can, or when
 * there is no telling (a host that is not this machine, a driver or
 * hypervisor that names no such user, a program that is neither root nor
 * that user).  Errors: SP_ERR_PRECONDITION (the message names the
 * directory in the way and the user), SP_ERR_CONNECT, SP_ERR_IO.
 */
SP_API sp_code sp_host_check_dir(sp_host *h, const char *dir);

/* Whether a domain named @name is on the host, ours or not: SP_OK with
 * its UUID in @uuid, or SP_ERR_NOT_FOUND.  Errors: SP_ERR_CONNECT. */
SP_API sp_code sp_host_find_domain(sp_host *h, const char *name, char uuid[37]);

/* ---- a VM's definition ---- */

/* The VM's disk, the LUN as the host reaches it.  The caller sets @size
 * (sanprov/common.h, "Structs"). */
typedef struct sp_vm_disk {
    size_t size;
    bool iscsi;            /* a network disk; else the block device @path */
    const char *portal;    /* iSCSI: "HOST[:PORT]" */
    const char *target;    /* iSCSI: the target's IQN */
    uint32_t lun;          /* iSCSI: the LUN number */
    const char *initiator; /* iSCSI: the host's initiator IQN */
    const char *path;      /* else: a block device (a path under /dev, such
                              as /dev/disk/by-id/wwn-0x...) or an image
                              file (a local array's LUN) */
} sp_vm_disk;

/* What sp_domain_xml() makes a domain of.  The caller sets @size. */
typedef struct sp_vm_def {
    size_t size;
    const char *name;
    const char *uuid;        /* 36 characters; NULL: a new one */
    const sp_template *tmpl; /* the hardware profile */
    const sp_id *vm;         /* vm:HOST:UUID, kept in the metadata, or NULL */
    /* The UUID of the library the VM belongs to, kept in the metadata as
     * its tag (sanprov(7), "Tags"), or NULL. */
    const char *library;
    const sp_vm_disk *disk;
    const char *seed;        /* the customization medium (ISO), or NULL */
    const char *domain_type; /* NULL: "kvm" */
    /* The CPU: "host-model" (NULL), "host-passthrough", "maximum", or
     * "default" (the hypervisor's model): the host's cpu-mode. */
    const char *cpu_mode;
} sp_vm_def;

/*
 * Whether disk @d, which a VM on host @h is to be given, is the LUN of
 * @wwn, as far as sanprov can see it: on this machine, a block device
 * (/dev/disk/by-id/wwn-0x..., a multipath map) or the device of a kernel
 * iSCSI session to @d's portal, target and LUN is read back (the WWID the
 * kernel read from the device) and compared.  A disk sanprov cannot see
 * (a remote host, no session, not scanned yet, an image file) passes.
 * Errors: SP_ERR_PRECONDITION (the device is another LUN).  @flags must
 * be 0.
 */
SP_API sp_code sp_host_check_disk(sp_host *h, const sp_vm_disk *d,
                                  const char *wwn, unsigned int flags);

/* The metadata namespace of the domains this toolkit defines. */
#define SP_DOMAIN_NS "https://sanprov.org/xmlns/vm/1"

/*
 * The libvirt domain XML of @def: the template's vCPUs, memory, machine,
 * firmware (UEFI through libvirt's firmware auto-selection), disk bus and
 * NICs (fresh MAC addresses), the disk, the seed as a read-only CD-ROM,
 * and a <metadata> element in SP_DOMAIN_NS naming the template, the VM and
 * the library.  *@out is a new string.  Errors: SP_ERR_INVALID (also a
 * @def or disk whose size is not set).
 */
SP_API sp_code sp_domain_xml(const sp_vm_def *def, char **out, sp_error *err);

/* Define the domain @xml; *@uuid gets its UUID.  Errors: SP_ERR_EXISTS (a
 * domain of that name), SP_ERR_CONNECT, SP_ERR_INVALID (refused).  The
 * @flags of these four must be 0. */
SP_API sp_code sp_host_define(sp_host *h, const char *xml, unsigned int flags,
                              char uuid[37]);
SP_API sp_code sp_host_start(sp_host *h, const char *uuid, unsigned int flags);
/* Power it off at once (not a guest shutdown); a stopped VM is fine. */
SP_API sp_code sp_host_stop(sp_host *h, const char *uuid, unsigned int flags);
/* Undefine it (and its NVRAM); stopped first.  A domain that is not there
 * is fine. */
SP_API sp_code sp_host_undefine(sp_host *h, const char *uuid,
                                unsigned int flags);
/* Its domain XML as the host has it.  Errors: SP_ERR_NOT_FOUND. */
SP_API sp_code sp_host_domain_xml(sp_host *h, const char *uuid, char **out);

/* A VM this toolkit defined on a host. */
typedef struct sp_host_vm {
    const char *uuid, *name;
    const char *template_id; /* from the metadata, or NULL */
    const char *vm_id;       /* from the metadata, or NULL */
    bool running;
    const char *library; /* the library's UUID from the metadata, or NULL */
} sp_host_vm;
typedef int (*sp_host_vm_fn)(const sp_host_vm *vm, void *ctx);
/* Visit the domains with this toolkit's metadata. */
SP_API sp_code sp_host_list_vms(sp_host *h, sp_host_vm_fn fn, void *ctx);

/* ---- guest customization ---- */

/*
 * Write the customization medium of a VM to @path, an ISO 9660 image made
 * with xorriso or genisoimage: for Linux a cloud-init NoCloud seed (volume
 * label "cidata": user-data, meta-data with instance-id and
 * local-hostname, network-config when the template has one); for Windows
 * the template's unattend file as autounattend.xml and unattend.xml.
 * @user_data (may be NULL) replaces the template's.  Errors:
 * SP_ERR_NOT_SUPPORTED (no ISO tool installed), SP_ERR_IO.  @flags must be
 * 0.
 */
SP_API sp_code sp_seed_write(const sp_template *t, const char *hostname,
                             const char *instance_id, const char *user_data,
                             const char *path, unsigned int flags,
                             sp_error *err);

SP_END_DECLS

#endif
