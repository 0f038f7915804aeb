/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/array/smis_gmm.c: SMI-S Group Masking and Mapping: views and their
 * initiator, target and device groups. */
#include "smis_mask.h"

static sp_code gmms_call(sp_array *a, const char *method, sp_cim_args *in,
                         const char *what, sp_cim_args **out)
{
    const sp_cim_path *gmms;
    sp_code rc = smis_service(a, SMIS_GMMS, &gmms);
    if (!rc && !gmms)
        rc = spi_array_fail(a, SP_ERR_NOT_SUPPORTED,
                            "array '%s' has no group masking service", a->name);
    sp_cim_args *o = NULL;
    if (!rc)
        rc = smis_invoke(a, gmms, method, in, what, &o, NULL);
    sp_cim_args_free(in);
    if (out)
        *out = o;
    else
        sp_cim_args_free(o);
    return rc;
}

sp_cim_value *smis_refs(sp_cim_path *const *paths, size_t n)
{
    sp_cim_value *arr = sp_cim_value_new_array(SP_CIM_REFERENCE);
    for (size_t i = 0; i < n; i++)
        if (paths[i])
            sp_cim_value_append(arr, sp_cim_value_new_ref(paths[i]));
    return arr;
}

static sp_code create_group(sp_array *a, const char *name, uint16_t type,
                            sp_cim_path *const *members, size_t n,
                            sp_cim_path **out)
{
    sp_cim_args *in = sp_cim_args_new(), *o = NULL;
    sp_cim_args_set(in, "GroupName",
                    sp_cim_value_new_string(SP_CIM_STRING, name));
    sp_cim_args_set(in, "Type", sp_cim_value_new_uint(SP_CIM_UINT16, type));
    sp_cim_args_set(in, "Members", smis_refs(members, n));
    sp_code rc =
        gmms_call(a, "CreateGroup", in, "creating a masking group", &o);
    const sp_cim_path *g =
        rc ? NULL : sp_cim_value_get_ref(sp_cim_args_get(o, "MaskingGroup"));
    *out = g ? sp_cim_path_copy(g) : NULL;
    sp_cim_args_free(o);
    if (!rc && !*out)
        rc = spi_array_fail(a, SP_ERR_PROTOCOL, "CreateGroup named no group");
    return rc;
}

static sp_code delete_group(sp_array *a, const sp_cim_path *g)
{
    if (!g)
        return SP_OK;
    sp_cim_args *in = sp_cim_args_new();
    sp_cim_args_set(in, "MaskingGroup", sp_cim_value_new_ref(g));
    sp_cim_args_set(in, "Force", sp_cim_value_new_bool(true));
    return gmms_call(a, "DeleteGroup", in, "removing a masking group", NULL);
}

static sp_code delete_view(sp_array *a, const sp_cim_path *spc)
{
    sp_cim_args *in = sp_cim_args_new();
    sp_cim_args_set(in, "ProtocolController", sp_cim_value_new_ref(spc));
    return gmms_call(a, "DeleteMaskingView", in, "removing a masking view",
                     NULL);
}

/* Did this driver make @obj (a view, group or hardware ID)?  Its
 * ElementName says so; *@name gets it then (a hardware ID's StorageID
 * when it has one), else NULL.  Anything else is not ours: what an
 * administrator made is never removed.  Fails when @obj cannot be read. */
static sp_code our_name(sp_array *a, const sp_cim_path *obj, char **name)
{
    static const char *const props[] = {"ElementName", "StorageID", NULL};
    sp_cim_instance *i = NULL;
    *name = NULL;
    if (!obj)
        return SP_OK;
    if (sp_cim_get_instance(smis_of(a)->c, obj, props, 0, &i))
        return smis_fail(a);
    const char *en = sp_cim_instance_get_string(i, "ElementName");
    const char *sid = sp_cim_instance_get_string(i, "StorageID");
    if (en && strncmp(en, OURS, strlen(OURS)) == 0)
        *name = spi_xstrdup(sid ? sid : en);
    sp_cim_instance_free(i);
    return SP_OK;
}

