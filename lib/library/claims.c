/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/library/claims.c: the library's UUID and name reservations, one file
 * each in LIBRARY/reserved/, made whole or not at all. */
#include "library.h"
#include "../util/file.h"
#include "../util/holder.h"

#include <sanprov/claims.h>

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>
#include <uuid/uuid.h>

/*
 * A reservation is LIBRARY/reserved/KIND:SCOPE:NAME (percent-encoded),
 * holding its holder's text (lib/util/holder.c).  It is made by writing a
 * temporary file and link()ing it to its name: link() fails when the name
 * exists, so of two runs that want one name exactly one gets it, and a
 * reservation is never seen half-written.  It is removed by its holder when
 * the run ends (the VM or template record, or the LUN on the array, then
 * says the name is taken), or, when its holder is gone, by --resume or the
 * reconciler, never silently by a run that merely wants the name.
 */

struct sp_reservation {
    char *path;
    char *entry;
};

static const char *const kind_names[] = {[SP_NAME_VM] = "vm",
                                         [SP_NAME_TEMPLATE] = "template",
                                         [SP_NAME_LUN] = "lun"};

const char *sp_name_kind_name(sp_name_kind kind)
{
    return (size_t)kind < SPI_ARRAY_SIZE(kind_names) ? kind_names[kind] : NULL;
}

static char *dir_of(sp_library *lib)
{
    return spi_xasprintf("%s/reserved", sp_library_path(lib));
}

static char *path_of(sp_library *lib, sp_name_kind kind, const char *scope,
                     const char *name)
{
    SPI_AUTOFREE char *dir = dir_of(lib);
    SPI_AUTOFREE char *key =
        spi_xasprintf("%s:%s:%s", kind_names[kind], scope ? scope : "", name);
    SPI_AUTOFREE char *file = spi_file_name_of(key);
    return spi_xasprintf("%s/%s", dir, file);
}

sp_code sp_library_uuid(sp_library *lib, char out[37], sp_error *err)
{
    SPI_AUTOFREE char *path =
        spi_xasprintf("%s/library-id", sp_library_path(lib));
    for (int attempt = 0; attempt < 2; attempt++) {
        SPI_AUTOFREE char *text = NULL;
        sp_error e;
        sp_code rc = spi_read_small(path, 256, &text, &e);
        uuid_t u;
        if (!rc) {
            text[strcspn(text, "\r\n")] = '\0';
            if (strlen(text) != 36 || uuid_parse(text, u) != 0)
                return sp_error_set(err, SP_ERR_IO,
                                    "'%s' holds no UUID: the library's "
                                    "identity is lost; restore the file",
                                    path);
            memcpy(out, text, 37);
            return SP_OK;
        }
        if (rc != SP_ERR_NOT_FOUND) {
            *err = e;
            return rc;
        }
        /* Made once: written aside, then linked to its name, so that of
         * two first runs one UUID wins and both read it. */
        uuid_generate(u);
        char made[37], line[38];
        uuid_unparse_lower(u, made);
        snprintf(line, sizeof(line), "%s\n", made);
        SPI_AUTOFREE char *tmp = spi_xasprintf("%s.%ld", path, (long)getpid());
        if (spi_write_atomic(tmp, line, strlen(line), 0644, true, err))
            return err->code;
        int rc2 = link(tmp, path);
        int e2 = errno;
        unlink(tmp);
        if (rc2 != 0 && e2 != EEXIST)
            return sp_error_set(err, SP_ERR_IO, "cannot make '%s': %s", path,
                                strerror(e2));
    }
    return sp_error_set(err, SP_ERR_IO, "cannot read '%s'", path);
}

/* Read the holder of reservation @path; false when there is none. */
static bool read_holder(const char *path, struct spi_holder *h)
{
    char *text = NULL;
    sp_error e;
    bool ok = spi_read_small(path, 4096, &text, &e) == SP_OK &&
              spi_holder_parse(text, h);
    free(text);
    return ok;
}

