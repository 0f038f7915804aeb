/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd/smis-sim/ports.c: the FC Target Ports and iSCSI Target Ports profiles:
 * the endpoints, the iSCSI node and portal, and how they are reached. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "common/cmd.h"
#include "sim.h"

/*
 * The model has two target ports, "fc0" and "iscsi0" (what target masking
 * groups hold).  SMI-S models each as several objects, reached as SNIA's
 * FC Target Ports and iSCSI Target Ports profiles say and as clients such
 * as libstoragemgmt walk them:
 *
 *   system -SystemDevice-> FCPort fc0 -DeviceSAPImplementation->
 *       SCSIProtocolEndpoint (Name: the port's WWPN, ConnectionType FC)
 *   system -HostedAccessPoint-> SCSIProtocolEndpoint, iSCSIProtocolEndpoint
 *       (the portal group), TCPProtocolEndpoint, IPProtocolEndpoint
 *   iSCSIProtocolEndpoint -BindsTo- TCPProtocolEndpoint (port 3260)
 *       -BindsTo- IPProtocolEndpoint (the address smis-sim listens on)
 *   system -SystemDevice-> SCSIProtocolController: the iSCSI node (Name:
 *       the target's IQN, NameFormat iSCSI Name)
 *   iSCSI node, and each masking view, -SAPAvailableForElement->
 *       the endpoints it is reached through
 *
 * A protocol endpoint is a CIM_ServiceAccessPoint: neither SystemDevice
 * (a CIM_LogicalDevice) nor ProtocolControllerForPort (a CIM_LogicalPort)
 * may point at one.
 */

#define FC_WWPN "500601603BA00001"

static sp_cim_path *system_sap(struct sim *s, const char *cls, const char *name)
{
    sp_cim_path *p = sim_path(s, cls, false);
    sim_key_str(p, "CreationClassName", cls);
    sim_key_str(p, "Name", name);
    sim_key_str(p, "SystemCreationClassName", "SIM_StorageSystem");
    sim_key_str(p, "SystemName", s->system);
    return p;
}

sp_cim_path *sim_fc_endpoint_path(struct sim *s)
{
    return system_sap(s, "SIM_SCSIProtocolEndpoint", FC_WWPN);
}

static sp_cim_path *tcp_path(struct sim *s)
{
    return system_sap(s, "SIM_TCPProtocolEndpoint", "iscsi0+tcp");
}

static sp_cim_path *ip_path(struct sim *s)
{
    return system_sap(s, "SIM_IPProtocolEndpoint", "iscsi0+ip");
}

sp_cim_path *sim_iscsi_node_path(struct sim *s)
{
    sp_cim_path *p = sim_path(s, "SIM_iSCSIProtocolController", false);
    sim_key_str(p, "CreationClassName", "SIM_iSCSIProtocolController");
    sim_key_str(p, "DeviceID", "iscsi0+node");
    sim_key_str(p, "SystemCreationClassName", "SIM_StorageSystem");
    sim_key_str(p, "SystemName", s->system);
    return p;
}

char *sim_iscsi_iqn(struct sim *s)
{
    return cmd_xasprintf("iqn.2026-11.net.sanprov:sim.%s", s->system);
}

const char *sim_fc_wwpn(void)
{
    return FC_WWPN;
}

/* The endpoint hosts reach target port @id ("fc0", "iscsi0") through. */
sp_cim_path *sim_endpoint_path(struct sim *s, const char *id)
{
    return strcmp(id, "fc0") == 0 ? sim_fc_endpoint_path(s)
                                  : sim_port_path(s, "iscsi0");
}

/* The portal's address: the one smis-sim listens on when that is a
 * usable IPv4 address, else the loopback. */
static void portal_address(const struct sim *s, char out[INET_ADDRSTRLEN])
{
    struct in_addr a;
    if (inet_pton(AF_INET, s->host, &a) == 1 && a.s_addr != INADDR_ANY)
        snprintf(out, INET_ADDRSTRLEN, "%s", s->host);
    else
        snprintf(out, INET_ADDRSTRLEN, "127.0.0.1");
}

