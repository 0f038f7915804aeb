/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/wsman/transport.c: the WS-Management client's transport over lib/http
 * (WinRM: SOAP 1.2 over HTTP or HTTPS, ports 5985/5986, path /wsman). */
#include "../http/http.h"
#include "client.h"

struct forward {
    spi_ws_sink_fn sink;
    void *ctx;
    uint64_t fed;
};

static sp_code on_body(long status, const char *data, size_t len, void *ctx)
{
    (void)status;
    struct forward *f = ctx;
    f->fed += len;
    return f->sink(data, len, f->ctx);
}

/*
 * SOAP 1.2's HTTP binding (part 2, 7.5.2.2): a fault comes with 500
 * (the receiver's) or 400 (the sender's), its envelope the body; WinRM
 * does so.  Such a body goes to the decoder like a 200's, and the
 * client requires a fault in it (client.h).  Any other status, or one of
 * these without an XML body, is lib/http's error as it stands.
 */
static sp_code post(void *ctx, const char *what, const char *body, size_t len,
                    bool read_only, spi_ws_sink_fn sink, void *sink_ctx,
                    long *status, sp_error *err)
{
    static const char *const headers[] = {
        "Content-Type: application/soap+xml;charset=UTF-8", NULL};
    struct forward f = {.sink = sink, .ctx = sink_ctx};
    struct spi_http_request rq = {
        .what = what,
        .proto = "WS-Man",
        .headers = headers,
        .body = body,
        .len = len,
        .body_type = "xml",
        .on_body = on_body,
        .ctx = &f,
        .flags = SPI_HTTP_ERROR_BODIES | (read_only ? SPI_HTTP_RESEND_OK : 0u),
    };
    struct spi_http_response rs;
    sp_code rc = spi_http_post(ctx, &rq, &rs, err);
    *status = rs.status;
    if (rc == SP_ERR_HTTP && (rs.status == 400 || rs.status == 500) && f.fed) {
        sp_error_clear(err);
        return SP_OK;
    }
    return rc;
}

struct spi_ws_transport spi_ws_http_transport(struct spi_http *h)
{
    return (struct spi_ws_transport){.post = post, .ctx = h};
}
