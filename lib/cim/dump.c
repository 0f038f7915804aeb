/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/cim/dump.c: a stable text dump of decoded CIM objects, for tests and -vvv
 * traces. */
#include "cimxml.h"

static void pad(sp_buf *b, int indent)
{
    for (int i = 0; i < indent; i++)
        sp_buf_addstr(b, "  ");
}

/* A C-style quoted string: every byte outside printable ASCII escaped. */
static void quoted(sp_buf *b, const char *s)
{
    sp_buf_addch(b, '"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            sp_buf_addf(b, "\\%c", *p);
        else if (*p == '\n')
            sp_buf_addstr(b, "\\n");
        else if (*p == '\t')
            sp_buf_addstr(b, "\\t");
        else if (*p < 0x20 || *p >= 0x7f)
            sp_buf_addf(b, "\\x%02X", *p);
        else
            sp_buf_addch(b, (char)*p);
    }
    sp_buf_addch(b, '"');
}

static const char *type_label(const sp_cim_value *v)
{
    if (v->untyped)
        return v->valuetype == 'n'   ? "untyped-numeric"
               : v->valuetype == 'b' ? "untyped-boolean"
                                     : "untyped";
    return sp_cim_type_name(v->type) ? sp_cim_type_name(v->type) : "?";
}

static void path_inline(sp_buf *b, const sp_cim_path *p, int indent);

/* The value after "TYPE": on the same line when it fits there. */
static void value_body(sp_buf *b, const sp_cim_value *v, int indent)
{
    if (v->is_null) {
        sp_buf_addstr(b, " NULL\n");
        return;
    }
    if (v->is_array) {
        sp_buf_addf(b, " [%zu]\n", v->v.arr.n);
        for (size_t i = 0; i < v->v.arr.n; i++) {
            pad(b, indent + 1);
            sp_buf_addf(b, "[%zu]", i);
            value_body(b, v->v.arr.items[i], indent + 1);
        }
        return;
    }
    if (v->type == SP_CIM_REFERENCE && !v->untyped) {
        sp_buf_addch(b, ' ');
        path_inline(b, v->v.ref, indent);
        return;
    }
    if (v->type == SP_CIM_INSTANCE && !v->untyped) {
        sp_buf_addch(b, '\n');
        spi_cim_dump_instance(b, v->v.inst, indent + 1);
        return;
    }
    SPI_AUTOFREE char *t = sp_cim_value_to_text(v);
    sp_buf_addch(b, ' ');
    if (spi_cim_type_is_stringlike(v->type))
        quoted(b, t ? t : "");
    else
        sp_buf_addstr(b, t ? t : "?");
    sp_buf_addch(b, '\n');
}

void spi_cim_dump_value(sp_buf *b, const sp_cim_value *v, int indent)
{
    pad(b, indent);
    sp_buf_addf(b, "%s%s", type_label(v), v->is_array ? "[]" : "");
    value_body(b, v, indent);
}

static void path_inline(sp_buf *b, const sp_cim_path *p, int indent)
{
    sp_buf_addstr(b, "path");
    if (p->host) {
        sp_buf_addstr(b, " host=");
        quoted(b, p->host);
    }
    if (p->ns) {
        sp_buf_addstr(b, " ns=");
        quoted(b, p->ns);
    }
    sp_buf_addf(b, " class=%s\n", p->classname);
    for (size_t i = 0; i < p->keys.n; i++) {
        const sp_cim_value *v = p->keys.items[i].value;
        pad(b, indent + 1);
        sp_buf_addf(b, "key %s %s", p->keys.items[i].name, type_label(v));
        value_body(b, v, indent + 1);
    }
}

void spi_cim_dump_path(sp_buf *b, const sp_cim_path *p)
{
    path_inline(b, p, 0);
}

