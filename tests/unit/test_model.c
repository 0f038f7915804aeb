/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* tests/unit/test_model.c: CIM values, paths, instances, classes, and the
 * encoder's round trip through the decoder. */
#include <math.h>

#include "cim/cimxml.h"
#include "testutil.h"

/* ---- text to typed values: the table CIM-XML parsing relies on ---- */

static void test_value_from_text(void **state)
{
    static const struct {
        sp_cim_type t;
        const char *text;
        const char *want; /* canonical text, or NULL: refused */
    } cases[] = {
        {SP_CIM_UINT8, "0", "0"},
        {SP_CIM_UINT8, "255", "255"},
        {SP_CIM_UINT8, "256", NULL},
        {SP_CIM_UINT8, "-1", NULL},
        {SP_CIM_UINT8, " +7\n", "7"},
        {SP_CIM_UINT8, "0x10", NULL},
        {SP_CIM_UINT8, "", NULL},
        {SP_CIM_SINT8, "-128", "-128"},
        {SP_CIM_SINT8, "128", NULL},
        {SP_CIM_UINT16, "65535", "65535"},
        {SP_CIM_UINT16, "65536", NULL},
        {SP_CIM_SINT16, "-32769", NULL},
        {SP_CIM_UINT32, "4294967295", "4294967295"},
        {SP_CIM_UINT32, "4294967296", NULL},
        {SP_CIM_SINT32, "-2147483648", "-2147483648"},
        {SP_CIM_UINT64, "18446744073709551615", "18446744073709551615"},
        {SP_CIM_UINT64, "18446744073709551616", NULL},
        {SP_CIM_UINT64, "1 2", NULL},
        {SP_CIM_SINT64, "-9223372036854775808", "-9223372036854775808"},
        {SP_CIM_SINT64, "9223372036854775808", NULL},
        {SP_CIM_SINT64, "--1", NULL},
        {SP_CIM_REAL32, "1.5", "1.5"},
        {SP_CIM_REAL32, "1e39", NULL},
        {SP_CIM_REAL64, "-2.5E-3", "-0.0025"},
        {SP_CIM_REAL64, "INF", "INF"},
        {SP_CIM_REAL64, "-INF", "-INF"},
        {SP_CIM_REAL64, "NaN", "NaN"},
        {SP_CIM_REAL64, "1e999", NULL},
        {SP_CIM_REAL64, "abc", NULL},
        {SP_CIM_BOOLEAN, "TRUE", "TRUE"},
        {SP_CIM_BOOLEAN, " false ", "FALSE"},
        {SP_CIM_BOOLEAN, "yes", NULL},
        {SP_CIM_STRING, " as is ", " as is "},
        {SP_CIM_CHAR16, "x", "x"},
        {SP_CIM_CHAR16, "", NULL},
        {SP_CIM_DATETIME, "20261126103000.123456+060",
         "20261126103000.123456+060"},
        {SP_CIM_DATETIME, "00000001020304.000000:000",
         "00000001020304.000000:000"},
        {SP_CIM_DATETIME, "2026112610****.******+000",
         "2026112610****.******+000"},
        {SP_CIM_DATETIME, "20261126", NULL},
        {SP_CIM_DATETIME, "20261126103000.123456*060", NULL},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        sp_cim_value *v = NULL;
        sp_error err;
        sp_code rc =
            spi_cim_value_from_text(cases[i].t, cases[i].text, &v, &err);
        if (!cases[i].want) {
            if (rc == SP_OK)
                fail_msg("%s '%s' was accepted", sp_cim_type_name(cases[i].t),
                         cases[i].text);
            assert_int_equal(rc, SP_ERR_PROTOCOL);
            assert_non_null(strstr(err.message, "is not a valid"));
            continue;
        }
        if (rc != SP_OK)
            fail_msg("%s '%s' refused: %s", sp_cim_type_name(cases[i].t),
                     cases[i].text, err.message);
        char *t = sp_cim_value_to_text(v);
        assert_string_equal(t, cases[i].want);
        /* the canonical text parses back to an equal value */
        sp_cim_value *again = NULL;
        assert_int_equal(spi_cim_value_from_text(cases[i].t, t, &again, NULL),
                         SP_OK);
        assert_true(sp_cim_value_equal(v, again));
        free(t);
        sp_cim_value_free(again);
        sp_cim_value_free(v);
    }
}

