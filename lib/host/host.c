/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/host/host.c: the public host API: driver choice by URI, dispatch. */
#include <ctype.h>
#include "host_internal.h"
#include "../util/file.h"
#include "../util/run.h"

#include <stdarg.h>

static const struct sp_host_driver *const drivers[] = {
    &spi_libvirt_driver,
};

sp_code spi_host_fail(sp_host *h, sp_code code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    h->err.code = code;
    vsnprintf(h->err.message, sizeof(h->err.message), fmt, ap);
    va_end(ap);
    return code;
}

sp_code sp_host_open(const sp_config *cfg, const char *name, unsigned int flags,
                     sp_host **out, sp_error *err)
{
    *out = NULL;
    if (flags)
        return sp_error_set(err, SP_ERR_INVALID, "unknown flags 0x%x", flags);
    if (!name || !sp_config_has(cfg, "host", name))
        return sp_error_set(err, SP_ERR_NOT_FOUND,
                            "no host '%s' in the configuration",
                            name ? name : "");
    const char *uri = sp_config_get(cfg, "host", name, "uri");
    const struct sp_host_driver *drv = NULL;
    for (size_t i = 0; i < SPI_ARRAY_SIZE(drivers) && !drv; i++)
        if (drivers[i]->handles(uri))
            drv = drivers[i];
    if (!drv) {
        SPI_AUTOFREE char *where = spi_config_where(cfg, "host", name, "uri");
        return sp_error_set(err, SP_ERR_CONFIG,
                            "%s: no driver for its URI '%s' (this build has: "
                            "libvirt URIs, DRIVER[+TRANSPORT]://...)",
                            where, uri);
    }
    sp_host *h = spi_xcalloc(1, sizeof(*h));
    h->drv = drv;
    h->cfg = cfg;
    h->name = spi_xstrdup(name);
    h->uri = spi_xstrdup(uri);
    sp_code rc = drv->open(h);
    if (rc) {
        sp_error_copy(err, &h->err);
        sp_host_close(h);
        return rc;
    }
    *out = h;
    return SP_OK;
}

void sp_host_close(sp_host *h)
{
    if (!h)
        return;
    if (h->drv->close) {
        struct spi_sigpipe g;
        spi_sigpipe_hold(&g);
        h->drv->close(h);
        spi_sigpipe_release(&g);
    }
    free(h->name);
    free(h->uri);
    free(h);
}

const sp_error *sp_host_error(const sp_host *h)
{
    return &h->err;
}

const char *sp_host_name(const sp_host *h)
{
    return h->name;
}

char *spi_block_path(const char *wwn, bool multipath)
{
    /* udev names them in lower case; SMI-S arrays give upper case. */
    char *path = multipath
                     ? spi_xasprintf("/dev/disk/by-id/dm-uuid-mpath-3%s", wwn)
                     : spi_xasprintf("/dev/disk/by-id/wwn-0x%s", wwn);
    for (char *c = strrchr(path, '/'); *c; c++)
        *c = (char)tolower((unsigned char)*c);
    return path;
}

char *sp_host_block_path(const sp_host *h, const char *wwn)
{
    return spi_block_path(
        wwn, sp_config_get_bool(h->cfg, "host", h->name, "multipath", false));
}

bool spi_host_mask_target(const sp_config *cfg, const char *name,
                          sp_mask_target *out)
{
    *out = (sp_mask_target)SP_STRUCT_INIT(sp_mask_target);
    if (!sp_config_has(cfg, "host", name))
        return false;
    out->name = name;
    const char *conn = sp_config_get(cfg, "host", name, "connectivity");
    const char *iqn = sp_config_get(cfg, "host", name, "iscsi-initiator");
    size_t nwwpn = sp_config_list_count(cfg, "host", name, "fc-wwpn");
    out->fc = conn ? SPI_STREQ(conn, "fc") : !iqn && nwwpn;
    size_t n = out->fc ? nwwpn : iqn ? 1 : 0;
    char **v = spi_xcalloc(n + 1, sizeof(*v));
    if (!out->fc && iqn)
        v[out->ninitiators++] = spi_xstrdup(iqn);
    for (size_t i = 0; out->fc && i < nwwpn; i++) {
        const char *w = sp_config_list_item(cfg, "host", name, "fc-wwpn", i);
        char bare[17];
        v[out->ninitiators++] = spi_xstrdup(sp_wwpn_parse(w, bare) ? bare : w);
    }
    out->initiators = (const char *const *)v;
    return true;
}

