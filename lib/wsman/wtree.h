/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/wsman/wtree.h: the element tree a WS-Management response is parsed into
 * (decode.c builds it, convert.c reads it). */
#ifndef SANPROV_WSMAN_WTREE_H
#define SANPROV_WSMAN_WTREE_H

#include "wsman.h"

/*
 * An element.  Names and namespace URIs point into the parser's
 * dictionary; the attributes kept are the few a converter reads (Name of
 * a Selector, xsi:nil, xsi:type, Code of a WSManFault).  Text is every
 * piece directly inside the element, joined, except in the containers
 * decode.c names (the text between streamed objects).
 */
struct spi_wnode {
    const char *ns; /* NULL: no namespace */
    const char *name;
    struct spi_wnode *parent, *first, *last, *next;
    char *text;
    size_t textlen, textcap;
    char *a_name, *a_type, *a_code;
    bool nil;
};

/* @n is the element NAME in namespace NS. */
static inline bool spi_wnode_is(const struct spi_wnode *n, const char *ns,
                                const char *name)
{
    return n && n->ns && strcmp(n->ns, ns) == 0 && strcmp(n->name, name) == 0;
}

static inline const char *spi_wnode_text(const struct spi_wnode *n)
{
    return n && n->text ? n->text : "";
}

/* The first child element NAME in namespace NS, or NULL. */
const struct spi_wnode *spi_wnode_child(const struct spi_wnode *n,
                                        const char *ns, const char *name);

/* Free @n and everything under it (NULL is fine). */
void spi_wnode_free(struct spi_wnode *n);

/* Converters (convert.c).  Errors are SP_ERR_PROTOCOL, naming the element. */
struct spi_wconv {
    const struct spi_ws_peer *peer; /* may be NULL */
    sp_error *err;
};
sp_code spi_wconv_instance(struct spi_wconv *c, const struct spi_wnode *n,
                           sp_cim_instance **out);
/* An element holding wsa:Address and wsa:ReferenceParameters. */
sp_code spi_wconv_epr(struct spi_wconv *c, const struct spi_wnode *n,
                      sp_cim_path **out);
/* A child of an Items element: an object, an EPR or a wsman:Item. */
sp_code spi_wconv_item(struct spi_wconv *c, const struct spi_wnode *n,
                       struct spi_ws_item *out);
/* The Body of a complete envelope into @r. */
sp_code spi_wconv_body(struct spi_wconv *c, const struct spi_wnode *body,
                       struct spi_ws_response *r);

#endif
