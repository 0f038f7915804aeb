/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd/lun-create/run.c: lun-create's run: plan every step, then make the
 * LUNs, and undo it all on a failure or a signal. */
#include "common/arrays.h"
#include "common/cli.h"
#include "common/luns.h"
#include "common/signals.h"
#include "common/status.h"
#include "common/templates.h"
#include "lun-create/lun-create.h"

/* One line of output: the LUN @l made by step @st, or (@l NULL) the job
 * @job still making LUN @name for it. */
static void row(const struct run *r, const struct step *st, const sp_lun *l,
                const sp_id *job, const char *name)
{
    struct cmd_lun_view v;
    if (l) {
        cmd_lun_view_of(l, &v);
    } else {
        v = (struct cmd_lun_view){.id = job,
                                  .name = name,
                                  .size = r->o->size,
                                  .pool = st->pool,
                                  .source = st->source,
                                  .copy = st->method};
        if (st->src)
            v.size = sp_lun_size(st->src);
    }
    if (!v.pool && st->src) /* a copy made where its source is */
        v.pool = sp_lun_pool(st->src);
    const char *cells[CMD_LUN_NCOLUMNS];
    cmd_lun_cells(&v, cells);
    json_object *j = cmd_opt.json ? cmd_lun_json(&v) : NULL;
    if (j && !l)
        json_object_object_add(j, "pending", json_object_new_boolean(true));
    if (j && l && sp_lun_copy_how(l)) {
        json_object_object_add(j, "copied_by",
                               json_object_new_string(sp_lun_copy_how(l)));
        json_object_object_add(j, "copied_bytes",
                               json_object_new_uint64(sp_lun_copied_bytes(l)));
    }
    cmd_out_row(v.id, cells, j);
}

static void count_removed(const sp_id *lun, void *ctx)
{
    (void)lun;
    (*(size_t *)ctx)++;
}

/* Undo the run through its journal: delete what it made, newest first
 * (and what a call whose answer was lost made, found by its tag). */
static void roll_back(struct run *r)
{
    size_t removed = 0;
    sp_error err;
    if (r->journal &&
        sp_journal_undo(r->journal, 0, count_removed, &removed, &err) != SP_OK)
        cmd_error("could not remove all this run made (reconcile --fix "
                  "finishes it): %s",
                  err.message);
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
    /* Kept, the job's LUN too once made: the journal accounts for them. */
    sp_error err;
    if (sp_journal_commit(r->journal, 0, &err))
        cmd_error("%s", err.message);
    if (r->nmade)
        sp_log(SP_LOG_WARN, "kept the %zu %s made before the job", r->nmade,
               r->nmade == 1 ? "LUN" : "LUNs");
}

/* Checked between two LUNs: true (the run undone) after a signal. */
static bool interrupted(struct run *r)
{
    if (!cmd_signal_caught())
        return false;
    cmd_fail(SP_EXIT_FAILED,
             "interrupted by %s: removing the LUNs made (a second signal "
             "leaves them)",
             cmd_signal_name(cmd_signal_caught()));
    roll_back(r);
    return true;
}

/* What make_one() did. */
enum made_how { MADE, FAILED, TAKEN };

/* The pool the LUNs of step @st go to: its own, else its source's. */
static const sp_id *pool_of(const struct step *st)
{
    return st->pool ? st->pool : st->src ? sp_lun_pool(st->src) : NULL;
}

/* Make LUN @name of step @st, journaled.  FAILED ends the run; TAKEN
 * (only when @may_skip: a default name, not reserved up front) says the
 * array has a LUN of that name and will not take a second one, or another
 * run holds the name, so the caller may try the next name. */
static enum made_how make_one(struct run *r, const struct step *st,
                              const char *name, bool may_skip)
{
    /* Bare IDs out: the array need not be asked what it made. */
    unsigned int ids_only =
        cmd_opt.long_fmt || cmd_opt.json ? 0 : SP_LUN_IDS_ONLY;
    sp_lun *l = NULL;
    sp_error e;
    sp_code rc = SP_OK;
    if (may_skip && pool_of(st))
        rc = sp_journal_reserve(r->journal, SP_NAME_LUN, pool_of(st), name, 0,
                                &e);
    if (rc == SP_ERR_PRECONDITION)
        return TAKEN;
    if (!rc)
        rc =
            st->source
                ? sp_journal_copy_lun(r->journal, st->a, st->source, st->method,
                                      name, st->pool, ids_only, &l, &e)
                : sp_journal_create_lun(r->journal, st->a, st->pool, name,
                                        r->o->size, ids_only, &l, &e);
    if (rc == SP_OK) {
        cmd_grow((void **)&r->made, &r->capmade, r->nmade + 1,
                 sizeof(*r->made));
        r->made[r->nmade++] = (struct made){l, st};
        return MADE;
    }
    if (rc == SP_ERR_EXISTS && may_skip)
        return TAKEN;
    if (st->source)
        cmd_fail(sp_error_exit_code(&e), "cannot make %s '%s' of '%s': %s",
                 cmd_copy_name(st->method), name, sp_id_str(st->source),
                 e.message);
    else
        cmd_fail(sp_error_exit_code(&e), "cannot create LUN '%s' in '%s': %s",
                 name, sp_id_str(st->pool), e.message);
    if (rc == SP_ERR_JOB_TIMEOUT && sp_array_pending_job(st->a))
        timed_out(r, st, name);
    else
        roll_back(r);
    return FAILED;
}

/* Reserve the names the user's pattern gives the LUNs of every step,
 * before anything is made: another run holding one stops this one (exit
 * 6, naming the holder).  Default names are reserved one at a time, as
 * they are tried (make_one()). */
