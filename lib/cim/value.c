/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/cim/value.c: typed CIM values: construction, conversion to and from text,
 * equality. */
#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>

#include "cim_internal.h"

static const char *const type_names[] = {
    [SP_CIM_UINT8] = "uint8",         [SP_CIM_SINT8] = "sint8",
    [SP_CIM_UINT16] = "uint16",       [SP_CIM_SINT16] = "sint16",
    [SP_CIM_UINT32] = "uint32",       [SP_CIM_SINT32] = "sint32",
    [SP_CIM_UINT64] = "uint64",       [SP_CIM_SINT64] = "sint64",
    [SP_CIM_REAL32] = "real32",       [SP_CIM_REAL64] = "real64",
    [SP_CIM_BOOLEAN] = "boolean",     [SP_CIM_STRING] = "string",
    [SP_CIM_CHAR16] = "char16",       [SP_CIM_DATETIME] = "datetime",
    [SP_CIM_REFERENCE] = "reference", [SP_CIM_INSTANCE] = "instance",
};

const char *sp_cim_type_name(sp_cim_type t)
{
    if ((size_t)t >= SPI_ARRAY_SIZE(type_names))
        return NULL;
    return type_names[t];
}

sp_cim_type sp_cim_type_from_name(const char *name)
{
    if (!name)
        return SP_CIM_INVALID;
    for (size_t t = 1; t < SPI_ARRAY_SIZE(type_names); t++)
        if (SPI_STREQ(type_names[t], name))
            return (sp_cim_type)t;
    return SP_CIM_INVALID;
}

bool spi_cim_type_is_uint(sp_cim_type t)
{
    return t == SP_CIM_UINT8 || t == SP_CIM_UINT16 || t == SP_CIM_UINT32 ||
           t == SP_CIM_UINT64;
}

bool spi_cim_type_is_sint(sp_cim_type t)
{
    return t == SP_CIM_SINT8 || t == SP_CIM_SINT16 || t == SP_CIM_SINT32 ||
           t == SP_CIM_SINT64;
}

bool spi_cim_type_is_stringlike(sp_cim_type t)
{
    return t == SP_CIM_STRING || t == SP_CIM_CHAR16 || t == SP_CIM_DATETIME;
}

static uint64_t uint_max(sp_cim_type t)
{
    switch (t) {
    case SP_CIM_UINT8:
        return UINT8_MAX;
    case SP_CIM_UINT16:
        return UINT16_MAX;
    case SP_CIM_UINT32:
        return UINT32_MAX;
    default:
        return UINT64_MAX;
    }
}

static int64_t sint_min(sp_cim_type t)
{
    switch (t) {
    case SP_CIM_SINT8:
        return INT8_MIN;
    case SP_CIM_SINT16:
        return INT16_MIN;
    case SP_CIM_SINT32:
        return INT32_MIN;
    default:
        return INT64_MIN;
    }
}

static int64_t sint_max(sp_cim_type t)
{
    switch (t) {
    case SP_CIM_SINT8:
        return INT8_MAX;
    case SP_CIM_SINT16:
        return INT16_MAX;
    case SP_CIM_SINT32:
        return INT32_MAX;
    default:
        return INT64_MAX;
    }
}

static sp_cim_value *alloc_value(sp_cim_type t)
{
    sp_cim_value *v = spi_xcalloc(1, sizeof(*v));
    v->type = t;
    return v;
}

sp_cim_value *sp_cim_value_new_uint(sp_cim_type t, uint64_t x)
{
    assert(spi_cim_type_is_uint(t) && x <= uint_max(t));
    sp_cim_value *v = alloc_value(t);
    v->v.u = x;
    return v;
}

sp_cim_value *sp_cim_value_new_sint(sp_cim_type t, int64_t x)
{
    assert(spi_cim_type_is_sint(t) && x >= sint_min(t) && x <= sint_max(t));
    sp_cim_value *v = alloc_value(t);
    v->v.s = x;
    return v;
}

sp_cim_value *sp_cim_value_new_real(sp_cim_type t, double x)
{
    assert(t == SP_CIM_REAL32 || t == SP_CIM_REAL64);
    sp_cim_value *v = alloc_value(t);
    v->v.r = t == SP_CIM_REAL32 ? (double)(float)x : x;
    return v;
}

sp_cim_value *sp_cim_value_new_bool(bool x)
{
    sp_cim_value *v = alloc_value(SP_CIM_BOOLEAN);
    v->v.b = x;
    return v;
}

