/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* tests/tools/schemacheck.c: check the classes and instances a CIM server
 * (smis-sim) serves against the DMTF CIM Schema (smis-sim's schema table,
 * generated from the MOFs). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <dirent.h>

#include "cim/cimclient.h" /* not exported: linked from the static archive */
#include "cim/cimserver.h"
#include "cim/cimxml.h"
#include "schema.h" /* cmd/smis-sim/schema.c, schema_decl.c */

static const char usage[] =
    "usage: schemacheck [--traces DIR] URL NAMESPACE...\n"
    "\n"
    "Check every class the server at URL has in each NAMESPACE, and every\n"
    "instance of its own (non-schema) classes, against the DMTF CIM Schema\n"
    "2.49 as smis-sim's table (cmd/smis-sim/schema.c) holds it:\n"
    "  classes    GetClass answers for each class EnumerateClassNames\n"
    "             lists and for each superclass up to the root; a schema\n"
    "             class is declared as the schema declares it, any other\n"
    "             class as its schema superclass (a subclass adding\n"
    "             nothing): properties, types, keys, reference classes,\n"
    "             ValueMaps, methods, parameters, In and Out;\n"
    "             EnumerateClassNames of a class gives its subclasses\n"
    "  instances  each property declared with its type; the path's keys\n"
    "             are the class's keys; Required properties are there;\n"
    "             each reference names an existing\n"
    "             instance of (a subclass of) the declared class; integers\n"
    "             inside their ValueMap\n"
    "  methods    with --traces, each method call in DIR (smis-sim's\n"
    "             --trace-dir): its parameters are In parameters of the\n"
    "             schema's method, its answer's are Out ones, of the\n"
    "             declared types and reference classes\n"
    "\n"
    "Prints one line per problem found (instances of a class with the same\n"
    "problem share one line), then a count on stderr.  Exit status: 0 no\n"
    "problem, 1 problems, 2 usage or connection failure.\n";

/* ---- problems, kept unique and printed sorted ---- */

static char **problems;
static size_t nproblems;

static void problem(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void problem(const char *fmt, ...)
{
    char *s;
    va_list ap;
    va_start(ap, fmt);
    if (vasprintf(&s, fmt, ap) < 0)
        abort();
    va_end(ap);
    for (size_t i = 0; i < nproblems; i++)
        if (strcmp(problems[i], s) == 0) {
            free(s);
            return;
        }
    problems = realloc(problems, (nproblems + 1) * sizeof(*problems));
    if (!problems)
        abort();
    problems[nproblems++] = s;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* ---- the server's classes ---- */

struct served {
    char *name, *super, *ns;
    sp_cim_class *decl; /* as GetClass answered */
};

static struct served *served;
static size_t nserved;
static sp_cim_client *client;

static struct served *find_served(const char *ns, const char *name)
{
    for (size_t i = 0; name && i < nserved; i++)
        if (strcasecmp(served[i].name, name) == 0 &&
            strcmp(served[i].ns, ns) == 0)
            return &served[i];
    return NULL;
}

/* Is the served class @name @base or a subclass of it? */
static bool served_is_a(const char *ns, const char *name, const char *base)
{
    for (struct served *c = find_served(ns, name); c;
         c = find_served(ns, c->super))
        if (strcasecmp(c->name, base) == 0)
            return true;
    return false;
}

struct names {
    char **v;
    size_t n;
};

static int add_name(const char *name, void *ud)
{
    struct names *l = ud;
    l->v = realloc(l->v, (l->n + 1) * sizeof(*l->v));
    if (!l->v || !(l->v[l->n++] = strdup(name ? name : "")))
        abort();
    return 0;
}

static void names_free(struct names *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    memset(l, 0, sizeof(*l));
}

static bool names_has(const struct names *l, const char *name)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcasecmp(l->v[i], name) == 0)
            return true;
    return false;
}

