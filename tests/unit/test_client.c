/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* tests/unit/test_client.c: the CIM client against a real HTTP server: every
 * operation's request, pull fallback, faults. */
#include <unistd.h>

#include "testutil.h"

/* A response envelope around @inner; @ID@ becomes the request's ID. */
static char *rsp(bool intrinsic, const char *name, const char *inner)
{
    sp_buf b = SP_BUF_INIT(1u << 24);
    sp_buf_addf(
        &b,
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
        "<CIM CIMVERSION=\"2.0\" DTDVERSION=\"2.0\"><MESSAGE "
        "ID=\"@ID@\" PROTOCOLVERSION=\"1.0\"><SIMPLERSP><%s NAME=\"%s\">"
        "%s</%s></SIMPLERSP></MESSAGE></CIM>\n",
        intrinsic ? "IMETHODRESPONSE" : "METHODRESPONSE", name, inner,
        intrinsic ? "IMETHODRESPONSE" : "METHODRESPONSE");
    return sp_buf_detach(&b, NULL);
}

#define VOL_NAME(id)                                                           \
    "<INSTANCENAME CLASSNAME=\"SIM_StorageVolume\"><KEYBINDING "               \
    "NAME=\"DeviceID\"><KEYVALUE VALUETYPE=\"string\" TYPE=\"string\">" id     \
    "</KEYVALUE></KEYBINDING></INSTANCENAME>"
#define VOL_INST(id)                                                           \
    "<INSTANCE CLASSNAME=\"SIM_StorageVolume\"><PROPERTY NAME=\"DeviceID\" "   \
    "TYPE=\"string\"><VALUE>" id "</VALUE></PROPERTY><PROPERTY "               \
    "NAME=\"NumberOfBlocks\" TYPE=\"uint64\"><VALUE>2097152</VALUE>"           \
    "</PROPERTY></INSTANCE>"
#define VOL_PATH(id)                                                           \
    "<INSTANCEPATH><NAMESPACEPATH><HOST>sim</HOST><LOCALNAMESPACEPATH>"        \
    "<NAMESPACE NAME=\"root\"/><NAMESPACE NAME=\"sim\"/></LOCALNAMESPACEPATH>" \
    "</NAMESPACEPATH>" VOL_NAME(id) "</INSTANCEPATH>"
#define NAMED(id)                                                              \
    "<VALUE.NAMEDINSTANCE>" VOL_NAME(id) VOL_INST(id) "</VALUE.NAMEDINSTANCE>"
#define WITHPATH(id)                                                           \
    "<VALUE.INSTANCEWITHPATH>" VOL_PATH(id)                                    \
        VOL_INST(id) "</VALUE.INSTANCEWITHPATH>"
#define PULL_TAIL(eos, ctx)                                                    \
    "<PARAMVALUE NAME=\"EndOfSequence\" PARAMTYPE=\"boolean\"><VALUE>" eos     \
    "</VALUE></PARAMVALUE><PARAMVALUE NAME=\"EnumerationContext\" "            \
    "PARAMTYPE=\"string\"><VALUE>" ctx "</VALUE></PARAMVALUE>"

struct env {
    struct httpfix fix;
    sp_cim_client *c;
    char *bodies[16];
    int nbodies;
};

static int setup(void **state)
{
    struct env *e = calloc(1, sizeof(*e));
    httpfix_start(&e->fix, NULL, NULL);
    sp_error err;
    assert_int_equal(sp_cim_client_new(e->fix.url, 0, &e->c, &err), SP_OK);
    sp_cim_client_set_namespace(e->c, "root/sim");
    *state = e;
    return 0;
}

static int teardown(void **state)
{
    struct env *e = *state;
    sp_cim_client_free(e->c);
    httpfix_stop(&e->fix);
    for (int i = 0; i < e->nbodies; i++)
        free(e->bodies[i]);
    free(e);
    return 0;
}

static void reply(struct env *e, int status, char *body)
{
    e->bodies[e->nbodies++] = body;
    struct httpfix_reply r = {.status = status, .body = body};
    httpfix_reply(&e->fix, &r);
}

/* The request the server saw must match the expected files, and be valid
 * against the DSP0203 2.4.0 DTD. */
static void check_request(struct env *e, const char *name)
{
    char *body = tu_path(tu_outdir(), "request-%s.xml", name);
    tu_write_file(body, e->fix.last_body, e->fix.last_len);
    tu_check_expected(tu_path(tu_srcdir(), "tests/data/requests/%s.xml", name),
                      e->fix.last_body, e->fix.last_len);
    sp_buf h = SP_BUF_INIT(1 << 16);
    sp_buf_addf(&h, "%s\n%s", e->fix.last_url, e->fix.last_headers);
    tu_check_expected(
        tu_path(tu_srcdir(), "tests/data/requests/%s.headers", name), h.data,
        h.len);
    sp_buf_release(&h);
    const char *shared = tu_shared_dir();
    if (!shared) {
        printf("# not DTD-validated: %s\n", TU_NO_SHARED);
        return;
    }
    if (tu_xmllint(body, tu_path(shared, "cim/DSP0203_2.4.0.dtd")) != 0)
        fail_msg("request %s does not validate against DSP0203 2.4.0", name);
}

static sp_cim_path *vol(const char *id)
{
    sp_cim_path *p = sp_cim_path_new(NULL, "root/sim", "SIM_StorageVolume");
    sp_cim_path_set_key(
        p, "CreationClassName",
        sp_cim_value_new_string(SP_CIM_STRING, "SIM_StorageVolume"));
    sp_cim_path_set_key(p, "DeviceID",
                        sp_cim_value_new_string(SP_CIM_STRING, id));
    return p;
}

struct collected {
    int n;
    char ids[16][32];
};

static int collect_inst(sp_cim_instance *i, void *ud)
{
    struct collected *c = ud;
    const char *id = sp_cim_instance_get_string(i, "DeviceID");
    if (c->n < 16)
        snprintf(c->ids[c->n], 32, "%s", id ? id : "?");
    c->n++;
    assert_non_null(sp_cim_instance_path(i));
    assert_string_equal(sp_cim_path_namespace(sp_cim_instance_path(i)),
                        "root/sim");
    sp_cim_instance_free(i);
    return 0;
}

static int collect_path(sp_cim_path *p, void *ud)
{
    struct collected *c = ud;
    const char *id =
        sp_cim_value_get_string(sp_cim_path_get_key(p, "DeviceID"));
    if (c->n < 16)
        snprintf(c->ids[c->n], 32, "%s", id ? id : "?");
    c->n++;
    sp_cim_path_free(p);
    return 0;
}

static const char *const props[] = {"DeviceID", "NumberOfBlocks", NULL};

/* ---- every operation's request ---- */

static void test_enumerate_instances_classic(void **state)
{
    struct env *e = *state;
    reply(e, 200,
          rsp(true, "EnumerateInstances",
              "<IRETURNVALUE>" NAMED("00A1") NAMED("00A2") "</IRETURNVALUE>"));
    struct collected got = {0};
    assert_int_equal(sp_cim_enumerate_instances(e->c, NULL, "CIM_StorageVolume",
                                                props, SP_CIM_NO_PULL,
                                                collect_inst, &got),
                     SP_OK);
    assert_int_equal(got.n, 2);
    assert_string_equal(got.ids[1], "00A2");
    check_request(e, "EnumerateInstances");
}

static void test_enumerate_instance_names(void **state)
{
    struct env *e = *state;
    reply(e, 200,
          rsp(true, "EnumerateInstanceNames",
              "<IRETURNVALUE>" VOL_NAME("00A1") "</IRETURNVALUE>"));
    struct collected got = {0};
    assert_int_equal(sp_cim_enumerate_instance_names(e->c, "root/sim",
                                                     "CIM_StorageVolume", 0,
                                                     collect_path, &got),
                     SP_OK);
    assert_int_equal(got.n, 1);
    assert_string_equal(got.ids[0], "00A1");
    check_request(e, "EnumerateInstanceNames");
}

static void test_get_instance(void **state)
{
    struct env *e = *state;
    reply(e, 200,
          rsp(true, "GetInstance",
              "<IRETURNVALUE>" VOL_INST("00A1") "</IRETURNVALUE>"));
    sp_cim_path *p = vol("00A1");
    sp_cim_instance *inst = NULL;
    assert_int_equal(sp_cim_get_instance(e->c, p, props, 0, &inst), SP_OK);
    uint64_t blocks = 0;
    assert_true(sp_cim_instance_get_uint(inst, "NumberOfBlocks", &blocks));
    assert_int_equal(blocks, 2097152);
    assert_true(sp_cim_path_equal(sp_cim_instance_path(inst), p,
                                  SP_CIM_PATH_CMP_NAMESPACE));
    sp_cim_instance_free(inst);
    sp_cim_path_free(p);
    check_request(e, "GetInstance");
}

