/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sanprov/host.h: hypervisor hosts through one driver table (libvirt), and
 * the definitions of VMs on SAN-copied LUNs in terms every driver takes. */
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
    const char *domain_type; /* the kind of VM it makes, in its driver's
                                terms (libvirt: "kvm", "qemu", ...) */
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

/* Whether a VM named @name is on the host, ours or not: SP_OK with its
 * UUID in @uuid, or SP_ERR_NOT_FOUND.  Errors: SP_ERR_CONNECT. */
SP_API sp_code sp_host_find_vm(sp_host *h, const char *name, char uuid[37]);

/* ---- a VM's definition ---- */

/*
 * What a VM is, in terms every host driver takes and renders its own way
 * (the libvirt driver as domain XML).  The caller fills these structs and
 * sets their @size (SP_STRUCT_INIT, sanprov/common.h "Structs"); the
 * library only reads them, and keeps no pointer into them.
 */

/* How the host reaches a disk's LUN. */
typedef enum sp_disk_kind {
    SP_DISK_ISCSI, /* over iSCSI: @portal, @target, @lun, @initiator */
    SP_DISK_FC,    /* over FC: the host finds it by @wwn */
    SP_DISK_FILE,  /* an image file on the host (@path): a local array's LUN */
} sp_disk_kind;

/* A disk of a VM: the LUN it is, named by its WWN, and how the host reaches
 * it. */
typedef struct sp_vm_disk {
    size_t size;
    sp_disk_kind kind;
    /* The LUN's NAA WWN, hex digits as sp_lun_wwn() gives them: required
     * for SP_DISK_FC, else NULL or what the host may check. */
    const char *wwn;
    const char *portal;    /* iSCSI: "HOST[:PORT]", HOST an IPv6 address in
                              brackets; PORT 3260 when not given */
    const char *target;    /* iSCSI: the target's IQN */
    uint32_t lun;          /* iSCSI: the LUN number */
    const char *initiator; /* iSCSI: the host's initiator IQN */
    const char *path;      /* SP_DISK_FILE: the absolute path of the file */
} sp_vm_disk;

/* A network interface of a VM. */
typedef struct sp_vm_nic {
    size_t size;
    /* One of the two: a network the host has by name (a libvirt network, a
     * Hyper-V virtual switch), or a bridge of the host's. */
    const char *network;
    const char *bridge;
    const char *model; /* the NIC the guest sees (virtio, e1000, ...), or
                          NULL: the driver's usual one */
    const char *mac;   /* "XX:XX:XX:XX:XX:XX", or NULL: a fresh one */
} sp_vm_nic;

typedef struct sp_vm_def {
    size_t size;
    const char *name;
    const char *uuid;     /* 36 characters; NULL: a new one */
    sp_firmware firmware; /* BIOS (generation 1) or UEFI (generation 2) */
    unsigned int vcpus;   /* at least 1 */
    uint64_t memory;      /* bytes, at least 1 MiB */
    /* Hints of the template's hardware profile, for the drivers whose
     * hosts have such choices; NULL: the driver's default.  @machine: a
     * machine type (libvirt: "q35", "pc-i440fx-7.2"); @disk_bus: "virtio",
     * "scsi", "sata" or "ide". */
    const char *machine;
    const char *disk_bus;
    /* The disks, the first one booted; at least one. */
    const sp_vm_disk *const *disks;
    size_t ndisks;
    const sp_vm_nic *const *nics;
    size_t nnics;
    /* The customization medium: a file on the host (an ISO 9660 image,
     * sp_seed_write()) the VM gets as a read-only CD-ROM; or NULL. */
    const char *media;
    /* sanprov's metadata, kept with the VM on the host (sp_host_list_vms()
     * reads it back): its template, its VM ID (vm:HOST:UUID) and the UUID
     * of its library, the VM's tag (sanprov(7), "Tags"); each may be
     * NULL. */
    const sp_id *template_id;
    const sp_id *vm_id;
    const char *library;
} sp_vm_def;

/*
 * Whether disk @d, which a VM on host @h is to be given, is the LUN of
 * @wwn, as far as sanprov can see it: on this machine, an FC LUN's block
 * device (sp_host_block_path() of @d's WWN) or the device of a kernel
 * iSCSI session to @d's portal, target and LUN is read back (the WWID the
 * kernel read from the device) and compared.  A disk sanprov cannot see
 * (a remote host, no session, not scanned yet, an image file) passes.
 * Errors: SP_ERR_PRECONDITION (the device is another LUN), SP_ERR_INVALID
 * (@d's size is not set).  @flags must be 0.
 */
SP_API sp_code sp_host_check_disk(sp_host *h, const sp_vm_disk *d,
                                  const char *wwn, unsigned int flags);

/*
 * Define VM @def on host @h, stopped; *@uuid gets its UUID.  The driver
 * renders @def in its host's terms (libvirt: a domain whose type and CPU
 * mode are the host's: its best domain type, the host's cpu-mode; FC disks
 * through sp_host_block_path()).  Errors: SP_ERR_EXISTS (a VM of that
 * name), SP_ERR_CONNECT, SP_ERR_INVALID (@def incomplete, a size not set:
 * nothing sent), SP_ERR_PROTOCOL (the host refused it).  The @flags of
 * these four must be 0.
 */
SP_API sp_code sp_host_define(sp_host *h, const sp_vm_def *def,
                              unsigned int flags, char uuid[37]);
SP_API sp_code sp_host_start(sp_host *h, const char *uuid, unsigned int flags);
/* Power it off at once (not a guest shutdown); a stopped VM is fine. */
SP_API sp_code sp_host_stop(sp_host *h, const char *uuid, unsigned int flags);
/* Undefine it (and its NVRAM); stopped first.  A VM that is not there is
 * fine. */
SP_API sp_code sp_host_undefine(sp_host *h, const char *uuid,
                                unsigned int flags);
/* Whether the VM of @uuid is defined on the host, ours or not: SP_OK, or
 * SP_ERR_NOT_FOUND.  Errors: SP_ERR_CONNECT. */
SP_API sp_code sp_host_has_vm(sp_host *h, const char *uuid);

/* A VM this toolkit defined on a host. */
typedef struct sp_host_vm {
    const char *uuid, *name;
    const char *template_id; /* from the metadata, or NULL */
    const char *vm_id;       /* from the metadata, or NULL */
    bool running;
    const char *library; /* the library's UUID from the metadata, or NULL */
} sp_host_vm;
typedef int (*sp_host_vm_fn)(const sp_host_vm *vm, void *ctx);
/* Visit the VMs with this toolkit's metadata. */
SP_API sp_code sp_host_list_vms(sp_host *h, sp_host_vm_fn fn, void *ctx);

SP_END_DECLS

#endif