/* GetClass of @name into the served list (once). */
static struct served *load_class(const char *ns, const char *name)
{
    struct served *c = find_served(ns, name);
    if (c)
        return c;
    sp_cim_class *decl = NULL;
    if (sp_cim_get_class(client, ns, name, 0, &decl)) {
        problem("%s: GetClass in %s fails: %s", name, ns,
                sp_cim_client_error(client)->message);
        return NULL;
    }
    served = realloc(served, (nserved + 1) * sizeof(*served));
    if (!served)
        abort();
    c = &served[nserved++];
    const char *super = sp_cim_class_superclass(decl);
    *c = (struct served){.name = strdup(sp_cim_class_name(decl)),
                         .super = super ? strdup(super) : NULL,
                         .ns = strdup(ns),
                         .decl = decl};
    return c;
}

/* ---- comparing declarations ---- */

static const char *type_text(sp_cim_type t, bool array, char *buf, size_t n)
{
    snprintf(buf, n, "%s%s",
             t == SP_CIM_INSTANCE ? "string" : sp_cim_type_name(t),
             array ? "[]" : "");
    return buf;
}

static bool same_type(const sp_cim_property_decl *a,
                      const sp_cim_property_decl *b)
{
    sp_cim_type ta = sp_cim_decl_type(a), tb = sp_cim_decl_type(b);
    if (ta == SP_CIM_INSTANCE)
        ta = SP_CIM_STRING;
    if (tb == SP_CIM_INSTANCE)
        tb = SP_CIM_STRING;
    return ta == tb && sp_cim_decl_is_array(a) == sp_cim_decl_is_array(b);
}

static bool same_value(const sp_cim_value *a, const sp_cim_value *b)
{
    if (!a || !b)
        return !a && !b;
    if (sp_cim_value_count(a) != sp_cim_value_count(b))
        return false;
    for (size_t i = 0; i < sp_cim_value_count(a); i++) {
        const char *x = sp_cim_value_get_string(sp_cim_value_at(a, i));
        const char *y = sp_cim_value_get_string(sp_cim_value_at(b, i));
        if (!x || !y || strcmp(x, y) != 0)
            return false;
    }
    return true;
}

static bool flag(const sp_cim_property_decl *d, const char *q)
{
    return sp_cim_decl_has_flag(d, q);
}

/* @got (a property or parameter) against @want; @what names it. */
static void compare_decl(const char *what, const sp_cim_property_decl *got,
                         const sp_cim_property_decl *want, bool param)
{
    char b1[64], b2[64];
    if (!same_type(got, want))
        problem("%s: type %s, the schema's is %s", what,
                type_text(sp_cim_decl_type(got), sp_cim_decl_is_array(got), b1,
                          sizeof(b1)),
                type_text(sp_cim_decl_type(want), sp_cim_decl_is_array(want),
                          b2, sizeof(b2)));
    const char *rg = sp_cim_decl_refclass(got),
               *rw = sp_cim_decl_refclass(want);
    if (rw && (!rg || strcasecmp(rg, rw) != 0))
        problem("%s: references %s, the schema's %s", what, rg ? rg : "nothing",
                rw);
    static const char *const flags[] = {"Key", "In", "Out"};
    for (size_t i = param ? 1 : 0; i < (param ? 3u : 1u); i++)
        if (flag(got, flags[i]) != flag(want, flags[i]))
            problem("%s: %s is %s, in the schema %s", what, flags[i],
                    flag(got, flags[i]) ? "true" : "false",
                    flag(want, flags[i]) ? "true" : "false");
    static const char *const lists[] = {"ValueMap", "Values"};
    for (size_t i = 0; i < 2; i++)
        if (!same_value(sp_cim_decl_get_qualifier(got, lists[i]),
                        sp_cim_decl_get_qualifier(want, lists[i])))
            problem("%s: %s differs from the schema's", what, lists[i]);
    const sp_cim_value *eg = sp_cim_decl_get_qualifier(got, "EmbeddedInstance");
    const sp_cim_value *ew =
        sp_cim_decl_get_qualifier(want, "EmbeddedInstance");
    const char *sg = eg ? sp_cim_value_get_string(eg) : NULL;
    const char *sw = ew ? sp_cim_value_get_string(ew) : NULL;
    if ((sg || sw) && (!sg || !sw || strcasecmp(sg, sw) != 0))
        problem("%s: EmbeddedInstance %s, in the schema %s", what,
                sg ? sg : "none", sw ? sw : "none");
}