sp_cim_value *sp_cim_value_new_string(sp_cim_type t, const char *s)
{
    assert(spi_cim_type_is_stringlike(t) && s);
    sp_cim_value *v = alloc_value(t);
    v->v.str = spi_xstrdup(s);
    return v;
}

sp_cim_value *sp_cim_value_new_untyped(const char *s)
{
    sp_cim_value *v = sp_cim_value_new_string(SP_CIM_STRING, s);
    v->untyped = true;
    v->valuetype = 's';
    return v;
}

sp_cim_value *sp_cim_value_take_ref(sp_cim_path *ref)
{
    assert(ref);
    sp_cim_value *v = alloc_value(SP_CIM_REFERENCE);
    v->v.ref = ref;
    return v;
}

sp_cim_value *sp_cim_value_new_ref(const sp_cim_path *ref)
{
    return sp_cim_value_take_ref(sp_cim_path_copy(ref));
}

sp_cim_value *sp_cim_value_take_instance(sp_cim_instance *inst)
{
    assert(inst);
    sp_cim_value *v = alloc_value(SP_CIM_INSTANCE);
    v->v.inst = inst;
    return v;
}

sp_cim_value *sp_cim_value_new_instance(const sp_cim_instance *inst)
{
    return sp_cim_value_take_instance(sp_cim_instance_copy(inst));
}

sp_cim_value *sp_cim_value_new_null(sp_cim_type t, bool is_array)
{
    sp_cim_value *v = alloc_value(t);
    v->is_null = true;
    v->is_array = is_array;
    return v;
}

sp_cim_value *sp_cim_value_new_array(sp_cim_type t)
{
    sp_cim_value *v = alloc_value(t);
    v->is_array = true;
    return v;
}

sp_code sp_cim_value_append(sp_cim_value *arr, sp_cim_value *elem)
{
    if (!arr->is_array || elem->is_array ||
        (elem->type != arr->type && !elem->untyped)) {
        sp_cim_value_free(elem);
        return SP_ERR_INVALID;
    }
    if (arr->is_null)
        arr->is_null = false;
    spi_xgrow((void **)&arr->v.arr.items, &arr->v.arr.cap, arr->v.arr.n + 1,
              sizeof(*arr->v.arr.items));
    arr->v.arr.items[arr->v.arr.n++] = elem;
    return SP_OK;
}

void sp_cim_value_free(sp_cim_value *v)
{
    if (!v)
        return;
    if (v->is_array) {
        for (size_t i = 0; i < v->v.arr.n; i++)
            sp_cim_value_free(v->v.arr.items[i]);
        free(v->v.arr.items);
    } else if (!v->is_null) {
        if (v->type == SP_CIM_REFERENCE)
            sp_cim_path_free(v->v.ref);
        else if (v->type == SP_CIM_INSTANCE)
            sp_cim_instance_free(v->v.inst);
        else if (spi_cim_type_is_stringlike(v->type))
            free(v->v.str);
    }
    free(v);
}

sp_cim_value *sp_cim_value_copy(const sp_cim_value *v)
{
    if (!v)
        return NULL;
    sp_cim_value *c = alloc_value(v->type);
    *c = *v;
    if (v->is_array) {
        c->v.arr.items = NULL;
        c->v.arr.n = c->v.arr.cap = 0;
        for (size_t i = 0; i < v->v.arr.n; i++)
            sp_cim_value_append(c, sp_cim_value_copy(v->v.arr.items[i]));
    } else if (!v->is_null) {
        if (v->type == SP_CIM_REFERENCE)
            c->v.ref = sp_cim_path_copy(v->v.ref);
        else if (v->type == SP_CIM_INSTANCE)
            c->v.inst = sp_cim_instance_copy(v->v.inst);
        else if (spi_cim_type_is_stringlike(v->type))
            c->v.str = spi_xstrdup(v->v.str);
    }
    return c;
}

sp_cim_type sp_cim_value_type(const sp_cim_value *v)
{
    return v->type;
}

bool sp_cim_value_is_array(const sp_cim_value *v)
{
    return v->is_array;
}

bool sp_cim_value_is_null(const sp_cim_value *v)
{
    return v->is_null;
}

bool sp_cim_value_is_untyped(const sp_cim_value *v)
{
    return v->untyped;
}

size_t sp_cim_value_count(const sp_cim_value *v)
{
    return v->is_array ? v->v.arr.n : 0;
}

