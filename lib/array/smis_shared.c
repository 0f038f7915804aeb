/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/array/smis_shared.c: what discovery learns of an SMI-S array, shared
 * by the handles of one process that reach it (a deploy's workers). */
#include "smis.h"

#include <pthread.h>

/*
 * Each worker of "vm-deploy -j 8" has a handle of its own, so a connection
 * of its own (handles are not thread-safe), and each used to discover the
 * array again: the Interop profiles, the system, the services, the
 * capabilities, the pools, the target ports, some ten requests a handle.
 * None of it changes while a process runs, so the first handle to learn a
 * fact publishes a copy here and the others copy it instead of asking.
 *
 * Entries are keyed by the array's name, URI and user (another user may
 * be shown other things) and live while a handle holds them.  Each has a
 * recursive mutex, held while a fact is looked for: a handle that wants a
 * fact another is asking for waits for that answer.  Facts are read and
 * written under the lock only, and handles work on copies of their own
 * (the driver's code reads them as it did when each handle discovered
 * the array itself).
 */
struct smis_shared {
    struct smis_shared *next;
    char *key;
    unsigned int refs;
    pthread_mutex_t lock;
    bool known[SMIS_FACT_SERVICE + SMIS_NSERVICES];
    /* SMIS_FACT_SYSTEM */
    char *interop, *ns;
    sp_cim_path *system;
    char **profiles;
    size_t nprofiles;
    bool group_profile, legacy_profile;
    /* SMIS_FACT_CAPS */
    bool snapshot, clone, async;
    sp_masking_kind masking;
    /* SMIS_FACT_PORTS */
    unsigned int connectivity;
    char *iscsi_iqn;
    /* SMIS_FACT_POOLS */
    struct smis_pool *pools;
    size_t npools;
    /* SMIS_FACT_SERVICE + i */
    sp_cim_path *service[SMIS_NSERVICES];
};

static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static struct smis_shared *registry;

static char **copy_strings(char *const *v, size_t n)
{
    char **c = spi_xcalloc(n + 1, sizeof(*c));
    for (size_t i = 0; i < n; i++)
        c[i] = spi_xstrdup(v[i]);
    return c;
}

static void free_strings(char **v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        free(v[i]);
    free(v);
}

static struct smis_pool *copy_pools(const struct smis_pool *p, size_t n)
{
    struct smis_pool *c = spi_xcalloc(n + 1, sizeof(*c));
    for (size_t i = 0; i < n; i++)
        c[i] = (struct smis_pool){spi_xstrdup(p[i].key), spi_xstrdup(p[i].name),
                                  sp_cim_path_copy(p[i].path), p[i].total,
                                  p[i].free};
    return c;
}

static void entry_free(struct smis_shared *e)
{
    pthread_mutex_destroy(&e->lock);
    free(e->key);
    free(e->interop);
    free(e->ns);
    sp_cim_path_free(e->system);
    free_strings(e->profiles, e->nprofiles);
    free(e->iscsi_iqn);
    smis_pools_free(e->pools, e->npools);
    for (int i = 0; i < SMIS_NSERVICES; i++)
        sp_cim_path_free(e->service[i]);
    free(e);
}

void smis_shared_open(sp_array *a)
{
    const char *user = sp_config_get(a->cfg, "array", a->name, "user");
    SPI_AUTOFREE char *key =
        spi_xasprintf("%s\n%s\n%s", a->name, a->uri, user ? user : "");
    pthread_mutex_lock(&registry_lock);
    struct smis_shared *e = registry;
    while (e && !SPI_STREQ(e->key, key))
        e = e->next;
    if (!e) {
        e = spi_xcalloc(1, sizeof(*e));
        e->key = spi_xstrdup(key);
        pthread_mutexattr_t attr;
        pthread_mutexattr_init(&attr);
        pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
        pthread_mutex_init(&e->lock, &attr);
        pthread_mutexattr_destroy(&attr);
        e->next = registry;
        registry = e;
    }
    e->refs++;
    pthread_mutex_unlock(&registry_lock);
    smis_of(a)->shared = e;
}

void smis_shared_close(sp_array *a)
{
    struct smis_shared *e = smis_of(a)->shared;
    if (!e)
        return;
    smis_of(a)->shared = NULL;
    pthread_mutex_lock(&registry_lock);
    bool last = --e->refs == 0;
    if (last) {
        struct smis_shared **p = &registry;
        while (*p != e)
            p = &(*p)->next;
        *p = e->next;
    }
    pthread_mutex_unlock(&registry_lock);
    if (last)
        entry_free(e);
}

void smis_shared_lock(sp_array *a)
{
    pthread_mutex_lock(&smis_of(a)->shared->lock);
}

void smis_shared_unlock(sp_array *a)
{
    pthread_mutex_unlock(&smis_of(a)->shared->lock);
}

bool smis_shared_take(sp_array *a, int f)
{
    struct smis *s = smis_of(a);
    struct smis_shared *e = s->shared;
    if (!e->known[f])
        return false;
    switch (f) {
    case SMIS_FACT_SYSTEM:
        free(s->interop);
        free(s->ns);
        sp_cim_path_free(s->system);
        free_strings(s->profiles, s->nprofiles);
        s->interop = spi_xstrdup(e->interop);
        s->ns = spi_xstrdup(e->ns);
        s->system = sp_cim_path_copy(e->system);
        s->profiles = copy_strings(e->profiles, e->nprofiles);
        s->nprofiles = e->nprofiles;
        s->group_profile = e->group_profile;
        s->legacy_profile = e->legacy_profile;
        break;
    case SMIS_FACT_CAPS:
        s->caps.snapshot = e->snapshot;
        s->caps.clone = e->clone;
        s->caps.async = e->async;
        s->caps.masking = e->masking;
        break;
    case SMIS_FACT_PORTS:
        free(s->iscsi_iqn);
        s->connectivity = e->connectivity;
        s->iscsi_iqn = spi_xstrdup(e->iscsi_iqn);
        s->have_ports = true;
        break;
    case SMIS_FACT_POOLS:
        smis_pools_free(s->pools, s->npools);
        s->pools = copy_pools(e->pools, e->npools);
        s->npools = e->npools;
        break;
    default: {
        int i = f - SMIS_FACT_SERVICE;
        sp_cim_path_free(s->service[i]);
        s->service[i] = sp_cim_path_copy(e->service[i]);
        s->looked[i] = true;
        break;
    }
    }
    return true;
}

void smis_shared_give(sp_array *a, int f)
{
    const struct smis *s = smis_of(a);
    struct smis_shared *e = s->shared;
    switch (f) {
    case SMIS_FACT_SYSTEM:
        free(e->interop);
        free(e->ns);
        sp_cim_path_free(e->system);
        free_strings(e->profiles, e->nprofiles);
        e->interop = spi_xstrdup(s->interop);
        e->ns = spi_xstrdup(s->ns);
        e->system = sp_cim_path_copy(s->system);
        e->profiles = copy_strings(s->profiles, s->nprofiles);
        e->nprofiles = s->nprofiles;
        e->group_profile = s->group_profile;
        e->legacy_profile = s->legacy_profile;
        break;
    case SMIS_FACT_CAPS:
        e->snapshot = s->caps.snapshot;
        e->clone = s->caps.clone;
        e->async = s->caps.async;
        e->masking = s->caps.masking;
        break;
    case SMIS_FACT_PORTS:
        free(e->iscsi_iqn);
        e->connectivity = s->connectivity;
        e->iscsi_iqn = spi_xstrdup(s->iscsi_iqn);
        break;
    case SMIS_FACT_POOLS: /* read again for a missing pool: the newer wins */
        smis_pools_free(e->pools, e->npools);
        e->pools = copy_pools(s->pools, s->npools);
        e->npools = s->npools;
        break;
    default: {
        int i = f - SMIS_FACT_SERVICE;
        sp_cim_path_free(e->service[i]);
        e->service[i] = sp_cim_path_copy(s->service[i]);
        break;
    }
    }
    e->known[f] = true;
}
