/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* tests/tools/vmtool.c: a test client of the host API: a VM definition made
 * from a template, defined/started/undefined on a configured host or shown
 * as the libvirt driver's domain XML; seeds. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sanprov/sanprov.h>

/* The libvirt driver's rendering, for "xml" (linked from the archive). */
#include "host/libvirt.h"

static const char usage[] =
    "usage: vmtool xml TMPL-ID NAME DISK [--seed ISO] [--type T] [--uuid U]\n"
    "                  [--vm VM-ID]\n"
    "       vmtool define HOST TMPL-ID NAME DISK [--seed ISO] "
    "[--start|--cycle]\n"
    "       vmtool undefine HOST UUID\n"
    "       vmtool list HOST\n"
    "       vmtool caps HOST\n"
    "       vmtool block-path HOST WWN\n"
    "       vmtool seed TMPL-ID HOSTNAME INSTANCE-ID ISO [USER-DATA-FILE]\n"
    "\n"
    "DISK is iscsi:PORTAL,TARGET-IQN,LUN,INITIATOR-IQN, fc:WWN or file:PATH.\n"
    "xml renders the VM for a host of domain type T (default kvm).\n"
    "The configuration is found as the programs find it.  define prints the\n"
    "UUID (and starts the VM with --start; --cycle also lists, stops twice,\n"
    "lists, undefines twice and lists); list prints UUID NAME TEMPLATE\n"
    "VM RUNNING lines.\n";

static sp_config *cfg;
static sp_library *lib;

static void die(const char *what, const sp_error *err)
{
    fprintf(stderr, "vmtool: %s: %s\n", what, err->message);
    exit(sp_error_exit_code(err));
}

static sp_template *tmpl(const char *text)
{
    sp_error err = {0};
    sp_id *id = NULL;
    sp_template *t = NULL;
    if (sp_id_parse(text, &id, &err) || sp_library_load(lib, id, &t, &err))
        die(text, &err);
    sp_id_free(id);
    return t;
}

static void disk_of(char *spec, sp_vm_disk *d)
{
    *d = (sp_vm_disk)SP_STRUCT_INIT(sp_vm_disk);
    if (strncmp(spec, "fc:", 3) == 0) {
        d->kind = SP_DISK_FC;
        d->wwn = spec + 3;
        return;
    }
    if (strncmp(spec, "file:", 5) == 0) {
        d->kind = SP_DISK_FILE;
        d->path = spec + 5;
        return;
    }
    if (strncmp(spec, "iscsi:", 6) != 0) {
        fputs(usage, stderr);
        exit(2);
    }
    char *rest = spec + 6;
    d->kind = SP_DISK_ISCSI;
    d->portal = strsep(&rest, ",");
    d->target = strsep(&rest, ",");
    const char *lun = strsep(&rest, ",");
    d->initiator = strsep(&rest, ",");
    d->lun = lun ? (uint32_t)strtoul(lun, NULL, 10) : 0;
}

/* The definition of VM @name of template @t on @disk; its NICs in @nics. */
static void def_of(sp_vm_def *def, const sp_template *t, const char *name,
                   const sp_vm_disk *const *disk, sp_vm_nic *nics,
                   const sp_vm_nic **np)
{
    size_t n = sp_template_nic_count(t);
    for (size_t i = 0; i < n && i < 8; i++) {
        nics[i] = (sp_vm_nic)SP_STRUCT_INIT(sp_vm_nic);
        nics[i].network = sp_template_nic_network(t, i);
        nics[i].bridge = sp_template_nic_bridge(t, i);
        nics[i].model = sp_template_nic_model(t, i);
        np[i] = &nics[i];
    }
    def->name = name;
    def->firmware = sp_template_firmware(t);
    def->vcpus = sp_template_vcpus(t);
    def->memory = sp_template_memory(t);
    def->machine = sp_template_machine(t);
    def->disk_bus = sp_template_disk_bus(t);
    def->disks = disk;
    def->ndisks = 1;
    def->nics = np;
    def->nnics = n < 8 ? n : 8;
    def->template_id = sp_template_id(t);
}

static sp_host *host(const char *name)
{
    sp_error err = {0};
    sp_host *h = NULL;
    if (sp_host_open(cfg, name, 0, &h, &err))
        die(name, &err);
    return h;
}