const sp_cim_value *sp_cim_value_at(const sp_cim_value *v, size_t i)
{
    if (!v->is_array || i >= v->v.arr.n)
        return NULL;
    return v->v.arr.items[i];
}

static bool scalar(const sp_cim_value *v)
{
    return v && !v->is_array && !v->is_null;
}

/* Parse an untyped value's text as @t; NULL if it does not parse. */
static sp_cim_value *coerce(const sp_cim_value *v, sp_cim_type t)
{
    sp_cim_value *out = NULL;
    if (spi_cim_value_from_text(t, v->v.str, &out, NULL) != SP_OK)
        return NULL;
    return out;
}

bool sp_cim_value_get_uint(const sp_cim_value *v, uint64_t *out)
{
    if (!scalar(v))
        return false;
    if (v->untyped) {
        sp_cim_value *c = coerce(v, SP_CIM_UINT64);
        bool ok = c != NULL;
        if (ok)
            *out = c->v.u;
        sp_cim_value_free(c);
        return ok;
    }
    if (spi_cim_type_is_uint(v->type)) {
        *out = v->v.u;
        return true;
    }
    if (spi_cim_type_is_sint(v->type) && v->v.s >= 0) {
        *out = (uint64_t)v->v.s;
        return true;
    }
    return false;
}

bool sp_cim_value_get_sint(const sp_cim_value *v, int64_t *out)
{
    if (!scalar(v))
        return false;
    if (v->untyped) {
        sp_cim_value *c = coerce(v, SP_CIM_SINT64);
        bool ok = c != NULL;
        if (ok)
            *out = c->v.s;
        sp_cim_value_free(c);
        return ok;
    }
    if (spi_cim_type_is_sint(v->type)) {
        *out = v->v.s;
        return true;
    }
    if (spi_cim_type_is_uint(v->type) && v->v.u <= INT64_MAX) {
        *out = (int64_t)v->v.u;
        return true;
    }
    return false;
}

bool sp_cim_value_get_real(const sp_cim_value *v, double *out)
{
    if (!scalar(v))
        return false;
    if (v->untyped) {
        sp_cim_value *c = coerce(v, SP_CIM_REAL64);
        bool ok = c != NULL;
        if (ok)
            *out = c->v.r;
        sp_cim_value_free(c);
        return ok;
    }
    if (v->type == SP_CIM_REAL32 || v->type == SP_CIM_REAL64)
        *out = v->v.r;
    else if (spi_cim_type_is_uint(v->type))
        *out = (double)v->v.u;
    else if (spi_cim_type_is_sint(v->type))
        *out = (double)v->v.s;
    else
        return false;
    return true;
}

bool sp_cim_value_get_bool(const sp_cim_value *v, bool *out)
{
    if (!scalar(v))
        return false;
    if (v->untyped) {
        sp_cim_value *c = coerce(v, SP_CIM_BOOLEAN);
        bool ok = c != NULL;
        if (ok)
            *out = c->v.b;
        sp_cim_value_free(c);
        return ok;
    }
    if (v->type != SP_CIM_BOOLEAN)
        return false;
    *out = v->v.b;
    return true;
}

const char *sp_cim_value_get_string(const sp_cim_value *v)
{
    if (!scalar(v) || !spi_cim_type_is_stringlike(v->type))
        return NULL;
    return v->v.str;
}

const sp_cim_path *sp_cim_value_get_ref(const sp_cim_value *v)
{
    if (!scalar(v) || v->type != SP_CIM_REFERENCE)
        return NULL;
    return v->v.ref;
}

const sp_cim_instance *sp_cim_value_get_instance(const sp_cim_value *v)
{
    if (!scalar(v) || v->type != SP_CIM_INSTANCE)
        return NULL;
    return v->v.inst;
}

