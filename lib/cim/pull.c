/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/cim/pull.c: the pull operations (DSP0200 1.3: open, pull, close),
 * queries, and the enumerations that fall back to the classic operations
 * on servers without them. */
#include "ops.h"

struct sp_cim_enum {
    char *ns;
    char *context;
    bool done;
    /* PullInstancesWithPath, PullInstancePaths (the *Paths opens), or
     * PullInstances (OpenQueryInstances). */
    const char *pull_op;
};

/* The pull operation that continues the open @op. */
static const char *pull_of(const char *op)
{
    if (SPI_STREQ(op, "OpenQueryInstances"))
        return "PullInstances";
    size_t n = strlen(op);
    return n > 5 && SPI_STREQ(op + n - 5, "Paths") ? "PullInstancePaths"
                                                   : "PullInstancesWithPath";
}

/* A sink of what @op's enumeration delivers: paths or instances. */
static struct spi_sink sink_of(const char *pull_op, sp_cim_instance_fn ifn,
                               sp_cim_path_fn pfn, void *ctx)
{
    if (SPI_STREQ(pull_op, "PullInstancePaths"))
        return (struct spi_sink){
            .want = SPI_ITEM_PATH, .path_fn = pfn, .ctx = ctx};
    return (struct spi_sink){
        .want = SPI_ITEM_INSTANCE, .inst_fn = ifn, .ctx = ctx};
}

/* Read EndOfSequence / EnumerationContext into @e. */
static sp_code take_context(sp_cim_client *c, struct spi_cim_response *r,
                            sp_cim_enum *e)
{
    bool end = false;
    const sp_cim_value *eos = sp_cim_args_get(r->params, "EndOfSequence");
    const char *ctx = sp_cim_value_get_string(
        sp_cim_args_get(r->params, "EnumerationContext"));
    if (!eos || !sp_cim_value_get_bool(eos, &end))
        return spi_client_fail(c, SP_ERR_PROTOCOL,
                               "malformed response: %s without EndOfSequence",
                               r->name);
    e->done = end;
    free(e->context);
    e->context = NULL;
    if (!end) {
        if (!ctx || !*ctx)
            return spi_client_fail(c, SP_ERR_PROTOCOL,
                                   "malformed response: %s without "
                                   "EnumerationContext",
                                   r->name);
        e->context = spi_xstrdup(ctx);
    }
    return SP_OK;
}

static void enum_free(sp_cim_enum *e)
{
    if (!e)
        return;
    free(e->ns);
    free(e->context);
    free(e);
}

/* Send an Open* call and set *@out to the enumeration (NULL when done);
 * what it delivers goes to @ifn (instances) or @pfn (the *Paths opens). */
static sp_code open_call(sp_cim_client *c, const char *op, const char *ns,
                         sp_cim_args *a, uint32_t max, sp_cim_instance_fn ifn,
                         sp_cim_path_fn pfn, void *ctx, size_t *delivered,
                         sp_cim_enum **out)
{
    *out = NULL;
    sp_cim_args_set(a, "MaxObjectCount",
                    sp_cim_value_new_uint(SP_CIM_UINT32, max));
    struct spi_sink s = sink_of(pull_of(op), ifn, pfn, ctx);
    struct spi_cim_response *r = NULL;
    sp_code rc = spi_op_run(c, op, ns, a, &s, &r);
    if (delivered)
        *delivered = s.delivered;
    if (rc)
        return rc;
    sp_cim_enum *e = spi_xcalloc(1, sizeof(*e));
    e->ns = spi_xstrdup(spi_client_ns(c, ns));
    e->pull_op = pull_of(op);
    rc = take_context(c, r, e);
    spi_cim_response_free(r);
    if (rc || e->done) {
        enum_free(e);
        return rc;
    }
    *out = e;
    return SP_OK;
}

