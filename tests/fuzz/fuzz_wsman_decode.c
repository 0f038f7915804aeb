/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* tests/fuzz/fuzz_wsman_decode.c: fuzz the WS-Management response decoder,
 * whole and chunked, and the fault-to-error mapping. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wsman/wsman.h"

/*
 * As fuzz_cimxml_decode: every input is decoded in one piece and in chunks
 * whose sizes come from a generator seeded by the first byte and the
 * length, which also picks the options.  Both decodes must agree on the
 * result code (except where one of them is libxml2's well-formedness
 * error: see fuzz_cimxml_decode.c) and, when they succeed, on the dump of
 * everything delivered, the fault's sanprov error included.
 */

#define DUMP_MAX ((size_t)4 << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct run {
    sp_buf dump;
    bool not_xml;
    size_t nitems;
    size_t stop_after;
    bool take;
};

static int on_item(struct spi_ws_item *it, void *ctx)
{
    struct run *r = ctx;
    sp_buf_addf(&r->dump, "item %zu\n", ++r->nitems);
    spi_ws_dump_item(&r->dump, it);
    if (r->take) {
        sp_cim_instance_free(it->inst);
        sp_cim_path_free(it->epr);
        it->inst = NULL;
        it->epr = NULL;
    }
    return r->stop_after && r->nitems >= r->stop_after;
}

static uint32_t next(uint32_t *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 17;
    *x ^= *x << 5;
    return *x;
}

static void finish(struct run *r, sp_code rc, struct spi_ws_response *rsp,
                   const sp_error *err)
{
    if (rc) {
        if (err->code != rc || !err->message[0]) {
            fprintf(stderr, "decode failed (%d) but its error is %d '%s'\n",
                    (int)rc, (int)err->code, err->message);
            abort();
        }
        r->not_xml = strstr(err->message, "not well-formed XML") != NULL;
        sp_buf_addf(&r->dump, "failed: %s\n", sp_strerror(rc));
        return;
    }
    if (!rsp) {
        fprintf(stderr, "decode succeeded without a response\n");
        abort();
    }
    spi_ws_dump_response(&r->dump, rsp);
    spi_ws_response_free(rsp);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    uint32_t seed = (size ? data[0] : 0) ^ ((uint32_t)size << 8);
    uint32_t x = seed * 2654435761u | 1;
    uint32_t opt = next(&x);

    static const size_t limits[] = {4096, 512, 65536, 1u << 20};
    static const struct spi_ws_peer peers[] = {
        {.to = "http://h:5985/wsman",
         .style = SPI_WS_STYLE_WMI,
         .default_ns = "root/virtualization/v2"},
        {.to = "https://h:5986/wsman", .style = SPI_WS_STYLE_CIM},
    };
    struct spi_ws_decode_opts o = {
        .peer = (opt & 1) ? &peers[opt & 2 ? 1 : 0] : NULL,
        .expect_relates_to =
            (opt & 8) ? "uuid:6a7c1c1e-0f4e-4b39-9c53-2d1d8a1f0001" : NULL,
        .max_item_bytes = limits[(opt >> 5) & 3],
        .fn = on_item,
    };
    struct run whole = {.dump = SP_BUF_INIT(DUMP_MAX)};
    struct run chunked = {.dump = SP_BUF_INIT(DUMP_MAX)};
    whole.take = chunked.take = (opt >> 7) & 1;
    whole.stop_after = chunked.stop_after = (opt >> 8) & 1 ? (opt >> 9) & 7 : 0;

    struct spi_ws_response *rsp = NULL;
    sp_error err = {0};
    o.ctx = &whole;
    sp_code rc_whole = spi_ws_decode(text, size, &o, &rsp, &err);
    finish(&whole, rc_whole, rsp, &err);

    unsigned int k = 1 + (opt >> 12) % 12;
    sp_code rc_chunked = SP_OK;
    rsp = NULL;
    memset(&err, 0, sizeof(err));
    o.ctx = &chunked;
    struct spi_ws_decoder *d = spi_ws_decoder_new(&o);
    for (size_t off = 0; off < size && !rc_chunked;) {
        size_t n = 1 + next(&x) % (1u << k);
        if (n > size - off)
            n = size - off;
        rc_chunked = spi_ws_decoder_feed(d, text + off, n, &err);
        off += n;
    }
    if (!rc_chunked)
        rc_chunked = spi_ws_decoder_finish(d, &rsp, &err);
    spi_ws_decoder_free(d);
    finish(&chunked, rc_chunked, rsp, &err);

    if (rc_whole != rc_chunked &&
        (!rc_whole || !rc_chunked || !(whole.not_xml || chunked.not_xml))) {
        fprintf(stderr, "whole decode gives %d (%s), chunked gives %d (%s)\n",
                (int)rc_whole, sp_strerror(rc_whole), (int)rc_chunked,
                sp_strerror(rc_chunked));
        abort();
    }
    if (!rc_whole && (whole.dump.len != chunked.dump.len ||
                      memcmp(sp_buf_cstr(&whole.dump),
                             sp_buf_cstr(&chunked.dump), whole.dump.len))) {
        fprintf(stderr, "whole and chunked decodes differ:\n%s\n---\n%s\n",
                sp_buf_cstr(&whole.dump), sp_buf_cstr(&chunked.dump));
        abort();
    }
    sp_buf_release(&whole.dump);
    sp_buf_release(&chunked.dump);
    return 0;
}
