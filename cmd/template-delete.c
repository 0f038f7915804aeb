/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd/template-delete.c: template-delete, remove templates from the
 * library; refused while snapshots of the template's LUN depend on it
 * unless --force; --with-lun deletes the LUN too. */
#include <popt.h>

#include "common/arrays.h"
#include "common/cli.h"
#include "common/ids.h"
#include "common/output.h"
#include "common/status.h"
#include "common/templates.h"

enum { OPT_FORCE = CMD_OPT_FIRST, OPT_WITH_LUN };

struct opts {
    bool force, with_lun;
};

static void on_opt(int val, const char *arg, void *ctx)
{
    struct opts *o = ctx;
    if (val == OPT_FORCE)
        o->force = true;
    else if (val == OPT_WITH_LUN)
        o->with_lun = true;
}

struct dependents {
    const sp_id *lun;
    size_t n;
    char first[256];
};

static int count_snapshot(sp_lun *l, void *ctx)
{
    struct dependents *d = ctx;
    if (sp_lun_copy(l) == SP_COPY_SNAPSHOT && sp_lun_source(l) &&
        sp_id_equal(sp_lun_source(l), d->lun) && d->n++ == 0)
        snprintf(d->first, sizeof(d->first), "%s", sp_id_str(sp_lun_id(l)));
    sp_lun_free(l);
    return 0;
}

/* False (reported) when snapshots of the template's LUN depend on it. */
static bool free_of_snapshots(const sp_template *t, sp_array *a)
{
    struct dependents d = {sp_template_lun(t), 0, ""};
    if (sp_array_list_luns(a, NULL, 0, count_snapshot, &d)) {
        cmd_failed("list the LUNs of array", sp_array_name(a),
                   sp_array_error(a));
        return false;
    }
    if (!d.n)
        return true;
    cmd_fail(SP_EXIT_PRECONDITION,
             "cannot delete template '%s': %zu snapshot(s) of its LUN "
             "depend on it (%s%s), and VMs on them would lose their disks; "
             "delete them first, or give --force",
             sp_template_name(t), d.n, d.first, d.n > 1 ? ", ..." : "");
    return false;
}

static void delete_one(const struct opts *o, const sp_id *id)
{
    sp_error err;
    sp_error_clear(&err);
    sp_template *t = NULL;
    if (sp_library_load(cmd_library(), id, &t, &err)) {
        cmd_failed("delete", sp_id_str(id), &err);
        return;
    }
    sp_array *a = cmd_array_of(sp_template_lun(t), &err);
    if (!a && o->force && !o->with_lun) {
        /* Its array is gone from the configuration: forced, the template
         * is forgotten all the same. */
        sp_log(SP_LOG_WARN, "template '%s': %s; not checked for snapshots",
               sp_template_name(t), err.message);
        sp_error_clear(&err);
    } else if (!a) {
        cmd_failed("delete", sp_id_str(id), &err);
        sp_template_free(t);
        return;
    }
    if (!a || o->force || free_of_snapshots(t, a)) {
        if (o->with_lun &&
            sp_array_delete_lun(a, sp_template_lun(t), 0) != SP_OK &&
            sp_array_error(a)->code != SP_ERR_NOT_FOUND) {
            cmd_fail(sp_error_exit_code(sp_array_error(a)),
                     "cannot delete the LUN '%s' of template '%s': %s; the "
                     "template is kept",
                     sp_id_str(sp_template_lun(t)), sp_template_name(t),
                     sp_array_error(a)->message);
        } else if (sp_library_remove(cmd_library(), id, 0, &err)) {
            cmd_failed("delete", sp_id_str(id), &err);
        } else {
            static const char *const cells[] = {"deleted"};
            json_object *j = NULL;
            if (cmd_opt.json) {
                j = json_object_new_object();
                json_object_object_add(j, "id",
                                       json_object_new_string(sp_id_str(id)));
                json_object_object_add(
                    j, "name", json_object_new_string(sp_template_name(t)));
                json_object_object_add(j, "lun_deleted",
                                       json_object_new_boolean(o->with_lun));
            }
            cmd_out_row(id, cells, j);
            cmd_ok();
        }
    }
    sp_template_free(t);
}

int main(int argc, char **argv)
{
    struct opts o = {0};
    struct poptOption table[] = {
        {"force", 'f', POPT_ARG_NONE, NULL, OPT_FORCE,
         "delete even while snapshots of its LUN depend on it", NULL},
        {"with-lun", 0, POPT_ARG_NONE, NULL, OPT_WITH_LUN,
         "delete the template's LUN too", NULL},
        {NULL, 0, POPT_ARG_INCLUDE_TABLE, cmd_common_options, 0,
         "Common options:", NULL},
        POPT_TABLEEND};
    cmd_init(argv[0]);
    poptContext pc = cmd_parse(argc, argv, table, "[TMPL-ID...]", on_opt, &o);
    cmd_config();
    static const struct cmd_column cols[] = {{"STATUS", false}};
    cmd_out_begin(cols, CMD_COUNT(cols));
    struct cmd_ids *ids = cmd_ids_open(pc, 0);
    sp_id *id;
    while ((id = cmd_ids_next(ids, CMD_KIND(SP_ID_TMPL)))) {
        delete_one(&o, id);
        sp_id_free(id);
    }
    cmd_ids_close(ids);
    return cmd_finish(pc);
}
