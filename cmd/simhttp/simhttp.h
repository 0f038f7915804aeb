/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd/simhttp/simhttp.h: the HTTP(S) server the simulators share (smis-sim,
 * hyperv-sim): listening, TLS, Basic auth, connection faults, counters,
 * traces, the port file. */
#ifndef SIMHTTP_SIMHTTP_H
#define SIMHTTP_SIMHTTP_H

#include <microhttpd.h>
#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"

/*
 * A simulator's protocol (CIM-XML, WS-Management) sits on this server: it
 * is handed each request once its body is whole, and answers it with
 * simhttp_respond() or simhttp_respond_buf().  What the server does for
 * every protocol alike: Basic authentication before the handler sees a
 * request, bodies bounded by max_request (a larger one reaches the
 * handler with too_large set and no body), --close-after on each
 * connection, a response cut in half and the connection closed (the
 * simulators' --drop), the request and connection counters of /stats, and
 * the trace directory's files.  Each connection has its own thread.
 */

struct simhttp_opts {
    const char *listen_host;        /* "127.0.0.1", "::1" */
    int port;                       /* 0: any */
    const char *port_file;          /* write the bound port here, or NULL */
    const char *tls_cert, *tls_key; /* PEM files: HTTPS */
    const char *user;               /* Basic auth, or NULL: none */
    const char *password;
    const char *realm;   /* of the 401's WWW-Authenticate */
    unsigned latency_ms; /* simhttp_delay() */
    /* Close each connection after this many answers (0: keep it open):
     * the last says "Connection: close", or with close_unannounced
     * nothing, and the next request that comes on it is closed on
     * unanswered. */
    unsigned long close_after;
    bool close_unannounced;
    const char *trace_dir; /* simhttp_trace(), or NULL */
    size_t max_request;    /* bytes of a request body */
};

struct simhttp;

/* One request, whole.  @body is NUL-terminated (NULL when too_large). */
struct simhttp_request {
    struct simhttp *srv;
    struct MHD_Connection *conn;
    const char *url, *method;
    const char *body;
    size_t len;
    bool too_large;
};

/* Answers @rq (with simhttp_respond*); MHD_NO closes the connection. */
typedef enum MHD_Result (*simhttp_handler)(void *ctx,
                                           struct simhttp_request *rq);

/* The counters of /stats. */
struct simhttp_counts {
    unsigned long requests;    /* every request, authorized or not */
    unsigned long connections; /* accepted */
    unsigned long unanswered;  /* closed on (--close-after) */
};

/* Block SIGINT and SIGTERM in this thread (and so in the threads it
 * starts from now on), for simhttp_wait(); SIGPIPE ignored. */
void simhttp_block_signals(void);

/* Listen and serve: the URL served is printed on stdout (and the port
 * written to port_file).  Exits the program when it cannot listen.
 * @o is copied; its strings must outlive the server.  Free with
 * simhttp_stop(). */
struct simhttp *simhttp_start(const struct simhttp_opts *o,
                              simhttp_handler handler, void *ctx);
/* Split --listen's HOST:PORT or [V6]:PORT in place (@arg changed; @host
 * points into it).  False when it is neither. */
bool simhttp_parse_listen(char *arg, const char **host, int *port);
/* Wait for SIGINT or SIGTERM (blocked by simhttp_block_signals()). */
void simhttp_wait(struct simhttp *srv);
/* Stop serving, closing every connection, and free @srv (NULL: nothing). */
void simhttp_stop(struct simhttp *srv);

void simhttp_counts(struct simhttp *srv, struct simhttp_counts *out);
/* Sleep the configured latency. */
void simhttp_delay(const struct simhttp *srv);

/* Answer @rq with a copy of @body and, if @hname is given, one header. */
enum MHD_Result simhttp_respond(struct simhttp_request *rq, unsigned status,
                                const char *type, const char *body, size_t len,
                                const char *hname, const char *hvalue);
/* Answer @rq with @out's content (taken: @out is left empty), @headers a
 * NULL-terminated list of name, value pairs (or NULL).  With @drop, only
 * half the body is sent and the connection is closed (a dropped
 * response).  An overflowed @out is answered 500. */
enum MHD_Result simhttp_respond_buf(struct simhttp_request *rq, unsigned status,
                                    sp_buf *out, const char *const *headers,
                                    bool drop);

/* The value of request header @name, or NULL. */
const char *simhttp_header(const struct simhttp_request *rq, const char *name);

/* With a trace directory: write @data as DIR/NNNNNN-NAME.KIND.xml, @seq
 * from simhttp_trace_seq() (taken where the requests are ordered). */
bool simhttp_tracing(const struct simhttp *srv);
unsigned long simhttp_trace_seq(struct simhttp *srv);
void simhttp_trace(const struct simhttp *srv, unsigned long seq,
                   const char *name, const char *kind, const char *data,
                   size_t len);

#endif
