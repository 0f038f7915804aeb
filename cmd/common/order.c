/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd/common/order.c: SAN copies before their sources, in a batch of
 * deletes. */
#include "common/arrays.h"
#include "common/order.h"

/* More items than this on one array: its LUNs are listed once (a few
 * requests, however many LUNs) rather than looked up one by one (a few
 * requests each). */
#define LOOKUPS_MAX 8

#define NONE SIZE_MAX

struct entry {
    const char *key; /* the LUN's key, field 1 of its ID */
    size_t i;        /* the item */
};

/* The items on one array, by key, and what the array says of them. */
struct group {
    const sp_id *const *luns;
    struct entry *v;
    size_t n;
    size_t *source; /* of every item: the item its LUN is a copy of */
};

static int by_key(const void *a, const void *b)
{
    return strcmp(((const struct entry *)a)->key,
                  ((const struct entry *)b)->key);
}

/* The item of @g whose LUN is @id, or NONE. */
static size_t find(const struct group *g, const sp_id *id)
{
    if (!id || sp_id_get_kind(id) != SP_ID_LUN)
        return NONE;
    struct entry probe = {sp_id_field(id, 1), 0};
    const struct entry *e = bsearch(&probe, g->v, g->n, sizeof(*g->v), by_key);
    return e && sp_id_equal(g->luns[e->i], id) ? e->i : NONE;
}

/* What the array says of LUN @l, kept when it and its source are items. */
static void learn(struct group *g, const sp_lun *l)
{
    size_t i = find(g, sp_lun_id(l)), j = find(g, sp_lun_source(l));
    if (i != NONE && j != NONE && i != j)
        g->source[i] = j;
}

static int learn_listed(sp_lun *l, void *ctx)
{
    learn(ctx, l);
    sp_lun_free(l);
    return 0;
}

static void ask(struct group *g, const char *array)
{
    sp_error err;
    sp_array *a = cmd_array(array, &err);
    if (!a)
        return;
    if (g->n > LOOKUPS_MAX) {
        sp_array_list_luns(a, NULL, 0, learn_listed, g);
        return;
    }
    for (size_t k = 0; k < g->n; k++) {
        sp_lun *l = NULL;
        if (sp_array_get_lun(a, g->luns[g->v[k].i], 0, &l) == SP_OK)
            learn(g, l);
        sp_lun_free(l);
    }
}

/* Item @i after the items whose LUNs are copies of its LUN, those after
 * theirs.  Marked before its copies, so that a cycle (which no array
 * should claim) ends. */
static void place(size_t i, const size_t *first, const size_t *next,
                  bool *placed, size_t *order, size_t *len)
{
    if (placed[i])
        return;
    placed[i] = true;
    for (size_t c = first[i]; c != NONE; c = next[c])
        place(c, first, next, placed, order, len);
    order[(*len)++] = i;
}

void cmd_luns_copies_first(const sp_id *const *luns, size_t n, size_t *order)
{
    size_t *source = cmd_xcalloc(n + 1, sizeof(*source));
    bool *grouped = cmd_xcalloc(n + 1, sizeof(*grouped));
    struct group g = {luns, cmd_xcalloc(n + 1, sizeof(*g.v)), 0, source};
    for (size_t i = 0; i < n; i++)
        source[i] = NONE;
    for (size_t i = 0; i < n; i++) {
        if (grouped[i] || !luns[i] || sp_id_get_kind(luns[i]) != SP_ID_LUN)
            continue;
        const char *array = sp_id_field(luns[i], 0);
        g.n = 0;
        for (size_t j = i; j < n; j++)
            if (luns[j] && sp_id_get_kind(luns[j]) == SP_ID_LUN &&
                strcmp(sp_id_field(luns[j], 0), array) == 0) {
                grouped[j] = true;
                g.v[g.n++] = (struct entry){sp_id_field(luns[j], 1), j};
            }
        if (g.n < 2)
            continue;
        qsort(g.v, g.n, sizeof(*g.v), by_key);
        ask(&g, array);
    }
    /* The copies of each item, in the order given. */
    size_t *first = cmd_xcalloc(n + 1, sizeof(*first));
    size_t *next = cmd_xcalloc(n + 1, sizeof(*next));
    for (size_t i = 0; i < n; i++)
        first[i] = next[i] = NONE;
    for (size_t i = n; i-- > 0;)
        if (source[i] != NONE) {
            next[i] = first[source[i]];
            first[source[i]] = i;
        }
    /* Each item at the place of the first item of its family: its
     * topmost source in the batch, placed after all its copies. */
    size_t len = 0;
    memset(grouped, 0, (n + 1) * sizeof(*grouped));
    for (size_t i = 0; i < n; i++) {
        size_t top = i;
        for (size_t steps = 0; source[top] != NONE && steps < n; steps++)
            top = source[top];
        place(top, first, next, grouped, order, &len);
        place(i, first, next, grouped, order, &len); /* in a cycle */
    }
    free(first);
    free(next);
    free(g.v);
    free(grouped);
    free(source);
}
