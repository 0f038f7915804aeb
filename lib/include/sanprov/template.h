/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sanprov/template.h: SAN-copy-capable templates, kept in the library
 * directory, and the disk images written onto template LUNs. */
#ifndef SANPROV_TEMPLATE_H
#define SANPROV_TEMPLATE_H

#include <sanprov/array.h>

SP_BEGIN_DECLS

/*
 * A template is a LUN holding a generalized image, with what a VM made from
 * it needs: how to copy the LUN, a hardware profile, the OS family and the
 * defaults of the guest customization.  The library keeps one XML document
 * per template, LIBRARY/templates/UUID.xml (sanprov(7)), written whole
 * under a lock; names are unique.
 */
typedef struct sp_template sp_template;

typedef enum sp_firmware {
    SP_FIRMWARE_BIOS, /* SCVMM's generation 1 */
    SP_FIRMWARE_UEFI, /* generation 2 */
} sp_firmware;

typedef enum sp_os_family {
    SP_OS_LINUX,   /* customized with a cloud-init NoCloud seed */
    SP_OS_WINDOWS, /* customized with an unattend answer file */
} sp_os_family;

/* The customization documents a template carries (their text). */
typedef enum sp_custom_doc {
    SP_DOC_USER_DATA,
    SP_DOC_META_DATA,
    SP_DOC_NETWORK_CONFIG,
    SP_DOC_UNATTEND,
    SP_DOC_COUNT
} sp_custom_doc;

/* The largest customization document kept, in bytes. */
#define SP_DOC_MAX (1u << 20)

/*
 * Read a customization document from file @path: a regular file (a FIFO,
 * a socket, a device or a directory is refused at once, never waited
 * for), of at most SP_DOC_MAX bytes, with no NUL byte.  *@text: a new
 * string, free() it.  Errors: SP_ERR_NOT_FOUND, SP_ERR_INVALID (not a
 * regular file, too large, not text), SP_ERR_IO.
 */
SP_API sp_code sp_custom_doc_read(const char *path, char **text, sp_error *err);

/* A new template named @name with the defaults: copy method auto (SP_COPY_
 * NONE), 1 vCPU, 1 GiB, BIOS, machine "q35", disk bus "virtio", no NIC,
 * Linux.  Its ID is given when it is saved. */
SP_API sp_template *sp_template_new(const char *name);
SP_API void sp_template_free(sp_template *t);

SP_API const sp_id *sp_template_id(const sp_template *t); /* or NULL */
SP_API const char *sp_template_name(const sp_template *t);
SP_API const sp_id *sp_template_lun(const sp_template *t);
SP_API const sp_id *sp_template_pool(const sp_template *t); /* or NULL */
/* SP_COPY_SNAPSHOT, SP_COPY_CLONE, or SP_COPY_NONE for auto: the array's
 * configured copy-method when it can make it, else what it can. */
SP_API sp_copy_method sp_template_copy(const sp_template *t);
SP_API unsigned int sp_template_vcpus(const sp_template *t);
SP_API uint64_t sp_template_memory(const sp_template *t); /* bytes */
SP_API sp_firmware sp_template_firmware(const sp_template *t);
SP_API const char *sp_template_machine(const sp_template *t);
SP_API const char *sp_template_disk_bus(const sp_template *t);
SP_API sp_os_family sp_template_os(const sp_template *t);
/* NICs: each on a libvirt network or a host bridge, with a model. */
SP_API size_t sp_template_nic_count(const sp_template *t);
SP_API const char *sp_template_nic_network(const sp_template *t, size_t i);
SP_API const char *sp_template_nic_bridge(const sp_template *t, size_t i);
SP_API const char *sp_template_nic_model(const sp_template *t, size_t i);
/* A customization document's text, or NULL. */
SP_API const char *sp_template_doc(const sp_template *t, sp_custom_doc d);
SP_API size_t sp_template_tag_count(const sp_template *t);
SP_API const char *sp_template_tag(const sp_template *t, size_t i);
/* When it was recorded, in seconds since the epoch (0: not yet). */
SP_API int64_t sp_template_created(const sp_template *t);

/* Setters; strings are copied.  Errors: SP_ERR_INVALID (the value is not
 * one a template can hold, e.g. 0 vCPUs, a bad machine name). */
SP_API sp_code sp_template_set_name(sp_template *t, const char *name,
                                    sp_error *err);
SP_API sp_code sp_template_set_lun(sp_template *t, const sp_id *lun,
                                   const sp_id *pool, sp_error *err);
SP_API sp_code sp_template_set_copy(sp_template *t, sp_copy_method m,
                                    sp_error *err);
SP_API sp_code sp_template_set_vcpus(sp_template *t, unsigned int n,
                                     sp_error *err);
SP_API sp_code sp_template_set_memory(sp_template *t, uint64_t bytes,
                                      sp_error *err);
SP_API void sp_template_set_firmware(sp_template *t, sp_firmware f);
SP_API sp_code sp_template_set_machine(sp_template *t, const char *machine,
                                       sp_error *err);
SP_API sp_code sp_template_set_disk_bus(sp_template *t, const char *bus,
                                        sp_error *err);
SP_API void sp_template_set_os(sp_template *t, sp_os_family os);
/* One of @network and @bridge; @model NULL: "virtio". */
SP_API sp_code sp_template_add_nic(sp_template *t, const char *network,
                                   const char *bridge, const char *model,
                                   sp_error *err);
