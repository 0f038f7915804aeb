/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/wsman/client.c: WS-Management operations over a transport: one
 * request, its answer streamed into the decoder, faults as errors. */
#include "client.h"

#define DEFAULT_TIMEOUT_MS   60000u
#define DEFAULT_MAX_ENVELOPE 512000ul
#define DEFAULT_MAX_ELEMENTS 100u
#define MAX_REQUEST          ((size_t)64 << 20)

struct spi_ws_client {
    struct spi_ws_peer peer;
    char *to, *default_ns, *locale;
    struct spi_ws_client_opts o;
    struct spi_ws_transport tr;
    sp_error err;
    uint64_t requests;
    char *(*msgid_fn)(void *);
    void *msgid_ctx;
};

struct spi_ws_client *spi_ws_client_new(const struct spi_ws_client_opts *o,
                                        const struct spi_ws_transport *t)
{
    struct spi_ws_client *c = spi_xcalloc(1, sizeof(*c));
    c->o = *o;
    c->to = spi_xstrdup(o->to);
    c->default_ns = spi_xstrdup(o->default_ns);
    c->locale = spi_xstrdup(o->locale ? o->locale : "en-US");
    c->peer = (struct spi_ws_peer){
        .to = c->to, .style = o->style, .default_ns = c->default_ns};
    if (!c->o.timeout_ms)
        c->o.timeout_ms = DEFAULT_TIMEOUT_MS;
    if (!c->o.max_envelope)
        c->o.max_envelope = DEFAULT_MAX_ENVELOPE;
    if (!c->o.max_elements)
        c->o.max_elements = DEFAULT_MAX_ELEMENTS;
    c->tr = *t;
    return c;
}

void spi_ws_client_free(struct spi_ws_client *c)
{
    if (!c)
        return;
    free(c->to);
    free(c->default_ns);
    free(c->locale);
    free(c);
}

const sp_error *spi_ws_client_error(const struct spi_ws_client *c)
{
    return &c->err;
}

sp_code spi_ws_client_fail(struct spi_ws_client *c, sp_code code,
                           const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    c->err.code = code;
    c->err.http_status = 0;
    c->err.cim_status = 0;
    vsnprintf(c->err.message, sizeof(c->err.message), fmt, ap);
    va_end(ap);
    return code;
}

unsigned int spi_ws_client_job_timeout(const struct spi_ws_client *c)
{
    return c->o.job_timeout_s;
}

void spi_ws_client_progress(const struct spi_ws_client *c, const char *what,
                            int percent)
{
    if (c->o.progress)
        c->o.progress(what, percent, c->o.progress_ctx);
}

uint64_t spi_ws_client_requests(const struct spi_ws_client *c)
{
    return c->requests;
}

void spi_ws_client_set_msgid_fn(struct spi_ws_client *c, char *(*fn)(void *),
                                void *ctx)
{
    c->msgid_fn = fn;
    c->msgid_ctx = ctx;
}

/* A CIM identifier, as element names need: [A-Za-z_][A-Za-z0-9_]*. */
static bool cim_name(const char *s)
{
    if (!s || !*s || (*s >= '0' && *s <= '9'))
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
              (*s >= '0' && *s <= '9') || *s == '_'))
            return false;
    return true;
}

static sp_code bad_name(struct spi_ws_client *c, const char *what,
                        const char *name)
{
    SPI_AUTOFREE char *e = name ? sp_text_escape(name, strlen(name), 0) : NULL;
    return sp_error_set(&c->err, SP_ERR_INVALID, "%s '%s' is not a CIM name",
                        what, e ? e : "");
}

static sp_code check_instance(struct spi_ws_client *c, const sp_cim_instance *i)
{
    if (!cim_name(sp_cim_instance_class(i)))
        return bad_name(c, "class", sp_cim_instance_class(i));
    for (size_t k = 0; k < sp_cim_instance_prop_count(i); k++)
        if (!cim_name(sp_cim_instance_prop_name(i, k)))
            return bad_name(c, "property", sp_cim_instance_prop_name(i, k));
    return SP_OK;
}

/* The class of a target: a name, or "*" (WMI's any class). */
static sp_code check_target(struct spi_ws_client *c, const sp_cim_path *p)
{
    const char *cls = sp_cim_path_class(p);
    if (strcmp(cls, "*") != 0 && !cim_name(cls))
        return bad_name(c, "class", cls);
    return SP_OK;
}

struct exchange {
    struct spi_ws_decoder *dec;
    sp_error *err;
};

