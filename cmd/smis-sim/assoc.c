/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd/smis-sim/assoc.c: the association classes a client walks, generated from
 * the model. */
#include <stdio.h>
#include <string.h>

#include "common/cmd.h"
#include "sim.h"

extern const char *const sim_services[];

/* An association instance: key references @r1 -> @p1 and @r2 -> @p2
 * (both taken). */
static sp_cim_instance *assoc(struct sim *s, const char *cls, bool interop,
                              const char *r1, sp_cim_path *p1, const char *r2,
                              sp_cim_path *p2)
{
    sp_cim_path *p = sim_path(s, cls, interop);
    sp_cim_path_set_key(p, r1, sp_cim_value_take_ref(p1));
    sp_cim_path_set_key(p, r2, sp_cim_value_take_ref(p2));
    return sim_from_path(p);
}

/* ---- interop ---- */

static const char *const subprofiles[] = {
    "SIM+PROFILE+BLOCK",  "SIM+PROFILE+REPL", "SIM+PROFILE+GMM",
    "SIM+PROFILE+MM",     "SIM+PROFILE+JOB",  "SIM+PROFILE+FCTP",
    "SIM+PROFILE+ISCSITP"};

static bool subprofile_served(const struct sim *s, const char *id)
{
    if (strcmp(id, "SIM+PROFILE+GMM") == 0)
        return sim_group_registered(s);
    if (strcmp(id, "SIM+PROFILE+MM") == 0)
        return s->o.personality == SIM_LEGACY;
    return true;
}

/* The central instances of the profiles: the system (Array), the object
 * manager (Server, interop.c), the FC port (FC Target Ports), the iSCSI
 * portal group (iSCSI Target Ports). */
static void conforms_each(struct sim *s, uint64_t from, sim_emit_fn fn,
                          void *ud)
{
    static const char *const profiles[] = {
        "SIM+PROFILE+ARRAY", "SIM+PROFILE+SERVER", "SIM+PROFILE+FCTP",
        "SIM+PROFILE+ISCSITP"};
    for (uint64_t k = from; k < CMD_COUNT(profiles); k++) {
        sp_cim_path *me = k == 0   ? sim_system_path(s)
                          : k == 1 ? sim_object_manager_path(s)
                          : k == 2 ? sim_port_path(s, "fc0")
                                   : sim_port_path(s, "iscsi0");
        if (fn(assoc(s, "SIM_ElementConformsToProfile", true,
                     "ConformantStandard", sim_profile_path(s, profiles[k]),
                     "ManagedElement", me),
               k + 1, ud))
            return;
    }
}

static void referenced_each(struct sim *s, uint64_t from, sim_emit_fn fn,
                            void *ud)
{
    for (size_t i = from; i < CMD_COUNT(subprofiles); i++) {
        if (!subprofile_served(s, subprofiles[i]))
            continue;
        if (fn(assoc(s, "SIM_ReferencedProfile", true, "Antecedent",
                     sim_profile_path(s, subprofiles[i]), "Dependent",
                     sim_profile_path(s, "SIM+PROFILE+ARRAY")),
               i + 1, ud))
            return;
    }
}

/* ---- the system and what it hosts ---- */

static void hosted_pool_each(struct sim *s, uint64_t from, sim_emit_fn fn,
                             void *ud)
{
    for (size_t i = from; i < s->npools; i++)
        if (fn(assoc(s, "SIM_HostedStoragePool", false, "GroupComponent",
                     sim_system_path(s), "PartComponent",
                     sim_pool_path(s, &s->pools[i])),
               i + 1, ud))
            return;
}

static void packaging_each(struct sim *s, uint64_t from, sim_emit_fn fn,
                           void *ud)
{
    if (from > 0)
        return;
    fn(assoc(s, "SIM_SystemPackaging", false, "Antecedent", sim_package_path(s),
             "Dependent", sim_system_path(s)),
       1, ud);
}

static void installed_each(struct sim *s, uint64_t from, sim_emit_fn fn,
                           void *ud)
{
    if (from > 0)
        return;
    fn(assoc(s, "SIM_InstalledSoftwareIdentity", false, "System",
             sim_system_path(s), "InstalledSoftware", sim_software_path(s)),
       1, ud);
}

static bool service_served(const struct sim *s, const char *cls)
{
    if (strcmp(cls, "SIM_GroupMaskingMappingService") == 0)
        return sim_group_registered(s);
    if (strcmp(cls, "SIM_ControllerConfigurationService") == 0)
        return s->o.personality == SIM_LEGACY;
    return true;
}

