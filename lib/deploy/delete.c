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

/* A VM without a record: its domain, found by the ID in its metadata. */
static sp_code delete_unrecorded(const sp_config *cfg, const sp_id *vm,
                                 const sp_error *why, sp_error *err)
{
    const char *host = sp_id_field(vm, 0);
    if (!sp_config_has(cfg, "host", host)) {
        *err = *why;
        return err->code;
    }
    sp_host *h;
    if (sp_host_open(cfg, host, 0, &h, err))
        return err->code;
    struct find_vm q = {vm, ""};
    sp_code rc = sp_host_list_vms(h, is_vm, &q);
    if (rc && rc != SP_ERR_CANCELLED) {
        sp_error_copy(err, sp_host_error(h));
    } else if (!q.uuid[0]) {
        *err = *why;
        rc = err->code;
    } else {
        sp_log(SP_LOG_WARN,
               "VM %s has no record in the library: only its domain is "
               "removed (its LUN, if any, is not known)",
               sp_id_str(vm));
        rc = sp_host_undefine(h, q.uuid);
        if (rc)
            sp_error_copy(err, sp_host_error(h));
    }
    sp_host_close(h);
    return rc;
}

sp_code sp_vm_delete(const sp_config *cfg, sp_library *lib, const sp_id *vm,
                     sp_error *err)
{
    sp_vm_record *r;
    sp_code rc = sp_vm_record_load(lib, vm, &r, err);
    if (rc == SP_ERR_NOT_FOUND) {
        sp_error why = *err;
        return delete_unrecorded(cfg, vm, &why, err);
    }
    if (rc)
        return rc;
    SPI_AUTOFREE char *dir = spi_vms_dir(lib, err);
    int lock = -1;
    sp_vm_record *cur = NULL;
    if (!dir || spi_vm_lock(dir, r->uuid, false, &lock, err) ||
        sp_vm_record_load(lib, vm, &cur, err)) {
        sp_vm_record_free(r);
        spi_unlock(&lock);
        return err->code;
    }
    sp_vm_record_free(r);
    struct spi_reach w = {.cfg = cfg};
    rc = spi_vm_set_state(cur, SP_VM_DELETING, NULL, err);
    if (!rc)
        rc = spi_vm_undo(&w, cur, dir, &lock, err);
    spi_reach_close(&w);
    spi_unlock(&lock);
    sp_vm_record_free(cur);
    return rc;
}
