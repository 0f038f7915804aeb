/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* tests/fuzz/fuzz_sim_query.c: fuzz the queries smis-sim parses (the
 * FilterQueryLanguage, a newline, the FilterQuery); what it accepts is
 * well formed and parses the same when written back. */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../../cmd/smis-sim/query.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok, const char *what)
{
    if (ok)
        return;
    fprintf(stderr, "query: %s\n", what);
    abort();
}

static bool identifier(const char *s)
{
    if (!isalpha((unsigned char)*s) && *s != '_')
        return false;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '_')
            return false;
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    char *nl = strchr(text, '\n');
    const char *lang = nl ? text : "DMTF:CQL";
    const char *query = nl ? nl + 1 : text;
    if (nl)
        *nl = '\0';

    struct sim_query q;
    if (!sim_query_parse(lang, query, &q)) {
        check(q.code != 0, "refused without a CIM status");
        check(memchr(q.why, '\0', sizeof(q.why)) != NULL, "why unterminated");
        free(text);
        return 0;
    }
    check(identifier(q.classname), "class is not an identifier");
    check(q.all != (q.nprops > 0), "neither * nor properties");
    check(q.nprops <= SIM_QUERY_MAX_PROPS, "too many properties");
    /* As short as the text it came from can be: no longer than the limit. */
    char again[SIM_QUERY_MAX_PROPS * (SIM_QUERY_MAX_NAME + 2) + 300];
    size_t n =
        (size_t)snprintf(again, sizeof(again), "SELECT %s", q.all ? "*" : "");
    for (size_t i = 0; i < q.nprops; i++) {
        check(identifier(q.props[i]), "property is not an identifier");
        check(strcasecmp(q.props[i], "FROM") != 0, "FROM as a property");
        n += (size_t)snprintf(again + n, sizeof(again) - n, "%s%s",
                              i ? "," : "", q.props[i]);
    }
    snprintf(again + n, sizeof(again) - n, " FROM %s", q.classname);
    struct sim_query r;
    check(sim_query_parse("WQL", again, &r), "written back, refused");
    check(strcmp(r.classname, q.classname) == 0 && r.all == q.all &&
              r.nprops == q.nprops,
          "written back, parses differently");
    for (size_t i = 0; i < q.nprops; i++)
        check(strcmp(r.props[i], q.props[i]) == 0, "a property changed");
    free(text);
    return 0;
}
