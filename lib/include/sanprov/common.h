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
 *  - Operations take "unsigned int flags"; unknown bits are rejected with
 *    SP_ERR_INVALID.
 *  - The library aborts the process when memory cannot be allocated, as
 *    libvirt and GLib do; every other failure is reported as an sp_code.
 */

/* The version of the library actually loaded, e.g. "0.1.0". */
SP_API const char *sp_version(void);

SP_END_DECLS

#endif
