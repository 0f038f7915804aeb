/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/deploy/steps.c: the steps of a VM's deploy, each made so that doing
 * it again is harmless (a resumed journal may not know whether it
 * finished), and undone so that what is already gone is fine. */
#include "deploy_internal.h"
#include "../util/file.h"

#include <dirent.h>
#include <errno.h>
#include <glob.h>
#include <inttypes.h>
#include <unistd.h>

/* ---- handles ---- */

sp_array *spi_reach_array(struct spi_reach *w, const char *name, sp_error *err)
{
    if (w->array && SPI_STREQ(w->array_name, name))
        return w->array;
    sp_array_close(w->array);
    free(w->array_name);
    w->array = NULL;
    w->array_name = NULL;
    if (sp_array_open(w->cfg, name, 0, &w->array, err))
        return NULL;
    w->array_name = spi_xstrdup(name);
    sp_array_set_timeout(w->array, w->timeout);
    return w->array;
}

sp_host *spi_reach_host(struct spi_reach *w, const char *name, sp_error *err)
{
    for (size_t i = 0; i < w->nhosts; i++)
        if (SPI_STREQ(sp_host_name(w->hosts[i]), name))
            return w->hosts[i];
    sp_host *h;
    if (sp_host_open(w->cfg, name, 0, &h, err))
        return NULL;
    w->hosts = spi_xrealloc(w->hosts, (w->nhosts + 1) * sizeof(*w->hosts));
    w->hosts[w->nhosts++] = h;
    return h;
}

void spi_reach_close(struct spi_reach *w)
{
    sp_array_close(w->array);
    free(w->array_name);
    for (size_t i = 0; i < w->nhosts; i++)
        sp_host_close(w->hosts[i]);
    free(w->hosts);
    w->array = NULL;
    w->array_name = NULL;
    w->hosts = NULL;
    w->nhosts = 0;
}

char *spi_seed_dir(const sp_config *cfg, sp_library *lib, const char *host)
{
    const char *d = sp_config_get(cfg, "host", host, "seed-dir");
    return d ? spi_xstrdup(d) : spi_xasprintf("%s/seeds", sp_library_path(lib));
}

sp_code spi_array_failed(sp_array *a, sp_error *err)
{
    sp_error_copy(err, sp_array_error(a));
    return err->code;
}

sp_code spi_host_failed(sp_host *h, sp_error *err)
{
    sp_error_copy(err, sp_host_error(h));
    return err->code;
}

/* ---- copy ---- */

/* The library's UUID, what the tags of its objects name (read once). */
static const char *library_id(struct spi_reach *w, sp_error *err)
{
    if (!w->lib) {
        sp_error_set(err, SP_ERR_INTERNAL, "no library to tag copies with");
        return NULL;
    }
    if (!w->library_id[0] && sp_library_uuid(w->lib, w->library_id, err))
        return NULL;
    return w->library_id;
}

struct leftover {
    const char *name, *library, *entry;
    sp_id **ids; /* tagged as the VM's */
    size_t n;
    sp_id *other; /* a LUN of the name without that tag */
};

static int match_leftover(sp_lun *l, void *ctx)
{
    struct leftover *lo = ctx;
    if (sp_lun_name(l) && SPI_STREQ(sp_lun_name(l), lo->name)) {
        if (sp_lun_tagged(l, lo->library, lo->entry)) {
            lo->ids = spi_xrealloc(lo->ids, (lo->n + 1) * sizeof(*lo->ids));
            lo->ids[lo->n++] = sp_id_copy(sp_lun_id(l));
        } else if (!lo->other) {
            lo->other = sp_id_copy(sp_lun_id(l));
        }
    }
    sp_lun_free(l);
    return 0;
}

/*
 * Delete the LUN the copy step may have made without the journal knowing
 * (the run died in the call): found by the tag its copy was given, this
 * library's and the VM's (spi_step_copy()), never by its name alone, so
 * that a LUN of that name another run or a person made is left (and
 * said).
 */
