/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/cim/cimclient.h: a CIM-XML client (DSP0200/DSP0201) over HTTP(S). */
/* Internal: neither installed nor exported by libsanprov.so.  The library,
 * smis-sim and the tests share it as source (they link the static
 * archive), as curl's tool shares lib/curlx/. */
#ifndef SANPROV_CIM_CIMCLIENT_H
#define SANPROV_CIM_CIMCLIENT_H

#include "../http/http.h"
#include "cim.h"

SP_BEGIN_DECLS

/*
 * A client for one CIM server (an SMI-S provider).  It keeps one HTTP
 * connection alive and reuses it for every operation.  A client is not
 * thread-safe: give each thread its own.
 *
 * Every operation returns SP_OK or an error code; the error itself (with
 * the server's CIM status and text, or the HTTP status) is kept in the
 * client and read with sp_cim_client_error().
 *
 * Responses are parsed as they arrive, with memory bounded independently
 * of their size: operations returning many objects hand each one to a
 * callback as soon as it is complete.
 */
typedef struct sp_cim_client sp_cim_client;

/*
 * Connect to nothing yet; prepare a client for @url: "http://HOST[:PORT]"
 * or "https://HOST[:PORT]" with an optional path (default "/cimom").
 * @flags must be 0.  Errors: SP_ERR_INVALID (bad URL).
 */
sp_code sp_cim_client_new(const char *url, unsigned int flags,
                          sp_cim_client **out, sp_error *err);

/* Close the connection, wipe the password, free. */
void sp_cim_client_free(sp_cim_client *c);

/* The last error of @c. */
const sp_error *sp_cim_client_error(const sp_cim_client *c);

/*
 * Basic authentication.  The password is copied, registered with
 * sp_log_add_secret() and wiped from memory by sp_cim_client_free(); the
 * process holds a secret from now on, so it becomes not dumpable
 * (prctl(PR_SET_DUMPABLE, 0): no core dump).  Memory libcurl frees is
 * wiped, as it builds the Authorization header in it.
 */
void sp_cim_client_set_credentials(sp_cim_client *c, const char *user,
                                   const char *password);

/*
 * Log in by @auth (lib/http/http.h: Basic, NTLM, Negotiate) with @user and
 * @password, held as sp_cim_client_set_credentials() holds them.  Errors
 * (the client unchanged): those of spi_http_set_auth().
 */
sp_code sp_cim_client_set_auth(sp_cim_client *c, enum spi_http_auth auth,
                               const char *user, const char *password,
                               sp_error *err);

/* Verify the server against the CA certificates in @pem_file (PEM). */
void sp_cim_client_set_ca_file(sp_cim_client *c, const char *pem_file);

/*
 * Do not verify the server's certificate or name.  Only for a user who
 * asked for it explicitly; a warning is logged at the first request.
 */
void sp_cim_client_set_insecure(sp_cim_client *c, bool insecure);

/* Connect and whole-request timeouts in milliseconds (0 = default:
 * 10 s to connect, 300 s per request). */
void sp_cim_client_set_timeouts(sp_cim_client *c, long connect_ms,
                                long total_ms);

/* Refuse responses larger than @bytes (default 256 MiB). */
void sp_cim_client_set_max_response(sp_cim_client *c, uint64_t bytes);

/* Namespace used when an operation is given none (default "root/cimv2"). */
void sp_cim_client_set_namespace(sp_cim_client *c, const char *ns);
const char *sp_cim_client_namespace(const sp_cim_client *c);

/* MaxObjectCount of the pull operations used by the enumerations
 * (default 1000). */
void sp_cim_client_set_pull_max(sp_cim_client *c, uint32_t n);

/* Round-trip accounting, for benchmarks and tests. */
typedef struct sp_cim_client_stats {
    uint64_t requests;       /* HTTP requests sent */
    uint64_t connections;    /* TCP connections opened */
    uint64_t bytes_received; /* response bodies */
    uint64_t bytes_sent;     /* request bodies */
} sp_cim_client_stats;
void sp_cim_client_get_stats(const sp_cim_client *c, sp_cim_client_stats *out);

/*
 * Callbacks receive each object as soon as it is decoded and own it (they
 * must free it).  Returning non-zero stops the operation, which then
 * returns SP_ERR_CANCELLED.
 */
typedef int (*sp_cim_instance_fn)(sp_cim_instance *inst, void *ctx);
typedef int (*sp_cim_path_fn)(sp_cim_path *path, void *ctx);
/* A class name (owned by the caller of the callback). */
typedef int (*sp_cim_name_fn)(const char *name, void *ctx);

/* Operation flags (each operation documents which it accepts). */
#define SP_CIM_SHALLOW              0x01u /* DeepInheritance = false */
#define SP_CIM_INCLUDE_QUALIFIERS   0x02u /* IncludeQualifiers = true */
#define SP_CIM_INCLUDE_CLASS_ORIGIN 0x04u
#define SP_CIM_LOCAL_ONLY           0x08u /* GetClass: LocalOnly = true */
#define SP_CIM_NO_PULL              0x10u /* use the classic operation only */

