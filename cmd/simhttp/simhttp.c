/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd/simhttp/simhttp.c: the simulators' HTTP(S) server over libmicrohttpd
 * (see simhttp.h). */
#include <errno.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/cmd.h"
#include "simhttp/simhttp.h"

struct simhttp {
    struct simhttp_opts o;
    simhttp_handler handler;
    void *ctx;
    struct MHD_Daemon *d;
    char *cert, *key;
    pthread_mutex_t lock; /* guards the counters */
    struct simhttp_counts counts;
    unsigned long traced;
};

/* The body of one request, gathered across handler calls. */
struct upload {
    sp_buf body;
    bool too_large;
};

/* One connection (its MHD socket context). */
struct conn {
    struct simhttp *srv;
    unsigned long answered;
};

static struct conn *conn_of(struct MHD_Connection *c)
{
    return MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT)
        ->socket_context;
}

/* Count the answer @r about to go on @c: with --close-after N, the Nth on
 * a connection says "Connection: close", and MHD closes it once sent. */
static void count_answer(struct MHD_Connection *c, struct MHD_Response *r)
{
    struct conn *sc = conn_of(c);
    unsigned long n = sc->srv->o.close_after;
    if (++sc->answered == n && !sc->srv->o.close_unannounced)
        MHD_add_response_header(r, MHD_HTTP_HEADER_CONNECTION, "close");
}

/* --close-after N --close-unannounced: a request that comes on a connection
 * after its Nth answer is closed on before it is read further, unanswered
 * and not carried out, as by a server whose close of a kept-alive
 * connection crosses the client's next request. */
static bool close_unanswered(struct MHD_Connection *c)
{
    struct conn *sc = conn_of(c);
    struct simhttp *srv = sc->srv;
    if (!srv->o.close_after || sc->answered < srv->o.close_after)
        return false;
    pthread_mutex_lock(&srv->lock);
    srv->counts.unanswered++;
    pthread_mutex_unlock(&srv->lock);
    sp_log(SP_LOG_INFO,
           "closed a connection on a request after %lu answers "
           "(--close-after)",
           sc->answered);
    return true;
}

static enum MHD_Result queue(struct simhttp_request *rq, unsigned status,
                             struct MHD_Response *r)
{
    count_answer(rq->conn, r);
    enum MHD_Result ret = MHD_queue_response(rq->conn, status, r);
    MHD_destroy_response(r);
    return ret;
}

enum MHD_Result simhttp_respond(struct simhttp_request *rq, unsigned status,
                                const char *type, const char *body, size_t len,
                                const char *hname, const char *hvalue)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(
        len, (void *)body, MHD_RESPMEM_MUST_COPY);
    if (type)
        MHD_add_response_header(r, "Content-Type", type);
    if (hname)
        MHD_add_response_header(r, hname, hvalue);
    return queue(rq, status, r);
}

struct half {
    char *data;
    size_t len;
};

/* A dropped response: half of it, then the connection closed. */
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

enum MHD_Result simhttp_respond_buf(struct simhttp_request *rq, unsigned status,
                                    sp_buf *out, const char *const *headers,
                                    bool drop)
{
    if (sp_buf_overflowed(out)) {
        sp_buf_release(out);
        return simhttp_respond(rq, 500, NULL, "", 0, NULL, NULL);
    }
    struct MHD_Response *r;
    if (drop) {
        struct half *h = cmd_xcalloc(1, sizeof(*h));
        h->data = sp_buf_detach(out, &h->len);
        r = MHD_create_response_from_callback(h->len, 4096, half_reader, h,
                                              half_free);
    } else {
        size_t len;
        char *data = sp_buf_detach(out, &len);
        r = MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
    }
    for (size_t i = 0; headers && headers[i]; i += 2)
        MHD_add_response_header(r, headers[i], headers[i + 1]);
    return queue(rq, status, r);
}

const char *simhttp_header(const struct simhttp_request *rq, const char *name)
{
    return MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND, name);
}

void simhttp_counts(struct simhttp *srv, struct simhttp_counts *out)
{
    pthread_mutex_lock(&srv->lock);
    *out = srv->counts;
    pthread_mutex_unlock(&srv->lock);
}

void simhttp_delay(const struct simhttp *srv)
{
    if (srv->o.latency_ms)
        usleep((useconds_t)srv->o.latency_ms * 1000);
}

bool simhttp_tracing(const struct simhttp *srv)
{
    return srv->o.trace_dir != NULL;
}

unsigned long simhttp_trace_seq(struct simhttp *srv)
{
    pthread_mutex_lock(&srv->lock);
    unsigned long seq = ++srv->traced;
    pthread_mutex_unlock(&srv->lock);
    return seq;
}

void simhttp_trace(const struct simhttp *srv, unsigned long seq,
                   const char *name, const char *kind, const char *data,
                   size_t len)
{
    if (!srv->o.trace_dir)
        return;
    char *path =
        cmd_xasprintf("%s/%06lu-%s.%s.xml", srv->o.trace_dir, seq, name, kind);
    FILE *f = fopen(path, "w");
    bool ok = f && fwrite(data, 1, len, f) == len;
    if (f && fclose(f) != 0)
        ok = false;
    if (!ok)
        sp_log(SP_LOG_WARN, "cannot write trace '%s': %s", path,
               strerror(errno));
    free(path);
}

