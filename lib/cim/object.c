/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/cim/object.c: instance paths and instances. */
#include "cim_internal.h"

/* ---- paths ---- */

sp_cim_path *sp_cim_path_new(const char *host, const char *ns,
                             const char *classname)
{
    sp_cim_path *p = spi_xcalloc(1, sizeof(*p));
    p->host = host && *host ? spi_xstrdup(host) : NULL;
    p->ns = ns && *ns ? spi_xstrdup(ns) : NULL;
    p->classname = spi_xstrdup(classname ? classname : "");
    return p;
}

void sp_cim_path_free(sp_cim_path *p)
{
    if (!p)
        return;
    free(p->host);
    free(p->ns);
    free(p->classname);
    spi_nvlist_release(&p->keys);
    free(p);
}

sp_cim_path *sp_cim_path_copy(const sp_cim_path *p)
{
    if (!p)
        return NULL;
    sp_cim_path *c = sp_cim_path_new(p->host, p->ns, p->classname);
    spi_nvlist_copy(&c->keys, &p->keys);
    return c;
}

const char *sp_cim_path_host(const sp_cim_path *p)
{
    return p->host;
}

const char *sp_cim_path_namespace(const sp_cim_path *p)
{
    return p->ns;
}

const char *sp_cim_path_class(const sp_cim_path *p)
{
    return p->classname;
}

void sp_cim_path_set_host(sp_cim_path *p, const char *host)
{
    free(p->host);
    p->host = host && *host ? spi_xstrdup(host) : NULL;
}

void sp_cim_path_set_namespace(sp_cim_path *p, const char *ns)
{
    free(p->ns);
    p->ns = ns && *ns ? spi_xstrdup(ns) : NULL;
}

void sp_cim_path_set_key(sp_cim_path *p, const char *name, sp_cim_value *v)
{
    spi_nvlist_set(&p->keys, name, v);
}

size_t sp_cim_path_key_count(const sp_cim_path *p)
{
    return p->keys.n;
}

const char *sp_cim_path_key_name(const sp_cim_path *p, size_t i)
{
    return i < p->keys.n ? p->keys.items[i].name : NULL;
}

const sp_cim_value *sp_cim_path_key_value(const sp_cim_path *p, size_t i)
{
    return i < p->keys.n ? p->keys.items[i].value : NULL;
}

const sp_cim_value *sp_cim_path_get_key(const sp_cim_path *p, const char *name)
{
    return spi_nvlist_get(&p->keys, name);
}

/* Namespace names: case-insensitive, "/root/cimv2/" is "root/cimv2". */
static bool ns_eq(const char *a, const char *b)
{
    if (!a || !b)
        return a == b;
    while (*a == '/')
        a++;
    while (*b == '/')
        b++;
    size_t la = strlen(a), lb = strlen(b);
    while (la && a[la - 1] == '/')
        la--;
    while (lb && b[lb - 1] == '/')
        lb--;
    return la == lb && strncasecmp(a, b, la) == 0;
}

bool sp_cim_path_equal(const sp_cim_path *a, const sp_cim_path *b,
                       unsigned int flags)
{
    if (!spi_name_eq(a->classname, b->classname) || a->keys.n != b->keys.n)
        return false;
    if ((flags & SP_CIM_PATH_CMP_HOST) && !spi_name_eq(a->host, b->host))
        return false;
    if ((flags & SP_CIM_PATH_CMP_NAMESPACE) && !ns_eq(a->ns, b->ns))
        return false;
    for (size_t i = 0; i < a->keys.n; i++) {
        const sp_cim_value *bv =
            spi_nvlist_get(&b->keys, a->keys.items[i].name);
        if (!sp_cim_value_equal(a->keys.items[i].value, bv))
            return false;
    }
    return true;
}

static void add_quoted(sp_buf *b, const char *s)
{
    sp_buf_addch(b, '"');
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            sp_buf_addch(b, '\\');
        sp_buf_addch(b, *s);
    }
    sp_buf_addch(b, '"');
}

