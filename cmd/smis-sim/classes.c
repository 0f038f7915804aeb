/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd/smis-sim/classes.c: the array's CIM classes: profiles, system, package,
 * firmware, pools, volumes, services, masking objects, jobs. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "common/cmd.h"
#include "sim.h"

/* ---- paths ---- */

sp_cim_path *sim_path(struct sim *s, const char *cls, bool interop)
{
    return sp_cim_path_new(s->host, interop ? SIM_INTEROP : SIM_NS, cls);
}

void sim_key_str(sp_cim_path *p, const char *name, const char *value)
{
    sp_cim_path_set_key(p, name, sp_cim_value_new_string(SP_CIM_STRING, value));
}

const char *sim_path_key(const sp_cim_path *p, const char *name)
{
    return p ? sp_cim_value_get_string(sp_cim_path_get_key(p, name)) : NULL;
}

/* A path keyed like a device of the system (CreationClassName, DeviceID
 * or Name, SystemCreationClassName, SystemName). */
static sp_cim_path *system_part(struct sim *s, const char *cls,
                                const char *idkey, const char *id)
{
    sp_cim_path *p = sim_path(s, cls, false);
    sim_key_str(p, "CreationClassName", cls);
    sim_key_str(p, idkey, id);
    sim_key_str(p, "SystemCreationClassName", "SIM_StorageSystem");
    sim_key_str(p, "SystemName", s->system);
    return p;
}

static sp_cim_path *instance_id_path(struct sim *s, const char *cls,
                                     const char *id, bool interop)
{
    sp_cim_path *p = sim_path(s, cls, interop);
    sim_key_str(p, "InstanceID", id);
    return p;
}

sp_cim_path *sim_system_path(struct sim *s)
{
    sp_cim_path *p = sim_path(s, "SIM_StorageSystem", false);
    sim_key_str(p, "CreationClassName", "SIM_StorageSystem");
    sim_key_str(p, "Name", s->system);
    return p;
}

sp_cim_path *sim_package_path(struct sim *s)
{
    char tag[128];
    snprintf(tag, sizeof(tag), "SIM+PACKAGE+%s", s->system);
    sp_cim_path *p = sim_path(s, "SIM_PhysicalPackage", false);
    sim_key_str(p, "CreationClassName", "SIM_PhysicalPackage");
    sim_key_str(p, "Tag", tag);
    return p;
}

sp_cim_path *sim_software_path(struct sim *s)
{
    return instance_id_path(s, "SIM_SoftwareIdentity", "SIM+FIRMWARE", false);
}

sp_cim_path *sim_service_path(struct sim *s, const char *cls, const char *name)
{
    return system_part(s, cls, "Name", name);
}

sp_cim_path *sim_pool_path(struct sim *s, const struct sim_pool *p)
{
    char id[128];
    snprintf(id, sizeof(id), "SIM+POOL+%s", p->id);
    return instance_id_path(s, "SIM_StoragePool", id, false);
}

sp_cim_path *sim_volume_path(struct sim *s, const struct sim_volume *v)
{
    return system_part(s, "SIM_StorageVolume", "DeviceID", v->id);
}

sp_cim_path *sim_hwid_path(struct sim *s, const struct sim_hwid *h)
{
    return instance_id_path(s, "SIM_StorageHardwareID", h->id, false);
}

static const char *group_class(uint16_t type)
{
    return type == 2   ? "SIM_InitiatorMaskingGroup"
           : type == 3 ? "SIM_TargetMaskingGroup"
                       : "SIM_DeviceMaskingGroup";
}

sp_cim_path *sim_group_path(struct sim *s, const struct sim_group *g)
{
    return instance_id_path(s, group_class(g->type), g->id, false);
}

sp_cim_path *sim_view_path(struct sim *s, const struct sim_view *v)
{
    return system_part(s, "SIM_SCSIProtocolController", "DeviceID", v->id);
}

sp_cim_path *sim_job_path(struct sim *s, const struct sim_job *j)
{
    return instance_id_path(s, "SIM_ConcreteJob", j->id, false);
}

/* ---- instance helpers ---- */

/* An instance whose key properties are the keys of @p (taken). */
sp_cim_instance *sim_from_path(sp_cim_path *p)
{
    sp_cim_instance *i = sp_cim_instance_new(sp_cim_path_class(p));
    for (size_t k = 0; k < sp_cim_path_key_count(p); k++)
        sp_cim_instance_set(i, sp_cim_path_key_name(p, k),
                            sp_cim_value_copy(sp_cim_path_key_value(p, k)));
    sp_cim_instance_set_path(i, p);
    return i;
}

void sim_set_str(sp_cim_instance *i, const char *n, const char *v)
{
    sp_cim_instance_set(i, n,
                        v ? sp_cim_value_new_string(SP_CIM_STRING, v)
                          : sp_cim_value_new_null(SP_CIM_STRING, false));
}

