/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/host/libvirt_xml.c: the libvirt domain XML of a neutral VM definition,
 * built with libxml2: the libvirt driver's rendering of sp_vm_def. */
#include "libvirt.h"

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

/* The device names of @bus start so: vda, sda or hda. */
static const char *dev_prefix(const char *bus)
{
    return SPI_STREQ(bus, "virtio") ? "vd"
           : SPI_STREQ(bus, "ide")  ? "hd"
                                    : "sd";
}

static void iscsi_source(xmlNodePtr src, const sp_vm_disk *d)
{
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
    prop(xmlNewChild(init, NULL, BAD_CAST "iqn", NULL), "name", d->initiator);
}

/* Disk @i of @def, device @i of its bus; the first one boots. */
static void add_disk(xmlNodePtr devices, const sp_vm_def *def, size_t i,
                     const char *bus, const struct spi_lv_host *host)
{
    const sp_vm_disk *d = def->disks[i];
    xmlNodePtr disk = xmlNewChild(devices, NULL, BAD_CAST "disk", NULL);
    prop(disk, "type",
         d->kind == SP_DISK_ISCSI  ? "network"
         : d->kind == SP_DISK_FILE ? "file"
                                   : "block");
    prop(disk, "device", "disk");
    xmlNodePtr drv = xmlNewChild(disk, NULL, BAD_CAST "driver", NULL);
    prop(drv, "name", "qemu");
    prop(drv, "type", "raw");
    prop(drv, "cache", "none");
    xmlNodePtr src = xmlNewChild(disk, NULL, BAD_CAST "source", NULL);
    if (d->kind == SP_DISK_ISCSI) {
        iscsi_source(src, d);
    } else if (d->kind == SP_DISK_FC) {
        char *path = spi_block_path(d->wwn, host->multipath);
        prop(src, "dev", path);
        free(path);
    } else {
        prop(src, "file", d->path);
    }
    char dev[8];
    snprintf(dev, sizeof(dev), "%s%c", dev_prefix(bus), (char)('a' + i));
    xmlNodePtr target = xmlNewChild(disk, NULL, BAD_CAST "target", NULL);
    prop(target, "dev", dev);
    prop(target, "bus", bus);
    if (i == 0)
        prop(xmlNewChild(disk, NULL, BAD_CAST "boot", NULL), "order", "1");
}

static void add_media(xmlNodePtr devices, const sp_vm_def *def, const char *bus)
{
    /* On SATA (q35 has no IDE), after the disks when their names are
     * sdX too (SATA or SCSI): libvirt refuses a target named twice. */
    size_t after = SPI_STREQ(dev_prefix(bus), "sd") ? def->ndisks : 0;
    xmlNodePtr cd = xmlNewChild(devices, NULL, BAD_CAST "disk", NULL);
    prop(cd, "type", "file");
    prop(cd, "device", "cdrom");
    xmlNodePtr drv = xmlNewChild(cd, NULL, BAD_CAST "driver", NULL);
    prop(drv, "name", "qemu");
    prop(drv, "type", "raw");
    prop(xmlNewChild(cd, NULL, BAD_CAST "source", NULL), "file", def->media);
    char dev[8];
    snprintf(dev, sizeof(dev), "sd%c", (char)('a' + after));
    xmlNodePtr target = xmlNewChild(cd, NULL, BAD_CAST "target", NULL);
    prop(target, "dev", dev);
    prop(target, "bus", "sata");
    xmlNewChild(cd, NULL, BAD_CAST "readonly", NULL);
}

/* A fresh, locally administered MAC in QEMU's 52:54:00 range. */
static void fresh_mac(char mac[18])
{
    unsigned char r[3] = {0};
    if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r)) {
        uuid_t u;
        uuid_generate(u);
        memcpy(r, u, sizeof(r));
    }
    snprintf(mac, 18, "52:54:00:%02x:%02x:%02x", r[0], r[1], r[2]);
}