static bool reserve_names(struct run *r)
{
    for (size_t i = 0; r->o->name && i < r->nsteps; i++) {
        const struct step *st = &r->steps[i];
        for (unsigned long n = st->first;
             pool_of(st) && n < st->first + r->o->count; n++) {
            char *name = cmd_name_pattern_make(&r->pat, n);
            sp_error e;
            sp_code rc = sp_journal_reserve(r->journal, SP_NAME_LUN,
                                            pool_of(st), name, 0, &e);
            if (rc)
                cmd_fail(sp_error_exit_code(&e), "cannot create LUN '%s': %s",
                         name, e.message);
            free(name);
            if (rc)
                return false;
        }
    }
    return true;
}

/* Default names are tried past the ones an array already has, where its
 * names must be unique (a local array's are file names). */
#define NAMES_TRIED_MAX 100000

/* Make the LUNs of step @st, numbered from st->first. */
static bool make(struct run *r, const struct step *st)
{
    struct cmd_name_pattern def = {0}; /* lun1...; base-snap1, base-clone1 */
    if (!r->o->name && !st->source)
        cmd_name_pattern_numbered(&def, "lun");
    else if (!r->o->name) {
        /* Named after the source, unless its name (or key) from the array
         * would not do for a name of ours (sanprov(7), NAMES). */
        const char *base = sp_lun_name(st->src);
        if (!base || !sp_text_printable(base))
            base = sp_id_field(st->source, 1);
        if (!sp_text_printable(base))
            base = "lun";
        char *prefix = cmd_xasprintf(
            "%s-%s", base, st->method == SP_COPY_CLONE ? "clone" : "snap");
        cmd_name_pattern_numbered(&def, prefix);
        free(prefix);
    }
    const struct cmd_name_pattern *pat = r->o->name ? &r->pat : &def;
    bool ok = true;
    unsigned long skipped = 0;
    for (unsigned long n = st->first;
         ok && n < st->first + r->o->count + skipped; n++) {
        char *name = cmd_name_pattern_make(pat, n);
        enum made_how how = FAILED;
        if (!interrupted(r))
            how =
                make_one(r, st, name, !r->o->name && skipped < NAMES_TRIED_MAX);
        skipped += how == TAKEN;
        ok = how != FAILED;
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
    sp_array_caps c = SP_STRUCT_INIT(sp_array_caps);
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
                 cmd_copy_name(r->o->method), sp_id_str(r->source),
                 sp_id_str(id));
    else if (sp_array_get_pool(s->a, id, &p) != SP_OK)
        cmd_failed(what, sp_id_str(id), sp_array_error(s->a));
    sp_pool_free(p);
}

/* Look up the source, the pools and the LUNs read, and plan the steps,
 * all before anything is made.  False when one cannot be used. */
static bool plan(struct run *r, sp_id **ids, size_t n)
{
    const struct opts *o = r->o;
    sp_array *src_a = NULL;
    const sp_lun *src = NULL;
    if (r->source &&
        !(src = lookup(r, r->source, cmd_copy_name(o->method), &src_a)))
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

/* Make what the run made durable before it is printed; false (the run
 * undone) when an array cannot. */
static bool synced(struct run *r)
{
    for (size_t i = 0; i < r->nsteps; i++)
        if (sp_array_sync(r->steps[i].a, 0) != SP_OK) {
            const sp_error *e = sp_array_error(r->steps[i].a);
            cmd_fail(sp_error_exit_code(e), "cannot sync array '%s': %s",
                     sp_array_name(r->steps[i].a), e->message);
            roll_back(r);
            return false;
        }
    return true;
}

/* Copies the array made by moving data (a local array's clones where the
 * file system has no reflink copies) cost time and space: say so. */
static void tell_copies(const struct run *r)
{
    size_t n = 0;
    uint64_t bytes = 0;
    const char *how = NULL;
    char buf[CMD_SIZE_MAX];
    for (size_t i = 0; i < r->nmade; i++) {
        const sp_lun *l = r->made[i].lun;
        if (sp_lun_copy_how(l))
            sp_log(SP_LOG_INFO, "%s: made by %s, %s moved",
                   sp_id_str(sp_lun_id(l)), sp_lun_copy_how(l),
                   cmd_size_iec(buf, sp_lun_copied_bytes(l)));
        if (sp_lun_copy_how(l) && strcmp(sp_lun_copy_how(l), "reflink")) {
            n++;
            bytes += sp_lun_copied_bytes(l);
            how = sp_lun_copy_how(l);
        }
    }
    if (n && !cmd_opt.quiet)
        sp_log(SP_LOG_WARN,
               "%zu %s made by %s (no reflink copies here): %s of data "
               "moved",
               n, n == 1 ? "copy was" : "copies were", how,
               cmd_size_iec(buf, bytes));
}

void lc_run(struct run *r, sp_id **ids, size_t n)
{
    sp_error err;
    if (!plan(r, ids, n))
        return;
    if (sp_journal_new(cmd_config(), cmd_library(), 0, &r->journal, &err)) {
        cmd_failed("journal the run in", sp_library_path(cmd_library()), &err);
        return;
    }
    if (!reserve_names(r)) {
        roll_back(r);
        return;
    }
    for (size_t i = 0; i < r->nsteps; i++)
        if (!make(r, &r->steps[i]))
            return;
    if (interrupted(r) || !synced(r))
        return;
    if (sp_journal_commit(r->journal, 0, &err)) {
        cmd_failed("journal the end of the run in",
                   sp_library_path(cmd_library()), &err);
        roll_back(r);
        return;
    }
    tell_copies(r);
    for (size_t i = 0; i < r->nmade; i++) {
        row(r, r->made[i].step, r->made[i].lun, NULL, NULL);
        cmd_ok();
    }
}