char *sp_cim_value_to_text(const sp_cim_value *v)
{
    if (!scalar(v))
        return NULL;
    if (spi_cim_type_is_uint(v->type) && !v->untyped)
        return spi_xasprintf("%" PRIu64, v->v.u);
    if (spi_cim_type_is_sint(v->type))
        return spi_xasprintf("%" PRId64, v->v.s);
    switch (v->type) {
    case SP_CIM_REAL32:
    case SP_CIM_REAL64:
        if (isnan(v->v.r))
            return spi_xstrdup("NaN");
        if (isinf(v->v.r))
            return spi_xstrdup(v->v.r > 0 ? "INF" : "-INF");
        /* The shortest text that reads back to the same binary value. */
        for (int prec = v->type == SP_CIM_REAL32 ? 6 : 15;; prec++) {
            char *t = spi_xasprintf("%.*g", prec, v->v.r);
            double back = strtod(t, NULL);
            bool same = v->type == SP_CIM_REAL32 ? (float)back == (float)v->v.r
                                                 : back == v->v.r;
            if (same || prec >= 17)
                return t;
            free(t);
        }
    case SP_CIM_BOOLEAN:
        return spi_xstrdup(v->v.b ? "TRUE" : "FALSE");
    case SP_CIM_STRING:
    case SP_CIM_CHAR16:
    case SP_CIM_DATETIME:
        return spi_xstrdup(v->v.str);
    default:
        return NULL;
    }
}

/*
 * Values compared by type when one or both came without one (a KEYVALUE
 * of an instance name carries only VALUETYPE string, numeric or boolean):
 * the untyped text is read as the other's type, so "017" equals uint 17
 * and "TRUE" equals true; two untyped numbers compare as numbers, two
 * booleans regardless of case, and strings exactly (a string key is
 * case-sensitive: DSP0004).  Text that is no valid value of the type
 * equals nothing.
 */
static bool untyped_equal(const sp_cim_value *a, const sp_cim_value *b)
{
    if (a->untyped && !b->untyped) {
        const sp_cim_value *t = a;
        a = b;
        b = t;
    }
    /* Now b is untyped; a may be typed. */
    if (a->is_array || b->is_array || a->is_null || b->is_null) {
        char *ta = sp_cim_value_to_text(a), *tb = sp_cim_value_to_text(b);
        bool eq = ta && tb && SPI_STREQ(ta, tb);
        free(ta);
        free(tb);
        return eq;
    }
    sp_cim_type type;
    if (!a->untyped) {
        type = a->type;
    } else if (a->valuetype != b->valuetype) {
        return SPI_STREQ(a->v.str, b->v.str);
    } else if (a->valuetype == 'b') {
        type = SP_CIM_BOOLEAN;
    } else if (a->valuetype == 'n') {
        /* Integers of either sign, else reals. */
        const char *x = a->v.str, *y = b->v.str;
        sp_cim_type kinds[] = {SP_CIM_UINT64, SP_CIM_SINT64, SP_CIM_REAL64};
        for (size_t i = 0; i < SPI_ARRAY_SIZE(kinds); i++) {
            sp_cim_value *vx = NULL, *vy = NULL;
            sp_error e;
            bool ok = !spi_cim_value_from_text(kinds[i], x, &vx, &e) &&
                      !spi_cim_value_from_text(kinds[i], y, &vy, &e);
            bool eq = ok && sp_cim_value_equal(vx, vy);
            sp_cim_value_free(vx);
            sp_cim_value_free(vy);
            if (ok)
                return eq;
        }
        return false;
    } else {
        return SPI_STREQ(a->v.str, b->v.str);
    }
    if (spi_cim_type_is_stringlike(type) || type == SP_CIM_REFERENCE ||
        type == SP_CIM_INSTANCE) {
        char *ta = sp_cim_value_to_text(a);
        bool eq = ta && SPI_STREQ(ta, b->v.str);
        free(ta);
        return eq;
    }
    sp_cim_value *x = NULL, *y = NULL;
    sp_error e;
    if (a->untyped && spi_cim_value_from_text(type, a->v.str, &x, &e))
        return false;
    bool eq = !spi_cim_value_from_text(type, b->v.str, &y, &e) &&
              sp_cim_value_equal(x ? x : a, y);
    sp_cim_value_free(x);
    sp_cim_value_free(y);
    return eq;
}

