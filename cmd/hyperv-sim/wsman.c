/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd/hyperv-sim/wsman.c: the WS-Management operations (Get,
 * Enumerate/Pull/Release, method invocation) and faults, as WinRM answers
 * them for WMI. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/cmd.h"
#include "hv.h"
#include "wql.h"

#define ENVELOPE_OPEN                                                          \
    "<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\" "         \
    "xmlns:a=\"http://schemas.xmlsoap.org/ws/2004/08/addressing\" "            \
    "xmlns:n=\"http://schemas.xmlsoap.org/ws/2004/09/enumeration\" "           \
    "xmlns:wsman=\"http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd\" "          \
    "xml:lang=\"en-US\">"
#define ACT_ENUM     "http://schemas.xmlsoap.org/ws/2004/09/enumeration/"
#define FAULT_DETAIL "http://schemas.dmtf.org/wbem/wsman/1/wsman/faultDetail/"

/* Open enumerations kept at most; the oldest goes first. */
#define MAX_ENUMS 1024
/* Pulls of an enumeration that waits longer than this find it gone. */
#define ENUM_EXPIRY_MS (10 * 60 * 1000)

static void header(sp_buf *out, const char *action, const char *relates_to)
{
    char id[37];
    hv_guid(id);
    sp_buf_addstr(out,
                  "<?xml version=\"1.0\" encoding=\"UTF-8\"?>" ENVELOPE_OPEN
                  "<s:Header><a:To>http://schemas.xmlsoap.org/ws/2004/08/"
                  "addressing/role/anonymous</a:To><a:Action>");
    hv_xml_text(out, action);
    sp_buf_addf(out, "</a:Action><a:MessageID>uuid:%s</a:MessageID>", id);
    if (relates_to) {
        sp_buf_addstr(out, "<a:RelatesTo>");
        hv_xml_text(out, relates_to);
        sp_buf_addstr(out, "</a:RelatesTo>");
    }
    sp_buf_addstr(out, "</s:Header><s:Body>");
}

static void footer(sp_buf *out)
{
    sp_buf_addstr(out, "</s:Body></s:Envelope>");
}

/* The HRESULT WMI gives with each CIM status. */
static unsigned long wbem_code(unsigned cim)
{
    switch (cim) {
    case 2:
        return 0x80041003; /* WBEM_E_ACCESS_DENIED */
    case 3:
        return 0x8004100E; /* WBEM_E_INVALID_NAMESPACE */
    case 4:
        return 0x80041008; /* WBEM_E_INVALID_PARAMETER */
    case 5:
        return 0x80041010; /* WBEM_E_INVALID_CLASS */
    case 6:
        return 0x80041002; /* WBEM_E_NOT_FOUND */
    case 7:
        return 0x8004100C; /* WBEM_E_NOT_SUPPORTED */
    case 15:
        return 0x80041017; /* WBEM_E_INVALID_QUERY */
    case 16:
        return 0x8004101E; /* WBEM_E_INVALID_METHOD (not found) */
    default:
        return 0x80041001; /* WBEM_E_FAILED */
    }
}

