/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd/smis-sim/model.c: the simulated array: pools, volumes, hardware IDs,
 * masking, jobs, and their rules. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/cmd.h"
#include "journal.h"
#include "sim.h"

#define MAX_JOBS_KEPT 1000

int64_t sim_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- string lists ---- */

void sim_strlist_add(struct sim_strlist *l, const char *s)
{
    cmd_grow((void **)&l->v, &l->cap, l->n + 1, sizeof(*l->v));
    l->v[l->n++] = cmd_xstrdup(s);
}

bool sim_strlist_has(const struct sim_strlist *l, const char *s)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->v[i], s) == 0)
            return true;
    return false;
}

bool sim_strlist_remove(struct sim_strlist *l, const char *s)
{
    for (size_t i = 0; i < l->n; i++) {
        if (strcmp(l->v[i], s) != 0)
            continue;
        free(l->v[i]);
        memmove(&l->v[i], &l->v[i + 1], (l->n - i - 1) * sizeof(*l->v));
        l->n--;
        return true;
    }
    return false;
}

void sim_strlist_clear(struct sim_strlist *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    memset(l, 0, sizeof(*l));
}

/* ---- lookups ---- */

struct sim_pool *sim_pool_find(struct sim *s, const char *id)
{
    for (size_t i = 0; id && i < s->npools; i++)
        if (strcmp(s->pools[i].id, id) == 0)
            return &s->pools[i];
    return NULL;
}

size_t sim_volume_index(const struct sim *s, uint32_t num)
{
    size_t lo = 0, hi = s->nvols;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->vols[mid].num < num)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

struct sim_volume *sim_volume_by_num(struct sim *s, uint32_t num)
{
    size_t i = sim_volume_index(s, num);
    return i < s->nvols && s->vols[i].num == num ? &s->vols[i] : NULL;
}

struct sim_volume *sim_volume_find(struct sim *s, const char *device_id)
{
    if (!device_id || strlen(device_id) != 8)
        return NULL;
    for (const char *p = device_id; *p; p++)
        if (!isxdigit((unsigned char)*p) || islower((unsigned char)*p))
            return NULL;
    return sim_volume_by_num(s, (uint32_t)strtoul(device_id, NULL, 16));
}

#define FIND(type, field, arr, n)                                              \
    for (size_t i = 0; id && i < s->n; i++)                                    \
        if (strcmp(s->arr[i].field, id) == 0)                                  \
            return &s->arr[i];                                                 \
    return NULL

struct sim_hwid *sim_hwid_find(struct sim *s, const char *id)
{
    FIND(struct sim_hwid, id, hwids, nhwids);
}

struct sim_hwid *sim_hwid_by_storage_id(struct sim *s, const char *sid)
{
    for (size_t i = 0; sid && i < s->nhwids; i++)
        if (strcasecmp(s->hwids[i].storage_id, sid) == 0)
            return &s->hwids[i];
    return NULL;
}

struct sim_group *sim_group_find(struct sim *s, const char *id)
{
    FIND(struct sim_group, id, groups, ngroups);
}

struct sim_view *sim_view_find(struct sim *s, const char *id)
{
    FIND(struct sim_view, id, views, nviews);
}

struct sim_job *sim_job_find(struct sim *s, const char *id)
{
    FIND(struct sim_job, id, jobs, njobs);
}

/* ---- recording changes (see struct sim_journal) ---- */

static void log_volume(struct sim *s, const struct sim_volume *v)
{
    struct sim_jop op = {.kind = SIM_JOP_VOL,
                         .u.vol = {.num = v->num,
                                   .source = v->source,
                                   .name = v->name,
                                   .pool = v->pool,
                                   .wwn = v->wwn,
                                   .blocks = v->blocks,
                                   .sync = v->sync_type}};
    sim_log_op(s, &op);
}

