/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/cim/server.c: the server side of CIM-XML: request decoding and the
 * response writer. */
#include <assert.h>

#include "convert.h"

#define DEFAULT_MAX_REQUEST ((size_t)16 << 20)

struct sp_cim_request {
    char *msgid;
    bool intrinsic;
    char *name;
    char *ns;
    sp_cim_path *target;
    sp_cim_args *params;
};

void sp_cim_request_free(sp_cim_request *r)
{
    if (!r)
        return;
    free(r->msgid);
    free(r->name);
    free(r->ns);
    sp_cim_path_free(r->target);
    sp_cim_args_free(r->params);
    free(r);
}

static sp_code bad_request(sp_error *err, const char *what)
{
    return sp_error_set(err, SP_ERR_PROTOCOL, "malformed request: %s", what);
}

/* The parameters of an (I)METHODCALL, converted in the request's namespace. */
static sp_code params(struct spi_conv *cv, const struct spi_xnode *call,
                      enum spi_xtag el, sp_cim_args *out)
{
    for (const struct spi_xnode *c = spi_xml_first(call); c;
         c = spi_xml_next(c)) {
        if (!spi_xml_is(c, el))
            continue;
        const char *name;
        sp_cim_value *v = NULL;
        sp_code rc = spi_conv_paramvalue(cv, c, &name, &v);
        if (rc)
            return rc;
        sp_cim_args_set(out, name, v);
    }
    return SP_OK;
}

static sp_code call_element(struct spi_conv *cv, const struct spi_xnode *call,
                            sp_cim_request *r, sp_error *err)
{
    const char *name = spi_xml_attr(call, SPI_A_NAME);
    if (!name || !*name)
        return bad_request(err, "call without NAME");
    r->name = spi_xstrdup(name);
    r->params = sp_cim_args_new();
    const struct spi_xnode *where = spi_xml_first(call);
    if (r->intrinsic) {
        if (!spi_xml_is(where, SPI_X_LOCALNAMESPACEPATH))
            return bad_request(err, "IMETHODCALL without LOCALNAMESPACEPATH");
        if (spi_conv_localnamespacepath(cv, where, &r->ns))
            return SP_ERR_PROTOCOL;
        if (!r->ns)
            return bad_request(err, "IMETHODCALL with an empty namespace");
        cv->default_ns = r->ns;
        return params(cv, call, SPI_X_IPARAMVALUE, r->params);
    }
    if (!spi_xml_is(where, SPI_X_LOCALINSTANCEPATH) &&
        !spi_xml_is(where, SPI_X_LOCALCLASSPATH))
        return bad_request(err, "METHODCALL without LOCALINSTANCEPATH or "
                                "LOCALCLASSPATH");
    sp_code rc = spi_conv_path(cv, where, &r->target);
    if (rc)
        return rc;
    if (!r->target->ns)
        return bad_request(err, "METHODCALL with an empty namespace");
    r->ns = spi_xstrdup(r->target->ns);
    cv->default_ns = r->ns;
    return params(cv, call, SPI_X_PARAMVALUE, r->params);
}

sp_code sp_cim_request_parse(const char *data, size_t len, size_t max_bytes,
                             sp_cim_request **out, sp_error *err)
{
    *out = NULL;
    struct spi_xtree *doc = NULL;
    sp_code rc = spi_xml_parse_named(
        data, len, max_bytes ? max_bytes : DEFAULT_MAX_REQUEST, "request", &doc,
        err);
    if (rc)
        return rc;
    sp_cim_request *r = spi_xcalloc(1, sizeof(*r));
    struct spi_conv cv = {.err = err, .max_bytes = max_bytes};
    const struct spi_xnode *root = spi_xtree_root(doc);
    const struct spi_xnode *msg =
        spi_xml_is(root, SPI_X_CIM) ? spi_xml_first(root) : NULL;
    const struct spi_xnode *req = msg ? spi_xml_first(msg) : NULL;
    const struct spi_xnode *call = req ? spi_xml_first(req) : NULL;
    while (spi_xml_is(call, SPI_X_CORRELATOR))
        call = spi_xml_next(call);
    const char *id = msg ? spi_xml_attr(msg, SPI_A_ID) : NULL;
    if (!spi_xml_is(root, SPI_X_CIM))
        rc = sp_error_set(err, SP_ERR_PROTOCOL,
                          "request is not CIM-XML: root element is <%.32s>",
                          root ? spi_xml_name(root) : "");
    else if (!spi_xml_is(msg, SPI_X_MESSAGE) || !id)
        rc = bad_request(err, "no MESSAGE with an ID");
    else if (spi_xml_is(req, SPI_X_MULTIREQ))
        rc = sp_error_set(err, SP_ERR_NOT_SUPPORTED,
                          "multiple requests in one message are not "
                          "supported");
    else if (!spi_xml_is(req, SPI_X_SIMPLEREQ))
        rc = bad_request(err, "no SIMPLEREQ element");
    else if (!spi_xml_is(call, SPI_X_IMETHODCALL) &&
             !spi_xml_is(call, SPI_X_METHODCALL))
        rc = bad_request(err, "no IMETHODCALL or METHODCALL");
    if (!rc) {
        r->msgid = spi_xstrdup(id);
        r->intrinsic = spi_xml_is(call, SPI_X_IMETHODCALL);
        rc = call_element(&cv, call, r, err);
    }
    if (rc == SP_ERR_PROTOCOL && !strstr(err->message, "request")) {
        char inner[SP_ERROR_MSG_MAX];
        memcpy(inner, err->message, sizeof(inner));
        sp_error_set(err, rc, "malformed request: %s", inner);
    }
    spi_xtree_free(doc);
    if (rc) {
        sp_cim_request_free(r);
        return rc;
    }
    *out = r;
    return SP_OK;
}

