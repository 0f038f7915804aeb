/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* tests/unit/test_wsman_sim.c: the WS-Management client against a real
 * hyperv-sim over HTTP (lib/http): every operation it serves, each fault
 * kind, jobs, a large enumeration. */
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "http/http.h"
#include "testutil.h"
#include "wsman/client.h"

#define VS   "root/virtualization/v2"
#define USER "admin"
#define PASS "n0t-s3cret"

struct sim {
    pid_t pid;
    int port;
    char dir[4096];
    char url[128];
    struct spi_http http;
    struct spi_ws_client *c;
};

/* hyperv-sim from the build tree on a free port, Basic auth, with the
 * options @extra (NULL-terminated, or NULL). */
static void sim_start_with(struct sim *s, const char *const *extra,
                           unsigned int max_elements, size_t max_item_bytes)
{
    const char *build = getenv("SANPROV_BUILD");
    char bin[4200];
    snprintf(bin, sizeof(bin), "%s/bin/hyperv-sim", build ? build : "build");
    if (access(bin, X_OK) != 0)
        tu_skip("%s is not built (make)", bin);
    char *abs = realpath(tu_outdir(), NULL);
    snprintf(s->dir, sizeof(s->dir), "%s/wsman-sim-%d", abs, (int)getpid());
    free(abs);
    char cmd[20000];
    snprintf(cmd, sizeof(cmd),
             "rm -rf '%s' && mkdir -p '%s' && printf %%s '" PASS
             "' >'%s/pw' && chmod 600 '%s/pw'",
             s->dir, s->dir, s->dir, s->dir);
    assert_int_equal(system(cmd), 0);
    char portfile[4200];
    snprintf(portfile, sizeof(portfile), "%s/port", s->dir);
    unlink(portfile);
    s->pid = fork();
    if (s->pid == 0) {
        char pw[4200];
        snprintf(pw, sizeof(pw), "%s/pw", s->dir);
        if (!freopen("/dev/null", "w", stdout))
            _exit(127);
        const char *argv[32] = {bin,           "--listen",        "127.0.0.1:0",
                                "--port-file", portfile,          "--user",
                                USER,          "--password-file", pw};
        int n = 9;
        for (size_t i = 0; extra && extra[i] && n < 31; i++)
            argv[n++] = extra[i];
        argv[n] = NULL;
        execv(bin, (char *const *)argv);
        _exit(127);
    }
    s->port = 0;
    for (int i = 0; i < 200 && !s->port; i++) {
        FILE *f = fopen(portfile, "r");
        if (!f || fscanf(f, "%d", &s->port) != 1)
            s->port = 0;
        if (f)
            fclose(f);
        if (!s->port)
            usleep(50000);
    }
    if (!s->port)
        fail_msg("hyperv-sim did not start");
    snprintf(s->url, sizeof(s->url), "http://127.0.0.1:%d/wsman", s->port);
    sp_error err;
    assert_int_equal(spi_http_init(&s->http, s->url, "/wsman", "host", &err),
                     SP_OK);
    assert_int_equal(
        spi_http_set_auth(&s->http, SPI_HTTP_AUTH_BASIC, USER, PASS, &err),
        SP_OK);
    struct spi_ws_client_opts o = {.to = s->url,
                                   .style = SPI_WS_STYLE_WMI,
                                   .default_ns = VS,
                                   .max_elements = max_elements,
                                   .max_item_bytes = max_item_bytes,
                                   .job_timeout_s = 30};
    struct spi_ws_transport t = spi_ws_http_transport(&s->http);
    s->c = spi_ws_client_new(&o, &t);
}

static void sim_start(struct sim *s, const char *const *extra)
{
    sim_start_with(s, extra, 2, 0);
}

static void sim_stop(struct sim *s)
{
    spi_ws_client_free(s->c);
    spi_http_release(&s->http);
    kill(s->pid, SIGTERM);
    waitpid(s->pid, NULL, 0);
}

static sp_cim_path *host_path(void)
{
    sp_cim_path *p = sp_cim_path_new(NULL, VS, "Msvm_ComputerSystem");
    sp_cim_path_set_key(
        p, "CreationClassName",
        sp_cim_value_new_string(SP_CIM_STRING, "Msvm_ComputerSystem"));
    sp_cim_path_set_key(p, "Name",
                        sp_cim_value_new_string(SP_CIM_STRING, "HV01"));
    return p;
}

