/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/cim/cim.h: the CIM data model: typed values, instance paths, instances,
 * classes. */
/* Internal: neither installed nor exported by libsanprov.so.  The library,
 * smis-sim and the tests share it as source (they link the static
 * archive), as curl's tool shares lib/curlx/. */
#ifndef SANPROV_CIM_CIM_H
#define SANPROV_CIM_CIM_H

#include <sanprov/error.h>

SP_BEGIN_DECLS

/*
 * CIM types (DSP0004).  SP_CIM_REFERENCE holds an instance path;
 * SP_CIM_INSTANCE an embedded instance (a string property qualified
 * EmbeddedInstance / EmbeddedObject on the wire).
 */
typedef enum sp_cim_type {
    SP_CIM_INVALID = 0,
    SP_CIM_UINT8,
    SP_CIM_SINT8,
    SP_CIM_UINT16,
    SP_CIM_SINT16,
    SP_CIM_UINT32,
    SP_CIM_SINT32,
    SP_CIM_UINT64,
    SP_CIM_SINT64,
    SP_CIM_REAL32,
    SP_CIM_REAL64,
    SP_CIM_BOOLEAN,
    SP_CIM_STRING,
    SP_CIM_CHAR16,
    SP_CIM_DATETIME,
    SP_CIM_REFERENCE,
    SP_CIM_INSTANCE,
} sp_cim_type;

/* "uint16", "reference", "instance"...; NULL for SP_CIM_INVALID. */
const char *sp_cim_type_name(sp_cim_type t);

/* The type named @name (as in a TYPE or PARAMTYPE attribute) or
 * SP_CIM_INVALID. */
sp_cim_type sp_cim_type_from_name(const char *name);

typedef struct sp_cim_value sp_cim_value;
typedef struct sp_cim_path sp_cim_path;
typedef struct sp_cim_instance sp_cim_instance;
typedef struct sp_cim_class sp_cim_class;
typedef struct sp_cim_args sp_cim_args;

/* ---- values ------------------------------------------------------------ */

/*
 * A value is a scalar or an array of one type, or NULL (a typed absence).
 * Integers are range-checked against their type on construction (an
 * out-of-range value is a programming error and asserts).  String-like
 * types (string, char16, datetime) are UTF-8.
 *
 * A value decoded from the wire without a type (KEYVALUE without TYPE, a
 * PARAMVALUE without PARAMTYPE) is a string marked "untyped"; the getters
 * below convert such a value on demand, so callers need not care.
 */
sp_cim_value *sp_cim_value_new_uint(sp_cim_type t, uint64_t v);
sp_cim_value *sp_cim_value_new_sint(sp_cim_type t, int64_t v);
sp_cim_value *sp_cim_value_new_real(sp_cim_type t, double v);
sp_cim_value *sp_cim_value_new_bool(bool v);
/* @t is SP_CIM_STRING, SP_CIM_CHAR16 or SP_CIM_DATETIME; @s is copied. */
sp_cim_value *sp_cim_value_new_string(sp_cim_type t, const char *s);
/* A copy of @ref / @inst is stored. */
sp_cim_value *sp_cim_value_new_ref(const sp_cim_path *ref);
sp_cim_value *sp_cim_value_new_instance(const sp_cim_instance *inst);
/* Take ownership of @ref / @inst instead of copying. */
sp_cim_value *sp_cim_value_take_ref(sp_cim_path *ref);
sp_cim_value *sp_cim_value_take_instance(sp_cim_instance *inst);
/* A NULL value of type @t (an array NULL when @is_array). */
sp_cim_value *sp_cim_value_new_null(sp_cim_type t, bool is_array);
/* An empty array of @t; fill it with sp_cim_value_append(). */
sp_cim_value *sp_cim_value_new_array(sp_cim_type t);
/* An untyped value (as decoded from the wire); @s is copied. */
sp_cim_value *sp_cim_value_new_untyped(const char *s);

