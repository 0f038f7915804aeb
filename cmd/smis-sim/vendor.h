/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd/smis-sim/vendor.h: vendor personalities (--vendor): how real SMI-S
 * providers differ, each a line of a table (vendor.c). */
#ifndef SMIS_SIM_VENDOR_H
#define SMIS_SIM_VENDOR_H

#include <stdbool.h>

#include "rename.h"

/*
 * One provider's differences from smis-sim's default, each documented in
 * ../shared/cim/vendor-quirks.md (vendor.c says where from).  Names on
 * the wire are rewritten at the HTTP boundary (rename.h); behaviours are
 * asked of this table by the model's code where they apply.
 */
struct sim_vendor {
    const char *name;    /* --vendor NAME */
    const char *product; /* what it stands for, for the log and --help */
    struct sim_rename names;
    /* Masking: -1 as --personality says, else SIM_GROUP or SIM_LEGACY. */
    int personality;
    /* Group Masking and Mapping registered and its service there, but its
     * methods refused with CIM_ERR_NOT_SUPPORTED (masking is legacy). */
    bool group_refused;
    /* DeleteMaskingView refused while the view holds a volume. */
    bool view_delete_needs_empty;
    /* A change asked while a job runs is answered with this return code
     * (the array serialises its calls), 0: never. */
    unsigned busy_code;
    /* Close each connection after this many answers unless
     * --close-after says otherwise (0: keep it open). */
    unsigned long close_after;
};

/* The personality called @name, or NULL. */
const struct sim_vendor *sim_vendor_find(const char *name);
/* "vnx|vmax|..." for --help and errors. */
const char *sim_vendor_names(void);

#endif
