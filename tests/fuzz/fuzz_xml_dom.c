/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* tests/fuzz/fuzz_xml_dom.c: fuzz the protected DOM parse (embedded instances).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "cim/convert.h"

#define DOM_MAX 16384 /* the cap spi_xml_parse_dom() enforces */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct spi_xtree *doc = NULL;
    sp_error err = {0};
    sp_code rc =
        spi_xml_parse_dom((const char *)data, size, DOM_MAX, &doc, &err);
    if (rc) {
        if (doc || err.code != rc || !err.message[0]) {
            fprintf(stderr, "parse failed (%d): document or no message\n",
                    (int)rc);
            abort();
        }
        return 0;
    }
    if (!doc) {
        fprintf(stderr, "parse succeeded without a document\n");
        abort();
    }
    /* What the parse is for: an embedded INSTANCE, converted and dumped
     * the way the decoder does it. */
    const struct spi_xnode *root = spi_xtree_root(doc);
    if (spi_xml_is(root, SPI_X_INSTANCE)) {
        struct spi_conv cv = {.err = &err, .max_bytes = DOM_MAX};
        sp_cim_instance *inst = NULL;
        if (spi_conv_instance(&cv, root, &inst) == SP_OK) {
            sp_buf b = SP_BUF_INIT((size_t)1 << 20);
            spi_cim_dump_instance(&b, inst, 0);
            sp_buf_release(&b);
            sp_cim_instance_free(inst);
        }
    }
    spi_xtree_free(doc);
    return 0;
}
