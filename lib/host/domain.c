/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/host/domain.c: the libvirt domain XML of a VM on a SAN-copied LUN,
 * built with libxml2 from the template's hardware profile. */
#include "host_internal.h"

#include <inttypes.h>
#include <libxml/tree.h>
#include <sys/random.h>
#include <uuid/uuid.h>

static xmlNodePtr add(xmlNodePtr parent, const char *name, const char *text)
{
    return xmlNewTextChild(parent, NULL, BAD_CAST name, BAD_CAST text);
}

static void prop(xmlNodePtr n, const char *name, const char *value)
{
    xmlNewProp(n, BAD_CAST name, BAD_CAST value);
}

/* The first device name of @bus: vda, sda or hda. */
static const char *dev_prefix(const char *bus)
{
    return SPI_STREQ(bus, "virtio") ? "vd"
           : SPI_STREQ(bus, "ide")  ? "hd"
                                    : "sd";
}

static sp_code add_disk(xmlNodePtr devices, const sp_vm_def *def, sp_error *err)
{
    const sp_vm_disk *d = def->disk;
    const char *bus = sp_template_disk_bus(def->tmpl);
    xmlNodePtr disk = xmlNewChild(devices, NULL, BAD_CAST "disk", NULL);
    bool file = !d->iscsi && d->path && strncmp(d->path, "/dev/", 5) != 0;
    prop(disk, "type", d->iscsi ? "network" : file ? "file" : "block");
    prop(disk, "device", "disk");
    xmlNodePtr drv = xmlNewChild(disk, NULL, BAD_CAST "driver", NULL);
    prop(drv, "name", "qemu");
    prop(drv, "type", "raw");
    prop(drv, "cache", "none");
    xmlNodePtr src = xmlNewChild(disk, NULL, BAD_CAST "source", NULL);
    if (d->iscsi) {
        if (!d->portal || !d->target || !d->initiator)
            return sp_error_set(err, SP_ERR_INVALID,
                                "an iSCSI disk needs a portal, a target and "
                                "the host's initiator IQN");
        char *name = spi_xasprintf("%s/%" PRIu32, d->target, d->lun);
        prop(src, "protocol", "iscsi");
        prop(src, "name", name);
        free(name);
        /* HOST[:PORT], HOST an IPv6 address in brackets or not. */
        char *hostport = spi_xstrdup(d->portal);
        char *port = strrchr(hostport, ':');
        if (port && (hostport[0] != '[' || port > strchr(hostport, ']')))
            *port++ = '\0';
        else
            port = NULL;
        char *host = hostport;
        if (host[0] == '[') {
            host++;
            host[strcspn(host, "]")] = '\0';
        }
        xmlNodePtr hn = xmlNewChild(src, NULL, BAD_CAST "host", NULL);
        prop(hn, "name", host);
        prop(hn, "port", port ? port : "3260");
        free(hostport);
        xmlNodePtr init = xmlNewChild(src, NULL, BAD_CAST "initiator", NULL);
        prop(xmlNewChild(init, NULL, BAD_CAST "iqn", NULL), "name",
             d->initiator);
    } else {
        if (!d->path || d->path[0] != '/')
            return sp_error_set(err, SP_ERR_INVALID,
                                "a block disk needs an absolute path");
        prop(src, file ? "file" : "dev", d->path);
    }
    char dev[8];
    snprintf(dev, sizeof(dev), "%sa", dev_prefix(bus));
    xmlNodePtr target = xmlNewChild(disk, NULL, BAD_CAST "target", NULL);
    prop(target, "dev", dev);
    prop(target, "bus", bus);
    prop(xmlNewChild(disk, NULL, BAD_CAST "boot", NULL), "order", "1");
    return SP_OK;
}

static void add_seed(xmlNodePtr devices, const sp_vm_def *def)
{
    /* On SATA (q35 has no IDE), after the disk when that is SATA too. */
    bool after = SPI_STREQ(sp_template_disk_bus(def->tmpl), "sata");
    xmlNodePtr cd = xmlNewChild(devices, NULL, BAD_CAST "disk", NULL);
    prop(cd, "type", "file");
    prop(cd, "device", "cdrom");
    xmlNodePtr drv = xmlNewChild(cd, NULL, BAD_CAST "driver", NULL);
    prop(drv, "name", "qemu");
    prop(drv, "type", "raw");
    prop(xmlNewChild(cd, NULL, BAD_CAST "source", NULL), "file", def->seed);
    xmlNodePtr target = xmlNewChild(cd, NULL, BAD_CAST "target", NULL);
    prop(target, "dev", after ? "sdb" : "sda");
    prop(target, "bus", "sata");
    xmlNewChild(cd, NULL, BAD_CAST "readonly", NULL);
}

static void add_nics(xmlNodePtr devices, const sp_template *t)
{
    for (size_t i = 0; i < sp_template_nic_count(t); i++) {
        const char *net = sp_template_nic_network(t, i);
        xmlNodePtr nic = xmlNewChild(devices, NULL, BAD_CAST "interface", NULL);
        prop(nic, "type", net ? "network" : "bridge");
        /* A fresh, locally administered MAC in QEMU's 52:54:00 range. */
        unsigned char r[3] = {0};
        if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r)) {
            uuid_t u;
            uuid_generate(u);
            memcpy(r, u, sizeof(r));
        }
        char mac[18];
        snprintf(mac, sizeof(mac), "52:54:00:%02x:%02x:%02x", r[0], r[1], r[2]);
        prop(xmlNewChild(nic, NULL, BAD_CAST "mac", NULL), "address", mac);
        prop(xmlNewChild(nic, NULL, BAD_CAST "source", NULL),
             net ? "network" : "bridge",
             net ? net : sp_template_nic_bridge(t, i));
        prop(xmlNewChild(nic, NULL, BAD_CAST "model", NULL), "type",
             sp_template_nic_model(t, i));
    }
}

