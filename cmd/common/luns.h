/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd/common/luns.h: LUNs as every program shows them: the -l columns and
 * the JSON object, one implementation for lun-list, lun-create and the
 * others. */
#ifndef SANPROV_CMD_LUNS_H
#define SANPROV_CMD_LUNS_H

#include <json-c/json.h>

#include "common/output.h"

/*
 * What is shown of a LUN.  Made from an sp_lun (cmd_lun_view_of()) or, for
 * a LUN a running array job is still making, from what was asked.
 */
struct cmd_lun_view {
    const sp_id *id;
    const char *name;
    uint64_t size;
    const char *wwn;
    const sp_id *pool;   /* NULL: not known */
    const sp_id *source; /* NULL: not a SAN copy */
    sp_copy_method copy;
    const char *tag_library, *tag_entry; /* sp_lun_tag(), or NULL */
};

/* "snapshot" or "clone"; NULL for SP_COPY_NONE. */
const char *cmd_copy_name(sp_copy_method m);

/* The view of @l (pointers into @l). */
void cmd_lun_view_of(const sp_lun *l, struct cmd_lun_view *v);

/* The -l columns after ID: NAME SIZE WWN POOL COPY SOURCE (a program may
 * add its own after them). */
#define CMD_LUN_NCOLUMNS 6
extern const struct cmd_column cmd_lun_columns[CMD_LUN_NCOLUMNS];

/*
 * The cells of @v for those columns, into @cells (pointing into @v): the
 * pool by its key ("gold"), the copy as "snapshot" or "clone" ("copy" when
 * the array does not say which), the source by its key when on the LUN's
 * own array, as a SAN copy always is, else by its ID; "-" for a LUN that
 * is no copy.
 */
void cmd_lun_cells(const struct cmd_lun_view *v,
                   const char *cells[CMD_LUN_NCOLUMNS]);

/*
 * The JSON object of @v (documented in lun-list(1)): id, array, name,
 * size, wwn, pool, source, copy and tag ({"library": ..., "entry": ...},
 * sanprov(7) "Tags"), null where not known.  The caller may add members
 * ("masking", "pending").
 */
json_object *cmd_lun_json(const struct cmd_lun_view *v);

#endif