/* Text up to SP_DOC_MAX bytes, without NUL bytes; NULL removes it. */
SP_API sp_code sp_template_set_doc(sp_template *t, sp_custom_doc d,
                                   const char *text, sp_error *err);
SP_API sp_code sp_template_add_tag(sp_template *t, const char *tag,
                                   sp_error *err);

/* "auto", "snapshot", "clone"; "bios", "uefi"; "linux", "windows";
 * "user-data", "meta-data", "network-config", "unattend". */
SP_API const char *sp_copy_pref_name(sp_copy_method m);
SP_API const char *sp_firmware_name(sp_firmware f);
SP_API const char *sp_os_family_name(sp_os_family os);
SP_API const char *sp_custom_doc_name(sp_custom_doc d);

/* ---- the library ---- */

typedef struct sp_library sp_library;

/* The library of @cfg (sp_config_library()), made on first use.  @flags
 * must be 0, as those of sp_library_save() and sp_library_remove().
 * Errors: SP_ERR_IO. */
SP_API sp_code sp_library_open(const sp_config *cfg, unsigned int flags,
                               sp_library **out, sp_error *err);
SP_API void sp_library_close(sp_library *lib);
SP_API const char *sp_library_path(const sp_library *lib);

/* Record @t, which has a LUN: a new template gets its ID (tmpl:UUID) and
 * creation time.  Errors: SP_ERR_EXISTS (another template has its name),
 * SP_ERR_INVALID (no LUN), SP_ERR_IO. */
SP_API sp_code sp_library_save(sp_library *lib, sp_template *t,
                               unsigned int flags, sp_error *err);

/* The template of @id.  Errors: SP_ERR_NOT_FOUND, SP_ERR_BAD_ID (not a tmpl
 * ID), SP_ERR_IO (a document that does not parse: the message names it). */
SP_API sp_code sp_library_load(sp_library *lib, const sp_id *id,
                               sp_template **out, sp_error *err);
/* The template named @name.  Errors: SP_ERR_NOT_FOUND, SP_ERR_IO. */
SP_API sp_code sp_library_find(sp_library *lib, const char *name,
                               sp_template **out, sp_error *err);

/* Visit every template, by name; each is owned by the callee.  A
 * negative return from @fn stops (SP_ERR_CANCELLED). */
typedef int (*sp_template_fn)(sp_template *t, void *ctx);
SP_API sp_code sp_library_list(sp_library *lib, sp_template_fn fn, void *ctx,
                               sp_error *err);

/* Forget template @id (its LUN is the caller's business).  Errors:
 * SP_ERR_NOT_FOUND. */
SP_API sp_code sp_library_remove(sp_library *lib, const sp_id *id,
                                 unsigned int flags, sp_error *err);

/* Read a template document from @text (@origin names it in messages).
 * Errors: SP_ERR_IO with what is wrong. */
SP_API sp_code sp_template_parse(const char *text, size_t len,
                                 const char *origin, sp_template **out,
                                 sp_error *err);

/* ---- disk images ---- */

typedef enum sp_image_format {
    SP_IMAGE_RAW,
    SP_IMAGE_QCOW2,
} sp_image_format;

/* An image file, open and inspected, to be written onto a LUN. */
typedef struct sp_image sp_image;

/*
 * Open the image @path, a regular file or a block device (anything else,
 * a FIFO, a socket, a character device, is refused at once), and inspect
 * it: its format by its header, raw or qcow2, and for qcow2 what "qemu-img
 * info" says of it, asked with the format given.
 *
 * An image is read alone: one that would read other files is refused
 * before they are opened.  A qcow2 backing chain is read only when
 * @backing (@nbacking paths) names exactly the files of the chain, in its
 * order (the image's backing file first, then that one's, and so on), each
 * the same file (device and inode) as the one the image names, a regular
 * file or a block device, in the format (raw or qcow2) its child records.
 * Never read: a backing file that is no local path (a "json:" pseudo-path,
 * nbd:, http: and the other protocols of QEMU), one whose format is not
 * recorded (QEMU would probe it), a qcow2 external data file.  @flags: 0.
 *
 * *@out: free with sp_image_free().  Errors: SP_ERR_NOT_FOUND,
 * SP_ERR_INVALID (not a regular file or block device; unknown flags),
 * SP_ERR_PRECONDITION (the image has a backing chain other than @backing;
 * the message names the image and the file), SP_ERR_NOT_SUPPORTED (what
 * is never read, as above; qcow2 without qemu-img), SP_ERR_IO.
 */
SP_API sp_code sp_image_open(const char *path, const char *const *backing,
                             size_t nbacking, unsigned int flags,
                             sp_image **out, sp_error *err);
SP_API void sp_image_free(sp_image *img);

SP_API sp_image_format sp_image_get_format(const sp_image *img);
/* The size of the disk it holds, in bytes. */
SP_API uint64_t sp_image_disk_size(const sp_image *img);

/* Write the disk of @img onto @target (a LUN's image file or device),
 * which must be at least as large; holes are kept.  Raw images are copied
 * from the file opened; qcow2 goes through "qemu-img convert", given the
 * format of each file of the chain inspected and nothing else to read.
 * *@written gets the bytes of data written.  @flags must be 0.  Errors:
 * SP_ERR_IO,
 * SP_ERR_NOT_SUPPORTED, SP_ERR_PRECONDITION (@target is too small). */
SP_API sp_code sp_image_write(sp_image *img, const char *target,
                              unsigned int flags, uint64_t *written,
                              sp_error *err);

SP_END_DECLS

#endif
