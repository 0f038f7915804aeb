/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd/lun-create.c: lun-create, create LUNs in pools or SAN-copy them from a
 * LUN, all or nothing. */
#include <json-c/json.h>
#include <popt.h>
#include <signal.h>

#include "common/arrays.h"
#include "common/cli.h"
#include "common/cmd.h"
#include "common/ids.h"
#include "common/output.h"
#include "common/status.h"

enum { OPT_SIZE = CMD_OPT_FIRST, OPT_NAME, OPT_COUNT, OPT_CLONE, OPT_SNAPSHOT };

#define MAX_COUNT 10000
#define MAX_WIDTH 32

/* A --name pattern: text around at most one number. */
struct pattern {
    char *pre, *post; /* with "%%" made "%" */
    bool num, zero;
    int width;
};

struct opts {
    uint64_t size;
    char *name;
    unsigned long count;
    sp_copy_method method;
    char *source;
};

static unsigned long number_arg(const char *opt, const char *s,
                                unsigned long max)
{
    char *end;
    unsigned long v = strtoul(s, &end, 10);
    if (*s < '0' || *s > '9' || *end || v < 1 || v > max)
        cmd_usage_error("%s must be a whole number from 1 to %lu, not '%s'",
                        opt, max, s);
    return v;
}

static void on_opt(int val, const char *arg, void *ctx)
{
    struct opts *o = ctx;
    if (val == OPT_SIZE)
        o->size = cmd_size_arg("--size", arg);
    else if (val == OPT_NAME) {
        free(o->name);
        o->name = cmd_xstrdup(arg);
    } else if (val == OPT_COUNT)
        o->count = number_arg("--count", arg, MAX_COUNT);
    else if (o->source)
        cmd_usage_error("give one source: --clone-of or --snapshot-of, once");
    else {
        o->method = val == OPT_CLONE ? SP_COPY_CLONE : SP_COPY_SNAPSHOT;
        o->source = cmd_xstrdup(arg);
    }
}

/* printf-like, but only %d, %Nd, %0Nd (once) and %%: the pattern comes
 * from the user and never reaches printf itself. */
static void parse_pattern(const char *s, struct pattern *p)
{
    size_t len[2] = {0, 0};
    char *out[2] = {cmd_xcalloc(strlen(s) + 1, 1),
                    cmd_xcalloc(strlen(s) + 1, 1)};
    int part = 0;
    if (!*s)
        cmd_usage_error("--name must not be empty");
    for (const char *c = s; *c; c++) {
        if (*c != '%' || c[1] == '%') {
            out[part][len[part]++] = *c;
            c += *c == '%';
            continue;
        }
        const char *conv = c++;
        bool zero = *c == '0';
        int width = 0;
        c += zero;
        while (*c >= '0' && *c <= '9' && width <= MAX_WIDTH)
            width = width * 10 + (*c++ - '0');
        if (*c != 'd' || width > MAX_WIDTH)
            cmd_usage_error("--name '%s': '%.*s' is not allowed; the number "
                            "is written %%d, %%Nd or %%0Nd (N up to %d), "
                            "and %%%% is a %%",
                            s, (int)(c - conv) + (*c != '\0'), conv, MAX_WIDTH);
        if (part)
            cmd_usage_error("--name '%s' has more than one number", s);
        part = 1;
        p->num = true;
        p->zero = zero;
        p->width = width;
    }
    p->pre = out[0];
    p->post = out[1];
}

static char *make_name(const struct pattern *p, unsigned long n)
{
    if (!p->num)
        return cmd_xstrdup(p->pre);
    return p->zero ? cmd_xasprintf("%s%0*lu%s", p->pre, p->width, n, p->post)
                   : cmd_xasprintf("%s%*lu%s", p->pre, p->width, n, p->post);
}

static json_object *str_or_null(const char *s)
{
    return s ? json_object_new_string(s) : NULL;
}

