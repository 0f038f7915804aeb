/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd/smis-sim/methods.c: the extrinsic methods: volumes, replicas, masking
 * (group and legacy), hardware IDs, jobs. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "common/cmd.h"
#include "sim.h"

/* SMI-S method return codes. */
enum { RC_OK = 0, RC_JOB = 4096 };

/* One method call: its request, where the answer goes, its out params. */
struct call {
    struct sim *s;
    const sp_cim_request *rq;
    sp_buf *out;
    sp_cim_args *outp;
    struct sim_job *job; /* set when the method runs as a job */
    bool failed;         /* an ERROR has been written */
};

static const sp_cim_value *arg(struct call *c, const char *name)
{
    const sp_cim_value *v = sp_cim_args_get(sp_cim_request_params(c->rq), name);
    return v && !sp_cim_value_is_null(v) ? v : NULL;
}

static const char *arg_str(struct call *c, const char *name)
{
    return sp_cim_value_get_string(arg(c, name));
}

static bool arg_uint(struct call *c, const char *name, uint64_t *out)
{
    return sp_cim_value_get_uint(arg(c, name), out);
}

static const sp_cim_path *arg_ref(struct call *c, const char *name)
{
    return sp_cim_value_get_ref(arg(c, name));
}

static void fail(struct call *c, int code, const char *fmt, ...)
    SP_PRINTF(3, 4);
static void fail(struct call *c, int code, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    sim_error(c->rq, c->out, code, "%s", msg);
    c->failed = true;
}

/* Map a model refusal to a CIM status and report it. */
static void refuse(struct call *c, const sp_error *e)
{
    int code = e->code == SP_ERR_NOT_FOUND ? SP_CIM_ERR_NOT_FOUND
               : e->code == SP_ERR_INVALID ? SP_CIM_ERR_INVALID_PARAMETER
                                           : SP_CIM_ERR_FAILED;
    fail(c, code, "%s", e->message);
}

static void out_ref(struct call *c, const char *name, sp_cim_path *p)
{
    sp_cim_args_set(c->outp, name, sp_cim_value_take_ref(p));
}

/*
 * Asynchronous methods: with --job-seconds > 0 they start a job.  The
 * change is made at once (clients see the new volume while the job runs),
 * unless the job is to fail, in which case nothing changes and the job
 * ends in error.  Returns false when the work must be skipped.
 */
static bool begin_job(struct call *c, const char *method)
{
    if (c->s->o.job_seconds <= 0)
        return true;
    c->job = sim_job_start(c->s, method);
    if (c->job->fail) {
        c->job->error = cmd_xasprintf(
            "simulated failure of job %s (%s, --job-fail)", c->job->id, method);
        return false;
    }
    return true;
}

static void job_affects(struct call *c, const char *kind, const char *id)
{
    if (!c->job)
        return;
    char *what = cmd_xasprintf("%s:%s", kind, id);
    sim_strlist_add(&c->job->affected, what);
    free(what);
}

/* ---- resolving references to model objects ---- */

static bool ours(struct call *c, const sp_cim_path *p)
{
    const char *sys = sim_path_key(p, "SystemName");
    return sys && strcmp(sys, c->s->system) == 0;
}

static struct sim_volume *ref_volume(struct call *c, const sp_cim_path *p,
                                     const char *what)
{
    struct sim_volume *v =
        p && ours(c, p) &&
                strcasecmp(sp_cim_path_class(p), "SIM_StorageVolume") == 0
            ? sim_volume_find(c->s, sim_path_key(p, "DeviceID"))
            : NULL;
    if (!v && !c->failed) {
        char *txt = p ? sp_cim_path_to_string(p) : NULL;
        fail(c, p ? SP_CIM_ERR_NOT_FOUND : SP_CIM_ERR_INVALID_PARAMETER,
             "%s: no such volume%s%s", what, txt ? " " : "", txt ? txt : "");
        free(txt);
    }
    return v;
}

static struct sim_pool *ref_pool(struct call *c, const sp_cim_path *p)
{
    const char *id = sim_path_key(p, "InstanceID");
    struct sim_pool *pool = id && strncmp(id, "SIM+POOL+", 9) == 0
                                ? sim_pool_find(c->s, id + 9)
                                : NULL;
    if (!pool)
        fail(c, SP_CIM_ERR_NOT_FOUND, "no storage pool %s",
             id ? id : "(no InstanceID)");
    return pool;
}