static sp_code drop_leftover(struct spi_reach *w, sp_array *a,
                             const sp_vm_record *r, sp_error *err)
{
    const char *library = library_id(w, err);
    if (!library)
        return err->code;
    struct leftover lo = {r->lun_name, library, r->uuid, NULL, 0, NULL};
    sp_code rc = sp_array_list_luns(a, r->pool, 0, match_leftover, &lo);
    if (rc)
        spi_array_failed(a, err);
    for (size_t i = 0; i < lo.n; i++) {
        if (!rc && sp_array_delete_lun(a, lo.ids[i], SP_LUN_FORCE) &&
            sp_array_error(a)->code != SP_ERR_NOT_FOUND)
            rc = spi_array_failed(a, err);
        sp_id_free(lo.ids[i]);
    }
    free(lo.ids);
    if (!rc && lo.other)
        sp_log(SP_LOG_WARN,
               "warning: VM '%s': pool %s has a LUN named '%s', %s, "
               "without the VM's tag: not its copy, it is left",
               r->name, sp_id_str(r->pool), r->lun_name, sp_id_str(lo.other));
    sp_id_free(lo.other);
    return rc;
}

/* Tag what @a makes next as the work of VM @r of this library: a lost
 * answer to its copy, or a copy a killed run left, is found by it. */
static sp_code tag_copy(struct spi_reach *w, sp_array *a, const sp_vm_record *r,
                        sp_error *err)
{
    const char *library = library_id(w, err);
    if (!library)
        return err->code;
    if (sp_array_set_tag(a, library, r->uuid, 0))
        return spi_array_failed(a, err);
    return SP_OK;
}

sp_code spi_step_copy(struct spi_reach *w, sp_vm_record *r, const sp_id *source,
                      bool again, unsigned int flags, sp_error *err)
{
    if (r->lun)
        return SP_OK;
    sp_array *a = spi_reach_array(w, r->array, err);
    if (!a)
        return err->code;
    if ((again && drop_leftover(w, a, r, err)) || tag_copy(w, a, r, err))
        return err->code;
    sp_lun *l;
    if (sp_array_copy_lun(a, source, r->copy, r->lun_name, r->pool,
                          SP_LUN_IDS_ONLY | flags, &l))
        return spi_array_failed(a, err);
    r->lun = sp_id_copy(sp_lun_id(l));
    sp_lun_free(l);
    return SP_OK;
}

/* ---- mask ---- */

sp_code spi_step_mask(struct spi_reach *w, sp_vm_record *r, sp_error *err)
{
    if (SPI_STREQ(r->connect, "file"))
        return SP_OK;
    sp_array *a = spi_reach_array(w, r->array, err);
    sp_mask_target t;
    if (!a)
        return err->code;
    if (!spi_host_mask_target(w->cfg, r->host, &t))
        return sp_error_set(err, SP_ERR_NOT_FOUND,
                            "host '%s' is not in the configuration", r->host);
    const sp_id *luns[] = {r->lun};
    sp_code rc = sp_array_mask(a, luns, 1, &t, 0, &r->number);
    if (rc)
        spi_array_failed(a, err);
    sp_mask_target_release(&t);
    return rc;
}

/* ---- customize ---- */

sp_code spi_step_customize(sp_vm_record *r, const sp_template *t,
                           const char *user_data, sp_error *err)
{
    SPI_AUTOFREE char *dir = spi_xstrdup(r->seed);
    *strrchr(dir, '/') = '\0';
    if (spi_mkdir_p(dir, 0755, err))
        return err->code;
    return sp_seed_write(t, r->name, r->uuid, user_data, r->seed, 0, err);
}

/* ---- define ---- */

/* The VM's disk: the LUN, by its WWN, and how the host reaches it.  @wwn,
 * @portal, @iqn and @path hold the strings @d points to (free them). */
