/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* tests/unit/test_server.c: the server side of CIM-XML: requests from other
 * clients, and the response writer. */
#include <dirent.h>

#include "cim/cimxml.h"
#include "testutil.h"

static char *dump_request(const char *data, size_t len)
{
    sp_buf b = SP_BUF_INIT(1u << 24);
    sp_cim_request *r = NULL;
    sp_error err;
    if (sp_cim_request_parse(data, len, 0, &r, &err) != SP_OK) {
        sp_buf_addf(&b, "failed: %s: %s\n", sp_strerror(err.code), err.message);
        return sp_buf_detach(&b, NULL);
    }
    sp_buf_addf(&b, "%s %s ns=%s id=%s\n",
                sp_cim_request_is_intrinsic(r) ? "IMETHODCALL" : "METHODCALL",
                sp_cim_request_name(r), sp_cim_request_namespace(r),
                sp_cim_request_msgid(r));
    if (sp_cim_request_target(r)) {
        sp_buf_addstr(&b, "target ");
        spi_cim_dump_path(&b, sp_cim_request_target(r));
    }
    const sp_cim_args *a = sp_cim_request_params(r);
    for (size_t i = 0; i < sp_cim_args_count(a); i++) {
        sp_buf_addf(&b, "param %s\n", sp_cim_args_name(a, i));
        spi_cim_dump_value(&b, sp_cim_args_value(a, i), 1);
    }
    sp_cim_request_free(r);
    return sp_buf_detach(&b, NULL);
}

/* Strip an HTTP header block, if any. */
static const char *body_of(const char *data, size_t *len)
{
    const char *x = strstr(data, "<?xml");
    if (!x)
        x = strstr(data, "<CIM");
    if (x)
        *len -= (size_t)(x - data);
    return x ? x : data;
}

static void check_dir(const char *where, const char *prefix, const char *match)
{
    char dir[4096]; /* tu_path() buffers are reused: keep our own copy */
    snprintf(dir, sizeof(dir), "%s", where);
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *e;
    int n = 0;
    while ((e = readdir(d))) {
        size_t l = strlen(e->d_name);
        if (l < 4 || strcmp(e->d_name + l - 4, ".xml") != 0 ||
            !strstr(e->d_name, match))
            continue;
        size_t len;
        char *data = tu_read_file(tu_path(dir, "%s", e->d_name), &len);
        const char *body = body_of(data, &len);
        char *out = dump_request(body, len);
        char name[256];
        snprintf(name, sizeof(name), "%.*s", (int)(l - 4), e->d_name);
        tu_check_expected(tu_path(tu_srcdir(),
                                  "tests/data/expected/request-%s-%s.txt",
                                  prefix, name),
                          out, strlen(out));
        assert_null(strstr(out, "failed"));
        free(out);
        free(data);
        n++;
    }
    closedir(d);
    assert_true(n > 0);
}

static void test_pywbem_requests(void **state)
{
    if (!tu_shared_dir())
        tu_skip("%s", TU_NO_SHARED);
    check_dir(tu_path(tu_shared_dir(), "cim/requests"), "pywbem", "_req_");
}

static void test_pegasus_sfcb_requests(void **state)
{
    if (!tu_shared_dir())
        tu_skip("%s", TU_NO_SHARED);
    check_dir(tu_path(tu_shared_dir(), "cim/captures"), "capture", ".req");
}

static void test_own_client_requests(void **state)
{
    /* Every request our client sends (recorded by test_client) decodes. */
    check_dir(tu_path(tu_srcdir(), "tests/data/requests"), "client", "");
}

