/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/array/tags.c: the tag a handle puts on what it makes, and lost
 * answers settled by it: a create or copy by looking for the tagged LUN, a
 * delete by looking whether the LUN is still there. */
#include "array_internal.h"
#include "../util/tag.h"

sp_code sp_array_set_tag(sp_array *a, const char *library, const char *entry,
                         unsigned int flags)
{
    sp_error_clear(&a->err);
    if (flags)
        return spi_array_fail(a, SP_ERR_INVALID, "unknown flags 0x%x", flags);
    if (library && (!spi_uuid_valid(library) || !spi_uuid_valid(entry)))
        return spi_array_fail(a, SP_ERR_INVALID,
                              "a tag names a library and a journal entry by "
                              "their UUIDs, not '%s' and '%s'",
                              library, entry ? entry : "");
    free(a->tag_library);
    free(a->tag_entry);
    a->tag_library = spi_xstrdup(library);
    a->tag_entry = library ? spi_xstrdup(entry) : NULL;
    return SP_OK;
}

char *spi_array_element_name(const sp_array *a, const char *name)
{
    if (!a->tag_library || !name)
        return spi_xstrdup(name);
    char suffix[SP_TAG_LEN + 1];
    spi_tag_suffix(a->tag_library, a->tag_entry, suffix);
    return spi_xasprintf("%s%s", name, suffix);
}

/* A lost answer: the request may or may not have been carried out. */
static bool lost(sp_code rc)
{
    return rc == SP_ERR_CONNECTION_LOST || rc == SP_ERR_TIMEOUT;
}

struct search {
    sp_array *a;
    const char *name;
    sp_lun *found;
};

static int match(sp_lun *l, void *ctx)
{
    struct search *s = ctx;
    if (!s->found && sp_lun_name(l) && SPI_STREQ(sp_lun_name(l), s->name) &&
        sp_lun_tagged(l, s->a->tag_library, s->a->tag_entry)) {
        s->found = l;
        return 1;
    }
    sp_lun_free(l);
    return 0;
}

/* The pool key of LUN @key, a new string, or NULL. */
static char *pool_of(sp_array *a, const char *key)
{
    sp_lun *l = NULL;
    char *pool = NULL;
    if (a->drv->get_lun(a, key, 0, &l) == SP_OK && sp_lun_pool(l))
        pool = spi_xstrdup(sp_id_field(sp_lun_pool(l), 1));
    sp_lun_free(l);
    return pool;
}

sp_code spi_array_settled(sp_array *a, sp_code rc, const char *pool_key,
                          const char *source_key, const char *name,
                          sp_lun **out)
{
    if (!lost(rc) || !a->tag_library || !name || !a->drv->list_luns)
        return rc;
    /* Asked again on a new connection: the tag says whether the LUN of
     * that name is this run's, which a name alone never could. */
    sp_error first = a->err;
    SPI_AUTOFREE char *src_pool =
        pool_key || !source_key ? NULL : pool_of(a, source_key);
    const char *pool = pool_key ? pool_key : src_pool;
    struct search s = {a, name, NULL};
    sp_code lrc =
        pool ? a->drv->list_luns(a, pool, 0, match, &s) : SP_ERR_NOT_FOUND;
    if (s.found) {
        sp_log(SP_LOG_WARN,
               "array %s: the answer to the making of LUN '%s' was lost "
               "(%s); the array made it: %s, found by its tag",
               a->name, name, first.message, sp_id_str(sp_lun_id(s.found)));
        sp_error_clear(&a->err);
        *out = s.found;
        return SP_OK;
    }
    a->err = first;
    size_t len = strlen(a->err.message);
    snprintf(a->err.message + len, sizeof(a->err.message) - len,
             lrc ? "; whether the array made LUN '%s' cannot be told now: "
                   "reconcile finds it by its tag"
                 : "; the array did not make LUN '%s'",
             name);
    return rc;
}

sp_code spi_array_deleted(sp_array *a, sp_code rc, const char *key)
{
    if (!lost(rc))
        return rc;
    /* Gone now: the array did delete it; there still: it did not. */
    sp_error first = a->err;
    sp_lun *l = NULL;
    sp_code grc = a->drv->get_lun(a, key, SP_LUN_IDS_ONLY, &l);
    sp_lun_free(l);
    if (grc == SP_ERR_NOT_FOUND) {
        sp_log(SP_LOG_INFO,
               "array %s: the answer to the delete of LUN '%s' was lost "
               "(%s); the LUN is gone",
               a->name, key, first.message);
        sp_error_clear(&a->err);
        return SP_OK;
    }
    a->err = first;
    return rc;
}
