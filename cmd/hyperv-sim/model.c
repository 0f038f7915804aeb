/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd/hyperv-sim/model.c: the simulated Hyper-V host: VMs, their
 * resources, disks, jobs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <uuid/uuid.h>

#include "common/cmd.h"
#include "hv.h"

int64_t hv_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void hv_guid(char out[37])
{
    uuid_t u;
    uuid_generate(u);
    uuid_unparse_upper(u, out);
}

/* The Windows releases --os names: what Win32_OperatingSystem says. */
static const struct {
    const char *name, *version, *build, *caption;
} releases[] = {
    {"2012", "6.2.9200", "9200", "Microsoft Windows Server 2012 Datacenter"},
    {"2012r2", "6.3.9600", "9600",
     "Microsoft Windows Server 2012 R2 Datacenter"},
    {"2016", "10.0.14393", "14393", "Microsoft Windows Server 2016 Datacenter"},
    {"2019", "10.0.17763", "17763", "Microsoft Windows Server 2019 Datacenter"},
    {"2022", "10.0.20348", "20348", "Microsoft Windows Server 2022 Datacenter"},
};

bool hv_os_set(struct hv *h, const char *name)
{
    for (size_t i = 0; i < CMD_COUNT(releases); i++)
        if (strcasecmp(releases[i].name, name) == 0) {
            free(h->os_version);
            free(h->os_build);
            free(h->os_caption);
            h->os_version = cmd_xstrdup(releases[i].version);
            h->os_build = cmd_xstrdup(releases[i].build);
            h->os_caption = cmd_xstrdup(releases[i].caption);
            return true;
        }
    return false;
}

static void new_host(struct hv *h, const struct hv_opts *o)
{
    h->hostname = cmd_xstrdup(o->hostname ? o->hostname : "HV01");
    hv_os_set(h, o->os ? o->os : "2019");
    h->mpio = !o->no_mpio;
    h->iscsi_running = true;
    h->iscsi_auto = true;
    if (o->iscsi_service) {
        h->iscsi_running = strncmp(o->iscsi_service, "running", 7) == 0;
        h->iscsi_auto = strstr(o->iscsi_service, ":manual") == NULL;
    }
    const char *sw = o->switches ? o->switches : "External";
    while (*sw) {
        size_t len = strcspn(sw, ",");
        if (len) {
            h->switches =
                cmd_xrealloc(h->switches, (h->nswitches + 1) * sizeof(char *));
            h->switches[h->nswitches++] = cmd_xasprintf("%.*s", (int)len, sw);
        }
        sw += len + (sw[len] == ',');
    }
    /* The system disk: online, NTFS, C:\. */
    cmd_grow((void **)&h->disks, &h->capdisks, 1, sizeof(*h->disks));
    struct hv_disk *d = &h->disks[h->ndisks++];
    memset(d, 0, sizeof(*d));
    d->number = 0;
    d->unique_id = cmd_xstrdup("600224800000000000000000000000A0");
    d->friendly = cmd_xstrdup("Msft Virtual Disk");
    d->size = (uint64_t)127 << 30;
    d->partition_style = 2;
    hv_guid(d->guid + 1);
    d->guid[0] = '{';
    d->guid[37] = '}';
    d->guid[38] = '\0';
    d->boot = true;
    d->fs = cmd_xstrdup("NTFS");
    d->label = cmd_xstrdup("");
    d->paths.v = cmd_xcalloc(1, sizeof(char *));
    d->paths.v[0] = cmd_xstrdup("C:\\");
    d->paths.n = 1;
    /* For scale: VMs as DefineSystem makes them, generation 2 when the
     * release runs it. */
    for (unsigned long k = 1; k <= o->preload_vms; k++) {
        char name[32];
        snprintf(name, sizeof(name), "vm%lu", k);
        hv_vm_create(h, name, strtoul(h->os_build, NULL, 10) >= 9600 ? 2 : 1);
    }
}

sp_code hv_init(struct hv *h, const struct hv_opts *o, sp_error *err)
{
    memset(h, 0, sizeof(*h));
    pthread_mutex_init(&h->lock, NULL);
    h->o = *o;
    bool found = false;
    if (o->state && hv_state_load(h, &found, err))
        return err->code;
    if (!found) {
        new_host(h, o);
        if (o->state && hv_state_save(h, err))
            return err->code;
    }
    return SP_OK;
}

