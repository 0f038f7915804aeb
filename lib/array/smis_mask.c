/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/array/smis_mask.c: SMI-S masking: Group Masking and Mapping, the
 * ExposePaths fallback, and reading views. */
#include "smis.h"

/*
 * A host's view is found from its initiators: hardware ID -> initiator
 * group -> view (group masking), or hardware ID -> privilege -> view
 * (legacy).  Views, groups and hardware IDs this driver creates are named
 * "sanprov-HOST..." and removed again when their last LUN is unmasked.
 */

/* ---- small CIM helpers ---- */

/* The first path associated with @obj, or NULL. */
static sp_code first_assoc(sp_array *a, const sp_cim_path *obj,
                           const char *assoc, const char *result,
                           sp_cim_path **out)
{
    struct smis_list l = {0};
    *out = NULL;
    if (sp_cim_associator_names(smis_of(a)->c, obj, assoc, result, NULL, NULL,
                                0, smis_keep_path, &l))
        return smis_fail(a);
    if (l.n) {
        *out = l.v[0];
        l.v[0] = NULL;
    }
    smis_list_free_paths(&l);
    return SP_OK;
}

static const char *devid(const sp_cim_path *p)
{
    return sp_cim_value_get_string(sp_cim_path_get_key(p, "DeviceID"));
}

/* The LUNs of view @spc: DeviceID and host LUN number. */
struct unit {
    char *dev;
    uint32_t number;
};

struct units {
    struct unit *v;
    size_t n, cap;
};

static void units_free(struct units *u)
{
    for (size_t i = 0; i < u->n; i++)
        free(u->v[i].dev);
    free(u->v);
    memset(u, 0, sizeof(*u));
}

static int keep_unit(sp_cim_instance *i, void *ud)
{
    struct units *u = ud;
    const sp_cim_path *vol =
        sp_cim_value_get_ref(sp_cim_instance_get(i, "Dependent"));
    const char *num = sp_cim_instance_get_string(i, "DeviceNumber");
    if (vol && devid(vol)) {
        spi_xgrow((void **)&u->v, &u->cap, u->n + 1, sizeof(*u->v));
        /* DeviceNumber is a string: decimal, or hex on some arrays. */
        unsigned long n = num ? strtoul(num, NULL, 0) : 0;
        u->v[u->n++] = (struct unit){spi_xstrdup(devid(vol)), (uint32_t)n};
    }
    sp_cim_instance_free(i);
    return 0;
}

static sp_code view_units(sp_array *a, const sp_cim_path *spc, struct units *u)
{
    static const char *const props[] = {"Antecedent", "Dependent",
                                        "DeviceNumber", NULL};
    units_free(u);
    if (sp_cim_references(smis_of(a)->c, spc, "CIM_ProtocolControllerForUnit",
                          NULL, props, 0, keep_unit, u))
        return smis_fail(a);
    return SP_OK;
}

static const struct unit *find_unit(const struct units *u, const char *dev)
{
    for (size_t i = 0; i < u->n; i++)
        if (SPI_STREQ(u->v[i].dev, dev))
            return &u->v[i];
    return NULL;
}

/* ---- hardware IDs ---- */

struct hwids {
    sp_cim_path **paths; /* one per initiator of the target, or NULL */
    sp_cim_path **created;
    size_t ncreated;
};

static void hwids_free(struct hwids *h, size_t n)
{
    for (size_t i = 0; i < n; i++)
        sp_cim_path_free(h->paths[i]);
    free(h->paths);
    for (size_t i = 0; i < h->ncreated; i++)
        sp_cim_path_free(h->created[i]);
    free(h->created);
}

/* Find the hardware IDs of the target's initiators; with @create, make
 * the missing ones. */