static void test_type_names(void **state)
{
    for (int t = SP_CIM_UINT8; t <= SP_CIM_INSTANCE; t++)
        assert_int_equal(sp_cim_type_from_name(sp_cim_type_name(t)), t);
    assert_int_equal(sp_cim_type_from_name("uint128"), SP_CIM_INVALID);
    assert_int_equal(sp_cim_type_from_name(NULL), SP_CIM_INVALID);
    assert_null(sp_cim_type_name(SP_CIM_INVALID));
}

static void test_getters_convert(void **state)
{
    uint64_t u;
    int64_t s;
    double r;
    bool b;
    sp_cim_value *v = sp_cim_value_new_sint(SP_CIM_SINT32, -5);
    assert_false(sp_cim_value_get_uint(v, &u));
    assert_true(sp_cim_value_get_sint(v, &s));
    assert_int_equal(s, -5);
    assert_true(sp_cim_value_get_real(v, &r));
    assert_true(r == -5.0);
    assert_false(sp_cim_value_get_bool(v, &b));
    assert_null(sp_cim_value_get_string(v));
    sp_cim_value_free(v);

    v = sp_cim_value_new_uint(SP_CIM_UINT64, UINT64_MAX);
    assert_false(sp_cim_value_get_sint(v, &s));
    sp_cim_value_free(v);

    /* untyped values convert on demand, whitespace and all */
    v = sp_cim_value_new_untyped("\n 4096 \n");
    assert_true(sp_cim_value_is_untyped(v));
    assert_true(sp_cim_value_get_uint(v, &u));
    assert_int_equal(u, 4096);
    assert_false(sp_cim_value_get_bool(v, &b));
    assert_string_equal(sp_cim_value_get_string(v), "\n 4096 \n");
    sp_cim_value_free(v);
    v = sp_cim_value_new_untyped("true");
    assert_true(sp_cim_value_get_bool(v, &b));
    assert_true(b);
    assert_false(sp_cim_value_get_uint(v, &u));
    sp_cim_value_free(v);

    /* NULLs, arrays and a NULL pointer give nothing */
    v = sp_cim_value_new_null(SP_CIM_UINT16, false);
    assert_false(sp_cim_value_get_uint(v, &u));
    assert_null(sp_cim_value_to_text(v));
    sp_cim_value_free(v);
    assert_false(sp_cim_value_get_uint(NULL, &u));
    assert_null(sp_cim_value_get_string(NULL));
    sp_cim_value_free(NULL);
}

static void test_arrays(void **state)
{
    sp_cim_value *a = sp_cim_value_new_array(SP_CIM_UINT16);
    assert_int_equal(
        sp_cim_value_append(a, sp_cim_value_new_uint(SP_CIM_UINT16, 2)), SP_OK);
    assert_int_equal(
        sp_cim_value_append(a, sp_cim_value_new_null(SP_CIM_UINT16, false)),
        SP_OK);
    assert_int_equal(sp_cim_value_append(a, sp_cim_value_new_bool(true)),
                     SP_ERR_INVALID);
    assert_int_equal(
        sp_cim_value_append(a, sp_cim_value_new_array(SP_CIM_UINT16)),
        SP_ERR_INVALID);
    assert_int_equal(sp_cim_value_count(a), 2);
    assert_true(sp_cim_value_is_null(sp_cim_value_at(a, 1)));
    assert_null(sp_cim_value_at(a, 2));
    sp_cim_value *c = sp_cim_value_copy(a);
    assert_true(sp_cim_value_equal(a, c));
    sp_cim_value_append(c, sp_cim_value_new_uint(SP_CIM_UINT16, 3));
    assert_false(sp_cim_value_equal(a, c));
    sp_cim_value_free(c);
    sp_cim_value_free(a);
}