static void test_get_class(void **state)
{
    struct env *e = *state;
    size_t len;
    char *cls = tu_read_file(
        tu_path(tu_srcdir(), "tests/data/responses/getclass.xml"), &len);
    char *start = strstr(cls, "<IRETURNVALUE>");
    char *end = strstr(cls, "</IMETHODRESPONSE>");
    *end = '\0';
    reply(e, 200, rsp(true, "GetClass", start));
    free(cls);
    sp_cim_class *c = NULL;
    assert_int_equal(
        sp_cim_get_class(e->c, NULL, "SIM_StorageConfigurationService", 0, &c),
        SP_OK);
    const sp_cim_method_decl *m =
        sp_cim_class_find_method(c, "createormodifyelementfromstoragepool");
    assert_non_null(m);
    assert_int_equal(sp_cim_method_param_count(m), 7);
    const sp_cim_param_decl *job = sp_cim_method_param_at(m, 2);
    assert_string_equal(sp_cim_decl_name(job), "Job");
    assert_true(sp_cim_decl_has_flag(job, "Out"));
    assert_false(sp_cim_decl_has_flag(job, "In"));
    assert_true(
        sp_cim_decl_has_flag(sp_cim_class_find_property(c, "Name"), "Key"));
    sp_cim_class_free(c);
    check_request(e, "GetClass");
}

static void test_associators_classic(void **state)
{
    struct env *e = *state;
    reply(e, 200,
          rsp(true, "Associators",
              "<IRETURNVALUE><VALUE.OBJECTWITHPATH>" VOL_PATH("00A1")
                  VOL_INST("00A1") "</VALUE.OBJECTWITHPATH>"
                                   "</IRETURNVALUE>"));
    sp_cim_path *p = sp_cim_path_new(NULL, "root/sim", "SIM_StoragePool");
    sp_cim_path_set_key(p, "InstanceID",
                        sp_cim_value_new_string(SP_CIM_STRING, "SIM+gold"));
    struct collected got = {0};
    assert_int_equal(sp_cim_associators(e->c, p, "CIM_AllocatedFromStoragePool",
                                        "CIM_StorageVolume", "Antecedent",
                                        "Dependent", props, SP_CIM_NO_PULL,
                                        collect_inst, &got),
                     SP_OK);
    assert_int_equal(got.n, 1);
    sp_cim_path_free(p);
    check_request(e, "Associators");
}

static void test_associator_names(void **state)
{
    struct env *e = *state;
    reply(e, 200,
          rsp(true, "AssociatorNames",
              "<IRETURNVALUE><OBJECTPATH>" VOL_PATH(
                  "00A1") "</OBJECTPATH></IRETURNVALUE>"));
    sp_cim_path *p = vol("00A1");
    struct collected got = {0};
    assert_int_equal(sp_cim_associator_names(e->c, p, "CIM_StorageSynchronized",
                                             NULL, NULL, NULL, 0, collect_path,
                                             &got),
                     SP_OK);
    assert_int_equal(got.n, 1);
    sp_cim_path_free(p);
    check_request(e, "AssociatorNames");
}

static void test_references(void **state)
{
    struct env *e = *state;
    reply(e, 200, rsp(true, "References", "<IRETURNVALUE/>"));
    sp_cim_path *p = vol("00A1");
    struct collected got = {0};
    assert_int_equal(sp_cim_references(e->c, p, "CIM_StorageSynchronized",
                                       "SystemElement", NULL, 0, collect_inst,
                                       &got),
                     SP_OK);
    assert_int_equal(got.n, 0);
    sp_cim_path_free(p);
    check_request(e, "References");
}

static void test_reference_names(void **state)
{
    struct env *e = *state;
    reply(e, 200, rsp(true, "ReferenceNames", "<IRETURNVALUE/>"));
    sp_cim_path *p = vol("00A1");
    struct collected got = {0};
    assert_int_equal(
        sp_cim_reference_names(e->c, p, NULL, NULL, 0, collect_path, &got),
        SP_OK);
    sp_cim_path_free(p);
    check_request(e, "ReferenceNames");
}

static void test_invoke_method_typed(void **state)
{
    struct env *e = *state;
    reply(e, 200,
          rsp(false, "CreateElementReplica",
              "<RETURNVALUE PARAMTYPE=\"uint32\"><VALUE>4096</VALUE>"
              "</RETURNVALUE><PARAMVALUE NAME=\"Job\" PARAMTYPE=\"reference\">"
              "<VALUE.REFERENCE><INSTANCEPATH><NAMESPACEPATH><HOST>sim</HOST>"
              "<LOCALNAMESPACEPATH><NAMESPACE NAME=\"root\"/><NAMESPACE "
              "NAME=\"sim\"/></LOCALNAMESPACEPATH></NAMESPACEPATH>"
              "<INSTANCENAME CLASSNAME=\"SIM_ConcreteJob\"><KEYBINDING "
              "NAME=\"InstanceID\"><KEYVALUE VALUETYPE=\"string\" "
              "TYPE=\"string\">JOB1</KEYVALUE></KEYBINDING></INSTANCENAME>"
              "</INSTANCEPATH></VALUE.REFERENCE></PARAMVALUE>"));
    sp_cim_path *svc =
        sp_cim_path_new(NULL, "root/sim", "SIM_ReplicationService");
    sp_cim_path_set_key(svc, "Name",
                        sp_cim_value_new_string(SP_CIM_STRING, "repl"));
    sp_cim_path *src = vol("00A1");
    sp_cim_args *in = sp_cim_args_new();
    sp_cim_args_set(in, "ElementName",
                    sp_cim_value_new_string(SP_CIM_STRING, "vm42-disk0"));
    sp_cim_args_set(in, "SyncType", sp_cim_value_new_uint(SP_CIM_UINT16, 8));
    sp_cim_args_set(in, "Size",
                    sp_cim_value_new_uint(SP_CIM_UINT64, 10737418240ull));
    sp_cim_args_set(in, "WaitForCopyState", sp_cim_value_new_bool(true));
    sp_cim_args_set(in, "SourceElement", sp_cim_value_new_ref(src));
    sp_cim_value *refs = sp_cim_value_new_array(SP_CIM_REFERENCE);
    sp_cim_value_append(refs, sp_cim_value_new_ref(src));
    sp_cim_path *src2 = vol("00A2");
    sp_cim_value_append(refs, sp_cim_value_take_ref(src2));
    sp_cim_args_set(in, "Members", refs);
    sp_cim_instance *goal = sp_cim_instance_new("SIM_StorageSetting");
    sp_cim_instance_set(goal, "ThinlyProvisioned", sp_cim_value_new_bool(true));
    sp_cim_instance_set(goal, "ElementName",
                        sp_cim_value_new_string(SP_CIM_STRING, "a<b>&\"c\""));
    sp_cim_args_set(in, "Goal", sp_cim_value_take_instance(goal));
    sp_cim_value *lun = sp_cim_value_new_array(SP_CIM_STRING);
    sp_cim_value_append(lun, sp_cim_value_new_string(SP_CIM_STRING, "1"));
    sp_cim_args_set(in, "DeviceNumbers", lun);
    sp_cim_args_set(in, "Nothing", sp_cim_value_new_null(SP_CIM_UINT16, false));

    sp_cim_value *ret = NULL;
    sp_cim_args *out = NULL;
    assert_int_equal(sp_cim_invoke_method(e->c, svc, "CreateElementReplica", in,
                                          0, &ret, &out),
                     SP_OK);
    uint64_t rv = 0;
    assert_true(sp_cim_value_get_uint(ret, &rv));
    assert_int_equal(rv, 4096);
    const sp_cim_path *job = sp_cim_value_get_ref(sp_cim_args_get(out, "Job"));
    assert_non_null(job);
    assert_string_equal(sp_cim_path_class(job), "SIM_ConcreteJob");
    sp_cim_value_free(ret);
    sp_cim_args_free(out);
    sp_cim_args_free(in);
    sp_cim_path_free(src);
    sp_cim_path_free(svc);
    check_request(e, "InvokeMethod");
}

