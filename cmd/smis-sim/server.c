/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd/smis-sim/server.c: the HTTP(S) side of smis-sim: DSP0200 headers, auth,
 * TLS, faults, /stats. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cmd.h"
#include "sim.h"

#define MAX_REQUEST ((size_t)16 << 20)

/* The body of one request, gathered across handler calls. */
struct upload {
    sp_buf body;
    bool too_large;
};

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

/* ---- connections: --close-after ---- */

/* One connection (its MHD socket context). */
struct sim_conn {
    struct sim *s;
    unsigned long answered;
};

static struct sim_conn *conn_of(struct MHD_Connection *c)
{
    return MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT)
        ->socket_context;
}

/* Count the answer @r about to go on @c: with --close-after N, the Nth on
 * a connection says "Connection: close", and MHD closes it once sent. */
static void count_answer(struct MHD_Connection *c, struct MHD_Response *r)
{
    struct sim_conn *sc = conn_of(c);
    unsigned long n = sc->s->o.close_after;
    if (++sc->answered == n && !sc->s->o.close_unannounced)
        MHD_add_response_header(r, MHD_HTTP_HEADER_CONNECTION, "close");
}

/* --close-after N --close-unannounced: a request that comes on a connection
 * after its Nth answer is closed on before it is read further, unanswered
 * and not carried out, as by a provider whose close of a kept-alive
 * connection crosses the client's next request. */
static bool close_unanswered(struct MHD_Connection *c)
{
    struct sim_conn *sc = conn_of(c);
    struct sim *s = sc->s;
    if (!s->o.close_after || sc->answered < s->o.close_after)
        return false;
    pthread_mutex_lock(&s->lock);
    s->unanswered++;
    pthread_mutex_unlock(&s->lock);
    sp_log(SP_LOG_INFO,
           "closed a connection on a request after %lu answers "
           "(--close-after)",
           sc->answered);
    return true;
}

static enum MHD_Result respond(struct MHD_Connection *c, unsigned status,
                               const char *type, const char *body, size_t len,
                               const char *cim_error)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(
        len, (void *)body, MHD_RESPMEM_MUST_COPY);
    if (type)
        MHD_add_response_header(r, "Content-Type", type);
    if (cim_error)
        MHD_add_response_header(r, "CIMError", cim_error);
    count_answer(c, r);
    enum MHD_Result ret = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ret;
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

