/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/cim/class.c: class declarations (properties, methods, parameters,
 * qualifiers) for GetClass. */
#include "cim_internal.h"

static struct sp_cim_qualified *decl_new(const char *name, sp_cim_type t,
                                         bool is_array, const char *refclass,
                                         sp_cim_value *def)
{
    struct sp_cim_qualified *d = spi_xcalloc(1, sizeof(*d));
    d->name = spi_xstrdup(name);
    d->type = t;
    d->is_array = is_array;
    d->refclass = spi_xstrdup(refclass);
    d->def = def;
    return d;
}

static void decl_free(struct sp_cim_qualified *d)
{
    if (!d)
        return;
    free(d->name);
    free(d->refclass);
    free(d->origin);
    sp_cim_value_free(d->def);
    spi_nvlist_release(&d->quals);
    free(d);
}

static void method_free(sp_cim_method_decl *m)
{
    if (!m)
        return;
    free(m->name);
    free(m->origin);
    spi_nvlist_release(&m->quals);
    for (size_t i = 0; i < m->nparams; i++)
        decl_free(m->params[i]);
    free(m->params);
    free(m);
}

sp_cim_class *sp_cim_class_new(const char *name, const char *superclass)
{
    sp_cim_class *c = spi_xcalloc(1, sizeof(*c));
    c->name = spi_xstrdup(name);
    c->super = superclass && *superclass ? spi_xstrdup(superclass) : NULL;
    return c;
}

void sp_cim_class_free(sp_cim_class *c)
{
    if (!c)
        return;
    free(c->name);
    free(c->super);
    spi_nvlist_release(&c->quals);
    for (size_t i = 0; i < c->nprops; i++)
        decl_free(c->props[i]);
    free(c->props);
    for (size_t i = 0; i < c->nmethods; i++)
        method_free(c->methods[i]);
    free(c->methods);
    free(c);
}

const char *sp_cim_class_name(const sp_cim_class *c)
{
    return c->name;
}

const char *sp_cim_class_superclass(const sp_cim_class *c)
{
    return c->super;
}

void sp_cim_class_set_qualifier(sp_cim_class *c, const char *name,
                                sp_cim_value *v)
{
    spi_nvlist_set(&c->quals, name, v);
}

const sp_cim_value *sp_cim_class_get_qualifier(const sp_cim_class *c,
                                               const char *name)
{
    return spi_nvlist_get(&c->quals, name);
}

sp_cim_property_decl *sp_cim_class_add_property(sp_cim_class *c,
                                                const char *name, sp_cim_type t,
                                                bool is_array,
                                                const char *refclass,
                                                sp_cim_value *default_value)
{
    spi_xgrow((void **)&c->props, &c->capprops, c->nprops + 1,
              sizeof(*c->props));
    struct sp_cim_qualified *d =
        decl_new(name, t, is_array, refclass, default_value);
    c->props[c->nprops++] = d;
    return d;
}

size_t sp_cim_class_property_count(const sp_cim_class *c)
{
    return c->nprops;
}

const sp_cim_property_decl *sp_cim_class_property_at(const sp_cim_class *c,
                                                     size_t i)
{
    return i < c->nprops ? c->props[i] : NULL;
}

const sp_cim_property_decl *sp_cim_class_find_property(const sp_cim_class *c,
                                                       const char *name)
{
    for (size_t i = 0; i < c->nprops; i++)
        if (spi_name_eq(c->props[i]->name, name))
            return c->props[i];
    return NULL;
}

sp_cim_method_decl *sp_cim_class_add_method(sp_cim_class *c, const char *name,
                                            sp_cim_type return_type)
{
    spi_xgrow((void **)&c->methods, &c->capmethods, c->nmethods + 1,
              sizeof(*c->methods));
    sp_cim_method_decl *m = spi_xcalloc(1, sizeof(*m));
    m->name = spi_xstrdup(name);
    m->rtype = return_type;
    c->methods[c->nmethods++] = m;
    return m;
}

size_t sp_cim_class_method_count(const sp_cim_class *c)
{
    return c->nmethods;
}