/* Did @rc say that the object is gone (another run removed it)? */
static bool gone(const sp_array *a, sp_code rc)
{
    return rc && a->err.cim_status == SP_CIM_ERR_NOT_FOUND;
}

/* @kind @name (NULL: @kind says it all) could not be removed, for the
 * reason in a->err. */
static void left_add(sp_array *a, struct smis_left *l, const char *kind,
                     const char *name)
{
    if (!l)
        return;
    if (!l->n++)
        l->first = a->err;
    if (l->len < sizeof(l->what))
        l->len += (size_t)snprintf(l->what + l->len, sizeof(l->what) - l->len,
                                   name ? "%s%s '%s'" : "%s%s",
                                   l->len ? ", " : "", kind, name);
}

sp_code smis_left_report(sp_array *a, const struct smis_left *l)
{
    if (!l->n)
        return SP_OK;
    return spi_array_fail(a, SP_ERR_CLEANUP,
                          "the LUNs are unmasked, but array '%s' kept %s: %s",
                          a->name, l->what, l->first.message);
}

/* Remove @kind @obj when this driver made it; what cannot go is added to
 * @left.  True when it is gone. */
static bool drop_ours(sp_array *a, const char *kind, const sp_cim_path *obj,
                      sp_code (*drop)(sp_array *, const sp_cim_path *),
                      struct smis_left *left)
{
    SPI_AUTOFREE char *name = NULL;
    sp_code rc;
    if (!obj)
        return true;
    if ((rc = our_name(a, obj, &name))) {
        if (!gone(a, rc))
            left_add(a, left, kind, "(could not be read)");
        return gone(a, rc);
    }
    if (!name)
        return false;
    if ((rc = drop(a, obj)) && !gone(a, rc)) {
        left_add(a, left, kind, name);
        return false;
    }
    return true;
}

/*
 * Groups named as smis_gm_new_view() names the host's, left by an earlier run
 * whose answer was lost (the group was made, the run failed): they are in
 * no view, so nothing uses them, and they would stop every later attempt
 * with "already exists".  Remove them; a group of that name that is in a
 * view is left alone (CreateGroup then says why it fails).
 */
static sp_code clear_stale_groups(sp_array *a, const char *base,
                                  struct smis_left *left)
{
    static const char *const props[] = {"ElementName", NULL};
    struct smis *s = smis_of(a);
    struct smis_list l = {0};
    if (sp_cim_enumerate_instances(s->c, s->ns, "CIM_MaskingGroup", props, 0,
                                   smis_keep_instance, &l))
        return smis_fail_freeing(a, &l, smis_list_free_instances);
    size_t blen = strlen(base);
    sp_code rc = SP_OK;
    for (size_t i = 0; !rc && i < l.n; i++) {
        const char *name = sp_cim_instance_get_string(l.v[i], "ElementName");
        if (!name || strncmp(name, base, blen) != 0 ||
            (!SPI_STREQ(name + blen, "-ig") && !SPI_STREQ(name + blen, "-tg") &&
             !SPI_STREQ(name + blen, "-dg")))
            continue;
        const sp_cim_path *g = sp_cim_instance_path(l.v[i]);
        sp_cim_path *view = NULL;
        rc = smis_first_assoc(a, g, NULL, "CIM_SCSIProtocolController", &view);
        if (!rc && !view) {
            sp_log(SP_LOG_INFO,
                   "array %s: removing masking group '%s', which is in no "
                   "view",
                   a->name, name);
            sp_code d = delete_group(a, g);
            if (d && !gone(a, d))
                left_add(a, left, "masking group", name);
        }
        sp_cim_path_free(view);
    }
    smis_list_free_instances(&l);
    return rc;
}