static sp_code open_enumerate(sp_cim_client *c, const char *ns,
                              const char *classname, const char *const *props,
                              uint32_t max, unsigned int flags,
                              sp_cim_instance_fn fn, void *ctx,
                              size_t *delivered, sp_cim_enum **e)
{
    sp_cim_args *a = sp_cim_args_new();
    spi_op_arg_class(a, "ClassName", classname);
    spi_op_arg_bool(a, "DeepInheritance", !(flags & SP_CIM_SHALLOW));
    spi_op_arg_bool(a, "IncludeClassOrigin",
                    flags & SP_CIM_INCLUDE_CLASS_ORIGIN);
    spi_op_arg_props(a, props);
    return open_call(c, "OpenEnumerateInstances", ns, a, max, fn, NULL, ctx,
                     delivered, e);
}

static sp_code open_associators(sp_cim_client *c, const sp_cim_path *obj,
                                const char *assoc_class,
                                const char *result_class, const char *role,
                                const char *result_role,
                                const char *const *props, uint32_t max,
                                unsigned int flags, sp_cim_instance_fn fn,
                                void *ctx, size_t *delivered, sp_cim_enum **e)
{
    sp_cim_args *a = spi_op_assoc_args("InstanceName", obj, assoc_class,
                                       result_class, role, result_role);
    spi_op_arg_bool(a, "IncludeClassOrigin",
                    flags & SP_CIM_INCLUDE_CLASS_ORIGIN);
    spi_op_arg_props(a, props);
    return open_call(c, "OpenAssociatorInstances", obj->ns, a, max, fn, NULL,
                     ctx, delivered, e);
}

static sp_code open_query(sp_cim_client *c, const char *ns, const char *lang,
                          const char *query, uint32_t max,
                          sp_cim_instance_fn fn, void *ctx, size_t *delivered,
                          sp_cim_enum **e)
{
    sp_cim_args *a = sp_cim_args_new();
    spi_op_arg_string(a, "FilterQueryLanguage", lang);
    spi_op_arg_string(a, "FilterQuery", query);
    spi_op_arg_bool(a, "ReturnQueryResultClass", false);
    return open_call(c, "OpenQueryInstances", ns, a, max, fn, NULL, ctx,
                     delivered, e);
}

static sp_code check_query(sp_cim_client *c, const char *lang,
                           const char *query)
{
    if (!lang || !*lang || !query || !*query)
        return spi_client_fail(c, SP_ERR_INVALID,
                               "a query needs a language and a text");
    return SP_OK;
}

sp_code sp_cim_open_query_instances(sp_cim_client *c, const char *ns,
                                    const char *lang, const char *query,
                                    uint32_t max, unsigned int flags,
                                    sp_cim_instance_fn fn, void *ctx,
                                    sp_cim_enum **e)
{
    *e = NULL;
    if (spi_op_check_flags(c, flags, 0) || check_query(c, lang, query))
        return c->err.code;
    return open_query(c, ns, lang, query, max, fn, ctx, NULL, e);
}

sp_code sp_cim_open_enumerate_instances(sp_cim_client *c, const char *ns,
                                        const char *classname,
                                        const char *const *props, uint32_t max,
                                        unsigned int flags,
                                        sp_cim_instance_fn fn, void *ctx,
                                        sp_cim_enum **e)
{
    *e = NULL;
    if (spi_op_check_flags(c, flags,
                           SP_CIM_SHALLOW | SP_CIM_INCLUDE_CLASS_ORIGIN) ||
        spi_op_check_class(c, classname))
        return c->err.code;
    return open_enumerate(c, ns, classname, props, max, flags, fn, ctx, NULL,
                          e);
}

sp_code sp_cim_open_associator_instances(
    sp_cim_client *c, const sp_cim_path *obj, const char *assoc_class,
    const char *result_class, const char *role, const char *result_role,
    const char *const *props, uint32_t max, unsigned int flags,
    sp_cim_instance_fn fn, void *ctx, sp_cim_enum **e)
{
    *e = NULL;
    if (spi_op_check_flags(c, flags, SP_CIM_INCLUDE_CLASS_ORIGIN) ||
        spi_op_check_path(c, obj, true))
        return c->err.code;
    return open_associators(c, obj, assoc_class, result_class, role,
                            result_role, props, max, flags, fn, ctx, NULL, e);
}

