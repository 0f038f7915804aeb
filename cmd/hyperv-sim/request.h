/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd/hyperv-sim/request.h: hyperv-sim's decoder of WS-Management requests
 * (SOAP 1.2 envelopes, DSP0226/DSP0227 and MS-WSMV as Windows takes them). */
#ifndef HYPERV_SIM_REQUEST_H
#define HYPERV_SIM_REQUEST_H

#include <stdbool.h>
#include <stddef.h>

/* The largest envelope taken: WinRM's default MaxEnvelopeSizekb, 500. */
#define HV_MAX_ENVELOPE  ((size_t)500 * 1024)
#define HV_MAX_SELECTORS 32
#define HV_MAX_PARAMS    64

/* An endpoint reference: a ResourceURI and its selectors. */
struct hv_epr {
    char *uri;
    size_t nsel;
    char *sel_name[HV_MAX_SELECTORS];
    char *sel_value[HV_MAX_SELECTORS];
};

/* An embedded instance given as a method parameter: inline as an element
 * (<p:Msvm_X><p:Prop>v</p:Prop>...</p:Msvm_X>) or as the text of a
 * DSP0201 INSTANCE (what WMI's GetText(CimDtd20) makes). */
struct hv_embedded {
    char *classname;
    size_t nprops;
    char **name;  /* a property repeated: an array */
    char **value; /* NULL: nil */
};

/* One method parameter (an array parameter comes once per element). */
struct hv_param {
    char *name;
    char *text;             /* NULL for a nil, an EPR or an instance */
    struct hv_epr *epr;     /* a reference */
    struct hv_embedded *em; /* an embedded instance */
    bool nil;
};

enum hv_op {
    HV_OP_GET,
    HV_OP_PUT,
    HV_OP_CREATE,
    HV_OP_DELETE,
    HV_OP_ENUMERATE,
    HV_OP_PULL,
    HV_OP_RELEASE,
    HV_OP_INVOKE, /* Action RESOURCEURI/METHOD */
};

enum hv_mode { HV_MODE_OBJECT, HV_MODE_EPR, HV_MODE_OBJECT_EPR };

enum hv_filter {
    HV_FILTER_NONE,
    HV_FILTER_WQL,       /* WQL, or CQL (the same text here) */
    HV_FILTER_SELECTOR,  /* a SelectorSet */
    HV_FILTER_ASSOC,     /* associated instances */
    HV_FILTER_REFERENCE, /* association instances */
};

struct hv_request {
    enum hv_op op;
    char *action, *message_id;
    struct hv_epr target;       /* ResourceURI and SelectorSet of the header */
    unsigned long max_envelope; /* bytes, 0: not given */
    char *locale;
    /* Enumerate */
    bool optimize;
    unsigned long max_elements; /* 0: not given */
    enum hv_mode mode;
    enum hv_filter filter;
    char *filter_text;        /* WQL/CQL */
    struct hv_epr filter_sel; /* HV_FILTER_SELECTOR */
    struct hv_epr assoc_obj;  /* HV_FILTER_ASSOC/REFERENCE */
    char *assoc_class, *result_class, *role, *result_role;
    /* Pull, Release */
    char *context;
    /* Invoke */
    char *method;
    size_t nparams;
    struct hv_param params[HV_MAX_PARAMS];
};

/*
 * Decode the envelope @data (@len bytes, NUL not needed) into @rq.  On
 * failure returns false with @why (@whysize bytes) saying what is wrong
 * and @subcode the WS-Management fault it is (a wsman: or wsa: QName, as
 * Windows answers: "w:SchemaValidationError", "a:ActionNotSupported",
 * "w:EncodingLimit").  Release @rq with hv_request_release() either way.
 */
bool hv_request_parse(const char *data, size_t len, struct hv_request *rq,
                      const char **subcode, char *why, size_t whysize);
void hv_request_release(struct hv_request *rq);

/* The selector @name of @e (case-insensitive), or NULL. */
const char *hv_epr_selector(const struct hv_epr *e, const char *name);
/* The first parameter @name of @rq, or NULL. */
const struct hv_param *hv_param_find(const struct hv_request *rq,
                                     const char *name);
/* The property @name of @em (the first, for an array), or NULL. */
const char *hv_embedded_get(const struct hv_embedded *em, const char *name,
                            bool *found);

#endif
