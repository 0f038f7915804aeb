/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* tests/fuzz/fuzz_journal_parse.c: fuzz the reader of run journals
 * (LIBRARY/journals/ENTRY.journal), which the reconciler reads whatever a
 * crash, a full disk or another hand left in them: a journal read, or an
 * error saying why not, never a crash, a leak or a journal without its
 * entry, library or holder. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "library/journal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct spi_jdata d;
    sp_error err = {0};
    sp_code rc =
        spi_journal_parse((const char *)data, size, "fuzz.journal", &d, &err);
    if (rc != SP_OK) {
        if (!err.message[0])
            abort();
        return 0;
    }
    if (strlen(d.holder.entry) != 36 || strlen(d.library) != 36 ||
        d.holder.pid <= 0)
        abort();
    for (size_t i = 0; i < d.n; i++) {
        const struct spi_jobj *o = &d.objs[i];
        if (!o->name || !*o->name ||
            (o->step != SPI_JSTEP_PLANNED && !o->pool && !o->source) ||
            (o->step == SPI_JSTEP_MADE && !o->id))
            abort();
        (void)spi_jstep_name(o->step);
    }
    (void)spi_jstate_name(d.state);
    spi_jdata_release(&d);
    return 0;
}