static sp_code held(const char *name, sp_name_kind kind,
                    const struct spi_holder *h, bool gone, sp_error *err)
{
    char who[320];
    spi_holder_describe(h, who, sizeof(who));
    if (gone)
        return sp_error_set(err, SP_ERR_PRECONDITION,
                            "%s name '%s' is reserved by %s, which is gone: "
                            "vm-deploy --resume or reconcile --fix takes the "
                            "reservation over",
                            kind_names[kind], name, who);
    return sp_error_set(err, SP_ERR_PRECONDITION,
                        "%s name '%s' is reserved by %s", kind_names[kind],
                        name, who);
}

sp_code sp_name_reserve(sp_library *lib, sp_name_kind kind, const char *scope,
                        const char *name, const char *entry, unsigned int flags,
                        sp_reservation **out, sp_error *err)
{
    *out = NULL;
    sp_error_clear(err);
    if ((size_t)kind >= SPI_ARRAY_SIZE(kind_names) || !name || !*name ||
        (flags & ~SP_RESERVE_TAKE_STALE))
        return sp_error_set(err, SP_ERR_INVALID, "bad name reservation");
    SPI_AUTOFREE char *dir = dir_of(lib);
    sp_code rc = spi_mkdir_p(dir, 0755, err);
    if (rc)
        return rc;
    char *path = path_of(lib, kind, scope, name);
    struct spi_holder me;
    spi_holder_self(&me, entry);
    SPI_AUTOFREE char *text = spi_holder_format(&me);
    SPI_AUTOFREE char *tmp = spi_xasprintf("%s/.new.%ld.%lx", dir, me.pid,
                                           (unsigned long)(uintptr_t)&me);
    rc = spi_write_atomic(tmp, text, strlen(text), 0644, false, err);
    for (int attempt = 0; !rc && attempt < 3; attempt++) {
        if (link(tmp, path) == 0) {
            spi_sync_dir_of(path, err);
            sp_reservation *r = spi_xcalloc(1, sizeof(*r));
            r->path = path;
            r->entry = spi_xstrdup(entry ? entry : "");
            *out = r;
            path = NULL;
            break;
        }
        if (errno != EEXIST) {
            rc = sp_error_set(err, SP_ERR_IO, "cannot reserve '%s': %s", path,
                              strerror(errno));
            break;
        }
        struct spi_holder h;
        if (!read_holder(path, &h))
            continue; /* released meanwhile, or being taken over: again */
        enum spi_holder_state st = spi_holder_state(&h, SP_RESERVATION_GRACE);
        bool mine = st == SPI_HOLDER_ALIVE && h.pid == me.pid &&
                    SPI_STREQ(h.entry, me.entry) && me.entry[0];
        if (mine) {
            sp_reservation *r = spi_xcalloc(1, sizeof(*r));
            r->path = path;
            r->entry = spi_xstrdup(entry ? entry : "");
            *out = r;
            path = NULL;
            break;
        }
        if (st != SPI_HOLDER_GONE || !(flags & SP_RESERVE_TAKE_STALE)) {
            rc = held(name, kind, &h, st == SPI_HOLDER_GONE, err);
            break;
        }
        /* A dead holder's: taken over in the open (logged).  Takers go
         * one at a time, and each removes the file only when it still is
         * the dead holder's it read: of two takers that both saw it
         * stale, the second finds the first's live one and is refused. */
        struct spi_locks *turn = NULL;
        const char *const names[] = {"reservation-take-over"};
        SPI_AUTOFREE char *locks =
            spi_xasprintf("%s/locks", sp_library_path(lib));
        if ((rc = spi_locks_take(locks, names, 1, 60, &turn, err)))
            break;
        struct spi_holder again;
        bool same = read_holder(path, &again) && again.pid == h.pid &&
                    again.since == h.since &&
                    SPI_STREQ(again.machine, h.machine);
        if (same) {
            char who[320];
            spi_holder_describe(&h, who, sizeof(who));
            sp_log(SP_LOG_WARN,
                   "%s name '%s': taking over the reservation of %s",
                   kind_names[kind], name, who);
            unlink(path);
        }
        spi_locks_release(turn);
    }
    if (!rc && !*out)
        rc = sp_error_set(err, SP_ERR_PRECONDITION,
                          "%s name '%s' is being reserved by another run",
                          kind_names[kind], name);
    unlink(tmp);
    free(path);
    return rc;
}

static void reservation_free(sp_reservation *r)
{
    free(r->path);
    free(r->entry);
    free(r);
}

