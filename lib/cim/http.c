/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/cim/http.c: CIM-XML over HTTP(S) with libcurl: headers, auth, TLS,
 * limits, error mapping. */
#include <ctype.h>
#include <curl/curl.h>
#include <pthread.h>

#include "http.h"

#define DEFAULT_CONNECT_MS   10000L
#define DEFAULT_TOTAL_MS     300000L
#define DEFAULT_MAX_RESPONSE ((uint64_t)256 << 20)
#define TRACE_BODY_MAX       (64u << 10)

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;

/* libcurl builds the Authorization header from the password in memory it
 * frees unwiped: its frees wipe (lib/util/secret.c).  A program that set
 * libcurl up before us keeps its own functions. */
static void curl_init_once(void)
{
    curl_global_init_mem(CURL_GLOBAL_DEFAULT, malloc, spi_wipe_free,
                         spi_wipe_realloc, strdup, calloc);
}

sp_code spi_http_init(struct spi_http *h, const char *url, sp_error *err)
{
    memset(h, 0, sizeof(*h));
    pthread_once(&curl_once, curl_init_once);
    CURLU *u = curl_url();
    if (!u)
        abort();
    sp_code rc = SP_OK;
    char *scheme = NULL, *user = NULL, *path = NULL;
    if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK) {
        rc = sp_error_set(err, SP_ERR_INVALID, "'%s' is not a valid URL", url);
        goto out;
    }
    if (strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0) {
        rc = sp_error_set(err, SP_ERR_INVALID,
                          "'%s' is not an http or https URL", url);
        goto out;
    }
    if (curl_url_get(u, CURLUPART_USER, &user, 0) == CURLUE_OK) {
        /* Never echo the URL here: it holds the credentials. */
        rc = sp_error_set(err, SP_ERR_INVALID,
                          "the URL contains a user name or password; give "
                          "credentials in the configuration instead");
        goto out;
    }
    if (curl_url_get(u, CURLUPART_PATH, &path, 0) != CURLUE_OK ||
        SPI_STREQ(path, "/") || !*path)
        curl_url_set(u, CURLUPART_PATH, "/cimom", 0);
    char *full = NULL;
    curl_url_get(u, CURLUPART_URL, &full, 0);
    h->url = spi_xstrdup(full);
    curl_free(full);
    h->connect_ms = DEFAULT_CONNECT_MS;
    h->total_ms = DEFAULT_TOTAL_MS;
    h->max_response = DEFAULT_MAX_RESPONSE;
out:
    curl_free(scheme);
    curl_free(user);
    curl_free(path);
    curl_url_cleanup(u);
    return rc;
}

void spi_http_release(struct spi_http *h)
{
    if (h->curl)
        curl_easy_cleanup(h->curl);
    free(h->url);
    free(h->user);
    spi_free_secret(h->password);
    free(h->ca_file);
    memset(h, 0, sizeof(*h));
}

/* DSP0200 header values: UTF-8, percent-encoded, '/' kept (as pywbem). */
static void percent_encode(sp_buf *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (isalnum(*p) || *p == '-' || *p == '.' || *p == '_' || *p == '~' ||
            *p == '/')
            sp_buf_addch(b, (char)*p);
        else
            sp_buf_addf(b, "%%%c%c", hex[*p >> 4], hex[*p & 15]);
    }
}

/* One transfer's state, shared by the curl callbacks. */
struct xfer {
    struct spi_http *h;
    const struct spi_http_request *rq;
    sp_error *err;
    sp_code rc;
    long status;
    uint64_t received;
    size_t traced;
    char cim_error[128];
    char error_detail[256];
    char content_type[128];
    int sends;           /* times libcurl set out to send the request */
    bool resend_refused; /* it wanted to send it again; see on_prereq() */
};

static void header_value(const char *line, size_t len, size_t nlen, char *out,
                         size_t outsz)
{
    size_t i = nlen;
    while (i < len && (line[i] == ' ' || line[i] == '\t'))
        i++;
    size_t end = len;
    while (end > i && (line[end - 1] == '\r' || line[end - 1] == '\n' ||
                       line[end - 1] == ' '))
        end--;
    size_t n = end - i < outsz - 1 ? end - i : outsz - 1;
    memcpy(out, line + i, n);
    out[n] = '\0';
}

