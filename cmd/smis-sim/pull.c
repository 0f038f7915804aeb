/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd/smis-sim/pull.c: the pull operations (DSP0200 1.3): open
 * enumerations and queries kept by context, paged by PullInstancesWithPath
 * or PullInstances, closed or expired. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "common/cmd.h"
#include "query.h"
#include "sim.h"

#define DEFAULT_ENUM_TIMEOUT_S 60u
#define MAX_ENUM_TIMEOUT_S     3600u

static void enum_drop(struct sim *s, size_t i)
{
    sim_enum_release(&s->enums[i]);
    memmove(&s->enums[i], &s->enums[i + 1],
            (s->nenums - i - 1) * sizeof(*s->enums));
    s->nenums--;
}

static void enum_expire(struct sim *s)
{
    int64_t now = sim_now_ms();
    for (size_t i = 0; i < s->nenums;)
        if (s->enums[i].expires_ms <= now)
            enum_drop(s, i);
        else
            i++;
}

static struct sim_enum *enum_find(struct sim *s, const char *id, size_t *idx)
{
    enum_expire(s);
    for (size_t i = 0; id && i < s->nenums; i++)
        if (strcmp(s->enums[i].id, id) == 0) {
            *idx = i;
            return &s->enums[i];
        }
    return NULL;
}

/* MaxObjectCount, and for an open its OperationTimeout (@timeout); a
 * filter only where it is the operation's own (@query). */
static bool pull_params(const sp_cim_request *rq, sp_buf *out, uint32_t *max,
                        uint32_t *timeout, bool query)
{
    uint64_t v = 0;
    const sp_cim_value *m = sim_param(rq, "MaxObjectCount");
    *max = 0;
    if (m) {
        if (!sp_cim_value_get_uint(m, &v) || v > UINT32_MAX) {
            sim_error(rq, out, SP_CIM_ERR_INVALID_PARAMETER,
                      "MaxObjectCount is not a uint32");
            return false;
        }
        *max = (uint32_t)v;
    }
    if (!timeout)
        return true;
    *timeout = DEFAULT_ENUM_TIMEOUT_S;
    const sp_cim_value *t = sim_param(rq, "OperationTimeout");
    if (t) {
        if (!sp_cim_value_get_uint(t, &v) || v > MAX_ENUM_TIMEOUT_S) {
            sim_error(rq, out, SP_CIM_ERR_INVALID_OPERATION_TIMEOUT,
                      "OperationTimeout must be 0..%u seconds",
                      MAX_ENUM_TIMEOUT_S);
            return false;
        }
        *timeout = v ? (uint32_t)v : DEFAULT_ENUM_TIMEOUT_S;
    }
    if (!query && (sim_param(rq, "FilterQuery") ||
                   sim_param(rq, "FilterQueryLanguage"))) {
        sim_error(rq, out, SP_CIM_ERR_FILTERED_ENUMERATION_NOT_SUPPORTED,
                  "filtered enumerations are not supported");
        return false;
    }
    if (sim_param_bool(rq, "ContinueOnError", false)) {
        sim_error(rq, out, SP_CIM_ERR_CONTINUATION_ON_ERROR_NOT_SUPPORTED,
                  "ContinueOnError is not supported");
        return false;
    }
    return true;
}

