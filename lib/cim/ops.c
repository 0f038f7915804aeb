/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/cim/ops.c: the classic intrinsic operations and InvokeMethod, and the
 * helpers the pull operations (pull.c) share with them. */
#include <stdio.h>

#include "ops.h"

/* ---- delivering streamed items to the caller's callbacks ---- */

static int sink_item(struct spi_item *it, void *ud)
{
    struct spi_sink *s = ud;
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
        if (s->name_fn)
            stop = s->name_fn(sp_cim_value_get_string(it->value), s->ctx);
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
                         struct spi_sink *s, struct spi_cim_response **out)
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

void spi_op_arg_class(sp_cim_args *a, const char *name, const char *cls)
{
    if (cls && *cls)
        sp_cim_args_set(a, name, sp_cim_value_new_string(SP_CIM_STRING, cls));
}

void spi_op_arg_string(sp_cim_args *a, const char *name, const char *s)
{
    if (s && *s)
        sp_cim_args_set(a, name, sp_cim_value_new_string(SP_CIM_STRING, s));
}

void spi_op_arg_bool(sp_cim_args *a, const char *name, bool b)
{
    sp_cim_args_set(a, name, sp_cim_value_new_bool(b));
}

void spi_op_arg_props(sp_cim_args *a, const char *const *props)
{
    if (!props)
        return;
    sp_cim_value *arr = sp_cim_value_new_array(SP_CIM_STRING);
    for (size_t i = 0; props[i]; i++)
        sp_cim_value_append(arr,
                            sp_cim_value_new_string(SP_CIM_STRING, props[i]));
    sp_cim_args_set(a, "PropertyList", arr);
}

void spi_op_arg_object(sp_cim_args *a, const char *name, const sp_cim_path *p)
{
    sp_cim_args_set(a, name, sp_cim_value_new_ref(p));
}

/* The parameters every association operation starts with: the object (as
 * ObjectName, or InstanceName for the pull form) and the filters. */
sp_cim_args *spi_op_assoc_args(const char *objparam, const sp_cim_path *obj,
                               const char *assoc_class,
                               const char *result_class, const char *role,
                               const char *result_role)
{
    sp_cim_args *a = sp_cim_args_new();
    spi_op_arg_object(a, objparam, obj);
    spi_op_arg_class(a, "AssocClass", assoc_class);
    spi_op_arg_class(a, "ResultClass", result_class);
    spi_op_arg_string(a, "Role", role);
    spi_op_arg_string(a, "ResultRole", result_role);
    return a;
}

sp_code spi_op_check_flags(sp_cim_client *c, unsigned int flags,
                           unsigned int allowed)
{
    sp_error_clear(&c->err);
    if (flags & ~allowed)
        return spi_client_fail(c, SP_ERR_INVALID, "unknown flags 0x%x",
                               flags & ~allowed);
    return SP_OK;
}

