/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/cim/decode.c: the streaming CIM-XML response decoder (libxml2 push
 * parser, bounded memory). */
#include <libxml/SAX2.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <assert.h>
#include <pthread.h>

#include "convert.h"

/*
 * How memory stays bounded: libxml2's push parser calls our SAX2 handlers,
 * which build a light tree (lib/cim/xtree.c); our end-of-element handler
 * converts every finished child of IRETURNVALUE into a model object, hands
 * it to the caller and gives the object's part of the tree back at once.
 * So the tree never holds more than one object (with what it nests) plus
 * the envelope.  Elements, attributes and text are charged as they come:
 * what an object holds is charged to it and uncharged when it is dropped,
 * what stays in the tree (the envelope, METHODRESPONSE parameters, junk
 * between objects) stays charged, so the cap bounds the object and
 * everything kept beside it.  Text between objects that the tree does not
 * keep (whitespace) costs nothing and is not charged.
 *
 * Hostile input: a DOCTYPE is refused outright (CIM-XML never has one), so
 * no entity can be declared and neither "billion laughs" nor external
 * entities can happen; network access is off; nesting depth is capped.
 */

#define MAX_DEPTH              64
#define DEFAULT_MAX_ITEM_BYTES ((size_t)16 << 20)
#define ELEMENT_COST           64 /* bytes charged per element against the cap */

enum decode_mode {
    MODE_RESPONSE, /* a CIM response: check the envelope, stream items */
    MODE_DOM,      /* any small document: keep the whole tree */
};

/* An object being streamed: where its part of the tree starts, and what
 * was charged before it.  Objects can nest (an IMETHODRESPONSE inside an
 * object), at most one per two levels of depth. */
struct open_item {
    struct spi_xmark mark;
    size_t bytes;
};

struct spi_decoder {
    struct spi_decode_opts o;
    enum decode_mode mode;
    xmlParserCtxtPtr ctxt;
    struct spi_xtree *tree;
    sp_code rc; /* first failure raised from a SAX callback */
    sp_error err;
    int depth;
    bool root_seen;
    size_t bytes; /* charged for what the tree holds (see above) */
    size_t max_bytes;
    struct open_item items[MAX_DEPTH / 2 + 1];
    int nopen;
    size_t nitems;
    uint64_t fed;     /* bytes given to the parser */
    const char *what; /* "response", "request": for messages */
};

static pthread_once_t xml_once = PTHREAD_ONCE_INIT;

static void xml_init(void)
{
    xmlInitParser();
}

static void fail(struct spi_decoder *d, sp_code code, const char *fmt, ...)
    SP_PRINTF(3, 4);
static void fail(struct spi_decoder *d, sp_code code, const char *fmt, ...)
{
    if (!d->rc) {
        d->rc = code;
        d->err.code = code;
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(d->err.message, sizeof(d->err.message), fmt, ap);
        va_end(ap);
    }
    xmlStopParser(d->ctxt);
}

static struct spi_decoder *decoder_of(void *ctx)
{
    return ((xmlParserCtxtPtr)ctx)->_private;
}

/* Where objects are: the children of an IRETURNVALUE of an
 * IMETHODRESPONSE. */
static bool holds_items(const struct spi_xnode *n)
{
    return spi_xml_is(n, SPI_X_IRETURNVALUE) &&
           spi_xml_is(n->parent, SPI_X_IMETHODRESPONSE);
}

static void charge(struct spi_decoder *d, size_t n)
{
    d->bytes += n;
    if (d->bytes > d->max_bytes)
        fail(d, SP_ERR_TOO_LARGE, "%s has an object larger than %zu bytes",
             d->what, d->max_bytes);
}