/* Write up to @max objects of @e; true when the sequence is complete. */
static bool page(struct sim *s, struct sim_enum *e, sp_buf *out, uint32_t max)
{
    struct sim_writer w = {.s = s,
                           .out = out,
                           .form = e->form,
                           .props = e->props,
                           .have_props = e->have_props,
                           .max = max};
    /* An association enumeration (even an empty one) has no class. */
    if (!e->classname) {
        while (e->next < e->npaths && w.count < max) {
            const sp_cim_path *p = e->paths[e->next++];
            if (e->form == SP_CIMXML_PATH) {
                sp_cimxml_write_path(out, p, e->form, s->host, NULL);
                w.count++;
                continue;
            }
            sp_cim_instance *i = sim_get_instance(s, p);
            if (i)
                sim_write_one(i, 0, &w);
        }
        return e->next >= e->npaths;
    }
    while (e->klass < sim_nclasses) {
        const struct sim_class *c = sim_classes[e->klass];
        if (w.count >= max)
            return false;
        if (!sim_class_served(s, c, e->ns) ||
            !sim_class_is_a(c, e->classname)) {
            e->klass++;
            e->pos = 0;
            continue;
        }
        size_t before = w.count;
        w.last_pos = e->pos;
        s->want = e->have_props ? &e->props : NULL;
        c->each(s, e->pos, sim_write_one, &w);
        s->want = NULL;
        if (w.count >= max && w.count > before) {
            /* Stopped by the page size: resume after the last one. */
            e->pos = w.last_pos;
            return false;
        }
        e->klass++;
        e->pos = 0;
    }
    return true;
}

/* Where @e stood before its page made ahead, to make it again. */
static void rewind_ahead(struct sim_enum *e)
{
    e->klass = e->from_klass;
    e->pos = e->from_pos;
    e->next = e->from_next;
}

static void pull_response(struct sim *s, const sp_cim_request *rq, sp_buf *out,
                          struct sim_enum *e, size_t idx, uint32_t max)
{
    sp_cimxml_begin_response(out, sp_cim_request_msgid(rq), true,
                             sp_cim_request_name(rq));
    sp_cimxml_begin_return(out);
    bool done;
    if (e->ahead_ready && e->ahead_max == max) {
        sp_buf_add(out, e->ahead.data, e->ahead.len);
        done = e->ahead_done;
    } else {
        if (e->ahead_ready)
            rewind_ahead(e);
        done = page(s, e, out, max);
    }
    e->ahead_ready = e->want_ahead = false;
    sp_buf_reset(&e->ahead);
    sp_cimxml_end_return(out);
    sp_cim_value *eos = sp_cim_value_new_bool(done);
    sp_cim_value *ctx =
        sp_cim_value_new_string(SP_CIM_STRING, done ? "" : e->id);
    sp_cimxml_write_param(out, "EndOfSequence", eos);
    sp_cimxml_write_param(out, "EnumerationContext", ctx);
    sp_cim_value_free(eos);
    sp_cim_value_free(ctx);
    sp_cimxml_end_response(out, true);
    if (done) {
        enum_drop(s, idx);
        return;
    }
    e->expires_ms = sim_now_ms() + (int64_t)e->timeout_s * 1000;
    if (max) {
        e->want_ahead = true;
        e->ahead_max = max;
        pthread_cond_signal(&s->ahead_cond);
    }
}

/*
 * Pages made ahead.  A provider prepares the next page of an enumeration
 * while its client reads the last one (OpenPegasus gathers the providers'
 * answers into the enumeration's cache); this thread does the same, with
 * the lock held, so a listing of many pages costs the client its own
 * reading, not also the array's writing, page after page.  The page is
 * made for the last page size; a pull that asks another size gets one
 * made anew from where the page ahead began.
 */
static void *ahead_main(void *ud)
{
    struct sim *s = ud;
    pthread_mutex_lock(&s->lock);
    while (!s->ahead_stop) {
        struct sim_enum *e = NULL;
        for (size_t i = 0; i < s->nenums && !e; i++)
            if (s->enums[i].want_ahead)
                e = &s->enums[i];
        if (!e) {
            pthread_cond_wait(&s->ahead_cond, &s->lock);
            continue;
        }
        e->want_ahead = false;
        e->from_klass = e->klass;
        e->from_pos = e->pos;
        e->from_next = e->next;
        sp_buf_reset(&e->ahead);
        e->ahead_done = page(s, e, &e->ahead, e->ahead_max);
        e->ahead_ready = true;
    }
    pthread_mutex_unlock(&s->lock);
    return NULL;
}