static void res_release(struct hv_resource *r)
{
    free(r->parent);
    free(r->host_resource);
    free(r->mac);
    free(r->name);
}

static void vm_release(struct hv_vm *vm)
{
    free(vm->name);
    free(vm->notes);
    for (size_t i = 0; i < vm->nres; i++)
        res_release(&vm->res[i]);
    free(vm->res);
}

void hv_disk_release(struct hv_disk *d)
{
    free(d->unique_id);
    free(d->serial);
    free(d->friendly);
    free(d->target);
    free(d->fs);
    free(d->label);
    for (size_t i = 0; i < d->paths.n; i++)
        free(d->paths.v[i]);
    free(d->paths.v);
}

void hv_release(struct hv *h)
{
    for (size_t i = 0; i < h->nvms; i++)
        vm_release(&h->vms[i]);
    free(h->vms);
    for (size_t i = 0; i < h->ndisks; i++)
        hv_disk_release(&h->disks[i]);
    free(h->disks);
    for (size_t i = 0; i < h->nportals; i++)
        free(h->portals[i].address);
    free(h->portals);
    for (size_t i = 0; i < h->nsessions; i++) {
        free(h->sessions[i].target);
        free(h->sessions[i].portal);
    }
    free(h->sessions);
    for (size_t i = 0; i < h->njobs; i++) {
        free(h->jobs[i].method);
        free(h->jobs[i].vm);
        free(h->jobs[i].error);
    }
    free(h->jobs);
    for (size_t i = 0; i < h->nenums; i++) {
        for (size_t k = 0; k < h->enums[i].n; k++)
            free(h->enums[i].items[k]);
        free(h->enums[i].items);
    }
    free(h->enums);
    for (size_t i = 0; i < h->nstats; i++)
        free(h->stats[i].name);
    free(h->stats);
    for (size_t i = 0; i < h->nswitches; i++)
        free(h->switches[i]);
    free(h->switches);
    free(h->hostname);
    free(h->os_version);
    free(h->os_build);
    free(h->os_caption);
    pthread_mutex_destroy(&h->lock);
}

struct hv_vm *hv_vm_find(struct hv *h, const char *guid)
{
    for (size_t i = 0; guid && i < h->nvms; i++)
        if (strcasecmp(h->vms[i].guid, guid) == 0)
            return &h->vms[i];
    return NULL;
}

struct hv_vm *hv_vm_by_name(struct hv *h, const char *name)
{
    for (size_t i = 0; i < h->nvms; i++)
        if (strcmp(h->vms[i].name, name) == 0)
            return &h->vms[i];
    return NULL;
}

struct hv_vm *hv_vm_create(struct hv *h, const char *name, unsigned gen)
{
    cmd_grow((void **)&h->vms, &h->capvms, h->nvms + 1, sizeof(*h->vms));
    struct hv_vm *vm = &h->vms[h->nvms++];
    memset(vm, 0, sizeof(*vm));
    hv_guid(vm->guid);
    vm->name = cmd_xstrdup(name);
    vm->generation = gen;
    vm->state = 3;
    /* What DefineSystem gives every VM: processor and memory. */
    struct hv_resource *r = hv_res_add(vm, HV_RES_PROCESSOR);
    r->quantity = 1;
    r = hv_res_add(vm, HV_RES_MEMORY);
    r->quantity = 1024;
    return vm;
}

void hv_vm_delete(struct hv *h, struct hv_vm *vm)
{
    size_t i = (size_t)(vm - h->vms);
    vm_release(vm);
    memmove(&h->vms[i], &h->vms[i + 1], (h->nvms - i - 1) * sizeof(*vm));
    h->nvms--;
}

