/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd/lun-create.c: lun-create, create LUNs in pools or SAN-copy them from
 * LUNs, all or nothing. */
#include <popt.h>

#include "common/cli.h"
#include "common/ids.h"
#include "common/luns.h"
#include "common/signals.h"
#include "common/status.h"
#include "lun-create/lun-create.h"

enum { OPT_SIZE = CMD_OPT_FIRST, OPT_NAME, OPT_COUNT, OPT_CLONE, OPT_SNAPSHOT };

#define MAX_COUNT 10000

static void on_opt(int val, const char *arg, void *ctx)
{
    struct opts *o = ctx;
    if (val == OPT_SIZE)
        o->size = cmd_size_arg("--size", arg);
    else if (val == OPT_NAME) {
        free(o->name);
        o->name = cmd_xstrdup(arg);
    } else if (val == OPT_COUNT)
        o->count = cmd_number_arg("--count", arg, MAX_COUNT);
    else if (o->source)
        cmd_usage_error("give one source: --clone-of or --snapshot-of, once");
    else {
        o->method = val == OPT_CLONE ? SP_COPY_CLONE : SP_COPY_SNAPSHOT;
        o->source = cmd_xstrdup(arg);
    }
}

static const char *source_option(sp_copy_method m)
{
    return m == SP_COPY_CLONE ? "--clone-of" : "--snapshot-of";
}

/* What the IDs read ask for.  A pool needs --size, or a source option to
 * copy into it; a LUN read is the source, copied at its size into its
 * pool: so a run reads pool IDs or LUN IDs, never both. */
static void check_ids(const struct opts *o, const struct cmd_name_pattern *p,
                      sp_id **ids, size_t n)
{
    const sp_id *lun = NULL, *pool = NULL, *mixed = NULL;
    size_t nluns = 0;
    for (size_t i = 0; i < n; i++) {
        bool is_lun = sp_id_get_kind(ids[i]) == SP_ID_LUN;
        const sp_id **first = is_lun ? &lun : &pool;
        nluns += is_lun;
        *first = *first ? *first : ids[i];
        if (!mixed && lun && pool)
            mixed = ids[i];
    }
    if (lun && o->method)
        cmd_usage_error("cannot read ID '%s': %s names the source already, "
                        "so a pool ID is wanted, not a lun ID",
                        sp_id_str(lun), source_option(o->method));
    if (lun && o->size)
        cmd_usage_error("cannot read ID '%s': a LUN read is copied at its "
                        "own size, so --size cannot be used with it",
                        sp_id_str(lun));
    if (mixed)
        cmd_usage_error("cannot read ID '%s': pool IDs and lun IDs cannot be "
                        "mixed (a LUN read is copied into its own pool; LUNs "
                        "made in a pool need --size)",
                        sp_id_str(mixed));
    if (pool && !o->size && !o->method)
        cmd_usage_error("cannot read ID '%s': --size is needed to make LUNs "
                        "in a pool, unless --clone-of or --snapshot-of copies "
                        "into it",
                        sp_id_str(pool));
    if (o->name && !cmd_name_pattern_has_number(p) && nluns > 1)
        cmd_usage_error("--name '%s' has no number (%%d) for the copies of "
                        "%zu LUNs: the names would repeat",
                        o->name, nluns);
}

int main(int argc, char **argv)
{
    struct opts o = {.count = 1};
    struct poptOption table[] = {
        {"size", 0, POPT_ARG_STRING, NULL, OPT_SIZE,
         "the size of each LUN (a copy has its source's)", "SIZE"},
        {"name", 0, POPT_ARG_STRING, NULL, OPT_NAME,
         "name the LUNs after PATTERN, where %d is the number, from 1 "
         "(default lun%d)",
         "PATTERN"},
        {"count", 0, POPT_ARG_STRING, NULL, OPT_COUNT,
         "make N LUNs in each pool, or N copies of each LUN (default 1)", "N"},
        {"clone-of", 0, POPT_ARG_STRING, NULL, OPT_CLONE,
         "make clones (full copies) of this LUN", "LUN-ID"},
        {"snapshot-of", 0, POPT_ARG_STRING, NULL, OPT_SNAPSHOT,
         "make snapshots of this LUN", "LUN-ID"},
        {NULL, 0, POPT_ARG_INCLUDE_TABLE, cmd_job_options, 0, NULL, NULL},
        {NULL, 0, POPT_ARG_INCLUDE_TABLE, cmd_common_options, 0,
         "Common options:", NULL},
        POPT_TABLEEND};
    cmd_init(argv[0]);
    poptContext pc =
        cmd_parse(argc, argv, table, "[POOL-ID...|LUN-ID...]", on_opt, &o);
    const char *src_opt = source_option(o.method);
    if (o.method && o.size)
        cmd_usage_error("%s makes copies of the source's size: --size "
                        "cannot be used with it",
                        src_opt);
    struct run r = {.o = &o};
    sp_error err;
    sp_error_clear(&err);
    if (o.source && sp_id_parse(o.source, &r.source, &err) != SP_OK)
        cmd_usage_error("%s '%s': %s", src_opt, o.source, err.message);
    if (r.source && sp_id_get_kind(r.source) != SP_ID_LUN)
        cmd_usage_error("%s '%s': a lun ID is wanted, not a %s ID", src_opt,
                        o.source, sp_id_kind_name(sp_id_get_kind(r.source)));
    if (o.name)
        cmd_name_pattern_parse(o.name, &r.pat);
    if (o.name && !cmd_name_pattern_has_number(&r.pat) && o.count > 1)
        cmd_usage_error("--name '%s' has no number (%%d) for --count %lu: "
                        "the names would repeat",
                        o.name, o.count);
    cmd_config();
    cmd_out_begin(cmd_lun_columns, CMD_LUN_NCOLUMNS);
    /* All IDs first: a bad one stops the run before anything is made. */
    struct cmd_ids *it = cmd_ids_open(pc, o.method ? CMD_IDS_OPTIONAL : 0);
    sp_id **ids = NULL;
    unsigned int kinds = CMD_KIND(SP_ID_POOL) | CMD_KIND(SP_ID_LUN);
    size_t n = it ? cmd_ids_read_all(it, kinds, &ids) : 0;
    if (cmd_exit_code() == SP_EXIT_OK && (n || !it)) {
        check_ids(&o, &r.pat, ids, n);
        cmd_signals_catch();
        lc_run(&r, ids, n);
    }
    cmd_ids_close(it);
    cmd_ids_free_all(ids, n);
    for (size_t i = 0; i < r.nmade; i++)
        sp_lun_free(r.made[i].lun);
    free(r.made);
    for (size_t i = 0; i < r.nsrcs; i++)
        sp_lun_free(r.srcs[i]);
    free(r.srcs);
    free(r.steps);
    sp_id_free(r.source);
    sp_journal_free(r.journal);
    cmd_name_pattern_release(&r.pat);
    free(o.name);
    free(o.source);
    int code = cmd_finish(pc);
    cmd_signal_reraise(); /* die of it, as the shell expects */
    return code;
}
