/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/cim/convert_class.c: CLASS elements (GetClass, the *WITHPATH forms) to
 * class declarations. */
#include "convert.h"

/* A QUALIFIER element: name and value. */
static sp_code qualifier(struct spi_conv *cv, const struct spi_xnode *n,
                         const char **name, sp_cim_value **out)
{
    *name = spi_xml_attr(n, SPI_A_NAME);
    const char *type = spi_xml_attr(n, SPI_A_TYPE);
    sp_cim_type t = spi_conv_type(type);
    if (!*name || t == SP_CIM_INVALID)
        return spi_conv_bad(cv, "QUALIFIER without NAME or valid TYPE");
    const struct spi_xnode *c = spi_xml_first(n);
    if (!c) {
        *out = sp_cim_value_new_null(t, false);
        return SP_OK;
    }
    return spi_conv_value(cv, c, t, false, out);
}

static sp_code add_qualifiers(struct spi_conv *cv, const struct spi_xnode *n,
                              struct spi_nvlist *list)
{
    for (const struct spi_xnode *c = spi_xml_first(n); c; c = spi_xml_next(c)) {
        if (!spi_xml_is(c, SPI_X_QUALIFIER))
            continue;
        const char *qn;
        sp_cim_value *qv = NULL;
        sp_code rc = qualifier(cv, c, &qn, &qv);
        if (rc)
            return rc;
        spi_nvlist_set(list, qn, qv);
    }
    return SP_OK;
}

static sp_code class_property(struct spi_conv *cv, const struct spi_xnode *c,
                              sp_cim_class *cls)
{
    const char *name;
    sp_cim_value *v = NULL;
    sp_code rc = spi_conv_property(cv, c, &name, &v);
    if (rc)
        return rc;
    sp_cim_type t = v->type;
    bool is_array = v->is_array;
    if (v->is_null) {
        sp_cim_value_free(v);
        v = NULL;
    }
    sp_cim_property_decl *d = sp_cim_class_add_property(
        cls, name, t, is_array, spi_xml_attr(c, SPI_A_REFERENCECLASS), v);
    return add_qualifiers(cv, c, &d->quals);
}

static sp_code method(struct spi_conv *cv, const struct spi_xnode *n,
                      sp_cim_class *cls)
{
    const char *name = spi_xml_attr(n, SPI_A_NAME);
    if (!name)
        return spi_conv_bad(cv, "METHOD without NAME");
    sp_cim_method_decl *m = sp_cim_class_add_method(
        cls, name, spi_conv_type(spi_xml_attr(n, SPI_A_TYPE)));
    sp_code rc = add_qualifiers(cv, n, &m->quals);
    for (const struct spi_xnode *c = spi_xml_first(n); c && !rc;
         c = spi_xml_next(c)) {
        bool ref = spi_xml_is(c, SPI_X_PARAMETER_REFERENCE) ||
                   spi_xml_is(c, SPI_X_PARAMETER_REFARRAY);
        bool arr = spi_xml_is(c, SPI_X_PARAMETER_ARRAY) ||
                   spi_xml_is(c, SPI_X_PARAMETER_REFARRAY);
        if (!ref && !arr && !spi_xml_is(c, SPI_X_PARAMETER))
            continue;
        const char *pn = spi_xml_attr(c, SPI_A_NAME);
        sp_cim_type t =
            ref ? SP_CIM_REFERENCE : spi_conv_type(spi_xml_attr(c, SPI_A_TYPE));
        if (!pn || t == SP_CIM_INVALID)
            return spi_conv_bad(cv, "parameter of '%.64s' without NAME or TYPE",
                                name);
        sp_cim_param_decl *p = sp_cim_method_add_param(
            m, pn, t, arr, spi_xml_attr(c, SPI_A_REFERENCECLASS));
        rc = add_qualifiers(cv, c, &p->quals);
    }
    return rc;
}

sp_code spi_conv_class(struct spi_conv *cv, const struct spi_xnode *n,
                       sp_cim_class **out)
{
    const char *name = spi_xml_attr(n, SPI_A_NAME);
    if (!name || !*name)
        return spi_conv_bad(cv, "CLASS without NAME");
    sp_cim_class *cls =
        sp_cim_class_new(name, spi_xml_attr(n, SPI_A_SUPERCLASS));
    sp_code rc = add_qualifiers(cv, n, &cls->quals);
    for (const struct spi_xnode *c = spi_xml_first(n); c && !rc;
         c = spi_xml_next(c)) {
        if (spi_xml_is(c, SPI_X_PROPERTY) ||
            spi_xml_is(c, SPI_X_PROPERTY_ARRAY) ||
            spi_xml_is(c, SPI_X_PROPERTY_REFERENCE))
            rc = class_property(cv, c, cls);
        else if (spi_xml_is(c, SPI_X_METHOD))
            rc = method(cv, c, cls);
    }
    if (rc) {
        sp_cim_class_free(cls);
        return rc;
    }
    *out = cls;
    return SP_OK;
}