static void test_invoke_static_method(void **state)
{
    struct env *e = *state;
    reply(e, 200,
          rsp(false, "Ping",
              "<RETURNVALUE PARAMTYPE=\"uint32\">"
              "<VALUE>0</VALUE></RETURNVALUE>"));
    sp_cim_path *cls = sp_cim_path_new(NULL, NULL, "SIM_Service");
    sp_cim_value *ret = NULL;
    assert_int_equal(
        sp_cim_invoke_method(e->c, cls, "Ping", NULL, 0, &ret, NULL), SP_OK);
    sp_cim_value_free(ret);
    sp_cim_path_free(cls);
    check_request(e, "InvokeMethod-static");
}

/* ---- pull operations ---- */

static void test_pull_enumeration(void **state)
{
    struct env *e = *state;
    sp_cim_client_set_pull_max(e->c, 2);
    reply(e, 200,
          rsp(true, "OpenEnumerateInstances",
              "<IRETURNVALUE>" WITHPATH("00A1") WITHPATH(
                  "00A2") "</IRETURNVALUE>" PULL_TAIL("FALSE", "ctx-1")));
    reply(e, 200,
          rsp(true, "PullInstancesWithPath",
              "<IRETURNVALUE>" WITHPATH("00A3") "</IRETURNVALUE>" PULL_TAIL(
                  "TRUE", "")));
    struct collected got = {0};
    assert_int_equal(sp_cim_enumerate_instances(e->c, NULL, "CIM_StorageVolume",
                                                props, 0, collect_inst, &got),
                     SP_OK);
    assert_int_equal(got.n, 3);
    assert_string_equal(got.ids[2], "00A3");
    assert_int_equal(e->fix.requests, 2);
    check_request(e, "PullInstancesWithPath");
}

static void test_open_request(void **state)
{
    struct env *e = *state;
    reply(e, 200,
          rsp(true, "OpenEnumerateInstances",
              "<IRETURNVALUE/>" PULL_TAIL("TRUE", "")));
    sp_cim_enum *en = NULL;
    struct collected got = {0};
    assert_int_equal(sp_cim_open_enumerate_instances(
                         e->c, NULL, "CIM_StorageVolume", props, 500,
                         SP_CIM_SHALLOW, collect_inst, &got, &en),
                     SP_OK);
    assert_null(en);
    assert_true(sp_cim_enum_done(en));
    check_request(e, "OpenEnumerateInstances");
}

static void test_open_associators_and_close(void **state)
{
    struct env *e = *state;
    reply(e, 200,
          rsp(true, "OpenAssociatorInstances",
              "<IRETURNVALUE>" WITHPATH("00A1") "</IRETURNVALUE>" PULL_TAIL(
                  "FALSE", "ctx-9")));
    reply(e, 200, rsp(true, "CloseEnumeration", ""));
    sp_cim_path *p = sp_cim_path_new(NULL, "root/sim", "SIM_StoragePool");
    sp_cim_path_set_key(p, "InstanceID",
                        sp_cim_value_new_string(SP_CIM_STRING, "SIM+gold"));
    sp_cim_enum *en = NULL;
    struct collected got = {0};
    assert_int_equal(sp_cim_open_associator_instances(
                         e->c, p, "CIM_AllocatedFromStoragePool", NULL, NULL,
                         NULL, NULL, 100, 0, collect_inst, &got, &en),
                     SP_OK);
    assert_non_null(en);
    assert_false(sp_cim_enum_done(en));
    check_request(e, "OpenAssociatorInstances");
    assert_int_equal(sp_cim_close_enumeration(e->c, en), SP_OK);
    check_request(e, "CloseEnumeration");
    sp_cim_path_free(p);
}

static void test_pull_fallback(void **state)
{
    /* An array without pull operations: the first enumeration falls back
     * to EnumerateInstances, and later ones go there directly. */
    static const struct {
        int status;
        const char *error;
    } refusals[] = {
        {200, "<ERROR CODE=\"7\" DESCRIPTION=\"CIM_ERR_NOT_SUPPORTED\"/>"},
        {200, "<ERROR CODE=\"1\" DESCRIPTION=\"unknown operation\"/>"},
        {501, ""},
    };
    for (size_t i = 0; i < sizeof(refusals) / sizeof(refusals[0]); i++) {
        struct env *e = NULL;
        setup((void **)&e);
        reply(e, refusals[i].status,
              rsp(true, "OpenEnumerateInstances", refusals[i].error));
        reply(e, 200,
              rsp(true, "EnumerateInstances",
                  "<IRETURNVALUE>" NAMED("00A1") "</IRETURNVALUE>"));
        struct collected got = {0};
        assert_int_equal(sp_cim_enumerate_instances(e->c, NULL,
                                                    "CIM_StorageVolume", NULL,
                                                    0, collect_inst, &got),
                         SP_OK);
        assert_int_equal(got.n, 1);
        assert_int_equal(e->fix.requests, 2);
        assert_non_null(
            strstr(e->fix.last_headers, "CIMMethod: EnumerateInstances"));
        assert_int_equal(sp_cim_enumerate_instances(e->c, NULL,
                                                    "CIM_StorageVolume", NULL,
                                                    0, collect_inst, &got),
                         SP_OK);
        assert_int_equal(e->fix.requests, 3);
        teardown((void **)&e);
    }
}

static void test_pull_other_error_not_hidden(void **state)
{
    struct env *e = *state;
    reply(e, 200,
          rsp(true, "OpenEnumerateInstances",
              "<ERROR CODE=\"5\" DESCRIPTION=\"no such class\"/>"));
    struct collected got = {0};
    assert_int_equal(sp_cim_enumerate_instances(e->c, NULL, "CIM_Nope", NULL, 0,
                                                collect_inst, &got),
                     SP_ERR_CIM);
    const sp_error *err = sp_cim_client_error(e->c);
    assert_int_equal(err->cim_status, SP_CIM_ERR_INVALID_CLASS);
    assert_string_equal(err->message, "CIM_ERR_INVALID_CLASS: no such class");
    assert_int_equal(e->fix.requests, 1);
}

static int stop_now(sp_cim_instance *i, void *ud)
{
    sp_cim_instance_free(i);
    return 1;
}

static void test_cancel_closes_enumeration(void **state)
{
    struct env *e = *state;
    reply(e, 200,
          rsp(true, "OpenEnumerateInstances",
              "<IRETURNVALUE/>" PULL_TAIL("FALSE", "ctx-2")));
    reply(e, 200,
          rsp(true, "PullInstancesWithPath",
              "<IRETURNVALUE>" WITHPATH("00A1") WITHPATH(
                  "00A2") "</IRETURNVALUE>" PULL_TAIL("FALSE", "ctx-2")));
    reply(e, 200, rsp(true, "CloseEnumeration", ""));
    assert_int_equal(sp_cim_enumerate_instances(e->c, NULL, "CIM_StorageVolume",
                                                NULL, 0, stop_now, NULL),
                     SP_ERR_CANCELLED);
    assert_int_equal(e->fix.requests, 3);
    assert_non_null(strstr(e->fix.last_headers, "CIMMethod: CloseEnumeration"));
    assert_string_equal(sp_cim_client_error(e->c)->message,
                        "stopped by the caller");
}

/* ---- queries ---- */

#define QUERY                                                                  \
    "SELECT DeviceID, NumberOfBlocks FROM CIM_StorageVolume "                  \
    "WHERE NumberOfBlocks > 1000"

/* A query's instances: the class and the selected properties, no path. */
static int collect_query(sp_cim_instance *i, void *ud)
{
    struct collected *c = ud;
    const char *id = sp_cim_instance_get_string(i, "DeviceID");
    if (c->n < 16)
        snprintf(c->ids[c->n], 32, "%s", id ? id : "?");
    c->n++;
    assert_null(sp_cim_instance_path(i));
    assert_string_equal(sp_cim_instance_class(i), "SIM_StorageVolume");
    assert_int_equal(sp_cim_instance_prop_count(i), 2);
    uint64_t blocks = 0;
    assert_true(sp_cim_instance_get_uint(i, "NumberOfBlocks", &blocks));
    assert_int_equal(blocks, 2097152);
    sp_cim_instance_free(i);
    return 0;
}

/* The last request called @method and has each of @want (NULL-ended); it
 * is valid against the DSP0203 2.4.0 DTD. */