void sim_set_u16(sp_cim_instance *i, const char *n, uint16_t v)
{
    sp_cim_instance_set(i, n, sp_cim_value_new_uint(SP_CIM_UINT16, v));
}

void sim_set_u32(sp_cim_instance *i, const char *n, uint32_t v)
{
    sp_cim_instance_set(i, n, sp_cim_value_new_uint(SP_CIM_UINT32, v));
}

void sim_set_u64(sp_cim_instance *i, const char *n, uint64_t v)
{
    sp_cim_instance_set(i, n, sp_cim_value_new_uint(SP_CIM_UINT64, v));
}

void sim_set_bool(sp_cim_instance *i, const char *n, bool v)
{
    sp_cim_instance_set(i, n, sp_cim_value_new_bool(v));
}

void sim_set_u16s(sp_cim_instance *i, const char *n, const uint16_t *v,
                  size_t count)
{
    sp_cim_value *a = sp_cim_value_new_array(SP_CIM_UINT16);
    for (size_t k = 0; k < count; k++)
        sp_cim_value_append(a, sp_cim_value_new_uint(SP_CIM_UINT16, v[k]));
    sp_cim_instance_set(i, n, a);
}

void sim_set_ok(sp_cim_instance *i)
{
    static const uint16_t ok[] = {2};
    sim_set_u16s(i, "OperationalStatus", ok, 1);
}

void sim_set_time(sp_cim_instance *i, const char *n, int64_t ms)
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    char buf[80];
    snprintf(buf, sizeof(buf), "%04d%02d%02d%02d%02d%02d.%06u+000",
             tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
             tm.tm_min, tm.tm_sec, (unsigned)(ms % 1000) * 1000u);
    sp_cim_instance_set(i, n, sp_cim_value_new_string(SP_CIM_DATETIME, buf));
}

/* ---- interop: registered profiles ---- */

static const struct profile {
    const char *id, *name;
    int personality;
} profiles[] = {
    {"SIM+PROFILE+SMIS", "SMI-S", -1},
    {"SIM+PROFILE+SERVER", "Server", -1},
    {"SIM+PROFILE+ARRAY", "Array", -1},
    {"SIM+PROFILE+BLOCK", "Block Services", -1},
    {"SIM+PROFILE+REPL", "Replication Services", -1},
    {"SIM+PROFILE+GMM", "Group Masking and Mapping", SIM_GROUP},
    {"SIM+PROFILE+MM", "Masking and Mapping", SIM_LEGACY},
    {"SIM+PROFILE+JOB", "Job Control", -1},
};

/* Visit the profiles of this personality: @fn(profile, position). */
static void each_profile(struct sim *s, uint64_t from,
                         int (*fn)(struct sim *, const struct profile *,
                                   uint64_t, void *),
                         void *ud)
{
    for (size_t i = from; i < CMD_COUNT(profiles); i++) {
        if (profiles[i].personality >= 0 &&
            profiles[i].personality != (int)s->o.personality)
            continue;
        if (fn(s, &profiles[i], i + 1, ud))
            return;
    }
}

struct emit {
    sim_emit_fn fn;
    void *ud;
};

static int emit_profile(struct sim *s, const struct profile *pr, uint64_t pos,
                        void *ud)
{
    struct emit *e = ud;
    sp_cim_instance *i = sim_from_path(
        instance_id_path(s, "SIM_RegisteredProfile", pr->id, true));
    sim_set_str(i, "RegisteredName", pr->name);
    sim_set_str(i, "RegisteredVersion", "1.8.0");
    sim_set_u16(i, "RegisteredOrganization", 11); /* SNIA */
    sim_set_str(i, "ElementName", pr->name);
    static const uint16_t slp[] = {3};
    sim_set_u16s(i, "AdvertiseTypes", slp, 1);
    return e->fn(i, pos, e->ud);
}

static void profiles_each(struct sim *s, uint64_t from, sim_emit_fn fn,
                          void *ud)
{
    struct emit e = {fn, ud};
    each_profile(s, from, emit_profile, &e);
}

sp_cim_path *sim_profile_path(struct sim *s, const char *id)
{
    return instance_id_path(s, "SIM_RegisteredProfile", id, true);
}

/* ---- the system and its services ---- */

static void system_each(struct sim *s, uint64_t from, sim_emit_fn fn, void *ud)
{
    if (from > 0)
        return;
    sp_cim_instance *i = sim_from_path(sim_system_path(s));
    sim_set_str(i, "ElementName", "smis-sim simulated array");
    sim_set_str(i, "NameFormat", "Other");
    sim_set_ok(i);
    static const uint16_t dedicated[] = {3, 15}; /* storage, block server */
    sim_set_u16s(i, "Dedicated", dedicated, 2);
    sim_set_u16(i, "EnabledState", 2);
    fn(i, 1, ud);
}

