/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd/lun-create.c: lun-create, create LUNs in pools or SAN-copy them from
 * LUNs, all or nothing. */
#include <json-c/json.h>
#include <popt.h>
#include <signal.h>

#include "common/arrays.h"
#include "common/cli.h"
#include "common/cmd.h"
#include "common/ids.h"
#include "common/names.h"
#include "common/output.h"
#include "common/status.h"

enum { OPT_SIZE = CMD_OPT_FIRST, OPT_NAME, OPT_COUNT, OPT_CLONE, OPT_SNAPSHOT };

#define MAX_COUNT 10000

struct opts {
    uint64_t size;
    char *name;
    unsigned long count;
    sp_copy_method method; /* of --clone-of or --snapshot-of */
    char *source;
};

static void on_opt(int val, const char *arg, void *ctx)
{
    struct opts *o = ctx;
    if (val == OPT_SIZE)
        o->size = cmd_size_arg("--size", arg);
    else if (val == OPT_NAME) {
        free(o->name);
        o->name = cmd_xstrdup(arg);
    } else if (val == OPT_COUNT)
        o->count = cmd_count_arg("--count", arg, MAX_COUNT);
    else if (o->source)
        cmd_usage_error("give one source: --clone-of or --snapshot-of, once");
    else {
        o->method = val == OPT_CLONE ? SP_COPY_CLONE : SP_COPY_SNAPSHOT;
        o->source = cmd_xstrdup(arg);
    }
}

static const char *copy_name(sp_copy_method m)
{
    return m == SP_COPY_CLONE ? "clone" : "snapshot";
}

static const char *source_option(sp_copy_method m)
{
    return m == SP_COPY_CLONE ? "--clone-of" : "--snapshot-of";
}

static json_object *str_or_null(const char *s)
{
    return s ? json_object_new_string(s) : NULL;
}

/* A step of the run: --count LUNs in a pool, or copies of a source. */
struct step {
    const sp_id *id; /* the ID read: a pool or a LUN to copy; NULL: none */
    sp_array *a;
    const sp_id *pool;   /* NULL: the source's */
    const sp_id *source; /* NULL: new LUNs */
    const sp_lun *src;   /* the source, as its array told */
    sp_copy_method method;
    unsigned long first; /* the number in the first LUN's name */
};

struct run {
    const struct opts *o;
    struct cmd_name_pattern pat; /* --name's */
    sp_id *source;               /* --clone-of's or --snapshot-of's */
    struct step *steps;
    size_t nsteps;
    sp_lun **srcs; /* the sources, each looked up once */
    size_t nsrcs, capsrcs;
    struct made { /* what the run made, in order */
        sp_lun *lun;
        const struct step *step;
    } * made;
    size_t nmade, capmade;
};

/* One line of output: the LUN @l made by step @st, or (@l NULL) the job
 * @job still making LUN @name for it. */
static void row(const struct run *r, const struct step *st, const sp_lun *l,
                const sp_id *job, const char *name)
{
    const sp_id *id = l ? sp_lun_id(l) : job;
    const sp_id *pool = l ? sp_lun_pool(l) : st->pool;
    const sp_id *source = l ? sp_lun_source(l) : st->source;
    sp_copy_method m = l ? sp_lun_copy(l) : st->method;
    const char *copy = m ? copy_name(m) : NULL;
    const char *wwn = l ? sp_lun_wwn(l) : NULL;
    uint64_t size = l         ? sp_lun_size(l)
                    : st->src ? sp_lun_size(st->src)
                              : r->o->size;
    name = l ? sp_lun_name(l) : name;
    if (!pool && st->src) /* a copy made where its source is */
        pool = sp_lun_pool(st->src);
    /* The table as lun-list(1) shows LUNs: the pool's key, "clone KEY". */
    char *src_cell =
        source ? cmd_xasprintf("%s %s", copy, sp_id_field(source, 1)) : NULL;
    const char *cells[] = {name, cmd_size(size), wwn,
                           pool ? sp_id_field(pool, 1) : NULL, src_cell};
    json_object *j = json_object_new_object();
    json_object_object_add(j, "id", json_object_new_string(sp_id_str(id)));
    json_object_object_add(j, "array",
                           json_object_new_string(sp_id_field(id, 0)));
    json_object_object_add(j, "name", str_or_null(name));
    json_object_object_add(j, "size", json_object_new_int64((int64_t)size));
    json_object_object_add(j, "wwn", str_or_null(wwn));
    json_object_object_add(j, "pool",
                           str_or_null(pool ? sp_id_str(pool) : NULL));
    json_object_object_add(j, "source",
                           str_or_null(source ? sp_id_str(source) : NULL));
    json_object_object_add(j, "copy", str_or_null(copy));
    if (!l)
        json_object_object_add(j, "pending", json_object_new_boolean(true));
    cmd_out_row(id, cells, j);
    free(src_cell);
}