static void hosted_service_each(struct sim *s, uint64_t from, sim_emit_fn fn,
                                void *ud)
{
    for (size_t i = from; i < 5; i++) {
        if (!service_served(s, sim_services[i]))
            continue;
        if (fn(assoc(s, "SIM_HostedService", false, "Antecedent",
                     sim_system_path(s), "Dependent",
                     sim_service_path(s, sim_services[i], sim_services[i] + 4)),
               i + 1, ud))
            return;
    }
}

static void capabilities_each(struct sim *s, uint64_t from, sim_emit_fn fn,
                              void *ud)
{
    static const char *const caps[][3] = {
        {"SIM_StorageConfigurationService",
         "SIM_StorageConfigurationCapabilities", "SIM+CAP+CONFIG"},
        {"SIM_ReplicationService", "SIM_ReplicationServiceCapabilities",
         "SIM+CAP+REPL"},
    };
    for (size_t i = from; i < CMD_COUNT(caps); i++) {
        sp_cim_path *c = sim_path(s, caps[i][1], false);
        sim_key_str(c, "InstanceID", caps[i][2]);
        sp_cim_instance *a = assoc(
            s, "SIM_ElementCapabilities", false, "ManagedElement",
            sim_service_path(s, caps[i][0], caps[i][0] + 4), "Capabilities", c);
        static const uint16_t current[] = {2}; /* Default */
        sim_set_u16s(a, "Characteristics", current, 1);
        if (fn(a, i + 1, ud))
            return;
    }
    /* Then the masking capabilities' and each concrete pool's (caps.c). */
    sim_caps_assoc_each(s, from, fn, ud, CMD_COUNT(caps));
}

/* Positions: pools first (index), then volumes (by number). */
static void allocated_each(struct sim *s, uint64_t from, sim_emit_fn fn,
                           void *ud)
{
    struct sim_pool *prim = NULL;
    for (size_t i = 0; i < s->npools; i++)
        if (s->pools[i].primordial)
            prim = &s->pools[i];
    if (from < s->npools) {
        for (size_t i = from; prim && i < s->npools; i++) {
            if (s->pools[i].primordial)
                continue;
            sp_cim_instance *a =
                assoc(s, "SIM_AllocatedFromStoragePool", false, "Antecedent",
                      sim_pool_path(s, prim), "Dependent",
                      sim_pool_path(s, &s->pools[i]));
            sim_set_u64(a, "SpaceConsumed", s->pools[i].total);
            if (fn(a, i + 1, ud))
                return;
        }
        from = s->npools;
    }
    for (size_t k = sim_volume_index(s, (uint32_t)(from - s->npools));
         k < s->nvols; k++) {
        const struct sim_volume *v = &s->vols[k];
        struct sim_pool *p = sim_pool_find(s, v->pool);
        if (!p)
            continue;
        sp_cim_instance *a =
            assoc(s, "SIM_AllocatedFromStoragePool", false, "Antecedent",
                  sim_pool_path(s, p), "Dependent", sim_volume_path(s, v));
        sim_set_u64(a, "SpaceConsumed",
                    v->sync_type == 7 ? 0 : v->blocks * SIM_BLOCK);
        if (fn(a, s->npools + v->num + 1, ud))
            return;
    }
}

/* Devices of the system: the FC port and the iSCSI node (ports.c), views,
 * then volumes by number.  (The iSCSI portal group is an access point,
 * not a device: CIM_HostedAccessPoint.) */
static void system_device_each(struct sim *s, uint64_t from, sim_emit_fn fn,
                               void *ud)
{
    size_t fixed = 2;
    for (size_t i = from; i < fixed; i++)
        if (fn(assoc(s, "SIM_SystemDevice", false, "GroupComponent",
                     sim_system_path(s), "PartComponent",
                     i == 0 ? sim_port_path(s, "fc0") : sim_iscsi_node_path(s)),
               i + 1, ud))
            return;
    if (from < fixed)
        from = fixed;
    if (from < fixed + s->nviews) {
        for (size_t i = from - fixed; i < s->nviews; i++)
            if (fn(assoc(s, "SIM_SystemDevice", false, "GroupComponent",
                         sim_system_path(s), "PartComponent",
                         sim_view_path(s, &s->views[i])),
                   fixed + i + 1, ud))
                return;
        from = fixed + s->nviews;
    }
    /* Volume positions start after a gap wide enough for the views. */
    uint64_t base = fixed + (1u << 20);
    uint32_t start = from > base ? (uint32_t)(from - base) : 0;
    for (size_t k = sim_volume_index(s, start); k < s->nvols; k++)
        if (fn(assoc(s, "SIM_SystemDevice", false, "GroupComponent",
                     sim_system_path(s), "PartComponent",
                     sim_volume_path(s, &s->vols[k])),
               base + s->vols[k].num + 1, ud))
            return;
}

