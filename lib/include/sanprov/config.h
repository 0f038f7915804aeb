/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sanprov/config.h: the configuration (arrays, pools, hosts, library) and
 * credentials. */
#ifndef SANPROV_CONFIG_H
#define SANPROV_CONFIG_H

#include <sanprov/error.h>

SP_BEGIN_DECLS

/*
 * The configuration, an INI file (sanprov.conf(5)):
 *
 *     [library]            path
 *     [array "NAME"]       uri user password-file ca-file insecure
 *                          copy-method iscsi-portal tgt-control-port
 *     [pool "ARRAY:POOL"]  class host-groups
 *     [host "NAME"]        uri group connectivity iscsi-initiator fc-wwpn
 *                          multipath
 *
 * It is looked up in this order: the file given (-c), $SANPROV_CONFIG,
 * $XDG_CONFIG_HOME/sanprov/sanprov.conf (or ~/.config/...),
 * /etc/sanprov/sanprov.conf.  When none exists, a built-in configuration
 * is used: array "local" (local:$XDG_DATA_HOME/sanprov/arrays/local, pool
 * "default"), host "localhost" (qemu:///session, qemu:///system for root)
 * and the library under $XDG_DATA_HOME/sanprov/library.
 */
typedef struct sp_config sp_config;

/* Refuse the built-in configuration: a file must be found. */
#define SP_CONFIG_NO_DEFAULT 0x1u

/*
 * Find and read the configuration.  @path (may be NULL) is the file given
 * with -c.  Errors: SP_ERR_CONFIG (syntax, unknown section or key, bad
 * value: the message names the file and line; or the file cannot be used:
 * it does not exist (given by -c or $SANPROV_CONFIG), cannot be opened, is
 * not a regular file, e.g. a directory, a FIFO or /dev/zero, refused
 * without waiting, or is larger than 1 MiB: the message names the file),
 * SP_ERR_NOT_FOUND (no file found, with SP_CONFIG_NO_DEFAULT), SP_ERR_IO
 * (reading it failed).  A URI no driver takes is found when its array or
 * host is opened: SP_ERR_CONFIG there too, naming the file and line.
 */
SP_API sp_code sp_config_load(const char *path, unsigned int flags,
                              sp_config **out, sp_error *err);

/* Read a configuration from a string (tests, embedding).  @origin names
 * it in messages. */
SP_API sp_code sp_config_parse(const char *text, const char *origin,
                               sp_config **out, sp_error *err);

SP_API void sp_config_free(sp_config *c);

/* The file read, or NULL for the built-in configuration. */
SP_API const char *sp_config_file(const sp_config *c);

/* The library directory (templates, deploy records). */
SP_API const char *sp_config_library(const sp_config *c);

/* Sections: @kind is "array", "pool" or "host". */
SP_API size_t sp_config_count(const sp_config *c, const char *kind);
/* The name of the @i-th section of @kind ("fas01", "fas01:aggr1"). */
SP_API const char *sp_config_name(const sp_config *c, const char *kind,
                                  size_t i);
/* True when section [@kind "@name"] exists. */
SP_API bool sp_config_has(const sp_config *c, const char *kind,
                          const char *name);

/* The value of @key in [@kind "@name"], or NULL. */
SP_API const char *sp_config_get(const sp_config *c, const char *kind,
                                 const char *name, const char *key);

/* A boolean value (yes/no, true/false, on/off, 1/0); @def when unset. */
SP_API bool sp_config_get_bool(const sp_config *c, const char *kind,
                               const char *name, const char *key, bool def);

/*
 * A list value ("prod, ci"): the number of items and item @i, trimmed.
 * Owned by @c.
 */
SP_API size_t sp_config_list_count(const sp_config *c, const char *kind,
                                   const char *name, const char *key);
SP_API const char *sp_config_list_item(const sp_config *c, const char *kind,
                                       const char *name, const char *key,
                                       size_t i);

/*
 * The password of array @name: its password-file (refused when readable
 * by group or others), else $SANPROV_PASSWORD, else a prompt when stdin
 * and stderr are terminals.  $SANPROV_PASSWORD is taken out of the
 * environment when first read (unsetenv(), its bytes wiped) and kept by
 * the library for later calls, so that no program started later inherits
 * it.  A password read makes the process not dumpable
 * (prctl(PR_SET_DUMPABLE, 0): no core dump) and is registered with
 * sp_log_add_secret().  *@out is NULL when the array has no user (no
 * password needed).  Free with sp_free_secret().  Errors: SP_ERR_AUTH
 * (none available; the message says where to put one), SP_ERR_IO,
 * SP_ERR_INVALID (the password file is not a regular file),
 * SP_ERR_PRECONDITION (file permissions).
 */
SP_API sp_code sp_config_password(const sp_config *c, const char *array,
                                  char **out, sp_error *err);

/*
 * Read a secret from the first line of @path: refused unless it is a
 * regular file that neither group nor others may read.  Registered with
 * sp_log_add_secret(), and the process made not dumpable, as by
 * sp_config_password(); free with sp_free_secret().  Errors: SP_ERR_IO,
 * SP_ERR_INVALID (not a regular file: a symbolic link, a FIFO, a device;
 * refused without waiting), SP_ERR_PRECONDITION.
 */
SP_API sp_code sp_read_secret_file(const char *path, char **out, sp_error *err);

/* A WWPN: 16 hex digits, bare or as 8 colon-separated pairs.  True, with
 * the bare upper-case form SMI-S uses for port WWNs in @out, when @s is
 * one. */
SP_API bool sp_wwpn_parse(const char *s, char out[17]);

/* Wipe and free a secret; NULL is fine. */
SP_API void sp_free_secret(char *secret);

SP_END_DECLS

#endif
