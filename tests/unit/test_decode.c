/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* tests/unit/test_decode.c: table-driven CIM-XML decoding: real captures, every
 * response form, hostile input. */
#include "cim/cimxml.h"
#include "testutil.h"

enum src { OWN, SHARED, HOSTILE };

static const struct fixture {
    const char *name; /* expected output: tests/data/expected/decode-NAME.txt */
    enum src src;
    const char *file;
    const char *dtd; /* validate the fixture itself: "2.4.0", "2.3.1", NULL */
    bool fragment;   /* a bare IRETURNVALUE child: wrap it in an envelope */
} fixtures[] = {
    /* real servers (OpenPegasus, SFCB, an EMC VNX fragment) */
    {"pegasus-enum", SHARED,
     "cim/captures/pegasus_EnumerateInstances51000.rsp.xml", "2.3.1", false},
    {"pegasus-open", SHARED,
     "cim/captures/pegasus_OpenEnumerateInstances61002.rsp.xml", NULL, false},
    {"pegasus-open-empty", SHARED,
     "cim/captures/pegasus_OpenEnumerateInstances61000.rsp.xml", NULL, false},
    {"pegasus-open-error", SHARED,
     "cim/captures/pegasus_OpenEnumerateInstances61005.rsp.xml", "2.3.1",
     false},
    {"pegasus-getinstance", SHARED,
     "cim/captures/pegasus_GetInstance52004.rsp.xml", "2.3.1", false},
    {"pegasus-method-error", SHARED,
     "cim/captures/pegasus_Headers_GoodCIMObjectValueEncoding01.rsp.xml",
     "2.3.1", false},
    {"sfcb-getinstance", SHARED, "cim/captures/sfcb_InstanceTest2Get.rsp.xml",
     "2.3.1", false},
    {"sfcb-error", SHARED, "cim/captures/sfcb_ErrorTest01.rsp.xml", "2.3.1",
     false},
    {"vnx-fragment", SHARED,
     "cim/captures/zenoss_vnx_Clar_DiskDrive_fragment.xml", NULL, true},
    /* pywbem-encoded responses */
    {"pywbem-associatornames", SHARED,
     "cim/requests/02_rsp_AssociatorNames.xml", "2.4.0", false},
    {"pywbem-associators", SHARED,
     "cim/requests/03_rsp_Associators_StoragePool.xml", "2.4.0", false},
    {"pywbem-job-started", SHARED,
     "cim/requests/06_rsp_MethodResponse_JobStarted.xml", "2.4.0", false},
    {"pywbem-not-found", SHARED, "cim/requests/09_rsp_Error_NotFound.xml",
     "2.4.0", false},
    {"pywbem-pull", SHARED, "cim/requests/10_rsp_PullInstancesWithPath.xml",
     "2.4.0", false},
    /* every other form the client must accept */
    {"embedded-escaped", OWN, "embedded_escaped.xml", "2.4.0", false},
    {"embedded-cdata", OWN, "embedded_cdata.xml", "2.4.0", false},
    {"embedded-qualifier", OWN, "embedded_qualifier.xml", "2.4.0", false},
    {"error-cim-error", OWN, "error_cim_error.xml", "2.4.0", false},
    {"method-out-params", OWN, "method_out_params.xml", "2.4.0", false},
    /* mixes VALUE.OBJECTWITHPATH and ...LOCALPATH, which the DTD forbids */
    {"objectwithpath", OWN, "objectwithpath.xml", NULL, false},
    {"instancenames-untyped", OWN, "instancenames.xml", "2.3.1", false},
    {"references", OWN, "references.xml", "2.4.0", false},
    {"getclass", OWN, "getclass.xml", "2.4.0", false},
    {"all-types", OWN, "all_types.xml", "2.4.0", false},
    {"whitespace", OWN, "whitespace.xml", "2.4.0", false},
    /* hostile or broken: a clear error, no crash, no leak */
    {"hostile-truncated", HOSTILE, "truncated.xml", NULL, false},
    {"hostile-wrong-root", HOSTILE, "wrong_root.xml", NULL, false},
    {"hostile-wrong-root-soap", HOSTILE, "wrong_root2.xml", NULL, false},
    {"hostile-billion-laughs", HOSTILE, "billion_laughs.xml", NULL, false},
    {"hostile-xxe", HOSTILE, "xxe.xml", NULL, false},
    {"hostile-external-dtd", HOSTILE, "external_dtd.xml", NULL, false},
    {"hostile-undefined-entity", HOSTILE, "undefined_entity.xml", NULL, false},
    {"hostile-embedded-xxe", HOSTILE, "embedded_xxe.xml", NULL, false},
    {"hostile-bad-uint8", HOSTILE, "bad_uint8.xml", NULL, false},
    {"hostile-bad-type", HOSTILE, "bad_type.xml", NULL, false},
    {"hostile-request-not-response", HOSTILE, "no_simplersp.xml", NULL, false},
    {"hostile-error-bad-code", HOSTILE, "error_bad_code.xml", NULL, false},
    {"hostile-instance-missing", HOSTILE, "instance_no_class.xml", NULL, false},
    {"hostile-empty", HOSTILE, "empty.xml", NULL, false},
};

