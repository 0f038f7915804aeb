/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd/pool-list.c: pool-list, list the pools of the configured arrays. */
#include <json-c/json.h>
#include <popt.h>

#include "common/arrays.h"
#include "common/cli.h"
#include "common/cmd.h"
#include "common/output.h"
#include "common/status.h"

enum { OPT_ARRAY = CMD_OPT_FIRST, OPT_CLASS, OPT_MIN_FREE, OPT_SUPPORTS };

struct opts {
    const char *array;
    const char *class;
    uint64_t min_free;
    sp_copy_method supports;
    sp_array_caps caps; /* of the array being listed */
};

static void on_opt(int val, const char *arg, void *ctx)
{
    struct opts *o = ctx;
    if (val == OPT_ARRAY)
        o->array = cmd_xstrdup(arg);
    else if (val == OPT_CLASS)
        o->class = cmd_xstrdup(arg);
    else if (val == OPT_MIN_FREE)
        o->min_free = cmd_size_arg("--min-free", arg);
    else if (strcmp(arg, "snapshot") == 0)
        o->supports = SP_COPY_SNAPSHOT;
    else if (strcmp(arg, "clone") == 0)
        o->supports = SP_COPY_CLONE;
    else
        cmd_usage_error("--supports is snapshot or clone, not '%s'", arg);
}

static int one(sp_pool *p, void *ctx)
{
    struct opts *o = ctx;
    const char *cls = sp_pool_class(p);
    bool keep = (!o->class || (cls && strcmp(cls, o->class) == 0)) &&
                sp_pool_free_bytes(p) >= o->min_free;
    if (keep) {
        uint64_t total = sp_pool_total(p), free_b = sp_pool_free_bytes(p);
        char used[8];
        snprintf(used, sizeof(used), "%u%%",
                 total ? (unsigned)((total - free_b) * 100 / total) : 0u);
        const char *cells[] = {sp_pool_name(p), cls ? cls : "", cmd_size(total),
                               cmd_size(free_b), used};
        json_object *j = json_object_new_object();
        json_object_object_add(
            j, "id", json_object_new_string(sp_id_str(sp_pool_id(p))));
        json_object_object_add(
            j, "array", json_object_new_string(sp_id_field(sp_pool_id(p), 0)));
        json_object_object_add(j, "name",
                               json_object_new_string(sp_pool_name(p)));
        json_object_object_add(j, "class",
                               cls ? json_object_new_string(cls) : NULL);
        json_object_object_add(j, "managed",
                               json_object_new_boolean(sp_pool_managed(p)));
        json_object_object_add(j, "total",
                               json_object_new_int64((int64_t)total));
        json_object_object_add(j, "free",
                               json_object_new_int64((int64_t)free_b));
        json_object_object_add(j, "snapshot",
                               json_object_new_boolean(o->caps.snapshot));
        json_object_object_add(j, "clone",
                               json_object_new_boolean(o->caps.clone));
        cmd_out_row(sp_pool_id(p), cells, j);
    }
    sp_pool_free(p);
    return 0;
}

static void list(const char *name, struct opts *o)
{
    sp_error err;
    sp_array *a = cmd_array(name, &err);
    if (!a) {
        cmd_failed("open array", name, &err);
        return;
    }
    o->caps = (sp_array_caps)SP_STRUCT_INIT(sp_array_caps);
    sp_code rc = sp_array_capabilities(a, &o->caps);
    if (!rc && o->supports &&
        !(o->supports == SP_COPY_SNAPSHOT ? o->caps.snapshot : o->caps.clone)) {
        cmd_ok(); /* the array works; it just has no such pools */
        return;
    }
    if (!rc)
        rc = sp_array_list_pools(a, 0, one, o);
    if (rc)
        cmd_failed("list pools of array", name, sp_array_error(a));
    else
        cmd_ok();
}

int main(int argc, char **argv)
{
    struct opts o = {0};
    struct poptOption table[] = {
        {"array", 'a', POPT_ARG_STRING, NULL, OPT_ARRAY,
         "only the pools of this array", "NAME"},
        {"class", 0, POPT_ARG_STRING, NULL, OPT_CLASS,
         "only pools of this class (from the configuration)", "CLASS"},
        {"min-free", 0, POPT_ARG_STRING, NULL, OPT_MIN_FREE,
         "only pools with at least this much free space", "SIZE"},
        {"supports", 0, POPT_ARG_STRING, NULL, OPT_SUPPORTS,
         "only pools on arrays that can make this kind of SAN copy",
         "snapshot|clone"},
        {NULL, 0, POPT_ARG_INCLUDE_TABLE, cmd_common_options, 0,
         "Common options:", NULL},
        POPT_TABLEEND};
    cmd_init(argv[0]);
    poptContext pc = cmd_parse(argc, argv, table, "", on_opt, &o);
    cmd_no_args(pc);
    const sp_config *cfg = cmd_config();
    static const struct cmd_column cols[] = {{.name = "NAME"},
                                             {.name = "CLASS"},
                                             {.name = "TOTAL", .right = true},
                                             {.name = "FREE", .right = true},
                                             {.name = "USED", .right = true}};
    cmd_out_begin(cols, CMD_COUNT(cols));
    if (o.array) {
        if (!sp_config_has(cfg, "array", o.array))
            cmd_die(SP_EXIT_NOT_FOUND, "no array '%s' in the configuration",
                    o.array);
        list(o.array, &o);
    } else {
        for (size_t i = 0; i < sp_config_count(cfg, "array"); i++)
            list(sp_config_name(cfg, "array", i), &o);
    }
    free((char *)o.array);
    free((char *)o.class);
    return cmd_finish(pc);
}