bool sp_cim_value_equal(const sp_cim_value *a, const sp_cim_value *b)
{
    if (!a || !b)
        return a == b;
    if (a->is_array != b->is_array || a->is_null != b->is_null)
        return false;
    if (a->untyped || b->untyped)
        return untyped_equal(a, b);
    if (a->type != b->type)
        return false;
    if (a->is_null)
        return true;
    if (a->is_array) {
        if (a->v.arr.n != b->v.arr.n)
            return false;
        for (size_t i = 0; i < a->v.arr.n; i++)
            if (!sp_cim_value_equal(a->v.arr.items[i], b->v.arr.items[i]))
                return false;
        return true;
    }
    if (spi_cim_type_is_uint(a->type))
        return a->v.u == b->v.u;
    if (spi_cim_type_is_sint(a->type))
        return a->v.s == b->v.s;
    switch (a->type) {
    case SP_CIM_REAL32:
    case SP_CIM_REAL64:
        return a->v.r == b->v.r || (isnan(a->v.r) && isnan(b->v.r));
    case SP_CIM_BOOLEAN:
        return a->v.b == b->v.b;
    case SP_CIM_REFERENCE:
        /* The objects of one array: host and namespace spellings are not
         * part of their identity. */
        return sp_cim_path_equal(a->v.ref, b->v.ref, 0);
    case SP_CIM_INSTANCE: {
        const sp_cim_instance *x = a->v.inst, *y = b->v.inst;
        if (!spi_name_eq(x->classname, y->classname) ||
            x->props.n != y->props.n)
            return false;
        for (size_t i = 0; i < x->props.n; i++)
            if (!sp_cim_value_equal(
                    x->props.items[i].value,
                    spi_nvlist_get(&y->props, x->props.items[i].name)))
                return false;
        return true;
    }
    default:
        return SPI_STREQ(a->v.str, b->v.str);
    }
}

/* ---- parsing text as CIM-XML carries it ---- */

static bool parse_datetime(const char *s)
{
    /* yyyymmddhhmmss.mmmmmmsutc (timestamp, s is + or -) or
     * ddddddddhhmmss.mmmmmm:000 (interval); '*' marks unused digits. */
    if (strlen(s) != 25 || s[14] != '.')
        return false;
    for (int i = 0; i < 25; i++) {
        if (i == 14 || i == 21)
            continue;
        if (!isdigit((unsigned char)s[i]) && s[i] != '*')
            return false;
    }
    return s[21] == '+' || s[21] == '-' || s[21] == ':';
}

sp_code spi_cim_value_from_text(sp_cim_type t, const char *text,
                                sp_cim_value **out, sp_error *err)
{
    *out = NULL;
    if (t == SP_CIM_STRING)
        return (*out = sp_cim_value_new_string(t, text)), SP_OK;
    if (t == SP_CIM_CHAR16) {
        if (!*text)
            return sp_error_set(err, SP_ERR_PROTOCOL,
                                "'' is not a valid char16");
        return (*out = sp_cim_value_new_string(t, text)), SP_OK;
    }
    SPI_AUTOFREE char *s = spi_xstrdup_trim(text);
    char *end = NULL;
    errno = 0;
    if (spi_cim_type_is_uint(t)) {
        const char *p = s[0] == '+' ? s + 1 : s;
        if (!isdigit((unsigned char)p[0]))
            goto bad;
        uint64_t x = strtoull(p, &end, 10);
        if (*end || errno || x > uint_max(t))
            goto bad;
        *out = sp_cim_value_new_uint(t, x);
        return SP_OK;
    }
    if (spi_cim_type_is_sint(t)) {
        const char *p = s[0] == '+' || s[0] == '-' ? s + 1 : s;
        if (!isdigit((unsigned char)p[0]))
            goto bad;
        long long x = strtoll(s, &end, 10);
        if (*end || errno || x < sint_min(t) || x > sint_max(t))
            goto bad;
        *out = sp_cim_value_new_sint(t, x);
        return SP_OK;
    }
    switch (t) {
    case SP_CIM_REAL32:
    case SP_CIM_REAL64: {
        if (!*s)
            goto bad;
        double x = strtod(s, &end);
        if (*end || (errno == ERANGE && isinf(x)))
            goto bad;
        if (t == SP_CIM_REAL32 && isfinite(x) && fabs(x) > 3.4028235e38)
            goto bad;
        *out = sp_cim_value_new_real(t, x);
        return SP_OK;
    }
    case SP_CIM_BOOLEAN:
        if (strcasecmp(s, "true") == 0)
            *out = sp_cim_value_new_bool(true);
        else if (strcasecmp(s, "false") == 0)
            *out = sp_cim_value_new_bool(false);
        else
            goto bad;
        return SP_OK;
    case SP_CIM_DATETIME:
        if (!parse_datetime(s))
            goto bad;
        *out = sp_cim_value_new_string(t, s);
        return SP_OK;
    default:
        break;
    }
bad:
    return sp_error_set(err, SP_ERR_PROTOCOL, "'%.64s' is not a valid %s", s,
                        sp_cim_type_name(t) ? sp_cim_type_name(t) : "value");
}
