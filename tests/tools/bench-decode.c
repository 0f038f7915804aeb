/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* tests/tools/bench-decode.c: decoder throughput, alone or over HTTP. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cim/cimxml.h"

/*
 * Output is one "name value" pair per line, for tests/bench/run.sh:
 * mode, instances, bytes, seconds, mb_per_s (MB = 10^6 bytes) and
 * peak_rss_mib (the process's maximum resident set, from getrusage).
 * Run one measurement per process, or the peak RSS means nothing.
 */

#define CHUNK ((size_t)64 << 10)

static const char usage[] =
    "usage: bench-decode [--http] FILE\n"
    "\n"
    "Decode the CIM-XML response in FILE and print instances, bytes,\n"
    "seconds, MB/s and peak RSS.\n"
    "\n"
    "Options:\n"
    "      --http   serve FILE from an in-process HTTP server and run\n"
    "               EnumerateInstances (no pull) against it with the\n"
    "               client; FILE must answer MESSAGE ID 1\n"
    "  -h, --help   show this help\n";

/* What the callbacks read from each instance, so nothing is optimised
 * away and a broken decode shows. */
struct tally {
    unsigned long instances;
    unsigned long with_path;
    uint64_t blocks;
    size_t name_bytes;
};

static void look_at(struct tally *t, const sp_cim_instance *in)
{
    const char *name = sp_cim_instance_get_string(in, "ElementName");
    uint64_t blocks = 0;
    t->instances++;
    t->name_bytes += name ? strlen(name) : 0;
    if (sp_cim_instance_get_uint(in, "NumberOfBlocks", &blocks))
        t->blocks += blocks;
    if (sp_cim_instance_path(in))
        t->with_path++;
}

static int on_item(struct spi_item *it, void *ctx)
{
    if (it->kind != SPI_ITEM_INSTANCE)
        return 0;
    look_at(ctx, it->inst);
    sp_cim_instance_free(it->inst);
    it->inst = NULL;
    return 0;
}

static int on_instance(sp_cim_instance *in, void *ctx)
{
    look_at(ctx, in);
    sp_cim_instance_free(in);
    return 0;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- decoder only: the file in 64 KiB chunks ---- */

static int decode_file(const char *path, struct tally *t, uint64_t *bytes)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        fprintf(stderr, "bench-decode: cannot open '%s': %s\n", path,
                strerror(errno));
        return 1;
    }
    struct spi_decode_opts o = {.expect_intrinsic = 1, .fn = on_item, .ctx = t};
    struct spi_decoder *d = spi_decoder_new(&o);
    char *buf = spi_xmalloc(CHUNK);
    sp_error err;
    sp_error_clear(&err);
    sp_code rc = SP_OK;
    *bytes = 0;
    for (;;) {
        ssize_t n = read(fd, buf, CHUNK);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            rc = sp_error_set(&err, SP_ERR_IO, "cannot read '%s': %s", path,
                              strerror(errno));
            break;
        }
        if (n == 0)
            break;
        *bytes += (uint64_t)n;
        rc = spi_decoder_feed(d, buf, (size_t)n, &err);
        if (rc)
            break;
    }
    struct spi_cim_response *r = NULL;
    if (!rc)
        rc = spi_decoder_finish(d, &r, &err);
    if (!rc && r->error_code)
        rc = sp_error_set(&err, SP_ERR_CIM, "the response is CIM error %d",
                          r->error_code);
    spi_cim_response_free(r);
    spi_decoder_free(d);
    free(buf);
    close(fd);
    if (rc) {
        fprintf(stderr, "bench-decode: cannot decode '%s': %s\n", path,
                err.message);
        return 1;
    }
    return 0;
}

/* ---- end to end: the file served over HTTP ---- */

struct server {
    const char *path;
    uint64_t size;
};

