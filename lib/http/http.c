/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/http/http.c: HTTP(S) POSTs with libcurl on one kept-alive connection:
 * auth, TLS, limits, resend rules, trace, error mapping. */
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

static const char *const auth_names[] = {
    [SPI_HTTP_AUTH_BASIC] = "basic",
    [SPI_HTTP_AUTH_NTLM] = "ntlm",
    [SPI_HTTP_AUTH_NEGOTIATE] = "negotiate",
};

bool spi_http_auth_parse(const char *s, enum spi_http_auth *out)
{
    for (size_t i = 0; i < SPI_ARRAY_SIZE(auth_names); i++)
        if (s && strcmp(s, auth_names[i]) == 0) {
            *out = (enum spi_http_auth)i;
            return true;
        }
    return false;
}

const char *spi_http_auth_name(enum spi_http_auth a)
{
    return auth_names[a];
}

static long curl_auth_of(enum spi_http_auth a)
{
    switch (a) {
    case SPI_HTTP_AUTH_BASIC:
        return (long)CURLAUTH_BASIC;
    case SPI_HTTP_AUTH_NTLM:
        return (long)CURLAUTH_NTLM;
    case SPI_HTTP_AUTH_NEGOTIATE:
        return (long)CURLAUTH_NEGOTIATE;
    }
    abort();
}

sp_code spi_http_init(struct spi_http *h, const char *url,
                      const char *default_path, const char *peer, sp_error *err)
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
        curl_url_set(u, CURLUPART_PATH, default_path, 0);
    char *full = NULL;
    curl_url_get(u, CURLUPART_URL, &full, 0);
    h->url = spi_xstrdup(full);
    curl_free(full);
    h->peer = peer;
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

sp_code spi_http_set_auth(struct spi_http *h, enum spi_http_auth auth,
                          const char *user, const char *password, sp_error *err)
{
    const curl_version_info_data *v = curl_version_info(CURLVERSION_NOW);
    if (auth == SPI_HTTP_AUTH_NTLM && !(v->features & CURL_VERSION_NTLM))
        return sp_error_set(err, SP_ERR_NOT_SUPPORTED,
                            "cannot use NTLM authentication: libcurl %s was "
                            "built without it",
                            v->version);
    if (auth == SPI_HTTP_AUTH_NEGOTIATE && !(v->features & CURL_VERSION_SPNEGO))
        return sp_error_set(err, SP_ERR_NOT_SUPPORTED,
                            "cannot use Negotiate authentication: libcurl %s "
                            "was built without SPNEGO",
                            v->version);
    if (auth == SPI_HTTP_AUTH_NEGOTIATE && (user || password))
        return sp_error_set(err, SP_ERR_INVALID,
                            "Negotiate authentication takes the Kerberos "
                            "ticket of the process (kinit), not a user name "
                            "or password");
    if (auth != SPI_HTTP_AUTH_NEGOTIATE && !user)
        return sp_error_set(err, SP_ERR_INVALID,
                            "%s authentication needs a user name",
                            auth == SPI_HTTP_AUTH_NTLM ? "NTLM" : "Basic");
    free(h->user);
    spi_free_secret(h->password);
    h->auth = auth;
    /* Negotiate has no user: an empty one tells setup_handle() to log in */
    h->user = spi_xstrdup(user ? user : "");
    h->password = password ? spi_xstrdup(password) : NULL;
    spi_secret_hold(password);
    return SP_OK;
}

void spi_http_set_ca_file(struct spi_http *h, const char *pem_file)
{
    free(h->ca_file);
    h->ca_file = pem_file ? spi_xstrdup(pem_file) : NULL;
}

void spi_http_set_insecure(struct spi_http *h, bool insecure)
{
    h->insecure = insecure;
}

void spi_http_set_timeouts(struct spi_http *h, long connect_ms, long total_ms)
{
    if (connect_ms > 0)
        h->connect_ms = connect_ms;
    if (total_ms > 0)
        h->total_ms = total_ms;
}

void spi_http_set_max_response(struct spi_http *h, uint64_t bytes)
{
    if (bytes)
        h->max_response = bytes;
}

