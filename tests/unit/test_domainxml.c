/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* tests/unit/test_domainxml.c: the libvirt domain XML of VM definitions,
 * pinned: one definition and one expected XML per case under
 * tests/data/domainxml/ (libvirt's domainxml2xml style; SANPROV_REGEN=1
 * rewrites the expected files for review). */
#include <inttypes.h>

#include "testutil.h"

#include "library/library.h"

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

/* The block device of an FC LUN, as the host's configuration names it. */
static char *fc_path(const char *wwn, bool multipath)
{
    char *p = malloc(128);
    assert_non_null(p);
    snprintf(p, 128, "%s%s",
             multipath ? "/dev/disk/by-id/dm-uuid-mpath-3"
                       : "/dev/disk/by-id/wwn-0x",
             wwn);
    for (char *c = strrchr(p, '/'); *c; c++)
        *c = (char)(*c >= 'A' && *c <= 'Z' ? *c + 32 : *c);
    return p;
}

/* The MACs of the XML, made fresh for every VM, replaced in order by the
 * ones of the definition. */
static void put_macs(char *xml, const struct tdef *d)
{
    static const char key[] = "<mac address=\"";
    char *p = xml;
    for (size_t i = 0; (p = strstr(p, key)); i++) {
        p += strlen(key);
        assert_true(i < d->nnics);
        assert_non_null(d->nics[i].mac);
        assert_int_equal(strlen(d->nics[i].mac), 17);
        memcpy(p, d->nics[i].mac, 17);
    }
}

/* The domain XML of @d through the library, in *@xml. */
static sp_code render(const struct tdef *d, char **xml, sp_error *err)
{
    sp_template *t = sp_template_new("golden");
    assert_int_equal(sp_template_set_vcpus(t, d->vcpus, err), SP_OK);
    assert_int_equal(sp_template_set_memory(t, d->memory, err), SP_OK);
    sp_template_set_firmware(t, d->uefi ? SP_FIRMWARE_UEFI : SP_FIRMWARE_BIOS);
    if (d->machine)
        assert_int_equal(sp_template_set_machine(t, d->machine, err), SP_OK);
    if (d->bus)
        assert_int_equal(sp_template_set_disk_bus(t, d->bus, err), SP_OK);
    for (size_t i = 0; i < d->nnics; i++)
        assert_int_equal(sp_template_add_nic(t, d->nics[i].network,
                                             d->nics[i].bridge,
                                             d->nics[i].model, err),
                         SP_OK);
    sp_id *tid = NULL, *vid = NULL;
    if (d->tmpl) {
        assert_int_equal(sp_id_parse(d->tmpl, &tid, err), SP_OK);
        spi_template_stamp(t, tid, 0);
    }
    if (d->vm)
        assert_int_equal(sp_id_parse(d->vm, &vid, err), SP_OK);
    assert_int_equal(d->ndisks, 1); /* one disk a VM, so far */
    const struct tdisk *td = &d->disks[0];
    sp_vm_disk disk = SP_STRUCT_INIT(sp_vm_disk);
    char *path = NULL;
    if (strcmp(td->kind, "iscsi") == 0) {
        disk.iscsi = true;
        disk.portal = td->portal;
        disk.target = td->target;
        disk.lun = td->lun;
        disk.initiator = td->initiator;
    } else if (strcmp(td->kind, "fc") == 0) {
        disk.path = path = fc_path(td->wwn, d->multipath);
    } else {
        disk.path = td->path;
    }
    sp_vm_def def = SP_STRUCT_INIT(sp_vm_def);
    def.name = d->name;
    def.uuid = d->uuid;
    def.tmpl = t;
    def.vm = vid;
    def.library = d->library;
    def.disk = &disk;
    def.seed = d->media;
    def.domain_type = d->dtype;
    def.cpu_mode = d->cpu;
    sp_code rc = sp_domain_xml(&def, xml, err);
    if (!rc)
        put_macs(*xml, d);
    free(path);
    sp_id_free(tid);
    sp_id_free(vid);
    sp_template_free(t);
    return rc;
}

static const char *const cases[] = {
    "gen1-iscsi",      "gen1-fc",   "gen1-fc-multipath",
    "gen2-iscsi-sata", "gen2-file", "gen1-iscsi-ipv6-ide",
    "gen1-bare",
};

static void test_golden(void **state)
{
    (void)state;
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
        printf("# %s: as expected\n", cases[i]);
        free(xml);
        free(in);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_golden),
    };
    return cmocka_run_group_tests_name("domainxml", tests, NULL, NULL);
}
