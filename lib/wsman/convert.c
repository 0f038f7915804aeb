/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/wsman/convert.c: a decoded WS-Management body as the CIM model
 * (DSP0230's mapping read back): instances, endpoint references, method
 * output, faults. */
#include "wtree.h"

/*
 * What the wire does not say: WS-Management carries no CIM types, so
 * values come back untyped (sp_cim_value_get_uint() and friends parse them
 * as asked); an array is its element repeated, so a one-element array
 * reads as a scalar (readers take either); xsi:nil is a NULL value.
 */

static sp_code bad(struct spi_wconv *c, const struct spi_wnode *n,
                   const char *what)
{
    return sp_error_set(c->err, SP_ERR_PROTOCOL, "<%.64s> %s",
                        n ? n->name : "?", what);
}

static bool is_cim_time(const struct spi_wnode *n)
{
    static const char *const names[] = {"CIM_DateTime", "Datetime", "Interval",
                                        "Date", "Time"};
    if (!n->ns || strcmp(n->ns, SPI_WS_NS_CIM) != 0)
        return false;
    for (size_t i = 0; i < SPI_ARRAY_SIZE(names); i++)
        if (strcmp(n->name, names[i]) == 0)
            return true;
    return false;
}

static bool holds_epr(const struct spi_wnode *n)
{
    return spi_wnode_child(n, SPI_WS_NS_ADDR, "ReferenceParameters") ||
           spi_wnode_child(n, SPI_WS_NS_ADDR, "Address");
}

/* "p:Msvm_VirtualSystemSettingData_Type" -> "Msvm_VirtualSystemSettingData" */
static char *class_of_type(const char *t)
{
    const char *colon = strchr(t, ':');
    const char *name = colon ? colon + 1 : t;
    size_t n = strlen(name);
    if (n > 5 && strcmp(name + n - 5, "_Type") == 0)
        n -= 5;
    return spi_xstrndup(name, n);
}

static sp_code instance_of(struct spi_wconv *c, const struct spi_wnode *n,
                           const char *cls, sp_cim_instance **out);

/* One property or parameter element as a scalar value. */
static sp_code scalar_of(struct spi_wconv *c, const struct spi_wnode *n,
                         sp_cim_value **out)
{
    *out = NULL;
    if (n->nil) {
        *out = sp_cim_value_new_null(SP_CIM_STRING, false);
        return SP_OK;
    }
    if (!n->first) {
        *out = sp_cim_value_new_untyped(spi_wnode_text(n));
        return SP_OK;
    }
    if (holds_epr(n)) {
        sp_cim_path *p = NULL;
        sp_code rc = spi_wconv_epr(c, n, &p);
        if (!rc)
            *out = sp_cim_value_take_ref(p);
        return rc;
    }
    if (is_cim_time(n->first) && !n->first->next) {
        *out = sp_cim_value_new_untyped(spi_wnode_text(n->first));
        return SP_OK;
    }
    SPI_AUTOFREE char *cls =
        n->a_type ? class_of_type(n->a_type) : spi_xstrdup(n->name);
    sp_cim_instance *inst = NULL;
    sp_code rc = instance_of(c, n, cls, &inst);
    if (!rc)
        *out = sp_cim_value_take_instance(inst);
    return rc;
}

/* Put element @n's value as @name: a second element of the same name
 * makes the value an array. */
static sp_code add_value(struct spi_wconv *c, const struct spi_wnode *n,
                         const sp_cim_value *have, sp_cim_value **merged)
{
    sp_cim_value *v = NULL;
    *merged = NULL;
    sp_code rc = scalar_of(c, n, &v);
    if (rc)
        return rc;
    if (!have) {
        *merged = v;
        return SP_OK;
    }
    sp_cim_type t = sp_cim_value_type(v);
    sp_cim_value *arr;
    if (sp_cim_value_is_array(have)) {
        arr = sp_cim_value_copy(have);
    } else {
        arr = sp_cim_value_new_array(
            t == SP_CIM_REFERENCE || t == SP_CIM_INSTANCE ? t : SP_CIM_STRING);
        if (sp_cim_value_append(arr, sp_cim_value_copy(have)) != SP_OK) {
            sp_cim_value_free(arr);
            sp_cim_value_free(v);
            return bad(c, n, "mixes references, instances and values");
        }
    }
    if (sp_cim_value_append(arr, v) != SP_OK) {
        sp_cim_value_free(arr);
        return bad(c, n, "mixes references, instances and values");
    }
    *merged = arr;
    return SP_OK;
}

static sp_code instance_of(struct spi_wconv *c, const struct spi_wnode *n,
                           const char *cls, sp_cim_instance **out)
{
    *out = NULL;
    if (!cls || !*cls)
        return bad(c, n, "names no class");
    sp_cim_instance *inst = sp_cim_instance_new(cls);
    for (const struct spi_wnode *p = n->first; p; p = p->next) {
        sp_cim_value *v = NULL;
        sp_code rc = add_value(c, p, sp_cim_instance_get(inst, p->name), &v);
        if (rc) {
            sp_cim_instance_free(inst);
            return rc;
        }
        sp_cim_instance_set(inst, p->name, v);
    }
    *out = inst;
    return SP_OK;
}

sp_code spi_wconv_instance(struct spi_wconv *c, const struct spi_wnode *n,
                           sp_cim_instance **out)
{
    return instance_of(c, n, n->name, out);
}

static sp_code selectors(struct spi_wconv *c, const struct spi_wnode *set,
                         sp_cim_path *p)
{
    for (const struct spi_wnode *s = set ? set->first : NULL; s; s = s->next) {
        if (!spi_wnode_is(s, SPI_WS_NS_WSMAN, "Selector"))
            continue;
        if (!s->a_name || !*s->a_name)
            return bad(c, s, "has no Name");
        if (strcmp(s->a_name, "__cimnamespace") == 0) {
            SPI_AUTOFREE char *ns = spi_xstrdup_trim(spi_wnode_text(s));
            sp_cim_path_set_namespace(p, ns);
            continue;
        }
        const struct spi_wnode *epr =
            spi_wnode_child(s, SPI_WS_NS_ADDR, "EndpointReference");
        if (epr) {
            sp_cim_path *ref = NULL;
            sp_code rc = spi_wconv_epr(c, epr, &ref);
            if (rc)
                return rc;
            sp_cim_path_set_key(p, s->a_name, sp_cim_value_take_ref(ref));
        } else {
            sp_cim_path_set_key(p, s->a_name,
                                sp_cim_value_new_untyped(spi_wnode_text(s)));
        }
    }
    return SP_OK;
}

sp_code spi_wconv_epr(struct spi_wconv *c, const struct spi_wnode *n,
                      sp_cim_path **out)
{
    *out = NULL;
    const struct spi_wnode *rp =
        spi_wnode_child(n, SPI_WS_NS_ADDR, "ReferenceParameters");
    const struct spi_wnode *uri =
        spi_wnode_child(rp, SPI_WS_NS_WSMAN, "ResourceURI");
    if (!uri)
        return bad(c, n, "is an endpoint reference without a ResourceURI");
    SPI_AUTOFREE char *text = spi_xstrdup_trim(spi_wnode_text(uri));
    char *ns = NULL, *cls = NULL;
    spi_ws_uri_split(text, &ns, &cls);
    if (!cls) {
        free(ns);
        return bad(c, n, "is an endpoint reference naming no class");
    }
    const char *dns = c->peer ? c->peer->default_ns : NULL;
    sp_cim_path *p = sp_cim_path_new(NULL, ns ? ns : dns, cls);
    free(ns);
    free(cls);
    sp_code rc =
        selectors(c, spi_wnode_child(rp, SPI_WS_NS_WSMAN, "SelectorSet"), p);
    if (rc) {
        sp_cim_path_free(p);
        return rc;
    }
    *out = p;
    return SP_OK;
}

sp_code spi_wconv_item(struct spi_wconv *c, const struct spi_wnode *n,
                       struct spi_ws_item *out)
{
    memset(out, 0, sizeof(*out));
    if (spi_wnode_is(n, SPI_WS_NS_ADDR, "EndpointReference"))
        return spi_wconv_epr(c, n, &out->epr);
    if (!spi_wnode_is(n, SPI_WS_NS_WSMAN, "Item"))
        return spi_wconv_instance(c, n, &out->inst);
    /* EnumerateObjectAndEPR: the object, then its EPR (DSP0226 8.7). */
    const struct spi_wnode *obj = NULL, *epr = NULL;
    for (const struct spi_wnode *k = n->first; k; k = k->next) {
        if (spi_wnode_is(k, SPI_WS_NS_ADDR, "EndpointReference"))
            epr = epr ? epr : k;
        else
            obj = obj ? obj : k;
    }
    if (!obj)
        return bad(c, n, "holds no object");
    sp_code rc = spi_wconv_instance(c, obj, &out->inst);
    if (!rc && epr)
        rc = spi_wconv_epr(c, epr, &out->epr);
    if (!rc && out->epr)
        sp_cim_instance_set_path(out->inst, sp_cim_path_copy(out->epr));
    if (rc) {
        sp_cim_instance_free(out->inst);
        out->inst = NULL;
    }
    return rc;
}

/* ---- faults ------------------------------------------------------------ */

static bool is_error_object(const struct spi_wnode *n)
{
    return strcmp(n->name, "MSFT_WmiError") == 0 ||
           strcmp(n->name, "CIM_Error") == 0 ||
           spi_wnode_child(n, n->ns ? n->ns : "", "CIMStatusCode");
}

static unsigned long number(const char *s)
{
    char *end = NULL;
    while (*s == ' ' || *s == '\n' || *s == '\t' || *s == '\r')
        s++;
    if (*s == '-')
        return 0;
    unsigned long long v = strtoull(s, &end, 0);
    if (end == s || v > 0xffffffffull)
        return 0;
    return (unsigned long)v;
}

static const char *prop_text(const struct spi_wnode *obj, const char *name)
{
    for (const struct spi_wnode *p = obj->first; p; p = p->next)
        if (strcmp(p->name, name) == 0 && !p->nil)
            return spi_wnode_text(p);
    return NULL;
}

/* Search the Detail for what MS-WSMV and DSP0226 put there; the first of
 * each wins.  Depth is bounded by the parser's cap. */
static void detail_walk(const struct spi_wnode *n, struct spi_ws_fault *f)
{
    for (const struct spi_wnode *k = n->first; k; k = k->next) {
        if (spi_wnode_is(k, SPI_WS_NS_WSMAN, "FaultDetail")) {
            if (!f->detail)
                f->detail = spi_xstrdup_trim(spi_wnode_text(k));
            continue;
        }
        if (spi_wnode_is(k, SPI_WS_NS_MSFAULT, "WSManFault") &&
            !f->wsman_message) {
            const struct spi_wnode *m =
                spi_wnode_child(k, SPI_WS_NS_MSFAULT, "Message");
            if (k->a_code)
                f->wsman_code = number(k->a_code);
            char *t = m ? spi_xstrdup_trim(spi_wnode_text(m)) : NULL;
            if (t && *t)
                f->wsman_message = t;
            else
                free(t);
        } else if (is_error_object(k) && !f->wmi_class) {
            const char *msg = prop_text(k, "Message");
            const char *st = prop_text(k, "CIMStatusCode");
            const char *code = prop_text(k, "error_Code");
            f->wmi_class = spi_xstrdup(k->name);
            f->wmi_message = msg ? spi_xstrdup_trim(msg) : NULL;
            f->cim_status = st ? number(st) : 0;
            f->wmi_code = code ? number(code) : 0;
            continue;
        }
        detail_walk(k, f);
    }
}

static sp_code fault_of(struct spi_wconv *c, const struct spi_wnode *n,
                        struct spi_ws_fault *f)
{
    const struct spi_wnode *code = spi_wnode_child(n, SPI_WS_NS_SOAP, "Code");
    const struct spi_wnode *v = spi_wnode_child(code, SPI_WS_NS_SOAP, "Value");
    if (!v)
        return bad(c, n, "has no Code");
    f->code = spi_xstrdup_trim(spi_wnode_text(v));
    const struct spi_wnode *sub =
        spi_wnode_child(code, SPI_WS_NS_SOAP, "Subcode");
    const struct spi_wnode *sv = spi_wnode_child(sub, SPI_WS_NS_SOAP, "Value");
    if (sv)
        f->subcode = spi_xstrdup_trim(spi_wnode_text(sv));
    const struct spi_wnode *reason =
        spi_wnode_child(n, SPI_WS_NS_SOAP, "Reason");
    const struct spi_wnode *text =
        spi_wnode_child(reason, SPI_WS_NS_SOAP, "Text");
    if (text)
        f->reason = spi_xstrdup_trim(spi_wnode_text(text));
    const struct spi_wnode *detail =
        spi_wnode_child(n, SPI_WS_NS_SOAP, "Detail");
    if (detail)
        detail_walk(detail, f);
    return SP_OK;
}

/* ---- bodies ------------------------------------------------------------ */

static sp_code output_of(struct spi_wconv *c, const struct spi_wnode *n,
                         struct spi_ws_response *r)
{
    r->out = sp_cim_args_new();
    for (const struct spi_wnode *p = n->first; p; p = p->next) {
        sp_cim_value *v = NULL;
        bool ret = strcmp(p->name, "ReturnValue") == 0;
        sp_code rc = add_value(
            c, p, ret ? r->retval : sp_cim_args_get(r->out, p->name), &v);
        if (rc)
            return rc;
        if (ret) {
            sp_cim_value_free(r->retval);
            r->retval = v;
        } else {
            sp_cim_args_set(r->out, p->name, v);
        }
    }
    return SP_OK;
}

static sp_code enum_of(struct spi_wconv *c, const struct spi_wnode *n,
                       struct spi_ws_response *r)
{
    (void)c;
    r->body = SPI_WS_BODY_ENUM;
    const struct spi_wnode *ctx =
        spi_wnode_child(n, SPI_WS_NS_ENUM, "EnumerationContext");
    if (ctx && !ctx->nil)
        r->context = spi_xstrdup_trim(spi_wnode_text(ctx));
    if (r->context && !*r->context) {
        free(r->context);
        r->context = NULL;
    }
    r->end = spi_wnode_child(n, SPI_WS_NS_ENUM, "EndOfSequence") ||
             spi_wnode_child(n, SPI_WS_NS_WSMAN, "EndOfSequence");
    return SP_OK;
}

sp_code spi_wconv_body(struct spi_wconv *c, const struct spi_wnode *body,
                       struct spi_ws_response *r)
{
    const struct spi_wnode *n = body->first;
    if (!n) {
        r->body = SPI_WS_BODY_EMPTY;
        return SP_OK;
    }
    if (spi_wnode_is(n, SPI_WS_NS_SOAP, "Fault")) {
        r->body = SPI_WS_BODY_FAULT;
        return fault_of(c, n, &r->fault);
    }
    if (spi_wnode_is(n, SPI_WS_NS_ENUM, "EnumerateResponse") ||
        spi_wnode_is(n, SPI_WS_NS_ENUM, "PullResponse"))
        return enum_of(c, n, r);
    if (spi_wnode_is(n, SPI_WS_NS_ENUM, "ReleaseResponse")) {
        r->body = SPI_WS_BODY_EMPTY;
        return SP_OK;
    }
    if (spi_wnode_is(n, SPI_WS_NS_XFER, "ResourceCreated")) {
        r->body = SPI_WS_BODY_CREATED;
        return spi_wconv_epr(c, n, &r->created);
    }
    size_t len = strlen(n->name);
    if (len > 7 && strcmp(n->name + len - 7, "_OUTPUT") == 0) {
        r->body = SPI_WS_BODY_OUTPUT;
        return output_of(c, n, r);
    }
    r->body = SPI_WS_BODY_INSTANCE;
    return spi_wconv_instance(c, n, &r->instance);
}