/*
 * Append @elem to the array @arr, taking ownership of @elem.  @elem must be
 * a scalar of the array's type (or a NULL scalar: VALUE.NULL).
 * Errors: SP_ERR_INVALID (wrong type; @elem is freed).
 */
sp_code sp_cim_value_append(sp_cim_value *arr, sp_cim_value *elem);

void sp_cim_value_free(sp_cim_value *v);
sp_cim_value *sp_cim_value_copy(const sp_cim_value *v);

sp_cim_type sp_cim_value_type(const sp_cim_value *v);
bool sp_cim_value_is_array(const sp_cim_value *v);
bool sp_cim_value_is_null(const sp_cim_value *v);
bool sp_cim_value_is_untyped(const sp_cim_value *v);

/* Arrays: element count and element @i (owned by @v). */
size_t sp_cim_value_count(const sp_cim_value *v);
const sp_cim_value *sp_cim_value_at(const sp_cim_value *v, size_t i);

/*
 * Scalar getters.  Each returns false when @v is NULL, null, an array, or
 * not convertible: get_uint accepts unsigned and non-negative signed
 * integers, get_sint signed and unsigned ones in range, get_real any
 * number; untyped values are parsed.  @v may be NULL (then false).
 */
bool sp_cim_value_get_uint(const sp_cim_value *v, uint64_t *out);
bool sp_cim_value_get_sint(const sp_cim_value *v, int64_t *out);
bool sp_cim_value_get_real(const sp_cim_value *v, double *out);
bool sp_cim_value_get_bool(const sp_cim_value *v, bool *out);
/* String, char16, datetime and untyped values; NULL otherwise. */
const char *sp_cim_value_get_string(const sp_cim_value *v);
const sp_cim_path *sp_cim_value_get_ref(const sp_cim_value *v);
const sp_cim_instance *sp_cim_value_get_instance(const sp_cim_value *v);

/*
 * The value as CIM-XML text would carry it: "42", "TRUE", a string as is.
 * Arrays, references and instances have no such text (NULL).  Returns a
 * new string (free()) or NULL.
 */
char *sp_cim_value_to_text(const sp_cim_value *v);

/* Deep equality (type, nullness and content). */
bool sp_cim_value_equal(const sp_cim_value *a, const sp_cim_value *b);

/* ---- instance paths ---------------------------------------------------- */

/*
 * An instance path: optional host, optional namespace ("root/cimv2"),
 * class name, and key bindings (name -> value; a key value may be a
 * reference).  A path without keys names a class (or a singleton).
 * CIM names compare case-insensitively everywhere.
 */
sp_cim_path *sp_cim_path_new(const char *host, const char *ns,
                             const char *classname);
void sp_cim_path_free(sp_cim_path *p);
sp_cim_path *sp_cim_path_copy(const sp_cim_path *p);

const char *sp_cim_path_host(const sp_cim_path *p);      /* or NULL */
const char *sp_cim_path_namespace(const sp_cim_path *p); /* or NULL */
const char *sp_cim_path_class(const sp_cim_path *p);
void sp_cim_path_set_host(sp_cim_path *p, const char *host);
void sp_cim_path_set_namespace(sp_cim_path *p, const char *ns);

/* Add or replace key @name, taking ownership of @v (a non-NULL scalar). */
void sp_cim_path_set_key(sp_cim_path *p, const char *name, sp_cim_value *v);
size_t sp_cim_path_key_count(const sp_cim_path *p);
const char *sp_cim_path_key_name(const sp_cim_path *p, size_t i);
const sp_cim_value *sp_cim_path_key_value(const sp_cim_path *p, size_t i);
/* The value of key @name, or NULL. */
const sp_cim_value *sp_cim_path_get_key(const sp_cim_path *p, const char *name);

/* Flags of sp_cim_path_equal(). */
#define SP_CIM_PATH_CMP_HOST      0x1u /* also compare the hosts */
#define SP_CIM_PATH_CMP_NAMESPACE 0x2u /* also compare the namespaces */

