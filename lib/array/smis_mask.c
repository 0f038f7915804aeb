/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/array/smis_mask.c: SMI-S masking changes: Group Masking and Mapping
 * and the ExposePaths fallback. */
#include "smis_mask.h"

/*
 * A host's view is found from its initiators: hardware ID -> initiator
 * group -> view (group masking), or hardware ID -> privilege -> view
 * (legacy).  Views, groups and hardware IDs this driver creates are named
 * "sanprov-HOST..." and removed again when their last LUN is unmasked.
 */

/* ---- small CIM helpers ---- */

static const char *devid(const sp_cim_path *p)
{
    return sp_cim_value_get_string(sp_cim_path_get_key(p, "DeviceID"));
}

void smis_units_free(struct units *u)
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
        uint32_t n = SP_LUN_NUMBER_UNKNOWN;
        if (!smis_device_number(num, &n))
            n = SP_LUN_NUMBER_UNKNOWN;
        u->v[u->n++] = (struct unit){spi_xstrdup(devid(vol)), n};
    }
    sp_cim_instance_free(i);
    return 0;
}

sp_code smis_view_units(sp_array *a, const sp_cim_path *spc, struct units *u)
{
    static const char *const props[] = {"Antecedent", "Dependent",
                                        "DeviceNumber", NULL};
    smis_units_free(u);
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

/* The host LUN numbers of volumes @devs from the view's units: a volume
 * the view lacks, or whose number the array did not give readably, is a
 * protocol error, never LUN 0. */
static sp_code unit_numbers(sp_array *a, const struct units *u,
                            const char *const *devs, size_t n,
                            uint32_t *numbers)
{
    for (size_t i = 0; i < n; i++) {
        const struct unit *un = find_unit(u, devs[i]);
        if (!un || un->number == SP_LUN_NUMBER_UNKNOWN)
            return spi_array_fail(
                a, SP_ERR_PROTOCOL,
                "array '%s' %s for volume '%s' after masking it", a->name,
                un ? "gave no hexadecimal host LUN number (DeviceNumber)"
                   : "listed no host LUN number",
                devs[i]);
        numbers[i] = un->number;
    }
    return SP_OK;
}

/* ---- hardware IDs ---- */

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
        return smis_fail_freeing(a, &l, smis_list_free_instances);
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
        SPI_AUTOFREE char *name = spi_xasprintf(OURS "%s", t->name);
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

/* Hardware IDs a lost answer to CreateStorageHardwareID left: found by
 * their initiators, removed when this driver made them and no group holds
 * them. */
static void forget_lost_hwids(sp_array *a, const sp_mask_target *t)
{
    struct hwids again = {0};
    struct smis_list l = {0};
    if (!find_hwids(a, t, false, &again))
        for (size_t i = 0; i < t->ninitiators; i++)
            if (again.paths[i])
                smis_keep_path(sp_cim_path_copy(again.paths[i]), &l);
    smis_gm_drop_loose_hwids(a, &l);
    smis_list_free_paths(&l);
    hwids_free(&again, t->ninitiators);
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
        sp_code rc =
            group ? smis_first_assoc(a, h->paths[i], "CIM_MemberOfCollection",
                                     "CIM_InitiatorMaskingGroup", &mid)
                  : smis_first_assoc(a, h->paths[i], "CIM_AuthorizedSubject",
                                     "CIM_AuthorizedPrivilege", &mid);
        if (!rc && mid)
            rc = group ? smis_first_assoc(a, mid,
                                          "CIM_AssociatedInitiatorMaskingGroup",
                                          "CIM_SCSIProtocolController", spc)
                       : smis_first_assoc(a, mid, "CIM_AuthorizedTarget",
                                          "CIM_SCSIProtocolController", spc);
        sp_cim_path_free(mid);
        if (rc)
            return rc;
    }
    return SP_OK;
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
        sp_cim_args_set(in, "ProtocolControllers", smis_refs(one, 1));
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
        if (!smis_first_assoc(a, spc, "CIM_AssociatedDeviceMaskingGroup",
                              "CIM_DeviceMaskingGroup", &dg) &&
            dg && !smis_gm_change_members(a, dg, todo, ntodo, false))
            smis_gm_drop_if_empty(a, spc, dg);
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
    bool found = spc != NULL;
    if (!rc && spc)
        rc = smis_view_units(a, spc, &u);
    if (!rc && spc && group)
        rc = smis_first_assoc(a, spc, "CIM_AssociatedDeviceMaskingGroup",
                              "CIM_DeviceMaskingGroup", &dg);
    if (rc) {
        sp_error first = a->err; /* the hardware IDs just made go too */
        delete_hwids(a, &h);
        if (!unmask && group && smis_answer_lost(rc))
            forget_lost_hwids(a, t);
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
            rc = smis_gm_change_members(a, dg, todo, ntodo, false);
            if (!rc)
                smis_gm_drop_if_empty(a, spc, dg);
        } else if (ntodo) {
            rc = expose(a, t, tododevs, ntodo, &spc, true);
        }
    } else if (ntodo && spc && group && dg) {
        rc = smis_gm_change_members(a, dg, todo, ntodo, true);
    } else if (ntodo && group) {
        rc = smis_gm_new_view(a, t, &h, todo, ntodo, &spc);
    } else if (ntodo) {
        rc = expose(a, t, tododevs, ntodo, &spc, false);
    }
    if (rc && !unmask && smis_answer_lost(rc)) {
        /* The answer was lost, maybe not the change: take it back. */
        sp_error first = a->err;
        sp_cim_path *v = spc ? sp_cim_path_copy(spc) : NULL;
        if (!v) { /* ExposePaths may have registered the initiators too */
            struct hwids again = {0};
            if (!find_hwids(a, t, false, &again))
                find_view(a, &again, t->ninitiators, &v);
            hwids_free(&again, t->ninitiators);
        }
        if (v)
            unmask_again(a, t, group, v, todo, tododevs, ntodo, &h);
        else
            delete_hwids(a, &h);
        sp_cim_path_free(v);
        if (group)
            forget_lost_hwids(a, t);
        a->err = first;
    } else if (rc) {
        /* Take back the hardware IDs made, unless a job still running on
         * the array (SP_ERR_JOB_TIMEOUT) goes on with them. */
        sp_error first = a->err;
        if (!unmask && rc != SP_ERR_JOB_TIMEOUT)
            delete_hwids(a, &h);
        a->err = first;
    } else if ((!unmask && group && found && t->ninitiators > 1 &&
                (rc = smis_gm_complete_initiators(a, spc, &h,
                                                  t->ninitiators))) ||
               (!unmask && numbers && (rc = smis_view_units(a, spc, &u)))) {
        if (ntodo)
            unmask_again(a, t, group, spc, todo, tododevs, ntodo, &h);
    } else if (!unmask && numbers &&
               (rc = unit_numbers(a, &u, devs, n, numbers))) {
        if (ntodo)
            unmask_again(a, t, group, spc, todo, tododevs, ntodo, &h);
    }
    free(todo);
    free(tododevs);
    if (rc)
        goto out;
    sp_log(SP_LOG_DEBUG, "array %s: %s %zu LUN(s) %s %s", a->name,
           unmask ? "unmasked" : "masked", n, unmask ? "from" : "to", t->name);
    (void)s;
out:
    smis_units_free(&u);
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
            rc = smis_first_assoc(a, spc, "CIM_AssociatedDeviceMaskingGroup",
                                  "CIM_DeviceMaskingGroup", &dg);
            if (!rc && dg)
                rc = smis_gm_change_members(a, dg, one, 1, false);
            if (!rc && dg)
                smis_gm_drop_if_empty(a, spc, dg);
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
