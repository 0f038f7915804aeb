/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* tests/unit/test_http.c: the shared HTTP transport (lib/http) against a real
 * HTTP server: caller headers, streamed and fault bodies, Basic and NTLM. */
#include <curl/curl.h>

#include "http/http.h"
#include "testutil.h"

struct env {
    struct httpfix fix;
    struct spi_http h;
    sp_buf got; /* the bodies on_body received */
    long got_status;
    int calls;
};

static int setup(void **state)
{
    struct env *e = calloc(1, sizeof(*e));
    httpfix_start(&e->fix, NULL, NULL);
    sp_error err;
    assert_int_equal(spi_http_init(&e->h, e->fix.url, "/wsman", "host", &err),
                     SP_OK);
    sp_buf_init(&e->got, 1u << 20);
    *state = e;
    return 0;
}

static int teardown(void **state)
{
    struct env *e = *state;
    spi_http_release(&e->h);
    httpfix_stop(&e->fix);
    sp_buf_release(&e->got);
    free(e);
    sp_log_clear_secrets();
    return 0;
}

static void reply(struct env *e, int status, const char *type, const char *body,
                  const char *hname, const char *hvalue)
{
    struct httpfix_reply r = {.status = status,
                              .content_type = type,
                              .body = body,
                              .header_name = hname,
                              .header_value = hvalue};
    httpfix_reply(&e->fix, &r);
}

static sp_code collect(long status, const char *data, size_t len, void *ctx)
{
    struct env *e = ctx;
    e->got_status = status;
    e->calls++;
    sp_buf_add(&e->got, data, len);
    return SP_OK;
}

static const char *const soap_headers[] = {
    "Content-Type: application/soap+xml;charset=UTF-8", NULL};
static const char soap_type[] = "application/soap+xml;charset=UTF-8";
static const char envelope[] = "<s:Envelope>...</s:Envelope>";

static struct spi_http_request soap(struct env *e, unsigned int flags)
{
    return (struct spi_http_request){.what = "Enumerate",
                                     .proto = "WS-Man",
                                     .headers = soap_headers,
                                     .body = envelope,
                                     .len = sizeof(envelope) - 1,
                                     .body_type = "XML",
                                     .on_body = collect,
                                     .ctx = e,
                                     .flags = flags};
}

/* A POST with the caller's headers to the default path; the answer
 * streamed to the callback. */
static void test_post_soap(void **state)
{
    struct env *e = *state;
    reply(e, 200, soap_type, "<s:Envelope>answer</s:Envelope>", "X-Seen",
          "yes");
    struct spi_http_request rq = soap(e, 0);
    rq.capture[0] = "X-Seen";
    rq.capture[1] = "X-Absent";
    struct spi_http_response rs;
    sp_error err;
    sp_error_clear(&err);
    assert_int_equal(spi_http_post(&e->h, &rq, &rs, &err), SP_OK);
    assert_int_equal(rs.status, 200);
    assert_int_equal(err.http_status, 200);
    assert_string_equal(rs.content_type, soap_type);
    assert_string_equal(rs.captured[0], "yes");
    assert_string_equal(rs.captured[1], "");
    assert_string_equal(sp_buf_cstr(&e->got),
                        "<s:Envelope>answer</s:Envelope>");
    assert_int_equal(e->got_status, 200);
    assert_string_equal(e->fix.last_url, "POST /wsman");
    assert_non_null(strstr(e->fix.last_headers,
                           "Content-Type: application/soap+xml;"
                           "charset=UTF-8\n"));
    assert_int_equal(e->fix.last_len, sizeof(envelope) - 1);
    assert_memory_equal(e->fix.last_body, envelope, sizeof(envelope) - 1);
    /* the same connection for the next request */
    assert_int_equal(spi_http_post(&e->h, &rq, NULL, &err), SP_OK);
    assert_int_equal(e->fix.connections, 1);
    assert_int_equal(e->h.stats.requests, 2);
    assert_int_equal(e->h.stats.connections, 1);
    assert_int_equal(e->h.stats.bytes_sent, 2 * (sizeof(envelope) - 1));
}

/* A SOAP fault comes with HTTP 500: its body reaches the caller that asks
 * for it, and an HTML error page never does. */