/* An op that names an object (and a member, for the kinds that have one). */
static void log_id(struct sim *s, enum sim_jop_kind kind, const char *id,
                   const char *member)
{
    struct sim_jop op = {.kind = kind, .id = id, .u.member = member};
    sim_log_op(s, &op);
}

static void log_view(struct sim *s, const struct sim_view *v)
{
    struct sim_jop op = {
        .kind = SIM_JOP_VIEW,
        .id = v->id,
        .u.view = {
            .name = v->name, .img = v->img, .tmg = v->tmg, .dmg = v->dmg}};
    sim_log_op(s, &op);
}

/* ---- volumes ---- */

static void volume_free(struct sim_volume *v)
{
    free(v->name);
    free(v->pool);
}

/* A snapshot shares its source's blocks until they change, so it takes
 * none at creation. */
uint64_t sim_volume_cost(const struct sim_volume *v)
{
    return v->sync_type == 7 ? 0 : v->blocks * SIM_BLOCK;
}

static void make_wwn(const struct sim *s, uint32_t num, char out[33])
{
    /* NAA 6 (IEEE registered extended), a made-up OUI, the array's
     * serial and the volume number: unique and stable. */
    uint32_t serial = 0;
    for (const char *p = s->system; *p; p++)
        serial = serial * 31 + (unsigned char)*p;
    snprintf(out, 33, "6%06X%09X%016X", 0x5A4E50u, (unsigned)serial, num);
}

sp_code sim_volume_create(struct sim *s, const char *pool, const char *name,
                          uint64_t bytes, uint32_t source, uint16_t sync_type,
                          struct sim_volume **out, sp_error *err)
{
    struct sim_pool *p = sim_pool_find(s, pool);
    if (!p || p->primordial)
        return sp_error_set(err, SP_ERR_NOT_FOUND,
                            "no concrete storage pool '%s'", pool ? pool : "");
    if (bytes == 0)
        return sp_error_set(err, SP_ERR_INVALID, "size must not be zero");
    uint64_t blocks = (bytes + SIM_BLOCK - 1) / SIM_BLOCK;
    struct sim_volume v = {
        .blocks = blocks, .source = source, .sync_type = sync_type};
    uint64_t cost = sim_volume_cost(&v);
    if (cost > p->total - p->used)
        return sp_error_set(err, SP_ERR_PRECONDITION,
                            "storage pool '%s' has %llu bytes free, %llu "
                            "asked",
                            p->id, (unsigned long long)(p->total - p->used),
                            (unsigned long long)cost);
    v.num = s->next_vol++;
    snprintf(v.id, sizeof(v.id), "%08X", v.num);
    v.name = cmd_xstrdup(name && *name ? name : v.id);
    v.pool = cmd_xstrdup(p->id);
    make_wwn(s, v.num, v.wwn);
    cmd_grow((void **)&s->vols, &s->capvols, s->nvols + 1, sizeof(*s->vols));
    /* Numbers only grow, so appending keeps the array sorted. */
    s->vols[s->nvols++] = v;
    p->used += cost;
    log_volume(s, &s->vols[s->nvols - 1]);
    if (out)
        *out = &s->vols[s->nvols - 1];
    return SP_OK;
}

bool sim_volume_masked(const struct sim *s, uint32_t vol)
{
    for (size_t i = 0; i < s->nviews; i++)
        for (size_t k = 0; k < s->views[i].nunits; k++)
            if (s->views[i].units[k].vol == vol)
                return true;
    return false;
}