static void compare_method(const char *cls, const sp_cim_method_decl *got,
                           const sp_cim_method_decl *want)
{
    const char *m = sp_cim_method_name(want);
    if (sp_cim_method_return_type(got) != sp_cim_method_return_type(want))
        problem("%s.%s(): return type differs from the schema's", cls, m);
    for (size_t i = 0; i < sp_cim_method_param_count(want); i++) {
        const sp_cim_param_decl *w = sp_cim_method_param_at(want, i);
        const sp_cim_param_decl *g = NULL;
        for (size_t k = 0; k < sp_cim_method_param_count(got) && !g; k++)
            if (strcasecmp(sp_cim_decl_name(sp_cim_method_param_at(got, k)),
                           sp_cim_decl_name(w)) == 0)
                g = sp_cim_method_param_at(got, k);
        char what[256];
        snprintf(what, sizeof(what), "%s.%s(%s)", cls, m, sp_cim_decl_name(w));
        if (!g)
            problem("%s: parameter missing", what);
        else
            compare_decl(what, g, w, true);
    }
    for (size_t k = 0; k < sp_cim_method_param_count(got); k++) {
        const char *n = sp_cim_decl_name(sp_cim_method_param_at(got, k));
        bool found = false;
        for (size_t i = 0; i < sp_cim_method_param_count(want) && !found; i++)
            found =
                strcasecmp(sp_cim_decl_name(sp_cim_method_param_at(want, i)),
                           n) == 0;
        if (!found)
            problem("%s.%s(%s): not a parameter in the schema", cls, m, n);
    }
}

static void compare_class(const sp_cim_class *got, const sp_cim_class *want)
{
    const char *cls = sp_cim_class_name(got);
    for (size_t i = 0; i < sp_cim_class_property_count(want); i++) {
        const sp_cim_property_decl *w = sp_cim_class_property_at(want, i);
        const sp_cim_property_decl *g =
            sp_cim_class_find_property(got, sp_cim_decl_name(w));
        char what[256];
        snprintf(what, sizeof(what), "%s.%s", cls, sp_cim_decl_name(w));
        if (!g)
            problem("%s: property missing from the class", what);
        else
            compare_decl(what, g, w, false);
    }
    for (size_t i = 0; i < sp_cim_class_property_count(got); i++) {
        const char *n = sp_cim_decl_name(sp_cim_class_property_at(got, i));
        if (!sp_cim_class_find_property(want, n))
            problem("%s.%s: not a property of the schema class", cls, n);
    }
    for (size_t i = 0; i < sp_cim_class_method_count(want); i++) {
        const sp_cim_method_decl *w = sp_cim_class_method_at(want, i);
        const sp_cim_method_decl *g =
            sp_cim_class_find_method(got, sp_cim_method_name(w));
        if (!g)
            problem("%s.%s(): method missing from the class", cls,
                    sp_cim_method_name(w));
        else
            compare_method(cls, g, w);
    }
    for (size_t i = 0; i < sp_cim_class_method_count(got); i++) {
        const char *n = sp_cim_method_name(sp_cim_class_method_at(got, i));
        if (!sp_cim_class_find_method(want, n))
            problem("%s.%s(): not a method of the schema class", cls, n);
    }
    bool ga = sp_cim_class_get_qualifier(got, "Association") != NULL;
    bool wa = sp_cim_class_get_qualifier(want, "Association") != NULL;
    if (ga != wa)
        problem("%s: Association qualifier %s, the schema %s", cls,
                ga ? "set" : "missing", wa ? "sets it" : "does not");
}

