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

/* The hardware IDs (smis_hwids.c).  smis_find_hwids(): those of @t's
 * initiators; with @create, the missing ones are registered (one another
 * run registered a moment ago is used).  smis_delete_hwids(): take back
 * those this run registered, unless a group holds them now.
 * smis_forget_lost_hwids(): those a lost answer to a registration left,
 * found by their initiators, removed when this driver made them and no
 * group holds them. */
sp_code smis_find_hwids(sp_array *a, const sp_mask_target *t, bool create,
                        struct hwids *h);
void smis_hwids_free(struct hwids *h, size_t n);
void smis_delete_hwids(sp_array *a, struct hwids *h);
void smis_forget_lost_hwids(sp_array *a, const sp_mask_target *t);

/* What a tidy-up could not remove, named for the message. */
struct smis_left {
    char what[768];
    size_t len, n;
    sp_error first; /* why the first of them could not be removed */
};
/* SP_OK when @l is empty, else SP_ERR_CLEANUP naming what is left. */
sp_code smis_left_report(sp_array *a, const struct smis_left *l);

/* Group masking (smis_gmm.c). */
/* A CIM array of references to the non-NULL of @paths. */
sp_cim_value *smis_refs(sp_cim_path *const *paths, size_t n);
/* Make a new view "sanprov-HOST" for @t, with groups and the volumes.
 * With @clear_stale, groups of those names in no view go first (what a
 * lost answer left; else such a group is another run's, about to be in its
 * view, and CreateGroup answers CIM_ERR_ALREADY_EXISTS). */
sp_code smis_gm_new_view(sp_array *a, const sp_mask_target *t, struct hwids *h,
                         sp_cim_path *const *vols, size_t n, bool clear_stale,
                         sp_cim_path **spc);
/* Add volumes to, or remove them from, device group @dg. */
sp_code smis_gm_change_members(sp_array *a, const sp_cim_path *dg,
                               sp_cim_path *const *vols, size_t n, bool add);
/* Remove view @spc, with its groups and the hardware IDs of its initiator
 * group, when it is empty and this driver made them (named sanprov-*);
 * what the array refuses to remove is added to @left (may be NULL). */
void smis_gm_drop_if_empty(sp_array *a, const sp_cim_path *spc,
                           const sp_cim_path *dg, struct smis_left *left);
/* What an earlier tidy-up of host @t left when it has no view: groups
 * named as its own that are in no view, and the hardware IDs of @hwids
 * (@n, NULL ones skipped) this driver made that no group holds. */
void smis_gm_drop_loose(sp_array *a, const sp_mask_target *t,
                        sp_cim_path *const *hwids, size_t n,
                        struct smis_left *left);
/* Remove the hardware IDs of @hwids this driver made (named sanprov-*)
 * that no initiator group holds. */
void smis_gm_drop_loose_hwids(sp_array *a, sp_cim_path *const *hwids, size_t n,
                              struct smis_left *left);
/* Add the initiators of @h that view @spc's initiator group lacks. */
sp_code smis_gm_complete_initiators(sp_array *a, const sp_cim_path *spc,
                                    const struct hwids *h, size_t n);

#endif
