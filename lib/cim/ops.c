/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/cim/ops.c: the intrinsic operations, InvokeMethod, and pull enumeration
 * with fallback. */
#include <stdio.h>

#include "client_internal.h"

struct sp_cim_enum {
    char *ns;
    char *context;
    bool done;
    const char *pull_op; /* PullInstancesWithPath, or PullInstances */
};

/* ---- delivering streamed items to the caller's callbacks ---- */

struct sink {
    enum spi_item_kind want;
    sp_cim_instance_fn inst_fn;
    sp_cim_path_fn path_fn;
    void *ctx;
    size_t delivered;
    bool wrong_kind;
    bool cancelled;
    /* GetInstance / GetClass keep their single object here. */
    sp_cim_instance *inst;
    sp_cim_class *cls;
};

static int sink_item(struct spi_item *it, void *ud)
{
    struct sink *s = ud;
    if (it->kind != s->want) {
        s->wrong_kind = true;
        return 1;
    }
    int stop = 0;
    switch (it->kind) {
    case SPI_ITEM_INSTANCE:
        if (s->inst_fn) {
            stop = s->inst_fn(it->inst, s->ctx);
        } else {
            sp_cim_instance_free(s->inst);
            s->inst = it->inst;
        }
        it->inst = NULL;
        break;
    case SPI_ITEM_PATH:
        if (s->path_fn)
            stop = s->path_fn(it->path, s->ctx);
        else
            sp_cim_path_free(it->path);
        it->path = NULL;
        break;
    case SPI_ITEM_CLASS:
        sp_cim_class_free(s->cls);
        s->cls = it->cls;
        it->cls = NULL;
        break;
    case SPI_ITEM_VALUE:
        break;
    }
    s->delivered++;
    if (stop)
        s->cancelled = true;
    return stop;
}

static const char *kind_name(enum spi_item_kind k)
{
    switch (k) {
    case SPI_ITEM_INSTANCE:
        return "instances";
    case SPI_ITEM_PATH:
        return "instance paths";
    case SPI_ITEM_CLASS:
        return "a class";
    case SPI_ITEM_VALUE:
        return "values";
    }
    return "objects";
}

/* Run @call into @s, turning a wrong object kind into a clear error. */
static sp_code call_into(sp_cim_client *c, struct spi_call *call,
                         struct sink *s, struct spi_cim_response **out)
{
    call->fn = sink_item;
    call->ctx = s;
    sp_code rc = spi_client_call(c, call, out);
    if (rc && s->wrong_kind)
        return spi_client_fail(c, SP_ERR_PROTOCOL,
                               "malformed response: %s answered with "
                               "something other than %s",
                               call->name, kind_name(s->want));
    return rc;
}

/* ---- parameter helpers ---- */

static void arg_class(sp_cim_args *a, const char *name, const char *cls)
{
    if (cls && *cls)
        sp_cim_args_set(a, name, sp_cim_value_new_string(SP_CIM_STRING, cls));
}

static void arg_string(sp_cim_args *a, const char *name, const char *s)
{
    if (s && *s)
        sp_cim_args_set(a, name, sp_cim_value_new_string(SP_CIM_STRING, s));
}

static void arg_bool(sp_cim_args *a, const char *name, bool b)
{
    sp_cim_args_set(a, name, sp_cim_value_new_bool(b));
}

static void arg_props(sp_cim_args *a, const char *const *props)
{
    if (!props)
        return;
    sp_cim_value *arr = sp_cim_value_new_array(SP_CIM_STRING);
    for (size_t i = 0; props[i]; i++)
        sp_cim_value_append(arr,
                            sp_cim_value_new_string(SP_CIM_STRING, props[i]));
    sp_cim_args_set(a, "PropertyList", arr);
}

static void arg_object(sp_cim_args *a, const char *name, const sp_cim_path *p)
{
    sp_cim_args_set(a, name, sp_cim_value_new_ref(p));
}

/* The parameters every association operation starts with: the object (as
 * ObjectName, or InstanceName for the pull form) and the filters. */
