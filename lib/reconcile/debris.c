/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/reconcile/debris.c: reservations whose holder is gone, and files
 * nothing needs: temporary files of dead processes, locks without their
 * record or journal, seed media and work directories without their VM,
 * done journals whose LUNs are all gone. */
#include "reconcile.h"
#include "../util/file.h"
#include "../util/holder.h"
#include "../util/tag.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- stale reservations ---- */

struct stale {
    sp_name_kind kind;
    char *scope, *name, *entry, *holder;
};

struct stale_list {
    struct stale *v;
    size_t n, cap;
};

static int keep_stale(const sp_name_info *info, void *ctx)
{
    struct stale_list *l = ctx;
    if (!info->gone)
        return 0;
    spi_xgrow((void **)&l->v, &l->cap, l->n + 1, sizeof(*l->v));
    l->v[l->n++] = (struct stale){
        info->kind, spi_xstrdup(info->scope), spi_xstrdup(info->name),
        spi_xstrdup(info->entry), spi_xstrdup(info->holder)};
    return 0;
}

/* @s percent-encoded as an ID's fields are, its ':' kept (a new string). */
static char *keep_colons(const char *s)
{
    SPI_AUTOFREE char *enc = spi_file_name_of(s);
    char *out = spi_xstrdup(enc), *w = out;
    for (const char *p = enc; *p; p++) {
        if (strncmp(p, "%3A", 3) == 0) {
            *w++ = ':';
            p += 2;
        } else {
            *w++ = *p;
        }
    }
    *w = '\0';
    return out;
}

void rc_stale(struct rc *rc)
{
    struct stale_list l = {0};
    sp_error e;
    if (sp_name_reservations(rc->lib, keep_stale, &l, &e))
        rc_source_failed(rc, &e);
    for (size_t i = 0; i < l.n; i++) {
        const struct stale *s = &l.v[i];
        /* reservation:KIND:SCOPE:NAME, each field encoded as in IDs (a
         * scope is ARRAY:POOLKEY, its own two fields). */
        SPI_AUTOFREE char *scope = keep_colons(s->scope ? s->scope : "");
        SPI_AUTOFREE char *name = spi_file_name_of(s->name);
        SPI_AUTOFREE char *ref = spi_xasprintf(
            "reservation:%s:%s:%s", sp_name_kind_name(s->kind), scope, name);
        SPI_AUTOFREE char *why =
            spi_xasprintf("%s name reserved by %s, which is gone",
                          sp_name_kind_name(s->kind), s->holder);
        char buf[SP_ERROR_MSG_MAX + 32];
        sp_finding f = {
            .kind = SP_FINDING_STALE,
            .ref = ref,
            .object = "reservation",
            .where = "library",
            .name = s->name,
            .entry = s->entry[0] ? s->entry : NULL,
            .age = -1,
            .why = why,
        };
        if (rc->fix) {
            sp_code drc =
                sp_name_drop(rc->lib, s->kind, s->scope, s->name, 0, &e);
            f.fixed = drc == SP_ERR_NOT_FOUND ? SP_OK : drc;
            snprintf(buf, sizeof(buf), "not dropped: %s", e.message);
            f.action = f.fixed ? buf : "dropped";
        }
        if (!rc->stopped)
            rc_report(rc, &f);
        free(s->scope);
        free(s->name);
        free(s->entry);
        free(s->holder);
    }
    free(l.v);
}

/* ---- files ---- */

/* Tell (and remove) file or directory @path (@rel: how the library names
 * it, for the finding's ref), @why it is debris. */
static void debris(struct rc *rc, const char *path, const char *rel,
                   const char *why, bool dir, bool locked)
{
    SPI_AUTOFREE char *enc = spi_file_name_of(rel);
    /* Percent-encoded, but the path's slashes kept: file:vms/X.lock. */
    sp_buf b = SP_BUF_INIT(64 * 1024);
    sp_buf_addstr(&b, "file:");
    for (const char *p = enc; *p; p++)
        if (strncmp(p, "%2F", 3) == 0) {
            sp_buf_addch(&b, '/');
            p += 2;
        } else {
            sp_buf_addch(&b, *p);
        }
    SPI_AUTOFREE char *ref = sp_buf_detach(&b, NULL);
    struct stat st;
    char buf[600];
    sp_finding f = {
        .kind = SP_FINDING_DEBRIS,
        .ref = ref ? ref : "file:?",
        .object = "file",
        .where = "library",
        .name = path,
        .age = lstat(path, &st) == 0 ? rc->now - (int64_t)st.st_mtime : -1,
        .why = why,
    };
    if (rc->fix) {
        int fd = -1;
        /* A lock is removed while held, so that no one takes it meanwhile;
         * one taken since is not debris. */
        if (locked &&
            ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0 ||
             flock(fd, LOCK_EX | LOCK_NB) != 0)) {
            f.action = "kept: taken meanwhile";
        } else if (dir) {
            DIR *d = opendir(path);
            for (struct dirent *e; d && (e = readdir(d));)
                if (!SPI_STREQ(e->d_name, ".") && !SPI_STREQ(e->d_name, "..")) {
                    SPI_AUTOFREE char *in =
                        spi_xasprintf("%s/%s", path, e->d_name);
                    unlink(in);
                }
            if (d)
                closedir(d);
        }
        if (!f.action && (dir ? rmdir(path) : unlink(path)) != 0 &&
            errno != ENOENT) {
            f.fixed = SP_ERR_IO;
            snprintf(buf, sizeof(buf), "not removed: %s", strerror(errno));
            f.action = buf;
        } else if (!f.action) {
            f.action = "removed";
        }
        if (fd >= 0)
            close(fd);
    }
    rc_report(rc, &f);
}

