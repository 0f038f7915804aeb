/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd/hyperv-sim/inst.c: WMI instances as hyperv-sim builds and writes them
 * (WS-Management's CIM binding, DSP0227, as WinRM writes it). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/cmd.h"
#include "hv.h"

struct hv_val {
    char *name;
    char **v;
    size_t n;
    bool nil, array;
    struct hv_inst *ref;
};

struct hv_inst {
    char *ns, *cls;
    struct hv_val *p;
    size_t n, cap;
};

/* The key properties of each class; a class not here has none (a
 * singleton). */
static const struct {
    const char *cls;
    const char *keys[5];
} keys[] = {
    {"Msvm_ComputerSystem", {"CreationClassName", "Name"}},
    {"Msvm_VirtualEthernetSwitch", {"CreationClassName", "Name"}},
    {"Msvm_VirtualSystemManagementService",
     {"CreationClassName", "Name", "SystemCreationClassName", "SystemName"}},
    {"Msvm_DiskDrive",
     {"CreationClassName", "DeviceID", "SystemCreationClassName",
      "SystemName"}},
    {"MSFT_iSCSITargetPortal",
     {"TargetPortalAddress", "TargetPortalPortNumber"}},
    {"MSFT_iSCSITarget", {"NodeAddress"}},
    {"MSFT_iSCSISession", {"SessionIdentifier"}},
    {"Win32_OperatingSystem", {"Name"}},
    {"Win32_Service", {"Name"}},
    {"Win32_ServerFeature", {"ID"}},
};

/* Classes keyed by InstanceID or ObjectId: by prefix. */
static const char *key_of(const char *cls, size_t k)
{
    for (size_t i = 0; i < CMD_COUNT(keys); i++)
        if (strcasecmp(keys[i].cls, cls) == 0)
            return k < 5 ? keys[i].keys[k] : NULL;
    if (k)
        return NULL;
    if (strncasecmp(cls, "MSFT_", 5) == 0)
        return strcasecmp(cls, "MSFT_StorageSetting") == 0 ? NULL : "ObjectId";
    if (strncasecmp(cls, "Msvm_", 5) == 0)
        return "InstanceID";
    return NULL; /* an association: no keys of its own here */
}

struct hv_inst *hv_inst_new(const char *ns, const char *cls)
{
    struct hv_inst *i = cmd_xcalloc(1, sizeof(*i));
    i->ns = cmd_xstrdup(ns);
    i->cls = cmd_xstrdup(cls);
    return i;
}

void hv_inst_free(struct hv_inst *i)
{
    if (!i)
        return;
    for (size_t k = 0; k < i->n; k++) {
        free(i->p[k].name);
        for (size_t j = 0; j < i->p[k].n; j++)
            free(i->p[k].v[j]);
        free(i->p[k].v);
        hv_inst_free(i->p[k].ref);
    }
    free(i->p);
    free(i->ns);
    free(i->cls);
    free(i);
}

static struct hv_val *add(struct hv_inst *i, const char *name)
{
    cmd_grow((void **)&i->p, &i->cap, i->n + 1, sizeof(*i->p));
    struct hv_val *v = &i->p[i->n++];
    memset(v, 0, sizeof(*v));
    v->name = cmd_xstrdup(name);
    return v;
}

void hv_inst_str(struct hv_inst *i, const char *name, const char *s)
{
    struct hv_val *v = add(i, name);
    if (!s) {
        v->nil = true;
        return;
    }
    v->v = cmd_xcalloc(1, sizeof(char *));
    v->v[0] = cmd_xstrdup(s);
    v->n = 1;
}

void hv_inst_fmt(struct hv_inst *i, const char *name, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = NULL;
    if (vasprintf(&s, fmt, ap) < 0)
        cmd_die(SP_EXIT_FAILED, "out of memory");
    va_end(ap);
    hv_inst_str(i, name, s);
    free(s);
}

void hv_inst_u64(struct hv_inst *i, const char *name, uint64_t v)
{
    hv_inst_fmt(i, name, "%llu", (unsigned long long)v);
}

void hv_inst_bool(struct hv_inst *i, const char *name, bool v)
{
    hv_inst_str(i, name, v ? "true" : "false");
}

void hv_inst_nil(struct hv_inst *i, const char *name)
{
    hv_inst_str(i, name, NULL);
}

void hv_inst_arr(struct hv_inst *i, const char *name, const char *const *s,
                 size_t n)
{
    struct hv_val *v = add(i, name);
    v->array = true;
    v->nil = n == 0;
    v->v = cmd_xcalloc(n ? n : 1, sizeof(char *));
    for (size_t k = 0; k < n; k++)
        v->v[k] = cmd_xstrdup(s[k]);
    v->n = n;
}

void hv_inst_ref(struct hv_inst *i, const char *name, struct hv_inst *target)
{
    struct hv_val *v = add(i, name);
    v->ref = target;
    v->nil = target == NULL;
}

const char *hv_inst_class(const struct hv_inst *i)
{
    return i->cls;
}

const char *hv_inst_ns(const struct hv_inst *i)
{
    return i->ns;
}

static const struct hv_val *find(const struct hv_inst *i, const char *name)
{
    for (size_t k = 0; k < i->n; k++)
        if (strcasecmp(i->p[k].name, name) == 0)
            return &i->p[k];
    return NULL;
}

const char *hv_inst_get(const struct hv_inst *i, const char *name)
{
    const struct hv_val *v = find(i, name);
    return v && v->n ? v->v[0] : NULL;
}

struct hv_inst *hv_inst_take_ref(struct hv_inst *i, const char *name)
{
    for (size_t k = 0; k < i->n; k++)
        if (strcasecmp(i->p[k].name, name) == 0 && i->p[k].ref) {
            struct hv_inst *r = i->p[k].ref;
            i->p[k].ref = NULL;
            return r;
        }
    return NULL;
}

const struct hv_inst *hv_inst_ref_at(const struct hv_inst *i, size_t k,
                                     const char **name)
{
    if (k >= i->n)
        return NULL;
    *name = i->p[k].name;
    return i->p[k].ref;
}

size_t hv_inst_nprops(const struct hv_inst *i)
{
    return i->n;
}

bool hv_inst_matches(const struct hv_inst *i, const struct hv_epr *e)
{
    const char *ns = hv_epr_selector(e, "__cimnamespace");
    if (ns && strcasecmp(ns, i->ns) != 0)
        return false;
    size_t wanted = 0;
    for (size_t k = 0; k < e->nsel; k++) {
        if (strcasecmp(e->sel_name[k], "__cimnamespace") == 0)
            continue;
        wanted++;
        const char *have = hv_inst_get(i, e->sel_name[k]);
        bool is_key = false;
        for (size_t j = 0; key_of(i->cls, j); j++)
            if (strcasecmp(key_of(i->cls, j), e->sel_name[k]) == 0)
                is_key = true;
        if (!is_key || !have || strcmp(have, e->sel_value[k]) != 0)
            return false;
    }
    /* Every key must be given (WinRM: InvalidSelectors otherwise). */
    size_t nkeys = 0;
    while (key_of(i->cls, nkeys))
        nkeys++;
    return wanted == nkeys;
}

bool hv_inst_same(const struct hv_inst *a, const struct hv_inst *b)
{
    if (strcasecmp(a->cls, b->cls) != 0 || strcasecmp(a->ns, b->ns) != 0)
        return false;
    for (size_t k = 0; key_of(a->cls, k); k++) {
        const char *x = hv_inst_get(a, key_of(a->cls, k));
        const char *y = hv_inst_get(b, key_of(a->cls, k));
        if (!x || !y || strcmp(x, y) != 0)
            return false;
    }
    return true;
}

char *hv_inst_uri(const struct hv_inst *i)
{
    return cmd_xasprintf("%s%s/%s", HV_URI_WMI, i->ns, i->cls);
}

void hv_xml_text(sp_buf *out, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<':
            sp_buf_addstr(out, "&lt;");
            break;
        case '>':
            sp_buf_addstr(out, "&gt;");
            break;
        case '&':
            sp_buf_addstr(out, "&amp;");
            break;
        case '"':
            sp_buf_addstr(out, "&quot;");
            break;
        default:
            sp_buf_add(out, s, 1);
        }
    }
}