/*
 * A target group holds endpoints (SNIA's Group Masking and Mapping): an FC
 * port's is the CIM_SCSIProtocolEndpoint its CIM_DeviceSAPImplementation
 * leads to (VMAX's Symm_FCSCSIProtocolEndpoint).  A provider that has
 * none keeps the port itself in the group.
 */
static sp_code fc_endpoints(sp_array *a, struct smis_list *ports)
{
    sp_code rc = SP_OK;
    for (size_t i = 0; !rc && i < ports->n; i++) {
        sp_cim_path *pep = NULL;
        rc = smis_first_assoc(a, ports->v[i], "CIM_DeviceSAPImplementation",
                              "CIM_SCSIProtocolEndpoint", &pep);
        if (pep) {
            sp_cim_path_free(ports->v[i]);
            ports->v[i] = pep;
        }
    }
    return rc;
}

/* The target endpoints hosts of this connectivity reach the array
 * through. */
static sp_code target_ports(sp_array *a, bool fc, struct smis_list *out)
{
    struct smis *s = smis_of(a);
    const char *cls = fc ? "CIM_FCPort" : "CIM_iSCSIProtocolEndpoint";
    if (sp_cim_enumerate_instance_names(s->c, s->ns, cls, 0, smis_keep_path,
                                        out))
        return smis_fail(a);
    sp_code rc = fc ? fc_endpoints(a, out) : SP_OK;
    if (rc)
        return rc;
    if (!out->n)
        return spi_array_fail(a, SP_ERR_PRECONDITION,
                              "array '%s' has no %s target ports", a->name,
                              fc ? "FC" : "iSCSI");
    return SP_OK;
}

/* Make a new view for the host, with the volumes in it. */
sp_code smis_gm_new_view(sp_array *a, const sp_mask_target *t, struct hwids *h,
                         sp_cim_path *const *vols, size_t n, bool clear_stale,
                         sp_cim_path **spc)
{
    struct smis_list ports = {0};
    sp_cim_path *ig = NULL, *tg = NULL, *dg = NULL;
    SPI_AUTOFREE char *base = spi_xasprintf(OURS "%s", t->name);
    SPI_AUTOFREE char *igname = spi_xasprintf("%s-ig", base);
    SPI_AUTOFREE char *tgname = spi_xasprintf("%s-tg", base);
    SPI_AUTOFREE char *dgname = spi_xasprintf("%s-dg", base);
    sp_code rc = target_ports(a, t->fc, &ports);
    if (!rc && clear_stale)
        rc = clear_stale_groups(a, base, NULL);
    if (!rc)
        rc = create_group(a, igname, 2, h->paths, t->ninitiators, &ig);
    if (!rc)
        rc = create_group(a, tgname, 3, (sp_cim_path *const *)ports.v, ports.n,
                          &tg);
    if (!rc)
        rc = create_group(a, dgname, 4, vols, n, &dg);
    sp_cim_args *o = NULL;
    if (!rc) {
        sp_cim_args *in = sp_cim_args_new();
        sp_cim_args_set(in, "ElementName",
                        sp_cim_value_new_string(SP_CIM_STRING, base));
        sp_cim_args_set(in, "InitiatorMaskingGroup", sp_cim_value_new_ref(ig));
        sp_cim_args_set(in, "TargetMaskingGroup", sp_cim_value_new_ref(tg));
        sp_cim_args_set(in, "DeviceMaskingGroup", sp_cim_value_new_ref(dg));
        rc = gmms_call(a, "CreateMaskingView", in, "creating a masking view",
                       &o);
    }
    const sp_cim_path *v =
        rc ? NULL
           : sp_cim_value_get_ref(sp_cim_args_get(o, "ProtocolController"));
    *spc = v ? sp_cim_path_copy(v) : NULL;
    sp_cim_args_free(o);
    if (!rc && !*spc)
        rc = spi_array_fail(a, SP_ERR_PROTOCOL,
                            "CreateMaskingView named no view");
    if (rc && rc != SP_ERR_JOB_TIMEOUT) {
        /* Leave nothing half-made: undo in reverse, keep the first error.
         * A job still running is let be: it goes on with these groups. */
        sp_error first = a->err;
        sp_cim_path *view = NULL;
        /* A lost answer may hide what the array made: the view is found
         * through the initiator group, a group by its name. */
        if (smis_answer_lost(rc) && ig &&
            !smis_first_assoc(a, ig, "CIM_AssociatedInitiatorMaskingGroup",
                              "CIM_SCSIProtocolController", &view) &&
            view)
            delete_view(a, view);
        sp_cim_path_free(view);
        delete_group(a, dg);
        delete_group(a, tg);
        delete_group(a, ig);
        if (smis_answer_lost(rc))
            clear_stale_groups(a, base, NULL);
        a->err = first;
    }
    sp_cim_path_free(ig);
    sp_cim_path_free(tg);
    sp_cim_path_free(dg);
    smis_list_free_paths(&ports);
    return rc;
}