static sp_code find_hwids(sp_array *a, const sp_mask_target *t, bool create,
                          struct hwids *h)
{
    static const char *const props[] = {"StorageID", NULL};
    struct smis *s = smis_of(a);
    struct smis_list l = {0};
    h->paths = spi_xcalloc(t->ninitiators, sizeof(*h->paths));
    h->created = spi_xcalloc(t->ninitiators, sizeof(*h->created));
    if (sp_cim_enumerate_instances(s->c, s->ns, "CIM_StorageHardwareID", props,
                                   0, smis_keep_instance, &l))
        return smis_fail(a);
    for (size_t i = 0; i < t->ninitiators; i++)
        for (size_t k = 0; k < l.n && !h->paths[i]; k++) {
            const char *sid = sp_cim_instance_get_string(l.v[k], "StorageID");
            if (sid && strcasecmp(sid, t->initiators[i]) == 0)
                h->paths[i] = sp_cim_path_copy(sp_cim_instance_path(l.v[k]));
        }
    smis_list_free_instances(&l);
    if (!create)
        return SP_OK;
    const sp_cim_path *hwms = NULL;
    for (size_t i = 0; i < t->ninitiators; i++) {
        if (h->paths[i])
            continue;
        sp_code rc = hwms ? SP_OK : smis_service(a, SMIS_HWMS, &hwms);
        if (rc)
            return rc;
        if (!hwms)
            return spi_array_fail(a, SP_ERR_NOT_SUPPORTED,
                                  "array '%s' cannot register initiator '%s' "
                                  "(no hardware ID management service)",
                                  a->name, t->initiators[i]);
        sp_cim_args *in = sp_cim_args_new(), *out = NULL;
        SPI_AUTOFREE char *name = spi_xasprintf("sanprov-%s", t->name);
        sp_cim_args_set(in, "ElementName",
                        sp_cim_value_new_string(SP_CIM_STRING, name));
        sp_cim_args_set(
            in, "StorageID",
            sp_cim_value_new_string(SP_CIM_STRING, t->initiators[i]));
        sp_cim_args_set(in, "IDType",
                        sp_cim_value_new_uint(SP_CIM_UINT16, t->fc ? 2 : 5));
        rc = smis_invoke(a, hwms, "CreateStorageHardwareID", in,
                         "registering an initiator", &out, NULL);
        sp_cim_args_free(in);
        const sp_cim_path *p =
            rc ? NULL
               : sp_cim_value_get_ref(sp_cim_args_get(out, "HardwareID"));
        if (p) {
            h->paths[i] = sp_cim_path_copy(p);
            h->created[h->ncreated++] = sp_cim_path_copy(p);
        }
        sp_cim_args_free(out);
        if (rc)
            return rc;
        if (!p)
            return spi_array_fail(a, SP_ERR_PROTOCOL,
                                  "CreateStorageHardwareID named no "
                                  "hardware ID");
    }
    return SP_OK;
}

static void delete_hwids(sp_array *a, struct hwids *h)
{
    const sp_cim_path *hwms = NULL;
    if (!h->ncreated || smis_service(a, SMIS_HWMS, &hwms) || !hwms)
        return;
    for (size_t i = h->ncreated; i-- > 0;) {
        sp_cim_args *in = sp_cim_args_new(), *out = NULL;
        sp_cim_args_set(in, "HardwareID", sp_cim_value_new_ref(h->created[i]));
        smis_invoke(a, hwms, "DeleteStorageHardwareID", in,
                    "removing an initiator", &out, NULL);
        sp_cim_args_free(in);
        sp_cim_args_free(out);
    }
}

/* ---- finding the host's view ---- */

static sp_code find_view(sp_array *a, const struct hwids *h, size_t n,
                         sp_cim_path **spc)
{
    bool group = smis_of(a)->caps.masking == SP_MASKING_GROUP;
    *spc = NULL;
    for (size_t i = 0; i < n && !*spc; i++) {
        if (!h->paths[i])
            continue;
        sp_cim_path *mid = NULL;
        sp_code rc = group
                         ? first_assoc(a, h->paths[i], "CIM_MemberOfCollection",
                                       "CIM_InitiatorMaskingGroup", &mid)
                         : first_assoc(a, h->paths[i], "CIM_AuthorizedSubject",
                                       "CIM_AuthorizedPrivilege", &mid);
        if (!rc && mid)
            rc = group ? first_assoc(a, mid,
                                     "CIM_AssociatedInitiatorMaskingGroup",
                                     "CIM_SCSIProtocolController", spc)
                       : first_assoc(a, mid, "CIM_AuthorizedTarget",
                                     "CIM_SCSIProtocolController", spc);
        sp_cim_path_free(mid);
        if (rc)
            return rc;
    }
    return SP_OK;
}

/* ---- group masking ---- */

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

static sp_cim_value *refs(sp_cim_path *const *paths, size_t n)
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
    sp_cim_args_set(in, "Members", refs(members, n));
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