static size_t on_header(char *line, size_t size, size_t n, void *ud)
{
    struct xfer *x = ud;
    size_t len = size * n;
    if (len >= 5 && strncmp(line, "HTTP/", 5) == 0) {
        /* A new response (after a 100 Continue, say): forget the old one. */
        x->cim_error[0] = x->error_detail[0] = x->content_type[0] = '\0';
        return len;
    }
    static const struct {
        const char *name;
        size_t off;
        size_t size;
    } wanted[] = {
        {"CIMError:", offsetof(struct xfer, cim_error), 128},
        {"PGErrorDetail:", offsetof(struct xfer, error_detail), 256},
        {"Content-Type:", offsetof(struct xfer, content_type), 128},
    };
    for (size_t i = 0; i < SPI_ARRAY_SIZE(wanted); i++) {
        size_t nl = strlen(wanted[i].name);
        if (len > nl && strncasecmp(line, wanted[i].name, nl) == 0)
            header_value(line, len, nl, (char *)x + wanted[i].off,
                         wanted[i].size);
    }
    return len;
}

static size_t on_write(char *data, size_t size, size_t n, void *ud)
{
    struct xfer *x = ud;
    size_t len = size * n;
    if (!x->status)
        curl_easy_getinfo(x->h->curl, CURLINFO_RESPONSE_CODE, &x->status);
    x->received += len;
    x->h->stats.bytes_received += len;
    if (x->received > x->h->max_response) {
        x->rc = sp_error_set(x->err, SP_ERR_TOO_LARGE,
                             "response is larger than the limit of %llu bytes",
                             (unsigned long long)x->h->max_response);
        return 0;
    }
    if (x->status != 200)
        return len; /* an error page: the status says what we need */
    if (x->content_type[0] && !strcasestr(x->content_type, "xml")) {
        x->rc = sp_error_set(x->err, SP_ERR_PROTOCOL,
                             "response has Content-Type '%.64s', not XML",
                             x->content_type);
        return 0;
    }
    if (sp_log_enabled(SP_LOG_TRACE) && x->traced < TRACE_BODY_MAX) {
        size_t show =
            len < TRACE_BODY_MAX - x->traced ? len : TRACE_BODY_MAX - x->traced;
        sp_log_block(SP_LOG_TRACE, "CIM response data", data, show, show);
        x->traced += show;
    }
    sp_code rc = x->rq->on_body ? x->rq->on_body(data, len, x->rq->ctx) : SP_OK;
    if (rc) {
        x->rc = rc;
        return 0;
    }
    return len;
}

static int on_debug(CURL *curl, curl_infotype type, char *data, size_t size,
                    void *ud)
{
    (void)curl, (void)ud;
    /* Header lines only; bodies are traced by on_write and the client.
     * sp_log redacts the Authorization header. */
    if (type == CURLINFO_TEXT)
        sp_log_block(SP_LOG_TRACE, "http", data, size, 4096);
    else if (type == CURLINFO_HEADER_OUT)
        sp_log_block(SP_LOG_TRACE, "HTTP request headers", data, size, 8192);
    else if (type == CURLINFO_HEADER_IN)
        sp_log_block(SP_LOG_TRACE, "HTTP response header", data, size, 4096);
    return 0;
}

/*
 * libcurl sends a request again, on a new connection, when the kept-alive
 * connection it reused was closed before a byte of the answer came
 * (Curl_retry_request() in lib/transfer.c, which also catches a send
 * failing on it in multi.c's MSTATE_DO).  Right for a read, wrong for a
 * method call the server may have received and carried out before it
 * closed.  No option turns that off, but libcurl calls this before each
 * sending of the request (MSTATE_DO): the second call for a request that
 * must not be resent ends the transfer, and the caller learns that the
 * answer was lost; SP_ERR_CONNECTION_LOST leads the drivers to find out
 * whether the change was made (smis_answer_lost()).
 */
