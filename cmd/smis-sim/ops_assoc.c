/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd/smis-sim/ops_assoc.c: the association operations (Associators,
 * AssociatorNames, References, ReferenceNames) and the walk that
 * OpenAssociatorInstances pages through. */
#include <string.h>

#include "common/cmd.h"
#include "sim.h"

static uint64_t fnv(uint64_t h, const char *txt, bool fold)
{
    for (const char *c = txt; c && *c; c++) {
        h ^= (unsigned char)(fold && *c >= 'A' && *c <= 'Z' ? *c + 32 : *c);
        h *= 1099511628211ull;
    }
    return h;
}

/* A hash that equal paths share (sp_cim_path_equal() with no flags): the
 * class and the string keys, names folded, keys in any order. */
static uint64_t path_hash(const sp_cim_path *p)
{
    const uint64_t basis = 1469598103934665603ull;
    uint64_t h = fnv(basis, sp_cim_path_class(p), true);
    for (size_t i = 0; i < sp_cim_path_key_count(p); i++)
        h += fnv(fnv(basis, sp_cim_path_key_name(p, i), true),
                 sp_cim_value_get_string(sp_cim_path_key_value(p, i)), false);
    return h;
}

static void index_put(struct sim_walk *w, size_t i, uint64_t h)
{
    size_t j = h & (w->nslots - 1);
    while (w->slots[j])
        j = (j + 1) & (w->nslots - 1);
    w->slots[j] = i + 1;
}

/* Add @p to the walk's results unless it is there already. */
static void keep(struct sim_walk *w, const sp_cim_path *p)
{
    uint64_t h = path_hash(p);
    if (w->nslots) {
        for (size_t j = h & (w->nslots - 1); w->slots[j];
             j = (j + 1) & (w->nslots - 1)) {
            size_t i = w->slots[j] - 1;
            if (w->hashes[i] == h && sp_cim_path_equal(w->found[i], p, 0))
                return;
        }
    }
    cmd_grow((void **)&w->found, &w->cap, w->n + 1, sizeof(*w->found));
    w->hashes = cmd_xrealloc(w->hashes, w->cap * sizeof(*w->hashes));
    w->hashes[w->n] = h;
    w->found[w->n++] = sp_cim_path_copy(p);
    if (2 * w->n > w->nslots) { /* keep the load at most one half */
        free(w->slots);
        w->nslots = w->nslots ? 2 * w->nslots : 64;
        w->slots = cmd_xcalloc(w->nslots, sizeof(*w->slots));
        for (size_t i = 0; i < w->n; i++)
            index_put(w, i, w->hashes[i]);
    } else {
        index_put(w, w->n - 1, h);
    }
}

static bool class_matches(const char *name, const char *want)
{
    if (!want)
        return true;
    const struct sim_class *c = sim_class_find(name);
    return c && sim_class_is_a(c, want);
}

static int visit_assoc(sp_cim_instance *a, uint64_t pos, void *ud)
{
    struct sim_walk *w = ud;
    const char *roles[2] = {w->klass->role1, w->klass->role2};
    for (int side = 0; side < 2; side++) {
        const sp_cim_path *near =
            sp_cim_value_get_ref(sp_cim_instance_get(a, roles[side]));
        const sp_cim_path *far =
            sp_cim_value_get_ref(sp_cim_instance_get(a, roles[!side]));
        if (!near || !far || !sp_cim_path_equal(near, w->obj, 0))
            continue;
        if (w->role && strcasecmp(w->role, roles[side]) != 0)
            continue;
        if (w->references) {
            keep(w, sp_cim_instance_path(a));
            break;
        }
        if (w->result_role && strcasecmp(w->result_role, roles[!side]) != 0)
            continue;
        if (class_matches(sp_cim_path_class(far), w->result_class))
            keep(w, far);
    }
    sp_cim_instance_free(a);
    return 0;
}

/* Collect what @obj is associated with (or, for References, the
 * associations themselves).  False (and an error in @out) when @obj does
 * not exist. */
bool sim_walk(struct sim *s, const sp_cim_request *rq, sp_buf *out,
              const sp_cim_path *obj, const char *assoc_class,
              const char *result_class, bool references, struct sim_walk *w)
{
    *w = (struct sim_walk){.s = s, .obj = obj, .references = references};
    sp_cim_instance *self = sim_get_instance(s, obj);
    if (!self) {
        char *txt = sp_cim_path_to_string(obj);
        sim_error(rq, out, SP_CIM_ERR_NOT_FOUND, "no instance %s", txt);
        free(txt);
        return false;
    }
    sp_cim_instance_free(self);
    w->role = sim_param_str(rq, "Role");
    w->result_role = sim_param_str(rq, "ResultRole");
    w->result_class = references ? NULL : result_class;
    for (size_t c = 0; c < sim_nclasses; c++) {
        const struct sim_class *k = sim_classes[c];
        /* Associations cross namespaces (the interop profile conforms to
         * the system in root/sim), so every one is walked. */
        if (!k->role1 || !sim_class_served(s, k, NULL))
            continue;
        if (assoc_class && !sim_class_is_a(k, assoc_class))
            continue;
        if (references && result_class && !sim_class_is_a(k, result_class))
            continue;
        w->klass = k;
        k->each(s, 0, visit_assoc, w);
    }
    return true;
}

/* Free the index, keeping the results. */
void sim_walk_free_index(struct sim_walk *w)
{
    free(w->slots);
    free(w->hashes);
    w->slots = NULL;
    w->hashes = NULL;
    w->nslots = 0;
}

void sim_walk_free(struct sim_walk *w)
{
    sim_walk_free_index(w);
    for (size_t i = 0; i < w->n; i++)
        sp_cim_path_free(w->found[i]);
    free(w->found);
}

void sim_associators(struct sim *s, const sp_cim_request *rq, sp_buf *out,
                     bool references, bool names)
{
    const sp_cim_path *obj = sim_param_path(rq, "ObjectName");
    if (!obj) {
        /* Class-level association queries: nothing is associated. */
        if (!sim_param_str(rq, "ObjectName")) {
            sim_error(rq, out, SP_CIM_ERR_INVALID_PARAMETER, "no ObjectName");
            return;
        }
        sp_cimxml_begin_response(out, sp_cim_request_msgid(rq), true,
                                 sp_cim_request_name(rq));
        sp_cimxml_end_response(out, true);
        return;
    }
    const char *rc =
        sim_param_str(rq, references ? "ResultClass" : "AssocClass");
    const char *result = sim_param_str(rq, "ResultClass");
    struct sim_walk w;
    if (!sim_walk(s, rq, out, obj, references ? NULL : rc, result, references,
                  &w))
        return;
    struct sim_strlist props = {0};
    bool have_props = sim_param_props(rq, &props);
    sp_cimxml_begin_response(out, sp_cim_request_msgid(rq), true,
                             sp_cim_request_name(rq));
    sp_cimxml_begin_return(out);
    for (size_t i = 0; i < w.n; i++) {
        if (names) {
            sp_cimxml_write_path(out, w.found[i], SP_CIMXML_OBJECT_PATH,
                                 s->host, NULL);
            continue;
        }
        sp_cim_instance *inst = sim_get_instance(s, w.found[i]);
        if (!inst)
            continue;
        inst = sim_filtered(inst, &props, have_props);
        sp_cimxml_write_instance(out, inst, SP_CIMXML_OBJECT, s->host, NULL);
        sp_cim_instance_free(inst);
    }
    sp_cimxml_end_return(out);
    sp_cimxml_end_response(out, true);
    sim_strlist_clear(&props);
    sim_walk_free(&w);
}
