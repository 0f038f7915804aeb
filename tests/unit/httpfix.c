/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* tests/unit/httpfix.c: a real HTTP(S) server (libmicrohttpd) in a test thread,
 * with scripted replies and faults. */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <unistd.h>

#include "testutil.h"

static pthread_mutex_t fix_lock = PTHREAD_MUTEX_INITIALIZER;

struct upload {
    sp_buf body;
};

struct stream {
    const struct httpfix_reply *r;
    uint64_t sent;
};

static void record_header(struct httpfix *f, struct MHD_Connection *c,
                          const char *name)
{
    const char *v = MHD_lookup_connection_value(c, MHD_HEADER_KIND, name);
    if (!v)
        return;
    size_t n = strlen(f->last_headers);
    snprintf(f->last_headers + n, sizeof(f->last_headers) - n, "%s: %s\n", name,
             v);
}

/* HF_DROP_MIDBODY: half the body, then an error that closes the socket. */
static ssize_t drop_reader(void *cls, uint64_t pos, char *buf, size_t max)
{
    struct stream *s = cls;
    size_t half = s->r->len / 2;
    if (pos >= half)
        return MHD_CONTENT_READER_END_WITH_ERROR;
    size_t n = half - pos < max ? half - pos : max;
    memcpy(buf, s->r->body + pos, n);
    return (ssize_t)n;
}

/* HF_ENDLESS / HF_HUGE_DECLARED: a valid start, then instances forever. */
static ssize_t endless_reader(void *cls, uint64_t pos, char *buf, size_t max)
{
    static const char head[] =
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<CIM CIMVERSION=\"2.0\" "
        "DTDVERSION=\"2.0\"><MESSAGE ID=\"1\" PROTOCOLVERSION=\"1.0\">"
        "<SIMPLERSP><IMETHODRESPONSE NAME=\"EnumerateInstances\">"
        "<IRETURNVALUE>\n";
    static const char item[] =
        "<VALUE.NAMEDINSTANCE><INSTANCENAME CLASSNAME=\"X\"><KEYBINDING "
        "NAME=\"K\"><KEYVALUE VALUETYPE=\"string\" TYPE=\"string\">k"
        "</KEYVALUE></KEYBINDING></INSTANCENAME><INSTANCE CLASSNAME=\"X\">"
        "<PROPERTY NAME=\"K\" TYPE=\"string\"><VALUE>k</VALUE></PROPERTY>"
        "</INSTANCE></VALUE.NAMEDINSTANCE>\n";
    struct stream *s = cls;
    size_t n = 0;
    while (n < max) {
        uint64_t at = pos + n;
        const char *src;
        size_t avail;
        if (at < sizeof(head) - 1) {
            src = head + at;
            avail = sizeof(head) - 1 - at;
        } else {
            uint64_t off = (at - (sizeof(head) - 1)) % (sizeof(item) - 1);
            src = item + off;
            avail = sizeof(item) - 1 - off;
        }
        size_t take = avail < max - n ? avail : max - n;
        memcpy(buf + n, src, take);
        n += take;
    }
    s->sent += n;
    return (ssize_t)n;
}

static void free_stream(void *cls)
{
    free(cls);
}

/* One connection's state (its MHD socket context). */
struct fixconn {
    int answered;
};

static struct fixconn *fixconn_of(struct MHD_Connection *c)
{
    return MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT)
        ->socket_context;
}

/* close_after: a request on a connection that has answered its share is
 * read, then the connection closed with no answer (MHD_NO does that). */
static bool close_unanswered(struct httpfix *f, struct MHD_Connection *c)
{
    if (!f->close_after || f->close_announced ||
        fixconn_of(c)->answered < f->close_after)
        return false;
    const char *m =
        MHD_lookup_connection_value(c, MHD_HEADER_KIND, "CIMMethod");
    pthread_mutex_lock(&fix_lock);
    f->unanswered++;
    snprintf(f->last_unanswered, sizeof(f->last_unanswered), "%s", m ? m : "");
    pthread_mutex_unlock(&fix_lock);
    return true;
}

