/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd/smis-sim/decl.c: class declarations for GetClass, written as compact text
 * in the class table. */
#include <ctype.h>
#include <string.h>

#include "common/cmd.h"
#include "sim.h"

/*
 * A class declaration is a ';'-separated list:
 *
 *     key DeviceID string          a key property
 *     NumberOfBlocks uint64        a property ("TYPE[]" for an array)
 *     Antecedent ref:CIM_Pool      a reference (keys of associations too)
 *     method Name uint32(in A string, in B ref:CIM_X, out Job ref:CIM_Job,
 *                        in out Size uint64, out Error instance)
 *
 * "instance" is an embedded instance: a string with EmbeddedInstance.
 */

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    char *e = s + strlen(s);
    while (e > s && isspace((unsigned char)e[-1]))
        *--e = '\0';
    return s;
}

/* Parse a TYPE token: the type, arrayness and reference class. */
static sp_cim_type parse_type(const char *tok, bool *is_array,
                              const char **refclass, bool *embedded)
{
    static char ref[128];
    *is_array = false;
    *refclass = NULL;
    *embedded = false;
    char t[128];
    snprintf(t, sizeof(t), "%s", tok);
    size_t n = strlen(t);
    if (n > 2 && strcmp(t + n - 2, "[]") == 0) {
        *is_array = true;
        t[n - 2] = '\0';
    }
    if (strncmp(t, "ref:", 4) == 0) {
        snprintf(ref, sizeof(ref), "%s", t + 4);
        *refclass = ref;
        return SP_CIM_REFERENCE;
    }
    if (strcmp(t, "instance") == 0) {
        *embedded = true;
        return SP_CIM_STRING;
    }
    return sp_cim_type_from_name(t);
}

static void flag(sp_cim_property_decl *d, const char *q)
{
    sp_cim_decl_set_qualifier(d, q, sp_cim_value_new_bool(true));
}

/* "in out Size uint64" */
static void add_param(sp_cim_method_decl *m, char *spec, const char *cls)
{
    bool in = false, out = false;
    char *words[6];
    int n = 0;
    for (char *p = trim(spec); *p && n < 6;) {
        words[n++] = p;
        while (*p && !isspace((unsigned char)*p))
            p++;
        if (*p)
            *p++ = '\0';
        while (isspace((unsigned char)*p))
            p++;
    }
    int i = 0;
    for (;
         i < n && (strcmp(words[i], "in") == 0 || strcmp(words[i], "out") == 0);
         i++) {
        if (strcmp(words[i], "in") == 0)
            in = true;
        else
            out = true;
    }
    if (n - i != 2)
        cmd_die(1, "bad parameter '%s' in class %s", spec, cls);
    bool arr, emb;
    const char *ref;
    sp_cim_type t = parse_type(words[i + 1], &arr, &ref, &emb);
    if (t == SP_CIM_INVALID)
        cmd_die(1, "bad type '%s' in class %s", words[i + 1], cls);
    sp_cim_param_decl *d = sp_cim_method_add_param(m, words[i], t, arr, ref);
    if (in)
        flag(d, "In");
    if (out)
        flag(d, "Out");
    if (emb)
        sp_cim_decl_set_qualifier(
            d, "EmbeddedInstance",
            sp_cim_value_new_string(SP_CIM_STRING, "CIM_Error"));
}

static void add_method(sp_cim_class *c, char *spec)
{
    /* "Name uint32(params)" */
    char *open = strchr(spec, '(');
    char *close = strrchr(spec, ')');
    if (!open || !close)
        cmd_die(1, "bad method '%s' in class %s", spec, sp_cim_class_name(c));
    *open = '\0';
    *close = '\0';
    char *head = trim(spec);
    char *sp = strchr(head, ' ');
    if (!sp)
        cmd_die(1, "method '%s' has no type", head);
    *sp = '\0';
    sp_cim_method_decl *m =
        sp_cim_class_add_method(c, head, sp_cim_type_from_name(trim(sp + 1)));
    for (char *p = open + 1; *trim(p);) {
        char *comma = strchr(p, ',');
        if (comma)
            *comma = '\0';
        add_param(m, p, sp_cim_class_name(c));
        if (!comma)
            break;
        p = comma + 1;
    }
}

static void add_property(sp_cim_class *c, char *spec)
{
    bool key = strncmp(spec, "key ", 4) == 0;
    if (key)
        spec += 4;
    char *sp = strchr(spec, ' ');
    if (!sp)
        cmd_die(1, "bad property '%s' in class %s", spec, sp_cim_class_name(c));
    *sp = '\0';
    bool arr, emb;
    const char *ref;
    sp_cim_type t = parse_type(trim(sp + 1), &arr, &ref, &emb);
    if (t == SP_CIM_INVALID)
        cmd_die(1, "bad type '%s' in class %s", sp + 1, sp_cim_class_name(c));
    sp_cim_property_decl *d =
        sp_cim_class_add_property(c, trim(spec), t, arr, ref, NULL);
    if (key)
        flag(d, "Key");
    if (emb)
        sp_cim_decl_set_qualifier(
            d, "EmbeddedInstance",
            sp_cim_value_new_string(SP_CIM_STRING, "CIM_Error"));
}

static sp_cim_class *parse_class(const struct sim_class *k)
{
    sp_cim_class *c = sp_cim_class_new(k->name, k->parents[0]);
    if (k->role1)
        sp_cim_class_set_qualifier(c, "Association",
                                   sp_cim_value_new_bool(true));
    char *text = cmd_xstrdup(k->decl ? k->decl : "");
    /* ';' ends a declaration, except inside a method's parentheses. */
    int depth = 0;
    char *start = text;
    for (char *p = text;; p++) {
        if (*p == '(')
            depth++;
        else if (*p == ')')
            depth--;
        if ((*p == ';' && depth == 0) || !*p) {
            bool end = !*p;
            *p = '\0';
            char *d = trim(start);
            if (strncmp(d, "method ", 7) == 0)
                add_method(c, d + 7);
            else if (*d)
                add_property(c, d);
            if (end)
                break;
            start = p + 1;
        }
    }
    free(text);
    return c;
}

static sp_cim_class **cache;
static pthread_once_t cache_once = PTHREAD_ONCE_INIT;

static void build_cache(void)
{
    cache = cmd_xcalloc(sim_nclasses, sizeof(*cache));
    for (size_t i = 0; i < sim_nclasses; i++)
        cache[i] = parse_class(sim_classes[i]);
}

const sp_cim_class *sim_class_decl(const char *name)
{
    pthread_once(&cache_once, build_cache);
    for (size_t i = 0; i < sim_nclasses; i++)
        if (strcasecmp(sim_classes[i]->name, name) == 0)
            return cache[i];
    return NULL;
}
