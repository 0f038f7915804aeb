/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/http/http.h: the HTTP(S) transport shared by the CIM-XML and the
 * WS-Management clients: one kept-alive libcurl connection per peer. */
#ifndef SANPROV_HTTP_HTTP_H
#define SANPROV_HTTP_HTTP_H

#include "../util/internal.h"

/*
 * Internal to libsanprov (nothing here is exported).  A protocol client
 * embeds one struct spi_http per peer (an array's SMI-S provider, a
 * host's WinRM service), sets it up once and then POSTs its requests
 * through it:
 *
 *     struct spi_http h;
 *     if (spi_http_init(&h, url, "/wsman", "host", err))
 *         return err->code;
 *     spi_http_set_ca_file(&h, ca);                  optional
 *     rc = spi_http_set_auth(&h, SPI_HTTP_AUTH_NTLM, user, password, err);
 *     ...
 *     static const char *const hdrs[] = {
 *         "Content-Type: application/soap+xml;charset=UTF-8", NULL};
 *     struct spi_http_request rq = {.what = "Enumerate", .proto = "WS-Man",
 *         .headers = hdrs, .body = xml, .len = n, .body_type = "XML",
 *         .on_body = feed, .ctx = decoder, .flags = SPI_HTTP_ERROR_BODIES};
 *     struct spi_http_response rs;
 *     rc = spi_http_post(&h, &rq, &rs, err);
 *     ...
 *     spi_http_release(&h);
 *
 * What it does for every client, learned on the CIM-XML one:
 * - One connection, kept alive and reused for every request while the
 *   peer keeps it open; a new one (counted in the stats) when it closed.
 * - A request the caller marks SPI_HTTP_RESEND_OK (it only reads) is sent
 *   again, once, on a new connection when the peer closed the kept-alive
 *   one before answering.  Any other request is never sent twice without
 *   an answer between: such a closure is SP_ERR_CONNECTION_LOST (the peer
 *   may have carried it out).  The legs of an authentication handshake
 *   (NTLM, Negotiate), each answered by a 401, are not resends.
 * - TLS is verified (the system's CAs, or the CA file set) unless
 *   insecure mode is set, which is warned about once per handle.
 * - Timeouts (connect, whole request), a maximum response size checked
 *   as the bytes arrive, no redirects, http and https only, no
 *   "Expect: 100-continue" (some CIM servers never answer it).
 * - At SP_LOG_TRACE (-vvv), the request and response headers and the
 *   first 64 KiB of each body are logged; Authorization headers (Basic,
 *   NTLM, Negotiate) are shown as "***" and registered secrets (the
 *   password, sp_log_add_secret()) are replaced by sp_log itself.
 *
 * A handle is used by one thread at a time.  Errors are reported in the
 * sp_error given to each call; messages name the URL (which never holds
 * credentials: spi_http_init() refuses them) and never a secret.
 */

/* How the peer is logged in to.  Basic sends the user name and password
 * with each request (use https); NTLM and Negotiate are handshakes that
 * libcurl carries out on the kept-alive connection. */
enum spi_http_auth {
    SPI_HTTP_AUTH_BASIC,     /* RFC 7617: user and password */
    SPI_HTTP_AUTH_NTLM,      /* MS-NLMP: user ("DOMAIN\user") and password */
    SPI_HTTP_AUTH_NEGOTIATE, /* RFC 4559 SPNEGO/Kerberos: the process's
                              * ticket (kinit); no user or password */
};

/* "basic", "ntlm", "negotiate" (the configuration's words, lower case)
 * to the enum: true when @s is one of them. */
bool spi_http_auth_parse(const char *s, enum spi_http_auth *out);
const char *spi_http_auth_name(enum spi_http_auth a);

/* Round-trip accounting, for benchmarks and tests. */
struct spi_http_stats {
    uint64_t requests;       /* HTTP requests sent by spi_http_post() */
    uint64_t connections;    /* TCP connections opened */
    uint64_t bytes_received; /* response bodies */
    uint64_t bytes_sent;     /* request bodies */
};

/* Request flags. */
enum {
    /* The request only reads: see "resent" above. */
    SPI_HTTP_RESEND_OK = 1u << 0,
    /* Bodies of answers other than 200 go to on_body too (a SOAP fault
     * comes with HTTP 500), when their Content-Type matches body_type;
     * others are dropped, the status saying what is needed. */
    SPI_HTTP_ERROR_BODIES = 1u << 1,
};

/* Receives a response body as it arrives, in pieces of any size, with
 * the answer's status; an error it returns stops the transfer and is
 * returned by spi_http_post() (set @err's message yourself). */
typedef sp_code (*spi_http_body_fn)(long status, const char *data, size_t len,
                                    void *ctx);

#define SPI_HTTP_CAPTURE_MAX  4
#define SPI_HTTP_CAPTURE_SIZE 256