/* The inside of an EPR: Address and ReferenceParameters. */
static void epr_body(sp_buf *out, const struct hv_inst *i)
{
    char *uri = hv_inst_uri(i);
    sp_buf_addstr(out, "<a:Address>http://schemas.xmlsoap.org/ws/2004/08/"
                       "addressing/role/anonymous</a:Address>"
                       "<a:ReferenceParameters><wsman:ResourceURI>");
    hv_xml_text(out, uri);
    sp_buf_addstr(out, "</wsman:ResourceURI><wsman:SelectorSet>");
    for (size_t k = 0; key_of(i->cls, k); k++) {
        const char *v = hv_inst_get(i, key_of(i->cls, k));
        sp_buf_addf(out, "<wsman:Selector Name=\"%s\">", key_of(i->cls, k));
        hv_xml_text(out, v ? v : "");
        sp_buf_addstr(out, "</wsman:Selector>");
    }
    sp_buf_addstr(out, "<wsman:Selector Name=\"__cimnamespace\">");
    hv_xml_text(out, i->ns);
    sp_buf_addstr(
        out, "</wsman:Selector></wsman:SelectorSet></a:ReferenceParameters>");
    free(uri);
}

void hv_write_ref(sp_buf *out, const char *name, const struct hv_inst *i)
{
    sp_buf_addf(out, "<p:%s>", name);
    epr_body(out, i);
    sp_buf_addf(out, "</p:%s>", name);
}

