/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/library/library.c: the library directory: one XML document per
 * template, LIBRARY/templates/UUID.xml, replaced whole under the library
 * lock, names unique. */
#include "library.h"
#include "../util/file.h"

#include <dirent.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>
#include <uuid/uuid.h>

struct sp_library {
    char *path;
    char *templates; /* path/templates */
};

sp_code sp_library_open(const sp_config *cfg, unsigned int flags,
                        sp_library **out, sp_error *err)
{
    *out = NULL;
    if (flags)
        return sp_error_set(err, SP_ERR_INVALID, "unknown flags 0x%x", flags);
    sp_library *lib = spi_xcalloc(1, sizeof(*lib));
    lib->path = spi_xstrdup(sp_config_library(cfg));
    lib->templates = spi_xasprintf("%s/templates", lib->path);
    sp_code rc = spi_mkdir_p(lib->templates, 0755, err);
    if (rc) {
        sp_library_close(lib);
        return rc;
    }
    *out = lib;
    return SP_OK;
}

void sp_library_close(sp_library *lib)
{
    if (!lib)
        return;
    free(lib->path);
    free(lib->templates);
    free(lib);
}

const char *sp_library_path(const sp_library *lib)
{
    return lib->path;
}

static char *file_of(const sp_library *lib, const char *uuid)
{
    return spi_xasprintf("%s/%s.xml", lib->templates, uuid);
}

static sp_code lock(const sp_library *lib, int *fd, sp_error *err)
{
    SPI_AUTOFREE char *path = spi_xasprintf("%s/.lock", lib->path);
    return spi_lock(path, LOCK_EX, fd, err);
}

static sp_code read_file(const sp_library *lib, const char *uuid,
                         sp_template **out, sp_error *err)
{
    SPI_AUTOFREE char *path = file_of(lib, uuid);
    SPI_AUTOFREE char *text = NULL;
    sp_code rc = spi_read_small(path, SPI_TEMPLATE_MAX, &text, err);
    if (rc)
        return rc;
    if ((rc = sp_template_parse(text, strlen(text), path, out, err)))
        return rc;
    /* The document names itself; a copy under another name is refused. */
    const sp_id *id = sp_template_id(*out);
    if (!id || strcmp(sp_id_field(id, 0), uuid) != 0) {
        sp_template_free(*out);
        *out = NULL;
        return sp_error_set(err, SP_ERR_IO, "%s: its <id> is not tmpl:%s", path,
                            uuid);
    }
    return SP_OK;
}

/* The UUIDs of the documents, sorted. */
static sp_code uuids(const sp_library *lib, char ***out, size_t *n,
                     sp_error *err)
{
    *out = NULL;
    *n = 0;
    DIR *d = opendir(lib->templates);
    if (!d)
        return sp_error_set(err, SP_ERR_IO, "cannot read '%s': %s",
                            lib->templates, strerror(errno));
    size_t cap = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        uuid_t u;
        char s[37];
        size_t len = strlen(e->d_name);
        if (len != 40 || strcmp(e->d_name + 36, ".xml") != 0)
            continue;
        memcpy(s, e->d_name, 36);
        s[36] = '\0';
        if (uuid_parse(s, u) != 0)
            continue;
        spi_xgrow((void **)out, &cap, *n + 1, sizeof(**out));
        (*out)[(*n)++] = spi_xstrdup(s);
    }
    closedir(d);
    return SP_OK;
}

