/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/cim/convert.c: CIM-XML element trees to values, paths, instances and
 * classes. */
#include <ctype.h>

#include "convert.h"

#define MAX_EMBED_DEPTH 4

/*
 * Everything here reads a tree built from a hostile peer's bytes: every
 * required attribute and child is checked, and errors name the element.
 * What CIM-XML allows but we do not need (qualifiers on instances,
 * CORRELATOR...) is skipped, not refused.
 */

static sp_code bad(struct spi_conv *cv, const char *fmt, ...) SP_PRINTF(2, 3);
static sp_code bad(struct spi_conv *cv, const char *fmt, ...)
{
    char msg[SP_ERROR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    return sp_error_set(cv->err, SP_ERR_PROTOCOL, "%s", msg);
}

void spi_conv_release(struct spi_conv *cv)
{
    for (size_t i = 0; i < cv->nscratch; i++)
        free(cv->scratch[i]);
    free(cv->scratch);
    cv->scratch = NULL;
    cv->nscratch = cv->capscratch = 0;
}

static const char *keep(struct spi_conv *cv, char *s)
{
    spi_xgrow((void **)&cv->scratch, &cv->capscratch, cv->nscratch + 1,
              sizeof(*cv->scratch));
    cv->scratch[cv->nscratch++] = s;
    return s;
}

bool spi_xml_is(const xmlNode *n, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE &&
           strcmp((const char *)n->name, name) == 0;
}

xmlNode *spi_xml_first(const xmlNode *n)
{
    xmlNode *c = n->children;
    while (c && c->type != XML_ELEMENT_NODE)
        c = c->next;
    return c;
}

xmlNode *spi_xml_next(const xmlNode *n)
{
    xmlNode *c = n->next;
    while (c && c->type != XML_ELEMENT_NODE)
        c = c->next;
    return c;
}

/* Concatenate the text of a node list; fast when it is a single node. */
static const char *node_list_text(struct spi_conv *cv, const xmlNode *c)
{
    if (!c)
        return "";
    if (!c->next &&
        (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE))
        return c->content ? (const char *)c->content : "";
    sp_buf b = SP_BUF_INIT(SIZE_MAX / 2);
    for (; c; c = c->next)
        if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) &&
            c->content)
            sp_buf_addstr(&b, (const char *)c->content);
    return keep(cv, sp_buf_detach(&b, NULL));
}

const char *spi_xml_attr(struct spi_conv *cv, const xmlNode *n,
                         const char *name)
{
    /* Called for every attribute of every element: names whose first
     * bytes differ under tolower() cannot be equal under strcasecmp(). */
    int first = tolower((unsigned char)name[0]);
    for (const xmlAttr *a = n->properties; a; a = a->next)
        if (tolower(a->name[0]) == first &&
            strcasecmp((const char *)a->name, name) == 0)
            return node_list_text(cv, a->children);
    return NULL;
}

const char *spi_xml_text(struct spi_conv *cv, const xmlNode *n)
{
    return node_list_text(cv, n->children);
}

static bool blank(const char *s)
{
    while (*s && isspace((unsigned char)*s))
        s++;
    return !*s;
}

/* ---- naming ---- */

sp_code spi_conv_localnamespacepath(struct spi_conv *cv, const xmlNode *n,
                                    char **out)
{
    /* Set even on error: callers free the previous value before the call,
     * so a stale pointer left here would be freed twice. */
    *out = NULL;
    sp_buf b = SP_BUF_INIT(SIZE_MAX / 2);
    for (xmlNode *c = spi_xml_first(n); c; c = spi_xml_next(c)) {
        if (!spi_xml_is(c, "NAMESPACE"))
            continue;
        const char *name = spi_xml_attr(cv, c, "NAME");
        if (!name) {
            sp_buf_release(&b);
            return bad(cv, "NAMESPACE without NAME");
        }
        if (b.len)
            sp_buf_addch(&b, '/');
        sp_buf_addstr(&b, name);
    }
    /* Some servers send an empty LOCALNAMESPACEPATH: no namespace. */
    *out = b.len ? sp_buf_detach(&b, NULL) : NULL;
    sp_buf_release(&b);
    return SP_OK;
}

