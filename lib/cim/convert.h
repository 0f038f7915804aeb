/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/cim/convert.h: turning CIM-XML element trees (libxml2 nodes) into model
 * objects. */
#ifndef SANPROV_CONVERT_H
#define SANPROV_CONVERT_H

#include <libxml/tree.h>

#include "cimxml.h"

/* State of one conversion: where errors go, the namespace for paths that
 * carry none, and strings allocated for attribute or text values made of
 * several nodes (freed by spi_conv_release()). */
struct spi_conv {
    sp_error *err;
    const char *default_ns;
    int embed_depth;
    size_t max_bytes; /* for embedded instances */
    char **scratch;
    size_t nscratch, capscratch;
};

void spi_conv_release(struct spi_conv *cv);

bool spi_xml_is(const xmlNode *n, const char *name);
xmlNode *spi_xml_first(const xmlNode *n);
xmlNode *spi_xml_next(const xmlNode *n);
/* Attribute @name (compared case-insensitively) or NULL. */
const char *spi_xml_attr(struct spi_conv *cv, const xmlNode *n,
                         const char *name);
/* The text content of @n: "" when none. */
const char *spi_xml_text(struct spi_conv *cv, const xmlNode *n);

/* Convert one child of IRETURNVALUE into @it. */
sp_code spi_conv_item(struct spi_conv *cv, const xmlNode *n,
                      struct spi_item *it);
/* PARAMVALUE or RETURNVALUE: name (NULL for RETURNVALUE) and value. */
sp_code spi_conv_paramvalue(struct spi_conv *cv, const xmlNode *n,
                            const char **name, sp_cim_value **out);
sp_code spi_conv_instance(struct spi_conv *cv, const xmlNode *n,
                          sp_cim_instance **out);
sp_code spi_conv_localnamespacepath(struct spi_conv *cv, const xmlNode *n,
                                    char **out);
sp_code spi_conv_instancename(struct spi_conv *cv, const xmlNode *n,
                              const char *host, const char *ns,
                              sp_cim_path **out);

/*
 * Parse a whole small document (an embedded instance, a request) into a
 * tree with the same protections as the response decoder: no DTD, no
 * entities, no network, at most @max_bytes.  Free with xmlFreeDoc().
 */
sp_code spi_xml_parse_dom(const char *data, size_t len, size_t max_bytes,
                          xmlDoc **out, sp_error *err);
/* The same, naming the document @what ("request") in error messages. */
sp_code spi_xml_parse_named(const char *data, size_t len, size_t max_bytes,
                            const char *what, xmlDoc **out, sp_error *err);
/* Any path element: INSTANCENAME, (LOCAL)INSTANCEPATH, (LOCAL)CLASSPATH,
 * CLASSNAME, OBJECTPATH, VALUE.REFERENCE. */
sp_code spi_conv_path(struct spi_conv *cv, const xmlNode *n, sp_cim_path **out);

#endif