static sp_cim_path *pool_path(const char *id)
{
    sp_cim_path *p = sp_cim_path_new("h", "root/sim", "SIM_StoragePool");
    sp_cim_path_set_key(p, "InstanceID",
                        sp_cim_value_new_string(SP_CIM_STRING, id));
    return p;
}

static void test_paths(void **state)
{
    sp_cim_path *p = sp_cim_path_new(NULL, "root/sim", "SIM_LUN");
    sp_cim_path_set_key(p, "DeviceID",
                        sp_cim_value_new_string(SP_CIM_STRING, "a\"b\\c"));
    sp_cim_path_set_key(p, "N", sp_cim_value_new_uint(SP_CIM_UINT16, 5));
    sp_cim_path_set_key(p, "Pool", sp_cim_value_take_ref(pool_path("gold")));
    char *s = sp_cim_path_to_string(p);
    assert_string_equal(s, "root/sim:SIM_LUN.DeviceID=\"a\\\"b\\\\c\",N=5,"
                           "Pool=\"//h/root/sim:SIM_StoragePool.InstanceID="
                           "\\\"gold\\\"\"");
    free(s);

    /* equal: names case-insensitive, keys in any order, untyped keys by text */
    sp_cim_path *q = sp_cim_path_new("other", "ROOT/SIM", "sim_lun");
    sp_cim_path_set_key(q, "pool", sp_cim_value_take_ref(pool_path("gold")));
    sp_cim_value *n = sp_cim_value_new_untyped("5");
    sp_cim_path_set_key(q, "n", n);
    sp_cim_path_set_key(q, "deviceid",
                        sp_cim_value_new_string(SP_CIM_STRING, "a\"b\\c"));
    assert_true(sp_cim_path_equal(p, q, 0));
    assert_true(sp_cim_path_equal(p, q, SP_CIM_PATH_CMP_NAMESPACE));
    assert_false(sp_cim_path_equal(p, q, SP_CIM_PATH_CMP_HOST));
    sp_cim_path_set_key(q, "N", sp_cim_value_new_uint(SP_CIM_UINT16, 6));
    assert_false(sp_cim_path_equal(p, q, 0));
    assert_int_equal(sp_cim_path_key_count(q), 3);

    sp_cim_path *c = sp_cim_path_copy(p);
    assert_true(sp_cim_path_equal(
        p, c, SP_CIM_PATH_CMP_HOST | SP_CIM_PATH_CMP_NAMESPACE));
    sp_cim_path_set_namespace(c, "");
    assert_null(sp_cim_path_namespace(c));
    assert_string_equal(sp_cim_path_key_name(c, 0), "DeviceID");
    assert_null(sp_cim_path_key_name(c, 9));
    sp_cim_path_free(c);
    sp_cim_path_free(q);
    sp_cim_path_free(p);
}

static void test_instances_and_args(void **state)
{
    sp_cim_instance *i = sp_cim_instance_new("SIM_StorageVolume");
    sp_cim_instance_set(i, "ElementName",
                        sp_cim_value_new_string(SP_CIM_STRING, "a"));
    sp_cim_instance_set(i, "elementname",
                        sp_cim_value_new_string(SP_CIM_STRING, "b"));
    assert_int_equal(sp_cim_instance_prop_count(i), 1);
    assert_string_equal(sp_cim_instance_get_string(i, "ELEMENTNAME"), "b");
    assert_string_equal(sp_cim_instance_prop_name(i, 0), "ElementName");
    assert_null(sp_cim_instance_get(i, "Missing"));
    uint64_t u;
    assert_false(sp_cim_instance_get_uint(i, "ElementName", &u));
    sp_cim_instance *c = sp_cim_instance_copy(i);
    sp_cim_value *vi = sp_cim_value_new_instance(i);
    sp_cim_value *vc = sp_cim_value_take_instance(c);
    assert_true(sp_cim_value_equal(vi, vc));
    sp_cim_value_free(vi);
    sp_cim_value_free(vc);
    sp_cim_instance_free(i);

    sp_cim_args *a = sp_cim_args_new();
    sp_cim_args_set(a, "Size", sp_cim_value_new_uint(SP_CIM_UINT64, 1));
    sp_cim_args_set(a, "size", sp_cim_value_new_uint(SP_CIM_UINT64, 2));
    assert_int_equal(sp_cim_args_count(a), 1);
    assert_true(sp_cim_value_get_uint(sp_cim_args_get(a, "SIZE"), &u));
    assert_int_equal(u, 2);
    assert_null(sp_cim_args_name(a, 1));
    sp_cim_args_free(a);
}

