/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* tests/fuzz/fuzz_tag_split.c: fuzz the reader of tags in names an array
 * gives (an SMI-S volume's ElementName, any bytes): a tagged name splits
 * into a name that is not empty and the tag's hex digits, which make the
 * same suffix again; anything else is no tag. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/tag.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *element = malloc(size + 1);
    if (!element)
        return 0;
    memcpy(element, data, size);
    element[size] = '\0';
    char *name = NULL, lib[SPI_TAG_LIB_HEX + 1], entry[SPI_TAG_ENTRY_HEX + 1];
    if (spi_tag_split(element, &name, lib, entry)) {
        char suffix[SP_TAG_LEN + 1];
        spi_tag_suffix(lib, entry, suffix);
        size_t n = strlen(name);
        if (!n || n + SP_TAG_LEN != strlen(element) ||
            strcasecmp(element + n, suffix) != 0 ||
            !spi_tag_names(lib, lib, SPI_TAG_LIB_HEX))
            abort();
        free(name);
    }
    (void)spi_entry_time(element);
    free(element);
    return 0;
}
