/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* tests/unit/test_wsman.c: the WS-Management codec, table-driven: every
 * request form against reviewed recordings, every response form and fault,
 * hostile input, bounded memory. */
#include "testutil.h"
#include "wsman/wsman.h"

#define MSGID "uuid:6a7c1c1e-0f4e-4b39-9c53-2d1d8a1f0001"
#define VS    "root/virtualization/v2"

static const struct spi_ws_peer wmi = {
    .to = "http://hv01.example.net:5985/wsman",
    .style = SPI_WS_STYLE_WMI,
    .default_ns = VS,
};
static const struct spi_ws_peer dmtf = {
    .to = "https://cimom.example.net:5986/wsman",
    .style = SPI_WS_STYLE_CIM,
    .default_ns = "root/cimv2",
};

/* ---- requests ---------------------------------------------------------- */

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

static sp_cim_path *class_path(const char *ns, const char *cls)
{
    return sp_cim_path_new(NULL, ns, cls);
}

/* Msvm_VirtualSystemSettingData as DefineSystem takes it. */
static sp_cim_instance *vssd(void)
{
    sp_cim_instance *i = sp_cim_instance_new("Msvm_VirtualSystemSettingData");
    sp_cim_instance_set(i, "ElementName",
                        sp_cim_value_new_string(SP_CIM_STRING, "web01"));
    sp_cim_instance_set(
        i, "VirtualSystemSubType",
        sp_cim_value_new_string(SP_CIM_STRING, "Microsoft:Hyper-V:SubType:2"));
    sp_cim_value *notes = sp_cim_value_new_array(SP_CIM_STRING);
    sp_cim_value_append(notes, sp_cim_value_new_string(
                                   SP_CIM_STRING, "sanprov vm:hv01:4a1e <&>"));
    sp_cim_instance_set(i, "Notes", notes);
    return i;
}

