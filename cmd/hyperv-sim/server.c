/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd/hyperv-sim/server.c: hyperv-sim's WS-Management over HTTP (POST
 * /wsman), faults, /stats and /state, on the simulators' server. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>
#include <libxml/parser.h>

#include "common/cmd.h"
#include "hv.h"
#include "simhttp/simhttp.h"

static const char *op_name(const struct hv_request *rq)
{
    switch (rq->op) {
    case HV_OP_GET:
        return "Get";
    case HV_OP_PUT:
        return "Put";
    case HV_OP_CREATE:
        return "Create";
    case HV_OP_DELETE:
        return "Delete";
    case HV_OP_ENUMERATE:
        return "Enumerate";
    case HV_OP_PULL:
        return "Pull";
    case HV_OP_RELEASE:
        return "Release";
    case HV_OP_INVOKE:
        /* The client's text: named in /stats and trace files only when
         * it is a name. */
        for (const char *c = rq->method; *c; c++)
            if (!isalnum((unsigned char)*c) && *c != '_')
                return "Invalid";
        return rq->method;
    }
    return "?";
}

static const struct hv_fault *fault_for(const struct hv *h, const char *name,
                                        unsigned long n)
{
    for (size_t i = 0; i < h->o.nfaults; i++)
        if (strcasecmp(h->o.faults[i].name, name) == 0 &&
            h->o.faults[i].nth == n)
            return &h->o.faults[i];
    return NULL;
}

static enum MHD_Result stats(struct hv *h, struct simhttp_request *rq)
{
    struct simhttp_counts n;
    simhttp_counts(rq->srv, &n);
    sp_buf b = SP_BUF_INIT(1 << 20);
    pthread_mutex_lock(&h->lock);
    sp_buf_addf(&b,
                "{\"requests\":%lu,\"connections\":%lu,\"unanswered\":%lu,"
                "\"vms\":%zu,\"disks\":%zu,\"sessions\":%zu,\"jobs\":%zu,"
                "\"open_enumerations\":%zu,\"calls\":{",
                n.requests, n.connections, n.unanswered, h->nvms, h->ndisks,
                h->nsessions, h->njobs, h->nenums);
    for (size_t i = 0; i < h->nstats; i++)
        sp_buf_addf(&b, "%s\"%s\":%lu", i ? "," : "", h->stats[i].name,
                    h->stats[i].n);
    pthread_mutex_unlock(&h->lock);
    sp_buf_addstr(&b, "}}\n");
    static const char *const json[] = {"Content-Type", "application/json",
                                       NULL};
    return simhttp_respond_buf(rq, 200, &b, json, false);
}

static enum MHD_Result state(struct hv *h, struct simhttp_request *rq)
{
    sp_buf b = SP_BUF_INIT((size_t)1 << 30);
    pthread_mutex_lock(&h->lock);
    hv_state_json(h, &b);
    pthread_mutex_unlock(&h->lock);
    static const char *const json[] = {"Content-Type", "application/json",
                                       NULL};
    return simhttp_respond_buf(rq, 200, &b, json, false);
}

/* Answer one decoded request under the lock, into @out. */
static unsigned answer(struct hv *h, const struct hv_request *req, sp_buf *out,
                       const struct hv_fault **fault)
{
    const char *name = op_name(req);
    hv_count(h, name);
    const struct hv_fault *f = fault_for(h, name, hv_count_of(h, name));
    *fault = f;
    if (f && !f->drop) {
        char msg[256];
        snprintf(msg, sizeof(msg), "simulated failure of %s call %lu (--fail)",
                 name, f->nth);
        /* A method may fail as Hyper-V's do: with a ReturnValue. */
        if (req->op == HV_OP_INVOKE && f->code >= 4096)
            return hv_method_response(req, out, f->code, NULL);
        return hv_fault(out, req->message_id, "s:Receiver",
                        "wsman:InternalError", NULL, f->code ? f->code : 1,
                        msg);
    }
    unsigned st = hv_wsman(h, req, out);
    if (req->op == HV_OP_INVOKE) {
        sp_error err;
        if (hv_state_save(h, &err)) {
            sp_log(SP_LOG_ERROR, "cannot save the state: %s", err.message);
            sp_buf_reset(out);
            st = hv_fault(out, req->message_id, "s:Receiver",
                          "wsman:InternalError", NULL, 1,
                          "the host's state could not be saved");
        }
    }
    return st;
}

