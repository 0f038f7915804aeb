/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd/smis-sim/caps.c: capabilities (per pool, masking) and the associations
 * that tie masking services to what they manage. */
#include <stdio.h>
#include <string.h>

#include "common/cmd.h"
#include "sim.h"

/*
 * Block Services: besides the storage configuration service's own
 * capabilities, each concrete pool has a CIM_StorageConfigurationCapabilities
 * (CIM_ElementCapabilities pool -> capabilities) saying what can be made
 * from it: a client such as libstoragemgmt creates volumes only in a pool
 * whose capabilities say "StorageVolume Creation".
 *
 * Masking: CIM_GroupMaskingMappingCapabilities (group personality) or
 * CIM_ProtocolControllerMaskingCapabilities (legacy), reached through
 * CIM_ElementCapabilities from the masking service and from the system
 * (libstoragemgmt reads them from the system, SNIA's profile from the
 * service).  CIM_ServiceAffectsElement ties the group service to its
 * groups, CIM_ConcreteDependency the controller configuration service to
 * its views: how clients list access groups.
 */

/* Whether the configuration actions run as jobs. */
static bool async(const struct sim *s)
{
    return s->o.job_seconds > 0;
}

static sp_cim_path *caps_path(struct sim *s, const char *cls, const char *id)
{
    sp_cim_path *p = sim_path(s, cls, false);
    sim_key_str(p, "InstanceID", id);
    return p;
}

/* ---- pools ---- */

sp_cim_path *sim_pool_caps_path(struct sim *s, const struct sim_pool *p)
{
    char id[160];
    snprintf(id, sizeof(id), "SIM+CAP+POOL+%s", p->id);
    return caps_path(s, "SIM_StorageConfigurationCapabilities", id);
}

void sim_pool_caps_each(struct sim *s, uint64_t from, sim_emit_fn fn, void *ud,
                        uint64_t base)
{
    for (size_t k = from > base ? from - base : 0; k < s->npools; k++) {
        const struct sim_pool *p = &s->pools[k];
        if (p->primordial)
            continue;
        sp_cim_instance *i = sim_from_path(sim_pool_caps_path(s, p));
        char *name = cmd_xasprintf("volumes from pool %s", p->id);
        sim_set_str(i, "ElementName", name);
        free(name);
        /* As the service's: StorageVolumes, made (3), modified (5) and
         * grown (12) by CreateOrModifyElementFromStoragePool; created,
         * returned, modified (5, 6, 7) as jobs with --job-seconds. */
        static const uint16_t types[] = {2};
        static const uint16_t features[] = {3, 5, 12};
        static const uint16_t actions[] = {5, 6, 7};
        sim_set_u16s(i, "SupportedStorageElementTypes", types, 1);
        sim_set_u16s(i, "SupportedStorageElementFeatures", features,
                     CMD_COUNT(features));
        sim_set_u16s(i, "SupportedAsynchronousActions", actions,
                     async(s) ? CMD_COUNT(actions) : 0);
        sim_set_u16s(i, "SupportedSynchronousActions", actions,
                     async(s) ? 0 : CMD_COUNT(actions));
        if (fn(i, base + k + 1, ud))
            return;
    }
}

/* ---- masking ---- */

static sp_cim_path *gmm_caps_path(struct sim *s)
{
    return caps_path(s, "SIM_GroupMaskingMappingCapabilities", "SIM+CAP+GMM");
}

static sp_cim_path *mm_caps_path(struct sim *s)
{
    return caps_path(s, "SIM_ProtocolControllerMaskingCapabilities",
                     "SIM+CAP+MM");
}

/* What both kinds of masking capabilities say. */
static void masking_common(sp_cim_instance *i)
{
    static const uint16_t ids[] = {2, 5}; /* port WWN, iSCSI name */
    sim_set_u16s(i, "ValidHardwareIdTypes", ids, 2);
    sim_set_u16(i, "PortsPerView", 3); /* all ports */
    sim_set_bool(i, "ClientSelectableDeviceNumbers", true);
    sim_set_bool(i, "AttachDeviceSupported", false);
    sim_set_bool(i, "OneHardwareIDPerView", false);
    sim_set_bool(i, "UniqueUnitNumbersPerPort", false);
    sim_set_bool(i, "PrivilegeDeniedSupported", false);
    sim_set_bool(i, "ProtocolControllerRequiresAuthorizedIdentity", true);
    sim_set_bool(i, "ProtocolControllerSupportsCollections", false);
    sim_set_bool(i, "ExposePathsWithNameAndHostTypeSupported", false);
    sim_set_bool(i, "SPCAllowsNoTargets", false);
    sim_set_bool(i, "SPCAllowsNoInitiators", false);
    sim_set_bool(i, "SPCSupportsDefaultViews", false);
}