static void on_start(void *ctx, const xmlChar *localname, const xmlChar *prefix,
                     const xmlChar *uri, int nb_ns, const xmlChar **namespaces,
                     int nb_attributes, int nb_defaulted,
                     const xmlChar **attributes)
{
    struct spi_decoder *d = decoder_of(ctx);
    if (d->rc)
        return;
    if (++d->depth > MAX_DEPTH) {
        fail(d, SP_ERR_PROTOCOL, "%s nests elements deeper than %d", d->what,
             MAX_DEPTH);
        return;
    }
    if (!d->root_seen) {
        d->root_seen = true;
        if (d->mode == MODE_RESPONSE &&
            strcmp((const char *)localname, "CIM") != 0) {
            fail(d, SP_ERR_PROTOCOL,
                 "%s is not CIM-XML: root element is <%.32s>", d->what,
                 localname);
            return;
        }
    }
    size_t n = ELEMENT_COST;
    for (int i = 0; i < nb_attributes; i++)
        n += (size_t)(attributes[i * 5 + 4] - attributes[i * 5 + 3]);
    charge(d, n);
    if (d->rc)
        return;
    if (d->mode == MODE_RESPONSE && holds_items(spi_xtree_current(d->tree))) {
        assert(d->nopen < (int)SPI_ARRAY_SIZE(d->items));
        d->items[d->nopen++] = (struct open_item){
            .mark = spi_xtree_mark(d->tree),
            .bytes = d->bytes - n,
        };
    }
    spi_xtree_open(d->tree, localname, prefix, uri, nb_attributes, attributes);
}

static void stream_item(struct spi_decoder *d, const struct spi_xnode *node)
{
    sp_error e;
    struct spi_conv cv = {
        .err = &e,
        .default_ns = d->o.default_ns,
        .max_bytes = d->max_bytes,
    };
    struct spi_item it;
    sp_code rc = spi_conv_item(&cv, node, &it);
    if (rc) {
        fail(d, rc, "malformed response: %s", e.message);
        return;
    }
    d->nitems++;
    int stop = d->o.fn ? d->o.fn(&it, d->o.ctx) : 0;
    sp_cim_instance_free(it.inst);
    sp_cim_path_free(it.path);
    sp_cim_class_free(it.cls);
    sp_cim_value_free(it.value);
    if (stop)
        fail(d, SP_ERR_CANCELLED, "stopped by the caller");
}

static void on_end(void *ctx, const xmlChar *localname, const xmlChar *prefix,
                   const xmlChar *uri)
{
    (void)localname, (void)prefix, (void)uri;
    struct spi_decoder *d = decoder_of(ctx);
    if (d->rc)
        return;
    d->depth--;
    struct spi_xnode *cur = spi_xtree_close(d->tree);
    if (d->mode != MODE_RESPONSE || !cur || !holds_items(cur->parent))
        return;
    stream_item(d, cur);
    /* Give back the item's part of the tree: IRETURNVALUE holds nothing
     * else (the text between items is not kept). */
    struct open_item it = d->items[--d->nopen];
    spi_xtree_drop(d->tree, cur->parent, it.mark);
    d->bytes = it.bytes;
}

static void on_characters(void *ctx, const xmlChar *ch, int len)
{
    struct spi_decoder *d = decoder_of(ctx);
    if (d->rc)
        return;
    /* Text the tree does not keep costs nothing, but inside an item it
     * still counts to the item's size, as a server would see it. */
    struct spi_xnode *cur = spi_xtree_current(d->tree);
    if (d->mode == MODE_RESPONSE && !d->nopen && !spi_xtree_keeps_text(cur))
        return;
    charge(d, (size_t)len);
    if (d->rc)
        return;
    spi_xtree_text(d->tree, (const char *)ch, (size_t)len);
}

static void on_dtd(void *ctx, const xmlChar *name, const xmlChar *external_id,
                   const xmlChar *system_id)
{
    (void)name, (void)external_id, (void)system_id;
    struct spi_decoder *d = decoder_of(ctx);
    fail(d, SP_ERR_PROTOCOL,
         "%s contains a document type declaration, which CIM-XML never "
         "has; refused",
         d->what);
}

static void on_entity_decl(void *ctx, const xmlChar *name, int type,
                           const xmlChar *public_id, const xmlChar *system_id,
                           xmlChar *content)
{
    (void)name, (void)type, (void)public_id, (void)system_id, (void)content;
    struct spi_decoder *d = decoder_of(ctx);
    fail(d, SP_ERR_PROTOCOL, "%s declares an entity; refused", d->what);
}

static xmlParserInputPtr on_resolve(void *ctx, const xmlChar *public_id,
                                    const xmlChar *system_id)
{
    (void)public_id, (void)system_id;
    struct spi_decoder *d = decoder_of(ctx);
    fail(d, SP_ERR_PROTOCOL, "%s refers to an external resource; refused",
         d->what);
    return NULL;
}

