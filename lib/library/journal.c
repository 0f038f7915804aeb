/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/library/journal.c: run journals on disk: the lines (journal.h), read
 * strictly and with bounded memory, appended and synced, and the files and
 * locks of LIBRARY/journals. */
#include "journal.h"
#include "../util/file.h"
#include "../util/tag.h"

#include <fcntl.h>
#include <inttypes.h>
#include <sys/file.h>
#include <unistd.h>

static const char *const step_names[] = {
    [SPI_JSTEP_PLANNED] = "planned",
    [SPI_JSTEP_BEGUN] = "begun",
    [SPI_JSTEP_MADE] = "made",
    [SPI_JSTEP_REMOVED] = "removed",
};
static const char *const state_names[] = {
    [SPI_JSTATE_MAKING] = "making",
    [SPI_JSTATE_DONE] = "done",
    [SPI_JSTATE_UNDOING] = "undoing",
};

const char *spi_jstep_name(enum spi_jstep s)
{
    return (size_t)s < SPI_ARRAY_SIZE(step_names) ? step_names[s] : "?";
}

const char *spi_jstate_name(enum spi_jstate s)
{
    return (size_t)s < SPI_ARRAY_SIZE(state_names) ? state_names[s] : "?";
}

void spi_jdata_release(struct spi_jdata *d)
{
    for (size_t i = 0; i < d->n; i++) {
        free(d->objs[i].name);
        sp_id_free(d->objs[i].pool);
        sp_id_free(d->objs[i].source);
        sp_id_free(d->objs[i].id);
    }
    free(d->objs);
    free(d->template_name);
    sp_id_free(d->template_id);
    memset(d, 0, sizeof(*d));
}

/* ---- reading ---- */

static bool id_of(const char *v, sp_id_kind kind, sp_id **out)
{
    sp_id *id = NULL;
    if (sp_id_parse(v, &id, NULL) != SP_OK)
        return false;
    if (sp_id_get_kind(id) != kind) {
        sp_id_free(id);
        return false;
    }
    sp_id_free(*out);
    *out = id;
    return true;
}

/* The object a line "KEY=N REST" names: N from 1 to @d->n (@decl: N is
 * d->n + 1, a new one); *@rest is what follows "N ", or "" after "N". */
static struct spi_jobj *object(struct spi_jdata *d, const char *v, bool decl,
                               const char **rest)
{
    char *end;
    errno = 0;
    unsigned long n = strtoul(v, &end, 10);
    if (errno || end == v || *v < '1' || *v > '9' || (*end && *end != ' ') ||
        n > d->n + (decl ? 1 : 0) || (decl && n != d->n + 1))
        return NULL;
    *rest = *end ? end + 1 : end;
    if (decl) {
        spi_xgrow((void **)&d->objs, &d->cap, d->n + 1, sizeof(*d->objs));
        memset(&d->objs[d->n], 0, sizeof(*d->objs));
        d->n++;
    }
    return &d->objs[n - 1];
}

static bool number(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || *end || *s < '0' || *s > '9' || !v)
        return false;
    *out = v;
    return true;
}

