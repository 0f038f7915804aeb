/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/array/smis_mask.c: SMI-S masking changes: Group Masking and Mapping
 * and the ExposePaths fallback, read, sent, and read again when another
 * run changed them in between. */
#include "smis_mask.h"

#include <time.h>
#include <unistd.h>

/*
 * A host's view is found from its initiators: hardware ID -> initiator
 * group -> view (group masking), or hardware ID -> privilege -> view
 * (legacy).  Views, groups and hardware IDs this driver creates are named
 * "sanprov-HOST..." and removed again when their last LUN is unmasked.
 *
 * Runs of one library take turns at a host's masking (the lock of
 * sp_array_mask()); a run of another library, or an administrator, may
 * still change it between what a run read and what it sends.  The array
 * then says CIM_ERR_ALREADY_EXISTS (a hardware ID, group or view just
 * made) or CIM_ERR_NOT_FOUND (a group or view just removed): a hardware ID
 * another made is looked up and used; otherwise the run takes back what it
 * made, waits a little and reads the masking again, MASK_ATTEMPTS times at
 * most, and so ends up in the view the other made.
 */
#define MASK_ATTEMPTS 5

/* ---- small CIM helpers ---- */

static const char *devid(const sp_cim_path *p)
{
    return sp_cim_value_get_string(sp_cim_path_get_key(p, "DeviceID"));
}

void smis_units_free(struct units *u)
{
    for (size_t i = 0; i < u->n; i++)
        free(u->v[i].dev);
    free(u->v);
    memset(u, 0, sizeof(*u));
}

static int keep_unit(sp_cim_instance *i, void *ud)
{
    struct units *u = ud;
    const sp_cim_path *vol =
        sp_cim_value_get_ref(sp_cim_instance_get(i, "Dependent"));
    const char *num = sp_cim_instance_get_string(i, "DeviceNumber");
    if (vol && devid(vol)) {
        spi_xgrow((void **)&u->v, &u->cap, u->n + 1, sizeof(*u->v));
        uint32_t n = SP_LUN_NUMBER_UNKNOWN;
        if (!smis_device_number(num, &n))
            n = SP_LUN_NUMBER_UNKNOWN;
        u->v[u->n++] = (struct unit){spi_xstrdup(devid(vol)), n};
    }
    sp_cim_instance_free(i);
    return 0;
}

sp_code smis_view_units(sp_array *a, const sp_cim_path *spc, struct units *u)
{
    static const char *const props[] = {"Antecedent", "Dependent",
                                        "DeviceNumber", NULL};
    smis_units_free(u);
    if (sp_cim_references(smis_of(a)->c, spc, "CIM_ProtocolControllerForUnit",
                          NULL, props, 0, keep_unit, u))
        return smis_fail(a);
    return SP_OK;
}

static const struct unit *find_unit(const struct units *u, const char *dev)
{
    for (size_t i = 0; i < u->n; i++)
        if (SPI_STREQ(u->v[i].dev, dev))
            return &u->v[i];
    return NULL;
}

/* The host LUN numbers of volumes @devs from the view's units: a volume
 * the view lacks, or whose number the array did not give readably, is a
 * protocol error, never LUN 0. */
static sp_code unit_numbers(sp_array *a, const struct units *u,
                            const char *const *devs, size_t n,
                            uint32_t *numbers)
{
    for (size_t i = 0; i < n; i++) {
        const struct unit *un = find_unit(u, devs[i]);
        if (!un || un->number == SP_LUN_NUMBER_UNKNOWN)
            return spi_array_fail(
                a, SP_ERR_PROTOCOL,
                "array '%s' %s for volume '%s' after masking it", a->name,
                un ? "gave no hexadecimal host LUN number (DeviceNumber)"
                   : "listed no host LUN number",
                devs[i]);
        numbers[i] = un->number;
    }
    return SP_OK;
}

/* ---- finding the host's view ---- */