static sp_code disk_of(struct spi_reach *w, sp_vm_record *r, sp_host *h,
                       sp_vm_disk *d, char **wwn, char **portal, char **iqn,
                       char **path, sp_error *err)
{
    sp_array *a = spi_reach_array(w, r->array, err);
    if (!a)
        return err->code;
    *d = (sp_vm_disk)SP_STRUCT_INIT(sp_vm_disk);
    const char *id_wwn = r->lun ? sp_id_field(r->lun, 2) : NULL;
    *wwn = id_wwn ? spi_xstrdup(id_wwn) : NULL;
    d->wwn = *wwn;
    if (SPI_STREQ(r->connect, "file")) {
        if (sp_array_lun_path(a, r->lun, path))
            return spi_array_failed(a, err);
        d->kind = SP_DISK_FILE;
        d->path = *path;
        free(r->disk);
        r->disk = spi_xstrdup(*path);
        return SP_OK;
    }
    if (SPI_STREQ(r->connect, "fc")) {
        /* The host finds it by the WWN the array gives. */
        sp_lun *l;
        if (sp_array_get_lun(a, r->lun, 0, &l))
            return spi_array_failed(a, err);
        if (!sp_lun_wwn(l)) {
            sp_lun_free(l);
            return sp_error_set(err, SP_ERR_PROTOCOL,
                                "array '%s' gives no WWN for LUN %s", r->array,
                                sp_id_str(r->lun));
        }
        free(*wwn);
        *wwn = spi_xstrdup(sp_lun_wwn(l));
        sp_lun_free(l);
        d->kind = SP_DISK_FC;
        d->wwn = *wwn;
        free(r->disk);
        r->disk = sp_host_block_path(h, *wwn);
        return SP_OK;
    }
    sp_mask_target t;
    if (!spi_host_mask_target(w->cfg, r->host, &t))
        return sp_error_set(err, SP_ERR_NOT_FOUND,
                            "host '%s' is not in the configuration", r->host);
    sp_code rc = sp_array_iscsi_target(a, &t, portal, iqn);
    if (rc)
        spi_array_failed(a, err);
    else if (t.ninitiators != 1)
        rc = sp_error_set(err, SP_ERR_PRECONDITION,
                          "host '%s' has no iSCSI initiator", r->host);
    if (!rc) {
        *path = spi_xstrdup(t.initiators[0]);
        d->kind = SP_DISK_ISCSI;
        d->portal = *portal;
        d->target = *iqn;
        d->lun = r->number;
        d->initiator = *path;
        free(r->disk);
        r->disk =
            spi_xasprintf("iscsi://%s/%s/%" PRIu32, *portal, *iqn, r->number);
    }
    sp_mask_target_release(&t);
    return rc;
}

/* The NICs of template @t: on its networks or bridges, a fresh MAC each
 * (the host's driver makes it).  free() *@nics and *@ptrs. */
static size_t nics_of(const sp_template *t, sp_vm_nic **nics,
                      const sp_vm_nic ***ptrs)
{
    size_t n = sp_template_nic_count(t);
    *nics = spi_xcalloc(n + 1, sizeof(**nics));
    *ptrs = spi_xcalloc(n + 1, sizeof(**ptrs));
    for (size_t i = 0; i < n; i++) {
        (*nics)[i] = (sp_vm_nic){.size = sizeof(sp_vm_nic),
                                 .network = sp_template_nic_network(t, i),
                                 .bridge = sp_template_nic_bridge(t, i),
                                 .model = sp_template_nic_model(t, i)};
        (*ptrs)[i] = &(*nics)[i];
    }
    return n;
}

