/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/cim/convert.h: turning CIM-XML element trees (lib/cim/xtree.h) into
 * model objects. */
#ifndef SANPROV_CONVERT_H
#define SANPROV_CONVERT_H

#include "cimxml.h"
#include "xtree.h"

/* State of one conversion: where errors go, the namespace for paths that
 * carry none, and what embedded instances may cost. */
struct spi_conv {
    sp_error *err;
    const char *default_ns;
    int embed_depth;
    size_t max_bytes; /* for embedded instances */
};

/* Convert one child of IRETURNVALUE into @it. */
sp_code spi_conv_item(struct spi_conv *cv, const struct spi_xnode *n,
                      struct spi_item *it);
/* PARAMVALUE, IPARAMVALUE or RETURNVALUE: name (NULL for RETURNVALUE) and
 * value.  @name points into the tree. */
sp_code spi_conv_paramvalue(struct spi_conv *cv, const struct spi_xnode *n,
                            const char **name, sp_cim_value **out);
sp_code spi_conv_instance(struct spi_conv *cv, const struct spi_xnode *n,
                          sp_cim_instance **out);
sp_code spi_conv_localnamespacepath(struct spi_conv *cv,
                                    const struct spi_xnode *n, char **out);
sp_code spi_conv_instancename(struct spi_conv *cv, const struct spi_xnode *n,
                              const char *host, const char *ns,
                              sp_cim_path **out);
/* Any path element: INSTANCENAME, (LOCAL)INSTANCEPATH, (LOCAL)CLASSPATH,
 * CLASSNAME, OBJECTPATH, VALUE.REFERENCE. */
sp_code spi_conv_path(struct spi_conv *cv, const struct spi_xnode *n,
                      sp_cim_path **out);

/* ---- shared by convert.c and convert_class.c ---- */

/* Set a protocol error in cv->err; returns SP_ERR_PROTOCOL. */
sp_code spi_conv_bad(struct spi_conv *cv, const char *fmt, ...) SP_PRINTF(2, 3);
/* sp_cim_type_from_name(), as fast as every TYPE attribute needs it. */
sp_cim_type spi_conv_type(const char *name);
/* VALUE, VALUE.ARRAY, VALUE.REFERENCE, VALUE.REFARRAY or VALUE.NULL, of
 * type @t (SP_CIM_INVALID: untyped), text parsed as embedded instances
 * when @embedded. */
sp_code spi_conv_value(struct spi_conv *cv, const struct spi_xnode *n,
                       sp_cim_type t, bool embedded, sp_cim_value **out);
/* PROPERTY, PROPERTY.ARRAY or PROPERTY.REFERENCE: name (pointing into the
 * tree) and value, a NULL value when it has none. */
sp_code spi_conv_property(struct spi_conv *cv, const struct spi_xnode *n,
                          const char **name, sp_cim_value **out);
sp_code spi_conv_class(struct spi_conv *cv, const struct spi_xnode *n,
                       sp_cim_class **out);

/*
 * Parse a whole small document (an embedded instance, a request) into a
 * tree with the same protections as the response decoder: no DTD, no
 * entities, no network, at most @max_bytes.  Free with spi_xtree_free().
 */
sp_code spi_xml_parse_dom(const char *data, size_t len, size_t max_bytes,
                          struct spi_xtree **out, sp_error *err);
/* The same, naming the document @what ("request") in error messages. */
sp_code spi_xml_parse_named(const char *data, size_t len, size_t max_bytes,
                            const char *what, struct spi_xtree **out,
                            sp_error *err);

#endif
