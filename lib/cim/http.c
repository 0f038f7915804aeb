/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/cim/http.c: CIM-XML's HTTP headers (DSP0200) and CIMError answers
 * over lib/http. */
#include <ctype.h>

#include "http.h"

/* DSP0200 header values: UTF-8, percent-encoded, '/' kept (as pywbem). */
static void percent_encode(sp_buf *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (isalnum(*p) || *p == '-' || *p == '.' || *p == '_' || *p == '~' ||
            *p == '/')
            sp_buf_addch(b, (char)*p);
        else
            sp_buf_addf(b, "%%%c%c", hex[*p >> 4], hex[*p & 15]);
    }
}

static sp_code feed(long status, const char *data, size_t len, void *ctx)
{
    const struct spi_cim_request *rq = ctx;
    (void)status; /* only a 200's body comes here */
    return rq->on_body ? rq->on_body(data, len, rq->ctx) : SP_OK;
}

enum { CAP_CIM_ERROR, CAP_ERROR_DETAIL };

sp_code spi_cim_http_post(struct spi_http *h, const struct spi_cim_request *rq,
                          sp_error *err)
{
    sp_buf method = SP_BUF_INIT(1 << 20), object = SP_BUF_INIT(1 << 20);
    sp_buf_addstr(&method, "CIMMethod: ");
    percent_encode(&method, rq->cim_method);
    sp_buf_addstr(&object, "CIMObject: ");
    percent_encode(&object, rq->cim_object);
    const char *const headers[] = {
        "Content-Type: application/xml; charset=\"utf-8\"",
        "CIMProtocolVersion: 1.0",
        "CIMOperation: MethodCall",
        sp_buf_cstr(&method),
        sp_buf_cstr(&object),
        NULL,
    };
    struct spi_http_request hr = {
        .what = rq->cim_method,
        .proto = "CIM",
        .headers = headers,
        .body = rq->body,
        .len = rq->len,
        .body_type = "XML",
        .on_body = feed,
        .ctx = (void *)rq,
        .flags = rq->may_resend ? SPI_HTTP_RESEND_OK : 0,
        .capture = {[CAP_CIM_ERROR] = "CIMError",
                    [CAP_ERROR_DETAIL] = "PGErrorDetail"},
    };
    struct spi_http_response rs;
    sp_code rc = spi_http_post(h, &hr, &rs, err);
    sp_buf_release(&method);
    sp_buf_release(&object);
    /* The server's CIMError says more than its status, except for the
     * statuses of authentication. */
    const char *cim_error = rs.captured[CAP_CIM_ERROR];
    const char *detail = rs.captured[CAP_ERROR_DETAIL];
    if (cim_error[0] && (rc == SP_ERR_HTTP || (!rc && rs.status == 200))) {
        rc = sp_error_set(err, rc ? SP_ERR_HTTP : SP_ERR_PROTOCOL,
                          "HTTP %ld, CIMError: %s%s%s", rs.status, cim_error,
                          detail[0] ? ": " : "", detail);
        err->http_status = (int)rs.status;
    }
    return rc;
}
