/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd/smis-sim/ops.c: the intrinsic operations (enumerations, Get*; the
 * associations in ops_assoc.c, the pull operations in pull.c), their
 * parameters, and the dispatch. */
#include <stdio.h>
#include <string.h>

#include "common/cmd.h"
#include "schema.h"
#include "sim.h"

void sim_error(const sp_cim_request *rq, sp_buf *out, int code, const char *fmt,
               ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    const char *name = sp_cim_status_name(code);
    char *desc = cmd_xasprintf("%s: %s", name ? name : "CIM error", msg);
    bool intrinsic = sp_cim_request_is_intrinsic(rq);
    sp_buf_reset(out);
    sp_cimxml_begin_response(out, sp_cim_request_msgid(rq), intrinsic,
                             sp_cim_request_name(rq));
    sp_cimxml_write_error(out, code, desc, NULL);
    sp_cimxml_end_response(out, intrinsic);
    free(desc);
}

/* ---- parameters ---- */

const sp_cim_value *sim_param(const sp_cim_request *rq, const char *name)
{
    const sp_cim_value *v = sp_cim_args_get(sp_cim_request_params(rq), name);
    return v && !sp_cim_value_is_null(v) ? v : NULL;
}

const char *sim_param_str(const sp_cim_request *rq, const char *name)
{
    return sp_cim_value_get_string(sim_param(rq, name));
}

bool sim_param_bool(const sp_cim_request *rq, const char *name, bool def)
{
    bool b = def;
    const sp_cim_value *v = sim_param(rq, name);
    return v && sp_cim_value_get_bool(v, &b) ? b : def;
}

const sp_cim_path *sim_param_path(const sp_cim_request *rq, const char *name)
{
    return sp_cim_value_get_ref(sim_param(rq, name));
}

/* PropertyList: NULL when absent (all properties). */
bool sim_param_props(const sp_cim_request *rq, struct sim_strlist *out)
{
    const sp_cim_value *v = sim_param(rq, "PropertyList");
    if (!v || !sp_cim_value_is_array(v))
        return false;
    for (size_t i = 0; i < sp_cim_value_count(v); i++) {
        const char *p = sp_cim_value_get_string(sp_cim_value_at(v, i));
        if (p)
            sim_strlist_add(out, p);
    }
    return true;
}

static bool has_prop(const struct sim_strlist *l, const char *name)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcasecmp(l->v[i], name) == 0)
            return true;
    return false;
}

bool sim_wants(const struct sim *s, const char *name)
{
    return !s->want || has_prop(s->want, name);
}

/* @i with only the listed properties (keys stay in the path): @i itself
 * when it has no others, else a copy (and @i is freed). */
sp_cim_instance *sim_filtered(sp_cim_instance *i,
                              const struct sim_strlist *props, bool on)
{
    if (!on)
        return i;
    size_t kept = 0, count = sp_cim_instance_prop_count(i);
    while (kept < count && has_prop(props, sp_cim_instance_prop_name(i, kept)))
        kept++;
    if (kept == count)
        return i;
    sp_cim_instance *f = sp_cim_instance_new(sp_cim_instance_class(i));
    sp_cim_instance_set_path(f, sp_cim_path_copy(sp_cim_instance_path(i)));
    for (size_t k = 0; k < sp_cim_instance_prop_count(i); k++) {
        const char *n = sp_cim_instance_prop_name(i, k);
        if (has_prop(props, n))
            sp_cim_instance_set(
                f, n, sp_cim_value_copy(sp_cim_instance_prop_value(i, k)));
    }
    sp_cim_instance_free(i);
    return f;
}

/* ---- plain enumerations ---- */

int sim_write_one(sp_cim_instance *i, uint64_t pos, void *ud)
{
    struct sim_writer *w = ud;
    i = sim_filtered(i, &w->props, w->have_props);
    sp_cimxml_write_instance(w->out, i, w->form, w->s->host, NULL);
    sp_cim_instance_free(i);
    w->last_pos = pos;
    return w->max && ++w->count >= w->max;
}

bool sim_check_class(struct sim *s, const sp_cim_request *rq, sp_buf *out,
                     const char *cls)
{
    if (!cls) {
        sim_error(rq, out, SP_CIM_ERR_INVALID_PARAMETER, "no ClassName");
        return false;
    }
    if (!sim_class_known(cls)) {
        sim_error(rq, out, SP_CIM_ERR_INVALID_CLASS,
                  "class '%s' does not exist in namespace '%s'", cls,
                  sp_cim_request_namespace(rq));
        return false;
    }
    return true;
}