/* The schema's declaration of served class @c: the schema class itself,
 * or the nearest schema ancestor (the class adds nothing to it). */
static sp_cim_class *expected_decl(const struct served *c)
{
    if (sim_schema_find(c->name))
        return sim_schema_class_decl(c->name, NULL);
    const struct served *up = c;
    while (up && up->super && !sim_schema_find(up->super))
        up = find_served(c->ns, up->super);
    if (!up || !up->super) {
        problem("%s: has no schema class among its ancestors", c->name);
        return NULL;
    }
    return sim_schema_class_decl(c->name, up->super);
}

static void check_classes(const char *ns)
{
    struct names all = {0};
    if (sp_cim_enumerate_class_names(client, ns, NULL, 0, add_name, &all)) {
        problem("EnumerateClassNames in %s fails: %s", ns,
                sp_cim_client_error(client)->message);
        return;
    }
    if (!all.n)
        problem("EnumerateClassNames in %s: no classes", ns);
    for (size_t i = 0; i < all.n; i++) {
        /* The chain up to the root: each superclass answers GetClass and
         * is listed too. */
        struct served *c = load_class(ns, all.v[i]);
        for (int depth = 0; c && c->super && depth < 32; depth++) {
            if (!names_has(&all, c->super))
                problem("%s: superclass %s not listed by EnumerateClassNames "
                        "in %s",
                        c->name, c->super, ns);
            c = load_class(ns, c->super);
        }
    }
    for (size_t i = 0; i < all.n; i++) {
        struct served *c = find_served(ns, all.v[i]);
        if (!c)
            continue;
        sp_cim_class *want = expected_decl(c);
        if (want)
            compare_class(c->decl, want);
        sp_cim_class_free(want);
        /* EnumerateClassNames of the class: its direct subclasses. */
        struct names sub = {0};
        if (sp_cim_enumerate_class_names(client, ns, c->name, SP_CIM_SHALLOW,
                                         add_name, &sub)) {
            problem("%s: EnumerateClassNames of it in %s fails: %s", c->name,
                    ns, sp_cim_client_error(client)->message);
            continue;
        }
        for (size_t k = 0; k < all.n; k++) {
            struct served *d = find_served(ns, all.v[k]);
            bool child = d && d->super && strcasecmp(d->super, c->name) == 0;
            if (child != names_has(&sub, all.v[k]))
                problem("%s: EnumerateClassNames in %s %s subclass %s", c->name,
                        ns, child ? "leaves out its" : "lists as a", all.v[k]);
        }
        names_free(&sub);
    }
    /* The roots: EnumerateClassNames without a class, not deep. */
    struct names roots = {0};
    if (!sp_cim_enumerate_class_names(client, ns, NULL, SP_CIM_SHALLOW,
                                      add_name, &roots))
        for (size_t k = 0; k < all.n; k++) {
            struct served *d = find_served(ns, all.v[k]);
            if (d && !d->super != names_has(&roots, d->name))
                problem("EnumerateClassNames in %s: root class %s %s", ns,
                        d->name, d->super ? "listed" : "left out");
        }
    names_free(&roots);
    names_free(&all);
}

/* ---- instances ---- */

struct inst_ctx {
    const char *ns;
    const struct served *cls;
    const sp_cim_class *decl;
    size_t count;
};

