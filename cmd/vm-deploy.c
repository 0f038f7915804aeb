/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd/vm-deploy.c: vm-deploy, turn a template into VMs by SAN copy: copy its
 * LUN on the array, mask the copies to the host, define and customize the
 * VMs, start them; every step journaled so a killed run can be resumed. */
#include <inttypes.h>
#include <popt.h>

#include "common/arrays.h"
#include "common/cli.h"
#include "common/ids.h"
#include "common/names.h"
#include "common/output.h"
#include "common/status.h"
#include "common/templates.h"
#include "common/vms.h"

enum {
    OPT_TEMPLATE = CMD_OPT_FIRST,
    OPT_HOST,
    OPT_GROUP,
    OPT_NAME,
    OPT_COUNT,
    OPT_JOBS,
    OPT_START,
    OPT_USER_DATA,
    OPT_DRY_RUN,
    OPT_KEEP_FAILED,
    OPT_RESUME,
};

#define MAX_COUNT 10000
#define MAX_JOBS  64

struct opts {
    char *tmpl, *host, *group, *name, *user_data_file;
    unsigned long count, jobs;
    unsigned long first; /* the number of the next VM (several templates) */
    int start, dry_run, keep_failed, resume;
    char *user_data;
    struct cmd_name_pattern pat;
};

static void set(char **dst, const char *arg)
{
    free(*dst);
    *dst = cmd_xstrdup(arg);
}

static void on_opt(int val, const char *arg, void *ctx)
{
    struct opts *o = ctx;
    switch (val) {
    case OPT_TEMPLATE:
        set(&o->tmpl, arg);
        break;
    case OPT_HOST:
        set(&o->host, arg);
        break;
    case OPT_GROUP:
        set(&o->group, arg);
        break;
    case OPT_NAME:
        set(&o->name, arg);
        break;
    case OPT_USER_DATA:
        set(&o->user_data_file, arg);
        break;
    case OPT_COUNT:
        o->count = cmd_number_arg("--count", arg, MAX_COUNT);
        break;
    case OPT_JOBS:
        o->jobs = cmd_number_arg("--jobs", arg, MAX_JOBS);
        break;
    case OPT_START:
        o->start = 1;
        break;
    case OPT_DRY_RUN:
        o->dry_run = 1;
        break;
    case OPT_KEEP_FAILED:
        o->keep_failed = 1;
        break;
    case OPT_RESUME:
        o->resume = 1;
        break;
    }
}

static void check_opts(struct opts *o)
{
    if (o->resume) {
        if (o->tmpl || o->host || o->group || o->name || o->dry_run ||
            o->start || o->user_data_file || o->count != 1 || o->jobs != 1)
            cmd_usage_error("--resume takes up what killed runs left, as "
                            "their journals say: it takes no template, "
                            "host, group, name, --count, --jobs, --start, "
                            "--user-data or --dry-run");
        return;
    }
    if (!o->host == !o->group)
        cmd_usage_error("give where the VMs go: --host HOST or --group GROUP");
    if (!o->name)
        cmd_usage_error("give the VMs' names: --name PATTERN (e.g. "
                        "'web%%02d')");
    cmd_name_pattern_parse(o->name, &o->pat);
    if (!cmd_name_pattern_has_number(&o->pat) && o->count > 1)
        cmd_usage_error("--name '%s' has no number (%%d) for --count %lu: "
                        "the names would repeat",
                        o->name, o->count);
    sp_error err;
    sp_error_clear(&err);
    if (o->user_data_file &&
        sp_custom_doc_read(o->user_data_file, &o->user_data, &err))
        cmd_usage_error("--user-data: %s", err.message);
}

/* Each VM's end: its row, or its failure. */
static void on_vm(const char *name, const sp_vm_record *r, const sp_error *err,
                  void *ctx)
{
    (void)ctx;
    if (err) {
        cmd_failed("deploy VM", name, err);
        if (r) /* kept with --keep-failed: its ID, to delete it later */
            cmd_out_vm(r, "failed");
        return;
    }
    if (!r) { /* a rollback finished by --resume */
        sp_log(SP_LOG_INFO, "VM '%s': its steps are undone", name);
        return;
    }
    cmd_out_vm(r, sp_vm_record_done(r, SP_STEP_START) ? "running" : "stopped");
    cmd_ok();
}

static void print_plan(const sp_deploy *d, const sp_template *t)
{
    static const struct cmd_column cols[] = {
        {.name = "NAME"},    {.name = "HOST"}, {.name = "COPY"},
        {.name = "CONNECT"}, {.name = "POOL"}, {.name = "TEMPLATE"}};
    for (size_t i = 0; i < sp_deploy_count(d); i++) {
        const char *copy = sp_copy_pref_name(sp_deploy_method(d));
        const char *pool = sp_id_str(sp_deploy_pool(d));
        if (cmd_opt.json) {
            json_object *j = json_object_new_object();
            json_object_object_add(j, "name",
                                   cmd_json_string(sp_deploy_name(d, i)));
            json_object_object_add(j, "host",
                                   cmd_json_string(sp_deploy_host(d, i)));
            json_object_object_add(j, "copy", cmd_json_string(copy));
            json_object_object_add(j, "connect",
                                   cmd_json_string(sp_deploy_connect(d, i)));
            json_object_object_add(j, "pool", cmd_json_string(pool));
            json_object_object_add(
                j, "template", cmd_json_string(sp_id_str(sp_template_id(t))));
            printf("%s\n",
                   json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN));
            json_object_put(j);
            continue;
        }
        if (i == 0)
            printf("# %-14s %-12s %-9s %-8s %s\n", cols[0].name, cols[1].name,
                   cols[2].name, cols[3].name, cols[4].name);
        printf("# %-14s %-12s %-9s %-8s %s\n", sp_deploy_name(d, i),
               sp_deploy_host(d, i), copy, sp_deploy_connect(d, i), pool);
    }
    fflush(stdout);
}