sp_code sim_volume_delete(struct sim *s, const char *device_id, sp_error *err)
{
    struct sim_volume *v = sim_volume_find(s, device_id);
    if (!v)
        return sp_error_set(err, SP_ERR_NOT_FOUND, "no volume '%s'", device_id);
    if (sim_volume_masked(s, v->num))
        return sp_error_set(err, SP_ERR_PRECONDITION,
                            "volume '%s' is mapped to a host; unmask it first",
                            device_id);
    for (size_t i = 0; i < s->ngroups; i++)
        if (sim_strlist_has(&s->groups[i].members, device_id))
            return sp_error_set(err, SP_ERR_PRECONDITION,
                                "volume '%s' is a member of masking group "
                                "'%s'",
                                device_id, s->groups[i].name);
    size_t replicas = 0;
    for (size_t i = 0; i < s->nvols; i++)
        replicas += s->vols[i].source == v->num;
    if (replicas)
        return sp_error_set(err, SP_ERR_PRECONDITION,
                            "volume '%s' is the source of %zu replica(s); "
                            "detach or delete them first",
                            device_id, replicas);
    struct sim_pool *p = sim_pool_find(s, v->pool);
    if (p)
        p->used -= sim_volume_cost(v) <= p->used ? sim_volume_cost(v) : p->used;
    struct sim_jop op = {.kind = SIM_JOP_VOL_DEL, .u.vol.num = v->num};
    sim_log_op(s, &op);
    volume_free(v);
    size_t i = (size_t)(v - s->vols);
    memmove(&s->vols[i], &s->vols[i + 1], (s->nvols - i - 1) * sizeof(*v));
    s->nvols--;
    return SP_OK;
}

sp_code sim_volume_detach(struct sim *s, const char *device_id, sp_error *err)
{
    struct sim_volume *v = sim_volume_find(s, device_id);
    if (!v || !v->source)
        return sp_error_set(err, SP_ERR_NOT_FOUND,
                            "volume '%s' has no replication relationship",
                            device_id);
    if (v->sync_type == 7) {
        /* A detached snapshot becomes a full copy: it now owns its blocks. */
        struct sim_pool *p = sim_pool_find(s, v->pool);
        uint64_t need = v->blocks * SIM_BLOCK;
        if (p && need > p->total - p->used)
            return sp_error_set(err, SP_ERR_PRECONDITION,
                                "storage pool '%s' has no room to make the "
                                "snapshot independent",
                                p->id);
        if (p)
            p->used += need;
    }
    v->source = 0;
    v->sync_type = 0;
    log_volume(s, v);
    return SP_OK;
}

sp_code sim_volume_grow_check(struct sim *s, const struct sim_volume *v,
                              uint64_t bytes, sp_error *err)
{
    uint64_t blocks = (bytes + SIM_BLOCK - 1) / SIM_BLOCK;
    if (blocks < v->blocks)
        return sp_error_set(err, SP_ERR_INVALID,
                            "volume '%s' has %llu bytes; it can grow, not "
                            "shrink to %llu",
                            v->id, (unsigned long long)(v->blocks * SIM_BLOCK),
                            (unsigned long long)bytes);
    if (v->sync_type == 7 && blocks != v->blocks)
        return sp_error_set(err, SP_ERR_PRECONDITION,
                            "volume '%s' is a snapshot; it keeps its source's "
                            "size",
                            v->id);
    struct sim_pool *p = sim_pool_find(s, v->pool);
    uint64_t more = (blocks - v->blocks) * SIM_BLOCK;
    if (p && more > p->total - p->used)
        return sp_error_set(err, SP_ERR_PRECONDITION,
                            "storage pool '%s' has %llu bytes free, %llu "
                            "asked",
                            p->id, (unsigned long long)(p->total - p->used),
                            (unsigned long long)more);
    return SP_OK;
}

sp_code sim_volume_grow(struct sim *s, const char *device_id, uint64_t bytes,
                        sp_error *err)
{
    struct sim_volume *v = sim_volume_find(s, device_id);
    if (!v)
        return sp_error_set(err, SP_ERR_NOT_FOUND, "no volume '%s'", device_id);
    sp_code rc = sim_volume_grow_check(s, v, bytes, err);
    if (rc)
        return rc;
    uint64_t blocks = (bytes + SIM_BLOCK - 1) / SIM_BLOCK;
    if (blocks == v->blocks)
        return SP_OK;
    struct sim_pool *p = sim_pool_find(s, v->pool);
    uint64_t more = (blocks - v->blocks) * SIM_BLOCK;
    if (p)
        p->used += more;
    v->blocks = blocks;
    log_volume(s, v);
    return SP_OK;
}