static void check_request_has(struct env *e, const char *method,
                              const char *const *want)
{
    char head[128];
    snprintf(head, sizeof(head), "CIMMethod: %s\n", method);
    if (!strstr(e->fix.last_headers, head))
        fail_msg("request is not %s:\n%s", method, e->fix.last_headers);
    assert_non_null(strstr(e->fix.last_headers, "CIMObject: root/sim\n"));
    snprintf(head, sizeof(head), "<IMETHODCALL NAME=\"%s\">", method);
    assert_non_null(strstr(e->fix.last_body, head));
    for (; *want; want++)
        if (!strstr(e->fix.last_body, *want))
            fail_msg("request has no '%s':\n%s", *want, e->fix.last_body);
    const char *shared = tu_shared_dir();
    if (!shared) {
        printf("# not DTD-validated: %s\n", TU_NO_SHARED);
        return;
    }
    char *body = tu_path(tu_outdir(), "request-%s-query.xml", method);
    tu_write_file(body, e->fix.last_body, e->fix.last_len);
    if (tu_xmllint(body, tu_path(shared, "cim/DSP0203_2.4.0.dtd")) != 0)
        fail_msg("request %s does not validate against DSP0203 2.4.0", method);
}

static const char *const open_query_params[] = {
    "<IPARAMVALUE NAME=\"FilterQueryLanguage\">\n<VALUE>DMTF:CQL</VALUE>\n"
    "</IPARAMVALUE>",
    "<IPARAMVALUE NAME=\"FilterQuery\">\n<VALUE>SELECT DeviceID, "
    "NumberOfBlocks FROM CIM_StorageVolume WHERE NumberOfBlocks &gt; "
    "1000</VALUE>\n</IPARAMVALUE>",
    "<IPARAMVALUE NAME=\"ReturnQueryResultClass\">\n<VALUE>FALSE</VALUE>\n"
    "</IPARAMVALUE>",
    "<IPARAMVALUE NAME=\"MaxObjectCount\">\n<VALUE>100</VALUE>\n"
    "</IPARAMVALUE>",
    NULL,
};

static void test_open_query_and_pull(void **state)
{
    struct env *e = *state;
    reply(e, 200,
          rsp(true, "OpenQueryInstances",
              "<IRETURNVALUE>" VOL_INST("00A1") VOL_INST(
                  "00A2") "</IRETURNVALUE>" PULL_TAIL("FALSE", "ctx-q1")));
    reply(e, 200,
          rsp(true, "PullInstances",
              "<IRETURNVALUE>" VOL_INST("00A3") "</IRETURNVALUE>" PULL_TAIL(
                  "TRUE", "")));
    sp_cim_enum *en = NULL;
    struct collected got = {0};
    assert_int_equal(sp_cim_open_query_instances(e->c, NULL, "DMTF:CQL", QUERY,
                                                 100, 0, collect_query, &got,
                                                 &en),
                     SP_OK);
    check_request_has(e, "OpenQueryInstances", open_query_params);
    assert_non_null(en);
    assert_false(sp_cim_enum_done(en));
    assert_int_equal(got.n, 2);
    assert_string_equal(got.ids[1], "00A2");

    assert_int_equal(sp_cim_pull_instances(e->c, en, 50, collect_query, &got),
                     SP_OK);
    static const char *const pull_params[] = {
        "<IPARAMVALUE NAME=\"EnumerationContext\">\n<VALUE>ctx-q1</VALUE>\n"
        "</IPARAMVALUE>",
        "<IPARAMVALUE NAME=\"MaxObjectCount\">\n<VALUE>50</VALUE>\n"
        "</IPARAMVALUE>",
        NULL,
    };
    check_request_has(e, "PullInstances", pull_params);
    assert_true(sp_cim_enum_done(en));
    assert_int_equal(got.n, 3);
    assert_string_equal(got.ids[2], "00A3");
    /* done: the close sends nothing */
    assert_int_equal(sp_cim_close_enumeration(e->c, en), SP_OK);
    assert_int_equal(e->fix.requests, 2);
}

static void test_query_instances(void **state)
{
    struct env *e = *state;
    sp_cim_client_set_pull_max(e->c, 2);
    reply(e, 200,
          rsp(true, "OpenQueryInstances",
              "<IRETURNVALUE>" VOL_INST("00A1") VOL_INST(
                  "00A2") "</IRETURNVALUE>" PULL_TAIL("FALSE", "ctx-q2")));
    reply(e, 200,
          rsp(true, "PullInstances",
              "<IRETURNVALUE>" VOL_INST("00A3") "</IRETURNVALUE>" PULL_TAIL(
                  "TRUE", "")));
    struct collected got = {0};
    assert_int_equal(sp_cim_query_instances(e->c, NULL, "DMTF:CQL", QUERY, 0,
                                            collect_query, &got),
                     SP_OK);
    assert_int_equal(got.n, 3);
    assert_string_equal(got.ids[0], "00A1");
    assert_string_equal(got.ids[1], "00A2");
    assert_string_equal(got.ids[2], "00A3");
    assert_int_equal(e->fix.requests, 2);
    static const char *const pull_params[] = {
        "<IPARAMVALUE NAME=\"EnumerationContext\">\n<VALUE>ctx-q2</VALUE>\n"
        "</IPARAMVALUE>",
        "<IPARAMVALUE NAME=\"MaxObjectCount\">\n<VALUE>2</VALUE>\n"
        "</IPARAMVALUE>",
        NULL,
    };
    check_request_has(e, "PullInstances", pull_params);
}

static void test_query_fallback(void **state)
{
    /* A server that runs no queries: SP_ERR_NOT_SUPPORTED, and later
     * queries are not sent. */
    static const struct {
        int status;
        const char *error;
        int cim_status;
    } refusals[] = {
        {200, "<ERROR CODE=\"7\" DESCRIPTION=\"CIM_ERR_NOT_SUPPORTED\"/>", 7},
        {200, "<ERROR CODE=\"14\" DESCRIPTION=\"no CQL here\"/>", 14},
        {200, "<ERROR CODE=\"15\" DESCRIPTION=\"bad query\"/>", 15},
        {200, "<ERROR CODE=\"1\" DESCRIPTION=\"unknown operation\"/>", 1},
        {501, "", 0},
    };
    for (size_t i = 0; i < sizeof(refusals) / sizeof(refusals[0]); i++) {
        struct env *e = NULL;
        setup((void **)&e);
        reply(e, refusals[i].status,
              rsp(true, "OpenQueryInstances", refusals[i].error));
        struct collected got = {0};
        assert_int_equal(sp_cim_query_instances(e->c, NULL, "DMTF:CQL", QUERY,
                                                0, collect_query, &got),
                         SP_ERR_NOT_SUPPORTED);
        const sp_error *err = sp_cim_client_error(e->c);
        assert_int_equal(err->code, SP_ERR_NOT_SUPPORTED);
        assert_int_equal(err->cim_status, refusals[i].cim_status);
        assert_int_equal(e->fix.requests, 1);
        assert_non_null(
            strstr(e->fix.last_headers, "CIMMethod: OpenQueryInstances\n"));
        /* remembered: no second request */
        assert_int_equal(sp_cim_query_instances(e->c, NULL, "DMTF:CQL", QUERY,
                                                0, collect_query, &got),
                         SP_ERR_NOT_SUPPORTED);
        assert_int_equal(err->code, SP_ERR_NOT_SUPPORTED);
        assert_int_equal(e->fix.requests, 1);
        assert_int_equal(got.n, 0);
        teardown((void **)&e);
    }
}

static void test_query_without_pull(void **state)
{
    /* A client that found no pull operations sends no query. */
    struct env *e = *state;
    reply(e, 200,
          rsp(true, "OpenEnumerateInstances",
              "<ERROR CODE=\"7\" DESCRIPTION=\"CIM_ERR_NOT_SUPPORTED\"/>"));
    reply(e, 200,
          rsp(true, "EnumerateInstances",
              "<IRETURNVALUE>" NAMED("00A1") "</IRETURNVALUE>"));
    struct collected got = {0};
    assert_int_equal(sp_cim_enumerate_instances(e->c, NULL, "CIM_StorageVolume",
                                                NULL, 0, collect_inst, &got),
                     SP_OK);
    assert_int_equal(e->fix.requests, 2);
    assert_int_equal(sp_cim_query_instances(e->c, NULL, "DMTF:CQL", QUERY, 0,
                                            collect_query, &got),
                     SP_ERR_NOT_SUPPORTED);
    assert_int_equal(sp_cim_client_error(e->c)->code, SP_ERR_NOT_SUPPORTED);
    assert_int_equal(e->fix.requests, 2);
    assert_int_equal(got.n, 1);
}

