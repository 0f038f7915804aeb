/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/wsman/wsman.h: the WS-Management client's codec (DSP0226, DSP0227,
 * DSP0230, MS-WSMV): request envelopes, the streaming response decoder,
 * faults as sanprov errors. */
/* Internal: neither installed nor exported by libsanprov.so (issue 16's
 * Hyper-V driver is its user, hyperv-sim and the tests share it as source,
 * as smis-sim shares lib/cim). */
#ifndef SANPROV_WSMAN_WSMAN_H
#define SANPROV_WSMAN_WSMAN_H

#include "../cim/cim.h"
#include "../util/internal.h"

/* ---- namespaces and URIs ---------------------------------------------- */

#define SPI_WS_NS_SOAP    "http://www.w3.org/2003/05/soap-envelope"
#define SPI_WS_NS_ADDR    "http://schemas.xmlsoap.org/ws/2004/08/addressing"
#define SPI_WS_NS_WSMAN   "http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd"
#define SPI_WS_NS_ENUM    "http://schemas.xmlsoap.org/ws/2004/09/enumeration"
#define SPI_WS_NS_XFER    "http://schemas.xmlsoap.org/ws/2004/09/transfer"
#define SPI_WS_NS_CIMB    "http://schemas.dmtf.org/wbem/wsman/1/cimbinding.xsd"
#define SPI_WS_NS_CIM     "http://schemas.dmtf.org/wbem/wscim/1/common"
#define SPI_WS_NS_XSI     "http://www.w3.org/2001/XMLSchema-instance"
#define SPI_WS_NS_MSFAULT "http://schemas.microsoft.com/wbem/wsman/1/wsmanfault"

#define SPI_WS_ANONYMOUS                                                       \
    "http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous"
#define SPI_WS_DIALECT_WQL "http://schemas.microsoft.com/wbem/wsman/1/WQL"
#define SPI_WS_DIALECT_ASSOC                                                   \
    "http://schemas.dmtf.org/wbem/wsman/1/cimbinding/associationFilter"

/* Resource URI prefixes: WMI puts the namespace in the URI
 * (MS-WSMV 2.2.4.1: PREFIX/root/virtualization/v2/Msvm_X); the DMTF CIM
 * binding names the class only and the namespace in the __cimnamespace
 * selector (DSP0227 7.1, 7.5). */
#define SPI_WS_URI_WMI "http://schemas.microsoft.com/wbem/wsman/1/wmi"
#define SPI_WS_URI_CIM "http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2"

/* How a peer names CIM classes as resource URIs. */
enum spi_ws_style {
    SPI_WS_STYLE_WMI, /* Windows WinRM: SPI_WS_URI_WMI/NAMESPACE/CLASS */
    SPI_WS_STYLE_CIM, /* DSP0227: SPI_WS_URI_CIM/CLASS + __cimnamespace */
};

struct spi_ws_peer {
    const char *to; /* the endpoint, e.g. http://hv01:5985/wsman */
    enum spi_ws_style style;
    const char *default_ns; /* for paths without a namespace */
};

/*
 * The resource URI of class @cls (may be "*": WMI's any class, for
 * filtered enumerations) in namespace @ns.  free() it.
 */
char *spi_ws_resource_uri(const struct spi_ws_peer *peer, const char *ns,
                          const char *cls);

/*
 * The other way: class and namespace of a resource URI (NULL when it names
 * neither, e.g. "*").  The namespace is NULL when the URI does not carry
 * one (DSP0227).  free() both.
 */
void spi_ws_uri_split(const char *uri, char **ns, char **cls);

/* ---- requests --------------------------------------------------------- */

enum spi_ws_op {
    SPI_WS_GET,
    SPI_WS_PUT,
    SPI_WS_CREATE,
    SPI_WS_DELETE,
    SPI_WS_ENUMERATE,
    SPI_WS_PULL,
    SPI_WS_RELEASE,
    SPI_WS_INVOKE,
};

enum spi_ws_filter {
    SPI_WS_FILTER_NONE,
    SPI_WS_FILTER_WQL,         /* wql */
    SPI_WS_FILTER_ASSOCIATORS, /* DSP0227 AssociatedInstances */
    SPI_WS_FILTER_REFERENCES,  /* DSP0227 AssociationInstances */
};

/* Optional fields are NULL / 0. */
struct spi_ws_request {
    enum spi_ws_op op;
    const char *msgid; /* "uuid:..." (spi_ws_new_msgid()) */
    /* What the request addresses: class and namespace give the resource
     * URI, keys the SelectorSet.  Enumerate: class only ("*" with a WQL
     * filter or an association filter on WMI). */
    const sp_cim_path *target;
    unsigned int timeout_ms;         /* OperationTimeout; 0: none sent */
    unsigned long max_envelope;      /* MaxEnvelopeSize; 0: none sent */
    const char *locale;              /* Locale xml:lang, e.g. "en-US" */
    const sp_cim_instance *instance; /* Put, Create */
    /* Enumerate */
    enum spi_ws_filter filter;
    const char *wql;
    const sp_cim_path *assoc_object; /* the source object */
    const char *assoc_class, *result_class, *role, *result_role;
    unsigned int max_elements; /* >0: OptimizeEnumeration, MaxElements */
    bool with_epr;             /* EnumerationMode EnumerateObjectAndEPR */
    bool epr_only;             /* EnumerationMode EnumerateEPR */
    /* Pull, Release */
    const char *context;
    /* Invoke */
    const char *method;
    const sp_cim_args *params;
};

