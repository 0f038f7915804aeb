/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/cim/http.h: the CIM-XML HTTP transport (DSP0200) over one kept-alive
 * libcurl handle. */
#ifndef SANPROV_HTTP_H
#define SANPROV_HTTP_H

#include "../util/internal.h"
#include "cimclient.h"

/* Receives the body of a 200 response as it arrives; an error stops the
 * transfer and is returned by spi_http_post(). */
typedef sp_code (*spi_http_body_fn)(const char *data, size_t len, void *ctx);

struct spi_http_request {
    const char *cim_method; /* CIMMethod header: operation or method name */
    const char *cim_object; /* CIMObject header, before percent-encoding */
    const char *body;
    size_t len;
    spi_http_body_fn on_body;
    void *ctx;
    /* The request only reads: when the server closes a kept-alive
     * connection before answering it, it is sent again, once, on a new
     * connection.  Otherwise it is never sent twice, and such a closure is
     * SP_ERR_CONNECTION_LOST: the answer is lost, and the server may have
     * carried the request out. */
    bool may_resend;
};

struct spi_http {
    void *curl; /* CURL *, created at the first request, reset before each */
    char *url;
    char *user;
    char *password;
    char *ca_file;
    bool insecure;
    bool warned_insecure;
    long connect_ms;
    long total_ms;
    uint64_t max_response;
    sp_cim_client_stats stats;
};

/* Check @url (http or https, no user info) and set defaults. */
sp_code spi_http_init(struct spi_http *h, const char *url, sp_error *err);
void spi_http_release(struct spi_http *h);

/*
 * POST one CIM request on the kept-alive connection (a new one when the
 * server closed it).  Errors: SP_ERR_CONNECT, SP_ERR_CONNECTION_LOST,
 * SP_ERR_TLS, SP_ERR_TIMEOUT, SP_ERR_AUTH, SP_ERR_HTTP, SP_ERR_PROTOCOL,
 * SP_ERR_TOO_LARGE, or what on_body returned.  err->http_status is set
 * whenever a status was received.
 */
sp_code spi_http_post(struct spi_http *h, const struct spi_http_request *rq,
                      sp_error *err);

#endif