static void make_request(const char *name, sp_buf *b)
{
    struct spi_ws_request rq = {.msgid = MSGID,
                                .timeout_ms = 60000,
                                .max_envelope = 512000,
                                .locale = "en-US"};
    const struct spi_ws_peer *peer = &wmi;
    sp_cim_path *t = NULL, *obj = NULL;
    sp_cim_instance *inst = NULL;
    sp_cim_args *args = NULL;
    if (strcmp(name, "get") == 0) {
        rq.op = SPI_WS_GET;
        t = vm_path();
    } else if (strcmp(name, "get-dmtf") == 0) {
        peer = &dmtf;
        rq.op = SPI_WS_GET;
        t = class_path("root/interop", "CIM_RegisteredProfile");
        sp_cim_path_set_key(
            t, "InstanceID",
            sp_cim_value_new_string(SP_CIM_STRING, "DMTF+Base Server+1.0.0"));
    } else if (strcmp(name, "delete") == 0) {
        rq.op = SPI_WS_DELETE;
        t = vm_path();
    } else if (strcmp(name, "put") == 0) {
        rq.op = SPI_WS_PUT;
        t = class_path(VS, "Msvm_VirtualSystemSettingData");
        sp_cim_path_set_key(
            t, "InstanceID",
            sp_cim_value_new_string(SP_CIM_STRING, "Microsoft:4A1E3B7C-9D2F"));
        inst = vssd();
        rq.instance = inst;
    } else if (strcmp(name, "create-dmtf") == 0) {
        peer = &dmtf;
        rq.op = SPI_WS_CREATE;
        t = class_path("root/cimv2", "CIM_StorageHardwareID");
        inst = sp_cim_instance_new("CIM_StorageHardwareID");
        sp_cim_instance_set(
            inst, "StorageID",
            sp_cim_value_new_string(SP_CIM_STRING,
                                    "iqn.1991-05.com.microsoft:hv01"));
        sp_cim_instance_set(inst, "IDType",
                            sp_cim_value_new_uint(SP_CIM_UINT16, 5));
        sp_cim_instance_set(inst, "ElementName",
                            sp_cim_value_new_null(SP_CIM_STRING, false));
        rq.instance = inst;
    } else if (strcmp(name, "enumerate") == 0) {
        rq.op = SPI_WS_ENUMERATE;
        t = class_path(VS, "Msvm_ComputerSystem");
        rq.max_elements = 100;
        rq.with_epr = true;
    } else if (strcmp(name, "enumerate-wql") == 0) {
        rq.op = SPI_WS_ENUMERATE;
        t = class_path("root/Microsoft/Windows/Storage", "*");
        rq.filter = SPI_WS_FILTER_WQL;
        rq.wql = "SELECT * FROM MSFT_Disk WHERE UniqueId = '6001405ABCDEF' "
                 "AND Number < 10";
        rq.max_elements = 32000;
    } else if (strcmp(name, "enumerate-associators") == 0) {
        rq.op = SPI_WS_ENUMERATE;
        t = class_path(VS, "*");
        rq.filter = SPI_WS_FILTER_ASSOCIATORS;
        obj = vm_path();
        rq.assoc_object = obj;
        rq.assoc_class = "Msvm_SettingsDefineState";
        rq.result_class = "Msvm_VirtualSystemSettingData";
        rq.role = "ManagedElement";
        rq.result_role = "SettingData";
        rq.epr_only = true;
    } else if (strcmp(name, "enumerate-references") == 0) {
        peer = &dmtf;
        rq.op = SPI_WS_ENUMERATE;
        t = class_path("root/cimv2", "CIM_SystemDevice");
        rq.filter = SPI_WS_FILTER_REFERENCES;
        obj = class_path("root/cimv2", "CIM_ComputerSystem");
        sp_cim_path_set_key(obj, "Name",
                            sp_cim_value_new_string(SP_CIM_STRING, "hv01"));
        rq.assoc_object = obj;
        rq.assoc_class = "CIM_SystemDevice";
        rq.role = "GroupComponent";
    } else if (strcmp(name, "pull") == 0) {
        rq.op = SPI_WS_PULL;
        t = class_path(VS, "Msvm_ComputerSystem");
        rq.context = "uuid:2E6D1D44-8B5C-4D3F-A021-BC23DE45F067";
        rq.max_elements = 50;
    } else if (strcmp(name, "release") == 0) {
        rq.op = SPI_WS_RELEASE;
        t = class_path(VS, "Msvm_ComputerSystem");
        rq.context = "uuid:2E6D1D44-8B5C-4D3F-A021-BC23DE45F067";
    } else if (strcmp(name, "invoke-define-system") == 0) {
        rq.op = SPI_WS_INVOKE;
        t = class_path(VS, "Msvm_VirtualSystemManagementService");
        sp_cim_path_set_key(
            t, "CreationClassName",
            sp_cim_value_new_string(SP_CIM_STRING,
                                    "Msvm_VirtualSystemManagementService"));
        sp_cim_path_set_key(t, "Name",
                            sp_cim_value_new_string(SP_CIM_STRING, "vmms"));
        sp_cim_path_set_key(
            t, "SystemCreationClassName",
            sp_cim_value_new_string(SP_CIM_STRING, "Msvm_ComputerSystem"));
        sp_cim_path_set_key(t, "SystemName",
                            sp_cim_value_new_string(SP_CIM_STRING, "HV01"));
        rq.method = "DefineSystem";
        args = sp_cim_args_new();
        sp_cim_args_set(args, "SystemSettings",
                        sp_cim_value_take_instance(vssd()));
        sp_cim_args_set(args, "ResourceSettings",
                        sp_cim_value_new_array(SP_CIM_INSTANCE));
        sp_cim_args_set(args, "ReferenceConfiguration",
                        sp_cim_value_new_null(SP_CIM_REFERENCE, false));
        rq.params = args;
    } else if (strcmp(name, "invoke-request-state-change") == 0) {
        rq.op = SPI_WS_INVOKE;
        t = vm_path();
        rq.method = "RequestStateChange";
        args = sp_cim_args_new();
        sp_cim_args_set(args, "RequestedState",
                        sp_cim_value_new_uint(SP_CIM_UINT16, 2));
        sp_cim_args_set(args, "TimeoutPeriod",
                        sp_cim_value_new_string(SP_CIM_DATETIME,
                                                "00000000000100.000000:000"));
        sp_cim_args_set(args, "Force", sp_cim_value_new_bool(true));
        rq.params = args;
    } else if (strcmp(name, "invoke-add-resource") == 0) {
        rq.op = SPI_WS_INVOKE;
        t = class_path(VS, "Msvm_VirtualSystemManagementService");
        sp_cim_path_set_key(t, "Name",
                            sp_cim_value_new_string(SP_CIM_STRING, "vmms"));
        rq.method = "AddResourceSettings";
        args = sp_cim_args_new();
        sp_cim_path *vs = class_path(VS, "Msvm_VirtualSystemSettingData");
        sp_cim_path_set_key(
            vs, "InstanceID",
            sp_cim_value_new_string(SP_CIM_STRING, "Microsoft:4A1E3B7C-9D2F"));
        sp_cim_args_set(args, "AffectedConfiguration",
                        sp_cim_value_take_ref(vs));
        sp_cim_value *rs = sp_cim_value_new_array(SP_CIM_INSTANCE);
        sp_cim_instance *disk =
            sp_cim_instance_new("Msvm_StorageAllocationSettingData");
        sp_cim_instance_set(disk, "ResourceType",
                            sp_cim_value_new_uint(SP_CIM_UINT16, 31));
        sp_cim_value *hr = sp_cim_value_new_array(SP_CIM_STRING);
        sp_cim_value_append(
            hr, sp_cim_value_new_string(SP_CIM_STRING, "D:\\vms\\web01.vhdx"));
        sp_cim_instance_set(disk, "HostResource", hr);
        sp_cim_value_append(rs, sp_cim_value_take_instance(disk));
        sp_cim_args_set(args, "ResourceSettings", rs);
        rq.params = args;
    } else {
        fail_msg("no request '%s'", name);
    }
    rq.target = t;
    spi_ws_encode(b, peer, &rq);
    sp_cim_path_free(t);
    sp_cim_path_free(obj);
    sp_cim_instance_free(inst);
    sp_cim_args_free(args);
}