static void delete_group(sp_array *a, const sp_cim_path *g)
{
    if (!g)
        return;
    sp_cim_args *in = sp_cim_args_new();
    sp_cim_args_set(in, "MaskingGroup", sp_cim_value_new_ref(g));
    sp_cim_args_set(in, "Force", sp_cim_value_new_bool(true));
    gmms_call(a, "DeleteGroup", in, "removing a masking group", NULL);
}

static void delete_view(sp_array *a, const sp_cim_path *spc)
{
    sp_cim_args *in = sp_cim_args_new();
    sp_cim_args_set(in, "ProtocolController", sp_cim_value_new_ref(spc));
    gmms_call(a, "DeleteMaskingView", in, "removing a masking view", NULL);
}

/* The target ports hosts of this connectivity reach the array through. */
static sp_code target_ports(sp_array *a, bool fc, struct smis_list *out)
{
    struct smis *s = smis_of(a);
    const char *cls = fc ? "CIM_FCPort" : "CIM_iSCSIProtocolEndpoint";
    if (sp_cim_enumerate_instance_names(s->c, s->ns, cls, 0, smis_keep_path,
                                        out))
        return smis_fail(a);
    if (!out->n)
        return spi_array_fail(a, SP_ERR_PRECONDITION,
                              "array '%s' has no %s target ports", a->name,
                              fc ? "FC" : "iSCSI");
    return SP_OK;
}

/* Make a new view for the host, with the volumes in it. */
static sp_code new_view(sp_array *a, const sp_mask_target *t, struct hwids *h,
                        sp_cim_path *const *vols, size_t n, sp_cim_path **spc)
{
    struct smis_list ports = {0};
    sp_cim_path *ig = NULL, *tg = NULL, *dg = NULL;
    SPI_AUTOFREE char *base = spi_xasprintf("sanprov-%s", t->name);
    SPI_AUTOFREE char *igname = spi_xasprintf("%s-ig", base);
    SPI_AUTOFREE char *tgname = spi_xasprintf("%s-tg", base);
    SPI_AUTOFREE char *dgname = spi_xasprintf("%s-dg", base);
    sp_code rc = target_ports(a, t->fc, &ports);
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
    if (rc) {
        /* Leave nothing half-made: undo in reverse, keep the first error. */
        sp_error first = a->err;
        delete_group(a, dg);
        delete_group(a, tg);
        delete_group(a, ig);
        a->err = first;
    }
    sp_cim_path_free(ig);
    sp_cim_path_free(tg);
    sp_cim_path_free(dg);
    smis_list_free_paths(&ports);
    return rc;
}

static sp_code change_members(sp_array *a, const sp_cim_path *dg,
                              sp_cim_path *const *vols, size_t n, bool add)
{
    sp_cim_args *in = sp_cim_args_new();
    sp_cim_args_set(in, "MaskingGroup", sp_cim_value_new_ref(dg));
    sp_cim_args_set(in, "Members", refs(vols, n));
    return gmms_call(a, add ? "AddMembers" : "RemoveMembers", in,
                     add ? "masking LUNs" : "unmasking LUNs", NULL);
}

/* Remove a view made by this driver once it is empty, and its groups. */
static void drop_if_empty(sp_array *a, const sp_cim_path *spc,
                          const sp_cim_path *dg)
{
    struct units u = {0};
    if (view_units(a, spc, &u) || u.n) {
        units_free(&u);
        return;
    }
    sp_cim_path *ig = NULL, *tg = NULL;
    first_assoc(a, spc, "CIM_AssociatedInitiatorMaskingGroup",
                "CIM_InitiatorMaskingGroup", &ig);
    first_assoc(a, spc, "CIM_AssociatedTargetMaskingGroup",
                "CIM_TargetMaskingGroup", &tg);
    sp_error keep = a->err;
    delete_view(a, spc);
    delete_group(a, dg);
    delete_group(a, tg);
    delete_group(a, ig);
    a->err = keep;
    sp_cim_path_free(ig);
    sp_cim_path_free(tg);
}

/* ---- legacy masking: ExposePaths / HidePaths ---- */

static sp_code ccs_call(sp_array *a, const char *method, sp_cim_args *in,
                        const char *what, sp_cim_args **out)
{
    const sp_cim_path *ccs;
    sp_code rc = smis_service(a, SMIS_CCS, &ccs);
    if (!rc && !ccs)
        rc = spi_array_fail(a, SP_ERR_NOT_SUPPORTED,
                            "array '%s' has no controller configuration "
                            "service",
                            a->name);
    sp_cim_args *o = NULL;
    if (!rc)
        rc = smis_invoke(a, ccs, method, in, what, &o, NULL);
    sp_cim_args_free(in);
    if (out)
        *out = o;
    else
        sp_cim_args_free(o);
    return rc;
}