static sp_code sink(const char *data, size_t len, void *ctx)
{
    struct exchange *x = ctx;
    return spi_ws_decoder_feed(x->dec, data, len, x->err);
}

static bool read_only(enum spi_ws_op op)
{
    return op == SPI_WS_GET || op == SPI_WS_ENUMERATE || op == SPI_WS_PULL ||
           op == SPI_WS_RELEASE;
}

static const char *op_name(enum spi_ws_op op)
{
    switch (op) {
    case SPI_WS_GET:
        return "Get";
    case SPI_WS_PUT:
        return "Put";
    case SPI_WS_CREATE:
        return "Create";
    case SPI_WS_DELETE:
        return "Delete";
    case SPI_WS_ENUMERATE:
        return "Enumerate";
    case SPI_WS_PULL:
        return "Pull";
    case SPI_WS_RELEASE:
        return "Release";
    case SPI_WS_INVOKE:
        break;
    }
    return "Invoke";
}

/* What a message names: "Get 'Msvm_ComputerSystem'". */
static void subject(char *out, size_t n, const struct spi_ws_request *rq)
{
    const char *cls = rq->target ? sp_cim_path_class(rq->target) : "?";
    if (rq->op == SPI_WS_INVOKE)
        snprintf(out, n, "cannot invoke '%s.%s'", cls, rq->method);
    else
        snprintf(out, n, "cannot %s '%s'", op_name(rq->op), cls);
}

/*
 * One exchange: encode @rq, post it, decode the answer into *@out.  A
 * fault becomes the client's error; *@ctx_left (may be NULL) gets the
 * enumeration context of an answer cut short (to Release it).
 */
static sp_code exchange(struct spi_ws_client *c, struct spi_ws_request *rq,
                        spi_ws_item_fn fn, void *ctx,
                        struct spi_ws_response **out, char **ctx_left)
{
    *out = NULL;
    char *msgid = c->msgid_fn ? c->msgid_fn(c->msgid_ctx) : spi_ws_new_msgid();
    rq->msgid = msgid;
    rq->timeout_ms = c->o.timeout_ms;
    rq->max_envelope = c->o.max_envelope;
    rq->locale = c->locale;
    char what[160];
    subject(what, sizeof(what), rq);
    sp_buf b = SP_BUF_INIT(MAX_REQUEST);
    spi_ws_encode(&b, &c->peer, rq);
    sp_code rc = SP_OK;
    if (sp_buf_overflowed(&b)) {
        rc = sp_error_set(&c->err, SP_ERR_TOO_LARGE,
                          "%s: the request is larger than %zu bytes", what,
                          MAX_REQUEST);
        goto out;
    }
    struct spi_ws_decode_opts o = {.peer = &c->peer,
                                   .expect_relates_to = msgid,
                                   .max_item_bytes = c->o.max_item_bytes,
                                   .fn = fn,
                                   .ctx = ctx};
    struct spi_ws_decoder *dec = spi_ws_decoder_new(&o);
    struct exchange x = {.dec = dec, .err = &c->err};
    sp_error_clear(&c->err);
    c->requests++;
    long status = 0;
    rc = c->tr.post(c->tr.ctx, what, b.data, b.len, read_only(rq->op), sink, &x,
                    &status, &c->err);
    if (!rc)
        rc = spi_ws_decoder_finish(dec, out, &c->err);
    if (rc && ctx_left)
        *ctx_left = spi_ws_decoder_context(dec);
    spi_ws_decoder_free(dec);
    /* The decoder's errors say what is wrong, not with which request. */
    if (rc && rc != SP_ERR_CANCELLED &&
        strncmp(c->err.message, "cannot ", 7) != 0) {
        char inner[SP_ERROR_MSG_MAX];
        memcpy(inner, c->err.message, sizeof(inner));
        int http = c->err.http_status;
        sp_error_set(&c->err, rc, "%s: %.900s", what, inner);
        c->err.http_status = http;
    }
    if (!rc && status != 200 && (*out)->body != SPI_WS_BODY_FAULT) {
        spi_ws_response_free(*out);
        *out = NULL;
        rc = sp_error_set(&c->err, SP_ERR_HTTP,
                          "%s: HTTP %ld from the service without a SOAP "
                          "fault",
                          what, status);
        c->err.http_status = (int)status;
    } else if (!rc && (*out)->body == SPI_WS_BODY_FAULT) {
        rc = spi_ws_fault_error(&(*out)->fault, what, &c->err);
        c->err.http_status = (int)status;
        spi_ws_response_free(*out);
        *out = NULL;
    }
out:
    sp_buf_release(&b);
    free(msgid);
    return rc;
}

