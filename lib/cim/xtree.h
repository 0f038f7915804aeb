/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/cim/xtree.h: the light element tree CIM-XML is parsed into (elements,
 * the attributes and text the converter reads, all in one arena). */
#ifndef SANPROV_XTREE_H
#define SANPROV_XTREE_H

#include <stdint.h>

#include "cim_internal.h"

/*
 * The elements the converter tells apart, as (enum suffix, name).  Any
 * other element is SPI_X_OTHER: it is kept in the tree (a converter skips
 * it or names it in a message) but never matches.
 */
#define SPI_XTAGS(X)                                                           \
    X(CIM, "CIM")                                                              \
    X(MESSAGE, "MESSAGE")                                                      \
    X(SIMPLERSP, "SIMPLERSP")                                                  \
    X(SIMPLEREQ, "SIMPLEREQ")                                                  \
    X(MULTIREQ, "MULTIREQ")                                                    \
    X(IMETHODRESPONSE, "IMETHODRESPONSE")                                      \
    X(METHODRESPONSE, "METHODRESPONSE")                                        \
    X(IMETHODCALL, "IMETHODCALL")                                              \
    X(METHODCALL, "METHODCALL")                                                \
    X(CORRELATOR, "CORRELATOR")                                                \
    X(IRETURNVALUE, "IRETURNVALUE")                                            \
    X(RETURNVALUE, "RETURNVALUE")                                              \
    X(PARAMVALUE, "PARAMVALUE")                                                \
    X(IPARAMVALUE, "IPARAMVALUE")                                              \
    X(ERROR, "ERROR")                                                          \
    X(HOST, "HOST")                                                            \
    X(NAMESPACE, "NAMESPACE")                                                  \
    X(NAMESPACEPATH, "NAMESPACEPATH")                                          \
    X(LOCALNAMESPACEPATH, "LOCALNAMESPACEPATH")                                \
    X(CLASSNAME, "CLASSNAME")                                                  \
    X(CLASSPATH, "CLASSPATH")                                                  \
    X(LOCALCLASSPATH, "LOCALCLASSPATH")                                        \
    X(INSTANCENAME, "INSTANCENAME")                                            \
    X(INSTANCEPATH, "INSTANCEPATH")                                            \
    X(LOCALINSTANCEPATH, "LOCALINSTANCEPATH")                                  \
    X(OBJECTPATH, "OBJECTPATH")                                                \
    X(KEYBINDING, "KEYBINDING")                                                \
    X(KEYVALUE, "KEYVALUE")                                                    \
    X(VALUE, "VALUE")                                                          \
    X(VALUE_ARRAY, "VALUE.ARRAY")                                              \
    X(VALUE_NULL, "VALUE.NULL")                                                \
    X(VALUE_REFERENCE, "VALUE.REFERENCE")                                      \
    X(VALUE_REFARRAY, "VALUE.REFARRAY")                                        \
    X(VALUE_OBJECT, "VALUE.OBJECT")                                            \
    X(VALUE_NAMEDINSTANCE, "VALUE.NAMEDINSTANCE")                              \
    X(VALUE_INSTANCEWITHPATH, "VALUE.INSTANCEWITHPATH")                        \
    X(VALUE_OBJECTWITHPATH, "VALUE.OBJECTWITHPATH")                            \
    X(VALUE_OBJECTWITHLOCALPATH, "VALUE.OBJECTWITHLOCALPATH")                  \
    X(INSTANCE, "INSTANCE")                                                    \
    X(CLASS, "CLASS")                                                          \
    X(QUALIFIER, "QUALIFIER")                                                  \
    X(PROPERTY, "PROPERTY")                                                    \
    X(PROPERTY_ARRAY, "PROPERTY.ARRAY")                                        \
    X(PROPERTY_REFERENCE, "PROPERTY.REFERENCE")                                \
    X(METHOD, "METHOD")                                                        \
    X(PARAMETER, "PARAMETER")                                                  \
    X(PARAMETER_ARRAY, "PARAMETER.ARRAY")                                      \
    X(PARAMETER_REFERENCE, "PARAMETER.REFERENCE")                              \
    X(PARAMETER_REFARRAY, "PARAMETER.REFARRAY")

/* The attributes the converter reads, matched as ASCII case-insensitive
 * names; the tree keeps no other attribute. */
#define SPI_XATTRS(X)                                                          \
    X(ID, "ID")                                                                \
    X(NAME, "NAME")                                                            \
    X(TYPE, "TYPE")                                                            \
    X(CLASSNAME, "CLASSNAME")                                                  \
    X(VALUETYPE, "VALUETYPE")                                                  \
    X(PARAMTYPE, "PARAMTYPE")                                                  \
    X(CODE, "CODE")                                                            \
    X(DESCRIPTION, "DESCRIPTION")                                              \
    X(EMBEDDEDOBJECT, "EmbeddedObject")                                        \
    X(REFERENCECLASS, "REFERENCECLASS")                                        \
    X(SUPERCLASS, "SUPERCLASS")

