/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/cim/encode.c: CIM-XML encoder for requests, responses and every model
 * object. */
#include <stdarg.h>

#include "cimxml.h"

/*
 * Output is one element per line without indentation: compact on the wire,
 * and readable and diffable in expected-output files.
 */

/* A string literal, without strlen() at run time. */
#define ADD_LIT(b, lit) sp_buf_add((b), "" lit, sizeof(lit) - 1)

/*
 * What a byte becomes in text and attribute values; NULL: itself.  XML 1.0
 * cannot carry C0 controls other than tab and newline, even as references:
 * they become U+FFFD so the document stays well-formed.  NUL ends a string.
 */
#define FFFD "\xEF\xBF\xBD"
static const char *const escapes[256] = {
    [0x01] = FFFD,    [0x02] = FFFD,     [0x03] = FFFD,    [0x04] = FFFD,
    [0x05] = FFFD,    [0x06] = FFFD,     [0x07] = FFFD,    [0x08] = FFFD,
    [0x0B] = FFFD,    [0x0C] = FFFD,     ['\r'] = "&#13;", [0x0E] = FFFD,
    [0x0F] = FFFD,    [0x10] = FFFD,     [0x11] = FFFD,    [0x12] = FFFD,
    [0x13] = FFFD,    [0x14] = FFFD,     [0x15] = FFFD,    [0x16] = FFFD,
    [0x17] = FFFD,    [0x18] = FFFD,     [0x19] = FFFD,    [0x1A] = FFFD,
    [0x1B] = FFFD,    [0x1C] = FFFD,     [0x1D] = FFFD,    [0x1E] = FFFD,
    [0x1F] = FFFD,    ['&'] = "&amp;",   ['<'] = "&lt;",   ['>'] = "&gt;",
    ['"'] = "&quot;", ['\''] = "&apos;",
};
#undef FFFD

/* Escape the @len bytes at @s (a part of a string: no NUL among them). */
static void escape_n(sp_buf *b, const char *s, size_t len)
{
    const char *run = s, *end = s + len;
    for (; s < end; s++) {
        const char *rep = escapes[(unsigned char)*s];
        if (!rep)
            continue;
        sp_buf_add(b, run, (size_t)(s - run));
        sp_buf_addstr(b, rep);
        run = s + 1;
    }
    sp_buf_add(b, run, (size_t)(end - run));
}

void spi_xml_escape(sp_buf *b, const char *s)
{
    const char *run = s;
    for (;; s++) {
        unsigned char c = (unsigned char)*s;
        if (!c)
            break;
        const char *rep = escapes[c];
        if (!rep)
            continue;
        sp_buf_add(b, run, (size_t)(s - run));
        sp_buf_addstr(b, rep);
        run = s + 1;
    }
    sp_buf_add(b, run, (size_t)(s - run));
}

/* The end of an attribute list: a typed null, as variadic calls need. */
#define END ((const char *)NULL)

/* </NAME>\n */
static void close_el(sp_buf *b, const char *name)
{
    sp_buf_addstr(b, "</");
    sp_buf_addstr(b, name);
    sp_buf_addstr(b, ">\n");
}

/* Write "<NAME a="v" ...": attribute pairs end with END; a pair with a NULL
 * value is skipped. */
static void tag_start(sp_buf *b, const char *name, va_list ap)
{
    sp_buf_addch(b, '<');
    sp_buf_addstr(b, name);
    const char *an;
    while ((an = va_arg(ap, const char *))) {
        const char *av = va_arg(ap, const char *);
        if (!av)
            continue;
        sp_buf_addch(b, ' ');
        sp_buf_addstr(b, an);
        sp_buf_addstr(b, "=\"");
        spi_xml_escape(b, av);
        sp_buf_addch(b, '"');
    }
}

/* <NAME attrs>\n */
static void open_el(sp_buf *b, const char *name, ...)
{
    va_list ap;
    va_start(ap, name);
    tag_start(b, name, ap);
    va_end(ap);
    sp_buf_addstr(b, ">\n");
}

