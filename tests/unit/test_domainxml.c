/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* tests/unit/test_domainxml.c: the libvirt domain XML of VM definitions,
 * pinned: one definition and one expected XML per case under
 * tests/data/domainxml/ (libvirt's domainxml2xml style; SANPROV_REGEN=1
 * rewrites the expected files for review). */
#include <inttypes.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "testutil.h"

#include "host/libvirt.h"

/*
 * A case file, NAME.def, is "key = value" lines ('#' comments, blank lines
 * skipped), in the neutral terms of a VM definition:
 *
 *   name, uuid, firmware (bios|uefi), vcpus, memory (bytes), machine,
 *   disk-bus, media (the customization medium's file), template (ID),
 *   vm (ID), library (UUID);
 *   disk = KIND key=value...   KIND iscsi (portal target lun initiator),
 *                              fc (wwn) or file (path); wwn on any kind
 *   nic = key=value...         network or bridge, model, mac
 *   host.domain-type, host.cpu-mode, host.multipath (yes|no): what the
 *   host the VM goes to says.
 */
#define MAXN 8

struct tdisk {
    char *kind, *portal, *target, *initiator, *wwn, *path;
    uint32_t lun;
};

struct tnic {
    char *network, *bridge, *model, *mac;
};

struct tdef {
    char *name, *uuid, *machine, *bus, *media, *tmpl, *vm, *library;
    char *dtype, *cpu;
    bool uefi, multipath;
    unsigned int vcpus;
    uint64_t memory;
    struct tdisk disks[MAXN];
    size_t ndisks;
    struct tnic nics[MAXN];
    size_t nnics;
};

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        s[--n] = '\0';
    return s;
}

/* Each "key=value" word of @rest, given to @set. */
static void words(char *rest, void (*set)(void *, const char *, char *),
                  void *obj)
{
    for (char *w; (w = strsep(&rest, " \t"));) {
        if (!*w)
            continue;
        char *eq = strchr(w, '=');
        if (!eq)
            fail_msg("'%s' is not key=value", w);
        *eq = '\0';
        set(obj, w, eq + 1);
    }
}

static void set_disk(void *obj, const char *k, char *v)
{
    struct tdisk *d = obj;
    if (strcmp(k, "portal") == 0)
        d->portal = v;
    else if (strcmp(k, "target") == 0)
        d->target = v;
    else if (strcmp(k, "initiator") == 0)
        d->initiator = v;
    else if (strcmp(k, "lun") == 0)
        d->lun = (uint32_t)strtoul(v, NULL, 10);
    else if (strcmp(k, "wwn") == 0)
        d->wwn = v;
    else if (strcmp(k, "path") == 0)
        d->path = v;
    else
        fail_msg("unknown disk key '%s'", k);
}

static void set_nic(void *obj, const char *k, char *v)
{
    struct tnic *n = obj;
    if (strcmp(k, "network") == 0)
        n->network = v;
    else if (strcmp(k, "bridge") == 0)
        n->bridge = v;
    else if (strcmp(k, "model") == 0)
        n->model = v;
    else if (strcmp(k, "mac") == 0)
        n->mac = v;
    else
        fail_msg("unknown nic key '%s'", k);
}

/* Parse @text (kept: the definition points into it). */
static void parse_def(char *text, struct tdef *d)
{
    memset(d, 0, sizeof(*d));
    d->vcpus = 1;
    d->memory = 1024ull << 20;
    for (char *line, *rest = text; (line = strsep(&rest, "\n"));) {
        line = trim(line);
        if (!*line || *line == '#')
            continue;
        char *eq = strchr(line, '=');
        if (!eq)
            fail_msg("'%s' is not key = value", line);
        *eq = '\0';
        char *k = trim(line), *v = trim(eq + 1);
        if (strcmp(k, "name") == 0)
            d->name = v;
        else if (strcmp(k, "uuid") == 0)
            d->uuid = v;
        else if (strcmp(k, "firmware") == 0)
            d->uefi = strcmp(v, "uefi") == 0;
        else if (strcmp(k, "vcpus") == 0)
            d->vcpus = (unsigned)strtoul(v, NULL, 10);
        else if (strcmp(k, "memory") == 0)
            d->memory = strtoull(v, NULL, 10);
        else if (strcmp(k, "machine") == 0)
            d->machine = v;
        else if (strcmp(k, "disk-bus") == 0)
            d->bus = v;
        else if (strcmp(k, "media") == 0)
            d->media = v;
        else if (strcmp(k, "template") == 0)
            d->tmpl = v;
        else if (strcmp(k, "vm") == 0)
            d->vm = v;
        else if (strcmp(k, "library") == 0)
            d->library = v;
        else if (strcmp(k, "host.domain-type") == 0)
            d->dtype = v;
        else if (strcmp(k, "host.cpu-mode") == 0)
            d->cpu = v;
        else if (strcmp(k, "host.multipath") == 0)
            d->multipath = strcmp(v, "yes") == 0;
        else if (strcmp(k, "disk") == 0) {
            assert_true(d->ndisks < MAXN);
            struct tdisk *dk = &d->disks[d->ndisks++];
            dk->kind = strsep(&v, " \t");
            if (v)
                words(v, set_disk, dk);
        } else if (strcmp(k, "nic") == 0) {
            assert_true(d->nnics < MAXN);
            words(v, set_nic, &d->nics[d->nnics++]);
        } else
            fail_msg("unknown key '%s'", k);
    }
}