/* Undo the run: delete what it made, newest first. */
static void roll_back(struct run *r)
{
    size_t removed = 0;
    for (size_t i = r->nmade; i-- > 0;) {
        const sp_id *id = sp_lun_id(r->made[i].lun);
        sp_array *a = r->made[i].step->a;
        if (sp_array_delete_lun(a, id, 0) == SP_OK)
            removed++;
        else
            cmd_error("could not remove '%s': %s", sp_id_str(id),
                      sp_array_error(a)->message);
    }
    if (removed)
        sp_log(SP_LOG_WARN, "removed the %zu %s this run had made", removed,
               removed == 1 ? "LUN" : "LUNs");
}

/* A job outlasted --timeout: print what was made and the job, which may
 * still finish, and keep them. */
static void timed_out(struct run *r, const struct step *st, const char *name)
{
    sp_id *job = NULL;
    for (size_t i = 0; i < r->nmade; i++)
        row(r, r->made[i].step, r->made[i].lun, NULL, NULL);
    if (sp_id_parse(sp_array_pending_job(st->a), &job, NULL) != SP_OK) {
        cmd_error("the array named job '%s', which is no ID",
                  sp_array_pending_job(st->a));
        return;
    }
    row(r, st, NULL, job, name);
    sp_id_free(job);
    if (r->nmade)
        sp_log(SP_LOG_WARN, "kept the %zu %s made before the job", r->nmade,
               r->nmade == 1 ? "LUN" : "LUNs");
}

/* The signal that interrupted the run, which then undoes itself; a second
 * one stops it at once (SA_RESETHAND). */
static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
    stop_signal = sig;
}

static void catch_signals(void)
{
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
    struct sigaction sa = {.sa_handler = on_signal, .sa_flags = SA_RESETHAND};
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < CMD_COUNT(sigs); i++)
        sigaction(sigs[i], &sa, NULL);
}

/* Checked between two LUNs: true (the run undone) after a signal. */
static bool interrupted(struct run *r)
{
    if (!stop_signal)
        return false;
    cmd_fail(SP_EXIT_FAILED,
             "interrupted by %s: removing the LUNs made (a second signal "
             "leaves them)",
             stop_signal == SIGINT    ? "SIGINT"
             : stop_signal == SIGTERM ? "SIGTERM"
                                      : "SIGHUP");
    roll_back(r);
    return true;
}

/* Make LUN @name of step @st.  False when it failed, which ends the run. */
static bool make_one(struct run *r, const struct step *st, const char *name)
{
    /* Bare IDs out: the array need not be asked what it made. */
    unsigned int ids_only =
        cmd_opt.long_fmt || cmd_opt.json ? 0 : SP_LUN_IDS_ONLY;
    sp_lun *l = NULL;
    sp_code rc = st->source ? sp_array_copy_lun(st->a, st->source, st->method,
                                                name, st->pool, ids_only, &l)
                            : sp_array_create_lun(st->a, st->pool, name,
                                                  r->o->size, ids_only, &l);
    if (rc == SP_OK) {
        cmd_grow((void **)&r->made, &r->capmade, r->nmade + 1,
                 sizeof(*r->made));
        r->made[r->nmade++] = (struct made){l, st};
        return true;
    }
    const sp_error *e = sp_array_error(st->a);
    if (st->source)
        cmd_fail(sp_error_exit_code(e), "cannot make %s '%s' of '%s': %s",
                 copy_name(st->method), name, sp_id_str(st->source),
                 e->message);
    else
        cmd_fail(sp_error_exit_code(e), "cannot create LUN '%s' in '%s': %s",
                 name, sp_id_str(st->pool), e->message);
    if (rc == SP_ERR_CONNECTION_LOST || rc == SP_ERR_TIMEOUT)
        sp_log(SP_LOG_WARN,
               "if the array made LUN '%s' before its answer was lost, "
               "that LUN is left: look for it with lun-list",
               name);
    if (rc == SP_ERR_JOB_TIMEOUT && sp_array_pending_job(st->a))
        timed_out(r, st, name);
    else
        roll_back(r);
    return false;
}

