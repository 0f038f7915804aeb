/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* tests/fuzz/fuzz_path_equal.c: fuzz CIM instance path equality: a path
 * equals itself after any spelling change CIM allows, and never equals a
 * path with another key value. */
#include <ctype.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cim/cim_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct in {
    const uint8_t *p;
    size_t n;
};

static uint8_t byte(struct in *in)
{
    if (!in->n)
        return 0;
    in->n--;
    return *in->p++;
}

/* A CIM name (letters, digits after the first, '_') of 1 to @max chars. */
static void name(struct in *in, char *out, size_t max)
{
    static const char alpha[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_0123456789";
    size_t len = 1 + byte(in) % max;
    for (size_t i = 0; i < len; i++)
        out[i] = alpha[byte(in) % (i ? sizeof(alpha) - 1 : 53)];
    out[len] = '\0';
}

/* Any bytes but NUL, 0 to 16 of them. */
static void text(struct in *in, char *out)
{
    size_t len = byte(in) % 17, k = 0;
    for (size_t i = 0; i < len; i++) {
        uint8_t c = byte(in);
        if (c)
            out[k++] = (char)c;
    }
    out[k] = '\0';
}

static void flip_case(char *s, uint8_t mask)
{
    for (size_t i = 0; s[i]; i++)
        if ((mask >> (i % 8)) & 1)
            s[i] = (char)(isupper((unsigned char)s[i])
                              ? tolower((unsigned char)s[i])
                              : toupper((unsigned char)s[i]));
}

static void check(bool ok, const char *what)
{
    if (ok)
        return;
    fprintf(stderr, "path equality: %s\n", what);
    abort();
}

enum kind { K_STRING, K_UINT, K_SINT, K_BOOL, K_REF, K_N };

struct key {
    char name[16];
    enum kind kind;
    char str[32];
    uint64_t u;
    int64_t s;
    bool b;
};

/* The key's value; @spelled: as a provider may write it instead (untyped
 * text for numbers and booleans); @other: another value. */
static sp_cim_value *value(const struct key *k, bool spelled, bool other,
                           uint8_t mask)
{
    char buf[64];
    sp_cim_value *v;
    switch (k->kind) {
    case K_UINT: {
        uint64_t u = other ? k->u + 1 : k->u;
        if (!spelled)
            return sp_cim_value_new_uint(SP_CIM_UINT64, u);
        snprintf(buf, sizeof(buf), "%s%" PRIu64, mask & 1 ? "+00" : "0", u);
        v = sp_cim_value_new_untyped(buf);
        v->valuetype = 'n';
        return v;
    }
    case K_SINT: {
        int64_t s = other ? (k->s == INT64_MAX ? 0 : k->s + 1) : k->s;
        if (!spelled)
            return sp_cim_value_new_sint(SP_CIM_SINT64, s);
        snprintf(buf, sizeof(buf), "%" PRId64, s);
        v = sp_cim_value_new_untyped(buf);
        v->valuetype = 'n';
        return v;
    }
    case K_BOOL: {
        bool b = other ? !k->b : k->b;
        if (!spelled)
            return sp_cim_value_new_bool(b);
        snprintf(buf, sizeof(buf), "%s", b ? "true" : "false");
        flip_case(buf, mask);
        v = sp_cim_value_new_untyped(buf);
        v->valuetype = 'b';
        return v;
    }
    case K_REF: {
        /* A reference: its own class and key spelled as freely. */
        char cls[] = "CIM_Nested", kname[] = "InstanceID";
        if (spelled) {
            flip_case(cls, mask);
            flip_case(kname, (uint8_t)~mask);
        }
        sp_cim_path *r = sp_cim_path_new(spelled ? "OTHER" : NULL,
                                         spelled ? "/Root/X/" : "root/x", cls);
        snprintf(buf, sizeof(buf), "%s%s", k->str, other ? "!" : "");
        sp_cim_path_set_key(r, kname,
                            sp_cim_value_new_string(SP_CIM_STRING, buf));
        return sp_cim_value_take_ref(r);
    }
    default:
        /* A string key is compared as it is, whatever its spelling. */
        snprintf(buf, sizeof(buf), "%s%s", k->str, other ? "\x01" : "");
        return spelled ? sp_cim_value_new_untyped(buf)
                       : sp_cim_value_new_string(SP_CIM_STRING, buf);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct in in = {data, size};
    size_t nkeys = 1 + byte(&in) % 4;
    char cls[16];
    name(&in, cls, 12);
    struct key keys[4];
    size_t n = 0;
    for (size_t i = 0; i < nkeys; i++) {
        struct key *k = &keys[n];
        memset(k, 0, sizeof(*k));
        name(&in, k->name, 8);
        bool dup = false;
        for (size_t j = 0; j < n; j++)
            dup |= strcasecmp(keys[j].name, k->name) == 0;
        if (dup)
            continue;
        k->kind = (enum kind)(byte(&in) % K_N);
        text(&in, k->str);
        for (int b = 0; b < 8; b++)
            k->u = k->u << 8 | byte(&in);
        k->s = (int64_t)k->u;
        k->b = k->u & 1;
        n++;
    }
    uint8_t mask = byte(&in), which = byte(&in);

    /* As the client builds it. */
    sp_cim_path *a = sp_cim_path_new("array.example.com", "root/cimv2", cls);
    for (size_t i = 0; i < n; i++)
        sp_cim_path_set_key(a, keys[i].name, value(&keys[i], false, false, 0));

    /* As a provider may spell it: class and key names in another case,
     * keys in reverse order, another host, the namespace in another case
     * with slashes around, numbers and booleans as text. */
    char cls2[16];
    snprintf(cls2, sizeof(cls2), "%s", cls);
    flip_case(cls2, mask);
    sp_cim_path *b = sp_cim_path_new("10.0.0.1", "/ROOT/CimV2/", cls2);
    for (size_t i = n; i-- > 0;) {
        char kn[16];
        snprintf(kn, sizeof(kn), "%s", keys[i].name);
        flip_case(kn, (uint8_t)(mask >> 1));
        sp_cim_path_set_key(b, kn,
                            value(&keys[i], (mask >> i) & 1, false, mask));
    }
    check(sp_cim_path_equal(a, a, 0), "a path differs from itself");
    check(sp_cim_path_equal(a, b, 0) && sp_cim_path_equal(b, a, 0),
          "a path differs from itself spelled otherwise");
    check(sp_cim_path_equal(a, b, SP_CIM_PATH_CMP_NAMESPACE),
          "a namespace differs from itself spelled otherwise");
    check(!sp_cim_path_equal(a, b, SP_CIM_PATH_CMP_HOST),
          "two hosts compare equal");
    sp_cim_path *copy = sp_cim_path_copy(b);
    check(sp_cim_path_equal(copy, a, 0), "a copy differs");

    /* The same, with one key's value another. */
    size_t odd = which % n;
    sp_cim_path *c = sp_cim_path_new(NULL, "root/cimv2", cls2);
    for (size_t i = 0; i < n; i++)
        sp_cim_path_set_key(c, keys[i].name,
                            value(&keys[i], (mask >> i) & 1, i == odd, mask));
    check(!sp_cim_path_equal(a, c, 0) && !sp_cim_path_equal(c, a, 0),
          "paths with another key value compare equal");

    /* One key fewer is another path too. */
    if (n > 1) {
        sp_cim_path *d = sp_cim_path_new(NULL, NULL, cls);
        for (size_t i = 1; i < n; i++)
            sp_cim_path_set_key(d, keys[i].name,
                                value(&keys[i], false, false, 0));
        check(!sp_cim_path_equal(a, d, 0) && !sp_cim_path_equal(d, a, 0),
              "a path with a key fewer compares equal");
        sp_cim_path_free(d);
    }
    sp_cim_path_free(a);
    sp_cim_path_free(b);
    sp_cim_path_free(c);
    sp_cim_path_free(copy);
    return 0;
}
