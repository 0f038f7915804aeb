/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd/smis-sim/interop.c: the Server profile (DSP1071, SMI-S Server): the
 * object manager, the namespaces it serves and its CIM-XML mechanism. */
#include <stdio.h>
#include <string.h>

#include "common/cmd.h"
#include "sim.h"

/*
 * The object manager is hosted by the array's system (an embedded
 * provider, as arrays that run their own SMI-S server register it) and
 * lives in the interop namespace with what describes it.  pywbem's
 * WBEMServer (pywbemcli "server brand", "server info", "namespace list")
 * reads its brand from ElementName and its version from the end of
 * Description ("... version X.Y.Z"), and the namespaces from the Name of
 * each CIM_Namespace.
 */

#define OM_CLASS   "SIM_ObjectManager"
#define COMM_CLASS "SIM_ObjectManagerCommunicationMechanism"
#define NS_CLASS   "SIM_Namespace"

/* The keys of a service or access point of the array's system. */
static sp_cim_path *hosted_path(struct sim *s, const char *cls,
                                const char *name)
{
    sp_cim_path *p = sim_path(s, cls, true);
    sim_key_str(p, "SystemCreationClassName", "SIM_StorageSystem");
    sim_key_str(p, "SystemName", s->system);
    sim_key_str(p, "CreationClassName", cls);
    sim_key_str(p, "Name", name);
    return p;
}

static char *om_name(const struct sim *s)
{
    return cmd_xasprintf("smis-sim:%s", s->system);
}

sp_cim_path *sim_object_manager_path(struct sim *s)
{
    char *name = om_name(s);
    sp_cim_path *p = hosted_path(s, OM_CLASS, name);
    free(name);
    return p;
}

static sp_cim_path *comm_path(struct sim *s)
{
    return hosted_path(s, COMM_CLASS, "CIM-XML");
}

/* The namespaces served, interop first. */
static const char *const namespaces[] = {SIM_INTEROP, SIM_NS};

static sp_cim_path *namespace_path(struct sim *s, const char *ns)
{
    char *name = om_name(s);
    sp_cim_path *p = sim_path(s, NS_CLASS, true);
    sim_key_str(p, "SystemCreationClassName", "SIM_StorageSystem");
    sim_key_str(p, "SystemName", s->system);
    sim_key_str(p, "ObjectManagerCreationClassName", OM_CLASS);
    sim_key_str(p, "ObjectManagerName", name);
    sim_key_str(p, "CreationClassName", NS_CLASS);
    sim_key_str(p, "Name", ns);
    free(name);
    return p;
}

/* An association of two paths (both taken). */
static sp_cim_instance *assoc(struct sim *s, const char *cls, const char *r1,
                              sp_cim_path *p1, const char *r2, sp_cim_path *p2)
{
    sp_cim_path *p = sim_path(s, cls, true);
    sp_cim_path_set_key(p, r1, sp_cim_value_take_ref(p1));
    sp_cim_path_set_key(p, r2, sp_cim_value_take_ref(p2));
    return sim_from_path(p);
}

/* ---- the instances ---- */

static void object_manager_each(struct sim *s, uint64_t from, sim_emit_fn fn,
                                void *ud)
{
    if (from > 0)
        return;
    sp_cim_instance *i = sim_from_path(sim_object_manager_path(s));
    sim_set_str(i, "ElementName", "smis-sim");
    char *desc = cmd_xasprintf("smis-sim (sanprov), a simulated SMI-S array, "
                               "version %s",
                               sp_version());
    sim_set_str(i, "Description", desc);
    free(desc);
    sim_set_bool(i, "GatherStatisticalData", false);
    sim_set_bool(i, "Started", true);
    sim_set_u16(i, "EnabledState", 2);
    sim_set_ok(i);
    fn(i, 1, ud);
}

