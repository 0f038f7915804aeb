/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* tests/tools/cimgen.c: generate large, realistic CIM-XML responses. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cim/cimxml.h"

/*
 * The document is written through the library's own encoder, object by
 * object, so any size can be produced in constant memory and what the
 * decoder reads is exactly what the encoder writes.
 */

#define OBJECT_MAX ((size_t)16 << 20)

static const char usage[] =
    "usage: cimgen [options] KIND COUNT\n"
    "\n"
    "Write an EnumerateInstances response of COUNT generated instances.\n"
    "\n"
    "Kinds:\n"
    "  volumes              SMI-S CIM_StorageVolume instances\n"
    "\n"
    "Options:\n"
    "  -o, --output FILE    write to FILE instead of standard output\n"
    "      --id ID          MESSAGE ID of the response (default 1)\n"
    "      --pull           an OpenEnumerateInstances response that ends\n"
    "                       the sequence (VALUE.INSTANCEWITHPATH)\n"
    "      --namespace NS   namespace of the paths with --pull\n"
    "                       (default root/cimv2)\n"
    "      --host HOST      host of the paths with --pull\n"
    "                       (default array.example.com)\n"
    "  -h, --help           show this help\n";

struct gen_opts {
    const char *msgid;
    const char *ns;
    const char *host;
    bool pull;
};

/* A kind of object: its class and how to make the i-th one (with path). */
struct generator {
    const char *kind;
    const char *classname;
    sp_cim_instance *(*make)(unsigned long i, const char *classname);
};

/* ---- values ---- */

static void set_str(sp_cim_instance *in, const char *name, const char *s)
{
    sp_cim_instance_set(in, name, sp_cim_value_new_string(SP_CIM_STRING, s));
}

static void set_uint(sp_cim_instance *in, const char *name, sp_cim_type t,
                     uint64_t v)
{
    sp_cim_instance_set(in, name, sp_cim_value_new_uint(t, v));
}

static void set_bool(sp_cim_instance *in, const char *name, bool b)
{
    sp_cim_instance_set(in, name, sp_cim_value_new_bool(b));
}

static sp_cim_value *uint16_array(const uint16_t *v, size_t n)
{
    sp_cim_value *a = sp_cim_value_new_array(SP_CIM_UINT16);
    for (size_t i = 0; i < n; i++)
        sp_cim_value_append(a, sp_cim_value_new_uint(SP_CIM_UINT16, v[i]));
    return a;
}

static sp_cim_value *string_array(const char *const *v, size_t n)
{
    sp_cim_value *a = sp_cim_value_new_array(SP_CIM_STRING);
    for (size_t i = 0; i < n; i++)
        sp_cim_value_append(a, sp_cim_value_new_string(SP_CIM_STRING, v[i]));
    return a;
}

/* ---- volumes ---- */

#define SYSTEM_CLASS "CIM_ComputerSystem"
#define SYSTEM_NAME  "600A0B8000123456000000004F1A2B3C"

/*
 * A volume as an LSI/NetApp E-Series SMI-S provider sends one: the NAA
 * WWN as Name and DeviceID, the key properties repeated in the instance,
 * a few NULL properties, and sizes and states that vary a little.
 */