static sp_cim_path *vsms_path(void)
{
    sp_cim_path *p =
        sp_cim_path_new(NULL, VS, "Msvm_VirtualSystemManagementService");
    sp_cim_path_set_key(
        p, "CreationClassName",
        sp_cim_value_new_string(SP_CIM_STRING,
                                "Msvm_VirtualSystemManagementService"));
    sp_cim_path_set_key(p, "Name",
                        sp_cim_value_new_string(SP_CIM_STRING, "vmms"));
    sp_cim_path_set_key(
        p, "SystemCreationClassName",
        sp_cim_value_new_string(SP_CIM_STRING, "Msvm_ComputerSystem"));
    sp_cim_path_set_key(p, "SystemName",
                        sp_cim_value_new_string(SP_CIM_STRING, "HV01"));
    return p;
}

/* DefineSystem of a generation 2 VM @name; its Msvm_ComputerSystem path
 * in *@vm (may be NULL).  Returns the code. */
static sp_code define(struct sim *s, const char *name, sp_cim_path **vm)
{
    sp_cim_instance *vssd =
        sp_cim_instance_new("Msvm_VirtualSystemSettingData");
    sp_cim_instance_set(vssd, "ElementName",
                        sp_cim_value_new_string(SP_CIM_STRING, name));
    sp_cim_instance_set(
        vssd, "VirtualSystemSubType",
        sp_cim_value_new_string(SP_CIM_STRING, "Microsoft:Hyper-V:SubType:2"));
    sp_cim_args *in = sp_cim_args_new();
    sp_cim_args_set(in, "SystemSettings", sp_cim_value_take_instance(vssd));
    sp_cim_path *svc = vsms_path();
    sp_cim_args *out = NULL;
    char what[128];
    snprintf(what, sizeof(what), "cannot define '%s'", name);
    sp_code rc = spi_ws_invoke_job(s->c, svc, "DefineSystem", in, what, &out);
    if (!rc && vm) {
        const sp_cim_path *p =
            sp_cim_value_get_ref(sp_cim_args_get(out, "ResultingSystem"));
        assert_non_null(p);
        *vm = sp_cim_path_copy(p);
    }
    if (rc)
        printf("# %s\n", spi_ws_client_error(s->c)->message);
    sp_cim_args_free(out);
    sp_cim_args_free(in);
    sp_cim_path_free(svc);
    return rc;
}

struct names {
    int n;
    sp_buf all;
    int stop_at;
};

static int collect(struct spi_ws_item *it, void *ctx)
{
    struct names *x = ctx;
    const char *name =
        it->inst ? sp_cim_instance_get_string(it->inst, "ElementName") : NULL;
    if (!name && it->epr)
        name = sp_cim_value_get_string(sp_cim_path_get_key(it->epr, "Name"));
    sp_buf_addf(&x->all, "%s%s", x->n ? "," : "", name ? name : "?");
    return ++x->n == x->stop_at;
}

