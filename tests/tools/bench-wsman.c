/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* tests/tools/bench-wsman.c: the WS-Management client enumerating many
 * objects: throughput and peak RSS. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "http/http.h"
#include "wsman/client.h"

/*
 * The peer is generated in the process: it answers the client's Enumerate
 * and each Pull with the next page of MSFT_Disk objects (as WinRM answers
 * root/Microsoft/Windows/Storage), fed to the client's sink in 64 KiB
 * pieces, as a transport would; its memory is one page.  What is measured
 * is the library's: encoding the requests, decoding the answers, each
 * object handed over and freed.  Output: "name value" lines (objects,
 * requests, bytes, seconds, mb_per_s, peak_rss_mib), one measurement per
 * process.
 *
 * "sim" mode speaks to a running hyperv-sim over HTTP (lib/http, Basic
 * authentication): it defines N VMs (DefineSystem) and then enumerates
 * Msvm_ComputerSystem, PAGE objects a Pull; the figures are the
 * enumeration's, and define_seconds the definitions' time.
 */

#define CHUNK ((size_t)64 << 10)

struct peer {
    unsigned long total, sent;
    unsigned int page;
    uint64_t bytes;
    sp_buf b;
};

static void disk(sp_buf *b, unsigned long i)
{
    sp_buf_addf(
        b,
        "<p:MSFT_Disk xmlns:p=\"" SPI_WS_URI_WMI
        "/root/Microsoft/Windows/Storage/MSFT_Disk\" "
        "xsi:type=\"p:MSFT_Disk_Type\"><p:AllocatedSize>10737418240"
        "</p:AllocatedSize><p:BootFromDisk>false</p:BootFromDisk>"
        "<p:BusType>9</p:BusType><p:FirmwareVersion>0001</p:FirmwareVersion>"
        "<p:FriendlyName>LIO-ORG disk%lu</p:FriendlyName><p:Guid xsi:nil="
        "\"true\"/><p:HealthStatus>0</p:HealthStatus><p:IsBoot>false"
        "</p:IsBoot><p:IsClustered>false</p:IsClustered><p:IsOffline>true"
        "</p:IsOffline><p:IsReadOnly>false</p:IsReadOnly><p:IsSystem>false"
        "</p:IsSystem><p:LargestFreeExtent>0</p:LargestFreeExtent>"
        "<p:Location>PCI Slot 3 : Adapter 0 : Port 0 : Target 0 : LUN %lu"
        "</p:Location><p:LogicalSectorSize>512</p:LogicalSectorSize>"
        "<p:Manufacturer>LIO-ORG</p:Manufacturer><p:Model>disk%lu</p:Model>"
        "<p:Number>%lu</p:Number><p:NumberOfPartitions>0"
        "</p:NumberOfPartitions><p:ObjectId>{1}\\\\HV01\\root/Microsoft/"
        "Windows/Storage/Providers_v2\\WSP_Disk.ObjectId=\"{b3d4}:DI:"
        "\\\\?\\mpio#disk&amp;ven_lio-org&amp;prod_disk%lu\"</p:ObjectId>"
        "<p:OfflineReason>1</p:OfflineReason><p:OperationalStatus>0xD010"
        "</p:OperationalStatus><p:PartitionStyle>0</p:PartitionStyle>"
        "<p:Path>\\\\?\\mpio#disk&amp;ven_lio-org#%lu</p:Path>"
        "<p:PhysicalSectorSize>4096</p:PhysicalSectorSize>"
        "<p:ProvisioningType>1</p:ProvisioningType><p:SerialNumber>"
        "%08lx-1c2d-4e5f</p:SerialNumber><p:Signature xsi:nil=\"true\"/>"
        "<p:Size>10737418240</p:Size><p:UniqueId>6001405%09lx0a1b2c3d4e5f"
        "</p:UniqueId><p:UniqueIdFormat>3</p:UniqueIdFormat></p:MSFT_Disk>\n",
        i, i, i, i, i, i, i, i);
}