static int print_vm(const sp_host_vm *vm, void *ctx)
{
    (void)ctx;
    printf("%s %s %s %s %s\n", vm->uuid, vm->name,
           vm->template_id ? vm->template_id : "-", vm->vm_id ? vm->vm_id : "-",
           vm->running ? "running" : "stopped");
    return 0;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {{"seed", required_argument, NULL, 's'},
                                         {"type", required_argument, NULL, 't'},
                                         {"uuid", required_argument, NULL, 'u'},
                                         {"vm", required_argument, NULL, 'v'},
                                         {"start", no_argument, NULL, 'S'},
                                         {"cycle", no_argument, NULL, 'C'},
                                         {NULL, 0, NULL, 0}};
    sp_vm_def def = SP_STRUCT_INIT(sp_vm_def);
    sp_vm_disk disk;
    const sp_vm_disk *disks[] = {&disk};
    sp_vm_nic nics[8];
    const sp_vm_nic *np[8];
    sp_template *t = NULL;
    const char *type = NULL;
    bool start = false, cycle = false;
    sp_id *vm = NULL;
    sp_error err = {0};
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c == 's')
            def.media = optarg;
        else if (c == 't')
            type = optarg;
        else if (c == 'u')
            def.uuid = optarg;
        else if (c == 'v' && sp_id_parse(optarg, &vm, &err))
            die(optarg, &err);
        else if (c == 'S')
            start = true;
        else if (c == 'C')
            cycle = start = true;
        else if (c != 'v') {
            fputs(usage, stderr);
            return 2;
        }
    }
    argc -= optind;
    argv += optind;
    if (argc < 2) {
        fputs(usage, stderr);
        return 2;
    }
    if (sp_config_load(NULL, 0, &cfg, &err) ||
        sp_library_open(cfg, 0, &lib, &err))
        die("configuration", &err);
    const char *cmd = argv[0];
    int rc = 0;
    if ((strcmp(cmd, "xml") == 0 && argc == 4) ||
        (strcmp(cmd, "define") == 0 && argc == 5)) {
        bool xml = cmd[0] == 'x';
        t = tmpl(argv[xml ? 1 : 2]);
        disk_of(argv[xml ? 3 : 4], &disk);
        def_of(&def, t, argv[xml ? 2 : 3], disks, nics, np);
        def.vm_id = vm;
    }
    if (strcmp(cmd, "xml") == 0 && argc == 4) {
        /* As the libvirt driver renders it for a host of domain type
         * @type, with the defaults of cpu-mode and multipath. */
        const struct spi_lv_host lv = {.domain_type = type};
        struct spi_vm_def in;
        char *xml = NULL;
        if (spi_vm_def_in(&in, &def, &err) ||
            spi_lv_domain_xml(&in.def, &lv, &xml, &err))
            die("domain XML", &err);
        fputs(xml, stdout);
        free(xml);
    } else if (strcmp(cmd, "define") == 0 && argc == 5) {
        sp_host *h = host(argv[1]);
        char uuid[37];
        if (sp_host_define(h, &def, 0, uuid))
            die("define", sp_host_error(h));
        if (start && sp_host_start(h, uuid, 0))
            die("start", sp_host_error(h));
        printf("%s\n", uuid);
        if (cycle) { /* the rest of a VM's life, in this one connection */
            if (sp_host_list_vms(h, print_vm, NULL) ||
                sp_host_stop(h, uuid, 0) || sp_host_stop(h, uuid, 0) ||
                sp_host_list_vms(h, print_vm, NULL) ||
                sp_host_undefine(h, uuid, 0) || sp_host_undefine(h, uuid, 0) ||
                sp_host_list_vms(h, print_vm, NULL))
                die("cycle", sp_host_error(h));
        }
        sp_host_close(h);
    } else if (strcmp(cmd, "undefine") == 0 && argc == 3) {
        sp_host *h = host(argv[1]);
        if (sp_host_undefine(h, argv[2], 0))
            die("undefine", sp_host_error(h));
        sp_host_close(h);
    } else if (strcmp(cmd, "list") == 0 && argc == 2) {
        sp_host *h = host(argv[1]);
        if (sp_host_list_vms(h, print_vm, NULL))
            die("list", sp_host_error(h));
        sp_host_close(h);
    } else if (strcmp(cmd, "block-path") == 0 && argc == 3) {
        sp_host *h = host(argv[1]);
        char *path = sp_host_block_path(h, argv[2]);
        printf("%s\n", path);
        free(path);
        sp_host_close(h);
    } else if (strcmp(cmd, "caps") == 0 && argc == 2) {
        sp_host *h = host(argv[1]);
        sp_host_caps caps = SP_STRUCT_INIT(sp_host_caps);
        if (sp_host_capabilities(h, &caps))
            die("capabilities", sp_host_error(h));
        printf("driver=%s hypervisor=%s domain_type=%s uefi=%s vms=%u\n",
               caps.driver, caps.hypervisor, caps.domain_type,
               caps.uefi ? "yes" : "no", caps.vms);
        sp_host_close(h);
    } else if (strcmp(cmd, "seed") == 0 && (argc == 5 || argc == 6)) {
        t = tmpl(argv[1]);
        char *ud = NULL;
        if (argc == 6) {
            FILE *f = fopen(argv[5], "r");
            size_t n = 0;
            ud = calloc(1, SP_DOC_MAX + 1);
            if (!f || !ud)
                return 1;
            n = fread(ud, 1, SP_DOC_MAX, f);
            ud[n] = '\0';
            fclose(f);
        }
        if (sp_seed_write(t, argv[2], argv[3], ud, argv[4], 0, &err))
            die("seed", &err);
        free(ud);
    } else {
        fputs(usage, stderr);
        rc = 2;
    }
    sp_template_free(t);
    sp_id_free(vm);
    sp_library_close(lib);
    sp_config_free(cfg);
    return rc;
}