unsigned hv_fault(sp_buf *out, const char *relates_to, const char *code,
                  const char *subcode, const char *detail, unsigned cim_status,
                  const char *message)
{
    const char *action =
        strncmp(subcode, "a:", 2) == 0
            ? "http://schemas.xmlsoap.org/ws/2004/08/addressing/fault"
        : strncmp(subcode, "n:", 2) == 0
            ? "http://schemas.xmlsoap.org/ws/2004/09/enumeration/fault"
            : "http://schemas.dmtf.org/wbem/wsman/1/wsman/fault";
    header(out, action, relates_to);
    sp_buf_addf(out,
                "<s:Fault><s:Code><s:Value>%s</s:Value><s:Subcode><s:Value>%s"
                "</s:Value></s:Subcode></s:Code><s:Reason><s:Text "
                "xml:lang=\"en-US\">",
                code, subcode);
    hv_xml_text(out, message);
    sp_buf_addstr(out, "</s:Text></s:Reason><s:Detail>");
    if (detail)
        sp_buf_addf(out,
                    "<wsman:FaultDetail>" FAULT_DETAIL "%s</wsman:FaultDetail>",
                    detail);
    if (cim_status) {
        /* The WMI error object, as WinRM puts it in the detail. */
        sp_buf_addf(
            out,
            "<p:MSFT_WmiError b:IsCIM_Error=\"true\" "
            "xmlns:b=\"http://schemas.microsoft.com/wbem/wsman/1/wsmanfault\" "
            "xmlns:cim=\"http://schemas.dmtf.org/wbem/wscim/1/common\" "
            "xmlns:p=\"http://schemas.microsoft.com/wbem/wsman/1/wmi/root/"
            "cimv2/MSFT_WmiError\" "
            "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
            "xsi:type=\"p:MSFT_WmiError_Type\">"
            "<p:CIMStatusCode xsi:type=\"cim:cimUnsignedInt\">%u"
            "</p:CIMStatusCode><p:CIMStatusCodeDescription xsi:nil=\"true\"/>"
            "<p:ErrorSource xsi:nil=\"true\"/><p:ErrorSourceFormat "
            "xsi:type=\"cim:cimUnsignedShort\">0</p:ErrorSourceFormat>"
            "<p:ErrorType xsi:type=\"cim:cimUnsignedShort\">0</p:ErrorType>"
            "<p:Message xsi:type=\"cim:cimString\">",
            cim_status);
        hv_xml_text(out, message);
        sp_buf_addf(out,
                    "</p:Message><p:MessageID "
                    "xsi:type=\"cim:cimString\">HRESULT 0x%08lx</p:MessageID>"
                    "<p:OtherErrorSourceFormat xsi:nil=\"true\"/>"
                    "<p:OwningEntity xsi:nil=\"true\"/>"
                    "<p:PerceivedSeverity "
                    "xsi:type=\"cim:cimUnsignedShort\">0</p:PerceivedSeverity>"
                    "<p:ProbableCause "
                    "xsi:type=\"cim:cimUnsignedShort\">0</p:ProbableCause>"
                    "<p:error_Category "
                    "xsi:type=\"cim:cimUnsignedInt\">0</p:error_Category>"
                    "<p:error_Code xsi:type=\"cim:cimUnsignedInt\">%lu"
                    "</p:error_Code><p:error_Type "
                    "xsi:type=\"cim:cimString\">HRESULT</p:error_Type>"
                    "<p:error_WindowsErrorMessage xsi:type=\"cim:cimString\">",
                    wbem_code(cim_status), wbem_code(cim_status));
        hv_xml_text(out, message);
        sp_buf_addstr(out, "</p:error_WindowsErrorMessage></p:MSFT_WmiError>");
    } else {
        sp_buf_addstr(out,
                      "<f:WSManFault xmlns:f=\"http://schemas.microsoft.com/"
                      "wbem/wsman/1/wsmanfault\" Code=\"2150858752\" "
                      "Machine=\"localhost\"><f:Message>");
        hv_xml_text(out, message);
        sp_buf_addstr(out, "</f:Message></f:WSManFault>");
    }
    sp_buf_addstr(out, "</s:Detail></s:Fault>");
    footer(out);
    return 500;
}

/* A fault for what is wrong with the request's ResourceURI, or 0. */
static unsigned check_uri(struct hv *h, const struct hv_request *rq,
                          sp_buf *out, char **ns, char **cls)
{
    if (!rq->target.uri || !hv_uri_split(rq->target.uri, ns, cls))
        return hv_fault(out, rq->message_id, "s:Sender",
                        "wsman:DestinationUnreachable", "InvalidResourceURI", 0,
                        "The WS-Management service cannot process the request "
                        "because the resource URI is not valid.");
    if (!hv_namespace_known(*ns))
        return hv_fault(out, rq->message_id, "s:Sender",
                        "wsman:DestinationUnreachable", "InvalidResourceURI", 3,
                        "Invalid namespace ");
    if (!hv_class_known(*ns, *cls))
        return hv_fault(out, rq->message_id, "s:Sender",
                        "wsman:DestinationUnreachable", "InvalidResourceURI", 5,
                        "Invalid class ");
    return 0;
}

static unsigned not_found(const struct hv_request *rq, sp_buf *out)
{
    return hv_fault(out, rq->message_id, "s:Sender", "wsman:InvalidSelectors",
                    "InvalidValue", 6, "Not found ");
}

/* ---- Get ---- */

static unsigned get(struct hv *h, const struct hv_request *rq, sp_buf *out,
                    const char *ns, const char *cls)
{
    struct hv_inst *i = hv_get(h, ns, cls, &rq->target);
    if (!i)
        return not_found(rq, out);
    header(out, "http://schemas.xmlsoap.org/ws/2004/09/transfer/GetResponse",
           rq->message_id);
    hv_write_inst(out, i, NULL);
    footer(out);
    hv_inst_free(i);
    if (rq->max_envelope && out->len > rq->max_envelope) {
        sp_buf_reset(out);
        return hv_fault(out, rq->message_id, "s:Sender", "wsman:EncodingLimit",
                        "MaxEnvelopeSize", 0,
                        "The response that the WS-Management service "
                        "computed exceeds the maximum envelope size in the "
                        "request.");
    }
    return 200;
}