static void test_query_error_after_instances(void **state)
{
    /* A failure once instances were delivered is not "no queries". */
    struct env *e = *state;
    sp_cim_client_set_pull_max(e->c, 1);
    reply(e, 200,
          rsp(true, "OpenQueryInstances",
              "<IRETURNVALUE>" VOL_INST("00A1") "</IRETURNVALUE>" PULL_TAIL(
                  "FALSE", "ctx-q3")));
    reply(e, 200,
          rsp(true, "PullInstances",
              "<ERROR CODE=\"1\" DESCRIPTION=\"shelf 2 offline\"/>"));
    reply(e, 200,
          rsp(true, "OpenQueryInstances",
              "<IRETURNVALUE/>" PULL_TAIL("TRUE", "")));
    struct collected got = {0};
    assert_int_equal(sp_cim_query_instances(e->c, NULL, "DMTF:CQL", QUERY, 0,
                                            collect_query, &got),
                     SP_ERR_CIM);
    const sp_error *err = sp_cim_client_error(e->c);
    assert_int_equal(err->code, SP_ERR_CIM);
    assert_int_equal(err->cim_status, SP_CIM_ERR_FAILED);
    assert_string_equal(err->message, "CIM_ERR_FAILED: shelf 2 offline");
    assert_int_equal(got.n, 1);
    assert_int_equal(e->fix.requests, 2);
    assert_non_null(strstr(e->fix.last_headers, "CIMMethod: PullInstances\n"));
    /* not remembered as "no queries": the next query is sent */
    assert_int_equal(sp_cim_query_instances(e->c, NULL, "DMTF:CQL", QUERY, 0,
                                            collect_query, &got),
                     SP_OK);
    assert_int_equal(e->fix.requests, 3);
}

static void test_query_open_error_after_instances(void **state)
{
    /* An open that delivered instances before its error was running the
     * query: the error is returned as it is, and not remembered. */
    struct env *e = *state;
    reply(e, 200,
          rsp(true, "OpenQueryInstances",
              "<IRETURNVALUE>" VOL_INST(
                  "00A1") "</IRETURNVALUE><ERROR "
                          "CODE=\"1\" DESCRIPTION=\"shelf 2 offline\"/>"));
    reply(e, 200,
          rsp(true, "OpenQueryInstances",
              "<IRETURNVALUE/>" PULL_TAIL("TRUE", "")));
    struct collected got = {0};
    assert_int_equal(sp_cim_query_instances(e->c, NULL, "DMTF:CQL", QUERY, 0,
                                            collect_query, &got),
                     SP_ERR_CIM);
    const sp_error *err = sp_cim_client_error(e->c);
    assert_int_equal(err->cim_status, SP_CIM_ERR_FAILED);
    assert_string_equal(err->message, "CIM_ERR_FAILED: shelf 2 offline");
    assert_int_equal(got.n, 1);
    assert_int_equal(e->fix.requests, 1);
    assert_int_equal(sp_cim_query_instances(e->c, NULL, "DMTF:CQL", QUERY, 0,
                                            collect_query, &got),
                     SP_OK);
    assert_int_equal(e->fix.requests, 2);
}

static void test_query_other_error_not_hidden(void **state)
{
    struct env *e = *state;
    reply(e, 200,
          rsp(true, "OpenQueryInstances",
              "<ERROR CODE=\"3\" DESCRIPTION=\"no namespace root/nope\"/>"));
    struct collected got = {0};
    assert_int_equal(sp_cim_query_instances(e->c, "root/nope", "DMTF:CQL",
                                            QUERY, 0, collect_query, &got),
                     SP_ERR_CIM);
    const sp_error *err = sp_cim_client_error(e->c);
    assert_int_equal(err->cim_status, SP_CIM_ERR_INVALID_NAMESPACE);
    assert_string_equal(err->message,
                        "CIM_ERR_INVALID_NAMESPACE: no namespace root/nope");
    assert_int_equal(e->fix.requests, 1);
}

static void test_pull_wrong_operation(void **state)
{
    /* Each enumeration is continued by its own pull operation; the other
     * one is refused without a request, and the enumeration stays usable. */
    struct env *e = *state;
    reply(e, 200,
          rsp(true, "OpenQueryInstances",
              "<IRETURNVALUE/>" PULL_TAIL("FALSE", "ctx-q4")));
    reply(e, 200,
          rsp(true, "PullInstances",
              "<IRETURNVALUE>" VOL_INST("00A1") "</IRETURNVALUE>" PULL_TAIL(
                  "TRUE", "")));
    reply(e, 200,
          rsp(true, "OpenEnumerateInstances",
              "<IRETURNVALUE/>" PULL_TAIL("FALSE", "ctx-e1")));
    reply(e, 200, rsp(true, "CloseEnumeration", ""));
    const sp_error *err = sp_cim_client_error(e->c);
    struct collected got = {0};
    sp_cim_enum *en = NULL;
    assert_int_equal(sp_cim_open_query_instances(e->c, NULL, "DMTF:CQL", QUERY,
                                                 100, 0, collect_query, &got,
                                                 &en),
                     SP_OK);
    assert_non_null(en);
    assert_int_equal(
        sp_cim_pull_instances_with_path(e->c, en, 100, collect_inst, &got),
        SP_ERR_INVALID);
    assert_string_equal(err->message, "the enumeration is continued by "
                                      "PullInstances, not "
                                      "PullInstancesWithPath");
    assert_int_equal(e->fix.requests, 1);
    assert_false(sp_cim_enum_done(en));
    assert_int_equal(sp_cim_pull_instances(e->c, en, 100, collect_query, &got),
                     SP_OK);
    assert_int_equal(e->fix.requests, 2);
    assert_true(sp_cim_enum_done(en));
    assert_int_equal(got.n, 1);
    assert_int_equal(sp_cim_close_enumeration(e->c, en), SP_OK);
    assert_int_equal(e->fix.requests, 2);

    en = NULL;
    assert_int_equal(
        sp_cim_open_enumerate_instances(e->c, NULL, "CIM_StorageVolume", NULL,
                                        100, 0, collect_inst, &got, &en),
        SP_OK);
    assert_non_null(en);
    assert_int_equal(e->fix.requests, 3);
    assert_int_equal(sp_cim_pull_instances(e->c, en, 100, collect_query, &got),
                     SP_ERR_INVALID);
    assert_string_equal(err->message, "the enumeration is continued by "
                                      "PullInstancesWithPath, not "
                                      "PullInstances");
    assert_int_equal(e->fix.requests, 3);
    assert_false(sp_cim_enum_done(en));
    assert_int_equal(sp_cim_close_enumeration(e->c, en), SP_OK);
    assert_int_equal(e->fix.requests, 4);
    assert_non_null(strstr(e->fix.last_headers, "CIMMethod: CloseEnumeration"));
    assert_non_null(strstr(e->fix.last_body, "<VALUE>ctx-e1</VALUE>"));
}

/* ---- transport behaviour ---- */

static void test_connection_reused(void **state)
{
    struct env *e = *state;
    reply(e, 200,
          rsp(true, "GetInstance",
              "<IRETURNVALUE>" VOL_INST("00A1") "</IRETURNVALUE>"));
    sp_cim_path *p = vol("00A1");
    for (int i = 0; i < 10; i++) {
        sp_cim_instance *inst = NULL;
        assert_int_equal(sp_cim_get_instance(e->c, p, NULL, 0, &inst), SP_OK);
        sp_cim_instance_free(inst);
    }
    sp_cim_path_free(p);
    sp_cim_client_stats st;
    sp_cim_client_get_stats(e->c, &st);
    assert_int_equal(st.requests, 10);
    assert_int_equal(st.connections, 1);
    assert_int_equal(e->fix.connections, 1);
    assert_int_equal(e->fix.requests, 10);
}

/* ---- a provider that closes kept-alive connections ---- */

/* From now on the server answers every request with @body (the client
 * waits for each answer, so the server is idle here). */
static void answer_from_now(struct env *e, char *body)
{
    e->bodies[e->nbodies++] = body;
    e->fix.replies[0] = (struct httpfix_reply){.body = body};
    e->fix.nreplies = 1;
}

static char *get_instance_answer(void)
{
    return rsp(true, "GetInstance",
               "<IRETURNVALUE>" VOL_INST("00A1") "</IRETURNVALUE>");
}

/* @n GetInstance calls in a row on @c: every one must succeed. */
static void reads_in_a_row(sp_cim_client *c, int n)
{
    sp_cim_path *p = vol("00A1");
    for (int i = 0; i < n; i++) {
        sp_cim_instance *inst = NULL;
        if (sp_cim_get_instance(c, p, NULL, 0, &inst) != SP_OK)
            fail_msg("read %d of %d failed: %s", i + 1, n,
                     sp_cim_client_error(c)->message);
        sp_cim_instance_free(inst);
    }
    sp_cim_path_free(p);
}