struct dumpctx {
    sp_buf out;
    size_t n;
};

static int dump_item(struct spi_item *it, void *ud)
{
    struct dumpctx *d = ud;
    sp_buf_addf(&d->out, "item %zu\n", ++d->n);
    spi_cim_dump_item(&d->out, it);
    return 0;
}

/* Decode @data fed in @chunk-byte pieces (0: all at once); the dump. */
static char *decode_dump(const char *data, size_t len, size_t chunk,
                         size_t max_item)
{
    struct dumpctx d = {.out = SP_BUF_INIT(1u << 28)};
    struct spi_decode_opts o = {.default_ns = "root/test",
                                .expect_intrinsic = -1,
                                .max_item_bytes = max_item,
                                .fn = dump_item,
                                .ctx = &d};
    struct spi_decoder *dec = spi_decoder_new(&o);
    sp_error err;
    sp_code rc = SP_OK;
    size_t step = chunk ? chunk : len;
    for (size_t off = 0; off < len && !rc; off += step)
        rc = spi_decoder_feed(dec, data + off,
                              len - off < step ? len - off : step, &err);
    struct spi_cim_response *r = NULL;
    if (!rc)
        rc = spi_decoder_finish(dec, &r, &err);
    spi_decoder_free(dec);
    if (rc) {
        sp_buf_addf(&d.out, "failed: %s: %s\n", sp_strerror(rc), err.message);
    } else {
        spi_cim_dump_response(&d.out, r);
        spi_cim_response_free(r);
    }
    return sp_buf_detach(&d.out, NULL);
}

static char *load(const struct fixture *f, size_t *len)
{
    const char *dir = f->src == SHARED ? tu_shared_dir()
                      : f->src == OWN
                          ? tu_path(tu_srcdir(), "tests/data/responses")
                          : tu_path(tu_srcdir(), "tests/data/hostile");
    char *path = tu_path(dir, "%s", f->file);
    if (f->dtd) {
        const char *shared = tu_shared_dir();
        if (shared && tu_xmllint(path, tu_path(shared, "cim/DSP0203_%s.dtd",
                                               f->dtd)) != 0)
            fail_msg("fixture %s does not validate against DSP0203 %s", path,
                     f->dtd);
    }
    char *data = tu_read_file(path, len);
    if (!f->fragment)
        return data;
    /* The VNX capture is one VALUE.NAMEDINSTANCE inside <xml>. */
    char *start = strstr(data, "<VALUE.NAMEDINSTANCE>");
    char *end = strstr(data, "</VALUE.NAMEDINSTANCE>");
    assert_non_null(start);
    assert_non_null(end);
    end += strlen("</VALUE.NAMEDINSTANCE>");
    sp_buf b = SP_BUF_INIT(1u << 24);
    sp_buf_addstr(&b, "<?xml version=\"1.0\"?><CIM CIMVERSION=\"2.0\" "
                      "DTDVERSION=\"2.0\"><MESSAGE ID=\"1\" "
                      "PROTOCOLVERSION=\"1.0\"><SIMPLERSP><IMETHODRESPONSE "
                      "NAME=\"EnumerateInstances\"><IRETURNVALUE>");
    sp_buf_add(&b, start, (size_t)(end - start));
    sp_buf_addstr(&b, "</IRETURNVALUE></IMETHODRESPONSE></SIMPLERSP>"
                      "</MESSAGE></CIM>");
    free(data);
    return sp_buf_detach(&b, len);
}

