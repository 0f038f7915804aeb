/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/library/template.c: the template object, its checks, and its XML
 * document (written with libxml2's tree API, read with network access,
 * DTDs and entities off). */
#include "library.h"

#include <ctype.h>
#include <inttypes.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <time.h>

struct nic {
    char *network, *bridge, *model;
};

struct sp_template {
    sp_id *id;
    char *name;
    sp_id *lun, *pool;
    sp_copy_method copy;
    unsigned int vcpus;
    uint64_t memory;
    sp_firmware firmware;
    char *machine, *disk_bus;
    sp_os_family os;
    struct nic *nics;
    size_t nnics, capnics;
    char *docs[SP_DOC_COUNT];
    char **tags;
    size_t ntags, captags;
    int64_t created;
};

static const char *const doc_names[SP_DOC_COUNT] = {
    "user-data", "meta-data", "network-config", "unattend"};

/* ---- names ---- */

const char *sp_copy_pref_name(sp_copy_method m)
{
    return m == SP_COPY_SNAPSHOT ? "snapshot"
           : m == SP_COPY_CLONE  ? "clone"
                                 : "auto";
}

const char *sp_firmware_name(sp_firmware f)
{
    return f == SP_FIRMWARE_UEFI ? "uefi" : "bios";
}

const char *sp_os_family_name(sp_os_family os)
{
    return os == SP_OS_WINDOWS ? "windows" : "linux";
}

const char *sp_custom_doc_name(sp_custom_doc d)
{
    return (unsigned)d < SP_DOC_COUNT ? doc_names[d] : "?";
}

/* ---- the object ---- */

sp_template *sp_template_new(const char *name)
{
    sp_template *t = spi_xcalloc(1, sizeof(*t));
    t->name = spi_xstrdup(name ? name : "");
    t->vcpus = 1;
    t->memory = 1ull << 30;
    t->machine = spi_xstrdup("q35");
    t->disk_bus = spi_xstrdup("virtio");
    return t;
}

void sp_template_free(sp_template *t)
{
    if (!t)
        return;
    sp_id_free(t->id);
    free(t->name);
    sp_id_free(t->lun);
    sp_id_free(t->pool);
    free(t->machine);
    free(t->disk_bus);
    for (size_t i = 0; i < t->nnics; i++) {
        free(t->nics[i].network);
        free(t->nics[i].bridge);
        free(t->nics[i].model);
    }
    free(t->nics);
    for (size_t i = 0; i < SP_DOC_COUNT; i++)
        free(t->docs[i]);
    for (size_t i = 0; i < t->ntags; i++)
        free(t->tags[i]);
    free(t->tags);
    free(t);
}

const sp_id *sp_template_id(const sp_template *t)
{
    return t->id;
}
const char *sp_template_name(const sp_template *t)
{
    return t->name;
}
const sp_id *sp_template_lun(const sp_template *t)
{
    return t->lun;
}
const sp_id *sp_template_pool(const sp_template *t)
{
    return t->pool;
}
sp_copy_method sp_template_copy(const sp_template *t)
{
    return t->copy;
}
unsigned int sp_template_vcpus(const sp_template *t)
{
    return t->vcpus;
}
uint64_t sp_template_memory(const sp_template *t)
{
    return t->memory;
}
sp_firmware sp_template_firmware(const sp_template *t)
{
    return t->firmware;
}
const char *sp_template_machine(const sp_template *t)
{
    return t->machine;
}
const char *sp_template_disk_bus(const sp_template *t)
{
    return t->disk_bus;
}
sp_os_family sp_template_os(const sp_template *t)
{
    return t->os;
}
size_t sp_template_nic_count(const sp_template *t)
{
    return t->nnics;
}
const char *sp_template_nic_network(const sp_template *t, size_t i)
{
    return i < t->nnics ? t->nics[i].network : NULL;
}
const char *sp_template_nic_bridge(const sp_template *t, size_t i)
{
    return i < t->nnics ? t->nics[i].bridge : NULL;
}
const char *sp_template_nic_model(const sp_template *t, size_t i)
{
    return i < t->nnics ? t->nics[i].model : NULL;
}
const char *sp_template_doc(const sp_template *t, sp_custom_doc d)
{
    return (unsigned)d < SP_DOC_COUNT ? t->docs[d] : NULL;
}
size_t sp_template_tag_count(const sp_template *t)
{
    return t->ntags;
}
const char *sp_template_tag(const sp_template *t, size_t i)
{
    return i < t->ntags ? t->tags[i] : NULL;
}
int64_t sp_template_created(const sp_template *t)
{
    return t->created;
}