/* The chassis (Physical Package subprofile): who made the array. */
static void package_each(struct sim *s, uint64_t from, sim_emit_fn fn, void *ud)
{
    if (from > 0)
        return;
    sp_cim_instance *i = sim_from_path(sim_package_path(s));
    sim_set_str(i, "ElementName", "smis-sim chassis");
    sim_set_str(i, "Manufacturer", "sanprov");
    sim_set_str(i, "Model", "smis-sim");
    sim_set_str(i, "SerialNumber", s->system);
    fn(i, 1, ud);
}

/* The firmware (Software subprofile): this program's version. */
static void software_each(struct sim *s, uint64_t from, sim_emit_fn fn,
                          void *ud)
{
    if (from > 0)
        return;
    sp_cim_instance *i = sim_from_path(sim_software_path(s));
    sim_set_str(i, "ElementName", "smis-sim firmware");
    sim_set_str(i, "Manufacturer", "sanprov");
    sim_set_str(i, "VersionString", sp_version());
    sim_set_u16(i, "MajorVersion", SP_VERSION_MAJOR);
    sim_set_u16(i, "MinorVersion", SP_VERSION_MINOR);
    sim_set_u16(i, "RevisionNumber", SP_VERSION_PATCH);
    sim_set_u16(i, "BuildNumber", 0);
    static const uint16_t firmware[] = {10};
    sim_set_u16s(i, "Classifications", firmware, 1);
    fn(i, 1, ud);
}

const char *const sim_services[] = {
    "SIM_StorageConfigurationService", "SIM_ReplicationService",
    "SIM_GroupMaskingMappingService", "SIM_ControllerConfigurationService",
    "SIM_StorageHardwareIDManagementService"};

static void service_each(struct sim *s, const char *cls, sim_emit_fn fn,
                         void *ud, uint64_t from)
{
    if (from > 0)
        return;
    sp_cim_instance *i = sim_from_path(sim_service_path(s, cls, cls + 4));
    sim_set_str(i, "ElementName", cls + 4);
    sim_set_u16(i, "EnabledState", 2);
    sim_set_ok(i);
    fn(i, 1, ud);
}

#define SERVICE(fname, cls)                                                    \
    static void fname(struct sim *s, uint64_t from, sim_emit_fn fn, void *ud)  \
    {                                                                          \
        service_each(s, cls, fn, ud, from);                                    \
    }
SERVICE(scs_each, "SIM_StorageConfigurationService")
SERVICE(rs_each, "SIM_ReplicationService")
SERVICE(gmms_each, "SIM_GroupMaskingMappingService")
SERVICE(ccs_each, "SIM_ControllerConfigurationService")
SERVICE(hwms_each, "SIM_StorageHardwareIDManagementService")

/* Whether the configuration actions run as jobs. */
static bool async(const struct sim *s)
{
    return s->o.job_seconds > 0;
}

static void config_caps_each(struct sim *s, uint64_t from, sim_emit_fn fn,
                             void *ud)
{
    if (from > 0)
        return;
    sp_cim_instance *i = sim_from_path(instance_id_path(
        s, "SIM_StorageConfigurationCapabilities", "SIM+CAP+CONFIG", false));
    sim_set_str(i, "ElementName", "volume creation");
    static const uint16_t types[] = {2};       /* StorageVolume */
    static const uint16_t features[] = {3, 4}; /* create, modify */
    static const uint16_t actions[] = {5, 6};  /* create, return to pool */
    sim_set_u16s(i, "SupportedStorageElementTypes", types, 1);
    sim_set_u16s(i, "SupportedStorageElementFeatures", features, 2);
    sim_set_u16s(i, "SupportedAsynchronousActions", actions, async(s) ? 2 : 0);
    sim_set_u16s(i, "SupportedSynchronousActions", actions, async(s) ? 0 : 2);
    fn(i, 1, ud);
}

static void repl_caps_each(struct sim *s, uint64_t from, sim_emit_fn fn,
                           void *ud)
{
    if (from > 0)
        return;
    sp_cim_instance *i = sim_from_path(instance_id_path(
        s, "SIM_ReplicationServiceCapabilities", "SIM+CAP+REPL", false));
    sim_set_str(i, "ElementName", "snapshots and clones");
    /* 6/7: synchronous/asynchronous snapshot, 10/11: clone (local) */
    uint16_t types[] = {async(s) ? 7 : 6, async(s) ? 11 : 10};
    static const uint16_t objects[] = {2};    /* StorageVolume */
    static const uint16_t actions[] = {2, 5}; /* CreateElementReplica,
                                                 ModifyReplicaSynchronization */
    sim_set_u16s(i, "SupportedReplicationTypes", types, s->o.no_copies ? 0 : 2);
    sim_set_u16s(i, "SupportedStorageObjects", objects, 1);
    sim_set_u16s(i, "SupportedAsynchronousActions", actions, async(s) ? 1 : 0);
    sim_set_u16s(i, "SupportedSynchronousActions", actions, async(s) ? 1 : 2);
    fn(i, 1, ud);
}