sp_code sp_cim_open_enumerate_instance_paths(sp_cim_client *c, const char *ns,
                                             const char *classname,
                                             uint32_t max, unsigned int flags,
                                             sp_cim_path_fn fn, void *ctx,
                                             sp_cim_enum **e)
{
    *e = NULL;
    if (spi_op_check_flags(c, flags, 0) || spi_op_check_class(c, classname))
        return c->err.code;
    sp_cim_args *a = sp_cim_args_new();
    spi_op_arg_class(a, "ClassName", classname);
    return open_call(c, "OpenEnumerateInstancePaths", ns, a, max, NULL, fn, ctx,
                     NULL, e);
}

sp_code sp_cim_open_associator_instance_paths(
    sp_cim_client *c, const sp_cim_path *obj, const char *assoc_class,
    const char *result_class, const char *role, const char *result_role,
    uint32_t max, unsigned int flags, sp_cim_path_fn fn, void *ctx,
    sp_cim_enum **e)
{
    *e = NULL;
    if (spi_op_check_flags(c, flags, 0) || spi_op_check_path(c, obj, true))
        return c->err.code;
    sp_cim_args *a = spi_op_assoc_args("InstanceName", obj, assoc_class,
                                       result_class, role, result_role);
    return open_call(c, "OpenAssociatorInstancePaths", obj->ns, a, max, NULL,
                     fn, ctx, NULL, e);
}

sp_code sp_cim_open_reference_instances(
    sp_cim_client *c, const sp_cim_path *obj, const char *result_class,
    const char *role, const char *const *props, uint32_t max,
    unsigned int flags, sp_cim_instance_fn fn, void *ctx, sp_cim_enum **e)
{
    *e = NULL;
    if (spi_op_check_flags(c, flags, SP_CIM_INCLUDE_CLASS_ORIGIN) ||
        spi_op_check_path(c, obj, true))
        return c->err.code;
    sp_cim_args *a =
        spi_op_assoc_args("InstanceName", obj, NULL, result_class, role, NULL);
    spi_op_arg_bool(a, "IncludeClassOrigin",
                    flags & SP_CIM_INCLUDE_CLASS_ORIGIN);
    spi_op_arg_props(a, props);
    return open_call(c, "OpenReferenceInstances", obj->ns, a, max, fn, NULL,
                     ctx, NULL, e);
}

sp_code sp_cim_open_reference_instance_paths(
    sp_cim_client *c, const sp_cim_path *obj, const char *result_class,
    const char *role, uint32_t max, unsigned int flags, sp_cim_path_fn fn,
    void *ctx, sp_cim_enum **e)
{
    *e = NULL;
    if (spi_op_check_flags(c, flags, 0) || spi_op_check_path(c, obj, true))
        return c->err.code;
    sp_cim_args *a =
        spi_op_assoc_args("InstanceName", obj, NULL, result_class, role, NULL);
    return open_call(c, "OpenReferenceInstancePaths", obj->ns, a, max, NULL, fn,
                     ctx, NULL, e);
}

/* The next page of @e, by the pull operation of the open that made it. */
static sp_code pull_next(sp_cim_client *c, sp_cim_enum *e, uint32_t max,
                         sp_cim_instance_fn fn, sp_cim_path_fn pfn, void *ctx)
{
    sp_error_clear(&c->err);
    if (!e || e->done)
        return spi_client_fail(c, SP_ERR_INVALID,
                               "the enumeration is already complete");
    sp_cim_args *a = sp_cim_args_new();
    spi_op_arg_string(a, "EnumerationContext", e->context);
    sp_cim_args_set(a, "MaxObjectCount",
                    sp_cim_value_new_uint(SP_CIM_UINT32, max));
    struct spi_sink s = sink_of(e->pull_op, fn, pfn, ctx);
    struct spi_cim_response *r = NULL;
    sp_code rc = spi_op_run(c, e->pull_op, e->ns, a, &s, &r);
    if (rc)
        return rc;
    rc = take_context(c, r, e);
    spi_cim_response_free(r);
    return rc;
}