/* ---- setters and their checks ---- */

/* A name of libvirt's kind: letters, digits, '.', '-', '_', '+', ':'
 * (machine types, buses, models, networks, bridges, tags). */
static bool word_ok(const char *s)
{
    if (!s || !*s || strlen(s) > 64)
        return false;
    for (const char *c = s; *c; c++)
        if (!isalnum((unsigned char)*c) && !strchr(".-_+:", *c))
            return false;
    return true;
}

/* Printed raw as names of ours are (sanprov/text.h). */
bool spi_template_name_ok(const char *s)
{
    return s && *s && strlen(s) <= 128 && sp_text_printable(s);
}

sp_code sp_template_set_name(sp_template *t, const char *name, sp_error *err)
{
    if (!spi_template_name_ok(name))
        return sp_error_set(err, SP_ERR_INVALID,
                            "'%s' cannot name a template (1 to 128 bytes of "
                            "UTF-8, no control or bidi characters)",
                            name ? name : "");
    free(t->name);
    t->name = spi_xstrdup(name);
    return SP_OK;
}

sp_code sp_template_set_lun(sp_template *t, const sp_id *lun, const sp_id *pool,
                            sp_error *err)
{
    if (!lun || sp_id_get_kind(lun) != SP_ID_LUN ||
        (pool && sp_id_get_kind(pool) != SP_ID_POOL))
        return sp_error_set(err, SP_ERR_INVALID,
                            "a template needs a lun ID and a pool ID");
    sp_id_free(t->lun);
    sp_id_free(t->pool);
    t->lun = sp_id_copy(lun);
    t->pool = pool ? sp_id_copy(pool) : NULL;
    return SP_OK;
}

sp_code sp_template_set_copy(sp_template *t, sp_copy_method m, sp_error *err)
{
    if (m != SP_COPY_NONE && m != SP_COPY_SNAPSHOT && m != SP_COPY_CLONE)
        return sp_error_set(err, SP_ERR_INVALID,
                            "the copy method is auto, snapshot or clone");
    t->copy = m;
    return SP_OK;
}

sp_code sp_template_set_vcpus(sp_template *t, unsigned int n, sp_error *err)
{
    if (n < 1 || n > 4096)
        return sp_error_set(err, SP_ERR_INVALID, "%u vCPUs: a VM has 1 to 4096",
                            n);
    t->vcpus = n;
    return SP_OK;
}

sp_code sp_template_set_memory(sp_template *t, uint64_t bytes, sp_error *err)
{
    if (bytes < (1u << 20) || bytes % 1024)
        return sp_error_set(err, SP_ERR_INVALID,
                            "memory of %" PRIu64 " bytes: at least 1 MiB, "
                            "in whole KiB",
                            bytes);
    t->memory = bytes;
    return SP_OK;
}

void sp_template_set_firmware(sp_template *t, sp_firmware f)
{
    t->firmware = f == SP_FIRMWARE_UEFI ? SP_FIRMWARE_UEFI : SP_FIRMWARE_BIOS;
}

static sp_code set_word(char **field, const char *what, const char *v,
                        sp_error *err)
{
    if (!word_ok(v))
        return sp_error_set(err, SP_ERR_INVALID,
                            "'%s' is no %s (letters, digits and . - _ + :)",
                            v ? v : "", what);
    free(*field);
    *field = spi_xstrdup(v);
    return SP_OK;
}

sp_code sp_template_set_machine(sp_template *t, const char *machine,
                                sp_error *err)
{
    return set_word(&t->machine, "machine type", machine, err);
}

sp_code sp_template_set_disk_bus(sp_template *t, const char *bus, sp_error *err)
{
    return set_word(&t->disk_bus, "disk bus", bus, err);
}

void sp_template_set_os(sp_template *t, sp_os_family os)
{
    t->os = os == SP_OS_WINDOWS ? SP_OS_WINDOWS : SP_OS_LINUX;
}

