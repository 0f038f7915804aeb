/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/host/libvirt.c: the libvirt host driver, over libvirt's C API; the
 * domain XML it defines VMs with is libvirt_xml.c's. */
#include "libvirt.h"

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <errno.h>
#include <grp.h>
#include <pthread.h>
#include <pwd.h>

struct lv {
    virConnectPtr conn;
    char *hypervisor;
    char *domain_type;
    bool have_caps, uefi;
};

static struct lv *lv_of(sp_host *h)
{
    return h->priv;
}

/* libvirt prints its errors on stderr unless told otherwise; we report
 * them ourselves. */
static void quiet(void *ctx, virErrorPtr e)
{
    (void)ctx, (void)e;
}

static void quiet_once(void)
{
    virSetErrorFunc(NULL, quiet);
}

/* Record libvirt's last error: "cannot WHAT host 'NAME': ...", @what with
 * its preposition ("connect to", "define the VM on"). */
static sp_code fail(sp_host *h, const char *what)
{
    virErrorPtr e = virGetLastError();
    /* The hypervisor refused or failed: not the user's usage (exit 1). */
    sp_code code = SP_ERR_PROTOCOL;
    if (e) {
        switch (e->code) {
        case VIR_ERR_NO_DOMAIN:
            code = SP_ERR_NOT_FOUND;
            break;
        case VIR_ERR_NO_CONNECT:
        case VIR_ERR_RPC:
        case VIR_ERR_SYSTEM_ERROR:
        case VIR_ERR_AUTH_FAILED:
        case VIR_ERR_AUTH_CANCELLED:
            code = SP_ERR_CONNECT;
            break;
        case VIR_ERR_OPERATION_INVALID:
            code = SP_ERR_PRECONDITION;
            break;
        case VIR_ERR_DOM_EXIST:
            code = SP_ERR_EXISTS;
            break;
        default:
            break;
        }
        /* The QEMU driver says a name is taken as a failed operation. */
        if (e->code == VIR_ERR_OPERATION_FAILED && e->message &&
            strstr(e->message, "already exists"))
            code = SP_ERR_EXISTS;
    }
    return spi_host_fail(h, code, "cannot %s host '%s': %s", what, h->name,
                         e && e->message ? e->message : "libvirt failed");
}

static bool lv_handles(const char *uri)
{
    /* Any libvirt URI: DRIVER[+TRANSPORT]://... */
    const char *colon = strstr(uri, "://");
    return colon && colon > uri && strncmp(uri, "smis", 4) != 0;
}

static sp_code lv_open(sp_host *h)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, quiet_once);
    h->priv = spi_xcalloc(1, sizeof(struct lv));
    return SP_OK;
}

static void lv_close(sp_host *h)
{
    struct lv *l = lv_of(h);
    if (!l)
        return;
    if (l->conn)
        virConnectClose(l->conn);
    free(l->hypervisor);
    free(l->domain_type);
    free(l);
}

static sp_code connected(sp_host *h)
{
    struct lv *l = lv_of(h);
    if (l->conn)
        return SP_OK;
    l->conn = virConnectOpen(h->uri);
    if (!l->conn) {
        fail(h, "connect to");
        h->err.code = SP_ERR_CONNECT;
        return SP_ERR_CONNECT;
    }
    return SP_OK;
}

/* Whether the domain capabilities of @type list UEFI firmware. */
static bool uefi_in(const char *caps)
{
    xmlDocPtr doc = xmlReadMemory(caps, (int)strlen(caps), NULL, NULL,
                                  XML_PARSE_NONET | XML_PARSE_NOERROR |
                                      XML_PARSE_NOWARNING);
    if (!doc)
        return false;
    bool yes = false;
    xmlXPathContextPtr x = xmlXPathNewContext(doc);
    xmlXPathObjectPtr r = xmlXPathEvalExpression(
        BAD_CAST "/domainCapabilities/os/enum[@name='firmware']/value"
                 "[text()='efi'] | /domainCapabilities/os/loader"
                 "[@supported='yes']/value",
        x);
    yes = r && r->nodesetval && r->nodesetval->nodeNr > 0;
    xmlXPathFreeObject(r);
    xmlXPathFreeContext(x);
    xmlFreeDoc(doc);
    return yes;
}

