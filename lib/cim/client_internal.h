/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/cim/client_internal.h: the client handle and its one-request primitive,
 * shared by the operations. */
#ifndef SANPROV_CLIENT_INTERNAL_H
#define SANPROV_CLIENT_INTERNAL_H

#include "cimxml.h"
#include "http.h"

enum pull_support { PULL_UNKNOWN, PULL_YES, PULL_NO };

struct sp_cim_client {
    struct spi_http http;
    sp_error err;
    char *ns;
    uint32_t pull_max;
    enum pull_support pull;
    enum pull_support query; /* OpenQueryInstances */
    unsigned long next_msgid;
};

/* One request: intrinsic (name + namespace) or extrinsic (method on
 * target), its parameters, and where streamed objects go. */
struct spi_call {
    bool intrinsic;
    const char *name;
    const char *ns;
    const sp_cim_path *target;
    const sp_cim_args *params;
    spi_item_fn fn;
    void *ctx;
};

/*
 * Send @call and decode the answer.  A CIM ERROR becomes the client's
 * error (SP_ERR_CIM, or SP_ERR_NOT_FOUND / SP_ERR_NOT_SUPPORTED /
 * SP_ERR_AUTH for the matching CIM status).  On success *@out (if
 * @out is not NULL) is the rest of the response.
 */
sp_code spi_client_call(sp_cim_client *c, const struct spi_call *call,
                        struct spi_cim_response **out);

/* Record an error in the client; returns @code. */
sp_code spi_client_fail(sp_cim_client *c, sp_code code, const char *fmt, ...)
    SP_PRINTF(3, 4);

/* The namespace to use: @ns, else the client's default. */
const char *spi_client_ns(const sp_cim_client *c, const char *ns);

#endif