/* ---- Enumerate ---- */

struct collect {
    enum hv_mode mode;
    const struct hv_wql *q;   /* SELECT's conditions, or NULL */
    const struct hv_epr *sel; /* a SelectorFilter, or NULL */
    char **items;
    size_t n, cap;
};

static bool bool_text(const char *s)
{
    return strcasecmp(s, "true") == 0 || strcasecmp(s, "false") == 0;
}

static bool wanted(const struct collect *c, const struct hv_inst *i)
{
    if (c->sel && !hv_inst_matches(i, c->sel))
        return false;
    for (size_t k = 0; c->q && k < c->q->nconds; k++) {
        const char *have = hv_inst_get(i, c->q->prop[k]);
        const char *want = c->q->value[k];
        if (!have)
            return false;
        if (bool_text(have) ? strcasecmp(have, want) != 0
                            : strcmp(have, want) != 0)
            return false;
    }
    return true;
}

static int collect_one(struct hv_inst *i, void *ud)
{
    struct collect *c = ud;
    if (wanted(c, i)) {
        sp_buf b = SP_BUF_INIT((size_t)1 << 24);
        if (c->mode == HV_MODE_EPR) {
            hv_write_epr(&b, i);
        } else if (c->mode == HV_MODE_OBJECT_EPR) {
            sp_buf_addstr(&b, "<wsman:Item>");
            hv_write_inst(&b, i, NULL);
            hv_write_epr(&b, i);
            sp_buf_addstr(&b, "</wsman:Item>");
        } else {
            hv_write_inst(&b, i, NULL);
        }
        cmd_grow((void **)&c->items, &c->cap, c->n + 1, sizeof(char *));
        c->items[c->n++] = sp_buf_detach(&b, NULL);
    }
    hv_inst_free(i);
    return 0;
}

/* Write up to @max items of @e from its next, then its end or context. */
/* Room an envelope leaves for items: the client's MaxEnvelopeSize less
 * what the envelope around them takes (0: no limit). */
#define ENVELOPE_OVERHEAD 2048

/* Write up to @max items of @e from its next, within @room bytes (0: no
 * limit; the first item goes in any case, as WinRM sends one item that
 * fits, and faults only for one that cannot), then say if it is done. */
static void items(sp_buf *out, struct hv_enum *e, unsigned long max,
                  size_t room, bool wsman_ns, bool *done)
{
    const char *p = wsman_ns ? "wsman" : "n";
    size_t used = 0;
    sp_buf_addf(out, "<%s:Items>", p);
    for (unsigned long k = 0; k < max && e->next < e->n; k++) {
        size_t len = strlen(e->items[e->next]);
        if (room && k && used + len > room)
            break;
        used += len;
        sp_buf_addstr(out, e->items[e->next]);
        free(e->items[e->next]);
        e->items[e->next++] = NULL;
    }
    sp_buf_addf(out, "</%s:Items>", p);
    *done = e->next == e->n;
}

static size_t room_of(const struct hv_request *rq)
{
    return rq->max_envelope > ENVELOPE_OVERHEAD
               ? rq->max_envelope - ENVELOPE_OVERHEAD
           : rq->max_envelope ? 1
                              : 0;
}

static void enum_drop(struct hv *h, size_t k)
{
    struct hv_enum *e = &h->enums[k];
    for (size_t j = e->next; j < e->n; j++)
        free(e->items[j]);
    free(e->items);
    memmove(e, e + 1, (h->nenums - k - 1) * sizeof(*e));
    h->nenums--;
}

static struct hv_enum *enum_find(struct hv *h, const char *id)
{
    int64_t now = hv_now_ms();
    for (size_t k = 0; k < h->nenums;) {
        if (h->enums[k].expires_ms < now) {
            enum_drop(h, k);
            continue;
        }
        if (id && strcmp(h->enums[k].id, id) == 0)
            return &h->enums[k];
        k++;
    }
    return NULL;
}

static unsigned bad_query(const struct hv_request *rq, sp_buf *out,
                          const char *why)
{
    char msg[256];
    snprintf(msg, sizeof(msg), "Invalid query: %s", why);
    return hv_fault(out, rq->message_id, "s:Sender",
                    "wsman:CannotProcessFilter", NULL, 15, msg);
}

