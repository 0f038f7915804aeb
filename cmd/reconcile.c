/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd/reconcile.c: reconcile, compare the configured arrays, the library
 * and the hosts: list what nothing accounts for, what points at nothing,
 * what dead runs left; with --fix, mend it. */
#include <errno.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <popt.h>

#include "common/cli.h"
#include "common/output.h"
#include "common/status.h"
#include "common/templates.h"

enum { OPT_FIX = CMD_OPT_FIRST, OPT_GRACE };

static const struct cmd_column columns[] = {
    {.name = "KIND"},
    {.name = "OBJECT"},
    {.name = "WHERE"},
    {.name = "NAME"},
    {.name = "AGE", .right = true},
    {.name = "WHY", .text = true},
    {.name = "ACTION", .text = true},
};

struct opts {
    bool fix;
    unsigned int grace;
};

/* --grace: seconds, or a number with s, m, h or d; 0 is allowed. */
static unsigned int grace_arg(const char *s)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    unsigned long unit = !*end || !strcmp(end, "s") ? 1
                         : !strcmp(end, "m")        ? 60
                         : !strcmp(end, "h")        ? 3600
                         : !strcmp(end, "d")        ? 86400
                                                    : 0;
    if (errno || end == s || *s < '0' || *s > '9' || !unit ||
        v > 365UL * 86400 / unit)
        cmd_usage_error("--grace is a time of up to a year: seconds, or a "
                        "number with s, m, h or d; not '%s'",
                        s);
    return (unsigned int)(v * unit);
}

static void on_opt(int val, const char *arg, void *ctx)
{
    struct opts *o = ctx;
    if (val == OPT_FIX)
        o->fix = true;
    else
        o->grace = grace_arg(arg);
}

/* "45s", "12m", "3h", "2d"; "-" when not known. */
static const char *age_text(int64_t s, char *buf, size_t size)
{
    if (s < 0)
        return "-";
    snprintf(buf, size,
             s < 120      ? "%" PRId64 "s"
             : s < 7200   ? "%" PRId64 "m"
             : s < 172800 ? "%" PRId64 "h"
                          : "%" PRId64 "d",
             s < 120      ? s
             : s < 7200   ? s / 60
             : s < 172800 ? s / 3600
                          : s / 86400);
    return buf;
}

static int found(const sp_finding *f, void *ctx)
{
    const struct opts *o = ctx;
    char age[32];
    const char *cells[] = {
        sp_finding_kind_name(f->kind),      f->object, f->where, f->name,
        age_text(f->age, age, sizeof(age)), f->why,    f->action};
    json_object *j = NULL;
    if (cmd_opt.json) {
        j = json_object_new_object();
        json_object_object_add(j, "id", json_object_new_string(f->ref));
        json_object_object_add(
            j, "kind", json_object_new_string(sp_finding_kind_name(f->kind)));
        json_object_object_add(j, "object", cmd_json_string(f->object));
        json_object_object_add(j, "where", cmd_json_string(f->where));
        json_object_object_add(j, "name", cmd_json_string(f->name));
        json_object_object_add(j, "entry", cmd_json_string(f->entry));
        json_object_object_add(
            j, "age", f->age < 0 ? NULL : json_object_new_int64(f->age));
        json_object_object_add(j, "why", cmd_json_string(f->why));
        json_object_object_add(j, "action", cmd_json_string(f->action));
        if (o->fix)
            json_object_object_add(j, "fixed",
                                   json_object_new_boolean(f->fixed == SP_OK));
    }
    cmd_out_ref_row(f->ref, cells, j);
    if (f->fixed) {
        sp_error e = {.code = f->fixed};
        cmd_fail(sp_error_exit_code(&e), "cannot mend '%s': %s: %s", f->ref,
                 f->why, f->action);
        return 0;
    }
    /* What was done, for people; -l and --json have it in the row. */
    if (f->action && !cmd_opt.quiet && !cmd_opt.long_fmt && !cmd_opt.json)
        sp_log(SP_LOG_WARN, "%s: %s", f->ref, f->action);
    cmd_ok();
    return 0;
}

int main(int argc, char **argv)
{
    struct opts o = {.grace = SP_RECONCILE_GRACE};
    struct poptOption table[] = {
        {"fix", 0, POPT_ARG_NONE, NULL, OPT_FIX,
         "mend what is found: settle dead runs, drop dangling records, "
         "remove orphans past the grace period, stale reservations, debris",
         NULL},
        {"grace", 0, POPT_ARG_STRING, NULL, OPT_GRACE,
         "with --fix, remove only orphans older than this (default 1h)",
         "TIME"},
        {NULL, 0, POPT_ARG_INCLUDE_TABLE, cmd_common_options, 0,
         "Common options:", NULL},
        POPT_TABLEEND};
    poptContext pc = cmd_parse(argc, argv, table, NULL, on_opt, &o);
    cmd_no_args(pc);
    cmd_out_begin(columns, CMD_COUNT(columns) - (o.fix ? 0 : 1));
    sp_error err;
    if (sp_reconcile(cmd_config(), cmd_library(), o.grace,
                     o.fix ? SP_RECONCILE_FIX : 0, found, &o, &err))
        cmd_fail(sp_error_exit_code(&err), "%s", err.message);
    cmd_library_close();
    return cmd_finish(pc);
}