static void gmm_caps_each(struct sim *s, uint64_t from, sim_emit_fn fn,
                          void *ud)
{
    if (from > 0)
        return;
    sp_cim_instance *i = sim_from_path(gmm_caps_path(s));
    sim_set_str(i, "ElementName", "group masking and mapping");
    masking_common(i);
    sim_set_bool(i, "ExposePathsSupported", false);
    sim_set_bool(i, "CreateProtocolControllerSupported", false);
    /* A view whose device group is emptied stays, with no LUNs. */
    sim_set_bool(i, "SPCAllowsNoLUs", true);
    /* 19 CreateGroup, 20 DeleteGroup run at once; 21 AddMembers,
     * 22 RemoveMembers, 23 CreateMaskingView, 24 DeleteMaskingView as jobs
     * with --job-seconds, at once without. */
    static const uint16_t always[] = {19, 20};
    static const uint16_t jobs[] = {21, 22, 23, 24};
    uint16_t sync[6];
    size_t n = 0;
    for (size_t k = 0; k < CMD_COUNT(always); k++)
        sync[n++] = always[k];
    for (size_t k = 0; !async(s) && k < CMD_COUNT(jobs); k++)
        sync[n++] = jobs[k];
    sim_set_u16s(i, "SupportedSynchronousActions", sync, n);
    sim_set_u16s(i, "SupportedAsynchronousActions", jobs,
                 async(s) ? CMD_COUNT(jobs) : 0);
    /* initiator, target, device groups; device numbers given by the
     * array; a view needs all three groups, non-empty initiator and
     * target groups */
    static const uint16_t features[] = {2, 3, 4, 5, 6, 7, 8, 9, 10};
    sim_set_u16s(i, "SupportedFeatures", features, CMD_COUNT(features));
    /* nameable; can add to a group in a view; empty allowed */
    static const uint16_t ig[] = {2, 3, 4};
    sim_set_u16s(i, "SupportedInitiatorGroupFeatures", ig, CMD_COUNT(ig));
    sim_set_u16s(i, "SupportedTargetGroupFeatures", ig, CMD_COUNT(ig));
    /* and: a device group in a view may be emptied */
    static const uint16_t dg[] = {2, 3, 4, 5};
    sim_set_u16s(i, "SupportedDeviceGroupFeatures", dg, CMD_COUNT(dg));
    fn(i, 1, ud);
}

static void mm_caps_each(struct sim *s, uint64_t from, sim_emit_fn fn, void *ud)
{
    if (from > 0)
        return;
    sp_cim_instance *i = sim_from_path(mm_caps_path(s));
    sim_set_str(i, "ElementName", "masking and mapping");
    masking_common(i);
    sim_set_bool(i, "ExposePathsSupported", true);
    sim_set_bool(i, "CreateProtocolControllerSupported", false);
    /* HidePaths of a view's last volume removes the view. */
    sim_set_bool(i, "SPCAllowsNoLUs", false);
    /* 3 Create StorageHardwareID by ExposePaths, 11 Expose Paths, 12 Hide
     * Paths (jobs with --job-seconds); 2 Create and 4 Delete
     * StorageHardwareID, on the hardware ID management service. */
    static const uint16_t paths[] = {3, 11, 12};
    static const uint16_t hwids[] = {2, 4};
    uint16_t sync[5];
    size_t n = 0;
    for (size_t k = 0; k < CMD_COUNT(hwids); k++)
        sync[n++] = hwids[k];
    for (size_t k = 0; !async(s) && k < CMD_COUNT(paths); k++)
        sync[n++] = paths[k];
    sim_set_u16s(i, "SupportedSynchronousActions", sync, n);
    sim_set_u16s(i, "SupportedAsynchronousActions", paths,
                 async(s) ? CMD_COUNT(paths) : 0);
    fn(i, 1, ud);
}

/* The masking capabilities' ElementCapabilities: from the masking service
 * and from the system, at positions @base + 1 and + 2. */