/*
 * @ns: the namespace; NULL for the client's default.
 * @props: a NULL-terminated PropertyList, or NULL for all properties.
 */

/*
 * Enumerate the instances of @classname (with their paths).  Uses
 * OpenEnumerateInstances/PullInstancesWithPath unless SP_CIM_NO_PULL, and
 * falls back to EnumerateInstances when the server answers the open with
 * CIM_ERR_NOT_SUPPORTED or CIM_ERR_FAILED (remembered for the life of the
 * client).  Flags: SP_CIM_SHALLOW, SP_CIM_INCLUDE_CLASS_ORIGIN,
 * SP_CIM_NO_PULL.
 */
sp_code sp_cim_enumerate_instances(sp_cim_client *c, const char *ns,
                                   const char *classname,
                                   const char *const *props, unsigned int flags,
                                   sp_cim_instance_fn fn, void *ctx);

/*
 * The instances that @query, in query language @lang ("DMTF:CQL", "WQL"),
 * selects: OpenQueryInstances/PullInstances.  They have no paths, and only
 * the properties the query selects.  A server that runs no such queries
 * (no pull operations, or an answer before any instance of
 * CIM_ERR_NOT_SUPPORTED, CIM_ERR_FAILED, CIM_ERR_QUERY_LANGUAGE_NOT_SUPPORTED
 * or CIM_ERR_INVALID_QUERY, or HTTP 501) gives SP_ERR_NOT_SUPPORTED,
 * remembered for the life of the client: the caller then enumerates
 * instead.  Flags: none.
 */
sp_code sp_cim_query_instances(sp_cim_client *c, const char *ns,
                               const char *lang, const char *query,
                               unsigned int flags, sp_cim_instance_fn fn,
                               void *ctx);

/* EnumerateInstanceNames.  Flags: none. */
sp_code sp_cim_enumerate_instance_names(sp_cim_client *c, const char *ns,
                                        const char *classname,
                                        unsigned int flags, sp_cim_path_fn fn,
                                        void *ctx);

/*
 * EnumerateClassNames: the subclasses of @classname (NULL: the classes of
 * @ns), all of them or, with SP_CIM_SHALLOW, the direct ones (the roots).
 * Flags: SP_CIM_SHALLOW.
 */
sp_code sp_cim_enumerate_class_names(sp_cim_client *c, const char *ns,
                                     const char *classname, unsigned int flags,
                                     sp_cim_name_fn fn, void *ctx);

/*
 * GetInstance of @path (its namespace, or the default).  *@out is a new
 * instance whose path is @path.  Flags: SP_CIM_INCLUDE_CLASS_ORIGIN.
 * A missing instance gives SP_ERR_NOT_FOUND.
 */
sp_code sp_cim_get_instance(sp_cim_client *c, const sp_cim_path *path,
                            const char *const *props, unsigned int flags,
                            sp_cim_instance **out);

/* GetClass.  Flags: SP_CIM_LOCAL_ONLY, SP_CIM_INCLUDE_CLASS_ORIGIN
 * (qualifiers are always asked for). */
sp_code sp_cim_get_class(sp_cim_client *c, const char *ns,
                         const char *classname, unsigned int flags,
                         sp_cim_class **out);

/*
 * Associators / AssociatorNames of the instance @obj.  Filters may be NULL.
 * sp_cim_associators uses OpenAssociatorInstances with the same fallback
 * as sp_cim_enumerate_instances.  Flags: SP_CIM_NO_PULL,
 * SP_CIM_INCLUDE_CLASS_ORIGIN (instances only).
 */
sp_code sp_cim_associators(sp_cim_client *c, const sp_cim_path *obj,
                           const char *assoc_class, const char *result_class,
                           const char *role, const char *result_role,
                           const char *const *props, unsigned int flags,
                           sp_cim_instance_fn fn, void *ctx);
sp_code sp_cim_associator_names(sp_cim_client *c, const sp_cim_path *obj,
                                const char *assoc_class,
                                const char *result_class, const char *role,
                                const char *result_role, unsigned int flags,
                                sp_cim_path_fn fn, void *ctx);

/* References / ReferenceNames of @obj (association instances).  Flags:
 * SP_CIM_INCLUDE_CLASS_ORIGIN (instances only). */
sp_code sp_cim_references(sp_cim_client *c, const sp_cim_path *obj,
                          const char *result_class, const char *role,
                          const char *const *props, unsigned int flags,
                          sp_cim_instance_fn fn, void *ctx);
sp_code sp_cim_reference_names(sp_cim_client *c, const sp_cim_path *obj,
                               const char *result_class, const char *role,
                               unsigned int flags, sp_cim_path_fn fn,
                               void *ctx);

