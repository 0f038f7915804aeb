/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* tests/fuzz/fuzz_vm_record.c: fuzz the reader of VM records (the deploy
 * journal in the library); a record it accepts is written back and must
 * read the same. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sanprov/sanprov.h>

#include "deploy/deploy_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sp_vm_record *r = NULL, *again = NULL;
    sp_error err = {0};
    if (sp_vm_record_parse((const char *)data, size, "fuzz", &r, &err))
        return 0;
    char *text = spi_vm_record_format(r);
    if (sp_vm_record_parse(text, strlen(text), "again", &again, &err)) {
        fprintf(stderr, "written back, it does not read: %s\n%s\n", err.message,
                text);
        abort();
    }
    char *text2 = spi_vm_record_format(again);
    if (strcmp(text, text2) != 0) {
        fprintf(stderr, "not a fixed point:\n%s\n---\n%s\n", text, text2);
        abort();
    }
    free(text);
    free(text2);
    sp_vm_record_free(r);
    sp_vm_record_free(again);
    return 0;
}