sp_code sp_template_add_nic(sp_template *t, const char *network,
                            const char *bridge, const char *model,
                            sp_error *err)
{
    if (!network == !bridge)
        return sp_error_set(err, SP_ERR_INVALID,
                            "a NIC is on a network or a bridge (one of them)");
    if (!word_ok(network ? network : bridge) || (model && !word_ok(model)))
        return sp_error_set(err, SP_ERR_INVALID,
                            "bad NIC '%s' (letters, digits and . - _ + :)",
                            network ? network : bridge);
    if (t->nnics >= 32)
        return sp_error_set(err, SP_ERR_INVALID, "at most 32 NICs");
    spi_xgrow((void **)&t->nics, &t->capnics, t->nnics + 1, sizeof(*t->nics));
    t->nics[t->nnics++] =
        (struct nic){spi_xstrdup(network), spi_xstrdup(bridge),
                     spi_xstrdup(model ? model : "virtio")};
    return SP_OK;
}

sp_code sp_template_set_doc(sp_template *t, sp_custom_doc d, const char *text,
                            sp_error *err)
{
    if ((unsigned)d >= SP_DOC_COUNT)
        return sp_error_set(err, SP_ERR_INVALID, "no such document");
    if (text) {
        if (strlen(text) > SP_DOC_MAX)
            return sp_error_set(err, SP_ERR_INVALID,
                                "the %s is larger than %u bytes", doc_names[d],
                                SP_DOC_MAX);
        for (const char *c = text; *c; c++)
            if ((unsigned char)*c < 0x20 && !strchr("\t\n\r", *c))
                return sp_error_set(err, SP_ERR_INVALID,
                                    "the %s has control characters",
                                    doc_names[d]);
        if (!xmlCheckUTF8((const unsigned char *)text))
            return sp_error_set(err, SP_ERR_INVALID, "the %s is not UTF-8 text",
                                doc_names[d]);
    }
    free(t->docs[d]);
    t->docs[d] = spi_xstrdup(text);
    return SP_OK;
}

sp_code sp_template_add_tag(sp_template *t, const char *tag, sp_error *err)
{
    if (!word_ok(tag))
        return sp_error_set(err, SP_ERR_INVALID,
                            "'%s' is no tag (letters, digits and . - _ + :)",
                            tag ? tag : "");
    for (size_t i = 0; i < t->ntags; i++)
        if (SPI_STREQ(t->tags[i], tag))
            return SP_OK;
    spi_xgrow((void **)&t->tags, &t->captags, t->ntags + 1, sizeof(*t->tags));
    t->tags[t->ntags++] = spi_xstrdup(tag);
    return SP_OK;
}

void spi_template_stamp(sp_template *t, const sp_id *id, int64_t created)
{
    sp_id_free(t->id);
    t->id = sp_id_copy(id);
    t->created = created;
}

/* ---- the XML document ---- */

static void child(xmlNodePtr parent, const char *name, const char *text)
{
    xmlNewTextChild(parent, NULL, BAD_CAST name, BAD_CAST text);
}