static char *ping_answer(void)
{
    return rsp(false, "Ping",
               "<RETURNVALUE PARAMTYPE=\"uint32\"><VALUE>0</VALUE>"
               "</RETURNVALUE>");
}

static sp_code ping(sp_cim_client *c)
{
    sp_cim_path *cls = sp_cim_path_new(NULL, NULL, "SIM_Service");
    sp_cim_value *ret = NULL;
    sp_code rc = sp_cim_invoke_method(c, cls, "Ping", NULL, 0, &ret, NULL);
    sp_cim_value_free(ret);
    sp_cim_path_free(cls);
    return rc;
}

/*
 * Every kept-alive connection is closed as the client's next request comes
 * on it, so libcurl sends each read after the first again on a new
 * connection.  libcurl 7.70 to 8.16 count those resends over the handle's
 * life, not per request: without the client's reset (http.c), read 7
 * failed with "Connection died, tried 5 times before giving up".
 */
static void test_keepalive_closed_each_time(void **state)
{
    struct env *e = *state;
    e->fix.close_after = 1;
    answer_from_now(e, get_instance_answer());
    reads_in_a_row(e->c, 50);
    sp_cim_client_stats st;
    sp_cim_client_get_stats(e->c, &st);
    assert_int_equal(st.requests, 50);
    assert_int_equal(e->fix.requests, 50);
    assert_int_equal(e->fix.unanswered, 49);
    assert_string_equal(e->fix.last_unanswered, "GetInstance");
    assert_int_equal(e->fix.connections, 50);
    assert_int_equal(st.connections, 50);
}

/* Closed after every 3 answers: one new connection per 3 reads, not one
 * per read. */
static void test_keepalive_closed_every_3(void **state)
{
    struct env *e = *state;
    e->fix.close_after = 3;
    answer_from_now(e, get_instance_answer());
    reads_in_a_row(e->c, 50);
    sp_cim_client_stats st;
    sp_cim_client_get_stats(e->c, &st);
    assert_int_equal(e->fix.requests, 50);
    assert_int_equal(e->fix.unanswered, 16);
    assert_int_equal(e->fix.connections, 17);
    assert_int_equal(st.connections, 17);
}

/* "Connection: close" in every 10th answer: libcurl opens the next
 * connection itself, nothing is sent twice, a method call included. */
static void test_keepalive_close_announced(void **state)
{
    struct env *e = *state;
    e->fix.close_after = 10;
    e->fix.close_announced = true;
    answer_from_now(e, get_instance_answer());
    reads_in_a_row(e->c, 50);
    answer_from_now(e, ping_answer());
    assert_int_equal(ping(e->c), SP_OK);
    sp_cim_client_stats st;
    sp_cim_client_get_stats(e->c, &st);
    assert_int_equal(e->fix.requests, 51);
    assert_int_equal(e->fix.unanswered, 0);
    assert_int_equal(e->fix.connections, 6);
    assert_int_equal(st.connections, 6);
}

/*
 * A method call closed on before any answer may have been carried out: it
 * is not sent again (libcurl would, as it does a read), the caller learns
 * the answer was lost, and the client goes on.
 */
static void test_keepalive_method_sent_once(void **state)
{
    struct env *e = *state;
    e->fix.close_after = 1;
    answer_from_now(e, get_instance_answer());
    reads_in_a_row(e->c, 1);
    answer_from_now(e, ping_answer());
    assert_int_equal(ping(e->c), SP_ERR_CONNECTION_LOST);
    const sp_error *err = sp_cim_client_error(e->c);
    assert_int_equal(err->code, SP_ERR_CONNECTION_LOST);
    assert_non_null(strstr(err->message, "'Ping'"));
    assert_non_null(strstr(err->message, "not sent again"));
    /* The server got it once, and never answered it. */
    assert_int_equal(e->fix.unanswered, 1);
    assert_string_equal(e->fix.last_unanswered, "Ping");
    assert_int_equal(e->fix.requests, 1);
    answer_from_now(e, get_instance_answer());
    reads_in_a_row(e->c, 1);
    assert_int_equal(e->fix.requests, 2);
    assert_int_equal(e->fix.unanswered, 1);
    /* The first, the one libcurl opened to send Ping again (closed
     * unused), the one of the last read. */
    sp_cim_client_stats st;
    sp_cim_client_get_stats(e->c, &st);
    assert_int_equal(st.connections, 3);
    assert_int_equal(e->fix.connections, 3);
}

static void test_cim_errors_mapped(void **state)
{
    struct env *e = *state;
    reply(e, 200,
          rsp(true, "GetInstance",
              "<ERROR CODE=\"6\" DESCRIPTION=\"no volume 00A9\"/>"));
    reply(e, 200,
          rsp(true, "GetInstance",
              "<ERROR CODE=\"1\" DESCRIPTION=\"internal failure\"><INSTANCE "
              "CLASSNAME=\"CIM_Error\"><PROPERTY NAME=\"Message\" "
              "TYPE=\"string\"><VALUE>disk shelf 3 offline</VALUE></PROPERTY>"
              "</INSTANCE></ERROR>"));
    reply(e, 200, rsp(true, "GetInstance", "<ERROR CODE=\"2\"/>"));
    reply(e, 200,
          rsp(true, "GetInstance",
              "<ERROR CODE=\"1\" DESCRIPTION=\"CIM_ERR_FAILED: pool full\"/>"));
    sp_cim_path *p = vol("00A9");
    sp_cim_instance *inst = NULL;
    assert_int_equal(sp_cim_get_instance(e->c, p, NULL, 0, &inst),
                     SP_ERR_NOT_FOUND);
    const sp_error *err = sp_cim_client_error(e->c);
    assert_int_equal(err->cim_status, 6);
    assert_int_equal(sp_error_exit_code(err), 3);
    assert_string_equal(err->message, "CIM_ERR_NOT_FOUND: no volume 00A9");
    assert_int_equal(sp_cim_get_instance(e->c, p, NULL, 0, &inst), SP_ERR_CIM);
    assert_string_equal(err->message, "CIM_ERR_FAILED: internal failure "
                                      "(disk shelf 3 offline)");
    assert_int_equal(sp_cim_get_instance(e->c, p, NULL, 0, &inst), SP_ERR_AUTH);
    assert_string_equal(err->message, "CIM_ERR_ACCESS_DENIED");
    /* A description that starts with the status name says it once. */
    assert_int_equal(sp_cim_get_instance(e->c, p, NULL, 0, &inst), SP_ERR_CIM);
    assert_string_equal(err->message, "CIM_ERR_FAILED: pool full");
    sp_cim_path_free(p);
}

static void test_http_errors(void **state)
{
    struct env *e = *state;
    struct httpfix_reply r500 = {
        .status = 500, .body = "oops", .content_type = "text/plain"};
    struct httpfix_reply r400 = {.status = 400,
                                 .header_name = "CIMError",
                                 .header_value = "request-not-valid"};
    struct httpfix_reply html = {.status = 200,
                                 .body = "<html><body>hi</body></html>",
                                 .content_type = "text/html"};
    httpfix_reply(&e->fix, &r500);
    httpfix_reply(&e->fix, &r400);
    httpfix_reply(&e->fix, &html);
    sp_cim_path *p = vol("00A1");
    sp_cim_instance *inst = NULL;
    const sp_error *err = sp_cim_client_error(e->c);
    assert_int_equal(sp_cim_get_instance(e->c, p, NULL, 0, &inst), SP_ERR_HTTP);
    assert_int_equal(err->http_status, 500);
    assert_non_null(strstr(err->message, "HTTP 500"));
    assert_int_equal(sp_cim_get_instance(e->c, p, NULL, 0, &inst), SP_ERR_HTTP);
    assert_string_equal(err->message, "HTTP 400, CIMError: request-not-valid");
    assert_int_equal(sp_cim_get_instance(e->c, p, NULL, 0, &inst),
                     SP_ERR_PROTOCOL);
    assert_string_equal(err->message,
                        "response has Content-Type 'text/html', not XML");
    sp_cim_path_free(p);
}

