/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/array/smis_mask.h: what the SMI-S masking files share (smis_mask.c,
 * smis_gmm.c). */
#ifndef SANPROV_SMIS_MASK_H
#define SANPROV_SMIS_MASK_H

#include "smis.h"

/* The prefix of the names of everything this driver makes. */
#define OURS "sanprov-"

/* The LUNs of view @spc: DeviceID and host LUN number. */
struct unit {
    char *dev;
    uint32_t number; /* SP_LUN_NUMBER_UNKNOWN: the array gave none we read */
};

struct units {
    struct unit *v;
    size_t n, cap;
};

void smis_units_free(struct units *u);
/* The LUNs of view @spc (replacing @u's). */
sp_code smis_view_units(sp_array *a, const sp_cim_path *spc, struct units *u);

/* The hardware IDs of a target's initiators. */
struct hwids {
    sp_cim_path **paths; /* one per initiator of the target, or NULL */
    sp_cim_path **created;
    size_t ncreated;
};

/* Group masking (smis_gmm.c). */
/* A CIM array of references to the non-NULL of @paths. */
sp_cim_value *smis_refs(sp_cim_path *const *paths, size_t n);
/* Make a new view "sanprov-HOST" for @t, with groups and the volumes. */
sp_code smis_gm_new_view(sp_array *a, const sp_mask_target *t, struct hwids *h,
                         sp_cim_path *const *vols, size_t n, sp_cim_path **spc);
/* Add volumes to, or remove them from, device group @dg. */
sp_code smis_gm_change_members(sp_array *a, const sp_cim_path *dg,
                               sp_cim_path *const *vols, size_t n, bool add);
/* Remove view @spc, with device group @dg, when it is empty and ours. */
void smis_gm_drop_if_empty(sp_array *a, const sp_cim_path *spc,
                           const sp_cim_path *dg);
/* Remove the hardware IDs of @hwids this driver made (named sanprov-*)
 * that no initiator group holds. */
void smis_gm_drop_loose_hwids(sp_array *a, const struct smis_list *hwids);
/* Add the initiators of @h that view @spc's initiator group lacks. */
sp_code smis_gm_complete_initiators(sp_array *a, const sp_cim_path *spc,
                                    const struct hwids *h, size_t n);

#endif