/* ---- hardware IDs, groups, views ---- */

struct sim_hwid *sim_hwid_create(struct sim *s, const char *storage_id,
                                 uint16_t id_type, const char *name)
{
    cmd_grow((void **)&s->hwids, &s->caphwids, s->nhwids + 1,
             sizeof(*s->hwids));
    struct sim_hwid *h = &s->hwids[s->nhwids++];
    char id[32];
    snprintf(id, sizeof(id), "SIM+HWID+%u", s->next_hwid++);
    *h = (struct sim_hwid){.id = cmd_xstrdup(id),
                           .storage_id = cmd_xstrdup(storage_id),
                           .id_type = id_type,
                           .name =
                               cmd_xstrdup(name && *name ? name : storage_id)};
    struct sim_jop op = {.kind = SIM_JOP_HWID,
                         .id = h->id,
                         .u.hwid = {.storage_id = h->storage_id,
                                    .name = h->name,
                                    .type = h->id_type}};
    sim_log_op(s, &op);
    return h;
}

sp_code sim_hwid_delete(struct sim *s, const char *id, sp_error *err)
{
    struct sim_hwid *h = sim_hwid_find(s, id);
    if (!h)
        return sp_error_set(err, SP_ERR_NOT_FOUND, "no hardware ID '%s'", id);
    for (size_t i = 0; i < s->ngroups; i++)
        if (sim_strlist_has(&s->groups[i].members, id))
            return sp_error_set(err, SP_ERR_PRECONDITION,
                                "hardware ID '%s' is in masking group '%s'",
                                h->storage_id, s->groups[i].name);
    for (size_t i = 0; i < s->nviews; i++)
        if (sim_strlist_has(&s->views[i].initiators, id))
            return sp_error_set(err, SP_ERR_PRECONDITION,
                                "hardware ID '%s' is used by view '%s'",
                                h->storage_id, s->views[i].name);
    log_id(s, SIM_JOP_HWID_DEL, h->id, NULL);
    free(h->id);
    free(h->storage_id);
    free(h->name);
    size_t i = (size_t)(h - s->hwids);
    memmove(&s->hwids[i], &s->hwids[i + 1], (s->nhwids - i - 1) * sizeof(*h));
    s->nhwids--;
    return SP_OK;
}

struct sim_group *sim_group_create(struct sim *s, const char *name,
                                   uint16_t type)
{
    static const char *const prefix[] = {[2] = "IG", [3] = "TG", [4] = "DG"};
    cmd_grow((void **)&s->groups, &s->capgroups, s->ngroups + 1,
             sizeof(*s->groups));
    struct sim_group *g = &s->groups[s->ngroups++];
    char id[32];
    snprintf(id, sizeof(id), "SIM+%s+%u", prefix[type], s->next_group++);
    *g = (struct sim_group){.id = cmd_xstrdup(id),
                            .name = cmd_xstrdup(name && *name ? name : id),
                            .type = type};
    struct sim_jop op = {.kind = SIM_JOP_GROUP,
                         .id = g->id,
                         .u.group = {.name = g->name, .type = g->type}};
    sim_log_op(s, &op);
    return g;
}

static bool view_uses(const struct sim_view *v, const char *id)
{
    return (v->img && strcmp(v->img, id) == 0) ||
           (v->tmg && strcmp(v->tmg, id) == 0) ||
           (v->dmg && strcmp(v->dmg, id) == 0);
}

/* The first view using group @id, or NULL; with @mapping, the first that
 * also maps a volume. */
static struct sim_view *view_using(struct sim *s, const char *id, bool mapping)
{
    for (size_t i = 0; i < s->nviews; i++)
        if (view_uses(&s->views[i], id) && (!mapping || s->views[i].nunits))
            return &s->views[i];
    return NULL;
}

