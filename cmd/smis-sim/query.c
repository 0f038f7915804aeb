/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd/smis-sim/query.c: the queries smis-sim runs (OpenQueryInstances):
 * "SELECT * | PROP, ... FROM CLASS" in DMTF:CQL or WQL, nothing more. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <sanprov/error.h>

#include "query.h"

struct scan {
    const char *p;
};

static void blanks(struct scan *s)
{
    while (*s->p == ' ' || *s->p == '\t' || *s->p == '\r' || *s->p == '\n')
        s->p++;
}

/* An identifier ([A-Za-z_][A-Za-z0-9_]*, shorter than SIM_QUERY_MAX_NAME)
 * into @out; false when there is none. */
static bool ident(struct scan *s, char out[SIM_QUERY_MAX_NAME])
{
    blanks(s);
    const char *b = s->p;
    if (!isalpha((unsigned char)*b) && *b != '_')
        return false;
    while (isalnum((unsigned char)*s->p) || *s->p == '_')
        s->p++;
    size_t n = (size_t)(s->p - b);
    if (n >= SIM_QUERY_MAX_NAME)
        return false;
    memcpy(out, b, n);
    out[n] = '\0';
    return true;
}

/* The keyword @kw, as a whole word, in any case. */
static bool keyword(struct scan *s, const char *kw)
{
    blanks(s);
    size_t n = strlen(kw);
    if (strncasecmp(s->p, kw, n) != 0 || isalnum((unsigned char)s->p[n]) ||
        s->p[n] == '_')
        return false;
    s->p += n;
    return true;
}

static bool fail(struct sim_query *q, int code, const char *fmt, ...)
    SP_PRINTF(3, 4);
static bool fail(struct sim_query *q, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    q->code = code;
    vsnprintf(q->why, sizeof(q->why), fmt, ap);
    va_end(ap);
    return false;
}

bool sim_query_parse(const char *lang, const char *text, struct sim_query *q)
{
    memset(q, 0, sizeof(*q));
    if (!lang ||
        (strcasecmp(lang, "DMTF:CQL") != 0 && strcasecmp(lang, "WQL") != 0))
        return fail(q, SP_CIM_ERR_QUERY_LANGUAGE_NOT_SUPPORTED,
                    "query language '%.40s' is not supported (DMTF:CQL, WQL)",
                    lang ? lang : "");
    if (!text)
        return fail(q, SP_CIM_ERR_INVALID_QUERY, "no FilterQuery");
    if (strlen(text) > SIM_QUERY_MAX_TEXT)
        return fail(q, SP_CIM_ERR_INVALID_QUERY,
                    "the query is longer than %d bytes", SIM_QUERY_MAX_TEXT);
    struct scan s = {text};
    if (!keyword(&s, "SELECT"))
        return fail(q, SP_CIM_ERR_INVALID_QUERY,
                    "the query does not start with SELECT");
    blanks(&s);
    if (*s.p == '*') {
        s.p++;
        q->all = true;
    } else {
        for (;;) {
            if (q->nprops >= SIM_QUERY_MAX_PROPS)
                return fail(q, SP_CIM_ERR_INVALID_QUERY,
                            "the query selects more than %d properties",
                            SIM_QUERY_MAX_PROPS);
            char *name = q->props[q->nprops];
            if (!ident(&s, name) || strcasecmp(name, "FROM") == 0)
                return fail(q, SP_CIM_ERR_INVALID_QUERY,
                            "SELECT takes * or property names");
            q->nprops++;
            blanks(&s);
            if (*s.p != ',')
                break;
            s.p++;
        }
    }
    if (!keyword(&s, "FROM") || !ident(&s, q->classname))
        return fail(q, SP_CIM_ERR_INVALID_QUERY, "the query has no FROM CLASS");
    blanks(&s);
    if (*s.p == ';')
        s.p++;
    blanks(&s);
    if (*s.p)
        return fail(q, SP_CIM_ERR_INVALID_QUERY,
                    "this array runs only SELECT ... FROM CLASS, not '%.40s'",
                    s.p);
    return true;
}