/* ---- replication ---- */

static void synchronized_each(struct sim *s, uint64_t from, sim_emit_fn fn,
                              void *ud)
{
    for (size_t k = sim_volume_index(s, (uint32_t)from); k < s->nvols; k++) {
        const struct sim_volume *v = &s->vols[k];
        struct sim_volume *src =
            v->source ? sim_volume_by_num(s, v->source) : NULL;
        if (!src)
            continue;
        sp_cim_instance *a = assoc(s, "SIM_StorageSynchronized", false,
                                   "SystemElement", sim_volume_path(s, src),
                                   "SyncedElement", sim_volume_path(s, v));
        sim_set_u16(a, "SyncType", v->sync_type);
        /* A snapshot stays tied to its source (UnSyncAssoc, Before
         * Delta); a clone is a full copy, tied only until it is detached
         * (UnSyncUnAssoc, Full Copy): what libstoragemgmt reads to detach
         * a clone or return a snapshot to the pool before a delete. */
        sim_set_u16(a, "CopyType", v->sync_type == 7 ? 4 : 5);
        sim_set_u16(a, "ReplicaType", v->sync_type == 7 ? 3 : 2);
        sim_set_u16(a, "Mode", 2);      /* synchronous */
        sim_set_u16(a, "SyncState", 6); /* synchronized */
        sim_set_u16(a, "CopyState", 4); /* synchronized */
        if (fn(a, (uint64_t)v->num + 1, ud))
            return;
    }
}

/* ---- masking ---- */

static sp_cim_path *member_path(struct sim *s, const struct sim_group *g,
                                const char *m)
{
    if (g->type == 2) {
        struct sim_hwid *h = sim_hwid_find(s, m);
        return h ? sim_hwid_path(s, h) : NULL;
    }
    if (g->type == 3) /* the port's endpoint, as SNIA's profile has it */
        return sim_endpoint_path(s, m);
    struct sim_volume *v = sim_volume_find(s, m);
    return v ? sim_volume_path(s, v) : NULL;
}

/* Members of the initiator and target groups, or (@ordered) of the
 * device groups: their volumes in order, as CIM_OrderedMemberOfCollection
 * with AssignedSequence from 1 (libstoragemgmt walks a device group that
 * way).  Positions: group index << 32 | member index. */
static void members_each(struct sim *s, uint64_t from, sim_emit_fn fn, void *ud,
                         bool ordered)
{
    for (size_t g = from >> 32; g < s->ngroups; g++) {
        const struct sim_group *grp = &s->groups[g];
        if ((grp->type == 4) != ordered)
            continue;
        size_t first = g == from >> 32 ? (size_t)(from & 0xFFFFFFFF) : 0;
        for (size_t m = first; m < grp->members.n; m++) {
            sp_cim_path *mp = member_path(s, grp, grp->members.v[m]);
            if (!mp)
                continue;
            sp_cim_instance *a = assoc(s,
                                       ordered ? "SIM_OrderedMemberOfCollection"
                                               : "SIM_MemberOfCollection",
                                       false, "Collection",
                                       sim_group_path(s, grp), "Member", mp);
            if (ordered)
                sim_set_u64(a, "AssignedSequence", m + 1);
            if (fn(a, ((uint64_t)g << 32) | (m + 1), ud))
                return;
        }
    }
}

static void member_each(struct sim *s, uint64_t from, sim_emit_fn fn, void *ud)
{
    members_each(s, from, fn, ud, false);
}

static void ordered_member_each(struct sim *s, uint64_t from, sim_emit_fn fn,
                                void *ud)
{
    members_each(s, from, fn, ud, true);
}

static void hosted_collection_each(struct sim *s, uint64_t from, sim_emit_fn fn,
                                   void *ud)
{
    for (size_t i = from; i < s->ngroups; i++)
        if (fn(assoc(s, "SIM_HostedCollection", false, "Antecedent",
                     sim_system_path(s), "Dependent",
                     sim_group_path(s, &s->groups[i])),
               i + 1, ud))
            return;
}

