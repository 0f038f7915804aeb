/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/cim/ops.h: what the classic operations (ops.c) and the pull
 * operations (pull.c) share: delivering streamed objects, request
 * parameters, argument checks, one operation's round trip. */
#ifndef SANPROV_CIM_OPS_H
#define SANPROV_CIM_OPS_H

#include "client_internal.h"

/* Where the objects of a response go: the caller's callbacks, or (GetInstance,
 * GetClass) the single object kept here. */
struct spi_sink {
    enum spi_item_kind want;
    sp_cim_instance_fn inst_fn;
    sp_cim_path_fn path_fn;
    sp_cim_name_fn name_fn; /* class names */
    void *ctx;
    size_t delivered;
    bool wrong_kind;
    bool cancelled;
    /* GetInstance / GetClass keep their single object here. */
    sp_cim_instance *inst;
    sp_cim_class *cls;
};

/* Parameters of a request, each left out when NULL or empty. */
void spi_op_arg_class(sp_cim_args *a, const char *name, const char *cls);
void spi_op_arg_string(sp_cim_args *a, const char *name, const char *s);
void spi_op_arg_bool(sp_cim_args *a, const char *name, bool b);
void spi_op_arg_props(sp_cim_args *a, const char *const *props);
void spi_op_arg_object(sp_cim_args *a, const char *name, const sp_cim_path *p);
/* The object (as @objparam) and filters of an association operation. */
sp_cim_args *spi_op_assoc_args(const char *objparam, const sp_cim_path *obj,
                               const char *assoc_class,
                               const char *result_class, const char *role,
                               const char *result_role);

/* Argument checks: they clear the client's error, or set it and return
 * its code. */
sp_code spi_op_check_flags(sp_cim_client *c, unsigned int flags,
                           unsigned int allowed);
sp_code spi_op_check_path(sp_cim_client *c, const sp_cim_path *p,
                          bool need_keys);
sp_code spi_op_check_class(sp_cim_client *c, const char *classname);

/* Intrinsic operation @op in @ns with the parameters @a (freed), objects
 * into @s; *@out (when not NULL) the rest of the response. */
sp_code spi_op_run(sp_cim_client *c, const char *op, const char *ns,
                   sp_cim_args *a, struct spi_sink *s,
                   struct spi_cim_response **out);

/* EnumerateInstances and Associators, the fallbacks of their pull forms. */
sp_code spi_op_enumerate_classic(sp_cim_client *c, const char *ns,
                                 const char *classname,
                                 const char *const *props, unsigned int flags,
                                 sp_cim_instance_fn fn, void *ctx);
sp_code spi_op_associators_classic(sp_cim_client *c, const sp_cim_path *obj,
                                   const char *assoc_class,
                                   const char *result_class, const char *role,
                                   const char *result_role,
                                   const char *const *props, unsigned int flags,
                                   sp_cim_instance_fn fn, void *ctx);

#endif