/* One line KEY=VALUE of a journal; false when it is wrong. */
static bool line(struct spi_jdata *d, const char *k, const char *v)
{
    const char *rest = NULL;
    struct spi_jobj *o;
    if (SPI_STREQ(k, "library")) {
        if (!spi_uuid_valid(v))
            return false;
        snprintf(d->library, sizeof(d->library), "%s", v);
        return true;
    }
    if (SPI_STREQ(k, "state")) {
        for (size_t i = 0; i < SPI_ARRAY_SIZE(state_names); i++)
            if (SPI_STREQ(v, state_names[i])) {
                d->state = (enum spi_jstate)i;
                return true;
            }
        return false;
    }
    if (SPI_STREQ(k, "template")) {
        free(d->template_name);
        d->template_name = spi_xstrdup(v);
        return *v != '\0';
    }
    if (SPI_STREQ(k, "template-id"))
        return id_of(v, SP_ID_TMPL, &d->template_id);
    if (SPI_STREQ(k, "lun")) {
        if (!(o = object(d, v, true, &rest)))
            return false;
        o->name = spi_xstrdup(rest);
        return *rest != '\0';
    }
    bool obj_key = SPI_STREQ(k, "pool") || SPI_STREQ(k, "source") ||
                   SPI_STREQ(k, "copy") || SPI_STREQ(k, "size") ||
                   SPI_STREQ(k, "begun") || SPI_STREQ(k, "made") ||
                   SPI_STREQ(k, "removed");
    if (!obj_key)
        return true; /* the holder's, or a later version's */
    if (!(o = object(d, v, false, &rest)))
        return false;
    if (SPI_STREQ(k, "pool"))
        return id_of(rest, SP_ID_POOL, &o->pool);
    if (SPI_STREQ(k, "source"))
        return id_of(rest, SP_ID_LUN, &o->source);
    if (SPI_STREQ(k, "copy")) {
        o->copy = SPI_STREQ(rest, "snapshot") ? SP_COPY_SNAPSHOT
                  : SPI_STREQ(rest, "clone")  ? SP_COPY_CLONE
                                              : SP_COPY_NONE;
        return o->copy != SP_COPY_NONE;
    }
    if (SPI_STREQ(k, "size"))
        return number(rest, &o->size);
    if (*rest && !SPI_STREQ(k, "made"))
        return false;
    if (SPI_STREQ(k, "begun")) {
        o->step = o->step > SPI_JSTEP_BEGUN ? o->step : SPI_JSTEP_BEGUN;
        return true;
    }
    if (SPI_STREQ(k, "made")) {
        o->step = SPI_JSTEP_MADE;
        return id_of(rest, SP_ID_LUN, &o->id);
    }
    o->step = SPI_JSTEP_REMOVED;
    return true;
}

sp_code spi_journal_parse(const char *text, size_t len, const char *origin,
                          struct spi_jdata *out, sp_error *err)
{
    memset(out, 0, sizeof(*out));
    if (len > SPI_JOURNAL_MAX)
        return sp_error_set(err, SP_ERR_TOO_LARGE,
                            "'%s' is larger than a journal may be", origin);
    if (memchr(text, '\0', len))
        return sp_error_set(err, SP_ERR_IO, "'%s' holds a NUL byte", origin);
    /* A last line without its newline was cut off: not read. */
    size_t whole = len;
    while (whole && text[whole - 1] != '\n')
        whole--;
    char *copy = spi_xstrndup(text, whole);
    unsigned int lineno = 0;
    sp_code rc = SP_OK;
    for (char *s = copy, *nl; !rc && *s; s = nl + 1) {
        nl = strchr(s, '\n');
        *nl = '\0';
        lineno++;
        if (*s == '#' || !*s)
            continue;
        char *eq = strchr(s, '=');
        if (eq)
            *eq = '\0';
        if (!eq || !line(out, s, eq + 1))
            rc = sp_error_set(err, SP_ERR_IO, "'%s', line %u: bad journal",
                              origin, lineno);
    }
    /* The holder's lines, read by their own reader (from a copy: the
     * lines above were cut up). */
    SPI_AUTOFREE char *whole_text = spi_xstrndup(text, whole);
    if (!rc && (!spi_holder_parse(whole_text, &out->holder) ||
                !spi_uuid_valid(out->holder.entry) || !out->library[0]))
        rc = sp_error_set(err, SP_ERR_IO,
                          "'%s': no entry, holder or library: not a journal",
                          origin);
    /* A LUN is written down whole, then "begun", in one append: one that
     * is not begun may have been cut off by a crash, and was never asked
     * for. */
    for (size_t i = 0; !rc && i < out->n; i++) {
        const struct spi_jobj *o = &out->objs[i];
        if (o->step == SPI_JSTEP_PLANNED)
            continue;
        if (!o->source != !o->copy || (!o->source && !o->size) ||
            (!o->pool && !o->source))
            rc = sp_error_set(err, SP_ERR_IO,
                              "'%s': LUN '%s' has no size, source or pool",
                              origin, o->name);
    }
    free(copy);
    if (rc)
        spi_jdata_release(out);
    return rc;
}

/* ---- files ---- */