static sp_cim_args *assoc_args(const char *objparam, const sp_cim_path *obj,
                               const char *assoc_class,
                               const char *result_class, const char *role,
                               const char *result_role)
{
    sp_cim_args *a = sp_cim_args_new();
    arg_object(a, objparam, obj);
    arg_class(a, "AssocClass", assoc_class);
    arg_class(a, "ResultClass", result_class);
    arg_string(a, "Role", role);
    arg_string(a, "ResultRole", result_role);
    return a;
}

static sp_code check_flags(sp_cim_client *c, unsigned int flags,
                           unsigned int allowed)
{
    sp_error_clear(&c->err);
    if (flags & ~allowed)
        return spi_client_fail(c, SP_ERR_INVALID, "unknown flags 0x%x",
                               flags & ~allowed);
    return SP_OK;
}

static sp_code check_path(sp_cim_client *c, const sp_cim_path *p,
                          bool need_keys)
{
    if (!p || !p->classname[0])
        return spi_client_fail(c, SP_ERR_INVALID, "no object path given");
    if (need_keys && !p->keys.n)
        return spi_client_fail(c, SP_ERR_INVALID,
                               "'%s' is a class, not an instance path",
                               p->classname);
    return SP_OK;
}

static sp_code check_class(sp_cim_client *c, const char *classname)
{
    if (!classname || !*classname)
        return spi_client_fail(c, SP_ERR_INVALID, "no class name given");
    return SP_OK;
}

/* ---- classic intrinsic operations ---- */

static sp_code run(sp_cim_client *c, const char *op, const char *ns,
                   sp_cim_args *a, struct sink *s,
                   struct spi_cim_response **out)
{
    struct spi_call call = {
        .intrinsic = true, .name = op, .ns = ns, .params = a};
    sp_code rc = call_into(c, &call, s, out);
    sp_cim_args_free(a);
    return rc;
}

static sp_code enumerate_classic(sp_cim_client *c, const char *ns,
                                 const char *classname,
                                 const char *const *props, unsigned int flags,
                                 sp_cim_instance_fn fn, void *ctx)
{
    sp_cim_args *a = sp_cim_args_new();
    arg_class(a, "ClassName", classname);
    arg_bool(a, "LocalOnly", false);
    arg_bool(a, "DeepInheritance", !(flags & SP_CIM_SHALLOW));
    arg_bool(a, "IncludeQualifiers", false);
    arg_bool(a, "IncludeClassOrigin", flags & SP_CIM_INCLUDE_CLASS_ORIGIN);
    arg_props(a, props);
    struct sink s = {.want = SPI_ITEM_INSTANCE, .inst_fn = fn, .ctx = ctx};
    return run(c, "EnumerateInstances", ns, a, &s, NULL);
}

sp_code sp_cim_enumerate_instance_names(sp_cim_client *c, const char *ns,
                                        const char *classname,
                                        unsigned int flags, sp_cim_path_fn fn,
                                        void *ctx)
{
    if (check_flags(c, flags, 0) || check_class(c, classname))
        return c->err.code;
    sp_cim_args *a = sp_cim_args_new();
    arg_class(a, "ClassName", classname);
    struct sink s = {.want = SPI_ITEM_PATH, .path_fn = fn, .ctx = ctx};
    return run(c, "EnumerateInstanceNames", ns, a, &s, NULL);
}

