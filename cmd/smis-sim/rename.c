/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd/smis-sim/rename.c: a vendor personality's names on the wire (see
 * rename.h): one pass over the parsed request or answer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "rename.h"

#define SIM_PREFIX    "SIM_"
#define SIM_ROOT      "root/sim"
#define SIM_VOLUME    "SIM_StorageVolume"
#define SIM_JOB       "SIM_ConcreteJob"
#define SIM_NAMESPACE "SIM_Namespace"

static const char *const default_interop[] = {"interop", "root/interop", NULL};

const char *sim_rename_class(const struct sim_rename *r, bool to_sim,
                             const char *name, char *buf, size_t size)
{
    if (!name)
        return NULL;
    for (const char *const *c = r->classes; c && c[0]; c += 2)
        if (strcasecmp(name, c[to_sim ? 1 : 0]) == 0) {
            snprintf(buf, size, "%s", c[to_sim ? 0 : 1]);
            return buf;
        }
    if (!r->prefix)
        return name;
    const char *from = to_sim ? r->prefix : SIM_PREFIX;
    const char *to = to_sim ? SIM_PREFIX : r->prefix;
    size_t fl = strlen(from);
    if (strncasecmp(name, from, fl) != 0 || !name[fl])
        return name;
    int n = snprintf(buf, size, "%s%s", to, name + fl);
    return n > 0 && (size_t)n < size ? buf : name;
}

/* ---- the tree ---- */

struct pass {
    const struct sim_rename *r;
    bool answer;
    struct sim_rename_seen *seen;
};

static bool is(const xmlNode *n, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE &&
           strcmp((const char *)n->name, name) == 0;
}

/* Attribute @name of @n (xmlFree), or NULL. */
static char *attr(const xmlNode *n, const char *name)
{
    return (char *)xmlGetProp(n, (const xmlChar *)name);
}

static void rename_attr(const struct pass *p, xmlNode *n, const char *name)
{
    char *v = attr(n, name);
    char buf[256];
    const char *to = sim_rename_class(p->r, !p->answer, v, buf, sizeof(buf));
    if (v && to != v)
        xmlSetProp(n, (const xmlChar *)name, (const xmlChar *)to);
    xmlFree(v);
}

static char *text_of(const xmlNode *n)
{
    return (char *)xmlNodeGetContent(n);
}

static void set_text(xmlNode *n, const char *text)
{
    xmlNodeSetContent(n, NULL);
    xmlNodeAddContent(n, (const xmlChar *)text);
}

/* The value elements of a PROPERTY, KEYBINDING or PARAMVALUE: VALUE and
 * KEYVALUE children, and the VALUEs of a VALUE.ARRAY. */
static void each_value(xmlNode *n, const struct pass *p,
                       void (*fn)(xmlNode *, const struct pass *, const char *,
                                  const char *),
                       const char *cls, const char *name)
{
    for (xmlNode *c = n->children; c; c = c->next) {
        if (is(c, "VALUE") || is(c, "KEYVALUE"))
            fn(c, p, cls, name);
        else if (is(c, "VALUE.ARRAY"))
            each_value(c, p, fn, cls, name);
    }
}

static bool ends_with(const char *s, const char *tail)
{
    size_t sl = strlen(s), tl = strlen(tail);
    return sl >= tl && strcasecmp(s + sl - tl, tail) == 0;
}

/* Namespace @ns in the other spelling: the vendor's in an answer,
 * smis-sim's in a request; NULL when the personality does not serve it
 * (or, in an answer, when it is not smis-sim's). */
static const char *map_ns(const struct pass *p, const char *ns)
{
    const struct sim_rename *r = p->r;
    const char *const *interop = r->interop ? r->interop : default_interop;
    if (p->answer)
        return strcasecmp(ns, SIM_ROOT) == 0    ? (r->ns ? r->ns : SIM_ROOT)
               : strcasecmp(ns, "interop") == 0 ? interop[0]
                                                : NULL;
    if (strcasecmp(ns, r->ns ? r->ns : SIM_ROOT) == 0)
        return SIM_ROOT;
    for (size_t i = 0; interop[i]; i++)
        if (strcasecmp(ns, interop[i]) == 0)
            return "interop";
    return NULL;
}

/* One value of property or key @name of an object of class @cls (in
 * smis-sim's spelling; NULL when not known). */