static void path_to_buf(sp_buf *b, const sp_cim_path *p)
{
    if (p->host)
        sp_buf_addf(b, "//%s/", p->host);
    if (p->ns)
        sp_buf_addf(b, "%s:", p->ns);
    sp_buf_addstr(b, p->classname);
    for (size_t i = 0; i < p->keys.n; i++) {
        const sp_cim_value *v = p->keys.items[i].value;
        sp_buf_addch(b, i ? ',' : '.');
        sp_buf_addf(b, "%s=", p->keys.items[i].name);
        if (v->type == SP_CIM_REFERENCE && !v->untyped) {
            sp_buf inner = SP_BUF_INIT(b->max);
            path_to_buf(&inner, v->v.ref);
            add_quoted(b, sp_buf_cstr(&inner));
            sp_buf_release(&inner);
            continue;
        }
        SPI_AUTOFREE char *t = sp_cim_value_to_text(v);
        bool quote = spi_cim_type_is_stringlike(v->type) &&
                     !(v->untyped && v->valuetype != 's');
        if (quote)
            add_quoted(b, t ? t : "");
        else
            sp_buf_addstr(b, t ? t : "");
    }
}

char *sp_cim_path_to_string(const sp_cim_path *p)
{
    sp_buf b = SP_BUF_INIT(SIZE_MAX / 2);
    path_to_buf(&b, p);
    return sp_buf_detach(&b, NULL);
}

/* ---- instances ---- */

sp_cim_instance *sp_cim_instance_new(const char *classname)
{
    sp_cim_instance *i = spi_xcalloc(1, sizeof(*i));
    i->classname = spi_xstrdup(classname ? classname : "");
    return i;
}

void sp_cim_instance_free(sp_cim_instance *i)
{
    if (!i)
        return;
    free(i->classname);
    sp_cim_path_free(i->path);
    spi_nvlist_release(&i->props);
    free(i);
}

sp_cim_instance *sp_cim_instance_copy(const sp_cim_instance *i)
{
    if (!i)
        return NULL;
    sp_cim_instance *c = sp_cim_instance_new(i->classname);
    c->path = sp_cim_path_copy(i->path);
    spi_nvlist_copy(&c->props, &i->props);
    return c;
}

const char *sp_cim_instance_class(const sp_cim_instance *i)
{
    return i->classname;
}

const sp_cim_path *sp_cim_instance_path(const sp_cim_instance *i)
{
    return i->path;
}

void sp_cim_instance_set_path(sp_cim_instance *i, sp_cim_path *p)
{
    sp_cim_path_free(i->path);
    i->path = p;
}

void sp_cim_instance_set(sp_cim_instance *i, const char *name, sp_cim_value *v)
{
    spi_nvlist_set(&i->props, name, v);
}

const sp_cim_value *sp_cim_instance_get(const sp_cim_instance *i,
                                        const char *name)
{
    return spi_nvlist_get(&i->props, name);
}

size_t sp_cim_instance_prop_count(const sp_cim_instance *i)
{
    return i->props.n;
}

const char *sp_cim_instance_prop_name(const sp_cim_instance *i, size_t idx)
{
    return idx < i->props.n ? i->props.items[idx].name : NULL;
}

const sp_cim_value *sp_cim_instance_prop_value(const sp_cim_instance *i,
                                               size_t idx)
{
    return idx < i->props.n ? i->props.items[idx].value : NULL;
}

const char *sp_cim_instance_get_string(const sp_cim_instance *i,
                                       const char *name)
{
    return sp_cim_value_get_string(sp_cim_instance_get(i, name));
}

bool sp_cim_instance_get_uint(const sp_cim_instance *i, const char *name,
                              uint64_t *out)
{
    return sp_cim_value_get_uint(sp_cim_instance_get(i, name), out);
}