/* ---- pools and volumes ---- */

static sp_cim_instance *pool_instance(struct sim *s, const struct sim_pool *p)
{
    sp_cim_instance *i = sim_from_path(sim_pool_path(s, p));
    sim_set_str(i, "PoolID", p->id);
    sim_set_str(i, "ElementName", p->id);
    sim_set_bool(i, "Primordial", p->primordial);
    sim_set_u64(i, "TotalManagedSpace", p->total);
    sim_set_u64(i, "RemainingManagedSpace", p->total - p->used);
    sim_set_ok(i);
    return i;
}

static void pools_each(struct sim *s, uint64_t from, sim_emit_fn fn, void *ud)
{
    for (size_t k = from; k < s->npools; k++)
        if (fn(pool_instance(s, &s->pools[k]), k + 1, ud))
            return;
}

static sp_cim_instance *pool_get(struct sim *s, const sp_cim_path *p)
{
    const char *id = sim_path_key(p, "InstanceID");
    if (!id || strncmp(id, "SIM+POOL+", 9) != 0 ||
        sp_cim_path_key_count(p) != 1)
        return NULL;
    struct sim_pool *pool = sim_pool_find(s, id + 9);
    return pool ? pool_instance(s, pool) : NULL;
}

/* A volume, with only the properties an enumeration asks for (see
 * sim_wants()): a listing of 100,000 volumes' paths builds no others. */
static sp_cim_instance *volume_instance(struct sim *s,
                                        const struct sim_volume *v)
{
    sp_cim_path *p = sim_volume_path(s, v);
    sp_cim_instance *i = sp_cim_instance_new(sp_cim_path_class(p));
    for (size_t k = 0; k < sp_cim_path_key_count(p); k++)
        if (sim_wants(s, sp_cim_path_key_name(p, k)))
            sp_cim_instance_set(i, sp_cim_path_key_name(p, k),
                                sp_cim_value_copy(sp_cim_path_key_value(p, k)));
    sp_cim_instance_set_path(i, p);
    if (sim_wants(s, "ElementName"))
        sim_set_str(i, "ElementName", v->name);
    if (sim_wants(s, "Name"))
        sim_set_str(i, "Name", v->wwn);
    if (sim_wants(s, "NameFormat"))
        sim_set_u16(i, "NameFormat", 9); /* NAA */
    if (sim_wants(s, "NameNamespace"))
        sim_set_u16(i, "NameNamespace", 2); /* VPD83Type3 */
    if (sim_wants(s, "BlockSize"))
        sim_set_u64(i, "BlockSize", SIM_BLOCK);
    if (sim_wants(s, "NumberOfBlocks"))
        sim_set_u64(i, "NumberOfBlocks", v->blocks);
    if (sim_wants(s, "ConsumableBlocks"))
        sim_set_u64(i, "ConsumableBlocks", v->blocks);
    if (sim_wants(s, "ThinlyProvisioned"))
        sim_set_bool(i, "ThinlyProvisioned", v->sync_type == 7);
    if (sim_wants(s, "Primordial"))
        sim_set_bool(i, "Primordial", false);
    if (sim_wants(s, "EnabledState"))
        sim_set_u16(i, "EnabledState", 2);
    if (sim_wants(s, "HealthState"))
        sim_set_u16(i, "HealthState", 5);
    if (sim_wants(s, "OperationalStatus"))
        sim_set_ok(i);
    return i;
}

static void volumes_each(struct sim *s, uint64_t from, sim_emit_fn fn, void *ud)
{
    /* Positions are volume numbers, so a paused walk resumes correctly
     * even when volumes come and go meanwhile. */
    for (size_t k = sim_volume_index(s, (uint32_t)from); k < s->nvols; k++)
        if (fn(volume_instance(s, &s->vols[k]), (uint64_t)s->vols[k].num + 1,
               ud))
            return;
}

/* Is @p a path of one of our system's devices? */
static bool ours(struct sim *s, const sp_cim_path *p)
{
    const char *sys = sim_path_key(p, "SystemName");
    return sys && strcmp(sys, s->system) == 0;
}

static sp_cim_instance *volume_get(struct sim *s, const sp_cim_path *p)
{
    struct sim_volume *v =
        ours(s, p) ? sim_volume_find(s, sim_path_key(p, "DeviceID")) : NULL;
    return v ? volume_instance(s, v) : NULL;
}

/* ---- hardware IDs, masking groups, views, ports ---- */

static void hwids_each(struct sim *s, uint64_t from, sim_emit_fn fn, void *ud)
{
    for (size_t k = from; k < s->nhwids; k++) {
        const struct sim_hwid *h = &s->hwids[k];
        sp_cim_instance *i = sim_from_path(sim_hwid_path(s, h));
        sim_set_str(i, "StorageID", h->storage_id);
        sim_set_u16(i, "IDType", h->id_type);
        sim_set_str(i, "ElementName", h->name);
        if (fn(i, k + 1, ud))
            return;
    }
}