/* ---- round trip: everything the encoder writes, the decoder reads ---- */

static sp_cim_instance *every_type(void)
{
    sp_cim_instance *i = sp_cim_instance_new("T_Every");
    sp_cim_instance_set(i, "U8", sp_cim_value_new_uint(SP_CIM_UINT8, 200));
    sp_cim_instance_set(i, "S8", sp_cim_value_new_sint(SP_CIM_SINT8, -100));
    sp_cim_instance_set(i, "U16", sp_cim_value_new_uint(SP_CIM_UINT16, 65535));
    sp_cim_instance_set(i, "S16", sp_cim_value_new_sint(SP_CIM_SINT16, -300));
    sp_cim_instance_set(i, "U32", sp_cim_value_new_uint(SP_CIM_UINT32, 70000));
    sp_cim_instance_set(i, "S32", sp_cim_value_new_sint(SP_CIM_SINT32, -70000));
    sp_cim_instance_set(i, "U64",
                        sp_cim_value_new_uint(SP_CIM_UINT64, UINT64_MAX));
    sp_cim_instance_set(i, "S64",
                        sp_cim_value_new_sint(SP_CIM_SINT64, INT64_MIN));
    sp_cim_instance_set(i, "R32", sp_cim_value_new_real(SP_CIM_REAL32, 0.1));
    sp_cim_instance_set(i, "R64", sp_cim_value_new_real(SP_CIM_REAL64, M_PI));
    sp_cim_instance_set(i, "Inf",
                        sp_cim_value_new_real(SP_CIM_REAL64, -INFINITY));
    sp_cim_instance_set(i, "Bool", sp_cim_value_new_bool(false));
    sp_cim_instance_set(
        i, "Str",
        sp_cim_value_new_string(SP_CIM_STRING,
                                " <&>\"' \t\n\r\xC3\xA9\xE2\x82\xAC "));
    sp_cim_instance_set(i, "C16",
                        sp_cim_value_new_string(SP_CIM_CHAR16, "\xE2\x82\xAC"));
    sp_cim_instance_set(
        i, "When",
        sp_cim_value_new_string(SP_CIM_DATETIME, "20261126103000.000000+000"));
    sp_cim_instance_set(i, "Ref",
                        sp_cim_value_take_ref(pool_path("gold \"1\"")));
    sp_cim_instance_set(i, "Null", sp_cim_value_new_null(SP_CIM_SINT32, false));
    sp_cim_instance_set(i, "NullArr",
                        sp_cim_value_new_null(SP_CIM_STRING, true));
    sp_cim_value *arr = sp_cim_value_new_array(SP_CIM_STRING);
    sp_cim_value_append(arr, sp_cim_value_new_string(SP_CIM_STRING, "x"));
    sp_cim_value_append(arr, sp_cim_value_new_null(SP_CIM_STRING, false));
    sp_cim_value_append(arr, sp_cim_value_new_string(SP_CIM_STRING, ""));
    sp_cim_instance_set(i, "Arr", arr);
    sp_cim_instance_set(i, "Empty", sp_cim_value_new_array(SP_CIM_UINT64));
    sp_cim_instance *inner = sp_cim_instance_new("T_Inner");
    sp_cim_instance_set(inner, "Msg",
                        sp_cim_value_new_string(SP_CIM_STRING, "a<b & \"c\""));
    sp_cim_instance *deeper = sp_cim_instance_new("T_Deeper");
    sp_cim_instance_set(deeper, "N", sp_cim_value_new_uint(SP_CIM_UINT8, 1));
    sp_cim_instance_set(inner, "Deeper", sp_cim_value_take_instance(deeper));
    sp_cim_instance_set(i, "Embedded", sp_cim_value_new_instance(inner));
    sp_cim_value *earr = sp_cim_value_new_array(SP_CIM_INSTANCE);
    sp_cim_value_append(earr, sp_cim_value_take_instance(inner));
    sp_cim_instance_set(i, "EmbeddedArr", earr);
    return i;
}

