/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* tests/sh/cli-driver.c: a program over the shared cmd helper that echoes
 * the IDs it reads, for tests/sh/t0010-cli.sh (built by that test). */
#include "common/cli.h"
#include "common/ids.h"
#include "common/output.h"
#include "common/progress.h"
#include "common/status.h"

enum { OPT_KINDS = CMD_OPT_FIRST, OPT_SIZE, OPT_SHOW_SIZE };

struct opts {
    unsigned int kinds;
    uint64_t size;
    uint64_t show_size;
    int optional, all_first, progress, config_show;
};

static void on_opt(int val, const char *arg, void *ctx)
{
    struct opts *o = ctx;
    switch (val) {
    case OPT_KINDS:
        for (int k = SP_ID_ARRAY; k <= SP_ID_JOB; k++)
            if (strstr(arg, sp_id_kind_name((sp_id_kind)k)))
                o->kinds |= CMD_KIND(k);
        break;
    case OPT_SIZE:
        o->size = cmd_size_arg("--size", arg);
        break;
    case OPT_SHOW_SIZE:
        o->show_size = cmd_size_arg("--show-size", arg);
        break;
    }
}

/* The items of the batch: an ID whose last field is "missing" is not
 * found, one ending in "unreachable" cannot be reached. */
static void echo(const struct opts *o, const sp_id *id, uint64_t n)
{
    const char *last = sp_id_field(id, sp_id_field_count(id) - 1);
    sp_error err;
    sp_error_clear(&err);
    if (strcmp(last, "missing") == 0)
        sp_error_set(&err, SP_ERR_NOT_FOUND, "no such object");
    else if (strcmp(last, "unreachable") == 0)
        sp_error_set(&err, SP_ERR_CONNECT, "connection refused");
    if (err.code != SP_OK) {
        cmd_failed("echo", sp_id_str(id), &err);
        return;
    }
    char fields[24];
    snprintf(fields, sizeof(fields), "%zu", sp_id_field_count(id));
    const char *cells[] = {sp_id_kind_name(sp_id_get_kind(id)), fields,
                           o->size ? cmd_size(o->size * n) : NULL};
    json_object *json = NULL;
    if (cmd_opt.json) {
        json = json_object_new_object();
        json_object_object_add(json, "kind", json_object_new_string(cells[0]));
        json_object_object_add(
            json, "fields",
            json_object_new_int64((int64_t)sp_id_field_count(id)));
        json_object_object_add(json, "size",
                               json_object_new_uint64(o->size * n));
    }
    cmd_out_row(id, cells, json);
    cmd_ok();
}

int main(int argc, char **argv)
{
    struct opts o = {0};
    struct poptOption table[] = {
        {"kinds", 0, POPT_ARG_STRING, NULL, OPT_KINDS,
         "accept only these kinds of ID", "KIND,..."},
        {"optional", 0, POPT_ARG_NONE, &o.optional, 0, "IDs are optional",
         NULL},
        {"all-first", 0, POPT_ARG_NONE, &o.all_first, 0,
         "read all IDs before echoing them", NULL},
        {"size", 0, POPT_ARG_STRING, NULL, OPT_SIZE,
         "the Nth row has a size of N times SIZE", "SIZE"},
        {"show-size", 0, POPT_ARG_STRING, NULL, OPT_SHOW_SIZE,
         "print SIZE as a cell of -l would show it", "SIZE"},
        {"progress", 0, POPT_ARG_NONE, &o.progress, 0, "draw some progress",
         NULL},
        {"config-show", 0, POPT_ARG_NONE, &o.config_show, 0,
         "print the configuration file read", NULL},
        {NULL, 0, POPT_ARG_INCLUDE_TABLE, cmd_common_options, 0,
         "Common options:", NULL},
        POPT_TABLEEND};
    poptContext pc = cmd_parse(argc, argv, table, "[ID...]", on_opt, &o);
    sp_log(SP_LOG_INFO, "-v shows this");
    sp_log(SP_LOG_DEBUG, "-vv shows this");
    sp_log(SP_LOG_TRACE, "-vvv shows this");
    if (o.show_size || o.config_show) {
        cmd_no_args(pc);
        if (o.show_size)
            puts(cmd_size(o.show_size));
        else
            puts(sp_config_file(cmd_config()) ? sp_config_file(cmd_config())
                                              : "(built-in)");
        return cmd_finish(pc);
    }
    if (o.progress) {
        cmd_progress("starting", -1);
        cmd_progress_cb("echoing IDs", 50, NULL);
        sp_log(SP_LOG_WARN, "halfway there");
    }
    struct cmd_ids *ids = cmd_ids_open(pc, o.optional ? CMD_IDS_OPTIONAL : 0);
    if (!ids) {
        puts("(all)");
        return cmd_finish(pc);
    }
    static const struct cmd_column cols[] = {{.name = "KIND"},
                                             {.name = "FIELDS", .right = true},
                                             {.name = "SIZE", .right = true}};
    cmd_out_begin(cols, CMD_COUNT(cols));
    uint64_t n = 0;
    if (o.all_first) {
        sp_id **all = NULL;
        size_t count = cmd_ids_read_all(ids, o.kinds, &all);
        for (size_t i = 0; i < count; i++)
            echo(&o, all[i], ++n);
        cmd_ids_free_all(all, count);
    } else {
        sp_id *id;
        while ((id = cmd_ids_next(ids, o.kinds))) {
            echo(&o, id, ++n);
            sp_id_free(id);
        }
    }
    cmd_ids_close(ids);
    return cmd_finish(pc);
}