/* Make the LUNs of step @st, numbered from st->first. */
static bool make(struct run *r, const struct step *st)
{
    struct cmd_name_pattern def = {0}; /* lun1...; base-snap1, base-clone1 */
    if (!r->o->name && !st->source)
        cmd_name_pattern_numbered(&def, "lun");
    else if (!r->o->name) {
        const char *base = sp_lun_name(st->src);
        char *prefix =
            cmd_xasprintf("%s-%s", base ? base : sp_id_field(st->source, 1),
                          st->method == SP_COPY_CLONE ? "clone" : "snap");
        cmd_name_pattern_numbered(&def, prefix);
        free(prefix);
    }
    const struct cmd_name_pattern *pat = r->o->name ? &r->pat : &def;
    bool ok = true;
    for (unsigned long n = st->first; ok && n < st->first + r->o->count; n++) {
        char *name = cmd_name_pattern_make(pat, n);
        ok = !interrupted(r) && make_one(r, st, name);
        free(name);
    }
    cmd_name_pattern_release(&def);
    return ok;
}

/* The LUN @id as its array tells it (kept in @r), or NULL after an error
 * (reported).  *@a is its array. */
static const sp_lun *lookup(struct run *r, const sp_id *id, const char *verb,
                            sp_array **a)
{
    sp_error err;
    sp_error_clear(&err);
    sp_lun *l = NULL;
    if (!(*a = cmd_array_of(id, &err)))
        cmd_failed(verb, sp_id_str(id), &err);
    else if (sp_array_get_lun(*a, id, 0, &l) != SP_OK)
        cmd_failed(verb, sp_id_str(id), sp_array_error(*a));
    if (l) {
        cmd_grow((void **)&r->srcs, &r->capsrcs, r->nsrcs + 1,
                 sizeof(*r->srcs));
        r->srcs[r->nsrcs++] = l;
    }
    return l;
}

/* How a LUN read is copied: by its array's copy-method (sanprov.conf(5)),
 * else by snapshot when the array can, else by clone.  Only without a
 * copy-method is the array asked (once a run) what it can do. */
static sp_copy_method preferred(sp_array *a, const sp_id *lun)
{
    const char *m =
        sp_config_get(cmd_config(), "array", sp_array_name(a), "copy-method");
    sp_array_caps c;
    if (m)
        return strcmp(m, "clone") == 0 ? SP_COPY_CLONE : SP_COPY_SNAPSHOT;
    if (sp_array_capabilities(a, &c) != SP_OK)
        cmd_failed("copy", sp_id_str(lun), sp_array_error(a));
    else if (c.snapshot || c.clone)
        return c.snapshot ? SP_COPY_SNAPSHOT : SP_COPY_CLONE;
    else
        cmd_fail(SP_EXIT_PRECONDITION,
                 "cannot copy '%s': array '%s' can make neither snapshots "
                 "nor clones",
                 sp_id_str(lun), sp_array_name(a));
    return SP_COPY_NONE;
}