static void test_fixture(void **state)
{
    const struct fixture *f = *state;
    if (f->src == SHARED && !tu_shared_dir())
        tu_skip("%s", TU_NO_SHARED);
    size_t len;
    char *data = load(f, &len);
    char *whole = decode_dump(data, len, 0, 0);
    char *bytes = decode_dump(data, len, 1, 0);
    char *odd = decode_dump(data, len, 13, 0);
    /* Streaming must not depend on how the bytes arrive. */
    assert_string_equal(whole, bytes);
    assert_string_equal(whole, odd);
    tu_check_expected(
        tu_path(tu_srcdir(), "tests/data/expected/decode-%s.txt", f->name),
        whole, strlen(whole));
    /* Hostile input fails cleanly, except an embedded instance that is
     * not acceptable XML: it is kept as the text it is, unexpanded. */
    if (f->src == HOSTILE && !strstr(f->file, "embedded"))
        assert_non_null(strstr(whole, "failed: "));
    else
        assert_null(strstr(whole, "failed: "));
    assert_null(strstr(whole, "root:x:0:0"));
    free(whole);
    free(bytes);
    free(odd);
    free(data);
}

static void test_binary_body(void **state)
{
    unsigned char junk[4096];
    uint32_t x = 2463534242u;
    for (size_t i = 0; i < sizeof(junk); i++) {
        x ^= x << 13, x ^= x >> 17, x ^= x << 5;
        junk[i] = (unsigned char)x;
    }
    char *out = decode_dump((const char *)junk, sizeof(junk), 0, 0);
    assert_non_null(strstr(out, "failed: protocol error: "));
    free(out);
}

static void test_deep_nesting(void **state)
{
    sp_buf b = SP_BUF_INIT(1u << 20);
    sp_buf_addstr(&b, "<CIM><MESSAGE ID=\"1\"><SIMPLERSP><IMETHODRESPONSE "
                      "NAME=\"X\"><IRETURNVALUE>");
    for (int i = 0; i < 500; i++)
        sp_buf_addstr(&b, "<VALUE.OBJECT>");
    char *out = decode_dump(b.data, b.len, 0, 0);
    assert_non_null(strstr(out, "nests elements deeper than"));
    free(out);
    sp_buf_release(&b);
}

static void test_item_size_bounded(void **state)
{
    /* One 1 MiB string in an instance: refused when objects may hold at
     * most 64 KiB, accepted with the default limit. */
    sp_buf b = SP_BUF_INIT(4u << 20);
    sp_buf_addstr(&b, "<CIM CIMVERSION=\"2.0\" DTDVERSION=\"2.0\"><MESSAGE "
                      "ID=\"1\" PROTOCOLVERSION=\"1.0\"><SIMPLERSP>"
                      "<IMETHODRESPONSE NAME=\"GetInstance\"><IRETURNVALUE>"
                      "<INSTANCE CLASSNAME=\"X\"><PROPERTY NAME=\"P\" "
                      "TYPE=\"string\"><VALUE>");
    for (int i = 0; i < (1 << 20) / 16; i++)
        sp_buf_addstr(&b, "0123456789abcdef");
    sp_buf_addstr(&b, "</VALUE></PROPERTY></INSTANCE></IRETURNVALUE>"
                      "</IMETHODRESPONSE></SIMPLERSP></MESSAGE></CIM>");
    char *small = decode_dump(b.data, b.len, 4096, 64 << 10);
    assert_non_null(strstr(small, "failed: too large: response has an object "
                                  "larger than 65536 bytes"));
    char *fine = decode_dump(b.data, b.len, 4096, 0);
    assert_null(strstr(fine, "failed"));
    free(small);
    free(fine);
    sp_buf_release(&b);
}

