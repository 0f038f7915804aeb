/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd/smis-sim/server.c: smis-sim's CIM-XML over HTTP: DSP0200 headers,
 * faults, /stats and /state, on the simulators' server (simhttp). */
#include <stdio.h>
#include <string.h>

#include "common/cmd.h"
#include "simhttp/simhttp.h"
#include "sim.h"

#define MAX_REQUEST ((size_t)16 << 20)

void sim_count(struct sim *s, const char *name)
{
    for (size_t i = 0; i < s->nstats; i++)
        if (strcmp(s->stats[i].name, name) == 0) {
            s->stats[i].n++;
            return;
        }
    cmd_grow((void **)&s->stats, &s->capstats, s->nstats + 1,
             sizeof(*s->stats));
    s->stats[s->nstats++] = (struct sim_stat){cmd_xstrdup(name), 1};
}

static unsigned long count_of(const struct sim *s, const char *name)
{
    for (size_t i = 0; i < s->nstats; i++)
        if (strcmp(s->stats[i].name, name) == 0)
            return s->stats[i].n;
    return 0;
}

/* ---- DSP0200 headers: plain (POST) or with an "NN-" prefix (M-POST) ---- */

struct header_find {
    const char *name;
    const char *value;
};

static enum MHD_Result find_header(void *cls, enum MHD_ValueKind kind,
                                   const char *key, const char *value)
{
    struct header_find *f = cls;
    const char *dash = strchr(key, '-');
    if (strcasecmp(key, f->name) == 0 ||
        (dash && dash - key == 2 && strcasecmp(dash + 1, f->name) == 0)) {
        f->value = value;
        return MHD_NO;
    }
    return MHD_YES;
}

static const char *cim_header(struct simhttp_request *rq, const char *name)
{
    struct header_find f = {name, NULL};
    MHD_get_connection_values(rq->conn, MHD_HEADER_KIND, find_header, &f);
    return f.value;
}

/* Percent-decode a header value (DSP0200 escapes CIMMethod/CIMObject). */
static void unescape(const char *in, char *out, size_t size)
{
    size_t o = 0;
    for (size_t i = 0; in[i] && o + 1 < size; i++) {
        unsigned v;
        if (in[i] == '%' && sscanf(in + i + 1, "%2x", &v) == 1) {
            out[o++] = (char)v;
            i += 2;
        } else {
            out[o++] = in[i];
        }
    }
    out[o] = '\0';
}

static enum MHD_Result cim_status(struct simhttp_request *rq, unsigned status,
                                  const char *cim_error)
{
    return simhttp_respond(rq, status, NULL, "", 0, "CIMError", cim_error);
}

/* ---- /stats ---- */

static enum MHD_Result stats(struct sim *s, struct simhttp_request *rq)
{
    struct simhttp_counts n;
    simhttp_counts(rq->srv, &n);
    sp_buf b = SP_BUF_INIT(1 << 20);
    pthread_mutex_lock(&s->lock);
    sp_buf_addf(&b,
                "{\"requests\":%lu,\"connections\":%lu,"
                "\"unanswered\":%lu,\"volumes\":%zu,"
                "\"views\":%zu,\"groups\":%zu,\"hardware_ids\":%zu,"
                "\"jobs\":%zu,\"open_enumerations\":%zu,\"calls\":{",
                n.requests, n.connections, n.unanswered, s->nvols, s->nviews,
                s->ngroups, s->nhwids, s->njobs, s->nenums);
    for (size_t i = 0; i < s->nstats; i++)
        sp_buf_addf(&b, "%s\"%s\":%lu", i ? "," : "", s->stats[i].name,
                    s->stats[i].n);
    pthread_mutex_unlock(&s->lock);
    sp_buf_addstr(&b, "}}\n");
    static const char *const json[] = {"Content-Type", "application/json",
                                       NULL};
    return simhttp_respond_buf(rq, 200, &b, json, false);
}