static sp_code namespacepath(struct spi_conv *cv, const xmlNode *n, char **host,
                             char **ns)
{
    *host = *ns = NULL;
    for (xmlNode *c = spi_xml_first(n); c; c = spi_xml_next(c)) {
        if (spi_xml_is(c, "HOST")) {
            free(*host);
            *host = spi_xstrdup_trim(spi_xml_text(cv, c));
        } else if (spi_xml_is(c, "LOCALNAMESPACEPATH")) {
            free(*ns);
            if (spi_conv_localnamespacepath(cv, c, ns)) {
                free(*host);
                *host = NULL;
                return SP_ERR_PROTOCOL;
            }
        }
    }
    return SP_OK;
}

static sp_code value_reference(struct spi_conv *cv, const xmlNode *n,
                               sp_cim_path **out);

static sp_code keyvalue(struct spi_conv *cv, const xmlNode *n,
                        sp_cim_value **out)
{
    const char *vt = spi_xml_attr(cv, n, "VALUETYPE");
    const char *type = spi_xml_attr(cv, n, "TYPE");
    const char *text = spi_xml_text(cv, n);
    if (type) {
        sp_cim_type t = sp_cim_type_from_name(type);
        if (t == SP_CIM_INVALID || t == SP_CIM_REFERENCE ||
            t == SP_CIM_INSTANCE)
            return bad(cv, "KEYVALUE with unknown TYPE '%.32s'", type);
        return spi_cim_value_from_text(t, text, out, cv->err);
    }
    /* DSP0203 2.3.1 style: only VALUETYPE.  Keep the text; the getters
     * convert on demand, and the value goes back to the server as it came. */
    char hint = 's';
    if (vt && SPI_STREQ(vt, "numeric"))
        hint = 'n';
    else if (vt && SPI_STREQ(vt, "boolean"))
        hint = 'b';
    else if (vt && !SPI_STREQ(vt, "string"))
        return bad(cv, "KEYVALUE with unknown VALUETYPE '%.32s'", vt);
    if (hint != 's') {
        SPI_AUTOFREE char *t = spi_xstrdup_trim(text);
        *out = sp_cim_value_new_untyped(t);
    } else {
        *out = sp_cim_value_new_untyped(text);
    }
    (*out)->valuetype = hint;
    return SP_OK;
}

sp_code spi_conv_instancename(struct spi_conv *cv, const xmlNode *n,
                              const char *host, const char *ns,
                              sp_cim_path **out)
{
    const char *cls = spi_xml_attr(cv, n, "CLASSNAME");
    if (!cls || !*cls)
        return bad(cv, "INSTANCENAME without CLASSNAME");
    sp_cim_path *p = sp_cim_path_new(host, ns ? ns : cv->default_ns, cls);
    for (xmlNode *c = spi_xml_first(n); c; c = spi_xml_next(c)) {
        const char *kname = "";
        const xmlNode *kv = c;
        if (spi_xml_is(c, "KEYBINDING")) {
            kname = spi_xml_attr(cv, c, "NAME");
            kv = spi_xml_first(c);
            if (!kname || !kv) {
                sp_cim_path_free(p);
                return bad(cv, "KEYBINDING of '%.64s' without NAME or value",
                           cls);
            }
        }
        sp_cim_value *v = NULL;
        sp_code rc;
        if (spi_xml_is(kv, "KEYVALUE")) {
            rc = keyvalue(cv, kv, &v);
        } else if (spi_xml_is(kv, "VALUE.REFERENCE")) {
            sp_cim_path *ref = NULL;
            rc = value_reference(cv, kv, &ref);
            if (!rc)
                v = sp_cim_value_take_ref(ref);
        } else {
            rc = bad(cv, "unexpected <%.32s> in INSTANCENAME", kv->name);
        }
        if (rc) {
            sp_cim_path_free(p);
            return rc;
        }
        sp_cim_path_set_key(p, kname, v);
    }
    *out = p;
    return SP_OK;
}