static void value(xmlNode *v, const struct pass *p, const char *cls,
                  const char *name)
{
    char *t = text_of(v);
    if (!t)
        return;
    char buf[512];
    const char *r = p->r->devid_prefix;
    const char *ns;
    if (name && cls && strcasecmp(name, "Name") == 0 &&
        strcasecmp(cls, SIM_NAMESPACE) == 0 && (ns = map_ns(p, t)) &&
        strcmp(ns, t) != 0) {
        /* A CIM_Namespace is named by the namespace it stands for. */
        set_text(v, ns);
    } else if (name && ends_with(name, "CreationClassName")) {
        const char *to =
            sim_rename_class(p->r, !p->answer, t, buf, sizeof(buf));
        if (to != t)
            set_text(v, to);
    } else if (r && p->answer && name && cls &&
               strcasecmp(name, "DeviceID") == 0 &&
               strcasecmp(cls, SIM_VOLUME) == 0 &&
               strncmp(t, r, strlen(r)) != 0) {
        snprintf(buf, sizeof(buf), "%s%s", r, t);
        set_text(v, buf);
    } else if (r && !p->answer && strncmp(t, r, strlen(r)) == 0) {
        set_text(v, t + strlen(r));
    }
    xmlFree(t);
}

/* A query's FROM class: "SELECT ... FROM Vendor_X ..." asks for SIM_X. */
static void query(xmlNode *v, const struct pass *p, const char *cls,
                  const char *name)
{
    (void)cls;
    (void)name;
    char *t = text_of(v);
    if (!t)
        return;
    for (char *f = t; (f = strcasestr(f, "FROM")) != NULL; f += 4) {
        if ((f > t && f[-1] != ' ' && f[-1] != '\t' && f[-1] != '\n') ||
            (f[4] != ' ' && f[4] != '\t' && f[4] != '\n'))
            continue;
        char *c = f + 4;
        while (*c == ' ' || *c == '\t' || *c == '\n')
            c++;
        size_t cl = strcspn(c, " \t\n,;");
        char word[256], buf[256], out[8192];
        if (!cl || cl >= sizeof(word))
            break;
        memcpy(word, c, cl);
        word[cl] = '\0';
        const char *to = sim_rename_class(p->r, true, word, buf, sizeof(buf));
        if (to != word) {
            snprintf(out, sizeof(out), "%.*s%s%s", (int)(c - t), t, to, c + cl);
            set_text(v, out);
        }
        break;
    }
    xmlFree(t);
}

/* The namespace @n spells with its NAMESPACE children, renamed. */
static void name_space(xmlNode *n, const struct pass *p)
{
    char ns[256] = "";
    size_t len = 0;
    for (xmlNode *c = n->children; c; c = c->next) {
        if (!is(c, "NAMESPACE"))
            continue;
        char *part = attr(c, "NAME");
        int w = snprintf(ns + len, sizeof(ns) - len, "%s%s", len ? "/" : "",
                         part ? part : "");
        xmlFree(part);
        if (w < 0 || (size_t)w >= sizeof(ns) - len)
            return; /* too long to be a namespace served */
        len += (size_t)w;
    }
    const char *to = map_ns(p, ns);
    if (!to && !p->answer && p->seen && !p->seen->bad_ns[0])
        snprintf(p->seen->bad_ns, sizeof(p->seen->bad_ns), "%s", ns);
    if (!to || strcmp(to, ns) == 0)
        return;
    /* The new NAMESPACE elements go where the old ones were: first. */
    xmlNode *first = NULL;
    for (xmlNode *c = n->children, *next; c; c = next) {
        next = c->next;
        if (is(c, "NAMESPACE")) {
            xmlUnlinkNode(c);
            xmlFreeNode(c);
        } else if (!first && c->type == XML_ELEMENT_NODE) {
            first = c;
        }
    }
    for (const char *part = to; *part;) {
        size_t pl = strcspn(part, "/");
        char name[256];
        snprintf(name, sizeof(name), "%.*s", (int)pl, part);
        xmlNode *e = xmlNewNode(NULL, (const xmlChar *)"NAMESPACE");
        xmlSetProp(e, (const xmlChar *)"NAME", (const xmlChar *)name);
        if (first)
            xmlAddPrevSibling(first, e);
        else
            xmlAddChild(n, e);
        part += pl + (part[pl] == '/');
    }
}

static void walk(xmlNode *n, const struct pass *p, const char *cls);