static void deploy(struct opts *o, sp_template *t)
{
    char **names = cmd_xcalloc(o->count, sizeof(*names));
    for (unsigned long i = 0; i < o->count; i++)
        names[i] = cmd_name_pattern_make(&o->pat, o->first + i);
    o->first += o->count;
    sp_deploy_opts d_o = {
        .size = sizeof(d_o),
        .tmpl = t,
        .host = o->host,
        .group = o->group,
        .count = o->count,
        .names = (const char *const *)names,
        .user_data = o->user_data,
        .start = o->start,
        .keep_failed = o->keep_failed,
        .jobs = (unsigned)o->jobs,
        .timeout = cmd_arrays_timeout(),
        .dry_run = o->dry_run,
    };
    sp_deploy *d;
    sp_error err;
    if (sp_deploy_plan(cmd_config(), cmd_library(), &d_o, 0, &d, &err)) {
        cmd_failed("deploy from template", sp_template_name(t), &err);
    } else if (o->dry_run) {
        print_plan(d, t);
    } else {
        sp_deploy_run(d, 0, on_vm, o);
        sp_log(SP_LOG_INFO, "%" PRIu64 " requests to the array",
               sp_deploy_requests(d));
    }
    sp_deploy_free(d);
    for (unsigned long i = 0; i < o->count; i++)
        free(names[i]);
    free(names);
}

int main(int argc, char **argv)
{
    struct opts o = {.count = 1, .jobs = 1, .first = 1};
    struct poptOption table[] = {
        {"template", 0, POPT_ARG_STRING, NULL, OPT_TEMPLATE,
         "deploy from this template (a name or tmpl ID; else IDs on stdin)",
         "TEMPLATE"},
        {"host", 0, POPT_ARG_STRING, NULL, OPT_HOST, "deploy on this host",
         "HOST"},
        {"group", 0, POPT_ARG_STRING, NULL, OPT_GROUP,
         "spread the VMs over the reachable hosts of this group", "GROUP"},
        {"name", 0, POPT_ARG_STRING, NULL, OPT_NAME,
         "name the VMs (and their LUNs) after PATTERN, %d the number from 1",
         "PATTERN"},
        {"count", 0, POPT_ARG_STRING, NULL, OPT_COUNT,
         "deploy N VMs (default 1)", "N"},
        {"jobs", 'j', POPT_ARG_STRING, NULL, OPT_JOBS,
         "work on N VMs at once (default 1)", "N"},
        {"start", 0, POPT_ARG_NONE, NULL, OPT_START, "start the VMs", NULL},
        {"user-data", 0, POPT_ARG_STRING, NULL, OPT_USER_DATA,
         "cloud-init user-data for the VMs, instead of the template's", "FILE"},
        {"dry-run", 0, POPT_ARG_NONE, NULL, OPT_DRY_RUN,
         "check and print the plan; change nothing", NULL},
        {"keep-failed", 0, POPT_ARG_NONE, NULL, OPT_KEEP_FAILED,
         "keep what a failed VM got (for a post-mortem); do not undo it", NULL},
        {"resume", 0, POPT_ARG_NONE, NULL, OPT_RESUME,
         "finish or undo the VMs that killed runs left half-made", NULL},
        {NULL, 0, POPT_ARG_INCLUDE_TABLE, cmd_job_options, 0, NULL, NULL},
        {NULL, 0, POPT_ARG_INCLUDE_TABLE, cmd_common_options, 0,
         "Common options:", NULL},
        POPT_TABLEEND};
    poptContext pc =
        cmd_parse(argc, argv, table, "[TEMPLATE-ID|NAME...]", on_opt, &o);
    check_opts(&o);
    cmd_out_begin(cmd_vm_columns, CMD_VM_NCOLUMNS);
    if (o.resume) {
        cmd_no_args(pc);
        sp_error err;
        if (sp_deploy_resume(cmd_config(), cmd_library(),
                             o.keep_failed ? SP_DEPLOY_KEEP_FAILED : 0, on_vm,
                             &o, &err) &&
            cmd_exit_code() == SP_EXIT_OK)
            cmd_failed("resume", "the library", &err);
    } else if (o.tmpl) {
        cmd_no_args(pc);
        sp_template *t = cmd_template_arg(o.tmpl);
        if (t)
            deploy(&o, t);
        sp_template_free(t);
    } else {
        struct cmd_ids *it = cmd_ids_open(pc, 0);
        sp_id *id;
        while ((id = cmd_ids_next(it, CMD_KIND(SP_ID_TMPL)))) {
            sp_template *t;
            sp_error err;
            if (sp_library_load(cmd_library(), id, &t, &err))
                cmd_failed("find template", sp_id_str(id), &err);
            else
                deploy(&o, t);
            sp_template_free(t);
            sp_id_free(id);
        }
        cmd_ids_close(it);
    }
    cmd_name_pattern_release(&o.pat);
    free(o.tmpl);
    free(o.host);
    free(o.group);
    free(o.name);
    free(o.user_data_file);
    free(o.user_data);
    cmd_library_close();
    return cmd_finish(pc);
}