/* INSTANCEPATH / LOCALINSTANCEPATH / CLASSPATH / LOCALCLASSPATH. */
static sp_code composite_path(struct spi_conv *cv, const xmlNode *n,
                              sp_cim_path **out)
{
    char *host = NULL, *ns = NULL;
    const xmlNode *name = NULL;
    sp_code rc = SP_OK;
    for (xmlNode *c = spi_xml_first(n); c && !rc; c = spi_xml_next(c)) {
        if (spi_xml_is(c, "NAMESPACEPATH")) {
            free(host);
            free(ns);
            rc = namespacepath(cv, c, &host, &ns);
        } else if (spi_xml_is(c, "LOCALNAMESPACEPATH")) {
            free(ns);
            rc = spi_conv_localnamespacepath(cv, c, &ns);
        } else if (spi_xml_is(c, "INSTANCENAME") ||
                   spi_xml_is(c, "CLASSNAME")) {
            name = c;
        }
    }
    if (!rc && !name)
        rc = bad(cv, "%.32s without INSTANCENAME or CLASSNAME", n->name);
    if (!rc) {
        if (spi_xml_is(name, "INSTANCENAME")) {
            rc = spi_conv_instancename(cv, name, host, ns, out);
        } else {
            const char *cls = spi_xml_attr(cv, name, "NAME");
            if (!cls)
                rc = bad(cv, "CLASSNAME without NAME");
            else
                *out = sp_cim_path_new(host, ns ? ns : cv->default_ns, cls);
        }
    }
    free(host);
    free(ns);
    return rc;
}

sp_code spi_conv_path(struct spi_conv *cv, const xmlNode *n, sp_cim_path **out)
{
    if (spi_xml_is(n, "INSTANCENAME"))
        return spi_conv_instancename(cv, n, NULL, NULL, out);
    if (spi_xml_is(n, "CLASSNAME")) {
        const char *cls = spi_xml_attr(cv, n, "NAME");
        if (!cls)
            return bad(cv, "CLASSNAME without NAME");
        *out = sp_cim_path_new(NULL, cv->default_ns, cls);
        return SP_OK;
    }
    if (spi_xml_is(n, "INSTANCEPATH") || spi_xml_is(n, "LOCALINSTANCEPATH") ||
        spi_xml_is(n, "CLASSPATH") || spi_xml_is(n, "LOCALCLASSPATH"))
        return composite_path(cv, n, out);
    if (spi_xml_is(n, "OBJECTPATH") || spi_xml_is(n, "VALUE.REFERENCE"))
        return value_reference(cv, n, out);
    return bad(cv, "<%.32s> where a path was expected", n->name);
}

static sp_code value_reference(struct spi_conv *cv, const xmlNode *n,
                               sp_cim_path **out)
{
    xmlNode *c = spi_xml_first(n);
    if (!c)
        return bad(cv, "empty %.32s", n->name);
    return spi_conv_path(cv, c, out);
}

/* ---- values ---- */

static sp_code parse_embedded(struct spi_conv *cv, const char *text,
                              sp_cim_value **out);

/* A scalar from VALUE text: typed, embedded, or untyped (t INVALID). */
static sp_code scalar(struct spi_conv *cv, const char *text, sp_cim_type t,
                      bool embedded, sp_cim_value **out)
{
    if (embedded)
        return parse_embedded(cv, text, out);
    if (t == SP_CIM_INVALID) {
        *out = sp_cim_value_new_untyped(text);
        return SP_OK;
    }
    if (t != SP_CIM_STRING && t != SP_CIM_CHAR16 && blank(text)) {
        /* Servers write an empty VALUE for "no value" of a number. */
        *out = sp_cim_value_new_null(t, false);
        return SP_OK;
    }
    return spi_cim_value_from_text(t, text, out, cv->err);
}

