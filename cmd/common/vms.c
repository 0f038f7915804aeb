/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd/common/vms.c: how a deployed VM is shown, by vm-deploy and vm-list. */
#include <time.h>

#include "common/cli.h"
#include "common/lookup.h"
#include "common/status.h"
#include "common/templates.h"
#include "common/vms.h"

const struct cmd_column cmd_vm_columns[CMD_VM_NCOLUMNS] = {
    {.name = "NAME"},
    {.name = "HOST"},
    {.name = "STATE"},
    {.name = "LUN"},
    {.name = "COPY"},
    {.name = "DISK"},
    {.name = "SECONDS", .right = true},
};

static json_object *json_of(const sp_vm_record *r, const char *state)
{
    json_object *j = json_object_new_object();
    json_object_object_add(
        j, "id", json_object_new_string(sp_id_str(sp_vm_record_id(r))));
    json_object_object_add(j, "name", cmd_json_string(sp_vm_record_name(r)));
    json_object_object_add(j, "host", cmd_json_string(sp_vm_record_host(r)));
    json_object_object_add(j, "state", cmd_json_string(state));
    json_object_object_add(
        j, "template", cmd_json_string(sp_id_str(sp_vm_record_template(r))));
    const sp_id *lun = sp_vm_record_lun(r);
    json_object_object_add(j, "lun",
                           cmd_json_string(lun ? sp_id_str(lun) : NULL));
    json_object_object_add(
        j, "copy", cmd_json_string(sp_copy_pref_name(sp_vm_record_copy(r))));
    json_object_object_add(j, "connect",
                           cmd_json_string(sp_vm_record_connect(r)));
    json_object_object_add(j, "disk", cmd_json_string(sp_vm_record_disk(r)));
    bool done = sp_vm_record_state(r) == SP_VM_DEPLOYED;
    json_object_object_add(
        j, "step",
        done ? NULL
             : json_object_new_string(sp_vm_step_name(sp_vm_record_step(r))));
    json_object_object_add(j, "error", cmd_json_string(sp_vm_record_error(r)));
    json_object_object_add(
        j, "seconds",
        done ? json_object_new_double(sp_vm_record_seconds(r)) : NULL);
    char when[32] = "";
    time_t c = (time_t)sp_vm_record_created(r);
    struct tm tm;
    if (c && gmtime_r(&c, &tm))
        strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
    json_object_object_add(j, "created",
                           *when ? json_object_new_string(when) : NULL);
    return j;
}

void cmd_out_vm(const sp_vm_record *r, const char *state)
{
    char secs[32] = "";
    if (sp_vm_record_state(r) == SP_VM_DEPLOYED)
        snprintf(secs, sizeof(secs), "%.3f", sp_vm_record_seconds(r));
    const sp_id *lun = sp_vm_record_lun(r);
    const char *cells[CMD_VM_NCOLUMNS] = {
        sp_vm_record_name(r),
        sp_vm_record_host(r),
        state,
        lun ? sp_id_str(lun) : NULL,
        sp_copy_pref_name(sp_vm_record_copy(r)),
        sp_vm_record_disk(r),
        secs,
    };
    cmd_out_row(sp_vm_record_id(r), cells,
                cmd_opt.json ? json_of(r, state) : NULL);
}

sp_template *cmd_template_arg(const char *arg)
{
    sp_template *t = NULL;
    sp_error err;
    sp_id *id = NULL;
    sp_code rc;
    if (strncmp(arg, "tmpl:", 5) == 0) {
        if (sp_id_parse(arg, &id, &err))
            cmd_usage_error("--template '%s': %s", arg, err.message);
        rc = SP_OK;
    } else {
        rc = cmd_lookup_name(arg, CMD_KIND(SP_ID_TMPL), &id, &err);
    }
    if (!rc)
        rc = sp_library_load(cmd_library(), id, &t, &err);
    sp_id_free(id);
    if (rc)
        cmd_failed("find template", arg, &err);
    return rc ? NULL : t;
}