static struct sim_group *ref_group(struct call *c, const sp_cim_path *p,
                                   uint16_t type, const char *what)
{
    struct sim_group *g = sim_group_find(c->s, sim_path_key(p, "InstanceID"));
    if (!g || (type && g->type != type)) {
        fail(c, g ? SP_CIM_ERR_INVALID_PARAMETER : SP_CIM_ERR_NOT_FOUND,
             "%s: %s", what,
             g ? "masking group of the wrong type" : "no such masking group");
        return NULL;
    }
    return g;
}

static struct sim_view *ref_view(struct call *c, const sp_cim_path *p)
{
    struct sim_view *v = p && ours(c, p)
                             ? sim_view_find(c->s, sim_path_key(p, "DeviceID"))
                             : NULL;
    if (!v)
        fail(c, SP_CIM_ERR_NOT_FOUND, "no such protocol controller");
    return v;
}

/* The model id of a group member given by reference, per group type. */
static const char *member_id(struct call *c, const sp_cim_path *p,
                             uint16_t type)
{
    const char *cls = sp_cim_path_class(p);
    if (type == 2 && strcasecmp(cls, "SIM_StorageHardwareID") == 0)
        return sim_path_key(p, "InstanceID");
    /* A target group holds the ports' endpoints (SNIA's Group Masking and
     * Mapping); the FC port itself is taken for its endpoint too. */
    if (type == 3 && strcasecmp(cls, "SIM_FCPort") == 0)
        return sim_path_key(p, "DeviceID");
    if (type == 3 && strcasecmp(cls, "SIM_SCSIProtocolEndpoint") == 0) {
        const char *name = sim_path_key(p, "Name");
        return name && strcasecmp(name, sim_fc_wwpn()) == 0 ? "fc0" : name;
    }
    if (type == 3 && strcasecmp(cls, "SIM_iSCSIProtocolEndpoint") == 0)
        return sim_path_key(p, "Name");
    if (type == 4 && strcasecmp(cls, "SIM_StorageVolume") == 0)
        return sim_path_key(p, "DeviceID");
    fail(c, SP_CIM_ERR_INVALID_PARAMETER,
         "a %s cannot be a member of this masking group", cls);
    return NULL;
}

/* ---- StorageConfigurationService ---- */

/* CreateOrModifyElementFromStoragePool with TheElement: grow the volume
 * to Size ("Storage Element Capacity Expansion"; a rename is not done). */
static uint32_t modify_volume(struct call *c)
{
    uint64_t size = 0;
    struct sim_volume *v =
        ref_volume(c, arg_ref(c, "TheElement"), "TheElement");
    if (!v)
        return 0;
    if (!arg_uint(c, "Size", &size) || size == 0) {
        fail(c, SP_CIM_ERR_INVALID_PARAMETER,
             "Size must be a positive uint64 (the volume's new size)");
        return 0;
    }
    uint64_t type = 2;
    if (arg(c, "ElementType") &&
        (!arg_uint(c, "ElementType", &type) || type != 2)) {
        fail(c, SP_CIM_ERR_NOT_SUPPORTED,
             "only ElementType 2 (StorageVolume) is supported");
        return 0;
    }
    const sp_cim_path *in_pool = arg_ref(c, "InPool");
    struct sim_pool *pool = in_pool ? ref_pool(c, in_pool) : NULL;
    if (in_pool && (!pool || strcmp(pool->id, v->pool) != 0)) {
        if (pool)
            fail(c, SP_CIM_ERR_INVALID_PARAMETER,
                 "volume '%s' grows in its own storage pool '%s'", v->id,
                 v->pool);
        return 0;
    }
    sp_error e;
    /* Refused at once, as the array checks before it starts a job. */
    if (sim_volume_grow_check(c->s, v, size, &e)) {
        refuse(c, &e);
        return 0;
    }
    char id[12];
    snprintf(id, sizeof(id), "%s", v->id);
    if (!begin_job(c, "CreateOrModifyElementFromStoragePool"))
        return RC_JOB;
    if (sim_volume_grow(c->s, id, size, &e)) {
        refuse(c, &e);
        return 0;
    }
    v = sim_volume_find(c->s, id);
    job_affects(c, "vol", v->id);
    out_ref(c, "TheElement", sim_volume_path(c->s, v));
    sp_cim_args_set(
        c->outp, "Size",
        sp_cim_value_new_uint(SP_CIM_UINT64, v->blocks * SIM_BLOCK));
    return c->job ? RC_JOB : RC_OK;
}

