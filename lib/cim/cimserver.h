/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/cim/cimserver.h: the server side of CIM-XML: decoding requests, writing
 * responses. */
/* Internal: neither installed nor exported by libsanprov.so.  The library,
 * smis-sim and the tests share it as source (they link the static
 * archive), as curl's tool shares lib/curlx/. */
#ifndef SANPROV_CIM_CIMSERVER_H
#define SANPROV_CIM_CIMSERVER_H

#include "../util/buf.h"
#include "cim.h"

SP_BEGIN_DECLS

/*
 * A decoded CIM-XML request (DSP0201 SIMPLEREQ): an intrinsic operation
 * (IMETHODCALL, e.g. "EnumerateInstances") on a namespace, or an extrinsic
 * method (METHODCALL) on an object path, with named parameters.
 *
 * Intrinsic parameters are turned into values by their element: CLASSNAME
 * gives a string, INSTANCENAME a reference (in the request's namespace),
 * VALUE an untyped value (use the sp_cim_value_get_* converters),
 * VALUE.ARRAY an array of untyped values, INSTANCE or VALUE.NAMEDINSTANCE
 * an instance; an empty IPARAMVALUE gives a NULL value.  Extrinsic
 * parameters are typed by their PARAMTYPE when present.
 */
typedef struct sp_cim_request sp_cim_request;

/*
 * Parse a request body.  The parser has the protections of the client's
 * decoder (no DTD, no entities, no network, at most @max_bytes of text;
 * 0 means 16 MiB).  Errors: SP_ERR_PROTOCOL with a message fit for a
 * CIMError/ERROR description.  *@out is freed with sp_cim_request_free().
 */
sp_code sp_cim_request_parse(const char *data, size_t len, size_t max_bytes,
                             sp_cim_request **out, sp_error *err);
void sp_cim_request_free(sp_cim_request *r);

const char *sp_cim_request_msgid(const sp_cim_request *r);
bool sp_cim_request_is_intrinsic(const sp_cim_request *r);
/* The operation ("GetInstance") or the method ("CreateElementReplica"). */
const char *sp_cim_request_name(const sp_cim_request *r);
/* The namespace: of the IMETHODCALL, or of the METHODCALL's target. */
const char *sp_cim_request_namespace(const sp_cim_request *r);
/* A METHODCALL's target (an instance path, or a class path without keys,
 * with the namespace set); NULL for an intrinsic operation. */
const sp_cim_path *sp_cim_request_target(const sp_cim_request *r);
const sp_cim_args *sp_cim_request_params(const sp_cim_request *r);

/*
 * Writing a response into a buffer, in pieces, so that a server can send
 * large results as it produces them:
 *
 *     sp_cimxml_begin_response(b, id, true, "EnumerateInstances");
 *     sp_cimxml_begin_return(b);
 *     for each instance: sp_cimxml_write_instance(b, inst, SP_CIMXML_NAMED);
 *     sp_cimxml_end_return(b);
 *     sp_cimxml_end_response(b, true);
 *
 * An error response is begin_response, write_error, end_response.  The
 * output validates against the DSP0203 2.4.0 DTD when the objects given
 * are complete (a path with keys where the form needs one).
 */
typedef enum sp_cimxml_form {
    SP_CIMXML_INSTANCE,    /* INSTANCE (GetInstance) */
    SP_CIMXML_NAMED,       /* VALUE.NAMEDINSTANCE (EnumerateInstances) */
    SP_CIMXML_WITH_PATH,   /* VALUE.INSTANCEWITHPATH (pull operations) */
    SP_CIMXML_OBJECT,      /* VALUE.OBJECTWITHPATH (Associators...) */
    SP_CIMXML_NAME,        /* INSTANCENAME (EnumerateInstanceNames) */
    SP_CIMXML_OBJECT_PATH, /* OBJECTPATH (AssociatorNames...) */
    SP_CIMXML_PATH,        /* INSTANCEPATH (pull operations of paths) */
} sp_cimxml_form;

void sp_cimxml_begin_response(sp_buf *b, const char *msgid, bool intrinsic,
                              const char *name);
/* IRETURNVALUE (intrinsic responses only). */
void sp_cimxml_begin_return(sp_buf *b);
void sp_cimxml_end_return(sp_buf *b);
/*
 * One object of an IRETURNVALUE.  For the forms with a full path, the
 * path's own host and namespace are used, or @host / @ns when it has none.
 * Instances use the path set on them (sp_cim_instance_set_path()).
 */
void sp_cimxml_write_instance(sp_buf *b, const sp_cim_instance *i,
                              sp_cimxml_form form, const char *host,
                              const char *ns);
void sp_cimxml_write_path(sp_buf *b, const sp_cim_path *p, sp_cimxml_form form,
                          const char *host, const char *ns);
void sp_cimxml_write_class(sp_buf *b, const sp_cim_class *c);
/* RETURNVALUE of an extrinsic method, typed by PARAMTYPE. */
void sp_cimxml_write_return_value(sp_buf *b, const sp_cim_value *v);
/* A PARAMVALUE: an output parameter, or EndOfSequence and
 * EnumerationContext after a pull operation's IRETURNVALUE. */
void sp_cimxml_write_param(sp_buf *b, const char *name, const sp_cim_value *v);
/* ERROR with an optional embedded CIM_Error instance. */
void sp_cimxml_write_error(sp_buf *b, int code, const char *description,
                           const sp_cim_instance *cim_error);
void sp_cimxml_end_response(sp_buf *b, bool intrinsic);

SP_END_DECLS

#endif