static void comm_each(struct sim *s, uint64_t from, sim_emit_fn fn, void *ud)
{
    if (from > 0)
        return;
    sp_cim_instance *i = sim_from_path(comm_path(s));
    sim_set_str(i, "ElementName", "CIM-XML over HTTP");
    sim_set_u16(i, "CommunicationMechanism", 2); /* CIM-XML */
    /* DSP0200's functional profiles: Basic Read, Association Traversal,
     * and with the pull operations Pulled Read and Pulled Query
     * Execution (OpenQueryInstances). */
    uint16_t profiles[4] = {2, 6};
    const char *names[4] = {"Basic Read", "Association Traversal"};
    size_t n = 2;
    if (!s->o.no_pull) {
        profiles[n] = 10;
        names[n++] = "Pulled Read";
        if (!s->o.no_query) {
            profiles[n] = 12;
            names[n++] = "Pulled Query Execution";
        }
    }
    sim_set_u16s(i, "FunctionalProfilesSupported", profiles, n);
    sp_cim_value *d = sp_cim_value_new_array(SP_CIM_STRING);
    for (size_t k = 0; k < n; k++)
        sp_cim_value_append(d,
                            sp_cim_value_new_string(SP_CIM_STRING, names[k]));
    sp_cim_instance_set(i, "FunctionalProfileDescriptions", d);
    sim_set_bool(i, "MultipleOperationsSupported", false);
    uint16_t auth = s->o.user ? 3 : 2; /* Basic : None */
    sim_set_u16s(i, "AuthenticationMechanismsSupported", &auth, 1);
    sim_set_str(i, "Version", "1.3.1"); /* DSP0200: pull operations */
    static const uint16_t not_advertised[] = {2};
    sim_set_u16s(i, "AdvertiseTypes", not_advertised, 1);
    sim_set_u16(i, "EnabledState", 2);
    sim_set_ok(i);
    fn(i, 1, ud);
}

static void namespace_each(struct sim *s, uint64_t from, sim_emit_fn fn,
                           void *ud)
{
    for (size_t k = from; k < CMD_COUNT(namespaces); k++) {
        sp_cim_instance *i = sim_from_path(namespace_path(s, namespaces[k]));
        sim_set_str(i, "ElementName", namespaces[k]);
        /* ClassInfo (deprecated, yet Required) knows CIM up to 2.6:
         * Other, described. */
        sim_set_u16(i, "ClassInfo", 1);
        sim_set_str(i, "DescriptionOfClassInfo", "DMTF CIM Schema 2.49.0");
        sim_set_u16(i, "ClassType", 2); /* CIM */
        sim_set_str(i, "ClassTypeVersion", "2.49.0");
        if (fn(i, k + 1, ud))
            return;
    }
}

static void ns_in_manager_each(struct sim *s, uint64_t from, sim_emit_fn fn,
                               void *ud)
{
    for (size_t k = from; k < CMD_COUNT(namespaces); k++)
        if (fn(assoc(s, "SIM_NamespaceInManager", "Antecedent",
                     sim_object_manager_path(s), "Dependent",
                     namespace_path(s, namespaces[k])),
               k + 1, ud))
            return;
}

static void comm_for_manager_each(struct sim *s, uint64_t from, sim_emit_fn fn,
                                  void *ud)
{
    if (from > 0)
        return;
    fn(assoc(s, "SIM_CommMechanismForManager", "Antecedent",
             sim_object_manager_path(s), "Dependent", comm_path(s)),
       1, ud);
}

static void hosted_om_each(struct sim *s, uint64_t from, sim_emit_fn fn,
                           void *ud)
{
    if (from > 0)
        return;
    fn(assoc(s, "SIM_HostedObjectManager", "Antecedent", sim_system_path(s),
             "Dependent", sim_object_manager_path(s)),
       1, ud);
}

/* ---- the table entries ---- */

const struct sim_class sim_class_objmgr = {
    .name = OM_CLASS,
    .super = "CIM_ObjectManager",
    .interop = true,
    .personality = -1,
    .each = object_manager_each,
};
const struct sim_class sim_class_comm = {
    .name = COMM_CLASS,
    .super = "CIM_ObjectManagerCommunicationMechanism",
    .interop = true,
    .personality = -1,
    .each = comm_each,
};
const struct sim_class sim_class_namespace = {
    .name = NS_CLASS,
    .super = "CIM_Namespace",
    .interop = true,
    .personality = -1,
    .each = namespace_each,
};
const struct sim_class sim_class_nsinmgr = {
    .name = "SIM_NamespaceInManager",
    .super = "CIM_NamespaceInManager",
    .interop = true,
    .personality = -1,
    .role1 = "Antecedent",
    .role2 = "Dependent",
    .each = ns_in_manager_each,
};
const struct sim_class sim_class_commformgr = {
    .name = "SIM_CommMechanismForManager",
    .super = "CIM_CommMechanismForManager",
    .interop = true,
    .personality = -1,
    .role1 = "Antecedent",
    .role2 = "Dependent",
    .each = comm_for_manager_each,
};
/* CIM_HostedService of the object manager: in interop, beside it (the
 * array's services' SIM_HostedService is in the array's namespace). */
const struct sim_class sim_class_hostedom = {
    .name = "SIM_HostedObjectManager",
    .super = "CIM_HostedService",
    .interop = true,
    .personality = -1,
    .role1 = "Antecedent",
    .role2 = "Dependent",
    .each = hosted_om_each,
};