/* Get, Enumerate with Pulls, WQL, associators, methods and their jobs. */
static void test_operations(void **state)
{
    (void)state;
    static const char *const extra[] = {"--job-seconds", "0.3", NULL};
    struct sim s = {0};
    sim_start(&s, extra);
    sp_cim_path *host = host_path();
    sp_cim_instance *i = NULL;
    assert_int_equal(spi_ws_get(s.c, host, &i), SP_OK);
    assert_string_equal(sp_cim_instance_get_string(i, "ElementName"), "HV01");
    sp_cim_instance_free(i);

    sp_cim_path *web01 = NULL;
    assert_int_equal(define(&s, "web01", &web01), SP_OK);
    assert_int_equal(define(&s, "web02", NULL), SP_OK);
    assert_int_equal(define(&s, "web03", NULL), SP_OK);
    assert_int_equal(spi_ws_get(s.c, web01, &i), SP_OK);
    assert_string_equal(sp_cim_instance_get_string(i, "ElementName"), "web01");
    sp_cim_instance_free(i);

    /* 4 systems, 2 a page: an Enumerate and Pulls to the end. */
    uint64_t before = spi_ws_client_requests(s.c);
    struct names x = {.all = SP_BUF_INIT(1 << 16)};
    struct spi_ws_query q = {.cls = "Msvm_ComputerSystem", .with_epr = true};
    size_t n = 0;
    assert_int_equal(spi_ws_enumerate(s.c, &q, collect, &x, &n), SP_OK);
    assert_int_equal(n, 4);
    assert_string_equal(sp_buf_cstr(&x.all), "HV01,web01,web02,web03");
    assert_true(spi_ws_client_requests(s.c) - before >= 2);
    sp_buf_release(&x.all);

    /* WQL */
    x = (struct names){.all = SP_BUF_INIT(1 << 16)};
    q = (struct spi_ws_query){
        .ns = VS,
        .wql = "SELECT * FROM Msvm_ComputerSystem WHERE ElementName = "
               "'web02'"};
    assert_int_equal(spi_ws_enumerate(s.c, &q, collect, &x, &n), SP_OK);
    assert_string_equal(sp_buf_cstr(&x.all), "web02");
    sp_buf_release(&x.all);

    /* associators: the VM's settings */
    x = (struct names){.all = SP_BUF_INIT(1 << 16)};
    q = (struct spi_ws_query){.assoc_object = web01,
                              .assoc_class = "Msvm_SettingsDefineState",
                              .result_class = "Msvm_VirtualSystemSettingData"};
    assert_int_equal(spi_ws_enumerate(s.c, &q, collect, &x, &n), SP_OK);
    assert_string_equal(sp_buf_cstr(&x.all), "web01");
    sp_buf_release(&x.all);

    /* a stop releases the enumeration */
    x = (struct names){.all = SP_BUF_INIT(1 << 16), .stop_at = 1};
    q = (struct spi_ws_query){.cls = "Msvm_ComputerSystem"};
    assert_int_equal(spi_ws_enumerate(s.c, &q, collect, &x, &n),
                     SP_ERR_CANCELLED);
    assert_int_equal(n, 1);
    sp_buf_release(&x.all);

    /* RequestStateChange: start web01, a job */
    sp_cim_args *in = sp_cim_args_new();
    sp_cim_args_set(in, "RequestedState",
                    sp_cim_value_new_uint(SP_CIM_UINT16, 2));
    assert_int_equal(spi_ws_invoke_job(s.c, web01, "RequestStateChange", in,
                                       "cannot start 'web01'", NULL),
                     SP_OK);
    sp_cim_args_free(in);
    assert_int_equal(spi_ws_get(s.c, web01, &i), SP_OK);
    uint64_t st = 0;
    assert_true(sp_cim_instance_get_uint(i, "EnabledState", &st));
    assert_int_equal(st, 2);
    sp_cim_instance_free(i);

    sp_cim_path_free(web01);
    sp_cim_path_free(host);
    sim_stop(&s);
}

/* Each fault kind the simulator gives, as sanprov errors. */
static void test_faults(void **state)
{
    (void)state;
    static const char *const extra[] = {"--job-seconds",
                                        "0.2",
                                        "--fail",
                                        "Get:2:6",
                                        "--fail",
                                        "Enumerate:1:5",
                                        "--fail",
                                        "DefineSystem:2:32775",
                                        "--job-fail",
                                        "2",
                                        NULL};
    struct sim s = {0};
    sim_start(&s, extra);
    sp_cim_path *host = host_path();
    sp_cim_instance *i = NULL;
    assert_int_equal(spi_ws_get(s.c, host, &i), SP_OK);
    sp_cim_instance_free(i);
    /* a WMI error object: not found */
    assert_int_equal(spi_ws_get(s.c, host, &i), SP_ERR_NOT_FOUND);
    const sp_error *e = spi_ws_client_error(s.c);
    assert_int_equal(e->cim_status, 6);
    printf("# %s\n", e->message);
    assert_non_null(strstr(e->message, "cannot Get 'Msvm_ComputerSystem': "));
    assert_non_null(strstr(e->message, "CIM_ERR_NOT_FOUND"));
    assert_int_equal(sp_error_exit_code(e), SP_EXIT_NOT_FOUND);
    /* another CIM status: a WS-Management fault */
    struct spi_ws_query q = {.cls = "Msvm_ComputerSystem"};
    assert_int_equal(spi_ws_enumerate(s.c, &q, NULL, NULL, NULL), SP_ERR_WSMAN);
    assert_non_null(
        strstr(spi_ws_client_error(s.c)->message, "CIM_ERR_INVALID_CLASS"));
    /* a job that fails (the first define's job is job 1) */
    assert_int_equal(define(&s, "ok1", NULL), SP_OK);
    /* a ReturnValue */
    assert_int_equal(define(&s, "rv", NULL), SP_ERR_CIM);
    assert_non_null(strstr(spi_ws_client_error(s.c)->message,
                           "DefineSystem returned 32775 (invalid state for "
                           "this operation)"));
    assert_int_equal(define(&s, "jobfail", NULL), SP_ERR_CIM);
    assert_non_null(strstr(spi_ws_client_error(s.c)->message,
                           "cannot define 'jobfail': the job failed on the "
                           "host (job "));
    /* an object that is not there */
    sp_cim_path *ghost = sp_cim_path_new(NULL, VS, "Msvm_ComputerSystem");
    sp_cim_path_set_key(
        ghost, "CreationClassName",
        sp_cim_value_new_string(SP_CIM_STRING, "Msvm_ComputerSystem"));
    sp_cim_path_set_key(ghost, "Name",
                        sp_cim_value_new_string(SP_CIM_STRING, "NOPE"));
    assert_int_equal(spi_ws_get(s.c, ghost, &i), SP_ERR_NOT_FOUND);
    printf("# %s\n", spi_ws_client_error(s.c)->message);
    /* a class the host does not have */
    sp_cim_path *nocls = sp_cim_path_new(NULL, VS, "Msvm_NoSuchClass");
    assert_int_equal(spi_ws_get(s.c, nocls, &i), SP_ERR_NOT_FOUND);
    printf("# %s\n", spi_ws_client_error(s.c)->message);
    sp_cim_path_free(nocls);
    sp_cim_path_free(ghost);
    sp_cim_path_free(host);
    sim_stop(&s);
}