sp_code smis_gm_change_members(sp_array *a, const sp_cim_path *dg,
                               sp_cim_path *const *vols, size_t n, bool add)
{
    sp_cim_args *in = sp_cim_args_new();
    sp_cim_args_set(in, "MaskingGroup", sp_cim_value_new_ref(dg));
    sp_cim_args_set(in, "Members", smis_refs(vols, n));
    return gmms_call(a, add ? "AddMembers" : "RemoveMembers", in,
                     add ? "masking LUNs" : "unmasking LUNs", NULL);
}

void smis_gm_drop_loose_hwids(sp_array *a, sp_cim_path *const *hwids, size_t n,
                              struct smis_left *left)
{
    const sp_cim_path *hwms = NULL;
    if (smis_service(a, SMIS_HWMS, &hwms) || !hwms)
        return;
    for (size_t i = 0; i < n; i++) {
        sp_cim_path *g = NULL;
        SPI_AUTOFREE char *name = NULL;
        sp_code rc;
        if (!hwids[i] ||
            smis_first_assoc(a, hwids[i], "CIM_MemberOfCollection",
                             "CIM_InitiatorMaskingGroup", &g) ||
            g || our_name(a, hwids[i], &name) || !name) {
            sp_cim_path_free(g);
            continue;
        }
        sp_cim_args *in = sp_cim_args_new(), *out = NULL;
        sp_cim_args_set(in, "HardwareID", sp_cim_value_new_ref(hwids[i]));
        if ((rc = smis_invoke(a, hwms, "DeleteStorageHardwareID", in,
                              "removing an initiator", &out, NULL)) &&
            !gone(a, rc))
            left_add(a, left, "hardware ID", name);
        sp_cim_args_free(in);
        sp_cim_args_free(out);
    }
}

/*
 * A view left with no LUN goes, with its groups and the hardware IDs
 * registered for it, when this driver made them (named "sanprov-...");
 * an administrator's view stays, empty, as the administrator made it.
 * What the array refuses to remove is named in @left: the next unmask
 * from the host finds it (through the view, or as loose groups and
 * hardware IDs) and removes it.
 */
