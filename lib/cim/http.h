/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/cim/http.h: CIM-XML operations over HTTP (DSP0200) on the shared
 * transport, lib/http. */
#ifndef SANPROV_CIM_HTTP_H
#define SANPROV_CIM_HTTP_H

#include "../http/http.h"
#include "cimclient.h"

/* One CIM operation request. */
struct spi_cim_request {
    const char *cim_method; /* CIMMethod header: operation or method name */
    const char *cim_object; /* CIMObject header, before percent-encoding */
    const char *body;
    size_t len;
    /* Receives the body of a 200 response as it arrives; an error stops
     * the transfer and is returned by spi_cim_http_post(). */
    sp_code (*on_body)(const char *data, size_t len, void *ctx);
    void *ctx;
    /* The request only reads: see SPI_HTTP_RESEND_OK. */
    bool may_resend;
};

/*
 * POST one CIM request through @h with the DSP0200 headers (CIMOperation,
 * CIMMethod, CIMObject percent-encoded) and take the answer: an XML body
 * to on_body; a CIMError header with any status is the server's refusal,
 * SP_ERR_HTTP ("HTTP 400, CIMError: request-not-valid: DETAIL") or, with
 * a 200, SP_ERR_PROTOCOL.  Other errors: those of spi_http_post().
 */
sp_code spi_cim_http_post(struct spi_http *h, const struct spi_cim_request *rq,
                          sp_error *err);

#endif