struct grab {
    sp_cim_instance *inst;
    sp_cim_class *cls;
};

static int grab_item(struct spi_item *it, void *ud)
{
    struct grab *g = ud;
    if (it->inst) {
        g->inst = it->inst;
        it->inst = NULL;
    }
    if (it->cls) {
        g->cls = it->cls;
        it->cls = NULL;
    }
    return 0;
}

static struct spi_cim_response *
decode_doc(const sp_buf *b, sp_cim_instance **inst, sp_cim_class **cls)
{
    struct grab g = {0};
    struct spi_decode_opts o = {
        .expect_intrinsic = -1, .fn = grab_item, .ctx = &g};
    struct spi_cim_response *r = NULL;
    sp_error err;
    if (spi_cimxml_decode(b->data, b->len, &o, &r, &err) != SP_OK)
        fail_msg("round trip decode failed: %s", err.message);
    *inst = g.inst;
    if (cls)
        *cls = g.cls;
    else
        sp_cim_class_free(g.cls);
    return r;
}

static void validate(const sp_buf *b, const char *name)
{
    const char *shared = tu_shared_dir();
    char *path = tu_path(tu_outdir(), "%s", name);
    tu_write_file(path, b->data, b->len);
    if (!shared) {
        printf("# not DTD-validated: %s\n", TU_NO_SHARED);
        return;
    }
    if (tu_xmllint(path, tu_path(shared, "cim/DSP0203_2.4.0.dtd")) != 0)
        fail_msg("%s does not validate against DSP0203 2.4.0", path);
}

static void test_instance_round_trip(void **state)
{
    sp_cim_instance *orig = every_type();
    sp_cim_path *path = sp_cim_path_new(NULL, NULL, "T_Every");
    sp_cim_path_set_key(path, "Id", sp_cim_value_new_uint(SP_CIM_UINT32, 7));
    sp_cim_path_set_key(path, "Name",
                        sp_cim_value_new_string(SP_CIM_STRING, "x&y"));
    sp_cim_path_set_key(path, "Owner", sp_cim_value_take_ref(pool_path("p")));

    sp_buf b = SP_BUF_INIT(1u << 24);
    spi_cimxml_response_begin(&b, "42", true, "EnumerateInstances");
    sp_buf_addstr(&b, "<IRETURNVALUE>\n<VALUE.NAMEDINSTANCE>\n");
    spi_cimxml_instancename(&b, path);
    spi_cimxml_instance(&b, orig);
    sp_buf_addstr(&b, "</VALUE.NAMEDINSTANCE>\n</IRETURNVALUE>\n");
    spi_cimxml_response_end(&b, true);
    validate(&b, "roundtrip-instance.xml");

    sp_cim_instance *back = NULL;
    struct spi_cim_response *r = decode_doc(&b, &back, NULL);
    assert_non_null(back);
    assert_string_equal(r->msgid, "42");
    assert_true(sp_cim_path_equal(sp_cim_instance_path(back), path, 0));
    assert_int_equal(sp_cim_instance_prop_count(back),
                     sp_cim_instance_prop_count(orig));
    for (size_t k = 0; k < sp_cim_instance_prop_count(orig); k++) {
        const char *name = sp_cim_instance_prop_name(orig, k);
        const sp_cim_value *want = sp_cim_instance_prop_value(orig, k);
        const sp_cim_value *got = sp_cim_instance_get(back, name);
        assert_non_null(got);
        if (!sp_cim_value_equal(want, got))
            fail_msg("property %s changed in the round trip", name);
    }
    spi_cim_response_free(r);
    sp_cim_instance_free(back);
    sp_cim_instance_free(orig);
    sp_cim_path_free(path);
    sp_buf_release(&b);
}