static bool value_type_ok(const sp_cim_value *v, const sp_cim_property_decl *d)
{
    sp_cim_type t = sp_cim_value_type(v), want = sp_cim_decl_type(d);
    if (sp_cim_value_is_untyped(v))
        return true; /* the wire gave no type: nothing to compare */
    if (t == SP_CIM_INSTANCE || want == SP_CIM_INSTANCE)
        return (t == SP_CIM_INSTANCE || t == SP_CIM_STRING) &&
               (want == SP_CIM_INSTANCE || want == SP_CIM_STRING);
    return t == want && sp_cim_value_is_array(v) == sp_cim_decl_is_array(d);
}

/* References seen while instances stream in, checked afterwards (the
 * client makes one request at a time). */
struct pending_ref {
    char *cls, *prop, *target, *ns;
    sp_cim_path *ref;
};
static struct pending_ref *refs;
static size_t nrefs;

static void check_ref(const struct inst_ctx *x, const char *prop,
                      const sp_cim_path *ref, const char *target)
{
    refs = realloc(refs, (nrefs + 1) * sizeof(*refs));
    if (!refs)
        abort();
    refs[nrefs++] = (struct pending_ref){
        .cls = strdup(x->cls->name),
        .prop = strdup(prop),
        .target = target ? strdup(target) : NULL,
        .ns = strdup(sp_cim_path_namespace(ref) ? sp_cim_path_namespace(ref)
                                                : x->ns),
        .ref = sp_cim_path_copy(ref)};
}

static void check_refs(void)
{
    for (size_t i = 0; i < nrefs; i++) {
        struct pending_ref *r = &refs[i];
        const char *cls = sp_cim_path_class(r->ref);
        if (!find_served(r->ns, cls))
            load_class(r->ns, cls);
        if (r->target && !served_is_a(r->ns, cls, r->target)) {
            problem("%s.%s: refers to a %s, which is not a %s", r->cls, r->prop,
                    cls, r->target);
        } else {
            sp_cim_instance *got = NULL;
            if (sp_cim_get_instance(client, r->ref, NULL, 0, &got))
                problem("%s.%s: refers to a %s that GetInstance does not "
                        "find: %s",
                        r->cls, r->prop, cls,
                        sp_cim_client_error(client)->message);
            sp_cim_instance_free(got);
        }
        free(r->cls);
        free(r->prop);
        free(r->target);
        free(r->ns);
        sp_cim_path_free(r->ref);
    }
    free(refs);
    refs = NULL;
    nrefs = 0;
}

static void check_valuemap(const struct inst_ctx *x, const char *prop,
                           const sp_cim_value *v, const char *map)
{
    size_t n = sp_cim_value_is_array(v) ? sp_cim_value_count(v) : 1;
    for (size_t i = 0; i < n; i++) {
        const sp_cim_value *e =
            sp_cim_value_is_array(v) ? sp_cim_value_at(v, i) : v;
        uint64_t u;
        if (sp_cim_value_is_null(e) || !sp_cim_value_get_uint(e, &u))
            continue;
        if (!sim_schema_in_valuemap(map, u))
            problem("%s.%s: value %llu is not in the ValueMap", x->cls->name,
                    prop, (unsigned long long)u);
    }
}

static void check_value(const struct inst_ctx *x, const char *name,
                        const sp_cim_value *v)
{
    const sp_cim_property_decl *d = sp_cim_class_find_property(x->decl, name);
    if (!d) {
        problem("%s.%s: not a property of the class (nor of the schema's)",
                x->cls->name, name);
        return;
    }
    char b1[64], b2[64];
    if (!sp_cim_value_is_null(v) && !value_type_ok(v, d))
        problem("%s.%s: a %s value, declared %s", x->cls->name, name,
                type_text(sp_cim_value_type(v), sp_cim_value_is_array(v), b1,
                          sizeof(b1)),
                type_text(sp_cim_decl_type(d), sp_cim_decl_is_array(d), b2,
                          sizeof(b2)));
    if (sp_cim_value_is_null(v))
        return;
    if (sp_cim_decl_type(d) == SP_CIM_REFERENCE && sp_cim_value_get_ref(v))
        check_ref(x, name, sp_cim_value_get_ref(v), sp_cim_decl_refclass(d));
    const sp_cim_value *map = sp_cim_decl_get_qualifier(d, "ValueMap");
    if (map && sp_cim_decl_type(d) != SP_CIM_STRING) {
        /* The expected declaration's ValueMap (the schema's). */
        char *text = NULL;
        size_t len = 0;
        for (size_t i = 0; i < sp_cim_value_count(map); i++) {
            const char *s = sp_cim_value_get_string(sp_cim_value_at(map, i));
            size_t n = strlen(s ? s : "");
            text = realloc(text, len + n + 2);
            if (!text)
                abort();
            if (len)
                text[len++] = '\n';
            memcpy(text + len, s ? s : "", n);
            len += n;
            text[len] = '\0';
        }
        if (text)
            check_valuemap(x, name, v, text);
        free(text);
    }
}