/* The step of pool @id: LUNs made in it, or copies of --X-of's @src. */
static void plan_pool(struct run *r, const sp_id *id, sp_array *src_a,
                      const sp_lun *src, struct step *s)
{
    const char *what = r->source ? "copy into" : "create LUNs in";
    sp_error err;
    sp_error_clear(&err);
    sp_pool *p = NULL;
    *s = (struct step){.id = id,
                       .a = cmd_array_of(id, &err),
                       .pool = id,
                       .source = r->source,
                       .src = src,
                       .method = r->o->method,
                       .first = 1};
    if (!s->a)
        cmd_failed(what, sp_id_str(id), &err);
    else if (r->source && s->a != src_a)
        cmd_fail(SP_EXIT_PRECONDITION,
                 "cannot %s '%s' into '%s': a SAN copy stays on the "
                 "array of its source",
                 copy_name(r->o->method), sp_id_str(r->source), sp_id_str(id));
    else if (sp_array_get_pool(s->a, id, &p) != SP_OK)
        cmd_failed(what, sp_id_str(id), sp_array_error(s->a));
    sp_pool_free_handle(p);
}

/* Look up the source, the pools and the LUNs read, and plan the steps,
 * all before anything is made.  False when one cannot be used. */
static bool plan(struct run *r, sp_id **ids, size_t n)
{
    const struct opts *o = r->o;
    sp_array *src_a = NULL;
    const sp_lun *src = NULL;
    if (r->source &&
        !(src = lookup(r, r->source, copy_name(o->method), &src_a)))
        return false;
    r->steps = cmd_xcalloc(n ? n : 1, sizeof(*r->steps));
    if (!n) /* a source and no pool: copies in the source's */
        r->steps[r->nsteps++] =
            (struct step){NULL, src_a, NULL, r->source, src, o->method, 1};
    for (size_t i = 0; i < n; i++) {
        struct step *s = &r->steps[r->nsteps++];
        const struct step *prev = NULL;
        for (size_t j = i; j-- > 0 && !prev;)
            if (sp_id_equal(r->steps[j].id, ids[i]))
                prev = &r->steps[j];
        bool lun = sp_id_get_kind(ids[i]) == SP_ID_LUN;
        if (prev) { /* read again: its names go on counting */
            *s = *prev;
            s->first = prev->first + o->count;
        } else if (!lun) {
            plan_pool(r, ids[i], src_a, src, s);
        } else {
            *s = (struct step){.id = ids[i], .source = ids[i], .first = 1};
            if ((s->src = lookup(r, ids[i], "copy", &s->a))) {
                s->pool = sp_lun_pool(s->src);
                s->method = preferred(s->a, ids[i]);
            }
        }
        /* The user's pattern numbers the copies of all the LUNs read in
         * turn, as they may share a pool; default names carry the
         * source's name. */
        if (lun && o->name)
            s->first = 1 + i * o->count;
    }
    return cmd_exit_code() == SP_EXIT_OK;
}

static void run(struct run *r, sp_id **ids, size_t n)
{
    if (!plan(r, ids, n))
        return;
    for (size_t i = 0; i < r->nsteps; i++)
        if (!make(r, &r->steps[i]))
            return;
    if (interrupted(r))
        return;
    for (size_t i = 0; i < r->nmade; i++) {
        row(r, r->made[i].step, r->made[i].lun, NULL, NULL);
        cmd_ok();
    }
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
    static const struct cmd_column cols[] = {{"NAME", false},
                                             {"SIZE", true},
                                             {"WWN", false},
                                             {"POOL", false},
                                             {"SOURCE", false}};
    cmd_out_begin(cols, CMD_COUNT(cols));
    /* All IDs first: a bad one stops the run before anything is made. */
    struct cmd_ids *it = cmd_ids_open(pc, o.method ? CMD_IDS_OPTIONAL : 0);
    sp_id **ids = NULL;
    unsigned int kinds = CMD_KIND(SP_ID_POOL) | CMD_KIND(SP_ID_LUN);
    size_t n = it ? cmd_ids_read_all(it, kinds, &ids) : 0;
    if (cmd_exit_code() == SP_EXIT_OK && (n || !it)) {
        check_ids(&o, &r.pat, ids, n);
        catch_signals();
        run(&r, ids, n);
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
    cmd_name_pattern_release(&r.pat);
    free(o.name);
    free(o.source);
    int code = cmd_finish(pc);
    if (stop_signal) /* die of it, as the shell expects */
        raise(stop_signal);
    return code;
}