static int count_vm(const sp_host_vm *vm, void *ctx)
{
    (void)vm;
    (*(unsigned *)ctx)++;
    return 0;
}

static sp_code lv_list_vms(sp_host *h, sp_host_vm_fn fn, void *ctx);

/* What the host is, learned once per handle: its hypervisor, the domain
 * type VMs get, UEFI. */
static sp_code learn(sp_host *h)
{
    struct lv *l = lv_of(h);
    sp_code rc = connected(h);
    if (rc || l->have_caps)
        return rc;
    const char *type = virConnectGetType(l->conn);
    unsigned long version = 0;
    virConnectGetVersion(l->conn, &version);
    l->hypervisor =
        spi_xasprintf("%s %lu.%lu.%lu", type ? type : "?", version / 1000000,
                      version / 1000 % 1000, version % 1000);
    /* kvm where the host has it, else qemu emulation, else the driver's
     * own type (test, lxc, ...). */
    static const char *const tries[] = {"kvm", "qemu"};
    bool qemu = type && strcasecmp(type, "QEMU") == 0;
    for (size_t i = 0; qemu && i < SPI_ARRAY_SIZE(tries) && !l->domain_type;
         i++) {
        char *caps = virConnectGetDomainCapabilities(l->conn, NULL, NULL, NULL,
                                                     tries[i], 0);
        if (caps) {
            l->domain_type = spi_xstrdup(tries[i]);
            l->uefi = uefi_in(caps);
            free(caps);
        }
    }
    if (!l->domain_type) {
        l->domain_type = spi_xstrdup(type ? type : "kvm");
        for (char *c = l->domain_type; *c; c++)
            *c = (char)(*c >= 'A' && *c <= 'Z' ? *c + 32 : *c);
    }
    l->have_caps = true;
    return SP_OK;
}

static sp_code lv_capabilities(sp_host *h, sp_host_caps *out)
{
    struct lv *l = lv_of(h);
    sp_code rc = learn(h);
    if (rc)
        return rc;
    out->hypervisor = l->hypervisor;
    out->domain_type = l->domain_type;
    out->uefi = l->uefi;
    unsigned n = 0;
    if ((rc = lv_list_vms(h, count_vm, &n)))
        return rc;
    out->vms = n;
    return SP_OK;
}

/* A user (@user) or group ID of a DAC label: "+NUMBER", or a name. */
static bool label_id(const char *s, size_t len, bool user, unsigned *out)
{
    char name[256];
    if (!len || len >= sizeof(name))
        return false;
    memcpy(name, s, len);
    name[len] = '\0';
    if (name[0] == '+') {
        char *end;
        errno = 0;
        unsigned long v = strtoul(name + 1, &end, 10);
        if (errno || *end || end == name + 1 || v > UINT32_MAX)
            return false;
        *out = (unsigned)v;
        return true;
    }
    char buf[4096];
    if (user) {
        struct passwd pw, *found = NULL;
        if (getpwnam_r(name, &pw, buf, sizeof(buf), &found) || !found)
            return false;
        *out = found->pw_uid;
    } else {
        struct group gr, *found = NULL;
        if (getgrnam_r(name, &gr, buf, sizeof(buf), &found) || !found)
            return false;
        *out = found->gr_gid;
    }
    return true;
}

/* The user QEMU runs as: the base label of the DAC security model for the
 * domain type, "+UID:+GID" (or "USER:GROUP") in the host capabilities. */