static void groups_each(struct sim *s, uint16_t type, uint64_t from,
                        sim_emit_fn fn, void *ud)
{
    for (size_t k = from; k < s->ngroups; k++) {
        const struct sim_group *g = &s->groups[k];
        if (g->type != type)
            continue;
        sp_cim_instance *i = sim_from_path(sim_group_path(s, g));
        sim_set_str(i, "ElementName", g->name);
        sim_set_bool(i, "DeleteOnEmpty", false);
        if (fn(i, k + 1, ud))
            return;
    }
}

#define GROUPS(fname, type)                                                    \
    static void fname(struct sim *s, uint64_t from, sim_emit_fn fn, void *ud)  \
    {                                                                          \
        groups_each(s, type, from, fn, ud);                                    \
    }
GROUPS(igs_each, 2)
GROUPS(tgs_each, 3)
GROUPS(dgs_each, 4)

static void views_each(struct sim *s, uint64_t from, sim_emit_fn fn, void *ud)
{
    for (size_t k = from; k < s->nviews; k++) {
        const struct sim_view *v = &s->views[k];
        sp_cim_instance *i = sim_from_path(sim_view_path(s, v));
        sim_set_str(i, "ElementName", v->name);
        sim_set_u32(i, "MaxUnitsControlled", 4096);
        sim_set_ok(i);
        if (fn(i, k + 1, ud))
            return;
    }
}

sp_cim_path *sim_port_path(struct sim *s, const char *id)
{
    if (strcmp(id, "fc0") == 0)
        return system_part(s, "SIM_FCPort", "DeviceID", "fc0");
    return system_part(s, "SIM_iSCSIProtocolEndpoint", "Name", "iscsi0");
}

static void iscsi_ports_each(struct sim *s, uint64_t from, sim_emit_fn fn,
                             void *ud)
{
    if (from > 0)
        return;
    sp_cim_instance *i = sim_from_path(sim_port_path(s, "iscsi0"));
    char *iqn = cmd_xasprintf("iqn.2026-11.net.sanprov:sim.%s", s->system);
    sim_set_str(i, "ElementName", iqn);
    sim_set_str(i, "Identifier", iqn);
    sim_set_u16(i, "Role", 3); /* target */
    sim_set_u16(i, "ProtocolIFType", 4096);
    sim_set_ok(i);
    free(iqn);
    fn(i, 1, ud);
}

static void fc_ports_each(struct sim *s, uint64_t from, sim_emit_fn fn,
                          void *ud)
{
    if (from > 0)
        return;
    sp_cim_instance *i = sim_from_path(sim_port_path(s, "fc0"));
    sim_set_str(i, "ElementName", "fc0");
    sim_set_str(i, "PermanentAddress", "500601603BA00001");
    sim_set_u16(i, "UsageRestriction", 2); /* front-end only */
    sim_set_ok(i);
    fn(i, 1, ud);
}

/* ---- jobs ---- */

static sp_cim_instance *job_instance(struct sim *s, const struct sim_job *j)
{
    int64_t now = sim_now_ms();
    int state = sim_job_state(j, now);
    sp_cim_instance *i = sim_from_path(sim_job_path(s, j));
    sim_set_str(i, "Name", j->method);
    sim_set_str(i, "ElementName", j->method);
    sim_set_u16(i, "JobState", (uint16_t)state);
    int64_t span = j->end_ms - j->start_ms;
    uint16_t pct = state != 4 ? 100
                   : span > 0 ? (uint16_t)((now - j->start_ms) * 100 / span)
                              : 0;
    sim_set_u16(i, "PercentComplete", pct > 100 ? 99 : pct);
    uint16_t st[2] = {state == 10 ? 6 : 2, state == 4 ? 8 : 17};
    sim_set_u16s(i, "OperationalStatus", st,
                 2); /* OK/Error, Dormant/Completed */
    sim_set_str(i, "JobStatus",
                state == 4   ? "running"
                : state == 7 ? "completed"
                             : "failed");
    sim_set_u16(i, "ErrorCode", state == 10 ? 1 : 0);
    sim_set_str(i, "ErrorDescription", state == 10 ? j->error : NULL);
    sim_set_bool(i, "DeleteOnCompletion", false);
    sim_set_time(i, "TimeSubmitted", j->start_ms);
    sim_set_time(i, "StartTime", j->start_ms);
    sim_set_time(i, "TimeOfLastStateChange",
                 state == 4 ? j->start_ms : j->end_ms);
    return i;
}

static void jobs_each(struct sim *s, uint64_t from, sim_emit_fn fn, void *ud)
{
    for (size_t k = from; k < s->njobs; k++)
        if (fn(job_instance(s, &s->jobs[k]), k + 1, ud))
            return;
}