static void view_group_each(struct sim *s, uint64_t from, sim_emit_fn fn,
                            void *ud, const char *cls, size_t which)
{
    for (size_t i = from; i < s->nviews; i++) {
        const struct sim_view *v = &s->views[i];
        const char *gid = which == 2 ? v->img : which == 3 ? v->tmg : v->dmg;
        struct sim_group *g = gid ? sim_group_find(s, gid) : NULL;
        if (!g)
            continue;
        if (fn(assoc(s, cls, false, "Antecedent", sim_view_path(s, v),
                     "Dependent", sim_group_path(s, g)),
               i + 1, ud))
            return;
    }
}

#define VIEW_GROUP(fname, cls, which)                                          \
    static void fname(struct sim *s, uint64_t from, sim_emit_fn fn, void *ud)  \
    {                                                                          \
        view_group_each(s, from, fn, ud, cls, which);                          \
    }
VIEW_GROUP(assoc_ig_each, "SIM_AssociatedInitiatorMaskingGroup", 2)
VIEW_GROUP(assoc_tg_each, "SIM_AssociatedTargetMaskingGroup", 3)
VIEW_GROUP(assoc_dg_each, "SIM_AssociatedDeviceMaskingGroup", 4)

/* Positions: view index << 32 | unit index. */
static void pcfu_each(struct sim *s, uint64_t from, sim_emit_fn fn, void *ud)
{
    for (size_t i = from >> 32; i < s->nviews; i++) {
        const struct sim_view *v = &s->views[i];
        size_t first = i == from >> 32 ? (size_t)(from & 0xFFFFFFFF) : 0;
        for (size_t u = first; u < v->nunits; u++) {
            struct sim_volume *vol = sim_volume_by_num(s, v->units[u].vol);
            if (!vol)
                continue;
            sp_cim_instance *a = assoc(s, "SIM_ProtocolControllerForUnit",
                                       false, "Antecedent", sim_view_path(s, v),
                                       "Dependent", sim_volume_path(s, vol));
            /* SMI-S gives a host LUN number as zero-padded hexadecimal
             * text, as VNX, VMAX and ETERNUS do ("0011" is LUN 17). */
            char lun[16];
            snprintf(lun, sizeof(lun), "%04X", v->units[u].lun);
            sim_set_str(a, "DeviceNumber", lun);
            sim_set_u16(a, "DeviceAccess", 2); /* read-write */
            if (fn(a, ((uint64_t)i << 32) | (u + 1), ud))
                return;
        }
    }
}

/* The FC port of a view when its target group has it, or always in the
 * legacy personality.  (Its endpoints, the iSCSI one too, are reached
 * through CIM_SAPAvailableForElement: ports.c.) */
static void pcfp_each(struct sim *s, uint64_t from, sim_emit_fn fn, void *ud)
{
    for (size_t i = from; i < s->nviews; i++) {
        const struct sim_view *v = &s->views[i];
        struct sim_group *tg = v->tmg ? sim_group_find(s, v->tmg) : NULL;
        if (tg && !sim_strlist_has(&tg->members, "fc0"))
            continue;
        if (fn(assoc(s, "SIM_ProtocolControllerForPort", false, "Antecedent",
                     sim_view_path(s, v), "Dependent", sim_port_path(s, "fc0")),
               i + 1, ud))
            return;
    }
}

/* ---- legacy masking: privileges ---- */

static sp_cim_path *privilege_path(struct sim *s, const struct sim_view *v)
{
    sp_cim_path *p = sim_path(s, "SIM_AuthorizedPrivilege", false);
    char *id = cmd_xasprintf("SIM+PRIV+%s", v->id);
    sim_key_str(p, "InstanceID", id);
    free(id);
    return p;
}

static void privilege_each(struct sim *s, uint64_t from, sim_emit_fn fn,
                           void *ud)
{
    for (size_t i = from; i < s->nviews; i++) {
        sp_cim_instance *p = sim_from_path(privilege_path(s, &s->views[i]));
        sim_set_bool(p, "PrivilegeGranted", true);
        static const uint16_t rw[] = {5, 6}; /* read, write */
        sim_set_u16s(p, "Activities", rw, 2);
        if (fn(p, i + 1, ud))
            return;
    }
}

