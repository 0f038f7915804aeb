/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd/lun-list.c: lun-list, list the LUNs of pools, of given IDs or of every
 * configured array. */
#include <json-c/json.h>
#include <popt.h>

#include "common/arrays.h"
#include "common/cli.h"
#include "common/cmd.h"
#include "common/ids.h"
#include "common/luns.h"
#include "common/status.h"

enum { OPT_NO_MASKING = CMD_OPT_FIRST, OPT_ALL };

struct opts {
    bool no_masking, all;
    unsigned int flags; /* for the library: SP_LUN_MASKING or 0 */
    const sp_config *cfg;
};

static void on_opt(int val, const char *arg, void *ctx)
{
    struct opts *o = ctx;
    if (val == OPT_NO_MASKING)
        o->no_masking = true;
    else if (val == OPT_ALL)
        o->all = true;
}

/* The MASKING cell, "kvm01:0,kvm02:3": each initiator named by its host
 * when the configuration knows it.  The initiators of one view come
 * together, so a host with several of them is shown once. */
static char *masking_cell(const struct opts *o, const sp_lun *l)
{
    char *s = NULL, *prev = NULL;
    size_t len = 0, cap = 0;
    for (size_t i = 0; i < sp_lun_mask_count(l); i++) {
        const char *ini = sp_lun_mask_initiator(l, i);
        const char *host = cmd_host_of_initiator(o->cfg, ini);
        uint32_t num = sp_lun_mask_number(l, i);
        char *item = num == SP_LUN_NUMBER_UNKNOWN
                         ? cmd_xasprintf("%s:?", host ? host : ini)
                         : cmd_xasprintf("%s:%u", host ? host : ini, num);
        if (!prev || strcmp(prev, item) != 0) {
            cmd_grow((void **)&s, &cap, len + strlen(item) + 2, 1);
            len += (size_t)snprintf(s + len, cap - len, "%s%s", len ? "," : "",
                                    item);
        }
        free(prev);
        prev = item;
    }
    free(prev);
    return s;
}

static json_object *masking_json(const struct opts *o, const sp_lun *l)
{
    if (!(o->flags & SP_LUN_MASKING))
        return NULL; /* not fetched: null, never a misleading [] */
    json_object *arr = json_object_new_array();
    for (size_t i = 0; i < sp_lun_mask_count(l); i++) {
        const char *ini = sp_lun_mask_initiator(l, i);
        const char *host = cmd_host_of_initiator(o->cfg, ini);
        json_object *m = json_object_new_object();
        json_object_object_add(m, "initiator", json_object_new_string(ini));
        json_object_object_add(m, "host", cmd_json_string(host));
        uint32_t num = sp_lun_mask_number(l, i);
        json_object_object_add(
            m, "lun",
            num == SP_LUN_NUMBER_UNKNOWN ? NULL : json_object_new_int64(num));
        json_object_array_add(arr, m);
    }
    return arr;
}

/* One LUN: only its ID unless -l or --json asked for more, so that a long
 * listing streams in bounded memory. */
static int one(sp_lun *l, void *ctx)
{
    struct opts *o = ctx;
    struct cmd_lun_view v;
    cmd_lun_view_of(l, &v);
    if (cmd_opt.long_fmt) {
        const char *cells[CMD_LUN_NCOLUMNS + 1];
        cmd_lun_cells(&v, cells);
        char *masking = masking_cell(o, l);
        cells[CMD_LUN_NCOLUMNS] = masking;
        cmd_out_row(v.id, cells, NULL);
        free(masking);
    } else if (cmd_opt.json) {
        json_object *j = cmd_lun_json(&v);
        json_object_object_add(j, "masking", masking_json(o, l));
        cmd_out_row(v.id, NULL, j);
    } else {
        cmd_out_row(v.id, NULL, NULL);
    }
    sp_lun_free(l);
    return 0;
}

/* The LUNs of every pool of array @name. */
static void list_array(const char *name, struct opts *o)
{
    sp_error err;
    sp_array *a = cmd_array(name, &err);
    if (!a)
        cmd_failed("open array", name, &err);
    else if (sp_array_list_luns(a, NULL, o->flags, one, o))
        cmd_failed("list LUNs of array", name, sp_array_error(a));
    else
        cmd_ok();
}

/* A pool ID: its LUNs; a LUN ID: that LUN. */
static void list_id(const sp_id *id, struct opts *o)
{
    bool pool = sp_id_get_kind(id) == SP_ID_POOL;
    const char *verb = pool ? "list LUNs of" : "look up";
    sp_error err;
    sp_array *a = cmd_array_of(id, &err);
    if (!a) {
        cmd_failed(verb, sp_id_str(id), &err);
        return;
    }
    sp_lun *l = NULL;
    sp_code rc = pool ? sp_array_list_luns(a, id, o->flags, one, o)
                      : sp_array_get_lun(a, id, o->flags, &l);
    if (rc) {
        cmd_failed(verb, sp_id_str(id), sp_array_error(a));
        return;
    }
    if (l)
        one(l, o);
    cmd_ok();
}

int main(int argc, char **argv)
{
    struct opts o = {0};
    struct poptOption table[] = {
        {"all", 'a', POPT_ARG_NONE, NULL, OPT_ALL,
         "list the LUNs of every configured array; read no IDs (for scripts)",
         NULL},
        {"no-masking", 0, POPT_ARG_NONE, NULL, OPT_NO_MASKING,
         "with -l or --json, do not fetch the masking (fewer requests)", NULL},
        {NULL, 0, POPT_ARG_INCLUDE_TABLE, cmd_common_options, 0,
         "Common options:", NULL},
        POPT_TABLEEND};
    cmd_init(argv[0]);
    poptContext pc =
        cmd_parse(argc, argv, table, "[POOL-ID|LUN-ID...]", on_opt, &o);
    o.cfg = cmd_config();
    if ((cmd_opt.long_fmt || cmd_opt.json) && !o.no_masking)
        o.flags = SP_LUN_MASKING;
    /* Bare IDs: the array need not say more. */
    bool ids_only = !cmd_opt.long_fmt && !cmd_opt.json;
    static struct cmd_column cols[CMD_LUN_NCOLUMNS + 1];
    memcpy(cols, cmd_lun_columns, sizeof(cmd_lun_columns));
    cols[CMD_LUN_NCOLUMNS] = (struct cmd_column){.name = "MASKING"};
    /* Without the masking, no MASKING column rather than an empty one. */
    cmd_out_begin(cols, CMD_LUN_NCOLUMNS + (o.flags ? 1 : 0));
    cmd_out_listing();
    if (o.all && poptPeekArg(pc))
        cmd_usage_error("--all lists every LUN and takes no IDs, not '%s'",
                        poptPeekArg(pc));
    struct cmd_ids *ids = o.all ? NULL : cmd_ids_open(pc, CMD_IDS_OPTIONAL);
    if (ids_only)
        o.flags |= SP_LUN_IDS_ONLY;
    if (!ids) {
        for (size_t i = 0; i < sp_config_count(o.cfg, "array"); i++)
            list_array(sp_config_name(o.cfg, "array", i), &o);
    }
    const unsigned int kinds = CMD_KIND(SP_ID_POOL) | CMD_KIND(SP_ID_LUN);
    sp_id *id;
    while ((id = cmd_ids_next(ids, kinds))) {
        list_id(id, &o);
        sp_id_free(id);
    }
    cmd_ids_close(ids);
    return cmd_finish(pc);
}
