/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd/smis-sim/rename.h: a vendor personality's names on the wire: class
 * prefixes, namespaces and DeviceIDs rewritten between requests and
 * answers and smis-sim's own (fuzzed alone: tests/fuzz). */
#ifndef SMIS_SIM_RENAME_H
#define SMIS_SIM_RENAME_H

#include <stdbool.h>
#include <stddef.h>

/*
 * How a provider names what smis-sim calls SIM_ classes in root/sim and
 * interop.  The model, its state and its methods keep smis-sim's names;
 * only the CIM-XML on the wire changes, as a real provider would present
 * the same array:
 *
 *   - class names (CLASSNAME, CLASS NAME, REFERENCECLASS, CLASSORIGIN, and
 *     the values of properties and keys named ...CreationClassName, and
 *     the class after FROM in a query): SIM_X is PREFIX + X, or the
 *     name @classes pairs it with;
 *   - namespaces (LOCALNAMESPACEPATH, NAMESPACEPATH): root/sim is @ns,
 *     interop is @interop[0]; requests may name any of @interop; any
 *     other namespace is one this provider does not serve; the Name of a
 *     SIM_Namespace (CIM_Namespace) follows the namespace it names;
 *   - the DeviceIDs of volumes (SIM_StorageVolume's key and property)
 *     start with @devid_prefix in answers; a value that starts with it in
 *     a request loses it;
 *   - @untyped_keys: KEYVALUE without TYPE (DTD 2.3.1 style);
 *   - @no_jobstate: the answer to a request that had a PropertyList gives
 *     job instances (SIM_ConcreteJob) without JobState.
 */
struct sim_rename {
    const char *prefix;         /* replaces "SIM_"; NULL: kept */
    const char *const *classes; /* SIM name, vendor name, ..., NULL */
    const char *ns;             /* the array's namespace; NULL: root/sim */
    const char *const *interop; /* NULL-ended; NULL: interop, root/interop */
    const char *devid_prefix;   /* NULL: none */
    bool untyped_keys;
    bool no_jobstate;
};

/* What a request told the rewrite of its answer. */
struct sim_rename_seen {
    char bad_ns[256]; /* a namespace not served ("": none) */
    bool props;       /* a PropertyList was given */
};

/*
 * Rewrite a request (@answer false) or an answer of @len bytes.  True:
 * *@out (malloc'd, *@outlen bytes; the caller frees) holds the rewritten
 * text.  False: the text is not XML (a request is then left to the parser
 * to refuse, an answer is sent as it is), *@out is NULL.  A request fills
 * @seen; an answer reads it.
 */
bool sim_rename(const struct sim_rename *r, bool answer, const char *in,
                size_t len, struct sim_rename_seen *seen, char **out,
                size_t *outlen);

/* The vendor's name of SIM class @sim, or smis-sim's name of vendor class
 * @name (@to_sim), into @buf; @buf when renamed, else @name itself. */
const char *sim_rename_class(const struct sim_rename *r, bool to_sim,
                             const char *name, char *buf, size_t size);

#endif