sp_code spi_step_define(struct spi_reach *w, sp_vm_record *r,
                        const sp_template *t, sp_error *err)
{
    sp_host *h = spi_reach_host(w, r->host, err);
    if (!h)
        return err->code;
    if (sp_host_has_vm(h, r->uuid) == SP_OK)
        return SP_OK; /* defined before the journal could say so */
    if (sp_host_error(h)->code != SP_ERR_NOT_FOUND)
        return spi_host_failed(h, err);
    sp_vm_disk disk;
    SPI_AUTOFREE char *wwn = NULL, *portal = NULL, *iqn = NULL, *path = NULL;
    if (disk_of(w, r, h, &disk, &wwn, &portal, &iqn, &path, err))
        return err->code;
    /* Where the host lets sanprov see the disk, it is the journal's LUN. */
    if (r->lun && sp_host_check_disk(h, &disk, sp_id_field(r->lun, 2), 0))
        return spi_host_failed(h, err);
    /* The VM names its library, as its copy does: the reconciler tells
     * this library's VMs from others' by it. */
    sp_error no_library;
    const sp_vm_disk *disks[] = {&disk};
    SPI_AUTOFREE sp_vm_nic *nics = NULL;
    SPI_AUTOFREE const sp_vm_nic **nic_ptrs = NULL;
    size_t nnics = nics_of(t, &nics, &nic_ptrs);
    sp_vm_def def = {.size = sizeof(def),
                     .name = r->name,
                     .uuid = r->uuid,
                     .firmware = sp_template_firmware(t),
                     .vcpus = sp_template_vcpus(t),
                     .memory = sp_template_memory(t),
                     .machine = sp_template_machine(t),
                     .disk_bus = sp_template_disk_bus(t),
                     .disks = disks,
                     .ndisks = 1,
                     .nics = nic_ptrs,
                     .nnics = nnics,
                     .media = r->seed,
                     .template_id = sp_template_id(t),
                     .vm_id = r->id,
                     .library = library_id(w, &no_library)};
    char uuid[37];
    if (sp_host_define(h, &def, 0, uuid))
        return spi_host_failed(h, err);
    return SP_OK;
}

/* ---- start ---- */

struct running {
    const char *uuid;
    bool yes;
};

static int is_running(const sp_host_vm *vm, void *ctx)
{
    struct running *q = ctx;
    if (SPI_STREQ(vm->uuid, q->uuid))
        q->yes = vm->running;
    return 0;
}

sp_code spi_step_start(struct spi_reach *w, sp_vm_record *r, bool again,
                       sp_error *err)
{
    sp_host *h = spi_reach_host(w, r->host, err);
    if (!h)
        return err->code;
    struct running q = {r->uuid, false};
    if (again && sp_host_list_vms(h, is_running, &q))
        return spi_host_failed(h, err);
    /* Defined in an earlier run, maybe: the disk checked again before the
     * VM uses it, where this machine can see it. */
    if (!q.yes && sp_host_is_local(h) && r->lun && sp_id_field(r->lun, 2) &&
        !SPI_STREQ(r->connect ? r->connect : "", "file")) {
        sp_vm_disk disk;
        SPI_AUTOFREE char *wwn = NULL, *portal = NULL, *iqn = NULL,
                          *path = NULL;
        if (disk_of(w, r, h, &disk, &wwn, &portal, &iqn, &path, err))
            return err->code;
        if (sp_host_check_disk(h, &disk, sp_id_field(r->lun, 2), 0))
            return spi_host_failed(h, err);
    }
    if (!q.yes && sp_host_start(h, r->uuid, 0))
        return spi_host_failed(h, err);
    return SP_OK;
}

/* ---- identity ---- */

sp_code spi_vm_check_lun(struct spi_reach *w, const sp_vm_record *r,
                         unsigned int flags, sp_error *err)
{
    if (!r->lun || !sp_id_field(r->lun, 2))
        return SP_OK;
    sp_array *a = spi_reach_array(w, r->array, err);
    if (!a)
        return err->code;
    if (sp_array_check_lun(a, r->lun, flags) == SP_OK ||
        sp_array_error(a)->code == SP_ERR_NOT_FOUND)
        return SP_OK;
    return spi_array_failed(a, err);
}

/* ---- undo ---- */

/* The work directories (SEED.d.XXXXXX) a writer of @seed killed in its
 * work left behind, with their files. */
static void drop_seed_work(const char *seed)
{
    if (!seed)
        return;
    SPI_AUTOFREE char *pattern = spi_xasprintf("%s.d.*", seed);
    glob_t g;
    if (glob(pattern, 0, NULL, &g) != 0)
        return;
    for (size_t i = 0; i < g.gl_pathc; i++) {
        DIR *d = opendir(g.gl_pathv[i]);
        for (struct dirent *e; d && (e = readdir(d));)
            if (!SPI_STREQ(e->d_name, ".") && !SPI_STREQ(e->d_name, "..")) {
                SPI_AUTOFREE char *f =
                    spi_xasprintf("%s/%s", g.gl_pathv[i], e->d_name);
                unlink(f);
            }
        if (d)
            closedir(d);
        rmdir(g.gl_pathv[i]);
    }
    globfree(&g);
}

