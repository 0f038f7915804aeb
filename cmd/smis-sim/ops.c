/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd/smis-sim/ops.c: the intrinsic operations: enumerations, Get*,
 * associations, pull operations. */
#include <stdio.h>
#include <string.h>

#include "common/cmd.h"
#include "sim.h"

#define DEFAULT_ENUM_TIMEOUT_S 60u
#define MAX_ENUM_TIMEOUT_S     3600u

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

static const sp_cim_value *param(const sp_cim_request *rq, const char *name)
{
    const sp_cim_value *v = sp_cim_args_get(sp_cim_request_params(rq), name);
    return v && !sp_cim_value_is_null(v) ? v : NULL;
}

static const char *param_str(const sp_cim_request *rq, const char *name)
{
    return sp_cim_value_get_string(param(rq, name));
}

static bool param_bool(const sp_cim_request *rq, const char *name, bool def)
{
    bool b = def;
    const sp_cim_value *v = param(rq, name);
    return v && sp_cim_value_get_bool(v, &b) ? b : def;
}

static const sp_cim_path *param_path(const sp_cim_request *rq, const char *name)
{
    return sp_cim_value_get_ref(param(rq, name));
}

/* PropertyList: NULL when absent (all properties). */
static bool param_props(const sp_cim_request *rq, struct sim_strlist *out)
{
    const sp_cim_value *v = param(rq, "PropertyList");
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
static sp_cim_instance *filtered(sp_cim_instance *i,
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

struct writer {
    struct sim *s;
    sp_buf *out;
    sp_cimxml_form form;
    struct sim_strlist props;
    bool have_props;
    size_t count, max;
    uint64_t last_pos;
};

static int write_one(sp_cim_instance *i, uint64_t pos, void *ud)
{
    struct writer *w = ud;
    i = filtered(i, &w->props, w->have_props);
    sp_cimxml_write_instance(w->out, i, w->form, w->s->host, NULL);
    sp_cim_instance_free(i);
    w->last_pos = pos;
    return w->max && ++w->count >= w->max;
}

static bool check_class(struct sim *s, const sp_cim_request *rq, sp_buf *out,
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
    const char *cls = param_str(rq, "ClassName");
    if (!check_class(s, rq, out, cls))
        return;
    struct writer w = {.s = s, .out = out, .form = form};
    w.have_props = param_props(rq, &w.props);
    sp_cimxml_begin_response(out, sp_cim_request_msgid(rq), true,
                             sp_cim_request_name(rq));
    sp_cimxml_begin_return(out);
    s->want = w.have_props ? &w.props : NULL;
    for (size_t c = 0; c < sim_nclasses; c++)
        if (sim_class_served(s, sim_classes[c], ns) &&
            sim_class_is_a(sim_classes[c], cls))
            sim_classes[c]->each(s, 0, write_one, &w);
    s->want = NULL;
    sp_cimxml_end_return(out);
    sp_cimxml_end_response(out, true);
    sim_strlist_clear(&w.props);
}

static void get_instance(struct sim *s, const sp_cim_request *rq, sp_buf *out,
                         const char *ns)
{
    const sp_cim_path *p = param_path(rq, "InstanceName");
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
    i = filtered(i, &props, param_props(rq, &props));
    sp_cimxml_begin_response(out, sp_cim_request_msgid(rq), true,
                             "GetInstance");
    sp_cimxml_begin_return(out);
    sp_cimxml_write_instance(out, i, SP_CIMXML_INSTANCE, NULL, NULL);
    sp_cimxml_end_return(out);
    sp_cimxml_end_response(out, true);
    sp_cim_instance_free(i);
    sim_strlist_clear(&props);
}

static void get_class(struct sim *s, const sp_cim_request *rq, sp_buf *out,
                      const char *ns)
{
    const char *cls = param_str(rq, "ClassName");
    const struct sim_class *c = cls ? sim_class_find(cls) : NULL;
    const sp_cim_class *decl =
        c && sim_class_served(s, c, ns) ? sim_class_decl(cls) : NULL;
    if (!decl) {
        sim_error(rq, out, SP_CIM_ERR_NOT_FOUND,
                  "class '%s' is not served in namespace '%s'", cls ? cls : "",
                  ns);
        return;
    }
    sp_cimxml_begin_response(out, sp_cim_request_msgid(rq), true, "GetClass");
    sp_cimxml_begin_return(out);
    sp_cimxml_write_class(out, decl);
    sp_cimxml_end_return(out);
    sp_cimxml_end_response(out, true);
}

static void class_names(struct sim *s, const sp_cim_request *rq, sp_buf *out,
                        const char *ns, bool whole)
{
    sp_cimxml_begin_response(out, sp_cim_request_msgid(rq), true,
                             sp_cim_request_name(rq));
    sp_cimxml_begin_return(out);
    for (size_t c = 0; c < sim_nclasses; c++) {
        if (!sim_class_served(s, sim_classes[c], ns))
            continue;
        if (whole)
            sp_cimxml_write_class(out, sim_class_decl(sim_classes[c]->name));
        else
            sp_buf_addf(out, "<CLASSNAME NAME=\"%s\"/>\n",
                        sim_classes[c]->name);
    }
    sp_cimxml_end_return(out);
    sp_cimxml_end_response(out, true);
}

/* ---- associations ---- */

struct walk {
    struct sim *s;
    const sp_cim_path *obj;
    const char *result_class, *role, *result_role;
    const struct sim_class *klass;
    bool references;
    sp_cim_path **found; /* the associated objects, or the associations */
    size_t n, cap;
    /* An index of found: open addressing over hashes of the paths, so
     * that a pool's 100,000 volumes are collected in linear time. */
    size_t *slots; /* index + 1 into found; 0 free */
    uint64_t *hashes;
    size_t nslots;
};

static uint64_t fnv(uint64_t h, const char *txt, bool fold)
{
    for (const char *c = txt; c && *c; c++) {
        h ^= (unsigned char)(fold && *c >= 'A' && *c <= 'Z' ? *c + 32 : *c);
        h *= 1099511628211ull;
    }
    return h;
}

/* A hash that equal paths share (sp_cim_path_equal() with no flags): the
 * class and the string keys, names folded, keys in any order. */
static uint64_t path_hash(const sp_cim_path *p)
{
    const uint64_t basis = 1469598103934665603ull;
    uint64_t h = fnv(basis, sp_cim_path_class(p), true);
    for (size_t i = 0; i < sp_cim_path_key_count(p); i++)
        h += fnv(fnv(basis, sp_cim_path_key_name(p, i), true),
                 sp_cim_value_get_string(sp_cim_path_key_value(p, i)), false);
    return h;
}

static void index_put(struct walk *w, size_t i, uint64_t h)
{
    size_t j = h & (w->nslots - 1);
    while (w->slots[j])
        j = (j + 1) & (w->nslots - 1);
    w->slots[j] = i + 1;
}

/* Add @p to the walk's results unless it is there already. */
static void keep(struct walk *w, const sp_cim_path *p)
{
    uint64_t h = path_hash(p);
    if (w->nslots) {
        for (size_t j = h & (w->nslots - 1); w->slots[j];
             j = (j + 1) & (w->nslots - 1)) {
            size_t i = w->slots[j] - 1;
            if (w->hashes[i] == h && sp_cim_path_equal(w->found[i], p, 0))
                return;
        }
    }
    cmd_grow((void **)&w->found, &w->cap, w->n + 1, sizeof(*w->found));
    w->hashes = cmd_xrealloc(w->hashes, w->cap * sizeof(*w->hashes));
    w->hashes[w->n] = h;
    w->found[w->n++] = sp_cim_path_copy(p);
    if (2 * w->n > w->nslots) { /* keep the load at most one half */
        free(w->slots);
        w->nslots = w->nslots ? 2 * w->nslots : 64;
        w->slots = cmd_xcalloc(w->nslots, sizeof(*w->slots));
        for (size_t i = 0; i < w->n; i++)
            index_put(w, i, w->hashes[i]);
    } else {
        index_put(w, w->n - 1, h);
    }
}

static bool class_matches(const char *name, const char *want)
{
    if (!want)
        return true;
    const struct sim_class *c = sim_class_find(name);
    return c && sim_class_is_a(c, want);
}

static int visit_assoc(sp_cim_instance *a, uint64_t pos, void *ud)
{
    struct walk *w = ud;
    const char *roles[2] = {w->klass->role1, w->klass->role2};
    for (int side = 0; side < 2; side++) {
        const sp_cim_path *near =
            sp_cim_value_get_ref(sp_cim_instance_get(a, roles[side]));
        const sp_cim_path *far =
            sp_cim_value_get_ref(sp_cim_instance_get(a, roles[!side]));
        if (!near || !far || !sp_cim_path_equal(near, w->obj, 0))
            continue;
        if (w->role && strcasecmp(w->role, roles[side]) != 0)
            continue;
        if (w->references) {
            keep(w, sp_cim_instance_path(a));
            break;
        }
        if (w->result_role && strcasecmp(w->result_role, roles[!side]) != 0)
            continue;
        if (class_matches(sp_cim_path_class(far), w->result_class))
            keep(w, far);
    }
    sp_cim_instance_free(a);
    return 0;
}

/* Collect what @obj is associated with (or, for References, the
 * associations themselves).  False (and an error in @out) when @obj does
 * not exist. */
static bool walk(struct sim *s, const sp_cim_request *rq, sp_buf *out,
                 const sp_cim_path *obj, const char *assoc_class,
                 const char *result_class, bool references, struct walk *w)
{
    *w = (struct walk){.s = s, .obj = obj, .references = references};
    sp_cim_instance *self = sim_get_instance(s, obj);
    if (!self) {
        char *txt = sp_cim_path_to_string(obj);
        sim_error(rq, out, SP_CIM_ERR_NOT_FOUND, "no instance %s", txt);
        free(txt);
        return false;
    }
    sp_cim_instance_free(self);
    w->role = param_str(rq, "Role");
    w->result_role = param_str(rq, "ResultRole");
    w->result_class = references ? NULL : result_class;
    for (size_t c = 0; c < sim_nclasses; c++) {
        const struct sim_class *k = sim_classes[c];
        /* Associations cross namespaces (the interop profile conforms to
         * the system in root/sim), so every one is walked. */
        if (!k->role1 || !sim_class_served(s, k, NULL))
            continue;
        if (assoc_class && !sim_class_is_a(k, assoc_class))
            continue;
        if (references && result_class && !sim_class_is_a(k, result_class))
            continue;
        w->klass = k;
        k->each(s, 0, visit_assoc, w);
    }
    return true;
}

/* Free the index, keeping the results. */
static void walk_free_index(struct walk *w)
{
    free(w->slots);
    free(w->hashes);
    w->slots = NULL;
    w->hashes = NULL;
    w->nslots = 0;
}

static void walk_free(struct walk *w)
{
    walk_free_index(w);
    for (size_t i = 0; i < w->n; i++)
        sp_cim_path_free(w->found[i]);
    free(w->found);
}

static void associators(struct sim *s, const sp_cim_request *rq, sp_buf *out,
                        bool references, bool names)
{
    const sp_cim_path *obj = param_path(rq, "ObjectName");
    if (!obj) {
        /* Class-level association queries: nothing is associated. */
        if (!param_str(rq, "ObjectName")) {
            sim_error(rq, out, SP_CIM_ERR_INVALID_PARAMETER, "no ObjectName");
            return;
        }
        sp_cimxml_begin_response(out, sp_cim_request_msgid(rq), true,
                                 sp_cim_request_name(rq));
        sp_cimxml_end_response(out, true);
        return;
    }
    const char *rc = param_str(rq, references ? "ResultClass" : "AssocClass");
    const char *result = param_str(rq, "ResultClass");
    struct walk w;
    if (!walk(s, rq, out, obj, references ? NULL : rc, result, references, &w))
        return;
    struct sim_strlist props = {0};
    bool have_props = param_props(rq, &props);
    sp_cimxml_begin_response(out, sp_cim_request_msgid(rq), true,
                             sp_cim_request_name(rq));
    sp_cimxml_begin_return(out);
    for (size_t i = 0; i < w.n; i++) {
        if (names) {
            sp_cimxml_write_path(out, w.found[i], SP_CIMXML_OBJECT_PATH,
                                 s->host, NULL);
            continue;
        }
        sp_cim_instance *inst = sim_get_instance(s, w.found[i]);
        if (!inst)
            continue;
        inst = filtered(inst, &props, have_props);
        sp_cimxml_write_instance(out, inst, SP_CIMXML_OBJECT, s->host, NULL);
        sp_cim_instance_free(inst);
    }
    sp_cimxml_end_return(out);
    sp_cimxml_end_response(out, true);
    sim_strlist_clear(&props);
    walk_free(&w);
}

/* ---- pull operations ---- */

static void enum_drop(struct sim *s, size_t i)
{
    sim_enum_release(&s->enums[i]);
    memmove(&s->enums[i], &s->enums[i + 1],
            (s->nenums - i - 1) * sizeof(*s->enums));
    s->nenums--;
}

static void enum_expire(struct sim *s)
{
    int64_t now = sim_now_ms();
    for (size_t i = 0; i < s->nenums;)
        if (s->enums[i].expires_ms <= now)
            enum_drop(s, i);
        else
            i++;
}

static struct sim_enum *enum_find(struct sim *s, const char *id, size_t *idx)
{
    enum_expire(s);
    for (size_t i = 0; id && i < s->nenums; i++)
        if (strcmp(s->enums[i].id, id) == 0) {
            *idx = i;
            return &s->enums[i];
        }
    return NULL;
}

static bool pull_params(const sp_cim_request *rq, sp_buf *out, uint32_t *max,
                        uint32_t *timeout)
{
    uint64_t v = 0;
    const sp_cim_value *m = param(rq, "MaxObjectCount");
    *max = 0;
    if (m) {
        if (!sp_cim_value_get_uint(m, &v) || v > UINT32_MAX) {
            sim_error(rq, out, SP_CIM_ERR_INVALID_PARAMETER,
                      "MaxObjectCount is not a uint32");
            return false;
        }
        *max = (uint32_t)v;
    }
    if (!timeout)
        return true;
    *timeout = DEFAULT_ENUM_TIMEOUT_S;
    const sp_cim_value *t = param(rq, "OperationTimeout");
    if (t) {
        if (!sp_cim_value_get_uint(t, &v) || v > MAX_ENUM_TIMEOUT_S) {
            sim_error(rq, out, SP_CIM_ERR_INVALID_OPERATION_TIMEOUT,
                      "OperationTimeout must be 0..%u seconds",
                      MAX_ENUM_TIMEOUT_S);
            return false;
        }
        *timeout = v ? (uint32_t)v : DEFAULT_ENUM_TIMEOUT_S;
    }
    if (param(rq, "FilterQuery") || param(rq, "FilterQueryLanguage")) {
        sim_error(rq, out, SP_CIM_ERR_FILTERED_ENUMERATION_NOT_SUPPORTED,
                  "filtered enumerations are not supported");
        return false;
    }
    if (param_bool(rq, "ContinueOnError", false)) {
        sim_error(rq, out, SP_CIM_ERR_CONTINUATION_ON_ERROR_NOT_SUPPORTED,
                  "ContinueOnError is not supported");
        return false;
    }
    return true;
}

/* Write up to @max objects of @e; true when the sequence is complete. */
static bool page(struct sim *s, struct sim_enum *e, sp_buf *out, uint32_t max)
{
    struct writer w = {.s = s,
                       .out = out,
                       .form = SP_CIMXML_WITH_PATH,
                       .props = e->props,
                       .have_props = e->have_props,
                       .max = max};
    /* An association enumeration (even an empty one) has no class. */
    if (!e->classname) {
        while (e->next < e->npaths && w.count < max) {
            sp_cim_instance *i = sim_get_instance(s, e->paths[e->next++]);
            if (i)
                write_one(i, 0, &w);
        }
        return e->next >= e->npaths;
    }
    while (e->klass < sim_nclasses) {
        const struct sim_class *c = sim_classes[e->klass];
        if (w.count >= max)
            return false;
        if (!sim_class_served(s, c, e->ns) ||
            !sim_class_is_a(c, e->classname)) {
            e->klass++;
            e->pos = 0;
            continue;
        }
        size_t before = w.count;
        w.last_pos = e->pos;
        s->want = e->have_props ? &e->props : NULL;
        c->each(s, e->pos, write_one, &w);
        s->want = NULL;
        if (w.count >= max && w.count > before) {
            /* Stopped by the page size: resume after the last one. */
            e->pos = w.last_pos;
            return false;
        }
        e->klass++;
        e->pos = 0;
    }
    return true;
}

static void pull_response(struct sim *s, const sp_cim_request *rq, sp_buf *out,
                          struct sim_enum *e, size_t idx, uint32_t max)
{
    sp_cimxml_begin_response(out, sp_cim_request_msgid(rq), true,
                             sp_cim_request_name(rq));
    sp_cimxml_begin_return(out);
    bool done = page(s, e, out, max);
    sp_cimxml_end_return(out);
    sp_cim_value *eos = sp_cim_value_new_bool(done);
    sp_cim_value *ctx =
        sp_cim_value_new_string(SP_CIM_STRING, done ? "" : e->id);
    sp_cimxml_write_param(out, "EndOfSequence", eos);
    sp_cimxml_write_param(out, "EnumerationContext", ctx);
    sp_cim_value_free(eos);
    sp_cim_value_free(ctx);
    sp_cimxml_end_response(out, true);
    if (done)
        enum_drop(s, idx);
    else
        e->expires_ms = sim_now_ms() + (int64_t)e->timeout_s * 1000;
}

static struct sim_enum *enum_new(struct sim *s, const sp_cim_request *rq,
                                 sp_buf *out, uint32_t timeout, size_t *idx)
{
    enum_expire(s);
    if (s->nenums >= s->o.max_enums) {
        sim_error(rq, out, SP_CIM_ERR_SERVER_LIMITS_EXCEEDED,
                  "too many open enumerations (%zu)", s->nenums);
        return NULL;
    }
    cmd_grow((void **)&s->enums, &s->capenums, s->nenums + 1,
             sizeof(*s->enums));
    struct sim_enum *e = &s->enums[s->nenums];
    memset(e, 0, sizeof(*e));
    snprintf(e->id, sizeof(e->id), "sim-enum-%lu", ++s->next_enum);
    e->timeout_s = timeout;
    e->expires_ms = sim_now_ms() + (int64_t)timeout * 1000;
    e->ns = cmd_xstrdup(sim_namespace(sp_cim_request_namespace(rq)));
    e->have_props = param_props(rq, &e->props);
    *idx = s->nenums++;
    return e;
}

static void open_enumerate(struct sim *s, const sp_cim_request *rq, sp_buf *out)
{
    uint32_t max, timeout;
    const char *cls = param_str(rq, "ClassName");
    if (!pull_params(rq, out, &max, &timeout) || !check_class(s, rq, out, cls))
        return;
    size_t idx;
    struct sim_enum *e = enum_new(s, rq, out, timeout, &idx);
    if (!e)
        return;
    e->classname = cmd_xstrdup(cls);
    e->deep = param_bool(rq, "DeepInheritance", true);
    pull_response(s, rq, out, e, idx, max);
}

static void open_associators(struct sim *s, const sp_cim_request *rq,
                             sp_buf *out)
{
    uint32_t max, timeout;
    const sp_cim_path *obj = param_path(rq, "InstanceName");
    if (!pull_params(rq, out, &max, &timeout))
        return;
    if (!obj) {
        sim_error(rq, out, SP_CIM_ERR_INVALID_PARAMETER, "no InstanceName");
        return;
    }
    struct walk w;
    if (!walk(s, rq, out, obj, param_str(rq, "AssocClass"),
              param_str(rq, "ResultClass"), false, &w))
        return;
    size_t idx;
    struct sim_enum *e = enum_new(s, rq, out, timeout, &idx);
    if (!e) {
        walk_free(&w);
        return;
    }
    /* Keep the paths (not the instances) and page through them. */
    walk_free_index(&w);
    e->paths = w.found;
    e->npaths = w.n;
    pull_response(s, rq, out, e, idx, max);
}

static void pull(struct sim *s, const sp_cim_request *rq, sp_buf *out)
{
    uint32_t max;
    size_t idx;
    if (!pull_params(rq, out, &max, NULL))
        return;
    struct sim_enum *e =
        enum_find(s, param_str(rq, "EnumerationContext"), &idx);
    if (!e) {
        sim_error(rq, out, SP_CIM_ERR_INVALID_ENUMERATION_CONTEXT,
                  "no open enumeration '%s' (closed, finished or expired)",
                  param_str(rq, "EnumerationContext")
                      ? param_str(rq, "EnumerationContext")
                      : "");
        return;
    }
    pull_response(s, rq, out, e, idx, max);
}

static void close_enumeration(struct sim *s, const sp_cim_request *rq,
                              sp_buf *out)
{
    size_t idx;
    const char *id = param_str(rq, "EnumerationContext");
    if (!enum_find(s, id, &idx)) {
        sim_error(rq, out, SP_CIM_ERR_INVALID_ENUMERATION_CONTEXT,
                  "no open enumeration '%s'", id ? id : "");
        return;
    }
    enum_drop(s, idx);
    sp_cimxml_begin_response(out, sp_cim_request_msgid(rq), true,
                             "CloseEnumeration");
    sp_cimxml_end_response(out, true);
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
    else if (strcmp(op, "GetClass") == 0)
        get_class(s, rq, out, ns);
    else if (strcmp(op, "EnumerateClassNames") == 0)
        class_names(s, rq, out, ns, false);
    else if (strcmp(op, "EnumerateClasses") == 0)
        class_names(s, rq, out, ns, true);
    else if (strcmp(op, "Associators") == 0)
        associators(s, rq, out, false, false);
    else if (strcmp(op, "AssociatorNames") == 0)
        associators(s, rq, out, false, true);
    else if (strcmp(op, "References") == 0)
        associators(s, rq, out, true, false);
    else if (strcmp(op, "ReferenceNames") == 0)
        associators(s, rq, out, true, true);
    else if (strcmp(op, "OpenEnumerateInstances") == 0)
        open_enumerate(s, rq, out);
    else if (strcmp(op, "OpenAssociatorInstances") == 0)
        open_associators(s, rq, out);
    else if (strcmp(op, "PullInstancesWithPath") == 0)
        pull(s, rq, out);
    else if (strcmp(op, "CloseEnumeration") == 0)
        close_enumeration(s, rq, out);
    else
        sim_error(rq, out, SP_CIM_ERR_NOT_SUPPORTED,
                  "operation %s is not supported", op);
}
