/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* tests/unit/test_wsman_http.c: the WS-Management client over lib/http against
 * a real HTTP server in the test replaying recorded answers: headers, faults
 * with HTTP 500, paging, authentication, cut connections. */
#include "http/http.h"
#include "testutil.h"
#include "wsman/client.h"

#define MSGID "uuid:6a7c1c1e-0f4e-4b39-9c53-2d1d8a1f0001"
#define VS    "root/virtualization/v2"
#define SOAP  "application/soap+xml;charset=UTF-8"

struct env {
    struct httpfix fix;
    struct spi_http http;
    struct spi_ws_client *c;
    char *bodies[16];
};

static char *fixed_msgid(void *ctx)
{
    (void)ctx;
    return spi_xstrdup(MSGID);
}

/* The recorded answer @name with @status. */
static void answer(struct env *e, const char *name, int status)
{
    int i = e->fix.nreplies;
    size_t len;
    e->bodies[i] = tu_read_file(
        tu_path(tu_srcdir(), "tests/data/wsman/responses/%s.xml", name), &len);
    httpfix_reply(&e->fix, &(struct httpfix_reply){.status = status,
                                                   .body = e->bodies[i],
                                                   .len = len,
                                                   .content_type = SOAP});
}

static void start(struct env *e)
{
    memset(e, 0, sizeof(*e));
    e->fix.user = "admin";
    e->fix.password = "pw";
    httpfix_start(&e->fix, NULL, NULL);
}

static void connect_client(struct env *e, const char *password)
{
    sp_error err;
    char url[160];
    snprintf(url, sizeof(url), "%s", e->fix.url);
    assert_int_equal(spi_http_init(&e->http, url, "/wsman", "host", &err),
                     SP_OK);
    assert_int_equal(spi_http_set_auth(&e->http, SPI_HTTP_AUTH_BASIC, "admin",
                                       password, &err),
                     SP_OK);
    struct spi_ws_client_opts o = {
        .to = url, .style = SPI_WS_STYLE_WMI, .default_ns = VS};
    struct spi_ws_transport t = spi_ws_http_transport(&e->http);
    e->c = spi_ws_client_new(&o, &t);
    spi_ws_client_set_msgid_fn(e->c, fixed_msgid, NULL);
}

static void stop(struct env *e)
{
    spi_ws_client_free(e->c);
    spi_http_release(&e->http);
    httpfix_stop(&e->fix);
    for (int i = 0; i < 16; i++)
        free(e->bodies[i]);
}

static sp_cim_path *vm_path(void)
{
    sp_cim_path *p = sp_cim_path_new(NULL, VS, "Msvm_ComputerSystem");
    sp_cim_path_set_key(
        p, "CreationClassName",
        sp_cim_value_new_string(SP_CIM_STRING, "Msvm_ComputerSystem"));
    sp_cim_path_set_key(
        p, "Name",
        sp_cim_value_new_string(SP_CIM_STRING,
                                "4A1E3B7C-9D2F-4E6A-8B1C-0D2E3F4A5B6C"));
    return p;
}

static void test_get(void **state)
{
    (void)state;
    struct env e;
    start(&e);
    answer(&e, "get-computersystem", 200);
    connect_client(&e, "pw");
    sp_cim_path *p = vm_path();
    sp_cim_instance *i = NULL;
    assert_int_equal(spi_ws_get(e.c, p, &i), SP_OK);
    assert_string_equal(sp_cim_instance_get_string(i, "ElementName"), "web01");
    /* the recorded request, as sent, with SOAP's content type */
    size_t len;
    char *want = tu_read_file(
        tu_path(tu_srcdir(), "tests/data/wsman/requests/get.xml"), &len);
    char *sent = spi_xstrndup(e.fix.last_body, e.fix.last_len);
    /* the recording's To is the one the table used */
    assert_non_null(strstr(sent, "<a:To>http://127.0.0.1:"));
    assert_non_null(strstr(e.fix.last_headers, "Content-Type: " SOAP));
    assert_non_null(strstr(sent, "<a:Action s:mustUnderstand=\"true\">"
                                 "http://schemas.xmlsoap.org/ws/2004/09/"
                                 "transfer/Get</a:Action>"));
    assert_string_equal(strstr(sent, "<w:MaxEnvelopeSize"),
                        strstr(want, "<w:MaxEnvelopeSize"));
    assert_string_equal(e.fix.last_auth_user, "admin");
    free(sent);
    free(want);
    sp_cim_instance_free(i);
    sp_cim_path_free(p);
    stop(&e);
}