static int on_prereq(void *ud, char *primary_ip, char *local_ip,
                     int primary_port, int local_port)
{
    struct xfer *x = ud;
    (void)primary_ip, (void)local_ip, (void)primary_port, (void)local_port;
    if (++x->sends > 1 && !x->rq->may_resend) {
        x->resend_refused = true;
        return CURL_PREREQFUNC_ABORT;
    }
    return CURL_PREREQFUNC_OK;
}

/*
 * The handle is reset before every request and its options set again.
 * libcurl 7.70 to 8.16 count the resends above (data->state.retrycount,
 * incremented by Curl_retry_request()) on the easy handle and clear the
 * count only when it passes 5 or in curl_easy_reset(), never between
 * requests: after five kept-alive connections closed under a request over
 * the handle's life, the sixth closure fails its request with "Connection
 * died, tried 5 times before giving up" (seen against SFCB, which closes
 * a connection after some requests; curl discussion #18926, fixed in
 * 8.17.0 by commit 5e46318 "transfer: reset retry count on each
 * request").  curl_easy_reset() leaves the connection cache alone (it
 * belongs to the handle's internal multi handle), so the kept-alive
 * connection is still used: one connection per array while the server
 * keeps it open.
 */
static void setup_handle(struct spi_http *h)
{
    if (h->curl)
        curl_easy_reset(h->curl);
    else if (!(h->curl = curl_easy_init()))
        abort();
    CURL *c = h->curl;
    curl_easy_setopt(c, CURLOPT_URL, h->url);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_write);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, h->connect_ms);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, h->total_ms);
    curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)h->max_response);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "sanprov/" SP_VERSION_STRING);
    if (h->user) {
        curl_easy_setopt(c, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
        curl_easy_setopt(c, CURLOPT_USERNAME, h->user);
        curl_easy_setopt(c, CURLOPT_PASSWORD, h->password ? h->password : "");
    }
    if (h->ca_file)
        curl_easy_setopt(c, CURLOPT_CAINFO, h->ca_file);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, h->insecure ? 0L : 1L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, h->insecure ? 0L : 2L);
    if (sp_log_enabled(SP_LOG_TRACE)) {
        curl_easy_setopt(c, CURLOPT_VERBOSE, 1L);
        curl_easy_setopt(c, CURLOPT_DEBUGFUNCTION, on_debug);
    }
}

/* Map a failed transfer to our codes; the message never holds the URL's
 * query or credentials (there are none: spi_http_init refuses them). */
static sp_code transfer_error(struct spi_http *h, CURLcode cc,
                              const char *detail, sp_error *err)
{
    const char *d = detail[0] ? detail : curl_easy_strerror(cc);
    switch (cc) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
        return sp_error_set(err, SP_ERR_CONNECT, "cannot connect to %s: %s",
                            h->url, d);
    case CURLE_OPERATION_TIMEDOUT:
        return sp_error_set(err, SP_ERR_TIMEOUT, "no answer from %s: %s",
                            h->url, d);
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_CRL_BADFILE:
        return sp_error_set(err, SP_ERR_TLS,
                            "TLS with %s failed: %s (set ca-file to the "
                            "array's CA certificate)",
                            h->url, d);
    case CURLE_GOT_NOTHING:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_PARTIAL_FILE:
        return sp_error_set(err, SP_ERR_CONNECTION_LOST,
                            "connection to %s closed before the response "
                            "was complete: %s",
                            h->url, d);
    case CURLE_FILESIZE_EXCEEDED:
        return sp_error_set(err, SP_ERR_TOO_LARGE,
                            "response is larger than the limit of %llu bytes",
                            (unsigned long long)h->max_response);
    case CURLE_LOGIN_DENIED:
        return sp_error_set(err, SP_ERR_AUTH, "%s refused the login", h->url);
    default:
        return sp_error_set(err, SP_ERR_CONNECT, "request to %s failed: %s",
                            h->url, d);
    }
}