/* ---- /state ---- */

/* The array as its snapshot would hold it now: for tests and scripts that
 * look at the array behind a client's back, while it runs. */
static enum MHD_Result state(struct sim *s, struct simhttp_request *rq)
{
    sp_buf b = SP_BUF_INIT((size_t)1 << 31);
    pthread_mutex_lock(&s->lock);
    sim_state_json(s, &b);
    pthread_mutex_unlock(&s->lock);
    if (sp_buf_overflowed(&b)) {
        sp_buf_release(&b);
        return simhttp_respond(rq, 500, "text/plain", "state too large\n", 16,
                               NULL, NULL);
    }
    static const char *const json[] = {"Content-Type", "application/json",
                                       NULL};
    return simhttp_respond_buf(rq, 200, &b, json, false);
}

/* ---- faults ---- */

/* The fault for the @n-th call of @name, if one was asked for. */
static const struct sim_fault *fault_for(const struct sim *s, const char *name,
                                         unsigned long n)
{
    for (size_t i = 0; i < s->o.nfaults; i++)
        if (strcasecmp(s->o.faults[i].name, name) == 0 &&
            s->o.faults[i].nth == n)
            return &s->o.faults[i];
    return NULL;
}

/* ---- one CIM request ---- */

static enum MHD_Result cim_request(struct sim *s, struct simhttp_request *rq)
{
    const char *op = cim_header(rq, "CIMOperation");
    if (!op || strcasecmp(op, "MethodCall") != 0)
        return cim_status(rq, 400, "header-mismatch");
    if (rq->too_large)
        return cim_status(rq, 413, "request-not-valid");
    /* A vendor personality's names are smis-sim's own from here on
     * (rename.h); a request that is not XML goes to the parser as it is,
     * to be refused. */
    const struct sim_rename *names = s->o.vendor ? &s->o.vendor->names : NULL;
    struct sim_rename_seen seen = {.props = false};
    char *renamed = NULL;
    size_t renamed_len = 0;
    if (names)
        sim_rename(names, false, rq->body, rq->len, &seen, &renamed,
                   &renamed_len);
    sp_cim_request *req = NULL;
    sp_error err;
    sp_code parsed =
        renamed ? sp_cim_request_parse(renamed, renamed_len, 0, &req, &err)
                : sp_cim_request_parse(rq->body, rq->len, 0, &req, &err);
    free(renamed);
    if (parsed) {
        sp_log(SP_LOG_INFO, "refused a request: %s", err.message);
        return cim_status(
            rq, err.code == SP_ERR_NOT_SUPPORTED ? 501 : 400,
            strstr(err.message, "well-formed") ? "request-not-well-formed"
            : err.code == SP_ERR_NOT_SUPPORTED ? "multiple-requests-unsupported"
                                               : "request-not-valid");
    }
    const char *method = cim_header(rq, "CIMMethod");
    char hdr[256] = "";
    if (method)
        unescape(method, hdr, sizeof(hdr));
    if (!method || strcasecmp(hdr, sp_cim_request_name(req)) != 0) {
        sp_cim_request_free(req);
        return cim_status(rq, 400, "header-mismatch");
    }
    simhttp_delay(rq->srv);