static const char *cim_header(struct MHD_Connection *c, const char *name)
{
    struct header_find f = {name, NULL};
    MHD_get_connection_values(c, MHD_HEADER_KIND, find_header, &f);
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

/* ---- /stats ---- */

static enum MHD_Result stats(struct sim *s, struct MHD_Connection *c)
{
    sp_buf b = SP_BUF_INIT(1 << 20);
    pthread_mutex_lock(&s->lock);
    sp_buf_addf(&b,
                "{\"requests\":%lu,\"connections\":%lu,"
                "\"unanswered\":%lu,\"volumes\":%zu,"
                "\"views\":%zu,\"groups\":%zu,\"hardware_ids\":%zu,"
                "\"jobs\":%zu,\"open_enumerations\":%zu,\"calls\":{",
                s->requests, s->connections, s->unanswered, s->nvols, s->nviews,
                s->ngroups, s->nhwids, s->njobs, s->nenums);
    for (size_t i = 0; i < s->nstats; i++)
        sp_buf_addf(&b, "%s\"%s\":%lu", i ? "," : "", s->stats[i].name,
                    s->stats[i].n);
    pthread_mutex_unlock(&s->lock);
    sp_buf_addstr(&b, "}}\n");
    enum MHD_Result r =
        respond(c, 200, "application/json", b.data, b.len, NULL);
    sp_buf_release(&b);
    return r;
}

/* ---- /state ---- */

/* The array as its snapshot would hold it now: for tests and scripts that
 * look at the array behind a client's back, while it runs. */
static enum MHD_Result state(struct sim *s, struct MHD_Connection *c)
{
    sp_buf b = SP_BUF_INIT((size_t)1 << 31);
    pthread_mutex_lock(&s->lock);
    sim_state_json(s, &b);
    pthread_mutex_unlock(&s->lock);
    enum MHD_Result r =
        sp_buf_overflowed(&b)
            ? respond(c, 500, "text/plain", "state too large\n", 16, NULL)
            : respond(c, 200, "application/json", b.data, b.len, NULL);
    sp_buf_release(&b);
    return r;
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

struct half {
    char *data;
    size_t len;
};

/* --drop: send half the response, then close the connection. */
static ssize_t half_reader(void *cls, uint64_t pos, char *buf, size_t max)
{
    struct half *h = cls;
    size_t half = h->len / 2;
    if (pos >= half)
        return MHD_CONTENT_READER_END_WITH_ERROR;
    size_t n = half - pos < max ? half - pos : max;
    memcpy(buf, h->data + pos, n);
    return (ssize_t)n;
}

static void half_free(void *cls)
{
    struct half *h = cls;
    free(h->data);
    free(h);
}

/* --trace-dir: NNNNNN-METHOD.req.xml and .rsp.xml for each exchange. */
static void trace(struct sim *s, unsigned long seq, const char *name,
                  const char *kind, const char *data, size_t len)
{
    char *path =
        cmd_xasprintf("%s/%06lu-%s.%s.xml", s->o.trace_dir, seq, name, kind);
    FILE *f = fopen(path, "w");
    if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0)
        sp_log(SP_LOG_WARN, "cannot write trace '%s': %s", path,
               strerror(errno));
    free(path);
}

/* ---- one CIM request ---- */

static enum MHD_Result cim_request(struct sim *s, struct MHD_Connection *c,
                                   struct upload *u)
{
    const char *op = cim_header(c, "CIMOperation");
    if (!op || strcasecmp(op, "MethodCall") != 0)
        return respond(c, 400, NULL, "", 0, "header-mismatch");
    if (u->too_large)
        return respond(c, 413, NULL, "", 0, "request-not-valid");
    sp_cim_request *rq = NULL;
    sp_error err;
    if (sp_cim_request_parse(u->body.data, u->body.len, 0, &rq, &err)) {
        sp_log(SP_LOG_INFO, "refused a request: %s", err.message);
        return respond(
            c, err.code == SP_ERR_NOT_SUPPORTED ? 501 : 400, NULL, "", 0,
            strstr(err.message, "well-formed") ? "request-not-well-formed"
            : err.code == SP_ERR_NOT_SUPPORTED ? "multiple-requests-unsupported"
                                               : "request-not-valid");
    }
    const char *method = cim_header(c, "CIMMethod");
    char hdr[256] = "";
    if (method)
        unescape(method, hdr, sizeof(hdr));
    if (!method || strcasecmp(hdr, sp_cim_request_name(rq)) != 0) {
        sp_cim_request_free(rq);
        return respond(c, 400, NULL, "", 0, "header-mismatch");
    }
    if (s->o.latency_ms)
        usleep((useconds_t)s->o.latency_ms * 1000);

    const char *name = sp_cim_request_name(rq);
    sp_log(SP_LOG_DEBUG, "%s %s in %s",
           sp_cim_request_is_intrinsic(rq) ? "operation" : "method", name,
           sp_cim_request_namespace(rq));
    if (sp_log_enabled(SP_LOG_TRACE))
        sp_log_block(SP_LOG_TRACE, "request", u->body.data, u->body.len,
                     1 << 16);
    sp_buf out = SP_BUF_INIT((size_t)1 << 31);
    pthread_mutex_lock(&s->lock);
    sim_count(s, name);
    const struct sim_fault *f = fault_for(s, name, count_of(s, name));
    if (f && !f->drop && s->o.fail_text) {
        sim_error(rq, &out, f->cim_code, "%s", s->o.fail_text);
    } else if (f && !f->drop) {
        sim_error(rq, &out, f->cim_code,
                  "simulated failure of %s call %lu (--fail)", name, f->nth);
    } else if (sp_cim_request_is_intrinsic(rq)) {
        sim_intrinsic(s, rq, &out);
    } else {
        sim_method(s, rq, &out);
    }
    unsigned long seq = ++s->traced;
    pthread_mutex_unlock(&s->lock);
    if (sp_log_enabled(SP_LOG_TRACE))
        sp_log_block(SP_LOG_TRACE, "response", sp_buf_cstr(&out), out.len,
                     1 << 16);
    if (s->o.trace_dir) {
        trace(s, seq, name, "req", u->body.data, u->body.len);
        trace(s, seq, name, "rsp", sp_buf_cstr(&out), out.len);
    }
    sp_cim_request_free(rq);

    if (sp_buf_overflowed(&out)) {
        sp_buf_release(&out);
        return respond(c, 500, NULL, "", 0, NULL);
    }
    struct MHD_Response *r;
    if (f && f->drop) {
        struct half *h = cmd_xcalloc(1, sizeof(*h));
        h->data = sp_buf_detach(&out, &h->len);
        r = MHD_create_response_from_callback(h->len, 4096, half_reader, h,
                                              half_free);
    } else {
        size_t len;
        char *data = sp_buf_detach(&out, &len);
        r = MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
    }
    MHD_add_response_header(r, "Content-Type",
                            "application/xml; charset=\"utf-8\"");
    MHD_add_response_header(r, "CIMOperation", "MethodResponse");
    count_answer(c, r);
    enum MHD_Result ret = MHD_queue_response(c, 200, r);
    MHD_destroy_response(r);
    return ret;
}

static bool authorized(struct sim *s, struct MHD_Connection *c)
{
    if (!s->o.user)
        return true;
    char *pass = NULL;
    char *user = MHD_basic_auth_get_username_password(c, &pass);
    bool ok = user && pass && strcmp(user, s->o.user) == 0 &&
              strlen(pass) == strlen(s->o.password) &&
              memcmp(pass, s->o.password, strlen(pass)) == 0;
    if (pass)
        explicit_bzero(pass, strlen(pass));
    MHD_free(user);
    MHD_free(pass);
    return ok;
}

static enum MHD_Result handler(void *cls, struct MHD_Connection *c,
                               const char *url, const char *method,
                               const char *version, const char *data,
                               size_t *size, void **con_cls)
{
    struct sim *s = cls;
    struct upload *u = *con_cls;
    if (!u) {
        if (s->o.close_unannounced && close_unanswered(c))
            return MHD_NO; /* MHD closes the connection */
        u = cmd_xcalloc(1, sizeof(*u));
        sp_buf_init(&u->body, MAX_REQUEST);
        *con_cls = u;
        return MHD_YES;
    }
    if (*size) {
        if (!sp_buf_add(&u->body, data, *size))
            u->too_large = true;
        *size = 0;
        return MHD_YES;
    }
    pthread_mutex_lock(&s->lock);
    s->requests++;
    pthread_mutex_unlock(&s->lock);
    if (!authorized(s, c)) {
        struct MHD_Response *r = MHD_create_response_from_buffer(
            0, (void *)"", MHD_RESPMEM_PERSISTENT);
        count_answer(c, r);
        enum MHD_Result ret =
            MHD_queue_basic_auth_fail_response(c, "smis-sim", r);
        MHD_destroy_response(r);
        return ret;
    }
    if (strcmp(method, "GET") == 0 && strcmp(url, "/stats") == 0)
        return stats(s, c);
    if (strcmp(method, "GET") == 0 && strcmp(url, "/state") == 0)
        return state(s, c);
    if (strcmp(method, "POST") != 0 && strcmp(method, "M-POST") != 0)
        return respond(c, 405, "text/plain", "CIM-XML: POST to /cimom\n", 24,
                       NULL);
    if (strcmp(url, "/cimom") != 0 && strcmp(url, "/") != 0)
        return respond(c, 404, "text/plain", "not found\n", 10, NULL);
    return cim_request(s, c, u);
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
                      enum MHD_RequestTerminationCode toe)
{
    struct upload *u = *con_cls;
    if (!u)
        return;
    sp_buf_release(&u->body);
    free(u);
    *con_cls = NULL;
}

static void connection(void *cls, struct MHD_Connection *c, void **socket_ctx,
                       enum MHD_ConnectionNotificationCode code)
{
    struct sim *s = cls;
    if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
        free(*socket_ctx);
        *socket_ctx = NULL;
        return;
    }
    struct sim_conn *sc = cmd_xcalloc(1, sizeof(*sc));
    sc->s = s;
    *socket_ctx = sc;
    pthread_mutex_lock(&s->lock);
    s->connections++;
    pthread_mutex_unlock(&s->lock);
}