static void auth_target_each(struct sim *s, uint64_t from, sim_emit_fn fn,
                             void *ud)
{
    for (size_t i = from; i < s->nviews; i++)
        if (fn(assoc(s, "SIM_AuthorizedTarget", false, "Privilege",
                     privilege_path(s, &s->views[i]), "TargetElement",
                     sim_view_path(s, &s->views[i])),
               i + 1, ud))
            return;
}

static void auth_subject_each(struct sim *s, uint64_t from, sim_emit_fn fn,
                              void *ud)
{
    for (size_t i = from >> 32; i < s->nviews; i++) {
        const struct sim_view *v = &s->views[i];
        size_t first = i == from >> 32 ? (size_t)(from & 0xFFFFFFFF) : 0;
        for (size_t k = first; k < v->initiators.n; k++) {
            struct sim_hwid *h = sim_hwid_find(s, v->initiators.v[k]);
            if (!h)
                continue;
            if (fn(assoc(s, "SIM_AuthorizedSubject", false, "Privilege",
                         privilege_path(s, v), "PrivilegedElement",
                         sim_hwid_path(s, h)),
                   ((uint64_t)i << 32) | (k + 1), ud))
                return;
        }
    }
}

/* ---- jobs ---- */

static sp_cim_path *affected_path(struct sim *s, const char *what)
{
    const char *colon = strchr(what, ':');
    if (!colon)
        return NULL;
    const char *id = colon + 1;
    if (strncmp(what, "vol:", 4) == 0) {
        struct sim_volume *v = sim_volume_find(s, id);
        return v ? sim_volume_path(s, v) : NULL;
    }
    if (strncmp(what, "view:", 5) == 0) {
        struct sim_view *v = sim_view_find(s, id);
        return v ? sim_view_path(s, v) : NULL;
    }
    if (strncmp(what, "group:", 6) == 0) {
        struct sim_group *g = sim_group_find(s, id);
        return g ? sim_group_path(s, g) : NULL;
    }
    return NULL;
}

static void affected_each(struct sim *s, uint64_t from, sim_emit_fn fn,
                          void *ud)
{
    for (size_t i = from >> 32; i < s->njobs; i++) {
        const struct sim_job *j = &s->jobs[i];
        size_t first = i == from >> 32 ? (size_t)(from & 0xFFFFFFFF) : 0;
        for (size_t k = first; k < j->affected.n; k++) {
            sp_cim_path *p = affected_path(s, j->affected.v[k]);
            if (!p)
                continue;
            sp_cim_instance *a =
                assoc(s, "SIM_AffectedJobElement", false, "AffectedElement", p,
                      "AffectingElement", sim_job_path(s, j));
            static const uint16_t create[] = {5}; /* Create */
            sim_set_u16s(a, "ElementEffects", create, 1);
            if (fn(a, ((uint64_t)i << 32) | (k + 1), ud))
                return;
        }
    }
}

/* ---- the table entries ---- */

