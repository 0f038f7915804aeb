/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/array/objects.c: the pools and LUNs drivers hand out: their IDs (a
 * LUN's with its WWN), fields and configuration. */
#include "array_internal.h"
#include "../util/tag.h"

struct sp_pool {
    sp_id *id;
    char *name;
    uint64_t total, free;
    char *class;
    bool managed;
    char *groups; /* host-groups, ", "-joined, or NULL */
};

struct mask_entry {
    char *initiator;
    uint32_t number;
};

struct sp_lun {
    sp_id *id;
    char *name;
    uint64_t size;
    char *wwn;
    sp_id *pool;
    sp_id *source;
    sp_copy_method copy;
    const char *copy_how; /* static strings of the driver */
    uint64_t copied;
    struct mask_entry *masks;
    size_t nmasks, capmasks;
    char *tag_library, *tag_entry; /* or NULL: untagged */
};

/* ---- pools ---- */

/* The ID of key @key of @a (with @wwn, a LUN's, when given and valid), or
 * NULL when the key cannot make one (empty, or longer than an ID may be):
 * keys come from the array and are not trusted to be sane. */
static sp_id *make_id(sp_array *a, sp_id_kind kind, const char *key,
                      const char *wwn)
{
    const char *f[] = {a->name, key, wwn};
    sp_id *id = NULL;
    size_t n = wwn && spi_wwn_valid(wwn) ? 3 : 2;
    if (sp_id_new(kind, n, f, &id, NULL) && n == 3)
        sp_id_new(kind, 2, f, &id, NULL);
    return id;
}

sp_pool *spi_pool_new(sp_array *a, const char *key, const char *name,
                      uint64_t total, uint64_t free_bytes)
{
    sp_id *id = make_id(a, SP_ID_POOL, key, NULL);
    if (!id) {
        sp_log(SP_LOG_WARN,
               "array %s: a pool whose key cannot make an ID was left out",
               a->name);
        return NULL;
    }
    sp_pool *p = spi_xcalloc(1, sizeof(*p));
    p->id = id;
    p->name = spi_xstrdup(name ? name : key);
    p->total = total;
    p->free = free_bytes;
    /* [pool "ARRAY:POOL"]: by the pool's key or its name. */
    SPI_AUTOFREE char *by_key = spi_xasprintf("%s:%s", a->name, key);
    SPI_AUTOFREE char *by_name = spi_xasprintf("%s:%s", a->name, p->name);
    const char *section = sp_config_has(a->cfg, "pool", by_key)    ? by_key
                          : sp_config_has(a->cfg, "pool", by_name) ? by_name
                                                                   : NULL;
    p->managed = section != NULL;
    if (section)
        p->class = spi_xstrdup(sp_config_get(a->cfg, "pool", section, "class"));
    size_t n =
        section ? sp_config_list_count(a->cfg, "pool", section, "host-groups")
                : 0;
    for (size_t i = 0; i < n; i++) {
        const char *g =
            sp_config_list_item(a->cfg, "pool", section, "host-groups", i);
        char *joined =
            p->groups ? spi_xasprintf("%s, %s", p->groups, g) : spi_xstrdup(g);
        free(p->groups);
        p->groups = joined;
    }
    return p;
}

const sp_id *sp_pool_id(const sp_pool *p)
{
    return p->id;
}

const char *sp_pool_name(const sp_pool *p)
{
    return p->name;
}

uint64_t sp_pool_total(const sp_pool *p)
{
    return p->total;
}

uint64_t sp_pool_free_bytes(const sp_pool *p)
{
    return p->free;
}

const char *sp_pool_class(const sp_pool *p)
{
    return p->class;
}

bool sp_pool_managed(const sp_pool *p)
{
    return p->managed;
}

const char *sp_pool_host_groups(const sp_pool *p)
{
    return p->groups;
}

bool sp_pool_allocated_to(const sp_pool *p, const char *group)
{
    size_t len = group ? strlen(group) : 0;
    for (const char *g = p->groups; len && g && *g;) {
        const char *end = strchr(g, ',');
        size_t n = end ? (size_t)(end - g) : strlen(g);
        if (n == len && strncmp(g, group, len) == 0)
            return true;
        g = end ? end + 2 : NULL;
    }
    return false;
}

void sp_pool_free(sp_pool *p)
{
    if (!p)
        return;
    sp_id_free(p->id);
    free(p->name);
    free(p->class);
    free(p->groups);
    free(p);
}

/* ---- LUNs ---- */

sp_lun *spi_lun_new(sp_array *a, const char *key, const char *name,
                    uint64_t size, const char *wwn)
{
    if (wwn && !spi_wwn_valid(wwn)) {
        sp_log(SP_LOG_DEBUG, "array %s: LUN '%s' has a WWN that is not hex",
               a->name, key);
        wwn = NULL;
    }
    sp_id *id = make_id(a, SP_ID_LUN, key, wwn);
    if (!id) {
        sp_log(SP_LOG_WARN,
               "array %s: a LUN whose key cannot make an ID was left out",
               a->name);
        return NULL;
    }
    sp_lun *l = spi_xcalloc(1, sizeof(*l));
    l->id = id;
    l->name = spi_xstrdup(name ? name : key);
    l->size = size;
    l->wwn = wwn && *wwn ? spi_xstrdup(wwn) : NULL;
    return l;
}

void spi_lun_set_pool(sp_lun *l, sp_array *a, const char *pool_key)
{
    sp_id_free(l->pool);
    l->pool = pool_key ? make_id(a, SP_ID_POOL, pool_key, NULL) : NULL;
}

void spi_lun_set_source(sp_lun *l, sp_array *a, const char *source_key,
                        sp_copy_method method)
{
    sp_id_free(l->source);
    l->source = source_key ? make_id(a, SP_ID_LUN, source_key, NULL) : NULL;
    l->copy = l->source ? method : SP_COPY_NONE;
}

void spi_lun_set_copied(sp_lun *l, const char *how, uint64_t bytes)
{
    l->copy_how = how;
    l->copied = bytes;
}

void spi_lun_set_tag(sp_lun *l, const char *library, const char *entry)
{
    free(l->tag_library);
    free(l->tag_entry);
    l->tag_library = library && entry ? spi_xstrdup(library) : NULL;
    l->tag_entry = library && entry ? spi_xstrdup(entry) : NULL;
}

bool sp_lun_tag(const sp_lun *l, const char **library, const char **entry)
{
    if (library)
        *library = l->tag_library;
    if (entry)
        *entry = l->tag_entry;
    return l->tag_library != NULL;
}

bool sp_lun_tagged(const sp_lun *l, const char *library, const char *entry)
{
    return spi_tag_names(l->tag_library, library, SPI_TAG_LIB_HEX) &&
           (!entry || spi_tag_names(l->tag_entry, entry, SPI_TAG_ENTRY_HEX));
}

const char *sp_lun_copy_how(const sp_lun *l)
{
    return l->copy_how;
}

uint64_t sp_lun_copied_bytes(const sp_lun *l)
{
    return l->copied;
}

void spi_lun_add_mask(sp_lun *l, const char *initiator, uint32_t number)
{
    spi_xgrow((void **)&l->masks, &l->capmasks, l->nmasks + 1,
              sizeof(*l->masks));
    l->masks[l->nmasks++] = (struct mask_entry){spi_xstrdup(initiator), number};
}

const sp_id *sp_lun_id(const sp_lun *l)
{
    return l->id;
}

const char *sp_lun_name(const sp_lun *l)
{
    return l->name;
}

uint64_t sp_lun_size(const sp_lun *l)
{
    return l->size;
}

const char *sp_lun_wwn(const sp_lun *l)
{
    return l->wwn;
}

const sp_id *sp_lun_pool(const sp_lun *l)
{
    return l->pool;
}

const sp_id *sp_lun_source(const sp_lun *l)
{
    return l->source;
}

sp_copy_method sp_lun_copy(const sp_lun *l)
{
    return l->copy;
}

size_t sp_lun_mask_count(const sp_lun *l)
{
    return l->nmasks;
}

const char *sp_lun_mask_initiator(const sp_lun *l, size_t i)
{
    return i < l->nmasks ? l->masks[i].initiator : NULL;
}

uint32_t sp_lun_mask_number(const sp_lun *l, size_t i)
{
    return i < l->nmasks ? l->masks[i].number : 0;
}

void sp_lun_free(sp_lun *l)
{
    if (!l)
        return;
    sp_id_free(l->id);
    free(l->name);
    free(l->wwn);
    sp_id_free(l->pool);
    sp_id_free(l->source);
    free(l->tag_library);
    free(l->tag_entry);
    for (size_t i = 0; i < l->nmasks; i++)
        free(l->masks[i].initiator);
    free(l->masks);
    free(l);
}