static void test_message_id_checked(void **state)
{
    struct env *e = *state;
    reply(
        e, 200,
        strdup("<CIM CIMVERSION=\"2.0\" DTDVERSION=\"2.0\"><MESSAGE "
               "ID=\"999\" PROTOCOLVERSION=\"1.0\"><SIMPLERSP>"
               "<IMETHODRESPONSE NAME=\"GetInstance\"><IRETURNVALUE>" VOL_INST(
                   "00A1") "</IRETURNVALUE></IMETHODRESPONSE>"
                           "</SIMPLERSP></MESSAGE></CIM>"));
    sp_cim_path *p = vol("00A1");
    sp_cim_instance *inst = NULL;
    assert_int_equal(sp_cim_get_instance(e->c, p, NULL, 0, &inst),
                     SP_ERR_PROTOCOL);
    assert_string_equal(sp_cim_client_error(e->c)->message,
                        "response answers message '999', not '1'");
    sp_cim_path_free(p);
}

static void test_dropped_mid_body(void **state)
{
    struct env *e = *state;
    char *body = rsp(true, "EnumerateInstances",
                     "<IRETURNVALUE>" NAMED("00A1") NAMED("00A2")
                         NAMED("00A3") "</IRETURNVALUE>");
    e->bodies[e->nbodies++] = body;
    struct httpfix_reply r = {.body = body, .mode = HF_DROP_MIDBODY};
    httpfix_reply(&e->fix, &r);
    struct collected got = {0};
    assert_int_equal(sp_cim_enumerate_instances(e->c, NULL, "CIM_StorageVolume",
                                                NULL, SP_CIM_NO_PULL,
                                                collect_inst, &got),
                     SP_ERR_CONNECTION_LOST);
    assert_non_null(strstr(sp_cim_client_error(e->c)->message,
                           "closed before the response was complete"));
    assert_int_equal(sp_error_exit_code(sp_cim_client_error(e->c)), 4);
}

static int count_inst(sp_cim_instance *i, void *ud)
{
    ++*(int *)ud;
    sp_cim_instance_free(i);
    return 0;
}

static void test_huge_responses_refused(void **state)
{
    struct env *e = *state;
    struct httpfix_reply huge = {.mode = HF_HUGE_DECLARED};
    struct httpfix_reply endless = {.mode = HF_ENDLESS};
    httpfix_reply(&e->fix, &huge);
    httpfix_reply(&e->fix, &endless);
    int n = 0;
    /* A declared 2 GiB body is refused before it is read. */
    assert_int_equal(sp_cim_enumerate_instances(e->c, NULL, "X", NULL,
                                                SP_CIM_NO_PULL, count_inst, &n),
                     SP_ERR_TOO_LARGE);
    assert_string_equal(sp_cim_client_error(e->c)->message,
                        "response is larger than the limit of 268435456 bytes");
    assert_int_equal(n, 0);
    /* An endless chunked body is cut at the limit; what came before was
     * streamed to the caller meanwhile. */
    sp_cim_client_set_max_response(e->c, 1 << 20);
    assert_int_equal(sp_cim_enumerate_instances(e->c, NULL, "X", NULL,
                                                SP_CIM_NO_PULL, count_inst, &n),
                     SP_ERR_TOO_LARGE);
    assert_string_equal(sp_cim_client_error(e->c)->message,
                        "response is larger than the limit of 1048576 bytes");
    assert_true(n > 1000);
}

static void test_timeout(void **state)
{
    struct env *e = *state;
    struct httpfix_reply slow = {.mode = HF_SLOW, .delay_ms = 1500};
    httpfix_reply(&e->fix, &slow);
    sp_cim_client_set_timeouts(e->c, 0, 300);
    sp_cim_path *p = vol("00A1");
    sp_cim_instance *inst = NULL;
    assert_int_equal(sp_cim_get_instance(e->c, p, NULL, 0, &inst),
                     SP_ERR_TIMEOUT);
    assert_int_equal(sp_error_exit_code(sp_cim_client_error(e->c)), 4);
    sp_cim_path_free(p);
}

static void test_connect_refused(void **state)
{
    /* Take a port, then free it: nothing listens there. */
    struct httpfix f = {0};
    httpfix_start(&f, NULL, NULL);
    char url[128];
    snprintf(url, sizeof(url), "%s", f.url);
    httpfix_stop(&f);
    sp_cim_client *c = NULL;
    sp_error err;
    assert_int_equal(sp_cim_client_new(url, 0, &c, &err), SP_OK);
    sp_cim_path *p = vol("00A1");
    sp_cim_instance *inst = NULL;
    assert_int_equal(sp_cim_get_instance(c, p, NULL, 0, &inst), SP_ERR_CONNECT);
    assert_non_null(
        strstr(sp_cim_client_error(c)->message, "cannot connect to"));
    sp_cim_path_free(p);
    sp_cim_client_free(c);
}

static void test_bad_urls(void **state)
{
    sp_cim_client *c = NULL;
    sp_error err;
    assert_int_equal(sp_cim_client_new("ftp://x/", 0, &c, &err),
                     SP_ERR_INVALID);
    assert_int_equal(sp_cim_client_new("not a url", 0, &c, &err),
                     SP_ERR_INVALID);
    assert_int_equal(
        sp_cim_client_new("https://admin:hunter2@array:5989", 0, &c, &err),
        SP_ERR_INVALID);
    assert_null(strstr(err.message, "hunter2"));
    assert_int_equal(sp_cim_client_new("http://x", 1, &c, &err),
                     SP_ERR_INVALID);
    assert_int_equal(sp_cim_client_new("http://array", 0, &c, &err), SP_OK);
    sp_cim_client_free(c);
}

static void test_bad_arguments(void **state)
{
    struct env *e = *state;
    sp_cim_instance *inst = NULL;
    sp_cim_path *cls = sp_cim_path_new(NULL, NULL, "CIM_X");
    assert_int_equal(sp_cim_get_instance(e->c, cls, NULL, 0, &inst),
                     SP_ERR_INVALID);
    assert_int_equal(
        sp_cim_enumerate_instances(e->c, NULL, "", NULL, 0, collect_inst, NULL),
        SP_ERR_INVALID);
    assert_int_equal(sp_cim_enumerate_instances(e->c, NULL, "X", NULL, 0x8000,
                                                collect_inst, NULL),
                     SP_ERR_INVALID);
    assert_int_equal(sp_cim_invoke_method(e->c, cls, "", NULL, 0, NULL, NULL),
                     SP_ERR_INVALID);
    assert_int_equal(e->fix.requests, 0);
    sp_cim_path_free(cls);
}

/* ---- authentication and secrets ---- */

static char trace[1 << 16];
static void capture(sp_log_level level, const char *msg, void *ctx)
{
    size_t n = strlen(trace);
    snprintf(trace + n, sizeof(trace) - n, "%s\n", msg);
}

static void test_basic_auth(void **state)
{
    struct env *e = *state;
    e->fix.user = "provisioner";
    e->fix.password = "Sw0rdf1sh!";
    reply(e, 200,
          rsp(true, "GetInstance",
              "<IRETURNVALUE>" VOL_INST("00A1") "</IRETURNVALUE>"));
    sp_cim_path *p = vol("00A1");
    sp_cim_instance *inst = NULL;
    const sp_error *err = sp_cim_client_error(e->c);

    assert_int_equal(sp_cim_get_instance(e->c, p, NULL, 0, &inst), SP_ERR_AUTH);
    assert_string_equal(err->message,
                        "the array wants a user name and password (HTTP 401)");
    assert_int_equal(sp_error_exit_code(err), 4);

    sp_cim_client_set_credentials(e->c, "provisioner", "wrong-password");
    assert_int_equal(sp_cim_get_instance(e->c, p, NULL, 0, &inst), SP_ERR_AUTH);
    assert_string_equal(err->message, "the array refused the user name or "
                                      "password (HTTP 401)");
    assert_null(strstr(err->message, "wrong-password"));

    sp_cim_client_free(e->c);
    sp_error ne;
    assert_int_equal(sp_cim_client_new(e->fix.url, 0, &e->c, &ne), SP_OK);
    sp_cim_client_set_credentials(e->c, "provisioner", "Sw0rdf1sh!");
    trace[0] = '\0';
    sp_log_set_handler(capture, NULL);
    sp_log_set_level(SP_LOG_TRACE);
    assert_int_equal(sp_cim_get_instance(e->c, p, NULL, 0, &inst), SP_OK);
    sp_log_set_level(SP_LOG_WARN);
    sp_log_set_handler(NULL, NULL);
    assert_string_equal(e->fix.last_auth_user, "provisioner");
    /* -vvv shows the traffic, never the secret */
    assert_non_null(strstr(trace, "CIM request"));
    assert_non_null(strstr(trace, "Authorization: ***"));
    assert_null(strstr(trace, "Sw0rdf1sh"));
    assert_null(strstr(trace, "cHJvdmlzaW9uZXI6U3cwcmRmMXNoIQ"));
    sp_cim_instance_free(inst);
    sp_cim_path_free(p);
    sp_log_clear_secrets();
}