static sp_code find_view(sp_array *a, const struct hwids *h, size_t n,
                         sp_cim_path **spc)
{
    bool group = smis_of(a)->caps.masking == SP_MASKING_GROUP;
    *spc = NULL;
    for (size_t i = 0; i < n && !*spc; i++) {
        if (!h->paths[i])
            continue;
        sp_cim_path *mid = NULL;
        sp_code rc =
            group ? smis_first_assoc(a, h->paths[i], "CIM_MemberOfCollection",
                                     "CIM_InitiatorMaskingGroup", &mid)
                  : smis_first_assoc(a, h->paths[i], "CIM_AuthorizedSubject",
                                     "CIM_AuthorizedPrivilege", &mid);
        if (!rc && mid)
            rc = group ? smis_first_assoc(a, mid,
                                          "CIM_AssociatedInitiatorMaskingGroup",
                                          "CIM_SCSIProtocolController", spc)
                       : smis_first_assoc(a, mid, "CIM_AuthorizedTarget",
                                          "CIM_SCSIProtocolController", spc);
        sp_cim_path_free(mid);
        if (rc)
            return rc;
    }
    return SP_OK;
}

/* ---- legacy masking: ExposePaths / HidePaths ---- */

static sp_code ccs_call(sp_array *a, const char *method, sp_cim_args *in,
                        const char *what, sp_cim_args **out)
{
    const sp_cim_path *ccs;
    sp_code rc = smis_service(a, SMIS_CCS, &ccs);
    if (!rc && !ccs)
        rc = spi_array_fail(a, SP_ERR_NOT_SUPPORTED,
                            "array '%s' has no controller configuration "
                            "service",
                            a->name);
    sp_cim_args *o = NULL;
    if (!rc)
        rc = smis_invoke(a, ccs, method, in, what, &o, NULL);
    sp_cim_args_free(in);
    if (out)
        *out = o;
    else
        sp_cim_args_free(o);
    return rc;
}

static sp_cim_value *strings(const char *const *v, size_t n)
{
    sp_cim_value *arr = sp_cim_value_new_array(SP_CIM_STRING);
    for (size_t i = 0; i < n; i++)
        sp_cim_value_append(arr, sp_cim_value_new_string(SP_CIM_STRING, v[i]));
    return arr;
}

static sp_code expose(sp_array *a, const sp_mask_target *t,
                      const char *const *devs, size_t n, sp_cim_path **spc,
                      bool hide)
{
    sp_cim_args *in = sp_cim_args_new(), *o = NULL;
    sp_cim_args_set(in, "LUNames", strings(devs, n));
    if (*spc) {
        sp_cim_path *one[] = {*spc};
        sp_cim_args_set(in, "ProtocolControllers", smis_refs(one, 1));
    } else {
        sp_cim_args_set(in, "InitiatorPortIDs",
                        strings(t->initiators, t->ninitiators));
    }
    sp_code rc = ccs_call(a, hide ? "HidePaths" : "ExposePaths", in,
                          hide ? "unmasking LUNs" : "masking LUNs", &o);
    if (!rc && !*spc) {
        const sp_cim_value *pcs = sp_cim_args_get(o, "ProtocolControllers");
        const sp_cim_path *p =
            pcs && sp_cim_value_count(pcs)
                ? sp_cim_value_get_ref(sp_cim_value_at(pcs, 0))
                : NULL;
        *spc = p ? sp_cim_path_copy(p) : NULL;
        if (!*spc)
            rc = spi_array_fail(a, SP_ERR_PROTOCOL,
                                "ExposePaths named no protocol controller");
    }
    sp_cim_args_free(o);
    return rc;
}

/* ---- the driver's mask entry point ---- */

/*
 * The LUNs of @todo were masked in view @spc, but their host LUN numbers
 * cannot be read: the call fails, so take the change back (and the
 * hardware IDs made for it), keeping the first error.  A view left empty
 * goes, as after an unmask.
 */