sp_code sp_cim_get_instance(sp_cim_client *c, const sp_cim_path *path,
                            const char *const *props, unsigned int flags,
                            sp_cim_instance **out)
{
    *out = NULL;
    if (check_flags(c, flags, SP_CIM_INCLUDE_CLASS_ORIGIN) ||
        check_path(c, path, true))
        return c->err.code;
    sp_cim_args *a = sp_cim_args_new();
    arg_object(a, "InstanceName", path);
    arg_bool(a, "LocalOnly", false);
    arg_bool(a, "IncludeQualifiers", false);
    arg_bool(a, "IncludeClassOrigin", flags & SP_CIM_INCLUDE_CLASS_ORIGIN);
    arg_props(a, props);
    struct sink s = {.want = SPI_ITEM_INSTANCE};
    sp_code rc = run(c, "GetInstance", path->ns, a, &s, NULL);
    if (!rc && !s.inst)
        rc = spi_client_fail(c, SP_ERR_PROTOCOL,
                             "malformed response: GetInstance returned no "
                             "instance");
    if (rc) {
        sp_cim_instance_free(s.inst);
        return rc;
    }
    /* GetInstance answers with a bare INSTANCE: give it the asked path. */
    if (!s.inst->path) {
        sp_cim_path *p = sp_cim_path_copy(path);
        sp_cim_path_set_namespace(p, spi_client_ns(c, path->ns));
        sp_cim_instance_set_path(s.inst, p);
    }
    *out = s.inst;
    return SP_OK;
}

sp_code sp_cim_get_class(sp_cim_client *c, const char *ns,
                         const char *classname, unsigned int flags,
                         sp_cim_class **out)
{
    *out = NULL;
    if (check_flags(c, flags,
                    SP_CIM_LOCAL_ONLY | SP_CIM_INCLUDE_CLASS_ORIGIN) ||
        check_class(c, classname))
        return c->err.code;
    sp_cim_args *a = sp_cim_args_new();
    arg_class(a, "ClassName", classname);
    arg_bool(a, "LocalOnly", flags & SP_CIM_LOCAL_ONLY);
    arg_bool(a, "IncludeQualifiers", true);
    arg_bool(a, "IncludeClassOrigin", flags & SP_CIM_INCLUDE_CLASS_ORIGIN);
    struct sink s = {.want = SPI_ITEM_CLASS};
    sp_code rc = run(c, "GetClass", ns, a, &s, NULL);
    if (!rc && !s.cls)
        rc = spi_client_fail(c, SP_ERR_PROTOCOL,
                             "malformed response: GetClass returned no class");
    if (rc) {
        sp_cim_class_free(s.cls);
        return rc;
    }
    *out = s.cls;
    return SP_OK;
}

static sp_code associators_classic(sp_cim_client *c, const sp_cim_path *obj,
                                   const char *assoc_class,
                                   const char *result_class, const char *role,
                                   const char *result_role,
                                   const char *const *props, unsigned int flags,
                                   sp_cim_instance_fn fn, void *ctx)
{
    sp_cim_args *a = assoc_args("ObjectName", obj, assoc_class, result_class,
                                role, result_role);
    arg_bool(a, "IncludeQualifiers", false);
    arg_bool(a, "IncludeClassOrigin", flags & SP_CIM_INCLUDE_CLASS_ORIGIN);
    arg_props(a, props);
    struct sink s = {.want = SPI_ITEM_INSTANCE, .inst_fn = fn, .ctx = ctx};
    return run(c, "Associators", obj->ns, a, &s, NULL);
}

sp_code sp_cim_associator_names(sp_cim_client *c, const sp_cim_path *obj,
                                const char *assoc_class,
                                const char *result_class, const char *role,
                                const char *result_role, unsigned int flags,
                                sp_cim_path_fn fn, void *ctx)
{
    if (check_flags(c, flags, 0) || check_path(c, obj, false))
        return c->err.code;
    sp_cim_args *a = assoc_args("ObjectName", obj, assoc_class, result_class,
                                role, result_role);
    struct sink s = {.want = SPI_ITEM_PATH, .path_fn = fn, .ctx = ctx};
    return run(c, "AssociatorNames", obj->ns, a, &s, NULL);
}

sp_code sp_cim_references(sp_cim_client *c, const sp_cim_path *obj,
                          const char *result_class, const char *role,
                          const char *const *props, unsigned int flags,
                          sp_cim_instance_fn fn, void *ctx)
{
    if (check_flags(c, flags, SP_CIM_INCLUDE_CLASS_ORIGIN) ||
        check_path(c, obj, false))
        return c->err.code;
    sp_cim_args *a =
        assoc_args("ObjectName", obj, NULL, result_class, role, NULL);
    arg_bool(a, "IncludeQualifiers", false);
    arg_bool(a, "IncludeClassOrigin", flags & SP_CIM_INCLUDE_CLASS_ORIGIN);
    arg_props(a, props);
    struct sink s = {.want = SPI_ITEM_INSTANCE, .inst_fn = fn, .ctx = ctx};
    return run(c, "References", obj->ns, a, &s, NULL);
}