static int check_instance(sp_cim_instance *inst, void *ud)
{
    struct inst_ctx *x = ud;
    x->count++;
    const char *cls = x->cls->name;
    if (strcasecmp(sp_cim_instance_class(inst), cls) != 0)
        problem("%s: an instance of %s in its enumeration", cls,
                sp_cim_instance_class(inst));
    const sp_cim_path *p = sp_cim_instance_path(inst);
    if (!p) {
        problem("%s: an instance without a path", cls);
        sp_cim_instance_free(inst);
        return 0;
    }
    /* The path's keys are the class's keys. */
    for (size_t k = 0; k < sp_cim_path_key_count(p); k++) {
        const char *n = sp_cim_path_key_name(p, k);
        const sp_cim_property_decl *d = sp_cim_class_find_property(x->decl, n);
        if (!d || !sp_cim_decl_has_flag(d, "Key"))
            problem("%s: key %s of its paths is not a key of the class", cls,
                    n);
        else
            check_value(x, n, sp_cim_path_key_value(p, k));
    }
    for (size_t i = 0; i < sp_cim_class_property_count(x->decl); i++) {
        const sp_cim_property_decl *d = sp_cim_class_property_at(x->decl, i);
        if (sp_cim_decl_has_flag(d, "Key") &&
            !sp_cim_path_get_key(p, sp_cim_decl_name(d)))
            problem("%s: key %s missing from its paths", cls,
                    sp_cim_decl_name(d));
    }
    for (size_t i = 0; i < sp_cim_class_property_count(x->decl); i++) {
        const sp_cim_property_decl *d = sp_cim_class_property_at(x->decl, i);
        const char *n = sp_cim_decl_name(d);
        const sp_cim_value *v = sp_cim_instance_get(inst, n);
        if (sp_cim_decl_has_flag(d, "Required") && !sp_cim_path_get_key(p, n) &&
            (!v || sp_cim_value_is_null(v)))
            problem("%s.%s: Required, but %s", cls, n, v ? "NULL" : "left out");
    }
    for (size_t i = 0; i < sp_cim_instance_prop_count(inst); i++) {
        const char *n = sp_cim_instance_prop_name(inst, i);
        const sp_cim_property_decl *d = sp_cim_class_find_property(x->decl, n);
        /* Keys were checked through the path. */
        if (d && sp_cim_decl_has_flag(d, "Key") && sp_cim_path_get_key(p, n))
            continue;
        check_value(x, n, sp_cim_instance_prop_value(inst, i));
    }
    sp_cim_instance_free(inst);
    return 0;
}

