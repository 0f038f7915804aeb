/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd/smis-sim/state.c: the array on disk: a snapshot (the model as JSON,
 * written aside and renamed) and the journal of the changes since. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <libgen.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "common/cmd.h"
#include "journal.h"
#include "sim.h"

/*
 * A change costs one journal record, whatever the size of the array: the
 * model's functions record what they change (sim_log_op) while a method
 * runs, and sim_commit() appends the record and syncs it before the
 * method is answered.  When the journal has grown past the snapshot's
 * size (or --journal-max), the whole model is written as a new snapshot
 * and the journal emptied, so the work of a snapshot is spread over as
 * many changes as it holds volumes, and a start replays at most about as
 * much journal as it reads snapshot.
 *
 * Crash safety rests on change numbers.  The snapshot says the last change
 * it holds (seq); records carry theirs.  A snapshot is written aside,
 * synced and renamed over the old one before the journal is emptied, so a
 * crash between the two leaves records the snapshot already holds, which
 * a start skips.  A record is one write() and an fdatasync(): a crash
 * leaves at most the last record cut short, which the reader ignores; the
 * changes it held were not answered.  Versions: 1 (no journal; read, then
 * rewritten as 2) and 2.
 */

#define STATE_VERSION   2
#define STATE_MAX       ((size_t)1 << 31)
#define JOURNAL_MIN_MAX ((uint64_t)1 << 20)

/* ---- the snapshot, written by hand so 100,000 volumes take milliseconds ---
 */

static void jlist(sp_buf *b, const struct sim_strlist *l)
{
    sp_buf_addch(b, '[');
    for (size_t i = 0; i < l->n; i++) {
        if (i)
            sp_buf_addch(b, ',');
        sim_json_str(b, l->v[i]);
    }
    sp_buf_addch(b, ']');
}

static void serialize(const struct sim *s, sp_buf *b)
{
    sp_buf_addf(b,
                "{\"version\":%d,\"array_id\":\"%s\",\"seq\":%" PRIu64
                ",\"system\":",
                STATE_VERSION, s->j.array_id, s->j.seq);
    sim_json_str(b, s->system);
    sp_buf_addf(b,
                ",\"next\":{\"vol\":%u,\"group\":%u,\"view\":%u,\"job\":%u,"
                "\"hwid\":%u},\"jobs_started\":%lu,\n\"pools\":[",
                s->next_vol, s->next_group, s->next_view, s->next_job,
                s->next_hwid, s->jobs_started);
    for (size_t i = 0; i < s->npools; i++) {
        const struct sim_pool *p = &s->pools[i];
        sp_buf_addstr(b, i ? ",\n{\"id\":" : "\n{\"id\":");
        sim_json_str(b, p->id);
        sp_buf_addf(b, ",\"total\":%llu,\"primordial\":%s}",
                    (unsigned long long)p->total,
                    p->primordial ? "true" : "false");
    }
    sp_buf_addstr(b, "],\n\"volumes\":[");
    for (size_t i = 0; i < s->nvols; i++) {
        const struct sim_volume *v = &s->vols[i];
        sp_buf_addf(b, "%s{\"num\":%u,\"name\":", i ? ",\n" : "\n", v->num);
        sim_json_str(b, v->name);
        sp_buf_addstr(b, ",\"pool\":");
        sim_json_str(b, v->pool);
        sp_buf_addf(b,
                    ",\"blocks\":%llu,\"wwn\":\"%s\",\"source\":%u,"
                    "\"sync\":%u}",
                    (unsigned long long)v->blocks, v->wwn, v->source,
                    v->sync_type);
    }
    sp_buf_addstr(b, "],\n\"hwids\":[");
    for (size_t i = 0; i < s->nhwids; i++) {
        const struct sim_hwid *h = &s->hwids[i];
        sp_buf_addstr(b, i ? ",\n{\"id\":" : "\n{\"id\":");
        sim_json_str(b, h->id);
        sp_buf_addstr(b, ",\"sid\":");
        sim_json_str(b, h->storage_id);
        sp_buf_addf(b, ",\"type\":%u,\"name\":", h->id_type);
        sim_json_str(b, h->name);
        sp_buf_addch(b, '}');
    }
    sp_buf_addstr(b, "],\n\"groups\":[");
    for (size_t i = 0; i < s->ngroups; i++) {
        const struct sim_group *g = &s->groups[i];
        sp_buf_addstr(b, i ? ",\n{\"id\":" : "\n{\"id\":");
        sim_json_str(b, g->id);
        sp_buf_addstr(b, ",\"name\":");
        sim_json_str(b, g->name);
        sp_buf_addf(b, ",\"type\":%u,\"members\":", g->type);
        jlist(b, &g->members);
        sp_buf_addch(b, '}');
    }
    sp_buf_addstr(b, "],\n\"views\":[");
    for (size_t i = 0; i < s->nviews; i++) {
        const struct sim_view *v = &s->views[i];
        sp_buf_addstr(b, i ? ",\n{\"id\":" : "\n{\"id\":");
        sim_json_str(b, v->id);
        sp_buf_addstr(b, ",\"name\":");
        sim_json_str(b, v->name);
        sp_buf_addstr(b, ",\"img\":");
        sim_json_str(b, v->img);
        sp_buf_addstr(b, ",\"tmg\":");
        sim_json_str(b, v->tmg);
        sp_buf_addstr(b, ",\"dmg\":");
        sim_json_str(b, v->dmg);
        sp_buf_addstr(b, ",\"initiators\":");
        jlist(b, &v->initiators);
        sp_buf_addstr(b, ",\"units\":[");
        for (size_t k = 0; k < v->nunits; k++)
            sp_buf_addf(b, "%s[%u,%u]", k ? "," : "", v->units[k].vol,
                        v->units[k].lun);
        sp_buf_addstr(b, "]}");
    }
    sp_buf_addstr(b, "],\n\"jobs\":[");
    for (size_t i = 0; i < s->njobs; i++) {
        const struct sim_job *j = &s->jobs[i];
        sp_buf_addstr(b, i ? ",\n{\"id\":" : "\n{\"id\":");
        sim_json_str(b, j->id);
        sp_buf_addstr(b, ",\"method\":");
        sim_json_str(b, j->method);
        sp_buf_addf(b,
                    ",\"start\":%lld,\"end\":%lld,\"fail\":%s,\"stall\":%s,"
                    "\"error\":",
                    (long long)j->start_ms, (long long)j->end_ms,
                    j->fail ? "true" : "false", j->stall ? "true" : "false");
        sim_json_str(b, j->error);
        sp_buf_addstr(b, ",\"affected\":");
        jlist(b, &j->affected);
        sp_buf_addch(b, '}');
    }
    sp_buf_addstr(b, "]}\n");
}

