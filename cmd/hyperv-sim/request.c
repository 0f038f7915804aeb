/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd/hyperv-sim/request.c: decode one WS-Management request envelope. */
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "request.h"

/*
 * Hostile input: the envelope is at most HV_MAX_ENVELOPE bytes (checked
 * before parsing, so the tree libxml2 builds is bounded by a small
 * multiple of that); a DOCTYPE is refused (SOAP forbids one) before
 * libxml2 sees the text, so no entity is ever declared, expanded or
 * fetched; network access is off;
 * libxml2's own depth limit holds (no XML_PARSE_HUGE) and this walker
 * descends at most a few fixed levels.  Only the elements DSP0226 defines
 * are read, by namespace and local name; the rest is ignored, as
 * WinRM ignores headers it is not required to understand.
 */

#define NS_SOAP    "http://www.w3.org/2003/05/soap-envelope"
#define NS_WSA     "http://schemas.xmlsoap.org/ws/2004/08/addressing"
#define NS_WSMAN   "http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd"
#define NS_WSEN    "http://schemas.xmlsoap.org/ws/2004/09/enumeration"
#define NS_WSMB    "http://schemas.dmtf.org/wbem/wsman/1/cimbinding.xsd"
#define NS_MSWSMAN "http://schemas.microsoft.com/wbem/wsman/1/wsman.xsd"
#define NS_XSI     "http://www.w3.org/2001/XMLSchema-instance"

#define ACT_TRANSFER "http://schemas.xmlsoap.org/ws/2004/09/transfer/"
#define ACT_ENUM     "http://schemas.xmlsoap.org/ws/2004/09/enumeration/"

#define DIALECT_WQL "http://schemas.microsoft.com/wbem/wsman/1/WQL"
#define DIALECT_CQL "http://schemas.dmtf.org/wbem/cql/1/dsp0202.pdf"
#define DIALECT_SELECTOR                                                       \
    "http://schemas.dmtf.org/wbem/wsman/1/wsman/SelectorFilter"
#define DIALECT_ASSOC                                                          \
    "http://schemas.dmtf.org/wbem/wsman/1/cimbinding/associationFilter"

struct ctx {
    const char *subcode;
    char *why;
    size_t whysize;
};

static bool fail(struct ctx *c, const char *subcode, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static bool fail(struct ctx *c, const char *subcode, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    c->subcode = subcode;
    vsnprintf(c->why, c->whysize, fmt, ap);
    va_end(ap);
    return false;
}

static char *xstrdup(const char *s)
{
    char *d = strdup(s ? s : "");
    if (!d)
        abort();
    return d;
}

static void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n, size);
    if (!p)
        abort();
    return p;
}

static bool is(const xmlNode *n, const char *ns, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE && n->ns && n->ns->href &&
           strcmp((const char *)n->ns->href, ns) == 0 &&
           strcmp((const char *)n->name, name) == 0;
}

static xmlNode *child(const xmlNode *n, const char *ns, const char *name)
{
    for (xmlNode *c = n ? n->children : NULL; c; c = c->next)
        if (is(c, ns, name))
            return c;
    return NULL;
}

static xmlNode *first_element(const xmlNode *n)
{
    for (xmlNode *c = n ? n->children : NULL; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE)
            return c;
    return NULL;
}

/* The text of @n, trimmed (owned by the caller), or NULL for no @n. */
static char *text(const xmlNode *n)
{
    if (!n)
        return NULL;
    xmlChar *t = xmlNodeGetContent(n);
    const char *s = t ? (const char *)t : "";
    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
        s++;
    size_t len = strlen(s);
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\t' ||
                   s[len - 1] == '\n' || s[len - 1] == '\r'))
        len--;
    char *out = xcalloc(1, len + 1);
    memcpy(out, s, len);
    xmlFree(t);
    return out;
}

static char *attr(const xmlNode *n, const char *name)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
    if (!v)
        return NULL;
    char *out = xstrdup((const char *)v);
    xmlFree(v);
    return out;
}

static bool nil(const xmlNode *n)
{
    xmlChar *v =
        xmlGetNsProp(n, (const xmlChar *)"nil", (const xmlChar *)NS_XSI);
    bool yes = v && (strcmp((const char *)v, "true") == 0 ||
                     strcmp((const char *)v, "1") == 0);
    xmlFree(v);
    return yes;
}

static void epr_release(struct hv_epr *e)
{
    free(e->uri);
    for (size_t i = 0; i < e->nsel; i++) {
        free(e->sel_name[i]);
        free(e->sel_value[i]);
    }
    memset(e, 0, sizeof(*e));
}