/* WinRM's faults come with HTTP 500. */
static void test_fault_500(void **state)
{
    (void)state;
    struct env e;
    start(&e);
    answer(&e, "fault-wmi-not-found", 500);
    connect_client(&e, "pw");
    sp_cim_path *p = vm_path();
    sp_cim_instance *i = NULL;
    assert_int_equal(spi_ws_get(e.c, p, &i), SP_ERR_NOT_FOUND);
    const sp_error *err = spi_ws_client_error(e.c);
    assert_int_equal(err->http_status, 500);
    assert_int_equal(err->cim_status, 6);
    assert_string_equal(err->message,
                        "cannot Get 'Msvm_ComputerSystem': Not found "
                        "(w:InternalError, CIM_ERR_NOT_FOUND, 0x80041002)");
    sp_cim_path_free(p);
    stop(&e);
}

static void test_enumerate_pages(void **state)
{
    (void)state;
    struct env e;
    start(&e);
    answer(&e, "enumerate-context", 200);
    answer(&e, "pull-epr-only", 200);
    answer(&e, "pull-with-epr", 200);
    connect_client(&e, "pw");
    struct spi_ws_query q = {.cls = "Msvm_ComputerSystem", .with_epr = true};
    size_t n = 0;
    assert_int_equal(spi_ws_enumerate(e.c, &q, NULL, NULL, &n), SP_OK);
    assert_int_equal(n, 2);
    assert_int_equal(e.fix.requests, 3);
    /* one kept-alive connection for the three */
    assert_int_equal(e.fix.connections, 1);
    stop(&e);
}

static void test_refused(void **state)
{
    (void)state;
    struct env e;
    start(&e);
    answer(&e, "get-computersystem", 200);
    connect_client(&e, "wrong");
    sp_cim_path *p = vm_path();
    sp_cim_instance *i = NULL;
    assert_int_equal(spi_ws_get(e.c, p, &i), SP_ERR_AUTH);
    assert_int_equal(sp_error_exit_code(spi_ws_client_error(e.c)),
                     SP_EXIT_CONNECT);
    assert_null(strstr(spi_ws_client_error(e.c)->message, "wrong"));
    sp_cim_path_free(p);
    stop(&e);
}

/* A 500 that is no SOAP fault, and a body cut in the middle. */
static void test_broken(void **state)
{
    (void)state;
    struct env e;
    start(&e);
    httpfix_reply(&e.fix, &(struct httpfix_reply){.status = 500,
                                                  .body = "<html>oops</html>",
                                                  .content_type = "text/html"});
    connect_client(&e, "pw");
    sp_cim_path *p = vm_path();
    assert_int_equal(spi_ws_delete(e.c, p), SP_ERR_HTTP);
    assert_int_equal(spi_ws_client_error(e.c)->http_status, 500);
    stop(&e);

    start(&e);
    size_t len;
    e.bodies[0] = tu_read_file(
        tu_path(tu_srcdir(),
                "tests/data/wsman/responses/enumerate-optimized.xml"),
        &len);
    httpfix_reply(&e.fix, &(struct httpfix_reply){.body = e.bodies[0],
                                                  .len = len,
                                                  .content_type = SOAP,
                                                  .mode = HF_DROP_MIDBODY});
    connect_client(&e, "pw");
    struct spi_ws_query q = {.cls = "Msvm_ComputerSystem"};
    size_t n = 0;
    sp_code rc = spi_ws_enumerate(e.c, &q, NULL, NULL, &n);
    assert_true(rc == SP_ERR_CONNECTION_LOST || rc == SP_ERR_PROTOCOL);
    sp_cim_path_free(p);
    stop(&e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_get),
        cmocka_unit_test(test_fault_500),
        cmocka_unit_test(test_enumerate_pages),
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_broken),
    };
    return cmocka_run_group_tests_name("wsman_http", tests, NULL, NULL);
}