static sp_cim_value *strings(const char *const *v, size_t n)
{
    sp_cim_value *arr = sp_cim_value_new_array(SP_CIM_STRING);
    for (size_t i = 0; i < n; i++)
        sp_cim_value_append(arr, sp_cim_value_new_string(SP_CIM_STRING, v[i]));
    return arr;
}

static sp_code expose(sp_array *a, const sp_mask_target *t,
                      const char *const *devs, size_t n, sp_cim_path **spc,
                      bool hide)
{
    sp_cim_args *in = sp_cim_args_new(), *o = NULL;
    sp_cim_args_set(in, "LUNames", strings(devs, n));
    if (*spc) {
        sp_cim_path *one[] = {*spc};
        sp_cim_args_set(in, "ProtocolControllers", refs(one, 1));
    } else {
        sp_cim_args_set(in, "InitiatorPortIDs",
                        strings(t->initiators, t->ninitiators));
    }
    sp_code rc = ccs_call(a, hide ? "HidePaths" : "ExposePaths", in,
                          hide ? "unmasking LUNs" : "masking LUNs", &o);
    if (!rc && !*spc) {
        const sp_cim_value *pcs = sp_cim_args_get(o, "ProtocolControllers");
        const sp_cim_path *p =
            pcs && sp_cim_value_count(pcs)
                ? sp_cim_value_get_ref(sp_cim_value_at(pcs, 0))
                : NULL;
        *spc = p ? sp_cim_path_copy(p) : NULL;
        if (!*spc)
            rc = spi_array_fail(a, SP_ERR_PROTOCOL,
                                "ExposePaths named no protocol controller");
    }
    sp_cim_args_free(o);
    return rc;
}

/* ---- the driver's mask entry point ---- */

/*
 * The LUNs of @todo were masked in view @spc, but their host LUN numbers
 * cannot be read: the call fails, so take the change back (and the
 * hardware IDs made for it), keeping the first error.  A view left empty
 * goes, as after an unmask.
 */
static void unmask_again(sp_array *a, const sp_mask_target *t, bool group,
                         const sp_cim_path *spc, sp_cim_path *const *todo,
                         const char *const *tododevs, size_t ntodo,
                         struct hwids *h)
{
    sp_error first = a->err;
    if (group) {
        sp_cim_path *dg = NULL;
        if (!first_assoc(a, spc, "CIM_AssociatedDeviceMaskingGroup",
                         "CIM_DeviceMaskingGroup", &dg) &&
            dg && !change_members(a, dg, todo, ntodo, false))
            drop_if_empty(a, spc, dg);
        sp_cim_path_free(dg);
    } else {
        sp_cim_path *v = sp_cim_path_copy(spc);
        expose(a, t, tododevs, ntodo, &v, true);
        sp_cim_path_free(v);
    }
    delete_hwids(a, h);
    a->err = first;
}

