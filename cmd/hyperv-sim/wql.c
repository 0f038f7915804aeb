/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd/hyperv-sim/wql.c: parse the WQL of an Enumerate filter. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "wql.h"

struct lex {
    const char *p;
    struct hv_wql *q;
};

static bool refuse(struct lex *l, const char *why)
{
    snprintf(l->q->why, sizeof(l->q->why), "%s", why);
    return false;
}

static void blanks(struct lex *l)
{
    while (isspace((unsigned char)*l->p))
        l->p++;
}

/* The keyword @kw, whole. */
static bool keyword(struct lex *l, const char *kw)
{
    blanks(l);
    size_t n = strlen(kw);
    if (strncasecmp(l->p, kw, n) != 0 || isalnum((unsigned char)l->p[n]) ||
        l->p[n] == '_')
        return false;
    l->p += n;
    return true;
}

static bool name(struct lex *l, char *out, size_t size)
{
    blanks(l);
    size_t n = 0;
    if (!isalpha((unsigned char)*l->p) && *l->p != '_')
        return false;
    while (isalnum((unsigned char)l->p[n]) || l->p[n] == '_')
        n++;
    if (n >= size)
        return false;
    memcpy(out, l->p, n);
    out[n] = '\0';
    l->p += n;
    return true;
}

static bool punct(struct lex *l, char c)
{
    blanks(l);
    if (*l->p != c)
        return false;
    l->p++;
    return true;
}

/* A quoted string, with \x escapes (the path's) when @escapes. */
static bool quoted(struct lex *l, char *out, size_t size, bool escapes)
{
    blanks(l);
    char quote = *l->p;
    if (quote != '\'' && quote != '"')
        return false;
    size_t n = 0;
    for (l->p++; *l->p && *l->p != quote; l->p++) {
        if (escapes && *l->p == '\\' && l->p[1])
            l->p++;
        if (n + 1 >= size)
            return false;
        out[n++] = *l->p;
    }
    if (*l->p != quote)
        return false;
    l->p++;
    out[n] = '\0';
    return true;
}

static bool value(struct lex *l, char *out, size_t size)
{
    blanks(l);
    if (*l->p == '\'' || *l->p == '"')
        return quoted(l, out, size, false);
    size_t n = 0;
    while (isalnum((unsigned char)l->p[n]) || l->p[n] == '-' ||
           l->p[n] == '.' || l->p[n] == '_')
        n++;
    if (!n || n >= size)
        return false;
    memcpy(out, l->p, n);
    out[n] = '\0';
    l->p += n;
    return true;
}

static bool cond(struct lex *l)
{
    struct hv_wql *q = l->q;
    if (q->nconds == HV_WQL_MAX_CONDS)
        return refuse(l, "too many conditions");
    if (!name(l, q->prop[q->nconds], HV_WQL_NAME) || !punct(l, '=') ||
        !value(l, q->value[q->nconds], HV_WQL_VALUE))
        return refuse(l, "a condition is not Property = value");
    q->nconds++;
    return true;
}

static bool select_query(struct lex *l)
{
    if (!punct(l, '*'))
        return refuse(l, "only SELECT * is supported");
    if (!keyword(l, "FROM") || !name(l, l->q->cls, HV_WQL_NAME))
        return refuse(l, "SELECT * FROM wants a class");
    if (keyword(l, "WHERE")) {
        if (!cond(l))
            return false;
        while (keyword(l, "AND"))
            if (!cond(l))
                return false;
    }
    return true;
}

/* {[\\HOST\NS:]Class.Key="v",...} */
static bool path(struct lex *l)
{
    struct hv_wql *q = l->q;
    if (!punct(l, '{'))
        return refuse(l, "OF wants an object path in braces");
    blanks(l);
    const char *colon = strchr(l->p, ':');
    const char *dot = strchr(l->p, '.');
    if (colon && (!dot || colon < dot))
        l->p = colon + 1;
    if (!name(l, q->cls, HV_WQL_NAME) || !punct(l, '.'))
        return refuse(l, "the object path is not Class.Key=value");
    do {
        if (q->nconds == HV_WQL_MAX_CONDS)
            return refuse(l, "too many keys");
        if (!name(l, q->prop[q->nconds], HV_WQL_NAME) || !punct(l, '='))
            return refuse(l, "the object path is not Class.Key=value");
        blanks(l);
        bool ok = *l->p == '"' || *l->p == '\''
                      ? quoted(l, q->value[q->nconds], HV_WQL_VALUE, true)
                      : value(l, q->value[q->nconds], HV_WQL_VALUE);
        if (!ok)
            return refuse(l, "a key of the object path has no value");
        q->nconds++;
    } while (punct(l, ','));
    if (!punct(l, '}'))
        return refuse(l, "the object path is not closed");
    return true;
}

static bool assoc_query(struct lex *l)
{
    struct hv_wql *q = l->q;
    if (!keyword(l, "OF"))
        return refuse(l, "ASSOCIATORS and REFERENCES want OF");
    if (!path(l))
        return false;
    if (!keyword(l, "WHERE"))
        return true;
    for (;;) {
        char *dst;
        if (keyword(l, "AssocClass"))
            dst = q->assoc_class;
        else if (keyword(l, "ResultClass"))
            dst = q->result_class;
        else if (keyword(l, "ResultRole"))
            dst = q->result_role;
        else if (keyword(l, "Role"))
            dst = q->role;
        else
            break;
        if (!punct(l, '=') || !name(l, dst, HV_WQL_NAME))
            return refuse(l, "a WHERE clause of OF is not Keyword = name");
    }
    return true;
}

bool hv_wql_parse(const char *text, struct hv_wql *q)
{
    memset(q, 0, sizeof(*q));
    struct lex l = {text, q};
    bool ok;
    if (keyword(&l, "SELECT")) {
        q->kind = HV_WQL_SELECT;
        ok = select_query(&l);
    } else if (keyword(&l, "ASSOCIATORS")) {
        q->kind = HV_WQL_ASSOCIATORS;
        ok = assoc_query(&l);
    } else if (keyword(&l, "REFERENCES")) {
        q->kind = HV_WQL_REFERENCES;
        ok = assoc_query(&l);
    } else {
        ok = refuse(&l, "a query is SELECT, ASSOCIATORS OF or REFERENCES OF");
    }
    if (ok) {
        blanks(&l);
        if (*l.p)
            ok = refuse(&l, "the query goes on past its end");
    }
    return ok;
}