static sp_cim_instance *job_get(struct sim *s, const sp_cim_path *p)
{
    struct sim_job *j = sim_job_find(s, sim_path_key(p, "InstanceID"));
    return j && sp_cim_path_key_count(p) == 1 ? job_instance(s, j) : NULL;
}

/* ---- the table ---- */

#define MANAGED         "CIM_ManagedSystemElement", "CIM_ManagedElement"
#define LOGICAL         "CIM_LogicalElement", MANAGED
#define ENABLED         "CIM_EnabledLogicalElement", LOGICAL
#define SERVICE_PARENTS "CIM_Service", ENABLED
#define DEVICE          "CIM_LogicalDevice", ENABLED
#define SYSKEYS                                                                \
    "key CreationClassName string; key SystemCreationClassName string; "       \
    "key SystemName string; "
#define STATUS "OperationalStatus uint16[]; "

static const char *const p_profile[] = {"CIM_RegisteredProfile",
                                        "CIM_ManagedElement", NULL};
static const char *const p_system[] = {"CIM_ComputerSystem", "CIM_System",
                                       ENABLED, NULL};
static const char *const p_package[] = {"CIM_PhysicalPackage",
                                        "CIM_PhysicalElement", MANAGED, NULL};
static const char *const p_software[] = {"CIM_SoftwareIdentity", LOGICAL, NULL};
static const char *const p_pool[] = {"CIM_StoragePool", "CIM_ResourcePool",
                                     LOGICAL, NULL};
static const char *const p_volume[] = {"CIM_StorageVolume", "CIM_StorageExtent",
                                       DEVICE, NULL};
static const char *const p_scs[] = {"CIM_StorageConfigurationService",
                                    SERVICE_PARENTS, NULL};
static const char *const p_rs[] = {"CIM_ReplicationService", SERVICE_PARENTS,
                                   NULL};
static const char *const p_gmms[] = {"CIM_GroupMaskingMappingService",
                                     SERVICE_PARENTS, NULL};
static const char *const p_ccs[] = {"CIM_ControllerConfigurationService",
                                    SERVICE_PARENTS, NULL};
static const char *const p_hwms[] = {
    "CIM_StorageHardwareIDManagementService", "CIM_AuthenticationService",
    "CIM_SecurityService", SERVICE_PARENTS, NULL};
static const char *const p_ccaps[] = {"CIM_StorageConfigurationCapabilities",
                                      "CIM_Capabilities", "CIM_ManagedElement",
                                      NULL};
static const char *const p_rcaps[] = {"CIM_ReplicationServiceCapabilities",
                                      "CIM_Capabilities", "CIM_ManagedElement",
                                      NULL};
static const char *const p_hwid[] = {"CIM_StorageHardwareID", "CIM_Identity",
                                     "CIM_ManagedElement", NULL};
#define COLLECTION                                                             \
    "CIM_MaskingGroup", "CIM_SystemSpecificCollection", "CIM_Collection",      \
        "CIM_ManagedElement"
static const char *const p_ig[] = {"CIM_InitiatorMaskingGroup", COLLECTION,
                                   NULL};
static const char *const p_tg[] = {"CIM_TargetMaskingGroup", COLLECTION, NULL};
static const char *const p_dg[] = {"CIM_DeviceMaskingGroup", COLLECTION, NULL};
static const char *const p_spc[] = {"CIM_SCSIProtocolController",
                                    "CIM_ProtocolController", DEVICE, NULL};
static const char *const p_iscsi[] = {"CIM_iSCSIProtocolEndpoint",
                                      "CIM_ProtocolEndpoint",
                                      "CIM_ServiceAccessPoint", ENABLED, NULL};
static const char *const p_fc[] = {"CIM_FCPort", "CIM_NetworkPort",
                                   "CIM_LogicalPort", DEVICE, NULL};
static const char *const p_job[] = {"CIM_ConcreteJob", "CIM_Job", LOGICAL,
                                    NULL};

#define SERVICE_DECL                                                           \
    SYSKEYS "key Name string; ElementName string; "                            \
            "EnabledState uint16; " STATUS

const struct sim_class sim_class_profile = {
    "SIM_RegisteredProfile",
    p_profile,
    true,
    -1,
    NULL,
    NULL,
    profiles_each,
    NULL,
    "key InstanceID string; RegisteredName string; RegisteredVersion string; "
    "RegisteredOrganization uint16; ElementName string; "
    "AdvertiseTypes uint16[]"};
const struct sim_class sim_class_system = {
    "SIM_StorageSystem",
    p_system,
    false,
    -1,
    NULL,
    NULL,
    system_each,
    NULL,
    "key CreationClassName string; key Name string; ElementName string; "
    "NameFormat string; " STATUS "Dedicated uint16[]; EnabledState uint16"};