/* The domain XML of @d, as the libvirt driver renders it for a host that
 * says what @d's host.* keys say, in *@xml. */
static sp_code render(const struct tdef *d, char **xml, sp_error *err)
{
    sp_id *tid = NULL, *vid = NULL;
    if (d->tmpl)
        assert_int_equal(sp_id_parse(d->tmpl, &tid, err), SP_OK);
    if (d->vm)
        assert_int_equal(sp_id_parse(d->vm, &vid, err), SP_OK);
    sp_vm_disk disks[MAXN];
    const sp_vm_disk *dp[MAXN];
    for (size_t i = 0; i < d->ndisks; i++) {
        const struct tdisk *td = &d->disks[i];
        disks[i] = (sp_vm_disk)SP_STRUCT_INIT(sp_vm_disk);
        disks[i].kind = strcmp(td->kind, "iscsi") == 0 ? SP_DISK_ISCSI
                        : strcmp(td->kind, "fc") == 0  ? SP_DISK_FC
                                                       : SP_DISK_FILE;
        disks[i].wwn = td->wwn;
        disks[i].portal = td->portal;
        disks[i].target = td->target;
        disks[i].lun = td->lun;
        disks[i].initiator = td->initiator;
        disks[i].path = td->path;
        dp[i] = &disks[i];
    }
    sp_vm_nic nics[MAXN];
    const sp_vm_nic *np[MAXN];
    for (size_t i = 0; i < d->nnics; i++) {
        nics[i] = (sp_vm_nic)SP_STRUCT_INIT(sp_vm_nic);
        nics[i].network = d->nics[i].network;
        nics[i].bridge = d->nics[i].bridge;
        nics[i].model = d->nics[i].model;
        nics[i].mac = d->nics[i].mac;
        np[i] = &nics[i];
    }
    sp_vm_def def = SP_STRUCT_INIT(sp_vm_def);
    def.name = d->name;
    def.uuid = d->uuid;
    def.firmware = d->uefi ? SP_FIRMWARE_UEFI : SP_FIRMWARE_BIOS;
    def.vcpus = d->vcpus;
    def.memory = d->memory;
    def.machine = d->machine;
    def.disk_bus = d->bus;
    def.disks = dp;
    def.ndisks = d->ndisks;
    def.nics = np;
    def.nnics = d->nnics;
    def.media = d->media;
    def.template_id = tid;
    def.vm_id = vid;
    def.library = d->library;
    const struct spi_lv_host host = {
        .domain_type = d->dtype, .cpu_mode = d->cpu, .multipath = d->multipath};
    struct spi_vm_def in;
    sp_code rc = spi_vm_def_in(&in, &def, err);
    if (!rc)
        rc = spi_lv_domain_xml(&in.def, &host, xml, err);
    sp_id_free(tid);
    sp_id_free(vid);
    return rc;
}

static const char *const cases[] = {
    "gen1-iscsi",      "gen1-fc",         "gen1-fc-multipath",
    "gen2-iscsi-sata", "gen2-file",       "gen1-iscsi-ipv6-ide",
    "gen1-bare",       "gen2-multi-sata", "gen1-multi-virtio",
};

/* libvirt takes @xml: its test driver, in this process, parses the domain
 * and checks it as every driver does (duplicate targets, ...). */
static void libvirt_takes(virConnectPtr conn, const char *name, const char *xml)
{
    virDomainPtr d = virDomainDefineXML(conn, xml);
    if (!d) {
        virErrorPtr e = virGetLastError();
        fail_msg("%s: libvirt refuses the XML: %s", name,
                 e && e->message ? e->message : "?");
    }
    virDomainUndefine(d);
    virDomainFree(d);
}

static void quiet(void *ctx, virErrorPtr e)
{
    (void)ctx, (void)e;
}

static void test_golden(void **state)
{
    (void)state;
    virSetErrorFunc(NULL, quiet);
    virConnectPtr conn = virConnectOpen("test:///default");
    assert_non_null(conn);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        size_t len;
        char *in = tu_read_file(
            tu_path(tu_srcdir(), "tests/data/domainxml/%s.def", cases[i]),
            &len);
        struct tdef d;
        parse_def(in, &d);
        char *xml = NULL;
        sp_error err = {0};
        if (render(&d, &xml, &err))
            fail_msg("%s: %s", cases[i], err.message);
        tu_check_expected(
            tu_path(tu_srcdir(), "tests/data/domainxml/%s.xml", cases[i]), xml,
            strlen(xml));
        libvirt_takes(conn, cases[i], xml);
        printf("# %s: as expected\n", cases[i]);
        free(xml);
        free(in);
    }
    virConnectClose(conn);
}

