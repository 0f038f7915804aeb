/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd/common/lookup.c: names to IDs, from the configuration and the
 * library, read once per kind. */
#include "common/cli.h"
#include "common/lookup.h"
#include "common/templates.h"

struct named {
    char *name;
    sp_id *id;
};

/* The named objects of one kind, once read. */
struct table {
    bool loaded;
    struct named *v;
    size_t n, cap;
};

static struct table tables[SP_ID_JOB + 1];

/* How a kind is called in messages, and its ID's form. */
static const struct {
    const char *word, *words, *form, *where;
} kind_text[SP_ID_JOB + 1] = {
    [SP_ID_ARRAY] = {"array", "arrays", "array:NAME", " in the configuration"},
    [SP_ID_HOST] = {"host", "hosts", "host:NAME", " in the configuration"},
    [SP_ID_TMPL] = {"template", "templates", "tmpl:UUID", ""},
    [SP_ID_VM] = {"VM", "VMs", "vm:HOST:UUID", ""},
};

static void add(struct table *t, const char *name, sp_id *id)
{
    if (!name || !id) {
        sp_id_free(id);
        return;
    }
    cmd_grow((void **)&t->v, &t->cap, t->n + 1, sizeof(*t->v));
    t->v[t->n++] = (struct named){cmd_xstrdup(name), id};
}

static int add_template(sp_template *tp, void *ctx)
{
    const sp_id *id = sp_template_id(tp);
    add(ctx, sp_template_name(tp), id ? sp_id_copy(id) : NULL);
    sp_template_free(tp);
    return 0;
}

static int add_vm(sp_vm_record *r, void *ctx)
{
    add(ctx, sp_vm_record_name(r), sp_id_copy(sp_vm_record_id(r)));
    sp_vm_record_free(r);
    return 0;
}

/* The configuration's [@section "NAME"]s as IDs of @kind. */
static void add_sections(struct table *t, sp_id_kind kind, const char *section)
{
    const sp_config *cfg = cmd_config();
    for (size_t i = 0; i < sp_config_count(cfg, section); i++) {
        const char *name = sp_config_name(cfg, section, i);
        sp_id *id = NULL;
        sp_error e;
        if (sp_id_new(kind, 1, &name, &id, &e) == SP_OK)
            add(t, name, id);
    }
}

static sp_code load(sp_id_kind kind, sp_error *err)
{
    struct table *t = &tables[kind];
    sp_code rc = SP_OK;
    if (t->loaded)
        return SP_OK;
    if (kind == SP_ID_ARRAY)
        add_sections(t, kind, "array");
    else if (kind == SP_ID_HOST)
        add_sections(t, kind, "host");
    else if (kind == SP_ID_TMPL)
        rc = sp_library_list(cmd_library(), add_template, t, err);
    else if (kind == SP_ID_VM)
        rc = sp_vm_records(cmd_library(), add_vm, t, err);
    t->loaded = rc == SP_OK;
    return rc;
}

/* "template", "host or array": the kinds of @kinds, in @words or @word. */
static void kinds_words(unsigned int kinds, bool plural, char *buf, size_t size)
{
    size_t len = 0;
    buf[0] = '\0';
    for (int k = 0; k <= SP_ID_JOB && len < size; k++)
        if ((kinds & CMD_KIND(k)) && kind_text[k].word)
            len += (size_t)snprintf(
                buf + len, size - len, "%s%s", len ? " or " : "",
                plural ? kind_text[k].words : kind_text[k].word);
}

static sp_code none(unsigned int kinds, sp_error *err)
{
    char what[64], forms[96] = "";
    kinds_words(kinds, false, what, sizeof(what));
    const char *where = "";
    for (int k = 0, len = 0; k <= SP_ID_JOB; k++)
        if ((kinds & CMD_KIND(k)) && kind_text[k].form) {
            len += snprintf(forms + len, sizeof(forms) - (size_t)len, "%s%s",
                            len ? ", " : "", kind_text[k].form);
            where = kind_text[k].where;
        }
    return sp_error_set(err, SP_ERR_NOT_FOUND,
                        "no %s has that name%s, and it is not an ID (%s)", what,
                        where, forms);
}

static sp_code several(unsigned int kinds, sp_id **ids, size_t n, sp_error *err)
{
    char what[64], list[SP_ERROR_MSG_MAX / 2];
    size_t len = 0;
    kinds_words(kinds, true, what, sizeof(what));
    for (size_t i = 0; i < n && len < sizeof(list); i++)
        len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s",
                                i ? ", " : "", sp_id_str(ids[i]));
    if (len >= sizeof(list)) /* cut: say so rather than end mid-ID */
        memcpy(list + sizeof(list) - 4, "...", 4);
    return sp_error_set(err, SP_ERR_INVALID,
                        "%zu %s have that name: %s; give the ID of one", n,
                        what, list);
}

sp_code cmd_lookup_name(const char *name, unsigned int kinds, sp_id **out,
                        sp_error *err)
{
    *out = NULL;
    kinds &= CMD_NAMED_KINDS;
    sp_id **found = NULL;
    size_t n = 0, cap = 0;
    sp_code rc = SP_OK;
    for (int k = 0; k <= SP_ID_JOB && !rc; k++) {
        if (!(kinds & CMD_KIND(k)) || (rc = load((sp_id_kind)k, err)))
            continue;
        for (size_t i = 0; i < tables[k].n; i++)
            if (strcmp(tables[k].v[i].name, name) == 0) {
                cmd_grow((void **)&found, &cap, n + 1, sizeof(*found));
                found[n++] = tables[k].v[i].id;
            }
    }
    if (!rc && n == 0)
        rc = none(kinds, err);
    else if (!rc && n > 1)
        rc = several(kinds, found, n, err);
    else if (!rc)
        *out = sp_id_copy(found[0]);
    free(found);
    return rc;
}

void cmd_lookup_release(void)
{
    for (size_t k = 0; k < CMD_COUNT(tables); k++) {
        for (size_t i = 0; i < tables[k].n; i++) {
            free(tables[k].v[i].name);
            sp_id_free(tables[k].v[i].id);
        }
        free(tables[k].v);
        tables[k] = (struct table){0};
    }
}
