/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd/smis-sim/query.h: the queries smis-sim runs (OpenQueryInstances),
 * parsed without allocating (and fuzzed alone: tests/fuzz). */
#ifndef SMIS_SIM_QUERY_H
#define SMIS_SIM_QUERY_H

#include <stdbool.h>
#include <stddef.h>

#define SIM_QUERY_MAX_PROPS 64
#define SIM_QUERY_MAX_NAME  128
#define SIM_QUERY_MAX_TEXT  4096

struct sim_query {
    char classname[SIM_QUERY_MAX_NAME];                  /* FROM */
    char props[SIM_QUERY_MAX_PROPS][SIM_QUERY_MAX_NAME]; /* SELECT */
    size_t nprops;
    bool all; /* SELECT * */
    int code; /* refused: the CIM error, and why */
    char why[160];
};

/* Parse @text in query language @lang ("DMTF:CQL" or "WQL"): SELECT * or
 * property names FROM a class name, nothing else.  False with q->code and
 * q->why when refused. */
bool sim_query_parse(const char *lang, const char *text, struct sim_query *q);

#endif