char *spi_journals_dir(sp_library *lib, bool make, sp_error *err)
{
    char *dir = spi_xasprintf("%s/journals", sp_library_path(lib));
    if (make && spi_mkdir_p(dir, 0755, err)) {
        free(dir);
        return NULL;
    }
    return dir;
}

sp_code spi_journal_append(sp_journal *j, const char *text, sp_error *err)
{
    size_t len = strlen(text), off = 0;
    while (off < len) {
        ssize_t w = write(j->fd, text + off, len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return sp_error_set(err, SP_ERR_IO, "cannot write '%s': %s",
                                j->path, strerror(errno));
        off += (size_t)w;
    }
    if (fdatasync(j->fd) != 0)
        return sp_error_set(err, SP_ERR_IO, "cannot sync '%s': %s", j->path,
                            strerror(errno));
    return SP_OK;
}

/* Take the lock @path without waiting; SP_ERR_PRECONDITION when held. */
static sp_code lock_now(const char *path, int *fd, sp_error *err)
{
    *fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (*fd < 0)
        return sp_error_set(err, SP_ERR_IO, "cannot open '%s': %s", path,
                            strerror(errno));
    if (flock(*fd, LOCK_EX | LOCK_NB) == 0)
        return SP_OK;
    int e = errno;
    close(*fd);
    *fd = -1;
    return sp_error_set(err, e == EWOULDBLOCK ? SP_ERR_PRECONDITION : SP_ERR_IO,
                        e == EWOULDBLOCK ? "'%s' is held" : "cannot lock '%s'",
                        path);
}

sp_code spi_journal_open(const sp_config *cfg, sp_library *lib,
                         const char *entry, sp_journal **out, sp_error *err)
{
    *out = NULL;
    if (!spi_uuid_valid(entry))
        return sp_error_set(err, SP_ERR_INVALID, "'%s' names no journal",
                            entry);
    SPI_AUTOFREE char *dir = spi_journals_dir(lib, false, err);
    sp_journal *j = spi_xcalloc(1, sizeof(*j));
    j->cfg = cfg;
    j->lib = lib;
    j->fd = j->lockfd = -1;
    j->path = spi_xasprintf("%s/%s.journal", dir, entry);
    j->lockpath = spi_xasprintf("%s/%s.lock", dir, entry);
    SPI_AUTOFREE char *text = NULL;
    sp_code rc = spi_read_small(j->path, SPI_JOURNAL_MAX, &text, err);
    if (!rc)
        rc = spi_journal_parse(text, strlen(text), j->path, &j->d, err);
    char who[320] = "";
    if (!rc)
        spi_holder_describe(&j->d.holder, who, sizeof(who));
    if (!rc &&
        (rc = lock_now(j->lockpath, &j->lockfd, err)) == SP_ERR_PRECONDITION)
        sp_error_set(err, rc, "the run of journal %s, %s, is alive", entry,
                     who);
    if (!rc) { /* read again, locked: its run may have gone on meanwhile */
        spi_jdata_release(&j->d);
        free(text);
        text = NULL;
        rc = spi_read_small(j->path, SPI_JOURNAL_MAX, &text, err);
        if (!rc)
            rc = spi_journal_parse(text, strlen(text), j->path, &j->d, err);
    }
    if (!rc && !SPI_STREQ(j->d.holder.entry, entry))
        rc = sp_error_set(err, SP_ERR_IO, "'%s' is the journal of another run",
                          j->path);
    /* The lock is free, yet the holder runs (a process of this machine
     * that does not hold it?) or is another machine's, within the grace
     * period: alive, as far as can be known. */
    if (!rc &&
        spi_holder_state(&j->d.holder, SP_RESERVATION_GRACE) != SPI_HOLDER_GONE)
        rc = sp_error_set(err, SP_ERR_PRECONDITION,
                          "the run of journal %s, %s, is alive", entry, who);
    if (!rc && (j->fd = open(j->path, O_WRONLY | O_APPEND | O_CLOEXEC)) < 0)
        rc = sp_error_set(err, SP_ERR_IO, "cannot open '%s': %s", j->path,
                          strerror(errno));
    if (rc) {
        sp_journal_free(j);
        return rc;
    }
    *out = j;
    return SP_OK;
}

const struct spi_jdata *spi_journal_data(const sp_journal *j)
{
    return &j->d;
}