/* The members of an INSTANCENAME or INSTANCE of class @cls. */
static void object(xmlNode *n, const struct pass *p)
{
    char *cls = attr(n, "CLASSNAME");
    char buf[256];
    /* Values are judged by smis-sim's name of the class. */
    const char *own =
        p->answer ? cls : sim_rename_class(p->r, true, cls, buf, sizeof(buf));
    bool drop_jobstate = p->answer && p->r->no_jobstate && p->seen &&
                         p->seen->props && own && strcasecmp(own, SIM_JOB) == 0;
    for (xmlNode *c = n->children, *next; c; c = next) {
        next = c->next;
        char *name = NULL;
        if (is(c, "KEYBINDING") || is(c, "PROPERTY") || is(c, "PROPERTY.ARRAY"))
            name = attr(c, "NAME");
        if (name && drop_jobstate && strcasecmp(name, "JobState") == 0) {
            xmlUnlinkNode(c);
            xmlFreeNode(c);
            xmlFree(name);
            continue;
        }
        if (name)
            each_value(c, p, value, own, name);
        xmlFree(name);
        walk(c, p, own);
    }
    rename_attr(p, n, "CLASSNAME");
    xmlFree(cls);
}

static void walk(xmlNode *n, const struct pass *p, const char *cls)
{
    if (!n || n->type != XML_ELEMENT_NODE)
        return;
    if (is(n, "INSTANCENAME") || is(n, "INSTANCE")) {
        object(n, p);
        return;
    }
    if (is(n, "LOCALNAMESPACEPATH") || is(n, "NAMESPACEPATH"))
        name_space(n, p);
    if (is(n, "CLASSNAME") || is(n, "CLASS"))
        rename_attr(p, n, "NAME");
    if (is(n, "CLASS"))
        rename_attr(p, n, "SUPERCLASS");
    if (n->type == XML_ELEMENT_NODE) {
        rename_attr(p, n, "REFERENCECLASS");
        rename_attr(p, n, "CLASSORIGIN");
    }
    if (p->answer && p->r->untyped_keys && is(n, "KEYVALUE"))
        xmlUnsetProp(n, (const xmlChar *)"TYPE");
    if (!p->answer && is(n, "IPARAMVALUE")) {
        char *name = attr(n, "NAME");
        if (name && strcasecmp(name, "PropertyList") == 0 && p->seen)
            p->seen->props = true;
        if (name && strcasecmp(name, "Query") == 0)
            each_value(n, p, query, NULL, NULL);
        xmlFree(name);
    }
    if (!p->answer && (is(n, "VALUE") || is(n, "KEYVALUE")))
        value(n, p, cls, NULL);
    for (xmlNode *c = n->children; c; c = c->next)
        walk(c, p, cls);
}

/* Empty elements written as smis-sim's encoder writes them: <X/> only for
 * NAMESPACE, CLASSNAME and VALUE.NULL, else <X></X> (SBLIM's wbemcli reads
 * no <PROPERTY .../>).  An empty text child keeps an element open. */
static void keep_open(xmlNode *n)
{
    for (; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        if (n->children)
            keep_open(n->children);
        else if (!is(n, "NAMESPACE") && !is(n, "CLASSNAME") &&
                 !is(n, "VALUE.NULL"))
            xmlAddChild(n, xmlNewText((const xmlChar *)""));
    }
}

bool sim_rename(const struct sim_rename *r, bool answer, const char *in,
                size_t len, struct sim_rename_seen *seen, char **out,
                size_t *outlen)
{
    *out = NULL;
    *outlen = 0;
    if (!answer && seen)
        memset(seen, 0, sizeof(*seen));
    if (!len || len > (size_t)1 << 31)
        return false;
    /* No DTD, no entities substituted, no network (as the request
     * parser); answers may be large. */
    xmlDoc *doc = xmlReadMemory(in, (int)len, NULL, NULL,
                                XML_PARSE_NONET | XML_PARSE_HUGE |
                                    XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!doc)
        return false;
    struct pass p = {r, answer, seen};
    walk(xmlDocGetRootElement(doc), &p, NULL);
    keep_open(xmlDocGetRootElement(doc));
    xmlChar *mem = NULL;
    int n = 0;
    xmlDocDumpMemoryEnc(doc, &mem, &n, "utf-8");
    xmlFreeDoc(doc);
    if (!mem || n <= 0) {
        xmlFree(mem);
        return false;
    }
    *out = malloc((size_t)n + 1);
    if (*out) {
        memcpy(*out, mem, (size_t)n);
        (*out)[n] = '\0';
        *outlen = (size_t)n;
    }
    xmlFree(mem);
    return *out != NULL;
}
