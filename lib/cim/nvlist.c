/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/cim/nvlist.c: the ordered name/value list behind keys, properties, args
 * and qualifiers. */
#include "cim_internal.h"

/*
 * Every set looks for a duplicate, so building a list of n items costs
 * n^2/2 comparisons.  Names equal under strcasecmp() have the same length
 * in any locale, so the stored length rules out most of them cheaply.
 */
static struct spi_nv *find(const struct spi_nvlist *l, const char *name,
                           size_t len)
{
    for (size_t i = 0; i < l->n; i++)
        if (l->items[i].len == len && spi_name_eq(l->items[i].name, name))
            return &l->items[i];
    return NULL;
}

void spi_nvlist_set(struct spi_nvlist *l, const char *name, sp_cim_value *v)
{
    size_t len = name ? strlen(name) : 0;
    struct spi_nv *nv = find(l, name, len);
    if (nv) {
        sp_cim_value_free(nv->value);
        nv->value = v;
        return;
    }
    spi_xgrow((void **)&l->items, &l->cap, l->n + 1, sizeof(*l->items));
    l->items[l->n].name = spi_xstrdup(name);
    l->items[l->n].len = len;
    l->items[l->n].value = v;
    l->n++;
}

const sp_cim_value *spi_nvlist_get(const struct spi_nvlist *l, const char *name)
{
    struct spi_nv *nv = find(l, name, name ? strlen(name) : 0);
    return nv ? nv->value : NULL;
}

void spi_nvlist_copy(struct spi_nvlist *dst, const struct spi_nvlist *src)
{
    dst->items = src->n ? spi_xcalloc(src->n, sizeof(*dst->items)) : NULL;
    dst->n = dst->cap = src->n;
    for (size_t i = 0; i < src->n; i++) {
        dst->items[i].name = spi_xstrdup(src->items[i].name);
        dst->items[i].len = src->items[i].len;
        dst->items[i].value = sp_cim_value_copy(src->items[i].value);
    }
}

void spi_nvlist_release(struct spi_nvlist *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->items[i].name);
        sp_cim_value_free(l->items[i].value);
    }
    free(l->items);
    l->items = NULL;
    l->n = l->cap = 0;
}

/* ---- sp_cim_args: the public face of an nvlist ---- */

sp_cim_args *sp_cim_args_new(void)
{
    return spi_xcalloc(1, sizeof(sp_cim_args));
}

void sp_cim_args_free(sp_cim_args *a)
{
    if (!a)
        return;
    spi_nvlist_release(&a->list);
    free(a);
}

void sp_cim_args_set(sp_cim_args *a, const char *name, sp_cim_value *v)
{
    spi_nvlist_set(&a->list, name, v);
}

const sp_cim_value *sp_cim_args_get(const sp_cim_args *a, const char *name)
{
    return spi_nvlist_get(&a->list, name);
}

size_t sp_cim_args_count(const sp_cim_args *a)
{
    return a->list.n;
}

const char *sp_cim_args_name(const sp_cim_args *a, size_t i)
{
    return i < a->list.n ? a->list.items[i].name : NULL;
}

const sp_cim_value *sp_cim_args_value(const sp_cim_args *a, size_t i)
{
    return i < a->list.n ? a->list.items[i].value : NULL;
}