static sp_cim_instance *make_volume(unsigned long i, const char *classname)
{
    char wwn[40], elname[32], desc[96];
    snprintf(wwn, sizeof(wwn), "600A0B800012345600000000%08lX", i);
    snprintf(elname, sizeof(elname), "vol%06lu", i);
    unsigned pool = (unsigned)(i % 8) + 1;
    snprintf(desc, sizeof(desc),
             "Volume %s in DiskPool_%u (RAID 6, 8+2), owner controller %c",
             elname, pool, i % 2 ? 'B' : 'A');
    bool degraded = i % 97 == 96;
    bool thin = i % 3 == 0;
    uint64_t gib = 1 + (uint64_t)(i * 37 % 2048);
    uint64_t blocks = gib * 2097152u;

    sp_cim_path *p = sp_cim_path_new(NULL, NULL, classname);
    sp_cim_path_set_key(p, "CreationClassName",
                        sp_cim_value_new_string(SP_CIM_STRING, classname));
    sp_cim_path_set_key(p, "DeviceID",
                        sp_cim_value_new_string(SP_CIM_STRING, wwn));
    sp_cim_path_set_key(p, "SystemCreationClassName",
                        sp_cim_value_new_string(SP_CIM_STRING, SYSTEM_CLASS));
    sp_cim_path_set_key(p, "SystemName",
                        sp_cim_value_new_string(SP_CIM_STRING, SYSTEM_NAME));

    sp_cim_instance *in = sp_cim_instance_new(classname);
    set_str(in, "Caption", "Storage Volume");
    set_str(in, "Description", desc);
    set_str(in, "ElementName", elname);
    sp_cim_instance_set(in, "InstallDate",
                        sp_cim_value_new_null(SP_CIM_DATETIME, false));
    static const uint16_t ok[] = {2}, deg[] = {3, 32772};
    sp_cim_instance_set(in, "OperationalStatus",
                        degraded ? uint16_array(deg, 2) : uint16_array(ok, 1));
    static const char *const ok_s[] = {"OK"};
    static const char *const deg_s[] = {"Degraded", "Reconstructing"};
    sp_cim_instance_set(in, "StatusDescriptions",
                        degraded ? string_array(deg_s, 2)
                                 : string_array(ok_s, 1));
    set_uint(in, "HealthState", SP_CIM_UINT16, degraded ? 10 : 5);
    set_uint(in, "EnabledState", SP_CIM_UINT16, 2);
    set_uint(in, "RequestedState", SP_CIM_UINT16, 12);
    set_str(in, "SystemCreationClassName", SYSTEM_CLASS);
    set_str(in, "SystemName", SYSTEM_NAME);
    set_str(in, "CreationClassName", classname);
    set_str(in, "DeviceID", wwn);
    set_str(in, "Name", wwn);
    set_uint(in, "NameFormat", SP_CIM_UINT16, 9);    /* NAA */
    set_uint(in, "NameNamespace", SP_CIM_UINT16, 2); /* VPD83Type3 */
    sp_cim_instance_set(in, "OtherNameFormat",
                        sp_cim_value_new_null(SP_CIM_STRING, false));
    set_uint(in, "BlockSize", SP_CIM_UINT64, 512);
    set_uint(in, "NumberOfBlocks", SP_CIM_UINT64, blocks);
    set_uint(in, "ConsumableBlocks", SP_CIM_UINT64, blocks);
    set_uint(in, "Usage", SP_CIM_UINT16, 3);  /* unrestricted */
    set_uint(in, "Access", SP_CIM_UINT16, 3); /* read/write */
    static const uint16_t extent[] = {2};
    sp_cim_instance_set(in, "ExtentStatus", uint16_array(extent, 1));
    set_bool(in, "IsBasedOnUnderlyingRedundancy", true);
    set_bool(in, "NoSinglePointOfFailure", true);
    set_uint(in, "DataRedundancy", SP_CIM_UINT16, 2);
    set_uint(in, "PackageRedundancy", SP_CIM_UINT16, 2);
    set_uint(in, "DeltaReservation", SP_CIM_UINT8, thin ? 0 : 100);
    set_bool(in, "SeqentialAccess", false);
    set_bool(in, "Primordial", false);
    set_bool(in, "ThinlyProvisioned", thin);
    sp_cim_instance_set_path(in, p);
    return in;
}

static const struct generator generators[] = {
    {.kind = "volumes", .classname = "CIM_StorageVolume", .make = make_volume},
};

/* ---- the document ---- */

static bool flush(sp_buf *b, FILE *out)
{
    if (sp_buf_overflowed(b)) {
        errno = EFBIG; /* one object over OBJECT_MAX */
        return false;
    }
    if (b->len && fwrite(b->data, 1, b->len, out) != b->len)
        return false;
    sp_buf_reset(b);
    return true;
}