static sp_code write_all(int fd, const char *data, size_t len, const char *path,
                         sp_error *err)
{
    while (len) {
        ssize_t n = write(fd, data, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return sp_error_set(err, SP_ERR_IO, "cannot write '%s': %s", path,
                                strerror(errno));
        data += n;
        len -= (size_t)n;
    }
    return SP_OK;
}

void sim_state_json(struct sim *s, sp_buf *out)
{
    serialize(s, out);
}

/* Empty the journal: its records are all in the snapshot (or there is no
 * snapshot yet). */
static sp_code journal_truncate(struct sim_journal *j, sp_error *err)
{
    if (ftruncate(j->fd, 0) != 0 || fsync(j->fd) != 0)
        return sp_error_set(err, SP_ERR_IO, "cannot empty the journal '%s': %s",
                            j->path, strerror(errno));
    j->len = 0;
    return SP_OK;
}

sp_code sim_compact(struct sim *s, sp_error *err)
{
    struct sim_journal *j = &s->j;
    if (!s->o.state)
        return SP_OK;
    sp_buf b = SP_BUF_INIT(STATE_MAX);
    serialize(s, &b);
    if (sp_buf_overflowed(&b)) {
        sp_buf_release(&b);
        return sp_error_set(err, SP_ERR_TOO_LARGE, "state is too large");
    }
    /* A temporary file beside the state, fsync, rename, fsync the
     * directory: after a crash the file is the old snapshot or the new
     * one, never a mix.  Only then is the journal emptied. */
    char *tmp = cmd_xasprintf("%s.tmp.%ld", s->o.state, (long)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    sp_code rc = SP_OK;
    if (fd < 0) {
        rc = sp_error_set(err, SP_ERR_IO, "cannot create '%s': %s", tmp,
                          strerror(errno));
        goto out;
    }
    rc = write_all(fd, b.data, b.len, tmp, err);
    if (!rc && fsync(fd) != 0)
        rc = sp_error_set(err, SP_ERR_IO, "cannot sync '%s': %s", tmp,
                          strerror(errno));
    close(fd);
    if (!rc && rename(tmp, s->o.state) != 0)
        rc = sp_error_set(err, SP_ERR_IO, "cannot rename '%s': %s", tmp,
                          strerror(errno));
    if (rc) {
        unlink(tmp);
        goto out;
    }
    char *dircopy = cmd_xstrdup(s->o.state);
    int dfd = open(dirname(dircopy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
    free(dircopy);
    j->snap_len = b.len;
    j->must_compact = false;
    /* Should this fail, the records left are all in the snapshot and are
     * skipped at start; new ones go on after them. */
    sp_error terr;
    if (j->fd >= 0 && j->len > 0 && journal_truncate(j, &terr))
        sp_log(SP_LOG_WARN, "%s", terr.message);
out:
    free(tmp);
    sp_buf_release(&b);
    return rc;
}

/* ---- the journal: recording, committing ---- */

void sim_log_op(struct sim *s, const struct sim_jop *op)
{
    if (!s->j.logging)
        return;
    if (s->j.batch.len)
        sp_buf_addch(&s->j.batch, ',');
    sim_journal_op(&s->j.batch, op);
}

static uint64_t journal_max(const struct sim *s)
{
    if (s->o.journal_max)
        return s->o.journal_max;
    return s->j.snap_len > JOURNAL_MIN_MAX ? s->j.snap_len : JOURNAL_MIN_MAX;
}

/* The jobs the change started, as they are now. */
static void log_jobs(struct sim *s)
{
    for (size_t i = 0; i < s->j.jobs.n; i++) {
        const struct sim_job *job = sim_job_find(s, s->j.jobs.v[i]);
        if (!job)
            continue;
        struct sim_jop op = {
            .kind = SIM_JOP_JOB,
            .id = job->id,
            .u.job = {.method = job->method,
                      .error = job->error,
                      .start_ms = job->start_ms,
                      .end_ms = job->end_ms,
                      .fail = job->fail,
                      .stall = job->stall,
                      .affected = (const char *const *)job->affected.v,
                      .naffected = job->affected.n}};
        sim_log_op(s, &op);
    }
    sim_strlist_clear(&s->j.jobs);
}

/* Append the record of the change, synced.  False (nothing written) when
 * it is too large for a record. */
static sp_code append(struct sim *s, bool *too_large, sp_error *err)
{
    struct sim_journal *j = &s->j;
    sp_buf line = SP_BUF_INIT(SIM_JOURNAL_MAX_LINE + 64);
    if (j->len == 0)
        sim_journal_header(&line, j->array_id);
    struct sim_jrec rec = {.seq = j->seq + 1,
                           .next_vol = s->next_vol,
                           .next_group = s->next_group,
                           .next_view = s->next_view,
                           .next_job = s->next_job,
                           .next_hwid = s->next_hwid,
                           .jobs_started = s->jobs_started};
    *too_large = sp_buf_overflowed(&j->batch) ||
                 !sim_journal_record(&line, &rec, j->batch.data, j->batch.len);
    sp_code rc = SP_OK;
    if (!*too_large) {
        rc = write_all(j->fd, line.data, line.len, j->path, err);
        if (!rc && fdatasync(j->fd) != 0)
            rc = sp_error_set(err, SP_ERR_IO, "cannot sync '%s': %s", j->path,
                              strerror(errno));
        if (rc) {
            /* No part of a record may stay before the next one. */
            if (ftruncate(j->fd, (off_t)j->len) != 0)
                j->must_compact = true;
        } else {
            j->len += line.len;
            j->seq++;
        }
    }
    sp_buf_release(&line);
    return rc;
}

sp_code sim_commit(struct sim *s, sp_error *err)
{
    struct sim_journal *j = &s->j;
    if (!j->logging)
        return SP_OK;
    log_jobs(s);
    if (!j->batch.len)
        return SP_OK;
    bool too_large = j->must_compact;
    sp_code rc = too_large ? SP_OK : append(s, &too_large, err);
    if (too_large) {
        /* The snapshot holds the change instead; until one is written,
         * no record may follow (it would miss this change). */
        j->seq++;
        j->must_compact = true;
        rc = sim_compact(s, err);
    }
    if (rc)
        return rc; /* the ops stay in the batch, for the next commit */
    sp_buf_reset(&j->batch);
    if (j->len > journal_max(s)) {
        sp_error e;
        if (sim_compact(s, &e))
            sp_log(SP_LOG_WARN,
                   "cannot write a snapshot (the journal goes "
                   "on): %s",
                   e.message);
    }
    return SP_OK;
}

sp_code sim_state_close(struct sim *s, sp_error *err)
{
    struct sim_journal *j = &s->j;
    sp_code rc = SP_OK;
    if (j->fd >= 0 && (j->len > 0 || j->batch.len || j->must_compact))
        rc = sim_compact(s, err);
    j->logging = false;
    if (j->fd >= 0)
        close(j->fd);
    j->fd = -1;
    return rc;
}

/* ---- reading ---- */

static const char *jget_str(json_object *o, const char *k)
{
    json_object *v;
    if (!json_object_object_get_ex(o, k, &v) ||
        json_object_is_type(v, json_type_null))
        return NULL;
    return json_object_get_string(v);
}

static uint64_t jget_u64(json_object *o, const char *k)
{
    json_object *v;
    if (!json_object_object_get_ex(o, k, &v))
        return 0;
    return (uint64_t)json_object_get_int64(v);
}

static bool jget_bool(json_object *o, const char *k)
{
    json_object *v;
    return json_object_object_get_ex(o, k, &v) && json_object_get_boolean(v);
}

static json_object *jget_array(json_object *o, const char *k)
{
    json_object *v;
    if (!json_object_object_get_ex(o, k, &v) ||
        !json_object_is_type(v, json_type_array))
        return NULL;
    return v;
}

static void jget_list(json_object *o, const char *k, struct sim_strlist *l)
{
    json_object *a = jget_array(o, k);
    for (size_t i = 0; a && i < json_object_array_length(a); i++)
        sim_strlist_add(
            l, json_object_get_string(json_object_array_get_idx(a, i)));
}

static char *dup_or_null(const char *s)
{
    return s && *s ? cmd_xstrdup(s) : NULL;
}

static sp_code load_objects(struct sim *s, json_object *root, sp_error *err)
{
    json_object *a, *next;
    s->system = cmd_xstrdup(jget_str(root, "system") ? jget_str(root, "system")
                                                     : "SIM0001");
    if (json_object_object_get_ex(root, "next", &next)) {
        s->next_vol = (uint32_t)jget_u64(next, "vol");
        s->next_group = (uint32_t)jget_u64(next, "group");
        s->next_view = (uint32_t)jget_u64(next, "view");
        s->next_job = (uint32_t)jget_u64(next, "job");
        s->next_hwid = (uint32_t)jget_u64(next, "hwid");
    }
    s->jobs_started = (unsigned long)jget_u64(root, "jobs_started");
    a = jget_array(root, "pools");
    size_t n = a ? json_object_array_length(a) : 0;
    s->pools = cmd_xcalloc(n + 1, sizeof(*s->pools));
    for (size_t i = 0; i < n; i++) {
        json_object *o = json_object_array_get_idx(a, i);
        const char *id = jget_str(o, "id");
        if (!id)
            return sp_error_set(err, SP_ERR_IO, "a pool has no id");
        s->pools[s->npools++] = (struct sim_pool){
            .id = cmd_xstrdup(id),
            .total = jget_u64(o, "total"),
            .primordial = jget_bool(o, "primordial"),
            .used = jget_bool(o, "primordial") ? jget_u64(o, "total") : 0};
    }
    a = jget_array(root, "volumes");
    n = a ? json_object_array_length(a) : 0;
    s->vols = cmd_xcalloc(n + 1, sizeof(*s->vols));
    s->capvols = n + 1;
    for (size_t i = 0; i < n; i++) {
        json_object *o = json_object_array_get_idx(a, i);
        struct sim_volume v = {.num = (uint32_t)jget_u64(o, "num"),
                               .blocks = jget_u64(o, "blocks"),
                               .source = (uint32_t)jget_u64(o, "source"),
                               .sync_type = (uint16_t)jget_u64(o, "sync")};
        const char *wwn = jget_str(o, "wwn");
        if (!v.num || (s->nvols && v.num <= s->vols[s->nvols - 1].num) ||
            !wwn || strlen(wwn) != 32)
            return sp_error_set(err, SP_ERR_IO, "volume %zu is damaged", i);
        snprintf(v.id, sizeof(v.id), "%08X", v.num);
        memcpy(v.wwn, wwn, 33);
        v.name = cmd_xstrdup(jget_str(o, "name") ? jget_str(o, "name") : v.id);
        v.pool = cmd_xstrdup(jget_str(o, "pool") ? jget_str(o, "pool") : "");
        struct sim_pool *p = sim_pool_find(s, v.pool);
        if (!p)
            return sp_error_set(err, SP_ERR_IO,
                                "volume %s is in unknown pool '%s'", v.id,
                                v.pool);
        s->vols[s->nvols++] = v;
        if (v.sync_type != 7)
            p->used += v.blocks * SIM_BLOCK;
    }
    a = jget_array(root, "hwids");
    for (size_t i = 0; a && i < json_object_array_length(a); i++) {
        json_object *o = json_object_array_get_idx(a, i);
        cmd_grow((void **)&s->hwids, &s->caphwids, s->nhwids + 1,
                 sizeof(*s->hwids));
        s->hwids[s->nhwids++] =
            (struct sim_hwid){.id = cmd_xstrdup(jget_str(o, "id")),
                              .storage_id = cmd_xstrdup(jget_str(o, "sid")),
                              .id_type = (uint16_t)jget_u64(o, "type"),
                              .name = cmd_xstrdup(jget_str(o, "name"))};
        if (!s->hwids[s->nhwids - 1].id || !s->hwids[s->nhwids - 1].storage_id)
            return sp_error_set(err, SP_ERR_IO, "hardware ID %zu is damaged",
                                i);
    }
    a = jget_array(root, "groups");
    for (size_t i = 0; a && i < json_object_array_length(a); i++) {
        json_object *o = json_object_array_get_idx(a, i);
        uint16_t type = (uint16_t)jget_u64(o, "type");
        if (!jget_str(o, "id") || type < 2 || type > 4)
            return sp_error_set(err, SP_ERR_IO, "masking group %zu is damaged",
                                i);
        cmd_grow((void **)&s->groups, &s->capgroups, s->ngroups + 1,
                 sizeof(*s->groups));
        struct sim_group *g = &s->groups[s->ngroups++];
        *g = (struct sim_group){.id = cmd_xstrdup(jget_str(o, "id")),
                                .name = cmd_xstrdup(jget_str(o, "name")),
                                .type = type};
        jget_list(o, "members", &g->members);
    }
    a = jget_array(root, "views");
    for (size_t i = 0; a && i < json_object_array_length(a); i++) {
        json_object *o = json_object_array_get_idx(a, i);
        if (!jget_str(o, "id"))
            return sp_error_set(err, SP_ERR_IO, "view %zu is damaged", i);
        cmd_grow((void **)&s->views, &s->capviews, s->nviews + 1,
                 sizeof(*s->views));
        struct sim_view *v = &s->views[s->nviews++];
        *v = (struct sim_view){.id = cmd_xstrdup(jget_str(o, "id")),
                               .name = cmd_xstrdup(jget_str(o, "name")),
                               .img = dup_or_null(jget_str(o, "img")),
                               .tmg = dup_or_null(jget_str(o, "tmg")),
                               .dmg = dup_or_null(jget_str(o, "dmg"))};
        jget_list(o, "initiators", &v->initiators);
        json_object *units = jget_array(o, "units");
        for (size_t k = 0; units && k < json_object_array_length(units); k++) {
            json_object *u = json_object_array_get_idx(units, k);
            sim_view_map(
                s, v,
                (uint32_t)json_object_get_int64(
                    json_object_array_get_idx(u, 0)),
                (long)json_object_get_int64(json_object_array_get_idx(u, 1)));
        }
    }
    a = jget_array(root, "jobs");
    for (size_t i = 0; a && i < json_object_array_length(a); i++) {
        json_object *o = json_object_array_get_idx(a, i);
        if (!jget_str(o, "id"))
            return sp_error_set(err, SP_ERR_IO, "job %zu is damaged", i);
        cmd_grow((void **)&s->jobs, &s->capjobs, s->njobs + 1,
                 sizeof(*s->jobs));
        struct sim_job *j = &s->jobs[s->njobs++];
        *j = (struct sim_job){.id = cmd_xstrdup(jget_str(o, "id")),
                              .method = cmd_xstrdup(jget_str(o, "method")),
                              .start_ms = (int64_t)jget_u64(o, "start"),
                              .end_ms = (int64_t)jget_u64(o, "end"),
                              .fail = jget_bool(o, "fail"),
                              .stall = jget_bool(o, "stall"),
                              .error = dup_or_null(jget_str(o, "error"))};
        jget_list(o, "affected", &j->affected);
    }
    if (!s->npools)
        return sp_error_set(err, SP_ERR_IO, "no pools");
    const char *id = jget_str(root, "array_id");
    if (id && strlen(id) == 16 && strspn(id, "0123456789abcdef") == 16)
        memcpy(s->j.array_id, id, 17);
    else if (id)
        return sp_error_set(err, SP_ERR_IO, "array_id is not 16 hex digits");
    json_object *seq;
    if (json_object_object_get_ex(root, "seq", &seq) &&
        (!json_object_is_type(seq, json_type_int) ||
         json_object_get_int64(seq) < 0))
        return sp_error_set(err, SP_ERR_IO, "seq is not a change number");
    s->j.seq = jget_u64(root, "seq");
    return SP_OK;
}

/* Read the whole of the open file @fd into @b. */
static sp_code read_all(int fd, const char *path, sp_buf *b, sp_error *err)
{
    char chunk[1 << 16];
    ssize_t n;
    while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return sp_error_set(err, SP_ERR_IO, "cannot read '%s': %s", path,
                                strerror(errno));
        if (!sp_buf_add(b, chunk, (size_t)n))
            return sp_error_set(err, SP_ERR_TOO_LARGE,
                                "'%s' is larger than %zu bytes", path,
                                STATE_MAX);
    }
    return SP_OK;
}

/* Load the snapshot @path; SP_ERR_NOT_FOUND when there is none yet. */
static sp_code load_snapshot(struct sim *s, const char *path, sp_error *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT)
        return SP_ERR_NOT_FOUND;
    if (fd < 0)
        return sp_error_set(err, SP_ERR_IO, "cannot open state '%s': %s", path,
                            strerror(errno));
    sp_buf b = SP_BUF_INIT(STATE_MAX);
    sp_code rc = read_all(fd, path, &b, err);
    close(fd);
    if (!rc && b.len == 0)
        rc = SP_ERR_NOT_FOUND;
    if (rc) {
        sp_buf_release(&b);
        return rc;
    }
    json_tokener *tok = json_tokener_new_ex(64);
    json_object *root = json_tokener_parse_ex(tok, b.data, (int)b.len);
    enum json_tokener_error jerr = json_tokener_get_error(tok);
    json_tokener_free(tok);
    sp_buf_release(&b);
    uint64_t version = root ? jget_u64(root, "version") : 0;
    if (!root || jerr != json_tokener_success ||
        !json_object_is_type(root, json_type_object))
        rc = sp_error_set(err, SP_ERR_IO, "state '%s' is not valid JSON: %s",
                          path, json_tokener_error_desc(jerr));
    else if (version != 1 && version != STATE_VERSION)
        rc = sp_error_set(err, SP_ERR_IO, "state '%s' has an unknown version",
                          path);
    else
        rc = load_objects(s, root, err);
    if (rc && rc != SP_ERR_NOT_FOUND && !strstr(err->message, path)) {
        char inner[SP_ERROR_MSG_MAX];
        memcpy(inner, err->message, sizeof(inner));
        sp_error_set(err, rc, "state '%s' is damaged: %s", path, inner);
    }
    json_object_put(root);
    return rc;
}

/* ---- replaying the journal ---- */

static sp_code no_such(sp_error *err, const char *what, const char *id)
{
    return sp_error_set(err, SP_ERR_IO, "there is no %s '%s'", what, id);
}

static void replace(char **field, const char *value)
{
    free(*field);
    *field = value ? cmd_xstrdup(value) : NULL;
}

/* A volume as it is after the change: made or replaced, the pool's
 * accounting kept. */
static sp_code apply_volume(struct sim *s, const struct sim_jop *op,
                            sp_error *err)
{
    struct sim_pool *p = sim_pool_find(s, op->u.vol.pool);
    if (!p)
        return no_such(err, "pool", op->u.vol.pool);
    size_t i = sim_volume_index(s, op->u.vol.num);
    struct sim_volume *v = &s->vols[i];
    if (i < s->nvols && v->num == op->u.vol.num) {
        struct sim_pool *old = sim_pool_find(s, v->pool);
        if (old)
            old->used -= sim_volume_cost(v) <= old->used ? sim_volume_cost(v)
                                                         : old->used;
        replace(&v->name, op->u.vol.name);
        replace(&v->pool, op->u.vol.pool);
    } else {
        cmd_grow((void **)&s->vols, &s->capvols, s->nvols + 1,
                 sizeof(*s->vols));
        v = &s->vols[i];
        memmove(v + 1, v, (s->nvols - i) * sizeof(*v));
        s->nvols++;
        *v = (struct sim_volume){.num = op->u.vol.num,
                                 .name = cmd_xstrdup(op->u.vol.name),
                                 .pool = cmd_xstrdup(op->u.vol.pool)};
        snprintf(v->id, sizeof(v->id), "%08X", v->num);
    }
    v->blocks = op->u.vol.blocks;
    memcpy(v->wwn, op->u.vol.wwn, sizeof(v->wwn));
    v->source = op->u.vol.source;
    v->sync_type = op->u.vol.sync;
    p->used += sim_volume_cost(v);
    return SP_OK;
}

static void apply_hwid(struct sim *s, const struct sim_jop *op)
{
    struct sim_hwid *h = sim_hwid_find(s, op->id);
    if (!h) {
        cmd_grow((void **)&s->hwids, &s->caphwids, s->nhwids + 1,
                 sizeof(*s->hwids));
        h = &s->hwids[s->nhwids++];
        *h = (struct sim_hwid){.id = cmd_xstrdup(op->id)};
    }
    replace(&h->storage_id, op->u.hwid.storage_id);
    replace(&h->name, op->u.hwid.name);
    h->id_type = op->u.hwid.type;
}

static void apply_group(struct sim *s, const struct sim_jop *op)
{
    struct sim_group *g = sim_group_find(s, op->id);
    if (!g) {
        cmd_grow((void **)&s->groups, &s->capgroups, s->ngroups + 1,
                 sizeof(*s->groups));
        g = &s->groups[s->ngroups++];
        *g = (struct sim_group){.id = cmd_xstrdup(op->id)};
    }
    replace(&g->name, op->u.group.name);
    g->type = op->u.group.type;
}

static void apply_view(struct sim *s, const struct sim_jop *op)
{
    struct sim_view *v = sim_view_find(s, op->id);
    if (!v) {
        cmd_grow((void **)&s->views, &s->capviews, s->nviews + 1,
                 sizeof(*s->views));
        v = &s->views[s->nviews++];
        *v = (struct sim_view){.id = cmd_xstrdup(op->id)};
    }
    replace(&v->name, op->u.view.name);
    replace(&v->img, op->u.view.img);
    replace(&v->tmg, op->u.view.tmg);
    replace(&v->dmg, op->u.view.dmg);
}

static void apply_job(struct sim *s, const struct sim_jop *op)
{
    struct sim_job *j = sim_job_find(s, op->id);
    if (j) {
        sim_job_release(j);
    } else {
        cmd_grow((void **)&s->jobs, &s->capjobs, s->njobs + 1,
                 sizeof(*s->jobs));
        j = &s->jobs[s->njobs++];
    }
    *j = (struct sim_job){.id = cmd_xstrdup(op->id),
                          .method = cmd_xstrdup(op->u.job.method),
                          .start_ms = op->u.job.start_ms,
                          .end_ms = op->u.job.end_ms,
                          .fail = op->u.job.fail,
                          .stall = op->u.job.stall,
                          .error = cmd_xstrdup(op->u.job.error)};
    for (size_t i = 0; i < op->u.job.naffected; i++)
        sim_strlist_add(&j->affected, op->u.job.affected[i]);
}

/* Removals go through the model's own functions, so that a record that
 * would break its rules (a masked volume deleted) is refused. */
static sp_code apply_removal(struct sim *s, const struct sim_jop *op,
                             sp_error *err)
{
    struct sim_job *j;
    char id[12];
    switch (op->kind) {
    case SIM_JOP_VOL_DEL:
        snprintf(id, sizeof(id), "%08X", op->u.vol.num);
        return sim_volume_delete(s, id, err);
    case SIM_JOP_HWID_DEL:
        return sim_hwid_delete(s, op->id, err);
    case SIM_JOP_GROUP_DEL:
        return sim_group_delete(s, op->id, true, err);
    case SIM_JOP_VIEW_DEL:
        if (!sim_view_find(s, op->id))
            return no_such(err, "view", op->id);
        sim_view_delete(s, op->id);
        return SP_OK;
    case SIM_JOP_JOB_DEL:
        if (!(j = sim_job_find(s, op->id)))
            return no_such(err, "job", op->id);
        sim_job_release(j);
        memmove(j, j + 1, (size_t)(s->jobs + s->njobs - j - 1) * sizeof(*j));
        s->njobs--;
        return SP_OK;
    default:
        return sp_error_set(err, SP_ERR_INTERNAL, "not a removal");
    }
}

/* Changes inside a group or a view. */
static sp_code apply_member(struct sim *s, const struct sim_jop *op,
                            sp_error *err)
{
    if (op->kind == SIM_JOP_MEMBER_ADD || op->kind == SIM_JOP_MEMBER_DEL) {
        struct sim_group *g = sim_group_find(s, op->id);
        if (!g)
            return no_such(err, "masking group", op->id);
        /* Not sim_group_add(): the views' LUNs it would map are records
         * of their own. */
        if (op->kind == SIM_JOP_MEMBER_DEL)
            sim_strlist_remove(&g->members, op->u.member);
        else if (!sim_strlist_has(&g->members, op->u.member))
            sim_strlist_add(&g->members, op->u.member);
        return SP_OK;
    }
    struct sim_view *v = sim_view_find(s, op->id);
    if (!v)
        return no_such(err, "view", op->id);
    switch (op->kind) {
    case SIM_JOP_MAP:
        if (!sim_volume_by_num(s, op->u.map.vol))
            return sp_error_set(err, SP_ERR_IO, "there is no volume %08X",
                                op->u.map.vol);
        sim_view_map(s, v, op->u.map.vol, op->u.map.lun);
        return SP_OK;
    case SIM_JOP_UNMAP:
        sim_view_unmap(s, v, op->u.map.vol);
        return SP_OK;
    case SIM_JOP_INIT_ADD:
        sim_view_add_initiator(s, v, op->u.member);
        return SP_OK;
    case SIM_JOP_INIT_DEL:
        sim_view_remove_initiator(s, v, op->u.member);
        return SP_OK;
    default:
        return sp_error_set(err, SP_ERR_INTERNAL, "not a member change");
    }
}

static sp_code apply_op(struct sim *s, const struct sim_jop *op, sp_error *err)
{
    switch (op->kind) {
    case SIM_JOP_VOL:
        return apply_volume(s, op, err);
    case SIM_JOP_HWID:
        apply_hwid(s, op);
        return SP_OK;
    case SIM_JOP_GROUP:
        apply_group(s, op);
        return SP_OK;
    case SIM_JOP_VIEW:
        apply_view(s, op);
        return SP_OK;
    case SIM_JOP_JOB:
        apply_job(s, op);
        return SP_OK;
    case SIM_JOP_VOL_DEL:
    case SIM_JOP_HWID_DEL:
    case SIM_JOP_GROUP_DEL:
    case SIM_JOP_VIEW_DEL:
    case SIM_JOP_JOB_DEL:
        return apply_removal(s, op, err);
    case SIM_JOP_MEMBER_ADD:
    case SIM_JOP_MEMBER_DEL:
    case SIM_JOP_MAP:
    case SIM_JOP_UNMAP:
    case SIM_JOP_INIT_ADD:
    case SIM_JOP_INIT_DEL:
        return apply_member(s, op, err);
    }
    return sp_error_set(err, SP_ERR_INTERNAL, "unknown journal op");
}

struct replay {
    struct sim *s;
    const char *journal_id; /* the header's, once read */
    uint64_t snap_seq, prev;
    size_t applied;
};

static sp_code replay_record(const struct sim_jrec *rec, void *ud,
                             sp_error *err)
{
    struct replay *r = ud;
    struct sim *s = r->s;
    if (strcmp(r->journal_id, s->j.array_id) != 0)
        return sp_error_set(err, SP_ERR_IO,
                            "the journal is of array %s, the snapshot of %s "
                            "(move the journal away to start from the "
                            "snapshot alone)",
                            r->journal_id,
                            *s->j.array_id ? s->j.array_id : "no ID");
    if (rec->seq <= r->prev)
        return sp_error_set(err, SP_ERR_IO,
                            "change %" PRIu64 " comes after change %" PRIu64,
                            rec->seq, r->prev);
    r->prev = rec->seq;
    if (rec->seq <= r->snap_seq)
        return SP_OK; /* written before the snapshot that holds it */
    if (rec->seq != s->j.seq + 1)
        return sp_error_set(err, SP_ERR_IO,
                            "change %" PRIu64
                            " is missing (the next is %" PRIu64 ")",
                            s->j.seq + 1, rec->seq);
    for (size_t i = 0; i < rec->nops; i++) {
        sp_code rc = apply_op(s, &rec->ops[i], err);
        if (rc)
            return rc;
    }
    s->next_vol = rec->next_vol;
    s->next_group = rec->next_group;
    s->next_view = rec->next_view;
    s->next_job = rec->next_job;
    s->next_hwid = rec->next_hwid;
    s->jobs_started = (unsigned long)rec->jobs_started;
    s->j.seq = rec->seq;
    r->applied++;
    return SP_OK;
}

static sp_code replay(struct sim *s, sp_error *err)
{
    struct sim_journal *j = &s->j;
    sp_buf b = SP_BUF_INIT(STATE_MAX);
    sp_code rc = read_all(j->fd, j->path, &b, err);
    char id[17];
    struct replay r = {.s = s, .journal_id = id, .snap_seq = j->seq};
    size_t good = 0;
    if (!rc)
        rc = sim_journal_read(b.data, b.len, j->path, id, replay_record, &r,
                              &good, err);
    j->len = b.len;
    sp_buf_release(&b);
    if (rc)
        return rc;
    /* New volumes must not take the number of one there is. */
    if (s->nvols && s->next_vol <= s->vols[s->nvols - 1].num)
        return sp_error_set(err, SP_ERR_IO,
                            "state '%s' is damaged: the next volume number, "
                            "%" PRIu32 ", is taken",
                            s->o.state, s->next_vol);
    if (good < j->len)
        sp_log(SP_LOG_WARN,
               "journal '%s': the last %zu bytes, a change cut short by a "
               "crash and never answered, are dropped",
               j->path, (size_t)(j->len - good));
    if (r.applied)
        sp_log(SP_LOG_INFO, "replayed %zu changes from '%s'", r.applied,
               j->path);
    return SP_OK;
}

/* Snapshots a crash left half written (STATE.tmp.PID): the lock says no
 * other smis-sim is writing one. */
static void remove_stale(const char *state)
{
    char *dircopy = cmd_xstrdup(state), *basecopy = cmd_xstrdup(state);
    const char *dir = dirname(dircopy);
    char *prefix = cmd_xasprintf("%s.tmp.", basename(basecopy));
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (strncmp(e->d_name, prefix, strlen(prefix)) != 0)
            continue;
        char *path = cmd_xasprintf("%s/%s", dir, e->d_name);
        if (unlink(path) == 0)
            sp_log(SP_LOG_INFO, "removed '%s', left by a crash", path);
        free(path);
    }
    if (d)
        closedir(d);
    free(prefix);
    free(basecopy);
    free(dircopy);
}

sp_code sim_state_load(struct sim *s, sp_error *err)
{
    struct sim_journal *j = &s->j;
    if (!s->o.state)
        return SP_ERR_NOT_FOUND;
    if (s->o.compact_only && access(s->o.state, F_OK) != 0 && errno == ENOENT)
        return SP_ERR_NOT_FOUND; /* and no journal made for it */
    sp_buf_init(&j->batch, SIM_JOURNAL_MAX_LINE);
    j->path = cmd_xasprintf("%s.journal", s->o.state);
    /* The journal is opened and locked before the snapshot is read: a
     * second smis-sim on the same state must not write beside this one. */
    j->fd = open(j->path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (j->fd < 0)
        return sp_error_set(err, SP_ERR_IO, "cannot open the journal '%s': %s",
                            j->path, strerror(errno));
    if (flock(j->fd, LOCK_EX | LOCK_NB) != 0)
        return sp_error_set(
            err, errno == EWOULDBLOCK ? SP_ERR_PRECONDITION : SP_ERR_IO,
            "cannot lock the journal '%s': %s", j->path,
            errno == EWOULDBLOCK ? "another smis-sim serves this state"
                                 : strerror(errno));
    remove_stale(s->o.state);
    sp_code rc = load_snapshot(s, s->o.state, err);
    return rc ? rc : replay(s, err);
}

static void new_array_id(char out[17])
{
    uint64_t r = 0;
    if (getrandom(&r, sizeof(r), 0) != (ssize_t)sizeof(r))
        r = (uint64_t)time(NULL) << 20 ^ (uint64_t)getpid();
    snprintf(out, 17, "%016" PRIx64, r);
}

sp_code sim_state_start(struct sim *s, bool fresh, bool force, sp_error *err)
{
    struct sim_journal *j = &s->j;
    if (!s->o.state)
        return SP_OK;
    sp_code rc = SP_OK;
    if (fresh) {
        /* What a journal holds is of an array whose snapshot is gone:
         * emptied before the new snapshot exists, so that a crash in
         * between finds no snapshot, not a snapshot and a stranger's
         * journal. */
        j->seq = 0;
        rc = journal_truncate(j, err);
    }
    if (!*j->array_id) {
        new_array_id(j->array_id);
        force = true;
    }
    if (!rc && (fresh || force || j->len))
        rc = sim_compact(s, err);
    if (!rc && j->len)
        rc = journal_truncate(j, err);
    j->logging = !rc;
    return rc;
}