static sp_code status_error(struct spi_http *h, const struct xfer *x,
                            sp_error *err)
{
    sp_code rc;
    if (x->status == 401)
        rc = sp_error_set(err, SP_ERR_AUTH,
                          h->user ? "the array refused the user name or "
                                    "password (HTTP 401)"
                                  : "the array wants a user name and "
                                    "password (HTTP 401)");
    else if (x->status == 403)
        rc = sp_error_set(err, SP_ERR_AUTH, "access denied (HTTP 403)");
    else if (x->cim_error[0])
        rc = sp_error_set(err, x->status == 200 ? SP_ERR_PROTOCOL : SP_ERR_HTTP,
                          "HTTP %ld, CIMError: %s%s%s", x->status, x->cim_error,
                          x->error_detail[0] ? ": " : "", x->error_detail);
    else
        rc = sp_error_set(err, SP_ERR_HTTP, "HTTP %ld from %s", x->status,
                          h->url);
    err->http_status = (int)x->status;
    return rc;
}

sp_code spi_http_post(struct spi_http *h, const struct spi_http_request *rq,
                      sp_error *err)
{
    setup_handle(h);
    if (h->insecure && !h->warned_insecure) {
        sp_log(SP_LOG_WARN,
               "warning: not verifying the TLS certificate of %s (insecure "
               "mode was asked for)",
               h->url);
        h->warned_insecure = true;
    }
    CURL *c = h->curl;
    struct curl_slist *hdrs = NULL;
    sp_buf line = SP_BUF_INIT(1 << 20);
    hdrs = curl_slist_append(hdrs, "Content-Type: application/xml; "
                                   "charset=\"utf-8\"");
    hdrs = curl_slist_append(hdrs, "CIMProtocolVersion: 1.0");
    hdrs = curl_slist_append(hdrs, "CIMOperation: MethodCall");
    sp_buf_addstr(&line, "CIMMethod: ");
    percent_encode(&line, rq->cim_method);
    hdrs = curl_slist_append(hdrs, sp_buf_cstr(&line));
    sp_buf_reset(&line);
    sp_buf_addstr(&line, "CIMObject: ");
    percent_encode(&line, rq->cim_object);
    hdrs = curl_slist_append(hdrs, sp_buf_cstr(&line));
    /* Some CIM servers do not answer "Expect: 100-continue". */
    hdrs = curl_slist_append(hdrs, "Expect:");
    sp_buf_release(&line);
    if (!hdrs)
        abort();

    struct xfer x = {.h = h, .rq = rq, .err = err};
    char errbuf[CURL_ERROR_SIZE] = "";
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, rq->body);
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)rq->len);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &x);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &x);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(c, CURLOPT_PREREQFUNCTION, on_prereq);
    curl_easy_setopt(c, CURLOPT_PREREQDATA, &x);
    if (sp_log_enabled(SP_LOG_TRACE))
        sp_log_block(SP_LOG_TRACE, "CIM request", rq->body, rq->len,
                     TRACE_BODY_MAX);

    CURLcode cc = curl_easy_perform(c);

    long nconn = 0;
    curl_easy_getinfo(c, CURLINFO_NUM_CONNECTS, &nconn);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &x.status);
    h->stats.requests++;
    h->stats.connections += (uint64_t)nconn;
    h->stats.bytes_sent += rq->len;
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, NULL);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, NULL);
    curl_slist_free_all(hdrs);

    sp_code rc;
    if (x.rc)
        rc = x.rc;
    else if (x.resend_refused)
        rc = sp_error_set(err, SP_ERR_CONNECTION_LOST,
                          "connection to %s closed with no answer to '%s' "
                          "(not sent again: it may have been carried out)",
                          h->url, rq->cim_method);
    else if (cc != CURLE_OK)
        rc = transfer_error(h, cc, errbuf, err);
    else if (x.status != 200 || x.cim_error[0])
        rc = status_error(h, &x, err);
    else
        rc = SP_OK;
    if (x.status && err)
        err->http_status = (int)x.status;
    return rc;
}