/* A wsman:SelectorSet into @e. */
static bool selectors(struct ctx *c, const xmlNode *set, struct hv_epr *e)
{
    for (xmlNode *s = set ? set->children : NULL; s; s = s->next) {
        if (s->type != XML_ELEMENT_NODE)
            continue;
        if (!is(s, NS_WSMAN, "Selector"))
            return fail(c, "wsman:InvalidSelectors", "unexpected element '%s'",
                        (const char *)s->name);
        if (e->nsel == HV_MAX_SELECTORS)
            return fail(c, "wsman:InvalidSelectors", "too many selectors%s",
                        "");
        char *name = attr(s, "Name");
        if (!name || !*name) {
            free(name);
            return fail(c, "wsman:InvalidSelectors",
                        "a selector without a name%s", "");
        }
        for (size_t i = 0; i < e->nsel; i++)
            if (strcasecmp(e->sel_name[i], name) == 0) {
                fail(c, "wsman:InvalidSelectors", "selector '%s' given twice",
                     name);
                free(name);
                return false;
            }
        e->sel_name[e->nsel] = name;
        e->sel_value[e->nsel++] = text(s);
    }
    return true;
}

/* An endpoint reference: @n holds wsa:Address and wsa:ReferenceParameters,
 * or a wsa:EndpointReference that does. */
static bool epr(struct ctx *c, const xmlNode *n, struct hv_epr *e)
{
    const xmlNode *wrapped = child(n, NS_WSA, "EndpointReference");
    if (wrapped)
        n = wrapped;
    const xmlNode *rp = child(n, NS_WSA, "ReferenceParameters");
    if (!rp)
        return fail(c, "wsman:InvalidParameter",
                    "an endpoint reference without ReferenceParameters%s", "");
    const xmlNode *uri = child(rp, NS_WSMAN, "ResourceURI");
    if (!uri)
        return fail(c, "wsman:InvalidParameter",
                    "an endpoint reference without a ResourceURI%s", "");
    e->uri = text(uri);
    return selectors(c, child(rp, NS_WSMAN, "SelectorSet"), e);
}

static bool looks_like_epr(const xmlNode *n)
{
    return child(n, NS_WSA, "ReferenceParameters") ||
           child(n, NS_WSA, "EndpointReference");
}

static void embedded_add(struct hv_embedded *em, const char *name, char *value)
{
    char **nn = realloc(em->name, (em->nprops + 1) * sizeof(*nn));
    if (!nn)
        abort();
    em->name = nn;
    char **vv = realloc(em->value, (em->nprops + 1) * sizeof(*vv));
    if (!vv)
        abort();
    em->value = vv;
    em->name[em->nprops] = xstrdup(name);
    em->value[em->nprops++] = value;
}

static void embedded_free(struct hv_embedded *em)
{
    if (!em)
        return;
    free(em->classname);
    for (size_t i = 0; i < em->nprops; i++) {
        free(em->name[i]);
        free(em->value[i]);
    }
    free(em->name);
    free(em->value);
    free(em);
}

static xmlDoc *read_doc(const char *data, size_t len)
{
    /* SOAP has no DTD: refused before libxml2 would read one. */
    if (memmem(data, len, "<!DOCTYPE", 9))
        return NULL;
    xmlDoc *doc = xmlReadMemory(data, (int)len, NULL, "UTF-8",
                                XML_PARSE_NONET | XML_PARSE_NOERROR |
                                    XML_PARSE_NOWARNING);
    if (doc && (doc->intSubset || doc->extSubset)) {
        xmlFreeDoc(doc);
        return NULL;
    }
    return doc;
}