/*
 * Whether @a and @b name the same instance, by CIM's rules (DSP0004):
 * class and key names compared without regard to case, key values by
 * their type (a string key exactly; an untyped key read as the other
 * side's type: "017" equals uint 17), keys in any order, references among
 * the keys compared the same way.  The host and the namespace count only
 * as @flags ask (hosts and namespaces without regard to case, a
 * namespace's leading and trailing '/' ignored): the objects of one array
 * are the same whatever host or namespace spelling a reference carries.
 * The one comparison of paths: never compare their text.
 */
bool sp_cim_path_equal(const sp_cim_path *a, const sp_cim_path *b,
                       unsigned int flags);

/*
 * The path in the untyped WBEM URI form of DSP0207 without scheme, as used
 * in the CIMObject header: [//host/]ns:Class.key="v",key2=5 (keys in the
 * order given; strings and references quoted with " and \ escaped).
 * Returns a new string (free()).
 */
char *sp_cim_path_to_string(const sp_cim_path *p);

/* ---- instances --------------------------------------------------------- */

/*
 * An instance: class name, optional path, and properties in order (name ->
 * value).  A property with a NULL value keeps its type.
 */
sp_cim_instance *sp_cim_instance_new(const char *classname);
void sp_cim_instance_free(sp_cim_instance *i);
sp_cim_instance *sp_cim_instance_copy(const sp_cim_instance *i);

const char *sp_cim_instance_class(const sp_cim_instance *i);
/* The instance's path, or NULL when it came without one. */
const sp_cim_path *sp_cim_instance_path(const sp_cim_instance *i);
/* Set the path, taking ownership of @p (NULL to drop it). */
void sp_cim_instance_set_path(sp_cim_instance *i, sp_cim_path *p);

/* Add or replace property @name, taking ownership of @v. */
void sp_cim_instance_set(sp_cim_instance *i, const char *name, sp_cim_value *v);
const sp_cim_value *sp_cim_instance_get(const sp_cim_instance *i,
                                        const char *name);
size_t sp_cim_instance_prop_count(const sp_cim_instance *i);
const char *sp_cim_instance_prop_name(const sp_cim_instance *i, size_t idx);
const sp_cim_value *sp_cim_instance_prop_value(const sp_cim_instance *i,
                                               size_t idx);

/* Shorthands: property @name as a string / integer; NULL / false if absent
 * or not convertible. */
const char *sp_cim_instance_get_string(const sp_cim_instance *i,
                                       const char *name);
bool sp_cim_instance_get_uint(const sp_cim_instance *i, const char *name,
                              uint64_t *out);

/* ---- classes (enough for GetClass) ------------------------------------- */

/*
 * A class declaration: properties, methods with parameters, and the
 * qualifiers on each (a qualifier is a name and a value; Key, In, Out,
 * EmbeddedInstance, Description...).  Element handles returned below are
 * owned by the class.
 */
typedef struct sp_cim_qualified sp_cim_property_decl;
typedef struct sp_cim_qualified sp_cim_param_decl;
typedef struct sp_cim_method_decl sp_cim_method_decl;

sp_cim_class *sp_cim_class_new(const char *name, const char *superclass);
void sp_cim_class_free(sp_cim_class *c);
const char *sp_cim_class_name(const sp_cim_class *c);
const char *sp_cim_class_superclass(const sp_cim_class *c); /* or NULL */

/* Class qualifiers (e.g. Association). */
void sp_cim_class_set_qualifier(sp_cim_class *c, const char *name,
                                sp_cim_value *v);
const sp_cim_value *sp_cim_class_get_qualifier(const sp_cim_class *c,
                                               const char *name);

/*
 * Declare a property.  @refclass is the REFERENCECLASS of a reference
 * property (else NULL); @default_value may be NULL (ownership taken).
 */
sp_cim_property_decl *sp_cim_class_add_property(sp_cim_class *c,
                                                const char *name, sp_cim_type t,
                                                bool is_array,
                                                const char *refclass,
                                                sp_cim_value *default_value);