/* VALUE, VALUE.ARRAY, VALUE.REFERENCE, VALUE.REFARRAY, or VALUE.NULL. */
static sp_code value_el(struct spi_conv *cv, const xmlNode *n, sp_cim_type t,
                        bool embedded, sp_cim_value **out)
{
    if (spi_xml_is(n, "VALUE"))
        return scalar(cv, spi_xml_text(cv, n), t, embedded, out);
    if (spi_xml_is(n, "VALUE.NULL")) {
        *out = sp_cim_value_new_null(t ? t : SP_CIM_STRING, false);
        return SP_OK;
    }
    if (spi_xml_is(n, "VALUE.REFERENCE")) {
        sp_cim_path *p = NULL;
        sp_code rc = value_reference(cv, n, &p);
        if (!rc)
            *out = sp_cim_value_take_ref(p);
        return rc;
    }
    bool refs = spi_xml_is(n, "VALUE.REFARRAY");
    if (!refs && !spi_xml_is(n, "VALUE.ARRAY"))
        return bad(cv, "<%.32s> where a value was expected", n->name);
    sp_cim_type at = refs       ? SP_CIM_REFERENCE
                     : embedded ? SP_CIM_INSTANCE
                     : t        ? t
                                : SP_CIM_STRING;
    sp_cim_value *arr = sp_cim_value_new_array(at);
    for (xmlNode *c = spi_xml_first(n); c; c = spi_xml_next(c)) {
        sp_cim_value *e = NULL;
        sp_code rc = value_el(cv, c, refs ? SP_CIM_REFERENCE : t, embedded, &e);
        if (!rc &&
            (e->is_array || (!e->untyped && !e->is_null && e->type != at)))
            rc = bad(cv, "mixed types in %.32s", n->name);
        if (rc) {
            sp_cim_value_free(e);
            sp_cim_value_free(arr);
            return rc;
        }
        if (e->is_null)
            e->type = at;
        sp_cim_value_append(arr, e);
    }
    *out = arr;
    return SP_OK;
}

/* A QUALIFIER element: name and value. */
static sp_code qualifier(struct spi_conv *cv, const xmlNode *n,
                         const char **name, sp_cim_value **out)
{
    *name = spi_xml_attr(cv, n, "NAME");
    const char *type = spi_xml_attr(cv, n, "TYPE");
    sp_cim_type t = sp_cim_type_from_name(type);
    if (!*name || t == SP_CIM_INVALID)
        return bad(cv, "QUALIFIER without NAME or valid TYPE");
    xmlNode *c = spi_xml_first(n);
    if (!c) {
        *out = sp_cim_value_new_null(t, false);
        return SP_OK;
    }
    return value_el(cv, c, t, false, out);
}

static bool embedded_attr(struct spi_conv *cv, const xmlNode *n)
{
    const char *e = spi_xml_attr(cv, n, "EmbeddedObject");
    return e &&
           (strcasecmp(e, "instance") == 0 || strcasecmp(e, "object") == 0);
}

/* Older servers mark embedded instances with a qualifier instead. */
static bool embedded_qualifier(struct spi_conv *cv, const xmlNode *n)
{
    for (xmlNode *c = spi_xml_first(n); c; c = spi_xml_next(c)) {
        if (!spi_xml_is(c, "QUALIFIER"))
            continue;
        const char *q = spi_xml_attr(cv, c, "NAME");
        if (q && (strcasecmp(q, "EmbeddedInstance") == 0 ||
                  strcasecmp(q, "EmbeddedObject") == 0))
            return true;
    }
    return false;
}

/* PROPERTY / PROPERTY.ARRAY / PROPERTY.REFERENCE of an instance. */
static sp_code property(struct spi_conv *cv, const xmlNode *n,
                        const char **name, sp_cim_value **out)
{
    *name = spi_xml_attr(cv, n, "NAME");
    if (!*name || !**name)
        return bad(cv, "%.32s without NAME", n->name);
    bool is_ref = spi_xml_is(n, "PROPERTY.REFERENCE");
    bool is_array = spi_xml_is(n, "PROPERTY.ARRAY");
    sp_cim_type t = SP_CIM_REFERENCE;
    if (!is_ref) {
        t = sp_cim_type_from_name(spi_xml_attr(cv, n, "TYPE"));
        if (t == SP_CIM_INVALID || t == SP_CIM_REFERENCE ||
            t == SP_CIM_INSTANCE)
            return bad(cv, "property '%.64s' without a valid TYPE", *name);
    }
    bool embedded =
        !is_ref && (embedded_attr(cv, n) || embedded_qualifier(cv, n));
    const xmlNode *v = NULL;
    for (xmlNode *c = spi_xml_first(n); c; c = spi_xml_next(c))
        if (!spi_xml_is(c, "QUALIFIER"))
            v = c;
    sp_cim_type vt = embedded ? SP_CIM_INSTANCE : t;
    if (!v) {
        *out = sp_cim_value_new_null(vt, is_array);
        return SP_OK;
    }
    sp_code rc = value_el(cv, v, t, embedded, out);
    if (rc) {
        if (cv->err) {
            char inner[SP_ERROR_MSG_MAX];
            memcpy(inner, cv->err->message, sizeof(inner));
            sp_error_set(cv->err, rc, "property '%.64s': %s", *name, inner);
        }
        return rc;
    }
    if ((*out)->is_array != is_array) {
        sp_cim_value_free(*out);
        *out = NULL;
        return bad(cv, "property '%.64s': array and scalar mixed up", *name);
    }
    return SP_OK;
}