/* What one line of output tells: a LUN made, or (with a job ID) the LUN a
 * job still running is making. */
struct shown {
    const sp_id *id;
    const char *name;
    uint64_t size;
    const char *wwn;
    const sp_id *pool, *source;
    sp_copy_method copy;
};

static void row(const struct shown *s)
{
    const char *pool = s->pool ? sp_id_str(s->pool) : NULL;
    const char *source = s->source ? sp_id_str(s->source) : NULL;
    const char *copy = s->copy == SP_COPY_SNAPSHOT ? "snapshot"
                       : s->copy == SP_COPY_CLONE  ? "clone"
                                                   : NULL;
    /* The table as lun-list(1) shows LUNs: the pool's key, "clone KEY". */
    char *src_cell =
        s->source ? cmd_xasprintf("%s %s", copy, sp_id_field(s->source, 1))
                  : NULL;
    const char *cells[] = {s->name, cmd_size(s->size), s->wwn,
                           s->pool ? sp_id_field(s->pool, 1) : NULL, src_cell};
    json_object *j = json_object_new_object();
    json_object_object_add(j, "id", json_object_new_string(sp_id_str(s->id)));
    json_object_object_add(j, "array",
                           json_object_new_string(sp_id_field(s->id, 0)));
    json_object_object_add(j, "name", json_object_new_string(s->name));
    json_object_object_add(j, "size", json_object_new_int64((int64_t)s->size));
    json_object_object_add(j, "wwn", str_or_null(s->wwn));
    json_object_object_add(j, "pool", str_or_null(pool));
    json_object_object_add(j, "source", str_or_null(source));
    json_object_object_add(j, "copy", str_or_null(copy));
    if (sp_id_get_kind(s->id) == SP_ID_JOB)
        json_object_object_add(j, "pending", json_object_new_boolean(true));
    cmd_out_row(s->id, cells, j);
    free(src_cell);
}

struct run {
    const struct opts *o;
    struct pattern pat;
    sp_id *source;
    sp_lun *src;  /* the source LUN of a copy */
    struct made { /* what the run made, in order */
        sp_lun *lun;
        sp_array *a;
    } * made;
    size_t nmade, capmade;
};

static void lun_row(const struct run *r, const sp_lun *l)
{
    const sp_id *pool = sp_lun_pool(l);
    struct shown s = {sp_lun_id(l),
                      sp_lun_name(l),
                      sp_lun_size(l),
                      sp_lun_wwn(l),
                      pool || !r->src ? pool : sp_lun_pool(r->src),
                      sp_lun_source(l),
                      sp_lun_copy(l)};
    row(&s);
}

/* Undo the run: delete what it made, newest first. */
static void roll_back(struct run *r)
{
    size_t removed = 0;
    for (size_t i = r->nmade; i-- > 0;) {
        const sp_id *id = sp_lun_id(r->made[i].lun);
        if (sp_array_delete_lun(r->made[i].a, id, 0) == SP_OK)
            removed++;
        else
            cmd_error("could not remove '%s': %s", sp_id_str(id),
                      sp_array_error(r->made[i].a)->message);
    }
    if (removed)
        sp_log(SP_LOG_WARN, "removed the %zu %s this run had made", removed,
               removed == 1 ? "LUN" : "LUNs");
}

/* A job outlasted --timeout: print what was made and the job, which may
 * still finish, and keep them. */