void spi_cim_dump_instance(sp_buf *b, const sp_cim_instance *i, int indent)
{
    pad(b, indent);
    sp_buf_addf(b, "instance %s\n", i->classname);
    if (i->path) {
        pad(b, indent + 1);
        path_inline(b, i->path, indent + 1);
    }
    for (size_t k = 0; k < i->props.n; k++) {
        const sp_cim_value *v = i->props.items[k].value;
        pad(b, indent + 1);
        sp_buf_addf(b, "prop %s %s%s", i->props.items[k].name, type_label(v),
                    v->is_array ? "[]" : "");
        value_body(b, v, indent + 1);
    }
}

static void dump_quals(sp_buf *b, const struct spi_nvlist *q, int indent)
{
    for (size_t i = 0; i < q->n; i++) {
        const sp_cim_value *v = q->items[i].value;
        pad(b, indent);
        sp_buf_addf(b, "qualifier %s %s%s", q->items[i].name, type_label(v),
                    v->is_array ? "[]" : "");
        value_body(b, v, indent);
    }
}

static void dump_decl(sp_buf *b, const char *what,
                      const struct sp_cim_qualified *d, int indent)
{
    pad(b, indent);
    sp_buf_addf(b, "%s %s %s%s", what, d->name,
                sp_cim_type_name(d->type) ? sp_cim_type_name(d->type) : "?",
                d->is_array ? "[]" : "");
    if (d->refclass)
        sp_buf_addf(b, " ref=%s", d->refclass);
    sp_buf_addch(b, '\n');
    if (d->def) {
        pad(b, indent + 1);
        sp_buf_addstr(b, "default");
        value_body(b, d->def, indent + 1);
    }
    dump_quals(b, &d->quals, indent + 1);
}

void spi_cim_dump_class(sp_buf *b, const sp_cim_class *c, int indent)
{
    pad(b, indent);
    sp_buf_addf(b, "class %s", c->name);
    if (c->super)
        sp_buf_addf(b, " : %s", c->super);
    sp_buf_addch(b, '\n');
    dump_quals(b, &c->quals, indent + 1);
    for (size_t i = 0; i < c->nprops; i++)
        dump_decl(b, "property", c->props[i], indent + 1);
    for (size_t i = 0; i < c->nmethods; i++) {
        const sp_cim_method_decl *m = c->methods[i];
        pad(b, indent + 1);
        sp_buf_addf(b, "method %s %s\n", m->name,
                    m->rtype ? sp_cim_type_name(m->rtype) : "void");
        dump_quals(b, &m->quals, indent + 2);
        for (size_t k = 0; k < m->nparams; k++)
            dump_decl(b, "param", m->params[k], indent + 2);
    }
}

void spi_cim_dump_item(sp_buf *b, const struct spi_item *it)
{
    switch (it->kind) {
    case SPI_ITEM_INSTANCE:
        spi_cim_dump_instance(b, it->inst, 1);
        break;
    case SPI_ITEM_PATH:
        pad(b, 1);
        path_inline(b, it->path, 1);
        break;
    case SPI_ITEM_CLASS:
        spi_cim_dump_class(b, it->cls, 1);
        break;
    case SPI_ITEM_VALUE:
        spi_cim_dump_value(b, it->value, 1);
        break;
    }
}

void spi_cim_dump_response(sp_buf *b, const struct spi_cim_response *r)
{
    sp_buf_addf(b, "%s %s id=%s items=%zu\n",
                r->intrinsic ? "IMETHODRESPONSE" : "METHODRESPONSE", r->name,
                r->msgid ? r->msgid : "?", r->nitems);
    if (r->error_code) {
        sp_buf_addf(b, "error %d ", r->error_code);
        quoted(b, r->error_description ? r->error_description : "");
        sp_buf_addch(b, '\n');
        if (r->error_instance)
            spi_cim_dump_instance(b, r->error_instance, 1);
    }
    if (r->retval) {
        sp_buf_addstr(b, "return\n");
        spi_cim_dump_value(b, r->retval, 1);
    }
    for (size_t i = 0; r->params && i < r->params->list.n; i++) {
        sp_buf_addf(b, "param %s\n", r->params->list.items[i].name);
        spi_cim_dump_value(b, r->params->list.items[i].value, 1);
    }
}