static bool authorized(const struct simhttp *srv, struct MHD_Connection *c)
{
    if (!srv->o.user)
        return true;
    char *pass = NULL;
    char *user = MHD_basic_auth_get_username_password(c, &pass);
    size_t want = strlen(srv->o.password);
    bool ok = user && pass && strcmp(user, srv->o.user) == 0 &&
              strlen(pass) == want && memcmp(pass, srv->o.password, want) == 0;
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
    struct simhttp *srv = cls;
    struct upload *u = *con_cls;
    if (!u) {
        if (srv->o.close_unannounced && close_unanswered(c))
            return MHD_NO; /* MHD closes the connection */
        u = cmd_xcalloc(1, sizeof(*u));
        sp_buf_init(&u->body, srv->o.max_request);
        *con_cls = u;
        return MHD_YES;
    }
    if (*size) {
        if (!sp_buf_add(&u->body, data, *size))
            u->too_large = true;
        *size = 0;
        return MHD_YES;
    }
    pthread_mutex_lock(&srv->lock);
    srv->counts.requests++;
    pthread_mutex_unlock(&srv->lock);
    struct simhttp_request rq = {.srv = srv,
                                 .conn = c,
                                 .url = url,
                                 .method = method,
                                 .body = u->too_large ? NULL
                                                      : sp_buf_cstr(&u->body),
                                 .len = u->too_large ? 0 : u->body.len,
                                 .too_large = u->too_large};
    if (!authorized(srv, c)) {
        struct MHD_Response *r = MHD_create_response_from_buffer(
            0, (void *)"", MHD_RESPMEM_PERSISTENT);
        count_answer(c, r);
        enum MHD_Result ret =
            MHD_queue_basic_auth_fail_response(c, srv->o.realm, r);
        MHD_destroy_response(r);
        return ret;
    }
    return srv->handler(srv->ctx, &rq);
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
    struct simhttp *srv = cls;
    if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
        free(*socket_ctx);
        *socket_ctx = NULL;
        return;
    }
    struct conn *sc = cmd_xcalloc(1, sizeof(*sc));
    sc->srv = srv;
    *socket_ctx = sc;
    pthread_mutex_lock(&srv->lock);
    srv->counts.connections++;
    pthread_mutex_unlock(&srv->lock);
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

static void signal_set(sigset_t *set)
{
    sigemptyset(set);
    sigaddset(set, SIGINT);
    sigaddset(set, SIGTERM);
}

void simhttp_block_signals(void)
{
    sigset_t set;
    signal_set(&set);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);
}

struct simhttp *simhttp_start(const struct simhttp_opts *o, simhttp_handler h,
                              void *ctx)
{
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM,
                             .ai_flags = AI_NUMERICSERV | AI_PASSIVE};
    struct addrinfo *ai = NULL;
    char port[16];
    snprintf(port, sizeof(port), "%d", o->port);
    int gai = getaddrinfo(o->listen_host, port, &hints, &ai);
    if (gai != 0)
        cmd_die(SP_EXIT_USAGE, "cannot listen on '%s': %s", o->listen_host,
                gai_strerror(gai));
    /* The server's threads inherit the mask: signals go to sigwait(). */
    simhttp_block_signals();

    struct simhttp *srv = cmd_xcalloc(1, sizeof(*srv));
    srv->o = *o;
    srv->handler = h;
    srv->ctx = ctx;
    pthread_mutex_init(&srv->lock, NULL);
    unsigned flags =
        MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD;
    if (ai->ai_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    if (o->tls_cert) {
        flags |= MHD_USE_TLS;
        srv->cert = read_pem(o->tls_cert);
        srv->key = read_pem(o->tls_key);
    }
    struct MHD_OptionItem tls[] = {
        {srv->cert ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, 0, srv->cert},
        {MHD_OPTION_HTTPS_MEM_KEY, 0, srv->key},
        {MHD_OPTION_END, 0, NULL},
    };
    srv->d = MHD_start_daemon(flags, 0, NULL, NULL, handler, srv,
                              MHD_OPTION_SOCK_ADDR, ai->ai_addr,
                              MHD_OPTION_NOTIFY_COMPLETED, completed, srv,
                              MHD_OPTION_NOTIFY_CONNECTION, connection, srv,
                              MHD_OPTION_CONNECTION_TIMEOUT, 300u,
                              MHD_OPTION_ARRAY, tls, MHD_OPTION_END);
    freeaddrinfo(ai);
    if (!srv->d)
        cmd_die(SP_EXIT_CONNECT,
                "cannot listen on %s:%d (address in use, or "
                "a bad TLS certificate or key)",
                o->listen_host, o->port);
    int bound = MHD_get_daemon_info(srv->d, MHD_DAEMON_INFO_BIND_PORT)->port;
    if (o->port_file)
        write_port_file(o->port_file, bound);
    bool v6 = strchr(o->listen_host, ':') != NULL;
    printf("%s://%s%s%s:%d\n", srv->cert ? "https" : "http", v6 ? "[" : "",
           o->listen_host, v6 ? "]" : "", bound);
    fflush(stdout);
    return srv;
}

bool simhttp_parse_listen(char *arg, const char **host, int *port)
{
    char *colon = strrchr(arg, ':');
    char *end = NULL;
    long n = colon ? strtol(colon + 1, &end, 10) : -1;
    if (!colon || *end || n < 0 || n > 65535)
        return false;
    *colon = '\0';
    if (arg[0] == '[' && colon[-1] == ']') {
        colon[-1] = '\0';
        arg++;
    }
    *host = arg;
    *port = (int)n;
    return true;
}

void simhttp_wait(struct simhttp *srv)
{
    sigset_t set;
    signal_set(&set);
    int sig = 0;
    sigwait(&set, &sig);
    sp_log(SP_LOG_INFO, "stopping on signal %d", sig);
}

void simhttp_stop(struct simhttp *srv)
{
    if (!srv)
        return;
    MHD_stop_daemon(srv->d);
    pthread_mutex_destroy(&srv->lock);
    free(srv->cert);
    free(srv->key);
    free(srv);
}