static void test_envelope_checks(void **state)
{
    static const char doc[] =
        "<CIM CIMVERSION=\"2.0\" DTDVERSION=\"2.0\"><MESSAGE ID=\"5\" "
        "PROTOCOLVERSION=\"1.0\"><SIMPLERSP><IMETHODRESPONSE "
        "NAME=\"GetInstance\"><IRETURNVALUE/></IMETHODRESPONSE></SIMPLERSP>"
        "</MESSAGE></CIM>";
    struct spi_cim_response *r = NULL;
    sp_error err;
    struct spi_decode_opts o = {.expect_msgid = "6", .expect_intrinsic = -1};
    assert_int_equal(spi_cimxml_decode(doc, sizeof(doc) - 1, &o, &r, &err),
                     SP_ERR_PROTOCOL);
    assert_string_equal(err.message, "response answers message '5', not '6'");
    o = (struct spi_decode_opts){.expect_name = "EnumerateInstances",
                                 .expect_intrinsic = 1};
    assert_int_equal(spi_cimxml_decode(doc, sizeof(doc) - 1, &o, &r, &err),
                     SP_ERR_PROTOCOL);
    assert_string_equal(err.message, "response is for 'GetInstance', not for "
                                     "'EnumerateInstances'");
    o = (struct spi_decode_opts){.expect_intrinsic = 0};
    assert_int_equal(spi_cimxml_decode(doc, sizeof(doc) - 1, &o, &r, &err),
                     SP_ERR_PROTOCOL);
    o = (struct spi_decode_opts){.expect_msgid = "5",
                                 .expect_name = "getinstance",
                                 .expect_intrinsic = 1};
    assert_int_equal(spi_cimxml_decode(doc, sizeof(doc) - 1, &o, &r, &err),
                     SP_OK);
    assert_int_equal(r->nitems, 0);
    spi_cim_response_free(r);
}

static int stop_at_second(struct spi_item *it, void *ud)
{
    return ++*(int *)ud == 2;
}

static void test_callback_stops(void **state)
{
    size_t len;
    char *data = tu_read_file(
        tu_path(tu_srcdir(), "tests/data/responses/objectwithpath.xml"), &len);
    int n = 0;
    struct spi_decode_opts o = {
        .expect_intrinsic = -1, .fn = stop_at_second, .ctx = &n};
    struct spi_cim_response *r = NULL;
    sp_error err;
    assert_int_equal(spi_cimxml_decode(data, len, &o, &r, &err),
                     SP_ERR_CANCELLED);
    assert_int_equal(n, 2);
    free(data);
}

#define ENVELOPE_HEAD                                                          \
    "<CIM CIMVERSION=\"2.0\" DTDVERSION=\"2.0\"><MESSAGE ID=\"1\" "            \
    "PROTOCOLVERSION=\"1.0\"><SIMPLERSP><IMETHODRESPONSE "                     \
    "NAME=\"EnumerateInstances\"><IRETURNVALUE>"
#define ENVELOPE_TAIL                                                          \
    "</IRETURNVALUE></IMETHODRESPONSE></SIMPLERSP></MESSAGE></CIM>"

/* Decode @doc whole, byte by byte and in 13-byte pieces; all must agree. */
static char *decode_all_ways(const char *doc, size_t max_item)
{
    size_t len = strlen(doc);
    char *whole = decode_dump(doc, len, 0, max_item);
    char *bytes = decode_dump(doc, len, 1, max_item);
    char *odd = decode_dump(doc, len, 13, max_item);
    assert_string_equal(whole, bytes);
    assert_string_equal(whole, odd);
    free(bytes);
    free(odd);
    return whole;
}

static void test_text_and_attributes(void **state)
{
    /* What the element tree keeps must read as libxml2's own tree did:
     * attribute values unescaped (libxml2 hands '&' over as "&#38;"),
     * text joined from every piece (references, CDATA, around comments
     * and child elements), the first of several spellings of an
     * attribute, names with an undeclared prefix kept as written. */
    static const char doc[] = ENVELOPE_HEAD
        "<INSTANCE CLASSNAME=\"A&amp;B&#38;C&#x26;D&lt;&amp;#38;\">"
        "<PROPERTY name=\"N1\" NAME=\"second\" Type=\"string\"><VALUE>"
        "x&amp;y<![CDATA[<b>&amp;]]>z<!-- c -->w<X>not text</X>v</VALUE>"
        "</PROPERTY>"
        "<PROPERTY NAME=\"N2\" TYPE=\"string\"><VALUE>  </VALUE></PROPERTY>"
        "<p:PROPERTY xmlns:p=\"urn:p\" p:NAME=\"N3\" TYPE=\"uint8\">"
        "<p:VALUE>\n 7 \n</p:VALUE></p:PROPERTY>"
        "<PROPERTY q:NAME=\"undeclared\" NAME=\"N4\" TYPE=\"string\"/>"
        "</INSTANCE>"
        "<q:INSTANCE CLASSNAME=\"Q\"/>" ENVELOPE_TAIL;
    char *out = decode_all_ways(doc, 0);
    assert_string_equal(out, "item 1\n"
                             "  instance A&B&C&D<&#38;\n"
                             "    prop N1 string \"x&y<b>&amp;zwv\"\n"
                             "    prop N2 string \"  \"\n"
                             "    prop N3 uint8 7\n"
                             "    prop N4 string NULL\n"
                             "failed: protocol error: malformed response: "
                             "unexpected <q:INSTANCE> in IRETURNVALUE\n");
    free(out);
}

