/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/wsman/decode.c: the streaming WS-Management response decoder (libxml2
 * push parser, bounded memory). */
#include <libxml/SAX2.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <pthread.h>

#include "wtree.h"

/*
 * How memory stays bounded (as lib/cim/decode.c): libxml2's push parser
 * calls our SAX2 handlers, which build a small tree (lib/wsman/wtree.h).
 * An object inside the Items of an EnumerateResponse or PullResponse is
 * converted to a CIM instance when its element ends, handed to the caller
 * and its subtree freed at once, so an enumeration of any length holds one
 * object at a time.  Elements (a fixed cost each), the attributes kept and
 * the text kept are charged as they come against one cap; what a streamed
 * object was charged is given back when it is freed.  The text between
 * objects is not kept, and costs nothing.
 *
 * Hostile input (the peer is outside): a DOCTYPE is refused (SOAP 1.2
 * forbids one), so no entity is ever declared or expanded; no external
 * resource is loaded; network access is off; nesting is capped; the bytes
 * are UTF-8 whatever the XML declaration says (SOAP over HTTP is UTF-8 or
 * UTF-16 by the Content-Type; WinRM sends UTF-8 unless asked otherwise).
 */

#define MAX_DEPTH              64
#define DEFAULT_MAX_ITEM_BYTES ((size_t)16 << 20)
#define ELEMENT_COST           96

struct spi_ws_decoder {
    struct spi_ws_decode_opts o;
    xmlParserCtxtPtr ctxt;
    struct spi_wnode *root, *cur;
    sp_code rc;
    sp_error err;
    int depth;
    size_t bytes, max_bytes;
    struct spi_wnode *item; /* the object being streamed */
    size_t item_bytes;      /* what was charged before it began */
    size_t nitems;
    uint64_t fed;
    const struct spi_wnode *context; /* a complete EnumerationContext */
};

static pthread_once_t xml_once = PTHREAD_ONCE_INIT;

static void xml_init(void)
{
    xmlInitParser();
}

static void fail(struct spi_ws_decoder *d, sp_code code, const char *fmt, ...)
    SP_PRINTF(3, 4);
static void fail(struct spi_ws_decoder *d, sp_code code, const char *fmt, ...)
{
    if (!d->rc) {
        d->rc = code;
        va_list ap;
        va_start(ap, fmt);
        d->err.code = code;
        d->err.http_status = 0;
        d->err.cim_status = 0;
        vsnprintf(d->err.message, sizeof(d->err.message), fmt, ap);
        va_end(ap);
    }
    xmlStopParser(d->ctxt);
}

static struct spi_ws_decoder *decoder_of(void *ctx)
{
    return ((xmlParserCtxtPtr)ctx)->_private;
}

const struct spi_wnode *spi_wnode_child(const struct spi_wnode *n,
                                        const char *ns, const char *name)
{
    for (const struct spi_wnode *c = n ? n->first : NULL; c; c = c->next)
        if (spi_wnode_is(c, ns, name))
            return c;
    return NULL;
}

static void free_one(struct spi_wnode *n);

/* Free a list of siblings and what they hold: recursion goes only as deep
 * as the nesting, which the parser caps. */
static void free_list(struct spi_wnode *n)
{
    while (n) {
        struct spi_wnode *next = n->next;
        free_one(n);
        n = next;
    }
}

static void free_one(struct spi_wnode *n)
{
    free_list(n->first);
    free(n->text);
    free(n->a_name);
    free(n->a_type);
    free(n->a_code);
    free(n);
}

void spi_wnode_free(struct spi_wnode *n)
{
    if (n)
        free_one(n);
}

static void charge(struct spi_ws_decoder *d, size_t n)
{
    d->bytes += n;
    if (d->bytes > d->max_bytes)
        fail(d, SP_ERR_TOO_LARGE,
             "response has an object larger than %zu bytes", d->max_bytes);
}