/* A fresh "uuid:..." message ID (libuuid).  free() it. */
char *spi_ws_new_msgid(void);

/*
 * Append the SOAP envelope for @rq to @b.  Typed values are written as
 * DSP0230 maps them (integers in decimal, booleans true/false, datetimes
 * as cim:CIM_DateTime); a reference as an endpoint reference; an embedded
 * instance as WMI takes it: its CIM-XML INSTANCE as escaped text.  Check
 * sp_buf_overflowed(@b) afterwards.
 */
void spi_ws_encode(sp_buf *b, const struct spi_ws_peer *peer,
                   const struct spi_ws_request *rq);

/* The wsa:Action of @rq (an invocation: RESOURCEURI/METHOD).  free() it. */
char *spi_ws_action(const struct spi_ws_peer *peer,
                    const struct spi_ws_request *rq);

/* ---- responses -------------------------------------------------------- */

/* A SOAP fault, as found in the body (any part may be NULL / 0). */
struct spi_ws_fault {
    char *code;               /* s:Code/s:Value, e.g. "s:Sender" */
    char *subcode;            /* s:Subcode/s:Value, e.g. "w:InvalidSelectors" */
    char *reason;             /* s:Reason/s:Text */
    char *detail;             /* wsman:FaultDetail URI */
    char *wsman_message;      /* MS-WSMV WSManFault Message text */
    unsigned long wsman_code; /* WSManFault Code (a Windows error) */
    char *wmi_class;          /* "MSFT_WmiError", "CIM_Error", ... or NULL */
    char *wmi_message;        /* its Message */
    unsigned long cim_status; /* its CIMStatusCode */
    unsigned long wmi_code;   /* its error_Code (an HRESULT), 0 if none */
};

/* One object of an enumeration; the callback may take (and NULL) either. */
struct spi_ws_item {
    sp_cim_instance *inst; /* with its path when the EPR came with it */
    sp_cim_path *epr;      /* EnumerateEPR, or the EPR beside the object */
};
typedef int (*spi_ws_item_fn)(struct spi_ws_item *it, void *ctx);

struct spi_ws_decode_opts {
    const struct spi_ws_peer *peer; /* default namespace for EPRs */
    const char *expect_relates_to;  /* the request's msgid, or NULL */
    size_t max_item_bytes;          /* one object (0: 16 MiB) */
    spi_ws_item_fn fn;              /* may be NULL: items counted, dropped */
    void *ctx;
};

enum spi_ws_body {
    SPI_WS_BODY_EMPTY,    /* Delete, Release, a Put that returns nothing */
    SPI_WS_BODY_FAULT,    /* fault */
    SPI_WS_BODY_INSTANCE, /* Get, Put: instance */
    SPI_WS_BODY_CREATED,  /* Create: created */
    SPI_WS_BODY_ENUM,     /* Enumerate, Pull: context, end, nitems */
    SPI_WS_BODY_OUTPUT,   /* an invocation: retval, out */
};

/* What remains of a response once its objects have been streamed. */
struct spi_ws_response {
    char *action;
    char *relates_to;
    enum spi_ws_body body;
    struct spi_ws_fault fault;
    sp_cim_instance *instance;
    sp_cim_path *created;
    char *context; /* NULL when the enumeration is over */
    bool end;      /* EndOfSequence */
    size_t nitems;
    sp_cim_value *retval; /* ReturnValue, untyped */
    sp_cim_args *out;     /* the other output parameters */
};

void spi_ws_response_free(struct spi_ws_response *r);

struct spi_ws_decoder;
struct spi_ws_decoder *spi_ws_decoder_new(const struct spi_ws_decode_opts *o);
void spi_ws_decoder_free(struct spi_ws_decoder *d);
/* Feed the next bytes; items reach opts->fn from here. */
sp_code spi_ws_decoder_feed(struct spi_ws_decoder *d, const char *data,
                            size_t len, sp_error *err);
/* End of input: check the envelope; *@out is the rest (free with
 * spi_ws_response_free()).  A fault is a successful decode. */
sp_code spi_ws_decoder_finish(struct spi_ws_decoder *d,
                              struct spi_ws_response **out, sp_error *err);
/* After a feed that failed or was stopped: the EnumerationContext the
 * response gave before that point, or NULL (to Release it).  free() it. */
char *spi_ws_decoder_context(const struct spi_ws_decoder *d);
/* A whole response held in memory (tests, fuzzing). */
sp_code spi_ws_decode(const char *data, size_t len,
                      const struct spi_ws_decode_opts *o,
                      struct spi_ws_response **out, sp_error *err);

/*
 * A fault as sanprov's error: the code from the WMI error's CIM status,
 * its HRESULT or the WS-Management subcode; the message says what failed
 * (@what, e.g. "cannot get 'Msvm_ComputerSystem'") and keeps the remote
 * text, escaped (sp_text_escape).  err->cim_status is the WMI error's
 * CIMStatusCode.  Returns the code.
 */
sp_code spi_ws_fault_error(const struct spi_ws_fault *f, const char *what,
                           sp_error *err);

/* A stable text dump of a response or item (expected-output tests). */
void spi_ws_dump_response(sp_buf *b, const struct spi_ws_response *r);
void spi_ws_dump_item(sp_buf *b, const struct spi_ws_item *it);

#endif