static uint32_t create_volume(struct call *c)
{
    uint64_t size = 0, type = 2;
    if (arg(c, "TheElement"))
        return modify_volume(c);
    if (arg(c, "ElementType") &&
        (!arg_uint(c, "ElementType", &type) || type != 2)) {
        fail(c, SP_CIM_ERR_NOT_SUPPORTED,
             "only ElementType 2 (StorageVolume) is supported");
        return 0;
    }
    if (!arg_uint(c, "Size", &size) || size == 0) {
        fail(c, SP_CIM_ERR_INVALID_PARAMETER, "Size must be a positive uint64");
        return 0;
    }
    struct sim_pool *pool = NULL;
    if (arg_ref(c, "InPool")) {
        if (!(pool = ref_pool(c, arg_ref(c, "InPool"))))
            return 0;
    } else {
        pool = &c->s->pools[0];
    }
    if (pool->primordial) {
        fail(c, SP_CIM_ERR_INVALID_PARAMETER,
             "volumes cannot be made in the primordial pool");
        return 0;
    }
    if (size > pool->total - pool->used) {
        fail(c, SP_CIM_ERR_FAILED,
             "storage pool '%s' has %llu bytes free, %llu asked", pool->id,
             (unsigned long long)(pool->total - pool->used),
             (unsigned long long)size);
        return 0;
    }
    if (!begin_job(c, "CreateOrModifyElementFromStoragePool"))
        return RC_JOB;
    struct sim_volume *v = NULL;
    sp_error e;
    if (sim_volume_create(c->s, pool->id, arg_str(c, "ElementName"), size, 0, 0,
                          &v, &e)) {
        refuse(c, &e);
        return 0;
    }
    job_affects(c, "vol", v->id);
    out_ref(c, "TheElement", sim_volume_path(c->s, v));
    sp_cim_args_set(
        c->outp, "Size",
        sp_cim_value_new_uint(SP_CIM_UINT64, v->blocks * SIM_BLOCK));
    return c->job ? RC_JOB : RC_OK;
}

static uint32_t return_to_pool(struct call *c)
{
    struct sim_volume *v =
        ref_volume(c, arg_ref(c, "TheElement"), "TheElement");
    if (!v)
        return 0;
    char id[12];
    snprintf(id, sizeof(id), "%s", v->id);
    sp_error e;
    /* Check before the job: an array refuses a mapped volume at once. */
    if (sim_volume_masked(c->s, v->num)) {
        fail(c, SP_CIM_ERR_FAILED,
             "volume '%s' is mapped to a host; unmask it first", id);
        return 0;
    }
    if (!begin_job(c, "ReturnToStoragePool"))
        return RC_JOB;
    if (sim_volume_delete(c->s, id, &e)) {
        refuse(c, &e);
        return 0;
    }
    return c->job ? RC_JOB : RC_OK;
}

/* ---- ReplicationService ---- */