struct spi_http_request {
    const char *what;  /* names the request in messages: "GetInstance" */
    const char *proto; /* names the traffic in the trace: "CIM" */
    /* Extra request headers, "Name: value" lines, NULL-terminated (NULL:
     * none); "Name:" removes one libcurl would add.  Content-Type is the
     * caller's to give.  Borrowed for the call. */
    const char *const *headers;
    const char *body; /* the request body, @len bytes; borrowed */
    size_t len;
    /* A body given to on_body must have a Content-Type holding this
     * (case-insensitive: "XML" takes application/soap+xml), else the call
     * fails with SP_ERR_PROTOCOL ("..., not XML").  NULL: any, or none. */
    const char *body_type;
    spi_http_body_fn on_body; /* NULL: bodies are counted and dropped */
    void *ctx;
    unsigned int flags; /* SPI_HTTP_* */
    /* Response headers whose values the caller wants (up to
     * SPI_HTTP_CAPTURE_MAX names, NULL-terminated if fewer), e.g.
     * "CIMError"; returned in spi_http_response.captured. */
    const char *capture[SPI_HTTP_CAPTURE_MAX];
};

/* What came back, filled by spi_http_post() whatever it returns. */
struct spi_http_response {
    long status; /* 0 when no answer came */
    char content_type[128];
    /* The last value of each header named in request.capture, cut to
     * SPI_HTTP_CAPTURE_SIZE - 1 bytes; "" when absent.  Only the final
     * answer's (not an authentication leg's or a 100 Continue's). */
    char captured[SPI_HTTP_CAPTURE_MAX][SPI_HTTP_CAPTURE_SIZE];
};

struct spi_http {
    void *curl; /* CURL *, made at the first request, reset before each */
    char *url;
    const char *peer; /* "array", "host": in messages */
    enum spi_http_auth auth;
    char *user;     /* NULL: no authentication */
    char *password; /* wiped when freed */
    char *ca_file;
    bool insecure;
    bool warned_insecure;
    long connect_ms;
    long total_ms;
    uint64_t max_response;
    struct spi_http_stats stats;
};

/*
 * Set up @h for @url: http or https, no user information (credentials
 * come from the configuration, never a URL: refused, the message does
 * not echo it).  A URL without a path gets @default_path ("/cimom",
 * "/wsman").  @peer is a static word for what is at the other end
 * ("array", "host"), used in messages.  Defaults: connect timeout 10 s,
 * whole request 300 s, responses up to 256 MiB, no authentication, TLS
 * verified against the system's CAs.  Errors: SP_ERR_INVALID.  On error
 * @h holds nothing to release.  Release with spi_http_release().
 */
sp_code spi_http_init(struct spi_http *h, const char *url,
                      const char *default_path, const char *peer,
                      sp_error *err);

/* Close the connection and free what @h holds (the password wiped). */
void spi_http_release(struct spi_http *h);

/*
 * Log in by @auth with @user and @password (copied; the password is also
 * registered with sp_log_add_secret() so that no trace shows it, and the
 * process made not dumpable, as sp_config_password() does).  Basic
 * and NTLM need @user (@password NULL means empty); Negotiate takes
 * neither (NULL, NULL: libcurl uses the Kerberos ticket of the process).
 * Errors: SP_ERR_INVALID (a user missing or given where none is taken),
 * SP_ERR_NOT_SUPPORTED (this libcurl was built without NTLM or
 * GSS-API/SPNEGO); @h is then unchanged.
 */
sp_code spi_http_set_auth(struct spi_http *h, enum spi_http_auth auth,
                          const char *user, const char *password,
                          sp_error *err);

/* Verify the peer with the CA certificates in @pem_file (copied) instead
 * of the system's. */
void spi_http_set_ca_file(struct spi_http *h, const char *pem_file);

/* Do not verify the peer's certificate or name (warned once). */
void spi_http_set_insecure(struct spi_http *h, bool insecure);

/* Timeouts in milliseconds; 0 or less keeps the current one. */
void spi_http_set_timeouts(struct spi_http *h, long connect_ms, long total_ms);

/* The largest response body taken, in bytes; 0 keeps the current one. */
void spi_http_set_max_response(struct spi_http *h, uint64_t bytes);

/*
 * POST @rq on the kept-alive connection (a new one when the peer closed
 * it) and stream the answer to rq->on_body.  Returns SP_OK for HTTP 200
 * (the body delivered, @rs filled).  Otherwise:
 * - SP_ERR_CONNECT (cannot resolve or connect, or another transfer
 *   failure), SP_ERR_TLS (certificate or handshake; the message says to
 *   set ca-file), SP_ERR_TIMEOUT, SP_ERR_CONNECTION_LOST (closed before
 *   the answer was complete, or a resend refused, above);
 * - SP_ERR_TOO_LARGE (the answer passed the maximum);
 * - SP_ERR_PROTOCOL (a body for on_body of the wrong Content-Type);
 * - SP_ERR_AUTH for 401 (no credentials, refused, or the peer does not
 *   offer the method set: the message names what it offers) and 403;
 * - SP_ERR_HTTP for any other status ("HTTP 500 from URL"), a caller
 *   with its own error headers or fault bodies rewriting the message;
 * - or what on_body returned.
 * @err->http_status is the status whenever one was received.  @rs may be
 * NULL.
 */
sp_code spi_http_post(struct spi_http *h, const struct spi_http_request *rq,
                      struct spi_http_response *rs, sp_error *err);

#endif
