/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd/common/ids.c: the ID reader: arguments, then lines or NUL-separated
 * records on stdin. */
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cli.h"
#include "common/ids.h"
#include "common/lookup.h"
#include "common/status.h"

struct cmd_ids {
    const char **args; /* the arguments not read yet (NULL-terminated) */
    bool in_stdin;     /* reading stdin now */
    bool cut;          /* the field read was longer than SP_ID_MAX */
    char field[SP_ID_MAX + 1];
};

/* Whether standard input holds input: a pipe, a socket or a regular file.
 * A terminal is a user who forgot the IDs; another character device is
 * /dev/null, which systemd, "ssh -n" and many schedulers give a job
 * (Debian's cron gives an empty pipe: that is input, and empty); a closed
 * descriptor is nothing at all. */
static bool stdin_has_input(void)
{
    struct stat st;
    if (fstat(STDIN_FILENO, &st) != 0)
        return false;
    return S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode) || S_ISREG(st.st_mode);
}

struct cmd_ids *cmd_ids_open(poptContext pc, unsigned int flags)
{
    const char **args = poptGetArgs(pc);
    if (!args || !*args) {
        if (flags & CMD_IDS_ARGS_ONLY)
            return NULL;
        if (!stdin_has_input()) {
            if (flags & CMD_IDS_OPTIONAL)
                return NULL;
            cmd_usage_error("no IDs given: name them as arguments or on "
                            "standard input");
        }
    }
    struct cmd_ids *it = cmd_xcalloc(1, sizeof(*it));
    it->args = args;
    it->in_stdin = !args || !*args;
    return it;
}

void cmd_each_configured(poptContext pc, sp_id_kind kind, const char *section,
                         void (*fn)(const char *name))
{
    struct cmd_ids *ids = cmd_ids_open(pc, CMD_IDS_ARGS_ONLY);
    const sp_config *cfg = cmd_config();
    if (!ids) {
        for (size_t i = 0; i < sp_config_count(cfg, section); i++)
            fn(sp_config_name(cfg, section, i));
        return;
    }
    sp_id *id;
    while ((id = cmd_ids_next(ids, CMD_KIND(kind)))) {
        fn(sp_id_field(id, 0));
        sp_id_free(id);
    }
    cmd_ids_close(ids);
}

void cmd_ids_close(struct cmd_ids *it)
{
    free(it);
}

static bool blank(int c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
           c == '\f';
}

/*
 * Read the first field of the next record that has one into it->field and
 * return its length; 0 at the end, -1 on a read error.  Of a field longer
 * than SP_ID_MAX only the start is kept (it->cut), and the rest of the
 * record is never kept: memory stays bounded whatever the input.
 */
static long read_field(struct cmd_ids *it)
{
    const int end = cmd_opt.nul ? '\0' : '\n';
    int c = 0;
    while (c != EOF) {
        size_t len = 0;
        bool after = false; /* past the first field */
        it->cut = false;
        while ((c = getc(stdin)) != EOF && c != end) {
            if (blank(c))
                after = len > 0;
            else if (after)
                continue;
            else if (len < SP_ID_MAX)
                it->field[len++] = (char)c;
            else
                it->cut = true;
        }
        if (c == EOF && ferror(stdin))
            return -1;
        it->field[len] = '\0';
        if (len && it->field[0] != '#' && strcmp(it->field, "ID") != 0)
            return (long)len;
    }
    return 0;
}

/* The text of the next ID and its length (which a NUL makes differ from
 * its strlen()), or NULL at the end. */
static const char *next_text(struct cmd_ids *it, size_t *len)
{
    while (it->in_stdin || (it->args && *it->args)) {
        if (!it->in_stdin) {
            const char *arg = *it->args++;
            it->cut = false;
            *len = strlen(arg);
            if (strcmp(arg, "-") != 0)
                return arg;
            it->in_stdin = true;
        }
        long n = read_field(it);
        if (n > 0) {
            *len = (size_t)n;
            return it->field;
        }
        it->in_stdin = false;
        if (n < 0) {
            cmd_fail_run(SP_EXIT_FAILED, "cannot read 'standard input': %s",
                         strerror(errno));
            it->args = NULL;
        }
    }
    return NULL;
}

/* "PROG: cannot read ID 'TEXT': DETAIL", TEXT cut short and made
 * printable: it may be any junk. */