struct hv_resource *hv_res_add(struct hv_vm *vm, enum hv_rtype t)
{
    cmd_grow((void **)&vm->res, &vm->capres, vm->nres + 1, sizeof(*vm->res));
    struct hv_resource *r = &vm->res[vm->nres++];
    memset(r, 0, sizeof(*r));
    r->type = t;
    /* As Hyper-V names them: a GUID for the kind, a number for the one. */
    static const char *const kind[] = {
        [HV_RES_PROCESSOR] = "B637F346-6A0E-4DEC-AF52-BD70CB80A21D",
        [HV_RES_MEMORY] = "4764334D-E001-4176-82EE-5594EC9B530E",
        [HV_RES_SCSI] = "D422512D-2BF2-4752-809D-7B82B5FCB1B4",
        [HV_RES_IDE] = "83F8638B-8DCA-4152-9EDA-2CA8B33039B4",
        [HV_RES_DISK_DRIVE] = "6BFB4F64-3B6B-4B8F-A4B8-0E4D4F0C6D10",
        [HV_RES_DVD_DRIVE] = "7A9C8E9E-0B0E-4A8B-9C6E-1D5F4E3A2B10",
        [HV_RES_PHYSICAL] = "2E4F3C1A-5B6D-4E7F-8A9B-0C1D2E3F4A50",
        [HV_RES_VHD] = "8E3A359F-559A-4B6A-98A9-1690A6100ED7",
        [HV_RES_ISO] = "9B2E6C1D-3F4A-4B5C-8D7E-6F1A2B3C4D60",
        [HV_RES_NIC] = "C1B2A3D4-E5F6-4708-9A0B-1C2D3E4F5A70",
        [HV_RES_CONNECTION] = "D2C3B4A5-F6E7-4819-AB0C-2D3E4F5A6B80",
    };
    snprintf(r->id, sizeof(r->id), "%s\\%u", kind[t], vm->next_res++);
    return r;
}

struct hv_resource *hv_res_find(struct hv_vm *vm, const char *id)
{
    for (size_t i = 0; id && i < vm->nres; i++)
        if (strcasecmp(vm->res[i].id, id) == 0)
            return &vm->res[i];
    return NULL;
}

void hv_res_remove(struct hv_vm *vm, struct hv_resource *r)
{
    /* What hangs below it goes with it (a drive's disk, a port's
     * connection), as on Hyper-V. */
    char *id = cmd_xstrdup(r->id);
    size_t i = (size_t)(r - vm->res);
    res_release(r);
    memmove(&vm->res[i], &vm->res[i + 1], (vm->nres - i - 1) * sizeof(*r));
    vm->nres--;
    for (size_t k = 0; k < vm->nres;) {
        if (vm->res[k].parent && strcasecmp(vm->res[k].parent, id) == 0)
            hv_res_remove(vm, &vm->res[k]);
        else
            k++;
    }
    free(id);
}

struct hv_disk *hv_disk_find(struct hv *h, unsigned number)
{
    for (size_t i = 0; i < h->ndisks; i++)
        if (h->disks[i].number == number)
            return &h->disks[i];
    return NULL;
}

struct hv_job *hv_job_start(struct hv *h, const char *method, const char *vm)
{
    cmd_grow((void **)&h->jobs, &h->capjobs, h->njobs + 1, sizeof(*h->jobs));
    struct hv_job *j = &h->jobs[h->njobs++];
    memset(j, 0, sizeof(*j));
    hv_guid(j->id);
    j->method = cmd_xstrdup(method);
    j->vm = vm ? cmd_xstrdup(vm) : NULL;
    j->start_ms = hv_now_ms();
    j->end_ms = j->start_ms + (int64_t)(h->o.job_seconds * 1000);
    j->fail = ++h->jobs_this_run == h->o.job_fail;
    if (j->fail)
        j->error = cmd_xasprintf("simulated failure of job %lu (--job-fail)",
                                 h->jobs_this_run);
    return j;
}

struct hv_job *hv_job_find(struct hv *h, const char *id)
{
    for (size_t i = 0; id && i < h->njobs; i++)
        if (strcasecmp(h->jobs[i].id, id) == 0)
            return &h->jobs[i];
    return NULL;
}

int hv_job_state(const struct hv_job *j, int64_t now)
{
    if (now < j->end_ms)
        return 4;
    return j->fail ? 10 : 7;
}

void hv_count(struct hv *h, const char *name)
{
    for (size_t i = 0; i < h->nstats; i++)
        if (strcmp(h->stats[i].name, name) == 0) {
            h->stats[i].n++;
            return;
        }
    cmd_grow((void **)&h->stats, &h->capstats, h->nstats + 1,
             sizeof(*h->stats));
    h->stats[h->nstats++] = (struct hv_stat){cmd_xstrdup(name), 1};
}

unsigned long hv_count_of(const struct hv *h, const char *name)
{
    for (size_t i = 0; i < h->nstats; i++)
        if (strcmp(h->stats[i].name, name) == 0)
            return h->stats[i].n;
    return 0;
}