/* The PID a temporary file's name ends in ("X.tmp1234", ".new.1234.X",
 * "library-id.1234"), or 0. */
static long temp_pid(const char *name)
{
    const char *p = NULL;
    const char *tmp = strstr(name, ".tmp");
    if (tmp && tmp[4] >= '0' && tmp[4] <= '9')
        p = tmp + 4;
    else if (strncmp(name, ".new.", 5) == 0)
        p = name + 5;
    else if (strncmp(name, "library-id.", 11) == 0)
        p = name + 11;
    if (!p || *p < '1' || *p > '9')
        return 0;
    char *end;
    long pid = strtol(p, &end, 10);
    if (*end && *end != '.')
        return 0;
    return pid;
}

static bool dead(long pid)
{
    return kill((pid_t)pid, 0) != 0 && errno == ESRCH;
}

static bool lock_free(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return false;
    bool free_now = flock(fd, LOCK_SH | LOCK_NB) == 0;
    close(fd);
    return free_now;
}

static bool exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

/* Whether the journal of entry @entry (36 characters) says its run is
 * done: a run killed between writing so and removing its lock leaves the
 * lock (its reservations are stale ones, told as such). */
static bool journal_done(const struct rc *rc, const char *entry)
{
    for (size_t i = 0; i < rc->njs; i++)
        if (strncmp(rc->js[i].entry, entry, 36) == 0)
            return rc->js[i].d.state == SPI_JSTATE_DONE;
    return false;
}

/* Temporary files of dead processes, and (in vms/ and journals/) locks
 * whose record or journal (@ext) is gone, or whose journal is done, in
 * library directory @sub. */
static void files_of(struct rc *rc, const char *sub, const char *ext)
{
    SPI_AUTOFREE char *dir =
        *sub ? spi_xasprintf("%s/%s", sp_library_path(rc->lib), sub)
             : spi_xstrdup(sp_library_path(rc->lib));
    DIR *d = opendir(dir);
    for (struct dirent *e; d && (e = readdir(d)) && !rc->stopped;) {
        SPI_AUTOFREE char *path = spi_xasprintf("%s/%s", dir, e->d_name);
        SPI_AUTOFREE char *rel = *sub ? spi_xasprintf("%s/%s", sub, e->d_name)
                                      : spi_xstrdup(e->d_name);
        long pid = temp_pid(e->d_name);
        size_t len = strlen(e->d_name);
        if (pid && dead(pid)) {
            debris(rc, path, rel, "a temporary file of a process that is gone",
                   false, false);
        } else if (ext && len == 36 + 5 && SPI_STREQ(e->d_name + 36, ".lock")) {
            SPI_AUTOFREE char *of =
                spi_xasprintf("%s/%.36s%s", dir, e->d_name, ext);
            bool vm = ext[1] == 'v';
            if (!exists(of) && lock_free(path))
                debris(rc, path, rel,
                       vm ? "a VM's lock without its record"
                          : "a run's lock without its journal",
                       false, true);
            else if (!vm && journal_done(rc, e->d_name) && lock_free(path))
                debris(rc, path, rel, "the lock of a run that is done", false,
                       true);
        }
    }
    if (d)
        closedir(d);
}

/* Whether VM @uuid has a record now (read again: one may be new). */
static bool has_record(struct rc *rc, const char *uuid, bool *idle)
{
    *idle = true;
    for (size_t i = 0; i < rc->nrecs; i++)
        if (SPI_STREQ(sp_id_field(sp_vm_record_id(rc->recs[i]), 1), uuid)) {
            *idle = sp_vm_record_idle(rc->recs[i]);
            return true;
        }
    SPI_AUTOFREE char *vm =
        spi_xasprintf("%s/vms/%s.vm", sp_library_path(rc->lib), uuid);
    if (exists(vm))
        *idle = false; /* new since: its process is at work */
    return exists(vm);
}

/* Seed media without their VM, and work directories of writers that are
 * gone, in seed directory @dir (@ours: the library's own, where every
 * medium is a VM's of this library). */