/* ---- the objects ---- */

static void fc_endpoint_each(struct sim *s, uint64_t from, sim_emit_fn fn,
                             void *ud)
{
    if (from > 0)
        return;
    sp_cim_instance *i = sim_from_path(sim_fc_endpoint_path(s));
    sim_set_str(i, "ElementName", "fc0");
    sim_set_u16(i, "ConnectionType", 2);  /* Fibre Channel */
    sim_set_u16(i, "Role", 3);            /* target */
    sim_set_u16(i, "ProtocolIFType", 56); /* Fibre Channel */
    sim_set_u16(i, "EnabledState", 2);
    sim_set_ok(i);
    fn(i, 1, ud);
}

static void tcp_each(struct sim *s, uint64_t from, sim_emit_fn fn, void *ud)
{
    if (from > 0)
        return;
    sp_cim_instance *i = sim_from_path(tcp_path(s));
    sim_set_str(i, "ElementName", "iscsi0 portal port");
    sim_set_u32(i, "PortNumber", 3260);
    sim_set_u16(i, "ProtocolIFType", 4111); /* TCP */
    sim_set_u16(i, "EnabledState", 2);
    sim_set_ok(i);
    fn(i, 1, ud);
}

static void ip_each(struct sim *s, uint64_t from, sim_emit_fn fn, void *ud)
{
    if (from > 0)
        return;
    char addr[INET_ADDRSTRLEN];
    portal_address(s, addr);
    sp_cim_instance *i = sim_from_path(ip_path(s));
    sim_set_str(i, "ElementName", "iscsi0 portal address");
    sim_set_str(i, "IPv4Address", addr);
    sim_set_str(i, "SubnetMask", "255.255.255.0");
    sim_set_u16(i, "ProtocolIFType", 4096); /* IPv4 */
    sim_set_u16(i, "EnabledState", 2);
    sim_set_ok(i);
    fn(i, 1, ud);
}

static void node_each(struct sim *s, uint64_t from, sim_emit_fn fn, void *ud)
{
    if (from > 0)
        return;
    char *iqn = sim_iscsi_iqn(s);
    sp_cim_instance *i = sim_from_path(sim_iscsi_node_path(s));
    sim_set_str(i, "ElementName", iqn);
    sim_set_str(i, "Name", iqn);
    sim_set_u16(i, "NameFormat", 3); /* iSCSI Name */
    sim_set_u32(i, "MaxUnitsControlled", 0);
    sim_set_ok(i);
    free(iqn);
    fn(i, 1, ud);
}

/* ---- the associations ---- */

static sp_cim_instance *assoc2(struct sim *s, const char *cls, const char *r1,
                               sp_cim_path *p1, const char *r2, sp_cim_path *p2)
{
    sp_cim_path *p = sim_path(s, cls, false);
    sp_cim_path_set_key(p, r1, sp_cim_value_take_ref(p1));
    sp_cim_path_set_key(p, r2, sp_cim_value_take_ref(p2));
    return sim_from_path(p);
}

/* The access points the system hosts: FC endpoint, iSCSI portal group,
 * TCP and IP endpoints. */
static void hosted_ap_each(struct sim *s, uint64_t from, sim_emit_fn fn,
                           void *ud)
{
    for (uint64_t k = from; k < 4; k++) {
        sp_cim_path *d = k == 0   ? sim_fc_endpoint_path(s)
                         : k == 1 ? sim_port_path(s, "iscsi0")
                         : k == 2 ? tcp_path(s)
                                  : ip_path(s);
        if (fn(assoc2(s, "SIM_HostedAccessPoint", "Antecedent",
                      sim_system_path(s), "Dependent", d),
               k + 1, ud))
            return;
    }
}

static void device_sap_each(struct sim *s, uint64_t from, sim_emit_fn fn,
                            void *ud)
{
    if (from > 0)
        return;
    fn(assoc2(s, "SIM_DeviceSAPImplementation", "Antecedent",
              sim_port_path(s, "fc0"), "Dependent", sim_fc_endpoint_path(s)),
       1, ud);
}