/* The answer is of the kind the operation expects. */
static sp_code expect(struct spi_ws_client *c, struct spi_ws_response **r,
                      enum spi_ws_body kind, bool or_empty, const char *what)
{
    enum spi_ws_body got = (*r)->body;
    if (got == kind || (or_empty && got == SPI_WS_BODY_EMPTY))
        return SP_OK;
    spi_ws_response_free(*r);
    *r = NULL;
    return sp_error_set(&c->err, SP_ERR_PROTOCOL,
                        "cannot %s: the service answered with something "
                        "else than %s",
                        what,
                        kind == SPI_WS_BODY_INSTANCE  ? "an instance"
                        : kind == SPI_WS_BODY_CREATED ? "a created resource"
                        : kind == SPI_WS_BODY_ENUM    ? "an enumeration"
                        : kind == SPI_WS_BODY_OUTPUT  ? "method output"
                                                      : "nothing");
}

sp_code spi_ws_get(struct spi_ws_client *c, const sp_cim_path *p,
                   sp_cim_instance **out)
{
    *out = NULL;
    if (check_target(c, p))
        return c->err.code;
    struct spi_ws_request rq = {.op = SPI_WS_GET, .target = p};
    struct spi_ws_response *r = NULL;
    sp_code rc = exchange(c, &rq, NULL, NULL, &r, NULL);
    if (!rc)
        rc = expect(c, &r, SPI_WS_BODY_INSTANCE, false, "get an instance");
    if (rc)
        return rc;
    *out = r->instance;
    r->instance = NULL;
    sp_cim_path *path = sp_cim_path_copy(p);
    if (!sp_cim_path_namespace(path))
        sp_cim_path_set_namespace(path, c->default_ns);
    sp_cim_instance_set_path(*out, path);
    spi_ws_response_free(r);
    return SP_OK;
}

sp_code spi_ws_put(struct spi_ws_client *c, const sp_cim_path *p,
                   const sp_cim_instance *inst, sp_cim_instance **out)
{
    if (out)
        *out = NULL;
    if (check_target(c, p) || check_instance(c, inst))
        return c->err.code;
    struct spi_ws_request rq = {
        .op = SPI_WS_PUT, .target = p, .instance = inst};
    struct spi_ws_response *r = NULL;
    sp_code rc = exchange(c, &rq, NULL, NULL, &r, NULL);
    if (!rc)
        rc = expect(c, &r, SPI_WS_BODY_INSTANCE, true, "put an instance");
    if (rc)
        return rc;
    if (out) {
        *out = r->instance;
        r->instance = NULL;
    }
    spi_ws_response_free(r);
    return SP_OK;
}

sp_code spi_ws_create(struct spi_ws_client *c, const char *ns,
                      const sp_cim_instance *inst, sp_cim_path **out)
{
    if (out)
        *out = NULL;
    if (check_instance(c, inst))
        return c->err.code;
    sp_cim_path *t = sp_cim_path_new(NULL, ns, sp_cim_instance_class(inst));
    struct spi_ws_request rq = {
        .op = SPI_WS_CREATE, .target = t, .instance = inst};
    struct spi_ws_response *r = NULL;
    sp_code rc = exchange(c, &rq, NULL, NULL, &r, NULL);
    sp_cim_path_free(t);
    if (!rc)
        rc = expect(c, &r, SPI_WS_BODY_CREATED, false, "create an instance");
    if (rc)
        return rc;
    if (out) {
        *out = r->created;
        r->created = NULL;
    }
    spi_ws_response_free(r);
    return SP_OK;
}

sp_code spi_ws_delete(struct spi_ws_client *c, const sp_cim_path *p)
{
    if (check_target(c, p))
        return c->err.code;
    struct spi_ws_request rq = {.op = SPI_WS_DELETE, .target = p};
    struct spi_ws_response *r = NULL;
    sp_code rc = exchange(c, &rq, NULL, NULL, &r, NULL);
    if (!rc)
        rc = expect(c, &r, SPI_WS_BODY_EMPTY, true, "delete an instance");
    spi_ws_response_free(r);
    return rc;
}

struct counting {
    spi_ws_item_fn fn;
    void *ctx;
    size_t n;
};