const struct sim_class sim_class_conforms = {
    .name = "SIM_ElementConformsToProfile",
    .super = "CIM_ElementConformsToProfile",
    .interop = true,
    .personality = -1,
    .role1 = "ConformantStandard",
    .role2 = "ManagedElement",
    .each = conforms_each,
};
const struct sim_class sim_class_refprof = {
    .name = "SIM_ReferencedProfile",
    .super = "CIM_ReferencedProfile",
    .interop = true,
    .personality = -1,
    .role1 = "Antecedent",
    .role2 = "Dependent",
    .each = referenced_each,
};
const struct sim_class sim_class_hpool = {
    .name = "SIM_HostedStoragePool",
    .super = "CIM_HostedStoragePool",
    .personality = -1,
    .role1 = "GroupComponent",
    .role2 = "PartComponent",
    .each = hosted_pool_each,
};
const struct sim_class sim_class_syspkg = {
    .name = "SIM_SystemPackaging",
    .super = "CIM_SystemPackaging",
    .personality = -1,
    .role1 = "Antecedent",
    .role2 = "Dependent",
    .each = packaging_each,
};
const struct sim_class sim_class_installed = {
    .name = "SIM_InstalledSoftwareIdentity",
    .super = "CIM_InstalledSoftwareIdentity",
    .personality = -1,
    .role1 = "System",
    .role2 = "InstalledSoftware",
    .each = installed_each,
};
const struct sim_class sim_class_alloc = {
    .name = "SIM_AllocatedFromStoragePool",
    .super = "CIM_AllocatedFromStoragePool",
    .personality = -1,
    .role1 = "Antecedent",
    .role2 = "Dependent",
    .each = allocated_each,
};
const struct sim_class sim_class_hsvc = {
    .name = "SIM_HostedService",
    .super = "CIM_HostedService",
    .personality = -1,
    .role1 = "Antecedent",
    .role2 = "Dependent",
    .each = hosted_service_each,
};
const struct sim_class sim_class_ecap = {
    .name = "SIM_ElementCapabilities",
    .super = "CIM_ElementCapabilities",
    .personality = -1,
    .role1 = "ManagedElement",
    .role2 = "Capabilities",
    .each = capabilities_each,
};
const struct sim_class sim_class_sysdev = {
    .name = "SIM_SystemDevice",
    .super = "CIM_SystemDevice",
    .personality = -1,
    .role1 = "GroupComponent",
    .role2 = "PartComponent",
    .each = system_device_each,
};
const struct sim_class sim_class_sync = {
    .name = "SIM_StorageSynchronized",
    .super = "CIM_StorageSynchronized",
    .personality = -1,
    .role1 = "SystemElement",
    .role2 = "SyncedElement",
    .each = synchronized_each,
};
const struct sim_class sim_class_member = {
    .name = "SIM_MemberOfCollection",
    .super = "CIM_MemberOfCollection",
    .personality = SIM_GROUP,
    .role1 = "Collection",
    .role2 = "Member",
    .each = member_each,
};
const struct sim_class sim_class_omember = {
    .name = "SIM_OrderedMemberOfCollection",
    .super = "CIM_OrderedMemberOfCollection",
    .personality = SIM_GROUP,
    .role1 = "Collection",
    .role2 = "Member",
    .each = ordered_member_each,
};
const struct sim_class sim_class_hcoll = {
    .name = "SIM_HostedCollection",
    .super = "CIM_HostedCollection",
    .personality = SIM_GROUP,
    .role1 = "Antecedent",
    .role2 = "Dependent",
    .each = hosted_collection_each,
};
const struct sim_class sim_class_aig = {
    .name = "SIM_AssociatedInitiatorMaskingGroup",
    .super = "CIM_AssociatedInitiatorMaskingGroup",
    .personality = SIM_GROUP,
    .role1 = "Antecedent",
    .role2 = "Dependent",
    .each = assoc_ig_each,
};
const struct sim_class sim_class_atg = {
    .name = "SIM_AssociatedTargetMaskingGroup",
    .super = "CIM_AssociatedTargetMaskingGroup",
    .personality = SIM_GROUP,
    .role1 = "Antecedent",
    .role2 = "Dependent",
    .each = assoc_tg_each,
};
const struct sim_class sim_class_adg = {
    .name = "SIM_AssociatedDeviceMaskingGroup",
    .super = "CIM_AssociatedDeviceMaskingGroup",
    .personality = SIM_GROUP,
    .role1 = "Antecedent",
    .role2 = "Dependent",
    .each = assoc_dg_each,
};
const struct sim_class sim_class_pcfu = {
    .name = "SIM_ProtocolControllerForUnit",
    .super = "CIM_ProtocolControllerForUnit",
    .personality = -1,
    .role1 = "Antecedent",
    .role2 = "Dependent",
    .each = pcfu_each,
};
const struct sim_class sim_class_pcfp = {
    .name = "SIM_ProtocolControllerForPort",
    .super = "CIM_ProtocolControllerForPort",
    .personality = -1,
    .role1 = "Antecedent",
    .role2 = "Dependent",
    .each = pcfp_each,
};
const struct sim_class sim_class_priv = {
    .name = "SIM_AuthorizedPrivilege",
    .super = "CIM_AuthorizedPrivilege",
    .personality = SIM_LEGACY,
    .each = privilege_each,
};
const struct sim_class sim_class_atarget = {
    .name = "SIM_AuthorizedTarget",
    .super = "CIM_AuthorizedTarget",
    .personality = SIM_LEGACY,
    .role1 = "Privilege",
    .role2 = "TargetElement",
    .each = auth_target_each,
};
const struct sim_class sim_class_asubject = {
    .name = "SIM_AuthorizedSubject",
    .super = "CIM_AuthorizedSubject",
    .personality = SIM_LEGACY,
    .role1 = "Privilege",
    .role2 = "PrivilegedElement",
    .each = auth_subject_each,
};
const struct sim_class sim_class_affected = {
    .name = "SIM_AffectedJobElement",
    .super = "CIM_AffectedJobElement",
    .personality = -1,
    .role1 = "AffectedElement",
    .role2 = "AffectingElement",
    .each = affected_each,
};