sp_code smis_mask(sp_array *a, const char *const *keys, size_t n,
                  const sp_mask_target *t, unsigned int flags,
                  uint32_t *numbers)
{
    struct smis *s = smis_of(a);
    bool unmask = flags & SP_MASK_UNMASK;
    sp_array_caps caps;
    sp_code rc = spi_smis_driver.capabilities(a, &caps);
    if (rc)
        return rc;
    if (caps.masking != SP_MASKING_GROUP && caps.masking != SP_MASKING_LEGACY)
        return spi_array_fail(a, SP_ERR_NOT_SUPPORTED,
                              "array '%s' supports no masking", a->name);
    bool group = caps.masking == SP_MASKING_GROUP;
    sp_cim_path **vols = spi_xcalloc(n, sizeof(*vols));
    const char **devs = spi_xcalloc(n, sizeof(*devs));
    for (size_t i = 0; i < n; i++) {
        vols[i] = smis_volume_path(a, keys[i]);
        devs[i] = devid(vols[i]);
    }
    struct hwids h = {0};
    struct units u = {0};
    sp_cim_path *spc = NULL, *dg = NULL;
    rc = find_hwids(a, t, !unmask && group, &h);
    if (!rc)
        rc = find_view(a, &h, t->ninitiators, &spc);
    if (!rc && spc)
        rc = view_units(a, spc, &u);
    if (!rc && spc && group)
        rc = first_assoc(a, spc, "CIM_AssociatedDeviceMaskingGroup",
                         "CIM_DeviceMaskingGroup", &dg);
    if (rc) {
        sp_error first = a->err; /* the hardware IDs just made go too */
        delete_hwids(a, &h);
        a->err = first;
        goto out;
    }
    /* Only what changes is sent: masking twice, or unmasking what is not
     * masked, is no change. */
    sp_cim_path **todo = spi_xcalloc(n, sizeof(*todo));
    const char **tododevs = spi_xcalloc(n, sizeof(*tododevs));
    size_t ntodo = 0;
    for (size_t i = 0; i < n; i++) {
        bool there = spc && find_unit(&u, devs[i]);
        if (there == unmask) {
            todo[ntodo] = vols[i];
            tododevs[ntodo++] = devs[i];
        }
    }
    if (unmask) {
        if (ntodo && group) {
            rc = change_members(a, dg, todo, ntodo, false);
            if (!rc)
                drop_if_empty(a, spc, dg);
        } else if (ntodo) {
            rc = expose(a, t, tododevs, ntodo, &spc, true);
        }
    } else if (ntodo && spc && group && dg) {
        rc = change_members(a, dg, todo, ntodo, true);
    } else if (ntodo && group) {
        rc = new_view(a, t, &h, todo, ntodo, &spc);
    } else if (ntodo) {
        rc = expose(a, t, tododevs, ntodo, &spc, false);
    }
    if (rc) {
        sp_error first = a->err;
        if (!unmask)
            delete_hwids(a, &h);
        a->err = first;
    } else if (!unmask && numbers && (rc = view_units(a, spc, &u))) {
        if (ntodo)
            unmask_again(a, t, group, spc, todo, tododevs, ntodo, &h);
    } else if (!unmask && numbers) {
        for (size_t i = 0; i < n; i++) {
            const struct unit *un = find_unit(&u, devs[i]);
            numbers[i] = un ? un->number : 0;
        }
    }
    free(todo);
    free(tododevs);
    if (rc)
        goto out;
    sp_log(SP_LOG_DEBUG, "array %s: %s %zu LUN(s) %s %s", a->name,
           unmask ? "unmasked" : "masked", n, unmask ? "from" : "to", t->name);
    (void)s;
out:
    units_free(&u);
    sp_cim_path_free(spc);
    sp_cim_path_free(dg);
    hwids_free(&h, t->ninitiators);
    for (size_t i = 0; i < n; i++)
        sp_cim_path_free(vols[i]);
    free(vols);
    free(devs);
    return rc;
}

sp_code smis_unmask_all(sp_array *a, const sp_cim_path *vol, size_t *views)
{
    struct smis *s = smis_of(a);
    struct smis_list l = {0};
    *views = 0;
    sp_array_caps caps;
    sp_code rc = spi_smis_driver.capabilities(a, &caps);
    if (!rc &&
        sp_cim_associator_names(s->c, vol, "CIM_ProtocolControllerForUnit",
                                "CIM_SCSIProtocolController", NULL, NULL, 0,
                                smis_keep_path, &l))
        rc = smis_fail(a);
    for (size_t i = 0; !rc && i < l.n; i++) {
        sp_cim_path *spc = l.v[i];
        sp_cim_path *one[] = {(sp_cim_path *)vol};
        if (caps.masking == SP_MASKING_GROUP) {
            sp_cim_path *dg = NULL;
            rc = first_assoc(a, spc, "CIM_AssociatedDeviceMaskingGroup",
                             "CIM_DeviceMaskingGroup", &dg);
            if (!rc && dg)
                rc = change_members(a, dg, one, 1, false);
            if (!rc && dg)
                drop_if_empty(a, spc, dg);
            sp_cim_path_free(dg);
        } else {
            const char *dev = devid(vol);
            sp_mask_target none = {0};
            rc = expose(a, &none, &dev, 1, &spc, true);
            l.v[i] = spc;
        }
        (*views)++;
    }
    smis_list_free_paths(&l);
    return rc;
}

/* ---- reading all views, for listings ---- */

struct view_info {
    sp_cim_path *spc;
    char **initiators;
    size_t ninit;
};

struct smis_masking {
    struct view_info *views;
    size_t nviews, capviews;
    struct {
        char *dev;
        size_t view;
        uint32_t number;
    } * units;
    size_t nunits, capunits;
};

