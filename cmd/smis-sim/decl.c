/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd/smis-sim/decl.c: the class declarations GetClass and EnumerateClasses
 * answer with: the SIM_ classes and their schema ancestors. */
#include <string.h>

#include "common/cmd.h"
#include "schema.h"
#include "sim.h"

/*
 * A SIM_ class declares what its schema class declares (schema.c, made
 * from the DMTF MOFs) and nothing more; a schema class, what its MOF and
 * its ancestors' declare.  All are made once, on first use.
 */

static sp_cim_class **sim_decls, **schema_decls;
static pthread_once_t decls_once = PTHREAD_ONCE_INIT;

static void build_decls(void)
{
    sim_decls = cmd_xcalloc(sim_nclasses, sizeof(*sim_decls));
    for (size_t i = 0; i < sim_nclasses; i++) {
        sim_decls[i] =
            sim_schema_class_decl(sim_classes[i]->name, sim_classes[i]->super);
        if (!sim_decls[i])
            cmd_die(1,
                    "class %s: its superclass %s is not in the schema "
                    "table (add it to cmd/smis-sim/schema.list)",
                    sim_classes[i]->name, sim_classes[i]->super);
    }
    schema_decls = cmd_xcalloc(sim_schema_count, sizeof(*schema_decls));
    for (size_t i = 0; i < sim_schema_count; i++)
        schema_decls[i] = sim_schema_class_decl(sim_schema[i].name, NULL);
}

sp_cim_class *sim_class_decl_new(const char *name,
                                 const struct sim_decl_opts *o)
{
    const struct sim_class *c = sim_class_find(name);
    if (c)
        return sim_schema_class_decl_opts(c->name, c->super, o);
    const struct sim_schema_class *k = sim_schema_find(name);
    return k ? sim_schema_class_decl_opts(k->name, NULL, o) : NULL;
}

const sp_cim_class *sim_class_decl(const char *name)
{
    pthread_once(&decls_once, build_decls);
    for (size_t i = 0; name && i < sim_nclasses; i++)
        if (strcasecmp(sim_classes[i]->name, name) == 0)
            return sim_decls[i];
    const struct sim_schema_class *c = sim_schema_find(name);
    return c ? schema_decls[c - sim_schema] : NULL;
}