static sp_code pull_as(sp_cim_client *c, sp_cim_enum *e, const char *op,
                       uint32_t max, sp_cim_instance_fn fn, sp_cim_path_fn pfn,
                       void *ctx)
{
    sp_error_clear(&c->err);
    if (e && !SPI_STREQ(e->pull_op, op))
        return spi_client_fail(c, SP_ERR_INVALID,
                               "the enumeration is continued by %s, not %s",
                               e->pull_op, op);
    return pull_next(c, e, max, fn, pfn, ctx);
}

sp_code sp_cim_pull_instances_with_path(sp_cim_client *c, sp_cim_enum *e,
                                        uint32_t max, sp_cim_instance_fn fn,
                                        void *ctx)
{
    return pull_as(c, e, "PullInstancesWithPath", max, fn, NULL, ctx);
}

sp_code sp_cim_pull_instances(sp_cim_client *c, sp_cim_enum *e, uint32_t max,
                              sp_cim_instance_fn fn, void *ctx)
{
    return pull_as(c, e, "PullInstances", max, fn, NULL, ctx);
}

sp_code sp_cim_pull_instance_paths(sp_cim_client *c, sp_cim_enum *e,
                                   uint32_t max, sp_cim_path_fn fn, void *ctx)
{
    return pull_as(c, e, "PullInstancePaths", max, NULL, fn, ctx);
}

bool sp_cim_enum_done(const sp_cim_enum *e)
{
    return !e || e->done;
}

sp_code sp_cim_close_enumeration(sp_cim_client *c, sp_cim_enum *e)
{
    sp_error_clear(&c->err);
    if (!e)
        return SP_OK;
    sp_code rc = SP_OK;
    if (!e->done && e->context) {
        sp_cim_args *a = sp_cim_args_new();
        spi_op_arg_string(a, "EnumerationContext", e->context);
        struct spi_sink s = {.want = SPI_ITEM_INSTANCE};
        rc = spi_op_run(c, "CloseEnumeration", e->ns, a, &s, NULL);
    }
    enum_free(e);
    return rc;
}

/* Page through an open enumeration to its end; close it if we stop early. */
static sp_code drain(sp_cim_client *c, sp_cim_enum *e, sp_cim_instance_fn fn,
                     void *ctx)
{
    sp_code rc = SP_OK;
    while (e && !e->done) {
        rc = pull_next(c, e, c->pull_max, fn, NULL, ctx);
        if (rc)
            break;
    }
    if (rc == SP_ERR_CANCELLED) {
        sp_error saved = c->err;
        sp_cim_close_enumeration(c, e);
        c->err = saved;
        return rc;
    }
    enum_free(e);
    return rc;
}

/* Did an Open* fail in a way that says "no pull operations here"? */
static bool pull_unsupported(const sp_cim_client *c, size_t delivered)
{
    if (delivered)
        return false;
    return c->err.cim_status == SP_CIM_ERR_NOT_SUPPORTED ||
           c->err.cim_status == SP_CIM_ERR_FAILED || c->err.http_status == 501;
}

static void note_no_pull(sp_cim_client *c, const char *op)
{
    sp_log(SP_LOG_INFO,
           "%s failed (%s); using the classic operations for this array", op,
           c->err.message);
    c->pull = PULL_NO;
}