static void test_bad_requests(void **state)
{
    static const struct {
        const char *doc;
        const char *msg;
    } cases[] = {
        {"", "empty request"},
        {"<html/>", "request is not CIM-XML: root element is <html>"},
        {"<!DOCTYPE CIM [<!ENTITY a 'b'>]><CIM/>",
         "request contains a document type declaration, which CIM-XML "
         "never has; refused"},
        {"<CIM><MESSAGE><SIMPLEREQ/></MESSAGE></CIM>",
         "malformed request: no MESSAGE with an ID"},
        {"<CIM><MESSAGE ID=\"1\"><MULTIREQ/></MESSAGE></CIM>",
         "multiple requests in one message are not supported"},
        {"<CIM><MESSAGE ID=\"1\"><SIMPLEREQ><IMETHODCALL NAME=\"X\"/>"
         "</SIMPLEREQ></MESSAGE></CIM>",
         "malformed request: IMETHODCALL without LOCALNAMESPACEPATH"},
        {"<CIM><MESSAGE ID=\"1\"><SIMPLEREQ><METHODCALL NAME=\"X\">"
         "<LOCALCLASSPATH><LOCALNAMESPACEPATH/><CLASSNAME NAME=\"C\"/>"
         "</LOCALCLASSPATH></METHODCALL></SIMPLEREQ></MESSAGE></CIM>",
         "malformed request: METHODCALL with an empty namespace"},
        {"<CIM><MESSAGE ID=\"1\"><SIMPLEREQ><IMETHODCALL NAME=\"X\">"
         "<LOCALNAMESPACEPATH><NAMESPACE NAME=\"a\"/></LOCALNAMESPACEPATH>"
         "<IPARAMVALUE NAME=\"P\"><INSTANCENAME/></IPARAMVALUE>"
         "</IMETHODCALL></SIMPLEREQ></MESSAGE></CIM>",
         "malformed request: INSTANCENAME without CLASSNAME"},
        {"<CIM><MESSAGE ID=\"1\"><SIMPLEREQ><METHODCALL NAME=\"X\">"
         "<LOCALCLASSPATH><LOCALNAMESPACEPATH><NAMESPACE NAME=\"a\"/>"
         "</LOCALNAMESPACEPATH><CLASSNAME NAME=\"C\"/></LOCALCLASSPATH>"
         "<PARAMVALUE NAME=\"N\" PARAMTYPE=\"uint8\"><VALUE>256</VALUE>"
         "</PARAMVALUE></METHODCALL></SIMPLEREQ></MESSAGE></CIM>",
         "malformed request: '256' is not a valid uint8"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        sp_cim_request *r = NULL;
        sp_error err;
        sp_code rc = sp_cim_request_parse(cases[i].doc, strlen(cases[i].doc), 0,
                                          &r, &err);
        assert_int_not_equal(rc, SP_OK);
        assert_null(r);
        assert_string_equal(err.message, cases[i].msg);
    }
}

static sp_cim_instance *volume(const char *id)
{
    sp_cim_path *p = sp_cim_path_new(NULL, NULL, "SIM_StorageVolume");
    sp_cim_path_set_key(p, "DeviceID",
                        sp_cim_value_new_string(SP_CIM_STRING, id));
    sp_cim_instance *i = sp_cim_instance_new("SIM_StorageVolume");
    sp_cim_instance_set(i, "DeviceID",
                        sp_cim_value_new_string(SP_CIM_STRING, id));
    sp_cim_instance_set(i, "NumberOfBlocks",
                        sp_cim_value_new_uint(SP_CIM_UINT64, 2048));
    sp_cim_instance_set_path(i, p);
    return i;
}

struct seen {
    int instances, paths;
    sp_buf dump;
};

static int see(struct spi_item *it, void *ud)
{
    struct seen *s = ud;
    s->instances += it->kind == SPI_ITEM_INSTANCE;
    s->paths += it->kind == SPI_ITEM_PATH;
    spi_cim_dump_item(&s->dump, it);
    return 0;
}

static void test_response_writer(void **state)
{
    static const sp_cimxml_form forms[] = {
        SP_CIMXML_INSTANCE, SP_CIMXML_NAMED, SP_CIMXML_WITH_PATH,
        SP_CIMXML_OBJECT,   SP_CIMXML_NAME,  SP_CIMXML_OBJECT_PATH,
        SP_CIMXML_PATH};
    sp_cim_instance *v = volume("00A1");
    sp_buf all = SP_BUF_INIT(1u << 20);
    for (size_t f = 0; f < sizeof(forms) / sizeof(forms[0]); f++) {
        sp_buf b = SP_BUF_INIT(1u << 20);
        sp_cimxml_begin_response(&b, "7", true, "Op");
        sp_cimxml_begin_return(&b);
        sp_cimxml_write_instance(&b, v, forms[f], "sim.example", "root/sim");
        sp_cimxml_write_instance(&b, v, forms[f], "sim.example", "root/sim");
        sp_cimxml_end_return(&b);
        if (forms[f] == SP_CIMXML_WITH_PATH) {
            sp_cim_value *eos = sp_cim_value_new_bool(false);
            sp_cim_value *ctx = sp_cim_value_new_string(SP_CIM_STRING, "c1");
            sp_cimxml_write_param(&b, "EndOfSequence", eos);
            sp_cimxml_write_param(&b, "EnumerationContext", ctx);
            sp_cim_value_free(eos);
            sp_cim_value_free(ctx);
        }
        sp_cimxml_end_response(&b, true);
        char *file = tu_path(tu_outdir(), "writer-form%zu.xml", f);
        tu_write_file(file, b.data, b.len);
        if (tu_shared_dir() &&
            tu_xmllint(file,
                       tu_path(tu_shared_dir(), "cim/DSP0203_2.4.0.dtd")) != 0)
            fail_msg("form %zu does not validate", f);
        struct seen s = {.dump = SP_BUF_INIT(1u << 20)};
        struct spi_decode_opts o = {.expect_intrinsic = 1,
                                    .expect_msgid = "7",
                                    .default_ns = "root/sim",
                                    .fn = see,
                                    .ctx = &s};
        struct spi_cim_response *r = NULL;
        sp_error err;
        if (spi_cimxml_decode(b.data, b.len, &o, &r, &err))
            fail_msg("form %zu: %s", f, err.message);
        bool is_path = forms[f] == SP_CIMXML_NAME ||
                       forms[f] == SP_CIMXML_OBJECT_PATH ||
                       forms[f] == SP_CIMXML_PATH;
        assert_int_equal(s.instances, is_path ? 0 : 2);
        assert_int_equal(s.paths, is_path ? 2 : 0);
        sp_buf_addf(&all, "form %zu\n%s", f, sp_buf_cstr(&s.dump));
        spi_cim_response_free(r);
        sp_buf_release(&s.dump);
        sp_buf_release(&b);
    }
    tu_check_expected(
        tu_path(tu_srcdir(), "tests/data/expected/writer-forms.txt"), all.data,
        all.len);
    sp_buf_release(&all);
    sp_cim_instance_free(v);
}

static void test_method_response_writer(void **state)
{
    sp_buf b = SP_BUF_INIT(1u << 20);
    sp_cim_path *job = sp_cim_path_new("sim", "root/sim", "SIM_ConcreteJob");
    sp_cim_path_set_key(job, "InstanceID",
                        sp_cim_value_new_string(SP_CIM_STRING, "J1"));
    sp_cim_value *rv = sp_cim_value_new_uint(SP_CIM_UINT32, 4096);
    sp_cim_value *jv = sp_cim_value_take_ref(job);
    sp_cimxml_begin_response(&b, "9", false, "CreateElementReplica");
    sp_cimxml_write_return_value(&b, rv);
    sp_cimxml_write_param(&b, "Job", jv);
    sp_cimxml_end_response(&b, false);
    char *file = tu_path(tu_outdir(), "writer-method.xml");
    tu_write_file(file, b.data, b.len);
    if (tu_shared_dir() &&
        tu_xmllint(file, tu_path(tu_shared_dir(), "cim/DSP0203_2.4.0.dtd")))
        fail_msg("method response does not validate");
    struct spi_decode_opts o = {.expect_intrinsic = 0,
                                .expect_name = "CreateElementReplica"};
    struct spi_cim_response *r = NULL;
    sp_error err;
    assert_int_equal(spi_cimxml_decode(b.data, b.len, &o, &r, &err), SP_OK);
    assert_true(sp_cim_value_equal(r->retval, rv));
    assert_true(sp_cim_value_equal(sp_cim_args_get(r->params, "Job"), jv));
    spi_cim_response_free(r);
    sp_cim_value_free(rv);
    sp_cim_value_free(jv);
    sp_buf_release(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pywbem_requests),
        cmocka_unit_test(test_pegasus_sfcb_requests),
        cmocka_unit_test(test_own_client_requests),
        cmocka_unit_test(test_bad_requests),
        cmocka_unit_test(test_response_writer),
        cmocka_unit_test(test_method_response_writer),
    };
    return cmocka_run_group_tests_name("server", tests, NULL, NULL);
}