sp_code sim_group_delete(struct sim *s, const char *id, bool force,
                         sp_error *err)
{
    struct sim_group *g = sim_group_find(s, id);
    if (!g)
        return sp_error_set(err, SP_ERR_NOT_FOUND, "no masking group '%s'", id);
    /* Force deletes a group "even though it is associated to a masking
     * view" (DMTF): the views using it go too, as no view lacks a group,
     * but not while one still maps a volume (that would unmask it). */
    struct sim_view *v = view_using(s, id, force);
    if (v)
        return sp_error_set(err, SP_ERR_PRECONDITION,
                            force ? "masking group '%s' is part of masking "
                                    "view '%s', which maps volumes"
                                  : "masking group '%s' is part of masking "
                                    "view '%s'",
                            g->name, v->name);
    if (g->members.n && !force)
        return sp_error_set(err, SP_ERR_PRECONDITION,
                            "masking group '%s' is not empty", g->name);
    while ((v = view_using(s, id, false)))
        sim_view_delete(s, v->id);
    g = sim_group_find(s, id);
    log_id(s, SIM_JOP_GROUP_DEL, g->id, NULL);
    free(g->id);
    free(g->name);
    sim_strlist_clear(&g->members);
    size_t i = (size_t)(g - s->groups);
    memmove(&s->groups[i], &s->groups[i + 1],
            (s->ngroups - i - 1) * sizeof(*g));
    s->ngroups--;
    return SP_OK;
}

uint32_t sim_view_map(struct sim *s, struct sim_view *v, uint32_t vol, long lun)
{
    for (size_t i = 0; i < v->nunits; i++)
        if (v->units[i].vol == vol)
            return v->units[i].lun;
    uint32_t n = lun >= 0 ? (uint32_t)lun : 0;
    if (lun < 0) {
        /* The lowest free LUN, so numbers stay small and stable. */
        for (bool taken = true; taken; n++) {
            taken = false;
            for (size_t i = 0; i < v->nunits && !taken; i++)
                taken = v->units[i].lun == n;
            if (!taken)
                break;
        }
    }
    cmd_grow((void **)&v->units, &v->capunits, v->nunits + 1,
             sizeof(*v->units));
    v->units[v->nunits++] = (struct sim_unit){.vol = vol, .lun = n};
    struct sim_jop op = {
        .kind = SIM_JOP_MAP, .id = v->id, .u.map = {.vol = vol, .lun = n}};
    sim_log_op(s, &op);
    return n;
}

bool sim_view_unmap(struct sim *s, struct sim_view *v, uint32_t vol)
{
    for (size_t i = 0; i < v->nunits; i++) {
        if (v->units[i].vol != vol)
            continue;
        memmove(&v->units[i], &v->units[i + 1],
                (v->nunits - i - 1) * sizeof(*v->units));
        v->nunits--;
        struct sim_jop op = {
            .kind = SIM_JOP_UNMAP, .id = v->id, .u.map.vol = vol};
        sim_log_op(s, &op);
        return true;
    }
    return false;
}

sp_code sim_group_add(struct sim *s, struct sim_group *g, const char *member,
                      sp_error *err)
{
    if (sim_strlist_has(&g->members, member))
        return SP_OK;
    struct sim_volume *vol = NULL;
    if (g->type == 2 && !sim_hwid_find(s, member))
        return sp_error_set(err, SP_ERR_NOT_FOUND, "no hardware ID '%s'",
                            member);
    if (g->type == 3 && strcmp(member, "iscsi0") != 0 &&
        strcmp(member, "fc0") != 0)
        return sp_error_set(err, SP_ERR_NOT_FOUND, "no target port '%s'",
                            member);
    if (g->type == 4 && !(vol = sim_volume_find(s, member)))
        return sp_error_set(err, SP_ERR_NOT_FOUND, "no volume '%s'", member);
    sim_strlist_add(&g->members, member);
    log_id(s, SIM_JOP_MEMBER_ADD, g->id, member);
    for (size_t i = 0; vol && i < s->nviews; i++)
        if (s->views[i].dmg && strcmp(s->views[i].dmg, g->id) == 0)
            sim_view_map(s, &s->views[i], vol->num, -1);
    return SP_OK;
}