static const char *const requests[] = {
    "get",
    "get-dmtf",
    "delete",
    "put",
    "create-dmtf",
    "enumerate",
    "enumerate-wql",
    "enumerate-associators",
    "enumerate-references",
    "pull",
    "release",
    "invoke-define-system",
    "invoke-request-state-change",
    "invoke-add-resource",
};

static void test_request(void **state)
{
    const char *name = *state;
    sp_buf b = SP_BUF_INIT(1u << 20);
    make_request(name, &b);
    assert_false(sp_buf_overflowed(&b));
    char *path = tu_path(tu_outdir(), "wsman-req-%s.xml", name);
    tu_write_file(path, b.data, b.len);
    /* Well-formed and namespace-well-formed XML (no schema: see
     * tests/data/wsman/README). */
    char cmd[4200];
    snprintf(cmd, sizeof(cmd), "xmllint --noout '%s'", path);
    assert_int_equal(system(cmd), 0);
    tu_check_expected(
        tu_path(tu_srcdir(), "tests/data/wsman/requests/%s.xml", name), b.data,
        b.len);
    sp_buf_release(&b);
}

/* ---- responses ---------------------------------------------------------- */

struct dumpctx {
    sp_buf out;
    size_t n;
};

static int dump_item(struct spi_ws_item *it, void *ctx)
{
    struct dumpctx *d = ctx;
    sp_buf_addf(&d->out, "item %zu\n", ++d->n);
    spi_ws_dump_item(&d->out, it);
    return 0;
}