static void on_xml_error(void *user, xmlErrorPtr e)
{
    /* Errors are read back from the context; this only keeps libxml2 from
     * printing them on stderr. */
    (void)user, (void)e;
}

static struct spi_decoder *decoder_new(const struct spi_decode_opts *opts,
                                       enum decode_mode mode)
{
    pthread_once(&xml_once, xml_init);
    struct spi_decoder *d = spi_xcalloc(1, sizeof(*d));
    if (opts)
        d->o = *opts;
    d->mode = mode;
    d->what = "response";
    d->max_bytes =
        d->o.max_item_bytes ? d->o.max_item_bytes : DEFAULT_MAX_ITEM_BYTES;

    xmlSAXHandler sax;
    memset(&sax, 0, sizeof(sax));
    xmlSAXVersion(&sax, 2);
    sax.startElementNs = on_start;
    sax.endElementNs = on_end;
    sax.characters = on_characters;
    sax.cdataBlock = on_characters; /* CDATA is text to us */
    sax.ignorableWhitespace = on_characters;
    sax.internalSubset = on_dtd;
    sax.externalSubset = NULL;
    sax.entityDecl = on_entity_decl;
    sax.resolveEntity = on_resolve;
    sax.comment = NULL;
    sax.processingInstruction = NULL;
    sax.serror = on_xml_error;
    sax.warning = NULL;
    sax.error = NULL;
    sax.fatalError = NULL;

    d->ctxt = xmlCreatePushParserCtxt(&sax, NULL, NULL, 0, "cim-xml");
    if (!d->ctxt) {
        fprintf(stderr, "sanprov: cannot create an XML parser\n");
        abort();
    }
    /* Not XML_PARSE_NOBLANKS: its blank-text heuristic looks ahead, and in
     * push mode the answer depends on where a chunk ends, so "<VALUE>\n
     * </VALUE>" would decode differently by packet boundaries.  Whitespace
     * between elements is not kept in the tree instead.
     * XML_PARSE_IGNORE_ENC: CIM-XML is UTF-8, and an embedded instance is
     * already UTF-8 text.  Honouring encoding="..." would run whatever
     * iconv converter a peer names on its bytes, and a stateful one (UTF-7)
     * decodes differently by chunk boundaries (fuzz_cimxml_decode). */
    xmlCtxtUseOptions(d->ctxt, XML_PARSE_NONET | XML_PARSE_NOERROR |
                                   XML_PARSE_NOWARNING | XML_PARSE_IGNORE_ENC);
    /* UseOptions may reset handlers; make sure ours stay in place. */
    d->ctxt->sax->cdataBlock = on_characters;
    d->ctxt->sax->serror = on_xml_error;
    d->ctxt->sax->ignorableWhitespace = on_characters;
    d->ctxt->_private = d;
    d->tree = spi_xtree_new(d->ctxt->dict);
    return d;
}

static void quiet(void *ctx, const char *msg, ...)
{
    (void)ctx, (void)msg;
}

/*
 * Parse a chunk.  Some libxml2 complaints (bad encodings) bypass the
 * context's error handler and go to the thread's generic error function,
 * which prints on stderr; the failure is reported through our error, so
 * mute that channel for the call only and give it back as it was.
 */
static int parse_chunk(struct spi_decoder *d, const char *data, int len,
                       int terminate)
{
    xmlGenericErrorFunc saved = xmlGenericError;
    void *saved_ctx = xmlGenericErrorContext;
    xmlSetGenericErrorFunc(NULL, quiet);
    int r = xmlParseChunk(d->ctxt, data, len, terminate);
    xmlSetGenericErrorFunc(saved_ctx, saved);
    return r;
}

struct spi_decoder *spi_decoder_new(const struct spi_decode_opts *opts)
{
    return decoder_new(opts, MODE_RESPONSE);
}

void spi_decoder_free(struct spi_decoder *d)
{
    if (!d)
        return;
    spi_xtree_free(d->tree);
    if (d->ctxt) {
        /* The empty document xmlSAX2StartDocument() makes. */
        if (d->ctxt->myDoc)
            xmlFreeDoc(d->ctxt->myDoc);
        xmlFreeParserCtxt(d->ctxt);
    }
    free(d);
}