enum spi_xtag {
    SPI_X_OTHER,
#define SPI_X_ENUM(id, name) SPI_X_##id,
    SPI_XTAGS(SPI_X_ENUM)
#undef SPI_X_ENUM
};

enum spi_xattr_name {
    SPI_A_OTHER,
#define SPI_A_ENUM(id, name) SPI_A_##id,
    SPI_XATTRS(SPI_A_ENUM)
#undef SPI_A_ENUM
};

/* How many of each, SPI_X_OTHER and SPI_A_OTHER included. */
#define SPI_X_COUNT_ONE(id, name) +1
enum { SPI_X_NTAGS = 1 SPI_XTAGS(SPI_X_COUNT_ONE) };
enum { SPI_A_NATTRS = 1 SPI_XATTRS(SPI_X_COUNT_ONE) };
#undef SPI_X_COUNT_ONE

struct spi_xattr {
    const char *value; /* unescaped, NUL-terminated */
    unsigned int id;   /* enum spi_xattr_name */
};

/*
 * An element.  Children are elements only.  Text is kept for the elements
 * whose text is data (VALUE, KEYVALUE, HOST): every piece of text directly
 * inside them, CDATA included, joined in document order.
 */
struct spi_xnode {
    const char *name; /* as in the document (for messages) */
    struct spi_xnode *parent, *first, *last, *next;
    char *text; /* NULL: no text */
    size_t textlen, textcap;
    unsigned int tag; /* enum spi_xtag */
    unsigned int nattrs;
    struct spi_xattr attrs[];
};

static inline bool spi_xml_is(const struct spi_xnode *n, enum spi_xtag tag)
{
    return n && n->tag == (unsigned int)tag;
}

static inline const struct spi_xnode *spi_xml_first(const struct spi_xnode *n)
{
    return n->first;
}

static inline const struct spi_xnode *spi_xml_next(const struct spi_xnode *n)
{
    return n->next;
}

static inline const char *spi_xml_name(const struct spi_xnode *n)
{
    return n->name;
}

/* Attribute @a (the first one, in document order) or NULL. */
static inline const char *spi_xml_attr(const struct spi_xnode *n,
                                       enum spi_xattr_name a)
{
    for (unsigned int i = 0; i < n->nattrs; i++)
        if (n->attrs[i].id == (unsigned int)a)
            return n->attrs[i].value;
    return NULL;
}

/* Whether the tree keeps the text directly inside @n. */
static inline bool spi_xtree_keeps_text(const struct spi_xnode *n)
{
    return n && (n->tag == SPI_X_VALUE || n->tag == SPI_X_KEYVALUE ||
                 n->tag == SPI_X_HOST);
}

/* The text of @n: "" when none. */
static inline const char *spi_xml_text(const struct spi_xnode *n)
{
    return n->text ? n->text : "";
}

/*
 * Building a tree from libxml2 SAX2 events (lib/cim/decode.c).  @dict is
 * the parser's xmlDictPtr: element and attribute names are compared as the
 * pointers it interns, and the tree keeps a reference on it because element
 * names point into it.
 */
struct spi_xtree;
struct _xmlDict;
struct spi_xtree *spi_xtree_new(struct _xmlDict *dict);
/* Free the tree, its arena and its reference on the dictionary.  NULL is
 * fine. */
void spi_xtree_free(struct spi_xtree *t);
const struct spi_xnode *spi_xtree_root(const struct spi_xtree *t);
/* The element being parsed (NULL before the root and after it ends). */
struct spi_xnode *spi_xtree_current(const struct spi_xtree *t);

/* A startElementNs event: open a child of the current element. */
void spi_xtree_open(struct spi_xtree *t, const unsigned char *localname,
                    const unsigned char *prefix, const unsigned char *uri,
                    int nb_attributes, const unsigned char **attributes);
/* An endElementNs event: the current element is complete; returns it. */
struct spi_xnode *spi_xtree_close(struct spi_xtree *t);
/* Text (or CDATA) inside the current element; dropped unless the element
 * keeps text. */
void spi_xtree_text(struct spi_xtree *t, const char *s, size_t len);

/*
 * Streaming: everything allocated after spi_xtree_mark() can be dropped
 * at once by spi_xtree_drop(), which also detaches the children of
 * @parent (all allocated after the mark) from it.
 */
struct spi_xmark {
    void *chunk;
    size_t used;
};
struct spi_xmark spi_xtree_mark(const struct spi_xtree *t);
void spi_xtree_drop(struct spi_xtree *t, struct spi_xnode *parent,
                    struct spi_xmark m);

#endif