static void test_fault_bodies(void **state)
{
    struct env *e = *state;
    static const char fault[] = "<s:Envelope><s:Fault/></s:Envelope>";
    reply(e, 500, soap_type, fault, NULL, NULL);
    struct spi_http_request rq = soap(e, SPI_HTTP_ERROR_BODIES);
    sp_error err;
    assert_int_equal(spi_http_post(&e->h, &rq, NULL, &err), SP_ERR_HTTP);
    assert_int_equal(err.http_status, 500);
    assert_string_equal(sp_buf_cstr(&e->got), fault);
    assert_int_equal(e->got_status, 500);

    sp_buf_reset(&e->got);
    e->calls = 0;
    rq.flags = 0;
    assert_int_equal(spi_http_post(&e->h, &rq, NULL, &err), SP_ERR_HTTP);
    assert_int_equal(e->calls, 0);
    char want[256];
    snprintf(want, sizeof(want), "HTTP 500 from %s/wsman", e->fix.url);
    assert_string_equal(err.message, want);

    reply(e, 500, "text/html", "<html>proxy error</html>", NULL, NULL);
    rq.flags = SPI_HTTP_ERROR_BODIES;
    assert_int_equal(spi_http_post(&e->h, &rq, NULL, &err), SP_ERR_HTTP);
    assert_int_equal(e->calls, 0);

    /* a 200 of the wrong type is refused */
    reply(e, 200, "text/html", "<html>login page</html>", NULL, NULL);
    assert_int_equal(spi_http_post(&e->h, &rq, NULL, &err), SP_ERR_PROTOCOL);
    assert_string_equal(err.message,
                        "response has Content-Type 'text/html', not XML");
}

static void test_auth_words(void **state)
{
    struct env *e = *state;
    enum spi_http_auth a;
    static const char *const words[] = {"basic", "ntlm", "negotiate"};
    for (size_t i = 0; i < 3; i++) {
        assert_true(spi_http_auth_parse(words[i], &a));
        assert_string_equal(spi_http_auth_name(a), words[i]);
    }
    assert_false(spi_http_auth_parse("digest", &a));
    assert_false(spi_http_auth_parse("NTLM", &a));
    assert_false(spi_http_auth_parse("", &a));
    sp_error err;
    assert_int_equal(
        spi_http_set_auth(&e->h, SPI_HTTP_AUTH_BASIC, NULL, "x", &err),
        SP_ERR_INVALID);
    assert_string_equal(err.message, "Basic authentication needs a user name");
    assert_int_equal(
        spi_http_set_auth(&e->h, SPI_HTTP_AUTH_NTLM, NULL, NULL, &err),
        SP_ERR_INVALID);
    const curl_version_info_data *v = curl_version_info(CURLVERSION_NOW);
    if (v->features & CURL_VERSION_SPNEGO)
        assert_int_equal(spi_http_set_auth(&e->h, SPI_HTTP_AUTH_NEGOTIATE,
                                           "alice", NULL, &err),
                         SP_ERR_INVALID);
    assert_null(e->h.user);
}

static void test_basic(void **state)
{
    struct env *e = *state;
    e->fix.user = "winrm";
    e->fix.password = "Sw0rdf1sh!";
    reply(e, 200, soap_type, "<ok/>", NULL, NULL);
    struct spi_http_request rq = soap(e, 0);
    sp_error err;
    assert_int_equal(spi_http_post(&e->h, &rq, NULL, &err), SP_ERR_AUTH);
    assert_string_equal(err.message,
                        "the host wants a user name and password (HTTP 401)");
    assert_int_equal(sp_error_exit_code(&err), 4);
    assert_int_equal(err.http_status, 401);
    assert_int_equal(
        spi_http_set_auth(&e->h, SPI_HTTP_AUTH_BASIC, "winrm", "wrong", &err),
        SP_OK);
    assert_int_equal(spi_http_post(&e->h, &rq, NULL, &err), SP_ERR_AUTH);
    assert_string_equal(err.message, "the host refused the user name or "
                                     "password (HTTP 401)");
    assert_int_equal(spi_http_set_auth(&e->h, SPI_HTTP_AUTH_BASIC, "winrm",
                                       "Sw0rdf1sh!", &err),
                     SP_OK);
    assert_int_equal(spi_http_post(&e->h, &rq, NULL, &err), SP_OK);
    assert_string_equal(e->fix.last_auth_user, "winrm");
    assert_string_equal(sp_buf_cstr(&e->got), "<ok/>");
}

/* ---- NTLM (MS-NLMP): the server's side of the handshake, by hand ---- */

static size_t unbase64(const char *in, unsigned char *out, size_t max)
{
    static const char abc[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t n = 0;
    unsigned acc = 0;
    int bits = 0;
    for (; *in && *in != '='; in++) {
        const char *p = strchr(abc, *in);
        if (!p)
            return 0;
        acc = acc << 6 | (unsigned)(p - abc);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            if (n == max)
                return 0;
            out[n++] = (unsigned char)(acc >> bits);
        }
    }
    return n;
}

/* The NTLM message in an "Authorization: NTLM ..." value: its type (1, 3),
 * or 0 when it is none. */
static int ntlm_type(const char *auth, unsigned char *msg, size_t *len)
{
    if (strncmp(auth, "NTLM ", 5) != 0)
        return 0;
    *len = unbase64(auth + 5, msg, 1024);
    if (*len < 12 || memcmp(msg, "NTLMSSP", 8) != 0)
        return 0;
    return msg[8];
}

/* A field of a Type-3 message (LM, NT, domain, user, host: 0 to 4) as
 * ASCII, from its UTF-16LE. */