static int count_item(struct spi_ws_item *it, void *ctx)
{
    struct counting *k = ctx;
    k->n++;
    return k->fn ? k->fn(it, k->ctx) : 0;
}

/* Give back an enumeration left before its end; its own failure is only
 * logged, the caller's error stays. */
static void release(struct spi_ws_client *c, const sp_cim_path *t,
                    const char *context)
{
    sp_error saved = c->err;
    struct spi_ws_request rq = {
        .op = SPI_WS_RELEASE, .target = t, .context = context};
    struct spi_ws_response *r = NULL;
    if (exchange(c, &rq, NULL, NULL, &r, NULL))
        sp_log(SP_LOG_DEBUG, "%s", c->err.message);
    spi_ws_response_free(r);
    c->err = saved;
}

sp_code spi_ws_enumerate(struct spi_ws_client *c, const struct spi_ws_query *q,
                         spi_ws_item_fn fn, void *ctx, size_t *count)
{
    bool filtered = q->wql || q->assoc_object;
    const char *cls = q->cls ? q->cls : filtered ? "*" : NULL;
    struct counting k = {.fn = fn, .ctx = ctx};
    if (count)
        *count = 0;
    if (!cls)
        return sp_error_set(&c->err, SP_ERR_INVALID,
                            "an enumeration needs a class or a filter");
    sp_cim_path *t = sp_cim_path_new(NULL, q->ns, cls);
    sp_code rc = check_target(c, t);
    struct spi_ws_request rq = {
        .op = SPI_WS_ENUMERATE,
        .target = t,
        .filter = q->wql             ? SPI_WS_FILTER_WQL
                  : !q->assoc_object ? SPI_WS_FILTER_NONE
                  : q->references    ? SPI_WS_FILTER_REFERENCES
                                     : SPI_WS_FILTER_ASSOCIATORS,
        .wql = q->wql,
        .assoc_object = q->assoc_object,
        .assoc_class = q->assoc_class,
        .result_class = q->result_class,
        .role = q->role,
        .result_role = q->result_role,
        .max_elements = c->o.max_elements,
        .with_epr = q->with_epr,
        .epr_only = q->epr_only,
    };
    char *context = NULL;
    bool end = false;
    while (!rc && !end) {
        struct spi_ws_response *r = NULL;
        char *left = NULL;
        rc = exchange(c, &rq, count_item, &k, &r, &left);
        if (!rc)
            rc = expect(c, &r, SPI_WS_BODY_ENUM, false, "enumerate");
        if (rc) {
            /* Cut short: the context this answer gave, else the last. */
            if (left) {
                free(context);
                context = left;
            }
            break;
        }
        free(context);
        context = r->context;
        r->context = NULL;
        end = r->end || !context;
        spi_ws_response_free(r);
        rq = (struct spi_ws_request){.op = SPI_WS_PULL,
                                     .target = t,
                                     .context = context,
                                     .max_elements = c->o.max_elements};
    }
    /* A service ends the context with EndOfSequence; only one left
     * before that is given back. */
    if (rc && context &&
        (rc == SP_ERR_CANCELLED || rc == SP_ERR_TOO_LARGE ||
         rc == SP_ERR_PROTOCOL))
        release(c, t, context);
    free(context);
    sp_cim_path_free(t);
    if (count)
        *count = k.n;
    return rc;
}

sp_code spi_ws_invoke(struct spi_ws_client *c, const sp_cim_path *p,
                      const char *method, const sp_cim_args *in,
                      sp_cim_value **ret, sp_cim_args **out)
{
    *ret = NULL;
    *out = NULL;
    if (check_target(c, p))
        return c->err.code;
    if (!cim_name(method))
        return bad_name(c, "method", method);
    for (size_t i = 0; in && i < sp_cim_args_count(in); i++)
        if (!cim_name(sp_cim_args_name(in, i)))
            return bad_name(c, "parameter", sp_cim_args_name(in, i));
    struct spi_ws_request rq = {
        .op = SPI_WS_INVOKE, .target = p, .method = method, .params = in};
    struct spi_ws_response *r = NULL;
    sp_code rc = exchange(c, &rq, NULL, NULL, &r, NULL);
    if (!rc)
        rc = expect(c, &r, SPI_WS_BODY_OUTPUT, false, "invoke a method");
    if (rc)
        return rc;
    *ret = r->retval;
    *out = r->out;
    r->retval = NULL;
    r->out = NULL;
    spi_ws_response_free(r);
    return SP_OK;
}
