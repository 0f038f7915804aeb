/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd/array-info.c: array-info, probe the configured arrays: what each is and
 * whether it can do rapid provisioning. */
#include <json-c/json.h>
#include <popt.h>

#include "common/arrays.h"
#include "common/cli.h"
#include "common/cmd.h"
#include "common/ids.h"
#include "common/output.h"
#include "common/status.h"

static const char *yes_no(bool b)
{
    return b ? "yes" : "no";
}

/* A SAN copy to make the disk, and masking to hand it to a host. */
static bool rapid(const sp_array_caps *c)
{
    return (c->snapshot || c->clone) && c->masking != SP_MASKING_NONE;
}

static json_object *to_json(const sp_id *id, const char *name,
                            const sp_array_caps *c)
{
    json_object *j = json_object_new_object();
    json_object *profiles = json_object_new_array();
    for (size_t i = 0; i < c->nprofiles; i++)
        json_object_array_add(profiles, json_object_new_string(c->profiles[i]));
    json_object_object_add(j, "id", json_object_new_string(sp_id_str(id)));
    json_object_object_add(j, "array", json_object_new_string(name));
    json_object_object_add(j, "driver", cmd_json_string(c->driver));
    json_object_object_add(j, "vendor", cmd_json_string(c->vendor));
    json_object_object_add(j, "model", cmd_json_string(c->model));
    json_object_object_add(j, "firmware", cmd_json_string(c->firmware));
    json_object_object_add(j, "version", cmd_json_string(c->version));
    json_object_object_add(j, "snapshot", json_object_new_boolean(c->snapshot));
    json_object_object_add(j, "clone", json_object_new_boolean(c->clone));
    json_object_object_add(
        j, "masking", json_object_new_string(sp_masking_kind_name(c->masking)));
    json_object_object_add(j, "async", json_object_new_boolean(c->async));
    json_object_object_add(j, "rapid_provisioning",
                           json_object_new_boolean(rapid(c)));
    json_object_object_add(j, "profiles", profiles);
    return j;
}

static void probe(const char *name)
{
    if (!sp_config_has(cmd_config(), "array", name)) {
        cmd_fail(SP_EXIT_NOT_FOUND, "no array '%s' in the configuration", name);
        return;
    }
    sp_error err;
    sp_error_clear(&err);
    sp_array *a = cmd_array(name, &err);
    if (!a) {
        cmd_failed("probe array", name, &err);
        return;
    }
    sp_array_caps c = SP_STRUCT_INIT(sp_array_caps);
    if (sp_array_capabilities(a, &c)) {
        cmd_failed("probe array", name, sp_array_error(a));
        return;
    }
    sp_id *id = NULL;
    if (sp_id_new(SP_ID_ARRAY, 1, &name, &id, &err)) {
        cmd_failed("name array", name, &err);
        return;
    }
    const char *cells[] = {
        c.driver,        c.vendor,
        c.model,         c.firmware,
        c.version,       yes_no(c.snapshot),
        yes_no(c.clone), sp_masking_kind_name(c.masking),
        yes_no(c.async), yes_no(rapid(&c)),
    };
    cmd_out_row(id, cells, cmd_opt.json ? to_json(id, name, &c) : NULL);
    sp_id_free(id);
    cmd_ok();
}

int main(int argc, char **argv)
{
    struct poptOption table[] = {{NULL, 0, POPT_ARG_INCLUDE_TABLE,
                                  cmd_common_options, 0,
                                  "Common options:", NULL},
                                 POPT_TABLEEND};
    cmd_init(argv[0]);
    poptContext pc =
        cmd_parse(argc, argv, table, "[ARRAY-ID|NAME...]", NULL, NULL);
    static const struct cmd_column cols[] = {
        {.name = "DRIVER"},   {.name = "VENDOR"},  {.name = "MODEL"},
        {.name = "FIRMWARE"}, {.name = "VERSION"}, {.name = "SNAPSHOT"},
        {.name = "CLONE"},    {.name = "MASKING"}, {.name = "ASYNC"},
        {.name = "RAPID"}};
    cmd_out_begin(cols, CMD_COUNT(cols));
    cmd_each_configured(pc, SP_ID_ARRAY, "array", probe);
    return cmd_finish(pc);
}