static void enumerate(struct sim *s, const sp_cim_request *rq, sp_buf *out,
                      const char *ns, sp_cimxml_form form)
{
    const char *cls = sim_param_str(rq, "ClassName");
    if (!sim_check_class(s, rq, out, cls))
        return;
    struct sim_writer w = {.s = s, .out = out, .form = form};
    w.have_props = sim_param_props(rq, &w.props);
    sp_cimxml_begin_response(out, sp_cim_request_msgid(rq), true,
                             sp_cim_request_name(rq));
    sp_cimxml_begin_return(out);
    s->want = w.have_props ? &w.props : NULL;
    for (size_t c = 0; c < sim_nclasses; c++)
        if (sim_class_served(s, sim_classes[c], ns) &&
            sim_class_is_a(sim_classes[c], cls))
            sim_classes[c]->each(s, 0, sim_write_one, &w);
    s->want = NULL;
    sp_cimxml_end_return(out);
    sp_cimxml_end_response(out, true);
    sim_strlist_clear(&w.props);
}

static void get_instance(struct sim *s, const sp_cim_request *rq, sp_buf *out,
                         const char *ns)
{
    const sp_cim_path *p = sim_param_path(rq, "InstanceName");
    if (!p) {
        sim_error(rq, out, SP_CIM_ERR_INVALID_PARAMETER, "no InstanceName");
        return;
    }
    const struct sim_class *c = sim_class_find(sp_cim_path_class(p));
    sp_cim_instance *i =
        c && sim_class_served(s, c, ns) ? sim_get_instance(s, p) : NULL;
    if (!i) {
        char *txt = sp_cim_path_to_string(p);
        sim_error(rq, out, SP_CIM_ERR_NOT_FOUND, "no instance %s", txt);
        free(txt);
        return;
    }
    struct sim_strlist props = {0};
    i = sim_filtered(i, &props, sim_param_props(rq, &props));
    sp_cimxml_begin_response(out, sp_cim_request_msgid(rq), true,
                             "GetInstance");
    sp_cimxml_begin_return(out);
    sp_cimxml_write_instance(out, i, SP_CIMXML_INSTANCE, NULL, NULL);
    sp_cimxml_end_return(out);
    sp_cimxml_end_response(out, true);
    sp_cim_instance_free(i);
    sim_strlist_clear(&props);
}

/* DeleteInstance: only of a finished job (Job Control); the array's other
 * objects go away through their services' methods. */
static void delete_instance(struct sim *s, const sp_cim_request *rq,
                            sp_buf *out, const char *ns)
{
    const sp_cim_path *p = sim_param_path(rq, "InstanceName");
    if (!p) {
        sim_error(rq, out, SP_CIM_ERR_INVALID_PARAMETER, "no InstanceName");
        return;
    }
    const struct sim_class *c = sim_class_find(sp_cim_path_class(p));
    if (!c || !sim_class_served(s, c, ns)) {
        sim_error(rq, out, SP_CIM_ERR_INVALID_CLASS,
                  "class '%s' is not served in namespace '%s'",
                  sp_cim_path_class(p), ns);
        return;
    }
    if (!sim_class_is_a(c, "CIM_ConcreteJob")) {
        sim_error(rq, out, SP_CIM_ERR_NOT_SUPPORTED,
                  "instances of '%s' are not deleted by DeleteInstance",
                  sp_cim_path_class(p));
        return;
    }
    sp_cim_instance *i = sim_get_instance(s, p);
    if (!i) {
        char *txt = sp_cim_path_to_string(p);
        sim_error(rq, out, SP_CIM_ERR_NOT_FOUND, "no instance %s", txt);
        free(txt);
        return;
    }
    sp_cim_instance_free(i);
    sp_error e;
    if (sim_job_delete(s, sim_path_key(p, "InstanceID"), &e)) {
        sim_error(rq, out, SP_CIM_ERR_FAILED, "%s", e.message);
        return;
    }
    if (sim_commit(s, &e)) {
        sim_error(rq, out, SP_CIM_ERR_FAILED,
                  "cannot save the array's state: %s", e.message);
        return;
    }
    sp_cimxml_begin_response(out, sp_cim_request_msgid(rq), true,
                             "DeleteInstance");
    sp_cimxml_end_response(out, true);
}

