/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/cim/cimxml.h: the CIM-XML codec (DSP0201): request/response encoders and
 * the streaming decoder. */
#ifndef SANPROV_CIMXML_H
#define SANPROV_CIMXML_H

#include "cim_internal.h"

/* ---- encoding ---------------------------------------------------------- */

/* Element writers; each appends one complete element to @b. */
void spi_xml_escape(sp_buf *b, const char *s);
void spi_cimxml_localnamespacepath(sp_buf *b, const char *ns);
void spi_cimxml_instancename(sp_buf *b, const sp_cim_path *p);
/* INSTANCEPATH when @p has host and namespace, LOCALINSTANCEPATH when it
 * has a namespace, else INSTANCENAME. */
void spi_cimxml_best_path(sp_buf *b, const sp_cim_path *p);
void spi_cimxml_instancepath(sp_buf *b, const sp_cim_path *p,
                             const char *default_host, const char *default_ns);
void spi_cimxml_value_reference(sp_buf *b, const sp_cim_path *p);
void spi_cimxml_instance(sp_buf *b, const sp_cim_instance *i);
void spi_cimxml_class(sp_buf *b, const sp_cim_class *c);
/* A VALUE / VALUE.ARRAY / VALUE.REFERENCE / VALUE.REFARRAY for @v; nothing
 * for a NULL value.  Embedded instances are written as escaped text. */
void spi_cimxml_value(sp_buf *b, const sp_cim_value *v);
/* A RETURNVALUE with PARAMTYPE derived from the scalar @v. */
void spi_cimxml_returnvalue(sp_buf *b, const sp_cim_value *v);
/* A PARAMVALUE with PARAMTYPE (and EmbeddedObject) derived from @v. */
void spi_cimxml_paramvalue(sp_buf *b, const char *name, const sp_cim_value *v);

/*
 * A complete request document.  Intrinsic parameters are written by their
 * value: a reference as INSTANCENAME, a string for ClassName / AssocClass /
 * ResultClass (or ObjectName) as CLASSNAME, everything else as VALUE or
 * VALUE.ARRAY.  @target of a METHODCALL must carry a namespace (or
 * @default_ns is used).
 */
void spi_cimxml_imethodcall(sp_buf *b, unsigned long msgid, const char *name,
                            const char *ns, const sp_cim_args *params);
void spi_cimxml_methodcall(sp_buf *b, unsigned long msgid, const char *method,
                           const sp_cim_path *target, const char *default_ns,
                           const sp_cim_args *params);

/* Response documents, written in pieces so a server can stream them. */
void spi_cimxml_response_begin(sp_buf *b, const char *msgid, bool intrinsic,
                               const char *name);
void spi_cimxml_response_end(sp_buf *b, bool intrinsic);
/* An ERROR element, with @cim_error (may be NULL) as embedded INSTANCE. */
void spi_cimxml_error(sp_buf *b, int code, const char *description,
                      const sp_cim_instance *cim_error);

/* ---- decoding ---------------------------------------------------------- */

/* One object from an IRETURNVALUE; a callback may take (and NULL) any
 * member; the decoder frees what is left. */
enum spi_item_kind {
    SPI_ITEM_INSTANCE, /* inst, with path when the response had one */
    SPI_ITEM_PATH,     /* path: INSTANCENAME, INSTANCEPATH, OBJECTPATH */
    SPI_ITEM_CLASS,    /* cls */
    SPI_ITEM_VALUE,    /* value: VALUE, VALUE.ARRAY, CLASSNAME (a string) */
};
struct spi_item {
    enum spi_item_kind kind;
    sp_cim_instance *inst;
    sp_cim_path *path;
    sp_cim_class *cls;
    sp_cim_value *value;
};
typedef int (*spi_item_fn)(struct spi_item *it, void *ctx);

struct spi_decode_opts {
    const char *expect_name;  /* (I)METHODRESPONSE NAME, or NULL: any */
    int expect_intrinsic;     /* 1, 0, or -1: either */
    const char *expect_msgid; /* MESSAGE ID, or NULL: any */
    const char *default_ns;   /* namespace for paths that carry none */
    size_t max_item_bytes;    /* text in one object (0: 16 MiB) */
    spi_item_fn fn;           /* may be NULL: items are counted, dropped */
    void *ctx;
};

/* What remains of a response once its objects have been streamed. */
struct spi_cim_response {
    bool intrinsic;
    char *name;
    char *msgid;
    int error_code; /* 0 if the response is not an ERROR */
    char *error_description;
    sp_cim_instance *error_instance; /* the first embedded CIM_Error */
    sp_cim_value *retval;            /* METHODRESPONSE RETURNVALUE */
    sp_cim_args *params;             /* trailing PARAMVALUEs (out params) */
    size_t nitems;
};

void spi_cim_response_free(struct spi_cim_response *r);

struct spi_decoder;

struct spi_decoder *spi_decoder_new(const struct spi_decode_opts *opts);
void spi_decoder_free(struct spi_decoder *d);
/* Feed the next bytes.  Objects are delivered to opts->fn from here.
 * Errors: SP_ERR_PROTOCOL, SP_ERR_TOO_LARGE, SP_ERR_CANCELLED. */
sp_code spi_decoder_feed(struct spi_decoder *d, const char *data, size_t len,
                         sp_error *err);
/* End of input: check the document and return the rest of the response. */
sp_code spi_decoder_finish(struct spi_decoder *d, struct spi_cim_response **out,
                           sp_error *err);

/* Decode a whole response held in memory (tests, fuzzing). */
sp_code spi_cimxml_decode(const char *data, size_t len,
                          const struct spi_decode_opts *opts,
                          struct spi_cim_response **out, sp_error *err);

/* A text dump of a decoded object, stable for expected-output tests. */
void spi_cim_dump_instance(sp_buf *b, const sp_cim_instance *i, int indent);
void spi_cim_dump_path(sp_buf *b, const sp_cim_path *p);
void spi_cim_dump_value(sp_buf *b, const sp_cim_value *v, int indent);
void spi_cim_dump_class(sp_buf *b, const sp_cim_class *c, int indent);
void spi_cim_dump_item(sp_buf *b, const struct spi_item *it);
void spi_cim_dump_response(sp_buf *b, const struct spi_cim_response *r);

#endif