/* After a parse call: our own failure, or libxml2's. */
static sp_code parse_status(struct spi_decoder *d, int r, sp_error *err)
{
    if (d->rc) {
        sp_error_copy(err ? err : &d->err, &d->err);
        return d->rc;
    }
    if (r == 0 && d->ctxt->wellFormed)
        return SP_OK;
    xmlErrorPtr e = xmlCtxtGetLastError(d->ctxt);
    char msg[256] = "unknown error";
    int line = 0;
    if (e && e->message) {
        snprintf(msg, sizeof(msg), "%s", e->message);
        size_t n = strlen(msg);
        while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
            msg[--n] = '\0';
        line = e->line;
    }
    if (e && e->code == XML_ERR_DOCUMENT_EMPTY)
        d->rc = sp_error_set(&d->err, SP_ERR_PROTOCOL, "empty %s", d->what);
    else
        d->rc = sp_error_set(&d->err, SP_ERR_PROTOCOL,
                             "%s is not well-formed XML: %s (line %d)", d->what,
                             msg, line);
    if (err)
        sp_error_copy(err, &d->err);
    return d->rc;
}

sp_code spi_decoder_feed(struct spi_decoder *d, const char *data, size_t len,
                         sp_error *err)
{
    if (d->rc)
        return parse_status(d, 0, err);
    d->fed += len;
    while (len) {
        /* xmlParseChunk takes an int size. */
        int n = len > (1u << 30) ? 1 << 30 : (int)len;
        int r = parse_chunk(d, data, n, 0);
        sp_code rc = parse_status(d, r, err);
        if (rc)
            return rc;
        data += n;
        len -= (size_t)n;
    }
    return SP_OK;
}

static sp_code env_error(sp_error *err, const char *what)
{
    return sp_error_set(err, SP_ERR_PROTOCOL, "malformed response: %s", what);
}

/* Walk the envelope left after streaming: CIM/MESSAGE/SIMPLERSP/... */
static sp_code envelope(struct spi_decoder *d, struct spi_cim_response *r,
                        sp_error *err)
{
    struct spi_conv cv = {
        .err = err, .default_ns = d->o.default_ns, .max_bytes = d->max_bytes};
    sp_code rc = SP_OK;
    const struct spi_xnode *root = spi_xtree_root(d->tree);
    const struct spi_xnode *msg = root ? spi_xml_first(root) : NULL;
    if (!spi_xml_is(msg, SPI_X_MESSAGE))
        return env_error(err, "no MESSAGE element");
    const char *id = spi_xml_attr(msg, SPI_A_ID);
    r->msgid = spi_xstrdup(id);
    if (d->o.expect_msgid && (!id || strcmp(id, d->o.expect_msgid) != 0))
        return sp_error_set(err, SP_ERR_PROTOCOL,
                            "response answers message '%.32s', not '%s'",
                            id ? id : "", d->o.expect_msgid);
    const struct spi_xnode *rsp = spi_xml_first(msg);
    if (!spi_xml_is(rsp, SPI_X_SIMPLERSP))
        return env_error(err, "no SIMPLERSP element");
    const struct spi_xnode *m = spi_xml_first(rsp);
    r->intrinsic = spi_xml_is(m, SPI_X_IMETHODRESPONSE);
    if (!r->intrinsic && !spi_xml_is(m, SPI_X_METHODRESPONSE))
        return env_error(err, "no IMETHODRESPONSE or METHODRESPONSE");
    const char *name = spi_xml_attr(m, SPI_A_NAME);
    r->name = spi_xstrdup(name ? name : "");
    if ((d->o.expect_intrinsic == 1 && !r->intrinsic) ||
        (d->o.expect_intrinsic == 0 && r->intrinsic) ||
        (d->o.expect_name && !spi_name_eq(name, d->o.expect_name)))
        return sp_error_set(err, SP_ERR_PROTOCOL,
                            "response is for '%.64s', not for '%s'", r->name,
                            d->o.expect_name ? d->o.expect_name : "?");
    r->params = sp_cim_args_new();
    for (const struct spi_xnode *c = spi_xml_first(m); c && !rc;
         c = spi_xml_next(c)) {
        if (spi_xml_is(c, SPI_X_ERROR)) {
            const char *code = spi_xml_attr(c, SPI_A_CODE);
            char *end = NULL;
            long v = code ? strtol(code, &end, 10) : 0;
            if (!code || end == code || *end || v <= 0 || v > 1000000) {
                rc = env_error(err, "ERROR without a valid CODE");
                break;
            }
            r->error_code = (int)v;
            r->error_description =
                spi_xstrdup(spi_xml_attr(c, SPI_A_DESCRIPTION));
            const struct spi_xnode *inst = spi_xml_first(c);
            if (spi_xml_is(inst, SPI_X_INSTANCE))
                rc = spi_conv_instance(&cv, inst, &r->error_instance);
        } else if (spi_xml_is(c, SPI_X_RETURNVALUE)) {
            const char *unused;
            sp_cim_value_free(r->retval);
            r->retval = NULL;
            rc = spi_conv_paramvalue(&cv, c, &unused, &r->retval);
        } else if (spi_xml_is(c, SPI_X_PARAMVALUE)) {
            const char *pn;
            sp_cim_value *v = NULL;
            rc = spi_conv_paramvalue(&cv, c, &pn, &v);
            if (!rc)
                sp_cim_args_set(r->params, pn, v);
        }
    }
    if (rc && !strstr(err->message, "malformed response")) {
        char inner[SP_ERROR_MSG_MAX];
        memcpy(inner, err->message, sizeof(inner));
        sp_error_set(err, rc, "malformed response: %s", inner);
    }
    return rc;
}