static bool prop_listed(const char *name, void *ud)
{
    return has_prop(ud, name);
}

/* The options of a GetClass or EnumerateClasses (DSP0200: LocalOnly and
 * IncludeQualifiers default to true, IncludeClassOrigin to false); true
 * when they ask for the whole declaration, as cached. */
static bool decl_opts(const sp_cim_request *rq, struct sim_decl_opts *o,
                      struct sim_strlist *props)
{
    *o = (struct sim_decl_opts){
        .local_only = sim_param_bool(rq, "LocalOnly", true),
        .qualifiers = sim_param_bool(rq, "IncludeQualifiers", true),
        .class_origin = sim_param_bool(rq, "IncludeClassOrigin", false),
    };
    if (sim_param_props(rq, props)) {
        o->props = prop_listed;
        o->ud = props;
    }
    return !o->local_only && o->qualifiers && !o->class_origin && !o->props;
}

/* Write the declaration of @name as @o asks. */
static void write_decl(sp_buf *out, const char *name,
                       const struct sim_decl_opts *o, bool whole)
{
    if (whole) {
        sp_cimxml_write_class(out, sim_class_decl(name));
        return;
    }
    sp_cim_class *k = sim_class_decl_new(name, o);
    sp_cimxml_write_class(out, k);
    sp_cim_class_free(k);
}

static void get_class(struct sim *s, const sp_cim_request *rq, sp_buf *out,
                      const char *ns)
{
    const char *cls = sim_param_str(rq, "ClassName");
    const sp_cim_class *decl =
        cls && sim_class_in_namespace(s, cls, ns) ? sim_class_decl(cls) : NULL;
    if (!decl) {
        sim_error(rq, out, SP_CIM_ERR_NOT_FOUND,
                  "class '%s' is not served in namespace '%s'", cls ? cls : "",
                  ns);
        return;
    }
    struct sim_decl_opts o;
    struct sim_strlist props = {0};
    bool whole = decl_opts(rq, &o, &props);
    sp_cimxml_begin_response(out, sp_cim_request_msgid(rq), true, "GetClass");
    sp_cimxml_begin_return(out);
    write_decl(out, sp_cim_class_name(decl), &o, whole);
    sp_cimxml_end_return(out);
    sp_cimxml_end_response(out, true);
    sim_strlist_clear(&props);
}

/* Is class @name (a subclass of @super) in the answer for ClassName
 * @base: its subclasses (all of them when @deep), or with no @base the
 * roots (or all classes)? */
static bool listed(const char *name, const char *super, const char *base,
                   bool deep, bool is_a_base)
{
    if (!base)
        return deep || !super;
    if (strcasecmp(name, base) == 0)
        return false;
    return deep ? is_a_base : super && strcasecmp(super, base) == 0;
}

static void write_class_entry(sp_buf *out, const char *name, bool whole,
                              const struct sim_decl_opts *o, bool as_asked)
{
    if (whole)
        write_decl(out, name, o, as_asked);
    else
        sp_buf_addf(out, "<CLASSNAME NAME=\"%s\"/>\n", name);
}

/* EnumerateClassNames and EnumerateClasses: the schema classes that the
 * served classes of @ns descend from, then the served ones. */
static void class_names(struct sim *s, const sp_cim_request *rq, sp_buf *out,
                        const char *ns, bool whole)
{
    const char *base = sim_param_str(rq, "ClassName");
    bool deep = sim_param_bool(rq, "DeepInheritance", false);
    struct sim_decl_opts o;
    struct sim_strlist props = {0};
    bool cached = decl_opts(rq, &o, &props);
    if (base && !sim_class_in_namespace(s, base, ns)) {
        sim_error(rq, out, SP_CIM_ERR_INVALID_CLASS,
                  "class '%s' does not exist in namespace '%s'", base, ns);
        sim_strlist_clear(&props);
        return;
    }
    sp_cimxml_begin_response(out, sp_cim_request_msgid(rq), true,
                             sp_cim_request_name(rq));
    sp_cimxml_begin_return(out);
    for (size_t c = 0; c < sim_schema_count; c++) {
        const struct sim_schema_class *k = &sim_schema[c];
        if (sim_class_in_namespace(s, k->name, ns) &&
            listed(k->name, k->super, base, deep,
                   base && sim_schema_is_a(k->name, base)))
            write_class_entry(out, k->name, whole, &o, cached);
    }
    for (size_t c = 0; c < sim_nclasses; c++) {
        const struct sim_class *k = sim_classes[c];
        if (sim_class_served(s, k, ns) &&
            listed(k->name, k->super, base, deep,
                   base && sim_class_is_a(k, base)))
            write_class_entry(out, k->name, whole, &o, cached);
    }
    sp_cimxml_end_return(out);
    sp_cimxml_end_response(out, true);
    sim_strlist_clear(&props);
}