/* Whether @r is the EnumerateResponse or PullResponse of the Body. */
static bool is_items_parent(const struct spi_wnode *r)
{
    return (spi_wnode_is(r, SPI_WS_NS_ENUM, "EnumerateResponse") ||
            spi_wnode_is(r, SPI_WS_NS_ENUM, "PullResponse")) &&
           spi_wnode_is(r->parent, SPI_WS_NS_SOAP, "Body") &&
           !r->parent->parent->parent;
}

/* Whether @n is an Items element whose children are streamed. */
static bool is_items(const struct spi_wnode *n)
{
    if (!n || !n->parent || strcmp(n->name, "Items") != 0 || !n->ns ||
        (strcmp(n->ns, SPI_WS_NS_ENUM) != 0 &&
         strcmp(n->ns, SPI_WS_NS_WSMAN) != 0))
        return false;
    return is_items_parent(n->parent);
}

static char *attr_dup(const xmlChar **a)
{
    return spi_xstrndup((const char *)a[3], (size_t)(a[4] - a[3]));
}

/* Keep the attributes a converter reads; returns the bytes kept. */
static size_t keep_attrs(struct spi_wnode *n, int nb, const xmlChar **attrs)
{
    size_t kept = 0;
    for (int i = 0; i < nb; i++) {
        const xmlChar **a = attrs + i * 5;
        const char *name = (const char *)a[0];
        const char *uri = (const char *)a[2];
        char **slot = NULL;
        if (!uri && strcmp(name, "Name") == 0)
            slot = &n->a_name;
        else if (!uri && strcmp(name, "Code") == 0)
            slot = &n->a_code;
        else if (uri && strcmp(uri, SPI_WS_NS_XSI) == 0 &&
                 strcmp(name, "type") == 0)
            slot = &n->a_type;
        else if (uri && strcmp(uri, SPI_WS_NS_XSI) == 0 &&
                 strcmp(name, "nil") == 0) {
            size_t len = (size_t)(a[4] - a[3]);
            n->nil = (len == 4 && memcmp(a[3], "true", 4) == 0) ||
                     (len == 1 && a[3][0] == '1');
            continue;
        }
        if (!slot || *slot)
            continue;
        *slot = attr_dup(a);
        kept += (size_t)(a[4] - a[3]);
    }
    return kept;
}

static void on_start(void *ctx, const xmlChar *localname, const xmlChar *prefix,
                     const xmlChar *uri, int nb_ns, const xmlChar **namespaces,
                     int nb_attributes, int nb_defaulted,
                     const xmlChar **attributes)
{
    (void)prefix, (void)nb_ns, (void)namespaces, (void)nb_defaulted;
    struct spi_ws_decoder *d = decoder_of(ctx);
    if (d->rc)
        return;
    if (++d->depth > MAX_DEPTH) {
        fail(d, SP_ERR_PROTOCOL, "response nests elements deeper than %d",
             MAX_DEPTH);
        return;
    }
    if (!d->root && (!uri || strcmp((const char *)uri, SPI_WS_NS_SOAP) != 0 ||
                     strcmp((const char *)localname, "Envelope") != 0)) {
        fail(d, SP_ERR_PROTOCOL,
             "response is not a SOAP 1.2 envelope: root element is <%.32s>",
             localname);
        return;
    }
    if (is_items(d->cur) && !d->item)
        d->item_bytes = d->bytes;
    struct spi_wnode *n = spi_xcalloc(1, sizeof(*n));
    n->ns = (const char *)uri;
    n->name = (const char *)localname;
    n->parent = d->cur;
    if (d->cur) {
        if (d->cur->last)
            d->cur->last->next = n;
        else
            d->cur->first = n;
        d->cur->last = n;
    } else {
        d->root = n;
    }
    if (is_items(d->cur) && !d->item)
        d->item = n;
    d->cur = n;
    charge(d, ELEMENT_COST + keep_attrs(n, nb_attributes, attributes));
}

static void stream_item(struct spi_ws_decoder *d, struct spi_wnode *n)
{
    sp_error e;
    struct spi_wconv cv = {.peer = d->o.peer, .err = &e};
    struct spi_ws_item it = {0};
    sp_code rc = spi_wconv_item(&cv, n, &it);
    if (rc) {
        fail(d, rc, "malformed response: %s", e.message);
        return;
    }
    d->nitems++;
    int stop = d->o.fn ? d->o.fn(&it, d->o.ctx) : 0;
    sp_cim_instance_free(it.inst);
    sp_cim_path_free(it.epr);
    if (stop)
        fail(d, SP_ERR_CANCELLED, "stopped by the caller");
}