char *spi_template_xml(const sp_template *t, size_t *len)
{
    xmlDocPtr doc = xmlNewDoc(BAD_CAST "1.0");
    xmlNodePtr root = xmlNewNode(NULL, BAD_CAST "template");
    xmlDocSetRootElement(doc, root);
    xmlNewProp(root, BAD_CAST "version", BAD_CAST "1");
    char num[32];
    if (t->id)
        child(root, "id", sp_id_str(t->id));
    child(root, "name", t->name);
    child(root, "lun", sp_id_str(t->lun));
    if (t->pool)
        child(root, "pool", sp_id_str(t->pool));
    child(root, "copy-method", sp_copy_pref_name(t->copy));
    child(root, "os", sp_os_family_name(t->os));
    xmlNodePtr hw = xmlNewChild(root, NULL, BAD_CAST "hardware", NULL);
    snprintf(num, sizeof(num), "%u", t->vcpus);
    child(hw, "vcpus", num);
    snprintf(num, sizeof(num), "%" PRIu64, t->memory);
    xmlNewProp(xmlNewTextChild(hw, NULL, BAD_CAST "memory", BAD_CAST num),
               BAD_CAST "unit", BAD_CAST "bytes");
    child(hw, "firmware", sp_firmware_name(t->firmware));
    child(hw, "machine", t->machine);
    xmlNewProp(xmlNewChild(hw, NULL, BAD_CAST "disk", NULL), BAD_CAST "bus",
               BAD_CAST t->disk_bus);
    for (size_t i = 0; i < t->nnics; i++) {
        xmlNodePtr n = xmlNewChild(hw, NULL, BAD_CAST "nic", NULL);
        if (t->nics[i].network)
            xmlNewProp(n, BAD_CAST "network", BAD_CAST t->nics[i].network);
        if (t->nics[i].bridge)
            xmlNewProp(n, BAD_CAST "bridge", BAD_CAST t->nics[i].bridge);
        xmlNewProp(n, BAD_CAST "model", BAD_CAST t->nics[i].model);
    }
    xmlNodePtr cust = xmlNewChild(root, NULL, BAD_CAST "customization", NULL);
    for (size_t d = 0; d < SP_DOC_COUNT; d++)
        if (t->docs[d])
            child(cust, doc_names[d], t->docs[d]);
    for (size_t i = 0; i < t->ntags; i++)
        child(root, "tag", t->tags[i]);
    time_t when = (time_t)t->created;
    struct tm tm;
    if (t->created && gmtime_r(&when, &tm)) {
        strftime(num, sizeof(num), "%Y-%m-%dT%H:%M:%SZ", &tm);
        child(root, "created", num);
    }
    xmlChar *out = NULL;
    int n = 0;
    xmlDocDumpFormatMemoryEnc(doc, &out, &n, "UTF-8", 1);
    xmlFreeDoc(doc);
    char *s = spi_xstrndup((const char *)out, (size_t)n);
    xmlFree(out);
    *len = (size_t)n;
    return s;
}

/* ---- reading it back ---- */

static const char *text_of(xmlNodePtr n, xmlChar **keep)
{
    *keep = xmlNodeGetContent(n);
    return *keep ? (const char *)*keep : "";
}

static bool parse_uint(const char *s, uint64_t max, uint64_t *out)
{
    char *end;
    if (!isdigit((unsigned char)*s))
        return false;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end || v > max)
        return false;
    *out = v;
    return true;
}

/* One element of the document; false with @err set when it is bad. */
static bool read_element(sp_template *t, xmlNodePtr n, sp_error *err)
{
    const char *name = (const char *)n->name;
    xmlChar *keep = NULL;
    const char *v = text_of(n, &keep);
    bool ok = true;
    uint64_t u;
    sp_id *id = NULL;
    if (SPI_STREQ(name, "id") || SPI_STREQ(name, "lun") ||
        SPI_STREQ(name, "pool")) {
        ok = sp_id_parse(v, &id, err) == SP_OK;
        sp_id_kind want = SPI_STREQ(name, "id")    ? SP_ID_TMPL
                          : SPI_STREQ(name, "lun") ? SP_ID_LUN
                                                   : SP_ID_POOL;
        if (ok && sp_id_get_kind(id) != want)
            ok = !sp_error_set(err, SP_ERR_IO, "<%s> is not a %s ID", name,
                               sp_id_kind_name(want));
        if (ok) {
            sp_id **slot = SPI_STREQ(name, "id")    ? &t->id
                           : SPI_STREQ(name, "lun") ? &t->lun
                                                    : &t->pool;
            sp_id_free(*slot);
            *slot = id;
            id = NULL;
        }
    } else if (SPI_STREQ(name, "name")) {
        ok = spi_template_name_ok(v);
        if (ok) {
            free(t->name);
            t->name = spi_xstrdup(v);
        } else
            sp_error_set(err, SP_ERR_IO, "bad <name>");
    } else if (SPI_STREQ(name, "copy-method")) {
        ok = SPI_STREQ(v, "auto") || SPI_STREQ(v, "snapshot") ||
             SPI_STREQ(v, "clone");
        t->copy = SPI_STREQ(v, "snapshot") ? SP_COPY_SNAPSHOT
                  : SPI_STREQ(v, "clone")  ? SP_COPY_CLONE
                                           : SP_COPY_NONE;
    } else if (SPI_STREQ(name, "os")) {
        ok = SPI_STREQ(v, "linux") || SPI_STREQ(v, "windows");
        t->os = SPI_STREQ(v, "windows") ? SP_OS_WINDOWS : SP_OS_LINUX;
    } else if (SPI_STREQ(name, "vcpus")) {
        ok = parse_uint(v, 4096, &u) &&
             !sp_template_set_vcpus(t, (unsigned)u, err);
    } else if (SPI_STREQ(name, "memory")) {
        ok =
            parse_uint(v, UINT64_MAX, &u) && !sp_template_set_memory(t, u, err);
    } else if (SPI_STREQ(name, "firmware")) {
        ok = SPI_STREQ(v, "bios") || SPI_STREQ(v, "uefi");
        t->firmware =
            SPI_STREQ(v, "uefi") ? SP_FIRMWARE_UEFI : SP_FIRMWARE_BIOS;
    } else if (SPI_STREQ(name, "machine")) {
        ok = !sp_template_set_machine(t, v, err);
    } else if (SPI_STREQ(name, "disk")) {
        xmlChar *bus = xmlGetProp(n, BAD_CAST "bus");
        ok = !sp_template_set_disk_bus(t, (const char *)bus, err);
        xmlFree(bus);
    } else if (SPI_STREQ(name, "nic")) {
        xmlChar *net = xmlGetProp(n, BAD_CAST "network");
        xmlChar *br = xmlGetProp(n, BAD_CAST "bridge");
        xmlChar *model = xmlGetProp(n, BAD_CAST "model");
        ok = !sp_template_add_nic(t, (const char *)net, (const char *)br,
                                  (const char *)model, err);
        xmlFree(net);
        xmlFree(br);
        xmlFree(model);
    } else if (SPI_STREQ(name, "tag")) {
        ok = !sp_template_add_tag(t, v, err);
    } else if (SPI_STREQ(name, "created")) {
        struct tm tm = {0};
        const char *end = strptime(v, "%Y-%m-%dT%H:%M:%SZ", &tm);
        ok = end && !*end;
        t->created = ok ? (int64_t)timegm(&tm) : 0;
    } else {
        for (size_t d = 0; d < SP_DOC_COUNT; d++)
            if (SPI_STREQ(name, doc_names[d]))
                ok = !sp_template_set_doc(t, (sp_custom_doc)d, v, err);
        /* other elements: of a later version, ignored */
    }
    if (!ok && !err->code)
        sp_error_set(err, SP_ERR_IO, "bad <%s> '%.40s'", name, v);
    xmlFree(keep);
    sp_id_free(id);
    return ok;
}

