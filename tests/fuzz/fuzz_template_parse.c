/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* tests/fuzz/fuzz_template_parse.c: fuzz the template document reader; a
 * document it accepts is written back and must read the same. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sanprov/sanprov.h>

#include "library/library.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sp_template *t = NULL, *again = NULL;
    sp_error err = {0};
    if (sp_template_parse((const char *)data, size, "fuzz", &t, &err))
        return 0;
    size_t len, len2;
    char *xml = spi_template_xml(t, &len);
    if (sp_template_parse(xml, len, "again", &again, &err)) {
        fprintf(stderr, "written back, it does not read: %s\n%s\n", err.message,
                xml);
        abort();
    }
    char *xml2 = spi_template_xml(again, &len2);
    if (len != len2 || memcmp(xml, xml2, len) != 0) {
        fprintf(stderr, "not a fixed point:\n%s\n---\n%s\n", xml, xml2);
        abort();
    }
    free(xml);
    free(xml2);
    sp_template_free(t);
    sp_template_free(again);
    return 0;
}
