/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd/lun-list.c: lun-list, list the LUNs of pools, of given IDs or of every
 * configured array. */
#include <json-c/json.h>
#include <popt.h>

#include "common/arrays.h"
#include "common/cli.h"
#include "common/cmd.h"
#include "common/ids.h"
#include "common/output.h"
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

static const char *copy_name(sp_copy_method m)
{
    return m == SP_COPY_SNAPSHOT ? "snapshot"
           : m == SP_COPY_CLONE  ? "clone"
                                 : "copy";
}

/* The SOURCE cell: "snapshot 00000001"; the source's key is enough when it
 * is on the LUN's own array, which a SAN copy always is. */
static char *source_cell(const sp_lun *l)
{
    const sp_id *src = sp_lun_source(l);
    if (!src)
        return NULL;
    bool here = strcmp(sp_id_field(src, 0), sp_id_field(sp_lun_id(l), 0)) == 0;
    return cmd_xasprintf("%s %s", copy_name(sp_lun_copy(l)),
                         here ? sp_id_field(src, 1) : sp_id_str(src));
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
        char *item =
            cmd_xasprintf("%s:%u", host ? host : ini, sp_lun_mask_number(l, i));
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
        json_object_object_add(m, "host",
                               host ? json_object_new_string(host) : NULL);
        json_object_object_add(m, "lun",
                               json_object_new_int64(sp_lun_mask_number(l, i)));
        json_object_array_add(arr, m);
    }
    return arr;
}

static json_object *lun_json(const struct opts *o, const sp_lun *l)
{
    const sp_id *id = sp_lun_id(l), *pool = sp_lun_pool(l),
                *src = sp_lun_source(l);
    const char *name = sp_lun_name(l), *wwn = sp_lun_wwn(l);
    json_object *j = json_object_new_object();
    json_object_object_add(j, "id", json_object_new_string(sp_id_str(id)));
    json_object_object_add(j, "array",
                           json_object_new_string(sp_id_field(id, 0)));
    json_object_object_add(j, "name",
                           name ? json_object_new_string(name) : NULL);
    json_object_object_add(j, "size",
                           json_object_new_int64((int64_t)sp_lun_size(l)));
    json_object_object_add(j, "wwn", wwn ? json_object_new_string(wwn) : NULL);
    json_object_object_add(
        j, "pool", pool ? json_object_new_string(sp_id_str(pool)) : NULL);
    json_object_object_add(j, "source",
                           src ? json_object_new_string(sp_id_str(src)) : NULL);
    json_object_object_add(
        j, "copy",
        src ? json_object_new_string(copy_name(sp_lun_copy(l))) : NULL);
    json_object_object_add(j, "masking", masking_json(o, l));
    return j;
}

/* One LUN: only its ID unless -l or --json asked for more, so that a long
 * listing streams in bounded memory. */
static int one(sp_lun *l, void *ctx)
{
    struct opts *o = ctx;
    if (cmd_opt.long_fmt) {
        const sp_id *pool = sp_lun_pool(l);
        char *source = source_cell(l), *masking = masking_cell(o, l);
        const char *cells[] = {
            sp_lun_name(l), cmd_size(sp_lun_size(l)),
            sp_lun_wwn(l),  pool ? sp_id_field(pool, 1) : NULL,
            source,         masking};
        cmd_out_row(sp_lun_id(l), cells, NULL);
        free(source);
        free(masking);
    } else {
        cmd_out_row(sp_lun_id(l), NULL, cmd_opt.json ? lun_json(o, l) : NULL);
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
    static const struct cmd_column cols[] = {
        {"NAME", false}, {"SIZE", true},    {"WWN", false},
        {"POOL", false}, {"SOURCE", false}, {"MASKING", false}};
    /* Without the masking, no MASKING column rather than an empty one. */
    cmd_out_begin(cols, CMD_COUNT(cols) - (o.flags ? 0 : 1));
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