sp_code sp_cim_reference_names(sp_cim_client *c, const sp_cim_path *obj,
                               const char *result_class, const char *role,
                               unsigned int flags, sp_cim_path_fn fn, void *ctx)
{
    if (check_flags(c, flags, 0) || check_path(c, obj, false))
        return c->err.code;
    sp_cim_args *a =
        assoc_args("ObjectName", obj, NULL, result_class, role, NULL);
    struct sink s = {.want = SPI_ITEM_PATH, .path_fn = fn, .ctx = ctx};
    return run(c, "ReferenceNames", obj->ns, a, &s, NULL);
}

sp_code sp_cim_invoke_method(sp_cim_client *c, const sp_cim_path *obj,
                             const char *method, const sp_cim_args *in,
                             unsigned int flags, sp_cim_value **ret,
                             sp_cim_args **out)
{
    if (ret)
        *ret = NULL;
    if (out)
        *out = NULL;
    if (check_flags(c, flags, 0) || check_path(c, obj, false))
        return c->err.code;
    if (!method || !*method)
        return spi_client_fail(c, SP_ERR_INVALID, "no method name given");
    struct spi_call call = {
        .intrinsic = false, .name = method, .target = obj, .params = in};
    struct sink s = {.want = SPI_ITEM_VALUE};
    struct spi_cim_response *r = NULL;
    sp_code rc = call_into(c, &call, &s, &r);
    if (rc)
        return rc;
    if (ret) {
        *ret = r->retval;
        r->retval = NULL;
    }
    if (out) {
        *out = r->params;
        r->params = NULL;
    }
    spi_cim_response_free(r);
    return SP_OK;
}

/* ---- pull operations ---- */

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