bool sp_host_mask_target(const sp_config *cfg, const char *name,
                         sp_mask_target *out)
{
    size_t min = SPI_SIZE_0_1(sp_mask_target, initiators);
    if (out->size < min)
        return false;
    sp_mask_target t;
    bool found = spi_host_mask_target(cfg, name, &t);
    spi_sized_out(out, &t, sizeof(t), min);
    return found;
}

void sp_mask_target_release(sp_mask_target *t)
{
    for (size_t i = 0; i < t->ninitiators; i++)
        free((char *)t->initiators[i]);
    free((void *)t->initiators);
    /* Only the members of 0.1, which every caller's struct has. */
    t->name = NULL;
    t->fc = false;
    t->ninitiators = 0;
    t->initiators = NULL;
}

bool sp_host_is_local(const sp_host *h)
{
    /* DRIVER[+TRANSPORT]://SERVER/PATH: local without a server, over the
     * default or the unix transport. */
    const char *sep = strstr(h->uri, "://");
    if (!sep || sep[3] != '/')
        return false;
    const char *plus = memchr(h->uri, '+', (size_t)(sep - h->uri));
    return !plus || strncmp(plus, "+unix:", 6) == 0;
}

static sp_code begin(sp_host *h, const void *slot, const char *what)
{
    sp_error_clear(&h->err);
    if (!slot)
        return spi_host_fail(h, SP_ERR_NOT_SUPPORTED, "the %s driver cannot %s",
                             h->drv->name, what);
    return SP_OK;
}

/* Operations that change something take flags; none is defined yet. */
static sp_code no_flags(sp_host *h, unsigned int flags)
{
    if (flags)
        return spi_host_fail(h, SP_ERR_INVALID, "unknown flags 0x%x", flags);
    return SP_OK;
}

static sp_code need_uuid(sp_host *h, const char *uuid)
{
    if (!uuid || strlen(uuid) != 36)
        return spi_host_fail(h, SP_ERR_INVALID, "'%s' is not a UUID",
                             uuid ? uuid : "");
    return SP_OK;
}

sp_code spi_host_capabilities(sp_host *h, sp_host_caps *out)
{
    *out = (sp_host_caps)SP_STRUCT_INIT(sp_host_caps);
    if (begin(h, h->drv->capabilities, "report its capabilities"))
        return h->err.code;
    struct spi_sigpipe g;
    spi_sigpipe_hold(&g);
    sp_code rc = h->drv->capabilities(h, out);
    spi_sigpipe_release(&g);
    out->driver = h->drv->name;
    return rc;
}

sp_code sp_host_capabilities(sp_host *h, sp_host_caps *out)
{
    size_t min = SPI_SIZE_0_1(sp_host_caps, vms);
    if (out->size < min)
        return spi_host_fail(h, SP_ERR_INVALID,
                             "sp_host_caps of %zu bytes: its size is not set "
                             "(SP_STRUCT_INIT)",
                             out->size);
    sp_host_caps caps;
    sp_code rc = spi_host_capabilities(h, &caps);
    spi_sized_out(out, &caps, sizeof(caps), min);
    return rc;
}

sp_code sp_host_define(sp_host *h, const sp_vm_def *def, unsigned int flags,
                       char uuid[37])
{
    uuid[0] = '\0';
    /* The caller's definition checked here, once for every driver. */
    struct spi_vm_def in;
    if (begin(h, h->drv->define, "define VMs") || no_flags(h, flags) ||
        spi_vm_def_in(&in, def, &h->err))
        return h->err.code;
    struct spi_sigpipe g;
    spi_sigpipe_hold(&g);
    sp_code rc = h->drv->define(h, &in.def, uuid);
    spi_sigpipe_release(&g);
    return rc;
}