static void unmask_again(sp_array *a, const sp_mask_target *t, bool group,
                         const sp_cim_path *spc, sp_cim_path *const *todo,
                         const char *const *tododevs, size_t ntodo,
                         struct hwids *h)
{
    sp_error first = a->err;
    if (group) {
        sp_cim_path *dg = NULL;
        if (!smis_first_assoc(a, spc, "CIM_AssociatedDeviceMaskingGroup",
                              "CIM_DeviceMaskingGroup", &dg) &&
            dg && !smis_gm_change_members(a, dg, todo, ntodo, false))
            smis_gm_drop_if_empty(a, spc, dg, NULL);
        sp_cim_path_free(dg);
    } else {
        sp_cim_path *v = sp_cim_path_copy(spc);
        expose(a, t, tododevs, ntodo, &v, true);
        sp_cim_path_free(v);
    }
    smis_delete_hwids(a, h);
    a->err = first;
}

/* One masking change of volumes @vols (DeviceIDs @devs) for target @t:
 * what plan() reads of the host's masking, what apply() sends. */
struct change {
    sp_array *a;
    const sp_mask_target *t;
    bool unmask, group;
    size_t n;
    sp_cim_path **vols;
    const char **devs;
    unsigned int attempt;
    /* Read by plan(). */
    struct hwids h;
    struct units u;
    sp_cim_path *spc, *dg;
    bool found;   /* the host had a view before this change */
    size_t ntodo; /* the volumes that change, in todo and tododevs */
    sp_cim_path **todo;
    const char **tododevs;
};

static void plan_release(struct change *m)
{
    smis_hwids_free(&m->h, m->t->ninitiators);
    smis_units_free(&m->u);
    sp_cim_path_free(m->spc);
    sp_cim_path_free(m->dg);
    m->spc = m->dg = NULL;
    m->found = false;
    m->ntodo = 0;
}

/* Read the host's masking and what of it must change: masking twice, or
 * unmasking what is not masked, is no change and sends nothing. */
static sp_code plan(struct change *m)
{
    sp_array *a = m->a;
    sp_code rc = smis_find_hwids(a, m->t, !m->unmask && m->group, &m->h);
    if (!rc)
        rc = find_view(a, &m->h, m->t->ninitiators, &m->spc);
    m->found = m->spc != NULL;
    if (!rc && m->spc)
        rc = smis_view_units(a, m->spc, &m->u);
    if (!rc && m->spc && m->group)
        rc = smis_first_assoc(a, m->spc, "CIM_AssociatedDeviceMaskingGroup",
                              "CIM_DeviceMaskingGroup", &m->dg);
    for (size_t i = 0; !rc && i < m->n; i++) {
        bool there = m->spc && find_unit(&m->u, m->devs[i]);
        if (there == m->unmask) {
            m->todo[m->ntodo] = m->vols[i];
            m->tododevs[m->ntodo++] = m->devs[i];
        }
    }
    if (!rc && m->ntodo && m->spc && m->group && !m->dg)
        rc = spi_array_fail(a, SP_ERR_PROTOCOL,
                            "array '%s' gave masking view of host '%s' no "
                            "device masking group",
                            a->name, m->t->name);
    if (rc) { /* the hardware IDs just made go too */
        sp_error first = a->err;
        smis_delete_hwids(a, &m->h);
        if (!m->unmask && m->group && smis_answer_lost(rc))
            smis_forget_lost_hwids(a, m->t);
        a->err = first;
    }
    return rc;
}

static sp_code apply(struct change *m)
{
    sp_array *a = m->a;
    if (!m->ntodo)
        return SP_OK;
    if (m->group && m->spc)
        return smis_gm_change_members(a, m->dg, m->todo, m->ntodo, !m->unmask);
    if (m->group) /* a view of a name another run made is read back */
        return smis_gm_new_view(a, m->t, &m->h, m->todo, m->ntodo,
                                m->attempt > 0, &m->spc);
    return expose(a, m->t, m->tododevs, m->ntodo, &m->spc, m->unmask);
}

