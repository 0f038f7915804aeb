/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* tests/tools/quirkproxy.c: an HTTP proxy between a CIM client and smis-sim
 * that rewrites the answers the way real SMI-S providers differ. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

/*
 * Every answer stays valid against the DMTF DTD: only what CIM allows a
 * provider to choose is changed.  Quirks (--quirks, comma-separated):
 *
 *   hex         DeviceNumber written as 8 lower-case hex digits ("00000011"),
 *               not smis-sim's 4 upper-case ones
 *   case        class names of instance names and instances in lower case,
 *               key names in upper case
 *   host        another HOST in every NAMESPACEPATH, namespace names in
 *               upper case
 *   order       the keys of every instance name in reverse order
 *   devid       every DeviceID (keys and properties) given a prefix holding
 *               '/', '%', spaces, quotes and a non-ASCII letter; taken off
 *               again in requests, so smis-sim sees its own
 *   nojobstate  JobState left out of every job instance (HP 3PAR's
 *               PropertyList bug)
 *   close=N     the N-th answer on a connection says "Connection: close",
 *               and the connection is closed after it, as servers with a
 *               maximum of requests per connection do
 *   drop=N      after the N-th answer on a connection, it is closed without
 *               warning: the client finds out on its next request (a
 *               request sent in that moment is lost, as with any server
 *               that closes idle connections)
 */

#define DEVID_PREFIX "IBM.2107-75AB/0%41 \"q\" 'x' \xc3\xa9/"
#define HEAD_MAX     (64u << 10)
#define BODY_MAX     (256u << 20)

static struct {
    bool hex, kcase, host, order, devid, nojobstate;
    unsigned close_after, drop_after;
    struct sockaddr_in upstream;
} q;

static void die(const char *what)
{
    fprintf(stderr, "quirkproxy: %s: %s\n", what, strerror(errno));
    exit(1);
}

/* ---- the XML ---- */

static bool is(const xmlNode *n, const char *name)
{
    return n->type == XML_ELEMENT_NODE &&
           strcmp((const char *)n->name, name) == 0;
}

static char *attr(const xmlNode *n, const char *name)
{
    return (char *)xmlGetProp(n, (const xmlChar *)name);
}

static void set_attr(xmlNode *n, const char *name, const char *value)
{
    xmlSetProp(n, (const xmlChar *)name, (const xmlChar *)value);
}

static void map_attr(xmlNode *n, const char *name, int (*fn)(int))
{
    char *v = attr(n, name);
    if (!v)
        return;
    for (char *p = v; *p; p++)
        *p = (char)fn((unsigned char)*p);
    set_attr(n, name, v);
    xmlFree(v);
}

/* The text of @n with the DeviceID prefix added (@add), or taken off. */
static void retext(xmlNode *n, bool add)
{
    xmlChar *t = xmlNodeGetContent(n);
    const char *s = t ? (const char *)t : "";
    size_t pl = strlen(DEVID_PREFIX);
    if (add && strncmp(s, DEVID_PREFIX, pl) != 0) {
        size_t len = pl + strlen(s) + 1;
        char *w = malloc(len);
        snprintf(w, len, "%s%s", DEVID_PREFIX, s);
        xmlNodeSetContent(n, NULL);
        xmlNodeAddContent(n, (const xmlChar *)w);
        free(w);
    } else if (!add && strncmp(s, DEVID_PREFIX, pl) == 0) {
        char *w = strdup(s + pl);
        xmlNodeSetContent(n, NULL);
        xmlNodeAddContent(n, (const xmlChar *)w);
        free(w);
    }
    xmlFree(t);
}

static bool named(const xmlNode *n, const char *name)
{
    char *v = attr(n, "NAME");
    bool eq = v && strcasecmp(v, name) == 0;
    xmlFree(v);
    return eq;
}