static void free_strings(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

/* The template named @name other than @except (a UUID, or NULL). */
static sp_code find(sp_library *lib, const char *name, const char *except,
                    sp_template **out, sp_error *err)
{
    *out = NULL;
    char **v;
    size_t n;
    sp_code rc = uuids(lib, &v, &n, err);
    for (size_t i = 0; i < n && !rc && !*out; i++) {
        sp_template *t = NULL;
        if (except && SPI_STREQ(v[i], except))
            continue;
        if ((rc = read_file(lib, v[i], &t, err)) == SP_ERR_NOT_FOUND)
            rc = SP_OK; /* removed meanwhile */
        if (t && SPI_STREQ(sp_template_name(t), name))
            *out = t;
        else
            sp_template_free(t);
    }
    free_strings(v, n);
    if (!rc && !*out)
        rc =
            sp_error_set(err, SP_ERR_NOT_FOUND, "no template named '%s'", name);
    return rc;
}

sp_code sp_library_save(sp_library *lib, sp_template *t, unsigned int flags,
                        sp_error *err)
{
    if (flags)
        return sp_error_set(err, SP_ERR_INVALID, "unknown flags 0x%x", flags);
    if (!sp_template_lun(t))
        return sp_error_set(err, SP_ERR_INVALID, "the template has no LUN");
    if (!spi_template_name_ok(sp_template_name(t)))
        return sp_error_set(err, SP_ERR_INVALID,
                            "'%s' cannot name a template (1 to 128 bytes of "
                            "UTF-8, no control or bidi characters)",
                            sp_template_name(t));
    int fd;
    sp_code rc = lock(lib, &fd, err);
    if (rc)
        return rc;
    char uuid[37];
    if (sp_template_id(t)) {
        snprintf(uuid, sizeof(uuid), "%s", sp_id_field(sp_template_id(t), 0));
    } else {
        uuid_t u;
        uuid_generate(u);
        uuid_unparse_lower(u, uuid);
    }
    sp_template *other = NULL;
    rc = find(lib, sp_template_name(t), uuid, &other, err);
    if (rc == SP_OK) {
        rc = sp_error_set(
            err, SP_ERR_EXISTS, "template '%s' exists already (%s)",
            sp_template_name(t), sp_id_str(sp_template_id(other)));
        sp_template_free(other);
    } else if (rc == SP_ERR_NOT_FOUND) {
        sp_error_clear(err);
        rc = SP_OK;
    }
    if (!rc && !sp_template_id(t)) {
        const char *f[] = {uuid};
        sp_id *id = NULL;
        if (sp_id_new(SP_ID_TMPL, 1, f, &id, err) == SP_OK) {
            spi_template_stamp(t, id, (int64_t)time(NULL));
            sp_id_free(id);
        } else {
            rc = err->code;
        }
    }
    if (!rc) {
        size_t len;
        SPI_AUTOFREE char *xml = spi_template_xml(t, &len);
        SPI_AUTOFREE char *path = file_of(lib, uuid);
        rc = spi_write_atomic(path, xml, len, 0644, true, err);
    }
    spi_unlock(&fd);
    return rc;
}

static sp_code uuid_of(const sp_id *id, const char **uuid, sp_error *err)
{
    if (!id || sp_id_get_kind(id) != SP_ID_TMPL)
        return sp_error_set(err, SP_ERR_BAD_ID, "'%s' is not a tmpl ID",
                            id ? sp_id_str(id) : "");
    *uuid = sp_id_field(id, 0);
    return SP_OK;
}

sp_code sp_library_load(sp_library *lib, const sp_id *id, sp_template **out,
                        sp_error *err)
{
    *out = NULL;
    const char *uuid;
    sp_code rc = uuid_of(id, &uuid, err);
    if (rc)
        return rc;
    rc = read_file(lib, uuid, out, err);
    if (rc == SP_ERR_NOT_FOUND)
        return sp_error_set(err, SP_ERR_NOT_FOUND, "no template %s in '%s'",
                            sp_id_str(id), lib->templates);
    return rc;
}

sp_code sp_library_find(sp_library *lib, const char *name, sp_template **out,
                        sp_error *err)
{
    return find(lib, name, NULL, out, err);
}

static int by_name(const void *x, const void *y)
{
    return strcmp(sp_template_name(*(sp_template *const *)x),
                  sp_template_name(*(sp_template *const *)y));
}

sp_code sp_library_list(sp_library *lib, sp_template_fn fn, void *ctx,
                        sp_error *err)
{
    char **v;
    size_t n;
    sp_code rc = uuids(lib, &v, &n, err);
    sp_template **ts = n ? spi_xcalloc(n, sizeof(*ts)) : NULL;
    size_t nt = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        rc = read_file(lib, v[i], &ts[nt], err);
        if (rc == SP_ERR_NOT_FOUND)
            rc = SP_OK;
        else if (!rc)
            nt++;
    }
    free_strings(v, n);
    if (nt)
        qsort(ts, nt, sizeof(*ts), by_name);
    int stop = 0;
    for (size_t i = 0; i < nt; i++) {
        if (!rc && stop >= 0)
            stop = fn(ts[i], ctx);
        else
            sp_template_free(ts[i]);
    }
    free(ts);
    if (!rc && stop < 0)
        rc = sp_error_set(err, SP_ERR_CANCELLED, "stopped by the caller");
    return rc;
}

sp_code sp_library_remove(sp_library *lib, const sp_id *id, unsigned int flags,
                          sp_error *err)
{
    if (flags)
        return sp_error_set(err, SP_ERR_INVALID, "unknown flags 0x%x", flags);
    const char *uuid;
    sp_code rc = uuid_of(id, &uuid, err);
    if (rc)
        return rc;
    int fd;
    if ((rc = lock(lib, &fd, err)))
        return rc;
    SPI_AUTOFREE char *path = file_of(lib, uuid);
    if (unlink(path) != 0)
        rc = sp_error_set(err, errno == ENOENT ? SP_ERR_NOT_FOUND : SP_ERR_IO,
                          "cannot remove template %s: %s", sp_id_str(id),
                          strerror(errno));
    else
        rc = spi_sync_dir_of(path, err);
    spi_unlock(&fd);
    return rc;
}