void sim_ahead_start(struct sim *s)
{
    pthread_cond_init(&s->ahead_cond, NULL);
    if (pthread_create(&s->ahead_thread, NULL, ahead_main, s) != 0)
        cmd_die(SP_EXIT_FAILED, "cannot start a thread");
}

void sim_ahead_stop(struct sim *s)
{
    pthread_mutex_lock(&s->lock);
    s->ahead_stop = true;
    pthread_cond_signal(&s->ahead_cond);
    pthread_mutex_unlock(&s->lock);
    pthread_join(s->ahead_thread, NULL);
    pthread_cond_destroy(&s->ahead_cond);
}

static struct sim_enum *enum_new(struct sim *s, const sp_cim_request *rq,
                                 sp_buf *out, uint32_t timeout, size_t *idx)
{
    enum_expire(s);
    if (s->nenums >= s->o.max_enums) {
        sim_error(rq, out, SP_CIM_ERR_SERVER_LIMITS_EXCEEDED,
                  "too many open enumerations (%zu)", s->nenums);
        return NULL;
    }
    cmd_grow((void **)&s->enums, &s->capenums, s->nenums + 1,
             sizeof(*s->enums));
    struct sim_enum *e = &s->enums[s->nenums];
    memset(e, 0, sizeof(*e));
    snprintf(e->id, sizeof(e->id), "sim-enum-%lu", ++s->next_enum);
    e->timeout_s = timeout;
    e->expires_ms = sim_now_ms() + (int64_t)timeout * 1000;
    e->ns = cmd_xstrdup(sim_namespace(sp_cim_request_namespace(rq)));
    e->have_props = sim_param_props(rq, &e->props);
    e->form = SP_CIMXML_WITH_PATH;
    sp_buf_init(&e->ahead, (size_t)1 << 31);
    *idx = s->nenums++;
    return e;
}

/* OpenEnumerateInstances, or with @paths OpenEnumerateInstancePaths. */
void sim_open_enumerate(struct sim *s, const sp_cim_request *rq, sp_buf *out,
                        bool paths)
{
    uint32_t max, timeout;
    const char *cls = sim_param_str(rq, "ClassName");
    if (!pull_params(rq, out, &max, &timeout, false) ||
        !sim_check_class(s, rq, out, cls))
        return;
    size_t idx;
    struct sim_enum *e = enum_new(s, rq, out, timeout, &idx);
    if (!e)
        return;
    e->classname = cmd_xstrdup(cls);
    e->deep = sim_param_bool(rq, "DeepInheritance", true);
    if (paths) {
        /* No properties wanted: the builders make the paths alone. */
        e->form = SP_CIMXML_PATH;
        sim_strlist_clear(&e->props);
        e->have_props = true;
    }
    pull_response(s, rq, out, e, idx, max);
}

/* OpenAssociatorInstances / OpenReferenceInstances (@references), or with
 * @paths their *Paths forms: the walk is made at the open, and its paths
 * paged through. */
void sim_open_assoc(struct sim *s, const sp_cim_request *rq, sp_buf *out,
                    bool references, bool paths)
{
    uint32_t max, timeout;
    const sp_cim_path *obj = sim_param_path(rq, "InstanceName");
    if (!pull_params(rq, out, &max, &timeout, false))
        return;
    if (!obj) {
        sim_error(rq, out, SP_CIM_ERR_INVALID_PARAMETER, "no InstanceName");
        return;
    }
    struct sim_walk w;
    if (!sim_walk(s, rq, out, obj,
                  references ? NULL : sim_param_str(rq, "AssocClass"),
                  sim_param_str(rq, "ResultClass"), references, &w))
        return;
    size_t idx;
    struct sim_enum *e = enum_new(s, rq, out, timeout, &idx);
    if (!e) {
        sim_walk_free(&w);
        return;
    }
    if (paths)
        e->form = SP_CIMXML_PATH;
    /* Keep the paths (not the instances) and page through them. */
    sim_walk_free_index(&w);
    e->paths = w.found;
    e->npaths = w.n;
    pull_response(s, rq, out, e, idx, max);
}

