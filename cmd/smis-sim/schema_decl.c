/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd/smis-sim/schema_decl.c: lookups in the generated schema table and the
 * class declarations GetClass answers with, made of it. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "schema.h"

/* Shared with the schema test (tests/tools/schemacheck.c), so nothing
 * here uses smis-sim's model or cmd/common. */

static int cmp_name(const void *key, const void *elem)
{
    return strcasecmp(key, ((const struct sim_schema_class *)elem)->name);
}

const struct sim_schema_class *sim_schema_find(const char *name)
{
    if (!name)
        return NULL;
    return bsearch(name, sim_schema, sim_schema_count, sizeof(*sim_schema),
                   cmp_name);
}

bool sim_schema_is_a(const char *cls, const char *name)
{
    for (const struct sim_schema_class *c = sim_schema_find(cls); c;
         c = sim_schema_find(c->super))
        if (strcasecmp(c->name, name) == 0)
            return true;
    return false;
}

/* A '\n'-separated list as a string array value. */
static sp_cim_value *list_value(const char *list)
{
    sp_cim_value *a = sp_cim_value_new_array(SP_CIM_STRING);
    for (const char *p = list;;) {
        const char *e = strchr(p, '\n');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        char *s = strndup(p, n);
        if (!s)
            abort();
        sp_cim_value_append(a, sp_cim_value_new_string(SP_CIM_STRING, s));
        free(s);
        if (!e)
            break;
        p = e + 1;
    }
    return a;
}

static void qualify(sp_cim_property_decl *d, const struct sim_schema_feature *f,
                    const struct sim_decl_opts *o)
{
    if (!o->qualifiers)
        return;
    if (f->flags & SIM_SF_KEY)
        sp_cim_decl_set_qualifier(d, "Key", sp_cim_value_new_bool(true));
    if (f->flags & SIM_SF_REQUIRED)
        sp_cim_decl_set_qualifier(d, "Required", sp_cim_value_new_bool(true));
    if (f->kind == 'a') {
        sp_cim_decl_set_qualifier(d, "In",
                                  sp_cim_value_new_bool(f->flags & SIM_SF_IN));
        if (f->flags & SIM_SF_OUT)
            sp_cim_decl_set_qualifier(d, "Out", sp_cim_value_new_bool(true));
    }
    if (f->flags & SIM_SF_EMBINST)
        sp_cim_decl_set_qualifier(
            d, "EmbeddedInstance",
            sp_cim_value_new_string(SP_CIM_STRING, f->ref));
    if (f->flags & SIM_SF_EMBOBJ)
        sp_cim_decl_set_qualifier(d, "EmbeddedObject",
                                  sp_cim_value_new_bool(true));
    if (f->valuemap)
        sp_cim_decl_set_qualifier(d, "ValueMap", list_value(f->valuemap));
    if (f->values)
        sp_cim_decl_set_qualifier(d, "Values", list_value(f->values));
}

/* The properties and methods in effect: each name's latest entry (a
 * method's parameters follow it), in the order of first declaration, and
 * the class whose MOF gives that entry. */
struct slot {
    const struct sim_schema_feature *f;
    const struct sim_schema_class *from;
};

static size_t collect(const struct sim_schema_class *c, struct slot *slots,
                      size_t n, size_t max)
{
    if (c->super)
        n = collect(sim_schema_find(c->super), slots, n, max);
    for (size_t i = 0; i < c->nf; i++) {
        const struct sim_schema_feature *f = &c->f[i];
        if (f->kind == 'a' || !f->name)
            continue;
        size_t k = 0;
        while (k < n && !(slots[k].f->kind == f->kind &&
                          strcasecmp(slots[k].f->name, f->name) == 0))
            k++;
        if (k == n && n < max)
            n++;
        if (k < max)
            slots[k] = (struct slot){.f = f, .from = c};
    }
    return n;
}

sp_cim_class *sim_schema_class_decl(const char *name, const char *super)
{
    static const struct sim_decl_opts whole = {.qualifiers = true};
    return sim_schema_class_decl_opts(name, super, &whole);
}

/* Is the feature in @sl wanted: declared in the class itself when
 * local_only (a SIM_ class declares nothing of its own), and a property
 * named in the PropertyList if there is one? */
static bool wanted(const struct slot *sl, const struct sim_schema_class *c,
                   bool sim_class, const struct sim_decl_opts *o)
{
    if (o->local_only && (sim_class || sl->from != c))
        return false;
    return sl->f->kind != 'p' || !o->props || o->props(sl->f->name, o->ud);
}