sp_code sim_group_remove(struct sim *s, struct sim_group *g, const char *member,
                         sp_error *err)
{
    if (!sim_strlist_remove(&g->members, member))
        return SP_OK; /* not a member: nothing to do, as arrays answer */
    log_id(s, SIM_JOP_MEMBER_DEL, g->id, member);
    struct sim_volume *vol = g->type == 4 ? sim_volume_find(s, member) : NULL;
    for (size_t i = 0; vol && i < s->nviews; i++)
        if (s->views[i].dmg && strcmp(s->views[i].dmg, g->id) == 0)
            sim_view_unmap(s, &s->views[i], vol->num);
    (void)err;
    return SP_OK;
}

struct sim_view *sim_view_create(struct sim *s, const char *name)
{
    cmd_grow((void **)&s->views, &s->capviews, s->nviews + 1,
             sizeof(*s->views));
    struct sim_view *v = &s->views[s->nviews++];
    char id[32];
    snprintf(id, sizeof(id), "SIM+VIEW+%u", s->next_view++);
    *v = (struct sim_view){.id = cmd_xstrdup(id),
                           .name = cmd_xstrdup(name && *name ? name : id)};
    log_view(s, v);
    return v;
}

void sim_view_set_groups(struct sim *s, struct sim_view *v, const char *img,
                         const char *tmg, const char *dmg)
{
    char *old[] = {v->img, v->tmg, v->dmg};
    v->img = cmd_xstrdup(img);
    v->tmg = cmd_xstrdup(tmg);
    v->dmg = cmd_xstrdup(dmg);
    for (size_t i = 0; i < CMD_COUNT(old); i++)
        free(old[i]);
    log_view(s, v);
}

void sim_view_add_initiator(struct sim *s, struct sim_view *v, const char *hwid)
{
    if (sim_strlist_has(&v->initiators, hwid))
        return;
    sim_strlist_add(&v->initiators, hwid);
    log_id(s, SIM_JOP_INIT_ADD, v->id, hwid);
}

void sim_view_remove_initiator(struct sim *s, struct sim_view *v,
                               const char *hwid)
{
    if (sim_strlist_remove(&v->initiators, hwid))
        log_id(s, SIM_JOP_INIT_DEL, v->id, hwid);
}

void sim_view_delete(struct sim *s, const char *id)
{
    struct sim_view *v = sim_view_find(s, id);
    if (!v)
        return;
    log_id(s, SIM_JOP_VIEW_DEL, v->id, NULL);
    free(v->id);
    free(v->name);
    free(v->img);
    free(v->tmg);
    free(v->dmg);
    sim_strlist_clear(&v->initiators);
    free(v->units);
    size_t i = (size_t)(v - s->views);
    memmove(&s->views[i], &s->views[i + 1], (s->nviews - i - 1) * sizeof(*v));
    s->nviews--;
}

/* ---- jobs ---- */

void sim_job_release(struct sim_job *j)
{
    free(j->id);
    free(j->method);
    free(j->error);
    sim_strlist_clear(&j->affected);
}