static sp_code undo_step(struct spi_reach *w, sp_vm_record *r, sp_vm_step s,
                         sp_error *err)
{
    sp_array *a;
    sp_host *h;
    switch (s) {
    case SP_STEP_START:
        if (!(h = spi_reach_host(w, r->host, err)))
            return err->code;
        if (sp_host_stop(h, r->uuid, 0) &&
            sp_host_error(h)->code != SP_ERR_NOT_FOUND)
            return spi_host_failed(h, err);
        return SP_OK;
    case SP_STEP_DEFINE:
        if (!(h = spi_reach_host(w, r->host, err)))
            return err->code;
        return sp_host_undefine(h, r->uuid, 0) ? spi_host_failed(h, err)
                                               : SP_OK;
    case SP_STEP_CUSTOMIZE:
        drop_seed_work(r->seed);
        /* ENOTDIR: its directory could not be made, so neither could it. */
        if (r->seed && unlink(r->seed) != 0 && errno != ENOENT &&
            errno != ENOTDIR)
            return sp_error_set(err, SP_ERR_IO, "cannot remove '%s': %s",
                                r->seed, strerror(errno));
        return SP_OK;
    case SP_STEP_MASK: {
        if (!r->lun || (r->connect && SPI_STREQ(r->connect, "file")))
            return SP_OK;
        if (!(a = spi_reach_array(w, r->array, err)))
            return err->code;
        sp_mask_target t;
        if (!spi_host_mask_target(w->cfg, r->host, &t))
            return sp_error_set(err, SP_ERR_NOT_FOUND,
                                "host '%s' is not in the configuration; its "
                                "masking of %s cannot be undone",
                                r->host, sp_id_str(r->lun));
        const sp_id *luns[] = {r->lun};
        sp_code rc = sp_array_mask(a, luns, 1, &t, SP_MASK_UNMASK, NULL);
        if (rc && sp_array_error(a)->code != SP_ERR_NOT_FOUND)
            spi_array_failed(a, err);
        else
            rc = SP_OK;
        sp_mask_target_release(&t);
        return rc;
    }
    case SP_STEP_COPY:
        if (!(a = spi_reach_array(w, r->array, err)))
            return err->code;
        if (!r->lun)
            return drop_leftover(w, a, r, err);
        if (sp_array_delete_lun(a, r->lun, SP_LUN_FORCE) &&
            sp_array_error(a)->code != SP_ERR_NOT_FOUND)
            return spi_array_failed(a, err);
        return SP_OK;
    default:
        return SP_OK;
    }
}

bool spi_vm_begun(const sp_vm_record *r, sp_vm_step s)
{
    return (r->done & (1u << s)) || r->step == s;
}

sp_code spi_vm_undo_steps(struct spi_reach *w, sp_vm_record *r,
                          sp_vm_step first, sp_vm_step last, sp_error *err)
{
    for (int s = (int)last; s >= (int)first; s--) {
        if (!spi_vm_begun(r, (sp_vm_step)s))
            continue;
        if (undo_step(w, r, (sp_vm_step)s, err))
            return err->code;
        if (s == SP_STEP_COPY) {
            sp_id_free(r->lun);
            r->lun = NULL;
        }
        if (spi_vm_undone(r, (sp_vm_step)s, err))
            return err->code;
    }
    return SP_OK;
}

sp_code spi_vm_undo(struct spi_reach *w, sp_vm_record *r, const char *dir,
                    int *lockfd, sp_error *err)
{
    if (spi_vm_undo_steps(w, r, SP_STEP_COPY, SP_STEP_COUNT - 1, err))
        return err->code;
    if (w->array)
        sp_array_sync(w->array, 0);
    return spi_vm_forget(r, dir, lockfd, err);
}