/* An embedded instance as DSP0201 INSTANCE text. */
static struct hv_embedded *embedded_cimxml(struct ctx *c, const char *s)
{
    xmlDoc *doc = read_doc(s, strlen(s));
    xmlNode *root = doc ? xmlDocGetRootElement(doc) : NULL;
    if (!root || strcmp((const char *)root->name, "INSTANCE") != 0) {
        xmlFreeDoc(doc);
        fail(c, "wsman:InvalidParameter",
             "an embedded instance is not an "
             "INSTANCE%s",
             "");
        return NULL;
    }
    struct hv_embedded *em = xcalloc(1, sizeof(*em));
    em->classname = attr(root, "CLASSNAME");
    for (xmlNode *p = root->children; p; p = p->next) {
        if (p->type != XML_ELEMENT_NODE)
            continue;
        char *name = attr(p, "NAME");
        if (!name)
            continue;
        if (strcmp((const char *)p->name, "PROPERTY.ARRAY") == 0) {
            xmlNode *va = first_element(p);
            for (xmlNode *v = va ? va->children : NULL; v; v = v->next)
                if (v->type == XML_ELEMENT_NODE &&
                    strcmp((const char *)v->name, "VALUE") == 0)
                    embedded_add(em, name, text(v));
        } else {
            xmlNode *v = first_element(p);
            embedded_add(em, name,
                         v && strcmp((const char *)v->name, "VALUE") == 0
                             ? text(v)
                             : NULL);
        }
        free(name);
    }
    xmlFreeDoc(doc);
    if (!em->classname) {
        embedded_free(em);
        fail(c, "wsman:InvalidParameter", "an INSTANCE without a CLASSNAME%s",
             "");
        return NULL;
    }
    return em;
}

/* An embedded instance written inline: <p:CLASS><p:PROP>v</p:PROP>... */
static struct hv_embedded *embedded_inline(const xmlNode *n)
{
    struct hv_embedded *em = xcalloc(1, sizeof(*em));
    em->classname = xstrdup((const char *)n->name);
    for (xmlNode *p = n->children; p; p = p->next)
        if (p->type == XML_ELEMENT_NODE)
            embedded_add(em, (const char *)p->name, nil(p) ? NULL : text(p));
    return em;
}

static bool param(struct ctx *c, const xmlNode *n, struct hv_param *p)
{
    p->name = xstrdup((const char *)n->name);
    if (nil(n)) {
        p->nil = true;
        return true;
    }
    if (looks_like_epr(n)) {
        p->epr = xcalloc(1, sizeof(*p->epr));
        return epr(c, n, p->epr);
    }
    const xmlNode *inner = first_element(n);
    if (inner) {
        p->em = embedded_inline(inner);
        return true;
    }
    p->text = text(n);
    const char *t = p->text;
    if (strncmp(t, "<INSTANCE", 9) == 0) {
        p->em = embedded_cimxml(c, t);
        free(p->text);
        p->text = NULL;
        return p->em != NULL;
    }
    return true;
}

static bool number(struct ctx *c, const xmlNode *n, unsigned long *out)
{
    char *t = text(n);
    char *end = NULL;
    unsigned long v = strtoul(t, &end, 10);
    bool ok = *t && *end == '\0' && t[0] != '-';
    free(t);
    if (!ok)
        return fail(c, "wsman:InvalidParameter", "'%s' is not a number",
                    (const char *)n->name);
    *out = v;
    return true;
}

static bool header(struct ctx *c, const xmlNode *h, struct hv_request *rq)
{
    const xmlNode *n = child(h, NS_WSA, "Action");
    if (!n)
        return fail(c, "a:MessageInformationHeaderRequired",
                    "the request has no Action%s", "");
    rq->action = text(n);
    rq->message_id = text(child(h, NS_WSA, "MessageID"));
    n = child(h, NS_WSMAN, "ResourceURI");
    if (n)
        rq->target.uri = text(n);
    if (!selectors(c, child(h, NS_WSMAN, "SelectorSet"), &rq->target))
        return false;
    n = child(h, NS_WSMAN, "MaxEnvelopeSize");
    if (n && !number(c, n, &rq->max_envelope))
        return false;
    n = child(h, NS_WSMAN, "Locale");
    if (n) {
        xmlChar *lang =
            xmlGetNsProp(n, (const xmlChar *)"lang", XML_XML_NAMESPACE);
        rq->locale = lang ? xstrdup((const char *)lang) : NULL;
        xmlFree(lang);
    }
    return true;
}

static bool assoc_filter(struct ctx *c, const xmlNode *f, struct hv_request *rq)
{
    const xmlNode *a = child(f, NS_WSMB, "AssociatedInstances");
    rq->filter = HV_FILTER_ASSOC;
    if (!a) {
        a = child(f, NS_WSMB, "AssociationInstances");
        rq->filter = HV_FILTER_REFERENCE;
    }
    if (!a)
        return fail(c, "wsman:CannotProcessFilter",
                    "an association filter names no instances%s", "");
    const xmlNode *obj = child(a, NS_WSMB, "Object");
    if (!obj)
        return fail(c, "wsman:CannotProcessFilter",
                    "an association filter without an Object%s", "");
    if (!epr(c, obj, &rq->assoc_obj))
        return false;
    rq->assoc_class = text(child(a, NS_WSMB, "AssociationClassName"));
    rq->result_class = text(child(a, NS_WSMB, "ResultClassName"));
    rq->role = text(child(a, NS_WSMB, "Role"));
    rq->result_role = text(child(a, NS_WSMB, "ResultRole"));
    return true;
}