sp_code sp_cim_enumerate_instances(sp_cim_client *c, const char *ns,
                                   const char *classname,
                                   const char *const *props, unsigned int flags,
                                   sp_cim_instance_fn fn, void *ctx)
{
    if (spi_op_check_flags(c, flags,
                           SP_CIM_SHALLOW | SP_CIM_INCLUDE_CLASS_ORIGIN |
                               SP_CIM_NO_PULL) ||
        spi_op_check_class(c, classname))
        return c->err.code;
    unsigned int f = flags & ~SP_CIM_NO_PULL;
    if (!(flags & SP_CIM_NO_PULL) && c->pull != PULL_NO) {
        sp_cim_enum *e = NULL;
        size_t delivered = 0;
        sp_code rc = open_enumerate(c, ns, classname, props, c->pull_max, f, fn,
                                    ctx, &delivered, &e);
        if (!rc) {
            c->pull = PULL_YES;
            return drain(c, e, fn, ctx);
        }
        if (!pull_unsupported(c, delivered))
            return rc;
        note_no_pull(c, "OpenEnumerateInstances");
    }
    return spi_op_enumerate_classic(c, ns, classname, props, f, fn, ctx);
}

/* Did OpenQueryInstances fail in a way that says "no queries here"? */
static bool query_unsupported(const sp_cim_client *c, size_t delivered)
{
    if (delivered)
        return false;
    switch (c->err.cim_status) {
    case SP_CIM_ERR_NOT_SUPPORTED:
    case SP_CIM_ERR_FAILED:
    case SP_CIM_ERR_QUERY_LANGUAGE_NOT_SUPPORTED:
    case SP_CIM_ERR_INVALID_QUERY:
        return true;
    default:
        return c->err.http_status == 501;
    }
}

sp_code sp_cim_query_instances(sp_cim_client *c, const char *ns,
                               const char *lang, const char *query,
                               unsigned int flags, sp_cim_instance_fn fn,
                               void *ctx)
{
    if (spi_op_check_flags(c, flags, 0) || check_query(c, lang, query))
        return c->err.code;
    if (c->pull == PULL_NO || c->query == PULL_NO)
        return spi_client_fail(c, SP_ERR_NOT_SUPPORTED,
                               "the server runs no %s queries", lang);
    sp_cim_enum *e = NULL;
    size_t delivered = 0;
    sp_code rc =
        open_query(c, ns, lang, query, c->pull_max, fn, ctx, &delivered, &e);
    if (!rc) {
        c->query = PULL_YES;
        return drain(c, e, fn, ctx);
    }
    if (!query_unsupported(c, delivered))
        return rc;
    sp_log(SP_LOG_INFO,
           "OpenQueryInstances failed (%s); no %s queries to "
           "this array",
           c->err.message, lang);
    c->query = PULL_NO;
    c->err.code = SP_ERR_NOT_SUPPORTED;
    return SP_ERR_NOT_SUPPORTED;
}

sp_code sp_cim_associators(sp_cim_client *c, const sp_cim_path *obj,
                           const char *assoc_class, const char *result_class,
                           const char *role, const char *result_role,
                           const char *const *props, unsigned int flags,
                           sp_cim_instance_fn fn, void *ctx)
{
    if (spi_op_check_flags(c, flags,
                           SP_CIM_INCLUDE_CLASS_ORIGIN | SP_CIM_NO_PULL) ||
        spi_op_check_path(c, obj, false))
        return c->err.code;
    unsigned int f = flags & ~SP_CIM_NO_PULL;
    /* OpenAssociatorInstances takes instances only; classes go classic. */
    if (!(flags & SP_CIM_NO_PULL) && c->pull != PULL_NO && obj->keys.n) {
        sp_cim_enum *e = NULL;
        size_t delivered = 0;
        sp_code rc = open_associators(c, obj, assoc_class, result_class, role,
                                      result_role, props, c->pull_max, f, fn,
                                      ctx, &delivered, &e);
        if (!rc) {
            c->pull = PULL_YES;
            return drain(c, e, fn, ctx);
        }
        if (!pull_unsupported(c, delivered))
            return rc;
        note_no_pull(c, "OpenAssociatorInstances");
    }
    return spi_op_associators_classic(c, obj, assoc_class, result_class, role,
                                      result_role, props, f, fn, ctx);
}
