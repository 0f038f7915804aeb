/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd/smis-sim/table.c: the table of served classes, class ancestry, namespaces
 * and instance lookup. */
#include <string.h>

#include "common/cmd.h"
#include "schema.h"
#include "sim.h"

extern const struct sim_class sim_class_profile, sim_class_system,
    sim_class_pool, sim_class_volume, sim_class_scs, sim_class_rs,
    sim_class_gmms, sim_class_ccs, sim_class_hwms, sim_class_ccaps,
    sim_class_rcaps, sim_class_hwid, sim_class_ig, sim_class_tg, sim_class_dg,
    sim_class_spc, sim_class_iscsi, sim_class_fc, sim_class_job,
    sim_class_conforms, sim_class_refprof, sim_class_hpool, sim_class_alloc,
    sim_class_hsvc, sim_class_ecap, sim_class_sysdev, sim_class_sync,
    sim_class_member, sim_class_hcoll, sim_class_aig, sim_class_atg,
    sim_class_adg, sim_class_pcfu, sim_class_pcfp, sim_class_priv,
    sim_class_atarget, sim_class_asubject, sim_class_affected,
    sim_class_package, sim_class_software, sim_class_syspkg,
    sim_class_installed, sim_class_objmgr, sim_class_comm, sim_class_namespace,
    sim_class_nsinmgr, sim_class_commformgr, sim_class_hostedom,
    sim_class_fcpep, sim_class_tcp, sim_class_ip, sim_class_node, sim_class_hap,
    sim_class_dsap, sim_class_binds, sim_class_sapafe, sim_class_gmmcaps,
    sim_class_mmcaps, sim_class_affects, sim_class_cdep, sim_class_omember;

/* The order is the order of enumerations over several classes. */
const struct sim_class *const sim_classes[] = {
    &sim_class_profile, &sim_class_conforms,   &sim_class_refprof,
    &sim_class_objmgr,  &sim_class_comm,       &sim_class_namespace,
    &sim_class_nsinmgr, &sim_class_commformgr, &sim_class_hostedom,
    &sim_class_system,  &sim_class_package,    &sim_class_software,
    &sim_class_pool,    &sim_class_volume,     &sim_class_scs,
    &sim_class_rs,      &sim_class_gmms,       &sim_class_ccs,
    &sim_class_hwms,    &sim_class_ccaps,      &sim_class_rcaps,
    &sim_class_hwid,    &sim_class_ig,         &sim_class_tg,
    &sim_class_dg,      &sim_class_spc,        &sim_class_iscsi,
    &sim_class_fc,      &sim_class_job,        &sim_class_hpool,
    &sim_class_alloc,   &sim_class_hsvc,       &sim_class_ecap,
    &sim_class_sysdev,  &sim_class_syspkg,     &sim_class_installed,
    &sim_class_sync,    &sim_class_member,     &sim_class_hcoll,
    &sim_class_aig,     &sim_class_atg,        &sim_class_adg,
    &sim_class_pcfu,    &sim_class_pcfp,       &sim_class_priv,
    &sim_class_atarget, &sim_class_asubject,   &sim_class_affected,
    &sim_class_fcpep,   &sim_class_tcp,        &sim_class_ip,
    &sim_class_node,    &sim_class_gmmcaps,    &sim_class_mmcaps,
    &sim_class_hap,     &sim_class_dsap,       &sim_class_binds,
    &sim_class_sapafe,  &sim_class_affects,    &sim_class_cdep,
    &sim_class_omember,
};
const size_t sim_nclasses = CMD_COUNT(sim_classes);

const char *sim_namespace(const char *ns)
{
    if (!ns)
        return NULL;
    if (strcasecmp(ns, SIM_NS) == 0)
        return SIM_NS;
    if (strcasecmp(ns, "interop") == 0 || strcasecmp(ns, "root/interop") == 0)
        return SIM_INTEROP;
    return NULL;
}

bool sim_class_served(const struct sim *s, const struct sim_class *c,
                      const char *ns)
{
    /* A vendor may register Group Masking and Mapping without doing it:
     * its service is there, its groups and their associations are not. */
    if (c->personality >= 0 && c->personality != (int)s->o.personality &&
        !(c == &sim_class_gmms && sim_group_registered(s)))
        return false;
    if (!ns)
        return true;
    return c->interop == (strcmp(ns, SIM_INTEROP) == 0);
}

bool sim_class_is_a(const struct sim_class *c, const char *name)
{
    return strcasecmp(c->name, name) == 0 || sim_schema_is_a(c->super, name);
}

bool sim_class_in_namespace(const struct sim *s, const char *name,
                            const char *ns)
{
    for (size_t i = 0; i < sim_nclasses; i++)
        if (sim_class_served(s, sim_classes[i], ns) &&
            sim_class_is_a(sim_classes[i], name))
            return true;
    return false;
}

bool sim_class_known(const char *name)
{
    for (size_t i = 0; i < sim_nclasses; i++)
        if (sim_class_is_a(sim_classes[i], name))
            return true;
    return false;
}

const struct sim_class *sim_class_find(const char *name)
{
    for (size_t i = 0; name && i < sim_nclasses; i++)
        if (strcasecmp(sim_classes[i]->name, name) == 0)
            return sim_classes[i];
    return NULL;
}

struct find {
    const sp_cim_path *want;
    sp_cim_instance *found;
};

static int match(sp_cim_instance *inst, uint64_t pos, void *ud)
{
    struct find *f = ud;
    if (sp_cim_path_equal(sp_cim_instance_path(inst), f->want, 0)) {
        f->found = inst;
        return 1;
    }
    sp_cim_instance_free(inst);
    return 0;
}

sp_cim_instance *sim_get_instance(struct sim *s, const sp_cim_path *p)
{
    const struct sim_class *c = sim_class_find(sp_cim_path_class(p));
    if (!c || !sim_class_served(s, c, NULL))
        return NULL;
    if (c->get)
        return c->get(s, p);
    struct find f = {.want = p};
    c->each(s, 0, match, &f);
    return f.found;
}