static enum MHD_Result handler(void *cls, struct MHD_Connection *c,
                               const char *url, const char *method,
                               const char *version, const char *upload,
                               size_t *upload_size, void **con_cls)
{
    struct httpfix *f = cls;
    struct upload *u = *con_cls;
    if (!u) {
        if (close_unanswered(f, c))
            return MHD_NO;
        u = calloc(1, sizeof(*u));
        sp_buf_init(&u->body, 64u << 20);
        *con_cls = u;
        return MHD_YES;
    }
    if (*upload_size) {
        sp_buf_add(&u->body, upload, *upload_size);
        *upload_size = 0;
        return MHD_YES;
    }

    pthread_mutex_lock(&fix_lock);
    int idx = f->requests < f->nreplies ? f->requests : f->nreplies - 1;
    const struct httpfix_reply *r = idx >= 0 ? &f->replies[idx] : NULL;
    f->requests++;
    free(f->last_body);
    f->last_body = sp_buf_detach(&u->body, &f->last_len);
    if (f->count_text && strstr(f->last_body, f->count_text))
        f->counted++;
    f->last_headers[0] = '\0';
    snprintf(f->last_url, sizeof(f->last_url), "%s %s", method, url);
    static const char *const names[] = {"Content-Type", "CIMProtocolVersion",
                                        "CIMOperation", "CIMMethod",
                                        "CIMObject"};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        record_header(f, c, names[i]);
    f->last_auth_user[0] = '\0';
    if (f->requests <= 4) {
        const char *a =
            MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
        snprintf(f->authorization[f->requests - 1], sizeof(f->authorization[0]),
                 "%s", a ? a : "");
    }
    pthread_mutex_unlock(&fix_lock);

    char *pass = NULL;
    char *user = MHD_basic_auth_get_username_password(c, &pass);
    if (user)
        snprintf(f->last_auth_user, sizeof(f->last_auth_user), "%s", user);
    bool auth_ok = !f->user || (user && pass && strcmp(user, f->user) == 0 &&
                                strcmp(pass, f->password) == 0);
    MHD_free(user);
    MHD_free(pass);
    struct MHD_Response *resp;
    enum MHD_Result ret;
    if (!auth_ok) {
        resp = MHD_create_response_from_buffer(0, (void *)"",
                                               MHD_RESPMEM_PERSISTENT);
        ret = MHD_queue_basic_auth_fail_response(c, "cimom", resp);
        MHD_destroy_response(resp);
        return ret;
    }

    static const struct httpfix_reply empty = {0};
    if (!r)
        r = &empty;
    const char *body = r->body ? r->body : "";
    size_t len = r->len ? r->len : strlen(body);
    /* "@ID@" in a canned reply becomes the request's MESSAGE ID. */
    char *subst = NULL;
    const char *at = r->mode == HF_NORMAL ? strstr(body, "@ID@") : NULL;
    if (at) {
        char id[32] = "0";
        const char *m =
            f->last_body ? strstr(f->last_body, "MESSAGE ID=\"") : NULL;
        if (m)
            sscanf(m + 12, "%31[0-9]", id);
        sp_buf sb = SP_BUF_INIT(1u << 26);
        sp_buf_add(&sb, body, (size_t)(at - body));
        sp_buf_addstr(&sb, id);
        sp_buf_addstr(&sb, at + 4);
        subst = sp_buf_detach(&sb, &len);
        body = subst;
    }
    if (r->mode == HF_SLOW)
        usleep((useconds_t)r->delay_ms * 1000);
    if (r->mode == HF_DROP_MIDBODY || r->mode == HF_ENDLESS ||
        r->mode == HF_HUGE_DECLARED) {
        struct stream *s = calloc(1, sizeof(*s));
        s->r = r;
        uint64_t size = r->mode == HF_DROP_MIDBODY    ? len
                        : r->mode == HF_HUGE_DECLARED ? (uint64_t)2 << 30
                                                      : MHD_SIZE_UNKNOWN;
        resp = MHD_create_response_from_callback(
            size, 16384,
            r->mode == HF_DROP_MIDBODY ? drop_reader : endless_reader, s,
            free_stream);
    } else {
        resp = MHD_create_response_from_buffer(len, (void *)body,
                                               MHD_RESPMEM_MUST_COPY);
    }
    free(subst);
    MHD_add_response_header(resp, "Content-Type",
                            r->content_type ? r->content_type
                                            : "application/xml; "
                                              "charset=\"utf-8\"");
    if (r->header_name)
        MHD_add_response_header(resp, r->header_name, r->header_value);
    struct fixconn *fc = fixconn_of(c);
    fc->answered++;
    if (f->close_after && f->close_announced &&
        fc->answered % f->close_after == 0)
        MHD_add_response_header(resp, "Connection", "close");
    ret = MHD_queue_response(c, r->status ? (unsigned)r->status : 200, resp);
    MHD_destroy_response(resp);
    return ret;
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
                      enum MHD_RequestTerminationCode toe)
{
    struct upload *u = *con_cls;
    if (u) {
        sp_buf_release(&u->body);
        free(u);
        *con_cls = NULL;
    }
}