static void bad_id(const char *text, bool cut, const char *detail)
{
    char shown[101];
    size_t n = 0;
    for (; n < sizeof(shown) - 1 && text[n]; n++)
        shown[n] =
            (unsigned char)text[n] < 0x20 || text[n] == 0x7f ? '?' : text[n];
    shown[n] = '\0';
    cmd_fail_usage("cannot read ID '%s%s': %s", shown,
                   text[n] || cut ? "..." : "", detail);
}

/* "a lun", "an array or pool", "a pool, lun or vm" */
static void kinds_text(unsigned int kinds, char *buf, size_t size)
{
    kinds &= CMD_KIND(SP_ID_JOB + 1) - 1;
    size_t len = 0, left = (size_t)__builtin_popcount(kinds);
    buf[0] = '\0';
    for (int k = SP_ID_ARRAY; k <= SP_ID_JOB && len < size; k++) {
        if (!(kinds & CMD_KIND(k)))
            continue;
        const char *name = sp_id_kind_name((sp_id_kind)k);
        const char *sep = left == 1 ? " or " : ", ";
        if (len == 0)
            sep = strchr("aeiou", *name) ? "an " : "a ";
        len += (size_t)snprintf(buf + len, size - len, "%s%s", sep, name);
        left--;
    }
}

/* Whether @text starts with "KIND:" for a kind of ID. */
static bool has_kind(const char *text)
{
    for (int k = SP_ID_ARRAY; k <= SP_ID_JOB; k++) {
        const char *name = sp_id_kind_name((sp_id_kind)k);
        size_t len = strlen(name);
        if (strncmp(text, name, len) == 0 && text[len] == ':')
            return true;
    }
    return false;
}

/*
 * @text, which did not parse as an ID (@err says why), as the name of an
 * object of @kinds (cmd_lookup_name()): its ID, or NULL when reported.
 * Text that starts like an ID ("tmpl:...") and names nothing is a bad ID.
 */
static sp_id *by_name(const char *text, unsigned int kinds, sp_error *err)
{
    sp_id *id = NULL;
    sp_error e;
    sp_error_clear(&e);
    if (!(kinds & CMD_NAMED_KINDS)) {
        bad_id(text, false, err->message);
        return NULL;
    }
    sp_code rc = cmd_lookup_name(text, kinds, &id, &e);
    if (rc == SP_ERR_NOT_FOUND && has_kind(text))
        bad_id(text, false, err->message);
    else if (rc)
        cmd_failed("find", text, &e);
    return id;
}

sp_id *cmd_ids_next(struct cmd_ids *it, unsigned int kinds)
{
    const char *text;
    size_t len;
    while (it && (text = next_text(it, &len))) {
        sp_id *id = NULL;
        sp_error err;
        sp_error_clear(&err);
        if (it->cut) {
            char detail[64];
            snprintf(detail, sizeof(detail), "ID is longer than %d bytes",
                     SP_ID_MAX);
            bad_id(text, true, detail);
        } else if (strlen(text) != len) {
            const char *detail = "contains a NUL byte (use -0 for "
                                 "NUL-separated input)";
            bad_id(text, false, detail);
        } else if (sp_id_parse(text, &id, &err) != SP_OK) {
            id = by_name(text, kinds, &err);
            if (id)
                return id;
        } else if (kinds && !(kinds & CMD_KIND(sp_id_get_kind(id)))) {
            char want[128], got[16], detail[192];
            kinds_text(kinds, want, sizeof(want));
            kinds_text(CMD_KIND(sp_id_get_kind(id)), got, sizeof(got));
            snprintf(detail, sizeof(detail), "%s ID is wanted, not %s ID", want,
                     got);
            bad_id(text, false, detail);
            sp_id_free(id);
        } else {
            return id;
        }
    }
    return NULL;
}

size_t cmd_ids_read_all(struct cmd_ids *it, unsigned int kinds, sp_id ***out)
{
    sp_id **ids = NULL, *id;
    size_t n = 0, cap = 0;
    while ((id = cmd_ids_next(it, kinds))) {
        cmd_grow((void **)&ids, &cap, n + 1, sizeof(*ids));
        ids[n++] = id;
    }
    *out = ids;
    return n;
}

void cmd_ids_free_all(sp_id **ids, size_t n)
{
    for (size_t i = 0; i < n; i++)
        sp_id_free(ids[i]);
    free(ids);
}