static void type3_field(const unsigned char *m, size_t len, int i, char *out,
                        size_t outsz)
{
    size_t at = 12 + 8 * (size_t)i;
    size_t fl = (size_t)(m[at] | m[at + 1] << 8);
    size_t off = (size_t)(m[at + 4] | m[at + 5] << 8 | m[at + 6] << 16);
    size_t n = 0;
    for (size_t k = 0; k + 1 < fl && off + k + 1 < len && n + 1 < outsz; k += 2)
        out[n++] = (char)m[off + k];
    out[n] = '\0';
}

static char trace[1 << 16];

static void capture(sp_log_level level, const char *msg, void *ctx)
{
    size_t n = strlen(trace);
    snprintf(trace + n, sizeof(trace) - n, "%s\n", msg);
}

/*
 * auth = ntlm reaches libcurl (CURLOPT_HTTPAUTH): the server answers the
 * Type-1 message with a 401 holding a Type-2 challenge, and the Type-3
 * answer, with the user and domain, comes on the same connection.  The
 * request may not be resent (a method call), and the second leg is not
 * taken for a resend.  The server does not check the NTLM response (no
 * password database here): what is tested is the exchange and that the
 * trace shows none of it.
 */
static void test_ntlm_handshake(void **state)
{
    struct env *e = *state;
    const curl_version_info_data *v = curl_version_info(CURLVERSION_NOW);
    if (!(v->features & CURL_VERSION_NTLM))
        tu_skip("libcurl %s is built without NTLM", v->version);
    /* Type 2: signature, type, empty target name, flags (Unicode, NTLM),
     * the server challenge. */
    static const char type2[] = "NTLM TlRMTVNTUAACAAAAAAAAAAAAAAABAgAAASNFZ4mr"
                                "ze8=";
    reply(e, 401, "text/plain", "", "WWW-Authenticate", type2);
    reply(e, 200, soap_type, "<ok/>", NULL, NULL);
    sp_error err;
    assert_int_equal(spi_http_set_auth(&e->h, SPI_HTTP_AUTH_NTLM,
                                       "EXAMPLE\\alice", "Sw0rdf1sh!", &err),
                     SP_OK);
    struct spi_http_request rq = soap(e, 0);
    trace[0] = '\0';
    sp_log_set_handler(capture, NULL);
    sp_log_set_level(SP_LOG_TRACE);
    sp_code rc = spi_http_post(&e->h, &rq, NULL, &err);
    sp_log_set_level(SP_LOG_WARN);
    sp_log_set_handler(NULL, NULL);
    assert_int_equal(rc, SP_OK);
    assert_int_equal(e->fix.requests, 2);
    assert_int_equal(e->fix.connections, 1);

    unsigned char m[1024];
    size_t len;
    assert_int_equal(ntlm_type(e->fix.authorization[0], m, &len), 1);
    assert_int_equal(ntlm_type(e->fix.authorization[1], m, &len), 3);
    char field[64];
    type3_field(m, len, 2, field, sizeof(field));
    assert_string_equal(field, "EXAMPLE");
    type3_field(m, len, 3, field, sizeof(field));
    assert_string_equal(field, "alice");
    assert_memory_equal(e->fix.last_body, envelope, sizeof(envelope) - 1);
    assert_string_equal(sp_buf_cstr(&e->got), "<ok/>");

    assert_non_null(strstr(trace, "WS-Man request"));
    assert_non_null(strstr(trace, "Authorization: ***"));
    assert_null(strstr(trace, "TlRMTVNTUAAB")); /* Type 1 */
    assert_null(strstr(trace, "TlRMTVNTUAAD")); /* Type 3 */
    assert_null(strstr(trace, "Sw0rdf1sh"));
}

/* A peer that does not offer the method asked for is named with what it
 * does offer. */
static void test_method_not_offered(void **state)
{
    struct env *e = *state;
    const curl_version_info_data *v = curl_version_info(CURLVERSION_NOW);
    if (!(v->features & CURL_VERSION_NTLM))
        tu_skip("libcurl %s is built without NTLM", v->version);
    e->fix.user = "winrm";
    e->fix.password = "Sw0rdf1sh!";
    sp_error err;
    assert_int_equal(spi_http_set_auth(&e->h, SPI_HTTP_AUTH_NTLM, "winrm",
                                       "Sw0rdf1sh!", &err),
                     SP_OK);
    struct spi_http_request rq = soap(e, 0);
    assert_int_equal(spi_http_post(&e->h, &rq, NULL, &err), SP_ERR_AUTH);
    assert_string_equal(err.message,
                        "the host does not offer ntlm authentication (HTTP "
                        "401; it offers: basic)");
    assert_int_equal(sp_error_exit_code(&err), 4);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_post_soap), T(test_fault_bodies),   T(test_auth_words),
        T(test_basic),     T(test_ntlm_handshake), T(test_method_not_offered),
    };
    return cmocka_run_group_tests_name("http", tests, NULL, NULL);
}