static void test_many_items_small_limit(void **state)
{
    /* Whitespace between objects is not kept, so it adds up to nothing:
     * 5000 objects under a 1 KiB limit. */
    sp_buf b = SP_BUF_INIT(1u << 20);
    sp_buf_addstr(&b, ENVELOPE_HEAD "\n");
    for (int i = 0; i < 5000; i++)
        sp_buf_addstr(&b, "<INSTANCE CLASSNAME=\"X\"><PROPERTY NAME=\"P\" "
                          "TYPE=\"uint32\"><VALUE>1</VALUE></PROPERTY>"
                          "</INSTANCE>\n    \n");
    sp_buf_addstr(&b, ENVELOPE_TAIL);
    char *out = decode_dump(b.data, b.len, 4096, 1024);
    assert_null(strstr(out, "failed"));
    assert_non_null(strstr(out, "items=5000"));
    free(out);
    sp_buf_release(&b);
}

static void test_kept_junk_bounded(void **state)
{
    /* What stays in the tree stays charged, however many objects come
     * in between: elements beside the objects, and an object whose
     * nested objects are dropped one by one. */
    sp_buf b = SP_BUF_INIT(1u << 20);
    sp_buf_addstr(&b, "<CIM><MESSAGE ID=\"1\"><SIMPLERSP><IMETHODRESPONSE "
                      "NAME=\"X\">");
    for (int i = 0; i < 2000; i++)
        sp_buf_addstr(&b, "<IRETURNVALUE><CLASSNAME NAME=\"C\"/>"
                          "</IRETURNVALUE><JUNK/>");
    sp_buf_addstr(&b, "</IMETHODRESPONSE></SIMPLERSP></MESSAGE></CIM>");
    char *out = decode_dump(b.data, b.len, 4096, 64 << 10);
    assert_non_null(strstr(out, "failed: too large: response has an object "
                                "larger than 65536 bytes"));
    free(out);
    sp_buf_release(&b);

    b = (sp_buf)SP_BUF_INIT(1u << 20);
    sp_buf_addstr(&b,
                  ENVELOPE_HEAD "<VALUE.OBJECT><IMETHODRESPONSE NAME=\"Y\">");
    for (int i = 0; i < 2000; i++)
        sp_buf_addstr(&b, "<IRETURNVALUE><CLASSNAME NAME=\"C\"/>"
                          "</IRETURNVALUE><JUNK/>");
    sp_buf_addstr(&b, "</IMETHODRESPONSE></VALUE.OBJECT>" ENVELOPE_TAIL);
    out = decode_dump(b.data, b.len, 4096, 64 << 10);
    assert_non_null(strstr(out, "failed: too large: response has an object "
                                "larger than 65536 bytes"));
    free(out);
    sp_buf_release(&b);
}

int main(void)
{
    struct CMUnitTest tests[sizeof(fixtures) / sizeof(fixtures[0]) + 9];
    size_t n = 0;
    for (size_t i = 0; i < sizeof(fixtures) / sizeof(fixtures[0]); i++)
        tests[n++] = (struct CMUnitTest){.name = fixtures[i].name,
                                         .test_func = test_fixture,
                                         .initial_state = (void *)&fixtures[i]};
    tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_binary_body);
    tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_deep_nesting);
    tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_item_size_bounded);
    tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_envelope_checks);
    tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_callback_stops);
    tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_text_and_attributes);
    tests[n++] =
        (struct CMUnitTest)cmocka_unit_test(test_many_items_small_limit);
    tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_kept_junk_bounded);
    return _cmocka_run_group_tests("decode", tests, n, NULL, NULL);
}
