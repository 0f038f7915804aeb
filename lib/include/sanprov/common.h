/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sanprov/common.h: export macro, version and conventions shared by the API. */
#ifndef SANPROV_COMMON_H
#define SANPROV_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
#define SP_BEGIN_DECLS extern "C" {
#define SP_END_DECLS   }
#else
#define SP_BEGIN_DECLS
#define SP_END_DECLS
#endif

/* Marks a declaration as part of the public ABI; the library is built with
 * -fvisibility=hidden and a version script, so nothing else is exported. */
#define SP_API __attribute__((visibility("default")))

#define SP_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))

/* A struct that carries its size, zeroed but for its size (see Structs
 * below): "sp_host_caps c = SP_STRUCT_INIT(sp_host_caps);". */
#define SP_STRUCT_INIT(type)                                                   \
    {                                                                          \
        .size = sizeof(type)                                                   \
    }

#define SP_VERSION_MAJOR  0
#define SP_VERSION_MINOR  1
#define SP_VERSION_PATCH  0
#define SP_VERSION_STRING "0.1.0"

SP_BEGIN_DECLS

/*
 * Conventions of the whole API:
 *  - Names start with sp_ / SP_.  Handles are opaque.
 *  - sp_x_new() returns a heap object the caller frees with sp_x_free();
 *    every sp_x_free() accepts NULL.
 *  - Functions returning "const" pointers lend memory owned by the object
 *    they were called on; it stays valid until that object changes or is
 *    freed.
 *  - Operations that change something take "unsigned int flags"; unknown
 *    bits are rejected with SP_ERR_INVALID.
 *  - Structs.  Handles are opaque.  A struct the caller allocates and
 *    hands to the library, for it to fill (sp_array_caps, sp_host_caps,
 *    sp_mask_target) or to read (sp_mask_target, sp_vm_def, sp_vm_disk,
 *    sp_vm_nic, sp_deploy_opts), carries its size: its first member is
 *    "size_t size", which the caller sets to the size it was compiled
 *    with:
 *
 *        sp_array_caps caps = SP_STRUCT_INIT(sp_array_caps);
 *        sp_array_capabilities(a, &caps);
 *
 *    Members are only ever added at the end.  The library reads and
 *    writes no byte past @size: a member the caller's struct lacks is
 *    read as zero (its default) and not written.  So a program built with
 *    older headers runs with a newer library, and one built with newer
 *    headers with an older library (a member that library does not know
 *    is left as the caller set it).  A @size below that of the struct in
 *    the release that made it is refused with SP_ERR_INVALID (by
 *    functions returning a bool: false).  Such structs embed no other
 *    sized struct (sp_vm_def points to its sp_vm_disk and sp_vm_nic
 *    structs, each sized alone).
 *    Structs the library lends to a callback (sp_host_vm, sp_name_info,
 *    sp_finding) are the library's: they too only grow at the end, and a
 *    caller reads their members but never allocates one.  sp_error is
 *    the exception: the caller allocates it, its layout stays as it is
 *    (code, statuses, a message of SP_ERROR_MSG_MAX bytes), and what an
 *    error may carry later comes through functions.
 *  - The library aborts the process when memory cannot be allocated, as
 *    libvirt and GLib do; every other failure is reported as an sp_code.
 */

/* The version of the library actually loaded, e.g. "0.1.0". */
SP_API const char *sp_version(void);

SP_END_DECLS

#endif
