/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* tests/fuzz/fuzz_sim_rename.c: fuzz the rewrite of a vendor personality's
 * names (cmd/smis-sim/rename.c), which reads every request a client sends
 * to smis-sim --vendor: the first byte picks the direction, the rest is
 * the text.  Never a crash or a leak; what it rewrites is XML again; class
 * names go to the vendor's and back unchanged. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../../cmd/smis-sim/rename.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok, const char *what)
{
    if (ok)
        return;
    fprintf(stderr, "rename: %s\n", what);
    abort();
}

static const char *const classes[] = {"SIM_StorageVolume", "IBMTSDS_FBVolume",
                                      NULL};
static const char *const interop[] = {"root/PG_InterOp", "interop", NULL};

/* Every rule at once: a prefix, a class of another name, namespaces, the
 * DeviceID prefix, untyped keys, JobState left out. */
static const struct sim_rename all = {.prefix = "IBMTSDS_",
                                      .classes = classes,
                                      .ns = "root/ibm",
                                      .interop = interop,
                                      .devid_prefix = "IBM.2107-75SIM01/",
                                      .untyped_keys = true,
                                      .no_jobstate = true};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    bool answer = data[0] & 1;
    const char *text = (const char *)data + 1;
    size_t len = size - 1;
    struct sim_rename_seen seen = {.props = (data[0] & 2) != 0};
    char *out = NULL;
    size_t outlen = 0;
    if (sim_rename(&all, answer, text, len, &seen, &out, &outlen)) {
        check(out && out[outlen] == '\0', "output not terminated");
        check(seen.bad_ns[sizeof(seen.bad_ns) - 1] == '\0' ||
                  strlen(seen.bad_ns) < sizeof(seen.bad_ns),
              "bad namespace not terminated");
        char *again = NULL;
        size_t againlen = 0;
        check(sim_rename(&all, answer, out, outlen, &seen, &again, &againlen),
              "its own output does not parse");
        free(again);
    } else {
        check(!out && !outlen, "output left on failure");
    }
    free(out);

    /* The text as a class name: SIM_X to the vendor's and back. */
    char name[64], buf[256], back[256];
    size_t n = len < sizeof(name) - 5 ? len : sizeof(name) - 5;
    memcpy(name, "SIM_", 4);
    memcpy(name + 4, text, n);
    name[4 + n] = '\0';
    if (strlen(name) > 4) {
        const char *v = sim_rename_class(&all, false, name, buf, sizeof(buf));
        const char *s = sim_rename_class(&all, true, v, back, sizeof(back));
        /* SIM_FBVolume would be IBMTSDS_FBVolume too: no such class. */
        check(strcasecmp(s, name) == 0 || strcasecmp(v, classes[1]) == 0,
              "class name does not come back");
    }
    return 0;
}
