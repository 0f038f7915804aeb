/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* tests/fuzz/fuzz_image_info.c: fuzz the reader of qemu-img's JSON about a
 * user's image (its size, backing file, external data file). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "library/library.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint64_t disk = 0;
    char *backing = NULL, *fmt = NULL;
    sp_error err = {0};
    sp_code rc = spi_image_info_parse((const char *)data, size, "fuzz.qcow2",
                                      &disk, &backing, &fmt, &err);
    if (rc == SP_OK && disk == 0) {
        fprintf(stderr, "accepted a disk of no size\n");
        abort();
    }
    if (rc != SP_OK && (backing || fmt || !err.message[0])) {
        fprintf(stderr, "failed, yet gave a backing file or no message\n");
        abort();
    }
    if (backing)
        (void)strlen(backing);
    if (fmt)
        (void)strlen(fmt);
    free(backing);
    free(fmt);
    return 0;
}