sp_cim_class *sim_schema_class_decl_opts(const char *name, const char *super,
                                         const struct sim_decl_opts *o)
{
    const struct sim_schema_class *c = sim_schema_find(super ? super : name);
    if (!c)
        return NULL;
    enum { MAX = 512 };
    struct slot *slots = calloc(MAX, sizeof(*slots));
    if (!slots)
        abort();
    size_t n = collect(c, slots, 0, MAX);
    const char *self = super ? name : c->name;
    sp_cim_class *k = sp_cim_class_new(self, super ? c->name : c->super);
    if ((c->flags & SIM_SC_ASSOCIATION) && o->qualifiers)
        sp_cim_class_set_qualifier(k, "Association",
                                   sp_cim_value_new_bool(true));
    if ((c->flags & SIM_SC_INDICATION) && o->qualifiers)
        sp_cim_class_set_qualifier(k, "Indication",
                                   sp_cim_value_new_bool(true));
    /* Abstract is not inherited: a SIM_ class is concrete. */
    if ((c->flags & SIM_SC_ABSTRACT) && !super && o->qualifiers)
        sp_cim_class_set_qualifier(k, "Abstract", sp_cim_value_new_bool(true));
    for (size_t i = 0; i < n; i++) {
        const struct sim_schema_feature *f = slots[i].f;
        if (f->kind != 'p' || !wanted(&slots[i], c, super, o))
            continue;
        sp_cim_property_decl *d = sp_cim_class_add_property(
            k, f->name, f->type, f->flags & SIM_SF_ARRAY,
            f->type == SP_CIM_REFERENCE ? f->ref : NULL, NULL);
        qualify(d, f, o);
        if (o->class_origin)
            sp_cim_decl_set_origin(d, slots[i].from->name,
                                   super || slots[i].from != c);
    }
    for (size_t i = 0; i < n; i++) {
        const struct sim_schema_feature *f = slots[i].f;
        if (f->kind != 'm' || !wanted(&slots[i], c, super, o))
            continue;
        sp_cim_method_decl *m = sp_cim_class_add_method(k, f->name, f->type);
        if (f->valuemap && o->qualifiers)
            sp_cim_method_set_qualifier(m, "ValueMap", list_value(f->valuemap));
        if (f->values && o->qualifiers)
            sp_cim_method_set_qualifier(m, "Values", list_value(f->values));
        if (o->class_origin)
            sp_cim_method_set_origin(m, slots[i].from->name,
                                     super || slots[i].from != c);
        /* A method's parameters follow it, up to the end of its class's
         * features: the last method of a class has no entry after it. */
        const struct sim_schema_feature *end =
            slots[i].from->f + slots[i].from->nf;
        for (const struct sim_schema_feature *a = f + 1;
             a < end && a->kind == 'a'; a++)
            qualify(sp_cim_method_add_param(
                        m, a->name, a->type, a->flags & SIM_SF_ARRAY,
                        a->type == SP_CIM_REFERENCE ? a->ref : NULL),
                    a, o);
    }
    free(slots);
    return k;
}

static bool parse_num(const char *s, size_t n, uint64_t *out)
{
    char buf[32];
    if (n == 0 || n >= sizeof(buf))
        return false;
    memcpy(buf, s, n);
    buf[n] = '\0';
    char *end;
    errno = 0;
    *out = strtoull(buf, &end, strncmp(buf, "0x", 2) == 0 ? 16 : 10);
    return !errno && !*end && buf[0] != '-';
}

bool sim_schema_in_valuemap(const char *map, uint64_t v)
{
    if (!map)
        return true;
    for (const char *p = map;;) {
        const char *e = strchr(p, '\n');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        const char *dots = memmem(p, n, "..", 2);
        uint64_t lo = 0, hi = UINT64_MAX, x;
        if (dots && n == 2) {
            /* "..": the values left out are reserved, not valid. */
        } else if (dots) {
            /* "N..", "..M", "N..M": a range (vendor values). */
            if (dots > p && !parse_num(p, (size_t)(dots - p), &lo))
                lo = UINT64_MAX;
            if (dots + 2 < p + n &&
                !parse_num(dots + 2, (size_t)(p + n - dots - 2), &hi))
                hi = 0;
            if (v >= lo && v <= hi)
                return true;
        } else if (parse_num(p, n, &x) && x == v) {
            return true;
        }
        if (!e)
            return false;
        p = e + 1;
    }
}