static enum MHD_Result handler(void *cls, struct MHD_Connection *c,
                               const char *url, const char *method,
                               const char *version, const char *upload,
                               size_t *upload_size, void **con_cls)
{
    const struct server *s = cls;
    static int seen;
    if (!*con_cls) {
        *con_cls = &seen;
        return MHD_YES;
    }
    if (*upload_size) {
        *upload_size = 0; /* the request does not matter */
        return MHD_YES;
    }
    int fd = open(s->path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return MHD_NO;
    /* Sent with sendfile(): the server adds nothing to our RSS. */
    struct MHD_Response *r = MHD_create_response_from_fd(s->size, fd);
    if (!r) {
        close(fd);
        return MHD_NO;
    }
    MHD_add_response_header(r, "Content-Type",
                            "application/xml; charset=\"utf-8\"");
    MHD_add_response_header(r, "CIMOperation", "MethodResponse");
    enum MHD_Result ret = MHD_queue_response(c, MHD_HTTP_OK, r);
    MHD_destroy_response(r);
    return ret;
}

static int decode_http(const char *path, struct tally *t, uint64_t *bytes,
                       double *seconds)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        fprintf(stderr, "bench-decode: cannot open '%s': %s\n", path,
                strerror(errno));
        return 1;
    }
    struct server s = {.path = path, .size = (uint64_t)st.st_size};
    struct sockaddr_in sa = {.sin_family = AF_INET,
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    struct MHD_Daemon *daemon = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL, handler, &s,
        MHD_OPTION_SOCK_ADDR, &sa, MHD_OPTION_END);
    if (!daemon) {
        fprintf(stderr, "bench-decode: cannot start the HTTP server\n");
        return 1;
    }
    const union MHD_DaemonInfo *info =
        MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT);
    char url[64];
    snprintf(url, sizeof(url), "http://127.0.0.1:%u", info->port);

    sp_cim_client *c = NULL;
    sp_error err;
    int ret = 1;
    if (sp_cim_client_new(url, 0, &c, &err)) {
        fprintf(stderr, "bench-decode: %s\n", err.message);
        goto out;
    }
    sp_cim_client_set_max_response(c, s.size + 1);
    double t0 = now();
    sp_code rc = sp_cim_enumerate_instances(c, NULL, "CIM_StorageVolume", NULL,
                                            SP_CIM_NO_PULL, on_instance, t);
    *seconds = now() - t0;
    if (rc) {
        fprintf(stderr, "bench-decode: EnumerateInstances failed: %s\n",
                sp_cim_client_error(c)->message);
        goto out;
    }
    sp_cim_client_stats stats;
    sp_cim_client_get_stats(c, &stats);
    *bytes = stats.bytes_received;
    ret = 0;
out:
    sp_cim_client_free(c);
    MHD_stop_daemon(daemon);
    return ret;
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"http", no_argument, NULL, 'H'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    bool http = false;
    int c;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case 'H':
            http = true;
            break;
        case 'h':
            fputs(usage, stdout);
            return 0;
        default:
            fputs(usage, stderr);
            return 2;
        }
    }
    if (argc - optind != 1) {
        fputs(usage, stderr);
        return 2;
    }
    const char *path = argv[optind];

    struct tally t = {0};
    uint64_t bytes = 0;
    double seconds = 0;
    int rc;
    if (http) {
        rc = decode_http(path, &t, &bytes, &seconds);
    } else {
        double t0 = now();
        rc = decode_file(path, &t, &bytes);
        seconds = now() - t0;
    }
    if (rc)
        return rc;
    if (t.with_path != t.instances) {
        fprintf(stderr,
                "bench-decode: %lu of %lu instances came without "
                "a path\n",
                t.instances - t.with_path, t.instances);
        return 1;
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("mode         %s\n", http ? "http" : "decoder");
    printf("instances    %lu\n", t.instances);
    printf("bytes        %llu\n", (unsigned long long)bytes);
    printf("seconds      %.3f\n", seconds);
    printf("mb_per_s     %.1f\n",
           seconds > 0 ? (double)bytes / 1e6 / seconds : 0.0);
    printf("peak_rss_mib %.1f\n", (double)ru.ru_maxrss / 1024.0);
    return 0;
}