static bool masking_caps_assoc_each(struct sim *s, uint64_t from,
                                    sim_emit_fn fn, void *ud, uint64_t base)
{
    bool group = s->o.personality == SIM_GROUP;
    const char *svc = group ? "SIM_GroupMaskingMappingService"
                            : "SIM_ControllerConfigurationService";
    for (uint64_t k = from > base ? from - base : 0; k < 2; k++) {
        sp_cim_path *me =
            k == 0 ? sim_service_path(s, svc, svc + 4) : sim_system_path(s);
        sp_cim_path *p = sim_path(s, "SIM_ElementCapabilities", false);
        sp_cim_path_set_key(p, "ManagedElement", sp_cim_value_take_ref(me));
        sp_cim_path_set_key(
            p, "Capabilities",
            sp_cim_value_take_ref(group ? gmm_caps_path(s) : mm_caps_path(s)));
        sp_cim_instance *a = sim_from_path(p);
        static const uint16_t current[] = {2}; /* Default */
        sim_set_u16s(a, "Characteristics", current, 1);
        if (fn(a, base + k + 1, ud))
            return true;
    }
    return false;
}

void sim_caps_assoc_each(struct sim *s, uint64_t from, sim_emit_fn fn, void *ud,
                         uint64_t base)
{
    if (from < base + 2 && masking_caps_assoc_each(s, from, fn, ud, base))
        return;
    base += 2;
    for (size_t k = from > base ? from - base : 0; k < s->npools; k++) {
        const struct sim_pool *p = &s->pools[k];
        if (p->primordial)
            continue;
        sp_cim_path *a = sim_path(s, "SIM_ElementCapabilities", false);
        sp_cim_path_set_key(a, "ManagedElement",
                            sp_cim_value_take_ref(sim_pool_path(s, p)));
        sp_cim_path_set_key(a, "Capabilities",
                            sp_cim_value_take_ref(sim_pool_caps_path(s, p)));
        sp_cim_instance *i = sim_from_path(a);
        static const uint16_t current[] = {2}; /* Default */
        sim_set_u16s(i, "Characteristics", current, 1);
        if (fn(i, base + k + 1, ud))
            return;
    }
}

/* ---- services and what they affect ---- */

static sp_cim_instance *dep(struct sim *s, const char *cls, const char *r1,
                            sp_cim_path *p1, const char *r2, sp_cim_path *p2)
{
    sp_cim_path *p = sim_path(s, cls, false);
    sp_cim_path_set_key(p, r1, sp_cim_value_take_ref(p1));
    sp_cim_path_set_key(p, r2, sp_cim_value_take_ref(p2));
    return sim_from_path(p);
}

/* The group service -> every masking group. */
static void affects_each(struct sim *s, uint64_t from, sim_emit_fn fn, void *ud)
{
    static const char svc[] = "SIM_GroupMaskingMappingService";
    for (size_t i = from; i < s->ngroups; i++) {
        sp_cim_instance *a =
            dep(s, "SIM_ServiceAffectsElement", "AffectedElement",
                sim_group_path(s, &s->groups[i]), "AffectingElement",
                sim_service_path(s, svc, svc + 4));
        static const uint16_t manages[] = {5}; /* Manages */
        sim_set_u16s(a, "ElementEffects", manages, 1);
        if (fn(a, i + 1, ud))
            return;
    }
}

/* The controller configuration service -> every view. */
static void concrete_dep_each(struct sim *s, uint64_t from, sim_emit_fn fn,
                              void *ud)
{
    static const char svc[] = "SIM_ControllerConfigurationService";
    for (size_t i = from; i < s->nviews; i++)
        if (fn(dep(s, "SIM_ConcreteDependency", "Antecedent",
                   sim_service_path(s, svc, svc + 4), "Dependent",
                   sim_view_path(s, &s->views[i])),
               i + 1, ud))
            return;
}

/* ---- the table entries ---- */

const struct sim_class sim_class_gmmcaps = {
    .name = "SIM_GroupMaskingMappingCapabilities",
    .super = "CIM_GroupMaskingMappingCapabilities",
    .personality = SIM_GROUP,
    .each = gmm_caps_each,
};
const struct sim_class sim_class_mmcaps = {
    .name = "SIM_ProtocolControllerMaskingCapabilities",
    .super = "CIM_ProtocolControllerMaskingCapabilities",
    .personality = SIM_LEGACY,
    .each = mm_caps_each,
};
const struct sim_class sim_class_affects = {
    .name = "SIM_ServiceAffectsElement",
    .super = "CIM_ServiceAffectsElement",
    .personality = SIM_GROUP,
    .role1 = "AffectedElement",
    .role2 = "AffectingElement",
    .each = affects_each,
};
const struct sim_class sim_class_cdep = {
    .name = "SIM_ConcreteDependency",
    .super = "CIM_ConcreteDependency",
    .personality = SIM_LEGACY,
    .role1 = "Antecedent",
    .role2 = "Dependent",
    .each = concrete_dep_each,
};
