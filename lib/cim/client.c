/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/cim/client.c: the CIM client handle: settings, one request/response round
 * trip, CIM errors. */
#include <stdio.h>

#include "client_internal.h"

#define DEFAULT_NAMESPACE "root/cimv2"
#define DEFAULT_PULL_MAX  1000
#define MAX_REQUEST_BYTES ((size_t)64 << 20)

sp_code sp_cim_client_new(const char *url, unsigned int flags,
                          sp_cim_client **out, sp_error *err)
{
    *out = NULL;
    if (flags)
        return sp_error_set(err, SP_ERR_INVALID, "unknown flags 0x%x", flags);
    sp_cim_client *c = spi_xcalloc(1, sizeof(*c));
    sp_code rc = spi_http_init(&c->http, url, "/cimom", "array", err);
    if (rc) {
        free(c);
        return rc;
    }
    c->ns = spi_xstrdup(DEFAULT_NAMESPACE);
    c->pull_max = DEFAULT_PULL_MAX;
    *out = c;
    return SP_OK;
}

void sp_cim_client_free(sp_cim_client *c)
{
    if (!c)
        return;
    spi_http_release(&c->http);
    free(c->ns);
    free(c);
}

const sp_error *sp_cim_client_error(const sp_cim_client *c)
{
    return &c->err;
}

void sp_cim_client_set_credentials(sp_cim_client *c, const char *user,
                                   const char *password)
{
    if (!user) {
        free(c->http.user);
        spi_free_secret(c->http.password);
        c->http.user = c->http.password = NULL;
        return;
    }
    /* Basic with a user cannot fail */
    if (spi_http_set_auth(&c->http, SPI_HTTP_AUTH_BASIC, user, password, NULL))
        abort();
}

sp_code sp_cim_client_set_auth(sp_cim_client *c, enum spi_http_auth auth,
                               const char *user, const char *password,
                               sp_error *err)
{
    return spi_http_set_auth(&c->http, auth, user, password, err);
}

void sp_cim_client_set_ca_file(sp_cim_client *c, const char *pem_file)
{
    spi_http_set_ca_file(&c->http, pem_file);
}

void sp_cim_client_set_insecure(sp_cim_client *c, bool insecure)
{
    spi_http_set_insecure(&c->http, insecure);
}

void sp_cim_client_set_timeouts(sp_cim_client *c, long connect_ms,
                                long total_ms)
{
    spi_http_set_timeouts(&c->http, connect_ms, total_ms);
}

void sp_cim_client_set_max_response(sp_cim_client *c, uint64_t bytes)
{
    spi_http_set_max_response(&c->http, bytes);
}

void sp_cim_client_set_namespace(sp_cim_client *c, const char *ns)
{
    free(c->ns);
    c->ns = spi_xstrdup(ns && *ns ? ns : DEFAULT_NAMESPACE);
}

const char *sp_cim_client_namespace(const sp_cim_client *c)
{
    return c->ns;
}

void sp_cim_client_set_pull_max(sp_cim_client *c, uint32_t n)
{
    c->pull_max = n ? n : DEFAULT_PULL_MAX;
}

void sp_cim_client_get_stats(const sp_cim_client *c, sp_cim_client_stats *out)
{
    out->requests = c->http.stats.requests;
    out->connections = c->http.stats.connections;
    out->bytes_received = c->http.stats.bytes_received;
    out->bytes_sent = c->http.stats.bytes_sent;
}

sp_code spi_client_fail(sp_cim_client *c, sp_code code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    c->err.code = code;
    c->err.http_status = 0;
    c->err.cim_status = 0;
    vsnprintf(c->err.message, sizeof(c->err.message), fmt, ap);
    va_end(ap);
    return code;
}

const char *spi_client_ns(const sp_cim_client *c, const char *ns)
{
    return ns && *ns ? ns : c->ns;
}

static sp_code feed_decoder(const char *data, size_t len, void *ctx)
{
    void **pair = ctx;
    return spi_decoder_feed(pair[0], data, len, pair[1]);
}

/* The CIM status as our error: the server's own words come first. */
static sp_code cim_error(sp_cim_client *c, const struct spi_cim_response *r)
{
    sp_code code = SP_ERR_CIM;
    if (r->error_code == SP_CIM_ERR_NOT_FOUND)
        code = SP_ERR_NOT_FOUND;
    else if (r->error_code == SP_CIM_ERR_NOT_SUPPORTED)
        code = SP_ERR_NOT_SUPPORTED;
    else if (r->error_code == SP_CIM_ERR_ACCESS_DENIED)
        code = SP_ERR_AUTH;
    const char *name = sp_cim_status_name(r->error_code);
    const char *desc = r->error_description ? r->error_description : "";
    const char *extra =
        r->error_instance
            ? sp_cim_instance_get_string(r->error_instance, "Message")
            : NULL;
    if (extra && (!*extra || strstr(desc, extra)))
        extra = NULL;
    char head[64];
    if (name)
        snprintf(head, sizeof(head), "%s", name);
    else
        snprintf(head, sizeof(head), "CIM error %d", r->error_code);
    /* Many servers (Pegasus among them) start the description with the
     * status name already: say it once. */
    size_t hl = strlen(head);
    if (strncmp(desc, head, hl) == 0 &&
        (desc[hl] == ':' || desc[hl] == ' ' || desc[hl] == '\0')) {
        desc += hl;
        while (*desc == ':' || *desc == ' ')
            desc++;
    }
    spi_client_fail(c, code, "%s%s%s%s%s%s", head, *desc ? ": " : "", desc,
                    extra ? " (" : "", extra ? extra : "", extra ? ")" : "");
    c->err.cim_status = r->error_code;
    return code;
}

