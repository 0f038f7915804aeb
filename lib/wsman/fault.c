/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/wsman/fault.c: WS-Management faults (SOAP 1.2, DSP0226 13, MS-WSMV
 * 2.2.4.43, the WMI error object) as sanprov errors; text dumps for tests. */
#include "../cim/cimxml.h"
#include "wsman.h"

/* "w:InvalidSelectors" -> "InvalidSelectors": prefixes are the peer's. */
static const char *local_part(const char *qname)
{
    const char *c = qname ? strrchr(qname, ':') : NULL;
    return c ? c + 1 : qname ? qname : "";
}

/*
 * The code, most specific first: the WMI error's CIM status (what the
 * provider said), then its HRESULT (WMI's own WBEM_E_* when the provider
 * gave no status), then the WS-Management subcode (DSP0226 Table 7).
 * Anything the caller can do nothing about but report is SP_ERR_WSMAN.
 */
static sp_code code_of(const struct spi_ws_fault *f)
{
    switch (f->cim_status) {
    case SP_CIM_ERR_NOT_FOUND:
        return SP_ERR_NOT_FOUND;
    case SP_CIM_ERR_NOT_SUPPORTED:
        return SP_ERR_NOT_SUPPORTED;
    case SP_CIM_ERR_ACCESS_DENIED:
        return SP_ERR_AUTH;
    case SP_CIM_ERR_ALREADY_EXISTS:
        return SP_ERR_EXISTS;
    default:
        break;
    }
    switch (f->wmi_code) {
    case 0x80041002ul: /* WBEM_E_NOT_FOUND */
        return SP_ERR_NOT_FOUND;
    case 0x80041003ul: /* WBEM_E_ACCESS_DENIED */
        return SP_ERR_AUTH;
    case 0x8004100Cul: /* WBEM_E_NOT_SUPPORTED */
        return SP_ERR_NOT_SUPPORTED;
    case 0x80041019ul: /* WBEM_E_ALREADY_EXISTS */
        return SP_ERR_EXISTS;
    default:
        break;
    }
    static const struct {
        const char *subcode;
        sp_code code;
    } map[] = {
        {"AccessDenied", SP_ERR_AUTH},
        {"AlreadyExists", SP_ERR_EXISTS},
        {"DestinationUnreachable", SP_ERR_NOT_FOUND},
        {"InvalidSelectors", SP_ERR_NOT_FOUND},
        {"ActionNotSupported", SP_ERR_NOT_SUPPORTED},
        {"UnsupportedFeature", SP_ERR_NOT_SUPPORTED},
        {"FilteringNotSupported", SP_ERR_NOT_SUPPORTED},
        {"FilterDialectRequestedUnavailable", SP_ERR_NOT_SUPPORTED},
        {"TimedOut", SP_ERR_TIMEOUT},
        {"EncodingLimit", SP_ERR_TOO_LARGE},
        {"QuotaLimit", SP_ERR_TOO_LARGE},
    };
    const char *sub = local_part(f->subcode);
    for (size_t i = 0; i < SPI_ARRAY_SIZE(map); i++)
        if (strcmp(sub, map[i].subcode) == 0)
            return map[i].code;
    return SP_ERR_WSMAN;
}

/* Append the escaped remote text @s, at most @max bytes of it. */
static void remote(sp_buf *b, const char *s, size_t max)
{
    size_t n = strlen(s);
    sp_text_escape_buf(b, s, n < max ? n : max, 0);
}