static sp_code lv_file_user(sp_host *h, uid_t *uid, gid_t *gid)
{
    struct lv *l = lv_of(h);
    sp_code rc = learn(h);
    if (rc)
        return rc;
    char *caps = virConnectGetCapabilities(l->conn);
    if (!caps)
        return fail(h, "read the capabilities of");
    xmlDocPtr doc = xmlReadMemory(caps, (int)strlen(caps), NULL, NULL,
                                  XML_PARSE_NONET | XML_PARSE_NOERROR |
                                      XML_PARSE_NOWARNING);
    free(caps);
    xmlChar *label = NULL;
    if (doc) {
        xmlXPathContextPtr x = xmlXPathNewContext(doc);
        xmlXPathObjectPtr r = NULL;
        if (x &&
            !xmlXPathRegisterVariable(
                x, BAD_CAST "type", xmlXPathNewString(BAD_CAST l->domain_type)))
            r = xmlXPathEvalExpression(
                BAD_CAST "/capabilities/host/secmodel[model='dac']"
                         "/baselabel[@type=$type]",
                x);
        if (r && r->nodesetval && r->nodesetval->nodeNr > 0)
            label = xmlNodeGetContent(r->nodesetval->nodeTab[0]);
        xmlXPathFreeObject(r);
        xmlXPathFreeContext(x);
        xmlFreeDoc(doc);
    }
    const char *s = (const char *)label;
    const char *colon = s ? strchr(s, ':') : NULL;
    unsigned u, g;
    bool ok = colon && label_id(s, (size_t)(colon - s), true, &u) &&
              label_id(colon + 1, strlen(colon + 1), false, &g);
    xmlFree(label);
    if (!ok)
        return spi_host_fail(h, SP_ERR_NOT_SUPPORTED,
                             "host '%s' names no user it runs VMs as", h->name);
    *uid = (uid_t)u;
    *gid = (gid_t)g;
    return SP_OK;
}

static virDomainPtr lookup(sp_host *h, const char *uuid)
{
    if (connected(h))
        return NULL;
    virDomainPtr d = virDomainLookupByUUIDString(lv_of(h)->conn, uuid);
    if (!d)
        fail(h, "find the VM on");
    return d;
}

static sp_code lv_define(sp_host *h, const sp_vm_def *def, char uuid[37])
{
    struct lv *l = lv_of(h);
    sp_code rc = learn(h);
    if (rc)
        return rc;
    /* The domain as this host has it: its domain type, its configured CPU
     * mode, its way to FC LUNs. */
    const struct spi_lv_host host = {
        .domain_type = l->domain_type,
        .cpu_mode = sp_config_get(h->cfg, "host", h->name, "cpu-mode"),
        .multipath =
            sp_config_get_bool(h->cfg, "host", h->name, "multipath", false),
    };
    SPI_AUTOFREE char *xml = NULL;
    if ((rc = spi_lv_domain_xml(def, &host, &xml, &h->err)))
        return rc;
    virDomainPtr d = virDomainDefineXML(l->conn, xml);
    if (!d)
        return fail(h, "define the VM on");
    if (virDomainGetUUIDString(d, uuid) != 0)
        rc = fail(h, "read the new VM's UUID on");
    virDomainFree(d);
    return rc;
}

static sp_code lv_start(sp_host *h, const char *uuid)
{
    virDomainPtr d = lookup(h, uuid);
    if (!d)
        return h->err.code;
    sp_code rc = virDomainCreate(d) == 0 ? SP_OK : fail(h, "start the VM on");
    virDomainFree(d);
    return rc;
}

static sp_code lv_stop(sp_host *h, const char *uuid)
{
    virDomainPtr d = lookup(h, uuid);
    if (!d)
        return h->err.code;
    sp_code rc = SP_OK;
    if (virDomainIsActive(d) == 1 && virDomainDestroy(d) != 0)
        rc = fail(h, "stop the VM on");
    virDomainFree(d);
    return rc;
}

