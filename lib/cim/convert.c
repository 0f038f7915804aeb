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

sp_code spi_conv_bad(struct spi_conv *cv, const char *fmt, ...)
{
    char msg[SP_ERROR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    return sp_error_set(cv->err, SP_ERR_PROTOCOL, "%s", msg);
}

/* A string comparison only with the names of the same first letter. */
sp_cim_type spi_conv_type(const char *s)
{
    if (!s)
        return SP_CIM_INVALID;
    for (int t = SP_CIM_UINT8; t <= SP_CIM_INSTANCE; t++) {
        const char *name = sp_cim_type_name((sp_cim_type)t);
        if (name && name[0] == s[0] && SPI_STREQ(name, s))
            return (sp_cim_type)t;
    }
    return SP_CIM_INVALID;
}

static bool blank(const char *s)
{
    while (*s && isspace((unsigned char)*s))
        s++;
    return !*s;
}

/* ---- naming ---- */

sp_code spi_conv_localnamespacepath(struct spi_conv *cv,
                                    const struct spi_xnode *n, char **out)
{
    /* Set even on error: callers free the previous value before the call,
     * so a stale pointer left here would be freed twice. */
    *out = NULL;
    sp_buf b = SP_BUF_INIT(SIZE_MAX / 2);
    for (const struct spi_xnode *c = spi_xml_first(n); c; c = spi_xml_next(c)) {
        if (!spi_xml_is(c, SPI_X_NAMESPACE))
            continue;
        const char *name = spi_xml_attr(c, SPI_A_NAME);
        if (!name) {
            sp_buf_release(&b);
            return spi_conv_bad(cv, "NAMESPACE without NAME");
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

static sp_code namespacepath(struct spi_conv *cv, const struct spi_xnode *n,
                             char **host, char **ns)
{
    *host = *ns = NULL;
    for (const struct spi_xnode *c = spi_xml_first(n); c; c = spi_xml_next(c)) {
        if (spi_xml_is(c, SPI_X_HOST)) {
            free(*host);
            *host = spi_xstrdup_trim(spi_xml_text(c));
        } else if (spi_xml_is(c, SPI_X_LOCALNAMESPACEPATH)) {
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

static sp_code value_reference(struct spi_conv *cv, const struct spi_xnode *n,
                               sp_cim_path **out);

static sp_code keyvalue(struct spi_conv *cv, const struct spi_xnode *n,
                        sp_cim_value **out)
{
    const char *vt = spi_xml_attr(n, SPI_A_VALUETYPE);
    const char *type = spi_xml_attr(n, SPI_A_TYPE);
    const char *text = spi_xml_text(n);
    if (type) {
        sp_cim_type t = spi_conv_type(type);
        if (t == SP_CIM_INVALID || t == SP_CIM_REFERENCE ||
            t == SP_CIM_INSTANCE)
            return spi_conv_bad(cv, "KEYVALUE with unknown TYPE '%.32s'", type);
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
        return spi_conv_bad(cv, "KEYVALUE with unknown VALUETYPE '%.32s'", vt);
    if (hint != 's') {
        SPI_AUTOFREE char *t = spi_xstrdup_trim(text);
        *out = sp_cim_value_new_untyped(t);
    } else {
        *out = sp_cim_value_new_untyped(text);
    }
    (*out)->valuetype = hint;
    return SP_OK;
}

sp_code spi_conv_instancename(struct spi_conv *cv, const struct spi_xnode *n,
                              const char *host, const char *ns,
                              sp_cim_path **out)
{
    const char *cls = spi_xml_attr(n, SPI_A_CLASSNAME);
    if (!cls || !*cls)
        return spi_conv_bad(cv, "INSTANCENAME without CLASSNAME");
    sp_cim_path *p = sp_cim_path_new(host, ns ? ns : cv->default_ns, cls);
    for (const struct spi_xnode *c = spi_xml_first(n); c; c = spi_xml_next(c)) {
        const char *kname = "";
        const struct spi_xnode *kv = c;
        if (spi_xml_is(c, SPI_X_KEYBINDING)) {
            kname = spi_xml_attr(c, SPI_A_NAME);
            kv = spi_xml_first(c);
            if (!kname || !kv) {
                sp_cim_path_free(p);
                return spi_conv_bad(
                    cv, "KEYBINDING of '%.64s' without NAME or value", cls);
            }
        }
        sp_cim_value *v = NULL;
        sp_code rc;
        if (spi_xml_is(kv, SPI_X_KEYVALUE)) {
            rc = keyvalue(cv, kv, &v);
        } else if (spi_xml_is(kv, SPI_X_VALUE_REFERENCE)) {
            sp_cim_path *ref = NULL;
            rc = value_reference(cv, kv, &ref);
            if (!rc)
                v = sp_cim_value_take_ref(ref);
        } else {
            rc = spi_conv_bad(cv, "unexpected <%.32s> in INSTANCENAME",
                              spi_xml_name(kv));
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
static sp_code composite_path(struct spi_conv *cv, const struct spi_xnode *n,
                              sp_cim_path **out)
{
    char *host = NULL, *ns = NULL;
    const struct spi_xnode *name = NULL;
    sp_code rc = SP_OK;
    for (const struct spi_xnode *c = spi_xml_first(n); c && !rc;
         c = spi_xml_next(c)) {
        if (spi_xml_is(c, SPI_X_NAMESPACEPATH)) {
            free(host);
            free(ns);
            rc = namespacepath(cv, c, &host, &ns);
        } else if (spi_xml_is(c, SPI_X_LOCALNAMESPACEPATH)) {
            free(ns);
            rc = spi_conv_localnamespacepath(cv, c, &ns);
        } else if (spi_xml_is(c, SPI_X_INSTANCENAME) ||
                   spi_xml_is(c, SPI_X_CLASSNAME)) {
            name = c;
        }
    }
    if (!rc && !name)
        rc = spi_conv_bad(cv, "%.32s without INSTANCENAME or CLASSNAME",
                          spi_xml_name(n));
    if (!rc) {
        if (spi_xml_is(name, SPI_X_INSTANCENAME)) {
            rc = spi_conv_instancename(cv, name, host, ns, out);
        } else {
            const char *cls = spi_xml_attr(name, SPI_A_NAME);
            if (!cls)
                rc = spi_conv_bad(cv, "CLASSNAME without NAME");
            else
                *out = sp_cim_path_new(host, ns ? ns : cv->default_ns, cls);
        }
    }
    free(host);
    free(ns);
    return rc;
}

sp_code spi_conv_path(struct spi_conv *cv, const struct spi_xnode *n,
                      sp_cim_path **out)
{
    if (spi_xml_is(n, SPI_X_INSTANCENAME))
        return spi_conv_instancename(cv, n, NULL, NULL, out);
    if (spi_xml_is(n, SPI_X_CLASSNAME)) {
        const char *cls = spi_xml_attr(n, SPI_A_NAME);
        if (!cls)
            return spi_conv_bad(cv, "CLASSNAME without NAME");
        *out = sp_cim_path_new(NULL, cv->default_ns, cls);
        return SP_OK;
    }
    if (spi_xml_is(n, SPI_X_INSTANCEPATH) ||
        spi_xml_is(n, SPI_X_LOCALINSTANCEPATH) ||
        spi_xml_is(n, SPI_X_CLASSPATH) || spi_xml_is(n, SPI_X_LOCALCLASSPATH))
        return composite_path(cv, n, out);
    if (spi_xml_is(n, SPI_X_OBJECTPATH) || spi_xml_is(n, SPI_X_VALUE_REFERENCE))
        return value_reference(cv, n, out);
    return spi_conv_bad(cv, "<%.32s> where a path was expected",
                        spi_xml_name(n));
}

static sp_code value_reference(struct spi_conv *cv, const struct spi_xnode *n,
                               sp_cim_path **out)
{
    const struct spi_xnode *c = spi_xml_first(n);
    if (!c)
        return spi_conv_bad(cv, "empty %.32s", spi_xml_name(n));
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

sp_code spi_conv_value(struct spi_conv *cv, const struct spi_xnode *n,
                       sp_cim_type t, bool embedded, sp_cim_value **out)
{
    if (spi_xml_is(n, SPI_X_VALUE))
        return scalar(cv, spi_xml_text(n), t, embedded, out);
    if (spi_xml_is(n, SPI_X_VALUE_NULL)) {
        *out = sp_cim_value_new_null(t ? t : SP_CIM_STRING, false);
        return SP_OK;
    }
    if (spi_xml_is(n, SPI_X_VALUE_REFERENCE)) {
        sp_cim_path *p = NULL;
        sp_code rc = value_reference(cv, n, &p);
        if (!rc)
            *out = sp_cim_value_take_ref(p);
        return rc;
    }
    bool refs = spi_xml_is(n, SPI_X_VALUE_REFARRAY);
    if (!refs && !spi_xml_is(n, SPI_X_VALUE_ARRAY))
        return spi_conv_bad(cv, "<%.32s> where a value was expected",
                            spi_xml_name(n));
    sp_cim_type at = refs       ? SP_CIM_REFERENCE
                     : embedded ? SP_CIM_INSTANCE
                     : t        ? t
                                : SP_CIM_STRING;
    sp_cim_value *arr = sp_cim_value_new_array(at);
    for (const struct spi_xnode *c = spi_xml_first(n); c; c = spi_xml_next(c)) {
        sp_cim_value *e = NULL;
        sp_code rc =
            spi_conv_value(cv, c, refs ? SP_CIM_REFERENCE : t, embedded, &e);
        if (!rc &&
            (e->is_array || (!e->untyped && !e->is_null && e->type != at)))
            rc = spi_conv_bad(cv, "mixed types in %.32s", spi_xml_name(n));
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

static bool embedded_attr(const struct spi_xnode *n)
{
    const char *e = spi_xml_attr(n, SPI_A_EMBEDDEDOBJECT);
    return e &&
           (strcasecmp(e, "instance") == 0 || strcasecmp(e, "object") == 0);
}

/* Older servers mark embedded instances with a qualifier instead. */
static bool embedded_qualifier(const struct spi_xnode *n)
{
    for (const struct spi_xnode *c = spi_xml_first(n); c; c = spi_xml_next(c)) {
        if (!spi_xml_is(c, SPI_X_QUALIFIER))
            continue;
        const char *q = spi_xml_attr(c, SPI_A_NAME);
        if (q && (strcasecmp(q, "EmbeddedInstance") == 0 ||
                  strcasecmp(q, "EmbeddedObject") == 0))
            return true;
    }
    return false;
}

sp_code spi_conv_property(struct spi_conv *cv, const struct spi_xnode *n,
                          const char **name, sp_cim_value **out)
{
    *name = spi_xml_attr(n, SPI_A_NAME);
    if (!*name || !**name)
        return spi_conv_bad(cv, "%.32s without NAME", spi_xml_name(n));
    bool is_ref = spi_xml_is(n, SPI_X_PROPERTY_REFERENCE);
    bool is_array = spi_xml_is(n, SPI_X_PROPERTY_ARRAY);
    sp_cim_type t = SP_CIM_REFERENCE;
    if (!is_ref) {
        t = spi_conv_type(spi_xml_attr(n, SPI_A_TYPE));
        if (t == SP_CIM_INVALID || t == SP_CIM_REFERENCE ||
            t == SP_CIM_INSTANCE)
            return spi_conv_bad(cv, "property '%.64s' without a valid TYPE",
                                *name);
    }
    bool embedded = !is_ref && (embedded_attr(n) || embedded_qualifier(n));
    const struct spi_xnode *v = NULL;
    for (const struct spi_xnode *c = spi_xml_first(n); c; c = spi_xml_next(c))
        if (!spi_xml_is(c, SPI_X_QUALIFIER))
            v = c;
    sp_cim_type vt = embedded ? SP_CIM_INSTANCE : t;
    if (!v) {
        *out = sp_cim_value_new_null(vt, is_array);
        return SP_OK;
    }
    sp_code rc = spi_conv_value(cv, v, t, embedded, out);
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
        return spi_conv_bad(cv, "property '%.64s': array and scalar mixed up",
                            *name);
    }
    return SP_OK;
}

sp_code spi_conv_instance(struct spi_conv *cv, const struct spi_xnode *n,
                          sp_cim_instance **out)
{
    const char *cls = spi_xml_attr(n, SPI_A_CLASSNAME);
    if (!cls || !*cls)
        return spi_conv_bad(cv, "INSTANCE without CLASSNAME");
    sp_cim_instance *inst = sp_cim_instance_new(cls);
    for (const struct spi_xnode *c = spi_xml_first(n); c; c = spi_xml_next(c)) {
        if (spi_xml_is(c, SPI_X_QUALIFIER))
            continue;
        if (!spi_xml_is(c, SPI_X_PROPERTY) &&
            !spi_xml_is(c, SPI_X_PROPERTY_ARRAY) &&
            !spi_xml_is(c, SPI_X_PROPERTY_REFERENCE))
            continue;
        const char *name;
        sp_cim_value *v = NULL;
        sp_code rc = spi_conv_property(cv, c, &name, &v);
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
        return spi_conv_bad(cv, "embedded instances nested deeper than %d",
                            MAX_EMBED_DEPTH);
    struct spi_xtree *doc = NULL;
    sp_error perr;
    sp_code rc =
        spi_xml_parse_dom(text, strlen(text),
                          cv->max_bytes ? cv->max_bytes : 1 << 24, &doc, &perr);
    const struct spi_xnode *root = doc ? spi_xtree_root(doc) : NULL;
    if (rc || !spi_xml_is(root, SPI_X_INSTANCE)) {
        /* Not an instance after all (an embedded class, or junk): keep
         * the text rather than fail the whole response. */
        spi_xtree_free(doc);
        *out = sp_cim_value_new_string(SP_CIM_STRING, text);
        return SP_OK;
    }
    struct spi_conv inner = *cv;
    inner.embed_depth++;
    sp_cim_instance *inst = NULL;
    rc = spi_conv_instance(&inner, root, &inst);
    spi_xtree_free(doc);
    if (rc)
        return rc;
    *out = sp_cim_value_take_instance(inst);
    return SP_OK;
}

/* ---- items and parameters ---- */

/* A path element followed by an INSTANCE (or CLASS): the *WITHPATH forms. */
static sp_code object_with_path(struct spi_conv *cv, const struct spi_xnode *n,
                                struct spi_item *it)
{
    const struct spi_xnode *pn = spi_xml_first(n);
    const struct spi_xnode *on = pn ? spi_xml_next(pn) : NULL;
    if (!pn || !on)
        return spi_conv_bad(cv, "%.32s needs a path and an object",
                            spi_xml_name(n));
    if (spi_xml_is(on, SPI_X_CLASS)) {
        it->kind = SPI_ITEM_CLASS;
        return spi_conv_class(cv, on, &it->cls);
    }
    if (!spi_xml_is(on, SPI_X_INSTANCE))
        return spi_conv_bad(cv, "unexpected <%.32s> in %.32s", spi_xml_name(on),
                            spi_xml_name(n));
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

sp_code spi_conv_item(struct spi_conv *cv, const struct spi_xnode *n,
                      struct spi_item *it)
{
    memset(it, 0, sizeof(*it));
    if (spi_xml_is(n, SPI_X_VALUE_NAMEDINSTANCE) ||
        spi_xml_is(n, SPI_X_VALUE_INSTANCEWITHPATH) ||
        spi_xml_is(n, SPI_X_VALUE_OBJECTWITHPATH) ||
        spi_xml_is(n, SPI_X_VALUE_OBJECTWITHLOCALPATH))
        return object_with_path(cv, n, it);
    if (spi_xml_is(n, SPI_X_VALUE_OBJECT)) {
        const struct spi_xnode *c = spi_xml_first(n);
        if (!c)
            return spi_conv_bad(cv, "empty VALUE.OBJECT");
        return spi_conv_item(cv, c, it);
    }
    if (spi_xml_is(n, SPI_X_INSTANCE)) {
        it->kind = SPI_ITEM_INSTANCE;
        return spi_conv_instance(cv, n, &it->inst);
    }
    if (spi_xml_is(n, SPI_X_CLASS)) {
        it->kind = SPI_ITEM_CLASS;
        return spi_conv_class(cv, n, &it->cls);
    }
    if (spi_xml_is(n, SPI_X_INSTANCENAME) ||
        spi_xml_is(n, SPI_X_INSTANCEPATH) || spi_xml_is(n, SPI_X_OBJECTPATH) ||
        spi_xml_is(n, SPI_X_VALUE_REFERENCE)) {
        it->kind = SPI_ITEM_PATH;
        return spi_conv_path(cv, n, &it->path);
    }
    if (spi_xml_is(n, SPI_X_CLASSNAME)) {
        const char *cls = spi_xml_attr(n, SPI_A_NAME);
        if (!cls)
            return spi_conv_bad(cv, "CLASSNAME without NAME");
        it->kind = SPI_ITEM_VALUE;
        it->value = sp_cim_value_new_string(SP_CIM_STRING, cls);
        return SP_OK;
    }
    if (spi_xml_is(n, SPI_X_VALUE) || spi_xml_is(n, SPI_X_VALUE_ARRAY)) {
        it->kind = SPI_ITEM_VALUE;
        return spi_conv_value(cv, n, SP_CIM_INVALID, false, &it->value);
    }
    return spi_conv_bad(cv, "unexpected <%.32s> in IRETURNVALUE",
                        spi_xml_name(n));
}

sp_code spi_conv_paramvalue(struct spi_conv *cv, const struct spi_xnode *n,
                            const char **name, sp_cim_value **out)
{
    *name = NULL;
    if (spi_xml_is(n, SPI_X_PARAMVALUE) || spi_xml_is(n, SPI_X_IPARAMVALUE)) {
        *name = spi_xml_attr(n, SPI_A_NAME);
        if (!*name || !**name)
            return spi_conv_bad(cv, "%.32s without NAME", spi_xml_name(n));
    }
    const char *pt = spi_xml_attr(n, SPI_A_PARAMTYPE);
    sp_cim_type t = spi_conv_type(pt);
    bool embedded =
        embedded_attr(n) ||
        (pt && (SPI_STREQ(pt, "instance") || SPI_STREQ(pt, "object")));
    if (pt && t == SP_CIM_INVALID && !embedded)
        return spi_conv_bad(cv, "%.32s with unknown PARAMTYPE '%.32s'",
                            spi_xml_name(n), pt);
    if (embedded)
        t = SP_CIM_STRING;
    const struct spi_xnode *c = spi_xml_first(n);
    if (!c) {
        /* No value: a NULL (of unknown type when untyped). */
        *out = sp_cim_value_new_null(embedded ? SP_CIM_INSTANCE
                                     : t      ? t
                                              : SP_CIM_STRING,
                                     false);
        return SP_OK;
    }
    if (spi_xml_is(c, SPI_X_INSTANCE) ||
        spi_xml_is(c, SPI_X_VALUE_NAMEDINSTANCE)) {
        struct spi_item it;
        sp_code rc = spi_conv_item(cv, c, &it);
        if (rc)
            return rc;
        *out = sp_cim_value_take_instance(it.inst);
        return SP_OK;
    }
    if (spi_xml_is(c, SPI_X_INSTANCENAME) || spi_xml_is(c, SPI_X_CLASSNAME)) {
        sp_cim_path *p = NULL;
        sp_code rc = spi_conv_path(cv, c, &p);
        if (rc)
            return rc;
        if (spi_xml_is(c, SPI_X_CLASSNAME)) {
            *out = sp_cim_value_new_string(SP_CIM_STRING, p->classname);
            sp_cim_path_free(p);
        } else {
            *out = sp_cim_value_take_ref(p);
        }
        return SP_OK;
    }
    return spi_conv_value(cv, c, t == SP_CIM_REFERENCE ? SP_CIM_REFERENCE : t,
                          embedded, out);
}