void spi_cim_response_free(struct spi_cim_response *r)
{
    if (!r)
        return;
    free(r->name);
    free(r->msgid);
    free(r->error_description);
    sp_cim_instance_free(r->error_instance);
    sp_cim_value_free(r->retval);
    sp_cim_args_free(r->params);
    free(r);
}

sp_code spi_decoder_finish(struct spi_decoder *d, struct spi_cim_response **out,
                           sp_error *err)
{
    *out = NULL;
    if (d->rc)
        return parse_status(d, 0, err);
    if (!d->fed)
        return sp_error_set(err, SP_ERR_PROTOCOL, "empty %s", d->what);
    int r = parse_chunk(d, NULL, 0, 1);
    sp_code rc = parse_status(d, r, err);
    if (rc)
        return rc;
    if (!d->root_seen || !spi_xtree_root(d->tree))
        return sp_error_set(err, SP_ERR_PROTOCOL, "empty response");
    struct spi_cim_response *rsp = spi_xcalloc(1, sizeof(*rsp));
    rc = envelope(d, rsp, err);
    if (rc) {
        spi_cim_response_free(rsp);
        return rc;
    }
    rsp->nitems = d->nitems;
    *out = rsp;
    return SP_OK;
}

sp_code spi_cimxml_decode(const char *data, size_t len,
                          const struct spi_decode_opts *opts,
                          struct spi_cim_response **out, sp_error *err)
{
    struct spi_decoder *d = spi_decoder_new(opts);
    sp_code rc = spi_decoder_feed(d, data, len, err);
    if (!rc)
        rc = spi_decoder_finish(d, out, err);
    spi_decoder_free(d);
    return rc;
}

sp_code spi_xml_parse_dom(const char *data, size_t len, size_t max_bytes,
                          struct spi_xtree **out, sp_error *err)
{
    return spi_xml_parse_named(data, len, max_bytes, "document", out, err);
}

sp_code spi_xml_parse_named(const char *data, size_t len, size_t max_bytes,
                            const char *what, struct spi_xtree **out,
                            sp_error *err)
{
    *out = NULL;
    struct spi_decode_opts o = {.max_item_bytes = max_bytes};
    struct spi_decoder *d = decoder_new(&o, MODE_DOM);
    d->what = what;
    sp_code rc = len ? spi_decoder_feed(d, data, len, err)
                     : sp_error_set(err, SP_ERR_PROTOCOL, "empty %s", what);
    if (!rc)
        rc = parse_status(d, parse_chunk(d, NULL, 0, 1), err);
    if (!rc && !spi_xtree_root(d->tree))
        rc = sp_error_set(err, SP_ERR_PROTOCOL, "empty %s", what);
    if (!rc) {
        *out = d->tree;
        d->tree = NULL;
    }
    spi_decoder_free(d);
    return rc;
}