static bool enumerate(struct ctx *c, const xmlNode *e, struct hv_request *rq)
{
    rq->optimize = child(e, NS_WSMAN, "OptimizeEnumeration") != NULL;
    const xmlNode *n = child(e, NS_WSMAN, "MaxElements");
    if (n && !number(c, n, &rq->max_elements))
        return false;
    n = child(e, NS_WSMAN, "EnumerationMode");
    if (n) {
        char *m = text(n);
        bool ok = true;
        if (strcmp(m, "EnumerateEPR") == 0)
            rq->mode = HV_MODE_EPR;
        else if (strcmp(m, "EnumerateObjectAndEPR") == 0)
            rq->mode = HV_MODE_OBJECT_EPR;
        else
            ok = fail(c, "wsman:UnsupportedFeature",
                      "enumeration mode '%s' is not supported", m);
        free(m);
        if (!ok)
            return false;
    }
    const xmlNode *f = child(e, NS_WSMAN, "Filter");
    if (!f)
        f = child(e, NS_WSEN, "Filter");
    if (!f)
        return true;
    char *dialect = attr(f, "Dialect");
    bool ok = true;
    if (!dialect || strcmp(dialect, DIALECT_WQL) == 0 ||
        strcmp(dialect, DIALECT_CQL) == 0) {
        rq->filter = HV_FILTER_WQL;
        rq->filter_text = text(f);
    } else if (strcmp(dialect, DIALECT_SELECTOR) == 0) {
        rq->filter = HV_FILTER_SELECTOR;
        ok = selectors(c, child(f, NS_WSMAN, "SelectorSet"), &rq->filter_sel);
    } else if (strcmp(dialect, DIALECT_ASSOC) == 0) {
        ok = assoc_filter(c, f, rq);
    } else {
        ok = fail(c, "n:FilterDialectRequestedUnavailable",
                  "the filter dialect '%s' is not supported", dialect);
    }
    free(dialect);
    return ok;
}

static bool invoke(struct ctx *c, const xmlNode *body, struct hv_request *rq)
{
    const char *slash = strrchr(rq->action, '/');
    if (!rq->target.uri || !slash ||
        (size_t)(slash - rq->action) != strlen(rq->target.uri) ||
        strncmp(rq->action, rq->target.uri, (size_t)(slash - rq->action)) !=
            0 ||
        !slash[1])
        return fail(c, "a:ActionNotSupported",
                    "the action '%s' is not supported", rq->action);
    rq->op = HV_OP_INVOKE;
    rq->method = xstrdup(slash + 1);
    const xmlNode *in = first_element(body);
    if (!in)
        return true; /* no parameters */
    size_t ml = strlen(rq->method);
    const char *name = (const char *)in->name;
    if (strncmp(name, rq->method, ml) != 0 || strcmp(name + ml, "_INPUT") != 0)
        return fail(c, "wsman:SchemaValidationError",
                    "the body is not %s_INPUT", rq->method);
    for (xmlNode *p = in->children; p; p = p->next) {
        if (p->type != XML_ELEMENT_NODE)
            continue;
        if (rq->nparams == HV_MAX_PARAMS)
            return fail(c, "wsman:EncodingLimit", "too many parameters%s", "");
        if (!param(c, p, &rq->params[rq->nparams++]))
            return false;
    }
    return true;
}

