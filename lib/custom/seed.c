/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/custom/seed.c: guest customization media: a cloud-init NoCloud seed
 * (label cidata) or a Windows answer file, as an ISO 9660 image made by
 * xorriso or genisoimage.  Not a host's business: any host driver attaches
 * the file it makes (sp_vm_def's media). */
#include "custom.h"
#include "../util/file.h"
#include "../util/run.h"

#include <dirent.h>
#include <errno.h>
#include <unistd.h>

static sp_code put(const char *dir, const char *name, const char *text,
                   sp_error *err)
{
    SPI_AUTOFREE char *path = spi_xasprintf("%s/%s", dir, name);
    return spi_write_atomic(path, text, strlen(text), 0644, false, err);
}

static void remove_dir(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d)))
        if (e->d_name[0] != '.') {
            SPI_AUTOFREE char *p = spi_xasprintf("%s/%s", dir, e->d_name);
            unlink(p);
        }
    if (d)
        closedir(d);
    rmdir(dir);
}

/* A YAML scalar: the value quoted, so that any hostname stays a string. */
static char *yaml_quoted(const char *s)
{
    size_t n = strlen(s);
    char *q = spi_xmalloc(2 * n + 3), *o = q;
    *o++ = '"';
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            *o++ = '\\';
        *o++ = *s;
    }
    *o++ = '"';
    *o = '\0';
    return q;
}

/* Whether @name is a program on $PATH. */
static bool on_path(const char *name)
{
    const char *path = getenv("PATH");
    SPI_AUTOFREE char *copy = spi_xstrdup(path ? path : "/usr/bin:/bin");
    for (char *rest = copy, *d; (d = strsep(&rest, ":"));) {
        if (!*d)
            continue; /* the working directory: not searched */
        SPI_AUTOFREE char *f = spi_xasprintf("%s/%s", d, name);
        if (access(f, X_OK) == 0)
            return true;
    }
    return false;
}

bool spi_seed_tool(void)
{
    return on_path("xorriso") || on_path("genisoimage");
}

/* Make the ISO of @dir with the first tool there is. */
static sp_code make_iso(const char *dir, const char *label, const char *path,
                        sp_error *err)
{
    /* genisoimage first: xorriso sleeps 100 ms before it exits, which
     * was most of a deploy's time per VM (make bench). */
    static const char *const tools[][3] = {
        {"genisoimage", NULL, NULL},
        {"xorriso", "-as", "mkisofs"},
    };
    for (size_t i = 0; i < SPI_ARRAY_SIZE(tools); i++) {
        const char *argv[16];
        size_t n = 0;
        for (size_t k = 0; k < 3 && tools[i][k]; k++)
            argv[n++] = tools[i][k];
        const char *rest[] = {"-quiet", "-V", label, "-J",
                              "-R",     "-o", path,  dir};
        for (size_t k = 0; k < SPI_ARRAY_SIZE(rest); k++)
            argv[n++] = rest[k];
        argv[n] = NULL;
        sp_code rc = spi_run_ok(argv, NULL, err);
        if (rc == SP_ERR_NOT_SUPPORTED) {
            sp_error_clear(err);
            continue; /* not installed: the next tool */
        }
        return rc;
    }
    return sp_error_set(err, SP_ERR_NOT_SUPPORTED,
                        "no ISO 9660 tool to make the customization medium "
                        "(install xorriso or genisoimage)");
}

sp_code sp_seed_write(const sp_template *t, const char *hostname,
                      const char *instance_id, const char *user_data,
                      const char *path, unsigned int flags, sp_error *err)
{
    if (flags)
        return sp_error_set(err, SP_ERR_INVALID, "unknown flags 0x%x", flags);
    if (!hostname || !*hostname || !instance_id || !*instance_id)
        return sp_error_set(err, SP_ERR_INVALID,
                            "a seed needs a hostname and an instance ID");
    SPI_AUTOFREE char *dir = spi_xasprintf("%s.d.XXXXXX", path);
    if (!mkdtemp(dir))
        return sp_error_set(err, SP_ERR_IO, "cannot make '%s': %s", dir,
                            strerror(errno));
    sp_code rc;
    const char *label;
    if (sp_template_os(t) == SP_OS_WINDOWS) {
        const char *unattend = sp_template_doc(t, SP_DOC_UNATTEND);
        label = "UNATTEND";
        rc = unattend ? put(dir, "autounattend.xml", unattend, err)
                      : sp_error_set(err, SP_ERR_INVALID,
                                     "template '%s' is for Windows and has "
                                     "no unattend file",
                                     sp_template_name(t));
        if (!rc)
            rc = put(dir, "unattend.xml", unattend, err);
    } else {
        label = "cidata";
        const char *ud =
            user_data ? user_data : sp_template_doc(t, SP_DOC_USER_DATA);
        const char *md = sp_template_doc(t, SP_DOC_META_DATA);
        const char *nc = sp_template_doc(t, SP_DOC_NETWORK_CONFIG);
        SPI_AUTOFREE char *qi = yaml_quoted(instance_id);
        SPI_AUTOFREE char *qh = yaml_quoted(hostname);
        /* Our keys first; the template's meta-data may add others. */
        SPI_AUTOFREE char *meta = spi_xasprintf(
            "instance-id: %s\nlocal-hostname: %s\n%s", qi, qh, md ? md : "");
        rc = put(dir, "user-data", ud ? ud : "#cloud-config\n", err);
        if (!rc)
            rc = put(dir, "meta-data", meta, err);
        if (!rc && nc)
            rc = put(dir, "network-config", nc, err);
    }
    if (!rc)
        rc = make_iso(dir, label, path, err);
    remove_dir(dir);
    return rc;
}
