/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd/template-list.c: template-list, list the templates of the library. */
#include <popt.h>

#include "common/cli.h"
#include "common/ids.h"
#include "common/output.h"
#include "common/status.h"
#include "common/templates.h"

enum { OPT_ALL = CMD_OPT_FIRST };

static void on_opt(int val, const char *arg, void *ctx)
{
    bool *all = ctx;
    if (val == OPT_ALL)
        *all = true;
}

static int one(sp_template *t, void *ctx)
{
    cmd_out_template(t);
    sp_template_free(t);
    return 0;
}

int main(int argc, char **argv)
{
    bool all = false;
    struct poptOption table[] = {
        {"all", 'a', POPT_ARG_NONE, NULL, OPT_ALL,
         "list every template; read no IDs (for scripts)", NULL},
        {NULL, 0, POPT_ARG_INCLUDE_TABLE, cmd_common_options, 0,
         "Common options:", NULL},
        POPT_TABLEEND};
    cmd_init(argv[0]);
    poptContext pc =
        cmd_parse(argc, argv, table, "[TMPL-ID|NAME...]", on_opt, &all);
    cmd_config();
    cmd_out_begin(cmd_template_columns, CMD_TEMPLATE_NCOLUMNS);
    if (all && poptPeekArg(pc))
        cmd_usage_error("--all lists every template and takes no IDs, not "
                        "'%s'",
                        poptPeekArg(pc));
    struct cmd_ids *ids = all ? NULL : cmd_ids_open(pc, CMD_IDS_OPTIONAL);
    sp_error err;
    sp_error_clear(&err);
    if (!ids) {
        if (sp_library_list(cmd_library(), one, NULL, &err))
            cmd_failed("list the templates of", sp_library_path(cmd_library()),
                       &err);
        else
            cmd_ok();
    }
    sp_id *id;
    while ((id = cmd_ids_next(ids, CMD_KIND(SP_ID_TMPL)))) {
        sp_template *t = NULL;
        if (sp_library_load(cmd_library(), id, &t, &err)) {
            cmd_failed("look up", sp_id_str(id), &err);
        } else {
            one(t, NULL);
            cmd_ok();
        }
        sp_id_free(id);
    }
    cmd_ids_close(ids);
    return cmd_finish(pc);
}