static void test_auth_and_drop(void **state)
{
    (void)state;
    static const char *const extra[] = {"--drop", "Get:1", NULL};
    struct sim s = {0};
    sim_start(&s, extra);
    sp_cim_path *host = host_path();
    sp_cim_instance *i = NULL;
    /* a Get (read-only) cut in the middle: an error, never half an
     * instance */
    sp_code rc = spi_ws_get(s.c, host, &i);
    printf("# %s\n", spi_ws_client_error(s.c)->message);
    assert_true(rc == SP_ERR_CONNECTION_LOST || rc == SP_ERR_PROTOCOL);
    assert_null(i);
    assert_int_equal(spi_ws_get(s.c, host, &i), SP_OK);
    sp_cim_instance_free(i);
    /* a wrong password */
    sp_error err;
    assert_int_equal(
        spi_http_set_auth(&s.http, SPI_HTTP_AUTH_BASIC, USER, "wrong", &err),
        SP_OK);
    assert_int_equal(spi_ws_get(s.c, host, &i), SP_ERR_AUTH);
    printf("# %s\n", spi_ws_client_error(s.c)->message);
    assert_int_equal(sp_error_exit_code(spi_ws_client_error(s.c)),
                     SP_EXIT_CONNECT);
    sp_cim_path_free(host);
    sim_stop(&s);
}

static int count_only(struct spi_ws_item *it, void *ctx)
{
    (void)it;
    ++*(size_t *)ctx;
    return 0;
}

/* 10,000 VMs enumerated 500 a page through an 8 KiB cap on what the
 * decoder holds: a page (some 380 KB) is never held whole, and a page's
 * memory goes with its answer.  (make bench measures the peak RSS.) */
static void test_large_enumeration(void **state)
{
    (void)state;
    struct sim s = {0};
    sim_start_with(&s, NULL, 500, 8192);
    for (int i = 0; i < 10000; i++) {
        char name[32];
        snprintf(name, sizeof(name), "vm%05d", i);
        assert_int_equal(define(&s, name, NULL), SP_OK);
    }
    uint64_t before = spi_ws_client_requests(s.c);
    size_t seen = 0, n = 0;
    struct spi_ws_query q = {.cls = "Msvm_ComputerSystem"};
    assert_int_equal(spi_ws_enumerate(s.c, &q, count_only, &seen, &n), SP_OK);
    assert_int_equal(n, 10001);
    assert_int_equal(seen, 10001);
    /* one Enumerate and a Pull for each further page */
    assert_int_equal(spi_ws_client_requests(s.c) - before, 21);
    sim_stop(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_operations),
        cmocka_unit_test(test_faults),
        cmocka_unit_test(test_auth_and_drop),
        cmocka_unit_test(test_large_enumeration),
    };
    return cmocka_run_group_tests_name("wsman_sim", tests, NULL, NULL);
}