struct sim_job *sim_job_start(struct sim *s, const char *method)
{
    int64_t now = sim_now_ms();
    /* Forget the oldest finished jobs beyond a bound. */
    while (s->njobs >= MAX_JOBS_KEPT) {
        log_id(s, SIM_JOP_JOB_DEL, s->jobs[0].id, NULL);
        sim_job_release(&s->jobs[0]);
        memmove(&s->jobs[0], &s->jobs[1], (s->njobs - 1) * sizeof(*s->jobs));
        s->njobs--;
    }
    cmd_grow((void **)&s->jobs, &s->capjobs, s->njobs + 1, sizeof(*s->jobs));
    struct sim_job *j = &s->jobs[s->njobs++];
    char id[32];
    snprintf(id, sizeof(id), "SIM+JOB+%u", s->next_job++);
    s->jobs_started++;
    s->jobs_this_run++;
    *j = (struct sim_job){
        .id = cmd_xstrdup(id),
        .method = cmd_xstrdup(method),
        .start_ms = now,
        .end_ms = now + (int64_t)(s->o.job_seconds * 1000),
        .fail = s->o.job_fail && s->jobs_this_run == s->o.job_fail,
        .stall = s->o.job_stall && s->jobs_this_run == s->o.job_stall,
    };
    /* Recorded when the change is committed: the method that started it
     * goes on to set its error and what it affects. */
    if (s->j.logging)
        sim_strlist_add(&s->j.jobs, j->id);
    return j;
}

sp_code sim_job_delete(struct sim *s, const char *id, sp_error *err)
{
    struct sim_job *j = sim_job_find(s, id);
    if (!j)
        return sp_error_set(err, SP_ERR_NOT_FOUND, "no job '%s'", id);
    if (sim_job_state(j, sim_now_ms()) == 4)
        return sp_error_set(err, SP_ERR_PRECONDITION,
                            "job '%s' is still running; delete it when it "
                            "has finished",
                            id);
    log_id(s, SIM_JOP_JOB_DEL, j->id, NULL);
    sim_job_release(j);
    size_t i = (size_t)(j - s->jobs);
    memmove(&s->jobs[i], &s->jobs[i + 1], (s->njobs - i - 1) * sizeof(*j));
    s->njobs--;
    return SP_OK;
}

int sim_job_state(const struct sim_job *j, int64_t now)
{
    if (j->stall || now < j->end_ms)
        return 4;            /* Running */
    return j->fail ? 10 : 7; /* Exception : Completed */
}

void sim_enum_release(struct sim_enum *e)
{
    free(e->classname);
    free(e->ns);
    sim_strlist_clear(&e->props);
    for (size_t k = 0; k < e->npaths; k++)
        sp_cim_path_free(e->paths[k]);
    free(e->paths);
    sp_buf_release(&e->ahead);
}

/* ---- pools from the command line ---- */

static sp_code parse_size(const char *s, uint64_t *out)
{
    char *end = NULL;
    double v = strtod(s, &end);
    if (end == s || v <= 0)
        return SP_ERR_INVALID;
    static const char units[] = "KMGTP";
    const char *u = *end ? strchr(units, toupper((unsigned char)*end)) : NULL;
    if (*end && (!u || end[1]))
        return SP_ERR_INVALID;
    for (int i = 0; u && i <= u - units; i++)
        v *= 1024;
    *out = (uint64_t)v;
    return SP_OK;
}

static sp_code parse_pools(struct sim *s, const char *spec, sp_error *err)
{
    uint64_t sum = 0;
    for (const char *p = spec; *p;) {
        const char *end = strchr(p, ',');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        char tok[256];
        snprintf(tok, sizeof(tok), "%.*s", (int)(n < 255 ? n : 255), p);
        p += n + (end ? 1 : 0);
        char *colon = strchr(tok, ':');
        uint64_t size = 0;
        if (!colon || colon == tok || parse_size(colon + 1, &size))
            return sp_error_set(err, SP_ERR_INVALID,
                                "'%s' is not NAME:SIZE (e.g. gold:10T)", tok);
        *colon = '\0';
        if (sim_pool_find(s, tok))
            return sp_error_set(err, SP_ERR_INVALID, "pool '%s' given twice",
                                tok);
        s->pools = cmd_xrealloc(s->pools, (s->npools + 2) * sizeof(*s->pools));
        s->pools[s->npools++] =
            (struct sim_pool){.id = cmd_xstrdup(tok), .total = size};
        sum += size;
    }
    if (!s->npools)
        return sp_error_set(err, SP_ERR_INVALID, "no pools given");
    /* The primordial pool: the raw capacity the concrete pools come from. */
    s->pools[s->npools++] = (struct sim_pool){.id = cmd_xstrdup("primordial"),
                                              .total = sum,
                                              .used = sum,
                                              .primordial = true};
    return SP_OK;
}