sp_code spi_conv_instance(struct spi_conv *cv, const xmlNode *n,
                          sp_cim_instance **out)
{
    const char *cls = spi_xml_attr(cv, n, "CLASSNAME");
    if (!cls || !*cls)
        return bad(cv, "INSTANCE without CLASSNAME");
    sp_cim_instance *inst = sp_cim_instance_new(cls);
    for (xmlNode *c = spi_xml_first(n); c; c = spi_xml_next(c)) {
        if (spi_xml_is(c, "QUALIFIER"))
            continue;
        if (!spi_xml_is(c, "PROPERTY") && !spi_xml_is(c, "PROPERTY.ARRAY") &&
            !spi_xml_is(c, "PROPERTY.REFERENCE"))
            continue;
        const char *name;
        sp_cim_value *v = NULL;
        sp_code rc = property(cv, c, &name, &v);
        if (rc) {
            sp_cim_instance_free(inst);
            return rc;
        }
        sp_cim_instance_set(inst, name, v);
    }
    *out = inst;
    return SP_OK;
}

static sp_code parse_embedded(struct spi_conv *cv, const char *text,
                              sp_cim_value **out)
{
    if (blank(text)) {
        *out = sp_cim_value_new_null(SP_CIM_INSTANCE, false);
        return SP_OK;
    }
    if (cv->embed_depth >= MAX_EMBED_DEPTH)
        return bad(cv, "embedded instances nested deeper than %d",
                   MAX_EMBED_DEPTH);
    xmlDoc *doc = NULL;
    sp_error perr;
    sp_code rc =
        spi_xml_parse_dom(text, strlen(text),
                          cv->max_bytes ? cv->max_bytes : 1 << 24, &doc, &perr);
    xmlNode *root = doc ? xmlDocGetRootElement(doc) : NULL;
    if (rc || !spi_xml_is(root, "INSTANCE")) {
        /* Not an instance after all (an embedded class, or junk): keep
         * the text rather than fail the whole response. */
        xmlFreeDoc(doc);
        *out = sp_cim_value_new_string(SP_CIM_STRING, text);
        return SP_OK;
    }
    struct spi_conv inner = *cv;
    inner.embed_depth++;
    inner.scratch = NULL;
    inner.nscratch = inner.capscratch = 0;
    sp_cim_instance *inst = NULL;
    rc = spi_conv_instance(&inner, root, &inst);
    spi_conv_release(&inner);
    xmlFreeDoc(doc);
    if (rc)
        return rc;
    *out = sp_cim_value_take_instance(inst);
    return SP_OK;
}

/* ---- classes ---- */

static sp_code add_qualifiers(struct spi_conv *cv, const xmlNode *n,
                              struct spi_nvlist *list)
{
    for (xmlNode *c = spi_xml_first(n); c; c = spi_xml_next(c)) {
        if (!spi_xml_is(c, "QUALIFIER"))
            continue;
        const char *qn;
        sp_cim_value *qv = NULL;
        sp_code rc = qualifier(cv, c, &qn, &qv);
        if (rc)
            return rc;
        spi_nvlist_set(list, qn, qv);
    }
    return SP_OK;
}

static sp_code class_property(struct spi_conv *cv, const xmlNode *c,
                              sp_cim_class *cls)
{
    const char *name;
    sp_cim_value *v = NULL;
    sp_code rc = property(cv, c, &name, &v);
    if (rc)
        return rc;
    sp_cim_type t = v->type;
    bool is_array = v->is_array;
    if (v->is_null) {
        sp_cim_value_free(v);
        v = NULL;
    }
    sp_cim_property_decl *d = sp_cim_class_add_property(
        cls, name, t, is_array, spi_xml_attr(cv, c, "REFERENCECLASS"), v);
    return add_qualifiers(cv, c, &d->quals);
}