/*
 * Invoke the extrinsic method @method on @obj (an instance path, or a
 * path without keys for a static method), with the input parameters @in
 * (may be NULL).  Each parameter is sent with its type (PARAMTYPE), so
 * uint16 and uint64 arguments arrive typed; references, arrays of
 * references and embedded instances are supported.  On success *@ret is
 * the return value (often a uint32 status; may be NULL if the server sent
 * none) and *@out the output parameters (never NULL); both are new and the
 * caller frees them.  @ret and @out may be NULL when not wanted.
 * Flags: none.
 */
sp_code sp_cim_invoke_method(sp_cim_client *c, const sp_cim_path *obj,
                             const char *method, const sp_cim_args *in,
                             unsigned int flags, sp_cim_value **ret,
                             sp_cim_args **out);

/* ---- pull operations (DSP0200 1.3), for callers that page themselves --- */

/* An open enumeration on the server. */
typedef struct sp_cim_enum sp_cim_enum;

/*
 * OpenEnumerateInstances: deliver the first (at most @max) instances to
 * @fn and return the enumeration in *@e, which is NULL when the server
 * already ended the sequence.  Flags: SP_CIM_SHALLOW,
 * SP_CIM_INCLUDE_CLASS_ORIGIN.
 */
sp_code sp_cim_open_enumerate_instances(sp_cim_client *c, const char *ns,
                                        const char *classname,
                                        const char *const *props, uint32_t max,
                                        unsigned int flags,
                                        sp_cim_instance_fn fn, void *ctx,
                                        sp_cim_enum **e);

/* OpenAssociatorInstances, likewise.  Flags: SP_CIM_INCLUDE_CLASS_ORIGIN. */
sp_code sp_cim_open_associator_instances(
    sp_cim_client *c, const sp_cim_path *obj, const char *assoc_class,
    const char *result_class, const char *role, const char *result_role,
    const char *const *props, uint32_t max, unsigned int flags,
    sp_cim_instance_fn fn, void *ctx, sp_cim_enum **e);

/* OpenReferenceInstances: the associations that refer to @obj, likewise.
 * Flags: SP_CIM_INCLUDE_CLASS_ORIGIN. */
sp_code sp_cim_open_reference_instances(
    sp_cim_client *c, const sp_cim_path *obj, const char *result_class,
    const char *role, const char *const *props, uint32_t max,
    unsigned int flags, sp_cim_instance_fn fn, void *ctx, sp_cim_enum **e);

/*
 * The paths alone: OpenEnumerateInstancePaths, OpenAssociatorInstancePaths
 * and OpenReferenceInstancePaths deliver the first (at most @max) paths to
 * @fn, continued by sp_cim_pull_instance_paths.  Flags: none.
 */
sp_code sp_cim_open_enumerate_instance_paths(sp_cim_client *c, const char *ns,
                                             const char *classname,
                                             uint32_t max, unsigned int flags,
                                             sp_cim_path_fn fn, void *ctx,
                                             sp_cim_enum **e);
sp_code sp_cim_open_associator_instance_paths(
    sp_cim_client *c, const sp_cim_path *obj, const char *assoc_class,
    const char *result_class, const char *role, const char *result_role,
    uint32_t max, unsigned int flags, sp_cim_path_fn fn, void *ctx,
    sp_cim_enum **e);
sp_code sp_cim_open_reference_instance_paths(
    sp_cim_client *c, const sp_cim_path *obj, const char *result_class,
    const char *role, uint32_t max, unsigned int flags, sp_cim_path_fn fn,
    void *ctx, sp_cim_enum **e);

/* OpenQueryInstances, likewise (instances without paths; continued by
 * sp_cim_pull_instances).  Flags: none. */
sp_code sp_cim_open_query_instances(sp_cim_client *c, const char *ns,
                                    const char *lang, const char *query,
                                    uint32_t max, unsigned int flags,
                                    sp_cim_instance_fn fn, void *ctx,
                                    sp_cim_enum **e);

/*
 * PullInstancesWithPath (after OpenEnumerateInstances,
 * OpenAssociatorInstances or OpenReferenceInstances) or PullInstances (after
 * OpenQueryInstances): deliver the next (at most @max) instances.  When the
 * server ends the sequence, sp_cim_enum_done(@e) becomes true.  The other one
 * of the two for @e is SP_ERR_INVALID.
 */
sp_code sp_cim_pull_instances_with_path(sp_cim_client *c, sp_cim_enum *e,
                                        uint32_t max, sp_cim_instance_fn fn,
                                        void *ctx);
sp_code sp_cim_pull_instances(sp_cim_client *c, sp_cim_enum *e, uint32_t max,
                              sp_cim_instance_fn fn, void *ctx);

/* PullInstancePaths, after one of the *Paths opens, likewise. */
sp_code sp_cim_pull_instance_paths(sp_cim_client *c, sp_cim_enum *e,
                                   uint32_t max, sp_cim_path_fn fn, void *ctx);

bool sp_cim_enum_done(const sp_cim_enum *e);

/*
 * CloseEnumeration (when the sequence is not done) and free @e, which may
 * be NULL.  The enumeration is freed even when the close fails.
 */
sp_code sp_cim_close_enumeration(sp_cim_client *c, sp_cim_enum *e);

SP_END_DECLS

#endif