/* ---- life cycle ---- */

sp_code sim_init(struct sim *s, const struct sim_opts *o, sp_error *err)
{
    memset(s, 0, sizeof(*s));
    pthread_mutex_init(&s->lock, NULL);
    s->o = *o;
    s->j.fd = -1;
    s->host = cmd_xstrdup(o->listen_host && *o->listen_host ? o->listen_host
                                                            : "localhost");
    s->next_vol = s->next_group = s->next_view = s->next_job = s->next_hwid = 1;
    sp_code rc = sim_state_load(s, err);
    if (rc == SP_ERR_NOT_FOUND && o->compact_only)
        return sp_error_set(err, SP_ERR_NOT_FOUND, "there is no state '%s'",
                            o->state);
    if (rc != SP_ERR_NOT_FOUND)
        return rc ? rc : sim_state_start(s, false, o->compact_only, err);
    /* A new array.  Preloaded volumes are 1 GiB each, spread over the
     * pools; the default pools grow to hold them. */
    s->system = cmd_xstrdup("SIM0001");
    char *spec = NULL;
    if (!o->pools) {
        unsigned long long tib = 10 + (o->preload + 2047) / 2048;
        spec = cmd_xasprintf("gold:%lluT,silver:%lluT", tib, tib);
    }
    rc = parse_pools(s, o->pools ? o->pools : spec, err);
    free(spec);
    size_t concrete = s->npools - 1;
    for (unsigned long i = 0; !rc && i < o->preload; i++) {
        char name[32];
        snprintf(name, sizeof(name), "preload%lu", i + 1);
        rc = sim_volume_create(s, s->pools[i % concrete].id, name,
                               (uint64_t)1 << 30, 0, 0, NULL, err);
        if (rc) {
            rc = sp_error_set(err, SP_ERR_INVALID,
                              "--preload-volumes %lu does not fit in the "
                              "pools (%lu GiB needed); give larger --pools",
                              o->preload, o->preload);
        }
    }
    return rc ? rc : sim_state_start(s, true, false, err);
}

void sim_release(struct sim *s)
{
    s->j.logging = false; /* what follows is not a change of the array */
    if (s->j.fd >= 0)
        close(s->j.fd);
    free(s->j.path);
    sp_buf_release(&s->j.batch);
    sim_strlist_clear(&s->j.jobs);
    for (size_t i = 0; i < s->npools; i++)
        free(s->pools[i].id);
    free(s->pools);
    for (size_t i = 0; i < s->nvols; i++)
        volume_free(&s->vols[i]);
    free(s->vols);
    while (s->nhwids) {
        struct sim_hwid *h = &s->hwids[--s->nhwids];
        free(h->id);
        free(h->storage_id);
        free(h->name);
    }
    free(s->hwids);
    while (s->ngroups) {
        struct sim_group *g = &s->groups[--s->ngroups];
        free(g->id);
        free(g->name);
        sim_strlist_clear(&g->members);
    }
    free(s->groups);
    while (s->nviews)
        sim_view_delete(s, s->views[s->nviews - 1].id);
    free(s->views);
    for (size_t i = 0; i < s->njobs; i++)
        sim_job_release(&s->jobs[i]);
    free(s->jobs);
    for (size_t i = 0; i < s->nenums; i++)
        sim_enum_release(&s->enums[i]);
    free(s->enums);
    for (size_t i = 0; i < s->nstats; i++)
        free(s->stats[i].name);
    free(s->stats);
    free(s->host);
    free(s->system);
    pthread_mutex_destroy(&s->lock);
}