static char *decode_dump(const char *data, size_t len, size_t chunk,
                         size_t max_item, const char *expect)
{
    struct dumpctx d = {.out = SP_BUF_INIT(1u << 26)};
    struct spi_ws_decode_opts o = {.peer = &wmi,
                                   .expect_relates_to = expect,
                                   .max_item_bytes = max_item,
                                   .fn = dump_item,
                                   .ctx = &d};
    struct spi_ws_decoder *dec = spi_ws_decoder_new(&o);
    sp_error err;
    sp_code rc = SP_OK;
    size_t step = chunk ? chunk : len;
    for (size_t off = 0; off < len && !rc; off += step)
        rc = spi_ws_decoder_feed(dec, data + off,
                                 len - off < step ? len - off : step, &err);
    struct spi_ws_response *r = NULL;
    if (!rc)
        rc = spi_ws_decoder_finish(dec, &r, &err);
    spi_ws_decoder_free(dec);
    if (rc) {
        sp_buf_addf(&d.out, "failed: %s: %s\n", sp_strerror(rc), err.message);
    } else {
        spi_ws_dump_response(&d.out, r);
        spi_ws_response_free(r);
    }
    return sp_buf_detach(&d.out, NULL);
}

static const struct response {
    const char *name; /* tests/data/wsman/{responses,hostile}/NAME.xml */
    bool hostile;
} responses[] = {
    {"get-computersystem", false},
    {"get-job-exception", false},
    {"get-job-running", false},
    {"get-job-completed", false},
    {"invoke-invalid-state", false},
    {"enumerate-optimized", false},
    {"enumerate-context", false},
    {"pull-with-epr", false},
    {"pull-epr-only", false},
    {"create-dmtf", false},
    {"delete", false},
    {"release", false},
    {"invoke-job-started", false},
    {"invoke-done", false},
    {"fault-wmi-not-found", false},
    {"fault-invalid-selectors", false},
    {"fault-destination-unreachable", false},
    {"fault-access-denied", false},
    {"fault-timed-out", false},
    {"fault-encoding-limit", false},
    {"fault-msvm-error", false},
    {"billion-laughs", true},
    {"xxe", true},
    {"undefined-entity", true},
    {"processing-instruction", true},
    {"soap11", true},
    {"truncated", true},
    {"epr-no-uri", true},
    {"relates-to-other", true},
    {"no-relates-to", true},
    {"no-body", true},
    {"selector-no-name", true},
    {"fault-no-code", true},
    {"empty", true},
};

static void test_response(void **state)
{
    const struct response *f = *state;
    size_t len;
    char *data =
        tu_read_file(tu_path(tu_srcdir(), "tests/data/wsman/%s/%s.xml",
                             f->hostile ? "hostile" : "responses", f->name),
                     &len);
    char *whole = decode_dump(data, len, 0, 0, MSGID);
    char *bytes = decode_dump(data, len, 1, 0, MSGID);
    char *odd = decode_dump(data, len, 13, 0, MSGID);
    /* Streaming must not depend on how the bytes arrive. */
    assert_string_equal(whole, bytes);
    assert_string_equal(whole, odd);
    tu_check_expected(
        tu_path(tu_srcdir(), "tests/data/expected/wsman-%s.txt", f->name),
        whole, strlen(whole));
    /* A failed decode is a line of its own ("as error: ..." is a fault
     * decoded). */
    bool failed = strncmp(whole, "failed: ", 8) == 0 ||
                  strstr(whole, "\nfailed: ") != NULL;
    assert_int_equal(failed, f->hostile);
    assert_null(strstr(whole, "root:x:0:0"));
    free(whole);
    free(bytes);
    free(odd);
    free(data);
}

/* ---- bounded memory and limits ------------------------------------------ */

#define ENV_HEAD                                                               \
    "<s:Envelope xmlns:s=\"" SPI_WS_NS_SOAP "\" xmlns:a=\"" SPI_WS_NS_ADDR     \
    "\" xmlns:w=\"" SPI_WS_NS_WSMAN "\" xmlns:n=\"" SPI_WS_NS_ENUM             \
    "\"><s:Header><a:RelatesTo>" MSGID "</a:RelatesTo></s:Header><s:Body>"

struct counter {
    size_t n;
    bool names_ok;
};