static char *read_pem(const char *path)
{
    sp_buf b = SP_BUF_INIT(1 << 20);
    FILE *f = fopen(path, "r");
    if (!f)
        cmd_die(SP_EXIT_FAILED, "cannot read '%s': %s", path, strerror(errno));
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        sp_buf_add(&b, chunk, n);
    fclose(f);
    return sp_buf_detach(&b, NULL);
}

static void write_port_file(const char *path, int port)
{
    char *tmp = cmd_xasprintf("%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (!f || fprintf(f, "%d\n", port) < 0 || fclose(f) != 0 ||
        rename(tmp, path) != 0)
        cmd_die(SP_EXIT_FAILED, "cannot write the port file '%s': %s", path,
                strerror(errno));
    free(tmp);
}

int sim_serve(struct sim *s)
{
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM,
                             .ai_flags = AI_NUMERICSERV | AI_PASSIVE};
    struct addrinfo *ai = NULL;
    char port[16];
    snprintf(port, sizeof(port), "%d", s->o.port);
    int gai = getaddrinfo(s->o.listen_host, port, &hints, &ai);
    if (gai != 0)
        cmd_die(SP_EXIT_USAGE, "cannot listen on '%s': %s", s->o.listen_host,
                gai_strerror(gai));

    /* Signals are taken by sigwait() below; the server's threads inherit
     * the mask. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);

    unsigned flags =
        MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD;
    if (ai->ai_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    char *cert = NULL, *key = NULL;
    if (s->o.tls_cert) {
        flags |= MHD_USE_TLS;
        cert = read_pem(s->o.tls_cert);
        key = read_pem(s->o.tls_key);
    }
    struct MHD_OptionItem tls[] = {
        {cert ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, 0, cert},
        {MHD_OPTION_HTTPS_MEM_KEY, 0, key},
        {MHD_OPTION_END, 0, NULL},
    };
    sim_ahead_start(s);
    struct MHD_Daemon *d = MHD_start_daemon(
        flags, 0, NULL, NULL, handler, s, MHD_OPTION_SOCK_ADDR, ai->ai_addr,
        MHD_OPTION_NOTIFY_COMPLETED, completed, s, MHD_OPTION_NOTIFY_CONNECTION,
        connection, s, MHD_OPTION_CONNECTION_TIMEOUT, 300u, MHD_OPTION_ARRAY,
        tls, MHD_OPTION_END);
    freeaddrinfo(ai);
    if (!d)
        cmd_die(SP_EXIT_CONNECT,
                "cannot listen on %s:%d (address in use, or "
                "a bad TLS certificate or key)",
                s->o.listen_host, s->o.port);
    int bound = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT)->port;
    if (s->o.port_file)
        write_port_file(s->o.port_file, bound);
    bool v6 = strchr(s->o.listen_host, ':') != NULL;
    printf("%s://%s%s%s:%d\n", cert ? "https" : "http", v6 ? "[" : "",
           s->o.listen_host, v6 ? "]" : "", bound);
    fflush(stdout);
    sp_log(SP_LOG_INFO, "serving %s (%s personality) with %zu volumes",
           s->system, s->o.personality == SIM_GROUP ? "group" : "legacy",
           s->nvols);

    int sig = 0;
    sigwait(&set, &sig);
    sp_log(SP_LOG_INFO, "stopping on signal %d", sig);
    MHD_stop_daemon(d);
    sim_ahead_stop(s);
    free(cert);
    free(key);
    return 0;
}