static size_t check_instances(const char *ns)
{
    size_t total = 0;
    size_t n = nserved; /* load_class may add to the list */
    for (size_t i = 0; i < n; i++) {
        if (strcmp(served[i].ns, ns) != 0 || sim_schema_find(served[i].name))
            continue;
        sp_cim_class *decl = expected_decl(&served[i]);
        if (!decl)
            continue;
        /* Copies: the list may move while the instances are checked. */
        struct served cls = served[i];
        struct inst_ctx x = {.ns = ns, .cls = &cls, .decl = decl};
        if (sp_cim_enumerate_instances(client, ns, cls.name, NULL,
                                       SP_CIM_SHALLOW | SP_CIM_NO_PULL,
                                       check_instance, &x))
            problem("%s: EnumerateInstances in %s fails: %s", cls.name, ns,
                    sp_cim_client_error(client)->message);
        total += x.count;
        sp_cim_class_free(decl);
    }
    return total;
}

/* ---- method calls, from smis-sim's traces ---- */

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *data = NULL;
    size_t n = 0, cap = 0, got;
    do {
        if (n + 65536 > cap) {
            cap = (n + 65536) * 2;
            data = realloc(data, cap + 1);
            if (!data)
                abort();
        }
        got = fread(data + n, 1, cap - n, f);
        n += got;
    } while (got > 0);
    fclose(f);
    data[n] = '\0';
    *len = n;
    return data;
}

/* Parameter @name = @v of @cls.@m against the schema's declaration. */
static void check_arg(const char *ns, const char *cls,
                      const sp_cim_method_decl *m, const char *name,
                      const sp_cim_value *v, const char *dir)
{
    const char *mn = sp_cim_method_name(m);
    const sp_cim_param_decl *d = NULL;
    for (size_t k = 0; k < sp_cim_method_param_count(m) && !d; k++)
        if (strcasecmp(sp_cim_decl_name(sp_cim_method_param_at(m, k)), name) ==
            0)
            d = sp_cim_method_param_at(m, k);
    if (!d) {
        problem("%s.%s(%s): %s, not a parameter in the schema", cls, mn, name,
                dir);
        return;
    }
    if (!sp_cim_decl_has_flag(d, dir))
        problem("%s.%s(%s): passed %s, not an %s parameter in the schema", cls,
                mn, name, strcmp(dir, "In") == 0 ? "in" : "out", dir);
    char b1[64], b2[64];
    if (!sp_cim_value_is_null(v) && !value_type_ok(v, d))
        problem("%s.%s(%s): a %s value (%s), declared %s", cls, mn, name,
                type_text(sp_cim_value_type(v), sp_cim_value_is_array(v), b1,
                          sizeof(b1)),
                dir,
                type_text(sp_cim_decl_type(d), sp_cim_decl_is_array(d), b2,
                          sizeof(b2)));
    const char *target = sp_cim_decl_refclass(d);
    size_t n = sp_cim_value_is_array(v) ? sp_cim_value_count(v) : 1;
    for (size_t i = 0; target && i < n; i++) {
        const sp_cim_value *e =
            sp_cim_value_is_array(v) ? sp_cim_value_at(v, i) : v;
        const sp_cim_path *ref = sp_cim_value_get_ref(e);
        if (!ref)
            continue;
        if (!find_served(ns, sp_cim_path_class(ref)))
            load_class(ns, sp_cim_path_class(ref));
        if (!served_is_a(ns, sp_cim_path_class(ref), target))
            problem("%s.%s(%s): %s a %s, which is not a %s", cls, mn, name, dir,
                    sp_cim_path_class(ref), target);
    }
}