const struct sim_class sim_class_package = {
    .name = "SIM_PhysicalPackage",
    .parents = p_package,
    .personality = -1,
    .each = package_each,
    .decl = "key CreationClassName string; key Tag string; "
            "ElementName string; Manufacturer string; Model string; "
            "SerialNumber string"};
const struct sim_class sim_class_software = {
    .name = "SIM_SoftwareIdentity",
    .parents = p_software,
    .personality = -1,
    .each = software_each,
    .decl = "key InstanceID string; ElementName string; "
            "Manufacturer string; VersionString string; "
            "MajorVersion uint16; MinorVersion uint16; "
            "RevisionNumber uint16; BuildNumber uint16; "
            "Classifications uint16[]"};
const struct sim_class sim_class_pool = {
    "SIM_StoragePool",
    p_pool,
    false,
    -1,
    NULL,
    NULL,
    pools_each,
    pool_get,
    "key InstanceID string; PoolID string; ElementName string; "
    "Primordial boolean; TotalManagedSpace uint64; "
    "RemainingManagedSpace uint64; " STATUS};
const struct sim_class sim_class_volume = {
    "SIM_StorageVolume",
    p_volume,
    false,
    -1,
    NULL,
    NULL,
    volumes_each,
    volume_get,
    SYSKEYS
    "key DeviceID string; ElementName string; Name string; "
    "NameFormat uint16; NameNamespace uint16; BlockSize uint64; "
    "NumberOfBlocks uint64; ConsumableBlocks uint64; "
    "ThinlyProvisioned boolean; Primordial boolean; EnabledState uint16; "
    "HealthState uint16; " STATUS};
const struct sim_class sim_class_scs = {
    "SIM_StorageConfigurationService",
    p_scs,
    false,
    -1,
    NULL,
    NULL,
    scs_each,
    NULL,
    SERVICE_DECL
    "method CreateOrModifyElementFromStoragePool uint32(in ElementName "
    "string, in ElementType uint16, in InPool ref:CIM_StoragePool, "
    "in Goal instance, in out Size uint64, in out TheElement "
    "ref:CIM_LogicalElement, out Job ref:CIM_ConcreteJob); "
    "method ReturnToStoragePool uint32(in TheElement ref:CIM_LogicalElement, "
    "out Job ref:CIM_ConcreteJob)"};
const struct sim_class sim_class_rs = {
    "SIM_ReplicationService",
    p_rs,
    false,
    -1,
    NULL,
    NULL,
    rs_each,
    NULL,
    SERVICE_DECL
    "method CreateElementReplica uint32(in ElementName string, "
    "in SyncType uint16, in Mode uint16, in SourceElement "
    "ref:CIM_LogicalElement, in TargetPool ref:CIM_StoragePool, "
    "in WaitForCopyState uint16, out TargetElement ref:CIM_LogicalElement, "
    "out Synchronization ref:CIM_Synchronized, out Job ref:CIM_ConcreteJob); "
    "method ModifyReplicaSynchronization uint32(in Operation uint16, "
    "in Synchronization ref:CIM_Synchronized, in Force boolean, "
    "out Job ref:CIM_ConcreteJob)"};
const struct sim_class sim_class_gmms = {
    "SIM_GroupMaskingMappingService",
    p_gmms,
    false,
    SIM_GROUP,
    NULL,
    NULL,
    gmms_each,
    NULL,
    SERVICE_DECL
    "method CreateGroup uint32(in GroupName string, in Type uint16, "
    "in Members ref:CIM_ManagedElement[], out MaskingGroup "
    "ref:CIM_MaskingGroup); "
    "method DeleteGroup uint32(in MaskingGroup ref:CIM_MaskingGroup, "
    "in Force boolean, out Job ref:CIM_ConcreteJob); "
    "method AddMembers uint32(in MaskingGroup ref:CIM_MaskingGroup, "
    "in Members ref:CIM_ManagedElement[], out Job ref:CIM_ConcreteJob); "
    "method RemoveMembers uint32(in MaskingGroup ref:CIM_MaskingGroup, "
    "in Members ref:CIM_ManagedElement[], out Job ref:CIM_ConcreteJob); "
    "method CreateMaskingView uint32(in ElementName string, "
    "in InitiatorMaskingGroup ref:CIM_InitiatorMaskingGroup, "
    "in TargetMaskingGroup ref:CIM_TargetMaskingGroup, "
    "in DeviceMaskingGroup ref:CIM_DeviceMaskingGroup, "
    "out ProtocolController ref:CIM_SCSIProtocolController, "
    "out Job ref:CIM_ConcreteJob); "
    "method DeleteMaskingView uint32(in ProtocolController "
    "ref:CIM_SCSIProtocolController, out Job ref:CIM_ConcreteJob)"};