static uint32_t create_replica(struct call *c)
{
    uint64_t sync = 0;
    if (c->s->o.no_copies) {
        fail(c, SP_CIM_ERR_NOT_SUPPORTED, "this array makes no copies");
        return 0;
    }
    if (!arg_uint(c, "SyncType", &sync) || (sync != 7 && sync != 8)) {
        fail(c, SP_CIM_ERR_NOT_SUPPORTED,
             "SyncType must be 7 (snapshot) or 8 (clone)");
        return 0;
    }
    uint64_t mode = 2;
    if (arg(c, "Mode") && (!arg_uint(c, "Mode", &mode) || mode != 2)) {
        /* As SupportedReplicationTypes says: synchronous copies only. */
        fail(c, SP_CIM_ERR_NOT_SUPPORTED,
             "Mode must be 2 (Synchronous): this array makes no "
             "asynchronous replicas");
        return 0;
    }
    struct sim_volume *src =
        ref_volume(c, arg_ref(c, "SourceElement"), "SourceElement");
    if (!src)
        return 0;
    struct sim_pool *pool = arg_ref(c, "TargetPool")
                                ? ref_pool(c, arg_ref(c, "TargetPool"))
                                : sim_pool_find(c->s, src->pool);
    if (!pool)
        return 0;
    if (sync == 7 && strcmp(pool->id, src->pool) != 0) {
        fail(c, SP_CIM_ERR_NOT_SUPPORTED,
             "a snapshot must be in its source's pool '%s'", src->pool);
        return 0;
    }
    uint64_t bytes = src->blocks * SIM_BLOCK;
    if (sync == 8 && bytes > pool->total - pool->used) {
        fail(c, SP_CIM_ERR_FAILED,
             "storage pool '%s' has %llu bytes free, %llu asked for the "
             "clone",
             pool->id, (unsigned long long)(pool->total - pool->used),
             (unsigned long long)bytes);
        return 0;
    }
    if (!begin_job(c, "CreateElementReplica"))
        return RC_JOB;
    uint32_t srcnum = src->num;
    char *name = cmd_xstrdup(arg_str(c, "ElementName"));
    struct sim_volume *v = NULL;
    sp_error e;
    sp_code rc = sim_volume_create(c->s, pool->id, name, bytes, srcnum,
                                   (uint16_t)sync, &v, &e);
    free(name);
    if (rc) {
        refuse(c, &e);
        return 0;
    }
    job_affects(c, "vol", v->id);
    out_ref(c, "TargetElement", sim_volume_path(c->s, v));
    sp_cim_path *sp = sim_path(c->s, "SIM_StorageSynchronized", false);
    sp_cim_path_set_key(sp, "SystemElement",
                        sp_cim_value_take_ref(sim_volume_path(
                            c->s, sim_volume_by_num(c->s, srcnum))));
    sp_cim_path_set_key(sp, "SyncedElement",
                        sp_cim_value_take_ref(sim_volume_path(c->s, v)));
    out_ref(c, "Synchronization", sp);
    return c->job ? RC_JOB : RC_OK;
}

static uint32_t modify_sync(struct call *c)
{
    uint64_t op = 0;
    const sp_cim_path *sync = arg_ref(c, "Synchronization");
    const sp_cim_path *target =
        sync ? sp_cim_value_get_ref(sp_cim_path_get_key(sync, "SyncedElement"))
             : NULL;
    if (!arg_uint(c, "Operation", &op) || !target) {
        fail(c, SP_CIM_ERR_INVALID_PARAMETER,
             "Operation and Synchronization are required");
        return 0;
    }
    struct sim_volume *v = ref_volume(c, target, "SyncedElement");
    if (!v)
        return 0;
    char id[12];
    snprintf(id, sizeof(id), "%s", v->id);
    sp_error e;
    sp_code rc;
    if (op == 8) /* Detach */
        rc = sim_volume_detach(c->s, id, &e);
    else if (op == 19) /* Return To ResourcePool */
        rc = sim_volume_delete(c->s, id, &e);
    else {
        fail(c, SP_CIM_ERR_NOT_SUPPORTED,
             "Operation %llu is not supported (8 Detach, 19 Return To "
             "ResourcePool are)",
             (unsigned long long)op);
        return 0;
    }
    if (rc)
        refuse(c, &e);
    return 0;
}

/* ---- GroupMaskingMappingService ---- */

static bool add_members(struct call *c, struct sim_group *g,
                        const sp_cim_value *members)
{
    for (size_t i = 0; members && i < sp_cim_value_count(members); i++) {
        const sp_cim_path *p =
            sp_cim_value_get_ref(sp_cim_value_at(members, i));
        const char *id = p ? member_id(c, p, g->type) : NULL;
        if (!id) {
            if (!c->failed)
                fail(c, SP_CIM_ERR_INVALID_PARAMETER, "bad member %zu", i);
            return false;
        }
        sp_error e;
        if (sim_group_add(c->s, g, id, &e)) {
            refuse(c, &e);
            return false;
        }
    }
    return true;
}

