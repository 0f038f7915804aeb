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
    {"SIM+PROFILE+FCTP", "FC Target Ports", -1},
    {"SIM+PROFILE+ISCSITP", "iSCSI Target Ports", -1},
};

/* Visit the profiles of this personality: @fn(profile, position). */
static void each_profile(struct sim *s, uint64_t from,
                         int (*fn)(struct sim *, const struct profile *,
                                   uint64_t, void *),
                         void *ud)
{
    for (size_t i = from; i < CMD_COUNT(profiles); i++) {
        if (profiles[i].personality >= 0 &&
            profiles[i].personality != (int)s->o.personality &&
            !(profiles[i].personality == SIM_GROUP && sim_group_registered(s)))
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

/* Whether the configuration actions run as jobs: the methods that start
 * one (begin_job() in methods.c) are the asynchronous actions, the others
 * the synchronous ones, whatever --job-seconds is. */
static bool async(const struct sim *s)
{
    return s->o.job_seconds > 0;
}

static void config_caps_each(struct sim *s, uint64_t from, sim_emit_fn fn,
                             void *ud)
{
    if (from > 0) {
        sim_pool_caps_each(s, from, fn, ud, 1);
        return;
    }
    sp_cim_instance *i = sim_from_path(instance_id_path(
        s, "SIM_StorageConfigurationCapabilities", "SIM+CAP+CONFIG", false));
    sim_set_str(i, "ElementName", "volume creation");
    static const uint16_t types[] = {2}; /* StorageVolume */
    /* StorageVolume Creation, StorageVolume Modification, Storage Element
     * Capacity Expansion: CreateOrModifyElementFromStoragePool makes a
     * volume, or with TheElement grows one. */
    static const uint16_t features[] = {3, 5, 12};
    /* Storage Element Creation, Return, Modification: all as jobs with
     * --job-seconds. */
    static const uint16_t actions[] = {5, 6, 7};
    sim_set_u16s(i, "SupportedStorageElementTypes", types, 1);
    sim_set_u16s(i, "SupportedStorageElementFeatures", features,
                 CMD_COUNT(features));
    sim_set_u16s(i, "SupportedAsynchronousActions", actions,
                 async(s) ? CMD_COUNT(actions) : 0);
    sim_set_u16s(i, "SupportedSynchronousActions", actions,
                 async(s) ? 0 : CMD_COUNT(actions));
    if (fn(i, 1, ud))
        return;
    /* Then each concrete pool's (caps.c). */
    sim_pool_caps_each(s, from, fn, ud, 1);
}

static void repl_caps_each(struct sim *s, uint64_t from, sim_emit_fn fn,
                           void *ud)
{
    if (from > 0)
        return;
    sp_cim_instance *i = sim_from_path(instance_id_path(
        s, "SIM_ReplicationServiceCapabilities", "SIM+CAP+REPL", false));
    sim_set_str(i, "ElementName", "snapshots and clones");
    /* Synchronous Snapshot Local, Synchronous Clone Local: the mode of the
     * replication (Mode 2 of every SIM_StorageSynchronized), which is not
     * whether CreateElementReplica runs as a job. */
    static const uint16_t types[] = {6, 10};
    static const uint16_t objects[] = {2}; /* StorageVolume */
    /* CreateElementReplica, a job with --job-seconds;
     * ModifyReplicaSynchronization, always at once. */
    static const uint16_t create[] = {2}, modify[] = {5}, both[] = {2, 5};
    sim_set_u16s(i, "SupportedReplicationTypes", types,
                 s->o.no_copies ? 0 : CMD_COUNT(types));
    sim_set_u16s(i, "SupportedStorageObjects", objects, 1);
    sim_set_u16s(i, "SupportedAsynchronousActions", create, async(s) ? 1 : 0);
    if (async(s))
        sim_set_u16s(i, "SupportedSynchronousActions", modify, 1);
    else
        sim_set_u16s(i, "SupportedSynchronousActions", both, 2);
    fn(i, 1, ud);
}

/* ---- pools and volumes ---- */

static sp_cim_instance *pool_instance(struct sim *s, const struct sim_pool *p)
{
    sp_cim_instance *i = sim_from_path(sim_pool_path(s, p));
    sim_set_str(i, "PoolID", p->id);
    sim_set_str(i, "ElementName", p->id);
    sim_set_bool(i, "Primordial", p->primordial);
    /* Unrestricted; the primordial pool's raw capacity is the array's
     * own (Reserved for ComputerSystem). */
    sim_set_u16(i, "Usage", p->primordial ? 3 : 2);
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
    char *iqn = sim_iscsi_iqn(s);
    sim_set_str(i, "ElementName", iqn);
    sim_set_str(i, "Identifier", iqn);
    sim_set_u16(i, "ConnectionType", 7); /* iSCSI */
    sim_set_u16(i, "Role", 3);           /* target */
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
    sim_set_str(i, "PermanentAddress", sim_fc_wwpn());
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
    /* Required by the schema; moot without DeleteOnCompletion (jobs are
     * kept until 1000 newer ones): the schema's default, 5 minutes. */
    sp_cim_instance_set(
        i, "TimeBeforeRemoval",
        sp_cim_value_new_string(SP_CIM_DATETIME, "00000000000500.000000:000"));
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

/* ---- the table ----
 * Each class is a subclass of the schema class it names (super): its
 * properties, keys and methods are that class's (schema.c). */

const struct sim_class sim_class_profile = {
    .name = "SIM_RegisteredProfile",
    .super = "CIM_RegisteredProfile",
    .interop = true,
    .personality = -1,
    .each = profiles_each,
};
const struct sim_class sim_class_system = {
    .name = "SIM_StorageSystem",
    .super = "CIM_ComputerSystem",
    .personality = -1,
    .each = system_each,
};
const struct sim_class sim_class_package = {
    .name = "SIM_PhysicalPackage",
    .super = "CIM_PhysicalPackage",
    .personality = -1,
    .each = package_each,
};
const struct sim_class sim_class_software = {
    .name = "SIM_SoftwareIdentity",
    .super = "CIM_SoftwareIdentity",
    .personality = -1,
    .each = software_each,
};
const struct sim_class sim_class_pool = {
    .name = "SIM_StoragePool",
    .super = "CIM_StoragePool",
    .personality = -1,
    .each = pools_each,
    .get = pool_get,
};
const struct sim_class sim_class_volume = {
    .name = "SIM_StorageVolume",
    .super = "CIM_StorageVolume",
    .personality = -1,
    .each = volumes_each,
    .get = volume_get,
};
const struct sim_class sim_class_scs = {
    .name = "SIM_StorageConfigurationService",
    .super = "CIM_StorageConfigurationService",
    .personality = -1,
    .each = scs_each,
};
const struct sim_class sim_class_rs = {
    .name = "SIM_ReplicationService",
    .super = "CIM_ReplicationService",
    .personality = -1,
    .each = rs_each,
};
const struct sim_class sim_class_gmms = {
    .name = "SIM_GroupMaskingMappingService",
    .super = "CIM_GroupMaskingMappingService",
    .personality = SIM_GROUP,
    .each = gmms_each,
};
const struct sim_class sim_class_ccs = {
    .name = "SIM_ControllerConfigurationService",
    .super = "CIM_ControllerConfigurationService",
    .personality = SIM_LEGACY,
    .each = ccs_each,
};
const struct sim_class sim_class_hwms = {
    .name = "SIM_StorageHardwareIDManagementService",
    .super = "CIM_StorageHardwareIDManagementService",
    .personality = -1,
    .each = hwms_each,
};
const struct sim_class sim_class_ccaps = {
    .name = "SIM_StorageConfigurationCapabilities",
    .super = "CIM_StorageConfigurationCapabilities",
    .personality = -1,
    .each = config_caps_each,
};
const struct sim_class sim_class_rcaps = {
    .name = "SIM_ReplicationServiceCapabilities",
    .super = "CIM_ReplicationServiceCapabilities",
    .personality = -1,
    .each = repl_caps_each,
};
const struct sim_class sim_class_hwid = {
    .name = "SIM_StorageHardwareID",
    .super = "CIM_StorageHardwareID",
    .personality = -1,
    .each = hwids_each,
};
#define GROUP_DECL                                                             \
    "key InstanceID string; ElementName string; "                              \
    "DeleteOnEmpty boolean"
const struct sim_class sim_class_ig = {
    .name = "SIM_InitiatorMaskingGroup",
    .super = "CIM_InitiatorMaskingGroup",
    .personality = SIM_GROUP,
    .each = igs_each,
};
const struct sim_class sim_class_tg = {
    .name = "SIM_TargetMaskingGroup",
    .super = "CIM_TargetMaskingGroup",
    .personality = SIM_GROUP,
    .each = tgs_each,
};
const struct sim_class sim_class_dg = {
    .name = "SIM_DeviceMaskingGroup",
    .super = "CIM_DeviceMaskingGroup",
    .personality = SIM_GROUP,
    .each = dgs_each,
};
const struct sim_class sim_class_spc = {
    .name = "SIM_SCSIProtocolController",
    .super = "CIM_SCSIProtocolController",
    .personality = -1,
    .each = views_each,
};
const struct sim_class sim_class_iscsi = {
    .name = "SIM_iSCSIProtocolEndpoint",
    .super = "CIM_iSCSIProtocolEndpoint",
    .personality = -1,
    .each = iscsi_ports_each,
};
const struct sim_class sim_class_fc = {
    .name = "SIM_FCPort",
    .super = "CIM_FCPort",
    .personality = -1,
    .each = fc_ports_each,
};
const struct sim_class sim_class_job = {
    .name = "SIM_ConcreteJob",
    .super = "CIM_ConcreteJob",
    .personality = -1,
    .each = jobs_each,
    .get = job_get,
};