static void add_nics(xmlNodePtr devices, const sp_vm_def *def)
{
    for (size_t i = 0; i < def->nnics; i++) {
        const sp_vm_nic *n = def->nics[i];
        xmlNodePtr nic = xmlNewChild(devices, NULL, BAD_CAST "interface", NULL);
        prop(nic, "type", n->network ? "network" : "bridge");
        char mac[18];
        if (n->mac)
            snprintf(mac, sizeof(mac), "%s", n->mac);
        else
            fresh_mac(mac);
        prop(xmlNewChild(nic, NULL, BAD_CAST "mac", NULL), "address", mac);
        prop(xmlNewChild(nic, NULL, BAD_CAST "source", NULL),
             n->network ? "network" : "bridge",
             n->network ? n->network : n->bridge);
        prop(xmlNewChild(nic, NULL, BAD_CAST "model", NULL), "type",
             n->model ? n->model : "virtio");
    }
}

static void add_metadata(xmlNodePtr dom, const sp_vm_def *def)
{
    xmlNodePtr meta = xmlNewChild(dom, NULL, BAD_CAST "metadata", NULL);
    xmlNodePtr mine = xmlNewChild(meta, NULL, BAD_CAST "vm", NULL);
    xmlNsPtr ns = xmlNewNs(mine, BAD_CAST SPI_DOMAIN_NS, BAD_CAST "sanprov");
    xmlSetNs(mine, ns);
    if (def->template_id)
        xmlNewTextChild(mine, ns, BAD_CAST "template",
                        BAD_CAST sp_id_str(def->template_id));
    if (def->vm_id)
        xmlNewTextChild(mine, ns, BAD_CAST "vm",
                        BAD_CAST sp_id_str(def->vm_id));
    if (def->library)
        xmlNewTextChild(mine, ns, BAD_CAST "library", BAD_CAST def->library);
}

sp_code spi_lv_domain_xml(const sp_vm_def *def, const struct spi_lv_host *host,
                          char **out, sp_error *err)
{
    (void)err; /* what could be wrong spi_vm_def_in() refused */
    const char *bus = def->disk_bus ? def->disk_bus : "virtio";
    xmlDocPtr doc = xmlNewDoc(BAD_CAST "1.0");
    xmlNodePtr dom = xmlNewNode(NULL, BAD_CAST "domain");
    xmlDocSetRootElement(doc, dom);
    prop(dom, "type", host->domain_type ? host->domain_type : "kvm");
    add(dom, "name", def->name);
    add(dom, "uuid", def->uuid);
    add_metadata(dom, def);
    char num[32];
    snprintf(num, sizeof(num), "%" PRIu64, def->memory / 1024);
    prop(add(dom, "memory", num), "unit", "KiB");
    snprintf(num, sizeof(num), "%u", def->vcpus);
    add(dom, "vcpu", num);
    xmlNodePtr os = xmlNewChild(dom, NULL, BAD_CAST "os", NULL);
    if (def->firmware == SP_FIRMWARE_UEFI)
        prop(os, "firmware", "efi");
    xmlNodePtr type = add(os, "type", "hvm");
    prop(type, "arch", "x86_64");
    prop(type, "machine", def->machine ? def->machine : "q35");
    xmlNodePtr features = xmlNewChild(dom, NULL, BAD_CAST "features", NULL);
    xmlNewChild(features, NULL, BAD_CAST "acpi", NULL);
    xmlNewChild(features, NULL, BAD_CAST "apic", NULL);
    /* "default": no <cpu>, the hypervisor's default model (for nested
     * KVM, where host-model may expose what the guest cannot set). */
    const char *cpu = host->cpu_mode ? host->cpu_mode : "host-model";
    if (!SPI_STREQ(cpu, "default"))
        prop(xmlNewChild(dom, NULL, BAD_CAST "cpu", NULL), "mode", cpu);
    add(dom, "on_poweroff", "destroy");
    add(dom, "on_reboot", "restart");
    add(dom, "on_crash", "destroy");
    xmlNodePtr devices = xmlNewChild(dom, NULL, BAD_CAST "devices", NULL);
    for (size_t i = 0; i < def->ndisks; i++)
        add_disk(devices, def, i, bus, host);
    if (def->media)
        add_media(devices, def, bus);
    add_nics(devices, def);
    prop(xmlNewChild(devices, NULL, BAD_CAST "console", NULL), "type", "pty");
    xmlChar *text = NULL;
    int n = 0;
    xmlDocDumpFormatMemoryEnc(doc, &text, &n, "UTF-8", 1);
    *out = spi_xstrndup((const char *)text, (size_t)n);
    xmlFree(text);
    xmlFreeDoc(doc);
    return SP_OK;
}