void hv_write_epr(sp_buf *out, const struct hv_inst *i)
{
    sp_buf_addstr(out, "<a:EndpointReference>");
    epr_body(out, i);
    sp_buf_addstr(out, "</a:EndpointReference>");
}

static int by_name(const void *a, const void *b)
{
    return strcasecmp(((const struct hv_val *)a)->name,
                      ((const struct hv_val *)b)->name);
}

void hv_write_inst(sp_buf *out, const struct hv_inst *i, const char *tag)
{
    char *uri = hv_inst_uri(i);
    const char *cls = tag ? tag : i->cls;
    sp_buf_addf(out, "<p:%s xmlns:p=\"", cls);
    hv_xml_text(out, uri);
    sp_buf_addf(out,
                "\" xmlns:cim=\"http://schemas.dmtf.org/wbem/wscim/1/common\""
                " xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\""
                " xsi:type=\"p:%s_Type\">",
                cls);
    free(uri);
    /* WinRM writes the properties in alphabetical order. */
    struct hv_val *sorted = cmd_xcalloc(i->n ? i->n : 1, sizeof(*sorted));
    memcpy(sorted, i->p, i->n * sizeof(*sorted));
    qsort(sorted, i->n, sizeof(*sorted), by_name);
    for (size_t k = 0; k < i->n; k++) {
        const struct hv_val *v = &sorted[k];
        if (v->nil) {
            sp_buf_addf(out, "<p:%s xsi:nil=\"true\"/>", v->name);
        } else if (v->ref) {
            sp_buf_addf(out, "<p:%s>", v->name);
            epr_body(out, v->ref);
            sp_buf_addf(out, "</p:%s>", v->name);
        } else {
            for (size_t j = 0; j < v->n; j++) {
                sp_buf_addf(out, "<p:%s>", v->name);
                hv_xml_text(out, v->v[j]);
                sp_buf_addf(out, "</p:%s>", v->name);
            }
        }
    }
    free(sorted);
    sp_buf_addf(out, "</p:%s>", cls);
}

bool hv_uri_split(const char *uri, char **ns, char **cls)
{
    size_t pl = strlen(HV_URI_WMI);
    if (strncasecmp(uri, HV_URI_WMI, pl) != 0)
        return false;
    const char *rest = uri + pl;
    const char *slash = strrchr(rest, '/');
    if (!slash || slash == rest || !slash[1])
        return false;
    *ns = cmd_xasprintf("%.*s", (int)(slash - rest), rest);
    *cls = cmd_xstrdup(slash + 1);
    return true;
}

char *hv_path_escape(const char *s)
{
    sp_buf b = SP_BUF_INIT(1 << 16);
    for (; *s; s++) {
        if (*s == '\\' || *s == '"')
            sp_buf_add(&b, "\\", 1);
        sp_buf_add(&b, s, 1);
    }
    return sp_buf_detach(&b, NULL);
}

char *hv_path_key(const char *path, const char *key)
{
    size_t kl = strlen(key);
    for (const char *p = path; (p = strcasestr(p, key)) != NULL; p++) {
        if (p != path && p[-1] != '.' && p[-1] != ',')
            continue;
        if (p[kl] != '=' || p[kl + 1] != '"')
            continue;
        sp_buf b = SP_BUF_INIT(1 << 16);
        for (p += kl + 2; *p && *p != '"'; p++) {
            if (*p == '\\' && p[1])
                p++;
            sp_buf_add(&b, p, 1);
        }
        return sp_buf_detach(&b, NULL);
    }
    return NULL;
}