static void timed_out(struct run *r, sp_array *a, const sp_id *pool,
                      const char *name)
{
    sp_id *job = NULL;
    for (size_t i = 0; i < r->nmade; i++)
        lun_row(r, r->made[i].lun);
    if (sp_id_parse(sp_array_pending_job(a), &job, NULL) != SP_OK) {
        cmd_error("the array named job '%s', which is no ID",
                  sp_array_pending_job(a));
        return;
    }
    const struct opts *o = r->o;
    struct shown s = {job,
                      name,
                      r->src ? sp_lun_size(r->src) : o->size,
                      NULL,
                      pool || !r->src ? pool : sp_lun_pool(r->src),
                      o->method ? r->source : NULL,
                      o->method};
    row(&s);
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

/* Make --count LUNs in @pool (NULL: the source's), numbered from @first.
 * False when one failed, which ends the run. */
static bool make_in(struct run *r, sp_array *a, const sp_id *pool,
                    unsigned long first)
{
    const struct opts *o = r->o;
    /* Bare IDs out: the array need not be asked what it made. */
    unsigned int ids_only =
        cmd_opt.long_fmt || cmd_opt.json ? 0 : SP_LUN_IDS_ONLY;
    for (unsigned long n = first; n < first + o->count; n++) {
        if (interrupted(r))
            return false;
        char *name = make_name(&r->pat, n);
        sp_lun *l = NULL;
        sp_code rc = o->method ? sp_array_copy_lun(a, r->source, o->method,
                                                   name, pool, ids_only, &l)
                               : sp_array_create_lun(a, pool, name, o->size,
                                                     ids_only, &l);
        if (rc == SP_OK) {
            cmd_grow((void **)&r->made, &r->capmade, r->nmade + 1,
                     sizeof(*r->made));
            r->made[r->nmade++] = (struct made){l, a};
            free(name);
            continue;
        }
        const sp_error *e = sp_array_error(a);
        if (o->method)
            cmd_fail(sp_error_exit_code(e), "cannot make %s '%s' of '%s': %s",
                     o->method == SP_COPY_CLONE ? "clone" : "snapshot", name,
                     sp_id_str(r->source), e->message);
        else
            cmd_fail(sp_error_exit_code(e),
                     "cannot create LUN '%s' in '%s': %s", name,
                     sp_id_str(pool), e->message);
        if (rc == SP_ERR_CONNECTION_LOST || rc == SP_ERR_TIMEOUT)
            sp_log(SP_LOG_WARN,
                   "if the array made LUN '%s' before its answer was lost, "
                   "that LUN is left: look for it with lun-list",
                   name);
        if (rc == SP_ERR_JOB_TIMEOUT && sp_array_pending_job(a))
            timed_out(r, a, pool, name);
        else
            roll_back(r);
        free(name);
        return false;
    }
    return true;
}

/* Check the source and the pools before anything is made. */
static bool check(struct run *r, sp_id **pools, size_t npools, sp_array **src_a)
{
    const struct opts *o = r->o;
    const char *verb = o->method == SP_COPY_CLONE ? "clone" : "snapshot";
    sp_error err;
    sp_error_clear(&err);
    if (r->source) {
        if (!(*src_a = cmd_array_of(r->source, &err)))
            cmd_failed(verb, sp_id_str(r->source), &err);
        else if (sp_array_get_lun(*src_a, r->source, 0, &r->src) != SP_OK)
            cmd_failed(verb, sp_id_str(r->source), sp_array_error(*src_a));
        if (!r->src)
            return false;
    }
    for (size_t i = 0; i < npools; i++) {
        bool seen = false;
        for (size_t j = 0; j < i && !seen; j++)
            seen = sp_id_equal(pools[j], pools[i]);
        if (seen)
            continue;
        const char *what = o->method ? "copy into" : "create LUNs in";
        sp_array *a = cmd_array_of(pools[i], &err);
        sp_pool *p = NULL;
        if (!a)
            cmd_failed(what, sp_id_str(pools[i]), &err);
        else if (r->source && a != *src_a)
            cmd_fail(SP_EXIT_PRECONDITION,
                     "cannot %s '%s' into '%s': a SAN copy stays on the "
                     "array of its source",
                     verb, sp_id_str(r->source), sp_id_str(pools[i]));
        else if (sp_array_get_pool(a, pools[i], &p) != SP_OK)
            cmd_failed(what, sp_id_str(pools[i]), sp_array_error(a));
        sp_pool_free_handle(p);
    }
    return cmd_exit_code() == SP_EXIT_OK;
}

static void run(struct run *r, sp_id **pools, size_t npools)
{
    const struct opts *o = r->o;
    sp_array *src_a = NULL;
    if (!check(r, pools, npools, &src_a))
        return;
    if (!o->name) { /* lun1, lun2...; base-snap1...; base-clone1... */
        r->pat.num = true;
        r->pat.pre =
            !o->method
                ? cmd_xstrdup("lun")
                : cmd_xasprintf("%s-%s", sp_lun_name(r->src),
                                o->method == SP_COPY_CLONE ? "clone" : "snap");
        r->pat.post = cmd_xstrdup("");
    }
    for (size_t i = 0; i < (npools ? npools : 1); i++) {
        const sp_id *pool = npools ? pools[i] : NULL;
        sp_error err;
        sp_array *a = pool ? cmd_array_of(pool, &err) : src_a;
        unsigned long first = 1; /* a pool named twice goes on counting */
        for (size_t j = 0; j < i; j++)
            first += sp_id_equal(pools[j], pool) ? o->count : 0;
        if (!make_in(r, a, pool, first))
            return;
    }
    if (interrupted(r))
        return;
    for (size_t i = 0; i < r->nmade; i++) {
        lun_row(r, r->made[i].lun);
        cmd_ok();
    }
}

int main(int argc, char **argv)
{
    struct opts o = {.count = 1};
    struct poptOption table[] = {
        {"size", 0, POPT_ARG_STRING, NULL, OPT_SIZE,
         "the size of each LUN (a copy has its source's)", "SIZE"},
        {"name", 0, POPT_ARG_STRING, NULL, OPT_NAME,
         "name the LUNs after PATTERN, where %d is the number, from 1 in "
         "each pool (default lun%d)",
         "PATTERN"},
        {"count", 0, POPT_ARG_STRING, NULL, OPT_COUNT,
         "make N LUNs in each pool (default 1)", "N"},
        {"clone-of", 0, POPT_ARG_STRING, NULL, OPT_CLONE,
         "make clones (full copies) of this LUN", "LUN-ID"},
        {"snapshot-of", 0, POPT_ARG_STRING, NULL, OPT_SNAPSHOT,
         "make snapshots of this LUN", "LUN-ID"},
        {NULL, 0, POPT_ARG_INCLUDE_TABLE, cmd_job_options, 0, NULL, NULL},
        {NULL, 0, POPT_ARG_INCLUDE_TABLE, cmd_common_options, 0,
         "Common options:", NULL},
        POPT_TABLEEND};
    cmd_init(argv[0]);
    poptContext pc = cmd_parse(argc, argv, table, "[POOL-ID...]", on_opt, &o);
    const char *src_opt =
        o.method == SP_COPY_CLONE ? "--clone-of" : "--snapshot-of";
    if (!o.method && !o.size)
        cmd_usage_error("--size is needed, unless --clone-of or "
                        "--snapshot-of makes copies");
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
        parse_pattern(o.name, &r.pat);
    if (o.name && !r.pat.num && o.count > 1)
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
    sp_id **pools = NULL;
    size_t npools = it ? cmd_ids_read_all(it, CMD_KIND(SP_ID_POOL), &pools) : 0;
    if (cmd_exit_code() == SP_EXIT_OK && (npools || !it)) {
        catch_signals();
        run(&r, pools, npools);
    }
    cmd_ids_close(it);
    cmd_ids_free_all(pools, npools);
    for (size_t i = 0; i < r.nmade; i++)
        sp_lun_free(r.made[i].lun);
    free(r.made);
    sp_lun_free(r.src);
    sp_id_free(r.source);
    free(r.pat.pre);
    free(r.pat.post);
    free(o.name);
    free(o.source);
    int code = cmd_finish(pc);
    if (stop_signal) /* die of it, as the shell expects */
        raise(stop_signal);
    return code;
}