void smis_gm_drop_if_empty(sp_array *a, const sp_cim_path *spc,
                           const sp_cim_path *dg, struct smis_left *left)
{
    struct units u = {0};
    sp_cim_path *ig = NULL, *tg = NULL;
    struct smis_list hwids = {0};
    SPI_AUTOFREE char *name = NULL;
    sp_code rc;
    /* Gone already: another run emptied it last, and removes it. */
    if ((rc = smis_view_units(a, spc, &u)) || (rc = our_name(a, spc, &name))) {
        if (!gone(a, rc))
            left_add(a, left, "a masking view it could not read", NULL);
        goto out;
    }
    if (u.n || !name)
        goto out;
    if ((rc = smis_first_assoc(a, spc, "CIM_AssociatedInitiatorMaskingGroup",
                               "CIM_InitiatorMaskingGroup", &ig)) ||
        (rc = smis_first_assoc(a, spc, "CIM_AssociatedTargetMaskingGroup",
                               "CIM_TargetMaskingGroup", &tg)) ||
        (ig &&
         sp_cim_associator_names(smis_of(a)->c, ig, "CIM_MemberOfCollection",
                                 "CIM_StorageHardwareID", NULL, NULL, 0,
                                 smis_keep_path, &hwids) &&
         (rc = smis_fail(a)))) {
        if (!gone(a, rc))
            left_add(a, left, "masking view", name);
        goto out;
    }
    /* A view that stays keeps its groups: the next unmask finds them
     * through it. */
    if ((rc = delete_view(a, spc))) {
        if (!gone(a, rc))
            left_add(a, left, "masking view", name);
        goto out;
    }
    drop_ours(a, "masking group", dg, delete_group, left);
    drop_ours(a, "masking group", tg, delete_group, left);
    if (drop_ours(a, "masking group", ig, delete_group, left))
        smis_gm_drop_loose_hwids(a, (sp_cim_path *const *)hwids.v, hwids.n,
                                 left);
out:
    smis_units_free(&u);
    smis_list_free_paths(&hwids);
    sp_cim_path_free(ig);
    sp_cim_path_free(tg);
}

void smis_gm_drop_loose(sp_array *a, const sp_mask_target *t,
                        sp_cim_path *const *hwids, size_t n,
                        struct smis_left *left)
{
    SPI_AUTOFREE char *base = spi_xasprintf(OURS "%s", t->name);
    if (clear_stale_groups(a, base, left))
        left_add(a, left, "masking groups it could not list", NULL);
    smis_gm_drop_loose_hwids(a, hwids, n, left);
}

/*
 * The view of a host with several initiators is found through any one of
 * them; the initiators its initiator group lacks are added, so that the
 * host sees its LUNs on every path.
 */
sp_code smis_gm_complete_initiators(sp_array *a, const sp_cim_path *spc,
                                    const struct hwids *h, size_t n)
{
    sp_cim_path *ig = NULL;
    struct smis_list members = {0}, missing = {0};
    sp_code rc = smis_first_assoc(a, spc, "CIM_AssociatedInitiatorMaskingGroup",
                                  "CIM_InitiatorMaskingGroup", &ig);
    if (!rc && ig &&
        sp_cim_associator_names(smis_of(a)->c, ig, "CIM_MemberOfCollection",
                                "CIM_StorageHardwareID", NULL, NULL, 0,
                                smis_keep_path, &members))
        rc = smis_fail(a);
    for (size_t i = 0; !rc && ig && i < n; i++) {
        bool in = !h->paths[i];
        for (size_t k = 0; k < members.n && !in; k++)
            in = sp_cim_path_equal(members.v[k], h->paths[i], 0);
        if (!in)
            smis_keep_path(sp_cim_path_copy(h->paths[i]), &missing);
    }
    if (!rc && missing.n) {
        sp_cim_args *in = sp_cim_args_new();
        sp_cim_args_set(in, "MaskingGroup", sp_cim_value_new_ref(ig));
        sp_cim_args_set(in, "Members",
                        smis_refs((sp_cim_path *const *)missing.v, missing.n));
        rc = gmms_call(a, "AddMembers", in,
                       "adding the host's other initiators to its view", NULL);
        if (!rc)
            sp_log(SP_LOG_INFO,
                   "array %s: added %zu initiator(s) to the host's view",
                   a->name, missing.n);
    }
    smis_list_free_paths(&members);
    smis_list_free_paths(&missing);
    sp_cim_path_free(ig);
    return rc;
}