static bool generate(const struct generator *g, unsigned long count,
                     const struct gen_opts *o, FILE *out)
{
    sp_buf b = SP_BUF_INIT(OBJECT_MAX);
    const char *op = o->pull ? "OpenEnumerateInstances" : "EnumerateInstances";
    spi_cimxml_response_begin(&b, o->msgid, true, op);
    sp_buf_addstr(&b, "<IRETURNVALUE>\n");
    bool ok = flush(&b, out);
    for (unsigned long i = 0; ok && i < count; i++) {
        sp_cim_instance *in = g->make(i, g->classname);
        const sp_cim_path *p = sp_cim_instance_path(in);
        if (o->pull) {
            sp_buf_addstr(&b, "<VALUE.INSTANCEWITHPATH>\n");
            spi_cimxml_instancepath(&b, p, o->host, o->ns);
            spi_cimxml_instance(&b, in);
            sp_buf_addstr(&b, "</VALUE.INSTANCEWITHPATH>\n");
        } else {
            sp_buf_addstr(&b, "<VALUE.NAMEDINSTANCE>\n");
            spi_cimxml_instancename(&b, p);
            spi_cimxml_instance(&b, in);
            sp_buf_addstr(&b, "</VALUE.NAMEDINSTANCE>\n");
        }
        sp_cim_instance_free(in);
        ok = flush(&b, out);
    }
    if (ok) {
        sp_buf_addstr(&b, "</IRETURNVALUE>\n");
        if (o->pull) {
            sp_cim_value *eos = sp_cim_value_new_bool(true);
            sp_cim_value *ctx = sp_cim_value_new_string(SP_CIM_STRING, "");
            spi_cimxml_paramvalue(&b, "EndOfSequence", eos);
            spi_cimxml_paramvalue(&b, "EnumerationContext", ctx);
            sp_cim_value_free(eos);
            sp_cim_value_free(ctx);
        }
        spi_cimxml_response_end(&b, true);
        ok = flush(&b, out);
    }
    sp_buf_release(&b);
    return ok;
}

static bool parse_count(const char *s, unsigned long *out)
{
    char *end = NULL;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (!*s || *s == '-' || *end || errno || v > 100000000ul)
        return false;
    *out = v;
    return true;
}

int main(int argc, char **argv)
{
    enum { OPT_ID = 256, OPT_PULL, OPT_NS, OPT_HOST };
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'},
        {"id", required_argument, NULL, OPT_ID},
        {"pull", no_argument, NULL, OPT_PULL},
        {"namespace", required_argument, NULL, OPT_NS},
        {"host", required_argument, NULL, OPT_HOST},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct gen_opts o = {
        .msgid = "1", .ns = "root/cimv2", .host = "array.example.com"};
    const char *output = NULL;
    int c;
    while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'o':
            output = optarg;
            break;
        case OPT_ID:
            o.msgid = optarg;
            break;
        case OPT_PULL:
            o.pull = true;
            break;
        case OPT_NS:
            o.ns = optarg;
            break;
        case OPT_HOST:
            o.host = optarg;
            break;
        case 'h':
            fputs(usage, stdout);
            return 0;
        default:
            fputs(usage, stderr);
            return 2;
        }
    }
    if (argc - optind != 2) {
        fputs(usage, stderr);
        return 2;
    }
    const struct generator *g = NULL;
    for (size_t i = 0; i < SPI_ARRAY_SIZE(generators); i++)
        if (SPI_STREQ(argv[optind], generators[i].kind))
            g = &generators[i];
    if (!g) {
        fprintf(stderr, "cimgen: unknown kind '%s'\n", argv[optind]);
        return 2;
    }
    unsigned long count;
    if (!parse_count(argv[optind + 1], &count)) {
        fprintf(stderr, "cimgen: '%s' is not a valid count\n",
                argv[optind + 1]);
        return 2;
    }

    FILE *out = stdout;
    if (output && !(out = fopen(output, "w"))) {
        fprintf(stderr, "cimgen: cannot create '%s': %s\n", output,
                strerror(errno));
        return 1;
    }
    bool ok = generate(g, count, &o, out);
    int saved = errno;
    int closed = out == stdout ? fflush(out) : fclose(out);
    if (closed != 0) {
        saved = errno;
        ok = false;
    }
    if (!ok) {
        fprintf(stderr, "cimgen: cannot write '%s': %s\n",
                output ? output : "standard output", strerror(saved));
        return 1;
    }
    return 0;
}