static sp_code post(void *ctx, const char *what, const char *body, size_t len,
                    bool read_only, spi_ws_sink_fn sink, void *sink_ctx,
                    long *status, sp_error *err)
{
    (void)what, (void)read_only;
    struct peer *p = ctx;
    *status = 200;
    const char *id = strstr(body, "<a:MessageID>");
    const char *end = id ? strstr(id, "</a:MessageID>") : NULL;
    if (!id || !end || (size_t)(end - body) > len)
        return sp_error_set(err, SP_ERR_PROTOCOL, "no MessageID");
    id += strlen("<a:MessageID>");
    bool first = strstr(body, "/enumeration/Enumerate<") != NULL;
    sp_buf_reset(&p->b);
    sp_buf_addf(&p->b,
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<s:Envelope "
                "xmlns:s=\"" SPI_WS_NS_SOAP "\" xmlns:a=\"" SPI_WS_NS_ADDR
                "\" xmlns:w=\"" SPI_WS_NS_WSMAN "\" xmlns:n=\"" SPI_WS_NS_ENUM
                "\" xmlns:xsi=\"" SPI_WS_NS_XSI "\"><s:Header><a:Action>%s"
                "</a:Action><a:RelatesTo>%.*s</a:RelatesTo></s:Header>"
                "<s:Body><n:%s><n:EnumerationContext>uuid:bench"
                "</n:EnumerationContext>%s",
                first ? SPI_WS_NS_ENUM "/EnumerateResponse"
                      : SPI_WS_NS_ENUM "/PullResponse",
                (int)(end - id), id,
                first ? "EnumerateResponse" : "PullResponse",
                first ? "<w:Items>" : "<n:Items>");
    for (unsigned int k = 0; k < p->page && p->sent < p->total; k++)
        disk(&p->b, p->sent++);
    sp_buf_addf(&p->b, "%s%s</n:%s></s:Body></s:Envelope>\n",
                first ? "</w:Items>" : "</n:Items>",
                p->sent == p->total ? "<n:EndOfSequence/>" : "",
                first ? "EnumerateResponse" : "PullResponse");
    if (sp_buf_overflowed(&p->b))
        return sp_error_set(err, SP_ERR_TOO_LARGE, "page too large");
    p->bytes += p->b.len;
    for (size_t off = 0; off < p->b.len; off += CHUNK) {
        size_t n = p->b.len - off < CHUNK ? p->b.len - off : CHUNK;
        sp_code rc = sink(p->b.data + off, n, sink_ctx);
        if (rc)
            return rc;
    }
    return SP_OK;
}

struct seen {
    unsigned long n;
    uint64_t numbers;
};

static int on_item(struct spi_ws_item *it, void *ctx)
{
    struct seen *s = ctx;
    uint64_t v = 0;
    if (it->inst && sp_cim_instance_get_uint(it->inst, "Number", &v))
        s->numbers += v;
    s->n++;
    return 0;
}

static const char usage[] =
    "usage: bench-wsman gen OBJECTS PAGE\n"
    "       bench-wsman sim URL USER PASSWORD-FILE DEFINE PAGE\n";

static void report(uint64_t requests, unsigned long n, uint64_t bytes,
                   double secs)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("objects %lu\nrequests %llu\nbytes %llu\nseconds %.3f\n"
           "mb_per_s %.1f\npeak_rss_mib %.1f\n",
           n, (unsigned long long)requests, (unsigned long long)bytes, secs,
           secs > 0 && bytes ? (double)bytes / 1e6 / secs : 0.0,
           (double)ru.ru_maxrss / 1024.0);
}

static double since(const struct timespec *a)
{
    struct timespec b;
    clock_gettime(CLOCK_MONOTONIC, &b);
    return (double)(b.tv_sec - a->tv_sec) +
           (double)(b.tv_nsec - a->tv_nsec) / 1e9;
}

static int gen(unsigned long total, unsigned int page)
{
    struct peer p = {
        .total = total, .page = page, .b = SP_BUF_INIT((size_t)256 << 20)};
    struct spi_ws_client_opts o = {.to = "http://bench:5985/wsman",
                                   .style = SPI_WS_STYLE_WMI,
                                   .default_ns =
                                       "root/Microsoft/Windows/Storage",
                                   .max_elements = p.page};
    struct spi_ws_transport t = {.post = post, .ctx = &p};
    struct spi_ws_client *c = spi_ws_client_new(&o, &t);
    struct spi_ws_query q = {.cls = "MSFT_Disk"};
    struct seen s = {0};
    struct timespec a;
    clock_gettime(CLOCK_MONOTONIC, &a);
    sp_code rc = spi_ws_enumerate(c, &q, on_item, &s, NULL);
    double secs = since(&a);
    int status = 0;
    uint64_t expect = p.total ? (uint64_t)p.total * (p.total - 1) / 2 : 0;
    if (rc) {
        fprintf(stderr, "bench-wsman: %s\n", spi_ws_client_error(c)->message);
        status = 1;
    } else if (s.n != p.total || s.numbers != expect) {
        fprintf(stderr, "bench-wsman: %lu objects, wanted %lu\n", s.n, p.total);
        status = 1;
    } else {
        report(spi_ws_client_requests(c), s.n, p.bytes, secs);
    }
    spi_ws_client_free(c);
    sp_buf_release(&p.b);
    return status;
}