/*
 * An element without content.  Only NAMESPACE, CLASSNAME and VALUE.NULL are
 * written "<X/>", as every server writes them; the others get an end tag,
 * because some CIM clients (sblim's wbemcli) only parse "<X ...></X>".
 */
static void empty_el(sp_buf *b, const char *name, ...)
{
    va_list ap;
    va_start(ap, name);
    tag_start(b, name, ap);
    va_end(ap);
    if (SPI_STREQ(name, "NAMESPACE") || SPI_STREQ(name, "CLASSNAME") ||
        SPI_STREQ(name, "VALUE.NULL"))
        sp_buf_addstr(b, "/>\n");
    else {
        sp_buf_addch(b, '>');
        close_el(b, name);
    }
}

/* <NAME>escaped text</NAME>\n */
static void text_el(sp_buf *b, const char *name, const char *text)
{
    sp_buf_addch(b, '<');
    sp_buf_addstr(b, name);
    sp_buf_addch(b, '>');
    spi_xml_escape(b, text);
    close_el(b, name);
}

void spi_cimxml_localnamespacepath(sp_buf *b, const char *ns)
{
    ADD_LIT(b, "<LOCALNAMESPACEPATH>\n");
    const char *p = ns;
    while (*p) {
        const char *slash = strchr(p, '/');
        size_t n = slash ? (size_t)(slash - p) : strlen(p);
        if (n) {
            ADD_LIT(b, "<NAMESPACE NAME=\"");
            escape_n(b, p, n);
            ADD_LIT(b, "\"/>\n");
        }
        p += n + (slash ? 1 : 0);
    }
    ADD_LIT(b, "</LOCALNAMESPACEPATH>\n");
}

static const char *valuetype_of(const sp_cim_value *v)
{
    if (v->untyped)
        return v->valuetype == 'n'   ? "numeric"
               : v->valuetype == 'b' ? "boolean"
                                     : "string";
    if (v->type == SP_CIM_BOOLEAN)
        return "boolean";
    if (spi_cim_type_is_stringlike(v->type))
        return "string";
    return "numeric";
}

/*
 * Write the text of scalar @v, escaped: strings and integers without a
 * copy (a server writes 100,000 of them a page), the rest through
 * sp_cim_value_to_text().
 */
static void scalar_escaped(sp_buf *b, const sp_cim_value *v)
{
    if (!v->untyped && !v->is_null && !v->is_array) {
        bool neg = false;
        uint64_t u;
        if (spi_cim_type_is_stringlike(v->type)) {
            spi_xml_escape(b, v->v.str ? v->v.str : "");
            return;
        }
        if (spi_cim_type_is_uint(v->type) || spi_cim_type_is_sint(v->type)) {
            if (spi_cim_type_is_uint(v->type)) {
                u = v->v.u;
            } else {
                neg = v->v.s < 0;
                u = neg ? -(uint64_t)v->v.s : (uint64_t)v->v.s;
            }
            char digits[24], *d = digits + sizeof(digits);
            do
                *--d = (char)('0' + u % 10);
            while (u /= 10);
            if (neg)
                *--d = '-';
            sp_buf_add(b, d, (size_t)(digits + sizeof(digits) - d));
            return;
        }
    }
    SPI_AUTOFREE char *t = sp_cim_value_to_text(v);
    spi_xml_escape(b, t ? t : "");
}

/* The hot elements below are written as literals rather than through
 * open_el(): a server writes a page of 100,000 paths. */