/* Check the call in @req_name if it is a method call (true). */
static bool check_call(const char *dir, const char *req_name)
{
    char path[4096];
    size_t len;
    snprintf(path, sizeof(path), "%s/%s", dir, req_name);
    char *data = slurp(path, &len);
    sp_cim_request *rq = NULL;
    sp_error err;
    if (!data || sp_cim_request_parse(data, len, 0, &rq, &err)) {
        problem("%s: not a request smis-sim's parser takes", req_name);
        free(data);
        return false;
    }
    free(data);
    if (sp_cim_request_is_intrinsic(rq)) {
        sp_cim_request_free(rq);
        return false;
    }
    const sp_cim_path *target = sp_cim_request_target(rq);
    const char *ns = sp_cim_request_namespace(rq);
    const char *cls = sp_cim_path_class(target);
    const char *mname = sp_cim_request_name(rq);
    struct served *c = find_served(ns, cls);
    if (!c)
        c = load_class(ns, cls);
    sp_cim_class *decl = c ? expected_decl(c) : NULL;
    const sp_cim_method_decl *m =
        decl ? sp_cim_class_find_method(decl, mname) : NULL;
    if (decl && !m)
        problem("%s.%s(): called, not a method of the schema class", cls,
                mname);
    const sp_cim_args *in = sp_cim_request_params(rq);
    for (size_t i = 0; m && i < sp_cim_args_count(in); i++)
        check_arg(ns, cls, m, sp_cim_args_name(in, i), sp_cim_args_value(in, i),
                  "In");
    /* The answer: NNNNNN-NAME.rsp.xml beside the request. */
    size_t n = strlen(path);
    if (m && n > 8 && strcmp(path + n - 8, ".req.xml") == 0) {
        memcpy(path + n - 8, ".rsp.xml", 8);
        data = slurp(path, &len);
        struct spi_decode_opts o = {.expect_intrinsic = 0};
        struct spi_cim_response *r = NULL;
        if (data && !spi_cimxml_decode(data, len, &o, &r, &err)) {
            for (size_t i = 0; !r->error_code && r->params &&
                               i < sp_cim_args_count(r->params);
                 i++)
                check_arg(ns, cls, m, sp_cim_args_name(r->params, i),
                          sp_cim_args_value(r->params, i), "Out");
        }
        spi_cim_response_free(r);
        free(data);
    }
    sp_cim_class_free(decl);
    sp_cim_request_free(rq);
    return true;
}

static size_t check_traces(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) {
        problem("%s: cannot read the traces", dir);
        return 0;
    }
    size_t calls = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t n = strlen(e->d_name);
        if (n > 8 && strcmp(e->d_name + n - 8, ".req.xml") == 0 &&
            check_call(dir, e->d_name))
            calls++;
    }
    closedir(d);
    return calls;
}

int main(int argc, char **argv)
{
    const char *traces = NULL;
    if (argc > 2 && strcmp(argv[1], "--traces") == 0) {
        traces = argv[2];
        argv += 2;
        argc -= 2;
    }
    if (argc < 3 || argv[1][0] == '-') {
        fputs(usage,
              argc == 2 && strcmp(argv[1], "--help") == 0 ? stdout : stderr);
        return argc == 2 && strcmp(argv[1], "--help") == 0 ? 0 : 2;
    }
    sp_error err;
    if (sp_cim_client_new(argv[1], 0, &client, &err)) {
        fprintf(stderr, "schemacheck: bad URL '%s': %s\n", argv[1],
                err.message);
        return 2;
    }
    for (int i = 2; i < argc; i++)
        check_classes(argv[i]);
    size_t instances = 0;
    for (int i = 2; i < argc; i++)
        instances += check_instances(argv[i]);
    check_refs();
    size_t calls = traces ? check_traces(traces) : 0;
    if (nproblems) /* qsort's base must not be NULL, even for none */
        qsort(problems, nproblems, sizeof(*problems), cmp_str);
    for (size_t i = 0; i < nproblems; i++) {
        puts(problems[i]);
        free(problems[i]);
    }
    free(problems);
    fprintf(stderr,
            "schemacheck: %zu classes, %zu instances, %zu method calls, %zu "
            "problems\n",
            nserved, instances, calls, nproblems);
    for (size_t i = 0; i < nserved; i++) {
        free(served[i].name);
        free(served[i].super);
        free(served[i].ns);
        sp_cim_class_free(served[i].decl);
    }
    free(served);
    sp_cim_client_free(client);
    return nproblems ? 1 : 0;
}