static sp_code method(struct spi_conv *cv, const xmlNode *n, sp_cim_class *cls)
{
    const char *name = spi_xml_attr(cv, n, "NAME");
    if (!name)
        return bad(cv, "METHOD without NAME");
    sp_cim_method_decl *m = sp_cim_class_add_method(
        cls, name, sp_cim_type_from_name(spi_xml_attr(cv, n, "TYPE")));
    sp_code rc = add_qualifiers(cv, n, &m->quals);
    for (xmlNode *c = spi_xml_first(n); c && !rc; c = spi_xml_next(c)) {
        bool ref = spi_xml_is(c, "PARAMETER.REFERENCE") ||
                   spi_xml_is(c, "PARAMETER.REFARRAY");
        bool arr = spi_xml_is(c, "PARAMETER.ARRAY") ||
                   spi_xml_is(c, "PARAMETER.REFARRAY");
        if (!ref && !arr && !spi_xml_is(c, "PARAMETER"))
            continue;
        const char *pn = spi_xml_attr(cv, c, "NAME");
        sp_cim_type t =
            ref ? SP_CIM_REFERENCE
                : sp_cim_type_from_name(spi_xml_attr(cv, c, "TYPE"));
        if (!pn || t == SP_CIM_INVALID)
            return bad(cv, "parameter of '%.64s' without NAME or TYPE", name);
        sp_cim_param_decl *p = sp_cim_method_add_param(
            m, pn, t, arr, spi_xml_attr(cv, c, "REFERENCECLASS"));
        rc = add_qualifiers(cv, c, &p->quals);
    }
    return rc;
}

static sp_code class_el(struct spi_conv *cv, const xmlNode *n,
                        sp_cim_class **out)
{
    const char *name = spi_xml_attr(cv, n, "NAME");
    if (!name || !*name)
        return bad(cv, "CLASS without NAME");
    sp_cim_class *cls =
        sp_cim_class_new(name, spi_xml_attr(cv, n, "SUPERCLASS"));
    sp_code rc = add_qualifiers(cv, n, &cls->quals);
    for (xmlNode *c = spi_xml_first(n); c && !rc; c = spi_xml_next(c)) {
        if (spi_xml_is(c, "PROPERTY") || spi_xml_is(c, "PROPERTY.ARRAY") ||
            spi_xml_is(c, "PROPERTY.REFERENCE"))
            rc = class_property(cv, c, cls);
        else if (spi_xml_is(c, "METHOD"))
            rc = method(cv, c, cls);
    }
    if (rc) {
        sp_cim_class_free(cls);
        return rc;
    }
    *out = cls;
    return SP_OK;
}

/* ---- items and parameters ---- */

/* A path element followed by an INSTANCE (or CLASS): the *WITHPATH forms. */
static sp_code object_with_path(struct spi_conv *cv, const xmlNode *n,
                                struct spi_item *it)
{
    xmlNode *pn = spi_xml_first(n);
    xmlNode *on = pn ? spi_xml_next(pn) : NULL;
    if (!pn || !on)
        return bad(cv, "%.32s needs a path and an object", n->name);
    if (spi_xml_is(on, "CLASS")) {
        it->kind = SPI_ITEM_CLASS;
        return class_el(cv, on, &it->cls);
    }
    if (!spi_xml_is(on, "INSTANCE"))
        return bad(cv, "unexpected <%.32s> in %.32s", on->name, n->name);
    sp_cim_path *p = NULL;
    sp_code rc = spi_conv_path(cv, pn, &p);
    if (!rc)
        rc = spi_conv_instance(cv, on, &it->inst);
    if (rc) {
        sp_cim_path_free(p);
        return rc;
    }
    it->kind = SPI_ITEM_INSTANCE;
    sp_cim_instance_set_path(it->inst, p);
    return SP_OK;
}