static size_t view_index(struct smis_masking *m, const sp_cim_path *spc)
{
    for (size_t i = 0; i < m->nviews; i++)
        if (sp_cim_path_equal(m->views[i].spc, spc, 0))
            return i;
    spi_xgrow((void **)&m->views, &m->capviews, m->nviews + 1,
              sizeof(*m->views));
    m->views[m->nviews] = (struct view_info){.spc = sp_cim_path_copy(spc)};
    return m->nviews++;
}

static int load_unit(sp_cim_instance *i, void *ud)
{
    struct smis_masking *m = ud;
    const sp_cim_path *spc =
        sp_cim_value_get_ref(sp_cim_instance_get(i, "Antecedent"));
    const sp_cim_path *vol =
        sp_cim_value_get_ref(sp_cim_instance_get(i, "Dependent"));
    const char *num = sp_cim_instance_get_string(i, "DeviceNumber");
    if (spc && vol && devid(vol)) {
        size_t v = view_index(m, spc);
        spi_xgrow((void **)&m->units, &m->capunits, m->nunits + 1,
                  sizeof(*m->units));
        m->units[m->nunits].dev = spi_xstrdup(devid(vol));
        m->units[m->nunits].view = v;
        m->units[m->nunits].number =
            (uint32_t)(num ? strtoul(num, NULL, 0) : 0);
        m->nunits++;
    }
    sp_cim_instance_free(i);
    return 0;
}

static sp_code view_initiators(sp_array *a, struct view_info *v)
{
    static const char *const props[] = {"StorageID", NULL};
    struct smis *s = smis_of(a);
    bool group = s->caps.masking == SP_MASKING_GROUP;
    sp_cim_path *mid = NULL;
    sp_code rc =
        group ? first_assoc(a, v->spc, "CIM_AssociatedInitiatorMaskingGroup",
                            "CIM_InitiatorMaskingGroup", &mid)
              : first_assoc(a, v->spc, "CIM_AuthorizedTarget",
                            "CIM_AuthorizedPrivilege", &mid);
    struct smis_list l = {0};
    if (!rc && mid &&
        sp_cim_associators(s->c, mid,
                           group ? "CIM_MemberOfCollection"
                                 : "CIM_AuthorizedSubject",
                           "CIM_StorageHardwareID", NULL, NULL, props, 0,
                           smis_keep_instance, &l))
        rc = smis_fail(a);
    v->initiators = spi_xcalloc(l.n + 1, sizeof(*v->initiators));
    for (size_t i = 0; i < l.n; i++) {
        const char *sid = sp_cim_instance_get_string(l.v[i], "StorageID");
        if (sid)
            v->initiators[v->ninit++] = spi_xstrdup(sid);
    }
    smis_list_free_instances(&l);
    sp_cim_path_free(mid);
    return rc;
}

sp_code smis_masking_load(sp_array *a, struct smis_masking **out)
{
    static const char *const props[] = {"Antecedent", "Dependent",
                                        "DeviceNumber", NULL};
    struct smis *s = smis_of(a);
    sp_array_caps caps;
    *out = spi_xcalloc(1, sizeof(**out));
    sp_code rc = spi_smis_driver.capabilities(a, &caps);
    if (!rc && caps.masking != SP_MASKING_NONE &&
        sp_cim_enumerate_instances(s->c, s->ns, "CIM_ProtocolControllerForUnit",
                                   props, 0, load_unit, *out))
        rc = smis_fail(a);
    for (size_t i = 0; !rc && i < (*out)->nviews; i++)
        rc = view_initiators(a, &(*out)->views[i]);
    return rc;
}

void smis_masking_apply(struct smis_masking *m, const char *device_id,
                        sp_lun *l)
{
    for (size_t i = 0; m && device_id && i < m->nunits; i++) {
        if (!SPI_STREQ(m->units[i].dev, device_id))
            continue;
        const struct view_info *v = &m->views[m->units[i].view];
        for (size_t k = 0; k < v->ninit; k++)
            spi_lun_add_mask(l, v->initiators[k], m->units[i].number);
    }
}

void smis_masking_free(struct smis_masking *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->nviews; i++) {
        sp_cim_path_free(m->views[i].spc);
        for (size_t k = 0; k < m->views[i].ninit; k++)
            free(m->views[i].initiators[k]);
        free(m->views[i].initiators);
    }
    free(m->views);
    for (size_t i = 0; i < m->nunits; i++)
        free(m->units[i].dev);
    free(m->units);
    free(m);
}
