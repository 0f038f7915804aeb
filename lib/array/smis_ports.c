/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/array/smis_ports.c: how hosts reach an SMI-S array: its target ports
 * (CIM_FCPort, CIM_iSCSIProtocolEndpoint and its iSCSI node), read once per
 * handle. */
#include "smis.h"

static bool iscsi_name(const char *s)
{
    return s && (strncmp(s, "iqn.", 4) == 0 || strncmp(s, "eui.", 4) == 0 ||
                 strncmp(s, "naa.", 4) == 0);
}

static bool target_role(const sp_cim_instance *i)
{
    const sp_cim_value *role = sp_cim_instance_get(i, "Role");
    uint64_t r = 0;
    return !role || (sp_cim_value_get_uint(role, &r) && r == 3);
}

/* Keep the iSCSI name of the first iSCSI node: a SCSIProtocolController
 * whose NameFormat is 3 (iSCSI Name). */
static int keep_node_name(sp_cim_instance *i, void *ud)
{
    char **iqn = ud;
    const char *name = sp_cim_value_get_string(sp_cim_instance_get(i, "Name"));
    uint64_t format = 0;
    if (!*iqn && iscsi_name(name) &&
        sp_cim_value_get_uint(sp_cim_instance_get(i, "NameFormat"), &format) &&
        format == 3)
        *iqn = spi_xstrdup(name);
    sp_cim_instance_free(i);
    return 0;
}

/*
 * The array's iSCSI target name.  SNIA's iSCSI Target Ports profile keeps
 * it on the iSCSI node, the SCSIProtocolController a target portal group
 * (CIM_iSCSIProtocolEndpoint, role target) is available to through
 * CIM_SAPAvailableForElement, as libstoragemgmt reads it.  A provider
 * without nodes may give it as the endpoint's Name or ElementName.
 */
static sp_code find_iqn(sp_array *a, char **iqn)
{
    struct smis *s = smis_of(a);
    static const char *const props[] = {"Name", "ElementName", "Role", NULL};
    static const char *const node_props[] = {"Name", "NameFormat", NULL};
    struct smis_list l = {0};
    if (sp_cim_enumerate_instances(s->c, s->ns, "CIM_iSCSIProtocolEndpoint",
                                   props, 0, smis_keep_instance, &l))
        return smis_fail_freeing(a, &l, smis_list_free_instances);
    sp_code rc = SP_OK;
    for (size_t k = 0; !rc && !*iqn && k < l.n; k++)
        if (target_role(l.v[k]) &&
            sp_cim_associators(s->c, sp_cim_instance_path(l.v[k]),
                               "CIM_SAPAvailableForElement",
                               "CIM_SCSIProtocolController", NULL, NULL,
                               node_props, 0, keep_node_name, iqn))
            rc = smis_fail(a);
    for (size_t k = 0; !rc && !*iqn && k < l.n; k++) {
        const char *name = sp_cim_instance_get_string(l.v[k], "Name");
        const char *ename = sp_cim_instance_get_string(l.v[k], "ElementName");
        if (target_role(l.v[k]) && (iscsi_name(name) || iscsi_name(ename)))
            *iqn = spi_xstrdup(iscsi_name(name) ? name : ename);
    }
    smis_list_free_instances(&l);
    return rc;
}

static int count_path(sp_cim_path *p, void *ud)
{
    (*(size_t *)ud)++;
    sp_cim_path_free(p);
    return 0;
}

static sp_code find_ports(sp_array *a)
{
    struct smis *s = smis_of(a);
    size_t nfc = 0;
    if (sp_cim_enumerate_instance_names(s->c, s->ns, "CIM_FCPort", 0,
                                        count_path, &nfc))
        return smis_fail(a);
    char *iqn = NULL;
    sp_code rc = find_iqn(a, &iqn);
    if (rc) {
        free(iqn);
        return rc;
    }
    s->connectivity = (nfc ? SP_CONNECT_FC : 0) | (iqn ? SP_CONNECT_ISCSI : 0);
    s->iscsi_iqn = iqn;
    s->have_ports = true;
    return SP_OK;
}

static sp_code read_ports(sp_array *a)
{
    if (smis_of(a)->have_ports)
        return SP_OK;
    sp_code rc = smis_discover(a);
    if (rc)
        return rc;
    smis_shared_lock(a);
    if (!smis_shared_take(a, SMIS_FACT_PORTS) && !(rc = find_ports(a)))
        smis_shared_give(a, SMIS_FACT_PORTS);
    smis_shared_unlock(a);
    return rc;
}

sp_code smis_connectivity(sp_array *a, unsigned int *out)
{
    sp_code rc = read_ports(a);
    *out = rc ? 0 : smis_of(a)->connectivity;
    return rc;
}

sp_code smis_iscsi_target(sp_array *a, const sp_mask_target *t, char **portal,
                          char **iqn)
{
    sp_code rc = read_ports(a);
    if (rc)
        return rc;
    struct smis *s = smis_of(a);
    if (!s->iscsi_iqn)
        return spi_array_fail(a, SP_ERR_NOT_SUPPORTED,
                              "array '%s' has no iSCSI target ports", a->name);
    const char *p = sp_config_get(a->cfg, "array", a->name, "iscsi-portal");
    if (!p)
        return spi_array_fail(a, SP_ERR_PRECONDITION,
                              "array '%s' has iSCSI target '%s', but the "
                              "configuration gives no iscsi-portal for hosts "
                              "to reach it at (see sanprov.conf(5))",
                              a->name, s->iscsi_iqn);
    *portal = spi_xstrdup(p);
    *iqn = spi_xstrdup(s->iscsi_iqn);
    return SP_OK;
}