sp_code sp_domain_xml(const sp_vm_def *caller_def, char **out, sp_error *err)
{
    *out = NULL;
    /* The caller's structs as the library's (sanprov/common.h, "Structs");
     * no disk is a disk of nothing, as an empty one was. */
    sp_vm_def vd;
    sp_vm_disk disk = SP_STRUCT_INIT(sp_vm_disk);
    if (!caller_def || !spi_sized_in(&vd, sizeof(vd), caller_def,
                                     SPI_SIZE_0_1(sp_vm_def, cpu_mode)))
        return sp_error_set(err, SP_ERR_INVALID,
                            "sp_vm_def without its size (SP_STRUCT_INIT)");
    if (vd.disk && !spi_sized_in(&disk, sizeof(disk), vd.disk,
                                 SPI_SIZE_0_1(sp_vm_disk, path)))
        return sp_error_set(err, SP_ERR_INVALID,
                            "sp_vm_disk without its size (SP_STRUCT_INIT)");
    vd.disk = &disk;
    const sp_vm_def *def = &vd;
    if (!def->name || !*def->name || !def->tmpl)
        return sp_error_set(err, SP_ERR_INVALID,
                            "a VM needs a name and a template");
    char uuid[37];
    uuid_t u;
    if (def->uuid) {
        if (strlen(def->uuid) != 36 || uuid_parse(def->uuid, u) != 0)
            return sp_error_set(err, SP_ERR_INVALID, "'%s' is not a UUID",
                                def->uuid);
        uuid_unparse_lower(u, uuid);
    } else {
        uuid_generate(u);
        uuid_unparse_lower(u, uuid);
    }
    const sp_template *t = def->tmpl;
    xmlDocPtr doc = xmlNewDoc(BAD_CAST "1.0");
    xmlNodePtr dom = xmlNewNode(NULL, BAD_CAST "domain");
    xmlDocSetRootElement(doc, dom);
    prop(dom, "type", def->domain_type ? def->domain_type : "kvm");
    add(dom, "name", def->name);
    add(dom, "uuid", uuid);
    xmlNodePtr meta = xmlNewChild(dom, NULL, BAD_CAST "metadata", NULL);
    xmlNodePtr mine = xmlNewChild(meta, NULL, BAD_CAST "vm", NULL);
    xmlNsPtr ns = xmlNewNs(mine, BAD_CAST SP_DOMAIN_NS, BAD_CAST "sanprov");
    xmlSetNs(mine, ns);
    if (sp_template_id(t))
        xmlNewTextChild(mine, ns, BAD_CAST "template",
                        BAD_CAST sp_id_str(sp_template_id(t)));
    if (def->vm)
        xmlNewTextChild(mine, ns, BAD_CAST "vm", BAD_CAST sp_id_str(def->vm));
    if (def->library)
        xmlNewTextChild(mine, ns, BAD_CAST "library", BAD_CAST def->library);
    char num[32];
    snprintf(num, sizeof(num), "%" PRIu64, sp_template_memory(t) / 1024);
    prop(add(dom, "memory", num), "unit", "KiB");
    snprintf(num, sizeof(num), "%u", sp_template_vcpus(t));
    add(dom, "vcpu", num);
    xmlNodePtr os = xmlNewChild(dom, NULL, BAD_CAST "os", NULL);
    if (sp_template_firmware(t) == SP_FIRMWARE_UEFI)
        prop(os, "firmware", "efi");
    xmlNodePtr type = add(os, "type", "hvm");
    prop(type, "arch", "x86_64");
    prop(type, "machine", sp_template_machine(t));
    xmlNodePtr features = xmlNewChild(dom, NULL, BAD_CAST "features", NULL);
    xmlNewChild(features, NULL, BAD_CAST "acpi", NULL);
    xmlNewChild(features, NULL, BAD_CAST "apic", NULL);
    /* "default": no <cpu>, the hypervisor's default model (for nested
     * KVM, where host-model may expose what the guest cannot set). */
    const char *cpu = def->cpu_mode ? def->cpu_mode : "host-model";
    if (!SPI_STREQ(cpu, "default"))
        prop(xmlNewChild(dom, NULL, BAD_CAST "cpu", NULL), "mode", cpu);
    add(dom, "on_poweroff", "destroy");
    add(dom, "on_reboot", "restart");
    add(dom, "on_crash", "destroy");
    xmlNodePtr devices = xmlNewChild(dom, NULL, BAD_CAST "devices", NULL);
    sp_code rc = add_disk(devices, def, err);
    if (!rc) {
        if (def->seed)
            add_seed(devices, def);
        add_nics(devices, t);
        prop(xmlNewChild(devices, NULL, BAD_CAST "console", NULL), "type",
             "pty");
        xmlChar *text = NULL;
        int n = 0;
        xmlDocDumpFormatMemoryEnc(doc, &text, &n, "UTF-8", 1);
        *out = spi_xstrndup((const char *)text, (size_t)n);
        xmlFree(text);
    }
    xmlFreeDoc(doc);
    return rc;
}