static void notify_conn(void *cls, struct MHD_Connection *c, void **socket_ctx,
                        enum MHD_ConnectionNotificationCode code)
{
    struct httpfix *f = cls;
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        *socket_ctx = calloc(1, sizeof(struct fixconn));
        pthread_mutex_lock(&fix_lock);
        f->connections++;
        pthread_mutex_unlock(&fix_lock);
    } else if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
        free(*socket_ctx);
        *socket_ctx = NULL;
    }
}

void httpfix_start(struct httpfix *f, const char *cert_pem, const char *key_pem)
{
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD;
    if (cert_pem)
        flags |= MHD_USE_TLS;
    struct sockaddr_in sa = {.sin_family = AF_INET,
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    struct MHD_Daemon *d;
    if (cert_pem)
        d = MHD_start_daemon(flags, 0, NULL, NULL, handler, f,
                             MHD_OPTION_SOCK_ADDR, &sa,
                             MHD_OPTION_NOTIFY_COMPLETED, completed, f,
                             MHD_OPTION_NOTIFY_CONNECTION, notify_conn, f,
                             MHD_OPTION_HTTPS_MEM_CERT, cert_pem,
                             MHD_OPTION_HTTPS_MEM_KEY, key_pem, MHD_OPTION_END);
    else
        d = MHD_start_daemon(
            flags, 0, NULL, NULL, handler, f, MHD_OPTION_SOCK_ADDR, &sa,
            MHD_OPTION_NOTIFY_COMPLETED, completed, f,
            MHD_OPTION_NOTIFY_CONNECTION, notify_conn, f, MHD_OPTION_END);
    if (!d)
        fail_msg("cannot start the HTTP fixture server");
    f->daemon = d;
    const union MHD_DaemonInfo *info =
        MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    f->port = info->port;
    snprintf(f->url, sizeof(f->url), "%s://127.0.0.1:%d",
             cert_pem ? "https" : "http", f->port);
}

void httpfix_stop(struct httpfix *f)
{
    if (f->daemon)
        MHD_stop_daemon(f->daemon);
    f->daemon = NULL;
    free(f->last_body);
    f->last_body = NULL;
}

void httpfix_reply(struct httpfix *f, const struct httpfix_reply *r)
{
    pthread_mutex_lock(&fix_lock);
    if (f->nreplies < 16)
        f->replies[f->nreplies++] = *r;
    pthread_mutex_unlock(&fix_lock);
}