static int count_item(struct spi_ws_item *it, void *ctx)
{
    struct counter *c = ctx;
    char want[32];
    snprintf(want, sizeof(want), "disk%zu", c->n);
    const char *got = sp_cim_instance_get_string(it->inst, "Name");
    c->names_ok &= got && strcmp(got, want) == 0;
    c->n++;
    return 0;
}

/* 10,000 objects of ~1 KiB each through a 4 KiB cap: the cap holds one
 * object, so the enumeration is never held whole. */
static void test_many_items_bounded(void **state)
{
    (void)state;
    struct counter c = {.names_ok = true};
    struct spi_ws_decode_opts o = {
        .peer = &wmi, .max_item_bytes = 4096, .fn = count_item, .ctx = &c};
    struct spi_ws_decoder *d = spi_ws_decoder_new(&o);
    sp_error err;
    static const char head[] = ENV_HEAD "<n:EnumerateResponse><w:Items>";
    assert_int_equal(spi_ws_decoder_feed(d, head, strlen(head), &err), SP_OK);
    char pad[800];
    memset(pad, 'x', sizeof(pad) - 1);
    pad[sizeof(pad) - 1] = '\0';
    for (int i = 0; i < 10000; i++) {
        char item[1200];
        int n = snprintf(item, sizeof(item),
                         "<p:MSFT_Disk xmlns:p=\"" SPI_WS_URI_WMI
                         "/root/Microsoft/Windows/Storage/MSFT_Disk\">"
                         "<p:Name>disk%d</p:Name><p:Pad>%s</p:Pad>"
                         "</p:MSFT_Disk>\n",
                         i, pad);
        assert_int_equal(spi_ws_decoder_feed(d, item, (size_t)n, &err), SP_OK);
    }
    static const char tail[] = "</w:Items><w:EndOfSequence/>"
                               "</n:EnumerateResponse></s:Body></s:Envelope>";
    assert_int_equal(spi_ws_decoder_feed(d, tail, strlen(tail), &err), SP_OK);
    struct spi_ws_response *r = NULL;
    assert_int_equal(spi_ws_decoder_finish(d, &r, &err), SP_OK);
    assert_int_equal(r->nitems, 10000);
    assert_int_equal(c.n, 10000);
    assert_true(c.names_ok);
    assert_true(r->end);
    spi_ws_response_free(r);
    spi_ws_decoder_free(d);
}

static void test_item_too_large(void **state)
{
    (void)state;
    sp_buf b = SP_BUF_INIT(1u << 22);
    sp_buf_addstr(&b, ENV_HEAD "<n:EnumerateResponse><w:Items><p:X "
                               "xmlns:p=\"urn:x\"><p:Y>");
    for (int i = 0; i < 100000; i++)
        sp_buf_addstr(&b, "yyyyyyyyyy");
    sp_buf_addstr(&b, "</p:Y></p:X></w:Items></n:EnumerateResponse>"
                      "</s:Body></s:Envelope>");
    char *out = decode_dump(b.data, b.len, 4096, 64 << 10, NULL);
    assert_non_null(strstr(out, "failed: too large: response has an object "
                                "larger than 65536 bytes"));
    free(out);
    sp_buf_release(&b);
    /* Text outside any object is charged too: a body of blanks and junk
     * elements stops at the cap. */
    b = (sp_buf)SP_BUF_INIT(1u << 22);
    sp_buf_addstr(&b, ENV_HEAD "<p:X xmlns:p=\"urn:x\">");
    for (int i = 0; i < 20000; i++)
        sp_buf_addstr(&b, "<p:J>junk</p:J>");
    sp_buf_addstr(&b, "</p:X></s:Body></s:Envelope>");
    out = decode_dump(b.data, b.len, 4096, 64 << 10, NULL);
    assert_non_null(strstr(out, "failed: too large: "));
    free(out);
    sp_buf_release(&b);
}