/* ---- TLS, with certificates made for the test ---- */

struct pki {
    char dir[256];
    char ca[300];
    char *cert;
    char *key;
};

static bool make_pki(struct pki *k, const char *cn)
{
    snprintf(k->dir, sizeof(k->dir), "%s/pki-%s", tu_outdir(), cn);
    char cmd[4096];
    snprintf(cmd, sizeof(cmd),
             "set -e; d='%s'; rm -rf \"$d\"; mkdir -p \"$d\"; cd \"$d\"; "
             "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "
             "'/CN=sanprov test CA' -keyout ca.key -out ca.pem "
             "-addext basicConstraints=critical,CA:TRUE 2>/dev/null; "
             "openssl req -newkey rsa:2048 -nodes -subj '/CN=%s' "
             "-keyout srv.key -out srv.csr 2>/dev/null; "
             "printf 'subjectAltName=%s\\n' > ext; "
             "openssl x509 -req -in srv.csr -CA ca.pem -CAkey ca.key "
             "-CAcreateserial -days 2 -extfile ext -out srv.pem 2>/dev/null",
             k->dir, cn,
             strcmp(cn, "127.0.0.1") == 0 ? "IP:127.0.0.1"
                                          : "DNS:wrong.invalid");
    if (system(cmd) != 0)
        return false;
    snprintf(k->ca, sizeof(k->ca), "%s/ca.pem", k->dir);
    size_t n;
    k->cert = tu_read_file(tu_path(k->dir, "srv.pem"), &n);
    k->key = tu_read_file(tu_path(k->dir, "srv.key"), &n);
    return true;
}

static void test_tls(void **state)
{
    struct pki good = {0}, wrong = {0};
    if (!make_pki(&good, "127.0.0.1") || !make_pki(&wrong, "wrong.invalid"))
        fail_msg("openssl could not make test certificates");
    struct httpfix f = {0};
    httpfix_start(&f, good.cert, good.key);
    char *body = rsp(true, "GetInstance",
                     "<IRETURNVALUE>" VOL_INST("00A1") "</IRETURNVALUE>");
    struct httpfix_reply r = {.body = body};
    httpfix_reply(&f, &r);
    sp_cim_path *p = vol("00A1");
    sp_cim_instance *inst = NULL;
    sp_cim_client *c = NULL;
    sp_error err;

    /* Not trusted: the system CAs do not know our test CA. */
    assert_int_equal(sp_cim_client_new(f.url, 0, &c, &err), SP_OK);
    assert_int_equal(sp_cim_get_instance(c, p, NULL, 0, &inst), SP_ERR_TLS);
    assert_non_null(strstr(sp_cim_client_error(c)->message, "TLS with"));
    assert_int_equal(sp_error_exit_code(sp_cim_client_error(c)), 4);
    sp_cim_client_free(c);

    /* Trusted through ca-file. */
    assert_int_equal(sp_cim_client_new(f.url, 0, &c, &err), SP_OK);
    sp_cim_client_set_ca_file(c, good.ca);
    assert_int_equal(sp_cim_get_instance(c, p, NULL, 0, &inst), SP_OK);
    sp_cim_instance_free(inst);
    sp_cim_client_free(c);

    /* Insecure only when asked, and it says so. */
    assert_int_equal(sp_cim_client_new(f.url, 0, &c, &err), SP_OK);
    sp_cim_client_set_insecure(c, true);
    trace[0] = '\0';
    sp_log_set_handler(capture, NULL);
    assert_int_equal(sp_cim_get_instance(c, p, NULL, 0, &inst), SP_OK);
    sp_log_set_handler(NULL, NULL);
    assert_non_null(strstr(trace, "not verifying the TLS certificate"));
    sp_cim_instance_free(inst);
    sp_cim_client_free(c);
    httpfix_stop(&f);

    /* A certificate for another name is refused, even from a trusted CA. */
    struct httpfix g = {0};
    httpfix_start(&g, wrong.cert, wrong.key);
    httpfix_reply(&g, &r);
    assert_int_equal(sp_cim_client_new(g.url, 0, &c, &err), SP_OK);
    sp_cim_client_set_ca_file(c, wrong.ca);
    assert_int_equal(sp_cim_get_instance(c, p, NULL, 0, &inst), SP_ERR_TLS);
    sp_cim_client_free(c);
    httpfix_stop(&g);

    sp_cim_path_free(p);
    free(body);
    free(good.cert);
    free(good.key);
    free(wrong.cert);
    free(wrong.key);
}

/* The same over TLS, where libcurl checks a kept-alive connection through
 * its TLS layer. */
static void test_keepalive_closed_tls(void **state)
{
    (void)state;
    struct pki k = {0};
    if (!make_pki(&k, "127.0.0.1"))
        fail_msg("openssl could not make test certificates");
    struct httpfix f = {.close_after = 1};
    httpfix_start(&f, k.cert, k.key);
    char *body = get_instance_answer();
    httpfix_reply(&f, &(struct httpfix_reply){.body = body});
    sp_cim_client *c = NULL;
    sp_error err;
    assert_int_equal(sp_cim_client_new(f.url, 0, &c, &err), SP_OK);
    sp_cim_client_set_ca_file(c, k.ca);
    reads_in_a_row(c, 20);
    assert_int_equal(f.requests, 20);
    assert_int_equal(f.unanswered, 19);
    assert_int_equal(f.connections, 20);
    sp_cim_client_free(c);
    httpfix_stop(&f);
    free(body);
    free(k.cert);
    free(k.key);
}

static void test_proxy_from_environment(void **state)
{
    struct env *e = *state;
    reply(e, 200,
          rsp(true, "GetInstance",
              "<IRETURNVALUE>" VOL_INST("00A1") "</IRETURNVALUE>"));
    setenv("http_proxy", e->fix.url, 1);
    unsetenv("no_proxy");
    unsetenv("NO_PROXY");
    sp_cim_client *c = NULL;
    sp_error err;
    assert_int_equal(
        sp_cim_client_new("http://array.invalid:5988", 0, &c, &err), SP_OK);
    sp_cim_path *p = vol("00A1");
    sp_cim_instance *inst = NULL;
    sp_code rc = sp_cim_get_instance(c, p, NULL, 0, &inst);
    unsetenv("http_proxy");
    assert_int_equal(rc, SP_OK);
    /* The proxy (our server) got the request for the array. */
    assert_non_null(strstr(e->fix.last_url, "array.invalid:5988/cimom"));
    sp_cim_instance_free(inst);
    sp_cim_path_free(p);
    sp_cim_client_free(c);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_enumerate_instances_classic),
        T(test_enumerate_instance_names),
        T(test_get_instance),
        T(test_get_class),
        T(test_associators_classic),
        T(test_associator_names),
        T(test_references),
        T(test_reference_names),
        T(test_invoke_method_typed),
        T(test_invoke_static_method),
        T(test_pull_enumeration),
        T(test_open_request),
        T(test_open_associators_and_close),
        cmocka_unit_test(test_pull_fallback),
        T(test_pull_other_error_not_hidden),
        T(test_cancel_closes_enumeration),
        T(test_open_query_and_pull),
        T(test_query_instances),
        cmocka_unit_test(test_query_fallback),
        T(test_query_without_pull),
        T(test_query_error_after_instances),
        T(test_query_open_error_after_instances),
        T(test_query_other_error_not_hidden),
        T(test_pull_wrong_operation),
        T(test_connection_reused),
        T(test_keepalive_closed_each_time),
        T(test_keepalive_closed_every_3),
        T(test_keepalive_close_announced),
        T(test_keepalive_method_sent_once),
        T(test_cim_errors_mapped),
        T(test_http_errors),
        T(test_message_id_checked),
        T(test_dropped_mid_body),
        T(test_huge_responses_refused),
        T(test_timeout),
        cmocka_unit_test(test_connect_refused),
        cmocka_unit_test(test_bad_urls),
        T(test_bad_arguments),
        T(test_basic_auth),
        cmocka_unit_test(test_tls),
        cmocka_unit_test(test_keepalive_closed_tls),
        T(test_proxy_from_environment),
    };
    return cmocka_run_group_tests_name("client", tests, NULL, NULL);
}