    const char *name = sp_cim_request_name(req);
    sp_log(SP_LOG_DEBUG, "%s %s in %s",
           sp_cim_request_is_intrinsic(req) ? "operation" : "method", name,
           sp_cim_request_namespace(req));
    if (sp_log_enabled(SP_LOG_TRACE))
        sp_log_block(SP_LOG_TRACE, "request", rq->body, rq->len, 1 << 16);
    sp_buf out = SP_BUF_INIT((size_t)1 << 31);
    pthread_mutex_lock(&s->lock);
    sim_count(s, name);
    const struct sim_fault *f = fault_for(s, name, count_of(s, name));
    if (seen.bad_ns[0]) {
        sim_error(req, &out, SP_CIM_ERR_INVALID_NAMESPACE,
                  "namespace '%s' is not served", seen.bad_ns);
    } else if (f && !f->drop && s->o.fail_text) {
        sim_error(req, &out, f->cim_code, "%s", s->o.fail_text);
    } else if (f && !f->drop) {
        sim_error(req, &out, f->cim_code,
                  "simulated failure of %s call %lu (--fail)", name, f->nth);
    } else if (sp_cim_request_is_intrinsic(req)) {
        sim_intrinsic(s, req, &out);
    } else {
        sim_method(s, req, &out);
    }
    unsigned long seq = simhttp_trace_seq(rq->srv);
    pthread_mutex_unlock(&s->lock);
    if (names && !sp_buf_overflowed(&out) &&
        sim_rename(names, true, out.data, out.len, &seen, &renamed,
                   &renamed_len)) {
        sp_buf_reset(&out);
        sp_buf_add(&out, renamed, renamed_len);
        free(renamed);
    }
    if (sp_log_enabled(SP_LOG_TRACE))
        sp_log_block(SP_LOG_TRACE, "response", sp_buf_cstr(&out), out.len,
                     1 << 16);
    if (simhttp_tracing(rq->srv)) {
        simhttp_trace(rq->srv, seq, name, "req", rq->body, rq->len);
        simhttp_trace(rq->srv, seq, name, "rsp", sp_buf_cstr(&out), out.len);
    }
    sp_cim_request_free(req);
    static const char *const headers[] = {
        "Content-Type", "application/xml; charset=\"utf-8\"", "CIMOperation",
        "MethodResponse", NULL};
    return simhttp_respond_buf(rq, 200, &out, headers, f && f->drop);
}

static enum MHD_Result handler(void *ctx, struct simhttp_request *rq)
{
    struct sim *s = ctx;
    if (strcmp(rq->method, "GET") == 0 && strcmp(rq->url, "/stats") == 0)
        return stats(s, rq);
    if (strcmp(rq->method, "GET") == 0 && strcmp(rq->url, "/state") == 0)
        return state(s, rq);
    if (strcmp(rq->method, "POST") != 0 && strcmp(rq->method, "M-POST") != 0)
        return simhttp_respond(rq, 405, "text/plain",
                               "CIM-XML: POST to /cimom\n", 24, NULL, NULL);
    if (strcmp(rq->url, "/cimom") != 0 && strcmp(rq->url, "/") != 0)
        return simhttp_respond(rq, 404, "text/plain", "not found\n", 10, NULL,
                               NULL);
    return cim_request(s, rq);
}

int sim_serve(struct sim *s)
{
    struct simhttp_opts ho = {.listen_host = s->o.listen_host,
                              .port = s->o.port,
                              .port_file = s->o.port_file,
                              .tls_cert = s->o.tls_cert,
                              .tls_key = s->o.tls_key,
                              .user = s->o.user,
                              .password = s->o.password,
                              .realm = "smis-sim",
                              .latency_ms = s->o.latency_ms,
                              .close_after = s->o.close_after,
                              .close_unannounced = s->o.close_unannounced,
                              .trace_dir = s->o.trace_dir,
                              .max_request = MAX_REQUEST};
    /* The pages-ahead thread inherits the blocked signals, as the
     * server's threads do. */
    simhttp_block_signals();
    sim_ahead_start(s);
    struct simhttp *srv = simhttp_start(&ho, handler, s);
    sp_log(SP_LOG_INFO, "serving %s (%s personality%s%s) with %zu volumes",
           s->system, s->o.personality == SIM_GROUP ? "group" : "legacy",
           s->o.vendor ? ", as " : "", s->o.vendor ? s->o.vendor->product : "",
           s->nvols);
    simhttp_wait(srv);
    simhttp_stop(srv);
    sim_ahead_stop(s);
    return 0;
}