static void keybinding(sp_buf *b, const char *name, const sp_cim_value *v)
{
    if (name) {
        ADD_LIT(b, "<KEYBINDING NAME=\"");
        spi_xml_escape(b, name);
        ADD_LIT(b, "\">\n");
    } else {
        ADD_LIT(b, "<KEYBINDING>\n");
    }
    if (v->type == SP_CIM_REFERENCE && !v->untyped && !v->is_null) {
        spi_cimxml_value_reference(b, v->v.ref);
    } else {
        /* An untyped key (as some servers send them) goes back untyped. */
        const char *type = v->untyped ? NULL : sp_cim_type_name(v->type);
        ADD_LIT(b, "<KEYVALUE VALUETYPE=\"");
        sp_buf_addstr(b, valuetype_of(v));
        if (type) {
            ADD_LIT(b, "\" TYPE=\"");
            sp_buf_addstr(b, type);
        }
        ADD_LIT(b, "\">");
        scalar_escaped(b, v);
        ADD_LIT(b, "</KEYVALUE>\n");
    }
    ADD_LIT(b, "</KEYBINDING>\n");
}

void spi_cimxml_instancename(sp_buf *b, const sp_cim_path *p)
{
    if (!p->keys.n) {
        empty_el(b, "INSTANCENAME", "CLASSNAME", p->classname, END);
        return;
    }
    open_el(b, "INSTANCENAME", "CLASSNAME", p->classname, END);
    for (size_t i = 0; i < p->keys.n; i++)
        keybinding(b, p->keys.items[i].name, p->keys.items[i].value);
    ADD_LIT(b, "</INSTANCENAME>\n");
}

static void namespacepath(sp_buf *b, const char *host, const char *ns)
{
    ADD_LIT(b, "<NAMESPACEPATH>\n");
    text_el(b, "HOST", host);
    spi_cimxml_localnamespacepath(b, ns);
    ADD_LIT(b, "</NAMESPACEPATH>\n");
}

void spi_cimxml_instancepath(sp_buf *b, const sp_cim_path *p,
                             const char *default_host, const char *default_ns)
{
    ADD_LIT(b, "<INSTANCEPATH>\n");
    namespacepath(b, p->host ? p->host : default_host,
                  p->ns ? p->ns : default_ns);
    spi_cimxml_instancename(b, p);
    ADD_LIT(b, "</INSTANCEPATH>\n");
}

void spi_cimxml_best_path(sp_buf *b, const sp_cim_path *p)
{
    if (p->host && p->ns) {
        spi_cimxml_instancepath(b, p, NULL, NULL);
    } else if (p->ns) {
        open_el(b, "LOCALINSTANCEPATH", END);
        spi_cimxml_localnamespacepath(b, p->ns);
        spi_cimxml_instancename(b, p);
        close_el(b, "LOCALINSTANCEPATH");
    } else {
        spi_cimxml_instancename(b, p);
    }
}

void spi_cimxml_value_reference(sp_buf *b, const sp_cim_path *p)
{
    open_el(b, "VALUE.REFERENCE", END);
    spi_cimxml_best_path(b, p);
    close_el(b, "VALUE.REFERENCE");
}

/* The text of a scalar for a VALUE element; embedded instances as XML. */
static char *scalar_text(const sp_cim_value *v)
{
    if (v->type == SP_CIM_INSTANCE && !v->untyped) {
        sp_buf inner = SP_BUF_INIT(SIZE_MAX / 2);
        spi_cimxml_instance(&inner, v->v.inst);
        return sp_buf_detach(&inner, NULL);
    }
    return sp_cim_value_to_text(v);
}

void spi_cimxml_value(sp_buf *b, const sp_cim_value *v)
{
    if (v->is_null)
        return;
    if (v->is_array) {
        bool refs = v->type == SP_CIM_REFERENCE;
        open_el(b, refs ? "VALUE.REFARRAY" : "VALUE.ARRAY", END);
        for (size_t i = 0; i < v->v.arr.n; i++) {
            const sp_cim_value *e = v->v.arr.items[i];
            if (e->is_null)
                empty_el(b, "VALUE.NULL", END);
            else
                spi_cimxml_value(b, e);
        }
        close_el(b, refs ? "VALUE.REFARRAY" : "VALUE.ARRAY");
        return;
    }
    if (v->type == SP_CIM_REFERENCE && !v->untyped) {
        spi_cimxml_value_reference(b, v->v.ref);
        return;
    }
    if (v->type == SP_CIM_INSTANCE && !v->untyped) {
        SPI_AUTOFREE char *t = scalar_text(v);
        text_el(b, "VALUE", t ? t : "");
        return;
    }
    sp_buf_addstr(b, "<VALUE>");
    scalar_escaped(b, v);
    sp_buf_addstr(b, "</VALUE>\n");
}

