/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd/lun-delete.c: lun-delete, delete LUNs, SAN copies before their
 * sources; masked ones only with --force, which unmasks them first. */
#include <popt.h>

#include "common/arrays.h"
#include "common/cli.h"
#include "common/cmd.h"
#include "common/ids.h"
#include "common/order.h"
#include "common/output.h"
#include "common/status.h"

enum { OPT_FORCE = CMD_OPT_FIRST };

static void on_opt(int val, const char *arg, void *ctx)
{
    unsigned int *flags = ctx;
    if (val == OPT_FORCE)
        *flags |= SP_LUN_FORCE;
}

/* Delete one LUN; the batch goes on whatever happens to it. */
static void delete_one(const sp_id *id, unsigned int flags)
{
    sp_error err;
    sp_array *a = cmd_array_of(id, &err);
    if (!a) {
        cmd_failed("delete", sp_id_str(id), &err);
        return;
    }
    sp_code rc = sp_array_delete_lun(a, id, flags);
    if (rc) {
        cmd_failed("delete", sp_id_str(id), sp_array_error(a));
        cmd_out_pending_job(a, rc);
        return;
    }
    cmd_out_deleted(id);
    cmd_ok();
}

int main(int argc, char **argv)
{
    unsigned int flags = 0;
    struct poptOption table[] = {
        {"force", 'f', POPT_ARG_NONE, NULL, OPT_FORCE,
         "unmask a masked LUN first instead of refusing it", NULL},
        {NULL, 0, POPT_ARG_INCLUDE_TABLE, cmd_job_options, 0, NULL, NULL},
        {NULL, 0, POPT_ARG_INCLUDE_TABLE, cmd_common_options, 0,
         "Common options:", NULL},
        POPT_TABLEEND};
    cmd_init(argv[0]);
    poptContext pc =
        cmd_parse(argc, argv, table, "[LUN-ID...]", on_opt, &flags);
    cmd_config();
    cmd_out_begin_deleted();
    /* All read first, then snapshots and clones before their sources. */
    struct cmd_ids *it = cmd_ids_open(pc, 0);
    sp_id **ids;
    size_t n = cmd_ids_read_all(it, CMD_KIND(SP_ID_LUN), &ids);
    size_t *order = cmd_xcalloc(n + 1, sizeof(*order));
    cmd_luns_copies_first((const sp_id *const *)ids, n, order);
    for (size_t i = 0; i < n; i++)
        delete_one(ids[order[i]], flags);
    free(order);
    cmd_ids_free_all(ids, n);
    cmd_ids_close(it);
    return cmd_finish(pc);
}