/* The children elements of @n in reverse order. */
static void reverse_children(xmlNode *n)
{
    xmlNode *kids[256];
    size_t k = 0;
    for (xmlNode *c = n->children; c && k < 256; c = c->next)
        if (c->type == XML_ELEMENT_NODE)
            kids[k++] = c;
    for (size_t i = 0; i < k; i++)
        xmlUnlinkNode(kids[i]);
    while (k)
        xmlAddChild(n, kids[--k]);
}

static void rewrite_answer(xmlNode *n)
{
    for (; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        if (q.kcase && (is(n, "INSTANCENAME") || is(n, "INSTANCE")))
            map_attr(n, "CLASSNAME", tolower);
        if (q.kcase && is(n, "KEYBINDING"))
            map_attr(n, "NAME", toupper);
        if (q.host && is(n, "HOST")) {
            xmlNodeSetContent(n, NULL);
            xmlNodeAddContent(n, (const xmlChar *)"SMIS-Provider.Example.COM");
        }
        if (q.host && is(n, "NAMESPACE"))
            map_attr(n, "NAME", toupper);
        if (q.devid && is(n, "KEYBINDING") && named(n, "DeviceID"))
            for (xmlNode *c = n->children; c; c = c->next)
                if (is(c, "KEYVALUE"))
                    retext(c, true);
        if (q.devid && is(n, "PROPERTY") && named(n, "DeviceID"))
            for (xmlNode *c = n->children; c; c = c->next)
                if (is(c, "VALUE"))
                    retext(c, true);
        if (q.hex && is(n, "PROPERTY") && named(n, "DeviceNumber"))
            for (xmlNode *c = n->children; c; c = c->next)
                if (is(c, "VALUE")) {
                    xmlChar *t = xmlNodeGetContent(c);
                    char *end;
                    unsigned long v = strtoul((const char *)t, &end, 16);
                    char hex[32];
                    snprintf(hex, sizeof(hex), "%08lx", v);
                    xmlNodeSetContent(c, NULL);
                    xmlNodeAddContent(c, (const xmlChar *)hex);
                    xmlFree(t);
                }
        if (q.nojobstate && is(n, "INSTANCE")) {
            char *cls = attr(n, "CLASSNAME");
            if (cls && strcasestr(cls, "ConcreteJob"))
                for (xmlNode *c = n->children, *next; c; c = next) {
                    next = c->next;
                    if (is(c, "PROPERTY") && named(c, "JobState")) {
                        xmlUnlinkNode(c);
                        xmlFreeNode(c);
                    }
                }
            xmlFree(cls);
        }
        rewrite_answer(n->children);
        if (q.order && is(n, "INSTANCENAME"))
            reverse_children(n);
    }
}

static void rewrite_request(xmlNode *n)
{
    for (; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        if (is(n, "KEYVALUE") || is(n, "VALUE"))
            retext(n, false);
        rewrite_request(n->children);
    }
}

/* @body rewritten, as a new buffer in *@out (NULL: leave it as it is). */
static void rewrite(const char *body, size_t len, bool answer, char **out,
                    size_t *outlen)
{
    *out = NULL;
    if (!len ||
        (answer &&
         !(q.hex || q.kcase || q.host || q.order || q.devid || q.nojobstate)) ||
        (!answer && !q.devid))
        return;
    xmlDoc *doc = xmlReadMemory(body, (int)len, NULL, NULL,
                                XML_PARSE_NONET | XML_PARSE_HUGE);
    if (!doc)
        return;
    if (answer)
        rewrite_answer(xmlDocGetRootElement(doc));
    else
        rewrite_request(xmlDocGetRootElement(doc));
    xmlChar *mem = NULL;
    int n = 0;
    xmlDocDumpMemoryEnc(doc, &mem, &n, "utf-8");
    xmlFreeDoc(doc);
    if (mem && n > 0) {
        *out = malloc((size_t)n);
        memcpy(*out, mem, (size_t)n);
        *outlen = (size_t)n;
    }
    xmlFree(mem);
}

/* ---- HTTP ---- */

struct msg {
    char *head; /* start line and headers, NUL-terminated, CRLFs kept */
    size_t headlen;
    char *body;
    size_t bodylen;
};