static uint32_t create_group(struct call *c)
{
    uint64_t type = 0;
    const char *name = arg_str(c, "GroupName");
    if (!arg_uint(c, "Type", &type) || type < 2 || type > 4) {
        fail(c, SP_CIM_ERR_INVALID_PARAMETER,
             "Type must be 2 (initiator), 3 (target) or 4 (device)");
        return 0;
    }
    /* Names are unique among the groups of one type: a client may name a
     * host's target and device groups alike (libstoragemgmt does). */
    for (size_t i = 0; name && i < c->s->ngroups; i++)
        if (c->s->groups[i].type == type &&
            strcmp(c->s->groups[i].name, name) == 0) {
            fail(c, SP_CIM_ERR_ALREADY_EXISTS,
                 "a masking group of this type named '%s' exists", name);
            return 0;
        }
    struct sim_group *g = sim_group_create(c->s, name, (uint16_t)type);
    char *id = cmd_xstrdup(g->id);
    if (!add_members(c, g, arg(c, "Members"))) {
        sp_error e;
        sim_group_delete(c->s, id, true, &e);
        free(id);
        return 0;
    }
    out_ref(c, "MaskingGroup", sim_group_path(c->s, sim_group_find(c->s, id)));
    free(id);
    return RC_OK;
}

/*
 * AddMembers and RemoveMembers.  With --job-seconds they run as jobs whose
 * CIM_AffectedJobElement is the group, the way a client that finds the
 * group through the job (libstoragemgmt) expects; their members are all
 * checked before anything changes or a job starts.
 */
static uint32_t group_members(struct call *c, bool add)
{
    struct sim_group *g =
        ref_group(c, arg_ref(c, "MaskingGroup"), 0, "MaskingGroup");
    if (!g)
        return 0;
    const sp_cim_value *members = arg(c, "Members");
    for (size_t i = 0; members && i < sp_cim_value_count(members); i++) {
        const sp_cim_path *p =
            sp_cim_value_get_ref(sp_cim_value_at(members, i));
        if (!p || !member_id(c, p, g->type)) {
            if (!c->failed)
                fail(c, SP_CIM_ERR_INVALID_PARAMETER, "bad member %zu", i);
            return 0;
        }
    }
    if (!begin_job(c, add ? "AddMembers" : "RemoveMembers"))
        return RC_JOB;
    job_affects(c, "group", g->id);
    if (add && !add_members(c, g, members))
        return 0;
    for (size_t i = 0; !add && members && i < sp_cim_value_count(members);
         i++) {
        const sp_cim_path *p =
            sp_cim_value_get_ref(sp_cim_value_at(members, i));
        sp_error e;
        sim_group_remove(c->s, g, member_id(c, p, g->type), &e);
    }
    return c->job ? RC_JOB : RC_OK;
}

static uint32_t delete_group(struct call *c)
{
    struct sim_group *g =
        ref_group(c, arg_ref(c, "MaskingGroup"), 0, "MaskingGroup");
    if (!g)
        return 0;
    bool force = false;
    sp_cim_value_get_bool(arg(c, "Force"), &force);
    sp_error e;
    if (sim_group_delete(c->s, g->id, force, &e))
        refuse(c, &e);
    return RC_OK;
}

static uint32_t create_view(struct call *c)
{
    struct sim_group *ig = ref_group(c, arg_ref(c, "InitiatorMaskingGroup"), 2,
                                     "InitiatorMaskingGroup");
    struct sim_group *tg = ig ? ref_group(c, arg_ref(c, "TargetMaskingGroup"),
                                          3, "TargetMaskingGroup")
                              : NULL;
    struct sim_group *dg = tg ? ref_group(c, arg_ref(c, "DeviceMaskingGroup"),
                                          4, "DeviceMaskingGroup")
                              : NULL;
    if (!dg)
        return 0;
    if (!ig->members.n || !tg->members.n) {
        fail(c, SP_CIM_ERR_FAILED,
             "the initiator and target groups of a view must not be empty");
        return 0;
    }
    if (!begin_job(c, "CreateMaskingView"))
        return RC_JOB;
    struct sim_view *v = sim_view_create(c->s, arg_str(c, "ElementName"));
    sim_view_set_groups(c->s, v, ig->id, tg->id, dg->id);
    for (size_t i = 0; i < dg->members.n; i++) {
        struct sim_volume *vol = sim_volume_find(c->s, dg->members.v[i]);
        if (vol)
            sim_view_map(c->s, v, vol->num, -1);
    }
    job_affects(c, "view", v->id);
    out_ref(c, "ProtocolController", sim_view_path(c->s, v));
    return c->job ? RC_JOB : RC_OK;
}

static uint32_t delete_view(struct call *c)
{
    struct sim_view *v = ref_view(c, arg_ref(c, "ProtocolController"));
    if (!v)
        return 0;
    if (!begin_job(c, "DeleteMaskingView"))
        return RC_JOB;
    sim_view_delete(c->s, v->id);
    return c->job ? RC_JOB : RC_OK;
}