sp_code spi_op_check_path(sp_cim_client *c, const sp_cim_path *p,
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

sp_code spi_op_check_class(sp_cim_client *c, const char *classname)
{
    if (!classname || !*classname)
        return spi_client_fail(c, SP_ERR_INVALID, "no class name given");
    return SP_OK;
}

/* ---- classic intrinsic operations ---- */

sp_code spi_op_run(sp_cim_client *c, const char *op, const char *ns,
                   sp_cim_args *a, struct spi_sink *s,
                   struct spi_cim_response **out)
{
    struct spi_call call = {
        .intrinsic = true, .name = op, .ns = ns, .params = a};
    sp_code rc = call_into(c, &call, s, out);
    sp_cim_args_free(a);
    return rc;
}

sp_code spi_op_enumerate_classic(sp_cim_client *c, const char *ns,
                                 const char *classname,
                                 const char *const *props, unsigned int flags,
                                 sp_cim_instance_fn fn, void *ctx)
{
    sp_cim_args *a = sp_cim_args_new();
    spi_op_arg_class(a, "ClassName", classname);
    spi_op_arg_bool(a, "LocalOnly", false);
    spi_op_arg_bool(a, "DeepInheritance", !(flags & SP_CIM_SHALLOW));
    spi_op_arg_bool(a, "IncludeQualifiers", false);
    spi_op_arg_bool(a, "IncludeClassOrigin",
                    flags & SP_CIM_INCLUDE_CLASS_ORIGIN);
    spi_op_arg_props(a, props);
    struct spi_sink s = {.want = SPI_ITEM_INSTANCE, .inst_fn = fn, .ctx = ctx};
    return spi_op_run(c, "EnumerateInstances", ns, a, &s, NULL);
}

sp_code sp_cim_enumerate_instance_names(sp_cim_client *c, const char *ns,
                                        const char *classname,
                                        unsigned int flags, sp_cim_path_fn fn,
                                        void *ctx)
{
    if (spi_op_check_flags(c, flags, 0) || spi_op_check_class(c, classname))
        return c->err.code;
    sp_cim_args *a = sp_cim_args_new();
    spi_op_arg_class(a, "ClassName", classname);
    struct spi_sink s = {.want = SPI_ITEM_PATH, .path_fn = fn, .ctx = ctx};
    return spi_op_run(c, "EnumerateInstanceNames", ns, a, &s, NULL);
}

sp_code sp_cim_get_instance(sp_cim_client *c, const sp_cim_path *path,
                            const char *const *props, unsigned int flags,
                            sp_cim_instance **out)
{
    *out = NULL;
    if (spi_op_check_flags(c, flags, SP_CIM_INCLUDE_CLASS_ORIGIN) ||
        spi_op_check_path(c, path, true))
        return c->err.code;
    sp_cim_args *a = sp_cim_args_new();
    spi_op_arg_object(a, "InstanceName", path);
    spi_op_arg_bool(a, "LocalOnly", false);
    spi_op_arg_bool(a, "IncludeQualifiers", false);
    spi_op_arg_bool(a, "IncludeClassOrigin",
                    flags & SP_CIM_INCLUDE_CLASS_ORIGIN);
    spi_op_arg_props(a, props);
    struct spi_sink s = {.want = SPI_ITEM_INSTANCE};
    sp_code rc = spi_op_run(c, "GetInstance", path->ns, a, &s, NULL);
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
    if (spi_op_check_flags(c, flags,
                           SP_CIM_LOCAL_ONLY | SP_CIM_INCLUDE_CLASS_ORIGIN) ||
        spi_op_check_class(c, classname))
        return c->err.code;
    sp_cim_args *a = sp_cim_args_new();
    spi_op_arg_class(a, "ClassName", classname);
    spi_op_arg_bool(a, "LocalOnly", flags & SP_CIM_LOCAL_ONLY);
    spi_op_arg_bool(a, "IncludeQualifiers", true);
    spi_op_arg_bool(a, "IncludeClassOrigin",
                    flags & SP_CIM_INCLUDE_CLASS_ORIGIN);
    struct spi_sink s = {.want = SPI_ITEM_CLASS};
    sp_code rc = spi_op_run(c, "GetClass", ns, a, &s, NULL);
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

sp_code sp_cim_enumerate_class_names(sp_cim_client *c, const char *ns,
                                     const char *classname, unsigned int flags,
                                     sp_cim_name_fn fn, void *ctx)
{
    if (spi_op_check_flags(c, flags, SP_CIM_SHALLOW))
        return c->err.code;
    sp_cim_args *a = sp_cim_args_new();
    if (classname)
        spi_op_arg_class(a, "ClassName", classname);
    spi_op_arg_bool(a, "DeepInheritance", !(flags & SP_CIM_SHALLOW));
    struct spi_sink s = {.want = SPI_ITEM_VALUE, .name_fn = fn, .ctx = ctx};
    return spi_op_run(c, "EnumerateClassNames", ns, a, &s, NULL);
}

sp_code spi_op_associators_classic(sp_cim_client *c, const sp_cim_path *obj,
                                   const char *assoc_class,
                                   const char *result_class, const char *role,
                                   const char *result_role,
                                   const char *const *props, unsigned int flags,
                                   sp_cim_instance_fn fn, void *ctx)
{
    sp_cim_args *a = spi_op_assoc_args("ObjectName", obj, assoc_class,
                                       result_class, role, result_role);
    spi_op_arg_bool(a, "IncludeQualifiers", false);
    spi_op_arg_bool(a, "IncludeClassOrigin",
                    flags & SP_CIM_INCLUDE_CLASS_ORIGIN);
    spi_op_arg_props(a, props);
    struct spi_sink s = {.want = SPI_ITEM_INSTANCE, .inst_fn = fn, .ctx = ctx};
    return spi_op_run(c, "Associators", obj->ns, a, &s, NULL);
}

sp_code sp_cim_associator_names(sp_cim_client *c, const sp_cim_path *obj,
                                const char *assoc_class,
                                const char *result_class, const char *role,
                                const char *result_role, unsigned int flags,
                                sp_cim_path_fn fn, void *ctx)
{
    if (spi_op_check_flags(c, flags, 0) || spi_op_check_path(c, obj, false))
        return c->err.code;
    sp_cim_args *a = spi_op_assoc_args("ObjectName", obj, assoc_class,
                                       result_class, role, result_role);
    struct spi_sink s = {.want = SPI_ITEM_PATH, .path_fn = fn, .ctx = ctx};
    return spi_op_run(c, "AssociatorNames", obj->ns, a, &s, NULL);
}

sp_code sp_cim_references(sp_cim_client *c, const sp_cim_path *obj,
                          const char *result_class, const char *role,
                          const char *const *props, unsigned int flags,
                          sp_cim_instance_fn fn, void *ctx)
{
    if (spi_op_check_flags(c, flags, SP_CIM_INCLUDE_CLASS_ORIGIN) ||
        spi_op_check_path(c, obj, false))
        return c->err.code;
    sp_cim_args *a =
        spi_op_assoc_args("ObjectName", obj, NULL, result_class, role, NULL);
    spi_op_arg_bool(a, "IncludeQualifiers", false);
    spi_op_arg_bool(a, "IncludeClassOrigin",
                    flags & SP_CIM_INCLUDE_CLASS_ORIGIN);
    spi_op_arg_props(a, props);
    struct spi_sink s = {.want = SPI_ITEM_INSTANCE, .inst_fn = fn, .ctx = ctx};
    return spi_op_run(c, "References", obj->ns, a, &s, NULL);
}

sp_code sp_cim_reference_names(sp_cim_client *c, const sp_cim_path *obj,
                               const char *result_class, const char *role,
                               unsigned int flags, sp_cim_path_fn fn, void *ctx)
{
    if (spi_op_check_flags(c, flags, 0) || spi_op_check_path(c, obj, false))
        return c->err.code;
    sp_cim_args *a =
        spi_op_assoc_args("ObjectName", obj, NULL, result_class, role, NULL);
    struct spi_sink s = {.want = SPI_ITEM_PATH, .path_fn = fn, .ctx = ctx};
    return spi_op_run(c, "ReferenceNames", obj->ns, a, &s, NULL);
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
    if (spi_op_check_flags(c, flags, 0) || spi_op_check_path(c, obj, false))
        return c->err.code;
    if (!method || !*method)
        return spi_client_fail(c, SP_ERR_INVALID, "no method name given");
    struct spi_call call = {
        .intrinsic = false, .name = method, .target = obj, .params = in};
    struct spi_sink s = {.want = SPI_ITEM_VALUE};
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
