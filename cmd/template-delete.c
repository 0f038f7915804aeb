/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd/template-delete.c: template-delete, remove templates (by ID or name)
 * from the library; refused while snapshots of the template's LUN depend
 * on it unless --force; --with-lun deletes the LUN too. */
#include <popt.h>

#include "common/arrays.h"
#include "common/cli.h"
#include "common/ids.h"
#include "common/order.h"
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

static void delete_one(const struct opts *o, const sp_template *t)
{
    const sp_id *id = sp_template_id(t);
    sp_error err;
    sp_error_clear(&err);
    sp_array *a = cmd_array_of(sp_template_lun(t), &err);
    if (!a && o->force && !o->with_lun) {
        /* Its array is gone from the configuration: forced, the template
         * is forgotten all the same. */
        sp_log(SP_LOG_WARN, "template '%s': %s; not checked for snapshots",
               sp_template_name(t), err.message);
        sp_error_clear(&err);
    } else if (!a) {
        cmd_failed("delete", sp_id_str(id), &err);
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
            cmd_out_deleted(id);
            cmd_ok();
        }
    }
}

/* The templates of @ids that exist (*@out, to free), the others reported;
 * returns their count. */
static size_t load_all(sp_id **ids, size_t n, sp_template ***out)
{
    sp_template **ts = cmd_xcalloc(n + 1, sizeof(*ts));
    size_t nt = 0;
    for (size_t i = 0; i < n; i++) {
        sp_error err;
        sp_error_clear(&err);
        if (sp_library_load(cmd_library(), ids[i], &ts[nt], &err))
            cmd_failed("delete", sp_id_str(ids[i]), &err);
        else
            nt++;
    }
    *out = ts;
    return nt;
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
    poptContext pc =
        cmd_parse(argc, argv, table, "[TMPL-ID|NAME...]", on_opt, &o);
    cmd_config();
    cmd_out_begin_deleted();
    /* All read first: a template whose LUN is a copy of another's LUN
     * goes first, so that with --with-lun the other is then free of it. */
    struct cmd_ids *it = cmd_ids_open(pc, 0);
    sp_id **ids;
    size_t n = cmd_ids_read_all(it, CMD_KIND(SP_ID_TMPL), &ids);
    sp_template **ts;
    size_t nt = load_all(ids, n, &ts);
    const sp_id **luns = cmd_xcalloc(nt + 1, sizeof(*luns));
    size_t *order = cmd_xcalloc(nt + 1, sizeof(*order));
    for (size_t i = 0; i < nt; i++)
        luns[i] = sp_template_lun(ts[i]);
    cmd_luns_copies_first(luns, nt, order);
    for (size_t i = 0; i < nt; i++)
        delete_one(&o, ts[order[i]]);
    for (size_t i = 0; i < nt; i++)
        sp_template_free(ts[i]);
    free(ts);
    free(luns);
    free(order);
    cmd_ids_free_all(ids, n);
    cmd_ids_close(it);
    return cmd_finish(pc);
}