/* The layers: iSCSI over TCP over IP (Antecedent the lower one). */
static void binds_each(struct sim *s, uint64_t from, sim_emit_fn fn, void *ud)
{
    if (from < 1 && fn(assoc2(s, "SIM_BindsTo", "Antecedent", tcp_path(s),
                              "Dependent", sim_port_path(s, "iscsi0")),
                       1, ud))
        return;
    if (from < 2)
        fn(assoc2(s, "SIM_BindsTo", "Antecedent", ip_path(s), "Dependent",
                  tcp_path(s)),
           2, ud);
}

/* Position 1: the iSCSI node and its portal group; then per view (index
 * i) its endpoints, 2 + 2i + k: the target group's, or every one in the
 * legacy personality. */
static void sap_available_each(struct sim *s, uint64_t from, sim_emit_fn fn,
                               void *ud)
{
    static const char *const ports[] = {"iscsi0", "fc0"};
    if (from < 1 && fn(assoc2(s, "SIM_SAPAvailableForElement", "AvailableSAP",
                              sim_port_path(s, "iscsi0"), "ManagedElement",
                              sim_iscsi_node_path(s)),
                       1, ud))
        return;
    uint64_t start = from > 1 ? from - 1 : 0;
    for (size_t i = start / 2; i < s->nviews; i++) {
        const struct sim_view *v = &s->views[i];
        struct sim_group *tg = v->tmg ? sim_group_find(s, v->tmg) : NULL;
        for (size_t k = i == start / 2 ? start % 2 : 0; k < 2; k++) {
            if (tg && !sim_strlist_has(&tg->members, ports[k]))
                continue;
            if (fn(assoc2(s, "SIM_SAPAvailableForElement", "AvailableSAP",
                          sim_endpoint_path(s, ports[k]), "ManagedElement",
                          sim_view_path(s, v)),
                   2 + i * 2 + k, ud))
                return;
        }
    }
}

/* ---- the table entries ---- */

const struct sim_class sim_class_fcpep = {
    .name = "SIM_SCSIProtocolEndpoint",
    .super = "CIM_SCSIProtocolEndpoint",
    .personality = -1,
    .each = fc_endpoint_each,
};
const struct sim_class sim_class_tcp = {
    .name = "SIM_TCPProtocolEndpoint",
    .super = "CIM_TCPProtocolEndpoint",
    .personality = -1,
    .each = tcp_each,
};
const struct sim_class sim_class_ip = {
    .name = "SIM_IPProtocolEndpoint",
    .super = "CIM_IPProtocolEndpoint",
    .personality = -1,
    .each = ip_each,
};
const struct sim_class sim_class_node = {
    .name = "SIM_iSCSIProtocolController",
    .super = "CIM_SCSIProtocolController",
    .personality = -1,
    .each = node_each,
};
const struct sim_class sim_class_hap = {
    .name = "SIM_HostedAccessPoint",
    .super = "CIM_HostedAccessPoint",
    .personality = -1,
    .role1 = "Antecedent",
    .role2 = "Dependent",
    .each = hosted_ap_each,
};
const struct sim_class sim_class_dsap = {
    .name = "SIM_DeviceSAPImplementation",
    .super = "CIM_DeviceSAPImplementation",
    .personality = -1,
    .role1 = "Antecedent",
    .role2 = "Dependent",
    .each = device_sap_each,
};
const struct sim_class sim_class_binds = {
    .name = "SIM_BindsTo",
    .super = "CIM_BindsTo",
    .personality = -1,
    .role1 = "Antecedent",
    .role2 = "Dependent",
    .each = binds_each,
};
const struct sim_class sim_class_sapafe = {
    .name = "SIM_SAPAvailableForElement",
    .super = "CIM_SAPAvailableForElement",
    .personality = -1,
    .role1 = "AvailableSAP",
    .role2 = "ManagedElement",
    .each = sap_available_each,
};