/* The change failed with @rc: take back what this run made of it, keeping
 * the first error. */
static void recover(struct change *m, sp_code rc)
{
    sp_array *a = m->a;
    sp_error first = a->err;
    if (!m->unmask && smis_answer_lost(rc)) {
        /* The answer was lost, maybe not the change: take it back. */
        sp_cim_path *v = m->spc ? sp_cim_path_copy(m->spc) : NULL;
        if (!v) { /* ExposePaths may have registered the initiators too */
            struct hwids again = {0};
            if (!smis_find_hwids(a, m->t, false, &again))
                find_view(a, &again, m->t->ninitiators, &v);
            smis_hwids_free(&again, m->t->ninitiators);
        }
        if (v)
            unmask_again(a, m->t, m->group, v, m->todo, m->tododevs, m->ntodo,
                         &m->h);
        else
            smis_delete_hwids(a, &m->h);
        sp_cim_path_free(v);
        if (m->group)
            smis_forget_lost_hwids(a, m->t);
    } else if (!m->unmask && rc != SP_ERR_JOB_TIMEOUT) {
        /* A job still running on the array goes on with them. */
        smis_delete_hwids(a, &m->h);
    }
    a->err = first;
}

/* Did another run change the host's masking between plan() and apply()? */
static bool raced(const sp_array *a, sp_code rc)
{
    return rc && (a->err.cim_status == SP_CIM_ERR_ALREADY_EXISTS ||
                  a->err.cim_status == SP_CIM_ERR_NOT_FOUND);
}

/* Wait before attempt @attempt (from 1): 50 ms doubled each time, and
 * up to as much again at random, so that runs that collided part. */
static void back_off(unsigned int attempt)
{
    static __thread unsigned int seed;
    if (!seed)
        seed = (unsigned int)getpid() ^ (unsigned int)time(NULL) ^
               (unsigned int)(uintptr_t)&seed;
    unsigned int ms = 50u << (attempt - 1);
    ms += (unsigned int)rand_r(&seed) % ms;
    usleep((useconds_t)ms * 1000);
}

/* Masked: the host's other initiators and the LUN numbers.  On failure
 * the change is taken back. */
static sp_code after_mask(struct change *m, uint32_t *numbers)
{
    sp_array *a = m->a;
    sp_code rc = SP_OK;
    if (m->group && m->found && m->t->ninitiators > 1)
        rc = smis_gm_complete_initiators(a, m->spc, &m->h, m->t->ninitiators);
    if (!rc && numbers && !(rc = smis_view_units(a, m->spc, &m->u)))
        rc = unit_numbers(a, &m->u, m->devs, m->n, numbers);
    if (rc && m->ntodo)
        unmask_again(a, m->t, m->group, m->spc, m->todo, m->tododevs, m->ntodo,
                     &m->h);
    return rc;
}

/* Unmasked: a view of ours left empty goes, with its groups and hardware
 * IDs; with no view, what an earlier unmask could not remove goes now.
 * SP_ERR_CLEANUP names what the array kept. */
static sp_code after_unmask(struct change *m)
{
    sp_array *a = m->a;
    struct smis_left left = {0};
    if (!m->group)
        return SP_OK;
    /* Read again after a change: runs of other libraries may have taken
     * their LUNs out too, and the last one to see it empty removes it. */
    if (m->spc && (m->ntodo || !m->u.n))
        smis_gm_drop_if_empty(a, m->spc, m->dg, &left);
    else if (!m->spc)
        smis_gm_drop_loose(a, m->t, m->h.paths, m->t->ninitiators, &left);
    sp_error_clear(&a->err);
    return smis_left_report(a, &left);
}