void sp_name_release(sp_reservation *r)
{
    if (!r)
        return;
    /* Removed only while it is ours: a reservation taken over since (we
     * were thought gone) is the new holder's. */
    struct spi_holder h;
    if (read_holder(r->path, &h) && h.pid == (long)getpid() &&
        SPI_STREQ(h.entry, r->entry))
        unlink(r->path);
    reservation_free(r);
}

void sp_name_keep(sp_reservation *r)
{
    if (r)
        reservation_free(r);
}

/* Decode a file name made by spi_file_name_of(). */
static char *decode(const char *s)
{
    char *out = spi_xmalloc(strlen(s) + 1), *w = out;
    for (; *s; s++) {
        int hi, lo;
        if (*s == '%' && (hi = spi_hex_digit((unsigned char)s[1])) >= 0 &&
            (lo = spi_hex_digit((unsigned char)s[2])) >= 0) {
            *w++ = (char)(hi << 4 | lo);
            s += 2;
        } else {
            *w++ = *s;
        }
    }
    *w = '\0';
    return out;
}

sp_code sp_name_reservations(sp_library *lib, sp_name_fn fn, void *ctx,
                             sp_error *err)
{
    sp_error_clear(err);
    SPI_AUTOFREE char *dir = dir_of(lib);
    DIR *d = opendir(dir);
    if (!d)
        return errno == ENOENT
                   ? SP_OK
                   : sp_error_set(err, SP_ERR_IO, "cannot read '%s': %s", dir,
                                  strerror(errno));
    sp_code rc = SP_OK;
    for (struct dirent *e; !rc && (e = readdir(d));) {
        if (e->d_name[0] == '.')
            continue;
        SPI_AUTOFREE char *key = decode(e->d_name);
        /* KIND:SCOPE:NAME, where a LUN's SCOPE holds one ':' itself. */
        char *c1 = strchr(key, ':');
        if (!c1)
            continue;
        *c1 = '\0';
        sp_name_kind kind = SPI_ARRAY_SIZE(kind_names);
        for (size_t k = 0; k < SPI_ARRAY_SIZE(kind_names); k++)
            if (SPI_STREQ(key, kind_names[k]))
                kind = (sp_name_kind)k;
        char *rest = c1 + 1, *name = NULL, *scope = NULL;
        if (kind == SP_NAME_LUN) {
            char *c2 = strchr(rest, ':');
            char *c3 = c2 ? strchr(c2 + 1, ':') : NULL;
            if (!c3)
                continue;
            *c3 = '\0';
            scope = rest;
            name = c3 + 1;
        } else if ((size_t)kind < SPI_ARRAY_SIZE(kind_names) &&
                   rest[0] == ':') {
            name = rest + 1;
        } else {
            continue;
        }
        SPI_AUTOFREE char *path = spi_xasprintf("%s/%s", dir, e->d_name);
        struct spi_holder h;
        if (!read_holder(path, &h))
            continue;
        char who[320];
        spi_holder_describe(&h, who, sizeof(who));
        sp_name_info info = {
            .kind = kind,
            .scope = scope,
            .name = name,
            .entry = h.entry,
            .holder = who,
            .gone =
                spi_holder_state(&h, SP_RESERVATION_GRACE) == SPI_HOLDER_GONE,
        };
        if (fn(&info, ctx))
            rc = SP_ERR_CANCELLED;
    }
    closedir(d);
    return rc == SP_ERR_CANCELLED ? SP_OK : rc;
}

sp_code sp_name_drop(sp_library *lib, sp_name_kind kind, const char *scope,
                     const char *name, unsigned int flags, sp_error *err)
{
    sp_error_clear(err);
    if (flags)
        return sp_error_set(err, SP_ERR_INVALID, "unknown flags 0x%x", flags);
    if ((size_t)kind >= SPI_ARRAY_SIZE(kind_names) || !name)
        return sp_error_set(err, SP_ERR_INVALID, "bad name reservation");
    SPI_AUTOFREE char *path = path_of(lib, kind, scope, name);
    if (unlink(path) != 0)
        return sp_error_set(err, errno == ENOENT ? SP_ERR_NOT_FOUND : SP_ERR_IO,
                            "cannot remove '%s': %s", path, strerror(errno));
    return SP_OK;
}