/* The TYPE attribute of a property or qualifier holding @v. */
static const char *wire_type(const sp_cim_value *v)
{
    if (v->untyped || v->type == SP_CIM_INSTANCE)
        return "string";
    return sp_cim_type_name(v->type);
}

static void qualifier(sp_buf *b, const char *name, const sp_cim_value *v)
{
    if (v->is_null) {
        empty_el(b, "QUALIFIER", "NAME", name, "TYPE", wire_type(v), END);
        return;
    }
    open_el(b, "QUALIFIER", "NAME", name, "TYPE", wire_type(v), END);
    spi_cimxml_value(b, v);
    close_el(b, "QUALIFIER");
}

static void qualifiers(sp_buf *b, const struct spi_nvlist *q)
{
    for (size_t i = 0; i < q->n; i++)
        qualifier(b, q->items[i].name, q->items[i].value);
}

/* A PROPERTY, PROPERTY.ARRAY or PROPERTY.REFERENCE for @v, with the
 * declaration's qualifiers, class origin and propagation when given
 * (classes). */
static void property(sp_buf *b, const char *name, sp_cim_type type,
                     bool is_array, const char *refclass, const sp_cim_value *v,
                     const struct sp_cim_qualified *decl)
{
    const struct spi_nvlist *quals = decl ? &decl->quals : NULL;
    const char *origin = decl ? decl->origin : NULL;
    const char *propagated = origin && decl->propagated ? "true" : NULL;
    const char *embedded = type == SP_CIM_INSTANCE ? "instance" : NULL;
    const char *tname = type == SP_CIM_INSTANCE || type == SP_CIM_INVALID
                            ? "string"
                            : sp_cim_type_name(type);
    const char *el;
    if (type == SP_CIM_REFERENCE) {
        if (is_array)
            return; /* CIM has no reference-array properties */
        el = "PROPERTY.REFERENCE";
        tname = NULL;
    } else {
        el = is_array ? "PROPERTY.ARRAY" : "PROPERTY";
    }
    bool has_body = (quals && quals->n) || (v && !v->is_null);
    if (!has_body) {
        empty_el(b, el, "NAME", name, "TYPE", tname, "REFERENCECLASS", refclass,
                 "CLASSORIGIN", origin, "PROPAGATED", propagated,
                 "EmbeddedObject", embedded, END);
        return;
    }
    open_el(b, el, "NAME", name, "TYPE", tname, "REFERENCECLASS", refclass,
            "CLASSORIGIN", origin, "PROPAGATED", propagated, "EmbeddedObject",
            embedded, END);
    if (quals)
        qualifiers(b, quals);
    if (v)
        spi_cimxml_value(b, v);
    close_el(b, el);
}

void spi_cimxml_instance(sp_buf *b, const sp_cim_instance *i)
{
    open_el(b, "INSTANCE", "CLASSNAME", i->classname, END);
    for (size_t k = 0; k < i->props.n; k++) {
        const sp_cim_value *v = i->props.items[k].value;
        sp_cim_type t = v->untyped ? SP_CIM_STRING : v->type;
        property(b, i->props.items[k].name, t, v->is_array, NULL, v, NULL);
    }
    close_el(b, "INSTANCE");
}