static void test_deep_nesting(void **state)
{
    (void)state;
    sp_buf b = SP_BUF_INIT(1u << 20);
    sp_buf_addstr(&b, ENV_HEAD);
    for (int i = 0; i < 100; i++)
        sp_buf_addstr(&b, "<p:X xmlns:p=\"urn:x\">");
    for (int i = 0; i < 100; i++)
        sp_buf_addstr(&b, "</p:X>");
    sp_buf_addstr(&b, "</s:Body></s:Envelope>");
    char *out = decode_dump(b.data, b.len, 0, 0, NULL);
    assert_non_null(
        strstr(out, "failed: protocol error: response nests elements deeper "
                    "than 64"));
    free(out);
    sp_buf_release(&b);
}

static void test_binary(void **state)
{
    (void)state;
    unsigned char junk[4096];
    uint32_t x = 2463534242u;
    for (size_t i = 0; i < sizeof(junk); i++) {
        x ^= x << 13, x ^= x >> 17, x ^= x << 5;
        junk[i] = (unsigned char)x;
    }
    char *out = decode_dump((const char *)junk, sizeof(junk), 0, 0, NULL);
    assert_non_null(strstr(out, "failed: protocol error: "));
    free(out);
}

static int stop_at_two(struct spi_ws_item *it, void *ctx)
{
    (void)it;
    return ++*(int *)ctx == 2;
}

static void test_callback_stops(void **state)
{
    (void)state;
    size_t len;
    char *data = tu_read_file(
        tu_path(tu_srcdir(),
                "tests/data/wsman/responses/enumerate-optimized.xml"),
        &len);
    int n = 0;
    struct spi_ws_decode_opts o = {.fn = stop_at_two, .ctx = &n};
    struct spi_ws_response *r = NULL;
    sp_error err;
    assert_int_equal(spi_ws_decode(data, len, &o, &r, &err), SP_ERR_CANCELLED);
    assert_null(r);
    assert_int_equal(n, 2);
    free(data);
}

/* The URI mapping both ways. */
static void test_resource_uris(void **state)
{
    (void)state;
    char *u = spi_ws_resource_uri(&wmi, NULL, "Msvm_ComputerSystem");
    assert_string_equal(u, SPI_WS_URI_WMI "/" VS "/Msvm_ComputerSystem");
    char *ns, *cls;
    spi_ws_uri_split(u, &ns, &cls);
    assert_string_equal(ns, VS);
    assert_string_equal(cls, "Msvm_ComputerSystem");
    free(u), free(ns), free(cls);
    u = spi_ws_resource_uri(&dmtf, "root/interop", "CIM_RegisteredProfile");
    assert_string_equal(u, SPI_WS_URI_CIM "/CIM_RegisteredProfile");
    spi_ws_uri_split(u, &ns, &cls);
    assert_null(ns);
    assert_string_equal(cls, "CIM_RegisteredProfile");
    free(u), free(ns), free(cls);
    spi_ws_uri_split(SPI_WS_URI_WMI "/root/cimv2/*", &ns, &cls);
    assert_string_equal(ns, "root/cimv2");
    assert_null(cls);
    free(ns);
    char *m = spi_ws_new_msgid();
    assert_int_equal(strlen(m), 41);
    assert_memory_equal(m, "uuid:", 5);
    free(m);
}

int main(void)
{
    struct CMUnitTest
        tests[SPI_ARRAY_SIZE(requests) + SPI_ARRAY_SIZE(responses) + 8];
    size_t n = 0;
    for (size_t i = 0; i < SPI_ARRAY_SIZE(requests); i++)
        tests[n++] = (struct CMUnitTest){.name = requests[i],
                                         .test_func = test_request,
                                         .initial_state = (void *)requests[i]};
    for (size_t i = 0; i < SPI_ARRAY_SIZE(responses); i++)
        tests[n++] =
            (struct CMUnitTest){.name = responses[i].name,
                                .test_func = test_response,
                                .initial_state = (void *)&responses[i]};
    tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_many_items_bounded);
    tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_item_too_large);
    tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_deep_nesting);
    tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_binary);
    tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_callback_stops);
    tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_resource_uris);
    return _cmocka_run_group_tests("wsman", tests, n, NULL, NULL);
}
