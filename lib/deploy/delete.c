/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/deploy/delete.c: tearing a deployed VM down, step by step through its
 * journal, so that a half-deleted VM can be deleted again. */
#include "deploy_internal.h"
#include "../util/file.h"

struct find_vm {
    const sp_id *vm;
    char uuid[37];
};

static int is_vm(const sp_host_vm *v, void *ctx)
{
    struct find_vm *q = ctx;
    if ((v->vm_id && SPI_STREQ(v->vm_id, sp_id_str(q->vm))) ||
        (!v->vm_id && SPI_STREQ(v->uuid, sp_id_field(q->vm, 1)))) {
        snprintf(q->uuid, sizeof(q->uuid), "%s", v->uuid);
        return -1;
    }
    return 0;
}

struct sp_vm_deleter {
    sp_library *lib;
    struct spi_reach reach; /* kept from one VM to the next */
};

sp_vm_deleter *sp_vm_deleter_new(const sp_config *cfg, sp_library *lib)
{
    sp_vm_deleter *d = spi_xcalloc(1, sizeof(*d));
    d->lib = lib;
    d->reach.cfg = cfg;
    d->reach.lib = lib;
    return d;
}

void sp_vm_deleter_free(sp_vm_deleter *d)
{
    if (!d)
        return;
    spi_reach_close(&d->reach);
    free(d);
}

/* A VM without a record: its domain, found by the ID in its metadata. */
static sp_code delete_unrecorded(sp_vm_deleter *d, const sp_id *vm,
                                 const sp_error *why, sp_error *err)
{
    const char *host = sp_id_field(vm, 0);
    if (!sp_config_has(d->reach.cfg, "host", host)) {
        *err = *why;
        return err->code;
    }
    sp_host *h = spi_reach_host(&d->reach, host, err);
    if (!h)
        return err->code;
    struct find_vm q = {vm, ""};
    sp_code rc = sp_host_list_vms(h, is_vm, &q);
    if (rc && rc != SP_ERR_CANCELLED)
        return spi_host_failed(h, err);
    if (!q.uuid[0]) {
        *err = *why;
        return err->code;
    }
    sp_log(SP_LOG_WARN,
           "VM %s has no record in the library: only its domain is "
           "removed (its LUN, if any, is not known)",
           sp_id_str(vm));
    return sp_host_undefine(h, q.uuid) ? spi_host_failed(h, err) : SP_OK;
}

sp_code sp_vm_deleter_delete(sp_vm_deleter *d, const sp_id *vm, sp_error *err)
{
    sp_vm_record *r;
    sp_code rc = sp_vm_record_load(d->lib, vm, &r, err);
    if (rc == SP_ERR_NOT_FOUND) {
        sp_error why = *err;
        return delete_unrecorded(d, vm, &why, err);
    }
    if (rc)
        return rc;
    SPI_AUTOFREE char *dir = spi_vms_dir(d->lib, err);
    int lock = -1;
    sp_vm_record *cur = NULL;
    /* Locked, then read again: another process may have changed it. */
    if (!dir || spi_vm_lock(dir, r->uuid, false, &lock, err) ||
        sp_vm_record_load(d->lib, vm, &cur, err)) {
        sp_vm_record_free(r);
        spi_unlock(&lock);
        return err->code;
    }
    sp_vm_record_free(r);
    rc = spi_vm_check_lun(&d->reach, cur, err);
    if (!rc)
        rc = spi_vm_set_state(cur, SP_VM_DELETING, NULL, err);
    if (!rc)
        rc = spi_vm_undo(&d->reach, cur, dir, &lock, err);
    spi_unlock(&lock);
    sp_vm_record_free(cur);
    return rc;
}