/* The instances an association filter or WQL OF query asks for. */
static unsigned associated(struct hv *h, const struct hv_request *rq,
                           sp_buf *out, const char *ns,
                           const struct hv_epr *obj_epr, const char *obj_cls,
                           bool references, const char *assoc_class,
                           const char *result_class, const char *role,
                           const char *result_role, struct collect *c)
{
    char *ons = NULL, *ocls = NULL;
    if (obj_epr->uri && !hv_uri_split(obj_epr->uri, &ons, &ocls))
        return hv_fault(out, rq->message_id, "s:Sender",
                        "wsman:CannotProcessFilter", NULL, 0,
                        "The association filter's object is not a WMI "
                        "resource.");
    const char *sel_ns = hv_epr_selector(obj_epr, "__cimnamespace");
    const char *use_ns = sel_ns ? sel_ns : ons ? ons : ns;
    struct hv_inst *obj = hv_get(h, use_ns, ocls ? ocls : obj_cls, obj_epr);
    free(ons);
    free(ocls);
    if (!obj)
        return not_found(rq, out);
    hv_associated(h, obj, references, assoc_class, result_class, role,
                  result_role, collect_one, c);
    hv_inst_free(obj);
    return 0;
}

static const char *nonempty(const char *s)
{
    return s && *s ? s : NULL;
}

static unsigned enumerate(struct hv *h, const struct hv_request *rq,
                          sp_buf *out, const char *ns, const char *cls)
{
    struct collect c = {.mode = rq->mode};
    struct hv_wql q;
    unsigned st = 0;
    if (rq->filter == HV_FILTER_WQL) {
        if (!hv_wql_parse(rq->filter_text ? rq->filter_text : "", &q))
            return bad_query(rq, out, q.why);
        if (q.kind == HV_WQL_SELECT) {
            if (!hv_class_known(ns, q.cls))
                return hv_fault(out, rq->message_id, "s:Sender",
                                "wsman:CannotProcessFilter", NULL, 5,
                                "Invalid class ");
            c.q = &q;
            hv_each(h, ns, q.cls, collect_one, &c);
        } else {
            struct hv_epr e = {.nsel = q.nconds};
            for (size_t k = 0; k < q.nconds; k++) {
                e.sel_name[k] = q.prop[k];
                e.sel_value[k] = q.value[k];
            }
            st = associated(h, rq, out, ns, &e, q.cls,
                            q.kind == HV_WQL_REFERENCES,
                            nonempty(q.assoc_class), nonempty(q.result_class),
                            nonempty(q.role), nonempty(q.result_role), &c);
        }
    } else if (rq->filter == HV_FILTER_ASSOC ||
               rq->filter == HV_FILTER_REFERENCE) {
        st = associated(h, rq, out, ns, &rq->assoc_obj, "*",
                        rq->filter == HV_FILTER_REFERENCE,
                        nonempty(rq->assoc_class), nonempty(rq->result_class),
                        nonempty(rq->role), nonempty(rq->result_role), &c);
    } else {
        c.sel = rq->filter == HV_FILTER_SELECTOR ? &rq->filter_sel : NULL;
        hv_each(h, ns, cls, collect_one, &c);
    }
    if (st) {
        for (size_t k = 0; k < c.n; k++)
            free(c.items[k]);
        free(c.items);
        return st;
    }
    enum_find(h, NULL); /* drop the expired */
    if (h->nenums == MAX_ENUMS)
        enum_drop(h, 0);
    cmd_grow((void **)&h->enums, &h->capenums, h->nenums + 1,
             sizeof(*h->enums));
    struct hv_enum *e = &h->enums[h->nenums++];
    memset(e, 0, sizeof(*e));
    char id[37];
    hv_guid(id);
    snprintf(e->id, sizeof(e->id), "uuid:%s", id);
    e->items = c.items;
    e->n = c.n;
    e->expires_ms = hv_now_ms() + ENUM_EXPIRY_MS;

    header(out, ACT_ENUM "EnumerateResponse", rq->message_id);
    sp_buf_addstr(out, "<n:EnumerateResponse>");
    bool done = false;
    if (rq->optimize) {
        items(out, e, rq->max_elements ? rq->max_elements : 1, room_of(rq),
              true, &done);
        if (done)
            sp_buf_addstr(out, "<wsman:EndOfSequence/>");
    }
    if (!done)
        sp_buf_addf(out, "<n:EnumerationContext>%s</n:EnumerationContext>",
                    e->id);
    sp_buf_addstr(out, "</n:EnumerateResponse>");
    footer(out);
    if (done)
        enum_drop(h, (size_t)(e - h->enums));
    return 200;
}

