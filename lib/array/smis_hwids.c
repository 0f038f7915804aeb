/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/array/smis_hwids.c: the hardware IDs (CIM_StorageHardwareID) of a
 * host's initiators on an SMI-S array: found, registered, taken back. */
#include "smis_mask.h"

void smis_hwids_free(struct hwids *h, size_t n)
{
    for (size_t i = 0; h->paths && i < n; i++)
        sp_cim_path_free(h->paths[i]);
    free(h->paths);
    for (size_t i = 0; i < h->ncreated; i++)
        sp_cim_path_free(h->created[i]);
    free(h->created);
    memset(h, 0, sizeof(*h));
}

/* Fill in the hardware IDs of @t's initiators that @h lacks. */
static sp_code lookup_hwids(sp_array *a, const sp_mask_target *t,
                            struct hwids *h)
{
    static const char *const props[] = {"StorageID", NULL};
    struct smis *s = smis_of(a);
    struct smis_list l = {0};
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
    return SP_OK;
}

/* Register initiator @i of @t.  One that another run registered a moment
 * ago (CIM_ERR_ALREADY_EXISTS) is looked up and used. */
static sp_code create_hwid(sp_array *a, const sp_cim_path *hwms,
                           const sp_mask_target *t, size_t i, struct hwids *h)
{
    sp_cim_args *in = sp_cim_args_new(), *out = NULL;
    SPI_AUTOFREE char *name = spi_xasprintf(OURS "%s", t->name);
    sp_cim_args_set(in, "ElementName",
                    sp_cim_value_new_string(SP_CIM_STRING, name));
    sp_cim_args_set(in, "StorageID",
                    sp_cim_value_new_string(SP_CIM_STRING, t->initiators[i]));
    sp_cim_args_set(in, "IDType",
                    sp_cim_value_new_uint(SP_CIM_UINT16, t->fc ? 2 : 5));
    sp_code rc = smis_invoke(a, hwms, "CreateStorageHardwareID", in,
                             "registering an initiator", &out, NULL);
    sp_cim_args_free(in);
    const sp_cim_path *p =
        rc ? NULL : sp_cim_value_get_ref(sp_cim_args_get(out, "HardwareID"));
    if (p) {
        h->paths[i] = sp_cim_path_copy(p);
        h->created[h->ncreated++] = sp_cim_path_copy(p);
    }
    sp_cim_args_free(out);
    if (rc && a->err.cim_status == SP_CIM_ERR_ALREADY_EXISTS) {
        sp_error first = a->err;
        if (!lookup_hwids(a, t, h) && h->paths[i]) {
            sp_log(SP_LOG_DEBUG,
                   "array %s: initiator '%s' was registered a moment ago "
                   "by another run",
                   a->name, t->initiators[i]);
            return SP_OK;
        }
        a->err = first;
    }
    if (!rc && !p)
        rc = spi_array_fail(a, SP_ERR_PROTOCOL,
                            "CreateStorageHardwareID named no hardware ID");
    return rc;
}

/* Find the hardware IDs of the target's initiators; with @create, make
 * the missing ones. */
sp_code smis_find_hwids(sp_array *a, const sp_mask_target *t, bool create,
                        struct hwids *h)
{
    h->paths = spi_xcalloc(t->ninitiators, sizeof(*h->paths));
    h->created = spi_xcalloc(t->ninitiators, sizeof(*h->created));
    sp_code rc = lookup_hwids(a, t, h);
    const sp_cim_path *hwms = NULL;
    for (size_t i = 0; !rc && create && i < t->ninitiators; i++) {
        if (h->paths[i])
            continue;
        if (!hwms && !(rc = smis_service(a, SMIS_HWMS, &hwms)) && !hwms)
            rc = spi_array_fail(a, SP_ERR_NOT_SUPPORTED,
                                "array '%s' cannot register initiator '%s' "
                                "(no hardware ID management service)",
                                a->name, t->initiators[i]);
        if (!rc)
            rc = create_hwid(a, hwms, t, i, h);
    }
    return rc;
}

/* Take back the hardware IDs this run made, unless a group holds them
 * now (another run's, which found them). */
void smis_delete_hwids(sp_array *a, struct hwids *h)
{
    smis_gm_drop_loose_hwids(a, h->created, h->ncreated, NULL);
}

/* Hardware IDs a lost answer to CreateStorageHardwareID left: found by
 * their initiators, removed when this driver made them and no group holds
 * them. */
void smis_forget_lost_hwids(sp_array *a, const sp_mask_target *t)
{
    struct hwids again = {0};
    if (!smis_find_hwids(a, t, false, &again))
        smis_gm_drop_loose_hwids(a, again.paths, t->ninitiators, NULL);
    smis_hwids_free(&again, t->ninitiators);
}
