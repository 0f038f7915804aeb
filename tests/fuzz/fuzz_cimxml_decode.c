/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* tests/fuzz/fuzz_cimxml_decode.c: fuzz the CIM-XML decoder, whole and chunked.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cim/cimxml.h"

/*
 * Every input is decoded twice: in one piece, and fed in chunks whose
 * sizes come from a small generator seeded by the first byte and the
 * length (the seeds are whole XML documents, so no byte is set aside for
 * control).  The same seed picks the decoder options.  Streaming must not
 * depend on where the chunks end (tests/unit/test_decode.c checks the
 * same on the fixtures), so both decodes must agree on the result code
 * and, when they succeed, on the dump of everything they delivered.
 *
 * One exception: libxml2's push parser looks ahead as far as the input it
 * holds (it checks a whole CDATA section for bad UTF-8 before reporting
 * any of it), so when a document is not well-formed and also breaks one of
 * our limits, or is cancelled by the callback, which is found first can
 * depend on the chunks.  Both are refusals of a bad document; the codes
 * may differ only when one of them is libxml2's well-formedness error.
 */

#define DUMP_MAX ((size_t)4 << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct run {
    sp_buf dump;
    bool not_xml; /* failed as not well-formed, as libxml2 found it */
    size_t nitems;
    size_t stop_after; /* cancel at this item (0: never) */
    bool take;         /* take the members, as a caller may */
};

static int on_item(struct spi_item *it, void *ctx)
{
    struct run *r = ctx;
    sp_buf_addf(&r->dump, "item %zu\n", ++r->nitems);
    spi_cim_dump_item(&r->dump, it);
    if (r->take) {
        sp_cim_instance_free(it->inst);
        sp_cim_path_free(it->path);
        sp_cim_class_free(it->cls);
        sp_cim_value_free(it->value);
        it->inst = NULL;
        it->path = NULL;
        it->cls = NULL;
        it->value = NULL;
    }
    return r->stop_after && r->nitems >= r->stop_after;
}

/* xorshift32: cheap and deterministic. */
static uint32_t next(uint32_t *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 17;
    *x ^= *x << 5;
    return *x;
}

static void finish(struct run *r, sp_code rc, struct spi_cim_response *rsp,
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
    spi_cim_dump_response(&r->dump, rsp);
    spi_cim_response_free(rsp);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    uint32_t seed = (size ? data[0] : 0) ^ ((uint32_t)size << 8);
    uint32_t x = seed * 2654435761u | 1;
    uint32_t opt = next(&x);

    static const size_t limits[] = {4096, 512, 65536, 1u << 20};
    struct spi_decode_opts o = {
        .expect_intrinsic = (int)(opt % 3) - 1,
        .expect_name = (opt & 4) ? "EnumerateInstances" : NULL,
        .expect_msgid = (opt & 8) ? "1001" : NULL,
        .default_ns = (opt & 16) ? "root/cimv2" : NULL,
        .max_item_bytes = limits[(opt >> 5) & 3],
        .fn = on_item,
    };
    struct run whole = {.dump = SP_BUF_INIT(DUMP_MAX)};
    struct run chunked = {.dump = SP_BUF_INIT(DUMP_MAX)};
    whole.take = chunked.take = (opt >> 7) & 1;
    whole.stop_after = chunked.stop_after = (opt >> 8) & 1 ? (opt >> 9) & 7 : 0;

    /* (a) in one piece */
    struct spi_cim_response *rsp = NULL;
    sp_error err = {0};
    o.ctx = &whole;
    sp_code rc_whole = spi_cimxml_decode(text, size, &o, &rsp, &err);
    finish(&whole, rc_whole, rsp, &err);

    /* (b) in chunks of 1 to 2^k bytes */
    unsigned int k = 1 + (opt >> 12) % 12;
    struct spi_decoder *d;
    sp_code rc_chunked = SP_OK;
    rsp = NULL;
    memset(&err, 0, sizeof(err));
    o.ctx = &chunked;
    d = spi_decoder_new(&o);
    for (size_t off = 0; off < size && !rc_chunked;) {
        size_t n = 1 + next(&x) % (1u << k);
        if (n > size - off)
            n = size - off;
        rc_chunked = spi_decoder_feed(d, text + off, n, &err);
        off += n;
    }
    if (!rc_chunked)
        rc_chunked = spi_decoder_finish(d, &rsp, &err);
    spi_decoder_free(d);
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
