/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/wsman/client.h: the WS-Management client: operations over a transport,
 * enumerations paged to their end, methods and the jobs they start. */
/* Internal: neither installed nor exported by libsanprov.so. */
#ifndef SANPROV_WSMAN_CLIENT_H
#define SANPROV_WSMAN_CLIENT_H

#include "wsman.h"

/*
 * The transport: POST one envelope to the peer and give the body of its
 * answer (a 200, or the 400/500 a SOAP fault comes with) to @sink as it
 * arrives, and its HTTP status to *@status.  It returns SP_OK for a 200,
 * and for a 400 or 500 whose body it gave to @sink: the client then
 * requires a SOAP fault in it.  @read_only requests (Get, Enumerate,
 * Pull, Release) may be sent again on a new connection when the peer
 * closed a kept-alive one before answering; others never.  Errors: the
 * transport's (connect, auth, TLS, another status...) or what @sink
 * returned.
 * lib/http (HTTP/S with Basic, NTLM, Negotiate) is the transport of
 * WinRM; the tests give their own.
 */
typedef sp_code (*spi_ws_sink_fn)(const char *data, size_t len, void *ctx);
struct spi_ws_transport {
    sp_code (*post)(void *ctx, const char *what, const char *body, size_t len,
                    bool read_only, spi_ws_sink_fn sink, void *sink_ctx,
                    long *status, sp_error *err);
    void *ctx;
};

/* lib/http as the transport: @h (set up, authenticated, borrowed) is the
 * peer's kept-alive connection; the URL's path is the endpoint's. */
struct spi_http;
struct spi_ws_transport spi_ws_http_transport(struct spi_http *h);

struct spi_ws_client_opts {
    const char *to; /* the endpoint URL, e.g. http://hv01:5985/wsman */
    enum spi_ws_style style;
    const char *default_ns;     /* e.g. "root/virtualization/v2" */
    unsigned int timeout_ms;    /* OperationTimeout (0: 60 s) */
    unsigned long max_envelope; /* MaxEnvelopeSize (0: 512000) */
    const char *locale;         /* (NULL: "en-US") */
    unsigned int max_elements;  /* objects per Enumerate/Pull (0: 100) */
    size_t max_item_bytes;      /* one object (0: 16 MiB) */
    unsigned int job_timeout_s; /* a job's wait (0: 3600 s) */
    /* Called at each poll of a job: @what as given to
     * spi_ws_invoke_job(), its PercentComplete (-1: not given; 100 when
     * done).  May be NULL. */
    void (*progress)(const char *what, int percent, void *ctx);
    void *progress_ctx;
};

struct spi_ws_client;

/* A client of @o's peer over @t (copied; t->ctx is borrowed).  Free with
 * spi_ws_client_free() (NULL is fine). */
struct spi_ws_client *spi_ws_client_new(const struct spi_ws_client_opts *o,
                                        const struct spi_ws_transport *t);
void spi_ws_client_free(struct spi_ws_client *c);

/* The last failure of @c (owned by @c). */
const sp_error *spi_ws_client_error(const struct spi_ws_client *c);
/* Requests sent so far. */
uint64_t spi_ws_client_requests(const struct spi_ws_client *c);
/* Tests: message IDs from @fn (free()d by the client) instead of uuids. */
void spi_ws_client_set_msgid_fn(struct spi_ws_client *c, char *(*fn)(void *),
                                void *ctx);

/*
 * Operations.  Each returns SP_OK or an error kept in the client (see
 * spi_ws_client_error()): a fault as spi_ws_fault_error() maps it,
 * SP_ERR_PROTOCOL for an answer of the wrong kind, SP_ERR_INVALID for a
 * class, property or method name that is not a CIM identifier.
 * Paths carry the class, namespace (NULL: the default) and keys.
 */

/* WS-Transfer Get: *@out, free with sp_cim_instance_free(); its path is
 * @p's. */
sp_code spi_ws_get(struct spi_ws_client *c, const sp_cim_path *p,
                   sp_cim_instance **out);
/* Put @inst at @p; *@out (may be NULL) the instance as the service now
 * has it, or NULL when it answered with none. */
sp_code spi_ws_put(struct spi_ws_client *c, const sp_cim_path *p,
                   const sp_cim_instance *inst, sp_cim_instance **out);
/* Create @inst (its class) in @ns; *@out (may be NULL) the new object's
 * path, free with sp_cim_path_free(). */
sp_code spi_ws_create(struct spi_ws_client *c, const char *ns,
                      const sp_cim_instance *inst, sp_cim_path **out);
sp_code spi_ws_delete(struct spi_ws_client *c, const sp_cim_path *p);

/* What to enumerate: a class, the result of a WQL query, or the
 * associators / references of an object (DSP0227 8.2). */
struct spi_ws_query {
    const char *ns;
    const char *cls; /* NULL with a filter: any class ("*" on WMI) */
    const char *wql;
    const sp_cim_path *assoc_object; /* associators, or references: */
    bool references;
    const char *assoc_class, *result_class, *role, *result_role;
    bool with_epr; /* each object with its path */
    bool epr_only; /* paths only */
};

/*
 * Enumerate and Pull to the end, each object to @fn as it is decoded (the
 * callback may take it: see spi_ws_item); @fn returning non-zero stops,
 * the enumeration is Released and the call returns SP_ERR_CANCELLED.
 * *@count (may be NULL): the objects delivered.
 */
sp_code spi_ws_enumerate(struct spi_ws_client *c, const struct spi_ws_query *q,
                         spi_ws_item_fn fn, void *ctx, size_t *count);

/* Invoke @method on @p (a class path for a static method) with @in (may
 * be NULL); *@ret its ReturnValue (untyped, may be NULL), *@out the other
 * output parameters (references as paths).  Free both. */
sp_code spi_ws_invoke(struct spi_ws_client *c, const sp_cim_path *p,
                      const char *method, const sp_cim_args *in,
                      sp_cim_value **ret, sp_cim_args **out);

/*
 * Invoke as Hyper-V's methods are: ReturnValue 0 is done; 4096 started a
 * job, named by the Job output parameter, which is polled (Get on the
 * Msvm_ConcreteJob, with backoff) until JobState says it ended; any other
 * value is a failure named after its meaning.  @what names the work in
 * messages ("cannot define 'web01'").  *@out (may be NULL) the output
 * parameters.  Errors: SP_ERR_CIM for a failed job or method (the
 * ErrorDescription kept, escaped), SP_ERR_JOB_TIMEOUT past
 * job_timeout_s (the job's InstanceID in the message), the operations'.
 */
sp_code spi_ws_invoke_job(struct spi_ws_client *c, const sp_cim_path *p,
                          const char *method, const sp_cim_args *in,
                          const char *what, sp_cim_args **out);

/* For lib/wsman's own files: record an error in @c (returns @code); the
 * job wait configured. */
sp_code spi_ws_client_fail(struct spi_ws_client *c, sp_code code,
                           const char *fmt, ...) SP_PRINTF(3, 4);
unsigned int spi_ws_client_job_timeout(const struct spi_ws_client *c);
void spi_ws_client_progress(const struct spi_ws_client *c, const char *what,
                            int percent);

#endif
