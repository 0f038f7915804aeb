/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/wsman/encode.c: WS-Management request envelopes (SOAP 1.2, WS-Addressing,
 * WS-Transfer, WS-Enumeration, the CIM binding's filters and methods). */
#include <assert.h>
#include <uuid/uuid.h>

#include "../cim/cimxml.h"
#include "wsman.h"

/*
 * Prefixes are fixed (s, a, w, n, t, b, xsi, cim, p) and every namespace is
 * declared on the Envelope, except the resource's own ("p"), declared on
 * the element that uses it, as DSP0226's and MS-WSMV's examples do.
 */
static const char envelope_open[] =
    "<s:Envelope xmlns:s=\"" SPI_WS_NS_SOAP "\" xmlns:a=\"" SPI_WS_NS_ADDR
    "\" xmlns:w=\"" SPI_WS_NS_WSMAN "\" xmlns:n=\"" SPI_WS_NS_ENUM
    "\" xmlns:t=\"" SPI_WS_NS_XFER "\" xmlns:b=\"" SPI_WS_NS_CIMB
    "\" xmlns:xsi=\"" SPI_WS_NS_XSI "\" xmlns:cim=\"" SPI_WS_NS_CIM "\">";

char *spi_ws_new_msgid(void)
{
    uuid_t u;
    char s[37];
    uuid_generate(u);
    uuid_unparse_lower(u, s);
    return spi_xasprintf("uuid:%s", s);
}

static const char *ns_of(const struct spi_ws_peer *peer, const char *ns)
{
    if (ns && *ns)
        return ns;
    return peer->default_ns && *peer->default_ns ? peer->default_ns
                                                 : "root/cimv2";
}

char *spi_ws_resource_uri(const struct spi_ws_peer *peer, const char *ns,
                          const char *cls)
{
    if (peer->style == SPI_WS_STYLE_CIM)
        return spi_xasprintf("%s/%s", SPI_WS_URI_CIM, cls);
    return spi_xasprintf("%s/%s/%s", SPI_WS_URI_WMI, ns_of(peer, ns), cls);
}

void spi_ws_uri_split(const char *uri, char **ns, char **cls)
{
    *ns = NULL;
    *cls = NULL;
    if (!uri)
        return;
    const char *slash = strrchr(uri, '/');
    const char *name = slash ? slash + 1 : uri;
    if (*name && strcmp(name, "*") != 0)
        *cls = spi_xstrdup(name);
    size_t wl = strlen(SPI_WS_URI_WMI);
    if (slash && strncmp(uri, SPI_WS_URI_WMI, wl) == 0 && uri[wl] == '/' &&
        slash > uri + wl + 1)
        *ns = spi_xstrndup(uri + wl + 1, (size_t)(slash - uri - wl - 1));
}

static void add_escaped(sp_buf *b, const char *s)
{
    spi_xml_escape(b, s ? s : "");
}

static void selector_set(sp_buf *b, const struct spi_ws_peer *peer,
                         const sp_cim_path *p);
static void epr_body(sp_buf *b, const struct spi_ws_peer *peer,
                     const sp_cim_path *p);

/* The text of a scalar as DSP0230 writes it; NULL for references and
 * instances. */
static char *scalar_text(const sp_cim_value *v)
{
    bool bv;
    if (sp_cim_value_type(v) == SP_CIM_BOOLEAN && sp_cim_value_get_bool(v, &bv))
        return spi_xstrdup(bv ? "true" : "false");
    return sp_cim_value_to_text(v);
}

/* One element <P:NAME>value</P:NAME> for the scalar @v. */
static void scalar_element(sp_buf *b, const struct spi_ws_peer *peer,
                           const char *prefix, const char *name,
                           const sp_cim_value *v)
{
    sp_buf_addf(b, "<%s:%s", prefix, name);
    if (sp_cim_value_is_null(v)) {
        sp_buf_addstr(b, " xsi:nil=\"true\"/>");
        return;
    }
    sp_buf_addch(b, '>');
    switch (sp_cim_value_type(v)) {
    case SP_CIM_REFERENCE:
        epr_body(b, peer, sp_cim_value_get_ref(v));
        break;
    case SP_CIM_INSTANCE: {
        /* WMI takes an embedded instance as the text of its CIM-XML
         * INSTANCE (as DefineSystem's SystemSettings): written, then
         * escaped once more as element text. */
        sp_buf inner = SP_BUF_INIT(b->max);
        spi_cimxml_instance(&inner, sp_cim_value_get_instance(v));
        if (sp_buf_overflowed(&inner))
            b->overflow = true;
        add_escaped(b, sp_buf_cstr(&inner));
        sp_buf_release(&inner);
        break;
    }
    case SP_CIM_DATETIME:
        sp_buf_addstr(b, "<cim:CIM_DateTime>");
        add_escaped(b, sp_cim_value_get_string(v));
        sp_buf_addstr(b, "</cim:CIM_DateTime>");
        break;
    default: {
        char *t = scalar_text(v);
        add_escaped(b, t);
        free(t);
        break;
    }
    }
    sp_buf_addf(b, "</%s:%s>", prefix, name);
}

/* A property or parameter: an array is its elements repeated (DSP0230
 * 6.2), an empty or NULL array is written as nothing. */
static void value_elements(sp_buf *b, const struct spi_ws_peer *peer,
                           const char *prefix, const char *name,
                           const sp_cim_value *v)
{
    if (!sp_cim_value_is_array(v)) {
        scalar_element(b, peer, prefix, name, v);
        return;
    }
    size_t n = sp_cim_value_is_null(v) ? 0 : sp_cim_value_count(v);
    for (size_t i = 0; i < n; i++)
        scalar_element(b, peer, prefix, name, sp_cim_value_at(v, i));
}

/* A selector's value: text, or an EPR for a reference key (DSP0226 7.4). */
static void selector_set(sp_buf *b, const struct spi_ws_peer *peer,
                         const sp_cim_path *p)
{
    size_t n = sp_cim_path_key_count(p);
    bool cimns = peer->style == SPI_WS_STYLE_CIM;
    if (!n && !cimns)
        return;
    sp_buf_addstr(b, "<w:SelectorSet>");
    for (size_t i = 0; i < n; i++) {
        const sp_cim_value *v = sp_cim_path_key_value(p, i);
        sp_buf_addstr(b, "<w:Selector Name=\"");
        add_escaped(b, sp_cim_path_key_name(p, i));
        sp_buf_addstr(b, "\">");
        if (sp_cim_value_type(v) == SP_CIM_REFERENCE) {
            sp_buf_addstr(b, "<a:EndpointReference>");
            epr_body(b, peer, sp_cim_value_get_ref(v));
            sp_buf_addstr(b, "</a:EndpointReference>");
        } else {
            char *t = scalar_text(v);
            add_escaped(b, t);
            free(t);
        }
        sp_buf_addstr(b, "</w:Selector>");
    }
    if (cimns) {
        sp_buf_addstr(b, "<w:Selector Name=\"__cimnamespace\">");
        add_escaped(b, ns_of(peer, sp_cim_path_namespace(p)));
        sp_buf_addstr(b, "</w:Selector>");
    }
    sp_buf_addstr(b, "</w:SelectorSet>");
}

/* The content of an endpoint reference to @p (DSP0227 8.1). */
static void epr_body(sp_buf *b, const struct spi_ws_peer *peer,
                     const sp_cim_path *p)
{
    char *uri = spi_ws_resource_uri(peer, sp_cim_path_namespace(p),
                                    sp_cim_path_class(p));
    sp_buf_addstr(b, "<a:Address>");
    add_escaped(b, peer->to ? peer->to : SPI_WS_ANONYMOUS);
    sp_buf_addstr(b, "</a:Address><a:ReferenceParameters><w:ResourceURI>");
    add_escaped(b, uri);
    sp_buf_addstr(b, "</w:ResourceURI>");
    selector_set(b, peer, p);
    sp_buf_addstr(b, "</a:ReferenceParameters>");
    free(uri);
}

static const char *op_action(enum spi_ws_op op)
{
    switch (op) {
    case SPI_WS_GET:
        return SPI_WS_NS_XFER "/Get";
    case SPI_WS_PUT:
        return SPI_WS_NS_XFER "/Put";
    case SPI_WS_CREATE:
        return SPI_WS_NS_XFER "/Create";
    case SPI_WS_DELETE:
        return SPI_WS_NS_XFER "/Delete";
    case SPI_WS_ENUMERATE:
        return SPI_WS_NS_ENUM "/Enumerate";
    case SPI_WS_PULL:
        return SPI_WS_NS_ENUM "/Pull";
    case SPI_WS_RELEASE:
        return SPI_WS_NS_ENUM "/Release";
    case SPI_WS_INVOKE:
        break;
    }
    return NULL;
}

char *spi_ws_action(const struct spi_ws_peer *peer,
                    const struct spi_ws_request *rq)
{
    if (rq->op != SPI_WS_INVOKE)
        return spi_xstrdup(op_action(rq->op));
    char *uri = spi_ws_resource_uri(peer, sp_cim_path_namespace(rq->target),
                                    sp_cim_path_class(rq->target));
    char *a = spi_xasprintf("%s/%s", uri, rq->method);
    free(uri);
    return a;
}

static void header(sp_buf *b, const struct spi_ws_peer *peer,
                   const struct spi_ws_request *rq, const char *uri)
{
    char *action = spi_ws_action(peer, rq);
    sp_buf_addstr(b, "<s:Header><a:To>");
    add_escaped(b, peer->to);
    sp_buf_addstr(b, "</a:To><w:ResourceURI s:mustUnderstand=\"true\">");
    add_escaped(b, uri);
    sp_buf_addstr(b, "</w:ResourceURI><a:ReplyTo><a:Address "
                     "s:mustUnderstand=\"true\">" SPI_WS_ANONYMOUS
                     "</a:Address></a:ReplyTo><a:Action "
                     "s:mustUnderstand=\"true\">");
    add_escaped(b, action);
    sp_buf_addstr(b, "</a:Action>");
    if (rq->max_envelope)
        sp_buf_addf(b,
                    "<w:MaxEnvelopeSize s:mustUnderstand=\"true\">%lu"
                    "</w:MaxEnvelopeSize>",
                    rq->max_envelope);
    sp_buf_addstr(b, "<a:MessageID>");
    add_escaped(b, rq->msgid);
    sp_buf_addstr(b, "</a:MessageID>");
    if (rq->locale) {
        sp_buf_addstr(b, "<w:Locale xml:lang=\"");
        add_escaped(b, rq->locale);
        sp_buf_addstr(b, "\" s:mustUnderstand=\"false\"/>");
    }
    /* Selectors address one instance; an enumeration has none (DSP0227
     * 7.5 still wants __cimnamespace there). */
    bool addressed = rq->op != SPI_WS_ENUMERATE && rq->op != SPI_WS_PULL &&
                     rq->op != SPI_WS_RELEASE && rq->op != SPI_WS_CREATE;
    if (rq->target && addressed) {
        selector_set(b, peer, rq->target);
    } else if (rq->target && peer->style == SPI_WS_STYLE_CIM &&
               rq->op != SPI_WS_PULL && rq->op != SPI_WS_RELEASE) {
        /* The class's namespace alone (DSP0227 7.5). */
        sp_cim_path *ns =
            sp_cim_path_new(NULL, sp_cim_path_namespace(rq->target),
                            sp_cim_path_class(rq->target));
        selector_set(b, peer, ns);
        sp_cim_path_free(ns);
    }
    if (rq->timeout_ms)
        sp_buf_addf(b, "<w:OperationTimeout>PT%u.%03uS</w:OperationTimeout>",
                    rq->timeout_ms / 1000, rq->timeout_ms % 1000);
    sp_buf_addstr(b, "</s:Header>");
    free(action);
}

/* <p:CLASS xmlns:p="URI">properties</p:CLASS> (Put, Create). */
static void instance_body(sp_buf *b, const struct spi_ws_peer *peer,
                          const sp_cim_instance *inst, const char *uri)
{
    const char *cls = sp_cim_instance_class(inst);
    sp_buf_addf(b, "<p:%s xmlns:p=\"", cls);
    add_escaped(b, uri);
    sp_buf_addstr(b, "\">");
    size_t n = sp_cim_instance_prop_count(inst);
    for (size_t i = 0; i < n; i++)
        value_elements(b, peer, "p", sp_cim_instance_prop_name(inst, i),
                       sp_cim_instance_prop_value(inst, i));
    sp_buf_addf(b, "</p:%s>", cls);
}

static void opt_element(sp_buf *b, const char *name, const char *v)
{
    if (!v)
        return;
    sp_buf_addf(b, "<b:%s>", name);
    add_escaped(b, v);
    sp_buf_addf(b, "</b:%s>", name);
}

static void enumerate_body(sp_buf *b, const struct spi_ws_peer *peer,
                           const struct spi_ws_request *rq)
{
    sp_buf_addstr(b, "<n:Enumerate>");
    if (rq->max_elements)
        sp_buf_addf(b,
                    "<w:OptimizeEnumeration/><w:MaxElements>%u"
                    "</w:MaxElements>",
                    rq->max_elements);
    if (rq->epr_only)
        sp_buf_addstr(b, "<w:EnumerationMode>EnumerateEPR</w:EnumerationMode>");
    else if (rq->with_epr)
        sp_buf_addstr(b, "<w:EnumerationMode>EnumerateObjectAndEPR"
                         "</w:EnumerationMode>");
    switch (rq->filter) {
    case SPI_WS_FILTER_NONE:
        break;
    case SPI_WS_FILTER_WQL:
        sp_buf_addstr(b, "<w:Filter Dialect=\"" SPI_WS_DIALECT_WQL "\">");
        add_escaped(b, rq->wql);
        sp_buf_addstr(b, "</w:Filter>");
        break;
    case SPI_WS_FILTER_ASSOCIATORS:
    case SPI_WS_FILTER_REFERENCES: {
        bool assoc = rq->filter == SPI_WS_FILTER_ASSOCIATORS;
        const char *el = assoc ? "AssociatedInstances" : "AssociationInstances";
        sp_buf_addf(b,
                    "<w:Filter Dialect=\"" SPI_WS_DIALECT_ASSOC "\"><b:%s>"
                    "<b:Object>",
                    el);
        epr_body(b, peer, rq->assoc_object);
        sp_buf_addstr(b, "</b:Object>");
        /* DSP0227 8.2: the associators' filter names the association and
         * the result; the references' filter only the association (as its
         * ResultClassName) and the source's role. */
        if (assoc) {
            opt_element(b, "AssociationClassName", rq->assoc_class);
            opt_element(b, "Role", rq->role);
            opt_element(b, "ResultClassName", rq->result_class);
            opt_element(b, "ResultRole", rq->result_role);
        } else {
            opt_element(b, "ResultClassName", rq->assoc_class);
            opt_element(b, "Role", rq->role);
        }
        sp_buf_addf(b, "</b:%s></w:Filter>", el);
        break;
    }
    }
    sp_buf_addstr(b, "</n:Enumerate>");
}

static void invoke_body(sp_buf *b, const struct spi_ws_peer *peer,
                        const struct spi_ws_request *rq, const char *uri)
{
    sp_buf_addf(b, "<p:%s_INPUT xmlns:p=\"", rq->method);
    add_escaped(b, uri);
    sp_buf_addstr(b, "\">");
    size_t n = rq->params ? sp_cim_args_count(rq->params) : 0;
    for (size_t i = 0; i < n; i++)
        value_elements(b, peer, "p", sp_cim_args_name(rq->params, i),
                       sp_cim_args_value(rq->params, i));
    sp_buf_addf(b, "</p:%s_INPUT>", rq->method);
}

void spi_ws_encode(sp_buf *b, const struct spi_ws_peer *peer,
                   const struct spi_ws_request *rq)
{
    assert(rq->target && rq->msgid);
    char *uri = spi_ws_resource_uri(peer, sp_cim_path_namespace(rq->target),
                                    sp_cim_path_class(rq->target));
    sp_buf_addstr(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    sp_buf_addstr(b, envelope_open);
    header(b, peer, rq, uri);
    sp_buf_addstr(b, "<s:Body>");
    switch (rq->op) {
    case SPI_WS_GET:
    case SPI_WS_DELETE:
        break;
    case SPI_WS_PUT:
    case SPI_WS_CREATE:
        instance_body(b, peer, rq->instance, uri);
        break;
    case SPI_WS_ENUMERATE:
        enumerate_body(b, peer, rq);
        break;
    case SPI_WS_PULL:
        sp_buf_addstr(b, "<n:Pull><n:EnumerationContext>");
        add_escaped(b, rq->context);
        sp_buf_addstr(b, "</n:EnumerationContext>");
        if (rq->max_elements)
            sp_buf_addf(b, "<n:MaxElements>%u</n:MaxElements>",
                        rq->max_elements);
        sp_buf_addstr(b, "</n:Pull>");
        break;
    case SPI_WS_RELEASE:
        sp_buf_addstr(b, "<n:Release><n:EnumerationContext>");
        add_escaped(b, rq->context);
        sp_buf_addstr(b, "</n:EnumerationContext></n:Release>");
        break;
    case SPI_WS_INVOKE:
        invoke_body(b, peer, rq, uri);
        break;
    }
    sp_buf_addstr(b, "</s:Body></s:Envelope>\n");
    free(uri);
}
