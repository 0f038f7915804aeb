/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* tests/fuzz/fuzz_cimxml_request.c: fuzz the server-side request decoder
 * smis-sim runs on every request. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "cim/cimxml.h"

#define REQUEST_MAX 16384

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sp_cim_request *r = NULL;
    sp_error err = {0};
    sp_code rc =
        sp_cim_request_parse((const char *)data, size, REQUEST_MAX, &r, &err);
    if (rc) {
        if (r || err.code != rc || !err.message[0]) {
            fprintf(stderr, "parse failed (%d) without a clean error\n",
                    (int)rc);
            abort();
        }
        return 0;
    }
    /* Everything a server reads of a request must be there and usable. */
    if (!r || !sp_cim_request_msgid(r) || !sp_cim_request_name(r) ||
        !sp_cim_request_namespace(r) ||
        (!sp_cim_request_is_intrinsic(r) && !sp_cim_request_target(r))) {
        fprintf(stderr, "parse succeeded with parts missing\n");
        abort();
    }
    sp_buf b = SP_BUF_INIT((size_t)1 << 22);
    const sp_cim_args *a = sp_cim_request_params(r);
    for (size_t i = 0; i < sp_cim_args_count(a); i++) {
        const sp_cim_value *v = sp_cim_args_value(a, i);
        uint64_t u;
        bool bl;
        sp_cim_value_get_uint(v, &u);
        sp_cim_value_get_bool(v, &bl);
        spi_cim_dump_value(&b, v, 0);
        /* A server answers with what it was given: encode it back. */
        spi_cimxml_paramvalue(&b, sp_cim_args_name(a, i), v);
    }
    if (sp_cim_request_target(r)) {
        char *s = sp_cim_path_to_string(sp_cim_request_target(r));
        free(s);
    }
    sp_buf_release(&b);
    sp_cim_request_free(r);
    return 0;
}