static void msg_free(struct msg *m)
{
    free(m->head);
    free(m->body);
    memset(m, 0, sizeof(*m));
}

struct conn {
    int fd;
    char buf[HEAD_MAX];
    size_t have; /* bytes read ahead in buf */
};

static ssize_t fill(struct conn *c)
{
    if (c->have == sizeof(c->buf))
        return -1;
    ssize_t r;
    do
        r = read(c->fd, c->buf + c->have, sizeof(c->buf) - c->have);
    while (r < 0 && errno == EINTR);
    if (r > 0)
        c->have += (size_t)r;
    return r;
}

static void take(struct conn *c, char *to, size_t n)
{
    memcpy(to, c->buf, n);
    memmove(c->buf, c->buf + n, c->have - n);
    c->have -= n;
}

/* Read @n bytes into @to. */
static bool read_exact(struct conn *c, char *to, size_t n)
{
    while (n) {
        if (!c->have && fill(c) <= 0)
            return false;
        size_t k = c->have < n ? c->have : n;
        take(c, to, k);
        to += k;
        n -= k;
    }
    return true;
}

/* One line (CRLF stripped) into @line. */
static bool read_line(struct conn *c, char *line, size_t size)
{
    for (;;) {
        char *nl = memchr(c->buf, '\n', c->have);
        if (nl) {
            size_t n = (size_t)(nl - c->buf) + 1;
            if (n >= size)
                return false;
            take(c, line, n);
            line[n] = '\0';
            while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
                line[--n] = '\0';
            return true;
        }
        if (fill(c) <= 0)
            return false;
    }
}

static const char *header(const char *head, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = strchr(head, '\n'); p; p = strchr(p, '\n')) {
        p++;
        if (strncasecmp(p, name, n) == 0 && p[n] == ':') {
            p += n + 1;
            while (*p == ' ' || *p == '\t')
                p++;
            return p;
        }
    }
    return NULL;
}

/* A message's head and body; @answer: to the end when it has no length. */
static bool read_msg(struct conn *c, struct msg *m, bool answer,
                     bool (*on_expect)(struct conn *, void *), void *ud)
{
    memset(m, 0, sizeof(*m));
    size_t cap = 4096;
    m->head = malloc(cap);
    m->head[0] = '\0';
    char line[8192];
    for (;;) {
        if (!read_line(c, line, sizeof(line)))
            return false;
        if (!*line && m->headlen)
            break;
        if (!*line)
            continue; /* stray CRLF before a request */
        size_t n = strlen(line);
        if (m->headlen + n + 3 > cap)
            m->head = realloc(m->head, cap = (m->headlen + n + 3) * 2);
        memcpy(m->head + m->headlen, line, n);
        memcpy(m->head + m->headlen + n, "\r\n", 3);
        m->headlen += n + 2;
        if (m->headlen > HEAD_MAX)
            return false;
    }
    const char *te = header(m->head, "Transfer-Encoding");
    const char *cl = header(m->head, "Content-Length");
    const char *ex = header(m->head, "Expect");
    if (ex && strncasecmp(ex, "100-continue", 12) == 0 && on_expect &&
        !on_expect(c, ud))
        return false;
    if (te && strncasecmp(te, "chunked", 7) == 0) {
        size_t bcap = 0;
        for (;;) {
            if (!read_line(c, line, sizeof(line)))
                return false;
            unsigned long k = strtoul(line, NULL, 16);
            if (k == 0) {
                while (read_line(c, line, sizeof(line)) && *line)
                    ;
                return true;
            }
            if (m->bodylen + k > BODY_MAX)
                return false;
            if (m->bodylen + k > bcap)
                m->body = realloc(m->body, bcap = (m->bodylen + k) * 2);
            if (!read_exact(c, m->body + m->bodylen, k))
                return false;
            m->bodylen += k;
            read_line(c, line, sizeof(line));
        }
    }
    if (cl) {
        unsigned long long k = strtoull(cl, NULL, 10);
        if (k > BODY_MAX)
            return false;
        m->body = malloc(k ? k : 1);
        m->bodylen = k;
        return read_exact(c, m->body, k);
    }
    if (!answer)
        return true;
    size_t bcap = 0;
    for (;;) { /* to the end */
        if (!c->have && fill(c) <= 0)
            return true;
        if (m->bodylen + c->have > bcap)
            m->body = realloc(m->body, bcap = (m->bodylen + c->have) * 2);
        size_t k = c->have;
        take(c, m->body + m->bodylen, k);
        m->bodylen += k;
    }
}