size_t sp_cim_class_property_count(const sp_cim_class *c);
const sp_cim_property_decl *sp_cim_class_property_at(const sp_cim_class *c,
                                                     size_t i);
const sp_cim_property_decl *sp_cim_class_find_property(const sp_cim_class *c,
                                                       const char *name);

/* Declare a method returning @return_type. */
sp_cim_method_decl *sp_cim_class_add_method(sp_cim_class *c, const char *name,
                                            sp_cim_type return_type);
size_t sp_cim_class_method_count(const sp_cim_class *c);
const sp_cim_method_decl *sp_cim_class_method_at(const sp_cim_class *c,
                                                 size_t i);
const sp_cim_method_decl *sp_cim_class_find_method(const sp_cim_class *c,
                                                   const char *name);

const char *sp_cim_method_name(const sp_cim_method_decl *m);
sp_cim_type sp_cim_method_return_type(const sp_cim_method_decl *m);
void sp_cim_method_set_qualifier(sp_cim_method_decl *m, const char *name,
                                 sp_cim_value *v);
const sp_cim_value *sp_cim_method_get_qualifier(const sp_cim_method_decl *m,
                                                const char *name);
/* CLASSORIGIN (the class that declares the method; NULL: none written)
 * and PROPAGATED (inherited, not declared or overridden here). */
void sp_cim_method_set_origin(sp_cim_method_decl *m, const char *class_origin,
                              bool propagated);
sp_cim_param_decl *sp_cim_method_add_param(sp_cim_method_decl *m,
                                           const char *name, sp_cim_type t,
                                           bool is_array, const char *refclass);
size_t sp_cim_method_param_count(const sp_cim_method_decl *m);
const sp_cim_param_decl *sp_cim_method_param_at(const sp_cim_method_decl *m,
                                                size_t i);

/* Properties and parameters share these accessors. */
const char *sp_cim_decl_name(const sp_cim_property_decl *d);
sp_cim_type sp_cim_decl_type(const sp_cim_property_decl *d);
bool sp_cim_decl_is_array(const sp_cim_property_decl *d);
const char *sp_cim_decl_refclass(const sp_cim_property_decl *d);
const sp_cim_value *
sp_cim_decl_default(const sp_cim_property_decl *d); /* or NULL */
void sp_cim_decl_set_qualifier(sp_cim_property_decl *d, const char *name,
                               sp_cim_value *v);
const sp_cim_value *sp_cim_decl_get_qualifier(const sp_cim_property_decl *d,
                                              const char *name);
/* A property's CLASSORIGIN and PROPAGATED, as for a method. */
void sp_cim_decl_set_origin(sp_cim_property_decl *d, const char *class_origin,
                            bool propagated);
size_t sp_cim_decl_qualifier_count(const sp_cim_property_decl *d);
const char *sp_cim_decl_qualifier_name(const sp_cim_property_decl *d, size_t i);
const sp_cim_value *sp_cim_decl_qualifier_value(const sp_cim_property_decl *d,
                                                size_t i);
/* True when the boolean qualifier @name is present and TRUE (Key, In, Out). */
bool sp_cim_decl_has_flag(const sp_cim_property_decl *d, const char *name);

/* ---- named argument lists --------------------------------------------- */

/*
 * An ordered list of named values: the parameters of an extrinsic method
 * (in or out), or of an intrinsic operation.
 */
sp_cim_args *sp_cim_args_new(void);
void sp_cim_args_free(sp_cim_args *a);
/* Add or replace @name, taking ownership of @v. */
void sp_cim_args_set(sp_cim_args *a, const char *name, sp_cim_value *v);
const sp_cim_value *sp_cim_args_get(const sp_cim_args *a, const char *name);
size_t sp_cim_args_count(const sp_cim_args *a);
const char *sp_cim_args_name(const sp_cim_args *a, size_t i);
const sp_cim_value *sp_cim_args_value(const sp_cim_args *a, size_t i);

SP_END_DECLS

#endif