static void on_end(void *ctx, const xmlChar *localname, const xmlChar *prefix,
                   const xmlChar *uri)
{
    (void)localname, (void)prefix, (void)uri;
    struct spi_ws_decoder *d = decoder_of(ctx);
    if (d->rc)
        return;
    d->depth--;
    struct spi_wnode *n = d->cur;
    d->cur = n->parent;
    if (spi_wnode_is(n, SPI_WS_NS_ENUM, "EnumerationContext") && n->parent &&
        is_items_parent(n->parent))
        d->context = n;
    if (n != d->item)
        return;
    stream_item(d, n);
    /* Detach and free the object: it is its parent's last child. */
    struct spi_wnode *p = n->parent, **pp = &p->first, *prev = NULL;
    while (*pp != n) {
        prev = *pp;
        pp = &(*pp)->next;
    }
    *pp = NULL;
    p->last = prev;
    n->parent = NULL;
    spi_wnode_free(n);
    d->item = NULL;
    d->bytes = d->item_bytes;
}

static void on_characters(void *ctx, const xmlChar *ch, int len)
{
    struct spi_ws_decoder *d = decoder_of(ctx);
    if (d->rc || !d->cur || is_items(d->cur))
        return;
    /* Whitespace between elements of the envelope is not kept either. */
    if (!d->item && !d->cur->text) {
        int i = 0;
        while (i < len && (ch[i] == ' ' || ch[i] == '\t' || ch[i] == '\n' ||
                           ch[i] == '\r'))
            i++;
        if (i == len && d->cur->first)
            return;
    }
    charge(d, (size_t)len);
    if (d->rc)
        return;
    struct spi_wnode *n = d->cur;
    spi_xgrow((void **)&n->text, &n->textcap, n->textlen + (size_t)len + 1, 1);
    memcpy(n->text + n->textlen, ch, (size_t)len);
    n->textlen += (size_t)len;
    n->text[n->textlen] = '\0';
}

static void on_dtd(void *ctx, const xmlChar *name, const xmlChar *external_id,
                   const xmlChar *system_id)
{
    (void)name, (void)external_id, (void)system_id;
    fail(decoder_of(ctx), SP_ERR_PROTOCOL,
         "response contains a document type declaration, which SOAP "
         "forbids; refused");
}

static void on_entity_decl(void *ctx, const xmlChar *name, int type,
                           const xmlChar *public_id, const xmlChar *system_id,
                           xmlChar *content)
{
    (void)name, (void)type, (void)public_id, (void)system_id, (void)content;
    fail(decoder_of(ctx), SP_ERR_PROTOCOL,
         "response declares an entity; refused");
}

static xmlParserInputPtr on_resolve(void *ctx, const xmlChar *public_id,
                                    const xmlChar *system_id)
{
    (void)public_id, (void)system_id;
    fail(decoder_of(ctx), SP_ERR_PROTOCOL,
         "response refers to an external resource; refused");
    return NULL;
}

static void on_pi(void *ctx, const xmlChar *target, const xmlChar *data)
{
    (void)target, (void)data;
    /* SOAP 1.2 part 1, 5: "A SOAP message MUST NOT contain processing
     * instructions." */
    fail(decoder_of(ctx), SP_ERR_PROTOCOL,
         "response contains a processing instruction, which SOAP forbids");
}

static void on_xml_error(void *user, xmlErrorPtr e)
{
    (void)user, (void)e; /* read back from the context */
}

static void quiet(void *ctx, const char *msg, ...)
{
    (void)ctx, (void)msg;
}

