/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/cim/cim_internal.h: the CIM model's structures, shared by the model,
 * codec and client. */
#ifndef SANPROV_CIM_INTERNAL_H
#define SANPROV_CIM_INTERNAL_H

#include "../util/internal.h"
#include "cim.h"
#include "cimclient.h"
#include "cimserver.h"

/* An ordered list of (name, value): path keys, instance properties,
 * method arguments and qualifiers all use it. */
struct spi_nv {
    char *name;
    size_t len; /* strlen(name): names of other lengths never match */
    sp_cim_value *value;
};
struct spi_nvlist {
    struct spi_nv *items;
    size_t n, cap;
};

void spi_nvlist_set(struct spi_nvlist *l, const char *name, sp_cim_value *v);
const sp_cim_value *spi_nvlist_get(const struct spi_nvlist *l,
                                   const char *name);
void spi_nvlist_copy(struct spi_nvlist *dst, const struct spi_nvlist *src);
void spi_nvlist_release(struct spi_nvlist *l);

struct sp_cim_value {
    sp_cim_type type;
    bool is_array;
    bool is_null;
    bool untyped;   /* decoded without a type: a string in v.str */
    char valuetype; /* untyped keys: the KEYVALUE VALUETYPE, 's' 'n' 'b' */
    union {
        uint64_t u;
        int64_t s;
        double r;
        bool b;
        char *str; /* string, char16, datetime, untyped */
        sp_cim_path *ref;
        sp_cim_instance *inst;
        struct {
            sp_cim_value **items;
            size_t n, cap;
        } arr;
    } v;
};

struct sp_cim_path {
    char *host;
    char *ns;
    char *classname;
    struct spi_nvlist keys;
};

struct sp_cim_instance {
    char *classname;
    sp_cim_path *path;
    struct spi_nvlist props;
};

struct sp_cim_args {
    struct spi_nvlist list;
};

/* A property or parameter declaration. */
struct sp_cim_qualified {
    char *name;
    sp_cim_type type;
    bool is_array;
    char *refclass;
    sp_cim_value *def;
    struct spi_nvlist quals;
    char *origin; /* CLASSORIGIN, or NULL */
    bool propagated;
};

struct sp_cim_method_decl {
    char *name;
    sp_cim_type rtype;
    struct spi_nvlist quals;
    char *origin; /* CLASSORIGIN, or NULL */
    bool propagated;
    struct sp_cim_qualified **params;
    size_t nparams, cap;
};

struct sp_cim_class {
    char *name;
    char *super;
    struct spi_nvlist quals;
    struct sp_cim_qualified **props;
    size_t nprops, capprops;
    sp_cim_method_decl **methods;
    size_t nmethods, capmethods;
};

/* True for the integer types. */
bool spi_cim_type_is_uint(sp_cim_type t);
bool spi_cim_type_is_sint(sp_cim_type t);
bool spi_cim_type_is_stringlike(sp_cim_type t);

/*
 * Parse @text as a scalar of type @t (not reference or instance), as CIM-XML
 * carries it: integers in decimal with range check, reals, TRUE/FALSE,
 * datetimes checked for their 25-character form.  Surrounding whitespace is
 * insignificant for all but strings and char16.  Errors: SP_ERR_PROTOCOL.
 */
sp_code spi_cim_value_from_text(sp_cim_type t, const char *text,
                                sp_cim_value **out, sp_error *err);

#endif