/* ---- ControllerConfigurationService (legacy masking) ---- */

static uint16_t id_type_of(const char *sid)
{
    return strncasecmp(sid, "iqn.", 4) == 0 || strncasecmp(sid, "eui.", 4) == 0
               ? 5
               : 2;
}

/* A logical unit named in LUNames: by its Name (the WWN), as the schema
 * says, or by its DeviceID, as EMC's providers take it (Cinder). */
static struct sim_volume *lu_find(struct sim *s, const char *lu)
{
    struct sim_volume *v = sim_volume_find(s, lu);
    for (size_t i = 0; !v && lu && i < s->nvols; i++)
        if (strcasecmp(s->vols[i].wwn, lu) == 0)
            v = &s->vols[i];
    return v;
}

static size_t count(const sp_cim_value *a)
{
    return a && sp_cim_value_is_array(a) ? sp_cim_value_count(a) : 0;
}

static const char *at(const sp_cim_value *a, size_t i)
{
    return sp_cim_value_get_string(sp_cim_value_at(a, i));
}

static uint32_t expose_paths(struct call *c)
{
    const sp_cim_value *lus = arg(c, "LUNames");
    const sp_cim_value *inits = arg(c, "InitiatorPortIDs");
    const sp_cim_value *numbers = arg(c, "DeviceNumbers");
    const sp_cim_value *spcs = arg(c, "ProtocolControllers");
    struct sim_view *v = NULL;
    if (count(spcs) > 1) {
        fail(c, SP_CIM_ERR_NOT_SUPPORTED, "one protocol controller at a time");
        return 0;
    }
    if (count(spcs) == 1 &&
        !(v = ref_view(c, sp_cim_value_get_ref(sp_cim_value_at(spcs, 0)))))
        return 0;
    if (!v && (!count(lus) || !count(inits))) {
        fail(c, SP_CIM_ERR_INVALID_PARAMETER,
             "a new view needs LUNames and InitiatorPortIDs");
        return 0;
    }
    if (count(numbers) && count(numbers) != count(lus)) {
        fail(c, SP_CIM_ERR_INVALID_PARAMETER,
             "DeviceNumbers must parallel LUNames");
        return 0;
    }
    for (size_t i = 0; i < count(lus); i++)
        if (!lu_find(c->s, at(lus, i))) {
            fail(c, SP_CIM_ERR_NOT_FOUND, "no volume '%s'",
                 at(lus, i) ? at(lus, i) : "");
            return 0;
        }
    /* DeviceNumbers are hexadecimal, as the array gives them back. */
    for (size_t i = 0; i < count(numbers); i++) {
        const char *t = at(numbers, i);
        char *end = NULL;
        errno = 0;
        unsigned long n =
            t && isxdigit((unsigned char)*t) ? strtoul(t, &end, 16) : ULONG_MAX;
        if (!end || *end || errno || n > 0xFFFF) {
            fail(c, SP_CIM_ERR_INVALID_PARAMETER,
                 "DeviceNumbers[%zu] is not a hexadecimal LUN number", i);
            return 0;
        }
    }
    if (!begin_job(c, "ExposePaths"))
        return RC_JOB;
    if (!v)
        v = sim_view_create(c->s, NULL);
    for (size_t i = 0; i < count(inits); i++) {
        const char *sid = at(inits, i);
        if (!sid || !*sid)
            continue;
        struct sim_hwid *h = sim_hwid_by_storage_id(c->s, sid);
        if (!h)
            h = sim_hwid_create(c->s, sid, id_type_of(sid), NULL);
        sim_view_add_initiator(c->s, v, h->id);
    }
    for (size_t i = 0; i < count(lus); i++) {
        long lun = count(numbers) && at(numbers, i)
                       ? (long)strtoul(at(numbers, i), NULL, 16)
                       : -1;
        sim_view_map(c->s, v, lu_find(c->s, at(lus, i))->num, lun);
    }
    job_affects(c, "view", v->id);
    sp_cim_value *out = sp_cim_value_new_array(SP_CIM_REFERENCE);
    sp_cim_value_append(out, sp_cim_value_take_ref(sim_view_path(c->s, v)));
    sp_cim_args_set(c->outp, "ProtocolControllers", out);
    return c->job ? RC_JOB : RC_OK;
}