struct spi_ws_decoder *spi_ws_decoder_new(const struct spi_ws_decode_opts *o)
{
    pthread_once(&xml_once, xml_init);
    struct spi_ws_decoder *d = spi_xcalloc(1, sizeof(*d));
    if (o)
        d->o = *o;
    d->max_bytes =
        d->o.max_item_bytes ? d->o.max_item_bytes : DEFAULT_MAX_ITEM_BYTES;
    xmlSAXHandler sax;
    memset(&sax, 0, sizeof(sax));
    xmlSAXVersion(&sax, 2);
    sax.startElementNs = on_start;
    sax.endElementNs = on_end;
    sax.characters = on_characters;
    sax.cdataBlock = on_characters;
    sax.ignorableWhitespace = on_characters;
    sax.internalSubset = on_dtd;
    sax.externalSubset = NULL;
    sax.entityDecl = on_entity_decl;
    sax.resolveEntity = on_resolve;
    sax.processingInstruction = on_pi;
    sax.comment = NULL;
    sax.serror = on_xml_error;
    sax.warning = NULL;
    sax.error = NULL;
    sax.fatalError = NULL;
    d->ctxt = xmlCreatePushParserCtxt(&sax, NULL, NULL, 0, "ws-management");
    if (!d->ctxt) {
        fprintf(stderr, "sanprov: cannot create an XML parser\n");
        abort();
    }
    /* The options lib/cim/decode.c gives, for the same reasons. */
    xmlCtxtUseOptions(d->ctxt, XML_PARSE_NONET | XML_PARSE_NOERROR |
                                   XML_PARSE_NOWARNING | XML_PARSE_IGNORE_ENC);
    d->ctxt->sax->cdataBlock = on_characters;
    d->ctxt->sax->serror = on_xml_error;
    d->ctxt->sax->ignorableWhitespace = on_characters;
    d->ctxt->_private = d;
    return d;
}

void spi_ws_decoder_free(struct spi_ws_decoder *d)
{
    if (!d)
        return;
    spi_wnode_free(d->root);
    if (d->ctxt) {
        if (d->ctxt->myDoc)
            xmlFreeDoc(d->ctxt->myDoc);
        xmlFreeParserCtxt(d->ctxt);
    }
    free(d);
}

static int parse_chunk(struct spi_ws_decoder *d, const char *data, int len,
                       int terminate)
{
    xmlGenericErrorFunc saved = xmlGenericError;
    void *saved_ctx = xmlGenericErrorContext;
    xmlSetGenericErrorFunc(NULL, quiet);
    int r = xmlParseChunk(d->ctxt, data, len, terminate);
    xmlSetGenericErrorFunc(saved_ctx, saved);
    return r;
}

static sp_code parse_status(struct spi_ws_decoder *d, int r, sp_error *err)
{
    if (!d->rc && !(r == 0 && d->ctxt->wellFormed)) {
        xmlErrorPtr e = xmlCtxtGetLastError(d->ctxt);
        char msg[256] = "unknown error";
        if (e && e->message) {
            snprintf(msg, sizeof(msg), "%s", e->message);
            size_t n = strlen(msg);
            while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
                msg[--n] = '\0';
        }
        if (e && e->code == XML_ERR_DOCUMENT_EMPTY)
            d->rc = sp_error_set(&d->err, SP_ERR_PROTOCOL, "empty response");
        else
            d->rc = sp_error_set(&d->err, SP_ERR_PROTOCOL,
                                 "response is not well-formed XML: %s "
                                 "(line %d)",
                                 msg, e ? e->line : 0);
    }
    if (d->rc && err)
        sp_error_copy(err, &d->err);
    return d->rc;
}

sp_code spi_ws_decoder_feed(struct spi_ws_decoder *d, const char *data,
                            size_t len, sp_error *err)
{
    if (d->rc)
        return parse_status(d, 0, err);
    d->fed += len;
    while (len) {
        int n = len > (1u << 30) ? 1 << 30 : (int)len;
        sp_code rc = parse_status(d, parse_chunk(d, data, n, 0), err);
        if (rc)
            return rc;
        data += n;
        len -= (size_t)n;
    }
    return SP_OK;
}

char *spi_ws_decoder_context(const struct spi_ws_decoder *d)
{
    if (!d->context)
        return NULL;
    char *t = spi_xstrdup_trim(spi_wnode_text(d->context));
    if (!*t) {
        free(t);
        return NULL;
    }
    return t;
}

