/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd/smis-sim/state.c: the state file: the model as JSON, written atomically,
 * read back at start. */
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <libgen.h>
#include <string.h>
#include <unistd.h>

#include "common/cmd.h"
#include "sim.h"

#define STATE_VERSION 1
#define STATE_MAX     ((size_t)1 << 31)

/* ---- writing: by hand, so 100,000 volumes save in milliseconds ---- */

static void jstr(sp_buf *b, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    sp_buf_addch(b, '"');
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p;
         p++) {
        if (*p == '"' || *p == '\\') {
            sp_buf_addch(b, '\\');
            sp_buf_addch(b, (char)*p);
        } else if (*p < 0x20) {
            char e[7] = {'\\', 'u', '0', '0', hex[*p >> 4], hex[*p & 15], 0};
            sp_buf_addstr(b, e);
        } else {
            sp_buf_addch(b, (char)*p);
        }
    }
    sp_buf_addch(b, '"');
}

static void jlist(sp_buf *b, const struct sim_strlist *l)
{
    sp_buf_addch(b, '[');
    for (size_t i = 0; i < l->n; i++) {
        if (i)
            sp_buf_addch(b, ',');
        jstr(b, l->v[i]);
    }
    sp_buf_addch(b, ']');
}

static void serialize(const struct sim *s, sp_buf *b)
{
    sp_buf_addf(b, "{\"version\":%d,\"system\":", STATE_VERSION);
    jstr(b, s->system);
    sp_buf_addf(b,
                ",\"next\":{\"vol\":%u,\"group\":%u,\"view\":%u,\"job\":%u,"
                "\"hwid\":%u},\"jobs_started\":%lu,\n\"pools\":[",
                s->next_vol, s->next_group, s->next_view, s->next_job,
                s->next_hwid, s->jobs_started);
    for (size_t i = 0; i < s->npools; i++) {
        const struct sim_pool *p = &s->pools[i];
        sp_buf_addstr(b, i ? ",\n{\"id\":" : "\n{\"id\":");
        jstr(b, p->id);
        sp_buf_addf(b, ",\"total\":%llu,\"primordial\":%s}",
                    (unsigned long long)p->total,
                    p->primordial ? "true" : "false");
    }
    sp_buf_addstr(b, "],\n\"volumes\":[");
    for (size_t i = 0; i < s->nvols; i++) {
        const struct sim_volume *v = &s->vols[i];
        sp_buf_addf(b, "%s{\"num\":%u,\"name\":", i ? ",\n" : "\n", v->num);
        jstr(b, v->name);
        sp_buf_addstr(b, ",\"pool\":");
        jstr(b, v->pool);
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
        jstr(b, h->id);
        sp_buf_addstr(b, ",\"sid\":");
        jstr(b, h->storage_id);
        sp_buf_addf(b, ",\"type\":%u,\"name\":", h->id_type);
        jstr(b, h->name);
        sp_buf_addch(b, '}');
    }
    sp_buf_addstr(b, "],\n\"groups\":[");
    for (size_t i = 0; i < s->ngroups; i++) {
        const struct sim_group *g = &s->groups[i];
        sp_buf_addstr(b, i ? ",\n{\"id\":" : "\n{\"id\":");
        jstr(b, g->id);
        sp_buf_addstr(b, ",\"name\":");
        jstr(b, g->name);
        sp_buf_addf(b, ",\"type\":%u,\"members\":", g->type);
        jlist(b, &g->members);
        sp_buf_addch(b, '}');
    }
    sp_buf_addstr(b, "],\n\"views\":[");
    for (size_t i = 0; i < s->nviews; i++) {
        const struct sim_view *v = &s->views[i];
        sp_buf_addstr(b, i ? ",\n{\"id\":" : "\n{\"id\":");
        jstr(b, v->id);
        sp_buf_addstr(b, ",\"name\":");
        jstr(b, v->name);
        sp_buf_addstr(b, ",\"img\":");
        jstr(b, v->img);
        sp_buf_addstr(b, ",\"tmg\":");
        jstr(b, v->tmg);
        sp_buf_addstr(b, ",\"dmg\":");
        jstr(b, v->dmg);
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
        jstr(b, j->id);
        sp_buf_addstr(b, ",\"method\":");
        jstr(b, j->method);
        sp_buf_addf(b,
                    ",\"start\":%lld,\"end\":%lld,\"fail\":%s,\"stall\":%s,"
                    "\"error\":",
                    (long long)j->start_ms, (long long)j->end_ms,
                    j->fail ? "true" : "false", j->stall ? "true" : "false");
        jstr(b, j->error);
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

sp_code sim_save(struct sim *s, sp_error *err)
{
    if (!s->o.state)
        return SP_OK;
    sp_buf b = SP_BUF_INIT(STATE_MAX);
    serialize(s, &b);
    if (sp_buf_overflowed(&b)) {
        sp_buf_release(&b);
        return sp_error_set(err, SP_ERR_TOO_LARGE, "state is too large");
    }
    /* A temporary file beside the state, fsync, rename, fsync the
     * directory: after a crash the file is the old state or the new one,
     * never a mix, and an acknowledged change is on disk. */
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
out:
    free(tmp);
    sp_buf_release(&b);
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
                v,
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
    return SP_OK;
}

/* Load @path; SP_ERR_NOT_FOUND when there is no state yet. */
sp_code sim_load(struct sim *s, const char *path, sp_error *err)
{
    if (!path)
        return SP_ERR_NOT_FOUND;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT)
        return SP_ERR_NOT_FOUND;
    if (fd < 0)
        return sp_error_set(err, SP_ERR_IO, "cannot open state '%s': %s", path,
                            strerror(errno));
    sp_buf b = SP_BUF_INIT(STATE_MAX);
    char chunk[1 << 16];
    ssize_t n;
    while ((n = read(fd, chunk, sizeof(chunk))) > 0)
        sp_buf_add(&b, chunk, (size_t)n);
    close(fd);
    if (b.len == 0) {
        sp_buf_release(&b);
        return SP_ERR_NOT_FOUND;
    }
    json_tokener *tok = json_tokener_new_ex(64);
    json_object *root = json_tokener_parse_ex(tok, b.data, (int)b.len);
    enum json_tokener_error jerr = json_tokener_get_error(tok);
    json_tokener_free(tok);
    sp_buf_release(&b);
    sp_code rc;
    if (!root || jerr != json_tokener_success ||
        !json_object_is_type(root, json_type_object))
        rc = sp_error_set(err, SP_ERR_IO, "state '%s' is not valid JSON: %s",
                          path, json_tokener_error_desc(jerr));
    else if (jget_u64(root, "version") != STATE_VERSION)
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