#define DISPATCH(op, what)                                                     \
    sp_code sp_host_##op(sp_host *h, const char *uuid, unsigned int flags)     \
    {                                                                          \
        if (begin(h, h->drv->op, what) || no_flags(h, flags) ||                \
            need_uuid(h, uuid))                                                \
            return h->err.code;                                                \
        struct spi_sigpipe g;                                                  \
        spi_sigpipe_hold(&g);                                                  \
        sp_code rc = h->drv->op(h, uuid);                                      \
        spi_sigpipe_release(&g);                                               \
        return rc;                                                             \
    }
DISPATCH(start, "start VMs")
DISPATCH(stop, "stop VMs")
DISPATCH(undefine, "undefine VMs")
#undef DISPATCH

sp_code sp_host_find_vm(sp_host *h, const char *name, char uuid[37])
{
    uuid[0] = '\0';
    if (begin(h, h->drv->find_vm, "look VMs up by name"))
        return h->err.code;
    if (!name || !*name)
        return spi_host_fail(h, SP_ERR_INVALID, "a VM name is empty");
    struct spi_sigpipe g;
    spi_sigpipe_hold(&g);
    sp_code rc = h->drv->find_vm(h, name, uuid);
    spi_sigpipe_release(&g);
    return rc;
}

sp_code sp_host_has_vm(sp_host *h, const char *uuid)
{
    if (begin(h, h->drv->has_vm, "look VMs up") || need_uuid(h, uuid))
        return h->err.code;
    struct spi_sigpipe g;
    spi_sigpipe_hold(&g);
    sp_code rc = h->drv->has_vm(h, uuid);
    spi_sigpipe_release(&g);
    return rc;
}

sp_code sp_host_list_vms(sp_host *h, sp_host_vm_fn fn, void *ctx)
{
    if (begin(h, h->drv->list_vms, "list VMs"))
        return h->err.code;
    struct spi_sigpipe g;
    spi_sigpipe_hold(&g);
    sp_code rc = h->drv->list_vms(h, fn, ctx);
    spi_sigpipe_release(&g);
    return rc;
}

sp_code sp_host_check_dir(sp_host *h, const char *dir)
{
    sp_error_clear(&h->err);
    if (!h->drv->file_user || !sp_host_is_local(h))
        return SP_OK;
    uid_t uid;
    gid_t gid;
    struct spi_sigpipe g;
    spi_sigpipe_hold(&g);
    sp_code rc = h->drv->file_user(h, &uid, &gid);
    spi_sigpipe_release(&g);
    if (rc == SP_ERR_NOT_SUPPORTED) {
        sp_error_clear(&h->err);
        return SP_OK;
    }
    if (rc)
        return rc;
    SPI_AUTOFREE char *blocker = NULL;
    sp_error e;
    rc = spi_dir_searchable_by(dir, uid, gid, &blocker, &e);
    if (rc == SP_ERR_NOT_SUPPORTED) {
        sp_log(SP_LOG_DEBUG, "cannot tell whether host '%s' reaches '%s': %s",
               h->name, dir, e.message);
        return SP_OK;
    }
    if (rc != SP_ERR_PRECONDITION) {
        if (rc)
            sp_error_copy(&h->err, &e);
        return rc;
    }
    char who[64];
    spi_user_name(uid, who, sizeof(who));
    return spi_host_fail(h, SP_ERR_PRECONDITION,
                         "host '%s' runs its VMs as user '%s', who cannot "
                         "search directory '%s' on the way to '%s' (allow it "
                         "with 'setfacl -m u:%s:x %s', or keep the files "
                         "elsewhere)",
                         h->name, who, blocker, dir, who, blocker);
}