/* Send an Open* call and set *@out to the enumeration (NULL when done). */
static sp_code open_call(sp_cim_client *c, const char *op, const char *ns,
                         sp_cim_args *a, uint32_t max, sp_cim_instance_fn fn,
                         void *ctx, size_t *delivered, sp_cim_enum **out)
{
    *out = NULL;
    sp_cim_args_set(a, "MaxObjectCount",
                    sp_cim_value_new_uint(SP_CIM_UINT32, max));
    struct sink s = {.want = SPI_ITEM_INSTANCE, .inst_fn = fn, .ctx = ctx};
    struct spi_cim_response *r = NULL;
    sp_code rc = run(c, op, ns, a, &s, &r);
    if (delivered)
        *delivered = s.delivered;
    if (rc)
        return rc;
    sp_cim_enum *e = spi_xcalloc(1, sizeof(*e));
    e->ns = spi_xstrdup(spi_client_ns(c, ns));
    e->pull_op = SPI_STREQ(op, "OpenQueryInstances") ? "PullInstances"
                                                     : "PullInstancesWithPath";
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
    arg_class(a, "ClassName", classname);
    arg_bool(a, "DeepInheritance", !(flags & SP_CIM_SHALLOW));
    arg_bool(a, "IncludeClassOrigin", flags & SP_CIM_INCLUDE_CLASS_ORIGIN);
    arg_props(a, props);
    return open_call(c, "OpenEnumerateInstances", ns, a, max, fn, ctx,
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
    sp_cim_args *a = assoc_args("InstanceName", obj, assoc_class, result_class,
                                role, result_role);
    arg_bool(a, "IncludeClassOrigin", flags & SP_CIM_INCLUDE_CLASS_ORIGIN);
    arg_props(a, props);
    return open_call(c, "OpenAssociatorInstances", obj->ns, a, max, fn, ctx,
                     delivered, e);
}

static sp_code open_query(sp_cim_client *c, const char *ns, const char *lang,
                          const char *query, uint32_t max,
                          sp_cim_instance_fn fn, void *ctx, size_t *delivered,
                          sp_cim_enum **e)
{
    sp_cim_args *a = sp_cim_args_new();
    arg_string(a, "FilterQueryLanguage", lang);
    arg_string(a, "FilterQuery", query);
    arg_bool(a, "ReturnQueryResultClass", false);
    return open_call(c, "OpenQueryInstances", ns, a, max, fn, ctx, delivered,
                     e);
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
    if (check_flags(c, flags, 0) || check_query(c, lang, query))
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
    if (check_flags(c, flags, SP_CIM_SHALLOW | SP_CIM_INCLUDE_CLASS_ORIGIN) ||
        check_class(c, classname))
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
    if (check_flags(c, flags, SP_CIM_INCLUDE_CLASS_ORIGIN) ||
        check_path(c, obj, true))
        return c->err.code;
    return open_associators(c, obj, assoc_class, result_class, role,
                            result_role, props, max, flags, fn, ctx, NULL, e);
}

/* The next page of @e, by the pull operation of the open that made it. */
static sp_code pull_next(sp_cim_client *c, sp_cim_enum *e, uint32_t max,
                         sp_cim_instance_fn fn, void *ctx)
{
    sp_error_clear(&c->err);
    if (!e || e->done)
        return spi_client_fail(c, SP_ERR_INVALID,
                               "the enumeration is already complete");
    sp_cim_args *a = sp_cim_args_new();
    arg_string(a, "EnumerationContext", e->context);
    sp_cim_args_set(a, "MaxObjectCount",
                    sp_cim_value_new_uint(SP_CIM_UINT32, max));
    struct sink s = {.want = SPI_ITEM_INSTANCE, .inst_fn = fn, .ctx = ctx};
    struct spi_cim_response *r = NULL;
    sp_code rc = run(c, e->pull_op, e->ns, a, &s, &r);
    if (rc)
        return rc;
    rc = take_context(c, r, e);
    spi_cim_response_free(r);
    return rc;
}

static sp_code pull_as(sp_cim_client *c, sp_cim_enum *e, const char *op,
                       uint32_t max, sp_cim_instance_fn fn, void *ctx)
{
    sp_error_clear(&c->err);
    if (e && !SPI_STREQ(e->pull_op, op))
        return spi_client_fail(c, SP_ERR_INVALID,
                               "the enumeration is continued by %s, not %s",
                               e->pull_op, op);
    return pull_next(c, e, max, fn, ctx);
}

sp_code sp_cim_pull_instances_with_path(sp_cim_client *c, sp_cim_enum *e,
                                        uint32_t max, sp_cim_instance_fn fn,
                                        void *ctx)
{
    return pull_as(c, e, "PullInstancesWithPath", max, fn, ctx);
}

sp_code sp_cim_pull_instances(sp_cim_client *c, sp_cim_enum *e, uint32_t max,
                              sp_cim_instance_fn fn, void *ctx)
{
    return pull_as(c, e, "PullInstances", max, fn, ctx);
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
        arg_string(a, "EnumerationContext", e->context);
        struct sink s = {.want = SPI_ITEM_INSTANCE};
        rc = run(c, "CloseEnumeration", e->ns, a, &s, NULL);
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
        rc = pull_next(c, e, c->pull_max, fn, ctx);
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
    if (check_flags(c, flags,
                    SP_CIM_SHALLOW | SP_CIM_INCLUDE_CLASS_ORIGIN |
                        SP_CIM_NO_PULL) ||
        check_class(c, classname))
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
    return enumerate_classic(c, ns, classname, props, f, fn, ctx);
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
    if (check_flags(c, flags, 0) || check_query(c, lang, query))
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
    if (check_flags(c, flags, SP_CIM_INCLUDE_CLASS_ORIGIN | SP_CIM_NO_PULL) ||
        check_path(c, obj, false))
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
    return associators_classic(c, obj, assoc_class, result_class, role,
                               result_role, props, f, fn, ctx);
}