static bool write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        p += w;
        n -= (size_t)w;
    }
    return true;
}

/* @m's head without the headers that describe its framing, then ours. */
static bool send_msg(int fd, const struct msg *m, const char *body, size_t len,
                     const char *extra)
{
    size_t cap = m->headlen + 256;
    char *h = malloc(cap);
    size_t o = 0;
    for (const char *p = m->head; *p;) {
        const char *e = strstr(p, "\r\n");
        size_t n = (size_t)(e - p);
        bool skip =
            p != m->head && (strncasecmp(p, "Content-Length:", 15) == 0 ||
                             strncasecmp(p, "Transfer-Encoding:", 18) == 0 ||
                             strncasecmp(p, "Connection:", 11) == 0 ||
                             strncasecmp(p, "Keep-Alive:", 11) == 0 ||
                             strncasecmp(p, "Expect:", 7) == 0);
        if (!skip) {
            memcpy(h + o, p, n + 2);
            o += n + 2;
        }
        p = e + 2;
    }
    o += (size_t)snprintf(h + o, cap - o, "Content-Length: %zu\r\n%s\r\n", len,
                          extra);
    bool ok = write_all(fd, h, o) && write_all(fd, body, len);
    free(h);
    return ok;
}

static bool say_continue(struct conn *c, void *ud)
{
    (void)ud;
    static const char cont[] = "HTTP/1.1 100 Continue\r\n\r\n";
    return write_all(c->fd, cont, sizeof(cont) - 1);
}

/* Forward @rq to smis-sim on a connection of its own; its answer in @rsp. */
static bool forward(const struct msg *rq, struct msg *rsp)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 ||
        connect(fd, (const struct sockaddr *)&q.upstream, sizeof(q.upstream))) {
        if (fd >= 0)
            close(fd);
        return false;
    }
    char *body = NULL;
    size_t len = 0;
    rewrite(rq->body, rq->bodylen, false, &body, &len);
    bool ok = send_msg(fd, rq, body ? body : rq->body, body ? len : rq->bodylen,
                       "Connection: close\r\n");
    free(body);
    struct conn *up = calloc(1, sizeof(*up));
    up->fd = fd;
    ok = ok && read_msg(up, rsp, true, NULL, NULL);
    free(up);
    close(fd);
    return ok;
}

static void *serve(void *arg)
{
    struct conn *c = arg;
    unsigned served = 0;
    for (;;) {
        struct msg rq, rsp;
        if (!read_msg(c, &rq, false, say_continue, NULL)) {
            msg_free(&rq);
            break;
        }
        if (!forward(&rq, &rsp)) {
            msg_free(&rq);
            msg_free(&rsp);
            static const char bad[] = "HTTP/1.1 502 Bad Gateway\r\n"
                                      "Content-Length: 0\r\n\r\n";
            write_all(c->fd, bad, sizeof(bad) - 1);
            break;
        }
        char *body = NULL;
        size_t len = 0;
        rewrite(rsp.body, rsp.bodylen, true, &body, &len);
        served++;
        bool last = q.close_after && served % q.close_after == 0;
        bool ok = send_msg(c->fd, &rsp, body ? body : rsp.body,
                           body ? len : rsp.bodylen,
                           last ? "Connection: close\r\n" : "");
        free(body);
        msg_free(&rq);
        msg_free(&rsp);
        if (!ok || last || (q.drop_after && served % q.drop_after == 0))
            break;
    }
    close(c->fd);
    free(c);
    return NULL;
}