static bool body(struct ctx *c, const xmlNode *b, struct hv_request *rq)
{
    const char *a = rq->action;
    if (strncmp(a, ACT_TRANSFER, strlen(ACT_TRANSFER)) == 0) {
        const char *op = a + strlen(ACT_TRANSFER);
        if (strcmp(op, "Get") == 0)
            rq->op = HV_OP_GET;
        else if (strcmp(op, "Put") == 0)
            rq->op = HV_OP_PUT;
        else if (strcmp(op, "Create") == 0)
            rq->op = HV_OP_CREATE;
        else if (strcmp(op, "Delete") == 0)
            rq->op = HV_OP_DELETE;
        else
            return fail(c, "a:ActionNotSupported",
                        "the action '%s' is not supported", a);
    } else if (strncmp(a, ACT_ENUM, strlen(ACT_ENUM)) == 0) {
        const char *op = a + strlen(ACT_ENUM);
        const xmlNode *e;
        if (strcmp(op, "Enumerate") == 0) {
            rq->op = HV_OP_ENUMERATE;
            e = child(b, NS_WSEN, "Enumerate");
            if (!e)
                return fail(c, "wsman:SchemaValidationError",
                            "an Enumerate without its body%s", "");
            return enumerate(c, e, rq);
        }
        rq->op = strcmp(op, "Pull") == 0      ? HV_OP_PULL
                 : strcmp(op, "Release") == 0 ? HV_OP_RELEASE
                                              : HV_OP_INVOKE;
        if (rq->op == HV_OP_INVOKE)
            return fail(c, "a:ActionNotSupported",
                        "the action '%s' is not supported", a);
        e = child(b, NS_WSEN, op);
        const xmlNode *ctxn = child(e, NS_WSEN, "EnumerationContext");
        if (!ctxn)
            return fail(c, "wsman:SchemaValidationError",
                        "a %s without an EnumerationContext", op);
        rq->context = text(ctxn);
        const xmlNode *n = child(e, NS_WSEN, "MaxElements");
        return !n || number(c, n, &rq->max_elements);
    } else {
        return invoke(c, b, rq);
    }
    return true;
}

bool hv_request_parse(const char *data, size_t len, struct hv_request *rq,
                      const char **subcode, char *why, size_t whysize)
{
    struct ctx c = {.subcode = "wsman:SchemaValidationError",
                    .why = why,
                    .whysize = whysize};
    memset(rq, 0, sizeof(*rq));
    bool ok;
    xmlDoc *doc = NULL;
    if (len > HV_MAX_ENVELOPE) {
        ok = fail(&c, "wsman:EncodingLimit",
                  "the envelope is larger than %s bytes", "512000");
        goto out;
    }
    doc = read_doc(data, len);
    const xmlNode *env = doc ? xmlDocGetRootElement(doc) : NULL;
    if (!env) {
        ok = fail(&c, "wsman:SchemaValidationError",
                  "the request is not well-formed XML%s", "");
        goto out;
    }
    if (!is(env, NS_SOAP, "Envelope")) {
        ok = fail(&c, "s:VersionMismatch",
                  "the request is not a SOAP 1.2 envelope%s", "");
        goto out;
    }
    const xmlNode *h = child(env, NS_SOAP, "Header");
    const xmlNode *b = child(env, NS_SOAP, "Body");
    if (!h || !b) {
        ok = fail(&c, "wsman:SchemaValidationError",
                  "the envelope lacks a Header or a Body%s", "");
        goto out;
    }
    ok = header(&c, h, rq) && body(&c, b, rq);
out:
    xmlFreeDoc(doc);
    if (!ok)
        *subcode = c.subcode;
    return ok;
}

void hv_request_release(struct hv_request *rq)
{
    free(rq->action);
    free(rq->message_id);
    free(rq->locale);
    epr_release(&rq->target);
    free(rq->filter_text);
    epr_release(&rq->filter_sel);
    epr_release(&rq->assoc_obj);
    free(rq->assoc_class);
    free(rq->result_class);
    free(rq->role);
    free(rq->result_role);
    free(rq->context);
    free(rq->method);
    for (size_t i = 0; i < rq->nparams; i++) {
        struct hv_param *p = &rq->params[i];
        free(p->name);
        free(p->text);
        if (p->epr) {
            epr_release(p->epr);
            free(p->epr);
        }
        embedded_free(p->em);
    }
    memset(rq, 0, sizeof(*rq));
}

const char *hv_epr_selector(const struct hv_epr *e, const char *name)
{
    for (size_t i = 0; i < e->nsel; i++)
        if (strcasecmp(e->sel_name[i], name) == 0)
            return e->sel_value[i];
    return NULL;
}

const struct hv_param *hv_param_find(const struct hv_request *rq,
                                     const char *name)
{
    for (size_t i = 0; i < rq->nparams; i++)
        if (strcasecmp(rq->params[i].name, name) == 0)
            return &rq->params[i];
    return NULL;
}

const char *hv_embedded_get(const struct hv_embedded *em, const char *name,
                            bool *found)
{
    for (size_t i = 0; i < em->nprops; i++)
        if (strcasecmp(em->name[i], name) == 0) {
            if (found)
                *found = true;
            return em->value[i];
        }
    if (found)
        *found = false;
    return NULL;
}