/* What no driver can render is refused before any: spi_vm_def_in(). */
static void test_refused(void **state)
{
    (void)state;
    sp_vm_disk iscsi = SP_STRUCT_INIT(sp_vm_disk);
    iscsi.kind = SP_DISK_ISCSI;
    iscsi.portal = "192.0.2.10";
    iscsi.target = "iqn.2026-11.org.sanprov:t";
    sp_vm_disk fc = SP_STRUCT_INIT(sp_vm_disk);
    fc.kind = SP_DISK_FC;
    fc.wwn = "not-hex";
    sp_vm_disk file = SP_STRUCT_INIT(sp_vm_disk);
    file.kind = SP_DISK_FILE;
    file.path = "relative.raw";
    sp_vm_disk unsized = {0};
    sp_vm_nic bad_mac = SP_STRUCT_INIT(sp_vm_nic);
    bad_mac.network = "default";
    bad_mac.mac = "52:54:00:0a:0b";
    sp_vm_nic both = SP_STRUCT_INIT(sp_vm_nic);
    both.network = "default";
    both.bridge = "br0";
    sp_vm_disk good = SP_STRUCT_INIT(sp_vm_disk);
    good.kind = SP_DISK_FILE;
    good.path = "/srv/good.raw";
    const struct {
        const sp_vm_disk *disk;
        const sp_vm_nic *nic;
        const char *uuid;
        unsigned int vcpus;
        const char *says;
    } bad[] = {
        {&iscsi, NULL, NULL, 1,
         "an iSCSI disk needs a portal, a target and "
         "the host's initiator IQN (disk 1)"},
        {&fc, NULL, NULL, 1,
         "an FC disk needs the WWN of its LUN, not "
         "'not-hex' (disk 1)"},
        {&file, NULL, NULL, 1, "a file disk needs an absolute path (disk 1)"},
        {&unsized, NULL, NULL, 1,
         "sp_vm_disk without its size (SP_STRUCT_INIT)"},
        {NULL, NULL, NULL, 1, "VM 'x' needs 1 to 16 disks, not 0"},
        {&good, &bad_mac, NULL, 1,
         "'52:54:00:0a:0b' is not a MAC address (NIC 1)"},
        {&good, &both, NULL, 1,
         "NIC 1 needs a network or a bridge, one of the two"},
        {&good, NULL, "0b6c1f0e", 1, "'0b6c1f0e' is not a UUID"},
        {&good, NULL, NULL, 0,
         "VM 'x' needs at least one vCPU and 1 MiB of memory"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        const sp_vm_disk *dp[] = {bad[i].disk};
        const sp_vm_nic *np[] = {bad[i].nic};
        sp_vm_def def = SP_STRUCT_INIT(sp_vm_def);
        def.name = "x";
        def.uuid = bad[i].uuid;
        def.vcpus = bad[i].vcpus;
        def.memory = 1u << 30;
        def.disks = dp;
        def.ndisks = bad[i].disk ? 1 : 0;
        def.nics = np;
        def.nnics = bad[i].nic ? 1 : 0;
        struct spi_vm_def in;
        sp_error err = {0};
        assert_int_equal(spi_vm_def_in(&in, &def, &err), SP_ERR_INVALID);
        assert_string_equal(err.message, bad[i].says);
    }
    /* A definition without its size is refused too. */
    sp_vm_def zero = {0};
    struct spi_vm_def in;
    sp_error err = {0};
    assert_int_equal(spi_vm_def_in(&in, &zero, &err), SP_ERR_INVALID);
    /* Without a UUID, a new one, and a fresh MAC for a NIC without one. */
    const sp_vm_disk *dp[] = {&good};
    sp_vm_nic plain = SP_STRUCT_INIT(sp_vm_nic);
    plain.bridge = "br0";
    const sp_vm_nic *np[] = {&plain};
    sp_vm_def def = SP_STRUCT_INIT(sp_vm_def);
    def.name = "fresh";
    def.vcpus = 1;
    def.memory = 1u << 30;
    def.disks = dp;
    def.ndisks = 1;
    def.nics = np;
    def.nnics = 1;
    assert_int_equal(spi_vm_def_in(&in, &def, &err), SP_OK);
    assert_int_equal(strlen(in.def.uuid), 36);
    char *xml = NULL;
    const struct spi_lv_host host = {0};
    assert_int_equal(spi_lv_domain_xml(&in.def, &host, &xml, &err), SP_OK);
    assert_non_null(strstr(xml, in.def.uuid));
    assert_non_null(strstr(xml, "<mac address=\"52:54:00:"));
    free(xml);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_golden),
        cmocka_unit_test(test_refused),
    };
    return cmocka_run_group_tests_name("domainxml", tests, NULL, NULL);
}