/*
 * Whether @call only reads, and so may be sent again when the server closed
 * the kept-alive connection before answering it (see SPI_HTTP_RESEND_OK).  A
 * server closes an idle kept-alive connection between requests, before it
 * reads the next, so it carries out only the resent one.  The pull
 * operations count as reads: an Open sent twice leaves a context for the
 * server to expire, and a server that pulled a page and died before
 * answering has lost the context with it (the resent Pull is refused, no
 * page is skipped).  Everything else (extrinsic methods, CreateInstance,
 * ModifyInstance, DeleteInstance...) is sent once.
 */
static bool only_reads(const struct spi_call *call)
{
    static const char *const reads[] = {
        "GetInstance",
        "GetClass",
        "EnumerateInstances",
        "EnumerateInstanceNames",
        "Associators",
        "AssociatorNames",
        "References",
        "ReferenceNames",
        "OpenEnumerateInstances",
        "OpenEnumerateInstancePaths",
        "OpenAssociatorInstances",
        "OpenAssociatorInstancePaths",
        "OpenReferenceInstances",
        "OpenReferenceInstancePaths",
        "OpenQueryInstances",
        "PullInstancesWithPath",
        "PullInstancePaths",
        "PullInstances",
        "CloseEnumeration",
    };
    if (!call->intrinsic)
        return false;
    for (size_t i = 0; i < SPI_ARRAY_SIZE(reads); i++)
        if (strcasecmp(call->name, reads[i]) == 0)
            return true;
    return false;
}

sp_code spi_client_call(sp_cim_client *c, const struct spi_call *call,
                        struct spi_cim_response **out)
{
    sp_error_clear(&c->err);
    if (out)
        *out = NULL;
    unsigned long id = ++c->next_msgid;
    char msgid[24];
    snprintf(msgid, sizeof(msgid), "%lu", id);
    const char *ns = spi_client_ns(
        c, call->intrinsic ? call->ns
                           : (call->target->ns ? call->target->ns : NULL));

    sp_buf body = SP_BUF_INIT(MAX_REQUEST_BYTES);
    SPI_AUTOFREE char *object = NULL;
    if (call->intrinsic) {
        spi_cimxml_imethodcall(&body, id, call->name, ns, call->params);
    } else {
        spi_cimxml_methodcall(&body, id, call->name, call->target, ns,
                              call->params);
        sp_cim_path *p = sp_cim_path_copy(call->target);
        sp_cim_path_set_host(p, NULL);
        sp_cim_path_set_namespace(p, ns);
        object = sp_cim_path_to_string(p);
        sp_cim_path_free(p);
    }
    if (sp_buf_overflowed(&body)) {
        sp_buf_release(&body);
        return spi_client_fail(c, SP_ERR_TOO_LARGE,
                               "request is larger than %zu bytes",
                               MAX_REQUEST_BYTES);
    }
    sp_log(SP_LOG_DEBUG, "CIM %s %s on %s",
           call->intrinsic ? "operation" : "method", call->name,
           call->intrinsic ? ns : object);

    struct spi_decode_opts o = {
        .expect_name = call->name,
        .expect_intrinsic = call->intrinsic ? 1 : 0,
        .expect_msgid = msgid,
        .default_ns = ns,
        .fn = call->fn,
        .ctx = call->ctx,
    };
    struct spi_decoder *d = spi_decoder_new(&o);
    void *pair[2] = {d, &c->err};
    struct spi_cim_request rq = {
        .cim_method = call->name,
        .cim_object = call->intrinsic ? ns : object,
        .body = body.data,
        .len = body.len,
        .on_body = feed_decoder,
        .ctx = pair,
        .may_resend = only_reads(call),
    };
    sp_code rc = spi_cim_http_post(&c->http, &rq, &c->err);
    struct spi_cim_response *r = NULL;
    if (!rc)
        rc = spi_decoder_finish(d, &r, &c->err);
    spi_decoder_free(d);
    sp_buf_release(&body);
    if (rc)
        return rc;
    if (r->error_code) {
        rc = cim_error(c, r);
        spi_cim_response_free(r);
        return rc;
    }
    if (out)
        *out = r;
    else
        spi_cim_response_free(r);
    return SP_OK;
}
