/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* tests/tools/vmtool.c: a test client of the host API (until vm-deploy
 * drives it): domain XML from a template, define/start/undefine on a
 * configured host, seeds. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sanprov/sanprov.h>

static const char usage[] =
    "usage: vmtool xml TMPL-ID NAME DISK [--seed ISO] [--type T] [--uuid U]\n"
    "                  [--vm VM-ID]\n"
    "       vmtool define HOST TMPL-ID NAME DISK [--seed ISO] "
    "[--start|--cycle]\n"
    "       vmtool define-xml HOST FILE\n"
    "       vmtool dumpxml HOST UUID\n"
    "       vmtool undefine HOST UUID\n"
    "       vmtool list HOST\n"
    "       vmtool caps HOST\n"
    "       vmtool block-path HOST WWN\n"
    "       vmtool seed TMPL-ID HOSTNAME INSTANCE-ID ISO [USER-DATA-FILE]\n"
    "\n"
    "DISK is iscsi:PORTAL,TARGET-IQN,LUN,INITIATOR-IQN or block:PATH.\n"
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
    if (strncmp(spec, "block:", 6) == 0) {
        d->path = spec + 6;
        return;
    }
    if (strncmp(spec, "iscsi:", 6) != 0) {
        fputs(usage, stderr);
        exit(2);
    }
    d->iscsi = true;
    d->portal = strtok(spec + 6, ",");
    d->target = strtok(NULL, ",");
    const char *lun = strtok(NULL, ",");
    d->initiator = strtok(NULL, ",");
    d->lun = lun ? (uint32_t)strtoul(lun, NULL, 10) : 0;
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
    bool start = false, cycle = false;
    sp_id *vm = NULL;
    sp_error err = {0};
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c == 's')
            def.seed = optarg;
        else if (c == 't')
            def.domain_type = optarg;
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
    def.vm = vm;
    if (strcmp(cmd, "xml") == 0 && argc == 4) {
        def.tmpl = tmpl(argv[1]);
        def.name = argv[2];
        disk_of(argv[3], &disk);
        def.disk = &disk;
        char *xml = NULL;
        if (sp_domain_xml(&def, &xml, &err))
            die("domain XML", &err);
        fputs(xml, stdout);
        free(xml);
        sp_template_free((sp_template *)def.tmpl);
    } else if (strcmp(cmd, "define") == 0 && argc == 5) {
        sp_host *h = host(argv[1]);
        sp_host_caps caps = SP_STRUCT_INIT(sp_host_caps);
        if (sp_host_capabilities(h, &caps))
            die("capabilities", sp_host_error(h));
        def.tmpl = tmpl(argv[2]);
        def.name = argv[3];
        def.domain_type = def.domain_type ? def.domain_type : caps.domain_type;
        disk_of(argv[4], &disk);
        def.disk = &disk;
        char *xml = NULL, uuid[37];
        if (sp_domain_xml(&def, &xml, &err))
            die("domain XML", &err);
        if (sp_host_define(h, xml, 0, uuid))
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
        free(xml);
        sp_template_free((sp_template *)def.tmpl);
        sp_host_close(h);
    } else if (strcmp(cmd, "define-xml") == 0 && argc == 3) {
        sp_host *h = host(argv[1]);
        FILE *f = fopen(argv[2], "r");
        char xml[65536], uuid[37];
        size_t n = f ? fread(xml, 1, sizeof(xml) - 1, f) : 0;
        if (f)
            fclose(f);
        xml[n] = '\0';
        if (sp_host_define(h, xml, 0, uuid))
            die("define", sp_host_error(h));
        printf("%s\n", uuid);
        sp_host_close(h);
    } else if (strcmp(cmd, "dumpxml") == 0 && argc == 3) {
        sp_host *h = host(argv[1]);
        char *xml = NULL;
        if (sp_host_domain_xml(h, argv[2], &xml))
            die("dumpxml", sp_host_error(h));
        fputs(xml, stdout);
        free(xml);
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
        sp_template *t = tmpl(argv[1]);
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
        sp_template_free(t);
    } else {
        fputs(usage, stderr);
        rc = 2;
    }
    sp_id_free(vm);
    sp_library_close(lib);
    sp_config_free(cfg);
    return rc;
}