static sp_code define(struct spi_ws_client *c, unsigned long i)
{
    sp_cim_path *svc = sp_cim_path_new(NULL, "root/virtualization/v2",
                                       "Msvm_VirtualSystemManagementService");
    sp_cim_path_set_key(
        svc, "CreationClassName",
        sp_cim_value_new_string(SP_CIM_STRING,
                                "Msvm_VirtualSystemManagementService"));
    sp_cim_path_set_key(svc, "Name",
                        sp_cim_value_new_string(SP_CIM_STRING, "vmms"));
    sp_cim_path_set_key(
        svc, "SystemCreationClassName",
        sp_cim_value_new_string(SP_CIM_STRING, "Msvm_ComputerSystem"));
    sp_cim_path_set_key(svc, "SystemName",
                        sp_cim_value_new_string(SP_CIM_STRING, "HV01"));
    sp_cim_instance *vssd =
        sp_cim_instance_new("Msvm_VirtualSystemSettingData");
    char name[32];
    snprintf(name, sizeof(name), "vm%05lu", i);
    sp_cim_instance_set(vssd, "ElementName",
                        sp_cim_value_new_string(SP_CIM_STRING, name));
    sp_cim_args *in = sp_cim_args_new();
    sp_cim_args_set(in, "SystemSettings", sp_cim_value_take_instance(vssd));
    sp_code rc = spi_ws_invoke_job(c, svc, "DefineSystem", in,
                                   "cannot define a VM", NULL);
    sp_cim_args_free(in);
    sp_cim_path_free(svc);
    return rc;
}

static int sim(const char *url, const char *user, const char *pwfile,
               unsigned long ndefine, unsigned int page)
{
    char pw[256] = "";
    FILE *f = fopen(pwfile, "r");
    if (!f || !fgets(pw, sizeof(pw), f)) {
        fprintf(stderr, "bench-wsman: cannot read '%s'\n", pwfile);
        if (f)
            fclose(f);
        return 1;
    }
    fclose(f);
    pw[strcspn(pw, "\n")] = '\0';
    struct spi_http h;
    sp_error err;
    if (spi_http_init(&h, url, "/wsman", "host", &err) ||
        spi_http_set_auth(&h, SPI_HTTP_AUTH_BASIC, user, pw, &err)) {
        fprintf(stderr, "bench-wsman: %s\n", err.message);
        return 1;
    }
    struct spi_ws_client_opts o = {.to = url,
                                   .style = SPI_WS_STYLE_WMI,
                                   .default_ns = "root/virtualization/v2",
                                   .max_elements = page};
    struct spi_ws_transport t = spi_ws_http_transport(&h);
    struct spi_ws_client *c = spi_ws_client_new(&o, &t);
    int status = 0;
    struct timespec a;
    clock_gettime(CLOCK_MONOTONIC, &a);
    for (unsigned long i = 0; i < ndefine && !status; i++)
        if (define(c, i)) {
            fprintf(stderr, "bench-wsman: %s\n",
                    spi_ws_client_error(c)->message);
            status = 1;
        }
    double dsecs = since(&a);
    struct spi_ws_query q = {.cls = "Msvm_ComputerSystem"};
    struct seen s = {0};
    uint64_t before = h.stats.bytes_received;
    uint64_t nreq = spi_ws_client_requests(c);
    clock_gettime(CLOCK_MONOTONIC, &a);
    if (!status && spi_ws_enumerate(c, &q, on_item, &s, NULL)) {
        fprintf(stderr, "bench-wsman: %s\n", spi_ws_client_error(c)->message);
        status = 1;
    }
    double secs = since(&a);
    if (!status) {
        report(spi_ws_client_requests(c) - nreq, s.n,
               h.stats.bytes_received - before, secs);
        printf("define_seconds %.3f\n", dsecs);
    }
    spi_ws_client_free(c);
    spi_http_release(&h);
    return status;
}

int main(int argc, char **argv)
{
    if (argc == 4 && strcmp(argv[1], "gen") == 0)
        return gen(strtoul(argv[2], NULL, 10),
                   (unsigned int)strtoul(argv[3], NULL, 10));
    if (argc == 7 && strcmp(argv[1], "sim") == 0)
        return sim(argv[2], argv[3], argv[4], strtoul(argv[5], NULL, 10),
                   (unsigned int)strtoul(argv[6], NULL, 10));
    fputs(usage, stderr);
    return 2;
}