static void test_class_and_error_round_trip(void **state)
{
    sp_cim_class *c = sp_cim_class_new("SIM_Service", "CIM_Service");
    sp_cim_class_set_qualifier(c, "Description",
                               sp_cim_value_new_string(SP_CIM_STRING, "svc"));
    sp_cim_property_decl *k =
        sp_cim_class_add_property(c, "Name", SP_CIM_STRING, false, NULL, NULL);
    sp_cim_decl_set_qualifier(k, "Key", sp_cim_value_new_bool(true));
    sp_cim_class_add_property(c, "State", SP_CIM_UINT16, false, NULL,
                              sp_cim_value_new_uint(SP_CIM_UINT16, 2));
    sp_cim_class_add_property(c, "Owner", SP_CIM_REFERENCE, false, "CIM_System",
                              NULL);
    sp_cim_method_decl *m = sp_cim_class_add_method(c, "Do", SP_CIM_UINT32);
    sp_cim_param_decl *p = sp_cim_method_add_param(
        m, "Target", SP_CIM_REFERENCE, false, "CIM_LogicalElement");
    sp_cim_decl_set_qualifier(p, "In", sp_cim_value_new_bool(true));
    p = sp_cim_method_add_param(m, "Job", SP_CIM_REFERENCE, false,
                                "CIM_ConcreteJob");
    sp_cim_decl_set_qualifier(p, "Out", sp_cim_value_new_bool(true));
    sp_cim_method_add_param(m, "Sizes", SP_CIM_UINT64, true, NULL);
    sp_cim_method_add_param(m, "Refs", SP_CIM_REFERENCE, true, "CIM_X");

    sp_buf b = SP_BUF_INIT(1u << 20);
    spi_cimxml_response_begin(&b, "1", true, "GetClass");
    sp_buf_addstr(&b, "<IRETURNVALUE>\n");
    spi_cimxml_class(&b, c);
    sp_buf_addstr(&b, "</IRETURNVALUE>\n");
    spi_cimxml_response_end(&b, true);
    validate(&b, "roundtrip-class.xml");
    sp_cim_class *back = NULL;
    sp_cim_instance *none = NULL;
    struct spi_cim_response *r = decode_doc(&b, &none, &back);
    sp_buf d1 = SP_BUF_INIT(1u << 20), d2 = SP_BUF_INIT(1u << 20);
    spi_cim_dump_class(&d1, c, 0);
    spi_cim_dump_class(&d2, back, 0);
    assert_string_equal(sp_buf_cstr(&d1), sp_buf_cstr(&d2));
    spi_cim_response_free(r);
    sp_cim_class_free(back);

    /* an ERROR with an embedded CIM_Error */
    sp_buf_reset(&b);
    sp_cim_instance *e = sp_cim_instance_new("CIM_Error");
    sp_cim_instance_set(e, "Message",
                        sp_cim_value_new_string(SP_CIM_STRING, "pool full"));
    spi_cimxml_response_begin(&b, "2", false,
                              "CreateOrModifyElementFromStoragePool");
    spi_cimxml_error(&b, 1, "CIM_ERR_FAILED", e);
    spi_cimxml_response_end(&b, false);
    validate(&b, "roundtrip-error.xml");
    r = decode_doc(&b, &none, NULL);
    assert_int_equal(r->error_code, 1);
    assert_string_equal(
        sp_cim_instance_get_string(r->error_instance, "Message"), "pool full");
    spi_cim_response_free(r);
    sp_cim_instance_free(e);
    sp_buf_release(&b);
    sp_buf_release(&d1);
    sp_buf_release(&d2);
    sp_cim_class_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_value_from_text),
        cmocka_unit_test(test_type_names),
        cmocka_unit_test(test_getters_convert),
        cmocka_unit_test(test_arrays),
        cmocka_unit_test(test_paths),
        cmocka_unit_test(test_instances_and_args),
        cmocka_unit_test(test_instance_round_trip),
        cmocka_unit_test(test_class_and_error_round_trip),
    };
    return cmocka_run_group_tests_name("model", tests, NULL, NULL);
}