static sp_code lv_undefine(sp_host *h, const char *uuid)
{
    virDomainPtr d = lookup(h, uuid);
    if (!d) {
        if (h->err.code == SP_ERR_NOT_FOUND) { /* gone: what was asked */
            sp_error_clear(&h->err);
            return SP_OK;
        }
        return h->err.code;
    }
    sp_code rc = SP_OK;
    if (virDomainIsActive(d) == 1 && virDomainDestroy(d) != 0)
        rc = fail(h, "stop the VM on");
    if (!rc &&
        virDomainUndefineFlags(d, VIR_DOMAIN_UNDEFINE_NVRAM |
                                      VIR_DOMAIN_UNDEFINE_MANAGED_SAVE) != 0 &&
        virDomainUndefine(d) != 0)
        rc = fail(h, "undefine the VM on");
    virDomainFree(d);
    return rc;
}

static sp_code lv_find_vm(sp_host *h, const char *name, char uuid[37])
{
    sp_code rc = connected(h);
    if (rc)
        return rc;
    virDomainPtr d = virDomainLookupByName(lv_of(h)->conn, name);
    if (!d)
        return fail(h, "find the VM on");
    if (virDomainGetUUIDString(d, uuid) != 0)
        rc = fail(h, "read the VM's UUID on");
    virDomainFree(d);
    return rc;
}

static sp_code lv_has_vm(sp_host *h, const char *uuid)
{
    virDomainPtr d = lookup(h, uuid);
    if (!d)
        return h->err.code;
    virDomainFree(d);
    return SP_OK;
}

/* The text of child @name of our metadata element, or NULL. */
static char *meta_field(const char *meta, const char *name)
{
    xmlDocPtr doc = xmlReadMemory(meta, (int)strlen(meta), NULL, NULL,
                                  XML_PARSE_NONET | XML_PARSE_NOERROR |
                                      XML_PARSE_NOWARNING);
    if (!doc)
        return NULL;
    char *v = NULL;
    xmlNodePtr root = xmlDocGetRootElement(doc);
    for (xmlNodePtr n = root ? root->children : NULL; n && !v; n = n->next)
        if (n->type == XML_ELEMENT_NODE &&
            SPI_STREQ((const char *)n->name, name)) {
            xmlChar *t = xmlNodeGetContent(n);
            v = spi_xstrdup((const char *)t);
            xmlFree(t);
        }
    xmlFreeDoc(doc);
    return v;
}

static sp_code lv_list_vms(sp_host *h, sp_host_vm_fn fn, void *ctx)
{
    sp_code rc = connected(h);
    if (rc)
        return rc;
    virDomainPtr *doms = NULL;
    int n = virConnectListAllDomains(lv_of(h)->conn, &doms, 0);
    if (n < 0)
        return fail(h, "list VMs on");
    int stop = 0;
    for (int i = 0; i < n; i++) {
        char *meta =
            stop ? NULL
                 : virDomainGetMetadata(doms[i], VIR_DOMAIN_METADATA_ELEMENT,
                                        SPI_DOMAIN_NS, 0);
        if (meta) {
            char uuid[VIR_UUID_STRING_BUFLEN] = "";
            virDomainGetUUIDString(doms[i], uuid);
            char *tmpl = meta_field(meta, "template");
            char *vm = meta_field(meta, "vm");
            char *lib = meta_field(meta, "library");
            sp_host_vm v = {.uuid = uuid,
                            .name = virDomainGetName(doms[i]),
                            .template_id = tmpl,
                            .vm_id = vm,
                            .running = virDomainIsActive(doms[i]) == 1,
                            .library = lib};
            stop = fn(&v, ctx) < 0;
            free(tmpl);
            free(vm);
            free(lib);
            free(meta);
        }
        virDomainFree(doms[i]);
    }
    free(doms);
    if (stop)
        return spi_host_fail(h, SP_ERR_CANCELLED, "stopped by the caller");
    return SP_OK;
}

const struct sp_host_driver spi_libvirt_driver = {
    .name = "libvirt",
    .handles = lv_handles,
    .open = lv_open,
    .close = lv_close,
    .capabilities = lv_capabilities,
    .define = lv_define,
    .start = lv_start,
    .stop = lv_stop,
    .undefine = lv_undefine,
    .find_vm = lv_find_vm,
    .has_vm = lv_has_vm,
    .list_vms = lv_list_vms,
    .file_user = lv_file_user,
};