sp_code spi_conv_item(struct spi_conv *cv, const xmlNode *n,
                      struct spi_item *it)
{
    memset(it, 0, sizeof(*it));
    if (spi_xml_is(n, "VALUE.NAMEDINSTANCE") ||
        spi_xml_is(n, "VALUE.INSTANCEWITHPATH") ||
        spi_xml_is(n, "VALUE.OBJECTWITHPATH") ||
        spi_xml_is(n, "VALUE.OBJECTWITHLOCALPATH"))
        return object_with_path(cv, n, it);
    if (spi_xml_is(n, "VALUE.OBJECT")) {
        xmlNode *c = spi_xml_first(n);
        if (!c)
            return bad(cv, "empty VALUE.OBJECT");
        return spi_conv_item(cv, c, it);
    }
    if (spi_xml_is(n, "INSTANCE")) {
        it->kind = SPI_ITEM_INSTANCE;
        return spi_conv_instance(cv, n, &it->inst);
    }
    if (spi_xml_is(n, "CLASS")) {
        it->kind = SPI_ITEM_CLASS;
        return class_el(cv, n, &it->cls);
    }
    if (spi_xml_is(n, "INSTANCENAME") || spi_xml_is(n, "INSTANCEPATH") ||
        spi_xml_is(n, "OBJECTPATH") || spi_xml_is(n, "VALUE.REFERENCE")) {
        it->kind = SPI_ITEM_PATH;
        return spi_conv_path(cv, n, &it->path);
    }
    if (spi_xml_is(n, "CLASSNAME")) {
        const char *cls = spi_xml_attr(cv, n, "NAME");
        if (!cls)
            return bad(cv, "CLASSNAME without NAME");
        it->kind = SPI_ITEM_VALUE;
        it->value = sp_cim_value_new_string(SP_CIM_STRING, cls);
        return SP_OK;
    }
    if (spi_xml_is(n, "VALUE") || spi_xml_is(n, "VALUE.ARRAY")) {
        it->kind = SPI_ITEM_VALUE;
        return value_el(cv, n, SP_CIM_INVALID, false, &it->value);
    }
    return bad(cv, "unexpected <%.32s> in IRETURNVALUE", n->name);
}

sp_code spi_conv_paramvalue(struct spi_conv *cv, const xmlNode *n,
                            const char **name, sp_cim_value **out)
{
    *name = NULL;
    if (spi_xml_is(n, "PARAMVALUE") || spi_xml_is(n, "IPARAMVALUE")) {
        *name = spi_xml_attr(cv, n, "NAME");
        if (!*name || !**name)
            return bad(cv, "%.32s without NAME", n->name);
    }
    const char *pt = spi_xml_attr(cv, n, "PARAMTYPE");
    sp_cim_type t = sp_cim_type_from_name(pt);
    bool embedded =
        embedded_attr(cv, n) ||
        (pt && (SPI_STREQ(pt, "instance") || SPI_STREQ(pt, "object")));
    if (pt && t == SP_CIM_INVALID && !embedded)
        return bad(cv, "%.32s with unknown PARAMTYPE '%.32s'", n->name, pt);
    if (embedded)
        t = SP_CIM_STRING;
    xmlNode *c = spi_xml_first(n);
    if (!c) {
        /* No value: a NULL (of unknown type when untyped). */
        *out = sp_cim_value_new_null(embedded ? SP_CIM_INSTANCE
                                     : t      ? t
                                              : SP_CIM_STRING,
                                     false);
        return SP_OK;
    }
    if (spi_xml_is(c, "INSTANCE") || spi_xml_is(c, "VALUE.NAMEDINSTANCE")) {
        struct spi_item it;
        sp_code rc = spi_conv_item(cv, c, &it);
        if (rc)
            return rc;
        *out = sp_cim_value_take_instance(it.inst);
        return SP_OK;
    }
    if (spi_xml_is(c, "INSTANCENAME") || spi_xml_is(c, "CLASSNAME")) {
        sp_cim_path *p = NULL;
        sp_code rc = spi_conv_path(cv, c, &p);
        if (rc)
            return rc;
        if (spi_xml_is(c, "CLASSNAME")) {
            *out = sp_cim_value_new_string(SP_CIM_STRING, p->classname);
            sp_cim_path_free(p);
        } else {
            *out = sp_cim_value_take_ref(p);
        }
        return SP_OK;
    }
    return value_el(cv, c, t == SP_CIM_REFERENCE ? SP_CIM_REFERENCE : t,
                    embedded, out);
}