static void parameter(sp_buf *b, const struct sp_cim_qualified *p)
{
    const char *el, *tname = sp_cim_type_name(p->type);
    if (p->type == SP_CIM_REFERENCE) {
        el = p->is_array ? "PARAMETER.REFARRAY" : "PARAMETER.REFERENCE";
        tname = NULL;
    } else {
        el = p->is_array ? "PARAMETER.ARRAY" : "PARAMETER";
        if (p->type == SP_CIM_INSTANCE)
            tname = "string";
    }
    if (!p->quals.n) {
        empty_el(b, el, "NAME", p->name, "TYPE", tname, "REFERENCECLASS",
                 p->refclass, END);
        return;
    }
    open_el(b, el, "NAME", p->name, "TYPE", tname, "REFERENCECLASS",
            p->refclass, END);
    qualifiers(b, &p->quals);
    close_el(b, el);
}

void spi_cimxml_class(sp_buf *b, const sp_cim_class *c)
{
    open_el(b, "CLASS", "NAME", c->name, "SUPERCLASS", c->super, END);
    qualifiers(b, &c->quals);
    for (size_t i = 0; i < c->nprops; i++) {
        const struct sp_cim_qualified *p = c->props[i];
        property(b, p->name, p->type, p->is_array, p->refclass, p->def, p);
    }
    for (size_t i = 0; i < c->nmethods; i++) {
        const sp_cim_method_decl *m = c->methods[i];
        open_el(b, "METHOD", "NAME", m->name, "TYPE",
                m->rtype ? sp_cim_type_name(m->rtype) : NULL, "CLASSORIGIN",
                m->origin, "PROPAGATED",
                m->origin && m->propagated ? "true" : NULL, END);
        qualifiers(b, &m->quals);
        for (size_t k = 0; k < m->nparams; k++)
            parameter(b, m->params[k]);
        close_el(b, "METHOD");
    }
    close_el(b, "CLASS");
}

void spi_cimxml_paramvalue(sp_buf *b, const char *name, const sp_cim_value *v)
{
    const char *ptype = NULL, *embedded = NULL;
    if (!v->untyped) {
        ptype = sp_cim_type_name(v->type);
        if (v->type == SP_CIM_INSTANCE) {
            /* DSP0201: an embedded instance travels as a string. */
            ptype = "string";
            embedded = "instance";
        }
    }
    if (v->is_null) {
        empty_el(b, "PARAMVALUE", "NAME", name, "PARAMTYPE", ptype,
                 "EmbeddedObject", embedded, END);
        return;
    }
    open_el(b, "PARAMVALUE", "NAME", name, "PARAMTYPE", ptype, "EmbeddedObject",
            embedded, END);
    spi_cimxml_value(b, v);
    close_el(b, "PARAMVALUE");
}

void spi_cimxml_returnvalue(sp_buf *b, const sp_cim_value *v)
{
    const char *ptype = v->untyped ? NULL : sp_cim_type_name(v->type);
    if (v->is_null || v->is_array) {
        /* RETURNVALUE holds one value: an array cannot be returned. */
        empty_el(b, "RETURNVALUE", "PARAMTYPE", ptype, END);
        return;
    }
    open_el(b, "RETURNVALUE", "PARAMTYPE", ptype, END);
    spi_cimxml_value(b, v);
    close_el(b, "RETURNVALUE");
}

static void message_start(sp_buf *b, const char *msgid)
{
    sp_buf_addstr(b, "<?xml version=\"1.0\" encoding=\"utf-8\" ?>\n");
    open_el(b, "CIM", "CIMVERSION", "2.0", "DTDVERSION", "2.0", END);
    open_el(b, "MESSAGE", "ID", msgid, "PROTOCOLVERSION", "1.0", END);
}

static void message_end(sp_buf *b)
{
    close_el(b, "MESSAGE");
    close_el(b, "CIM");
}

static bool is_classname_param(const char *name)
{
    static const char *const names[] = {"ClassName", "AssocClass",
                                        "ResultClass", "ObjectName"};
    for (size_t i = 0; i < SPI_ARRAY_SIZE(names); i++)
        if (spi_name_eq(name, names[i]))
            return true;
    return false;
}