static uint32_t hide_paths(struct call *c)
{
    const sp_cim_value *lus = arg(c, "LUNames");
    const sp_cim_value *inits = arg(c, "InitiatorPortIDs");
    const sp_cim_value *spcs = arg(c, "ProtocolControllers");
    if (count(spcs) != 1) {
        fail(c, SP_CIM_ERR_INVALID_PARAMETER,
             "HidePaths needs one protocol controller");
        return 0;
    }
    struct sim_view *v =
        ref_view(c, sp_cim_value_get_ref(sp_cim_value_at(spcs, 0)));
    if (!v)
        return 0;
    if (!begin_job(c, "HidePaths"))
        return RC_JOB;
    for (size_t i = 0; i < count(lus); i++) {
        struct sim_volume *vol = lu_find(c->s, at(lus, i));
        if (vol)
            sim_view_unmap(c->s, v, vol->num);
    }
    for (size_t i = 0; i < count(inits); i++) {
        struct sim_hwid *h = sim_hwid_by_storage_id(c->s, at(inits, i));
        if (h)
            sim_view_remove_initiator(c->s, v, h->id);
    }
    /* Like most arrays (SPCAllowsNoLUs false): an empty view goes away. */
    if (!v->nunits || !v->initiators.n)
        sim_view_delete(c->s, v->id);
    return c->job ? RC_JOB : RC_OK;
}

/* ---- StorageHardwareIDManagementService, ConcreteJob ---- */

static uint32_t create_hwid(struct call *c)
{
    const char *sid = arg_str(c, "StorageID");
    uint64_t type = 0;
    if (!sid || !*sid || !arg_uint(c, "IDType", &type) ||
        (type != 2 && type != 5)) {
        fail(c, SP_CIM_ERR_INVALID_PARAMETER,
             "StorageID and IDType (2 port WWN, 5 iSCSI name) are required");
        return 0;
    }
    if (sim_hwid_by_storage_id(c->s, sid)) {
        fail(c, SP_CIM_ERR_ALREADY_EXISTS, "hardware ID '%s' exists", sid);
        return 0;
    }
    struct sim_hwid *h =
        sim_hwid_create(c->s, sid, (uint16_t)type, arg_str(c, "ElementName"));
    out_ref(c, "HardwareID", sim_hwid_path(c->s, h));
    return RC_OK;
}

static uint32_t delete_hwid(struct call *c)
{
    const sp_cim_path *p = arg_ref(c, "HardwareID");
    sp_error e;
    if (!p || sim_hwid_delete(c->s, sim_path_key(p, "InstanceID"), &e)) {
        if (p)
            refuse(c, &e);
        else
            fail(c, SP_CIM_ERR_INVALID_PARAMETER, "no HardwareID");
    }
    return RC_OK;
}

static uint32_t get_error(struct call *c)
{
    const sp_cim_path *t = sp_cim_request_target(c->rq);
    struct sim_job *j = sim_job_find(c->s, sim_path_key(t, "InstanceID"));
    if (!j) {
        fail(c, SP_CIM_ERR_NOT_FOUND, "no such job");
        return 0;
    }
    if (sim_job_state(j, sim_now_ms()) == 10) {
        sp_cim_instance *e = sp_cim_instance_new("CIM_Error");
        sim_set_str(e, "Message", j->error);
        sim_set_str(e, "MessageID", "SIM0001");
        sim_set_str(e, "OwningEntity", "smis-sim");
        sim_set_u16(e, "PerceivedSeverity", 6); /* major */
        sim_set_u32(e, "CIMStatusCode", SP_CIM_ERR_FAILED);
        sp_cim_args_set(c->outp, "Error", sp_cim_value_take_instance(e));
    }
    /* No error: the output parameter is left out (a NULL one is valid
     * CIM-XML, but sblim's wbemcli crashes on it). */
    return RC_OK;
}

/* ---- dispatch ---- */