/* The next page of an enumeration opened for @form: PullInstancesWithPath
 * continues OpenEnumerateInstances, OpenAssociatorInstances and
 * OpenReferenceInstances, PullInstancePaths the *Paths opens,
 * PullInstances OpenQueryInstances. */
static void pull_as(struct sim *s, const sp_cim_request *rq, sp_buf *out,
                    sp_cimxml_form form)
{
    uint32_t max;
    size_t idx;
    if (!pull_params(rq, out, &max, NULL, false))
        return;
    const char *id = sim_param_str(rq, "EnumerationContext");
    struct sim_enum *e = enum_find(s, id, &idx);
    if (!e) {
        sim_error(rq, out, SP_CIM_ERR_INVALID_ENUMERATION_CONTEXT,
                  "no open enumeration '%s' (closed, finished or expired)",
                  id ? id : "");
        return;
    }
    if (e->form != form) {
        sim_error(rq, out, SP_CIM_ERR_INVALID_ENUMERATION_CONTEXT,
                  "enumeration '%s' is not continued by %s", id,
                  sp_cim_request_name(rq));
        return;
    }
    pull_response(s, rq, out, e, idx, max);
}

void sim_pull(struct sim *s, const sp_cim_request *rq, sp_buf *out)
{
    pull_as(s, rq, out, SP_CIMXML_WITH_PATH);
}

void sim_pull_paths(struct sim *s, const sp_cim_request *rq, sp_buf *out)
{
    pull_as(s, rq, out, SP_CIMXML_PATH);
}

void sim_pull_instances(struct sim *s, const sp_cim_request *rq, sp_buf *out)
{
    pull_as(s, rq, out, SP_CIMXML_INSTANCE);
}

void sim_open_query(struct sim *s, const sp_cim_request *rq, sp_buf *out)
{
    uint32_t max, timeout;
    if (!pull_params(rq, out, &max, &timeout, true))
        return;
    if (sim_param_bool(rq, "ReturnQueryResultClass", false)) {
        sim_error(rq, out, SP_CIM_ERR_NOT_SUPPORTED,
                  "ReturnQueryResultClass is not supported");
        return;
    }
    struct sim_query q;
    if (!sim_query_parse(sim_param_str(rq, "FilterQueryLanguage"),
                         sim_param_str(rq, "FilterQuery"), &q)) {
        sim_error(rq, out, q.code, "%s", q.why);
        return;
    }
    size_t idx;
    struct sim_enum *e = NULL;
    if (sim_check_class(s, rq, out, q.classname))
        e = enum_new(s, rq, out, timeout, &idx);
    if (!e)
        return;
    /* The instances, without paths, with the properties selected. */
    e->form = SP_CIMXML_INSTANCE;
    e->classname = cmd_xstrdup(q.classname);
    e->deep = true;
    e->have_props = !q.all;
    for (size_t i = 0; i < q.nprops; i++)
        sim_strlist_add(&e->props, q.props[i]);
    pull_response(s, rq, out, e, idx, max);
}

void sim_close_enumeration(struct sim *s, const sp_cim_request *rq, sp_buf *out)
{
    size_t idx;
    const char *id = sim_param_str(rq, "EnumerationContext");
    if (!enum_find(s, id, &idx)) {
        sim_error(rq, out, SP_CIM_ERR_INVALID_ENUMERATION_CONTEXT,
                  "no open enumeration '%s'", id ? id : "");
        return;
    }
    enum_drop(s, idx);
    sp_cimxml_begin_response(out, sp_cim_request_msgid(rq), true,
                             "CloseEnumeration");
    sp_cimxml_end_response(out, true);
}