static unsigned pull(struct hv *h, const struct hv_request *rq, sp_buf *out)
{
    struct hv_enum *e = enum_find(h, rq->context);
    if (!e)
        return hv_fault(out, rq->message_id, "s:Receiver",
                        "n:InvalidEnumerationContext", NULL, 0,
                        "The WS-Management service cannot process the request "
                        "because the enumeration context is not valid.");
    e->expires_ms = hv_now_ms() + ENUM_EXPIRY_MS;
    header(out, ACT_ENUM "PullResponse", rq->message_id);
    sp_buf_addstr(out, "<n:PullResponse>");
    bool done;
    sp_buf items_buf = SP_BUF_INIT((size_t)1 << 31);
    items(&items_buf, e, rq->max_elements ? rq->max_elements : 1, room_of(rq),
          false, &done);
    if (!done)
        sp_buf_addf(out, "<n:EnumerationContext>%s</n:EnumerationContext>",
                    e->id);
    sp_buf_add(out, items_buf.data, items_buf.len);
    sp_buf_release(&items_buf);
    if (done)
        sp_buf_addstr(out, "<n:EndOfSequence/>");
    sp_buf_addstr(out, "</n:PullResponse>");
    footer(out);
    if (done)
        enum_drop(h, (size_t)(e - h->enums));
    return 200;
}

static unsigned release(struct hv *h, const struct hv_request *rq, sp_buf *out)
{
    struct hv_enum *e = enum_find(h, rq->context);
    if (!e)
        return hv_fault(out, rq->message_id, "s:Receiver",
                        "n:InvalidEnumerationContext", NULL, 0,
                        "The WS-Management service cannot process the request "
                        "because the enumeration context is not valid.");
    enum_drop(h, (size_t)(e - h->enums));
    header(out, ACT_ENUM "ReleaseResponse", rq->message_id);
    footer(out);
    return 200;
}

/* ---- methods ---- */

static unsigned invoke(struct hv *h, const struct hv_request *rq, sp_buf *out,
                       const char *ns, const char *cls)
{
    struct hv_out o = {.params = SP_BUF_INIT((size_t)1 << 24)};
    hv_invoke(h, rq, ns, cls, &o);
    if (o.cim_status) {
        sp_buf_release(&o.params);
        if (o.cim_status == 6)
            return not_found(rq, out);
        return hv_fault(out, rq->message_id,
                        o.cim_status == 4 || o.cim_status == 16 ? "s:Sender"
                                                                : "s:Receiver",
                        o.cim_status == 4    ? "wsman:InvalidParameter"
                        : o.cim_status == 16 ? "a:ActionNotSupported"
                                             : "wsman:InternalError",
                        NULL, o.cim_status, o.message);
    }
    unsigned st = hv_method_response(rq, out, o.rv, &o.params);
    sp_buf_release(&o.params);
    return st;
}

unsigned hv_method_response(const struct hv_request *rq, sp_buf *out,
                            uint32_t rv, const sp_buf *params)
{
    char *action = cmd_xasprintf("%sResponse", rq->action);
    header(out, action, rq->message_id);
    free(action);
    sp_buf_addf(out, "<p:%s_OUTPUT xmlns:p=\"", rq->method);
    hv_xml_text(out, rq->target.uri);
    sp_buf_addstr(out, "\">");
    if (params)
        sp_buf_add(out, params->data, params->len);
    sp_buf_addf(out, "<p:ReturnValue>%u</p:ReturnValue></p:%s_OUTPUT>", rv,
                rq->method);
    footer(out);
    return 200;
}

unsigned hv_wsman(struct hv *h, const struct hv_request *rq, sp_buf *out)
{
    if (rq->op == HV_OP_PULL)
        return pull(h, rq, out);
    if (rq->op == HV_OP_RELEASE)
        return release(h, rq, out);
    char *ns = NULL, *cls = NULL;
    unsigned st = check_uri(h, rq, out, &ns, &cls);
    if (!st) {
        switch (rq->op) {
        case HV_OP_GET:
            st = get(h, rq, out, ns, cls);
            break;
        case HV_OP_ENUMERATE:
            st = enumerate(h, rq, out, ns, cls);
            break;
        case HV_OP_INVOKE:
            st = invoke(h, rq, out, ns, cls);
            break;
        case HV_OP_PUT:
        case HV_OP_CREATE:
        case HV_OP_DELETE:
            /* WMI changes instances through methods (ModifySystemSettings,
             * DestroySystem...); Hyper-V's provider refuses these. */
            st = hv_fault(out, rq->message_id, "s:Sender",
                          "a:ActionNotSupported", "ActionMismatch", 7,
                          "Not supported ");
            break;
        case HV_OP_PULL:
        case HV_OP_RELEASE:
            break;
        }
    }
    free(ns);
    free(cls);
    return st;
}