/* ---- dispatch ---- */

void sim_intrinsic(struct sim *s, const sp_cim_request *rq, sp_buf *out)
{
    const char *op = sp_cim_request_name(rq);
    const char *ns = sim_namespace(sp_cim_request_namespace(rq));
    if (!ns) {
        sim_error(rq, out, SP_CIM_ERR_INVALID_NAMESPACE,
                  "namespace '%s' is not served (try '%s' or 'interop')",
                  sp_cim_request_namespace(rq), SIM_NS);
        return;
    }
    bool is_pull = strncmp(op, "Open", 4) == 0 || strncmp(op, "Pull", 4) == 0 ||
                   strcmp(op, "CloseEnumeration") == 0;
    if (is_pull && s->o.no_pull) {
        sim_error(rq, out, SP_CIM_ERR_NOT_SUPPORTED,
                  "%s is not supported by this array", op);
        return;
    }
    if (strcmp(op, "EnumerateInstances") == 0)
        enumerate(s, rq, out, ns, SP_CIMXML_NAMED);
    else if (strcmp(op, "EnumerateInstanceNames") == 0)
        enumerate(s, rq, out, ns, SP_CIMXML_NAME);
    else if (strcmp(op, "GetInstance") == 0)
        get_instance(s, rq, out, ns);
    else if (strcmp(op, "DeleteInstance") == 0)
        delete_instance(s, rq, out, ns);
    else if (strcmp(op, "GetClass") == 0)
        get_class(s, rq, out, ns);
    else if (strcmp(op, "EnumerateClassNames") == 0)
        class_names(s, rq, out, ns, false);
    else if (strcmp(op, "EnumerateClasses") == 0)
        class_names(s, rq, out, ns, true);
    else if (strcmp(op, "Associators") == 0)
        sim_associators(s, rq, out, false, false);
    else if (strcmp(op, "AssociatorNames") == 0)
        sim_associators(s, rq, out, false, true);
    else if (strcmp(op, "References") == 0)
        sim_associators(s, rq, out, true, false);
    else if (strcmp(op, "ReferenceNames") == 0)
        sim_associators(s, rq, out, true, true);
    else if (strcmp(op, "OpenEnumerateInstances") == 0)
        sim_open_enumerate(s, rq, out, false);
    else if (strcmp(op, "OpenEnumerateInstancePaths") == 0)
        sim_open_enumerate(s, rq, out, true);
    else if (strcmp(op, "OpenAssociatorInstances") == 0)
        sim_open_assoc(s, rq, out, false, false);
    else if (strcmp(op, "OpenAssociatorInstancePaths") == 0)
        sim_open_assoc(s, rq, out, false, true);
    else if (strcmp(op, "OpenReferenceInstances") == 0)
        sim_open_assoc(s, rq, out, true, false);
    else if (strcmp(op, "OpenReferenceInstancePaths") == 0)
        sim_open_assoc(s, rq, out, true, true);
    else if (strcmp(op, "PullInstancesWithPath") == 0)
        sim_pull(s, rq, out);
    else if (strcmp(op, "PullInstancePaths") == 0)
        sim_pull_paths(s, rq, out);
    else if (strcmp(op, "OpenQueryInstances") == 0 && !s->o.no_query)
        sim_open_query(s, rq, out);
    else if (strcmp(op, "PullInstances") == 0)
        sim_pull_instances(s, rq, out);
    else if (strcmp(op, "CloseEnumeration") == 0)
        sim_close_enumeration(s, rq, out);
    else
        sim_error(rq, out, SP_CIM_ERR_NOT_SUPPORTED,
                  "operation %s is not supported", op);
}