const sp_cim_method_decl *sp_cim_class_method_at(const sp_cim_class *c,
                                                 size_t i)
{
    return i < c->nmethods ? c->methods[i] : NULL;
}

const sp_cim_method_decl *sp_cim_class_find_method(const sp_cim_class *c,
                                                   const char *name)
{
    for (size_t i = 0; i < c->nmethods; i++)
        if (spi_name_eq(c->methods[i]->name, name))
            return c->methods[i];
    return NULL;
}

const char *sp_cim_method_name(const sp_cim_method_decl *m)
{
    return m->name;
}

sp_cim_type sp_cim_method_return_type(const sp_cim_method_decl *m)
{
    return m->rtype;
}

void sp_cim_method_set_qualifier(sp_cim_method_decl *m, const char *name,
                                 sp_cim_value *v)
{
    spi_nvlist_set(&m->quals, name, v);
}

void sp_cim_method_set_origin(sp_cim_method_decl *m, const char *class_origin,
                              bool propagated)
{
    free(m->origin);
    m->origin = spi_xstrdup(class_origin);
    m->propagated = propagated;
}

const sp_cim_value *sp_cim_method_get_qualifier(const sp_cim_method_decl *m,
                                                const char *name)
{
    return spi_nvlist_get(&m->quals, name);
}

sp_cim_param_decl *sp_cim_method_add_param(sp_cim_method_decl *m,
                                           const char *name, sp_cim_type t,
                                           bool is_array, const char *refclass)
{
    spi_xgrow((void **)&m->params, &m->cap, m->nparams + 1, sizeof(*m->params));
    struct sp_cim_qualified *d = decl_new(name, t, is_array, refclass, NULL);
    m->params[m->nparams++] = d;
    return d;
}

size_t sp_cim_method_param_count(const sp_cim_method_decl *m)
{
    return m->nparams;
}

const sp_cim_param_decl *sp_cim_method_param_at(const sp_cim_method_decl *m,
                                                size_t i)
{
    return i < m->nparams ? m->params[i] : NULL;
}

const char *sp_cim_decl_name(const sp_cim_property_decl *d)
{
    return d->name;
}

sp_cim_type sp_cim_decl_type(const sp_cim_property_decl *d)
{
    return d->type;
}

bool sp_cim_decl_is_array(const sp_cim_property_decl *d)
{
    return d->is_array;
}

const char *sp_cim_decl_refclass(const sp_cim_property_decl *d)
{
    return d->refclass;
}

const sp_cim_value *sp_cim_decl_default(const sp_cim_property_decl *d)
{
    return d->def;
}

void sp_cim_decl_set_qualifier(sp_cim_property_decl *d, const char *name,
                               sp_cim_value *v)
{
    spi_nvlist_set(&((struct sp_cim_qualified *)d)->quals, name, v);
}

void sp_cim_decl_set_origin(sp_cim_property_decl *d, const char *class_origin,
                            bool propagated)
{
    struct sp_cim_qualified *q = (struct sp_cim_qualified *)d;
    free(q->origin);
    q->origin = spi_xstrdup(class_origin);
    q->propagated = propagated;
}

const sp_cim_value *sp_cim_decl_get_qualifier(const sp_cim_property_decl *d,
                                              const char *name)
{
    return spi_nvlist_get(&d->quals, name);
}

size_t sp_cim_decl_qualifier_count(const sp_cim_property_decl *d)
{
    return d->quals.n;
}

const char *sp_cim_decl_qualifier_name(const sp_cim_property_decl *d, size_t i)
{
    return i < d->quals.n ? d->quals.items[i].name : NULL;
}

const sp_cim_value *sp_cim_decl_qualifier_value(const sp_cim_property_decl *d,
                                                size_t i)
{
    return i < d->quals.n ? d->quals.items[i].value : NULL;
}

bool sp_cim_decl_has_flag(const sp_cim_property_decl *d, const char *name)
{
    bool b = false;
    return sp_cim_value_get_bool(spi_nvlist_get(&d->quals, name), &b) && b;
}