const struct sim_class sim_class_ccs = {
    "SIM_ControllerConfigurationService",
    p_ccs,
    false,
    SIM_LEGACY,
    NULL,
    NULL,
    ccs_each,
    NULL,
    SERVICE_DECL
    "method ExposePaths uint32(in LUNames string[], in InitiatorPortIDs "
    "string[], in TargetPortIDs string[], in DeviceNumbers string[], "
    "in DeviceAccesses uint16[], in out ProtocolControllers "
    "ref:CIM_SCSIProtocolController[], out Job ref:CIM_ConcreteJob); "
    "method HidePaths uint32(in LUNames string[], in InitiatorPortIDs "
    "string[], in TargetPortIDs string[], in out ProtocolControllers "
    "ref:CIM_SCSIProtocolController[], out Job ref:CIM_ConcreteJob)"};
const struct sim_class sim_class_hwms = {
    "SIM_StorageHardwareIDManagementService",
    p_hwms,
    false,
    -1,
    NULL,
    NULL,
    hwms_each,
    NULL,
    SERVICE_DECL "method CreateStorageHardwareID uint32(in ElementName string, "
                 "in StorageID string, in IDType uint16, out HardwareID "
                 "ref:CIM_StorageHardwareID); "
                 "method DeleteStorageHardwareID uint32(in HardwareID "
                 "ref:CIM_StorageHardwareID)"};
const struct sim_class sim_class_ccaps = {
    "SIM_StorageConfigurationCapabilities",
    p_ccaps,
    false,
    -1,
    NULL,
    NULL,
    config_caps_each,
    NULL,
    "key InstanceID string; ElementName string; "
    "SupportedStorageElementTypes uint16[]; "
    "SupportedStorageElementFeatures uint16[]; "
    "SupportedAsynchronousActions uint16[]; "
    "SupportedSynchronousActions uint16[]"};
const struct sim_class sim_class_rcaps = {
    "SIM_ReplicationServiceCapabilities",
    p_rcaps,
    false,
    -1,
    NULL,
    NULL,
    repl_caps_each,
    NULL,
    "key InstanceID string; ElementName string; "
    "SupportedReplicationTypes uint16[]; SupportedStorageObjects uint16[]; "
    "SupportedAsynchronousActions uint16[]; "
    "SupportedSynchronousActions uint16[]"};
const struct sim_class sim_class_hwid = {
    "SIM_StorageHardwareID",
    p_hwid,
    false,
    -1,
    NULL,
    NULL,
    hwids_each,
    NULL,
    "key InstanceID string; StorageID string; IDType uint16; "
    "ElementName string"};
#define GROUP_DECL                                                             \
    "key InstanceID string; ElementName string; "                              \
    "DeleteOnEmpty boolean"
const struct sim_class sim_class_ig = {"SIM_InitiatorMaskingGroup",
                                       p_ig,
                                       false,
                                       SIM_GROUP,
                                       NULL,
                                       NULL,
                                       igs_each,
                                       NULL,
                                       GROUP_DECL};
const struct sim_class sim_class_tg = {"SIM_TargetMaskingGroup",
                                       p_tg,
                                       false,
                                       SIM_GROUP,
                                       NULL,
                                       NULL,
                                       tgs_each,
                                       NULL,
                                       GROUP_DECL};
const struct sim_class sim_class_dg = {"SIM_DeviceMaskingGroup",
                                       p_dg,
                                       false,
                                       SIM_GROUP,
                                       NULL,
                                       NULL,
                                       dgs_each,
                                       NULL,
                                       GROUP_DECL};
const struct sim_class sim_class_spc = {
    "SIM_SCSIProtocolController",
    p_spc,
    false,
    -1,
    NULL,
    NULL,
    views_each,
    NULL,
    SYSKEYS "key DeviceID string; ElementName string; "
            "MaxUnitsControlled uint32; " STATUS};
const struct sim_class sim_class_iscsi = {
    "SIM_iSCSIProtocolEndpoint",
    p_iscsi,
    false,
    -1,
    NULL,
    NULL,
    iscsi_ports_each,
    NULL,
    SYSKEYS "key Name string; ElementName string; Identifier string; "
            "Role uint16; ProtocolIFType uint16; " STATUS};
const struct sim_class sim_class_fc = {
    "SIM_FCPort",
    p_fc,
    false,
    -1,
    NULL,
    NULL,
    fc_ports_each,
    NULL,
    SYSKEYS "key DeviceID string; ElementName string; "
            "PermanentAddress string; UsageRestriction uint16; " STATUS};
const struct sim_class sim_class_job = {
    "SIM_ConcreteJob",
    p_job,
    false,
    -1,
    NULL,
    NULL,
    jobs_each,
    job_get,
    "key InstanceID string; Name string; ElementName string; "
    "JobState uint16; PercentComplete uint16; " STATUS
    "JobStatus string; ErrorCode uint16; ErrorDescription string; "
    "DeleteOnCompletion boolean; TimeSubmitted datetime; "
    "StartTime datetime; TimeOfLastStateChange datetime; "
    "method GetError uint32(out Error instance)"};