static bool read_children(sp_template *t, xmlNodePtr parent, sp_error *err)
{
    for (xmlNodePtr n = parent->children; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        if (SPI_STREQ((const char *)n->name, "hardware") ||
            SPI_STREQ((const char *)n->name, "customization")) {
            if (!read_children(t, n, err))
                return false;
        } else if (!read_element(t, n, err)) {
            return false;
        }
    }
    return true;
}

sp_code sp_template_parse(const char *text, size_t len, const char *origin,
                          sp_template **out, sp_error *err)
{
    *out = NULL;
    if (len > SPI_TEMPLATE_MAX || len > INT32_MAX)
        return sp_error_set(err, SP_ERR_IO, "%s: larger than %u bytes", origin,
                            SPI_TEMPLATE_MAX);
    /* No network, no entities substituted, no DTD loaded; huge text nodes
     * are not allowed either. */
    xmlDocPtr doc = xmlReadMemory(text, (int)len, NULL, "UTF-8",
                                  XML_PARSE_NONET | XML_PARSE_NOERROR |
                                      XML_PARSE_NOWARNING);
    if (!doc)
        return sp_error_set(err, SP_ERR_IO, "%s: not an XML document", origin);
    xmlNodePtr root = xmlDocGetRootElement(doc);
    sp_template *t = NULL;
    sp_error e;
    sp_error_clear(&e);
    if (doc->intSubset || doc->extSubset) {
        sp_error_set(&e, SP_ERR_IO, "a DOCTYPE is not allowed");
    } else if (!root || !SPI_STREQ((const char *)root->name, "template")) {
        sp_error_set(&e, SP_ERR_IO, "the root element is not <template>");
    } else {
        t = sp_template_new(NULL);
        if (read_children(t, root, &e) && (!t->lun || !*t->name))
            sp_error_set(&e, SP_ERR_IO, "no <name> or <lun>");
    }
    xmlFreeDoc(doc);
    if (e.code) {
        sp_template_free(t);
        return sp_error_set(err, SP_ERR_IO, "%s: %s", origin, e.message);
    }
    *out = t;
    return SP_OK;
}