static void seeds_of(struct rc *rc, const char *dir, bool ours)
{
    DIR *d = opendir(dir);
    for (struct dirent *e; d && (e = readdir(d)) && !rc->stopped;) {
        char uuid[37];
        if (strlen(e->d_name) < 40 || strncmp(e->d_name + 36, ".iso", 4))
            continue;
        memcpy(uuid, e->d_name, 36);
        uuid[36] = '\0';
        bool idle, rec = spi_uuid_valid(uuid) && has_record(rc, uuid, &idle);
        if (!spi_uuid_valid(uuid) || (rec && !idle))
            continue;
        SPI_AUTOFREE char *path = spi_xasprintf("%s/%s", dir, e->d_name);
        const char *rest = e->d_name + 40;
        bool work = strncmp(rest, ".d.", 3) == 0;
        struct stat st;
        bool old = lstat(path, &st) == 0 &&
                   rc->now - (int64_t)st.st_mtime >= (int64_t)rc->grace;
        if (work)
            debris(rc, path, path,
                   rec ? "a seed's work directory its writer left"
                       : "a seed's work directory without its VM",
                   true, false);
        else if (!*rest && !rec && (ours || old) && !rc_entry_known(rc, uuid))
            debris(rc, path, path, "a seed medium without its VM", false,
                   false);
    }
    if (d)
        closedir(d);
}

/* Done journals whose LUNs are all gone: they account for nothing. */
static void spent_journals(struct rc *rc)
{
    for (size_t i = 0; i < rc->njs && !rc->stopped; i++) {
        const struct rc_journal *j = &rc->js[i];
        if (j->alive || j->d.state != SPI_JSTATE_DONE)
            continue;
        bool gone = true;
        for (size_t k = 0; k < j->d.n && gone; k++) {
            const struct spi_jobj *o = &j->d.objs[k];
            if (o->step == SPI_JSTEP_BEGUN)
                gone = false;
            if (o->step != SPI_JSTEP_MADE)
                continue;
            const struct rc_array *ra = NULL;
            for (size_t a = 0; a < rc->narrays && !ra; a++)
                if (SPI_STREQ(rc->arrays[a].name, sp_id_field(o->id, 0)))
                    ra = &rc->arrays[a];
            if (!ra || !ra->listed) {
                gone = false;
                break;
            }
            for (size_t m = 0; m < ra->n && gone; m++)
                if (SPI_STREQ(ra->luns[m].key, sp_id_field(o->id, 1)) &&
                    (!sp_id_field(o->id, 2) ||
                     sp_wwn_equal(ra->luns[m].wwn, sp_id_field(o->id, 2))))
                    gone = false;
        }
        if (!gone)
            continue;
        char ref[64], buf[SP_ERROR_MSG_MAX + 32];
        snprintf(ref, sizeof(ref), "journal:%s", j->entry);
        sp_finding f = {
            .kind = SP_FINDING_DEBRIS,
            .ref = ref,
            .object = "journal",
            .where = "library",
            .name =
                j->d.template_name ? j->d.template_name : j->d.holder.program,
            .entry = j->entry,
            .age = rc->now - j->d.holder.since,
            .why = "a finished run's journal whose LUNs are all gone",
        };
        if (rc->fix) {
            sp_journal *open = NULL;
            sp_error e;
            if (spi_journal_open(rc->cfg, rc->lib, j->entry, &open, &e) ||
                spi_journal_drop(open, &e)) {
                f.fixed = e.code;
                snprintf(buf, sizeof(buf), "not removed: %s", e.message);
                f.action = buf;
            } else {
                f.action = "removed";
            }
            sp_journal_free(open);
        }
        rc_report(rc, &f);
    }
}

void rc_debris(struct rc *rc)
{
    files_of(rc, "", NULL);
    files_of(rc, "vms", ".vm");
    files_of(rc, "journals", ".journal");
    files_of(rc, "reserved", NULL);
    files_of(rc, "templates", NULL);
    files_of(rc, "reconcile", NULL);
    spent_journals(rc);
    /* The library's seeds, and each host's seed-dir (shared, maybe, with
     * other libraries: only their work directories, and media older than
     * the grace period). */
    SPI_AUTOFREE char *own =
        spi_xasprintf("%s/seeds", sp_library_path(rc->lib));
    seeds_of(rc, own, true);
    size_t n = sp_config_count(rc->cfg, "host");
    for (size_t i = 0; i < n; i++) {
        const char *dir = sp_config_get(
            rc->cfg, "host", sp_config_name(rc->cfg, "host", i), "seed-dir");
        bool seen = !dir || SPI_STREQ(dir, own);
        for (size_t k = 0; k < i && !seen; k++) {
            const char *other =
                sp_config_get(rc->cfg, "host",
                              sp_config_name(rc->cfg, "host", k), "seed-dir");
            seen = other && SPI_STREQ(other, dir);
        }
        if (!seen)
            seeds_of(rc, dir, false);
    }
}