sp_code smis_mask(sp_array *a, const char *const *keys, size_t n,
                  const sp_mask_target *t, unsigned int flags,
                  uint32_t *numbers)
{
    sp_array_caps caps;
    sp_code rc = spi_smis_driver.capabilities(a, &caps);
    if (rc)
        return rc;
    if (caps.masking != SP_MASKING_GROUP && caps.masking != SP_MASKING_LEGACY)
        return spi_array_fail(a, SP_ERR_NOT_SUPPORTED,
                              "array '%s' supports no masking", a->name);
    struct change m = {
        .a = a,
        .t = t,
        .unmask = flags & SP_MASK_UNMASK,
        .group = caps.masking == SP_MASKING_GROUP,
        .n = n,
        .vols = spi_xcalloc(n, sizeof(*m.vols)),
        .devs = spi_xcalloc(n, sizeof(*m.devs)),
        .todo = spi_xcalloc(n, sizeof(*m.todo)),
        .tododevs = spi_xcalloc(n, sizeof(*m.tododevs)),
    };
    for (size_t i = 0; i < n; i++) {
        m.vols[i] = smis_volume_path(a, keys[i]);
        m.devs[i] = devid(m.vols[i]);
    }
    for (;; m.attempt++) {
        if (m.attempt)
            back_off(m.attempt);
        if (!(rc = plan(&m)) && (rc = apply(&m)))
            recover(&m, rc);
        if (!rc && !m.unmask) /* a view removed meanwhile fails it too */
            rc = after_mask(&m, numbers);
        if (!rc || !raced(a, rc) || m.attempt + 1 >= MASK_ATTEMPTS)
            break;
        sp_log(SP_LOG_INFO,
               "array %s: the masking of host '%s' changed under this run "
               "(%s); reading it again",
               a->name, t->name, a->err.message);
        plan_release(&m);
    }
    if (!rc && m.unmask)
        rc = after_unmask(&m);
    if (!rc || rc == SP_ERR_CLEANUP)
        sp_log(SP_LOG_DEBUG, "array %s: %s %zu LUN(s) %s %s", a->name,
               m.unmask ? "unmasked" : "masked", n, m.unmask ? "from" : "to",
               t->name);
    plan_release(&m);
    for (size_t i = 0; i < n; i++)
        sp_cim_path_free(m.vols[i]);
    free(m.vols);
    free(m.devs);
    free(m.todo);
    free(m.tododevs);
    return rc;
}

sp_code smis_unmask_all(sp_array *a, const sp_cim_path *vol, size_t *views)
{
    struct smis *s = smis_of(a);
    struct smis_list l = {0};
    *views = 0;
    sp_array_caps caps;
    sp_code rc = spi_smis_driver.capabilities(a, &caps);
    if (!rc &&
        sp_cim_associator_names(s->c, vol, "CIM_ProtocolControllerForUnit",
                                "CIM_SCSIProtocolController", NULL, NULL, 0,
                                smis_keep_path, &l))
        rc = smis_fail(a);
    for (size_t i = 0; !rc && i < l.n; i++) {
        sp_cim_path *spc = l.v[i];
        sp_cim_path *one[] = {(sp_cim_path *)vol};
        if (caps.masking == SP_MASKING_GROUP) {
            sp_cim_path *dg = NULL;
            struct smis_left left = {0};
            rc = smis_first_assoc(a, spc, "CIM_AssociatedDeviceMaskingGroup",
                                  "CIM_DeviceMaskingGroup", &dg);
            if (!rc && dg)
                rc = smis_gm_change_members(a, dg, one, 1, false);
            if (!rc && dg)
                smis_gm_drop_if_empty(a, spc, dg, &left);
            /* The LUN goes all the same; the next unmask from the host
             * removes what stayed. */
            if (!rc && smis_left_report(a, &left))
                sp_log(SP_LOG_WARN, "%s", a->err.message);
            sp_cim_path_free(dg);
        } else {
            const char *dev = devid(vol);
            sp_mask_target none = SP_STRUCT_INIT(sp_mask_target);
            rc = expose(a, &none, &dev, 1, &spc, true);
            l.v[i] = spc;
        }
        (*views)++;
    }
    if (!rc)
        sp_error_clear(&a->err);
    smis_list_free_paths(&l);
    return rc;
}