static bool parse_addr(const char *text, struct sockaddr_in *sa)
{
    const char *colon = strrchr(text, ':');
    if (!colon)
        return false;
    char host[64];
    size_t n = (size_t)(colon - text);
    if (n >= sizeof(host))
        return false;
    memcpy(host, text, n);
    host[n] = '\0';
    memset(sa, 0, sizeof(*sa));
    sa->sin_family = AF_INET;
    sa->sin_port = htons((uint16_t)strtoul(colon + 1, NULL, 10));
    return inet_pton(AF_INET, host, &sa->sin_addr) == 1;
}

static bool parse_quirks(char *list)
{
    for (char *save = NULL, *t = strtok_r(list, ",", &save); t;
         t = strtok_r(NULL, ",", &save)) {
        if (!strcmp(t, "hex"))
            q.hex = true;
        else if (!strcmp(t, "case"))
            q.kcase = true;
        else if (!strcmp(t, "host"))
            q.host = true;
        else if (!strcmp(t, "order"))
            q.order = true;
        else if (!strcmp(t, "devid"))
            q.devid = true;
        else if (!strcmp(t, "nojobstate"))
            q.nojobstate = true;
        else if (!strncmp(t, "close=", 6) && strtoul(t + 6, NULL, 10) > 0)
            q.close_after = (unsigned)strtoul(t + 6, NULL, 10);
        else if (!strncmp(t, "drop=", 5) && strtoul(t + 5, NULL, 10) > 0)
            q.drop_after = (unsigned)strtoul(t + 5, NULL, 10);
        else if (strcmp(t, "none") != 0)
            return false;
    }
    return true;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"listen", required_argument, NULL, 'l'},
        {"upstream", required_argument, NULL, 'u'},
        {"quirks", required_argument, NULL, 'q'},
        {"port-file", required_argument, NULL, 'p'},
        {0},
    };
    struct sockaddr_in listen_at;
    const char *port_file = NULL;
    bool have_listen = false, have_up = false;
    for (int o; (o = getopt_long(argc, argv, "", opts, NULL)) != -1;) {
        if (o == 'l')
            have_listen = parse_addr(optarg, &listen_at);
        else if (o == 'u')
            have_up = parse_addr(optarg, &q.upstream);
        else if (o == 'q' && parse_quirks(optarg))
            continue;
        else if (o == 'p')
            port_file = optarg;
        else
            goto usage;
    }
    if (!have_listen || !have_up || optind != argc)
        goto usage;
    signal(SIGPIPE, SIG_IGN);
    xmlInitParser();
    int lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (lfd < 0 ||
        bind(lfd, (const struct sockaddr *)&listen_at, sizeof(listen_at)) ||
        listen(lfd, 64))
        die("cannot listen");
    socklen_t sl = sizeof(listen_at);
    getsockname(lfd, (struct sockaddr *)&listen_at, &sl);
    if (port_file) {
        char tmp[4096];
        snprintf(tmp, sizeof(tmp), "%s.tmp", port_file);
        FILE *f = fopen(tmp, "w");
        if (!f || fprintf(f, "%u\n", ntohs(listen_at.sin_port)) < 0 ||
            fclose(f) || rename(tmp, port_file))
            die("cannot write the port file");
    }
    for (;;) {
        int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED)
                continue;
            die("cannot accept");
        }
        struct conn *c = calloc(1, sizeof(*c));
        c->fd = fd;
        pthread_t t;
        pthread_attr_t at;
        pthread_attr_init(&at);
        pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
        if (pthread_create(&t, &at, serve, c)) {
            close(fd);
            free(c);
        }
        pthread_attr_destroy(&at);
    }
usage:
    fprintf(stderr, "usage: quirkproxy --listen ADDR:PORT --upstream ADDR:PORT"
                    " [--port-file FILE]\n"
                    "                  [--quirks hex,case,host,order,devid,"
                    "nojobstate,close=N,drop=N]\n");
    return 2;
}
