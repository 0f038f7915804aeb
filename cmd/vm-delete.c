/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd/vm-delete.c: vm-delete, tear deployed VMs down: stop, undefine,
 * remove the customization medium, unmask and delete the LUN, forget the
 * record, in batches per array and host; again on a half-deleted VM
 * finishes it. */
#include <popt.h>

#include "common/cli.h"
#include "common/ids.h"
#include "common/output.h"
#include "common/status.h"
#include "common/templates.h"

/* One VM's outcome: its ID printed, or its error. */
static void outcome(const sp_id *vm, const sp_error *err, void *ctx)
{
    if (err) {
        cmd_failed("delete VM", sp_id_str(vm), err);
    } else {
        cmd_out_deleted(vm);
        cmd_ok();
    }
}

enum { OPT_JOBS = CMD_OPT_FIRST };

static void on_opt(int val, const char *arg, void *ctx)
{
    if (val == OPT_JOBS)
        *(unsigned long *)ctx =
            cmd_number_arg("--jobs", arg, SP_VM_DELETER_JOBS_MAX);
}

int main(int argc, char **argv)
{
    unsigned long jobs = 1;
    struct poptOption table[] = {
        {"jobs", 'j', POPT_ARG_STRING, NULL, OPT_JOBS,
         "delete LUNs over N connections to an array at once (default 1)", "N"},
        {NULL, 0, POPT_ARG_INCLUDE_TABLE, cmd_common_options, 0,
         "Common options:", NULL},
        POPT_TABLEEND};
    poptContext pc =
        cmd_parse(argc, argv, table, "[VM-ID|NAME...]", on_opt, &jobs);
    cmd_out_begin_deleted();
    struct cmd_ids *it = cmd_ids_open(pc, 0);
    sp_vm_deleter *del = sp_vm_deleter_new(cmd_config(), cmd_library());
    sp_id *id;
    sp_error err;
    if (sp_vm_deleter_set_jobs(del, (unsigned)jobs, &err))
        cmd_usage_error("%s", err.message);
    /* All read first: the VMs of one array and host go in one batch. */
    while ((id = cmd_ids_next(it, CMD_KIND(SP_ID_VM)))) {
        if (sp_vm_deleter_add(del, id, &err))
            cmd_failed("delete VM", sp_id_str(id), &err);
        sp_id_free(id);
    }
    sp_vm_deleter_run(del, 0, outcome, NULL, &err);
    sp_vm_deleter_free(del);
    cmd_ids_close(it);
    cmd_library_close();
    return cmd_finish(pc);
}