static const struct method {
    const char *cls, *name;
    uint32_t (*fn)(struct call *c);
} methods[] = {
    {"SIM_StorageConfigurationService", "CreateOrModifyElementFromStoragePool",
     create_volume},
    {"SIM_StorageConfigurationService", "ReturnToStoragePool", return_to_pool},
    {"SIM_ReplicationService", "CreateElementReplica", create_replica},
    {"SIM_ReplicationService", "ModifyReplicaSynchronization", modify_sync},
    {"SIM_GroupMaskingMappingService", "CreateGroup", create_group},
    {"SIM_GroupMaskingMappingService", "DeleteGroup", delete_group},
    {"SIM_GroupMaskingMappingService", "AddMembers", NULL},
    {"SIM_GroupMaskingMappingService", "RemoveMembers", NULL},
    {"SIM_GroupMaskingMappingService", "CreateMaskingView", create_view},
    {"SIM_GroupMaskingMappingService", "DeleteMaskingView", delete_view},
    {"SIM_ControllerConfigurationService", "ExposePaths", expose_paths},
    {"SIM_ControllerConfigurationService", "HidePaths", hide_paths},
    {"SIM_StorageHardwareIDManagementService", "CreateStorageHardwareID",
     create_hwid},
    {"SIM_StorageHardwareIDManagementService", "DeleteStorageHardwareID",
     delete_hwid},
    {"SIM_ConcreteJob", "GetError", get_error},
};

static uint32_t add_members_call(struct call *c)
{
    return group_members(c, true);
}

static uint32_t remove_members_call(struct call *c)
{
    return group_members(c, false);
}

void sim_method(struct sim *s, const sp_cim_request *rq, sp_buf *out)
{
    const sp_cim_path *target = sp_cim_request_target(rq);
    const char *name = sp_cim_request_name(rq);
    const char *cls = sp_cim_path_class(target);
    if (!sim_namespace(sp_cim_request_namespace(rq))) {
        sim_error(rq, out, SP_CIM_ERR_INVALID_NAMESPACE,
                  "namespace '%s' is not served", sp_cim_request_namespace(rq));
        return;
    }
    const struct method *m = NULL;
    bool class_seen = false;
    for (size_t i = 0; i < CMD_COUNT(methods); i++) {
        if (strcasecmp(methods[i].cls, cls) != 0)
            continue;
        class_seen = true;
        if (strcasecmp(methods[i].name, name) == 0)
            m = &methods[i];
    }
    const struct sim_class *k = sim_class_find(cls);
    if (!k || !sim_class_served(s, k, NULL)) {
        sim_error(rq, out, SP_CIM_ERR_INVALID_CLASS,
                  "class '%s' is not served by this array", cls);
        return;
    }
    if (!m) {
        sim_error(rq, out,
                  class_seen ? SP_CIM_ERR_METHOD_NOT_FOUND
                             : SP_CIM_ERR_METHOD_NOT_AVAILABLE,
                  "%s has no method %s", cls, name);
        return;
    }
    sp_cim_instance *self = sim_get_instance(s, target);
    if (!self) {
        char *txt = sp_cim_path_to_string(target);
        sim_error(rq, out, SP_CIM_ERR_NOT_FOUND, "no instance %s", txt);
        free(txt);
        return;
    }
    sp_cim_instance_free(self);
    if (sim_vendor_refuse(s, rq, m->cls, name, out))
        return;

    struct call c = {.s = s, .rq = rq, .out = out, .outp = sp_cim_args_new()};
    uint32_t (*fn)(struct call *) = m->fn;
    if (!fn)
        fn = strcasecmp(name, "AddMembers") == 0 ? add_members_call
                                                 : remove_members_call;
    uint32_t rc = fn(&c);
    /* What the method changed, even when it then failed, is durable
     * before the answer goes (state.c). */
    sp_error e;
    if (sim_commit(s, &e) && !c.failed)
        fail(&c, SP_CIM_ERR_FAILED, "cannot save the array's state: %s",
             e.message);
    if (!c.failed) {
        if (c.job)
            out_ref(&c, "Job", sim_job_path(s, c.job));
        sp_cim_value *ret = sp_cim_value_new_uint(SP_CIM_UINT32, rc);
        sp_cimxml_begin_response(out, sp_cim_request_msgid(rq), false, name);
        sp_cimxml_write_return_value(out, ret);
        for (size_t i = 0; i < sp_cim_args_count(c.outp); i++)
            sp_cimxml_write_param(out, sp_cim_args_name(c.outp, i),
                                  sp_cim_args_value(c.outp, i));
        sp_cimxml_end_response(out, false);
        sp_cim_value_free(ret);
    }
    sp_cim_args_free(c.outp);
}