static void iparamvalue(sp_buf *b, const char *name, const sp_cim_value *v)
{
    if (v->is_null) {
        empty_el(b, "IPARAMVALUE", "NAME", name, END);
        return;
    }
    open_el(b, "IPARAMVALUE", "NAME", name, END);
    if (!v->is_array && v->type == SP_CIM_REFERENCE)
        spi_cimxml_instancename(b, v->v.ref);
    else if (!v->is_array && v->type == SP_CIM_INSTANCE)
        spi_cimxml_instance(b, v->v.inst);
    else if (!v->is_array && v->type == SP_CIM_STRING &&
             is_classname_param(name))
        empty_el(b, "CLASSNAME", "NAME", v->v.str, END);
    else
        spi_cimxml_value(b, v);
    close_el(b, "IPARAMVALUE");
}

void spi_cimxml_imethodcall(sp_buf *b, unsigned long msgid, const char *name,
                            const char *ns, const sp_cim_args *params)
{
    char id[24];
    snprintf(id, sizeof(id), "%lu", msgid);
    message_start(b, id);
    open_el(b, "SIMPLEREQ", END);
    open_el(b, "IMETHODCALL", "NAME", name, END);
    spi_cimxml_localnamespacepath(b, ns);
    for (size_t i = 0; params && i < params->list.n; i++)
        iparamvalue(b, params->list.items[i].name, params->list.items[i].value);
    close_el(b, "IMETHODCALL");
    close_el(b, "SIMPLEREQ");
    message_end(b);
}

void spi_cimxml_methodcall(sp_buf *b, unsigned long msgid, const char *method,
                           const sp_cim_path *target, const char *default_ns,
                           const sp_cim_args *params)
{
    char id[24];
    snprintf(id, sizeof(id), "%lu", msgid);
    const char *ns = target->ns ? target->ns : default_ns;
    message_start(b, id);
    open_el(b, "SIMPLEREQ", END);
    open_el(b, "METHODCALL", "NAME", method, END);
    if (target->keys.n) {
        open_el(b, "LOCALINSTANCEPATH", END);
        spi_cimxml_localnamespacepath(b, ns);
        spi_cimxml_instancename(b, target);
        close_el(b, "LOCALINSTANCEPATH");
    } else {
        open_el(b, "LOCALCLASSPATH", END);
        spi_cimxml_localnamespacepath(b, ns);
        empty_el(b, "CLASSNAME", "NAME", target->classname, END);
        close_el(b, "LOCALCLASSPATH");
    }
    for (size_t i = 0; params && i < params->list.n; i++)
        spi_cimxml_paramvalue(b, params->list.items[i].name,
                              params->list.items[i].value);
    close_el(b, "METHODCALL");
    close_el(b, "SIMPLEREQ");
    message_end(b);
}

void spi_cimxml_response_begin(sp_buf *b, const char *msgid, bool intrinsic,
                               const char *name)
{
    message_start(b, msgid);
    open_el(b, "SIMPLERSP", END);
    open_el(b, intrinsic ? "IMETHODRESPONSE" : "METHODRESPONSE", "NAME", name,
            END);
}

void spi_cimxml_response_end(sp_buf *b, bool intrinsic)
{
    close_el(b, intrinsic ? "IMETHODRESPONSE" : "METHODRESPONSE");
    close_el(b, "SIMPLERSP");
    message_end(b);
}

void spi_cimxml_error(sp_buf *b, int code, const char *description,
                      const sp_cim_instance *cim_error)
{
    char c[16];
    snprintf(c, sizeof(c), "%d", code);
    if (!cim_error) {
        empty_el(b, "ERROR", "CODE", c, "DESCRIPTION", description, END);
        return;
    }
    open_el(b, "ERROR", "CODE", c, "DESCRIPTION", description, END);
    spi_cimxml_instance(b, cim_error);
    close_el(b, "ERROR");
}