/* One transfer's state, shared by the curl callbacks. */
struct xfer {
    struct spi_http *h;
    const struct spi_http_request *rq;
    struct spi_http_response *rs;
    sp_error *err;
    sp_code rc;
    uint64_t received;
    size_t traced;
    int sends;           /* times libcurl set out to send the request */
    bool answered;       /* an answer began since the last sending */
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

/* True when @line is the header @name ("Name:"). */
static bool is_header(const char *line, size_t len, const char *name, size_t nl)
{
    return len > nl + 1 && line[nl] == ':' && strncasecmp(line, name, nl) == 0;
}

static size_t on_header(char *line, size_t size, size_t n, void *ud)
{
    struct xfer *x = ud;
    struct spi_http_response *rs = x->rs;
    size_t len = size * n;
    if (len >= 5 && strncmp(line, "HTTP/", 5) == 0) {
        /* A new answer (after a 100 Continue, an authentication leg):
         * forget the old one. */
        rs->status = 0;
        rs->content_type[0] = '\0';
        for (size_t i = 0; i < SPI_HTTP_CAPTURE_MAX; i++)
            rs->captured[i][0] = '\0';
        x->answered = true;
        return len;
    }
    if (is_header(line, len, "Content-Type", 12))
        header_value(line, len, 13, rs->content_type, sizeof(rs->content_type));
    for (size_t i = 0; i < SPI_HTTP_CAPTURE_MAX && x->rq->capture[i]; i++) {
        size_t nl = strlen(x->rq->capture[i]);
        if (is_header(line, len, x->rq->capture[i], nl))
            header_value(line, len, nl + 1, rs->captured[i],
                         SPI_HTTP_CAPTURE_SIZE);
    }
    return len;
}

static size_t on_write(char *data, size_t size, size_t n, void *ud)
{
    struct xfer *x = ud;
    const struct spi_http_request *rq = x->rq;
    long *status = &x->rs->status;
    size_t len = size * n;
    if (!*status)
        curl_easy_getinfo(x->h->curl, CURLINFO_RESPONSE_CODE, status);
    x->received += len;
    x->h->stats.bytes_received += len;
    if (x->received > x->h->max_response) {
        x->rc = sp_error_set(x->err, SP_ERR_TOO_LARGE,
                             "response is larger than the limit of %llu bytes",
                             (unsigned long long)x->h->max_response);
        return 0;
    }
    bool typed =
        !rq->body_type || (x->rs->content_type[0] &&
                           strcasestr(x->rs->content_type, rq->body_type));
    if (*status != 200 && (!(rq->flags & SPI_HTTP_ERROR_BODIES) || !typed))
        return len; /* an error page: the status says what we need */
    if (x->rs->content_type[0] && !typed) {
        x->rc = sp_error_set(x->err, SP_ERR_PROTOCOL,
                             "response has Content-Type '%.64s', not %s",
                             x->rs->content_type, rq->body_type);
        return 0;
    }
    if (sp_log_enabled(SP_LOG_TRACE) && x->traced < TRACE_BODY_MAX) {
        size_t show =
            len < TRACE_BODY_MAX - x->traced ? len : TRACE_BODY_MAX - x->traced;
        char label[48];
        snprintf(label, sizeof(label), "%s response data",
                 rq->proto ? rq->proto : "HTTP");
        sp_log_block(SP_LOG_TRACE, label, data, show, show);
        x->traced += show;
    }
    sp_code rc = rq->on_body ? rq->on_body(*status, data, len, rq->ctx) : SP_OK;
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
    /* Header lines only; bodies are traced by on_write and spi_http_post.
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
 * sending of the request (MSTATE_DO): a second sending with no answer
 * since the first ends the transfer when the request must not be resent,
 * and the caller learns that the answer was lost; SP_ERR_CONNECTION_LOST
 * leads the drivers to find out whether the change was made
 * (smis_answer_lost()).  A sending after an answer is the next leg of an
 * authentication handshake (NTLM's Type-3 after the 401 with its
 * challenge): the server answered, it carried nothing out.
 */
static int on_prereq(void *ud, char *primary_ip, char *local_ip,
                     int primary_port, int local_port)
{
    struct xfer *x = ud;
    (void)primary_ip, (void)local_ip, (void)primary_port, (void)local_port;
    bool blind = ++x->sends > 1 && !x->answered;
    x->answered = false;
    if (blind && !(x->rq->flags & SPI_HTTP_RESEND_OK)) {
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
 * connection is still used: one connection per peer while the server
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
        /* One method, not CURLAUTH_ANY: Basic goes with the first request
         * (no round trip to learn what the peer offers), and a peer
         * offering less than was asked for is refused, not used. */
        curl_easy_setopt(c, CURLOPT_HTTPAUTH, curl_auth_of(h->auth));
        if (h->auth != SPI_HTTP_AUTH_NEGOTIATE) {
            curl_easy_setopt(c, CURLOPT_USERNAME, h->user);
            curl_easy_setopt(c, CURLOPT_PASSWORD,
                             h->password ? h->password : "");
        }
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
                            "%s's CA certificate)",
                            h->url, d, h->peer);
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

/* What a 401 says: no credentials, a method the peer does not offer, or
 * credentials refused. */
static sp_code auth_error(struct spi_http *h, sp_error *err)
{
    long avail = 0;
    curl_easy_getinfo(h->curl, CURLINFO_HTTPAUTH_AVAIL, &avail);
    if (!h->user)
        return sp_error_set(err, SP_ERR_AUTH,
                            "the %s wants a user name and password (HTTP 401)",
                            h->peer);
    if (avail && !(avail & curl_auth_of(h->auth))) {
        sp_buf offers = SP_BUF_INIT(128);
        static const struct {
            long bit;
            const char *name;
        } kinds[] = {
            {(long)CURLAUTH_BASIC, "basic"},
            {(long)CURLAUTH_NTLM, "ntlm"},
            {(long)CURLAUTH_NEGOTIATE, "negotiate"},
            {(long)CURLAUTH_DIGEST, "digest"},
        };
        for (size_t i = 0; i < SPI_ARRAY_SIZE(kinds); i++)
            if (avail & kinds[i].bit)
                sp_buf_addf(&offers, "%s%s", offers.len ? ", " : "",
                            kinds[i].name);
        sp_code rc = sp_error_set(
            err, SP_ERR_AUTH,
            "the %s does not offer %s authentication (HTTP 401; it offers: "
            "%s)",
            h->peer, spi_http_auth_name(h->auth),
            offers.len ? sp_buf_cstr(&offers) : "none sanprov knows");
        sp_buf_release(&offers);
        return rc;
    }
    if (h->auth == SPI_HTTP_AUTH_NEGOTIATE)
        return sp_error_set(err, SP_ERR_AUTH,
                            "the %s refused the Kerberos ticket (HTTP 401; "
                            "see klist)",
                            h->peer);
    return sp_error_set(err, SP_ERR_AUTH,
                        "the %s refused the user name or password (HTTP 401)",
                        h->peer);
}

static sp_code status_error(struct spi_http *h, long status, sp_error *err)
{
    sp_code rc;
    if (status == 401)
        rc = auth_error(h, err);
    else if (status == 403)
        rc = sp_error_set(err, SP_ERR_AUTH, "access denied (HTTP 403)");
    else
        rc = sp_error_set(err, SP_ERR_HTTP, "HTTP %ld from %s", status, h->url);
    return rc;
}

static void warn_insecure(struct spi_http *h)
{
    if (!h->insecure || h->warned_insecure)
        return;
    sp_log(SP_LOG_WARN,
           "warning: not verifying the TLS certificate of %s (insecure "
           "mode was asked for)",
           h->url);
    h->warned_insecure = true;
}

sp_code spi_http_post(struct spi_http *h, const struct spi_http_request *rq,
                      struct spi_http_response *rs, sp_error *err)
{
    struct spi_http_response local;
    if (!rs)
        rs = &local;
    memset(rs, 0, sizeof(*rs));
    setup_handle(h);
    warn_insecure(h);
    CURL *c = h->curl;
    struct curl_slist *hdrs = NULL;
    for (size_t i = 0; rq->headers && rq->headers[i]; i++)
        if (!(hdrs = curl_slist_append(hdrs, rq->headers[i])))
            abort();
    /* Some CIM servers do not answer "Expect: 100-continue". */
    if (!(hdrs = curl_slist_append(hdrs, "Expect:")))
        abort();

    struct xfer x = {.h = h, .rq = rq, .rs = rs, .err = err};
    char errbuf[CURL_ERROR_SIZE] = "";
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, rq->body);
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)rq->len);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &x);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &x);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(c, CURLOPT_PREREQFUNCTION, on_prereq);
    curl_easy_setopt(c, CURLOPT_PREREQDATA, &x);
    if (sp_log_enabled(SP_LOG_TRACE)) {
        char label[48];
        snprintf(label, sizeof(label), "%s request",
                 rq->proto ? rq->proto : "HTTP");
        sp_log_block(SP_LOG_TRACE, label, rq->body, rq->len, TRACE_BODY_MAX);
    }

    CURLcode cc = curl_easy_perform(c);

    long nconn = 0;
    curl_easy_getinfo(c, CURLINFO_NUM_CONNECTS, &nconn);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &rs->status);
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
                          h->url, rq->what ? rq->what : "POST");
    else if (cc != CURLE_OK)
        rc = transfer_error(h, cc, errbuf, err);
    else if (rs->status != 200)
        rc = status_error(h, rs->status, err);
    else
        rc = SP_OK;
    if (rs->status && err)
        err->http_status = (int)rs->status;
    return rc;
}