void spi_ws_response_free(struct spi_ws_response *r)
{
    if (!r)
        return;
    free(r->action);
    free(r->relates_to);
    free(r->fault.code);
    free(r->fault.subcode);
    free(r->fault.reason);
    free(r->fault.detail);
    free(r->fault.wsman_message);
    free(r->fault.wmi_class);
    free(r->fault.wmi_message);
    sp_cim_instance_free(r->instance);
    sp_cim_path_free(r->created);
    free(r->context);
    sp_cim_value_free(r->retval);
    sp_cim_args_free(r->out);
    free(r);
}

static sp_code envelope(struct spi_ws_decoder *d, struct spi_ws_response *r,
                        sp_error *err)
{
    const struct spi_wnode *hdr =
        spi_wnode_child(d->root, SPI_WS_NS_SOAP, "Header");
    const struct spi_wnode *body =
        spi_wnode_child(d->root, SPI_WS_NS_SOAP, "Body");
    if (!body)
        return sp_error_set(err, SP_ERR_PROTOCOL,
                            "malformed response: no SOAP Body");
    const struct spi_wnode *a = spi_wnode_child(hdr, SPI_WS_NS_ADDR, "Action");
    const struct spi_wnode *rel =
        spi_wnode_child(hdr, SPI_WS_NS_ADDR, "RelatesTo");
    r->action = a ? spi_xstrdup_trim(spi_wnode_text(a)) : NULL;
    r->relates_to = rel ? spi_xstrdup_trim(spi_wnode_text(rel)) : NULL;
    struct spi_wconv cv = {.peer = d->o.peer, .err = err};
    sp_code rc = spi_wconv_body(&cv, body, r);
    if (rc) {
        char inner[SP_ERROR_MSG_MAX];
        memcpy(inner, err->message, sizeof(inner));
        return sp_error_set(err, rc, "malformed response: %.900s", inner);
    }
    /* A fault may come before the service read the MessageID; an answer
     * never may answer another request. */
    if (d->o.expect_relates_to && r->relates_to &&
        strcmp(r->relates_to, d->o.expect_relates_to) != 0)
        return sp_error_set(err, SP_ERR_PROTOCOL,
                            "response relates to message '%.64s', not '%s'",
                            r->relates_to, d->o.expect_relates_to);
    if (d->o.expect_relates_to && !r->relates_to &&
        r->body != SPI_WS_BODY_FAULT)
        return sp_error_set(err, SP_ERR_PROTOCOL,
                            "malformed response: no wsa:RelatesTo");
    r->nitems = d->nitems;
    return SP_OK;
}

sp_code spi_ws_decoder_finish(struct spi_ws_decoder *d,
                              struct spi_ws_response **out, sp_error *err)
{
    *out = NULL;
    if (d->rc)
        return parse_status(d, 0, err);
    if (!d->fed)
        return sp_error_set(err, SP_ERR_PROTOCOL, "empty response");
    sp_code rc = parse_status(d, parse_chunk(d, NULL, 0, 1), err);
    if (rc)
        return rc;
    if (!d->root)
        return sp_error_set(err, SP_ERR_PROTOCOL, "empty response");
    struct spi_ws_response *r = spi_xcalloc(1, sizeof(*r));
    sp_error e;
    rc = envelope(d, r, &e);
    if (rc && err)
        sp_error_copy(err, &e);
    if (rc) {
        spi_ws_response_free(r);
        return rc;
    }
    *out = r;
    return SP_OK;
}

sp_code spi_ws_decode(const char *data, size_t len,
                      const struct spi_ws_decode_opts *o,
                      struct spi_ws_response **out, sp_error *err)
{
    struct spi_ws_decoder *d = spi_ws_decoder_new(o);
    sp_code rc = spi_ws_decoder_feed(d, data, len, err);
    if (!rc)
        rc = spi_ws_decoder_finish(d, out, err);
    else
        *out = NULL;
    spi_ws_decoder_free(d);
    return rc;
}