static enum MHD_Result wsman(struct hv *h, struct simhttp_request *rq)
{
    if (rq->too_large)
        return simhttp_respond(rq, 413, "text/plain",
                               "the envelope is too large\n", 26, NULL, NULL);
    const char *type = simhttp_header(rq, "Content-Type");
    if (!type || strncasecmp(type, "application/soap+xml", 20) != 0)
        return simhttp_respond(rq, 415, "text/plain",
                               "WS-Management: application/soap+xml\n", 36,
                               NULL, NULL);
    struct hv_request req;
    const char *subcode = NULL;
    char why[256];
    sp_buf out = SP_BUF_INIT((size_t)1 << 31);
    unsigned st;
    const struct hv_fault *f = NULL;
    const char *name = "Invalid";
    if (!hv_request_parse(rq->body, rq->len, &req, &subcode, why,
                          sizeof(why))) {
        sp_log(SP_LOG_INFO, "refused a request: %s", why);
        st = hv_fault(&out, req.message_id,
                      strncmp(subcode, "s:", 2) == 0 ? subcode : "s:Sender",
                      strncmp(subcode, "s:", 2) == 0
                          ? "wsman:SchemaValidationError"
                          : subcode,
                      NULL, 0, why);
    } else {
        simhttp_delay(rq->srv);
        if (sp_log_enabled(SP_LOG_TRACE))
            sp_log_block(SP_LOG_TRACE, "request", rq->body, rq->len, 1 << 16);
        pthread_mutex_lock(&h->lock);
        st = answer(h, &req, &out, &f);
        pthread_mutex_unlock(&h->lock);
        name = op_name(&req);
        sp_log(SP_LOG_DEBUG, "%s %s: %u", name,
               req.target.uri ? req.target.uri : "", st);
    }
    if (sp_log_enabled(SP_LOG_TRACE))
        sp_log_block(SP_LOG_TRACE, "response", sp_buf_cstr(&out), out.len,
                     1 << 16);
    if (simhttp_tracing(rq->srv)) {
        unsigned long seq = simhttp_trace_seq(rq->srv);
        simhttp_trace(rq->srv, seq, name, "req", rq->body, rq->len);
        simhttp_trace(rq->srv, seq, name, "rsp", sp_buf_cstr(&out), out.len);
    }
    hv_request_release(&req);
    static const char *const headers[] = {
        "Content-Type", "application/soap+xml;charset=UTF-8", NULL};
    return simhttp_respond_buf(rq, st, &out, headers, f && f->drop);
}

static enum MHD_Result handler(void *ctx, struct simhttp_request *rq)
{
    struct hv *h = ctx;
    if (strcmp(rq->method, "GET") == 0 && strcmp(rq->url, "/stats") == 0)
        return stats(h, rq);
    if (strcmp(rq->method, "GET") == 0 && strcmp(rq->url, "/state") == 0)
        return state(h, rq);
    if (strcmp(rq->url, "/wsman") != 0)
        return simhttp_respond(rq, 404, "text/plain", "not found\n", 10, NULL,
                               NULL);
    if (strcmp(rq->method, "POST") != 0)
        return simhttp_respond(rq, 405, "text/plain",
                               "WS-Management: POST to /wsman\n", 30, NULL,
                               NULL);
    return wsman(h, rq);
}

int hv_serve(struct hv *h)
{
    /* Once, before the connections' threads parse at the same time. */
    xmlInitParser();
    curl_global_init(CURL_GLOBAL_DEFAULT);
    struct simhttp_opts ho = {.listen_host = h->o.listen_host,
                              .port = h->o.port,
                              .port_file = h->o.port_file,
                              .tls_cert = h->o.tls_cert,
                              .tls_key = h->o.tls_key,
                              .user = h->o.user,
                              .password = h->o.password,
                              .realm = "WSMAN",
                              .latency_ms = h->o.latency_ms,
                              .close_after = h->o.close_after,
                              .close_unannounced = h->o.close_unannounced,
                              .trace_dir = h->o.trace_dir,
                              .max_request = HV_MAX_ENVELOPE + 1};
    struct simhttp *srv = simhttp_start(&ho, handler, h);
    sp_log(SP_LOG_INFO, "serving host %s (%s, build %s) with %zu VMs",
           h->hostname, h->os_caption, h->os_build, h->nvms);
    simhttp_wait(srv);
    simhttp_stop(srv);
    curl_global_cleanup();
    return 0;
}