const char *sp_cim_request_msgid(const sp_cim_request *r)
{
    return r->msgid;
}

bool sp_cim_request_is_intrinsic(const sp_cim_request *r)
{
    return r->intrinsic;
}

const char *sp_cim_request_name(const sp_cim_request *r)
{
    return r->name;
}

const char *sp_cim_request_namespace(const sp_cim_request *r)
{
    return r->ns;
}

const sp_cim_path *sp_cim_request_target(const sp_cim_request *r)
{
    return r->target;
}

const sp_cim_args *sp_cim_request_params(const sp_cim_request *r)
{
    return r->params;
}

/* ---- the response writer ---- */

void sp_cimxml_begin_response(sp_buf *b, const char *msgid, bool intrinsic,
                              const char *name)
{
    spi_cimxml_response_begin(b, msgid, intrinsic, name);
}

void sp_cimxml_begin_return(sp_buf *b)
{
    sp_buf_addstr(b, "<IRETURNVALUE>\n");
}

void sp_cimxml_end_return(sp_buf *b)
{
    sp_buf_addstr(b, "</IRETURNVALUE>\n");
}

void sp_cimxml_end_response(sp_buf *b, bool intrinsic)
{
    spi_cimxml_response_end(b, intrinsic);
}

void sp_cimxml_write_instance(sp_buf *b, const sp_cim_instance *i,
                              sp_cimxml_form form, const char *host,
                              const char *ns)
{
    const sp_cim_path *p = i->path;
    switch (form) {
    case SP_CIMXML_NAMED:
        assert(p);
        sp_buf_addstr(b, "<VALUE.NAMEDINSTANCE>\n");
        spi_cimxml_instancename(b, p);
        spi_cimxml_instance(b, i);
        sp_buf_addstr(b, "</VALUE.NAMEDINSTANCE>\n");
        return;
    case SP_CIMXML_WITH_PATH:
    case SP_CIMXML_OBJECT: {
        const char *el = form == SP_CIMXML_OBJECT ? "VALUE.OBJECTWITHPATH"
                                                  : "VALUE.INSTANCEWITHPATH";
        assert(p);
        sp_buf_addch(b, '<');
        sp_buf_addstr(b, el);
        sp_buf_addstr(b, ">\n");
        spi_cimxml_instancepath(b, p, host, ns);
        spi_cimxml_instance(b, i);
        sp_buf_addstr(b, "</");
        sp_buf_addstr(b, el);
        sp_buf_addstr(b, ">\n");
        return;
    }
    case SP_CIMXML_NAME:
    case SP_CIMXML_OBJECT_PATH:
    case SP_CIMXML_PATH:
        sp_cimxml_write_path(b, p, form, host, ns);
        return;
    case SP_CIMXML_INSTANCE:
        break;
    }
    spi_cimxml_instance(b, i);
}

void sp_cimxml_write_path(sp_buf *b, const sp_cim_path *p, sp_cimxml_form form,
                          const char *host, const char *ns)
{
    if (form == SP_CIMXML_OBJECT_PATH) {
        sp_buf_addstr(b, "<OBJECTPATH>\n");
        spi_cimxml_instancepath(b, p, host, ns);
        sp_buf_addstr(b, "</OBJECTPATH>\n");
        return;
    }
    if (form == SP_CIMXML_PATH) {
        spi_cimxml_instancepath(b, p, host, ns);
        return;
    }
    spi_cimxml_instancename(b, p);
}

void sp_cimxml_write_class(sp_buf *b, const sp_cim_class *c)
{
    spi_cimxml_class(b, c);
}

void sp_cimxml_write_return_value(sp_buf *b, const sp_cim_value *v)
{
    spi_cimxml_returnvalue(b, v);
}

void sp_cimxml_write_param(sp_buf *b, const char *name, const sp_cim_value *v)
{
    spi_cimxml_paramvalue(b, name, v);
}

void sp_cimxml_write_error(sp_buf *b, int code, const char *description,
                           const sp_cim_instance *cim_error)
{
    spi_cimxml_error(b, code, description, cim_error);
}