sp_code spi_ws_fault_error(const struct spi_ws_fault *f, const char *what,
                           sp_error *err)
{
    sp_code code = code_of(f);
    /* The provider's words first (they say what is wrong), WinRM's next,
     * the SOAP reason last; the others only when they add something. */
    const char *text = f->wmi_message && *f->wmi_message ? f->wmi_message
                       : f->wsman_message                ? f->wsman_message
                       : f->reason                       ? f->reason
                                                         : "";
    sp_buf b = SP_BUF_INIT(SP_ERROR_MSG_MAX - 1);
    sp_buf_addf(&b, "%s: ", what);
    if (*text)
        remote(&b, text, 600);
    else
        sp_buf_addstr(&b, "the service gives no reason");
    sp_buf_addstr(&b, " (");
    remote(&b, f->subcode ? f->subcode : f->code ? f->code : "fault", 100);
    if (f->detail && *f->detail) {
        sp_buf_addstr(&b, ", ");
        remote(&b,
               local_part(strrchr(f->detail, '/') ? strrchr(f->detail, '/') + 1
                                                  : f->detail),
               100);
    }
    if (f->cim_status) {
        const char *name = sp_cim_status_name((int)f->cim_status);
        if (name)
            sp_buf_addf(&b, ", %s", name);
        else
            sp_buf_addf(&b, ", CIM status %lu", f->cim_status);
    }
    if (f->wmi_code)
        sp_buf_addf(&b, ", 0x%08lx", f->wmi_code);
    else if (f->wsman_code)
        sp_buf_addf(&b, ", 0x%08lx", f->wsman_code);
    sp_buf_addch(&b, ')');
    sp_error_set(err, code, "%s", sp_buf_cstr(&b));
    if (err)
        err->cim_status = f->cim_status <= 1000 ? (int)f->cim_status : 0;
    sp_buf_release(&b);
    return code;
}

/* ---- dumps ------------------------------------------------------------- */

static void dump_str(sp_buf *b, const char *label, const char *s)
{
    if (!s)
        return;
    sp_buf_addf(b, "%s: ", label);
    sp_text_escape_buf(b, s, strlen(s), 0);
    sp_buf_addch(b, '\n');
}

void spi_ws_dump_item(sp_buf *b, const struct spi_ws_item *it)
{
    if (it->epr) {
        sp_buf_addstr(b, "epr: ");
        spi_cim_dump_path(b, it->epr);
        sp_buf_addch(b, '\n');
    }
    if (it->inst)
        spi_cim_dump_instance(b, it->inst, 0);
}

void spi_ws_dump_response(sp_buf *b, const struct spi_ws_response *r)
{
    static const char *const kinds[] = {
        [SPI_WS_BODY_EMPTY] = "empty",       [SPI_WS_BODY_FAULT] = "fault",
        [SPI_WS_BODY_INSTANCE] = "instance", [SPI_WS_BODY_CREATED] = "created",
        [SPI_WS_BODY_ENUM] = "enumeration",  [SPI_WS_BODY_OUTPUT] = "output",
    };
    dump_str(b, "action", r->action);
    dump_str(b, "relates-to", r->relates_to);
    sp_buf_addf(b, "body: %s\n", kinds[r->body]);
    if (r->body == SPI_WS_BODY_FAULT) {
        const struct spi_ws_fault *f = &r->fault;
        dump_str(b, "code", f->code);
        dump_str(b, "subcode", f->subcode);
        dump_str(b, "reason", f->reason);
        dump_str(b, "detail", f->detail);
        dump_str(b, "wsman-message", f->wsman_message);
        if (f->wsman_code)
            sp_buf_addf(b, "wsman-code: %lu\n", f->wsman_code);
        dump_str(b, "error-class", f->wmi_class);
        dump_str(b, "error-message", f->wmi_message);
        if (f->cim_status)
            sp_buf_addf(b, "cim-status: %lu\n", f->cim_status);
        if (f->wmi_code)
            sp_buf_addf(b, "error-code: 0x%08lx\n", f->wmi_code);
        sp_error e;
        spi_ws_fault_error(f, "cannot do it", &e);
        sp_buf_addf(b, "as error: %s: %s\n", sp_strerror(e.code), e.message);
    }
    if (r->instance)
        spi_cim_dump_instance(b, r->instance, 0);
    if (r->created) {
        sp_buf_addstr(b, "created: ");
        spi_cim_dump_path(b, r->created);
        sp_buf_addch(b, '\n');
    }
    if (r->body == SPI_WS_BODY_ENUM) {
        dump_str(b, "context", r->context);
        sp_buf_addf(b, "end: %s\nitems: %zu\n", r->end ? "yes" : "no",
                    r->nitems);
    }
    if (r->retval) {
        sp_buf_addstr(b, "return: ");
        spi_cim_dump_value(b, r->retval, 0);
        sp_buf_addch(b, '\n');
    }
    size_t n = r->out ? sp_cim_args_count(r->out) : 0;
    for (size_t i = 0; i < n; i++) {
        sp_buf_addf(b, "out %s: ", sp_cim_args_name(r->out, i));
        spi_cim_dump_value(b, sp_cim_args_value(r->out, i), 1);
        sp_buf_addch(b, '\n');
    }
}
